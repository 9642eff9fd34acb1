package lab

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/rulebook"
)

// TestMovedPeopleListedAtMostList: a loose candidate makes thousands of
// people MQLs; each was listed, with their history, in the answer and on
// the page (20,000 people a request: past the 6 MB an AWS Lambda function
// can return, and no page a person reads). Options.List lists the
// earliest of each group; the counts and shares stay of them all, and the
// answer says how many more there are.
func TestMovedPeopleListedAtMostList(t *testing.T) {
	ctx := context.Background()
	parse := func(min int) *rulebook.Rules {
		t.Helper()
		r, err := rulebook.Parse("rules.yaml", []byte(fmt.Sprintf("name: t\nbehaviour:\n  - {name: pages, type: page_view, points: 5}\nmql:\n  - {name: hot, min_behaviour: %d}\n", min)))
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	cur, loose := parse(1000), parse(1)
	f := newReplayFixture(t, time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC), cur)
	for i := range 5 {
		at := time.Date(2026, 11, 10-i, 9, 0, 0, 0, time.UTC) // the last made is the earliest
		vis := fmt.Sprintf("v%d", i)
		ev := event.Event{ID: "e" + vis, Type: event.PageView, VisitorID: vis, URL: "https://www.example.com/pricing", Timestamp: at, ReceivedAt: at}
		f.clk.Set(at)
		if _, err := f.log.Append(ctx, []event.Event{ev}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.st.Identify(ctx, identity.Identification{Visitor: vis, Email: vis + "@maker.example", Strength: identity.Strong, At: at}); err != nil {
			t.Fatal(err)
		}
		if err := f.q.Process(ctx, []event.Event{ev}); err != nil {
			t.Fatal(err)
		}
	}
	f.clk.Set(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
	l := &Lab{T: f.tb, Q: f.q, Rules: cur, Now: f.clk.Now}
	rep, err := l.Simulate(ctx, loose, Options{List: 2})
	if err != nil {
		t.Fatal(err)
	}
	var listed []string
	for _, p := range rep.WouldBecome {
		listed = append(listed, strings.TrimSuffix(p.Email, "@maker.example")+" "+p.At.Format("01-02"))
	}
	if fmt.Sprint(listed) != "[v4 11-06 v3 11-07]" || rep.WouldBecomeMore != 3 || rep.Become.People != 5 || rep.Candidate.MQLs != 5 {
		t.Errorf("listed %v, %d more, of %d (%d MQLs); want the earliest 2, 3 more, of 5", listed, rep.WouldBecomeMore, rep.Become.People, rep.Candidate.MQLs)
	}
	b, _ := json.Marshal(rep)
	if !strings.Contains(string(b), `"wouldBecomeMore":3`) || strings.Contains(string(b), "wouldStopMore") {
		t.Errorf("JSON: %s", b)
	}
	// The CLI's text (infra/lab -limit) lists the same and says how many
	// more there are, the count of them all above.
	txt := rep.Text()
	if !strings.Contains(txt, "would become MQLs: 5 (") || !strings.Contains(txt, "  … and 3 more (the earliest 2 listed; -limit 0 lists them all)\n") || strings.Count(txt, " hot lead") != 2 {
		t.Errorf("text:\n%s", txt)
	}
	// Without a bound (-limit 0), every one of them.
	rep, err = l.Simulate(ctx, loose, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.WouldBecome) != 5 || rep.WouldBecomeMore != 0 {
		t.Errorf("unbounded: %d listed, %d more", len(rep.WouldBecome), rep.WouldBecomeMore)
	}
}
