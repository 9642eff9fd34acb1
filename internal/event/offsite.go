package event

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"
	"golang.org/x/net/publicsuffix"
)

// A lead's summary (push.Lead.Summary), an MQA's (account.MQA.Summary) and
// the values a connector quotes beside them are plain text in the SFA, which its pages show with the
// URLs in it as links (Salesforce's and kintone's text areas, a webhook's
// receiver). The URLs it quotes came from events, which anyone can post
// to the public collector, so a look-alike sign-in page would be one click
// away in the sales team's own SFA. The workspace links only the team's
// sites (OwnSite) and shows any other URL as text marked "other
// site, unverified"; the SFA's text does the same: a URL on one of
// the sites is written as it is, any other without its scheme, the dots
// of its host written "[.]" ("．", "。" and "｡", which a browser reads as
// dots, "[．]" and so on) and after the mark. A host without a scheme is
// a link too to many renderers, "www.evil.example" to Salesforce's, and a
// bare one ending in a top-level domain, "evil.com/login", to mail
// clients' and the linkers that know the top-level domains (hostFinder): it
// is marked as well. Sales still read where it was; nothing makes it a
// link.

// urlStart is where a renderer begins a link in text: a scheme and "://",
// or "www.".
var urlStart = regexp.MustCompile(`(?i)[a-z][a-z0-9+.-]*://|www\.`)

// OffsiteMark is the mark before a URL on no site of the team's, in the
// SFA's language ("ja": Japanese), as the workspace words it.
func OffsiteMark(lang string) string {
	if lang == "ja" {
		return "［外部サイト・未確認］"
	}
	return "[other site, unverified] "
}

// Unlinked is text anyone could have written (an event's title or UTM
// value, a form's value) with every URL in it that is not on sites
// written as OffsiteURL writes it, after mark; text without one is
// returned as is.
func Unlinked(text string, sites []string, mark string) string {
	var b strings.Builder
	// where in text the next scheme or "www." (www) and the next bare host
	// (bare, its name ending at bareEnd) begin, sought again only once
	// passed, so that text is read once however many URLs it holds
	var www []int
	bare, bareEnd, wwwSought, bareSought := -1, -1, false, false
	hosts := hostFinder{s: text}
	for pos := 0; ; {
		s := text[pos:]
		if !wwwSought || www != nil && www[0] < pos {
			www, wwwSought = nil, true
			if loc := urlStart.FindStringIndex(s); loc != nil {
				www = []int{pos + loc[0], pos + loc[1]}
			}
		}
		if !bareSought || bare >= 0 && bare < pos {
			bare, bareEnd = hosts.next(pos)
			bareSought = true
		}
		var loc []int
		hostAt, hostEnd := 0, -1 // where the URL's host begins and, if known, ends (a name not ASCII's: wideHostEnd)
		switch {
		case bare >= 0 && (www == nil || bare <= www[0]):
			loc = []int{bare - pos, bare - pos} // no scheme, no "www.": written as "www." is
			hostAt, hostEnd = loc[0], bareEnd-pos
		case www != nil:
			loc = []int{www[0] - pos, www[1] - pos}
			hostAt = loc[0]
			if strings.HasSuffix(s[loc[0]:loc[1]], "://") {
				hostAt = loc[1]
			}
			hostEnd = wideHostEnd(s, hostAt)
		default:
			b.WriteString(s)
			return b.String()
		}
		scheme := strings.HasSuffix(s[loc[0]:loc[1]], "://")
		if !scheme && loc[1] > loc[0] && midWord(b.String(), s[:loc[0]]) {
			b.WriteString(s[:loc[1]]) // "www." inside a word or an address: no link begins there
			pos += loc[1]
			continue
		}
		b.WriteString(s[:loc[0]])
		end := loc[0] + urlEnd(s[loc[0]:])
		if hostEnd >= 0 {
			end = hostEnd + urlEnd(s[hostEnd:]) // the host may hold letters that end a URL's path (urlEnd)
		}
		u, tail := trailed(s[loc[0]:end])
		own := u
		if !scheme {
			own = "https://" + u // www. or a bare host: as a renderer would open it
		}
		if hostEnd >= 0 && hostEnd <= loc[0]+len(u) && !isASCII(s[hostAt:hostEnd]) {
			// "ｗｗｗ．example.co.jp": a browser opens the site's host
			own = ""
			if host, ok := lookupHost(s[hostAt:hostEnd]); ok {
				pre := "https://"
				if scheme {
					pre = ""
				}
				own = pre + s[loc[0]:hostAt] + host + s[hostEnd:loc[0]+len(u)]
			}
		}
		if OwnSite(own, sites) {
			b.WriteString(u)
		} else {
			b.WriteString(mark + defanged(u))
		}
		b.WriteString(tail)
		pos += end
	}
}

// hostFinder finds, in s, the hosts written without a scheme or "www."
// that a renderer of the SFA's text links as ones ("ログインはこちら
// evil.com/login", "secure-login.co.jp/reset": mail clients' linkers and
// linkify libraries take a dotted name ending in a top-level domain for a
// site). A host is two or more dotted labels, the last an ICANN top-level
// domain of the public suffix list (publicsuffix): "資料.pdf",
// "report.xlsx", "v2.0", "ver.3.1", "e.g." and "U.S." end in none and are
// left as they are; "setup.zip" and "demo.mov" do, and are marked, for a
// linker opens them as sites (the .zip look-alikes of 2023). A name under
// a reserved or unknown top-level domain ("evil.example/login",
// "Node.js/React", "例え.テスト") is none: no link to it opens a page
// anyone serves. Four decimal numbers up to 255 are a host when a path or
// port follows ("203.0.113.7/login"), no version number.
//
// A host is read twice, as a linker whose letters are ASCII's and as one
// whose letters are Unicode's (a browser, which opens either):
//   - ASCII's: letters, digits and hyphens, typed full-width or not
//     ("ｅｖｉｌ.ｃｏｍ", which IDNA maps to evil.com), their dots "." or,
//     between two of those letters, "．", "。" or "｡" (IDNA's dots too:
//     "evil。com"). Such a name begins after a space, punctuation full-width
//     or not (「evil.com」) or a letter other than ASCII (こちらevil.com), and
//     ends before one (evil.comです).
//   - Unicode's: the labels hold letters of other scripts too ("evil.рф",
//     "例え.みんな", "ログイン.jp/x"), each label in one script (Japanese's
//     kanji and kana are one), so that text glued to a host ("詳細はevil.com")
//     is not read into it. A name whose label before an ASCII top-level
//     domain is not ASCII is as often a file's ("資料.zip", "設計.ai") and is
//     a host only when a path or port follows ("ログイン.jp/x").
//
// The three dots other than "." are a sentence's full stop in Japanese
// text ("資料をダウンロード。Next steps": .next is a top-level domain), so
// they join only ASCII's letters, not before a capitalised word ("Thank
// you。Best regards"). Neither reading begins after "@" or "_" nor ends
// before an address's "@" (taro.yamada@acme.co.jp is left as it is).
//
// A finder reads each run of a name's characters once and keeps the hosts
// in it, so that text is read once however many it holds ("あa.com" 16,000
// times over, each call reading to the run's end, took seconds).
type hostFinder struct {
	s      string
	runEnd int      // where the last run read ends
	hosts  [][2]int // the hosts found in it, in order
	// where the last address scan stopped and what it found: every name
	// ending before that stop reaches the same "@" or the same end, so
	// each byte is scanned once ("a!a!a!…", 8 KB, rescanned to the end
	// per name, took 27 ms)
	addrStop int
	addr     bool
}

// next is where the first host at from or after begins and its name ends,
// or -1, -1. from only grows from one call to the next.
func (f *hostFinder) next(from int) (int, int) {
	for len(f.hosts) > 0 && f.hosts[0][0] < from {
		f.hosts = f.hosts[1:]
	}
	if len(f.hosts) > 0 {
		return f.hosts[0][0], f.hosts[0][1]
	}
	s, i := f.s, from
	if i < f.runEnd {
		i = f.runEnd
	} else {
		for i > 0 && i < len(s) && hostByte(s[i-1]) && hostByte(s[i]) {
			i++ // from is inside a name begun before it: none begins there
		}
	}
	if f.addrStop == 0 {
		f.addrStop = -1
	}
	for i < len(s) {
		if c := s[i]; c < utf8.RuneSelf && !hostByte(c) {
			i++
			continue
		}
		if c, n := nameClass(s, i); c == notName {
			i += n
			continue
		}
		j, wide := i, false
		for j < len(s) {
			if hostByte(s[j]) {
				j++
				continue
			}
			c, n := nameClass(s, j)
			if c == notName {
				break
			}
			wide = true
			j += n
		}
		f.runEnd = j
		hosts := f.asciiHosts(i, j, !wide, f.hosts[:0])
		if wide {
			hosts = f.unicodeHosts(i, j, hosts)
		}
		if len(hosts) > 0 {
			f.hosts = hosts
			return hosts[0][0], hosts[0][1]
		}
		i = j
	}
	f.runEnd = len(s)
	return -1, -1
}

// The classes of a name's characters (nameClass).
const (
	notName     = iota
	asciiLetter // an ASCII letter, digit or hyphen, or a full-width one
	otherLetter // a letter, mark or digit of another script (idnLetter)
	nameDot     // "." or, between two asciiLetters, "．", "。", "｡" (wideDot)
)

// nameClass is the class of the character s[i] begins and its length.
func nameClass(s string, i int) (int, int) {
	if c := s[i]; c < utf8.RuneSelf {
		switch {
		case c == '.':
			return nameDot, 1
		case hostByte(c):
			return asciiLetter, 1
		}
		return notName, 1
	}
	r, n := utf8.DecodeRuneInString(s[i:])
	switch {
	case fullwidthLDH(r):
		return asciiLetter, n
	case wideDot(r):
		if joinsLetters(s, i, n) {
			return nameDot, n
		}
	case unicode.IsLetter(r) || unicode.IsMark(r) || unicode.IsDigit(r):
		return otherLetter, n
	}
	return notName, n
}

// wideDot is a dot IDNA maps to "." (U+FF0E, U+3002, U+FF61).
func wideDot(r rune) bool { return r == '．' || r == '。' || r == '｡' }

// joinsLetters reports whether the dot s[i:i+n], one of wideDot's, stands
// between two ASCII letters (full-width or not) and not before a
// capitalised word: a host's dot, not a sentence's end (hostFinder).
func joinsLetters(s string, i, n int) bool {
	before, _ := utf8.DecodeLastRuneInString(s[:i])
	if before >= utf8.RuneSelf && !fullwidthLDH(before) || before < utf8.RuneSelf && (before == '.' || !hostByte(byte(before))) {
		return false
	}
	upper, lower, first := 0, 0, true
	for j := i + n; j < len(s); {
		r, size := utf8.DecodeRuneInString(s[j:])
		if fullwidthLDH(r) {
			r -= 0xFEE0
		}
		if r >= utf8.RuneSelf || r == '.' || !hostByte(byte(r)) {
			if first {
				return false
			}
			break
		}
		switch {
		case r >= 'A' && r <= 'Z' && first:
			upper++
		case r >= 'A' && r <= 'Z':
			return true // "NEXT", "WwW": no capitalised word
		case r >= 'a' && r <= 'z':
			lower++
		}
		first = false
		j += size
	}
	return upper == 0 || lower == 0
}

// fullwidthLDH is a full-width ASCII letter, digit or hyphen (U+FF10-FF19,
// U+FF21-FF3A, U+FF41-FF5A, U+FF0D), which IDNA maps to its ASCII one.
func fullwidthLDH(r rune) bool {
	return r >= 0xFF10 && r <= 0xFF19 || r >= 0xFF21 && r <= 0xFF3A || r >= 0xFF41 && r <= 0xFF5A || r == 0xFF0D
}

// asciiHosts appends to hosts those a linker whose letters are ASCII's
// reads in the run of a name's characters [i, j) (hostFinder): in each
// stretch of asciiLetters and dots, the names between runs of two or more
// dots ("wait...evil.com"). ascii is whether the run is ASCII's only.
func (f *hostFinder) asciiHosts(i, j int, ascii bool, hosts [][2]int) [][2]int {
	if ascii {
		return f.stretchHosts(i, j, nil, hosts)
	}
	s := f.s
	for p := i; p < j; {
		q, at := p, []int(nil) // the stretch [p, q) and, when not ASCII, where each of its characters begins
		for q < j {
			c, n := nameClass(s, q)
			if c == otherLetter {
				break
			}
			if !ascii {
				at = append(at, q)
			}
			q += n
		}
		if q > p {
			hosts = f.stretchHosts(p, q, at, hosts)
		}
		for q < j { // the other letters up to the next stretch
			c, n := nameClass(s, q)
			if c != otherLetter {
				break
			}
			q += n
		}
		p = q
	}
	return hosts
}

// stretchHosts appends the hosts in the stretch [p, q) (asciiHosts); at,
// when not nil, is where each of its characters begins, for a stretch not
// ASCII's only, read as IDNA maps it (ｅｖｉｌ．ｃｏｍ as evil.com).
func (f *hostFinder) stretchHosts(p, q int, at []int, hosts [][2]int) [][2]int {
	s := f.s
	if q > f.addrStop {
		f.addrStop, f.addr = localPart(s, q)
	}
	before, _ := utf8.DecodeLastRuneInString(s[:p])
	if f.addr || before == '@' || before == '_' {
		return hosts
	}
	name, pos := s[p:q], func(k int) int { return p + k }
	if at != nil {
		var b strings.Builder
		for _, k := range at {
			r, _ := utf8.DecodeRuneInString(s[k:])
			switch {
			case fullwidthLDH(r):
				r -= 0xFEE0
			case wideDot(r):
				r = '.'
			}
			b.WriteRune(r)
		}
		name = b.String()
		pos = func(k int) int {
			if k == len(at) {
				return q
			}
			return at[k]
		}
	}
	for k := 0; k < len(name); {
		seg := name[k:]
		if d := strings.Index(seg, ".."); d >= 0 {
			seg = seg[:d]
		}
		lead := len(seg) - len(strings.TrimLeft(seg, ".-"))
		host := strings.TrimRight(seg[lead:], ".")
		if isBareHost(host, s[q:]) {
			hosts = append(hosts, [2]int{pos(k + lead), pos(k + lead + len(host))})
		}
		k += len(seg) + 1
		for k < len(name) && name[k] == '.' {
			k++
		}
	}
	return hosts
}

// unicodeHosts merges into hosts, those asciiHosts found in the run
// [i, j), the ones a linker whose letters are Unicode's reads there
// (hostFinder): in each part of the run between runs of two or more dots
// holding a letter other than ASCII's, the name from the first label
// after the last one mixing scripts (from its last script's letters:
// "詳細はevil.com" is evil.com) to the part's end.
func (f *hostFinder) unicodeHosts(i, j int, hosts [][2]int) [][2]int {
	s := f.s
	var found [][2]int
	for p := i; p < j; {
		q, end, dots := p, p, 0 // end: after the part's last letter
		start, script := p, 0   // where the name begins; the script of the label's letters so far
		for q < j {
			c, n := nameClass(s, q)
			if c == nameDot {
				if dots++; dots == 2 {
					break
				}
				q += n
				script = 0
				continue
			}
			dots = 0
			if sc := scriptOf(s, q); sc != 0 {
				if script != 0 && sc != script {
					start = q // a label mixing scripts: the name begins with its last one's letters
				}
				script = sc
			}
			q += n
			end = q
		}
		for start < end && (s[start] == '.' || s[start] == '-') {
			start++
		}
		if h, ok := f.unicodeHost(start, end); ok {
			found = append(found, h)
		}
		for q < j {
			c, n := nameClass(s, q)
			if c != nameDot {
				break
			}
			q += n
		}
		p = q
	}
	if found == nil {
		return hosts
	}
	merged := make([][2]int, 0, len(hosts)+len(found))
	for len(hosts) > 0 || len(found) > 0 {
		var h [2]int
		if len(found) == 0 || len(hosts) > 0 && (hosts[0][0] < found[0][0] || hosts[0][0] == found[0][0] && hosts[0][1] >= found[0][1]) {
			h, hosts = hosts[0], hosts[1:]
		} else {
			h, found = found[0], found[1:]
		}
		if len(merged) > 0 && h[0] < merged[len(merged)-1][1] {
			continue // within a longer name read before
		}
		merged = append(merged, h)
	}
	return merged
}

// unicodeHost reports whether s[start:end], a name whose labels are each
// in one script (unicodeHosts), holding a letter other than ASCII's, is a
// host, and where it begins and ends.
func (f *hostFinder) unicodeHost(start, end int) ([2]int, bool) {
	s := f.s
	name := s[start:end]
	if end-start > maxHostText || !strings.ContainsFunc(name, idnLetter) {
		return [2]int{}, false // too long for a host, or ASCII's only: asciiHosts read it
	}
	before, _ := utf8.DecodeLastRuneInString(s[:start])
	if before == '@' || before == '_' {
		return [2]int{}, false
	}
	if _, addr := localPart(s, end); addr {
		return [2]int{}, false
	}
	host, ok := lookupHost(name)
	if !ok || !isBareHost(host, s[end:]) {
		return [2]int{}, false
	}
	labels := strings.FieldsFunc(name, func(r rune) bool { return r == '.' || wideDot(r) })
	if n := len(labels); n < 2 {
		return [2]int{}, false // a letter IDNA maps to a dot: no label a reader sees
	} else if !strings.ContainsFunc(labels[n-1], idnLetter) && strings.ContainsFunc(labels[n-2], idnLetter) {
		// "資料.zip": a file's name as often as a site's, unless a path or port follows
		after := s[end:]
		if after == "" || after[0] != '/' && !(after[0] == ':' && len(after) > 1 && after[1] >= '0' && after[1] <= '9') {
			return [2]int{}, false
		}
	}
	return [2]int{start, end}, true
}

// maxHostText is the most bytes a host's text may take: 253 characters of
// a name (RFC 1035), each at most 4 bytes.
const maxHostText = 253 * 4

// idnLetter is a host's letter other than ASCII's, full-width or not.
func idnLetter(r rune) bool {
	return r >= utf8.RuneSelf && !fullwidthLDH(r) && !wideDot(r)
}

// lookupHost is name as a browser looks it up (IDNA's UTS #46 mapping,
// punycode: "ｅｖｉｌ．ｃｏｍ" is evil.com, "evil.рф" evil.xn--p1ai), and
// whether it is a name DNS holds (labels of at most 63 bytes, 253 in
// all).
func lookupHost(name string) (string, bool) {
	host, err := idna.Lookup.ToASCII(name)
	if err != nil || len(host) > 253 {
		return "", false
	}
	for l := range strings.SplitSeq(host, ".") {
		if len(l) > 63 {
			return "", false
		}
	}
	return host, true
}

// scriptOf is the script of the letter s[i] begins, as a label may hold
// only one (unicodeHosts): 1 Latin (ASCII's, full-width or not), 2 Han,
// kana and Hangul (Japanese writes kanji and kana in one word), 3 Cyrillic,
// 4 Greek, 5 any other; 0 for digits, hyphens, marks and the characters
// every script uses (ー).
func scriptOf(s string, i int) int {
	r, _ := utf8.DecodeRuneInString(s[i:])
	if fullwidthLDH(r) {
		r -= 0xFEE0
	}
	switch {
	case r < utf8.RuneSelf:
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
			return 1
		}
		return 0
	case unicode.In(r, unicode.Common, unicode.Inherited) || unicode.IsDigit(r) || unicode.IsMark(r):
		return 0
	case unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul, unicode.Bopomofo):
		return 2
	case unicode.Is(unicode.Latin, r):
		return 1
	case unicode.Is(unicode.Cyrillic, r):
		return 3
	case unicode.Is(unicode.Greek, r):
		return 4
	}
	return 5
}

// wideHostEnd is where the host of a URL beginning at p in s ends (after
// "https://" or at "www.") when it holds characters other than ASCII's
// that a browser reads into it ("https://evil．com/login",
// "https://evil.рф/login": a renderer ends the link there, urlEnd, but a
// browser opens evil.com), or -1: the URL ends where urlEnd says.
// Text glued to the host (https://www.example.comをご覧ください) is not
// read into it: the host's labels are each in one script.
func wideHostEnd(s string, p int) int {
	end, firstOther, dots, script, mixed := p, -1, 0, 0, false
	for q := p; q < len(s) && q-p <= maxHostText; {
		c, n := nameClass(s, q)
		if c == notName || c == nameDot && dots == 1 {
			break
		}
		if c == nameDot {
			dots, script = 1, 0
			q += n
			continue
		}
		dots = 0
		if c == otherLetter && firstOther < 0 {
			firstOther = q
		}
		if sc := scriptOf(s, q); sc != 0 {
			mixed = mixed || script != 0 && sc != script
			script = sc
		}
		q += n
		end = q
	}
	if firstOther >= 0 && (mixed || !hostOK(s[p:end])) {
		end = firstOther // the ASCII letters before: a linker whose letters are ASCII's ends there
		for end > p && s[end-1] == '.' {
			end--
		}
	}
	if isASCII(s[p:end]) {
		return -1
	}
	return end
}

// hostOK reports whether name is a host DNS holds (lookupHost).
func hostOK(name string) bool {
	_, ok := lookupHost(name)
	return ok
}

// hostByte is a character of a host's name: an ASCII letter, a digit, a
// hyphen or a dot.
func hostByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.'
}

// localPart reports whether s from q, what follows a dotted name, goes on
// to an address's "@" and its domain (taro.yamada@acme.co.jp,
// first.name+tag@acme.jp): the name is an address's local part, which
// linkers take with its domain as the address. A "/", "?" or "#" on the
// way is a URL's, not an address's; an "@" without a domain after it
// ("evil.com@", "evil.com&@x") makes no address, and linkers end the
// host before it and link it. stop is where the scan stopped: the "@",
// or the first character no local part has.
func localPart(s string, q int) (stop int, ok bool) {
	for i := q; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '@':
			j := i + 1
			for j < len(s) && hostByte(s[j]) {
				j++
			}
			return i, isBareHost(strings.TrimRight(s[i+1:j], "."), "")
		case hostByte(c) || strings.IndexByte("!$%&'*+=^_`{|}~", c) >= 0:
		default:
			return i, false
		}
	}
	return len(s), false
}

// isBareHost reports whether name, dotted labels of hostByte, is a host a
// linker links (hostFinder); after is what follows it.
func isBareHost(name, after string) bool {
	labels := strings.Split(name, ".")
	if len(labels) < 2 || slices.Contains(labels, "") {
		return false
	}
	if ipv4(labels) {
		return after != "" && (after[0] == '/' || after[0] == ':' && len(after) > 1 && after[1] >= '0' && after[1] <= '9')
	}
	tld := strings.ToLower(labels[len(labels)-1])
	if !strings.HasPrefix(tld, "xn--") && strings.Trim(tld, "abcdefghijklmnopqrstuvwxyz") != "" {
		return false
	}
	if len(labels) == 2 && productNET[strings.ToLower(name)] {
		return false
	}
	suffix, icann := publicsuffix.PublicSuffix(tld)
	return icann && suffix == tld
}

// productNET are Microsoft's product names written with ".NET" that read
// as hosts under .net ("VB.NETで構築したシステムの移行", "ASP.NET/C#" in a
// Japanese inquiry or job title): marked, they read as a broken page
// title. Each is the name of the product, whatever the case, not a
// reference to a site; a linker that links one opens that name's own
// site whatever the path, nothing a visitor chooses.
var productNET = map[string]bool{"asp.net": true, "ado.net": true, "vb.net": true}

// ipv4 reports whether labels are an IPv4 address's four decimal numbers.
func ipv4(labels []string) bool {
	if len(labels) != 4 {
		return false
	}
	for _, l := range labels {
		n, err := strconv.Atoi(l)
		if err != nil || n > 255 || len(l) > 3 || strings.Trim(l, "0123456789") != "" {
			return false
		}
	}
	return true
}

// midWord reports whether a bare "www." after written and before is
// inside a word and so no link to a renderer, which begins one only at a
// word's start: after a letter of any script (株式会社Www.Labo) or digit,
// "_" or "@" (taro@www.acme.co.jp), or within an address's domain
// (info@mail.www.acme.co.jp). A URL with a scheme is marked wherever it
// begins: renderers link "https://" glued to anything, Japanese text too
// (詳細はhttps://evil.example/x).
func midWord(written, before string) bool {
	if before == "" {
		before, written = written, ""
	}
	r, _ := utf8.DecodeLastRuneInString(before)
	switch {
	case r == '@' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
		return true
	case r == '.' || r == '-':
		const hostChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-"
		host := strings.TrimRight(before, hostChars)
		if host == "" {
			host = strings.TrimRight(written, hostChars)
		}
		return strings.HasSuffix(host, "@")
	}
	return false
}

// trailed is u without the punctuation a renderer leaves out of a link at
// its end (a sentence's full stop, a comma, a closing bracket not opened
// in it), and that punctuation: "see https://www.example.com." links the
// site, not the host "www.example.com.". The non-ASCII ones (」』）。、)
// already end a URL (urlEnd).
func trailed(u string) (string, string) {
	core := u
	for core != "" {
		c := core[len(core)-1]
		if !strings.ContainsRune(".,;:)", rune(c)) || c == ')' && strings.Count(core, "(") >= strings.Count(core, ")") {
			break
		}
		core = core[:len(core)-1]
	}
	return core, u[len(core):]
}

// OffsiteURL is a URL field of an event (a page, a referrer) as the SFA's
// text writes it: as it is on one of sites, else marked and no link
// (above), whether or not it has a scheme. An own-site URL is written as
// it is up to where a renderer ends the link (urlEnd: a quote, a bracket,
// a character other than ASCII; OwnSite already refuses any space), and
// what follows as Unlinked writes text: `https://www.example.com/"https://evil.example`
// is two links to a renderer, the second not the team's.
func OffsiteURL(u string, sites []string, mark string) string {
	if OwnSite(u, sites) {
		end := urlEnd(u)
		return u[:end] + Unlinked(u[end:], sites, mark)
	}
	core, tail := trailed(u)
	if tail != "" && OwnSite(core, sites) {
		return u // a renderer links core, the team's, and leaves tail
	}
	return mark + escapedControls(defanged(core)) + tail
}

// urlEnd is the length of the URL s starts with, as a renderer takes it:
// up to a space, a character other than ASCII or a quote or bracket that
// ends a link in HTML.
func urlEnd(s string) int {
	if i := strings.IndexFunc(s, endsURL); i >= 0 {
		return i
	}
	return len(s)
}

// endsURL is a character that ends a URL to a renderer (urlEnd).
func endsURL(r rune) bool {
	return r > unicode.MaxASCII || unicode.IsSpace(r) || unicode.IsControl(r) || strings.ContainsRune("<>\"'`", r)
}

// defanged is u without its scheme and with its host's dots written "[.]";
// a URL further in it (a redirect's parameter, with a scheme, "www." or a
// bare host: hostFinder) likewise. A URL has no space (OwnSite): each word
// after one is written as a URL of its own, its first part a host
// ("https://www.example.com/ evil.example/login": a bare host is a link to
// a mail client).
func defanged(u string) string {
	var b strings.Builder
	for {
		if loc := schemeAt.FindStringIndex(u); loc != nil {
			u = u[loc[1]:]
		}
		u = strings.TrimLeft(u, "/")
		word, next := u, ""
		if i := strings.IndexFunc(u, unseen); i >= 0 {
			word, next = u[:i], u[i:]
		}
		defangWord(&b, word)
		if next == "" {
			return b.String()
		}
		j := strings.IndexFunc(next, func(r rune) bool { return !unseen(r) })
		if j < 0 {
			b.WriteString(next)
			return b.String()
		}
		after := next[j:]
		lead := len(after) - len(strings.TrimLeft(after, "/")) // a word's slashes, as they were
		b.WriteString(next[:j] + after[:lead])
		u = after[lead:]
	}
}

// schemeAt is a scheme and "://" beginning a string.
var schemeAt = regexp.MustCompile(`^(?i)[a-z][a-z0-9+.-]*://`)

// defangWord writes word, a URL's without its scheme, its host's dots as
// "[.]", and so each URL further in it, which begins where Unlinked would
// begin one, its scheme and slashes left out, its host ending where a path
// or a renderer's link (urlEnd) does, or past the letters other than
// ASCII's a browser reads into the host (hostFinder, wideHostEnd). The next beginning is sought once
// past the last, so that a long path of hosts ("a.co/a.co/…") is read
// once.
func defangWord(b *strings.Builder, word string) {
	end := strings.IndexAny(word, "/?#\\")
	if end < 0 {
		end = len(word)
	}
	writeDefanged(b, word[:end])
	var www []int
	bare, bareEnd, wwwSought, bareSought := -1, -1, false, false
	hosts := hostFinder{s: word}
	for pos := end; ; {
		if !wwwSought || www != nil && www[0] < pos {
			www, wwwSought = nil, true
			if loc := urlStart.FindStringIndex(word[pos:]); loc != nil {
				www = []int{pos + loc[0], pos + loc[1]}
			}
		}
		if !bareSought || bare >= 0 && bare < pos {
			bare, bareEnd = hosts.next(pos)
			bareSought = true
		}
		start := bare
		if www != nil && (bare < 0 || www[0] < bare) {
			start = www[0]
		}
		if start < 0 {
			b.WriteString(word[pos:])
			return
		}
		b.WriteString(word[pos:start])
		p := start
		if loc := schemeAt.FindStringIndex(word[p:]); loc != nil {
			p += loc[1]
		}
		for p < len(word) && word[p] == '/' {
			p++
		}
		from := p // the host's name, wherever a renderer ends the link (urlEnd), is defanged to its end
		if start == bare && bareEnd > from {
			from = bareEnd
		} else if e := wideHostEnd(word, p); e > from {
			from = e
		}
		hostEnd := len(word)
		if i := strings.IndexFunc(word[from:], func(r rune) bool { return strings.ContainsRune("/?#\\", r) || endsURL(r) }); i >= 0 {
			hostEnd = from + i
		}
		writeDefanged(b, word[p:hostEnd])
		pos = hostEnd
	}
}

// writeDefanged writes host with its dots written "[.]", and the dots IDNA
// reads as "." ("evil．com", wideDot) likewise in brackets ("[．]"), each
// as it was, so that sales read the host as it was written.
func writeDefanged(b *strings.Builder, host string) {
	for {
		i := strings.IndexFunc(host, func(r rune) bool { return r == '.' || wideDot(r) })
		if i < 0 {
			b.WriteString(host)
			return
		}
		_, n := utf8.DecodeRuneInString(host[i:])
		b.WriteString(host[:i] + "[" + host[i:i+n] + "]")
		host = host[i+n:]
	}
}

// escapedControls is s with its control and invisible characters (a line
// break that would begin a line of the SFA's text of its own, a bidi
// control turning the rest around) percent-encoded, as a browser sends
// them; its spaces are kept, to be read.
func escapedControls(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) || IsInvisible(r) }) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if !unicode.IsControl(r) && !IsInvisible(r) {
			b.WriteRune(r)
			continue
		}
		var buf [utf8.UTFMax]byte
		for _, c := range buf[:utf8.EncodeRune(buf[:], r)] {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}
