package visitor

import (
	"net/http/httptest"
	"testing"
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
