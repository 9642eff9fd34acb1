// Package event is Baton's one event vocabulary: the types a tag or a
// server-side SDK may send, how they are validated, and how client clocks are
// corrected. Field names follow the Segment spec where the two overlap, so
// Segment/RudderStack SDKs and the Baton tag speak the same language.
package event

import (
	"encoding/json"
	"math"
	"strings"
	"time"

	"github.com/baton-hq/baton/internal/textcut"
)

// Types of event Baton understands.
const (
	PageView   = "page_view"
	Download   = "download"
	Outbound   = "outbound"
	FormSubmit = "form_submit"
	EmailClick = "email_click"
	EmailOpen  = "email_open"
	Custom     = "custom"
	Identify   = "identify"
	// Offline is an offline touch (an exhibition booth visit, a seminar, a
	// business card exchange) imported by an operator at POST /admin/touches;
	// properties "event" (the event's name) and "channel". Server-only, as
	// email clicks are: never accepted from the tag or /v1.
	Offline = "offline"
)

// Channels of offline touches (property "channel" of an Offline event).
const (
	ChannelExhibition   = "exhibition"    // 展示会: a booth visit
	ChannelSeminar      = "seminar"       // セミナー
	ChannelWebinar      = "webinar"       // ウェビナー
	ChannelBusinessCard = "business-card" // 名刺交換
)

// OfflineChannels are the channels an offline touch may have.
var OfflineChannels = []string{ChannelExhibition, ChannelSeminar, ChannelWebinar, ChannelBusinessCard}

// Minutes is how long the person attended an offline touch: its property
// "minutes", a webinar report's time in session summed over their rejoins
// (internal/offline). ok is false for another event, or a touch that does
// not say (a fair's visit).
func (e *Event) Minutes() (n int, ok bool) {
	if e.Type != Offline {
		return 0, false
	}
	return MinutesOf(e.Properties["minutes"])
}

// MinutesOf reads a "minutes" property as the import sets it (an int) or
// as a store gives it back (a JSON number: float64 or json.Number): a
// whole number, not negative.
func MinutesOf(v any) (int, bool) {
	var f float64
	switch m := v.(type) {
	case int:
		f = float64(m)
	case int64:
		f = float64(m)
	case float64:
		f = m
	case json.Number:
		var err error
		if f, err = m.Float64(); err != nil {
			return 0, false
		}
	default:
		return 0, false
	}
	if f < 0 || f != math.Trunc(f) || f > math.MaxInt32 {
		return 0, false
	}
	return int(f), true
}

// browserTypes are the types the public collector accepts from a browser.
// email_click and email_open are recorded only by the click function, which
// verifies a signed token; accepting them from a page would let any site forge
// a newsletter click.
var browserTypes = map[string]bool{
	PageView: true, Download: true, Outbound: true, FormSubmit: true, Custom: true, Identify: true,
}

// Limits from the Segment HTTP API, which Baton keeps for both wire formats.
const (
	MaxEventBytes   = 32 << 10
	MaxRequestBytes = 500 << 10
	MaxBatchEvents  = 2500 // "up to 2500 events" a batch (HTTP API Source, Errors)
)

// UTM holds the campaign parameters parsed from the page URL.
type UTM struct {
	Source   string `json:"source,omitempty"`
	Medium   string `json:"medium,omitempty"`
	Campaign string `json:"campaign,omitempty"`
	Term     string `json:"term,omitempty"`
	Content  string `json:"content,omitempty"`
}

// Empty reports whether no UTM parameter was set.
func (u UTM) Empty() bool { return u == UTM{} }

// MaxUserAgent bounds a stored user agent, in bytes. Browsers send 100-300
// (Chrome's is about 130); the header has no limit of its own below the
// server's 64 KB for all headers, and is stored with each event of the
// request: uncut, one small request of many events stored megabytes.
const MaxUserAgent = 512

// UserAgent is ua as stored: at most MaxUserAgent bytes, cut on a
// character boundary.
func UserAgent(ua string) string { return textcut.Bytes(ua, MaxUserAgent) }

// Client describes where an event came from, filled in by the server from the
// request (never trusted from the body except the user agent of server-side
// SDKs, which report their end user's browser).
type Client struct {
	UserAgent string `json:"userAgent,omitempty"`
	IP        string `json:"ip,omitempty"` // already truncated; the full address is never stored
	Locale    string `json:"locale,omitempty"`
	Webdriver bool   `json:"webdriver,omitempty"`
	Method    string `json:"method,omitempty"` // HTTP method of tracked clicks (HEAD never counts)
	API       string `json:"api,omitempty"`    // "server": sent by a backend through /v1 (the HTTP client is not the visitor)
	// Direct: a /v1 call the visitor's device made itself (Segment's
	// context.direct, or a page's call, analytics.js's): its HTTP client
	// is the visitor, whose address is the request's. Not stored.
	Direct bool `json:"-"`
}

// Enrichment is what the server derived about the client.
type Enrichment struct {
	Browser        string `json:"browser,omitempty"`
	BrowserVersion string `json:"browserVersion,omitempty"`
	OS             string `json:"os,omitempty"`
	Device         string `json:"device,omitempty"` // desktop, mobile, tablet, bot
	Bot            bool   `json:"bot,omitempty"`
	Scanner        bool   `json:"scanner,omitempty"` // email security scanner
	FlagReason     string `json:"flagReason,omitempty"`
	// Visit is the verdict on a newsletter click's visit (the clicks of one
	// client on one recipient's email): VisitHuman once it was judged and
	// nothing flagged it, VisitScanner when a later click of the visit
	// flagged this one. Empty: not judged yet (see Scorable).
	Visit   string `json:"visit,omitempty"`
	Country string `json:"country,omitempty"`
	Region  string `json:"region,omitempty"`
	City    string `json:"city,omitempty"`
	ASN     uint   `json:"asn,omitempty"`
	Org     string `json:"org,omitempty"`
}

// Event is one validated, server-stamped event as it is stored.
type Event struct {
	ID          string         `json:"id"` // the client's messageId: a repeat is stored once
	Type        string         `json:"type"`
	Name        string         `json:"name,omitempty"` // custom event name
	Site        string         `json:"site,omitempty"`
	VisitorID   string         `json:"visitorId"`             // the canonical visitor (cookie) the event is stored under
	AnonymousID string         `json:"anonymousId,omitempty"` // the id the client sent, if different
	UserID      string         `json:"userId,omitempty"`
	ReceivedAt  time.Time      `json:"receivedAt"`
	SentAt      time.Time      `json:"sentAt,omitzero"`
	OriginalTS  time.Time      `json:"originalTimestamp,omitzero"`
	Timestamp   time.Time      `json:"timestamp"` // client time corrected for clock skew
	URL         string         `json:"url,omitempty"`
	Referrer    string         `json:"referrer,omitempty"`
	Title       string         `json:"title,omitempty"`
	UTM         UTM            `json:"utm,omitzero"`
	Properties  map[string]any `json:"properties,omitempty"`
	Traits      map[string]any `json:"traits,omitempty"`
	Consent     string         `json:"consent,omitempty"` // granted / denied, as the page's consent manager said
	Client      Client         `json:"client,omitzero"`
	Enrichment  Enrichment     `json:"enrichment,omitzero"`
}

// Verdicts on a click's visit (Enrichment.Visit).
const (
	VisitHuman   = "human"
	VisitScanner = "scanner"
)

// VisitWindow is how long a visit lasts from its first click: the clicks of
// one client on one recipient's email within it are judged together.
const VisitWindow = 60 * time.Second

// ClickSettle is how long after it a newsletter click is judged: its visit
// is over (VisitWindow) with a margin for requests in flight. The sweep
// judges due clicks; until then a click neither scores nor identifies.
const ClickSettle = 2 * time.Minute

// RetryHorizon is how long a client may hold an event before sending it.
// The tag keeps an event queued until the collector answers (a lost
// answer, a network error, a page unloading first), and sends it again,
// with its message id, with the next event or page, for as long as that
// takes; the collector refuses a tag's event held longer (Stale), so that
// an erased event's tombstone (eventlog) need outlive its receipt by this
// only.
const RetryHorizon = 7 * 24 * time.Hour

// Stale reports whether the client held the event longer than RetryHorizon
// before sending it: its sentAt minus its timestamp, both on the client's
// clock. A request without a sent time (older tags' queued forms) is
// measured against its receipt instead: its retry would otherwise outlive
// an erased event's tombstone, and the tombstone's extra day covers the
// client's clock being off. Without a timestamp: not stale.
func (e *Event) Stale() bool {
	sent := e.SentAt
	if sent.IsZero() {
		sent = e.ReceivedAt
	}
	return !sent.IsZero() && !e.OriginalTS.IsZero() && sent.Sub(e.OriginalTS) > RetryHorizon
}

// Scorable reports whether scoring may count the event at now: a newsletter
// click only once its visit was judged human, or ClickSettle after it (a
// click stored before visits were judged, or one the sweep has not reached:
// every scanner signal of its visit was seen by then). Flagged events are
// never scorable.
func (e *Event) Scorable(now time.Time) bool {
	if e.Flagged() {
		return false
	}
	if e.Type == EmailClick && e.Enrichment.Visit != VisitHuman {
		return !now.Before(e.Timestamp.Add(ClickSettle))
	}
	return true
}

// Flagged reports whether the event came from a bot or a scanner, or is an
// offline touch its webinar report says did not happen (Absent): kept for
// anyone who wants to look, but never scored nor a touch.
func (e *Event) Flagged() bool { return e.Enrichment.Bot || e.Enrichment.Scanner || e.Absent() }

// Absent reports an offline touch marked not attended: imported from a
// webinar's registrants, then its report said いいえ (internal/offline).
func (e *Event) Absent() bool {
	return e.Type == Offline && e.Properties["absent"] == true
}

// Email returns the email the event carries (identify traits, else form
// fields), normalised, or "" when it carries none or an invalid one. Of
// several email traits ("email", "manager_email" ...) the plainest name
// wins, then the first by name: never the map's random order, which made
// a browser identified as whichever address came first, and its retry as
// another. A form's fields are chosen among by formEmail.
func (e *Event) Email() string {
	best, rank, key := "", 0, ""
	for k, v := range e.Traits {
		r := emailKeyRank(k)
		if r == 0 || best != "" && (r > rank || r == rank && k > key) {
			continue
		}
		if s, ok := v.(string); ok {
			if n, err := NormalizeEmail(s); err == nil {
				best, rank, key = n, r, k
			}
		}
	}
	if best != "" {
		return best
	}
	return formEmail(e.Properties)
}

// UnreadableEmailTrait names the trait of an identify that reads as an
// email by its name but whose value is not an address Baton can read ("Taro
// Yamada <taro@example.com>", "taro@localhost", a number), when no other
// trait gives one: the event identifies nobody, and the caller is told so.
func (e *Event) UnreadableEmailTrait() string {
	if e.Email() != "" {
		return ""
	}
	name := ""
	for k, v := range e.Traits {
		if emailKeyRank(k) == 0 || v == nil || v == "" || name != "" && k > name {
			continue
		}
		name = k
	}
	return name
}

// Attributes returns the person attributes the event carries: identify
// traits, or a submitted form's fields, as strings.
func (e *Event) Attributes() map[string]string {
	out := map[string]string{}
	add := func(m map[string]any) {
		for k, v := range m {
			switch x := v.(type) {
			case string:
				if x != "" {
					out[k] = x
				}
			case float64, bool:
				out[k] = stringify(x)
			}
		}
	}
	add(formFields(e.Properties))
	for k, v := range e.Traits {
		if m, ok := v.(map[string]any); ok {
			addSpecObject(out, strings.ToLower(k), m)
		}
	}
	add(e.Traits) // a flat trait wins over an object's field of its name
	return out
}

// specObjects are the traits Segment's identify spec shapes as objects
// (company {name, id, industry, employee_count, plan}, address {street,
// city, state, postalCode, country}), by the attribute names each field
// is read as: a backend that follows the spec sends them so, and read as
// flat traits only they were dropped. Other objects are no attributes.
var specObjects = map[string]map[string]string{
	"company": {"name": "company", "industry": "industry", "employee_count": "employee_count", "employees": "employees", "website": "website"},
	"address": {"street": "street", "city": "city", "state": "state", "postalcode": "postal_code", "postal_code": "postal_code", "country": "country"},
}

// addSpecObject adds the fields of a spec object trait: a field it names
// as its attribute, another (company.id, company.plan) as
// "<trait>_<field>".
func addSpecObject(out map[string]string, trait string, m map[string]any) {
	names, ok := specObjects[trait]
	if !ok {
		return
	}
	for k, v := range m {
		var s string
		switch x := v.(type) {
		case string:
			s = x
		case float64, bool:
			s = stringify(x)
		}
		if s == "" {
			continue
		}
		name, ok := names[strings.ToLower(k)]
		if !ok {
			name = trait + "_" + k
		}
		out[name] = s
	}
}

// Labels returns a submitted form's field labels by field name: the tag
// sends each field's label, for the server to decide the attribute of a
// field whose name says nothing (text-123) by meaning (identity.SplitLabelled).
func (e *Event) Labels() map[string]string {
	m, _ := e.Properties["labels"].(map[string]any)
	if e.Type != FormSubmit || len(m) == 0 {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		if s, ok := v.(string); ok && s != "" {
			out[k] = s
		}
	}
	return out
}

func formFields(props map[string]any) map[string]any {
	if f, ok := props["fields"].(map[string]any); ok {
		return f
	}
	return nil
}
