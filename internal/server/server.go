// Package server assembles Baton from its parts: the table, the
// repositories and every HTTP route. The local stack serves it all in one
// process; each Lambda function serves the routes it owns.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/baton-hq/baton/internal/admin"
	"github.com/baton-hq/baton/internal/changefeed"
	"github.com/baton-hq/baton/internal/click"
	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/collect"
	"github.com/baton-hq/baton/internal/config"
	"github.com/baton-hq/baton/internal/enrichment"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/httpx"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/lab"
	"github.com/baton-hq/baton/internal/links"
	"github.com/baton-hq/baton/internal/outcome"
	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/push"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/queue"
	"github.com/baton-hq/baton/internal/rulebook"
	"github.com/baton-hq/baton/internal/secrets"
	"github.com/baton-hq/baton/internal/session"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/bolttable"
	"github.com/baton-hq/baton/internal/table/dynamotable"
	"github.com/baton-hq/baton/internal/token"
	"github.com/baton-hq/baton/internal/visitor"
	"github.com/baton-hq/baton/tag"
	"golang.org/x/text/unicode/norm"
)

// App is an assembled Baton.
type App struct {
	Config   *config.Config
	Table    table.Table
	Events   *eventlog.Log
	People   *identity.Directory
	Stitcher *identity.Stitcher
	Cookie   visitor.Cookie
	Links    *links.Registry
	Eraser   *privacy.Eraser
	Click    *click.Handler
	Feedback *outcome.Handler // nil without a rules file
	Push     *queue.Queue
	Pusher   *push.Worker
	Inbox    *push.Inbox
	// Qualifier scores people; nil without a rules file.
	Qualifier *qualify.Qualifier
	Collect   *collect.Handler
	Admin     *admin.Handler
	Log       *slog.Logger
	// Now is the clock every part runs on (clock.Now unless a test sets one
	// with WithClock).
	Now func() time.Time

	closers []func() error
}

// Option adjusts how an App is assembled.
type Option func(*App)

// WithClock hands one clock to every part of the App (tests).
func WithClock(now func() time.Time) Option { return func(a *App) { a.Now = now } }

// PushQueue is the queue MQLs wait in for delivery to the SFA.
const PushQueue = "push"

// OpenTable opens the configured store. The embedded store announces the
// kinds scoring consumes on its change feed, as the DynamoDB stream (with
// the template's filter criteria) does on AWS.
func OpenTable(ctx context.Context, cfg *config.Config, now func() time.Time) (table.Table, error) {
	switch cfg.Store {
	case "bolt":
		return bolttable.Open(filepath.Join(cfg.DataDir, "baton.db"), bolttable.WithFeed(qualify.StreamKinds...), bolttable.WithClock(now))
	default:
		return openDynamo(ctx, cfg, now)
	}
}

// New assembles Baton on an open table. The App owns the table afterwards.
func New(ctx context.Context, cfg *config.Config, tbl table.Table, log *slog.Logger, opts ...Option) (*App, error) {
	if log == nil {
		log = slog.Default()
	}
	a := &App{Config: cfg, Table: tbl, Log: log, closers: []func() error{tbl.Close}}
	for _, o := range opts {
		o(a)
	}
	a.Now = clock.Or(a.Now)
	now := a.Now
	cal, err := cfg.File.Cal()
	if err != nil {
		return nil, &config.Error{Setting: "BATON_CONFIG", Problem: err.Error()}
	}
	a.Events = &eventlog.Log{T: tbl, Retention: time.Duration(cfg.File.EventRetention)}
	a.People = &identity.Directory{T: tbl, Now: now}
	fieldNames := identity.FieldNames{}
	for k, v := range cfg.File.FormFields {
		if !identity.KnownAttribute(v) {
			return nil, &config.Error{Setting: "BATON_CONFIG", Problem: fmt.Sprintf("form_fields: %s maps to %q, which is no attribute (name, company, title, employees ...)", k, v)}
		}
		fieldNames[strings.ToLower(norm.NFKC.String(k))] = v
	}
	a.Stitcher = &identity.Stitcher{Dir: a.People, Log: a.Events, FieldNames: fieldNames}
	enrich, closeEnrich, err := newEnricher(cfg)
	if err != nil {
		return nil, err
	}
	a.closers = append(a.closers, closeEnrich)
	creds := []admin.Credential{admin.FullAccess(cfg.AdminToken)}
	for _, t := range cfg.File.AdminTokens {
		c, err := admin.NewCredential(t.Name, t.SHA256, t.Scopes)
		if err != nil {
			return nil, &config.Error{Setting: "BATON_CONFIG", Problem: "admin_tokens: " + err.Error()}
		}
		creds = append(creds, c)
	}
	a.Cookie = visitor.Cookie{Domain: cfg.CookieDomain, MaxAge: time.Duration(cfg.File.CookieMaxAge), Secure: cfg.File.SecureCookie, Path: cfg.BasePath}
	a.Collect = &collect.Handler{
		Events:   a.Events,
		People:   a.Stitcher,
		Enrich:   enrich,
		Origins:  cfg.SiteOrigins,
		Sites:    cfg.File.Sites,
		Cookie:   a.Cookie,
		WriteKey: cfg.WriteKey,
		Consent:  consent(cfg.File.Consent),
		Scrub:    event.Scrubber{Params: cfg.File.ScrubParams},
		Log:      log,
		Now:      now,
	}
	keyring, err := linkKeys(cfg)
	if err != nil {
		return nil, err
	}
	a.Links = &links.Registry{T: tbl, AllowedHosts: cfg.File.LinkHosts, Now: now}
	a.Click = &click.Handler{Links: a.Links, Events: a.Events, People: a.Stitcher, Cookie: a.Cookie, Enrich: enrich, T: tbl, Log: log, Now: now}
	a.Push = &queue.Queue{T: tbl, Name: PushQueue, Now: now}
	if cfg.RulesFile != "" {
		rules, err := rulebook.Load(cfg.RulesFile)
		if err != nil {
			return nil, &config.Error{Setting: "BATON_RULES", Problem: err.Error()}
		}
		a.Qualifier = &qualify.Qualifier{T: tbl, Dir: a.People, Log: a.Events, Engine: &rulebook.Engine{R: rules, Loc: cal.Location()}, Now: now, Calendar: cal}
	}
	if a.Qualifier == nil {
		// Loud: everything is collected, nothing is scored or qualified.
		a.Collect.ScoringOff = "no rules file is loaded (set BATON_RULES)"
		log.Warn("SCORING IS OFF: no rules file is loaded; events are collected but nobody is scored or qualified. Set BATON_RULES to the rules file (e.g. infra/rules.yaml).")
	}
	a.Inbox = &push.Inbox{T: tbl}
	a.Pusher = &push.Worker{Queue: a.Push, T: tbl, Dir: a.People, Stitcher: a.Stitcher, Log: log, Now: now}
	if a.Qualifier != nil {
		a.Pusher.Touches = a.Qualifier.Touches // one touch definition for sales and the reports
	}
	if a.Pusher.Connectors, err = connectors(cfg, now); err != nil {
		return nil, err
	}
	if err := checkConnectors(ctx, a.Pusher.Connectors, log); err != nil {
		return nil, err
	}
	a.Eraser = a.eraser()
	if cfg.File.SFA.Erase {
		a.Eraser.Tell = tellConnectors(a.Pusher.Connectors)
	}
	if len(a.Pusher.Connectors) == 0 {
		a.Pusher.Connectors = []push.Connector{a.Inbox} // no SFA configured: the built-in inbox
	}
	if a.Qualifier != nil {
		fb := cfg.File.Feedback
		a.Feedback = &outcome.Handler{
			Apply: a.Qualifier, People: a.People, T: tbl, PublicURL: cfg.PublicURL, Log: log, Now: now,
			SharedSecret: cfg.Secrets.FeedbackSecret, HubSpotClientSecret: cfg.Secrets.HubSpotClientSecret, KintoneToken: cfg.Secrets.KintoneWebhookToken,
			SalesforceStatus: fb.Salesforce, HubSpotValues: fb.HubSpot, KintoneStatus: fb.Kintone, KintoneField: fb.KintoneField, KintoneReason: fb.KintoneWhy,
		}
		if k := cfg.File.SFA.Kintone; k != nil {
			a.Feedback.KintoneEmail = k.EmailField
		}
	}
	a.Admin = &admin.Handler{
		Credentials: creds, People: a.People, Timelines: a.Stitcher, TimelineLimit: cfg.File.TimelineLimit,
		Eraser: a.Eraser, Links: a.Links, PublicURL: cfg.PublicURL, Log: log,
		Sessions: &session.Store{T: tbl, Now: now}, // browser sign-in (the dashboard)
	}
	if a.Qualifier != nil {
		a.Admin.Scores = a.Qualifier
		text, err := os.ReadFile(cfg.RulesFile)
		if err != nil {
			return nil, &config.Error{Setting: "BATON_RULES", Problem: err.Error()}
		}
		a.Admin.Lab = &lab.Lab{T: tbl, Q: a.Qualifier, Rules: a.Qualifier.Engine.(*rulebook.Engine).R, Text: text, File: filepath.Base(cfg.RulesFile), Loc: cal.Location(), Now: now}
	}
	a.Admin.Deliveries = &admin.DeliveryAdmin{Queue: a.Push, Inbox: a.Inbox, Status: a.Pusher.Status}
	a.Admin.Reports = &admin.Reports{T: tbl, SLA: time.Duration(cfg.File.SLA.AcceptWithin), Now: now, Calendar: cal}
	a.Admin.Recipients = &admin.Recipients{T: tbl, Dir: a.People, Keyring: keyring, Now: now, FieldNames: fieldNames}
	if keyring != nil {
		a.Click.Verify = func(tok string, now time.Time) (click.Claims, error) {
			c, err := keyring.Verify(tok, now)
			return click.Claims{PersonID: c.PersonID, Campaign: c.Campaign, IssuedAt: c.IssuedAt}, err
		}
	}
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
		a.Click,  // click memory, and every click and open event naming the person
		scoring,  // score, ledger, stage history, MQLs and the MQL index, feedback and SLA marks
		a.Pusher, // delivery records and the SFAs' record ids (EXT#...)
		a.Inbox,  // the built-in inbox's leads
		a.Push,   // the push queue's messages and dead letters (on AWS: see push.Worker.Deliver)
	)
	if f, ok := a.Table.(privacy.Forgetter); ok {
		e.Register(f) // the store's own copies: the embedded store's change feed
	}
	return e
}

// RelayToQueue hands an MQL from the change feed to the table's durable
// push queue (the local stack's SQS); a repeat is already queued.
func (a *App) RelayToQueue(ctx context.Context, m qualify.MQL) error {
	err := a.Push.Enqueue(ctx, m.ID, m)
	if errors.Is(err, queue.ErrDuplicate) {
		return nil
	}
	return err
}

// Changes is the handler of the table's change feed: scoring and the MQL
// relay, the code the score function runs on the DynamoDB stream.
func (a *App) Changes(relay qualify.Relay) func(ctx context.Context, cs []table.Change) (int, error) {
	return func(ctx context.Context, cs []table.Change) (int, error) {
		if a.Qualifier == nil {
			return len(cs), nil // no rules: nothing scores, nothing qualifies
		}
		return a.Qualifier.HandleChanges(ctx, cs, relay)
	}
}

// Feed returns the consumer of the table's change feed that runs scoring
// and relays MQLs to the durable push queue: the local stack's score
// function. The embedded store has its own feed; on DynamoDB (moto or
// DynamoDB Local) it reads the table's stream.
func (a *App) Feed() (*changefeed.Consumer, error) {
	c := &changefeed.Consumer{Handle: a.Changes(a.RelayToQueue), Log: a.Log}
	switch t := a.Table.(type) {
	case *bolttable.Table:
		c.Feed, c.Wake = t, t.Wake()
	case *dynamotable.Table:
		c.Feed = t.Stream(qualify.StreamKinds...)
	default:
		return nil, fmt.Errorf("server: the %T store has no change feed", a.Table)
	}
	return c, nil
}

// Close releases the table and anything else the App opened.
func (a *App) Close() error {
	var first error
	for i := len(a.closers) - 1; i >= 0; i-- {
		if err := a.closers[i](); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// Handler returns every route of Baton, with the shared middleware.
func (a *App) Handler(extra ...func(*http.ServeMux)) http.Handler {
	mux := http.NewServeMux()
	a.collectRoutes(mux)
	a.Admin.Routes(mux)
	if a.Feedback != nil {
		a.Feedback.Routes(mux)
	}
	for _, f := range extra {
		f(mux)
	}
	return a.serve(mux)
}

// CollectHandler returns the public collection routes (the collect function).
func (a *App) CollectHandler() http.Handler {
	mux := http.NewServeMux()
	a.collectRoutes(mux)
	return a.serve(mux)
}

// AdminHandler returns the /admin routes (the admin function).
func (a *App) AdminHandler() http.Handler {
	mux := http.NewServeMux()
	a.Admin.Routes(mux)
	return a.serve(mux)
}

// FeedbackHandler returns the /feedback routes (the feedback function).
func (a *App) FeedbackHandler() http.Handler {
	mux := http.NewServeMux()
	if a.Feedback != nil {
		a.Feedback.Routes(mux)
	}
	return a.serve(mux)
}

// ClickHandler returns the tracked-link and open-pixel routes (the click function).
func (a *App) ClickHandler() http.Handler {
	mux := http.NewServeMux()
	a.Click.Routes(mux)
	return a.serve(mux)
}

// serve is how every set of routes is served: under the base path
// (BATON_BASE_PATH: the one place the prefix is stripped; httpx.BaseURL
// and the cookies' Path put it back), with the shared middleware.
func (a *App) serve(mux *http.ServeMux) http.Handler {
	return Wrap(a.Log, httpx.Under(a.Config.BasePath, httpx.Routes(mux)))
}

func (a *App) collectRoutes(mux *http.ServeMux) {
	a.Collect.Routes(mux)
	a.Click.Routes(mux)
	mux.Handle("GET /t.js", tag.Handler())
}

// FromEnv is how a deployed function starts: configuration from the
// environment (secrets required, none generated), with the Secrets Manager
// secret named by BATON_SECRETS_ARN over it when set (read once, here), and
// the configured store.
func FromEnv(ctx context.Context) (*App, error) {
	log := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	getenv, err := Getenv(ctx)
	if err != nil {
		return nil, err
	}
	cfg, err := config.FromEnv(getenv, config.Deployed)
	if err != nil {
		return nil, err
	}
	tbl, err := OpenTable(ctx, cfg, clock.Now)
	if err != nil {
		return nil, err
	}
	app, err := New(ctx, cfg, tbl, log)
	if err != nil {
		tbl.Close()
		return nil, err
	}
	return app, nil
}

// Getenv returns how a deployed function reads its settings: os.Getenv,
// with the values of the Secrets Manager secret BATON_SECRETS_ARN names
// over it when that is set (internal/secrets).
func Getenv(ctx context.Context) (func(string) string, error) {
	id := strings.TrimSpace(os.Getenv(secrets.Variable))
	if id == "" {
		return os.Getenv, nil
	}
	st, err := secrets.New(ctx, id)
	if err == nil {
		var getenv func(string) string
		if getenv, err = st.Getenv(ctx, os.Getenv); err == nil {
			return getenv, nil
		}
	}
	return nil, &config.Error{Setting: secrets.Variable, Problem: err.Error()}
}

// Wrap adds the middleware every Baton endpoint has.
func Wrap(log *slog.Logger, h http.Handler) http.Handler {
	return httpx.SecurityHeaders(httpx.Recover(func(msg string, args ...any) { log.Error(msg, args...) }, h))
}

// newEnricher returns the collectors' per-event enrichment: user agent,
// bot and scanner flags, GeoIP when databases are configured, and the
// client address truncated before anything is stored.
func newEnricher(cfg *config.Config) (func(*http.Request, *event.Event), func() error, error) {
	e, err := enrichment.New(enrichment.Config{CityDB: cfg.GeoIPCity, ASNDB: cfg.GeoIPASN})
	if err != nil {
		return nil, nil, &config.Error{Setting: strings.SplitN(err.Error(), ":", 2)[0], Problem: err.Error()}
	}
	return func(r *http.Request, ev *event.Event) {
		e.Enrich(enrichment.Request{UserAgent: ev.Client.UserAgent, IP: httpx.ClientIP(r, cfg.TrustProxy), Method: r.Method, Webdriver: ev.Client.Webdriver,
			UserAgentUnknown: ev.Client.API == "server"}, ev)
	}, e.Close, nil
}

func consent(c config.ConsentFile) collect.Consent {
	out := collect.Consent{RequiredAll: c.Required, IgnoreGPC: c.IgnoreGPC, RequiredSites: map[string]bool{}}
	for _, s := range c.RequiredSites {
		out.RequiredSites[s] = true
	}
	return out
}

// linkKeys reads BATON_LINK_KEYS. The local stack, when it is unset, keeps
// a generated key in its data directory so tokens survive restarts.
func linkKeys(cfg *config.Config) (*token.Keyring, error) {
	spec := cfg.LinkKeys
	if spec == "" && cfg.Store == "bolt" {
		p := filepath.Join(cfg.DataDir, "link-keys")
		b, err := os.ReadFile(p)
		if errors.Is(err, os.ErrNotExist) {
			b = []byte("k1:" + token.NewSecret())
			if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
				return nil, err
			}
			err = os.WriteFile(p, b, 0o600)
		}
		if err != nil {
			return nil, &config.Error{Setting: "BATON_LINK_KEYS", Problem: err.Error()}
		}
		spec = string(b)
	}
	if spec == "" {
		return nil, nil
	}
	kr, err := token.ParseKeyring(spec)
	if err != nil {
		return nil, &config.Error{Setting: "BATON_LINK_KEYS", Problem: err.Error()}
	}
	return kr, nil
}
