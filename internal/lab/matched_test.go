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

// TestSimulateCountsEventsEachRuleMatched: the report says, for each
// behaviour rule of each file, how many events it matched in the replay,
// so that a rule that matched none (a glob naming no page there is)
// stands out in the JSON, the text of the pull-request check and the
// page; a hash route (#/features) is a page a glob names.
func TestSimulateCountsEventsEachRuleMatched(t *testing.T) {
	ctx := context.Background()
	parse := func(behaviour string) *rulebook.Rules {
		t.Helper()
		r, err := rulebook.Parse("rules.yaml", []byte("name: t\nbehaviour:\n  - {name: pages, type: page_view, points: 1}\n"+behaviour+"mql:\n  - {name: hot, min_behaviour: 40}\n"))
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	cur := parse("  - {name: app-pricing, url: \"/app/pricing*\", points: -100}\n  - {name: old, url: \"/old*\", points: 1}\n")
	cand := parse("  - {name: app-pricing, url: \"/app/pricing*\", points: -100}\n  - {name: features, url: \"/app/pricing#/features\", points: 5}\n  - {name: careers, url: \"/careers*\", points: -10}\n")
	f := newReplayFixture(t, time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC), cur)
	tb, clk, log, st, q := f.tb, f.clk, f.log, f.st, f.q
	at := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	for i, u := range []string{"/app/pricing", "/app/pricing#/features", "/blog", "/app/pricing/#/features/?tab=2"} {
		at = at.Add(time.Hour)
		ev := event.Event{ID: "e" + string(rune('a'+i)), Type: event.PageView, VisitorID: "v1", URL: "https://www.example.com" + u, Timestamp: at, ReceivedAt: at}
		if _, err := log.Append(ctx, []event.Event{ev}); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			if _, _, err := st.Identify(ctx, identity.Identification{Visitor: "v1", Email: "v1@maker.example", Strength: identity.Strong, At: at}); err != nil {
				t.Fatal(err)
			}
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
	if m := rep.Current.Matched; len(m) != 3 || m["pages"] != 4 || m["app-pricing"] != 3 || m["old"] != 0 {
		t.Errorf("in force, matched %v; want pages 4, app-pricing 3, old 0", m)
	}
	if m := rep.Candidate.Matched; len(m) != 4 || m["pages"] != 4 || m["app-pricing"] != 3 || m["features"] != 2 || m["careers"] != 0 {
		t.Errorf("candidate, matched %v; want pages 4, app-pricing 3, features 2 (the hash route), careers 0", m)
	}
	b, _ := json.Marshal(rep)
	var sides struct{ Candidate, Stored map[string]json.RawMessage }
	if err := json.Unmarshal(b, &sides); err != nil {
		t.Fatal(err)
	}
	if string(sides.Candidate["matched"]) != `{"app-pricing":3,"careers":0,"features":2,"pages":4}` || sides.Stored["matched"] != nil {
		t.Errorf("JSON: candidate matched %s, stored matched %s (none: the MQLs raised replay nothing)", sides.Candidate["matched"], sides.Stored["matched"])
	}
	var got []string
	for _, m := range rep.Matches() {
		got = append(got, m.Rule)
		if m.Rule == "careers" && (!m.InCandidate || m.InForce || m.Candidate != 0) || m.Rule == "old" && (m.InCandidate || !m.InForce) {
			t.Errorf("%+v", m)
		}
	}
	if strings.Join(got, " ") != "pages app-pricing features careers old" {
		t.Errorf("rules listed %v: want the candidate's in its order, then those only in force", got)
	}
	text := rep.Text()
	for _, want := range []string{"behaviour rules, events matched:", "  features                        |     - ->     2\n", "  careers                         |     - ->     0  <- matched no event\n", "  old                             |     0 ->     -\n"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
}
