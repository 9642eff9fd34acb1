package proxytest_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/baton-hq/baton/infra/local/stack"
	"github.com/baton-hq/baton/internal/admin"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/testutil/repo"
	"github.com/baton-hq/baton/tag"
)

const (
	adminToken = "test-admin-token-0123456789" // stack.ForTest's
	browserUA  = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)

// behind starts the local stack as it runs behind a proxy on port (served
// over scheme): under
// /_bt, trusting one proxy, with the proxy's origin as its public URL. It
// returns the stack, the proxy's origin and Baton's address (the upstream).
func behind(t *testing.T, port int, scheme string) (*stack.Stack, string, string) {
	t.Helper()
	origin := fmt.Sprintf("%s://127.0.0.1:%d", scheme, port)
	s := stack.ForTest(t, map[string]string{"BATON_BASE_PATH": basePath, "BATON_TRUST_PROXY": "1", "BATON_PUBLIC_URL": origin})
	upstream, ok := strings.CutSuffix(strings.TrimPrefix(s.URL, "http://"), basePath)
	if !ok {
		t.Fatalf("stack URL %s is not under %s", s.URL, basePath)
	}
	return s, origin, upstream
}

// TestThroughProxies: the local stack under /_bt behind nginx and Apache
// httpd configured with docs/proxy's snippets, as a site's web server
// would run them.
func TestThroughProxies(t *testing.T) {
	for _, p := range proxies {
		t.Run(p.name, func(t *testing.T) {
			port := freePort(t)
			s, origin, upstream := behind(t, port, "http")
			p.start(t, port, upstream, nil)
			throughProxy(t, s, origin, p.name)
		})
	}
}

// TestSecureCookiesBehindTLS: nginx and Apache httpd terminating TLS with
// docs/proxy's snippets, trusted by BATON_TRUST_PROXY=1: they say https in
// X-Forwarded-Proto, whatever the client wrote there, and Baton's cookies
// are Secure. (Over plain http through them they are not: throughProxy's
// Collect, with the client claiming https.)
func TestSecureCookiesBehindTLS(t *testing.T) {
	for _, p := range proxies {
		t.Run(p.name, func(t *testing.T) {
			tf, cert := selfSigned(t)
			port := freePort(t)
			_, origin, upstream := behind(t, port, "https")
			p.start(t, port, upstream, tf)
			c := client(nil, cert)
			for _, route := range []struct{ path, cookie string }{{"/e", "bt_vid"}, {"/optout", "bt_optout"}} {
				body := `{"type":"page_view","messageId":"tls-` + p.name + `","anonymousId":"tls-` + p.name + `-0001","properties":{"url":"` + origin + `/"}}`
				if route.path == "/optout" {
					body = "" // its body is a visitor id, or nothing
				}
				req, err := http.NewRequest("POST", origin+basePath+route.path, strings.NewReader(body))
				if err != nil {
					t.Fatal(err)
				}
				req.Header.Set("Content-Type", "text/plain")
				req.Header.Set("Origin", origin)
				req.Header.Set("X-Forwarded-Proto", "http") // the proxy sets its own
				resp, err := c.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				var ck *http.Cookie
				for _, k := range resp.Cookies() {
					if k.Name == route.cookie && k.MaxAge >= 0 {
						ck = k
					}
				}
				if resp.StatusCode != 204 || ck == nil || !ck.Secure {
					t.Errorf("POST %s over https: %d, %s %+v, want it Secure", basePath+route.path, resp.StatusCode, route.cookie, ck)
				}
			}
		})
	}
}

func throughProxy(t *testing.T, s *stack.Stack, origin, name string) {
	ctx := context.Background()
	c := client(nil)
	do := func(t *testing.T, c *http.Client, method, path string, hd map[string]string, body string) (*http.Response, []byte) {
		t.Helper()
		req, err := http.NewRequest(method, origin+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("User-Agent", browserUA)
		for k, v := range hd {
			req.Header.Set(k, v)
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp, b
	}

	t.Run("Tag", func(t *testing.T) {
		var gz tag.Variant
		for _, v := range tag.Variants() {
			if v.Encoding == "gzip" {
				gz = v
			}
		}
		resp, b := do(t, c, "GET", basePath+"/t.js", map[string]string{"Accept-Encoding": "gzip"}, "")
		if resp.StatusCode != 200 || resp.Header.Get("Content-Encoding") != "gzip" {
			t.Fatalf("GET /_bt/t.js, gzip accepted: %d, Content-Encoding %q", resp.StatusCode, resp.Header.Get("Content-Encoding"))
		}
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("not gzip: %v", err)
		}
		if js, err := io.ReadAll(zr); err != nil || !bytes.Equal(js, tag.JS()) {
			t.Fatalf("the gzipped tag is not the tag (%v)", err)
		}
		if resp.Header.Get("ETag") != gz.ETag || !strings.Contains(resp.Header.Get("Vary"), "Accept-Encoding") {
			t.Errorf("ETag %q (want %q), Vary %q: the proxy changed the tag's caching headers", resp.Header.Get("ETag"), gz.ETag, resp.Header.Get("Vary"))
		}
		resp, _ = do(t, c, "GET", basePath+"/t.js", map[string]string{"Accept-Encoding": "gzip", "If-None-Match": gz.ETag}, "")
		if resp.StatusCode != http.StatusNotModified {
			t.Errorf("revalidation: %d, want 304", resp.StatusCode)
		}
		resp, b = do(t, c, "GET", basePath+"/t.js", nil, "")
		if resp.StatusCode != 200 || resp.Header.Get("Content-Encoding") != "" || !bytes.Equal(b, tag.JS()) {
			t.Fatalf("GET /_bt/t.js, no compression asked: %d, Content-Encoding %q, %d bytes", resp.StatusCode, resp.Header.Get("Content-Encoding"), len(b))
		}
	})

	t.Run("Collect", func(t *testing.T) {
		vid := "through-" + name + "-0001"
		// The client forges X-Forwarded-For and X-Forwarded-Proto: the
		// proxy appends to the one and sets the other from its own scheme.
		resp, b := do(t, c, "POST", basePath+"/e", map[string]string{
			"Content-Type": "text/plain", "Origin": origin, "X-Forwarded-For": forged, "X-Forwarded-Proto": "https",
		}, `{"type":"page_view","messageId":"m-`+name+`","anonymousId":"`+vid+`","properties":{"url":"`+origin+`/pricing"}}`)
		// The page's own origin is accepted without BATON_SITE_ORIGINS: the
		// proxy passed the Host the browser asked for.
		if resp.StatusCode != 204 || resp.Header.Get("Access-Control-Allow-Origin") != origin {
			t.Fatalf("POST /_bt/e: %d %s (Access-Control-Allow-Origin %q)", resp.StatusCode, b, resp.Header.Get("Access-Control-Allow-Origin"))
		}
		var ck *http.Cookie
		for _, k := range resp.Cookies() {
			if k.Name == "bt_vid" {
				ck = k
			}
		}
		if ck == nil || ck.Value != vid || ck.Path != basePath || !ck.HttpOnly {
			t.Fatalf("bt_vid %+v, want %s with Path %s, HttpOnly", ck, vid, basePath)
		}
		if ck.Secure {
			t.Errorf("bt_vid is Secure over plain http: the proxy passed the client's X-Forwarded-Proto on instead of setting its own")
		}
		evs, err := s.App.Events.Visitor(ctx, vid)
		if err != nil || len(evs) != 1 || evs[0].Type != event.PageView {
			t.Fatalf("stored %+v, %v", evs, err)
		}
		// The address the proxy appended (127.0.1.7, truncated), not the
		// forged entry on the left nor the proxy's own connection.
		if got := evs[0].Client.IP; got != "127.0.1.0" {
			t.Fatalf("stored client address %q, want 127.0.1.0 (the proxy's X-Forwarded-For entry, truncated)", got)
		}
	})

	t.Run("TrackedLink", func(t *testing.T) {
		auth := map[string]string{"Authorization": "Bearer " + adminToken, "Content-Type": "application/json"}
		resp, b := do(t, c, "POST", basePath+"/admin/links", auth, `{"campaign":"proxied-`+name+`","urls":["https://www.example.com/webinar"],"utm":{"source":"newsletter","medium":"email"}}`)
		var lr struct{ Links []admin.LinkView }
		if resp.StatusCode != 201 || json.Unmarshal(b, &lr) != nil || len(lr.Links) != 1 {
			t.Fatalf("POST /_bt/admin/links: %d %s", resp.StatusCode, b)
		}
		tracked := lr.Links[0].Tracked
		if !strings.HasPrefix(tracked, origin+basePath+"/c/") {
			t.Fatalf("tracked link %s, want it under %s", tracked, origin+basePath+"/c/")
		}
		auth["Content-Type"] = "text/csv"
		email := name + ".reader@example.com"
		resp, b = do(t, c, "POST", basePath+"/admin/recipients?campaign=proxied-"+name, auth, "email\r\n"+email+"\r\n")
		rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")))).ReadAll()
		if resp.StatusCode != 200 || err != nil || len(rows) != 2 || rows[1][1] == "" {
			t.Fatalf("recipients: %d %q %v", resp.StatusCode, b, err)
		}
		jar, _ := cookiejar.New(nil)
		resp, _ = do(t, client(jar), "GET", strings.TrimPrefix(strings.Replace(tracked, "{{baton_token}}", rows[1][1], 1), origin), map[string]string{"X-Forwarded-For": forged}, "")
		if resp.StatusCode != 302 || resp.Header.Get("Location") != "https://www.example.com/webinar?utm_medium=email&utm_source=newsletter" {
			t.Fatalf("click: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		// The click is stored under the browser's cookie (it identifies the
		// browser once the sweep judged its visit).
		var vid string
		u, _ := url.Parse(origin + basePath + "/")
		for _, c := range jar.Cookies(u) {
			if c.Name == "bt_vid" {
				vid = c.Value
			}
		}
		evs, err := s.App.Events.Visitor(ctx, vid)
		if err != nil || len(evs) != 1 || evs[0].Type != event.EmailClick || evs[0].Client.IP != "127.0.1.0" {
			t.Fatalf("events after the click %+v, %v; want one email_click from 127.0.1.0", evs, err)
		}
	})
}

// TestTagInBrowserBehindNginx: a site served by nginx at /, embedding the
// tag from /_bt/t.js (docs/proxy/nginx.conf in front of the local stack),
// loaded in Chromium: the tag posts its page view to /_bt/e by itself, and
// the server stored it under the visitor cookie the browser holds, scoped
// to /_bt.
func TestTagInBrowserBehindNginx(t *testing.T) {
	root := repo.Root(t)
	chromium := os.Getenv("CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	if _, err := os.Stat(chromium); err != nil {
		missing(t, chromium, "apt-get install chromium")
	}
	if _, err := os.Stat(filepath.Join(root, "tag", "browser", "node_modules", "playwright-core")); err != nil {
		missing(t, "playwright-core", "npm ci --prefix tag/browser")
	}
	port := freePort(t)
	s, origin, upstream := behind(t, port, "http")
	site := t.TempDir()
	write(t, filepath.Join(site, "index.html"), `<!doctype html>
<html><head><meta charset="utf-8"><title>Proxied home</title>
<script async src="/_bt/t.js" data-site="www"></script>
<script>window.baton=window.baton||function(){(baton.q=baton.q||[]).push(arguments)};</script>
</head><body><h1>A site with Baton under /_bt</h1></body></html>
`)
	startNginx(t, port, upstream, site, nil)

	cmd := exec.Command("node", filepath.Join(root, "tag", "browser", "proxied.mjs"))
	cmd.Env = append(os.Environ(), "SITE="+origin, "CHROMIUM="+chromium)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("proxied.mjs: %v\n%s", err, out)
	}
	var page struct {
		URL      string
		AID      string
		Errors   []string
		Requests []struct {
			Method, URL string
			Status      int
		}
		Cookies []struct {
			Name, Value, Path, Domain string
			HTTPOnly                  bool `json:"httpOnly"`
		}
	}
	if err := json.Unmarshal(out, &page); err != nil {
		t.Fatalf("proxied.mjs output %q: %v", out, err)
	}
	if len(page.Errors) > 0 {
		t.Fatalf("page errors: %v", page.Errors)
	}
	posted := false
	for _, r := range page.Requests {
		posted = posted || (r.Method == "POST" && r.URL == origin+basePath+"/e" && r.Status == 204)
	}
	if !posted {
		t.Fatalf("the tag did not post to %s (requests %+v)", origin+basePath+"/e", page.Requests)
	}
	vid := ""
	for _, c := range page.Cookies {
		if strings.HasPrefix(c.Name, "bt_") && c.Path != basePath {
			t.Errorf("cookie %s has Path %q, want %s", c.Name, c.Path, basePath)
		}
		if c.Name == "bt_vid" {
			vid = c.Value
			if !c.HTTPOnly || c.Domain != "127.0.0.1" {
				t.Errorf("bt_vid %+v: want HttpOnly and host-only on the site's host", c)
			}
		}
	}
	// The tag keeps its id with commas; the collector reads them as dashes.
	if vid == "" || vid != strings.ReplaceAll(page.AID, ",", "-") {
		t.Fatalf("visitor cookie %q, the tag's id %q: want the cookie set, to the tag's id (cookies %+v)", vid, page.AID, page.Cookies)
	}
	evs, err := s.App.Events.Visitor(context.Background(), vid)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 1 || evs[0].Type != event.PageView || evs[0].URL != origin+"/" || evs[0].Title != "Proxied home" || evs[0].Site != "www" {
		t.Fatalf("stored under the cookie %s: %+v", vid, evs)
	}
	if evs[0].Enrichment.Bot || evs[0].Client.IP != "127.0.0.0" {
		t.Fatalf("enrichment %+v client %+v", evs[0].Enrichment, evs[0].Client)
	}
}
