package crm_test

import (
	"context"
	"maps"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/crm/crmfake"
	"github.com/baton-hq/baton/internal/push"
)

// delivery is the context of one MQL's delivery to one connector: its
// own progress (push.Progress).
func delivery() context.Context {
	return push.WithProgress(context.Background(), push.MemProgress{})
}

// withPhone is lead with a phone number, as its first MQL.
func withPhone() push.Lead {
	l := lead
	l.Attributes = maps.Clone(lead.Attributes)
	l.Attributes["phone"] = "03-1111-2222"
	return l
}

// nextMQL is prev's person's next MQL with attrs, as the push worker
// hands it to a connector that took prev: Last the hashes of prev's
// attributes, Unchanged those whose value is the same.
func nextMQL(prev push.Lead, attrs map[string]string) push.Lead {
	l := requalified(2)
	l.Recycled = nil
	l.Attributes = attrs
	l.Last = push.SentHashes(prev.Attributes)
	l.Unchanged = map[string]bool{}
	for k, h := range push.SentHashes(attrs) {
		if l.Last[k] == h {
			l.Unchanged[k] = true
		}
	}
	return l
}

// TestPersonsChangeKeepsSalesValue: sales corrected the phone number in
// their SFA after the first MQL, then the person gave another one (and a
// new title, and a new company, whose field sales had emptied) in a form.
// The next MQL leaves sales' phone number as it is and tells them the
// person's new one (Task, note, summary field); the title, still what
// Baton wrote, and the emptied company take the person's new values.
// Before, the person's new phone number was written over sales'.
func TestPersonsChangeKeepsSalesValue(t *testing.T) {
	const salesPhone, newPhone = "03-9999-0000（代表）", "090-1234-5678"
	second := func() push.Lead {
		attrs := maps.Clone(withPhone().Attributes)
		attrs["phone"], attrs["title"], attrs["company"] = newPhone, "取締役", "サンプル物産株式会社"
		return nextMQL(withPhone(), attrs)
	}
	t.Run("salesforce", func(t *testing.T) {
		f := crmfake.NewSalesforce()
		defer f.Close()
		c := sf(f)
		if _, err := c.Push(delivery(), withPhone()); err != nil {
			t.Fatal(err)
		}
		f.Lock()
		f.Leads[lead.PersonID]["Phone"], f.Leads[lead.PersonID]["Company"] = salesPhone, nil
		f.Unlock()
		l := second()
		if _, err := c.Push(delivery(), l); err != nil {
			t.Fatal(err)
		}
		got := f.Lead(lead.PersonID)
		if got["Phone"] != salesPhone || got["Title"] != "取締役" || got["Company"] != "サンプル物産株式会社" {
			t.Fatalf("Lead %v: want sales' Phone, the new Title and Company", got)
		}
		desc, _ := f.Task(l.MQLID)["Description"].(string)
		if !strings.Contains(desc, "Phone (kept as sales have it, "+salesPhone+"; the person now gives): "+newPhone) {
			t.Fatalf("Task %q does not give the person's new phone number", desc)
		}
	})
	t.Run("hubspot", func(t *testing.T) {
		f := crmfake.NewHubSpot()
		defer f.Close()
		c := hs(f)
		if _, err := c.Push(delivery(), withPhone()); err != nil {
			t.Fatal(err)
		}
		f.Lock()
		f.Contacts[lead.Email]["phone"], f.Contacts[lead.Email]["company"] = salesPhone, ""
		f.Unlock()
		if _, err := c.Push(delivery(), second()); err != nil {
			t.Fatal(err)
		}
		f.Lock()
		got := maps.Clone(f.Contacts[lead.Email])
		body, _ := f.Notes[len(f.Notes)-1]["properties"].(map[string]any)["hs_note_body"].(string)
		f.Unlock()
		if got["phone"] != salesPhone || got["jobtitle"] != "取締役" || got["company"] != "サンプル物産株式会社" {
			t.Fatalf("contact %v: want sales' phone, the new jobtitle and company", got)
		}
		if !strings.Contains(body, "phone (kept as sales have it, "+salesPhone+"; the person now gives): "+newPhone) {
			t.Fatalf("note %q does not give the person's new phone number", body)
		}
	})
	t.Run("kintone", func(t *testing.T) {
		f := crmfake.NewKintone()
		defer f.Close()
		f.Lock()
		f.Fields["phone"] = map[string]any{"type": "SINGLE_LINE_TEXT", "code": "phone", "label": "電話番号", "required": false, "unique": false}
		f.Fields["title"] = map[string]any{"type": "SINGLE_LINE_TEXT", "code": "title", "label": "役職", "required": false, "unique": false}
		f.Fields["summary"] = map[string]any{"type": "MULTI_LINE_TEXT", "code": "summary", "label": "MQL概要", "required": false}
		f.Unlock()
		c := kt(f)
		c.Fields["phone"], c.Fields["title"], c.Fields["mql_summary"] = "phone", "title", "summary"
		if _, err := c.Push(delivery(), withPhone()); err != nil {
			t.Fatal(err)
		}
		f.Lock()
		f.Records[lead.Email]["phone"], f.Records[lead.Email]["company"] = salesPhone, ""
		f.Unlock()
		if _, err := c.Push(delivery(), second()); err != nil {
			t.Fatal(err)
		}
		got := f.Record(lead.Email)
		if got["phone"] != salesPhone || got["title"] != "取締役" || got["company"] != "サンプル物産株式会社" {
			t.Fatalf("record %v: want sales' phone, the new title and company", got)
		}
		if !strings.Contains(got["summary"], "電話番号 (kept as sales have it, "+salesPhone+"; the person now gives): "+newPhone) {
			t.Fatalf("summary %q does not give the person's new phone number", got["summary"])
		}
	})
}

// TestSalesRecordNotOverwrittenByFirstMQL: a record sales made before
// Baton wrote to it (a Lead Baton adopts, a HubSpot contact, a kintone
// record with the email) keeps the values sales typed when the person's
// first MQL gives others, sales told the person's; an empty field is
// filled. Before, the form's values were written over sales'.
func TestSalesRecordNotOverwrittenByFirstMQL(t *testing.T) {
	const salesCompany = "サンプル（株）東京支店"
	t.Run("salesforce", func(t *testing.T) {
		f := crmfake.NewSalesforce()
		defer f.Close()
		id := f.AddLead(map[string]any{"Email": lead.Email, "LastName": "山田", "Company": salesCompany, "LeadSource": "Trade Show"})
		c := sf(f)
		c.MatchByEmail = true
		if _, err := c.Push(delivery(), withPhone()); err != nil {
			t.Fatal(err)
		}
		got := f.LeadByID(id)
		if got["Company"] != salesCompany || got["Phone"] != "03-1111-2222" || got["Baton_Person_Id__c"] != lead.PersonID {
			t.Fatalf("Lead %v: want sales' Company, the phone, Baton's id", got)
		}
		desc, _ := f.Task(lead.MQLID)["Description"].(string)
		if !strings.Contains(desc, "Company (kept as sales have it, "+salesCompany+"; the person now gives): サンプル株式会社") {
			t.Fatalf("Task %q does not give the person's company", desc)
		}
	})
	t.Run("hubspot", func(t *testing.T) {
		f := crmfake.NewHubSpot()
		defer f.Close()
		f.Lock()
		f.Contacts[lead.Email] = map[string]string{"hs_object_id": "555", "email": lead.Email, "company": salesCompany}
		f.Unlock()
		if _, err := hs(f).Push(delivery(), withPhone()); err != nil {
			t.Fatal(err)
		}
		f.Lock()
		got := maps.Clone(f.Contacts[lead.Email])
		f.Unlock()
		if got["company"] != salesCompany || got["phone"] != "03-1111-2222" {
			t.Fatalf("contact %v: want sales' company, the phone", got)
		}
	})
	t.Run("hubspot secondary address", func(t *testing.T) {
		// The email is another contact's secondary address: HubSpot
		// refuses it a contact of its own, and that contact gets the lead.
		f := crmfake.NewHubSpot()
		defer f.Close()
		f.Lock()
		f.Contacts["hanako@old.example"] = map[string]string{"hs_object_id": "777", "email": "hanako@old.example", "hs_additional_emails": lead.Email, "company": salesCompany}
		f.Unlock()
		if id, err := hs(f).Push(delivery(), withPhone()); err != nil || id != "777" {
			t.Fatal(id, err)
		}
		f.Lock()
		got := maps.Clone(f.Contacts["hanako@old.example"])
		body, _ := f.Notes[0]["properties"].(map[string]any)["hs_note_body"].(string)
		f.Unlock()
		if got["company"] != salesCompany || got["phone"] != "03-1111-2222" {
			t.Fatalf("contact %v: want sales' company, the phone", got)
		}
		if !strings.Contains(body, "company (kept as sales have it, "+salesCompany+"; the person now gives): サンプル株式会社") {
			t.Fatalf("note %q does not give the person's company", body)
		}
	})
	t.Run("kintone", func(t *testing.T) {
		f := crmfake.NewKintone()
		defer f.Close()
		f.AddRecord(lead.Email, map[string]string{"company": salesCompany})
		if _, err := kt(f).Push(delivery(), withPhone()); err != nil {
			t.Fatal(err)
		}
		if got := f.Record(lead.Email); got["company"] != salesCompany || got["name"] != "山田" {
			t.Fatalf("record %v: want sales' company, the name", got)
		}
	})
}

// TestSalesforceSelectsAFieldOnce: Baton reads the Lead's fields the
// attributes go to, to know sales' own; with two attributes mapped to one
// field (a mobile number to Phone, beside the phone) it selects that field
// once, as Salesforce refuses a query selecting a field twice.
func TestSalesforceSelectsAFieldOnce(t *testing.T) {
	f := crmfake.NewSalesforce()
	defer f.Close()
	c := sf(f)
	c.MatchByEmail = true
	c.Fields["mobile"] = "Phone"
	if _, err := c.Push(context.Background(), withPhone()); err != nil {
		t.Fatal(err)
	}
	if got := f.Lead(lead.PersonID); got["Phone"] != "03-1111-2222" {
		t.Fatalf("Lead %v", got)
	}
	// Salesforce's field names are case-insensitive: "phone" is Phone,
	// selected once too.
	c.Fields["mobile"] = "phone"
	if _, err := c.Push(context.Background(), withPhone()); err != nil {
		t.Fatalf("a field mapped as phone beside Phone: %v", err)
	}
}

// TestKintoneKeptOnlyWhatThePersonGives: a kintone record sales made holds
// a phone number; the person's first MQL gives none (their form asked for
// no phone). Sales' number stays and the summary says nothing of it: the
// person gives no new value to weigh. Before, every field sales had filled
// that the lead had no value for was listed as kept, "the person now
// gives" an empty value, in the summary and the comment.
func TestKintoneKeptOnlyWhatThePersonGives(t *testing.T) {
	const salesPhone = "03-9999-0000"
	f := crmfake.NewKintone()
	defer f.Close()
	f.Lock()
	f.Fields["phone"] = map[string]any{"type": "SINGLE_LINE_TEXT", "code": "phone", "label": "電話番号", "required": false, "unique": false}
	f.Fields["summary"] = map[string]any{"type": "MULTI_LINE_TEXT", "code": "summary", "label": "MQL概要", "required": false}
	f.Unlock()
	f.AddRecord(lead.Email, map[string]string{"phone": salesPhone})
	c := kt(f)
	c.Fields["phone"], c.Fields["mql_summary"] = "phone", "summary"
	if _, err := c.Push(delivery(), lead); err != nil { // lead: no phone
		t.Fatal(err)
	}
	got := f.Record(lead.Email)
	if got["phone"] != salesPhone {
		t.Fatalf("record %v: want sales' phone", got)
	}
	if strings.Contains(got["summary"], "電話番号") {
		t.Fatalf("summary lists the phone the person did not give:\n%s", got["summary"])
	}
}

// TestSalesforceNumberSalesTyped: a Lead sales made has a number field
// (NumberOfEmployees, mapped from employees) with sales' number in it;
// Salesforce gives it back as a JSON number. The person's first MQL gives
// another: sales' stays, and the Task gives the person's. Before, a value
// that is not a JSON string read as an empty field, and the person's was
// written over sales'.
func TestSalesforceNumberSalesTyped(t *testing.T) {
	f := crmfake.NewSalesforce()
	defer f.Close()
	id := f.AddLead(map[string]any{"Email": lead.Email, "LastName": "山田", "Company": "サンプル株式会社", "NumberOfEmployees": 1200.0})
	c := sf(f)
	c.MatchByEmail = true
	c.Fields["employees"] = "NumberOfEmployees"
	l := withPhone()
	l.Attributes["employees"] = "300"
	if _, err := c.Push(delivery(), l); err != nil {
		t.Fatal(err)
	}
	if got := f.LeadByID(id); got["NumberOfEmployees"] != 1200.0 {
		t.Fatalf("Lead %v: want sales' NumberOfEmployees 1200", got)
	}
	desc, _ := f.Task(lead.MQLID)["Description"].(string)
	if !strings.Contains(desc, "NumberOfEmployees (kept as sales have it, 1200; the person now gives): 300") {
		t.Fatalf("Task %q does not give the person's number", desc)
	}
	// Once the field has the person's number (Salesforce gives it back a
	// JSON number), a retry finds it the new value: no line on it.
	f.Lock()
	for _, rec := range f.Leads {
		if rec["Id"] == id {
			rec["NumberOfEmployees"] = 300.0
		}
	}
	f.Unlock()
	if _, err := c.Push(delivery(), l); err != nil {
		t.Fatal(err)
	}
	if desc, _ := f.Task(lead.MQLID)["Description"].(string); strings.Contains(desc, "NumberOfEmployees (kept") {
		t.Fatalf("Task %q: the field holds the person's number already", desc)
	}
}
