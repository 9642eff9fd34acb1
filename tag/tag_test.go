package tag_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/andybalholm/brotli"
	"github.com/aws/aws-lambda-go/events"

	"github.com/baton-hq/baton/internal/lambdahttp"
	"github.com/baton-hq/baton/tag"
	"github.com/baton-hq/baton/tag/internal/tagbuild"
)

// Budget is the most the built tag may weigh, gzipped: at 1,499 now. The
// email field told by autocomplete="email" too (a form builder's field_3
// with no other sign of it recorded no submit) cost 1 byte, tested in the
// array REFUSED tests, extended. Before: 1,498. clean() keeping utm_ names whatever bt_strip holds (a GET form's
// hidden utm_source dropped every later campaign's), paid by bt_strip as
// ",a,,b," written as [bt_strip, n, ,] joined and read as
// bt_strip?.includes([, k, ,]), REFUSED testing [, k, ,] as that does and
// /utm_/ unanchored. (Every field of a GET form in bt_strip, so that a
// contact form's name and phone left its thanks page's URL, took site
// searches' and filters' parameters from every later URL, and telling the
// forms apart by an email field cost 24 bytes more: not kept.) Before: 1,500. data-baton-ignore read on any element around a field (a fieldset's
// fields were sent: the form and the field alone were asked), by
// closest, cost 2. Before: 1,498, 2 under it. The landing page on the first view (consent given after a
// pushState lost the landing's campaign and click id) cost 8 bytes, as
// a fourth value of the view's properties that the collector makes the
// landing view of (event.landingView; the tag sending that view itself
// cost 26, 18 for the shortest form, a wrong title and no view of the
// current page for a site calling baton('page'), none of it paid for
// by a search of the declarations' order, 1 to 2); paid by reading
// data-consent as any value, not compared with 'required' (8). Before:
// 1,498. The opt-out beacon carrying the tag's visitor id (a collector
// on another site gets no cookie: TestOptOutAcrossSites) cost 6 bytes, 3
// once the declarations' order was searched again, paid by /^5|429/ for
// /429|^5/ (1), the submit listener's variables as its parameters (1), the
// fields' map's values as parameters after its index and array, its body
// an expression (2), and off()'s terms reordered (1). Before: 1,500, the
// limit: a select multiple's selected options comma-joined,
// [...el.selectedOptions || [el]].map((o) => o.value) as a string, cost 22 bytes
// (23 before the declarations' order was searched again). Before: 1,478:
// 22 bytes golfed off 1,500 with every feature kept, each saving
// measured where it was made (they do not add exactly): the consent
// mode values compared, not matched ('e' > v for 'denied' 4, a[1] > 't'
// for 'update' 3), the loaded-twice guard without its null check (a
// module, which has no script element, throws instead of doing nothing
// quietly: 4), the form's fields a map (2), click's link a default
// parameter (3), /io|bo/ for checkbox and radio (2), baton('consent')
// storing its value as given (3), the refused field's n in bt_strip (1),
// email = email || v (1) and the declarations' order searched again (1).
// Before: 1,500, the limit: a checkbox group's checked values
// comma-joined cost 10 bytes, paid by an order found by search again (2), off()'s terms
// reordered with denied & updated (2), data-consent read on each check,
// no needConsent (1), baton()'s body an expression (1), the refusal's ||
// terms reordered (1) and box > el.checked for box && !el.checked (1);
// a select multiple's other options, [...selectedOptions], would cost
// about 25 more. Before: 1,499: single-page-app views recorded once two checks have seen the
// URL, with the new page's title, and left to a site that calls
// baton('page'), cost about 21 bytes, each measured on the tag before
// them: the URL the previous check saw about 11, the manual flag 6,
// pagehide recording a view one check has seen 2 to 3, the restore's
// page(e.persisted) -2; queue() without try/catch, off() as an
// expression over dataLayer?.map, the check every 100 ms ("100" is in
// the file, "200" was not) and a declaration order found by search paid
// for them), so it cannot grow unnoticed.
// Target is issue 17's goal, met
// with every feature kept: at 1,596 bytes the tag was 96 over (its features,
// each measured by leaving it out of the built tag: Google consent mode 77,
// the GET-form refused-name list 53, the default download extensions 45,
// GPC 25, the Japanese label refusals 23, link text 13, labels 12,
// navigator.webdriver 11); events in the collector's array form
// (internal/event/tagarray.go) and the order search did the rest. Keeping
// a 429's events queued cost 7 bytes (/429|^5/.test(status); 8 as two
// comparisons), found in equivalent forms: +new Date for Date.now(),
// page's last set in its last argument, off() asked by send's callers
// alone (pagehide's too) and send testing q.length as save does, fetch's
// options and two || chains reordered. The in-memory storage for a page
// whose storage is blocked is the script element's own properties (the
// in-memory copy of the id gone: 0 bytes), baton('page')'s previous-view
// referrer cost 3 and that saved 3, click's closest?.() 1, the download
// attribute 4 (/^(id|tr)/ telling track and identify saved 3).
const (
	Budget = 1500
	Target = 1500
)

func gzipped(b []byte) int {
	var buf bytes.Buffer
	w, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	w.Write(b)
	w.Close()
	return buf.Len()
}

func TestBuiltTagIsFresh(t *testing.T) {
	js, err := tagbuild.Build("src")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(js, tag.JS()) {
		t.Fatal("dist/t.js is stale: run `go generate ./tag` and commit it")
	}
}

func TestSizeBudget(t *testing.T) {
	n := gzipped(tag.JS())
	t.Logf("tag: %d bytes minified, %d bytes gzipped (budget %d, target %d)", len(tag.JS()), n, Budget, Target)
	if n > Budget {
		t.Fatalf("the tag is %d bytes gzipped, over the %d-byte budget", n, Budget)
	}
}

func TestServedWithCachingAndETag(t *testing.T) {
	h := tag.Handler()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/t.js", nil))
	etag := w.Header().Get("ETag")
	if w.Code != 200 || etag == "" || w.Header().Get("Cache-Control") == "" || !bytes.Equal(w.Body.Bytes(), tag.JS()) {
		t.Fatalf("%d %v", w.Code, w.Header())
	}
	r := httptest.NewRequest("GET", "/t.js", nil)
	r.Header.Set("If-None-Match", etag)
	w = httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != http.StatusNotModified || w.Body.Len() != 0 {
		t.Fatalf("revalidation: %d", w.Code)
	}
}

func get(t *testing.T, h http.Handler, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest("GET", "/t.js", nil)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Add(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// inflate decodes a body by its Content-Encoding.
func inflate(t *testing.T, w *httptest.ResponseRecorder) []byte {
	t.Helper()
	var r io.Reader = bytes.NewReader(w.Body.Bytes())
	switch enc := w.Header().Get("Content-Encoding"); enc {
	case "":
	case "gzip":
		zr, err := gzip.NewReader(r)
		if err != nil {
			t.Fatal(err)
		}
		r = zr
	case "br":
		r = brotli.NewReader(r)
	default:
		t.Fatalf("unexpected Content-Encoding %q", enc)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("decoding %s: %v", w.Header().Get("Content-Encoding"), err)
	}
	return b
}

// TestPrecompressed: br, gzip and identity each decode to the tag, with
// Vary: Accept-Encoding, their own Content-Encoding and a distinct strong
// ETag, and each revalidates to a 304 with its own ETag only.
func TestPrecompressed(t *testing.T) {
	h := tag.Handler()
	etags := map[string]string{}
	sizes := map[string]int{}
	for _, c := range []struct{ accept, want string }{
		{"gzip, deflate, br, zstd", "br"},
		{"gzip", "gzip"},
		{"", ""},
	} {
		var w *httptest.ResponseRecorder
		if c.accept == "" {
			w = get(t, h)
		} else {
			w = get(t, h, "Accept-Encoding", c.accept)
		}
		if w.Code != 200 {
			t.Fatalf("%q: %d", c.accept, w.Code)
		}
		if got := w.Header().Get("Content-Encoding"); got != c.want {
			t.Errorf("Accept-Encoding %q: Content-Encoding %q, want %q", c.accept, got, c.want)
		}
		if w.Header().Get("Vary") != "Accept-Encoding" {
			t.Errorf("%q: Vary %q", c.accept, w.Header().Get("Vary"))
		}
		if w.Header().Get("Cache-Control") != "public, max-age=3600, stale-while-revalidate=86400" {
			t.Errorf("%q: Cache-Control %q", c.accept, w.Header().Get("Cache-Control"))
		}
		if !bytes.Equal(inflate(t, w), tag.JS()) {
			t.Errorf("%q: %s body does not decode to the tag", c.accept, c.want)
		}
		etag := w.Header().Get("ETag")
		if len(etag) < 3 || etag[0] != '"' || etag[len(etag)-1] != '"' {
			t.Errorf("%q: ETag %q is not a strong validator", c.accept, etag)
		}
		etags[c.want] = etag
		sizes[c.want] = w.Body.Len()
	}
	if len(map[string]bool{etags["br"]: true, etags["gzip"]: true, etags[""]: true}) != 3 {
		t.Fatalf("ETags not distinct per encoding: %v", etags)
	}
	t.Logf("t.js: %d bytes identity, %d bytes gzip, %d bytes br", sizes[""], sizes["gzip"], sizes["br"])
	if !(sizes["br"] < sizes[""] && sizes["gzip"] < sizes[""]) {
		t.Errorf("compressed variants are not smaller: %v", sizes)
	}

	// Revalidation: 304 for the variant the request gets, 200 when the
	// client holds another variant's ETag.
	for enc, accept := range map[string]string{"br": "br, gzip", "gzip": "gzip", "": "identity"} {
		w := get(t, h, "Accept-Encoding", accept, "If-None-Match", etags[enc])
		if w.Code != http.StatusNotModified || w.Body.Len() != 0 {
			t.Errorf("%q with its own ETag: %d, want 304", accept, w.Code)
		}
		if w.Header().Get("ETag") != etags[enc] || w.Header().Get("Vary") != "Accept-Encoding" {
			t.Errorf("%q 304: headers %v", accept, w.Header())
		}
	}
	w := get(t, h, "Accept-Encoding", "gzip", "If-None-Match", etags["br"])
	if w.Code != 200 || w.Header().Get("Content-Encoding") != "gzip" {
		t.Errorf("gzip request holding the br ETag: %d %q, want 200 gzip", w.Code, w.Header().Get("Content-Encoding"))
	}
	w = get(t, h, "Accept-Encoding", "gzip, br", "If-None-Match", etags["gzip"]+", "+etags["br"])
	if w.Code != http.StatusNotModified {
		t.Errorf("If-None-Match listing both: %d, want 304", w.Code)
	}
}

// TestAcceptEncodingQValues: q-values decide, q=0 excludes, ties prefer br,
// then gzip, then identity.
func TestAcceptEncodingQValues(t *testing.T) {
	h := tag.Handler()
	for accept, want := range map[string]string{
		"br;q=0, gzip":                "gzip",
		"br;q=0,gzip;q=0":             "",
		"gzip;q=1.0, br;q=0.5":        "gzip",
		"gzip;q=0.5, br;q=0.5":        "br",
		"gzip;q=0.8, br;q=0.9":        "br",
		"identity;q=1, gzip;q=0.5":    "",
		"*":                           "br",
		"*;q=0.5, br;q=0":             "gzip",
		"*;q=0":                       "",
		"deflate, zstd":               "",
		"GZIP":                        "gzip",
		"x-gzip":                      "gzip",
		"br;q=bogus, gzip":            "gzip",
		"identity":                    "",
		"br ; q=0.2, gzip ; q = 0.1 ": "br",
	} {
		w := get(t, h, "Accept-Encoding", accept)
		if got := w.Header().Get("Content-Encoding"); got != want {
			t.Errorf("Accept-Encoding %q: Content-Encoding %q, want %q", accept, got, want)
		}
		if !bytes.Equal(inflate(t, w), tag.JS()) {
			t.Errorf("Accept-Encoding %q: body does not decode to the tag", accept)
		}
	}
}

// TestPrecompressedThroughLambda: on AWS the compressed tag leaves the
// Lambda adapter base64-encoded, with its Content-Encoding and Vary.
func TestPrecompressedThroughLambda(t *testing.T) {
	a := lambdahttp.Adapter{Handler: tag.Handler()}
	for _, enc := range []string{"br", "gzip"} {
		var ev events.APIGatewayV2HTTPRequest
		ev.RawPath = "/t.js"
		ev.RequestContext.HTTP.Method = "GET"
		ev.Headers = map[string]string{"accept-encoding": enc}
		resp, err := a.Handle(context.Background(), ev)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != 200 || !resp.IsBase64Encoded || resp.Headers["Content-Encoding"] != enc || resp.Headers["Vary"] != "Accept-Encoding" {
			t.Fatalf("%s: %d base64=%v %v", enc, resp.StatusCode, resp.IsBase64Encoded, resp.Headers)
		}
		body, err := base64.StdEncoding.DecodeString(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		w := httptest.NewRecorder()
		w.Header().Set("Content-Encoding", enc)
		w.Body = bytes.NewBuffer(body)
		if !bytes.Equal(inflate(t, w), tag.JS()) {
			t.Fatalf("%s through Lambda does not decode to the tag", enc)
		}
	}
}

// BenchmarkTagSize reports the tag's weight for `make bench`.
func BenchmarkTagSize(b *testing.B) {
	for i := 0; i < b.N; i++ {
		gzipped(tag.JS())
	}
	b.ReportMetric(float64(len(tag.JS())), "minified-bytes")
	b.ReportMetric(float64(gzipped(tag.JS())), "gzip-bytes")
	b.ReportMetric(Budget, "budget-bytes")
	b.ReportMetric(Target, "target-bytes")
}
