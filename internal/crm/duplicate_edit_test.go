package crm_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/crm/crmfake"
	"github.com/baton-hq/baton/internal/push"
)

// sfPatch sends one PATCH to the fake org, with a token of its own, and
// returns the status and the body.
func sfPatch(t *testing.T, f *crmfake.Salesforce, path string, fields map[string]any) (int, string) {
	t.Helper()
	res, err := http.PostForm(f.URL+"/services/oauth2/token", url.Values{"grant_type": {"client_credentials"}, "client_id": {f.ClientID}, "client_secret": {f.ClientSecret}})
	if err != nil {
		t.Fatal(err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	json.NewDecoder(res.Body).Decode(&tok)
	res.Body.Close()
	b, _ := json.Marshal(fields)
	req, _ := http.NewRequest("PATCH", f.URL+"/services/data/v62.0/sobjects/"+path, bytes.NewReader(b))
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	req.Header.Set("Content-Type", "application/json")
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out bytes.Buffer
	out.ReadFrom(res.Body)
	return res.StatusCode, out.String()
}

// TestSalesforceFakeDuplicateRuleOnEdit: the fake org's Lead rule set to
// block edits refuses an edit (by external id or by record id) that makes
// the Lead match another Lead or Contact, naming them and never the Lead
// itself; an edit that changes no field the rule compares passes, and so
// does every edit with the rule judging creates only.
func TestSalesforceFakeDuplicateRuleOnEdit(t *testing.T) {
	f := crmfake.NewSalesforce()
	defer f.Close()
	f.DuplicateRule, f.DuplicateRuleBlocks, f.DuplicateRuleOnEdit = true, true, true
	own := f.AddLead(map[string]any{"LastName": "山田", "Company": "サンプル", "Email": "old@example.co.jp", "Baton_Person_Id__c": "p_1"})
	contact := f.AddContact(map[string]any{"LastName": "山田", "Email": "hanako@example.co.jp"})
	other := f.AddLead(map[string]any{"LastName": "Yamada", "Company": "Other", "Email": "HANAKO@example.co.jp"})
	for _, path := range []string{"Lead/Baton_Person_Id__c/p_1", "Lead/" + own} {
		status, body := sfPatch(t, f, path, map[string]any{"Email": "hanako@example.co.jp"})
		if status != 400 || !strings.Contains(body, "DUPLICATES_DETECTED") || !strings.Contains(body, contact) || !strings.Contains(body, other) || strings.Contains(body, own) {
			t.Fatalf("%s: an edit making a duplicate: %d %s", path, status, body)
		}
		if got := f.LeadByID(own)["Email"]; got != "old@example.co.jp" {
			t.Fatalf("%s: the refused edit was written: %v", path, got)
		}
		// Its own values again, and fields no matching rule compares: not judged.
		if status, body := sfPatch(t, f, path, map[string]any{"Email": "old@example.co.jp", "Status": "Working - Contacted", "Title": "部長"}); status/100 != 2 {
			t.Fatalf("%s: an edit changing no matched field: %d %s", path, status, body)
		}
	}
	// Allowed on edit (the rule judges creates only): the edit is saved.
	f.DuplicateRuleOnEdit = false
	if status, body := sfPatch(t, f, "Lead/"+own, map[string]any{"Email": "hanako@example.co.jp"}); status != 204 || f.LeadByID(own)["Email"] != "hanako@example.co.jp" {
		t.Fatalf("a rule not judging edits: %d %s", status, body)
	}
}

// TestSalesforceDuplicateRuleRefusesTheUpdate: the org's duplicate rule
// blocks edits too, and Baton's update of the Lead the MQL goes on would
// make it a duplicate: of a Contact sales keep with the person's new
// email (the person's own Lead), or of a Contact with the adopted Lead's
// email as Baton writes it. The MQL is delivered all the same: its Task on
// that Lead (never on the record matched), the Lead left as it was, the
// Task and the delivery saying which rule refused what, matching whom.
func TestSalesforceDuplicateRuleRefusesTheUpdate(t *testing.T) {
	ctx := context.Background()
	org := func() *crmfake.Salesforce {
		f := crmfake.NewSalesforce()
		f.DuplicateRule, f.DuplicateRuleBlocks, f.DuplicateRuleOnEdit = true, true, true
		t.Cleanup(f.Close)
		return f
	}
	check := func(t *testing.T, what string, f *crmfake.Salesforce, mem push.MemProgress, l push.Lead, id, lead, contact, email string) {
		t.Helper()
		task := f.Task(l.MQLID)
		if id != lead || task == nil || task["WhoId"] != lead {
			t.Fatalf("%s: delivered to %s, task %v; want both on the Lead %s (not the Contact %s)", what, id, task, lead, contact)
		}
		if got := f.LeadByID(lead); got["Email"] != email || got["Title"] != nil {
			t.Fatalf("%s: the refused update was written: %v", what, got)
		}
		desc, _ := task["Description"].(string)
		for _, want := range []string{"Standard_Lead_Duplicate_Rule", "Contact " + contact, "refused Baton's update of this Lead"} {
			if !strings.Contains(desc, want) {
				t.Errorf("%s: the Task does not say %q: %q", what, want, desc)
			}
		}
		if step := mem["lead-not-updated"]; !strings.Contains(step, "Standard_Lead_Duplicate_Rule") || !strings.Contains(step, "Contact "+contact) {
			t.Errorf("%s: the delivery does not keep the refusal: %q", what, step)
		}
	}

	// The person's own Lead: their email is new, a Contact sales keep has it.
	t.Run("own Lead", func(t *testing.T) {
		f := org()
		old := lead
		old.Email = "hanako@old.example.co.jp"
		own := f.AddLead(map[string]any{"LastName": "山田", "Company": "サンプル株式会社", "Email": old.Email, "Baton_Person_Id__c": lead.PersonID})
		contact := f.AddContact(map[string]any{"LastName": "山田", "Email": lead.Email})
		mem := push.MemProgress{}
		id, err := sf(f).Push(push.WithProgress(ctx, mem), lead)
		if err != nil {
			t.Fatalf("own Lead: %v", err)
		}
		check(t, "own Lead", f, mem, lead, id, own, contact, old.Email)
		if len(f.Leads) != 1 || len(f.Tasks) != 1 {
			t.Fatalf("own Lead: %d leads, %d tasks", len(f.Leads), len(f.Tasks))
		}

		// Japanese: the note too.
		ja := lead
		ja.MQLID, ja.Lang = lead.PersonID+"-c2", "ja"
		if _, err := sf(f).Push(ctx, ja); err != nil {
			t.Fatalf("own Lead, ja: %v", err)
		}
		if desc, _ := f.Task(ja.MQLID)["Description"].(string); f.Task(ja.MQLID)["WhoId"] != own || !strings.Contains(desc, "リードの項目は更新していません") || !strings.Contains(desc, "Contact "+contact) {
			t.Fatalf("own Lead, ja: %v", f.Task(ja.MQLID))
		}

	})

	// An adopted Lead (match_by_email): sales typed the email in capitals,
	// Baton writes it as the person gave it, a Contact has it.
	t.Run("adopted Lead", func(t *testing.T) {
		g := org()
		adopted := g.AddLead(map[string]any{"LastName": "山田", "Company": "サンプル株式会社", "Email": strings.ToUpper(lead.Email)})
		contact := g.AddContact(map[string]any{"LastName": "山田", "Email": lead.Email})
		c := sf(g)
		c.MatchByEmail = true
		mem := push.MemProgress{}
		id, err := c.Push(push.WithProgress(ctx, mem), lead)
		if err != nil {
			t.Fatalf("adopted Lead: %v", err)
		}
		check(t, "adopted Lead", g, mem, lead, id, adopted, contact, strings.ToUpper(lead.Email))
		if g.LeadByID(adopted)["Baton_Person_Id__c"] != nil || len(g.Leads) != 1 {
			t.Fatalf("adopted Lead: %v", g.Leads)
		}
	})
}

// TestDeliveryDuplicateRuleRefusesTheUpdate: through the push worker, an
// MQL whose Lead update the org's duplicate rule refuses is delivered (no
// retry, no dead letter), its Task on the person's own Lead, the delivery
// record keeping the refusal.
func TestDeliveryDuplicateRuleRefusesTheUpdate(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	m := r.mql(t, "hanako@example.co.jp")
	f := crmfake.NewSalesforce()
	defer f.Close()
	f.DuplicateRule, f.DuplicateRuleBlocks, f.DuplicateRuleOnEdit = true, true, true
	own := f.AddLead(map[string]any{"LastName": "山田", "Company": "サンプル", "Email": "hanako@old.example.co.jp", "Baton_Person_Id__c": m.Person})
	contact := f.AddContact(map[string]any{"LastName": "山田", "Email": m.Email})
	if err := r.q.Enqueue(ctx, m.ID, m); err != nil {
		t.Fatal(err)
	}
	w := r.worker(sf(f))
	for range 3 {
		if _, err := w.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
	}
	ds, err := push.Deliveries(ctx, r.tb, m.Person)
	if err != nil || len(ds) != 1 {
		t.Fatalf("%v %+v", err, ds)
	}
	d := ds[0]
	if d.Status != push.StatusDelivered || d.ExternalID != own || d.Attempts > 1 || f.Task(m.ID)["WhoId"] != own {
		t.Fatalf("delivery %+v, task %v; want delivered once to %s", d, f.Task(m.ID), own)
	}
	if step := d.Steps["lead-not-updated"]; !strings.Contains(step, "Contact "+contact) {
		t.Fatalf("the delivery does not keep the refusal: %+v", d)
	}
	if dead, _ := r.q.Dead(ctx); len(dead) != 0 {
		t.Fatalf("dead letters %+v", dead)
	}
}
