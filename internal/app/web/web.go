// Package web assembles the public HTTP parts on the core: collection (the
// tag's POST /e, the Segment-compatible API, GET /t.js, opt-out) and
// tracked links with the open pixel. The collect and click functions serve
// them; nothing of delivery, connectors or admin is linked here.
package web

import (
	"errors"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/baton-hq/baton/internal/app/core"
	"github.com/baton-hq/baton/internal/click"
	"github.com/baton-hq/baton/internal/collect"
	"github.com/baton-hq/baton/internal/config"
	"github.com/baton-hq/baton/internal/enrichment"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/httpx"
	"github.com/baton-hq/baton/internal/links"
	"github.com/baton-hq/baton/internal/token"
	"github.com/baton-hq/baton/tag"
)

// Web is the public HTTP part of Baton.
type Web struct {
	Collect *collect.Handler
	Click   *click.Handler
	Links   *links.Registry
	// Keyring signs and verifies recipient tokens (BATON_LINK_KEYS); nil
	// when none is configured.
	Keyring *token.Keyring
}

// New assembles the collector and tracked links on the core (the
// enrichment it opens is closed with the core).
func New(c *core.Core) (*Web, error) {
	cfg, now := c.Config, c.Now
	enrich, closeEnrich, err := newEnricher(cfg)
	if err != nil {
		return nil, err
	}
	c.OnClose(closeEnrich)
	internal, err := cfg.File.Internal()
	if err != nil {
		return nil, &config.Error{Setting: "BATON_CONFIG", Problem: err.Error()}
	}
	w := &Web{}
	w.Collect = &collect.Handler{
		Internal: internal,
		Events:   c.Events,
		People:   c.Stitcher,
		Enrich:   enrich,
		Origins:  cfg.SiteOrigins,
		Sites:    cfg.File.Sites,
		Cookie:   c.Cookie,
		WriteKey: cfg.WriteKey,
		Consent:  consent(cfg.File.Consent),
		Scrub:    event.Scrubber{Params: cfg.File.ScrubParams},
		Log:      c.Log,
		Now:      now,
	}
	switch {
	case c.RulesErr != nil:
		w.Collect.ScoringOff = "the rules file does not load: " + c.RulesErr.Error()
	case c.Qualifier == nil:
		w.Collect.ScoringOff = "no rules file is loaded (set BATON_RULES)"
	}
	if f, ok := c.Table.(interface{ WriteFailure() error }); ok {
		w.Collect.StoreFailure = f.WriteFailure
	}
	if w.Keyring, err = linkKeys(cfg); err != nil {
		return nil, err
	}
	w.Links = &links.Registry{T: c.Table, AllowedHosts: cfg.File.LinkHosts, Now: now}
	w.Click = &click.Handler{Links: w.Links, Events: c.Events, People: c.Stitcher, Cookie: c.Cookie, Enrich: enrich, T: c.Table, Log: c.Log, Now: now, IgnoreGPC: c.Config.File.Consent.IgnoreGPC, Internal: internal}
	c.SettleClicks = w.Click.Settle
	c.ListOldCampaigns = w.Links.ListOld
	if kr := w.Keyring; kr != nil {
		w.Click.Verify = func(tok string, now time.Time) (click.Claims, error) {
			c, err := kr.Verify(tok, now)
			return click.Claims{PersonID: c.PersonID, Campaign: c.Campaign, IssuedAt: c.IssuedAt}, err
		}
	}
	return w, nil
}

// Routes adds the public collection routes, tracked links and the tag.
func (w *Web) Routes(mux *http.ServeMux) {
	w.Collect.Routes(mux)
	w.Click.Routes(mux)
	mux.Handle("GET /t.js", tag.Handler())
}

// CoreOptions are how the collect and click functions start their core
// (functions/collect, functions/click): neither scores nor qualifies, so a
// rules file that does not load is logged and they serve on (page views
// collected, tracked newsletter links redirected), rather than every
// click answering 500 and being lost.
var CoreOptions = []core.Option{core.RulesOptional}

// CollectHandler assembles the public routes on the core (the collect
// function).
func CollectHandler(c *core.Core) (http.Handler, error) {
	w, err := New(c)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	w.Routes(mux)
	return c.Serve(mux), nil
}

// ClickHandler assembles the tracked-link and open-pixel routes on the core
// (the click function).
func ClickHandler(c *core.Core) (http.Handler, error) {
	w, err := New(c)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	w.Click.Routes(mux)
	return c.Serve(mux), nil
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
		server := ev.Client.API == "server" // a backend's call: the HTTP client is not the visitor
		ip := httpx.ClientIP(r, cfg.TrustProxy)
		if server && (!ev.Client.Direct || ev.Client.IP != "") {
			ip, _ = netip.ParseAddr(ev.Client.IP) // context.ip as the SDK reported it; none: unknown
		}
		e.Enrich(enrichment.Request{UserAgent: ev.Client.UserAgent, IP: ip, Method: r.Method, Webdriver: ev.Client.Webdriver,
			UserAgentUnknown: server}, ev)
	}, e.Close, nil
}

func consent(c config.ConsentFile) collect.Consent {
	out := collect.Consent{RequiredAll: c.Required, IgnoreGPC: c.IgnoreGPC, Category: c.AnalyticsCategory, RequiredSites: map[string]bool{}}
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
