// Package rulebook is the MQL definition as code: the reviewed YAML file in
// which marketing and sales agree how people are scored (behaviour and fit),
// graded, and when they qualify; and the engine that applies it.
//
// Parsing is strict: an unknown key, a wrong type or an impossible value is
// refused with the file, line and field, so a typo in a reviewed file never
// silently does nothing.
package rulebook

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"path"
	"regexp"
	"regexp/syntax"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/baton-hq/baton/internal/duration"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/textcut"
	"golang.org/x/text/unicode/norm"
	"gopkg.in/yaml.v3"
)

// Rules is a parsed, validated rules file.
type Rules struct {
	Version     string // name: + content hash, stored with every score
	HalfLife    time.Duration
	Behaviour   []*BehaviourRule
	Fit         []*FitRule
	Grades      []GradeThreshold // best first
	FreeMail    map[string]bool
	Competitors map[string]bool
	BANT        BANT
	Bands       []Band // highest first
	MQL         []*Condition
	Recycle     Recycle
	MQA         *MQA // the account-level qualification; nil: none (mqa.go)
	// Warnings: what the file does that is likely a mistake but may be
	// meant (warnings.go), for make check and the rules page.
	Warnings []Warning
}

// BehaviourRule gives points for matching events.
type BehaviourRule struct {
	Name         string
	Types        map[string]bool
	URL          []*regexp.Regexp
	Form         *regexp.Regexp // form id, name or action
	File         *regexp.Regexp // download file name
	Campaign     *regexp.Regexp // utm campaign or email campaign
	Event        *regexp.Regexp // custom event name, or an offline touch's event name
	Channel      *regexp.Regexp // offline touch channel (exhibition, seminar, webinar, business-card)
	MinMinutes   *float64       // an offline touch attended at least this long (a webinar report's minutes); nil: any; a touch not saying them never matches
	Points       float64
	Once         bool
	CapPerDay    float64 // 0: none
	CapPerPerson float64 // 0: none
	index        int     // its place in Rules.Behaviour (a replay's counts of matched events)
}

// FitRule gives fit points for a person attribute.
type FitRule struct {
	Name      string
	Attribute string // company, title, industry, employees, email_domain ...
	Pattern   *regexp.Regexp
	In        map[string]bool
	// Subdomains: In also matches a subdomain of a value (FreeMailDomain;
	// the free_mail rule).
	Subdomains bool
	Min, Max   *float64
	Points     float64
}

// BelowGrades is the grade of a score below every grade's threshold:
// rules name their grades (A to C), never this one.
const BelowGrades = "D"

// GradeThreshold: a fit score at or above Min earns Grade.
type GradeThreshold struct {
	Grade string
	Min   float64
}

// BANT maps form fields to the four BANT facts.
type BANT struct {
	Fields map[string]BANTField // budget, authority, need, timeframe
}

// BANTField says which attribute holds a fact and what counts as confirmed.
type BANTField struct {
	Attribute string
	Confirmed *regexp.Regexp // nil: any non-empty value
}

// Band is a behaviour band of the cross-scoring matrix.
type Band struct {
	Name  string
	Label Label // its name for sales (labels.go)
	Min   float64
}

// Condition is one way to qualify: all of its parts must hold.
type Condition struct {
	Name         string
	Label        Label // its name for sales (labels.go)
	MinBehaviour *float64
	Grades       map[string]bool
	MinBANT      int
	Matrix       map[string]map[string]bool // band -> grades that qualify
}

// DefaultMinNewBehaviour is recycle.min_new_behaviour when the file says
// nothing: some new behaviour is always needed.
const DefaultMinNewBehaviour = 10

// Recycle says what happens to the behaviour score when sales reject or lose a lead.
type Recycle struct {
	Multiply float64 // new score = old * Multiply (0 resets)
	// MinNewBehaviour is the behaviour a recycled person must show after the
	// recycle before any condition can qualify them again: standing
	// attributes (grade, BANT) alone never bring a rejected lead back.
	MinNewBehaviour float64
	// Cooldown is how long after the recycle no MQL is raised at all: its
	// days are calendar days of the configured zone (Engine.Loc), so 7d
	// ends at the recycle's time on the wall clock a week later.
	Cooldown duration.Span
}

// ParseError names the file, line and field.
type ParseError struct {
	File  string
	Line  int
	Field string
	Msg   string
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("%s:%d: %s: %s", e.File, e.Line, e.Field, e.Msg)
}

// Load reads and parses a rules file.
func Load(p string) (*Rules, error) {
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	return Parse(path.Base(p), data)
}

// DefaultFreeMail are consumer mail domains: an address there says nothing
// about the company. The one list for both uses: account grouping (never by
// these domains; the rules file's fit.free_mail.domains are added) and the
// fit rule free_mail (its penalty, unless fit.free_mail.domains replaces
// it). A subdomain of one is free mail too (FreeMailDomain).
var DefaultFreeMail = []string{
	// global
	"gmail.com", "googlemail.com", "yahoo.com", "ymail.com", "outlook.com", "hotmail.com", "live.com", "msn.com",
	"icloud.com", "me.com", "mac.com", "aol.com", "gmx.net", "gmx.de", "mail.ru", "yandex.ru", "proton.me",
	"protonmail.com", "zoho.com", "qq.com", "163.com", "126.com", "naver.com", "hanmail.net",
	// Japan: portals, carriers' mobile mail, consumer ISPs
	"yahoo.co.jp", "ybb.ne.jp", "outlook.jp", "hotmail.co.jp", "live.jp", "docomo.ne.jp", "ezweb.ne.jp",
	"au.com", "softbank.ne.jp", "i.softbank.jp", "disney.ne.jp", "ymobile.ne.jp", "rakuten.jp", "nifty.com",
	"biglobe.ne.jp", "ocn.ne.jp", "so-net.ne.jp", "plala.or.jp", "dion.ne.jp", "excite.co.jp", "infoseek.jp",
	"goo.jp", "livedoor.com", "jcom.home.ne.jp", "zaq.ne.jp", "eonet.ne.jp", "mopera.net",
}

// FreeMailDomain reports whether a domain (lower case) is in free or is a
// subdomain of one there (a suffix on a label boundary): Japanese ISPs give
// addresses at a mail server's subdomain (taro@sky.plala.or.jp,
// @ba2.so-net.ne.jp, @beach.ocn.ne.jp), one per few thousand customers.
func FreeMailDomain(domain string, free map[string]bool) bool {
	for d := domain; d != ""; {
		if free[d] {
			return true
		}
		i := strings.IndexByte(d, '.')
		if i < 0 {
			break
		}
		d = d[i+1:]
	}
	return false
}

type parser struct {
	file     string
	err      *ParseError
	warnings []Warning
}

func (p *parser) fail(n *yaml.Node, field, format string, a ...any) {
	if p.err == nil {
		line := 0
		if n != nil {
			line = n.Line
		}
		p.err = &ParseError{File: p.file, Line: line, Field: field, Msg: fmt.Sprintf(format, a...)}
	}
}

// resolve is n with its anchors' values where they are used: an alias
// (*pricing) is the value anchored &pricing, and a merge key (<<: *base,
// or a list of them) gives a mapping the keys of those it names that it
// does not give itself. The rules read the value itself: an alias was
// refused as "must be a list" (a mapping, a string), and a merge key as
// an unknown key "<<". on holds the nodes being resolved (a value that
// contains its own alias is refused), done those resolved: each is
// resolved once, however often it is used.
func (p *parser) resolve(n *yaml.Node, on, done map[*yaml.Node]bool) *yaml.Node {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		if on[n.Alias] {
			p.fail(n, "(file)", "*%s is inside the value anchored &%s: a value cannot contain itself", n.Value, n.Value)
			return n
		}
		return p.resolve(n.Alias, on, done)
	}
	if done[n] {
		return n
	}
	on[n] = true
	for i, c := range n.Content {
		n.Content[i] = p.resolve(c, on, done)
	}
	delete(on, n)
	done[n] = true
	if n.Kind != yaml.MappingNode {
		return n
	}
	var own, merged []*yaml.Node
	given := map[string]bool{}
	var sources []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode || k.Tag != "!!merge" {
			own = append(own, k, v)
			given[k.Value] = true
			continue
		}
		switch {
		case v.Kind == yaml.MappingNode:
			sources = append(sources, v)
		case v.Kind == yaml.SequenceNode && !slices.ContainsFunc(v.Content, func(m *yaml.Node) bool { return m.Kind != yaml.MappingNode }):
			sources = append(sources, v.Content...)
		default:
			p.fail(k, "(file)", "<< must name a mapping (<<: *base) or a list of them (<<: [*base, *more])")
		}
	}
	if len(sources) == 0 {
		return n
	}
	for _, m := range sources {
		for i := 0; i+1 < len(m.Content); i += 2 {
			if k := m.Content[i]; !given[k.Value] {
				given[k.Value] = true
				merged = append(merged, k, m.Content[i+1])
			}
		}
	}
	n.Content = append(own, merged...)
	return n
}

// fields walks a mapping, refusing keys not in allowed.
func (p *parser) fields(n *yaml.Node, field string, allowed ...string) map[string]*yaml.Node {
	out := map[string]*yaml.Node{}
	if n == nil {
		return out
	}
	if n.Kind != yaml.MappingNode {
		if fix, ok := fullWidthColon(n.Value); ok && n.Kind == yaml.ScalarNode {
			p.fail(n, field, "must be a mapping: %q has a full-width colon (：, as an IME types it); write %q", n.Value, fix)
			return out
		}
		p.fail(n, field, "must be a mapping")
		return out
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i].Value
		ok := false
		for _, a := range allowed {
			ok = ok || a == k
		}
		if fix, wide := fullWidthColon(k); !ok && wide {
			p.fail(n.Content[i], join(field, k), "unknown key: a full-width colon (：, as an IME types it); write %q", fix)
			continue
		}
		if !ok {
			if near := nearest(k, allowed); near != "" {
				p.fail(n.Content[i], join(field, k), "unknown key (allowed: %s); did you mean %s?", strings.Join(allowed, ", "), near)
				continue
			}
			p.fail(n.Content[i], join(field, k), "unknown key (allowed: %s)", strings.Join(allowed, ", "))
			continue
		}
		if _, dup := out[k]; dup {
			p.fail(n.Content[i], join(field, k), "given twice")
		}
		out[k] = n.Content[i+1]
	}
	return out
}

// keyOf is the key node of key in the mapping n (its line is the key's,
// where a block mapping's own is its first key's), nil when it has none.
func keyOf(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i]
		}
	}
	return nil
}

// nearest is the allowed key a misspelt one most likely meant (behavior,
// min_behavior, Points, cap_per_days): the one within two edits of it,
// case aside; "" when none is, or two are as near.
func nearest(k string, allowed []string) string {
	best, bestD, tie := "", 3, false
	for _, a := range allowed {
		d := editDistance(strings.ToLower(k), a)
		switch {
		case d < bestD:
			best, bestD, tie = a, d, false
		case d == bestD:
			tie = true
		}
	}
	if tie {
		return ""
	}
	return best
}

// editDistance is the Levenshtein distance of two strings, by rune.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur := make([]int, len(rb)+1)
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(rb)]
}

func join(a, b string) string {
	if a == "" {
		return b
	}
	return a + "." + b
}

func (p *parser) str(n *yaml.Node, field string) string {
	if n == nil {
		return ""
	}
	if n.Kind != yaml.ScalarNode || n.Tag == "!!map" || n.Tag == "!!seq" {
		p.fail(n, field, "must be a string")
		return ""
	}
	return n.Value
}

func (p *parser) num(n *yaml.Node, field string) float64 {
	if n == nil {
		return 0
	}
	f, err := strconv.ParseFloat(n.Value, 64)
	if n.Kind != yaml.ScalarNode || err != nil || (n.Tag != "!!int" && n.Tag != "!!float") {
		if n.Kind == yaml.ScalarNode && strings.ContainsAny(n.Value, "０１２３４５６７８９．－") {
			p.fail(n, field, "must be a number in half-width digits (10, not １０)")
			return 0
		}
		if fix, ok := numberFix(n); ok {
			p.fail(n, field, "must be a number: write %s", fix)
			return 0
		}
		p.fail(n, field, "must be a number")
		return 0
	}
	return f
}

// numberRE is a number written with what YAML does not read as one: a
// unit after it (10点, 10pt, 15 points) or thousands separators (1,000).
var numberRE = regexp.MustCompile(`^([-+]?[0-9][0-9,]*(?:\.[0-9]+)?)\s*(?:点|pt|pts|points?|ポイント)?$`)

// numberFix is the number a scalar meant, as the file should write it,
// when it is one written as text: quoted ("10"), with a unit (10点) or
// with separators (1,000).
func numberFix(n *yaml.Node) (string, bool) {
	if n.Kind != yaml.ScalarNode {
		return "", false
	}
	m := numberRE.FindStringSubmatch(strings.TrimSpace(n.Value))
	if m == nil {
		return "", false
	}
	num := strings.ReplaceAll(m[1], ",", "")
	if f, err := strconv.ParseFloat(num, 64); err != nil || math.IsInf(f, 0) {
		return "", false
	}
	if num == n.Value {
		return num + " (without quotes: a quoted number is text)", true
	}
	return num, true
}

// MaxPoints bounds a rule's points either way. Points add up over a
// person's events: 1e308 twice is +Inf, which no JSON (the admin API, the
// SFAs' payloads) can carry.
const MaxPoints = 1000000

func (p *parser) points(n *yaml.Node, field string) float64 {
	v := p.num(n, field)
	if v < -MaxPoints || v > MaxPoints {
		p.fail(n, field, "must be a number from -%d to %d", MaxPoints, MaxPoints)
		return 0
	}
	return v
}

func (p *parser) boolean(n *yaml.Node, field string) bool {
	if n == nil {
		return false
	}
	if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
		p.fail(n, field, "must be true or false")
		return false
	}
	return n.Value == "true"
}

func (p *parser) list(n *yaml.Node, field string) []*yaml.Node {
	if n == nil {
		return nil
	}
	if n.Kind == yaml.ScalarNode {
		return []*yaml.Node{n}
	}
	if n.Kind != yaml.SequenceNode {
		p.fail(n, field, "must be a list")
		return nil
	}
	return n.Content
}

func (p *parser) strs(n *yaml.Node, field string) []string {
	var out []string
	for i, c := range p.list(n, field) {
		out = append(out, p.str(c, fmt.Sprintf("%s[%d]", field, i)))
	}
	return out
}

// domains reads a list of email domains (fit.competitors,
// fit.free_mail.domains), which a person's email domain is looked up in:
// one written as an address (@rival.com) or a URL (https://www.rival.com/)
// was never any email's, and is refused with the domain to write.
func (p *parser) domains(n *yaml.Node, field string) []string {
	var out []string
	for i, c := range p.list(n, field) {
		f := fmt.Sprintf("%s[%d]", field, i)
		d := strings.TrimSpace(p.str(c, f))
		if d == "" && p.err == nil {
			p.fail(c, f, "an empty domain: give an email domain (rival.com)")
		} else if fix, ok := domainFix(d); !ok && fix != "" {
			p.fail(c, f, "%q is no email domain: write %q (its subdomains are included)", d, fix)
		} else if !ok {
			p.fail(c, f, "%q is no email domain: write the domain of their email addresses, such as rival.com", d)
		}
		out = append(out, d)
	}
	return out
}

// domainFix says whether d is written as an email domain, and if not, the
// domain a value written as an address, a URL or a host with a path most
// likely means ("@rival.com", "taro@rival.com", "https://www.rival.com/"
// and "rival.com/jp" are rival.com; "" when it names none).
func domainFix(d string) (string, bool) {
	if !strings.ContainsAny(d, "@/: \t\u3000") {
		return d, true
	}
	host := d
	if i := strings.LastIndexByte(host, '@'); i >= 0 {
		host = host[i+1:]
	} else if _, rest, ok := strings.Cut(host, "://"); ok {
		host = strings.TrimPrefix(rest, "www.")
	}
	host, _, _ = strings.Cut(host, "/")
	host, _, _ = strings.Cut(host, ":")
	if host == "" || strings.ContainsAny(host, " \t\u3000") || !strings.Contains(host, ".") {
		return "", false
	}
	return host, false
}

// grades reads a list of grades (mql[].grades, a matrix cell's): A to D,
// as the grades' thresholds and the people's grades write them; anything
// else ("a", "Z") would never match, so the condition would never fire.
func (p *parser) grades(n *yaml.Node, field string) map[string]bool {
	out := map[string]bool{}
	for _, g := range p.strs(n, field) {
		if !strings.Contains("ABCD", g) || len(g) != 1 {
			p.fail(n, field, "unknown grade %q (A-D)", g)
		}
		out[g] = true
	}
	return out
}

// unreachable lists the grades of want that no threshold under grades
// gives ("" when one of them is reachable, or want has none): without a
// grades section everyone is D (BelowGrades, always reachable), so a
// condition asking for grades: [A, B] never qualified anyone, silently.
func unreachable(want map[string]bool, given []GradeThreshold) string {
	var out []string
	for _, g := range []string{"A", "B", "C", BelowGrades} {
		if !want[g] {
			continue
		}
		if g == BelowGrades || slices.ContainsFunc(given, func(t GradeThreshold) bool { return t.Grade == g }) {
			return ""
		}
		out = append(out, g)
	}
	return strings.Join(out, ", ")
}

// pattern compiles "re:<regexp>" or a glob (* and ?), case-insensitively.
func (p *parser) pattern(n *yaml.Node, field string) *regexp.Regexp {
	return p.patternFolded(n, field, func(s string) string { return s })
}

// patternFolded is pattern of the text fold makes of the rule's (an
// event's name: FoldWaveDash).
func (p *parser) patternFolded(n *yaml.Node, field string, fold func(string) string) *regexp.Regexp {
	s := fold(p.str(n, field))
	if n == nil || p.err != nil {
		return nil
	}
	src := ""
	if re, ok := strings.CutPrefix(s, "re:"); ok {
		src = re
	} else {
		src = "^" + globQuote(s, ".") + "$"
	}
	re, err := compileFolded(src)
	if err != nil {
		p.fail(n, field, "bad pattern: %v", err)
		return nil
	}
	return re
}

// compileFolded compiles src case-insensitively. Its error quotes the
// expression as the file wrote it: regexp's quoted the "(?i)" put before
// it, which the reader never wrote and could not find.
func compileFolded(src string) (*regexp.Regexp, error) {
	re, err := regexp.Compile("(?i)" + src)
	if se := (*syntax.Error)(nil); errors.As(err, &se) {
		se.Expr = strings.TrimPrefix(se.Expr, "(?i)")
	}
	return re, err
}

// globQuote is a glob as a regexp: * any run of the characters class
// matches, ? any one of them ("." for any, "[^#]" for a path's).
func globQuote(s, class string) string {
	return strings.NewReplacer(`\*`, class+"*", `\?`, class).Replace(regexp.QuoteMeta(s))
}

// pageIndex is what a glob naming a page also matches after it: the page
// served at /pricing is /pricing/ and /pricing/index.html too.
const pageIndex = `(?:/(?:index\.html?|index\.php)?)?$`

// urlPattern compiles a behaviour rule's url: a glob that names a page
// (it does not end in *) matches it with or without a trailing slash and
// its directory index file (index.html, index.htm, index.php), and a hash
// route it names ("/app#/features") with or without a trailing slash;
// "re:" and other globs as pattern does. A glob is matched against the
// path, the path with its hash route, and the whole URL (the engine's
// anyMatch): one starting with anything but "/", "*", "?" or a scheme can
// match none of them, and is refused.
func (p *parser) urlPattern(n *yaml.Node, field string) *regexp.Regexp {
	re := p.pattern(n, field)
	s := p.str(n, field)
	if re == nil || strings.HasPrefix(s, "re:") {
		return re
	}
	if !globCanMatch(s) {
		p.fail(n, field, "%q can never match: a URL glob is matched against the path, which starts with \"/\", or the whole URL, which starts with http:// or https://; write %q", s, globFix(s))
		return nil
	}
	if !strings.HasPrefix(s, "/") {
		return re
	}
	class := "."
	if !strings.Contains(s, "#") {
		// A path's glob names paths: its wildcards stop at a "#", so that
		// "/*/pricing" names no hash route ("/app#/pricing") now that
		// routes are matched, as it named none before.
		class = "[^#]"
	}
	quote := func(s string) string { return globQuote(s, class) }
	var src string
	page, route, routed := strings.Cut(s, "#")
	switch {
	case strings.HasSuffix(s, "*"):
		src = "^" + quote(s) + "$"
	default:
		src = "^" + quote(strings.TrimSuffix(page, "/")) + pageIndex
	}
	if routed && !strings.HasSuffix(s, "*") {
		src = strings.TrimSuffix(src, "$") + "#" + globQuote(strings.TrimSuffix(route, "/"), ".") + "/?$"
	}
	re, err := compileFolded(src)
	if err != nil {
		p.fail(n, field, "bad pattern: %v", err)
		return nil
	}
	return re
}

// globCanMatch reports whether a URL glob starts as something it is
// matched against can: a path ("/"), anything ("*"), or a URL (a scheme).
func globCanMatch(s string) bool {
	l := strings.ToLower(s)
	// "?" is a wildcard too: "?pricing*" matched /pricing before routes were.
	return strings.HasPrefix(s, "/") || strings.HasPrefix(s, "*") || strings.HasPrefix(s, "?") || strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://")
}

// globFix is what a glob that can never match was likely meant to be: a
// hash route or query on any page ("#/features" is "*#/features"), a host
// and path ("www.example.com/pricing" is "https://www.example.com/pricing"),
// else the path with its leading "/" ("app/pricing*" is "/app/pricing*").
func globFix(s string) string {
	// As typed with an IME left on or a stray space: "／pricing" (a
	// full-width slash) and " /pricing" are "/pricing", "ｐｒｉｃｉｎｇ"
	// "/pricing"; the same glob again was no help.
	if f := strings.TrimSpace(FoldValue(s)); f != s {
		if s = f; f != "" && globCanMatch(f) {
			return f
		}
	}
	host, _, _ := strings.Cut(s, "/")
	switch {
	case s == "":
		return "/"
	case strings.HasPrefix(s, "#"):
		return "*" + s
	case strings.Contains(host, ".") && strings.Contains(s, "/") && !strings.ContainsAny(host, "*?#"):
		return "https://" + s
	}
	return "/" + s
}

// maxMinutes bounds min_minutes: a week, past any webinar's length; more
// is a typo that would never match.
const maxMinutes = 7 * 24 * 60

// otherTypes lists a rule's types other than offline when it has offline
// too ("" otherwise): a channel or minutes asked of them never match.
func otherTypes(types map[string]bool) string {
	if !types[event.Offline] {
		return ""
	}
	var others []string
	for t := range types {
		if t != event.Offline {
			others = append(others, t)
		}
	}
	slices.Sort(others)
	return strings.Join(others, ", ")
}

var eventTypes = map[string]bool{"page_view": true, "download": true, "outbound": true, "form_submit": true, "email_click": true, "email_open": true, "custom": true, "identify": true, "offline": true}

// Parse parses and validates a rules file.
func Parse(name string, data []byte) (*Rules, error) {
	if line := notUTF8(data); line > 0 {
		return nil, &ParseError{File: name, Line: line, Field: "(file)", Msg: "not UTF-8 text (saved as Shift_JIS?): save the file as UTF-8"}
	}
	var root yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&root); err != nil && err != io.EOF {
		line := yamlLine(err, data)
		if l := ideographicSpace(data, line); l > 0 {
			return nil, &ParseError{File: name, Line: l, Field: "(file)", Msg: fmt.Sprintf("full-width space (U+3000, as an IME types it) in this line: write a half-width space; %v", err)}
		}
		if l, fix := fullWidthColonLine(data, line); l > 0 {
			return nil, &ParseError{File: name, Line: l, Field: "(file)", Msg: fmt.Sprintf("full-width colon (：, as an IME types it) after the key in this line: write %q", fix)}
		}
		if l := tabIndent(data, line, err); l > 0 {
			return nil, &ParseError{File: name, Line: l, Field: "(file)", Msg: "a tab in this line's indentation: YAML indents with spaces alone; " + strings.TrimPrefix(yamlLinePrefix.ReplaceAllString(err.Error(), "yaml: "), "yaml: ")}
		}
		return nil, &ParseError{File: name, Line: line, Field: "(file)", Msg: err.Error()}
	}
	if len(root.Content) == 0 {
		return nil, &ParseError{File: name, Line: 1, Field: "(file)", Msg: "empty rules file"}
	}
	// One document: a second after --- would be silently ignored (an
	// empty one, a stray --- at the end, is nothing to ignore).
	for {
		var next yaml.Node
		err := dec.Decode(&next)
		if err == io.EOF {
			break
		}
		if err == nil && emptyDocument(&next) {
			continue
		}
		line := next.Line
		if err != nil {
			line = yamlLine(err, data)
		}
		return nil, &ParseError{File: name, Line: line, Field: "(file)", Msg: "a second document (after ---): the rules are one document"}
	}
	p := &parser{file: name}
	root.Content[0] = p.resolve(root.Content[0], map[*yaml.Node]bool{}, map[*yaml.Node]bool{})
	if root.Content[0].Kind != yaml.MappingNode {
		p.fail(root.Content[0], "(file)", "must be a mapping of keys such as name, behaviour and mql")
	}
	r := &Rules{FreeMail: map[string]bool{}, Competitors: map[string]bool{}, BANT: BANT{Fields: map[string]BANTField{}}, Recycle: Recycle{Multiply: 0, MinNewBehaviour: DefaultMinNewBehaviour}}
	top := p.fields(root.Content[0], "", "name", "decay", "behaviour", "fit", "grades", "bant", "bands", "mql", "recycle", "mqa")
	label := p.str(top["name"], "name")
	if d := p.fields(top["decay"], "decay", "half_life"); d["half_life"] != nil {
		hl, err := parseDuration(p.str(d["half_life"], "decay.half_life"))
		switch {
		case err != nil:
			p.fail(d["half_life"], "decay.half_life", "%v", err)
		case hl < time.Hour:
			// 1ns or 1s parses, and every point then decays to nothing
			// before the next event: no one ever qualifies, silently.
			p.fail(d["half_life"], "decay.half_life", "%q is too short: points would be gone before the next event; write at least 1h (e.g. 30d)", p.str(d["half_life"], "decay.half_life"))
		}
		r.HalfLife = hl
	}
	names := map[string]bool{}
	for i, n := range p.list(top["behaviour"], "behaviour") {
		f := fmt.Sprintf("behaviour[%d]", i)
		m := p.fields(n, f, "name", "type", "url", "form", "file", "campaign", "event", "channel", "min_minutes", "points", "once", "cap_per_day", "cap_per_person")
		br := &BehaviourRule{Name: p.str(m["name"], f+".name"), Types: map[string]bool{}, index: i}
		if br.Name == "" {
			p.fail(n, f+".name", "required")
		} else if names[br.Name] {
			p.fail(m["name"], f+".name", "%q used twice", br.Name)
		}
		names[br.Name] = true
		for _, t := range p.strs(m["type"], f+".type") {
			if !eventTypes[t] {
				p.fail(m["type"], f+".type", "unknown event type %q", t)
			}
			br.Types[t] = true
		}
		for j, u := range p.list(m["url"], f+".url") {
			br.URL = append(br.URL, p.urlPattern(u, fmt.Sprintf("%s.url[%d]", f, j)))
		}
		// An empty list, as a rule without the key, takes any: the rule
		// meant to name some, and scored every event of its types instead.
		if n := m["type"]; n != nil && n.Kind == yaml.SequenceNode && len(n.Content) == 0 {
			p.fail(n, f+".type", "an empty list takes events of every type: list types, or remove type to take any")
		}
		if n := m["url"]; n != nil && n.Kind == yaml.SequenceNode && len(n.Content) == 0 {
			p.fail(n, f+".url", "an empty list takes every page: list URL globs, or remove url to take any")
		}
		br.Form = p.pattern(m["form"], f+".form")
		br.File = p.pattern(m["file"], f+".file")
		br.Campaign = p.pattern(m["campaign"], f+".campaign")
		br.Event = p.patternFolded(m["event"], f+".event", textcut.FoldWaveDash) // 〜, ～ and ~ alike, as the name matched
		br.Channel = p.pattern(m["channel"], f+".channel")
		if c := m["channel"]; c != nil && c.Kind == yaml.ScalarNode && !strings.HasPrefix(c.Value, "re:") && !strings.ContainsAny(c.Value, "*?") && !slices.Contains(event.OfflineChannels, c.Value) {
			p.fail(c, f+".channel", "unknown channel %q: one of %s (or a pattern)", c.Value, strings.Join(event.OfflineChannels, ", "))
		}
		// A channel narrows a rule to offline touches (the engine matches
		// it on them alone), so [offline, page_view] with a channel scores
		// what [offline] would: taken, as it always was, since refusing
		// it would stop a server whose reviewed rules loaded before. A
		// rule that names no offline type at all can never match: refused.
		// min_minutes is new, so its rule must say offline alone.
		others := otherTypes(br.Types)
		if br.Channel != nil && len(br.Types) > 0 && !br.Types[event.Offline] {
			p.fail(m["channel"], f+".channel", "only offline touches have a channel: add type offline")
		}
		// The engine tries a form on form submissions alone, a file on
		// downloads, an event name on custom events and offline touches:
		// with types that have none of them the rule never matches.
		if br.Form != nil && len(br.Types) > 0 && !br.Types[event.FormSubmit] {
			p.fail(m["form"], f+".form", "only form submissions have a form: add type form_submit")
		}
		if br.File != nil && len(br.Types) > 0 && !br.Types[event.Download] {
			p.fail(m["file"], f+".file", "only downloads have a file: add type download")
		}
		if br.Event != nil && len(br.Types) > 0 && !br.Types[event.Custom] && !br.Types[event.Offline] {
			p.fail(m["event"], f+".event", "only custom events and offline touches have an event name: add type custom (or offline)")
		}
		if mm := m["min_minutes"]; mm != nil {
			// Only offline touches have minutes, and they score only
			// where a rule names offline: any other rule would never match.
			v := p.num(mm, f+".min_minutes")
			switch {
			case v < 0 || v > maxMinutes:
				p.fail(mm, f+".min_minutes", "must be a number of minutes from 0 to %d", maxMinutes)
			case !br.Types[event.Offline]:
				p.fail(mm, f+".min_minutes", "only offline touches have minutes (a webinar report's time in session): add type offline")
			case others != "":
				p.fail(mm, f+".min_minutes", "only offline touches have minutes (a webinar report's time in session), not %s: give type offline alone", others)
			}
			br.MinMinutes = &v
		}
		if m["points"] == nil {
			p.fail(n, f+".points", "required")
		}
		br.Points = p.points(m["points"], f+".points")
		br.Once = p.boolean(m["once"], f+".once")
		br.CapPerDay = p.num(m["cap_per_day"], f+".cap_per_day")
		br.CapPerPerson = p.num(m["cap_per_person"], f+".cap_per_person")
		if br.CapPerDay < 0 || br.CapPerPerson < 0 {
			p.fail(n, f+".cap_per_day", "caps must not be negative")
		}
		if len(br.Types) == 0 && br.URL == nil && br.Form == nil && br.File == nil && br.Campaign == nil && br.Event == nil && br.Channel == nil {
			p.fail(n, f, "matches every event: give a type, url, form, file, campaign, event or channel")
		}
		r.Behaviour = append(r.Behaviour, br)
	}
	fit := p.fields(top["fit"], "fit", "rules", "free_mail", "competitors")
	// A person's verdict, the rules page and the lab know a fit rule by its
	// name: two of one name are one rule to a reader.
	type named struct {
		node  *yaml.Node
		field string
	}
	fitNames := map[string]named{}
	for i, n := range p.list(fit["rules"], "fit.rules") {
		f := fmt.Sprintf("fit.rules[%d]", i)
		m := p.fields(n, f, "name", "attribute", "match", "in", "min", "max", "points")
		fr := &FitRule{Name: p.str(m["name"], f+".name"), Attribute: p.str(m["attribute"], f+".attribute")}
		if fr.Name == "" {
			p.fail(n, f+".name", "required")
		} else if _, dup := fitNames[fr.Name]; dup {
			p.fail(m["name"], f+".name", "%q used twice", fr.Name)
		} else {
			fitNames[fr.Name] = named{m["name"], f + ".name"}
		}
		if fr.Attribute == "" {
			p.fail(n, f+".attribute", "required")
		} else if to, ok := identity.FieldAttribute(fr.Attribute); ok && to != fr.Attribute && !identity.KnownAttribute(fr.Attribute) {
			// A form's field or column so named is stored as another
			// attribute (従業員数 is employees): none is ever stored
			// under this name. A name Baton does not know otherwise
			// may be a custom field's: the lab warns of it (Unstored).
			p.fail(m["attribute"], f+".attribute", "no value is stored as %q: a form field so named is stored as %q; write attribute: %s", fr.Attribute, to, to)
		} else {
			p.warnAttribute(m["attribute"], f+".attribute", fr.Attribute)
		}
		// Rule values as the values they are matched with (FoldValue):
		// ＪＰ or ﾏﾈｰｼﾞｬｰ in a rule never met a stored JP or マネージャー.
		if mt := m["match"]; mt != nil && mt.Kind == yaml.ScalarNode && fr.Attribute == "email_domain" && !strings.HasPrefix(mt.Value, "re:") {
			// A glob on an address or a URL (*@acme.co.jp) never meets
			// an email's domain, as an in: value so written does not.
			if fix, ok := domainFix(strings.TrimSpace(mt.Value)); !ok && fix != "" {
				p.fail(mt, f+".match", "%q can never match an email's domain: write %q", mt.Value, fix)
			} else if !ok {
				p.fail(mt, f+".match", "%q can never match an email's domain: write the domain of their email addresses, such as rival.com", mt.Value)
			}
		}
		if mt := m["match"]; mt != nil && mt.Kind == yaml.ScalarNode {
			folded := *mt
			folded.Value = FoldValue(mt.Value)
			fr.Pattern = p.pattern(&folded, f+".match")
		} else {
			fr.Pattern = p.pattern(mt, f+".match")
		}
		if m["in"] != nil {
			fr.In = map[string]bool{}
			for j, v := range p.strs(m["in"], f+".in") {
				fr.In[inKey(v)] = true
				// An email's domain is never written as an address or a
				// URL: such a value matched no one, silently.
				if fix, ok := domainFix(strings.TrimSpace(v)); fr.Attribute == "email_domain" && !ok {
					vf, vn := fmt.Sprintf("%s.in[%d]", f, j), p.list(m["in"], f+".in")[j]
					if fix != "" {
						p.fail(vn, vf, "%q is no email domain: write %q", v, fix)
					} else {
						p.fail(vn, vf, "%q is no email domain: write the domain of their email addresses, such as rival.com", v)
					}
				}
			}
			if len(fr.In) == 0 {
				p.fail(m["in"], f+".in", "an empty list matches no one")
			}
		}
		if m["min"] != nil {
			v := p.num(m["min"], f+".min")
			fr.Min = &v
		}
		if m["max"] != nil {
			v := p.num(m["max"], f+".max")
			fr.Max = &v
		}
		if fr.Min != nil && fr.Max != nil && *fr.Min > *fr.Max {
			p.fail(m["max"], f+".max", "min %g is more than max %g: no value lies within both", *fr.Min, *fr.Max)
		}
		if fr.Pattern == nil && fr.In == nil && fr.Min == nil && fr.Max == nil {
			p.fail(n, f, "give match, in, min or max")
		}
		if m["points"] == nil {
			p.fail(n, f+".points", "required")
		}
		fr.Points = p.points(m["points"], f+".points")
		r.Fit = append(r.Fit, fr)
	}
	if fm := fit["free_mail"]; fm != nil {
		if n, clash := fitNames[FreeMailRule]; clash {
			p.fail(n.node, n.field, "%q is the name of the rule fit.free_mail adds: give this rule another name", FreeMailRule)
		}
		m := p.fields(fm, "fit.free_mail", "points", "domains")
		pts := p.points(m["points"], "fit.free_mail.points")
		domains := p.domains(m["domains"], "fit.free_mail.domains")
		// Without points free mail scores 0: the section changed no fit
		// score (its domains, if any, only account grouping).
		switch {
		case m["points"] == nil && len(domains) > 0:
			p.fail(keyOf(top["fit"], "free_mail"), "fit.free_mail.points", "required: without it free mail changes no fit score; write the points for a free-mail address (points: -20), or points: 0 to give the domains to account grouping alone")
		case m["points"] == nil:
			p.fail(keyOf(top["fit"], "free_mail"), "fit.free_mail.points", "required: without it free_mail does nothing; write the points for a free-mail address (points: -20), or remove free_mail")
		}
		if len(domains) == 0 {
			domains = DefaultFreeMail
		}
		for _, d := range domains {
			r.FreeMail[event.ASCIIDomain(strings.ToLower(d))] = true // an IDN as emails have it
		}
		r.Fit = append(r.Fit, &FitRule{Name: FreeMailRule, Attribute: "email_domain", In: r.FreeMail, Subdomains: true, Points: pts})
	}
	for _, d := range p.domains(fit["competitors"], "fit.competitors") {
		r.Competitors[event.ASCIIDomain(strings.ToLower(d))] = true // an IDN as emails have it
	}
	gm := p.fields(top["grades"], "grades", "A", "B", "C")
	for _, g := range []string{"A", "B", "C"} {
		if gm[g] != nil {
			r.Grades = append(r.Grades, GradeThreshold{Grade: g, Min: p.num(gm[g], "grades."+g)})
		}
	}
	for i := 1; i < len(r.Grades); i++ {
		// Grades are tried best first: an equal threshold below grades
		// no one.
		if g, up := r.Grades[i], r.Grades[i-1]; g.Min == up.Min {
			p.fail(gm[g.Grade], "grades."+g.Grade, "same threshold as %s (%g): no one is ever graded %s; give it a lower one", up.Grade, g.Min, g.Grade)
		} else if g.Min > up.Min {
			p.fail(top["grades"], "grades", "thresholds must fall from A to C")
		}
	}
	// A threshold above every fit rule's positive points together is met
	// by no one. Without fit rules every fit score is 0: a condition on
	// grades says so below (grades alone, everyone D, do no harm).
	if _, most := fitRange(r.Fit); len(r.Fit) > 0 {
		for _, g := range r.Grades {
			if g.Min > most {
				p.fail(gm[g.Grade], "grades."+g.Grade, "%g, but the fit rules give at most %g (their positive points together): no one is ever graded %s; lower it to %g or less, or give fit rules more points", g.Min, most, g.Grade, most)
				break
			}
		}
	}
	// A threshold at or below the least fit score the fit rules give (their
	// negative points together, 0 without) is met by everyone: the grades
	// below it are no one's. A condition or a matrix row naming only those
	// is refused below; else a warning says it.
	fitLo, fitHi := fitRange(r.Fit)
	floor := gradeOf(fitLo, r.Grades)
	reached := reachedGrades(fitLo, fitHi, r.Grades)
	floorRefused := false
	// floorFail refuses a condition's grades or a matrix row naming no
	// grade anyone has, everyone being graded floor or better.
	floorFail := func(n *yaml.Node, field string, want map[string]bool) {
		if len(r.Fit) == 0 || floor == BelowGrades || len(want) == 0 || namesReached(want, reached) || p.err != nil {
			return
		}
		floorRefused = true
		p.fail(n, field, "no one is ever graded %s: grades.%s is %g and the fit rules give at least %g (their negative points together), so everyone is graded %s or better and this never holds; raise grades.%s above %g, or give fit rules negative points", gradeList(want), floor, r.threshold(floor), fitLo, floor, floor, fitLo)
	}
	bm := p.fields(top["bant"], "bant", "budget", "authority", "need", "timeframe")
	for _, k := range []string{"budget", "authority", "need", "timeframe"} {
		if bm[k] == nil {
			continue
		}
		m := p.fields(bm[k], "bant."+k, "field", "confirmed")
		bf := BANTField{Attribute: p.str(m["field"], "bant."+k+".field"), Confirmed: p.pattern(m["confirmed"], "bant."+k+".confirmed")}
		if bf.Attribute == "" {
			p.fail(bm[k], "bant."+k+".field", "required")
		} else if to, ok := identity.FieldAttribute(bf.Attribute); ok && to != bf.Attribute && !identity.KnownAttribute(bf.Attribute) {
			// As a fit rule's attribute: a form's 予算 is stored as
			// budget, so no value is ever found under 予算.
			p.fail(m["field"], "bant."+k+".field", "no value is stored as %q: a form field so named is stored as %q; write field: %s", bf.Attribute, to, to)
		} else {
			p.warnAttribute(m["field"], "bant."+k+".field", bf.Attribute)
		}
		r.BANT.Fields[k] = bf
	}
	bandNames := map[string]bool{}
	for i, n := range p.list(top["bands"], "bands") {
		f := fmt.Sprintf("bands[%d]", i)
		m := p.fields(n, f, "name", "label", "min")
		b := Band{Name: p.str(m["name"], f+".name"), Label: p.label(m["label"], f+".label"), Min: p.num(m["min"], f+".min")}
		if b.Name == "" {
			p.fail(n, f+".name", "required")
		} else if bandNames[b.Name] {
			p.fail(m["name"], f+".name", "%q used twice", b.Name)
		}
		bandNames[b.Name] = true
		// The highest band a score reaches is its band: of two at one
		// min, one is never anyone's.
		for j, o := range r.Bands {
			if o.Min == b.Min && p.err == nil {
				p.fail(m["min"], f+".min", "same min as bands[%d] (%q): %g; no score is ever in band %q", j, o.Name, b.Min, b.Name)
			}
		}
		r.Bands = append(r.Bands, b)
	}
	sort.SliceStable(r.Bands, func(i, j int) bool { return r.Bands[i].Min > r.Bands[j].Min })
	if len(p.list(top["mql"], "mql")) == 0 && p.err == nil {
		p.fail(&root, "mql", "required: at least one condition")
	}
	condNames := map[string]bool{}
	// A condition's min_behaviour, judged once recycle is read.
	type atLeast struct {
		node  *yaml.Node
		field string
		v     float64
	}
	var minBehaviours []atLeast
	// A condition's matrix, its bands judged once recycle is read.
	type cells struct {
		node  *yaml.Node
		field string
		c     *Condition
	}
	var matrices []cells
	// Each condition, judged once bands and behaviour are read: does it
	// hold for everyone on identification?
	type said struct {
		node, on *yaml.Node // the condition; on_identification when true
		field    string
		c        *Condition
	}
	var conds []said
	for i, n := range p.list(top["mql"], "mql") {
		f := fmt.Sprintf("mql[%d]", i)
		m := p.fields(n, f, "name", "label", "min_behaviour", "grades", "min_bant", "matrix", "on_identification")
		c := &Condition{Name: p.str(m["name"], f+".name"), Label: p.label(m["label"], f+".label")}
		if c.Name == "" {
			p.fail(n, f+".name", "required")
		} else if condNames[c.Name] {
			// The MQL-quality report, the rules page and condition=
			// filters know a condition by its name.
			p.fail(m["name"], f+".name", "%q used twice", c.Name)
		}
		condNames[c.Name] = true
		if m["min_behaviour"] != nil {
			v := p.num(m["min_behaviour"], f+".min_behaviour")
			c.MinBehaviour = &v
			minBehaviours = append(minBehaviours, atLeast{m["min_behaviour"], f + ".min_behaviour", v})
		}
		if m["grades"] != nil {
			c.Grades = p.grades(m["grades"], f+".grades")
			if len(c.Grades) == 0 {
				p.fail(m["grades"], f+".grades", "an empty list qualifies no one: list grades, or remove grades to take any")
			}
			if g := unreachable(c.Grades, r.Grades); g != "" {
				p.fail(m["grades"], f+".grades", "no one is ever graded %s: grades gives no threshold for it, so the condition qualifies no one; add a minimum fit score under grades (grades: {A: 50, B: 30, C: 10})", g)
			} else if g := unearned(c.Grades, r.Grades); len(r.Fit) == 0 && g != "" {
				p.fail(m["grades"], f+".grades", "no one is ever graded %s: there are no fit rules, so every fit score is 0 (grade %s) and the condition qualifies no one; add fit rules under fit.rules", g, gradeOfZero(r.Grades))
			} else {
				floorFail(m["grades"], f+".grades", c.Grades)
			}
		}
		if v := p.num(m["min_bant"], f+".min_bant"); v < 0 || v > 4 || v != math.Trunc(v) {
			p.fail(m["min_bant"], f+".min_bant", "must be a whole number from 0 to 4")
		} else {
			c.MinBANT = int(v)
			if c.MinBANT > len(r.BANT.Fields) {
				// BANT counts the facts bant: defines; more are never confirmed.
				var facts []string
				for _, k := range []string{"budget", "authority", "need", "timeframe"} {
					if _, ok := r.BANT.Fields[k]; ok {
						facts = append(facts, k)
					}
				}
				if len(facts) == 0 {
					p.fail(m["min_bant"], f+".min_bant", "%d, but bant defines none of the 4 facts: no one ever has %d confirmed; define them under bant, or remove min_bant", c.MinBANT, c.MinBANT)
				} else {
					p.fail(m["min_bant"], f+".min_bant", "%d, but bant defines %d of the 4 facts (%s): no one ever has %d confirmed; define the others under bant, or lower min_bant", c.MinBANT, len(facts), strings.Join(facts, ", "), c.MinBANT)
				}
			}
		}
		if mx := m["matrix"]; mx != nil {
			c.Matrix = map[string]map[string]bool{}
			matrices = append(matrices, cells{mx, f + ".matrix", c})
			if mx.Kind != yaml.MappingNode {
				p.fail(mx, f+".matrix", "must map band names to grade lists")
			} else {
				for j := 0; j+1 < len(mx.Content); j += 2 {
					band := mx.Content[j].Value
					if !bandNames[band] {
						p.fail(mx.Content[j], f+".matrix."+band, "unknown band (define it under bands)")
					} else if c.Matrix[band] != nil {
						p.fail(mx.Content[j], f+".matrix."+band, "given twice")
					}
					c.Matrix[band] = p.grades(mx.Content[j+1], f+".matrix."+band)
				}
				cells := 0
				for _, g := range c.Matrix {
					cells += len(g)
				}
				if cells == 0 {
					p.fail(mx, f+".matrix", "no band has a grade: the condition qualifies no one")
				}
				all := map[string]bool{}
				for _, gs := range c.Matrix {
					maps.Copy(all, gs)
				}
				if g := unreachable(all, r.Grades); g != "" {
					p.fail(mx, f+".matrix", "no one is ever graded %s: grades gives no threshold for it, so the condition qualifies no one; add a minimum fit score under grades (grades: {A: 50, B: 30, C: 10})", g)
				} else if g := unearned(all, r.Grades); len(r.Fit) == 0 && g != "" && cells > 0 {
					p.fail(mx, f+".matrix", "no one is ever graded %s: there are no fit rules, so every fit score is 0 (grade %s) and the condition qualifies no one; add fit rules under fit.rules", g, gradeOfZero(r.Grades))
				}
				for j := 0; j+1 < len(mx.Content); j += 2 {
					band := mx.Content[j].Value
					floorFail(mx.Content[j], f+".matrix."+band, c.Matrix[band])
				}
			}
		}
		if c.MinBehaviour == nil && c.Grades == nil && c.MinBANT == 0 && c.Matrix == nil {
			p.fail(n, f, "a condition needs min_behaviour, grades, min_bant or matrix")
		}
		sd := said{node: n, field: f, c: c}
		if p.boolean(m["on_identification"], f+".on_identification") {
			sd.on = m["on_identification"]
		}
		conds = append(conds, sd)
		r.MQL = append(r.MQL, c)
	}
	var newBehaviour *yaml.Node // recycle.min_new_behaviour, when given
	if rc := top["recycle"]; rc != nil {
		m := p.fields(rc, "recycle", "multiply", "min_new_behaviour", "cooldown")
		newBehaviour = m["min_new_behaviour"]
		r.Recycle.Multiply = p.num(m["multiply"], "recycle.multiply")
		if n := m["min_new_behaviour"]; n != nil {
			r.Recycle.MinNewBehaviour = p.num(n, "recycle.min_new_behaviour")
			if r.Recycle.MinNewBehaviour <= 0 {
				p.fail(n, "recycle.min_new_behaviour", "must be more than 0: a recycled lead qualifies again only on new behaviour")
			}
		}
		if c := m["cooldown"]; c != nil {
			d, err := parseDuration(p.str(c, "recycle.cooldown"))
			if err != nil && strings.ContainsFunc(c.Value, wide) {
				p.fail(c, "recycle.cooldown", "%v", err) // the half-width hint
			} else if err != nil || d < 0 {
				p.fail(c, "recycle.cooldown", "want a duration such as 7d or 36h")
			}
			if err == nil {
				r.Recycle.Cooldown, _ = duration.ParseSpan(c.Value) // parsed above
			}
		}
		if r.Recycle.Multiply < 0 || r.Recycle.Multiply > 1 {
			p.fail(m["multiply"], "recycle.multiply", "must be between 0 and 1")
		}
	}
	r.MQA = p.mqa(top["mqa"])
	// A min_behaviour above the most behaviour score the rules give is
	// met by no one: no rule with positive points (the score is never
	// above 0), or each bounded (once: true, cap_per_person) below it. A
	// recycled lead keeps a share of its score (recycle.multiply) and
	// earns again: then only the first bound holds.
	most := behaviourMost(r.Behaviour)
	bound := most // over cycles
	if most > 0 && r.Recycle.Multiply > 0 {
		bound = math.Inf(1)
	}
	for _, mb := range minBehaviours {
		switch {
		case mb.v <= bound:
		case most == 0:
			p.fail(mb.node, mb.field, "%g, but no behaviour rule gives points: every behaviour score is 0 or less, so the condition qualifies no one; add behaviour rules with positive points, or remove min_behaviour", mb.v)
		default:
			p.fail(mb.node, mb.field, "%g, but the behaviour rules give a person at most %g (each with points is once: true or has a cap_per_person): the condition qualifies no one; lower it to %g or less, or raise those rules' points or caps", mb.v, most, most)
		}
	}
	// Likewise a matrix whose every band with grades starts above it: no
	// score is ever in those bands.
	for _, mx := range matrices {
		var above []string
		reached := false
		for _, b := range r.Bands {
			if len(mx.c.Matrix[b.Name]) == 0 {
				continue
			}
			if b.Min <= bound {
				reached = true
				break
			}
			above = append(above, b.Name)
		}
		switch {
		case reached || len(above) == 0:
		case most == 0:
			p.fail(mx.node, mx.field, "no score is ever in band %s: no behaviour rule gives points, so every behaviour score is 0 or less and the condition qualifies no one; add behaviour rules with positive points", strings.Join(above, ", "))
		default:
			p.fail(mx.node, mx.field, "no score is ever in band %s: the behaviour rules give a person at most %g (each with points is once: true or has a cap_per_person), so the condition qualifies no one; give a band with grades a min of %g or less, or raise those rules' points or caps", strings.Join(above, ", "), most, most)
		}
	}
	// A condition every part of which holds for anyone whose behaviour
	// score is not below 0 (min_behaviour: 0, every grade anyone has)
	// makes every identified person an MQL the moment they are
	// identified: likely a slip, so said unless the condition says it
	// means it (on_identification: true), which is refused on a condition
	// that does not.
	for _, sd := range conds {
		narrow := trivialParts(sd.c, r.Bands, most, reached)
		switch {
		case p.err != nil:
		case sd.on != nil && narrow != "":
			p.fail(sd.on, sd.field+".on_identification", "true, but %s holds only for some people, so not every identified person becomes an MQL on identification: remove on_identification, or that part", narrow)
		case sd.on == nil && narrow == "":
			p.warn(sd.node, sd.field, "every part holds for anyone whose behaviour score is not below 0 (%s): every identified person becomes an MQL on identification, whatever they did; raise min_behaviour or narrow the condition, or add on_identification: true to it if that is meant", describeParts(sd.c))
		}
	}
	if newBehaviour != nil && r.Recycle.MinNewBehaviour > most && most > 0 {
		p.fail(newBehaviour, "recycle.min_new_behaviour", "%g, but the behaviour rules give a person at most %g in a cycle (each with points is once: true or has a cap_per_person): a recycled lead never qualifies again; lower it to %g or less", r.Recycle.MinNewBehaviour, most, most)
	}
	if len(r.Fit) > 0 && floor != BelowGrades && !floorRefused {
		p.warn(gm[floor], "grades."+floor, "%g, but the fit rules give at least %g (their negative points together): everyone is graded %s or better, no one %s; raise it above %g, or give fit rules negative points", r.threshold(floor), fitLo, floor, belowFloor(floor, r.Grades), fitLo)
	}
	if p.err != nil {
		return nil, p.err
	}
	sum := sha256.Sum256(data)
	if label == "" {
		label = "rules"
	}
	r.Version = label + "@" + hex.EncodeToString(sum[:6])
	r.Warnings = p.warnings
	return r, nil
}

func parseDuration(s string) (time.Duration, error) {
	d, err := duration.Parse(s)
	if err != nil && strings.ContainsFunc(s, wide) {
		return 0, fmt.Errorf("bad duration %q: write it in half-width characters (30d, not ３０d)", s)
	}
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("bad duration %q (e.g. 30d, 72h)", s)
	}
	return d, nil
}

// wide: a full-width character or half-width katakana (the Halfwidth and
// Fullwidth Forms block) or an ideographic space, as an IME left on types
// them (identity.WidthFold's).
func wide(r rune) bool { return r == '\u3000' || r >= 0xFF00 && r <= 0xFFEF }

// ideographicSpace is the line a YAML error names, or the one before it
// (yaml.v3 names the line it gave up on), when it holds a full-width space
// (U+3000): "points:　15" is one key to YAML; 0 when neither does.
func ideographicSpace(data []byte, line int) int {
	lines := strings.Split(string(data), "\n")
	for _, l := range []int{line, line - 1} {
		if l >= 1 && l <= len(lines) && strings.ContainsRune(lines[l-1], '\u3000') {
			return l
		}
	}
	return 0
}

// fullWidthColonRE is a key typed with a full-width colon (an IME left
// on): "points：10" is one string to YAML, not the key points.
var fullWidthColonRE = regexp.MustCompile(`^(\s*(?:-\s+)?)([A-Za-z_][A-Za-z0-9_]*)[ \t\x{3000}]*：[ \t\x{3000}]*(.*)$`)

// fullWidthColon is s with its key's full-width colon written as YAML
// reads one ("points: 10"), when it has one.
func fullWidthColon(s string) (string, bool) {
	m := fullWidthColonRE.FindStringSubmatch(s)
	if m == nil {
		return "", false
	}
	if m[3] == "" {
		return m[1] + m[2] + ":", true
	}
	return m[1] + m[2] + ": " + m[3], true
}

// fullWidthColonLine is the line before the one a YAML error names
// (yaml.v3 names the line it gave up on), or that line, when its key is
// typed with a full-width colon, and the line as it should be; 0 when
// neither is.
func fullWidthColonLine(data []byte, line int) (int, string) {
	lines := strings.Split(string(data), "\n")
	for _, l := range []int{line - 1, line} {
		if l >= 1 && l <= len(lines) {
			if fix, ok := fullWidthColon(strings.TrimRight(lines[l-1], "\r")); ok {
				return l, strings.TrimSpace(fix)
			}
		}
	}
	return 0, ""
}

// tabIndent is the line whose indentation holds a tab, when the YAML error
// is about one: the line it names, or the next (yaml.v3 names the line
// before a tab that "violates indentation"), or the one before; 0 when
// none is.
func tabIndent(data []byte, line int, err error) int {
	if msg := err.Error(); !strings.Contains(msg, "tab character") && !strings.Contains(msg, "cannot start any token") {
		return 0
	}
	lines := strings.Split(string(data), "\n")
	for _, l := range []int{line, line + 1, line - 1} {
		if l >= 1 && l <= len(lines) {
			s := lines[l-1]
			if ind := s[:len(s)-len(strings.TrimLeft(s, " \t-"))]; strings.Contains(ind, "\t") {
				return l
			}
		}
	}
	return 0
}

// FreeMailRule is the name of the fit rule fit.free_mail adds.
const FreeMailRule = "free-mail"

// FoldValue is a value as fit rules match it, the attribute's and the
// rule's alike: NFKC, which folds what identity.WidthFold folded when the
// attribute was stored (ＪＰ is JP, ﾏﾈｰｼﾞｬｰ is マネージャー) and the rest
// a reader takes for the same (３００名 is 300名).
func FoldValue(s string) string { return norm.NFKC.String(s) }

// inKey is a value of a fit rule's in: as a matched value is looked up.
func inKey(s string) string { return strings.ToLower(strings.TrimSpace(FoldValue(s))) }

// emptyDocument: a document of nothing (--- then nothing, or comments).
func emptyDocument(n *yaml.Node) bool {
	return len(n.Content) == 0 || len(n.Content) == 1 && n.Content[0].Kind == yaml.ScalarNode && n.Content[0].Tag == "!!null" && n.Content[0].Value == ""
}

var (
	lineRE   = regexp.MustCompile(`line (\d+)`)
	anchorRE = regexp.MustCompile(`unknown anchor '(.*)' referenced`)
	// yamlLinePrefix is the line a yaml.v3 error names, left out where
	// the message names another.
	yamlLinePrefix = regexp.MustCompile(`^yaml: line \d+: `)
)

// yamlLine is the line a YAML error names. yaml.v3 names none for an error
// on the first line, an undefined anchor or a control character: those are
// looked for in the text (the first line otherwise).
func yamlLine(err error, data []byte) int {
	msg := err.Error()
	if m := lineRE.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n
	}
	lines := strings.Split(string(data), "\n")
	find := func(ok func(string) bool) int {
		for i, l := range lines {
			if ok(l) {
				return i + 1
			}
		}
		return 1
	}
	switch {
	case anchorRE.MatchString(msg):
		alias := "*" + anchorRE.FindStringSubmatch(msg)[1]
		return find(func(l string) bool { return strings.Contains(l, alias) })
	case strings.Contains(msg, "control characters"):
		return find(func(l string) bool {
			return strings.ContainsFunc(l, func(r rune) bool { return r < ' ' && r != '\t' && r != '\r' || r == 0x7f })
		})
	}
	return 1
}

// notUTF8 is the first line that is not UTF-8 (0: all of it is); a file in
// UTF-16 (with its byte order mark, which YAML reads) is left to YAML.
func notUTF8(data []byte) int {
	if bytes.HasPrefix(data, []byte{0xfe, 0xff}) || bytes.HasPrefix(data, []byte{0xff, 0xfe}) || utf8.Valid(data) {
		return 0
	}
	for i, l := range bytes.Split(data, []byte("\n")) {
		if !utf8.Valid(l) {
			return i + 1
		}
	}
	return 0
}
