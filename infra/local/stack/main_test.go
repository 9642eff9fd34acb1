package stack_test

import (
	"net/http"
	"os"
	"testing"
)

// A browser's user agent on every request of these tests: Go's own
// ("Go-http-client") is rightly flagged as a bot, and bots never score.
const browserUA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"

type asBrowser struct{ base http.RoundTripper }

func (b asBrowser) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Header.Get("User-Agent") == "" {
		r = r.Clone(r.Context())
		r.Header.Set("User-Agent", browserUA)
	}
	return b.base.RoundTrip(r)
}

func TestMain(m *testing.M) {
	http.DefaultTransport = asBrowser{http.DefaultTransport}
	os.Exit(m.Run())
}
