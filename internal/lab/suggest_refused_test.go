package lab

import (
	"context"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/rulebook"
)

// TestSuggestionsWithheldWhenTheFileWouldBeRefused: the fit rule "maker"
// touched only MQLs sales rejected, so its points were proposed 30 -> 0;
// with grades.A at 50 and the fit rules then giving at most 30, the
// patched rules file is refused by the parser (make check, the server's
// start) although the diff applied cleanly. The proposal is withheld with
// the parser's refusal (in the JSON and as a comment of the diff), the
// diff proposes nothing refused, and the evidence is still shown.
func TestSuggestionsWithheldWhenTheFileWouldBeRefused(t *testing.T) {
	const rules = `name: cur
behaviour:
  - {name: form, type: form_submit, points: 40}
fit:
  rules:
    - {name: big, attribute: employees, min: 250, points: 30}
    - {name: maker, attribute: industry, in: [manufacturing], points: 30}
grades:
  A: 50
  B: 30
  C: 10
mql:
  - name: hot
    min_behaviour: 40
`
	// big: 3 of 5 accepted (no clear difference); maker: 0 of 6; neither: 6 of 6.
	var people []suggestPerson
	var fields []map[string]string
	add := func(n int, outcome string, f map[string]string) {
		people = append(people, suggestPeople(n, suggestPerson{"newsletter", 0, outcome})...)
		for range n {
			fields = append(fields, f)
		}
	}
	add(3, "accepted", map[string]string{"employees": "500"})
	add(2, "rejected", map[string]string{"employees": "500"})
	add(6, "rejected", map[string]string{"industry": "manufacturing"})
	add(6, "accepted", nil)
	s, err := suggestLabFields(t, rules, people, func(i int) map[string]string { return fields[i] }).Suggest(context.Background(), 5)
	if err != nil {
		t.Fatal(err)
	}
	var maker *Evidence
	for i, e := range s.Items {
		if e.Name == "maker" {
			maker = &s.Items[i]
		}
		if e.Proposal != nil {
			t.Errorf("%s %s: proposed %s %g -> %g", e.Kind, e.Name, e.Proposal.Field, e.Proposal.From, e.Proposal.To)
		}
	}
	if maker == nil || maker.Answered != 6 || maker.Accepted != 0 || !strings.HasPrefix(maker.Verdict, "worse than all MQLs") {
		t.Fatalf("maker's evidence: %+v", maker)
	}
	w := maker.Withheld
	if w == nil || w.Field != "fit.rules[1].points" || w.From != 30 || w.To != 0 {
		t.Fatalf("maker: withheld %+v", w)
	}
	// The parser's own words, on the line it refuses.
	_, want := rulebook.Parse("rules.yaml", []byte(strings.Replace(rules, "in: [manufacturing], points: 30}", "in: [manufacturing], points: 0}", 1)))
	if want == nil || w.Refused != want.Error() || !strings.Contains(w.Refused, "grades.A") {
		t.Errorf("refused %q, the parser says %v", w.Refused, want)
	}
	if s.Diff != "" {
		t.Errorf("diff with nothing proposed:\n%s", s.Diff)
	}
	appliedParses(t, rules, s)

	// Beside a proposal kept, the one withheld is a comment of the diff,
	// which still applies (git apply) and parses.
	lines := locate([]byte(rules))
	kept := lines["behaviour[0].points"].propose("behaviour[0].points", 40, 50, "raise")
	d := diff("rules.yaml", []byte(rules), []Evidence{{Proposal: kept}, *maker})
	if !strings.Contains(d, "# not proposed, line 7, fit.rules[1].points 30 -> 0: the rules file it makes is refused: "+want.Error()+"\n") || !strings.Contains(d, "+  - {name: form, type: form_submit, points: 50}") {
		t.Errorf("diff:\n%s", d)
	}
	appliedParses(t, rules, Suggestions{Diff: d})
}

// TestSuggestionOnALineWithJapanese: a fit rule written on one line with
// a Japanese value before its points (in: [製造業], points: 30) was
// proposed 30 -> 0 with the line unchanged (- and + the same line): yaml
// gives the points' column in characters, which was read as bytes. The
// proposed line now has the new points.
func TestSuggestionOnALineWithJapanese(t *testing.T) {
	const rules = "fit:\n  rules:\n    - {name: maker, attribute: industry, in: [製造業], points: 30}\n    - {name: ７８, attribute: title, match: '*部長*', points: 20}\n"
	lines := locate([]byte(rules))
	for field, want := range map[string]string{
		"fit.rules[0].points": "    - {name: maker, attribute: industry, in: [製造業], points: 0}",
		"fit.rules[1].points": "    - {name: ７８, attribute: title, match: '*部長*', points: 0}",
	} {
		p := lines[field].propose(field, 30, 0, "lower")
		if p == nil || p.New != want {
			t.Errorf("%s: %+v, want %q", field, p, want)
		}
	}
}
