package internaltraffic

import (
	"net/netip"
	"strings"
	"testing"
)

func TestFilter(t *testing.T) {
	f, err := Parse([]string{"203.0.113.0/24", " 2001:db8::/48", "198.51.100.7"}, []string{"Example.co.jp", "@acme.com"})
	if err != nil {
		t.Fatal(err)
	}
	for s, want := range map[string]bool{
		"203.0.113.9": true, "203.0.114.1": false, "2001:db8:0:1::5": true, "2001:db9::1": false,
		"198.51.100.7": true, "198.51.100.8": false, "::ffff:203.0.113.200": true,
	} {
		if got := f.Addr(netip.MustParseAddr(s)); got != want {
			t.Errorf("%s: %v, want %v", s, got, want)
		}
	}
	if f.Addr(netip.Addr{}) {
		t.Error("an unknown address is internal")
	}
	for e, want := range map[string]bool{
		"taro@example.co.jp": true, "hanako@tokyo.example.co.jp": true, "x@notexample.co.jp": false,
		"y@acme.com": true, "z@acme.com.evil.example": false, "": false, "no-at": false,
	} {
		if got := f.Email(e); got != want {
			t.Errorf("%s: %v, want %v", e, got, want)
		}
	}
	var zero Filter
	if zero.Nets() || zero.Addr(netip.MustParseAddr("203.0.113.9")) || zero.Email("taro@example.co.jp") {
		t.Error("the zero filter matches")
	}
}

func TestParseRefuses(t *testing.T) {
	for _, c := range []struct {
		ips, domains []string
		want         string
	}{
		{ips: []string{"203.0.113.5/24"}, want: "host bits set: write the network, 203.0.113.0/24"},
		{ips: []string{"office"}, want: "neither an address nor a network"},
		{ips: []string{"fe80::1%eth0"}, want: "neither an address nor a network"},
		{domains: []string{"localhost"}, want: "not an email domain"},
		{domains: []string{"*.example.com"}, want: "not an email domain"},
		{domains: []string{"taro@example.com"}, want: "not an email domain"},
		{domains: []string{" "}, want: "not an email domain"},
	} {
		if _, err := Parse(c.ips, c.domains); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v %v: %v, want %q", c.ips, c.domains, err, c.want)
		}
	}
}
