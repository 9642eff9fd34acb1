package httpx

import (
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
)

// FuzzClientIP: X-Forwarded-For is the client's to write. Whatever it
// holds, the address is the peer's or one the header names, never a panic;
// with no proxy trusted it is always the peer's; a trust setting that
// parses reads back within its bounds.
//
// X-Forwarded-Proto likewise: with no proxy trusted it never makes a
// request https; https means an entry says so; and once the header has an
// entry per trusted proxy, what a client writes on its left changes nothing.
func FuzzClientIP(f *testing.F) {
	f.Add("203.0.113.7, 10.0.0.1", "10.0.0.2:443", "1", "https")
	f.Add("::ffff:203.0.113.7,fe80::1%eth0", "[::1]:80", "10.0.0.0/8, ::1", "https, http")
	f.Add(",,", "garbage", "true", ",")
	f.Fuzz(func(t *testing.T, xff, remote, spec, proto string) {
		p, err := ParseProxies(spec)
		if err != nil {
			return
		}
		if p.Hops < 0 || p.Hops > 10 {
			t.Fatalf("ParseProxies(%q): %d hops", spec, p.Hops)
		}
		for _, c := range p.CIDRs {
			if !c.IsValid() || c != c.Masked() {
				t.Fatalf("ParseProxies(%q): CIDR %v", spec, c)
			}
		}
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = remote
		r.Header.Set("X-Forwarded-For", xff)
		peer := peerAddr(r)
		if got := ClientIP(r, Proxies{}); got != peer {
			t.Fatalf("no proxy trusted: %v, want the peer %v", got, peer)
		}
		got := ClientIP(r, p)
		if got != peer && !contains(xff, got) {
			t.Fatalf("ClientIP = %v: neither the peer %v nor in %q", got, peer, xff)
		}

		r.Header.Set("X-Forwarded-Proto", proto)
		if IsHTTPS(r, Proxies{}) {
			t.Fatalf("no proxy trusted: X-Forwarded-Proto %q made the request https", proto)
		}
		https := IsHTTPS(r, p)
		if https && !strings.Contains(strings.ToLower(proto), "https") {
			t.Fatalf("https from X-Forwarded-Proto %q", proto)
		}
		if len(strings.Split(proto, ",")) >= forwardedHops(r, p) {
			r.Header.Set("X-Forwarded-Proto", "https, "+proto)
			if IsHTTPS(r, p) != https {
				t.Fatalf("a client's entry on the left of %q changed the scheme", proto)
			}
		}
	})
}

// contains reports whether the header names the address (an entry of its
// comma-separated list, unmapped).
func contains(xff string, ip netip.Addr) bool {
	for _, e := range strings.Split(xff, ",") {
		if a, err := netip.ParseAddr(strings.TrimSpace(e)); err == nil && a.Unmap() == ip {
			return true
		}
	}
	return false
}
