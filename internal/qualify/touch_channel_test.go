package qualify

import (
	"slices"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/event"
)

// TestChannelOfJapaneseTraffic: the channels a Japanese B2B site's visits
// come from, as its marketers would group them: webmail (Gmail, Yahoo!
// メール, Outlook on the web, the Gmail app) is email, not search; LINE (the
// app's package is jp.naver.line.android) and Hatena Bookmark are social,
// not search or referral; Google and Yahoo! JAPAN ads auto-tagged with
// gclid or yclid are paid, not organic search; utm_medium and utm_source as
// people type them (full width, upper case, spaces, Japanese words, the
// paid_search and paid-social spellings) are the channel they name.
func TestChannelOfJapaneseTraffic(t *testing.T) {
	at := time.Date(2026, 11, 5, 1, 0, 0, 0, time.UTC)
	page := "https://www.example.co.jp/products/"
	cases := []struct {
		name, url, referrer, channel, source, medium string
	}{
		// referrers
		{"google.co.jp", page, "https://www.google.co.jp/", "search", "google", "organic"},
		{"google.com", page, "https://www.google.com/", "search", "google", "organic"},
		{"yahoo search", page, "https://search.yahoo.co.jp/search?p=ma", "search", "yahoo", "organic"},
		{"bing", page, "https://www.bing.com/", "search", "bing", "organic"},
		{"gmail web", page, "https://mail.google.com/", "email", "mail.google.com", "referral"},
		{"yahoo mail", page, "https://mail.yahoo.co.jp/", "email", "mail.yahoo.co.jp", "referral"},
		{"outlook web", page, "https://outlook.live.com/", "email", "outlook.live.com", "referral"},
		{"outlook 365", page, "https://outlook.office.com/", "email", "outlook.office.com", "referral"},
		{"gmail app", page, "android-app://com.google.android.gm/", "email", "com.google.android.gm", "referral"},
		{"line app", page, "android-app://jp.naver.line.android/", "social", "jp.naver.line.android", "referral"},
		{"line.me", page, "https://line.me/", "social", "line.me", "referral"},
		{"hatena bookmark", page, "https://b.hatena.ne.jp/entry/s/www.example.co.jp/", "social", "b.hatena.ne.jp", "referral"},
		{"facebook l.", page, "https://l.facebook.com/", "social", "l.facebook.com", "referral"},
		{"t.co", page, "https://t.co/abc", "social", "t.co", "referral"},
		{"note", page, "https://note.com/acme/n/n123", "social", "note.com", "referral"},
		{"yahoo news", page, "https://news.yahoo.co.jp/articles/abc", "referral", "news.yahoo.co.jp", "referral"},
		{"yahoo chiebukuro", page, "https://detail.chiebukuro.yahoo.co.jp/qa/question_detail/q1", "referral", "detail.chiebukuro.yahoo.co.jp", "referral"},
		{"google docs", page, "https://docs.google.com/", "referral", "docs.google.com", "referral"},
		{"google news", page, "https://news.google.com/", "referral", "news.google.com", "referral"},
		{"yahoo top", page, "https://www.yahoo.co.jp/", "search", "yahoo", "organic"},
		{"bing cn", page, "https://cn.bing.com/", "search", "bing", "organic"},
		{"google app", page, "android-app://com.google.android.googlequicksearchbox/", "search", "google", "organic"},
		{"goo search", page, "https://search.goo.ne.jp/web.jsp?MT=x", "search", "goo", "organic"},
		{"goo blog", page, "https://blog.goo.ne.jp/someone/e/1", "referral", "blog.goo.ne.jp", "referral"},
		{"a partner", page, "https://partner.example.net/", "referral", "partner.example.net", "referral"},
		{"a partner named like google", page, "https://www.notgoogle.example/", "referral", "notgoogle.example", "referral"},
		// ad auto-tagging, no UTM
		{"gclid", page + "?gclid=Cj0KCQ", "https://www.google.co.jp/", "paid", "google", "cpc"},
		{"yclid", page + "?yclid=YSS.1001", "https://search.yahoo.co.jp/", "paid", "yahoo", "cpc"},
		{"gclid without a referrer", page + "?gclid=Cj0KCQ", "", "paid", "google", "cpc"},
		{"fbclid is not paid", page + "?fbclid=IwAR0", "https://l.facebook.com/", "social", "l.facebook.com", "referral"},
		// UTM as typed
		{"CPC", page + "?utm_source=google&utm_medium=CPC", "", "paid", "google", "cpc"},
		{"full-width cpc", page + "?utm_source=yahoo&utm_medium=%EF%BD%83%EF%BD%90%EF%BD%83", "", "paid", "yahoo", "cpc"},
		{"cpc with space", page + "?utm_source=google&utm_medium=cpc%20", "", "paid", "google", "cpc"},
		{"paid_search", page + "?utm_source=google&utm_medium=paid_search", "", "paid", "google", "paid_search"},
		{"paid-social", page + "?utm_source=facebook&utm_medium=paid-social", "", "paid", "facebook", "paid-social"},
		{"paidsocial", page + "?utm_source=linkedin&utm_medium=paidsocial", "", "paid", "linkedin", "paidsocial"},
		{"retargeting", page + "?utm_source=criteo&utm_medium=retargeting", "", "paid", "criteo", "retargeting"},
		{"banner", page + "?utm_source=nikkei&utm_medium=banner", "", "paid", "nikkei", "banner"},
		{"広告", page + "?utm_source=yahoo&utm_medium=%E5%BA%83%E5%91%8A", "", "paid", "yahoo", "広告"},
		{"メルマガ", page + "?utm_source=newsletter&utm_medium=%E3%83%A1%E3%83%AB%E3%83%9E%E3%82%AC", "", "email", "newsletter", "メルマガ"},
		{"メール", page + "?utm_source=hubspot&utm_medium=%E3%83%A1%E3%83%BC%E3%83%AB", "", "email", "hubspot", "メール"},
		{"mail", page + "?utm_source=benchmark&utm_medium=mail", "", "email", "benchmark", "mail"},
		{"Email", page + "?utm_source=Benchmark&utm_medium=Email", "", "email", "Benchmark", "email"},
		{"SNS", page + "?utm_source=X&utm_medium=SNS", "", "social", "X", "sns"},
		{"source google alone", page + "?utm_source=google&utm_campaign=brand", "", "search", "google", ""},
		{"source Yahoo alone", page + "?utm_source=Yahoo&utm_campaign=brand", "", "search", "Yahoo", ""},
		{"source line alone", page + "?utm_source=line&utm_campaign=oa", "", "social", "line", ""},
		{"source facebook alone", page + "?utm_source=facebook&utm_campaign=x", "", "social", "facebook", ""},
		{"source newsletter alone", page + "?utm_source=newsletter&utm_campaign=dec", "", "email", "newsletter", ""},
		{"source メルマガ alone", page + "?utm_source=%E3%83%A1%E3%83%AB%E3%83%9E%E3%82%AC&utm_campaign=dec", "", "email", "メルマガ", ""},
		{"source email alone", page + "?utm_source=Email", "", "email", "Email", ""},
		{"referral medium", page + "?utm_source=partner&utm_medium=referral", "", "referral", "partner", "referral"},
	}
	for _, c := range cases {
		ev := event.Event{ID: "e", Type: event.PageView, Timestamp: at, URL: c.url, Referrer: c.referrer, UTM: event.ParseUTM(c.url)}
		tc, ok := TouchOf(ev)
		if !ok || tc.Channel != c.channel || tc.Source != c.source || tc.Medium != c.medium {
			t.Errorf("%s: %q from %q: channel %q source %q medium %q (touch %v); want %q %q %q", c.name, c.url, c.referrer, tc.Channel, tc.Source, tc.Medium, ok, c.channel, c.source, c.medium)
		}
	}
}

// TestInternalNavigationIsNoTouch: a page reached from the site's own page
// is no touch, not even a direct one (one carrying an ad's click id is the
// ad's: TestAdClickWhateverTheReferrer).
func TestInternalNavigationIsNoTouch(t *testing.T) {
	for _, u := range []string{"https://www.example.co.jp/b", "https://www.example.co.jp/b?utm_campaign=x", "https://www.example.co.jp/b?gclid="} {
		ev := event.Event{ID: "e", Type: event.PageView, URL: u, Referrer: "https://www.example.co.jp/a", UTM: event.ParseUTM(u)}
		if tc, ok := TouchOf(ev); ok {
			t.Errorf("%s: %+v", u, tc)
		}
	}
}

// TestAdClickWhateverTheReferrer: a page view whose URL carries an ad's
// click id is a paid touch of the ad's network whatever its referrer: the
// site's own page (a landing page that redirects by script, a site keeping
// the query on its links), a sign-in or payment page (an ad's landing
// behind the company's SSO), one of the company's other sites or
// unwanted referrals, or a referrer that is no URL. Each was no touch: the
// ad click lost, the visit credited to the touch before it. Repeated
// within the visit after the landing, it is that one touch.
func TestAdClickWhateverTheReferrer(t *testing.T) {
	at := time.Date(2026, 11, 5, 1, 0, 0, 0, time.UTC)
	r := Referrals{"acme-cloud.example", "login.acme-idp.example"}
	cases := []struct{ url, referrer, source string }{
		{"https://www.acme.example/lp?gclid=Cj0KCQ", "https://www.acme.example/", "google"},
		{"https://www.acme.example/lp?x=1&msclkid=8b3c", "https://acme.example/go", "bing"},
		{"https://www.acme.example/lp?yclid=YSS.1001", "https://blog.acme.example/post", "yahoo"},
		{"https://www.acme.example/app?gbraid=0AAA", "https://accounts.google.com/", "google"},
		{"https://www.acme.example/thanks?ttclid=E.C.P", "https://checkout.stripe.com/c/pay/cs_1", "tiktok"},
		{"https://www.acme.example/form?li_fat_id=abc", "https://www.acme-cloud.example/contact", "linkedin"},
		{"https://www.acme.example/?twclid=abc", "https://sso.login.acme-idp.example/saml", "x"},
		{"https://www.acme.example/?GCLID=abc", "::not a url", "google"},
	}
	for _, c := range cases {
		ev := event.Event{ID: "e", Type: event.PageView, URL: c.url, Referrer: c.referrer, Timestamp: at}
		tc, ok := r.TouchOf(ev)
		if !ok || tc.Channel != "paid" || tc.Source != c.source || tc.Medium != "cpc" {
			t.Errorf("%s from %s: %+v %v; want paid, %s, cpc", c.url, c.referrer, tc, ok, c.source)
		}
	}
	// A Facebook click id is no ad's (Facebook adds it to organic shares):
	// from the site's own page, still no touch.
	if tc, ok := TouchOf(event.Event{ID: "e", Type: event.PageView, URL: "https://www.acme.example/b?fbclid=IwAR0", Referrer: "https://www.acme.example/"}); ok {
		t.Errorf("fbclid from the site's own page: %+v", tc)
	}
	// The landing from the search ad, then the site's pages keeping the
	// query: one touch.
	pv := func(id, u, ref string, d time.Duration) event.Event {
		return event.Event{ID: id, Type: event.PageView, URL: u, Referrer: ref, Timestamp: at.Add(d)}
	}
	list := addTouches(nil, []event.Event{
		pv("s", "https://www.acme.example/", "https://www.google.co.jp/", -time.Hour),
		pv("a1", "https://www.acme.example/lp?gclid=Cj0", "https://www.google.co.jp/", 0),
		pv("a2", "https://www.acme.example/lp2?gclid=Cj0", "https://www.acme.example/lp?gclid=Cj0", time.Minute),
		pv("a3", "https://www.acme.example/lp3?gclid=Cj0", "https://www.acme.example/lp2?gclid=Cj0", 2*time.Minute),
	}, nil)
	var got []string
	for _, tc := range list {
		got = append(got, tc.EventID+":"+tc.Channel)
	}
	if want := []string{"s:search", "a1:paid"}; !slices.Equal(got, want) {
		t.Errorf("touches %v, want %v", got, want)
	}
	// An X ad's landing names it by its referrer (t.co), the next page by
	// the network (x): one visit; a LinkedIn ad's a minute on is another.
	list = addTouches(nil, []event.Event{
		pv("x1", "https://www.acme.example/lp?twclid=2a", "https://t.co/abc", 0),
		pv("x2", "https://www.acme.example/b?twclid=2a", "https://www.acme.example/lp?twclid=2a", time.Minute),
		pv("l1", "https://www.acme.example/c?li_fat_id=9", "https://www.acme.example/b?twclid=2a", 2*time.Minute),
	}, nil)
	got = nil
	for _, tc := range list {
		got = append(got, tc.EventID+":"+tc.Source)
	}
	if want := []string{"x1:t.co", "l1:linkedin"}; !slices.Equal(got, want) {
		t.Errorf("touches %v, want %v", got, want)
	}
}

// TestReferrerMedium: a visit a referrer brought has the medium GA4 gives
// it, organic from a search engine and referral from elsewhere; it had
// none, and a report by medium put organic search and referrals in
// "(none)" with the direct visits.
func TestReferrerMedium(t *testing.T) {
	for ref, want := range map[string]string{"https://www.google.co.jp/": "organic", "https://l.facebook.com/": "referral", "https://partner.example.net/": "referral", "": ""} {
		tc, ok := TouchOf(event.Event{ID: "e", Type: event.PageView, URL: "https://www.example.co.jp/", Referrer: ref})
		if !ok || tc.Medium != want {
			t.Errorf("from %q: %+v %v; want medium %q", ref, tc, ok, want)
		}
	}
}

// TestCampaignOnlyUTMKeepsTheReferrer: a URL tagged with utm_campaign (or
// utm_content) alone names no source or medium: the visit's channel is its
// referrer's (or direct), the campaign kept; it was a referral whatever it
// came from.
func TestCampaignOnlyUTMKeepsTheReferrer(t *testing.T) {
	cases := []struct{ url, referrer, channel, source, campaign string }{
		{"https://www.example.co.jp/?utm_campaign=brand", "https://www.google.co.jp/", "search", "google", "brand"},
		{"https://www.example.co.jp/?utm_content=banner-a", "https://search.yahoo.co.jp/", "search", "yahoo", ""},
		{"https://www.example.co.jp/?utm_campaign=dec-seminar", "https://l.facebook.com/", "social", "l.facebook.com", "dec-seminar"},
		{"https://www.example.co.jp/?utm_campaign=dec-seminar", "", "direct", "", "dec-seminar"},
	}
	for _, c := range cases {
		ev := event.Event{ID: "e", Type: event.PageView, URL: c.url, Referrer: c.referrer, UTM: event.ParseUTM(c.url)}
		tc, ok := TouchOf(ev)
		if !ok || tc.Channel != c.channel || tc.Source != c.source || tc.Campaign != c.campaign {
			t.Errorf("%s from %q: %+v %v; want %s %s %s", c.url, c.referrer, tc, ok, c.channel, c.source, c.campaign)
		}
	}
}

// TestOwnSiteIsNoReferral: the site's own hosts (www and the apex, a blog
// or product subdomain of the same registered domain) are one site: going
// from one to the other is navigation, no referral touch (a last touch
// that hid the campaign that brought the visitor). Someone else's blog on
// a shared host (a Hatena Blog, GitHub Pages) is another site.
func TestOwnSiteIsNoReferral(t *testing.T) {
	cases := []struct {
		url, referrer string
		touch         bool
	}{
		{"https://www.example.co.jp/a", "https://example.co.jp/", false},
		{"https://www.example.co.jp/a", "https://blog.example.co.jp/post", false},
		{"https://product.example.com/", "https://www.example.com/", false},
		{"https://www.example.co.jp/a", "https://www.example.com/", true},
		{"https://www.example.co.jp/a", "https://other.co.jp/", true},
		{"https://acme.hatenablog.com/", "https://rival.hatenablog.com/", true},
		{"https://acme.github.io/", "https://rival.github.io/", true},
		{"http://127.0.0.1/a", "http://127.0.0.2/", true},
	}
	for _, c := range cases {
		ev := event.Event{ID: "e", Type: event.PageView, URL: c.url, Referrer: c.referrer}
		if tc, ok := TouchOf(ev); ok != c.touch {
			t.Errorf("%s from %s: touch %v %+v, want %v", c.url, c.referrer, ok, tc, c.touch)
		}
	}
}

// TestReloadIsOneTouch: a landing page reloaded, or gone back to, sends its
// page view again with the same UTM parameters (and the same referrer):
// one visit, one touch. Counted again, it took two or three shares of a
// linear attribution from the channels of the person's other visits. The
// same campaign a later visit (30 minutes on) is another touch, as is
// another campaign at once.
func TestReloadIsOneTouch(t *testing.T) {
	t0 := time.Date(2026, 11, 5, 1, 0, 0, 0, time.UTC)
	ad := "https://www.example.co.jp/lp?utm_source=google&utm_medium=cpc&utm_campaign=brand"
	pv := func(id, u, ref string, at time.Time) event.Event {
		return event.Event{ID: id, Type: event.PageView, URL: u, Referrer: ref, UTM: event.ParseUTM(u), Timestamp: at}
	}
	list := addTouches(nil, []event.Event{
		pv("a1", ad, "https://www.google.co.jp/", t0),
		pv("a2", ad, "https://www.google.co.jp/", t0.Add(2*time.Minute)), // reload
	}, nil)
	list = addTouches(list, []event.Event{
		pv("a3", ad, "https://www.google.co.jp/", t0.Add(10*time.Minute)), // back to the landing page, a later batch
		pv("n1", "https://www.example.co.jp/case?utm_source=newsletter&utm_medium=email&utm_campaign=nov", "", t0.Add(12*time.Minute)),
		pv("a4", ad, "https://www.google.co.jp/", t0.Add(3*time.Hour)), // another visit
		pv("s1", "https://www.example.co.jp/", "https://search.yahoo.co.jp/", t0.Add(4*time.Hour)),
		pv("s2", "https://www.example.co.jp/", "https://search.yahoo.co.jp/", t0.Add(4*time.Hour+time.Minute)), // reload
	}, nil)
	var got []string
	for _, tc := range list {
		got = append(got, tc.EventID)
	}
	if want := []string{"a1", "n1", "a4", "s1"}; !slices.Equal(got, want) {
		t.Fatalf("touches %v, want %v", got, want)
	}
}

// TestNewsletterClickIsOneTouch: a tracked link's click (its campaign from
// the link) lands on the page its UTM parameters name without
// utm_campaign (POST /admin/links with utm source and medium only): one
// visit, one touch, with the campaign, whichever of the two the clocks put
// first. It was two touches, every newsletter click counting twice in
// linear attribution.
func TestNewsletterClickIsOneTouch(t *testing.T) {
	t0 := time.Date(2026, 11, 5, 1, 0, 0, 0, time.UTC)
	for _, dest := range []string{"https://www.example.co.jp/offer?utm_medium=email&utm_source=newsletter", "https://www.example.co.jp/offer?utm_medium=mailmag&utm_source=newsletter"} {
		click := event.Event{ID: "c1", Type: event.EmailClick, URL: dest, UTM: event.ParseUTM(dest), Timestamp: t0, Properties: map[string]any{"campaign": "dec-news", "link": "l1"}}
		for _, d := range []time.Duration{time.Second, -time.Second} {
			land := event.Event{ID: "p1", Type: event.PageView, URL: dest, UTM: event.ParseUTM(dest), Timestamp: t0.Add(d)}
			list := addTouches(nil, []event.Event{click, land}, nil)
			if len(list) != 1 || list[0].Campaign != "dec-news" || list[0].Channel != "email" {
				t.Errorf("%s, landing %v after the click: %+v", dest, d, list)
			}
		}
	}
}

// TestOneAdClickOnePaidTouch: an ad click id the site passes along on its
// own links, or brings back from a payment page, is that ad click's page
// again, not another paid touch, however long after the landing (its time
// is never moved on) and whatever touches came between: each case was two
// paid touches where one ad click had been made. The landing keeps the
// click id, a UTM landing's too; a landing's referrer naming neither the
// ad's network nor a search engine (YouTube, Google's display network,
// DuckDuckGo's Bing ads) made no difference. A new click id is a new ad
// click, from the site's own page too (a landing redirected by script).
func TestOneAdClickOnePaidTouch(t *testing.T) {
	at := time.Date(2026, 11, 5, 1, 0, 0, 0, time.UTC)
	pv := func(id, u, ref string, d time.Duration) event.Event {
		return event.Event{ID: id, Type: event.PageView, URL: u, Referrer: ref, UTM: event.ParseUTM(u), Timestamp: at.Add(d)}
	}
	const site = "https://www.acme.example"
	lp := site + "/lp?gclid=Cj0KCQ"
	cases := []struct {
		name string
		evs  []event.Event
		want []string
	}{
		{"UTM landing, the site's link keeping gclid alone", []event.Event{
			pv("lp", site+"/lp?utm_source=google_ads&utm_medium=cpc&utm_campaign=brand&gclid=Cj0KCQ", "https://www.google.co.jp/", 0),
			pv("b", site+"/b?gclid=Cj0KCQ", site+"/lp?utm_source=google_ads&utm_medium=cpc&utm_campaign=brand&gclid=Cj0KCQ", time.Minute),
		}, []string{"lp:paid:google_ads"}},
		{"display UTM landing with yclid", []event.Event{
			pv("lp", site+"/lp?utm_source=yahoo&utm_medium=display&yclid=YSS.1001", "https://www.yahoo.co.jp/", 0),
			pv("b", site+"/b?yclid=YSS.1001", site+"/lp?utm_source=yahoo&utm_medium=display&yclid=YSS.1001", time.Minute),
		}, []string{"lp:paid:yahoo"}},
		{"gclid landing from YouTube", []event.Event{
			pv("lp", lp, "https://www.youtube.com/", 0),
			pv("b", site+"/b?gclid=Cj0KCQ", lp, time.Minute),
		}, []string{"lp:paid:youtube.com"}},
		{"gclid landing from Google's display network", []event.Event{
			pv("lp", lp, "https://tpc.googlesyndication.com/", 0),
			pv("b", site+"/b?gclid=Cj0KCQ", lp, time.Minute),
		}, []string{"lp:paid:tpc.googlesyndication.com"}},
		{"msclkid landing from DuckDuckGo", []event.Event{
			pv("lp", site+"/lp?msclkid=8b3c", "https://duckduckgo.com/", 0),
			pv("b", site+"/b?msclkid=8b3c", site+"/lp?msclkid=8b3c", time.Minute),
		}, []string{"lp:paid:duckduckgo"}},
		{"gclid pages at 0, 20 and 40 minutes", []event.Event{
			pv("lp", lp, "https://www.google.co.jp/", 0),
			pv("b", site+"/b?gclid=Cj0KCQ", lp, 20*time.Minute),
			pv("c", site+"/c?gclid=Cj0KCQ", site+"/b?gclid=Cj0KCQ", 40*time.Minute),
		}, []string{"lp:paid:google"}},
		{"Stripe's return 45 minutes on", []event.Event{
			pv("lp", lp, "https://www.google.co.jp/", 0),
			pv("t", site+"/thanks?gclid=Cj0KCQ", "https://checkout.stripe.com/c/pay/cs_1", 45*time.Minute),
		}, []string{"lp:paid:google"}},
		{"a Facebook referral between", []event.Event{
			pv("lp", lp, "https://www.google.co.jp/", 0),
			pv("f", site+"/case", "https://l.facebook.com/", 5*time.Minute),
			pv("b", site+"/b?gclid=Cj0KCQ", site+"/case", 6*time.Minute),
		}, []string{"lp:paid:google", "f:social:l.facebook.com"}},
		{"an email click between", []event.Event{
			pv("lp", lp, "https://www.google.co.jp/", 0),
			{ID: "m", Type: event.EmailClick, URL: site + "/offer", Timestamp: at.Add(5 * time.Minute), Properties: map[string]any{"campaign": "dec-news"}},
			pv("b", site+"/b?gclid=Cj0KCQ", site+"/offer", 6*time.Minute),
		}, []string{"lp:paid:google", "m:email:"}},
		{"a new click id redirected by script", []event.Event{
			pv("lp", lp, "https://www.google.co.jp/", 0),
			pv("b", site+"/b?gclid=Cj0KCQ", lp, time.Minute),
			pv("r", site+"/lp?gclid=EAIaIQ", site+"/?gclid=EAIaIQ", 2*time.Hour),
		}, []string{"lp:paid:google", "r:paid:google"}},
		{"the click id escaped by the site's script", []event.Event{
			pv("lp", site+"/lp?gclid=Cj0KC/Q", "https://www.youtube.com/", 0),
			pv("b", site+"/b?gclid=Cj0KC%2FQ", site+"/lp?gclid=Cj0KC/Q", time.Hour),
		}, []string{"lp:paid:youtube.com"}},
		{"with no referrer, a bookmark of the landing", []event.Event{
			pv("lp", lp, "https://www.youtube.com/", 0),
			pv("b", lp, "", 24*time.Hour),
		}, []string{"lp:paid:youtube.com"}},
	}
	for _, c := range cases {
		var got []string
		for _, tc := range addTouches(nil, c.evs, nil) {
			got = append(got, tc.EventID+":"+tc.Channel+":"+tc.Source)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: touches %v, want %v", c.name, got, c.want)
		}
	}
}

// TestAdClickKeptAcrossBatches: the landing and the page keeping its
// click id scored apart, in either order, through the stored record: one
// paid touch. A record stored before touches kept click ids decodes, its
// touches without one.
func TestAdClickKeptAcrossBatches(t *testing.T) {
	at := time.Date(2026, 11, 5, 1, 0, 0, 0, time.UTC)
	land := event.Event{ID: "lp", Type: event.PageView, URL: "https://www.acme.example/lp?ttclid=E.C.P", Referrer: "https://www.tiktok.com/", Timestamp: at}
	next := event.Event{ID: "b", Type: event.PageView, URL: "https://www.acme.example/b?ttclid=E.C.P", Referrer: "https://www.acme.example/lp?ttclid=E.C.P", Timestamp: at.Add(time.Hour)}
	for _, order := range [][]event.Event{{land, next}, {next, land}} {
		var rec Record
		for _, ev := range order {
			rec.addTouches([]event.Event{ev}, nil)
			var err error
			if rec, err = decodeRecord(encodeRecord(rec)); err != nil {
				t.Fatal(err)
			}
		}
		if len(rec.Touches) != 1 || rec.Touches[0].EventID != "lp" || rec.Touches[0].Click == "" {
			t.Errorf("%s then %s: %+v, want the landing alone, its click id kept", order[0].ID, order[1].ID, rec.Touches)
		}
		if j := rec.Journey(time.Time{}, time.Time{}); j.First == nil || j.First.Click != "" {
			t.Errorf("journey's first touch %+v, want no click id (kept on MQLs)", j.First)
		}
	}
	old := []byte(`{"touches":[{"at":"2026-11-05T01:00:00Z","channel":"paid","source":"google","medium":"cpc","eventId":"lp"}]}`)
	rec, err := decodeRecord(old)
	if err != nil || len(rec.Touches) != 1 || rec.Touches[0].Click != "" || rec.Touches[0].Carried {
		t.Fatalf("an older record: %+v %v", rec.Touches, err)
	}
}
