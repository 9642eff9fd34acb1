package httpx

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"sync"
	"testing"
	"time"
)

func TestLimitAnswers503WhenSaturated(t *testing.T) {
	release := make(chan struct{})
	entered := make(chan struct{}, 2)
	h := Limit(2, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		entered <- struct{}{}
		<-release
		w.WriteHeader(204)
	}))
	var wg sync.WaitGroup
	codes := make([]int, 2)
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest("POST", "/e", nil))
			codes[i] = w.Code
		}(i)
	}
	<-entered
	<-entered
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("POST", "/e", nil))
	if w.Code != 503 || w.Header().Get("Retry-After") == "" {
		t.Fatalf("third request: %d %v", w.Code, w.Header())
	}
	close(release)
	wg.Wait()
	if codes[0] != 204 || codes[1] != 204 {
		t.Fatalf("admitted requests: %v", codes)
	}
}

func TestRateLimiterTokenBucket(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := &RateLimiter{Rate: 2, Burst: 3, Now: func() time.Time { return now }}
	for i := 0; i < 3; i++ {
		if ok, _ := l.Allow("a"); !ok {
			t.Fatalf("burst request %d refused", i)
		}
	}
	ok, wait := l.Allow("a")
	if ok || wait <= 0 || wait > 500*time.Millisecond {
		t.Fatalf("over burst: ok=%v wait=%v", ok, wait)
	}
	if ok, _ := l.Allow("b"); !ok {
		t.Fatal("another client was limited")
	}
	now = now.Add(500 * time.Millisecond) // one token back at 2/s
	if ok, _ := l.Allow("a"); !ok {
		t.Fatal("token not refilled")
	}
	if ok, _ := l.Allow("a"); ok {
		t.Fatal("refilled more than the rate")
	}
	h := l.Middleware(func(r *http.Request) string { return "a" }, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("POST", "/e", nil))
	if w.Code != 429 || w.Header().Get("Retry-After") == "" {
		t.Fatalf("middleware: %d %v", w.Code, w.Header())
	}
}

func TestClientKeyIsTheIPv6Prefix(t *testing.T) {
	for in, want := range map[string]string{
		"192.0.2.7":            "192.0.2.7",
		"2001:db8:1:2::1":      "2001:db8:1:2::/64",
		"2001:db8:1:2:ffff::9": "2001:db8:1:2::/64",
		"2001:db8:1:3::1":      "2001:db8:1:3::/64",
	} {
		if got := ClientKey(netip.MustParseAddr(in)); got != want {
			t.Errorf("ClientKey(%s) = %s, want %s", in, got, want)
		}
	}
}
