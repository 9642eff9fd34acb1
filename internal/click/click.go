// Package click serves tracked newsletter links and the open pixel:
//
//	GET /c/<link id>/<recipient token>        record email_click, 302 to the stored destination
//	GET /c/<link id>/                          the ESP's merge field was empty: 302, nothing personal
//	GET /o/<campaign>/<recipient token>.gif    record email_open, answer a 1x1 GIF
//
// The destination always comes from the link registry, never from the
// request. The token names the person and campaign and is verified before
// anything personal is recorded; a bad token still lands the reader on the
// page, anonymously. HEAD requests (link checkers, scanners) never count,
// and mark their client a scanner. A prefetch or preview (Sec-Purpose:
// prefetch, Purpose: prefetch, X-Moz: prefetch, X-Purpose: preview) is
// declined with a 503 and records nothing: the reader's click, if it
// comes, asks again.
//
// A click on a known link whose token place holds no token at all (an
// email tool's merge tag left as it was, an empty one) is counted for its
// campaign's report, nothing of the reader kept (tokenless.go).
//
// A recipient's clicks are judged per visit (visit.go): the clicks of one
// client on one recipient's email within event.VisitWindow. When any signal
// fires, every click of the client is flagged, the earlier ones after the
// fact, and none identifies the browser; a click identifies the browser
// and scores only once Settle judged its visit human.
package click

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/baton-hq/baton/internal/clock"

	"github.com/baton-hq/baton/internal/enrichment"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/httpx"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/internaltraffic"
	"github.com/baton-hq/baton/internal/links"
	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/token"
	"github.com/baton-hq/baton/internal/visitor"
)

// Claims are what a verified recipient token says.
type Claims struct {
	PersonID string
	Campaign string
	IssuedAt time.Time
}

// Verifier checks a recipient token (see linktoken.Keyring).
type Verifier func(token string, now time.Time) (Claims, error)

// Registry reads links; see links.Registry.
type Registry interface {
	Get(ctx context.Context, id string) (links.Link, error)
	Campaign(ctx context.Context, id string) (links.Campaign, error)
	AllowsHost(host string) bool
}

// EventWriter stores events, judges them after the fact (a click's visit)
// and deletes them (erasure); see eventlog.Log.
type EventWriter interface {
	Append(ctx context.Context, evs []event.Event) ([]bool, error)
	Get(ctx context.Context, visitor, id string) (event.Event, error)
	Flag(ctx context.Context, visitor, id, why string) (bool, error)
	JudgeHuman(ctx context.Context, visitor, id string) (bool, error)
	DeleteEvents(ctx context.Context, visitor string, ids ...string) (privacy.Removed, error)
	ShowEventsByID(ctx context.Context, visitor string, ids ...string) (privacy.Disclosure, error) // what DeleteEvents removes
}

// PersonLinker links a browser to a person by id, undoes a click's link,
// says whose a browser is, and says whether a person may be recorded at
// all (known and not erased); see identity.Stitcher.
type PersonLinker interface {
	LinkPerson(ctx context.Context, visitor, person string, at time.Time, s identity.Strength) (identity.LinkResult, error)
	UndoClickLink(ctx context.Context, visitor, person string) (bool, error)
	PersonOf(ctx context.Context, visitor string) (string, error)
	Active(ctx context.Context, person string) (bool, error)
	// Gone reports a person erased or being erased (not merely inactive).
	Gone(ctx context.Context, person string) (bool, error)
}

// Handler serves the click and open routes.
type Handler struct {
	Links  Registry
	Verify Verifier
	Events EventWriter
	People PersonLinker
	Cookie visitor.Cookie
	Enrich func(r *http.Request, ev *event.Event) // UA, bot and scanner flags, truncated IP
	T      table.Table                            // keeps a day of a recipient's clicks (visits), the clicks waiting to be judged, and where each personal event is (erasure)
	Now    func() time.Time
	Log    *slog.Logger
	// IgnoreGPC collects a click whose browser sends Global Privacy
	// Control (Sec-GPC: 1), as consent.ignore_gpc does the tag's events.
	IgnoreGPC bool
	// Internal is the company's own traffic: a click or open from its
	// networks (staff checking the newsletter) is followed, not collected.
	Internal internaltraffic.Filter
}

// Routes registers the endpoints (GET also answers HEAD).
func (h *Handler) Routes(mux *http.ServeMux) {
	// An ESP renders an empty merge field (a recipient with no token) as
	// /c/<link>/, and some add a slash after the token: both must still
	// land the reader, so the token is the rest of the path.
	mux.HandleFunc("GET /c/{link}", h.click)
	mux.HandleFunc("GET /c/{link}/{token...}", h.click)
	mux.HandleFunc("GET /o/{campaign}/{file}", h.open)
}

func (h *Handler) now() time.Time {
	if h.Now != nil {
		return h.Now().UTC()
	}
	return clock.Now().UTC()
}

func (h *Handler) log() *slog.Logger {
	if h.Log != nil {
		return h.Log
	}
	return slog.Default()
}

// claims verifies a token for the campaign. A valid token of a person who
// is not active (erased, or being erased) counts as no token: nothing
// personal is recorded, nothing brings them back.
func (h *Handler) claims(ctx context.Context, token, campaign string, now time.Time) (Claims, bool) {
	if h.Verify == nil || token == "" || len(token) > 512 {
		return Claims{}, false
	}
	c, err := h.Verify(token, now)
	if err != nil || c.Campaign != campaign || c.PersonID == "" {
		return Claims{}, false
	}
	active, err := h.People.Active(ctx, c.PersonID)
	if err != nil {
		h.log().Error("click: is the person active", "err", err) // the reader still lands; nothing personal is recorded
		return Claims{}, false
	}
	return c, active
}

// unverified says why a token of a token's shape named no one on this
// link: tokenOther for a recipient token Baton minted for another
// campaign (a tokenised list reused for another send: a token is good for
// its own send's links only), tokenMalformed for one that does not verify
// (cut short by a mail client, altered, expired); "" for one that does
// (its person no longer active: nothing counted). Both failures are
// counted, so that the report says why, and so that a click's cost does
// not tell a good token from a forged one.
func (h *Handler) unverified(token, campaign string, now time.Time) string {
	if h.Verify == nil || token == "" || len(token) > 512 {
		return ""
	}
	c, err := h.Verify(token, now)
	switch {
	case err != nil || c.Campaign == "":
		return tokenMalformed
	case c.Campaign != campaign:
		return tokenOther
	}
	return ""
}

func (h *Handler) click(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if enrichment.Prefetch(r.Header) {
		// A browser fetching ahead of a click that may never come (or a
		// preview): no reader's click. Declined with a 503, which a
		// browser does not keep: if the reader does click, the navigation
		// asks again and that request counts. A redirect would be kept
		// and shown, and the click never seen.
		w.Header().Set("Cache-Control", "no-store")
		httpx.Error(w, http.StatusServiceUnavailable, "a prefetch or preview of a tracked link is declined: the link is followed when clicked")
		return
	}
	link, err := h.Links.Get(ctx, r.PathValue("link"))
	if errors.Is(err, links.ErrNotFound) {
		notFollowed(w, r, http.StatusNotFound, "unknown link", linkUnknown)
		return
	}
	if err != nil {
		h.log().Error("click: read link", "err", err)
		httpx.Unavailable(w, 5*time.Second)
		return
	}
	camp, err := h.Links.Campaign(ctx, link.Campaign)
	if err != nil && !errors.Is(err, links.ErrNotFound) {
		h.log().Error("click: read campaign", "err", err)
	}
	dest := links.Destination(link, camp)
	w.Header().Set("Cache-Control", "no-store")
	u, err := url.Parse(dest)
	allowed := err == nil && h.Links.AllowsHost(u.Hostname())
	// land sends the reader on; link_hosts tightened since the link was
	// made (a host given up, or taken over), a link already sent does not
	// lead there.
	land := func() {
		if !allowed {
			notFollowed(w, r, http.StatusForbidden, "this link's destination is no longer among the allowed link hosts (link_hosts): not followed", linkRetired)
			return
		}
		http.Redirect(w, r, dest, http.StatusFound)
	}
	if !allowed {
		h.log().Warn("click: destination no longer allowed", "link", link.ID, "campaign", link.Campaign)
		if !link.Honeypot { // a honeypot's hit is a scanner's, recorded wherever it leads
			land()
			return
		}
	}
	w.Header().Set("Referrer-Policy", "no-referrer") // the token never leaks to the destination
	if h.declines(r) {
		// The browser opted out, or asks by Global Privacy Control not to
		// be tracked (as the collector honours it): the reader lands, and
		// nothing of the click (its browser, client, visit) is collected.
		land()
		return
	}
	now := h.now()
	tok := strings.TrimRight(r.PathValue("token"), "/")
	claims, ok := h.claims(ctx, tok, link.Campaign, now)
	if t := tokenPrefix(tok); !ok && t != tok && token.Shaped(t) {
		// A plain-text email's link followed by text without a space
		// (詳細はこちら：https://…/c/<link>/<token>）。): a mail client's
		// autolink takes the ） or 。 into the link. No token holds such
		// characters, and the token before them is the recipient's.
		if c, good := h.claims(ctx, t, link.Campaign, now); good {
			tok, claims, ok = t, c, true
		}
	}
	head := r.Method == http.MethodHead
	if head && !ok {
		land()
		return
	}
	ev := event.Event{
		ID: event.NewID(), Type: event.EmailClick, URL: dest, ReceivedAt: now, Timestamp: now,
		UTM:        event.ParseUTM(dest),
		Properties: map[string]any{"campaign": link.Campaign, "link": link.ID},
		Client:     event.Client{UserAgent: event.UserAgent(r.UserAgent()), Method: r.Method},
	}
	if link.Honeypot {
		ev.Properties["honeypot"] = true
	}
	if ok {
		ev.Properties["person"] = claims.PersonID
		ev.UserID = claims.PersonID
	}
	vid, had := h.Cookie.Read(r)
	if !had {
		vid = visitor.NewID()
	}
	if !head {
		h.Cookie.Set(w, r, vid)
	}
	ev.VisitorID = vid
	// What the click says on its own: its user agent and network, and
	// the signals only a scanner gives (HEAD, the honeypot, a click within
	// the campaign's scanner window after the send).
	h.enrich(r, &ev)
	sc := enrichment.ClickContext{Method: r.Method, SentAt: camp.SentAt, ClickedAt: now, Honeypot: link.Honeypot, MinHumanDelay: camp.ScannerDelay()}
	if scanner, why := enrichment.ClickSignals(sc); scanner && !ev.Enrichment.Scanner {
		ev.Enrichment.Scanner, ev.Enrichment.Bot, ev.Enrichment.FlagReason = true, false, why
	}
	if !ok {
		// No token at all (an unreplaced merge tag, an empty one) is
		// counted for the campaign's report, or a send whose email tool
		// left {{baton_token}} in every link showed no click and no why.
		h.countTokenless(ctx, &ev, link.Campaign, link.ID, tok, h.unverified(tok, link.Campaign, now))
		h.store(ctx, &ev, "", "")
		land()
		return
	}
	// A recipient's click is judged with the rest of its visit, and it
	// identifies the browser (and scores) only once the visit is over and
	// nothing flagged it (Settle). A HEAD is stored nowhere but marks its
	// client a scanner.
	//
	// A forwarded email: the token names the recipient, the browser is
	// someone else's. The click is the recipient's (the campaign report
	// says so too), so it is kept under their own pseudo-visitor, as opens
	// are, and counts in their timeline and score once judged; the browser
	// keeps its owner and its history, and its owner gains nothing.
	forwarded := had && !head && h.someoneElses(ctx, vid, claims.PersonID)
	if forwarded {
		ev.VisitorID = identity.PseudoVisitor(claims.PersonID)
	}
	v := h.visit(ctx, &ev, r.RemoteAddr, claims.PersonID, link, had, head)
	if !head && h.store(ctx, &ev, claims.PersonID, v.self.Client) {
		if forwarded {
			if _, err := h.People.LinkPerson(ctx, ev.VisitorID, claims.PersonID, time.Time{}, identity.Strong); err != nil && !gone(err) {
				h.log().Error("click: link the recipient's own visitor", "err", err)
			}
		}
		v.stored(ctx)
	}
	h.undoIfErased(ctx, claims.PersonID, ev)
	land()
}

// tokenPrefix is the start of a token's place up to the first character
// no token has (base64url: A-Z a-z 0-9 - _).
func tokenPrefix(s string) string {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return s[:i]
		}
	}
	return s
}

// someoneElses reports whether the browser belongs to a person other than
// the token's (by a form or an earlier click). On error it answers false:
// the click is stored as before, under the browser.
func (h *Handler) someoneElses(ctx context.Context, vid, person string) bool {
	owner, err := h.People.PersonOf(ctx, vid)
	if err != nil {
		h.log().Error("click: whose browser", "err", err)
		return false
	}
	return owner != "" && owner != person
}

// undoIfErased forgets what a click or open just recorded of a person
// erased since its token was found active: the erasure writes its
// tombstone first, so either its Forget found the records, or this check
// finds the person gone. (Consent withdrawn meanwhile keeps what was
// recorded before it.)
func (h *Handler) undoIfErased(ctx context.Context, person string, ev event.Event) {
	if person == "" {
		return
	}
	gone, err := h.People.Gone(ctx, person)
	if err != nil || !gone {
		if err != nil {
			h.log().Error("click: is the person erased", "err", err)
		}
		return
	}
	// This event by what it is (identity's sweep of the person's
	// partition may have taken its record already), then the rest.
	if _, err := h.Events.DeleteEvents(ctx, ev.VisitorID, ev.ID); err != nil {
		h.log().Error("click: forget a person erased meanwhile", "err", err)
	}
	if campaign, _ := ev.Properties["campaign"].(string); campaign != "" && h.T != nil {
		if _, err := h.forgetActivity(ctx, campaign, ev.ID); err != nil {
			h.log().Error("click: forget a person erased meanwhile", "err", err)
		}
	}
	if _, err := h.Forget(ctx, privacy.Subject{Person: person}); err != nil {
		h.log().Error("click: forget a person erased meanwhile", "err", err)
	}
}

// declines reports whether the browser asks not to be tracked: it opted
// out (bt_optout), or sends Global Privacy Control (Sec-GPC: 1) and the
// configuration honours it, as the collector does; or it is the company's
// own (internal_traffic.ips).
func (h *Handler) declines(r *http.Request) bool {
	return visitor.OptedOut(r) || !h.IgnoreGPC && r.Header.Get("Sec-GPC") == "1" ||
		h.Internal.Request(r, h.Cookie.Proxies)
}

// gif is a transparent 1x1 GIF.
var gif = []byte("GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")

func (h *Handler) open(w http.ResponseWriter, r *http.Request) {
	token, ok := strings.CutSuffix(r.PathValue("file"), ".gif")
	campaign := r.PathValue("campaign")
	if !ok || !links.ValidCampaign(campaign) {
		httpx.Error(w, http.StatusNotFound, "unknown pixel")
		return
	}
	w.Header().Set("Content-Type", "image/gif")
	w.Header().Set("Cache-Control", "no-store, max-age=0")
	if r.Method != http.MethodHead && !h.declines(r) {
		now := h.now()
		if claims, ok := h.claims(r.Context(), token, campaign, now); ok {
			ev := event.Event{
				ID: event.NewID(), Type: event.EmailOpen, ReceivedAt: now, Timestamp: now, UserID: claims.PersonID,
				Properties: map[string]any{"campaign": campaign, "person": claims.PersonID},
				Client:     event.Client{UserAgent: event.UserAgent(r.UserAgent()), Method: r.Method},
			}
			// Opens identify no browser: mail clients and privacy proxies
			// fetch images without the reader's browser. They are kept under
			// a per-person pseudo-visitor that belongs to the person.
			ev.VisitorID = identity.PseudoVisitor(claims.PersonID)
			h.enrich(r, &ev)
			vid := ev.VisitorID
			if h.store(r.Context(), &ev, claims.PersonID, clientKey(&ev, r.RemoteAddr)) {
				if _, err := h.People.LinkPerson(r.Context(), vid, claims.PersonID, time.Time{}, identity.Strong); err != nil && !gone(err) {
					h.log().Error("open: link", "err", err)
				}
			}
			h.undoIfErased(r.Context(), claims.PersonID, ev)
		}
	}
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(gif)
	}
}

// enrich fills in what the request says about the client (user agent,
// network, scanner) and keeps a flag set before.
func (h *Handler) enrich(r *http.Request, ev *event.Event) {
	flagged, why := ev.Enrichment.Scanner, ev.Enrichment.FlagReason
	if h.Enrich != nil {
		h.Enrich(r, ev)
	}
	if flagged && !ev.Enrichment.Scanner { // keep the click-time signal
		ev.Enrichment.Scanner, ev.Enrichment.FlagReason = true, why
	}
}

// putRef records ev under person (CE#<event id>: its visitor and
// campaign), where erasure finds it.
func (h *Handler) putRef(ctx context.Context, ev *event.Event, person string) error {
	campaign, _ := ev.Properties["campaign"].(string)
	ref, _ := json.Marshal(map[string]string{"visitor": ev.VisitorID, "campaign": campaign})
	return h.T.Put(ctx, table.Item{PK: identity.PersonPK(person), SK: eventRefPrefix + ev.ID, Kind: KindEventRef, Data: ref}, table.Always)
}

// store stores the event under its visitor. An event naming a person
// (person != "") is first recorded under the person (CE#<event id>), so
// that erasure finds it wherever it is: a scanner's click or a forwarded
// email's is not in any period of the person's browsers.
//
// It is also recorded in its campaign's partition (the campaign report),
// with client the hash naming its client.
func (h *Handler) store(ctx context.Context, ev *event.Event, person, client string) bool {
	if person != "" && h.T != nil {
		campaign, _ := ev.Properties["campaign"].(string)
		if err := h.putRef(ctx, ev, person); err != nil {
			h.log().Error("click: record the event under the person", "err", err, "type", ev.Type)
			return false
		}
		if campaign != "" {
			if err := h.recordActivity(ctx, ev, campaign, person, client); err != nil {
				h.log().Error("click: record the event in its campaign", "err", err, "type", ev.Type)
				return false
			}
		}
	}
	fresh, err := h.Events.Append(ctx, []event.Event{*ev})
	if err != nil {
		h.log().Error("click: store event", "err", err, "type", ev.Type)
		return false
	}
	return fresh[0]
}
