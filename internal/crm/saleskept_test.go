package crm_test

import (
	"context"
	"maps"
	"testing"

	"github.com/baton-hq/baton/internal/crm/crmfake"
	"github.com/baton-hq/baton/internal/push"
)

// secondMQL is lead's next MQL: the person told a new title since; the
// rest is what the first MQL sent (push.Lead.Unchanged).
func secondMQL() push.Lead {
	l := requalified(2)
	l.Attributes = maps.Clone(lead.Attributes)
	l.Attributes["title"] = "取締役"
	l.Unchanged = map[string]bool{"last_name": true, "first_name": true, "company": true}
	l.Last = push.SentHashes(lead.Attributes)
	return l
}

// TestSalesEditsKept: on a person's next MQL each SFA's record keeps what
// sales corrected since the first (the company's name), while what the
// person changed (their title) is written; a record sales deleted is made
// again whole.
func TestSalesEditsKept(t *testing.T) {
	ctx := push.WithProgress(context.Background(), push.MemProgress{})
	const fixed = "サンプル株式会社（本社営業部）"
	t.Run("salesforce", func(t *testing.T) {
		f := crmfake.NewSalesforce()
		defer f.Close()
		c := sf(f)
		if _, err := c.Push(ctx, lead); err != nil {
			t.Fatal(err)
		}
		f.Lock()
		f.Leads[lead.PersonID]["Company"], f.Leads[lead.PersonID]["LastName"] = fixed, "山田（営業確認済）"
		f.Unlock()
		if _, err := c.Push(ctx, secondMQL()); err != nil {
			t.Fatal(err)
		}
		if l := f.Lead(lead.PersonID); l["Company"] != fixed || l["LastName"] != "山田（営業確認済）" || l["Title"] != "取締役" {
			t.Fatalf("Lead %v: want sales' Company and LastName, the new Title", l)
		}
		f.Lock()
		delete(f.Leads, lead.PersonID)
		f.Unlock()
		if _, err := c.Push(ctx, secondMQL()); err != nil {
			t.Fatal(err)
		}
		if l := f.Lead(lead.PersonID); l["Company"] != "サンプル株式会社" || l["LastName"] != "山田" {
			t.Fatalf("Lead made again %v: want it whole", l)
		}
	})
	t.Run("hubspot", func(t *testing.T) {
		f := crmfake.NewHubSpot()
		defer f.Close()
		c := hs(f)
		if _, err := c.Push(ctx, lead); err != nil {
			t.Fatal(err)
		}
		f.Lock()
		f.Contacts[lead.Email]["company"] = fixed
		f.Unlock()
		if _, err := c.Push(ctx, secondMQL()); err != nil {
			t.Fatal(err)
		}
		f.Lock()
		got := maps.Clone(f.Contacts[lead.Email])
		delete(f.Contacts, lead.Email)
		f.Unlock()
		if got["company"] != fixed || got["jobtitle"] != "取締役" {
			t.Fatalf("contact %v: want sales' company, the new jobtitle", got)
		}
		if _, err := c.Push(ctx, secondMQL()); err != nil {
			t.Fatal(err)
		}
		f.Lock()
		again := maps.Clone(f.Contacts[lead.Email])
		f.Unlock()
		if again["company"] != "サンプル株式会社" || again["lastname"] != "山田" {
			t.Fatalf("contact made again %v: want it whole", again)
		}
	})
	t.Run("kintone", func(t *testing.T) {
		f := crmfake.NewKintone()
		defer f.Close()
		c := kt(f)
		c.Fields["title"] = "title"
		if _, err := c.Push(ctx, lead); err != nil {
			t.Fatal(err)
		}
		f.Lock()
		f.Records[lead.Email]["company"] = fixed
		f.Unlock()
		if _, err := c.Push(ctx, secondMQL()); err != nil {
			t.Fatal(err)
		}
		f.Lock()
		got := maps.Clone(f.Records[lead.Email])
		f.Unlock()
		f.DeleteRecord(lead.Email)
		if got["company"] != fixed || got["title"] != "取締役" {
			t.Fatalf("record %v: want sales' company, the new title", got)
		}
		if _, err := c.Push(ctx, secondMQL()); err != nil {
			t.Fatal(err)
		}
		f.Lock()
		again := maps.Clone(f.Records[lead.Email])
		f.Unlock()
		if again["company"] != "サンプル株式会社" || again["name"] != "山田" {
			t.Fatalf("record made again %v: want it whole", again)
		}
	})
}
