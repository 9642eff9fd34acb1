//go:build linux

package web_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/app/web"
	"github.com/baton-hq/baton/internal/testutil/fulldisk"
)

// TestHealthzSaysStoreCannotWrite: with the embedded store unable to grow
// its file (the process's file-size limit here, a full disk on a VM),
// collection answers a JSON 503 and /healthz, which said "ok" all along,
// answers 503 naming the cause; once there is room again the next event is
// stored and /healthz is ok.
//
// Meanwhile the log says it once, not a line per refused request, and once
// when the store writes again (writelog: a line a minute in between).
func TestHealthzSaysStoreCannotWrite(t *testing.T) {
	var logs bytes.Buffer
	c, err := newCore(t, "", &logs)
	if err != nil {
		t.Fatal(err)
	}
	collect, err := web.CollectHandler(c)
	if err != nil {
		t.Fatal(err)
	}
	do := func(method, path, body string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(method, path, strings.NewReader(body))
		r.Header.Set("Content-Type", "text/plain;charset=UTF-8")
		r.Header.Set("User-Agent", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36")
		w := httptest.NewRecorder()
		collect.ServeHTTP(w, r)
		return w
	}
	health := func() (int, map[string]string) {
		w := do("GET", "/healthz", "")
		var m map[string]string
		if err := json.Unmarshal(w.Body.Bytes(), &m); err != nil {
			t.Fatalf("GET /healthz %d %q: %v", w.Code, w.Body, err)
		}
		return w.Code, m
	}
	if code, m := health(); code != 200 || m["status"] != "ok" {
		t.Fatalf("healthz before: %d %v", code, m)
	}
	pad := strings.Repeat("x", 3000)
	pv := func(i int) string {
		return fmt.Sprintf(`{"type":"page_view","messageId":"m%d","anonymousId":"a%d","properties":{"url":"https://www.example.com/p?q=%s"}}`, i, i, pad)
	}

	restore := fulldisk.Limit(t, 1<<20)
	var refused *httptest.ResponseRecorder
	for i := 0; i < 2000 && refused == nil; i++ {
		if w := do("POST", "/e", pv(i)); w.Code != http.StatusNoContent {
			refused = w
		}
	}
	if refused == nil {
		t.Fatal("2000 events of 3 KB fitted in a 1 MB file")
	}
	var body map[string]string
	if refused.Code != http.StatusServiceUnavailable || json.Unmarshal(refused.Body.Bytes(), &body) != nil || body["error"] == "" {
		t.Fatalf("POST /e with the store full: %d %q, want a JSON 503", refused.Code, refused.Body)
	}
	// The commit that failed needed the file to grow; a smaller one may
	// still fit in pages freed before (CI saw the next page view stored).
	// Nothing past the two meta pages may be written now, so that each of
	// a busy site's next requests fails as on a disk with no room at all.
	tight := fulldisk.Limit(t, 8192)
	for i := range 50 { // a busy site's next requests
		if w := do("POST", "/e", pv(10000+i)); w.Code != http.StatusServiceUnavailable {
			t.Fatalf("POST /e %d with the store full: %d", i, w.Code)
		}
	}
	code, m := health()
	if code != http.StatusServiceUnavailable || m["status"] != "failing" || !strings.Contains(m["store"], "file too large") {
		t.Fatalf("healthz with the store full: %d %v, want 503 saying the store cannot write", code, m)
	}

	tight()
	restore()
	if w := do("POST", "/e", pv(5000)); w.Code != http.StatusNoContent {
		t.Fatalf("POST /e with room again: %d %s", w.Code, w.Body)
	}
	if code, m := health(); code != 200 || m["status"] != "ok" {
		t.Fatalf("healthz with room again: %d %v", code, m)
	}
	var failed, again int
	for _, l := range strings.Split(logs.String(), "\n") {
		switch {
		case strings.Contains(l, "file too large") && strings.Contains(l, `"level":"ERROR"`):
			failed++
		case strings.Contains(l, "the store writes again: 51 writes failed"):
			again++
		}
	}
	if failed != 1 || again != 1 {
		t.Errorf("logged %d lines of failed writes and %d of the store writing again, want one each:\n%s", failed, again, logs.String())
	}
}
