package rulebook

import (
	"fmt"
	"testing"

	"github.com/baton-hq/baton/internal/event"
)

// The cache of URL matches answers as the patterns do, the first time and
// from the cache, and stays within its bound.
func TestURLCacheAnswersAsPatterns(t *testing.T) {
	e := load(t)
	e.candidates(event.PageView) // numbers the rules
	if len(e.urlBit) == 0 {
		t.Fatal("the example rules have URL patterns: nothing cached")
	}
	urls := []string{
		"https://www.example.com/pricing", "https://www.example.com/PRICING/plans?x=1", "https://www.example.com/demo/pricing#top",
		"https://www.example.com/careers/engineer", "https://www.example.com/blog/pricing", "/pricing", "pricing",
		"https://www.example.com/%70ricing", "https://www.example.com/careers%2Fx", "http://[::1", "", "https://www.example.com/",
	}
	for round := 0; round < 2; round++ {
		for _, u := range urls {
			ev := event.Event{Type: event.PageView, URL: u}
			for r := range e.urlBit {
				want := (&matchee{ev: &ev}).anyMatch(r.URL)
				if got := (&matchee{ev: &ev, e: e}).urlMatches(r); got != want {
					t.Errorf("round %d, %q, rule %s: cached %v, patterns %v", round, u, r.Name, got, want)
				}
			}
		}
	}
	for i := 0; i < maxCachedURLs+10; i++ {
		ev := event.Event{Type: event.PageView, URL: fmt.Sprintf("https://www.example.com/p/%d", i)}
		for r := range e.urlBit {
			(&matchee{ev: &ev, e: e}).urlMatches(r)
		}
	}
	if n := len(e.urlHits); n > maxCachedURLs || n == 0 {
		t.Fatalf("%d URLs cached, bound %d", n, maxCachedURLs)
	}
}
