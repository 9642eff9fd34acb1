package event

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
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
// of its host written "[.]" (a bare host, "evil.example/login" or
// "www.evil.example", is a link too to many renderers: Salesforce's for
// "www.", a mail client's for any) and after the mark. Sales still read
// where it was; nothing makes it a link.

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
func Unlinked(s string, sites []string, mark string) string {
	var b strings.Builder
	for {
		loc := urlStart.FindStringIndex(s)
		if loc == nil {
			b.WriteString(s)
			return b.String()
		}
		scheme := strings.HasSuffix(s[loc[0]:loc[1]], "://")
		if !scheme && midWord(b.String(), s[:loc[0]]) {
			b.WriteString(s[:loc[1]]) // "www." inside a word or an address: no link begins there
			s = s[loc[1]:]
			continue
		}
		b.WriteString(s[:loc[0]])
		end := loc[0] + urlEnd(s[loc[0]:])
		u, tail := trailed(s[loc[0]:end])
		own := u
		if !scheme {
			own = "https://" + u // www.: as a renderer would open it
		}
		if OwnSite(own, sites) {
			b.WriteString(u)
		} else {
			b.WriteString(mark + defanged(u))
		}
		b.WriteString(tail)
		s = s[end:]
	}
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
	for i, r := range s {
		if r > unicode.MaxASCII || unicode.IsSpace(r) || unicode.IsControl(r) || strings.ContainsRune("<>\"'`", r) {
			return i
		}
	}
	return len(s)
}

// defanged is u without its scheme and with its host's dots written "[.]";
// a URL further in it (a redirect's parameter) likewise. A URL has no
// space (OwnSite): each word after one is written as a URL of its own,
// its first part a host ("https://www.example.com/ evil.example/login":
// a bare host is a link to a mail client).
func defanged(u string) string {
	if loc := urlStart.FindStringIndex(u); loc != nil && loc[0] == 0 && strings.HasSuffix(u[:loc[1]], "://") {
		u = u[loc[1]:]
	}
	u = strings.TrimLeft(u, "/")
	word, next := u, ""
	if i := strings.IndexFunc(u, unseen); i >= 0 {
		word, next = u[:i], u[i:]
	}
	host, rest := word, ""
	if i := strings.IndexAny(word, "/?#\\"); i >= 0 {
		host, rest = word[:i], word[i:]
	}
	host = strings.ReplaceAll(host, ".", "[.]")
	var b strings.Builder
	b.WriteString(host)
	for {
		loc := urlStart.FindStringIndex(rest)
		if loc == nil {
			b.WriteString(rest)
			break
		}
		b.WriteString(rest[:loc[0]])
		end := loc[0] + urlEnd(rest[loc[0]:])
		b.WriteString(defanged(rest[loc[0]:end]))
		rest = rest[end:]
	}
	if next == "" {
		return b.String()
	}
	j := strings.IndexFunc(next, func(r rune) bool { return !unseen(r) })
	if j < 0 {
		return b.String() + next
	}
	after := next[j:]
	lead := len(after) - len(strings.TrimLeft(after, "/")) // a word's slashes, as they were
	return b.String() + next[:j] + after[:lead] + defanged(after[lead:])
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
