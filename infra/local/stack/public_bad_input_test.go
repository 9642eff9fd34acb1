package stack_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/baton-hq/baton/infra/local/stack"
	"github.com/baton-hq/baton/internal/admin"
	"github.com/baton-hq/baton/internal/httpx"
)

// TestPublicRoutesAnswerBadInputInJSON: what anyone on the internet can
// send to a public route (a wrong method, a wrong Content-Type, a body over
// the limit or not UTF-8, bad percent escapes or a byte not UTF-8 in the
// query or the path, a parameter given twice, a head over the limit) is
// answered by Baton with a JSON 4xx saying what is wrong, never text/plain
// and never a 5xx; the tracked link and the open pixel, which answer a
// redirect and an image, never fail either. A percent escape that is not
// one in the path (/e%ZZ) never reaches Baton: Go's server refuses the
// request line with its own text 400 before any handler (README, Errors).
func TestPublicRoutesAnswerBadInputInJSON(t *testing.T) {
	s := stack.ForTest(t, nil)
	u, _ := url.Parse(s.URL)
	code, b := do(t, "POST", s.URL+"/admin/links", token, `{"campaign":"probe-news","urls":["https://www.example.com/webinar"]}`)
	var lr struct{ Links []admin.LinkView }
	if code != 201 || json.Unmarshal(b, &lr) != nil || len(lr.Links) != 1 {
		t.Fatalf("links: %d %s", code, b)
	}
	tracked, _ := url.Parse(strings.Replace(lr.Links[0].Tracked, "{{baton_token}}", "not-a-token", 1))
	link := strings.TrimPrefix(tracked.Path, u.Path)

	const (
		jsonOnly = iota // every 4xx is JSON
		redirect        // the answer may be a redirect; never a 5xx
		image           // the answer may be an image; never a 5xx
	)
	routes := []struct {
		method, path string
		kind         int
	}{
		{"POST", "/e", jsonOnly}, {"OPTIONS", "/e", jsonOnly},
		{"POST", "/v1/track", jsonOnly}, {"POST", "/v1/batch", jsonOnly}, {"POST", "/v1/t", jsonOnly}, {"POST", "/v1/import", jsonOnly}, {"POST", "/v1/nothing", jsonOnly},
		{"POST", "/optout", jsonOnly}, {"POST", "/optin", jsonOnly},
		{"GET", "/healthz", jsonOnly},
		{"GET", link, redirect}, {"GET", "/c/no-such-link", redirect},
		{"GET", "/o/probe-news/open.gif", image}, {"GET", "/o/no-such/open.gif", image},
	}
	event := `{"type":"page_view","messageId":"probe-1","anonymousId":"probe-browser-1","properties":{"url":"https://www.example.com/"}}`
	for _, r := range routes {
		wrong := "GET"
		if r.method == "GET" {
			wrong = "DELETE"
		}
		for _, v := range []struct{ name, method, target, ctype, body, extra string }{
			{"as sent", r.method, r.path, "text/plain", event, ""},
			{"wrong method", wrong, r.path, "text/plain", event, ""},
			{"wrong content type", r.method, r.path, "application/xml", "<e/>", ""},
			{"oversized body", r.method, r.path, "text/plain", `{"type":"page_view","x":"` + strings.Repeat("a", 3<<20) + `"}`, ""},
			{"body not UTF-8", r.method, r.path, "text/plain", "{\"type\":\"page_view\",\"messageId\":\"\xff\xfe\",\"properties\":{}}", ""},
			{"query escapes", r.method, r.path + "?a=%ZZ&b=%FF&c=%", "text/plain", event, ""},
			{"query twice", r.method, r.path + "?writeKey=a&writeKey=b&t=1&t=2", "text/plain", event, ""},
			{"path not UTF-8", r.method, r.path + "%FF%FE", "text/plain", event, ""},
			{"huge header", r.method, r.path, "text/plain", event, "X-Big: " + strings.Repeat("h", 70<<10) + "\r\n"},
			{"JSON with a wrong write key", r.method, r.path, "application/json", event, "Authorization: Basic d3Jvbmc6\r\n"},
		} {
			head := v.method + " " + v.target + " HTTP/1.1\r\nHost: " + u.Host + "\r\nOrigin: http://" + u.Host + "\r\n" +
				fmt.Sprintf("Content-Type: %s\r\nContent-Length: %d\r\n", v.ctype, len(v.body)) + v.extra + "\r\n"
			resp, got := rawRequest(t, s, head, v.body)
			name := fmt.Sprintf("%s %s (%s)", r.method, r.path, v.name)
			if resp.StatusCode >= 500 {
				t.Errorf("%s: %d %.200q", name, resp.StatusCode, got)
				continue
			}
			ct := resp.Header.Get("Content-Type")
			if v.name == "as sent" && (r.path == link && resp.StatusCode != 302 || r.kind == image && resp.StatusCode != 200) {
				t.Errorf("%s: %d, want the redirect or the pixel", name, resp.StatusCode)
			}
			switch {
			case resp.StatusCode < 400:
				if r.kind == image && resp.StatusCode == 200 && ct != "image/gif" {
					t.Errorf("%s: 200 %s, want the pixel", name, ct)
				}
				continue
			case r.kind == image && v.method == r.method && !strings.Contains(v.name, "header") && !strings.Contains(v.name, "path"):
				t.Errorf("%s: %d, want the pixel whatever the request carries", name, resp.StatusCode)
			}
			var e httpx.ErrorBody
			if !strings.HasPrefix(ct, "application/json") || json.Unmarshal([]byte(got), &e) != nil || e.Error == "" {
				t.Errorf("%s: %d %s %.200q, want a JSON error saying what is wrong", name, resp.StatusCode, ct, got)
			}
		}
	}

	// Not ours to answer: the request line's target does not parse.
	resp, got := rawRequest(t, s, "POST /e%ZZ HTTP/1.1\r\nHost: "+u.Host+"\r\nContent-Length: 0\r\n\r\n", "")
	if resp.StatusCode != 400 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		t.Errorf("POST /e%%ZZ: %d %s %q: net/http's answer changed, update README (Errors)", resp.StatusCode, resp.Header.Get("Content-Type"), got)
	}
}
