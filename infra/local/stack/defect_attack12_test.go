package stack_test

import (
	"encoding/json"
	"testing"

	"github.com/baton-hq/baton/infra/local/stack"
	"github.com/baton-hq/baton/internal/admin"
	"github.com/baton-hq/baton/internal/clock"
)

// Segment's identify is how a backend (or analytics.js, which keeps the
// userId) updates a known user's traits: identify(userId, {email, name})
// once, then identify(userId, {title, company}) when the profile changes.
// README: "a later call with only the userId is the same person's" and an
// identify's traits are person attributes. Baton stores the second
// identify (200, on the person's timeline) but never applies its traits:
// only an identify naming an email reaches Directory.Update (Stitcher.
// Identify), so the fit rules never see the title or company. Seen live:
// tr5's attributes stay {name: Five} after identify {title: CTO, company:
// FiveCorp}.
func TestDefectIdentifyWithoutEmailDropsTraits(t *testing.T) {
	clk := clock.NewManual(t0)
	s := stack.ForTestClock(t, nil, clk.Now)
	const email = "tr5@eta.example"
	if code := serverCall(t, s, "/v1/identify", `{"userId":"tr5-user","traits":{"email":"`+email+`","name":"Five"}}`); code != 200 {
		t.Fatalf("identify: %d", code)
	}
	if code := serverCall(t, s, "/v1/identify", `{"userId":"tr5-user","traits":{"title":"CTO","company":"FiveCorp"}}`); code != 200 {
		t.Fatalf("second identify: %d", code)
	}
	settle(t, s)
	code, b := admin_(t, s, "/admin/people?email="+email, token)
	var v admin.PersonView
	if code != 200 || json.Unmarshal(b, &v) != nil {
		t.Fatalf("person: %d %s", code, b)
	}
	if v.Person.Attributes["title"] != "CTO" || v.Person.Attributes["company"] != "FiveCorp" {
		t.Errorf("after identify(userId, {title, company}) the person's attributes are %v, want title CTO and company FiveCorp", v.Person.Attributes)
	}
}
