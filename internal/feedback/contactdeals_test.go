package feedback_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/baton-hq/baton/internal/crm/crmfake"
	"github.com/baton-hq/baton/internal/feedback"
)

// TestHubSpotContactDeals: the association read as HubSpot answers it,
// every page; its refusals as HubSpot's.
func TestHubSpotContactDeals(t *testing.T) {
	hs := crmfake.NewHubSpot()
	defer hs.Close()
	hs.Contacts["a@example.com"] = map[string]string{"hs_object_id": "501", "email": "a@example.com"}
	hs.Deals = map[string]*crmfake.HubSpotDeal{}
	for i := range 600 {
		hs.Deals[fmt.Sprint(10000+i)] = &crmfake.HubSpotDeal{Contacts: []string{"501"}}
	}
	api := &feedback.HubSpotDeals{BaseURL: hs.URL, Token: hs.Token}
	ctx := context.Background()
	ids, err := api.ContactDeals(ctx, "501")
	if err != nil || len(ids) != 600 || ids[0] != "10000" || ids[599] != "10599" {
		t.Fatalf("%d deals %v", len(ids), err)
	}
	if _, err := api.ContactDeals(ctx, "999"); !errors.Is(err, feedback.ErrHubSpotNotFound) {
		t.Fatalf("unknown contact: %v", err)
	}
	hs.MissingScopes = []string{"crm.objects.deals.read"}
	var he *feedback.HubSpotError
	if _, err := api.ContactDeals(ctx, "501"); !errors.As(err, &he) || !he.MissingScope() || he.Category != "MISSING_SCOPES" {
		t.Fatalf("missing scope: %v", err)
	}
}
