package crm_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/baton-hq/baton/internal/account"
	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/crm/crmfake"
	"github.com/baton-hq/baton/internal/push"
)

// mqa is an account qualification as internal/account raises it.
var mqa = account.MQA{
	ID: "a0123456789abcdef-q1", Account: "a0123456789abcdef", Name: "サンプル株式会社", N: 1,
	At: time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC), Condition: "buying-group-active",
	Reasons: []string{"2 people active within 14 days (at least 2)", "roles present: decision_maker"},
	Keys:    []string{"d:sample.co.jp", "n:サンプル"}, Attributes: map[string]string{"company": "サンプル株式会社", "industry": "製造業"},
	Score: 120, Behaviour: 100, Fit: 20, Roles: map[string]int{account.DecisionMaker: 1, account.Practitioner: 1},
	People: []account.Member{
		{Person: "p_1", Email: "bucho@sample.co.jp", Name: "山田 太郎", Title: "情報システム部長", Role: account.DecisionMaker, Behaviour: 60},
		{Person: "p_2", Email: "tanto@sample.co.jp", Name: "佐藤 花子", Title: "担当", Role: account.Practitioner, Behaviour: 40},
	},
}

// TestHubSpotCompanyOnce: the MQA finds no company by domain, creates it
// and notes the people on it; a retry after a lost answer (search lags)
// creates neither a second company nor a second note; a later MQA of the
// same account finds the company by its domain.
func TestHubSpotCompanyOnce(t *testing.T) {
	f := crmfake.NewHubSpot()
	defer f.Close()
	clk := clock.NewManual(mqa.At)
	f.Now = clk.Now
	c := hs(f)
	prog := push.MemProgress{}
	ctx := push.WithProgress(context.Background(), prog)
	f.Fail(1, crmfake.Fault{Status: 502, Body: `{"status":"error","message":"bad gateway"}`})
	if _, err := c.PushAccount(ctx, mqa); err == nil {
		t.Fatal("a 502 is no delivery")
	}
	id, err := c.PushAccount(ctx, mqa)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.PushAccount(ctx, mqa); err != nil { // the answer was lost: the worker tries again
		t.Fatal(err)
	}
	if len(f.Companies) != 1 || f.Companies[id]["domain"] != "sample.co.jp" || f.Companies[id]["name"] != "サンプル株式会社" || len(f.Notes) != 1 {
		t.Fatalf("companies %v, notes %d", f.Companies, len(f.Notes))
	}
	body := f.Notes[0]["properties"].(map[string]any)["hs_note_body"].(string)
	assoc := f.Notes[0]["associations"].([]any)[0].(map[string]any)
	if !strings.Contains(body, "bucho@sample.co.jp") || !strings.Contains(body, "MQA: buying-group-active") || assoc["to"].(map[string]any)["id"] != id {
		t.Fatalf("note %v", f.Notes[0])
	}
	// The next window's MQA, once search has indexed the company.
	clk.Advance(time.Hour)
	next := mqa
	next.ID, next.N = "a0123456789abcdef-q2", 2
	id2, err := c.PushAccount(push.WithProgress(context.Background(), push.MemProgress{}), next)
	if err != nil || id2 != id || len(f.Companies) != 1 || len(f.Notes) != 2 {
		t.Fatalf("second MQA: %v %s, %d companies, %d notes", err, id2, len(f.Companies), len(f.Notes))
	}
}

// TestSalesforceAccountAndTask: an Account sales keep already (found by
// Baton's account id) is left as they keep it and gets the Task, its values
// reported back; a new one is created with the company's name and domain;
// a repeat adds nothing. Without an account key the connector takes no
// MQAs.
func TestSalesforceAccountAndTask(t *testing.T) {
	f := crmfake.NewSalesforce()
	defer f.Close()
	c := sf(f)
	if _, err := c.PushAccount(context.Background(), mqa); !errors.Is(err, push.ErrNotTaken) {
		t.Fatalf("without account_key: %v", err)
	}
	c.AccountKey = "Baton_Account_Id__c"
	f.Accounts[mqa.Account] = map[string]any{"Id": "001000000000099AAA", "Baton_Account_Id__c": mqa.Account, "Name": "サンプル株式会社（本社）", "Industry": "Manufacturing", "NumberOfEmployees": 1200.0}
	var facts map[string]string
	ctx := push.WithFacts(context.Background(), func(_ context.Context, attrs map[string]string) error {
		facts = attrs
		return nil
	})
	for range 2 {
		id, err := c.PushAccount(ctx, mqa)
		if err != nil {
			t.Fatal(err)
		}
		a, task := f.Account(mqa.Account), f.Task(mqa.ID)
		if id != "001000000000099AAA" || a["Name"] != "サンプル株式会社（本社）" || a["Website"] != nil || task["WhatId"] != id || !strings.Contains(task["Description"].(string), "tanto@sample.co.jp") {
			t.Fatalf("account %v task %v", a, task)
		}
	}
	if len(f.Accounts) != 1 || len(f.Tasks) != 1 || f.Calls["PATCH Account"] != 0 {
		t.Fatalf("%d accounts, %d tasks, %d Account writes", len(f.Accounts), len(f.Tasks), f.Calls["PATCH Account"])
	}
	if facts["industry"] != "Manufacturing" || facts["employees"] != "1200" || facts["company"] != "サンプル株式会社（本社）" {
		t.Fatalf("facts reported %v", facts)
	}
	// A company the org does not know yet.
	other := mqa
	other.ID, other.Account = "a00000000000000ff-q1", "a00000000000000ff"
	id, err := c.PushAccount(ctx, other)
	if a := f.Account(other.Account); err != nil || a["Id"] != id || a["Name"] != "サンプル株式会社" || a["Website"] != "sample.co.jp" || f.Task(other.ID)["WhatId"] != id {
		t.Fatalf("new account %v: %v", a, err)
	}
	if facts["website"] != "sample.co.jp" {
		t.Fatalf("facts reported %v", facts)
	}
}

// TestRewriteAccount: after an erasure cut a person from an MQA, each SFA's
// copy is rewritten in place (no second Task, note or record), a value now
// empty is emptied (kintone), and a copy sales deleted stays deleted.
func TestRewriteAccount(t *testing.T) {
	cut := mqa
	cut.People = cut.People[1:] // bucho@ erased
	gone := func(t *testing.T, where, text string) {
		t.Helper()
		if strings.Contains(text, "bucho@sample.co.jp") || !strings.Contains(text, "tanto@sample.co.jp") {
			t.Fatalf("%s after the rewrite: %s", where, text)
		}
	}
	t.Run("salesforce", func(t *testing.T) {
		f := crmfake.NewSalesforce()
		defer f.Close()
		c := sf(f)
		c.AccountKey = "Baton_Account_Id__c"
		if _, err := c.PushAccount(context.Background(), mqa); err != nil {
			t.Fatal(err)
		}
		if err := c.RewriteAccount(context.Background(), cut); err != nil {
			t.Fatal(err)
		}
		gone(t, "Task", f.Task(mqa.ID)["Description"].(string))
		if len(f.Tasks) != 1 || f.Task(mqa.ID)["WhatId"] == nil {
			t.Fatalf("tasks %v", f.Tasks)
		}
		delete(f.Tasks, mqa.ID) // sales deleted it
		if err := c.RewriteAccount(context.Background(), cut); err != nil || len(f.Tasks) != 0 {
			t.Fatalf("a deleted Task: %v, tasks %v", err, f.Tasks)
		}
	})
	t.Run("hubspot", func(t *testing.T) {
		f := crmfake.NewHubSpot()
		defer f.Close()
		c := hs(f)
		ctx := push.WithProgress(context.Background(), push.MemProgress{})
		if _, err := c.PushAccount(ctx, mqa); err != nil {
			t.Fatal(err)
		}
		if err := c.RewriteAccount(ctx, cut); err != nil {
			t.Fatal(err)
		}
		if len(f.Notes) != 1 {
			t.Fatalf("%d notes", len(f.Notes))
		}
		gone(t, "note", f.Notes[0]["properties"].(map[string]any)["hs_note_body"].(string))
		f.Notes = nil // deleted at HubSpot
		if err := c.RewriteAccount(ctx, cut); err != nil || len(f.Notes) != 0 {
			t.Fatalf("a deleted note: %v, notes %v", err, f.Notes)
		}
		// No note recorded: nothing to rewrite, nothing asked.
		calls := f.Calls["PATCH /crm/v3/objects/notes/9001"]
		if err := c.RewriteAccount(push.WithProgress(context.Background(), push.MemProgress{}), cut); err != nil || f.Calls["PATCH /crm/v3/objects/notes/9001"] != calls {
			t.Fatalf("without a note: %v", err)
		}
	})
	t.Run("kintone", func(t *testing.T) {
		f := crmfake.NewKintone()
		defer f.Close()
		c := kt(f)
		c.AccountApp, c.AccountKeyField = f.AccountApp, f.AccountKeyField
		c.AccountFields = map[string]string{"mqa_summary": "reason", "people": "company", "industry": "domain"}
		if _, err := c.PushAccount(context.Background(), mqa); err != nil {
			t.Fatal(err)
		}
		nobody := cut
		nobody.People, nobody.Attributes = nil, map[string]string{} // the last person erased too
		if err := c.RewriteAccount(context.Background(), cut); err != nil {
			t.Fatal(err)
		}
		gone(t, "record", f.AccountRecord(mqa.ID)["reason"])
		if err := c.RewriteAccount(context.Background(), nobody); err != nil {
			t.Fatal(err)
		}
		if r := f.AccountRecord(mqa.ID); strings.Contains(r["reason"], "@") || r["company"] != "" || r["domain"] != "" || len(f.AccountRecords) != 1 {
			t.Fatalf("record after the last erasure %v (%d records)", r, len(f.AccountRecords))
		}
		delete(f.AccountRecords, mqa.ID) // deleted at kintone
		if err := c.RewriteAccount(context.Background(), cut); err != nil || len(f.AccountRecords) != 0 {
			t.Fatalf("a deleted record: %v, records %v", err, f.AccountRecords)
		}
	})
}

// TestSalesforceAccountFitsItsFields: an MQA of a company whose name is
// longer than the Account's Name (255) creates the Account with the name
// cut on a character, and the Task (Subject 255) says the full name.
func TestSalesforceAccountFitsItsFields(t *testing.T) {
	f := crmfake.NewSalesforce()
	defer f.Close()
	c := sf(f)
	c.AccountKey = "Baton_Account_Id__c"
	m := mqa
	m.Name = strings.Repeat("長い名前の株式会社", 30)
	m.Condition = strings.Repeat("条件", 200)
	id, err := c.PushAccount(context.Background(), m)
	if err != nil {
		t.Fatal(err)
	}
	a, task := f.Account(m.Account), f.Task(m.ID)
	if a["Id"] != id || a["Name"] != string([]rune(m.Name)[:255]) {
		t.Fatalf("account %v", a)
	}
	if s, _ := task["Subject"].(string); utf8.RuneCountInString(s) > 255 || !strings.Contains(task["Description"].(string), m.Name) {
		t.Fatalf("task %v", task)
	}
	if d := task["Description"].(string); !strings.Contains(d, "\nNot on the Account as Baton has it:\nCompany name (longer than the Account's Name, 255 characters): "+m.Name) {
		t.Errorf("task lacks the cut name:\n%s", d)
	}
	// In Japanese (sfa.language: ja) the Task says so in Japanese.
	m.ID, m.Lang = m.ID+"-ja", "ja"
	if _, err := c.PushAccount(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	if d, want := f.Task(m.ID)["Description"].(string), "取引先に入りきらなかった値（Baton が受け取ったまま）：\n会社名（取引先名の 255 文字より長いため、切り詰めて登録）："+m.Name; !strings.Contains(d, want) {
		t.Errorf("Japanese task lacks %q:\n%s", want, d)
	}
}

// TestSalesforceAccountDuplicateRule: sales keep サンプル株式会社
// (sample.co.jp) as an Account without Baton's key, and the org's
// Standard Account Duplicate Rule (active by default) refuses a second
// Account for the company (400 DUPLICATES_DETECTED). The MQA goes on
// theirs, left as they keep it but for Baton's key, its Task saying so
// (in Japanese with sfa.language: ja); the next MQA finds it by that key.
// No second Account, no dead letter, even with duplicate_rule_header
// allowSave=true (set for Leads).
func TestSalesforceAccountDuplicateRule(t *testing.T) {
	f := crmfake.NewSalesforce()
	defer f.Close()
	clk := clock.NewManual(mqa.At)
	f.Now = clk.Now
	f.DuplicateRule = true
	theirs := f.AddAccount(map[string]any{"Name": "サンプル株式会社", "Website": "https://www.sample.co.jp/", "Industry": "Manufacturing", "CreatedDate": "2019-04-01T00:00:00.000+0000"})
	c := sf(f)
	c.AccountKey = "Baton_Account_Id__c"
	c.DuplicateRuleHeader = "allowSave=true" // for Leads: an Account is judged all the same
	var facts map[string]string
	ctx := push.WithFacts(push.WithProgress(context.Background(), push.MemProgress{}), func(_ context.Context, attrs map[string]string) error {
		facts = attrs
		return nil
	})
	m := mqa
	m.Lang = "ja"
	id, err := c.PushAccount(ctx, m)
	if err != nil {
		t.Fatalf("an MQA for a company sales keep: %v", err)
	}
	a := f.Account(m.Account) // by Baton's key now
	if id != theirs || len(f.Accounts) != 1 || a["Id"] != theirs || a["Name"] != "サンプル株式会社" || a["Website"] != "https://www.sample.co.jp/" || a["Industry"] != "Manufacturing" {
		t.Fatalf("MQA on %s, accounts %v", id, f.Accounts)
	}
	task := f.Task(m.ID)
	desc, _ := task["Description"].(string)
	if task["WhatId"] != theirs || !strings.Contains(desc, "tanto@sample.co.jp") {
		t.Fatalf("task %v", task)
	}
	if want := "重複ルール Standard_Account_Duplicate_Rule：Salesforce がこの会社を営業が管理しているこの取引先と判定し、取引先の新規作成を拒否しました。MQA はこの取引先に登録し、Baton の取引先 ID（" + m.Account + "）だけを書き込みました"; !strings.Contains(desc, want) {
		t.Errorf("task lacks %q:\n%s", want, desc)
	}
	if facts["industry"] != "Manufacturing" || facts["website"] != "https://www.sample.co.jp/" {
		t.Fatalf("facts reported %v", facts)
	}
	// The next window's MQA: found by Baton's key, nothing tried again.
	clk.Advance(24 * time.Hour)
	writes := f.Calls["PATCH Account"] + f.Calls["PATCH Account by id"]
	next := mqa
	next.ID, next.N = "a0123456789abcdef-q2", 2
	id2, err := c.PushAccount(push.WithProgress(context.Background(), push.MemProgress{}), next)
	if err != nil || id2 != theirs || len(f.Accounts) != 1 || len(f.Tasks) != 2 || f.Task(next.ID)["WhatId"] != theirs {
		t.Fatalf("second MQA: %v %s, accounts %v, %d tasks", err, id2, f.Accounts, len(f.Tasks))
	}
	if w := f.Calls["PATCH Account"] + f.Calls["PATCH Account by id"]; w != writes || strings.Contains(f.Task(next.ID)["Description"].(string), "Duplicate rule") {
		t.Fatalf("the second MQA wrote the Account again (%d writes, %d before) or says the rule matched:\n%s", w, writes, f.Task(next.ID)["Description"])
	}
}

// TestSalesforceAccountDuplicateRuleSeveral: the rule matches several
// Accounts sales keep. The oldest is taken, whatever order the rule names
// them in, and the Task names the others; a retry and a rewrite keep
// saying so. Baton's key goes on it through an alerting rule (the edit
// matches the others: allowSave), not through a blocking one, and not over
// another Baton account's key: the MQA goes on it all the same.
func TestSalesforceAccountDuplicateRuleSeveral(t *testing.T) {
	setup := func(t *testing.T, oldest map[string]any) (*crmfake.Salesforce, string, string) {
		f := crmfake.NewSalesforce()
		t.Cleanup(f.Close)
		f.Now = clock.NewManual(mqa.At).Now
		f.DuplicateRule = true
		newer := f.AddAccount(map[string]any{"Name": "サンプル株式会社", "CreatedDate": "2024-06-01T09:00:00.000+0000"}) // the lower Id
		old := f.AddAccount(oldest)
		return f, old, newer
	}
	push1 := func(t *testing.T, f *crmfake.Salesforce, ctx context.Context) string {
		t.Helper()
		c := sf(f)
		c.AccountKey = "Baton_Account_Id__c"
		id, err := c.PushAccount(ctx, mqa)
		if err != nil {
			t.Fatalf("several matched: %v", err)
		}
		if len(f.Accounts) != 2 || f.Task(mqa.ID)["WhatId"] != id {
			t.Fatalf("accounts %v, task %v", f.Accounts, f.Task(mqa.ID))
		}
		return id
	}
	has := func(t *testing.T, f *crmfake.Salesforce, wants ...string) {
		t.Helper()
		desc, _ := f.Task(mqa.ID)["Description"].(string)
		for _, want := range wants {
			if !strings.Contains(desc, want) {
				t.Errorf("task lacks %q:\n%s", want, desc)
			}
		}
	}
	t.Run("alerting", func(t *testing.T) {
		f, old, newer := setup(t, map[string]any{"Name": "(株)サンプル", "CreatedDate": "2018-01-15T00:00:00.000+0000"})
		prog := push.MemProgress{}
		ctx := push.WithProgress(context.Background(), prog)
		// The Task's answer is lost: the worker tries again, and finds
		// the Account by Baton's key now.
		f.LoseAnswer("PATCH /services/data/v62.0/sobjects/Task/Baton_MQL_Id__c/"+mqa.ID, 1)
		c := sf(f)
		c.AccountKey = "Baton_Account_Id__c"
		if _, err := c.PushAccount(ctx, mqa); err == nil {
			t.Fatal("an answer lost is no delivery")
		}
		if id := push1(t, f, ctx); id != old || f.Account(mqa.Account)["Id"] != old || f.AccountByID(newer)["Baton_Account_Id__c"] != nil {
			t.Fatalf("took %s (oldest %s, newer %s), accounts %v", id, old, newer, f.Accounts)
		}
		note := "Duplicate rule Standard_Account_Duplicate_Rule: Salesforce matched the company to this Account, which sales keep, and refused a new Account; the MQA is on this one as it is, with only Baton's account id (" + mqa.Account + ") set on it"
		more := "The rule matched these Accounts too, left as they are (this one is the oldest; merge them if they are one company): " + newer
		has(t, f, note, more)
		cut := mqa
		cut.People = cut.People[1:]
		if err := c.RewriteAccount(ctx, cut); err != nil {
			t.Fatal(err)
		}
		has(t, f, note, more)
	})
	t.Run("blocking", func(t *testing.T) {
		f, old, newer := setup(t, map[string]any{"Name": "(株)サンプル", "CreatedDate": "2018-01-15T00:00:00.000+0000"})
		f.DuplicateRuleBlocks = true
		if id := push1(t, f, push.WithProgress(context.Background(), push.MemProgress{})); id != old || f.Account(mqa.Account) != nil {
			t.Fatalf("took %s (oldest %s), accounts %v", id, old, f.Accounts)
		}
		has(t, f, "nothing written on it: the org refused Baton's account id on it (You're creating a duplicate record", newer)
	})
	t.Run("another Baton account's", func(t *testing.T) {
		f, old, _ := setup(t, map[string]any{"Name": "サンプル", "Baton_Account_Id__c": "a00000000000000ee", "CreatedDate": "2018-01-15T00:00:00.000+0000"})
		if id := push1(t, f, push.WithProgress(context.Background(), push.MemProgress{})); id != old || f.Account("a00000000000000ee")["Id"] != old || f.Account(mqa.Account) != nil {
			t.Fatalf("took %s (oldest %s), accounts %v", id, old, f.Accounts)
		}
		has(t, f, "nothing written on it: it holds Baton's id of another account (a00000000000000ee)")
	})
}
