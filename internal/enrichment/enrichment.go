// Package enrichment says what each event came from: browser
// (github.com/mssola/useragent), normalised OS ("iOS 18.7", "Android 14",
// "Windows 10/11", "macOS") and device class (desktop, mobile, tablet, tv,
// console, car, wearable, feature-phone, bot); whether it was a bot (curated
// patterns in data/bots.txt, then the vendored lists of the npm packages
// crawler-user-agents and isbot in data/vendor/, pinned in data/vendor/PINS
// and refreshed by make generate) or an email security scanner
// (data/scanners.txt); and where (country, region, city, network) from the
// operator's GeoIP databases (github.com/oschwald/geoip2-golang). The client
// address is used in memory only: what is stored is truncated (IPv4 /24,
// IPv6 /48).
package enrichment

//go:generate go run ./gen

import (
	"bufio"
	_ "embed"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/mssola/useragent"
	"github.com/oschwald/geoip2-golang"

	"github.com/baton-hq/baton/internal/event"
)

//go:embed data/bots.txt
var botsData string

//go:embed data/scanners.txt
var scannersData string

// Config names the GeoIP databases (optional) and extra bot patterns.
type Config struct {
	CityDB           string // a GeoIP2/GeoLite2 City mmdb
	ASNDB            string // a GeoLite2 ASN mmdb
	ExtraBotPatterns []string
}

// Request is what enrichment needs from the HTTP request.
type Request struct {
	UserAgent string
	IP        netip.Addr
	Method    string
	Webdriver bool
	// UserAgentUnknown: the sender could not know the visitor's user agent
	// (a backend calling /v1 without context.userAgent). An empty one is
	// then no sign of a robot.
	UserAgentUnknown bool
}

// pattern is an email scanner's user agent substring.
type pattern struct {
	sub string
	why string
}

func (p pattern) match(lower string) bool { return strings.Contains(lower, p.sub) }

type network struct {
	prefix netip.Prefix
	vendor string
}

// Enricher enriches events; safe for concurrent use.
type Enricher struct {
	city, asn  *geoip2.Reader
	bots       *detector
	scannerUAs []pattern
	scannerNet []network
	openUAs    []pattern // image proxies fetching for the reader: their opens are human
	openNet    []network

	mu    sync.Mutex
	cache map[string]uaInfo      // parsed user agents: a site's visitors share few of them
	geos  map[netip.Addr]geoInfo // addresses looked up (geo)
}

// uaInfo is what one user agent string says, parsed once.
type uaInfo struct {
	browser, version, os, device, bot string
}

const cacheSize = 4096

// parse returns the user agent's browser, OS, device and bot reason.
func (e *Enricher) parse(ua string) uaInfo {
	e.mu.Lock()
	info, ok := e.cache[ua]
	e.mu.Unlock()
	if ok {
		return info
	}
	lower := strings.ToLower(ua)
	p := useragent.New(ua)
	info.browser, info.version = p.Browser()
	info.os = osName(ua, lower, p)
	info.device = deviceClass(lower, p)
	info.bot = e.botReason(ua, info.device == FeaturePhone)
	if info.bot != "" {
		info.device = BotDevice
	}
	if len(ua) <= 512 {
		e.mu.Lock()
		if len(e.cache) >= cacheSize {
			e.cache = make(map[string]uaInfo, cacheSize) // start over: bounded memory
		}
		e.cache[ua] = info
		e.mu.Unlock()
	}
	return info
}

// New loads the pattern data and opens the databases.
func New(cfg Config) (*Enricher, error) {
	e := &Enricher{cache: map[string]uaInfo{}}
	var err error
	if e.bots, err = newDetector(cfg.ExtraBotPatterns); err != nil {
		return nil, err
	}
	if err := e.parseScanners(scannersData); err != nil {
		return nil, err
	}
	if cfg.CityDB != "" {
		if e.city, err = open(cfg.CityDB, "City"); err != nil {
			return nil, fmt.Errorf("BATON_GEOIP_CITY_DB: %w", err)
		}
	}
	if cfg.ASNDB != "" {
		if e.asn, err = open(cfg.ASNDB, "ASN"); err != nil {
			e.Close()
			return nil, fmt.Errorf("BATON_GEOIP_ASN_DB: %w", err)
		}
	}
	return e, nil
}

func open(path, kind string) (*geoip2.Reader, error) {
	r, err := geoip2.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%s: not a readable mmdb: %v", path, err)
	}
	if t := r.Metadata().DatabaseType; !strings.Contains(t, kind) {
		r.Close()
		return nil, fmt.Errorf("%s: database type %q is not a %s database", path, t, kind)
	}
	return r, nil
}

// Close closes the databases.
func (e *Enricher) Close() error {
	if e.city != nil {
		e.city.Close()
	}
	if e.asn != nil {
		e.asn.Close()
	}
	return nil
}

func (e *Enricher) parseScanners(data string) error {
	sc := bufio.NewScanner(strings.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 3 {
			return fmt.Errorf("scanners.txt:%d: want kind<TAB>value<TAB>vendor", n)
		}
		switch f[0] {
		case "ua":
			e.scannerUAs = append(e.scannerUAs, pattern{sub: strings.ToLower(f[1]), why: f[2]})
		case "open-ua":
			e.openUAs = append(e.openUAs, pattern{sub: strings.ToLower(f[1]), why: f[2]})
		case "net", "open-net":
			p, err := netip.ParsePrefix(f[1])
			if err != nil {
				return fmt.Errorf("scanners.txt:%d: %v", n, err)
			}
			if p.Masked() != p {
				return fmt.Errorf("scanners.txt:%d: %s has host bits set", n, f[1])
			}
			nw := network{prefix: p, vendor: f[2]}
			if f[0] == "net" {
				e.scannerNet = append(e.scannerNet, nw)
			} else {
				e.openNet = append(e.openNet, nw)
			}
		default:
			return fmt.Errorf("scanners.txt:%d: unknown kind %q", n, f[0])
		}
	}
	return nil
}

// TruncateIP keeps the network, not the host: IPv4 /24, IPv6 /48.
func TruncateIP(ip netip.Addr) netip.Addr {
	ip = ip.Unmap()
	bits := 48
	if ip.Is4() {
		bits = 24
	}
	p, err := ip.Prefix(bits)
	if err != nil {
		return netip.Addr{}
	}
	return p.Addr()
}

// Enrich fills ev.Enrichment and stores the truncated address in ev.Client.IP.
func (e *Enricher) Enrich(r Request, ev *event.Event) {
	ua := r.UserAgent
	if ua == "" {
		ua = ev.Client.UserAgent
	}
	en := &ev.Enrichment
	lower := strings.ToLower(ua)
	info := e.parse(ua)
	en.Browser, en.BrowserVersion, en.OS, en.Device = info.browser, info.version, info.os, info.device
	why := info.bot
	if strings.TrimSpace(ua) == "" && r.UserAgentUnknown {
		why, en.Device = "", ""
	}
	if why == "" && (r.Webdriver || ev.Client.Webdriver) {
		why = "webdriver"
	}
	if why != "" {
		en.Bot, en.Device, en.FlagReason = true, BotDevice, why
	}
	ip := r.IP.Unmap()
	if ev.Type == event.EmailOpen && r.Method != "HEAD" && e.imageProxy(lower, ip) {
		// Gmail's and Yahoo's image proxies fetch when the reader opens
		// the email: the open is theirs, whatever the proxy's user agent
		// looks like to the bot lists.
		en.Bot, en.FlagReason = false, ""
		if en.Device == BotDevice {
			en.Device = ""
		}
	} else if ev.Type == event.EmailClick || ev.Type == event.EmailOpen {
		if why := e.scannerReason(ev.Type, r.Method, lower, ua, ip); why != "" {
			en.Scanner, en.FlagReason = true, why
			en.Bot = false // a scanner, not a crawler: kept apart for reports
		}
	}
	if ip.IsValid() {
		e.geo(ip, en)
		ev.Client.IP = TruncateIP(ip).String()
	} else {
		ev.Client.IP = ""
	}
}

// botReason returns why the user agent is a bot's (the category of the
// first pattern it matches), or "".
func (e *Enricher) botReason(ua string, featurePhone bool) string {
	if strings.TrimSpace(ua) == "" {
		return "empty-user-agent"
	}
	if r := e.bots.matchOpt(ua, featurePhone); r >= 0 {
		return e.bots.rules[r].why
	}
	return ""
}

// imageProxy reports whether an open came through a mail service's image
// proxy that fetches for the reader (open-ua, open-net in scanners.txt).
// A scanner's own user agent wins over the network.
func (e *Enricher) imageProxy(lower string, ip netip.Addr) bool {
	for _, p := range e.openUAs {
		if p.match(lower) {
			return true
		}
	}
	for _, s := range e.scannerUAs {
		if s.match(lower) {
			return false
		}
	}
	for _, n := range e.openNet {
		if ip.IsValid() && n.prefix.Contains(ip) {
			return true
		}
	}
	return false
}

func (e *Enricher) scannerReason(typ, method, lower, ua string, ip netip.Addr) string {
	if method == "HEAD" {
		return "head-request"
	}
	for _, s := range e.scannerUAs {
		if s.match(lower) {
			return "scanner:" + s.why
		}
	}
	for _, n := range e.scannerNet {
		if ip.IsValid() && n.prefix.Contains(ip) {
			return "scanner:" + n.vendor
		}
	}
	if typ == event.EmailOpen && (strings.TrimSpace(ua) == "Mozilla/5.0" || ip.IsValid() && appleNet.Contains(ip)) {
		return "apple-mpp" // Apple Mail Privacy Protection prefetches every image
	}
	return ""
}

// appleNet is Apple's own address block, from which Mail Privacy Protection
// fetches images.
var appleNet = netip.MustParsePrefix("17.0.0.0/8")

// geoInfo is what the databases say of one address.
type geoInfo struct {
	country, region, city, org string
	asn                        uint
	cityOK, asnOK              bool // the database answered
}

// geo fills the location of an address. Lookups are kept (a visitor's
// events come from one address, and decoding a City record is most of a
// lookup), in memory only and bounded like the user agents.
func (e *Enricher) geo(ip netip.Addr, en *event.Enrichment) {
	if e.city == nil && e.asn == nil {
		return
	}
	e.mu.Lock()
	g, ok := e.geos[ip]
	e.mu.Unlock()
	if !ok {
		g = e.lookup(ip)
		e.mu.Lock()
		if e.geos == nil || len(e.geos) >= cacheSize {
			e.geos = make(map[netip.Addr]geoInfo, cacheSize) // start over: bounded memory
		}
		e.geos[ip] = g
		e.mu.Unlock()
	}
	if g.cityOK {
		en.Country, en.City = g.country, g.city
		if g.region != "" {
			en.Region = g.region
		}
	}
	if g.asnOK {
		en.ASN, en.Org = g.asn, g.org
	}
}

func (e *Enricher) lookup(ip netip.Addr) geoInfo {
	var g geoInfo
	nip := net.IP(ip.AsSlice())
	if e.city != nil {
		if c, err := e.city.City(nip); err == nil {
			g.cityOK = true
			g.country = c.Country.IsoCode
			if len(c.Subdivisions) > 0 {
				g.region = c.Subdivisions[0].IsoCode
				if g.region == "" {
					g.region = c.Subdivisions[0].Names["en"]
				}
			}
			g.city = c.City.Names["en"]
		}
	}
	if e.asn != nil {
		if a, err := e.asn.ASN(nip); err == nil {
			g.asnOK = true
			g.asn, g.org = a.AutonomousSystemNumber, a.AutonomousSystemOrganization
		}
	}
	return g
}

// ClickContext is what is known about a click besides its request.
type ClickContext struct {
	Method    string
	SentAt    time.Time // when the campaign was sent (zero: unknown)
	ClickedAt time.Time
	Honeypot  bool // the hidden link no human sees
	// MinHumanDelay is the campaign's scanner window: a click sooner after
	// SentAt is a scanner's (0: 10 seconds).
	MinHumanDelay time.Duration
}

// ClickSignals flags a click only a scanner makes, judged on its own: HEAD
// requests, the honeypot link, clicks within the campaign's scanner window
// after the send. What the rest of the click's visit says is VisitSignals.
// (A prefetch never gets here: the click handler declines it, Prefetch.)
func ClickSignals(c ClickContext) (bool, string) {
	if c.Method == "HEAD" {
		return true, "head-request"
	}
	if c.Honeypot {
		return true, "honeypot-link"
	}
	min := c.MinHumanDelay
	if min == 0 {
		min = 10 * time.Second
	}
	if !c.SentAt.IsZero() && c.ClickedAt.Sub(c.SentAt) >= 0 && c.ClickedAt.Sub(c.SentAt) < min {
		return true, "clicked-seconds-after-send"
	}
	return false, ""
}

// Prefetch reports whether a request announces itself as a prefetch or a
// preview, made ahead of (or without) anyone's click: Sec-Purpose: prefetch
// (Chrome's speculation rules and <link rel=prefetch>, also
// "prefetch;prerender" and "prefetch;anonymous-client-ip"), the older
// Purpose: prefetch, Firefox's X-Moz: prefetch, and Safari's
// X-Purpose: preview. Sec-Purpose and Purpose are lists (RFC 8941): any
// item "prefetch", its parameters aside, says so. Letter case is ignored.
func Prefetch(h http.Header) bool {
	for _, name := range []string{"Sec-Purpose", "Purpose"} {
		for _, v := range h.Values(name) {
			for _, item := range strings.Split(v, ",") {
				token, _, _ := strings.Cut(item, ";")
				if strings.EqualFold(strings.TrimSpace(token), "prefetch") {
					return true
				}
			}
		}
	}
	for _, v := range h.Values("X-Moz") {
		if strings.EqualFold(strings.TrimSpace(v), "prefetch") {
			return true
		}
	}
	for _, v := range h.Values("X-Purpose") {
		if strings.EqualFold(strings.TrimSpace(v), "preview") {
			return true
		}
	}
	return false
}

// VisitClick is one click of a visit: when, and which link.
type VisitClick struct {
	At   time.Time
	Link string
}

// Visit signals' thresholds.
const (
	burstGap   = 2 * time.Second        // two different links this close: no reader
	paceLinks  = 3                      // distinct links ...
	paceWithin = 60 * time.Second       // ... within this time ...
	paceJitter = 500 * time.Millisecond // ... at a steady pace: gaps alike within this
	paceSpread = 0.15                   // or within this fraction of the mean gap
	crawlLinks = 5                      // this many distinct links within paceWithin, at any pace
)

// VisitSignals judges the clicks of one visit (one client on one
// recipient's email), in any order: a burst (two different links within two
// seconds), a crawl at a steady pace (3 or more different links within 60
// seconds, the gaps between them alike: within half a second, or 15% of
// their mean), or 5 or more different links within 60 seconds at any pace.
// A reader opens a link or two, and not on a metronome.
func VisitSignals(clicks []VisitClick) (bool, string) {
	cs := append([]VisitClick(nil), clicks...)
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].At.Before(cs[j].At) })
	for i := range cs {
		for j := i + 1; j < len(cs) && cs[j].At.Sub(cs[i].At) <= burstGap; j++ {
			if cs[j].Link != cs[i].Link {
				return true, "burst-of-links"
			}
		}
	}
	// first visits of each distinct link, in order
	var firsts []VisitClick
	seen := map[string]bool{}
	for _, c := range cs {
		if !seen[c.Link] {
			seen[c.Link] = true
			firsts = append(firsts, c)
		}
	}
	for i := range firsts {
		j := i
		for j+1 < len(firsts) && firsts[j+1].At.Sub(firsts[i].At) <= paceWithin {
			j++
		}
		run := firsts[i : j+1]
		if len(run) >= crawlLinks {
			return true, "many-links"
		}
		if len(run) >= paceLinks && steady(run) {
			return true, "steady-pace"
		}
	}
	return false, ""
}

// steady reports whether the gaps between consecutive clicks are alike.
func steady(run []VisitClick) bool {
	var lo, hi, sum time.Duration
	for k := 1; k < len(run); k++ {
		g := run[k].At.Sub(run[k-1].At)
		if k == 1 || g < lo {
			lo = g
		}
		if k == 1 || g > hi {
			hi = g
		}
		sum += g
	}
	mean := sum / time.Duration(len(run)-1)
	return hi-lo <= paceJitter || float64(hi-lo) <= paceSpread*float64(mean)
}
