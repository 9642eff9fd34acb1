package identity

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/privacy"
)

// TestIdentifyWithoutEmailUpdatesTheUsersPerson: an identification naming
// a server user id and no email (Segment's identify(userId, traits))
// updates the attributes of the person the user id belongs to, read as an
// email's are (control characters dropped); a user id nobody has changes
// nothing, and a person who withdrew consent or is being erased keeps what
// they had.
func TestIdentifyWithoutEmailUpdatesTheUsersPerson(t *testing.T) {
	ctx := context.Background()
	t0 := time.Date(2031, 5, 12, 9, 0, 0, 0, time.UTC)
	s, tb := newStitcher(t, t0)
	known := func(user, email string) Person {
		t.Helper()
		p, _, err := s.Identify(ctx, Identification{Visitor: user, User: user, Email: email, Fields: map[string]string{"name": "Five"}, At: t0, Strength: Strong, Source: "identify"})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	traits := func(user string, f map[string]string) (Person, error) {
		p, _, err := s.Identify(ctx, Identification{Visitor: user, User: user, Fields: f, At: t0, Strength: Strong, Source: "identify"})
		return p, err
	}
	p := known("u:five", "five@example.com")
	got, err := traits("u:five", map[string]string{"title": "CTO\u0000", "company": "FiveCorp"})
	if err != nil || got.ID != p.ID {
		t.Fatalf("identify(userId, traits): %+v %v", got, err)
	}
	if got, _ = s.Dir.Get(ctx, p.ID); got.Attributes["title"] != "CTO" || got.Attributes["company"] != "FiveCorp" || got.Attributes["name"] != "Five" {
		t.Errorf("attributes %v, want title CTO, company FiveCorp and name Five", got.Attributes)
	}
	if got, err := traits("u:nobody", map[string]string{"title": "CEO"}); err != nil || got.ID != "" {
		t.Errorf("a user id nobody has: %+v %v, want nothing", got, err)
	}

	if err := s.WithdrawConsent(ctx, "u:five", t0); err != nil {
		t.Fatal(err)
	}
	if _, err := traits("u:five", map[string]string{"title": "CEO"}); !errors.Is(err, ErrConsentWithdrawn) {
		t.Errorf("a withdrawn person's traits: %v, want ErrConsentWithdrawn", err)
	}
	if got, _ = s.Dir.Get(ctx, p.ID); got.Attributes["title"] != "CTO" {
		t.Errorf("a withdrawn person's title became %q", got.Attributes["title"])
	}

	q := known("u:six", "six@example.com")
	if err := privacy.Tombstone(ctx, tb, "six@example.com", t0); err != nil {
		t.Fatal(err)
	}
	if _, err := traits("u:six", map[string]string{"title": "CEO"}); !errors.Is(err, ErrErased) {
		t.Errorf("traits of a person being erased: %v, want ErrErased", err)
	}
	if got, _ = s.Dir.Get(ctx, q.ID); got.Attributes["title"] != "" {
		t.Errorf("a person being erased got title %q", got.Attributes["title"])
	}
}
