package crm

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	_ "time/tzdata" // the account's time zone on hosts without zoneinfo (Lambda)
	"unicode/utf16"

	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/hubspotrate"
	"github.com/baton-hq/baton/internal/push"
	"github.com/baton-hq/baton/internal/qualify"
)

// HubSpot upserts the contact by email, moves its lifecycle stage forward
// to marketingqualifiedlead (never back), and adds a note with the MQL
// reason, once.
type HubSpot struct {
	BaseURL string // https://api.hubapi.com
	Token   string // private app access token
	Fields  map[string]string
	// KeepLifecycle leaves lifecyclestage alone (sfa.hubspot.set_lifecycle: false).
	KeepLifecycle bool
	// LifecycleOrder is the account's stages, earliest first (custom stage
	// ids included); default HubSpot's: subscriber, lead,
	// marketingqualifiedlead, salesqualifiedlead, opportunity, customer,
	// evangelist. A contact already at or past marketingqualifiedlead, or
	// at a stage not in the list, keeps its stage.
	LifecycleOrder []string
	// TimeZone is the account's time zone (IANA name, default UTC): the
	// DAILY API limit resets at its midnight.
	TimeZone string
	// LeadStatus is the hs_lead_status a contact sales sent back is set to
	// when it qualifies again (its second MQL on), so that sales see it
	// open again (default DefaultLeadStatus, NEW). KeepLeadStatus leaves
	// it as sales set it. A first MQL never writes it.
	LeadStatus     string
	KeepLeadStatus bool
	Client         *http.Client
	Now            func() time.Time
}

// DefaultLeadStatus is HubSpot's own "New" lead status (hs_lead_status's
// internal value).
const DefaultLeadStatus = "NEW"

// DefaultLifecycleOrder is HubSpot's own lifecycle stages, earliest first.
var DefaultLifecycleOrder = []string{"subscriber", "lead", "marketingqualifiedlead", "salesqualifiedlead", "opportunity", "customer", "evangelist"}

const mqlStage = "marketingqualifiedlead"

// Name implements push.Connector.
func (h *HubSpot) Name() string { return "hubspot" }

// Validate names the first missing setting.
func (h *HubSpot) Validate() error {
	if h.Token == "" {
		return errors.New("hubspot: token is required")
	}
	if _, err := h.location(); err != nil {
		return fmt.Errorf("hubspot: time_zone %q: %v (want an IANA name like Asia/Tokyo)", h.TimeZone, err)
	}
	if len(h.LifecycleOrder) > 0 && !slices.Contains(h.LifecycleOrder, mqlStage) && !h.KeepLifecycle {
		return fmt.Errorf("hubspot: lifecycle_order must contain %s, the stage an MQL is set to", mqlStage)
	}
	return nil
}

func (h *HubSpot) location() (*time.Location, error) {
	if h.TimeZone == "" {
		return time.UTC, nil
	}
	return time.LoadLocation(h.TimeZone)
}

func (h *HubSpot) order() []string {
	if len(h.LifecycleOrder) > 0 {
		return h.LifecycleOrder
	}
	return DefaultLifecycleOrder
}

func (h *HubSpot) do(ctx context.Context, method, path string, body any) (int, []byte, http.Header, error) {
	base := h.BaseURL
	if base == "" {
		base = "https://api.hubapi.com"
	}
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequestWithContext(ctx, method, strings.TrimSuffix(base, "/")+path, rd)
	req.Header.Set("Authorization", "Bearer "+h.Token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := noRedirects(h.Client, 20*time.Second).Do(req)
	if err != nil {
		return 0, nil, nil, &push.Error{Connector: "hubspot", Message: err.Error()}
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		return 0, nil, nil, redirected("hubspot", resp)
	}
	out, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, out, resp.Header, nil
}

// hsError reads HubSpot's error body and rate-limit headers.
func (h *HubSpot) hsError(status int, body []byte, hd http.Header) *push.Error {
	var e struct {
		Message    string `json:"message"`
		Category   string `json:"category"`
		ErrorType  string `json:"errorType"`
		PolicyName string `json:"policyName"`
	}
	json.Unmarshal(body, &e)
	now := clock.Now()
	if h.Now != nil {
		now = h.Now()
	}
	pe := &push.Error{Connector: "hubspot", Status: status, Code: e.Category, Message: e.Message}
	if pe.Code == "" {
		pe.Code = e.ErrorType
	}
	switch {
	case status == 429:
		pe.Code = "RATE_LIMIT:" + e.PolicyName
		pe.Quota = e.PolicyName == "DAILY" // the day's allocation is spent: wait for it, however long
		loc, err := h.location()           // a DAILY limit lasts until midnight in the account's time zone
		if err != nil {
			loc = time.UTC
		}
		pe.RetryAfter = hubspotrate.Wait(e.PolicyName, hd, now, loc)
	case status == 423:
		// Locked: "Locks will last for 2 seconds… include a delay of at
		// least 2 seconds" (HubSpot, Error handling): a burst of writes
		// to one record, not a refusal.
		pe.RetryAfter = max(retryAfter(hd, now), 2*time.Second)
	case status == 477:
		// Migration in Progress: the account moves between data centres,
		// "HubSpot will return a Retry-After response header" (up to a day).
		pe.RetryAfter = retryAfter(hd, now)
	case status >= 500:
		pe.RetryAfter = retryAfter(hd, now)
	default:
		pe.Permanent = true // 400 validation, 401 bad token, 403 missing scopes, 409 conflict
	}
	return pe
}

// hsDefaults are the contact's standard properties the attributes go to,
// besides what Fields maps. A name's reading (last_name_kana ...) has
// none: HubSpot has no standard property for it (Fields maps it).
var hsDefaults = map[string]string{
	"first_name": "firstname", "last_name": "lastname", "company": "company", "title": "jobtitle", "phone": "phone",
	"mobile": "mobilephone", "industry": "industry", "country": "country", "city": "city", "region": "state", "website": "website",
}

// Push implements push.Connector.
func (h *HubSpot) Push(ctx context.Context, l push.Lead) (string, error) {
	props := map[string]string{"email": l.Email}
	attrOf := map[string]string{} // the attribute each property of the person is written from
	for attr, p := range hsDefaults {
		attrOf[p] = attr
	}
	for attr, p := range h.Fields {
		attrOf[p] = attr
	}
	if cmp.Or(h.Fields["last_name"], "lastname") == "lastname" && strings.TrimSpace(l.Attributes["last_name"]) == "" {
		attrOf["lastname"] = "name" // a full name's, below
	}
	// The contact as it is: its stage, and the properties sales may have
	// written since Baton did (push.Lead.SalesOwn), left as they are.
	forward, exists, cur, err := h.forward(ctx, l.Email, slices.Sorted(maps.Keys(attrOf)))
	if err != nil {
		return "", err
	}
	if forward && !h.KeepLifecycle {
		props["lifecyclestage"] = mqlStage
	}
	keep := func(attr string) bool { return exists && l.Unchanged[attr] }
	for attr, p := range hsDefaults {
		if v := l.Attributes[attr]; v != "" && !keep(attr) {
			props[p] = v
		}
	}
	for attr, p := range h.Fields {
		if v := l.Attributes[attr]; v != "" && !keep(attr) {
			props[p] = v
		}
	}
	if props["lastname"] == "" && cmp.Or(h.Fields["last_name"], "lastname") == "lastname" && !(keep("name") && (keep("first_name") || l.Attributes["first_name"] == "")) {
		// Only a full name ("山田 太郎"): whole in lastname, as Salesforce's
		// LastName, less the first name when the form gave that too.
		if name := strings.TrimSpace(l.Attributes["name"]); name != "" {
			props["lastname"] = withoutFirstName(name, strings.TrimSpace(l.Attributes["first_name"]))
		}
	}
	// salesOwn says whether the contact's property p, now as it is there,
	// is sales' own (push.Lead.SalesOwn), with the note's line on it.
	salesOwn := func(p, now string) (string, bool) {
		attr, ok := attrOf[p]
		if !ok || !l.SalesOwn(attr, now, props[p]) {
			return "", false
		}
		return fmt.Sprintf(notesIn(l.Lang).kept, notesIn(l.Lang).field(p, attr), strings.TrimSpace(now), notesIn(l.Lang).on(l.Sites).text(props[p])), true
	}
	var dropped []string // values HubSpot refused or cut, or sales' kept, given in the note
	for _, p := range slices.Sorted(maps.Keys(props)) {
		if line, own := salesOwn(p, cur[p]); own && exists {
			dropped = append(dropped, line)
			delete(props, p)
		}
	}
	// The contact the email is the secondary address of keeps what sales
	// wrote on it likewise, and the fields of the attributes it was last
	// sent (Unchanged) as they are.
	stays := func(p, now string) (string, bool) {
		if attr, ok := attrOf[p]; ok && l.Unchanged[attr] {
			return "", true
		}
		return salesOwn(p, now)
	}
	if l.Cycle > 1 && !h.KeepLeadStatus && push.ProgressFrom(ctx).Step(reopenedStep) == "" {
		// Back after sales sent it back: open again, once per MQL (a
		// retry after its note failed leaves it as sales may have set it
		// since).
		props["hs_lead_status"] = cmp.Or(h.LeadStatus, DefaultLeadStatus)
	}
	// HubSpot refuses a property value over hsMaxValue characters (and with
	// it the whole contact): a longer one is cut on a character, and the
	// note says so.
	for _, p := range slices.Sorted(maps.Keys(props)) {
		if short, cut := fit(props[p], hsMaxValue); cut && p != "email" {
			props[p] = short
			dropped = append(dropped, fmt.Sprintf(notesIn(l.Lang).hsCut, notesIn(l.Lang).field(p, attrOf[p]), hsMaxValue))
		}
	}
	var status int
	var body []byte
	var hd http.Header
	for try := 0; ; try++ {
		var err error
		status, body, hd, err = h.do(ctx, "POST", "/crm/v3/objects/contacts/batch/upsert", map[string]any{
			"inputs": []any{map[string]any{"idProperty": "email", "id": l.Email, "properties": props}},
		})
		if err != nil {
			return "", err
		}
		if d := dropRefused(status, body, props, notesIn(l.Lang).on(l.Sites)); len(d) > 0 && try < 2 {
			dropped = append(dropped, d...)
			continue
		}
		break
	}
	var res struct {
		Results []struct {
			ID string `json:"id"`
		} `json:"results"`
		Errors []struct {
			Message  string `json:"message"`
			Category string `json:"category"`
		} `json:"errors"`
		NumErrors int `json:"numErrors"`
	}
	var contact string
	switch {
	case hsRefusedEmail(status, body):
		// An address Baton takes and HubSpot does not (INVALID_EMAIL: a
		// UTF-8 local part, a TLD not in IANA's list): the lead still
		// reaches sales, as a contact without it, the note giving it.
		var made []string
		if contact, made, err = h.withoutEmail(ctx, l, props, stays); err != nil {
			return "", err
		}
		dropped = append(dropped, made...)
	case status == 200 || status == 201:
		json.Unmarshal(body, &res)
	case status == 207:
		json.Unmarshal(body, &res)
		if len(res.Results) == 0 { // our one input failed
			msg, cat := "partial failure", ""
			if len(res.Errors) > 0 {
				msg, cat = res.Errors[0].Message, res.Errors[0].Category
			}
			pe := &push.Error{Connector: "hubspot", Status: 207, Code: cat, Message: msg, Permanent: cat != "RATE_LIMITS"}
			var kept []string
			if contact, kept, err = h.conflict(ctx, pe, props, stays); err != nil {
				return "", err
			}
			dropped = append(dropped, kept...)
		}
	default:
		var kept []string
		if contact, kept, err = h.conflict(ctx, h.hsError(status, body, hd), props, stays); err != nil {
			return "", err
		}
		dropped = append(dropped, kept...)
	}
	if contact == "" && (len(res.Results) == 0 || res.Results[0].ID == "") {
		return "", &push.Error{Connector: "hubspot", Status: status, Message: "upsert answered without a contact id"}
	}
	if contact == "" {
		contact = res.Results[0].ID
	}
	if err := reopened(ctx, "hubspot", props["hs_lead_status"]); err != nil { // left off when refused: not set
		return "", err
	}
	// One note per MQL: its id is kept with the delivery (push.Progress), so
	// a retry never adds a second one. Search cannot tell: HubSpot's index
	// lags its writes, and search has its own, lower rate limit.
	prog := push.ProgressFrom(ctx)
	if prog.Step("note") != "" {
		return contact, nil
	}
	marker := "baton-mql-" + l.MQLID
	if err := h.unconfirmedNote(ctx, prog, "contact", contact, marker); err != nil {
		return "", err
	}
	if prog.Step("note") != "" {
		return contact, nil
	}
	note := map[string]any{
		"properties": map[string]string{
			"hs_timestamp": l.QualifiedAt.UTC().Format(time.RFC3339),
			"hs_note_body": noteHTML(l.Subject(), l.Summary()+droppedText(dropped, notesIn(l.Lang)), marker, notesIn(l.Lang), l.PersonURL),
		},
		"associations": []any{map[string]any{
			"to":    map[string]string{"id": contact},
			"types": []any{map[string]any{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": noteToContact}},
		}},
	}
	if err := h.createNote(ctx, prog, note); err != nil {
		return "", err
	}
	return contact, nil
}

// dropRefused takes out of props the values a 400 VALIDATION_ERROR refused
// property by property (a dropdown's value not among its options, text in
// a number property ...) and returns them ("name (why): value"); the
// email and the lifecycle stage are never dropped (nil: nothing to drop).
func dropRefused(status int, body []byte, props map[string]string, w notes) []string {
	var e struct {
		Category string `json:"category"`
		Message  string `json:"message"`
	}
	if status != 400 || json.Unmarshal(body, &e) != nil || e.Category != "VALIDATION_ERROR" {
		return nil
	}
	list, ok := strings.CutPrefix(e.Message, "Property values were not valid: ")
	var errs []struct {
		Name  string `json:"name"`
		Error string `json:"error"`
	}
	if !ok || json.Unmarshal([]byte(list), &errs) != nil {
		return nil
	}
	var out []string
	for _, pe := range errs {
		v, sent := props[pe.Name]
		if !sent || pe.Name == "email" || pe.Name == "lifecyclestage" {
			return nil // not ours to drop: the refusal stands
		}
		delete(props, pe.Name)
		out = append(out, fmt.Sprintf(w.hsLeft, pe.Name, pe.Error, w.text(v)))
	}
	return out
}

// hsRefusedEmail reports whether HubSpot refused the upsert for its email
// (INVALID_EMAIL among the property errors: the whole batch's 400, or a
// 207's error for our one input).
func hsRefusedEmail(status int, body []byte) bool {
	var e struct {
		Message string `json:"message"`
		Errors  []struct {
			Message string `json:"message"`
		} `json:"errors"`
	}
	if status != 400 && status != 207 || json.Unmarshal(body, &e) != nil {
		return false
	}
	msgs := []string{e.Message}
	for _, x := range e.Errors {
		msgs = append(msgs, x.Message)
	}
	for _, m := range msgs {
		list, ok := strings.CutPrefix(m, "Property values were not valid: ")
		var errs []struct {
			Name  string `json:"name"`
			Error string `json:"error"`
		}
		if !ok || json.Unmarshal([]byte(list), &errs) != nil {
			continue
		}
		for _, pe := range errs {
			if pe.Name == "email" && pe.Error == "INVALID_EMAIL" {
				return true
			}
		}
	}
	return false
}

// Steps of a delivery (push.Progress) whose address HubSpot refuses: the
// contact made without it, and when it was sent (its answer may be lost).
const (
	noEmailStep     = "contact"
	noEmailSentStep = "contact-sent"
	// noEmailLeftStep names the properties HubSpot refused on that
	// contact, left off it: the search for it must not ask for them.
	noEmailLeftStep = "contact-left"
)

// withoutEmail delivers a lead whose address HubSpot refuses: a contact
// made without it (POST /crm/v3/objects/contacts; HubSpot needs no email),
// with the note's line giving the address and why. HubSpot cannot upsert
// such a contact by anything of Baton's (no unique property of ours), so
// its id is kept with the delivery: a retry (the note failed, say) goes on
// with it instead of making a second one. When the answer creating it was
// lost, the retry looks for it first (unconfirmedContact). A later MQL of
// the person updates the contact their previous one went on
// (push.Lead.Record), as an upsert would, sales' values kept (stays).
func (h *HubSpot) withoutEmail(ctx context.Context, l push.Lead, props map[string]string, stays func(p, now string) (string, bool)) (string, []string, error) {
	w := notesIn(l.Lang)
	made := []string{fmt.Sprintf(w.hsMail, l.Email)}
	prog := push.ProgressFrom(ctx)
	if id := prog.Step(noEmailStep); id != "" {
		return id, made, nil
	}
	create := maps.Clone(props)
	delete(create, "email")
	if l.Record != "" && prog.Step(noEmailSentStep) == "" {
		id, kept, err := h.update(ctx, l.Record, create, stays, true)
		if err != nil {
			return "", nil, err
		}
		if id != "" {
			if err := prog.SaveStep(ctx, noEmailStep, id); err != nil {
				return "", nil, &push.Error{Connector: "hubspot", Message: "contact " + id + " found but not recorded: " + err.Error()}
			}
			return id, append(made, kept...), nil
		}
		// HubSpot no longer has it (deleted, or merged away): a new one.
	}
	if id, err := h.unconfirmedContact(ctx, prog, create); err != nil || id != "" {
		return id, made, err
	}
	if err := prog.SaveStep(ctx, noEmailSentStep, h.now().UTC().Format(time.RFC3339Nano)); err != nil {
		return "", nil, &push.Error{Connector: "hubspot", Message: "recording the contact about to be created: " + err.Error()}
	}
	for try := 0; ; try++ {
		status, body, hd, err := h.do(ctx, "POST", "/crm/v3/objects/contacts", map[string]any{"properties": create})
		if err != nil {
			return "", nil, err // HubSpot may have made it: the retry looks for it
		}
		if d := dropRefused(status, body, create, w.on(l.Sites)); len(d) > 0 && try < 2 {
			made = append(made, d...)
			var left []string
			for p := range props {
				if _, kept := create[p]; !kept && p != "email" {
					left = append(left, p)
				}
			}
			slices.Sort(left)
			if err := prog.SaveStep(ctx, noEmailLeftStep, strings.Join(left, ",")); err != nil {
				return "", nil, &push.Error{Connector: "hubspot", Message: "recording the contact's values HubSpot refused: " + err.Error()}
			}
			continue
		}
		if status != 201 && status != 200 {
			if status >= 400 && status < 500 { // HubSpot said no: nothing was made
				prog.SaveStep(ctx, noEmailSentStep, "")
			}
			return "", nil, h.hsError(status, body, hd)
		}
		var c struct {
			ID string `json:"id"`
		}
		json.Unmarshal(body, &c)
		if c.ID == "" {
			return "", nil, &push.Error{Connector: "hubspot", Status: status, Message: "contact created without an id"}
		}
		if err := prog.SaveStep(ctx, noEmailStep, c.ID); err != nil {
			return "", nil, &push.Error{Connector: "hubspot", Message: "contact " + c.ID + " created but not recorded: " + err.Error()}
		}
		return c.ID, made, nil
	}
}

// noEmailWindow is how far from the time Baton sent it a contact made
// without an email is looked for by its createdate (HubSpot's clock, not
// ours).
const noEmailWindow = 5 * time.Minute

// unconfirmedContact settles a contact without email sent before whose
// answer was lost: HubSpot may have made it. Nothing of Baton's is unique
// on it, so search looks for a contact without an email created around
// then with the stage, names, company and phone it was made with (less
// what HubSpot refused), the oldest first; found, its id is kept. It is
// looked for only when the lead gave a name or a phone: then only another
// contact without an email, alike in all of those and made within
// minutes, could be taken for it. Not found (or not looked for), the
// delivery is retried until search could have seen it (its index lags),
// then the contact is sent again ("": none).
func (h *HubSpot) unconfirmedContact(ctx context.Context, prog push.Progress, create map[string]string) (string, error) {
	sent, err := time.Parse(time.RFC3339Nano, prog.Step(noEmailSentStep))
	if err != nil {
		return "", nil // none sent, or its answer said it was not made
	}
	create = maps.Clone(create)
	for _, p := range strings.Split(prog.Step(noEmailLeftStep), ",") {
		delete(create, p) // refused then, so not on it
	}
	if create["lastname"] == "" && create["firstname"] == "" && create["phone"] == "" {
		// Nothing of the person's own to tell their contact from another
		// made without an email at the same minutes (another lead's whose
		// address HubSpot refused, an import): taking one would put this
		// MQL, and every later one, on someone else. A second contact is
		// the lesser harm: sales merge it.
		return "", nil
	}
	ms := func(t time.Time) string { return fmt.Sprint(t.UnixMilli()) }
	filters := []any{
		map[string]string{"propertyName": "email", "operator": "NOT_HAS_PROPERTY"},
		map[string]string{"propertyName": "createdate", "operator": "GTE", "value": ms(sent.Add(-noEmailWindow))},
		map[string]string{"propertyName": "createdate", "operator": "LTE", "value": ms(sent.Add(noEmailWindow))},
	}
	for _, p := range []string{"lastname", "firstname", "company", "lifecyclestage", "phone"} {
		if v := create[p]; v != "" { // 8 filters at most: HubSpot takes 10 a group (changelog, 2024-08-26)
			filters = append(filters, map[string]string{"propertyName": p, "operator": "EQ", "value": v})
		}
	}
	status, body, hd, err := h.do(ctx, "POST", "/crm/v3/objects/contacts/search", map[string]any{
		"filterGroups": []any{map[string]any{"filters": filters}},
		"sorts":        []any{map[string]string{"propertyName": "createdate", "direction": "ASCENDING"}},
		"properties":   []string{"createdate"}, "limit": 1,
	})
	if err != nil {
		return "", err
	}
	if status != 200 {
		return "", h.hsError(status, body, hd)
	}
	var found struct {
		Results []struct {
			ID string `json:"id"`
		} `json:"results"`
	}
	json.Unmarshal(body, &found)
	if len(found.Results) > 0 && found.Results[0].ID != "" {
		id := found.Results[0].ID
		if err := prog.SaveStep(ctx, noEmailStep, id); err != nil {
			return "", &push.Error{Connector: "hubspot", Message: "contact " + id + " found but not recorded: " + err.Error()}
		}
		return id, nil
	}
	if wait := sent.Add(noteIndexLag).Sub(h.now()); wait > 0 {
		return "", &push.Error{Connector: "hubspot", Code: "CONTACT_UNCONFIRMED", RetryAfter: min(wait, 15*time.Second),
			Message: "the contact's answer was lost and search does not see it yet (its index lags): looking again before creating it again"}
	}
	return "", nil
}

// droppedText is what the note adds about values left off the contact.
func droppedText(dropped []string, w notes) string {
	if len(dropped) == 0 {
		return ""
	}
	return w.hsHead + strings.Join(dropped, "\n") + "\n"
}

// existingID reads the contact HubSpot names in a CONFLICT.
var existingID = regexp.MustCompile(`Existing ID: (\d+)`)

// conflict handles a refused upsert: a CONFLICT naming an existing
// contact (the email is that contact's secondary address, which HubSpot
// will not give a contact of its own) updates that contact by its id, the
// email left as it is there, and returns its id; any other refusal is
// returned as is. A property stays as that contact has it when stays says
// so (its line, if any, returned in kept for the note).
func (h *HubSpot) conflict(ctx context.Context, pe *push.Error, props map[string]string, stays func(p, now string) (string, bool)) (id string, kept []string, err error) {
	m := existingID.FindStringSubmatch(pe.Message)
	if pe.Code != "CONFLICT" || m == nil {
		return "", nil, pe
	}
	return h.update(ctx, m[1], props, stays, false)
}

// update writes props to the contact of id, the email left as it is
// there, the stage only moved forward, a property kept as the contact has
// it when stays says so (its line, if any, in kept). A contact HubSpot no
// longer has is "" when gone is true (the caller makes one), else
// HubSpot's refusal.
func (h *HubSpot) update(ctx context.Context, id string, props map[string]string, stays func(p, now string) (string, bool), gone bool) (_ string, kept []string, err error) {
	upd := map[string]string{}
	for k, v := range props {
		if k != "email" && k != "lifecyclestage" {
			upd[k] = v
		}
	}
	// That contact as it is: its stage (only moved forward) and the
	// properties sales may have written.
	forward, found, cur, err := h.forwardFrom(ctx, "/crm/v3/objects/contacts/"+url.PathEscape(id)+"?properties="+url.QueryEscape(strings.Join(append([]string{"lifecyclestage"}, slices.Sorted(maps.Keys(upd))...), ",")))
	if err != nil {
		return "", nil, err
	}
	if !found && gone {
		return "", nil, nil
	}
	if forward && props["lifecyclestage"] != "" {
		upd["lifecyclestage"] = mqlStage
	}
	for _, p := range slices.Sorted(maps.Keys(upd)) {
		if line, ok := stays(p, cur[p]); ok && p != "lifecyclestage" {
			delete(upd, p)
			if line != "" {
				kept = append(kept, line)
			}
		}
	}
	if len(upd) == 0 {
		return id, kept, nil // nothing to write: the note alone
	}
	status, body, hd, err := h.do(ctx, "PATCH", "/crm/v3/objects/contacts/"+url.PathEscape(id), map[string]any{"properties": upd})
	if err != nil {
		return "", nil, err
	}
	if status != 200 {
		return "", nil, h.hsError(status, body, hd)
	}
	return id, kept, nil
}

// noteIndexLag is how long a note may stay unseen by search after it was
// created (HubSpot's index lags its writes, seconds as a rule).
const noteIndexLag = 2 * time.Minute

// unconfirmedNote settles a note sent before whose answer was lost (a
// timeout): HubSpot may have created it. Search for it (the notes of the
// contact or company, with our marker) finds it and records its id; not found, the
// delivery is retried until search could have seen it, then the note is
// sent again.
func (h *HubSpot) unconfirmedNote(ctx context.Context, prog push.Progress, object, id, marker string) error {
	sent, err := time.Parse(time.RFC3339Nano, prog.Step("note-sent"))
	if err != nil {
		return nil // none sent, or its answer said it was not created
	}
	status, body, hd, err := h.do(ctx, "POST", "/crm/v3/objects/notes/search", map[string]any{
		"filterGroups": []any{map[string]any{"filters": []any{map[string]string{"propertyName": "associations." + object, "operator": "EQ", "value": id}}}},
		"properties":   []string{"hs_note_body"}, "limit": 100,
		"sorts": []any{map[string]string{"propertyName": "hs_createdate", "direction": "DESCENDING"}}, // ours is among the latest
	})
	if err != nil {
		return err
	}
	if status != 200 {
		return h.hsError(status, body, hd)
	}
	var found struct {
		Results []struct {
			ID         string `json:"id"`
			Properties struct {
				Body string `json:"hs_note_body"`
			} `json:"properties"`
		} `json:"results"`
	}
	json.Unmarshal(body, &found)
	for _, n := range found.Results {
		if strings.Contains(n.Properties.Body, marker+"</p>") { // whole: -c1 is not -c10
			if err := prog.SaveStep(ctx, "note", n.ID); err != nil {
				return &push.Error{Connector: "hubspot", Message: "note " + n.ID + " found but not recorded: " + err.Error()}
			}
			return nil
		}
	}
	if wait := sent.Add(noteIndexLag).Sub(h.now()); wait > 0 {
		return &push.Error{Connector: "hubspot", Code: "NOTE_UNCONFIRMED", RetryAfter: min(wait, 15*time.Second),
			Message: "the note's answer was lost and search does not see it yet (its index lags): looking again before sending it again"}
	}
	return nil
}

func (h *HubSpot) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return clock.Now()
}

// createNote creates a note and records its id with the delivery, so that
// a retry never adds a second one. It records first that it sends one: if
// the answer is lost, the retry looks for it (unconfirmedNote).
func (h *HubSpot) createNote(ctx context.Context, prog push.Progress, note map[string]any) error {
	if err := prog.SaveStep(ctx, "note-sent", h.now().UTC().Format(time.RFC3339Nano)); err != nil {
		return &push.Error{Connector: "hubspot", Message: "recording the note about to be sent: " + err.Error()}
	}
	status, body, hd, err := h.do(ctx, "POST", "/crm/v3/objects/notes", note)
	if err != nil {
		return err
	}
	if status != 201 && status != 200 {
		if status >= 400 && status < 500 { // HubSpot said no: nothing was created
			prog.SaveStep(ctx, "note-sent", "")
		}
		return h.hsError(status, body, hd)
	}
	var created struct {
		ID string `json:"id"`
	}
	json.Unmarshal(body, &created)
	if created.ID == "" {
		created.ID = "created"
	}
	if err := prog.SaveStep(ctx, "note", created.ID); err != nil {
		return &push.Error{Connector: "hubspot", Message: "note " + created.ID + " created but not recorded: " + err.Error()}
	}
	return nil
}

// forward reads the contact's lifecycle stage and reports whether setting
// marketingqualifiedlead moves it forward: a new contact, no stage yet, or
// an earlier one. HubSpot refuses backward moves; a stage outside the
// configured order (a custom one) is left alone. found says the contact is
// there.
// The contact's properties named in also are read with it (cur; HubSpot
// gives an unset one as null, "" here).
func (h *HubSpot) forward(ctx context.Context, email string, also []string) (forward, found bool, cur map[string]string, err error) {
	forward, found, cur, err = h.forwardFrom(ctx, "/crm/v3/objects/contacts/"+url.PathEscape(email)+"?idProperty=email&properties="+url.QueryEscape(strings.Join(append([]string{"lifecyclestage"}, also...), ",")))
	if pe := (*push.Error)(nil); errors.As(err, &pe) && pe.Status == 400 {
		// HubSpot documents no answer to a read by an address it refuses;
		// should it be 400, no contact has it: the upsert that follows
		// says what HubSpot refuses (an INVALID_EMAIL goes without it).
		return true, false, nil, nil
	}
	return forward, found, cur, err
}

// forwardFrom is forward for the contact read at path; found says it is
// there.
func (h *HubSpot) forwardFrom(ctx context.Context, path string) (forward, found bool, cur map[string]string, err error) {
	status, body, hd, err := h.do(ctx, "GET", path, nil)
	if err != nil {
		return false, false, nil, err
	}
	switch status {
	case 404:
		return true, false, nil, nil
	case 200:
	default:
		return false, false, nil, h.hsError(status, body, hd)
	}
	var c struct {
		Properties map[string]*string `json:"properties"`
	}
	json.Unmarshal(body, &c)
	cur = map[string]string{}
	for p, v := range c.Properties {
		if v != nil {
			cur[p] = *v
		}
	}
	if cur["lifecyclestage"] == "" {
		return true, true, cur, nil
	}
	order := h.order()
	at := slices.Index(order, cur["lifecyclestage"])
	return at >= 0 && at < slices.Index(order, mqlStage), true, cur, nil
}

var htmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

func htmlEscape(s string) string { return htmlEscaper.Replace(s) }

// hsMaxValue is the most characters HubSpot keeps in a property value
// added through the CRM, a note's body included (65,536: HubSpot's
// "Property field types", single-line and multi-line text); it refuses a
// longer one. Counted as Java counts, in UTF-16 units: a character
// outside the BMP (𠮷, an emoji) is two.
const hsMaxValue = 65536

// noteHTML is a note's body: the title, the link to the person's page in
// Baton (person: push.Lead.PersonURL, "" for none), the summary and the
// marker that finds the note again, within hsMaxValue. The summary gives
// way, cut on a character (never inside an entity), and says so. The link
// is an anchor: in the summary's <pre> HubSpot shows a URL as text.
func noteHTML(title, summary, marker string, w notes, person string) string {
	title, _ = fit(title, 1024)
	head := "<p><b>" + htmlEscape(title) + "</b></p>"
	if person != "" {
		head += `<p><a href="` + html.EscapeString(person) + `">` + htmlEscape(w.hsPerson) + "</a></p>"
	}
	head += "<pre>"
	tail := "</pre><p>" + marker + "</p>"
	more := w.hsMore
	room := hsMaxValue - utf16Len(head) - utf16Len(tail)
	body, cut := escapeFit(summary, room)
	if cut {
		body, _ = escapeFit(summary, room-utf16Len(more))
		body += more
	}
	return head + body + tail
}

// escapeFit HTML-escapes s, keeping as much of it as fits in max
// characters (UTF-16 units); it reports whether it cut.
func escapeFit(s string, max int) (string, bool) {
	var b strings.Builder
	n := 0
	for _, r := range s {
		e := htmlEscape(string(r))
		w := utf16Len(e)
		if n+w > max {
			return b.String(), true
		}
		b.WriteString(e)
		n += w
	}
	return b.String(), false
}

func utf16Len(s string) int { return len(utf16.Encode([]rune(s))) }

// Forget permanently deletes the contact with the person's email under
// HubSpot's GDPR endpoint. An erasure calls ForgetDelivered, which also
// reaches the contacts Baton delivered the person to.
func (h *HubSpot) Forget(ctx context.Context, personID, email string) error {
	return h.ForgetDelivered(ctx, personID, email, nil)
}

// ForgetDelivered permanently deletes (GDPR delete) every contact the
// person's deliveries here went to, by its id (each MQL's ExternalID, all
// cycles, and the contact a delivery made without an email before its
// note failed, steps.contact), and the contact with their email. A contact
// made without the email (HubSpot refused it, withoutEmail) is found by
// its id alone. A contact already gone (404) is done; any other refusal
// fails the erasure, which is retried.
func (h *HubSpot) ForgetDelivered(ctx context.Context, personID, email string, ds []push.Delivery) error {
	var ids []string
	for _, d := range ds {
		// An activity's delivery keeps no id (push: a note's is no
		// contact's); an MQL's ExternalID and steps.contact are contacts.
		for _, id := range []string{d.ExternalID, d.Steps[noEmailStep]} {
			if id != "" && !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
	}
	for _, id := range ids {
		// By id, no idProperty (HubSpot: "When identifying a record by
		// its ID, only the ID needs to be included").
		if err := h.gdprDelete(ctx, map[string]string{"objectId": id}); err != nil {
			return err
		}
	}
	if email == "" {
		return nil
	}
	return h.gdprDelete(ctx, map[string]string{"idProperty": "email", "objectId": email})
}

// gdprDelete is one POST /crm/v3/objects/contacts/gdpr-delete; 404, the
// contact already gone, is done.
func (h *HubSpot) gdprDelete(ctx context.Context, req map[string]string) error {
	status, body, hd, err := h.do(ctx, "POST", "/crm/v3/objects/contacts/gdpr-delete", req)
	if err != nil {
		return err
	}
	if status == 204 || status == 200 || status == 404 {
		return nil
	}
	return h.hsError(status, body, hd)
}

// FindPerson implements push.ActivityFinder, for a form sent after an
// MQL whose delivery here was never recorded (HubSpot configured since, or
// the MQL predates delivery records): the contact with the person's email.
func (h *HubSpot) FindPerson(ctx context.Context, a push.FormActivity) (string, bool, error) {
	status, body, hd, err := h.do(ctx, "GET", "/crm/v3/objects/contacts/"+url.PathEscape(a.Email)+"?idProperty=email", nil)
	if err != nil {
		return "", false, err
	}
	switch status {
	case 404:
		return "", false, nil
	case 200:
	default:
		return "", false, h.hsError(status, body, hd)
	}
	var c struct {
		ID string `json:"id"`
	}
	json.Unmarshal(body, &c)
	return c.ID, c.ID != "", nil
}

// PushActivity implements push.ActivityConnector: a form the person sent
// after their MQL, as a note associated with the contact the MQL went on
// (the MQL's delivery's id), created once per activity as the MQL's note
// is (its id kept with the activity's delivery; a lost answer looked for
// by its marker before sending it again).
func (h *HubSpot) PushActivity(ctx context.Context, a push.FormActivity) (string, error) {
	prog := push.ProgressFrom(ctx)
	if n := prog.Step("note"); n != "" {
		return n, nil
	}
	marker := "baton-activity-" + a.ID
	if err := h.unconfirmedNote(ctx, prog, "contact", a.MQLExternalID, marker); err != nil {
		return "", err
	}
	if n := prog.Step("note"); n != "" {
		return n, nil
	}
	note := map[string]any{
		"properties": map[string]string{
			"hs_timestamp": a.At.UTC().Format(time.RFC3339),
			"hs_note_body": noteHTML(a.Subject(), a.Summary(), marker, notesIn(a.Lang), ""),
		},
		"associations": []any{map[string]any{
			"to":    map[string]string{"id": a.MQLExternalID},
			"types": []any{map[string]any{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": noteToContact}},
		}},
	}
	if err := h.createNote(ctx, prog, note); err != nil {
		return "", err
	}
	return prog.Step("note"), nil
}

// RecordOwner implements push.OwnerReader: the hubspot_owner_id of the
// contact id (GET /crm/v3/objects/contacts/{id}; the owner a workflow or
// a rep gave it), named as feedback names HubSpot owners: by GET
// /crm/v3/owners/{id} (scope crm.objects.owners.read), asked again for
// archived owners, its email, else its name (a Japanese one family name
// first), else its id. A contact gone (merged, deleted) has none; an
// owner whose name cannot be read is answered by its id, with the error.
func (h *HubSpot) RecordOwner(ctx context.Context, id string) (qualify.Owner, error) {
	status, body, hd, err := h.do(ctx, "GET", "/crm/v3/objects/contacts/"+url.PathEscape(id)+"?properties=hubspot_owner_id", nil)
	switch {
	case err != nil:
		return qualify.Owner{}, err
	case status == 404:
		return qualify.Owner{}, nil
	case status != 200:
		return qualify.Owner{}, h.hsError(status, body, hd)
	}
	var c struct {
		Properties map[string]*string `json:"properties"`
	}
	if err := json.Unmarshal(body, &c); err != nil {
		return qualify.Owner{}, &push.Error{Connector: "hubspot", Status: status, Message: "reading the contact's owner: " + err.Error()}
	}
	o := qualify.Owner{}
	if v := c.Properties["hubspot_owner_id"]; v != nil {
		o.ID = strings.TrimSpace(*v)
	}
	if o.ID == "" {
		return o, nil
	}
	for _, archived := range []string{"false", "true"} {
		status, body, hd, err := h.do(ctx, "GET", "/crm/v3/owners/"+url.PathEscape(o.ID)+"?idProperty=id&archived="+archived, nil)
		switch {
		case err != nil:
			return o, err
		case status == 404:
			continue
		case status != 200:
			return o, h.hsError(status, body, hd)
		}
		var owner struct{ Email, FirstName, LastName string }
		json.Unmarshal(body, &owner)
		first, last := strings.TrimSpace(owner.FirstName), strings.TrimSpace(owner.LastName)
		name := first + " " + last
		if japanese(first) || japanese(last) {
			name = last + " " + first
		}
		o.Name = cmp.Or(strings.TrimSpace(owner.Email), strings.TrimSpace(name), o.ID)
		return o, nil
	}
	return o, nil
}
