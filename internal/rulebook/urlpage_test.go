package rulebook

import (
	"testing"

	"github.com/baton-hq/baton/internal/event"
)

// TestURLGlobIsThePage: a URL glob names a page, and the same page is
// served at /pricing, /pricing/ and /pricing/index.html (a CMS adds the
// slash, a static site the index file): a rule written for one scores the
// others, as the page's own query, fragment and case never mattered. A
// glob ending in * and a re: pattern match as written.
func TestURLGlobIsThePage(t *testing.T) {
	r := mustParse(t, `behaviour:
  - {name: pricing, url: "/pricing", points: 1}
  - {name: pricing-slash, url: "/pricing/", points: 1}
  - {name: home, url: "/", points: 1}
  - {name: blog, url: "/blog/*", points: 1}
  - {name: exact, url: "re:^/contact$", points: 1}
mql: [{name: x, min_behaviour: 1}]
`)
	rule := map[string]*BehaviourRule{}
	for _, b := range r.Behaviour {
		rule[b.Name] = b
	}
	cases := []struct {
		rule, url string
		want      bool
	}{
		{"pricing", "https://www.example.co.jp/pricing", true},
		{"pricing", "https://www.example.co.jp/pricing/", true},
		{"pricing", "https://www.example.co.jp/pricing/index.html", true},
		{"pricing", "https://www.example.co.jp/Pricing/Index.htm?gclid=x#plans", true},
		{"pricing", "https://www.example.co.jp/pricing/index.php", true},
		{"pricing", "https://www.example.co.jp/pricing-old", false},
		{"pricing", "https://www.example.co.jp/pricing/plans", false},
		{"pricing", "https://www.example.co.jp/pricing/index.html/x", false},
		{"pricing-slash", "https://www.example.co.jp/pricing", true},
		{"pricing-slash", "https://www.example.co.jp/pricing/", true},
		{"pricing-slash", "https://www.example.co.jp/pricing/index.html", true},
		{"home", "https://www.example.co.jp/", true},
		{"home", "https://www.example.co.jp/index.html", true},
		{"home", "https://www.example.co.jp", true}, // no path: the root page
		{"home", "https://www.example.co.jp/pricing", false},
		{"blog", "https://www.example.co.jp/blog/", true},
		{"blog", "https://www.example.co.jp/blog/a", true},
		{"exact", "https://www.example.co.jp/contact", true},
		{"exact", "https://www.example.co.jp/contact/", false},
	}
	for _, c := range cases {
		ev := event.Event{Type: event.PageView, URL: c.url}
		if got := (&matchee{ev: &ev}).anyMatch(rule[c.rule].URL); got != c.want {
			t.Errorf("%s on %s: %v, want %v", c.rule, c.url, got, c.want)
		}
	}
}
