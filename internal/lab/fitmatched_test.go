package lab

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/rulebook"
)

// TestSimulateCountsPeopleEachFitRuleMatched: as for behaviour rules, the
// report says how many of the people replayed each fit rule matched, so
// that a fit rule that matched nobody (on an attribute no form fills, a
// custom field's name, values no one gave) stands out in the JSON, the
// text of the pull-request check and the page, with the attribute Baton
// stores when the rule's is none it names.
func TestSimulateCountsPeopleEachFitRuleMatched(t *testing.T) {
	ctx := context.Background()
	parse := func(fit string) *rulebook.Rules {
		t.Helper()
		r, err := rulebook.Parse("rules.yaml", []byte("name: t\nbehaviour:\n  - {name: pages, type: page_view, points: 1}\nfit:\n  rules:\n"+fit+"mql:\n  - {name: hot, min_behaviour: 40}\n"))
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	cur := parse("    - {name: boss, attribute: title, match: '*部長*', points: 30}\n    - {name: big, attribute: employees, min: 250, points: 20}\n    - {name: old, attribute: industry, in: [製造業], points: 5}\n")
	cand := parse("    - {name: boss, attribute: title, match: '*部長*', points: 30}\n    - {name: big, attribute: 会社規模, min: 250, points: 20}\n    - {name: jp, attribute: country, in: [ＪＰ], points: 5}\n")
	f := newReplayFixture(t, time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC), cur)
	tb, clk, log, st, q := f.tb, f.clk, f.log, f.st, f.q
	at := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	for i, fields := range []map[string]string{
		{"title": "営業部長", "従業員数": "500", "country": "ＪＰ"},
		{"title": "部長", "employees": "1,000名以上"},
		{"title": "担当"},
	} {
		at = at.Add(time.Hour)
		v := "v" + string(rune('a'+i))
		ev := event.Event{ID: "e" + v, Type: event.PageView, VisitorID: v, URL: "https://www.example.com/", Timestamp: at, ReceivedAt: at}
		if _, err := log.Append(ctx, []event.Event{ev}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := st.Identify(ctx, identity.Identification{Visitor: v, Email: v + "@maker.example", Fields: fields, Strength: identity.Strong, At: at}); err != nil {
			t.Fatal(err)
		}
		if err := q.Process(ctx, []event.Event{ev}); err != nil {
			t.Fatal(err)
		}
	}
	l := &Lab{T: tb, Q: q, Rules: cur, Now: clk.Now}
	rep, err := l.Simulate(ctx, cand, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if m := rep.Current.FitMatched; len(m) != 3 || m["boss"] != 2 || m["big"] != 2 || m["old"] != 0 {
		t.Errorf("in force, matched %v; want boss 2, big 2, old 0", m)
	}
	// 従業員数 is stored as employees: no one has a 会社規模.
	if m := rep.Candidate.FitMatched; len(m) != 3 || m["boss"] != 2 || m["big"] != 0 || m["jp"] != 1 {
		t.Errorf("candidate, matched %v; want boss 2, big 0, jp 1", m)
	}
	b, _ := json.Marshal(rep)
	var sides struct{ Candidate, Stored map[string]json.RawMessage }
	if err := json.Unmarshal(b, &sides); err != nil {
		t.Fatal(err)
	}
	if string(sides.Candidate["fitMatched"]) != `{"big":0,"boss":2,"jp":1}` || sides.Stored["fitMatched"] != nil {
		t.Errorf("JSON: candidate fitMatched %s, stored %s", sides.Candidate["fitMatched"], sides.Stored["fitMatched"])
	}
	var got []string
	for _, m := range rep.FitMatches() {
		got = append(got, m.Rule)
		if m.Rule == "big" && (m.Unstored == "" || m.Current != 2 || m.Candidate != 0) || m.Rule != "big" && m.Unstored != "" {
			t.Errorf("%+v", m)
		}
	}
	if strings.Join(got, " ") != "boss big jp old" {
		t.Errorf("fit rules listed %v: want the candidate's in its order, then those only in force", got)
	}
	text := rep.Text()
	for _, want := range []string{"fit rules, people matched:", "  boss                            |     2 ->     2\n",
		`  big                             |     2 ->     0  <- matched nobody (attribute "会社規模" is none Baton names: a custom form field's name, or "employees"?)` + "\n",
		"  jp                              |     - ->     1\n", "  old                             |     0 ->     -\n"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
}
