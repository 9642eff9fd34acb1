package tag_test

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/baton-hq/baton/tag"
	"github.com/baton-hq/baton/tag/internal/tagbuild"
)

// Budget is the most the built tag may weigh, gzipped.
const Budget = 2048

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
	t.Logf("tag: %d bytes minified, %d bytes gzipped (budget %d)", len(tag.JS()), n, Budget)
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

// BenchmarkTagSize reports the tag's weight for `make bench`.
func BenchmarkTagSize(b *testing.B) {
	for i := 0; i < b.N; i++ {
		gzipped(tag.JS())
	}
	b.ReportMetric(float64(len(tag.JS())), "minified-bytes")
	b.ReportMetric(float64(gzipped(tag.JS())), "gzip-bytes")
	b.ReportMetric(Budget, "budget-bytes")
}
