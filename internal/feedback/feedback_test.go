package feedback_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/stdwebhook"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/crm/crmfake"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/feedback"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/push"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/rulebook"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/bolttable"
)

const (
	shared    = "whsec_c2VjcmV0LWZvci1mZWVkYmFjay10ZXN0cw=="
	hsSecret  = "hubspot-client-secret"
	ktToken   = "kintone-webhook-token-123"
	publicURL = "https://track.example.com"
)

type fx struct {
	h   *feedback.Handler
	srv *httptest.Server
	q   *qualify.Qualifier
	tb  table.Table
	p   identity.Person
	now time.Time
	clk *clock.Manual // every component's clock, at now until a test moves it
	st  *identity.Stitcher
	log *eventlog.Log
}

// setup makes a person an MQL, delivered to every SFA (so each knows them
// by its own record id).
func setup(t *testing.T) *fx { return setupOn(t, openBolt) }

// openBolt opens a bbolt store on the fixture's clock.
func openBolt(t *testing.T, clk func() time.Time) table.Table {
	tb, err := bolttable.Open(filepath.Join(t.TempDir(), "b.db"), bolttable.WithClock(clk))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tb.Close() })
	return tb
}

// setupOn is setup on the store open opens.
func setupOn(t *testing.T, open func(t *testing.T, clk func() time.Time) table.Table) *fx {
	now := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	manual := clock.NewManual(now)
	clk := manual.Now
	tb := open(t, clk)
	ctx := context.Background()
	rules, err := rulebook.Load("../../infra/rules.yaml")
	if err != nil {
		t.Fatal(err)
	}
	log := &eventlog.Log{T: tb}
	dir := &identity.Directory{T: tb, Now: clk}
	st := &identity.Stitcher{Dir: dir, Log: log}
	q := &qualify.Qualifier{T: tb, Dir: dir, Log: log, Engine: &rulebook.Engine{R: rules}, Now: clk}
	evs := []event.Event{
		{ID: "a", Type: event.Download, VisitorID: "fb-v", URL: "https://www.example.com/a.pdf", Timestamp: now},
		{ID: "b", Type: event.FormSubmit, VisitorID: "fb-v", Timestamp: now, Properties: map[string]any{"form": map[string]any{"id": "contact"}}},
	}
	log.Append(ctx, evs)
	p, _, err := st.Identify(ctx, identity.Identification{Visitor: "fb-v", Email: "sales-ready@example.com", Strength: identity.Strong, Fields: map[string]string{"title": "部長", "employees": "500"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Process(ctx, evs); err != nil {
		t.Fatal(err)
	}
	if rec, _ := q.Record(ctx, p.ID); rec.Stage != qualify.StageMQL {
		t.Fatalf("setup: not an MQL: %+v", rec)
	}
	for conn, ext := range map[string]string{"salesforce": "00Q000000000001AAA", "hubspot": "501", "kintone": "7"} {
		ref, _ := json.Marshal(map[string]string{"person": p.ID})
		tb.Put(ctx, table.Item{PK: push.ExternalPK(conn, ext), SK: "EXT", Data: ref}, table.Always)
	}
	h := &feedback.Handler{Apply: q, People: dir, T: tb, PublicURL: publicURL, SharedSecret: shared, HubSpotClientSecret: hsSecret, KintoneToken: ktToken,
		KintoneDeal: feedback.KintoneDealFields{Amount: "受注金額", Currency: "通貨", CloseDate: "受注日"},
		Log:         slog.New(slog.NewTextHandler(io.Discard, nil)), Now: clk}
	mux := http.NewServeMux()
	h.Routes(mux)
	f := &fx{h: h, srv: httptest.NewServer(mux), q: q, tb: tb, p: p, now: now, clk: manual, st: st, log: log}
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fx) post(t *testing.T, path, body string, hdr map[string]string) (int, string) {
	req, _ := http.NewRequest("POST", f.srv.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func (f *fx) stage(t *testing.T) string {
	rec, err := f.q.Record(context.Background(), f.p.ID)
	if err != nil {
		t.Fatal(err)
	}
	return rec.Stage
}

func TestSalesforceFlowAndCDC(t *testing.T) {
	f := setup(t)
	flow := `{"eventId":"e1","leadId":"00Q000000000001AAA","status":"Working - Contacted","owner":"rep@acme.example","changedAt":"` + f.now.Format(time.RFC3339) + `"}`
	if code, _ := f.post(t, "/feedback/salesforce", flow, nil); code != 401 {
		t.Fatalf("no secret: %d", code)
	}
	if code, _ := f.post(t, "/feedback/salesforce", flow, map[string]string{"X-Baton-Secret": "wrong"}); code != 401 {
		t.Fatalf("wrong secret: %d", code)
	}
	code, body := f.post(t, "/feedback/salesforce", flow, map[string]string{"X-Baton-Secret": shared})
	if code != 200 || !strings.Contains(body, `"applied":true`) || f.stage(t) != qualify.StageSAL {
		t.Fatalf("flow: %d %s stage %s", code, body, f.stage(t))
	}
	// The same delivery again: ignored.
	if _, body := f.post(t, "/feedback/salesforce", flow, map[string]string{"X-Baton-Secret": shared}); !strings.Contains(body, "duplicate") {
		t.Fatalf("duplicate: %s", body)
	}
	cdc := `{"version":"0","id":"4f5c-cdc","detail-type":"LeadChangeEvent","source":"aws.partner/salesforce.com/00D/0YL","time":"` + f.now.Add(time.Hour).Format(time.RFC3339) + `",
	  "detail":{"payload":{"ChangeEventHeader":{"entityName":"Lead","recordIds":["00Q000000000001AAA"],"changeType":"UPDATE","changedFields":["Status"],"commitTimestamp":` + fmt.Sprint(f.now.Add(time.Hour).UnixMilli()) + `},"Status":"Closed - Not Converted","OwnerId":"005xx"}}}`
	code, body = f.post(t, "/feedback/salesforce", cdc, map[string]string{"X-Baton-Secret": shared})
	if code != 200 || !strings.Contains(body, `"recycled":true`) || f.stage(t) != qualify.StageRecycled {
		t.Fatalf("cdc: %d %s stage %s", code, body, f.stage(t))
	}
	for _, bad := range []string{`[1]`, `{"eventId":"x","status":"Nonsense"}`, `{"status":"Working"}`, `not json`} {
		if code, _ := f.post(t, "/feedback/salesforce", bad, map[string]string{"X-Baton-Secret": shared}); code != 400 {
			t.Errorf("%s: %d", bad, code)
		}
	}
}

func hubspotSign(uri, body string, ts int64) map[string]string {
	mac := hmac.New(sha256.New, []byte(hsSecret))
	mac.Write([]byte("POST" + uri + body + strconv.FormatInt(ts, 10)))
	return map[string]string{"X-HubSpot-Signature-v3": base64.StdEncoding.EncodeToString(mac.Sum(nil)), "X-HubSpot-Request-Timestamp": strconv.FormatInt(ts, 10)}
}

func TestHubSpotSignature(t *testing.T) {
	f := setup(t)
	body := `[{"eventId":1001,"subscriptionId":7,"portalId":62515,"occurredAt":` + fmt.Sprint(f.now.UnixMilli()) + `,"subscriptionType":"contact.propertyChange","attemptNumber":0,"objectId":501,"propertyName":"lifecyclestage","propertyValue":"salesqualifiedlead","changeSource":"CRM"}]`
	ts := f.now.UnixMilli()
	uri := publicURL + "/feedback/hubspot"
	if code, _ := f.post(t, "/feedback/hubspot", body, hubspotSign(uri, body+"x", ts)); code != 401 {
		t.Fatalf("signature over another body: %d", code)
	}
	if code, _ := f.post(t, "/feedback/hubspot", body, hubspotSign(uri, body, f.now.Add(-6*time.Minute).UnixMilli())); code != 401 {
		t.Fatalf("stale timestamp: %d", code)
	}
	if code, _ := f.post(t, "/feedback/hubspot", body, nil); code != 401 {
		t.Fatalf("no signature: %d", code)
	}
	code, resp := f.post(t, "/feedback/hubspot", body, hubspotSign(uri, body, ts))
	if code != 200 || f.stage(t) != qualify.StageSQL {
		t.Fatalf("valid: %d %s stage %s", code, resp, f.stage(t))
	}
	if code, _ := f.post(t, "/feedback/hubspot", `{"not":"an array"}`, hubspotSign(uri, `{"not":"an array"}`, ts)); code != 400 {
		t.Fatalf("malformed: %d", code)
	}
}

func TestKintoneToken(t *testing.T) {
	f := setup(t)
	body := `{"id":"01e9a8f0-kt","type":"UPDATE_STATUS","app":{"id":"42","name":"リード管理"},"record":{"$id":{"type":"__ID__","value":"7"},"email":{"type":"SINGLE_LINE_TEXT","value":"sales-ready@example.com"},"ステータス":{"type":"STATUS","value":"受注"}},"recordTitle":"山田","url":"https://example.cybozu.com/k/42/show#record=7"}`
	if code, _ := f.post(t, "/feedback/kintone/wrong-token", body, nil); code != 401 {
		t.Fatalf("wrong token: %d", code)
	}
	code, resp := f.post(t, "/feedback/kintone/"+ktToken, body, nil)
	if code != 200 || f.stage(t) != qualify.StageCustomer {
		t.Fatalf("%d %s stage %s", code, resp, f.stage(t))
	}
	if code, _ := f.post(t, "/feedback/kintone/"+ktToken, `{"type":`, nil); code != 400 {
		t.Fatalf("malformed: %d", code)
	}
}

func TestGenericWebhook(t *testing.T) {
	f := setup(t)
	key, _ := stdwebhook.Key(shared)
	body := `{"email":"Sales-Ready@example.com","outcome":"lost","owner":"rep"}`
	now := f.now
	hdr := map[string]string{"webhook-id": "msg_1", "webhook-timestamp": strconv.FormatInt(now.Unix(), 10), "webhook-signature": stdwebhook.Sign(key, "msg_1", now.Unix(), []byte(body))}
	stale := map[string]string{"webhook-id": "msg_1", "webhook-timestamp": strconv.FormatInt(now.Add(-time.Hour).Unix(), 10), "webhook-signature": stdwebhook.Sign(key, "msg_1", now.Add(-time.Hour).Unix(), []byte(body))}
	if code, _ := f.post(t, "/feedback/webhook", body, stale); code != 401 {
		t.Fatalf("stale: %d", code)
	}
	if code, _ := f.post(t, "/feedback/webhook", body+" ", hdr); code != 401 {
		t.Fatalf("tampered: %d", code)
	}
	code, resp := f.post(t, "/feedback/webhook", body, hdr)
	if code != 200 || f.stage(t) != qualify.StageRecycled {
		t.Fatalf("%d %s stage %s", code, resp, f.stage(t))
	}
	unknown := `{"email":"nobody@example.com","outcome":"won"}`
	hdr2 := map[string]string{"webhook-id": "msg_2", "webhook-timestamp": strconv.FormatInt(now.Unix(), 10), "webhook-signature": stdwebhook.Sign(key, "msg_2", now.Unix(), []byte(unknown))}
	if code, resp := f.post(t, "/feedback/webhook", unknown, hdr2); code != 200 || !strings.Contains(resp, "unknown person") {
		t.Fatalf("unknown person: %d %s", code, resp)
	}
}

func FuzzParsers(f *testing.F) {
	f.Add([]byte(`{"eventId":"e","status":"Working"}`))
	f.Add([]byte(`{"eventId":"e","status":"Working","changedAt":"2026-12-01T01:00:00.000+0000"}`))
	f.Add([]byte(`{"detail-type":"x","detail":{"payload":{"ChangeEventHeader":{"entityName":"Lead","recordIds":["a"]},"Status":"Qualified"}}}`))
	f.Add([]byte(`[{"eventId":1,"subscriptionType":"contact.propertyChange","objectId":1,"propertyName":"lifecyclestage","propertyValue":"customer"}]`))
	f.Add([]byte(`{"id":"x","type":"UPDATE_STATUS","record":{"s":{"type":"STATUS","value":"受注"}}}`))
	f.Add([]byte(`{"eventId":"e","outcome":"won","amount":12.5,"currencyIsoCode":"JPY","closeDate":"2026-11-30"}`))
	f.Add([]byte(`{"detail-type":"x","detail":{"payload":{"ChangeEventHeader":{"entityName":"Opportunity","recordIds":["a"]},"Amount":5,"StageName":"Closed Won","Baton_Person_Id__c":"p"}}}`))
	f.Add([]byte(`[{"eventId":1,"subscriptionType":"contact.propertyChange","objectId":1,"propertyName":"recent_deal_close_date","propertyValue":"1795000000000"}]`))
	f.Add([]byte(`{"id":"e","detail-type":"x","time":"2026-12-01T00:00:00Z","detail":{"payload":{"ChangeEventHeader":{"entityName":"Lead","changeType":"GAP_OVERFLOW","recordIds":[],"commitTimestamp":1795000000000}}}}`))
	f.Add([]byte(`{"id":"x","type":"UPDATE_RECORD","app":{"id":"42"},"record":{"s":{"type":"STATUS","value":"ﾌｫﾛｰ中"},"u":{"type":"UPDATED_TIME","value":"2026-12-01T10:00:00Z"}}}`))
	f.Add([]byte(`[{"eventId":1,"subscriptionType":"contact.propertyChange","propertyName":"lifecyclestage","propertyValue":"lead"}]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		sf, _ := feedback.ParseSalesforce(b, nil, "")
		hs, _ := feedback.ParseHubSpot(b, nil)
		kt, _ := feedback.ParseKintone(b, "", "", nil)
		for _, v := range append(append(sf, hs...), kt...) {
			if v.Refused != "" || v.Unread != "" {
				continue
			}
			// A verdict that applies is remembered by its delivery id: one
			// without its own part would make every later one a "duplicate".
			switch {
			case v.DeliveryID == "hs-" || v.DeliveryID == "sf-" || v.DeliveryID == "kt-",
				strings.HasPrefix(v.DeliveryID, "sfcdc-") && (v.ExternalID == "" || strings.HasPrefix(v.DeliveryID, "sfcdc--")):
				t.Fatalf("%s: delivery id %q names no delivery", b, v.DeliveryID)
			}
			if v.Deal != nil {
				if err := qualify.ValidateDeal(*v.Deal); err != nil {
					t.Fatalf("%s: an invalid deal %+v: %v", b, *v.Deal, err)
				}
			}
		}
	})
}

// TestHubSpotGenericObjectWebhooks: the generic object.propertyChange
// format counts for contacts (objectTypeId 0-1), not for other objects.
func TestHubSpotGenericObjectWebhooks(t *testing.T) {
	body := `[{"eventId":901,"subscriptionId":7,"portalId":1,"appId":2,"occurredAt":1795000000000,"subscriptionType":"object.propertyChange","attemptNumber":0,"objectId":551,"objectTypeId":"0-1","propertyName":"lifecyclestage","propertyValue":"customer","changeSource":"CRM","sourceId":"userId:1"},` +
		`{"eventId":902,"subscriptionId":7,"portalId":1,"appId":2,"occurredAt":1795000000000,"subscriptionType":"object.propertyChange","attemptNumber":0,"objectId":552,"objectTypeId":"0-3","propertyName":"lifecyclestage","propertyValue":"customer","changeSource":"CRM"},` +
		`{"eventId":903,"subscriptionId":8,"portalId":1,"occurredAt":1795000000000,"subscriptionType":"contact.propertyChange","attemptNumber":0,"objectId":553,"propertyName":"hs_lead_status","propertyValue":"UNQUALIFIED","changeSource":"CRM"}]`
	vs, err := feedback.ParseHubSpot([]byte(body), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 2 || vs[0].ExternalID != "551" || vs[0].Outcome != "won" || vs[0].DeliveryID != "hs-901" || vs[1].ExternalID != "553" || vs[1].Outcome != "rejected" {
		t.Fatalf("verdicts %+v", vs)
	}
}

// TestKintoneEmailField: the email comes from the connector's email
// field, whatever its code.
func TestKintoneEmailField(t *testing.T) {
	body := `{"id":"kt-9","type":"UPDATE_STATUS","app":{"id":"42"},"record":{"$id":{"type":"__ID__","value":"9"},"メールアドレス":{"type":"SINGLE_LINE_TEXT","value":"taro@example.co.jp"},"email":{"type":"SINGLE_LINE_TEXT","value":"other@example.com"},"ステータス":{"type":"STATUS","value":"受注"}}}`
	vs, err := feedback.ParseKintone([]byte(body), "", "メールアドレス", nil)
	if err != nil || len(vs) != 1 || vs[0].Email != "taro@example.co.jp" || vs[0].Outcome != "won" {
		t.Fatalf("%+v %v", vs, err)
	}
	vs, _ = feedback.ParseKintone([]byte(body), "", "", nil)
	if len(vs) != 1 || vs[0].Email != "other@example.com" {
		t.Fatalf("default email field: %+v", vs)
	}
}

// TestHubSpotDealStages: a deal's webhook names the deal alone; the deal is
// read (with its contacts) and its amount and close date recorded for each
// contact Baton knows, and a stage change to a closed stage is the outcome
// (closedlost: lost, and a lost lead is recycled). A deal HubSpot no longer has leaves nothing; HubSpot
// failing to answer, or no token to ask it with, is a 503, so HubSpot sends the batch again.
func TestHubSpotDealStages(t *testing.T) {
	f := setup(t)
	hs := crmfake.NewHubSpot()
	defer hs.Close()
	hs.Deals = map[string]*crmfake.HubSpotDeal{
		"7001": {Properties: map[string]string{"dealstage": "contractsent", "amount": "1200000", "deal_currency_code": "JPY", "closedate": "2026-12-20T00:00:00Z"}, Contacts: []string{"501", "999"}},
	}
	uri := publicURL + "/feedback/hubspot"
	send := func(id int, property string) (int, string) {
		t.Helper()
		body := fmt.Sprintf(`[{"eventId":%d,"subscriptionId":9,"portalId":62515,"occurredAt":%d,"subscriptionType":"deal.propertyChange","attemptNumber":0,"objectId":7001,"propertyName":%q,"propertyValue":"x","changeSource":"CRM"}]`, id, f.now.UnixMilli(), property)
		return f.post(t, "/feedback/hubspot", body, hubspotSign(uri, body, f.now.UnixMilli()))
	}
	// Without a HubSpot token the deal cannot be read: a 503, so HubSpot
	// sends it again (answered 200 it was dropped for good); once the
	// token is set, the same event is applied.
	if code, body := send(2001, "amount"); code != 503 {
		t.Fatalf("no reader: %d %s", code, body)
	}
	f.h.HubSpotDeals = &feedback.HubSpotDeals{BaseURL: hs.URL, Token: hs.Token}
	code, body := send(2001, "amount")
	if code != 200 || !strings.Contains(body, `"deliveryId":"hs-2001-501","applied":false`) || !strings.Contains(body, `"deal":true`) || !strings.Contains(body, `"deliveryId":"hs-2001-999","applied":false,"stage":"","ignored":"unknown person"`) {
		t.Fatalf("amount: %d %s", code, body)
	}
	deals, err := f.q.Deals(context.Background(), f.p.ID)
	if err != nil || len(deals) != 1 || deals[0].Amount != 1200000 || deals[0].Currency != "JPY" || deals[0].CloseDate != "2026-12-20" || f.stage(t) != qualify.StageMQL {
		t.Fatalf("deals %+v %v, stage %s", deals, err, f.stage(t))
	}
	hs.Deals["7001"].Properties["dealstage"] = "closedlost"
	if code, body := send(2003, "dealstage"); code != 200 || !strings.Contains(body, `"applied":true,"stage":"recycled","recycled":true`) || f.stage(t) != qualify.StageRecycled { // lost, then recycled
		t.Fatalf("closedlost: %d %s, stage %s", code, body, f.stage(t))
	}
	// An amount change of a lost deal is no second outcome.
	if code, body := send(2004, "amount"); code != 200 || strings.Contains(body, `"applied":true`) {
		t.Fatalf("amount after the loss: %d %s", code, body)
	}
	hs.Fail(1, crmfake.Fault{Status: 502, Body: `{"status":"error","message":"bad gateway"}`})
	if code, _ := send(2005, "dealstage"); code != 503 {
		t.Fatalf("HubSpot failing: %d, want 503", code)
	}
	delete(hs.Deals, "7001")
	if code, body := send(2006, "dealstage"); code != 200 || strings.Contains(body, "hs-2006") {
		t.Fatalf("a deleted deal: %d %s", code, body)
	}
}

// TestDeliveryIDsThatBreakKeysAreRefused: a delivery id is part of the
// key that remembers the delivery (FB#<id>). One with a NUL byte, or longer
// than a DynamoDB sort key may be, failed the write: a 503, retried by the
// SFA forever. It is refused (400) before anything is applied, and so is a
// kintone delivery without its id (every such delivery would be taken for
// a repeat of the first).
func TestDeliveryIDsThatBreakKeysAreRefused(t *testing.T) {
	f := setup(t)
	sf := map[string]string{"X-Baton-Secret": shared}
	flow := func(id string) string {
		b, _ := json.Marshal(map[string]string{"eventId": id, "leadId": "00Q000000000001AAA", "status": "Working - Contacted"})
		return string(b)
	}
	cdc := func(id string) string {
		b, _ := json.Marshal(map[string]any{"id": id, "detail-type": "LeadChangeEvent", "time": f.now.Format(time.RFC3339),
			"detail": map[string]any{"payload": map[string]any{"ChangeEventHeader": map[string]any{"entityName": "Lead", "recordIds": []string{"00Q000000000001AAA"}}, "Status": "Working"}}})
		return string(b)
	}
	kt := func(id string) string {
		b, _ := json.Marshal(map[string]any{"id": id, "type": "UPDATE_STATUS", "record": map[string]any{"$id": map[string]any{"type": "__ID__", "value": "7"}, "ステータス": map[string]any{"type": "STATUS", "value": "対応中"}}})
		return string(b)
	}
	for _, c := range []struct{ name, path, body string }{
		{"flow eventId with NUL", "/feedback/salesforce", flow("e\x001")},
		{"flow eventId of 2,000 bytes", "/feedback/salesforce", flow(strings.Repeat("e", 2000))},
		{"CDC id with a control character", "/feedback/salesforce", cdc("cdc\x7f1")},
		{"kintone id with NUL", "/feedback/kintone/" + ktToken, kt("kt\x001")},
		{"kintone without an id", "/feedback/kintone/" + ktToken, kt("")},
	} {
		code, body := f.post(t, c.path, c.body, sf)
		var e struct{ Error string }
		if code != 400 || json.Unmarshal([]byte(body), &e) != nil || !strings.Contains(e.Error, "id") {
			t.Errorf("%s: %d %s, want a 400 about the id", c.name, code, body)
		}
	}
	if st := f.stage(t); st != qualify.StageMQL {
		t.Fatalf("a refused delivery changed the stage: %s", st)
	}
	// A well-formed one still applies.
	if code, body := f.post(t, "/feedback/salesforce", flow("e-fine-1"), sf); code != 200 || f.stage(t) != qualify.StageSAL {
		t.Fatalf("%d %s stage %s", code, body, f.stage(t))
	}
}

// readsFail is a table whose reads fail, as DynamoDB's do when throttled.
type readsFail struct{ table.Table }

func (readsFail) Get(context.Context, string, string) (table.Item, error) {
	return table.Item{}, errors.New("ProvisionedThroughputExceededException")
}

// TestStoreFailureIsRetriedNotIgnored: a verdict whose person could not be
// looked up because the store failed was answered "unknown person", 200,
// and the SFA never sent it again: lost. It is a 503 (sent again); a
// person truly unknown is still acknowledged.
func TestStoreFailureIsRetriedNotIgnored(t *testing.T) {
	f := setup(t)
	tb := f.h.T
	f.h.T, f.h.People = readsFail{tb}, &identity.Directory{T: readsFail{tb}}
	sf := map[string]string{"X-Baton-Secret": shared}
	for _, body := range []string{
		`{"eventId":"e1","externalId":"` + f.p.ID + `","status":"Working - Contacted"}`,
		`{"eventId":"e2","leadId":"00Q000000000001AAA","status":"Working - Contacted"}`,
		`{"eventId":"e3","email":"sales-ready@example.com","status":"Working - Contacted"}`,
	} {
		if code, resp := f.post(t, "/feedback/salesforce", body, sf); code != 503 || strings.Contains(resp, "unknown person") {
			t.Errorf("%s: %d %s, want 503", body, code, resp)
		}
	}
	f.h.T, f.h.People = tb, &identity.Directory{T: tb}
	if code, resp := f.post(t, "/feedback/salesforce", `{"eventId":"e4","email":"nobody@example.com","leadId":"a\u0000b","status":"Working - Contacted"}`, sf); code != 200 || !strings.Contains(resp, "unknown person") {
		t.Fatalf("unknown person: %d %s", code, resp)
	}
}

// TestUnconfiguredSourceIsUnavailable: a source whose secret Baton was not
// given answers 503 naming the setting, so the SFA keeps its event and
// retries; a 401 read like a bad signature, and SFAs do not retry it.
func TestUnconfiguredSourceIsUnavailable(t *testing.T) {
	f := setup(t)
	f.h.SharedSecret, f.h.HubSpotClientSecret, f.h.KintoneToken = "", "", ""
	for path, variable := range map[string]string{
		"/feedback/salesforce":       "BATON_FEEDBACK_SECRET",
		"/feedback/webhook":          "BATON_FEEDBACK_SECRET",
		"/feedback/hubspot":          "BATON_HUBSPOT_CLIENT_SECRET",
		"/feedback/kintone/anything": "BATON_KINTONE_WEBHOOK_TOKEN",
	} {
		code, body := f.post(t, path, `{}`, nil)
		if code != http.StatusServiceUnavailable || !strings.Contains(body, variable) {
			t.Errorf("%s: %d %s, want 503 naming %s", path, code, body, variable)
		}
	}
	if f.stage(t) != qualify.StageMQL {
		t.Fatal("an unconfigured source changed the person")
	}
}

// TestKintoneDeleteAndCommentAreAnswered: kintone sends a webhook for
// each event its settings tick, a record's deletion (DELETE_RECORD) and a
// comment (ADD_RECORD_COMMENT) among them; neither carries a record
// (recordId, and deleteBy or comment, instead). Both were a 400 "body must
// be a kintone webhook with a record", failing in kintone's webhook log on
// every comment sales wrote. They say nothing of a verdict: 200, nothing
// applied.
func TestKintoneDeleteAndCommentAreAnswered(t *testing.T) {
	f := setup(t)
	for _, body := range []string{
		`{"id":"01e9a8f0-del","type":"DELETE_RECORD","app":{"id":"42","name":"リード管理"},"recordId":"7","deleteBy":{"code":"sato","name":"佐藤"},"deleteAt":"2026-11-24T10:05:00Z","url":"https://example.cybozu.com/k/42/"}`,
		`{"id":"01e9a8f0-cmt","type":"ADD_RECORD_COMMENT","app":{"id":"42","name":"リード管理"},"comment":{"id":"3","text":"電話しました","createdAt":"2026-11-24T10:05:00Z","creator":{"code":"sato","name":"佐藤"},"mentions":[]},"recordId":"7","recordTitle":"山田","url":"https://example.cybozu.com/k/42/show#record=7"}`,
	} {
		if code, resp := f.post(t, "/feedback/kintone/"+ktToken, body, nil); code != 200 || f.stage(t) != qualify.StageMQL {
			t.Errorf("%.40s: %d %s, stage %s", body, code, resp, f.stage(t))
		}
	}
	// A body that is no kintone webhook is still refused.
	if code, _ := f.post(t, "/feedback/kintone/"+ktToken, `{"id":"x","type":"UPDATE_STATUS"}`, nil); code != 400 {
		t.Fatalf("an UPDATE_STATUS without its record: %d", code)
	}
}

// TestKintoneOwner: kintone's answers carried no owner, so the SLA and
// reps reports put every one under no owner. The rep is the record's
// 更新者 (for a status action, who took it), or the user field
// feedback.kintone_owner_field names (a 担当者 user selection, a list).
func TestKintoneOwner(t *testing.T) {
	body := func(id, status string) string {
		return `{"id":"` + id + `","type":"UPDATE_STATUS","app":{"id":"42"},"record":{"$id":{"type":"__ID__","value":"7"},"email":{"type":"SINGLE_LINE_TEXT","value":"sales-ready@example.com"},` +
			`"ステータス":{"type":"STATUS","value":"` + status + `"},"更新者":{"type":"MODIFIER","value":{"code":"sato","name":"佐藤 花子"}},` +
			`"担当者":{"type":"USER_SELECT","value":[{"code":"suzuki","name":"鈴木 一郎"},{"code":"ito","name":"伊藤"}]}}}`
	}
	owner := func(f *fx) string {
		t.Helper()
		hist, err := f.q.History(context.Background(), f.p.ID)
		if err != nil || len(hist) == 0 {
			t.Fatalf("history %+v %v", hist, err)
		}
		return hist[len(hist)-1].Owner
	}
	f := setup(t)
	if code, resp := f.post(t, "/feedback/kintone/"+ktToken, body("kt-owner-1", "受注"), nil); code != 200 || f.stage(t) != qualify.StageCustomer {
		t.Fatalf("%d %s", code, resp)
	}
	if got := owner(f); got != "佐藤 花子" {
		t.Errorf("owner %q, want the record's 更新者", got)
	}
	f = setup(t)
	f.h.KintoneOwner = "担当者"
	if code, resp := f.post(t, "/feedback/kintone/"+ktToken, body("kt-owner-2", "受注"), nil); code != 200 {
		t.Fatalf("%d %s", code, resp)
	}
	if got := owner(f); got != "鈴木 一郎" {
		t.Errorf("owner %q, want the 担当者 field's first user", got)
	}
	// A long Japanese display name is kept whole: 200 bytes cut it after
	// its 66th character, unmarked.
	long := strings.Repeat("長谷川", 40) // 120 characters, 360 bytes
	f = setup(t)
	if code, resp := f.post(t, "/feedback/kintone/"+ktToken, strings.Replace(body("kt-owner-3", "受注"), "佐藤 花子", long, 1), nil); code != 200 {
		t.Fatalf("%d %s", code, resp)
	}
	if got := owner(f); got != long {
		t.Errorf("owner %q (%d bytes), want the display name whole", got, len(got))
	}
}

// TestGenericWebhookSecretNotStandard: BATON_FEEDBACK_SECRET serves
// Salesforce's X-Baton-Secret too, which takes any 16 characters; one not
// in the Standard Webhooks form (whsec_...) verifies no webhook. It was a
// 401 telling every sender its signature was bad and how Baton is set up;
// it is Baton's configuration at fault: a 503 the sender retries, saying
// nothing of the secret, and the Salesforce route still takes it.
func TestGenericWebhookSecretNotStandard(t *testing.T) {
	f := setup(t)
	f.h.SharedSecret = "fbsecret_0123456789abcdef"
	body := `{"email":"sales-ready@example.com","outcome":"lost","owner":"rep"}`
	key := []byte("0123456789abcdef")
	hdr := map[string]string{"webhook-id": "msg_9", "webhook-timestamp": strconv.FormatInt(f.now.Unix(), 10), "webhook-signature": stdwebhook.Sign(key, "msg_9", f.now.Unix(), []byte(body))}
	code, resp := f.post(t, "/feedback/webhook", body, hdr)
	if code != 503 || strings.Contains(string(resp), "whsec") || f.stage(t) != qualify.StageMQL {
		t.Fatalf("%d %s stage %s", code, resp, f.stage(t))
	}
}
