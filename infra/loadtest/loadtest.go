// Package loadtest drives a running Baton with a realistic mix of traffic
// from many concurrent visitors and then checks what was stored: every
// acknowledged event exactly once, no duplicate people. `make loadtest` runs
// the full version; `make test` runs a short one. Loopback only, bounded by
// request count and time.
package loadtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Config sizes a run.
type Config struct {
	BaseURL     string
	Visitors    int           // concurrent browsers
	PerVisitor  int           // requests each
	Known       float64       // share of visitors who submit a form
	Timeout     time.Duration // whole run
	Rate        float64       // requests per second across all visitors; 0: as fast as they go
	EmailDomain string
	Clicks      []string // tracked newsletter links (with recipient tokens) to click now and then
}

// Ack is an event the server acknowledged (2xx).
type Ack struct {
	Visitor string
	ID      string
	Type    string
	Email   string
	Sent    time.Time // when the request was sent
}

// Result is what a run sent and saw.
type Result struct {
	Sent, Acked, Rejected, Failed int64
	Duplicates                    int64 // requests resent with a messageId already sent
	Clicks                        int64 // tracked links clicked (answered 302)
	FirstError                    string
	Acks                          []Ack
	Emails                        map[string]bool
	Latencies                     []time.Duration
	Elapsed                       time.Duration
}

// Throughput is acknowledged-or-rejected requests per second.
func (r *Result) Throughput() float64 {
	return float64(r.Sent) / r.Elapsed.Seconds()
}

// Percentile returns the p-th latency percentile (0-100).
func (r *Result) Percentile(p float64) time.Duration { return Percentile(r.Latencies, p) }

// Percentile returns the p-th percentile (0-100) of durations.
func Percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	l := append([]time.Duration(nil), ds...)
	sort.Slice(l, func(i, j int) bool { return l[i] < l[j] })
	return l[min(len(l)-1, int(float64(len(l))*p/100))]
}

// Run sends the traffic.
func Run(ctx context.Context, c Config) (*Result, error) {
	if c.Timeout == 0 {
		c.Timeout = 2 * time.Minute
	}
	if c.EmailDomain == "" {
		c.EmailDomain = "load.example.com"
	}
	ctx, cancel := context.WithTimeout(ctx, c.Timeout)
	defer cancel()
	res := &Result{Emails: map[string]bool{}}
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := time.Now()
	tr := &http.Transport{MaxIdleConnsPerHost: c.Visitors, MaxConnsPerHost: c.Visitors}
	defer tr.CloseIdleConnections()
	run := fmt.Sprintf("%x", time.Now().UnixNano())
	// A paced run hands out requests at the rate to whichever visitor is
	// ready (a tick that finds every visitor waiting is dropped).
	var pace chan struct{}
	if c.Rate > 0 {
		pace = make(chan struct{})
		go func() {
			t := time.NewTicker(time.Duration(float64(time.Second) / c.Rate))
			defer t.Stop()
			for {
				select {
				case <-ctx.Done():
					return
				case <-t.C:
					select {
					case pace <- struct{}{}:
					default: // every visitor busy: the tick is lost, as a real visitor would not wait
					}
				}
			}
		}()
	}
	for v := 0; v < c.Visitors; v++ {
		wg.Add(1)
		go func(v int) {
			defer wg.Done()
			jar, _ := cookiejar.New(nil)
			client := &http.Client{Transport: tr, Jar: jar, Timeout: 10 * time.Second,
				CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			rng := rand.New(rand.NewPCG(uint64(v), 42))
			anon := fmt.Sprintf("lt-%s-%d", run, v)
			email := ""
			if rng.Float64() < c.Known {
				// Some people use two browsers: same email from two visitors.
				email = fmt.Sprintf("person-%s-%d@%s", run, v/2*2, c.EmailDomain)
			}
			var sent []string
			for i := 0; i < c.PerVisitor && ctx.Err() == nil; i++ {
				if pace != nil {
					select {
					case <-pace:
					case <-ctx.Done():
						continue
					}
				}
				// A newsletter click in this browser, once it has its cookie (a
				// click first would give it another id, linked as an alias).
				if len(c.Clicks) > 0 && len(sent) > 0 && rng.Float64() < 0.05 {
					req, _ := http.NewRequestWithContext(ctx, "GET", c.Clicks[rng.IntN(len(c.Clicks))], nil)
					req.Header.Set("User-Agent", browserUA)
					t0 := time.Now()
					resp, err := client.Do(req)
					atomic.AddInt64(&res.Sent, 1)
					if err != nil || resp.StatusCode != http.StatusFound {
						atomic.AddInt64(&res.Failed, 1)
						mu.Lock()
						if res.FirstError == "" && err != nil {
							res.FirstError = err.Error()
						} else if res.FirstError == "" {
							res.FirstError = "click: " + resp.Status
						}
						mu.Unlock()
					} else {
						atomic.AddInt64(&res.Clicks, 1)
					}
					if resp != nil {
						io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
					}
					mu.Lock()
					res.Latencies = append(res.Latencies, time.Since(t0))
					mu.Unlock()
					continue
				}
				typ, body, id := pick(rng, anon, run, v, i, email, i == min(c.PerVisitor-1, 10))
				if len(sent) > 0 && rng.Float64() < 0.05 { // a retried request: same messageId
					id = sent[rng.IntN(len(sent))]
					body = fmt.Sprintf(`{"type":"page_view","messageId":%q,"anonymousId":%q,"properties":{"url":"https://www.example.com/retry"}}`, id, anon)
					typ = "page_view"
					atomic.AddInt64(&res.Duplicates, 1)
				}
				t0 := time.Now()
				req, _ := http.NewRequestWithContext(ctx, "POST", c.BaseURL+"/e", strings.NewReader(body))
				req.Header.Set("Content-Type", "text/plain")
				req.Header.Set("User-Agent", browserUA)
				resp, err := client.Do(req)
				lat := time.Since(t0)
				atomic.AddInt64(&res.Sent, 1)
				if err != nil {
					atomic.AddInt64(&res.Failed, 1)
					mu.Lock()
					if res.FirstError == "" {
						res.FirstError = err.Error()
					}
					mu.Unlock()
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				switch {
				case resp.StatusCode == 204:
					atomic.AddInt64(&res.Acked, 1)
					if id != "" {
						sent = append(sent, id)
						e := ""
						if typ == "form_submit" {
							e = email
						}
						mu.Lock()
						res.Acks = append(res.Acks, Ack{Visitor: anon, ID: id, Type: typ, Email: e, Sent: t0})
						if e != "" {
							res.Emails[e] = true
						}
						mu.Unlock()
					}
				case resp.StatusCode >= 400 && resp.StatusCode < 500:
					atomic.AddInt64(&res.Rejected, 1)
				default:
					atomic.AddInt64(&res.Failed, 1)
					mu.Lock()
					if res.FirstError == "" {
						res.FirstError = resp.Status
					}
					mu.Unlock()
				}
				mu.Lock()
				res.Latencies = append(res.Latencies, lat)
				mu.Unlock()
			}
		}(v)
	}
	wg.Wait()
	res.Elapsed = time.Since(start)
	if ctx.Err() != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return res, fmt.Errorf("loadtest: run did not finish within %s", c.Timeout)
	}
	return res, nil
}

const browserUA = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15"

// pick chooses the next request of a visitor: mostly page views, some
// downloads and custom events, a bad request now and then, and a form
// submit last for known visitors. Bad requests return an empty id.
func pick(rng *rand.Rand, anon, run string, v, i int, email string, last bool) (typ, body, id string) {
	id = fmt.Sprintf("%s-%d-%d", run, v, i)
	page := fmt.Sprintf("https://www.example.com/p/%d", rng.IntN(40))
	switch r := rng.Float64(); {
	case last && email != "":
		return "form_submit", fmt.Sprintf(`{"type":"form_submit","messageId":%q,"anonymousId":%q,"properties":{"url":"https://www.example.com/contact","form":{"id":"contact"},"fields":{"email":%q,"company":"Load Co","title":"部長","employees":"500"}}}`, id, anon, email), id
	case r < 0.04:
		return "bad", `{"type":"page_view","messageId":"` + id + `","properties":{"url":42}}`, ""
	case r < 0.15:
		return "download", fmt.Sprintf(`{"type":"download","messageId":%q,"anonymousId":%q,"properties":{"url":"https://www.example.com/files/whitepaper.pdf"}}`, id, anon), id
	case r < 0.20:
		return "custom", fmt.Sprintf(`{"type":"custom","event":"video_played","messageId":%q,"anonymousId":%q,"properties":{"url":%q}}`, id, anon, page), id
	default:
		return "page_view", fmt.Sprintf(`{"type":"page_view","messageId":%q,"anonymousId":%q,"properties":{"url":%q,"title":"Page"}}`, id, anon, page), id
	}
}
