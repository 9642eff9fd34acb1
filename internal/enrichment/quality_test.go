package enrichment

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/mssola/useragent"

	"github.com/baton-hq/baton/internal/event"
)

// botInstance is one example user agent of the vendored crawler-user-agents
// list, with the pattern it illustrates.
type botInstance struct {
	pattern, ua string
}

func loadInstances(t testing.TB) []botInstance {
	t.Helper()
	var pats []string
	err := dataLines(cuaData, func(n int, f []string) error {
		pats = append(pats, f[0])
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile("data/vendor/crawler-user-agents-instances.tsv")
	if err != nil {
		t.Fatal(err)
	}
	var out []botInstance
	err = dataLines(string(b), func(n int, f []string) error {
		i, err := strconv.Atoi(f[0])
		if err != nil || i < 1 || i > len(pats) || len(f) != 2 {
			return fmt.Errorf("instances:%d: bad line", n)
		}
		out = append(out, botInstance{pats[i-1], f[1]})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

type browserUA struct {
	class, ua string
	variant   bool // generated from a template line, not written as such
}

// loadBrowsers reads testdata/browsers.txt and adds version variants.
func loadBrowsers(t testing.TB) []browserUA {
	t.Helper()
	f, err := os.Open("testdata/browsers.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	seen := map[string]bool{}
	var out []browserUA
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		class, ua, ok := strings.Cut(line, "\t")
		if !ok {
			t.Fatalf("browsers.txt: %q", line)
		}
		if !seen[ua] {
			seen[ua] = true
			out = append(out, browserUA{class, ua, false})
		}
		for _, v := range expand(ua) {
			if !seen[v] {
				seen[v] = true
				out = append(out, browserUA{class, v, true})
			}
		}
	}
	return out
}

var (
	chromeRe  = regexp.MustCompile(`Chrome/(\d+)\.0\.(\d+)\.(\d+)`)
	edgRe     = regexp.MustCompile(`(Edg|EdgA|EdgiOS|OPR)/(\d+)\.`)
	firefoxRe = regexp.MustCompile(`(rv:|Firefox/|Gecko/)(\d{2,3})\.0`)
	iosRe     = regexp.MustCompile(`OS (\d+)_(\d+)(_\d+)? like Mac OS X`)
	versionRe = regexp.MustCompile(`Version/(\d+)\.(\d+)(\.\d+)?`)
	androidRe = regexp.MustCompile(`Android (\d+)(\.\d+)*;`)
)

// expand generates realistic version variants of a real user agent: the
// same browser and device with other Chrome (and Edge/Opera) majors,
// Firefox versions, iOS versions (Safari's Version/ moved with them) and
// Android versions. Only versions that exist are used.
func expand(ua string) []string {
	var out []string
	if m := chromeRe.FindStringSubmatch(ua); m != nil {
		reduced := m[2] == "0" && m[3] == "0"
		for _, major := range []int{100, 104, 108, 109, 112, 116, 119, 120, 122, 124, 126, 127, 128, 129, 130, 132, 134, 136, 138, 140} {
			build := "0.0"
			if !reduced {
				build = strconv.Itoa(4896+(major-100)*48) + "." + strconv.Itoa(40+major%97)
			}
			v := chromeRe.ReplaceAllString(ua, "Chrome/"+strconv.Itoa(major)+".0."+build)
			v = edgRe.ReplaceAllStringFunc(v, func(s string) string {
				name := s[:strings.IndexByte(s, '/')]
				if name == "OPR" {
					return "OPR/" + strconv.Itoa(major-15) + "."
				}
				return name + "/" + strconv.Itoa(major) + "."
			})
			out = append(out, v)
		}
	}
	if firefoxRe.MatchString(ua) && strings.Contains(ua, "Firefox/") && !strings.Contains(ua, "KAIOS") && !strings.Contains(ua, "Goanna") {
		for _, v := range []int{102, 115, 120, 125, 128, 130, 131, 132, 134, 136, 138, 140} {
			out = append(out, firefoxRe.ReplaceAllString(ua, "${1}"+strconv.Itoa(v)+".0"))
		}
	}
	if iosRe.MatchString(ua) {
		for _, v := range [][2]int{{15, 8}, {16, 7}, {17, 0}, {17, 4}, {17, 6}, {18, 0}, {18, 2}, {18, 5}, {18, 7}, {26, 0}, {26, 1}} {
			x := iosRe.ReplaceAllString(ua, fmt.Sprintf("OS %d_%d like Mac OS X", v[0], v[1]))
			x = versionRe.ReplaceAllString(x, fmt.Sprintf("Version/%d.%d", v[0], v[1]))
			out = append(out, x)
		}
	}
	if m := androidRe.FindStringSubmatch(ua); m != nil {
		if n, _ := strconv.Atoi(m[1]); n >= 9 {
			for _, v := range []string{"10", "11", "12", "13", "14", "15", "16"} {
				out = append(out, androidRe.ReplaceAllString(ua, "Android "+v+";"))
			}
		}
	}
	return out
}

// TestDetectionQuality measures bot recall on every instance of the
// vendored crawler-user-agents list and false positives on the real-browser
// corpus, and what the detector catches of bots whose patterns it was not
// given (generalisation). go test -run TestDetectionQuality -v prints the
// figures.
func TestDetectionQuality(t *testing.T) {
	e, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	insts := loadInstances(t)
	browsers := loadBrowsers(t)

	// Recall on all instances.
	var missed []string
	for _, in := range insts {
		if e.parse(in.ua).bot == "" {
			missed = append(missed, in.ua)
		}
	}
	recall := 1 - float64(len(missed))/float64(len(insts))
	t.Logf("recall: %d of %d crawler-user-agents instances flagged (%.2f%%)", len(insts)-len(missed), len(insts), 100*recall)
	for _, m := range missed {
		t.Logf("  missed: %q", m)
	}
	if recall < 0.99 {
		t.Errorf("recall %.2f%% < 99%%", 100*recall)
	}

	// False positives and device classes on real browsers.
	written, fp, wrongClass := 0, 0, 0
	byClass := map[string][2]int{}
	for _, b := range browsers {
		if !b.variant {
			written++
		}
		ev := event.Event{Type: event.PageView}
		e.Enrich(Request{UserAgent: b.ua}, &ev)
		n := byClass[b.class]
		n[0]++
		if ev.Enrichment.Bot {
			fp++
			src, pat := "", ""
			if i := e.bots.matchOpt(b.ua, deviceClass(strings.ToLower(b.ua), useragent.New(b.ua)) == FeaturePhone); i >= 0 {
				src, pat = e.bots.rules[i].source, e.bots.rules[i].pattern
			}
			t.Logf("  false positive (%s, %s pattern %q): %q", ev.Enrichment.FlagReason, src, pat, b.ua)
		} else if ev.Enrichment.Device != b.class {
			wrongClass++
			t.Logf("  device %s, want %s: %q", ev.Enrichment.Device, b.class, b.ua)
		} else {
			n[1]++
		}
		byClass[b.class] = n
	}
	fpRate := float64(fp) / float64(len(browsers))
	t.Logf("false positives: %d of %d real-browser user agents (%.3f%%); %d written, %d generated version variants of them",
		fp, len(browsers), 100*fpRate, written, len(browsers)-written)
	classes := make([]string, 0, len(byClass))
	for c := range byClass {
		classes = append(classes, c)
	}
	sort.Strings(classes)
	for _, c := range classes {
		t.Logf("  device class %-13s %4d of %4d right", c, byClass[c][1], byClass[c][0])
	}
	if fpRate > 0.001 {
		t.Errorf("false positive rate %.3f%% > 0.1%%", 100*fpRate)
	}
	if wrongClass > 0 {
		t.Errorf("%d real-browser user agents in the wrong device class", wrongClass)
	}

	// Generalisation. Hold out one crawler-user-agents entry in five (by a
	// hash of its pattern) and build the detector without their patterns:
	// what it catches of their instances, it catches with patterns that
	// were not written for them. The curated bots.txt was written with the
	// list at hand, so instances one of its patterns matches are counted
	// apart: the rest were caught by neither their own pattern nor one
	// added by hand.
	heldOut := func(p string) bool {
		h := fnv.New32a()
		h.Write([]byte(p))
		return h.Sum32()%5 == 0
	}
	without, err := buildDetector(sources{bots: botsData, cua: cuaData, isbot: isbotData, skipCUA: heldOut}, nil)
	if err != nil {
		t.Fatal(err)
	}
	curated, err := buildDetector(sources{bots: botsData}, nil)
	if err != nil {
		t.Fatal(err)
	}
	noHand, err := buildDetector(sources{cua: cuaData, isbot: isbotData, skipCUA: heldOut}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var held, heldHit, heldNotCurated, heldNotCuratedHit int
	patterns := map[string]bool{}
	for _, in := range insts {
		if !heldOut(in.pattern) {
			continue
		}
		patterns[in.pattern] = true
		held++
		if without.match(in.ua) >= 0 {
			heldHit++
		}
		if curated.match(in.ua) < 0 {
			heldNotCurated++
			if noHand.match(in.ua) >= 0 {
				heldNotCuratedHit++
			}
		}
	}
	t.Logf("held out: %d patterns of %d, %d instances: %d flagged without their patterns (%.2f%%)",
		len(patterns), len(strings.Split(strings.TrimSpace(cuaData), "\n"))-3, held, heldHit, 100*float64(heldHit)/float64(held))
	t.Logf("held out and matched by no hand-written pattern: %d instances: %d flagged by the other vendored patterns and isbot alone (%.2f%%)",
		heldNotCurated, heldNotCuratedHit, 100*float64(heldNotCuratedHit)/float64(heldNotCurated))
	isbotOnly, err := buildDetector(sources{isbot: isbotData}, nil)
	if err != nil {
		t.Fatal(err)
	}
	curatedHit, isbotHit := 0, 0
	for _, in := range insts {
		if curated.match(in.ua) >= 0 {
			curatedHit++
		}
		if isbotOnly.match(in.ua) >= 0 {
			isbotHit++
		}
	}
	t.Logf("each source alone on all %d instances: bots.txt %.2f%%, isbot %.2f%%", len(insts),
		100*float64(curatedHit)/float64(len(insts)), 100*float64(isbotHit)/float64(len(insts)))
	isbotFP := 0
	for _, b := range browsers {
		if isbotOnly.match(b.ua) >= 0 {
			isbotFP++
		}
	}
	t.Logf("isbot alone (after device masking) flags %d of %d real-browser user agents", isbotFP, len(browsers))
}

// TestNamedBots: the agents the issue named, each caught with its reason.
func TestNamedBots(t *testing.T) {
	e, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ ua, why string }{
		{"Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/534+ (KHTML, like Gecko) BingPreview/1.0b", "link-preview"},
		{"MicrosoftPreview/2.0; +https://aka.ms/MicrosoftPreview", "link-preview"},
		{"Mozilla/5.0 (compatible; Google-InspectionTool/1.0)", "crawler"},
		{"Mozilla/5.0 (X11; Linux x86_64; Storebot-Google/1.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/79.0.3945.88 Safari/537.36", "crawler"},
		{"GoogleOther", "crawler"},
		{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/114.0.5735.179 Safari/537.36 (compatible; Google-Safety; +http://www.google.com/bot.html)", "crawler"},
		{"Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; Claude-User/1.0; +Claude-User@anthropic.com)", "ai-agent"},
		{"Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; Perplexity-User/1.0; +https://perplexity.ai/perplexity-user)", "ai-agent"},
		{"Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; MistralAI-User/1.0; +https://docs.mistral.ai/robots)", "ai-agent"},
		{"meta-externalagent/1.1 (+https://developers.facebook.com/docs/sharing/webmasters/crawler)", "ai-agent"},
		{"Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko); compatible; ChatGPT-User/1.0; +https://openai.com/bot", "ai-agent"},
		{"Chatwork LinkPreview v1", "link-preview"},
		{"HatenaBookmark/4.0 (Hatena::Bookmark; Analyzer)", "link-preview"},
		{"facebookexternalhit/1.1;line-poker/1.0", "link-preview"},
		{"Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", "link-preview"},
		{"Uptime-Kuma/1.23.16", "monitoring"},
		{"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/74.0.3694.0 Safari/537.36 Chrome-Lighthouse", "monitoring"},
		{"Mozilla/5.0 (compatible; MSIE 10.0; Windows NT 6.1; Trident/6.0) LinkCheck by Siteimprove.com", "monitoring"},
		{"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/138.0.7204.168 Safari/537.36 DatadogSynthetics", "monitoring"},
		{"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/100.0.4896.60 Safari/537.36 NewRelicSynthetics/1.0", "monitoring"},
		{"Mozilla/5.0 (X11; Linux x86_64) Nikto/2.5.0 (Evasions:None) (Test:Port Check)", "security-scanner"},
		{"Mozilla/5.0 (Windows NT 6.1; WOW64) acunetix-product/wvs (Acunetix Web Vulnerability Scanner - Free Edition)", "security-scanner"},
		{"Mozilla/5.0 zgrab/0.x", "security-scanner"},
		{"sqlmap/1.7.8#stable (https://sqlmap.org)", "security-scanner"},
		{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36; Selenium", "headless-browser"},
		{"Mozilla/5.0 (compatible; heritrix/3.1.1 +http://www.mixdata.com)", "archiver"},
		{"curl", "tool"},
		{"curl/8.5.0", "tool"},
		{"Mozilla/5.0 (compatible; Qwantbot-prod/1.0; +https://help.qwant.com/bot/)", "crawler"},
		{"Mozilla/5.0 (compatible; OrangeBot-Collector/2.0; support.orangebot@orange.com)", "generic-bot"},
		{"Mozilla/5.0 (compatible; yoozBot-2.2; http://yooz.ir; info@yooz.ir)", ""},
	} {
		why := e.parse(c.ua).bot
		if why == "" || c.why != "" && why != c.why {
			t.Errorf("%q: reason %q, want %q", c.ua, why, c.why)
		}
	}
}

// TestOSNames: normalised operating system names.
func TestOSNames(t *testing.T) {
	e, _ := New(Config{})
	for ua, want := range map[string]string{
		"Mozilla/5.0 (iPhone; CPU iPhone OS 18_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.7 Mobile/15E148 Safari/604.1":          "iOS 18.7",
		"Mozilla/5.0 (iPad; CPU OS 17_6_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1":                 "iOS 17.6.1",
		"Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36":                            "Android 14",
		"Mozilla/5.0 (Linux; Android 10.0; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36":                                "Android 10",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36":                                  "Windows 10/11",
		"Mozilla/5.0 (Windows NT 6.1; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/109.0.0.0 Safari/537.36":                                   "Windows 7",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15":                            "macOS",
		"Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0":                                                                           "Linux",
		"Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36":                                   "ChromeOS",
		"Mozilla/5.0 (SMART-TV; LINUX; Tizen 6.0) AppleWebKit/537.36 (KHTML, like Gecko) 76.0.3809.146/6.0 TV Safari/537.36":                               "Tizen 6",
		"Mozilla/5.0 (Web0S; Linux/SmartTV) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/94.0.4606.128 Safari/537.36 WebAppManager":                       "webOS",
		"Mozilla/5.0 (PlayStation; PlayStation 5/2.26) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.0 Safari/605.1.15":                              "PlayStation 5",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64; Xbox; Xbox One) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0":    "Xbox",
		"Mozilla/5.0 (Mobile; Nokia_8110_4G; rv:48.0) Gecko/48.0 Firefox/48.0 KAIOS/2.5":                                                                   "KaiOS 2.5",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Code/1.95.3 Chrome/128.0.6613.186 Electron/32.2.1 Safari/537.36": "Windows 10/11",
	} {
		ev := event.Event{Type: event.PageView}
		e.Enrich(Request{UserAgent: ua}, &ev)
		if ev.Enrichment.OS != want {
			t.Errorf("%q: OS %q, want %q", ua, ev.Enrichment.OS, want)
		}
	}
}

// TestVendoredData: the vendored files are those the pinned versions give.
// Each file's SHA-256 must be the one PINS records, and its header must
// name the pinned version and source hash: a hand edit fails here (change
// the data with make generate, or override it in vendor-overrides.txt).
func TestVendoredData(t *testing.T) {
	b, err := os.ReadFile("data/vendor/PINS")
	if err != nil {
		t.Fatal(err)
	}
	type pin struct {
		version string
		files   map[string]string
	}
	pins := map[string]*pin{}
	var cur *pin
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) == 0 || strings.HasPrefix(f[0], "#"):
		case f[0] == "package" && len(f) == 4:
			cur = &pin{version: f[2], files: map[string]string{}}
			pins[f[1]] = cur
		case f[0] == "file" && len(f) == 3 && cur != nil:
			cur.files[f[1]] = f[2]
		default:
			t.Fatalf("PINS: %q", line)
		}
	}
	if len(pins) != 2 || pins["crawler-user-agents"] == nil || pins["isbot"] == nil {
		t.Fatalf("PINS: want crawler-user-agents and isbot, have %v", pins)
	}
	listed := map[string]bool{"PINS": true}
	for name, p := range pins {
		for file, want := range p.files {
			if src, ok := strings.CutPrefix(file, "src:"); ok {
				// each output made from src names the version and the hash
				for out := range p.files {
					if strings.HasSuffix(out, ".tsv") {
						body, err := os.ReadFile(filepath.Join("data/vendor", out))
						if err != nil {
							t.Fatal(err)
						}
						head := fmt.Sprintf("%s@%s\n# (%s, SHA-256 %s)", name, p.version, src, want)
						if !strings.Contains(string(body[:min(len(body), 600)]), head) {
							t.Errorf("%s: header does not name %s", out, head)
						}
					}
				}
				continue
			}
			listed[file] = true
			body, err := os.ReadFile(filepath.Join("data/vendor", file))
			if err != nil {
				t.Fatal(err)
			}
			h := sha256.Sum256(body)
			if got := hex.EncodeToString(h[:]); got != want {
				t.Errorf("data/vendor/%s: SHA-256 %s, PINS says %s (%s@%s): edited by hand? regenerate with make generate", file, got, want, name, p.version)
			}
		}
	}
	entries, err := os.ReadDir("data/vendor")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !listed[e.Name()] {
			t.Errorf("data/vendor/%s is not in PINS", e.Name())
		}
	}
}

// TestIsbotTranslation: the RE2 form of isbot's lookbehinds and lookaheads
// decides as the original does on the cases they exist for.
func TestIsbotTranslation(t *testing.T) {
	d, err := buildDetector(sources{isbot: isbotData}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for ua, bot := range map[string]bool{
		"Mozilla/5.0 (compatible; Somebot/1.0)":        true,
		"Mozilla/5.0 (Linux; U; en; cubot phone) x":    false, // (?<! cu)bots?
		"Mozilla/5.0 (X11) Newsbot/1.0":                true,
		"Mozilla/5.0 (X11) Sapphire newssapphire":      false, // news(?!sapphire)
		"Mozilla/5.0 (X11) googleapp":                  false, // google(?!app)
		"Mozilla/5.0 (X11) Google-Something/1.0":       true,
		"Mozilla/5.0 (X11) channel/google":             false, // (?<! channel/)google
		"Mozilla/5.0 (X11) AppleWebKit Camscanner/1.0": false, // (?<!cam)scan
		"Mozilla/5.0 (X11) AppleWebKit scanner/1.0":    true,
		"Mozilla/5.0 (X11) AppleWebKit libhttp/1.0":    false, // (?<!lib)http
		"Mozilla/5.0 (X11) AppleWebKit java;":          false, // java(?!;)
		"Mozilla/5.0 (X11) AppleWebKit java/1.8":       true,
	} {
		if got := d.match(ua) >= 0; got != bot {
			t.Errorf("%q: isbot %v, want %v", ua, got, bot)
		}
	}
}

func BenchmarkParse(b *testing.B) {
	var uas []string
	for _, in := range loadInstances(b) {
		uas = append(uas, in.ua)
	}
	for _, br := range loadBrowsers(b) {
		uas = append(uas, br.ua)
	}
	if len(uas) <= cacheSize {
		b.Fatalf("%d user agents: not enough to miss the cache", len(uas))
	}
	// miss: distinct real user agents (bots and browsers) in turn, more of
	// them than the cache holds, so every one is parsed and matched
	b.Run("miss", func(b *testing.B) {
		e, _ := New(Config{})
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			e.parse(uas[i%len(uas)])
		}
	})
	b.Run("hit", func(b *testing.B) {
		e, _ := New(Config{})
		ua := uas[len(uas)-1]
		e.parse(ua)
		b.ReportAllocs()
		for b.Loop() {
			e.parse(ua)
		}
	})
}
