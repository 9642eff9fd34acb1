package admin_test

import (
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/admin"
)

// TestZoneLabelOfAClockChangingTeam: a team in New York. The pages named
// the zone as its clocks said it when read: in January "Times in EST"
// over July's times (EDT), the campaign form's "In EST." over a send
// time in July (read as EDT), and the audit CSV's "at (EST)" over July's
// sign-ins. They name both, EST/EDT, whenever read; a zone that keeps
// one (JST, UTC) is named as before.
func TestZoneLabelOfAClockChangingTeam(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, func(h *admin.Handler) { h.Workspace.Loc = ny })
	f.clk.Set(time.Date(2026, 7, 10, 14, 0, 0, 0, time.UTC)) // 10:00 EDT
	// A sign-in in the audit trail, in July.
	f.login(fullToken)
	f.clk.Set(time.Date(2027, 1, 12, 15, 0, 0, 0, time.UTC)) // read in January
	for path, want := range map[string]string{
		"/admin/people?lang=en":    `title="America/New_York">Times in EST/EDT<`,
		"/admin/people?lang=ja":    `title="America/New_York">時刻は EST/EDT<`,
		"/admin/campaigns?lang=en": "In EST/EDT. Clicks seconds after the send are scanners&#39;.",
		"/admin/audit?lang=en":     "Time (EST/EDT)",
	} {
		if a := f.req("GET", path, "", "Authorization", "Bearer "+fullToken, "Accept", "text/html"); a.code != 200 || !strings.Contains(a.body, want) {
			t.Errorf("%s: %d, no %q", path, a.code, want)
		}
	}
	a := f.req("GET", "/admin/audit?format=csv&lang=en&action=signin", "", "Authorization", "Bearer "+fullToken)
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(a.body, "\ufeff"))).ReadAll()
	if a.code != 200 || err != nil || len(recs) < 2 || recs[0][0] != "at (EST/EDT)" || recs[0][10] != "last at (EST/EDT)" || recs[len(recs)-1][0] != "2026-07-10 10:00:00" {
		t.Errorf("audit CSV: %d %v %q", a.code, err, recs)
	}
}
