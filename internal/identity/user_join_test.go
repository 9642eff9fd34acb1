package identity

import (
	"context"
	"testing"
	"time"
)

// TestJoinedUserIDTakesNoEmailNorTraits: a user id only joined to a
// person's browser (a track naming the browser's anonymousId and the user
// id) is a guess, not their account. An identify of that user id with
// another email gave the browser's person that email (x@ became y@: one
// person, y@ pushed with x@'s history, one erasure for both) and its
// traits overwrote theirs. The email makes its own person and the traits
// go to the user id's own person; a user id an identify named with the
// person's email is theirs, and its new email is theirs.
func TestJoinedUserIDTakesNoEmailNorTraits(t *testing.T) {
	ctx := context.Background()
	t0 := time.Date(2031, 5, 12, 9, 0, 0, 0, time.UTC)
	s, _ := newStitcher(t, t0)
	identify := func(visitor, user, email string, f map[string]string) Person {
		t.Helper()
		p, _, err := s.Identify(ctx, Identification{Visitor: visitor, User: user, Email: email, Fields: f, At: t0, Strength: Strong, Source: "identify"})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	x := identify("browser-1", "", "x@corp.example", map[string]string{"title": "部長"})
	// A track naming browser-1 and crm-9 joins the user id to x's person.
	if _, err := s.Dir.LinkVisitor(ctx, "u:crm-9", x.ID, t0, Strong); err != nil {
		t.Fatal(err)
	}
	y := identify("u:crm-9", "u:crm-9", "y@other.example", nil)
	if y.ID == x.ID || y.Email != "y@other.example" {
		t.Fatalf("the joined user id's email: %+v, want a person of its own", y)
	}
	if got, _ := s.Dir.Get(ctx, x.ID); got.Email != "x@corp.example" || len(got.FormerEmails) != 0 {
		t.Errorf("x's person after the joined user id's identify: %+v", got)
	}
	// Now the user id is y's own: its traits and its next email are y's.
	identify("u:crm-9", "u:crm-9", "", map[string]string{"title": "CTO"})
	if got, _ := s.Dir.Get(ctx, x.ID); got.Attributes["title"] != "部長" {
		t.Errorf("x's title after the user id's traits: %v", got.Attributes)
	}
	if got, _ := s.Dir.Get(ctx, y.ID); got.Attributes["title"] != "CTO" {
		t.Errorf("y's title: %v, want CTO", got.Attributes)
	}
	if z := identify("u:crm-9", "u:crm-9", "z@other.example", nil); z.ID != y.ID {
		t.Errorf("the user id's new email: %+v, want y's person", z)
	}
}
