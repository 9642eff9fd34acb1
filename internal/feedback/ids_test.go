package feedback_test

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/push"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/stdwebhook"
	"github.com/baton-hq/baton/internal/table"
)

// TestHubSpotEventWithoutEventID: an event without eventId was remembered
// as delivery "hs-", so every later one without it was taken for a repeat
// of the first ("duplicate delivery", 200) and lost. Such an event is
// refused, said in the results; the batch's others still apply.
func TestHubSpotEventWithoutEventID(t *testing.T) {
	f := setup(t)
	ms := f.now.UnixMilli()
	uri := publicURL + "/feedback/hubspot"
	first := `[{"occurredAt":` + itoa(ms) + `,"subscriptionType":"contact.propertyChange","objectId":501,"propertyName":"hs_lead_status","propertyValue":"IN_PROGRESS"}]`
	if code, resp := f.post(t, "/feedback/hubspot", first, hubspotSign(uri, first, ms)); code != 400 || !strings.Contains(resp, "eventId") || f.stage(t) != qualify.StageMQL {
		t.Fatalf("alone: %d %s stage %s, want a 400 about eventId", code, resp, f.stage(t))
	}
	batch := `[{"eventId":null,"occurredAt":` + itoa(ms) + `,"subscriptionType":"deal.propertyChange","objectId":7001,"propertyName":"dealstage","propertyValue":"closedwon"},` +
		`{"eventId":6002,"occurredAt":` + itoa(ms) + `,"subscriptionType":"contact.propertyChange","objectId":501,"propertyName":"lifecyclestage","propertyValue":"customer"}]`
	code, resp := f.post(t, "/feedback/hubspot", batch, hubspotSign(uri, batch, ms))
	if code != 200 || f.stage(t) != qualify.StageCustomer {
		t.Fatalf("batch: %d %s stage %s", code, resp, f.stage(t))
	}
	var out struct {
		Results []struct{ DeliveryID, Ignored string }
	}
	if err := json.Unmarshal([]byte(resp), &out); err != nil || len(out.Results) != 2 || !strings.Contains(out.Results[0].Ignored, "eventId") {
		t.Fatalf("results %s: want the event without eventId refused, naming it", resp)
	}
}

// TestSalesforceCDCWithoutIDs: an EventBridge event without its id was
// remembered as "sfcdc--<record>", so the next one without it for the same
// Lead was a "duplicate", lost; one whose ChangeEventHeader listed no
// recordIds (or not as strings) was answered 200 with nothing done. Each
// is a 400 saying what is missing.
func TestSalesforceCDCWithoutIDs(t *testing.T) {
	f := setup(t)
	sf := map[string]string{"X-Baton-Secret": shared}
	ev := func(id string, recordIDs any) string {
		b, _ := json.Marshal(map[string]any{"id": id, "detail-type": "LeadChangeEvent", "time": f.now.Format("2006-01-02T15:04:05Z"),
			"detail": map[string]any{"payload": map[string]any{"ChangeEventHeader": map[string]any{"entityName": "Lead", "recordIds": recordIDs}, "Status": "Working"}}})
		return string(b)
	}
	for _, c := range []struct{ name, body, want string }{
		{"no id", ev("", []string{"00Q000000000001AAA"}), "id"},
		{"no recordIds", ev("cdc-1", nil), "recordIds"},
		{"empty recordIds", ev("cdc-2", []string{}), "recordIds"},
		{"a recordId not a string", ev("cdc-3", []any{7}), "recordIds"},
		{"an empty recordId", ev("cdc-4", []string{""}), "recordIds"},
	} {
		code, resp := f.post(t, "/feedback/salesforce", c.body, sf)
		var e struct{ Error string }
		if code != 400 || json.Unmarshal([]byte(resp), &e) != nil || !strings.Contains(e.Error, c.want) {
			t.Errorf("%s: %d %s, want a 400 about %s", c.name, code, resp, c.want)
		}
	}
	if f.stage(t) != qualify.StageMQL {
		t.Fatalf("a refused event moved the stage: %s", f.stage(t))
	}
	if code, resp := f.post(t, "/feedback/salesforce", ev("cdc-5", []string{"00Q000000000001AAA"}), sf); code != 200 || f.stage(t) != qualify.StageSAL {
		t.Fatalf("a whole event: %d %s", code, resp)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestUnknownOutcomeRefusesItsEventAlone: a mapping to an outcome that is
// none (a typo in feedback.hubspot) was found while applying: the batch was
// answered 400 after the events before it had applied, and the events after
// it were lost. Such a verdict is refused before anything applies, said in
// the results; the batch's others apply.
func TestUnknownOutcomeRefusesItsEventAlone(t *testing.T) {
	f := setup(t)
	f.h.HubSpotValues = map[string]string{"IN_PROGRESS": "acepted", "customer": "won"}
	ms := f.now.UnixMilli()
	ev := func(id int, prop, value string) string {
		return `{"eventId":` + itoa(int64(id)) + `,"occurredAt":` + itoa(ms) + `,"subscriptionType":"contact.propertyChange","objectId":501,"propertyName":"` + prop + `","propertyValue":"` + value + `"}`
	}
	uri := publicURL + "/feedback/hubspot"
	body := "[" + ev(7001, "hs_lead_status", "IN_PROGRESS") + "," + ev(7002, "lifecyclestage", "customer") + "]"
	code, resp := f.post(t, "/feedback/hubspot", body, hubspotSign(uri, body, ms))
	if code != 200 || f.stage(t) != qualify.StageCustomer || !strings.Contains(resp, `"deliveryId":"hs-7001","applied":false,"stage":"","ignored":"refused: outcome \"acepted\"`) {
		t.Fatalf("%d %s stage %s", code, resp, f.stage(t))
	}
	alone := "[" + ev(7003, "hs_lead_status", "IN_PROGRESS") + "]"
	if code, resp := f.post(t, "/feedback/hubspot", alone, hubspotSign(uri, alone, ms)); code != 400 || !strings.Contains(resp, "acepted") {
		t.Fatalf("alone: %d %s, want a 400 naming the outcome", code, resp)
	}
}

// TestSalesforce15CharacterID: Salesforce ids have two forms, 15
// characters (case-sensitive: formula fields, reports) and 18 (the API's,
// which push keeps). A Flow passing a formula field's 15-character Lead id
// named nobody: "unknown person", 200, and the outcome lost. It is read as
// its 18-character form; a 15-character id differing in case is another
// record.
func TestSalesforce15CharacterID(t *testing.T) {
	f := setup(t)
	ref, _ := json.Marshal(map[string]string{"person": f.p.ID})
	if err := f.tb.Put(context.Background(), table.Item{PK: push.ExternalPK("salesforce", "00Q5g00000AbCdEEAV"), SK: "EXT", Data: ref}, table.Always); err != nil {
		t.Fatal(err)
	}
	sf := map[string]string{"X-Baton-Secret": shared}
	if code, resp := f.post(t, "/feedback/salesforce", `{"eventId":"id15-1","leadId":"00Q5g00000abcde","status":"Working - Contacted"}`, sf); code != 200 || !strings.Contains(resp, "unknown person") {
		t.Fatalf("another record's id: %d %s", code, resp)
	}
	if code, resp := f.post(t, "/feedback/salesforce", `{"eventId":"id15-2","leadId":"00Q5g00000AbCdE","status":"Working - Contacted"}`, sf); code != 200 || f.stage(t) != qualify.StageSAL {
		t.Fatalf("a 15-character id: %d %s stage %s", code, resp, f.stage(t))
	}
}

// TestOpportunityNotFromBaton: with Baton_Person_Id__c enriched onto the
// Opportunity channel, every Opportunity's change carries the field, null
// on the ones Baton never delivered (most of an org's). Each was answered
// 400, a failed delivery for EventBridge, although nothing was wrong with
// it. An Opportunity whose person id is empty is not Baton's: 200, said in
// the results; a change without the field at all (the channel not
// enriched) is still a 400 saying how to set it up.
func TestOpportunityNotFromBaton(t *testing.T) {
	f := setup(t)
	ev := func(id, person string) string {
		return `{"version":"0","id":"` + id + `","detail-type":"OpportunityChangeEvent","time":"` + f.now.Format(time.RFC3339) + `",` +
			`"detail":{"payload":{"ChangeEventHeader":{"entityName":"Opportunity","recordIds":["006000000000009AAA"],"changeType":"UPDATE"},"Amount":4200` + person + `}}}`
	}
	sf := map[string]string{"X-Baton-Secret": shared}
	for _, person := range []string{`,"Baton_Person_Id__c":null`, `,"Baton_Person_Id__c":""`} {
		code, resp := f.post(t, "/feedback/salesforce", ev("opp-nb-1", person), sf)
		if code != 200 || !strings.Contains(resp, "Baton_Person_Id__c") || strings.Contains(resp, `"deal":true`) {
			t.Fatalf("%s: %d %s", person, code, resp)
		}
	}
	if code, resp := f.post(t, "/feedback/salesforce", ev("opp-nb-2", ""), sf); code != 400 || !strings.Contains(resp, "enrich") {
		t.Fatalf("no field: %d %s", code, resp)
	}
	if ds, _ := f.q.Deals(context.Background(), f.p.ID); len(ds) != 0 {
		t.Fatalf("deals %+v", ds)
	}
}

// TestSalesforceGapEvents: Salesforce sends gap events (GAP_UPDATE ...)
// when it cannot send a change's fields, and an overflow event
// (GAP_OVERFLOW) with no record ids at all for the changes beyond 100,000
// in one transaction. Neither has a Status to read: they are answered 200,
// each said in the results (a Lead's gap is an outcome Baton could not
// read), not refused for the record ids an overflow event never has.
func TestSalesforceGapEvents(t *testing.T) {
	f := setup(t)
	sf := map[string]string{"X-Baton-Secret": shared}
	ev := func(id, changeType, recordIDs string) string {
		return `{"version":"0","id":"` + id + `","detail-type":"LeadChangeEvent","time":"` + f.now.Format(time.RFC3339) + `",` +
			`"detail":{"payload":{"ChangeEventHeader":{"entityName":"Lead","changeType":"` + changeType + `","recordIds":` + recordIDs + `,"commitTimestamp":` + itoa(f.now.UnixMilli()) + `}}}}`
	}
	for _, c := range []struct{ body, want string }{
		{ev("gap-1", "GAP_UPDATE", `["00Q000000000001AAA"]`), "GAP_UPDATE"},
		{ev("gap-2", "GAP_OVERFLOW", `[]`), "GAP_OVERFLOW"},
	} {
		if code, resp := f.post(t, "/feedback/salesforce", c.body, sf); code != 200 || !strings.Contains(resp, c.want) {
			t.Errorf("%s: %d %s", c.want, code, resp)
		}
	}
	if f.stage(t) != qualify.StageMQL {
		t.Fatalf("stage %s", f.stage(t))
	}
}

// TestKintoneRecordOfAnotherApp: a record id ($id) is unique within its
// app only. Push remembers the leads app's record ids; a webhook from
// another app sent to the same URL (a 案件管理 app of deals, the MQA app)
// whose record happened to have the same $id was taken for that lead's
// person, and its 受注 applied to someone else. A record of another app
// than the leads app (sfa.kintone.app) is found by its email alone.
func TestKintoneRecordOfAnotherApp(t *testing.T) {
	f := setup(t)
	f.h.KintoneApp = 42
	kt := func(id, app, email string) string {
		return `{"id":"` + id + `","type":"UPDATE_STATUS","app":{"id":"` + app + `","name":"案件管理"},"record":{"$id":{"type":"__ID__","value":"7"},"email":{"type":"SINGLE_LINE_TEXT","value":"` + email + `"},"ステータス":{"type":"STATUS","value":"受注"}}}`
	}
	if code, resp := f.post(t, "/feedback/kintone/"+ktToken, kt("kt-app-1", "99", "someone-else@example.com"), nil); code != 200 || !strings.Contains(resp, "unknown person") || f.stage(t) != qualify.StageMQL {
		t.Fatalf("another app's record 7: %d %s stage %s", code, resp, f.stage(t))
	}
	if code, resp := f.post(t, "/feedback/kintone/"+ktToken, kt("kt-app-2", "99", "sales-ready@example.com"), nil); code != 200 || f.stage(t) != qualify.StageCustomer {
		t.Fatalf("another app's record with the person's email: %d %s stage %s", code, resp, f.stage(t))
	}
}

// TestWebhookWithoutPerson: a generic webhook naming nobody (neither
// "email" nor "personId") is malformed, but was answered 200 "unknown
// person", as if the sender had named someone Baton does not know. It is
// a 400 saying what is missing.
func TestWebhookWithoutPerson(t *testing.T) {
	f := setup(t)
	key, _ := stdwebhook.Key(shared)
	body := `{"outcome":"won","owner":"rep"}`
	hdr := map[string]string{"webhook-id": "msg_np", "webhook-timestamp": strconv.FormatInt(f.now.Unix(), 10), "webhook-signature": stdwebhook.Sign(key, "msg_np", f.now.Unix(), []byte(body))}
	code, resp := f.post(t, "/feedback/webhook", body, hdr)
	var e struct{ Error string }
	if code != 400 || json.Unmarshal([]byte(resp), &e) != nil || !strings.Contains(e.Error, "email") {
		t.Fatalf("%d %s, want a 400 asking for the email or personId", code, resp)
	}
}

// TestFlowWithoutPerson: a Flow callout with neither leadId, externalId
// nor email (a Flow whose merge fields came out empty) was answered 200
// "unknown person", and the admin saw a success. It is a 400 saying what
// is missing.
func TestFlowWithoutPerson(t *testing.T) {
	f := setup(t)
	code, resp := f.post(t, "/feedback/salesforce", `{"eventId":"np-1","leadId":"","status":"Working - Contacted"}`, map[string]string{"X-Baton-Secret": shared})
	if code != 400 || !strings.Contains(resp, "leadId") {
		t.Fatalf("%d %s", code, resp)
	}
}

// TestHubSpotEventWithoutObjectID: an event without objectId names no
// contact (or deal): it was answered "unknown person" (or its deal read
// as "/deals/"). It is refused alone, said in the results.
func TestHubSpotEventWithoutObjectID(t *testing.T) {
	f := setup(t)
	ms := f.now.UnixMilli()
	body := `[{"eventId":9301,"occurredAt":` + itoa(ms) + `,"subscriptionType":"contact.propertyChange","propertyName":"lifecyclestage","propertyValue":"customer"},` +
		`{"eventId":9302,"occurredAt":` + itoa(ms) + `,"subscriptionType":"contact.propertyChange","objectId":501,"propertyName":"hs_lead_status","propertyValue":"IN_PROGRESS"}]`
	code, resp := f.post(t, "/feedback/hubspot", body, hubspotSign(publicURL+"/feedback/hubspot", body, ms))
	if code != 200 || f.stage(t) != qualify.StageSAL || !strings.Contains(resp, `"deliveryId":"hs-9301","applied":false,"stage":"","ignored":"refused: `) || !strings.Contains(resp, "objectId") {
		t.Fatalf("%d %s stage %s", code, resp, f.stage(t))
	}
}
