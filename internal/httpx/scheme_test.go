package httpx

import (
	"crypto/tls"
	"net/http/httptest"
	"net/netip"
	"testing"
)

// TestIsHTTPSTrustsOnlyTrustedProxies: X-Forwarded-Proto counts only when
// the request came through the proxies BATON_TRUST_PROXY trusts (ClientIP's
// rule), and then the entry the outermost trusted proxy wrote.
func TestIsHTTPSTrustsOnlyTrustedProxies(t *testing.T) {
	cidrs := Proxies{CIDRs: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}}
	for _, c := range []struct {
		name  string
		p     Proxies
		peer  string
		xff   []string
		proto []string
		tls   bool
		want  bool
	}{
		{name: "plain http, no header", peer: "203.0.113.7:1"},
		{name: "TLS connection", peer: "203.0.113.7:1", tls: true, want: true},
		{name: "TLS connection, client says http", peer: "203.0.113.7:1", tls: true, proto: []string{"http"}, want: true},
		{name: "no proxy trusted: the header is the client's", peer: "203.0.113.7:1", proto: []string{"https"}},
		{name: "no proxy trusted, with a forged chain", peer: "203.0.113.7:1", xff: []string{"10.0.0.1"}, proto: []string{"https"}},

		{name: "one hop: the proxy says https", p: Proxies{Hops: 1}, peer: "127.0.0.1:1", xff: []string{"203.0.113.7"}, proto: []string{"https"}, want: true},
		{name: "one hop: the proxy says http", p: Proxies{Hops: 1}, peer: "127.0.0.1:1", xff: []string{"203.0.113.7"}, proto: []string{"http"}},
		{name: "one hop: case and spaces", p: Proxies{Hops: 1}, peer: "127.0.0.1:1", xff: []string{"203.0.113.7"}, proto: []string{" HTTPS "}, want: true},
		{name: "one hop: no header", p: Proxies{Hops: 1}, peer: "127.0.0.1:1", xff: []string{"203.0.113.7"}},
		{name: "one hop: bypassed (no chain)", p: Proxies{Hops: 1}, peer: "203.0.113.7:1", proto: []string{"https"}},
		{name: "one hop appending: the client's entry on the left does not count", p: Proxies{Hops: 1}, peer: "127.0.0.1:1", xff: []string{"203.0.113.7"}, proto: []string{"https, http"}},
		{name: "one hop appending, over two lines", p: Proxies{Hops: 1}, peer: "127.0.0.1:1", xff: []string{"203.0.113.7"}, proto: []string{"https", "http"}},
		{name: "two hops, the outer one's header passed on", p: Proxies{Hops: 2}, peer: "127.0.0.1:1", xff: []string{"203.0.113.7, 10.0.0.1"}, proto: []string{"https"}, want: true},
		{name: "two hops appending: the outer one saw https", p: Proxies{Hops: 2}, peer: "127.0.0.1:1", xff: []string{"203.0.113.7, 10.0.0.1"}, proto: []string{"https, http"}, want: true},
		{name: "two hops appending after a client's https: the outer one saw http", p: Proxies{Hops: 2}, peer: "127.0.0.1:1", xff: []string{"203.0.113.7, 10.0.0.1"}, proto: []string{"https, http, http"}},
		{name: "two hops, chain too short: bypassed", p: Proxies{Hops: 2}, peer: "127.0.0.1:1", xff: []string{"203.0.113.7"}, proto: []string{"https"}},

		{name: "CIDRs: trusted peer says https", p: cidrs, peer: "10.1.2.3:1", xff: []string{"203.0.113.7"}, proto: []string{"https"}, want: true},
		{name: "CIDRs: trusted peer says http", p: cidrs, peer: "10.1.2.3:1", xff: []string{"203.0.113.7"}, proto: []string{"http"}},
		{name: "CIDRs: untrusted peer with the header", p: cidrs, peer: "203.0.113.7:1", proto: []string{"https"}},
		{name: "CIDRs: untrusted peer with a forged chain", p: cidrs, peer: "203.0.113.7:1", xff: []string{"10.0.0.1"}, proto: []string{"https"}},
		{name: "CIDRs: trusted peer appending after a client's https", p: cidrs, peer: "10.1.2.3:1", xff: []string{"203.0.113.7"}, proto: []string{"https, http"}},
		{name: "CIDRs: a forged trusted entry does not add a hop", p: cidrs, peer: "10.1.2.3:1", xff: []string{"10.9.9.9, 203.0.113.7"}, proto: []string{"https, http"}},
		{name: "CIDRs: two trusted proxies appending", p: cidrs, peer: "10.1.2.3:1", xff: []string{"203.0.113.7, 10.0.0.1"}, proto: []string{"https, http"}, want: true},
		{name: "CIDRs: IPv4-mapped peer", p: cidrs, peer: "[::ffff:10.1.2.3]:1", xff: []string{"203.0.113.7"}, proto: []string{"https"}, want: true},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = c.peer
		r.TLS = nil
		if c.tls {
			r.TLS = &tls.ConnectionState{}
		}
		for _, x := range c.xff {
			r.Header.Add("X-Forwarded-For", x)
		}
		for _, x := range c.proto {
			r.Header.Add("X-Forwarded-Proto", x)
		}
		if got := IsHTTPS(r, c.p); got != c.want {
			t.Errorf("%s: IsHTTPS = %v, want %v", c.name, got, c.want)
		}
	}
}

// TestMarkHTTPS: the platform's word (lambdahttp) holds without any header
// or trusted proxy.
func TestMarkHTTPS(t *testing.T) {
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "203.0.113.7:1"
	if IsHTTPS(r, Proxies{}) {
		t.Fatal("plain request is https")
	}
	if !IsHTTPS(MarkHTTPS(r), Proxies{}) {
		t.Fatal("marked request is not https")
	}
}
