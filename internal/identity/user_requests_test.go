package identity

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/table/tablecount"
)

// TestIdentifyWithUserIDRequests: a server identify naming a user id and
// an email is a backend's most repeated call. The first creates the person
// with the user id as theirs in the one write that creates them (not a
// second write to record it); a repeat finds the person through the user
// id once (not again through the email), and still refuses an email being
// erased.
func TestIdentifyWithUserIDRequests(t *testing.T) {
	ctx := context.Background()
	t0 := time.Date(2031, 5, 12, 9, 0, 0, 0, time.UTC)
	s, tb := newStitcher(t, t0)
	c := tablecount.New(tb)
	s.Dir.T = c
	id := Identification{Visitor: "u:crm-1", User: "u:crm-1", Email: "one@example.com", At: t0, Strength: Strong, Source: "identify"}

	p, _, err := s.Identify(ctx, id)
	if err != nil || len(p.Users) != 1 || p.Users[0] != "u:crm-1" {
		t.Fatalf("first identify: %+v %v", p, err)
	}
	// The person and email key (one transaction), then the link.
	if w := c.Counts().Writes; w != 2 {
		t.Errorf("first identify: %d write requests, want 2 (the person with their user id, the link)", w)
	}
	if got, _ := s.Dir.Get(ctx, p.ID); len(got.Users) != 1 {
		t.Errorf("stored person's users: %v", got.Users)
	}

	c.Reset()
	again, _, err := s.Identify(ctx, id)
	if err != nil || again.ID != p.ID {
		t.Fatalf("repeat: %+v %v", again, err)
	}
	// The user id's link, the person, whether the email is being erased,
	// and LinkVisitor's read of the link: nothing written.
	if n := c.Counts(); n.Writes != 0 || n.Calls > 4 {
		t.Errorf("repeat identify: %+v, want no writes and at most 4 reads", n)
	}

	if err := privacy.Tombstone(ctx, tb, "one@example.com", t0); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Identify(ctx, id); !errors.Is(err, ErrErased) {
		t.Errorf("identify of an email being erased: %v, want ErrErased", err)
	}
}
