package crm

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/baton-hq/baton/internal/hubspotrate"
	"github.com/baton-hq/baton/internal/push"
	"github.com/baton-hq/baton/internal/textcut"
)

// noRedirects returns a copy of c (a default client when nil) that never
// follows a redirect: a write answered 3xx has not been done, so the
// connector sees the 3xx and reports it (see redirected) instead of
// replaying the request somewhere else or taking the next page's 200 as
// success.
func noRedirects(c *http.Client, timeout time.Duration) *http.Client {
	out := &http.Client{Timeout: timeout}
	if c != nil {
		cp := *c
		out = &cp
	}
	out.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return out
}

// redirected is the failure of a request answered with a redirect:
// transient (a moved endpoint or a maintenance page may come back; if it
// persists the MQL is dead-lettered with this reason).
func redirected(connector string, resp *http.Response) *push.Error {
	return &push.Error{Connector: connector, Status: resp.StatusCode, Code: "REDIRECT",
		Message: fmt.Sprintf("answered with a redirect to %q instead of doing the request; redirects are never followed (check the configured URL)", resp.Header.Get("Location"))}
}

// retryAfter reads a Retry-After header (seconds or an HTTP date).
func retryAfter(h http.Header, now time.Time) time.Duration { return hubspotrate.RetryAfter(h, now) }

// maxAnswer bounds the part of an API's answer a failure quotes when it
// is not the API's own error form (a proxy's or a maintenance page, a
// receiver's text): enough to say what it is, never the page whole.
const maxAnswer = 512

// answerText is an answer's body as a failure quotes it: trimmed, valid
// UTF-8, at most maxAnswer bytes and never half a character (a Japanese
// receiver's message cut mid-character was recorded as invalid UTF-8).
// Read at least maxAnswer+utf8.UTFMax bytes of the body, so that the cut
// is this function's.
func answerText(b []byte) string {
	return textcut.Bytes(strings.ToValidUTF8(strings.TrimSpace(string(b)), "\uFFFD"), maxAnswer)
}
