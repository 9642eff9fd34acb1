package admin

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/lab"
)

// TestLabTablesHeadersAreNamed: the lab's tables by condition and by month
// end in a column of bars whose header was empty (<th></th>): a screen
// reader announced the column as nothing. Every header of the lab's
// result now has a name, visually hidden where the page shows none, in
// the page's language.
func TestLabTablesHeadersAreNamed(t *testing.T) {
	rep := &lab.Report{Complete: true, WouldBecome: []lab.Person{}, WouldStop: []lab.Person{}}
	th := regexp.MustCompile(`(?s)<th[^>]*>(.*?)</th>`)
	tag := regexp.MustCompile(`<[^>]*>`)
	for lang, want := range map[string]string{"en": "Bars: stored, replayed in force, replayed candidate", "ja": "棒グラフ：保存済み、再生（現行ルール）、再生（候補）"} {
		p := page{L: lang, Loc: time.UTC, Data: rulesView{Report: rep}}
		var b bytes.Buffer
		if err := pages["rules"].ExecuteTemplate(&b, "layout", p); err != nil {
			t.Fatal(err)
		}
		body := b.String()
		for _, id := range []string{"lab-by-condition", "lab-by-month"} {
			i := strings.Index(body, `id="`+id+`"`)
			if i < 0 {
				t.Fatalf("%s: no table %s", lang, id)
			}
			head := body[i : i+strings.Index(body[i:], "</thead>")]
			for _, m := range th.FindAllStringSubmatch(head, -1) {
				if strings.TrimSpace(tag.ReplaceAllString(m[1], "")) == "" {
					t.Errorf("%s: %s has a header without a name: %s", lang, id, m[0])
				}
			}
			if !strings.Contains(head, `<span class="vh">`+want+`</span>`) {
				t.Errorf("%s: %s's bars column is not named %q:\n%s", lang, id, want, head)
			}
		}
	}
}
