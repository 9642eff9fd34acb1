package admin

import (
	"mime"
	"net/http"
	"time"

	"github.com/baton-hq/baton/internal/reports"
)

// attachment makes the answer a download named name: filename= for every
// client, and filename* in RFC 5987's UTF-8 form when the name is not ASCII (RFC 6266), as
// mime.FormatMediaType writes them.
func attachment(w http.ResponseWriter, name string) {
	cd := mime.FormatMediaType("attachment", map[string]string{"filename": name})
	if cd == "" { // a name FormatMediaType cannot write: never a broken header
		cd = `attachment; filename="download"`
	}
	w.Header().Set("Content-Disposition", cd)
}

// periodName is a download's file name with the period its rows cover,
// as dates in the configured zone: report_2026-11-01_2026-11-30.csv. from
// is the first instant, to the end (exclusive; the day after the last);
// zero when unbounded. A period open at its end runs to today; one open at
// its start says "until"; no period at all leaves the name as it is.
func periodName(name, ext string, from, to time.Time, loc *time.Location, now time.Time) string {
	const day = "2006-01-02"
	switch {
	case from.IsZero() && to.IsZero():
		return name + ext
	case from.IsZero():
		return name + "_until_" + to.Add(-time.Nanosecond).In(loc).Format(day) + ext
	case to.IsZero():
		if now.Before(from) {
			now = from
		}
		return name + "_" + from.In(loc).Format(day) + "_" + now.In(loc).Format(day) + ext
	}
	return name + "_" + from.In(loc).Format(day) + "_" + to.Add(-time.Nanosecond).In(loc).Format(day) + ext
}

// reportFile is a report's CSV file name with its filter's period.
func (h *Handler) reportFile(name string, f reports.Filter) string {
	return periodName(name, ".csv", f.From, f.To, h.Reports.Calendar.Location(), h.Reports.now())
}
