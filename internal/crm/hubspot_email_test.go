package crm_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/crm"
	"github.com/baton-hq/baton/internal/crm/crmfake"
	"github.com/baton-hq/baton/internal/push"
)

// hsRefused are addresses Baton takes (event.NormalizeEmail, Deliverable)
// and HubSpot refuses, INVALID_EMAIL: a TLD not in IANA's list (a typo's
// .cojp, HubSpot community's tb.tb@yahoo.comtttt) and a UTF-8 local part,
// not RFC 2822's ASCII.
var hsRefused = []string{"taro@acme.cojp", "tb.tb@yahoo.comtttt", "山田@example.jp"}

// TestHubSpotFakeRefusesAsHubSpot: the fake answers the contact endpoints
// as HubSpot does an address it refuses, 400 VALIDATION_ERROR naming
// INVALID_EMAIL, and takes the ones HubSpot takes (a new gTLD, an IDN in
// its ASCII form).
func TestHubSpotFakeRefusesAsHubSpot(t *testing.T) {
	f := crmfake.NewHubSpot()
	defer f.Close()
	call := func(path string, body any) (int, string) {
		t.Helper()
		b, _ := json.Marshal(body)
		req, _ := http.NewRequest("POST", f.URL+path, bytes.NewReader(b))
		req.Header.Set("Authorization", "Bearer "+f.Token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out bytes.Buffer
		out.ReadFrom(resp.Body)
		return resp.StatusCode, out.String()
	}
	for _, email := range append(hsRefused, `"taro yamada"@example.jp`) {
		upsert := map[string]any{"inputs": []any{map[string]any{"idProperty": "email", "id": email, "properties": map[string]string{"email": email}}}}
		for path, body := range map[string]any{"/crm/v3/objects/contacts/batch/upsert": upsert, "/crm/v3/objects/contacts": map[string]any{"properties": map[string]string{"email": email}}} {
			status, got := call(path, body)
			var e struct{ Category, Message string }
			json.Unmarshal([]byte(got), &e)
			if status != 400 || e.Category != "VALIDATION_ERROR" || !strings.HasPrefix(e.Message, "Property values were not valid: [") || !strings.Contains(e.Message, `"error":"INVALID_EMAIL","name":"email"`) {
				t.Errorf("%s %s: %d %s", path, email, status, got)
			}
		}
	}
	if len(f.Contacts) != 0 {
		t.Fatalf("contacts made: %v", f.Contacts)
	}
	for _, email := range []string{"taro@acme.co.jp", "xyz@test.design", "taro@xn--r8jz45g.jp", "o'brien+mql@example.com"} {
		status, got := call("/crm/v3/objects/contacts/batch/upsert", map[string]any{"inputs": []any{map[string]any{"idProperty": "email", "id": email, "properties": map[string]string{"email": email}}}})
		if status != 200 || f.Contact(email) == nil {
			t.Errorf("%s: %d %s", email, status, got)
		}
	}
}

// failFirstNote is a transport whose first POST of a note is refused by
// HubSpot's secondly rate limit: the delivery is retried.
type failFirstNote struct{ failed bool }

func (f *failFirstNote) RoundTrip(r *http.Request) (*http.Response, error) {
	if !f.failed && r.Method == "POST" && r.URL.Path == "/crm/v3/objects/notes" {
		f.failed = true
		h := http.Header{"Content-Type": {"application/json"}}
		for k, v := range crmfake.RateHeaders {
			h.Set(k, v)
		}
		return &http.Response{StatusCode: 429, Header: h, Body: io.NopCloser(strings.NewReader(crmfake.HSSecondlyLimit)), Request: r}, nil
	}
	return http.DefaultTransport.RoundTrip(r)
}

// TestHubSpotEmailItRefuses: an MQL whose address HubSpot refuses is not
// dead-lettered (sales would never see the lead): it is a contact without
// the email, at marketingqualifiedlead, its note giving the address and
// why, in the summary's language. A retry of the delivery (the note
// failed) goes on with the contact kept with the delivery: no second
// contact, no second note, nor on a copy of the message after it is done.
func TestHubSpotEmailItRefuses(t *testing.T) {
	for i, email := range hsRefused {
		for _, lang := range []string{"ja", "en"} {
			t.Run(email+"/"+lang, func(t *testing.T) {
				f := crmfake.NewHubSpot()
				defer f.Close()
				c := hs(f)
				c.Client = &http.Client{Transport: &failFirstNote{}}
				l := lead
				l.Email, l.Lang = email, lang
				l.PersonID = "p_hsmail" + string(rune('a'+i))
				l.MQLID = l.PersonID + "-c1"
				ctx := push.WithProgress(context.Background(), push.MemProgress{})
				if _, err := c.Push(ctx, l); err == nil || perr(t, err).Permanent {
					t.Fatalf("%s (%s): the note failed: %v", email, lang, err)
				}
				first, err := c.Push(ctx, l)
				if err != nil {
					t.Fatalf("%s (%s): %v", email, lang, err)
				}
				if id, err := c.Push(ctx, l); err != nil || id != first {
					t.Fatalf("%s (%s): again %q %v, first %q", email, lang, id, err, first)
				}
				if len(f.Contacts) != 1 || len(f.Notes) != 1 || f.Calls["POST /crm/v3/objects/contacts"] != 1 {
					t.Fatalf("%s (%s): %d contacts (%d made), %d notes", email, lang, len(f.Contacts), f.Calls["POST /crm/v3/objects/contacts"], len(f.Notes))
				}
				ct := f.Contacts["#"+first]
				if ct == nil || ct["email"] != "" || ct["lifecyclestage"] != "marketingqualifiedlead" || ct["lastname"] != "山田" || ct["company"] != "サンプル株式会社" {
					t.Fatalf("%s (%s): contact %v", email, lang, f.Contacts)
				}
				body := f.Notes[0]["properties"].(map[string]any)["hs_note_body"].(string)
				to := f.Notes[0]["associations"].([]any)[0].(map[string]any)["to"].(map[string]any)["id"]
				why := map[string]string{"ja": "HubSpot が受け付けないアドレスです（INVALID_EMAIL）", "en": "an address HubSpot does not take, INVALID_EMAIL"}[lang]
				if to != first || !strings.Contains(body, email) || !strings.Contains(body, why) {
					t.Errorf("%s (%s): note on %v: %s", email, lang, to, body)
				}
			})
		}
	}
}

// TestHubSpotEmailItRefusesLostAnswer: HubSpot made the contact without
// email but its answer was lost. Nothing of Baton's is unique on it, so
// the retry looks for it (no email, made then, the same names and
// company), waiting out search's lag, rather than making a second one.
func TestHubSpotEmailItRefusesLostAnswer(t *testing.T) {
	f := crmfake.NewHubSpot()
	defer f.Close()
	now := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	f.Now = func() time.Time { return now }
	c := &crm.HubSpot{BaseURL: f.URL, Token: f.Token, Now: func() time.Time { return now }}
	// Another contact without email, of the same company and stage but
	// another name, made just before and seen by search.
	decoy := f.AddContact(map[string]string{"lastname": "佐藤", "firstname": "花子", "company": "サンプル株式会社", "lifecyclestage": "marketingqualifiedlead"})
	l := lead
	l.Email = hsRefused[2]
	ctx := push.WithProgress(context.Background(), push.MemProgress{})
	f.LoseAnswer("POST /crm/v3/objects/contacts", 1)
	if _, err := c.Push(ctx, l); err == nil || perr(t, err).Permanent {
		t.Fatalf("answer lost: %v", err)
	}
	_, err := c.Push(ctx, l)
	if pe := perr(t, err); pe.Permanent || pe.RetryAfter <= 0 || len(f.Contacts) != 2 {
		t.Fatalf("retry before search sees the contact: %+v, %d contacts", pe, len(f.Contacts))
	}
	now = now.Add(f.SearchLag + time.Second)
	id, err := c.Push(ctx, l)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Contacts) != 2 || f.Calls["POST /crm/v3/objects/contacts"] != 1 || id == decoy || f.Contacts["#"+id]["lastname"] != "山田" || len(f.Notes) != 1 {
		t.Fatalf("id %s: %d contacts, %d creates, %d notes", id, len(f.Contacts), f.Calls["POST /crm/v3/objects/contacts"], len(f.Notes))
	}
}

// TestHubSpotEmailItRefusesReinquiry: a form the person sends after the
// MQL goes on the contact without email the MQL made (its delivery's id),
// as a note. And should HubSpot refuse the read by the address before the
// upsert (it documents no answer to it), the lead is delivered all the same.
func TestHubSpotEmailItRefusesReinquiry(t *testing.T) {
	f := crmfake.NewHubSpot()
	defer f.Close()
	c := hs(f)
	l := lead
	l.Email = hsRefused[1]
	id, err := c.Push(context.Background(), l)
	if err != nil {
		t.Fatal(err)
	}
	a := push.FormActivity{ID: "f_again", PersonID: l.PersonID, Email: l.Email, MQLID: l.MQLID, MQLExternalID: id, At: l.QualifiedAt.Add(time.Hour), Lang: "ja"}
	if _, err := c.PushActivity(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	if len(f.Notes) != 2 || f.Notes[1]["associations"].([]any)[0].(map[string]any)["to"].(map[string]any)["id"] != id {
		t.Fatalf("notes %v", f.Notes)
	}
	f.Fail(1, crmfake.Fault{Status: 400, Body: `{"status":"error","message":"Property values were not valid: [{\"isValid\":false,\"message\":\"Email address tb.tb@yahoo.comtttt is invalid\",\"error\":\"INVALID_EMAIL\",\"name\":\"email\"}]","category":"VALIDATION_ERROR"}`})
	l2 := l
	l2.PersonID, l2.MQLID = "p_hsmailread", "p_hsmailread-c1"
	if _, err := c.Push(context.Background(), l2); err != nil || len(f.Contacts) != 2 {
		t.Fatalf("read refused: %v, %d contacts", err, len(f.Contacts))
	}
}

// TestHubSpotEmailItRefusesNextMQL: the person qualifies again (sales
// sent them back). Their contact has no email to upsert by, so the MQL
// goes on the contact the previous one went on (push.Lead.Record): no
// second contact, the note there, the lead status open again, what sales
// typed kept. A contact HubSpot no longer has (deleted) is made again.
func TestHubSpotEmailItRefusesNextMQL(t *testing.T) {
	f := crmfake.NewHubSpot()
	defer f.Close()
	c := hs(f)
	l := lead
	l.Email = hsRefused[0]
	first, err := c.Push(push.WithProgress(context.Background(), push.MemProgress{}), l)
	if err != nil {
		t.Fatal(err)
	}
	f.Contacts["#"+first]["jobtitle"] = "営業部長" // sales corrected it
	f.Contacts["#"+first]["hs_lead_status"] = "UNQUALIFIED"
	again := l
	again.MQLID, again.Cycle, again.Record = l.PersonID+"-c2", 2, first
	again.Last = push.SentHashes(l.Attributes)
	again.Unchanged = map[string]bool{"last_name": true, "first_name": true, "company": true, "title": true}
	id, err := c.Push(push.WithProgress(context.Background(), push.MemProgress{}), again)
	if err != nil || id != first {
		t.Fatalf("second MQL on %q (%v), want %s", id, err, first)
	}
	ct := f.Contacts["#"+first]
	if len(f.Contacts) != 1 || f.Calls["POST /crm/v3/objects/contacts"] != 1 || ct["jobtitle"] != "営業部長" || ct["hs_lead_status"] != "NEW" || ct["email"] != "" {
		t.Fatalf("%d contacts (%d made): %v", len(f.Contacts), f.Calls["POST /crm/v3/objects/contacts"], ct)
	}
	if len(f.Notes) != 2 || f.Notes[1]["associations"].([]any)[0].(map[string]any)["to"].(map[string]any)["id"] != first {
		t.Fatalf("notes %v", f.Notes)
	}
	// Sales deleted the contact: the third MQL makes one again.
	delete(f.Contacts, "#"+first)
	third := again
	third.MQLID, third.Cycle = l.PersonID+"-c3", 3
	id, err = c.Push(push.WithProgress(context.Background(), push.MemProgress{}), third)
	if err != nil || id == first || f.Contacts["#"+id] == nil || len(f.Contacts) != 1 {
		t.Fatalf("third MQL on %q (%v): %v", id, err, f.Contacts)
	}
}

// TestHubSpotEmailItRefusesLostAnswerNothingToMatch: two people whose
// forms gave only an address HubSpot refuses, a minute apart, the answer
// creating B's contact lost. Nothing of B's own tells B's contact from A's
// (both without email, at the MQL stage, made within minutes): B's retry
// took A's contact, and B's MQL and every later one went on A. Now it
// makes B's again: a duplicate sales can merge, never someone else's.
func TestHubSpotEmailItRefusesLostAnswerNothingToMatch(t *testing.T) {
	f := crmfake.NewHubSpot()
	defer f.Close()
	now := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	f.Now = func() time.Time { return now }
	c := &crm.HubSpot{BaseURL: f.URL, Token: f.Token, Now: func() time.Time { return now }}
	a := lead
	a.Attributes = map[string]string{}
	a.Email, a.PersonID, a.MQLID = hsRefused[0], "p_a", "p_a-c1"
	idA, err := c.Push(push.WithProgress(context.Background(), push.MemProgress{}), a)
	if err != nil {
		t.Fatal(err)
	}
	now = now.Add(time.Minute)
	b := a
	b.Email, b.PersonID, b.MQLID = hsRefused[1], "p_b", "p_b-c1"
	ctx := push.WithProgress(context.Background(), push.MemProgress{})
	f.LoseAnswer("POST /crm/v3/objects/contacts", 1)
	if _, err := c.Push(ctx, b); err == nil {
		t.Fatal("answer lost: no error")
	}
	now = now.Add(3 * time.Minute)
	idB, err := c.Push(ctx, b)
	if err != nil || idB == idA {
		t.Fatalf("B's MQL went on %s (A's is %s): %v", idB, idA, err)
	}
}

// TestHubSpotEmailItRefusesLostAnswerValueLeftOff: the company was
// refused (a dropdown without that option) and left off the contact made
// without email, whose answer was then lost. The retry looked for the
// company on it, found nothing and made a second contact; it looks
// without what HubSpot refused.
func TestHubSpotEmailItRefusesLostAnswerValueLeftOff(t *testing.T) {
	f := crmfake.NewHubSpot()
	defer f.Close()
	now := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	f.Now = func() time.Time { return now }
	f.Enumerations = map[string][]string{"company": {"株式会社ほか"}}
	c := &crm.HubSpot{BaseURL: f.URL, Token: f.Token, Now: func() time.Time { return now }}
	l := lead
	l.Email = hsRefused[0]
	ctx := push.WithProgress(context.Background(), push.MemProgress{})
	f.LoseAnswerAfter("POST /crm/v3/objects/contacts", 1, 1) // the first create refused, the second made and its answer lost
	if _, err := c.Push(ctx, l); err == nil {
		t.Fatal("answer lost: no error")
	}
	now = now.Add(f.SearchLag + time.Second)
	id, err := c.Push(ctx, l)
	if err != nil || len(f.Contacts) != 1 || f.Contacts["#"+id]["lastname"] != "山田" {
		t.Fatalf("id %s: %d contacts, %v", id, len(f.Contacts), err)
	}
}
