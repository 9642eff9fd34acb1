package tag_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"unicode/utf8"

	"github.com/baton-hq/baton/infra/local/stack"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/identity"
)

type result struct {
	Name   string   `json:"name"`
	Failed string   `json:"failed"`
	Errors []string `json:"errors"`
	AID    string   `json:"aid"`
	URL    string   `json:"url"`
	Left   []string `json:"left"`
	After  any      `json:"after"`
	Wait   int      `json:"waiting"`
	Info   any      `json:"info"`
}

// need skips, or under CI fails, when the browser or its driver is missing.
func need(t *testing.T, path, hint string) {
	if _, err := os.Stat(path); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s missing (%s): browser tests must run in CI", path, hint)
		}
		t.Skipf("%s missing (%s)", path, hint)
	}
}

// browserReady is the Chromium the browser tests drive, once it and
// playwright-core are there (need).
func browserReady(t *testing.T) string {
	t.Helper()
	chromium := os.Getenv("CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	need(t, chromium, "apt-get install chromium")
	need(t, "browser/node_modules/playwright-core", "npm ci --prefix tag/browser")
	return chromium
}

// TestInBrowser loads test pages with the tag in headless Chromium against
// the local stack, and checks what the server stored.
func TestInBrowser(t *testing.T) {
	chromium := browserReady(t)

	// The site that embeds the tag, on its own origin.
	var collector string
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), ";") // a path parameter (;jsessionid=) names no file
		if strings.HasPrefix(name, "csp") {
			// The Content-Security-Policy the README asks for: the tag's
			// origin and the snippet's hash in script-src, the collector in
			// connect-src; csp-self.html's connect-src is 'self' alone.
			connect := collector
			if name == "csp-self.html" {
				connect = "'self'"
			}
			w.Header().Set("Content-Security-Policy", "default-src 'none'; script-src "+collector+" 'sha256-D33tHiQAfVwXHQM7auD9f50SreiGxkUI0Bi75yZlxQ4='; connect-src "+connect)
			name = "csp.html"
		}
		if b, err := os.ReadFile(filepath.Join("testdata", "site", filepath.Base(name))); err == nil && strings.HasSuffix(name, ".html") {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write(bytes.ReplaceAll(b, []byte("{{COLLECTOR}}"), []byte(collector)))
			return
		}
		w.Write([]byte("file"))
	}))
	defer site.Close()
	s := stack.ForTest(t, map[string]string{"BATON_SITE_ORIGINS": site.URL})

	// The collector, behind a proxy that can be taken down (503), made to
	// throttle (429, as API Gateway and the local stack's rate limiter
	// answer) or to refuse every body (400), each with CORS headers so the
	// tag sees the status.
	var refuse atomic.Int32    // the status /e answers; 0: passed through
	var loseErase atomic.Value // an email: the next /e is stored, its person erased, its answer lost (503)
	loseErase.Store("")
	var throttled, badRequests atomic.Int32
	target, _ := url.Parse(s.URL)
	rp := httputil.NewSingleHostReverseProxy(target)
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/control/down":
			refuse.Store(http.StatusServiceUnavailable)
			return
		case "/control/throttle":
			refuse.Store(http.StatusTooManyRequests)
			return
		case "/control/refuse":
			refuse.Store(http.StatusBadRequest)
			return
		case "/control/up":
			refuse.Store(0)
			return
		case "/control/lose-erase":
			loseErase.Store(r.URL.Query().Get("email"))
			return
		}
		if email := loseErase.Swap("").(string); email != "" && r.URL.Path == "/e" {
			rp.ServeHTTP(httptest.NewRecorder(), r) // stored; the answer never reaches the page
			if err := eraseEmail(s, email); err != nil {
				t.Errorf("erase %s: %v", email, err)
			}
			w.Header().Set("Access-Control-Allow-Origin", r.Header.Get("Origin"))
			w.Header().Set("Access-Control-Allow-Credentials", "true")
			http.Error(w, `{"error":"lost"}`, http.StatusServiceUnavailable)
			return
		}
		if code := int(refuse.Load()); code != 0 && r.URL.Path == "/e" {
			switch code {
			case http.StatusTooManyRequests:
				throttled.Add(1)
			case http.StatusBadRequest:
				badRequests.Add(1)
			}
			w.Header().Set("Access-Control-Allow-Origin", r.Header.Get("Origin"))
			w.Header().Set("Access-Control-Allow-Credentials", "true")
			http.Error(w, `{"error":"`+http.StatusText(code)+`"}`, code)
			return
		}
		rp.ServeHTTP(w, r)
	}))
	defer proxy.Close()
	collector = proxy.URL

	cmd := exec.Command("node", "browser/scenarios.mjs")
	cmd.Env = append(os.Environ(), "SITE="+site.URL, "COLLECTOR="+proxy.URL, "CONTROL="+proxy.URL+"/control", "CHROMIUM="+chromium)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("scenarios: %v\n%s", err, out)
	}
	results := map[string]result{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		var r result
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("scenario output %q: %v", sc.Text(), err)
		}
		results[r.Name] = r
	}
	ctx := context.Background()
	events := func(t *testing.T, vid string) []event.Event {
		t.Helper()
		if vid == "" {
			t.Fatal("no visitor id")
		}
		evs, err := s.App.Events.Visitor(ctx, vid)
		if err != nil {
			t.Fatal(err)
		}
		return evs
	}
	// pageViews returns the page views whose URL starts with prefix.
	pageViews := func(evs []event.Event, prefix string) []event.Event {
		var out []event.Event
		for _, e := range evs {
			if e.Type == event.PageView && strings.HasPrefix(e.URL, prefix) {
				out = append(out, e)
			}
		}
		return out
	}
	count := func(evs []event.Event, kind string) int {
		n := 0
		for _, e := range evs {
			if e.Type == kind {
				n++
			}
		}
		return n
	}
	kinds := func(evs []event.Event) string {
		var k []string
		for _, e := range evs {
			k = append(k, e.Type)
		}
		return strings.Join(k, ",")
	}
	person := func(t *testing.T, email string) (identity.Person, []event.Event) {
		t.Helper()
		p, err := s.App.People.ByEmail(ctx, email)
		if err != nil {
			t.Fatalf("%s not identified: %v", email, err)
		}
		tl, err := s.App.Stitcher.Timeline(ctx, p.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		return p, tl
	}
	run := func(name string, check func(t *testing.T, r result)) {
		t.Run(name, func(t *testing.T) {
			r, ok := results[name]
			if !ok {
				t.Fatal("scenario did not run")
			}
			if r.Failed != "" || len(r.Errors) > 0 {
				t.Fatalf("scenario failed: %s %v", r.Failed, r.Errors)
			}
			check(t, r)
		})
	}

	run("pageview", func(t *testing.T, r result) {
		evs := events(t, r.AID)
		if kinds(evs) != "page_view" || evs[0].URL != site.URL+"/index.html" || evs[0].Title != "Home" || evs[0].Site != "test" {
			t.Fatalf("stored %+v", evs)
		}
		if evs[0].Enrichment.Bot || evs[0].Enrichment.Browser != "Chrome" || evs[0].Client.IP != "127.0.0.0" {
			t.Fatalf("enrichment %+v client %+v", evs[0].Enrichment, evs[0].Client)
		}
	})
	run("identify", func(t *testing.T, r result) {
		p, tl := person(t, "api.user@example.com")
		if p.Attributes["company"] != "API Co" || kinds(tl) != "identify,page_view" {
			t.Fatalf("baton('identify'): person %+v timeline %s", p, kinds(tl))
		}
	})
	run("wideaddress", func(t *testing.T, r result) {
		evs := events(t, r.AID)
		want := site.URL + "/index.html?x=1"
		home, next := pageViews(evs, site.URL+"/index.html"), pageViews(evs, site.URL+"/form.html")
		if len(home) != 1 || home[0].URL != want || len(next) != 1 || next[0].Referrer != want {
			t.Fatalf("stored %+v, want %s as the URL and the next page's referrer", evs, want)
		}
		all, _ := json.Marshal(evs)
		for _, leak := range []string{"hanako", "example.jp", "ABCDEF123"} {
			if bytes.Contains(all, []byte(leak)) {
				t.Errorf("%s was stored: %s", leak, all)
			}
		}
	})
	run("spa", func(t *testing.T, r result) {
		evs := events(t, r.AID)
		if kinds(evs) != "page_view,page_view,page_view" || evs[1].URL != site.URL+"/spa/step2" || evs[1].Referrer != site.URL+"/index.html" || evs[2].URL != site.URL+"/index.html" {
			t.Fatalf("stored %s %+v", kinds(evs), evs)
		}
	})
	run("spapage", func(t *testing.T, r result) {
		// A view recorded with baton('page') has the previous view as its
		// referrer, as a view the tag finds itself has: not the referrer of
		// the page the app loaded on, which, from another site, made each
		// such view a new marketing touch from there (qualify.TouchOf).
		evs := events(t, r.AID)
		views := pageViews(evs, site.URL+"/spa/manual")
		if kinds(evs) != "page_view,page_view,page_view,page_view" || len(views) != 2 ||
			views[0].Referrer != site.URL+"/index.html" || views[1].Referrer != site.URL+"/spa/manual" {
			var got []string
			for _, e := range evs {
				got = append(got, e.URL+" from "+e.Referrer)
			}
			t.Fatalf("stored %s: %q", kinds(evs), got)
		}
	})
	// views lists the page views as "URL title (from referrer)", site.URL
	// cut, for a failure's message.
	views := func(evs []event.Event) []string {
		var out []string
		for _, e := range evs {
			if e.Type == event.PageView {
				out = append(out, strings.TrimPrefix(e.URL, site.URL)+" "+e.Title+" (from "+strings.TrimPrefix(e.Referrer, site.URL)+")")
			}
		}
		return out
	}
	run("spatitle", func(t *testing.T, r result) {
		// The router set the title after the tag's check first saw the new
		// URL: the view carries the new page's title, not the previous one.
		evs := events(t, r.AID)
		v := pageViews(evs, site.URL+"/spa/pricing")
		if len(v) != 1 || v[0].Title != "Pricing" || v[0].Referrer != site.URL+"/index.html" || len(pageViews(evs, site.URL)) != 2 {
			t.Fatalf("stored %q", views(evs))
		}
	})
	run("spamanual", func(t *testing.T, r result) {
		// The app calls baton('page') after each route change, the second
		// time once the tag's checks had seen the new URL: one view each, with
		// the title the app set before its call.
		evs := events(t, r.AID)
		a, b := pageViews(evs, site.URL+"/spa/a"), pageViews(evs, site.URL+"/spa/b")
		if len(a) != 1 || len(b) != 1 || b[0].Title != "B" || b[0].Referrer != site.URL+"/spa/a" || len(pageViews(evs, site.URL)) != 3 {
			t.Fatalf("stored %q", views(evs))
		}
	})
	run("spaleave", func(t *testing.T, r result) {
		// Left right after a route change one check had seen: its view is
		// stored, once, before the next page's.
		evs := events(t, r.AID)
		v := pageViews(evs, site.URL+"/spa/leaving")
		if len(v) != 1 || v[0].Title != "Leaving" || len(pageViews(evs, site.URL+"/jp.html")) != 1 || len(pageViews(evs, site.URL)) != 3 {
			t.Fatalf("stored %q", views(evs))
		}
	})
	run("anchor", func(t *testing.T, r result) {
		// Anchor links move within the page: one view of it, and the next
		// page's referrer is where the visitor was on it.
		evs := events(t, r.AID)
		if v := views(evs); len(v) != 2 || len(pageViews(evs, site.URL+"/lp.html")) != 1 || !strings.HasPrefix(v[1], "/jp.html") {
			t.Fatalf("stored %q", v)
		}
	})
	run("bfcache", func(t *testing.T, r result) {
		evs := events(t, r.AID)
		if kinds(evs) != "page_view,page_view,page_view" || evs[2].URL != site.URL+"/index.html" {
			t.Fatalf("stored %s", kinds(evs))
		}
		// The page came from a search; restored, its view is not from
		// there again (another search touch), but from the page itself.
		if evs[0].Referrer != "https://www.google.com/" || evs[2].Referrer != site.URL+"/index.html" {
			t.Fatalf("referrers: first view %q, restored %q", evs[0].Referrer, evs[2].Referrer)
		}
		if r.URL != "1" {
			t.Fatalf("the page was not restored from the back-forward cache: the check of its page view would prove nothing")
		}
	})
	run("downloads", func(t *testing.T, r result) {
		evs := events(t, r.AID)
		got := map[string]bool{}
		for _, e := range evs {
			if e.Type == event.Download {
				got[strings.TrimPrefix(e.URL, site.URL)] = true
			}
		}
		// A link with the download attribute is one whatever its URL
		// (an export at /export?format=csv).
		// A link inside an element marked data-baton-download is one too.
		for _, u := range []string{"/files/guide.pdf", "/get?id=42", "/files/prices.xlsx", "/export?format=csv", "/get?id=43"} {
			if !got[u] {
				t.Errorf("no download of %s in %v", u, got)
			}
		}
	})
	run("syntheticclick", func(t *testing.T, r result) {
		// (run fails on the page's uncaught errors.) The link clicked after
		// is still a download.
		if evs := events(t, r.AID); kinds(evs) != "page_view,download" {
			t.Fatalf("stored %s", kinds(evs))
		}
	})
	run("outbound", func(t *testing.T, r result) {
		evs := events(t, r.AID)
		n := 0
		for _, e := range evs {
			if e.Type == event.Outbound {
				n++
				if e.URL != "https://partner.example/welcome" {
					t.Errorf("outbound url %s", e.URL)
				}
			}
		}
		if n != 1 {
			t.Fatalf("%d outbound events (an internal link is not outbound): %s", n, kinds(evs))
		}
	})
	run("form", func(t *testing.T, r result) {
		for _, f := range []string{"/thanks.html?email=Form.User%40Example.com", "password=hunter2-secret", "csrf_token=hidden-csrf-value", "internal_note=", "ccn="} {
			if !strings.Contains(r.URL, f) {
				t.Fatalf("the page's own submit did not go through with %s: %s", f, r.URL)
			}
		}
		p, tl := person(t, "form.user@example.com")
		// form.html, its submit, thanks.html?..., then index.html from a link there.
		if p.Attributes["company"] != "Formco" || count(tl, event.FormSubmit) != 1 || count(tl, event.PageView) != 3 {
			t.Fatalf("person %+v timeline %s", p, kinds(tl))
		}
		all, _ := json.Marshal(tl)
		// A fieldset marked data-baton-ignore holds its fields back too (the
		// attribute was read on the form and the field alone).
		for _, secret := range []string{"hunter2-secret", "hidden-csrf-value", "ignored-note-value", "4111111111111111", "fieldset-ignored-value"} {
			if bytes.Contains(all, []byte(secret)) {
				t.Errorf("%s was stored", secret)
			}
		}
		// The GET form's fields the tag refused (password, hidden csrf_token,
		// data-baton-ignore'd, autocomplete=cc-number) and the email address
		// are gone from the next page view's URL, and from the referrer of the
		// one after; the harmless company field stays.
		evs := events(t, r.AID)
		want := site.URL + "/thanks.html?company=Formco"
		thanks, home := pageViews(evs, site.URL+"/thanks.html"), pageViews(evs, site.URL+"/index.html")
		if len(thanks) != 1 || thanks[0].URL != want {
			t.Fatalf("thanks page views %+v, want one at %s", thanks, want)
		}
		if len(home) != 1 || home[0].Referrer != want {
			t.Fatalf("the next page's referrer: %+v, want %s", home, want)
		}
	})
	run("tableform", func(t *testing.T, r result) {
		// The address in name=mail identifies the sender, though a select
		// labelled メールマガジン came first; the form's id and action are
		// its attributes, not its hidden fields of those names.
		p, tl := person(t, "table.form@example.co.jp")
		var form map[string]any
		for _, e := range tl {
			if e.Type == event.FormSubmit {
				form, _ = e.Properties["form"].(map[string]any)
			}
		}
		if p.Attributes["company"] != "テーブル商事" && p.Custom["kaisha"] != "テーブル商事" || form == nil || form["id"] != "inquiry" || form["action"] != site.URL+"/thanks.html" {
			t.Fatalf("person %+v, form %v, timeline %s", p, form, kinds(tl))
		}
		// The link's token never left the page (the collector would drop
		// it, but not from the visitor's queue and the wire).
		if strings.Contains(r.URL, "TOK123") || !strings.Contains(r.URL, "report.pdf?v=2") {
			t.Fatalf("what the tag sent: %s", r.URL)
		}
	})
	run("getform", func(t *testing.T, r result) {
		for _, f := range []string{"utm_source=formnews", "your-name=", "text-123=", "tel-1=", "your-message="} {
			if !strings.Contains(r.URL, f) {
				t.Fatalf("the page's own submit did not go through with %s: %s", f, r.URL)
			}
		}
		// What the tag sends of the fields is in the form submit.
		p, tl := person(t, "kobayashi.getform@example.jp")
		if p.Attributes["company"] != "中村商事株式会社" || count(tl, event.FormSubmit) != 1 {
			t.Fatalf("person %+v timeline %s", p, kinds(tl))
		}
		// The form's hidden utm_source, refused as every hidden field, is
		// kept from the URLs of the pages after it as refused fields are,
		// but for utm_ names: a later campaign's utm_source and utm_medium
		// are its landing's (they were dropped: attribution lost). The
		// form's other fields stay in its thanks page's URL (a GET form's
		// are a site search's or a filter's as often: tag/README.md), but
		// for the email.
		evs := events(t, r.AID)
		thanks, home := pageViews(evs, site.URL+"/thanks.html"), pageViews(evs, site.URL+"/index.html")
		if len(thanks) != 1 || !strings.Contains(thanks[0].URL, "utm_source=formnews") || !strings.Contains(thanks[0].URL, "text-123=") || strings.Contains(thanks[0].URL, "your-email") {
			t.Fatalf("thanks page views %+v", thanks)
		}
		if len(home) != 2 || home[0].Referrer != thanks[0].URL {
			t.Fatalf("the next page's referrer: %+v, want %s", home, thanks[0].URL)
		}
		if u := site.URL + "/index.html?utm_source=letter&utm_medium=email&your-name=x"; home[1].URL != u || home[1].UTM.Source != "letter" || home[1].UTM.Medium != "email" {
			t.Fatalf("the later campaign's view at %s (UTM %+v), want %s", home[1].URL, home[1].UTM, u)
		}
	})
	run("ignoredform", func(t *testing.T, r result) {
		if _, err := s.App.People.ByEmail(ctx, "ignored@example.com"); err == nil {
			t.Fatal("a form marked data-baton-ignore identified someone")
		}
		evs := events(t, r.AID)
		if strings.Contains(kinds(evs), "form_submit") {
			t.Fatal("ignored form recorded")
		}
		// Its fields are not in the next page view's URL either.
		if thanks := pageViews(evs, site.URL+"/thanks.html"); len(thanks) != 1 || thanks[0].URL != site.URL+"/thanks.html" {
			t.Fatalf("thanks page views %+v", thanks)
		}
	})
	run("japanese", func(t *testing.T, r result) {
		p, tl := person(t, "yamada@example.jp")
		// f2's name says nothing; its label 会社名 says it is the company.
		if kinds(tl) != "page_view,form_submit,page_view" || p.Attributes["company"] != "山田商事" || len(p.Custom) != 0 {
			t.Fatalf("person %+v timeline %s", p, kinds(tl))
		}
		// f1 held an email address: dropped from the URL; f2 stays.
		if u := tl[0].URL; !strings.HasPrefix(u, site.URL+"/thanks.html?f2=") || strings.Contains(u, "f1=") || strings.Contains(u, "yamada") {
			t.Fatalf("thanks page view at %s", u)
		}
	})
	run("referrerform", func(t *testing.T, r result) {
		// The sender is the field named email, though the tag sent the
		// referrer's address (first) as the form's: the person is
		// newcomer@, named 新規 太郎; the referrer is nobody, and the
		// fields are stored as the form sent them.
		p, tl := person(t, "newcomer@example.jp")
		if p.Attributes["name"] != "新規 太郎" {
			t.Fatalf("person %+v timeline %s", p, kinds(tl))
		}
		if q, err := s.App.People.ByEmail(ctx, "referrer@example.jp"); err == nil {
			t.Fatalf("the referrer's address made a person: %+v", q)
		}
		var fields map[string]any
		for _, e := range tl {
			if e.Type == event.FormSubmit {
				fields, _ = e.Properties["fields"].(map[string]any)
			}
		}
		if fields["email"] != "newcomer@example.jp" || fields["referrer_mail"] != "referrer@example.jp" {
			t.Fatalf("fields stored %v", fields)
		}
	})
	run("labelledform", func(t *testing.T, r result) {
		// field_3's name says nothing, its label メールアドレス says it is
		// the address; the select before it (購読する) is none.
		p, tl := person(t, "form2user@example.jp")
		if p.Attributes["name"] != "二号 花子" {
			t.Fatalf("person %+v timeline %s", p, kinds(tl))
		}
	})
	run("autocompleteform", func(t *testing.T, r result) {
		// field_3 (type text, labelled ご連絡先) says it holds the address
		// by autocomplete="email" alone.
		p, tl := person(t, "autocomplete.user@example.jp")
		if p.Attributes["name"] != "自動 三郎" || count(tl, event.FormSubmit) != 1 {
			t.Fatalf("person %+v timeline %s", p, kinds(tl))
		}
	})
	run("jppref", func(t *testing.T, r result) {
		// The form identifies its sender by the field holding the address,
		// not by the checked radio or checkbox before it whose label says
		// メール (their values, mail and 1, are no address).
		p, tl := person(t, "pref.user@example.jp")
		if p.Attributes["company"] != "連絡商事" || count(tl, event.FormSubmit) != 1 {
			t.Fatalf("person %+v timeline %s", p, kinds(tl))
		}
		// The inquiry whole (1,095 characters; up to 2,000 are kept).
		if m := p.Attributes["message"]; utf8.RuneCountInString(m) != 1095 || !strings.HasSuffix(m, "【末尾】予算は500万円です。") {
			t.Fatalf("inquiry kept as %d characters, ending %q", utf8.RuneCountInString(m), m[max(0, len(m)-40):])
		}
	})
	run("elementor", func(t *testing.T, r result) {
		// form_fields[company] is the company, form_fields[field_5c2e1a0]
		// the title its label 役職 says (identity: the name in the last
		// brackets).
		p, tl := person(t, "elementor.user@example.jp")
		want := map[string]string{"name": "佐藤 花子", "company": "株式会社エレメント", "title": "課長"}
		for k, v := range want {
			if p.Attributes[k] != v {
				t.Errorf("attribute %s = %q, want %q (attributes %v, custom %v)", k, p.Attributes[k], v, p.Attributes, p.Custom)
			}
		}
		if count(tl, event.FormSubmit) != 1 {
			t.Fatalf("timeline %s", kinds(tl))
		}
	})
	run("builder", func(t *testing.T, r result) {
		p, tl := person(t, "label.user@example.jp")
		want := map[string]string{"company": "株式会社ラベル", "title": "部長", "employees": "300名", "department": "営業部", "phone": "03-1234-5678"}
		for k, v := range want {
			if p.Attributes[k] != v {
				t.Errorf("attribute %s = %q, want %q (attributes %v)", k, p.Attributes[k], v, p.Attributes)
			}
		}
		// The address and the kind of inquiry (お問い合わせ種別, a select whose
		// options say 会社) have no attribute, nor has a radio (its label is
		// its option's, 会社員): custom, under their field names. The email
		// is the person's key, not a custom attribute.
		// The page views and the form travel in separate requests: their
		// order on the timeline is not the page's (see spaform).
		k := strings.Split(kinds(tl), ",")
		slices.Sort(k)
		// 希望キャンパス holds パス and is no password: sent, custom. The
		// email, known by its placeholder under the label ご連絡先, is the
		// person's key and no custom attribute.
		if len(p.Custom) != 4 || p.Custom["text-77"] != "東京都港区" || p.Custom["menu-5"] != "会社について" || p.Custom["radio-6"] != "会社員" || p.Custom["text-99"] != "東京" ||
			strings.Join(k, ",") != "form_submit,page_view,page_view" {
			t.Fatalf("custom %v timeline %s", p.Custom, kinds(tl))
		}
		// A machine-named field labelled カード番号 is refused by its label:
		// its value is on no event.
		for _, e := range tl {
			if b, _ := json.Marshal(e); strings.Contains(string(b), "4111111111111111") {
				t.Fatalf("a card number was collected: %s", b)
			}
		}
	})
	run("multivalue", func(t *testing.T, r result) {
		// The checked boxes of a group all reach the collector,
		// comma-joined in the form's order (the tag sent the last one
		// before), and so do a select multiple's selected options (the
		// first alone before). A single select sends its value; a select
		// multiple with none selected sends "" (as before), where a group
		// with no box checked sends nothing (as a browser submits neither).
		p, tl := person(t, "multi.user@example.jp")
		var fields map[string]any
		for _, e := range tl {
			if e.Type == event.FormSubmit {
				fields, _ = e.Properties["fields"].(map[string]any)
			}
		}
		_, news := fields["news"]
		if fields["interests"] != "CRM,SFA" || fields["timing"] != "今月,未定" || fields["interest"] != "a,b" ||
			fields["budget"] != "large" || fields["channels"] != "" || news ||
			p.Custom["interests"] != "CRM,SFA" || p.Custom["interest"] != "a,b" ||
			// timing and budget, named as no attribute is, are keyed by their
			// labels (ご検討時期, Budget): BANT's timeframe and budget.
			p.Attributes["timeframe"] != "今月,未定" || p.Attributes["budget"] != "large" {
			t.Fatalf("fields %v, custom %v, attributes %v, timeline %s", fields, p.Custom, p.Attributes, kinds(tl))
		}
	})
	run("reactform", func(t *testing.T, r result) {
		// Fields with no name nor id (a React form's controlled inputs,
		// sent by the app) are keyed by their labels: the tag skipped each
		// as unnamed, found no address, and recorded no submit at all.
		p, tl := person(t, "react.user@example.jp")
		if p.Attributes["company"] != "株式会社リアクト" || count(tl, event.FormSubmit) != 1 {
			t.Fatalf("person %+v timeline %s", p.Attributes, kinds(tl))
		}
		if all, _ := json.Marshal(tl); bytes.Contains(all, []byte("hunter2-react")) {
			t.Errorf("the unnamed password field was stored: %s", all)
		}
	})
	run("datalayer", func(t *testing.T, r result) {
		// A dataLayer that is no array (the site's own object of that
		// name) holds no consent commands: the page is collected as any
		// other. The tag threw on it (dataLayer.map is not a function)
		// before its first view, and on every click: nothing was stored.
		// (run fails on the page's uncaught errors.)
		if evs := events(t, r.AID); kinds(evs) != "page_view,outbound,page_view" {
			t.Fatalf("stored %s", kinds(evs))
		}
	})
	run("spaform", func(t *testing.T, r result) {
		_, tl := person(t, "spa.user@example.com")
		// The form and the route change it causes happen in the same
		// instant and travel in separate requests: their order on the
		// timeline is not the page's. What matters is that both are there.
		welcome := false
		for _, e := range tl {
			welcome = welcome || (e.Type == event.PageView && strings.HasSuffix(e.URL, "/spa/welcome"))
		}
		got := strings.Split(kinds(tl), ",")
		sort.Strings(got)
		if strings.Join(got, ",") != "form_submit,page_view,page_view" || !welcome || !strings.HasSuffix(r.URL, "/spa/welcome") {
			t.Fatalf("timeline %s at %s", kinds(tl), r.URL)
		}
	})
	run("consent", func(t *testing.T, r result) {
		if r.After != nil {
			t.Fatalf("the tag stored an id before consent: %v", r.After)
		}
		evs := events(t, r.AID)
		if kinds(evs) != "page_view,custom" || evs[1].Name != "clicked_cta" || evs[0].Consent != "granted" {
			t.Fatalf("stored %s %+v", kinds(evs), evs)
		}
	})
	run("consentnav", func(t *testing.T, r result) {
		// Consent given after a pushState: the landing page's campaign and
		// ad click are the visit's first touch. Before, only the page
		// consent was given on was stored, from the newsletter's site: a
		// referral, its UTM parameters and click id lost.
		if len(r.Left) != 0 {
			t.Fatalf("stored in the browser before consent: %v", r.Left)
		}
		evs := events(t, r.AID)
		landing := site.URL + "/consent.html?utm_source=news&utm_medium=email&utm_campaign=c1&gclid=G1"
		if v := pageViews(evs, site.URL); len(v) != 2 || v[0].URL != landing || v[0].Referrer != "https://news.example/" || v[0].UTM.Campaign != "c1" ||
			v[0].Consent != "granted" || v[1].URL != site.URL+"/consent2.html" || v[1].Title != "Second" || v[1].Referrer != landing {
			t.Fatalf("stored %q", views(evs))
		}
		if err := s.Settle(ctx); err != nil {
			t.Fatal(err)
		}
		p, _ := person(t, "consent.nav@example.com")
		ts, err := s.App.Qualifier.Touches(ctx, p.ID)
		click := sha256.Sum256([]byte("G1")) // a touch keeps 8 bytes of the click id's hash
		if err != nil || len(ts) != 1 || ts[0].Channel != "email" || ts[0].Medium != "email" || ts[0].Campaign != "c1" || ts[0].Click != hex.EncodeToString(click[:8]) {
			t.Fatalf("touches %+v (%v), want the email campaign c1 with the ad click first", ts, err)
		}
	})
	run("csp", func(t *testing.T, r result) {
		// Under the README's policy the view is stored and nothing is
		// refused; with connect-src 'self' and the collector elsewhere the
		// browser refuses the send and the view stays queued, silently
		// but for the console.
		info, _ := r.Info.(map[string]any)
		if evs := events(t, r.AID); len(pageViews(evs, site.URL+"/csp.html")) != 1 || info["refused"] != float64(0) {
			t.Fatalf("under the README's policy: stored %q, %v refused", views(evs), info["refused"])
		}
		if info["selfRefused"] == float64(0) || info["waiting"] == float64(0) || len(pageViews(events(t, r.AID), site.URL+"/csp-self.html")) != 0 {
			t.Fatalf("connect-src 'self': %v", info)
		}
	})
	run("gtagdenied", func(t *testing.T, r result) {
		// Nothing stored in the browser, nothing sent (the collector would
		// have set its cookie on any request).
		if r.AID != "" || r.URL != "" || len(r.Left) != 0 {
			t.Fatalf("analytics_storage denied, yet id %q, collector cookies %q, storage %v", r.AID, r.URL, r.Left)
		}
	})
	run("gtaggranted", func(t *testing.T, r result) {
		if r.After != nil {
			t.Fatalf("an id was stored while analytics_storage was denied: %v", r.After)
		}
		evs := events(t, r.AID)
		if kinds(evs) != "page_view" || evs[0].URL != site.URL+"/gtag.html" || evs[0].Consent != "granted" {
			t.Fatalf("stored %s %+v (after withdrawal nothing more may be)", kinds(evs), evs)
		}
		if len(r.Left) != 0 {
			t.Fatalf("withdrawal left %v in storage", r.Left)
		}
		// The page's own dataLayer.push wrapper (Tag Manager's, say) saw
		// every push, and the entries are all in dataLayer.
		if info, _ := r.Info.(map[string]any); info["seen"] != "consent,cta,consent" || info["entries"] != float64(4) {
			t.Fatalf("dataLayer.push chain broken: %v", r.Info)
		}
	})
	run("gtagrequired", func(t *testing.T, r result) {
		if r.After != nil {
			t.Fatalf("gtag granted overrode data-consent=required: id %v before baton('consent', true)", r.After)
		}
		evs := events(t, r.AID)
		if kinds(evs) != "page_view" || evs[0].Consent != "granted" {
			t.Fatalf("stored %s %+v", kinds(evs), evs)
		}
	})
	run("gtm", func(t *testing.T, r result) {
		// The queued call and the page view leave in the same instant, in
		// separate requests: their order in the store is not the page's.
		evs := events(t, r.AID)
		if len(evs) != 2 || count(evs, event.PageView) != 1 || count(evs, event.Custom) != 1 {
			t.Fatalf("stored %s %+v", kinds(evs), evs)
		}
		for _, e := range evs {
			if e.Type == event.Custom && e.Name != "gtm_loaded" {
				t.Errorf("custom event %q", e.Name)
			}
		}
		for _, e := range evs {
			if e.Site != "gtm" {
				t.Errorf("site %q: the ?site= of the tag's URL was not read", e.Site)
			}
		}
	})
	run("optout", func(t *testing.T, r result) {
		if len(r.Left) != 0 || r.After != nil {
			t.Fatalf("opt-out left storage %v, id after %v", r.Left, r.After)
		}
		// The collector cleared its visitor cookie and set its opt-out one.
		if r.Info != "bt_optout" {
			t.Fatalf("collector cookies after opt-out: %v", r.Info)
		}
		evs := events(t, r.AID)
		if kinds(evs) != "page_view" {
			t.Fatalf("after opt-out: %s", kinds(evs))
		}
	})
	run("optin", func(t *testing.T, r result) {
		if info, _ := r.Info.(string); r.URL != "bt_optout" || strings.Contains(info, "bt_optout") {
			t.Fatalf("collector cookies after the opt-out %q, after consent again %q", r.URL, r.Info)
		}
		if evs := events(t, r.AID); kinds(evs) != "page_view" {
			t.Fatalf("consent given again, yet collection did not resume: %s", kinds(evs))
		}
	})
	run("optin-open", func(t *testing.T, r result) {
		if info, _ := r.Info.(string); r.URL != "bt_optout" || strings.Contains(info, "bt_optout") {
			t.Fatalf("collector cookies after the opt-out %q, after consent again %q", r.URL, r.Info)
		}
		if evs := events(t, r.AID); kinds(evs) != "page_view" || evs[0].URL != site.URL+"/index.html?again=1" {
			t.Fatalf("consent given again on a site without data-consent, yet collection did not resume: %s", kinds(evs))
		}
	})
	run("blockedoptout", func(t *testing.T, r result) {
		// With storage blocked, the opt-out held for the rest of the page:
		// the custom event, the single-page-app view and the download after
		// it were not even sent (and only the page's first view is stored).
		if r.Wait != 0 {
			t.Fatalf("%d sends to /e after baton('consent', false) with storage blocked", r.Wait)
		}
		if evs := events(t, r.AID); kinds(evs) != "page_view" {
			t.Fatalf("stored %s", kinds(evs))
		}
	})
	run("blockedconsent", func(t *testing.T, r result) {
		if r.After != nil {
			t.Fatalf("the collector set its cookie before consent: %v", r.After)
		}
		// Consent given with storage blocked: the page view and the event
		// after it are recorded, with consent granted.
		evs := events(t, r.AID)
		if kinds(evs) != "page_view,custom" || evs[0].Consent != "granted" {
			t.Fatalf("stored %s %+v", kinds(evs), evs)
		}
	})
	run("gtagregrant", func(t *testing.T, r result) {
		first, _ := r.After.(string)
		if first == "" || r.URL == "" || r.URL == first {
			t.Fatalf("id %q before the withdrawal, %q after consent was granted again: the withdrawn id came back", first, r.URL)
		}
		// The withdrawal reached the collector (POST /optout, as
		// baton('consent', false)): its HttpOnly visitor cookie, which the
		// tag cannot remove, is gone. Before, it outlived the withdrawal
		// and the events after the new grant were stored under it, joined
		// to the history withdrawn.
		info, _ := r.Info.(map[string]any)
		if info["vid"] != first || info["withdrawn"] != "bt_optout" || info["end"] == first || info["end"] == nil {
			t.Fatalf("collector cookies: %v (first id %q)", info, first)
		}
		if evs := events(t, first); kinds(evs) != "page_view" {
			t.Fatalf("stored under the withdrawn id: %s", kinds(evs))
		}
		// The event after the new grant is stored, under the new id.
		if evs := events(t, r.URL); !strings.Contains(kinds(evs), "custom") || evs[0].Consent != "granted" {
			t.Fatalf("after consent granted again: %s", kinds(evs))
		}
	})
	run("gpc", func(t *testing.T, r result) {
		// Nothing was sent: no id was even created, and the collector never
		// set its cookie (it would have on any request).
		if r.AID != "" || r.URL != "" {
			t.Fatalf("Global Privacy Control on, yet the tag kept an id %q / the collector set cookies %q", r.AID, r.URL)
		}
	})
	run("bot", func(t *testing.T, r result) {
		evs := events(t, r.AID)
		if len(evs) != 1 || !evs[0].Enrichment.Bot {
			t.Fatalf("headless Chromium not flagged: %+v", evs)
		}
	})
	run("upgrade", func(t *testing.T, r result) {
		if r.After != float64(0) {
			t.Fatalf("queue after sending: %v (the older tag's event was not unqueued)", r.After)
		}
		evs := events(t, r.AID)
		old := pageViews(evs, site.URL+"/old-page")
		if len(old) != 1 || old[0].ID != "old-tag-message-1" || old[0].Title != "Old" || len(pageViews(evs, site.URL+"/index.html")) != 1 {
			t.Fatalf("stored %s %+v", kinds(evs), evs)
		}
	})
	run("retry", func(t *testing.T, r result) {
		if r.Wait != 1 || r.After != float64(0) {
			t.Fatalf("queue while down %d, after %v", r.Wait, r.After)
		}
		evs := events(t, r.AID)
		if kinds(evs) != "page_view,page_view" || evs[0].URL != site.URL+"/index.html" {
			t.Fatalf("after the collector came back: %s %+v", kinds(evs), evs)
		}
	})
	run("throttled", func(t *testing.T, r result) {
		// Two sends answered 429 (the page view, then the custom event
		// with it): both events stay queued, and arrive once the collector
		// accepts again, each stored once.
		if n := throttled.Load(); n < 2 {
			t.Fatalf("the proxy answered 429 %d times, want at least 2", n)
		}
		if r.Wait != 2 || r.After != float64(0) {
			t.Fatalf("queue while throttled %d (want 2: a 429 must not unqueue), after %v", r.Wait, r.After)
		}
		evs := events(t, r.AID)
		if len(evs) != 3 || len(pageViews(evs, site.URL+"/index.html")) != 1 || len(pageViews(evs, site.URL+"/jp.html")) != 1 || count(evs, event.Custom) != 1 {
			t.Fatalf("after the throttling ended: %s %+v", kinds(evs), evs)
		}
		for _, e := range evs {
			if e.Type == event.Custom && e.Name != "while_throttled" {
				t.Errorf("custom event %q", e.Name)
			}
		}
	})
	run("retryerased", func(t *testing.T, r result) {
		// The page view in flight was stored and its person erased before
		// the tag had its answer; the tag sent it again with the next
		// page's. Its tombstone refused it (the tag was answered, so it left
		// the queue); the next page's view, new, is stored.
		if after, _ := r.After.(float64); r.Wait != 1 || after != 0 {
			t.Fatalf("queued %d events after the lost answer (want 1), %v after the next page (want 0)", r.Wait, r.After)
		}
		if _, err := s.App.People.ByEmail(ctx, "retry.erased@example.com"); err != identity.ErrNotFound {
			t.Fatalf("the person was not erased: %v", err)
		}
		evs := events(t, r.AID)
		if n := len(pageViews(evs, site.URL+"/thanks.html")); n != 0 {
			t.Errorf("the page view retried after the erasure was stored again (%d)", n)
		}
		if kinds(evs) != "page_view" || len(pageViews(evs, site.URL+"/jp.html")) != 1 {
			t.Errorf("after the erasure the browser has %s, want the next page's view alone", kinds(evs))
		}
	})
	run("refused", func(t *testing.T, r result) {
		// A 400 unqueues: a body the collector refuses for good is not
		// resent forever (nor did it reach the store).
		if n := badRequests.Load(); n < 1 {
			t.Fatalf("the proxy answered 400 %d times, want at least 1", n)
		}
		if r.Wait != 0 {
			t.Fatalf("queue after a 400: %d events, want none", r.Wait)
		}
		if evs := events(t, r.AID); len(evs) != 0 {
			t.Fatalf("stored %s", kinds(evs))
		}
	})
}

// eraseEmail erases the person of an email, as DELETE /admin/people does.
func eraseEmail(s *stack.Stack, email string) error {
	ctx := context.Background()
	p, err := s.App.People.ByEmail(ctx, email)
	if err != nil {
		return err
	}
	_, err = s.App.Eraser.Erase(ctx, p.ID)
	return err
}
