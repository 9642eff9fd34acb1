package event

import (
	"net/url"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// OwnSite reports whether a URL an event names may be offered as a link:
// an http(s) URL whose host is one of sites (the team's own,
// config.SiteHosts), exactly. Anyone can send the collector an event
// naming any URL (a look-alike sign-in page), and a link in the workspace
// or in the SFA's copy of a lead would lend it their trust. A subdomain is
// not the site (a SaaS's customers may have theirs), nor is a host a
// browser may read otherwise (user info, characters other than ASCII
// letters, digits, dots and hyphens). Nor is a URL holding a space, a
// control or an invisible character anywhere (unseen): url.Parse takes
// spaces in a path or fragment, and the collector stores a URL as sent,
// so "https://www.example.com/ www.evil.example/login" passed on its host
// while a renderer of the SFA's text links its second half, and the
// workspace showed the whole as the site's link.
func OwnSite(raw string, sites []string) bool {
	if !utf8.ValidString(raw) || strings.ContainsFunc(raw, unseen) {
		return false
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.User != nil {
		return false
	}
	host := strings.ToLower(u.Hostname())
	if host == "" || strings.Trim(host, "abcdefghijklmnopqrstuvwxyz0123456789.-") != "" {
		return false
	}
	return slices.Contains(sites, host)
}

// unseen is a character that ends a link or shows as nothing: white space
// (U+3000 and the other Unicode spaces, line and paragraph separators),
// controls, and the invisible ones an address loses (IsInvisible: zero-width
// and bidi controls, Hangul fillers).
func unseen(r rune) bool {
	return unicode.IsSpace(r) || unicode.IsControl(r) || unicode.In(r, unicode.Z) || IsInvisible(r)
}
