package push

import (
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/event"
)

// TestSummaryTimeMarksTheRepeatedHour: an MQL summary's activity lines
// (times in the team's zone) say the zone of a time in the hour the clocks
// show twice, which read alike (01:30, 01:30); others, and Tokyo's, as before.
func TestSummaryTimeMarksTheRepeatedHour(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	for at, want := range map[time.Time]string{
		time.Date(2026, 11, 1, 5, 30, 0, 0, time.UTC).In(ny):    "2026-11-01 01:30 EDT",
		time.Date(2026, 11, 1, 6, 30, 0, 0, time.UTC).In(ny):    "2026-11-01 01:30 EST",
		time.Date(2026, 11, 1, 7, 30, 0, 0, time.UTC).In(ny):    "2026-11-01 02:30",
		time.Date(2026, 11, 1, 5, 30, 0, 0, time.UTC).In(tokyo): "2026-11-01 14:30",
	} {
		if got := when(event.PageView, at); got != want {
			t.Errorf("%s: %q, want %q", at, got, want)
		}
	}
}
