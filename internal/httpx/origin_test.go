package httpx

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestOriginSecretGatesTheOutermostProxy: with BATON_TRUST_PROXY=2 and an
// origin secret (CloudFront in front of API Gateway), the address two
// entries from the right is believed only from a request that brought the
// secret in OriginHeader; a client calling API Gateway directly writes
// that entry itself, and is read one proxy in (API Gateway's own append,
// its real address), whatever it sends: no header, a wrong or longer one,
// two values. The same goes for X-Forwarded-Proto. The header leaves the
// request before any handler sees it.
func TestOriginSecretGatesTheOutermostProxy(t *testing.T) {
	const secret = "0123456789abcdef0123456789abcdef"
	p := Proxies{Hops: 2, Origin: NewOriginSecret(secret)}
	const viewer, edge, direct, forged = "40.94.12.34", "130.176.88.10", "198.51.100.23", "10.9.9.9"
	for _, c := range []struct {
		name   string
		xff    string
		origin []string
		want   string
		https  bool
	}{
		{"through CloudFront", viewer + ", " + edge, []string{secret}, viewer, true},
		{"through CloudFront, a client's entry on the left", forged + ", " + viewer + ", " + edge, []string{secret}, viewer, true},
		{"direct, forged", forged + ", " + direct, nil, direct, false},
		{"direct, forged, a wrong secret", forged + ", " + direct, []string{"guess"}, direct, false},
		{"direct, forged, the secret and more", forged + ", " + direct, []string{secret + "x"}, direct, false},
		{"direct, forged, empty", forged + ", " + direct, []string{""}, direct, false},
		{"direct, forged, the secret twice", forged + ", " + direct, []string{secret, secret}, direct, false},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = "[::1]:1"
		r.Header.Set("X-Forwarded-For", c.xff)
		if c.https {
			r.Header.Set("X-Forwarded-Proto", "https, https")
		} else {
			r.Header.Set("X-Forwarded-Proto", "https, http")
		}
		for _, o := range c.origin {
			r.Header.Add(OriginHeader, o)
		}
		var seen http.Header
		TakeOriginHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			seen = r.Header
			if got := ClientIP(r, p).String(); got != c.want {
				t.Errorf("%s: client %s, want %s", c.name, got, c.want)
			}
			if got := IsHTTPS(r, p); got != c.https {
				t.Errorf("%s: IsHTTPS %v, want %v", c.name, got, c.https)
			}
		})).ServeHTTP(httptest.NewRecorder(), r)
		if seen == nil {
			t.Fatalf("%s: the handler was never called: nothing above was checked", c.name)
		}
		if _, ok := seen[http.CanonicalHeaderKey(OriginHeader)]; ok {
			t.Errorf("%s: the handler saw %s", c.name, OriginHeader)
		}
	}
	// Without a secret configured, two proxies are trusted as before.
	r := TakeOrigin(httptest.NewRequest("GET", "/", nil))
	r.Header.Set("X-Forwarded-For", viewer+", "+edge)
	if got := ClientIP(r, Proxies{Hops: 2}).String(); got != viewer {
		t.Errorf("no secret: client %s, want %s", got, viewer)
	}
	// One proxy and a secret: a request without it is the peer's.
	r = TakeOrigin(httptest.NewRequest("GET", "/", nil))
	r.RemoteAddr = direct + ":1"
	r.Header.Set("X-Forwarded-For", forged)
	if got := ClientIP(r, Proxies{Hops: 1, Origin: p.Origin}).String(); got != direct {
		t.Errorf("one proxy, no secret sent: client %s, want %s", got, direct)
	}
	// A configuration printed shows no secret.
	if s := fmt.Sprintf("%v %+v", p, p); strings.Contains(s, secret) || strings.Contains(s, "0x") {
		t.Errorf("printed: %s", s)
	}
}

// TestOriginSecretBeingChanged: while BATON_ORIGIN_SECRET is changed,
// CloudFront's edges send the old value for minutes: with it configured
// as the previous one, both are believed, and nothing else is.
func TestOriginSecretBeingChanged(t *testing.T) {
	const next, old = "0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210"
	p := Proxies{Hops: 2, Origin: NewOriginSecret(next, old)}
	const viewer, edge = "40.94.12.34", "130.176.88.10"
	for _, c := range []struct {
		sent, want string
	}{{next, viewer}, {old, viewer}, {"", edge}, {old + "x", edge}, {next[:16], edge}} {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("X-Forwarded-For", viewer+", "+edge)
		if c.sent != "" {
			r.Header.Set(OriginHeader, c.sent)
		}
		if got := ClientIP(TakeOrigin(r), p).String(); got != c.want {
			t.Errorf("sent %q: client %s, want %s", c.sent, got, c.want)
		}
	}
	if s := fmt.Sprintf("%v %+v", p, p); strings.Contains(s, next) || strings.Contains(s, old) {
		t.Errorf("printed: %s", s)
	}
}

// TestRequireOrigin: with BATON_REQUIRE_ORIGIN every request that did not
// bring the origin secret (or the one it replaces) is refused, 403 in
// JSON saying where to send, on every path and method but GET and HEAD of
// /healthz (under the base path), which health checks probe; without a
// secret the handler is served as it is.
func TestRequireOrigin(t *testing.T) {
	const secret, previous = "0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210"
	served := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTeapot) })
	for _, c := range []struct {
		name, base, method, path string
		origin                   []string
		want                     int
	}{
		{"the secret", "", "POST", "/e", []string{secret}, http.StatusTeapot},
		{"the previous secret", "", "POST", "/v1/track", []string{previous}, http.StatusTeapot},
		{"none", "", "POST", "/e", nil, http.StatusForbidden},
		{"none, admin", "", "GET", "/admin/people", nil, http.StatusForbidden},
		{"a guess", "", "POST", "/v1/track", []string{"guess"}, http.StatusForbidden},
		{"empty", "", "GET", "/c/l1/t1", []string{""}, http.StatusForbidden},
		{"the secret twice", "", "GET", "/t.js", []string{secret, secret}, http.StatusForbidden},
		{"none, an unknown path", "", "GET", "/nowhere", nil, http.StatusForbidden},
		{"none, health", "", "GET", "/healthz", nil, http.StatusTeapot},
		{"none, health, HEAD", "", "HEAD", "/healthz", nil, http.StatusTeapot},
		{"none, health, POST", "", "POST", "/healthz", nil, http.StatusForbidden},
		{"none, health, trailing slash", "", "GET", "/healthz/", nil, http.StatusForbidden},
		{"none, under the base path, health", "/_bt", "GET", "/_bt/healthz", nil, http.StatusTeapot},
		{"none, under the base path, health at the root", "/_bt", "GET", "/healthz", nil, http.StatusForbidden},
		{"none, under the base path", "/_bt", "POST", "/_bt/e", nil, http.StatusForbidden},
		{"the secret, under the base path", "/_bt", "POST", "/_bt/e", []string{secret}, http.StatusTeapot},
	} {
		r := httptest.NewRequest(c.method, c.path, nil)
		for _, o := range c.origin {
			r.Header.Add(OriginHeader, o)
		}
		w := httptest.NewRecorder()
		TakeOriginHandler(RequireOrigin(NewOriginSecret(secret, previous), c.base, served)).ServeHTTP(w, r)
		if w.Code != c.want {
			t.Errorf("%s: %s %s: %d, want %d", c.name, c.method, c.path, w.Code, c.want)
		}
		if c.want == http.StatusForbidden {
			var body ErrorBody
			if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || body.Error != OriginRequired || !strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") {
				t.Errorf("%s: body %q (%v), Content-Type %q; want the JSON refusal", c.name, w.Body, err, w.Header().Get("Content-Type"))
			}
		}
	}
	// Not required: served whatever it brings.
	w := httptest.NewRecorder()
	TakeOriginHandler(RequireOrigin(OriginSecret{}, "", served)).ServeHTTP(w, httptest.NewRequest("POST", "/e", nil))
	if w.Code != http.StatusTeapot {
		t.Errorf("not required: %d", w.Code)
	}
	// The refusal says it in English and in Japanese.
	if !strings.Contains(OriginRequired, "only through the site's domain") || !strings.Contains(OriginRequired, "サイトのドメイン") {
		t.Errorf("OriginRequired %q", OriginRequired)
	}
}
