package feedback_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/crm/crmfake"
	"github.com/baton-hq/baton/internal/feedback"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/reports"
)

// oldDealStaysItsCycle checks the person after an edit of cycle 1's lost
// deal arrived in cycle 2: one deal, cycle 1's, with the edit's amount and
// still lost; no pipeline in the revenue report; the person still cycle
// 2's MQL.
func (f *fx) oldDealStaysItsCycle(t *testing.T, amount float64, ref string) {
	t.Helper()
	ctx := context.Background()
	ds, err := f.q.Deals(ctx, f.p.ID)
	if err != nil || len(ds) != 1 {
		t.Errorf("deals %+v %v, want cycle 1's alone", ds, err)
	} else if d := ds[0]; d.Cycle != 1 || d.Amount != amount || d.Outcome != "lost" || d.Ref != ref {
		t.Errorf("deal %+v, want cycle 1's (%s), amount %v, still lost", d, ref, amount)
	}
	people, err := reports.Load(ctx, f.tb)
	if err != nil {
		t.Fatal(err)
	}
	if _, totals := reports.Revenue(people, reports.Filter{}, []string{"channel"}); len(totals) != 0 {
		t.Errorf("revenue totals %+v, want none (the old deal was lost; cycle 2 has no deal)", totals)
	}
	if rec, err := f.q.Record(ctx, f.p.ID); err != nil || rec.Cycle != 2 || rec.Stage != qualify.StageMQL {
		t.Errorf("person %s in cycle %d (%v), want cycle 2's MQL", rec.Stage, rec.Cycle, err)
	}
}

// TestOldOpportunityEditCDC: cycle 1's Opportunity is Closed Lost, the
// lead recycled and qualified again; then its Amount is edited, which
// Change Data Capture sends with the record's id. The edit became cycle
// 2's deal ({Cycle:2 Amount:950000 Outcome:""}), an open deal the revenue
// report counted as cycle 2's pipeline. It is cycle 1's deal's edit; a
// later change of its stage alone is that deal's too.
func TestOldOpportunityEditCDC(t *testing.T) {
	f := setup(t)
	sf := map[string]string{"X-Baton-Secret": shared}
	opp := func(id string, commit time.Time, fields string) string {
		return fmt.Sprintf(`{"version":"0","id":%q,"detail-type":"OpportunityChangeEvent","source":"aws.partner/salesforce.com/00D/0YL","time":%q,"detail":{"payload":{"ChangeEventHeader":{"entityName":"Opportunity","recordIds":["0065g00000OLDabAAH"],"changeType":"UPDATE","commitTimestamp":%d},"Baton_Person_Id__c":%q%s}}}`,
			id, commit.Format(time.RFC3339), commit.UnixMilli(), f.p.ID, fields)
	}
	f.clk.Set(f.now.Add(time.Hour))
	if code, resp := f.post(t, "/feedback/salesforce", opp("eb-lost", f.now.Add(50*time.Minute), `,"StageName":"Closed Lost","Amount":900000,"CurrencyIsoCode":"JPY","CloseDate":"2026-11-24"`), sf); code != 200 || f.stage(t) != qualify.StageRecycled {
		t.Fatalf("lost: %d %s, stage %s", code, resp, f.stage(t))
	}
	at := f.requalify(t)
	f.clk.Set(at.Add(2 * time.Hour))
	if code, resp := f.post(t, "/feedback/salesforce", opp("eb-edit", at.Add(time.Hour), `,"Amount":950000`), sf); code != 200 || !strings.Contains(resp, `"deal":true`) {
		t.Fatalf("edit: %d %s", code, resp)
	}
	f.oldDealStaysItsCycle(t, 950000, "salesforce-opportunity-0065g00000OLDabAAH")
	// Reopened and lost again, its stage alone changed: the loss is that
	// deal's, no verdict on the new MQL (it recycled it).
	f.clk.Set(at.Add(3 * time.Hour))
	if code, resp := f.post(t, "/feedback/salesforce", opp("eb-open", at.Add(2*time.Hour), `,"StageName":"Prospecting","IsClosed":false`), sf); code != 200 {
		t.Fatalf("reopened: %d %s", code, resp)
	}
	if code, resp := f.post(t, "/feedback/salesforce", opp("eb-relost", at.Add(150*time.Minute), `,"StageName":"Closed Lost"`), sf); code != 200 || !strings.Contains(resp, "of cycle 1's deal") {
		t.Fatalf("lost again: %d %s", code, resp)
	}
	f.oldDealStaysItsCycle(t, 950000, "salesforce-opportunity-0065g00000OLDabAAH")
}

// TestOldOpportunityEditOutbound: the same edit as an Outbound Message,
// which carries every field chosen, the stage too: Closed Lost of the old
// Opportunity was applied again to the person, rejecting (recycling) their
// new MQL, besides the edit becoming cycle 2's deal. The Opportunity's Id
// names cycle 1's deal; the loss is that deal's.
func TestOldOpportunityEditOutbound(t *testing.T) {
	f := outboundSetup(t)
	opp := func(amount string, modified time.Time) string {
		return `<sObject xsi:type="sf:Opportunity" xmlns:sf="urn:sobject.enterprise.soap.sforce.com"><sf:Id>0065g00000OLDabAAH</sf:Id><sf:Amount>` + amount +
			`</sf:Amount><sf:Baton_Person_Id__c>` + f.p.ID + `</sf:Baton_Person_Id__c><sf:CloseDate>2026-11-24</sf:CloseDate><sf:CurrencyIsoCode>JPY</sf:CurrencyIsoCode><sf:LastModifiedDate>` +
			modified.UTC().Format("2006-01-02T15:04:05.000Z") + `</sf:LastModifiedDate><sf:StageName>Closed Lost</sf:StageName></sObject>`
	}
	f.clk.Set(f.now.Add(time.Hour))
	if code, a := f.postSOAP(t, omPath, outboundMessage(org18, [2]string{"04l5g00000L0001AAA", opp("900000.0", f.now.Add(50*time.Minute))})); !acked(code, a) || f.stage(t) != qualify.StageRecycled {
		t.Fatalf("lost: %d %+v, stage %s", code, a.Body, f.stage(t))
	}
	at := f.requalify(t)
	f.clk.Set(at.Add(2 * time.Hour))
	if code, a := f.postSOAP(t, omPath, outboundMessage(org18, [2]string{"04l5g00000L0002AAA", opp("950000.0", at.Add(time.Hour))})); !acked(code, a) {
		t.Fatalf("edit: %d %+v", code, a.Body)
	}
	f.oldDealStaysItsCycle(t, 950000, "salesforce-opportunity-0065g00000OLDabAAH")
}

// TestOldHubSpotDealEdit: the same through HubSpot: deal 7001 closedlost
// in cycle 1, then its amount edited in cycle 2; the deal webhook names
// the deal (read with the token), and the edit is that deal's.
func TestOldHubSpotDealEdit(t *testing.T) {
	f := setup(t)
	hs := crmfake.NewHubSpot()
	defer hs.Close()
	hs.Deals = map[string]*crmfake.HubSpotDeal{
		"7001": {Properties: map[string]string{"dealstage": "closedlost", "amount": "900000", "deal_currency_code": "JPY", "closedate": "2026-11-24T00:00:00Z"}, Contacts: []string{"501"}},
	}
	f.h.HubSpotDeals = &feedback.HubSpotDeals{BaseURL: hs.URL, Token: hs.Token}
	send := func(event int, prop, value string, at time.Time) (int, string) {
		body := fmt.Sprintf(`[{"eventId":%d,"subscriptionId":9,"portalId":62515,"occurredAt":%d,"subscriptionType":"deal.propertyChange","attemptNumber":0,"objectId":7001,"propertyName":%q,"propertyValue":%q,"changeSource":"CRM"}]`, event, at.UnixMilli(), prop, value)
		return f.post(t, "/feedback/hubspot", body, hubspotSign(publicURL+"/feedback/hubspot", body, f.clk.Now().UnixMilli()))
	}
	f.clk.Set(f.now.Add(time.Hour))
	if code, resp := send(4001, "dealstage", "closedlost", f.now.Add(50*time.Minute)); code != 200 || f.stage(t) != qualify.StageRecycled {
		t.Fatalf("lost: %d %s, stage %s", code, resp, f.stage(t))
	}
	at := f.requalify(t)
	f.clk.Set(at.Add(2 * time.Hour))
	hs.Deals["7001"].Properties["amount"] = "950000"
	if code, resp := send(4002, "amount", "950000", at.Add(time.Hour)); code != 200 || !strings.Contains(resp, `"deal":true`) {
		t.Fatalf("edit: %d %s", code, resp)
	}
	f.oldDealStaysItsCycle(t, 950000, "hubspot-deal-7001")
}

// TestFlowAndWebhookNameTheirDeal: a Flow callout's opportunityId (15
// characters here: the 18 of a change event name the same deal) and the
// webhook's dealId name the deal as the change events do, so an old deal's
// edit stays its cycle's, its loss sent again no verdict on the new MQL
// (a win is); a malformed one is a 400 naming the field.
func TestFlowAndWebhookNameTheirDeal(t *testing.T) {
	for _, c := range []struct {
		name, ref string
		post      func(f *fx, id string, at time.Time, fields string) (int, string)
	}{
		{"flow", "salesforce-opportunity-0065g00000OLDabAAH", func(f *fx, id string, at time.Time, fields string) (int, string) {
			return f.post(t, "/feedback/salesforce", fmt.Sprintf(`{"eventId":%q,"leadId":"00Q000000000001AAA","opportunityId":"0065g00000OLDab","changedAt":%q%s}`, id, at.Format(time.RFC3339), fields), map[string]string{"X-Baton-Secret": shared})
		}},
		{"webhook", "webhook-deal-D-77", func(f *fx, id string, at time.Time, fields string) (int, string) {
			return f.webhook(t, id, fmt.Sprintf(`{"email":"sales-ready@example.com","dealId":"D-77","at":%q%s}`, at.Format(time.RFC3339), fields))
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := setup(t)
			f.clk.Set(f.now.Add(time.Hour))
			if code, resp := c.post(f, "l1", f.now.Add(50*time.Minute), `,"outcome":"lost","amount":900000`); code != 200 || f.stage(t) != qualify.StageRecycled {
				t.Fatalf("lost: %d %s, stage %s", code, resp, f.stage(t))
			}
			at := f.requalify(t)
			f.clk.Set(at.Add(2 * time.Hour))
			if code, resp := c.post(f, "e1", at.Add(time.Hour), `,"outcome":"lost","amount":950000`); code != 200 || !strings.Contains(resp, "cycle 1's deal") {
				t.Fatalf("edit: %d %s", code, resp)
			}
			f.oldDealStaysItsCycle(t, 950000, c.ref)
			// The old deal reopened and won: a customer is a customer,
			// whichever opportunity made them one.
			if code, resp := c.post(f, "w1", at.Add(90*time.Minute), `,"outcome":"won","amount":950000`); code != 200 || f.stage(t) != qualify.StageCustomer {
				t.Fatalf("won: %d %s, stage %s", code, resp, f.stage(t))
			}
			if ds, err := f.q.Deals(context.Background(), f.p.ID); err != nil || len(ds) != 1 || ds[0].Cycle != 1 || ds[0].Outcome != "won" {
				t.Errorf("deals %+v %v, want cycle 1's, won", ds, err)
			}
		})
	}
	f := setup(t)
	if code, resp := f.post(t, "/feedback/salesforce", `{"eventId":"x","leadId":"00Q000000000001AAA","opportunityId":"not an id","amount":1}`, map[string]string{"X-Baton-Secret": shared}); code != 400 || !strings.Contains(resp, "opportunityId") {
		t.Errorf("bad opportunityId: %d %s", code, resp)
	}
	if code, resp := f.webhook(t, "bad", `{"email":"sales-ready@example.com","dealId":"a\u0001b","amount":1}`); code != 400 || !strings.Contains(resp, "dealId") {
		t.Errorf("bad dealId: %d %s", code, resp)
	}
}
