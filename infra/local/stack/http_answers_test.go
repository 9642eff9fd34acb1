package stack_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/baton-hq/baton/infra/local/stack"
	"github.com/baton-hq/baton/internal/httpx"
)

// rawRequest writes head (and body) to the stack byte for byte, as no Go
// client would (a head of an exact size, a path not in clean form), and
// reads the answer. The write runs beside the read: past net/http's own
// bound the server answers and closes before it has read everything.
func rawRequest(t *testing.T, s *stack.Stack, head, body string) (*http.Response, string) {
	t.Helper()
	u, _ := url.Parse(s.URL)
	c, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	go io.WriteString(c, head+body)
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("%.60q: %v", head, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// TestOversizedHeadIsJSON: a request whose line and headers pass 64 KiB is
// answered 431 with the JSON error body, naming the limit and the largest
// part (the URL, a header), not net/http's text/plain; the bound counts the
// bytes the client sent (a head of exactly 64 KiB is served, one byte more
// is not); a page's oversized POST /e is readable to the page (CORS), as
// the collector's own refusals are. Past the ceiling the server sets
// net/http's MaxHeaderBytes to, net/http still refuses on its own.
func TestOversizedHeadIsJSON(t *testing.T) {
	s := stack.ForTest(t, nil)
	u, _ := url.Parse(s.URL)
	const limit = 64 << 10
	// A head of exactly size bytes: the request line, Host, X-Pad filled
	// to measure, and the blank line.
	sized := func(method, target string, size int, extra string) string {
		fixed := method + " " + target + " HTTP/1.1\r\nHost: " + u.Host + "\r\n" + extra + "X-Pad: \r\n\r\n"
		return method + " " + target + " HTTP/1.1\r\nHost: " + u.Host + "\r\n" + extra + "X-Pad: " + strings.Repeat("p", size-len(fixed)) + "\r\n\r\n"
	}
	refused := func(t *testing.T, resp *http.Response, body, part string) {
		t.Helper()
		var e httpx.ErrorBody
		if resp.StatusCode != 431 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") || json.Unmarshal([]byte(body), &e) != nil {
			t.Fatalf("%d %s %.200q, want a JSON 431", resp.StatusCode, resp.Header.Get("Content-Type"), body)
		}
		if !strings.Contains(e.Error, fmt.Sprintf("over the limit of %d", limit)) || !strings.Contains(e.Error, "the largest part is "+part) {
			t.Errorf("error %q: does not name the limit and %s", e.Error, part)
		}
	}

	t.Run("AtTheLimit", func(t *testing.T) {
		resp, body := rawRequest(t, s, sized("GET", "/healthz", limit, ""), "")
		if resp.StatusCode != 200 {
			t.Fatalf("a head of exactly %d bytes: %d %.200q", limit, resp.StatusCode, body)
		}
	})
	t.Run("OneByteOver", func(t *testing.T) {
		resp, body := rawRequest(t, s, sized("GET", "/healthz", limit+1, ""), "")
		refused(t, resp, body, "header X-Pad")
	})
	t.Run("LongURL", func(t *testing.T) {
		resp, body := rawRequest(t, s, "GET /admin/mqls?q="+strings.Repeat("u", 100<<10)+" HTTP/1.1\r\nHost: "+u.Host+"\r\nAuthorization: Bearer "+token+"\r\n\r\n", "")
		refused(t, resp, body, "the URL")
	})
	t.Run("CookieJar", func(t *testing.T) {
		var jar []string
		for i := range 40 {
			jar = append(jar, fmt.Sprintf("c%d=%s", i, strings.Repeat("v", 4000)))
		}
		resp, body := rawRequest(t, s, "GET /admin/people HTTP/1.1\r\nHost: "+u.Host+"\r\nAccept: text/html\r\nCookie: "+strings.Join(jar, "; ")+"\r\n\r\n", "")
		refused(t, resp, body, "header Cookie")
	})
	t.Run("PageCanReadIt", func(t *testing.T) {
		ev := `{"type":"page_view","messageId":"big-head-1","anonymousId":"big-head-browser","properties":{"url":"https://www.example.com/"}}`
		origin := "Origin: http://" + u.Host + "\r\nContent-Type: text/plain\r\n" + fmt.Sprintf("Content-Length: %d\r\n", len(ev))
		resp, body := rawRequest(t, s, sized("POST", "/e", limit+100, origin), ev)
		refused(t, resp, body, "header X-Pad")
		if resp.Header.Get("Access-Control-Allow-Origin") != "http://"+u.Host {
			t.Errorf("a page's POST /e refused without CORS headers: %v", resp.Header)
		}
	})
	t.Run("PastTheCeiling", func(t *testing.T) {
		// Memory stays bounded: past the 256 KiB ceiling (and net/http's
		// 4 KiB of slack) net/http refuses before any handler, in its own
		// text (see stack.go).
		resp, body := rawRequest(t, s, sized("GET", "/healthz", 300<<10, ""), "")
		if resp.StatusCode != 431 {
			t.Fatalf("a 300 KiB head: %d %.200q", resp.StatusCode, body)
		}
	})
}

// TestMuxAnswersAreJSON: what the router answers itself (a path not in
// clean form, a directory's missing slash, an unknown route, a wrong
// method) is JSON to API clients, on the collector's and the admin API's
// paths, at the root and under a base path: a redirect keeps its status
// and Location (a client that follows still arrives) with a body saying
// where the route is. A browser asking for a page gets the usual link.
func TestMuxAnswersAreJSON(t *testing.T) {
	ev := `{"type":"page_view","messageId":"mux-%d","anonymousId":"mux-browser-1","properties":{"url":"https://www.example.com/"}}`
	for _, base := range []string{"", "/_bt"} {
		t.Run("base="+base, func(t *testing.T) {
			env := map[string]string{}
			if base != "" {
				env["BATON_BASE_PATH"] = base
			}
			s := stack.ForTest(t, env)
			u, _ := url.Parse(s.URL)
			for i, c := range []struct {
				method, path, accept string
				code                 int
				location, why        string // why: a part of the error; "" for the HTML link
			}{
				{"POST", "//e", "", 307, "/e", "the path " + base + "//e is not in clean form"},
				{"POST", "/v1//track", "application/json", 307, "/v1/track", "not in clean form"},
				{"GET", "/admin/people/../", "application/json", 307, "/admin/", "the path " + base + "/admin/people/../ is not in clean form"},
				{"GET", "/admin//people?email=x@example.com", "", 307, "/admin/people?email=x@example.com", "not in clean form"},
				{"GET", "/admin", "application/json", 307, "/admin/", base + "/admin is a directory"},
				{"GET", "/admin/people/../", "text/html,application/xhtml+xml", 307, "/admin/", ""},
				{"GET", "/e", "", 405, "", "GET is not allowed here"},
				{"DELETE", "/v1/batch", "", 405, "", "DELETE is not allowed here"},
				{"GET", "/v1/nothing", "", 405, "", "GET is not allowed here"},
				{"GET", "/admin/nothing", "application/json", 404, "", "no such route"},
			} {
				body := ""
				if c.method == "POST" {
					body = fmt.Sprintf(ev, i)
				}
				head := c.method + " " + base + c.path + " HTTP/1.1\r\nHost: " + u.Host + "\r\nAuthorization: Bearer " + token + "\r\n" + fmt.Sprintf("Content-Type: text/plain\r\nContent-Length: %d\r\n", len(body))
				if c.accept != "" {
					head += "Accept: " + c.accept + "\r\n"
				}
				resp, got := rawRequest(t, s, head+"\r\n", body)
				name := c.method + " " + base + c.path + " (" + c.accept + ")"
				loc := ""
				if c.location != "" {
					loc = base + c.location
				}
				if resp.StatusCode != c.code || resp.Header.Get("Location") != loc {
					t.Errorf("%s: %d Location %q, want %d %q", name, resp.StatusCode, resp.Header.Get("Location"), c.code, loc)
					continue
				}
				if c.why == "" {
					if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || !strings.Contains(got, `href="`+loc+`"`) {
						t.Errorf("%s: %s %q, want the HTML link", name, resp.Header.Get("Content-Type"), got)
					}
					continue
				}
				var e httpx.RedirectBody
				if !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") || json.Unmarshal([]byte(got), &e) != nil || !strings.Contains(e.Error, c.why) || e.Location != loc {
					t.Errorf("%s: %s %q, want JSON saying %q (location %q)", name, resp.Header.Get("Content-Type"), got, c.why, loc)
				}
			}
			// A client that follows redirects still arrives: the event is taken.
			resp, err := http.Post(strings.TrimSuffix(s.URL, base)+base+"//e", "text/plain", strings.NewReader(fmt.Sprintf(ev, 99)))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 204 {
				t.Errorf("POST //e, following the redirect: %d", resp.StatusCode)
			}
		})
	}
}

// TestPersonByEmailInABrowserKeepsFilters: /admin/people?email= in a
// browser sends it to the person's page only when the email is all it
// asks; with other filters (stage, grade), for an email no one holds, or
// for one that is not an email, to the search page for it with every
// filter kept (it dropped them, and refused a bad email in JSON); an
// email given twice is the search page's 400, as the API's.
func TestPersonByEmailInABrowserKeepsFilters(t *testing.T) {
	s := stack.ForTest(t, nil)
	resp, err := http.Post(s.URL+"/e", "text/plain", strings.NewReader(`{"type":"form_submit","messageId":"kf-1","anonymousId":"kf-browser","properties":{"url":"https://www.example.com/contact","fields":{"email":"kept@example.com","company":"Acme"}}}`))
	if err != nil || resp.StatusCode != 204 {
		t.Fatalf("form: %v %v", err, resp)
	}
	resp.Body.Close()
	settle(t, s)
	_, b := admin_(t, s, "/admin/people?email=kept@example.com", token)
	var v struct{ Person struct{ ID string } }
	if json.Unmarshal(b, &v) != nil || v.Person.ID == "" {
		t.Fatalf("person: %s", b)
	}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, c := range []struct {
		query string
		code  int
		to    string // Location, relative to /admin/people
	}{
		{"email=kept@example.com", 303, "people/" + v.Person.ID},
		{"email=Kept@Example.com&lang=ja", 303, "people/" + v.Person.ID + "?lang=ja"},
		{"email=kept@example.com&stage=customer", 303, "people?q=kept%40example.com&stage=customer"},
		{"email=nobody@example.com&stage=lead&grade=A", 303, "people?grade=A&q=nobody%40example.com&stage=lead"},
		{"email=not-an-email&stage=lead", 303, "people?q=not-an-email&stage=lead"},
		{"email=kept@example.com&q=other&lang=ja", 303, "people?lang=ja&q=kept%40example.com"},
		{"email=kept@example.com&email=other@example.com", 400, ""},
	} {
		req, _ := http.NewRequest("GET", s.URL+"/admin/people?"+c.query, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Accept", "text/html")
		resp, err := noFollow.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != c.code || resp.Header.Get("Location") != c.to {
			t.Errorf("?%s: %d Location %q, want %d %q", c.query, resp.StatusCode, resp.Header.Get("Location"), c.code, c.to)
		}
		if c.code == 400 && (!strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || !strings.Contains(string(b), "email is given 2 times")) {
			t.Errorf("?%s: %s, want the search page saying email is given twice", c.query, resp.Header.Get("Content-Type"))
		}
	}
	// The search the filters lead to applies them: the person's own stage
	// shows them, another stage does not.
	for _, c := range []struct {
		query string
		shown bool
	}{
		{"q=kept%40example.com&stage=customer", false},
		{"q=kept%40example.com", true},
	} {
		code, page := workspacePage(t, s, "/admin/people?"+c.query, "")
		if code != 200 || strings.Contains(page, "kept@example.com</a>") != c.shown {
			t.Errorf("?%s: %d, person shown %v, want %v", c.query, code, !c.shown, c.shown)
		}
	}
}

// TestDemoMissingPageIsJSON: a page the demo site does not have, and its
// files folder (a directory, which net/http's file server listed), are
// answered 404 with the JSON error body like every other route's, not
// the file server's text/plain "404 page not found"; its pages still load.
func TestDemoMissingPageIsJSON(t *testing.T) {
	s := stack.ForTest(t, nil)
	for _, p := range []string{"/demo/nonexistent.html", "/demo/files/", "/demo/files", "/demo/x/"} {
		resp, err := http.Get(s.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var e httpx.ErrorBody
		if resp.StatusCode != 404 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") || json.Unmarshal(b, &e) != nil || e.Error == "" {
			t.Errorf("GET %s: %d %s %q", p, resp.StatusCode, resp.Header.Get("Content-Type"), b)
		}
	}
	for _, p := range []string{"/demo/", "/demo/pricing.html", "/demo/files/whitepaper.pdf"} {
		resp, err := http.Get(s.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("GET %s: %d", p, resp.StatusCode)
		}
	}
}
