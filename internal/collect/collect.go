// Package collect is Baton's public ingestion: the tag's POST /e, the
// Segment-compatible server-side API (/v1/*), and the first-party visitor
// cookie. The tag's page views take one store write and no read (the server
// API's one read more: whether its id was an erased person's); only events
// that carry an email go on to identify the browser.
package collect

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/baton-hq/baton/internal/clock"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/httpx"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/internaltraffic"
	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/visitor"
)

// EventWriter stores events, reads the stored one a repeat names, and
// deletes one an erasure raced; see eventlog.Log.
type EventWriter interface {
	Append(ctx context.Context, evs []event.Event) ([]bool, error)
	Get(ctx context.Context, visitor, id string) (event.Event, error)
	DeleteEvents(ctx context.Context, visitor string, ids ...string) (privacy.Removed, error)
	// Seen reports whether any event is stored under a visitor id.
	Seen(ctx context.Context, visitor string) (bool, error)
}

// Identifier links a browser to a person, and tells whether an email was
// erased; see identity.Stitcher.
type Identifier interface {
	Identify(ctx context.Context, id identity.Identification) (identity.Person, identity.LinkResult, error)
	// PersonOf is the person a visitor id belongs to now ("" when none).
	PersonOf(ctx context.Context, visitor string) (string, error)
	LinkPerson(ctx context.Context, visitor, person string, at time.Time, st identity.Strength) (identity.LinkResult, error)
	Erased(ctx context.Context, email string) (bool, error)
	// RefusedVisitor reports whether a visitor id was an erased person's
	// alone, or is one of a person who withdrew consent (the server API's
	// "u:<userId>").
	RefusedVisitor(ctx context.Context, visitor string) (bool, error)
	// NoteUnidentified remembers an event that names an email and
	// identifies nobody (flagged), for the email's erasure; ErrErased once
	// it is erased.
	NoteUnidentified(ctx context.Context, ev event.Event, email string) error
	// WithdrawConsent records a person's withdrawal made on one of their
	// browsers; RegainConsent lifts it (a form from a browser that collects).
	WithdrawConsent(ctx context.Context, visitor string, at time.Time) error
	RegainConsent(ctx context.Context, person string) error
}

// Handler serves the collection endpoints.
type Handler struct {
	Events EventWriter
	People Identifier
	// Enrich fills Client.IP (truncated) and Enrichment; nil: no IP kept. For
	// the server API's events the address is the one the SDK reported
	// (Client.IP from context.ip), never the request's.
	Enrich func(r *http.Request, ev *event.Event)

	Origins []string // allowed browser origins; the collector's own origin is always allowed
	Sites   []string // accepted site ids; empty: any
	// Internal is the company's own traffic: the tag's requests from its
	// networks and events naming its staff's emails are answered as
	// stored and not stored.
	Internal internaltraffic.Filter
	Scrub    event.Scrubber // removes secrets and email addresses from stored URLs
	// ScoringOff says why nothing is scored ("" when scoring runs), for /healthz.
	ScoringOff string
	// StoreFailure says why the store cannot write (nil while it can), for
	// /healthz: the embedded store's disk full or file unwritable
	// (bolttable.Table.WriteFailure); nil on DynamoDB.
	StoreFailure func() error
	Cookie       visitor.Cookie
	WriteKey     string
	Consent      Consent
	Now          func() time.Time
	// Sleep waits d or until ctx ends (default: a timer); tests hand one
	// that moves their clock.
	Sleep func(ctx context.Context, d time.Duration)
	Log   *slog.Logger

	joined  joinedPairs    // id pairs joined lately (linkUserIDs)
	pace    pace           // how long the tag's requests naming an email take to store
	refused refusedOrigins // the origins refused lately, each logged once a while (refuseOrigin)
}

// Routes registers the endpoints on mux.
func (h *Handler) Routes(mux *http.ServeMux) {
	mux.HandleFunc("POST /e", h.browser)
	mux.HandleFunc("OPTIONS /e", h.preflight)
	for _, call := range []string{"track", "identify", "page", "screen", "group", "alias", "batch"} {
		mux.HandleFunc("POST /v1/"+call, h.server(call))
		// analytics.js (analytics-next) posts each call to its type's
		// initial (/v1/t, /v1/p ...) and its batches to /v1/b.
		mux.HandleFunc("POST /v1/"+call[:1], h.server(call))
	}
	mux.HandleFunc("POST /v1/import", h.server("batch")) // analytics-java's batch endpoint
	mux.HandleFunc("OPTIONS /v1/{call}", h.preflight)
	// Without it an unknown call answered 405 (the OPTIONS route matches its path).
	mux.HandleFunc("POST /v1/{call}", func(w http.ResponseWriter, r *http.Request) {
		httpx.Error(w, http.StatusNotFound, "no such call: /v1/"+r.PathValue("call")+" (the calls: track, identify, page, screen, group, alias, batch)")
	})
	mux.HandleFunc("POST /optout", h.optOut)
	mux.HandleFunc("POST /optin", h.optIn)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		scoring := "on"
		if h.ScoringOff != "" {
			scoring = "off: " + h.ScoringOff
		}
		if h.StoreFailure != nil {
			if err := h.StoreFailure(); err != nil {
				// Every event is answered 503 meanwhile: a monitor must see it
				// here, not only in the log.
				httpx.JSON(w, http.StatusServiceUnavailable, map[string]string{"status": "failing", "store": err.Error(), "scoring": scoring})
				return
			}
		}
		httpx.JSON(w, http.StatusOK, map[string]string{"status": "ok", "scoring": scoring})
	})
}

func (h *Handler) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return clock.Now()
}

func (h *Handler) log() *slog.Logger {
	if h.Log != nil {
		return h.Log
	}
	return slog.Default()
}

// allowedOrigin reports whether a browser origin may send events; a request
// without Origin is not from a page (a browser always sends it on POST).
func (h *Handler) allowedOrigin(r *http.Request) (string, bool) {
	o := r.Header.Get("Origin")
	if o == "" {
		return "", true
	}
	lo := strings.ToLower(o)
	for _, a := range h.Origins {
		if a == lo {
			return o, true
		}
	}
	if u := strings.TrimPrefix(strings.TrimPrefix(lo, "https://"), "http://"); u == strings.ToLower(r.Host) {
		return o, true
	}
	return o, false
}

func (h *Handler) cors(w http.ResponseWriter, origin string) {
	hd := w.Header()
	if origin == "" || hd.Get("Access-Control-Allow-Origin") == origin {
		return // none, or set already by RefusalsReadable
	}
	hd.Set("Access-Control-Allow-Origin", origin)
	hd.Set("Access-Control-Allow-Credentials", "true")
	// Not a CORS-safelisted header: analytics.js reads it on a 429
	// (shared-dispatcher parseRetryAfter), and waits its own backoff without.
	hd.Set("Access-Control-Expose-Headers", "Retry-After")
	hd.Add("Vary", "Origin")
}

// refuseOrigin answers a page of an origin not in BATON_SITE_ORIGINS (the
// commonest install mistake: the apex for www, a staging host) with a 403
// it can read: without CORS headers the browser hid the body saying what
// to add, and the site's console showed only a generic CORS error. The
// headers are the accepted answer's that let the page read it (the tag
// fetches with credentials: the origin and Allow-Credentials), nothing
// else: the body is the refusal, the event is not taken, no cookie is
// set. The refusal is logged (warnOrigin).
func (h *Handler) refuseOrigin(w http.ResponseWriter, r *http.Request, origin, msg string) {
	hd := w.Header()
	hd.Set("Access-Control-Allow-Origin", origin)
	hd.Set("Access-Control-Allow-Credentials", "true")
	hd.Add("Vary", "Origin")
	h.warnOrigin(r, origin)
	httpx.Error(w, http.StatusForbidden, msg)
}

// warnOrigin logs a refused origin, once an origin a while (refusedOrigins).
func (h *Handler) warnOrigin(r *http.Request, origin string) {
	switch o, n := h.refused.note(origin, h.now()); {
	case n > 0:
		h.log().Warn("collect: events refused from more origins not in BATON_SITE_ORIGINS than are logged; the others are not named",
			"origins_named", n, "again_in", refusedLogEvery.String())
	case o != "":
		h.log().Warn("collect: events refused from an origin not in BATON_SITE_ORIGINS: add it (scheme and host as the browser sends them, www or not) if it is one of the company's sites",
			"origin", o, "path", r.URL.Path, "logged_once_per", refusedLogEvery.String())
	}
}

// How refused origins are logged: each at most once every
// refusedLogEvery, at most refusedOriginsKept of them remembered (past
// those, one line a refusedLogEvery says there are more), each cut to
// refusedOriginLen bytes: made-up Origin headers can flood neither the
// log nor the memory.
const (
	refusedLogEvery    = 10 * time.Minute
	refusedOriginsKept = 100
	refusedOriginLen   = 200
)

// refusedOrigins is when each origin refused lately was logged.
type refusedOrigins struct {
	mu   sync.Mutex
	seen map[string]time.Time // origin (cut) -> when it was logged
	full time.Time            // when the line saying there are more was logged
}

// note says what to log of a refusal of origin at now: the origin (cut)
// when it was not logged in the last refusedLogEvery, or n > 0 (the
// origins remembered) when too many others were and the line saying so
// was not; neither when nothing is to be logged.
func (o *refusedOrigins) note(origin string, now time.Time) (log string, n int) {
	if len(origin) > refusedOriginLen {
		origin = strings.ToValidUTF8(origin[:refusedOriginLen], "") + "…"
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if at, ok := o.seen[origin]; ok {
		if now.Sub(at) < refusedLogEvery {
			return "", 0
		}
	} else if len(o.seen) >= refusedOriginsKept {
		for k, at := range o.seen {
			if now.Sub(at) >= refusedLogEvery {
				delete(o.seen, k)
			}
		}
		if len(o.seen) >= refusedOriginsKept {
			if !o.full.IsZero() && now.Sub(o.full) < refusedLogEvery {
				return "", 0
			}
			o.full = now
			return "", len(o.seen)
		}
	}
	if o.seen == nil {
		o.seen = map[string]time.Time{}
	}
	o.seen[origin] = now
	return origin, 0
}

// RefusalsReadable wraps what answers before the collector (a server's
// rate limits and bounds: 429, 503) so that a page can read those answers
// to the calls it makes under base (the base path: POST /e from the tag,
// POST /v1/... from analytics.js) as it reads the collector's own: without
// the CORS headers the browser hides the status and Retry-After, and the
// site's console shows a CORS error instead of the throttling.
func (h *Handler) RefusalsReadable(base string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p := r.URL.Path; r.Method == http.MethodPost && (p == base+"/e" || strings.HasPrefix(p, base+"/v1/")) {
			if origin, ok := h.allowedOrigin(r); ok {
				h.cors(w, origin)
			}
		}
		next.ServeHTTP(w, r)
	})
}

func (h *Handler) preflight(w http.ResponseWriter, r *http.Request) {
	origin, ok := h.allowedOrigin(r)
	if origin == "" { // a browser's preflight always names its page's origin
		httpx.Error(w, http.StatusBadRequest, "a CORS preflight (OPTIONS) needs an Origin header: browsers send one; to send events, POST")
		return
	}
	if !ok {
		// No browser lets a page read a preflight's answer, whatever its
		// headers, and a refused one is not to pass (the POST after it
		// would be /v1's, admitted by its write key): no CORS headers, and
		// the log says it. The tag's own POST /e (text/plain) needs no
		// preflight, and its page reads its refusal.
		h.warnOrigin(r, origin)
		httpx.Error(w, http.StatusForbidden, "origin "+origin+" is not allowed: add it to BATON_SITE_ORIGINS")
		return
	}
	h.cors(w, origin)
	w.Header().Set("Access-Control-Allow-Methods", "POST")
	allow := "Content-Type"
	if strings.HasPrefix(r.URL.Path, "/v1/") {
		// analytics.js (analytics-next 1.84) sends the write key as Basic
		// auth too, and X-Retry-Count on a retry: a preflight each.
		allow += ", Authorization, X-Retry-Count"
	}
	w.Header().Set("Access-Control-Allow-Headers", allow)
	w.Header().Set("Access-Control-Max-Age", "86400")
	w.WriteHeader(http.StatusNoContent)
}

// browser serves POST /e from the tag.
func (h *Handler) browser(w http.ResponseWriter, r *http.Request) {
	origin, ok := h.allowedOrigin(r)
	if !ok {
		h.refuseOrigin(w, r, origin, "origin "+origin+" is not allowed to send events: add it to BATON_SITE_ORIGINS")
		return
	}
	h.cors(w, origin)
	if !contentTypeOK(r, "application/json", "text/plain") {
		httpx.Error(w, http.StatusUnsupportedMediaType, "send events as application/json or text/plain")
		return
	}
	if enc := strings.ToLower(strings.TrimSpace(r.Header.Get("Content-Encoding"))); enc != "" && enc != "identity" {
		// The tag never compresses; a body read as it came was refused as
		// "not valid UTF-8", which says nothing of why.
		httpx.Error(w, http.StatusUnsupportedMediaType, fmt.Sprintf("Content-Encoding %q: send the tag's events as they are (the Segment API, /v1, takes gzip)", enc))
		return
	}
	body, status, err := httpx.ReadBody(w, r, event.MaxRequestBytes)
	if err != nil {
		httpx.Error(w, status, err.Error())
		return
	}
	received := h.now()
	evs, at, rejected, err := event.ParseEach(body, event.Browser, event.Meta{ReceivedAt: received, Client: event.Client{UserAgent: event.UserAgent(r.UserAgent())}, Scrub: h.Scrub, ConsentCategory: h.Consent.Category})
	if err != nil {
		writeParseError(w, err)
		return
	}
	evs, at, rejected = capEmails(evs, at, rejected)
	if evs, at, rejected = dropStale(evs, at, rejected); len(evs) == 0 {
		// Only events held too long: answered so that the tag unqueues them.
		httpx.JSON(w, http.StatusOK, map[string]any{"accepted": 0, "refused": h.refusedBodies(0, rejected)})
		return
	}
	if evs, _, rejected, err = h.dropUnknownSites(evs, at, rejected); err != nil {
		writeParseError(w, err)
		return
	}
	if evs, _ = keepWhere(evs, nil, func(ev event.Event) bool { return !inPageJump(ev) }); len(evs) == 0 {
		// Answered as stored, so that the tag unqueues them.
		httpx.JSON(w, http.StatusAccepted, map[string]any{"stored": 0, "reason": "a jump within the page (an anchor link), not a page view"})
		return
	}
	if h.Internal.Request(r, h.Cookie.Proxies) {
		// Staff on the office network: answered as stored, so that the
		// tag unqueues it, and saying why for whoever checks the tag.
		httpx.JSON(w, http.StatusAccepted, map[string]any{"stored": 0, "reason": "internal traffic: the address is in internal_traffic.ips"})
		return
	}
	if h.Internal.Emails() {
		// A staff member's form (testing it, or from home): not a lead.
		if evs, _ = keepWhere(evs, nil, h.external); len(evs) == 0 {
			httpx.JSON(w, http.StatusAccepted, map[string]any{"stored": 0, "reason": "internal traffic: the email is in internal_traffic.email_domains"})
			return
		}
	}
	out := optedOut(r)
	if reason := h.Consent.refused(r, out, evs); reason != "" {
		// Collection is off for this browser: nothing is stored, and the
		// answer is a success so the tag does not retry.
		httpx.JSON(w, http.StatusAccepted, map[string]any{"stored": 0, "reason": reason})
		return
	}
	if out {
		h.clearOptOut(w, r) // consent given again since the opt-out (refused)
	}
	kept, _ := keepWhere(evs, nil, h.Consent.allowed)
	if dropped := len(evs) - len(kept); len(kept) == 0 {
		httpx.JSON(w, http.StatusAccepted, map[string]any{"stored": 0, "dropped": dropped, "reason": "consent required"})
		return
	}
	evs = kept
	kept, _, dropped, ok := h.dropErased(w, r, evs, nil)
	if !ok {
		return
	}
	vid, fromCookie := h.Cookie.Read(r)
	if !fromCookie {
		vid = adoptVisitor(evs)
	}
	// From here a request naming an erased person's email (dropped) is
	// answered no sooner than one naming another's (h.pace): anyone
	// can type an email into a form, and must not learn from the answer,
	// nor from its time, that its owner was erased.
	start := h.now()
	if len(kept) == 0 {
		// Every event names a person who asked to be forgotten: nothing is
		// stored (the form would bring their email back). The answer is a
		// stored submission's, cookie and all.
		h.log().Info("collect: events naming an erased person not stored", "dropped", dropped)
		h.wait(r.Context(), h.pace.typical()-h.now().Sub(start))
		h.Cookie.Set(w, r, vid)
		w.WriteHeader(http.StatusNoContent)
		return
	}
	evs = kept
	for i := range evs {
		evs[i].VisitorID = vid
		if evs[i].AnonymousID == vid {
			evs[i].AnonymousID = ""
		}
	}
	if _, ok := h.store(w, r, evs); !ok {
		return
	}
	if dropped > 0 {
		h.wait(r.Context(), h.pace.typical()-h.now().Sub(start))
	} else if namesEmail(evs) {
		h.pace.observe(h.now().Sub(start))
	}
	h.Cookie.Set(w, r, vid)
	if len(rejected) > 0 {
		// The rest is stored; the tag drops the refused ones with them
		// (they would be refused again), and the answer says which.
		httpx.JSON(w, http.StatusOK, map[string]any{"accepted": len(evs), "refused": h.refusedBodies(len(evs), rejected)})
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// inPageJump reports whether a page view is the visitor moving within the
// page they were on: its URL is its referrer (the tag's previous view) but
// for the fragment, and neither fragment is a hash route (#/pricing,
// #!/pricing). The tag records every new location.href, and an anchor link
// (a landing page's table of contents, a "page top" link's #) changes only
// the fragment: each click was stored as a view of the page, scored as one
// (a pricing page's several times a day). A restore from the back-forward
// cache, whose referrer is the page itself, is a view.
func inPageJump(ev event.Event) bool {
	if ev.Type != event.PageView || ev.URL == ev.Referrer {
		return false
	}
	u, uf, _ := strings.Cut(ev.URL, "#")
	r, rf, _ := strings.Cut(ev.Referrer, "#")
	route := func(f string) bool { return strings.HasPrefix(f, "/") || strings.HasPrefix(f, "!") }
	return u == r && !route(uf) && !route(rf)
}

// dropStale refuses the tag's events held longer than event.RetryHorizon
// before they were sent (a queue that waited for a visitor's return): an
// erased event's tombstone lasts that long after it was received, and a
// retry later than that would bring it back. rejected keeps the request's
// order.
func dropStale(evs []event.Event, at []int, rejected []*event.Error) ([]event.Event, []int, []*event.Error) {
	stale := false
	for i := range evs {
		stale = stale || evs[i].Stale()
	}
	if !stale {
		return evs, at, rejected
	}
	for i := range evs {
		if evs[i].Stale() {
			idx := at[i]
			rejected = append(rejected, &event.Error{Status: 400, Field: "timestamp", Index: &idx,
				Message: fmt.Sprintf("held for more than %d days before it was sent: not stored", int(event.RetryHorizon/(24*time.Hour)))})
		}
	}
	slices.SortStableFunc(rejected, func(a, b *event.Error) int { return cmp.Compare(indexOf(a.Index), indexOf(b.Index)) })
	evs, at = keepWhere(evs, at, func(ev event.Event) bool { return !ev.Stale() })
	return evs, at, rejected
}

// MaxTagEmails bounds the tag's events naming an email in one request: each
// identifies someone (a few writes, a person created). A page sends a form
// or two at a time; a batch of 1,000 forms (anyone can post one) held the
// request for 30 s, identified a hundred people and answered 503, which the
// tag would send again.
const MaxTagEmails = 10

// capEmails refuses, one by one, the events naming an email past the first
// MaxTagEmails of a request (the tag drops what a 4xx named).
func capEmails(evs []event.Event, at []int, rejected []*event.Error) ([]event.Event, []int, []*event.Error) {
	n := 0
	over := make([]bool, len(evs))
	for i := range evs {
		if evs[i].Email() == "" {
			continue
		}
		if n++; n > MaxTagEmails {
			over[i] = true
			idx := at[i]
			rejected = append(rejected, &event.Error{Status: 400, Field: "email", Index: &idx,
				Message: fmt.Sprintf("more than %d events naming an email in one request: not stored", MaxTagEmails)})
		}
	}
	if n <= MaxTagEmails {
		return evs, at, rejected
	}
	slices.SortStableFunc(rejected, func(a, b *event.Error) int { return cmp.Compare(indexOf(a.Index), indexOf(b.Index)) })
	var keptEvs []event.Event
	var keptAt []int
	for i := range evs {
		if !over[i] {
			keptEvs, keptAt = append(keptEvs, evs[i]), append(keptAt, at[i])
		}
	}
	return keptEvs, keptAt, rejected
}

// server serves the Segment-compatible /v1/<call>.
func (h *Handler) server(call string) http.HandlerFunc {
	force := call
	if call == "batch" {
		force = ""
	}
	return func(w http.ResponseWriter, r *http.Request) {
		// analytics.js calls from the site's pages: they read the answer
		// only with CORS headers (a fetch that cannot is retried), given
		// to the site's origins. The write key, not the Origin, admits a
		// call: a first-party proxy in front of Baton forwards its page's
		// Origin, whatever BATON_SITE_ORIGINS says.
		if origin, ok := h.allowedOrigin(r); ok {
			h.cors(w, origin)
		}
		header := r.Header.Get("Authorization") != ""
		if header && !h.authorized(w, r, "", false) {
			return
		}
		// text/plain: analytics.js's, which spares the page a CORS preflight.
		if !contentTypeOK(r, "application/json", "text/plain") {
			httpx.Error(w, http.StatusUnsupportedMediaType, "send the events as application/json (or text/plain, as analytics.js does)")
			return
		}
		body, status, err := readServerBody(w, r)
		if err != nil {
			httpx.Error(w, status, err.Error())
			return
		}
		if !header {
			// Segment's writeKey authentication: the key in the body.
			if key, found := event.BodyWriteKey(body); !h.authorized(w, r, key, found) {
				return
			}
		}
		// The HTTP client is mostly the customer's backend (curl,
		// analytics-java, Go's net/http ...), not the visitor: its user
		// agent and address say nothing about the visitor. Only
		// context.userAgent and context.ip, the visitor's as the SDK
		// reports them, count; and the request's address for a call from
		// the visitor's own device (Client.Direct, below).
		meta := event.Meta{ReceivedAt: h.now(), Scrub: h.Scrub, ConsentCategory: h.Consent.Category}
		var (
			evs     []event.Event
			at      []int // each event's index in the request
			refused []*event.Error
		)
		if call == "batch" {
			// Segment answers 200 to a batch whatever its events, and an
			// SDK drops a batch a 4xx answered: one bad event must not lose
			// the rest. The invalid ones are left out and named.
			evs, at, refused, err = event.ParseEach(body, event.Server, meta)
		} else {
			evs, err = event.Parse(body, event.Server, force, meta)
			at = []int{0}
			if err == nil && len(evs) != 1 {
				// The event reader takes arrays and batches (POST /e, the
				// batch call); a single call's answer names one event.
				err = &event.Error{Status: 400, Message: "/v1/" + call + " takes one event, a JSON object; send several to /v1/batch"}
			}
		}
		if err != nil {
			writeParseError(w, err)
			return
		}
		if call == "batch" {
			evs, at, refused, err = h.dropUnknownSites(evs, at, refused)
		} else {
			err = h.checkSites(evs)
		}
		if err != nil {
			writeParseError(w, err)
			return
		}
		if r.Header.Get("Origin") != "" {
			// A page's call (analytics.js): the browser's own choices,
			// Global Privacy Control and the opt-out, hold as on POST /e.
			// Nothing is stored, and the answer is a success so that the
			// page does not send it again.
			if reason := h.Consent.refused(r, optedOut(r), evs); reason != "" {
				httpx.JSON(w, http.StatusOK, map[string]any{"success": true, "stored": 0, "reason": reason})
				return
			}
		}
		out := map[string]any{"success": true}
		if len(refused) > 0 {
			out["refused"] = h.refusedBodies(len(evs), refused) // not stored: sending them again is refused again
		}
		// The page's consent, forwarded by the backend, holds as on POST /e:
		// an event without the consent its site needs is not stored.
		evs, at = keepWhere(evs, at, h.Consent.allowed)
		if h.Internal.Emails() {
			evs, at = keepWhere(evs, at, h.external) // staff's own emails: answered as stored
		}
		var ok bool
		if evs, at, _, ok = h.dropErased(w, r, evs, at); !ok {
			return
		}
		var gone []httpx.ErrorBody
		if evs, at, gone, ok = h.dropRefusedIDs(w, r, evs, at); !ok {
			return
		}
		if len(gone) > 0 {
			prev, _ := out["refused"].([]httpx.ErrorBody)
			out["refused"] = sortByIndex(append(prev, gone...)) // not stored: sent again, refused again
		}
		if len(evs) == 0 { // every event names an erased person: nothing stored
			httpx.JSON(w, http.StatusOK, out)
			return
		}
		for i := range evs {
			// A page's call (a browser sends Origin; a backend's SDK does
			// not): the HTTP client is the visitor, as context.direct says.
			evs[i].Client.Direct = evs[i].Client.Direct || r.Header.Get("Origin") != ""
			if evs[i].AnonymousID != "" {
				evs[i].VisitorID = evs[i].AnonymousID
				evs[i].AnonymousID = ""
			} else {
				evs[i].VisitorID = "u:" + evs[i].UserID
			}
		}
		skipped, ok := h.store(w, r, evs)
		if !ok {
			return
		}
		if !h.linkUserIDs(w, r, evs) {
			return
		}
		more, ok := h.updateUsers(w, r, evs)
		if !ok {
			return
		}
		if skipped = append(skipped, more...); len(skipped) > 0 {
			slices.SortFunc(skipped, func(a, b Skip) int { return cmp.Compare(a.Index, b.Index) })
			for i := range skipped {
				skipped[i].Index = at[skipped[i].Index] // as the caller numbered them
			}
			out["skipped"] = skipped // accepted and stored, but identified nobody: said, never silent
		}
		httpx.JSON(w, http.StatusOK, out)
	}
}

// readServerBody reads a /v1 body, gunzipped when it came so: Segment's
// mobile SDKs (analytics-kotlin, analytics-android, analytics-ios) send
// their batches with Content-Encoding gzip. The limit holds for the body
// as sent and as read, so that a small bomb cannot take more memory.
func readServerBody(w http.ResponseWriter, r *http.Request) ([]byte, int, error) {
	const limits = " (Segment's limit: 500 KB a batch, 32 KB an event)"
	body, status, err := httpx.ReadBody(w, r, event.MaxRequestBytes)
	if err != nil {
		return nil, status, errors.New(err.Error() + limits)
	}
	switch enc := strings.ToLower(strings.TrimSpace(r.Header.Get("Content-Encoding"))); enc {
	case "", "identity":
		return body, 0, nil
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			return nil, http.StatusBadRequest, errors.New("Content-Encoding gzip, but the body is not gzip")
		}
		plain, err := io.ReadAll(io.LimitReader(zr, event.MaxRequestBytes+1))
		if err != nil {
			return nil, http.StatusBadRequest, errors.New("the gzip body is corrupt: " + err.Error())
		}
		if len(plain) > event.MaxRequestBytes {
			return nil, http.StatusRequestEntityTooLarge, fmt.Errorf("request body is larger than %d bytes once decompressed%s", event.MaxRequestBytes, limits)
		}
		return plain, 0, nil
	default:
		return nil, http.StatusUnsupportedMediaType, fmt.Errorf("Content-Encoding %q: send the body as it is, or gzip", enc)
	}
}

// authorized checks the write key, Segment's two ways: the HTTP Basic user
// name, or, without an Authorization header, the body's top-level
// "writeKey" (key; found says the body has one). It answers a refusal
// itself.
func (h *Handler) authorized(w http.ResponseWriter, r *http.Request, key string, found bool) bool {
	given := found
	if r.Header.Get("Authorization") != "" {
		var ok bool
		key, _, ok = r.BasicAuth()
		given = ok && key != ""
	}
	if h.WriteKey != "" && key != "" && subtle.ConstantTimeCompare([]byte(key), []byte(h.WriteKey)) == 1 {
		return true
	}
	w.Header().Set("WWW-Authenticate", `Basic realm="baton"`)
	msg := "send the write key as the HTTP Basic user name, or as \"writeKey\" in the body"
	switch {
	case h.WriteKey == "":
		msg = "the server API is off: this Baton has no write key (BATON_WRITE_KEY)"
	case given:
		msg = "wrong write key: send this Baton's BATON_WRITE_KEY as the HTTP Basic user name, or as \"writeKey\" in the body"
	}
	httpx.Error(w, http.StatusUnauthorized, msg)
	return false
}

// Skip is an event that was stored but did not identify anyone, and why.
type Skip struct {
	Index  int    `json:"index"`
	Reason string `json:"reason"`
}

// linkUserIDs follows Segment's identity model: a userId belongs to the
// person its anonymousId (or its alias's previousId) belongs to, so later
// calls that carry only the userId attach to that person. Every call that
// carries both ids ties them (Segment's identity graph takes ids from track
// and page calls as well as identify), but joining costs two reads, so a
// pair is joined once per request, and a track or page whose pair this
// process joined lately (h.joined) is not joined again: only identify,
// alias and new pairings read.
func (h *Handler) linkUserIDs(w http.ResponseWriter, r *http.Request, evs []event.Event) bool {
	ctx, cancel := finish(r.Context())
	defer cancel()
	// The ids each event may join: a pair's ids, in one group with every
	// other event naming either, are joined in request order; groups run
	// a few at a time (a batch of 1,000 identifies joined each pair in
	// turn, a durable commit each).
	groups := userIDGroups(evs)
	var (
		mu     sync.Mutex
		failed bool
		done   = map[[2]string]bool{} // a pair is joined once a request
	)
	first := func(pair [2]string) bool {
		mu.Lock()
		defer mu.Unlock()
		seen := done[pair]
		done[pair] = true
		return !seen
	}
	ok := inGroups(groups, func(i int) bool {
		if err := h.linkUserID(ctx, evs[i], first); err != nil {
			mu.Lock()
			defer mu.Unlock()
			if !failed { // the first failure is logged, the rest stop
				h.log().Error("link user id", "err", err, "event", evs[i].ID)
			}
			failed = true
			return false
		}
		return true
	})
	if !ok {
		httpx.Unavailable(w, 2*time.Second)
	}
	return ok
}

// userIDGroups splits the indexes of the events that tie ids (both ids, or
// an alias) into groups that share no id, each in request order.
func userIDGroups(evs []event.Event) [][]int {
	return grouped(len(evs), func(i int) []string {
		ev := evs[i]
		switch {
		case ev.UserID != "" && ev.VisitorID != "u:"+ev.UserID:
			return []string{ev.VisitorID, "u:" + ev.UserID}
		case isAlias(ev):
			prev, _ := ev.Properties["previousId"].(string)
			return []string{"u:" + ev.UserID, prev, "u:" + prev}
		}
		return nil
	})
}

// isAlias reports whether an event is an alias call naming both ids.
func isAlias(ev event.Event) bool {
	if ev.Type != event.Custom || ev.Name != "$alias" || ev.Flagged() {
		return false
	}
	prev, _ := ev.Properties["previousId"].(string)
	return prev != "" && ev.UserID != ""
}

// linkUserID joins the ids one event ties (see linkUserIDs); first
// reports whether a pair is the request's first of its kind (and notes it).
func (h *Handler) linkUserID(ctx context.Context, ev event.Event, first func([2]string) bool) error {
	a, bs := ev.VisitorID, []string(nil)
	explicit := ev.Type == event.Identify
	switch {
	case ev.UserID != "" && ev.VisitorID != "u:"+ev.UserID:
		bs = []string{"u:" + ev.UserID} // identify, track ... with both ids
	case isAlias(ev):
		prev, _ := ev.Properties["previousId"].(string)
		var err error
		if bs, err = h.previous(ctx, prev); err != nil {
			return fmt.Errorf("resolve an alias's previousId: %w", err)
		}
		a, explicit = "u:"+ev.UserID, true // alias {previousId, userId}
	}
	for _, b := range bs {
		pair := [2]string{a, b}
		if ev.Flagged() || (!explicit && h.joined.recent(pair, h.now())) || !first(pair) {
			continue
		}
		same, err := h.join(ctx, a, b, ev.Timestamp)
		if err != nil {
			return err
		}
		if same {
			h.joined.add(pair, h.now())
		}
	}
	return nil
}

// previous is what an alias's previousId names. Segment lets it be an
// anonymousId or an earlier userId, and the two are stored under different
// visitor ids (the anonymousId, or "u:" and the userId), so the one that
// has events or a person is taken, both when both have. Neither: the
// anonymousId when it has a cookie's shape (a browser whose events are
// still to come), else the userId.
func (h *Handler) previous(ctx context.Context, prev string) ([]string, error) {
	var out []string
	for _, id := range []string{prev, "u:" + prev} {
		p, err := h.People.PersonOf(ctx, id)
		if err != nil {
			return nil, err
		}
		seen := p != ""
		if !seen {
			if seen, err = h.Events.Seen(ctx, id); err != nil {
				return nil, err
			}
		}
		if seen {
			out = append(out, id)
		}
	}
	if len(out) == 0 {
		if visitor.Valid(prev) {
			return []string{prev}, nil
		}
		return []string{"u:" + prev}, nil
	}
	return out, nil
}

// join links whichever of two visitor ids has no person to the other's. It
// reports whether both belong to one person now (nothing left to join).
func (h *Handler) join(ctx context.Context, a, b string, at time.Time) (bool, error) {
	pa, err := h.People.PersonOf(ctx, a)
	if err != nil {
		return false, err
	}
	pb, err := h.People.PersonOf(ctx, b)
	if err != nil {
		return false, err
	}
	switch {
	case pa != "" && pb == "":
		_, err = h.People.LinkPerson(ctx, b, pa, at, identity.Strong)
	case pb != "" && pa == "":
		_, err = h.People.LinkPerson(ctx, a, pb, at, identity.Strong)
	default:
		return pa != "" && pa == pb, nil
	}
	if errors.Is(err, identity.ErrNotFound) {
		return false, nil // erased meanwhile
	}
	return err == nil, err
}

// joinedPairs remembers, for a while, the id pairs found on one person, so
// that a logged-in user's every track call does not read both links again.
// A pair is forgotten after joinedFor: a link undone since (a scanner's
// click link, an erasure) is joined again by the next call after that.
type joinedPairs struct {
	mu    sync.Mutex
	pairs map[[2]string]time.Time
}

const (
	joinedFor = 10 * time.Minute
	joinedMax = 100_000 // pairs kept; the memory is forgotten whole beyond it
)

func (j *joinedPairs) recent(p [2]string, now time.Time) bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	at, ok := j.pairs[p]
	return ok && now.Sub(at) < joinedFor && !now.Before(at)
}

func (j *joinedPairs) add(p [2]string, now time.Time) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.pairs == nil || len(j.pairs) >= joinedMax {
		j.pairs = map[[2]string]time.Time{}
	}
	j.pairs[p] = now
}

func (h *Handler) checkSites(evs []event.Event) error {
	if len(h.Sites) == 0 {
		return nil
	}
	for i, ev := range evs {
		if ev.Site == "" {
			continue
		}
		ok := false
		for _, s := range h.Sites {
			ok = ok || s == ev.Site
		}
		if !ok {
			idx := i
			return &event.Error{Status: 400, Field: "site", Message: "unknown site " + ev.Site, Index: &idx}
		}
	}
	return nil
}

// external reports whether an event names no staff email
// (internal_traffic.email_domains).
func (h *Handler) external(ev event.Event) bool { return !h.Internal.Email(ev.Email()) }

// dropUnknownSites refuses, one by one, the events of a batch whose site
// is not one of Sites, keeping the rest: the tag unqueues what a 4xx
// answered, and a Segment SDK drops a batch a 4xx answered, so an event
// of a site since removed from the config (left queued in a browser) must
// not lose the page's own events with it. rejected keeps the request's
// order; a batch with no event left is refused with its first refusal.
func (h *Handler) dropUnknownSites(evs []event.Event, at []int, rejected []*event.Error) ([]event.Event, []int, []*event.Error, error) {
	if len(h.Sites) == 0 {
		return evs, at, rejected, nil
	}
	known := func(ev event.Event) bool { return ev.Site == "" || slices.Contains(h.Sites, ev.Site) }
	n := len(rejected)
	for i, ev := range evs {
		if !known(ev) {
			idx := at[i]
			rejected = append(rejected, &event.Error{Status: 400, Field: "site", Message: "unknown site " + ev.Site, Index: &idx})
		}
	}
	if len(rejected) == n {
		return evs, at, rejected, nil
	}
	slices.SortStableFunc(rejected, func(a, b *event.Error) int { return cmp.Compare(indexOf(a.Index), indexOf(b.Index)) })
	if evs, at = keepWhere(evs, at, known); len(evs) == 0 {
		return nil, nil, nil, rejected[0]
	}
	return evs, at, rejected, nil
}

// dropErased removes the events that name the email of a person who asked
// to be forgotten: they are not stored (their email and fields would come
// back) and identify nobody. It answers a storage error itself (ok false).
func (h *Handler) dropErased(w http.ResponseWriter, r *http.Request, evs []event.Event, at []int) (kept []event.Event, keptAt []int, dropped int, ok bool) {
	// Most events carry no email: no read for them.
	var erased map[string]bool
	for _, ev := range evs {
		email := ev.Email()
		if _, seen := erased[email]; email == "" || seen {
			continue
		}
		if erased == nil {
			erased = map[string]bool{}
		}
		gone, err := h.People.Erased(r.Context(), email)
		if err != nil {
			h.log().Error("tombstone check", "err", err)
			httpx.Unavailable(w, 2*time.Second)
			return nil, nil, 0, false
		}
		erased[email] = gone
	}
	if len(erased) == 0 {
		return evs, at, 0, true
	}
	kept, keptAt = keepWhere(evs, at, func(ev event.Event) bool { return !erased[ev.Email()] })
	return kept, keptAt, len(evs) - len(kept), true
}

// dropRefusedIDs removes the server API's events under an id Baton
// refuses (RefusedVisitor): the userId of a person erased or who withdrew
// consent, or, for an event without a userId, an anonymousId that was
// theirs alone; and an alias whose previousId is one of those (it would
// store that id again and tie it to the new user). The customer's backend
// knows them by its own ids and keeps calling; their events would be
// stored again under those ids. One read per id a request names (the
// userId when there is one, else the anonymousId; an alias's previousId
// as a userId and as an anonymousId): the tag's POST /e reads nothing,
// the server API one read more than a write. It returns the refused
// events as the answer names them, and answers a storage error itself
// (ok false).
func (h *Handler) dropRefusedIDs(w http.ResponseWriter, r *http.Request, evs []event.Event, at []int) ([]event.Event, []int, []httpx.ErrorBody, bool) {
	var ids []string
	refused := map[string]bool{}
	for _, ev := range evs {
		for _, c := range refusableIDs(ev) {
			if !refused[c.id] {
				refused[c.id] = true // the reads below say
				ids = append(ids, c.id)
			}
		}
	}
	gone, err := h.refusedIDs(r.Context(), ids)
	if err != nil {
		h.log().Error("tombstone check", "err", err)
		httpx.Unavailable(w, 2*time.Second)
		return nil, nil, nil, false
	}
	for i, id := range ids {
		refused[id] = gone[i]
	}
	// refusedBy is the field of the first refused id an event names ("":
	// none).
	refusedBy := func(ev event.Event) string {
		for _, c := range refusableIDs(ev) {
			if refused[c.id] {
				return c.field
			}
		}
		return ""
	}
	var out []httpx.ErrorBody
	for i, ev := range evs {
		if field := refusedBy(ev); field != "" {
			idx := at[i]
			e := &event.Error{Field: field, Message: "refused: its person was erased or withdrew consent; not stored", Index: &idx}
			out = append(out, httpx.ErrorBody{Error: e.Error(), Field: e.Field, Index: e.Index})
		}
	}
	if len(out) > 0 {
		h.log().Info("collect: events under a refused id not stored", "refused", len(out))
	}
	evs, at = keepWhere(evs, at, func(ev event.Event) bool { return refusedBy(ev) == "" })
	return evs, at, out, true
}

// refusableID is a visitor id an event is refused by, and the field that
// names it.
type refusableID struct{ id, field string }

// refusableIDs are the ids a server API event is refused by: the visitor
// it is stored under (serverVisitor), and an alias's previousId, which
// Segment lets be an earlier userId or an anonymousId (as previous reads
// it).
func refusableIDs(ev event.Event) []refusableID {
	field := "userId"
	if ev.UserID == "" {
		field = "anonymousId"
	}
	out := []refusableID{{serverVisitor(ev), field}}
	if ev.Type == event.Custom && ev.Name == "$alias" {
		if prev, _ := ev.Properties["previousId"].(string); prev != "" {
			out = append(out, refusableID{"u:" + prev, "previousId"}, refusableID{prev, "previousId"})
		}
	}
	return out
}

// refusedIDs reads whether each id is refused, a few at once: a batch of
// many visitors' events (a backend forwarding its traffic) would wait for
// each read in turn, a round trip each on DynamoDB.
func (h *Handler) refusedIDs(ctx context.Context, ids []string) ([]bool, error) {
	gone := make([]bool, len(ids))
	if len(ids) == 1 {
		var err error
		gone[0], err = h.People.RefusedVisitor(ctx, ids[0])
		return gone, err
	}
	errs := make([]error, len(ids))
	sem := make(chan struct{}, refusedReads)
	var wg sync.WaitGroup
	for i, id := range ids {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			gone[i], errs[i] = h.People.RefusedVisitor(ctx, id)
		}()
	}
	wg.Wait()
	return gone, errors.Join(errs...)
}

// refusedReads bounds the reads of one request that run at once.
const refusedReads = 8

// serverVisitor is the id a server API event is refused by: "u:" and its
// userId, or its anonymousId when it has none (the visitor it is stored
// under).
func serverVisitor(ev event.Event) string {
	if ev.UserID != "" {
		return "u:" + ev.UserID
	}
	return ev.AnonymousID
}

// sortByIndex orders refused events as the request had them.
func sortByIndex(bs []httpx.ErrorBody) []httpx.ErrorBody {
	slices.SortStableFunc(bs, func(a, b httpx.ErrorBody) int { return cmp.Compare(indexOf(a.Index), indexOf(b.Index)) })
	return bs
}

// indexOf is a refused event's index in its request (-1: the request).
func indexOf(i *int) int {
	if i == nil {
		return -1
	}
	return *i
}

// keepWhere keeps the events keep accepts, in place (events are large, and
// a request's are its own), and their indexes in the request (at, beside
// them, or nil) with them.
func keepWhere(evs []event.Event, at []int, keep func(event.Event) bool) ([]event.Event, []int) {
	n := 0
	for i, ev := range evs {
		if keep(ev) {
			evs[n] = ev
			if at != nil {
				at[n] = at[i]
			}
			n++
		}
	}
	if at != nil {
		at = at[:n]
	}
	return evs[:n], at
}

// refusedBodies says which events of a batch were left out, and logs it.
func (h *Handler) refusedBodies(kept int, refused []*event.Error) []httpx.ErrorBody {
	h.log().Info("collect: invalid events left out of a batch", "kept", kept, "refused", len(refused), "first", refused[0].Error())
	out := make([]httpx.ErrorBody, len(refused))
	for i, e := range refused {
		out[i] = httpx.ErrorBody{Error: e.Error(), Field: e.Field, Index: e.Index}
	}
	return out
}

// deleteEvent deletes a stored event that names an email erased
// meanwhile.
func (h *Handler) deleteEvent(ctx context.Context, ev event.Event) error {
	_, err := h.Events.DeleteEvents(ctx, ev.VisitorID, ev.ID)
	return err
}

// finishFor bounds the work a request goes on with after its client left.
const finishFor = 30 * time.Second

// finish is the context a request's writes run in once its events are
// accepted: a client hanging up (a page navigating away as its form posts,
// the tag's request cut off) must not cut an identification or a join half
// done, the event stored and its email identifying nobody until a retry
// that may never come. Bounded, as the client's cancellation no longer is;
// a request with a deadline of its own (the function's on Lambda, 10 s)
// keeps it, less finishMargin to answer 503 in: past it the function is
// killed, and API Gateway answers its bare 500 (the 30 s never applied).
func finish(ctx context.Context) (context.Context, context.CancelFunc) {
	if d, ok := ctx.Deadline(); ok {
		return context.WithDeadline(context.WithoutCancel(ctx), d.Add(-finishMargin))
	}
	return context.WithTimeout(context.WithoutCancel(ctx), finishFor)
}

// finishMargin is the time a request with a deadline keeps to answer.
const finishMargin = time.Second

// store enriches, writes and identifies; it answers the error itself and
// reports whether the caller should acknowledge, and returns the events that
// carried an email but identified nobody.
func (h *Handler) store(w http.ResponseWriter, r *http.Request, evs []event.Event) ([]Skip, bool) {
	ctx, cancel := finish(r.Context())
	defer cancel()
	for i := range evs {
		if evs[i].Client.API != "server" {
			evs[i].Client.IP = "" // only the server API reports an address (context.ip)
		}
		if h.Enrich != nil {
			h.Enrich(r, &evs[i])
		}
	}
	fresh, err := h.Events.Append(ctx, evs)
	if err != nil {
		h.log().Error("store events", "err", err, "count", len(evs))
		httpx.Unavailable(w, 5*time.Second)
		return nil, false
	}
	// Most requests name no email (page views): nothing to identify. Each
	// event's email is read once (a walk over its traits and fields).
	emails := make([]string, len(evs))
	named, updates := false, false
	var skipped []Skip
	for i := range evs {
		emails[i] = evs[i].Email()
		named = named || emails[i] != ""
		updates = updates || updatesUser(evs[i], emails[i])
		if evs[i].Type == event.Identify && emails[i] == "" {
			if k := evs[i].UnreadableEmailTrait(); k != "" { // a backend's mistake: said, never silent
				skipped = append(skipped, Skip{Index: i, Reason: "traits." + k + " is not an email address Baton can read (send the bare address, e.g. taro@example.com): stored, identifies nobody"})
			}
		}
	}
	if !named && !updates {
		return skipped, true
	}
	// Identification runs for repeats too: a client retrying after a failed
	// identify must get it done, and identifying twice changes nothing. A
	// repeat that identifies does it as the stored event does: one that
	// carries other traits or another email changes nothing (a read, for
	// repeats with an email alone).
	for i := range evs {
		if fresh[i] || emails[i] == "" && !updatesUser(evs[i], "") {
			continue
		}
		stored, err := h.Events.Get(ctx, evs[i].VisitorID, evs[i].ID)
		switch {
		case err == nil:
			evs[i] = stored
			emails[i] = evs[i].Email()
		case errors.Is(err, eventlog.ErrNotFound): // erased or expired meanwhile: nothing to identify
			evs[i].Properties, evs[i].Traits, evs[i].UserID = nil, nil, ""
			emails[i] = ""
		default:
			h.log().Error("read a repeated event", "err", err, "event", evs[i].ID)
			httpx.Unavailable(w, 2*time.Second)
			return nil, false
		}
	}
	if !named {
		return skipped, true // the users' traits: updateUsers, once their ids are joined
	}
	// Identification, a few people at a time: a backend's batch of
	// identifies took each's writes in turn (1,000 of them outlasted the
	// request). Events that share an email or a browser stay in order, in
	// one group: the later of two forms on a browser is the link it keeps.
	more, ok := skipsInGroups(identifyGroups(evs, emails), func(i int) (*Skip, bool) {
		return h.identifyOne(ctx, i, evs[i], emails[i])
	})
	if !ok {
		httpx.Unavailable(w, 2*time.Second)
		return nil, false
	}
	skipped = append(skipped, more...)
	slices.SortFunc(skipped, func(a, b Skip) int { return cmp.Compare(a.Index, b.Index) })
	return skipped, true
}

// identifyParallel is how many groups of a request identify (or join ids)
// at once: their writes share the store's commits, and on the embedded
// store a commit's syncs, not the processor, are what an identification
// waits for (eight at a time, 1,000 identifies in one batch took 18 s).
const identifyParallel = 32

// skipsInGroups is inGroups for a do that may skip its event, gathering
// the skips (in no particular order).
func skipsInGroups(groups [][]int, do func(i int) (*Skip, bool)) ([]Skip, bool) {
	var (
		mu      sync.Mutex
		skipped []Skip
	)
	ok := inGroups(groups, func(i int) bool {
		skip, ok := do(i)
		if skip != nil {
			mu.Lock()
			skipped = append(skipped, *skip)
			mu.Unlock()
		}
		return ok
	})
	return skipped, ok
}

// inGroups runs do on every index of every group, identifyParallel groups
// at once, each group's in order; after a failure (do false) no group
// starts another. It reports whether all succeeded.
func inGroups(groups [][]int, do func(i int) bool) bool {
	var (
		failed atomic.Bool
		wg     sync.WaitGroup
		slots  = make(chan struct{}, identifyParallel)
	)
	for _, g := range groups {
		if failed.Load() {
			break
		}
		wg.Add(1)
		slots <- struct{}{}
		go func() {
			defer func() { <-slots; wg.Done() }()
			for _, i := range g {
				if failed.Load() {
					return
				}
				if !do(i) {
					failed.Store(true)
					return
				}
			}
		}()
	}
	wg.Wait()
	return !failed.Load()
}

// identifyGroups splits the indexes of the events naming an email (emails,
// beside them) into groups that share no email and no browser, each in
// request order.
func identifyGroups(evs []event.Event, emails []string) [][]int {
	return grouped(len(evs), func(i int) []string {
		if emails[i] == "" {
			return nil
		}
		return []string{"e:" + emails[i], "v:" + evs[i].VisitorID}
	})
}

// grouped splits the indexes 0..n-1 into groups, each in order: keys(i)
// are the keys index i joins (nil: it is in no group), and indexes whose
// keys meet, directly or through others, share a group.
func grouped(n int, keys func(i int) []string) [][]int {
	var u unionFind
	first := make([]string, n)
	for i := range n {
		if ks := keys(i); len(ks) > 0 {
			first[i] = ks[0]
			u.union(ks[0], ks[1:]...)
		}
	}
	at := map[string]int{}
	var groups [][]int
	for i, k := range first {
		if k == "" {
			continue
		}
		root := u.find(k)
		g, ok := at[root]
		if !ok {
			g = len(groups)
			at[root] = g
			groups = append(groups, nil)
		}
		groups[g] = append(groups[g], i)
	}
	return groups
}

// unionFind joins keys that must be handled in one group.
type unionFind struct{ parent map[string]string }

func (u *unionFind) find(k string) string {
	if u.parent == nil {
		u.parent = map[string]string{}
	}
	p, ok := u.parent[k]
	if !ok || p == k {
		u.parent[k] = k
		return k
	}
	r := u.find(p)
	u.parent[k] = r
	return r
}

func (u *unionFind) union(a string, bs ...string) {
	for _, b := range bs {
		u.parent[u.find(a)] = u.find(b)
	}
}

// identifyOne identifies the person an event names (email, its Email()):
// what the request's answer says of it, and false when it failed (logged;
// the request is answered 503 and retried).
func (h *Handler) identifyOne(ctx context.Context, i int, ev event.Event, email string) (*Skip, bool) {
	if ev.Flagged() {
		return h.noteUnidentified(ctx, ev, email, &Skip{Index: i, Reason: "flagged as automated (" + ev.Enrichment.FlagReason + "): stored, identifies nobody"})
	}
	if !event.Deliverable(email) {
		return h.noteUnidentified(ctx, ev, email, &Skip{Index: i, Reason: "its email's domain can receive no mail (an address literal, or not a host name): stored, identifies nobody"})
	}
	p, res, err := h.People.Identify(ctx, identity.Identification{
		Visitor: ev.VisitorID, Email: email, Fields: ev.Attributes(), Labels: ev.Labels(), At: ev.Timestamp,
		Strength: identity.Strong, Source: sourceOf(ev), User: userVisitor(ev),
	})
	if errors.Is(err, identity.ErrConsentWithdrawn) {
		// Stored as the browser's own, and nobody's.
		return h.noteUnidentified(ctx, ev, email, &Skip{Index: i, Reason: "its person withdrew consent, and this browser is not theirs: stored, identifies nobody"})
	}
	if err == nil && !p.ConsentWithdrawn.IsZero() && ev.Type == event.FormSubmit && ev.Client.API != "server" {
		// Their form from one of their browsers (Identify checked;
		// consent and opt-out were checked before): the newer choice.
		err = h.People.RegainConsent(ctx, p.ID)
	}
	if errors.Is(err, identity.ErrErased) {
		// Erased since the check above: the event names them, and
		// their browser is not theirs, so the erasure cannot find it.
		if err := h.deleteEvent(ctx, ev); err != nil {
			h.log().Error("delete an erased person's event", "err", err)
			return nil, false
		}
		return nil, true
	}
	if err != nil {
		h.log().Error("identify", "err", err, "event", ev.ID)
		return nil, false
	}
	if res.Refused {
		if res.Full {
			h.log().Warn("browser not linked: its person has the most browsers a person may have (a shared device, or their email typed on many browsers)", "person", p.ID, "max", identity.MaxBrowsers, "event", ev.ID)
		}
		// The event names them from a browser that is not theirs:
		// remembered under the email, as one that identified nobody,
		// so that their erasure finds it.
		return h.noteUnidentified(ctx, ev, email, nil)
	}
	return nil, true
}

// updatesUser reports whether an event is a backend's identify naming its
// userId and no email (email, its Email()): Segment's identify(userId,
// traits), how a backend updates a known user's profile.
func updatesUser(ev event.Event, email string) bool {
	return email == "" && ev.Type == event.Identify && userVisitor(ev) != "" && len(ev.Traits) > 0
}

// updateUsers applies the traits of the identifies that name a userId and
// no email (updatesUser) to the person the userId belongs to
// (identity.Stitcher.Identify without an email), a few users at a time,
// each's in request order. It runs after linkUserIDs, so that a userId
// this request tied to a known browser is that person's already. It
// returns what the answer says of them, and answers a storage error itself
// (ok false).
func (h *Handler) updateUsers(w http.ResponseWriter, r *http.Request, evs []event.Event) ([]Skip, bool) {
	groups := grouped(len(evs), func(i int) []string {
		if !updatesUser(evs[i], "") || evs[i].Email() != "" {
			return nil
		}
		return []string{userVisitor(evs[i])}
	})
	if len(groups) == 0 {
		return nil, true
	}
	ctx, cancel := finish(r.Context())
	defer cancel()
	skipped, ok := skipsInGroups(groups, func(i int) (*Skip, bool) { return h.updateUser(ctx, i, evs[i]) })
	if !ok {
		httpx.Unavailable(w, 2*time.Second)
		return nil, false
	}
	return skipped, true
}

// updateUser applies one identify's traits to its user's person (see
// updateUsers): what the answer says of it, and false when it failed
// (logged; the request is answered 503 and retried).
func (h *Handler) updateUser(ctx context.Context, i int, ev event.Event) (*Skip, bool) {
	if ev.Flagged() {
		return &Skip{Index: i, Reason: "flagged as automated (" + ev.Enrichment.FlagReason + "): stored, its traits are nobody's attributes"}, true
	}
	_, _, err := h.People.Identify(ctx, identity.Identification{
		Visitor: ev.VisitorID, User: userVisitor(ev), Fields: ev.Attributes(), Labels: ev.Labels(),
		At: ev.Timestamp, Strength: identity.Strong, Source: sourceOf(ev),
	})
	switch {
	case errors.Is(err, identity.ErrConsentWithdrawn):
		return &Skip{Index: i, Reason: "its person withdrew consent: stored, their attributes unchanged"}, true
	case errors.Is(err, identity.ErrErased):
		// Being erased: the event names them, and may have been stored
		// after the erasure read their events.
		if err := h.deleteEvent(ctx, ev); err != nil {
			h.log().Error("delete an erased person's event", "err", err)
			return nil, false
		}
		return nil, true
	case err != nil:
		h.log().Error("update a user's traits", "err", err, "event", ev.ID)
		return nil, false
	}
	return nil, true
}

// noteUnidentified remembers an event that identifies nobody by the email it
// names, so that erasing the email finds it (deleted at once when the email
// is erased already), and answers skip; false when that failed.
func (h *Handler) noteUnidentified(ctx context.Context, ev event.Event, email string, skip *Skip) (*Skip, bool) {
	err := h.People.NoteUnidentified(ctx, ev, email)
	if errors.Is(err, identity.ErrErased) {
		err = h.deleteEvent(ctx, ev)
	}
	if err != nil {
		h.log().Error("note an unidentified email", "err", err)
		return nil, false
	}
	return skip, true
}

// userVisitor is the visitor id of the server API's user id an event
// names ("" for none): the site's account, which keeps its person when
// its email changes (identity.Identification.User).
func userVisitor(ev event.Event) string {
	if ev.Client.API != "server" || ev.UserID == "" {
		return ""
	}
	return "u:" + ev.UserID
}

func sourceOf(ev event.Event) string {
	if ev.Type == event.FormSubmit {
		return "form"
	}
	return "identify"
}

func writeParseError(w http.ResponseWriter, err error) {
	var e *event.Error
	if errors.As(err, &e) {
		status := e.Status
		if status == 0 {
			status = http.StatusBadRequest
		}
		httpx.JSON(w, status, httpx.ErrorBody{Error: e.Error(), Field: e.Field, Index: e.Index})
		return
	}
	httpx.Error(w, http.StatusBadRequest, err.Error())
}

func contentTypeOK(r *http.Request, allowed ...string) bool {
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return true
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	for _, a := range allowed {
		if mt == a {
			return true
		}
	}
	return false
}

// adoptVisitor picks the visitor id for a browser without the cookie: the
// tag's own id when it sent a well-formed one (so cookie and fallback agree
// and need no alias), otherwise a fresh random id.
func adoptVisitor(evs []event.Event) string {
	for _, ev := range evs {
		if visitor.Valid(ev.AnonymousID) {
			return ev.AnonymousID
		}
	}
	return visitor.NewID()
}
