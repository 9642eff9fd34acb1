package stack_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/baton-hq/baton/infra/local/stack"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/table"
)

// ajsRun is what tag/browser/analyticsjs.mjs prints.
type ajsRun struct {
	Calls    map[string]json.RawMessage
	Requests []struct {
		Method, URL, ContentType, Body, Failure string
		Status                                  int
		Authorization                           bool
	}
	Errors []string
}

// TestAnalyticsJS: Segment's analytics.js (@segment/analytics-next 1.84.3,
// pinned in tag/browser's lock file) on a site's page, in Chromium, its
// Segment.io apiHost pointed at Baton's /v1, as a site moving from Segment
// keeps its code: each call is posted cross-origin to /v1/p, /v1/i, /v1/t,
// /v1/g (batched: /v1/b) as text/plain with the write key in the body and,
// since 1.84, as Basic auth too, so each is preflighted (OPTIONS). Baton answers the
// preflights and each call 200 with CORS headers the page can read (a call
// the page cannot read is queued and sent again), stores each call
// once as the page meant it (the numeric user id as "4711", tied to the
// browser's anonymousId and the identified person; the address the
// request's, the browser's) and keeps the write key nowhere.
func TestAnalyticsJS(t *testing.T) {
	needChromium(t, "analytics.js must be tested in a browser")
	if _, err := exec.LookPath("node"); err != nil {
		t.Fatal("node missing: analytics.js is run by playwright-core (install Node.js 20+)")
	}
	umd := "../../../tag/browser/node_modules/@segment/analytics-next/dist/umd"
	if _, err := os.Stat(umd + "/index.js"); err != nil {
		t.Fatal("@segment/analytics-next missing: run make deps (npm ci --prefix tag/browser)")
	}
	mux := http.NewServeMux()
	mux.Handle("GET /ajs/", http.StripPrefix("/ajs/", http.FileServer(http.Dir(umd))))
	mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	mux.HandleFunc("GET /index.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<!doctype html><html><head><title>Pricing</title><script src="/ajs/index.js"></script></head><body><h1>Pricing</h1></body></html>`))
	})
	site := httptest.NewServer(mux)
	defer site.Close()
	const writeKey = "test-write-key-0123456789"
	s := stack.ForTest(t, map[string]string{"BATON_SITE_ORIGINS": site.URL})

	cmd := exec.Command("node", "../../../tag/browser/analyticsjs.mjs")
	cmd.Env = append(os.Environ(), "URL="+s.URL, "SITE="+site.URL, "WRITE_KEY="+writeKey)
	cmd.Stderr = os.Stderr
	raw, err := cmd.Output()
	if err != nil {
		t.Fatalf("analyticsjs.mjs: %v %s", err, raw)
	}
	var run ajsRun
	if err := json.Unmarshal(raw, &run); err != nil {
		t.Fatalf("%v %s", err, raw)
	}
	settle(t, s)
	if len(run.Errors) > 0 {
		t.Errorf("the page logged errors: %v", run.Errors)
	}
	var anon string
	json.Unmarshal(run.Calls["anonymousId"], &anon)
	ids := map[string]string{} // call -> messageId
	for _, name := range []string{"page", "identify", "track", "group", "batched1", "batched2"} {
		var c struct{ MessageID string }
		json.Unmarshal(run.Calls[name], &c)
		ids[name] = c.MessageID
	}
	if anon == "" || len(ids) != 6 {
		t.Fatalf("calls %s", raw)
	}

	// What the browser sent and what it could read of the answers.
	sent := map[string]int{} // messageId -> times sent
	paths := map[string]bool{}
	for _, r := range run.Requests {
		u, _ := url.Parse(r.URL)
		// A fetch the page may not read (no CORS headers) fails.
		if r.Failure != "" || r.Status != 200 {
			t.Errorf("%s %s: status %d, failure %q", r.Method, r.URL, r.Status, r.Failure)
		}
		if !strings.EqualFold(r.Method, "POST") || !strings.HasPrefix(r.ContentType, "text/plain") || !r.Authorization {
			t.Errorf("not what analytics.js sends: %s %s %q authorization %v", r.Method, r.URL, r.ContentType, r.Authorization)
		}
		var b struct {
			WriteKey, MessageID string
			Batch               []struct{ MessageID string }
		}
		if json.Unmarshal([]byte(r.Body), &b); b.WriteKey != writeKey {
			t.Errorf("%s: the write key is not in the body: %s", r.URL, r.Body)
		}
		sent[b.MessageID]++
		for _, ev := range b.Batch {
			sent[ev.MessageID]++
		}
		paths[u.Path] = true
	}
	for _, p := range []string{"/v1/p", "/v1/i", "/v1/t", "/v1/g", "/v1/b"} {
		if !paths[p] {
			t.Errorf("analytics.js did not post to %s: %v", p, paths)
		}
	}
	for name, id := range ids {
		if sent[id] != 1 {
			t.Errorf("%s (%s) sent %d times, want once", name, id, sent[id])
		}
	}

	// What Baton stored.
	ctx := context.Background()
	evs, err := s.App.Events.Visitor(ctx, anon)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]event.Event{}
	for _, ev := range evs {
		byID[ev.ID] = ev
	}
	wants := map[string]struct{ typ, name, user string }{
		"page":     {event.PageView, "Pricing", ""},
		"identify": {event.Identify, "", "4711"},
		"track":    {event.Custom, "Demo Requested", "4711"},
		"group":    {event.Custom, "$group", "4711"},
		"batched1": {event.Custom, "Batched One", "4711"}, // the user id kept by the browser
		"batched2": {event.Custom, "Batched Two", "4711"},
	}
	for name, w := range wants {
		ev, ok := byID[ids[name]]
		if !ok {
			t.Errorf("%s not stored under the browser's anonymousId %s", name, anon)
			continue
		}
		if ev.Type != w.typ || ev.Name != w.name || ev.UserID != w.user || ev.Client.API != "server" {
			t.Errorf("%s stored as %s %q userId %q api %q", name, ev.Type, ev.Name, ev.UserID, ev.Client.API)
		}
	}
	// The page's call came from the visitor's browser: its address is the
	// request's (truncated), as the tag's are.
	if ev := byID[ids["page"]]; ev.URL != site.URL+"/index.html" || ev.Title != "Pricing" || !strings.Contains(ev.Client.UserAgent, "Chrome/131") || ev.Client.IP != "127.0.0.0" {
		t.Errorf("page view: url %q title %q user agent %q address %q", ev.URL, ev.Title, ev.Client.UserAgent, ev.Client.IP)
	}
	p, err := s.App.People.ByEmail(ctx, "ajs-browser@example.com")
	if err != nil {
		t.Fatalf("the identify made no person: %v", err)
	}
	for _, v := range []string{anon, "u:4711"} {
		if q, _ := s.App.Stitcher.PersonOf(ctx, v); q != p.ID {
			t.Errorf("%s belongs to %q, want the identified person %q", v, q, p.ID)
		}
	}
	err = s.App.Table.Scan(ctx, "", func(it table.Item) error {
		if b, _ := json.Marshal(it); strings.Contains(string(b), writeKey) {
			t.Errorf("the write key is stored: %s", b)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestServerAPIContextDirect: Segment's HTTP API takes the request's
// address as the user's when the call says it comes from their device
// ("collect the IP address by setting context.direct to true", HTTP API
// Source); a backend's call without it has only context.ip.
func TestServerAPIContextDirect(t *testing.T) {
	s := stack.ForTest(t, nil)
	for _, c := range []struct{ id, context, want string }{
		{"direct-1", `{"direct":true}`, "127.0.0.0"},
		{"direct-2", `{"direct":true,"ip":"203.0.113.77"}`, "203.0.113.0"},
		{"direct-3", `{}`, ""},
		{"direct-4", `{"ip":"198.51.100.7"}`, "198.51.100.0"},
	} {
		if code := serverCall(t, s, "/v1/track", `{"anonymousId":"`+c.id+`","event":"Viewed Pricing","context":`+c.context+`}`); code != 200 {
			t.Fatalf("%s: %d", c.id, code)
		}
		evs, err := s.App.Events.Visitor(context.Background(), c.id)
		if err != nil || len(evs) != 1 {
			t.Fatalf("%s: %d events, %v", c.id, len(evs), err)
		}
		if evs[0].Client.IP != c.want {
			t.Errorf("context %s: address %q, want %q", c.context, evs[0].Client.IP, c.want)
		}
	}
}
