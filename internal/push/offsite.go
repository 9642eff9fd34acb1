package push

import (
	"regexp"
	"strings"
	"unicode"

	"github.com/baton-hq/baton/internal/event"
)

// A lead's summary is plain text in the SFA, which its pages show with the
// URLs in it as links (Salesforce's and kintone's text areas, a webhook's
// receiver). The URLs it quotes came from events, which anyone can post
// to the public collector, so a look-alike sign-in page would be one click
// away in the sales team's own SFA. The workspace links only the team's
// sites (event.OwnSite) and shows any other URL as text marked "other
// site, unverified"; the summary does the same: a URL on one of
// Lead.Sites is written as it is, any other without its scheme, the dots
// of its host written "[.]" (a bare host, "evil.example/login" or
// "www.evil.example", is a link too to many renderers: Salesforce's for
// "www.", a mail client's for any) and after the mark. Sales still read
// where it was; nothing makes it a link.

// urlStart is where a renderer begins a link in text: a scheme and "://",
// or "www.".
var urlStart = regexp.MustCompile(`(?i)[a-z][a-z0-9+.-]*://|www\.`)

// unlinked is text from an event (a title, a UTM value) with every URL in
// it that is not on sites written as offsiteURL writes it; text without
// one is returned as is.
func unlinked(s string, sites []string, mark string) string {
	var b strings.Builder
	for {
		loc := urlStart.FindStringIndex(s)
		if loc == nil {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:loc[0]])
		end := loc[0] + urlEnd(s[loc[0]:])
		u := s[loc[0]:end]
		own := u
		if !strings.Contains(s[loc[0]:loc[1]], "://") {
			own = "https://" + u // www.: as a renderer would open it
		}
		if event.OwnSite(own, sites) {
			b.WriteString(u)
		} else {
			b.WriteString(mark + defanged(u))
		}
		s = s[end:]
	}
}

// offsiteURL is a URL field of an event (a page, a referrer) as the
// summary writes it: as it is on one of sites, else marked and no link
// (above), whether or not it has a scheme.
func offsiteURL(u string, sites []string, mark string) string {
	if event.OwnSite(u, sites) {
		return u
	}
	return mark + defanged(u)
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
// a URL further in it (a redirect's parameter) likewise.
func defanged(u string) string {
	if loc := urlStart.FindStringIndex(u); loc != nil && loc[0] == 0 && strings.HasSuffix(u[:loc[1]], "://") {
		u = u[loc[1]:]
	}
	u = strings.TrimLeft(u, "/")
	host, rest := u, ""
	if i := strings.IndexAny(u, "/?#\\"); i >= 0 {
		host, rest = u[:i], u[i:]
	}
	host = strings.ReplaceAll(host, ".", "[.]")
	var b strings.Builder
	b.WriteString(host)
	for {
		loc := urlStart.FindStringIndex(rest)
		if loc == nil {
			b.WriteString(rest)
			return b.String()
		}
		b.WriteString(rest[:loc[0]])
		end := loc[0] + urlEnd(rest[loc[0]:])
		b.WriteString(defanged(rest[loc[0]:end]))
		rest = rest[end:]
	}
}
