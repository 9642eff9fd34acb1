package admin

import (
	"bytes"
	"html"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/reports"
)

// TestRulesPageCutsLongReasons: sales' reason of 3,000 characters filled
// the rules page's 営業のコメント cell in full. The cell cuts each reason
// (an ellipsis says so), the full text in its title.
func TestRulesPageCutsLongReasons(t *testing.T) {
	long := strings.Repeat("予算が合わない", 70) // 490 characters
	why := map[string]int{"rejected: " + long: 2, "lost: no budget": 1}
	for _, lang := range []string{"en", "ja"} {
		p := page{L: lang, Data: rulesView{Conditions: []conditionView{{Name: "demo", Q: reports.QualityRow{MQLs: 3, Why: why}}}}}
		var b bytes.Buffer
		if err := pages["rules"].ExecuteTemplate(&b, "layout", p); err != nil {
			t.Fatal(err)
		}
		body := html.UnescapeString(b.String())
		cell := body[strings.Index(body, `<td data-l="`+p.T("why, as sales said")+`"`):]
		cell = cell[:strings.Index(cell, "</td>")]
		text := cell[strings.Index(cell, ">")+1:]
		if strings.Contains(text, long) || !strings.Contains(text, "…") || len([]rune(text)) > 200 {
			t.Errorf("%s: the cell says %d characters: %s", lang, len([]rune(text)), text)
		}
		if !strings.Contains(cell, `title="`+p.Why(why)+`"`) {
			t.Errorf("%s: the full reasons are not the cell's title: %s", lang, cell)
		}
	}
}
