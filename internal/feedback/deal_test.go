package feedback_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/stdwebhook"
)

func (f *fx) deal(t *testing.T) qualify.Deal {
	t.Helper()
	ds, err := f.q.Deals(context.Background(), f.p.ID)
	if err != nil || len(ds) != 1 {
		t.Fatalf("deals: %+v %v", ds, err)
	}
	return ds[0]
}

// TestSalesforceFlowDeal: a Flow on the Opportunity passes its Amount,
// CurrencyIsoCode and CloseDate with the outcome; both are kept.
func TestSalesforceFlowDeal(t *testing.T) {
	f := setup(t)
	flow := `{"eventId":"opp-1","leadId":"00Q000000000001AAA","outcome":"won","owner":"rep@acme.example","changedAt":"` + f.now.Format(time.RFC3339) + `","amount":1250000,"currencyIsoCode":"JPY","closeDate":"2026-11-30"}`
	code, body := f.post(t, "/feedback/salesforce", flow, map[string]string{"X-Baton-Secret": shared})
	if code != 200 || !strings.Contains(body, `"deal":true`) || f.stage(t) != qualify.StageCustomer {
		t.Fatalf("%d %s stage %s", code, body, f.stage(t))
	}
	if d := f.deal(t); d.Amount != 1250000 || !d.HasAmount || d.Currency != "JPY" || d.CloseDate != "2026-11-30" || d.Outcome != "won" || d.Source != "salesforce" || d.Cycle != 1 {
		t.Fatalf("deal %+v", d)
	}
	// The same delivery again changes nothing; an older change is ignored.
	if _, body := f.post(t, "/feedback/salesforce", flow, map[string]string{"X-Baton-Secret": shared}); strings.Contains(body, `"deal":true`) {
		t.Fatalf("repeat changed the deal: %s", body)
	}
	older := `{"eventId":"opp-0","leadId":"00Q000000000001AAA","status":"Working","changedAt":"` + f.now.Add(-time.Hour).Format(time.RFC3339) + `","amount":5}`
	if code, body := f.post(t, "/feedback/salesforce", older, map[string]string{"X-Baton-Secret": shared}); code != 200 || f.deal(t).Amount != 1250000 {
		t.Fatalf("older report: %d %s %+v", code, body, f.deal(t))
	}
	for _, bad := range []string{
		`{"eventId":"x","leadId":"00Q000000000001AAA","outcome":"won","amount":-3}`,
		`{"eventId":"x","leadId":"00Q000000000001AAA","outcome":"won","amount":"lots"}`,
		`{"eventId":"x","leadId":"00Q000000000001AAA","outcome":"won","amount":1,"currencyIsoCode":"yen!"}`,
		`{"eventId":"x","leadId":"00Q000000000001AAA","outcome":"won","amount":1,"closeDate":"next week"}`,
	} {
		if code, body := f.post(t, "/feedback/salesforce", bad, map[string]string{"X-Baton-Secret": shared}); code != 400 || !strings.Contains(body, "error") {
			t.Errorf("%s: %d %s", bad, code, body)
		}
	}
}

// TestHubSpotDealRollups: the contact's recent_deal_amount and
// recent_deal_close_date (HubSpot's rollups of its deals) arrive as
// property changes, one per event, and merge into one deal.
func TestHubSpotDealRollups(t *testing.T) {
	f := setup(t)
	ms := f.now.UnixMilli()
	close := time.Date(2026, 12, 15, 0, 0, 0, 0, time.UTC).UnixMilli()
	body := `[{"eventId":2001,"subscriptionId":7,"portalId":62515,"occurredAt":` + fmt.Sprint(ms) + `,"subscriptionType":"contact.propertyChange","attemptNumber":0,"objectId":501,"propertyName":"recent_deal_amount","propertyValue":"48000.5","changeSource":"CRM"},` +
		`{"eventId":2002,"subscriptionId":7,"portalId":62515,"occurredAt":` + fmt.Sprint(ms) + `,"subscriptionType":"contact.propertyChange","attemptNumber":0,"objectId":501,"propertyName":"recent_deal_close_date","propertyValue":"` + fmt.Sprint(close) + `","changeSource":"CRM"},` +
		`{"eventId":2003,"subscriptionId":7,"portalId":62515,"occurredAt":` + fmt.Sprint(ms) + `,"subscriptionType":"contact.propertyChange","attemptNumber":0,"objectId":501,"propertyName":"lifecyclestage","propertyValue":"customer","changeSource":"CRM"}]`
	code, resp := f.post(t, "/feedback/hubspot", body, hubspotSign(publicURL+"/feedback/hubspot", body, ms))
	if code != 200 || f.stage(t) != qualify.StageCustomer {
		t.Fatalf("%d %s", code, resp)
	}
	if d := f.deal(t); d.Amount != 48000.5 || d.CloseDate != "2026-12-15" || d.Source != "hubspot" {
		t.Fatalf("deal %+v", d)
	}
	bad := `[{"eventId":2004,"occurredAt":` + fmt.Sprint(ms) + `,"subscriptionType":"contact.propertyChange","objectId":501,"propertyName":"recent_deal_amount","propertyValue":"a lot"}]`
	if code, resp := f.post(t, "/feedback/hubspot", bad, hubspotSign(publicURL+"/feedback/hubspot", bad, ms)); code != 400 || !strings.Contains(resp, "recent_deal_amount") {
		t.Fatalf("bad amount: %d %s", code, resp)
	}
}

// TestKintoneDealFields: NUMBER and DATE fields of the record, under
// configured field codes (setup's).
func TestKintoneDealFields(t *testing.T) {
	f := setup(t)
	body := `{"id":"kt-deal-1","type":"UPDATE_STATUS","app":{"id":"42"},"record":{"$id":{"type":"__ID__","value":"7"},"email":{"type":"SINGLE_LINE_TEXT","value":"sales-ready@example.com"},"ステータス":{"type":"STATUS","value":"受注"},"受注金額":{"type":"NUMBER","value":"3300000"},"通貨":{"type":"DROP_DOWN","value":"JPY"},"受注日":{"type":"DATE","value":"2026-11-20"}}}`
	code, resp := f.post(t, "/feedback/kintone/"+ktToken, body, nil)
	if code != 200 || f.stage(t) != qualify.StageCustomer {
		t.Fatalf("%d %s", code, resp)
	}
	if d := f.deal(t); d.Amount != 3300000 || d.Currency != "JPY" || d.CloseDate != "2026-11-20" || d.Outcome != "won" || d.Source != "kintone" {
		t.Fatalf("deal %+v", d)
	}
	// An amount Baton cannot read (a kanji numeral) is refused alone, said
	// in the results: the deal stays as it was (kintoneamount_test.go).
	bad := strings.Replace(strings.Replace(body, "3300000", "三百万", 1), "kt-deal-1", "kt-deal-2", 1)
	if code, resp := f.post(t, "/feedback/kintone/"+ktToken, bad, nil); code != 200 || !strings.Contains(resp, `"dealRefused":"record.受注金額`) || f.deal(t).Amount != 3300000 {
		t.Fatalf("bad amount: %d %s deal %+v", code, resp, f.deal(t))
	}
}

// TestWebhookAmount: the generic webhook's amount, currency and closeDate;
// an amount without an outcome updates the deal alone.
func TestWebhookAmount(t *testing.T) {
	f := setup(t)
	key, _ := stdwebhook.Key(shared)
	send := func(id, body string) (int, string) {
		return f.post(t, "/feedback/webhook", body, map[string]string{"webhook-id": id, "webhook-timestamp": strconv.FormatInt(f.now.Unix(), 10), "webhook-signature": stdwebhook.Sign(key, id, f.now.Unix(), []byte(body))})
	}
	if code, resp := send("msg_d1", `{"email":"sales-ready@example.com","outcome":"opportunity","amount":900,"currency":"usd","closeDate":"2026-12-31","at":"`+f.now.Format(time.RFC3339)+`"}`); code != 200 || !strings.Contains(resp, `"deal":true`) {
		t.Fatalf("%d %s", code, resp)
	}
	if code, resp := send("msg_d2", `{"email":"sales-ready@example.com","amount":1200,"at":"`+f.now.Add(time.Minute).Format(time.RFC3339)+`"}`); code != 200 || !strings.Contains(resp, "no outcome") {
		t.Fatalf("%d %s", code, resp)
	}
	if d := f.deal(t); d.Amount != 1200 || d.Currency != "USD" || d.CloseDate != "2026-12-31" || d.Outcome != "opportunity" || f.stage(t) != qualify.StageOpportunity {
		t.Fatalf("deal %+v stage %s", d, f.stage(t))
	}
	if code, resp := send("msg_d3", `{"email":"sales-ready@example.com","outcome":"won","amount":1e300}`); code != 400 || !strings.Contains(resp, "amount") {
		t.Fatalf("huge amount: %d %s", code, resp)
	}
}

// TestSalesforceOpportunityCDC: an Opportunity's change event (relayed by
// EventBridge) carries the changed Amount, CurrencyIsoCode, CloseDate and
// StageName, and the person through the enriched Baton_Person_Id__c.
func TestSalesforceOpportunityCDC(t *testing.T) {
	f := setup(t)
	event := func(id, fields string) string {
		return `{"version":"0","id":"` + id + `","detail-type":"OpportunityChangeEvent","source":"aws.partner/salesforce.com/00D/0YL","time":"` + f.now.Add(time.Hour).Format(time.RFC3339) + `",` +
			`"detail":{"payload":{"ChangeEventHeader":{"entityName":"Opportunity","recordIds":["006000000000001AAA"],"changeType":"UPDATE","commitTimestamp":` + fmt.Sprint(f.now.Add(time.Hour).UnixMilli()) + `}` + fields + `}}}`
	}
	hdr := map[string]string{"X-Baton-Secret": shared}
	code, body := f.post(t, "/feedback/salesforce", event("opp-cdc-1", `,"Amount":3600000,"CurrencyIsoCode":"JPY","CloseDate":"2026-12-10","StageName":"Closed Won","Baton_Person_Id__c":"`+f.p.ID+`"`), hdr)
	if code != 200 || !strings.Contains(body, `"deal":true`) || f.stage(t) != qualify.StageCustomer {
		t.Fatalf("%d %s stage %s", code, body, f.stage(t))
	}
	if d := f.deal(t); d.Amount != 3600000 || d.Currency != "JPY" || d.CloseDate != "2026-12-10" || d.Outcome != "won" || d.Source != "salesforce" {
		t.Fatalf("deal %+v", d)
	}
	// Another field changed: nothing to do.
	if code, body := f.post(t, "/feedback/salesforce", event("opp-cdc-2", `,"Description":"x","Baton_Person_Id__c":"`+f.p.ID+`"`), hdr); code != 200 || !strings.Contains(body, `"results":[]`) {
		t.Fatalf("other field: %d %s", code, body)
	}
	for _, bad := range []string{`,"Amount":100`, `,"Amount":"100","Baton_Person_Id__c":"` + f.p.ID + `"`} {
		if code, body := f.post(t, "/feedback/salesforce", event("opp-cdc-3", bad), hdr); code != 400 || !strings.Contains(body, "error") {
			t.Errorf("%s: %d %s", bad, code, body)
		}
	}
}

// TestHubSpotBadEventKeepsTheBatch: HubSpot batches up to 100 events; one
// that could not be read (an amount that is no number) refused the whole
// batch, 400, and the others' verdicts with it (a 4xx is not delivered
// again). It is refused alone, said in the results; a value cleared in
// HubSpot ("") changes nothing.
func TestHubSpotBadEventKeepsTheBatch(t *testing.T) {
	f := setup(t)
	ms := f.now.UnixMilli()
	ev := func(id int, prop, value string) string {
		return fmt.Sprintf(`{"eventId":%d,"occurredAt":%d,"subscriptionType":"contact.propertyChange","objectId":501,"propertyName":%q,"propertyValue":%q}`, id, ms, prop, value)
	}
	body := "[" + ev(3001, "recent_deal_amount", "a lot") + "," + ev(3002, "recent_deal_close_date", "") + "," + ev(3003, "recent_deal_amount", "") + "," + ev(3004, "lifecyclestage", "customer") + "]"
	code, resp := f.post(t, "/feedback/hubspot", body, hubspotSign(publicURL+"/feedback/hubspot", body, ms))
	if code != 200 || f.stage(t) != qualify.StageCustomer {
		t.Fatalf("%d %s stage %s", code, resp, f.stage(t))
	}
	var out struct {
		Results []struct{ DeliveryID, Ignored string }
	}
	if err := json.Unmarshal([]byte(resp), &out); err != nil {
		t.Fatal(err)
	}
	refused := map[string]string{}
	for _, r := range out.Results {
		refused[r.DeliveryID] = r.Ignored
	}
	if !strings.Contains(refused["hs-3001"], "recent_deal_amount") || len(out.Results) != 2 {
		t.Fatalf("results %+v: want hs-3001 refused, naming its property, and hs-3004 applied; the cleared values nothing", out.Results)
	}
	if ds, _ := f.q.Deals(context.Background(), f.p.ID); len(ds) != 0 {
		t.Fatalf("cleared values made a deal: %+v", ds)
	}
}

// TestFutureVerdictIsRefused: a deal report is ignored when older than the
// stored deal's latest change, so one dated years ahead (a typo, a wrong
// clock) froze the deal: every real report after it was "older". A
// verdict dated beyond the clock's skew is refused: a 400 alone, said in
// the results within a batch.
func TestFutureVerdictIsRefused(t *testing.T) {
	f := setup(t)
	sf := map[string]string{"X-Baton-Secret": shared}
	flow := func(id string, amount int, at time.Time) string {
		return fmt.Sprintf(`{"eventId":%q,"externalId":%q,"amount":%d,"currencyIsoCode":"JPY","changedAt":%q}`, id, f.p.ID, amount, at.Format(time.RFC3339))
	}
	if code, resp := f.post(t, "/feedback/salesforce", flow("d1", 100, f.now.AddDate(2, 0, 0)), sf); code != 400 || !strings.Contains(resp, "future") {
		t.Fatalf("a deal two years ahead: %d %s", code, resp)
	}
	if code, resp := f.post(t, "/feedback/salesforce", flow("d2", 200, f.now.Add(-time.Minute)), sf); code != 200 || f.deal(t).Amount != 200 {
		t.Fatalf("a deal of now: %d %s", code, resp)
	}
	// Within a HubSpot batch, the future event alone is refused.
	ms := f.now.UnixMilli()
	ev := func(id int, at int64, value string) string {
		return fmt.Sprintf(`{"eventId":%d,"occurredAt":%d,"subscriptionType":"contact.propertyChange","objectId":501,"propertyName":"recent_deal_amount","propertyValue":%q}`, id, at, value)
	}
	body := "[" + ev(4001, f.now.AddDate(5, 0, 0).UnixMilli(), "999") + "," + ev(4002, ms, "300") + "]"
	code, resp := f.post(t, "/feedback/hubspot", body, hubspotSign(publicURL+"/feedback/hubspot", body, ms))
	if code != 200 || !strings.Contains(resp, `"deliveryId":"hs-4001","applied":false,"stage":"","ignored":"refused: `) || f.deal(t).Amount != 300 {
		t.Fatalf("batch: %d %s deal %+v", code, resp, f.deal(t))
	}
}

// TestOpportunityCDCOwnStages: an org whose closed stages are 受注 and 失注
// (not Salesforce's default names) gets its outcomes from the change
// event's IsWon and IsClosed (a loss recycles the lead where the rules
// say so); a flag that is no boolean is a 400.
func TestOpportunityCDCOwnStages(t *testing.T) {
	f := setup(t)
	event := func(id, fields string) string {
		return `{"version":"0","id":"` + id + `","detail-type":"OpportunityChangeEvent","source":"aws.partner/salesforce.com/00D/0YL","time":"` + f.now.Add(time.Hour).Format(time.RFC3339) + `",` +
			`"detail":{"payload":{"ChangeEventHeader":{"entityName":"Opportunity","recordIds":["006000000000001AAA"],"changeType":"UPDATE","commitTimestamp":` + fmt.Sprint(f.now.Add(time.Hour).UnixMilli()) + `},"Baton_Person_Id__c":"` + f.p.ID + `"` + fields + `}}}`
	}
	hdr := map[string]string{"X-Baton-Secret": shared}
	if code, body := f.post(t, "/feedback/salesforce", event("own-1", `,"StageName":"IsWon は文字列","IsWon":"true"`), hdr); code != 400 || !strings.Contains(body, "IsWon") {
		t.Fatalf("a string IsWon: %d %s", code, body)
	}
	if code, body := f.post(t, "/feedback/salesforce", event("own-2", `,"StageName":"失注","IsClosed":true`), hdr); code != 200 || !strings.Contains(body, `"applied":true`) || f.stage(t) != qualify.StageLost && f.stage(t) != qualify.StageRecycled {
		t.Fatalf("失注: %d %s stage %s", code, body, f.stage(t))
	}
}
