package stack_test

import (
	"encoding/json"
	"testing"

	"github.com/baton-hq/baton/infra/local/stack"
	"github.com/baton-hq/baton/internal/admin"
	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/privacy/privacytest"
)

// After a person known to the backend as userId "er2-user" is erased, a
// call under that userId is refused (README: "stores nothing ... of any
// later call under the userId the erased person had"), but an alias naming
// it as previousId is stored: the $alias event keeps properties.previousId
// "er2-user" (and the anonymousId of the erased person's browser, which the
// alias then ties to the new user). Seen live on make dev. An SDK's replay
// of a queued alias, or a backend merging accounts, brings the erased
// person's identifiers back into the store.
func TestDefectAliasNamesErasedUserID(t *testing.T) {
	clk := clock.NewManual(t0)
	aliasNamesErasedUserID(t, stack.ForTestClock(t, nil, clk.Now))
}

func aliasNamesErasedUserID(t *testing.T, s *stack.Stack) {
	const email = "er2@zeta.example"
	const user = "er2-user-0001"
	if code := serverCall(t, s, "/v1/identify", `{"userId":"`+user+`","traits":{"email":"`+email+`"}}`); code != 200 {
		t.Fatalf("identify: %d", code)
	}
	serverCall(t, s, "/v1/track", `{"userId":"`+user+`","event":"Pricing Viewed"}`)
	settle(t, s)
	code, b := admin_(t, s, "/admin/people?email="+email, token)
	var v admin.PersonView
	if code != 200 || json.Unmarshal(b, &v) != nil {
		t.Fatalf("person: %d %s", code, b)
	}
	if code, b := do(t, "DELETE", s.URL+"/admin/people/"+v.Person.ID, token, ""); code != 200 {
		t.Fatalf("erase: %d %s", code, b)
	}
	code, refused := serverAnswer(t, s, "/v1/alias", `{"previousId":"`+user+`","userId":"er2-new-0002","messageId":"alias-after"}`)
	if code != 200 || len(refused) != 1 {
		t.Errorf("alias from the erased userId: %d %+v, want 200 with the call refused (as under its userId)", code, refused)
	}
	settle(t, s)
	for sec, where := range privacytest.AfterErasure(t, s.App.Table, []string{user, email}) {
		t.Errorf("after the erasure an alias stored %q again in %v", sec, where)
	}
}

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
