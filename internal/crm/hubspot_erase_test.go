package crm_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/baton-hq/baton/internal/crm/crmfake"
	"github.com/baton-hq/baton/internal/push"
)

// deliveredForgetter is how an erasure tells a connector that forgets by
// the records Baton delivered the person to (internal/app/delivery).
type deliveredForgetter interface {
	ForgetDelivered(ctx context.Context, personID, email string, ds []push.Delivery) error
}

// TestHubSpotForgetsTheContactWithoutEmail: a lead whose address HubSpot
// refuses (INVALID_EMAIL) is a contact without it; the erasure's GDPR
// delete by email found nothing there (404, taken as done), and the
// contact (names, company, phone) and its note quoting the address stayed.
// It is deleted by the id its deliveries kept (the MQLs' ExternalID, all
// cycles on one contact), with its note; a delivery whose note failed
// knows its contact by steps.contact alone, and that is deleted too.
// Another contact without email stays, and so does its note.
func TestHubSpotForgetsTheContactWithoutEmail(t *testing.T) {
	for i, email := range hsRefused {
		t.Run(email, func(t *testing.T) {
			f := crmfake.NewHubSpot()
			defer f.Close()
			var c push.Connector = hs(f)
			fd, ok := c.(deliveredForgetter)
			if !ok {
				t.Fatal("HubSpot cannot be told the records Baton delivered the person to: an erasure reaches only the contact with their email")
			}
			other := f.AddContact(map[string]string{"lastname": "佐藤", "company": "他社"})
			f.Notes = append(f.Notes, map[string]any{"id": "8001", "properties": map[string]any{"hs_note_body": "佐藤さんのメモ"},
				"associations": []any{map[string]any{"to": map[string]any{"id": other}}}})

			// Person one: two MQLs, both on one contact without email.
			l := lead
			l.Email = email
			l.PersonID = "p_hserase" + string(rune('a'+i))
			l.MQLID = l.PersonID + "-c1"
			first, err := c.Push(push.WithProgress(context.Background(), push.MemProgress{}), l)
			if err != nil {
				t.Fatal(err)
			}
			again := l
			again.MQLID, again.Cycle, again.Record = l.PersonID+"-c2", 2, first
			if id, err := c.Push(push.WithProgress(context.Background(), push.MemProgress{}), again); err != nil || id != first {
				t.Fatalf("second MQL on %q (%v), want %s", id, err, first)
			}
			if ct := f.Contact("#" + first); ct == nil || ct["email"] != "" || len(f.Notes) != 3 {
				t.Fatalf("not a contact without email with two notes: %v, %d notes", f.Contacts, len(f.Notes))
			}
			ones := []push.Delivery{
				{MQLID: l.MQLID, Connector: "hubspot", Status: push.StatusDelivered, ExternalID: first},
				{MQLID: again.MQLID, Connector: "hubspot", Status: push.StatusDelivered, ExternalID: first},
			}

			// Person two (same address typed, another person): the note
			// failed, its contact known by steps.contact alone.
			h := hs(f)
			h.Client = &http.Client{Transport: &failFirstNote{}}
			two := l
			two.PersonID, two.MQLID = l.PersonID+"2", l.PersonID+"2-c1"
			two.Attributes = map[string]string{"last_name": "鈴木", "company": "別会社"}
			prog := push.MemProgress{}
			if _, err := h.Push(push.WithProgress(context.Background(), prog), two); err == nil {
				t.Fatal("the note did not fail")
			}
			second := prog["contact"]
			if second == "" || f.Contact("#"+second) == nil {
				t.Fatalf("no contact made: steps %v, %v", prog, f.Contacts)
			}
			f.Lock()
			f.Notes = append(f.Notes, map[string]any{"id": "8002", "properties": map[string]any{"hs_note_body": "<p>鈴木 " + email + "</p>"},
				"associations": []any{map[string]any{"to": map[string]any{"id": second}}}})
			f.Unlock()

			if err := fd.ForgetDelivered(context.Background(), l.PersonID, email, ones); err != nil {
				t.Fatal(err)
			}
			if f.Contact("#"+first) != nil || f.Contact("#"+second) == nil || f.Contact("#"+other) == nil || len(f.Contacts) != 2 {
				t.Fatalf("person one erased: left %v (want %s and %s)", f.Contacts, second, other)
			}
			if n := f.Calls["POST /crm/v3/objects/contacts/gdpr-delete"]; n != 2 { // the id once, the email
				t.Fatalf("%d GDPR deletes", n)
			}
			err = fd.ForgetDelivered(context.Background(), two.PersonID, email, []push.Delivery{{MQLID: two.MQLID, Connector: "hubspot", Status: push.StatusRetrying, Steps: prog}})
			if err != nil {
				t.Fatal(err)
			}
			f.Lock()
			defer f.Unlock()
			if len(f.Contacts) != 1 || f.Contacts["#"+other] == nil {
				t.Fatalf("left: %v (want only the other person's contact %s)", f.Contacts, other)
			}
			if len(f.Notes) != 1 || f.Notes[0]["id"] != "8001" {
				t.Fatalf("notes left: %v", f.Notes)
			}
		})
	}
}

// TestHubSpotForgetDeliveredAgainAndFailing: an erasure retried finds the
// contacts gone (404): done. HubSpot failing a delete by id (a 5xx) fails
// the erasure, to be retried, the email's delete not yet asked.
func TestHubSpotForgetDeliveredAgainAndFailing(t *testing.T) {
	f := crmfake.NewHubSpot()
	defer f.Close()
	var c push.Connector = hs(f)
	fd, ok := c.(deliveredForgetter)
	if !ok {
		t.Fatal("HubSpot cannot be told the records Baton delivered the person to")
	}
	l := lead
	l.Email = hsRefused[2]
	id, err := c.Push(push.WithProgress(context.Background(), push.MemProgress{}), l)
	if err != nil {
		t.Fatal(err)
	}
	ds := []push.Delivery{{MQLID: l.MQLID, Connector: "hubspot", Status: push.StatusDelivered, ExternalID: id}}
	f.Fail(1, crmfake.Fault{Status: 503, Body: `{"status":"error","message":"Service Unavailable","category":"INTERNAL_ERROR"}`})
	err = fd.ForgetDelivered(context.Background(), l.PersonID, l.Email, ds)
	if pe := perr(t, err); pe.Permanent || pe.Status != 503 {
		t.Fatalf("a 503 on the delete by id: %+v", pe)
	}
	if f.Contact("#"+id) == nil {
		t.Fatal("the contact went on a failed delete")
	}
	for range 2 {
		if err := fd.ForgetDelivered(context.Background(), l.PersonID, l.Email, ds); err != nil {
			t.Fatal(err)
		}
	}
	if len(f.Contacts) != 0 || len(f.Notes) != 0 {
		t.Fatalf("left: %v, notes %v", f.Contacts, f.Notes)
	}
}
