package stack_test

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/baton-hq/baton/infra/local/stack"
	"github.com/baton-hq/baton/internal/account"
	"github.com/baton-hq/baton/internal/admin"
	"github.com/baton-hq/baton/internal/audit"
	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/config"
	"github.com/baton-hq/baton/internal/crm"
	"github.com/baton-hq/baton/internal/crm/crmfake"
	"github.com/baton-hq/baton/internal/push"
	"github.com/baton-hq/baton/internal/table"
)

// TestAssembly builds Baton from a configuration file and the environment
// exactly as `make dev` and every Lambda do (config.FromEnv, then the
// stack), and checks through HTTP that each documented key of the file has
// its documented effect. The last subtest walks the file's schema: a key
// that is parsed but that no subtest exercised fails it.
func TestAssembly(t *testing.T) {
	covered := map[string]bool{}
	var mu sync.Mutex
	cover := func(keys ...string) {
		mu.Lock()
		defer mu.Unlock()
		for _, k := range keys {
			covered[k] = true
		}
	}
	t0 := time.Date(2026, 11, 24, 1, 0, 0, 0, time.UTC)
	start := func(t *testing.T, yaml string, env map[string]string) (*stack.Stack, *clock.Manual) {
		t.Helper()
		p := filepath.Join(t.TempDir(), "baton.yaml")
		if err := os.WriteFile(p, []byte(yaml), 0o600); err != nil {
			t.Fatal(err)
		}
		vars := map[string]string{"BATON_CONFIG": p}
		for k, v := range env {
			vars[k] = v
		}
		clk := clock.NewManual(t0)
		return stack.ForTestClock(t, vars, clk.Now), clk
	}
	deliveries := func(t *testing.T, s *stack.Stack, mql string) map[string]map[string]any {
		t.Helper()
		code, b := do(t, "GET", s.URL+"/admin/mqls/"+mql+"/deliveries", token, "")
		var v struct{ Deliveries []map[string]any }
		if code != 200 || json.Unmarshal(b, &v) != nil {
			t.Fatalf("deliveries: %d %s", code, b)
		}
		out := map[string]map[string]any{}
		for _, d := range v.Deliveries {
			out[d["connector"].(string)] = d
		}
		return out
	}
	// delivered: the MQL's delivery to connector is recorded as done, which
	// is after the SFA answered (a fake seeing the record is not enough:
	// the stack's own pusher may still be writing what Baton keeps of it).
	delivered := func(t *testing.T, s *stack.Stack, person, connector string) func() bool {
		return func() bool { return deliveries(t, s, person+"-c1")[connector]["status"] == "delivered" }
	}
	// hubspotPost sends a webhook batch signed as HubSpot signs it (v3, with
	// the app secret the HubSpot subtests configure) and wants a 200.
	// Every request on a connection of its own: a kept-alive connection
	// would let a request overtake connections still waiting to be served.
	fresh := &http.Client{Transport: asBrowser{&http.Transport{DisableKeepAlives: true}}, Timeout: 30 * time.Second}
	post := func(t *testing.T, s *stack.Stack, body string, hdr ...string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest("POST", s.URL+"/e", strings.NewReader(body))
		req.Header.Set("Content-Type", "text/plain")
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		resp, err := fresh.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	pv := func(id, vid, site, consent string) string {
		ctx := ""
		if consent != "" {
			ctx = `,"context":{"consent":"` + consent + `"}`
		}
		return `{"type":"page_view","messageId":"` + id + `","anonymousId":"` + vid + `","site":"` + site + `","properties":{"url":"https://www.example.com/pricing"}` + ctx + `}`
	}
	stored := func(t *testing.T, s *stack.Stack, vid string) int {
		t.Helper()
		evs, err := s.App.Events.Visitor(context.Background(), vid)
		if err != nil {
			t.Fatal(err)
		}
		return len(evs)
	}

	t.Run("consent.required", func(t *testing.T) {
		s, _ := start(t, "consent: {required: true}\n", nil)
		if r := post(t, s, pv("c1", "consent-all-1", "www", "")); r.StatusCode != 202 || stored(t, s, "consent-all-1") != 0 {
			t.Fatalf("no consent: %d, stored %d", r.StatusCode, stored(t, s, "consent-all-1"))
		}
		if r := post(t, s, pv("c2", "consent-all-1", "www", "granted")); r.StatusCode != 204 || stored(t, s, "consent-all-1") != 1 {
			t.Fatalf("consent granted: %d", r.StatusCode)
		}
		cover("consent.required")
	})
	t.Run("consent.analytics_category", func(t *testing.T) {
		// Segment's consent tooling sends context.consent as an object of
		// categories; the configured one says whether analytics may run.
		s, _ := start(t, "consent: {required: true, analytics_category: C0002}\n", nil)
		track := func(id, prefs string) string {
			return `{"type":"track","event":"Viewed","anonymousId":"consent-cat-1","messageId":"` + id + `","context":{"consent":{"categoryPreferences":` + prefs + `}}}`
		}
		for _, c := range []struct{ id, prefs string }{{"cat-granted", `{"C0002":true,"Analytics":false}`}, {"cat-denied", `{"C0002":false,"Analytics":true}`}} {
			if code := serverCall(t, s, "/v1/track", track(c.id, c.prefs)); code != 200 {
				t.Fatalf("%s: %d", c.id, code)
			}
		}
		evs, err := s.App.Events.Visitor(context.Background(), "consent-cat-1")
		if err != nil || len(evs) != 1 || evs[0].ID != "cat-granted" {
			t.Fatalf("stored %+v %v, want the event whose C0002 was granted alone", evs, err)
		}
		cover("consent.analytics_category")
	})
	t.Run("consent.required_sites", func(t *testing.T) {
		s, _ := start(t, "consent: {required_sites: [eu]}\n", nil)
		post(t, s, pv("s1", "consent-site-1", "eu", ""))
		post(t, s, pv("s2", "consent-site-1", "www", ""))
		if n := stored(t, s, "consent-site-1"); n != 1 {
			t.Fatalf("stored %d, want only the www event", n)
		}
		cover("consent.required_sites")
	})
	t.Run("consent.ignore_gpc", func(t *testing.T) {
		honour, _ := start(t, "sites: [www]\n", nil)
		if post(t, honour, pv("g1", "gpc-browser-0001", "www", ""), "Sec-GPC", "1"); stored(t, honour, "gpc-browser-0001") != 0 {
			t.Fatal("Sec-GPC: 1 collected by default")
		}
		ignore, _ := start(t, "consent: {ignore_gpc: true}\n", nil)
		if r := post(t, ignore, pv("g1", "gpc-browser-0001", "www", ""), "Sec-GPC", "1"); r.StatusCode != 204 || stored(t, ignore, "gpc-browser-0001") != 1 {
			t.Fatalf("ignore_gpc: the event was not stored (%d)", r.StatusCode)
		}
		// A tracked link's click too: collected (a visitor cookie) only
		// when Sec-GPC is ignored.
		for _, c := range []struct {
			s    *stack.Stack
			want bool
		}{{honour, false}, {ignore, true}} {
			code, b := do(t, "POST", c.s.URL+"/admin/links", token, `{"campaign":"gpc-news","urls":["https://www.example.com/webinar"]}`)
			var lr struct{ Links []admin.LinkView }
			if code != 201 || json.Unmarshal(b, &lr) != nil || len(lr.Links) != 1 {
				t.Fatalf("links: %d %s", code, b)
			}
			req, _ := http.NewRequest("GET", strings.Replace(lr.Links[0].Tracked, "{{baton_token}}", "no-token", 1), nil)
			req.Header.Set("Sec-GPC", "1")
			resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
			if err != nil || resp.StatusCode != 302 {
				t.Fatalf("click: %v %v", err, resp)
			}
			resp.Body.Close()
			if got := setCookie(resp, "bt_vid") != nil; got != c.want {
				t.Errorf("a Sec-GPC click set bt_vid: %v, want %v", got, c.want)
			}
		}
		cover("consent.ignore_gpc")
	})
	t.Run("internal_traffic", func(t *testing.T) {
		// The office network (the test's loopback, behind a trusted proxy
		// here saying which client): its page views and its clicks on a
		// tracked link are not collected; a visitor's elsewhere are.
		s, _ := start(t, "internal_traffic: {ips: [203.0.113.0/24, \"2001:db8::/32\"], email_domains: [baton.example]}\n", map[string]string{"BATON_TRUST_PROXY": "1"})
		if r := post(t, s, "["+pv("it1", "office-browser-1", "www", "")+"]", "X-Forwarded-For", "203.0.113.9"); r.StatusCode != 202 || stored(t, s, "office-browser-1") != 0 {
			t.Fatalf("from the office: %d, %d stored", r.StatusCode, stored(t, s, "office-browser-1"))
		}
		if r := post(t, s, "["+pv("it2", "visitor-browser-1", "www", "")+"]", "X-Forwarded-For", "198.51.100.9"); r.StatusCode != 204 || stored(t, s, "visitor-browser-1") != 1 {
			t.Fatalf("a visitor: %d", r.StatusCode)
		}
		form := `{"type":"form_submit","messageId":"it3","anonymousId":"staff-home-1","properties":{"url":"https://www.example.com/contact","fields":{"email":"taro@baton.example"}}}`
		if r := post(t, s, "["+form+"]", "X-Forwarded-For", "198.51.100.10"); r.StatusCode != 202 || stored(t, s, "staff-home-1") != 0 {
			t.Fatalf("a staff form from home: %d", r.StatusCode)
		}
		code, b := do(t, "POST", s.URL+"/admin/links", token, `{"campaign":"office-news","urls":["https://www.example.com/webinar"]}`)
		var lr struct{ Links []admin.LinkView }
		if code != 201 || json.Unmarshal(b, &lr) != nil || len(lr.Links) != 1 {
			t.Fatalf("links: %d %s", code, b)
		}
		for _, c := range []struct {
			ip     string
			cookie bool
		}{{"203.0.113.77", false}, {"198.51.100.77", true}} {
			req, _ := http.NewRequest("GET", strings.Replace(lr.Links[0].Tracked, "{{baton_token}}", "no-token", 1), nil)
			req.Header.Set("X-Forwarded-For", c.ip)
			resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
			if err != nil || resp.StatusCode != 302 {
				t.Fatalf("click from %s: %v %v", c.ip, err, resp)
			}
			resp.Body.Close()
			if got := setCookie(resp, "bt_vid") != nil; got != c.cookie {
				t.Errorf("a click from %s collected: %v, want %v", c.ip, got, c.cookie)
			}
		}
		cover("internal_traffic", "internal_traffic.ips", "internal_traffic.email_domains")
	})
	t.Run("sites", func(t *testing.T) {
		s, _ := start(t, "sites: [www, docs]\n", nil)
		if r := post(t, s, pv("x1", "site-1", "evil", "")); r.StatusCode != 400 {
			t.Fatalf("unknown site: %d", r.StatusCode)
		}
		if r := post(t, s, pv("x2", "site-1", "docs", "")); r.StatusCode != 204 {
			t.Fatalf("listed site: %d", r.StatusCode)
		}
		cover("sites")
	})
	t.Run("event_retention,cookie_max_age,secure_cookie", func(t *testing.T) {
		s, _ := start(t, "event_retention: 30d\ncookie_max_age: 90d\nsecure_cookie: true\n", nil)
		r := post(t, s, pv("r1", "retention-1", "www", ""))
		var vid *http.Cookie
		for _, c := range r.Cookies() {
			if c.Name == "bt_vid" {
				vid = c
			}
		}
		if vid == nil || vid.MaxAge != 90*24*3600 || !vid.Secure {
			t.Fatalf("cookie %+v", vid)
		}
		items, err := s.App.Table.Query(context.Background(), table.Query{PK: "V#retention-1", Prefix: "E#"})
		if err != nil || len(items) != 1 || !items[0].Expires.Equal(t0.Add(30*24*time.Hour)) {
			t.Fatalf("event expiry: %+v %v", items, err)
		}
		cover("event_retention", "cookie_max_age", "secure_cookie")
	})
	t.Run("scrub_params", func(t *testing.T) {
		s, _ := start(t, "scrub_params: [member_no]\n", nil)
		post(t, s, `{"type":"page_view","messageId":"sc1","anonymousId":"scrub-browser-0001","properties":{"url":"https://www.example.com/thanks?member_no=778899&password=hunter2&email=taro%40example.co.jp&plan=pro","referrer":"https://www.example.com/contact?csrf_token=abc"}}`)
		evs, err := s.App.Events.Visitor(context.Background(), "scrub-browser-0001")
		if err != nil || len(evs) != 1 {
			t.Fatalf("%v %v", evs, err)
		}
		raw, _ := json.Marshal(evs[0])
		for _, secret := range []string{"778899", "hunter2", "taro", "csrf_token", "abc"} {
			if strings.Contains(string(raw), secret) {
				t.Fatalf("stored %q: %s", secret, raw)
			}
		}
		if evs[0].URL != "https://www.example.com/thanks?plan=pro" {
			t.Fatalf("url %s", evs[0].URL)
		}
		// A form's field of that name goes too (the same form by GET put
		// it in the URL), from the event and the person alike.
		post(t, s, `{"type":"form_submit","messageId":"sc2","anonymousId":"scrub-browser-0002","properties":{"url":"https://www.example.com/contact","fields":{"email":"member@scrub.example","member_no":"778899","company":"Scrub KK"},"labels":{"member_no":"会員番号"}}}`)
		if err := s.Settle(context.Background()); err != nil {
			t.Fatal(err)
		}
		evs, err = s.App.Events.Visitor(context.Background(), "scrub-browser-0002")
		if err != nil || len(evs) != 1 {
			t.Fatalf("%v %v", evs, err)
		}
		p, err := s.App.People.ByEmail(context.Background(), "member@scrub.example")
		if err != nil {
			t.Fatal(err)
		}
		raw, _ = json.Marshal(evs[0])
		person, _ := json.Marshal(p)
		if strings.Contains(string(raw), "778899") || strings.Contains(string(raw), "会員番号") || strings.Contains(string(person), "778899") || p.Attributes["company"] != "Scrub KK" {
			t.Fatalf("a scrub_params form field: stored %s, person %s", raw, person)
		}
		cover("scrub_params")
	})
	t.Run("form_fields", func(t *testing.T) {
		s, _ := start(t, "form_fields: {text-123: company, Your-Position: title}\n", nil)
		post(t, s, `{"type":"form_submit","messageId":"ff1","anonymousId":"form-fields-0001","properties":{"fields":{"email":"builder@maker.example","text-123":"Ｍａｋｅｒ株式会社","your-position":"ＣＴＯ","従業員数":"３００名"}}}`)
		if err := s.Settle(context.Background()); err != nil {
			t.Fatal(err)
		}
		p, err := s.App.People.ByEmail(context.Background(), "builder@maker.example")
		if err != nil {
			t.Fatal(err)
		}
		if a := p.Attributes; a["company"] != "Maker株式会社" || a["title"] != "CTO" || a["employees"] != "300名" {
			t.Fatalf("attributes %v", p.Attributes)
		}
		rec, _ := s.App.Qualifier.Record(context.Background(), p.ID)
		if rec.Verdict.Grade != "A" {
			t.Fatalf("a CTO of 300 people is grade A under the shipped rules: %+v", rec.Verdict)
		}
		cover("form_fields")
	})
	t.Run("timezone", func(t *testing.T) {
		s, clk := start(t, "timezone: Asia/Tokyo\n", nil)
		tokyo, _ := time.LoadLocation("Asia/Tokyo")
		clk.Set(time.Date(2026, 11, 24, 23, 30, 0, 0, tokyo)) // 14:30 UTC
		post(t, s, `{"type":"form_submit","messageId":"tz0","anonymousId":"tz-browser-0001","properties":{"fields":{"email":"tokyo@maker.example"}}}`)
		post(t, s, `{"type":"page_view","messageId":"tz1","anonymousId":"tz-browser-0001","properties":{"url":"https://www.example.com/pricing"}}`)
		if err := s.Settle(context.Background()); err != nil { // the account knows them before the next view
			t.Fatal(err)
		}
		clk.Advance(time.Hour) // 00:30 in Tokyo: another day there, the same day in UTC
		post(t, s, `{"type":"page_view","messageId":"tz2","anonymousId":"tz-browser-0001","properties":{"url":"https://www.example.com/pricing"}}`)
		if err := s.Settle(context.Background()); err != nil {
			t.Fatal(err)
		}
		// A known member's view within the day leaves the account item
		// alone; Tokyo's new day brings their activity in.
		as, err := s.App.Accounts.List(context.Background(), account.ByScore, 0)
		if err != nil || len(as) != 1 || len(as[0].Members) != 1 || !as[0].Members[0].LastActive.Equal(clk.Now()) {
			t.Fatalf("the account after Tokyo's midnight (%v): %+v", err, as)
		}
		p, _ := s.App.People.ByEmail(context.Background(), "tokyo@maker.example")
		led, _ := s.App.Qualifier.Ledger(context.Background(), p.ID)
		pricing := 0
		for _, c := range led {
			if c.Rule == "pricing-page" {
				pricing++
			}
		}
		if pricing != 2 {
			t.Fatalf("the pricing page's daily cap counted Tokyo's days as one: %d contributions", pricing)
		}
		cover("timezone")
	})
	t.Run("calendar,sla.business_time", func(t *testing.T) {
		s, clk := start(t, "timezone: Asia/Tokyo\nsla: {accept_within: 2h, business_time: true}\ncalendar:\n  working_days: [mon, tue, wed, thu, fri]\n  hours: \"09:00-18:00\"\n  holidays: [japan, 2026-11-24, \"12-29..01-03\"]\n", nil)
		tokyo, _ := time.LoadLocation("Asia/Tokyo")
		clk.Set(time.Date(2026, 11, 20, 17, 0, 0, 0, tokyo)) // Friday 17:00
		qualifyDelivered(t, s, "cal-1", "weekend@maker.example")
		// Monday 23rd is a Japanese public holiday, Tuesday 24th a company one:
		// by Wednesday 09:30 sales had 1.5 working hours.
		clk.Set(time.Date(2026, 11, 25, 9, 30, 0, 0, tokyo))
		if bs, err := s.App.Sweep(context.Background()); err != nil || len(bs) != 0 {
			t.Fatalf("breach within 2 business hours: %v %v", bs, err)
		}
		clk.Set(time.Date(2026, 11, 25, 10, 30, 0, 0, tokyo))
		if bs, err := s.App.Sweep(context.Background()); err != nil || len(bs) != 1 {
			t.Fatalf("no breach after 2.5 business hours: %v %v", bs, err)
		}
		// The year-end closure, written once as days of the year: an MQL of
		// Monday 2026-12-28 17:30 is not breached by Monday 2027-01-04
		// 10:00 (1.5 working hours), and is an hour later.
		clk.Set(time.Date(2026, 12, 28, 17, 30, 0, 0, tokyo))
		qualifyDelivered(t, s, "cal-2", "yearend@maker.example")
		clk.Set(time.Date(2027, 1, 4, 10, 0, 0, 0, tokyo))
		if bs, err := s.App.Sweep(context.Background()); err != nil || len(bs) != 0 {
			t.Fatalf("breach over the year-end closure: %v %v", bs, err)
		}
		clk.Set(time.Date(2027, 1, 4, 11, 0, 0, 0, tokyo))
		if bs, err := s.App.Sweep(context.Background()); err != nil || len(bs) != 1 {
			t.Fatalf("no breach 2.5 working hours after the closure: %v %v", bs, err)
		}
		code, b := do(t, "GET", s.URL+"/admin/reports/sla", token, "")
		if code != 200 || !strings.Contains(string(b), `"sla":"2 business hours"`) {
			t.Fatalf("sla report: %d %s", code, b)
		}
		// Times reach sales in the configured zone.
		deliver(t, s, func() bool {
			leads, _ := s.App.Inbox.List(context.Background(), 10)
			return len(leads) == 2
		})
		code, b = do(t, "GET", s.URL+"/admin/inbox", token, "")
		if code != 200 || !strings.Contains(string(b), `"qualifiedAt":"2026-11-20T17:00:00+09:00"`) {
			t.Fatalf("inbox times not in Tokyo time: %d %s", code, b)
		}
		cover("calendar.working_days", "calendar.hours", "calendar.holidays", "sla.business_time")
	})
	t.Run("timeline_limit", func(t *testing.T) {
		s, _ := start(t, "timeline_limit: 2\n", nil)
		for i := range 3 {
			post(t, s, pv(fmt.Sprint("t", i), "timeline-1", "www", ""))
		}
		post(t, s, `{"type":"form_submit","messageId":"tf","anonymousId":"timeline-1","properties":{"fields":{"email":"limit@example.com"}}}`)
		code, b := do(t, "GET", s.URL+"/admin/people?email=limit@example.com", token, "")
		var v struct{ Timeline []any }
		if code != 200 || json.Unmarshal(b, &v) != nil || len(v.Timeline) != 2 {
			t.Fatalf("%d %s", code, b)
		}
		cover("timeline_limit")
	})
	t.Run("link_hosts", func(t *testing.T) {
		s, _ := start(t, "link_hosts: [www.example.com]\n", nil)
		if code, b := do(t, "POST", s.URL+"/admin/links", token, `{"campaign":"c1","urls":["https://evil.example.net/"]}`); code != 400 {
			t.Fatalf("foreign host: %d %s", code, b)
		}
		if code, b := do(t, "POST", s.URL+"/admin/links", token, `{"campaign":"c1","urls":["https://www.example.com/webinar"]}`); code != 200 && code != 201 {
			t.Fatalf("allowed host: %d %s", code, b)
		}
		cover("link_hosts")
	})
	t.Run("admin_tokens", func(t *testing.T) {
		reader := "reader-token-0123456789abcdef"
		sum := sha256.Sum256([]byte(reader))
		s, _ := start(t, "admin_tokens:\n  - {name: analyst, sha256: "+hex.EncodeToString(sum[:])+", scopes: [read]}\n", nil)
		if code, _ := do(t, "GET", s.URL+"/admin/mqls", reader, ""); code != 200 {
			t.Fatalf("read scope cannot read: %d", code)
		}
		if code, _ := do(t, "POST", s.URL+"/admin/links", reader, `{"campaign":"c1","urls":["https://www.example.com/"]}`); code != 403 {
			t.Fatalf("read scope wrote: %d", code)
		}
		cover("admin_tokens")
	})
	t.Run("audit_retention", func(t *testing.T) {
		s, clk := start(t, "audit_retention: 3d\n", nil)
		if code, b := do(t, "POST", s.URL+"/admin/links", token, `{"campaign":"c1","urls":["https://www.example.com/"]}`); code != 201 {
			t.Fatalf("links: %d %s", code, b)
		}
		var expires []time.Time
		s.App.Table.Scan(context.Background(), "", func(it table.Item) error {
			if audit.Holds(it) {
				expires = append(expires, it.Expires)
			}
			return nil
		})
		if len(expires) != 1 || !expires[0].Equal(t0.Add(3*24*time.Hour)) {
			t.Fatalf("audit entries expire at %v, want 3 days on", expires)
		}
		list := func() string {
			code, b := do(t, "GET", s.URL+"/admin/audit", token, "")
			if code != 200 {
				t.Fatalf("audit: %d %s", code, b)
			}
			return string(b)
		}
		if b := list(); !strings.Contains(b, `"route":"POST /admin/links"`) {
			t.Fatalf("audit %s", b)
		}
		clk.Advance(3 * 24 * time.Hour)
		if b := list(); b != `{"entries":[]}`+"\n" && b != `{"entries":[]}` {
			t.Fatalf("after 3 days: %q", b)
		}
		cover("audit_retention")
	})
	t.Run("rate_limit_per_ip,rate_limit_burst", func(t *testing.T) {
		s, _ := start(t, "rate_limit_per_ip: 0.001\nrate_limit_burst: 2\n", nil)
		var codes []int
		for i := range 3 {
			codes = append(codes, post(t, s, pv(fmt.Sprint("rl", i), "rate-1", "www", "")).StatusCode)
		}
		if fmt.Sprint(codes) != "[204 204 429]" {
			t.Fatalf("codes %v, want two within the burst then 429", codes)
		}
		cover("rate_limit_per_ip", "rate_limit_burst")
	})
	t.Run("rate_limit_per_site", func(t *testing.T) {
		s, _ := start(t, "rate_limit_per_ip: -1\nrate_limit_per_site: 1\n", map[string]string{"BATON_SITE_ORIGINS": "https://www.example.com,https://docs.example.com"})
		var codes []int
		var last *http.Response
		for i := range 3 {
			last = post(t, s, pv(fmt.Sprint("rs", i), "site-rate-1", "www", ""), "Origin", "https://www.example.com")
			codes = append(codes, last.StatusCode)
		}
		other := post(t, s, pv("rs-docs", "site-rate-2", "docs", ""), "Origin", "https://docs.example.com").StatusCode
		if codes[0] != 204 || codes[2] != 429 || other != 204 {
			t.Fatalf("one origin %v, another %d", codes, other)
		}
		// The page must be able to read the refusal (status, Retry-After).
		if got := last.Header.Get("Access-Control-Allow-Origin"); got != "https://www.example.com" || last.Header.Get("Retry-After") == "" {
			t.Fatalf("429 readable by the page? Access-Control-Allow-Origin %q, Retry-After %q", got, last.Header.Get("Retry-After"))
		}
		if v := last.Header.Values("Vary"); len(v) != 1 {
			t.Fatalf("Vary %q", v)
		}
		// analytics.js's calls to /v1 from the page, likewise, with
		// Retry-After exposed to its script (it waits that long).
		req, _ := http.NewRequest("POST", s.URL+"/v1/t", strings.NewReader(`{"type":"track","event":"x","anonymousId":"site-rate-1","writeKey":"test-write-key-0123456789"}`))
		req.Header.Set("Content-Type", "text/plain")
		req.Header.Set("Origin", "https://www.example.com")
		ajs, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		ajs.Body.Close()
		if ajs.StatusCode != 429 || ajs.Header.Get("Access-Control-Allow-Origin") != "https://www.example.com" || ajs.Header.Get("Access-Control-Expose-Headers") != "Retry-After" || ajs.Header.Get("Retry-After") == "" {
			t.Fatalf("analytics.js's call past the limit: %d %v", ajs.StatusCode, ajs.Header)
		}
		// A page of another site is refused: it may read why (a site
		// missing from BATON_SITE_ORIGINS is the commonest install
		// mistake), and gets no visitor cookie.
		foreign := post(t, s, pv("rs-evil", "site-rate-3", "www", ""), "Origin", "https://evil.example.net")
		if foreign.StatusCode != 403 || foreign.Header.Get("Set-Cookie") != "" {
			t.Fatalf("foreign origin: %d, %v", foreign.StatusCode, foreign.Header)
		}
		cover("rate_limit_per_site")
	})
	t.Run("max_in_flight", func(t *testing.T) {
		s, _ := start(t, "max_in_flight: 1\nrate_limit_per_ip: -1\n", nil)
		// Clients hold the only slot with bodies they never finish; a new
		// one joins before each try, so a holder the server already let go
		// of cannot make the check pass or fail by chance.
		deadline := time.Now().Add(20 * time.Second)
		code := 0
		for time.Now().Before(deadline) {
			c, err := net.Dial("tcp", strings.TrimPrefix(s.URL, "http://"))
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			fmt.Fprintf(c, "POST /e HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\n{")
			time.Sleep(20 * time.Millisecond)
			if code = post(t, s, pv("mf", "inflight-1", "www", "")).StatusCode; code == 503 {
				break
			}
		}
		if code != 503 {
			t.Fatalf("second request while one is in flight: %d", code)
		}
		cover("max_in_flight")
	})
	t.Run("max_in_flight_per_client", func(t *testing.T) {
		s, _ := start(t, "max_in_flight: 3\nmax_in_flight_per_client: 2\nrate_limit_per_ip: -1\n", map[string]string{"BATON_TRUST_PROXY": "1"})
		// A slow-POST client opens more connections than the whole process
		// serves at once, trickling bodies it never finishes. A new one joins
		// before each try: a try of its own that took a slot while a holder
		// was refused must not leave the client holding one slot for good.
		deadline := time.Now().Add(20 * time.Second)
		slow := 0
		for time.Now().Before(deadline) { // until its two slots are held
			c, err := net.Dial("tcp", strings.TrimPrefix(s.URL, "http://"))
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			fmt.Fprintf(c, "POST /e HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 198.51.100.66\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\n{")
			time.Sleep(20 * time.Millisecond)
			if slow = post(t, s, pv("pc-slow", "per-client-slow-1", "www", ""), "X-Forwarded-For", "198.51.100.66").StatusCode; slow == 429 {
				break
			}
		}
		other := post(t, s, pv("pc-other", "per-client-other-1", "www", ""), "X-Forwarded-For", "198.51.100.77").StatusCode
		if slow != 429 || other != 204 {
			t.Fatalf("slow client %d (want 429), another client %d (want 204)", slow, other)
		}
		cover("max_in_flight_per_client")
	})
	t.Run("sla.accept_within,sla.webhook_url", func(t *testing.T) {
		hook, received := slaHook(t)
		s, clk := start(t, "sla: {accept_within: 2h, webhook_url: "+hook.URL+"}\n", map[string]string{"BATON_WEBHOOK_SECRET": "whsec_c2VjcmV0LWZvci1hc3NlbWJseS10ZXN0"})
		qualifyDelivered(t, s, "sla-1", "waiting@maker.example")
		clk.Advance(90 * time.Minute)
		if bs, err := s.App.Sweep(context.Background()); err != nil || len(bs) != 0 {
			t.Fatalf("breach before accept_within: %v %v", bs, err)
		}
		clk.Advance(time.Hour)
		if bs, err := s.App.Sweep(context.Background()); err != nil || len(bs) != 1 {
			t.Fatalf("no breach after accept_within: %v %v", bs, err)
		}
		if got := received(); len(got) != 1 || got[0]["type"] != "mql.sla_breached" {
			t.Fatalf("webhook got %v", got)
		}
		cover("sla.accept_within", "sla.webhook_url")
	})
	t.Run("sla.accept_within working days", func(t *testing.T) {
		// 1bd is one working day of the calendar's hours (9 here), not 24
		// working hours; the breach's webhook says the wait and the SLA in
		// minutes and as people read them.
		hook, received := slaHook(t)
		s, clk := start(t, "timezone: Asia/Tokyo\nsla: {accept_within: 1bd, business_time: true, webhook_url: "+hook.URL+"}\ncalendar: {hours: \"09:00-18:00\", holidays: [japan]}\n",
			map[string]string{"BATON_WEBHOOK_SECRET": "whsec_c2VjcmV0LWZvci1hc3NlbWJseS10ZXN0"})
		tokyo, _ := time.LoadLocation("Asia/Tokyo")
		clk.Set(time.Date(2026, 11, 20, 17, 0, 0, 0, tokyo)) // Friday 17:00
		qualifyDelivered(t, s, "bd-1", "workingday@maker.example")
		// Monday 23rd is 勤労感謝の日: Tuesday 17:00 is 9 working hours on.
		clk.Set(time.Date(2026, 11, 24, 17, 0, 0, 0, tokyo))
		if bs, err := s.App.Sweep(context.Background()); err != nil || len(bs) != 0 {
			t.Fatalf("breach within one working day: %v %v", bs, err)
		}
		clk.Set(time.Date(2026, 11, 24, 17, 1, 0, 0, tokyo))
		if bs, err := s.App.Sweep(context.Background()); err != nil || len(bs) != 1 {
			t.Fatalf("no breach past one working day: %v %v", bs, err)
		}
		got := received()
		var data map[string]any
		if len(got) == 1 {
			data, _ = got[0]["data"].(map[string]any)
		}
		if data["waitingMinutes"] != float64(541) || data["waiting"] != "9h1m of business time" || data["acceptWithinMinutes"] != float64(540) ||
			data["acceptWithin"] != "1 business day" || data["businessTime"] != true || data["waitingFor"] != "9h1m0s" {
			t.Fatalf("webhook got %v", got)
		}
		code, b := do(t, "GET", s.URL+"/admin/reports/sla", token, "")
		if code != 200 || !strings.Contains(string(b), `"sla":"1 business day"`) {
			t.Fatalf("sla report: %d %s", code, b)
		}
	})
	t.Run("sla.webhook_url redirected", func(t *testing.T) {
		// A webhook answering 307 had the signed breach, the person's email in
		// it, posted again wherever it pointed: never followed, an error that
		// names it, and the breach announced at a later sweep.
		var elsewhere atomic.Int64
		other := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { elsewhere.Add(1) }))
		defer other.Close()
		hook := httptest.NewServer(http.RedirectHandler(other.URL+"/latest/meta-data/", http.StatusTemporaryRedirect))
		defer hook.Close()
		s, clk := start(t, "sla: {accept_within: 2h, webhook_url: "+hook.URL+"}\n", map[string]string{"BATON_WEBHOOK_SECRET": "whsec_c2VjcmV0LWZvci1hc3NlbWJseS10ZXN0"})
		qualifyDelivered(t, s, "sla-redirect-1", "redirected@maker.example")
		clk.Advance(3 * time.Hour)
		if _, err := s.App.Sweep(context.Background()); err == nil || !strings.Contains(err.Error(), "redirects are never followed") {
			t.Fatalf("sweep: %v", err)
		}
		if n := elsewhere.Load(); n != 0 {
			t.Fatalf("the redirect was followed: %d requests", n)
		}
	})
	t.Run("sfa.hubspot,feedback.hubspot", func(t *testing.T) {
		f := crmfake.NewHubSpot()
		defer f.Close()
		s, _ := start(t, "sfa:\n  hubspot:\n    base_url: "+f.URL+"\n    fields: {company: company, jobtitle: title}\nfeedback:\n  hubspot: {NURTURE_LATER: rejected}\n",
			map[string]string{"BATON_HUBSPOT_TOKEN": f.Token, "BATON_HUBSPOT_CLIENT_SECRET": "hubspot-app-secret-0123"})
		p := qualifyOne(t, s, "hs-1", "hubspot-lead@maker.example")
		// Delivered, not only seen by the fake: the background pusher records
		// the contact's id (what the webhook names) after HubSpot answered.
		deliver(t, s, delivered(t, s, p, "hubspot"))
		contact := f.Contact("hubspot-lead@maker.example")
		if contact["company"] != "Maker" {
			t.Fatalf("contact %v", contact)
		}
		cover("sfa.hubspot", "sfa.hubspot.base_url", "sfa.hubspot.fields")
		// The contact's owner, the rep: the SLA and reps reports name them by email.
		f.Lock()
		f.Contacts["hubspot-lead@maker.example"]["hubspot_owner_id"] = "41629779"
		f.Owners = map[string]*crmfake.HubSpotOwner{"41629779": {ID: "41629779", Email: "tanaka@maker.example", FirstName: "太郎", LastName: "田中", UserID: 9586504}}
		f.Unlock()
		// Sales set a lead status the configured map names: the signed webhook recycles.
		body := `[{"eventId":77,"subscriptionId":1,"portalId":1,"occurredAt":` + fmt.Sprint(t0.UnixMilli()) +
			`,"subscriptionType":"contact.propertyChange","attemptNumber":0,"objectId":` + contact["hs_object_id"] + `,"propertyName":"hs_lead_status","propertyValue":"NURTURE_LATER","changeSource":"CRM"}]`
		hubspotPost(t, s, body, t0)
		if rec, _ := s.App.Qualifier.Record(context.Background(), p); rec.Stage != "recycled" {
			t.Fatalf("a configured HubSpot value did not map: stage %s", rec.Stage)
		}
		repOwns(t, s, "tanaka@maker.example")
		cover("feedback.hubspot")
	})
	t.Run("sfa.hubspot,feedback.hubspot deals", func(t *testing.T) {
		// A deal's webhook names the deal: the stack reads it with the
		// connector's token, and its contact, Baton's person, is won with the
		// deal's amount.
		f := crmfake.NewHubSpot()
		defer f.Close()
		s, _ := start(t, "sfa:\n  hubspot:\n    base_url: "+f.URL+"\n", map[string]string{"BATON_HUBSPOT_TOKEN": f.Token, "BATON_HUBSPOT_CLIENT_SECRET": "hubspot-app-secret-0123"})
		p := qualifyOne(t, s, "hs-deal-1", "deal-lead@maker.example")
		deliver(t, s, delivered(t, s, p, "hubspot"))
		f.Lock()
		f.Deals = map[string]*crmfake.HubSpotDeal{"8801": {Properties: map[string]string{"dealstage": "closedwon", "amount": "3300000", "deal_currency_code": "JPY", "closedate": "2026-11-24T00:00:00Z", "hubspot_owner_id": "52000001"}, Contacts: []string{f.Contacts["deal-lead@maker.example"]["hs_object_id"]}}}
		f.Owners = map[string]*crmfake.HubSpotOwner{"52000001": {ID: "52000001", Email: "suzuki@maker.example", FirstName: "一郎", LastName: "鈴木", UserID: 9586505}}
		f.Unlock()
		body := `[{"eventId":78,"subscriptionId":2,"portalId":1,"occurredAt":` + fmt.Sprint(t0.UnixMilli()) + `,"subscriptionType":"deal.propertyChange","attemptNumber":0,"objectId":8801,"propertyName":"dealstage","propertyValue":"closedwon","changeSource":"CRM"}]`
		hubspotPost(t, s, body, t0)
		rec, _ := s.App.Qualifier.Record(context.Background(), p)
		deals, err := s.App.Qualifier.Deals(context.Background(), p)
		if rec.Stage != "customer" || err != nil || len(deals) != 1 || deals[0].Amount != 3300000 || deals[0].Currency != "JPY" {
			t.Fatalf("a won deal: stage %s, deals %+v %v", rec.Stage, deals, err)
		}
		repOwns(t, s, "suzuki@maker.example") // the deal's owner
	})
	t.Run("sfa.hubspot,feedback.hubspot without the owners scope", func(t *testing.T) {
		// A private app without crm.objects.owners.read: the outcome is
		// recorded all the same, under the owner id HubSpot keeps.
		f := crmfake.NewHubSpot()
		defer f.Close()
		f.MissingScopes = []string{"crm.objects.owners.read"}
		s, _ := start(t, "sfa:\n  hubspot:\n    base_url: "+f.URL+"\n", map[string]string{"BATON_HUBSPOT_TOKEN": f.Token, "BATON_HUBSPOT_CLIENT_SECRET": "hubspot-app-secret-0123"})
		p := qualifyOne(t, s, "hs-scope-1", "scope-lead@maker.example")
		deliver(t, s, delivered(t, s, p, "hubspot"))
		f.Lock()
		f.Contacts["scope-lead@maker.example"]["hubspot_owner_id"] = "41629779"
		f.Owners = map[string]*crmfake.HubSpotOwner{"41629779": {ID: "41629779", Email: "tanaka@maker.example"}}
		id := f.Contacts["scope-lead@maker.example"]["hs_object_id"]
		f.Unlock()
		body := `[{"eventId":79,"subscriptionId":1,"portalId":1,"occurredAt":` + fmt.Sprint(t0.UnixMilli()) +
			`,"subscriptionType":"contact.propertyChange","attemptNumber":0,"objectId":` + id + `,"propertyName":"lifecyclestage","propertyValue":"salesqualifiedlead","changeSource":"CRM"}]`
		hubspotPost(t, s, body, t0)
		if rec, _ := s.App.Qualifier.Record(context.Background(), p); rec.Stage != "sql" {
			t.Fatalf("refused the owners scope, the outcome was lost: stage %s", rec.Stage)
		}
		repOwns(t, s, "41629779")
	})
	t.Run("sfa.salesforce", func(t *testing.T) {
		f := crmfake.NewSalesforce()
		defer f.Close()
		secret := "feedback-secret-0123456789"
		s, _ := start(t, "sfa:\n  language: ja\n  salesforce:\n    login_url: "+f.URL+"\n    client_id: "+f.ClientID+"\n    lead_key: Baton_Person_Id__c\n    task_key: Baton_MQL_Id__c\n    fields: {title: Title}\n",
			map[string]string{"BATON_SALESFORCE_CLIENT_SECRET": f.ClientSecret, "BATON_FEEDBACK_SECRET": secret})
		p := qualifyOne(t, s, "sf-1", "salesforce-lead@maker.example")
		deliver(t, s, delivered(t, s, p, "salesforce"))
		if l := f.Lead(p); l["Title"] != "購買部長" {
			t.Fatalf("lead %v", l)
		}
		// Sales' answer names its rep by OwnerId (a change event): the
		// reports name the User's email, read from the org sfa.salesforce
		// configures.
		f.Users = map[string]map[string]any{"0055g00000AbCdEAAZ": {"Id": "0055g00000AbCdEAAZ", "Name": "田中 太郎", "Email": "tanaka@maker.example"}}
		cdc := `{"version":"0","id":"cdc-owner-1","detail-type":"LeadChangeEvent","source":"aws.partner/salesforce.com/00D/0YL","time":"2026-11-24T02:00:00Z",
		  "detail":{"payload":{"ChangeEventHeader":{"entityName":"Lead","recordIds":["` + fmt.Sprint(f.Lead(p)["Id"]) + `"],"changeType":"UPDATE","changedFields":["Status"],"commitTimestamp":1795485600000},"Status":"Working - Contacted","OwnerId":"0055g00000AbCdEAAZ"}}}`
		req, _ := http.NewRequest("POST", s.URL+"/feedback/salesforce", strings.NewReader(cdc))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Baton-Secret", secret)
		if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 200 {
			t.Fatalf("feedback: %v %v", err, resp)
		}
		// The history keeps the id, not the User's email (README, Privacy).
		if hist, _ := s.App.Qualifier.History(context.Background(), p); len(hist) == 0 || hist[len(hist)-1].Owner != "0055g00000AbCdEAAZ" {
			t.Fatalf("the rep on the stage history: %+v", hist)
		}
		repOwns(t, s, "tanaka@maker.example")
		cover("sfa.salesforce", "sfa.salesforce.login_url", "sfa.salesforce.client_id", "sfa.salesforce.lead_key", "sfa.salesforce.task_key", "sfa.salesforce.fields")
		// A Japanese sales team reads the Task in Japanese.
		if d, _ := f.Task(p + "-c1")["Description"].(string); !strings.Contains(d, "行動スコア") || !strings.Contains(d, "最近の行動（時刻は ") || !strings.Contains(d, "フォーム送信") {
			t.Fatalf("the Task's description with sfa.language ja:\n%s", d)
		}
		// Its subject names the condition by the rules file's Japanese label,
		// never by the machine name (hot-and-fit).
		if subj, _ := f.Task(p + "-c1")["Subject"].(string); !strings.HasPrefix(subj, "MQL：") || strings.ContainsAny(subj, "abcdefghijklmnopqrstuvwxyz") {
			t.Fatalf("the Task's subject with sfa.language ja: %q", subj)
		}
		cover("sfa.language")
	})
	t.Run("sfa.salesforce owner of an SLA breach", func(t *testing.T) {
		// Nobody answered the lead, so no verdict named a rep: the breach
		// names the owner the org's assignment rule gave the Lead.
		f := crmfake.NewSalesforce()
		defer f.Close()
		f.AssignTo = "0055g00000AbCdEAAZ"
		f.Users = map[string]map[string]any{"0055g00000AbCdEAAZ": {"Id": "0055g00000AbCdEAAZ", "Name": "田中 太郎", "Email": "tanaka@maker.example"}}
		hook, received := slaHook(t)
		s, clk := start(t, "sla: {accept_within: 2h, webhook_url: "+hook.URL+"}\nsfa:\n  salesforce:\n    login_url: "+f.URL+"\n    client_id: "+f.ClientID+"\n    lead_key: Baton_Person_Id__c\n    task_key: Baton_MQL_Id__c\n",
			map[string]string{"BATON_SALESFORCE_CLIENT_SECRET": f.ClientSecret, "BATON_WEBHOOK_SECRET": "whsec_c2VjcmV0LWZvci1hc3NlbWJseS10ZXN0"})
		p := qualifyOne(t, s, "sf-owner-1", "owned-lead@maker.example")
		deliver(t, s, delivered(t, s, p, "salesforce"))
		clk.Advance(150 * time.Minute)
		if bs, err := s.App.Sweep(context.Background()); err != nil || len(bs) != 1 {
			t.Fatalf("no breach after accept_within: %v %v", bs, err)
		}
		got := received()
		var data map[string]any
		if len(got) == 1 {
			data, _ = got[0]["data"].(map[string]any)
		}
		if data["owner"] != "tanaka@maker.example" || data["ownerId"] != "0055g00000AbCdEAAZ" {
			t.Fatalf("breach webhook %v", got)
		}
	})
	t.Run("sfa.salesforce.account_key", func(t *testing.T) {
		// Two people of one company qualify: the MQA upserts the Account by
		// Baton's account id and puts a Task with the people on it, once.
		f := crmfake.NewSalesforce()
		defer f.Close()
		s, _ := start(t, "sfa:\n  salesforce:\n    login_url: "+f.URL+"\n    client_id: "+f.ClientID+"\n    lead_key: Baton_Person_Id__c\n    task_key: Baton_MQL_Id__c\n    account_key: Baton_Account_Id__c\n",
			map[string]string{"BATON_SALESFORCE_CLIENT_SECRET": f.ClientSecret})
		qualifyOne(t, s, "sfa-1", "one@account-maker.example")
		qualifyOne(t, s, "sfa-2", "two@account-maker.example")
		as, err := s.App.Accounts.List(context.Background(), account.ByScore, 0)
		if err != nil || len(as) != 1 || len(as[0].MQAs) != 1 {
			t.Fatalf("accounts %+v %v", as, err)
		}
		id, mqa := as[0].ID, as[0].MQAs[0]
		deliver(t, s, func() bool { return f.Task(mqa) != nil })
		acct, task := f.Account(id), f.Task(mqa)
		desc, _ := task["Description"].(string)
		if acct["Name"] != "Maker" || acct["Website"] != "account-maker.example" || task["WhatId"] != acct["Id"] ||
			!strings.Contains(desc, "one@account-maker.example") || !strings.Contains(desc, "two@account-maker.example") || task["Subject"] != "MQA: Buying group active" { // infra/rules.yaml's mqa.label in English (sfa.language unset)
			t.Fatalf("account %v task %v", acct, task)
		}
		for range 3 {
			if _, err := s.App.Pusher.RunOnce(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		f.Lock()
		n := f.Calls["PATCH Account"]
		f.Unlock()
		if n != 1 {
			t.Fatalf("the Account was upserted %d times", n)
		}
		// What the org keeps of the Account is the account's now.
		if a, err := s.App.Accounts.Get(context.Background(), id); err != nil || a.SFA["website"] != "account-maker.example" || a.SFA["company"] != "Maker" {
			t.Fatalf("SFA values %+v %v", a.SFA, err)
		}
		cover("sfa.salesforce.account_key")
	})
	t.Run("sfa.kintone,sfa.erase", func(t *testing.T) {
		f := crmfake.NewKintone()
		defer f.Close()
		s, _ := start(t, "sfa:\n  erase: true\n  kintone:\n    base_url: "+f.URL+"\n    app: 42\n    email_field: email\n    fields: {company: company}\n",
			map[string]string{"BATON_KINTONE_API_TOKEN": f.APIToken})
		p := qualifyOne(t, s, "kt-2", "kintone-record@maker.example")
		deliver(t, s, delivered(t, s, p, "kintone"))
		if r := f.Record("kintone-record@maker.example"); r["company"] != "Maker" {
			t.Fatalf("record %v", r)
		}
		cover("sfa.kintone", "sfa.kintone.base_url", "sfa.kintone.app", "sfa.kintone.email_field", "sfa.kintone.fields")
		if code, b := do(t, "DELETE", s.URL+"/admin/people/"+p, token, ""); code != 200 {
			t.Fatalf("erase: %d %s", code, b)
		}
		if r := f.Record("kintone-record@maker.example"); r != nil {
			t.Fatalf("sfa.erase: the kintone record survived the erasure: %v", r)
		}
		cover("sfa.erase")
	})
	t.Run("sfa.erase,webhook", func(t *testing.T) {
		// With sfa.erase the SFAs deleted the person while the webhook's
		// receiver kept the email, name, company and message it was sent.
		// It is told now: a signed person.erased naming the person as
		// mql.created did, nothing else; the erasure's answer says whether
		// it acknowledged. A receiver down fails the erasure (tried three
		// times; it is retried, the person still there); one refusing it
		// is said in the answer and the erasure done.
		const secret = "whsec_ZXJhc2Utd2ViaG9vay1vbmx5LXNlY3JldA=="
		hook, srv := newHookRecorder(t, secret)
		s, _ := start(t, "sfa:\n  erase: true\n", map[string]string{"BATON_WEBHOOK_URL": srv.URL, "BATON_WEBHOOK_SECRET": secret})
		var waits []time.Duration
		for _, c := range s.App.Delivery.Connectors {
			if wh, ok := c.(*crm.Webhook); ok {
				wh.Sleep = func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }
			}
		}
		erase := func(p string) (int, map[string]any) {
			t.Helper()
			code, b := do(t, "DELETE", s.URL+"/admin/people/"+p, token, "")
			var v map[string]any
			json.Unmarshal(b, &v)
			return code, v
		}
		// A person the receiver was never sent (no MQL): it is not told,
		// which would hand it their email.
		form := `{"type":"form_submit","messageId":"wh-never-1","anonymousId":"wh-never","properties":{"url":"https://www.example.com/contact","form":{"id":"contact"},"fields":{"email":"never-sent@maker.example"}}}`
		if resp, err := http.Post(s.URL+"/e", "text/plain", strings.NewReader(form)); err != nil || resp.StatusCode != 204 {
			t.Fatalf("form: %v %v", err, resp)
		}
		if err := s.Settle(context.Background()); err != nil {
			t.Fatal(err)
		}
		never, err := s.App.People.ByEmail(context.Background(), "never-sent@maker.example")
		if err != nil {
			t.Fatal(err)
		}
		code, v := erase(never.ID)
		told, _ := v["told"].(map[string]any)
		if skip, _ := told["webhook"].(map[string]any); code != 200 || skip["acknowledged"] != false || skip["skipped"] == nil || hook.count("person.erased") != 0 {
			t.Fatalf("erasing a person the receiver never had: %d %v, %d notices", code, v, hook.count("person.erased"))
		}

		p := qualifyOne(t, s, "wh-er-1", "hook-erase@maker.example")
		deliver(t, s, delivered(t, s, p, "webhook"))
		hook.mu.Lock()
		hook.status = 503
		hook.mu.Unlock()
		if code, v := erase(p); code != 503 || !strings.Contains(fmt.Sprint(v["error"]), "webhook did not acknowledge it (HTTP status 503") || len(waits) != 2 {
			t.Fatalf("erased with the receiver down: %d %v (waits %v)", code, v, waits)
		}
		if _, err := s.App.People.Get(context.Background(), p); err != nil {
			t.Fatalf("the person is gone after a failed erasure (nothing to retry it from): %v", err)
		}
		hook.mu.Lock()
		hook.status = 0
		hook.mu.Unlock()
		code, v = erase(p)
		told, _ = v["told"].(map[string]any)
		if ack, _ := told["webhook"].(map[string]any); code != 200 || ack["acknowledged"] != true {
			t.Fatalf("erase: %d %v", code, v)
		}
		hook.mu.Lock()
		notices := hook.got["person.erased"]
		hook.mu.Unlock()
		var data map[string]any
		if len(notices) != 1 || json.Unmarshal(notices[0], &data) != nil || len(data) != 2 || data["personId"] != p || data["email"] != "hook-erase@maker.example" {
			t.Fatalf("person.erased %s", notices)
		}

		// A receiver that refuses it: the erasure is done, and says so.
		q := qualifyOne(t, s, "wh-er-2", "hook-refuses@maker.example")
		deliver(t, s, delivered(t, s, q, "webhook"))
		hook.mu.Lock()
		hook.status = 422
		hook.mu.Unlock()
		code, v = erase(q)
		told, _ = v["told"].(map[string]any)
		if ack, _ := told["webhook"].(map[string]any); code != 200 || ack["acknowledged"] != false || ack["status"] != float64(422) {
			t.Fatalf("erase past a refusing receiver: %d %v", code, v)
		}
	})
	t.Run("sfa.kintone 520", func(t *testing.T) {
		// kintone's 520 with a permanent code (no permission): the
		// delivery is dead at its first attempt, and the operator reads
		// kintone's code and message in the delivery and the dead letter;
		// kintone is not asked again.
		f := crmfake.NewKintone()
		defer f.Close()
		s, _ := start(t, "sfa:\n  kintone:\n    base_url: "+f.URL+"\n    app: 42\n    email_field: email\n",
			map[string]string{"BATON_KINTONE_API_TOKEN": f.APIToken})
		f.FailWrites(1, crmfake.Fault{Status: crmfake.KintoneUnknownStatus, Body: crmfake.KintoneNoPermission})
		p := qualifyOne(t, s, "kt-520", "kintone-denied@maker.example")
		var d map[string]any
		const says = "kintone: 520 CB_NO02: 権限がありません。"
		// The stack's own worker may be the one delivering: the delivery
		// is marked dead before its message moves to the dead letters.
		deliver(t, s, func() bool {
			if d = deliveries(t, s, p+"-c1")["kintone"]; d["status"] != "dead" {
				return false
			}
			code, b := do(t, "GET", s.URL+"/admin/deadletters", token, "")
			return code == 200 && strings.Contains(string(b), says)
		})
		if d["lastError"] != says || d["attempts"] != 1.0 {
			t.Fatalf("delivery %v", d)
		}
		for range 3 {
			s.App.Pusher.RunOnce(context.Background())
		}
		if n := f.Calls["PUT /k/v1/records.json"]; n != 1 || f.Record("kintone-denied@maker.example") != nil {
			t.Fatalf("%d upserts after a permanent 520", n)
		}
	})
	t.Run("sfa.kintone.comment,comment_mentions", func(t *testing.T) {
		// Each MQL's summary is also a comment on the lead's record,
		// addressed to the mentioned user.
		f := crmfake.NewKintone()
		defer f.Close()
		s, _ := start(t, "sfa:\n  language: ja\n  kintone:\n    base_url: "+f.URL+"\n    app: 42\n    email_field: email\n    comment: true\n    comment_mentions: [{code: sato, type: USER}]\n",
			map[string]string{"BATON_KINTONE_API_TOKEN": f.APIToken})
		const email = "kintone-comment@maker.example"
		p := qualifyOne(t, s, "kt-comment", email)
		deliver(t, s, func() bool { return mqlDelivered(t, s, p+"-c1") })
		cs := f.RecordComments(email)
		if len(cs) != 1 || !strings.HasPrefix(cs[0].Text, "@sato") || !strings.Contains(cs[0].Text, "MQL") || !strings.HasSuffix(cs[0].Text, "(Baton MQL "+p+"-c1)") {
			t.Fatalf("the record's comments: %+v", cs)
		}
		cover("sfa.kintone.comment", "sfa.kintone.comment_mentions")
	})
	t.Run("attribution.unwanted_referrals", func(t *testing.T) {
		// A visitor found the site in a search, signed in at the company's
		// own identity provider and came back: the search stays the latest
		// touch, the sign-in page none; so does a crossing from another of
		// the company's sites (BATON_SITE_ORIGINS).
		s, _ := start(t, "attribution:\n  unwanted_referrals: [login.acme-idp.example]\n", map[string]string{"BATON_SITE_ORIGINS": "https://www.example.com,https://www.acme-corp.example"})
		const vid = "unwanted-referral-browser"
		for i, ref := range []string{"https://www.google.co.jp/", "https://sso.login.acme-idp.example/saml", "https://www.acme-corp.example/products"} {
			post(t, s, fmt.Sprintf(`{"type":"page_view","messageId":"ur-%d","anonymousId":"%s","timestamp":"2031-05-12T09:0%d:00Z","properties":{"url":"https://www.example.com/p%d","referrer":"%s"}}`, i, vid, i, i, ref))
		}
		post(t, s, `{"type":"form_submit","messageId":"ur-f","anonymousId":"`+vid+`","timestamp":"2031-05-12T09:05:00Z","properties":{"url":"https://www.example.com/contact","form":{"id":"contact"},"fields":{"email":"unwanted-referral@maker.example"}}}`)
		if err := s.Settle(context.Background()); err != nil {
			t.Fatal(err)
		}
		person, err := s.App.People.ByEmail(context.Background(), "unwanted-referral@maker.example")
		if err != nil {
			t.Fatal(err)
		}
		ts, err := s.App.Qualifier.Touches(context.Background(), person.ID)
		if err != nil || len(ts) != 1 || ts[0].Channel != "search" {
			t.Fatalf("touches %+v (%v), want the search alone", ts, err)
		}
		cover("attribution.unwanted_referrals")
	})
	t.Run("sfa.kintone.account_app,account_key_field,account_fields", func(t *testing.T) {
		// An MQA is a record of the MQA app (keyed by the MQA id), and a
		// company with a note at HubSpot beside it: each once.
		f := crmfake.NewKintone()
		defer f.Close()
		h := crmfake.NewHubSpot()
		defer h.Close()
		s, _ := start(t, "sfa:\n  kintone:\n    base_url: "+f.URL+"\n    app: 42\n    email_field: email\n    account_app: 43\n    account_key_field: mqa_id\n    account_fields: {company: company, domain: domain, mqa_summary: reason, score: score}\n  hubspot:\n    base_url: "+h.URL+"\n",
			map[string]string{"BATON_KINTONE_API_TOKEN": f.APIToken, "BATON_HUBSPOT_TOKEN": h.Token})
		qualifyOne(t, s, "kta-1", "one@kintone-maker.example")
		qualifyOne(t, s, "kta-2", "two@kintone-maker.example")
		as, err := s.App.Accounts.List(context.Background(), account.ByActivity, 0)
		if err != nil || len(as) != 1 || len(as[0].MQAs) != 1 {
			t.Fatalf("accounts %+v %v", as, err)
		}
		mqa := as[0].MQAs[0]
		deliver(t, s, func() bool {
			h.Lock()
			defer h.Unlock()
			// Each connector delivers on its own: wait for all of it (the
			// two leads at kintone too), not only for the MQA.
			return f.AccountRecord(mqa) != nil && f.Record("one@kintone-maker.example") != nil && f.Record("two@kintone-maker.example") != nil &&
				len(h.Companies) == 1 && len(h.Notes) == 3 // two MQL notes, one MQA note
		})
		r := f.AccountRecord(mqa)
		if r["company"] != "Maker" || r["domain"] != "kintone-maker.example" || !strings.Contains(r["reason"], "two@kintone-maker.example") || r["score"] != fmt.Sprint(as[0].Score) {
			t.Fatalf("MQA record %v (account %+v)", r, as[0])
		}
		for range 3 {
			if _, err := s.App.Pusher.RunOnce(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		h.Lock()
		defer h.Unlock()
		f.Lock()
		defer f.Unlock()
		if n := f.Calls["PUT /k/v1/records.json"]; n != 3 || len(h.Companies) != 1 || len(h.Notes) != 3 {
			t.Fatalf("%d kintone upserts (2 leads, 1 MQA), %d companies, %d notes", n, len(h.Companies), len(h.Notes))
		}
		cover("sfa.kintone.account_app", "sfa.kintone.account_key_field", "sfa.kintone.account_fields")
	})
	t.Run("sfa.erase,accounts", func(t *testing.T) {
		// An erased person leaves the MQAs the SFAs took as well: the
		// Salesforce Task, the HubSpot note, the kintone record and the
		// webhook receiver's copy (mqa.updated) name only who is left.
		sf := crmfake.NewSalesforce()
		defer sf.Close()
		kt := crmfake.NewKintone()
		defer kt.Close()
		hs := crmfake.NewHubSpot()
		defer hs.Close()
		const secret = "whsec_ZXJhc2UtbXFhLXdlYmhvb2stc2VjcmV0"
		hook, srv := newHookRecorder(t, secret)
		s, _ := start(t, "sfa:\n  erase: true\n  salesforce:\n    login_url: "+sf.URL+"\n    client_id: "+sf.ClientID+"\n    lead_key: Baton_Person_Id__c\n    task_key: Baton_MQL_Id__c\n    account_key: Baton_Account_Id__c\n"+
			"  kintone:\n    base_url: "+kt.URL+"\n    app: 42\n    email_field: email\n    account_app: 43\n    account_key_field: mqa_id\n    account_fields: {company: company, mqa_summary: reason}\n  hubspot:\n    base_url: "+hs.URL+"\n",
			map[string]string{"BATON_SALESFORCE_CLIENT_SECRET": sf.ClientSecret, "BATON_KINTONE_API_TOKEN": kt.APIToken, "BATON_HUBSPOT_TOKEN": hs.Token,
				"BATON_WEBHOOK_URL": srv.URL, "BATON_WEBHOOK_SECRET": secret})
		one := qualifyOne(t, s, "er-1", "one@erase-maker.example")
		two := qualifyOne(t, s, "er-2", "two@erase-maker.example")
		as, err := s.App.Accounts.List(context.Background(), account.ByActivity, 0)
		if err != nil || len(as) != 1 || len(as[0].MQAs) != 1 {
			t.Fatalf("accounts %+v %v", as, err)
		}
		m, err := s.App.Accounts.MQAs(context.Background(), as[0].ID)
		if err != nil || len(m) != 1 {
			t.Fatalf("MQAs %+v %v", m, err)
		}
		deliver(t, s, func() bool {
			ds, err := s.App.Pusher.AccountDeliveries(context.Background(), m[0])
			n := 0
			for _, d := range ds {
				if d.Status == "delivered" {
					n++
				}
			}
			return err == nil && n == 4
		})
		// copies are what each SFA keeps of the MQA now.
		copies := func() map[string]string {
			out := map[string]string{}
			if task := sf.Task(m[0].ID); task != nil {
				out["salesforce"], _ = task["Description"].(string)
			}
			out["kintone"] = kt.AccountRecord(m[0].ID)["reason"]
			hs.Lock()
			for _, n := range hs.Notes {
				props, _ := n["properties"].(map[string]any)
				if body, _ := props["hs_note_body"].(string); strings.Contains(body, "baton-mqa-"+m[0].ID) {
					out["hubspot"] = body
				}
			}
			hs.Unlock()
			hook.mu.Lock()
			last := hook.got["mqa.created"]
			if u := hook.got["mqa.updated"]; len(u) > 0 {
				last = u
			}
			if len(last) > 0 {
				out["webhook"] = string(last[len(last)-1])
			}
			hook.mu.Unlock()
			return out
		}
		for sfa, c := range copies() {
			if !strings.Contains(c, "one@erase-maker.example") || !strings.Contains(c, "two@erase-maker.example") {
				t.Fatalf("%s's MQA before any erasure: %s", sfa, c)
			}
		}
		erase := func(p string) {
			t.Helper()
			code, b := do(t, "DELETE", s.URL+"/admin/people/"+p, token, "")
			var v struct {
				Told map[string]struct{ Acknowledged bool }
			}
			if code != 200 || json.Unmarshal(b, &v) != nil {
				t.Fatalf("erase: %d %s", code, b)
			}
			// The answer says what each system told of it answered.
			for _, sfa := range []string{"salesforce", "hubspot", "kintone", "webhook"} {
				if !v.Told[sfa].Acknowledged {
					t.Errorf("erase: %s not acknowledged: %s", sfa, b)
				}
			}
		}
		erase(one)
		got := copies()
		if len(got) != 4 {
			t.Fatalf("copies after the first erasure: %v", got)
		}
		for sfa, c := range got {
			if strings.Contains(c, "one@erase-maker.example") || !strings.Contains(c, "two@erase-maker.example") {
				t.Fatalf("%s's MQA after one@ was erased: %s", sfa, c)
			}
		}
		// The last person: the account goes with them, and the copies name nobody.
		erase(two)
		for sfa, c := range copies() {
			if strings.Contains(c, "@erase-maker.example") {
				t.Fatalf("%s's MQA after both were erased: %s", sfa, c)
			}
		}
		hook.mu.Lock()
		ids := len(hook.ids)
		hook.mu.Unlock()
		if n := hook.count("mqa.updated"); n != 2 || ids != 3+2+2 { // two MQLs, one MQA, two rewrites, two erasure notices: each with its own webhook-id
			t.Fatalf("%d mqa.updated, %d webhook ids", n, ids)
		}
		// The receiver was told of each erasure, as the SFAs were.
		hook.mu.Lock()
		notices := hook.got["person.erased"]
		hook.mu.Unlock()
		if len(notices) != 2 || !strings.Contains(string(notices[0]), `"personId":"`+one+`"`) || !strings.Contains(string(notices[1]), `"email":"two@erase-maker.example"`) {
			t.Fatalf("person.erased %s", notices)
		}
	})
	t.Run("sfa.erase,webhook,mqa-member", func(t *testing.T) {
		// A colleague who never became an MQL, named in an MQA the
		// receiver took (its people carry their email, name and title):
		// the receiver had them, and is told of their erasure. It was
		// skipped as "never sent the person" (only MQLs were looked at).
		const secret = "whsec_bXFhLW1lbWJlci1lcmFzdXJlLXNlY3JldA=="
		hook, srv := newHookRecorder(t, secret)
		s, _ := start(t, "sfa:\n  erase: true\n", map[string]string{"BATON_WEBHOOK_URL": srv.URL, "BATON_WEBHOOK_SECRET": secret})
		ctx := context.Background()
		qualifyOne(t, s, "mm-1", "one@member-maker.example")
		form := `{"type":"form_submit","messageId":"mm-3-1","anonymousId":"mm-3","properties":{"url":"https://www.example.com/newsletter","form":{"id":"newsletter"},"fields":{"email":"three@member-maker.example","company":"Maker","name":"三田 花子"}}}`
		if resp, err := http.Post(s.URL+"/e", "text/plain", strings.NewReader(form)); err != nil || resp.StatusCode != 204 {
			t.Fatalf("form: %v %v", err, resp)
		}
		if err := s.Settle(ctx); err != nil {
			t.Fatal(err)
		}
		three, err := s.App.People.ByEmail(ctx, "three@member-maker.example")
		if err != nil {
			t.Fatal(err)
		}
		if rec, _ := s.App.Qualifier.Record(ctx, three.ID); rec.Stage == "mql" {
			t.Fatal("three is an MQL: the test would prove nothing")
		}
		qualifyOne(t, s, "mm-2", "two@member-maker.example")
		as, err := s.App.Accounts.List(ctx, account.ByActivity, 0)
		if err != nil || len(as) != 1 {
			t.Fatalf("accounts %+v %v", as, err)
		}
		ms, err := s.App.Accounts.MQAs(ctx, as[0].ID)
		if err != nil || len(ms) != 1 || !slices.ContainsFunc(ms[0].People, func(m account.Member) bool { return m.Person == three.ID }) {
			t.Fatalf("MQAs %+v %v: want one naming three", ms, err)
		}
		deliver(t, s, func() bool { return hook.count("mqa.created") == 1 })
		code, b := do(t, "DELETE", s.URL+"/admin/people/"+three.ID, token, "")
		var v struct {
			Told map[string]struct {
				Acknowledged bool
				Skipped      string
			}
		}
		if code != 200 || json.Unmarshal(b, &v) != nil || !v.Told["webhook"].Acknowledged {
			t.Fatalf("erasing an MQA's member: %d %s", code, b)
		}
		hook.mu.Lock()
		notices := hook.got["person.erased"]
		hook.mu.Unlock()
		if len(notices) != 1 || !strings.Contains(string(notices[0]), `"personId":"`+three.ID+`"`) {
			t.Fatalf("person.erased %s", notices)
		}
	})
	t.Run("feedback.salesforce_status", func(t *testing.T) {
		secret := "feedback-secret-0123456789"
		s, _ := start(t, "feedback:\n  salesforce_status: {\"Nurture Later\": rejected}\n", map[string]string{"BATON_FEEDBACK_SECRET": secret})
		p := qualifyOne(t, s, "fb-1", "feedback@maker.example")
		body := `{"eventId":"flow-1","externalId":"` + p + `","status":"Nurture Later","owner":"rep","changedAt":"2026-11-24T02:00:00Z"}`
		req, _ := http.NewRequest("POST", s.URL+"/feedback/salesforce", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Baton-Secret", secret)
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("feedback: %v %v", err, resp)
		}
		rec, _ := s.App.Qualifier.Record(context.Background(), p)
		if rec.Stage != "recycled" {
			t.Fatalf("a configured status did not map: stage %s", rec.Stage)
		}
		cover("feedback.salesforce_status")
	})
	t.Run("feedback.salesforce_org_id", func(t *testing.T) {
		tok := "salesforce-outbound-token-0123456789"
		s, _ := start(t, "feedback:\n  salesforce_org_id: 00D5g000004XyZa\n", map[string]string{"BATON_SALESFORCE_OUTBOUND_TOKEN": tok})
		p := qualifyOne(t, s, "om-1", "outbound@maker.example")
		message := func(org string) string {
			return `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>` +
				`<notifications xmlns="http://soap.sforce.com/2005/09/outbound"><OrganizationId>` + org + `</OrganizationId><ActionId>04k5g000000CaBcAAK</ActionId><SessionId xsi:nil="true"/>` +
				`<EnterpriseUrl>https://acme.my.salesforce.com/services/Soap/c/62.0/00D5g000004XyZa</EnterpriseUrl><PartnerUrl>https://acme.my.salesforce.com/services/Soap/u/62.0/00D5g000004XyZa</PartnerUrl>` +
				`<Notification><Id>04l5g00000A1b2cAAA</Id><sObject xsi:type="sf:Lead" xmlns:sf="urn:sobject.enterprise.soap.sforce.com"><sf:Id>00Q5g00000AbCdEEAV</sf:Id>` +
				`<sf:Baton_Person_Id__c>` + p + `</sf:Baton_Person_Id__c><sf:LastModifiedDate>2026-11-24T02:00:00.000Z</sf:LastModifiedDate><sf:OwnerId>0055g00000AbCdEAAV</sf:OwnerId><sf:Status>Closed - Not Converted</sf:Status></sObject></Notification>` +
				`</notifications></soapenv:Body></soapenv:Envelope>`
		}
		post := func(org string) (int, string) {
			resp, err := http.Post(s.URL+"/feedback/salesforce/outbound?token="+tok, "text/xml; charset=utf-8", strings.NewReader(message(org)))
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return resp.StatusCode, string(b)
		}
		// Another org's message: refused, and the lead is as it was.
		if code, body := post("00D5g000009QwErEAK"); code != 403 || !strings.Contains(body, "faultstring") {
			t.Fatalf("another org: %d %s", code, body)
		}
		if rec, _ := s.App.Qualifier.Record(context.Background(), p); rec.Stage != "mql" {
			t.Fatalf("another org's message applied: stage %s", rec.Stage)
		}
		// The configured org's (its 18-character id): acknowledged and applied.
		if code, body := post("00D5g000004XyZaEAK"); code != 200 || !strings.Contains(body, "<Ack>true</Ack>") {
			t.Fatalf("the org's message: %d %s", code, body)
		}
		if rec, _ := s.App.Qualifier.Record(context.Background(), p); rec.Stage != "recycled" {
			t.Fatalf("the Outbound Message did not apply: stage %s", rec.Stage)
		}
		cover("feedback.salesforce_org_id")
	})
	t.Run("feedback.kintone_status,feedback.kintone_status_field", func(t *testing.T) {
		tok := "kintone-webhook-token-0123456789"
		s, _ := start(t, "feedback:\n  kintone_status_field: 対応状況\n  kintone_status: {ナーチャリング送り: rejected}\n  kintone_reason_field: 見送り理由\n  kintone_owner_field: 担当者\n", map[string]string{"BATON_KINTONE_WEBHOOK_TOKEN": tok})
		p := qualifyOne(t, s, "kt-1", "kintone-lead@maker.example")
		// Neither the STATUS field (not the configured one) nor a default
		// value decides: only the configured field and mapping can recycle.
		body := `{"id":"kt-evt-1","type":"UPDATE_RECORD","app":{"id":"42"},"record":{"$id":{"type":"__ID__","value":"9"},"email":{"type":"SINGLE_LINE_TEXT","value":"kintone-lead@maker.example"},` +
			`"ステータス":{"type":"STATUS","value":"受注"},"対応状況":{"type":"DROP_DOWN","value":"ナーチャリング送り"},"見送り理由":{"type":"MULTI_LINE_TEXT","value":"予算なし"},` +
			`"担当者":{"type":"USER_SELECT","value":[{"code":"suzuki","name":"鈴木 一郎"}]},"更新者":{"type":"MODIFIER","value":{"code":"sato","name":"佐藤 花子"}}}}`
		resp, err := http.Post(s.URL+"/feedback/kintone/"+tok, "application/json", strings.NewReader(body))
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("feedback: %v %v", err, resp)
		}
		if rec, _ := s.App.Qualifier.Record(context.Background(), p); rec.Stage != "recycled" {
			t.Fatalf("configured kintone field and value did not map: stage %s", rec.Stage)
		}
		hist, _ := s.App.Qualifier.History(context.Background(), p)
		why, owner := "", ""
		for _, h := range hist {
			if h.To == "rejected" {
				why, owner = h.Why, h.Owner
			}
		}
		if why != "予算なし" || owner != "鈴木 一郎" {
			t.Fatalf("the reason and owner fields' values are not on the stage history: %+v", hist)
		}
		cover("feedback.kintone_status", "feedback.kintone_status_field", "feedback.kintone_reason_field", "feedback.kintone_owner_field")
	})
	t.Run("feedback.kintone_amount_field,feedback.kintone_currency_field,feedback.kintone_close_date_field", func(t *testing.T) {
		tok := "kintone-webhook-token-deal-fields"
		s, _ := start(t, "timezone: Asia/Tokyo\nfeedback:\n  kintone_amount_field: 受注金額\n  kintone_currency_field: 通貨\n  kintone_close_date_field: 受注日\n", map[string]string{"BATON_KINTONE_WEBHOOK_TOKEN": tok})
		p := qualifyOne(t, s, "kt-deal-1", "kintone-deal@maker.example")
		// The default codes (amount ...) are on the record too: only the configured ones count.
		// The close date is a DATETIME field, sent in UTC: its date is Tokyo's (the timezone).
		body := `{"id":"kt-evt-deal","type":"UPDATE_STATUS","app":{"id":"42"},"record":{"$id":{"type":"__ID__","value":"11"},"email":{"type":"SINGLE_LINE_TEXT","value":"kintone-deal@maker.example"},` +
			`"ステータス":{"type":"STATUS","value":"受注"},"受注金額":{"type":"NUMBER","value":"2750000"},"通貨":{"type":"DROP_DOWN","value":"JPY"},"受注日":{"type":"DATETIME","value":"2026-11-24T23:30:00Z"},"amount":{"type":"NUMBER","value":"1"}}}`
		resp, err := http.Post(s.URL+"/feedback/kintone/"+tok, "application/json", strings.NewReader(body))
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("feedback: %v %v", err, resp)
		}
		ds, err := s.App.Qualifier.Deals(context.Background(), p)
		if err != nil || len(ds) != 1 || ds[0].Amount != 2750000 || ds[0].Currency != "JPY" || ds[0].CloseDate != "2026-11-25" || ds[0].Outcome != "won" {
			t.Fatalf("deal from the configured fields: %+v %v", ds, err)
		}
		cover("feedback.kintone_amount_field", "feedback.kintone_currency_field", "feedback.kintone_close_date_field")
	})
	t.Run("kpi_targets", func(t *testing.T) {
		s, _ := start(t, "kpi_targets: {sql: 3, lead: 10}\n", nil)
		qualifyOne(t, s, "kpi-1", "kpi-lead@maker.example")
		code, b := do(t, "GET", s.URL+"/admin/reports/kpi", token, "")
		var k struct {
			Month string
			Rows  []struct {
				Stage          string
				Target, Actual int
			}
		}
		if code != 200 || json.Unmarshal(b, &k) != nil || k.Month != t0.Format("2006-01") || len(k.Rows) != 2 ||
			k.Rows[0].Stage != "lead" || k.Rows[0].Target != 10 || k.Rows[0].Actual != 1 || k.Rows[1].Stage != "sql" || k.Rows[1].Target != 3 || k.Rows[1].Actual != 0 {
			t.Fatalf("kpi: %d %s", code, b)
		}
		var f config.File
		for _, bad := range []string{"kpi_targets: {deal: 3}\n", "kpi_targets: {mql: -1}\n", "kpi_targets: {mql: lots}\n"} {
			if err := config.ParseFile([]byte(bad), &f); err == nil || !strings.Contains(err.Error(), "kpi_targets") && !strings.Contains(err.Error(), "lots") {
				t.Errorf("%q: %v", bad, err)
			}
		}
		cover("kpi_targets")
	})

	sfBase := func(f *crmfake.Salesforce, extra string) string {
		return "sfa:\n  salesforce:\n    login_url: " + f.URL + "\n    client_id: " + f.ClientID + "\n    lead_key: Baton_Person_Id__c\n    task_key: Baton_MQL_Id__c\n" + extra
	}
	sfEnv := func(f *crmfake.Salesforce) map[string]string {
		return map[string]string{"BATON_SALESFORCE_CLIENT_SECRET": f.ClientSecret}
	}
	t.Run("sfa.salesforce.token_url", func(t *testing.T) {
		// Client credentials: the generic login host refuses them, the My Domain serves them.
		f := crmfake.NewSalesforce()
		defer f.Close()
		s, _ := start(t, strings.Replace(sfBase(f, "    token_url: "+f.URL+"\n"), "login_url: "+f.URL, "login_url: "+f.Login.URL, 1), sfEnv(f))
		p := qualifyOne(t, s, "sf-tok-1", "token-url@maker.example")
		deliver(t, s, delivered(t, s, p, "salesforce"))
		if f.Calls["POST token"] == 0 || f.Calls["POST login token"] != 0 {
			t.Fatalf("token calls: My Domain %d, login host %d", f.Calls["POST token"], f.Calls["POST login token"])
		}
		if d := deliveries(t, s, p+"-c1")["salesforce"]; d["status"] != "delivered" || d["externalId"] != f.Lead(p)["Id"] {
			t.Fatalf("delivery %v", d)
		}
		cover("sfa.salesforce.token_url")
	})
	t.Run("sfa.salesforce.username,jwt_audience,api_version", func(t *testing.T) {
		f := crmfake.NewSalesforce()
		defer f.Close()
		f.Audience = "https://test.salesforce.com" // a sandbox
		key, _ := rsa.GenerateKey(rand.Reader, 2048)
		f.PublicKey = &key.PublicKey
		der, _ := x509.MarshalPKCS8PrivateKey(key)
		pemKey := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
		s, clk := start(t, sfBase(f, "    username: integration@maker.example\n    jwt_audience: https://test.salesforce.com\n    api_version: v61.0\n"),
			map[string]string{"BATON_SALESFORCE_PRIVATE_KEY": pemKey})
		f.Now = clk.Now // the assertion expires by the stack's clock
		p := qualifyOne(t, s, "sf-jwt-1", "jwt@maker.example")
		deliver(t, s, delivered(t, s, p, "salesforce"))
		if f.Versions["v61.0"] == 0 || f.Versions["v62.0"] != 0 {
			t.Fatalf("api versions used %v", f.Versions)
		}
		cover("sfa.salesforce.username", "sfa.salesforce.jwt_audience", "sfa.salesforce.api_version")
	})
	t.Run("sfa.salesforce.match_by_email,duplicate_rule_header", func(t *testing.T) {
		// By default a Lead sales created with the email is adopted, not duplicated.
		f := crmfake.NewSalesforce()
		defer f.Close()
		f.DuplicateRule = true
		existing := f.AddLead(map[string]any{"LastName": "佐藤", "Company": "Maker", "Email": "known@maker.example"})
		s, _ := start(t, sfBase(f, ""), sfEnv(f))
		p := qualifyOne(t, s, "sf-match-1", "known@maker.example")
		deliver(t, s, delivered(t, s, p, "salesforce"))
		if l := f.Lead(p); l["Id"] != existing || len(f.Leads) != 1 {
			t.Fatalf("not adopted: %v (%d leads)", l, len(f.Leads))
		}
		// Off, with the header: the duplicate rule lets a second Lead be saved.
		g := crmfake.NewSalesforce()
		defer g.Close()
		g.DuplicateRule = true
		g.AddLead(map[string]any{"LastName": "佐藤", "Company": "Maker", "Email": "dup@maker.example"})
		s2, _ := start(t, sfBase(g, "    match_by_email: false\n    duplicate_rule_header: allowSave=true\n"), sfEnv(g))
		p2 := qualifyOne(t, s2, "sf-match-2", "dup@maker.example")
		deliver(t, s2, delivered(t, s2, p2, "salesforce"))
		if len(g.Leads) != 2 {
			t.Fatalf("%d leads, want the duplicate saved", len(g.Leads))
		}
		// The duplicate rule matches another person of the same name at the
		// company (another email): no Task goes on them; the delivery is
		// dead, saying the rule, its message and whom it matched.
		h := crmfake.NewSalesforce()
		defer h.Close()
		h.DuplicateRule = true
		other := h.AddLead(map[string]any{"LastName": "yamada", "Company": "Maker", "Email": "yamada@other.example"})
		s3, _ := start(t, sfBase(h, ""), sfEnv(h))
		p3 := qualifyOne(t, s3, "sf-match-3", "yamada@maker.example")
		var d map[string]any
		deliver(t, s3, func() bool { d = deliveries(t, s3, p3+"-c1")["salesforce"]; return d["status"] == "dead" })
		for _, want := range []string{"DUPLICATES_DETECTED", "Standard_Lead_Duplicate_Rule", "We recommend you use an existing record instead", "Lead " + other} {
			if !strings.Contains(fmt.Sprint(d["lastError"]), want) {
				t.Errorf("the operator reads %q, want %q", d["lastError"], want)
			}
		}
		if len(h.Tasks) != 0 || len(h.Leads) != 1 {
			t.Fatalf("%d tasks, %d leads: the MQL went to the other yamada", len(h.Tasks), len(h.Leads))
		}
		cover("sfa.salesforce.match_by_email", "sfa.salesforce.duplicate_rule_header")
	})
	t.Run("sfa.salesforce.picklists", func(t *testing.T) {
		f := crmfake.NewSalesforce()
		defer f.Close()
		f.Picklists = map[string][]string{"LeadSource": {"Web", "Other"}}
		f.StateCountryPicklists = true
		s, _ := start(t, sfBase(f, "    fields: {country: CountryCode, region: StateCode}\n    picklists: {LeadSource: {baton: Web}, CountryCode: {日本: JP}, StateCode: {東京都: \"13\"}}\n"), sfEnv(f))
		post(t, s, `{"type":"form_submit","messageId":"sf-pl-0","anonymousId":"sf-pl-1","properties":{"fields":{"email":"picklist@maker.example","country":"日本","都道府県":"東京都"}}}`)
		p := qualifyOne(t, s, "sf-pl-1", "picklist@maker.example")
		deliver(t, s, delivered(t, s, p, "salesforce"))
		if l := f.Lead(p); l["LeadSource"] != "Web" || l["CountryCode"] != "JP" || l["StateCode"] != "13" || l["Country"] != nil {
			t.Fatalf("lead %v", l)
		}
		cover("sfa.salesforce.picklists")
	})
	t.Run("sfa.salesforce.rating", func(t *testing.T) {
		// rating: false: the Lead Baton creates carries no Rating (an org
		// whose reps alone rate leads, or whose integration user may not
		// write it); by default a new Lead's Rating is the grade's.
		f := crmfake.NewSalesforce()
		defer f.Close()
		s, _ := start(t, sfBase(f, "    rating: false\n"), sfEnv(f))
		p := qualifyOne(t, s, "sf-rating-1", "rating@maker.example")
		deliver(t, s, delivered(t, s, p, "salesforce"))
		if l := f.Lead(p); l == nil || l["Rating"] != nil {
			t.Fatalf("rating: false, the new Lead: %v", l)
		}
		d := crmfake.NewSalesforce()
		defer d.Close()
		on, _ := start(t, sfBase(d, ""), sfEnv(d))
		po := qualifyOne(t, on, "sf-rating-2", "rated@maker.example")
		deliver(t, on, delivered(t, on, po, "salesforce"))
		if l := d.Lead(po); l == nil || l["Rating"] == nil {
			t.Fatalf("by default, the new Lead has no Rating: %v", l)
		}
		cover("sfa.salesforce.rating")
	})
	t.Run("sfa.hubspot.set_lifecycle,lifecycle_order", func(t *testing.T) {
		f := crmfake.NewHubSpot()
		defer f.Close()
		f.LifecycleOrder = []string{"subscriber", "webinar_attendee", "lead", "marketingqualifiedlead", "salesqualifiedlead", "opportunity", "customer", "evangelist"}
		f.Contacts["order@maker.example"] = map[string]string{"hs_object_id": "71", "email": "order@maker.example", "lifecyclestage": "webinar_attendee"}
		f.Contacts["keep@maker.example"] = map[string]string{"hs_object_id": "72", "email": "keep@maker.example", "lifecyclestage": "subscriber"}
		s, _ := start(t, "sfa:\n  hubspot:\n    base_url: "+f.URL+"\n    lifecycle_order: [subscriber, webinar_attendee, lead, marketingqualifiedlead, salesqualifiedlead, opportunity, customer, evangelist]\n",
			map[string]string{"BATON_HUBSPOT_TOKEN": f.Token})
		po := qualifyOne(t, s, "hs-order-1", "order@maker.example")
		deliver(t, s, delivered(t, s, po, "hubspot"))
		if c := f.Contact("order@maker.example"); c["lifecyclestage"] != "marketingqualifiedlead" {
			t.Fatalf("a custom stage before MQL was not moved forward: %v", c)
		}
		cover("sfa.hubspot.lifecycle_order")
		off, _ := start(t, "sfa:\n  hubspot:\n    base_url: "+f.URL+"\n    set_lifecycle: false\n", map[string]string{"BATON_HUBSPOT_TOKEN": f.Token})
		pk := qualifyOne(t, off, "hs-keep-1", "keep@maker.example")
		deliver(t, off, delivered(t, off, pk, "hubspot"))
		if c := f.Contact("keep@maker.example"); c["lifecyclestage"] != "subscriber" {
			t.Fatalf("set_lifecycle: false wrote the stage: %v", c)
		}
		cover("sfa.hubspot.set_lifecycle")
	})
	t.Run("sfa.salesforce.lead_status,sfa.hubspot.lead_status,sfa.kintone.lead_status", func(t *testing.T) {
		// A lead sales sent back that qualifies again is set to the
		// configured status, not the SFA's default
		// (TestRequalifiedLeadIsOpenAgain: the defaults).
		const secret = "feedback-secret-lead-status"
		sf := crmfake.NewSalesforce()
		defer sf.Close()
		sf.LeadStatuses = append(sf.LeadStatuses, "Requalified")
		hs := crmfake.NewHubSpot()
		defer hs.Close()
		kt := crmfake.NewKintone()
		defer kt.Close()
		ktStatusField(kt, "再MQL")
		const tok = "kintone-webhook-token-lead-status"
		s, clk := start(t, sfBase(sf, "    lead_status: Requalified\n")+"  hubspot:\n    base_url: "+hs.URL+"\n    lead_status: OPEN\n"+
			"  kintone:\n    base_url: "+kt.URL+"\n    app: 42\n    email_field: email\n    lead_status: 再MQL\nfeedback:\n  kintone_status_field: 対応状況\n",
			map[string]string{"BATON_SALESFORCE_CLIENT_SECRET": sf.ClientSecret, "BATON_FEEDBACK_SECRET": secret, "BATON_HUBSPOT_TOKEN": hs.Token,
				"BATON_HUBSPOT_CLIENT_SECRET": "hubspot-app-secret-0123", "BATON_KINTONE_API_TOKEN": kt.APIToken, "BATON_KINTONE_WEBHOOK_TOKEN": tok})
		sf.Now, hs.Now = clk.Now, clk.Now
		const email = "lead-status@maker.example"
		id := qualifyOne(t, s, "lead-status-1", email)
		deliver(t, s, func() bool { return mqlDelivered(t, s, id+"-c1") })
		clk.Advance(2 * time.Hour)
		sfSendBack(t, s, sf, id, "Closed - Not Converted", secret, clk.Now())
		sentBack(t, s, id)
		hs.Lock()
		hs.Contacts[email]["hs_lead_status"] = "UNQUALIFIED"
		hs.Unlock()
		kt.Lock()
		kt.Records[email]["対応状況"] = "見送り"
		kt.Unlock()
		qualifyAgain(t, s, clk, "lead-status-1", email, id)
		deliver(t, s, func() bool { return mqlDelivered(t, s, id+"-c2") })
		if st := sf.Lead(id)["Status"]; st != "Requalified" {
			t.Errorf("Lead Status %v, want the configured Requalified", st)
		}
		if st := hs.Contact(email)["hs_lead_status"]; st != "OPEN" {
			t.Errorf("hs_lead_status %q, want the configured OPEN", st)
		}
		if st := kt.Record(email)["対応状況"]; st != "再MQL" {
			t.Errorf("対応状況 %q, want the configured 再MQL", st)
		}
		cover("sfa.salesforce.lead_status", "sfa.hubspot.lead_status", "sfa.kintone.lead_status")
	})
	t.Run("sfa.hubspot.time_zone", func(t *testing.T) {
		f := crmfake.NewHubSpot()
		defer f.Close()
		s, _ := start(t, "sfa:\n  hubspot:\n    base_url: "+f.URL+"\n    time_zone: Asia/Tokyo\n", map[string]string{"BATON_HUBSPOT_TOKEN": f.Token})
		// The fault first: the stack's worker is woken by the MQL's relay
		// and may deliver before this test's RunOnce does.
		f.Fail(1, crmfake.Fault{Status: 429, Body: crmfake.HSDailyLimit})
		p := qualifyOne(t, s, "hs-tz-1", "daily@maker.example")
		var d map[string]any
		deliver(t, s, func() bool {
			d = deliveries(t, s, p+"-c1")["hubspot"]
			return d["status"] != "pending"
		})
		// 01:00 UTC is 10:00 in Tokyo: the daily limit resets at 15:00 UTC.
		if d["status"] != "retrying" || d["nextAttempt"] != "2026-11-24T15:00:00Z" || !strings.Contains(fmt.Sprint(d["lastError"]), "DAILY") {
			t.Fatalf("delivery %v", d)
		}
		cover("sfa.hubspot.time_zone")
	})
	t.Run("sfa.kintone.email_field", func(t *testing.T) {
		// The update key is checked at start-up: a LINK field stops it, naming the field.
		f := crmfake.NewKintone()
		defer f.Close()
		p := filepath.Join(t.TempDir(), "baton.yaml")
		os.WriteFile(p, []byte("sfa:\n  kintone:\n    base_url: "+f.URL+"\n    app: 42\n    email_field: mail_link\n"), 0o600)
		vars := map[string]string{"BATON_CONFIG": p, "BATON_ADDR": "127.0.0.1:0", "BATON_DATA": t.TempDir(), "BATON_KINTONE_API_TOKEN": f.APIToken}
		cfg, err := config.FromEnv(func(k string) string { return vars[k] }, config.Local)
		if err != nil {
			t.Fatal(err)
		}
		if st, err := stack.Start(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), nil); err == nil || !strings.Contains(err.Error(), "mail_link") || !strings.Contains(err.Error(), "LINK") {
			if st != nil {
				st.Close()
			}
			t.Fatalf("start-up with a LINK update key: %v", err)
		}
		// A unique text field with its own code: records keyed by it, and
		// kintone feedback finds the person by it.
		f.Fields["メール"] = map[string]any{"type": "SINGLE_LINE_TEXT", "code": "メール", "label": "メール", "unique": true}
		f.EmailField = "メール"
		tok := "kintone-webhook-token-email-field"
		s, _ := start(t, "sfa:\n  kintone:\n    base_url: "+f.URL+"\n    app: 42\n    email_field: メール\n", map[string]string{"BATON_KINTONE_API_TOKEN": f.APIToken, "BATON_KINTONE_WEBHOOK_TOKEN": tok})
		pid := qualifyOne(t, s, "kt-email-1", "kintone-mail@maker.example")
		deliver(t, s, func() bool { return f.Record("kintone-mail@maker.example") != nil })
		body := `{"id":"kt-evt-email","type":"UPDATE_STATUS","app":{"id":"42"},"record":{"$id":{"type":"__ID__","value":"9999"},"メール":{"type":"SINGLE_LINE_TEXT","value":"kintone-mail@maker.example"},"ステータス":{"type":"STATUS","value":"見送り"}}}`
		resp, err := http.Post(s.URL+"/feedback/kintone/"+tok, "application/json", strings.NewReader(body))
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("feedback: %v %v", err, resp)
		}
		if rec, _ := s.App.Qualifier.Record(context.Background(), pid); rec.Stage != "recycled" {
			t.Fatalf("feedback did not find the person by the configured email field: stage %s", rec.Stage)
		}
		cover("sfa.kintone.email_field")
	})

	// Every key of the file must have been exercised above.
	t.Run("schema", func(t *testing.T) {
		var missing []string
		for _, k := range keys(reflect.TypeOf(config.File{}), "") {
			if !covered[k] {
				missing = append(missing, k)
			}
		}
		sort.Strings(missing)
		if len(missing) > 0 {
			t.Fatalf("configuration keys no assembly test exercises: %v", missing)
		}
	})
}

// keys lists the file's keys: top-level ones, and down inside sections and
// their subsections (consent.required, sfa.erase, sfa.hubspot.time_zone ...).
func keys(t reflect.Type, prefix string) []string {
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "" || name == "-" {
			continue
		}
		ft := f.Type
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if ft.Kind() == reflect.Struct && strings.Count(prefix, ".") < 2 && ft.Name() != "Duration" {
			out = append(out, keys(ft, prefix+name+".")...)
			continue
		}
		out = append(out, prefix+name)
	}
	return out
}

// deliver runs the push worker until done() holds (the SFA fake has it).
func deliver(t *testing.T, s *stack.Stack, done func() bool) bool {
	t.Helper()
	for range 200 {
		if _, err := s.App.Pusher.RunOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
		if done() {
			return true
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Fatal("the MQL never reached the configured SFA")
	return false
}

// hubspotPost sends a HubSpot webhook batch signed (v3) with the test app
// secret at the time at.
func hubspotPost(t *testing.T, s *stack.Stack, body string, at time.Time) {
	t.Helper()
	ts := fmt.Sprint(at.UnixMilli())
	mac := hmac.New(sha256.New, []byte("hubspot-app-secret-0123"))
	mac.Write([]byte("POST" + s.URL + "/feedback/hubspot" + body + ts))
	req, _ := http.NewRequest("POST", s.URL+"/feedback/hubspot", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-HubSpot-Signature-v3", base64.StdEncoding.EncodeToString(mac.Sum(nil)))
	req.Header.Set("X-HubSpot-Request-Timestamp", ts)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("hubspot feedback: %v %v", err, resp)
	}
	resp.Body.Close()
}

// qualifyOne makes a demo visitor an MQL through POST /e (the path the tag
// takes) and waits for the change feed; it returns the person id.
func qualifyOne(t *testing.T, s *stack.Stack, vid, email string) string {
	t.Helper()
	for i, body := range []string{
		`{"type":"page_view","messageId":"` + vid + `-1","anonymousId":"` + vid + `","properties":{"url":"https://www.example.com/pricing"}}`,
		`{"type":"download","messageId":"` + vid + `-2","anonymousId":"` + vid + `","properties":{"url":"https://www.example.com/files/whitepaper.pdf"}}`,
		`{"type":"form_submit","messageId":"` + vid + `-3","anonymousId":"` + vid + `","properties":{"url":"https://www.example.com/contact","form":{"id":"contact"},"fields":{"email":"` + email + `","company":"Maker","title":"購買部長","employees":"250-999"}}}`,
	} {
		resp, err := http.Post(s.URL+"/e", "text/plain", strings.NewReader(body))
		if err != nil || resp.StatusCode != 204 {
			t.Fatalf("event %d: %v %v", i, err, resp)
		}
	}
	if err := s.Settle(context.Background()); err != nil {
		t.Fatal(err)
	}
	p, err := s.App.People.ByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	if rec, _ := s.App.Qualifier.Record(context.Background(), p.ID); rec.Stage != "mql" {
		t.Fatalf("%s is not an MQL: %+v", email, rec.Verdict)
	}
	return p.ID
}

// qualifyDelivered is qualifyOne with the MQL delivered (to the inbox, no
// SFA configured): sales' SLA runs from then.
func qualifyDelivered(t *testing.T, s *stack.Stack, vid, email string) string {
	t.Helper()
	id := qualifyOne(t, s, vid, email)
	deliver(t, s, func() bool {
		_, ok, err := push.FirstDelivery(context.Background(), s.App.Table, id+"-c1")
		return ok && err == nil
	})
	return id
}

// slaHook is an SLA webhook receiver keeping the JSON bodies posted to it
// (received returns them so far).
func slaHook(t *testing.T) (hook *httptest.Server, received func() []map[string]any) {
	var mu sync.Mutex
	var got []map[string]any
	hook = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m map[string]any
		json.NewDecoder(r.Body).Decode(&m)
		mu.Lock()
		got = append(got, m)
		mu.Unlock()
	}))
	t.Cleanup(hook.Close)
	return hook, func() []map[string]any {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(got)
	}
}

// repOwns checks that the SLA and reps reports count the stack's MQLs for
// owner, and none under "(unassigned)".
func repOwns(t *testing.T, s *stack.Stack, owner string) {
	t.Helper()
	for _, name := range []string{"sla", "reps"} {
		code, b := do(t, "GET", s.URL+"/admin/reports/"+name, token, "")
		var got struct {
			Rows []struct {
				Owner string `json:"owner"`
			} `json:"rows"`
		}
		if code != 200 || json.Unmarshal(b, &got) != nil {
			t.Fatalf("%s report: %d %s", name, code, b)
		}
		var owners []string
		for _, r := range got.Rows {
			if r.Owner != "(all)" && !slices.Contains(owners, r.Owner) {
				owners = append(owners, r.Owner)
			}
		}
		if !slices.Equal(owners, []string{owner}) {
			t.Errorf("the %s report's owners are %q, want %q", name, owners, owner)
		}
	}
}
