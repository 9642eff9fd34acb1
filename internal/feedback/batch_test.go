package feedback_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/crm/crmfake"
	"github.com/baton-hq/baton/internal/feedback"
	"github.com/baton-hq/baton/internal/qualify"
)

// TestHubSpotDealReadOncePerBatch: closing a deal in HubSpot changes its
// stage, amount and close date in one save, and HubSpot sends the three
// events in one batch; the deal was read from HubSpot's API once per event
// (a batch of 100 events of one deal: 100 calls, against the app's rate
// limit, while HubSpot waits for the answer). The deal is read once per
// batch; each event still makes its own verdicts.
func TestHubSpotDealReadOncePerBatch(t *testing.T) {
	f := setup(t)
	hs := crmfake.NewHubSpot()
	defer hs.Close()
	hs.Deals = map[string]*crmfake.HubSpotDeal{
		"7001": {Properties: map[string]string{"dealstage": "closedwon", "amount": "900000", "deal_currency_code": "JPY", "closedate": "2026-11-24T00:00:00Z"}, Contacts: []string{"501"}},
	}
	f.h.HubSpotDeals = &feedback.HubSpotDeals{BaseURL: hs.URL, Token: hs.Token}
	ms := f.now.UnixMilli()
	var evs []string
	for i, prop := range []string{"amount", "closedate", "dealstage"} {
		evs = append(evs, fmt.Sprintf(`{"eventId":%d,"occurredAt":%d,"subscriptionType":"deal.propertyChange","objectId":7001,"propertyName":%q,"propertyValue":"x"}`, 8001+i, ms, prop))
	}
	body := "[" + strings.Join(evs, ",") + "]"
	code, resp := f.post(t, "/feedback/hubspot", body, hubspotSign(publicURL+"/feedback/hubspot", body, ms))
	if code != 200 || f.stage(t) != qualify.StageCustomer || f.deal(t).Amount != 900000 || strings.Count(resp, `"deliveryId":"hs-80`) != 3 {
		t.Fatalf("%d %s stage %s", code, resp, f.stage(t))
	}
	hs.Lock()
	reads, contacts, gets := fmt.Sprint(hs.DealBatchReads), fmt.Sprint(hs.DealContactReads), hs.Calls["GET /crm/v3/objects/deals/7001"]
	hs.Unlock()
	if reads != "[[7001]]" || contacts != "[[7001]]" || gets != 0 {
		t.Fatalf("the deal read %s, its contacts %s, %d GETs for one batch; want it once, in one batch read each", reads, contacts, gets)
	}
}
