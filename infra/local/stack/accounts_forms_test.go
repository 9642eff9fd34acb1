package stack_test

import (
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/baton-hq/baton/infra/local/stack"
	"github.com/baton-hq/baton/internal/account"
)

// TestAccountFormsSayWhatIsWrong: the account page's forms, sent by a
// signed-in browser, answer with the page and what is wrong (never JSON):
// no CSRF token, an account gone, nobody chosen, everybody chosen; a
// bearer client may not send them as forms; an unknown account is a page.
func TestAccountFormsSayWhatIsWrong(t *testing.T) {
	s := stack.ForTest(t, nil)
	for _, p := range [][2]string{{"v-af-1", "a@forms-kaisha.example"}, {"v-af-2", "b@forms-kaisha.example"}} {
		body := `{"type":"form_submit","messageId":"` + p[0] + `-f","anonymousId":"` + p[0] + `","properties":{"url":"https://www.example.com/contact","form":{"id":"contact"},"fields":{"email":"` + p[1] + `","company":"フォーム株式会社","title":"部長"}}}`
		resp, err := http.Post(s.URL+"/e", "text/plain", strings.NewReader(body))
		if err != nil || resp.StatusCode != 204 {
			t.Fatalf("form: %v %v", err, resp)
		}
		resp.Body.Close()
	}
	settle(t, s)
	a, err := s.App.Accounts.List(t.Context(), account.ByScore, 0)
	if err != nil || len(a) != 1 || len(a[0].Members) != 2 {
		t.Fatalf("accounts: %+v %v", a, err)
	}
	id := a[0].ID

	send, cookie := formSession(t, s)
	code, page, _ := send("GET", "/admin/accounts/"+id, "", "Cookie", cookie, "Accept", "text/html")
	m := regexp.MustCompile(`action="../accounts/` + id + `/merge"><input type="hidden" name="csrf" value="([^"]+)"`).FindStringSubmatch(page)
	if code != 200 || m == nil {
		t.Fatalf("account page: %d %s", code, page)
	}
	csrf := m[1]
	form := func(path string, v url.Values) (int, string) {
		t.Helper()
		code, body, hdr := send("POST", path, v.Encode(), "Cookie", cookie, "Accept", "text/html", "Content-Type", "application/x-www-form-urlencoded")
		if !strings.HasPrefix(hdr.Get("Content-Type"), "text/html") {
			t.Errorf("%s answered %s, not a page: %s", path, hdr.Get("Content-Type"), body)
		}
		return code, body
	}
	for _, c := range []struct {
		path string
		v    url.Values
		code int
		want string
	}{
		{"/admin/accounts/" + id + "/merge", url.Values{"from": {"a0000000000000000"}}, 403, "CSRF"},
		{"/admin/accounts/" + id + "/merge", url.Values{"csrf": {csrf}, "from": {""}}, 400, "Choose the account to merge"},
		{"/admin/accounts/" + id + "/merge", url.Values{"csrf": {csrf}, "from": {"a0000000000000000"}}, 404, "No such account."},
		{"/admin/accounts/" + id + "/merge", url.Values{"csrf": {csrf}, "from": {id}}, 409, "cannot be merged into itself"},
		{"/admin/accounts/" + id + "/split", url.Values{"csrf": {csrf}, "name": {"x"}}, 400, "Choose the people"},
		{"/admin/accounts/" + id + "/split", url.Values{"csrf": {csrf}, "people": {a[0].Members[0].Person, a[0].Members[1].Person}}, 400, "leaves at least one"},
		{"/admin/accounts/" + id + "/split", url.Values{"csrf": {csrf}, "people": {a[0].Members[0].Person}, "name": {strings.Repeat("名", 201)}}, 400, "at most 200 characters"},
	} {
		code, body := form(c.path, c.v)
		if code != c.code || !strings.Contains(body, `role="alert"`) || !strings.Contains(body, c.want) {
			t.Errorf("%s %v: %d, want %d saying %q: %.2000s", c.path, c.v, code, c.code, c.want, body)
		}
		if c.code != 403 && !strings.Contains(body, `href="../../accounts/`+id+`?lang=ja"`) {
			t.Errorf("%s: the language switch does not lead to the account's page", c.path)
		}
	}
	if got, _ := s.App.Accounts.Get(t.Context(), id); len(got.Members) != 2 {
		t.Fatalf("a refused form changed the account: %+v", got)
	}
	// 200 characters, as the form's maxlength lets a browser send them: a
	// Japanese name is 600 bytes, refused at 200 bytes before.
	long := strings.Repeat("名", 200)
	if code, body, _ := send("POST", "/admin/accounts/"+id+"/split", url.Values{"csrf": {csrf}, "people": {a[0].Members[0].Person}, "name": {long}}.Encode(), "Cookie", cookie, "Accept", "text/html", "Content-Type", "application/x-www-form-urlencoded"); code != 303 {
		t.Fatalf("a 200-character name: %d %.1000s", code, body)
	}
	if all, err := s.App.Accounts.List(t.Context(), account.ByScore, 0); err != nil || !slices.ContainsFunc(all, func(x account.Account) bool { return x.Name == long }) {
		t.Errorf("no account named with the 200 characters: %v", err)
	}
	// A bearer client sends JSON: a form body is what a cross-site page
	// could send, so it is refused.
	code, body, _ := send("POST", "/admin/accounts/"+id+"/merge", "from=a0000000000000000", "Authorization", "Bearer "+token, "Content-Type", "application/x-www-form-urlencoded")
	if code != 415 || !strings.Contains(body, "application/json") {
		t.Errorf("bearer form: %d %s", code, body)
	}
	code, body, _ = send("GET", "/admin/accounts/a0000000000000000", "", "Cookie", cookie, "Accept", "text/html")
	if code != 404 || !strings.Contains(body, `role="alert"`) || !strings.Contains(body, "No such account.") {
		t.Errorf("unknown account page: %d %s", code, body)
	}
}

// formSession signs in through the sign-in form, as a browser does, and
// returns a sender that does not follow redirects (a form's 303 is the
// answer to check) and the session's cookie.
func formSession(t *testing.T, s *stack.Stack) (send func(method, path, body string, hdr ...string) (int, string, http.Header), cookie string) {
	t.Helper()
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	send = func(method, path, body string, hdr ...string) (int, string, http.Header) {
		t.Helper()
		req, _ := http.NewRequest(method, s.URL+path, strings.NewReader(body))
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		resp, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b), resp.Header
	}
	code, _, hdr := send("POST", "/admin/login", url.Values{"token": {token}}.Encode(), "Content-Type", "application/x-www-form-urlencoded")
	for _, c := range (&http.Response{Header: hdr}).Cookies() {
		if c.Name == "baton_admin" {
			cookie = c.Name + "=" + c.Value
		}
	}
	if code != 303 || cookie == "" {
		t.Fatalf("sign in: %d %v", code, hdr)
	}
	return send, cookie
}
