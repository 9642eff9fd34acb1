package crm_test

import (
	"context"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/crm"
	"github.com/baton-hq/baton/internal/crm/crmfake"
	"github.com/baton-hq/baton/internal/push"
)

// requalified is lead's second MQL, after sales sent the first back.
func requalified(n int) push.Lead {
	l := lead
	l.MQLID = strings.TrimSuffix(lead.MQLID, "-c1") + "-c" + string(rune('0'+n))
	l.Cycle = n
	l.Recycled = &push.Recycled{Outcome: "rejected", At: lead.QualifiedAt.AddDate(0, -1, 0), Why: "no budget"}
	return l
}

// TestSalesforceRequalifiedStatus: a lead that qualifies again gets its
// Lead Status set back to the org's default (read once), or the one
// configured; a first MQL never writes it (a Lead sales work keeps
// theirs); KeepLeadStatus never does; a status the org does not have is
// a refusal naming it.
func TestSalesforceRequalifiedStatus(t *testing.T) {
	ctx := context.Background()
	f := crmfake.NewSalesforce()
	defer f.Close()
	f.LeadStatuses, f.DefaultLeadStatus = []string{"New", "Working", "Nurturing", "Qualified", "Unqualified"}, "New" // a newer org's values
	c := sf(f)
	if _, err := c.Push(ctx, lead); err != nil {
		t.Fatal(err)
	}
	set := func(st string) {
		f.Lock()
		f.Leads[lead.PersonID]["Status"] = st
		f.Unlock()
	}
	status := func() any { return f.Lead(lead.PersonID)["Status"] }
	set("Working")
	if _, err := c.Push(ctx, lead); err != nil || status() != "Working" {
		t.Fatalf("a first MQL pushed again: status %v, %v", status(), err)
	}
	set("Unqualified")
	if _, err := c.Push(ctx, requalified(2)); err != nil || status() != "New" {
		t.Fatalf("qualified again: status %v (want the org's default New), %v", status(), err)
	}
	set("Unqualified")
	if _, err := c.Push(ctx, requalified(3)); err != nil || status() != "New" {
		t.Fatalf("qualified a third time: status %v, %v", status(), err)
	}
	if n := f.Calls["GET query"]; n != 1 {
		t.Errorf("the default Lead Status read %d times, want once", n)
	}
	if d, _ := f.Task(requalified(3).MQLID)["Description"].(string); !strings.Contains(d, "Qualified again (MQL 3)") {
		t.Errorf("the Task does not say the lead is back:\n%s", d)
	}

	set("Unqualified")
	keep := sf(f)
	keep.KeepLeadStatus = true
	if _, err := keep.Push(ctx, requalified(4)); err != nil || status() != "Unqualified" {
		t.Fatalf("KeepLeadStatus: status %v, %v", status(), err)
	}
	conf := sf(f)
	conf.LeadStatus = "Nurturing"
	if _, err := conf.Push(ctx, requalified(5)); err != nil || status() != "Nurturing" {
		t.Fatalf("LeadStatus Nurturing: status %v, %v", status(), err)
	}
	conf.LeadStatus = "Open - Not Contacted" // not this org's
	_, err := conf.Push(ctx, requalified(6))
	if pe := perr(t, err); !pe.Permanent || pe.Code != "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST" || !strings.Contains(pe.Message, "Status") {
		t.Fatalf("a status the org does not have: %v", err)
	}

	// Converted since: the Task goes on the Contact, no Lead is written.
	f.Convert(lead.PersonID, false)
	if _, err := c.Push(ctx, requalified(7)); err != nil || status() != f.ConvertedLeadStatus {
		t.Fatalf("converted: status %v, %v", status(), err)
	}
}

// TestSalesforceRequalifiedAdopted: with match_by_email, a Lead sales
// created for the person (without Baton's id) is adopted; on a second MQL
// its status is set back too.
func TestSalesforceRequalifiedAdopted(t *testing.T) {
	f := crmfake.NewSalesforce()
	defer f.Close()
	id := f.AddLead(map[string]any{"LastName": "山田", "Company": "サンプル株式会社", "Email": lead.Email, "Status": "Closed - Not Converted", "LeadSource": "Phone"})
	c := sf(f)
	c.MatchByEmail = true
	if _, err := c.Push(context.Background(), requalified(2)); err != nil {
		t.Fatal(err)
	}
	if l := f.LeadByID(id); l["Status"] != f.DefaultLeadStatus || l["LeadSource"] != "Phone" {
		t.Fatalf("adopted Lead %v", l)
	}
}

// TestHubSpotRequalifiedStatus: a contact that qualifies again gets
// hs_lead_status NEW, or the one configured; a first MQL never writes it;
// KeepLeadStatus never does; a value not among the property's options is
// left off and said in the note, the MQL delivered.
func TestHubSpotRequalifiedStatus(t *testing.T) {
	ctx := context.Background()
	f := crmfake.NewHubSpot()
	defer f.Close()
	c := &crm.HubSpot{BaseURL: f.URL, Token: f.Token}
	push1 := func(c *crm.HubSpot, l push.Lead) {
		t.Helper()
		if _, err := c.Push(push.WithProgress(ctx, push.MemProgress{}), l); err != nil {
			t.Fatal(err)
		}
	}
	set := func(st string) {
		f.Lock()
		f.Contacts[lead.Email]["hs_lead_status"] = st
		f.Unlock()
	}
	status := func() string { return f.Contact(lead.Email)["hs_lead_status"] }
	push1(c, lead)
	set("IN_PROGRESS")
	if push1(c, lead); status() != "IN_PROGRESS" {
		t.Fatalf("a first MQL pushed again: %q", status())
	}
	set("UNQUALIFIED")
	if push1(c, requalified(2)); status() != "NEW" {
		t.Fatalf("qualified again: %q, want NEW", status())
	}
	set("UNQUALIFIED")
	keep := &crm.HubSpot{BaseURL: f.URL, Token: f.Token, KeepLeadStatus: true}
	if push1(keep, requalified(3)); status() != "UNQUALIFIED" {
		t.Fatalf("KeepLeadStatus: %q", status())
	}
	conf := &crm.HubSpot{BaseURL: f.URL, Token: f.Token, LeadStatus: "OPEN"}
	if push1(conf, requalified(4)); status() != "OPEN" {
		t.Fatalf("LeadStatus OPEN: %q", status())
	}
	set("UNQUALIFIED")
	conf.LeadStatus = "REOPENED" // not among the account's options
	push1(conf, requalified(5))
	f.Lock()
	note, _ := f.Notes[len(f.Notes)-1]["properties"].(map[string]any)["hs_note_body"].(string)
	f.Unlock()
	if status() != "UNQUALIFIED" || !strings.Contains(note, "hs_lead_status (INVALID_OPTION, left off the contact): REOPENED") || !strings.Contains(note, "Qualified again (MQL 5)") {
		t.Fatalf("a refused status: %q, note:\n%s", status(), note)
	}
}

// TestHubSpotRequalifiedSecondaryEmail: the email is another contact's
// secondary address (409 CONFLICT): that contact's status is set back.
func TestHubSpotRequalifiedSecondaryEmail(t *testing.T) {
	f := crmfake.NewHubSpot()
	defer f.Close()
	f.Contacts["primary@example.co.jp"] = map[string]string{"hs_object_id": "77", "email": "primary@example.co.jp", "hs_additional_emails": lead.Email, "hs_lead_status": "BAD_TIMING"}
	c := &crm.HubSpot{BaseURL: f.URL, Token: f.Token}
	if _, err := c.Push(push.WithProgress(context.Background(), push.MemProgress{}), requalified(2)); err != nil {
		t.Fatal(err)
	}
	if st := f.Contact("primary@example.co.jp")["hs_lead_status"]; st != "NEW" {
		t.Fatalf("the contact holding the address: %q, want NEW", st)
	}
}

// TestKintoneRequalifiedStatus: with a status field (the one feedback
// reads), a record that qualifies again gets the field's default value,
// or the one configured; a first MQL never writes it; without a status
// field (the process management's), or one that is not a field a record
// writes, nothing is.
func TestKintoneRequalifiedStatus(t *testing.T) {
	ctx := context.Background()
	f := crmfake.NewKintone()
	defer f.Close()
	f.Fields["対応状況"] = map[string]any{"type": "DROP_DOWN", "code": "対応状況", "label": "対応状況", "required": false, "defaultValue": "未対応",
		"options": map[string]any{"未対応": map[string]any{"label": "未対応", "index": "0"}, "対応中": map[string]any{"label": "対応中", "index": "1"}, "見送り": map[string]any{"label": "見送り", "index": "2"}, "再MQL": map[string]any{"label": "再MQL", "index": "3"}}}
	f.Fields["ステータス"] = map[string]any{"type": "STATUS", "code": "ステータス", "label": "ステータス", "enabled": true}
	set := func(st string) {
		f.Lock()
		f.Records[lead.Email]["対応状況"] = st
		f.Unlock()
	}
	status := func() string { return f.Record(lead.Email)["対応状況"] }
	c := kt(f)
	c.StatusField = "対応状況"
	for _, step := range []struct {
		name string
		c    func() *crm.Kintone
		l    push.Lead
		from string
		want string
	}{
		{"first MQL, new record", func() *crm.Kintone { return c }, lead, "", "未対応"},
		{"first MQL again", func() *crm.Kintone { return c }, lead, "対応中", "対応中"},
		{"qualified again", func() *crm.Kintone { return c }, requalified(2), "見送り", "未対応"},
		{"configured", func() *crm.Kintone { k := *c; k.LeadStatus = "再MQL"; return &k }, requalified(3), "見送り", "再MQL"},
		{"kept", func() *crm.Kintone { k := *c; k.KeepLeadStatus = true; return &k }, requalified(4), "見送り", "見送り"},
		{"no status field", func() *crm.Kintone { return kt(f) }, requalified(5), "見送り", "見送り"},
		{"process management", func() *crm.Kintone { k := kt(f); k.StatusField = "ステータス"; return k }, requalified(6), "見送り", "見送り"},
	} {
		if step.from != "" {
			set(step.from)
		}
		prog := &putsSeen{MemProgress: push.MemProgress{}, f: f, before: -1}
		conn := step.c()
		if _, err := conn.Push(push.WithProgress(ctx, prog), step.l); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		if got := status(); got != step.want {
			t.Errorf("%s: 対応状況 %q, want %q", step.name, got, step.want)
		}
		// What feedback compares kintone's webhooks with: the status the
		// write left, kept before the write (its webhook may come first).
		if conn.StatusField == "対応状況" {
			if got, puts := prog.Step(push.KintoneStatusStep), f.Calls["PUT /k/v1/records.json"]; got != step.want || prog.before != puts-1 {
				t.Errorf("%s: kept status %q after %d of %d writes, want %q kept before the write", step.name, got, prog.before, puts, step.want)
			}
		}
	}
}

// putsSeen is a Progress noting how many record writes the fake had taken
// when the kintone status step was saved.
type putsSeen struct {
	push.MemProgress
	f      *crmfake.Kintone
	before int
}

func (p *putsSeen) SaveStep(ctx context.Context, key, value string) error {
	if key == push.KintoneStatusStep {
		p.f.Lock()
		p.before = p.f.Calls["PUT /k/v1/records.json"]
		p.f.Unlock()
	}
	return p.MemProgress.SaveStep(ctx, key, value)
}

// TestRequalifiedStatusSetOnce: the status is set back once per MQL: a
// retry after the Lead or contact took it (its Task's or note's answer
// lost) leaves it as sales set it meanwhile.
func TestRequalifiedStatusSetOnce(t *testing.T) {
	t.Run("salesforce", func(t *testing.T) {
		f := crmfake.NewSalesforce()
		defer f.Close()
		c := sf(f)
		ctx := context.Background()
		if _, err := c.Push(ctx, lead); err != nil {
			t.Fatal(err)
		}
		l := requalified(2)
		pctx := push.WithProgress(ctx, push.MemProgress{})
		f.LoseAnswer("PATCH /services/data/v62.0/sobjects/Task/Baton_MQL_Id__c/"+l.MQLID, 1)
		if _, err := c.Push(pctx, l); err == nil {
			t.Fatal("the Task's answer lost, no error")
		}
		if st := f.Lead(lead.PersonID)["Status"]; st != f.DefaultLeadStatus {
			t.Fatalf("status %v after the first attempt", st)
		}
		f.Lock()
		f.Leads[lead.PersonID]["Status"] = "Working - Contacted" // sales take it up
		f.Unlock()
		if _, err := c.Push(pctx, l); err != nil {
			t.Fatal(err)
		}
		if st := f.Lead(lead.PersonID)["Status"]; st != "Working - Contacted" {
			t.Fatalf("the retry set the status again: %v", st)
		}
	})
	t.Run("hubspot", func(t *testing.T) {
		f := crmfake.NewHubSpot()
		defer f.Close()
		c := &crm.HubSpot{BaseURL: f.URL, Token: f.Token}
		ctx := context.Background()
		if _, err := c.Push(push.WithProgress(ctx, push.MemProgress{}), lead); err != nil {
			t.Fatal(err)
		}
		pctx := push.WithProgress(ctx, push.MemProgress{})
		f.LoseAnswer("POST /crm/v3/objects/notes", 1)
		if _, err := c.Push(pctx, requalified(2)); err == nil {
			t.Fatal("the note's answer lost, no error")
		}
		if st := f.Contact(lead.Email)["hs_lead_status"]; st != "NEW" {
			t.Fatalf("status %q after the first attempt", st)
		}
		f.Lock()
		f.Contacts[lead.Email]["hs_lead_status"] = "IN_PROGRESS"
		f.Unlock()
		c.Push(pctx, requalified(2)) // search does not see the note yet: retried later
		if st := f.Contact(lead.Email)["hs_lead_status"]; st != "IN_PROGRESS" {
			t.Fatalf("the retry set the status again: %q", st)
		}
	})
}

// TestKintoneKeptStatusWhenTheFormRefusesIt: lead_status names no option
// of the status drop-down (a typo, an option renamed since). kintone
// refuses it, and the record is written without it (the summary says so):
// the record keeps 見送り. The status kept for feedback was the refused
// value, so kintone's webhook of that very write, carrying 見送り, was read
// as sales rejecting the new MQL at once.
func TestKintoneKeptStatusWhenTheFormRefusesIt(t *testing.T) {
	f := crmfake.NewKintone()
	defer f.Close()
	f.Fields["対応状況"] = map[string]any{"type": "DROP_DOWN", "code": "対応状況", "label": "対応状況", "required": false, "defaultValue": "未対応",
		"options": map[string]any{"未対応": map[string]any{"label": "未対応", "index": "0"}, "見送り": map[string]any{"label": "見送り", "index": "1"}}}
	c := kt(f)
	c.StatusField, c.LeadStatus = "対応状況", "再MQL"
	prog := push.MemProgress{}
	if _, err := c.Push(push.WithProgress(context.Background(), prog), lead); err != nil {
		t.Fatal(err)
	}
	f.Lock()
	f.Records[lead.Email]["対応状況"] = "見送り"
	f.Unlock()
	if _, err := c.Push(push.WithProgress(context.Background(), prog), requalified(2)); err != nil {
		t.Fatal(err)
	}
	if st := f.Record(lead.Email)["対応状況"]; st != "見送り" {
		t.Fatalf("the record's 対応状況 %q: the fake took a value not among its options", st)
	}
	if got := prog.Step(push.KintoneStatusStep); got != "見送り" {
		t.Errorf("kept status %q, want 見送り, what the write left", got)
	}
}

// TestHubSpotNoteHeadingSaysItIsBack: the note of a lead that qualified
// again is headed as Salesforce's Task is (push.Lead.Subject), in the
// configured language: HubSpot's activity timeline shows a note's first
// line, and "MQL: <condition>" read as a first MQL there.
func TestHubSpotNoteHeadingSaysItIsBack(t *testing.T) {
	f := crmfake.NewHubSpot()
	defer f.Close()
	for _, l := range []push.Lead{lead, requalified(2)} {
		l.Lang = "ja"
		if _, err := hs(f).Push(push.WithProgress(context.Background(), push.MemProgress{}), l); err != nil {
			t.Fatal(err)
		}
	}
	for i, want := range []string{"<p><b>MQL：hot-and-fit</b></p>", "<p><b>再度の MQL（2 回目）：hot-and-fit</b></p>"} {
		if body := f.Notes[i]["properties"].(map[string]any)["hs_note_body"].(string); !strings.HasPrefix(body, want) {
			t.Errorf("note %d: %.80s, want it headed %s", i, body, want)
		}
	}
}
