package admin_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/push"
)

// TestSLAReportSaysNotDelivered: an MQL no connector took (its webhook
// answered 400, dead-lettered) was counted among sales' open breaches.
// The SLA report counts it apart, not delivered (未配信), in its JSON, CSV
// and on the dashboard. Without a connector (sales take MQLs in the
// inbox) sales' time runs from the raise: an open breach.
func TestSLAReportSaysNotDelivered(t *testing.T) {
	f := newFixture(t)
	f.h.Reports.SLA = time.Hour
	salesHistory(t, f)
	bearer := []string{"Authorization", "Bearer " + readToken}
	if a := f.req("GET", "/admin/reports/sla", "", bearer...); a.code != 200 || !strings.Contains(a.body, `"openBreaches":1,"notDelivered":0`) {
		t.Fatalf("no connector: want the open MQL a breach of sales': %d %s", a.code, a.body)
	}
	f = newFixture(t)
	f.h.Reports.SLA = time.Hour
	f.h.Reports.Delivered = func(ctx context.Context, id string) (time.Time, bool, error) {
		return push.FirstDelivery(ctx, f.h.Reports.T, id)
	}
	salesHistory(t, f) // waiting@: an MQL nobody answered, delivered to no connector (a connector configured, none took it)
	a := f.req("GET", "/admin/reports/sla", "", bearer...)
	var body struct {
		Rows []struct {
			Owner        string `json:"owner"`
			OpenBreaches int    `json:"openBreaches"`
			NotDelivered int    `json:"notDelivered"`
		}
	}
	if a.code != 200 || json.Unmarshal([]byte(a.body), &body) != nil || len(body.Rows) == 0 {
		t.Fatalf("%d %s", a.code, a.body)
	}
	if r := body.Rows[0]; r.Owner != "(all)" || r.OpenBreaches != 0 || r.NotDelivered != 1 {
		t.Fatalf("(all) %+v, want no open breach and one not delivered: %s", r, a.body)
	}
	c := f.req("GET", "/admin/reports/sla?format=csv&lang=ja", "", bearer...)
	if first, _, _ := strings.Cut(c.body, "\n"); c.code != 200 || !strings.HasSuffix(strings.TrimSpace(first), "未対応の SLA 超過,未配信") {
		t.Fatalf("CSV: %d %s", c.code, c.body)
	}
	d := f.req("GET", "/admin/?lang=ja", "", append(bearer, "Accept", "text/html")...)
	if d.code != 200 || !strings.Contains(d.body, `<td data-l="未配信" class="n"><a href="mqls">1</a></td>`) {
		t.Fatalf("dashboard: %d, no 未配信 count", d.code)
	}
}
