package admin_test

import (
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/reports"
)

// TestKPIPeriodSaysCut: a period over reports.MaxKPIMonths is answered
// with its last months only; the JSON says how many months were asked and
// that they were cut (it said nothing: the earlier months were just
// missing), and the CSV's file name and month column name the months it
// holds, not the period asked.
func TestKPIPeriodSaysCut(t *testing.T) {
	f := newFixture(t)
	f.h.Reports.Targets = map[string]int{"mql": 4}
	bearer := []string{"Authorization", "Bearer " + readToken}
	type kpiBody struct {
		Months  []reports.KPIReport
		Spanned *int
		Cut     *bool
		Note    *string
	}
	for _, c := range []struct {
		query               string
		spanned             int
		cut                 bool
		firstMonth, lastMon string
	}{
		{"from=2024-10-01&to=2027-03-31", 30, true, "2025-04", "2027-03"}, // 30 months: the last 24
		{"from=2025-03-31&to=2027-03-01", 25, true, "2025-04", "2027-03"}, // one day of a 25th month
		{"from=2025-04-01&to=2027-03-31", 24, false, "2025-04", "2027-03"},
		{"from=2026-10-20&to=2026-11-05", 2, false, "2026-10", "2026-11"},
	} {
		a := f.req("GET", "/admin/reports/kpi?"+c.query, "", bearer...)
		var b kpiBody
		if a.code != 200 || json.Unmarshal([]byte(a.body), &b) != nil {
			t.Fatalf("%s: %d %s", c.query, a.code, a.body)
		}
		if b.Spanned == nil || *b.Spanned != c.spanned || b.Cut == nil || *b.Cut != c.cut || len(b.Months) != min(c.spanned, reports.MaxKPIMonths) ||
			b.Months[0].Month != c.firstMonth || b.Months[len(b.Months)-1].Month != c.lastMon {
			t.Errorf("%s: want spanned %d, cut %v, %s to %s: %s", c.query, c.spanned, c.cut, c.firstMonth, c.lastMon, a.body)
		}
		switch {
		case c.cut && (b.Note == nil || !strings.Contains(*b.Note, "spans 30 months") && !strings.Contains(*b.Note, "spans 25 months") ||
			!strings.Contains(*b.Note, "its last 24 ("+c.firstMonth+" to "+c.lastMon+")")):
			t.Errorf("%s: the note does not say the period was cut: %s", c.query, a.body)
		case !c.cut && b.Note != nil:
			t.Errorf("%s: a note on a period not cut: %s", c.query, a.body)
		}

		// The CSV: named for the months it holds, which its rows are.
		a = f.req("GET", "/admin/reports/kpi?format=csv&"+c.query, "", bearer...)
		want := "kpi_" + b.Months[0].From + "_" + b.Months[len(b.Months)-1].To + ".csv"
		if cd := a.hdr.Get("Content-Disposition"); a.code != 200 || cd != "attachment; filename="+want || !strings.HasPrefix(want, "kpi_"+c.firstMonth+"-01_"+c.lastMon+"-") {
			t.Errorf("%s CSV: %d %q, want %s", c.query, a.code, cd, want)
		}
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(a.body, "\ufeff"))).ReadAll()
		if err != nil || len(rows) != 1+len(b.Months) || rows[0][0] != "month" || rows[1][0] != c.firstMonth || rows[len(rows)-1][0] != c.lastMon {
			t.Errorf("%s CSV rows: %v %q", c.query, err, rows)
		}
	}
	// A month (?month=) is answered as before: its report, no period keys.
	a := f.req("GET", "/admin/reports/kpi?month=2026-10", "", bearer...)
	var one map[string]any
	if a.code != 200 || json.Unmarshal([]byte(a.body), &one) != nil || one["month"] != "2026-10" || one["cut"] != nil || one["spanned"] != nil {
		t.Errorf("a month: %d %s", a.code, a.body)
	}
}
