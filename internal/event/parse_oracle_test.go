package event

// The oracle: Parse and the scrubber as they were before the single-pass
// decoder, frozen, for the differential tests in parse_diff_test.go. Do not
// change it along with parse.go: it is what parse.go must keep doing.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

func oldErrf(field, format string, a ...any) *Error {
	return &Error{Status: 400, Field: field, Message: fmt.Sprintf(format, a...)}
}

// oldWire is one event as sent. Unknown fields are ignored; known fields of the
// wrong JSON type are rejected by encoding/json with the field's name.
type oldWire struct {
	Type         string          `json:"type"`
	Event        string          `json:"event"`
	Name         string          `json:"name"`
	MessageID    string          `json:"messageId"`
	AnonymousID  string          `json:"anonymousId"`
	UserID       string          `json:"userId"`
	Site         string          `json:"site"`
	Timestamp    string          `json:"timestamp"`
	OriginalTS   string          `json:"originalTimestamp"`
	SentAt       string          `json:"sentAt"`
	Properties   map[string]any  `json:"properties"`
	Traits       map[string]any  `json:"traits"`
	Context      *oldWireContext `json:"context"`
	PreviousID   string          `json:"previousId"`
	GroupID      string          `json:"groupId"`
	Integrations json.RawMessage `json:"integrations"`
}

// oldBrowserWire is an event as POST /e takes it: the Segment form, or the
// tag's compact one. The Segment API decodes oldWire alone, so its callers'
// own top-level keys are ignored as they always were.
type oldBrowserWire struct {
	oldWire
	oldTagWire
}

// oldTagWire is the tag's compact form of an event (POST /e only): one-letter
// keys keep the tag small. An event with "t" is in this form, and its keys
// replace the Segment ones above; events queued by an older tag, in the
// Segment form, still parse as they were.
type oldTagWire struct {
	T  string          `json:"t"`  // type: page, download, outbound, form_submit, track (custom), identify
	I  string          `json:"i"`  // messageId
	A  string          `json:"a"`  // anonymousId
	S  string          `json:"s"`  // site
	TS *float64        `json:"ts"` // when it happened, ms since the epoch (client clock)
	P  map[string]any  `json:"p"`  // properties
	N  json.RawMessage `json:"n"`  // the custom event's name (track), the traits (identify)
	W  bool            `json:"w"`  // navigator.webdriver
	C  bool            `json:"c"`  // sent under consent (data-consent=oldRequired, Google consent mode granted)
}

type oldWireContext struct {
	UserAgent string           `json:"userAgent"`
	IP        string           `json:"ip"` // the end user's address (server-side SDKs)
	Locale    string           `json:"locale"`
	Page      *oldWirePage     `json:"page"`
	Campaign  *oldWireCampaign `json:"campaign"`
	Traits    map[string]any   `json:"traits"`
	Webdriver bool             `json:"webdriver"`
	Consent   string           `json:"consent"` // "granted" or "denied", from a consent-managed page
}

type oldWirePage struct {
	URL      string `json:"url"`
	Title    string `json:"title"`
	Referrer string `json:"referrer"`
}

type oldWireCampaign struct {
	Name    string `json:"name"`
	Source  string `json:"source"`
	Medium  string `json:"medium"`
	Term    string `json:"term"`
	Content string `json:"content"`
}

// oldRawBatch is a body's "batch", split into its events; present tells a
// "batch": null (an empty batch) from a single event.
type oldRawBatch struct {
	present bool
	events  []json.RawMessage
}

func (b *oldRawBatch) UnmarshalJSON(data []byte) error {
	b.present = true
	if string(data) == "null" {
		return nil
	}
	return json.Unmarshal(data, &b.events)
}

func oldOrNull(raw json.RawMessage) []byte {
	if raw == nil {
		return []byte("null")
	}
	return raw
}

type oldWireBatch struct {
	Batch   []json.RawMessage `json:"batch"`
	SentAt  string            `json:"sentAt"`
	Context *oldWireContext   `json:"context"`
}

// oldTagBatch is the tag's compact batch: {"b": [...], "sent": ms}.
type oldTagBatch struct {
	B    []json.RawMessage `json:"b"`
	Sent *float64          `json:"sent"` // when it was sent, ms since the epoch (client clock)
}

// fromCompact turns a compact tag event into the Segment form.
func (w *oldBrowserWire) fromCompact() error {
	c := w.oldTagWire
	w.Type, w.MessageID, w.AnonymousID, w.Site, w.Properties = c.T, c.I, c.A, c.S, c.P
	w.Timestamp, w.Event, w.Traits = "", "", nil
	if c.T == "track" {
		w.Type = Custom // a name that is one of Baton's types stays custom: the tag's track is custom
	}
	if c.TS != nil {
		ts, err := oldUnixMilli(*c.TS)
		if err != nil {
			return oldErrf("ts", "%v", err)
		}
		w.Timestamp = ts
	}
	if len(c.N) > 0 && string(c.N) != "null" {
		if c.T == Identify {
			if err := json.Unmarshal(c.N, &w.Traits); err != nil {
				return oldErrf("n", "identify traits must be an object")
			}
		} else if err := json.Unmarshal(c.N, &w.Event); err != nil {
			return oldErrf("n", "the event's name must be a string")
		}
	}
	w.Context = &oldWireContext{Webdriver: c.W}
	if c.C {
		w.Context.Consent = "granted"
	}
	return nil
}

// oldUnixMilli formats a client's ms-since-epoch time as RFC 3339 for oldTimes();
// a value that is no time gets an error.
func oldUnixMilli(ms float64) (string, error) {
	if ms != ms || ms < 0 || ms > 1e15 {
		return "", errors.New("not a time in milliseconds since the epoch")
	}
	return time.UnixMilli(int64(ms)).UTC().Format(time.RFC3339Nano), nil
}

// oldParse decodes a request body holding one event, a JSON array of events, or
// {"batch": [...]} and returns the validated events. forceType, when set, is
// the Segment call the body came to (/v1/track -> "track"). A single invalid
// event rejects the whole request, so a request is stored all or nothing.
func oldParse(body []byte, src Source, forceType string, meta Meta) ([]Event, error) {
	if len(body) > MaxRequestBytes {
		return nil, &Error{Status: 413, Message: fmt.Sprintf("request body is larger than %d bytes", MaxRequestBytes)}
	}
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return nil, oldErrf("", "empty body: send one event, an array of events or {\"batch\": [...]}")
	}
	if !utf8.Valid(body) {
		return nil, oldErrf("", "body is not valid UTF-8")
	}
	var (
		raws    []json.RawMessage
		sentAt  string
		context *oldWireContext
		batched bool
	)
	switch body[0] {
	case '[':
		batched = true
		if err := json.Unmarshal(body, &raws); err != nil {
			return nil, oldJsonErr(err)
		}
	case '{':
		// One pass finds the batch and splits it into events; a single
		// event is decoded once, by oldParseOne.
		var top struct {
			Batch   oldRawBatch     `json:"batch"`
			SentAt  json.RawMessage `json:"sentAt"`
			Context json.RawMessage `json:"context"`
			B       json.RawMessage `json:"b"` // the tag's compact batch (decoded only as one)
		}
		if err := json.Unmarshal(body, &top); err != nil {
			return nil, oldJsonErr(err)
		}
		if top.Batch.present {
			batched = true
			if top.SentAt != nil || top.Context != nil {
				// The batch's own fields, decoded as one object so that an
				// error names them as a decode of the whole body would.
				var b oldWireBatch
				obj := append(append(append(append([]byte(`{"sentAt":`), oldOrNull(top.SentAt)...), `,"context":`...), oldOrNull(top.Context)...), '}')
				if err := json.Unmarshal(obj, &b); err != nil {
					return nil, oldJsonErr(err)
				}
				sentAt, context = b.SentAt, b.Context
			}
			raws = top.Batch.events
		} else if top.B != nil && src == Browser {
			batched = true
			var b oldTagBatch
			if err := json.Unmarshal(body, &b); err != nil {
				return nil, oldJsonErr(err)
			}
			raws = b.B
			if b.Sent != nil {
				var err error
				if sentAt, err = oldUnixMilli(*b.Sent); err != nil {
					return nil, oldErrf("sent", "%v", err)
				}
			}
		} else {
			raws = []json.RawMessage{body}
		}
	default:
		return nil, oldErrf("", "body must be a JSON object or array")
	}
	if batched && len(raws) == 0 {
		return nil, oldErrf("batch", "batch is empty")
	}
	if len(raws) > MaxBatchEvents {
		return nil, oldErrf("batch", "more than %d events in one request", MaxBatchEvents)
	}
	out := make([]Event, 0, len(raws))
	seen := map[string]bool{}
	for i, raw := range raws {
		ev, err := oldParseOne(raw, src, forceType, sentAt, context, meta)
		if err != nil {
			var e *Error
			if errors.As(err, &e) && batched {
				idx := i
				e.Index = &idx
			}
			return nil, err
		}
		if seen[ev.ID] { // the same message twice in one request is stored once
			continue
		}
		seen[ev.ID] = true
		out = append(out, ev)
	}
	return out, nil
}

func oldParseOne(raw json.RawMessage, src Source, forceType, batchSentAt string, batchCtx *oldWireContext, meta Meta) (Event, error) {
	if len(raw) > MaxEventBytes {
		return Event{}, &Error{Status: 413, Message: fmt.Sprintf("event is larger than %d bytes", MaxEventBytes)}
	}
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '{' {
		return Event{}, oldErrf("", "an event must be a JSON object")
	}
	var w oldWire
	if src == Browser {
		var bw oldBrowserWire
		if err := json.Unmarshal(raw, &bw); err != nil {
			return Event{}, oldJsonErr(err)
		}
		if bw.T != "" {
			if err := bw.fromCompact(); err != nil {
				return Event{}, err
			}
		}
		w = bw.oldWire
	} else if err := json.Unmarshal(raw, &w); err != nil {
		return Event{}, oldJsonErr(err)
	}
	if w.SentAt == "" {
		w.SentAt = batchSentAt
	}
	if w.Context == nil {
		w.Context = batchCtx
	}
	typ := w.Type
	if forceType != "" {
		typ = forceType
	}
	ev := Event{
		ID:          w.MessageID,
		AnonymousID: w.AnonymousID,
		UserID:      w.UserID,
		Site:        meta.Site,
		ReceivedAt:  meta.ReceivedAt.UTC(),
		Properties:  w.Properties,
		Traits:      w.Traits,
		Client:      meta.Client,
	}
	if w.Site != "" {
		ev.Site = w.Site
	}
	if err := oldCheckID("site", ev.Site, 64); err != nil {
		return Event{}, err
	}
	if err := oldResolveType(&ev, typ, w, src); err != nil {
		return Event{}, err
	}
	if ev.ID == "" {
		if src == Browser {
			return Event{}, oldErrf("messageId", "required: every event needs a unique messageId")
		}
		ev.ID = newID()
	}
	if err := oldCheckID("messageId", ev.ID, 100); err != nil {
		return Event{}, err
	}
	if err := oldCheckID("anonymousId", ev.AnonymousID, 128); err != nil {
		return Event{}, err
	}
	if err := oldCheckID("userId", ev.UserID, 128); err != nil {
		return Event{}, err
	}
	if src == Server {
		ev.Client.API = "server"
	}
	if src == Server && ev.AnonymousID == "" && ev.UserID == "" {
		return Event{}, oldErrf("anonymousId", "anonymousId or userId is required")
	}
	if err := oldTimes(&ev, w); err != nil {
		return Event{}, err
	}
	if err := oldPage(&ev, w, meta.Scrub); err != nil {
		return Event{}, err
	}
	if c := w.Context; c != nil {
		if src == Server && c.UserAgent != "" {
			// A server-side SDK reports its end user's browser here; the
			// request's own user agent is the SDK's.
			ev.Client.UserAgent = c.UserAgent
		}
		if src == Server && c.IP != "" {
			// The end user's address as the SDK reports it (truncated by
			// enrichment before anything is stored).
			if a, err := netip.ParseAddr(c.IP); err == nil {
				ev.Client.IP = a.String()
			}
		}
		if c.Locale != "" && len(c.Locale) <= 35 {
			ev.Client.Locale = c.Locale
		}
		ev.Client.Webdriver = ev.Client.Webdriver || c.Webdriver
		switch c.Consent {
		case "", "granted", "denied":
			ev.Consent = c.Consent
		default:
			return Event{}, oldErrf("context.consent", "must be \"granted\" or \"denied\"")
		}
		if ev.Traits == nil && len(c.Traits) > 0 && ev.Type == Identify {
			ev.Traits = c.Traits
		}
	}
	if err := oldRequired(&ev); err != nil {
		return Event{}, err
	}
	return ev, nil
}

// oldResolveType maps the oldWire type (Baton's or Segment's name) to Baton's type.
func oldResolveType(ev *Event, typ string, w oldWire, src Source) error {
	switch typ {
	case "page", "screen", PageView:
		ev.Type = PageView
		ev.Name = w.Name
	case "track":
		// A track call whose event name is one of Baton's types is that type,
		// so server SDKs can report downloads or form submits too.
		switch w.Event {
		case Download, Outbound, FormSubmit, PageView:
			ev.Type = w.Event
		default:
			ev.Type = Custom
			ev.Name = w.Event
		}
	case Custom:
		ev.Type = Custom
		ev.Name = w.Event
		if ev.Name == "" {
			ev.Name = w.Name
		}
	case Identify:
		ev.Type = Identify
	case "group", "alias":
		// Kept, not interpreted: accepted data is never dropped.
		ev.Type = Custom
		ev.Name = "$" + typ
		if ev.Properties == nil {
			ev.Properties = map[string]any{}
		}
		if w.GroupID != "" {
			ev.Properties["groupId"] = w.GroupID
		}
		if w.PreviousID != "" {
			ev.Properties["previousId"] = w.PreviousID
		}
	case Download, Outbound, FormSubmit:
		ev.Type = typ
	case EmailClick, EmailOpen:
		// From no client, the tag or the server-side API: a forged click
		// would score a recipient (and name them) without their click.
		return oldErrf("type", "%q is recorded by Baton's tracked links only", typ)
	case Offline:
		// Imported by an operator (POST /admin/touches) only: from a client
		// it would score and name a person who met nobody.
		return oldErrf("type", "%q is recorded by Baton's offline touch import only", typ)
	case "":
		return oldErrf("type", "required: one of page_view, download, outbound, form_submit, custom, identify")
	default:
		return oldErrf("type", "unknown type %q", typ)
	}
	if src == Browser && !browserTypes[ev.Type] {
		return oldErrf("type", "%q is not accepted from a browser", ev.Type)
	}
	return nil
}

func oldTimes(ev *Event, w oldWire) error {
	ts := w.Timestamp
	if ts == "" {
		ts = w.OriginalTS
	}
	var err error
	if ts != "" {
		if ev.OriginalTS, err = oldParseTime(ts); err != nil {
			return oldErrf("timestamp", "%v", err)
		}
	}
	if w.SentAt != "" {
		if ev.SentAt, err = oldParseTime(w.SentAt); err != nil {
			return oldErrf("sentAt", "%v", err)
		}
	}
	ev.Timestamp = oldCorrectSkew(ev.ReceivedAt, ev.SentAt, ev.OriginalTS)
	return nil
}

// oldCorrectSkew returns the event time on the server's clock, the way Segment
// does: timestamp = receivedAt - (sentAt - originalTimestamp). Without sentAt
// the client time is taken as is; without either, the receive time. The
// result is never later than receivedAt: an event cannot come from the future.
func oldCorrectSkew(receivedAt, sentAt, original time.Time) time.Time {
	var t time.Time
	switch {
	case original.IsZero():
		t = receivedAt
	case sentAt.IsZero():
		t = original
	default:
		t = receivedAt.Add(-sentAt.Sub(original))
	}
	if t.After(receivedAt) {
		t = receivedAt
	}
	return t.UTC()
}

func oldParseTime(s string) (time.Time, error) {
	if len(s) > 40 {
		return time.Time{}, errors.New("not an ISO-8601 date-time")
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999Z0700", "2006-01-02T15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			if t.Year() < 2000 || t.Year() > 2200 {
				return time.Time{}, errors.New("date-time out of range")
			}
			return t.UTC(), nil
		}
	}
	return time.Time{}, errors.New("not an ISO-8601 date-time")
}

// oldPage fills url, title, referrer and UTM from properties or context.page.
func oldPage(ev *Event, w oldWire, scrub Scrubber) error {
	get := func(k string) (string, error) {
		v, ok := ev.Properties[k]
		if !ok || v == nil {
			return "", nil
		}
		s, ok := v.(string)
		if !ok {
			return "", oldErrf("properties."+k, "must be a string")
		}
		return s, nil
	}
	var err error
	if ev.URL, err = get("url"); err != nil {
		return err
	}
	if ev.Title, err = get("title"); err != nil {
		return err
	}
	if ev.Referrer, err = get("referrer"); err != nil {
		return err
	}
	if c := w.Context; c != nil && c.Page != nil {
		if ev.URL == "" {
			ev.URL = c.Page.URL
		}
		if ev.Title == "" {
			ev.Title = c.Page.Title
		}
		if ev.Referrer == "" {
			ev.Referrer = c.Page.Referrer
		}
	}
	for _, f := range []struct {
		name string
		v    string
	}{{"properties.url", ev.URL}, {"properties.referrer", ev.Referrer}} {
		if f.v == "" {
			continue
		}
		if err := oldCheckURL(f.v); err != nil {
			return oldErrf(f.name, "%v", err)
		}
	}
	if len(ev.Title) > 1024 {
		return oldErrf("properties.title", "longer than 1024 bytes")
	}
	// Secrets and addresses never reach the store, the timeline or the SFA;
	// the copies in properties are the same strings.
	ev.URL, ev.Referrer = oldScrubURL(scrub, ev.URL), oldScrubURL(scrub, ev.Referrer)
	for _, k := range []string{"url", "referrer"} {
		if v, ok := ev.Properties[k].(string); ok {
			ev.Properties[k] = oldScrubURL(scrub, v)
		}
	}
	if v, ok := ev.Properties["search"].(string); ok { // Segment's page.search: "?a=b"
		if q, changed := oldScrubParams(scrub, strings.TrimPrefix(v, "?")); changed {
			ev.Properties["search"] = "?" + q
		}
	}
	if ev.URL != "" {
		ev.UTM = oldParseUTM(ev.URL)
	}
	if c := w.Context; c != nil && c.Campaign != nil && ev.UTM.Empty() {
		ev.UTM = UTM{Source: c.Campaign.Source, Medium: c.Campaign.Medium, Campaign: c.Campaign.Name, Term: c.Campaign.Term, Content: c.Campaign.Content}
	}
	return nil
}

func oldCheckURL(s string) error {
	if len(s) > 8192 {
		return errors.New("longer than 8192 bytes")
	}
	u, err := url.Parse(s)
	if err != nil {
		return errors.New("not a valid URL")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return errors.New("must be an absolute http or https URL")
	}
	if u.Host == "" {
		return errors.New("has no host")
	}
	return nil
}

// oldParseUTM reads utm_* parameters from a URL; anything unparsable gives none.
func oldParseUTM(raw string) UTM {
	u, err := url.Parse(raw)
	if err != nil {
		return UTM{}
	}
	q := u.Query()
	clip := func(s string) string {
		if len(s) > 256 {
			return s[:256]
		}
		return s
	}
	return UTM{
		Source:   clip(q.Get("utm_source")),
		Medium:   clip(q.Get("utm_medium")),
		Campaign: clip(q.Get("utm_campaign")),
		Term:     clip(q.Get("utm_term")),
		Content:  clip(q.Get("utm_content")),
	}
}

func oldRequired(ev *Event) error {
	switch ev.Type {
	case PageView, Download, Outbound, EmailClick:
		if ev.URL == "" {
			return oldErrf("properties.url", "required for %s", ev.Type)
		}
	case Custom:
		if ev.Name == "" {
			return oldErrf("event", "required: a custom event needs a name")
		}
		if len(ev.Name) > 200 {
			return oldErrf("event", "longer than 200 bytes")
		}
	case FormSubmit:
		if f, ok := ev.Properties["fields"]; ok && f != nil {
			m, ok := f.(map[string]any)
			if !ok {
				return oldErrf("properties.fields", "must be an object of field name to value")
			}
			for k, v := range m {
				switch v.(type) {
				case string, float64, bool, nil:
				default:
					return oldErrf("properties.fields."+k, "must be a string, number or boolean")
				}
			}
		}
		if l, ok := ev.Properties["labels"]; ok && l != nil {
			m, ok := l.(map[string]any)
			if !ok {
				return oldErrf("properties.labels", "must be an object of field name to label text")
			}
			for k, v := range m {
				if _, ok := v.(string); !ok {
					return oldErrf("properties.labels."+k, "must be a string")
				}
			}
		}
	case Identify:
		if len(ev.Traits) == 0 && ev.UserID == "" {
			return oldErrf("traits", "identify needs traits or a userId")
		}
	}
	return nil
}

// oldCheckID accepts printable identifiers without spaces or control characters.
func oldCheckID(field, s string, max int) error {
	if len(s) > max {
		return oldErrf(field, "longer than %d bytes", max)
	}
	for _, r := range s {
		if unicode.IsSpace(r) || !unicode.IsPrint(r) || r == '#' {
			return oldErrf(field, "contains a space, '#' or control character")
		}
	}
	return nil
}

// oldJsonErr names the field and position of a JSON decoding failure.
func oldJsonErr(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field := strings.TrimPrefix(strings.TrimPrefix(te.Field, "oldWire."), "oldTagWire.") // oldBrowserWire embeds both (in parse.go: wire, tagWire)
		if field == "" {
			field = "(body)"
		}
		return oldErrf(field, "must be %s, got %s", oldJsonKind(te.Type.Kind().String()), te.Value)
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return oldErrf("", "malformed JSON at byte %s: %v", strconv.FormatInt(se.Offset, 10), se)
	}
	return oldErrf("", "malformed JSON: %v", err)
}

func oldJsonKind(k string) string {
	switch k {
	case "string":
		return "a string"
	case "map", "struct":
		return "an object"
	case "slice":
		return "an array"
	case "bool":
		return "a boolean"
	case "float64":
		return "a number"
	default:
		return "a " + k
	}
}

// secretName matches parameter names that hold secrets: passwords, tokens,
// keys, sessions, CSRF and card data.
var oldSecretName = regexp.MustCompile(`(?i)(pass(word|wd)?|pwd|token|secret|csrf|xsrf|session|sess_?id|auth|api_?key|access_?key|private_?key|card|cvc|cvv|ccv|iban|ssn|signature|^sig$|^sid$|^code$|^otp$|^pin$|^key$|^cc$)`)

var oldEmailish = regexp.MustCompile(`(?i)[a-z0-9._%+\-]+(@|%40)[a-z0-9.\-]+\.[a-z]{2,}`)

func oldDrop(s Scrubber, name, value string) bool {
	if oldSecretName.MatchString(name) || oldEmailish.MatchString(value) {
		return true
	}
	for _, p := range s.Params {
		if strings.EqualFold(p, name) {
			return true
		}
	}
	return false
}

// URL returns raw without the parameters and addresses Scrubber removes;
// the rest (order, encoding of what is kept) is left as sent.
func oldScrubURL(s Scrubber, raw string) string {
	if raw == "" {
		return raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return raw // validated elsewhere; never stored when invalid
	}
	changed := false
	// Until none is left: a replacement can join what remains into a new
	// address ("a@b.cc@d.ee").
	for i := 0; i < 8 && oldEmailish.MatchString(u.Path); i++ {
		u.Path = oldEmailish.ReplaceAllString(u.Path, "redacted")
		u.RawPath = ""
		changed = true
	}
	if q, ok := oldScrubParams(s, u.RawQuery); ok {
		u.RawQuery, changed = q, true
	}
	if f, ok := oldScrubParams(s, u.EscapedFragment()); ok && strings.Contains(u.Fragment, "=") {
		u.Fragment, u.RawFragment, changed = "", f, true
		if d, err := url.PathUnescape(f); err == nil {
			u.Fragment = d
		}
	} else if oldEmailish.MatchString(u.Fragment) {
		u.Fragment, u.RawFragment, changed = "", "", true
	}
	if !changed {
		return raw
	}
	return u.String()
}

// params filters a query string, keeping the order and the encoding of what
// it keeps; ok reports a change.
func oldScrubParams(s Scrubber, q string) (string, bool) {
	if q == "" {
		return q, false
	}
	parts := strings.Split(q, "&")
	kept := parts[:0]
	for _, p := range parts {
		k, v, _ := strings.Cut(p, "=")
		name, err := url.QueryUnescape(k)
		if err != nil {
			name = k
		}
		value, err := url.QueryUnescape(v)
		if err != nil {
			value = v
		}
		if oldDrop(s, name, value) {
			continue
		}
		kept = append(kept, p)
	}
	if len(kept) == len(parts) {
		return q, false
	}
	return strings.Join(kept, "&"), true
}
