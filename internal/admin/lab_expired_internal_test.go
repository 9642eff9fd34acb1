package admin

import (
	"bytes"
	"html"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/lab"
)

// TestRulesPageSaysWhoseHistoryExpired: the people a simulation did not
// judge because their events expired (event_retention) are counted apart
// on the page, in its language, beside the people who would stop being
// MQLs (none of them among those); a run with none says nothing of it.
func TestRulesPageSaysWhoseHistoryExpired(t *testing.T) {
	rep := &lab.Report{WouldBecome: []lab.Person{}, WouldStop: []lab.Person{}, HistoryExpired: lab.Expired{People: 13, MQLs: 11}}
	for lang, want := range map[string][]string{
		"en": {"History expired: not judged<b>13</b>of them 11 MQLs now", "History expired: 13 people not judged (11 of them MQLs now)."},
		"ja": {"履歴の保存期間切れ（判定せず）<b>13</b>うち現在 MQL 11 人", "履歴の保存期間切れ：13 人は判定していません（うち現在 MQL 11 人）。"},
	} {
		for _, r := range []*lab.Report{rep, {WouldBecome: []lab.Person{}, WouldStop: []lab.Person{}}} {
			p := page{L: lang, Loc: time.UTC, Data: rulesView{Report: r}}
			var b bytes.Buffer
			if err := pages["rules"].ExecuteTemplate(&b, "layout", p); err != nil {
				t.Fatal(err)
			}
			body := html.UnescapeString(b.String())
			for _, w := range want {
				if got := strings.Contains(body, w); got != (r.HistoryExpired.People > 0) {
					t.Errorf("%s, %d expired: the page has %q: %v", lang, r.HistoryExpired.People, w, got)
				}
			}
		}
	}
}
