package event

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

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
// of its host written "[.]" and after the mark. A host without a scheme is
// a link too to many renderers, "www.evil.example" to Salesforce's, and a
// bare one ending in a top-level domain, "evil.com/login", to mail
// clients' and the linkers that know the top-level domains (bareHost): it
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
	// (bare) begin, sought again only once passed, so that text is read
	// once however many URLs it holds
	var www []int
	bare, wwwSought, bareSought := -1, false, false
	for pos := 0; ; {
		s := text[pos:]
		if !wwwSought || www != nil && www[0] < pos {
			www, wwwSought = nil, true
			if loc := urlStart.FindStringIndex(s); loc != nil {
				www = []int{pos + loc[0], pos + loc[1]}
			}
		}
		if !bareSought || bare >= 0 && bare < pos {
			bare, bareSought = bareHost(text, pos), true
		}
		var loc []int
		switch {
		case bare >= 0 && (www == nil || bare <= www[0]):
			loc = []int{bare - pos, bare - pos} // no scheme, no "www.": written as "www." is
		case www != nil:
			loc = []int{www[0] - pos, www[1] - pos}
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
		fw := fullwidthLen(s[loc[0]:]) // a bare host's full-width first letters (bareHost)
		end := loc[0] + fw + urlEnd(s[loc[0]+fw:])
		u, tail := trailed(s[loc[0]:end])
		own := u
		if !scheme {
			own = "https://" + u // www. or a bare host: as a renderer would open it
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

// bareHost is where the first host in s written without a scheme or
// "www." begins that a renderer of the SFA's text links as one
// ("ログインはこちら evil.com/login", "secure-login.co.jp/reset": mail clients'
// linkers and linkify libraries take a dotted name ending in a top-level
// domain for a site), at from or after, or -1. A host is ASCII letters,
// digits and hyphens in two or more dotted labels, the last an ICANN
// top-level domain of the public suffix list (publicsuffix): "資料.pdf",
// "report.xlsx", "v2.0", "ver.3.1", "e.g." and "U.S." end in none and are
// left as they are; "setup.zip" and "demo.mov"
// do, and are marked, for a linker opens them as sites (the .zip
// look-alikes of 2023). A name under a reserved or unknown top-level domain
// ("evil.example/login", "Node.js/React") is none: no link to it opens a
// page anyone serves. Four decimal numbers up to 255 are a host when a path
// or port follows ("203.0.113.7/login"), no version number. It begins where
// a linker begins a word, ASCII's: after a space, punctuation full-width or
// not (「evil.com」) or a letter other than ASCII (こちらevil.com: a
// linker whose words are ASCII's links evil.com there), not after "@" or
// "_" nor before "@" (an address, taro.yamada@acme.co.jp, is left as it is).
func bareHost(s string, from int) int {
	i := from
	for i > 0 && i < len(s) && hostByte(s[i-1]) && hostByte(s[i]) {
		i++ // from is inside a name begun before it: none begins there
	}
	// where the last address scan stopped and what it found: every name
	// ending before that stop reaches the same "@" or the same end, so
	// each byte is scanned once ("a!a!a!…", 8 KB, rescanned to the end
	// per name, took 27 ms)
	addrStop, addr := -1, false
	for i < len(s) {
		if !hostByte(s[i]) {
			i++
			continue
		}
		q := i
		for q < len(s) && hostByte(s[q]) {
			q++
		}
		if q > addrStop {
			addrStop, addr = localPart(s, q)
		}
		if k := fullwidthBefore(s, from, i); k < i && s[i] == '.' && !addr {
			// "ｅｖｉｌ.com/login": letters and digits typed full-width are
			// a host's to a linker whose letters are Unicode's, and a
			// browser opens them as ASCII (evil.com)
			seg := s[i:q]
			if j := strings.Index(seg[1:], ".."); j >= 0 {
				seg = seg[:j+1]
			}
			pre, _ := utf8.DecodeLastRuneInString(s[:k])
			if pre != '@' && pre != '_' && isBareHost(ascii(s[k:i])+strings.TrimRight(seg, "."), s[q:]) {
				return k
			}
		}
		before, _ := utf8.DecodeLastRuneInString(s[:i])
		if before != '@' && before != '_' && !addr {
			// "wait...evil.com": a run of dots ends a name, and a host may follow
			for at := i; at < q; {
				seg := s[at:q]
				if j := strings.Index(seg, ".."); j >= 0 {
					seg = seg[:j]
				}
				lead := len(seg) - len(strings.TrimLeft(seg, ".-"))
				if isBareHost(strings.TrimRight(seg[lead:], "."), s[q:]) {
					return at + lead
				}
				at += len(seg) + 1
				for at < q && s[at] == '.' {
					at++
				}
			}
		}
		i = q
	}
	return -1
}

// fullwidthBefore is where the full-width ASCII letters and digits
// (ｅｖｉｌ, ０１) just before i begin, not before from; i when none.
func fullwidthBefore(s string, from, i int) int {
	for i > from {
		r, n := utf8.DecodeLastRuneInString(s[:i])
		if !fullwidthAlnum(r) {
			break
		}
		i -= n
	}
	return i
}

// fullwidthAlnum is a full-width ASCII letter or digit (U+FF10-FF19,
// U+FF21-FF3A, U+FF41-FF5A), which IDNA maps to its ASCII one.
func fullwidthAlnum(r rune) bool {
	return r >= 0xFF10 && r <= 0xFF19 || r >= 0xFF21 && r <= 0xFF3A || r >= 0xFF41 && r <= 0xFF5A
}

// ascii is s, full-width letters and digits, as their ASCII ones.
func ascii(s string) string {
	return strings.Map(func(r rune) rune { return r - 0xFEE0 }, s)
}

// fullwidthLen is the length of the full-width letters and digits s
// begins with: a host bareHost found may begin with them.
func fullwidthLen(s string) int {
	n := 0
	for n < len(s) {
		r, size := utf8.DecodeRuneInString(s[n:])
		if !fullwidthAlnum(r) {
			break
		}
		n += size
	}
	return n
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
// linker links (bareHost); after is what follows it.
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
// bare host: bareHost) likewise. A URL has no space (OwnSite): each word
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
// or a renderer's link (urlEnd) does. The next beginning is sought once
// past the last, so that a long path of hosts ("a.co/a.co/…") is read
// once.
func defangWord(b *strings.Builder, word string) {
	end := strings.IndexAny(word, "/?#\\")
	if end < 0 {
		end = len(word)
	}
	b.WriteString(strings.ReplaceAll(word[:end], ".", "[.]"))
	var www []int
	bare, wwwSought, bareSought := -1, false, false
	for pos := end; ; {
		if !wwwSought || www != nil && www[0] < pos {
			www, wwwSought = nil, true
			if loc := urlStart.FindStringIndex(word[pos:]); loc != nil {
				www = []int{pos + loc[0], pos + loc[1]}
			}
		}
		if !bareSought || bare >= 0 && bare < pos {
			bare, bareSought = bareHost(word, pos), true
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
		fw := fullwidthLen(word[p:]) // a bare host's full-width first letters (bareHost)
		b.WriteString(word[p : p+fw])
		p += fw
		hostEnd := len(word)
		if i := strings.IndexFunc(word[p:], func(r rune) bool { return strings.ContainsRune("/?#\\", r) || endsURL(r) }); i >= 0 {
			hostEnd = p + i
		}
		b.WriteString(strings.ReplaceAll(word[p:hostEnd], ".", "[.]"))
		pos = hostEnd
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
