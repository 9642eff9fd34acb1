package rulebook

import (
	"errors"
	"strings"
	"testing"
)

// TestAnchorsAndAliases: a reviewed file names a value once and uses it
// again, as YAML lets it: a list of URL globs anchored (&pricing) and
// used by another rule (*pricing), a rule's keys merged into the next
// (<<: *page-view) with its own keys winning, a list of grades used by a
// matrix cell. An alias was refused as "must be a list" (or a mapping, a
// string) and a merge key as an unknown key "<<". A value that contains
// its own alias, and a merge key naming no mapping, are refused with
// their line.
func TestAnchorsAndAliases(t *testing.T) {
	r, err := Parse("rules.yaml", []byte(`name: anchored
behaviour:
  - &page-view
    name: page-view
    type: page_view
    points: 1
    cap_per_day: 5
  - <<: *page-view
    name: pricing-page
    url: &pricing ["/pricing*", "/demo/pricing*"]
    points: 10
  - name: pricing-cta
    type: [outbound, download]
    url: *pricing
    points: 3
fit:
  rules: [{name: title, attribute: title, match: "*", points: 50}]
grades: {A: 50, B: 30, C: 10}
bands: [{name: hot, min: 60}, {name: warm, min: 30}]
mql:
  - name: hot-and-fit
    min_behaviour: 40
    grades: &good [A, B]
  - name: cross-scoring
    matrix:
      hot: [A, B, C]
      warm: *good
`))
	if err != nil {
		t.Fatal(err)
	}
	pricing := r.Behaviour[1]
	if pricing.Name != "pricing-page" || !pricing.Types["page_view"] || pricing.CapPerDay != 5 || pricing.Points != 10 || len(pricing.URL) != 2 {
		t.Errorf("merged rule: %+v", pricing)
	}
	if pv := r.Behaviour[0]; pv.Name != "page-view" || pv.Points != 1 || len(pv.URL) != 0 {
		t.Errorf("anchored rule changed by the merge: %+v", pv)
	}
	if cta := r.Behaviour[2]; len(cta.URL) != 2 || !cta.URL[1].MatchString("/demo/pricing/plans") {
		t.Errorf("aliased URLs: %+v", cta.URL)
	}
	if m := r.MQL[1].Matrix["warm"]; !m["A"] || !m["B"] || len(m) != 2 {
		t.Errorf("aliased grades: %v", m)
	}
	for _, c := range []struct {
		src, say string
		line     int
	}{
		{"mql: [{name: x, min_behaviour: 1}]\nrecycle: &r\n  multiply: 0\n  cooldown: *r\n", "*r is inside the value anchored &r: a value cannot contain itself", 4},
		{"name: &n acme\nmql:\n  - <<: *n\n    name: x\n    min_behaviour: 1\n", "<< must name a mapping (<<: *base) or a list of them (<<: [*base, *more])", 3},
	} {
		_, err := Parse("rules.yaml", []byte(c.src))
		var pe *ParseError
		if !errors.As(err, &pe) || pe.Line != c.line || !strings.Contains(pe.Msg, c.say) {
			t.Errorf("%q: %v; want line %d saying %q", c.src, err, c.line, c.say)
		}
	}
}
