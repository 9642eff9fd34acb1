package rulebook

import (
	"fmt"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/qualify"
)

// BenchmarkURLMatchUncached is matching a URL against the example rules'
// URL patterns without the cache (a page seen for the first time): plain
// pages and hash-routed ones (a single-page app's #/route).
func BenchmarkURLMatchUncached(b *testing.B) {
	e := load(b)
	e.candidates(event.PageView)
	urls := make([]string, 64)
	for i := range urls {
		urls[i] = fmt.Sprintf("https://www.example.co.jp/docs/page-%d?utm_source=x", i)
		if i%2 == 1 {
			urls[i] = fmt.Sprintf("https://www.example.co.jp/app/#/features/%d?tab=x", i)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ev := event.Event{Type: event.PageView, URL: urls[i%len(urls)]}
		m := matchee{ev: &ev, e: e}
		for r := range e.urlBit {
			m.anyMatch(r.URL)
		}
	}
}

// BenchmarkReplay is a replay event by event (Open, Apply: what the lab's
// simulation and a rescore run per person) on the example rules.
func BenchmarkReplay(b *testing.B) {
	e := load(b)
	urls := []string{"https://x.example/pricing", "https://x.example/blog/post", "https://x.example/careers/a", "https://x.example/app#/features"}
	b.ReportAllocs()
	b.ResetTimer()
	var r interface {
		Apply([]event.Event, time.Time) ([]qualify.Contribution, error)
	}
	for i := 0; i < b.N; i++ {
		if i%1000 == 0 {
			o, err := e.Open(nil)
			if err != nil {
				b.Fatal(err)
			}
			r = o
		}
		at := t0.Add(time.Duration(i) * time.Minute)
		if _, err := r.Apply([]event.Event{pv(fmt.Sprintf("r%d", i), urls[i%len(urls)], at)}, at); err != nil {
			b.Fatal(err)
		}
	}
}
