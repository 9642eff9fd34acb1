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
	"unicode"

	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/hubspotrate"
)

// HubSpotDeals reads deals with their contacts: a deal's webhook names the
// deal alone, and outcomes and amounts belong to the people on it. It reads
// owners too (a contact's, and who an owner id is): HubSpot's webhooks
// name no rep. The feedback function does not link the push connectors
// (internal/crm), so this is its own small reader of a few endpoints,
// batched where HubSpot has a batch (its rate limits count calls).
type HubSpotDeals struct {
	BaseURL string // https://api.hubapi.com (sfa.hubspot.base_url)
	Token   string // the private app's token (BATON_HUBSPOT_TOKEN): crm.objects.deals.read (a deal's contacts, a contact's deals: with crm.objects.contacts.read); for owners crm.objects.contacts.read and crm.objects.owners.read
	Client  *http.Client
	// Loc is the account's time zone (sfa.hubspot.time_zone; nil: UTC):
	// a DAILY rate limit HubSpot gives no Retry-After for lasts until its
	// midnight there.
	Loc *time.Location
	Now func() time.Time // nil: the clock's
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

// dealProps are the deal's properties a deal's verdicts are made of.
var dealProps = []string{"dealstage", "amount", "deal_currency_code", "closedate", "hubspot_owner_id"}

// Deals reads deals ids (their properties, not their contacts: see
// DealContacts) by POST /crm/v3/objects/deals/batch/read, 100 ids a call
// (HubSpot's batch limit; scope crm.objects.deals.read): one call for a
// webhook batch's deals, three for a contact's 250, where a GET a deal
// spent HubSpot's 100 or 190 requests per 10 s, and its daily cap, on one
// busy account. A deal HubSpot no longer has (its 207's OBJECT_NOT_FOUND)
// is absent from the answer. A 207 leaving out a deal for any other reason
// is an error: that deal is not taken for gone.
func (d *HubSpotDeals) Deals(ctx context.Context, ids []string) (map[string]HubSpotDeal, error) {
	out := map[string]HubSpotDeal{}
	ids = unique(ids)
	for len(ids) > 0 {
		n := min(len(ids), 100)
		chunk := ids[:n]
		ids = ids[n:]
		type input struct {
			ID string `json:"id"`
		}
		req := struct {
			Properties []string `json:"properties"`
			Inputs     []input  `json:"inputs"`
		}{Properties: dealProps}
		for _, id := range chunk {
			req.Inputs = append(req.Inputs, input{id})
		}
		b, _ := json.Marshal(req)
		body, err := d.call(ctx, "POST", "/crm/v3/objects/deals/batch/read", url.Values{"archived": {"false"}}, b, "deals")
		if err != nil {
			return nil, err
		}
		var got struct {
			Results []struct {
				ID         string             `json:"id"`
				Properties map[string]*string `json:"properties"`
			} `json:"results"`
			Errors []batchError `json:"errors"`
		}
		if err := json.Unmarshal(body, &got); err != nil {
			return nil, fmt.Errorf("HubSpot's deals: %v", err)
		}
		for _, r := range got.Results {
			prop := func(k string) string {
				if v := r.Properties[k]; v != nil {
					return strings.TrimSpace(*v)
				}
				return ""
			}
			deal := HubSpotDeal{Stage: prop("dealstage"), Currency: prop("deal_currency_code"), CloseDate: prop("closedate"), OwnerID: prop("hubspot_owner_id")}
			if a := prop("amount"); a != "" {
				f, err := strconv.ParseFloat(a, 64)
				if err != nil {
					return nil, fmt.Errorf("HubSpot's deal %s: amount %q is not a number", r.ID, a)
				}
				deal.Amount = &f
			}
			out[r.ID] = deal
		}
		gone := map[string]bool{}
		for _, e := range got.Errors {
			if e.Category != "OBJECT_NOT_FOUND" {
				return nil, &HubSpotError{Status: http.StatusMultiStatus, Category: e.Category, Message: e.Message, What: "deals"}
			}
			for _, id := range e.Context["ids"] {
				gone[id] = true
			}
		}
		for _, id := range chunk {
			if _, ok := out[id]; !ok && !gone[id] {
				return nil, fmt.Errorf("HubSpot's batch read of deals answered neither deal %s nor that it is not found", id)
			}
		}
	}
	return out, nil
}

// batchError is an error of a batch's 207 (Multi-Status).
type batchError struct {
	Category string              `json:"category"`
	Message  string              `json:"message"`
	Context  map[string][]string `json:"context"`
}

// DealContacts reads the ids of the contacts of deals ids (POST
// /crm/v4/associations/deals/contacts/batch/read; see associated). A deal
// without contacts (or gone) has none in the answer.
func (d *HubSpotDeals) DealContacts(ctx context.Context, ids []string) (map[string][]string, error) {
	return d.associated(ctx, "deals", "contacts", ids)
}

// ContactsDeals reads the ids of the deals of contacts ids (POST
// /crm/v4/associations/contacts/deals/batch/read; see associated): a
// webhook batch's contacts' in one call, not a GET each. A contact without
// deals, or HubSpot has not (merged, deleted), has none in the answer.
func (d *HubSpotDeals) ContactsDeals(ctx context.Context, ids []string) (map[string][]string, error) {
	return d.associated(ctx, "contacts", "deals", ids)
}

// associated reads the records of type to associated with records ids of
// type from by HubSpot's associations batch read, 1,000 ids a call (its
// limit since February 2025; scopes crm.objects.deals.read and
// crm.objects.contacts.read), a record's later pages asked again with its
// after. A record without any (its 207's OBJECT_NOT_FOUND) is absent; a
// 207 of another error is an error.
func (d *HubSpotDeals) associated(ctx context.Context, from, to string, ids []string) (map[string][]string, error) {
	out := map[string][]string{}
	what := from + "' " + to
	type input struct {
		ID    string `json:"id"`
		After string `json:"after,omitempty"`
	}
	var todo []input
	for _, id := range unique(ids) {
		todo = append(todo, input{ID: id})
	}
	seen := map[[2]string]bool{}
	for round := 0; len(todo) > 0; round++ {
		if round == 100 { // 50,000 of one record's: past it, a paging loop
			return nil, errors.New("HubSpot's " + what + ": paging did not end")
		}
		n := min(len(todo), 1000)
		b, _ := json.Marshal(struct {
			Inputs []input `json:"inputs"`
		}{todo[:n]})
		todo = todo[n:]
		body, err := d.call(ctx, "POST", "/crm/v4/associations/"+from+"/"+to+"/batch/read", url.Values{}, b, what)
		if err != nil {
			return nil, err
		}
		var got struct {
			Results []struct {
				From struct {
					ID string `json:"id"`
				} `json:"from"`
				To []struct {
					ToObjectID json.Number `json:"toObjectId"`
				} `json:"to"`
				Paging struct {
					Next struct {
						After string `json:"after"`
					} `json:"next"`
				} `json:"paging"`
			} `json:"results"`
			Errors []batchError `json:"errors"`
		}
		if err := json.Unmarshal(body, &got); err != nil {
			return nil, fmt.Errorf("HubSpot's %s: %v", what, err)
		}
		for _, e := range got.Errors {
			if e.Category != "OBJECT_NOT_FOUND" { // NO_ASSOCIATIONS_FOUND's category: none
				return nil, &HubSpotError{Status: http.StatusMultiStatus, Category: e.Category, Message: e.Message, What: what}
			}
		}
		for _, r := range got.Results {
			for _, t := range r.To {
				if id := t.ToObjectID.String(); id != "" && !seen[[2]string{r.From.ID, id}] {
					seen[[2]string{r.From.ID, id}] = true // one record under two association types is one
					out[r.From.ID] = append(out[r.From.ID], id)
				}
			}
			if a := r.Paging.Next.After; a != "" {
				todo = append(todo, input{ID: r.From.ID, After: a})
			}
		}
	}
	return out, nil
}

// unique is ids without repeats or empty ids, in their order.
func unique(ids []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, id := range ids {
		if id != "" && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
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
// GET /crm/v3/owners/{ownerId} answers it, and the list its results.
type HubSpotOwner struct {
	ID        string `json:"id"`
	Email     string `json:"email"`
	FirstName string `json:"firstName"`
	LastName  string `json:"lastName"`
	UserID    int64  `json:"userId"`
	Archived  bool   `json:"archived"`
}

// Name is how reports name the owner: the email, else the name, else the
// owner id. A name in Japanese is family name first (佐藤 花子), as Baton
// names people (identity.DisplayName) and a Japanese rep writes theirs:
// HubSpot's firstName lastName read 花子 佐藤. One in Latin letters stays
// first name first.
func (o HubSpotOwner) Name() string {
	if e := strings.TrimSpace(o.Email); e != "" {
		return e
	}
	first, last := strings.TrimSpace(o.FirstName), strings.TrimSpace(o.LastName)
	n := first + " " + last
	if japaneseName(first) || japaneseName(last) {
		n = last + " " + first
	}
	if n = strings.TrimSpace(n); n != "" {
		return n
	}
	return o.ID
}

// japaneseName reports whether s is written in kanji or kana.
func japaneseName(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool {
		return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana)
	})
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

// HubSpotOwnerPages is a read of a list of owners: the owners of the
// pages read, how many pages, and where the list continues (Next, the
// after of its next page; "": it ended).
type HubSpotOwnerPages struct {
	Owners []HubSpotOwner
	Pages  int
	Next   string
}

// Owners reads the account's owners: the active ones, or with archived
// the archived ones alone (HubSpot lists either, not both), by GET
// /crm/v3/owners (scope crm.objects.owners.read), 100 a page, from the
// page after names ("": the first), later pages by paging.next.after, at
// most pages pages: one call for most teams, where a GET an owner spent
// HubSpot's 100 or 190 requests per 10 s on a large one. Failing (cut
// short by ctx, most often), it returns the pages read before with the
// error, Next the page that failed: a list too long for one delivery's
// time is continued by the next rather than read anew.
func (d *HubSpotDeals) Owners(ctx context.Context, archived bool, after string, pages int) (HubSpotOwnerPages, error) {
	out := HubSpotOwnerPages{Next: after}
	what := "owners"
	if archived {
		what = "archived owners"
	}
	for range pages {
		q := url.Values{"limit": {"100"}, "archived": {strconv.FormatBool(archived)}}
		if after != "" {
			q.Set("after", after)
		}
		body, err := d.get(ctx, "/crm/v3/owners", q, what)
		if err != nil {
			return out, err
		}
		var got struct {
			Results []HubSpotOwner `json:"results"`
			Paging  struct {
				Next struct {
					After string `json:"after"`
				} `json:"next"`
			} `json:"paging"`
		}
		if err := json.Unmarshal(body, &got); err != nil {
			return out, fmt.Errorf("HubSpot's %s: %v", what, err)
		}
		out.Owners = append(out.Owners, got.Results...)
		out.Pages++
		next := got.Paging.Next.After
		if next == "" || len(got.Results) == 0 {
			out.Next = ""
			return out, nil
		}
		if next == after {
			out.Next = ""
			return out, errors.New("HubSpot's " + what + ": paging did not move on")
		}
		after, out.Next = next, next
	}
	return out, nil
}

// maxOwnerPages bounds the pages of 100 of one read of a list of owners
// (across deliveries, when it takes more than one: see listOwners): 1,000
// owners; those past them are read alone when asked for.
const maxOwnerPages = 10

// ErrHubSpotNotFound is a record HubSpot does not have (404).
var ErrHubSpotNotFound = errors.New("not found in HubSpot")

// HubSpotError is HubSpot refusing a read: its status, category
// (MISSING_SCOPES, RATE_LIMIT's errorType ...) and message; for a rate
// limit (429) its policy and how long it lasts.
type HubSpotError struct {
	Status            int
	Category, Message string
	What              string // what was read ("owner 123")
	// Policy is a 429's policyName: SECONDLY or TEN_SECONDLY (the burst
	// window: 100 or 190 requests per 10 s for a private app), DAILY (the
	// day's allocation, spent until midnight in the account's zone).
	Policy string
	// RetryAfter is how long the refusal lasts: HubSpot's Retry-After;
	// without one a burst window's X-HubSpot-RateLimit-Interval-Milliseconds
	// (else a second), a DAILY limit's time to the account's midnight.
	RetryAfter time.Duration
}

func (e *HubSpotError) Error() string {
	if e.Status == http.StatusTooManyRequests {
		return fmt.Sprintf("HubSpot refused reading %s: rate limit %s (%s) for %s: %s", e.What, e.Policy, e.Category, e.RetryAfter, e.Message)
	}
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
// (429), HubSpot's own failure (5xx), a batch's input failed for another
// reason than not found (207: RATE_LIMITS among them; the token was not
// refused, and a rollup taken for refused was recorded on its contact
// alone, the deal counted once per contact).
func (e *HubSpotError) Transient() bool {
	return e.Status == http.StatusTooManyRequests || e.Status >= 500 || e.Status == http.StatusMultiStatus
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
	body, rerr := io.ReadAll(io.LimitReader(resp.Body, maxAnswer+1))
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusMultiStatus {
		var e struct{ Message, Category, ErrorType, PolicyName string }
		json.Unmarshal(body, &e)
		if e.Category == "" {
			e.Category = e.ErrorType
		}
		he := &HubSpotError{Status: resp.StatusCode, Category: e.Category, Message: e.Message, What: what}
		if resp.StatusCode == http.StatusTooManyRequests {
			he.Policy, he.RetryAfter = e.PolicyName, d.rateWait(e.PolicyName, resp.Header)
		}
		return nil, he
	}
	switch {
	case rerr != nil:
		return nil, fmt.Errorf("reading HubSpot's answer to %s (%s %s): %v", what, method, path, rerr)
	case len(body) > maxAnswer:
		// Cut, it would fail as a JSON syntax error that names neither.
		return nil, fmt.Errorf("HubSpot's answer reading %s (%s %s) is larger than %d MB, the most Baton reads: not read", what, method, path, maxAnswer>>20)
	}
	return body, nil
}

// maxAnswer bounds what call reads of an answer. A batch read's can be
// large (the associations of 1,000 records, some 100 bytes each of their
// records): 1 MB cut such an answer, which then failed as bad JSON.
const maxAnswer = 16 << 20

// rateWait is how long a 429 of policy lasts (HubSpotError.RetryAfter),
// as the push connector reads it (hubspotrate).
func (d *HubSpotDeals) rateWait(policy string, hd http.Header) time.Duration {
	now := clock.Now()
	if d.Now != nil {
		now = d.Now()
	}
	return hubspotrate.Wait(policy, hd, now, d.Loc)
}
