package push_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/push"
)

// linkLike is what a renderer takes for a link in plain text (and more:
// a bare host with a path, under .example too).
var linkLike = regexp.MustCompile(`(?i)[a-z][a-z0-9+.-]*://[^\s（）「」]*|www\.[^\s（）「」]*|[a-z0-9-]+\.(example|jp|com)\b[^\s（）「」]*`)

// offsiteLead names off-site URLs everywhere an event can put one in the
// summary: a page, a download, a touch's page and referrer, a title, a
// UTM value; and own-site pages.
func offsiteLead(lang string) push.Lead {
	at := time.Date(2026, 11, 24, 10, 30, 0, 0, time.UTC)
	return push.Lead{Lang: lang, Condition: "hot", Grade: "A", Sites: []string{"www.example.com"},
		FirstTouch: push.Touch{Referrer: "https://evil.example/ref"}, // a referrer is written when nothing else says the touch
		LastTouch:  push.Touch{Channel: "paid", Source: "https://evil.example/src", Campaign: "see www.evil.example/c", URL: "https://evil.example/landing"},
		Activity: []push.Activity{
			{Type: event.PageView, Title: "Sign in", URL: "https://evil.example/login-to-baton", At: at},
			{Type: event.Download, Title: "Log in at HTTPS://Evil.Example/login now", URL: "https://www.example.com@evil.example/a.pdf", At: at},
			{Type: event.PageView, Title: "Pricing", URL: "https://www.example.com/pricing", At: at},
			{Type: event.Outbound, URL: "https://sub.www.example.com/r?to=https://evil.example/x", At: at},
			{Type: event.PageView, URL: "evil.example/bare", At: at},
			{Type: event.PageView, URL: "https://www.example.com/go?next=/home", At: at},
			{Type: event.PageView, Title: "ログインはこちら secure-login.co.jp/reset 「evil.com」", URL: "https://www.example.com/news", At: at},
		},
	}
}

// TestSummaryLinksOnlyOwnSites: an event posted to the public collector
// named https://evil.example/login-to-baton as a page, and the summary
// Baton writes into the SFA carried it as is, a link there for sales one
// click away. As the workspace does (event.OwnSite), a URL is written as a
// URL only on the team's own sites; any other is written marked, without
// its scheme and with its host's dots as "[.]": sales still read where it
// was, and nothing in it is a link.
func TestSummaryLinksOnlyOwnSites(t *testing.T) {
	for lang, mark := range map[string]string{"": "[other site, unverified] ", "ja": "［外部サイト・未確認］"} {
		got := offsiteLead(lang).Summary()
		for _, m := range linkLike.FindAllString(got, -1) {
			if !strings.HasPrefix(m, "https://www.example.com/") {
				t.Errorf("%q summary writes %q, a link to another site than the team's:\n%s", lang, m, got)
			}
		}
		for _, want := range []string{
			"Sign in " + mark + "evil[.]example/login-to-baton\n",
			"Log in at " + mark + "Evil[.]Example/login now " + mark + "www[.]example[.]com@evil[.]example/a.pdf\n",
			"Pricing https://www.example.com/pricing\n",
			mark + "sub[.]www[.]example[.]com/r?to=evil[.]example/x\n",
			mark + "evil[.]example/bare\n",
			" https://www.example.com/go?next=/home\n",
			mark + "evil[.]example/ref", mark + "evil[.]example/src", "see " + mark + "www[.]evil[.]example/c", mark + "evil[.]example/landing",
			"ログインはこちら " + mark + "secure-login[.]co[.]jp/reset 「" + mark + "evil[.]com」",
		} {
			if !strings.Contains(got, want) {
				t.Errorf("%q summary lacks %q:\n%s", lang, want, got)
			}
		}
	}
	l := offsiteLead("")
	l.Sites = nil
	if got := l.Summary(); strings.Contains(got, "https://") {
		t.Errorf("with no site configured, the summary writes a URL:\n%s", got)
	}
}

// TestSummaryOwnSiteURLHidesNoLink: a URL on the team's host can carry
// another after a space (url.Parse takes one in a path or a fragment, and
// the collector stores a URL as sent), a full-width space, a control
// character, or a quote where a renderer ends a link; the summary wrote it
// as the site's, and the SFA linked its second half. It is no own-site URL
// (event.OwnSite), written marked; what follows a quote in one is marked.
func TestSummaryOwnSiteURLHidesNoLink(t *testing.T) {
	at := time.Date(2026, 11, 24, 10, 30, 0, 0, time.UTC)
	for lang, mark := range map[string]string{"": "[other site, unverified] ", "ja": "［外部サイト・未確認］"} {
		l := push.Lead{Lang: lang, Condition: "hot", Grade: "A", Sites: []string{"www.example.com"},
			FirstTouch: push.Touch{Referrer: "https://www.example.com/\u2003evil.example/ref"},
			LastTouch:  push.Touch{Channel: "paid", URL: "https://www.example.com/#x https://evil.example/touch"},
			Activity: []push.Activity{
				{Type: event.PageView, URL: "https://www.example.com/ www.evil.example/login", At: at},
				{Type: event.PageView, URL: "https://www.example.com/#x https://evil.example", At: at},
				{Type: event.PageView, URL: "https://www.example.com/\u3000https://evil.example/wide", At: at},
				{Type: event.PageView, URL: "https://www.example.com/\nhttps://evil.example/nl", At: at},
				{Type: event.PageView, URL: `https://www.example.com/"https://evil.example/quote`, At: at},
				{Type: event.PageView, URL: "https://www.example.com/料金https://evil.example/kana", At: at},
			},
		}
		got := l.Summary()
		if strings.Contains(got, "evil.example") {
			t.Errorf("%q summary writes evil.example as a host a renderer links:\n%s", lang, got)
		}
		for _, want := range []string{
			mark + "www[.]example[.]com/ www[.]evil[.]example/login\n",
			mark + "www[.]example[.]com/#x evil[.]example\n",
			mark + "www[.]example[.]com/\u3000evil[.]example/wide\n",
			"https://www.example.com/\"" + mark + "evil[.]example/quote\n",
			"https://www.example.com/料金" + mark + "evil[.]example/kana\n",
			mark + "www[.]example[.]com/%0Aevil[.]example/nl\n", // no line of its own
			mark + "www[.]example[.]com/#x evil[.]example/touch",
			mark + "www[.]example[.]com/\u2003evil[.]example/ref",
		} {
			if !strings.Contains(got, want) {
				t.Errorf("%q summary lacks %q:\n%s", lang, want, got)
			}
		}
	}
}
