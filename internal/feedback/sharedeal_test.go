package feedback_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/baton-hq/baton/internal/crm/crmfake"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/feedback"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/push"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/reports"
	"github.com/baton-hq/baton/internal/table"
)

// TestHubSpotDealOfTwoContactsCountsOnce: a B2B deal has several contacts
// (担当者 and 決裁者), and Baton may have delivered more than one of them.
// The deal's webhook gives each of them the deal, so each person's cycle
// has it; the revenue report summed them all: one 1,200,000 JPY deal won
// was 2,400,000 JPY and 2 deals. One deal is one deal, its amount shared
// between its people's touches.
func TestHubSpotDealOfTwoContactsCountsOnce(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	// A colleague, qualified and delivered to HubSpot as contact 502.
	evs := []event.Event{
		{ID: "c1", Type: event.Download, VisitorID: "fb-v2", URL: "https://www.example.com/a.pdf", Timestamp: f.now},
		{ID: "c2", Type: event.FormSubmit, VisitorID: "fb-v2", Timestamp: f.now, Properties: map[string]any{"form": map[string]any{"id": "contact"}}},
	}
	f.log.Append(ctx, evs)
	p2, _, err := f.st.Identify(ctx, identity.Identification{Visitor: "fb-v2", Email: "colleague@example.com", Strength: identity.Strong, Fields: map[string]string{"title": "部長", "employees": "500"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.q.Process(ctx, evs); err != nil {
		t.Fatal(err)
	}
	ref, _ := json.Marshal(map[string]string{"person": p2.ID})
	f.tb.Put(ctx, table.Item{PK: push.ExternalPK("hubspot", "502"), SK: "EXT", Data: ref}, table.Always)

	hs := crmfake.NewHubSpot()
	defer hs.Close()
	hs.Deals = map[string]*crmfake.HubSpotDeal{
		"7002": {Properties: map[string]string{"dealstage": "closedwon", "amount": "1200000", "deal_currency_code": "JPY", "closedate": "2026-11-24T00:00:00Z"}, Contacts: []string{"501", "502"}},
	}
	f.h.HubSpotDeals = &feedback.HubSpotDeals{BaseURL: hs.URL, Token: hs.Token}
	body := fmt.Sprintf(`[{"eventId":3001,"subscriptionId":9,"portalId":62515,"occurredAt":%d,"subscriptionType":"deal.propertyChange","attemptNumber":0,"objectId":7002,"propertyName":"dealstage","propertyValue":"closedwon","changeSource":"CRM"}]`, f.now.UnixMilli())
	if code, resp := f.post(t, "/feedback/hubspot", body, hubspotSign(publicURL+"/feedback/hubspot", body, f.now.UnixMilli())); code != 200 {
		t.Fatalf("%d %s", code, resp)
	}
	for _, id := range []string{f.p.ID, p2.ID} {
		if rec, _ := f.q.Record(ctx, id); rec.Stage != qualify.StageCustomer {
			t.Fatalf("%s: stage %s, want customer", id, rec.Stage)
		}
	}
	people, err := reports.Load(ctx, f.tb)
	if err != nil {
		t.Fatal(err)
	}
	rows, totals := reports.Revenue(people, reports.Filter{}, []string{"channel"})
	if len(totals) != 1 || totals[0].Kind != reports.Won || totals[0].Amount != 1200000 || totals[0].Deals != 1 {
		t.Fatalf("totals %+v, want one won deal of 1200000 JPY", totals)
	}
	credited := map[string]float64{}
	for _, r := range rows {
		credited[r.Model] += r.Amount
	}
	for m, v := range credited {
		if v != 1200000 {
			t.Errorf("model %s credits %v, want the deal's 1200000", m, v)
		}
	}
}
