package enrichment

import (
	_ "embed"
	"fmt"
	"regexp"
	"regexp/syntax"
	"sort"
	"strings"
)

// Bot detection: many patterns, from three sources, checked in order:
//
//  1. data/bots.txt, curated here: each entry says what the agent is, and its
//     category is the reason recorded;
//  2. data/vendor/crawler-user-agents.tsv (npm crawler-user-agents, pinned in
//     data/vendor/PINS), less what data/vendor-overrides.txt disables; the
//     reason comes from the entry's tags;
//  3. data/vendor/isbot.tsv (npm isbot): generic patterns, reason
//     "generic-bot".
//
// Before matching, the tokens of real devices that look like bot names are
// blanked (data/devices.txt, and the model field of Android user agents:
// CUBOT, POWER BOT...), so no pattern flags a phone for its name.
//
// A user agent is matched against a few hundred regular expressions only on
// a cache miss, and even then only those whose required literal occurs in
// it: each pattern's literals (those any match must contain) are indexed by
// their first three bytes, and a pass over the user agent collects the
// candidates; the few patterns without such a literal are always checked.

//go:embed data/vendor/crawler-user-agents.tsv
var cuaData string

//go:embed data/vendor/isbot.tsv
var isbotData string

//go:embed data/vendor-overrides.txt
var overridesData string

//go:embed data/devices.txt
var devicesData string

type rule struct {
	re        *regexp.Regexp
	notBefore *regexp.Regexp // isbot's lookbehind: the text before a match must not end with it
	notAfter  *regexp.Regexp // isbot's lookahead: the text after a match must not start with it
	why       string
	source    string // "bots.txt", "configured", "crawler-user-agents", "isbot"
	pattern   string // as written in its source
}

func (r *rule) match(ua string) bool {
	if r.notBefore == nil && r.notAfter == nil {
		return r.re.MatchString(ua)
	}
	for _, m := range r.re.FindAllStringIndex(ua, -1) {
		if r.notBefore != nil && r.notBefore.MatchString(ua[:m[0]]) {
			continue
		}
		if r.notAfter != nil && r.notAfter.MatchString(ua[m[1]:]) {
			continue
		}
		return true
	}
	return false
}

type detector struct {
	rules  []rule
	always []int32              // rules without a usable literal
	index  map[uint32][]litRule // first three bytes (lower case) of a literal -> literals
	masks  []mask               // device tokens blanked before matching
}

// mask is a device or app token to blank, with literals one of which it
// needs (nil: always tried): a cheap test before the regexp.
type mask struct {
	re   *regexp.Regexp
	lits []string
}

type litRule struct {
	lit  string // lower case
	rule int32
}

// tagReasons maps crawler-user-agents tags to reasons, most telling first.
var tagReasons = []struct{ tag, why string }{
	{"browser-automation", "headless-browser"},
	{"ai-crawler", "ai-crawler"},
	{"social-preview", "link-preview"},
	{"monitoring", "monitoring"},
	{"scanner", "security-scanner"},
	{"http-library", "tool"},
	{"seo", "seo-crawler"},
	{"feed-reader", "feed-reader"},
	{"archiver", "archiver"},
	{"advertising", "ad-crawler"},
	{"academic", "research-crawler"},
	{"search-engine", "crawler"},
}

func reasonForTags(tags string) string {
	for _, t := range tagReasons {
		for _, x := range strings.Split(tags, ",") {
			if x == t.tag {
				return t.why
			}
		}
	}
	return "crawler"
}

// dataLines yields the non-comment lines of a data file, with their
// numbers; a field "# ..." and what follows is a comment.
func dataLines(data string, fn func(n int, fields []string) error) error {
	for n, line := range strings.Split(data, "\n") {
		line = strings.TrimRight(line, "\r")
		if t := strings.TrimSpace(line); t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		var fields []string
		for _, f := range strings.Split(line, "\t") {
			if strings.HasPrefix(strings.TrimSpace(f), "# ") {
				break
			}
			fields = append(fields, f)
		}
		if err := fn(n+1, fields); err != nil {
			return err
		}
	}
	return nil
}

// curatedRule reads a bots.txt pattern: a case-insensitive substring, or
// "re:" and a case-insensitive regexp.
func curatedRule(pat, why, source string) (rule, error) {
	pat = strings.TrimSpace(pat)
	if why = strings.TrimSpace(why); why == "" {
		why = "bot"
	}
	expr := regexp.QuoteMeta(strings.ToLower(pat))
	if re, ok := strings.CutPrefix(pat, "re:"); ok {
		expr = re
	}
	c, err := regexp.Compile("(?i)" + expr)
	if err != nil {
		return rule{}, err
	}
	return rule{re: c, why: why, source: source, pattern: pat}, nil
}

// sources are the data a detector is built from; tests build detectors
// without some of it to measure what the rest catches.
type sources struct {
	bots, cua, isbot string
	skipCUA          func(pattern string) bool // crawler-user-agents patterns left out
}

func newDetector(extra []string) (*detector, error) {
	return buildDetector(sources{bots: botsData, cua: cuaData, isbot: isbotData}, extra)
}

func buildDetector(src sources, extra []string) (*detector, error) {
	d := &detector{index: map[uint32][]litRule{}}
	err := dataLines(src.bots, func(n int, f []string) error {
		if len(f) < 2 {
			return fmt.Errorf("bots.txt:%d: want pattern<TAB>category<TAB># what it is", n)
		}
		r, err := curatedRule(f[0], f[1], "bots.txt")
		if err != nil {
			return fmt.Errorf("bots.txt:%d: %v", n, err)
		}
		d.rules = append(d.rules, r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i, x := range extra {
		r, err := curatedRule(x, "configured", "configured")
		if err != nil {
			return nil, fmt.Errorf("bot pattern %d %q: %v", i+1, x, err)
		}
		d.rules = append(d.rules, r)
	}
	disabled := map[string]bool{}
	err = dataLines(overridesData, func(n int, f []string) error {
		if len(f) < 3 || f[0] != "disable" || f[1] != "crawler-user-agents" {
			return fmt.Errorf("vendor-overrides.txt:%d: want disable<TAB>crawler-user-agents<TAB>pattern<TAB># why", n)
		}
		disabled[f[2]] = true
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = dataLines(src.cua, func(n int, f []string) error {
		if len(f) != 2 {
			return fmt.Errorf("crawler-user-agents.tsv:%d: want pattern<TAB>tags", n)
		}
		if _, ok := disabled[f[0]]; ok {
			disabled[f[0]] = false
			return nil
		}
		if src.skipCUA != nil && src.skipCUA(f[0]) {
			return nil
		}
		c, err := regexp.Compile(f[0])
		if err != nil {
			return fmt.Errorf("crawler-user-agents.tsv:%d: %v", n, err)
		}
		d.rules = append(d.rules, rule{re: c, why: reasonForTags(f[1]), source: "crawler-user-agents", pattern: f[0]})
		return nil
	})
	if err != nil {
		return nil, err
	}
	for p, unseen := range disabled {
		if !unseen || src.cua == "" {
			continue
		}
		return nil, fmt.Errorf("vendor-overrides.txt: %q is not a crawler-user-agents pattern (any more?)", p)
	}
	err = dataLines(src.isbot, func(n int, f []string) error {
		for len(f) < 3 {
			f = append(f, "")
		}
		c, err := regexp.Compile("(?i)" + f[0])
		if err != nil {
			return fmt.Errorf("isbot.tsv:%d: %v", n, err)
		}
		r := rule{re: c, why: "generic-bot", source: "isbot", pattern: f[0]}
		if f[1] != "" {
			r.notBefore = regexp.MustCompile("(?i)(?:" + f[1] + ")$")
		}
		if f[2] != "" {
			r.notAfter = regexp.MustCompile("(?i)^(?:" + f[2] + ")")
		}
		d.rules = append(d.rules, r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = dataLines(devicesData, func(n int, f []string) error {
		c, err := regexp.Compile("(?i)" + strings.TrimSpace(f[0]))
		if err != nil {
			return fmt.Errorf("devices.txt:%d: %v", n, err)
		}
		d.masks = append(d.masks, mask{c, requiredLiterals(c)})
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i := range d.rules {
		lits := requiredLiterals(d.rules[i].re)
		if lits == nil {
			d.always = append(d.always, int32(i))
			continue
		}
		for _, l := range lits {
			k := key3(l)
			d.index[k] = append(d.index[k], litRule{l, int32(i)})
		}
	}
	return d, nil
}

func key3(s string) uint32 { return uint32(s[0])<<16 | uint32(s[1])<<8 | uint32(s[2]) }

func lowerByte(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// requiredLiterals returns lower-case strings of at least three bytes, one
// of which every match of re contains; nil if there is no such set.
func requiredLiterals(re *regexp.Regexp) []string {
	p, err := syntax.Parse(re.String(), syntax.Perl)
	if err != nil {
		return nil
	}
	set := literalsOf(p.Simplify())
	for _, s := range set {
		if len(s) < 3 {
			return nil
		}
	}
	return set
}

func literalsOf(re *syntax.Regexp) []string {
	switch re.Op {
	case syntax.OpLiteral:
		return []string{strings.ToLower(string(re.Rune))}
	case syntax.OpCapture:
		return literalsOf(re.Sub[0])
	case syntax.OpPlus:
		return literalsOf(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return literalsOf(re.Sub[0])
		}
	case syntax.OpConcat:
		var best []string
		score := func(set []string) int {
			m := 1 << 30
			for _, s := range set {
				m = min(m, len(s))
			}
			return m*16 - len(set) // longer literals first, then fewer
		}
		for _, s := range re.Sub {
			if set := literalsOf(s); set != nil && (best == nil || score(set) > score(best)) {
				best = set
			}
		}
		return best
	case syntax.OpAlternate:
		var all []string
		for _, s := range re.Sub {
			set := literalsOf(s)
			if set == nil {
				return nil
			}
			all = append(all, set...)
		}
		return all
	}
	return nil
}

// mask blanks the device names that look like bot names: the model field
// of an Android user agent and the tokens of data/devices.txt. Each is
// replaced by "K", what Chrome's reduced user agent puts there.
func (d *detector) mask(ua string) string {
	if i := strings.Index(ua, "Android"); i >= 0 {
		if end := strings.IndexByte(ua[i:], ')'); end >= 0 {
			end += i
			fields := strings.Split(ua[i:end], ";")
			changed := false
			for k := 1; k < len(fields); k++ {
				f := strings.TrimSpace(fields[k])
				model, build, hasBuild := strings.Cut(f, " Build/")
				if f == "" || f == "wv" || f == "U" || isLocale(f) || model == "K" {
					continue
				}
				if hasBuild {
					fields[k] = " K Build/" + build
				} else {
					fields[k] = " K"
				}
				changed = true
				break // the model is the first field after the version
			}
			if changed {
				ua = ua[:i] + strings.Join(fields, ";") + ua[end:]
			}
		}
	}
	lower := strings.ToLower(ua)
	for _, m := range d.masks {
		if m.lits != nil && !containsAny(lower, m.lits...) {
			continue
		}
		if m.re.MatchString(ua) {
			ua = m.re.ReplaceAllString(ua, "K")
			lower = strings.ToLower(ua)
		}
	}
	return ua
}

// isLocale reports whether f looks like "en-us" or "zh_CN".
func isLocale(f string) bool {
	if len(f) != 5 || f[2] != '-' && f[2] != '_' {
		return false
	}
	for _, c := range []byte(f[:2] + f[3:]) {
		if c|0x20 < 'a' || c|0x20 > 'z' {
			return false
		}
	}
	return true
}

// match returns the first rule, in order, that the user agent matches:
// its index, or -1.
func (d *detector) match(ua string) int { return d.matchOpt(ua, false) }

// matchOpt is match, without isbot's generic patterns if specificOnly:
// for feature phones, whose user agents ("DoCoMo/2.0 N905i(c100;TB;W24H16)",
// "MAUI_WAP_Browser") have the shapes isbot takes for HTTP libraries'.
func (d *detector) matchOpt(ua string, specificOnly bool) int {
	ua = d.mask(ua)
	var buf [32]int32
	cand := append(buf[:0], d.always...)
	if len(ua) >= 3 {
		a, b := lowerByte(ua[0]), lowerByte(ua[1])
		for i := 2; i < len(ua); i++ {
			c := lowerByte(ua[i])
			if lits := d.index[uint32(a)<<16|uint32(b)<<8|uint32(c)]; lits != nil {
				for _, l := range lits {
					if hasPrefixFold(ua[i-2:], l.lit) {
						cand = append(cand, l.rule)
					}
				}
			}
			a, b = b, c
		}
	}
	sort.Slice(cand, func(i, j int) bool { return cand[i] < cand[j] })
	last := int32(-1)
	for _, r := range cand {
		if r == last {
			continue
		}
		last = r
		if specificOnly && d.rules[r].source == "isbot" {
			continue
		}
		if d.rules[r].match(ua) {
			return int(r)
		}
	}
	return -1
}

// hasPrefixFold: s starts with lit (lower case), ignoring ASCII case.
func hasPrefixFold(s, lit string) bool {
	if len(s) < len(lit) {
		return false
	}
	for i := 0; i < len(lit); i++ {
		if lowerByte(s[i]) != lit[i] {
			return false
		}
	}
	return true
}
