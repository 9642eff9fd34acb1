package admin_test

import (
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/admin"
)

// TestRepeatedHourSaysItsZone: a New York team's trail on the night the
// clocks go back. Two changes an hour apart, at 01:30 EDT and at 01:30 EST,
// read alike ("1 Nov 2026 01:30:00" twice, the CSV's 2026-11-01 01:30:00
// twice) and seemed out of order; each now says its zone, on the page in
// both languages and in the CSV. A time outside that hour reads as before.
func TestRepeatedHourSaysItsZone(t *testing.T) {
	f := newFixture(t)
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	f.h.Workspace = &admin.Workspace{Loc: ny, Now: f.clk.Now}
	cookie, _ := f.login(fullToken)
	for i, at := range []time.Time{time.Date(2026, 11, 1, 5, 30, 0, 0, time.UTC), time.Date(2026, 11, 1, 6, 30, 0, 0, time.UTC), time.Date(2026, 11, 1, 7, 30, 0, 0, time.UTC)} {
		f.clk.Set(at)
		want := 200
		if i == 0 {
			want = 201
		}
		if a := f.req("POST", "/admin/links", linkJSON, "Authorization", "Bearer "+fullToken, "Content-Type", "application/json"); a.code != want {
			t.Fatalf("links: %d %s", a.code, a.body)
		}
	}
	for lang, want := range map[string][]string{
		"en": {"1 Nov 2026 01:30:00 EDT", "1 Nov 2026 01:30:00 EST", ">1 Nov 2026 02:30:00<"},
		"ja": {"2026年11月1日 01:30:00 EDT", "2026年11月1日 01:30:00 EST", ">2026年11月1日 02:30:00<"},
	} {
		a := f.req("GET", "/admin/audit?from=2026-11-01&to=2026-11-01&action=change", "", "Cookie", cookie, "Accept", "text/html", "Accept-Language", lang)
		for _, w := range want {
			if a.code != 200 || !strings.Contains(a.body, w) {
				t.Errorf("%s page lacks %q: %d\n%s", lang, w, a.code, a.body)
			}
		}
	}
	a := f.req("GET", "/admin/audit?format=csv&from=2026-11-01&to=2026-11-01&action=change", "", "Cookie", cookie, "Accept", "text/html")
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(a.body, "\ufeff"))).ReadAll()
	var times []string
	for _, r := range recs[1:] {
		times = append(times, r[0])
	}
	if err != nil || strings.Join(times, ",") != "2026-11-01 02:30:00,2026-11-01 01:30:00 EST,2026-11-01 01:30:00 EDT" {
		t.Errorf("CSV times %q %v", times, err)
	}
}
