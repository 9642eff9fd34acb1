package stack_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"

	"github.com/baton-hq/baton/infra/local/stack"
	"github.com/baton-hq/baton/internal/admin"
)

const token = "test-admin-token-0123456789"

func admin_(t *testing.T, s *stack.Stack, path, tok string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", s.URL+path, nil)
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// TestBrowseThenSubmit is the foundation's promise end to end over HTTP: an
// anonymous visitor's page views become the person's once they submit a form.
func TestBrowseThenSubmit(t *testing.T) {
	s := stack.ForTest(t, nil)
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	post := func(body string) {
		t.Helper()
		resp, err := c.Post(s.URL+"/e", "text/plain", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 204 {
			t.Fatalf("POST /e: %d", resp.StatusCode)
		}
	}
	post(`{"type":"page_view","messageId":"v1","anonymousId":"browser-abc-123","properties":{"url":"` + s.URL + `/demo/index.html"}}`)
	post(`{"type":"page_view","messageId":"v2","anonymousId":"browser-abc-123","properties":{"url":"` + s.URL + `/demo/pricing.html"}}`)
	post(`{"type":"form_submit","messageId":"v3","anonymousId":"browser-abc-123","properties":{"url":"` + s.URL + `/demo/contact.html","fields":{"email":"Visitor@Example.com","company":"Acme"}}}`)

	code, b := admin_(t, s, "/admin/people?email=visitor@example.com", token)
	if code != 200 {
		t.Fatalf("admin: %d %s", code, b)
	}
	var v admin.PersonView
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, ev := range v.Timeline {
		ids = append(ids, ev.ID)
	}
	if strings.Join(ids, ",") != "v3,v2,v1" || v.Person.Email != "visitor@example.com" || len(v.Visitors) != 1 {
		t.Fatalf("person view: timeline %v, %+v", ids, v)
	}
	if code, _ := admin_(t, s, "/admin/people/"+v.Person.ID, token); code != 200 {
		t.Fatalf("by id: %d", code)
	}
	for _, c := range []struct {
		path, tok string
		want      int
	}{
		{"/admin/people?email=visitor@example.com", "", 401},
		{"/admin/people?email=visitor@example.com", "wrong-token", 401},
		{"/admin/people/p_unknown", token, 404},
		{"/admin/people?email=nobody@example.com", token, 404},
		{"/admin/people?email=not-an-email", token, 400},
		{"/admin/people", token, 400},
	} {
		code, b := admin_(t, s, c.path, c.tok)
		if code != c.want || !strings.Contains(string(b), `"error"`) {
			t.Errorf("%s (token %q): %d %s, want %d", c.path, c.tok, code, b, c.want)
		}
	}
}

func TestDemoAndTagServed(t *testing.T) {
	s := stack.ForTest(t, nil)
	for _, p := range []string{"/demo/", "/demo/contact.html", "/demo/pricing.html", "/demo/whitepaper.html", "/t.js", "/healthz"} {
		resp, err := http.Get(s.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("%s: %d", p, resp.StatusCode)
		}
		if strings.HasSuffix(p, ".html") && !strings.Contains(string(b), `src="/t.js"`) {
			t.Errorf("%s does not embed the tag", p)
		}
	}
}
