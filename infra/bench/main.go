// Command bench measures Baton's collector on the local stack against a bare
// net/http handler answering 204, on this machine in the same run, and
// prints both with their ratio; then scoring: the rules engine and the
// whole score path on the embedded store for a person with a long history,
// and the time to rescore a million stored events (`make bench`). Loopback
// only; bounded by request and event counts.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/baton-hq/baton/infra/local/stack"
	"github.com/baton-hq/baton/internal/config"
	"github.com/baton-hq/baton/internal/scorebench"
)

func main() {
	n := flag.Int("n", 20000, "requests per target")
	c := flag.Int("c", 32, "concurrent clients")
	people := flag.Int("rescore-people", 1000, "people in the rescore (1,000 events each)")
	flag.Parse()
	collect(*n, *c)
	if err := scoring(*people); err != nil {
		fail(err)
	}
}

// scoring prints the engine's and the score path's throughput (per second
// of processor time: per core, whatever else this machine runs; and per
// second of wall time) and a rescore's time beside their targets.
func scoring(people int) error {
	const target = 100000
	fmt.Printf("scoring, people with %d+ matched events; per processor second (per core) and per second\n", scorebench.HistoryEvents)
	fmt.Printf("  %-54s %14s %12s %s\n", "", "events/cpu-s", "events/s", "target")
	for _, b := range []struct {
		name string
		fn   func(*testing.B)
	}{
		{"rules engine (rulebook.Engine.Apply, 100 a call)", scorebench.Engine},
		{fmt.Sprintf("score path, bbolt, %d-change feed batches", scorebench.Batch), scorebench.ScorePath(scorebench.Batch)},
		{fmt.Sprintf("score path, bbolt, %d-change batches (AWS's)", scorebench.AWSBatch), scorebench.ScorePath(scorebench.AWSBatch)},
	} {
		r := testing.Benchmark(b.fn)
		if r.N == 0 {
			return fmt.Errorf("benchmark %s failed", b.name)
		}
		cpu := r.Extra["events/cpu-s"]
		fmt.Printf("  %-54s %14.0f %12.0f >= %d per core: %s\n", b.name, cpu, r.Extra["events/s"], target, verdict(cpu >= target))
	}
	dir, err := os.MkdirTemp("", "baton-rescore-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	events := people * 1000
	wall, cpu, err := scorebench.Rescore(context.Background(), dir, people, 1000)
	if err != nil {
		return err
	}
	limit := time.Duration(events) * time.Second / target
	fmt.Printf("  rescore of %d stored events (%d people, rescore job, bbolt): %v wall, %v processor; target <= %v per core: %s\n",
		events, people, wall.Round(time.Millisecond), cpu.Round(time.Millisecond), limit, verdict(cpu <= limit))
	return nil
}

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "NOT MET"
}

// collect measures the collector against the bare handler.
func collect(n, c int) {

	bare, err := bareServer()
	if err != nil {
		fail(err)
	}
	dir, err := os.MkdirTemp("", "baton-bench-")
	if err != nil {
		fail(err)
	}
	defer os.RemoveAll(dir)
	env := map[string]string{"BATON_ADDR": "127.0.0.1:0", "BATON_DATA": dir}
	cfg, err := config.FromEnv(func(k string) string { return env[k] }, config.Local)
	if err != nil {
		fail(err)
	}
	cfg.File.RateLimitPerIP = -1 // one client address sends everything here
	cfg.File.MaxPerClient = -1
	s, err := stack.Start(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	if err != nil {
		fail(err)
	}
	defer s.Close()

	// Warm both up so connection setup is not measured.
	load(bare, 500, c)
	load(s.URL+"/e", 500, c)
	b := load(bare, n, c)
	k := load(s.URL+"/e", n, c)

	fmt.Printf("collect throughput, %d page views per target, %d concurrent clients, loopback, one run\n", n, c)
	fmt.Printf("  %-34s %10s %10s %10s %8s\n", "target", "req/s", "p50", "p99", "errors")
	b.print("bare net/http handler (204)")
	k.print("POST /e, local stack (bbolt, enriched, scored)")
	fmt.Printf("  ratio collect/bare throughput: %.2f\n", k.rps/b.rps)
	if k.errors > 0 {
		os.Exit(1)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "bench:", err)
	os.Exit(1)
}

func bareServer() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	go http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusNoContent)
	}))
	return "http://" + ln.Addr().String() + "/e", nil
}

type result struct {
	rps      float64
	p50, p99 time.Duration
	errors   int64
}

func (r result) print(name string) {
	fmt.Printf("  %-34s %10.0f %10s %10s %8d\n", name, r.rps, r.p50.Round(time.Microsecond), r.p99.Round(time.Microsecond), r.errors)
}

var seq atomic.Int64

// load sends n page views from c clients, each client a visitor.
func load(url string, n, c int) result {
	tr := &http.Transport{MaxIdleConnsPerHost: c, MaxConnsPerHost: c}
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	defer tr.CloseIdleConnections()
	var (
		next   atomic.Int64
		errs   atomic.Int64
		mu     sync.Mutex
		lat    = make([]time.Duration, 0, n)
		wg     sync.WaitGroup
		start  = time.Now()
		prefix = fmt.Sprintf("bench-%d-", time.Now().UnixNano())
	)
	for w := 0; w < c; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			mine := make([]time.Duration, 0, n/c+1)
			for next.Add(1) <= int64(n) {
				id := seq.Add(1)
				body := fmt.Sprintf(`{"type":"page_view","messageId":"%s%d","anonymousId":"%svisitor-%d","properties":{"url":"https://www.example.com/p/%d","title":"Page"}}`, prefix, id, prefix, w, id%50)
				t0 := time.Now()
				req, _ := http.NewRequest("POST", url, strings.NewReader(body))
				req.Header.Set("Content-Type", "text/plain")
				req.Header.Set("User-Agent", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36")
				resp, err := client.Do(req)
				if err != nil {
					errs.Add(1)
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusNoContent {
					errs.Add(1)
				}
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		}(w)
	}
	wg.Wait()
	el := time.Since(start)
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	r := result{rps: float64(n) / el.Seconds(), errors: errs.Load()}
	if len(lat) > 0 {
		r.p50, r.p99 = lat[len(lat)/2], lat[len(lat)*99/100]
	}
	return r
}
