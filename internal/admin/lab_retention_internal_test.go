package admin

import (
	"bytes"
	"html"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/lab"
)

// TestRulesPageSaysTheWindowIsPartlyExpired: a simulation whose history
// window reaches back past event_retention counted fewer events and MQLs
// before the cut, and the page said nothing of it. It now says so, with
// the day from which data is complete, in the page's language; a window
// within retention says nothing.
func TestRulesPageSaysTheWindowIsPartlyExpired(t *testing.T) {
	from := time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC)
	cut := time.Date(2025, 11, 4, 9, 0, 0, 0, time.UTC)
	for lang, want := range map[string]string{
		"en": "Part of the history window (from 1 Sep 2025) is past event_retention: events received before 5 Nov 2025 have expired, so both replays count fewer events and MQLs before it, its months too. Data is complete from 5 Nov 2025.",
		"ja": "履歴の期間（DAY1 から）の一部が保存期間（event_retention）を過ぎています。DAY2 より前に受け取った行動は期限切れで消えているため、どちらの再生でもそれより前（その月も）の行動と MQL は少なく数えられます。DAY2 以降のデータは完全です。",
	} {
		for _, partly := range []bool{true, false} {
			rep := &lab.Report{Complete: true, WindowFrom: from, WouldBecome: []lab.Person{}, WouldStop: []lab.Person{}}
			if partly {
				rep.CompleteFrom = cut
			}
			p := page{L: lang, Loc: time.UTC, Data: rulesView{Report: rep}}
			want := strings.NewReplacer("DAY1", p.Date("2025-09-01"), "DAY2", p.Date("2025-11-05")).Replace(want)
			var b bytes.Buffer
			if err := pages["rules"].ExecuteTemplate(&b, "layout", p); err != nil {
				t.Fatal(err)
			}
			body := html.UnescapeString(b.String())
			if got := strings.Contains(body, want); got != partly {
				t.Errorf("%s, partly expired %v: the page says it %v; want %q", lang, partly, got, want)
			}
			if got := strings.Contains(body, `id="lab-retention"`); got != partly {
				t.Errorf("%s, partly expired %v: note shown %v", lang, partly, got)
			}
		}
	}
}
