// Package admin is Baton's authenticated operator API under /admin.
package admin

import (
	"context"
	"errors"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/baton-hq/baton/internal/account"
	"github.com/baton-hq/baton/internal/audit"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/httpx"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/lab"
	"github.com/baton-hq/baton/internal/offline"
	"github.com/baton-hq/baton/internal/session"
)

// People reads people; see identity.Directory.
type People interface {
	Get(ctx context.Context, id string) (identity.Person, error)
	ByEmail(ctx context.Context, email string) (identity.Person, error)
	Visitors(ctx context.Context, person string) ([]string, error)
	GetLink(ctx context.Context, visitor string) (identity.Link, error)
}

// Timelines reads a person's events; see identity.Stitcher.
type Timelines interface {
	Timeline(ctx context.Context, person string, limit int) ([]event.Event, error)
}

// Handler serves /admin.
type Handler struct {
	Credentials   []Credential
	People        People
	Timelines     Timelines
	TimelineLimit int
	Eraser        Eraser       // nil: no erasure route
	Consent       Consent      // nil: no consent route
	Links         LinkRegistry // nil: no link routes
	Scores        Scores       // nil: no scoring routes
	Deliveries    *DeliveryAdmin
	Recipients    *Recipients
	Touches       *offline.Importer // nil: no offline touch import
	Accounts      *account.Book     // nil: no account routes (no rules file)
	Reports       *Reports
	Lab           *lab.Lab       // the MQL definition lab (/admin/rules); nil without a rules file
	Sessions      *session.Store // browser sign-in at /admin/login; nil: bearer tokens only
	Workspace     *Workspace     // the workspace pages' reads (people search, campaign reports); nil: without them
	SiteHosts     []string       // the team's sites' hosts (config.SiteHosts): only URLs there are links on the pages (page.OwnSite)
	PublicURL     string         // where Baton is reached from outside, for tracked link URLs (empty: the request's own, see httpx.BaseURL)
	Backup        Backup         // a copy of the embedded store (GET /admin/backup); nil on DynamoDB
	Audit         *audit.Log     // who did what (GET /admin/audit); nil: nothing recorded
	Demo          bool           // a demo site is served at /demo/ (the local stack): the empty inbox links to it
	Proxies       httpx.Proxies  // trusted to report the client's address (a refusal's network in the audit trail) and scheme (Secure cookies, links)
	// MaxUpload bounds an uploaded file (a recipient list, offline
	// touches) below the packages' own 20 MB: on AWS a request reaches the
	// function only within Lambda's payload (lambdahttp.MaxUpload), and the
	// page says the bound before a larger file meets API Gateway's bare 413.
	MaxUpload int64
	Log       *slog.Logger

	simulations chan struct{} // the simulations running (rules.go), made by Routes
}

// Routes registers the admin endpoints on mux, all behind a bearer token
// or a browser session, and the sign-in pages.
func (h *Handler) Routes(mux *http.ServeMux) {
	if h.Sessions != nil {
		h.sessionRoutes(mux)
	}
	mux.Handle("GET /admin/people", h.Require(ScopeRead, h.findPerson))
	mux.Handle("GET /admin/people/{id}", h.Require(ScopeRead, h.getPerson))
	mux.Handle("GET /admin/backup", h.Require(ScopeBackup, h.backup))
	h.timelineRoutes(mux) // timeline.go
	if h.Audit != nil {
		h.auditRoutes(mux) // audit.go
	}
	if h.Eraser != nil {
		h.eraseRoutes(mux)
		h.discloseRoutes(mux) // disclose.go
	}
	if h.Consent != nil {
		h.consentRoutes(mux) // consent.go
	}
	if h.Links != nil {
		h.linkRoutes(mux)
	}
	if h.Scores != nil {
		h.scoreRoutes(mux)
	} else {
		h.noScoringRoutes(mux)
	}
	if h.Deliveries != nil {
		h.deliveryRoutes(mux)
	}
	if h.Recipients != nil {
		h.recipientRoutes(mux)
	}
	if h.Reports != nil {
		h.reportRoutes(mux)
	}
	if h.Lab != nil {
		h.labRoutes(mux)
	} else {
		h.noLabRoutes(mux)
	}
	if h.Touches != nil {
		h.touchRoutes(mux)
	}
	h.pageRoutes(mux)
	if h.Accounts != nil {
		h.accountRoutes(mux)
	}
	// A page address no route has: a signed-in browser got {"error":"no
	// such route"}, raw JSON, where it expects the workspace. Only GET: a
	// catch-all of every method would answer 404 where a route exists with
	// another method (405).
	mux.HandleFunc("GET /admin/", h.noSuchPage)
}

// noSuchPage answers an admin address no route has: a page for a browser
// (once signed in), the API's JSON 404 for anything else.
func (h *Handler) noSuchPage(w http.ResponseWriter, r *http.Request) {
	if !wantsHTML(r) {
		httpx.Error(w, http.StatusNotFound, "no such route")
		return
	}
	h.Require(ScopeRead, func(w http.ResponseWriter, r *http.Request) {
		h.pageError(w, r, http.StatusNotFound, baseOf(r), "No such page: check the address.")
	}).ServeHTTP(w, r)
}

func (h *Handler) log() *slog.Logger {
	if h.Log != nil {
		return h.Log
	}
	return slog.Default()
}

// PersonView is the admin representation of a person.
type PersonView struct {
	Person   identity.Person `json:"person"`
	Visitors []VisitorView   `json:"visitors"`
	Timeline []event.Event   `json:"timeline"`
}

// VisitorView is one of a person's browsers and when it was theirs.
type VisitorView struct {
	ID    string          `json:"id"`
	Spans []identity.Span `json:"spans"`
}

func (h *Handler) findPerson(w http.ResponseWriter, r *http.Request) {
	raw := r.URL.Query().Get("email")
	if wantsHTML(r) {
		h.browsePerson(w, r, raw)
		return
	}
	if raw == "" {
		httpx.JSON(w, http.StatusBadRequest, httpx.ErrorBody{Error: "query parameter email is required", Field: "email"})
		return
	}
	email, err := event.NormalizeEmail(raw)
	if err != nil {
		httpx.JSON(w, http.StatusBadRequest, httpx.ErrorBody{Error: "not an email address", Field: "email"})
		return
	}
	p, err := h.People.ByEmail(r.Context(), email)
	h.writePerson(w, r, p, err)
}

func (h *Handler) getPerson(w http.ResponseWriter, r *http.Request) {
	p, err := h.People.Get(r.Context(), r.PathValue("id"))
	if wantsHTML(r) && (err == nil || errors.Is(err, identity.ErrNotFound)) {
		if err != nil {
			h.pageError(w, r, http.StatusNotFound, "../", "No such person (never known, or erased).")
			return
		}
		h.personPage(w, r, p)
		return
	}
	h.writePerson(w, r, p, err)
}

func (h *Handler) writePerson(w http.ResponseWriter, r *http.Request, p identity.Person, err error) {
	if errors.Is(err, identity.ErrNotFound) {
		httpx.Error(w, http.StatusNotFound, "no such person")
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	view := PersonView{Person: p, Visitors: []VisitorView{}}
	vs, err := h.People.Visitors(r.Context(), p.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for _, v := range vs {
		l, err := h.People.GetLink(r.Context(), v)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		vv := VisitorView{ID: v}
		for _, s := range l.History {
			if s.Person == p.ID {
				vv.Spans = append(vv.Spans, s)
			}
		}
		view.Visitors = append(view.Visitors, vv)
	}
	if view.Timeline, err = h.Timelines.Timeline(r.Context(), p.ID, h.TimelineLimit); err != nil {
		h.fail(w, r, err)
		return
	}
	if view.Timeline == nil {
		view.Timeline = []event.Event{}
	}
	httpx.JSON(w, http.StatusOK, view)
}

// fail answers an error of Baton's own (a store failing): logged, and a 500
// without its details (r nil: a JSON API's answer).
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	h.log().Error("admin", "err", err)
	// Busy for a while (the SQS dead-letter queues' readers take turns:
	// deadletter.Busy): a 503 saying why, to be asked again.
	var busy interface{ RetryAfter() time.Duration }
	if errors.As(err, &busy) {
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(busy.RetryAfter().Seconds()))))
		if r != nil && wantsHTML(r) && h.Sessions != nil {
			h.pageError(w, r, http.StatusServiceUnavailable, baseOf(r), err.Error())
			return
		}
		httpx.Error(w, http.StatusServiceUnavailable, err.Error())
		return
	}
	if r != nil && wantsHTML(r) && h.Sessions != nil {
		// A workspace page or form: a page saying so, in the page's language.
		h.pageError(w, r, http.StatusInternalServerError, baseOf(r), renderFailed)
		return
	}
	httpx.Error(w, http.StatusInternalServerError, "internal error")
}
