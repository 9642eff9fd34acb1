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

// salesChange is the person's stage change to stage made by sales.
func (f *fx) salesChange(t *testing.T, stage string) qualify.StageChange {
	t.Helper()
	hist, err := f.q.History(context.Background(), f.p.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range hist {
		if c.To == stage && strings.HasPrefix(c.Reason, "sales: ") {
			return c
		}
	}
	t.Fatalf("no change to %s by sales in %+v", stage, hist)
	return qualify.StageChange{}
}

// TestHubSpotEventWithoutOccurredAt: an event without occurredAt was dated
// the zero Unix time, 1970: the stage history said sales accepted the lead
// in 1970, and a deal report so dated was "older" than any stored one,
// dropped. Such an event is dated when Baton received it.
func TestHubSpotEventWithoutOccurredAt(t *testing.T) {
	f := setup(t)
	ms := f.now.UnixMilli()
	uri := publicURL + "/feedback/hubspot"
	dated := fmt.Sprintf(`[{"eventId":5001,"occurredAt":%d,"subscriptionType":"contact.propertyChange","objectId":501,"propertyName":"recent_deal_amount","propertyValue":"100"}]`, f.now.Add(-time.Minute).UnixMilli())
	if code, resp := f.post(t, "/feedback/hubspot", dated, hubspotSign(uri, dated, ms)); code != 200 || f.deal(t).Amount != 100 {
		t.Fatalf("dated amount: %d %s", code, resp)
	}
	undated := `[{"eventId":5002,"subscriptionType":"contact.propertyChange","objectId":501,"propertyName":"recent_deal_amount","propertyValue":"250"},` +
		`{"eventId":5003,"occurredAt":0,"subscriptionType":"contact.propertyChange","objectId":501,"propertyName":"hs_lead_status","propertyValue":"IN_PROGRESS"}]`
	code, resp := f.post(t, "/feedback/hubspot", undated, hubspotSign(uri, undated, ms))
	if code != 200 || f.stage(t) != qualify.StageSAL {
		t.Fatalf("undated: %d %s stage %s", code, resp, f.stage(t))
	}
	if d := f.deal(t); d.Amount != 250 || !d.At.Equal(f.now) {
		t.Fatalf("the undated amount was dropped or misdated: %+v", d)
	}
	if c := f.salesChange(t, qualify.StageSAL); !c.At.Equal(f.now) {
		t.Fatalf("accepted at %s, want the receipt time %s", c.At, f.now)
	}
	// A negative time is no time: that event is refused, said in the results.
	neg := `[{"eventId":5004,"occurredAt":-1,"subscriptionType":"contact.propertyChange","objectId":501,"propertyName":"lifecyclestage","propertyValue":"customer"}]`
	if code, resp := f.post(t, "/feedback/hubspot", neg, hubspotSign(uri, neg, ms)); code != 400 || !strings.Contains(resp, "occurredAt") || f.stage(t) != qualify.StageSAL {
		t.Fatalf("negative occurredAt: %d %s stage %s", code, resp, f.stage(t))
	}
}

// TestSalesforceTimeFormats: Salesforce writes datetimes as
// 2026-12-01T01:00:00.000+0000 (REST API, Apex), and a Flow formula's
// TEXT() of one as "2026-12-01 01:00:00Z"; neither is RFC 3339, and a Flow
// passing either was refused whole (400), its outcome lost. Each is read as
// the instant it names, as is a JST +09:00 time; a date alone, which names
// no instant, is refused saying so.
func TestSalesforceTimeFormats(t *testing.T) {
	sf := map[string]string{"X-Baton-Secret": shared}
	at := time.Date(2026, 11, 24, 10, 30, 0, 0, time.UTC) // after setup's MQL, before the clock (one ahead is recorded as received)
	for _, c := range []struct{ name, changedAt string }{
		{"REST API", at.Format("2006-01-02T15:04:05.000-0700")},
		{"formula TEXT()", at.Format("2006-01-02 15:04:05Z")},
		{"JST", at.In(time.FixedZone("JST", 9*3600)).Format(time.RFC3339)},
		{"JST without the colon", at.In(time.FixedZone("JST", 9*3600)).Format("2006-01-02T15:04:05.000-0700")},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := setup(t)
			f.clk.Set(at.Add(time.Minute))
			flow := `{"eventId":"e-` + c.name + `","leadId":"00Q000000000001AAA","status":"Working - Contacted","changedAt":"` + c.changedAt + `"}`
			if code, resp := f.post(t, "/feedback/salesforce", flow, sf); code != 200 || f.stage(t) != qualify.StageSAL {
				t.Fatalf("%s: %d %s", c.changedAt, code, resp)
			}
			if got := f.salesChange(t, qualify.StageSAL).At; !got.Equal(at) {
				t.Fatalf("%s read as %s, want %s", c.changedAt, got, at)
			}
		})
	}
	f := setup(t)
	for _, bad := range []string{"2026-11-24", "24/11/2026 09:30", "yesterday"} {
		flow := `{"eventId":"e-bad","leadId":"00Q000000000001AAA","status":"Working - Contacted","changedAt":"` + bad + `"}`
		if code, resp := f.post(t, "/feedback/salesforce", flow, sf); code != 400 || !strings.Contains(resp, bad) {
			t.Errorf("%s: %d %s, want a 400 naming it", bad, code, resp)
		}
	}
	if f.stage(t) != qualify.StageMQL {
		t.Fatalf("a refused time moved the stage: %s", f.stage(t))
	}
}

// TestCloseDateTimeKeepsItsDate: a close date sent as a datetime is the
// date it names where it was written: JST midnight of 1 December
// (2026-12-01T00:00:00+09:00) was taken to UTC first, and recorded as 30
// November; Salesforce's 2026-12-01T00:00:00.000+0900 was refused.
func TestCloseDateTimeKeepsItsDate(t *testing.T) {
	f := setup(t)
	sf := map[string]string{"X-Baton-Secret": shared}
	for i, cd := range []string{"2026-12-01T00:00:00+09:00", "2026-12-01T00:00:00.000+0900", "2026-12-01T23:30:00-05:00", "2026-12-01T00:00:00Z"} {
		flow := fmt.Sprintf(`{"eventId":"cd-%d","externalId":%q,"amount":%d,"closeDate":%q,"changedAt":%q}`, i, f.p.ID, 100+i, cd, f.now.Add(time.Duration(i-10)*time.Minute).Format(time.RFC3339))
		if code, resp := f.post(t, "/feedback/salesforce", flow, sf); code != 200 {
			t.Fatalf("%s: %d %s", cd, code, resp)
		}
		if d := f.deal(t); d.Amount != float64(100+i) || d.CloseDate != "2026-12-01" {
			t.Errorf("%s recorded as %q, want 2026-12-01", cd, d.CloseDate)
		}
	}
}

// TestWebhookSaysWhatIsWrong: the generic webhook answered every body it
// could not read with the same 400 ("body must be {...}"), whether the
// time was in another layout or the amount a string; and "at" with an
// offset without its colon (+0900, as Salesforce and many systems write
// it) was refused. It takes the layouts the Flow takes, and a 400 names
// what it could not read.
func TestWebhookSaysWhatIsWrong(t *testing.T) {
	f := setup(t)
	key, _ := stdwebhook.Key(shared)
	send := func(id, body string) (int, string) {
		now := f.clk.Now()
		return f.post(t, "/feedback/webhook", body, map[string]string{"webhook-id": id, "webhook-timestamp": strconv.FormatInt(now.Unix(), 10), "webhook-signature": stdwebhook.Sign(key, id, now.Unix(), []byte(body))})
	}
	at := f.now.Add(30 * time.Minute) // after the MQL, before the clock (one ahead is recorded as received)
	f.clk.Set(at.Add(time.Minute))
	jst := at.In(time.FixedZone("JST", 9*3600)).Format("2006-01-02T15:04:05.000-0700")
	if code, resp := send("msg_t1", `{"email":"sales-ready@example.com","outcome":"accepted","at":"`+jst+`"}`); code != 200 || f.stage(t) != qualify.StageSAL {
		t.Fatalf("%s: %d %s", jst, code, resp)
	}
	if got := f.salesChange(t, qualify.StageSAL).At; !got.Equal(at) {
		t.Fatalf("%s read as %s", jst, got)
	}
	for _, c := range []struct{ body, want string }{
		{`{"email":"sales-ready@example.com","outcome":"won","at":"tomorrow"}`, "tomorrow"},
		{`{"email":"sales-ready@example.com","outcome":"won","amount":"lots"}`, "amount"},
		{`{"email":"sales-ready@example.com","owner":"rep"}`, "outcome"},
	} {
		code, resp := send("msg_t2", c.body)
		var e struct{ Error string }
		if code != 400 || json.Unmarshal([]byte(resp), &e) != nil || !strings.Contains(e.Error, c.want) {
			t.Errorf("%s: %d %s, want a 400 naming %s", c.body, code, resp, c.want)
		}
	}
}

// TestKintoneDatetimeCloseDateInSalesZone: kintone sends a DATETIME field
// in UTC (2026-11-30T23:00:00Z), however its user entered it: 1 December
// 08:00 in Tokyo was recorded as a close date of 30 November. A UTC
// datetime is dated in the zone sales work in (the configured timezone,
// as push shows them times); one at exactly midnight UTC, how a date alone
// is written as a datetime (HubSpot), and a DATE field keep their date.
func TestKintoneDatetimeCloseDateInSalesZone(t *testing.T) {
	f := setup(t)
	f.h.Loc = time.FixedZone("JST", 9*3600)
	for i, c := range []struct{ value, want string }{
		{"2026-11-30T23:00:00Z", "2026-12-01"},
		{"2026-12-02T00:00:00Z", "2026-12-02"},
		{"2026-12-03", "2026-12-03"},
	} {
		body := fmt.Sprintf(`{"id":"kt-dt-%d","type":"UPDATE_RECORD","record":{"$id":{"type":"__ID__","value":"7"},"ステータス":{"type":"STATUS","value":"商談化"},"受注金額":{"type":"NUMBER","value":"%d"},"受注日":{"type":"DATETIME","value":%q}}}`, i, 1000+i, c.value)
		if code, resp := f.post(t, "/feedback/kintone/"+ktToken, body, nil); code != 200 {
			t.Fatalf("%s: %d %s", c.value, code, resp)
		}
		if d := f.deal(t); d.Amount != float64(1000+i) || d.CloseDate != c.want {
			t.Errorf("%s recorded as %q, want %s", c.value, d.CloseDate, c.want)
		}
	}
}
