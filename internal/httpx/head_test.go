package httpx

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// readHead parses raw as the server does: Host moved out of Header.
func readHead(t *testing.T, raw string) *http.Request {
	t.Helper()
	r, err := http.ReadRequest(bufio.NewReader(strings.NewReader(raw)))
	if err != nil {
		t.Fatalf("%q: %v", raw, err)
	}
	r.Header.Del("Host")
	return r
}

// TestHeadSizeCountsTheBytesSent: a head written as clients write it
// (origin form, "Name: value" lines) is counted to the byte, several lines
// of one header and Host included; extra spaces net/http trims are not
// counted, so a head is never counted larger than it was sent.
func TestHeadSizeCountsTheBytesSent(t *testing.T) {
	for _, raw := range []string{
		"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
		"POST /e?a=1&b=%20 HTTP/1.1\r\nHost: baton.example.com:8080\r\nContent-Type: text/plain\r\nContent-Length: 0\r\n\r\n",
		"GET /admin/people HTTP/1.1\r\nHost: h\r\nCookie: a=1\r\nCookie: b=2\r\nAccept: text/html\r\nX-Empty: \r\n\r\n",
		"GET /healthz HTTP/1.0\r\n\r\n",
	} {
		if got := HeadSize(readHead(t, raw)); got != len(raw) {
			t.Errorf("%q: %d, want %d", raw, got, len(raw))
		}
	}
	loose := "GET / HTTP/1.1\r\nHost:   x  \r\nX-A:\t1\r\n\r\n"
	if got := HeadSize(readHead(t, loose)); got >= len(loose) {
		t.Errorf("%q: %d, want under %d", loose, got, len(loose))
	}
}

// TestLimitHeadSaysWhichPart: past the limit the answer is a JSON 431
// naming the limit and the largest part, the URL or a header (its lines
// together); at the limit the request is served.
func TestLimitHeadSaysWhichPart(t *testing.T) {
	served := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	for _, c := range []struct {
		name, raw string
		max       int
		code      int
		error     string // %d: the head's length
	}{
		{"at the limit", "GET /x HTTP/1.1\r\nHost: h\r\n\r\n", 28, 204, ""},
		{"the URL", "GET /" + strings.Repeat("u", 100) + " HTTP/1.1\r\nHost: h\r\nX-A: 1\r\n\r\n", 100, 431,
			"request line and headers are %d bytes, over the limit of 100: the largest part is the URL (101 bytes)"},
		{"a header's lines together", "GET / HTTP/1.1\r\nHost: h\r\nCookie: " + strings.Repeat("a", 40) + "\r\nCookie: " + strings.Repeat("b", 40) + "\r\nX-Long: " + strings.Repeat("c", 60) + "\r\n\r\n", 100, 431,
			"request line and headers are %d bytes, over the limit of 100: the largest part is header Cookie (100 bytes)"},
	} {
		w := httptest.NewRecorder()
		LimitHead(c.max, served).ServeHTTP(w, readHead(t, c.raw))
		if w.Code != c.code {
			t.Errorf("%s: %d, want %d", c.name, w.Code, c.code)
			continue
		}
		if c.code != 431 {
			continue
		}
		var body ErrorBody
		if !strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") || json.Unmarshal(w.Body.Bytes(), &body) != nil || body.Error != fmt.Sprintf(c.error, len(c.raw)) {
			t.Errorf("%s: %s %q, want %q", c.name, w.Header().Get("Content-Type"), w.Body.String(), fmt.Sprintf(c.error, len(c.raw)))
		}
	}
}
