package qualify

import (
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/event"
)

// TestOfflineTouch: an imported offline touch is a touch on its own channel
// (an exhibition, a seminar ...), named after the event.
func TestOfflineTouch(t *testing.T) {
	at := time.Date(2026, 11, 5, 0, 0, 0, 0, time.UTC)
	ev := event.Event{ID: "off-1", Type: event.Offline, Timestamp: at, Properties: map[string]any{"event": "Japan IT Week", "channel": "exhibition"}}
	tc, ok := TouchOf(ev)
	if !ok || tc.Channel != "exhibition" || tc.Medium != "offline" || tc.Campaign != "Japan IT Week" || !tc.At.Equal(at) || tc.EventID != "off-1" {
		t.Fatalf("%+v %v", tc, ok)
	}
	list := addTouches(nil, []event.Event{{ID: "pv", Type: event.PageView, Timestamp: at.Add(time.Hour), URL: "https://www.example.com/"}, ev}, nil)
	if len(list) != 1 || list[0].Channel != "exhibition" {
		t.Fatalf("first touch %+v", list) // the later direct visit is no touch after it
	}
	ev.Properties = nil
	if _, ok := TouchOf(ev); ok {
		t.Fatal("an offline event without a channel is a touch")
	}
}

// TestReferralsOfTheCompanysOwnSites: a visitor who came from a search,
// read the corporate site and crossed to the product site's form (both
// BATON_SITE_ORIGINS, other domains) is on one visit: the crossing is no
// referral touch, and the search stays the touch of record. Before, the
// company's own corporate site was the latest touch, a referral. The
// company's own sign-in or payment host (attribution.unwanted_referrals)
// is no touch either, its subdomains with it; other hosts still are.
func TestReferralsOfTheCompanysOwnSites(t *testing.T) {
	at := time.Date(2026, 11, 5, 1, 0, 0, 0, time.UTC)
	pv := func(id, url, ref string, d time.Duration) event.Event {
		return event.Event{ID: id, Type: event.PageView, URL: url, Referrer: ref, Timestamp: at.Add(d)}
	}
	r := Referrals{"acme.example", "login.acme-idp.example"}
	evs := []event.Event{
		pv("s", "https://www.acme.example/", "https://www.google.co.jp/", 0),
		pv("x", "https://www.acme-cloud.example/contact", "https://www.acme.example/products", time.Minute),
	}
	if list := addTouches(nil, evs, r); len(list) != 1 || list[0].Channel != "search" {
		t.Errorf("with the company's sites as referrals: %+v, want the search alone", list)
	}
	if list := addTouches(nil, evs, nil); len(list) != 2 || list[1].Channel != "referral" || list[1].Source != "acme.example" {
		t.Fatalf("the built-in lists alone: %+v, want the corporate site a referral (what this guards against)", list)
	}
	for ref, touch := range map[string]bool{
		"https://sso.login.acme-idp.example/saml": false,
		"https://login.acme-idp.example/":         false,
		"https://notacme.example/":                true,
		"https://partner.example/acme.example":    true,
	} {
		if _, ok := r.TouchOf(pv("y", "https://www.acme-cloud.example/", ref, 0)); ok != touch {
			t.Errorf("a visit from %s: touch %v, want %v", ref, ok, touch)
		}
	}
}
