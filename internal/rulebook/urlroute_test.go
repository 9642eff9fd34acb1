package rulebook

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/event"
)

// TestURLGlobMatchesHashRoute: a single-page app's hash route is a page
// (the collector stores each route as a view), so a glob names it as the
// path, "#" and the route: "/app/pricing#/features" (with or without a
// trailing slash either side, as a page glob), "*#/features*" on any
// page, "/#/features" on the root. The route ends at its first "?" (its
// parameters); #plans is an anchor, no route. Before, only re:#/features
// matched one: globs were compared against the path, then the whole URL.
func TestURLGlobMatchesHashRoute(t *testing.T) {
	e := &Engine{R: mustParse(t, `behaviour:
  - {name: app-features, url: "/app/pricing#/features", points: 1}
  - {name: any-features, url: "*#/features*", points: 1}
  - {name: root-features, url: "/#/features", points: 1}
  - {name: app-pricing, url: "/app/pricing*", points: 1}
  - {name: bang-route, url: "/app#!/plans*", points: 1}
  - {name: app-routes, url: "/app/pricing#/*", points: 1}
mql: [{name: x, min_behaviour: 1000}]
`)}
	cases := []struct {
		url  string
		want string // the rules matched, in file order
	}{
		{"https://www.example.co.jp/app/pricing#/features", "app-features any-features app-pricing app-routes"},
		{"https://www.example.co.jp/app/pricing#/features/", "app-features any-features app-pricing app-routes"},
		{"https://www.example.co.jp/app/pricing/#/features", "app-features any-features app-pricing"},
		{"https://www.example.co.jp/app/pricing/index.html#/Features?tab=2", "app-features any-features app-pricing"},
		{"https://www.example.co.jp/app/pricing#/features/compare", "any-features app-pricing app-routes"},
		{"https://www.example.co.jp/#/features", "any-features root-features"},
		{"https://www.example.co.jp#/features", "any-features root-features"},
		{"https://www.example.co.jp/app#!/plans/team", "bang-route"},
		{"https://www.example.co.jp/app/pricing#plans", "app-pricing"}, // an anchor: the page
		{"https://www.example.co.jp/features", ""},
	}
	for i, c := range cases {
		// Twice: the engine's cache of URL matches answers the same.
		for round := range 2 {
			_, cs, err := e.Apply(nil, []event.Event{pv(fmt.Sprintf("r%d-%d", i, round), c.url, t0)}, t0)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, c := range cs {
				got = append(got, c.Rule)
			}
			if strings.Join(got, " ") != c.want {
				t.Errorf("%s (round %d): matched %q, want %q", c.url, round, strings.Join(got, " "), c.want)
			}
		}
	}
}

// TestURLGlobThatCannotMatchRefused: a URL glob is matched against the
// path (from its "/"), the path with its hash route, and the whole URL
// (from its scheme): one starting otherwise matches nothing, and a -100
// rule written so (app/pricing* for /app/pricing*) silently did nothing.
// It is refused with its line and what to write: for a full-width slash
// or a space before the "/", the glob without them ("／料金*" was to be
// written "/／料金*", which can match nothing either).
func TestURLGlobThatCannotMatchRefused(t *testing.T) {
	for _, c := range []struct {
		url, field, fix string
	}{
		{`"app/pricing*"`, "behaviour[0].url[0]", `write "/app/pricing*"`},
		{`["/pricing*", "demo/pricing"]`, "behaviour[0].url[1]", `write "/demo/pricing"`},
		{`"#/features"`, "behaviour[0].url[0]", `write "*#/features"`},
		{`"www.example.co.jp/pricing*"`, "behaviour[0].url[0]", `write "https://www.example.co.jp/pricing*"`},
		{`"pricing"`, "behaviour[0].url[0]", `write "/pricing"`},
		{`""`, "behaviour[0].url[0]", `write "/"`},
		// A full-width slash (an IME left on) and a stray space before one.
		{`"／料金*"`, "behaviour[0].url[0]", `write "/料金*"`},
		{`" /pricing*"`, "behaviour[0].url[0]", `write "/pricing*"`},
		{`"ｐｒｉｃｉｎｇ"`, "behaviour[0].url[0]", `write "/pricing"`},
	} {
		src := "name: x\nbehaviour:\n  - name: app-pricing\n    type: page_view\n    url: " + c.url + "\n    points: -100\nmql: [{name: x, min_behaviour: 1}]\n"
		_, err := Parse("rules.yaml", []byte(src))
		var pe *ParseError
		if !errors.As(err, &pe) || pe.Line != 5 || pe.Field != c.field || !strings.Contains(pe.Msg, "can never match") || !strings.HasSuffix(pe.Msg, c.fix) {
			t.Errorf("url %s: %v; want line 5, %s, ...%s", c.url, err, c.field, c.fix)
		}
	}
	for _, ok := range []string{"/", "/app/pricing*", "*pricing*", "*", "?pricing*", "?*", "https://www.example.co.jp/pricing", "HTTP://www.example.co.jp/*", "re:app/pricing", "/app#/features"} {
		if _, err := Parse("rules.yaml", []byte("behaviour: [{name: a, url: \""+ok+"\", points: 1}]\nmql: [{name: x, min_behaviour: 1}]\n")); err != nil {
			t.Errorf("url %q refused: %v", ok, err)
		}
	}
}

// TestPathGlobNamesNoHashRoute: a glob with no "#" names paths, as it did
// before routes were matched: its wildcards do not reach across the "#"
// into a route ("/*/pricing" is not "/app#/pricing"), and a glob that
// begins with the wildcard "?" still matches (it was refused as one that
// could never match).
func TestPathGlobNamesNoHashRoute(t *testing.T) {
	e := &Engine{R: mustParse(t, `behaviour:
  - {name: any-pricing, url: "/*/pricing", points: 1}
  - {name: app-features, url: "/app*features", points: 1}
  - {name: one-char, url: "?pricing*", points: 1}
  - {name: thanks, url: "/*/thanks", points: 1}
mql: [{name: x, min_behaviour: 1000}]
`)}
	for i, c := range []struct{ url, want string }{
		{"https://www.example.co.jp/#/pricing", ""},
		{"https://www.example.co.jp/app#/pricing", ""},
		{"https://www.example.co.jp/en/pricing", "any-pricing"},
		{"https://www.example.co.jp/app/pricing#/features", "any-pricing"}, // its path, not the route
		{"https://www.example.co.jp/app/features", "app-features"},
		{"https://www.example.co.jp/app#/thanks", ""},
		{"https://www.example.co.jp/ja/thanks#/step", "thanks"},
		{"https://www.example.co.jp/pricing#plans", "one-char"},
	} {
		_, cs, err := e.Apply(nil, []event.Event{pv(fmt.Sprintf("p%d", i), c.url, t0)}, t0)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, c := range cs {
			got = append(got, c.Rule)
		}
		if strings.Join(got, " ") != c.want {
			t.Errorf("%s: matched %q, want %q", c.url, strings.Join(got, " "), c.want)
		}
	}
}
