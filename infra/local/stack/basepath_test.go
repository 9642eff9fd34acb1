package stack_test

import (
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"github.com/baton-hq/baton/infra/local/stack"
	"github.com/baton-hq/baton/internal/admin"
	"github.com/baton-hq/baton/internal/clock"
)

// TestBasePath: with BATON_BASE_PATH every route answers under the prefix
// and nowhere else, the URLs Baton hands out carry it, its cookies are
// scoped to it, and its redirects stay under it.
func TestBasePath(t *testing.T) {
	clk := clock.NewManual(clock.Now())
	s := stack.ForTestClock(t, map[string]string{"BATON_BASE_PATH": "/_bt"}, clk.Now)
	origin := strings.TrimSuffix(s.URL, "/_bt")
	if origin == s.URL {
		t.Fatalf("stack URL %s does not end in the base path", s.URL)
	}
	noFollow := func(jar http.CookieJar) *http.Client {
		return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	send := func(c *http.Client, method, path, tok, ctype, body string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(method, origin+path, strings.NewReader(body))
		if tok != "" {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { resp.Body.Close() })
		return resp
	}
	body := func(resp *http.Response) string {
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	c := noFollow(nil)

	t.Run("RoutesUnderThePrefix", func(t *testing.T) {
		for _, r := range []struct {
			method, path, tok, body string
			want                    int
		}{
			{"GET", "/_bt/healthz", "", "", 200},
			{"GET", "/_bt/t.js", "", "", 200},
			{"GET", "/_bt/demo/", "", "", 200},
			{"GET", "/_bt/demo/contact.html", "", "", 200},
			{"POST", "/_bt/e", "", `{"type":"page_view","messageId":"bp-1","anonymousId":"prefixed-browser-1","properties":{"url":"https://www.example.com/"}}`, 204},
			{"POST", "/_bt/optin", "", "", 204},
			{"GET", "/_bt/admin/people?email=nobody@example.com", token, "", 404},
			{"GET", "/_bt/admin/people", "", "", 401},
			{"GET", "/_bt/admin/", token, "", 200},
			{"GET", "/_bt/admin/inbox", token, "", 200},
			{"GET", "/_bt/admin/reports/funnel", token, "", 200},
			{"GET", "/_bt/c/no-such-link/tok", "", "", 404},
			{"GET", "/_bt/o/nov-news/not-a-token.gif", "", "", 200},
			{"POST", "/_bt/feedback/webhook", "", "{}", 503}, // routed: refused for want of its secret (BATON_FEEDBACK_SECRET)
			// Outside the prefix nothing answers.
			{"GET", "/healthz", "", "", 404},
			{"GET", "/t.js", "", "", 404},
			{"POST", "/e", "", `{}`, 404},
			{"GET", "/admin/", token, "", 404},
			{"GET", "/demo/", "", "", 404},
			{"GET", "/_btx/healthz", "", "", 404},
		} {
			resp := send(c, r.method, r.path, r.tok, "text/plain", r.body)
			b := body(resp)
			if resp.StatusCode != r.want {
				t.Errorf("%s %s: %d %s, want %d", r.method, r.path, resp.StatusCode, b, r.want)
			}
			if resp.StatusCode == 404 && !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
				t.Errorf("%s %s: a 404 that is not JSON: %s", r.method, r.path, resp.Header.Get("Content-Type"))
			}
		}
		// The demo embeds the tag relatively, so it is the prefixed one.
		resp := send(c, "GET", "/_bt/demo/pricing.html", "", "", "")
		if b := body(resp); !strings.Contains(b, `src="../t.js"`) {
			t.Errorf("the demo page does not embed ../t.js: %s", b)
		}
		// The Segment-compatible API, with the write key.
		req, _ := http.NewRequest("POST", origin+"/_bt/v1/track", strings.NewReader(`{"userId":"u-1","event":"signed_up"}`))
		req.SetBasicAuth("test-write-key-0123456789", "")
		req.Header.Set("Content-Type", "application/json")
		r2, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		r2.Body.Close()
		if r2.StatusCode != 200 {
			t.Errorf("POST /_bt/v1/track: %d", r2.StatusCode)
		}
	})

	t.Run("RedirectsStayUnderThePrefix", func(t *testing.T) {
		for _, r := range []struct{ path, want string }{
			{"/_bt", "/_bt/"},
			{"/_bt/", "/_bt/demo/"},
			{"/_bt/demo", "/_bt/demo/"},
			{"/_bt/demo/index.html", "./"},     // FileServer's own, relative
			{"/_bt/admin", "/_bt/admin/"},      // ServeMux adds the slash
			{"/_bt/demo/../t.js", "/_bt/t.js"}, // ServeMux cleans the path
		} {
			req, _ := http.NewRequest("GET", origin+r.path, nil)
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode/100 != 3 || resp.Header.Get("Location") != r.want {
				t.Errorf("GET %s: %d to %q, want a redirect to %q", r.path, resp.StatusCode, resp.Header.Get("Location"), r.want)
			}
		}
	})

	t.Run("CookiesScopedToThePrefix", func(t *testing.T) {
		resp := send(c, "POST", "/_bt/e", "", "text/plain", `{"type":"page_view","messageId":"bp-2","anonymousId":"prefixed-browser-2","properties":{"url":"https://www.example.com/"}}`)
		if got := setCookie(resp, "bt_vid"); got == nil || got.Path != "/_bt" || got.Value != "prefixed-browser-2" {
			t.Fatalf("bt_vid %+v, want Path /_bt", got)
		}
		resp = send(c, "POST", "/_bt/optout", "", "", "")
		paths := map[string]bool{}
		for _, ck := range resp.Cookies() {
			if ck.Name == "bt_vid" && ck.MaxAge < 0 {
				paths[ck.Path] = true
			}
		}
		if !paths["/_bt"] || !paths["/"] {
			t.Errorf("opt-out removes bt_vid at %v, want /_bt and / (a cookie from before the prefix)", paths)
		}
		if got := setCookie(resp, "bt_optout"); got == nil || got.Path != "/_bt" || got.Value != "1" {
			t.Errorf("bt_optout %+v, want Path /_bt", got)
		}
		if got := setCookie(send(c, "POST", "/_bt/optin", "", "", ""), "bt_optout"); got == nil || got.Path != "/_bt" || got.MaxAge >= 0 {
			t.Errorf("opt-in: bt_optout %+v, want removed at Path /_bt", got)
		}
	})

	t.Run("AdminSignInUnderThePrefix", func(t *testing.T) {
		jar, _ := cookiejar.New(nil)
		cj := noFollow(jar)
		page, _ := http.NewRequest("GET", origin+"/_bt/admin/reports/funnel", nil)
		page.Header.Set("Accept", "text/html")
		resp, err := cj.Do(page)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "../login") {
			t.Fatalf("a browser at /_bt/admin/reports/funnel signed out: %d to %q, want a relative redirect to the sign-in page", resp.StatusCode, loc)
		}
		req, _ := http.NewRequest("POST", origin+"/_bt/admin/login", strings.NewReader(url.Values{"token": {token}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", origin)
		login, err := cj.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		login.Body.Close()
		if ck := setCookie(login, admin.SessionCookie); login.StatusCode != http.StatusSeeOther || ck == nil || ck.Path != "/_bt/admin" {
			t.Fatalf("sign-in: %d, session cookie %+v; want Path /_bt/admin", login.StatusCode, ck)
		}
		if resp := send(cj, "GET", "/_bt/admin/", "", "", ""); resp.StatusCode != 200 {
			t.Fatalf("the dashboard signed in: %d", resp.StatusCode)
		}
	})

	t.Run("NewsletterLinksCarryThePrefix", func(t *testing.T) {
		resp := send(c, "POST", "/_bt/admin/links", token, "application/json", `{"campaign":"bp-news","urls":["https://www.example.com/webinar"]}`)
		var lr struct{ Links []admin.LinkView }
		if b := body(resp); resp.StatusCode != 201 || json.Unmarshal([]byte(b), &lr) != nil || len(lr.Links) != 1 {
			t.Fatalf("POST /_bt/admin/links: %d %s", resp.StatusCode, b)
		}
		if want := s.URL + "/c/" + lr.Links[0].ID + "/{{baton_token}}"; lr.Links[0].Tracked != want || !strings.Contains(want, "/_bt/c/") {
			t.Fatalf("tracked %s, want %s", lr.Links[0].Tracked, want)
		}
		resp = send(c, "POST", "/_bt/admin/recipients?campaign=bp-news", token, "text/csv", "email\r\nprefixed@example.com\r\n")
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body(resp), "\xef\xbb\xbf"))).ReadAll()
		if err != nil || len(rows) != 2 || rows[1][1] == "" {
			t.Fatalf("recipients: %d %q %v", resp.StatusCode, rows, err)
		}
		jar, _ := cookiejar.New(nil)
		cj := noFollow(jar)
		click, err := cj.Get(strings.Replace(lr.Links[0].Tracked, "{{baton_token}}", rows[1][1], 1))
		if err != nil {
			t.Fatal(err)
		}
		click.Body.Close()
		if click.StatusCode != 302 || !strings.HasPrefix(click.Header.Get("Location"), "https://www.example.com/webinar") {
			t.Fatalf("click: %d %s", click.StatusCode, click.Header.Get("Location"))
		}
		if ck := setCookie(click, "bt_vid"); ck == nil || ck.Path != "/_bt" {
			t.Fatalf("click's bt_vid %+v, want Path /_bt", ck)
		}
		// Once the sweep judged the click's visit, the browser is the
		// recipient's: its page view under the prefix is theirs.
		judgeClicks(t, s, clk)
		pv, err := cj.Post(s.URL+"/e", "text/plain", strings.NewReader(`{"type":"page_view","messageId":"bp-after-click","properties":{"url":"https://www.example.com/webinar"}}`))
		if err != nil {
			t.Fatal(err)
		}
		pv.Body.Close()
		resp = send(c, "GET", "/_bt/admin/people?email=prefixed@example.com", token, "", "")
		var v admin.PersonView
		if b := body(resp); resp.StatusCode != 200 || json.Unmarshal([]byte(b), &v) != nil || len(v.Timeline) != 2 {
			t.Fatalf("person after click: %d %s", resp.StatusCode, b)
		}
		// Outside the prefix the browser does not send the cookie.
		u, _ := url.Parse(origin + "/")
		if cks := jar.Cookies(u); len(cks) != 0 {
			t.Errorf("the site's own pages get Baton's cookies: %v", cks)
		}
	})
}

// TestBasePathWithPublicURL: the configured public URL is the site's origin;
// the base path is added to it in the URLs Baton hands out.
func TestBasePathWithPublicURL(t *testing.T) {
	s := stack.ForTest(t, map[string]string{"BATON_BASE_PATH": "/tools/baton", "BATON_PUBLIC_URL": "https://www.example.com"})
	code, b := do(t, "POST", s.URL+"/admin/links", token, `{"campaign":"pub","urls":["https://www.example.com/a"]}`)
	var lr struct{ Links []admin.LinkView }
	if code != 201 || json.Unmarshal(b, &lr) != nil || len(lr.Links) != 1 {
		t.Fatalf("links: %d %s", code, b)
	}
	if want := "https://www.example.com/tools/baton/c/" + lr.Links[0].ID + "/{{baton_token}}"; lr.Links[0].Tracked != want {
		t.Fatalf("tracked %s, want %s", lr.Links[0].Tracked, want)
	}
}

func setCookie(resp *http.Response, name string) *http.Cookie {
	var found *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == name {
			found = ck
		}
	}
	return found
}
