// Package internaltraffic recognises the company's own traffic: its
// office networks and VPN exits (internal_traffic.ips) and its staff's
// email domains (internal_traffic.email_domains). Staff reading their own
// site, testing its forms or clicking the newsletter's links are neither
// visitors nor leads: what they send is answered as usual and not stored.
package internaltraffic

import (
	"fmt"
	"net/http"
	"net/netip"
	"strings"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/httpx"
)

// Filter is the configured internal traffic; the zero Filter matches
// nothing.
type Filter struct {
	nets    []netip.Prefix
	domains []string // lower case, no leading "@" or "."
}

// Parse reads the networks (CIDRs, or single addresses) and the email
// domains, each refused with what is wrong with it.
func Parse(ips, domains []string) (Filter, error) {
	var f Filter
	for _, s := range ips {
		s = strings.TrimSpace(s)
		if p, err := netip.ParsePrefix(s); err == nil {
			if p.Masked() != p {
				return Filter{}, fmt.Errorf("internal_traffic.ips: %q has host bits set: write the network, %s", s, p.Masked())
			}
			if a := p.Addr(); a.Is4In6() && p.Bits() >= 96 {
				// ::ffff:203.0.113.0/120: the IPv4 network, as clients are
				// compared unmapped.
				p = netip.PrefixFrom(a.Unmap(), p.Bits()-96)
			}
			f.nets = append(f.nets, p)
			continue
		}
		a, err := netip.ParseAddr(s)
		if err != nil || a.Zone() != "" {
			return Filter{}, fmt.Errorf("internal_traffic.ips: %q is neither an address nor a network (e.g. 203.0.113.0/24, 2001:db8::/48, 198.51.100.7)", s)
		}
		a = a.Unmap()
		f.nets = append(f.nets, netip.PrefixFrom(a, a.BitLen()))
	}
	for _, d := range domains {
		d = strings.ToLower(strings.TrimSpace(d))
		d = strings.TrimPrefix(strings.TrimPrefix(d, "@"), ".")
		if e, err := event.NormalizeEmail("x@" + d); err == nil {
			// As emails are read: folded (ｅｘａｍｐｌｅ．co.jp), in
			// A-labels (例え.jp is xn--r8jz45g.jp).
			d = e[strings.LastIndexByte(e, '@')+1:]
		}
		if d == "" || !strings.Contains(d, ".") || strings.ContainsAny(d, "@ /\\*") || strings.HasSuffix(d, ".") {
			return Filter{}, fmt.Errorf("internal_traffic.email_domains: %q is not an email domain (e.g. example.co.jp)", d)
		}
		f.domains = append(f.domains, d)
	}
	return f, nil
}

// Nets reports whether any network is configured.
func (f Filter) Nets() bool { return len(f.nets) > 0 }

// Wide are the networks wider than any company's (an IPv4 /8, an IPv6 /16):
// a typo such as 0.0.0.0/0 would leave nothing collected.
func (f Filter) Wide() []netip.Prefix {
	var out []netip.Prefix
	for _, p := range f.nets {
		if p.Addr().Is4() && p.Bits() < 8 || p.Addr().Is6() && p.Bits() < 16 {
			out = append(out, p)
		}
	}
	return out
}

// Emails reports whether any email domain is configured.
func (f Filter) Emails() bool { return len(f.domains) > 0 }

// Request reports whether r comes from an internal network, its client
// address read as the proxies say (no address is worked out when no
// network is configured: the collector's hot path).
func (f Filter) Request(r *http.Request, proxies httpx.Proxies) bool {
	return len(f.nets) > 0 && f.Addr(httpx.ClientIP(r, proxies))
}

// Addr reports whether a is in one of the internal networks.
func (f Filter) Addr(a netip.Addr) bool {
	if !a.IsValid() {
		return false
	}
	a = a.Unmap()
	for _, p := range f.nets {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// Email reports whether the (normalised, lower-case) email is at an
// internal domain or one of its subdomains (taro@tokyo.example.co.jp for
// example.co.jp).
func (f Filter) Email(email string) bool {
	if len(f.domains) == 0 || email == "" {
		return false
	}
	at := strings.LastIndexByte(email, '@')
	if at < 0 {
		return false
	}
	host := strings.ToLower(email[at+1:])
	for _, d := range f.domains {
		if host == d || strings.HasSuffix(host, "."+d) {
			return true
		}
	}
	return false
}
