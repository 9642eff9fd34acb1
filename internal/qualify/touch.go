package qualify

import (
	"crypto/sha256"
	"encoding/hex"
	"net"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	"golang.org/x/net/publicsuffix"
	"golang.org/x/text/unicode/norm"

	"github.com/baton-hq/baton/internal/event"
)

// Touch is a marketing touch kept on the score record, so reports and
// attribution outlive the raw events' retention.
type Touch struct {
	At       time.Time `json:"at"`
	Channel  string    `json:"channel"` // search, social, email, paid, referral, direct; offline: exhibition, seminar, webinar, business-card
	Source   string    `json:"source,omitempty"`
	Medium   string    `json:"medium,omitempty"`
	Campaign string    `json:"campaign,omitempty"`
	EventID  string    `json:"eventId"`
	// Click is a hash of the ad click id the page's URL carried (8 bytes,
	// hex; clickHash), on every touch with one, a UTM landing's too: one
	// ad click is one paid touch, however the site passes the id along.
	Click string `json:"click,omitempty"`
	// Carried: the click id alone made the page a touch, it came from the
	// site's own page, a sign-in or payment page, the company's other
	// sites or no referrer (a landing that redirects by script). Such a
	// page is a touch only while no earlier touch of the person has its
	// Click (addTouches): else it is that ad click's page again, the
	// site's links or a return from paying keeping the id.
	Carried bool `json:"carried,omitempty"`
}

// WebChannels are the channels TouchOf gives a visit or a newsletter
// click; an offline touch has one of event.OfflineChannels.
var WebChannels = []string{"search", "social", "email", "paid", "referral", "direct"}

// Channels are every channel a touch may have: what a report's channel
// filter may name.
func Channels() []string {
	return append(slices.Clone(WebChannels), event.OfflineChannels...)
}

// maxTouches bounds the record's list of touches: the first touch, the
// cycle's first and the latest ones. The touches between are kept in
// aggregate (Dropped): a touch on the list is about 150 bytes of a record
// written with every scored event (a write unit a KB), so the list stays
// short and the middle of a long journey costs its counts alone.
const maxTouches = 30

// TouchOf reports whether an event is a marketing touch and classifies it:
// UTM parameters, a newsletter click, an offline touch (its channel, the
// event's name as the campaign), an ad click auto-tagged by Google or
// Yahoo! JAPAN (gclid, yclid ...), or an external referrer. A visit without
// any of them is direct, and counts only as a person's first touch. Source
// and medium are read as people type them: full-width letters as their
// ASCII, spaces around them and case do not count (the medium is kept so,
// lower case as before; the source in its case as it came, but NFKC:
// ＧＯＯＧＬＥ is GOOGLE, not a row of its own in a report by source).
//
// The rules follow GA4's default channel group, with deliberate
// differences: Japanese engines, apps and words; other networks' click ids
// (LINE, X, LinkedIn, TikTok) paid as Google's are; a Facebook click id or
// a social app's in-app browser (LINE, Facebook, Instagram, LinkedIn)
// without a referrer social, not direct; sign-in and payment pages no touch (GA4's "unwanted referrals", built in).
func TouchOf(ev event.Event) (Touch, bool) { return Referrals(nil).TouchOf(ev) }

// Referrals are hosts, besides the built-in sign-in and payment pages,
// whose referrals are no touch, each with its subdomains: the company's
// own other sites (BATON_SITE_ORIGINS: a visitor going from the corporate
// site to the product site's form is on one visit, as GA4's cross-domain
// measurement has it, where Baton counted a referral from the company
// itself, the visit's real source lost) and the configuration's
// attribution.unwanted_referrals (an SSO or payment page of the
// company's own). Lower case.
type Referrals []string

func (r Referrals) has(host string) bool {
	return slices.ContainsFunc(r, func(d string) bool { return host == d || strings.HasSuffix(host, "."+d) })
}

// TouchOf is the package's TouchOf, the hosts of r no touch either.
func (r Referrals) TouchOf(ev event.Event) (Touch, bool) {
	t := Touch{At: ev.Timestamp, Source: strings.TrimSpace(norm.NFKC.String(ev.UTM.Source)), Medium: foldUTM(ev.UTM.Medium), Campaign: ev.UTM.Campaign, EventID: ev.ID}
	var pu *url.URL
	var network string
	if ev.Type != event.Offline && ev.Type != event.EmailClick {
		var err error
		if pu, err = url.Parse(ev.URL); err != nil {
			pu = &url.URL{}
		}
		var id string
		if network, id = adClick(pu); id != "" {
			t.Click = clickHash(id)
		}
	}
	switch {
	case ev.Type == event.Offline:
		ch, _ := ev.Properties["channel"].(string)
		if ch == "" {
			return t, false
		}
		t.Channel, t.Medium = ch, "offline"
		t.Campaign, _ = ev.Properties["event"].(string)
		return t, true
	case ev.Type == event.EmailClick:
		t.Channel, t.Medium = "email", "email"
		if c, _ := ev.Properties["campaign"].(string); c != "" && t.Campaign == "" {
			t.Campaign = c
		}
		return t, true
	case foldUTM(t.Source) != "" || t.Medium != "":
		t.Channel = channelOfMedium(t.Medium, foldUTM(t.Source))
		return t, true
	}
	// A campaign, term or content alone names no source: the referrer does.
	carried := ev.Referrer == ""
	if ev.Referrer != "" {
		ru, err := url.Parse(ev.Referrer)
		host := ""
		if err == nil {
			host = strings.ToLower(ru.Hostname())
		}
		switch {
		case host == "" || sameSite(host, pu.Hostname()) || passThrough(strings.TrimPrefix(host, "www.")) || r.has(host):
			// A page of the site's own, no referrer to read, back from
			// signing in or paying, or from another of the company's
			// sites: no touch, unless the URL carries an ad's click id:
			// a landing that redirects by script sends the landing page
			// as the referrer, and the ad click was lost. The site's links
			// and a return from paying keep the id too: a click id an
			// earlier touch has is none (Carried, addTouches).
			if network == "" {
				return t, false
			}
			carried = true
		default:
			t.Source = strings.TrimPrefix(host, "www.")
			t.Channel, t.Medium = channelOfReferrer(t.Source), "referral"
			if t.Channel == "search" {
				// GA4's medium and source: a report by medium tells organic
				// search from direct, and one by source has one row an engine
				// (google, not google.co.jp, google.com and the Google app).
				t.Medium, t.Source = "organic", engineOf(t.Source)
			}
		}
	}
	if network != "" {
		if t.Source == "" {
			t.Source = network
		}
		t.Channel, t.Medium, t.Carried = "paid", "cpc", carried
	}
	if t.Channel != "" {
		return t, true
	}
	if ev.Type == event.PageView {
		if app := socialApp(pu, ev.Client.UserAgent); app != "" {
			// No referrer, but a Facebook share or LINE's own browser:
			// what a referrer, had the app sent one, would have said.
			t.Channel, t.Source, t.Medium = "social", app, "referral"
			return t, true
		}
		t.Channel = "direct"
		return t, true
	}
	return t, false
}

// sameSite reports whether two hosts are one site: the same host, or
// hosts of one registered domain (www.example.co.jp, example.co.jp and
// blog.example.co.jp; the public suffix list's, so two blogs of a shared
// host such as hatenablog.com or github.io are two sites).
func sameSite(a, b string) bool {
	if strings.EqualFold(a, b) {
		return true
	}
	if net.ParseIP(a) != nil || net.ParseIP(b) != nil {
		return false
	}
	da, err1 := publicsuffix.EffectiveTLDPlusOne(strings.ToLower(a))
	db, err2 := publicsuffix.EffectiveTLDPlusOne(strings.ToLower(b))
	return err1 == nil && err2 == nil && da == db
}

// adClickIDs are the click ids ad networks add to their ads' landing
// URLs (auto-tagging), by network: such a visit is a paid one, whatever
// its referrer (the search engine the ad was on). GA4 reads Google's
// alone; Baton also LINE広告's ldtag_cl, X's twclid, LinkedIn's li_fat_id
// and TikTok's ttclid, added to ads' clicks only. fbclid is not one:
// Facebook adds it to every outbound link, ads or not.
var adClickIDs = map[string]string{
	"gclid": "google", "gbraid": "google", "wbraid": "google", "dclid": "google", "yclid": "yahoo", "msclkid": "bing",
	"ldtag_cl": "line", "twclid": "x", "li_fat_id": "linkedin", "ttclid": "tiktok",
}

// adClick is the ad network whose click id the URL carries and the id,
// or "".
func adClick(u *url.URL) (network, id string) { return clickIn(u, adClickIDs) }

// clickIn is clickID of the URL's query, else of its hash route's
// ("/#/lp?gclid=...", event.RouteQuery), where its UTM parameters are
// read too (event.ParseUTM): a hash-mode single-page app's ad landing
// was a direct visit.
func clickIn(u *url.URL, ids map[string]string) (network, id string) {
	if network, id = clickID(u.RawQuery, ids); id == "" {
		network, id = clickID(event.RouteQuery(u), ids)
	}
	return network, id
}

// clickID is the network of the first click id of ids the query carries
// with a value, and the value unescaped, or "".
func clickID(query string, ids map[string]string) (network, id string) {
	for query != "" {
		var p string
		p, query, _ = strings.Cut(query, "&")
		k, v, _ := strings.Cut(p, "=")
		if n := ids[strings.ToLower(k)]; n != "" && v != "" {
			if u, err := url.QueryUnescape(v); err == nil {
				v = u // a script passing the id along may escape it again
			}
			return n, v
		}
	}
	return "", ""
}

// clickHash is a click id as a touch keeps it: 8 bytes of its SHA-256 in
// hex. Enough to tell a person's ad clicks apart, and a gclid (some 90
// characters) is neither stored nor shown.
func clickHash(id string) string {
	h := sha256.Sum256([]byte(id))
	return hex.EncodeToString(h[:8])
}

// socialClickIDs are the click ids social networks add to every
// outbound link.
var socialClickIDs = map[string]string{"fbclid": "facebook"}

// socialApp is the social network a visit without a referrer came from,
// by a Facebook click id on its URL (organic shares carry one too) or
// a social app's own browser (LINE's "... Safari Line/14.9.0", Facebook's,
// Instagram's, LinkedIn's), or "". GA4 counts both direct; to a Japanese
// B2B site LINE is a main channel, and in-app browsers often send no
// referrer.
func socialApp(u *url.URL, userAgent string) string {
	if n, _ := clickIn(u, socialClickIDs); n != "" {
		return n
	}
	for _, a := range inAppBrowsers {
		if strings.Contains(userAgent, a.mark) {
			return a.source
		}
	}
	return ""
}

// inAppBrowsers are social apps' own browsers, by what their user agents
// add to the system's (the first that matches names the source).
var inAppBrowsers = []struct{ mark, source string }{
	{" Line/", "line"},
	{" Instagram ", "instagram"}, // "... Instagram 309.0.0.40.113 (iPhone14,2; ...)"; before Facebook's marks, which it may carry
	{"[FBAN/", "facebook"}, {"[FB_IAB/", "facebook"}, {";FBAV/", "facebook"},
	{"LinkedInApp", "linkedin"},
}

// passThroughSites are sign-in (SSO, social login) and payment pages,
// by domain: a visitor the site sent there comes back with them as the
// referrer, which is no new touch (GA4 asks for them as "unwanted
// referrals"; a B2B site's are these).
var passThroughSites = []string{
	// sign-in
	"accounts.google.com", "accounts.google.co.jp", "login.microsoftonline.com", "login.live.com", "b2clogin.com",
	"login.yahoo.co.jp", "access.line.me", "appleid.apple.com", "okta.com", "auth0.com", "onelogin.com", "amazoncognito.com",
	// payment gateways, 3-D Secure
	"checkout.stripe.com", "hooks.stripe.com", "paypal.com", "pay.line.me", "pay.rakuten.co.jp", "payments.amazon.co.jp",
	"komoju.com", "mul-pay.jp", "secure.epsilon.jp", "pay.jp", "sbpayment.jp", "veritrans.co.jp", "paygent.co.jp", "squareup.com",
}

// passThrough reports whether a referrer's host (lower case) is a
// sign-in or payment page.
func passThrough(host string) bool { return Referrals(passThroughSites).has(host) }

// foldUTM is a UTM value as people mean it: NFKC (ｃｐｃ is cpc), trimmed,
// lower case.
func foldUTM(s string) string {
	return strings.ToLower(strings.TrimSpace(norm.NFKC.String(s)))
}

// channelOfMedium classifies a UTM medium (folded), as GA4's default
// channel groups read it, and its Japanese spellings; a medium it does
// not know leaves the channel to the source.
func channelOfMedium(medium, source string) string {
	has := func(subs ...string) bool {
		for _, s := range subs {
			if strings.Contains(medium, s) {
				return true
			}
		}
		return false
	}
	switch {
	case medium == "":
	case medium == "ppc" || medium == "display" || medium == "banner" || medium == "ad" || medium == "ads" ||
		strings.HasPrefix(medium, "paid") || has("cp", "retargeting", "remarketing", "広告", "リスティング"):
		return "paid"
	case has("mail", "newsletter", "メール", "メルマガ", "ニュースレター"):
		return "email"
	case has("social", "sns", "ソーシャル"):
		return "social"
	case has("organic", "seo", "自然検索"):
		if channelOfReferrer(source) == "social" {
			return "social" // GA4's order: a social source before the organic medium (a LINE or X post's tag)
		}
		return "search"
	case medium == "referral" || medium == "参照":
		if c := channelOfReferrer(source); c == "social" || c == "search" {
			return c // GA4's order, as above
		}
		return "referral"
	}
	return channelOfReferrer(source)
}

// searchEngines are the names a search engine's hosts have as one of their
// labels (www.google.co.jp, search.yahoo.co.jp, the Google app's package
// com.google.android.googlequicksearchbox), or as a UTM source.
var searchEngines = []string{"google", "bing", "yahoo", "duckduckgo", "baidu", "yandex", "ecosia", "naver", "goo"}

// searchSites are Japanese portals' searches by their domain, and the
// engine each is: their other hosts (docomo.ne.jp, the Rakuten Ichiba
// shop) are no search.
var searchSites = map[string]string{
	"search.biglobe.ne.jp": "biglobe", "search.smt.docomo.ne.jp": "docomo", "search.auone.jp": "auone",
	"websearch.rakuten.co.jp": "rakuten", "search.nifty.com": "nifty",
}

// searchSite is the engine of a host among searchSites, or "".
func searchSite(host string) string {
	for d, e := range searchSites {
		if host == d || strings.HasSuffix(host, "."+d) {
			return e
		}
	}
	return ""
}

// socialNames are social networks by a label of their hosts; socialSites
// by their domain (an exact host or its subdomains); socialSources by
// the name a UTM source gives them.
var socialNames = []string{"facebook", "twitter", "linkedin", "instagram", "youtube", "tiktok"}
var socialSites = []string{"x.com", "t.co", "lnkd.in", "note.com", "qiita.com", "zenn.dev", "threads.net", "threads.com", "line.me", "lin.ee", "line.naver.jp", "jp.naver.line.android", "b.hatena.ne.jp", "htn.to", "youtu.be", "bsky.app", "newspicks.com"}
var socialSources = []string{"x", "line", "note", "qiita", "zenn", "threads", "hatena", "bluesky", "bsky", "newspicks"}

// mailSites are webmail and mail apps: a visit from a link in an email.
var mailSites = []string{"outlook.live.com", "outlook.office.com", "outlook.office365.com", "com.google.android.gm", "com.microsoft.office.outlook", "jp.co.yahoo.android.ymail"}

// mailSources are the UTM sources that name an email (GA4's, and their
// Japanese words), with no medium to say so.
var mailSources = map[string]bool{"email": true, "e-mail": true, "e_mail": true, "e mail": true, "mail": true, "newsletter": true, "mailmag": true, "メール": true, "メルマガ": true, "ニュースレター": true}

// channelOfReferrer classifies a referrer's host (lower case, without
// "www."), or a UTM source. A host with a label mail or webmail
// (mail.google.com, jp.mg5.mail.yahoo.co.jp) is webmail, before its
// engine's name makes it a search.
func channelOfReferrer(host string) string {
	inDomain := func(d string) bool { return host == d || strings.HasSuffix(host, "."+d) }
	labels := strings.Split(host, ".")
	if slices.Contains(labels, "mail") || slices.Contains(labels, "webmail") || slices.ContainsFunc(mailSites, inDomain) || len(labels) == 1 && mailSources[host] {
		return "email"
	}
	if slices.ContainsFunc(socialSites, inDomain) || slices.ContainsFunc(socialNames, func(n string) bool { return slices.Contains(labels, n) }) ||
		len(labels) == 1 && slices.Contains(socialSources, host) {
		return "social"
	}
	if searchSite(host) != "" {
		return "search"
	}
	for i, l := range labels {
		if slices.Contains(searchEngines, l) {
			if slices.ContainsFunc(labels[:i], func(l string) bool { return engineServices[l] }) {
				return "referral" // news.yahoo.co.jp, docs.google.com: a page, not a search
			}
			return "search"
		}
	}
	return "referral"
}

// engineOf is the search engine a search host is one of (its label in
// searchEngines), or the host.
func engineOf(host string) string {
	if e := searchSite(host); e != "" {
		return e
	}
	for _, l := range strings.Split(host, ".") {
		if slices.Contains(searchEngines, l) {
			return l
		}
	}
	return host
}

// engineServices are the search engines' other services, by a label of
// their host: a link on Yahoo!ニュース or in a Google Doc is a referral.
var engineServices = map[string]bool{
	"news": true, "docs": true, "drive": true, "sites": true, "calendar": true, "groups": true, "support": true, "play": true,
	"chiebukuro": true, "finance": true, "shopping": true, "auctions": true, "travel": true, "transit": true, "weather": true,
	"sports": true, "blogs": true, "blog": true,
}

// visitGap is how long a touch repeating the one before it (a landing page
// reloaded) is the same visit.
const visitGap = 30 * time.Minute

// sameVisit reports whether t, following prev, repeats it within the
// visit: the same channel, source, medium and campaign (or no campaign on
// one of them: a tracked link's click names its campaign, the page it
// lands on may not; an email's medium either, as a click's is always
// email and its landing page's is the link's: mailmag), less than
// visitGap later.
func sameVisit(prev, t Touch) bool {
	return t.Channel == prev.Channel && t.Source == prev.Source && (t.Medium == prev.Medium || t.Channel == "email") &&
		(t.Campaign == prev.Campaign || t.Campaign == "" || prev.Campaign == "") && t.At.Sub(prev.At) < visitGap
}

// clickSkew is how far before a newsletter click the direct page view it
// landed on may be stamped: the page's clock, corrected, against the
// click function's.
const clickSkew = time.Minute

// addTouches merges new touches into a list, as Record.addTouches does
// (what it would trim is left out).
func addTouches(list []Touch, evs []event.Event, r Referrals) []Touch {
	rec := Record{Touches: list}
	rec.addTouches(evs, r)
	return rec.Touches
}

// addTouches merges new touches into the record's list, oldest first:
// direct visits only as the very first touch, a touch repeating the one
// before it within a visit (sameVisit) once; capped at maxTouches: the
// first touch, the first of the cycle (after CycleFrom), the last up to
// the first SQL and customer and the latest ones are kept, the ones
// between go to Dropped, where attribution still counts them. It reports
// whether the list or Dropped changed.
func (rec *Record) addTouches(evs []event.Event, r Referrals) bool {
	list := slices.Clone(rec.Touches)
	dropped := rec.Dropped
	before := dropped.total()
	seen := make(map[string]bool, len(list))
	for _, t := range list {
		seen[t.EventID] = true
	}
	var first time.Time // the oldest touch so far
	if len(list) > 0 {
		first = list[0].At
	}
	for i := range evs {
		ev := &evs[i]
		if ev.Flagged() || seen[ev.ID] {
			continue
		}
		t, ok := r.TouchOf(*ev)
		if !ok || dropped.counted(t) {
			continue // no touch, or one trimmed to Dropped before (the whole history is scored again on identification)
		}
		if len(list) > 0 && t.Channel == "direct" && !t.At.Before(first) {
			continue // not the first touch: the filter below would drop it
		}
		seen[ev.ID] = true
		list = append(list, t)
		if len(list) == 1 || t.At.Before(first) {
			first = t.At
		}
	}
	sort.SliceStable(list, func(i, j int) bool { return list[i].At.Before(list[j].At) })
	out := list[:0]
	clicks := map[string]bool{} // the click ids of the touches so far
	for i, t := range list {
		if t.Carried && clicks[t.Click] {
			// An ad click's page again, however long after its landing
			// and whatever came between: the site's links or a return
			// from paying keeping the click id. A new id (an ad's landing
			// redirected by script) is a touch.
			continue
		}
		if t.Click != "" {
			clicks[t.Click] = true
		}
		if t.Channel == "direct" && i > 0 {
			continue
		}
		if len(out) == 1 && out[0].Channel == "direct" && t.Channel == "email" && t.At.Sub(out[0].At) < clickSkew {
			// The direct visit was the page a tracked link's click landed
			// on (its redirect sends no referrer), its clock behind the
			// click's: the newsletter is the first touch.
			out[0] = t
			continue
		}
		if n := len(out); n > 0 && sameVisit(out[n-1], t) {
			// The landing page reloaded, or gone back to, or a tracked
			// link's landing: the touch it is, with a campaign either named.
			if out[n-1].Campaign == "" {
				out[n-1].Campaign = t.Campaign
			}
			continue
		}
		out = append(out, t)
	}
	if len(out) > maxTouches {
		// Kept: the first touch (the funnel's channel, first-touch
		// credit), the cycle's first (its MQL's first touch), the latest.
		keep := make([]bool, len(out))
		keep[0] = true
		n := 1
		if c := slices.IndexFunc(out, func(t Touch) bool { return t.At.After(rec.CycleFrom) }); !rec.CycleFrom.IsZero() && c > 0 {
			keep[c] = true
			n++
		}
		for _, m := range []time.Time{rec.SQLAt, rec.CustomerAt} {
			// The last touch up to the first SQL and customer: the last
			// touch of their journeys (Record.Journey's Last; last-touch
			// and position credit), else in a span, uncredited as one.
			if c := lastUpTo(out, m); c > 0 && !keep[c] {
				keep[c] = true
				n++
			}
		}
		for i := len(out) - 1; n < maxTouches; i-- {
			if !keep[i] {
				keep[i] = true
				n++
			}
		}
		dropped = dropped.clone()
		marks := rec.marks()
		kept := out[:0]
		for i, t := range out {
			if keep[i] {
				kept = append(kept, t)
			} else {
				dropped.drop(t, marks)
			}
		}
		out = kept
	}
	changed := !slices.Equal(out, rec.Touches) || dropped.total() != before
	rec.Touches = out
	if dropped.total() > 0 {
		rec.Dropped = dropped
	}
	return changed
}

// lastUpTo is the index of the list's last touch at or before at (-1:
// none, or at zero).
func lastUpTo(list []Touch, at time.Time) int {
	if at.IsZero() {
		return -1
	}
	return sort.Search(len(list), func(i int) bool { return list[i].At.After(at) }) - 1
}
