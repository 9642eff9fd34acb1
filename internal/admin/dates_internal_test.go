package admin

import (
	"testing"
	"time"
)

// TestOneDateFormatPerLanguage: Japanese pages said 2026年11月24日 10:07
// on most pages, 2026/11/24 10:02:03 in the audit trail, 2026-12-01 in the
// lab and 2026-12 for a month. Every date is said the language's one way.
func TestOneDateFormatPerLanguage(t *testing.T) {
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	at := time.Date(2026, 11, 30, 15, 2, 3, 0, time.UTC) // 1 December in Tokyo
	for _, c := range []struct{ l, when, instant, day, date, month, history string }{
		{"ja", "2026年12月1日 00:02", "2026年12月1日 00:02:03", "2026年12月1日", "2026年12月1日", "2026年12月", "2026年12月1日 差し戻し：予算なし"},
		{"en", "1 Dec 2026 00:02", "1 Dec 2026 00:02:03", "1 Dec 2026", "1 Dec 2026", "Dec 2026", "1 Dec 2026 rejected: 予算なし"},
	} {
		p := page{L: c.l, Loc: tokyo}
		got := [...]string{p.When(at), p.Instant(at), p.Day(at), p.Date("2026-12-01"), p.Month("2026-12"), p.History([]string{"2026-12-01 rejected: 予算なし"})}
		if want := [...]string{c.when, c.instant, c.day, c.date, c.month, c.history}; got != want {
			t.Errorf("%s: %q, want %q", c.l, got, want)
		}
	}
}
