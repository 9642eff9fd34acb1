package lambdahttp_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/baton-hq/baton/internal/httpx"
	"github.com/baton-hq/baton/internal/lambdahttp"
	"github.com/baton-hq/baton/internal/visitor"
)

func decode(t *testing.T, resp events.APIGatewayV2HTTPResponse) []byte {
	t.Helper()
	if !resp.IsBase64Encoded {
		return []byte(resp.Body)
	}
	b, err := base64.StdEncoding.DecodeString(resp.Body)
	if err != nil {
		t.Fatalf("body flagged base64 but is not: %v", err)
	}
	return b
}

// TestBinaryBodiesAreBase64: text goes as is; a body that is not UTF-8, or
// carries a Content-Encoding (even when its bytes are valid UTF-8), goes
// base64-encoded, and decodes to the same bytes.
func TestBinaryBodiesAreBase64(t *testing.T) {
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte("console.log('hi')"))
	zw.Close()
	for _, c := range []struct {
		name     string
		encoding string
		body     []byte
		base64   bool
	}{
		{"text", "", []byte(`{"ok":true}`), false},
		{"identity", "identity", []byte("plain"), false},
		{"invalid UTF-8", "", []byte{0xff, 0xfe, 0x00, 0x01}, true},
		{"gzip", "gzip", gz.Bytes(), true},
		{"br, valid UTF-8 bytes", "br", []byte("abc"), true},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := http.Header{"Content-Type": {"application/octet-stream"}}
			if c.encoding != "" {
				h.Set("Content-Encoding", c.encoding)
			}
			resp := lambdahttp.Response(200, h, c.body)
			if resp.IsBase64Encoded != c.base64 {
				t.Fatalf("IsBase64Encoded = %v, want %v", resp.IsBase64Encoded, c.base64)
			}
			if got := decode(t, resp); !bytes.Equal(got, c.body) {
				t.Fatalf("body %q, want %q", got, c.body)
			}
		})
	}
}

// TestAdapterGzipRoundTrip: a gzipped answer through the adapter arrives
// base64-encoded with its Content-Encoding, and inflates to the original.
func TestAdapterGzipRoundTrip(t *testing.T) {
	const text = "window.baton = 1;"
	a := lambdahttp.Adapter{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(w)
		io.WriteString(zw, text)
		zw.Close()
	})}
	var ev events.APIGatewayV2HTTPRequest
	ev.RawPath = "/t.js"
	ev.RequestContext.HTTP.Method = "GET"
	ev.Headers = map[string]string{"accept-encoding": "gzip"}
	resp, err := a.Handle(context.Background(), ev)
	if err != nil {
		t.Fatal(err)
	}
	if !resp.IsBase64Encoded || resp.Headers["Content-Encoding"] != "gzip" {
		t.Fatalf("base64 %v, headers %v", resp.IsBase64Encoded, resp.Headers)
	}
	zr, err := gzip.NewReader(bytes.NewReader(decode(t, resp)))
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(zr)
	if string(got) != text {
		t.Fatalf("inflated %q", got)
	}
}

// TestRequestsAreHTTPS: API Gateway and Function URLs serve https only, so
// every request the adapter builds is https (httpx.IsHTTPS) with no proxy
// trusted and whatever X-Forwarded-Proto says: visitor cookies are Secure
// and the request's own base URL is https.
func TestRequestsAreHTTPS(t *testing.T) {
	a := lambdahttp.Adapter{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		visitor.Cookie{}.Set(w, r, "v-0123456789")
		io.WriteString(w, httpx.BaseURL("", r, httpx.Proxies{}))
	})}
	for _, proto := range []string{"", "https", "http"} {
		var ev events.APIGatewayV2HTTPRequest
		ev.RawPath = "/e"
		ev.RequestContext.HTTP.Method = "POST"
		ev.RequestContext.HTTP.SourceIP = "203.0.113.45"
		ev.Headers = map[string]string{"host": "abc123.execute-api.eu-west-1.amazonaws.com"}
		if proto != "" {
			ev.Headers["x-forwarded-proto"] = proto
		}
		resp, err := a.Handle(context.Background(), ev)
		if err != nil {
			t.Fatal(err)
		}
		if resp.Body != "https://abc123.execute-api.eu-west-1.amazonaws.com" {
			t.Errorf("X-Forwarded-Proto %q: base URL %q", proto, resp.Body)
		}
		if len(resp.Cookies) != 1 || !strings.Contains(resp.Cookies[0], "; Secure") {
			t.Errorf("X-Forwarded-Proto %q: cookies %q", proto, resp.Cookies)
		}
	}
}

// TestRouterAnswersAreJSON: on AWS the router's own answers reach the
// client through the adapter as on the local stack: a path not in clean
// form is a redirect with its Location and a JSON body saying where the
// route is (the adapter once read an event's "//e" as the host "e" and no
// path), a wrong method a JSON 405, an event the adapter cannot read a
// JSON 400 saying what is wrong with it (a Function URL's path that is
// not valid percent-encoding, which net/http's server refuses too). API
// Gateway's HTTP API decodes the path before the function sees it, rawPath
// too: it is not decoded again.
func TestRouterAnswersAreJSON(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /e", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	mux.HandleFunc("GET /p/{id}", func(w http.ResponseWriter, r *http.Request) {
		httpx.JSON(w, http.StatusOK, httpx.ErrorBody{Field: r.PathValue("id")})
	})
	a := lambdahttp.Adapter{Handler: httpx.Under("", httpx.Routes(mux))}
	for _, c := range []struct {
		method, path, body string
		base64             bool
		code               int
		location, error    string
		id                 string // what GET /p/{id} saw
	}{
		{"POST", "//e", "{}", false, 307, "/e", "the path //e is not in clean form (an empty, . or .. segment): the route is /e", ""},
		{"POST", "/./e", "{}", false, 307, "/e", "the path /./e is not in clean form (an empty, . or .. segment): the route is /e", ""},
		{"GET", "/e", "", false, 405, "", "GET is not allowed here", ""},
		{"POST", "/nowhere", "{}", false, 404, "", "no such route", ""},
		{"POST", "/e", "not base64!", true, 400, "", "malformed request: the body is flagged base64 but is not", ""},
		{"G T", "/e", "", false, 400, "", `malformed request: net/http: invalid method "G T"`, ""},
		{"GET", "url:/c/%zz/t", "", false, 400, "", `malformed request: the path "/c/%zz/t" is not valid percent-encoding`, ""},
		{"GET", "url:/p/a%2Fb", "", false, 200, "", "", "a/b"}, // an escaped slash stays in its segment
		{"GET", "url:/p/100%25", "", false, 200, "", "", "100%"},
		{"GET", "/p/100%", "", false, 200, "", "", "100%"}, // the HTTP API's /p/100%25
		{"GET", "/p/%41", "", false, 200, "", "", "%41"},   // its /p/%2541
		{"GET", "/p/山田", "", false, 200, "", "", "山田"},     // its /p/%E5%B1%B1%E7%94%B0
	} {
		var ev events.APIGatewayV2HTTPRequest
		ev.RawPath = c.path
		ev.RequestContext.DomainName = "abc123.execute-api.us-east-1.amazonaws.com"
		if p, ok := strings.CutPrefix(c.path, "url:"); ok { // a Function URL's event: the path as sent
			ev.RawPath, ev.RequestContext.DomainName = p, "abc123.lambda-url.us-east-1.on.aws"
		}
		ev.RequestContext.HTTP.Method = c.method
		ev.Body, ev.IsBase64Encoded = c.body, c.base64
		resp, err := a.Handle(context.Background(), ev)
		if err != nil {
			t.Fatal(err)
		}
		var body struct{ Error, Location, Field string }
		if resp.StatusCode != c.code || resp.Headers["Location"] != c.location || !strings.HasPrefix(resp.Headers["Content-Type"], "application/json") {
			t.Errorf("%s %s: %d %v", c.method, c.path, resp.StatusCode, resp.Headers)
		}
		if err := json.Unmarshal(decode(t, resp), &body); err != nil || body.Error != c.error || body.Location != c.location || body.Field != c.id {
			t.Errorf("%s %s: body %q, want error %q", c.method, c.path, resp.Body, c.error)
		}
	}
}

// TestAnswerOverLambdasPayloadSaysSo: an answer Lambda could not return
// (over 6 MB as it serialises it: a binary body base64-encoded, a text's
// quotes escaped) is replaced by an error saying so, 413 when what was
// sent made it (a recipient list) and 500 otherwise; one just under it
// goes as it is.
func TestAnswerOverLambdasPayloadSaysSo(t *testing.T) {
	body := map[string][]byte{
		"text":   bytes.Repeat([]byte("a"), lambdahttp.MaxPayload+1),
		"quotes": bytes.Repeat([]byte(`"`), lambdahttp.MaxPayload/2+1), // each escaped: twice its size
		"binary": bytes.Repeat([]byte{0xff}, lambdahttp.MaxPayload/4*3+1),
		"under":  bytes.Repeat([]byte("a"), lambdahttp.MaxPayload-1024),
	}
	a := lambdahttp.Adapter{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write(body[strings.TrimPrefix(r.URL.Path, "/")])
	})}
	for _, c := range []struct {
		method, path string
		status       int
	}{{"GET", "/text", 500}, {"POST", "/text", 413}, {"GET", "/quotes", 500}, {"POST", "/binary", 413}, {"GET", "/under", 200}} {
		ev := events.APIGatewayV2HTTPRequest{RawPath: c.path}
		ev.RequestContext.HTTP.Method = c.method
		resp, err := a.Handle(context.Background(), ev)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != c.status {
			t.Fatalf("%s %s: %d", c.method, c.path, resp.StatusCode)
		}
		if c.status == 200 {
			if len(resp.Body) != len(body["under"]) {
				t.Fatalf("under the bound: %d bytes of %d", len(resp.Body), len(body["under"]))
			}
			continue
		}
		var e httpx.ErrorBody
		if err := json.Unmarshal(decode(t, resp), &e); err != nil || !strings.Contains(e.Error, "over the 6 MB an AWS Lambda function can return") {
			t.Fatalf("%s %s: %v %q", c.method, c.path, err, resp.Body)
		}
	}
}
