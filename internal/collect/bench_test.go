package collect_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/collect"
	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/table/bolttable"
	"github.com/baton-hq/baton/internal/visitor"
)

// BenchmarkCollect: the collector's handler on the embedded store (bbolt,
// synced), one request at a time, so each is its own group commit and its
// allocations are the same run to run: the tag's page view in its array
// form (POST /e) and a Segment batch of ten (POST /v1/batch), every
// request with its own message ids, from 1,000 visitors, as infra/bench
// sends them (without enrichment, which infra/bench measures with the
// rest). Besides ns/op, which waits on the disk's syncs, it reports the
// process's processor time a request (cpu-ns/op).
func BenchmarkCollect(b *testing.B) {
	now := time.Date(2031, 5, 12, 9, 0, 0, 0, time.UTC)
	tb, err := bolttable.Open(filepath.Join(b.TempDir(), "b.db"), bolttable.WithClock(clock.Fixed(now)))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { tb.Close() })
	log := &eventlog.Log{T: tb, Now: clock.Fixed(now)}
	dir := &identity.Directory{T: tb, Now: clock.Fixed(now)}
	h := &collect.Handler{
		Events: log, People: &identity.Stitcher{Dir: dir, Log: log},
		Origins: []string{"https://www.example.com"}, Cookie: visitor.Cookie{Domain: "example.com"},
		WriteKey: "write-key-0123456789", Now: clock.Fixed(now),
	}
	mux := http.NewServeMux()
	h.Routes(mux)
	sent := now.Add(-time.Second).UnixMilli()
	const ua = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
	tag := func(id int) (string, map[string]string) {
		v := id % 1000
		return fmt.Sprintf(`[["run,visitor,%d",false,"run,%d",0,null,"page",null,["https://www.example.com/p/%d","Page",""],%d],%d]`, v, id, id%50, sent-500, sent),
			map[string]string{"Content-Type": "text/plain", "Origin": "https://www.example.com", "User-Agent": ua}
	}
	batch := func(id int) (string, map[string]string) {
		v := id % 1000
		evs := make([]string, 10)
		for i := range evs {
			kind := `"type":"page","properties":{"url":"https://www.example.com/p/%d"}`
			if i%3 == 2 {
				kind = `"type":"track","event":"Video Played","properties":{"url":"https://www.example.com/p/%d"}`
			}
			evs[i] = fmt.Sprintf(`{"messageId":"run-%d-%d","anonymousId":"run-visitor-%d","context":{"ip":"203.0.113.%d","userAgent":%q},`+kind+`}`,
				id, i, v, v%250+1, ua, i)
		}
		return `{"batch":[` + strings.Join(evs, ",") + `]}`,
			map[string]string{"Content-Type": "application/json", "User-Agent": "analytics-node/2.1.2", "Authorization": "Basic d3JpdGUta2V5LTAxMjM0NTY3ODk6"}
	}
	id := 0
	for _, c := range []struct {
		name, path string
		req        func(int) (string, map[string]string)
		status     int
	}{{"e-tag-array-page", "/e", tag, 204}, {"v1-batch-10", "/v1/batch", batch, 200}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			cpu := cpuTime()
			for b.Loop() {
				b.StopTimer()
				body, hdr := c.req(id)
				id++
				r := httptest.NewRequest("POST", c.path, strings.NewReader(body))
				r.Host = "t.example.com"
				for k, v := range hdr {
					r.Header.Set(k, v)
				}
				w := httptest.NewRecorder()
				b.StartTimer()
				mux.ServeHTTP(w, r)
				if w.Code != c.status {
					b.Fatalf("status %d %s", w.Code, w.Body)
				}
			}
			b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N), "cpu-ns/op")
		})
	}
}

// cpuTime is the process's processor time so far (user and system).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
