package collect_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// TestRefusedOriginIsReadableAndLogged: a page of an origin missing from
// BATON_SITE_ORIGINS (the apex for www, a staging host) was refused with a
// 403 whose body said what to add, but without CORS headers: the browser
// hid it, the site's console showed only a generic CORS error, and the
// server logged nothing. The refusal carries the headers that let the page
// read it (its origin, with credentials: the tag fetches with them), and
// nothing is stored; the server logs a warning naming the origin, once an
// origin every 10 minutes (the injected clock), and a flood of made-up
// origins logs a bounded number of lines.
func TestRefusedOriginIsReadableAndLogged(t *testing.T) {
	e := newEnv(t)
	now := envNow()
	e.h.Now = func() time.Time { return now }
	var logged bytes.Buffer
	e.h.Log = slog.New(slog.NewTextHandler(&logged, nil))
	warnings := func() int { return strings.Count(logged.String(), "level=WARN") }

	const apex = "https://example.com" // BATON_SITE_ORIGINS has https://www.example.com
	w := e.do("POST", "/e", body("refused-1"), map[string]string{"Origin": apex, "Content-Type": "text/plain"})
	if w.Code != 403 || w.Header().Get("Access-Control-Allow-Origin") != apex || w.Header().Get("Access-Control-Allow-Credentials") != "true" ||
		!strings.Contains(w.Header().Get("Vary"), "Origin") {
		t.Fatalf("refusal: %d %v", w.Code, w.Header())
	}
	if m := errBody(t, w); m["error"] != "origin "+apex+" is not allowed to send events: add it to BATON_SITE_ORIGINS" {
		t.Errorf("refusal's body %v", m)
	}
	if c := w.Header().Get("Set-Cookie"); c != "" {
		t.Errorf("a refused origin was given a cookie: %s", c)
	}
	if evs, err := e.log.Visitor(context.Background(), "anon-fallback-1"); err != nil || len(evs) != 0 {
		t.Errorf("a refused origin's event was stored: %+v %v", evs, err)
	}
	if warnings() != 1 || !strings.Contains(logged.String(), "origin="+apex) || !strings.Contains(logged.String(), "BATON_SITE_ORIGINS") {
		t.Fatalf("log: %s", logged.String())
	}

	// A refused preflight stays refused, with no CORS headers (no browser
	// reads a preflight's body, and passing it would let /v1's POST
	// through): the log is what names its origin.
	const staging = "https://staging.example.com"
	p := e.do("OPTIONS", "/v1/t", "", map[string]string{"Origin": staging, "Access-Control-Request-Method": "POST"})
	if p.Code != 403 || p.Header().Get("Access-Control-Allow-Origin") != "" || warnings() != 2 || !strings.Contains(logged.String(), "origin="+staging+" path=/v1/t") {
		t.Errorf("preflight: %d %v\n%s", p.Code, p.Header(), logged.String())
	}
	logged.Reset()
	// Once an origin every 10 minutes.
	now = now.Add(9 * time.Minute)
	e.do("POST", "/e", body("refused-2"), map[string]string{"Origin": apex, "Content-Type": "text/plain"})
	if warnings() != 0 {
		t.Errorf("logged again within 10 minutes: %s", logged.String())
	}
	now = now.Add(time.Minute)
	e.do("POST", "/e", body("refused-3"), map[string]string{"Origin": apex, "Content-Type": "text/plain"})
	if warnings() != 1 {
		t.Errorf("not logged again after 10 minutes: %s", logged.String())
	}

	// A flood of made-up origins, long ones too: at most 100 named, and
	// one line saying there are more, within 10 minutes (the apex,
	// logged now, is one of the 100: 99 more named; the staging host's,
	// 10 minutes old, is forgotten for them).
	logged.Reset()
	for i := range 1000 {
		e.do("POST", "/e", body("flood"), map[string]string{"Origin": fmt.Sprintf("https://%d.%s.example", i, strings.Repeat("x", 3000)), "Content-Type": "text/plain"})
	}
	if n := warnings(); n != 100 || strings.Count(logged.String(), "more origins") != 1 || logged.Len() > 100*600 {
		t.Errorf("a flood logged %d warnings, %d bytes", n, logged.Len())
	}
	// Ten minutes on, a new origin is named again (the old ones forgotten).
	logged.Reset()
	now = now.Add(10 * time.Minute)
	e.do("POST", "/e", body("qa"), map[string]string{"Origin": "https://qa.example.com", "Content-Type": "text/plain"})
	if warnings() != 1 || !strings.Contains(logged.String(), "origin=https://qa.example.com") {
		t.Errorf("after the flood: %s", logged.String())
	}
}
