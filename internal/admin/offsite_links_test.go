package admin_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/admin"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/push"
)

// offsiteTimeline is what anyone can make a person's timeline hold by
// posting to the collector: events naming the team's site and others.
type offsiteTimeline struct{}

// offsiteURLs are the URLs offsiteTimeline names that are on no site of
// the team's (www.example.com), each a way a look-alike could pass for it.
var offsiteURLs = []string{
	"https://evil.example/login-to-baton",                  // a phishing page
	"https://www.example.com.evil.example/a.pdf",           // the site's host as a prefix
	"https://www.example.com@evil.example/",                // the site's host as user info
	"https://tenant.example.com/",                          // a subdomain of the site's domain (a SaaS customer's)
	"javascript:alert(document.domain)",                    // a script (the collector refuses it; stored before?)
	"https://www.example.com/ www.evil.example/login",      // the site's host, another after a space (url.Parse takes it)
	"https://www.example.com/#x\u3000https://evil.example", // after a full-width space
}

func (offsiteTimeline) Timeline(context.Context, string, int) ([]event.Event, error) {
	at := time.Date(2026, 11, 24, 7, 0, 0, 0, time.UTC)
	evs := []event.Event{{ID: "e1", Type: event.PageView, URL: offsiteURLs[0], Title: "Baton: sign in again", Timestamp: at}}
	for i, u := range offsiteURLs[1:] {
		evs = append(evs, event.Event{ID: "off" + string(rune('a'+i)), Type: event.Outbound, URL: u, Timestamp: at.Add(-time.Duration(i+1) * time.Minute)})
	}
	return append(evs,
		event.Event{ID: "own", Type: event.PageView, URL: "https://www.example.com/pricing", Title: "Pricing", Timestamp: at.Add(-time.Hour)},
		event.Event{ID: "own-upper", Type: event.Download, URL: "HTTPS://WWW.EXAMPLE.COM/files/paper.pdf", Timestamp: at.Add(-2 * time.Hour)}), nil
}

var hrefRE = regexp.MustCompile(`href="([^"]*)"`)

// checkNoOffsiteLink fails when a page links to a URL of no team site (a
// javascript: one would show as html/template's #ZgotmplZ).
func checkNoOffsiteLink(t *testing.T, page, body string) {
	t.Helper()
	for _, m := range hrefRE.FindAllStringSubmatch(body, -1) {
		if h := strings.ToLower(m[1]); strings.Contains(h, "evil.example") || strings.Contains(h, "tenant.example.com") || strings.Contains(h, "javascript") || strings.Contains(h, "zgotmplz") {
			t.Errorf("%s links to %q, a site not the team's", page, m[1])
		}
	}
}

// TestOffsiteURLsAreNoLinks: a URL an event names is a link on the
// workspace's pages only on one of the team's sites (BATON_SITE_ORIGINS);
// any other is shown as text to copy, marked as another site's, in
// English and Japanese. The person's timeline and the events behind an
// MQL linked to whatever URL an event posted to the public collector
// named: a phishing page one click away in the trusted workspace. Links
// kept send no Referer, and the pages' Referrer-Policy keeps their URLs
// (a person's id) from any other site.
func TestOffsiteURLsAreNoLinks(t *testing.T) {
	f := newFixture(t)
	f.h.People, f.h.Timelines, f.h.Scores = rtlPerson{}, offsiteTimeline{}, oneMQL{}
	f.h.SiteHosts = []string{"www.example.com"}
	cookie, _ := f.login(fullToken)
	for _, lang := range []struct{ l, mark string }{{"en", "other site, unverified"}, {"ja", "外部サイト・未確認"}} {
		a := f.req("GET", "/admin/people/p_1?lang="+lang.l, "", "Cookie", cookie, "Accept", "text/html")
		if a.code != 200 {
			t.Fatalf("%s: %d %s", lang.l, a.code, a.body)
		}
		checkNoOffsiteLink(t, "the person's page ("+lang.l+")", a.body)
		for _, want := range []string{
			`<a href="https://www.example.com/pricing" rel="noopener noreferrer">Pricing</a>`,
			// no title: its host and path, the URL whole on hover
			`<a href="HTTPS://WWW.EXAMPLE.COM/files/paper.pdf" rel="noopener noreferrer" title="HTTPS://WWW.EXAMPLE.COM/files/paper.pdf">WWW.EXAMPLE.COM/files/paper.pdf</a>`,
			// the phishing page's title and its URL, as text
			`<bdi>Baton: sign in again</bdi> <span class="chip offsite"`,
			`<code>https://evil.example/login-to-baton</code>`,
			`<code>https://www.example.com@evil.example/</code>`,
			`<code>https://www.example.com/%20www.evil.example/login</code>`,
			`<code>https://www.example.com/#x%E3%80%80https://evil.example</code>`,
		} {
			if !strings.Contains(a.body, want) {
				t.Errorf("%s: the person's page lacks %q", lang.l, want)
			}
		}
		// Each URL of no team site in the timeline, and the first again
		// behind the MQL.
		if n := strings.Count(a.body, ">"+lang.mark+"</span>"); n != len(offsiteURLs)+1 {
			t.Errorf("%s: %d URLs marked %q, want %d", lang.l, n, lang.mark, len(offsiteURLs)+1)
		}
		if p := a.hdr.Get("Referrer-Policy"); p != "same-origin" {
			t.Errorf("%s: Referrer-Policy %q, want same-origin (no Referer to another site, Origin kept for Baton's own forms)", lang.l, p)
		}
	}

	// Without BATON_SITE_ORIGINS no URL is a link.
	f.h.SiteHosts = nil
	a := f.req("GET", "/admin/people/p_1", "", "Cookie", cookie, "Accept", "text/html")
	if strings.Contains(a.body, `href="https://www.example.com/pricing"`) || !strings.Contains(a.body, "<code>https://www.example.com/pricing</code>") {
		t.Errorf("without site origins, the own page is still a link or not shown:\n%s", a.body)
	}
}

// TestInboxOffsiteURLsAreNoLinks: the MQL inbox's activity lists what a
// lead did, URLs the events named: a link only on the team's site.
func TestInboxOffsiteURLsAreNoLinks(t *testing.T) {
	f := newFixture(t, func(h *admin.Handler) { h.Deliveries = &admin.DeliveryAdmin{Queue: noDead{}} }) // the routes
	inbox := &push.Inbox{T: f.tb}
	f.h.Deliveries.Inbox = inbox
	f.h.SiteHosts = []string{"www.example.com"}
	at := f.clk.Now()
	if _, err := inbox.Push(context.Background(), push.Lead{MQLID: "p_1-c1", PersonID: "p_1", Email: "a@maker.example", Condition: "hot", QualifiedAt: at, Cycle: 1, Activity: []push.Activity{
		{Type: event.PageView, URL: "https://evil.example/login-to-baton", Title: "Baton: sign in again", At: at},
		{Type: event.PageView, URL: "https://www.example.com/pricing", Title: "Pricing", At: at.Add(-time.Minute)},
	}}); err != nil {
		t.Fatal(err)
	}
	cookie, _ := f.login(fullToken)
	a := f.req("GET", "/admin/inbox", "", "Cookie", cookie, "Accept", "text/html")
	if a.code != 200 {
		t.Fatalf("inbox: %d %s", a.code, a.body)
	}
	checkNoOffsiteLink(t, "the inbox", a.body)
	for _, want := range []string{`<a href="https://www.example.com/pricing" rel="noopener noreferrer">Pricing</a>`, `<code>https://evil.example/login-to-baton</code>`, ">other site, unverified</span>"} {
		if !strings.Contains(a.body, want) {
			t.Errorf("the inbox lacks %q", want)
		}
	}
}
