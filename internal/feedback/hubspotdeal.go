package feedback

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// ErrDealGone is a deal HubSpot no longer has (deleted since the webhook).
var ErrDealGone = errors.New("the deal is gone from HubSpot")

// HubSpotDeals reads a deal with its contacts: a deal's webhook names the
// deal alone, and outcomes and amounts belong to the people on it. The
// feedback function does not link the push connectors (internal/crm), so
// this is its own small reader of one endpoint.
type HubSpotDeals struct {
	BaseURL string // https://api.hubapi.com (sfa.hubspot.base_url)
	Token   string // the private app's token (BATON_HUBSPOT_TOKEN): crm.objects.deals.read
	Client  *http.Client
}

// HubSpotDeal is what a deal's webhook needs of the deal.
type HubSpotDeal struct {
	Stage     string   // dealstage: the pipeline stage's internal id (closedwon, closedlost, or a custom pipeline's)
	Amount    *float64 // amount (nil: none)
	Currency  string   // deal_currency_code
	CloseDate string   // closedate, as HubSpot sends it
	Contacts  []string // the associated contacts' ids
}

// Deal reads deal id: GET /crm/v3/objects/deals/{id} with its properties
// and associated contacts. A deal HubSpot no longer has is ErrDealGone.
func (d *HubSpotDeals) Deal(ctx context.Context, id string) (HubSpotDeal, error) {
	base := strings.TrimSuffix(d.BaseURL, "/")
	if base == "" {
		base = "https://api.hubapi.com"
	}
	q := url.Values{"properties": {"dealstage,amount,deal_currency_code,closedate"}, "associations": {"contacts"}, "archived": {"false"}}
	req, err := http.NewRequestWithContext(ctx, "GET", base+"/crm/v3/objects/deals/"+url.PathEscape(id)+"?"+q.Encode(), nil)
	if err != nil {
		return HubSpotDeal{}, err
	}
	req.Header.Set("Authorization", "Bearer "+d.Token)
	c := d.Client
	if c == nil {
		c = &http.Client{Timeout: 10 * time.Second}
	}
	resp, err := c.Do(req)
	if err != nil {
		return HubSpotDeal{}, err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	switch {
	case resp.StatusCode == http.StatusNotFound:
		return HubSpotDeal{}, ErrDealGone
	case resp.StatusCode != http.StatusOK:
		var e struct{ Message, Category string }
		json.Unmarshal(body, &e)
		return HubSpotDeal{}, fmt.Errorf("HubSpot answered %d reading deal %s: %s %s", resp.StatusCode, id, e.Category, e.Message)
	}
	var got struct {
		Properties   map[string]*string `json:"properties"`
		Associations map[string]struct {
			Results []struct {
				ID string `json:"id"`
			} `json:"results"`
		} `json:"associations"`
	}
	if err := json.Unmarshal(body, &got); err != nil {
		return HubSpotDeal{}, fmt.Errorf("HubSpot's deal %s: %v", id, err)
	}
	prop := func(k string) string {
		if v := got.Properties[k]; v != nil {
			return strings.TrimSpace(*v)
		}
		return ""
	}
	out := HubSpotDeal{Stage: prop("dealstage"), Currency: prop("deal_currency_code"), CloseDate: prop("closedate")}
	if a := prop("amount"); a != "" {
		f, err := strconv.ParseFloat(a, 64)
		if err != nil {
			return HubSpotDeal{}, fmt.Errorf("HubSpot's deal %s: amount %q is not a number", id, a)
		}
		out.Amount = &f
	}
	for _, r := range got.Associations["contacts"].Results {
		out.Contacts = append(out.Contacts, r.ID)
	}
	return out, nil
}
