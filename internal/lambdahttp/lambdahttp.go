// Package lambdahttp serves a net/http handler from AWS Lambda behind an API
// Gateway HTTP API (payload format 2.0) or a Lambda Function URL, which share
// the same event shape. The same handlers run locally, in tests and on AWS.
package lambdahttp

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"

	"github.com/baton-hq/baton/internal/httpx"
)

// Adapter turns API Gateway v2 events into requests for an http.Handler.
type Adapter struct {
	Handler http.Handler
}

// Handle is the Lambda entry point: lambda.Start(adapter.Handle).
func (a Adapter) Handle(ctx context.Context, ev events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	rec := httptest.NewRecorder()
	r, err := Request(ctx, ev)
	if err != nil {
		httpx.Error(rec, http.StatusBadRequest, "malformed request: "+err.Error())
	} else {
		a.Handler.ServeHTTP(rec, r)
	}
	resp := Response(rec.Result().StatusCode, rec.Header(), rec.Body.Bytes())
	if n := payloadSize(resp); n > MaxPayload {
		// Lambda would fail the invocation ("Response payload size
		// exceeded") and API Gateway answer a bare 500: the client learns
		// nothing, and a retry fails the same way.
		status := http.StatusInternalServerError
		if r != nil && r.Method != http.MethodGet && r.Method != http.MethodHead {
			status = http.StatusRequestEntityTooLarge // what was sent makes the answer too large (a recipient list)
		}
		rec = httptest.NewRecorder()
		httpx.Error(rec, status, fmt.Sprintf("the answer would be %.1f MB, over the %d MB an AWS Lambda function can return: ask for less (a shorter period, fewer rows, or a list split in parts)", float64(n)/(1<<20), MaxPayload>>20))
		resp = Response(status, rec.Header(), rec.Body.Bytes())
	}
	return resp, nil
}

// MaxPayload is the largest invocation payload, request or response,
// Lambda takes for a synchronous call (6 MB): API Gateway refuses a larger
// request before the function runs, and Lambda fails a larger answer.
const MaxPayload = 6 << 20

// MaxUpload is the largest file an upload to a function can carry: a
// browser's multipart form is binary, which API Gateway hands over
// base64-encoded (4 bytes for 3) within MaxPayload, less room for the
// form's other parts and the event's headers.
const MaxUpload = MaxPayload/4*3 - 256<<10

// payloadSize is the size of resp as Lambda serialises it. Only a large
// body is measured: a small answer is far below MaxPayload.
func payloadSize(resp events.APIGatewayV2HTTPResponse) int {
	if len(resp.Body) < MaxPayload/8 {
		return len(resp.Body)
	}
	var c countWriter
	enc := json.NewEncoder(&c)
	enc.SetEscapeHTML(false) // as aws-lambda-go writes it (lambda.WithSetEscapeHTML's default)
	if err := enc.Encode(resp); err != nil {
		return len(resp.Body)
	}
	return int(c)
}

type countWriter int

func (c *countWriter) Write(p []byte) (int, error) { *c += countWriter(len(p)); return len(p), nil }

// Request builds the *http.Request an API Gateway v2 event describes.
func Request(ctx context.Context, ev events.APIGatewayV2HTTPRequest) (*http.Request, error) {
	body := []byte(ev.Body)
	if ev.IsBase64Encoded {
		b, err := base64.StdEncoding.DecodeString(ev.Body)
		if err != nil {
			return nil, errors.New("the body is flagged base64 but is not")
		}
		body = b
	}
	method := ev.RequestContext.HTTP.Method
	if method == "" {
		method = http.MethodGet
	}
	path := ev.RawPath
	if path == "" {
		path = ev.RequestContext.HTTP.Path
	}
	// API Gateway's HTTP API hands the path over percent-decoded, rawPath
	// included (a tracked link's /c/x/100%25 arrives as /c/x/100%, and
	// decoding it again refused it, or made %2541 an A); a Function URL
	// hands it over as sent.
	u := &url.URL{Path: path, RawQuery: ev.RawQueryString}
	if strings.Contains(ev.RequestContext.DomainName, ".lambda-url.") {
		p, err := url.PathUnescape(path)
		if err != nil {
			return nil, fmt.Errorf("the path %q is not valid percent-encoding", path)
		}
		u.Path, u.RawPath = p, path
	}
	r, err := http.NewRequestWithContext(ctx, method, "/", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	// The URL as built, not parsed again from its string: "//e" would
	// parse as the host "e" with no path.
	r.URL, r.RequestURI = u, u.RequestURI()
	for k, v := range ev.Headers {
		r.Header.Set(k, v)
	}
	if len(ev.Cookies) > 0 {
		r.Header.Set("Cookie", strings.Join(ev.Cookies, "; "))
	}
	r.Host = ev.Headers["host"]
	if r.Host == "" {
		r.Host = ev.RequestContext.DomainName
	}
	// http.Request.RemoteAddr is host:port; API Gateway gives the bare address.
	if ip, err := netip.ParseAddr(ev.RequestContext.HTTP.SourceIP); err == nil {
		r.RemoteAddr = netip.AddrPortFrom(ip, 0).String()
	}
	// API Gateway and Function URLs serve https only and terminate TLS: the
	// client used https. Said in the request's context, not in
	// X-Forwarded-Proto, which a client can send too (httpx.IsHTTPS).
	r.ContentLength = int64(len(body))
	// The CDN's origin secret leaves the headers for the context, where
	// only the client's address is decided with it (httpx.TakeOrigin).
	return httpx.MarkHTTPS(httpx.TakeOrigin(r)), nil
}

// Response converts a recorded answer; Set-Cookie headers go to the Cookies
// field, which is how payload 2.0 returns several cookies. Binary bodies
// (not UTF-8, or with a Content-Encoding such as gzip or br) are returned
// base64-encoded with IsBase64Encoded set.
func Response(status int, h http.Header, body []byte) events.APIGatewayV2HTTPResponse {
	resp := events.APIGatewayV2HTTPResponse{StatusCode: status, Headers: map[string]string{}}
	for k, vs := range h {
		if http.CanonicalHeaderKey(k) == "Set-Cookie" {
			resp.Cookies = append(resp.Cookies, vs...)
			continue
		}
		resp.Headers[k] = strings.Join(vs, ", ")
	}
	// A compressed body is binary even when its bytes happen to be valid
	// UTF-8: API Gateway must decode it, not pass it on as text.
	if enc := strings.TrimSpace(h.Get("Content-Encoding")); (enc == "" || strings.EqualFold(enc, "identity")) && utf8.Valid(body) {
		resp.Body = string(body)
	} else {
		resp.Body = base64.StdEncoding.EncodeToString(body)
		resp.IsBase64Encoded = true
	}
	return resp
}
