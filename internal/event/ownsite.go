package event

import (
	"net/url"
	"slices"
	"strings"
)

// OwnSite reports whether a URL an event names may be offered as a link:
// an http(s) URL whose host is one of sites (the team's own,
// config.SiteHosts), exactly. Anyone can send the collector an event
// naming any URL (a look-alike sign-in page), and a link in the workspace
// or in the SFA's copy of a lead would lend it their trust. A subdomain is
// not the site (a SaaS's customers may have theirs), nor is a host a
// browser may read otherwise (user info, characters other than ASCII
// letters, digits, dots and hyphens).
func OwnSite(raw string, sites []string) bool {
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
