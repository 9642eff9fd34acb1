package qualify

import (
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/event"
)

// TestChannelOfJapanesePortals: the search engines and portals Japanese
// visitors come from, the social networks and apps they share links on,
// and the ad networks' click ids, each the channel a marketer counts it
// in. BIGLOBE, docomo, au and Rakuten searches were referrals (their hosts
// name no engine Baton knew), TikTok and Bluesky referrals, LINE's,
// X's and LinkedIn's ad click ids organic or direct, and a Facebook share
// opened in the app's browser (fbclid, no referrer) direct.
func TestChannelOfJapanesePortals(t *testing.T) {
	at := time.Date(2026, 11, 5, 1, 0, 0, 0, time.UTC)
	page := "https://www.example.co.jp/products/"
	cases := []struct {
		name, url, referrer, channel, source, medium string
	}{
		// search engines and portals
		{"yahoo japan search", page, "https://search.yahoo.co.jp/search?p=sfa", "search", "yahoo", "organic"},
		{"yahoo japan top", page, "https://www.yahoo.co.jp/", "search", "yahoo", "organic"},
		{"google.co.jp", page, "https://www.google.co.jp/", "search", "google", "organic"},
		{"google.co.jp subdomain", page, "https://m.google.co.jp/", "search", "google", "organic"},
		{"bing", page, "https://www.bing.com/search?q=sfa", "search", "bing", "organic"},
		{"goo", page, "https://search.goo.ne.jp/web.jsp?MT=sfa", "search", "goo", "organic"},
		{"biglobe", page, "https://cgi.search.biglobe.ne.jp/cgi-bin/search2-b?q=sfa", "search", "biglobe", "organic"},
		{"docomo", page, "https://search.smt.docomo.ne.jp/result?q=sfa", "search", "docomo", "organic"},
		{"au", page, "https://search.auone.jp/?q=sfa", "search", "auone", "organic"},
		{"rakuten", page, "https://websearch.rakuten.co.jp/Web?qt=sfa", "search", "rakuten", "organic"},
		{"duckduckgo", page, "https://duckduckgo.com/", "search", "duckduckgo", "organic"},
		{"baidu", page, "https://www.baidu.com/link?url=x", "search", "baidu", "organic"},
		{"naver", page, "https://search.naver.com/search.naver?query=sfa", "search", "naver", "organic"},
		{"ecosia", page, "https://www.ecosia.org/search?q=sfa", "search", "ecosia", "organic"},
		{"docomo's own site", page, "https://www.docomo.ne.jp/", "referral", "docomo.ne.jp", "referral"},
		{"rakuten ichiba", page, "https://www.rakuten.co.jp/", "referral", "rakuten.co.jp", "referral"},
		{"biglobe news", page, "https://news.biglobe.ne.jp/it/1204/abc.html", "referral", "news.biglobe.ne.jp", "referral"},
		// social
		{"line.me", page, "https://line.me/R/msg/text/", "social", "line.me", "referral"},
		{"lin.ee", page, "https://lin.ee/abc", "social", "lin.ee", "referral"},
		{"t.co", page, "https://t.co/abc", "social", "t.co", "referral"},
		{"x.com", page, "https://x.com/acme/status/1", "social", "x.com", "referral"},
		{"l.facebook.com", page, "https://l.facebook.com/", "social", "l.facebook.com", "referral"},
		{"lm.facebook.com", page, "https://lm.facebook.com/", "social", "lm.facebook.com", "referral"},
		{"m.facebook.com", page, "https://m.facebook.com/", "social", "m.facebook.com", "referral"},
		{"l.instagram.com", page, "https://l.instagram.com/", "social", "l.instagram.com", "referral"},
		{"lnkd.in", page, "https://lnkd.in/abc", "social", "lnkd.in", "referral"},
		{"linkedin", page, "https://www.linkedin.com/", "social", "linkedin.com", "referral"},
		{"note", page, "https://note.com/acme/n/n1", "social", "note.com", "referral"},
		{"qiita", page, "https://qiita.com/acme/items/1", "social", "qiita.com", "referral"},
		{"zenn", page, "https://zenn.dev/acme/articles/1", "social", "zenn.dev", "referral"},
		{"hatena bookmark", page, "https://b.hatena.ne.jp/hotentry/it", "social", "b.hatena.ne.jp", "referral"},
		{"youtube", page, "https://www.youtube.com/", "social", "youtube.com", "referral"},
		{"youtu.be", page, "https://youtu.be/abc", "social", "youtu.be", "referral"},
		{"tiktok", page, "https://www.tiktok.com/", "social", "tiktok.com", "referral"},
		{"threads.net", page, "https://www.threads.net/", "social", "threads.net", "referral"},
		{"threads.com", page, "https://www.threads.com/", "social", "threads.com", "referral"},
		{"bluesky", page, "https://bsky.app/profile/acme.bsky.social", "social", "bsky.app", "referral"},
		// NewsPicks: business news that its readers comment on and share.
		{"newspicks", page, "https://newspicks.com/news/10912345/", "social", "newspicks.com", "referral"},
		{"source newspicks", page + "?utm_source=NewsPicks", "", "social", "NewsPicks", ""},
		{"source tiktok", page + "?utm_source=tiktok", "", "social", "tiktok", ""},
		{"source bluesky", page + "?utm_source=bluesky", "", "social", "bluesky", ""},
		{"fbclid, no referrer", page + "?fbclid=IwAR0", "", "social", "facebook", "referral"},
		// email
		{"gmail", page, "https://mail.google.com/mail/u/0/", "email", "mail.google.com", "referral"},
		{"outlook.live.com", page, "https://outlook.live.com/", "email", "outlook.live.com", "referral"},
		{"outlook.office.com", page, "https://outlook.office.com/", "email", "outlook.office.com", "referral"},
		{"yahoo mail", page, "https://mail.yahoo.co.jp/", "email", "mail.yahoo.co.jp", "referral"},
		{"newsletter medium", page + "?utm_source=acme&utm_medium=newsletter", "", "email", "acme", "newsletter"},
		{"メルマガ medium", page + "?utm_source=acme&utm_medium=%E3%83%A1%E3%83%AB%E3%83%9E%E3%82%AC", "", "email", "acme", "メルマガ"},
		// paid
		{"ldtag_cl", page + "?ldtag_cl=abc", "", "paid", "line", "cpc"},
		{"ldtag_cl from line", page + "?ldtag_cl=abc", "https://line.me/", "paid", "line.me", "cpc"},
		{"twclid", page + "?twclid=abc", "https://t.co/x", "paid", "t.co", "cpc"},
		{"twclid, no referrer", page + "?twclid=abc", "", "paid", "x", "cpc"},
		{"li_fat_id", page + "?li_fat_id=abc", "", "paid", "linkedin", "cpc"},
		{"msclkid", page + "?msclkid=abc", "https://www.bing.com/", "paid", "bing", "cpc"},
		{"fbclid from facebook", page + "?fbclid=IwAR0", "https://m.facebook.com/", "social", "m.facebook.com", "referral"},
		{"ppc", page + "?utm_source=google&utm_medium=ppc", "", "paid", "google", "ppc"},
		{"display", page + "?utm_source=yahoo&utm_medium=display", "", "paid", "yahoo", "display"},
		{"リスティング", page + "?utm_source=yahoo&utm_medium=%E3%83%AA%E3%82%B9%E3%83%86%E3%82%A3%E3%83%B3%E3%82%B0", "", "paid", "yahoo", "リスティング"},
		// UTM as typed: full width, upper case
		{"ＧＯＯＧＬＥ / ＣＰＣ", page + "?utm_source=%EF%BC%A7%EF%BC%AF%EF%BC%AF%EF%BC%A7%EF%BC%AC%EF%BC%A5&utm_medium=%EF%BC%A3%EF%BC%B0%EF%BC%A3", "", "paid", "GOOGLE", "cpc"},
		{"ＧＯＯＧＬＥ alone", page + "?utm_source=%EF%BC%A7%EF%BC%AF%EF%BC%AF%EF%BC%A7%EF%BC%AC%EF%BC%A5", "", "search", "GOOGLE", ""},
		{"ＬＩＮＥ alone", page + "?utm_source=%EF%BC%AC%EF%BC%A9%EF%BC%AE%EF%BC%A5", "", "social", "LINE", ""},
	}
	for _, c := range cases {
		ev := event.Event{ID: "e", Type: event.PageView, Timestamp: at, URL: c.url, Referrer: c.referrer, UTM: event.ParseUTM(c.url)}
		tc, ok := TouchOf(ev)
		if !ok || tc.Channel != c.channel || tc.Source != c.source || tc.Medium != c.medium {
			t.Errorf("%s: %q from %q: channel %q source %q medium %q (touch %v); want %q %q %q", c.name, c.url, c.referrer, tc.Channel, tc.Source, tc.Medium, ok, c.channel, c.source, c.medium)
		}
	}
}

// TestLineInAppBrowser: a link opened in LINE's own browser (or Facebook's,
// Instagram's, LinkedIn's) often has no referrer; its user agent
// (Line/<version>, FBAN, Instagram, LinkedInApp) says where the visitor
// came from. It was direct.
func TestLineInAppBrowser(t *testing.T) {
	for _, ua := range []string{
		"Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Safari Line/14.9.0",
		"Mozilla/5.0 (Linux; Android 14; SO-51D Build/67.1.A.2.112; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/126.0.6478.134 Mobile Safari/537.36 Line/14.10.1/IAB",
	} {
		ev := event.Event{ID: "e", Type: event.PageView, URL: "https://www.example.co.jp/", Client: event.Client{UserAgent: ua}}
		tc, ok := TouchOf(ev)
		if !ok || tc.Channel != "social" || tc.Source != "line" {
			t.Errorf("%s: %+v %v; want social from line", ua, tc, ok)
		}
	}
	// Facebook's, Instagram's and LinkedIn's browsers send no referrer
	// either (Instagram's carries Facebook's marks too: Instagram).
	for ua, source := range map[string]string{
		"Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/470.0.0.38.108;FBBV/612345678;FBDV/iPhone15,2;FBMD/iPhone;FBSN/iOS;FBSV/17.5;FBSS/3;FBID/phone;FBLC/ja_JP;FBOP/5]":                                                                                "facebook",
		"Mozilla/5.0 (Linux; Android 14; SO-51D Build/67.1.A.2.112; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/126.0.6478.134 Mobile Safari/537.36 [FB_IAB/FB4A;FBAV/470.0.0.43.120;]":                                                                                                                                 "facebook",
		"Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 337.0.3.23.54 (iPhone15,2; iOS 17_5; ja_JP; ja; scale=3.00; 1179x2556; 612345678; IABMV/1)":                                                                                                              "instagram",
		"Mozilla/5.0 (Linux; Android 14; Pixel 8 Build/AP2A.240805.005; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/127.0.6533.103 Mobile Safari/537.36 Instagram 343.0.0.33.101 Android (34/14; 420dpi; 1080x2205; Google/google; Pixel 8; shiba; shiba; ja_JP; 612345678) [FBAN/EMA;FBLC/ja_JP;FBAV/470.0.0.38.108;]": "instagram",
		"Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [LinkedInApp]/9.30.1234":                                                                                                                                                                                           "linkedin",
	} {
		ev := event.Event{ID: "e", Type: event.PageView, URL: "https://www.example.co.jp/", Client: event.Client{UserAgent: ua}}
		if tc, ok := TouchOf(ev); !ok || tc.Channel != "social" || tc.Source != source {
			t.Errorf("%s: %+v %v; want social from %s", ua, tc, ok, source)
		}
	}
	// Another browser, or a name that only contains Line, is direct.
	for _, ua := range []string{
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
		"Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/128.0 Pipeline/2.0",
	} {
		ev := event.Event{ID: "e", Type: event.PageView, URL: "https://www.example.co.jp/", Client: event.Client{UserAgent: ua}}
		if tc, ok := TouchOf(ev); !ok || tc.Channel != "direct" {
			t.Errorf("%s: %+v %v; want direct", ua, tc, ok)
		}
	}
	// A UTM-tagged link keeps its own source in LINE's browser.
	u := "https://www.example.co.jp/?utm_source=newsletter&utm_medium=email"
	ev := event.Event{ID: "e", Type: event.PageView, URL: u, UTM: event.ParseUTM(u), Client: event.Client{UserAgent: "Mozilla/5.0 Safari Line/14.9.0"}}
	if tc, ok := TouchOf(ev); !ok || tc.Channel != "email" {
		t.Errorf("utm in LINE: %+v %v; want email", tc, ok)
	}
}

// TestSignInAndPaymentAreNoTouch: a visitor comes back from signing in
// (Google, Microsoft, Yahoo! JAPAN ID, LINE Login, an IdP) or from paying
// (a card's 3-D Secure, a payment gateway): the site sent them there, so
// it is no new touch. accounts.google.com was organic search (a Google
// host), access.line.me and pay.line.me social, the others referrals:
// each a last touch hiding the campaign that brought the visitor.
func TestSignInAndPaymentAreNoTouch(t *testing.T) {
	for _, ref := range []string{
		"https://accounts.google.com/",
		"https://accounts.google.co.jp/",
		"https://login.microsoftonline.com/common/oauth2/v2.0/authorize",
		"https://login.live.com/",
		"https://login.yahoo.co.jp/config/login",
		"https://access.line.me/oauth2/v2.1/login",
		"https://appleid.apple.com/",
		"https://acme.okta.com/",
		"https://acme.auth0.com/",
		"https://acme.onelogin.com/",
		"https://checkout.stripe.com/c/pay/cs_1",
		"https://www.paypal.com/checkoutnow",
		"https://pay.line.me/",
		"https://pay.rakuten.co.jp/",
		"https://payments.amazon.co.jp/",
		"https://komoju.com/sessions/1",
		"https://pt01.mul-pay.jp/link/tshop/Member/Edit",
		"https://secure.epsilon.jp/cgi-bin/order/receive_order3.cgi",
		"https://pay.jp/",
	} {
		u := "https://www.example.co.jp/thanks?utm_campaign=stale"
		ev := event.Event{ID: "e", Type: event.PageView, URL: u, Referrer: ref, UTM: event.ParseUTM(u)}
		if tc, ok := TouchOf(ev); ok {
			t.Errorf("from %s: %+v; want no touch", ref, tc)
		}
		// An ad's click id on the page is the ad's touch (an ad's landing
		// behind the SSO): TestAdClickWhateverTheReferrer.
	}
	// A page of theirs that is no sign-in or payment is still a referral.
	for _, ref := range []string{"https://stripe.com/blog/x", "https://www.microsoft.com/ja-jp/", "https://developers.line.biz/ja/"} {
		ev := event.Event{ID: "e", Type: event.PageView, URL: "https://www.example.co.jp/", Referrer: ref}
		if tc, ok := TouchOf(ev); !ok || tc.Channel != "referral" {
			t.Errorf("from %s: %+v %v; want a referral", ref, tc, ok)
		}
	}
}

// TestOrganicSocialUTM: a post tagged utm_medium=organic (or referral) by
// a social network's name is social, as GA4 has it (its social sources
// come before the organic medium): LINE公式アカウント's and X's organic
// posts were counted as search. A search engine's name with medium
// referral is search; another source's is still a referral, and organic
// alone still search.
func TestOrganicSocialUTM(t *testing.T) {
	cases := []struct{ query, channel string }{
		{"utm_source=line&utm_medium=organic", "social"},
		{"utm_source=X&utm_medium=Organic", "social"},
		{"utm_source=facebook.com&utm_medium=organic", "social"},
		{"utm_source=linkedin&utm_medium=referral", "social"},
		{"utm_source=google&utm_medium=organic", "search"},
		{"utm_source=yahoo&utm_medium=referral", "search"},
		{"utm_source=acme-blog&utm_medium=organic", "search"},
		{"utm_source=partner&utm_medium=referral", "referral"},
		{"utm_source=newsletter&utm_medium=referral", "referral"},
	}
	for _, c := range cases {
		u := "https://www.example.co.jp/?" + c.query
		tc, ok := TouchOf(event.Event{ID: "e", Type: event.PageView, URL: u, UTM: event.ParseUTM(u)})
		if !ok || tc.Channel != c.channel {
			t.Errorf("%s: %+v %v; want %s", c.query, tc, ok, c.channel)
		}
	}
}

// TestWebmailHosts: Yahoo!メール's hosts under mail.yahoo.co.jp
// (jp.mg5.mail.yahoo.co.jp) were organic search, a Yahoo! host; LINE's old
// line.naver.jp a Naver search.
func TestWebmailHosts(t *testing.T) {
	for ref, want := range map[string]string{
		"https://jp.mg5.mail.yahoo.co.jp/message/": "email",
		"https://mail.yahoo.co.jp/u/pc/f/message/": "email",
		"https://line.naver.jp/R/msg/text/":        "social",
		"https://search.yahoo.co.jp/search?p=mail": "search",
		"https://mailchimp.com/":                   "referral",
	} {
		tc, ok := TouchOf(event.Event{ID: "e", Type: event.PageView, URL: "https://www.example.co.jp/", Referrer: ref})
		if !ok || tc.Channel != want {
			t.Errorf("from %s: %+v %v; want %s", ref, tc, ok, want)
		}
	}
}

// TestClickLandingIsNotDirect: a tracked link with no UTM parameters lands
// on a page with no referrer (the click's redirect sends none): a direct
// page view. Its clock a second behind the click's, it was the person's
// first touch, direct, and the newsletter that brought them second. A
// direct visit well before the click is still the first touch.
func TestClickLandingIsNotDirect(t *testing.T) {
	t0 := time.Date(2026, 11, 5, 1, 0, 0, 0, time.UTC)
	dest := "https://www.example.co.jp/offer"
	click := event.Event{ID: "c1", Type: event.EmailClick, URL: dest, Timestamp: t0, Properties: map[string]any{"campaign": "dec-news"}}
	for _, d := range []time.Duration{-time.Second, -20 * time.Second, time.Second} {
		land := event.Event{ID: "p1", Type: event.PageView, URL: dest, Timestamp: t0.Add(d)}
		for _, batches := range [][][]event.Event{{{click, land}}, {{land}, {click}}, {{click}, {land}}} {
			var list []Touch
			for _, b := range batches {
				list = addTouches(list, b, nil)
			}
			if len(list) != 1 || list[0].Channel != "email" || list[0].Campaign != "dec-news" {
				t.Errorf("landing %v after the click, batches %d: %+v", d, len(batches), list)
			}
		}
	}
	earlier := event.Event{ID: "p0", Type: event.PageView, URL: dest, Timestamp: t0.Add(-2 * time.Hour)}
	list := addTouches(nil, []event.Event{earlier, click}, nil)
	if len(list) != 2 || list[0].Channel != "direct" || list[1].Channel != "email" {
		t.Errorf("a direct visit before: %+v", list)
	}
}

// TestHashRouteClickIDs: a hash-mode single-page app's ad landing
// (#/lp?gclid=...) is the ad click, as its hash route's UTM parameters
// are read (event.ParseUTM); it was a direct visit. The URL's own query
// still comes first, and an anchor (#gclid=, no route) is none.
func TestHashRouteClickIDs(t *testing.T) {
	for u, want := range map[string]Touch{
		"https://www.example.co.jp/#/lp?gclid=G1":                                {Channel: "paid", Source: "google", Medium: "cpc", Click: clickHash("G1"), Carried: true},
		"https://www.example.co.jp/app#!/lp?utm_source=x&utm_medium=cpc&yclid=Y": {Channel: "paid", Source: "x", Medium: "cpc", Click: clickHash("Y")},
		"https://www.example.co.jp/?gclid=Q#/lp?gclid=G1":                        {Channel: "paid", Source: "google", Medium: "cpc", Click: clickHash("Q"), Carried: true},
		"https://www.example.co.jp/#/lp?fbclid=F":                                {Channel: "social", Source: "facebook", Medium: "referral"},
		"https://www.example.co.jp/#gclid=G1":                                    {Channel: "direct"},
		"https://www.example.co.jp/#plans?gclid=G1":                              {Channel: "direct"}, // an anchor, no route
	} {
		tc, ok := TouchOf(event.Event{ID: "e", Type: event.PageView, URL: u, UTM: event.ParseUTM(u)})
		tc.At, tc.EventID, tc.Campaign = time.Time{}, "", ""
		if !ok || tc != want {
			t.Errorf("%s: %+v %v; want %+v", u, tc, ok, want)
		}
	}
}
