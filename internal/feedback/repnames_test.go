package feedback_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/calendar"
	"github.com/baton-hq/baton/internal/crm"
	"github.com/baton-hq/baton/internal/crm/crmfake"
	"github.com/baton-hq/baton/internal/reports"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/dynamotable"
	"github.com/baton-hq/baton/internal/testutil/moto"
)

// stores are the stores Baton runs on, each opened on the fixture's clock
// (DynamoDB: moto's server, started by the test).
var stores = []struct {
	name string
	open func(t *testing.T, clk func() time.Time) table.Table
}{
	{"bbolt", openBolt},
	{"dynamodb", func(t *testing.T, clk func() time.Time) table.Table {
		return moto.NewTable(t, dynamotable.WithClock(clk))
	}},
}

// repRows are the SLA and reps reports' rows but "(all)" (the reps
// report's of the dimension all), each as owner:figures.
func repRows(t *testing.T, f *fx) (sla, reps string) {
	t.Helper()
	people, err := reports.Load(context.Background(), f.tb)
	if err != nil {
		t.Fatal(err)
	}
	var s, r []string
	for _, x := range reports.SLA(people, reports.Filter{}, 24*time.Hour, calendar.Calendar{}, f.clk.Now()) {
		if x.Owner != "(all)" {
			s = append(s, fmt.Sprintf("%s:responded=%d", x.Owner, x.Responded))
		}
	}
	for _, x := range reports.Reps(people, reports.Filter{}, 24*time.Hour, calendar.Calendar{}) {
		if x.Owner != "(all)" && x.Dimension == "all" {
			r = append(r, fmt.Sprintf("%s:mqls=%d,accepted=%d,sql=%d", x.Owner, x.MQLs, x.Accepted, x.SQL))
		}
	}
	return strings.Join(s, " "), strings.Join(r, " ")
}

// TestOwnerNamedLater: an outcome whose owner the SFA did not name (its
// API allocation spent, a token without the owners scope) is recorded
// under the owner id; the same rep's next outcome, named, was recorded
// under their email, and the SLA report listed the rep twice (the id and
// the email), the reps report under the id (its MQL's first answer's
// owner). The name learned is kept in the store, and the reports name the
// id's outcomes by it: one rep, with both outcomes.
func TestOwnerNamedLater(t *testing.T) {
	for _, st := range stores {
		t.Run(st.name+"/Salesforce", func(t *testing.T) {
			f := setupOn(t, st.open)
			org := crmfake.NewSalesforce()
			t.Cleanup(org.Close)
			org.Now = f.clk.Now
			org.Users = map[string]map[string]any{"0055g00000AbCdEAAZ": {"Id": "0055g00000AbCdEAAZ", "Name": "田中 太郎", "Email": "tanaka@acme.example"}}
			f.h.SalesforceOwners = &crm.Salesforce{LoginURL: org.URL, ClientID: org.ClientID, ClientSecret: org.ClientSecret, LeadKey: "Baton_Person_Id__c", TaskKey: "Baton_MQL_Id__c", Now: f.clk.Now}
			hdr := map[string]string{"X-Baton-Secret": shared}
			org.Fail(1, crmfake.Fault{Status: 403, Body: crmfake.SFRequestLimit})
			f.clk.Advance(time.Minute)
			at := f.clk.Now()
			cdc := `{"version":"0","id":"cdc-1","detail-type":"LeadChangeEvent","source":"aws.partner/salesforce.com/00D/0YL","time":"` + at.Format(time.RFC3339) + `",
			  "detail":{"payload":{"ChangeEventHeader":{"entityName":"Lead","recordIds":["00Q000000000001AAA"],"changeType":"UPDATE","changedFields":["Status"],"commitTimestamp":` + fmt.Sprint(at.UnixMilli()) + `},"Status":"Working - Contacted","OwnerId":"0055g00000AbCdEAAZ"}}}`
			if code, body := f.post(t, "/feedback/salesforce", cdc, hdr); code != 200 || !strings.Contains(body, `"applied":true`) || lastOwner(t, f) != "0055g00000AbCdEAAZ" {
				t.Fatalf("cdc: %d %s owner %q", code, body, lastOwner(t, f))
			}
			f.clk.Advance(11 * time.Minute) // past the refusal's 10 minutes
			flow := `{"eventId":"sf-flow-2","leadId":"00Q000000000001AAA","status":"Qualified","owner":"0055g00000AbCdE","changedAt":"` + f.clk.Now().Format(time.RFC3339) + `"}`
			if code, body := f.post(t, "/feedback/salesforce", flow, hdr); code != 200 || !strings.Contains(body, `"applied":true`) || lastOwner(t, f) != "tanaka@acme.example" {
				t.Fatalf("flow: %d %s owner %q", code, body, lastOwner(t, f))
			}
			sla, reps := repRows(t, f)
			if sla != "tanaka@acme.example:responded=1" {
				t.Errorf("SLA report: %s", sla)
			}
			if reps != "tanaka@acme.example:mqls=1,accepted=1,sql=1" {
				t.Errorf("reps report: %s", reps)
			}
		})
		t.Run(st.name+"/HubSpot", func(t *testing.T) {
			f := setupOn(t, st.open)
			hs := ownerFake(t, f)
			hs.MissingScopes = []string{"crm.objects.owners.read"}
			if code, resp := hsEvents(t, f, 5001, "501:hs_lead_status:IN_PROGRESS"); code != 200 || lastOwner(t, f) != "41629779" {
				t.Fatalf("%d %s owner %q", code, resp, lastOwner(t, f))
			}
			f.clk.Advance(11 * time.Minute) // the scope granted, asked again past the refusal's 10 minutes
			hs.Lock()
			hs.MissingScopes = nil
			hs.Unlock()
			if code, resp := hsEvents(t, f, 5002, "501:lifecyclestage:salesqualifiedlead"); code != 200 || lastOwner(t, f) != "tanaka@maker.example" {
				t.Fatalf("%d %s owner %q", code, resp, lastOwner(t, f))
			}
			sla, reps := repRows(t, f)
			if sla != "tanaka@maker.example:responded=1" {
				t.Errorf("SLA report: %s", sla)
			}
			if reps != "tanaka@maker.example:mqls=1,accepted=1,sql=1" {
				t.Errorf("reps report: %s", reps)
			}
		})
	}
}
