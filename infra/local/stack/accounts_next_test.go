package stack_test

import (
	"encoding/json"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/baton-hq/baton/infra/local/stack"
)

// GET /admin/accounts answers next, the after= of the following page, so
// an API client reads past limit; a cursor it never gave is a 400 on after.
// The page links to the next page and back to the first (it showed the
// first limit accounts and no way on), and says a bad cursor in its words.
func TestAccountsListAnswersNext(t *testing.T) {
	s := stack.ForTest(t, nil)
	for _, p := range [][2]string{{"v-an-1", "a@one-kaisha.example"}, {"v-an-2", "b@two-kaisha.example"}} {
		body := `{"type":"form_submit","messageId":"` + p[0] + `-f","anonymousId":"` + p[0] + `","properties":{"url":"https://www.example.com/contact","form":{"id":"contact"},"fields":{"email":"` + p[1] + `"}}}`
		resp, err := http.Post(s.URL+"/e", "text/plain", strings.NewReader(body))
		if err != nil || resp.StatusCode != 204 {
			t.Fatalf("form: %v %v", err, resp)
		}
		resp.Body.Close()
	}
	settle(t, s)
	get := func(q string) (int, map[string]any) {
		req, _ := http.NewRequest("GET", s.URL+"/admin/accounts?"+q, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, out
	}
	seen := map[string]bool{}
	code, out := get("limit=1")
	next, _ := out["next"].(string)
	if code != 200 || next == "" {
		t.Fatalf("first page: %d %v, want a next", code, out)
	}
	for _, a := range out["accounts"].([]any) {
		seen[a.(map[string]any)["id"].(string)] = true
	}
	code, out = get("limit=1&after=" + next)
	if code != 200 || out["next"] != "" {
		t.Fatalf("second page: %d %v, want the last", code, out)
	}
	for _, a := range out["accounts"].([]any) {
		seen[a.(map[string]any)["id"].(string)] = true
	}
	if len(seen) != 2 {
		t.Errorf("two pages read %v, want both accounts", seen)
	}
	if code, out := get("after=nonsense"); code != 400 || out["field"] != "after" {
		t.Errorf("a bad cursor: %d %v, want 400 on after", code, out)
	}

	page := func(q string) (int, string) { return workspacePage(t, s, "/admin/accounts?"+q, "") }
	link := regexp.MustCompile(`<a href="(accounts\?[^"]*)">([^<]*)</a>`)
	links := func(body string) map[string]string {
		m := map[string]string{}
		for _, l := range link.FindAllStringSubmatch(body, -1) {
			m[l[2]] = html.UnescapeString(l[1])
		}
		return m
	}
	code, body := page("limit=1&sort=activity")
	more := links(body)["More accounts"]
	if code != 200 || !strings.Contains(more, "after=") || !strings.Contains(more, "sort=activity") || !strings.Contains(more, "limit=1") {
		t.Fatalf("the page's first page: %d, links %v, want More accounts keeping sort and limit", code, links(body))
	}
	code, body = page(strings.TrimPrefix(more, "accounts?"))
	if l := links(body); code != 200 || l["More accounts"] != "" || !strings.Contains(l["First page"], "sort=activity") || strings.Contains(l["First page"], "after=") {
		t.Errorf("the page's second page: %d, links %v, want First page and no more", code, l)
	}
	if code, body := page("after=nonsense&lang=ja"); code != 400 || !strings.Contains(body, "続きのページへのリンク（after）が正しくありません") {
		t.Errorf("the page with a bad cursor: %d %.300s", code, body)
	}
}
