package feedback_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/crm"
	"github.com/baton-hq/baton/internal/crm/crmfake"
	"github.com/baton-hq/baton/internal/push"
	"github.com/baton-hq/baton/internal/qualify"
)

// acmeKey is an org's own lead_key, not the example's Baton_Person_Id__c.
const acmeKey = "Acme_Baton_Person__c"

// TestOutboundConfiguredLeadKey: an org that keeps Baton's person id in a
// field of its own naming (sfa.salesforce.lead_key) sends it under that
// name in an Outbound Message, on the Lead and (mapped at conversion) on
// its Opportunity: the person is read from it. Feedback read the literal
// Baton_Person_Id__c, so such an org's outcomes and deals named nobody.
func TestOutboundConfiguredLeadKey(t *testing.T) {
	f := outboundSetup(t)
	f.h.SalesforceKey = acmeKey
	// The org: push upserts the person's Lead by the configured key, and
	// sales convert it with an Opportunity.
	org := crmfake.NewSalesforce()
	defer org.Close()
	org.LeadKey = acmeKey
	org.AddLead(map[string]any{"LastName": "他社", "Company": "別会社"}) // not Baton's: the Lead pushed is no record id the fixture delivered
	c := &crm.Salesforce{LoginURL: org.URL, ClientID: org.ClientID, ClientSecret: org.ClientSecret, LeadKey: acmeKey, TaskKey: "Baton_MQL_Id__c", Now: f.clk.Now}
	if _, err := c.Push(context.Background(), push.Lead{MQLID: f.p.ID + "-c1", PersonID: f.p.ID, Email: "sales-ready@example.com",
		Attributes: map[string]string{"last_name": "山田", "company": "サンプル株式会社"}, Grade: "B", QualifiedAt: f.now}); err != nil {
		t.Fatal(err)
	}
	_, oppID := org.Convert(f.p.ID, true)
	l := org.Lead(f.p.ID)
	modified := f.now.Add(time.Minute).Format("2006-01-02T15:04:05.000Z")
	f.clk.Set(f.now.Add(2 * time.Minute))
	// The Lead's message, without its Email: the key names the person.
	lead := fmt.Sprintf(`<sObject xsi:type="sf:Lead" xmlns:sf="urn:sobject.enterprise.soap.sforce.com"><sf:Id>%s</sf:Id><sf:%s>%s</sf:%s><sf:LastModifiedDate>%s</sf:LastModifiedDate><sf:Status>%s</sf:Status></sObject>`,
		l["Id"], acmeKey, l[acmeKey], acmeKey, modified, l["Status"])
	if code, a := f.postSOAP(t, omPath, outboundMessage(org18, [2]string{"04l5g00000K0001AAA", lead})); !acked(code, a) || f.stage(t) != qualify.StageSQL {
		t.Fatalf("lead %v converted: %d %+v, stage %s", l, code, a.Body, f.stage(t))
	}
	opp := fmt.Sprintf(`<sObject xsi:type="sf:Opportunity" xmlns:sf="urn:sobject.enterprise.soap.sforce.com"><sf:Id>%s</sf:Id><sf:Amount>300000.0</sf:Amount><sf:%s>%s</sf:%s><sf:CurrencyIsoCode>JPY</sf:CurrencyIsoCode><sf:LastModifiedDate>%s</sf:LastModifiedDate><sf:StageName>Closed Won</sf:StageName></sObject>`,
		oppID, acmeKey, l[acmeKey], acmeKey, modified)
	if code, a := f.postSOAP(t, omPath, outboundMessage(org18, [2]string{"04l5g00000K0002AAA", opp})); !acked(code, a) || f.stage(t) != qualify.StageCustomer {
		t.Fatalf("opportunity won: %d %+v, stage %s", code, a.Body, f.stage(t))
	}
	if ds, err := f.q.Deals(context.Background(), f.p.ID); err != nil || len(ds) != 1 || ds[0].Amount != 300000 {
		t.Fatalf("deals %+v %v", ds, err)
	}
}

// TestCDCConfiguredLeadKey: the same by Change Data Capture: a Lead's
// change and an Opportunity's carry the configured key field.
func TestCDCConfiguredLeadKey(t *testing.T) {
	f := setup(t)
	f.h.SalesforceKey = acmeKey
	sf := map[string]string{"X-Baton-Secret": shared}
	ev := func(id, entity, record, fields string) (int, string) {
		t.Helper()
		commit := f.now.Add(time.Minute)
		f.clk.Set(commit.Add(time.Minute))
		return f.post(t, "/feedback/salesforce", fmt.Sprintf(`{"version":"0","id":%q,"detail-type":"%sChangeEvent","source":"aws.partner/salesforce.com/00D/0YL","time":%q,"detail":{"payload":{"ChangeEventHeader":{"entityName":%q,"recordIds":[%q],"changeType":"UPDATE","commitTimestamp":%d},%q:%q%s}}}`,
			id, entity, commit.Format(time.RFC3339), entity, record, commit.UnixMilli(), acmeKey, f.p.ID, fields), sf)
	}
	// A Lead record id Baton never delivered: the key names the person.
	if code, resp := ev("lead-1", "Lead", "00Q5g00000ZZZZZAAA", `,"Status":"Working - Contacted"`); code != 200 || f.stage(t) != qualify.StageSAL {
		t.Fatalf("lead: %d %s, stage %s", code, resp, f.stage(t))
	}
	if code, resp := ev("opp-1", "Opportunity", "0065g00000KKKKKAAA", `,"StageName":"Closed Won","Amount":500000,"CurrencyIsoCode":"JPY"`); code != 200 || f.stage(t) != qualify.StageCustomer {
		t.Fatalf("opportunity: %d %s, stage %s", code, resp, f.stage(t))
	}
}
