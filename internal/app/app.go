// Package app is the composition root: it assembles the whole of Baton,
// every part (app/core, app/web, app/delivery, app/sales) and admin with
// erasure, on one core. The local stack serves it all in one process, the admin
// function its /admin routes; every other function assembles only its
// parts (functions/*/main.go). No store is opened here: the functions run
// on DynamoDB (core.FromEnv), the local stack opens its store with
// internal/stores.
package app

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/baton-hq/baton/internal/admin"
	"github.com/baton-hq/baton/internal/app/core"
	"github.com/baton-hq/baton/internal/app/delivery"
	"github.com/baton-hq/baton/internal/app/sales"
	"github.com/baton-hq/baton/internal/app/web"
	"github.com/baton-hq/baton/internal/audit"
	"github.com/baton-hq/baton/internal/config"
	"github.com/baton-hq/baton/internal/feedback"
	"github.com/baton-hq/baton/internal/lab"
	"github.com/baton-hq/baton/internal/offline"
	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/push"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/repnames"
	"github.com/baton-hq/baton/internal/reports"
	"github.com/baton-hq/baton/internal/rulebook"
	"github.com/baton-hq/baton/internal/session"
	"github.com/baton-hq/baton/internal/sla"
	"github.com/baton-hq/baton/internal/table"
)

// App is an assembled Baton: every part on one core. The local stack serves
// it all in one process, and the admin function serves its /admin routes
// (erasure and the reports reach every part). The other functions assemble
// only their parts on the core (functions/*/main.go).
type App struct {
	*core.Core
	*web.Web
	*delivery.Delivery
	Eraser   *privacy.Eraser
	Feedback *feedback.Handler // nil without a rules file
	Admin    *admin.Handler
}

// Option adjusts how an App is assembled.
type Option func(*options)

type options struct{ now func() time.Time }

// WithClock hands one clock to every part of the App (tests).
func WithClock(now func() time.Time) Option { return func(o *options) { o.now = now } }

// New assembles Baton on an open table. The App owns the table afterwards.
func New(ctx context.Context, cfg *config.Config, tbl table.Table, log *slog.Logger, opts ...Option) (*App, error) {
	var o options
	for _, f := range opts {
		f(&o)
	}
	c, err := core.New(cfg, tbl, log, o.now)
	if err != nil {
		return nil, err
	}
	return Assemble(ctx, c)
}

// Assemble assembles every part of Baton on the core.
func Assemble(ctx context.Context, c *core.Core) (*App, error) {
	cfg, now := c.Config, c.Now
	a := &App{Core: c}
	var err error
	if a.Web, err = web.New(c); err != nil {
		return nil, err
	}
	creds := []admin.Credential{admin.FullAccess(cfg.AdminToken)}
	for _, t := range cfg.File.AdminTokens {
		c, err := admin.NewCredential(t.Name, t.SHA256, t.Scopes)
		if err != nil {
			return nil, &config.Error{Setting: "BATON_CONFIG", Problem: "admin_tokens: " + err.Error()}
		}
		creds = append(creds, c)
	}
	if a.Delivery, err = delivery.New(ctx, c); err != nil {
		return nil, err
	}
	a.Eraser = a.eraser()
	if cfg.File.SFA.Erase {
		a.Eraser.Tell = a.TellConnectors()
		if c.Accounts != nil {
			c.Accounts.Rewrite = a.Pusher.RewriteAccount // MQAs the SFAs took stop naming the person
		}
	}
	a.Feedback = sales.New(c)
	a.Admin = &admin.Handler{
		Credentials: creds, People: a.People, Timelines: a.Stitcher, TimelineLimit: cfg.File.TimelineLimit,
		Eraser: a.Eraser, Consent: a.Stitcher, Links: a.Links, PublicURL: cfg.PublicURL, Log: c.Log, Proxies: cfg.TrustProxy, SiteHosts: cfg.SiteHosts(),
		Sessions: &session.Store{T: c.Table, Now: now},                                          // browser sign-in (the dashboard)
		Audit:    &audit.Log{T: c.Table, TTL: time.Duration(cfg.File.AuditRetention), Now: now}, // who did what (GET /admin/audit)
	}
	if a.Qualifier != nil {
		a.Admin.Scores = a.Qualifier
		text, err := os.ReadFile(cfg.RulesFile)
		if err != nil {
			return nil, &config.Error{Setting: "BATON_RULES", Problem: err.Error()}
		}
		a.Admin.Lab = &lab.Lab{T: c.Table, Q: a.Qualifier, Rules: a.Qualifier.Engine.(*rulebook.Engine).R, Text: text, File: filepath.Base(cfg.RulesFile), Loc: c.Cal.Location(), Now: now, Retention: time.Duration(cfg.File.EventRetention)}
	}
	if b, ok := c.Table.(interface {
		Backup(w io.Writer, sized func(int64)) error
	}); ok { // the embedded store
		a.Admin.Backup = b.Backup
	}
	a.Admin.Accounts = c.Accounts
	a.Admin.Deliveries = &admin.DeliveryAdmin{Queue: a.Push, Inbox: a.Inbox, Status: a.Pusher.Status, SendTo: a.Pusher.SendTo, Enqueue: a.Delivery.Enqueue, ReplayCheck: a.Pusher.ReplayRefusal}
	for _, k := range a.Pusher.Connectors {
		a.Admin.Deliveries.Connectors = append(a.Admin.Deliveries.Connectors, k.Name())
	}
	a.Admin.Reports = &admin.Reports{T: c.Table, SLA: cfg.File.AcceptWithin(c.Cal), Now: now, Calendar: c.Cal, Targets: cfg.File.KPITargets}
	if cfg.HandsOff() { // sales' time from the lead's delivery (push keeps it)
		a.Admin.Reports.Delivered = func(ctx context.Context, mqlID string) (time.Time, bool, error) {
			return push.FirstDelivery(ctx, c.Table, mqlID)
		}
		a.Admin.Reports.Between = func(ctx context.Context, from, to time.Time) (map[string]time.Time, error) {
			return push.FirstDeliveredBetween(ctx, c.Table, from, to)
		}
	}
	a.Admin.Recipients = &admin.Recipients{Dir: a.People, Keyring: a.Keyring, Now: now, FieldNames: c.FieldNames, Japan: cfg.File.Japanese()}
	a.Admin.Workspace = &admin.Workspace{T: c.Table, Events: a.Events, Loc: c.Cal.Location(), Now: now}
	a.Admin.Touches = &offline.Importer{Dir: a.People, Link: a.Stitcher, Events: a.Events, FieldNames: c.FieldNames, Loc: c.Cal.Location(), Now: now, Japan: cfg.File.Japanese()}
	return a, nil
}

// eraser registers every package that keeps data about a person with the
// Eraser, each forgetting its own items; identity (the people directory)
// runs last. A package that starts keeping data about people adds itself
// here; the erasure suite (internal/privacy/privacytest) decodes the whole
// store afterwards and fails on anything left.
func (a *App) eraser() *privacy.Eraser {
	scoring := a.Qualifier
	if scoring == nil { // no rules file now; scores kept under an earlier one still go
		scoring = &qualify.Qualifier{T: a.Table}
	}
	e := &privacy.Eraser{T: a.Table, People: a.Stitcher, Now: a.Now}
	e.Register(
		a.Click,                              // click memory, and every click and open event naming the person
		scoring,                              // score, ledger, stage history, MQLs and the MQL index, feedback marks, deals
		&sla.Sweeper{Q: scoring},             // SLA breach marks
		a.Pusher,                             // delivery records and the SFAs' record ids (EXT#...)
		a.Inbox,                              // the built-in inbox's leads
		a.Push,                               // the push queue's messages and dead letters (on AWS: see push.Worker.Deliver)
		&feedback.KintoneChanges{T: a.Table}, // when kintone first showed another status for an MQL
		repnames.Keeper{T: a.Table},          // an SFA rep's name (their email), asked by email
		reports.SnapshotKeeper{T: a.Table},   // the dashboard's figures: sales' reasons may name the person
	)
	if a.Accounts != nil {
		e.Register(a.Accounts) // the person's place in their account and in its MQAs
	}
	if a.Links != nil {
		e.Register(a.Links) // the hash of their address on each send's recipient lists
	}
	if f, ok := a.Table.(privacy.Keeper); ok {
		e.Register(f) // the store's own copies: the embedded store's change feed
	}
	return e
}

// Handler returns every route of Baton, with the shared middleware.
func (a *App) Handler(extra ...func(*http.ServeMux)) http.Handler {
	mux := http.NewServeMux()
	a.Web.Routes(mux)
	a.Admin.Routes(mux)
	if a.Feedback != nil {
		a.Feedback.Routes(mux)
	}
	for _, f := range extra {
		f(mux)
	}
	return a.Serve(mux)
}

// CollectHandler returns the public collection routes (the collect function).
func (a *App) CollectHandler() http.Handler {
	mux := http.NewServeMux()
	a.Web.Routes(mux)
	return a.Serve(mux)
}

// AdminHandler returns the /admin routes (the admin function).
func (a *App) AdminHandler() http.Handler {
	mux := http.NewServeMux()
	a.Admin.Routes(mux)
	return a.Serve(mux)
}

// FeedbackHandler returns the /feedback routes (the feedback function).
func (a *App) FeedbackHandler() http.Handler {
	mux := http.NewServeMux()
	if a.Feedback != nil {
		a.Feedback.Routes(mux)
	}
	return a.Serve(mux)
}

// ClickHandler returns the tracked-link and open-pixel routes (the click function).
func (a *App) ClickHandler() http.Handler {
	mux := http.NewServeMux()
	a.Click.Routes(mux)
	return a.Serve(mux)
}

// FromEnv assembles the whole App as a deployed function starts (the
// admin function; core.FromEnv: configuration, secrets, DynamoDB).
func FromEnv(ctx context.Context) (*App, error) {
	c, err := core.FromEnv(ctx)
	if err != nil {
		return nil, err
	}
	app, err := Assemble(ctx, c)
	if err != nil {
		c.Close()
		return nil, err
	}
	return app, nil
}

// Start is how the admin function begins: the whole App from the
// environment, then the handler build returns, served by Lambda.
func Start(build func(*App) (any, error)) {
	core.Start(func(c *core.Core) (any, error) {
		app, err := Assemble(context.Background(), c)
		if err != nil {
			return nil, err
		}
		return build(app)
	})
}

// Getenv is core.Getenv: os.Getenv with BATON_SECRETS_ARN's values over it.
func Getenv(ctx context.Context) (func(string) string, error) { return core.Getenv(ctx) }

// Wrap adds the middleware every Baton endpoint has.
func Wrap(log *slog.Logger, h http.Handler) http.Handler { return core.Wrap(log, h) }
