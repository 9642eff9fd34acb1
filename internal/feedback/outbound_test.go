package feedback_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/feedback"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/qualify"
)

const (
	omToken = "sf-outbound-token-0123456789abcdef"
	org15   = "00D5g000004XyZa"
	org18   = "00D5g000004XyZaEAK" // org15's 18-character form, as Salesforce sends it
	omPath  = "/feedback/salesforce/outbound?token=" + omToken
)

// outboundMessage is an Outbound Message as Salesforce sends it: the SOAP
// envelope of notifications(), one Notification per (id, sObject).
func outboundMessage(org string, notes ...[2]string) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
 <soapenv:Body>
  <notifications xmlns="http://soap.sforce.com/2005/09/outbound">
   <OrganizationId>` + org + `</OrganizationId>
   <ActionId>04k5g000000CaBcAAK</ActionId>
   <SessionId xsi:nil="true"/>
   <EnterpriseUrl>https://acme.my.salesforce.com/services/Soap/c/62.0/00D5g000004XyZa</EnterpriseUrl>
   <PartnerUrl>https://acme.my.salesforce.com/services/Soap/u/62.0/00D5g000004XyZa</PartnerUrl>`)
	for _, n := range notes {
		b.WriteString(`
   <Notification>
    <Id>` + n[0] + `</Id>
    ` + n[1] + `
   </Notification>`)
	}
	b.WriteString(`
  </notifications>
 </soapenv:Body>
</soapenv:Envelope>`)
	return b.String()
}

func leadObject(status, modified string) string {
	return `<sObject xsi:type="sf:Lead" xmlns:sf="urn:sobject.enterprise.soap.sforce.com">
     <sf:Id>00Q000000000001AAA</sf:Id>
     <sf:Email>sales-ready@example.com</sf:Email>
     <sf:LastModifiedDate>` + modified + `</sf:LastModifiedDate>
     <sf:OwnerId>0055g00000AbCdEAAV</sf:OwnerId>
     <sf:Status>` + status + `</sf:Status>
    </sObject>`
}

// soapAnswer is Baton's answer read as SOAP: the Ack, or the Fault.
type soapAnswer struct {
	XMLName xml.Name `xml:"http://schemas.xmlsoap.org/soap/envelope/ Envelope"`
	Body    struct {
		Response *struct {
			Ack string `xml:"http://soap.sforce.com/2005/09/outbound Ack"`
		} `xml:"http://soap.sforce.com/2005/09/outbound notificationsResponse"`
		Fault *struct {
			Code   string `xml:"faultcode"`
			String string `xml:"faultstring"`
		} `xml:"http://schemas.xmlsoap.org/soap/envelope/ Fault"`
	} `xml:"http://schemas.xmlsoap.org/soap/envelope/ Body"`
}

// postSOAP sends a message as Salesforce does and reads the answer as SOAP
// (failing the test if it is none).
func (f *fx) postSOAP(t *testing.T, path, body string) (int, soapAnswer) {
	t.Helper()
	req, _ := http.NewRequest("POST", f.srv.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "text/xml; charset=utf-8")
	req.Header.Set("SOAPAction", `""`)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/xml") {
		t.Fatalf("%d answered %q, not text/xml: %s", resp.StatusCode, ct, b)
	}
	var a soapAnswer
	if err := xml.Unmarshal(b, &a); err != nil {
		t.Fatalf("%d: the answer is no SOAP envelope: %v\n%s", resp.StatusCode, err, b)
	}
	return resp.StatusCode, a
}

func acked(code int, a soapAnswer) bool {
	return code == 200 && a.Body.Response != nil && a.Body.Response.Ack == "true" && a.Body.Fault == nil
}

// lockedBuffer is a log the handler writes while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func outboundSetup(t *testing.T) *fx {
	f := setup(t)
	f.h.SalesforceOutboundToken, f.h.SalesforceOrgID = omToken, org15
	return f
}

// TestOutboundLeadStatus: a Lead's Status change sent as an Outbound
// Message is the outcome its status maps to, for the person Baton
// delivered as that Lead, owned by its OwnerId and dated by its
// LastModifiedDate; the answer is the Ack Salesforce expects. The same
// Notification sent again (Salesforce retries until it has the Ack) is
// acknowledged and counted once.
func TestOutboundLeadStatus(t *testing.T) {
	f := outboundSetup(t)
	at := f.now.Add(time.Minute)
	f.clk.Set(at.Add(time.Minute)) // received after the Lead's LastModifiedDate
	working := outboundMessage(org18, [2]string{"04l5g00000A1b2cAAA", leadObject("Working - Contacted", at.Format("2006-01-02T15:04:05.000Z"))})
	code, a := f.postSOAP(t, omPath, working)
	if !acked(code, a) || f.stage(t) != qualify.StageSAL {
		t.Fatalf("%d %+v, stage %s", code, a.Body, f.stage(t))
	}
	hist, err := f.q.History(context.Background(), f.p.ID)
	if err != nil || len(hist) == 0 {
		t.Fatalf("history %+v %v", hist, err)
	}
	last := hist[len(hist)-1]
	if last.Owner != "0055g00000AbCdEAAV" || !last.At.Equal(at) {
		t.Fatalf("the outcome's owner %q at %s, want the Lead's OwnerId at its LastModifiedDate %s", last.Owner, last.At, at)
	}
	n := len(hist)
	// Salesforce sends it again (it had no Ack, say): acknowledged, taken
	// for the delivery it repeats (the log says so: Salesforce keeps no
	// answer but the Ack), nothing more.
	var logged lockedBuffer
	f.h.Log = slog.New(slog.NewTextHandler(&logged, nil))
	if code, a := f.postSOAP(t, omPath, working); !acked(code, a) {
		t.Fatalf("the message again: %d %+v", code, a.Body)
	}
	if hist, _ := f.q.History(context.Background(), f.p.ID); len(hist) != n {
		t.Fatalf("a repeated notification counted again: %d entries, were %d", len(hist), n)
	}
	if l := logged.String(); !strings.Contains(l, `delivery=sfom-04l5g00000A1b2cAAA why="duplicate delivery"`) {
		t.Fatalf("the repeated notification was not taken for a duplicate: %s", l)
	}
	// A later change, its own notification: the lead is rejected, recycled.
	lost := outboundMessage(org18, [2]string{"04l5g00000A1b2dAAA", leadObject("Closed - Not Converted", f.now.Add(2*time.Minute).Format("2006-01-02T15:04:05.000Z"))})
	if code, a := f.postSOAP(t, omPath, lost); !acked(code, a) || f.stage(t) != qualify.StageRecycled {
		t.Fatalf("closed: %d %+v, stage %s", code, a.Body, f.stage(t))
	}
	// Salesforce delivers out of order: an earlier change's message, late,
	// undoes nothing.
	late := outboundMessage(org18, [2]string{"04l5g00000A1b2eAAA", leadObject("Working - Contacted", f.now.Add(90*time.Second).Format("2006-01-02T15:04:05.000Z"))})
	if code, a := f.postSOAP(t, omPath, late); !acked(code, a) || f.stage(t) != qualify.StageRecycled {
		t.Fatalf("a late message: %d %+v, stage %s", code, a.Body, f.stage(t))
	}
}

// TestOutboundLeadByEmailAndMapping: a record Baton never delivered (a
// Lead created in Salesforce) is found by its Email, and its Status is
// mapped by feedback.salesforce_status; a status that maps to nothing, and
// a Contact's message (no Lead Status), are acknowledged (nothing to send
// again), and change nothing.
func TestOutboundLeadByEmailAndMapping(t *testing.T) {
	f := outboundSetup(t)
	f.h.SalesforceStatus = map[string]string{"商談化": "sql"}
	obj := func(status string) string {
		return `<sObject xsi:type="sf:Lead" xmlns:sf="urn:sobject.enterprise.soap.sforce.com"><sf:Id>00Q5g00000ZZZZZEA4</sf:Id><sf:Email>Sales-Ready@Example.com</sf:Email><sf:Status>` + status + `</sf:Status></sObject>`
	}
	contact := `<sObject xsi:type="sf:Contact" xmlns:sf="urn:sobject.enterprise.soap.sforce.com"><sf:Id>0035g00000QqQqQAAV</sf:Id><sf:Email>sales-ready@example.com</sf:Email><sf:Status>商談化</sf:Status></sObject>`
	if code, a := f.postSOAP(t, omPath, outboundMessage(org18, [2]string{"04l5g00000B0001AAA", obj("Open")}, [2]string{"04l5g00000B0003AAA", contact})); !acked(code, a) || f.stage(t) != qualify.StageMQL {
		t.Fatalf("an unmapped status, a Contact: %d %+v, stage %s", code, a.Body, f.stage(t))
	}
	if code, a := f.postSOAP(t, omPath, outboundMessage(org18, [2]string{"04l5g00000B0002AAA", obj("商談化")})); !acked(code, a) || f.stage(t) != qualify.StageSQL {
		t.Fatalf("mapped: %d %+v, stage %s", code, a.Body, f.stage(t))
	}
}

// TestOutboundOpportunityDeal: an Opportunity's message records its deal
// (Amount, CurrencyIsoCode, CloseDate) for the person its
// Baton_Person_Id__c names, and Closed Won is the outcome.
func TestOutboundOpportunityDeal(t *testing.T) {
	f := outboundSetup(t)
	opp := `<sObject xsi:type="sf:Opportunity" xmlns:sf="urn:sobject.enterprise.soap.sforce.com">
     <sf:Id>0065g00000XyZ12AAB</sf:Id>
     <sf:Amount>1200000.0</sf:Amount>
     <sf:Baton_Person_Id__c>` + f.p.ID + `</sf:Baton_Person_Id__c>
     <sf:CloseDate>2026-11-30</sf:CloseDate>
     <sf:CurrencyIsoCode>JPY</sf:CurrencyIsoCode>
     <sf:LastModifiedDate>2026-11-24T10:30:00.000Z</sf:LastModifiedDate>
     <sf:OwnerId>0055g00000AbCdEAAV</sf:OwnerId>
     <sf:StageName>Closed Won</sf:StageName>
    </sObject>`
	other := `<sObject xsi:type="sf:Opportunity" xmlns:sf="urn:sobject.enterprise.soap.sforce.com"><sf:Id>0065g00000XyZ13AAB</sf:Id><sf:Amount>5.0</sf:Amount><sf:Baton_Person_Id__c xsi:nil="true"/><sf:StageName>Closed Won</sf:StageName></sObject>`
	code, a := f.postSOAP(t, omPath, outboundMessage(org18, [2]string{"04l5g00000C0001AAA", opp}, [2]string{"04l5g00000C0002AAA", other}))
	if !acked(code, a) || f.stage(t) != qualify.StageCustomer {
		t.Fatalf("%d %+v, stage %s", code, a.Body, f.stage(t))
	}
	deals, err := f.q.Deals(context.Background(), f.p.ID)
	if err != nil || len(deals) != 1 || deals[0].Amount != 1200000 || deals[0].Currency != "JPY" || deals[0].CloseDate != "2026-11-30" {
		t.Fatalf("deals %+v %v", deals, err)
	}
}

// TestOutboundDealsOutOfOrder: Salesforce delivers Outbound Messages out
// of order; each is dated by its LastModifiedDate, so the amount of an
// earlier edit, delivered late, does not replace the later one.
func TestOutboundDealsOutOfOrder(t *testing.T) {
	f := outboundSetup(t)
	opp := func(amount, modified string) string {
		return `<sObject xsi:type="sf:Opportunity" xmlns:sf="urn:sobject.enterprise.soap.sforce.com"><sf:Id>0065g00000XyZ12AAB</sf:Id><sf:Amount>` + amount +
			`</sf:Amount><sf:Baton_Person_Id__c>` + f.p.ID + `</sf:Baton_Person_Id__c><sf:LastModifiedDate>` + modified + `</sf:LastModifiedDate><sf:StageName>Proposal/Price Quote</sf:StageName></sObject>`
	}
	later := outboundMessage(org18, [2]string{"04l5g00000G0002AAA", opp("2000000.0", "2026-11-24T10:40:00.000Z")})
	earlier := outboundMessage(org18, [2]string{"04l5g00000G0001AAA", opp("1200000.0", "2026-11-24T10:30:00.000Z")})
	f.clk.Advance(time.Hour) // both edits are an hour old when the messages come
	for _, m := range []string{later, earlier} {
		if code, a := f.postSOAP(t, omPath, m); !acked(code, a) {
			t.Fatalf("%d %+v", code, a.Body)
		}
	}
	deals, err := f.q.Deals(context.Background(), f.p.ID)
	if err != nil || len(deals) != 1 || deals[0].Amount != 2000000 {
		t.Fatalf("deals %+v %v, want the later edit's 2,000,000", deals, err)
	}
	if f.stage(t) != qualify.StageMQL {
		t.Fatalf("an open stage moved the lead: %s", f.stage(t))
	}
}

// TestOutboundAuthentication: the token in the URL, then the org the
// message comes from (its 18-character id against the configured 15 or 18
// characters; the first 15 are case-sensitive). Each refusal is a SOAP
// fault and changes nothing; unconfigured is a 503 Salesforce retries.
func TestOutboundAuthentication(t *testing.T) {
	f := outboundSetup(t)
	msg := func(org, id string) string {
		return outboundMessage(org, [2]string{id, leadObject("Working - Contacted", "2026-11-24T10:00:00.000Z")})
	}
	for _, c := range []struct {
		name, path, body string
		want             int
	}{
		{"no token", "/feedback/salesforce/outbound", msg(org18, "04l5g00000D0001AAA"), 401},
		{"a wrong token", "/feedback/salesforce/outbound?token=" + omToken + "x", msg(org18, "04l5g00000D0001AAA"), 401},
		{"another org", omPath, msg("00D5g000009QwErEAK", "04l5g00000D0001AAA"), 403},
		{"another org, its 15 characters differing in case alone", omPath, msg("00D5g000004XyZAEA0", "04l5g00000D0001AAA"), 403},
		{"no OrganizationId", omPath, msg("", "04l5g00000D0001AAA"), 400},
		// A second notifications element, of another org, was merged into
		// the first: the last OrganizationId checked, both lists read.
		{"two notifications elements", omPath, strings.Replace(msg("00D5g000009QwErEAK", "04l5g00000D0002AAA"), "</soapenv:Body>",
			msg(org18, "04l5g00000D0001AAA")[strings.Index(msg(org18, "04l5g00000D0001AAA"), "<notifications"):strings.Index(msg(org18, "04l5g00000D0001AAA"), "</soapenv:Body>")]+"</soapenv:Body>", 1), 400},
	} {
		code, a := f.postSOAP(t, c.path, c.body)
		if code != c.want || a.Body.Fault == nil || a.Body.Fault.Code != "soapenv:Client" || a.Body.Fault.String == "" || a.Body.Response != nil {
			t.Errorf("%s: %d %+v, want a %d fault", c.name, code, a.Body, c.want)
		}
	}
	if f.stage(t) != qualify.StageMQL {
		t.Fatalf("a refused message changed the stage: %s", f.stage(t))
	}
	// The configured id in either form; the 18-character one in any case.
	for i, org := range []string{org18, org18[:15] + "eak", strings.ToLower(org18)} {
		f.h.SalesforceOrgID = org
		id := []string{"04l5g00000D0002AAA", "04l5g00000D0003AAA", "04l5g00000D0004AAA"}[i]
		if code, a := f.postSOAP(t, omPath, msg(org18, id)); !acked(code, a) {
			t.Errorf("configured %s: %d %+v", org, code, a.Body)
		}
	}
	// Not configured: 503, for Salesforce to keep the message.
	f.h.SalesforceOrgID = ""
	if code, a := f.postSOAP(t, omPath, msg(org18, "04l5g00000D0005AAA")); code != 503 || a.Body.Fault == nil || !strings.Contains(a.Body.Fault.String, "feedback.salesforce_org_id") {
		t.Errorf("no org configured: %d %+v", code, a.Body)
	}
	f.h.SalesforceOrgID, f.h.SalesforceOutboundToken = org15, ""
	if code, a := f.postSOAP(t, omPath, msg(org18, "04l5g00000D0005AAA")); code != 503 || a.Body.Fault == nil || !strings.Contains(a.Body.Fault.String, "BATON_SALESFORCE_OUTBOUND_TOKEN") {
		t.Errorf("no token configured: %d %+v", code, a.Body)
	}
}

// TestOutboundBadInput: what is no Outbound Message is a 4xx SOAP fault
// saying why, never a panic nor an Ack: an entity bomb is not expanded, a
// body beyond the limit is not read.
func TestOutboundBadInput(t *testing.T) {
	f := outboundSetup(t)
	bomb := `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>` +
		`<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><notifications xmlns="http://soap.sforce.com/2005/09/outbound"><OrganizationId>&lol3;</OrganizationId></notifications></soapenv:Body></soapenv:Envelope>`
	for _, c := range []struct {
		name, body string
		want       int
	}{
		{"not XML", `{"eventId":"e1","status":"Working"}`, 400},
		{"truncated", outboundMessage(org18, [2]string{"04l5g00000E0001AAA", leadObject("Working", "")})[:300], 400},
		{"another SOAP call", `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><login xmlns="urn:partner.soap.sforce.com"/></soapenv:Body></soapenv:Envelope>`, 400},
		{"no Notification", outboundMessage(org18), 400},
		{"an entity bomb", bomb, 400},
		{"nested deep", `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><notifications xmlns="http://soap.sforce.com/2005/09/outbound"><Notification><sObject>` + strings.Repeat("<a>", 80000), 400},
		{"beyond the limit", outboundMessage(org18, [2]string{"04l5g00000E0002AAA", `<sObject xsi:type="sf:Lead" xmlns:sf="urn:sobject.enterprise.soap.sforce.com"><sf:Description>` + strings.Repeat("x", 300<<10) + `</sf:Description></sObject>`}), 413},
		{"its only notification unreadable", outboundMessage(org18, [2]string{"04l5g00000E0003AAA", `<sObject xsi:type="sf:Lead" xmlns:sf="urn:sobject.enterprise.soap.sforce.com"><sf:Id>00Q000000000001AAA</sf:Id><sf:Status>Working</sf:Status><sf:LastModifiedDate>yesterday</sf:LastModifiedDate></sObject>`}), 400},
	} {
		code, a := f.postSOAP(t, omPath, c.body)
		if code != c.want || a.Body.Fault == nil || a.Body.Fault.String == "" {
			t.Errorf("%s: %d %+v, want a %d fault", c.name, code, a.Body, c.want)
		}
	}
	if f.stage(t) != qualify.StageMQL {
		t.Fatalf("bad input changed the stage: %s", f.stage(t))
	}
}

// TestOutboundStoreFailureIsRetried: a store failure while finding the
// person is a 503 fault, not an Ack: Salesforce sends the message again,
// and it applies then.
func TestOutboundStoreFailureIsRetried(t *testing.T) {
	f := outboundSetup(t)
	tb := f.h.T
	f.h.T, f.h.People = readsFail{tb}, &identity.Directory{T: readsFail{tb}}
	msg := outboundMessage(org18, [2]string{"04l5g00000H0001AAA", leadObject("Working - Contacted", "2026-11-24T10:00:00.000Z")})
	if code, a := f.postSOAP(t, omPath, msg); code != 503 || a.Body.Fault == nil || a.Body.Fault.Code != "soapenv:Server" || a.Body.Response != nil {
		t.Fatalf("%d %+v, want a 503 fault", code, a.Body)
	}
	f.h.T, f.h.People = tb, &identity.Directory{T: tb}
	if code, a := f.postSOAP(t, omPath, msg); !acked(code, a) || f.stage(t) != qualify.StageSAL {
		t.Fatalf("sent again: %d %+v, stage %s", code, a.Body, f.stage(t))
	}
}

// TestOutboundMessageToTheJSONRoute: an Outbound Message sent to
// /feedback/salesforce is answered with a SOAP fault naming its route,
// which Salesforce shows as the failure reason.
func TestOutboundMessageToTheJSONRoute(t *testing.T) {
	f := outboundSetup(t)
	code, a := f.postSOAP(t, "/feedback/salesforce", outboundMessage(org18, [2]string{"04l5g00000F0001AAA", leadObject("Working", "")}))
	if code != 400 || a.Body.Fault == nil || !strings.Contains(a.Body.Fault.String, "/feedback/salesforce/outbound") {
		t.Fatalf("%d %+v", code, a.Body)
	}
}

func FuzzParseOutbound(f *testing.F) {
	f.Add([]byte(outboundMessage(org18, [2]string{"04l5g00000A1b2cAAA", leadObject("Working - Contacted", "2026-11-24T10:00:00.000Z")})))
	f.Add([]byte(outboundMessage(org15, [2]string{"04l", `<sObject xsi:type="sf:Opportunity" xmlns:sf="urn:sobject.enterprise.soap.sforce.com"><sf:Amount>1e3</sf:Amount><sf:Baton_Person_Id__c>p</sf:Baton_Person_Id__c><sf:CloseDate>2026-11-30T10:00:00Z</sf:CloseDate><sf:StageName>Closed Lost</sf:StageName></sObject>`}, [2]string{"", ""})))
	f.Add([]byte(`<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><notifications xmlns="http://soap.sforce.com/2005/09/outbound"><OrganizationId>x</OrganizationId><Notification><Id>1</Id><sObject xsi:type="Contact" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><Email xmlns="urn:sobject.enterprise.soap.sforce.com">a@b</Email><Status>Qualified</Status></sObject></Notification></notifications></soapenv:Body></soapenv:Envelope>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		om, err := feedback.ParseOutbound(b, nil, "")
		if err != nil {
			return
		}
		if om.OrganizationID == "" || len(om.Verdicts) == 0 {
			t.Fatalf("%s: read with no org or no verdict: %+v", b, om)
		}
		for _, v := range om.Verdicts {
			if v.Refused != "" || v.Unread != "" {
				continue
			}
			// Remembered by its delivery id: one without the Notification
			// Id would make every later one a "duplicate".
			if v.DeliveryID == "sfom-" || !strings.HasPrefix(v.DeliveryID, "sfom-") {
				t.Fatalf("%s: delivery id %q names no notification", b, v.DeliveryID)
			}
			if v.PersonID == "" && v.ExternalID == "" && v.Email == "" {
				t.Fatalf("%s: a verdict naming nobody: %+v", b, v)
			}
			if v.Outcome != "" && !qualify.IsOutcome(v.Outcome) {
				t.Fatalf("%s: outcome %q", b, v.Outcome)
			}
			if v.Deal != nil {
				if err := qualify.ValidateDeal(*v.Deal); err != nil {
					t.Fatalf("%s: an invalid deal %+v: %v", b, *v.Deal, err)
				}
			}
		}
	})
}

// TestOutboundOwnStages: an Opportunity message of an org whose won stage
// is 受注 is a win by its IsWon and IsClosed; a flag that is no boolean is
// refused (a fault: Salesforce shows it in the queue).
func TestOutboundOwnStages(t *testing.T) {
	f := outboundSetup(t)
	opp := func(won string) string {
		return `<sObject xsi:type="sf:Opportunity" xmlns:sf="urn:sobject.enterprise.soap.sforce.com"><sf:Id>0065g00000XyZ12AAB</sf:Id><sf:Baton_Person_Id__c>` + f.p.ID +
			`</sf:Baton_Person_Id__c><sf:IsClosed>true</sf:IsClosed><sf:IsWon>` + won + `</sf:IsWon><sf:LastModifiedDate>2026-11-24T10:30:00.000Z</sf:LastModifiedDate><sf:StageName>受注</sf:StageName></sObject>`
	}
	if code, a := f.postSOAP(t, omPath, outboundMessage(org18, [2]string{"04l5g00000H0001AAA", opp("yes")})); acked(code, a) || f.stage(t) != qualify.StageMQL {
		t.Fatalf("IsWon yes: %d %+v, stage %s", code, a.Body, f.stage(t))
	}
	if code, a := f.postSOAP(t, omPath, outboundMessage(org18, [2]string{"04l5g00000H0002AAA", opp("true")})); !acked(code, a) || f.stage(t) != qualify.StageCustomer {
		t.Fatalf("受注: %d %+v, stage %s", code, a.Body, f.stage(t))
	}
}
