package admin_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/admin"
	"github.com/baton-hq/baton/internal/audit"
	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/httpx"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/links"
	"github.com/baton-hq/baton/internal/recipientcsv"
	"github.com/baton-hq/baton/internal/session"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/bolttable"
)

const (
	fullToken = "full-access-token-0123456789"
	readToken = "read-only-token-0123456789"
	ttl       = time.Hour
)

type noPeople struct{}

func (noPeople) Get(context.Context, string) (identity.Person, error) {
	return identity.Person{}, identity.ErrNotFound
}
func (noPeople) ByEmail(context.Context, string) (identity.Person, error) {
	return identity.Person{}, identity.ErrNotFound
}
func (noPeople) Visitors(context.Context, string) ([]string, error)     { return nil, nil }
func (noPeople) GetLink(context.Context, string) (identity.Link, error) { return identity.Link{}, nil }

type fixture struct {
	t   testing.TB
	h   *admin.Handler
	tb  table.Table
	clk *clock.Manual
	url string
}

// newFixture serves a Handler; opts change it before the server starts.
func newFixture(t testing.TB, opts ...func(*admin.Handler)) *fixture {
	t.Helper()
	clk := clock.NewManual(time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC))
	tb, err := bolttable.Open(filepath.Join(t.TempDir(), "b.db"), bolttable.WithClock(clk.Now))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tb.Close() })
	ro, err := admin.NewCredential("analyst", admin.HashToken(readToken), []string{admin.ScopeRead})
	if err != nil {
		t.Fatal(err)
	}
	h := &admin.Handler{
		Credentials: []admin.Credential{admin.FullAccess(fullToken), ro},
		People:      noPeople{},
		Links:       &links.Registry{T: tb, Now: clk.Now},
		Reports:     &admin.Reports{T: tb, Now: clk.Now},
		Recipients:  &admin.Recipients{Now: clk.Now}, // no keyring: 503 once past the checks
		Sessions:    &session.Store{T: tb, TTL: ttl, Now: clk.Now},
		Audit:       &audit.Log{T: tb, Now: clk.Now},
		// The pages' clock (what "now" a page judges and says ago from) is
		// the fixture's: without it they read the wall clock.
		Workspace: &admin.Workspace{T: tb, Now: clk.Now},
	}
	for _, o := range opts {
		o(h)
	}
	mux := http.NewServeMux()
	h.Routes(mux)
	srv := httptest.NewServer(httpx.SecurityHeaders(httpx.Routes(mux)))
	t.Cleanup(srv.Close)
	return &fixture{t: t, h: h, tb: tb, clk: clk, url: srv.URL}
}

type answer struct {
	code int
	hdr  http.Header
	body string
}

// req sends a request; hdr holds headers as name, value pairs. Redirects
// are not followed.
func (f *fixture) req(method, path, body string, hdr ...string) answer {
	f.t.Helper()
	r, _ := http.NewRequest(method, f.url+path, strings.NewReader(body))
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(r)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return answer{resp.StatusCode, resp.Header, string(b)}
}

// login signs in with tok and returns the session cookie and CSRF token
// (read from the dashboard's sign-out form).
// uploadList posts list as the campaign page's form does (multipart, the
// session's CSRF token in its field) to path, a recipients route.
func (f *fixture) uploadList(cookie, csrf, path, list string, hdr ...string) answer {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	mw.WriteField("csrf", csrf)
	fw, _ := mw.CreateFormFile("list", "list.csv")
	fw.Write([]byte(list))
	mw.Close()
	return f.req("POST", path, b.String(), append([]string{"Cookie", cookie, "Content-Type", mw.FormDataContentType()}, hdr...)...)
}

func (f *fixture) login(tok string) (cookie, csrf string) {
	f.t.Helper()
	a := f.req("POST", "/admin/login", url.Values{"token": {tok}}.Encode(), "Content-Type", "application/x-www-form-urlencoded")
	if a.code != 303 || a.hdr.Get("Location") != "./" {
		f.t.Fatalf("login: %d %v %s", a.code, a.hdr, a.body)
	}
	for _, sc := range a.hdr.Values("Set-Cookie") {
		if v, ok := strings.CutPrefix(sc, admin.SessionCookie+"="); ok {
			cookie = admin.SessionCookie + "=" + strings.SplitN(v, ";", 2)[0]
		}
	}
	d := f.req("GET", "/admin/", "", "Cookie", cookie, "Accept", "text/html")
	m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(d.body)
	if d.code != 200 || m == nil {
		f.t.Fatalf("dashboard after login: %d %s", d.code, d.body)
	}
	return cookie, m[1]
}

const linkJSON = `{"campaign":"nov-news","urls":["https://www.example.com/webinar"]}`

func TestLoginPage(t *testing.T) {
	f := newFixture(t)
	a := f.req("GET", "/admin/login", "")
	csp := a.hdr.Get("Content-Security-Policy")
	if a.code != 200 || !strings.HasPrefix(a.hdr.Get("Content-Type"), "text/html") || !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "form-action 'self'") || strings.Contains(csp, "script") {
		t.Fatalf("login page: %d %v", a.code, a.hdr)
	}
	if !strings.Contains(a.body, `<label for="token">Admin token</label>`) || !strings.Contains(a.body, `id="token" name="token" type="password"`) || strings.Contains(a.body, "<script") || !strings.Contains(a.body, `method="post" action="login"`) {
		t.Fatalf("login page body: %s", a.body)
	}
	if a.hdr.Get("X-Frame-Options") != "DENY" || a.hdr.Get("Cache-Control") != "no-store" {
		t.Fatalf("headers %v", a.hdr)
	}
}

func TestLoginWrongTokenIsAPageNotJSON(t *testing.T) {
	f := newFixture(t)
	for _, tok := range []string{"wrong-token", ""} {
		a := f.req("POST", "/admin/login", url.Values{"token": {tok}}.Encode(), "Content-Type", "application/x-www-form-urlencoded")
		if a.code/100 != 4 || !strings.HasPrefix(a.hdr.Get("Content-Type"), "text/html") || !strings.Contains(a.body, `role="alert"`) || len(a.hdr.Values("Set-Cookie")) != 0 {
			t.Fatalf("token %q: %d %v %s", tok, a.code, a.hdr, a.body)
		}
		if tok != "" && (a.code != 401 || !strings.Contains(a.body, "That token is not valid") || strings.Contains(a.body, tok)) {
			t.Fatalf("wrong token: %d %s", a.code, a.body)
		}
	}
	// A token pasted with a page of text after it: 413 saying so, not a
	// form that "could not be read".
	big := url.Values{"token": {strings.Repeat("x", 20<<10)}}.Encode()
	if a := f.req("POST", "/admin/login", big, "Content-Type", "application/x-www-form-urlencoded"); a.code != 413 || !strings.Contains(a.body, "paste the token alone") {
		t.Fatalf("oversized sign-in: %d %s", a.code, a.body)
	}
	if a := f.req("POST", "/admin/login", `{"token":"`+fullToken+`"}`, "Content-Type", "application/json"); a.code != 415 || len(a.hdr.Values("Set-Cookie")) != 0 {
		t.Fatalf("JSON sign-in: %d", a.code)
	}
}

func TestLoginSetsASessionCookie(t *testing.T) {
	f := newFixture(t)
	a := f.req("POST", "/admin/login", url.Values{"token": {fullToken}}.Encode(), "Content-Type", "application/x-www-form-urlencoded")
	sc := a.hdr.Get("Set-Cookie")
	if a.code != 303 || !strings.HasPrefix(sc, "baton_admin=") || !strings.Contains(sc, "Path=/admin") || !strings.Contains(sc, "HttpOnly") || !strings.Contains(sc, "SameSite=Strict") || strings.Contains(sc, "Secure") || !strings.Contains(sc, "Max-Age=3600") {
		t.Fatalf("login: %d %q", a.code, sc)
	}
	// A plain-http client saying https itself, no proxy trusted: not Secure.
	a = f.req("POST", "/admin/login", url.Values{"token": {fullToken}}.Encode(), "Content-Type", "application/x-www-form-urlencoded", "X-Forwarded-Proto", "https")
	if sc := a.hdr.Get("Set-Cookie"); a.code != 303 || strings.Contains(sc, "Secure") {
		t.Fatalf("client's own X-Forwarded-Proto: %q", sc)
	}
	// Behind a trusted TLS-terminating proxy (BATON_TRUST_PROXY): Secure.
	behind := newFixture(t, func(h *admin.Handler) {
		h.Proxies = httpx.Proxies{CIDRs: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}}
	})
	a = behind.req("POST", "/admin/login", url.Values{"token": {fullToken}}.Encode(), "Content-Type", "application/x-www-form-urlencoded", "X-Forwarded-For", "203.0.113.7", "X-Forwarded-Proto", "https")
	if sc := a.hdr.Get("Set-Cookie"); a.code != 303 || !strings.Contains(sc, "; Secure") {
		t.Fatalf("https login: %q", sc)
	}
	// The table keeps only a hash of the session id.
	id := strings.SplitN(strings.TrimPrefix(sc, "baton_admin="), ";", 2)[0]
	n := 0
	f.tb.Scan(context.Background(), "SESS#", func(it table.Item) error {
		n++
		if strings.Contains(it.PK, id) || strings.Contains(string(it.Data), id) {
			t.Errorf("session id stored in the clear: %s", it.PK)
		}
		return nil
	})
	if n != 2 {
		t.Fatalf("%d sessions stored", n)
	}

	cookie, csrf := f.login(fullToken)
	d := f.req("GET", "/admin/", "", "Cookie", cookie, "Accept", "text/html")
	if !strings.Contains(d.body, "Signed in as administrator") || !strings.Contains(d.body, `action="logout"`) || strings.Contains(d.body, "<script") {
		t.Fatalf("dashboard: %s", d.body)
	}
	// The session is an admin credential for the API too, with its CSRF token.
	if a := f.req("POST", "/admin/links", linkJSON, "Cookie", cookie, "Content-Type", "application/json", "X-CSRF-Token", csrf); a.code != 201 {
		t.Fatalf("session POST with CSRF: %d %s", a.code, a.body)
	}
	if a := f.req("GET", "/admin/campaigns/nov-news", "", "Cookie", cookie); a.code != 200 {
		t.Fatalf("session GET: %d %s", a.code, a.body)
	}
}

func TestSessionPostWithoutCSRFIsRefused(t *testing.T) {
	f := newFixture(t)
	cookie, csrf := f.login(fullToken)
	_, other := f.login(fullToken) // another session's token is not this one's
	for _, c := range []struct {
		name string
		hdr  []string
		body string
	}{
		{"no token, JSON", []string{"Content-Type", "application/json"}, linkJSON},
		{"no token, text/plain (a cross-site form)", []string{"Content-Type", "text/plain"}, linkJSON},
		{"wrong token", []string{"Content-Type", "application/json", "X-CSRF-Token", "x" + csrf}, linkJSON},
		{"another session's token", []string{"Content-Type", "application/json", "X-CSRF-Token", other}, linkJSON},
		{"token in a text/plain body", []string{"Content-Type", "text/plain"}, "csrf=" + csrf},
	} {
		a := f.req("POST", "/admin/links", c.body, append([]string{"Cookie", cookie}, c.hdr...)...)
		if a.code != 403 || !strings.Contains(a.body, "CSRF") {
			t.Errorf("%s: %d %s", c.name, a.code, a.body)
		}
	}
	for _, path := range []string{"/admin/recipients?campaign=nov-news"} {
		if a := f.req("POST", path, "email\na@example.com\n", "Cookie", cookie, "Content-Type", "text/csv"); a.code != 403 {
			t.Errorf("%s without CSRF: %d", path, a.code)
		}
	}
	if a := f.req("GET", "/admin/campaigns/nov-news", "", "Cookie", cookie); a.code != 404 {
		t.Fatalf("a refused request registered links: %d %s", a.code, a.body)
	}
}

func TestSessionExpiresOnTheInjectedClock(t *testing.T) {
	f := newFixture(t)
	cookie, _ := f.login(fullToken)
	f.clk.Advance(ttl - time.Second)
	if a := f.req("GET", "/admin/", "", "Cookie", cookie, "Accept", "text/html"); a.code != 200 {
		t.Fatalf("a second before expiry: %d", a.code)
	}
	f.clk.Advance(time.Second)
	a := f.req("GET", "/admin/", "", "Cookie", cookie, "Accept", "text/html")
	if a.code != 303 || a.hdr.Get("Location") != "login" || !strings.Contains(a.hdr.Get("Set-Cookie"), "Max-Age=0") {
		t.Fatalf("expired, browser: %d %v", a.code, a.hdr)
	}
	if a := f.req("GET", "/admin/campaigns/x", "", "Cookie", cookie); a.code != 401 || !strings.Contains(a.body, `"error"`) || !strings.Contains(a.body, "session has ended") {
		t.Fatalf("expired, API: %d %s", a.code, a.body)
	}
}

func TestLogout(t *testing.T) {
	f := newFixture(t)
	cookie, csrf := f.login(fullToken)
	if a := f.req("POST", "/admin/logout", "", "Cookie", cookie, "Content-Type", "application/x-www-form-urlencoded"); a.code != 403 {
		t.Fatalf("logout without CSRF: %d", a.code)
	}
	a := f.req("POST", "/admin/logout", url.Values{"csrf": {csrf}}.Encode(), "Cookie", cookie, "Content-Type", "application/x-www-form-urlencoded")
	if a.code != 303 || a.hdr.Get("Location") != "login?m=out" || !strings.Contains(a.hdr.Get("Set-Cookie"), "Max-Age=0") {
		t.Fatalf("logout: %d %v", a.code, a.hdr)
	}
	// The session is gone server-side: the old cookie no longer works.
	if a := f.req("GET", "/admin/campaigns/x", "", "Cookie", cookie); a.code != 401 {
		t.Fatalf("after logout: %d", a.code)
	}
	if a := f.req("GET", "/admin/login?m=out", ""); !strings.Contains(a.body, "You are signed out.") {
		t.Fatalf("signed-out page: %s", a.body)
	}
	// Signing out without a session just forgets the cookie.
	if a := f.req("POST", "/admin/logout", ""); a.code != 303 {
		t.Fatalf("logout without a session: %d", a.code)
	}
}

func TestBearerAPIUnchanged(t *testing.T) {
	f := newFixture(t)
	bearer := []string{"Authorization", "Bearer " + fullToken}
	if a := f.req("POST", "/admin/links", linkJSON, append(bearer, "Content-Type", "application/json")...); a.code != 201 {
		t.Fatalf("POST links: %d %s", a.code, a.body)
	}
	if a := f.req("POST", "/admin/links", linkJSON, append(bearer, "Content-Type", "application/json; charset=utf-8")...); a.code != 200 { // the campaign is there
		t.Fatalf("POST links (charset): %d %s", a.code, a.body)
	}
	if a := f.req("GET", "/admin/campaigns/nov-news", "", bearer...); a.code != 200 || !strings.Contains(a.body, `"links"`) {
		t.Fatalf("GET campaign: %d %s", a.code, a.body)
	}
	// The scheme is case-insensitive (RFC 9110 11.1).
	for _, scheme := range []string{"bearer ", "BEARER "} {
		if a := f.req("GET", "/admin/campaigns/nov-news", "", "Authorization", scheme+fullToken); a.code != 200 {
			t.Fatalf("%q: %d %s", scheme, a.code, a.body)
		}
	}
	// Scopes as before.
	if a := f.req("POST", "/admin/links", linkJSON, "Authorization", "Bearer "+readToken, "Content-Type", "application/json"); a.code != 403 {
		t.Fatalf("read-only token wrote: %d", a.code)
	}
	// API clients get JSON 401s, also when they ask for HTML-ish things, and
	// no Basic challenge (a browser would prompt for it).
	for _, hdr := range [][]string{nil, {"Authorization", "Bearer wrong"}, {"Accept", "application/json"}} {
		a := f.req("GET", "/admin/campaigns/nov-news", "", hdr...)
		if a.code != 401 || !strings.HasPrefix(a.hdr.Get("Content-Type"), "application/json") || a.hdr.Get("WWW-Authenticate") != `Bearer realm="baton-admin"` || len(a.hdr.Values("WWW-Authenticate")) != 1 {
			t.Fatalf("%v: %d %v %s", hdr, a.code, a.hdr, a.body)
		}
	}
	// HTTP Basic (the token as password) is no longer a login.
	r, _ := http.NewRequest("POST", f.url+"/admin/links", strings.NewReader(linkJSON))
	r.SetBasicAuth("admin", fullToken)
	r.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 401 || !strings.Contains(string(b), "HTTP Basic is not accepted") {
		t.Fatalf("Basic: %d %s", resp.StatusCode, b)
	}
	// Bodiless state changes need no Content-Type.
	if a := f.req("POST", "/admin/recipients?campaign=nov-news", "", bearer...); a.code != 503 {
		t.Fatalf("bodiless POST: %d %s", a.code, a.body)
	}
}

func TestBearerPostMustBeJSONOrCSV(t *testing.T) {
	f := newFixture(t)
	bearer := []string{"Authorization", "Bearer " + fullToken}
	for _, ct := range []string{"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""} {
		hdr := bearer
		if ct != "" {
			hdr = append(hdr, "Content-Type", ct)
		}
		a := f.req("POST", "/admin/links", linkJSON, hdr...)
		if a.code != 415 || !strings.Contains(a.body, "application/json") {
			t.Errorf("links as %q: %d %s", ct, a.code, a.body)
		}
	}
	if a := f.req("GET", "/admin/campaigns/nov-news", "", bearer...); a.code != 404 {
		t.Fatalf("a refused request registered links: %d", a.code)
	}
	// The recipients route takes CSV, and only CSV.
	if a := f.req("POST", "/admin/recipients?campaign=nov-news", "email\na@example.com\n", append(bearer, "Content-Type", "text/plain")...); a.code != 415 || !strings.Contains(a.body, "text/csv") {
		t.Fatalf("recipients as text/plain: %d %s", a.code, a.body)
	}
	if a := f.req("POST", "/admin/recipients?campaign=nov-news", `{"email":"a@example.com"}`, append(bearer, "Content-Type", "application/json")...); a.code != 415 {
		t.Fatalf("recipients as JSON: %d %s", a.code, a.body)
	}
	if a := f.req("POST", "/admin/recipients?campaign=nov-news", "email\na@example.com\n", append(bearer, "Content-Type", "text/csv; charset=utf-8")...); a.code != 503 {
		t.Fatalf("recipients as CSV did not get past the checks: %d %s", a.code, a.body)
	}
}

func TestCrossOriginStateChangesAreRefused(t *testing.T) {
	f := newFixture(t)
	cookie, csrf := f.login(fullToken)
	session := []string{"Cookie", cookie, "X-CSRF-Token", csrf, "Content-Type", "application/json"}
	bearer := []string{"Authorization", "Bearer " + fullToken, "Content-Type", "application/json"}
	for _, c := range []struct {
		name string
		hdr  []string
	}{
		{"session, Origin elsewhere", append(session, "Origin", "https://evil.example")},
		{"bearer, Origin elsewhere", append(bearer, "Origin", "https://evil.example")},
		{"session, Origin null", append(session, "Origin", "null")},
		{"session, Referer elsewhere", append(session, "Referer", "https://evil.example/page")},
		{"session, Sec-Fetch-Site cross-site", append(session, "Sec-Fetch-Site", "cross-site")},
		{"session, Sec-Fetch-Site same-site", append(session, "Sec-Fetch-Site", "same-site")},
		{"session, same host on another port", append(session, "Origin", strings.Replace(f.url, "127.0.0.1:", "127.0.0.1:1", 1))},
	} {
		if a := f.req("POST", "/admin/links", linkJSON, c.hdr...); a.code != 403 || !strings.Contains(a.body, "cross-origin") {
			t.Errorf("%s: %d %s", c.name, a.code, a.body)
		}
	}
	if a := f.req("GET", "/admin/campaigns/nov-news", "", "Cookie", cookie); a.code != 404 {
		t.Fatalf("a refused request registered links: %d %s", a.code, a.body)
	}
	// Cross-origin sign-in (login CSRF) and sign-out are refused too.
	a := f.req("POST", "/admin/login", url.Values{"token": {fullToken}}.Encode(), "Content-Type", "application/x-www-form-urlencoded", "Origin", "https://evil.example")
	if a.code != 403 || len(a.hdr.Values("Set-Cookie")) != 0 || !strings.HasPrefix(a.hdr.Get("Content-Type"), "text/html") {
		t.Fatalf("cross-origin login: %d %v", a.code, a.hdr)
	}
	if a := f.req("POST", "/admin/logout", url.Values{"csrf": {csrf}}.Encode(), "Cookie", cookie, "Content-Type", "application/x-www-form-urlencoded", "Origin", "https://evil.example"); a.code != 403 {
		t.Fatalf("cross-origin logout: %d", a.code)
	}
	// Baton's own origin (the request's host, or the public URL) is fine.
	if a := f.req("POST", "/admin/links", linkJSON, append(session, "Origin", f.url, "Sec-Fetch-Site", "same-origin", "Referer", f.url+"/admin/")...); a.code != 201 {
		t.Fatalf("same-origin: %d %s", a.code, a.body)
	}
	f.h.PublicURL = "https://baton.example.com"
	if a := f.req("POST", "/admin/links", linkJSON, append(session, "Origin", "https://baton.example.com")...); a.code != 200 { // the campaign is there
		t.Fatalf("public URL origin: %d %s", a.code, a.body)
	}
	if a := f.req("POST", "/admin/links", linkJSON, append(session, "Origin", "http://baton.example.com")...); a.code != 403 {
		t.Fatalf("public host over http: %d %s", a.code, a.body)
	}
}

func TestBrowsersAreSentToTheSignInPage(t *testing.T) {
	f := newFixture(t)
	html := "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
	for _, c := range []struct{ path, loc string }{
		{"/admin/", "login"},
		{"/admin/reports/funnel?period=month", "../login?next=reports%2Ffunnel%3Fperiod%3Dmonth"},
		{"/admin/campaigns/nov-news", "../login?next=campaigns%2Fnov-news"},
	} {
		a := f.req("GET", c.path, "", "Accept", html)
		if a.code != 303 || a.hdr.Get("Location") != c.loc {
			t.Errorf("%s: %d %q, want 303 to %q", c.path, a.code, a.hdr.Get("Location"), c.loc)
		}
	}
	// An API client keeps its JSON 401.
	if a := f.req("GET", "/admin/", ""); a.code != 401 || !strings.Contains(a.body, `"error"`) {
		t.Fatalf("API client: %d %s", a.code, a.body)
	}
	// A state-changing request is never redirected.
	if a := f.req("POST", "/admin/links", linkJSON, "Accept", html, "Content-Type", "application/json"); a.code != 401 {
		t.Fatalf("POST from a browser without a session: %d", a.code)
	}
	// The sign-in page carries the page asked for, and returns to it...
	p := f.req("GET", "/admin/login?next="+url.QueryEscape("reports/funnel?period=month"), "")
	if !strings.Contains(p.body, `name="next" value="reports/funnel?period=month"`) {
		t.Fatalf("next not kept: %s", p.body)
	}
	form := url.Values{"token": {fullToken}, "next": {"reports/funnel?period=month"}}
	if a := f.req("POST", "/admin/login", form.Encode(), "Content-Type", "application/x-www-form-urlencoded"); a.code != 303 || a.hdr.Get("Location") != "./reports/funnel?period=month" {
		t.Fatalf("login with next: %d %q", a.code, a.hdr.Get("Location"))
	}
	// ...but never anywhere else.
	for _, next := range []string{"//evil.example/", "/\\evil.example", "https://evil.example/", "../../etc", "/admin/", "logout", "a b", "javascript:alert(1)",
		"%2e%2e/%2e%2e/demo/", "people/%2E%2e/%2e./%2e%2E/evil", ".%2e/x", "%2e./x"} {
		form := url.Values{"token": {fullToken}, "next": {next}}
		if a := f.req("POST", "/admin/login", form.Encode(), "Content-Type", "application/x-www-form-urlencoded"); a.code != 303 || a.hdr.Get("Location") != "./" {
			t.Errorf("next %q: %d %q, want ./", next, a.code, a.hdr.Get("Location"))
		}
	}
}

func TestSessionScopesFollowTheCredential(t *testing.T) {
	f := newFixture(t)
	cookie, csrf := f.login(readToken)
	if a := f.req("GET", "/admin/", "", "Cookie", cookie, "Accept", "text/html"); a.code != 200 || !strings.Contains(a.body, "Signed in with analyst") {
		t.Fatalf("read-only dashboard: %d", a.code)
	}
	if a := f.req("POST", "/admin/links", linkJSON, "Cookie", cookie, "X-CSRF-Token", csrf, "Content-Type", "application/json"); a.code != 403 || !strings.Contains(a.body, "write scope") {
		t.Fatalf("read-only session wrote: %d %s", a.code, a.body)
	}
	// A token removed from the configuration ends its sessions.
	f.h.Credentials = f.h.Credentials[:1]
	if a := f.req("GET", "/admin/campaigns/x", "", "Cookie", cookie); a.code != 401 || !strings.Contains(a.body, "no longer accepted") {
		t.Fatalf("session of a removed token: %d %s", a.code, a.body)
	}
}

// brokenPeople is a people directory whose store fails.
type brokenPeople struct{ noPeople }

func (brokenPeople) Get(context.Context, string) (identity.Person, error) {
	return identity.Person{}, errors.New("store unavailable")
}

// TestInternalErrorPage: Baton's own failure reaches a workspace page as a
// page saying so, in the page's language, without the error's details;
// an API client gets the JSON error.
func TestInternalErrorPage(t *testing.T) {
	f := newFixture(t)
	f.h.People = brokenPeople{}
	cookie, _ := f.login(fullToken)
	for lang, want := range map[string]string{"en": "internal error: try again in a moment", "ja": "内部エラーが発生しました。しばらくしてからやり直してください"} {
		a := f.req("GET", "/admin/people/p_0123456789abcdef?lang="+lang, "", "Cookie", cookie, "Accept", "text/html")
		if a.code != 500 || !strings.HasPrefix(a.hdr.Get("Content-Type"), "text/html") || !strings.Contains(a.body, want) || strings.Contains(a.body, "store unavailable") {
			t.Fatalf("%s page: %d %v %s", lang, a.code, a.hdr, a.body)
		}
	}
	a := f.req("GET", "/admin/people/p_0123456789abcdef", "", "Authorization", "Bearer "+fullToken)
	if a.code != 500 || a.body != `{"error":"internal error"}`+"\n" {
		t.Fatalf("API: %d %q", a.code, a.body)
	}
}

// TestLongSessionFormIsNotACSRFRefusal: a session's form past 64 KB (the
// new-campaign form with a long list of destinations, the lab's rules file)
// was refused as "missing or wrong CSRF token" and sent the user to sign in
// again. A form within the bound is served; one past it, or one that
// cannot be read, is answered so, not as a CSRF refusal.
func TestLongSessionFormIsNotACSRFRefusal(t *testing.T) {
	f := newFixture(t)
	cookie, csrf := f.login(fullToken)
	var urls []string
	for i := range 200 {
		urls = append(urls, fmt.Sprintf("https://www.example.com/webinar/%03d?%s", i, strings.Repeat("x", 400)))
	}
	form := url.Values{"csrf": {csrf}, "id": {"long-list"}, "name": {"Long list"}, "urls": {strings.Join(urls, "\r\n")}}.Encode()
	if len(form) < 64<<10 {
		t.Fatalf("the form is only %d bytes", len(form))
	}
	hdr := []string{"Cookie", cookie, "Content-Type", "application/x-www-form-urlencoded", "Accept", "text/html"}
	if a := f.req("POST", "/admin/campaigns", form, hdr...); a.code != 303 {
		t.Fatalf("a %d-byte campaign form: %d %s", len(form), a.code, a.body)
	}
	if a := f.req("GET", "/admin/campaigns/long-list", "", "Cookie", cookie); a.code != 200 || strings.Count(a.body, "/webinar/") != 200 {
		t.Fatalf("the campaign's links: %d %.300s", a.code, a.body)
	}
	huge := url.Values{"csrf": {csrf}, "id": {"huge"}, "urls": {strings.Repeat("https://www.example.com/a\r\n", 200000)}}.Encode()
	a := f.req("POST", "/admin/campaigns", huge, hdr...)
	if a.code != 413 || strings.Contains(a.body, "CSRF") || !strings.Contains(a.body, "larger than") {
		t.Errorf("a %d-byte form: %d %.400s", len(huge), a.code, a.body)
	}
	a = f.req("POST", "/admin/campaigns", "csrf=%zz", hdr...)
	if a.code != 400 || strings.Contains(a.body, "CSRF") {
		t.Errorf("a malformed form: %d %.400s", a.code, a.body)
	}
	// A recipient list past its bound, uploaded from the campaign page.
	long := "email\n" + strings.Repeat("someone@example.com\n", recipientcsv.MaxBytes/20+10000)
	a = f.uploadList(cookie, csrf, "/admin/campaigns/long-list/recipients", long, "Accept", "text/html")
	if a.code != 413 || strings.Contains(a.body, "CSRF") {
		t.Errorf("a %d-byte list: %d %.400s", len(long), a.code, a.body)
	}
}

// TestPrivateAnswersAreNotCached: the reports' and the trail's CSVs (and a
// recipient list's, tokens in it) were sent without Cache-Control, so a
// browser's cache could keep them; every admin answer says no-store.
func TestPrivateAnswersAreNotCached(t *testing.T) {
	f := newFixture(t)
	cookie, _ := f.login(fullToken)
	for _, path := range []string{
		"/admin/reports/funnel?format=csv", "/admin/reports/attribution?format=csv", "/admin/reports/sla?format=csv",
		"/admin/reports/mql-quality?format=csv", "/admin/reports/revenue?format=csv", "/admin/reports/reps?format=csv",
		"/admin/reports/kpi?format=csv", "/admin/audit?format=csv&lang=ja",
	} {
		for _, hdr := range [][]string{{"Authorization", "Bearer " + fullToken}, {"Cookie", cookie}} {
			a := f.req("GET", path, "", hdr...)
			if a.code != 200 || !strings.Contains(a.hdr.Get("Content-Type"), "csv") || a.hdr.Get("Cache-Control") != "no-store" {
				t.Errorf("%s (%s): %d %q Cache-Control %q", path, hdr[0], a.code, a.hdr.Get("Content-Type"), a.hdr.Get("Cache-Control"))
			}
		}
	}
}

// TestSignInEndsTheBrowsersOldSession: signing in again on a browser that
// had a session (another colleague's on a shared computer, or a cookie an
// attacker planted) ends that session: its cookie, kept by whoever had it,
// is refused afterwards, and the new one works.
func TestSignInEndsTheBrowsersOldSession(t *testing.T) {
	f := newFixture(t)
	old, _ := f.login(readToken)
	if a := f.req("GET", "/admin/people", "", "Cookie", old, "Accept", "text/html"); a.code != 200 {
		t.Fatalf("old session before: %d", a.code)
	}
	a := f.req("POST", "/admin/login", url.Values{"token": {fullToken}}.Encode(), "Content-Type", "application/x-www-form-urlencoded", "Cookie", old)
	var fresh string
	for _, sc := range a.hdr.Values("Set-Cookie") {
		if v, ok := strings.CutPrefix(sc, admin.SessionCookie+"="); ok {
			fresh = admin.SessionCookie + "=" + strings.SplitN(v, ";", 2)[0]
		}
	}
	if a.code != 303 || fresh == "" || fresh == old {
		t.Fatalf("sign-in again: %d %v", a.code, a.hdr)
	}
	if a := f.req("GET", "/admin/people", "", "Cookie", old); a.code != 401 {
		t.Fatalf("old cookie after signing in again: %d %s, want 401", a.code, a.body)
	}
	if a := f.req("GET", "/admin/people", "", "Cookie", fresh, "Accept", "text/html"); a.code != 200 {
		t.Fatalf("new session: %d", a.code)
	}
	// A failed sign-in ends nothing: the session stays.
	if a := f.req("POST", "/admin/login", url.Values{"token": {"wrong-token"}}.Encode(), "Content-Type", "application/x-www-form-urlencoded", "Cookie", fresh); a.code != 401 {
		t.Fatalf("wrong token: %d", a.code)
	}
	if a := f.req("GET", "/admin/people", "", "Cookie", fresh, "Accept", "text/html"); a.code != 200 {
		t.Fatalf("session after a failed sign-in: %d", a.code)
	}
}
