package admin_test

import (
	"encoding/csv"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestFunnelCSVNamesItsRates: the funnel CSV's conversion columns say they
// are rates, in English and in Japanese, and hold ratios a spreadsheet
// reads as numbers (0.5, not "50%"); the head counts keep their names.
// They were "lead->mql" and リード→MQL beside the counts, and Excel users
// read the 0.429 in them as a count.
func TestFunnelCSVNamesItsRates(t *testing.T) {
	f := newFixture(t)
	f.h.Reports.SLA = time.Hour
	salesHistory(t, f)
	bearer := []string{"Authorization", "Bearer " + readToken}
	for _, c := range []struct {
		query  string
		counts []string // the stages' columns
		rates  []string // the steps' columns
	}{
		{"", []string{"lead", "mql", "sal", "sql", "opportunity", "customer"},
			[]string{"lead->mql rate", "mql->sal rate", "sal->sql rate", "sql->opportunity rate", "opportunity->customer rate"}},
		{"&lang=ja", []string{"リード", "MQL", "SAL（営業受入）", "SQL", "商談", "顧客"}, // as the rates name it
			[]string{"リード→MQL 率", "MQL→SAL（営業受入）率", "SAL（営業受入）→SQL 率", "SQL→商談 率", "商談→顧客 率"}},
	} {
		a := f.req("GET", "/admin/reports/funnel?format=csv"+c.query, "", bearer...)
		recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(a.body, "\ufeff"))).ReadAll()
		if a.code != 200 || err != nil || len(recs) < 2 {
			t.Fatalf("funnel CSV%s: %d %v %q", c.query, a.code, err, a.body)
		}
		want := append(append([]string{recs[0][0], recs[0][1]}, c.counts...), c.rates...)
		if got := strings.Join(recs[0], ","); got != strings.Join(want, ",") {
			t.Errorf("funnel CSV%s header:\n got %s\nwant %s", c.query, got, strings.Join(want, ","))
		}
		// Two leads, both MQLs, one SAL: lead→MQL 1, MQL→SAL 0.5, as numbers.
		all := recs[1]
		if len(all) != len(want) {
			t.Fatalf("funnel CSV%s row %q", c.query, all)
		}
		for i, w := range map[int]float64{2 + len(c.counts): 1, 3 + len(c.counts): 0.5} {
			if v, err := strconv.ParseFloat(all[i], 64); err != nil || v != w {
				t.Errorf("funnel CSV%s %s: %q, want the ratio %v", c.query, recs[0][i], all[i], w)
			}
		}
	}
}
