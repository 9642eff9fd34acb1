package push_test

import (
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/account"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/push"
)

// TestSummaryTimesEitherSideOfAClockChange: a New York team's MQL of
// Monday 2026-03-09, its activity from the week before: the summary's
// heading named the newest line's zone alone, "times in EDT", over
// Friday's 15:00, which was EST. It names both, newest first; the MQA's
// members' heading alike. Times of one zone are named as before.
func TestSummaryTimesEitherSideOfAClockChange(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	mon := time.Date(2026, 3, 9, 10, 0, 0, 0, ny)
	fri := time.Date(2026, 3, 6, 15, 0, 0, 0, ny)
	l := push.Lead{Condition: "hot", Grade: "A", Activity: []push.Activity{{Type: event.Download, Title: "Case study", At: mon}, {Type: event.PageView, Title: "Pricing", At: fri}}}
	for lang, want := range map[string]string{"": "Recent activity (times in EDT/EST):\n- 2026-03-09 10:00 ", "ja": "最近の行動（時刻は EDT/EST）：\n- 2026-03-09 10:00 "} {
		l.Lang = lang
		if got := l.Summary(); !strings.Contains(got, want) || !strings.Contains(got, "- 2026-03-06 15:00 ") {
			t.Errorf("%q summary lacks %q:\n%s", lang, want, got)
		}
	}
	l.Lang, l.Activity = "", l.Activity[:1]
	if got := l.Summary(); !strings.Contains(got, "Recent activity (times in EDT):\n") {
		t.Errorf("one zone:\n%s", got)
	}
	m := account.MQA{ID: "a0123456789abcdef-q1", Account: "a0123456789abcdef", N: 1, At: mon, Condition: "mqa",
		People: []account.Member{{Name: "Ann", Email: "ann@maker.example", LastActive: mon}, {Name: "Bob", Email: "bob@maker.example", LastActive: fri}}}
	if got := m.Summary(); !strings.Contains(got, "People (times in EDT/EST):\n") || !strings.Contains(got, "last active 2026-03-06 15:00") {
		t.Errorf("MQA summary:\n%s", got)
	}
}

// TestOfflineDayWhereTheClocksSkipMidnight: a fair's visit imported for
// Santiago's 2026-09-06, whose first instant is 01:00 (the clocks skip
// midnight), is its day alone on the summary, as a midnight is elsewhere.
func TestOfflineDayWhereTheClocksSkipMidnight(t *testing.T) {
	scl, err := time.LoadLocation("America/Santiago")
	if err != nil {
		t.Fatal(err)
	}
	l := push.Lead{Condition: "hot", Grade: "A", Activity: []push.Activity{{Type: event.Offline, Title: "Expo", At: time.Date(2026, 9, 6, 4, 0, 0, 0, time.UTC).In(scl)}}}
	if got := l.Summary(); !strings.Contains(got, "- 2026-09-06 ") || strings.Contains(got, "01:00") {
		t.Errorf("summary:\n%s", got)
	}
}
