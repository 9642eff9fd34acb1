package admin

import (
	"bytes"
	"html"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/lab"
)

// TestRulesPageSaysWhoIsNotListed: a simulation lists at most
// simulateList people who would become (or stop being) MQLs; the page
// counts all of them (it counted the list) and says how many more there
// are, in the page's language.
func TestRulesPageSaysWhoIsNotListed(t *testing.T) {
	rep := &lab.Report{WouldBecome: []lab.Person{{ID: "p_a", Email: "a@maker.example"}, {ID: "p_b", Email: "b@maker.example"}}, WouldBecomeMore: 1498, Become: lab.Group{People: 1500}, WouldStop: []lab.Person{}}
	for lang, want := range map[string][]string{
		"en": {"Would become MQLs<b>1500</b>", "And 1498 more, not listed: the earliest 2 are (go run ./infra/lab -limit 0 lists them all)."},
		"ja": {"<b>1500</b>", "ほか 1498 人は表示していません。日付の早い 2 人を表示しています"},
	} {
		p := page{L: lang, Loc: time.UTC, Data: rulesView{Report: rep}}
		var b bytes.Buffer
		if err := pages["rules"].ExecuteTemplate(&b, "layout", p); err != nil {
			t.Fatal(err)
		}
		body := html.UnescapeString(b.String())
		for _, w := range want {
			if !strings.Contains(body, w) {
				t.Errorf("%s: the page lacks %q", lang, w)
			}
		}
		if strings.Contains(body, "<b>2</b>") {
			t.Errorf("%s: the page counts the listed people", lang)
		}
	}
}
