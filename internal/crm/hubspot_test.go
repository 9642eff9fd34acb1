package crm_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/baton-hq/baton/internal/crm/crmfake"
	"github.com/baton-hq/baton/internal/push"
)

// TestHubSpotLifecycleOnlyForward: a contact sales already moved past MQL
// keeps its stage (HubSpot refuses the backward move, as the fake does);
// an earlier stage moves forward; custom orders and switching it off.
func TestHubSpotLifecycleOnlyForward(t *testing.T) {
	ctx := context.Background()
	f := crmfake.NewHubSpot()
	defer f.Close()
	f.Contacts[lead.Email] = map[string]string{"hs_object_id": "51", "email": lead.Email, "lifecyclestage": "customer"}
	if _, err := hs(f).Push(ctx, lead); err != nil {
		t.Fatalf("a customer qualifying again: %v", err)
	}
	if c := f.Contact(lead.Email); c["lifecyclestage"] != "customer" || c["company"] != "サンプル株式会社" {
		t.Fatalf("contact %v", c)
	}
	f.Contacts[lead.Email]["lifecyclestage"] = "lead"
	if _, err := hs(f).Push(ctx, lead); err != nil {
		t.Fatal(err)
	}
	if c := f.Contact(lead.Email); c["lifecyclestage"] != "marketingqualifiedlead" {
		t.Fatalf("lead not moved forward: %v", c)
	}
	// A custom stage after MQL in the account's order.
	f.LifecycleOrder = []string{"subscriber", "lead", "marketingqualifiedlead", "1234567", "salesqualifiedlead", "opportunity", "customer", "evangelist"}
	f.Contacts[lead.Email]["lifecyclestage"] = "1234567"
	c := hs(f)
	c.LifecycleOrder = f.LifecycleOrder
	if _, err := c.Push(ctx, lead); err != nil || f.Contact(lead.Email)["lifecyclestage"] != "1234567" {
		t.Fatalf("custom stage: %v %v", err, f.Contact(lead.Email))
	}
	// Not written at all.
	f.Contacts[lead.Email]["lifecyclestage"] = "subscriber"
	c = hs(f)
	c.KeepLifecycle = true
	if _, err := c.Push(ctx, lead); err != nil || f.Contact(lead.Email)["lifecyclestage"] != "subscriber" {
		t.Fatalf("set_lifecycle off: %v %v", err, f.Contact(lead.Email))
	}
}

// TestHubSpotNoteOnceWithoutSearch: HubSpot's search lags its writes, so
// a retry right after a lost answer would find no note; the note id kept
// with the delivery prevents the second one.
func TestHubSpotNoteOnceWithoutSearch(t *testing.T) {
	f := crmfake.NewHubSpot()
	defer f.Close()
	ctx := push.WithProgress(context.Background(), push.MemProgress{})
	c := hs(f)
	if _, err := c.Push(ctx, lead); err != nil {
		t.Fatal(err)
	}
	// The upsert of the retry is rate-limited; then it goes through.
	f.Fail(1, crmfake.Fault{Status: 429, Body: crmfake.HSSecondlyLimit, Headers: crmfake.RateHeaders})
	c.Push(ctx, lead)
	if _, err := c.Push(ctx, lead); err != nil {
		t.Fatal(err)
	}
	if len(f.Notes) != 1 || push.ProgressFrom(ctx).Step("note") != f.Notes[0]["id"] {
		t.Fatalf("%d notes", len(f.Notes))
	}
	if f.Calls["POST /crm/v3/objects/notes/search"] != 0 {
		t.Fatal("searched notes")
	}
}

// TestHubSpotDailyLimitUntilMidnightInTheAccountsZone: the DAILY limit
// resets at midnight in the account's time zone.
func TestHubSpotDailyLimitUntilMidnightInTheAccountsZone(t *testing.T) {
	f := crmfake.NewHubSpot()
	defer f.Close()
	for _, tc := range []struct {
		zone string
		want time.Duration
	}{{"", 14 * time.Hour}, {"Asia/Tokyo", 5 * time.Hour}, {"America/New_York", 19 * time.Hour}} {
		f.Fail(1, crmfake.Fault{Status: 429, Body: crmfake.HSDailyLimit})
		c := hs(f) // 2026-11-24 10:00 UTC: 19:00 in Tokyo, 05:00 in New York
		c.TimeZone = tc.zone
		if err := c.Validate(); err != nil {
			t.Fatal(err)
		}
		_, err := c.Push(context.Background(), lead)
		if pe := perr(t, err); pe.RetryAfter != tc.want {
			t.Errorf("%q: retry after %v, want %v", tc.zone, pe.RetryAfter, tc.want)
		}
	}
	c := hs(f)
	c.TimeZone = "Mars/Olympus"
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "time_zone") {
		t.Fatalf("bad zone: %v", err)
	}
}

// TestHubSpotRedirectIsNotDelivered: a 3xx is a transient failure.
func TestHubSpotRedirectIsNotDelivered(t *testing.T) {
	f := crmfake.NewHubSpot()
	defer f.Close()
	f.Fail(1, crmfake.Fault{Status: 307, Headers: map[string]string{"Location": f.URL + "/crm/v3/objects/contacts/batch/upsert"}})
	_, err := hs(f).Push(context.Background(), lead)
	if pe := perr(t, err); pe.Permanent || pe.Status != 307 || len(f.Contacts) != 0 {
		t.Fatalf("%+v", pe)
	}
}

// TestHubSpotLongSummaryFitsTheNote: HubSpot refuses a note body over
// 65,536 characters; fifteen recent pages with 8 KB URLs make a summary
// longer than that. The note is cut on a character (never inside an HTML
// entity), keeps why it qualified and its MQL marker, and says it was cut.
func TestHubSpotLongSummaryFitsTheNote(t *testing.T) {
	f := crmfake.NewHubSpot()
	defer f.Close()
	l := lead
	l.Reasons = []string{"資料 & 価格 <比較> を閲覧"}
	l.Activity = nil
	for i := range 15 {
		l.Activity = append(l.Activity, push.Activity{Type: "page", URL: "https://www.example.co.jp/?q=" + strings.Repeat("&資料", 2000), At: lead.QualifiedAt.Add(-time.Duration(i) * time.Minute)})
	}
	if _, err := hs(f).Push(push.WithProgress(context.Background(), push.MemProgress{}), l); err != nil {
		t.Fatal(err)
	}
	if len(f.Notes) != 1 {
		t.Fatalf("%d notes", len(f.Notes))
	}
	body, _ := f.Notes[0]["properties"].(map[string]any)["hs_note_body"].(string)
	if len(utf16.Encode([]rune(body))) > crmfake.HSMaxValue || !utf8.ValidString(body) {
		t.Fatalf("note body of %d characters", utf8.RuneCountInString(body))
	}
	for _, want := range []string{"資料 &amp; 価格 &lt;比較&gt; を閲覧", "baton-mql-" + l.MQLID, "cut"} {
		if !strings.Contains(body, want) {
			t.Errorf("note lacks %q", want)
		}
	}
	if n, ents := strings.Count(body, "&"), len(regexp.MustCompile(`&(amp|lt|gt);`).FindAllString(body, -1)); n != ents {
		t.Errorf("%d ampersands, %d entities: one is cut", n, ents)
	}
}

// TestHubSpotConflictGoesToTheExistingContact: the lead's email is another
// contact's secondary address; HubSpot refuses to create it (409 CONFLICT,
// "Existing ID: n"). The MQL goes to that contact (its properties, a
// lifecycle stage only forward, the note) instead of a dead letter.
func TestHubSpotConflictGoesToTheExistingContact(t *testing.T) {
	f := crmfake.NewHubSpot()
	defer f.Close()
	f.Lock()
	f.Contacts["taro@old.example"] = map[string]string{"hs_object_id": "777", "email": "taro@old.example", "hs_additional_emails": lead.Email, "lifecyclestage": "lead"}
	f.Unlock()
	ctx := push.WithProgress(context.Background(), push.MemProgress{})
	id, err := hs(f).Push(ctx, lead)
	if err != nil {
		t.Fatal(err)
	}
	c := f.Contact("taro@old.example")
	if id != "777" || len(f.Contacts) != 1 || c["jobtitle"] != "部長" || c["lifecyclestage"] != "marketingqualifiedlead" || c["email"] != "taro@old.example" {
		t.Fatalf("id %s, contacts %v", id, f.Contacts)
	}
	if len(f.Notes) != 1 {
		t.Fatalf("%d notes", len(f.Notes))
	}
	assoc := f.Notes[0]["associations"].([]any)[0].(map[string]any)
	if assoc["to"].(map[string]any)["id"] != "777" {
		t.Fatalf("note on %v", assoc)
	}
	// Sales moved it on meanwhile: the stage stays.
	f.Lock()
	f.Contacts["taro@old.example"]["lifecyclestage"] = "customer"
	f.Unlock()
	next := lead
	next.MQLID = lead.PersonID + "-c2"
	if _, err := hs(f).Push(push.WithProgress(context.Background(), push.MemProgress{}), next); err != nil {
		t.Fatal(err)
	}
	if c := f.Contact("taro@old.example"); c["lifecyclestage"] != "customer" || len(f.Notes) != 2 {
		t.Fatalf("contact %v, %d notes", c, len(f.Notes))
	}
}

// TestHubSpotLeavesOutValuesAPropertyRefuses: a dropdown property given a
// value not among its options (numemployees given "約1,200名") makes HubSpot
// refuse the whole contact (VALIDATION_ERROR INVALID_OPTION). The contact
// is upserted without it, and the note gives it.
func TestHubSpotLeavesOutValuesAPropertyRefuses(t *testing.T) {
	f := crmfake.NewHubSpot()
	defer f.Close()
	c := hs(f)
	c.Fields = map[string]string{"employees": "numemployees"}
	l := lead
	l.Attributes = map[string]string{"company": "サンプル株式会社", "title": "部長", "employees": "約1,200名"}
	if _, err := c.Push(push.WithProgress(context.Background(), push.MemProgress{}), l); err != nil {
		t.Fatal(err)
	}
	ct := f.Contact(l.Email)
	if _, ok := ct["numemployees"]; ok || ct["jobtitle"] != "部長" || ct["lifecyclestage"] != "marketingqualifiedlead" {
		t.Fatalf("contact %v", ct)
	}
	body, _ := f.Notes[0]["properties"].(map[string]any)["hs_note_body"].(string)
	if !strings.Contains(body, "numemployees") || !strings.Contains(body, "約1,200名") {
		t.Fatalf("note %q", body)
	}
}

// TestHubSpotCutsLongValues: HubSpot keeps at most 65,536 characters
// (UTF-16 units) in a property value and refuses the whole contact for a
// longer one (INVALID_STRING). A long value (a form's free text) is cut on
// a character before sending, never inside a surrogate pair or a UTF-8
// sequence, the contact upserted in one call, and the note says it was cut.
func TestHubSpotCutsLongValues(t *testing.T) {
	f := crmfake.NewHubSpot()
	defer f.Close()
	c := hs(f)
	c.Fields = map[string]string{"message": "message", "notes": "baton_notes"}
	l := lead
	l.Attributes = map[string]string{"title": "部長",
		"message": strings.Repeat("a", crmfake.HSMaxValue-1) + "🎉 and more", // the emoji (2 units) would end at 65,537
		"notes":   strings.Repeat("あ", crmfake.HSMaxValue+10)}
	if _, err := c.Push(push.WithProgress(context.Background(), push.MemProgress{}), l); err != nil {
		t.Fatal(err)
	}
	ct := f.Contact(l.Email)
	if ct["message"] != strings.Repeat("a", crmfake.HSMaxValue-1) || ct["baton_notes"] != strings.Repeat("あ", crmfake.HSMaxValue) || ct["jobtitle"] != "部長" {
		t.Fatalf("message %d units, notes %d units, title %q", utf16Len(ct["message"]), utf16Len(ct["baton_notes"]), ct["jobtitle"])
	}
	if n := f.Calls["POST /crm/v3/objects/contacts/batch/upsert"]; n != 1 {
		t.Fatalf("%d upserts: HubSpot refused a value first", n)
	}
	body, _ := f.Notes[0]["properties"].(map[string]any)["hs_note_body"].(string)
	for _, want := range []string{"message (cut to 65536 characters", "baton_notes (cut to 65536 characters"} {
		if !strings.Contains(body, want) {
			t.Errorf("the note does not say %q", want)
		}
	}
}

func utf16Len(s string) int { return len(utf16.Encode([]rune(s))) }

// TestHubSpotConflictKeepsTheOthers: HubSpot answers a batch that would
// create a contact for another contact's secondary address with 409
// CONFLICT for the whole batch ("Existing ID: n"), or, with multi-status
// errors, 207 naming it among the errors. Each lead is upserted in a batch
// of its own, so a conflict holds back no other lead; the conflicting one
// goes to the existing contact (no second contact for that person), and
// the others are created, each once.
func TestHubSpotConflictKeepsTheOthers(t *testing.T) {
	f := crmfake.NewHubSpot()
	defer f.Close()
	f.Lock()
	f.Contacts["taro@old.example"] = map[string]string{"hs_object_id": "777", "email": "taro@old.example", "hs_additional_emails": lead.Email}
	f.Unlock()
	others := []string{"jiro@example.co.jp", "saburo@example.co.jp"}
	ids := map[string]string{}
	for i, email := range append([]string{others[0], lead.Email}, others[1]) {
		l := lead
		l.Email, l.PersonID = email, fmt.Sprintf("p_%d", i)
		l.MQLID = l.PersonID + "-c1"
		id, err := hs(f).Push(push.WithProgress(context.Background(), push.MemProgress{}), l)
		if err != nil {
			t.Fatalf("%s: %v", email, err)
		}
		ids[email] = id
	}
	if ids[lead.Email] != "777" || len(f.Contacts) != 3 || f.Contact(lead.Email) != nil || f.Contact(others[0]) == nil || f.Contact(others[1]) == nil || len(f.Notes) != 3 {
		t.Fatalf("ids %v, contacts %v, %d notes", ids, f.Contacts, len(f.Notes))
	}
	// The same conflict as a multi-status answer.
	f.FailWrites(1, crmfake.Fault{Status: 207, Body: `{"status":"COMPLETE","results":[],"numErrors":1,"errors":[{"status":"error","category":"CONFLICT","message":"Contact already exists. Existing ID: 777","context":{"id":["` + lead.Email + `"]}}],"startedAt":"2026-11-24T10:00:00Z","completedAt":"2026-11-24T10:00:00Z"}`})
	next := lead
	next.MQLID = lead.PersonID + "-c2"
	c := hs(f)
	if id, err := c.Push(push.WithProgress(context.Background(), push.MemProgress{}), next); err != nil || id != "777" || len(f.Contacts) != 3 || len(f.Notes) != 4 {
		t.Fatalf("207 conflict: %s %v, %d contacts", id, err, len(f.Contacts))
	}
}

// TestHubSpotFullNameOnly: a form that asked for the name in one field
// ("山田 太郎") names the contact as Salesforce's Lead is named: whole in
// lastname (less the first name when the form gave that too); a contact
// with no name at all showed sales only its address.
func TestHubSpotFullNameOnly(t *testing.T) {
	f := crmfake.NewHubSpot()
	defer f.Close()
	cases := []struct {
		attrs       map[string]string
		last, first string
	}{
		{map[string]string{"name": "山田 太郎"}, "山田 太郎", ""},
		{map[string]string{"name": "山田太郎", "first_name": "太郎"}, "山田", "太郎"},
		{map[string]string{"name": "山田 太郎", "last_name": "山田", "first_name": "太郎"}, "山田", "太郎"},
		{map[string]string{"name": "\u3000"}, "", ""},
	}
	for i, tc := range cases {
		l := lead
		l.Email = fmt.Sprintf("taro%d@example.co.jp", i)
		l.MQLID = fmt.Sprintf("p_names%d-c1", i)
		l.Attributes = tc.attrs
		if _, err := hs(f).Push(context.Background(), l); err != nil {
			t.Fatal(err)
		}
		if ct := f.Contact(l.Email); ct["lastname"] != tc.last || ct["firstname"] != tc.first {
			t.Errorf("%v: lastname %q firstname %q", tc.attrs, ct["lastname"], ct["firstname"])
		}
	}
	// A portal that maps last_name elsewhere gets no name in lastname.
	c := hs(f)
	c.Fields = map[string]string{"last_name": "family_name"}
	l := lead
	l.Email, l.MQLID, l.Attributes = "jiro@example.co.jp", "p_jiro-c1", map[string]string{"name": "山田 次郎"}
	if _, err := c.Push(context.Background(), l); err != nil {
		t.Fatal(err)
	}
	if ct := f.Contact(l.Email); ct["lastname"] != "" {
		t.Errorf("mapped elsewhere: lastname %q", ct["lastname"])
	}
}
