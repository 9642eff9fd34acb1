package stack_test

import (
	"encoding/json"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"github.com/baton-hq/baton/infra/local/stack"
	"github.com/baton-hq/baton/internal/admin"
	"github.com/baton-hq/baton/internal/clock"
)

// TestForwardedNewsletterClickScoresForTheRecipient: Hanako's newsletter,
// forwarded to Carol and clicked on Carol's browser (a form identified it),
// scores newsletter-click for Hanako, whose token it carries; Carol, never
// sent the email, gains nothing, and her browser stays hers.
func TestForwardedNewsletterClickScoresForTheRecipient(t *testing.T) {
	clk := clock.NewManual(clock.Now())
	s := stack.ForTestClock(t, nil, clk.Now)
	link := hanakosNewsletterLink(t, s)
	jar, _ := cookiejar.New(nil)
	carol := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	send := func(body string) {
		resp, err := carol.Post(s.URL+"/e", "text/plain", strings.NewReader(body))
		if err != nil || resp.StatusCode != 204 {
			t.Fatalf("POST /e: %v %v", err, resp)
		}
		resp.Body.Close()
	}
	send(`{"type":"form_submit","messageId":"carol-form","properties":{"url":"https://www.example.com/contact","fields":{"email":"carol@example.co.jp"}}}`)
	base, _ := url.Parse(s.URL)
	if len(jar.Cookies(base)) == 0 {
		t.Fatal("Carol's browser has no cookie: the click would not be on her browser")
	}
	resp, err := carol.Get(link)
	if err != nil || resp.StatusCode != 302 {
		t.Fatalf("click: %v %v", err, resp)
	}
	resp.Body.Close()
	judgeClicks(t, s, clk)
	send(`{"type":"page_view","messageId":"carol-after","properties":{"url":"https://www.example.com/webinar"}}`)
	settle(t, s)

	person := func(email string) admin.PersonView {
		code, b := admin_(t, s, "/admin/people?email="+email, token)
		var v admin.PersonView
		if code != 200 || json.Unmarshal(b, &v) != nil {
			t.Fatalf("%s: %d %s", email, code, b)
		}
		return v
	}
	explain := func(v admin.PersonView) string {
		_, b := do(t, "GET", s.URL+"/admin/people/"+v.Person.ID+"/explain", token, "")
		return string(b)
	}
	hanako, carolP := person("hanako@example.co.jp"), person("carol@example.co.jp")
	if e := explain(hanako); !strings.Contains(e, `"rule":"newsletter-click"`) {
		t.Errorf("Hanako's click did not score for her: %s", e)
	}
	if e := explain(carolP); strings.Contains(e, `"rule":"newsletter-click"`) {
		t.Errorf("Carol scored Hanako's click: %s", e)
	}
	types := func(v admin.PersonView) []string {
		var out []string
		for _, ev := range v.Timeline {
			out = append(out, ev.Type)
		}
		return out
	}
	if got := strings.Join(types(hanako), ","); got != "email_click" {
		t.Errorf("Hanako's timeline: %s", got)
	}
	if got := strings.Join(types(carolP), ","); strings.Contains(got, "email_click") || strings.Count(got, "page_view") != 1 {
		t.Errorf("Carol's timeline: %s (want her form and page view, no click)", got)
	}
}
