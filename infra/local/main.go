// Command local runs the whole of Baton in one process on the embedded
// store, with a demo site: `make dev`.
package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/baton-hq/baton/infra/local/stack"
	"github.com/baton-hq/baton/internal/app"
	"github.com/baton-hq/baton/internal/config"
)

func main() {
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	// The first Ctrl-C (or SIGTERM) stops gracefully; a second one, while
	// that waits, stops at once (shutdown).
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-sigs:
			cancel()
		case <-ctx.Done():
		}
	}()
	getenv, err := app.Getenv(ctx) // BATON_SECRETS_ARN works here too
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	cfg, err := config.FromEnv(getenv, config.Local)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	s, err := stack.Start(ctx, cfg, log, nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, "baton:", err)
		os.Exit(1)
	}
	banner(os.Stdout, cfg, s.URL)
	<-ctx.Done()
	log.Info("stopping: waiting for requests in flight and the change feed (Ctrl-C again stops at once)")
	if err := shutdown(s, sigs, log); err != nil {
		log.Error("shutdown", "err", err)
		return
	}
	log.Info("stopped: the store is closed")
}

// stoppable is the running stack, as shutdown stops it.
type stoppable interface {
	Close() error // waits for requests in flight and the change feed
	Abort() error // does not wait; closes the store
	InFlight() int
}

// shutdown stops s gracefully, unless another signal comes meanwhile: then
// it stops at once, saying what it did not wait for. An operator's second
// Ctrl-C was ignored until the requests in flight and the feed were done.
// Either way the store is closed (what was committed stays).
func shutdown(s stoppable, sigs <-chan os.Signal, log *slog.Logger) error {
	done := make(chan error, 1)
	go func() { done <- s.Close() }()
	select {
	case err := <-done:
		return err
	case sig := <-sigs:
		n := s.InFlight()
		req := "requests"
		if n == 1 {
			req = "request"
		}
		log.Warn(fmt.Sprintf("second interrupt (%v): exiting without waiting for %d %s / the feed; the store is closed, what was committed is kept", sig, n, req))
		return s.Abort()
	}
}

// banner tells who started Baton where everything is, and what it lacks.
func banner(w io.Writer, cfg *config.Config, url string) {
	fmt.Fprintf(w, `Baton is running on %[1]s (data in %[2]s)

  demo site     %[1]s/demo/
  tag           %[1]s/t.js
  collect       POST %[1]s/e
  Segment API   POST %[1]s/v1/{track,identify,page,screen,group,alias,batch}, analytics.js's /v1/{t,i,p,s,g,a,b}
  admin API     %[1]s/admin/people?email=...
  dashboard     %[1]s/admin/   (sign in with the admin token)
  MQL inbox     %[1]s/admin/inbox

`, url, cfg.DataDir)
	if cfg.File.Timezone == "" {
		// The workspace's times and report days are UTC until a zone is
		// set: a Japanese team saw 13:05 for 22:05 and nothing said why.
		fmt.Fprintf(w, "  times are UTC: for Japan's, set BATON_CONFIG to a file saying timezone: Asia/Tokyo (infra/baton.example.yaml)\n")
	}
	if cfg.RulesFile == "" {
		// Started outside the repository (a copied binary), the shipped
		// rules are not found: everything is collected and nothing is
		// scored, which a WARN line alone did not make plain.
		fmt.Fprintf(w, "  scoring is OFF: no rules file found; set BATON_RULES to one (the repository's infra/rules.yaml is found when Baton runs inside the repository)\n")
	}
	for _, name := range cfg.Generated {
		v := cfg.AdminToken
		if name == "BATON_WRITE_KEY" {
			v = cfg.WriteKey
		}
		fmt.Fprintf(w, "  %s was not set; generated for this run: %s\n", name, v)
	}
	fmt.Fprintf(w, "\n  curl -H \"Authorization: Bearer %s\" \"%s/admin/people?email=you@example.com\"\n\nCtrl-C stops.\n", cfg.AdminToken, url)
}
