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
	"net/netip"
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

	mu    sync.Mutex
	cache map[string]uaInfo // parsed user agents: a site's visitors share few of them
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
		case "net":
			p, err := netip.ParsePrefix(f[1])
			if err != nil {
				return fmt.Errorf("scanners.txt:%d: %v", n, err)
			}
			e.scannerNet = append(e.scannerNet, network{prefix: p.Masked(), vendor: f[2]})
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
	if ev.Type == event.EmailClick || ev.Type == event.EmailOpen {
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

func (e *Enricher) geo(ip netip.Addr, en *event.Enrichment) {
	nip := net.IP(ip.AsSlice())
	if e.city != nil {
		if c, err := e.city.City(nip); err == nil {
			en.Country = c.Country.IsoCode
			if len(c.Subdivisions) > 0 {
				en.Region = c.Subdivisions[0].IsoCode
				if en.Region == "" {
					en.Region = c.Subdivisions[0].Names["en"]
				}
			}
			en.City = c.City.Names["en"]
		}
	}
	if e.asn != nil {
		if a, err := e.asn.ASN(nip); err == nil {
			en.ASN, en.Org = a.AutonomousSystemNumber, a.AutonomousSystemOrganization
		}
	}
}

// ClickContext is what is known about a click besides its request.
type ClickContext struct {
	Method        string
	SentAt        time.Time // when the campaign was sent (zero: unknown)
	ClickedAt     time.Time
	OtherClicks   []time.Time // earlier clicks of links of the same email by the same recipient
	Honeypot      bool        // the hidden link no human sees
	MinHumanDelay time.Duration
}

// ClickSignals flags clicks only a scanner makes: HEAD requests, the
// honeypot link, clicks within seconds of the send, several links of one
// email within ~2 seconds.
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
	for _, t := range c.OtherClicks {
		if d := c.ClickedAt.Sub(t); d >= -2*time.Second && d <= 2*time.Second {
			return true, "burst-of-links"
		}
	}
	return false, ""
}
