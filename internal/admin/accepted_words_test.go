package admin_test

import (
	"io/fs"
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestDashboardAndRulesNameAcceptanceAlike: the dashboard's MQL-quality
// table headed the accepted MQLs' column "SAL" (in Japanese too), while
// the rules page's table of the same counts says accepted / 受入. Both
// say the rules page's word now, in each language.
func TestDashboardAndRulesNameAcceptanceAlike(t *testing.T) {
	f := newFixture(t)
	salesHistory(t, f) // one MQL accepted (then SQL, lost), one waiting
	serveScoring(t, f)
	rules, err := fs.ReadFile(os.DirFS("templates"), "rules.html")
	if err != nil {
		t.Fatal(err)
	}
	// The rules page's heading of the column (the template's own text).
	if !strings.Contains(string(rules), `<th class="n">MQL</th><th class="n">{{$.T "accepted"}}</th>`) {
		t.Fatal("the rules page no longer heads the column accepted: say here what it says")
	}
	for lang, word := range map[string]string{"en": "accepted", "ja": "受入"} {
		a := f.req("GET", "/admin/?lang="+lang, "", "Authorization", "Bearer "+fullToken, "Accept", "text/html")
		if a.code != 200 {
			t.Fatalf("%s: %d %s", lang, a.code, a.body)
		}
		// The MQL-quality table: headed by the condition, then MQL.
		head := regexp.MustCompile(`<th>(?:Condition|条件)</th><th class="n">MQL</th><th class="n">([^<]*)</th><th class="n">SQL</th>`).FindStringSubmatch(a.body)
		if head == nil || head[1] != word {
			t.Errorf("%s: the MQL-quality table heads the accepted column %q, the rules page %q", lang, head, word)
		}
		if !strings.Contains(a.body, `<td data-l="`+word+`" class="n">1</td>`) {
			t.Errorf("%s: the accepted count's card label is not %q", lang, word)
		}
	}
}
