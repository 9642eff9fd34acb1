package internaltraffic

import (
	"net/netip"
	"testing"

	"github.com/baton-hq/baton/internal/event"
)

// TestMappedNetwork: an IPv4 network written IPv4-mapped (as a dual-stack
// listener or a firewall export shows it) covers the IPv4 clients, which
// ClientIP and Addr unmap; it matched nothing.
func TestMappedNetwork(t *testing.T) {
	f, err := Parse([]string{"::ffff:203.0.113.0/120", "::ffff:198.51.100.7"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for s, want := range map[string]bool{"203.0.113.9": true, "::ffff:203.0.113.9": true, "203.0.114.1": false, "198.51.100.7": true} {
		if got := f.Addr(netip.MustParseAddr(s)); got != want {
			t.Errorf("%s: %v, want %v", s, got, want)
		}
	}
}

// TestInternationalDomain: an email's domain is read in A-labels
// (NormalizeEmail), so a staff domain written in Unicode (or full width)
// must be too; it never matched.
func TestInternationalDomain(t *testing.T) {
	f, err := Parse(nil, []string{"例え.jp", "ｂａｔｏｎ．example"})
	if err != nil {
		t.Fatal(err)
	}
	for _, raw := range []string{"taro@例え.jp", "hanako@tokyo.例え.jp", "jiro@baton.example"} {
		e, err := event.NormalizeEmail(raw)
		if err != nil {
			t.Fatal(raw, err)
		}
		if !f.Email(e) {
			t.Errorf("%s (%s) is not internal", raw, e)
		}
	}
}
