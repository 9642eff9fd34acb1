package lab

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/reports"
)

// TestSuggestedPointsStayInBounds: a rule whose MQLs sales all accepted,
// at 600000 points, got its points doubled to 1.2e+06, past the rules
// file's bound (rulebook.MaxPoints): applied, the diff made a file the
// parser refuses. The proposal stops at the bound, written as a number
// (1000000), and every proposal, applied, parses; the threshold the
// evidence does support (the MQLs below it all rejected, those above all
// accepted) is still proposed.
func TestSuggestedPointsStayInBounds(t *testing.T) {
	const rules = `name: cur
behaviour:
  - {name: pv, type: page_view, points: 10}
  - {name: big, type: form_submit, form: "re:demo", points: 600000}
mql:
  - name: hot
    min_behaviour: 40
`
	people := append(suggestPeople(6, suggestPerson{"demo", 0, "accepted"}), suggestPeople(6, suggestPerson{"newsletter", 4, "rejected"})...)
	s, err := suggestLab(t, rules, people).Suggest(context.Background(), 5)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, e := range s.Items {
		if p := e.Proposal; p != nil {
			got[e.Name] = fmt.Sprintf("%g -> %g: %s", p.From, p.To, strings.TrimSpace(p.New))
		}
	}
	want := map[string]string{
		"big": "600000 -> 1e+06: - {name: big, type: form_submit, form: \"re:demo\", points: 1000000}",
		"pv":  "10 -> 0: - {name: pv, type: page_view, points: 0}",
		"hot": "40 -> 600000: min_behaviour: 600000",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("proposals:\n%v\nwant\n%v", got, want)
	}
	appliedParses(t, rules, s)

	// A penalty is bounded alike: harder, at most -1000000.
	lines := locate([]byte("behaviour:\n  - {name: careers, type: page_view, points: -600000}\n"))
	e := Evidence{Kind: "behaviour", Name: "careers", Points: -600000, Answered: 10, AcceptRate: reports.Measured(0), AcceptCI: [2]float64{0, 0.278}}
	if p := pointsProposal(&e, 0.5, "behaviour[0].points", lines); p == nil || p.To != -1000000 || !strings.Contains(p.New, "points: -1000000}") {
		t.Errorf("penalty: %+v", p)
	}
	// One at the bound already is proposed no change.
	e.Points = -1000000
	if p := pointsProposal(&e, 0.5, "behaviour[0].points", locate([]byte("behaviour:\n  - {name: careers, type: page_view, points: -1000000}\n"))); p != nil {
		t.Errorf("at the bound: %+v", p)
	}
}
