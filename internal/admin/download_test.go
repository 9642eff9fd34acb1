package admin

import (
	"mime"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestPeriodName: a download's name carries the dates of the period it
// covers in the configured zone (the last day, not the exclusive end), and
// stays ASCII.
func TestPeriodName(t *testing.T) {
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	from := time.Date(2026, 11, 1, 0, 0, 0, 0, tokyo)
	to := time.Date(2026, 12, 1, 0, 0, 0, 0, tokyo)      // the day after the last
	now := time.Date(2026, 12, 2, 20, 0, 0, 0, time.UTC) // 3 Dec in Tokyo
	for _, c := range []struct {
		from, to time.Time
		want     string
	}{
		{from, to, "report_2026-11-01_2026-11-30.csv"},
		{from, time.Time{}, "report_2026-11-01_2026-12-03.csv"},
		{time.Time{}, to, "report_until_2026-11-30.csv"},
		{time.Time{}, time.Time{}, "report.csv"},
		{from.UTC(), to.UTC(), "report_2026-11-01_2026-11-30.csv"}, // the same instants given in UTC: Tokyo's dates
	} {
		if got := periodName("report", ".csv", c.from, c.to, tokyo, now); got != c.want {
			t.Errorf("%v %v: %s, want %s", c.from, c.to, got, c.want)
		}
	}
}

// TestAttachment: an ASCII name is a plain filename=; a Japanese one is
// written as filename* in RFC 5987's UTF-8 form, which browsers decode back.
func TestAttachment(t *testing.T) {
	for _, name := range []string{"funnel_2026-11-01_2026-11-30.csv", "ファネル_2026-11.csv"} {
		w := httptest.NewRecorder()
		attachment(w, name)
		cd := w.Header().Get("Content-Disposition")
		disp, params, err := mime.ParseMediaType(cd)
		if err != nil || disp != "attachment" || params["filename"] != name {
			t.Errorf("%s: %q %v %v", name, cd, params, err)
		}
		if ascii := name[0] < 128; ascii == strings.Contains(strings.ToLower(cd), "filename*=utf-8''") {
			t.Errorf("%s: %q", name, cd)
		}
		for _, r := range cd {
			if r > 127 {
				t.Errorf("%s: header not ASCII: %q", name, cd)
				break
			}
		}
	}
}
