package visitor

import (
	"net/http/httptest"
	"net/netip"
	"testing"

	"github.com/baton-hq/baton/internal/httpx"
)

// TestReadRefusesIDsBatonMakes: "u:<userId>" and "o:<person>" are the
// server API's and the opens' visitors; a cookie naming one would write
// into them.
func TestReadRefusesIDsBatonMakes(t *testing.T) {
	for v, want := range map[string]bool{
		"Q2xpY2tlZC1hLWxpbmsx": true, "f3b2c1d0-aaaa-4bbb-8ccc-000000000001": true,
		"u:12345678": false, "o:p_26ab6dbd3a24": false, "<script>": false, "short": false,
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("Cookie", CookieName+"="+v)
		got, ok := Cookie{}.Read(r)
		if ok != want || (ok && got != v) {
			t.Errorf("cookie %q: read %q %v, want %v", v, got, ok, want)
		}
	}
}

// TestSecureOnlyWhenHTTPSIsTrusted: a plain-http client that sends
// X-Forwarded-Proto: https itself gets no Secure cookie; the same header
// from a trusted proxy (BATON_TRUST_PROXY) makes it Secure; secure_cookie
// overrides either way.
func TestSecureOnlyWhenHTTPSIsTrusted(t *testing.T) {
	yes, no := true, false
	trusted := httpx.Proxies{CIDRs: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}}
	for _, c := range []struct {
		name   string
		cookie Cookie
		peer   string
		xff    string
		want   bool
	}{
		{"client's own header, no proxy trusted", Cookie{}, "203.0.113.7:5000", "", false},
		{"client's own header, not from the trusted proxy", Cookie{Proxies: trusted}, "203.0.113.7:5000", "", false},
		{"client's own header and chain, not from the trusted proxy", Cookie{Proxies: trusted}, "203.0.113.7:5000", "127.0.0.1", false},
		{"from the trusted proxy", Cookie{Proxies: trusted}, "127.0.0.1:5000", "203.0.113.7", true},
		{"from one trusted hop", Cookie{Proxies: httpx.Proxies{Hops: 1}}, "127.0.0.1:5000", "203.0.113.7", true},
		{"secure_cookie false", Cookie{Proxies: trusted, Secure: &no}, "127.0.0.1:5000", "203.0.113.7", false},
		{"secure_cookie true", Cookie{Secure: &yes}, "203.0.113.7:5000", "", true},
	} {
		r := httptest.NewRequest("POST", "/e", nil)
		r.RemoteAddr = c.peer
		r.Header.Set("X-Forwarded-Proto", "https")
		if c.xff != "" {
			r.Header.Set("X-Forwarded-For", c.xff)
		}
		w := httptest.NewRecorder()
		c.cookie.Set(w, r, "Q2xpY2tlZC1hLWxpbmsx")
		cs := w.Result().Cookies()
		if len(cs) != 1 || cs[0].Name != CookieName || cs[0].Secure != c.want {
			t.Errorf("%s: cookies %+v, want Secure %v", c.name, cs, c.want)
		}
		if c.cookie.SecureFor(r) != c.want {
			t.Errorf("%s: SecureFor = %v", c.name, !c.want)
		}
	}
}
