package crm_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/crm"
	"github.com/baton-hq/baton/internal/crm/crmfake"
	"github.com/baton-hq/baton/internal/push"
)

var lead = push.Lead{
	MQLID: "p_0123456789abcdef01234567-c1", PersonID: "p_0123456789abcdef01234567", Email: "hanako@example.co.jp",
	Attributes:     map[string]string{"last_name": "山田", "first_name": "花子", "company": "サンプル株式会社", "title": "部長"},
	BehaviourScore: 63, FitScore: 50, Grade: "A", Condition: "hot-and-fit", Reasons: []string{"behaviour 63 >= 40", "grade A"},
	QualifiedAt: time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC),
	Activity:    []push.Activity{{Type: "download", URL: "https://www.example.com/a.pdf", At: time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)}},
}

func perr(t *testing.T, err error) *push.Error {
	t.Helper()
	var pe *push.Error
	if !errors.As(err, &pe) {
		t.Fatalf("error %v is not a *push.Error", err)
	}
	return pe
}

func sf(f *crmfake.Salesforce) *crm.Salesforce {
	return &crm.Salesforce{LoginURL: f.URL, ClientID: f.ClientID, ClientSecret: f.ClientSecret, LeadKey: "Baton_Person_Id__c", TaskKey: "Baton_MQL_Id__c", Fields: map[string]string{"title": "Title"}}
}

func TestSalesforceUpsertIsIdempotent(t *testing.T) {
	f := crmfake.NewSalesforce()
	defer f.Close()
	c := sf(f)
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	id, err := c.Push(context.Background(), lead)
	if err != nil || !strings.HasPrefix(id, "00Q") {
		t.Fatalf("push: %q %v", id, err)
	}
	if _, err := c.Push(context.Background(), lead); err != nil {
		t.Fatal(err)
	}
	if len(f.Leads) != 1 || len(f.Tasks) != 1 || f.Calls["POST token"] != 1 {
		t.Fatalf("leads %d tasks %d token calls %d", len(f.Leads), len(f.Tasks), f.Calls["POST token"])
	}
	l := f.Leads[lead.PersonID]
	if l["LastName"] != "山田" || l["Company"] != "サンプル株式会社" || l["Email"] != lead.Email || l["Rating"] != "Hot" || l["Title"] != "部長" {
		t.Fatalf("lead %v", l)
	}
	task := f.Tasks[lead.MQLID]
	if task["WhoId"] != id || task["Status"] != "Completed" || !strings.Contains(task["Description"].(string), "a.pdf") || task["Subject"] != "MQL: hot-and-fit" {
		t.Fatalf("task %v", task)
	}
}

func TestSalesforceTokenExpiryRefreshesOnce(t *testing.T) {
	f := crmfake.NewSalesforce()
	defer f.Close()
	c := sf(f)
	c.Push(context.Background(), lead)
	f.ExpireTokens()
	if _, err := c.Push(context.Background(), lead); err != nil {
		t.Fatalf("after expiry: %v", err)
	}
	if f.Calls["POST token"] != 2 {
		t.Fatalf("token requests %d, want 2", f.Calls["POST token"])
	}
	// A 401 that persists after one refresh is permanent, not a loop.
	f.Fail(1, crmfake.Fault{Status: 401, Body: crmfake.SFInvalidSession})
	f.Fail(1, crmfake.Fault{Status: 401, Body: crmfake.SFInvalidSession})
	before := f.Calls["POST token"]
	_, err := c.Push(context.Background(), lead)
	if pe := perr(t, err); !pe.Permanent || pe.Code != "INVALID_SESSION_ID" || f.Calls["POST token"] != before+1 {
		t.Fatalf("%+v, token calls %d", pe, f.Calls["POST token"]-before)
	}
}

func TestSalesforceJWTBearer(t *testing.T) {
	f := crmfake.NewSalesforce()
	defer f.Close()
	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	f.PublicKey = &key.PublicKey
	der, _ := x509.MarshalPKCS8PrivateKey(key)
	c := sf(f)
	c.ClientSecret, c.Username = "", "integration@example.com"
	c.PrivateKeyPEM = string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	if _, err := c.Push(context.Background(), lead); err != nil {
		t.Fatal(err)
	}
	other, _ := rsa.GenerateKey(rand.Reader, 2048)
	der2, _ := x509.MarshalPKCS8PrivateKey(other)
	bad := sf(f)
	bad.ClientSecret, bad.Username = "", "integration@example.com"
	bad.PrivateKeyPEM = string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der2}))
	_, err := bad.Push(context.Background(), lead)
	if pe := perr(t, err); !pe.Permanent || pe.Code != "invalid_grant" {
		t.Fatalf("wrong key: %+v", pe)
	}
}

func TestSalesforceErrors(t *testing.T) {
	cases := []struct {
		fault     crmfake.Fault
		code      string
		permanent bool
		retry     time.Duration
	}{
		{crmfake.Fault{Status: 400, Body: crmfake.SFDuplicatesDetected}, "DUPLICATES_DETECTED", true, 0},
		{crmfake.Fault{Status: 400, Body: crmfake.SFInvalidField}, "INVALID_FIELD", true, 0},
		{crmfake.Fault{Status: 300, Body: crmfake.SFMultipleChoices}, "MULTIPLE_CHOICES", true, 0},
		{crmfake.Fault{Status: 403, Body: crmfake.SFRequestLimit}, "REQUEST_LIMIT_EXCEEDED", false, 30 * time.Minute},
		{crmfake.Fault{Status: 403, Body: crmfake.SFConcurrentLimit}, "REQUEST_LIMIT_EXCEEDED", false, time.Minute},
		{crmfake.Fault{Status: 503, Body: crmfake.SFServiceUnavailable, Headers: map[string]string{"Retry-After": "30"}}, "SERVER_UNAVAILABLE", false, 30 * time.Second},
	}
	for _, c := range cases {
		f := crmfake.NewSalesforce()
		f.Fail(1, c.fault)
		_, err := sf(f).Push(context.Background(), lead)
		pe := perr(t, err)
		if pe.Code != c.code || pe.Permanent != c.permanent || pe.RetryAfter != c.retry {
			t.Errorf("%d %s: got %+v", c.fault.Status, c.code, pe)
		}
		// Only the spent 24-hour allocation waits past the attempt bound.
		if quota := c.fault.Body == crmfake.SFRequestLimit; pe.Quota != quota {
			t.Errorf("%s: quota %v, want %v", c.fault.Body, pe.Quota, quota)
		}
		f.Close()
	}
	// REQUIRED_FIELD_MISSING from the fake's own validation, with no company mapped.
	f := crmfake.NewSalesforce()
	defer f.Close()
	c := sf(f)
	l := lead
	l.PersonID = "p_ffffffffffffffffffffffff"
	l.Attributes = map[string]string{}
	if _, err := c.Push(context.Background(), l); err != nil {
		t.Fatalf("defaults for required fields: %v", err)
	}
	if f.Leads[l.PersonID]["Company"] != "[not provided]" || f.Leads[l.PersonID]["LastName"] != "hanako" {
		t.Fatalf("required fields %v", f.Leads[l.PersonID])
	}
}

func hs(f *crmfake.HubSpot) *crm.HubSpot {
	return &crm.HubSpot{BaseURL: f.URL, Token: f.Token, Now: func() time.Time { return time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC) }}
}

func TestHubSpotUpsertAndNoteOnce(t *testing.T) {
	f := crmfake.NewHubSpot()
	defer f.Close()
	c := hs(f)
	// The push worker keeps the delivery's progress (the note id) between attempts.
	ctx := push.WithProgress(context.Background(), push.MemProgress{})
	id, err := c.Push(ctx, lead)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Push(ctx, lead); err != nil {
		t.Fatal(err)
	}
	ct := f.Contacts[lead.Email]
	if len(f.Contacts) != 1 || ct["hs_object_id"] != id || ct["lifecyclestage"] != "marketingqualifiedlead" || ct["company"] != "サンプル株式会社" || ct["jobtitle"] != "部長" {
		t.Fatalf("contacts %v", f.Contacts)
	}
	if len(f.Notes) != 1 {
		t.Fatalf("%d notes, want 1", len(f.Notes))
	}
	assoc := f.Notes[0]["associations"].([]any)[0].(map[string]any)
	if assoc["to"].(map[string]any)["id"] != id || assoc["types"].([]any)[0].(map[string]any)["associationTypeId"] != float64(202) {
		t.Fatalf("note association %v", assoc)
	}
}

func TestHubSpotErrors(t *testing.T) {
	cases := []struct {
		fault     crmfake.Fault
		code      string
		permanent bool
		retry     time.Duration
	}{
		{crmfake.Fault{Status: 429, Body: crmfake.HSSecondlyLimit, Headers: crmfake.RateHeaders}, "RATE_LIMIT:SECONDLY", false, time.Second},
		{crmfake.Fault{Status: 429, Body: crmfake.HSSecondlyLimit, Headers: map[string]string{"Retry-After": "3"}}, "RATE_LIMIT:SECONDLY", false, 3 * time.Second},
		{crmfake.Fault{Status: 409, Body: crmfake.HSConflict}, "CONFLICT", true, 0},
		{crmfake.Fault{Status: 403, Body: crmfake.HSMissingScopes}, "MISSING_SCOPES", true, 0},
		{crmfake.Fault{Status: 502, Body: `{"status":"error","message":"Bad gateway"}`}, "", false, 0},
		// Transient by HubSpot's error handling guide, never dead letters:
		// a record locked for 2 s, an account being migrated.
		{crmfake.Fault{Status: 423, Body: `{"status":"error","message":"Locked","category":"LOCKED"}`}, "LOCKED", false, 2 * time.Second},
		{crmfake.Fault{Status: 477, Body: `{"status":"error","message":"Migration in progress","category":"MIGRATION_IN_PROGRESS"}`, Headers: map[string]string{"Retry-After": "3600"}}, "MIGRATION_IN_PROGRESS", false, time.Hour},
	}
	for _, c := range cases {
		f := crmfake.NewHubSpot()
		f.Fail(1, c.fault)
		_, err := hs(f).Push(context.Background(), lead)
		pe := perr(t, err)
		if pe.Code != c.code || pe.Permanent != c.permanent || pe.RetryAfter != c.retry || pe.Quota {
			t.Errorf("%d: got %+v", c.fault.Status, pe)
		}
		f.Close()
	}
	f := crmfake.NewHubSpot()
	defer f.Close()
	f.Fail(1, crmfake.Fault{Status: 429, Body: crmfake.HSDailyLimit})
	_, err := hs(f).Push(context.Background(), lead)
	if pe := perr(t, err); pe.Permanent || !pe.Quota || pe.RetryAfter < time.Second || pe.RetryAfter > 24*time.Hour || pe.Code != "RATE_LIMIT:DAILY" {
		t.Fatalf("daily limit: %+v", pe)
	}
	bad := hs(f)
	bad.Token = "wrong"
	if pe := perr(t, func() error { _, err := bad.Push(context.Background(), lead); return err }()); !pe.Permanent || pe.Status != 401 || pe.Code != "INVALID_AUTHENTICATION" {
		t.Fatalf("bad token: %+v", pe)
	}
	l := lead
	l.Email = "not-an-email"
	if pe := perr(t, func() error { _, err := hs(f).Push(context.Background(), l); return err }()); pe.Status != 207 || !pe.Permanent || pe.Code != "VALIDATION_ERROR" {
		t.Fatalf("207: %+v", pe)
	}
}

func kt(f *crmfake.Kintone) *crm.Kintone {
	return &crm.Kintone{BaseURL: f.URL, App: f.App, APIToken: f.APIToken, EmailField: "email",
		Fields: map[string]string{"company": "company", "last_name": "name", "mql_condition": "mql_reason", "grade": "grade"}}
}

func TestKintoneUpsert(t *testing.T) {
	f := crmfake.NewKintone()
	defer f.Close()
	c := kt(f)
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	id1, err := c.Push(context.Background(), lead)
	if err != nil {
		t.Fatal(err)
	}
	id2, err := c.Push(context.Background(), lead)
	if err != nil || id1 != id2 || len(f.Records) != 1 {
		t.Fatalf("ids %s %s, %d records, %v", id1, id2, len(f.Records), err)
	}
	r := f.Records[lead.Email]
	if r["company"] != "サンプル株式会社" || r["mql_reason"] != "hot-and-fit" || r["grade"] != "A" {
		t.Fatalf("record %v", r)
	}
}

func TestKintoneErrors(t *testing.T) {
	f := crmfake.NewKintone()
	defer f.Close()
	f.Fail(1, crmfake.Fault{Status: 400, Body: crmfake.KintoneValidation})
	pe := perr(t, func() error { _, err := kt(f).Push(context.Background(), lead); return err }())
	if !pe.Permanent || pe.Code != "CB_VA01" || !strings.Contains(pe.Message, "必須です") {
		t.Fatalf("validation: %+v", pe)
	}
	f.Fail(1, crmfake.Fault{Status: 429, Body: crmfake.KintoneTooMany})
	if pe := perr(t, func() error { _, err := kt(f).Push(context.Background(), lead); return err }()); pe.Permanent || pe.Code != "GAIA_TM12" {
		t.Fatalf("too many: %+v", pe)
	}
	bad := kt(f)
	bad.APIToken = "wrong"
	if pe := perr(t, func() error { _, err := bad.Push(context.Background(), lead); return err }()); !pe.Permanent || pe.Code != "GAIA_IA02" {
		t.Fatalf("bad token: %+v", pe)
	}
}

// TestForget: an erasure can be passed on to each SFA.
func TestForget(t *testing.T) {
	ctx := context.Background()
	sff, hsf, ktf := crmfake.NewSalesforce(), crmfake.NewHubSpot(), crmfake.NewKintone()
	defer sff.Close()
	defer hsf.Close()
	defer ktf.Close()
	type forgetter interface {
		push.Connector
		Forget(ctx context.Context, personID, email string) error
	}
	for _, c := range []forgetter{sf(sff), hs(hsf), kt(ktf)} {
		if _, err := c.Push(ctx, lead); err != nil {
			t.Fatal(err)
		}
		if err := c.Forget(ctx, lead.PersonID, lead.Email); err != nil {
			t.Fatalf("%s: %v", c.Name(), err)
		}
		if err := c.Forget(ctx, lead.PersonID, lead.Email); err != nil {
			t.Fatalf("%s: forgetting twice: %v", c.Name(), err)
		}
	}
	if len(sff.Leads) != 0 || len(hsf.Contacts) != 0 || len(ktf.Records) != 0 {
		t.Fatalf("left: %d leads, %d contacts, %d records", len(sff.Leads), len(hsf.Contacts), len(ktf.Records))
	}
}
