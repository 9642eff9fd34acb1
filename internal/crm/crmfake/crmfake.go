// Package crmfake runs local fakes of the Salesforce, HubSpot and kintone
// REST APIs over real HTTP, reproducing their documented endpoints, success
// bodies and error shapes, with fault injection (outages, rate limits,
// expired sessions, specific error bodies) and counters, for the
// connectors' tests.
package crmfake

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf16"

	"github.com/baton-hq/baton/internal/clock"
	"golang.org/x/net/publicsuffix"
)

// Fault is a canned answer served instead of the real one.
type Fault struct {
	Status  int
	Body    string
	Headers map[string]string
}

type base struct {
	mu          sync.Mutex
	faults      []Fault
	writeFaults []Fault // served to writes only (FailWrites)
	lose        map[string]int
	loseSkip    map[string]int // answered before lose applies
	Calls       map[string]int // "METHOD /path-pattern" -> count
	*httptest.Server
}

// Lock and Unlock hold the fake still while a test reads its maps.
func (b *base) Lock()   { b.mu.Lock() }
func (b *base) Unlock() { b.mu.Unlock() }

// Fail makes the next n API calls answer f.
func (b *base) Fail(n int, f Fault) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for i := 0; i < n; i++ {
		b.faults = append(b.faults, f)
	}
}

// Heal drops the faults not yet served (Fail, FailWrites): the SFA is
// back.
func (b *base) Heal() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.faults, b.writeFaults = nil, nil
}

// FailWrites makes the next n writes (POST, PATCH, PUT, DELETE) answer
// f, reads passing: a refusal of what a write sent, whatever the
// connector reads before it.
func (b *base) FailWrites(n int, f Fault) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for i := 0; i < n; i++ {
		b.writeFaults = append(b.writeFaults, f)
	}
}

// LoseAnswer makes the next n requests of call ("POST /path") be done but
// their answers lost: the connection is closed without one, as when the
// client's timeout or a proxy gives up after the SFA did the work.
func (b *base) LoseAnswer(call string, n int) { b.LoseAnswerAfter(call, 0, n) }

// LoseAnswerAfter is LoseAnswer after the next skip requests of call are
// answered (a refusal first, then the request done and its answer lost).
func (b *base) LoseAnswerAfter(call string, skip, n int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.lose == nil {
		b.lose, b.loseSkip = map[string]int{}, map[string]int{}
	}
	b.lose[call] += n
	b.loseSkip[call] += skip
}

// lossy serves next, dropping the answers LoseAnswer asked for.
func (b *base) lossy(next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b.mu.Lock()
		call := r.Method + " " + r.URL.Path
		lose := b.lose[call] > 0 && b.loseSkip[call] == 0
		switch {
		case lose:
			b.lose[call]--
		case b.loseSkip[call] > 0:
			b.loseSkip[call]--
		}
		b.mu.Unlock()
		if !lose {
			next(w, r)
			return
		}
		next(httptest.NewRecorder(), r)
		panic(http.ErrAbortHandler) // closes the connection, unanswered
	})
}

// faultReq is fault, and for a write one FailWrites queued.
func (b *base) faultReq(w http.ResponseWriter, r *http.Request) bool {
	if b.fault(w) {
		return true
	}
	if len(b.writeFaults) == 0 || r.Method == "GET" || r.Method == "HEAD" {
		return false
	}
	b.faults = append(b.faults, b.writeFaults[0])
	b.writeFaults = b.writeFaults[1:]
	return b.fault(w)
}

// fault serves a queued fault, if any (callers hold mu).
func (b *base) fault(w http.ResponseWriter) bool {
	if len(b.faults) == 0 {
		return false
	}
	f := b.faults[0]
	b.faults = b.faults[1:]
	for k, v := range f.Headers {
		w.Header().Set(k, v)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(f.Status)
	io.WriteString(w, f.Body)
	return true
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// ---- HubSpot ----

// HubSpot fakes contacts (read by email, batch upsert, GDPR delete by id
// or email, with the contact's notes),
// companies (create, search) and notes (create, search), as HubSpot behaves: the lifecycle stage only
// moves forward, and search sees a write only after SearchLag.
type HubSpot struct {
	base
	Token    string
	Contacts map[string]map[string]string // email -> properties (+ hs_object_id)
	Notes    []map[string]any
	Deals    map[string]*HubSpotDeal // deal id -> deal (set by tests)
	// Owners are the account's owners by id (GET /crm/v3/owners/{id} and
	// the list GET /crm/v3/owners; set by tests); a contact's or deal's
	// hubspot_owner_id names one.
	Owners map[string]*HubSpotOwner
	// MissingScopes are scopes the token was not granted (say
	// crm.objects.owners.read): a read needing one is refused 403
	// MISSING_SCOPES, as HubSpot refuses it.
	MissingScopes []string
	// BatchReads are the ids each contacts' batch read asked for;
	// DealBatchReads each deals' batch read's, DealContactReads and
	// ContactDealReads each deal-to-contact and contact-to-deal
	// associations' batch read's.
	BatchReads, DealBatchReads, DealContactReads, ContactDealReads [][]string
	// Companies by id: properties (+ hs_object_id), and when search sees them.
	Companies map[string]map[string]string
	companyAt map[string]time.Time
	contactAt map[string]time.Time // by id: when search sees a contact createContact made
	// LifecycleOrder is the account's lifecycle stages, earliest first
	// (default HubSpot's own): a contact's stage is never set to an earlier
	// one, and an unknown stage is refused.
	LifecycleOrder []string
	// Enumerations are the contact properties that take only their options
	// (dropdowns, radio buttons): any other value is refused, INVALID_OPTION.
	Enumerations map[string][]string
	// OptionLabels are the labels HubSpot shows for those options
	// (property -> value -> label; default HubSpot's own hs_lead_status
	// labels), served with the property's definition (GET
	// /crm/v3/properties/contacts/{name}); an option without one is
	// labelled by its value.
	OptionLabels map[string]map[string]string
	// SearchLag is how long a created note stays invisible to search, as
	// HubSpot's search index lags its writes (default 10 s).
	SearchLag time.Duration
	Now       func() time.Time
	// Upserted, when set, is told of every contact an upsert wrote, with
	// the properties it sent (the load test times MQL delivery by it); it
	// runs while the fake holds its lock, so it must not call the fake.
	Upserted func(email string, props map[string]string)
	// TestTLDs are top-level domains taken besides the ICANN ones
	// (hsTakesEmail): by default RFC 2606's "example", which HubSpot
	// refuses like any name not in IANA's list, so that tests may write
	// addresses of maker.example. Nil: only ICANN's.
	TestTLDs []string
	seq      int
}

// DefaultLifecycle is HubSpot's lifecycle stages, earliest first.
var DefaultLifecycle = []string{"subscriber", "lead", "marketingqualifiedlead", "salesqualifiedlead", "opportunity", "customer", "evangelist", "other"}

// HubSpot error bodies and headers.
const (
	HSSecondlyLimit = `{"status":"error","message":"You have reached your secondly limit.","errorType":"RATE_LIMIT","correlationId":"c6f2b1e0-0000-4000-8000-000000000000","policyName":"SECONDLY","groupName":"publicapi:private-app-api-calls-secondly:12345"}`
	HSDailyLimit    = `{"status":"error","message":"You have reached your daily limit.","errorType":"RATE_LIMIT","correlationId":"c6f2b1e0-0000-4000-8000-000000000001","policyName":"DAILY","groupName":"publicapi:private-app-api-calls-daily:12345"}`
	HSConflict      = `{"status":"error","message":"Contact already exists. Existing ID: 101","correlationId":"c6f2b1e0-0000-4000-8000-000000000002","category":"CONFLICT"}`
	HSMissingScopes = `{"status":"error","message":"This app hasn't been granted all required scopes to make this call.","correlationId":"c6f2b1e0-0000-4000-8000-000000000003","category":"MISSING_SCOPES"}`
)

// RateHeaders are the headers HubSpot sends with a 429.
var RateHeaders = map[string]string{
	"X-HubSpot-RateLimit-Interval-Milliseconds": "1000", "X-HubSpot-RateLimit-Max": "100", "X-HubSpot-RateLimit-Remaining": "0",
	"X-HubSpot-RateLimit-Secondly": "10", "X-HubSpot-RateLimit-Secondly-Remaining": "0",
}

// NewHubSpot starts the fake.
func NewHubSpot() *HubSpot {
	h := &HubSpot{Token: "pat-na1-fake-token", Contacts: map[string]map[string]string{}, Companies: map[string]map[string]string{}, companyAt: map[string]time.Time{}, LifecycleOrder: DefaultLifecycle, SearchLag: 10 * time.Second, Now: clock.Now, TestTLDs: []string{"example"},
		Enumerations: map[string][]string{
			"hs_lead_status": {"NEW", "OPEN", "IN_PROGRESS", "OPEN_DEAL", "UNQUALIFIED", "ATTEMPTED_TO_CONTACT", "CONNECTED", "BAD_TIMING"},
			"numemployees":   {"1-5", "5-25", "25-50", "50-100", "100-500", "500-1000", "1000+"},
		},
		OptionLabels: map[string]map[string]string{
			"hs_lead_status": {"NEW": "New", "OPEN": "Open", "IN_PROGRESS": "In Progress", "OPEN_DEAL": "Open Deal", "UNQUALIFIED": "Unqualified",
				"ATTEMPTED_TO_CONTACT": "Attempted to Contact", "CONNECTED": "Connected", "BAD_TIMING": "Bad Timing"},
		}}
	h.Calls = map[string]int{}
	h.Server = httptest.NewServer(h.lossy(h.serve))
	return h
}

// AddContact stores a contact as sales or an import made it at the fake's
// now (props without "email": one without an address), seen by search at
// once, and returns its id.
func (h *HubSpot) AddContact(props map[string]string) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.seq++
	id := fmt.Sprint(100 + h.seq)
	c := map[string]string{"hs_object_id": id, "createdate": h.Now().UTC().Format(time.RFC3339Nano)}
	maps.Copy(c, props)
	key := c["email"]
	if key == "" {
		key = "#" + id
	}
	h.Contacts[key] = c
	if h.contactAt == nil {
		h.contactAt = map[string]time.Time{}
	}
	h.contactAt[id] = h.Now()
	return id
}

// Contact returns a copy of the stored contact with that email (nil: none),
// safe while the fake serves.
func (h *HubSpot) Contact(email string) map[string]string {
	h.mu.Lock()
	defer h.mu.Unlock()
	c, ok := h.Contacts[email]
	if !ok {
		return nil
	}
	return maps.Clone(c)
}

func (h *HubSpot) serve(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.Calls[r.Method+" "+r.URL.Path]++
	if r.Header.Get("Authorization") != "Bearer "+h.Token {
		writeJSON(w, 401, map[string]string{"status": "error", "message": "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview", "correlationId": "c6f2b1e0-0000-4000-8000-000000000009", "category": "INVALID_AUTHENTICATION"})
		return
	}
	if h.faultReq(w, r) {
		return
	}
	for _, scope := range hsReadScopes(r) {
		if slices.Contains(h.MissingScopes, scope) {
			writeJSON(w, 403, HSMissingScope(scope))
			return
		}
	}
	now := h.Now().UTC().Format(time.RFC3339Nano)
	if name, ok := strings.CutPrefix(r.URL.Path, "/crm/v3/properties/contacts/"); ok && r.Method == "GET" && name != "" && !strings.Contains(name, "/") {
		h.property(w, name)
		return
	}
	if (r.URL.Path == "/crm/v3/owners" || r.URL.Path == "/crm/v3/owners/") && r.Method == "GET" {
		h.owners(w, r)
		return
	}
	if id, ok := strings.CutPrefix(r.URL.Path, "/crm/v3/owners/"); ok && r.Method == "GET" && id != "" && !strings.Contains(id, "/") {
		h.owner(w, r, id)
		return
	}
	if id, ok := strings.CutPrefix(r.URL.Path, "/crm/v3/objects/deals/"); ok && r.Method == "GET" {
		h.deal(w, r, id, now)
		return
	}
	if id, ok := strings.CutSuffix(strings.TrimPrefix(r.URL.Path, "/crm/v4/objects/contacts/"), "/associations/deals"); ok && r.Method == "GET" && strings.HasPrefix(r.URL.Path, "/crm/v4/") && id != "" && !strings.Contains(id, "/") {
		h.contactDeals(w, r, id)
		return
	}
	if id, ok := strings.CutPrefix(r.URL.Path, "/crm/v3/objects/notes/"); ok && r.Method == "PATCH" && id != "search" {
		// Only the properties sent change; an unknown id is HubSpot's 404.
		var req struct {
			Properties map[string]any `json:"properties"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.Properties == nil {
			writeJSON(w, 400, map[string]string{"status": "error", "message": "Invalid input JSON on line 1", "correlationId": "c6f2b1e0-0000-4000-8000-000000000011", "category": "VALIDATION_ERROR"})
			return
		}
		for _, n := range h.Notes {
			if n["id"] == id {
				props, _ := n["properties"].(map[string]any)
				if props == nil {
					props = map[string]any{}
					n["properties"] = props
				}
				maps.Copy(props, req.Properties)
				writeJSON(w, 200, map[string]any{"id": id, "properties": props, "createdAt": now, "updatedAt": now, "archived": false})
				return
			}
		}
		writeJSON(w, 404, map[string]string{"status": "error", "message": "resource not found", "correlationId": "c6f2b1e0-0000-4000-8000-000000000012", "category": "OBJECT_NOT_FOUND"})
		return
	}
	if id, ok := strings.CutPrefix(r.URL.Path, "/crm/v3/objects/contacts/"); ok && r.Method == "PATCH" && !strings.Contains(id, "/") {
		h.patchContact(w, r, id, now)
		return
	}
	if id, ok := strings.CutPrefix(r.URL.Path, "/crm/v3/objects/contacts/"); ok && r.Method == "GET" && !strings.Contains(id, "/") {
		var c map[string]string
		if r.URL.Query().Get("idProperty") == "email" {
			c = h.Contacts[strings.ToLower(id)]
		} else {
			for _, x := range h.Contacts {
				if x["hs_object_id"] == id {
					c = x
				}
			}
		}
		if c == nil {
			writeJSON(w, 404, map[string]string{"status": "error", "message": "Object not found.  objectId are usually numeric.", "correlationId": "c6f2b1e0-0000-4000-8000-000000000010", "category": "OBJECT_NOT_FOUND"})
			return
		}
		props := map[string]any{"hs_object_id": c["hs_object_id"]}
		for _, p := range strings.Split(r.URL.Query().Get("properties"), ",") {
			if p != "" {
				if v, ok := c[p]; ok {
					props[p] = v
				} else {
					props[p] = nil
				}
			}
		}
		writeJSON(w, 200, map[string]any{"id": c["hs_object_id"], "properties": props, "createdAt": now, "updatedAt": now, "archived": false})
		return
	}
	switch r.URL.Path {
	case "/crm/v3/objects/contacts/batch/upsert":
		var req struct {
			Inputs []struct {
				IDProperty string            `json:"idProperty"`
				ID         string            `json:"id"`
				Properties map[string]string `json:"properties"`
			} `json:"inputs"`
		}
		json.NewDecoder(r.Body).Decode(&req)
		for _, in := range req.Inputs {
			stage, ok := in.Properties["lifecyclestage"]
			if !ok || stage == "" {
				continue
			}
			to := slices.Index(h.LifecycleOrder, stage)
			if to < 0 {
				writeJSON(w, 400, map[string]any{"status": "error", "category": "VALIDATION_ERROR", "correlationId": "c6f2b1e0-0000-4000-8000-000000000011",
					"message": fmt.Sprintf(`Property values were not valid: [{"isValid":false,"message":"%s was not one of the allowed options","error":"INVALID_OPTION","name":"lifecyclestage"}]`, stage)})
				return
			}
			if c := h.Contacts[in.ID]; c != nil && c["lifecyclestage"] != "" && slices.Index(h.LifecycleOrder, c["lifecyclestage"]) > to {
				writeJSON(w, 400, map[string]any{"status": "error", "category": "VALIDATION_ERROR", "correlationId": "c6f2b1e0-0000-4000-8000-000000000012",
					"message": fmt.Sprintf(`Property values were not valid: [{"isValid":false,"message":"The lifecycle stage can't be set backward from %s to %s. Clear the property first to move it backward.","error":"INVALID_LIFECYCLE_STAGE","name":"lifecyclestage"}]`, c["lifecyclestage"], stage)})
				return
			}
		}
		for _, in := range req.Inputs {
			// An address HubSpot refuses fails the batch; an id that is
			// no address at all is the input's error (207) below.
			for _, email := range []string{in.ID, in.Properties["email"]} {
				if in.IDProperty == "email" && strings.Contains(email, "@") && !h.takesEmail(email) {
					writeJSON(w, 400, hsInvalidEmail(email))
					return
				}
			}
			if name, ok := tooLong(in.Properties); ok {
				writeJSON(w, 400, hsTooLong(name))
				return
			}
			if bad := h.badOptions(in.Properties); bad != nil {
				writeJSON(w, 400, bad)
				return
			}
		}
		for _, in := range req.Inputs {
			if h.Contacts[in.ID] != nil {
				continue
			}
			for _, c := range h.Contacts { // another contact's secondary address: HubSpot will not create it
				if extra := c["hs_additional_emails"]; extra != "" && slices.Contains(strings.Split(extra, ";"), in.ID) {
					writeJSON(w, 409, map[string]string{"status": "error", "message": "Contact already exists. Existing ID: " + c["hs_object_id"], "correlationId": "c6f2b1e0-0000-4000-8000-000000000015", "category": "CONFLICT"})
					return
				}
			}
		}
		var results, errs []map[string]any
		for _, in := range req.Inputs {
			if in.IDProperty != "email" || !strings.Contains(in.ID, "@") {
				errs = append(errs, map[string]any{"status": "error", "category": "VALIDATION_ERROR", "message": "Property values were not valid: email " + in.ID, "context": map[string][]string{"id": {in.ID}}})
				continue
			}
			c, exists := h.Contacts[in.ID]
			if !exists {
				h.seq++
				c = map[string]string{"hs_object_id": fmt.Sprint(100 + h.seq), "email": in.ID}
				h.Contacts[in.ID] = c
			}
			for k, v := range in.Properties {
				c[k] = v
			}
			if h.Upserted != nil {
				h.Upserted(in.ID, in.Properties)
			}
			results = append(results, map[string]any{"id": c["hs_object_id"], "properties": c, "createdAt": now, "updatedAt": now, "archived": false, "new": !exists})
		}
		body := map[string]any{"status": "COMPLETE", "results": nonNil(results), "startedAt": now, "completedAt": now}
		status := 200
		if len(errs) > 0 {
			body["errors"], body["numErrors"], status = errs, len(errs), 207
		}
		writeJSON(w, status, body)
	case "/crm/v3/objects/contacts":
		h.createContact(w, r, now)
	case "/crm/v3/objects/contacts/search":
		h.searchContacts(w, r)
	case "/crm/v3/objects/contacts/batch/read", "/crm/v3/objects/deals/batch/read":
		h.batchRead(w, r, now)
	case "/crm/v4/associations/deals/contacts/batch/read", "/crm/v4/associations/deal/contact/batch/read", "/crm/v4/associations/0-3/0-1/batch/read":
		h.associations(w, r, now, true)
	case "/crm/v4/associations/contacts/deals/batch/read", "/crm/v4/associations/contact/deal/batch/read", "/crm/v4/associations/0-1/0-3/batch/read":
		h.associations(w, r, now, false)
	case "/crm/v3/objects/contacts/gdpr-delete":
		h.gdprDelete(w, r)
	case "/crm/v3/objects/notes/search":
		var req struct {
			FilterGroups []struct {
				Filters []struct{ PropertyName, Operator, Value string } `json:"filters"`
			} `json:"filterGroups"`
		}
		json.NewDecoder(r.Body).Decode(&req)
		var hits []map[string]any
		for _, n := range h.Notes {
			if at, _ := n["indexedAt"].(time.Time); at.After(h.Now()) {
				continue // not in the search index yet
			}
			body := n["properties"].(map[string]any)["hs_note_body"].(string)
			for _, g := range req.FilterGroups {
				all := len(g.Filters) > 0
				for _, f := range g.Filters {
					switch {
					case f.PropertyName == "hs_note_body" && f.Operator == "CONTAINS_TOKEN":
						all = all && strings.Contains(body, f.Value)
					case (f.PropertyName == "associations.contact" || f.PropertyName == "associations.company") && f.Operator == "EQ":
						all = all && noteOf(n, f.Value)
					default:
						all = false
					}
				}
				if all {
					hits = append(hits, map[string]any{"id": n["id"], "properties": n["properties"]})
					break
				}
			}
		}
		writeJSON(w, 200, map[string]any{"total": len(hits), "results": nonNil(hits)})
	case "/crm/v3/objects/companies":
		var req struct {
			Properties map[string]string `json:"properties"`
		}
		json.NewDecoder(r.Body).Decode(&req)
		if req.Properties["name"] == "" && req.Properties["domain"] == "" {
			writeJSON(w, 400, map[string]string{"status": "error", "message": "a company needs a name or a domain", "category": "VALIDATION_ERROR"})
			return
		}
		h.seq++
		id := fmt.Sprint(5000 + h.seq)
		c := map[string]string{"hs_object_id": id}
		for k, v := range req.Properties {
			c[k] = v
		}
		h.Companies[id], h.companyAt[id] = c, h.Now().Add(h.SearchLag)
		writeJSON(w, 201, map[string]any{"id": id, "properties": c, "createdAt": now, "updatedAt": now, "archived": false})
	case "/crm/v3/objects/companies/search":
		var req struct {
			FilterGroups []struct {
				Filters []struct{ PropertyName, Operator, Value string } `json:"filters"`
			} `json:"filterGroups"`
		}
		json.NewDecoder(r.Body).Decode(&req)
		var hits []map[string]any
		ids := make([]string, 0, len(h.Companies))
		for id := range h.Companies {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		for _, id := range ids {
			if h.companyAt[id].After(h.Now()) {
				continue // not in the search index yet
			}
			c := h.Companies[id]
			for _, g := range req.FilterGroups {
				all := len(g.Filters) > 0
				for _, f := range g.Filters {
					all = all && f.Operator == "EQ" && strings.EqualFold(c[f.PropertyName], f.Value)
				}
				if all {
					hits = append(hits, map[string]any{"id": id, "properties": c})
					break
				}
			}
		}
		writeJSON(w, 200, map[string]any{"total": len(hits), "results": nonNil(hits)})
	case "/crm/v3/objects/notes":
		var note map[string]any
		json.NewDecoder(r.Body).Decode(&note)
		props, _ := note["properties"].(map[string]any)
		strs := map[string]string{}
		for k, v := range props {
			strs[k], _ = v.(string)
		}
		if name, ok := tooLong(strs); ok {
			writeJSON(w, 400, hsTooLong(name))
			return
		}
		if strs["hs_timestamp"] == "" { // a note must say when it happened
			writeJSON(w, 400, map[string]any{"status": "error", "category": "VALIDATION_ERROR", "correlationId": "c6f2b1e0-0000-4000-8000-000000000019",
				"message": `Property values were not valid: [{"isValid":false,"message":"hs_timestamp is required","error":"REQUIRED_FIELD","name":"hs_timestamp"}]`})
			return
		}
		if bad := h.badAssociation(note); bad != "" {
			writeJSON(w, 400, map[string]any{"status": "error", "category": "VALIDATION_ERROR", "correlationId": "c6f2b1e0-0000-4000-8000-000000000020", "message": bad})
			return
		}
		h.seq++
		note["id"] = fmt.Sprint(9000 + h.seq)
		note["indexedAt"] = h.Now().Add(h.SearchLag)
		h.Notes = append(h.Notes, note)
		writeJSON(w, 201, map[string]any{"id": note["id"], "properties": note["properties"], "createdAt": now, "updatedAt": now, "archived": false})
	default:
		writeJSON(w, 404, map[string]string{"status": "error", "message": "Unable to route " + r.Method + " request", "category": "OBJECT_NOT_FOUND"})
	}
}

// gdprDelete serves POST /crm/v3/objects/contacts/gdpr-delete as HubSpot
// documents it: the contact by its id ({"objectId": "123"}), or by email
// with {"idProperty": "email"}; an unknown one is 404. With the contact go
// its activities: HubSpot's GDPR delete removes "a contact and all
// associated content" (API reference), "all activity is deleted and
// unassociated from the record", a note also on a company staying on the
// company's timeline (knowledge base, restorable and permanent contact
// deletions): a note of that contact alone is deleted, one also associated
// elsewhere loses the contact.
func (h *HubSpot) gdprDelete(w http.ResponseWriter, r *http.Request) {
	var req struct{ IDProperty, ObjectID string }
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.ObjectID == "" {
		writeJSON(w, 400, map[string]string{"status": "error", "message": "Invalid input JSON: objectId is required", "correlationId": "c6f2b1e0-0000-4000-8000-000000000025", "category": "VALIDATION_ERROR"})
		return
	}
	key := ""
	switch req.IDProperty {
	case "email":
		if _, ok := h.Contacts[strings.ToLower(req.ObjectID)]; ok {
			key = strings.ToLower(req.ObjectID)
		}
	case "", "hs_object_id":
		for k, c := range h.Contacts {
			if c["hs_object_id"] == req.ObjectID {
				key = k
			}
		}
	default:
		writeJSON(w, 400, map[string]string{"status": "error", "message": "Property " + req.IDProperty + " is not a unique identifier", "correlationId": "c6f2b1e0-0000-4000-8000-000000000026", "category": "VALIDATION_ERROR"})
		return
	}
	if key == "" {
		writeJSON(w, 404, map[string]string{"status": "error", "message": "resource not found", "category": "OBJECT_NOT_FOUND"})
		return
	}
	id := h.Contacts[key]["hs_object_id"]
	delete(h.Contacts, key)
	delete(h.contactAt, id)
	kept := h.Notes[:0]
	for _, n := range h.Notes {
		as, _ := n["associations"].([]any)
		var others []any
		for _, a := range as {
			if to, _ := a.(map[string]any)["to"].(map[string]any); to["id"] != id {
				others = append(others, a)
			}
		}
		if len(as) > 0 && len(others) == 0 {
			continue // the contact's alone: deleted with it
		}
		if len(others) < len(as) {
			n["associations"] = others
		}
		kept = append(kept, n)
	}
	clear(h.Notes[len(kept):])
	h.Notes = kept
	w.WriteHeader(204)
}

// patchContact serves PATCH /crm/v3/objects/contacts/{id}: the properties
// sent change, the lifecycle stage only forward; an unknown id is 404.
func (h *HubSpot) patchContact(w http.ResponseWriter, r *http.Request, id, now string) {
	var req struct {
		Properties map[string]string `json:"properties"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.Properties == nil {
		writeJSON(w, 400, map[string]string{"status": "error", "message": "Invalid input JSON on line 1", "correlationId": "c6f2b1e0-0000-4000-8000-000000000016", "category": "VALIDATION_ERROR"})
		return
	}
	if name, long := tooLong(req.Properties); long {
		writeJSON(w, 400, hsTooLong(name))
		return
	}
	if email, ok := req.Properties["email"]; ok && email != "" && !h.takesEmail(email) {
		writeJSON(w, 400, hsInvalidEmail(email))
		return
	}
	if bad := h.badOptions(req.Properties); bad != nil {
		writeJSON(w, 400, bad)
		return
	}
	for _, c := range h.Contacts {
		if c["hs_object_id"] != id {
			continue
		}
		if stage := req.Properties["lifecyclestage"]; stage != "" && c["lifecyclestage"] != "" && slices.Index(h.LifecycleOrder, c["lifecyclestage"]) > slices.Index(h.LifecycleOrder, stage) {
			writeJSON(w, 400, map[string]any{"status": "error", "category": "VALIDATION_ERROR", "correlationId": "c6f2b1e0-0000-4000-8000-000000000017",
				"message": fmt.Sprintf(`Property values were not valid: [{"isValid":false,"message":"The lifecycle stage can't be set backward from %s to %s. Clear the property first to move it backward.","error":"INVALID_LIFECYCLE_STAGE","name":"lifecyclestage"}]`, c["lifecyclestage"], stage)})
			return
		}
		maps.Copy(c, req.Properties)
		writeJSON(w, 200, map[string]any{"id": id, "properties": c, "createdAt": now, "updatedAt": now, "archived": false})
		return
	}
	writeJSON(w, 404, map[string]string{"status": "error", "message": "resource not found", "correlationId": "c6f2b1e0-0000-4000-8000-000000000018", "category": "OBJECT_NOT_FOUND"})
}

// createContact serves POST /crm/v3/objects/contacts: a contact of the
// properties sent, with or without an email (HubSpot needs none; the fake
// keeps one without under "#" and its id), 201 with its id; an email
// HubSpot refuses is 400 INVALID_EMAIL, one another contact has 409
// CONFLICT naming it, as HubSpot answers. Associations sent with it (to
// notes, type 201) are made with it.
func (h *HubSpot) createContact(w http.ResponseWriter, r *http.Request, now string) {
	var req struct {
		Properties   map[string]string `json:"properties"`
		Associations []any             `json:"associations"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeJSON(w, 400, map[string]string{"status": "error", "message": "Invalid input JSON on line 1", "correlationId": "c6f2b1e0-0000-4000-8000-000000000022", "category": "VALIDATION_ERROR"})
		return
	}
	email := strings.ToLower(req.Properties["email"])
	if email != "" && !h.takesEmail(email) {
		writeJSON(w, 400, hsInvalidEmail(email))
		return
	}
	if name, long := tooLong(req.Properties); long {
		writeJSON(w, 400, hsTooLong(name))
		return
	}
	if stage := req.Properties["lifecyclestage"]; stage != "" && !slices.Contains(h.LifecycleOrder, stage) {
		writeJSON(w, 400, map[string]any{"status": "error", "category": "VALIDATION_ERROR", "correlationId": "c6f2b1e0-0000-4000-8000-000000000023",
			"message": fmt.Sprintf(`Property values were not valid: [{"isValid":false,"message":"%s was not one of the allowed options","error":"INVALID_OPTION","name":"lifecyclestage"}]`, stage)})
		return
	}
	if bad := h.badOptions(req.Properties); bad != nil {
		writeJSON(w, 400, bad)
		return
	}
	if c := h.Contacts[email]; email != "" && c != nil {
		writeJSON(w, 409, map[string]string{"status": "error", "message": "Contact already exists. Existing ID: " + c["hs_object_id"], "correlationId": "c6f2b1e0-0000-4000-8000-000000000024", "category": "CONFLICT"})
		return
	}
	h.seq++
	id := fmt.Sprint(100 + h.seq)
	c := map[string]string{"hs_object_id": id, "createdate": now}
	maps.Copy(c, req.Properties)
	key := email
	if key == "" {
		key = "#" + id
	} else {
		c["email"] = email
	}
	h.Contacts[key] = c
	if h.contactAt == nil {
		h.contactAt = map[string]time.Time{}
	}
	h.contactAt[id] = h.Now().Add(h.SearchLag)
	writeJSON(w, 201, map[string]any{"id": id, "properties": c, "createdAt": now, "updatedAt": now, "archived": false})
}

// searchContacts serves POST /crm/v3/objects/contacts/search over the
// contacts createContact made, each seen by search only SearchLag after:
// filters EQ (as HubSpot, case-insensitive), NOT_HAS_PROPERTY,
// HAS_PROPERTY, and GTE/LTE on createdate (milliseconds since the epoch),
// the oldest first.
func (h *HubSpot) searchContacts(w http.ResponseWriter, r *http.Request) {
	var req struct {
		FilterGroups []struct {
			Filters []struct{ PropertyName, Operator, Value string } `json:"filters"`
		} `json:"filterGroups"`
	}
	json.NewDecoder(r.Body).Decode(&req)
	var ids []int
	byID := map[int]map[string]string{}
	for _, c := range h.Contacts {
		at, ok := h.contactAt[c["hs_object_id"]]
		if !ok || at.After(h.Now()) {
			continue // not in the search index (yet)
		}
		n, _ := strconv.Atoi(c["hs_object_id"])
		ids, byID[n] = append(ids, n), c
	}
	slices.Sort(ids)
	var hits []map[string]any
	for _, n := range ids {
		c := byID[n]
		for _, g := range req.FilterGroups {
			all := len(g.Filters) > 0
			for _, f := range g.Filters {
				v, has := c[f.PropertyName]
				has = has && v != ""
				switch f.Operator {
				case "EQ":
					all = all && has && strings.EqualFold(v, f.Value)
				case "HAS_PROPERTY":
					all = all && has
				case "NOT_HAS_PROPERTY":
					all = all && !has
				case "GTE", "LTE":
					at, err := time.Parse(time.RFC3339Nano, v)
					ms, err2 := strconv.ParseInt(f.Value, 10, 64)
					if f.PropertyName != "createdate" || err != nil || err2 != nil {
						all = false
						break
					}
					if f.Operator == "GTE" {
						all = all && at.UnixMilli() >= ms
					} else {
						all = all && at.UnixMilli() <= ms
					}
				default:
					all = false
				}
			}
			if all {
				hits = append(hits, map[string]any{"id": c["hs_object_id"], "properties": c})
				break
			}
		}
	}
	writeJSON(w, 200, map[string]any{"total": len(hits), "results": nonNil(hits)})
}

// hsLocal is an unquoted local part: RFC 2822 atext, dot-separated.
var hsLocal = regexp.MustCompile("^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")

// hsLabel is a host name's label: letters, digits, inner hyphens.
var hsLabel = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$`)

// takesEmail is the fake's rule for the addresses HubSpot takes, after
// "How does HubSpot validate email addresses?" (developers.hubspot.com/
// docs/faq/how-does-hubspot-validate-email-addresses; HubSpot community,
// "contacts integration - invalid e-mails", 2023): valid by RFC 2822
// with no quoted local part, so ASCII only (山田@example.jp is refused),
// and a domain ending in a TLD of IANA's list (taro@acme.cojp and
// tb.tb@yahoo.comtttt are refused). IANA's list is taken here as the
// ICANN section of the public suffix list (golang.org/x/net/publicsuffix),
// which holds every delegated TLD; an IDN arrives from Baton in its ASCII
// form (xn--), which HubSpot takes. TestTLDs are taken too.
func (h *HubSpot) takesEmail(email string) bool {
	at := strings.LastIndexByte(email, '@')
	if at <= 0 || len(email) > 254 || !hsLocal.MatchString(email[:at]) || at > 64 {
		return false
	}
	labels := strings.Split(email[at+1:], ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if !hsLabel.MatchString(l) {
			return false
		}
	}
	tld := strings.ToLower(labels[len(labels)-1])
	if slices.Contains(h.TestTLDs, tld) {
		return true
	}
	suffix, icann := publicsuffix.PublicSuffix(tld)
	return icann && suffix == tld
}

// hsInvalidEmail is HubSpot's refusal of an address (400, as its
// contacts endpoints answer a value a property refuses).
func hsInvalidEmail(email string) map[string]any {
	type propErr struct { // in HubSpot's order
		IsValid bool   `json:"isValid"`
		Message string `json:"message"`
		Error   string `json:"error"`
		Name    string `json:"name"`
	}
	list, _ := json.Marshal([]propErr{{false, "Email address " + email + " is invalid", "INVALID_EMAIL", "email"}})
	return map[string]any{"status": "error", "category": "VALIDATION_ERROR", "correlationId": "c6f2b1e0-0000-4000-8000-000000000025", "message": "Property values were not valid: " + string(list)}
}

// badOptions is HubSpot's refusal of values an enumeration property does
// not have among its options (nil: none), every such property named.
func (h *HubSpot) badOptions(props map[string]string) map[string]any {
	var errs []map[string]any
	names := slices.Sorted(maps.Keys(props))
	for _, name := range names {
		opts, enum := h.Enumerations[name]
		if v := props[name]; enum && v != "" && !slices.Contains(opts, v) {
			errs = append(errs, map[string]any{"isValid": false, "message": fmt.Sprintf("%s was not one of the allowed options: %v", v, opts), "error": "INVALID_OPTION", "name": name})
		}
	}
	if errs == nil {
		return nil
	}
	list, _ := json.Marshal(errs)
	return map[string]any{"status": "error", "category": "VALIDATION_ERROR", "correlationId": "c6f2b1e0-0000-4000-8000-000000000021", "message": "Property values were not valid: " + string(list)}
}

// HSMaxValue is the most characters HubSpot keeps in a property value
// (a note's body included): a longer one is refused, not cut.
const HSMaxValue = 65536

// tooLong names a property whose value is longer than HSMaxValue,
// counted as HubSpot (Java) counts: UTF-16 units.
func tooLong(props map[string]string) (string, bool) {
	for k, v := range props {
		if len(utf16.Encode([]rune(v))) > HSMaxValue {
			return k, true
		}
	}
	return "", false
}

func hsTooLong(name string) map[string]any {
	return map[string]any{"status": "error", "category": "VALIDATION_ERROR", "correlationId": "c6f2b1e0-0000-4000-8000-000000000014",
		"message": fmt.Sprintf(`Property values were not valid: [{"isValid":false,"message":"%s must be at most %d characters","error":"INVALID_STRING","name":"%s"}]`, name, HSMaxValue, name)}
}

// badAssociation says what is wrong with a note's associations ("": none):
// HubSpot's note-to-contact is type 202, note-to-company 190, each to a
// record that exists.
func (h *HubSpot) badAssociation(note map[string]any) string {
	as, _ := note["associations"].([]any)
	for _, a := range as {
		m, _ := a.(map[string]any)
		to, _ := m["to"].(map[string]any)
		id, _ := to["id"].(string)
		types, _ := m["types"].([]any)
		for _, ty := range types {
			tm, _ := ty.(map[string]any)
			typeID, _ := tm["associationTypeId"].(float64)
			found := false
			switch typeID {
			case 202:
				for _, c := range h.Contacts {
					found = found || c["hs_object_id"] == id
				}
			case 190:
				found = h.Companies[id] != nil
			default:
				return fmt.Sprintf("association type %v is not one of note's", tm["associationTypeId"])
			}
			if !found {
				return fmt.Sprintf("No object found with id %s for association type %v", id, tm["associationTypeId"])
			}
		}
	}
	return ""
}

// noteOf reports whether note n is associated with the record id.
func noteOf(n map[string]any, id string) bool {
	as, _ := n["associations"].([]any)
	for _, a := range as {
		to, _ := a.(map[string]any)["to"].(map[string]any)
		if to["id"] == id {
			return true
		}
	}
	return false
}

// HubSpotDeal is a deal of the fake: its properties and associated contacts' ids.
type HubSpotDeal struct {
	Properties map[string]string
	Contacts   []string
}

// deal serves GET /crm/v3/objects/deals/{id}: the properties asked for
// (null when unset), the associated contacts when asked
// (associations=contacts; the key is left out without any), 404 for an
// unknown deal.
func (h *HubSpot) deal(w http.ResponseWriter, r *http.Request, id, now string) {
	d := h.Deals[id]
	if d == nil {
		writeJSON(w, 404, map[string]string{"status": "error", "message": "resource not found", "correlationId": "c6f2b1e0-0000-4000-8000-000000000013", "category": "OBJECT_NOT_FOUND"})
		return
	}
	props := map[string]any{"hs_object_id": id}
	for _, p := range strings.Split(r.URL.Query().Get("properties"), ",") {
		if p == "" {
			continue
		}
		if v, ok := d.Properties[p]; ok {
			props[p] = v
		} else {
			props[p] = nil
		}
	}
	out := map[string]any{"id": id, "properties": props, "createdAt": now, "updatedAt": now, "archived": false}
	if slices.Contains(strings.Split(r.URL.Query().Get("associations"), ","), "contacts") && len(d.Contacts) > 0 {
		var rs []map[string]string
		for _, c := range d.Contacts {
			rs = append(rs, map[string]string{"id": c, "type": "deal_to_contact"})
		}
		out["associations"] = map[string]any{"contacts": map[string]any{"results": rs}}
	}
	writeJSON(w, 200, out)
}

// contactDeals serves GET /crm/v4/objects/contacts/{id}/associations/deals:
// the deals whose Contacts name the contact (by hs_object_id), by deal id,
// a page of limit (default and most 500) with paging.next.after while more
// remain; 404 for a contact the fake does not have.
func (h *HubSpot) contactDeals(w http.ResponseWriter, r *http.Request, id string) {
	if !h.contactKnown(id) {
		writeJSON(w, 404, map[string]string{"status": "error", "message": "resource not found", "correlationId": "c6f2b1e0-0000-4000-8000-000000000025", "category": "OBJECT_NOT_FOUND"})
		return
	}
	var ids []string
	for did, d := range h.Deals {
		if slices.Contains(d.Contacts, id) {
			ids = append(ids, did)
		}
	}
	slices.Sort(ids)
	limit, from := 500, 0
	if n := atoi(r.URL.Query().Get("limit")); n > 0 && n < limit {
		limit = n
	}
	if a := r.URL.Query().Get("after"); a != "" {
		from = max(0, min(atoi(a), len(ids)))
	}
	results := []map[string]any{}
	for _, did := range ids[from:min(from+limit, len(ids))] {
		n, _ := strconv.ParseInt(did, 10, 64)
		results = append(results, map[string]any{"toObjectId": n, "associationTypes": []map[string]any{{"category": "HUBSPOT_DEFINED", "typeId": 4, "label": nil}}})
	}
	out := map[string]any{"results": results}
	if from+limit < len(ids) {
		out["paging"] = map[string]any{"next": map[string]string{"after": strconv.Itoa(from + limit)}}
	}
	writeJSON(w, 200, out)
}

// contactKnown reports whether the fake has a contact of record id id.
func (h *HubSpot) contactKnown(id string) bool {
	for _, c := range h.Contacts {
		if c["hs_object_id"] == id {
			return true
		}
	}
	return false
}

// batchRead serves POST /crm/v3/objects/{contacts,deals}/batch/read by
// record id (hs_object_id): the properties asked for (null when unset) of
// each record found, and for ids of none a 207 with HubSpot's
// OBJECT_NOT_FOUND error naming them. A body that is not the batch's JSON
// (inputs not an array of {id}), or an idProperty other than
// hs_object_id (no contact or deal property of the fake is unique), is
// refused; so are more than 100 inputs, as HubSpot refuses them.
func (h *HubSpot) batchRead(w http.ResponseWriter, r *http.Request, now string) {
	var req struct {
		Properties []string `json:"properties"`
		IDProperty string   `json:"idProperty"`
		Inputs     []struct {
			ID string `json:"id"`
		} `json:"inputs"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.IDProperty != "" && req.IDProperty != "hs_object_id" {
		writeJSON(w, 400, map[string]string{"status": "error", "message": "Invalid input JSON on line 1", "correlationId": "c6f2b1e0-0000-4000-8000-000000000023", "category": "VALIDATION_ERROR"})
		return
	}
	if len(req.Inputs) > 100 {
		writeJSON(w, 400, map[string]string{"status": "error", "message": fmt.Sprintf("Batch input size %d exceeds the limit of 100", len(req.Inputs)), "correlationId": "c6f2b1e0-0000-4000-8000-000000000024", "category": "VALIDATION_ERROR"})
		return
	}
	deals := strings.Contains(r.URL.Path, "/deals/")
	var results []map[string]any
	var missing, asked []string
	for _, in := range req.Inputs {
		asked = append(asked, in.ID)
	}
	if deals {
		h.DealBatchReads = append(h.DealBatchReads, asked)
	} else {
		h.BatchReads = append(h.BatchReads, asked)
	}
	for _, in := range req.Inputs {
		var c map[string]string
		if deals {
			if d := h.Deals[in.ID]; d != nil {
				c = d.Properties
				if c == nil {
					c = map[string]string{}
				}
			}
		} else {
			for _, x := range h.Contacts {
				if x["hs_object_id"] == in.ID {
					c = x
				}
			}
		}
		if c == nil {
			missing = append(missing, in.ID)
			continue
		}
		props := map[string]any{"hs_object_id": in.ID}
		for _, p := range req.Properties {
			if v, ok := c[p]; ok {
				props[p] = v
			} else {
				props[p] = nil
			}
		}
		results = append(results, map[string]any{"id": in.ID, "properties": props, "createdAt": now, "updatedAt": now, "archived": false})
	}
	body := map[string]any{"status": "COMPLETE", "results": nonNil(results), "startedAt": now, "completedAt": now}
	status := 200
	if len(missing) > 0 {
		kind := "CONTACT"
		if deals {
			kind = "DEAL"
		}
		body["numErrors"], status = 1, 207
		body["errors"] = []map[string]any{{"status": "error", "category": "OBJECT_NOT_FOUND", "message": "Could not get some " + kind + " objects, they may be deleted or not exist. Check that ids are valid.", "context": map[string][]string{"ids": missing}}}
	}
	writeJSON(w, status, body)
}

// HSAssociationsPage is how many associated records the fake's
// associations batch read answers per input before paging (its after).
const HSAssociationsPage = 500

// associations serves POST /crm/v4/associations/deals/contacts/batch/read
// (fromDeals) and /crm/v4/associations/contacts/deals/batch/read: for each
// input {id, after} the deal's contacts (toObjectId, a number, with the
// deal-to-contact type 3), or the contact's deals (by deal id, type 4),
// HSAssociationsPage at most with paging.next.after while more remain; a
// record the fake does not have, or without any, is a 207 error naming it.
// More than 1,000 inputs (the limit HubSpot set in February 2025) and a
// body that is not the batch's JSON are refused.
func (h *HubSpot) associations(w http.ResponseWriter, r *http.Request, now string, fromDeals bool) {
	var req struct {
		Inputs []struct {
			ID    string `json:"id"`
			After string `json:"after"`
		} `json:"inputs"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.Inputs == nil {
		writeJSON(w, 400, map[string]string{"status": "error", "message": "Invalid input JSON on line 1", "correlationId": "c6f2b1e0-0000-4000-8000-000000000026", "category": "VALIDATION_ERROR"})
		return
	}
	if len(req.Inputs) > 1000 {
		writeJSON(w, 400, map[string]string{"status": "error", "message": fmt.Sprintf("Batch input size %d exceeds the limit of 1000", len(req.Inputs)), "correlationId": "c6f2b1e0-0000-4000-8000-000000000027", "category": "VALIDATION_ERROR"})
		return
	}
	var asked []string
	results, errs := []map[string]any{}, []map[string]any{}
	from, to, typeID := "deal", "contact", 3
	if !fromDeals {
		from, to, typeID = "contact", "deal", 4
	}
	for _, in := range req.Inputs {
		asked = append(asked, in.ID)
		var ids []string
		if fromDeals {
			if d := h.Deals[in.ID]; d != nil {
				ids = d.Contacts
			}
		} else if h.contactKnown(in.ID) { // a contact merged or deleted has no associations left
			for did, d := range h.Deals {
				if slices.Contains(d.Contacts, in.ID) {
					ids = append(ids, did)
				}
			}
			slices.Sort(ids)
		}
		if len(ids) == 0 {
			errs = append(errs, map[string]any{"status": "error", "category": "OBJECT_NOT_FOUND", "subCategory": "crm.associations.NO_ASSOCIATIONS_FOUND",
				"message": "No " + to + " is associated with " + from + " " + in.ID + ".", "context": map[string][]string{"fromObjectId": {in.ID}}})
			continue
		}
		at := max(0, min(atoi(in.After), len(ids)))
		page := []map[string]any{}
		for _, c := range ids[at:min(at+HSAssociationsPage, len(ids))] {
			n, _ := strconv.ParseInt(c, 10, 64)
			page = append(page, map[string]any{"toObjectId": n, "associationTypes": []map[string]any{{"category": "HUBSPOT_DEFINED", "typeId": typeID, "label": nil}}})
		}
		res := map[string]any{"from": map[string]string{"id": in.ID}, "to": page}
		if at+HSAssociationsPage < len(ids) {
			res["paging"] = map[string]any{"next": map[string]string{"after": strconv.Itoa(at + HSAssociationsPage)}}
		}
		results = append(results, res)
	}
	if fromDeals {
		h.DealContactReads = append(h.DealContactReads, asked)
	} else {
		h.ContactDealReads = append(h.ContactDealReads, asked)
	}
	body := map[string]any{"status": "COMPLETE", "results": results, "startedAt": now, "completedAt": now}
	status := 200
	if len(errs) > 0 {
		body["errors"], body["numErrors"], status = errs, len(errs), 207
	}
	writeJSON(w, status, body)
}

// HubSpotOwner is an owner of the fake, as GET /crm/v3/owners/{id}
// answers it.
type HubSpotOwner struct {
	ID        string `json:"id"`
	Email     string `json:"email"`
	FirstName string `json:"firstName"`
	LastName  string `json:"lastName"`
	UserID    int64  `json:"userId"`
	Archived  bool   `json:"archived"`
}

// hsReadScopes are the scopes a read (GET) of the fake needs (none it
// checks: nil).
func hsReadScopes(r *http.Request) []string {
	if r.Method == "POST" {
		switch p := r.URL.Path; {
		case p == "/crm/v3/objects/contacts/batch/read":
			return []string{"crm.objects.contacts.read"}
		case p == "/crm/v3/objects/deals/batch/read":
			return []string{"crm.objects.deals.read"}
		case strings.HasPrefix(p, "/crm/v4/associations/") && strings.HasSuffix(p, "/batch/read"):
			return []string{"crm.objects.contacts.read", "crm.objects.deals.read"} // both ends of the association
		}
	}
	if r.Method != "GET" {
		return nil
	}
	switch p := r.URL.Path; {
	case strings.HasPrefix(p, "/crm/v3/properties/contacts"):
		return []string{"crm.schemas.contacts.read"}
	case strings.HasPrefix(p, "/crm/v3/owners"):
		return []string{"crm.objects.owners.read"}
	case strings.HasPrefix(p, "/crm/v3/objects/contacts/"):
		return []string{"crm.objects.contacts.read"}
	case strings.HasPrefix(p, "/crm/v3/objects/deals/"):
		return []string{"crm.objects.deals.read"}
	case strings.HasPrefix(p, "/crm/v4/objects/contacts/") && strings.HasSuffix(p, "/associations/deals"):
		return []string{"crm.objects.contacts.read", "crm.objects.deals.read"} // both ends of the association
	}
	return nil
}

// property serves GET /crm/v3/properties/contacts/{name} for the
// enumerations the fake knows, shaped as HubSpot's definition of a
// property: its options each with label, value, displayOrder, hidden and
// description. Another name is a 404, as HubSpot answers a property the
// account does not have.
func (h *HubSpot) property(w http.ResponseWriter, name string) {
	values, ok := h.Enumerations[name]
	if !ok {
		writeJSON(w, 404, map[string]any{"status": "error", "message": "Unable to find property " + name + " for object type 0-1",
			"correlationId": "c6f2b1e0-0000-4000-8000-000000000031", "category": "OBJECT_NOT_FOUND"})
		return
	}
	options := []map[string]any{}
	for i, v := range values {
		label := h.OptionLabels[name][v]
		if label == "" {
			label = v
		}
		options = append(options, map[string]any{"label": label, "value": v, "displayOrder": i, "hidden": false, "description": ""})
	}
	writeJSON(w, 200, map[string]any{
		"name": name, "label": name, "type": "enumeration", "fieldType": "select", "groupName": "contactinformation", "description": "",
		"options": options, "displayOrder": -1, "calculated": false, "externalOptions": false, "hasUniqueValue": false, "hidden": false,
		"hubspotDefined": true, "formField": true, "archived": false,
		"createdAt": "2019-08-06T02:41:08.029Z", "updatedAt": "2019-08-06T02:41:08.029Z",
		"modificationMetadata": map[string]any{"archivable": true, "readOnlyDefinition": true, "readOnlyValue": false},
	})
}

// HSMissingScope is HubSpot's 403 body for a token without scope.
func HSMissingScope(scope string) map[string]any {
	return map[string]any{
		"status": "error", "message": "This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.",
		"correlationId": "c6f2b1e0-0000-4000-8000-000000000021", "category": "MISSING_SCOPES",
		"errors": []map[string]any{{"message": "One or more of the following scopes are required.", "context": map[string][]string{"requiredGranularScopes": {scope}}}},
		"links":  map[string]string{"scopes": "https://developers.hubspot.com/scopes"},
	}
}

// owner serves GET /crm/v3/owners/{id}: by owner id (idProperty=id, the
// default) or user id (idProperty=userId); an archived owner only with
// archived=true, an active one only without; 404 otherwise.
func (h *HubSpot) owner(w http.ResponseWriter, r *http.Request, id string) {
	q := r.URL.Query()
	archived := q.Get("archived") == "true"
	for _, o := range h.Owners {
		match := o.ID == id
		if q.Get("idProperty") == "userId" {
			match = fmt.Sprint(o.UserID) == id
		}
		if match && o.Archived == archived {
			writeJSON(w, 200, map[string]any{"id": o.ID, "email": o.Email, "type": "PERSON", "firstName": o.FirstName, "lastName": o.LastName, "userId": o.UserID,
				"userIdIncludingInactive": o.UserID, "createdAt": "2025-04-01T09:00:00Z", "updatedAt": "2026-10-01T09:00:00Z", "archived": o.Archived})
			return
		}
	}
	writeJSON(w, 404, map[string]string{"status": "error", "message": "Owner with id " + id + " not found", "correlationId": "c6f2b1e0-0000-4000-8000-000000000022", "category": "OBJECT_NOT_FOUND"})
}

// HSOwnersPage is the most owners the fake's list answers a page (its
// limit's largest).
const HSOwnersPage = 100

// owners serves GET /crm/v3/owners: the active owners, or with
// archived=true the archived ones alone (HubSpot lists either, not both),
// by id, email= filtering by email; limit owners a page (default and most
// HSOwnersPage; a limit that is no number within 1..HSOwnersPage is a 400),
// paging.next.after naming the next page while more remain (an after the
// fake never gave is a 400).
func (h *HubSpot) owners(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	invalid := func(msg string) {
		writeJSON(w, 400, map[string]string{"status": "error", "message": msg, "correlationId": "c6f2b1e0-0000-4000-8000-000000000023", "category": "VALIDATION_ERROR"})
	}
	limit := HSOwnersPage
	if q.Has("limit") {
		n, err := strconv.Atoi(q.Get("limit"))
		if err != nil || n < 1 || n > HSOwnersPage {
			invalid(fmt.Sprintf("limit must be between 1 and %d, got %q", HSOwnersPage, q.Get("limit")))
			return
		}
		limit = n
	}
	archived := q.Get("archived") == "true"
	var list []*HubSpotOwner
	for _, o := range h.Owners {
		if o.Archived == archived && (!q.Has("email") || strings.EqualFold(o.Email, q.Get("email"))) {
			list = append(list, o)
		}
	}
	slices.SortFunc(list, func(a, b *HubSpotOwner) int {
		return cmp.Or(cmp.Compare(len(a.ID), len(b.ID)), strings.Compare(a.ID, b.ID))
	})
	at := 0
	if a := q.Get("after"); a != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(a, "ow"))
		if err != nil || !strings.HasPrefix(a, "ow") || n < 0 || n > len(list) {
			invalid("Invalid paging cursor: " + a)
			return
		}
		at = n
	}
	results := []map[string]any{}
	for _, o := range list[at:min(at+limit, len(list))] {
		results = append(results, map[string]any{"id": o.ID, "email": o.Email, "type": "PERSON", "firstName": o.FirstName, "lastName": o.LastName, "userId": o.UserID,
			"userIdIncludingInactive": o.UserID, "createdAt": "2025-04-01T09:00:00Z", "updatedAt": "2026-10-01T09:00:00Z", "archived": o.Archived})
	}
	body := map[string]any{"results": results}
	if at+limit < len(list) {
		next := fmt.Sprintf("ow%d", at+limit)
		nq := maps.Clone(q)
		nq.Set("after", next)
		body["paging"] = map[string]any{"next": map[string]string{"after": next, "link": "https://api.hubapi.com/crm/v3/owners/?" + nq.Encode()}}
	}
	writeJSON(w, 200, body)
}

func nonNil(s []map[string]any) []map[string]any {
	if s == nil {
		return []map[string]any{}
	}
	return s
}

// ---- kintone ----

// Kintone fakes record upserts of the leads' app and of an MQA app, their
// forms' fields, and what kintone refuses: an update key that is not a unique text or number field.
type Kintone struct {
	base
	App        int
	APIToken   string
	EmailField string
	// Fields are the app's form fields (GET /k/v1/app/form/fields.json):
	// field code -> properties (type, code, label, unique ...).
	Fields  map[string]map[string]any
	Records map[string]map[string]string // email -> field code -> value
	// Users are the values of a record's user fields (a ユーザー選択, the
	// process management's 作業者, typed USER_SELECT or STATUS_ASSIGNEE in
	// Fields), which Records' text cannot hold: email -> field code ->
	// users, as GET /k/v1/record.json gives them.
	Users     map[string]map[string][]KintoneUser
	revisions map[string]int
	ids       map[string]int
	seq       int
	// A second app (MQAs: one record per MQA), same API token: its number,
	// update key field, form fields and records (update key -> field code
	// -> value). AccountApp 0: none.
	AccountApp      int
	AccountKeyField string
	AccountFields   map[string]map[string]any
	AccountRecords  map[string]map[string]string
	accountRevs     map[string]int
	accountIDs      map[string]int
	// Comments are the leads app's record comments by record id, oldest
	// first; CommentsOff is an app whose コメント機能 is turned off (a
	// comment is refused).
	Comments    map[int][]KintoneComment
	CommentsOff bool
	commentSeq  int
}

// KintoneUser is a user in a record's user field: its login name (code)
// and display name.
type KintoneUser struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// KintoneComment is a record's comment as kintone keeps it: the text with
// the mentions kintone puts before it.
type KintoneComment struct {
	ID       string
	Text     string
	Mentions []map[string]string
}

// app is what an upsert works on: one app's form, key and records.
type kintoneApp struct {
	fields    map[string]map[string]any
	key       string
	records   map[string]map[string]string
	ids, revs map[string]int
}

func (k *Kintone) app(n int) (kintoneApp, bool) {
	switch {
	case n == k.App:
		return kintoneApp{k.Fields, k.EmailField, k.Records, k.ids, k.revisions}, true
	case k.AccountApp != 0 && n == k.AccountApp:
		return kintoneApp{k.AccountFields, k.AccountKeyField, k.AccountRecords, k.accountIDs, k.accountRevs}, true
	}
	return kintoneApp{}, false
}

// kintone error bodies.
const (
	KintoneValidation = `{"code":"CB_VA01","id":"1505999166-897850006","message":"入力内容が正しくありません。","errors":{"records[0].record.company.value":{"messages":["必須です。"]}}}`
	KintoneTooMany    = `{"code":"GAIA_TM12","id":"1505999166-897850007","message":"同時リクエスト数の上限を超えています。"}`
	KintoneRetryLater = `{"code":"GAIA_RE18","id":"1505999166-897850008","message":"データの処理中です。しばらく待ってから再度お試しください。"}`
	KintoneDBLocked   = `{"code":"GAIA_DA02","id":"1505999166-897850009","message":"データベースのロックに失敗したため、変更を保存できませんでした。時間をおいて再度お試しください。"}`
	// kintone answers 520 for errors it has no HTTP status for, the body
	// its usual {code, id, message}: serve these with Fault{Status:
	// KintoneUnknownStatus} (the validation error above too).
	KintoneNoPermission = `{"code":"CB_NO02","id":"1505999166-897850010","message":"権限がありません。"}`
	KintoneAppNotFound  = `{"code":"GAIA_AP01","id":"1505999166-897850011","message":"指定したアプリ（id: 42）が見つかりません。削除されている可能性があります。"}`
	// KintoneNewCode is an error in kintone's form with a code Baton has
	// no word on (kintone documents no complete list of its codes).
	KintoneNewCode = `{"code":"GAIA_ZZ99","id":"1505999166-897850012","message":"一時的に処理できません。"}`
)

var (
	kintoneEquals   = regexp.MustCompile(`^\s*(\S+)\s*=\s*"((?:[^"\\]|\\.)*)"\s*$`)
	kintoneUnescape = regexp.MustCompile(`\\(.)`)
)

// KintoneUnknownStatus is kintone's HTTP status for an error without one
// of its own (its code says which).
const KintoneUnknownStatus = 520

// NewKintone starts the fake.
func NewKintone() *Kintone {
	k := &Kintone{App: 42, APIToken: "fake-kintone-api-token", EmailField: "email", Records: map[string]map[string]string{}, revisions: map[string]int{}, ids: map[string]int{},
		AccountApp: 43, AccountKeyField: "mqa_id", AccountRecords: map[string]map[string]string{}, accountRevs: map[string]int{}, accountIDs: map[string]int{},
		AccountFields: map[string]map[string]any{
			"mqa_id":  {"type": "SINGLE_LINE_TEXT", "code": "mqa_id", "label": "MQA ID", "noLabel": false, "required": true, "unique": true},
			"company": {"type": "SINGLE_LINE_TEXT", "code": "company", "label": "会社名", "noLabel": false, "required": false, "unique": false},
			"domain":  {"type": "SINGLE_LINE_TEXT", "code": "domain", "label": "ドメイン", "noLabel": false, "required": false, "unique": false},
			"reason":  {"type": "MULTI_LINE_TEXT", "code": "reason", "label": "MQA理由", "noLabel": false, "required": false},
			"score":   {"type": "NUMBER", "code": "score", "label": "アカウントスコア", "noLabel": false, "required": false, "unique": false},
		},
		Fields: map[string]map[string]any{
			"email":      {"type": "SINGLE_LINE_TEXT", "code": "email", "label": "メールアドレス", "noLabel": false, "required": true, "unique": true, "maxLength": "", "minLength": "", "defaultValue": "", "expression": "", "hideExpression": false},
			"company":    {"type": "SINGLE_LINE_TEXT", "code": "company", "label": "会社名", "noLabel": false, "required": false, "unique": false, "maxLength": "64"},
			"name":       {"type": "SINGLE_LINE_TEXT", "code": "name", "label": "氏名", "noLabel": false, "required": false, "unique": false},
			"mql_reason": {"type": "MULTI_LINE_TEXT", "code": "mql_reason", "label": "MQL理由", "noLabel": false, "required": false},
			"grade":      {"type": "SINGLE_LINE_TEXT", "code": "grade", "label": "グレード", "noLabel": false, "required": false, "unique": false},
			"employees":  {"type": "NUMBER", "code": "employees", "label": "従業員数", "noLabel": false, "required": false, "unique": false},
			"industry": {"type": "DROP_DOWN", "code": "industry", "label": "業種", "noLabel": false, "required": false,
				"options": map[string]any{"製造業": map[string]any{"label": "製造業", "index": "0"}, "情報通信業": map[string]any{"label": "情報通信業", "index": "1"}, "その他": map[string]any{"label": "その他", "index": "2"}}},
			"mail_link": {"type": "LINK", "code": "mail_link", "label": "メール（リンク）", "noLabel": false, "required": false, "unique": true, "protocol": "MAIL"},
		}}
	k.Calls = map[string]int{}
	k.Server = httptest.NewServer(k.lossy(k.serve))
	return k
}

// AddRecord adds a record as sales make one in kintone's screens (its
// fields by code; the email field is set to email), revision 1.
func (k *Kintone) AddRecord(email string, fields map[string]string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.seq++
	k.Records[email] = maps.Clone(fields)
	k.Records[email][k.EmailField] = email
	k.ids[email], k.revisions[email] = k.seq, 1
}

// Record returns a copy of the record with that email (nil: none), safe
// while the fake serves.
func (k *Kintone) Record(email string) map[string]string {
	k.mu.Lock()
	defer k.mu.Unlock()
	r, ok := k.Records[email]
	if !ok {
		return nil
	}
	return maps.Clone(r)
}

func (k *Kintone) serve(w http.ResponseWriter, r *http.Request) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.Calls[r.Method+" "+r.URL.Path]++
	if (r.URL.Path == "/k/v1/record/comment.json" && r.Method == "POST") || (r.URL.Path == "/k/v1/record/comments.json" && r.Method == "GET") {
		if r.Header.Get("X-Cybozu-API-Token") != k.APIToken {
			writeJSON(w, 401, map[string]string{"code": "GAIA_IA02", "id": "1505999166-2", "message": "指定されたAPIトークンが、アプリで生成されたAPIトークンと一致しません。"})
			return
		}
		if k.fault(w) {
			return
		}
		k.comment(w, r)
		return
	}
	if r.URL.Path == "/k/v1/record.json" && r.Method == "GET" {
		if r.Header.Get("X-Cybozu-API-Token") != k.APIToken {
			writeJSON(w, 401, map[string]string{"code": "GAIA_IA02", "id": "1505999166-2", "message": "指定されたAPIトークンが、アプリで生成されたAPIトークンと一致しません。"})
			return
		}
		if k.fault(w) {
			return
		}
		k.record(w, r)
		return
	}
	if r.URL.Path == "/k/v1/app/form/fields.json" && r.Method == "GET" {
		if r.Header.Get("X-Cybozu-API-Token") != k.APIToken {
			writeJSON(w, 401, map[string]string{"code": "GAIA_IA02", "id": "1505999166-2", "message": "指定されたAPIトークンが、アプリで生成されたAPIトークンと一致しません。"})
			return
		}
		if k.fault(w) {
			return
		}
		if a, ok := k.app(atoi(r.URL.Query().Get("app"))); ok {
			writeJSON(w, 200, map[string]any{"properties": a.fields, "revision": "7"})
			return
		}
		writeJSON(w, 404, map[string]string{"code": "GAIA_AP01", "id": "1505999166-6", "message": "指定したアプリ（id: " + r.URL.Query().Get("app") + "）が見つかりません。削除されている可能性があります。"})
		return
	}
	if r.URL.Path != "/k/v1/records.json" || (r.Method != "PUT" && r.Method != "GET" && r.Method != "DELETE") {
		writeJSON(w, 404, map[string]string{"code": "GAIA_RE01", "id": "1505999166-1", "message": "指定したページは見つかりません。"})
		return
	}
	if r.Header.Get("X-Cybozu-API-Token") != k.APIToken {
		writeJSON(w, 401, map[string]string{"code": "GAIA_IA02", "id": "1505999166-2", "message": "指定されたAPIトークンが、アプリで生成されたAPIトークンと一致しません。"})
		return
	}
	if k.faultReq(w, r) {
		return
	}
	if r.Method != "PUT" {
		k.queryOrDelete(w, r)
		return
	}
	var req struct {
		App     int  `json:"app"`
		Upsert  bool `json:"upsert"`
		Records []struct {
			UpdateKey struct{ Field, Value string }     `json:"updateKey"`
			Record    map[string]struct{ Value string } `json:"record"`
		} `json:"records"`
	}
	err := json.NewDecoder(r.Body).Decode(&req)
	a, known := k.app(req.App)
	if err != nil || !known {
		writeJSON(w, 400, map[string]any{"code": "CB_VA01", "id": "1505999166-3", "message": "入力内容が正しくありません。", "errors": map[string]any{"app": map[string][]string{"messages": {"必須です。"}}}})
		return
	}
	var out []map[string]string
	for i, rec := range req.Records {
		// updateKey: a field with 値の重複を禁止する set, of type text (1 line) or number.
		if f := a.fields[rec.UpdateKey.Field]; f == nil || (f["type"] != "SINGLE_LINE_TEXT" && f["type"] != "NUMBER") || f["unique"] != true {
			writeJSON(w, 400, map[string]any{"code": "CB_VA01", "id": "1505999166-7", "message": "入力内容が正しくありません。", "errors": map[string]any{fmt.Sprintf("records[%d].updateKey.field", i): map[string][]string{"messages": {"重複禁止が設定された文字列（1行）または数値フィールドを指定してください。"}}}})
			return
		}
		if rec.UpdateKey.Field != a.key || rec.UpdateKey.Value == "" {
			writeJSON(w, 400, map[string]any{"code": "CB_VA01", "id": "1505999166-4", "message": "入力内容が正しくありません。", "errors": map[string]any{fmt.Sprintf("records[%d].updateKey.value", i): map[string][]string{"messages": {"必須です。"}}}})
			return
		}
		key := rec.UpdateKey.Value
		_, exists := a.records[key]
		values := map[string]string{}
		for code, v := range rec.Record {
			values[code] = v.Value
		}
		if _, ok := values[a.key]; !ok {
			values[a.key] = key // a new record takes its update key's value
		}
		defaults := map[string]string{} // a new record's fields not given take the form's default value
		if !exists {
			for code, f := range a.fields {
				if d, _ := f["defaultValue"].(string); d != "" {
					if _, given := values[code]; !given {
						values[code], defaults[code] = d, d
					}
				}
			}
		}
		if errs := kintoneInvalid(a.fields, values, !exists, i); len(errs) > 0 {
			writeJSON(w, 400, map[string]any{"code": "CB_VA01", "id": "1505999166-8", "message": "入力内容が正しくありません。", "errors": errs})
			return
		}
		op := "UPDATE"
		if !exists {
			if !req.Upsert {
				writeJSON(w, 404, map[string]string{"code": "GAIA_RE01", "id": "1505999166-5", "message": "指定したレコード（" + a.key + ": " + key + "）が見つかりません。"})
				return
			}
			k.seq++
			a.records[key] = map[string]string{a.key: key}
			a.ids[key] = k.seq
			op = "INSERT"
		}
		maps.Copy(a.records[key], defaults)
		for code, v := range rec.Record {
			a.records[key][code] = v.Value
		}
		a.revs[key]++
		out = append(out, map[string]string{"id": fmt.Sprint(a.ids[key]), "revision": fmt.Sprint(a.revs[key]), "operation": op})
	}
	writeJSON(w, 200, map[string]any{"records": out})
}

// kintoneInvalid is what kintone refuses in record i's values, as its
// CB_VA01 errors (records[i].record.<code>.value -> messages): a required
// field left out of a new record, text over the field's maxLength, a
// NUMBER that is not a number, a DROP_DOWN or RADIO_BUTTON value that is
// not one of its options, a DATE not YYYY-MM-DD, a TIME not HH:MM, a
// DATETIME not an RFC 3339 time.
func kintoneInvalid(form map[string]map[string]any, values map[string]string, insert bool, i int) map[string]any {
	errs := map[string]any{}
	refuse := func(code, msg string) {
		errs[fmt.Sprintf("records[%d].record.%s.value", i, code)] = map[string][]string{"messages": {msg}}
	}
	for code, f := range form {
		v, given := values[code]
		if f["required"] == true && (insert && !given || given && v == "") {
			refuse(code, "必須です。")
			continue
		}
		if !given || v == "" {
			continue
		}
		switch f["type"] {
		case "SINGLE_LINE_TEXT", "MULTI_LINE_TEXT":
			if max, err := strconv.Atoi(fmt.Sprint(f["maxLength"])); err == nil && len(utf16.Encode([]rune(v))) > max {
				refuse(code, fmt.Sprintf("%d文字より短くなければなりません。", max+1))
			}
		case "NUMBER":
			if _, err := strconv.ParseFloat(v, 64); err != nil {
				refuse(code, "数字でなければなりません。")
			}
		case "DROP_DOWN", "RADIO_BUTTON":
			if opts, _ := f["options"].(map[string]any); opts[v] == nil {
				refuse(code, fmt.Sprintf("%q は選択肢にありません。", v))
			}
		case "DATE":
			if _, err := time.Parse(time.DateOnly, v); err != nil {
				refuse(code, "日付の形式が不正です。")
			}
		case "TIME":
			if _, err := time.Parse("15:04", v); err != nil {
				refuse(code, "時刻の形式が不正です。")
			}
		case "DATETIME":
			if _, err := time.Parse(time.RFC3339, v); err != nil {
				refuse(code, "日時の形式が不正です。")
			}
		}
	}
	return errs
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// AccountRecord returns a copy of the MQA app's record with that key (nil:
// none).
func (k *Kintone) AccountRecord(key string) map[string]string {
	k.mu.Lock()
	defer k.mu.Unlock()
	r, ok := k.AccountRecords[key]
	if !ok {
		return nil
	}
	return maps.Clone(r)
}

// comment serves POST /k/v1/record/comment.json (a comment on a record of
// the leads app: text of 1 to 65,535 characters, at most 10 mentions of a
// USER, GROUP or ORGANIZATION) and GET /k/v1/record/comments.json (order
// asc or desc, offset, limit 0 to 10, as kintone takes them).
func (k *Kintone) comment(w http.ResponseWriter, r *http.Request) {
	invalid := func(field, msg string) {
		writeJSON(w, 400, map[string]any{"code": "CB_VA01", "id": "1505999166-20", "message": "入力内容が正しくありません。", "errors": map[string]any{field: map[string][]string{"messages": {msg}}}})
	}
	exists := func(id int) bool {
		for _, n := range k.ids {
			if n == id {
				return true
			}
		}
		return false
	}
	if r.Method == "GET" {
		q := r.URL.Query()
		app, rec := atoi(q.Get("app")), atoi(q.Get("record"))
		limit, offset := 10, atoi(q.Get("offset"))
		if q.Has("limit") {
			limit = atoi(q.Get("limit"))
		}
		switch {
		case app != k.App:
			invalid("app", "必須です。")
			return
		case limit < 0 || limit > 10:
			invalid("limit", "10以下である必要があります。")
			return
		case q.Has("order") && q.Get("order") != "asc" && q.Get("order") != "desc":
			invalid("order", "asc または desc を指定してください。")
			return
		case !exists(rec):
			writeJSON(w, 404, map[string]string{"code": "GAIA_RE01", "id": "1505999166-21", "message": "指定したレコード（id: " + q.Get("record") + "）が見つかりません。"})
			return
		}
		all := slices.Clone(k.Comments[rec])
		if q.Get("order") != "asc" {
			slices.Reverse(all)
		}
		out := []map[string]any{}
		for i := offset; i < len(all) && i < offset+limit; i++ {
			c := all[i]
			out = append(out, map[string]any{"id": c.ID, "text": c.Text, "createdAt": "2026-12-04T00:00:00Z", "creator": map[string]string{"code": "Administrator", "name": "Administrator"}, "mentions": c.Mentions})
		}
		writeJSON(w, 200, map[string]any{"comments": out, "older": offset+limit < len(all), "newer": offset > 0})
		return
	}
	var req struct {
		App     json.Number `json:"app"`
		Record  json.Number `json:"record"`
		Comment *struct {
			Text     string              `json:"text"`
			Mentions []map[string]string `json:"mentions"`
		} `json:"comment"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeJSON(w, 400, map[string]string{"code": "CB_IJ01", "id": "1505999166-22", "message": "JSONが不正です。"})
		return
	}
	switch {
	case atoi(req.App.String()) != k.App:
		invalid("app", "必須です。")
		return
	case req.Comment == nil || req.Comment.Text == "":
		invalid("comment.text", "必須です。")
		return
	case len(utf16.Encode([]rune(req.Comment.Text))) > 65535:
		invalid("comment.text", "65535文字より短くなければなりません。")
		return
	case len(req.Comment.Mentions) > 10:
		invalid("comment.mentions", "宛先は10件まで指定できます。")
		return
	case !exists(atoi(req.Record.String())):
		writeJSON(w, 404, map[string]string{"code": "GAIA_RE01", "id": "1505999166-21", "message": "指定したレコード（id: " + req.Record.String() + "）が見つかりません。"})
		return
	case k.CommentsOff:
		// kintone documents that an app with comments off refuses the
		// call, not its code: one Baton has no word on.
		writeJSON(w, 400, map[string]string{"code": "GAIA_ZZ98", "id": "1505999166-23", "message": "このアプリではコメント機能が無効になっています。"})
		return
	}
	head := ""
	for i, m := range req.Comment.Mentions {
		switch m["type"] {
		case "USER", "GROUP", "ORGANIZATION":
		default:
			invalid(fmt.Sprintf("comment.mentions[%d].type", i), "USER、GROUP、ORGANIZATION のいずれかを指定してください。")
			return
		}
		if m["code"] == "" {
			invalid(fmt.Sprintf("comment.mentions[%d].code", i), "必須です。")
			return
		}
		head += "@" + m["code"] + " "
	}
	text := req.Comment.Text
	if head != "" {
		text = head + "\n" + text // kintone puts the mentions before the text
	}
	if k.Comments == nil {
		k.Comments = map[int][]KintoneComment{}
	}
	k.commentSeq++
	rec := atoi(req.Record.String())
	k.Comments[rec] = append(k.Comments[rec], KintoneComment{ID: fmt.Sprint(k.commentSeq), Text: text, Mentions: req.Comment.Mentions})
	writeJSON(w, 200, map[string]string{"id": fmt.Sprint(k.commentSeq)})
}

// RecordComments returns the comments on the leads app's record of email,
// oldest first (nil: no record).
func (k *Kintone) RecordComments(email string) []KintoneComment {
	k.mu.Lock()
	defer k.mu.Unlock()
	id, ok := k.ids[email]
	if !ok {
		return nil
	}
	return slices.Clone(k.Comments[id])
}

// AddComment posts text on the leads app's record of email, as a user
// commenting in kintone, and returns its id ("": no record).
func (k *Kintone) AddComment(email, text string) string {
	k.mu.Lock()
	defer k.mu.Unlock()
	id, ok := k.ids[email]
	if !ok {
		return ""
	}
	if k.Comments == nil {
		k.Comments = map[int][]KintoneComment{}
	}
	k.commentSeq++
	k.Comments[id] = append(k.Comments[id], KintoneComment{ID: fmt.Sprint(k.commentSeq), Text: text})
	return fmt.Sprint(k.commentSeq)
}

// queryOrDelete serves GET (query `<email field> = "x"`) and DELETE (ids[0]).
// DeleteRecord deletes the leads app's record of email, as a user
// deleting it in kintone.
func (k *Kintone) DeleteRecord(email string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.Comments, k.ids[email])
	delete(k.Records, email)
	delete(k.ids, email)
	delete(k.revisions, email)
}

// record serves GET /k/v1/record.json?app=&id= (the leads app's): the
// record's fields as kintone gives them, {type, value} by field code, a
// user field's value its users; kintone's refusals of an app or id
// missing, an app it does not have and a record it does not.
func (k *Kintone) record(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	for _, p := range []string{"app", "id"} {
		if q.Get(p) == "" {
			writeJSON(w, 400, map[string]any{"code": "CB_VA01", "id": "1505999166-14", "message": "入力内容が正しくありません。", "errors": map[string]any{p: map[string][]string{"messages": {"必須です。"}}}})
			return
		}
	}
	if atoi(q.Get("app")) != k.App {
		writeJSON(w, 404, map[string]string{"code": "GAIA_AP01", "id": "1505999166-15", "message": "指定したアプリ（id: " + q.Get("app") + "）が見つかりません。削除されている可能性があります。"})
		return
	}
	for email, id := range k.ids {
		if _, there := k.Records[email]; !there || fmt.Sprint(id) != q.Get("id") {
			continue // (a test deletes a record from Records)
		}
		rec := map[string]any{"$id": map[string]string{"type": "__ID__", "value": fmt.Sprint(id)},
			"$revision": map[string]string{"type": "__REVISION__", "value": fmt.Sprint(k.revisions[email])}}
		for code, v := range k.Records[email] {
			typ, _ := k.Fields[code]["type"].(string)
			rec[code] = map[string]string{"type": cmp.Or(typ, "SINGLE_LINE_TEXT"), "value": v}
		}
		for code, f := range k.Fields {
			if typ, _ := f["type"].(string); typ == "USER_SELECT" || typ == "STATUS_ASSIGNEE" {
				users := k.Users[email][code]
				if users == nil {
					users = []KintoneUser{}
				}
				rec[code] = map[string]any{"type": typ, "value": users}
			}
		}
		writeJSON(w, 200, map[string]any{"record": rec})
		return
	}
	writeJSON(w, 404, map[string]string{"code": "GAIA_RE01", "id": "1505999166-16", "message": "指定したレコード（id: " + q.Get("id") + "）が見つかりません。"})
}

func (k *Kintone) queryOrDelete(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if r.Method == "GET" {
		// The one query Baton sends: the email field equal to a string
		// literal (double quotes and backslashes escaped by a backslash).
		m := kintoneEquals.FindStringSubmatch(q.Get("query"))
		if m == nil || m[1] != k.EmailField || atoi(q.Get("app")) != k.App {
			writeJSON(w, 400, map[string]string{"code": "GAIA_IQ11", "id": "1505999166-13", "message": "クエリ記法が間違っています。"})
			return
		}
		want := kintoneUnescape.ReplaceAllString(m[2], "$1")
		// fields[N] limits the answer to those field codes.
		var only map[string]bool
		for i := 0; q.Has(fmt.Sprintf("fields[%d]", i)); i++ {
			if only == nil {
				only = map[string]bool{}
			}
			only[q.Get(fmt.Sprintf("fields[%d]", i))] = true
		}
		out := []map[string]any{}
		for email, id := range k.ids {
			if email != want {
				continue
			}
			// The record's fields as kintone gives them: {type, value}
			// by field code, the form's types.
			rec := map[string]any{"$id": map[string]string{"type": "__ID__", "value": fmt.Sprint(id)},
				"$revision": map[string]string{"type": "__REVISION__", "value": fmt.Sprint(k.revisions[email])}}
			for code, v := range k.Records[email] {
				typ, _ := k.Fields[code]["type"].(string)
				if typ == "" {
					typ = "SINGLE_LINE_TEXT"
				}
				rec[code] = map[string]string{"type": typ, "value": v}
			}
			if only != nil {
				maps.DeleteFunc(rec, func(code string, _ any) bool { return !only[code] })
			}
			out = append(out, rec)
		}
		writeJSON(w, 200, map[string]any{"records": out, "totalCount": nil})
		return
	}
	for email, id := range k.ids {
		if fmt.Sprint(id) == q.Get("ids[0]") {
			delete(k.ids, email)
			delete(k.Records, email)
			delete(k.Comments, id) // a record's comments go with it
		}
	}
	writeJSON(w, 200, map[string]any{})
}
