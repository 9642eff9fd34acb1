package httpx

import (
	"bufio"
	"encoding/json"
	"html"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
)

// FuzzClientIP: X-Forwarded-For is the client's to write. Whatever it
// holds, the address is the peer's or one the header names, never a panic;
// with no proxy trusted it is always the peer's; a trust setting that
// parses reads back within its bounds.
//
// X-Forwarded-Proto likewise: with no proxy trusted it never makes a
// request https; https means an entry says so; and once the header has an
// entry per trusted proxy, what a client writes on its left changes nothing.
func FuzzClientIP(f *testing.F) {
	f.Add("203.0.113.7, 10.0.0.1", "10.0.0.2:443", "1", "https")
	f.Add("::ffff:203.0.113.7,fe80::1%eth0", "[::1]:80", "10.0.0.0/8, ::1", "https, http")
	f.Add(",,", "garbage", "true", ",")
	f.Fuzz(func(t *testing.T, xff, remote, spec, proto string) {
		p, err := ParseProxies(spec)
		if err != nil {
			return
		}
		if p.Hops < 0 || p.Hops > 10 {
			t.Fatalf("ParseProxies(%q): %d hops", spec, p.Hops)
		}
		for _, c := range p.CIDRs {
			if !c.IsValid() || c != c.Masked() {
				t.Fatalf("ParseProxies(%q): CIDR %v", spec, c)
			}
		}
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = remote
		r.Header.Set("X-Forwarded-For", xff)
		peer := peerAddr(r)
		if got := ClientIP(r, Proxies{}); got != peer {
			t.Fatalf("no proxy trusted: %v, want the peer %v", got, peer)
		}
		got := ClientIP(r, p)
		if got != peer && !contains(xff, got) {
			t.Fatalf("ClientIP = %v: neither the peer %v nor in %q", got, peer, xff)
		}

		r.Header.Set("X-Forwarded-Proto", proto)
		if IsHTTPS(r, Proxies{}) {
			t.Fatalf("no proxy trusted: X-Forwarded-Proto %q made the request https", proto)
		}
		https := IsHTTPS(r, p)
		if https && !strings.Contains(strings.ToLower(proto), "https") {
			t.Fatalf("https from X-Forwarded-Proto %q", proto)
		}
		if len(strings.Split(proto, ",")) >= forwardedHops(r, p) {
			r.Header.Set("X-Forwarded-Proto", "https, "+proto)
			if IsHTTPS(r, p) != https {
				t.Fatalf("a client's entry on the left of %q changed the scheme", proto)
			}
		}
	})
}

// contains reports whether the header names the address (an entry of its
// comma-separated list, unmapped).
func contains(xff string, ip netip.Addr) bool {
	for _, e := range strings.Split(xff, ",") {
		if a, err := netip.ParseAddr(strings.TrimSpace(e)); err == nil && a.Unmap() == ip {
			return true
		}
	}
	return false
}

// FuzzRoutes: whatever the method, path and Accept, what the router answers
// itself is never a panic nor plain text: a 4xx is the JSON error body; a
// redirect carries a Location, and its JSON body names the same address
// the header does (under a base path too), or, to a browser asking for a
// page, links to it.
func FuzzRoutes(f *testing.F) {
	f.Add("GET", "//e", "", "")
	f.Add("POST", "/admin/people/../", "text/html", "/_bt")
	f.Add("GET", "/_bt/admin", "application/json", "/_bt")
	f.Add("DELETE", "/e/./x?q=1", "*/*", "")
	f.Add("GET", "/p/%2e%2e/x", "text/html", "")
	mux := http.NewServeMux()
	mux.HandleFunc("POST /e", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	mux.HandleFunc("GET /admin/", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) })
	mux.HandleFunc("GET /p/{id}", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) })
	mux.Handle("GET /demo", http.RedirectHandler("/demo/", http.StatusFound))
	f.Fuzz(func(t *testing.T, method, target, accept, base string) {
		if base != "" && base != "/_bt" {
			base = "/_bt" // Under's prefix is configuration, checked by config
		}
		r, err := http.ReadRequest(bufio.NewReader(strings.NewReader(method + " " + target + " HTTP/1.1\r\nHost: h\r\nAccept: " + strings.ReplaceAll(accept, "\n", "") + "\r\n\r\n")))
		if err != nil {
			return // not a request net/http would hand a handler
		}
		w := httptest.NewRecorder()
		Under(base, Routes(mux)).ServeHTTP(w, r)
		ct, loc := w.Header().Get("Content-Type"), w.Header().Get("Location")
		switch {
		case w.Code >= 400:
			var e ErrorBody
			if !strings.HasPrefix(ct, "application/json") || json.Unmarshal(w.Body.Bytes(), &e) != nil || e.Error == "" {
				t.Fatalf("%s %s: %d %s %q", method, target, w.Code, ct, w.Body.String())
			}
		case w.Code/100 == 3:
			if loc == "" {
				t.Fatalf("%s %s: %d without Location", method, target, w.Code)
			}
			if strings.HasPrefix(ct, "text/html") {
				if !strings.Contains(w.Body.String(), `href="`+html.EscapeString(loc)+`"`) {
					t.Fatalf("%s %s: link %q, Location %q", method, target, w.Body.String(), loc)
				}
				break
			}
			// The Accept sent (without the newlines taken out), not the input.
			if w.Body.Len() == 0 && r.Method != http.MethodGet && r.Method != http.MethodHead && strings.HasPrefix(r.Header.Get("Accept"), "text/html") {
				break // a browser's POST: no body, as http.Redirect
			}
			var b RedirectBody
			if !strings.HasPrefix(ct, "application/json") || json.Unmarshal(w.Body.Bytes(), &b) != nil || b.Error == "" || b.Location != loc {
				t.Fatalf("%s %s: %d %s %q, Location %q", method, target, w.Code, ct, w.Body.String(), loc)
			}
		}
	})
}
