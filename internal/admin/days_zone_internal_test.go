package admin

import (
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/calendar"
)

// TestDatesAreWholeDaysOfTheZone: from and to (the MQL list's, the audit
// trail's, the reports') are the configured zone's whole days. Where the
// clocks skip midnight (Santiago on 2026-09-06, Havana on 2026-03-08:
// 23:59:59, then 01:00) a date was read as 23:00 of the day before, so
// from=09-06 took in the last hour of 09-05 and to=09-05 left it out; New
// York's and London's days of a clock change are 23 and 25 hours long.
func TestDatesAreWholeDaysOfTheZone(t *testing.T) {
	for _, c := range []struct {
		zone, from, to string
		start, end     string // RFC 3339 UTC
	}{
		{"America/Santiago", "2026-09-06", "2026-09-06", "2026-09-06T04:00:00Z", "2026-09-07T03:00:00Z"},
		{"America/Santiago", "2026-09-01", "2026-09-05", "2026-09-01T04:00:00Z", "2026-09-06T04:00:00Z"},
		{"America/Havana", "2026-03-08", "2026-03-08", "2026-03-08T05:00:00Z", "2026-03-09T04:00:00Z"},
		{"America/New_York", "2026-03-08", "2026-03-08", "2026-03-08T05:00:00Z", "2026-03-09T04:00:00Z"},
		{"America/New_York", "2026-11-01", "2026-11-01", "2026-11-01T04:00:00Z", "2026-11-02T05:00:00Z"},
		{"Europe/London", "2026-03-29", "2026-03-29", "2026-03-29T00:00:00Z", "2026-03-29T23:00:00Z"},
		{"Europe/London", "2026-10-25", "2026-10-25", "2026-10-24T23:00:00Z", "2026-10-26T00:00:00Z"},
	} {
		loc, err := time.LoadLocation(c.zone)
		if err != nil {
			t.Fatal(err)
		}
		q := url.Values{"from": {c.from}, "to": {c.to}}
		from, to, bad := dayRange(q, loc)
		if bad != nil || from.UTC().Format(time.RFC3339) != c.start || to.UTC().Format(time.RFC3339) != c.end {
			t.Errorf("%s %s to %s: [%v, %v) %v, want [%s, %s)", c.zone, c.from, c.to, from.UTC(), to.UTC(), bad, c.start, c.end)
		}
		rp := &Reports{Calendar: calendar.Calendar{Loc: loc}}
		f, field, err := rp.parseFilter(httptest.NewRequest("GET", "/admin/reports/funnel?"+q.Encode(), nil))
		if err != nil || f.From.UTC().Format(time.RFC3339) != c.start || f.To.UTC().Format(time.RFC3339) != c.end {
			t.Errorf("report %s %s to %s: [%v, %v) %s %v, want [%s, %s)", c.zone, c.from, c.to, f.From.UTC(), f.To.UTC(), field, err, c.start, c.end)
		}
	}
}

// TestDatedWhereTheClocksSkipMidnight: a time at its day's first instant
// (an offline touch's day, a lead an import made) is its date alone, in
// Santiago on 2026-09-06 at 01:00, where the day begins, as at midnight
// elsewhere; a later time keeps its minute.
func TestDatedWhereTheClocksSkipMidnight(t *testing.T) {
	scl, err := time.LoadLocation("America/Santiago")
	if err != nil {
		t.Fatal(err)
	}
	p := page{L: "en", Loc: scl}
	if got := p.Dated(calendar.DayStart(2026, 9, 6, scl)); got != "6 Sep 2026" {
		t.Errorf("the day's start: %q", got)
	}
	if got := p.Dated(time.Date(2026, 9, 6, 1, 30, 0, 0, scl)); got != "6 Sep 2026 01:30" {
		t.Errorf("a time of the day: %q", got)
	}
	if got := p.Dated(time.Date(2026, 9, 5, 0, 0, 0, 0, scl)); got != "5 Sep 2026" {
		t.Errorf("a midnight: %q", got)
	}
}
