package feedback_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/crm/crmfake"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/feedback"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/push"
	"github.com/baton-hq/baton/internal/reports"
	"github.com/baton-hq/baton/internal/table"
)

// colleague makes another MQL of the setup's company, delivered to
// HubSpot as contact ext (and known to the fake by it).
func colleague(t *testing.T, f *fx, hs *crmfake.HubSpot, n int, ext string) string {
	t.Helper()
	ctx := context.Background()
	v, email := fmt.Sprintf("fb-c%d", n), fmt.Sprintf("colleague%d@example.com", n)
	evs := []event.Event{
		{ID: v + "-1", Type: event.Download, VisitorID: v, URL: "https://www.example.com/a.pdf", Timestamp: f.now},
		{ID: v + "-2", Type: event.FormSubmit, VisitorID: v, Timestamp: f.now, Properties: map[string]any{"form": map[string]any{"id": "contact"}}},
	}
	f.log.Append(ctx, evs)
	p, _, err := f.st.Identify(ctx, identity.Identification{Visitor: v, Email: email, Strength: identity.Strong, Fields: map[string]string{"title": "部長", "employees": "500"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.q.Process(ctx, evs); err != nil {
		t.Fatal(err)
	}
	ref, _ := json.Marshal(map[string]string{"person": p.ID})
	f.tb.Put(ctx, table.Item{PK: push.ExternalPK("hubspot", ext), SK: "EXT", Data: ref}, table.Always)
	hs.Contacts[email] = map[string]string{"hs_object_id": ext, "email": email}
	return p.ID
}

// rollups is a batch of contact's rollups of a deal of amount closed on
// closeDate, with its lifecycle stage set to customer, as HubSpot sends
// them when the deal is won (event ids from id).
func rollups(id int, at time.Time, contact, amount, closeDate string) string {
	cd, _ := time.Parse("2006-01-02", closeDate)
	ev := func(n int, prop, value string) string {
		return fmt.Sprintf(`{"eventId":%d,"subscriptionId":7,"portalId":62515,"occurredAt":%d,"subscriptionType":"contact.propertyChange","attemptNumber":0,"objectId":%s,"propertyName":%q,"propertyValue":%q,"changeSource":"CRM"}`, id+n, at.UnixMilli(), contact, prop, value)
	}
	return "[" + ev(0, "recent_deal_amount", amount) + "," + ev(1, "recent_deal_close_date", fmt.Sprint(cd.UnixMilli())) + "," + ev(2, "lifecyclestage", "customer") + "]"
}

func (f *fx) wonTotals(t *testing.T) []reports.RevenueTotal {
	t.Helper()
	people, err := reports.Load(context.Background(), f.tb)
	if err != nil {
		t.Fatal(err)
	}
	_, totals := reports.Revenue(people, reports.Filter{}, []string{"channel"})
	return totals
}

// TestHubSpotRollupsOfOneDealCountOnce: HubSpot keeps recent_deal_amount
// on every contact of a deal, the deal's whole amount. Three contacts of a
// buying group on one won deal of 1,500,000 JPY were three won deals of
// 4,500,000 in the revenue report. The contact's deal is read (its latest
// won, not a later open one) and recorded as the deal's webhook records
// it: once, shared by its contacts, and with its currency; a later rollup
// of the same deal does not add it again, and HubSpot failing is a 503.
func TestHubSpotRollupsOfOneDealCountOnce(t *testing.T) {
	f := setup(t)
	hs := crmfake.NewHubSpot()
	defer hs.Close()
	hs.Contacts["sales-ready@example.com"] = map[string]string{"hs_object_id": "501", "email": "sales-ready@example.com"}
	colleague(t, f, hs, 2, "502")
	colleague(t, f, hs, 3, "503")
	hs.Deals = map[string]*crmfake.HubSpotDeal{
		"7003": {Properties: map[string]string{"dealstage": "closedwon", "amount": "1500000", "deal_currency_code": "JPY", "closedate": "2026-11-20T00:00:00Z"}, Contacts: []string{"501", "502", "503"}},
		"7004": {Properties: map[string]string{"dealstage": "closedwon", "amount": "300000", "deal_currency_code": "JPY", "closedate": "2025-06-30T00:00:00Z"}, Contacts: []string{"501"}},
		"7005": {Properties: map[string]string{"dealstage": "contractsent", "amount": "9000000", "deal_currency_code": "JPY", "closedate": "2027-03-31T00:00:00Z"}, Contacts: []string{"501"}},
	}
	f.h.HubSpotDeals = &feedback.HubSpotDeals{BaseURL: hs.URL, Token: hs.Token}
	send := func(body string) (int, string) {
		t.Helper()
		return f.post(t, "/feedback/hubspot", body, hubspotSign(publicURL+"/feedback/hubspot", body, f.now.UnixMilli()))
	}
	for i, c := range []string{"501", "502", "503"} {
		if code, resp := send(rollups(4010+10*i, f.now, c, "1500000", "2026-11-20")); code != 200 || !strings.Contains(resp, `"deal":true`) && i == 0 {
			t.Fatalf("contact %s: %d %s", c, code, resp)
		}
	}
	hs.Lock()
	asked, read, contacts := fmt.Sprint(hs.ContactDealReads), fmt.Sprint(hs.DealBatchReads), fmt.Sprint(hs.DealContactReads)
	hs.Unlock()
	// A contact's two rollups of a batch: one read of its deals; their
	// properties in one call, and the contacts of the one chosen alone.
	if want := "[[7003 7004 7005] [7003] [7003]]"; asked != "[[501] [502] [503]]" || read != want || contacts != "[[7003] [7003] [7003]]" {
		t.Fatalf("contacts' deals asked %s, deals read %s (want %s), their contacts %s", asked, read, want, contacts)
	}
	totals := f.wonTotals(t)
	if len(totals) != 1 || totals[0].Kind != reports.Won || totals[0].Currency != "JPY" || totals[0].Amount != 1500000 || totals[0].Deals != 1 {
		t.Fatalf("totals %+v, want one won deal of 1500000 JPY", totals)
	}
	// The deal's amount corrected: HubSpot's rollups change again.
	hs.Deals["7003"].Properties["amount"] = "1600000"
	f.clk.Advance(time.Hour)
	f.now = f.now.Add(time.Hour)
	hs.Fail(1, crmfake.Fault{Status: 502, Body: `{"status":"error","message":"bad gateway"}`})
	if code, resp := send(rollups(4100, f.now, "502", "1600000", "2026-11-20")); code != 503 {
		t.Fatalf("HubSpot failing: %d %s, want 503", code, resp)
	}
	if code, resp := send(rollups(4100, f.now, "502", "1600000", "2026-11-20")); code != 200 {
		t.Fatalf("again: %d %s", code, resp)
	}
	if totals := f.wonTotals(t); len(totals) != 1 || totals[0].Amount != 1600000 || totals[0].Deals != 1 {
		t.Fatalf("after a second rollup: %+v, want one won deal of 1600000 JPY", totals)
	}
}

// TestHubSpotRollupsWithoutDealsScope: a token without
// crm.objects.deals.read cannot read the contact's deals: the rollups are
// recorded on the contact as before (the amount per contact), warned once,
// and HubSpot not asked again for a while. A contact HubSpot does not have
// keeps them too.
func TestHubSpotRollupsWithoutDealsScope(t *testing.T) {
	f := setup(t)
	l := captureLog(f)
	hs := crmfake.NewHubSpot()
	defer hs.Close()
	hs.Contacts["sales-ready@example.com"] = map[string]string{"hs_object_id": "501", "email": "sales-ready@example.com"}
	p2 := colleague(t, f, hs, 2, "502")
	hs.Deals = map[string]*crmfake.HubSpotDeal{
		"7003": {Properties: map[string]string{"dealstage": "closedwon", "amount": "1500000", "deal_currency_code": "JPY", "closedate": "2026-11-20T00:00:00Z"}, Contacts: []string{"501", "502"}},
	}
	hs.MissingScopes = []string{"crm.objects.deals.read"}
	f.h.HubSpotDeals = &feedback.HubSpotDeals{BaseURL: hs.URL, Token: hs.Token}
	for i, c := range []string{"501", "502"} {
		body := rollups(5000+10*i, f.now, c, "1500000", "2026-11-20")
		if code, resp := f.post(t, "/feedback/hubspot", body, hubspotSign(publicURL+"/feedback/hubspot", body, f.now.UnixMilli())); code != 200 || !strings.Contains(resp, `"deal":true`) {
			t.Fatalf("contact %s: %d %s", c, code, resp)
		}
	}
	for _, id := range []string{f.p.ID, p2} {
		ds, err := f.q.Deals(context.Background(), id)
		if err != nil || len(ds) != 1 || ds[0].Amount != 1500000 || ds[0].CloseDate != "2026-11-20" || ds[0].Ref != "" {
			t.Fatalf("%s: deals %+v %v, want the rollup's amount on the contact", id, ds, err)
		}
	}
	hs.Lock()
	asked := hs.Calls["POST /crm/v4/associations/contacts/deals/batch/read"]
	hs.Unlock()
	if n := l.count("lacks the scope crm.objects.deals.read"); n != 1 || asked != 1 {
		t.Fatalf("warned %d times, HubSpot asked %d times; want 1 and 1", n, asked)
	}

	// Scope granted, once the refusal is forgotten; contact 501 merged
	// away in HubSpot (404): its rollup is kept on it.
	hs.MissingScopes = nil
	delete(hs.Contacts, "sales-ready@example.com")
	f.clk.Advance(11 * time.Minute)
	body := rollups(5100, f.clk.Now(), "501", "1700000", "2026-11-21")
	if code, resp := f.post(t, "/feedback/hubspot", body, hubspotSign(publicURL+"/feedback/hubspot", body, f.clk.Now().UnixMilli())); code != 200 || !strings.Contains(resp, `"deal":true`) {
		t.Fatalf("merged contact: %d %s", code, resp)
	}
	if d := f.deal(t); d.Amount != 1700000 || d.CloseDate != "2026-11-21" {
		t.Fatalf("merged contact's deal %+v", d)
	}
}
