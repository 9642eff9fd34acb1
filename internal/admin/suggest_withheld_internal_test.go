package admin

import (
	"html"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/lab"
)

// TestSuggestionsPageSaysWhyAProposalIsWithheld: a change the evidence
// supported whose rules file the parser refuses (lab.Suggest withholds it)
// is shown struck through with the parser's refusal, in the page's
// language, where a proposal would be; the page offered it as a change
// that make check then refused.
func TestSuggestionsPageSaysWhyAProposalIsWithheld(t *testing.T) {
	refused := "rules.yaml:9: grades.A: 50, but the fit rules give at most 30 (their positive points together): no one is ever graded A; lower it to 30 or less, or give fit rules more points"
	s := &lab.Suggestions{Rules: "cur", File: "rules.yaml", Items: []lab.Evidence{{Kind: "fit", Name: "maker", Points: 30, Answered: 6, Verdict: "worse than all MQLs (53% accepted)",
		Withheld: &lab.Proposal{Field: "fit.rules[1].points", Line: 7, From: 30, To: 0, Refused: refused}}}}
	h := &Handler{}
	for lang, want := range map[string][]string{
		"en": {"Not proposed: the rules file it makes is refused", html.EscapeString(refused)},
		"ja": {"提案しません：この変更を加えたルールファイルは読み込みを拒否されます", "rules.yaml の 9 行目（grades.A）：50 ですが"},
	} {
		w := httptest.NewRecorder()
		r := httptest.NewRequest("GET", "/admin/rules/suggestions?lang="+lang, nil)
		h.render(w, r, 200, "suggestions", "Suggestions from sales' outcomes", "../", "rules", suggestionsView{S: s, Min: 5})
		b := w.Body.String()
		for _, x := range append(want, "<s>fit.rules[1].points 30 → 0</s>") {
			if w.Code != 200 || !strings.Contains(b, x) {
				t.Errorf("%s: want %q: %d\n%s", lang, x, w.Code, b)
			}
		}
	}
}
