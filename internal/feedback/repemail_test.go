package feedback_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/crm"
	"github.com/baton-hq/baton/internal/crm/crmfake"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/table"
)

// personItems are every item of the person's partition (their stage
// history among them), as stored.
func personItems(t *testing.T, f *fx) string {
	t.Helper()
	items, err := f.tb.Query(context.Background(), table.Query{PK: identity.PersonPK(f.p.ID)})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, it := range items {
		b.WriteString(it.SK + " " + string(it.Data) + "\n")
	}
	return b.String()
}

// TestStageHistoryKeepsNoRepEmail: an outcome from HubSpot or Salesforce
// names its rep by the SFA's owner id, whose name Baton learns (a HubSpot
// owner's or a Salesforce User's email); each stage change kept that
// email, a copy in the history of every person the rep answered, shown in
// each one's disclosure and kept as long as the history. It keeps the id
// (and its key); the reports and pages name the rep by it, with the email
// learned once per rep (repnames).
func TestStageHistoryKeepsNoRepEmail(t *testing.T) {
	t.Run("hubspot", func(t *testing.T) {
		f := setup(t)
		ownerFake(t, f)
		if code, resp := hsEvents(t, f, 3001, "501:lifecyclestage:salesqualifiedlead"); code != 200 {
			t.Fatalf("%d %s", code, resp)
		}
		if items := personItems(t, f); strings.Contains(items, "tanaka@maker.example") || !strings.Contains(items, `"owner":"41629779"`) {
			t.Errorf("the person's items keep the rep's email, or not their owner id:\n%s", items)
		}
		if got := lastOwner(t, f); got != "tanaka@maker.example" {
			t.Errorf("the pages name the owner %q, want the email HubSpot gave", got)
		}
		if sla, reps := slaOwners(t, f); fmt.Sprint(sla) != "[tanaka@maker.example]" || fmt.Sprint(reps) != "[tanaka@maker.example]" {
			t.Errorf("SLA owners %v, reps %v", sla, reps)
		}
	})
	t.Run("salesforce", func(t *testing.T) {
		org := crmfake.NewSalesforce()
		t.Cleanup(org.Close)
		org.Users = map[string]map[string]any{"0055g00000AbCdEAAZ": {"Id": "0055g00000AbCdEAAZ", "Name": "田中 太郎", "Email": "tanaka@acme.example"}}
		f := setup(t)
		org.Now = f.clk.Now
		f.h.SalesforceOwners = &crm.Salesforce{LoginURL: org.URL, ClientID: org.ClientID, ClientSecret: org.ClientSecret, LeadKey: "Baton_Person_Id__c", TaskKey: "Baton_MQL_Id__c", Now: f.clk.Now}
		f.clk.Advance(time.Minute)
		at := f.clk.Now()
		body := `{"version":"0","id":"cdc-1","detail-type":"LeadChangeEvent","source":"aws.partner/salesforce.com/00D/0YL","time":"` + at.Format(time.RFC3339) + `",
		  "detail":{"payload":{"ChangeEventHeader":{"entityName":"Lead","recordIds":["00Q000000000001AAA"],"changeType":"UPDATE","changedFields":["Status"],"commitTimestamp":` + fmt.Sprint(at.UnixMilli()) + `},"Status":"Working - Contacted","OwnerId":"0055g00000AbCdEAAZ"}}}`
		if code, body := f.post(t, "/feedback/salesforce", body, map[string]string{"X-Baton-Secret": shared}); code != 200 || !strings.Contains(body, `"applied":true`) {
			t.Fatalf("cdc: %d %s", code, body)
		}
		if items := personItems(t, f); strings.Contains(items, "tanaka@acme.example") || !strings.Contains(items, `"owner":"0055g00000AbCdEAAZ"`) {
			t.Errorf("the person's items keep the rep's email, or not their owner id:\n%s", items)
		}
		if got := lastOwner(t, f); got != "tanaka@acme.example" {
			t.Errorf("the pages name the owner %q, want the User's email", got)
		}
	})
}
