package httpx

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestBaseURL(t *testing.T) {
	r := httptest.NewRequest("GET", "/admin/links", nil)
	r.Host = "abc123.execute-api.eu-west-1.amazonaws.com"
	if got := BaseURL("https://track.example.com/", r, Proxies{}); got != "https://track.example.com" {
		t.Errorf("configured: %q", got)
	}
	if got := BaseURL("", r, Proxies{}); got != "http://abc123.execute-api.eu-west-1.amazonaws.com" {
		t.Errorf("plain request: %q", got)
	}
	// The client's own X-Forwarded-Proto does not make its links https.
	r.Header.Set("X-Forwarded-Proto", "https")
	if got := BaseURL("", r, Proxies{}); got != "http://abc123.execute-api.eu-west-1.amazonaws.com" {
		t.Errorf("client's own X-Forwarded-Proto: %q", got)
	}
	if got := BaseURL("", MarkHTTPS(r), Proxies{}); got != "https://abc123.execute-api.eu-west-1.amazonaws.com" {
		t.Errorf("behind API Gateway: %q", got)
	}
	r.Header.Set("X-Forwarded-For", "203.0.113.7")
	if got := BaseURL("", r, Proxies{Hops: 1}); got != "https://abc123.execute-api.eu-west-1.amazonaws.com" {
		t.Errorf("behind a trusted proxy: %q", got)
	}
}

func TestRoutesAnswerJSONForUnknownRoutes(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /e", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) })
	mux.HandleFunc("GET /p/{id}", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, r.PathValue("id")) })
	h := Routes(mux)
	for _, c := range []struct {
		method, path string
		code         int
		allow, body  string
	}{
		{"GET", "/e", 405, "POST", `"error":"GET is not allowed here"`},
		{"GET", "/nowhere", 404, "", `"error":"no such route"`},
		{"POST", "/e", 204, "", ""},
		{"GET", "/p/42", 200, "", "42"},
	} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(c.method, c.path, nil))
		if w.Code != c.code || w.Header().Get("Allow") != c.allow || !strings.Contains(w.Body.String(), c.body) {
			t.Errorf("%s %s: %d allow %q body %q", c.method, c.path, w.Code, w.Header().Get("Allow"), w.Body.String())
		}
		if c.code >= 400 && !strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") {
			t.Errorf("%s %s: content type %q", c.method, c.path, w.Header().Get("Content-Type"))
		}
	}
}

// TestRoutesRedirectsSayWhere: the redirects the mux makes itself (a path
// not in clean form, a directory's missing slash) and RedirectHandler
// routes keep their status and Location; an API client gets a JSON body
// saying why and where, a browser asking for a page the usual link; under
// a base path both show the address the client sees.
func TestRoutesRedirectsSayWhere(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /e", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) })
	mux.HandleFunc("GET /admin/", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "home") })
	mux.HandleFunc("GET /admin/people", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "people") })
	mux.Handle("GET /demo", http.RedirectHandler("/demo/", http.StatusFound))
	mux.Handle("GET /{$}", http.RedirectHandler("/demo/", http.StatusFound))
	for _, c := range []struct {
		base, method, path, accept string
		code                       int
		location, why              string // why: "" for the HTML link
	}{
		{"", "POST", "//e", "", 307, "/e", "the path //e is not in clean form (an empty, . or .. segment): the route is /e"},
		{"", "POST", "/./e?x=1", "application/json", 307, "/e?x=1", "the path /./e is not in clean form (an empty, . or .. segment): the route is /e?x=1"},
		{"", "GET", "/admin/people/../", "", 307, "/admin/", "the path /admin/people/../ is not in clean form (an empty, . or .. segment): the route is /admin/"},
		{"", "GET", "/admin//people", "*/*", 307, "/admin/people", "the path /admin//people is not in clean form (an empty, . or .. segment): the route is /admin/people"},
		{"", "GET", "/admin", "", 307, "/admin/", "/admin is a directory: the route is /admin/, with the slash"},
		{"", "GET", "/demo", "", 302, "/demo/", "/demo is a directory: the route is /demo/, with the slash"},
		{"", "GET", "/", "", 302, "/demo/", "/ has moved to /demo/"},
		{"", "GET", "/admin/people/../", "text/html,application/xhtml+xml", 307, "/admin/", ""},
		{"", "GET", "/demo", "text/html", 302, "/demo/", ""},
		{"/_bt", "POST", "/_bt//e", "", 307, "/_bt/e", "the path /_bt//e is not in clean form (an empty, . or .. segment): the route is /_bt/e"},
		{"/_bt", "GET", "/_bt/admin", "", 307, "/_bt/admin/", "/_bt/admin is a directory: the route is /_bt/admin/, with the slash"},
		{"/_bt", "GET", "/_bt/admin", "text/html", 307, "/_bt/admin/", ""},
		{"/_bt", "GET", "/_bt?x=1", "", 301, "/_bt/?x=1", "/_bt is a directory: the route is /_bt/?x=1, with the slash"},
		{"/_bt", "GET", "/_bt", "text/html", 301, "/_bt/", ""},
	} {
		h := Under(c.base, Routes(mux))
		req := httptest.NewRequest(c.method, c.path, nil)
		if c.accept != "" {
			req.Header.Set("Accept", c.accept)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		name := c.method + " " + c.path + " (" + c.accept + ")"
		if w.Code != c.code || w.Header().Get("Location") != c.location {
			t.Errorf("%s: %d Location %q, want %d %q", name, w.Code, w.Header().Get("Location"), c.code, c.location)
		}
		if c.why == "" {
			if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/html") || w.Body.String() != `<a href="`+c.location+`">`+http.StatusText(c.code)+"</a>.\n" {
				t.Errorf("%s: %s %q, want the HTML link", name, ct, w.Body.String())
			}
			continue
		}
		var body RedirectBody
		if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") || json.Unmarshal(w.Body.Bytes(), &body) != nil {
			t.Errorf("%s: %s %q, want JSON", name, ct, w.Body.String())
		}
		if body.Error != c.why || body.Location != c.location {
			t.Errorf("%s: %+v, want %q at %q", name, body, c.why, c.location)
		}
	}
}

func TestClientIPReadsForwardedForFromTheRight(t *testing.T) {
	req := func(peer string, xff ...string) *http.Request {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = peer
		for _, x := range xff {
			r.Header.Add("X-Forwarded-For", x)
		}
		return r
	}
	mustProxies := func(v string) Proxies {
		p, err := ParseProxies(v)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, c := range []struct {
		trust, peer string
		xff         []string
		want        string
	}{
		{"", "198.51.100.1:5", []string{"203.0.113.9"}, "198.51.100.1"},                         // no proxy trusted
		{"1", "10.0.0.2:5", []string{"6.6.6.6, 203.0.113.9"}, "203.0.113.9"},                    // the client's own entry is ignored
		{"true", "10.0.0.2:5", []string{"6.6.6.6", "203.0.113.9"}, "203.0.113.9"},               // several header lines
		{"2", "10.0.0.3:5", []string{"6.6.6.6, 203.0.113.9, 10.0.0.2"}, "203.0.113.9"},          // two proxies
		{"2", "198.51.100.1:5", []string{"203.0.113.9"}, "198.51.100.1"},                        // bypassed a proxy: the peer
		{"1", "10.0.0.2:5", []string{"not-an-ip"}, "10.0.0.2"},                                  // garbage: the peer
		{"10.0.0.0/8", "10.0.0.2:5", []string{"6.6.6.6, 203.0.113.9, 10.1.1.1"}, "203.0.113.9"}, // trusted CIDRs skipped
		{"10.0.0.0/8", "198.51.100.1:5", []string{"6.6.6.6"}, "198.51.100.1"},                   // untrusted peer: XFF ignored
		{"10.0.0.0/8, 192.0.2.7", "192.0.2.7:5", []string{"::ffff:203.0.113.9"}, "203.0.113.9"}, // v4-mapped unmapped
	} {
		if got := ClientIP(req(c.peer, c.xff...), mustProxies(c.trust)).String(); got != c.want {
			t.Errorf("trust %q peer %s xff %q: %s, want %s", c.trust, c.peer, c.xff, got, c.want)
		}
	}
	for _, bad := range []string{"-1", "11", "proxy.example", "10.0.0.0/33"} {
		if _, err := ParseProxies(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// TestUnder: under a base path, routes answer with the prefix only, see
// their paths without it, learn it from BasePath (and BaseURL), and their
// absolute-path redirects get it back.
func TestUnder(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /p/{id}", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, r.URL.Path+" "+r.PathValue("id")+" "+BasePath(r)+" "+BaseURL("", r, Proxies{})+" "+BaseURL("https://www.example.com", r, Proxies{}))
	})
	mux.Handle("GET /{$}", http.RedirectHandler("/p/home", http.StatusFound))
	mux.Handle("GET /away", http.RedirectHandler("https://elsewhere.example/x", http.StatusFound))
	mux.Handle("GET /dir/", http.NotFoundHandler())
	h := Under("/_bt", Routes(mux))
	for _, c := range []struct {
		path     string
		code     int
		body     string
		location string
	}{
		{"/_bt/p/42", 200, "/p/42 42 /_bt http://example.com/_bt https://www.example.com/_bt", ""},
		{"/_bt/", 302, "", "/_bt/p/home"},
		{"/_bt", 301, "", "/_bt/"},
		{"/_bt?x=1", 301, "", "/_bt/?x=1"},
		{"/_bt/dir", 3, "", "/_bt/dir/"},     // ServeMux adds the slash
		{"/_bt/p/../p/7", 3, "", "/_bt/p/7"}, // ServeMux cleans the path
		{"/_bt//p/7", 3, "", "/_bt/p/7"},     // a protocol-relative redirect stays a path
		{"/_bt/away", 302, "", "https://elsewhere.example/x"},
		{"/p/42", 404, `"error":"no such route"`, ""},
		{"/_btx/p/42", 404, `"error":"no such route"`, ""},
		{"/", 404, `"error":"no such route"`, ""},
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", c.path, nil))
		code := rec.Code
		if c.code == 3 { // ServeMux's own redirect; its status has changed between Go releases
			code = code / 100
		}
		if code != c.code || !strings.Contains(rec.Body.String(), c.body) || rec.Header().Get("Location") != c.location {
			t.Errorf("GET %s: %d %q Location %q; want %d %q Location %q", c.path, rec.Code, rec.Body.String(), rec.Header().Get("Location"), c.code, c.body, c.location)
		}
	}
	// No base path: the handler itself, BasePath empty.
	root := Under("", Routes(mux))
	rec := httptest.NewRecorder()
	root.ServeHTTP(rec, httptest.NewRequest("GET", "/p/1", nil))
	if rec.Body.String() != "/p/1 1  http://example.com https://www.example.com" {
		t.Errorf("at the root: %q", rec.Body.String())
	}
}

func TestReadBody(t *testing.T) {
	const limit = 64
	for _, c := range []struct {
		name     string
		body     string
		declared int64 // -1: unknown (chunked)
		status   int   // 0: read
		limit    int64 // 0: limit
	}{
		{"declared", strings.Repeat("a", 40), 40, 0, 0},
		{"at the limit", strings.Repeat("b", limit), limit, 0, 0},
		{"empty", "", 0, 0, 0},
		{"chunked", strings.Repeat("c", 50), -1, 0, 0},
		{"chunked over the limit", strings.Repeat("d", limit+1), -1, http.StatusRequestEntityTooLarge, 0},
		{"declared over the limit", strings.Repeat("e", limit+1), limit + 1, http.StatusRequestEntityTooLarge, 0},
		{"longer than declared", strings.Repeat("f", 30), 20, 0, 0},
		{"longer than declared, over the limit", strings.Repeat("g", limit+5), 10, http.StatusRequestEntityTooLarge, 0},
		{"past the first allocation", strings.Repeat("h", 70<<10), 70 << 10, 0, 1 << 20},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/e", strings.NewReader(c.body))
			r.ContentLength = c.declared
			lim := c.limit
			if lim == 0 {
				lim = limit
			}
			got, status, err := ReadBody(httptest.NewRecorder(), r, lim)
			if status != c.status {
				t.Fatalf("status %d (%v), want %d", status, err, c.status)
			}
			if c.status == 0 && string(got) != c.body {
				t.Fatalf("read %q, want %q", got, c.body)
			}
		})
	}
}

// A query the mux copies into its redirect may hold bytes a URL cannot
// carry raw (invalid UTF-8 here, which JSON cannot hold either): the
// Location percent-encodes them, and the JSON body names that same address.
func TestRedirectEscapesRawBytes(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /admin/", func(w http.ResponseWriter, r *http.Request) {})
	for _, base := range []string{"", "/_bt"} {
		r := httptest.NewRequest("GET", "/x", nil)
		r.URL.Path, r.URL.RawQuery, r.RequestURI = base, "q=\xff a", base+"?q=\xff a"
		if base == "" {
			r.URL.Path, r.RequestURI = "/admin", "/admin?q=\xff a"
		}
		w := httptest.NewRecorder()
		Under(base, Routes(mux)).ServeHTTP(w, r)
		var b RedirectBody
		if err := json.Unmarshal(w.Body.Bytes(), &b); err != nil {
			t.Fatalf("%q: %d %q", base, w.Code, w.Body.String())
		}
		loc := w.Header().Get("Location")
		if !strings.HasSuffix(strings.ToUpper(loc), "/?Q=%FF%20A") || b.Location != loc {
			t.Errorf("%q: Location %q, body location %q", base, loc, b.Location)
		}
	}
}

// TestAcceptLanguageRefusedByQZero: q=0 says a language is not acceptable
// (RFC 9110 12.4.2), but "fr-FR, ja;q=0" was answered in Japanese, the
// only language of the two it named; Q= is q= (parameter names are case
// insensitive).
func TestAcceptLanguageRefusedByQZero(t *testing.T) {
	for h, want := range map[string]string{
		"fr-FR, ja;q=0":         "en",
		"ja;q=0.000":            "en",
		"ja;q=0, en;q=0":        "en",
		"en;Q=0.1, ja;Q=0.5":    "ja",
		"ja;Q=0, fr":            "en",
		"ja-JP,ja;q=0.9,en;q=0": "ja",
	} {
		if got := AcceptLanguage(h); got != want {
			t.Errorf("%q: %s, want %s", h, got, want)
		}
	}
}

// TestAcceptLanguageOr: a header naming neither language, or none, gets
// the fallback; one that names either gets it by q, and a fallback refused
// (q=0) gives the other.
func TestAcceptLanguageOr(t *testing.T) {
	for _, c := range []struct{ h, fallback, want string }{
		{"", "ja", "ja"},
		{"", "en", "en"},
		{"fr-FR, de;q=0.5", "ja", "ja"},
		{"en", "ja", "en"},
		{"en;q=0.9, ja;q=0.8", "ja", "en"},
		{"ja;q=0.8, en;q=0.9", "ja", "en"},
		{"ja-JP,ja;q=0.9,en;q=0.8", "en", "ja"},
		{"fr, ja;q=0", "ja", "en"},
		{"fr, en;q=0", "en", "ja"},
		{"ja;q=0, en;q=0", "ja", "ja"},
		{"en;q=0, ja;q=0.1", "ja", "ja"},
	} {
		if got := AcceptLanguageOr(c.h, c.fallback); got != c.want {
			t.Errorf("%q or %s: %s, want %s", c.h, c.fallback, got, c.want)
		}
	}
}
