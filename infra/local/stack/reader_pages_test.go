package stack_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/baton-hq/baton/infra/local/stack"
)

// TestMistypedTrackedLinkInABrowser: a newsletter's reader opening a
// mistyped tracked link saw {"error":"unknown link"}. Through the whole
// Baton, a browser gets a 404 page in its language; curl keeps the JSON.
func TestMistypedTrackedLinkInABrowser(t *testing.T) {
	s := stack.ForTest(t, nil)
	get := func(accept, lang string) (int, http.Header, string) {
		req, _ := http.NewRequest("GET", s.URL+"/c/nope/tok", nil)
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		req.Header.Set("Accept-Language", lang)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header, string(b)
	}
	const browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
	if code, h, b := get(browser, "ja,en-US;q=0.9"); code != 404 || !strings.HasPrefix(h.Get("Content-Type"), "text/html") || !strings.Contains(b, "このリンクは無効です") {
		t.Errorf("Japanese browser: %d %v %s", code, h, b)
	}
	if code, h, b := get(browser, "en-US,en;q=0.9"); code != 404 || !strings.HasPrefix(h.Get("Content-Type"), "text/html") || !strings.Contains(b, "This link is not valid") {
		t.Errorf("English browser: %d %v %s", code, h, b)
	}
	if code, h, b := get("", "ja"); code != 404 || !strings.HasPrefix(h.Get("Content-Type"), "application/json") || !strings.Contains(b, `"error":"unknown link"`) {
		t.Errorf("curl: %d %v %s", code, h, b)
	}
}
