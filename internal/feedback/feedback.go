// Package feedback receives sales' verdicts from the SFA — POST
// /feedback/{source} — verifies that each really comes from it, and turns
// it into a lifecycle outcome (accepted, rejected, sql, opportunity, won,
// lost). Duplicate and out-of-order deliveries are safe: each carries a
// delivery id, and the lifecycle never moves backward.
package feedback

import (
	"bytes"
	"cmp"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/baton-hq/baton/internal/clock"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/httpx"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/push"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/stdwebhook"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/textcut"
)

// Verdict is one outcome reported by an SFA.
type Verdict struct {
	DeliveryID string
	PersonID   string // Baton's person id, when the SFA echoes it
	ExternalID string // the SFA's record id
	Email      string
	Outcome    string
	Status     string // the SFA's status as sent (kintone: compared with the record's as Baton wrote the MQL)
	Owner      string
	// OwnerKey is the key (internal/repnames') of the SFA's owner id Owner
	// was named by, or is (the SFA did not answer): the reports name the
	// rep by it.
	OwnerKey string
	Why      string // the reason sales gave (rejected: "no budget")
	At       time.Time
	Deal     *qualify.DealReport // the opportunity's amount, currency, close date, when the SFA sent them
	// OwnerID is HubSpot's owner id of the deal a verdict came from
	// (hubspot_owner_id), named by the handler (Owner) before it applies.
	OwnerID string
	// DealID is a HubSpot deal the webhook changed (DealProperty): the
	// handler reads the deal and makes one verdict per contact on it.
	DealID, DealProperty string
	// Rollup marks a contact's deal rollups (recent_deal_amount,
	// recent_deal_close_date): the handler records the contact's deal in
	// their stead when it can read it.
	Rollup bool
	// Refused says why an event of a batch was not read (it applies
	// nothing, and is said in the results): the batch's others still are.
	Refused string
	// Unread says why a well-formed delivery changes nothing: its status
	// maps to no outcome (said in the results, so the SFA's webhook log
	// shows which status and mapping).
	Unread string
	// NoOutcome says why a verdict that records a deal applies no outcome
	// (an Unread the deal's fields overrode); "": "no outcome".
	NoOutcome string
	// DealRefused says why the deal's fields were not read (kintone: an
	// amount Baton cannot read): the verdict's outcome still applies, and
	// its result says the deal was refused.
	DealRefused string
	// leadStatus is the hs_lead_status value sales set (an option's
	// internal value): hubspotReasons makes its label the reason.
	leadStatus string
}

// Applier applies outcomes and records deals; see qualify.Qualifier.
type Applier interface {
	OutcomeOf(ctx context.Context, person, outcome, deliveryID string, owner qualify.Owner, why string, at time.Time) (qualify.OutcomeResult, error)
	RecordDealOf(ctx context.Context, person string, d qualify.DealReport) (qualify.DealRecorded, error)
	Record(ctx context.Context, person string) (qualify.Record, error)
}

// Handler serves /feedback.
type Handler struct {
	Apply     Applier
	People    *identity.Directory
	T         table.Table
	PublicURL string        // HubSpot signs the full URL it called (empty: the request's own, see httpx.BaseURL)
	Proxies   httpx.Proxies // trusted to report the scheme HubSpot called (BATON_TRUST_PROXY), when PublicURL is empty

	SharedSecret        string // Salesforce Flow / EventBridge header X-Baton-Secret; generic webhooks (whsec_)
	HubSpotClientSecret string
	KintoneToken        string
	KintoneApp          int // the leads app push writes to (sfa.kintone.app): record ids ($id) are its
	// Salesforce Outbound Messages (POST /feedback/salesforce/outbound):
	// the token their URL carries (?token=) and the org they must come from.
	SalesforceOutboundToken string
	SalesforceOrgID         string // feedback.salesforce_org_id, 15 or 18 characters

	SalesforceStatus map[string]string // Lead Status -> outcome
	HubSpotValues    map[string]string // lifecyclestage / hs_lead_status / dealstage value -> outcome
	// SalesforceKey is the Lead's external-id field holding Baton's person
	// id (sfa.salesforce.lead_key; "": DefaultSalesforceKey): a CDC
	// event's or Outbound Message's Lead names the person by it, and an
	// Opportunity by its field of the same name, mapped from the Lead's at
	// conversion.
	SalesforceKey string
	// HubSpotDeals reads the deals a batch's deal webhooks name, and the
	// deals of its rollups' contacts, in batches (nil: deal events are
	// answered ignored: sfa.hubspot and BATON_HUBSPOT_TOKEN read them).
	HubSpotDeals interface {
		Deals(ctx context.Context, ids []string) (map[string]HubSpotDeal, error)
		DealContacts(ctx context.Context, ids []string) (map[string][]string, error)
		ContactsDeals(ctx context.Context, ids []string) (map[string][]string, error)
	}
	// SalesforceOwners names Salesforce owners given by record id
	// (OwnerId) by the User's email or the queue's name
	// (crm.Salesforce.OwnerNames; nil: the id stays, sfa.salesforce
	// configures it).
	SalesforceOwners interface {
		OwnerNames(ctx context.Context, ids []string) (map[string]string, error)
	}
	// HubSpotOwners names the rep of each HubSpot verdict that applies an
	// outcome (the SLA and reps reports group by it): the contact's (or
	// deal's) hubspot_owner_id, as the owner's email. Nil: HubSpot's answers
	// name no owner (sales assembles it with HubSpotDeals).
	HubSpotOwners interface {
		ContactOwners(ctx context.Context, ids []string) (map[string]string, error)
		Owners(ctx context.Context, archived bool, after string, pages int) (HubSpotOwnerPages, error)
		Owner(ctx context.Context, id string) (HubSpotOwner, error)
	}
	// HubSpotLabels reads a property's options (value -> label): an
	// hs_lead_status verdict's reason is the label sales chose (nil: no
	// reason, sales assembles it with HubSpotDeals).
	HubSpotLabels interface {
		PropertyLabels(ctx context.Context, object, name string) (map[string]string, error)
	}
	labels        labelCache
	owners        ownerCache
	hsLimit       hubspotLimit
	KintoneStatus map[string]string // process status -> outcome
	KintoneField  string            // status field code
	KintoneReason string            // field code of the reason sales give (見送り理由 ...); "" for none
	KintoneOwner  string            // field code of the rep (a user selection such as 担当者); "" for the record's 更新者, who acted
	KintoneEmail  string            // email field code (sfa.kintone.email_field; default "email")
	KintoneDeal   KintoneDealFields // field codes of the deal's amount, currency and close date

	// Loc is the zone sales work in (the configured timezone; nil: UTC):
	// a close date an SFA sends as a UTC datetime is the date there.
	Loc *time.Location

	Now func() time.Time
	Log *slog.Logger
}

// DefaultSalesforceKey is the person's field on Lead and Opportunity when
// no lead_key is configured.
const DefaultSalesforceKey = "Baton_Person_Id__c"

// salesforceKey is key, or the default.
func salesforceKey(key string) string {
	if key == "" {
		return DefaultSalesforceKey
	}
	return key
}

// Defaults for the usual picklists.
var (
	DefaultSalesforce = map[string]string{
		"Working - Contacted": "accepted", "Working": "accepted", "Qualified": "sql", "Closed - Converted": "sql",
		"Closed - Not Converted": "rejected", "Unqualified": "rejected",
	}
	DefaultHubSpot = map[string]string{
		"IN_PROGRESS": "accepted", "CONNECTED": "accepted", "OPEN_DEAL": "sql", "UNQUALIFIED": "rejected", "BAD_TIMING": "rejected",
		"salesqualifiedlead": "sql", "opportunity": "opportunity", "customer": "won",
		"closedwon": "won", "closedlost": "lost", // the default sales pipeline's closed deal stages
	}
	DefaultKintone = map[string]string{"対応中": "accepted", "商談化": "sql", "受注": "won", "失注": "lost", "見送り": "rejected"}
)

// Routes registers the feedback endpoints.
func (h *Handler) Routes(mux *http.ServeMux) {
	mux.HandleFunc("POST /feedback/salesforce", h.salesforce)
	mux.HandleFunc("POST /feedback/salesforce/outbound", h.salesforceOutbound)
	mux.HandleFunc("POST /feedback/hubspot", h.hubspot)
	mux.HandleFunc("POST /feedback/kintone/{token}", h.kintone)
	mux.HandleFunc("POST /feedback/webhook", h.webhook)
}

func (h *Handler) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return clock.Now()
}

// Body limits: a delivery is a few KB (a HubSpot batch of 100 events is
// some 40 KB), but a kintone webhook carries the whole record, whose text
// and rich text fields hold up to 65,535 characters each: its route, whose
// token is checked before the body is read, takes more (within a Lambda
// request's 6 MB).
const (
	maxBody        = 256 << 10
	maxKintoneBody = 4 << 20
)

func (h *Handler) read(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	return h.readUpTo(w, r, maxBody)
}

func (h *Handler) readUpTo(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, bool) {
	body, status, err := httpx.ReadBody(w, r, limit)
	if err != nil {
		httpx.Error(w, status, err.Error())
		return nil, false
	}
	return body, true
}

func unauthorized(w http.ResponseWriter, why string) {
	httpx.Error(w, http.StatusUnauthorized, why)
}

// unconfigured answers a source whose secret Baton was not given (the
// operator's setting, not the caller's fault): 503, so that the SFA keeps
// the event and retries once the secret is set, instead of a 401 that
// reads like a bad signature and is not retried.
func (h *Handler) unconfigured(w http.ResponseWriter, secret, source, variable string) bool {
	if secret != "" {
		return false
	}
	h.Log.Error("feedback refused: its secret is not set", "source", source, "set", variable)
	w.Header().Set("Retry-After", "300")
	httpx.Error(w, http.StatusServiceUnavailable, "feedback from "+source+" is not configured on Baton: set "+variable)
	return true
}

func same(a, b string) bool {
	return a != "" && b != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// salesforce takes a Flow HTTP callout ({eventId, externalId, email, status,
// owner, changedAt}) or a Change Data Capture event as relayed by
// EventBridge, both with the shared secret in X-Baton-Secret.
func (h *Handler) salesforce(w http.ResponseWriter, r *http.Request) {
	if isSOAP(r) {
		// An Outbound Message sent to the JSON route: said in the answer
		// Salesforce shows as the delivery's failure reason.
		h.Log.Warn("feedback salesforce: an Outbound Message (SOAP) sent to /feedback/salesforce; its endpoint URL must be /feedback/salesforce/outbound?token=...")
		soapFault(w, http.StatusBadRequest, "Outbound Messages are received at /feedback/salesforce/outbound?token=<BATON_SALESFORCE_OUTBOUND_TOKEN>, not /feedback/salesforce")
		return
	}
	if h.unconfigured(w, h.SharedSecret, "salesforce", "BATON_FEEDBACK_SECRET") {
		return
	}
	if !same(r.Header.Get("X-Baton-Secret"), h.SharedSecret) {
		unauthorized(w, "missing or wrong X-Baton-Secret")
		return
	}
	body, ok := h.read(w, r)
	if !ok {
		return
	}
	vs, err := ParseSalesforce(body, h.SalesforceStatus, h.SalesforceKey)
	if err != nil {
		httpx.JSON(w, http.StatusBadRequest, httpx.ErrorBody{Error: err.Error()})
		return
	}
	h.apply(w, r, "salesforce", vs)
}

// salesforceShape is what /feedback/salesforce takes, as its errors say.
const salesforceShape = "a JSON object: a Flow callout or an EventBridge change event"

// badBody says what is wrong with a body that did not decode, in the
// sender's terms (httpx.BadJSON): encoding/json's own message names Go
// types, which tell an SFA's admin nothing and show Baton's insides.
func badBody(shape string, err error) error {
	return errors.New(httpx.BadJSON(shape, err).Error)
}

// ParseSalesforce reads a Flow callout or an EventBridge CDC event; key is
// the person's field on Lead and Opportunity (lead_key; "": the default).
func ParseSalesforce(body []byte, statuses map[string]string, key string) ([]Verdict, error) {
	if statuses == nil {
		statuses = DefaultSalesforce
	}
	key = salesforceKey(key)
	var probe struct {
		DetailType string `json:"detail-type"`
	}
	if bytes.Equal(bytes.TrimSpace(body), []byte("null")) { // decodes to nothing, and read as a callout with no status
		return nil, fmt.Errorf("body must be %s: the body must be an object, not null", salesforceShape)
	}
	if err := json.Unmarshal(body, &probe); err != nil {
		return nil, badBody(salesforceShape, err)
	}
	if probe.DetailType != "" {
		var ev struct {
			ID     string    `json:"id"`
			Time   time.Time `json:"time"`
			Detail struct {
				Payload map[string]any `json:"payload"`
			} `json:"detail"`
		}
		if err := json.Unmarshal(body, &ev); err != nil {
			return nil, badBody("an EventBridge change event", err)
		}
		hdr, _ := ev.Detail.Payload["ChangeEventHeader"].(map[string]any)
		if hdr == nil || hdr["entityName"] != "Lead" && hdr["entityName"] != "Opportunity" {
			return nil, errors.New("detail.payload.ChangeEventHeader.entityName must be Lead or Opportunity")
		}
		// Each record's delivery is remembered as sfcdc-<id>-<record>:
		// without either, every later change would be its "duplicate".
		if ev.ID == "" {
			return nil, errors.New("the EventBridge event's id is required (deduplication)")
		}
		// Gap and overflow events carry no fields (an overflow event no
		// record ids either): nothing to read, but said, for a Lead's gap
		// may be an outcome Baton never sees.
		if ct, _ := hdr["changeType"].(string); strings.HasPrefix(ct, "GAP_") {
			why := fmt.Sprintf("a %s event carries no fields: the change is not read", ct)
			raw, _ := hdr["recordIds"].([]any)
			if len(raw) == 0 {
				return []Verdict{{DeliveryID: "sfcdc-" + ev.ID, Unread: why}}, nil
			}
			var vs []Verdict
			for _, r := range raw {
				s, _ := r.(string)
				vs = append(vs, Verdict{DeliveryID: "sfcdc-" + ev.ID + "-" + s, Unread: why})
			}
			return vs, nil
		}
		ids, err := cdcRecordIDs(hdr)
		if err != nil {
			return nil, err
		}
		// The change's time is its commitTimestamp (ms), when it was made in
		// Salesforce; the EventBridge time is when it was relayed, and the
		// relay can send retained events again after an error, later.
		at := ev.Time
		if ms, ok := hdr["commitTimestamp"].(float64); ok && ms > 0 && ms < 1e15 {
			at = time.UnixMilli(int64(ms))
		}
		if hdr["entityName"] == "Opportunity" {
			return opportunityChange(ev.ID, at, ids, ev.Detail.Payload, key)
		}
		status, _ := ev.Detail.Payload["Status"].(string)
		if status == "" {
			return nil, nil // a change to other fields: nothing for the lifecycle
		}
		out, ok := outcomeOf(statuses, status)
		unread := ""
		if !ok {
			unread = fmt.Sprintf("Lead Status %q maps to no outcome (feedback.salesforce_status)", status)
		}
		var vs []Verdict
		for _, s := range ids {
			owner, _ := ev.Detail.Payload["OwnerId"].(string)
			pid, _ := ev.Detail.Payload[key].(string)
			vs = append(vs, Verdict{DeliveryID: "sfcdc-" + ev.ID + "-" + s, ExternalID: s, PersonID: pid, Outcome: out, Owner: owner, At: at, Unread: unread})
		}
		return vs, nil
	}
	var f struct {
		EventID    string `json:"eventId"`
		LeadID     string `json:"leadId"`
		ExternalID string `json:"externalId"`
		Email      string `json:"email"`
		Status     string `json:"status"`
		Outcome    string `json:"outcome"`
		Owner      string `json:"owner"`
		Reason     string `json:"reason"` // e.g. the Lead's disqualification reason field, passed by the Flow
		ChangedAt  sfTime `json:"changedAt"`
		// The Opportunity's fields, passed by a Flow on Opportunity (or on
		// the converted Lead's Opportunity): Amount, CurrencyIsoCode, CloseDate.
		Amount          *float64 `json:"amount"`
		CurrencyIsoCode string   `json:"currencyIsoCode"`
		CloseDate       string   `json:"closeDate"`
		// The Opportunity's Id ($Record.Id of a Flow on Opportunity): which
		// deal it is, so that an old Opportunity's later edit stays its
		// cycle's deal (RecordDeal).
		OpportunityID string `json:"opportunityId"`
	}
	if err := json.Unmarshal(body, &f); err != nil {
		return nil, badBody("a Flow callout", err)
	}
	if f.OpportunityID != "" && !salesforceRecordID(f.OpportunityID) {
		return nil, fmt.Errorf("opportunityId %q must be a Salesforce record id (15 or 18 letters and digits)", textcut.Runes(f.OpportunityID, 40))
	}
	deal := dealOf(f.Amount, f.CurrencyIsoCode, f.CloseDate, "salesforce", f.ChangedAt.Time, nil) // CloseDate is a Date field
	out := f.Outcome
	if out == "" {
		out, _ = outcomeOf(statuses, f.Status)
	}
	if out == "" && deal == nil && strings.TrimSpace(f.Status) == "" {
		return nil, errors.New("the callout has no status, outcome or amount: nothing to read (pass the Lead's Status as status)")
	}
	if f.EventID == "" {
		return nil, errors.New("eventId is required (deduplication)")
	}
	if strings.TrimSpace(f.LeadID+f.ExternalID+f.Email) == "" {
		// Naming nobody is malformed (a merge field came out empty), not a
		// person Baton does not know.
		return nil, errors.New("the callout names nobody: leadId, externalId or email is required")
	}
	if deal != nil {
		deal.Outcome = out
		if err := qualify.ValidateDeal(*deal); err != nil {
			return nil, err
		}
	}
	if out == "" && deal == nil {
		// Answered 200, said in the results, as the change event and the
		// Outbound Message answer it: a 400 faults the Flow, and Baton's
		// own reset of a re-qualified Lead's Status to the org's default
		// (Open - Not Contacted) would fault a Flow on Status each cycle.
		return []Verdict{{DeliveryID: "sf-" + f.EventID, Unread: fmt.Sprintf("Lead Status %q maps to no outcome (feedback.salesforce_status)", f.Status)}}, nil
	}
	deal = opportunityRef(deal, f.OpportunityID, out, f.ChangedAt.Time)
	return []Verdict{{DeliveryID: "sf-" + f.EventID, PersonID: f.ExternalID, ExternalID: f.LeadID, Email: f.Email, Outcome: out, Owner: f.Owner, Why: f.Reason, At: f.ChangedAt.Time, Deal: deal}}, nil
}

// cdcRecordIDs reads ChangeEventHeader.recordIds: the ids of the records
// that changed alike, at least one, each a non-empty string.
func cdcRecordIDs(hdr map[string]any) ([]string, error) {
	raw, _ := hdr["recordIds"].([]any)
	if len(raw) == 0 {
		return nil, errors.New("detail.payload.ChangeEventHeader.recordIds must list the changed records")
	}
	ids := make([]string, len(raw))
	for i, r := range raw {
		s, _ := r.(string)
		if s == "" {
			return nil, fmt.Errorf("detail.payload.ChangeEventHeader.recordIds[%d] must be a record id, not %v", i, r)
		}
		ids[i] = s
	}
	return ids, nil
}

// OpportunityStages maps Salesforce's default closed Opportunity stages to
// outcomes; other stages are read by their IsWon and IsClosed (stageOutcome).
var OpportunityStages = map[string]string{"Closed Won": "won", "Closed Lost": "lost"}

// stageOutcome is the outcome of an Opportunity's stage: by its name when it
// is one of Salesforce's defaults (OpportunityStages), else by the stage's
// IsWon and IsClosed, which every org's stages carry whatever they are
// called (受注, 失注, Closed - Lost to Competitor). won and closed are nil
// when not sent; changedOnly says they come from a change event, which
// carries changed fields only: there IsWon turned false with IsClosed
// unchanged is a win become a loss (an open Opportunity was never won).
// "" is an open stage, or one nothing says is closed.
func stageOutcome(stage string, won, closed *bool, changedOnly bool) string {
	if out, ok := OpportunityStages[stage]; ok {
		return out
	}
	switch {
	case won != nil && *won:
		return "won"
	case closed != nil && *closed, changedOnly && won != nil && closed == nil:
		return "lost"
	}
	return ""
}

// opportunityChange reads an Opportunity's Change Data Capture event: its
// Amount, CurrencyIsoCode, CloseDate and StageName when they changed (CDC
// sends changed fields only). The person is the Opportunity's
// field named as the Lead's key (lead_key: Baton_Person_Id__c), copied
// from the Lead at conversion (Lead field mapping) and sent with every
// event as an enriched field of the channel.
func opportunityChange(id string, at time.Time, ids []string, payload map[string]any, key string) ([]Verdict, error) {
	raw, enriched := payload[key]
	if !enriched {
		return nil, fmt.Errorf("an Opportunity change needs %s (map it from the Lead at conversion and enrich the CDC channel with it)", key)
	}
	pid, _ := raw.(string)
	if pid == "" {
		// The channel is enriched, so every Opportunity's change comes;
		// most were never a lead Baton delivered. Nothing is wrong with it.
		var vs []Verdict
		for _, s := range ids {
			vs = append(vs, Verdict{DeliveryID: "sfcdc-" + id + "-" + s, Unread: "the Opportunity's " + key + " is empty: not a lead Baton delivered"})
		}
		return vs, nil
	}
	var amount *float64
	switch a := payload["Amount"].(type) {
	case nil:
	case float64:
		amount = &a
	default:
		return nil, fmt.Errorf("the Opportunity's Amount must be a number, not %v", a)
	}
	cur, _ := payload["CurrencyIsoCode"].(string)
	cd, _ := payload["CloseDate"].(string)
	stage, _ := payload["StageName"].(string)
	won, closed, err := wonClosed(payload)
	if err != nil {
		return nil, err
	}
	out, deal, err := opportunity(stageOutcome(stage, won, closed, true), amount, cur, cd, at)
	if err != nil {
		return nil, err
	}
	if deal == nil && out == "" {
		return nil, nil // a change to other fields
	}
	owner, _ := payload["OwnerId"].(string)
	var vs []Verdict
	for _, s := range ids {
		vs = append(vs, Verdict{DeliveryID: "sfcdc-" + id + "-" + s, ExternalID: s, PersonID: pid, Outcome: out, Owner: owner, At: at, Deal: opportunityRef(deal, s, out, at)})
	}
	return vs, nil
}

// wonClosed reads a change event's IsWon and IsClosed (nil: not changed).
func wonClosed(payload map[string]any) (won, closed *bool, err error) {
	for _, f := range []struct {
		name string
		to   **bool
	}{{"IsWon", &won}, {"IsClosed", &closed}} {
		switch v := payload[f.name].(type) {
		case nil:
		case bool:
			*f.to = &v
		default:
			return nil, nil, fmt.Errorf("the Opportunity's %s must be true or false, not %v", f.name, v)
		}
	}
	return won, closed, nil
}

// hubspot verifies X-HubSpot-Signature-v3 and its 5-minute window.
func (h *Handler) hubspot(w http.ResponseWriter, r *http.Request) {
	if h.unconfigured(w, h.HubSpotClientSecret, "hubspot", "BATON_HUBSPOT_CLIENT_SECRET") {
		return
	}
	body, ok := h.read(w, r)
	if !ok {
		return
	}
	uri := httpx.BaseURL(h.PublicURL, r, h.Proxies) + r.URL.RequestURI()
	if err := VerifyHubSpot(h.HubSpotClientSecret, r.Method, uri, body, r.Header, h.now()); err != nil {
		unauthorized(w, err.Error())
		return
	}
	vs, err := ParseHubSpot(body, h.HubSpotValues)
	if err != nil {
		httpx.JSON(w, http.StatusBadRequest, httpx.ErrorBody{Error: err.Error()})
		return
	}
	if vs, err = h.hubspotDeals(r.Context(), vs); err != nil {
		// HubSpot retries a batch answered 5xx (outcomes and deals are
		// idempotent by event): the deal is read again then, told to wait
		// as long as HubSpot's rate limit lasts.
		h.Log.Error("feedback hubspot deal: the batch is answered 503 for HubSpot to send again", "err", err)
		httpx.Unavailable(w, hubspotRetry(err))
		return
	}
	h.hubspotReasons(r.Context(), vs)
	if err := h.hubspotOwners(r.Context(), vs); err != nil {
		h.Log.Error("feedback: find the person", "source", "hubspot", "err", err)
		httpx.Unavailable(w, 10*time.Second)
		return
	}
	h.apply(w, r, "hubspot", vs)
}

// hubspotValues is the configured map of HubSpot values to outcomes,
// DefaultHubSpot when none is configured.
func hubspotValues(values map[string]string) map[string]string {
	if values == nil {
		return DefaultHubSpot
	}
	return values
}

// hubspotDeals turns each deal verdict into one per contact on the deal:
// the deal as HubSpot has it now (amount, currency, close date) and, when
// its stage changed, the outcome the stage maps to. A deal gone, or with no
// contacts, leaves nothing; so do deal events without a reader. A contact's
// deal rollups become their deal's verdicts likewise (hubspotRollup).
func (h *Handler) hubspotDeals(ctx context.Context, vs []Verdict) ([]Verdict, error) {
	values := hubspotValues(h.HubSpotValues)
	out := vs[:0:0]
	// One save of a deal (stage, amount, close date) is several events of
	// one batch, and a batch names up to 100 deals: they are read once for
	// them all, in batches (HubSpot's rate limits), not once an event.
	book := &dealBook{api: limitedDeals{h}}
	if h.HubSpotDeals != nil {
		var ids []string
		for _, v := range vs {
			if !v.Rollup && v.DealID != "" {
				ids = append(ids, v.DealID)
			}
		}
		if err := book.read(ctx, ids, true); err != nil {
			return nil, err
		}
	}
	assoc, err := h.rollupContacts(ctx, vs, book)
	if err != nil {
		return nil, err
	}
	for _, v := range vs {
		if v.Rollup {
			rv, err := h.hubspotRollup(ctx, v, book, assoc)
			if err != nil {
				return nil, err
			}
			out = append(out, rv...)
			continue
		}
		if v.DealID == "" {
			out = append(out, v)
			continue
		}
		if h.HubSpotDeals == nil {
			// Answered 200, HubSpot would never send the deal again: a
			// 503 it retries (for a day) until the token is set, and its
			// webhook log shows the failures.
			return nil, errNoHubSpotToken
		}
		d := book.deals[v.DealID] // a deal gone: no contacts, nothing made
		outcome := ""
		if v.DealProperty == "dealstage" {
			outcome, _ = outcomeOf(values, d.Stage)
		}
		out = append(out, h.dealVerdicts(v, v.DealID, d, outcome)...)
	}
	return out, nil
}

// errNoHubSpotToken: a deal event came, but Baton has no HubSpot token to
// read the deal with (sfa.hubspot, BATON_HUBSPOT_TOKEN).
var errNoHubSpotToken = errors.New("a deal event, but no HubSpot token to read the deal: set BATON_HUBSPOT_TOKEN (and sfa.hubspot)")

// dealBook is a batch's deals as read from HubSpot, each read once a
// batch: deals (absent: gone), and which had their contacts read.
type dealBook struct {
	api interface {
		Deals(ctx context.Context, ids []string) (map[string]HubSpotDeal, error)
		DealContacts(ctx context.Context, ids []string) (map[string][]string, error)
	}
	deals    map[string]HubSpotDeal
	asked    map[string]bool // deals read (found or gone)
	contacts map[string]bool // deals whose contacts were read
}

// read reads the deals of ids not read yet, in as few calls as HubSpot's
// batches allow, and with contacts their contacts too.
func (b *dealBook) read(ctx context.Context, ids []string, contacts bool) error {
	if b.deals == nil {
		b.deals, b.asked, b.contacts = map[string]HubSpotDeal{}, map[string]bool{}, map[string]bool{}
	}
	var todo []string
	for _, id := range ids {
		if !b.asked[id] {
			todo = append(todo, id)
		}
	}
	if len(todo) > 0 {
		got, err := b.api.Deals(ctx, todo)
		if err != nil {
			return err
		}
		for _, id := range todo {
			b.asked[id] = true
			if d, ok := got[id]; ok {
				b.deals[id] = d
			} else {
				b.contacts[id] = true // gone: no contacts to read
			}
		}
	}
	if !contacts {
		return nil
	}
	todo = nil
	for _, id := range ids {
		if !b.contacts[id] {
			todo = append(todo, id)
		}
	}
	if len(todo) == 0 {
		return nil
	}
	got, err := b.api.DealContacts(ctx, todo)
	if err != nil {
		return err
	}
	for _, id := range todo {
		d := b.deals[id]
		d.Contacts = got[id]
		b.deals[id], b.contacts[id] = d, true
	}
	return nil
}

// dealVerdicts are the verdicts of delivery v of deal id, as HubSpot has it
// (d): one per contact on it, with the outcome (if any) and the deal named
// (Ref), so that the revenue report counts it once however many of its
// contacts Baton delivered. None when there is nothing to record.
func (h *Handler) dealVerdicts(v Verdict, id string, d HubSpotDeal, outcome string) []Verdict {
	deal := dealOf(d.Amount, d.Currency, d.CloseDate, "hubspot", v.At, h.Loc)
	if deal != nil {
		deal.Outcome = outcome
		if err := qualify.ValidateDeal(*deal); err != nil {
			h.Log.Warn("feedback hubspot: the deal's values are refused", "deal", id, "err", err)
			deal = nil
		}
	}
	if outcome == "" && deal == nil {
		return nil
	}
	deal = namedDeal(deal, "hubspot-deal-"+id, outcome, "hubspot", v.At)
	var out []Verdict
	seen := map[string]bool{}
	for _, c := range d.Contacts {
		if seen[c] {
			continue // one contact under two association types
		}
		seen[c] = true
		out = append(out, Verdict{DeliveryID: v.DeliveryID + "-" + c, ExternalID: c, Outcome: outcome, At: v.At, Deal: deal, OwnerID: d.OwnerID})
	}
	return out
}

// VerifyHubSpot checks a v3 signature: base64(HMAC-SHA256(client secret,
// method + uri + body + timestamp)), timestamp within five minutes.
func VerifyHubSpot(secret, method, uri string, body []byte, hd http.Header, now time.Time) error {
	sig, ts := hd.Get("X-HubSpot-Signature-v3"), hd.Get("X-HubSpot-Request-Timestamp")
	if secret == "" || sig == "" || ts == "" {
		return errors.New("missing X-HubSpot-Signature-v3 or X-HubSpot-Request-Timestamp")
	}
	ms, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return errors.New("bad X-HubSpot-Request-Timestamp")
	}
	if d := now.Sub(time.UnixMilli(ms)); d > 5*time.Minute || d < -5*time.Minute {
		return errors.New("X-HubSpot-Request-Timestamp outside the five-minute window")
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(method + uri))
	mac.Write(body)
	mac.Write([]byte(ts))
	want := base64.StdEncoding.EncodeToString(mac.Sum(nil))
	if !hmac.Equal([]byte(sig), []byte(want)) {
		return errors.New("X-HubSpot-Signature-v3 does not match")
	}
	return nil
}

// The properties ParseHubSpot reads, of deals and of contacts.
var (
	hubspotDealProps    = map[string]bool{"dealstage": true, "amount": true, "closedate": true, "deal_currency_code": true}
	hubspotContactProps = map[string]bool{"lifecyclestage": true, "hs_lead_status": true, "recent_deal_amount": true, "recent_deal_close_date": true}
)

// ParseHubSpot reads a webhook batch of property changes of contacts:
// contact.propertyChange, or the generic object.propertyChange with
// objectTypeId 0-1 (contacts); and of deals (deal.propertyChange, or
// objectTypeId 0-3): dealstage, amount, closedate, deal_currency_code,
// each a verdict naming the deal (DealID), for the handler to read.
func ParseHubSpot(body []byte, values map[string]string) ([]Verdict, error) {
	values = hubspotValues(values)
	var evs []struct {
		EventID          json.Number `json:"eventId"`
		SubscriptionType string      `json:"subscriptionType"`
		ObjectID         json.Number `json:"objectId"`
		PropertyName     string      `json:"propertyName"`
		PropertyValue    string      `json:"propertyValue"`
		OccurredAt       int64       `json:"occurredAt"`
		ObjectTypeID     string      `json:"objectTypeId"`
	}
	if bytes.Equal(bytes.TrimSpace(body), []byte("null")) { // decodes to no events: answered as an empty batch
		return nil, errors.New("body must be HubSpot's array of events: the body must be an array, not null")
	}
	if err := json.Unmarshal(body, &evs); err != nil {
		return nil, badBody("HubSpot's array of events", err)
	}
	var vs []Verdict
	for _, e := range evs {
		deal := e.SubscriptionType == "deal.propertyChange" || e.SubscriptionType == "object.propertyChange" && e.ObjectTypeID == "0-3"
		contact := e.SubscriptionType == "contact.propertyChange" || e.SubscriptionType == "object.propertyChange" && e.ObjectTypeID == "0-1"
		if !(deal && hubspotDealProps[e.PropertyName] || contact && hubspotContactProps[e.PropertyName]) {
			continue
		}
		if e.EventID == "" {
			// Remembered as "hs-", every later one would be its "duplicate".
			vs = append(vs, Verdict{DeliveryID: "hs-", Refused: fmt.Sprintf("an event of object %s without eventId (deduplication)", e.ObjectID)})
			continue
		}
		if e.ObjectID == "" {
			vs = append(vs, Verdict{DeliveryID: "hs-" + e.EventID.String(), Refused: fmt.Sprintf("event %s without objectId names no record", e.EventID)})
			continue
		}
		// No occurredAt (or 0) is no time, not 1970: the zero time, which
		// apply dates with the delivery's receipt. The batch is signed, so
		// the change is real and refusing it would lose it; it was received
		// within HubSpot's retries of the change, and the lifecycle's
		// forward-only rule keeps the order. A negative time is a broken
		// event: refused.
		var at time.Time
		if e.OccurredAt < 0 {
			vs = append(vs, Verdict{DeliveryID: "hs-" + e.EventID.String(), Refused: fmt.Sprintf("event %s: occurredAt %d is not milliseconds since the epoch", e.EventID, e.OccurredAt)})
			continue
		} else if e.OccurredAt > 0 {
			at = time.UnixMilli(e.OccurredAt)
		}
		if deal {
			vs = append(vs, Verdict{DeliveryID: "hs-" + e.EventID.String(), DealID: e.ObjectID.String(), DealProperty: e.PropertyName, At: at})
			continue
		}
		if e.PropertyName == "recent_deal_amount" || e.PropertyName == "recent_deal_close_date" {
			// The contact's rollups of its deals (HubSpot keeps them from
			// the associated deals' amount and closedate): the deal as the
			// contact carries it, which the handler replaces by the deal
			// itself when it can read it (hubspotRollup). A value cleared
			// ("": the deal gone) tells nothing of a deal.
			if strings.TrimSpace(e.PropertyValue) == "" {
				continue
			}
			d := &qualify.DealReport{Source: "hubspot", At: at}
			var bad error
			if e.PropertyName == "recent_deal_amount" {
				a, err := strconv.ParseFloat(e.PropertyValue, 64)
				if err != nil {
					bad = fmt.Errorf("event %s: recent_deal_amount %q is not a number", e.EventID, e.PropertyValue)
				}
				d.Amount = &a
			} else {
				cd, err := hubspotDate(e.PropertyValue)
				if err != nil {
					bad = fmt.Errorf("event %s: recent_deal_close_date: %v", e.EventID, err)
				}
				d.CloseDate = cd
			}
			if bad == nil {
				if err := qualify.ValidateDeal(*d); err != nil {
					bad = fmt.Errorf("event %s: %v", e.EventID, err)
				}
			}
			if bad != nil {
				vs = append(vs, Verdict{DeliveryID: "hs-" + e.EventID.String(), Refused: bad.Error()})
				continue
			}
			vs = append(vs, Verdict{DeliveryID: "hs-" + e.EventID.String(), ExternalID: e.ObjectID.String(), At: at, Deal: d, Rollup: true})
			continue
		}
		out, ok := outcomeOf(values, e.PropertyValue)
		if !ok {
			vs = append(vs, Verdict{DeliveryID: "hs-" + e.EventID.String(), Unread: fmt.Sprintf("%s %q maps to no outcome (feedback.hubspot)", e.PropertyName, e.PropertyValue)})
			continue
		}
		v := Verdict{DeliveryID: "hs-" + e.EventID.String(), ExternalID: e.ObjectID.String(), Outcome: out, At: at}
		if e.PropertyName == "hs_lead_status" {
			v.leadStatus = e.PropertyValue // the lead status sales chose is their reason: its label (hubspotReasons), not this value
		}
		vs = append(vs, v)
	}
	return vs, nil // a batch none of whose events is read is a 400 (apply)
}

// kintone: kintone webhooks are not signed, so the URL carries a secret token.
func (h *Handler) kintone(w http.ResponseWriter, r *http.Request) {
	if h.unconfigured(w, h.KintoneToken, "kintone", "BATON_KINTONE_WEBHOOK_TOKEN") {
		return
	}
	if !same(r.PathValue("token"), h.KintoneToken) {
		unauthorized(w, "wrong webhook token")
		return
	}
	body, ok := h.readUpTo(w, r, maxKintoneBody)
	if !ok {
		return
	}
	vs, err := ParseKintone(body, h.KintoneField, h.KintoneEmail, h.KintoneStatus)
	if h.KintoneApp > 0 && kintoneApp(body) != strconv.Itoa(h.KintoneApp) {
		// A record id is unique within its app only: another app's record
		// (a deals app sent to the same URL) is found by its email alone.
		for i := range vs {
			vs[i].ExternalID = ""
		}
	}
	for i := range vs {
		if h.KintoneReason != "" {
			vs[i].Why = kintoneField(body, h.KintoneReason)
		}
		vs[i].Owner = kintoneOwner(body, h.KintoneOwner)
		deal, derr := kintoneDeal(body, h.KintoneDeal, vs[i].Outcome, h.Loc)
		switch {
		case derr != nil && vs[i].Outcome != "" && vs[i].Unread == "":
			// The status is sales' verdict whatever the deal's fields
			// hold, and kintone does not send a webhook again: refusing
			// the whole delivery lost the verdict (a win left an MQL).
			// The deal alone is refused, said in the results and logged.
			h.Log.Warn("feedback kintone: the deal's fields are refused, the status applies", "delivery", vs[i].DeliveryID, "err", derr)
			vs[i].DealRefused = derr.Error()
		case derr != nil:
			// Nothing else to apply: the delivery is refused (400),
			// which kintone's webhook log shows.
			vs[i].Refused = "the deal: " + derr.Error()
			if vs[i].Unread != "" {
				vs[i].Refused += "; " + vs[i].Unread
				vs[i].Unread = "" // refused, not unread: a 400 (applyAll)
			}
		case deal != nil:
			vs[i].Deal = deal
			if vs[i].Unread != "" { // a status of no outcome, but the deal's fields
				vs[i].Unread, vs[i].NoOutcome = "", vs[i].Unread
			}
		}
	}
	if err != nil {
		httpx.JSON(w, http.StatusBadRequest, httpx.ErrorBody{Error: err.Error()})
		return
	}
	if h.KintoneField != "" && !h.kintoneChanged(w, r, vs) {
		return
	}
	h.apply(w, r, "kintone", vs)
}

// kintoneChanged takes the outcome off each verdict whose status field
// still has the value Baton's write of the person's latest MQL left
// (push.KintoneStatusStep), as long as kintone has shown no other status
// for that MQL before it: kintone sends a webhook for every edit of the
// record, Baton's own write among them, with the record as it then is, so
// a status sales set before that MQL (見送り from an earlier lead) would
// otherwise be their verdict on it, sending it back at once. A verdict is
// a change. What kintone showed is kintone's own to say: another SFA's
// verdict on the MQL (accepted in Salesforce) leaves the record's status
// as it was, and the webhook of Baton's write may reach Baton after that
// of sales' first change. False: it answered (the store failed).
func (h *Handler) kintoneChanged(w http.ResponseWriter, r *http.Request, vs []Verdict) bool {
	ctx := r.Context()
	for i, v := range vs {
		if v.Status == "" {
			continue
		}
		pid, err := h.resolve(ctx, "kintone", v)
		if errors.Is(err, identity.ErrNotFound) {
			continue // apply says so
		}
		var mql, st string
		var kept, seen bool
		var rec qualify.Record
		var changed time.Time
		if err == nil {
			mql, st, kept, err = push.LatestStep(ctx, h.T, pid, "kintone", push.KintoneStatusStep)
		}
		if err == nil && kept {
			rec, err = h.Apply.Record(ctx, pid)
		}
		cur := fmt.Sprintf("%s-c%d", pid, rec.Cycle)
		// Kept for an earlier MQL only: Baton has not written this one to
		// kintone yet (its push queued, or retrying), so the record shows
		// the earlier one, and its status is no answer to this one.
		pending := err == nil && kept && mql != cur
		if err == nil && kept && !pending {
			changed, seen, err = h.kintoneChangeSeen(ctx, pid, mql)
		} else {
			kept = false
		}
		at := v.At
		if at.IsZero() {
			at = h.now()
		}
		// A change dated before the MQL was raised (kintone's minutes
		// aside) is of an earlier one, delivered late.
		if err == nil && kept && v.Status != st && !at.Before(rec.MQLRaised().Truncate(time.Minute)) && (!seen || at.Before(changed)) {
			changed, seen = at, true
			err = h.kintoneChangeSaw(ctx, pid, mql, at)
		}
		if err != nil {
			h.Log.Error("feedback: the status Baton wrote", "source", "kintone", "err", err)
			httpx.Unavailable(w, 10*time.Second)
			return false
		}
		// Set again after another (対応中, then 見送り), the status is a
		// change; one dated with that change (kintone's minutes) is not.
		var why string
		switch {
		case v.Outcome == "" || v.Unread != "":
			continue
		case pending:
			why = fmt.Sprintf("MQL %s is not in kintone yet (Baton's write of it is pending): the record's status %q is no verdict on it", cur, v.Status)
		case !kept || st != v.Status || seen && changed.Before(at):
			continue
		default:
			why = fmt.Sprintf("status %q is the record's as Baton wrote MQL %s: unchanged since, no verdict on it", v.Status, mql)
		}
		vs[i].Outcome = ""
		if v.Deal != nil {
			v.Deal.Outcome = "" // nor the deal's: it would count won (or lost) by a status that says nothing of this MQL
			vs[i].NoOutcome = why
		} else {
			vs[i].Unread = why
		}
	}
	return true
}

// kintoneChangePfx keys, on the person, the earliest time a kintone
// webhook showed the status field other than Baton's write of an MQL left
// it (KTCHG#<mql>).
const kintoneChangePfx = "KTCHG#"

// kintoneChangeSeen is when kintone first showed another status for mql
// than Baton's write left (seen false: not yet).
func (h *Handler) kintoneChangeSeen(ctx context.Context, person, mql string) (time.Time, bool, error) {
	it, err := h.T.Get(ctx, identity.PersonPK(person), kintoneChangePfx+mql)
	if errors.Is(err, table.ErrNotFound) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, err
	}
	var c struct {
		At time.Time `json:"at"`
	}
	if err := json.Unmarshal(it.Data, &c); err != nil {
		return time.Time{}, false, err
	}
	return c.At, true, nil
}

// kintoneChangeSaw keeps at as when kintone first showed another status
// for mql: in the person's partition, erased with it, and never written
// once their email is erased (a webhook that raced the erasure).
func (h *Handler) kintoneChangeSaw(ctx context.Context, person, mql string, at time.Time) error {
	p, err := h.People.Get(ctx, person)
	if errors.Is(err, identity.ErrNotFound) {
		return nil // erased meanwhile: nothing of them to keep
	}
	if err != nil {
		return err
	}
	data, _ := json.Marshal(map[string]any{"at": at.UTC()})
	ws := []table.Write{table.Put(table.Item{PK: identity.PersonPK(person), SK: kintoneChangePfx + mql, Kind: KindKintoneChange, Data: data}, table.Always)}
	if p.Email != "" {
		ws = append(ws, privacy.NotErased(p.Email))
	}
	if err := h.T.Transact(ctx, ws); err != nil && !errors.Is(err, table.ErrConditionFailed) {
		return err
	}
	return nil
}

// ParseKintone reads a kintone webhook (UPDATE_RECORD / UPDATE_STATUS /
// ADD_RECORD): the status from field (default: the process-management
// STATUS field, read from UPDATE_STATUS and ADD_RECORD only), the email
// from emailField (the connector's email_field; default "email").
func ParseKintone(body []byte, field, emailField string, statuses map[string]string) ([]Verdict, error) {
	if statuses == nil {
		statuses = DefaultKintone
	}
	if emailField == "" {
		emailField = "email"
	}
	var p struct {
		ID     string                               `json:"id"`
		Type   string                               `json:"type"`
		Record map[string]struct{ Type, Value any } `json:"record"`
	}
	if err := json.Unmarshal(body, &p); err != nil || p.Type == "" {
		return nil, fmt.Errorf("body must be a kintone webhook with a record")
	}
	if p.Type != "UPDATE_STATUS" && p.Type != "UPDATE_RECORD" && p.Type != "ADD_RECORD" {
		// DELETE_RECORD and ADD_RECORD_COMMENT carry no record (recordId
		// instead): nothing for the lifecycle, answered, not refused.
		return nil, nil
	}
	if p.Record == nil {
		return nil, fmt.Errorf("body must be a kintone webhook with a record")
	}
	str := func(code string) string { s, _ := p.Record[code].Value.(string); return s }
	status, process := "", false
	if field != "" {
		status = str(field)
	} else {
		for _, f := range p.Record {
			if t, _ := f.Type.(string); t == "STATUS" {
				status, _ = f.Value.(string)
				process = true
			}
		}
	}
	if p.ID == "" {
		return nil, errors.New("id is required (deduplication)")
	}
	out, ok := outcomeOf(statuses, status)
	unread := ""
	switch {
	case process && p.Type == "UPDATE_RECORD" && ok:
		// The process management's status moves only by its actions,
		// each sent as UPDATE_STATUS: an edit (Baton's own write of an
		// MQL among them) carries the status as it was, which would
		// otherwise be read as sales' verdict on the newest MQL.
		out, unread = "", fmt.Sprintf("an edit of the record, not a status action: the process management's status %q is read from its UPDATE_STATUS", status)
	case !ok && field != "" && p.Record[field].Value == nil:
		unread = fmt.Sprintf("the record has no field %q (feedback.kintone_status_field)", field)
	case !ok:
		// Nothing for the lifecycle; the record's deal still counts (kintone).
		unread = fmt.Sprintf("status %q maps to no outcome (feedback.kintone_status)", status)
	}
	// kintone sends no time of its own: the record's 更新日時 (its
	// UPDATED_TIME field, UTC to the minute) dates the change, so a version
	// delivered late is older than the one before it; without it (or
	// unreadable), apply dates the delivery when received.
	var at time.Time
	for _, f := range p.Record {
		if t, _ := f.Type.(string); t == "UPDATED_TIME" {
			v, _ := f.Value.(string)
			at, _ = parseSFTime(v)
		}
	}
	return []Verdict{{DeliveryID: "kt-" + p.ID, ExternalID: str("$id"), Email: str(emailField), Outcome: out, Status: status, At: at, Unread: unread}}, nil
}

// KintoneDealFields names the kintone fields holding the deal (field codes
// are each app's own; defaults: amount, currency, close_date).
type KintoneDealFields struct{ Amount, Currency, CloseDate string }

// kintoneDeal reads the deal fields of a kintone record: a NUMBER field's
// value is a string ("1200000"), a DATE field's YYYY-MM-DD; empty fields
// are absent. A text field's amount as Japanese apps hold it (1,200,000円,
// ¥1,200,000, 120万) is read by kintoneAmount, its 円 or ¥ the currency
// unless the currency field says otherwise. An error names the field and
// value it could not read.
// It names no deal (Ref): the record is the person's lead
// record, which every MQL cycle writes, not one deal; named by it, a new
// cycle's deal would be taken for the first cycle's.
func kintoneDeal(body []byte, f KintoneDealFields, outcome string, loc *time.Location) (*qualify.DealReport, error) {
	if f.Amount == "" {
		f.Amount = "amount"
	}
	if f.Currency == "" {
		f.Currency = "currency"
	}
	if f.CloseDate == "" {
		f.CloseDate = "close_date"
	}
	var amount *float64
	yen := false
	if s := strings.TrimSpace(kintoneField(body, f.Amount)); s != "" {
		a, y, err := kintoneAmount(s)
		if err != nil {
			return nil, fmt.Errorf("record.%s: %q is not an amount Baton reads (%v): digits, with commas, 円 or ¥, 万 and 億 if need be (1200000, 1,200,000円, ¥1,200,000, 120万, 1億2000万)", f.Amount, textcut.Bytes(s, 100), err)
		}
		amount, yen = &a, y
	}
	rawCur := kintoneField(body, f.Currency)
	cur := kintoneCurrency(rawCur)
	if err := qualify.ValidateDeal(qualify.DealReport{Currency: cur}); err != nil {
		return nil, fmt.Errorf("record.%s: %q is not a currency Baton reads: an ISO 4217 code such as JPY or USD, or 円 / ¥", f.Currency, textcut.Bytes(rawCur, 100))
	}
	switch {
	case yen && cur == "":
		cur = "JPY"
	case yen && cur != "JPY":
		return nil, fmt.Errorf("record.%s is in yen (%q) but record.%s says %q", f.Amount, textcut.Bytes(kintoneField(body, f.Amount), 100), f.Currency, cur)
	}
	d := dealOf(amount, cur, kintoneField(body, f.CloseDate), "kintone", time.Time{}, loc)
	if d == nil {
		return nil, nil
	}
	d.Outcome = outcome
	if err := qualify.ValidateDeal(*d); err != nil {
		if d.CloseDate != "" && qualify.ValidateDeal(qualify.DealReport{CloseDate: d.CloseDate}) != nil {
			return nil, fmt.Errorf("record.%s: %v", f.CloseDate, err)
		}
		return nil, fmt.Errorf("record.%s: %v", f.Amount, err)
	}
	return d, nil
}

// opportunity is the outcome (stageOutcome's: "" for an open stage) and
// deal (nil: no deal field) a Salesforce Opportunity's fields make, the
// deal checked.
func opportunity(out string, amount *float64, currency, closeDate string, at time.Time) (string, *qualify.DealReport, error) {
	deal := dealOf(amount, currency, closeDate, "salesforce", at, nil) // CloseDate is a Date field
	if deal != nil {
		deal.Outcome = out
		if err := qualify.ValidateDeal(*deal); err != nil {
			return out, nil, err
		}
	}
	return out, deal, nil
}

// opportunityRef is deal named as Salesforce Opportunity id (15 or 18
// characters: the same Ref), a copy for each record: a change event's
// records share one deal's fields. The Ref tells RecordDeal which cycle's
// deal an Opportunity's later edit is (an event carries the record's id,
// never the cycle). Without deal fields (nil), an outcome out of the
// Opportunity is a report of its deal's outcome alone (namedDeal).
func opportunityRef(deal *qualify.DealReport, id, out string, at time.Time) *qualify.DealReport {
	if id = strings.TrimSpace(id); id == "" {
		return deal
	}
	return namedDeal(deal, "salesforce-opportunity-"+salesforceID18(id), out, "salesforce", at)
}

// namedDeal is deal (a copy) named ref; deal nil, a report of none of its
// fields but its outcome, which tells RecordDealOf's caller that a stage
// change alone of an earlier cycle's deal is that deal's (nil without an
// outcome: nothing to say).
func namedDeal(deal *qualify.DealReport, ref, out, source string, at time.Time) *qualify.DealReport {
	if deal == nil {
		if out == "" {
			return nil
		}
		deal = &qualify.DealReport{Outcome: out, Source: source, At: at}
	}
	d := *deal
	d.Ref = ref
	return &d
}

// dealOf is the deal a delivery carries (nil: none of its fields). A
// close date sent as a datetime is a date: see closeDateOf.
func dealOf(amount *float64, currency, closeDate, source string, at time.Time, loc *time.Location) *qualify.DealReport {
	currency, closeDate = strings.ToUpper(fold(currency)), strings.TrimSpace(closeDate) // ＪＰＹ is JPY
	if amount == nil && currency == "" && closeDate == "" {
		return nil
	}
	if len(closeDate) > 10 {
		if t, err := parseSFTime(closeDate); err == nil {
			closeDate = closeDateOf(t, loc)
		}
	}
	return &qualify.DealReport{Amount: amount, Currency: currency, CloseDate: closeDate, Source: source, At: at}
}

// closeDateOf is the date of a close date sent as a datetime: written with
// an offset, the date there (JST midnight is that day, not UTC's day
// before); in UTC (kintone's DATETIME fields, HubSpot's), the date in the
// zone sales work in, loc, as they entered it; but exactly midnight UTC is
// how a date alone is written as a datetime (HubSpot's date pickers): its
// own date.
func closeDateOf(t time.Time, loc *time.Location) string {
	if _, off := t.Zone(); off == 0 && loc != nil && !t.Equal(t.Truncate(24*time.Hour)) {
		t = t.In(loc)
	}
	return t.Format("2006-01-02")
}

// hubspotDate reads a HubSpot date property: milliseconds since the epoch
// at UTC midnight, or an ISO date.
func hubspotDate(v string) (string, error) {
	if ms, err := strconv.ParseInt(v, 10, 64); err == nil {
		t := time.UnixMilli(ms).UTC()
		if t.Year() < 1 || t.Year() > 9999 {
			return "", fmt.Errorf("%q is out of range", v)
		}
		return t.Format("2006-01-02"), nil
	}
	if t, err := time.Parse("2006-01-02", v); err == nil {
		return t.Format("2006-01-02"), nil
	}
	return "", fmt.Errorf("%q is neither epoch milliseconds nor YYYY-MM-DD", v)
}

// webhook: a generic source signed per Standard Webhooks.
func (h *Handler) webhook(w http.ResponseWriter, r *http.Request) {
	if h.unconfigured(w, h.SharedSecret, "webhook", "BATON_FEEDBACK_SECRET") {
		return
	}
	if _, err := stdwebhook.Key(h.SharedSecret); err != nil {
		// The secret serves Salesforce's X-Baton-Secret too, which takes
		// any: one not in the Standard Webhooks form verifies nothing
		// here. Baton's configuration, not the sender's signature, is at
		// fault: a 503 it retries (a 401 told the sender its signature
		// was wrong, and how Baton is configured).
		h.Log.Error("feedback refused: BATON_FEEDBACK_SECRET is not a Standard Webhooks secret (whsec_ and base64 of 16 bytes or more)", "source", "webhook")
		w.Header().Set("Retry-After", "300")
		httpx.Error(w, http.StatusServiceUnavailable, "feedback from webhook is not configured on Baton")
		return
	}
	body, ok := h.read(w, r)
	if !ok {
		return
	}
	if err := stdwebhook.Verify(h.SharedSecret, r.Header, body, h.now(), 5*time.Minute); err != nil {
		unauthorized(w, err.Error())
		return
	}
	var p struct {
		PersonID string `json:"personId"`
		Email    string `json:"email"`
		Outcome  string `json:"outcome"`
		Owner    string `json:"owner"`
		Reason   string `json:"reason"`
		At       sfTime `json:"at"`
		// The deal: "amount" (a number), "currency" (ISO 4217), "closeDate" (YYYY-MM-DD).
		Amount    *float64 `json:"amount"`
		Currency  string   `json:"currency"`
		CloseDate string   `json:"closeDate"`
		// The source's id of the deal, when it has one: which deal an
		// edit is about (RecordDeal keeps an earlier cycle's deal its own).
		DealID string `json:"dealId"`
	}
	const shape = "{\"email\" or \"personId\", \"outcome\", \"owner\", \"at\"} (optionally \"amount\", \"currency\", \"closeDate\", \"dealId\")"
	if err := json.Unmarshal(body, &p); err != nil {
		httpx.JSON(w, http.StatusBadRequest, httpx.BadJSON(shape, err))
		return
	}
	if p.Outcome == "" && p.Amount == nil {
		httpx.JSON(w, http.StatusBadRequest, httpx.ErrorBody{Error: "body must be " + shape + ": it has neither an outcome nor an amount", Field: "outcome"})
		return
	}
	if strings.TrimSpace(p.PersonID) == "" && strings.TrimSpace(p.Email) == "" {
		// Naming nobody is malformed, not a person Baton does not know.
		httpx.JSON(w, http.StatusBadRequest, httpx.ErrorBody{Error: "body must be " + shape + ": it names nobody (\"email\" or \"personId\")", Field: "email"})
		return
	}
	if p.DealID != "" && (!keyable(p.DealID) || strings.TrimSpace(p.DealID) != p.DealID) {
		httpx.JSON(w, http.StatusBadRequest, httpx.ErrorBody{Error: fmt.Sprintf("dealId must be at most %d bytes, without control characters or surrounding spaces", maxDeliveryID), Field: "dealId"})
		return
	}
	deal := dealOf(p.Amount, p.Currency, p.CloseDate, "webhook", p.At.Time, h.Loc)
	if deal != nil {
		deal.Outcome = p.Outcome
		if err := qualify.ValidateDeal(*deal); err != nil {
			httpx.JSON(w, http.StatusBadRequest, httpx.ErrorBody{Error: err.Error()})
			return
		}
	}
	if p.DealID != "" {
		deal = namedDeal(deal, "webhook-deal-"+p.DealID, p.Outcome, "webhook", p.At.Time)
	}
	h.apply(w, r, "webhook", []Verdict{{DeliveryID: "wh-" + r.Header.Get("webhook-id"), PersonID: p.PersonID, Email: p.Email, Outcome: p.Outcome, Owner: p.Owner, Why: p.Reason, At: p.At.Time, Deal: deal}})
}

// result is what became of one verdict, as a delivery's answer lists it.
type result struct {
	DeliveryID string `json:"deliveryId"`
	qualify.OutcomeResult
	Deal bool `json:"deal,omitempty"` // the deal's amount, currency or close date changed
	// DealRefused says why the deal the delivery carried was not recorded
	// (the verdict's outcome taken nonetheless: kintone).
	DealRefused string `json:"dealRefused,omitempty"`
}

// failure is why a delivery was not taken as a whole: Status 400 (the
// delivery is wrong; Field names what, if one field) or 503 (Baton's store
// failed: the SFA is to send it again).
type failure struct {
	Status       int
	Error, Field string
}

// apply resolves each verdict's person and applies it, answering the SFA
// in JSON. Unknown people are acknowledged (ignored), not refused: the SFA
// would otherwise retry forever.
func (h *Handler) apply(w http.ResponseWriter, r *http.Request, source string, vs []Verdict) {
	results, fail := h.applyAll(r.Context(), source, vs)
	switch {
	case fail == nil:
		httpx.JSON(w, http.StatusOK, map[string]any{"results": results})
	case fail.Status == http.StatusServiceUnavailable:
		httpx.Unavailable(w, 10*time.Second)
	default:
		httpx.JSON(w, fail.Status, httpx.ErrorBody{Error: fail.Error, Field: fail.Field})
	}
}

// applyAll is apply's work, whatever the answer's format: each verdict's
// result, or why the delivery is not taken as a whole (what of it applied
// before a failure, the SFA's retry finds done: deals are idempotent,
// outcomes kept by delivery id).
func (h *Handler) applyAll(ctx context.Context, source string, vs []Verdict) ([]result, *failure) {
	unavailable := &failure{Status: http.StatusServiceUnavailable, Error: "temporarily unavailable, retry later"}
	if source == "salesforce" { // every Salesforce route's owners are ids (OwnerId)
		h.salesforceOwners(ctx, vs)
	}
	refused := 0
	received := h.now()
	latest := received.Add(maxSkew)
	notes := make([]string, len(vs)) // a verdict's time, when not recorded as sent
	for i, v := range vs {
		if err := checkDeliveryID(v.DeliveryID); err != nil {
			return nil, &failure{Status: http.StatusBadRequest, Error: err.Error()}
		}
		if v.At.IsZero() { // the SFA sent no time: the delivery's
			vs[i].At = received
		}
		if d := v.Deal; d != nil && d.At.IsZero() {
			d.At = vs[i].At
		}
		if v.Unread != "" {
			continue
		}
		if v.Refused == "" && v.Outcome != "" && !qualify.IsOutcome(v.Outcome) {
			// A mapping's typo: found while applying, it answered the
			// batch 400 with part of it applied and the rest lost.
			vs[i].Refused = fmt.Sprintf("outcome %q is none of accepted, rejected, sql, opportunity, won, lost (check the feedback mapping)", v.Outcome)
		}
		if vs[i].Refused == "" && v.At.After(latest) {
			// A deal keeps its latest report: one dated ahead would
			// make every real one after it older, ignored.
			vs[i].Refused = fmt.Sprintf("its time %s is in the future", v.At.UTC().Format(time.RFC3339))
		}
		if vs[i].Refused == "" && v.At.After(received) {
			// Ahead, within the skew taken: recorded as received. Dated
			// so, a rejection's recycle was in the future, and the lead's
			// events until then (a form sent after the verdict arrived)
			// no new evidence; a deal so dated made the real reports
			// after it older. Sales answered by now.
			notes[i] = "dated " + v.At.UTC().Format(time.RFC3339Nano) + ", ahead of Baton's clock: recorded as received"
			vs[i].At = received
			if d := v.Deal; d != nil && d.At.After(received) {
				d.At = received
			}
		}
		if vs[i].Refused != "" {
			refused++
		}
	}
	if refused > 0 && refused == len(vs) {
		return nil, &failure{Status: http.StatusBadRequest, Error: vs[0].Refused}
	}
	results := []result{}
	for i, v := range vs {
		if v.Refused != "" {
			results = append(results, result{DeliveryID: v.DeliveryID, OutcomeResult: qualify.OutcomeResult{Ignored: "refused: " + v.Refused}})
			continue
		}
		if v.Unread != "" {
			results = append(results, result{DeliveryID: v.DeliveryID, OutcomeResult: qualify.OutcomeResult{Ignored: v.Unread}})
			continue
		}
		pid, err := h.resolve(ctx, source, v)
		if errors.Is(err, identity.ErrNotFound) {
			results = append(results, result{DeliveryID: v.DeliveryID, OutcomeResult: qualify.OutcomeResult{Ignored: "unknown person"}})
			continue
		}
		if err != nil {
			h.Log.Error("feedback: find the person", "source", source, "err", err)
			return nil, unavailable
		}
		// The deal first: it is idempotent, and a retry after a failure
		// below finds the outcome not yet applied.
		var dealChanged bool
		var rec qualify.DealRecorded
		if v.Deal != nil {
			rec, err = h.Apply.RecordDealOf(ctx, pid, *v.Deal)
			dealChanged = rec.Changed
			if errors.Is(err, identity.ErrNotFound) { // erased since it was found
				results = append(results, result{DeliveryID: v.DeliveryID, OutcomeResult: qualify.OutcomeResult{Ignored: "unknown person"}})
				continue
			}
			if err != nil {
				h.Log.Error("feedback deal", "source", source, "err", err)
				return nil, unavailable
			}
			if rec.Full && vs[i].DealRefused == "" {
				// Not refused as a delivery: the SFA would send it again
				// forever; its outcome still applies.
				vs[i].DealRefused = fmt.Sprintf("cycle %d holds %d deals already; a further one is not recorded", rec.Cycle, qualify.MaxCycleDeals)
				h.Log.Warn("feedback deal not recorded: the cycle's deals are full", "source", source, "person", pid, "cycle", rec.Cycle)
			}
		}
		if v.Outcome == "" {
			why := "no outcome"
			if v.NoOutcome != "" {
				why += ": " + v.NoOutcome
			}
			results = append(results, result{DeliveryID: v.DeliveryID, OutcomeResult: qualify.OutcomeResult{Ignored: why}, Deal: dealChanged})
			continue
		}
		if rec.Earlier && v.Outcome != "won" {
			// The delivery is about an earlier cycle's deal (its Ref):
			// an SFA sends an old opportunity's stage again with each
			// edit (an Outbound Message carries every field chosen, a
			// Flow what it was built to), and Closed Lost of the
			// opportunity lost before the recycle, applied to the person
			// now, rejected (recycled) their new MQL. Its outcome is that
			// deal's (recorded on it), not a verdict on this cycle; a
			// win is: the person is a customer whichever opportunity
			// made them one.
			why := fmt.Sprintf("outcome %s is of cycle %d's deal, not of the current MQL", v.Outcome, rec.Cycle)
			results = append(results, result{DeliveryID: v.DeliveryID, OutcomeResult: qualify.OutcomeResult{Ignored: why}, Deal: dealChanged})
			continue
		}
		if v.Outcome == "lost" && v.Deal != nil && v.Deal.Ref != "" && !rec.Full && rec.Open > 0 {
			// One of the cycle's deals lost while others are open (a
			// second product's opportunity lost, the first still in
			// play): the person is still in the pipeline, and recycling
			// them refused the other deal's win (recycled -> customer).
			// The loss is recorded on its deal; the last open deal's
			// loss is the cycle's.
			why := fmt.Sprintf("outcome lost is of one deal, not of the current MQL: %d other deal(s) of cycle %d open", rec.Open, rec.Cycle)
			results = append(results, result{DeliveryID: v.DeliveryID, OutcomeResult: qualify.OutcomeResult{Ignored: why}, Deal: dealChanged})
			continue
		}
		out, err := h.Apply.OutcomeOf(ctx, pid, v.Outcome, v.DeliveryID, qualify.Owner{Name: v.Owner, ID: v.OwnerKey}, v.Why, v.At)
		if err != nil && strings.Contains(err.Error(), "unknown outcome") {
			return nil, &failure{Status: http.StatusBadRequest, Error: err.Error(), Field: "outcome"}
		}
		if err != nil {
			h.Log.Error("feedback", "source", source, "err", err)
			return nil, unavailable
		}
		if out.Applied {
			out.AtNote = notes[i]
		}
		results = append(results, result{DeliveryID: v.DeliveryID, OutcomeResult: out, Deal: dealChanged})
	}
	for i := range results { // one result per verdict, in order
		results[i].DealRefused = vs[i].DealRefused
	}
	return results, nil
}

// maxSkew is how far ahead of Baton's clock an SFA's time may be (it is
// then recorded as received).
const maxSkew = time.Hour

// maxDeliveryID bounds a delivery id, which is part of the key remembering
// it (FB#<id>): a DynamoDB sort key is at most 1024 bytes.
const maxDeliveryID = 512

// checkDeliveryID refuses a delivery id no key can hold (a NUL byte, too
// long): its write would fail, and the SFA retry a 503 forever.
func checkDeliveryID(id string) error {
	if len(id) > maxDeliveryID {
		return fmt.Errorf("delivery id longer than %d bytes", maxDeliveryID)
	}
	if !keyable(id) {
		return fmt.Errorf("delivery id %q contains a control character or invalid UTF-8", id)
	}
	return nil
}

// keyable reports whether an SFA's id can be part of a key: no control
// character or invalid UTF-8, at most maxDeliveryID bytes.
func keyable(s string) bool {
	for _, c := range s {
		if c < 0x20 || c == 0x7f || c == utf8.RuneError {
			return false
		}
	}
	return len(s) <= maxDeliveryID
}

// resolve finds a verdict's person: by Baton's id, the SFA's record id or
// the email. Nobody found is identity.ErrNotFound; a store failure is
// returned as such, to be answered 503 and sent again, never taken for an
// unknown person (acknowledged, and lost).
func (h *Handler) resolve(ctx context.Context, source string, v Verdict) (string, error) {
	if v.PersonID != "" {
		_, err := h.People.Get(ctx, v.PersonID)
		if err == nil {
			return v.PersonID, nil
		}
		if !errors.Is(err, identity.ErrNotFound) {
			return "", err
		}
	}
	if v.ExternalID != "" && keyable(v.ExternalID) { // one no key can hold names nobody
		ext := v.ExternalID
		if source == "salesforce" {
			ext = salesforceID18(ext) // push keeps the API's 18-character ids
		}
		pid, err := push.PersonByExternalID(ctx, h.T, source, ext)
		if err == nil {
			return pid, nil
		}
		if !errors.Is(err, table.ErrNotFound) {
			return "", err
		}
	}
	if v.Email != "" {
		if e, err := event.NormalizeEmail(v.Email); err == nil {
			p, err := h.People.ByEmail(ctx, e)
			if err == nil {
				return p.ID, nil
			}
			if !errors.Is(err, identity.ErrNotFound) {
				return "", err
			}
		}
	}
	return "", identity.ErrNotFound
}

// kintoneApp is the id of the app a kintone webhook is from ("" if none).
func kintoneApp(body []byte) string {
	var p struct {
		App struct {
			ID json.RawMessage `json:"id"`
		} `json:"app"`
	}
	if json.Unmarshal(body, &p) != nil {
		return ""
	}
	var id string
	if json.Unmarshal(p.App.ID, &id) != nil {
		return strings.TrimSpace(string(p.App.ID)) // a number, not kintone's string
	}
	return id
}

// kintoneField reads one field's value from a kintone webhook's record.
// kintoneOwner is the rep a kintone record names, by name (else login
// name): the user field of code (a user selection, the process's 作業者,
// 作成者 or 更新者: one user or a list, the first taken), else the record's
// 更新者 (its MODIFIER field: for a status action, who took it). Without
// it the SLA and reps reports put every kintone answer under no owner.
func kintoneOwner(body []byte, code string) string {
	var p struct {
		Record map[string]struct {
			Type  string
			Value json.RawMessage
		} `json:"record"`
	}
	if json.Unmarshal(body, &p) != nil {
		return ""
	}
	f, ok := p.Record[code]
	if code == "" || !ok {
		for _, g := range p.Record {
			if g.Type == "MODIFIER" {
				f, ok = g, true
			}
		}
	}
	if !ok {
		return ""
	}
	type user struct{ Code, Name string }
	var one user
	if json.Unmarshal(f.Value, &one) != nil || one.Code == "" && one.Name == "" {
		var list []user
		if json.Unmarshal(f.Value, &list) != nil || len(list) == 0 {
			return ""
		}
		one = list[0]
	}
	// In characters, as qualify keeps an owner: 200 bytes cut a Japanese
	// display name after its 66th character, with no sign of the cut.
	return textcut.Runes(cmp.Or(strings.TrimSpace(one.Name), one.Code), qualify.MaxOwnerRunes)
}

func kintoneField(body []byte, code string) string {
	var p struct {
		Record map[string]struct{ Value any } `json:"record"`
	}
	if json.Unmarshal(body, &p) != nil {
		return ""
	}
	v, _ := p.Record[code].Value.(string)
	return v
}
