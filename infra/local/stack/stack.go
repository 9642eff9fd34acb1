// Package stack runs all of Baton in one process on the embedded store: the
// collector, the admin API, the tag and a demo site. `make dev` starts it;
// tests start it on a loopback port.
package stack

import (
	"context"
	"embed"
	"errors"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/baton-hq/baton/internal/admin"
	"github.com/baton-hq/baton/internal/app"
	"github.com/baton-hq/baton/internal/audit"
	"github.com/baton-hq/baton/internal/changefeed"
	"github.com/baton-hq/baton/internal/config"
	"github.com/baton-hq/baton/internal/httpx"
	"github.com/baton-hq/baton/internal/scorefeed"
	"github.com/baton-hq/baton/internal/stores"
)

//go:embed demo
var demoFiles embed.FS

// Stack is a running local Baton.
type Stack struct {
	App     *app.App
	URL     string               // where Baton answers: e.g. http://127.0.0.1:8080, or http://127.0.0.1:8080/_bt under BATON_BASE_PATH
	Changes *changefeed.Consumer // scoring and the MQL relay
	srv     *http.Server
	ln      net.Listener
	stop    context.CancelFunc
	wg      sync.WaitGroup

	inFlight  atomic.Int64 // requests being answered (Abort names how many it cuts off)
	closeOnce sync.Once    // the store is closed once, by Close or Abort, whichever comes first
	closeErr  error
}

// A request's line and headers are bounded at maxHead, answered 431 in
// JSON naming the largest part (httpx.LimitHead). net/http's own bound,
// which answers 431 in text/plain before any handler, is set to
// headCeiling, so that only a head past it (plus the 4096 bytes of slack
// net/http adds) still gets net/http's text answer: the ceiling is what
// keeps the memory a connection's head can take bounded.
const (
	maxHead     = 64 << 10
	headCeiling = 4 * maxHead
)

// Start opens the store, assembles Baton and serves it on cfg.Addr
// (127.0.0.1:0 picks a free port). now is the clock of everything (nil: the
// wall clock; tests pass theirs).
func Start(ctx context.Context, cfg *config.Config, log *slog.Logger, now func() time.Time) (*Stack, error) {
	return start(ctx, cfg, log, now, nil)
}

// start is Start; wrap, when set, wraps the change feed's MQL relay (tests
// lose one, as a failed stream batch never replayed does on AWS).
func start(ctx context.Context, cfg *config.Config, log *slog.Logger, now func() time.Time, wrap func(scorefeed.Relay) scorefeed.Relay) (*Stack, error) {
	tbl, err := stores.Open(ctx, cfg, now)
	if err != nil {
		return nil, err
	}
	a, err := app.New(ctx, cfg, tbl, log, app.WithClock(now))
	if err != nil {
		tbl.Close()
		return nil, err
	}
	a.Admin.Demo = true // routes serves it; a deployment has none
	relay := scorefeed.Relay(a.RelayToQueue)
	if wrap != nil {
		relay = wrap(relay)
	}
	feed, err := stores.Feed(a.Table, a.Changes(relay), a.Log)
	if err != nil {
		a.Close()
		return nil, err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		a.Close()
		return nil, err
	}
	origin := "http://" + ln.Addr().String()
	s := &Stack{App: a, URL: origin + cfg.BasePath, ln: ln}
	if cfg.PublicURL == "http://"+cfg.Addr { // not set: the address we actually listen on (the base path is added per request)
		cfg.PublicURL = origin
		a.Admin.PublicURL = origin
		if a.Feedback != nil { // HubSpot signs the URL it called
			a.Feedback.PublicURL = origin
		}
	}
	// The demo site is served here: its pages are the team's own site's.
	for _, o := range []string{origin, cfg.PublicURL} {
		if u, err := url.Parse(o); err == nil && u.Hostname() != "" && !slices.Contains(a.Admin.SiteHosts, strings.ToLower(u.Hostname())) {
			a.Admin.SiteHosts = append(a.Admin.SiteHosts, strings.ToLower(u.Hostname()))
		}
	}
	h := httpx.TakeOriginHandler(a.Collect.RefusalsReadable(cfg.BasePath, httpx.LimitHead(maxHead, guard(cfg, now, a.Handler(routes), a.Admin))))
	s.srv = &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			s.inFlight.Add(1)
			defer s.inFlight.Add(-1)
			h.ServeHTTP(w, r)
		}),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    headCeiling,
	}
	go func() {
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			a.Log.Error("serve", "err", err)
		}
	}()
	var bg context.Context
	bg, s.stop = context.WithCancel(context.Background())
	if p, ok := a.Table.(purger); ok {
		s.every(bg, time.Hour, "retention", func(ctx context.Context) error {
			n, err := p.Expire(ctx) // and the file compacted, at most daily: no expired bytes left in it
			if n > 0 {
				a.Log.Info("retention: purged expired items", "items", n)
			}
			return err
		})
	}
	if a.Qualifier != nil {
		// Rescore jobs run in the background, resumed after a restart.
		s.every(bg, time.Second, "rescore", a.Qualifier.RunRescores)
	}
	if a.ListOldCampaigns != nil {
		// A new store's campaigns list is complete at once (its copy of
		// older campaigns finds none), not after the first sweep's minute:
		// the campaigns page would say it is being built meanwhile.
		lctx, cancel := context.WithTimeout(bg, 5*time.Second)
		if _, err := a.ListOldCampaigns(lctx); err != nil {
			a.Log.Error("campaigns list", "err", err)
		}
		cancel()
	}
	s.every(bg, time.Minute, "sweep", func(ctx context.Context) error {
		_, err := a.Sweep(ctx)
		return err
	})
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		a.Pusher.Run(bg, 500*time.Millisecond) // the local stand-in for the push function on SQS
	}()
	// The local stand-in for the score function on the DynamoDB stream: the
	// same handler, on the embedded feed or the stream of a local DynamoDB.
	s.Changes = feed
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		feed.Run(bg)
	}()
	return s, nil
}

// Feed returns the consumer of the App's change feed that runs scoring and
// relays MQLs to the durable push queue: the local stand-in for the score
// function on the DynamoDB stream.
func Feed(a *app.App) (*changefeed.Consumer, error) {
	return stores.Feed(a.Table, a.Changes(a.RelayToQueue), a.Log)
}

// Settle handles every change on the feed now (tests call it before reading
// what scoring writes, instead of sleeping).
func (s *Stack) Settle(ctx context.Context) error { return s.Changes.Drain(ctx) }

// purger is the embedded store's stand-in for DynamoDB's TTL deletion
// (bolttable.Table.Expire).
type purger interface {
	Expire(ctx context.Context) (int, error)
}

// every runs fn on a schedule until the stack closes: the local stack's
// stand-in for EventBridge schedules.
func (s *Stack) every(ctx context.Context, d time.Duration, name string, fn func(context.Context) error) {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		t := time.NewTicker(d)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if err := fn(ctx); err != nil && ctx.Err() == nil {
					s.App.Log.Error(name, "err", err)
				}
			}
		}
	}()
}

// guard bounds what one process accepts: requests in flight per client
// (429 past it) and in all (503 past it), and a token bucket per client
// address (429; on an admin route, recorded in the audit trail). Slow
// bodies end at the server's ReadTimeout.
func guard(cfg *config.Config, now func() time.Time, h http.Handler, adm *admin.Handler) http.Handler {
	if rate := cfg.File.RateLimitPerSite; rate > 0 {
		// Per site (the browser's Origin): one site's flood cannot starve the others.
		// It refills by the stack's clock: a test on a manual clock sees
		// exactly its rate (a slow machine's wall clock refilled it between
		// a test's requests). The per-address bucket keeps the wall clock:
		// tests send hundreds of requests from one address on clocks that
		// stand still.
		rl := &httpx.RateLimiter{Rate: rate, Burst: 2 * rate, Now: now}
		limited := rl.Middleware(func(r *http.Request) string { return r.Header.Get("Origin") }, h)
		next := h
		h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Origin") == "" {
				next.ServeHTTP(w, r) // not a browser page: the per-client limit applies
				return
			}
			limited.ServeHTTP(w, r)
		})
	}
	// The per-address bucket is outside the per-site one: a request it
	// refuses takes nothing from its site's rate. Inside, one address
	// sending fast with a site's Origin (any script can write the header)
	// spent the site's rate on requests refused anyway, and the site's
	// visitors got 429s.
	if rate := cfg.File.RateLimitPerIP; rate > 0 {
		rl := &httpx.RateLimiter{Rate: rate, Burst: cfg.File.RateLimitBurst, Refused: func(r *http.Request) {
			if strings.HasPrefix(strings.TrimPrefix(r.URL.Path, cfg.BasePath), "/admin/") {
				adm.Refused(r, http.StatusTooManyRequests, audit.ReasonRateLimited)
			}
		}}
		h = rl.Middleware(func(r *http.Request) string { return httpx.ClientKey(httpx.ClientIP(r, cfg.TrustProxy)) }, h)
	}
	h = httpx.Limit(cfg.File.MaxInFlight, h)
	// Outermost: a client over its share is refused before it takes a slot.
	return httpx.LimitPerClient(cfg.File.MaxPerClient, func(r *http.Request) string { return httpx.ClientKey(httpx.ClientIP(r, cfg.TrustProxy)) }, h)
}

// routes adds what only the local stack serves: the demo site.
func routes(mux *http.ServeMux) {
	demo, _ := fs.Sub(demoFiles, "demo")
	mux.Handle("GET /demo/", http.StripPrefix("/demo/", demoSite(demo)))
	mux.Handle("GET /demo", http.RedirectHandler("/demo/", http.StatusFound))
	// The demo's contact form posts (a GET form would put its fields in the
	// next page's URL); the tag has recorded it, the site says thanks with
	// a link to the sender's page in the workspace (demo.go).
	mux.HandleFunc("POST /demo/thanks.html", demoThanksPost)
	mux.HandleFunc("GET /demo/thanks.html", demoThanks)
	mux.Handle("GET /{$}", http.RedirectHandler("/demo/", http.StatusFound))
}

// demoSite serves the demo's files (its path stripped to the file's
// name). A name it does not have, or a folder of it (which the file server
// listed), is the JSON 404 every route answers, not the file server's
// text/plain.
func demoSite(demo fs.FS) http.Handler {
	files := http.FileServerFS(demo)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimSuffix(r.URL.Path, "/")
		if name == "" {
			name = "."
		}
		if fi, err := fs.Stat(demo, name); err != nil || fi.IsDir() && name != "." {
			httpx.Error(w, http.StatusNotFound, "the demo site has no page "+r.URL.Path)
			return
		}
		files.ServeHTTP(w, r)
	})
}

// Close stops serving, waiting for requests in flight, and closes the store.
func (s *Stack) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := s.srv.Shutdown(ctx)
	s.stop()
	s.wg.Wait()
	if a := s.App.Admin.Audit; a != nil {
		err = errors.Join(err, a.Flush(ctx)) // refused attempts counted and not yet written
	}
	if cerr := s.closeStore(); err == nil {
		err = cerr
	}
	return err
}

// InFlight is how many requests are being answered now.
func (s *Stack) InFlight() int { return int(s.inFlight.Load()) }

// Abort stops at once, as a second Ctrl-C during Close asks: connections
// are closed without waiting for their requests (none of them was
// answered, so none was acknowledged), the change feed and the other
// background work are told to stop and not waited for, and the store is
// closed. Closing the embedded store waits for a commit under way, so what
// was committed (every request answered as stored) is on disk; a change
// the feed had not handled stays on it and is handled at the next start.
// It may be called while Close waits.
func (s *Stack) Abort() error {
	err := s.srv.Close()
	s.stop()
	if a := s.App.Admin.Audit; a != nil {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err = errors.Join(err, a.Flush(ctx))
		cancel()
	}
	return errors.Join(err, s.closeStore())
}

// closeStore closes the App (the store) once.
func (s *Stack) closeStore() error {
	s.closeOnce.Do(func() { s.closeErr = s.App.Close() })
	return s.closeErr
}
