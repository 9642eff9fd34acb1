package lab

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/offline"
	"github.com/baton-hq/baton/internal/rulebook"
)

// TestReplayJudgesARecipientOnTouchesDatedBeforeTheirList: a newsletter's
// recipient (known from its list, uploaded on 5 Dec) is in an exhibition's
// attendee list imported after it, the touch dated the show's day (20
// Nov), before the list made them known. Live scoring judged them when the
// touch came, known, and raised their MQL; the lab's replay took the touch
// for anonymous history (dated before their creation) and, a recipient
// waiting for a scored event of theirs, never judged them: the replay of
// the rules in force had no MQL where one was raised, and a candidate
// lowering the threshold for such people found none of them. The repo's
// own examples do this: tanaka@ is in docs/examples/recipients.csv and
// japan-it-week.csv.
func TestReplayJudgesARecipientOnTouchesDatedBeforeTheirList(t *testing.T) {
	ctx := context.Background()
	const rules = `name: cur
decay: {half_life: 30d}
behaviour:
  - {name: booth, type: offline, channel: exhibition, points: 40}
fit:
  rules:
    - {name: boss, attribute: title, match: "re:部長", points: 30}
    - {name: big, attribute: employees, min: 250, points: 20}
grades: {A: 50, B: 30, C: 10}
mql:
  - {name: hot-and-fit, min_behaviour: 20, grades: [A, B]}
`
	cur, err := rulebook.Parse("rules.yaml", []byte(rules))
	if err != nil {
		t.Fatal(err)
	}
	listAt := time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)
	f := newReplayFixture(t, listAt, cur)
	const email = "tanaka@maker.example"
	if _, _, err := f.dir.EnsureWith(ctx, email, "list:nov-news", map[string]string{"name": "田中 一郎"}, nil); err != nil {
		t.Fatal(err)
	}
	f.clk.Set(listAt.Add(time.Hour))
	im := &offline.Importer{Dir: f.dir, Link: f.st, Events: f.log, Now: f.clk.Now}
	csv := "メールアドレス,氏名,役職,イベント名,来場日,種別\r\n" + email + ",田中 一郎,部長,Japan IT Week 秋,2026/11/20,展示会\r\n"
	if res, err := im.Import(ctx, strings.NewReader(csv), offline.Defaults{}); err != nil || res.Imported != 1 {
		t.Fatalf("import: %+v %v", res, err)
	}
	p, err := f.dir.ByEmail(ctx, email)
	if err != nil {
		t.Fatal(err)
	}
	tl, err := f.st.History(ctx, p.ID)
	if err != nil || len(tl) != 1 || !tl[0].Timestamp.Before(p.CreatedAt) {
		t.Fatalf("history %+v %v: want the touch, dated before the list", tl, err)
	}
	if err := f.q.Process(ctx, tl); err != nil { // as the feed scores the touch
		t.Fatal(err)
	}
	ms, err := f.q.MQLs(ctx, p.ID)
	if err != nil || len(ms) != 1 || ms[0].Condition != "hot-and-fit" {
		t.Fatalf("live scoring raised %+v (%v), want the hot-and-fit MQL the fixture is about", ms, err)
	}

	l := &Lab{T: f.tb, Q: f.q, Rules: cur, Now: f.clk.Now}
	rep, err := l.Simulate(ctx, cur, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Check.Stored != 1 || rep.Check.Same != 1 || rep.Current.MQLs != 1 {
		t.Errorf("the replay of the rules in force: %d MQLs, check %+v; live scoring raised 1", rep.Current.MQLs, rep.Check)
	}
	_, sims, err := f.q.Simulate(ctx, p.ID, &rulebook.Engine{R: cur})
	if err != nil {
		t.Fatal(err)
	}
	if len(sims[0].MQLs) != 1 || !sims[0].MQLs[0].At.Equal(ms[0].At) {
		t.Errorf("the replay raises %+v; live scoring raised one at %v", sims[0].MQLs, ms[0].At)
	}
}
