package feedback_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/crm/crmfake"
	"github.com/baton-hq/baton/internal/feedback"
	"github.com/baton-hq/baton/internal/reports"
)

// dealGETs is how many deals the fake was asked for one GET each.
func dealGETs(hs *crmfake.HubSpot) int {
	hs.Lock()
	defer hs.Unlock()
	n := 0
	for call, c := range hs.Calls {
		if strings.HasPrefix(call, "GET /crm/v3/objects/deals/") {
			n += c
		}
	}
	return n
}

// batchSizes is how many ids each of reads asked for.
func batchSizes(hs *crmfake.HubSpot, reads *[][]string) string {
	hs.Lock()
	defer hs.Unlock()
	var n []int
	for _, r := range *reads {
		n = append(n, len(r))
	}
	return fmt.Sprint(n)
}

// TestHubSpotDealsReadInBatches: deals were read one GET each, so a
// contact with 250 deals was 250 calls against a private app's 100 (or
// 190) requests per 10 s and its daily cap. They are read 100 a call
// (POST /crm/v3/objects/deals/batch/read), their contacts 1,000 deals a
// call (v4 associations batch read, a deal's later pages asked again). A
// 207 naming ids not found leaves those deals out (gone); a 207 leaving a
// deal out for another reason is an error, not a deal gone.
func TestHubSpotDealsReadInBatches(t *testing.T) {
	hs := crmfake.NewHubSpot()
	defer hs.Close()
	hs.Deals = map[string]*crmfake.HubSpotDeal{}
	var ids []string
	for i := range 250 {
		id := fmt.Sprint(20000 + i)
		ids = append(ids, id)
		hs.Deals[id] = &crmfake.HubSpotDeal{Properties: map[string]string{"dealstage": "closedwon", "amount": fmt.Sprint(1000 + i), "closedate": "2026-11-20T00:00:00Z"}, Contacts: []string{fmt.Sprint(500 + i%3)}}
	}
	var crowd []string // a deal of more contacts than a page of its associations
	for i := range crmfake.HSAssociationsPage + 20 {
		crowd = append(crowd, fmt.Sprint(90000+i))
	}
	hs.Deals["20000"].Contacts = crowd
	api := &feedback.HubSpotDeals{BaseURL: hs.URL, Token: hs.Token}
	ctx := context.Background()

	got, err := api.Deals(ctx, append(ids, "1", "2", "20001")) // two HubSpot does not have, one asked twice
	if err != nil || len(got) != 250 || *got["20249"].Amount != 1249 || got["20249"].Stage != "closedwon" {
		t.Fatalf("%d deals %v", len(got), err)
	}
	if _, ok := got["1"]; ok {
		t.Fatal("a deal HubSpot does not have was read")
	}
	if sizes, gets := batchSizes(hs, &hs.DealBatchReads), dealGETs(hs); sizes != "[100 100 52]" || gets != 0 {
		t.Fatalf("batch reads of %s deals and %d GETs; want [100 100 52] and none", sizes, gets)
	}
	contacts, err := api.DealContacts(ctx, append(ids, "1"))
	if err != nil || len(contacts["20000"]) != len(crowd) || contacts["20000"][len(crowd)-1] != crowd[len(crowd)-1] || fmt.Sprint(contacts["20001"]) != "[501]" || contacts["1"] != nil {
		t.Fatalf("contacts: %d of 20000, %v of 20001, %v of 1: %v", len(contacts["20000"]), contacts["20001"], contacts["1"], err)
	}
	if sizes := batchSizes(hs, &hs.DealContactReads); sizes != "[251 1]" { // the crowded deal's second page
		t.Fatalf("contacts' reads of %s deals", sizes)
	}
	var many []string
	for i := range 1500 {
		many = append(many, fmt.Sprint(30000+i))
	}
	if _, err := api.DealContacts(ctx, many); err != nil || batchSizes(hs, &hs.DealContactReads) != "[251 1 1000 500]" {
		t.Fatalf("1,500 deals' contacts: %v, reads %s", err, batchSizes(hs, &hs.DealContactReads))
	}

	// A 207 whose error is not "not found", or that leaves a deal out
	// without a word: an error, the deals not taken for gone.
	hs.Fail(1, crmfake.Fault{Status: 207, Body: `{"status":"COMPLETE","results":[],"numErrors":1,"errors":[{"status":"error","category":"VALIDATION_ERROR","message":"Property values were not valid","context":{"ids":["20000"]}}],"startedAt":"2026-11-24T10:00:00Z","completedAt":"2026-11-24T10:00:00Z"}`})
	var he *feedback.HubSpotError
	if _, err := api.Deals(ctx, []string{"20000"}); !errors.As(err, &he) || he.Category != "VALIDATION_ERROR" {
		t.Fatalf("a 207 of another error: %v", err)
	}
	hs.Fail(1, crmfake.Fault{Status: 200, Body: `{"status":"COMPLETE","results":[],"startedAt":"2026-11-24T10:00:00Z","completedAt":"2026-11-24T10:00:00Z"}`})
	if _, err := api.Deals(ctx, []string{"20000"}); err == nil || !strings.Contains(err.Error(), "20000") {
		t.Fatalf("a deal left out without a word: %v", err)
	}
	hs.MissingScopes = []string{"crm.objects.deals.read"}
	if _, err := api.Deals(ctx, ids); !errors.As(err, &he) || !he.MissingScope() {
		t.Fatalf("without crm.objects.deals.read: %v", err)
	}
	if _, err := api.DealContacts(ctx, ids); !errors.As(err, &he) || !he.MissingScope() {
		t.Fatalf("contacts without crm.objects.deals.read: %v", err)
	}
}

// TestHubSpotFakeRefusesBadBatchReads: the fake's batch reads refuse what
// HubSpot refuses, so that a reader that sends it is caught here: more
// than 100 deals (1,000 deals' associations), a body that is not the
// batch's JSON, an idProperty no deal property is.
func TestHubSpotFakeRefusesBadBatchReads(t *testing.T) {
	hs := crmfake.NewHubSpot()
	defer hs.Close()
	inputs := func(n int) string {
		var in []string
		for i := range n {
			in = append(in, fmt.Sprintf(`{"id":"%d"}`, i+1))
		}
		return `{"inputs":[` + strings.Join(in, ",") + `]}`
	}
	post := func(path, body string) (int, string) {
		req, _ := http.NewRequest("POST", hs.URL+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+hs.Token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	const deals, assoc = "/crm/v3/objects/deals/batch/read", "/crm/v4/associations/deals/contacts/batch/read"
	for _, c := range []struct {
		path, body string
		status     int
		says       string
	}{
		{deals, inputs(100), 207, "OBJECT_NOT_FOUND"},
		{deals, inputs(101), 400, "exceeds the limit of 100"},
		{deals, `{"inputs":{"id":"1"}}`, 400, "VALIDATION_ERROR"},
		{deals, `{"inputs":[{"id":"1"}],"idProperty":"dealname"}`, 400, "VALIDATION_ERROR"},
		{assoc, inputs(1000), 207, "NO_ASSOCIATIONS_FOUND"},
		{assoc, inputs(1001), 400, "exceeds the limit of 1000"},
		{assoc, `[1]`, 400, "VALIDATION_ERROR"},
	} {
		if status, body := post(c.path, c.body); status != c.status || !strings.Contains(body, c.says) {
			t.Errorf("%s %.40s: %d %.200s, want %d %s", c.path, c.body, status, body, c.status, c.says)
		}
	}
	hs.MissingScopes = []string{"crm.objects.contacts.read"}
	if status, body := post(assoc, inputs(1)); status != 403 || !strings.Contains(body, "MISSING_SCOPES") {
		t.Errorf("associations without crm.objects.contacts.read: %d %s", status, body)
	}
}

// TestHubSpotRollupOfAContactWith250Deals: a contact's rollup reads the
// contact's deals to record the one it is of; 250 deals were 250 GETs in
// one webhook delivery. They are 3 batch reads, and the contacts of the
// deal chosen one more.
func TestHubSpotRollupOfAContactWith250Deals(t *testing.T) {
	f := setup(t)
	hs := crmfake.NewHubSpot()
	defer hs.Close()
	hs.Contacts["sales-ready@example.com"] = map[string]string{"hs_object_id": "501", "email": "sales-ready@example.com"}
	hs.Deals = map[string]*crmfake.HubSpotDeal{}
	for i := range 250 {
		hs.Deals[fmt.Sprint(40000+i)] = &crmfake.HubSpotDeal{Properties: map[string]string{"dealstage": "closedlost", "amount": "1000", "deal_currency_code": "JPY", "closedate": "2026-10-01T00:00:00Z"}, Contacts: []string{"501"}}
	}
	hs.Deals["40123"] = &crmfake.HubSpotDeal{Properties: map[string]string{"dealstage": "closedwon", "amount": "2500000", "deal_currency_code": "JPY", "closedate": "2026-11-20T00:00:00Z"}, Contacts: []string{"501", "777"}}
	f.h.HubSpotDeals = &feedback.HubSpotDeals{BaseURL: hs.URL, Token: hs.Token}
	body := rollups(6000, f.now, "501", "2500000", "2026-11-20")
	if code, resp := f.post(t, "/feedback/hubspot", body, hubspotSign(publicURL+"/feedback/hubspot", body, f.now.UnixMilli())); code != 200 || !strings.Contains(resp, `"deal":true`) {
		t.Fatalf("%d %s", code, resp)
	}
	if reads, contacts, gets := batchSizes(hs, &hs.DealBatchReads), fmt.Sprint(hs.DealContactReads), dealGETs(hs); reads != "[100 100 50]" || contacts != "[[40123]]" || gets != 0 {
		t.Fatalf("deals read in batches of %s, contacts of %s, %d GETs; want [100 100 50], [[40123]], none", reads, contacts, gets)
	}
	if totals := f.wonTotals(t); len(totals) != 1 || totals[0].Kind != reports.Won || totals[0].Amount != 2500000 || totals[0].Deals != 1 {
		t.Fatalf("totals %+v, want the won deal of 2500000 JPY", totals)
	}
}

// TestHubSpotDealBatchWithDealsGone: a webhook batch of 100 events of 100
// deals, 10 deleted since: one batch read of the deals (a 207 naming the
// 10), one of their contacts; the 90 make their verdicts, the 10 none.
func TestHubSpotDealBatchWithDealsGone(t *testing.T) {
	f := setup(t)
	hs := crmfake.NewHubSpot()
	defer hs.Close()
	hs.Deals = map[string]*crmfake.HubSpotDeal{}
	var evs []string
	for i := range 100 {
		id := 50000 + i
		if i%10 != 0 {
			hs.Deals[fmt.Sprint(id)] = &crmfake.HubSpotDeal{Properties: map[string]string{"dealstage": "contractsent", "amount": "1000", "deal_currency_code": "JPY", "closedate": "2026-12-20T00:00:00Z"}, Contacts: []string{fmt.Sprint(600 + i)}}
		}
		evs = append(evs, fmt.Sprintf(`{"eventId":%d,"occurredAt":%d,"subscriptionType":"deal.propertyChange","objectId":%d,"propertyName":"amount","propertyValue":"1000"}`, 9000+i, f.now.UnixMilli(), id))
	}
	body := "[" + strings.Join(evs, ",") + "]"
	f.h.HubSpotDeals = &feedback.HubSpotDeals{BaseURL: hs.URL, Token: hs.Token}
	code, resp := f.post(t, "/feedback/hubspot", body, hubspotSign(publicURL+"/feedback/hubspot", body, f.now.UnixMilli()))
	if code != 200 {
		t.Fatalf("%d %s", code, resp)
	}
	for i := range 100 {
		made := strings.Contains(resp, fmt.Sprintf(`"deliveryId":"hs-%d-%d"`, 9000+i, 600+i))
		if gone := i%10 == 0; made == gone {
			t.Fatalf("event %d (deal gone: %v): verdict made %v: %s", 9000+i, gone, made, resp)
		}
	}
	if reads, contacts, gets := batchSizes(hs, &hs.DealBatchReads), batchSizes(hs, &hs.DealContactReads), dealGETs(hs); reads != "[100]" || contacts != "[90]" || gets != 0 {
		t.Fatalf("deals read in batches of %s, contacts of %s, %d GETs; want [100], [90], none", reads, contacts, gets)
	}
}

// TestHubSpotRollupsOfABatchReadTogether: a deal won with three contacts
// changes each one's rollups, which HubSpot sends in one batch; each
// contact's deals were a GET (GET /crm/v4/objects/contacts/{id}/
// associations/deals), and each contact's deals' properties another call.
// The batch's known contacts' deals are one associations batch read, the
// deals' properties one batch read, the chosen deal's contacts one more;
// a contact Baton does not know is not asked about.
func TestHubSpotRollupsOfABatchReadTogether(t *testing.T) {
	f := setup(t)
	hs := crmfake.NewHubSpot()
	defer hs.Close()
	hs.Contacts["sales-ready@example.com"] = map[string]string{"hs_object_id": "501", "email": "sales-ready@example.com"}
	colleague(t, f, hs, 2, "502")
	colleague(t, f, hs, 3, "503")
	hs.Contacts["stranger@example.com"] = map[string]string{"hs_object_id": "504", "email": "stranger@example.com"}
	hs.Deals = map[string]*crmfake.HubSpotDeal{
		"7003": {Properties: map[string]string{"dealstage": "closedwon", "amount": "1500000", "deal_currency_code": "JPY", "closedate": "2026-11-20T00:00:00Z"}, Contacts: []string{"501", "502", "503", "504"}},
		"7004": {Properties: map[string]string{"dealstage": "closedwon", "amount": "300000", "deal_currency_code": "JPY", "closedate": "2025-06-30T00:00:00Z"}, Contacts: []string{"501"}},
	}
	f.h.HubSpotDeals = &feedback.HubSpotDeals{BaseURL: hs.URL, Token: hs.Token}
	var parts []string
	for i, c := range []string{"501", "502", "503", "504"} {
		parts = append(parts, strings.Trim(rollups(7000+10*i, f.now, c, "1500000", "2026-11-20"), "[]"))
	}
	body := "[" + strings.Join(parts, ",") + "]"
	if code, resp := f.post(t, "/feedback/hubspot", body, hubspotSign(publicURL+"/feedback/hubspot", body, f.now.UnixMilli())); code != 200 || !strings.Contains(resp, `"deal":true`) {
		t.Fatalf("%d %s", code, resp)
	}
	hs.Lock()
	asked, read, contacts := fmt.Sprint(hs.ContactDealReads), fmt.Sprint(hs.DealBatchReads), fmt.Sprint(hs.DealContactReads)
	gets := 0
	for call, n := range hs.Calls {
		if strings.HasPrefix(call, "GET /crm/v4/objects/contacts/") {
			gets += n
		}
	}
	hs.Unlock()
	if asked != "[[501 502 503]]" || read != "[[7003 7004]]" || contacts != "[[7003]]" || gets != 0 {
		t.Fatalf("contacts' deals read %s, deals %s, their contacts %s, %d GETs; want [[501 502 503]], [[7003 7004]], [[7003]], none", asked, read, contacts, gets)
	}
	if totals := f.wonTotals(t); len(totals) != 1 || totals[0].Amount != 1500000 || totals[0].Deals != 1 {
		t.Fatalf("totals %+v, want one won deal of 1500000 JPY", totals)
	}
}
