package admin_test

import (
	"regexp"
	"strings"
	"testing"
)

// TestDashboardNamesTheGroupOfNoValue: grouped by campaign, the people
// whose first touch was a direct visit (a touch, but no campaign) are the
// group "(none)": the chart's bar said "(none)" in English on the
// Japanese page and the table （接点なし）, no touch, which they had. Chart
// and table name the group by the grouping in both languages: no
// campaign; by channel, where every touch has one, it is no touch.
func TestDashboardNamesTheGroupOfNoValue(t *testing.T) {
	f := newFixture(t)
	salesHistory(t, f) // two MQLs first touched by a direct download
	serveScoring(t, f)
	bar := regexp.MustCompile(`<text x="0" y="\d+" dy="15">([^<]*)</text>`)
	row := regexp.MustCompile(`<tr><td data-l="(?:Group|グループ)">([^<]*)</td>`)
	for _, c := range []struct{ by, lang, want string }{
		{"campaign", "ja", "（キャンペーンなし）"},
		{"campaign", "en", "(no campaign)"},
		{"source", "ja", "（ソースなし）"},
		{"medium", "en", "(no medium)"},
	} {
		a := f.req("GET", "/admin/?by="+c.by+"&lang="+c.lang, "", "Authorization", "Bearer "+fullToken, "Accept", "text/html")
		if a.code != 200 {
			t.Fatalf("%s %s: %d %s", c.by, c.lang, a.code, a.body)
		}
		var bars, rows []string
		for _, m := range bar.FindAllStringSubmatch(a.body, -1) {
			bars = append(bars, m[1])
		}
		for _, m := range row.FindAllStringSubmatch(a.body, -1) {
			rows = append(rows, m[1])
		}
		// The MQLs-by chart is the second (the funnel's bars are stages).
		if !strings.Contains(strings.Join(bars, "|"), "|"+c.want) || strings.Contains(a.body, ">(none)</text>") {
			t.Errorf("%s %s: the chart's bars %q, want %q", c.by, c.lang, bars, c.want)
		}
		if !strings.Contains(strings.Join(rows, "|"), c.want) || strings.Contains(strings.Join(rows, "|"), "接点なし") {
			t.Errorf("%s %s: the funnel's groups %q, want %q", c.by, c.lang, rows, c.want)
		}
	}
}
