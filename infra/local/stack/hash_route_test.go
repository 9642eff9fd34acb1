package stack_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/baton-hq/baton/infra/local/stack"
)

// TestHashRouteCampaign: a hash-mode single-page app's ad landing
// (page.html#/lp?utm_source=...) is the person's first touch, its
// campaign read from the route's query; it was stored with no UTM
// parameters, a direct visit.
func TestHashRouteCampaign(t *testing.T) {
	s := stack.ForTest(t, nil)
	for _, body := range []string{
		`{"type":"page_view","messageId":"hr-1","anonymousId":"hash-route-browser","properties":{"url":"https://www.example.com/page.html#/lp?utm_source=x&utm_medium=cpc&utm_campaign=y"}}`,
		`{"type":"form_submit","messageId":"hr-2","anonymousId":"hash-route-browser","properties":{"url":"https://www.example.com/page.html#/contact","form":{"id":"contact"},"fields":{"email":"hash.route@maker.example"}}}`,
	} {
		if r, err := http.Post(s.URL+"/e", "text/plain", strings.NewReader(body)); err != nil || r.StatusCode != 204 {
			t.Fatalf("POST /e: %v %v", err, r)
		}
	}
	settle(t, s)
	p, err := s.App.People.ByEmail(context.Background(), "hash.route@maker.example")
	if err != nil {
		t.Fatal(err)
	}
	ts, err := s.App.Qualifier.Touches(context.Background(), p.ID)
	if err != nil || len(ts) == 0 || ts[0].Channel != "paid" || ts[0].Source != "x" || ts[0].Medium != "cpc" || ts[0].Campaign != "y" {
		t.Fatalf("touches %+v (%v), want the cpc campaign y first", ts, err)
	}
}
