package feedback_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/crm"
	"github.com/baton-hq/baton/internal/crm/crmfake"
	"github.com/baton-hq/baton/internal/repnames"
)

// TestSalesforceOwnerNamed: a Change Data Capture event names the rep by
// OwnerId, and a Flow may send $Record.OwnerId: the SLA and reps reports
// listed "0055g00000AbCdEAAZ" for a sales manager to decode. The owner is
// the User's email (a queue: its name), read from the org in one query
// and remembered (by either form of the id); a Flow that sends an email
// keeps it; an id the org does not have, or an org that refuses the read,
// records the outcome under the id all the same.
func TestSalesforceOwnerNamed(t *testing.T) {
	org := crmfake.NewSalesforce()
	t.Cleanup(org.Close)
	org.Users = map[string]map[string]any{"0055g00000AbCdEAAZ": {"Id": "0055g00000AbCdEAAZ", "Name": "田中 太郎", "Email": "tanaka@acme.example"}}
	org.Groups = map[string]map[string]any{"00G5g00000QueUeAAA": {"Id": "00G5g00000QueUeAAA", "Name": "インサイドセールス", "Type": "Queue"}}
	hdr := map[string]string{"X-Baton-Secret": shared}
	// accepted posts a CDC event (Working - Contacted: accepted) naming
	// owner for a fresh MQL, read through an org with the client secret.
	accepted := func(t *testing.T, owner, secret string) (*fx, *logs) {
		t.Helper()
		f := setup(t)
		l := captureLog(f)
		org.Now = f.clk.Now
		f.h.SalesforceOwners = &crm.Salesforce{LoginURL: org.URL, ClientID: org.ClientID, ClientSecret: secret, LeadKey: "Baton_Person_Id__c", TaskKey: "Baton_MQL_Id__c", Now: f.clk.Now}
		f.clk.Advance(time.Minute)
		at := f.clk.Now()
		body := `{"version":"0","id":"cdc-1","detail-type":"LeadChangeEvent","source":"aws.partner/salesforce.com/00D/0YL","time":"` + at.Format(time.RFC3339) + `",
		  "detail":{"payload":{"ChangeEventHeader":{"entityName":"Lead","recordIds":["00Q000000000001AAA"],"changeType":"UPDATE","changedFields":["Status"],"commitTimestamp":` + fmt.Sprint(at.UnixMilli()) + `},"Status":"Working - Contacted","OwnerId":"` + owner + `"}}}`
		if code, body := f.post(t, "/feedback/salesforce", body, hdr); code != 200 || !strings.Contains(body, `"applied":true`) {
			t.Fatalf("cdc: %d %s", code, body)
		}
		return f, l
	}
	sql := func(t *testing.T, f *fx, owner string) {
		t.Helper()
		f.clk.Advance(time.Minute)
		flow := `{"eventId":"sf-flow-2","leadId":"00Q000000000001AAA","status":"Qualified","owner":"` + owner + `","changedAt":"` + f.clk.Now().Format(time.RFC3339) + `"}`
		if code, body := f.post(t, "/feedback/salesforce", flow, hdr); code != 200 || !strings.Contains(body, `"applied":true`) {
			t.Fatalf("flow: %d %s", code, body)
		}
	}

	t.Run("user, then remembered by its 15-character id", func(t *testing.T) {
		f, _ := accepted(t, "0055g00000AbCdEAAZ", org.ClientSecret)
		if got := lastOwner(t, f); got != "tanaka@acme.example" {
			t.Fatalf("owner %q, want the User's email", got)
		}
		queries := org.Calls["GET query"]
		sql(t, f, "0055g00000AbCdE")
		if got := lastOwner(t, f); got != "tanaka@acme.example" {
			t.Fatalf("owner by the 15-character id %q", got)
		}
		if n := org.Calls["GET query"] - queries; n != 0 {
			t.Errorf("%d queries for an owner read a minute ago", n)
		}
	})
	t.Run("queue", func(t *testing.T) {
		if got := lastOwner(t, must(accepted(t, "00G5g00000QueUeAAA", org.ClientSecret))); got != "インサイドセールス" {
			t.Fatalf("queue owner %q, want its name", got)
		}
	})
	t.Run("an id the org does not have", func(t *testing.T) {
		if got := lastOwner(t, must(accepted(t, "0055g00000ZzZzZAAA", org.ClientSecret))); got != "0055g00000ZzZzZAAA" {
			t.Fatalf("unknown owner %q, want the id", got)
		}
	})
	t.Run("the org refuses the read", func(t *testing.T) {
		f, l := accepted(t, "0055g00000AbCdEAAZ", "revoked")
		if got := lastOwner(t, f); got != "0055g00000AbCdEAAZ" {
			t.Fatalf("owner when the org refuses %q, want the id", got)
		}
		if l.count("Salesforce refused to read the owners' names") != 1 {
			t.Errorf("the refused read logged %d times, want a warning", l.count("Salesforce refused to read the owners' names"))
		}
	})
	t.Run("an Outbound Message's OwnerId", func(t *testing.T) {
		f := outboundSetup(t)
		org.Now = f.clk.Now
		org.Users["0055g00000AbCdEAAV"] = map[string]any{"Id": "0055g00000AbCdEAAV", "Name": "佐藤 花子", "Email": "sato@acme.example"}
		f.h.SalesforceOwners = &crm.Salesforce{LoginURL: org.URL, ClientID: org.ClientID, ClientSecret: org.ClientSecret, LeadKey: "Baton_Person_Id__c", TaskKey: "Baton_MQL_Id__c", Now: f.clk.Now}
		at := f.now.Add(time.Minute)
		msg := outboundMessage(org18, [2]string{"04l5g00000A1b2cAAA", leadObject("Working - Contacted", at.Format("2006-01-02T15:04:05.000Z"))})
		if code, a := f.postSOAP(t, omPath, msg); !acked(code, a) {
			t.Fatalf("%d %+v", code, a.Body)
		}
		if got := lastOwner(t, f); got != "sato@acme.example" {
			t.Fatalf("owner %q, want the User's email", got)
		}
	})
	t.Run("the org's API allocation is spent", func(t *testing.T) {
		org.Fail(1, crmfake.Fault{Status: 403, Body: crmfake.SFRequestLimit})
		f, l := accepted(t, "0055g00000AbCdEAAZ", org.ClientSecret)
		if got := lastOwner(t, f); got != "0055g00000AbCdEAAZ" {
			t.Fatalf("owner %q, want the id", got)
		}
		if l.count("API request limit") != 1 || l.count("needs to read User") != 0 {
			t.Errorf("the spent allocation is not what the log says:\n%s", l.b.String())
		}
		queries := org.Calls["GET query"]
		sql(t, f, "0055g00000AbCdEAAZ") // within 10 minutes: not asked
		if n := org.Calls["GET query"] - queries; n != 0 {
			t.Errorf("%d queries against a spent allocation", n)
		}
	})
	t.Run("a Flow's email", func(t *testing.T) {
		f, _ := accepted(t, "0055g00000AbCdEAAZ", org.ClientSecret)
		queries := org.Calls["GET query"]
		sql(t, f, "rep@acme.example")
		if got := lastOwner(t, f); got != "rep@acme.example" || org.Calls["GET query"] != queries {
			t.Fatalf("a named owner %q, %d queries", got, org.Calls["GET query"]-queries)
		}
	})
}

func must(f *fx, _ *logs) *fx { return f }

// TestOwnerNamesOfUsersKeptWhenGroupRefused: Salesforce's names are read
// in a query of User, then one of Group (queues). An integration user who
// may not read Group had that query refused, and the Users' names read
// before it were dropped: every outcome of the delivery went under its
// id. They are kept; the queue's outcome alone goes under its id.
func TestOwnerNamesOfUsersKeptWhenGroupRefused(t *testing.T) {
	f := outboundSetup(t)
	org := crmfake.NewSalesforce()
	t.Cleanup(org.Close)
	org.Now = f.clk.Now
	org.Users = map[string]map[string]any{"0055g00000AbCdEAAV": {"Id": "0055g00000AbCdEAAV", "Name": "佐藤 花子", "Email": "sato@acme.example"}}
	org.Groups = map[string]map[string]any{"00G5g00000QueUeAAA": {"Id": "00G5g00000QueUeAAA", "Name": "インサイドセールス", "Type": "Queue"}}
	org.Unreadable = map[string]bool{"Group": true}
	f.h.SalesforceOwners = &crm.Salesforce{LoginURL: org.URL, ClientID: org.ClientID, ClientSecret: org.ClientSecret, LeadKey: "Baton_Person_Id__c", TaskKey: "Baton_MQL_Id__c", Now: f.clk.Now}
	stamp := func(d time.Duration) string { return f.now.Add(d).Format("2006-01-02T15:04:05.000Z") }
	queued := strings.Replace(leadObject("Working - Contacted", stamp(time.Minute)), "0055g00000AbCdEAAV", "00G5g00000QueUeAAA", 1)
	msg := outboundMessage(org18, [2]string{"04l5g00000A1b2cAAA", queued}, [2]string{"04l5g00000A1b2dAAA", leadObject("Qualified", stamp(2*time.Minute))})
	if code, a := f.postSOAP(t, omPath, msg); !acked(code, a) {
		t.Fatalf("%d %+v", code, a.Body)
	}
	hist, err := f.q.History(context.Background(), f.p.ID)
	if err != nil {
		t.Fatal(err)
	}
	names, err := repnames.Load(context.Background(), f.tb)
	if err != nil {
		t.Fatal(err)
	}
	var owners []string
	for _, c := range hist {
		if c.Owner != "" {
			owners = append(owners, c.To+":"+names.Of(c.OwnerID, c.Owner))
		}
	}
	if got := strings.Join(owners, " "); got != "sal:00G5g00000QueUeAAA sql:sato@acme.example" {
		t.Errorf("owners %s, want the queue's id (Group unread) and the User's email", got)
	}
}
