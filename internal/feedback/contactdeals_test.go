package feedback_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/baton-hq/baton/internal/crm/crmfake"
	"github.com/baton-hq/baton/internal/feedback"
)

// TestHubSpotContactDeals: the contacts' deals, read as HubSpot answers
// its associations batch read, every page of each; a contact without
// deals, or HubSpot has not, has none; its refusals as HubSpot's.
func TestHubSpotContactDeals(t *testing.T) {
	hs := crmfake.NewHubSpot()
	defer hs.Close()
	hs.Contacts["a@example.com"] = map[string]string{"hs_object_id": "501", "email": "a@example.com"}
	hs.Contacts["b@example.com"] = map[string]string{"hs_object_id": "502", "email": "b@example.com"}
	hs.Deals = map[string]*crmfake.HubSpotDeal{}
	for i := range 600 {
		hs.Deals[fmt.Sprint(10000+i)] = &crmfake.HubSpotDeal{Contacts: []string{"501"}}
	}
	hs.Deals["20000"] = &crmfake.HubSpotDeal{Contacts: []string{"502", "501", "999"}} // 999: a contact merged away since
	api := &feedback.HubSpotDeals{BaseURL: hs.URL, Token: hs.Token}
	ctx := context.Background()
	got, err := api.ContactsDeals(ctx, []string{"501", "502", "999", "501"})
	if ids := got["501"]; err != nil || len(ids) != 601 || ids[0] != "10000" || ids[599] != "10599" || ids[600] != "20000" || fmt.Sprint(got["502"]) != "[20000]" || got["999"] != nil {
		t.Fatalf("%d deals of 501, %v of 502, %v of 999: %v", len(ids), got["502"], got["999"], err)
	}
	hs.Lock()
	reads := fmt.Sprint(hs.ContactDealReads)
	hs.Unlock()
	if reads != "[[501 502 999] [501]]" { // 501's second page asked alone
		t.Fatalf("reads %s", reads)
	}
	hs.MissingScopes = []string{"crm.objects.deals.read"}
	var he *feedback.HubSpotError
	if _, err := api.ContactsDeals(ctx, []string{"501"}); !errors.As(err, &he) || !he.MissingScope() || he.Category != "MISSING_SCOPES" {
		t.Fatalf("missing scope: %v", err)
	}
}
