package admin

import (
	"bytes"
	"html"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/rulebook"
)

// TestRulesPageShowsWarnings: a fit rule's attribute most likely misspelt
// (employes) loads, as a custom form field's name may be anything, and
// scored nobody: the rules page said nothing of the rules in force, and of
// a candidate only once its simulation found it matched nobody. The page
// says each warning with its line and the attribute meant, of the rules in
// force and of the candidate simulated, in its language; none without.
func TestRulesPageShowsWarnings(t *testing.T) {
	r, err := rulebook.Parse("candidate.yaml", []byte("fit:\n  rules:\n    - {name: big, attribute: employes, min: 250, points: 20}\nmql: [{name: x, grades: [D]}]\n"))
	if err != nil {
		t.Fatal(err)
	}
	ws := warningTexts(r.Warnings)
	for lang, want := range map[string][]string{
		"en": {"The rules in force load, but may not do what they say:", "The candidate loads, but may not do what it says:",
			`candidate.yaml:3: fit.rules[0].attribute: "employes" is none of Baton's attributes: did you mean employees?`},
		"ja": {"現在のルールは読み込まれていますが、書かれたとおりに働かないおそれがあります：", "ルール案は読み込めますが、書かれたとおりに働かないおそれがあります：",
			`candidate.yaml の 3 行目（fit.rules[0].attribute）："employes" は Baton の属性名ではありません。employees の書き間違いではありませんか。`},
	} {
		for _, v := range []rulesView{{Warnings: ws, CandidateWarnings: ws}, {}} {
			p := page{L: lang, Loc: time.UTC, Data: v}
			var b bytes.Buffer
			if err := pages["rules"].ExecuteTemplate(&b, "layout", p); err != nil {
				t.Fatal(err)
			}
			body := html.UnescapeString(b.String())
			for _, w := range want {
				if got := strings.Contains(body, w); got != (v.Warnings != nil) {
					t.Errorf("%s, %d warnings: the page has %q: %v", lang, len(v.Warnings), w, got)
				}
			}
		}
	}
}
