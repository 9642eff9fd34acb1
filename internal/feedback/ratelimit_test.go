package feedback_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/crm/crmfake"
	"github.com/baton-hq/baton/internal/feedback"
)

// TestHubSpotRateLimitedReadsAreAnsweredHonestly: a deal read refused
// 429 was answered 503 "Retry-After: 10" whatever HubSpot said, and the
// next batch asked HubSpot again at once: with the DAILY allocation spent
// every read is refused until the account's midnight, each one spending
// more. The 429's policy and wait are read (Retry-After; a burst window's
// interval header; a DAILY limit's midnight in the account's zone), the
// batch is answered 503 with that wait, and HubSpot is not asked while it
// lasts; a batch that needs no read is not held back.
func TestHubSpotRateLimitedReadsAreAnsweredHonestly(t *testing.T) {
	f := setup(t)
	hs := crmfake.NewHubSpot()
	defer hs.Close()
	hs.Deals = map[string]*crmfake.HubSpotDeal{
		"7001": {Properties: map[string]string{"dealstage": "closedwon", "amount": "900000", "deal_currency_code": "JPY", "closedate": "2026-11-24T00:00:00Z"}, Contacts: []string{"501"}},
	}
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	api := &feedback.HubSpotDeals{BaseURL: hs.URL, Token: hs.Token, Loc: tokyo, Now: f.clk.Now}
	f.h.HubSpotDeals = api
	n := 0
	send := func(event string) (int, string, string) {
		t.Helper()
		n++
		ms := f.clk.Now().UnixMilli()
		body := fmt.Sprintf(`[{"eventId":%d,"occurredAt":%d,%s}]`, 8100+n, ms, event)
		req, _ := http.NewRequest("POST", f.srv.URL+"/feedback/hubspot", strings.NewReader(body))
		for k, v := range hubspotSign(publicURL+"/feedback/hubspot", body, ms) {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode, resp.Header.Get("Retry-After"), fmt.Sprint(hs.DealBatchReads)
	}
	const deal = `"subscriptionType":"deal.propertyChange","objectId":7001,"propertyName":"dealstage","propertyValue":"closedwon"`
	const lifecycle = `"subscriptionType":"contact.propertyChange","objectId":501,"propertyName":"lifecyclestage","propertyValue":"salesqualifiedlead"`

	// 10:00 UTC is 19:00 in Tokyo: the day's allocation is back in 5 hours.
	hs.Fail(1, crmfake.Fault{Status: 429, Body: crmfake.HSDailyLimit, Headers: crmfake.RateHeaders})
	if code, wait, reads := send(deal); code != 503 || wait != "18000" || reads != "[]" {
		t.Fatalf("DAILY limit: %d Retry-After %s, reads %s; want 503 18000", code, wait, reads)
	}
	f.clk.Advance(time.Hour)
	if code, wait, reads := send(deal); code != 503 || wait != "14400" || reads != "[]" {
		t.Fatalf("while the DAILY limit lasts: %d Retry-After %s, reads %s; want 503 14400, HubSpot not asked", code, wait, reads)
	}
	if code, _, _ := send(lifecycle); code != 200 {
		t.Fatalf("a batch that needs no read: %d", code)
	}
	f.clk.Advance(4 * time.Hour)
	if code, _, reads := send(deal); code != 200 || reads != "[[7001]]" {
		t.Fatalf("after midnight in Tokyo: %d, reads %s", code, reads)
	}

	// A burst window: HubSpot's Retry-After when it gives one, else the
	// interval it names.
	ctx := context.Background()
	var he *feedback.HubSpotError
	hs.Fail(1, crmfake.Fault{Status: 429, Body: crmfake.HSSecondlyLimit, Headers: map[string]string{"Retry-After": "3"}})
	if _, err := api.Deals(ctx, []string{"7001"}); !errors.As(err, &he) || he.Policy != "SECONDLY" || he.RetryAfter != 3*time.Second || !he.Transient() || !strings.Contains(err.Error(), "SECONDLY") {
		t.Fatalf("SECONDLY with Retry-After: %v", err)
	}
	hs.Fail(1, crmfake.Fault{Status: 429, Body: crmfake.HSSecondlyLimit, Headers: map[string]string{"X-HubSpot-RateLimit-Interval-Milliseconds": "10000"}})
	if _, err := api.DealContacts(ctx, []string{"7001"}); !errors.As(err, &he) || he.RetryAfter != 10*time.Second {
		t.Fatalf("SECONDLY with its interval: %v", err)
	}
	hs.Fail(1, crmfake.Fault{Status: 429, Body: crmfake.HSSecondlyLimit, Headers: map[string]string{"Retry-After": "30"}})
	if code, wait, _ := send(deal); code != 503 || wait != "30" {
		t.Fatalf("SECONDLY in a batch: %d Retry-After %s", code, wait)
	}
	f.clk.Advance(30 * time.Second)
	if code, _, _ := send(deal); code != 200 {
		t.Fatalf("after the window: %d", code)
	}
}

// TestHubSpotDailyLimitReadAsTheConnectorReadsIt: the feedback reader had
// its own reading of a 429, apart from the push connector's: a DAILY
// limit answered "Retry-After: 0" (no wait named) was a wait of nothing
// here, so nothing was remembered and the next batch asked HubSpot again,
// where the connector waits for the account's midnight. Both read it with
// hubspotrate now.
func TestHubSpotDailyLimitReadAsTheConnectorReadsIt(t *testing.T) {
	hs := crmfake.NewHubSpot()
	defer hs.Close()
	now := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC) // 19:00 in Tokyo
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	api := &feedback.HubSpotDeals{BaseURL: hs.URL, Token: hs.Token, Loc: tokyo, Now: func() time.Time { return now }}
	hs.Fail(1, crmfake.Fault{Status: 429, Body: crmfake.HSDailyLimit, Headers: map[string]string{"Retry-After": "0"}})
	var he *feedback.HubSpotError
	if _, err := api.Deals(context.Background(), []string{"7001"}); !errors.As(err, &he) || he.Policy != "DAILY" || he.RetryAfter != 5*time.Hour {
		t.Fatalf("DAILY with Retry-After 0: %v, want 5h (Tokyo's midnight)", err)
	}
}
