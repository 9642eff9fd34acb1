package feedback

import (
	"bytes"
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
// deal alone, and outcomes and amounts belong to the people on it. It reads
// owners too (a contact's, and who an owner id is): HubSpot's webhooks
// name no rep. The
// feedback function does not link the push connectors (internal/crm), so
// this is its own small reader of one endpoint.
type HubSpotDeals struct {
	BaseURL string // https://api.hubapi.com (sfa.hubspot.base_url)
	Token   string // the private app's token (BATON_HUBSPOT_TOKEN): crm.objects.deals.read (a contact's deals: with crm.objects.contacts.read); for owners crm.objects.contacts.read and crm.objects.owners.read
	Client  *http.Client
}

// HubSpotDeal is what a deal's webhook needs of the deal.
type HubSpotDeal struct {
	Stage     string   // dealstage: the pipeline stage's internal id (closedwon, closedlost, or a custom pipeline's)
	Amount    *float64 // amount (nil: none)
	Currency  string   // deal_currency_code
	CloseDate string   // closedate, as HubSpot sends it
	Contacts  []string // the associated contacts' ids
	OwnerID   string   // hubspot_owner_id: the deal's owner ("" none)
}

// Deal reads deal id: GET /crm/v3/objects/deals/{id} with its properties
// (its owner, hubspot_owner_id, among them) and associated contacts. A deal
// HubSpot no longer has is ErrDealGone.
func (d *HubSpotDeals) Deal(ctx context.Context, id string) (HubSpotDeal, error) {
	q := url.Values{"properties": {"dealstage,amount,deal_currency_code,closedate,hubspot_owner_id"}, "associations": {"contacts"}, "archived": {"false"}}
	body, err := d.get(ctx, "/crm/v3/objects/deals/"+url.PathEscape(id), q, "deal "+id)
	if errors.Is(err, ErrHubSpotNotFound) {
		return HubSpotDeal{}, ErrDealGone
	}
	if err != nil {
		return HubSpotDeal{}, err
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
	out := HubSpotDeal{Stage: prop("dealstage"), Currency: prop("deal_currency_code"), CloseDate: prop("closedate"), OwnerID: prop("hubspot_owner_id")}
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

// ContactDeals reads the ids of the deals associated with contact id: GET
// /crm/v4/objects/contacts/{id}/associations/deals, every page (scopes
// crm.objects.contacts.read and crm.objects.deals.read). A contact HubSpot
// does not have is ErrHubSpotNotFound.
func (d *HubSpotDeals) ContactDeals(ctx context.Context, id string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	q := url.Values{"limit": {"500"}}
	for page := 0; page < 20; page++ { // 10,000 deals: past it, a paging loop
		body, err := d.get(ctx, "/crm/v4/objects/contacts/"+url.PathEscape(id)+"/associations/deals", q, "contact "+id+"'s deals")
		if err != nil {
			return nil, err
		}
		var got struct {
			Results []struct {
				ToObjectID json.Number `json:"toObjectId"`
			} `json:"results"`
			Paging struct {
				Next struct {
					After string `json:"after"`
				} `json:"next"`
			} `json:"paging"`
		}
		if err := json.Unmarshal(body, &got); err != nil {
			return nil, fmt.Errorf("HubSpot's deals of contact %s: %v", id, err)
		}
		for _, r := range got.Results {
			if id := r.ToObjectID.String(); id != "" && !seen[id] {
				seen[id] = true // one deal under two association types is one
				out = append(out, id)
			}
		}
		if got.Paging.Next.After == "" {
			break
		}
		q.Set("after", got.Paging.Next.After)
	}
	return out, nil
}

// ContactOwners reads the owners of contacts ids: their hubspot_owner_id
// property, "" for a contact nobody owns, absent for one HubSpot does not
// have (merged or deleted since). One call per 100 contacts (POST
// /crm/v3/objects/contacts/batch/read; scope crm.objects.contacts.read,
// which the connector has), so a batch of events is one read, not one per
// contact.
func (d *HubSpotDeals) ContactOwners(ctx context.Context, ids []string) (map[string]string, error) {
	out := map[string]string{}
	for len(ids) > 0 {
		n := min(len(ids), 100) // HubSpot's batch limit
		type input struct {
			ID string `json:"id"`
		}
		req := struct {
			Properties []string `json:"properties"`
			Inputs     []input  `json:"inputs"`
		}{Properties: []string{"hubspot_owner_id"}}
		for _, id := range ids[:n] {
			req.Inputs = append(req.Inputs, input{id})
		}
		ids = ids[n:]
		b, _ := json.Marshal(req)
		body, err := d.call(ctx, "POST", "/crm/v3/objects/contacts/batch/read", url.Values{"archived": {"false"}}, b, "contacts' owners")
		if err != nil {
			return nil, err
		}
		var got struct {
			Results []struct {
				ID         string             `json:"id"`
				Properties map[string]*string `json:"properties"`
			} `json:"results"`
		}
		if err := json.Unmarshal(body, &got); err != nil {
			return nil, fmt.Errorf("HubSpot's contacts: %v", err)
		}
		for _, r := range got.Results {
			out[r.ID] = ""
			if v := r.Properties["hubspot_owner_id"]; v != nil {
				out[r.ID] = strings.TrimSpace(*v)
			}
		}
	}
	return out, nil
}

// HubSpotOwner is a HubSpot owner (a user records are assigned to), as
// GET /crm/v3/owners/{ownerId} answers.
type HubSpotOwner struct {
	ID        string `json:"id"`
	Email     string `json:"email"`
	FirstName string `json:"firstName"`
	LastName  string `json:"lastName"`
	UserID    int64  `json:"userId"`
	Archived  bool   `json:"archived"`
}

// Name is how reports name the owner: the email, else the name, else the
// owner id.
func (o HubSpotOwner) Name() string {
	if e := strings.TrimSpace(o.Email); e != "" {
		return e
	}
	if n := strings.TrimSpace(strings.TrimSpace(o.FirstName) + " " + strings.TrimSpace(o.LastName)); n != "" {
		return n
	}
	return o.ID
}

// Owner reads owner id: GET /crm/v3/owners/{id} (scope
// crm.objects.owners.read). An owner since deactivated is archived, which
// HubSpot answers only when asked for archived owners: asked again so. An
// id HubSpot knows neither way is ErrHubSpotNotFound; a token without the
// scope, an *HubSpotError whose MissingScope() is true.
func (d *HubSpotDeals) Owner(ctx context.Context, id string) (HubSpotOwner, error) {
	var body []byte
	var err error
	for _, archived := range []string{"false", "true"} {
		q := url.Values{"idProperty": {"id"}, "archived": {archived}}
		body, err = d.get(ctx, "/crm/v3/owners/"+url.PathEscape(id), q, "owner "+id)
		if !errors.Is(err, ErrHubSpotNotFound) {
			break
		}
	}
	if err != nil {
		return HubSpotOwner{}, err
	}
	var o HubSpotOwner
	if err := json.Unmarshal(body, &o); err != nil {
		return HubSpotOwner{}, fmt.Errorf("HubSpot's owner %s: %v", id, err)
	}
	if o.ID == "" {
		o.ID = id
	}
	return o, nil
}

// ErrHubSpotNotFound is a record HubSpot does not have (404).
var ErrHubSpotNotFound = errors.New("not found in HubSpot")

// HubSpotError is HubSpot refusing a read: its status, category
// (MISSING_SCOPES, RATE_LIMIT's errorType ...) and message.
type HubSpotError struct {
	Status            int
	Category, Message string
	What              string // what was read ("owner 123")
}

func (e *HubSpotError) Error() string {
	return fmt.Sprintf("HubSpot answered %d reading %s: %s %s", e.Status, e.What, e.Category, e.Message)
}

// Is makes a 404 ErrHubSpotNotFound.
func (e *HubSpotError) Is(target error) bool {
	return target == ErrHubSpotNotFound && e.Status == http.StatusNotFound
}

// MissingScope reports a token refused for a scope it lacks (403
// MISSING_SCOPES): the operator's to grant, not something a retry mends.
func (e *HubSpotError) MissingScope() bool { return e.Status == http.StatusForbidden }

// Transient reports a refusal a later try may not meet: a rate limit
// (429), HubSpot's own failure (5xx).
func (e *HubSpotError) Transient() bool {
	return e.Status == http.StatusTooManyRequests || e.Status >= 500
}

// get reads path?q with the token: see call.
func (d *HubSpotDeals) get(ctx context.Context, path string, q url.Values, what string) ([]byte, error) {
	return d.call(ctx, "GET", path, q, nil, what)
}

// call sends method path?q (with a JSON body, when not nil) with the
// token: the body of a 200 (or of a batch's 207, some of it missing), else
// an *HubSpotError (a 404 is ErrHubSpotNotFound), or the network's error.
func (d *HubSpotDeals) call(ctx context.Context, method, path string, q url.Values, in []byte, what string) ([]byte, error) {
	base := strings.TrimSuffix(d.BaseURL, "/")
	if base == "" {
		base = "https://api.hubapi.com"
	}
	var rd io.Reader
	if in != nil {
		rd = bytes.NewReader(in)
	}
	req, err := http.NewRequestWithContext(ctx, method, base+path+"?"+q.Encode(), rd)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+d.Token)
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	c := d.Client
	if c == nil {
		c = &http.Client{Timeout: 10 * time.Second}
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusMultiStatus {
		var e struct{ Message, Category, ErrorType string }
		json.Unmarshal(body, &e)
		if e.Category == "" {
			e.Category = e.ErrorType
		}
		return nil, &HubSpotError{Status: resp.StatusCode, Category: e.Category, Message: e.Message, What: what}
	}
	return body, nil
}
