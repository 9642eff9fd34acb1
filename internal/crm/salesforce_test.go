package crm_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"strings"
	"testing"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/baton-hq/baton/internal/crm"
	"github.com/baton-hq/baton/internal/crm/crmfake"
	"github.com/baton-hq/baton/internal/push"
)

// TestSalesforceConvertedLead: once sales converted the Lead, upserting it
// is refused; the Task goes on the Contact and Opportunity it became, with
// or without matching by email, instead of a dead letter.
func TestSalesforceConvertedLead(t *testing.T) {
	for _, byEmail := range []bool{false, true} {
		f := crmfake.NewSalesforce()
		c := sf(f)
		c.MatchByEmail = byEmail
		leadID, err := c.Push(context.Background(), lead)
		if err != nil {
			t.Fatal(err)
		}
		contact, opp := f.Convert(lead.PersonID, true)
		next := lead
		next.MQLID = lead.PersonID + "-c2"
		id, err := c.Push(context.Background(), next)
		if err != nil {
			t.Fatalf("match_by_email %v: after conversion: %v", byEmail, err)
		}
		task := f.Task(next.MQLID)
		if id != leadID || task["WhoId"] != contact || task["WhatId"] != opp {
			t.Fatalf("match_by_email %v: id %s, task %v; want who %s what %s", byEmail, id, task, contact, opp)
		}
		f.Close()
	}
	// Converted without an opportunity: the Contact alone.
	f := crmfake.NewSalesforce()
	defer f.Close()
	c := sf(f)
	c.Push(context.Background(), lead)
	contact, _ := f.Convert(lead.PersonID, false)
	next := lead
	next.MQLID = lead.PersonID + "-c2"
	if _, err := c.Push(context.Background(), next); err != nil {
		t.Fatal(err)
	}
	if task := f.Task(next.MQLID); task["WhoId"] != contact || task["WhatId"] != nil {
		t.Fatalf("task %v", task)
	}
}

// TestSalesforceRowLockIsTransient: UNABLE_TO_LOCK_ROW clears when the
// other transaction ends: retried, not dead-lettered.
func TestSalesforceRowLockIsTransient(t *testing.T) {
	f := crmfake.NewSalesforce()
	defer f.Close()
	f.Fail(1, crmfake.Fault{Status: 400, Body: crmfake.SFUnableToLockRow})
	_, err := sf(f).Push(context.Background(), lead)
	if pe := perr(t, err); pe.Permanent || pe.Code != "UNABLE_TO_LOCK_ROW" {
		t.Fatalf("%+v", pe)
	}
	if _, err := sf(f).Push(context.Background(), lead); err != nil {
		t.Fatal(err)
	}
}

// TestSalesforceTokenHostAndAudience: client credentials go to the My
// Domain (token_url), which the generic login host refuses; the JWT
// assertion's aud is the generic login host whatever the token host.
func TestSalesforceTokenHostAndAudience(t *testing.T) {
	f := crmfake.NewSalesforce()
	defer f.Close()
	generic := sf(f)
	generic.LoginURL = f.Login.URL
	_, err := generic.Push(context.Background(), lead)
	if pe := perr(t, err); !pe.Permanent || pe.Code != "invalid_grant" || !strings.Contains(pe.Message, "not supported on this domain") {
		t.Fatalf("client credentials on the generic host: %+v", pe)
	}
	myDomain := sf(f)
	myDomain.LoginURL, myDomain.TokenURL = f.Login.URL, f.URL
	if _, err := myDomain.Push(context.Background(), lead); err != nil {
		t.Fatalf("token_url: %v", err)
	}
	if err := (&crm.Salesforce{LoginURL: "https://login.salesforce.com", ClientID: "x", ClientSecret: "y", LeadKey: "a", TaskKey: "b"}).Validate(); err == nil || !strings.Contains(err.Error(), "My Domain") {
		t.Fatalf("validate: %v", err)
	}

	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	f.PublicKey = &key.PublicKey
	der, _ := x509.MarshalPKCS8PrivateKey(key)
	jwt := func(login, token, aud string) error {
		c := sf(f)
		c.ClientSecret, c.Username = "", "integration@example.com"
		c.PrivateKeyPEM = string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
		c.LoginURL, c.TokenURL, c.JWTAudience = login, token, aud
		_, err := c.Push(context.Background(), lead)
		return err
	}
	// Token from the My Domain, aud the generic host (the default).
	if err := jwt(f.URL, "", ""); err != nil {
		t.Fatalf("jwt on My Domain: %v", err)
	}
	if err := jwt(f.Login.URL, "", ""); err != nil {
		t.Fatalf("jwt on the login host: %v", err)
	}
	// A sandbox: aud https://test.salesforce.com.
	f.Audience = "https://test.salesforce.com"
	if pe := perr(t, jwt(f.URL, "", "")); pe.Code != "invalid_grant" {
		t.Fatalf("sandbox with the production audience: %+v", pe)
	}
	if err := jwt(f.URL, "", "https://test.salesforce.com"); err != nil {
		t.Fatalf("jwt_audience: %v", err)
	}
}

// TestSalesforceMatchByEmail: a Contact with the email gets the Task (no
// Lead created); a Lead sales created without Baton's id gets the id set
// instead of a duplicate; off, the org's duplicate rule decides, and the
// configured Sforce-Duplicate-Rule-Header lets the save through.
func TestSalesforceMatchByEmail(t *testing.T) {
	ctx := context.Background()
	f := crmfake.NewSalesforce()
	defer f.Close()
	f.DuplicateRule = true
	contact := f.AddContact(map[string]any{"LastName": "山田", "Email": "HANAKO@example.co.jp"})
	c := sf(f)
	c.MatchByEmail = true
	id, err := c.Push(ctx, lead)
	if err != nil {
		t.Fatal(err)
	}
	if id != contact || len(f.Leads) != 0 || f.Task(lead.MQLID)["WhoId"] != contact {
		t.Fatalf("id %s, leads %v, task %v", id, f.Leads, f.Task(lead.MQLID))
	}

	g := crmfake.NewSalesforce()
	defer g.Close()
	g.DuplicateRule = true
	existing := g.AddLead(map[string]any{"LastName": "山田", "Company": "サンプル", "Email": lead.Email, "LeadSource": "Trade Show"})
	c = sf(g)
	c.MatchByEmail = true
	if id, err := c.Push(ctx, lead); err != nil || id != existing {
		t.Fatalf("adopt: %s %v", id, err)
	}
	l := g.Lead(lead.PersonID)
	if len(g.Leads) != 1 || l["Id"] != existing || l["LeadSource"] != "Trade Show" || l["Title"] != "部長" || g.Task(lead.MQLID)["WhoId"] != existing {
		t.Fatalf("leads %v", g.Leads)
	}
	if _, err := c.Push(ctx, lead); err != nil || len(g.Leads) != 1 {
		t.Fatalf("again: %v, %d leads", err, len(g.Leads))
	}

	// Off: the duplicate rule blocks the new Lead; the Task goes on the
	// record it matched (left as sales keep it), unless the header lets
	// the save through.
	h := crmfake.NewSalesforce()
	defer h.Close()
	h.DuplicateRule = true
	matched := h.AddLead(map[string]any{"LastName": "山田", "Company": "サンプル", "Email": lead.Email})
	c = sf(h)
	if id, err := c.Push(ctx, lead); err != nil || id != matched || len(h.Leads) != 1 || h.Task(lead.MQLID)["WhoId"] != matched || h.LeadByID(matched)["Title"] != nil {
		t.Fatalf("duplicate rule: %s %v, %d leads, task %v", id, err, len(h.Leads), h.Task(lead.MQLID))
	}
	if desc, _ := h.Task(lead.MQLID)["Description"].(string); !strings.Contains(desc, "Standard_Lead_Duplicate_Rule") {
		t.Fatalf("the Task does not say why it is on this record: %q", desc)
	}
	c.DuplicateRuleHeader = "allowSave=true"
	if _, err := c.Push(ctx, lead); err != nil || len(h.Leads) != 2 {
		t.Fatalf("allowSave: %v, %d leads", err, len(h.Leads))
	}
}

// TestSalesforcePicklists: restricted picklists refuse values the org does
// not have; the configured map translates them, and with State and
// Country picklists the text fields give way to the codes.
func TestSalesforcePicklists(t *testing.T) {
	ctx := context.Background()
	f := crmfake.NewSalesforce()
	defer f.Close()
	f.Picklists = map[string][]string{"LeadSource": {"Web", "Phone Inquiry", "Other"}}
	f.StateCountryPicklists = true
	l := lead
	l.Attributes = map[string]string{"last_name": "山田", "company": "サンプル", "country": "日本", "region": "東京都"}
	if pe := perr(t, func() error { _, err := sf(f).Push(ctx, l); return err }()); pe.Code != "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST" || !pe.Permanent || !strings.Contains(pe.Message, "LeadSource") {
		t.Fatalf("unmapped: %+v", pe)
	}
	c := sf(f)
	c.Picklists = map[string]map[string]string{"LeadSource": {"baton": "Web"}}
	if pe := perr(t, func() error { _, err := c.Push(ctx, l); return err }()); pe.Code != "FIELD_INTEGRITY_EXCEPTION" {
		t.Fatalf("country text with State and Country picklists: %+v", pe)
	}
	c.Fields = map[string]string{"country": "CountryCode", "region": "StateCode"}
	c.Picklists = map[string]map[string]string{"LeadSource": {"baton": "Web"}, "CountryCode": {"Japan": "JP", "日本": "JP"}, "StateCode": {"東京都": "13"}}
	if _, err := c.Push(ctx, l); err != nil {
		t.Fatal(err)
	}
	got := f.Lead(l.PersonID)
	if got["LeadSource"] != "Web" || got["CountryCode"] != "JP" || got["StateCode"] != "13" || got["Country"] != nil || got["State"] != nil {
		t.Fatalf("lead %v", got)
	}
	// "" drops a default field.
	g := crmfake.NewSalesforce()
	defer g.Close()
	c = sf(g)
	c.Fields = map[string]string{"country": "", "region": ""}
	if _, err := c.Push(ctx, l); err != nil {
		t.Fatal(err)
	}
	if got := g.Lead(l.PersonID); got["Country"] != nil || got["State"] != nil || got["LastName"] != "山田" {
		t.Fatalf("dropped defaults still sent: %v", got)
	}
}

// TestSalesforceJapaneseNames: 姓/名 given separately go to LastName and
// FirstName; a full name alone stays whole in LastName; with the first
// name too, LastName is the rest.
func TestSalesforceJapaneseNames(t *testing.T) {
	f := crmfake.NewSalesforce()
	defer f.Close()
	cases := []struct {
		attrs       map[string]string
		last, first any
	}{
		{map[string]string{"last_name": "山田", "first_name": "太郎", "name": "山田 太郎"}, "山田", "太郎"},
		{map[string]string{"name": "山田 太郎"}, "山田 太郎", nil},
		{map[string]string{"name": "山田 太郎", "first_name": "太郎"}, "山田", "太郎"},
		// Written without a space, family name first: the given name ends it.
		{map[string]string{"name": "山田太郎", "first_name": "太郎"}, "山田", "太郎"},
		{map[string]string{"name": "山田　太郎", "first_name": "太郎"}, "山田", "太郎"},
		{map[string]string{"name": "山田太郎"}, "山田太郎", nil},
		// Latin names run together are left whole: "Ann" does not end "Annabel".
		{map[string]string{"name": "Annabel", "first_name": "bel"}, "Annabel", "bel"},
	}
	for i, tc := range cases {
		l := lead
		l.PersonID = "p_names" + string(rune('a'+i))
		l.Attributes = tc.attrs
		if _, err := sf(f).Push(context.Background(), l); err != nil {
			t.Fatal(err)
		}
		if got := f.Lead(l.PersonID); got["LastName"] != tc.last || got["FirstName"] != tc.first {
			t.Errorf("%v: LastName %v FirstName %v", tc.attrs, got["LastName"], got["FirstName"])
		}
	}
}

// TestSalesforceRedirectIsNotDelivered: a 3xx is never followed (nor its
// target's answer taken for the upsert's): a transient failure.
func TestSalesforceRedirectIsNotDelivered(t *testing.T) {
	f := crmfake.NewSalesforce()
	defer f.Close()
	f.Fail(1, crmfake.Fault{Status: 307, Headers: map[string]string{"Location": f.URL + "/services/data/v62.0/sobjects/Lead/Baton_Person_Id__c/" + lead.PersonID}})
	_, err := sf(f).Push(context.Background(), lead)
	if pe := perr(t, err); pe.Permanent || pe.Status != 307 || pe.Code != "REDIRECT" || len(f.Leads) != 0 {
		t.Fatalf("%+v, leads %d", pe, len(f.Leads))
	}
}

var _ push.Connector = (*crm.Salesforce)(nil)

// TestSalesforceCutsToFieldLengths: values longer than Salesforce's
// fields (Company 255, Title 128, LastName 80, Phone 40; Task Subject 255
// and Description 32,000), which it refuses with STRING_TOO_LONG, are cut
// on a character (a surrogate pair, a UTF-8 sequence stays whole), and the
// Task says which were cut and gives their full values.
func TestSalesforceCutsToFieldLengths(t *testing.T) {
	f := crmfake.NewSalesforce()
	defer f.Close()
	l := lead
	l.PersonID, l.MQLID = "p_long", "p_long-c1"
	company := strings.Repeat("株", 254) + "𠮷式会社" // 𠮷 is two UTF-16 units, at 255 and 256
	l.Attributes = map[string]string{
		"last_name": strings.Repeat("山", 100), "first_name": "太郎", "company": company,
		"title": strings.Repeat("営業本部 ", 40), "phone": "03-1234-5678（代表）内線 1234 / 携帯 090-1234-5678",
	}
	l.Condition = strings.Repeat("条件", 200)
	l.Activity = nil
	for i := range 15 {
		l.Activity = append(l.Activity, push.Activity{Type: "page", URL: "https://www.example.co.jp/" + strings.Repeat("資料", 1200), Title: strings.Repeat("製品", 10), At: lead.QualifiedAt.Add(-time.Duration(i) * time.Minute)})
	}
	if _, err := sf(f).Push(context.Background(), l); err != nil {
		t.Fatal(err)
	}
	got := f.Lead(l.PersonID)
	for field, want := range map[string]string{
		"Company": strings.Repeat("株", 254), "LastName": strings.Repeat("山", 80),
		"Title": string([]rune(l.Attributes["title"])[:128]),
	} {
		if v, _ := got[field].(string); v != want {
			t.Errorf("%s: %q (%d characters), want %d", field, v, utf8.RuneCountInString(v), utf8.RuneCountInString(want))
		}
	}
	if p, _ := got["Phone"].(string); !utf8.ValidString(p) || utf8.RuneCountInString(p) > 40 || !strings.HasPrefix(p, "03-1234-5678（代表）") {
		t.Errorf("Phone %q", p)
	}
	task := f.Task(l.MQLID)
	desc, _ := task["Description"].(string)
	subject, _ := task["Subject"].(string)
	if !utf8.ValidString(desc) || len(utf16.Encode([]rune(desc))) > 32000 || !utf8.ValidString(subject) || utf8.RuneCountInString(subject) > 255 {
		t.Fatalf("task: subject %d, description %d characters", utf8.RuneCountInString(subject), utf8.RuneCountInString(desc))
	}
	// Why it qualified and what was cut come first; the cut activity is said to be.
	for _, want := range []string{"MQL (" + l.Condition + ")", "Company", company, l.Attributes["last_name"], l.Attributes["phone"], "cut"} {
		if !strings.Contains(desc, want) {
			t.Errorf("description lacks %q", want)
		}
	}
	// A value too long even for the Task does not crowd out why it qualified.
	l.MQLID = "p_long-c2"
	l.Attributes["company"] = strings.Repeat("株", 40000)
	if _, err := sf(f).Push(context.Background(), l); err != nil {
		t.Fatal(err)
	}
	desc, _ = f.Task(l.MQLID)["Description"].(string)
	if !strings.HasPrefix(desc, "MQL ("+l.Condition+")") || !strings.Contains(desc, "Recent activity") || len(utf16.Encode([]rune(desc))) > 32000 {
		t.Errorf("description of %d characters: %.80q", utf8.RuneCountInString(desc), desc)
	}
}

// TestSalesforceEmailItRefuses: Baton takes addresses Salesforce's Email
// field refuses (INVALID_EMAIL_ADDRESS): a UTF-8 local part (RFC 6532), an
// IDN host. The Lead is still delivered, without Email, and the Task gives
// the address and says why it is not on the Lead.
func TestSalesforceEmailItRefuses(t *testing.T) {
	f := crmfake.NewSalesforce()
	defer f.Close()
	for i, email := range []string{"山田@example.co.jp", "hanako@例え.jp"} {
		l := lead
		l.PersonID = "p_email" + string(rune('a'+i))
		l.MQLID = l.PersonID + "-c1"
		l.Email = email
		if _, err := sf(f).Push(context.Background(), l); err != nil {
			t.Fatalf("%s: %v", email, err)
		}
		got := f.Lead(l.PersonID)
		desc, _ := f.Task(l.MQLID)["Description"].(string)
		if got == nil || got["Email"] != nil || got["LastName"] != "山田" || !strings.Contains(desc, email) {
			t.Errorf("%s: lead %v, description %q", email, got, desc)
		}
	}
}

// TestSalesforceNoName: LastName is required. A name that is blank (a
// full-width space) or absent takes the email's local part; without a
// usable email either, a stand-in, never nothing (REQUIRED_FIELD_MISSING).
func TestSalesforceNoName(t *testing.T) {
	f := crmfake.NewSalesforce()
	defer f.Close()
	cases := []struct {
		email string
		attrs map[string]string
		last  string
	}{
		{"hanako@example.co.jp", map[string]string{"name": "\u3000", "company": "サンプル株式会社"}, "hanako"},
		{"hanako@example.co.jp", map[string]string{"last_name": " ", "company": "サンプル株式会社"}, "hanako"},
		{"", map[string]string{"company": "サンプル株式会社"}, "[not provided]"},
	}
	for i, tc := range cases {
		l := lead
		l.PersonID = "p_noname" + string(rune('a'+i))
		l.MQLID = l.PersonID + "-c1"
		l.Email, l.Attributes = tc.email, tc.attrs
		if _, err := sf(f).Push(context.Background(), l); err != nil {
			t.Fatalf("%v: %v", tc.attrs, err)
		}
		if got := f.Lead(l.PersonID); got["LastName"] != tc.last || got["Company"] != "サンプル株式会社" {
			t.Errorf("%v: LastName %q Company %q", tc.attrs, got["LastName"], got["Company"])
		}
	}
}

// TestSalesforceLastNameWhateverTheMapping: with last_name mapped to a
// field of the org's own (or to none), a new Lead still gets the LastName
// Salesforce requires, a stand-in, instead of REQUIRED_FIELD_MISSING.
func TestSalesforceLastNameWhateverTheMapping(t *testing.T) {
	f := crmfake.NewSalesforce()
	defer f.Close()
	for i, field := range []string{"", "LastNameKana__c"} {
		c := sf(f)
		c.Fields = map[string]string{"last_name": field}
		l := lead
		l.PersonID = "p_mapped" + string(rune('a'+i))
		l.MQLID = l.PersonID + "-c1"
		if _, err := c.Push(context.Background(), l); err != nil {
			t.Fatalf("last_name -> %q: %v", field, err)
		}
		if got := f.Lead(l.PersonID); got["LastName"] != "hanako" || field != "" && got[field] != "山田" {
			t.Errorf("last_name -> %q: %v", field, got)
		}
	}
}

// TestSalesforceDuplicateRuleByName: match_by_email finds no one with the
// email, but the org's duplicate rule matches a Lead by name and company
// (DUPLICATES_DETECTED): another 山田 at the same company, with another
// email. The MQL is not theirs: no Task goes on that Lead, and the
// delivery fails for good, saying the rule, its message and whom it
// matched (the operator merges or lets the save through, then replays).
func TestSalesforceDuplicateRuleByName(t *testing.T) {
	ctx := context.Background()
	f := crmfake.NewSalesforce()
	defer f.Close()
	f.DuplicateRule = true
	other := f.AddLead(map[string]any{"LastName": "山田", "Company": "サンプル株式会社", "Email": "yamada@old.example.co.jp"})
	c := sf(f)
	c.MatchByEmail = true
	_, err := c.Push(ctx, lead)
	pe := perr(t, err)
	if !pe.Permanent || pe.Code != "DUPLICATES_DETECTED" {
		t.Fatalf("refused by the duplicate rule: %+v", pe)
	}
	for _, want := range []string{"Standard_Lead_Duplicate_Rule", "We recommend you use an existing record instead", "Lead " + other, "another email"} {
		if !strings.Contains(pe.Error(), want) {
			t.Errorf("the operator reads %q, want it to say %q", pe.Error(), want)
		}
	}
	if len(f.Leads) != 1 || len(f.Tasks) != 0 || f.LeadByID(other)["Title"] != nil {
		t.Fatalf("%d leads, %d tasks, the other 山田 %v", len(f.Leads), len(f.Tasks), f.LeadByID(other))
	}

	// The rule matches both the other 山田 (by name, listed first) and this
	// person's own Lead (by email; match_by_email off): the Task goes on
	// this person's.
	g := crmfake.NewSalesforce()
	defer g.Close()
	g.DuplicateRule = true
	other = g.AddLead(map[string]any{"LastName": "山田", "Company": "サンプル株式会社", "Email": "yamada@old.example.co.jp"})
	own := g.AddLead(map[string]any{"LastName": "Yamada", "Company": "Sample", "Email": strings.ToUpper(lead.Email)})
	c = sf(g)
	for range 2 {
		if id, err := c.Push(ctx, lead); err != nil || id != own {
			t.Fatalf("%s %v, want %s", id, err, own)
		}
	}
	if len(g.Leads) != 2 || len(g.Tasks) != 1 || g.Task(lead.MQLID)["WhoId"] != own {
		t.Fatalf("%d leads, %d tasks, task on %v (the other 山田 is %s)", len(g.Leads), len(g.Tasks), g.Task(lead.MQLID)["WhoId"], other)
	}

	// A rule that blocks: allowSave=true bypasses an alert, never a block.
	h := crmfake.NewSalesforce()
	defer h.Close()
	h.DuplicateRule, h.DuplicateRuleBlocks = true, true
	h.AddLead(map[string]any{"LastName": "山田", "Company": "サンプル株式会社", "Email": "yamada@old.example.co.jp"})
	c = sf(h)
	c.DuplicateRuleHeader = "allowSave=true"
	if pe := perr(t, func() error { _, err := c.Push(ctx, lead); return err }()); !pe.Permanent || pe.Code != "DUPLICATES_DETECTED" || len(h.Leads) != 1 || len(h.Tasks) != 0 {
		t.Fatalf("a blocking rule: %+v, %d leads, %d tasks", pe, len(h.Leads), len(h.Tasks))
	}
}

// TestSalesforceRefusedValuesOfItsOwn: what Baton cannot know ahead, the
// org's own field lengths (a custom Department__c of 20) and an address
// Salesforce refuses though Baton's check passed it, is refused
// (STRING_TOO_LONG with its max length, INVALID_EMAIL_ADDRESS); the Lead
// is sent again fitted (cut, the email left off) and the Task says so.
func TestSalesforceRefusedValuesOfItsOwn(t *testing.T) {
	f := crmfake.NewSalesforce()
	defer f.Close()
	f.LeadFieldLengths = map[string]int{"Department__c": 20}
	c := sf(f)
	c.Fields = map[string]string{"department": "Department__c"}
	l := lead
	l.Attributes = map[string]string{"last_name": "山田", "company": "サンプル株式会社", "department": "経営企画本部 デジタルトランスフォーメーション推進室"}
	f.FailWrites(1, crmfake.Fault{Status: 400, Body: `[{"message":"Email: invalid email address: hanako@example.co.jp","errorCode":"INVALID_EMAIL_ADDRESS","fields":["Email"]}]`})
	if _, err := c.Push(context.Background(), l); err != nil {
		t.Fatal(err)
	}
	got := f.Lead(l.PersonID)
	if got["Department__c"] != string([]rune(l.Attributes["department"])[:20]) || got["Email"] != nil || got["LastName"] != "山田" {
		t.Fatalf("lead %v", got)
	}
	desc, _ := f.Task(l.MQLID)["Description"].(string)
	for _, want := range []string{l.Attributes["department"], "Department__c", l.Email} {
		if !strings.Contains(desc, want) {
			t.Errorf("description lacks %q", want)
		}
	}
}

// TestSalesforceRefusedEmailQuotedAsItIs: the Task quotes the address
// Salesforce refused so that sales can copy it; the URL marking took the
// "www." of its domain for a link and wrote it marked and defanged
// (taro@［外部サイト・未確認］www[.]acme[.]co[.]jp). It is quoted as it is.
func TestSalesforceRefusedEmailQuotedAsItIs(t *testing.T) {
	f := crmfake.NewSalesforce()
	defer f.Close()
	c := sf(f)
	l := lead
	l.Lang, l.Sites, l.Email = "ja", []string{"www.example.com"}, "taro@www.acme.co.jp"
	f.FailWrites(1, crmfake.Fault{Status: 400, Body: `[{"message":"Email: invalid email address: taro@www.acme.co.jp","errorCode":"INVALID_EMAIL_ADDRESS","fields":["Email"]}]`})
	if _, err := c.Push(context.Background(), l); err != nil {
		t.Fatal(err)
	}
	desc, _ := f.Task(l.MQLID)["Description"].(string)
	if !strings.Contains(desc, "：taro@www.acme.co.jp") || strings.Contains(desc, "www[.]acme") {
		t.Errorf("description does not quote the address as it is:\n%s", desc)
	}
}

// TestSalesforceUnknownExternalID: an upsert by a field that is not an
// external id on the object is NOT_FOUND, a permanent failure naming it.
func TestSalesforceUnknownExternalID(t *testing.T) {
	f := crmfake.NewSalesforce()
	defer f.Close()
	c := sf(f)
	c.TaskKey = "Baton_Mql_Id__c"
	if pe := perr(t, func() error { _, err := c.Push(context.Background(), lead); return err }()); !pe.Permanent || pe.Code != "NOT_FOUND" || !strings.Contains(pe.Message, "Baton_Mql_Id__c") {
		t.Fatalf("%+v", pe)
	}
}

// TestSalesforceAdoptFitsTheOrgsLengths: the Lead sales created is
// adopted (match_by_email) with a value over one of the org's own field
// lengths: it is cut to what Salesforce named, not dead-lettered.
func TestSalesforceAdoptFitsTheOrgsLengths(t *testing.T) {
	f := crmfake.NewSalesforce()
	defer f.Close()
	f.LeadFieldLengths = map[string]int{"Department__c": 20}
	existing := f.AddLead(map[string]any{"LastName": "山田", "Company": "サンプル", "Email": lead.Email})
	c := sf(f)
	c.MatchByEmail = true
	c.Fields = map[string]string{"department": "Department__c"}
	l := lead
	l.Attributes = map[string]string{"last_name": "山田", "department": "経営企画本部 デジタルトランスフォーメーション推進室"}
	id, err := c.Push(context.Background(), l)
	if err != nil || id != existing {
		t.Fatalf("%s %v", id, err)
	}
	if got := f.LeadByID(existing); got["Department__c"] != string([]rune(l.Attributes["department"])[:20]) || got["Baton_Person_Id__c"] != l.PersonID {
		t.Fatalf("lead %v", got)
	}
	if desc, _ := f.Task(l.MQLID)["Description"].(string); !strings.Contains(desc, l.Attributes["department"]) {
		t.Fatalf("description %q", desc)
	}
}

// TestSalesforceLaterMQLKeepsWhatSalesWrote: the person's first MQL
// creates their Lead with stand-ins for the missing LastName and Company
// and LeadSource Baton, and the org's assignment rule gives it an owner.
// Sales then type the real name and company, change the source and hand
// the Lead to another rep. The person's next MQL (as a retry would)
// updates the Lead without writing the stand-ins or LeadSource over
// theirs, nor running the assignment rule again.
func TestSalesforceLaterMQLKeepsWhatSalesWrote(t *testing.T) {
	f := crmfake.NewSalesforce()
	defer f.Close()
	f.AssignTo = "005QUEUE0000001"
	c := sf(f)
	l := lead
	l.PersonID, l.MQLID = "p_aaaaaaaaaaaaaaaaaaaaaaaa", "p_aaaaaaaaaaaaaaaaaaaaaaaa-c1"
	l.Attributes = map[string]string{}
	if _, err := c.Push(context.Background(), l); err != nil {
		t.Fatal(err)
	}
	if got := f.Lead(l.PersonID); got["Company"] != "[not provided]" || got["LeadSource"] != "Baton" || got["OwnerId"] != "005QUEUE0000001" {
		t.Fatalf("the new Lead: %v", got)
	}
	f.Lock()
	rec := f.Leads[l.PersonID]
	rec["Company"], rec["LastName"], rec["LeadSource"], rec["OwnerId"] = "株式会社サンプル", "山田", "Trade Show", "005REP000000002"
	f.Unlock()
	for i, cycle := range []int{2, 2} { // the second MQL, then its retry
		l.MQLID, l.Cycle = l.PersonID+"-c2", cycle
		if _, err := c.Push(context.Background(), l); err != nil {
			t.Fatal(err)
		}
		got := f.Lead(l.PersonID)
		if got["Company"] != "株式会社サンプル" || got["LastName"] != "山田" || got["LeadSource"] != "Trade Show" || got["OwnerId"] != "005REP000000002" {
			t.Errorf("push %d wrote over sales' Lead: Company=%v LastName=%v LeadSource=%v OwnerId=%v", i+2, got["Company"], got["LastName"], got["LeadSource"], got["OwnerId"])
		}
	}
	// A new person's Lead is still assigned by the org's rule.
	n := lead
	n.PersonID, n.MQLID = "p_bbbbbbbbbbbbbbbbbbbbbbbb", "p_bbbbbbbbbbbbbbbbbbbbbbbb-c1"
	n.Email = "new@maker.example"
	if _, err := c.Push(context.Background(), n); err != nil {
		t.Fatal(err)
	}
	if got := f.Lead(n.PersonID); got["OwnerId"] != "005QUEUE0000001" {
		t.Errorf("a new Lead was not assigned: %v", got)
	}
}
