package feedback_test

import (
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/crm/crmfake"
	"github.com/baton-hq/baton/internal/feedback"
)

// TestHubSpotBatchItemFailureIsNoRefusal: a batch read answered 207 with
// an input failed for a reason other than not found (HubSpot's
// RATE_LIMITS among them, which the push connector retries) is no refusal
// of the token. A rollup's was taken for one: deal reads were given up for
// refusalTTL and every rollup meanwhile recorded on its contact alone, a
// deal of three contacts three won deals in the revenue report. The batch
// is answered 503, HubSpot sends it again, and the deal counts once.
func TestHubSpotBatchItemFailureIsNoRefusal(t *testing.T) {
	f := setup(t)
	hs := crmfake.NewHubSpot()
	defer hs.Close()
	hs.Contacts["sales-ready@example.com"] = map[string]string{"hs_object_id": "501", "email": "sales-ready@example.com"}
	colleague(t, f, hs, 2, "502")
	colleague(t, f, hs, 3, "503")
	hs.Deals = map[string]*crmfake.HubSpotDeal{
		"7003": {Properties: map[string]string{"dealstage": "closedwon", "amount": "1500000", "deal_currency_code": "JPY", "closedate": "2026-11-20T00:00:00Z"}, Contacts: []string{"501", "502", "503"}},
	}
	f.h.HubSpotDeals = &feedback.HubSpotDeals{BaseURL: hs.URL, Token: hs.Token}
	send := func(body string) (int, string) {
		t.Helper()
		return f.post(t, "/feedback/hubspot", body, hubspotSign(publicURL+"/feedback/hubspot", body, f.now.UnixMilli()))
	}
	hs.Fail(1, crmfake.Fault{Status: 207, Body: `{"status":"COMPLETE","results":[],"numErrors":1,"errors":[{"status":"error","category":"RATE_LIMITS","message":"You have reached your secondly limit.","context":{"ids":["501"]}}]}`})
	if code, resp := send(rollups(6010, f.now, "501", "1500000", "2026-11-20")); code != 503 {
		t.Fatalf("a 207 of a rate limit: %d %s, want 503", code, resp)
	}
	for i, c := range []string{"501", "502", "503"} {
		if code, resp := send(rollups(6010+10*i, f.now, c, "1500000", "2026-11-20")); code != 200 || !strings.Contains(resp, `"deal":true`) && i == 0 {
			t.Fatalf("contact %s: %d %s", c, code, resp)
		}
	}
	if totals := f.wonTotals(t); len(totals) != 1 || totals[0].Amount != 1500000 || totals[0].Deals != 1 {
		t.Fatalf("totals %+v, want one won deal of 1500000 JPY", totals)
	}
}
