package crm_test

import (
	"context"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/crm/crmfake"
	"github.com/baton-hq/baton/internal/push"
)

// TestSalesforceRatingOnNewLeadOnly: a Lead Baton creates gets Rating by
// the grade (C: Cold). A rep makes it Hot; the person's next grade-C MQL
// (and its retry) updates the Lead, matched by email or not, and leaves
// Hot as the rep set it, the grade being in the Task.
func TestSalesforceRatingOnNewLeadOnly(t *testing.T) {
	for _, byEmail := range []bool{false, true} {
		f := crmfake.NewSalesforce()
		c := sf(f)
		c.MatchByEmail = byEmail
		l := lead
		l.Grade = "C"
		if _, err := c.Push(context.Background(), l); err != nil {
			t.Fatal(err)
		}
		if got := f.Lead(l.PersonID)["Rating"]; got != "Cold" {
			t.Fatalf("match_by_email %v: a new grade-C Lead's Rating %v, want Cold", byEmail, got)
		}
		f.Lock()
		f.Leads[l.PersonID]["Rating"] = "Hot"
		f.Unlock()
		for i := range 2 { // the next MQL, then its retry
			l.MQLID, l.Cycle = l.PersonID+"-c2", 2
			if _, err := c.Push(context.Background(), l); err != nil {
				t.Fatal(err)
			}
			if got := f.Lead(l.PersonID)["Rating"]; got != "Hot" {
				t.Errorf("match_by_email %v, push %d: Rating %v, want the rep's Hot", byEmail, i+2, got)
			}
			if desc, _ := f.Task(l.MQLID)["Description"].(string); !strings.Contains(desc, "(grade C)") {
				t.Errorf("match_by_email %v: the Task does not give the grade:\n%s", byEmail, desc)
			}
		}
		f.Close()
	}
}

// TestSalesforceAdoptedLeadKeepsRating: a Lead sales made, rated Hot, is
// adopted by a grade-C MQL (match_by_email): Baton's id is set on it, its
// Rating and LeadSource stay as sales set them.
func TestSalesforceAdoptedLeadKeepsRating(t *testing.T) {
	f := crmfake.NewSalesforce()
	defer f.Close()
	theirs := f.AddLead(map[string]any{"Email": lead.Email, "LastName": "山田", "Company": "サンプル株式会社", "Rating": "Hot", "LeadSource": "Trade Show"})
	c := sf(f)
	c.MatchByEmail = true
	l := lead
	l.Grade = "C"
	id, err := c.Push(context.Background(), l)
	if err != nil || id != theirs {
		t.Fatalf("%s %v, want the Lead %s adopted", id, err, theirs)
	}
	got := f.LeadByID(theirs)
	if got["Baton_Person_Id__c"] != l.PersonID || got["Rating"] != "Hot" || got["LeadSource"] != "Trade Show" {
		t.Fatalf("adopted Lead %v: want Baton's id set, Rating Hot and LeadSource Trade Show kept", got)
	}
	if desc, _ := f.Task(l.MQLID)["Description"].(string); !strings.Contains(desc, "(grade C)") {
		t.Errorf("the Task does not give the grade:\n%s", desc)
	}
}

// TestSalesforceNoRating: with rating: false (NoRating) a new Lead gets no
// Rating; by default grade A is Hot, B Warm.
func TestSalesforceNoRating(t *testing.T) {
	f := crmfake.NewSalesforce()
	defer f.Close()
	for i, want := range map[string]string{"A": "Hot", "B": "Warm"} {
		l := lead
		l.Grade, l.PersonID = i, "p_rating"+i
		l.MQLID, l.Email = l.PersonID+"-c1", "rating"+strings.ToLower(i)+"@example.co.jp"
		if _, err := sf(f).Push(context.Background(), l); err != nil {
			t.Fatal(err)
		}
		if got := f.Lead(l.PersonID)["Rating"]; got != want {
			t.Errorf("grade %s: Rating %v, want %s", i, got, want)
		}
	}
	c := sf(f)
	c.NoRating = true
	l := lead
	if _, err := c.Push(context.Background(), l); err != nil {
		t.Fatal(err)
	}
	if got, ok := f.Lead(l.PersonID)["Rating"]; ok {
		t.Errorf("NoRating: the new Lead got Rating %v", got)
	}
}

// TestSalesforceAccountUpdateNotReassigned: the org's Account assignment
// (territory) rules run on every Account write without Sforce-Auto-Assign:
// FALSE. The MQA adopting the Account sales keep (the duplicate rule
// refused a new one) sets Baton's key on it and leaves its owner; an
// Account Baton creates is still assigned by the rules.
func TestSalesforceAccountUpdateNotReassigned(t *testing.T) {
	f := crmfake.NewSalesforce()
	defer f.Close()
	f.DuplicateRule = true
	f.AccountAssignTo = "005TERRITORY0001"
	theirs := f.AddAccount(map[string]any{"Name": "サンプル株式会社", "OwnerId": "005REP000000002", "CreatedDate": "2019-04-01T00:00:00.000+0000"})
	c := sf(f)
	c.AccountKey = "Baton_Account_Id__c"
	id, err := c.PushAccount(push.WithProgress(context.Background(), push.MemProgress{}), mqa)
	if err != nil || id != theirs {
		t.Fatalf("%s %v, want %s adopted", id, err, theirs)
	}
	if a := f.Account(mqa.Account); a["Id"] != theirs || a["OwnerId"] != "005REP000000002" {
		t.Fatalf("the Account sales keep, updated: %v; want Baton's key set and its owner kept", a)
	}
	n := mqa
	n.ID, n.Account, n.Name, n.Keys = "a00000000000000ff-q1", "a00000000000000ff", "別会社株式会社", []string{"d:other.co.jp"}
	if _, err := c.PushAccount(push.WithProgress(context.Background(), push.MemProgress{}), n); err != nil {
		t.Fatal(err)
	}
	if a := f.Account(n.Account); a["OwnerId"] != "005TERRITORY0001" {
		t.Errorf("a new Account was not assigned by the org's rules: %v", a)
	}
}
