package collect_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/collect"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/httpx"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/bolttable"
	"github.com/baton-hq/baton/internal/visitor"
)

type env struct {
	h   *collect.Handler
	mux *http.ServeMux
	log *eventlog.Log
	dir *identity.Directory
	tb  table.Table
}

// envNow is newEnv's clock, handed down to the store.
func envNow() time.Time { return time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC) }

func newEnv(t *testing.T) *env {
	tb, err := bolttable.Open(filepath.Join(t.TempDir(), "b.db"), bolttable.WithClock(envNow))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tb.Close() })
	log := &eventlog.Log{T: tb, Now: envNow}
	dir := &identity.Directory{T: tb, Now: envNow}
	h := &collect.Handler{Now: envNow,
		Events: log, People: &identity.Stitcher{Dir: dir, Log: log},
		Origins: []string{"https://www.example.com"}, Cookie: visitor.Cookie{Domain: "example.com"},
		WriteKey: "write-key-0123456789",
	}
	mux := http.NewServeMux()
	h.Routes(mux)
	return &env{h: h, mux: mux, log: log, dir: dir, tb: tb}
}

func (e *env) do(method, path, body string, hdr map[string]string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	r.Host = "t.example.com"
	for k, v := range hdr {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	e.mux.ServeHTTP(w, r)
	return w
}

const pv = `{"type":"page_view","messageId":"%s","anonymousId":"anon-fallback-1","properties":{"url":"https://www.example.com/"}}`

func body(id string) string { return strings.Replace(pv, "%s", id, 1) }

func errBody(t *testing.T, w *httptest.ResponseRecorder) map[string]any {
	t.Helper()
	var m map[string]any
	if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("error content type %q", ct)
	}
	if err := json.Unmarshal(w.Body.Bytes(), &m); err != nil || m["error"] == "" {
		t.Fatalf("error body %q", w.Body.String())
	}
	return m
}

func TestAcceptsTextPlainAndSetsCookie(t *testing.T) {
	e := newEnv(t)
	e.h.Cookie.Proxies = httpx.Proxies{Hops: 1} // behind a TLS-terminating proxy
	w := e.do("POST", "/e", body("m1"), map[string]string{"Content-Type": "text/plain;charset=UTF-8", "Origin": "https://www.example.com", "X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"})
	if w.Code != 204 {
		t.Fatalf("status %d %s", w.Code, w.Body)
	}
	c := w.Result().Cookies()
	if len(c) != 1 || c[0].Name != "bt_vid" || c[0].Value != "anon-fallback-1" || !c[0].HttpOnly || !c[0].Secure ||
		c[0].SameSite != http.SameSiteLaxMode || c[0].Domain != "example.com" || c[0].MaxAge < 300*24*3600 {
		t.Fatalf("cookie %+v", c)
	}
	if w.Header().Get("Access-Control-Allow-Origin") != "https://www.example.com" || w.Header().Get("Access-Control-Allow-Credentials") != "true" {
		t.Errorf("CORS headers %v", w.Header())
	}
	evs, _ := e.log.Visitor(context.Background(), "anon-fallback-1")
	if len(evs) != 1 || evs[0].ID != "m1" {
		t.Fatalf("stored %+v", evs)
	}
}

func TestCookieWinsAndFallbackIsLinked(t *testing.T) {
	e := newEnv(t)
	w := e.do("POST", "/e", body("m1"), map[string]string{"Cookie": "bt_vid=cookie-visitor-1"})
	if w.Code != 204 {
		t.Fatalf("status %d", w.Code)
	}
	if c := w.Result().Cookies(); len(c) != 1 || c[0].Value != "cookie-visitor-1" {
		t.Fatalf("cookie not refreshed with its value: %+v", c)
	}
	evs, _ := e.log.Visitor(context.Background(), "cookie-visitor-1")
	if len(evs) != 1 || evs[0].AnonymousID != "anon-fallback-1" {
		t.Fatalf("stored %+v", evs)
	}
	al, _ := e.log.Aliases(context.Background(), "cookie-visitor-1")
	if len(al) != 1 || al[0] != "anon-fallback-1" {
		t.Fatalf("aliases %v", al)
	}
}

func TestMalformedCookieIsReplaced(t *testing.T) {
	e := newEnv(t)
	w := e.do("POST", "/e", `{"type":"page_view","messageId":"m","properties":{"url":"https://www.example.com/"}}`, map[string]string{"Cookie": "bt_vid=<script>"})
	c := w.Result().Cookies()
	if w.Code != 204 || len(c) != 1 || !visitor.Valid(c[0].Value) || c[0].Value == "<script>" {
		t.Fatalf("status %d cookie %+v", w.Code, c)
	}
}

func TestCookieDomainOnlyForMatchingHost(t *testing.T) {
	e := newEnv(t)
	r := httptest.NewRequest("POST", "/e", strings.NewReader(body("m1")))
	r.Host = "127.0.0.1:8080"
	w := httptest.NewRecorder()
	e.mux.ServeHTTP(w, r)
	if c := w.Result().Cookies(); len(c) != 1 || c[0].Domain != "" {
		t.Fatalf("cookie for foreign host has Domain: %+v", c)
	}
}

func TestRepeatStoredOnce(t *testing.T) {
	e := newEnv(t)
	for i := 0; i < 3; i++ {
		if w := e.do("POST", "/e", body("same"), nil); w.Code != 204 {
			t.Fatalf("status %d", w.Code)
		}
	}
	evs, _ := e.log.Visitor(context.Background(), "anon-fallback-1")
	if len(evs) != 1 {
		t.Fatalf("%d copies stored", len(evs))
	}
}

func TestFormSubmitIdentifies(t *testing.T) {
	e := newEnv(t)
	e.do("POST", "/e", body("m1"), nil)
	form := `{"type":"form_submit","messageId":"f1","anonymousId":"anon-fallback-1","properties":{"url":"https://www.example.com/contact","fields":{"email":"Lead@Example.com","company":"Acme"}}}`
	if w := e.do("POST", "/e", form, map[string]string{"Cookie": "bt_vid=anon-fallback-1"}); w.Code != 204 {
		t.Fatalf("status %d %s", w.Code, w.Body)
	}
	p, err := e.dir.ByEmail(context.Background(), "lead@example.com")
	if err != nil || p.Attributes["company"] != "Acme" {
		t.Fatalf("person %+v %v", p, err)
	}
	l, _ := e.dir.GetLink(context.Background(), "anon-fallback-1")
	if cur, ok := l.Current(); !ok || cur.Person != p.ID || !cur.From.IsZero() {
		t.Fatalf("link %+v", l)
	}
}

// TestFormEmailWithCardLikeDigitsIdentifies: an address whose digits
// read as a card number (13 or more, Luhn-valid, a dash between groups)
// is the address: the form identifies it. The card redaction made it
// person-18ed[card number]@..., an address of nobody, and the form was
// answered 204 with no person made (CI's TestLoad: "no person for
// person-18ed819686603546-22@load.example.com", its run id the clock's).
func TestFormEmailWithCardLikeDigitsIdentifies(t *testing.T) {
	e := newEnv(t)
	const email = "person-18ed819686603546-22@load.example.com"
	form := `{"type":"form_submit","messageId":"f1","anonymousId":"anon-card-digits","properties":{"url":"https://www.example.com/contact","fields":{"email":"` + email + `","company":"Load Co"}}}`
	if w := e.do("POST", "/e", form, nil); w.Code != 204 {
		t.Fatalf("status %d %s", w.Code, w.Body)
	}
	p, err := e.dir.ByEmail(context.Background(), email)
	if err != nil || p.Email != email {
		t.Fatalf("the form's address made no person: %+v %v", p, err)
	}
	evs, err := e.log.Visitor(context.Background(), "anon-card-digits")
	if err != nil || len(evs) != 1 || evs[0].Email() != email {
		t.Fatalf("stored form: %+v %v", evs, err)
	}
}

// TestCompactFormLabelsDecideAttributes: the tag's compact form, whose
// fields have machine-like names (a form builder's) and Japanese labels:
// the labels decide the attributes of the person it identifies.
func TestCompactFormLabelsDecideAttributes(t *testing.T) {
	e := newEnv(t)
	form := `{"b":[{"t":"form_submit","i":"f1","a":"anon-fallback-1","s":"www","ts":1767225600000,"c":true,"p":{"url":"https://www.example.com/contact",
	  "form":{"id":"wpcf7-f12"},"fields":{"email":"lead@example.jp","text-123":"山田商事","your-field-7":"部長","field_5":"３００名","text-9":"lead@example.jp"},
	  "labels":{"text-123":"会社名（必須）","your-field-7":"役職","field_5":"従業員数","text-9":"メールアドレス"}}}],"sent":1767225601000}`
	if w := e.do("POST", "/e", form, map[string]string{"Content-Type": "text/plain;charset=UTF-8"}); w.Code != 204 {
		t.Fatalf("status %d %s", w.Code, w.Body)
	}
	p, err := e.dir.ByEmail(context.Background(), "lead@example.jp")
	if err != nil {
		t.Fatal(err)
	}
	if p.Attributes["company"] != "山田商事" || p.Attributes["title"] != "部長" || p.Attributes["employees"] != "300名" || len(p.Custom) != 0 {
		t.Fatalf("attributes %v custom %v", p.Attributes, p.Custom)
	}
	// Labels that are not strings are refused, naming the field.
	bad := strings.Replace(form, `"field_5":"従業員数"`, `"field_5":5`, 1)
	if w := e.do("POST", "/e", bad, nil); w.Code != 400 || errBody(t, w)["field"] != "properties.labels.field_5" {
		t.Fatalf("label of the wrong type: %d %s", w.Code, w.Body)
	}
}

// TestTagFormIdentifiesItsSender: forms as the tag sends them (its array
// form, its first field saying mail as n), through POST /e. (A) A
// referrer's address asked before the sender's: n, the referrer's, was
// written over the field named email, and the person created was
// referrer@ named 新規 太郎, newcomer@ lost. (B) A newsletter select
// (its value, n, no address) before a form builder's field_3 labelled
// メールアドレス: nobody was identified (204, no person).
func TestTagFormIdentifiesItsSender(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ms := strconv.FormatInt(envNow().UnixMilli(), 10)
	hdr := map[string]string{"Content-Type": "text/plain;charset=UTF-8", "Origin": "https://www.example.com"}
	referrer := `[["11,12,13",false,"f-a",1,"www","s","referrer@example.jp",["https://www.example.com/shokai","ご紹介",` +
		`{"referrer_mail":"referrer@example.jp","email":"newcomer@example.jp","お名前":"新規 太郎"},"shokai",null,null,` +
		`{"referrer_mail":"ご紹介者のメールアドレス","email":"メールアドレス","お名前":"お名前"}],` + ms + `],` + ms + `]`
	labelled := `[["21,22,23",false,"f-b",1,"www","s","購読する",["https://www.example.com/form2","資料請求",` +
		`{"field_1":"購読する","field_3":"form2user@example.jp","field_2":"二号 花子"},"form2",null,null,` +
		`{"field_1":"メールマガジンの購読","field_3":"メールアドレス","field_2":"お名前"}],` + ms + `],` + ms + `]`
	for _, c := range []struct{ body, visitor, email, name string }{
		{referrer, "11-12-13", "newcomer@example.jp", "新規 太郎"},
		{labelled, "21-22-23", "form2user@example.jp", "二号 花子"},
	} {
		if w := e.do("POST", "/e", c.body, hdr); w.Code != 204 {
			t.Fatalf("%s: status %d %s", c.email, w.Code, w.Body)
		}
		p, err := e.dir.ByEmail(ctx, c.email)
		if err != nil || p.Email != c.email || p.Attributes["name"] != c.name {
			t.Fatalf("%s: person %+v %v, want %s named %s", c.email, p, err, c.email, c.name)
		}
		evs, err := e.log.Visitor(ctx, c.visitor)
		if err != nil || len(evs) != 1 || evs[0].Email() != c.email {
			t.Fatalf("%s: stored %+v %v", c.email, evs, err)
		}
	}
	// The referrer is nobody's: no person, and the form's fields as sent.
	if p, err := e.dir.ByEmail(ctx, "referrer@example.jp"); !errors.Is(err, identity.ErrNotFound) {
		t.Fatalf("the referrer's address made a person: %+v %v", p, err)
	}
	evs, _ := e.log.Visitor(ctx, "11-12-13")
	if f, _ := evs[0].Properties["fields"].(map[string]any); f["email"] != "newcomer@example.jp" || f["referrer_mail"] != "referrer@example.jp" {
		t.Fatalf("fields stored %v", f)
	}
	if n := e.people(t); n != 2 {
		t.Fatalf("%d people, want 2", n)
	}
}

func TestRejectionPaths(t *testing.T) {
	e := newEnv(t)
	big := strings.Repeat(" ", event.MaxRequestBytes+10)
	basic := "Basic d3JpdGUta2V5LTAxMjM0NTY3ODk6" // write-key-0123456789:
	cases := []struct {
		name, method, path, body string
		hdr                      map[string]string
		status                   int
		says                     string // in the error, when given
	}{
		{"foreign origin", "POST", "/e", body("m"), map[string]string{"Origin": "https://evil.example"}, 403, ""},
		{"foreign origin preflight", "OPTIONS", "/e", "", map[string]string{"Origin": "https://evil.example"}, 403, "BATON_SITE_ORIGINS"},
		// Without an Origin it was "origin not allowed: add it to
		// BATON_SITE_ORIGINS", and there was none to add.
		{"preflight without an origin", "OPTIONS", "/e", "", nil, 400, "needs an Origin header"},
		{"segment preflight without an origin", "OPTIONS", "/v1/track", "", nil, 400, "needs an Origin header"},
		{"form content type", "POST", "/e", body("m"), map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, 415, ""},
		{"multipart", "POST", "/e", body("m"), map[string]string{"Content-Type": "multipart/form-data; boundary=x"}, 415, ""},
		{"gzip to the tag's endpoint", "POST", "/e", body("m"), map[string]string{"Content-Encoding": "gzip"}, 415, "Segment API, /v1, takes gzip"},
		{"too large", "POST", "/e", big, nil, 413, ""},
		{"invalid event", "POST", "/e", `{"type":"page_view","messageId":"m"}`, nil, 400, ""},
		{"not json", "POST", "/e", `type=page_view`, nil, 400, ""},
		{"segment no auth", "POST", "/v1/track", `{"userId":"u","event":"x"}`, map[string]string{"Content-Type": "application/json"}, 401, "send the write key"},
		{"segment wrong key", "POST", "/v1/track", `{"userId":"u","event":"x"}`, map[string]string{"Content-Type": "application/json", "Authorization": "Basic d3Jvbmc6"}, 401, "wrong write key"},
		{"segment form content type", "POST", "/v1/track", `{"userId":"u","event":"x"}`, map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Authorization": basic}, 415, ""},
		{"segment no ids", "POST", "/v1/track", `{"event":"x"}`, map[string]string{"Content-Type": "application/json", "Authorization": basic}, 400, ""},
		{"segment too large", "POST", "/v1/batch", big, map[string]string{"Content-Type": "application/json", "Authorization": basic}, 413, ""},
	}
	for _, c := range cases {
		w := e.do(c.method, c.path, c.body, c.hdr)
		if w.Code != c.status {
			t.Errorf("%s: status %d, want %d (%s)", c.name, w.Code, c.status, w.Body)
			continue
		}
		errBody(t, w)
		if !strings.Contains(w.Body.String(), c.says) {
			t.Errorf("%s: %s, want it to say %q", c.name, w.Body, c.says)
		}
	}
	e.h.WriteKey = "" // the server API off: no key is right
	if w := e.do("POST", "/v1/track", `{"userId":"u","event":"x"}`, map[string]string{"Content-Type": "application/json", "Authorization": basic}); w.Code != 401 || !strings.Contains(w.Body.String(), "server API is off") {
		t.Errorf("without a write key: %d %s", w.Code, w.Body)
	}
	// Nothing was stored by any of them.
	evs, _ := e.log.Visitor(context.Background(), "anon-fallback-1")
	if len(evs) != 0 {
		t.Fatalf("rejected requests stored %d events", len(evs))
	}
}

func TestPreflightAllowed(t *testing.T) {
	e := newEnv(t)
	w := e.do("OPTIONS", "/e", "", map[string]string{"Origin": "https://www.example.com", "Access-Control-Request-Method": "POST"})
	if w.Code != 204 || w.Header().Get("Access-Control-Allow-Origin") != "https://www.example.com" || w.Header().Get("Access-Control-Allow-Methods") != "POST" {
		t.Fatalf("preflight %d %v", w.Code, w.Header())
	}
}

func TestSegmentBatch(t *testing.T) {
	e := newEnv(t)
	b := `{"batch":[{"type":"identify","userId":"42","anonymousId":"seg-anon-1","traits":{"email":"seg@example.com","title":"部長"}},
	  {"type":"track","event":"Demo Requested","anonymousId":"seg-anon-1","messageId":"t1"},
	  {"type":"page","userId":"42","properties":{"url":"https://www.example.com/x"}}]}`
	w := e.do("POST", "/v1/batch", b, map[string]string{"Content-Type": "application/json", "Authorization": "Basic d3JpdGUta2V5LTAxMjM0NTY3ODk6"})
	if w.Code != 200 || !strings.Contains(w.Body.String(), `"success":true`) {
		t.Fatalf("status %d %s", w.Code, w.Body)
	}
	p, err := e.dir.ByEmail(context.Background(), "seg@example.com")
	if err != nil || p.Attributes["title"] != "部長" {
		t.Fatalf("identify via batch: %+v %v", p, err)
	}
	evs, _ := e.log.Visitor(context.Background(), "u:42")
	if len(evs) != 1 || evs[0].Type != event.PageView {
		t.Fatalf("userId-only event stored under u:42: %+v", evs)
	}
}

type failingWriter struct{}

func (failingWriter) Append(context.Context, []event.Event) ([]bool, error) {
	return nil, errors.New("disk on fire")
}

func (failingWriter) Get(context.Context, string, string) (event.Event, error) {
	return event.Event{}, errors.New("disk on fire")
}

func (failingWriter) DeleteEvents(context.Context, string, ...string) (privacy.Removed, error) {
	return nil, errors.New("disk on fire")
}

func (failingWriter) Seen(context.Context, string) (bool, error) {
	return false, errors.New("disk on fire")
}

type failingPeople struct{ collect.Identifier }

func (failingPeople) Identify(context.Context, identity.Identification) (identity.Person, identity.LinkResult, error) {
	return identity.Person{}, identity.LinkResult{}, errors.New("throttled")
}

func (failingPeople) Erased(context.Context, string) (bool, error) { return false, nil }

func TestStoreFailureIsRetryable(t *testing.T) {
	e := newEnv(t)
	e.h.Events = failingWriter{}
	w := e.do("POST", "/e", body("m"), nil)
	if w.Code != 503 || w.Header().Get("Retry-After") == "" {
		t.Fatalf("status %d headers %v", w.Code, w.Header())
	}
	if strings.Contains(w.Body.String(), "fire") {
		t.Fatal("internal error leaked to the client")
	}
	errBody(t, w)
}

func TestIdentifyFailureIsRetryableAndRetrySucceeds(t *testing.T) {
	e := newEnv(t)
	people := e.h.People
	e.h.People = failingPeople{}
	form := `{"type":"form_submit","messageId":"f1","anonymousId":"anon-fallback-1","properties":{"fields":{"email":"x@example.com"}}}`
	if w := e.do("POST", "/e", form, nil); w.Code != 503 {
		t.Fatalf("status %d", w.Code)
	}
	e.h.People = people
	if w := e.do("POST", "/e", form, nil); w.Code != 204 {
		t.Fatalf("retry status %d", w.Code)
	}
	if _, err := e.dir.ByEmail(context.Background(), "x@example.com"); err != nil {
		t.Fatalf("retry of an already stored event did not identify: %v", err)
	}
}

// TestSecureCookiesOnlyOverTrustedHTTPS: bt_vid and bt_optout are Secure
// when a proxy BATON_TRUST_PROXY trusts says the client used https, not
// when a plain-http client says so itself.
func TestSecureCookiesOnlyOverTrustedHTTPS(t *testing.T) {
	e := newEnv(t)
	e.h.Cookie.Proxies = httpx.Proxies{CIDRs: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}}
	for i, c := range []struct {
		name, peer, xff string
		secure          bool
	}{
		{"plain-http client sending X-Forwarded-Proto itself", "203.0.113.7:5000", "", false},
		{"plain-http client forging a proxy chain too", "203.0.113.7:5000", "10.0.0.1", false},
		{"through the trusted proxy", "10.0.0.1:5000", "203.0.113.7", true},
	} {
		for _, path := range []string{"/e", "/optout"} {
			b := body(fmt.Sprintf("sec-%d", i))
			if path == "/optout" {
				b = "" // its body is a visitor id, or nothing
			}
			r := httptest.NewRequest("POST", path, strings.NewReader(b))
			r.Host = "t.example.com"
			r.RemoteAddr = c.peer
			r.Header.Set("Content-Type", "text/plain;charset=UTF-8")
			r.Header.Set("Origin", "https://www.example.com")
			r.Header.Set("X-Forwarded-Proto", "https")
			if c.xff != "" {
				r.Header.Set("X-Forwarded-For", c.xff)
			}
			w := httptest.NewRecorder()
			e.mux.ServeHTTP(w, r)
			want := map[string]bool{"/e": false, "/optout": false} // the cookie each route sets
			for _, ck := range w.Result().Cookies() {
				if ck.MaxAge < 0 {
					continue // a removal
				}
				if (path == "/e" && ck.Name == visitor.CookieName) || (path == "/optout" && ck.Name == collect.OptOutCookie) {
					want[path] = true
					if ck.Secure != c.secure {
						t.Errorf("%s, %s: %s Secure %v, want %v", c.name, path, ck.Name, ck.Secure, c.secure)
					}
				}
			}
			if w.Code >= 300 || !want[path] {
				t.Errorf("%s, %s: %d, cookies %v", c.name, path, w.Code, w.Result().Cookies())
			}
		}
	}
}

func TestConsentGPCAndOptOut(t *testing.T) {
	e := newEnv(t)
	e.h.Consent = collect.Consent{RequiredSites: map[string]bool{"eu": true}}
	stored := func(vid string) int {
		evs, _ := e.log.Visitor(context.Background(), vid)
		return len(evs)
	}
	ev := func(id, site, consent string) string {
		ctx := ""
		if consent != "" {
			ctx = `,"context":{"consent":"` + consent + `"}`
		}
		return `{"type":"page_view","messageId":"` + id + `","anonymousId":"consent-vis-1","site":"` + site + `","properties":{"url":"https://www.example.com/"}` + ctx + `}`
	}
	if w := e.do("POST", "/e", ev("a", "eu", ""), nil); w.Code != 202 || stored("consent-vis-1") != 0 {
		t.Fatalf("no consent on a consent-required site: %d, %d stored", w.Code, stored("consent-vis-1"))
	}
	if w := e.do("POST", "/e", ev("b", "eu", "granted"), nil); w.Code != 204 || stored("consent-vis-1") != 1 {
		t.Fatalf("consent granted: %d", w.Code)
	}
	if w := e.do("POST", "/e", ev("c", "us", ""), nil); w.Code != 204 || stored("consent-vis-1") != 2 {
		t.Fatalf("site without consent mode: %d", w.Code)
	}
	if w := e.do("POST", "/e", ev("d", "us", "denied"), nil); w.Code != 202 || stored("consent-vis-1") != 2 {
		t.Fatalf("consent denied: %d", w.Code)
	}
	if w := e.do("POST", "/e", ev("e", "us", "granted"), map[string]string{"Sec-GPC": "1"}); w.Code != 202 || stored("consent-vis-1") != 2 {
		t.Fatalf("GPC: %d", w.Code)
	}
	if w := e.do("POST", "/e", ev("e", "us", "maybe"), nil); w.Code != 400 {
		t.Fatalf("bad consent value: %d", w.Code)
	}
	w := e.do("POST", "/optout", "", map[string]string{"Cookie": "bt_vid=consent-vis-1"})
	var cleared, optedOut bool
	for _, c := range w.Result().Cookies() {
		cleared = cleared || c.Name == "bt_vid" && c.MaxAge < 0
		optedOut = optedOut || c.Name == collect.OptOutCookie && c.Value == "1" && c.HttpOnly
	}
	if w.Code != 204 || !cleared || !optedOut {
		t.Fatalf("optout: %d %v", w.Code, w.Result().Cookies())
	}
	if w := e.do("POST", "/e", ev("f", "us", ""), map[string]string{"Cookie": "bt_optout=1"}); w.Code != 202 || stored("consent-vis-1") != 2 {
		t.Fatalf("after opt-out: %d", w.Code)
	}
	// Consent given again through the site's consent mode after the
	// opt-out: the newer choice wins, and the opt-out cookie goes.
	again := e.do("POST", "/e", ev("f2", "us", "granted"), map[string]string{"Cookie": "bt_optout=1"})
	regranted := false
	for _, c := range again.Result().Cookies() {
		regranted = regranted || (c.Name == collect.OptOutCookie && c.MaxAge < 0)
	}
	if again.Code != 204 || stored("consent-vis-1") != 3 || !regranted {
		t.Fatalf("consent again after the opt-out: %d, %d stored, opt-out cleared %v", again.Code, stored("consent-vis-1"), regranted)
	}
	e.h.Consent.IgnoreGPC = true
	if w := e.do("POST", "/e", ev("g", "us", ""), map[string]string{"Sec-GPC": "1"}); w.Code != 204 || stored("consent-vis-1") != 4 {
		t.Fatalf("GPC ignored by configuration: %d", w.Code)
	}
}

// TestErasedEmailIsNotCollected: a form (or a server-side identify) naming
// the email of a person who asked to be forgotten is not stored and
// creates nobody; the answer is a stored submission's (204 and the cookie),
// so that a form cannot be used to learn who was erased.
func TestErasedEmailIsNotCollected(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if err := e.tb.Put(ctx, table.Item{PK: privacy.TombstonePK("gone@example.com"), SK: "TOMB", Kind: privacy.KindTombstone, Data: []byte(`{}`)}, table.Always); err != nil {
		t.Fatal(err)
	}
	form := `{"type":"form_submit","messageId":"f1","anonymousId":"erased-browser-1","properties":{"fields":{"email":"Gone@Example.com","name":"Gone Person"}}}`
	known := `{"type":"form_submit","messageId":"k1","anonymousId":"kept-browser-1","properties":{"fields":{"email":"kept@example.com","name":"Kept Person"}}}`
	w, kw := e.do("POST", "/e", form, nil), e.do("POST", "/e", known, nil)
	if w.Code != kw.Code || w.Body.String() != kw.Body.String() || len(w.Result().Cookies()) != len(kw.Result().Cookies()) || w.Code != 204 {
		t.Fatalf("an erased email's form is answered unlike another's: %d %q %v vs %d %q %v", w.Code, w.Body, w.Result().Cookies(), kw.Code, kw.Body, kw.Result().Cookies())
	}
	if evs, err := e.log.Visitor(ctx, "erased-browser-1"); err != nil || len(evs) != 0 {
		t.Fatalf("the erased person's form was stored: %d events %v", len(evs), err)
	}
	// With other events in the batch, those are stored; the form is not.
	batch := `[` + strings.Replace(pv, "%s", "p1", 1) + `,` + strings.Replace(form, `"f1"`, `"f2"`, 1) + `]`
	if w := e.do("POST", "/e", batch, nil); w.Code != 204 {
		t.Fatalf("mixed batch: %d %s", w.Code, w.Body)
	}
	ident := `{"userId":"crm-42","traits":{"email":"gone@example.com","name":"Gone Person"}}`
	r := httptest.NewRequest("POST", "/v1/identify", strings.NewReader(ident))
	r.SetBasicAuth("write-key-0123456789", "")
	r.Header.Set("Content-Type", "application/json")
	sw := httptest.NewRecorder()
	e.mux.ServeHTTP(sw, r)
	if sw.Code != 200 {
		t.Fatalf("identify: %d %s", sw.Code, sw.Body)
	}
	if _, err := e.dir.ByEmail(ctx, "gone@example.com"); !errors.Is(err, identity.ErrNotFound) {
		t.Fatalf("the erased person came back: %v", err)
	}
	if err := e.tb.Scan(ctx, "", func(it table.Item) error {
		for _, s := range privacy.Strings(it.Data) {
			if strings.Contains(s, "gone@example.com") || strings.Contains(s, "Gone Person") {
				t.Errorf("stored %s/%s: %s", it.PK, it.SK, s)
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if evs, _ := e.log.Visitor(ctx, "anon-fallback-1"); len(evs) != 1 || evs[0].ID != "p1" {
		t.Fatalf("the batch's other event: %+v", evs)
	}
}

// erasedMeanwhile is a person erased between the collector's tombstone
// check and the identification.
type erasedMeanwhile struct{ collect.Identifier }

func (erasedMeanwhile) Identify(context.Context, identity.Identification) (identity.Person, identity.LinkResult, error) {
	return identity.Person{}, identity.LinkResult{}, identity.ErrErased
}

func (erasedMeanwhile) Erased(context.Context, string) (bool, error) { return false, nil }

func TestFormOfAPersonErasedMeanwhileIsNotKept(t *testing.T) {
	e := newEnv(t)
	e.h.People = erasedMeanwhile{}
	form := `{"type":"form_submit","messageId":"f1","anonymousId":"racing-browser-1","properties":{"fields":{"email":"racing@example.com"}}}`
	if w := e.do("POST", "/e", form, nil); w.Code != 204 {
		t.Fatalf("status %d %s", w.Code, w.Body)
	}
	if evs, _ := e.log.Visitor(context.Background(), "racing-browser-1"); len(evs) != 0 {
		t.Fatalf("kept %+v", evs)
	}
}

// counting counts the calls that read the table and those that write it.
type counting struct {
	table.Table
	reads, writes atomic.Int64 // a request's reads may run at once
}

func (c *counting) Get(ctx context.Context, pk, sk string) (table.Item, error) {
	c.reads.Add(1)
	return c.Table.Get(ctx, pk, sk)
}

func (c *counting) Query(ctx context.Context, q table.Query) ([]table.Item, error) {
	c.reads.Add(1)
	return c.Table.Query(ctx, q)
}

func (c *counting) Scan(ctx context.Context, p string, fn func(table.Item) error) error {
	c.reads.Add(1)
	return c.Table.Scan(ctx, p, fn)
}

func (c *counting) Put(ctx context.Context, it table.Item, cond table.Cond) error {
	c.writes.Add(1)
	return c.Table.Put(ctx, it, cond)
}

func (c *counting) PutMany(ctx context.Context, ws []table.Write) []error {
	c.writes.Add(1)
	return c.Table.PutMany(ctx, ws)
}

func (c *counting) Transact(ctx context.Context, ws []table.Write) error {
	c.writes.Add(1)
	return c.Table.Transact(ctx, ws)
}

// countingEnv is newEnv with every table call counted.
func countingEnv(t *testing.T) (*env, *counting) {
	e := newEnv(t)
	c := &counting{Table: e.tb}
	e.log.T, e.dir.T = c, c
	return e, c
}

// TestAnonymousPageViewCost: the tag's anonymous page view is
// one write and no read. The server API's reads one more item per
// anonymousId a request names: whether the id was an erased person's alone
// (their backend knows their browser by it and keeps calling).
func TestAnonymousPageViewCost(t *testing.T) {
	e, c := countingEnv(t)
	seg := map[string]string{"Content-Type": "application/json", "Authorization": "Basic d3JpdGUta2V5LTAxMjM0NTY3ODk6"}
	for _, call := range []struct {
		path, body string
		reads      int
	}{
		{"/e", body("pv-1"), 0},
		{"/v1/page", `{"anonymousId":"srv-anon-1","messageId":"pv-2","properties":{"url":"https://www.example.com/"}}`, 1},
		{"/v1/batch", `{"batch":[{"type":"page","anonymousId":"srv-anon-1","messageId":"pv-3","properties":{"url":"https://www.example.com/a"}},{"type":"track","event":"Video Played","anonymousId":"srv-anon-2","messageId":"pv-4"},{"type":"page","anonymousId":"srv-anon-1","messageId":"pv-5","properties":{"url":"https://www.example.com/b"}}]}`, 2},
	} {
		c.reads.Store(0)
		c.writes.Store(0)
		hdr := seg
		if call.path == "/e" {
			hdr = nil
		}
		if w := e.do("POST", call.path, call.body, hdr); w.Code/100 != 2 {
			t.Fatalf("%s: status %d %s", call.path, w.Code, w.Body)
		}
		if c.reads.Load() != int64(call.reads) || c.writes.Load() != 1 {
			t.Fatalf("%s: %d reads and %d writes, want %d and one", call.path, c.reads.Load(), c.writes.Load(), call.reads)
		}
	}
}

// TestUserIDLinking: a track or page carrying both ids ties them as
// identify does, but a pair already on one person is not read again on
// every call; a pair on nobody yet is, so a later identification counts.
func TestUserIDLinking(t *testing.T) {
	e, c := countingEnv(t)
	m := clock.NewManual(time.Date(2031, 5, 12, 9, 0, 0, 0, time.UTC))
	e.h.Now, e.dir.Now = m.Now, m.Now
	ctx := context.Background()
	seg := map[string]string{"Content-Type": "application/json", "Authorization": "Basic d3JpdGUta2V5LTAxMjM0NTY3ODk6"}
	post := func(path, b string) {
		t.Helper()
		if w := e.do("POST", path, b, seg); w.Code != 200 {
			t.Fatalf("%s: status %d %s", path, w.Code, w.Body)
		}
	}
	track := func(n int, anon, user string) string {
		var evs []string
		for i := 0; i < n; i++ {
			evs = append(evs, `{"type":"track","event":"Report Viewed","anonymousId":"`+anon+`","userId":"`+user+`","messageId":"`+anon+user+strings.Repeat("i", i+1)+`"}`)
		}
		return `{"batch":[` + strings.Join(evs, ",") + `]}`
	}
	// Nobody yet: the track reads the userId's tombstone (erased users'
	// calls are refused) and both links, and links nothing.
	post("/v1/batch", track(3, "seg-anon-1", "42"))
	if c.reads.Load() != 3 {
		t.Fatalf("three tracks of one new pair: %d reads, want 3 (the userId's tombstone, one join per pair and request)", c.reads.Load())
	}
	// A form identifies the browser; the next track with the pair ties the
	// userId to that person.
	if w := e.do("POST", "/e", `{"type":"form_submit","messageId":"f1","anonymousId":"seg-anon-1","properties":{"url":"https://www.example.com/contact","fields":{"email":"track@example.com"}}}`, nil); w.Code != 204 {
		t.Fatalf("form: %d %s", w.Code, w.Body)
	}
	post("/v1/track", `{"event":"Report Viewed","anonymousId":"seg-anon-1","userId":"42","messageId":"t-after-form"}`)
	p, err := e.dir.ByEmail(ctx, "track@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if l, err := e.dir.GetLink(ctx, "u:42"); err != nil || l.PersonAt(e.h.Now()) != p.ID {
		t.Fatalf("userId not tied to the person of its anonymousId: %+v %v", l, err)
	}
	// The pair is on one person now: later calls with it read only the
	// userId's tombstone, once a request.
	c.reads.Store(0)
	post("/v1/batch", track(5, "seg-anon-1", "42"))
	post("/v1/page", `{"anonymousId":"seg-anon-1","userId":"42","messageId":"p-later","properties":{"url":"https://www.example.com/"}}`)
	if c.reads.Load() != 2 {
		t.Fatalf("two calls with a pair already joined read %d times, want 2 (the tombstone)", c.reads.Load())
	}
	// identify always joins.
	post("/v1/identify", `{"anonymousId":"seg-anon-1","userId":"42","messageId":"i-again"}`)
	if c.reads.Load() == 0 {
		t.Fatal("identify did not join its ids")
	}
	// The memory of a joined pair lapses: a link undone since is mended.
	m.Advance(11 * time.Minute)
	c.reads.Store(0)
	post("/v1/track", `{"event":"Report Viewed","anonymousId":"seg-anon-1","userId":"42","messageId":"t-lapsed"}`)
	if c.reads.Load() != 3 {
		t.Fatalf("a pair joined 11 minutes ago: %d reads, want 3 (the tombstone, both links)", c.reads.Load())
	}
}

// TestBrowserCannotClaimServerSideIDs: "u:<userId>" (the server API's
// visitor of a userId) and "o:<person>" (opens, offline touches) are ids
// Baton makes. A browser naming one, as its tag id or its cookie, would
// write into that visitor, and a form would move it, and every later call
// with the userId, to the form's email.
func TestBrowserCannotClaimServerSideIDs(t *testing.T) {
	e := newEnv(t)
	m := clock.NewManual(time.Date(2031, 5, 12, 9, 0, 0, 0, time.UTC))
	e.h.Now, e.dir.Now = m.Now, m.Now
	ctx := context.Background()
	seg := map[string]string{"Content-Type": "application/json", "Authorization": "Basic d3JpdGUta2V5LTAxMjM0NTY3ODk6"}
	if w := e.do("POST", "/v1/identify", `{"userId":"12345678","messageId":"i1","traits":{"email":"victim@example.com"}}`, seg); w.Code != 200 {
		t.Fatalf("identify: %d %s", w.Code, w.Body)
	}
	victim, err := e.dir.ByEmail(ctx, "victim@example.com")
	if err != nil {
		t.Fatal(err)
	}
	form := func(id, anon string) string {
		return `{"type":"form_submit","messageId":"` + id + `","anonymousId":"` + anon + `","properties":{"url":"https://www.example.com/contact","fields":{"email":"attacker@example.net"}}}`
	}
	for i, tc := range []struct{ name, anon, cookie string }{
		{"tag id, no cookie", "u:12345678", ""},
		{"tag id beside a cookie (an alias)", "u:12345678", "bt_vid=attacker-browser-1"},
		{"an open's visitor", "o:" + victim.ID, "bt_vid=attacker-browser-1"},
	} {
		w := e.do("POST", "/e", form(fmt.Sprint("f", i), tc.anon), map[string]string{"Cookie": tc.cookie})
		if w.Code != 400 || errBody(t, w)["field"] != "anonymousId" {
			t.Errorf("%s: status %d %s, want 400 naming anonymousId", tc.name, w.Code, w.Body)
		}
	}
	// A cookie naming one is not the browser's: it gets an id of its own.
	w := e.do("POST", "/e", form("f-cookie", "attacker-tag-1"), map[string]string{"Cookie": "bt_vid=u:12345678"})
	if c := w.Result().Cookies(); w.Code != 204 || len(c) != 1 || c[0].Value == "u:12345678" {
		t.Fatalf("cookie u:12345678: status %d cookies %+v", w.Code, c)
	}
	if evs, _ := e.log.Visitor(ctx, "u:12345678"); len(evs) != 1 {
		t.Errorf("the userId's visitor holds %d events, want its identify alone", len(evs))
	}
	if al, _ := e.log.Aliases(ctx, "attacker-browser-1"); len(al) != 0 {
		t.Errorf("aliases of the attacker's browser: %v", al)
	}
	if l, err := e.dir.GetLink(ctx, "u:12345678"); err != nil || l.PersonAt(m.Now()) != victim.ID {
		t.Fatalf("the userId's visitor moved: %+v %v", l, err)
	}
}

// TestRepeatedMessageIDChangesNothing: a repeat of a stored messageId is
// stored once, and identifies as the stored event does: a repeat with
// other traits, email or userId moved the person's fields, or linked the
// browser to another person, while the stored event said otherwise.
func TestRepeatedMessageIDChangesNothing(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	seg := map[string]string{"Content-Type": "application/json", "Authorization": "Basic d3JpdGUta2V5LTAxMjM0NTY3ODk6"}
	post := func(path, b string, hdr map[string]string, code int) {
		t.Helper()
		if w := e.do("POST", path, b, hdr); w.Code != code {
			t.Fatalf("%s: status %d %s", path, w.Code, w.Body)
		}
	}
	post("/v1/identify", `{"userId":"user-0001","messageId":"i1","traits":{"email":"lead@example.com","company":"Acme"}}`, seg, 200)
	post("/v1/identify", `{"userId":"user-0001","messageId":"i1","traits":{"email":"lead@example.com","company":"Forged Inc"}}`, seg, 200)
	post("/v1/identify", `{"userId":"user-0001","messageId":"i1","traits":{"email":"other@example.com"}}`, seg, 200)
	p, err := e.dir.ByEmail(ctx, "lead@example.com")
	if err != nil || p.Attributes["company"] != "Acme" {
		t.Fatalf("the first identify's person: %+v %v", p, err)
	}
	if _, err := e.dir.ByEmail(ctx, "other@example.com"); !errors.Is(err, identity.ErrNotFound) {
		t.Errorf("a repeat's email made a person: %v", err)
	}
	// The browser: a repeat of a form with another email.
	form := func(email string) string {
		return `{"type":"form_submit","messageId":"f1","anonymousId":"anon-fallback-1","properties":{"url":"https://www.example.com/contact","fields":{"email":"` + email + `"}}}`
	}
	post("/e", form("form@example.com"), map[string]string{"Cookie": "bt_vid=anon-fallback-1"}, 204)
	post("/e", form("someone-else@example.com"), map[string]string{"Cookie": "bt_vid=anon-fallback-1"}, 204)
	fp, err := e.dir.ByEmail(ctx, "form@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if l, _ := e.dir.GetLink(ctx, "anon-fallback-1"); len(l.History) != 1 || l.History[0].Person != fp.ID {
		t.Fatalf("the browser's link after a repeat with another email: %+v", l)
	}
	if evs, _ := e.log.Visitor(ctx, "anon-fallback-1"); len(evs) != 1 || evs[0].Email() != "form@example.com" {
		t.Fatalf("stored %+v", evs)
	}
}

// TestAliasesAreBounded: every other id a browser's events carried was
// kept as an alias of its visitor, and an identify linked each one: 1,000
// events with new ids a request cost 1,000 more writes, and a form after a
// few such requests thousands of links. A request keeps a few aliases, and
// an identify links a few.
func TestAliasesAreBounded(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	cookie := map[string]string{"Cookie": "bt_vid=flood-browser-1"}
	for r := range 3 {
		var evs []string
		for i := range 1000 {
			evs = append(evs, fmt.Sprintf(`{"type":"page_view","messageId":"m%d-%d","anonymousId":"junk-%d-%d","properties":{"url":"https://www.example.com/"}}`, r, i, r, i))
		}
		if w := e.do("POST", "/e", "["+strings.Join(evs, ",")+"]", cookie); w.Code != 204 {
			t.Fatalf("request %d: %d %s", r, w.Code, w.Body)
		}
	}
	items, err := e.tb.Query(ctx, table.Query{PK: eventlog.VisitorPK("flood-browser-1"), Prefix: "A#"})
	if err != nil {
		t.Fatal(err)
	}
	if len(items) > 3*eventlog.MaxAliases {
		t.Errorf("%d aliases kept from 3 requests, want at most %d a request", len(items), eventlog.MaxAliases)
	}
	if evs, _ := e.log.Visitor(ctx, "flood-browser-1"); len(evs) != 3000 {
		t.Fatalf("%d events stored, want every one", len(evs))
	}
	form := `{"type":"form_submit","messageId":"f1","properties":{"url":"https://www.example.com/contact","fields":{"email":"flood@example.com"}}}`
	if w := e.do("POST", "/e", form, cookie); w.Code != 204 {
		t.Fatalf("form: %d %s", w.Code, w.Body)
	}
	p, err := e.dir.ByEmail(ctx, "flood@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if vs, _ := e.dir.Visitors(ctx, p.ID); len(vs) == 0 || len(vs) > 1+eventlog.MaxAliases {
		t.Fatalf("the form linked %d visitors, want at most the browser and %d aliases", len(vs), eventlog.MaxAliases)
	}
}

// TestSameMessageIDOfTwoVisitorsInABatch: a repeat is a messageId stored
// under the same visitor. Two users' events with one messageId (an
// integrator's own row ids) are two events, stored each under its visitor
// as two requests would; in one batch the second was dropped.
func TestSameMessageIDOfTwoVisitorsInABatch(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	seg := map[string]string{"Content-Type": "application/json", "Authorization": "Basic d3JpdGUta2V5LTAxMjM0NTY3ODk6"}
	batch := `{"batch":[{"type":"track","event":"Order Placed","userId":"user-a","messageId":"order-1"},
	  {"type":"track","event":"Order Placed","userId":"user-b","messageId":"order-1"},
	  {"type":"track","event":"Order Placed","userId":"user-b","messageId":"order-1"}]}`
	if w := e.do("POST", "/v1/batch", batch, seg); w.Code != 200 {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	for _, v := range []string{"u:user-a", "u:user-b"} {
		if evs, _ := e.log.Visitor(ctx, v); len(evs) != 1 {
			t.Errorf("%s: %d events stored, want 1", v, len(evs))
		}
	}
}

// TestAliasPreviousIDIsChecked: an alias's previousId names a visitor
// (a key): one with a NUL byte or of 3,000 bytes failed its lookup, 503,
// and the SDK's every retry failed the same way. It is a 400, as a bad
// anonymousId is.
func TestAliasPreviousIDIsChecked(t *testing.T) {
	e := newEnv(t)
	seg := map[string]string{"Content-Type": "application/json", "Authorization": "Basic d3JpdGUta2V5LTAxMjM0NTY3ODk6"}
	for _, prev := range []string{`a\u0000b`, strings.Repeat("p", 3000), "has space"} {
		w := e.do("POST", "/v1/alias", `{"userId":"user-0001","previousId":"`+prev+`"}`, seg)
		if w.Code != 400 || errBody(t, w)["field"] != "previousId" {
			t.Errorf("previousId %.20q: %d %s", prev, w.Code, w.Body)
		}
	}
	if w := e.do("POST", "/v1/alias", `{"userId":"user-0001","previousId":"anon-fallback-1"}`, seg); w.Code != 200 {
		t.Fatalf("a good alias: %d %s", w.Code, w.Body)
	}
}

// TestGroupIDIsChecked: a group call's groupId was kept with a NUL or
// 3,000 bytes (200); then every groupId with a space or '#' was refused,
// though senders name companies so ("Acme Inc", "Team #2") and Segment
// takes them. Control and invisible characters, blank and overlong ids
// are a 400 naming groupId; spaces (full-width too) and '#' are kept.
func TestGroupIDIsChecked(t *testing.T) {
	e := newEnv(t)
	seg := map[string]string{"Content-Type": "application/json", "Authorization": "Basic d3JpdGUta2V5LTAxMjM0NTY3ODk6"}
	for _, g := range []string{`g\u0000`, `g\u001f1`, `acme\u00851`, `Acme\tInc`, `Acme\u200bInc`, `   `, `\u3000`, strings.Repeat("g", 129)} {
		w := e.do("POST", "/v1/group", `{"userId":"u3","groupId":"`+g+`"}`, seg)
		if w.Code != 400 || errBody(t, w)["field"] != "groupId" {
			t.Errorf("groupId %.20q: %d %s", g, w.Code, w.Body)
		}
	}
	for _, g := range []string{"acme-1", "株式会社アクメ", strings.Repeat("g", 128), "has space", "acme#1", "Acme Inc", "Team #2", `株式会社\u3000アクメ`} {
		if w := e.do("POST", "/v1/group", `{"userId":"u3","groupId":"`+g+`"}`, seg); w.Code != 200 {
			t.Errorf("groupId %.20q: %d %s", g, w.Code, w.Body)
		}
	}
}

// TestAliasFollowsWhereThePreviousIDHasEvents: Segment's previousId is an
// anonymousId or an earlier userId, stored under different visitor ids.
// It used to be told apart by shape alone: an earlier userId of eight
// digits was taken for an anonymousId (and a short anonymousId for a
// userId), so the alias linked an id without events and the history
// stayed anonymous.
func TestAliasFollowsWhereThePreviousIDHasEvents(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	seg := map[string]string{"Content-Type": "application/json", "Authorization": "Basic d3JpdGUta2V5LTAxMjM0NTY3ODk6"}
	calls := []struct{ path, body string }{
		{"/v1/track", `{"userId":"20240001","event":"Trial Started"}`},                              // an earlier userId that looks like a cookie
		{"/v1/page", `{"anonymousId":"a1","properties":{"url":"https://www.example.com/pricing"}}`}, // a short anonymousId
		{"/v1/identify", `{"userId":"crm-0042","traits":{"email":"alias@example.com"}}`},
		{"/v1/alias", `{"userId":"crm-0042","previousId":"20240001"}`},
		{"/v1/alias", `{"userId":"crm-0042","previousId":"a1"}`},
	}
	for _, c := range calls {
		if w := e.do("POST", c.path, c.body, seg); w.Code != 200 {
			t.Fatalf("%s: %d %s", c.path, w.Code, w.Body)
		}
	}
	p, err := e.dir.ByEmail(ctx, "alias@example.com")
	if err != nil {
		t.Fatal(err)
	}
	vs, err := e.dir.Visitors(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(vs)
	if want := []string{"a1", "u:20240001", "u:crm-0042"}; !slices.Equal(vs, want) {
		t.Fatalf("the person's visitor ids %v, want %v", vs, want)
	}
}

// TestGroupTraitsAreTheCompanys: Segment's group call carries the
// company's traits (name, industry, employees, email). Read as the user's,
// the company's address identified the user's id as a new person (and
// moved their later calls and aliases to it) and its name became theirs.
// They are kept in properties.traits and identify nobody.
func TestGroupTraitsAreTheCompanys(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	seg := map[string]string{"Content-Type": "application/json", "Authorization": "Basic d3JpdGUta2V5LTAxMjM0NTY3ODk6"}
	for _, c := range []struct{ path, body string }{
		{"/v1/identify", `{"userId":"crm-0042","traits":{"email":"yamada@acme.example","name":"山田 太郎"}}`},
		{"/v1/group", `{"userId":"crm-0042","groupId":"acme-1","messageId":"g1","traits":{"name":"株式会社アクメ","industry":"製造業","employees":300,"email":"info@acme.example"}}`},
	} {
		if w := e.do("POST", c.path, c.body, seg); w.Code != 200 || strings.Contains(w.Body.String(), "skipped") {
			t.Fatalf("%s: %d %s", c.path, w.Code, w.Body)
		}
	}
	if _, err := e.dir.ByEmail(ctx, "info@acme.example"); !errors.Is(err, identity.ErrNotFound) {
		t.Fatalf("the company's email is a person: %v", err)
	}
	p, err := e.dir.ByEmail(ctx, "yamada@acme.example")
	if err != nil {
		t.Fatal(err)
	}
	if l, err := e.dir.GetLink(ctx, "u:crm-0042"); err != nil || len(l.History) != 1 || l.History[0].Person != p.ID {
		t.Fatalf("the user's id after the group call: %+v %v", l, err)
	}
	if p.Attributes["name"] != "山田 太郎" || p.Attributes["industry"] != "" {
		t.Fatalf("the person's attributes after the group call: %v", p.Attributes)
	}
	g, err := e.log.Get(ctx, "u:crm-0042", "g1")
	if err != nil {
		t.Fatal(err)
	}
	if tr, _ := g.Properties["traits"].(map[string]any); g.Name != "$group" || g.Traits != nil || g.Properties["groupId"] != "acme-1" || tr["name"] != "株式会社アクメ" || tr["employees"] != 300.0 {
		t.Fatalf("the group call as stored: %+v", g)
	}
}

// TestSegmentBatchKeepsTheValidEvents: Segment answers 200 to a batch
// whatever its events, and an SDK (analytics-node, analytics-python)
// drops a batch a 400 answered without retrying: one event without a name,
// or one over 32 KB, lost the 99 others. They are stored; the answer names
// the refused ones, and the skipped ones, by their index in the batch.
func TestSegmentBatchKeepsTheValidEvents(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	seg := map[string]string{"Content-Type": "application/json", "Authorization": "Basic d3JpdGUta2V5LTAxMjM0NTY3ODk6"}
	e.h.Enrich = func(_ *http.Request, ev *event.Event) { // the enrichment's verdict on a crawler
		if strings.Contains(ev.Client.UserAgent, "Googlebot") {
			ev.Enrichment.Bot, ev.Enrichment.FlagReason = true, "crawler"
		}
	}
	big := `{"type":"track","event":"Big","anonymousId":"seg-b-1","messageId":"m-big","properties":{"x":"` + strings.Repeat("y", event.MaxEventBytes) + `"}}`
	b := `{"batch":[` +
		`{"type":"track","anonymousId":"seg-b-1","messageId":"m-noname"},` + // 0: refused
		`{"type":"track","event":"Demo Requested","anonymousId":"seg-b-1","messageId":"m-ok"},` + // 1
		`{"type":"track","event":"Denied","anonymousId":"seg-b-1","messageId":"m-denied","context":{"consent":"denied"}},` + // 2: not stored, said nowhere
		big + `,` + // 3: refused
		`{"type":"identify","anonymousId":"seg-b-1","messageId":"m-bot","traits":{"email":"bot@maker.example"},"context":{"userAgent":"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"}},` + // 4: skipped
		`{"type":"page","anonymousId":"seg-b-1","messageId":"m-page","properties":{"url":"https://www.example.com/x"}}]}` // 5
	w := e.do("POST", "/v1/batch", b, seg)
	var got struct {
		Success bool
		Refused []struct {
			Error string
			Index int
		}
		Skipped []collect.Skip
	}
	if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil || w.Code != 200 || !got.Success {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	if len(got.Refused) != 2 || got.Refused[0].Index != 0 || !strings.Contains(got.Refused[0].Error, "event") || got.Refused[1].Index != 3 || !strings.Contains(got.Refused[1].Error, "larger") {
		t.Fatalf("refused %+v", got.Refused)
	}
	if len(got.Skipped) != 1 || got.Skipped[0].Index != 4 {
		t.Fatalf("skipped %+v, want the crawler's identify at index 4", got.Skipped)
	}
	evs, _ := e.log.Visitor(ctx, "seg-b-1")
	ids := []string{}
	for _, ev := range evs {
		ids = append(ids, ev.ID)
	}
	slices.Sort(ids)
	if !slices.Equal(ids, []string{"m-bot", "m-ok", "m-page"}) {
		t.Fatalf("stored %v", ids)
	}
	// Nothing valid: refused whole, as a single call is.
	if w := e.do("POST", "/v1/batch", `{"batch":[{"type":"track","anonymousId":"seg-b-2"}]}`, seg); w.Code != 400 {
		t.Fatalf("a batch of invalid events: %d %s", w.Code, w.Body)
	}
	if w := e.do("POST", "/v1/track", `{"anonymousId":"seg-b-2"}`, seg); w.Code != 400 {
		t.Fatalf("an invalid track call: %d %s", w.Code, w.Body)
	}
}

// TestLongTitleKeepsTheForm: the tag sends document.title as it is; a page
// whose title passed 1,024 bytes (342 Japanese characters) was refused
// 400, and the tag drops what a 4xx answered: the form submitted on it,
// and every event queued with it, were lost. The title is cut instead.
func TestLongTitleKeepsTheForm(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	title := strings.Repeat("株式会社サンプルの製品資料ダウンロード", 30) // 1,710 bytes
	body := `[["1,2,3,4,5",false,"f-long",1,"www","s","long@example.jp",["https://www.example.com/contact","` + title + `",{"company":"Acme"},"contact",null,"https://www.example.com/send",{}],1767225600000],` +
		`["1,2,3,4,5",false,"p-long",1,"www","page",null,["https://www.example.com/","` + title + `",""],1767225600000],1767225601000]`
	if w := e.do("POST", "/e", body, map[string]string{"Content-Type": "text/plain;charset=UTF-8", "Cookie": "bt_vid=long-title-browser"}); w.Code != 204 {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	if _, err := e.dir.ByEmail(ctx, "long@example.jp"); err != nil {
		t.Fatalf("the form identified nobody: %v", err)
	}
	evs, _ := e.log.Visitor(ctx, "long-title-browser")
	if len(evs) != 2 {
		t.Fatalf("%d events stored", len(evs))
	}
	for _, ev := range evs {
		if len(ev.Title) > 1024 || !utf8.ValidString(ev.Title) || !strings.HasPrefix(title, ev.Title) || ev.Properties["title"] != ev.Title {
			t.Fatalf("title stored: %d bytes %q", len(ev.Title), ev.Title)
		}
	}
}

// TestAppReferrerKeepsThePageView: a page opened from an Android app's
// link (Gmail, LinkedIn, Slack) has a document.referrer such as
// android-app://com.google.android.gm/, which the tag sends as it is. The
// referrer had to be http(s): the page view was refused 400, and the tag
// dropped it with every event queued beside it (a form). It is kept.
func TestAppReferrerKeepsThePageView(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	body := `[["1,2,3,4,6",false,"p-app",1,"www","page",null,["https://www.example.com/pricing","Pricing","android-app://com.google.android.gm/"],1767225600000],` +
		`["1,2,3,4,6",false,"f-app",1,"www","s","app@example.jp",["https://www.example.com/contact","Contact",{},"contact",null,"https://www.example.com/send",{}],1767225600000],1767225601000]`
	if w := e.do("POST", "/e", body, map[string]string{"Content-Type": "text/plain;charset=UTF-8", "Cookie": "bt_vid=app-referrer-browser"}); w.Code != 204 {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	evs, _ := e.log.Visitor(ctx, "app-referrer-browser")
	if len(evs) != 2 {
		t.Fatalf("%d events stored", len(evs))
	}
	for _, ev := range evs {
		if ev.Type == event.PageView && ev.Referrer != "android-app://com.google.android.gm/" {
			t.Errorf("referrer %q", ev.Referrer)
		}
	}
	// A referrer that is no URL at all is still refused.
	bad := `[["1,2,3,4,6",false,"p-bad",1,"www","page",null,["https://www.example.com/","T","not a url"],1767225600000],1767225601000]`
	if w := e.do("POST", "/e", bad, nil); w.Code != 400 || errBody(t, w)["field"] != "properties.referrer" {
		t.Fatalf("no URL: %d %s", w.Code, w.Body)
	}
}

// TestLongURLKeepsTheForm: a page URL over 8,192 bytes (a query string an
// app or an ad platform grew) was refused 400, and the tag dropped the
// form submitted on it. The URL is kept without its query.
func TestLongURLKeepsTheForm(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	long := "https://www.example.com/contact?state=" + strings.Repeat("x", 9000)
	body := `[["1,2,3,4,7",false,"f-url",1,"www","s","url@example.jp",["` + long + `","Contact",{},"contact",null,"https://www.example.com/send",{}],1767225600000],1767225601000]`
	if w := e.do("POST", "/e", body, map[string]string{"Content-Type": "text/plain;charset=UTF-8", "Cookie": "bt_vid=long-url-browser"}); w.Code != 204 {
		t.Fatalf("%d %.200s", w.Code, w.Body)
	}
	if _, err := e.dir.ByEmail(ctx, "url@example.jp"); err != nil {
		t.Fatalf("the form identified nobody: %v", err)
	}
	evs, _ := e.log.Visitor(ctx, "long-url-browser")
	if len(evs) != 1 || evs[0].URL != "https://www.example.com/contact" || evs[0].Properties["url"] != evs[0].URL {
		t.Fatalf("stored %d events, url %.80q", len(evs), evs[0].URL)
	}
	// A URL whose path alone is that long is still refused.
	bad := `[["1,2,3,4,7",false,"p-url",1,"www","page",null,["https://www.example.com/` + strings.Repeat("p", 9000) + `","T",""],1767225600000],1767225601000]`
	if w := e.do("POST", "/e", bad, nil); w.Code != 400 || errBody(t, w)["field"] != "properties.url" {
		t.Fatalf("a long path: %d %.200s", w.Code, w.Body)
	}
}

// TestInvalidEventKeepsTheRest: the tag's queue with an invalid event and a
// form is stored without the invalid one, and the answer (a success: the
// tag unqueues it all) says which was refused and why; the form still
// identifies its sender.
func TestInvalidEventKeepsTheRest(t *testing.T) {
	e := newEnv(t)
	form := `{"type":"form_submit","messageId":"f1","anonymousId":"anon-fallback-1","properties":{"url":"https://www.example.com/contact","fields":{"email":"rest@maker.example"}}}`
	bad := `{"type":"page_view","messageId":"bad","anonymousId":"anon-fallback-1","properties":{"url":"javascript:alert(1)"}}`
	w := e.do("POST", "/e", "["+body("p1")+","+bad+","+form+"]", nil)
	if w.Code != 200 {
		t.Fatalf("status %d %s", w.Code, w.Body)
	}
	var got struct {
		Accepted int
		Refused  []struct {
			Error string
			Index int
		}
	}
	if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil || got.Accepted != 2 || len(got.Refused) != 1 || got.Refused[0].Index != 1 || !strings.Contains(got.Refused[0].Error, "url") {
		t.Fatalf("answer %s (%v)", w.Body, err)
	}
	evs, _ := e.log.Visitor(context.Background(), "anon-fallback-1")
	if len(evs) != 2 {
		t.Fatalf("stored %+v", evs)
	}
	if p, err := e.dir.ByEmail(context.Background(), "rest@maker.example"); err != nil || p.ID == "" {
		t.Fatalf("the form identified nobody: %v", err)
	}
	// Nothing valid: refused as before, nothing stored.
	if w := e.do("POST", "/e", "["+bad+"]", nil); w.Code != 400 {
		t.Fatalf("a batch of invalid events: %d %s", w.Code, w.Body)
	}
}

// TestServerAPIRefusesHeldIDs: a person who withdrew consent (or was
// erased) has their ids held, the userId and an anonymousId alike. The
// backend's calls naming one (a userId, or an anonymousId alone) are not
// stored, and the answer names each as a refused event, beside the
// batch's invalid ones, in the batch's order; the others are stored.
func TestServerAPIRefusesHeldIDs(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	m := clock.NewManual(time.Date(2031, 5, 12, 9, 0, 0, 0, time.UTC))
	e.h.Now, e.dir.Now = m.Now, m.Now
	seg := map[string]string{"Content-Type": "application/json", "Authorization": "Basic d3JpdGUta2V5LTAxMjM0NTY3ODk6"}
	if w := e.do("POST", "/v1/identify", `{"anonymousId":"held-anon-1","userId":"held-77","messageId":"i1","traits":{"email":"held@maker.example"}}`, seg); w.Code != 200 {
		t.Fatalf("identify: %d %s", w.Code, w.Body)
	}
	if err := e.h.People.WithdrawConsent(ctx, "held-anon-1", m.Now()); err != nil {
		t.Fatal(err)
	}
	m.Advance(time.Minute)
	b := `{"batch":[` +
		`{"type":"track","event":"Viewed","userId":"held-77","messageId":"h0"},` + // 0: refused (userId)
		`{"type":"track","anonymousId":"free-anon-2","messageId":"h1"},` + // 1: invalid (no name)
		`{"type":"page","anonymousId":"held-anon-1","messageId":"h2","properties":{"url":"https://www.example.com/"}},` + // 2: refused (anonymousId)
		`{"type":"page","anonymousId":"free-anon-2","messageId":"h3","properties":{"url":"https://www.example.com/"}}]}` // 3: stored
	w := e.do("POST", "/v1/batch", b, seg)
	var got struct {
		Refused []struct {
			Error, Field string
			Index        int
		}
	}
	if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil || w.Code != 200 {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	want := []struct{ field string }{{"userId"}, {"event"}, {"anonymousId"}}
	if len(got.Refused) != len(want) {
		t.Fatalf("refused %+v", got.Refused)
	}
	for i, r := range got.Refused {
		if r.Field != want[i].field || r.Index != []int{0, 1, 2}[i] || r.Error == "" {
			t.Errorf("refused %d: %+v, want field %s", i, r, want[i].field)
		}
	}
	for _, v := range []string{"held-anon-1", "u:held-77"} {
		evs, err := e.log.Visitor(ctx, v)
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range evs {
			if ev.ID != "i1" {
				t.Errorf("%s: stored %s after the withdrawal", v, ev.ID)
			}
		}
	}
	if _, err := e.log.Get(ctx, "free-anon-2", "h3"); err != nil {
		t.Errorf("another browser's page view: %v", err)
	}
	// A single call says it the same way.
	w = e.do("POST", "/v1/page", `{"anonymousId":"held-anon-1","messageId":"h4","properties":{"url":"https://www.example.com/"}}`, seg)
	if w.Code != 200 || !strings.Contains(w.Body.String(), `"field":"anonymousId"`) {
		t.Errorf("a single page call under the held anonymousId: %d %s", w.Code, w.Body)
	}
}

// TestTagEventHeldTooLongIsRefused: the tag keeps an unanswered event
// queued and sends it again with the next page, however much later. One
// held longer than event.RetryHorizon (its sent time minus its own, on the
// browser's clock, whatever that clock says) is refused, said as refused
// so that the tag unqueues it; the rest of its request is stored. An
// erased event's tombstone lasts only that long.
func TestTagEventHeldTooLongIsRefused(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	sent := time.Date(2031, 5, 12, 9, 0, 0, 0, time.UTC) // the browser's clock: not the server's
	ev := func(id string, made time.Time) string {
		return fmt.Sprintf(`["1,2,3,4,9",false,%q,1,"www","page",null,["https://www.example.com/%s","T",""],%d]`, id, id, made.UnixMilli())
	}
	held := sent.Add(-event.RetryHorizon - time.Minute)
	body := fmt.Sprintf(`[%s,%s,%d]`, ev("p-held", held), ev("p-now", sent.Add(-time.Minute)), sent.UnixMilli())
	w := e.do("POST", "/e", body, nil)
	var got struct {
		Accepted int
		Refused  []struct {
			Error, Field string
			Index        int
		}
	}
	if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil || w.Code != 200 || got.Accepted != 1 || len(got.Refused) != 1 || got.Refused[0].Index != 0 || got.Refused[0].Field != "timestamp" {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	evs, _ := e.log.Visitor(ctx, "1-2-3-4-9")
	if len(evs) != 1 || evs[0].ID != "p-now" {
		t.Fatalf("stored %+v", evs)
	}
	// Held a week exactly: still taken.
	body = fmt.Sprintf(`[%s,%d]`, ev("p-week", sent.Add(-event.RetryHorizon)), sent.UnixMilli())
	if w := e.do("POST", "/e", body, nil); w.Code != 204 {
		t.Fatalf("held a week: %d %s", w.Code, w.Body)
	}
	// Nothing but held ones: answered as done, nothing stored.
	body = fmt.Sprintf(`[%s,%d]`, ev("p-held-2", held), sent.UnixMilli())
	if w := e.do("POST", "/e", body, nil); w.Code != 200 || !strings.Contains(w.Body.String(), `"accepted":0`) {
		t.Fatalf("only held events: %d %s", w.Code, w.Body)
	}
	if _, err := e.log.Get(ctx, "1-2-3-4-9", "p-held-2"); !errors.Is(err, eventlog.ErrNotFound) {
		t.Fatalf("a held event was stored: %v", err)
	}
}

// TestTagEventWithoutSentTimeHeldTooLongIsRefused: an older tag's queued
// form carries no sent time; its events are measured against their
// receipt, so a retry a week later cannot outlive an erased event's
// tombstone either.
func TestTagEventWithoutSentTimeHeldTooLongIsRefused(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	now := time.Date(2031, 5, 12, 9, 0, 0, 0, time.UTC)
	e.h.Now = func() time.Time { return now }
	ev := func(id string, made time.Time) string {
		return fmt.Sprintf(`{"t":"page","a":"1-2-3-4-8","i":%q,"s":"www","ts":%d,"p":{"url":"https://www.example.com/%s"}}`, id, made.UnixMilli(), id)
	}
	body := fmt.Sprintf(`{"b":[%s,%s]}`, ev("q-held", now.Add(-event.RetryHorizon-time.Minute)), ev("q-now", now.Add(-time.Minute)))
	w := e.do("POST", "/e", body, nil)
	if w.Code != 200 || !strings.Contains(w.Body.String(), `"accepted":1`) || !strings.Contains(w.Body.String(), `"field":"timestamp"`) {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	evs, _ := e.log.Visitor(ctx, "1-2-3-4-8")
	if len(evs) != 1 || evs[0].ID != "q-now" {
		t.Fatalf("stored %+v", evs)
	}
}

// leavingClient hangs up (cancels the request's context) as soon as its
// events are stored: a page navigating away as its form posts.
type leavingClient struct {
	collect.EventWriter
	leave context.CancelFunc
}

func (l leavingClient) Append(ctx context.Context, evs []event.Event) ([]bool, error) {
	fresh, err := l.EventWriter.Append(ctx, evs)
	l.leave()
	return fresh, err
}

// TestClientLeavingDoesNotCutIdentification: once the form is stored, the
// client's hanging up does not cut its identification (the log said
// "identify: context canceled", the person was not made, and only a retry
// the tag may never send would have made them).
func TestClientLeavingDoesNotCutIdentification(t *testing.T) {
	e := newEnv(t)
	ctx, leave := context.WithCancel(context.Background())
	e.h.Events = leavingClient{e.log, leave}
	form := `{"type":"form_submit","messageId":"f1","anonymousId":"anon-fallback-1","properties":{"url":"https://www.example.com/contact","fields":{"email":"leaving@example.com"}}}`
	r := httptest.NewRequest("POST", "/e", strings.NewReader(form)).WithContext(ctx)
	r.Host = "t.example.com"
	e.mux.ServeHTTP(httptest.NewRecorder(), r)
	if ctx.Err() == nil {
		t.Fatal("the client did not leave")
	}
	p, err := e.dir.ByEmail(context.Background(), "leaving@example.com")
	if err != nil {
		t.Fatalf("not identified after the client left: %v", err)
	}
	l, _ := e.dir.GetLink(context.Background(), "anon-fallback-1")
	if cur, ok := l.Current(); !ok || cur.Person != p.ID {
		t.Fatalf("browser not linked: %+v", l)
	}
}

// slowWrites is a table whose every write takes cost on the test's clock,
// as a commit takes time on a real store; reads take none.
type slowWrites struct {
	table.Table
	clk  *clock.Manual
	cost time.Duration
}

func (s *slowWrites) Put(ctx context.Context, it table.Item, c table.Cond) error {
	s.clk.Advance(s.cost)
	return s.Table.Put(ctx, it, c)
}

func (s *slowWrites) PutMany(ctx context.Context, ws []table.Write) []error {
	s.clk.Advance(s.cost)
	return s.Table.PutMany(ctx, ws)
}

func (s *slowWrites) Transact(ctx context.Context, ws []table.Write) error {
	s.clk.Advance(s.cost)
	return s.Table.Transact(ctx, ws)
}

func (s *slowWrites) Add(ctx context.Context, pk, sk, kind string, d map[string]int64) (map[string]int64, error) {
	s.clk.Advance(s.cost)
	return s.Table.Add(ctx, pk, sk, kind, d)
}

// TestErasedEmailIsAnsweredAsLateAsAnother: a form naming an erased
// person's email writes nothing, so it was answered at once, while a form
// naming anyone else's waits for its writes (1.5 ms against 9 ms on the
// embedded store): the time told anyone that the owner was erased. It is
// answered after as long as the recent identifying forms took, alone or
// beside an event that is stored.
func TestErasedEmailIsAnsweredAsLateAsAnother(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	clk := clock.NewManual(time.Date(2026, 11, 4, 1, 0, 0, 0, time.UTC))
	slow := &slowWrites{Table: e.tb, clk: clk, cost: 4 * time.Millisecond}
	e.log.T, e.dir.T = slow, slow
	e.h.Now = clk.Now
	e.h.Sleep = func(_ context.Context, d time.Duration) { clk.Advance(d) }
	if err := e.tb.Put(ctx, table.Item{PK: privacy.TombstonePK("gone@example.com"), SK: "TOMB", Kind: privacy.KindTombstone, Data: []byte(`{}`)}, table.Always); err != nil {
		t.Fatal(err)
	}
	took := func(body string) time.Duration {
		t.Helper()
		at := clk.Now()
		if w := e.do("POST", "/e", body, nil); w.Code != 204 {
			t.Fatalf("status %d %s", w.Code, w.Body)
		}
		return clk.Now().Sub(at)
	}
	form := func(id, browser, email string) string {
		return fmt.Sprintf(`{"type":"form_submit","messageId":%q,"anonymousId":%q,"properties":{"fields":{"email":%q,"name":"Someone"}}}`, id, browser, email)
	}
	var fastest time.Duration
	for i := range 3 {
		d := took(form(fmt.Sprintf("k%d", i), fmt.Sprintf("kept-browser-%d", i), fmt.Sprintf("kept%d@example.com", i)))
		if d == 0 {
			t.Fatal("an identifying form took no time: the test's writes do not move its clock")
		}
		if i == 0 || d < fastest {
			fastest = d
		}
	}
	if d := took(form("g1", "erased-browser-1", "gone@example.com")); d < fastest {
		t.Errorf("a form naming an erased email was answered after %v, the others after at least %v", d, fastest)
	}
	mixed := `[` + strings.Replace(pv, "%s", "p1", 1) + `,` + form("g2", "erased-browser-2", "gone@example.com") + `]`
	if d := took(mixed); d < fastest {
		t.Errorf("a page view with a form naming an erased email was answered after %v, identifying forms after at least %v", d, fastest)
	}
	// An anonymous page view identifies nobody: it is not held back.
	if d := took(body("p2")); d >= fastest {
		t.Errorf("a page view was held %v, as long as an identifying form (%v)", d, fastest)
	}
	// A robot's forms (flagged: stored, noted under the email, identifying
	// nobody) set the pace too: a script's erased email is not answered
	// sooner than its other emails.
	bot := &slowWrites{Table: e.tb, clk: clk, cost: 4 * time.Millisecond}
	e2 := newEnv(t)
	e2.log.T, e2.dir.T = bot, bot
	e2.h.Now, e2.h.Sleep = clk.Now, e.h.Sleep
	e2.h.Enrich = func(_ *http.Request, ev *event.Event) { ev.Enrichment.Bot = true }
	var flagged time.Duration
	for i := range 3 {
		at := clk.Now()
		if w := e2.do("POST", "/e", form(fmt.Sprintf("b%d", i), fmt.Sprintf("bot-browser-%d", i), fmt.Sprintf("bot%d@example.com", i)), nil); w.Code != 204 {
			t.Fatalf("flagged form: %d %s", w.Code, w.Body)
		}
		flagged = clk.Now().Sub(at)
	}
	at := clk.Now()
	if w := e2.do("POST", "/e", form("b9", "bot-browser-9", "gone@example.com"), nil); w.Code != 204 || clk.Now().Sub(at) < flagged {
		t.Errorf("a flagged form naming an erased email: %d after %v, the others after %v", w.Code, clk.Now().Sub(at), flagged)
	}
}

// TestTagRequestIdentifiesAtMostTen: anyone can post the tag's batch, and
// each form in it identifies someone (a person created, a few writes): a
// batch of 1,000 forms held its request 30 s and answered 503 (the tag
// sends it again). Past MaxTagEmails, the events naming an email are
// refused one by one (the tag drops them), the rest stored.
func TestTagRequestIdentifiesAtMostTen(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	var evs []string
	for i := range collect.MaxTagEmails + 2 {
		evs = append(evs, fmt.Sprintf(`{"type":"form_submit","messageId":"f%d","anonymousId":"spam-browser","properties":{"fields":{"email":"spam%d@example.com"}}}`, i, i))
		evs = append(evs, body(fmt.Sprintf("pv%d", i)))
	}
	w := e.do("POST", "/e", "["+strings.Join(evs, ",")+"]", nil)
	var got struct {
		Accepted int `json:"accepted"`
		Refused  []struct {
			Field string `json:"field"`
			Index int    `json:"index"`
			Error string `json:"error"`
		} `json:"refused"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil || w.Code != 200 {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	if got.Accepted != len(evs)-2 || len(got.Refused) != 2 || got.Refused[0].Index != 2*collect.MaxTagEmails || got.Refused[1].Index != 2*collect.MaxTagEmails+2 ||
		got.Refused[0].Field != "email" || !strings.Contains(got.Refused[0].Error, "more than 10 events naming an email") {
		t.Fatalf("answer: %+v", got)
	}
	for i := range collect.MaxTagEmails + 2 {
		_, err := e.dir.ByEmail(ctx, fmt.Sprintf("spam%d@example.com", i))
		if i < collect.MaxTagEmails && err != nil || i >= collect.MaxTagEmails && !errors.Is(err, identity.ErrNotFound) {
			t.Errorf("spam%d: %v", i, err)
		}
	}
	// Page views are not bounded so.
	var pvs []string
	for i := range 200 {
		pvs = append(pvs, body(fmt.Sprintf("many-%d", i)))
	}
	if w := e.do("POST", "/e", "["+strings.Join(pvs, ",")+"]", nil); w.Code != 204 {
		t.Fatalf("200 page views: %d %s", w.Code, w.Body)
	}
}

// TestBatchOfIdentifiesKeepsOrderWithinPeople: a backend's batch of
// identifies is worked a few people at a time, and what depends on order
// stays in it: a browser identified as one person then another ends
// linked to the later, an email's later traits win, and everyone else
// is identified and linked.
func TestBatchOfIdentifiesKeepsOrderWithinPeople(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	evs := []string{}
	add := func(anon, email, title string) {
		evs = append(evs, fmt.Sprintf(`{"type":"identify","messageId":"m%d","anonymousId":%q,"traits":{"email":%q,"title":%q}}`, len(evs), anon, email, title))
	}
	for i := range 40 {
		add(fmt.Sprintf("anon-%d", i), fmt.Sprintf("p%d@maker.example", i), "staff")
		if i%10 == 5 { // side by side, where running at once would race them
			add("anon-shared", "first@maker.example", "staff")
			add("anon-shared", "second@maker.example", "staff")
			add("anon-again", "same@maker.example", "課長")
			add("anon-again-2", "same@maker.example", "部長")
		}
	}
	w := e.do("POST", "/v1/batch", `{"batch":[`+strings.Join(evs, ",")+`]}`, map[string]string{"Content-Type": "application/json", "Authorization": "Basic d3JpdGUta2V5LTAxMjM0NTY3ODk6"})
	if w.Code != 200 {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	person := func(email string) identity.Person {
		p, err := e.dir.ByEmail(ctx, email)
		if err != nil {
			t.Fatalf("%s: %v", email, err)
		}
		return p
	}
	for i := range 40 {
		p := person(fmt.Sprintf("p%d@maker.example", i))
		l, err := e.dir.GetLink(ctx, fmt.Sprintf("anon-%d", i))
		if cur, ok := l.Current(); err != nil || !ok || cur.Person != p.ID {
			t.Fatalf("anon-%d not linked to its person: %+v %v", i, l, err)
		}
	}
	l, err := e.dir.GetLink(ctx, "anon-shared")
	if cur, ok := l.Current(); err != nil || !ok || cur.Person != person("second@maker.example").ID {
		t.Fatalf("the shared browser ends with %+v (%v), want second@", l, err)
	}
	if got := person("same@maker.example").Attributes["title"]; got != "部長" {
		t.Fatalf("same@'s title %q, want the later 部長", got)
	}
}

// TestBatchOfUserIDJoinsKeepsOrderWithinIDs: a batch's userId joins run a
// few at a time, and the calls naming a common id stay in order: a track
// call from a second browser with the userId an identify just tied to its
// person joins that browser to them (run first, it would find nobody on
// either id and join nothing).
func TestBatchOfUserIDJoinsKeepsOrderWithinIDs(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	var evs []string
	for i := range 40 {
		evs = append(evs,
			fmt.Sprintf(`{"type":"identify","messageId":"i%d","anonymousId":"anon-%d","userId":"user-%d","traits":{"email":"p%d@maker.example"}}`, i, i, i, i),
			fmt.Sprintf(`{"type":"track","event":"Signed In","messageId":"t%d","anonymousId":"other-%d","userId":"user-%d"}`, i, i, i))
	}
	w := e.do("POST", "/v1/batch", `{"batch":[`+strings.Join(evs, ",")+`]}`, map[string]string{"Content-Type": "application/json", "Authorization": "Basic d3JpdGUta2V5LTAxMjM0NTY3ODk6"})
	if w.Code != 200 {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	for i := range 40 {
		p, err := e.dir.ByEmail(ctx, fmt.Sprintf("p%d@maker.example", i))
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range []string{fmt.Sprintf("u:user-%d", i), fmt.Sprintf("other-%d", i)} {
			l, err := e.dir.GetLink(ctx, v)
			if cur, ok := l.Current(); err != nil || !ok || cur.Person != p.ID {
				t.Fatalf("%s not joined to p%d: %+v %v", v, i, l, err)
			}
		}
	}
}

// TestSegmentConsentObjectHonoured: a site using Segment's consent tooling
// sends context.consent as {"categoryPreferences": {...}}; every call was a
// 400. It is read by the configured analytics category (consent
// .analytics_category, here a OneTrust-style id): granted is stored under
// consent mode, denied and unknown are not, and nothing is a 400. A body
// with a BOM before the JSON (curl --data-binary @file from Notepad) is
// read and its writeKey found.
func TestSegmentConsentObjectHonoured(t *testing.T) {
	e := newEnv(t)
	e.h.Consent = collect.Consent{RequiredAll: true, Category: "C0002"}
	ev := func(id, prefs string) string {
		return `{"type":"track","event":"Viewed","anonymousId":"consent-obj-1","messageId":"` + id + `","context":{"consent":{"categoryPreferences":` + prefs + `}}}`
	}
	body := "\ufeff" + `{"writeKey":"write-key-0123456789","batch":[` + ev("g", `{"C0002":true,"Analytics":false}`) + "," +
		ev("d", `{"c0002":false,"Analytics":true}`) + "," + ev("u", `{"Analytics":true}`) + `]}`
	w := e.do("POST", "/v1/batch", body, map[string]string{"Content-Type": "text/plain"})
	if w.Code != 200 || strings.Contains(w.Body.String(), "refused") {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	evs, err := e.log.Visitor(context.Background(), "consent-obj-1")
	if err != nil || len(evs) != 1 || evs[0].ID != "g" || evs[0].Consent != "granted" {
		t.Fatalf("stored %+v %v, want the granted event alone", evs, err)
	}
}

// TestSegmentLoneSurrogateIDsRefused: "usr-\ud83d" and "usr-\ude00" both
// decoded to "usr-\ufffd", one person for two users. On /v1/batch such an
// event is refused alone and named (200, "refused" with its field and
// index), as the batch's other invalid events are; a single call is a 400
// naming the field. Nothing is stored under the merged id.
func TestSegmentLoneSurrogateIDsRefused(t *testing.T) {
	e := newEnv(t)
	seg := map[string]string{"Content-Type": "application/json", "Authorization": "Basic d3JpdGUta2V5LTAxMjM0NTY3ODk6"}
	b := `{"batch":[{"type":"track","event":"a","userId":"usr-\ud83d","messageId":"m1"},` +
		`{"type":"track","event":"b","userId":"usr-\ude00","messageId":"m2"},` +
		`{"type":"track","event":"c","anonymousId":"sur-ok-1","messageId":"m3"}]}`
	w := e.do("POST", "/v1/batch", b, seg)
	var got struct {
		Success bool
		Refused []struct {
			Field string
			Index int
		}
	}
	if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil || w.Code != 200 || !got.Success ||
		len(got.Refused) != 2 || got.Refused[0].Field != "userId" || got.Refused[0].Index != 0 || got.Refused[1].Field != "userId" || got.Refused[1].Index != 1 {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	if evs, _ := e.log.Visitor(context.Background(), "u:usr-\ufffd"); len(evs) != 0 {
		t.Fatalf("stored under the merged id: %+v", evs)
	}
	if evs, _ := e.log.Visitor(context.Background(), "sur-ok-1"); len(evs) != 1 {
		t.Fatalf("the valid event: %+v", evs)
	}
	w = e.do("POST", "/v1/track", `{"event":"a","userId":"usr-\ud83d"}`, seg)
	if m := errBody(t, w); w.Code != 400 || m["field"] != "userId" {
		t.Fatalf("single call: %d %v", w.Code, m)
	}
}

// TestUnknownSiteKeepsTheRest: with sites restricted, an event of a site
// no longer listed (left in the tag's queue by a page of a site since
// removed from the config, or a page with a stray data-site) is refused on
// its own; the rest of the request (the page's own view, a form) is
// stored. The tag unqueues what a 4xx answered, so refusing the whole
// request lost them with it. The Segment batch keeps its valid events
// likewise; a request of unknown sites alone is refused as before.
func TestUnknownSiteKeepsTheRest(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.h.Sites = []string{"www"}
	sited := func(id, site string) string {
		return `{"type":"page_view","messageId":"` + id + `","anonymousId":"anon-fallback-1","site":"` + site + `","properties":{"url":"https://www.example.com/` + id + `"}}`
	}
	form := `{"type":"form_submit","messageId":"f1","anonymousId":"anon-fallback-1","site":"www","properties":{"url":"https://www.example.com/contact","fields":{"email":"sited@maker.example"}}}`
	w := e.do("POST", "/e", "["+sited("old1", "old")+","+sited("p1", "www")+","+body("p2")+","+sited("old2", "old")+","+form+"]", nil)
	var got struct {
		Accepted int
		Refused  []struct {
			Error, Field string
			Index        int
		}
	}
	if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil || w.Code != 200 || got.Accepted != 3 || len(got.Refused) != 2 ||
		got.Refused[0].Index != 0 || got.Refused[1].Index != 3 || got.Refused[0].Field != "site" || !strings.Contains(got.Refused[1].Error, "old") {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	evs, _ := e.log.Visitor(ctx, "anon-fallback-1")
	ids := []string{}
	for _, ev := range evs {
		ids = append(ids, ev.ID)
	}
	slices.Sort(ids)
	if !slices.Equal(ids, []string{"f1", "p1", "p2"}) {
		t.Fatalf("stored %v", ids)
	}
	if _, err := e.dir.ByEmail(ctx, "sited@maker.example"); err != nil {
		t.Fatalf("the form identified nobody: %v", err)
	}
	// Unknown sites alone: refused whole, as before.
	if w := e.do("POST", "/e", "["+sited("old3", "old")+"]", nil); w.Code != 400 || !strings.Contains(w.Body.String(), "unknown site old") {
		t.Fatalf("unknown sites alone: %d %s", w.Code, w.Body)
	}

	seg := map[string]string{"Content-Type": "application/json", "Authorization": "Basic d3JpdGUta2V5LTAxMjM0NTY3ODk6"}
	b := `{"batch":[` +
		`{"type":"track","event":"Old","anonymousId":"seg-s-1","messageId":"s-old","site":"old"},` + // 0: refused
		`{"type":"track","event":"Ok","anonymousId":"seg-s-1","messageId":"s-ok","site":"www"}]}`
	w = e.do("POST", "/v1/batch", b, seg)
	var sgot struct {
		Success bool
		Refused []struct {
			Field string
			Index int
		}
	}
	if err := json.Unmarshal(w.Body.Bytes(), &sgot); err != nil || w.Code != 200 || !sgot.Success || len(sgot.Refused) != 1 || sgot.Refused[0].Index != 0 || sgot.Refused[0].Field != "site" {
		t.Fatalf("segment batch: %d %s", w.Code, w.Body)
	}
	if evs, _ := e.log.Visitor(ctx, "seg-s-1"); len(evs) != 1 || evs[0].ID != "s-ok" {
		t.Fatalf("segment batch stored %+v", evs)
	}
}

// TestUserAgentStoredCut: the User-Agent header is stored with each event
// of the request, so uncut one request of many page views with a 60 KB
// header stored that much for each (a thousandfold the body). It is cut to
// event.MaxUserAgent, on a character boundary; Segment's context.userAgent
// too.
func TestUserAgentStoredCut(t *testing.T) {
	e := newEnv(t)
	long := "Mozilla/5.0 (Windows NT 10.0; Win64; x64) " + strings.Repeat("日本語", 20000)
	w := e.do("POST", "/e", "["+body("ua1")+","+body("ua2")+"]", map[string]string{"Cookie": "bt_vid=long-ua-visitor-1", "User-Agent": long, "Origin": "https://www.example.com"})
	if w.Code != 204 {
		t.Fatalf("status %d %s", w.Code, w.Body)
	}
	evs, err := e.log.Visitor(context.Background(), "long-ua-visitor-1")
	if err != nil || len(evs) != 2 {
		t.Fatalf("stored %d %v", len(evs), err)
	}
	for _, ev := range evs {
		if ua := ev.Client.UserAgent; len(ua) > event.MaxUserAgent || len(ua) < event.MaxUserAgent-3 || !utf8.ValidString(ua) || !strings.HasPrefix(long, ua) {
			t.Errorf("stored user agent of %d bytes (valid UTF-8 %v)", len(ua), utf8.ValidString(ua))
		}
	}
	hdr := map[string]string{"Content-Type": "application/json", "Authorization": "Basic d3JpdGUta2V5LTAxMjM0NTY3ODk6"}
	if w := e.do("POST", "/v1/track", `{"userId":"long-ua","event":"x","messageId":"ua3","context":{"userAgent":"`+long[:strings.Index(long, "日")+3*3000]+`"}}`, hdr); w.Code != 200 {
		t.Fatalf("track: %d %s", w.Code, w.Body)
	}
	evs, err = e.log.Visitor(context.Background(), "u:long-ua")
	if err != nil || len(evs) != 1 || len(evs[0].Client.UserAgent) > event.MaxUserAgent {
		t.Errorf("Segment's context.userAgent stored %d events %v", len(evs), err)
	}
}

// TestUndeliverableEmailIdentifiesNobody: a form whose address no mail
// reaches (an address literal, a host name with an underscore) is stored
// and identifies nobody, the answer says why, and it is remembered under
// the address, so that erasing the address finds it.
func TestUndeliverableEmailIdentifiesNobody(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	seg := map[string]string{"Content-Type": "application/json", "Authorization": "Basic d3JpdGUta2V5LTAxMjM0NTY3ODk6"}
	for i, addr := range []string{"dave@[127.0.0.1]", "dave@exa_mple.com"} {
		w := e.do("POST", "/v1/identify", `{"anonymousId":"undeliverable-1","messageId":"u`+strconv.Itoa(i)+`","traits":{"email":"`+addr+`","name":"Dave"}}`, seg)
		if w.Code != 200 || !strings.Contains(w.Body.String(), "can receive no mail") {
			t.Errorf("%s: %d %s", addr, w.Code, w.Body)
		}
		if _, err := e.dir.ByEmail(ctx, addr); !errors.Is(err, identity.ErrNotFound) {
			t.Errorf("%s made a person: %v", addr, err)
		}
	}
	if s := storedText(t, e); !strings.Contains(s, "EMAIL#dave@exa_mple.com") {
		t.Errorf("the event is not remembered under its address: %.400s", s)
	}
}

// An anchor link changes only the page's fragment, and the tag records each
// new location.href: a landing page's table of contents (#features, #price)
// and a "page top" link (#) were stored as views of the page, each scored.
// A hash route's change, a restore (the page its own referrer) and a page
// entered at a fragment are views.
func TestInPageJumpsAreNoPageViews(t *testing.T) {
	e := newEnv(t)
	view := func(id, url, ref string) string {
		return fmt.Sprintf(`{"type":"page_view","messageId":%q,"anonymousId":"anon-jumps-1","properties":{"url":%q,"referrer":%q}}`, id, url, ref)
	}
	const lp, app = "https://www.example.com/lp", "https://www.example.com/app"
	batch := "[" + strings.Join([]string{
		view("entered", lp+"#price", "https://www.google.com/"),
		view("toc", lp+"#features", lp+"#price"),
		view("top", lp+"#", lp+"#features"),
		view("back", lp, lp+"#"),
		view("restored", lp, lp),
		view("route", app+"#/pricing", app+"#/"),
		view("route-home", app, app+"#/pricing"),
	}, ",") + "]"
	w := e.do("POST", "/e", batch, map[string]string{"Content-Type": "text/plain", "Origin": "https://www.example.com"})
	if w.Code/100 != 2 {
		t.Fatalf("status %d %s", w.Code, w.Body)
	}
	evs, _ := e.log.Visitor(context.Background(), "anon-jumps-1")
	var ids []string
	for _, ev := range evs {
		ids = append(ids, ev.ID)
	}
	slices.Sort(ids)
	if got := strings.Join(ids, ","); got != "entered,restored,route,route-home" {
		t.Fatalf("stored %s, want the page entered at #price, the restore and the hash routes' views", got)
	}
	// A request of jumps alone is answered as stored: the tag unqueues it.
	w = e.do("POST", "/e", "["+view("toc2", lp+"#a", lp)+"]", map[string]string{"Content-Type": "text/plain", "Origin": "https://www.example.com"})
	if w.Code/100 != 2 {
		t.Fatalf("jumps alone: status %d %s", w.Code, w.Body)
	}
}

// TestFormWithACarrierAddressIdentifies: a visitor's form naming their
// docomo address of the old rules (a dot before the "@") was stored and
// identified nobody: the inquiry became no person, no lead.
func TestFormWithACarrierAddressIdentifies(t *testing.T) {
	e := newEnv(t)
	form := `{"type":"form_submit","messageId":"f1","anonymousId":"anon-carrier-1","properties":{"url":"https://www.example.com/contact","fields":{"email":"Taro.@docomo.ne.jp","company":"Acme"}}}`
	if w := e.do("POST", "/e", form, map[string]string{"Cookie": "bt_vid=anon-carrier-1"}); w.Code != 204 {
		t.Fatalf("status %d %s", w.Code, w.Body)
	}
	p, err := e.dir.ByEmail(context.Background(), "taro.@docomo.ne.jp")
	if err != nil || p.Attributes["company"] != "Acme" {
		t.Fatalf("person %+v %v", p, err)
	}
	if l, _ := e.dir.GetLink(context.Background(), "anon-carrier-1"); l.PersonAt(envNow()) != p.ID {
		t.Fatalf("link %+v, want the browser %s's", l, p.ID)
	}
}
