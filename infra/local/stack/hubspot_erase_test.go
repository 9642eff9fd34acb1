package stack_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/baton-hq/baton/infra/local/stack"
	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/crm/crmfake"
)

// TestHubSpotContactWithoutEmailErased: a person whose address HubSpot
// refuses (INVALID_EMAIL: taro.erase@acme.cojp, a TLD typo Baton takes) is
// delivered as a contact without it, the note quoting the address. Their
// disclosure lists that contact's id; their erasure (sfa.erase) deleted
// nothing there: the GDPR delete by email found no contact (404, taken as
// done), and the answer said HubSpot acknowledged while the contact (the
// company, the title) and the note stayed. It is deleted by the id the
// delivery kept, its note with it. HubSpot failing that delete fails the
// erasure (503), which is retried, the person still there.
func TestHubSpotContactWithoutEmailErased(t *testing.T) {
	ctx := context.Background()
	clk := clock.NewManual(t0)
	f := crmfake.NewHubSpot()
	defer f.Close()
	f.Now = clk.Now
	p := writeConfig(t, "sfa:\n  erase: true\n  hubspot:\n    base_url: "+f.URL+"\n")
	s := stack.ForTestClock(t, map[string]string{"BATON_CONFIG": p, "BATON_HUBSPOT_TOKEN": f.Token}, clk.Now)
	const email = "taro.erase@acme.cojp"
	id := qualifyOne(t, s, "hs-erase-browser", email)
	deliver(t, s, func() bool { return mqlDelivered(t, s, id+"-c1") })
	contact := ""
	f.Lock()
	for key, c := range f.Contacts {
		if strings.HasPrefix(key, "#") && c["company"] == "Maker" {
			contact = c["hs_object_id"]
		}
	}
	notes := len(f.Notes)
	f.Unlock()
	if contact == "" || notes != 1 {
		t.Fatalf("no contact without email for %s (%d notes): %v", email, notes, f.Contacts)
	}
	// A contact of someone else's, without email too, stays.
	other := f.AddContact(map[string]string{"lastname": "佐藤", "company": "他社"})

	code, b := do(t, "GET", s.URL+"/admin/people/"+id+"/disclosure", token, "")
	var d struct {
		Items map[string][]map[string]any `json:"items"`
	}
	if code != 200 || json.Unmarshal(b, &d) != nil {
		t.Fatalf("disclosure: %d %s", code, b)
	}
	listed := false
	for _, ext := range d.Items["external"] {
		listed = listed || ext["connector"] == "hubspot" && ext["externalId"] == contact
	}
	if !listed {
		t.Errorf("the disclosure does not list HubSpot's contact %s: %v", contact, d.Items["external"])
	}

	f.Fail(1, crmfake.Fault{Status: 503, Body: `{"status":"error","message":"Service Unavailable","category":"INTERNAL_ERROR"}`})
	if code, b := do(t, "DELETE", s.URL+"/admin/people/"+id, token, ""); code != 503 || !strings.Contains(string(b), "hubspot") {
		t.Fatalf("erased with HubSpot failing the delete: %d %s", code, b)
	}
	if _, err := s.App.People.Get(ctx, id); err != nil {
		t.Fatalf("the person is gone after a failed erasure (nothing to retry it from): %v", err)
	}
	code, b = do(t, "DELETE", s.URL+"/admin/people/"+id, token, "")
	var v struct {
		Told map[string]struct{ Acknowledged bool } `json:"told"`
	}
	if code != 200 || json.Unmarshal(b, &v) != nil || !v.Told["hubspot"].Acknowledged {
		t.Fatalf("erase: %d %s", code, b)
	}
	f.Lock()
	defer f.Unlock()
	for _, c := range f.Contacts {
		if c["hs_object_id"] == contact {
			t.Errorf("HubSpot keeps the erased person's contact %s: %v", contact, c)
		}
	}
	if len(f.Contacts) != 1 || f.Contacts["#"+other] == nil {
		t.Errorf("contacts left: %v (want only %s)", f.Contacts, other)
	}
	for _, n := range f.Notes {
		if body := fmt.Sprint(n["properties"]); strings.Contains(body, email) {
			t.Errorf("HubSpot keeps the note quoting the erased address: %s", body)
		}
	}
}
