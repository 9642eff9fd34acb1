// Package click serves tracked newsletter links and the open pixel:
//
//	GET /c/<link id>/<recipient token>        record email_click, 302 to the stored destination
//	GET /o/<campaign>/<recipient token>.gif    record email_open, answer a 1x1 GIF
//
// The destination always comes from the link registry, never from the
// request. The token names the person and campaign and is verified before
// anything personal is recorded; a bad token still lands the reader on the
// page, anonymously. HEAD requests (link checkers, scanners) never count.
package click

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/baton-hq/baton/internal/clock"

	"github.com/baton-hq/baton/internal/enrichment"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/httpx"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/links"
	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/table"
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
}

// EventWriter stores events and deletes them (erasure); see eventlog.Log.
type EventWriter interface {
	Append(ctx context.Context, evs []event.Event) ([]bool, error)
	DeleteEvents(ctx context.Context, visitor string, ids ...string) (privacy.Removed, error)
}

// PersonLinker links a browser to a person by id, and says whether a
// person may be recorded at all (known and not erased); see
// identity.Stitcher.
type PersonLinker interface {
	LinkPerson(ctx context.Context, visitor, person string, at time.Time, s identity.Strength) (identity.LinkResult, error)
	Active(ctx context.Context, person string) (bool, error)
}

// Handler serves the click and open routes.
type Handler struct {
	Links  Registry
	Verify Verifier
	Events EventWriter
	People PersonLinker
	Cookie visitor.Cookie
	Enrich func(r *http.Request, ev *event.Event) // UA, bot and scanner flags, truncated IP
	T      table.Table                            // keeps a day of click times per recipient (burst detection) and where each personal event is (erasure)
	Now    func() time.Time
	Log    *slog.Logger
}

// Routes registers the endpoints (GET also answers HEAD).
func (h *Handler) Routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /c/{link}/{token}", h.click)
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

func (h *Handler) click(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	link, err := h.Links.Get(ctx, r.PathValue("link"))
	if errors.Is(err, links.ErrNotFound) {
		httpx.Error(w, http.StatusNotFound, "unknown link")
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
	w.Header().Set("Referrer-Policy", "no-referrer") // the token never leaks to the destination
	if r.Method == http.MethodHead {
		http.Redirect(w, r, dest, http.StatusFound)
		return
	}
	now := h.now()
	ev := event.Event{
		ID: event.NewID(), Type: event.EmailClick, URL: dest, ReceivedAt: now, Timestamp: now,
		UTM:        event.ParseUTM(dest),
		Properties: map[string]any{"campaign": link.Campaign, "link": link.ID},
		Client:     event.Client{UserAgent: r.UserAgent(), Method: r.Method},
	}
	if link.Honeypot {
		ev.Properties["honeypot"] = true
	}
	claims, ok := h.claims(ctx, r.PathValue("token"), link.Campaign, now)
	if ok {
		ev.Properties["person"] = claims.PersonID
		ev.UserID = claims.PersonID
	}
	// Signals only a scanner gives: the honeypot, a click seconds after the
	// send, several links of one email within two seconds.
	sc := enrichment.ClickContext{Method: r.Method, SentAt: camp.SentAt, ClickedAt: now, Honeypot: link.Honeypot}
	if ok {
		sc.OtherClicks = h.recentClicks(r.Context(), claims.PersonID, link.Campaign, now)
	}
	if scanner, why := enrichment.ClickSignals(sc); scanner {
		ev.Enrichment.Scanner, ev.Enrichment.FlagReason = true, why
	}
	h.record(w, r, &ev, ok, claims)
	http.Redirect(w, r, dest, http.StatusFound)
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
	if r.Method != http.MethodHead {
		now := h.now()
		if claims, ok := h.claims(r.Context(), token, campaign, now); ok {
			ev := event.Event{
				ID: event.NewID(), Type: event.EmailOpen, ReceivedAt: now, Timestamp: now, UserID: claims.PersonID,
				Properties: map[string]any{"campaign": campaign, "person": claims.PersonID},
				Client:     event.Client{UserAgent: r.UserAgent(), Method: r.Method},
			}
			// Opens identify no browser: mail clients and privacy proxies
			// fetch images without the reader's browser. They are kept under
			// a per-person pseudo-visitor that belongs to the person.
			vid := "o:" + claims.PersonID
			if h.store(r.Context(), r, &ev, vid, claims.PersonID) {
				if _, err := h.People.LinkPerson(r.Context(), vid, claims.PersonID, time.Time{}, identity.Strong); err != nil && !gone(err) {
					h.log().Error("open: link", "err", err)
				}
			}
		}
	}
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(gif)
	}
}

// record stores a click and, for a verified human click, links the browser
// to the person. Failures are logged, never shown: the reader must land.
func (h *Handler) record(w http.ResponseWriter, r *http.Request, ev *event.Event, verified bool, c Claims) {
	vid, had := h.Cookie.Read(r)
	if !had {
		vid = visitor.NewID()
	}
	h.Cookie.Set(w, r, vid)
	person := ""
	if verified {
		person = c.PersonID
	}
	if !h.store(r.Context(), r, ev, vid, person) {
		return
	}
	if verified && !ev.Flagged() {
		if _, err := h.People.LinkPerson(r.Context(), vid, c.PersonID, ev.Timestamp, identity.Weak); err != nil && !gone(err) {
			h.log().Error("click: link visitor", "err", err)
		}
	}
}

// recentClicks returns the recipient's clicks on this campaign in the last
// minute and records this one (kept a day).
func (h *Handler) recentClicks(ctx context.Context, person, campaign string, now time.Time) []time.Time {
	if h.T == nil {
		return nil
	}
	prefix := "C#" + campaign + "#"
	items, err := h.T.Query(ctx, table.Query{PK: identity.PersonPK(person), Prefix: prefix, After: prefix + fmt.Sprintf("%020d", now.Add(-time.Minute).UnixNano())})
	if err != nil {
		h.log().Error("click: recent clicks", "err", err)
	}
	var out []time.Time
	for _, it := range items {
		if n, err := strconv.ParseInt(strings.TrimPrefix(it.SK, prefix), 10, 64); err == nil {
			out = append(out, time.Unix(0, n))
		}
	}
	_ = h.T.Put(ctx, table.Item{PK: identity.PersonPK(person), SK: prefix + fmt.Sprintf("%020d", now.UnixNano()), Kind: KindClick, Data: []byte("{}"), Expires: now.Add(24 * time.Hour)}, table.Always)
	return out
}

// store stores the event under the visitor. An event naming a person
// (person != "") is first recorded under the person (CE#<event id>), so
// that erasure finds it wherever it is: a scanner's click or a forwarded
// email's is not in any period of the person's browsers.
func (h *Handler) store(ctx context.Context, r *http.Request, ev *event.Event, vid, person string) bool {
	ev.VisitorID = vid
	if person != "" && h.T != nil {
		ref, _ := json.Marshal(map[string]string{"visitor": vid})
		if err := h.T.Put(ctx, table.Item{PK: identity.PersonPK(person), SK: eventRefPrefix + ev.ID, Kind: KindEventRef, Data: ref}, table.Always); err != nil {
			h.log().Error("click: record the event under the person", "err", err, "type", ev.Type)
			return false
		}
	}
	flagged, why := ev.Enrichment.Scanner, ev.Enrichment.FlagReason
	if h.Enrich != nil {
		h.Enrich(r, ev)
	}
	if flagged && !ev.Enrichment.Scanner { // keep the click-time signal
		ev.Enrichment.Scanner, ev.Enrichment.FlagReason = true, why
	}
	fresh, err := h.Events.Append(ctx, []event.Event{*ev})
	if err != nil {
		h.log().Error("click: store event", "err", err, "type", ev.Type)
		return false
	}
	return fresh[0]
}
