package event

import (
	"bytes"
	"cmp"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/netip"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/baton-hq/baton/internal/textcut"
)

// Error is a validation failure: the JSON body of a 4xx answer.
type Error struct {
	Status  int    `json:"-"`
	Message string `json:"error"`
	Field   string `json:"field,omitempty"`
	Index   *int   `json:"index,omitempty"` // position in a batch
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.Index != nil {
		fmt.Fprintf(&b, "event %d: ", *e.Index)
	}
	if e.Field != "" {
		b.WriteString(e.Field + ": ")
	}
	b.WriteString(e.Message)
	return b.String()
}

func errf(field, format string, a ...any) *Error {
	return &Error{Status: 400, Field: field, Message: fmt.Sprintf(format, a...)}
}

// Meta is what the server knows about a request, stamped on every event.
type Meta struct {
	ReceivedAt time.Time
	Client     Client
	Site       string
	Scrub      Scrubber // what to remove from every URL and referrer
	// ConsentCategory is the category of Segment's consent object
	// (context.consent.categoryPreferences) that means analytics;
	// "" is DefaultConsentCategory.
	ConsentCategory string

	rejected *[]*Error // ParseEach: where a batch's invalid events go
	at       *[]int    // ParseEach: where each event kept stands in the request
}

// Source selects the rules a body is parsed under.
type Source int

const (
	// Browser is the tag's POST /e: messageId required, server-only types refused.
	Browser Source = iota
	// Server is the Segment-compatible API: messageId generated when absent,
	// anonymousId or userId required.
	Server
)

// wire is one event as sent. Unknown fields are ignored; known fields of the
// wrong JSON type are rejected by encoding/json with the field's name.
type wire struct {
	Type         string          `json:"type"`
	Event        string          `json:"event"`
	Name         string          `json:"name"`
	MessageID    string          `json:"messageId"`
	AnonymousID  wireID          `json:"anonymousId"`
	UserID       wireID          `json:"userId"`
	Site         string          `json:"site"`
	Timestamp    string          `json:"timestamp"`
	OriginalTS   string          `json:"originalTimestamp"`
	SentAt       string          `json:"sentAt"`
	Properties   map[string]any  `json:"properties"`
	Traits       map[string]any  `json:"traits"`
	Context      *wireContext    `json:"context"`
	PreviousID   wireID          `json:"previousId"`
	GroupID      wireID          `json:"groupId"`
	Integrations json.RawMessage `json:"integrations"`
	// landing is the landing page the tag sends with a page view (its
	// array form's fourth value; fromCompact takes it out of the
	// properties): see landingView. Never read from the Segment form.
	landing any
}

// wireID is an id as Segment's clients send it: a string, or a number
// (analytics.js sends the number identify() was given; Segment keeps it),
// taken as the number's text as written, so that 12345 and "12345" are one
// user and a long id keeps its digits.
type wireID string

// numberID is an id sent as a JSON number in the string JavaScript makes
// of it (String(n), as Segment's libraries and the tag send it): 12345.0
// and 1.2345e4 are the user 12345, not three. An integer literal is kept
// digit for digit (a 64-bit id past 2^53 stays itself); a number beyond
// float64 stays as written.
func numberID(lit string) wireID {
	if whole, frac, ok := strings.Cut(lit, "."); !strings.ContainsAny(lit, "eE") && (!ok || strings.Trim(frac, "0") == "") {
		// An integer, or one with a zero fraction (12345.0): its digits
		// as written, so an id past 2^53 keeps them, 12345678901234567890.0
		// included.
		if whole == "-0" {
			return "0"
		}
		return wireID(whole)
	}
	f, err := strconv.ParseFloat(lit, 64)
	if a := math.Abs(f); err != nil || a >= 1e21 || a != 0 && a < 1e-6 { // JavaScript writes those with an exponent
		return wireID(lit)
	}
	if f == 0 {
		f = 0 // -0 is "0"
	}
	return wireID(strconv.FormatFloat(f, 'f', -1, 64))
}

func (id *wireID) UnmarshalJSON(b []byte) error {
	switch c := b[0]; {
	case c == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*id = wireID(s)
	case c == 'n': // null leaves it as it was, as for a string
	case c == '-' || '0' <= c && c <= '9':
		*id = numberID(string(b))
	default:
		kind := "object"
		switch c {
		case 't', 'f':
			kind = "bool"
		case '[':
			kind = "array"
		}
		return &json.UnmarshalTypeError{Value: kind, Type: reflect.TypeFor[string]()}
	}
	return nil
}

// browserWire is an event as POST /e takes it: the Segment form, or the
// tag's compact one. The Segment API decodes wire alone, so its callers'
// own top-level keys are ignored as they always were.
type browserWire struct {
	wire
	tagWire
}

// tagWire is the tag's compact form of an event (POST /e only): one-letter
// keys keep the tag small. An event with "t" is in this form, and its keys
// replace the Segment ones above; events queued by an older tag, in the
// Segment form, still parse as they were. The tag now sends events in its
// array form (tagarray.go), which is read into this one.
type tagWire struct {
	T  string          `json:"t"`  // type: page, download, outbound, form_submit, track (custom), identify
	I  string          `json:"i"`  // messageId
	A  string          `json:"a"`  // anonymousId
	S  string          `json:"s"`  // site
	TS *float64        `json:"ts"` // when it happened, ms since the epoch (client clock)
	P  map[string]any  `json:"p"`  // properties
	N  json.RawMessage `json:"n"`  // the custom event's name (track), the traits (identify)
	W  bool            `json:"w"`  // navigator.webdriver
	C  bool            `json:"c"`  // sent under consent (given by baton('consent', true), or Google consent mode granted)
}

type wireContext struct {
	UserAgent string         `json:"userAgent"`
	IP        string         `json:"ip"` // the end user's address (server-side SDKs)
	Locale    string         `json:"locale"`
	Page      *wirePage      `json:"page"`
	Campaign  *wireCampaign  `json:"campaign"`
	Traits    map[string]any `json:"traits"`
	Webdriver bool           `json:"webdriver"`
	Consent   wireConsent    `json:"consent"` // "granted" or "denied", from a consent-managed page; or Segment's object
	Direct    bool           `json:"direct"`  // sent from the user's device: its address is the request's (Segment's HTTP API)
}

// wireConsent is context.consent: Baton's word ("granted", "denied"), or
// the object Segment's consent tooling (@segment/analytics-consent-tools)
// stamps events with, {"categoryPreferences": {"Analytics": true, ...}},
// kept as sent and read by consentOf with the configured category. A
// site using that tooling had every event refused.
type wireConsent struct {
	word string
	obj  []byte
}

func (c *wireConsent) UnmarshalJSON(b []byte) error {
	switch b[0] {
	case '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*c = wireConsent{word: s}
	case '{':
		*c = wireConsent{obj: bytes.Clone(b)}
	case 'n': // null leaves it as it was, as for a string
	default:
		kind := "number"
		switch b[0] {
		case 't', 'f':
			kind = "bool"
		case '[':
			kind = "array"
		}
		return &json.UnmarshalTypeError{Value: kind, Type: reflect.TypeFor[string]()}
	}
	return nil
}

func (c wireConsent) empty() bool { return c.word == "" && c.obj == nil }

// consentOf reads Segment's consent object: "granted" or "denied" as its
// categoryPreferences has category (case-insensitive) true or false, ""
// (unknown) without it. Its shape is not checked: it never refuses an
// event.
func consentOf(obj []byte, category string) string {
	var prefs []byte
	s := scan{d: obj}
	s.members(func(k []byte) bool {
		if string(k) != "categoryPreferences" {
			return s.skip()
		}
		v, ok := s.span()
		prefs = v
		return ok
	})
	out := ""
	s = scan{d: prefs}
	s.members(func(k []byte) bool {
		if !strings.EqualFold(string(k), category) {
			return s.skip()
		}
		var v string
		switch s.peek() {
		case 't':
			v = "granted"
		case 'f':
			v = "denied"
		}
		out = v // the last of repeated keys, as encoding/json
		return s.skip()
	})
	return out
}

// DefaultConsentCategory is the category of Segment's consent object
// that means analytics, unless the configuration names another.
const DefaultConsentCategory = "Analytics"

type wirePage struct {
	URL      string `json:"url"`
	Title    string `json:"title"`
	Referrer string `json:"referrer"`
}

type wireCampaign struct {
	Name    string `json:"name"`
	Source  string `json:"source"`
	Medium  string `json:"medium"`
	Term    string `json:"term"`
	Content string `json:"content"`
}

// rawBatch is a body's "batch", split into its events; present tells a
// "batch": null (an empty batch) from a single event.
type rawBatch struct {
	present bool
	events  []json.RawMessage
}

func (b *rawBatch) UnmarshalJSON(data []byte) error {
	b.present = true
	if string(data) == "null" {
		return nil
	}
	return json.Unmarshal(data, &b.events)
}

func orNull(raw json.RawMessage) []byte {
	if raw == nil {
		return []byte("null")
	}
	return raw
}

type wireBatch struct {
	Batch   []json.RawMessage `json:"batch"`
	SentAt  string            `json:"sentAt"`
	Context *wireContext      `json:"context"`
}

// tagBatch is the tag's compact batch: {"b": [...], "sent": ms}.
type tagBatch struct {
	B    []json.RawMessage `json:"b"`
	Sent *float64          `json:"sent"` // when it was sent, ms since the epoch (client clock)
}

// fromCompact turns a compact tag event into the Segment form; unmarshal
// decodes "n" (json.Unmarshal, or unmarshalN of the fast decoder).
func (w *browserWire) fromCompact(unmarshal func([]byte, any) error) error {
	c := w.tagWire
	w.Type, w.MessageID, w.AnonymousID, w.Site, w.Properties = c.T, c.I, wireID(c.A), c.S, c.P
	if l, ok := c.P["landing"]; ok && c.T == "page" {
		w.landing = l
		delete(c.P, "landing") // stored as a view of its own, not a property
	}
	w.Timestamp, w.Event, w.Traits = "", "", nil
	if c.T == "track" {
		w.Type = Custom // a name that is one of Baton's types stays custom: the tag's track is custom
	}
	if c.TS != nil {
		ts, err := unixMilli(*c.TS)
		if err != nil {
			return errf("ts", "%v", err)
		}
		w.Timestamp = ts
	}
	// n is decoded into variables of its own: unmarshal's pointer into
	// w would move every event's wire struct to the heap.
	if len(c.N) > 0 && string(c.N) != "null" {
		if c.T == Identify {
			var traits map[string]any
			if err := unmarshal(c.N, &traits); err == errSlow {
				return err
			} else if err != nil {
				return errf("n", "identify traits must be an object")
			}
			w.Traits = traits
		} else {
			var name string
			if err := unmarshal(c.N, &name); err == errSlow {
				return err
			} else if err != nil {
				return errf("n", "the event's name must be a string")
			}
			w.Event = name
		}
	}
	w.Context = &wireContext{Webdriver: c.W}
	if c.C {
		w.Context.Consent.word = "granted"
	}
	return nil
}

// maxUnixMilli is 9999-12-31T23:59:59.999Z: a later time has no ISO-8601
// form, and was answered as if the client had sent a malformed one.
const maxUnixMilli = 253402300799999

// unixMilli formats a client's ms-since-epoch time as RFC 3339 for times();
// a value that is no time gets an error.
func unixMilli(ms float64) (string, error) {
	if ms != ms || ms < 0 || ms > maxUnixMilli {
		return "", errors.New("not a time in milliseconds since the epoch")
	}
	return time.UnixMilli(int64(ms)).UTC().Format(time.RFC3339Nano), nil
}

// Parse decodes a request body holding one event, a JSON array of events, or
// {"batch": [...]} and returns the validated events. forceType, when set, is
// the Segment call the body came to (/v1/track -> "track"). A single invalid
// event rejects the whole request, so a request is stored all or nothing.
func Parse(body []byte, src Source, forceType string, meta Meta) ([]Event, error) {
	body, err := checkBody(body)
	if err != nil {
		return nil, err
	}
	// The fast decoder (scan.go) reads what it can; encoding/json the rest,
	// which is mostly malformed and answered with its errors.
	evs, err := parseFast(body, src, forceType, meta)
	if err == errSlow {
		if meta.rejected != nil {
			*meta.rejected, *meta.at = nil, nil // what the fast pass read comes again
		}
		return parseStd(body, src, forceType, meta)
	}
	return evs, err
}

// ParseEach is Parse for a batch whose events stand alone, the tag's
// queue: an event invalid on its own is left out and its error (naming its
// index) returned in rejected, so that one bad event does not lose the
// others with it (the tag unqueues what a 4xx answered). A body that is not
// valid as a whole, or none of whose events is, is refused as Parse
// refuses it.
//
// at is each event's index in the request (the events refused, and a
// message repeated in it, leave gaps), for answers that name events as
// the caller numbered them.
func ParseEach(body []byte, src Source, meta Meta) (evs []Event, at []int, rejected []*Error, err error) {
	meta.rejected, meta.at = &rejected, &at
	if evs, err = Parse(body, src, "", meta); err != nil {
		return nil, nil, nil, err
	}
	return evs, at, rejected, nil
}

// checkBody returns the body without surrounding space, or why no reader
// is worth trying.
func checkBody(body []byte) ([]byte, error) {
	if len(body) > MaxRequestBytes {
		return nil, &Error{Status: 413, Message: fmt.Sprintf("request body is larger than %d bytes (500 KB a request)", MaxRequestBytes)}
	}
	// A UTF-8 byte order mark before the JSON (a file saved by Notepad or
	// PowerShell 5.1 and sent with curl --data-binary @file) is skipped:
	// RFC 8259 lets a parser ignore it, and the body is JSON.
	body = bytes.TrimSpace(skipBOM(bytes.TrimSpace(body)))
	if len(body) == 0 {
		return nil, errf("", "empty body: send one event, an array of events or {\"batch\": [...]}")
	}
	if !utf8.Valid(body) {
		return nil, errf("", "body is not valid UTF-8")
	}
	if body[0] != '[' && body[0] != '{' {
		return nil, errf("", "body must be a JSON object or array")
	}
	return body, nil
}

// skipBOM returns b without a leading UTF-8 byte order mark.
func skipBOM(b []byte) []byte { return bytes.TrimPrefix(b, []byte("\ufeff")) }

func parseFast(body []byte, src Source, forceType string, meta Meta) ([]Event, error) {
	raws, sentAt, context, batched, err := topFast(body, src)
	if err != nil {
		return nil, err
	}
	return parseEvents(raws, batched, src, forceType, sentAt, context, meta, decodeFast)
}

// parseStd decodes with encoding/json, as Parse always did.
func parseStd(body []byte, src Source, forceType string, meta Meta) ([]Event, error) {
	var (
		raws    []json.RawMessage
		sentAt  string
		context *wireContext
		batched bool
	)
	switch body[0] {
	case '[':
		batched = true
		if err := json.Unmarshal(body, &raws); err != nil {
			return nil, jsonErr(err)
		}
		if src == Browser {
			var err error
			if raws, sentAt, err = tagArraySent(raws); err != nil {
				return nil, err
			}
		}
	case '{':
		// One pass finds the batch and splits it into events; a single
		// event is decoded once, by parseOne.
		var top struct {
			Batch   rawBatch        `json:"batch"`
			SentAt  json.RawMessage `json:"sentAt"`
			Context json.RawMessage `json:"context"`
			B       json.RawMessage `json:"b"` // the tag's compact batch (decoded only as one)
		}
		if err := json.Unmarshal(body, &top); err != nil {
			return nil, jsonErr(err)
		}
		if top.Batch.present {
			batched = true
			if top.SentAt != nil || top.Context != nil {
				// The batch's own fields, decoded as one object so that an
				// error names them as a decode of the whole body would.
				var b wireBatch
				obj := append(append(append(append([]byte(`{"sentAt":`), orNull(top.SentAt)...), `,"context":`...), orNull(top.Context)...), '}')
				if err := json.Unmarshal(obj, &b); err != nil {
					return nil, jsonErr(err)
				}
				sentAt, context = b.SentAt, b.Context
			}
			raws = top.Batch.events
		} else if top.B != nil && src == Browser {
			batched = true
			var b tagBatch
			if err := json.Unmarshal(body, &b); err != nil {
				return nil, jsonErr(err)
			}
			raws = b.B
			if b.Sent != nil {
				var err error
				if sentAt, err = unixMilli(*b.Sent); err != nil {
					return nil, errf("sent", "%v", err)
				}
			}
		} else {
			raws = []json.RawMessage{body}
		}
	}
	evs := make([][]byte, len(raws))
	for i, r := range raws {
		evs[i] = r
	}
	return parseEvents(evs, batched, src, forceType, sentAt, context, meta, decodeStd)
}

// parseEvents validates a body's events, each decoded by decode.
func parseEvents(raws [][]byte, batched bool, src Source, forceType, sentAt string, context *wireContext, meta Meta, decode func([]byte, Source) (wire, error)) ([]Event, error) {
	if batched && len(raws) == 0 {
		return nil, errf("batch", "batch is empty")
	}
	if len(raws) > MaxBatchEvents {
		return nil, errf("batch", "more than %d events in one request", MaxBatchEvents)
	}
	out := make([]Event, 0, len(raws))
	var seen seenSet
	for i, raw := range raws {
		ev, landing, err := parseOne(raw, src, forceType, sentAt, context, meta, decode)
		if err != nil {
			var e *Error
			if errors.As(err, &e) && batched {
				idx := i
				e.Index = &idx
				if meta.rejected != nil {
					*meta.rejected = append(*meta.rejected, e)
					continue
				}
			}
			return nil, err
		}
		if len(raws) > 1 {
			// The same message twice in one request is stored once: the
			// same messageId of the same visitor, as the store keys it. A
			// browser's events are all its cookie's; a server call's are
			// their anonymousId's, else their userId's.
			key := seenKey{id: ev.ID}
			if src == Server {
				if key.visitor = ev.AnonymousID; key.visitor == "" {
					key.visitor = "u:" + ev.UserID
				}
			}
			if !seen.add(key, len(raws)) {
				continue
			}
		}
		if landing != nil {
			// The landing view first, standing where its view does in
			// the request.
			out = append(out, *landing)
			if meta.at != nil {
				*meta.at = append(*meta.at, i)
			}
		}
		out = append(out, ev)
		if meta.at != nil {
			*meta.at = append(*meta.at, i)
		}
	}
	if len(out) == 0 && meta.rejected != nil && len(*meta.rejected) > 0 {
		return nil, (*meta.rejected)[0] // nothing valid: refused as a whole
	}
	return out, nil
}

// seenKey is a message of a request as the store keys it: its visitor
// (server calls) and its id.
type seenKey struct{ visitor, id string }

// seenSet is the messages of a request: a batch of a few is compared in
// a row without allocating, a longer one takes a map.
type seenSet struct {
	few  [16]seenKey
	n    int
	many map[seenKey]bool
}

// add reports whether k is new, adding it; size is the request's number
// of events.
func (s *seenSet) add(k seenKey, size int) bool {
	if size <= len(s.few) {
		for _, f := range s.few[:s.n] {
			if f == k {
				return false
			}
		}
		s.few[s.n] = k
		s.n++
		return true
	}
	if s.many == nil {
		s.many = make(map[seenKey]bool, size)
	}
	if s.many[k] {
		return false
	}
	s.many[k] = true
	return true
}

// decodeStd decodes one event with encoding/json; one in the tag's array
// form is read as the compact object it makes.
func decodeStd(raw []byte, src Source) (wire, error) {
	if raw[0] == '[' {
		var err error
		if raw, err = tagArrayEvent(raw); err != nil {
			return wire{}, err
		}
	}
	if src == Server {
		var w wire
		if err := json.Unmarshal(raw, &w); err != nil {
			return wire{}, jsonErr(err)
		}
		return w, nil
	}
	var bw browserWire
	if err := json.Unmarshal(raw, &bw); err != nil {
		return wire{}, jsonErr(err)
	}
	if bw.T != "" {
		if err := bw.fromCompact(json.Unmarshal); err != nil {
			return wire{}, err
		}
	}
	return bw.wire, nil
}

func parseOne(raw []byte, src Source, forceType, batchSentAt string, batchCtx *wireContext, meta Meta, decode func([]byte, Source) (wire, error)) (ev Event, landing *Event, err error) {
	if len(raw) > MaxEventBytes {
		return Event{}, nil, &Error{Status: 413, Message: fmt.Sprintf("event is larger than %d bytes (32 KB an event, as on Segment)", MaxEventBytes)}
	}
	raw = bytes.TrimSpace(raw)
	// The tag's array form (tagarray.go) is read by the decoders.
	if len(raw) == 0 || raw[0] != '{' && (src != Browser || raw[0] != '[') {
		return Event{}, nil, errf("", "an event must be a JSON object")
	}
	w, err := decode(raw, src)
	if err != nil {
		return Event{}, nil, err
	}
	if w.SentAt == "" {
		w.SentAt = batchSentAt
	}
	w.Context = mergeContext(w.Context, batchCtx)
	typ := w.Type
	if forceType != "" {
		typ = forceType
	}
	ev = Event{
		ID:          w.MessageID,
		AnonymousID: string(w.AnonymousID),
		UserID:      string(w.UserID),
		Site:        meta.Site,
		ReceivedAt:  meta.ReceivedAt.UTC(),
		Properties:  w.Properties,
		Traits:      w.Traits,
		Client:      meta.Client,
	}
	if w.Site != "" {
		ev.Site = w.Site
	}
	if err := checkID("site", ev.Site, 64); err != nil {
		return Event{}, nil, err
	}
	if err := resolveType(&ev, typ, w, src); err != nil {
		return Event{}, nil, err
	}
	if ev.ID == "" {
		if src == Browser {
			return Event{}, nil, errf("messageId", "required: every event needs a unique messageId")
		}
		ev.ID = newID()
	}
	if err := checkID("messageId", ev.ID, 100); err != nil {
		return Event{}, nil, err
	}
	if err := checkID("anonymousId", ev.AnonymousID, 128); err != nil {
		return Event{}, nil, err
	}
	if src == Browser && strings.ContainsRune(ev.AnonymousID, ':') || reservedID(ev.AnonymousID) {
		// "u:<userId>" and "o:<person>" are visitors Baton makes for the
		// server API and for opens: a browser naming one would write into
		// it, and its form would take it, and the userId, to its email; a
		// backend's identify would move a user's later events to the
		// email it names.
		return Event{}, nil, errf("anonymousId", "':' is reserved for ids Baton makes (u:<userId>, o:<person>)")
	}
	if err := checkID("userId", ev.UserID, 128); err != nil {
		return Event{}, nil, err
	}
	if src == Server {
		ev.Client.API = "server"
	}
	if src == Server && ev.AnonymousID == "" && ev.UserID == "" {
		return Event{}, nil, errf("anonymousId", "anonymousId or userId is required")
	}
	if err := times(&ev, w); err != nil {
		return Event{}, nil, err
	}
	if err := page(&ev, w, meta.Scrub); err != nil {
		return Event{}, nil, err
	}
	if c := w.Context; c != nil {
		if src == Server && c.UserAgent != "" {
			// A server-side SDK reports its end user's browser here; the
			// request's own user agent is the SDK's.
			ev.Client.UserAgent = UserAgent(c.UserAgent)
		}
		ev.Client.Direct = src == Server && c.Direct
		if src == Server && c.IP != "" {
			// The end user's address as the SDK reports it (truncated by
			// enrichment before anything is stored).
			if a, err := netip.ParseAddr(c.IP); err == nil {
				// Its canonical form, most often the string sent (no copy).
				var buf [64]byte
				if b := a.AppendTo(buf[:0]); string(b) == c.IP {
					ev.Client.IP = c.IP
				} else {
					ev.Client.IP = string(b)
				}
			}
		}
		if c.Locale != "" && len(c.Locale) <= 35 {
			ev.Client.Locale = c.Locale
		}
		ev.Client.Webdriver = ev.Client.Webdriver || c.Webdriver
		consent := c.Consent.word
		if c.Consent.obj != nil {
			consent = consentOf(c.Consent.obj, cmp.Or(meta.ConsentCategory, DefaultConsentCategory))
		}
		switch consent {
		case "", "granted", "denied":
			ev.Consent = consent
		default:
			return Event{}, nil, errf("context.consent", "must be \"granted\" or \"denied\"")
		}
		if ev.Traits == nil && len(c.Traits) > 0 && ev.Type == Identify {
			ev.Traits = c.Traits
		}
	}
	if err := required(&ev); err != nil {
		return Event{}, nil, err
	}
	dropSecrets(&ev, meta.Scrub)
	if landing, err = landingView(&ev, w.landing, meta.Scrub); err != nil {
		return Event{}, nil, err
	}
	return ev, landing, nil
}

// reservedID reports whether an id a server API call names is in the
// form of the visitors Baton makes (u:<userId>, o:<person>). Elsewhere a
// backend's ids may hold ':'.
func reservedID(id string) bool { return strings.HasPrefix(id, "u:") || strings.HasPrefix(id, "o:") }

// mergeContext is an event's context with its batch's: Segment merges a
// batch's context "with any context inside each of the items in the
// batch" (HTTP API Source, Batch). The event's own fields win.
func mergeContext(own, batch *wireContext) *wireContext {
	if own == nil || batch == nil {
		return cmp.Or(own, batch)
	}
	c := *own
	c.UserAgent = cmp.Or(c.UserAgent, batch.UserAgent)
	c.IP = cmp.Or(c.IP, batch.IP)
	c.Locale = cmp.Or(c.Locale, batch.Locale)
	if c.Consent.empty() {
		c.Consent = batch.Consent
	}
	c.Page = cmp.Or(c.Page, batch.Page)
	c.Campaign = cmp.Or(c.Campaign, batch.Campaign)
	c.Webdriver = c.Webdriver || batch.Webdriver
	c.Direct = c.Direct || batch.Direct
	if c.Traits == nil {
		c.Traits = batch.Traits
	}
	return &c
}

// hasURL reports whether a page or screen call names its URL.
func hasURL(w wire) bool {
	u, _ := w.Properties["url"].(string)
	return u != "" || (w.Context != nil && w.Context.Page != nil && w.Context.Page.URL != "")
}

// viewed makes a page or screen without a URL the custom event Segment's
// destinations name it (Mixpanel's "Loaded a Page", "Viewed Home Screen"
// for a named one), its name kept in properties.name.
func viewed(ev *Event, name, what string) {
	ev.Type, ev.Name = Custom, "Loaded a "+what
	if name == "" {
		return
	}
	ev.Name = "Viewed " + name + " " + what
	if ev.Properties == nil {
		ev.Properties = map[string]any{}
	}
	if _, ok := ev.Properties["name"]; !ok {
		ev.Properties["name"] = name
	}
}

// resolveType maps the wire type (Baton's or Segment's name) to Baton's type.
func resolveType(ev *Event, typ string, w wire, src Source) error {
	switch typ {
	case "page", PageView:
		ev.Type = PageView
		ev.Name = w.Name
		if src == Server && !hasURL(w) {
			// A backend's page call by name alone (Segment's HTTP API
			// example has no URL): a view nobody can score by URL, kept
			// as the event Segment's destinations name it, as a screen.
			viewed(ev, w.Name, "Page")
		}
	case "screen":
		// An app's screen has a name and, unlike a web page, no URL: it
		// is the custom event Segment's destinations make of it ("Viewed
		// Home Screen", "Loaded a Screen" without a name), which rules
		// score by name. A screen that carries a URL is a page view.
		if hasURL(w) {
			ev.Type, ev.Name = PageView, w.Name
			break
		}
		viewed(ev, w.Name, "Screen")
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
		// What the call is for (Segment's spec requires them): without
		// it the call joined nothing, and a 200 said nothing of why.
		if typ == "group" && w.GroupID == "" {
			return errf("groupId", "required: a group call names the company's id")
		}
		if typ == "alias" && w.PreviousID == "" {
			return errf("previousId", "required: an alias joins previousId (an earlier userId or anonymousId) to userId")
		}
		if w.GroupID != "" {
			// Senders name companies by their names ("Acme Inc",
			// "株式会社 アクメ", "Team #2"), which Segment takes: under
			// the rule of the ids Baton keys by (no space or '#') every
			// such group call was refused. A groupId is no key: it is
			// kept in the event's properties as sent, and shown so.
			if err := checkGroupID(string(w.GroupID)); err != nil {
				return err
			}
			ev.Properties["groupId"] = string(w.GroupID)
		}
		if typ == "group" && len(ev.Traits) > 0 {
			// A group's traits are the company's (Segment's spec: name,
			// industry, employees, email ...), not the user's: as traits
			// its email identified the user as the company's address
			// and its name became theirs.
			ev.Properties["traits"] = ev.Traits
			ev.Traits = nil
		}
		if w.PreviousID != "" {
			// It names a visitor or a user (a key), as anonymousId and userId do.
			if err := checkID("previousId", string(w.PreviousID), 128); err != nil {
				return err
			}
			if reservedID(string(w.PreviousID)) {
				return errf("previousId", "u: and o: begin ids Baton makes; an earlier userId is given as it is")
			}
			ev.Properties["previousId"] = string(w.PreviousID)
		}
	case Download, Outbound, FormSubmit:
		ev.Type = typ
	case EmailClick, EmailOpen:
		// From no client, the tag or the server-side API: a forged click
		// would score a recipient (and name them) without their click.
		return errf("type", "%q is recorded by Baton's tracked links only", typ)
	case Offline:
		// Imported by an operator (POST /admin/touches) only: from a client
		// it would score and name a person who met nobody.
		return errf("type", "%q is recorded by Baton's offline touch import only", typ)
	case "":
		return errf("type", "required: one of page_view, download, outbound, form_submit, custom, identify")
	default:
		return errf("type", "unknown type %q", typ)
	}
	if src == Browser && !browserTypes[ev.Type] {
		return errf("type", "%q is not accepted from a browser", ev.Type)
	}
	return nil
}

func times(ev *Event, w wire) error {
	ts := w.Timestamp
	if ts == "" {
		ts = w.OriginalTS
	}
	var err error
	// A time given is never taken for none: 0001-01-01T00:00:00Z is Go's
	// zero time, which meant "absent" below (stored at receive time, as
	// a second later was refused as out of range).
	if ts != "" {
		if ev.OriginalTS, err = parseTime(ts); err != nil {
			return errf("timestamp", "%v", err)
		}
		if ev.OriginalTS.IsZero() {
			return errf("timestamp", "date-time out of range")
		}
	}
	if w.SentAt != "" {
		if ev.SentAt, err = parseTime(w.SentAt); err != nil {
			return errf("sentAt", "%v", err)
		}
		if ev.SentAt.IsZero() {
			return errf("sentAt", "date-time out of range")
		}
	}
	// The range is the event time's: with sentAt, a device whose clock
	// reset to 1970 sends both from then, and the correction puts the
	// event at the right time (Segment's); alone, a client time is the
	// event's.
	switch {
	case ev.SentAt.IsZero() && !ev.OriginalTS.IsZero() && !inRange(ev.OriginalTS):
		return errf("timestamp", "date-time out of range")
	case ev.OriginalTS.IsZero() && !ev.SentAt.IsZero() && !inRange(ev.SentAt):
		return errf("sentAt", "date-time out of range")
	}
	ev.Timestamp = CorrectSkew(ev.ReceivedAt, ev.SentAt, ev.OriginalTS)
	if !ev.SentAt.IsZero() && !ev.OriginalTS.IsZero() && ev.Timestamp.Year() < minYear {
		// Each time is in range, but sent two centuries after it happened
		// the correction lands before any (1826): no event's time.
		return errf("sentAt", "%s is too long after timestamp %s", w.SentAt, ev.OriginalTS.Format(time.RFC3339))
	}
	return nil
}

// CorrectSkew returns the event time on the server's clock, the way Segment
// does: timestamp = receivedAt - (sentAt - originalTimestamp). Without sentAt
// the client time is taken as is; without either, the receive time. The
// result is never later than receivedAt: an event cannot come from the future.
func CorrectSkew(receivedAt, sentAt, original time.Time) time.Time {
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

// minYear is the earliest year of an event's time.
const minYear = 2000

// inRange reports a client time that can be an event's.
func inRange(t time.Time) bool { return t.Year() >= minYear && t.Year() <= 2200 }

func parseTime(s string) (time.Time, error) {
	if len(s) > 40 {
		return time.Time{}, errors.New("not an ISO-8601 date-time")
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999Z0700", "2006-01-02T15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, errors.New("not an ISO-8601 date-time")
}

// maxTitle is the most of a page title kept, and maxURL the longest URL
// or referrer, in bytes.
const (
	maxTitle = 1024
	maxURL   = 8192
)

// page fills url, title, referrer and UTM from properties or context.page.
func page(ev *Event, w wire, scrub Scrubber) error {
	get := func(k string) (string, error) {
		v, ok := ev.Properties[k]
		if !ok || v == nil {
			return "", nil
		}
		s, ok := v.(string)
		if !ok {
			return "", errf("properties."+k, "must be a string")
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
	// An error names the field the value came from.
	urlField, refField := "properties.url", "properties.referrer"
	if c := w.Context; c != nil && c.Page != nil {
		if ev.URL == "" {
			ev.URL, urlField = c.Page.URL, "context.page.url"
		}
		if ev.Title == "" {
			ev.Title = c.Page.Title
		}
		if ev.Referrer == "" {
			ev.Referrer, refField = c.Page.Referrer, "context.page.referrer"
		}
	}
	// The tag sends location.href and the referrer as they are: one whose
	// query grew past maxURL loses its query, not the event (a 4xx would
	// drop it, and the form on the page with it).
	ev.URL = cutQuery(ev.Properties, "url", ev.URL)
	ev.Referrer = cutQuery(ev.Properties, "referrer", ev.Referrer)
	for _, f := range []struct {
		name string
		v    string
		web  bool // http(s) only
	}{{urlField, ev.URL, true}, {refField, ev.Referrer, false}} {
		if f.v == "" {
			continue
		}
		if err := checkURL(f.v, f.web); err != nil {
			return errf(f.name, "%v", err)
		}
	}
	// The tag sends document.title as it is: a long one is cut, not
	// refused (a 4xx would drop the page's events, its form's too), and
	// control characters go (the SFA gets the title with the activity).
	// An address in it goes as one in the URL's path does (a page
	// "Reset password for someone@example.com" names who asked).
	cut := textcut.Bytes(textcut.Controls(ev.Title), maxTitle)
	for i := 0; i < 8 && hasEmail(cut); i++ {
		cut = emailish.ReplaceAllString(foldText(cut), "redacted")
	}
	if cut != ev.Title {
		if v, _ := ev.Properties["title"].(string); v == ev.Title {
			ev.Properties["title"] = cut
		}
		ev.Title = cut
	}
	// Secrets and addresses never reach the store, the timeline or the SFA;
	// the copies in properties are the same strings.
	rawURL, rawRef := ev.URL, ev.Referrer
	ev.URL, ev.Referrer = scrub.URL(ev.URL), scrub.URL(ev.Referrer)
	for _, k := range []string{"url", "referrer"} {
		switch v, ok := ev.Properties[k].(string); {
		case !ok:
		// Set only when it changes: the map's value is an interface, and
		// a string stored again is boxed again.
		case v == rawURL: // most often: scrubbed once
			if ev.URL != v {
				ev.Properties[k] = ev.URL
			}
		case v == rawRef:
			if ev.Referrer != v {
				ev.Properties[k] = ev.Referrer
			}
		default:
			if c := scrub.URL(v); c != v {
				ev.Properties[k] = c
			}
		}
	}
	if v, ok := ev.Properties["search"].(string); ok { // Segment's page.search: "?a=b"
		if q, changed := scrub.params(strings.TrimPrefix(v, "?")); changed {
			ev.Properties["search"] = "?" + q
		}
	}
	if v, ok := ev.Properties["path"].(string); ok && v != "" { // Segment's page.path: "/a;jsessionid=..."
		if c := scrub.URL(v); c != v {
			ev.Properties["path"] = c
		}
	}
	if f, ok := ev.Properties["form"].(map[string]any); ok { // a form's action: a URL as any other
		if v, ok := f["action"].(string); ok && v != "" {
			c := v
			if !strings.Contains(v, "://") {
				// The tag sends the attribute as written (/thanks.html):
				// stored absolute, as the form's property read it, for the
				// rules and reports that match actions by URL.
				if base, err := url.Parse(ev.URL); err == nil && base.IsAbs() {
					if r, err := base.Parse(v); err == nil {
						c = r.String()
					}
				}
			}
			if c = scrub.URL(c); c != v {
				f["action"] = c
			}
		}
	}
	if ev.URL != "" {
		ev.UTM = ParseUTM(ev.URL)
	}
	if c := w.Context; c != nil && c.Campaign != nil && ev.UTM.Empty() {
		ev.UTM = UTM{Source: clipUTM(c.Campaign.Source), Medium: clipUTM(c.Campaign.Medium), Campaign: clipUTM(c.Campaign.Name), Term: clipUTM(c.Campaign.Term), Content: clipUTM(c.Campaign.Content)}
	}
	return nil
}

// landingView is the view of the landing page a tag's page view names
// (landing: its array form's fourth value), when that is another URL than
// the view's own, and ev then as a view from it; nil otherwise. The tag
// keeps in memory, never stored or sent, the URL it loaded on while
// collection is off (consent not given yet, Google consent mode denying),
// and sends it with the first view once collection starts: consent given
// after an in-app navigation (pushState) recorded the page it was given
// on alone, from the document's referrer, and the landing's UTM
// parameters and ad click id were lost, the visit's first touch a
// referral or direct. The landing view is what the tag would have
// recorded on load: its URL (checked and scrubbed as a view's), the
// document's referrer, its UTM parameters, the event's consent and
// client, a millisecond before it so that it comes first; no title (the
// tag's size budget had no room for it). Its id is the view's with
// "-landing": a view sent again (its answer lost) stores it once too.
func landingView(ev *Event, landing any, scrub Scrubber) (*Event, error) {
	if landing == nil || ev.Type != PageView {
		return nil, nil
	}
	u, ok := landing.(string)
	if !ok {
		return nil, errf("p", "a page view's landing page (its fourth value) must be a string")
	}
	if u = cutQuery(nil, "", u); u == "" {
		return nil, nil
	}
	if err := checkURL(u, true); err != nil {
		return nil, errf("p", "the landing page (a page view's fourth value): %v", err)
	}
	if u = scrub.URL(u); u == ev.URL || !sameOrigin(u, ev.URL) {
		// The view is the landing's (collection was on at load); or the
		// landing is on another site, which pushState cannot reach: no
		// tag sends one, and it would only hand a forger a campaign.
		return nil, nil
	}
	l := *ev
	l.ID = ev.ID + "-landing"
	l.URL, l.Title, l.UTM = u, "", ParseUTM(u)
	l.Properties = map[string]any{"url": u, "referrer": ev.Referrer}
	l.Timestamp = ev.Timestamp.Add(-time.Millisecond)
	ev.Referrer = u
	if ev.Properties == nil {
		ev.Properties = map[string]any{}
	}
	ev.Properties["referrer"] = u
	return &l, nil
}

// sameOrigin reports whether two absolute URLs share scheme and host.
func sameOrigin(a, b string) bool {
	x, err1 := url.Parse(a)
	y, err2 := url.Parse(b)
	return err1 == nil && err2 == nil && strings.EqualFold(x.Scheme, y.Scheme) && strings.EqualFold(x.Host, y.Host)
}

// cutQuery returns s without its query and fragment when it is longer
// than maxURL, and sets props[k] so when it held s. (A function of values:
// pointers to the event's fields in a loop's table moved every event to
// the heap.)
func cutQuery(props map[string]any, k, s string) string {
	if i := strings.IndexAny(s, "?#"); len(s) > maxURL && i >= 0 && i <= maxURL {
		if v, _ := props[k].(string); v == s {
			props[k] = s[:i]
		}
		return s[:i]
	}
	return s
}

// checkURL accepts an absolute http(s) URL with a host; a referrer
// (web false) may be an Android app's too: a page opened from a link in
// Gmail's or LinkedIn's app has document.referrer
// android-app://com.google.android.gm/, which the tag sends as it is.
func checkURL(s string, web bool) error {
	if len(s) > maxURL {
		return fmt.Errorf("longer than %d bytes", maxURL)
	}
	u, err := url.Parse(s)
	if err != nil {
		return errors.New("not a valid URL")
	}
	if u.Scheme != "http" && u.Scheme != "https" && (web || u.Scheme != "android-app") {
		if !web {
			return errors.New("must be an absolute http, https or android-app URL")
		}
		return errors.New("must be an absolute http or https URL")
	}
	if u.Host == "" {
		return errors.New("has no host")
	}
	return nil
}

// ParseUTM reads utm_* parameters from a URL; anything unparsable gives
// none. Where the URL's own query has none, they are read from its hash
// route's ("/#/lp?utm_source=...": Vue Router's and Angular's hash modes,
// whose links and ads carry them there; RouteQuery): such a landing was
// stored without them, a direct visit.
func ParseUTM(raw string) UTM {
	// A "utm_" key is spelled so in the URL, or percent-encoded.
	if !strings.Contains(raw, "utm_") && !strings.Contains(raw, "%") {
		return UTM{}
	}
	u, err := url.Parse(raw)
	if err != nil {
		return UTM{}
	}
	if m := utmIn(u.RawQuery); !m.Empty() {
		return m
	}
	return utmIn(RouteQuery(u))
}

// utmIn reads the utm parameters of a query.
func utmIn(q string) UTM {
	if strings.Count(q, "&") >= 1000 {
		// Past url.ParseQuery's limit on parameters (its default is
		// 10,000) a query has none: left to it.
		v, _ := url.ParseQuery(q)
		return utmOf(v)
	}
	return utmQuery(q)
}

func utmOf(q url.Values) UTM {
	return UTM{
		Source:   clipUTM(q.Get("utm_source")),
		Medium:   clipUTM(q.Get("utm_medium")),
		Campaign: clipUTM(q.Get("utm_campaign")),
		Term:     clipUTM(q.Get("utm_term")),
		Content:  clipUTM(q.Get("utm_content")),
	}
}

// clipUTM is a UTM value as kept: at most 256 bytes, cut before the
// character that would not fit (half of a Japanese campaign name's last
// character was invalid UTF-8, a report's group shown as U+FFFD), without
// control characters and bidirectional overrides (anyone can send a
// utm_source, which reports group and the workspace shows); bytes that
// are no UTF-8 (%FF) are each run one U+FFFD, as a page shows them.
func clipUTM(s string) string {
	return textcut.Bytes(textcut.Controls(strings.ToValidUTF8(s, "\ufffd")), 256)
}

// utmQuery reads the utm parameters of a query as url.ParseQuery and
// Values.Get would (the first value of each; a parameter with ';' or a
// bad escape is none), without their map of every parameter.
func utmQuery(q string) UTM {
	var u UTM
	var set [5]bool
	for q != "" {
		var p string
		p, q, _ = strings.Cut(q, "&")
		if p == "" || strings.Contains(p, ";") {
			continue
		}
		k, v, _ := strings.Cut(p, "=")
		k, err := url.QueryUnescape(k)
		if err != nil {
			continue
		}
		var i int
		var dst *string
		switch k {
		case "utm_source":
			i, dst = 0, &u.Source
		case "utm_medium":
			i, dst = 1, &u.Medium
		case "utm_campaign":
			i, dst = 2, &u.Campaign
		case "utm_term":
			i, dst = 3, &u.Term
		case "utm_content":
			i, dst = 4, &u.Content
		default:
			continue
		}
		v, err = url.QueryUnescape(v)
		if err != nil || set[i] {
			continue
		}
		set[i], *dst = true, clipUTM(v)
	}
	return u
}

// MaxNesting bounds how deep an event's properties and traits nest (an
// object or array in one is a level): real events nest a few levels,
// while 10,000 (encoding/json's limit) cost every later reader of the
// event, such as a disclosure's indented JSON, the square of the depth.
const MaxNesting = 32

// tooDeep reports whether v nests objects or arrays deeper than left.
func tooDeep(v any, left int) bool {
	switch v := v.(type) {
	case map[string]any:
		if left == 0 {
			return true
		}
		for _, c := range v {
			if tooDeep(c, left-1) {
				return true
			}
		}
	case []any:
		if left == 0 {
			return true
		}
		for _, c := range v {
			if tooDeep(c, left-1) {
				return true
			}
		}
	}
	return false
}

// nesting refuses properties or traits nested past MaxNesting, naming
// the top-level key that does.
func nesting(ev *Event) error {
	for _, f := range []struct {
		name string
		m    map[string]any
	}{{"properties", ev.Properties}, {"traits", ev.Traits}} {
		for k, v := range f.m {
			if tooDeep(v, MaxNesting-1) {
				return errf(f.name+"."+k, "nested deeper than %d levels", MaxNesting)
			}
		}
	}
	return nil
}

func required(ev *Event) error {
	if err := nesting(ev); err != nil {
		return err
	}
	switch ev.Type {
	case PageView, Download, Outbound, EmailClick:
		if ev.URL == "" {
			return errf("properties.url", "required for %s", ev.Type)
		}
	case Custom:
		if ev.Name == "" {
			return errf("event", "required: a custom event needs a name")
		}
		if len(ev.Name) > 200 {
			return errf("event", "longer than 200 bytes")
		}
	case FormSubmit:
		switch f := ev.Properties["form"].(type) {
		case nil, map[string]any:
		case string:
			// A backend naming its form by a string (Segment's track
			// properties often do) was stored as sent, and no rule's form:
			// ever matched it: it is the form's id.
			ev.Properties["form"] = map[string]any{"id": f}
		default:
			return errf("properties.form", "must be an object {id, name, action}, or a string: the form's id")
		}
		if f, ok := ev.Properties["fields"]; ok && f != nil {
			m, ok := f.(map[string]any)
			if !ok {
				return errf("properties.fields", "must be an object of field name to value")
			}
			for k, v := range m {
				switch v.(type) {
				case string, float64, bool, nil:
				default:
					return errf("properties.fields."+k, "must be a string, number or boolean")
				}
			}
		}
		if l, ok := ev.Properties["labels"]; ok && l != nil {
			m, ok := l.(map[string]any)
			if !ok {
				return errf("properties.labels", "must be an object of field name to label text")
			}
			for k, v := range m {
				if _, ok := v.(string); !ok {
					return errf("properties.labels."+k, "must be a string")
				}
			}
		}
	case Identify:
		if len(ev.Traits) == 0 && ev.UserID == "" {
			return errf("traits", "identify needs traits or a userId")
		}
	}
	return nil
}

// checkID accepts printable identifiers without spaces or control characters.
func checkID(field, s string, max int) error {
	if len(s) > max {
		return errf(field, "longer than %d bytes", max)
	}
	// ASCII, most ids, without the Unicode tables: of it only '!' to '~'
	// is printable and no space.
	i := 0
	for ; i < len(s) && s[i] < utf8.RuneSelf; i++ {
		if c := s[i]; c <= ' ' || c == 0x7f || c == '#' {
			return errf(field, "contains a space, '#' or control character")
		}
	}
	for _, r := range s[i:] {
		if r == utf8.RuneError {
			return replacementErr(field)
		}
		if unicode.IsSpace(r) || !unicode.IsPrint(r) || r == '#' {
			return errf(field, "contains a space, '#' or control character")
		}
	}
	return nil
}

// checkGroupID accepts a group call's groupId: printable text of at most
// 128 bytes, spaces (U+3000 too) and '#' included, as Segment's senders
// use company names. It refuses what would make two companies' ids one or
// an id not shown as it is: a control or invisible character (a NUL, a tab,
// a line break, a zero-width space: two ids identical to the eye), U+FFFD
// (what invalid UTF-8 and a lone surrogate escape decode to), and an id of
// spaces alone, which names no company.
//
// It is kept as sent, not normalised: "Acme Inc" and "Acme  Inc" stay two
// ids. Segment and its destinations compare a groupId exactly, and Baton
// groups people into accounts by their email domain and company name
// (account.CompanyKey, where spacing does not count), never by groupId; a
// sender's two ids are theirs to tell apart, and folding them would show
// one as the other.
func checkGroupID(s string) error {
	const field = "groupId"
	if len(s) > 128 {
		return errf(field, "longer than 128 bytes")
	}
	blank := true
	for _, r := range s {
		switch {
		case r == utf8.RuneError:
			return replacementErr(field)
		case unicode.Is(unicode.Zs, r):
			// A space of any width: part of a name.
		case !unicode.IsPrint(r):
			return errf(field, "contains a control or invisible character (%U): spaces and '#' may be in a company's id, line breaks, tabs and zero-width characters not", r)
		default:
			blank = false
		}
	}
	if blank {
		return errf(field, "blank: a group call names the company's id, not spaces alone")
	}
	return nil
}

// replacementErr refuses an id holding U+FFFD: encoding/json (and the
// fast decoder) decode a lone UTF-16 surrogate escape to it, so
// "usr-\ud83d" and "usr-\ude00" would both be "usr-\ufffd", two users
// one person, or a second messageId dropped as a repeat.
func replacementErr(field string) *Error {
	return errf(field, "contains U+FFFD, which a lone UTF-16 surrogate escape (\\ud83d) decodes to: two different ids would be one")
}

// jsonErr names the field and position of a JSON decoding failure.
func jsonErr(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field := strings.TrimPrefix(strings.TrimPrefix(te.Field, "wire."), "tagWire.") // browserWire embeds both
		if field == "" {
			field = "(body)"
		}
		got := te.Value
		if strings.HasPrefix(got, "number ") && (strings.HasPrefix(te.Type.Kind().String(), "float") || strings.HasPrefix(te.Type.Kind().String(), "int") || te.Type.Kind().String() == "interface") {
			// A number the type cannot hold (1e400): its kind was right.
			return errf(field, "%s is out of range (numbers up to about 1.8e308)", strings.TrimPrefix(got, "number "))
		}
		return errf(field, "must be %s, got %s", jsonKind(te.Type.Kind().String()), got)
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return errf("", "malformed JSON at byte %s: %v", strconv.FormatInt(se.Offset, 10), se)
	}
	return errf("", "malformed JSON: %v", err)
}

func jsonKind(k string) string {
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

// newID makes the messageId of a server call that sent none; the
// differential tests make it deterministic.
var newID = NewID

// NewID returns a random 128-bit identifier, hex encoded.
func NewID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func stringify(v any) string {
	switch x := v.(type) {
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	}
	return fmt.Sprint(v)
}
