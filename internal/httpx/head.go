package httpx

import (
	"fmt"
	"net/http"
)

// HeadSize is the size of r's request line and header fields as a client
// sends them: "METHOD target PROTO", "Name: value" for each value (Host
// too, which net/http moves out of Header) and the blank line, each line
// ended by CRLF. It is what net/http's MaxHeaderBytes counts, without the
// 4096 bytes of slack net/http adds, and exactly the bytes read for a head
// written without extra spaces or folded lines.
func HeadSize(r *http.Request) int {
	n := len(r.Method) + 1 + len(r.RequestURI) + 1 + len(r.Proto) + 2
	if r.Host != "" {
		n += len("Host: ") + len(r.Host) + 2
	}
	for k, vs := range r.Header {
		for _, v := range vs {
			n += len(k) + 2 + len(v) + 2
		}
	}
	return n + 2
}

// LimitHead answers 431 in JSON to a request whose line and headers
// (HeadSize) pass max bytes, naming the largest part (the URL, or a
// header: a cookie jar grown too big), before any handler runs. net/http's
// own bound (Server.MaxHeaderBytes) answers in text/plain before the
// handler, so the server sets it above max and leaves this the one that
// clients meet.
func LimitHead(max int, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n := HeadSize(r); n > max {
			part, size := "the URL", len(r.RequestURI)
			for k, vs := range r.Header {
				m := 0
				for _, v := range vs {
					m += len(k) + 2 + len(v) + 2
				}
				if m > size {
					part, size = "header "+k, m
				}
			}
			Error(w, http.StatusRequestHeaderFieldsTooLarge,
				fmt.Sprintf("request line and headers are %d bytes, over the limit of %d: the largest part is %s (%d bytes)", n, max, part, size))
			return
		}
		h.ServeHTTP(w, r)
	})
}
