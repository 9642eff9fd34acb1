package crm_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/crm/crmfake"
	"github.com/baton-hq/baton/internal/push"
)

// hide makes the fake org's integration user lose field-level access to
// field ("Lead.Baton_Person_Id__c"), or gives it back (hidden false).
func hide(f *crmfake.Salesforce, field string, hidden bool) {
	f.Lock()
	defer f.Unlock()
	if f.Hidden == nil {
		f.Hidden = map[string]bool{}
	}
	f.Hidden[field] = hidden
}

// keyHidden checks that err is the key field's failure, said so.
func keyHidden(t *testing.T, what string, err error, field string) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: no error while %s is hidden from the integration user", what, field)
	}
	pe := perr(t, err)
	if pe.Status != 404 || pe.Code != "NOT_FOUND" || !strings.Contains(pe.Message, "the external-id field "+field+" does not exist or is not visible to the integration user") {
		t.Fatalf("%s: %+v", what, pe)
	}
}

// TestSalesforceForgetKeyFieldHidden: Salesforce answers a lookup by an
// external id whose field the integration user cannot see (field-level
// security taken away, the field deleted) 404 NOT_FOUND, as a Lead that
// is not there: the erasure must fail, to be retried, not be recorded done
// while the Lead stays. Once the field is readable again the Lead goes; a
// person never pushed is done at once.
func TestSalesforceForgetKeyFieldHidden(t *testing.T) {
	ctx := context.Background()
	f := crmfake.NewSalesforce()
	defer f.Close()
	c := sf(f)
	if _, err := c.Push(ctx, lead); err != nil {
		t.Fatal(err)
	}
	hide(f, "Lead.Baton_Person_Id__c", true)
	keyHidden(t, "forget", c.Forget(ctx, lead.PersonID, lead.Email), "Lead.Baton_Person_Id__c")
	if f.Lead(lead.PersonID) == nil {
		t.Fatal("the Lead went while its key was hidden?")
	}
	// The push's own lookup of the Lead says the same (not a new Lead).
	_, err := c.Push(ctx, lead)
	keyHidden(t, "push", err, "Lead.Baton_Person_Id__c")

	hide(f, "Lead.Baton_Person_Id__c", false)
	if err := c.Forget(ctx, lead.PersonID, lead.Email); err != nil {
		t.Fatal(err)
	}
	if f.Lead(lead.PersonID) != nil || f.Calls["DELETE Lead"] != 1 {
		t.Fatalf("lead %v, %d deletes", f.Lead(lead.PersonID), f.Calls["DELETE Lead"])
	}
	// Never pushed: 404 "The requested resource does not exist".
	if err := c.Forget(ctx, "p_ffffffffffffffffffffffff", "other@example.com"); err != nil {
		t.Fatalf("a person never pushed: %v", err)
	}
	// A missing record in the words of an unreadable id (naming the value
	// looked up, not the field) is a missing record too.
	f.Fail(1, crmfake.Fault{Status: 404, Body: `[{"errorCode":"NOT_FOUND","message":"Provided external ID field does not exist or is not accessible: p_ffffffffffffffffffffffff"}]`})
	if err := c.Forget(ctx, "p_ffffffffffffffffffffffff", "other@example.com"); err != nil {
		t.Fatalf("a person never pushed, the value named: %v", err)
	}
	// Matched on errorCode and the message's start, whatever the case and
	// however the field is named after it.
	f.Fail(1, crmfake.Fault{Status: 404, Body: `[{"errorCode":"NOT_FOUND","message":"provided external ID field does not exist or is not accessible"}]`})
	keyHidden(t, "forget, the field not named", c.Forget(ctx, "p_ffffffffffffffffffffffff", "other@example.com"), "Lead.Baton_Person_Id__c")
}

// TestSalesforceTaskKeyFieldHidden: the other lookups by external id that
// read a 404 as "none" (a form's Task by the MQL's, the MQA's Task an
// erasure rewrites, the Account by Baton's id) fail, naming the field,
// when it is the field Salesforce cannot find.
func TestSalesforceTaskKeyFieldHidden(t *testing.T) {
	ctx := context.Background()
	f := crmfake.NewSalesforce()
	defer f.Close()
	c := sf(f)
	c.AccountKey = "Baton_Account_Id__c"
	if _, err := c.PushAccount(ctx, mqa); err != nil {
		t.Fatal(err)
	}
	cut := mqa
	cut.People = cut.People[1:] // bucho@ erased
	hide(f, "Task.Baton_MQL_Id__c", true)
	keyHidden(t, "rewrite", c.RewriteAccount(ctx, cut), "Task.Baton_MQL_Id__c")
	if !strings.Contains(f.Task(mqa.ID)["Description"].(string), "bucho@sample.co.jp") {
		t.Fatal("the Task was rewritten while its key was hidden?")
	}
	_, err := c.PushActivity(ctx, push.FormActivity{ID: lead.MQLID + "-f0123456789abcdef", MQLID: lead.MQLID, PersonID: lead.PersonID, Email: lead.Email,
		Type: "form_submit", MQLExternalID: "00Q000000000009AAA", At: time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)})
	keyHidden(t, "a form after the MQL", err, "Task.Baton_MQL_Id__c")
	hide(f, "Task.Baton_MQL_Id__c", false)
	if err := c.RewriteAccount(ctx, cut); err != nil || strings.Contains(f.Task(mqa.ID)["Description"].(string), "bucho@sample.co.jp") {
		t.Fatalf("rewrite once readable: %v", err)
	}

	hide(f, "Account.Baton_Account_Id__c", true)
	writes := f.Calls["PATCH Account"]
	other := mqa
	other.ID, other.Account = "a00000000000000ff-q1", "a00000000000000ff"
	_, err = c.PushAccount(ctx, other)
	keyHidden(t, "account", err, "Account.Baton_Account_Id__c")
	if f.Calls["PATCH Account"] != writes {
		t.Fatal("an Account created while its key was hidden")
	}
}

// TestSalesforceMultipleChoicesNamesTheObject: a 300 (the external id on
// several records) names the object the records are, not always Leads.
func TestSalesforceMultipleChoicesNamesTheObject(t *testing.T) {
	f := crmfake.NewSalesforce()
	defer f.Close()
	c := sf(f)
	// The Lead's upsert is the first write; the Task's the second.
	f.FailWrites(1, crmfake.Fault{Status: 300, Body: crmfake.SFMultipleChoices})
	_, err := c.Push(context.Background(), lead)
	if pe := perr(t, err); pe.Code != "MULTIPLE_CHOICES" || !strings.HasPrefix(pe.Message, "several Lead records share the external id: ") {
		t.Fatalf("lead: %+v", pe)
	}
	f.Heal()
	f.FailWrites(1, crmfake.Fault{Status: 300, Body: `["/services/data/v62.0/sobjects/Task/00T000000000001AAA","/services/data/v62.0/sobjects/Task/00T000000000002AAA"]`})
	_, err = c.PushActivity(context.Background(), push.FormActivity{ID: lead.MQLID + "-f0123456789abcdef", MQLID: lead.MQLID, PersonID: lead.PersonID, Email: lead.Email,
		Type: "form_submit", At: time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)})
	if pe := perr(t, err); pe.Code != "MULTIPLE_CHOICES" || !strings.HasPrefix(pe.Message, "several Task records share the external id: ") {
		t.Fatalf("task: %+v", pe)
	}
}
