package enrichment

import (
	"encoding/json"
	"net"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/maxmind/mmdbwriter"
	"github.com/maxmind/mmdbwriter/mmdbtype"

	"github.com/baton-hq/baton/internal/event"
)

// writeDB builds a small mmdb of the given type from CIDR -> record.
func writeDB(t testing.TB, typ string, recs map[string]mmdbtype.Map) string {
	t.Helper()
	tree, err := mmdbwriter.New(mmdbwriter.Options{DatabaseType: typ, RecordSize: 28, IncludeReservedNetworks: true})
	if err != nil {
		t.Fatal(err)
	}
	for cidr, rec := range recs {
		_, n, err := net.ParseCIDR(cidr)
		if err != nil {
			t.Fatal(err)
		}
		if err := tree.Insert(n, rec); err != nil {
			t.Fatal(err)
		}
	}
	p := filepath.Join(t.TempDir(), typ+".mmdb")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := tree.WriteTo(f); err != nil {
		t.Fatal(err)
	}
	return p
}

func names(en string) mmdbtype.Map {
	return mmdbtype.Map{"names": mmdbtype.Map{"en": mmdbtype.String(en)}}
}

func cityRec(country, region, city string) mmdbtype.Map {
	sub := names(region)
	sub["iso_code"] = mmdbtype.String(region[:2])
	c := names(country)
	c["iso_code"] = mmdbtype.String(country)
	return mmdbtype.Map{"country": c, "subdivisions": mmdbtype.Slice{sub}, "city": names(city)}
}

func dbs(t testing.TB) Config {
	city := writeDB(t, "GeoIP2-City", map[string]mmdbtype.Map{
		"203.0.113.0/24": cityRec("JP", "13-Tokyo", "Tokyo"),
		"2001:db8::/32":  cityRec("DE", "BE-Berlin", "Berlin"),
	})
	asn := writeDB(t, "GeoLite2-ASN", map[string]mmdbtype.Map{
		"203.0.113.0/24": {"autonomous_system_number": mmdbtype.Uint32(64500), "autonomous_system_organization": mmdbtype.String("Example Corp")},
	})
	return Config{CityDB: city, ASNDB: asn}
}

const (
	chromeWin   = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
	safariMac   = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15"
	iphone      = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
	ipad        = "Mozilla/5.0 (iPad; CPU OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1"
	androidPh   = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36"
	androidTab  = "Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
	edge        = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.51"
	firefox     = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
	googlebot   = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
	headless    = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36"
	gptbot      = "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)"
	uptimerobot = "Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)"
)

func TestUserAgents(t *testing.T) {
	e, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		ua, browser, os, device string
		bot                     bool
		reason                  string
	}{
		{chromeWin, "Chrome", "Windows 10/11", "desktop", false, ""},
		{safariMac, "Safari", "macOS", "desktop", false, ""},
		{iphone, "Safari", "iOS 18.1", "mobile", false, ""},
		{ipad, "Safari", "iOS 17.6", "tablet", false, ""},
		{androidPh, "Chrome", "Android 14", "mobile", false, ""},
		{androidTab, "Chrome", "Android 13", "tablet", false, ""},
		{edge, "Edge", "Windows 10/11", "desktop", false, ""},
		{firefox, "Firefox", "Linux", "desktop", false, ""},
		{googlebot, "Googlebot", "", "bot", true, "crawler"},
		{headless, "", "", "bot", true, "headless-browser"},
		{gptbot, "", "", "bot", true, "ai-crawler"},
		{uptimerobot, "", "", "bot", true, "monitoring"},
		{"curl/8.5.0", "", "", "bot", true, "tool"},
		{"python-requests/2.32.3", "", "", "bot", true, "tool"},
		{"Go-http-client/2.0", "", "", "bot", true, "tool"},
		{"", "", "", "bot", true, "empty-user-agent"},
	}
	for _, c := range cases {
		ev := event.Event{Type: event.PageView}
		e.Enrich(Request{UserAgent: c.ua}, &ev)
		en := ev.Enrichment
		if en.Bot != c.bot || en.Device != c.device || c.reason != "" && en.FlagReason != c.reason {
			t.Errorf("%q: bot=%v device=%s reason=%s; want %v %s %s", c.ua, en.Bot, en.Device, en.FlagReason, c.bot, c.device, c.reason)
		}
		if c.browser != "" && en.Browser != c.browser || c.os != "" && en.OS != c.os {
			t.Errorf("%q: browser %q os %q; want %q %q", c.ua, en.Browser, en.OS, c.browser, c.os)
		}
	}
	ev := event.Event{Type: event.PageView}
	e.Enrich(Request{UserAgent: chromeWin, Webdriver: true}, &ev)
	if !ev.Enrichment.Bot || ev.Enrichment.FlagReason != "webdriver" {
		t.Errorf("navigator.webdriver not flagged: %+v", ev.Enrichment)
	}
	e2, _ := New(Config{ExtraBotPatterns: []string{"acme-monitor"}})
	ev = event.Event{Type: event.PageView}
	e2.Enrich(Request{UserAgent: "Mozilla/5.0 acme-monitor/1.0"}, &ev)
	if !ev.Enrichment.Bot || ev.Enrichment.FlagReason != "configured" {
		t.Errorf("configured pattern: %+v", ev.Enrichment)
	}
}

const (
	gmailProxy = "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)"
	yahooProxy = "YahooMailProxy; https://help.yahoo.com/kb/yahoo-mail-proxy-SLN28749.html"
)

func TestScanners(t *testing.T) {
	e, _ := New(Config{})
	cases := []struct {
		typ, method, ua, ip, reason string
	}{
		{event.EmailClick, "HEAD", chromeWin, "198.51.100.1", "head-request"},
		{event.EmailClick, "GET", "Mozilla/5.0 (Windows NT 10.0) Barracuda Sentinel", "198.51.100.1", "scanner:barracuda"},
		{event.EmailClick, "GET", chromeWin, "40.107.22.5", "scanner:microsoft-eop"},
		{event.EmailClick, "GET", chromeWin, "148.163.140.10", "scanner:proofpoint"},
		{event.EmailClick, "GET", chromeWin, "205.139.110.60", "scanner:mimecast"},
		{event.EmailOpen, "GET", "Mozilla/5.0", "198.51.100.1", "apple-mpp"},
		{event.EmailOpen, "GET", safariMac, "17.58.1.2", "apple-mpp"},
		{event.EmailClick, "GET", chromeWin, "198.51.100.1", ""},
		{event.PageView, "HEAD", chromeWin, "40.107.22.5", ""},                      // scanners are an email matter
		{event.EmailClick, "GET", chromeWin, "40.94.12.7", "scanner:microsoft-eop"}, // Defender detonation / Safe Links
		{event.EmailClick, "GET", chromeWin, "2a01:111:f403:c10c::5", "scanner:microsoft-eop"},
		{event.EmailClick, "GET", chromeWin, "185.58.85.12", "scanner:mimecast"}, // UK
		{event.EmailClick, "GET", chromeWin, "103.13.69.20", "scanner:mimecast"}, // Australia
		{event.EmailClick, "GET", chromeWin, "205.220.165.9", "scanner:proofpoint"},
		{event.EmailClick, "GET", chromeWin, "216.82.241.3", "scanner:symantec"},
		{event.EmailClick, "GET", chromeWin, "150.70.97.3", "scanner:trendmicro"},
		{event.EmailClick, "GET", chromeWin, "35.157.190.230", "scanner:barracuda"},
		{event.EmailClick, "GET", "Mozilla/5.0 (compatible; Google-Safety; +http://www.google.com/bot.html)", "198.51.100.1", "scanner:google-safety"},
		{event.EmailClick, "GET", "Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/534+ (KHTML, like Gecko) BingPreview/1.0b", "198.51.100.1", "scanner:microsoft-bingpreview"},
		{event.EmailClick, "GET", gmailProxy, "66.249.84.3", "scanner:google-image-proxy"}, // a proxy never clicks
		// Opens: image proxies fetching for the reader are the reader's open;
		// Apple Mail Privacy Protection and the gateways' image scanning are not.
		{event.EmailOpen, "GET", gmailProxy, "66.249.84.3", ""},
		{event.EmailOpen, "GET", gmailProxy, "198.51.100.1", ""},
		{event.EmailOpen, "GET", "Mozilla/5.0 (Windows NT 5.1)", "66.102.8.20", ""}, // Google's proxy address
		{event.EmailOpen, "GET", yahooProxy, "98.137.11.1", ""},
		{event.EmailOpen, "HEAD", gmailProxy, "66.249.84.3", "head-request"},
		{event.EmailOpen, "GET", "Mozilla/5.0", "17.58.1.2", "apple-mpp"},
		{event.EmailOpen, "GET", "Mozilla/5.0 (Windows NT 10.0) Barracuda Sentinel", "198.51.100.1", "scanner:barracuda"},
		{event.EmailOpen, "GET", chromeWin, "205.139.110.60", "scanner:mimecast"},
		{event.EmailOpen, "GET", "Mozilla/5.0 Mimecast image scanner", "66.102.8.20", "scanner:mimecast"}, // a scanner's own name beats the network
		{event.EmailOpen, "GET", chromeWin, "40.94.12.7", "scanner:microsoft-eop"},
	}
	for _, c := range cases {
		ev := event.Event{Type: c.typ}
		e.Enrich(Request{UserAgent: c.ua, Method: c.method, IP: netip.MustParseAddr(c.ip)}, &ev)
		if (c.reason != "") != ev.Enrichment.Scanner || c.reason != "" && ev.Enrichment.FlagReason != c.reason {
			t.Errorf("%s %s %q %s: scanner=%v reason=%q; want %q", c.typ, c.method, c.ua, c.ip, ev.Enrichment.Scanner, ev.Enrichment.FlagReason, c.reason)
		}
		if c.reason != "" && !ev.Flagged() {
			t.Errorf("%s: scanner event not flagged", c.reason)
		}
		if c.reason == "" && c.typ == event.EmailOpen && ev.Flagged() {
			t.Errorf("open %q from %s: flagged %+v; an image proxy's open is the reader's", c.ua, c.ip, ev.Enrichment)
		}
	}
}

func TestClickSignals(t *testing.T) {
	sent := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	cases := []struct {
		c    ClickContext
		want string
	}{
		{ClickContext{Method: "HEAD", ClickedAt: sent.Add(time.Hour)}, "head-request"},
		{ClickContext{Honeypot: true, ClickedAt: sent.Add(time.Hour)}, "honeypot-link"},
		{ClickContext{SentAt: sent, ClickedAt: sent.Add(3 * time.Second)}, "clicked-seconds-after-send"},
		{ClickContext{SentAt: sent, ClickedAt: sent.Add(2 * time.Minute)}, ""},
		{ClickContext{SentAt: sent, ClickedAt: sent.Add(25 * time.Second)}, ""},
		{ClickContext{SentAt: sent, ClickedAt: sent.Add(25 * time.Second), MinHumanDelay: 30 * time.Second}, "clicked-seconds-after-send"}, // the campaign's own window
	}
	for _, c := range cases {
		got, why := ClickSignals(c.c)
		if got != (c.want != "") || why != c.want {
			t.Errorf("%+v: %v %q, want %q", c.c, got, why, c.want)
		}
	}
}

// TestPrefetch: the headers by which a browser says it fetches ahead of
// (or without) a click, in the spellings browsers send.
func TestPrefetch(t *testing.T) {
	for _, c := range []struct {
		name, value string
		want        bool
	}{
		{"Sec-Purpose", "prefetch", true},
		{"Sec-Purpose", "prefetch;prerender", true},
		{"Sec-Purpose", "prefetch; anonymous-client-ip", true},
		{"sec-purpose", "Prefetch", true},
		{"Purpose", "prefetch", true},
		{"X-Moz", "prefetch", true},
		{"X-Purpose", "preview", true},
		{"X-Purpose", "Preview ", true},
		{"Sec-Purpose", "", false},
		{"Sec-Purpose", "prerender", false},
		{"Purpose", "navigate", false},
		{"X-Moz", "something", false},
		{"X-Purpose", "prefetchy", false},
		{"Sec-Fetch-Mode", "navigate", false},
	} {
		h := http.Header{}
		h.Set(c.name, c.value)
		if got := Prefetch(h); got != c.want {
			t.Errorf("%s: %q: %v, want %v", c.name, c.value, got, c.want)
		}
	}
	if Prefetch(nil) {
		t.Error("no headers: a prefetch")
	}
}

func TestVisitSignals(t *testing.T) {
	t0 := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	at := func(s float64, link string) VisitClick {
		return VisitClick{At: t0.Add(time.Duration(s * float64(time.Second))), Link: link}
	}
	cases := []struct {
		name   string
		clicks []VisitClick
		want   string
	}{
		{"one click", []VisitClick{at(0, "a")}, ""},
		{"double click on one link", []VisitClick{at(0, "a"), at(0.4, "a")}, ""},
		{"two links within two seconds", []VisitClick{at(0, "a"), at(1.5, "b")}, "burst-of-links"},
		{"two links, any order", []VisitClick{at(1.5, "b"), at(0, "a")}, "burst-of-links"},
		{"sandbox: a link every 3 s", []VisitClick{at(0, "a"), at(3, "b"), at(6, "c")}, "steady-pace"},
		{"sandbox: every 20 s", []VisitClick{at(0, "a"), at(20, "b"), at(40.2, "c")}, "steady-pace"},
		{"reader: three links, irregular", []VisitClick{at(0, "a"), at(7, "b"), at(41, "c")}, ""},
		{"reader: three links over two minutes", []VisitClick{at(0, "a"), at(50, "b"), at(100, "c")}, ""},
		{"reader: same link again and again", []VisitClick{at(0, "a"), at(3, "a"), at(6, "a")}, ""},
		{"five links in a minute", []VisitClick{at(0, "a"), at(4, "b"), at(15, "c"), at(33, "d"), at(50, "e")}, "many-links"},
		{"four links in a minute, irregular", []VisitClick{at(0, "a"), at(4, "b"), at(15, "c"), at(50, "d")}, ""},
	}
	for _, c := range cases {
		got, why := VisitSignals(c.clicks)
		if got != (c.want != "") || why != c.want {
			t.Errorf("%s: %v %q, want %q", c.name, got, why, c.want)
		}
	}
}

func TestGeoIP(t *testing.T) {
	e, err := New(dbs(t))
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	ev := event.Event{Type: event.PageView}
	e.Enrich(Request{UserAgent: chromeWin, IP: netip.MustParseAddr("203.0.113.77")}, &ev)
	en := ev.Enrichment
	if en.Country != "JP" || en.Region != "13" || en.City != "Tokyo" || en.ASN != 64500 || en.Org != "Example Corp" {
		t.Fatalf("IPv4: %+v", en)
	}
	ev = event.Event{Type: event.PageView}
	e.Enrich(Request{UserAgent: chromeWin, IP: netip.MustParseAddr("2001:db8:1234:5678::1")}, &ev)
	if ev.Enrichment.Country != "DE" || ev.Enrichment.City != "Berlin" || ev.Enrichment.ASN != 0 {
		t.Fatalf("IPv6: %+v", ev.Enrichment)
	}
	ev = event.Event{Type: event.PageView}
	e.Enrich(Request{UserAgent: chromeWin, IP: netip.MustParseAddr("198.51.100.9")}, &ev)
	if ev.Enrichment.Country != "" || ev.Enrichment.City != "" || ev.Client.IP != "198.51.100.0" {
		t.Fatalf("address without entry: %+v %s", ev.Enrichment, ev.Client.IP)
	}
	ev = event.Event{Type: event.PageView}
	e.Enrich(Request{UserAgent: chromeWin, IP: netip.MustParseAddr("::ffff:203.0.113.77")}, &ev)
	if ev.Enrichment.Country != "JP" || ev.Client.IP != "203.0.113.0" {
		t.Fatalf("IPv4-mapped: %+v %s", ev.Enrichment, ev.Client.IP)
	}
	// Addresses seen before answer from memory, the same as the databases.
	for _, c := range []struct{ ip, country string }{{"203.0.113.77", "JP"}, {"2001:db8:1234:5678::1", "DE"}, {"198.51.100.9", ""}} {
		ev = event.Event{Type: event.PageView}
		e.Enrich(Request{UserAgent: chromeWin, IP: netip.MustParseAddr(c.ip)}, &ev)
		if ev.Enrichment.Country != c.country {
			t.Fatalf("%s the second time: %+v", c.ip, ev.Enrichment)
		}
	}
	if en := ev.Enrichment; en.ASN != 0 || en.Org != "" || en.City != "" {
		t.Fatalf("an address without entry, the second time: %+v", en)
	}
}

func TestNoDatabaseSkipsCleanly(t *testing.T) {
	e, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	ev := event.Event{Type: event.PageView}
	e.Enrich(Request{UserAgent: chromeWin, IP: netip.MustParseAddr("203.0.113.77")}, &ev)
	if ev.Enrichment.Country != "" || ev.Client.IP != "203.0.113.0" {
		t.Fatalf("%+v", ev)
	}
}

func TestBadDatabases(t *testing.T) {
	notDB := filepath.Join(t.TempDir(), "x.mmdb")
	os.WriteFile(notDB, []byte("not a database"), 0o600)
	asn := dbs(t).ASNDB
	for _, c := range []struct {
		cfg     Config
		setting string
	}{
		{Config{CityDB: "/nonexistent/city.mmdb"}, "BATON_GEOIP_CITY_DB"},
		{Config{CityDB: notDB}, "BATON_GEOIP_CITY_DB"},
		{Config{CityDB: asn}, "BATON_GEOIP_CITY_DB"}, // an ASN database given as City
		{Config{ASNDB: notDB}, "BATON_GEOIP_ASN_DB"},
	} {
		if _, err := New(c.cfg); err == nil || !strings.Contains(err.Error(), c.setting) {
			t.Errorf("%+v: %v", c.cfg, err)
		}
	}
}

func TestTruncation(t *testing.T) {
	for in, want := range map[string]string{
		"203.0.113.77":          "203.0.113.0",
		"2001:db8:1234:5678::1": "2001:db8:1234::",
		"::ffff:192.0.2.200":    "192.0.2.0",
		"fe80::1:2:3:4":         "fe80::",
	} {
		if got := TruncateIP(netip.MustParseAddr(in)).String(); got != want {
			t.Errorf("TruncateIP(%s) = %s, want %s", in, got, want)
		}
	}
}

// TestFullAddressNeverStored marshals enriched events and looks for the
// full address anywhere in them.
func TestFullAddressNeverStored(t *testing.T) {
	e, _ := New(dbs(t))
	for _, ip := range []string{"203.0.113.77", "2001:db8:1234:5678:9abc::1"} {
		ev := event.Event{Type: event.EmailClick, Client: event.Client{IP: ip}}
		e.Enrich(Request{UserAgent: chromeWin, IP: netip.MustParseAddr(ip)}, &ev)
		b, _ := json.Marshal(ev)
		if strings.Contains(string(b), ip) || strings.Contains(string(b), "77") && strings.Contains(ip, "77") {
			t.Fatalf("full address %s in %s", ip, b)
		}
	}
}

func FuzzEnrich(f *testing.F) {
	e, _ := New(Config{})
	for _, ua := range []string{chromeWin, googlebot, "", "Mozilla/5.0", "((((", "\x00\xff"} {
		f.Add(ua, "GET")
	}
	f.Fuzz(func(t *testing.T, ua, method string) {
		ev := event.Event{Type: event.EmailClick}
		e.Enrich(Request{UserAgent: ua, Method: method, IP: netip.MustParseAddr("203.0.113.5")}, &ev)
		if ev.Client.IP != "203.0.113.0" {
			t.Fatalf("address %q", ev.Client.IP)
		}
	})
}

func BenchmarkEnrich(b *testing.B) {
	run := func(b *testing.B, cfg Config) {
		e, err := New(cfg)
		if err != nil {
			b.Fatal(err)
		}
		ip := netip.MustParseAddr("203.0.113.77")
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			ev := event.Event{Type: event.PageView}
			e.Enrich(Request{UserAgent: chromeWin, IP: ip}, &ev)
		}
	}
	b.Run("no-geoip", func(b *testing.B) { run(b, Config{}) })
	b.Run("uncached-ua", func(b *testing.B) { // every event a user agent never seen: the parser's cost
		e, _ := New(Config{})
		ip := netip.MustParseAddr("203.0.113.77")
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			ev := event.Event{Type: event.PageView}
			e.Enrich(Request{UserAgent: chromeWin + " build/" + strconv.Itoa(i), IP: ip}, &ev)
		}
	})
	b.Run("geoip", func(b *testing.B) { run(b, dbs(b)) })
}
