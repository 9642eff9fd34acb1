// Package core is what every Baton function starts from: the
// configuration, the table, the clock, the people directory with the event
// log, and scoring when a rules file is loaded. The parts a function serves
// are assembled on it by their own packages (app/web, app/delivery,
// app/sales; the whole App, with admin, in app), so that each
// Lambda links only what it serves. Lambdas open DynamoDB here; the
// embedded store is the local stack's (internal/stores).
package core

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/baton-hq/baton/internal/account"
	"github.com/baton-hq/baton/internal/calendar"
	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/config"
	"github.com/baton-hq/baton/internal/csvin"
	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/httpx"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/rulebook"
	"github.com/baton-hq/baton/internal/scorefeed"
	"github.com/baton-hq/baton/internal/secrets"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/writelog"
	"github.com/baton-hq/baton/internal/visitor"
)

// Core is the part of Baton every function has.
type Core struct {
	Config *config.Config
	Table  table.Table
	Log    *slog.Logger
	// Now is the clock every part runs on (clock.Now unless a test hands
	// its own).
	Now func() time.Time
	// Cal is the configured business calendar (timezone, working time).
	Cal        calendar.Calendar
	Events     *eventlog.Log
	People     *identity.Directory
	Stitcher   *identity.Stitcher
	FieldNames identity.FieldNames
	Cookie     visitor.Cookie
	// Qualifier scores people; nil without a rules file, or with a bad one
	// in a function started with RulesOptional.
	Qualifier *qualify.Qualifier
	// RulesErr is why the rules file could not be loaded, in a function
	// started with RulesOptional (else a bad rules file stops New).
	RulesErr error
	// Accounts groups scored people into accounts and raises MQAs (kept
	// current on the change feed after scoring); nil without a rules file.
	Accounts *account.Book
	// SettleClicks judges newsletter clicks whose visits are over (set by
	// web.New, which owns the click handler; the sweep runs it).
	SettleClicks func(ctx context.Context) (int, error)
	// ListOldCampaigns copies campaigns stored before the campaigns' list
	// into it, a page a run (set by web.New, which owns the link registry;
	// the sweep runs it: it scans the table).
	ListOldCampaigns func(ctx context.Context) (int, error)
	// Requeue hands an MQL whose relay from the change feed was lost to
	// the push queue again, as the relay does (set by delivery.New: the
	// table's queue; on AWS by the sweep function: SQS); nil: the sweep
	// does not look for them.
	Requeue func(ctx context.Context, m qualify.MQL) error
	// BreachOwner reads who owns an MQL's record at the SFAs that took it
	// (push.RecordOwner, over the configured connectors; set by
	// delivery.New, on AWS by the sweep function): an SLA breach names
	// them. Nil: breaches name no owner.
	BreachOwner func(ctx context.Context, m qualify.MQL) (qualify.Owner, error)

	closers []func() error
}

// Option adjusts how the core is assembled.
type Option func(*options)

type options struct{ rulesOptional bool }

// RulesOptional is for the functions that neither score nor qualify
// (collect, click): a rules file that does not load is logged as an error
// and kept in RulesErr, and the core starts without scoring, instead of
// failing. A typo in the rules then stops scoring (the score function
// fails its batches), not page views and tracked newsletter links.
func RulesOptional(o *options) { o.rulesOptional = true }

// New assembles the core on an open table, which it owns afterwards (a nil
// log: slog's default; a nil clock: the wall clock). A rules file that does
// not load is an error unless RulesOptional.
func New(cfg *config.Config, tbl table.Table, log *slog.Logger, now func() time.Time, opts ...Option) (*Core, error) {
	var o options
	for _, f := range opts {
		f(&o)
	}
	if log == nil {
		log = slog.Default()
	}
	now = clock.Or(now)
	if w, ok := tbl.(interface{ OnWriteState(func(error)) }); ok {
		// The embedded store with its disk full: the first failed write
		// is logged, then one line a minute, and once when it writes
		// again, not a line per failed request.
		wl := writelog.New(log.Handler(), now)
		log = slog.New(wl)
		w.OnWriteState(func(err error) {
			if err == nil {
				wl.Recovered()
			}
		})
	}
	c := &Core{Config: cfg, Table: tbl, Log: log, Now: now, closers: []func() error{tbl.Close}}
	cal, err := cfg.File.Cal()
	if err != nil {
		return nil, &config.Error{Setting: "BATON_CONFIG", Problem: err.Error()}
	}
	c.Cal = cal
	for _, w := range cfg.File.Warnings() {
		log.Warn(w)
	}
	c.Events = &eventlog.Log{T: tbl, Retention: time.Duration(cfg.File.EventRetention), Now: now}
	c.People = &identity.Directory{T: tbl, Now: now}
	c.FieldNames = identity.FieldNames{}
	if err := identity.CheckFormFields(cfg.File.FormFields); err != nil {
		return nil, &config.Error{Setting: "BATON_CONFIG", Problem: err.Error()}
	}
	for k, v := range cfg.File.FormFields {
		// As a field's name is read (identity.SplitLabelled: csvin.Header),
		// words joined, a required mark left out.
		c.FieldNames[csvin.Header(k)] = v
	}
	c.Stitcher = &identity.Stitcher{Dir: c.People, Log: c.Events, FieldNames: c.FieldNames}
	c.Cookie = visitor.Cookie{Domain: cfg.CookieDomain, MaxAge: time.Duration(cfg.File.CookieMaxAge), Secure: cfg.File.SecureCookie, Path: cfg.BasePath, Proxies: cfg.TrustProxy}
	if cfg.RulesFile != "" {
		rules, err := rulebook.Load(cfg.RulesFile)
		if err != nil {
			err = &config.Error{Setting: "BATON_RULES", Problem: err.Error()}
			if !o.rulesOptional {
				return nil, err
			}
			// Loud: this function serves on, but nothing is scored
			// anywhere until the rules file is fixed and deployed
			// (README, Deploying to AWS: rollback).
			log.Error("RULES FILE DOES NOT LOAD: this function serves without it; scoring, qualification and delivery are down until it is fixed", "err", err)
			c.RulesErr = err
			return c, nil
		}
		// What the file likely got wrong but may mean (a fit rule's
		// attribute a typo away from one Baton names): said at start-up,
		// as make check says it.
		for _, w := range rules.Warnings {
			log.Warn("rules: " + w.String())
		}
		c.Qualifier = &qualify.Qualifier{T: tbl, Dir: c.People, Log: c.Events, Engine: &rulebook.Engine{R: rules, Loc: cal.Location()}, Now: now, Calendar: cal, Referrals: cfg.Referrals()}
		c.Accounts = account.NewBook(tbl, c.People, c.Events, c.Qualifier, rules, c.Qualifier.Engine, now)
		c.Accounts.Loc = cal.Location()            // activity days are the team's
		c.Accounts.Logger = log                    // an account full of grouping keys says so
		c.Qualifier.Rescored = c.Accounts.Rescored // a rules change reaches the account scores
	} else {
		// Loud: everything is collected, nothing is scored or qualified.
		log.Warn("SCORING IS OFF: no rules file is loaded; events are collected but nobody is scored or qualified. Set BATON_RULES to the rules file (e.g. infra/rules.yaml).")
	}
	return c, nil
}

// OnClose adds something Close releases (before the table).
func (c *Core) OnClose(f func() error) { c.closers = append(c.closers, f) }

// Close releases the table and anything else the parts opened.
func (c *Core) Close() error {
	var first error
	for i := len(c.closers) - 1; i >= 0; i-- {
		if err := c.closers[i](); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// Changes is the handler of the table's change feed: scoring and the MQL
// relay, then the accounts of the people scoring just handled (MQAs go to
// Accounts.Send), the code the score function runs on the DynamoDB stream.
func (c *Core) Changes(relay scorefeed.Relay) func(ctx context.Context, cs []table.Change) (int, error) {
	h := c.ChangesUntil(relay)
	return func(ctx context.Context, cs []table.Change) (int, error) { return h(ctx, cs, nil) }
}

// ChangesUntil is Changes that starts no more scoring once late says so
// (scorefeed.HandleChangesUntil: the score function near its deadline),
// returning the first change not started with scorefeed.ErrLate. The
// accounts of the changes scored are still handled: they are done.
func (c *Core) ChangesUntil(relay scorefeed.Relay) func(ctx context.Context, cs []table.Change, late func() bool) (int, error) {
	return func(ctx context.Context, cs []table.Change, late func() bool) (int, error) {
		if c.Qualifier == nil {
			return len(cs), nil // no rules: nothing scores, nothing qualifies
		}
		n, err := scorefeed.HandleChangesUntil(ctx, c.Qualifier, cs, relay, late)
		if c.Accounts != nil && n > 0 {
			if k, aerr := c.accountChanges(ctx, cs[:n]); aerr != nil {
				return k, aerr
			}
		}
		return n, err
	}
}

// accountChanges runs the account step on the changes scoring handled and,
// when it fails, the index of the change that failed (those before it
// done). The step is one pass over the batch's people, so its failure
// names no change: it is run again a change at a time, from the first,
// to find it. Returning 0 named cs[0] to Lambda's partial-batch response
// whatever failed, so bisecting never isolated the bad record and the
// whole batch ended in the score-failures queue. Everything is idempotent:
// the changes before the failing one are done twice, harmlessly.
func (c *Core) accountChanges(ctx context.Context, cs []table.Change) (int, error) {
	_, err := c.Accounts.HandleChanges(ctx, cs)
	if err == nil {
		return len(cs), nil
	}
	for i := range cs {
		if ctx.Err() != nil {
			return i, err
		}
		if _, ierr := c.Accounts.HandleChanges(ctx, cs[i:i+1]); ierr != nil {
			return i, ierr
		}
	}
	return len(cs), nil // a passing failure: every change is done now
}

// Serve is how every set of routes is served: under the base path
// (BATON_BASE_PATH: the one place the prefix is stripped; httpx.BaseURL
// and the cookies' Path put it back), with the shared middleware. With
// BATON_REQUIRE_ORIGIN a request without the origin secret is refused
// before any route: every way a request comes in (lambdahttp.Adapter for
// each function, the local stack's server) serves a handler built here,
// after httpx.TakeOrigin, so no route escapes it.
func (c *Core) Serve(mux *http.ServeMux) http.Handler {
	return Wrap(c.Log, httpx.RequireOrigin(c.Config.RequireOrigin, c.Config.BasePath, httpx.Under(c.Config.BasePath, httpx.Routes(mux))))
}

// Wrap adds the middleware every Baton endpoint has.
func Wrap(log *slog.Logger, h http.Handler) http.Handler {
	return httpx.SecurityHeaders(httpx.Recover(func(msg string, args ...any) { log.Error(msg, args...) }, h))
}

// FromEnv is how a deployed function starts: configuration from the
// environment (secrets required, none generated), with the Secrets Manager
// secret named by BATON_SECRETS_ARN over it when set (read once, here), on
// the DynamoDB table: the functions run on DynamoDB only (the embedded
// store is the local stack's).
func FromEnv(ctx context.Context, opts ...Option) (*Core, error) {
	log := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	getenv, err := Getenv(ctx)
	if err != nil {
		return nil, err
	}
	cfg, err := config.FromEnv(getenv, config.Deployed)
	if err != nil {
		return nil, err
	}
	if cfg.Store != "dynamodb" {
		return nil, &config.Error{Setting: "BATON_STORE", Problem: fmt.Sprintf("%q: the functions run on DynamoDB (set dynamodb); the embedded store is the local stack's", cfg.Store)}
	}
	tbl, err := OpenDynamo(ctx, cfg, clock.Now)
	if err != nil {
		return nil, err
	}
	c, err := New(cfg, tbl, log, nil, opts...)
	if err != nil {
		tbl.Close()
		return nil, err
	}
	return c, nil
}

// Getenv returns how a deployed function reads its settings: os.Getenv,
// with the values of the Secrets Manager secret BATON_SECRETS_ARN names
// over it when that is set (internal/secrets).
func Getenv(ctx context.Context) (func(string) string, error) {
	id := strings.TrimSpace(os.Getenv(secrets.Variable))
	if id == "" {
		return os.Getenv, nil
	}
	// A key of another region fails every read of the secret with an
	// error that names neither: said here, before any call.
	if err := secrets.CheckKeyRegion(os.Getenv(secrets.KeyVariable), os.Getenv("AWS_REGION")); err != nil {
		return nil, &config.Error{Setting: secrets.KeyVariable, Problem: err.Error()}
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
