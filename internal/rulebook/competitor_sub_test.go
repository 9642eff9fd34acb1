package rulebook

import "testing"

// TestCompetitorSubdomains: a competitor's people write from its
// subdomains too (taro@jp.rival.com, hanako@tokyo.rival.co.jp); they can
// never become MQLs either, as free mail's subdomains are free mail. A
// domain that only ends in the same letters is someone else's.
func TestCompetitorSubdomains(t *testing.T) {
	e := &Engine{R: mustParse(t, "behaviour: [{name: pv, type: page_view, points: 1}]\nfit: {competitors: [rival.com, Rival.CO.JP]}\nmql: [{name: x, min_behaviour: 1}]\n")}
	for email, want := range map[string]bool{
		"a@rival.com": true, "a@jp.rival.com": true, "a@tokyo.rival.co.jp": true, "a@RIVAL.co.jp": true,
		"a@notrival.com": false, "a@rival.com.example": false, "a@acme.co.jp": false,
	} {
		_, _, _, excluded := e.Fit(nil, email)
		if (excluded != "") != want {
			t.Errorf("%s: excluded %q, want %v", email, excluded, want)
		}
	}
}
