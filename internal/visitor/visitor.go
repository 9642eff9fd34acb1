// Package visitor is the first-party visitor cookie, bt_vid: how a browser
// is recognised across pages, sessions and tracked email clicks.
package visitor

import (
	"crypto/rand"
	"encoding/base64"
	"net"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/baton-hq/baton/internal/httpx"
)

// CookieName is the first-party visitor cookie.
const CookieName = "bt_vid"

// OptOutCookie marks a browser that opted out (POST /optout): nothing is
// collected from it, by any route that reads this browser's cookies.
const OptOutCookie = "bt_optout"

// OptedOut reports whether the request's browser opted out.
func OptedOut(r *http.Request) bool {
	ck, err := r.Cookie(OptOutCookie)
	return err == nil && ck.Value == "1"
}

var idRE = regexp.MustCompile(`^[A-Za-z0-9_.:-]{8,128}$`)

// Valid reports whether s can be a visitor id (cookie value).
func Valid(s string) bool { return idRE.MatchString(s) }

// NewID returns a random 128-bit visitor id.
func NewID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// Cookie sets and reads bt_vid.
type Cookie struct {
	Domain string        // registrable domain, set only when the request's host is inside it
	MaxAge time.Duration // default 400 days (Chrome's cap on cookie lifetime)
	Secure *bool         // nil: Secure when the request came over https (httpx.IsHTTPS)
	// Proxies are those trusted to say the client used https in
	// X-Forwarded-Proto (BATON_TRUST_PROXY); from anyone else the header is
	// ignored.
	Proxies httpx.Proxies
	// Path is the base path Baton is served under (BATON_BASE_PATH, e.g.
	// /_bt): the cookie's Path, so a browser sends it to Baton's routes only,
	// not to every page of the site Baton shares a host with. "": "/".
	Path string
}

// CookiePath is the Path of Baton's cookies: the base path, or "/".
func (c Cookie) CookiePath() string {
	if c.Path == "" {
		return "/"
	}
	return c.Path
}

// Read returns the visitor id the request's cookie carries, if well formed.
// An id with ':' is one Baton makes for the server API ("u:<userId>") or
// opens ("o:<person>"), never a browser's: a cookie naming one is refused.
func (c Cookie) Read(r *http.Request) (string, bool) {
	ck, err := r.Cookie(CookieName)
	if err != nil || !Browser(ck.Value) {
		return "", false
	}
	return ck.Value, true
}

// Browser reports whether s can be a browser's visitor id: Valid, and not
// one Baton makes for the server API ("u:<userId>") or opens ("o:<person>").
func Browser(s string) bool { return Valid(s) && !strings.ContainsRune(s, ':') }

// Set sets or refreshes the cookie: set by the server and HttpOnly, out of
// reach of caps on cookies written by scripts. Safari caps server-set
// cookies too (7 days) when the server is not the site's own (a CNAME to
// another domain, another IP address): hence Baton under the site's host
// and a path, Path being that base path (README, "Embedding the tag").
func (c Cookie) Set(w http.ResponseWriter, r *http.Request, id string) {
	maxAge := c.MaxAge
	if maxAge <= 0 {
		maxAge = 400 * 24 * time.Hour
	}
	ck := &http.Cookie{
		Name: CookieName, Value: id, Path: c.CookiePath(), MaxAge: int(maxAge.Seconds()),
		HttpOnly: true, Secure: c.SecureFor(r), SameSite: http.SameSiteLaxMode,
	}
	if c.Domain != "" && hostInDomain(r.Host, c.Domain) {
		ck.Domain = c.Domain
	}
	http.SetCookie(w, ck)
}

// SecureFor reports whether Baton's cookies for the request are Secure: as
// configured (secure_cookie), else when the client reached Baton over https.
func (c Cookie) SecureFor(r *http.Request) bool {
	if c.Secure != nil {
		return *c.Secure
	}
	return httpx.IsHTTPS(r, c.Proxies)
}

// Clear removes the cookie (opt-out). Under a base path it also removes one
// with Path "/": what Baton set before it moved under the prefix.
func (c Cookie) Clear(w http.ResponseWriter, r *http.Request) {
	paths := []string{c.CookiePath()}
	if paths[0] != "/" {
		paths = append(paths, "/")
	}
	for _, p := range paths {
		http.SetCookie(w, &http.Cookie{Name: CookieName, Value: "", Path: p, MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode, Domain: c.DomainFor(r)})
	}
}

func hostInDomain(hostport, domain string) bool {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		host = hostport
	}
	host = strings.ToLower(host)
	domain = strings.ToLower(domain)
	return host == domain || strings.HasSuffix(host, "."+domain)
}

// DomainFor is the cookie Domain attribute for a request: the configured
// domain when the request's host is inside it, else none (host-only).
func (c Cookie) DomainFor(r *http.Request) string {
	if c.Domain != "" && hostInDomain(r.Host, c.Domain) {
		return c.Domain
	}
	return ""
}
