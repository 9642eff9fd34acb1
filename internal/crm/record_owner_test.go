package crm_test

import (
	"context"
	"errors"
	"testing"

	"github.com/baton-hq/baton/internal/crm/crmfake"
	"github.com/baton-hq/baton/internal/push"
	"github.com/baton-hq/baton/internal/qualify"
)

// TestSalesforceRecordOwner: an SLA breach named no rep (Baton learns
// them from sales' verdicts, and a breach is a lead no one answered). The
// Lead the MQL went on has the owner the org's assignment rule gave it:
// read from it (OwnerId) and named as the verdicts' owners are (a User's
// email, a queue's name); a Lead deleted since has none.
func TestSalesforceRecordOwner(t *testing.T) {
	ctx := context.Background()
	f := crmfake.NewSalesforce()
	defer f.Close()
	f.AssignTo = "0055g00000AbCdEAAZ"
	f.Users = map[string]map[string]any{"0055g00000AbCdEAAZ": {"Id": "0055g00000AbCdEAAZ", "Name": "田中 太郎", "Email": "tanaka@acme.example"}}
	f.Groups = map[string]map[string]any{"00G5g00000QueUeAAA": {"Id": "00G5g00000QueUeAAA", "Name": "インサイドセールス", "Type": "Queue"}}
	c := sf(f)
	id, err := c.Push(ctx, lead)
	if err != nil {
		t.Fatal(err)
	}
	if o, err := c.RecordOwner(ctx, id); err != nil || o != (qualify.Owner{ID: "0055g00000AbCdEAAZ", Name: "tanaka@acme.example"}) {
		t.Fatalf("assigned to a User: %+v %v", o, err)
	}
	f.Leads[lead.PersonID]["OwnerId"] = "00G5g00000QueUeAAA" // sales moved it to the queue
	if o, err := c.RecordOwner(ctx, id); err != nil || o != (qualify.Owner{ID: "00G5g00000QueUeAAA", Name: "インサイドセールス"}) {
		t.Fatalf("a queue's: %+v %v", o, err)
	}
	// The owner's name unreadable (no Group access): its id, and why.
	f.Unreadable = map[string]bool{"Group": true}
	if o, err := c.RecordOwner(ctx, id); err == nil || o != (qualify.Owner{ID: "00G5g00000QueUeAAA"}) {
		t.Fatalf("a queue unreadable: %+v %v", o, err)
	}
	delete(f.Leads, lead.PersonID)
	if o, err := c.RecordOwner(ctx, id); err != nil || o != (qualify.Owner{}) {
		t.Fatalf("a Lead deleted: %+v %v", o, err)
	}
}

// TestHubSpotRecordOwner: the contact's hubspot_owner_id (a workflow's or
// a rep's), named by the owner's email as feedback names it, an archived
// owner too; a token without crm.objects.owners.read gets the id and
// HubSpot's refusal; a contact nobody owns or deleted has none.
func TestHubSpotRecordOwner(t *testing.T) {
	ctx := push.WithProgress(context.Background(), push.MemProgress{})
	f := crmfake.NewHubSpot()
	defer f.Close()
	c := hs(f)
	id, err := c.Push(ctx, lead)
	if err != nil {
		t.Fatal(err)
	}
	if o, err := c.RecordOwner(ctx, id); err != nil || o != (qualify.Owner{}) {
		t.Fatalf("nobody's yet: %+v %v", o, err)
	}
	f.Owners = map[string]*crmfake.HubSpotOwner{"77": {ID: "77", Email: "sato@acme.example", FirstName: "花子", LastName: "佐藤"}}
	f.Contacts[lead.Email]["hubspot_owner_id"] = "77" // the workflow's
	if o, err := c.RecordOwner(ctx, id); err != nil || o != (qualify.Owner{ID: "77", Name: "sato@acme.example"}) {
		t.Fatalf("owned: %+v %v", o, err)
	}
	f.Owners["77"].Email, f.Owners["77"].Archived = "", true // deactivated since
	if o, err := c.RecordOwner(ctx, id); err != nil || o != (qualify.Owner{ID: "77", Name: "佐藤 花子"}) {
		t.Fatalf("an archived owner without email: %+v %v", o, err)
	}
	f.MissingScopes = []string{"crm.objects.owners.read"}
	var pe *push.Error
	if o, err := c.RecordOwner(ctx, id); !errors.As(err, &pe) || pe.Status != 403 || o != (qualify.Owner{ID: "77"}) {
		t.Fatalf("without the owners' scope: %+v %v", o, err)
	}
	delete(f.Contacts, lead.Email)
	if o, err := c.RecordOwner(ctx, id); err != nil || o != (qualify.Owner{}) {
		t.Fatalf("a contact deleted: %+v %v", o, err)
	}
}

// TestKintoneRecordOwner: the record's rep as feedback names kintone's:
// the first user of feedback.kintone_owner_field (a ユーザー選択), else of
// the process management's 作業者, by display name (the login name its
// id); never the 更新者 (Baton's own write until sales touch it). A record
// deleted since has none; a wrong token is kintone's refusal.
func TestKintoneRecordOwner(t *testing.T) {
	ctx := context.Background()
	f := crmfake.NewKintone()
	defer f.Close()
	c := kt(f)
	id, err := c.Push(ctx, lead)
	if err != nil {
		t.Fatal(err)
	}
	if o, err := c.RecordOwner(ctx, id); err != nil || o != (qualify.Owner{}) {
		t.Fatalf("no user field: %+v %v", o, err)
	}
	f.Fields["作業者"] = map[string]any{"type": "STATUS_ASSIGNEE", "code": "作業者", "label": "作業者"}
	f.Fields["担当者"] = map[string]any{"type": "USER_SELECT", "code": "担当者", "label": "担当者"}
	f.Users = map[string]map[string][]crmfake.KintoneUser{lead.Email: {"作業者": {{Code: "suzuki", Name: "鈴木 一郎"}, {Code: "sato", Name: "佐藤 花子"}}}}
	if o, err := c.RecordOwner(ctx, id); err != nil || o != (qualify.Owner{ID: "suzuki", Name: "鈴木 一郎"}) {
		t.Fatalf("the 作業者: %+v %v", o, err)
	}
	c.OwnerField = "担当者"
	if o, err := c.RecordOwner(ctx, id); err != nil || o != (qualify.Owner{}) {
		t.Fatalf("the owner field empty: %+v %v", o, err)
	}
	f.Users[lead.Email]["担当者"] = []crmfake.KintoneUser{{Code: "tanaka", Name: ""}}
	if o, err := c.RecordOwner(ctx, id); err != nil || o != (qualify.Owner{ID: "tanaka", Name: "tanaka"}) {
		t.Fatalf("the owner field: %+v %v", o, err)
	}
	bad := kt(f)
	bad.APIToken = "wrong"
	if _, err := bad.RecordOwner(ctx, id); err == nil {
		t.Fatal("a wrong token: no error")
	}
	delete(f.Records, lead.Email)
	if o, err := c.RecordOwner(ctx, id); err != nil || o != (qualify.Owner{}) {
		t.Fatalf("a record deleted: %+v %v", o, err)
	}
}
