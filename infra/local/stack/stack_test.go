package stack_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/infra/local/stack"
	"github.com/baton-hq/baton/internal/admin"
	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/stdwebhook"
	"github.com/baton-hq/baton/internal/testutil/moto"
)

const token = "test-admin-token-0123456789"

func admin_(t *testing.T, s *stack.Stack, path, tok string) (int, []byte) {
	t.Helper()
	return getAs(t, s, path, tok, "")
}

// page GETs a workspace page as a browser would ask for it.
func page(t *testing.T, s *stack.Stack, path, tok string) (int, []byte) {
	t.Helper()
	return getAs(t, s, path, tok, "text/html")
}

func getAs(t *testing.T, s *stack.Stack, path, tok, accept string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", s.URL+path, nil)
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
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
		if strings.HasSuffix(p, ".html") && !strings.Contains(string(b), `src="../t.js"`) {
			t.Errorf("%s does not embed the tag", p)
		}
	}
}

func do(t *testing.T, method, url, tok, body string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json") // an API call (text/plain would be refused)
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode == 302 {
		return 302, []byte(resp.Header.Get("Location"))
	}
	return resp.StatusCode, b
}

func TestLinksAndErasureOverHTTP(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "baton.yaml")
	readOnly := "read-only-token-0123456789"
	os.WriteFile(cfg, []byte("link_hosts: [www.example.com]\nadmin_tokens:\n  - name: analyst\n    sha256: "+admin.HashToken(readOnly)+"\n    scopes: [read]\n"), 0o600)
	s := stack.ForTest(t, map[string]string{"BATON_CONFIG": cfg})

	code, b := do(t, "POST", s.URL+"/admin/links", token, `{"campaign":"dec-news","urls":["https://www.example.com/offer"],"utm":{"source":"newsletter","medium":"email"},"honeypot":true}`)
	if code != 201 {
		t.Fatalf("POST /admin/links: %d %s", code, b)
	}
	var res struct {
		Links []admin.LinkView `json:"links"`
	}
	json.Unmarshal(b, &res)
	if len(res.Links) != 2 || !res.Links[1].Honeypot || !strings.HasPrefix(res.Links[0].Tracked, s.URL+"/c/") {
		t.Fatalf("links %s", b)
	}
	if code, b := do(t, "POST", s.URL+"/admin/links", token, `{"campaign":"dec-news","urls":["https://evil.example/"]}`); code != 400 || !strings.Contains(string(b), "not in the allowed link hosts") {
		t.Fatalf("disallowed host: %d %s", code, b)
	}
	if code, _ := do(t, "POST", s.URL+"/admin/links", readOnly, `{"campaign":"x","urls":["https://www.example.com/"]}`); code != 403 {
		t.Fatalf("read-only token wrote: %d", code)
	}
	// The workspace shows a read-only caller no form it could not send:
	// neither a new campaign nor a recipient list.
	for _, c := range []struct {
		tok   string
		forms bool
	}{{token, true}, {readOnly, false}} {
		for path, form := range map[string]string{"/admin/campaigns": `action="campaigns"`, "/admin/campaigns/dec-news": `/recipients"`} {
			req, _ := http.NewRequest("GET", s.URL+path, nil)
			req.Header.Set("Authorization", "Bearer "+c.tok)
			req.Header.Set("Accept", "text/html")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			page, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if shown := strings.Contains(string(page), form); resp.StatusCode != 200 || shown != c.forms {
				t.Errorf("%s as %s: %d, form %s shown: %v, want %v", path, c.tok, resp.StatusCode, form, shown, c.forms)
			}
		}
	}
	code, loc := do(t, "GET", strings.Replace(res.Links[0].Tracked, "{{baton_token}}", "not-a-token", 1), "", "")
	if code != 302 || string(loc) != "https://www.example.com/offer?utm_medium=email&utm_source=newsletter" {
		t.Fatalf("click: %d %s", code, loc)
	}

	resp, err := http.Post(s.URL+"/e", "text/plain", strings.NewReader(`{"type":"form_submit","messageId":"f1","anonymousId":"erase-me-browser","properties":{"fields":{"email":"forget@example.com"}}}`))
	if err != nil || resp.StatusCode != 204 {
		t.Fatalf("submit: %v %v", err, resp)
	}
	if code, _ := do(t, "DELETE", s.URL+"/admin/people?email=forget@example.com", readOnly, ""); code != 403 {
		t.Fatalf("read-only token erased: %d", code)
	}
	if code, b := do(t, "GET", s.URL+"/admin/people?email=forget@example.com", readOnly, ""); code != 200 {
		t.Fatalf("read-only token cannot read: %d %s", code, b)
	}
	if code, b := do(t, "DELETE", s.URL+"/admin/people?email=forget@example.com", token, ""); code != 200 || !strings.Contains(string(b), `"erased":true`) {
		t.Fatalf("erase: %d %s", code, b)
	}
	if code, _ := do(t, "GET", s.URL+"/admin/people?email=forget@example.com", token, ""); code != 404 {
		t.Fatalf("after erase: %d", code)
	}
}

// TestOnDynamoDB runs the foundation's flow with the DynamoDB store, against
// moto on loopback: the same code as on AWS.
func TestOnDynamoDB(t *testing.T) {
	endpoint := moto.Shared(t)
	s := stack.ForTest(t, map[string]string{
		"BATON_STORE": "dynamodb", "BATON_TABLE": "baton-stack-test", "BATON_DYNAMODB_ENDPOINT": endpoint,
	})
	for _, body := range []string{
		`{"type":"page_view","messageId":"d1","anonymousId":"dyn-browser-1","properties":{"url":"https://www.example.com/pricing"}}`,
		`{"type":"form_submit","messageId":"d2","anonymousId":"dyn-browser-1","properties":{"fields":{"email":"dyn@example.com","company":"Dyn"}}}`,
	} {
		resp, err := http.Post(s.URL+"/e", "text/plain", strings.NewReader(body))
		if err != nil || resp.StatusCode != 204 {
			t.Fatalf("POST /e: %v %v", err, resp)
		}
	}
	code, b := admin_(t, s, "/admin/people?email=dyn@example.com", token)
	var v admin.PersonView
	if code != 200 || json.Unmarshal(b, &v) != nil || len(v.Timeline) != 2 || v.Person.Attributes["company"] != "Dyn" {
		t.Fatalf("%d %s", code, b)
	}
	// A qualifying visitor: the table's stream (read back from moto) scores
	// them and relays the MQL; the built-in inbox gets it exactly once.
	mqlID := qualifyOne(t, s, "dyn-buyer-browser-1", "dyn-buyer@maker.example") + "-c1"
	deadline := time.Now().Add(15 * time.Second)
	for {
		if _, err := s.App.Pusher.RunOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
		leads, err := s.App.Inbox.List(context.Background(), 100)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, l := range leads {
			if l.MQLID == mqlID {
				n++
			}
		}
		if n > 1 {
			t.Fatalf("MQL delivered %d times", n)
		}
		if n == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("MQL %s never reached the inbox on DynamoDB", mqlID)
		}
		time.Sleep(50 * time.Millisecond)
	}
	// Reading the whole stream again (a restarted consumer starts at
	// TRIM_HORIZON) changes nothing.
	again, err := stack.Feed(s.App)
	if err != nil {
		t.Fatal(err)
	}
	if err := again.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	if mqls, _ := s.App.Qualifier.RecentMQLs(context.Background(), 100); len(mqls) != 1 {
		t.Fatalf("%d MQLs after re-reading the stream", len(mqls))
	}
}

// TestDemoVisitorBecomesMQL browses the demo site's pages, downloads the
// whitepaper and sends the contact form; the person is an MQL with the
// condition and the events behind it, and the explanation adds up.
func TestDemoVisitorBecomesMQL(t *testing.T) {
	s := stack.ForTest(t, nil)
	send := func(body string) {
		t.Helper()
		resp, err := http.Post(s.URL+"/e", "text/plain", strings.NewReader(body))
		if err != nil || resp.StatusCode != 204 {
			t.Fatalf("POST /e: %v %v", err, resp)
		}
	}
	page := func(id, p string) {
		send(`{"type":"page_view","messageId":"` + id + `","anonymousId":"demo-browser-42","properties":{"url":"` + s.URL + p + `"}}`)
	}
	page("m1", "/demo/index.html")
	page("m2", "/demo/pricing.html")
	page("m3", "/demo/whitepaper.html")
	send(`{"type":"download","messageId":"m4","anonymousId":"demo-browser-42","properties":{"url":"` + s.URL + `/demo/files/whitepaper.pdf"}}`)
	settle(t, s)
	code, b := do(t, "GET", s.URL+"/admin/mqls", token, "")
	if code != 200 || !strings.Contains(string(b), `"mqls":[]`) {
		t.Fatalf("an anonymous visitor is an MQL: %d %s", code, b)
	}
	send(`{"type":"form_submit","messageId":"m5","anonymousId":"demo-browser-42","properties":{"url":"` + s.URL + `/demo/contact.html","form":{"id":"contact","name":"contact","action":"` + s.URL + `/demo/thanks.html"},"fields":{"email":"buyer@maker.example","company":"Maker","title":"購買部長","employees":"250-999"}}}`)
	settle(t, s)

	code, b = do(t, "GET", s.URL+"/admin/mqls", token, "")
	var list struct{ MQLs []map[string]any }
	if code != 200 || json.Unmarshal(b, &list) != nil || len(list.MQLs) != 1 || list.MQLs[0]["condition"] != "hot-and-fit" {
		t.Fatalf("mqls: %d %s", code, b)
	}
	code, b = admin_(t, s, "/admin/people?email=buyer@maker.example", token)
	var v admin.PersonView
	if code != 200 || json.Unmarshal(b, &v) != nil {
		t.Fatalf("person: %d %s", code, b)
	}
	code, b = do(t, "GET", s.URL+"/admin/people/"+v.Person.ID+"/explain", token, "")
	var ex admin.Explanation
	if code != 200 || json.Unmarshal(b, &ex) != nil {
		t.Fatalf("explain: %d %s", code, b)
	}
	if ex.Stage != "mql" || ex.Grade != "A" || len(ex.MQLs) != 1 || len(ex.MQLs[0].Events) < 4 || len(ex.FitRules) != 2 {
		t.Fatalf("explanation %s", b)
	}
	sum := 0.0
	rules := map[string]bool{}
	for _, c := range ex.Contributions {
		sum += c.Delta
		rules[c.Rule] = true
	}
	for _, r := range []string{"page-view", "pricing-page", "whitepaper-download", "contact-form", "any-form"} {
		if !rules[r] {
			t.Errorf("no %s contribution in %v", r, rules)
		}
	}
	if sum < ex.Behaviour-0.5 || sum > ex.Behaviour+0.5 { // all within minutes: decay is negligible
		t.Errorf("ledger sums to %v, score is %v", sum, ex.Behaviour)
	}
	// Seconds later the lead is in the built-in inbox (no SFA configured), once.
	deadline := time.Now().Add(10 * time.Second)
	for {
		code, b = do(t, "GET", s.URL+"/admin/inbox", token, "")
		if strings.Contains(string(b), "buyer@maker.example") || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	var inbox struct{ Leads []map[string]any }
	if code != 200 || json.Unmarshal(b, &inbox) != nil || len(inbox.Leads) != 1 || inbox.Leads[0]["condition"] != "hot-and-fit" {
		t.Fatalf("inbox: %d %s", code, b)
	}
	req, _ := http.NewRequest("GET", s.URL+"/admin/inbox", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", "text/html")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	html, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	// The card names the person (linking to their page), company and
	// title, each isolated (a bidi override a form sent in one turns no
	// other), and why, by the condition's label in the rules file (what
	// sales read in the SFA, not hot-and-fit); nobody answered it yet.
	if !strings.Contains(string(html), `">buyer@maker.example</a> <span class="chip pending">Awaiting verdict</span></h2>`) || !strings.Contains(string(html), "<bdi>buyer@maker.example</bdi> · <bdi>Maker</bdi> · <bdi>購買部長</bdi>") || !strings.Contains(string(html), `<div class="why"><span class="chip at-mql">At the MQL</span> Active and a good fit: `) {
		t.Fatalf("inbox page: %s", html)
	}
	// The message is acknowledged just after the inbox has the lead: the
	// pusher running in the background may not be there yet.
	acked(t, s)
}

// newsletterLinks registers the nov-news campaign's one tracked link, as the
// README's marketer walkthrough does.
func newsletterLinks(t *testing.T, s *stack.Stack) (lr struct{ Links []admin.LinkView }) {
	t.Helper()
	code, b := do(t, "POST", s.URL+"/admin/links", token, `{"campaign":"nov-news","urls":["https://www.example.com/webinar"],"utm":{"source":"newsletter","medium":"email","campaign":"nov-news"}}`)
	if code != 201 || json.Unmarshal(b, &lr) != nil || len(lr.Links) != 1 {
		t.Fatalf("links: %d %s", code, b)
	}
	return lr
}

// hanakosNewsletterLink registers the nov-news campaign's link
// (newsletterLinks), uploads Hanako as its one recipient and returns the
// link as her email carries it (her recipient token in it).
func hanakosNewsletterLink(t *testing.T, s *stack.Stack) string {
	t.Helper()
	lr := newsletterLinks(t, s)
	status, _, out := postCSV(t, s, "/admin/recipients?campaign=nov-news", "name,email\r\n山田 花子,hanako@example.co.jp\r\n")
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(out), "\xef\xbb\xbf"))).ReadAll()
	if status != 200 || err != nil || len(rows) != 2 || rows[1][2] == "" {
		t.Fatalf("recipients: %d %q %v", status, rows, err)
	}
	return strings.Replace(lr.Links[0].Tracked, "{{baton_token}}", rows[1][2], 1)
}

// TestMarketerNewsletterFlow is the README's marketer walkthrough: register
// links, upload recipients, a recipient clicks, the browser is known.
func TestMarketerNewsletterFlow(t *testing.T) {
	clk := clock.NewManual(clock.Now())
	s := stack.ForTestClock(t, nil, clk.Now)
	lr := newsletterLinks(t, s)
	status, hdr, out := postCSV(t, s, "/admin/recipients?campaign=nov-news", "\xef\xbb\xbf氏名,会社名,メールアドレス\r\n山田 花子,\"サンプル, Inc.\",Hanako@Example.co.jp\r\n,,broken\r\n")
	if status != 200 || hdr.Get("X-Baton-Minted") != "1" || !strings.Contains(hdr.Get("X-Baton-Row-Errors"), `"line":3`) {
		t.Fatalf("recipients: %d %v %s", status, hdr, out)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(out), "\xef\xbb\xbf"))).ReadAll()
	if err != nil || len(rows) != 3 || rows[0][3] != "baton_token" || rows[1][3] == "" || rows[2][3] != "" {
		t.Fatalf("csv %q %v", rows, err)
	}
	tracked := strings.Replace(lr.Links[0].Tracked, "{{baton_token}}", rows[1][3], 1)
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(tracked)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 302 || resp.Header.Get("Location") != "https://www.example.com/webinar?utm_campaign=nov-news&utm_medium=email&utm_source=newsletter" {
		t.Fatalf("click: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	// Once the sweep judged the click's visit (nothing flagged it), the
	// browser is known: its next page view is Hanako's.
	judgeClicks(t, s, clk)
	pv, _ := c.Post(s.URL+"/e", "text/plain", strings.NewReader(`{"type":"page_view","messageId":"after-click","properties":{"url":"https://www.example.com/webinar"}}`))
	pv.Body.Close()
	code, b := admin_(t, s, "/admin/people?email=hanako@example.co.jp", token)
	var v admin.PersonView
	if code != 200 || json.Unmarshal(b, &v) != nil || len(v.Timeline) != 2 || v.Timeline[1].Type != "email_click" || v.Person.Attributes["company"] != "サンプル, Inc." || v.Person.Attributes["name"] != "山田 花子" {
		t.Fatalf("person after click: %d %s", code, b)
	}
	settle(t, s)
	code, b = do(t, "GET", s.URL+"/admin/people/"+v.Person.ID+"/explain", token, "")
	if code != 200 || !strings.Contains(string(b), `"rule":"newsletter-click"`) || !strings.Contains(string(b), `"rule":"november-campaign"`) {
		t.Fatalf("click not scored: %s", b)
	}
}

// TestBotsAreKeptButNeverScore: a crawler's page views are stored, flagged,
// and add nothing to anyone's score.
func TestBotsAreKeptButNeverScore(t *testing.T) {
	s := stack.ForTest(t, nil)
	send := func(ua, body string) {
		req, _ := http.NewRequest("POST", s.URL+"/e", strings.NewReader(body))
		req.Header.Set("User-Agent", ua)
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != 204 {
			t.Fatalf("POST /e: %v %v", err, resp)
		}
	}
	send(browserUA, `{"type":"form_submit","messageId":"b1","anonymousId":"bot-browser-1","properties":{"fields":{"email":"crawled@example.com"}}}`)
	send("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", `{"type":"page_view","messageId":"b2","anonymousId":"bot-browser-1","properties":{"url":"https://www.example.com/pricing"}}`)
	send("curl/8.5.0", `{"type":"page_view","messageId":"b3","anonymousId":"bot-browser-1","properties":{"url":"https://www.example.com/pricing"}}`)
	code, b := admin_(t, s, "/admin/people?email=crawled@example.com", token)
	var v admin.PersonView
	if code != 200 || json.Unmarshal(b, &v) != nil || len(v.Timeline) != 3 {
		t.Fatalf("bot events not kept: %d %s", code, b)
	}
	for _, ev := range v.Timeline[:2] {
		if !ev.Enrichment.Bot || ev.Enrichment.FlagReason == "" {
			t.Fatalf("not flagged: %+v", ev)
		}
	}
	if v.Timeline[2].Enrichment.Browser != "Chrome" || v.Timeline[2].Client.IP != "127.0.0.0" {
		t.Fatalf("browser event not enriched / address not truncated: %+v", v.Timeline[2])
	}
	settle(t, s)
	_, b = do(t, "GET", s.URL+"/admin/people/"+v.Person.ID+"/explain", token, "")
	if !strings.Contains(string(b), `"stage":"lead"`) {
		t.Fatalf("the person was never scored, so the check below would prove nothing: %s", b)
	}
	if strings.Contains(string(b), "pricing-page") || strings.Contains(string(b), `"eventId":"b2"`) || strings.Contains(string(b), `"eventId":"b3"`) {
		t.Fatalf("a bot event scored: %s", b)
	}
}

// TestRateLimits: a client over its rate gets 429 with Retry-After; another
// client is unaffected.
func TestRateLimits(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "baton.yaml")
	os.WriteFile(cfg, []byte("rate_limit_per_ip: 0.001\nrate_limit_burst: 5\nrate_limit_per_site: 1\n"), 0o600)
	s := stack.ForTest(t, map[string]string{"BATON_CONFIG": cfg, "BATON_TRUST_PROXY": "true", "BATON_SITE_ORIGINS": "https://a.example,https://b.example"})
	post := func(ip, origin string) *http.Response { return pageViewFrom(t, s, ip, origin, ip+origin) }
	limited := 0
	for i := 0; i < 8; i++ {
		if r := post("198.51.100.7", ""); r.StatusCode == 429 {
			limited++
			if r.Header.Get("Retry-After") == "" {
				t.Fatal("429 without Retry-After")
			}
		}
	}
	if limited != 3 {
		t.Fatalf("%d of 8 requests limited, want 3 (burst 5, no refill to speak of)", limited)
	}
	if r := post("198.51.100.8", ""); r.StatusCode != 204 {
		t.Fatalf("another client was limited: %d", r.StatusCode)
	}
	// One site over its rate, from many addresses; the other site is served.
	siteLimited := 0
	for i := 0; i < 20; i++ {
		if post(fmt.Sprintf("203.0.113.%d", i), "https://a.example").StatusCode == 429 {
			siteLimited++
		}
	}
	if siteLimited < 3 { // burst 2 of 20, one more per second
		t.Fatalf("site over its rate: %d of 20 limited", siteLimited)
	}
	if r := post("203.0.113.200", "https://b.example"); r.StatusCode != 204 {
		t.Fatalf("the other site was limited: %d", r.StatusCode)
	}
}

// settle waits for the change feed to be handled (scoring is not on the
// request path).
// judgeClicks moves the clock past the clicks' visits, runs the sweep
// (which judges them) and lets scoring see the result.
func judgeClicks(t *testing.T, s *stack.Stack, clk *clock.Manual) {
	t.Helper()
	settle(t, s)
	clk.Advance(event.ClickSettle)
	if _, err := s.App.Sweep(context.Background()); err != nil {
		t.Fatal(err)
	}
	settle(t, s)
}

func settle(t *testing.T, s *stack.Stack) {
	t.Helper()
	if err := s.Settle(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// TestErrorsAreJSON: malformed ids, unknown routes and wrong methods get the
// documented JSON error body, never a 500 or plain text.
func TestErrorsAreJSON(t *testing.T) {
	s := stack.ForTest(t, nil)
	for _, c := range []struct {
		method, path string
		code         int
	}{
		{"GET", "/admin/people/%00", 404},
		{"GET", "/admin/people/p_zz", 404},
		{"GET", "/admin/people/..%2f..%2fetc", 404},
		// Ids no key can hold (a NUL; longer than DynamoDB's 2048-byte
		// partition key and 1024-byte sort key) name nothing either.
		{"GET", "/admin/campaigns/%00", 404},
		{"GET", "/admin/campaigns/" + strings.Repeat("c", 3000), 404},
		{"GET", "/admin/rescore/%00", 404},
		{"GET", "/admin/rescore/" + strings.Repeat("j", 3000), 404},
		{"GET", "/e", 405},
		{"GET", "/v1/batch", 405},
		{"GET", "/no/such/route", 404},
	} {
		code, b := do(t, c.method, s.URL+c.path, token, "")
		var body struct{ Error string }
		if code != c.code || json.Unmarshal(b, &body) != nil || body.Error == "" {
			t.Errorf("%s %s: %d %s", c.method, c.path, code, b)
		}
	}
}

// TestForwardedForCannotDodgeTheLimit: behind one trusted proxy (a real
// reverse proxy that appends the peer to X-Forwarded-For), a client that
// writes a new X-Forwarded-For on every request is still one client.
func TestForwardedForCannotDodgeTheLimit(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "baton.yaml")
	os.WriteFile(cfg, []byte("rate_limit_per_ip: 0.001\nrate_limit_burst: 3\n"), 0o600)
	s := stack.ForTest(t, map[string]string{"BATON_CONFIG": cfg, "BATON_TRUST_PROXY": "1"})
	target, _ := url.Parse(s.URL)
	proxy := httptest.NewServer(httputil.NewSingleHostReverseProxy(target))
	defer proxy.Close()
	codes := map[int]int{}
	for i := range 10 {
		req, _ := http.NewRequest("POST", proxy.URL+"/e", strings.NewReader(fmt.Sprintf(`{"type":"page_view","messageId":"xff-%d","anonymousId":"xff-visitor-1","properties":{"url":"https://www.example.com/"}}`, i)))
		req.Header.Set("X-Forwarded-For", fmt.Sprintf("203.0.113.%d", i)) // a new "address" each time
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		codes[resp.StatusCode]++
	}
	if codes[204] != 3 || codes[429] != 7 {
		t.Fatalf("rotating X-Forwarded-For: %v, want 3 served (burst) and 7 limited", codes)
	}
}

// TestForwardedProtoOnlyFromATrustedProxy: Baton's cookies are Secure when
// a TLS-terminating proxy it trusts (BATON_TRUST_PROXY) says https in
// X-Forwarded-Proto, not when a client over plain http says so itself.
func TestForwardedProtoOnlyFromATrustedProxy(t *testing.T) {
	post := func(t *testing.T, c *http.Client, base, path, id string, hdr map[string]string) map[string]*http.Cookie {
		t.Helper()
		body := `{"type":"page_view","messageId":"` + id + `","anonymousId":"xfp-visitor-1","properties":{"url":"https://www.example.com/"}}`
		if path == "/optout" {
			body = "" // an opt-out's body is the tag's visitor id, or nothing
		}
		req, _ := http.NewRequest("POST", base+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "text/plain")
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 204 {
			t.Fatalf("POST %s: %d", path, resp.StatusCode)
		}
		got := map[string]*http.Cookie{}
		for _, k := range resp.Cookies() {
			if k.MaxAge >= 0 {
				got[k.Name] = k
			}
		}
		return got
	}
	secure := func(t *testing.T, what string, cks map[string]*http.Cookie, name string, want bool) {
		t.Helper()
		if ck := cks[name]; ck == nil || ck.Secure != want {
			t.Errorf("%s: %s %+v, want Secure %v", what, name, ck, want)
		}
	}
	claim := map[string]string{"X-Forwarded-Proto": "https"}
	forged := map[string]string{"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}

	untrusting := stack.ForTest(t, nil)
	secure(t, "no proxy trusted, client's own header", post(t, http.DefaultClient, untrusting.URL, "/e", "xfp-1", claim), "bt_vid", false)
	secure(t, "no proxy trusted, client's own header and chain", post(t, http.DefaultClient, untrusting.URL, "/e", "xfp-2", forged), "bt_vid", false)
	secure(t, "no proxy trusted, opt-out", post(t, http.DefaultClient, untrusting.URL, "/optout", "", claim), "bt_optout", false)

	s := stack.ForTest(t, map[string]string{"BATON_TRUST_PROXY": "1"})
	// Past the proxy, straight to Baton: no chain, so not through it.
	secure(t, "bypassing the trusted proxy", post(t, http.DefaultClient, s.URL, "/e", "xfp-3", claim), "bt_vid", false)
	secure(t, "bypassing the trusted proxy, opt-out", post(t, http.DefaultClient, s.URL, "/optout", "", claim), "bt_optout", false)
	// Through a TLS-terminating reverse proxy that sets X-Forwarded-For and
	// X-Forwarded-Proto from its own connection.
	target, _ := url.Parse(s.URL)
	proxy := httptest.NewTLSServer(&httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) {
		pr.SetURL(target)
		pr.SetXForwarded()
	}})
	defer proxy.Close()
	secure(t, "through the trusted proxy over https", post(t, proxy.Client(), proxy.URL, "/e", "xfp-4", nil), "bt_vid", true)
	secure(t, "through the trusted proxy over https, opt-out", post(t, proxy.Client(), proxy.URL, "/optout", "", nil), "bt_optout", true)
}

// TestDemoContactFormPosts: the demo's contact form is a POST (a GET form
// would put its fields, password included, into the next page's URL), and
// the site answers it with the thanks page.
func TestDemoContactFormPosts(t *testing.T) {
	s := stack.ForTest(t, nil)
	code, b := do(t, "GET", s.URL+"/demo/contact.html", "", "")
	if code != 200 || !strings.Contains(string(b), `method="post"`) {
		t.Fatalf("contact page: %d, form method not post", code)
	}
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	resp, err := client.PostForm(s.URL+"/demo/thanks.html", url.Values{"email": {" X@Example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	thanks, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Request.Method != "GET" || !strings.HasSuffix(resp.Request.URL.Path, "/demo/thanks.html") || resp.Request.URL.RawQuery != "" {
		t.Fatalf("POST thanks: %d %s %s", resp.StatusCode, resp.Request.Method, resp.Request.URL)
	}
	// The thanks page links to the sender's page in the workspace relative
	// to itself (right on any address), with no token or address in it.
	if !strings.Contains(string(thanks), `href="../admin/people?email=x%40example.com"`) || strings.Contains(string(thanks), "127.0.0.1") || strings.Contains(string(thanks), "BATON_ADMIN_TOKEN") {
		t.Fatalf("thanks page: %s", thanks)
	}
	if code, b := do(t, "GET", s.URL+"/demo/pricing.html", "", ""); code != 200 || !strings.Contains(string(b), `<a href="../admin/people">the Baton workspace</a>`) {
		t.Fatalf("footer: %d %s", code, b)
	}
	// The whitepaper is a real PDF of one page: every cross-reference
	// points at its object, and there is one page object.
	code, pdf := do(t, "GET", s.URL+"/demo/files/whitepaper.pdf", "", "")
	if code != 200 {
		t.Fatalf("whitepaper: %d", code)
	}
	checkOnePagePDF(t, pdf)
}

// checkOnePagePDF reads a PDF's cross-reference table and checks each
// entry's offset lands on its object, the trailer's startxref on the
// table, and that the page tree has one page with text on it.
func checkOnePagePDF(t *testing.T, pdf []byte) {
	t.Helper()
	s := string(pdf)
	if !strings.HasPrefix(s, "%PDF-1.") || !strings.HasSuffix(strings.TrimSpace(s), "%%EOF") {
		t.Fatal("not a PDF")
	}
	i := strings.LastIndex(s, "startxref\n")
	var xref int
	if _, err := fmt.Sscanf(s[i+len("startxref\n"):], "%d", &xref); err != nil || !strings.HasPrefix(s[xref:], "xref\n") {
		t.Fatalf("startxref %d does not point at the xref table", xref)
	}
	lines := strings.Split(s[xref:], "\n")
	var first, n int
	fmt.Sscanf(lines[1], "%d %d", &first, &n)
	if n < 4 {
		t.Fatalf("xref has %d entries", n)
	}
	for obj := 1; obj < n; obj++ {
		var off, gen int
		fmt.Sscanf(lines[2+obj], "%d %d", &off, &gen)
		if !strings.HasPrefix(s[off:], fmt.Sprintf("%d 0 obj", obj)) {
			t.Fatalf("object %d not at offset %d", obj, off)
		}
	}
	if strings.Count(s, "/Type /Page ") != 1 || !strings.Contains(s, "/Count 1") || !strings.Contains(s, ") Tj") {
		t.Fatalf("not one page of text")
	}
}

// TestServerSideIngestion: calls from a customer's backend (curl,
// analytics-java ...) are judged by the visitor's context.userAgent and
// context.ip, never the HTTP client's; Segment's identity model holds
// (userId after identify, alias); analytics-java's /v1/import works.
func TestServerSideIngestion(t *testing.T) {
	s := stack.ForTest(t, nil)
	call := func(path, ua, body string) (int, map[string]any) {
		t.Helper()
		req, _ := http.NewRequest("POST", s.URL+path, strings.NewReader(body))
		req.SetBasicAuth("test-write-key-0123456789", "")
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("User-Agent", ua)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, out
	}
	// identify from curl, no context.userAgent: the person exists.
	if code, out := call("/v1/identify", "curl/8.5.0", `{"anonymousId":"srv-anon-0001","userId":"crm-42","traits":{"email":"backend@maker.example","company":"Maker"},"context":{"ip":"203.0.113.77"}}`); code != 200 || out["skipped"] != nil {
		t.Fatalf("identify from curl: %d %v", code, out)
	}
	p, err := s.App.People.ByEmail(context.Background(), "backend@maker.example")
	if err != nil {
		t.Fatalf("identify from curl created nobody: %v", err)
	}
	// track with only the userId, from analytics-java, on /v1/import.
	if code, out := call("/v1/import", "analytics-java/3.5.1", `{"batch":[{"type":"track","userId":"crm-42","event":"Signed Contract","context":{"userAgent":"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"}}]}`); code != 200 {
		t.Fatalf("import: %d %v", code, out)
	}
	// alias: an earlier anonymous id joins the same person.
	call("/v1/track", "Go-http-client/1.1", `{"anonymousId":"srv-anon-0002","event":"Viewed Pricing"}`)
	if code, out := call("/v1/alias", "Go-http-client/1.1", `{"previousId":"srv-anon-0002","userId":"crm-42"}`); code != 200 {
		t.Fatalf("alias: %d %v", code, out)
	}
	code, b := do(t, "GET", s.URL+"/admin/people/"+p.ID, token, "")
	var v admin.PersonView
	if code != 200 || json.Unmarshal(b, &v) != nil {
		t.Fatalf("person: %d %s", code, b)
	}
	names := map[string]bool{}
	for _, ev := range v.Timeline {
		names[ev.Name] = true
		if ev.Enrichment.Bot {
			t.Errorf("a backend call was stored as a bot: %+v", ev)
		}
		if ev.Client.IP != "" && ev.Client.IP != "203.0.113.0" {
			t.Errorf("stored address %q is not the visitor's (context.ip truncated)", ev.Client.IP)
		}
	}
	if !names["Signed Contract"] || !names["Viewed Pricing"] {
		t.Fatalf("timeline after identify, userId-only track and alias: %s", b)
	}
	// A crawler's identify (its userAgent in context) is stored, identifies
	// nobody, and the answer says so.
	code, out := call("/v1/identify", "curl/8.5.0", `{"anonymousId":"srv-anon-0003","traits":{"email":"crawler@maker.example"},"context":{"userAgent":"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"}}`)
	if code != 200 || out["skipped"] == nil {
		t.Fatalf("bot identify: %d %v", code, out)
	}
	if _, err := s.App.People.ByEmail(context.Background(), "crawler@maker.example"); err == nil {
		t.Fatal("a crawler's identify created a person")
	}
}

// TestNoRulesFileIsLoud: without a rules file Baton still collects, and
// says that scoring is off where people look: /healthz and explain.
func TestNoRulesFileIsLoud(t *testing.T) {
	t.Chdir(t.TempDir()) // started outside the repository, BATON_RULES unset
	s := stack.ForTest(t, map[string]string{"BATON_RULES": ""})
	if s.App.Qualifier != nil {
		t.Fatal("a rules file was found outside the repository")
	}
	code, b := do(t, "GET", s.URL+"/healthz", "", "")
	if code != 200 || !strings.Contains(string(b), `"scoring":"off: no rules file`) {
		t.Fatalf("healthz: %d %s", code, b)
	}
	code, b = do(t, "GET", s.URL+"/admin/people/p_000000000000000000000000/explain", token, "")
	if code != 409 || !strings.Contains(string(b), "BATON_RULES") {
		t.Fatalf("explain without rules: %d %s", code, b)
	}
}

// TestRejectedLeadNeedsNewEvidence: with the shipped rules, an MQL sales
// reject through the signed feedback webhook is recycled; one page view
// later it is no MQL again, nor after a rescore; explain shows the score
// after the recycle and why it waits.
func TestRejectedLeadNeedsNewEvidence(t *testing.T) {
	const secret = "whsec_c2VjcmV0LWZvci1yZWN5Y2xpbmctdGVzdHM="
	clk := clock.NewManual(time.Date(2026, 11, 24, 1, 0, 0, 0, time.UTC))
	s := stack.ForTestClock(t, map[string]string{"BATON_FEEDBACK_SECRET": secret}, clk.Now)
	// Qualified by BANT: the standing facts that still hold after sales say no.
	if r, err := http.Post(s.URL+"/e", "text/plain", strings.NewReader(`{"type":"form_submit","messageId":"bant-1","anonymousId":"recycle-browser-1","properties":{"url":"https://www.example.com/contact","form":{"id":"contact"},"fields":{"email":"rejected@maker.example","title":"部長","employees":"300","budget":"yes","authority":"yes","need":"CRM連携","timeframe":"3ヶ月"}}}`)); err != nil || r.StatusCode != 204 {
		t.Fatalf("form: %v %v", err, r)
	}
	settle(t, s)
	p, err := s.App.People.ByEmail(context.Background(), "rejected@maker.example")
	if err != nil {
		t.Fatal(err)
	}
	person := p.ID
	if mqls, _ := s.App.Qualifier.MQLs(context.Background(), person); len(mqls) != 1 || mqls[0].Condition != "bant-confirmed" {
		t.Fatalf("setup: %+v", mqls)
	}
	clk.Advance(time.Hour)
	body := []byte(`{"personId":"` + person + `","outcome":"rejected","owner":"rep@acme.example","reason":"no budget"}`)
	key, _ := stdwebhook.Key(secret)
	req, _ := http.NewRequest("POST", s.URL+"/feedback/webhook", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("webhook-id", "msg_reject_1")
	req.Header.Set("webhook-timestamp", strconv.FormatInt(clk.Now().Unix(), 10))
	req.Header.Set("webhook-signature", stdwebhook.Sign(key, "msg_reject_1", clk.Now().Unix(), body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("feedback: %v %v", err, resp)
	}
	resp.Body.Close()
	clk.Advance(time.Second * 7)
	if r, err := http.Post(s.URL+"/e", "text/plain", strings.NewReader(`{"type":"page_view","messageId":"after-reject-1","anonymousId":"recycle-browser-1","properties":{"url":"https://www.example.com/pricing"}}`)); err != nil || r.StatusCode != 204 {
		t.Fatalf("page view: %v %v", err, r)
	}
	settle(t, s)
	mqls, _ := s.App.Qualifier.MQLs(context.Background(), person)
	if len(mqls) != 1 {
		t.Fatalf("one page view after a rejection raised a new MQL: %d MQLs", len(mqls))
	}
	code, b := do(t, "GET", s.URL+"/admin/people/"+person+"/explain", token, "")
	if code != 200 || !strings.Contains(string(b), `"stage":"recycled"`) || !strings.Contains(string(b), "recycle.") {
		t.Fatalf("explain after the recycle: %d %s", code, b)
	}
	code, b = do(t, "POST", s.URL+"/admin/rescore?dry_run=1", token, `{}`)
	if code != 200 || !strings.Contains(string(b), `"wouldQualify":[]`) || !strings.Contains(string(b), `"people":1`) {
		t.Fatalf("dry run after a rejection: %d %s", code, b)
	}
	// The rescore is a background job: 202, then poll until done.
	code, b = do(t, "POST", s.URL+"/admin/rescore", token, `{}`)
	var started struct {
		Job  struct{ ID string }
		Poll string
	}
	if code != 202 || json.Unmarshal(b, &started) != nil || started.Job.ID == "" {
		t.Fatalf("rescore: %d %s", code, b)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		code, b = do(t, "GET", s.URL+started.Poll, token, "")
		if strings.Contains(string(b), `"status":"done"`) || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if code != 200 || !strings.Contains(string(b), `"status":"done"`) || !strings.Contains(string(b), `"newMqls":0`) || !strings.Contains(string(b), `"total":1`) {
		t.Fatalf("rescore job after a rejection: %d %s", code, b)
	}
	if mqls, _ := s.App.Qualifier.MQLs(context.Background(), person); len(mqls) != 1 {
		t.Fatalf("rescore re-raised a rejected lead: %d MQLs", len(mqls))
	}
	// Sales' reason reaches the MQL-quality report.
	code, b = do(t, "GET", s.URL+"/admin/reports/mql-quality", token, "")
	if code != 200 || !strings.Contains(string(b), `"why":{"rejected: no budget":1}`) {
		t.Fatalf("quality report without the reason: %d %s", code, b)
	}
}

// TestOneFirstTouch: the hand-off to sales and the reports name the same
// first and last touch (one definition, kept by scoring).
func TestOneFirstTouch(t *testing.T) {
	s := stack.ForTest(t, nil)
	for _, body := range []string{
		`{"type":"page_view","messageId":"ft1","anonymousId":"touch-browser-1","properties":{"url":"https://www.example.com/?utm_source=google&utm_medium=cpc&utm_campaign=brand"}}`,
		`{"type":"page_view","messageId":"ft2","anonymousId":"touch-browser-1","properties":{"url":"https://www.example.com/pricing","referrer":"https://twitter.com/someone"}}`,
		`{"type":"download","messageId":"ft3","anonymousId":"touch-browser-1","properties":{"url":"https://www.example.com/files/whitepaper.pdf"}}`,
		`{"type":"form_submit","messageId":"ft4","anonymousId":"touch-browser-1","properties":{"url":"https://www.example.com/contact","form":{"id":"contact"},"fields":{"email":"touch@maker.example","title":"部長","employees":"500"}}}`,
	} {
		if r, err := http.Post(s.URL+"/e", "text/plain", strings.NewReader(body)); err != nil || r.StatusCode != 204 {
			t.Fatalf("POST /e: %v %v", err, r)
		}
	}
	settle(t, s)
	var lead map[string]any
	deadline := time.Now().Add(10 * time.Second)
	for lead == nil && time.Now().Before(deadline) {
		s.App.Pusher.RunOnce(context.Background())
		code, b := do(t, "GET", s.URL+"/admin/inbox", token, "")
		var inbox struct{ Leads []map[string]any }
		if code == 200 && json.Unmarshal(b, &inbox) == nil && len(inbox.Leads) == 1 {
			lead = inbox.Leads[0]
		}
		time.Sleep(20 * time.Millisecond)
	}
	if lead == nil {
		t.Fatal("no lead in the inbox")
	}
	first, _ := lead["firstTouch"].(map[string]any)
	last, _ := lead["lastTouch"].(map[string]any)
	if first["channel"] != "paid" || last["channel"] != "social" {
		t.Fatalf("hand-off touches: first %v last %v", first, last)
	}
	code, b := do(t, "GET", s.URL+"/admin/reports/attribution", token, "")
	if code != 200 || !strings.Contains(string(b), `"first":{"paid":1}`) || !strings.Contains(string(b), `"last":{"social":1}`) {
		t.Fatalf("attribution disagrees with the hand-off: %d %s", code, b)
	}
}

// TestUnfedFitRuleIsReported: a fit rule on an attribute no form fills
// scores nobody; once there are enough people, the check names it.
func TestUnfedFitRuleIsReported(t *testing.T) {
	s := stack.ForTest(t, nil)
	for i := range 25 {
		body := fmt.Sprintf(`{"type":"form_submit","messageId":"unfed-%d","anonymousId":"unfed-browser-%04d","properties":{"fields":{"email":"p%d@maker.example","title":"部長","employees":"300","country":"JP"}}}`, i, i, i)
		if r, err := http.Post(s.URL+"/e", "text/plain", strings.NewReader(body)); err != nil || r.StatusCode != 204 {
			t.Fatalf("POST /e: %v %v", err, r)
		}
	}
	settle(t, s) // scored: the check samples the reports' index of scored people
	got, err := s.App.UnfedFitRules(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(got, "\n")
	// industry is a fit rule of the shipped rules that these forms never fill.
	if !strings.Contains(text, `"industry"`) || strings.Contains(text, `"title"`) || strings.Contains(text, `"employees"`) {
		t.Fatalf("unfed fit rules: %q", got)
	}
}

// TestOriginSecretBehindTwoProxies: behind a CDN and a proxy anyone can
// also reach (CloudFront, then API Gateway), BATON_TRUST_PROXY=2 believes
// the entry the CDN wrote only from a request bringing the CDN's
// X-Baton-Origin-Secret. A client sending straight to the inner proxy,
// writing a new address in X-Forwarded-For each time, was a new client
// each time (never rate limited); it is one client now, and viewers
// through the CDN are still told apart.
func TestOriginSecretBehindTwoProxies(t *testing.T) {
	const secret = "stack-test-origin-secret-0123456789"
	cfg := filepath.Join(t.TempDir(), "baton.yaml")
	os.WriteFile(cfg, []byte("rate_limit_per_ip: 0.001\nrate_limit_burst: 3\n"), 0o600)
	s := stack.ForTest(t, map[string]string{"BATON_CONFIG": cfg, "BATON_TRUST_PROXY": "2", "BATON_ORIGIN_SECRET": secret})
	target, _ := url.Parse(s.URL)
	inner := httptest.NewServer(httputil.NewSingleHostReverseProxy(target)) // appends its peer
	defer inner.Close()
	innerURL, _ := url.Parse(inner.URL)
	cdn := httptest.NewServer(&httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) {
		pr.SetURL(innerURL)
		pr.Out.Header.Set("X-Forwarded-For", pr.In.Header.Get("X-Viewer")) // the viewer it saw
		pr.Out.Header.Set("X-Baton-Origin-Secret", secret)
	}})
	defer cdn.Close()
	send := func(base, id string, hdr map[string]string) map[int]int {
		codes := map[int]int{}
		for i := range 10 {
			req, _ := http.NewRequest("POST", base+"/e", strings.NewReader(fmt.Sprintf(`{"type":"page_view","messageId":"%s-%d","anonymousId":"%s-visitor","properties":{"url":"https://www.example.com/"}}`, id, i, id)))
			for k, v := range hdr {
				req.Header.Set(k, fmt.Sprintf(v, i))
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			codes[resp.StatusCode]++
		}
		return codes
	}
	if codes := send(inner.URL, "direct", map[string]string{"X-Forwarded-For": "203.0.113.%d"}); codes[204] != 3 || codes[429] != 7 {
		t.Errorf("past the CDN, rotating X-Forwarded-For: %v, want 3 served (burst) and 7 limited", codes)
	}
	if codes := send(inner.URL, "guess", map[string]string{"X-Forwarded-For": "198.51.100.%d", "X-Baton-Origin-Secret": "guess-%d"}); codes[429] != 10 {
		t.Errorf("past the CDN with a guessed secret: %v, want all limited (the same client)", codes)
	}
	if codes := send(cdn.URL, "viewers", map[string]string{"X-Viewer": "192.0.2.%d"}); codes[204] != 10 {
		t.Errorf("ten viewers through the CDN: %v, want all served", codes)
	}
}

// TestIdentifyByUserIDUpdatesAttributes: Segment's identify is how a
// backend (or analytics.js, which keeps the userId) updates a known user's
// traits: identify(userId, {email, name}) once, then identify(userId,
// {title, company}) when the profile changes. README: "a later call with
// only the userId is the same person's" and an identify's traits are
// person attributes, which the fit rules read. Only an identify naming an
// email used to apply them: the person's attributes stayed {name: Five}.
func TestIdentifyByUserIDUpdatesAttributes(t *testing.T) {
	clk := clock.NewManual(t0)
	s := stack.ForTestClock(t, nil, clk.Now)
	const email = "tr5@eta.example"
	if code := serverCall(t, s, "/v1/identify", `{"userId":"tr5-user","traits":{"email":"`+email+`","name":"Five"}}`); code != 200 {
		t.Fatalf("identify: %d", code)
	}
	if code := serverCall(t, s, "/v1/identify", `{"userId":"tr5-user","traits":{"title":"CTO","company":"FiveCorp"}}`); code != 200 {
		t.Fatalf("second identify: %d", code)
	}
	settle(t, s)
	code, b := admin_(t, s, "/admin/people?email="+email, token)
	var v admin.PersonView
	if code != 200 || json.Unmarshal(b, &v) != nil {
		t.Fatalf("person: %d %s", code, b)
	}
	if v.Person.Attributes["title"] != "CTO" || v.Person.Attributes["company"] != "FiveCorp" {
		t.Errorf("after identify(userId, {title, company}) the person's attributes are %v, want title CTO and company FiveCorp", v.Person.Attributes)
	}
}

// TestOneClientCannotSpendItsSiteRate: a request the per-address limit
// refuses takes nothing from its site's bucket. The site's bucket was
// taken first, so one address sending fast with a site's Origin (any
// script can write that header) spent the site's whole rate on requests
// refused anyway, and the site's real visitors got 429s.
func TestOneClientCannotSpendItsSiteRate(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "baton.yaml")
	os.WriteFile(cfg, []byte("rate_limit_per_ip: 0.001\nrate_limit_burst: 2\nrate_limit_per_site: 5\n"), 0o600)
	clk := clock.NewManual(time.Date(2031, 5, 12, 9, 0, 0, 0, time.UTC)) // the site's bucket never refills: burst 10
	s := stack.ForTestClock(t, map[string]string{"BATON_CONFIG": cfg, "BATON_TRUST_PROXY": "true", "BATON_SITE_ORIGINS": "https://a.example"}, clk.Now)
	post := func(ip string, i int) int {
		return pageViewFrom(t, s, ip, "https://a.example", fmt.Sprintf("m-%s-%d", ip, i)).StatusCode
	}
	refused := 0
	for i := 0; i < 30; i++ {
		if post("198.51.100.66", i) == 429 {
			refused++
		}
	}
	if refused != 28 {
		t.Fatalf("the flooding address: %d of 30 refused, want 28 (its burst of 2)", refused)
	}
	for i, ip := range []string{"203.0.113.1", "203.0.113.2", "203.0.113.3"} {
		if code := post(ip, i); code != 204 {
			t.Fatalf("visitor %s of the same site after one address's flood: %d, want 204", ip, code)
		}
	}
}

// TestIPv6ClientIsItsPrefix: an IPv6 client holds a whole /64 (SLAAC
// privacy addresses change on their own; a host can take any of 2^64), so
// the per-address limits count the /64: keyed by the full address, every
// request from a new address of the prefix had a full bucket of its own.
func TestIPv6ClientIsItsPrefix(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "baton.yaml")
	os.WriteFile(cfg, []byte("rate_limit_per_ip: 0.001\nrate_limit_burst: 3\n"), 0o600)
	clk := clock.NewManual(time.Date(2031, 5, 12, 9, 0, 0, 0, time.UTC)) // no bucket refills
	s := stack.ForTestClock(t, map[string]string{"BATON_CONFIG": cfg, "BATON_TRUST_PROXY": "true"}, clk.Now)
	post := func(ip string, i int) int { return pageViewFrom(t, s, ip, "", fmt.Sprintf("v6-%d", i)).StatusCode }
	refused := 0
	for i := 0; i < 10; i++ {
		if post(fmt.Sprintf("2001:db8:1:2::%x", i+1), i) == 429 {
			refused++
		}
	}
	if refused != 7 {
		t.Fatalf("10 addresses of one /64: %d refused, want 7 (one burst of 3)", refused)
	}
	if code := post("2001:db8:1:3::1", 99); code != 204 {
		t.Fatalf("another /64: %d, want 204", code)
	}
}

// pageViewFrom posts one page view (message id id) as a client at ip
// (X-Forwarded-For, trusted) sends it, from a page of origin ("": none),
// and returns the answer (its body closed).
func pageViewFrom(t *testing.T, s *stack.Stack, ip, origin, id string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest("POST", s.URL+"/e", strings.NewReader(`{"type":"page_view","messageId":"`+id+`","anonymousId":"rate-limit-visitor-1","properties":{"url":"https://a.example/"}}`))
	req.Header.Set("X-Forwarded-For", ip)
	req.Header.Set("Content-Type", "text/plain")
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}
