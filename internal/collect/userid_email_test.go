package collect_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/table"
)

// identifyUser posts a backend's identify of a user id with an email.
func (e *env) identifyUser(t *testing.T, id, userID, email string) {
	t.Helper()
	body := `{"messageId":"` + id + `","userId":"` + userID + `","traits":{"email":"` + email + `"}}`
	r := httptest.NewRequest("POST", "/v1/identify", strings.NewReader(body))
	r.SetBasicAuth("write-key-0123456789", "")
	r.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	e.mux.ServeHTTP(w, r)
	if w.Code != 200 {
		t.Fatalf("identify %s %s: %d %s", userID, email, w.Code, w.Body)
	}
}

func (e *env) people(t *testing.T) int {
	t.Helper()
	ids, err := identity.PersonIDs(context.Background(), e.tb)
	if err != nil {
		t.Fatal(err)
	}
	return len(ids)
}

// TestUserIDKeepsItsPersonWhenItsEmailChanges: a backend's user id that
// comes with another email is the same person, whose email changes; the
// old email still finds them, and becomes theirs again when it comes back.
// An email another person has is theirs: the user id moves, nobody merged.
func TestUserIDKeepsItsPersonWhenItsEmailChanges(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.identifyUser(t, "m1", "crm-7", "a@x.co")
	first, err := e.dir.ByEmail(ctx, "a@x.co")
	if err != nil {
		t.Fatal(err)
	}
	e.identifyUser(t, "m2", "crm-7", "b@x.co")
	p, err := e.dir.ByEmail(ctx, "b@x.co")
	if err != nil || p.ID != first.ID || p.Email != "b@x.co" || len(p.FormerEmails) != 1 || p.FormerEmails[0] != "a@x.co" {
		t.Fatalf("b@x.co: %+v %v; want %s with email b@x.co, formerly a@x.co", p, err, first.ID)
	}
	if old, err := e.dir.ByEmail(ctx, "a@x.co"); err != nil || old.ID != first.ID {
		t.Fatalf("a@x.co: %s %v", old.ID, err)
	}
	if n := e.people(t); n != 1 {
		t.Fatalf("%d people, want 1", n)
	}
	if pid, _ := e.h.People.PersonOf(ctx, "u:crm-7"); pid != first.ID {
		t.Fatalf("the user id is %q's, want %s", pid, first.ID)
	}
	e.identifyUser(t, "m3", "crm-7", "a@x.co")
	if p, _ := e.dir.Get(ctx, first.ID); p.Email != "a@x.co" || len(p.FormerEmails) != 1 || p.FormerEmails[0] != "b@x.co" {
		t.Fatalf("back to a@x.co: %+v", p)
	}
	// c@x.co is another person's: the user id goes to them.
	e.identifyUser(t, "m4", "crm-8", "c@x.co")
	e.identifyUser(t, "m5", "crm-7", "c@x.co")
	c, _ := e.dir.ByEmail(ctx, "c@x.co")
	if pid, _ := e.h.People.PersonOf(ctx, "u:crm-7"); pid != c.ID || c.ID == first.ID || e.people(t) != 2 {
		t.Fatalf("the user id is %q's, want c@x.co's %s; %d people", pid, c.ID, e.people(t))
	}
	if p, _ := e.dir.Get(ctx, first.ID); p.Email != "a@x.co" {
		t.Fatalf("the first person's email changed to %s", p.Email)
	}
}

// TestErasedUserStaysErasedAfterEmailChange: erasing a person whose email
// changed erases every email they had, so neither brings them back; an
// erased email a user id comes with is not given to its person.
func TestErasedUserStaysErasedAfterEmailChange(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.identifyUser(t, "m1", "crm-7", "a@x.co")
	e.identifyUser(t, "m2", "crm-7", "b@x.co")
	p, err := e.dir.ByEmail(ctx, "b@x.co")
	if err != nil {
		t.Fatal(err)
	}
	er := &privacy.Eraser{T: e.tb, People: e.h.People.(*identity.Stitcher)}
	if _, err := er.Erase(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	for _, email := range []string{"a@x.co", "b@x.co"} {
		if gone, err := privacy.Erased(ctx, e.tb, email); !gone || err != nil {
			t.Errorf("%s not erased: %v", email, err)
		}
		form := `{"type":"form_submit","messageId":"f-` + email + `","anonymousId":"browser-` + email[:1] + `-000001","properties":{"fields":{"email":"` + email + `"}}}`
		if w := e.do("POST", "/e", form, nil); w.Code != 204 {
			t.Fatalf("form: %d %s", w.Code, w.Body)
		}
		e.identifyUser(t, "n-"+email, "crm-9", email)
		if _, err := e.dir.ByEmail(ctx, email); !errors.Is(err, identity.ErrNotFound) {
			t.Errorf("%s came back: %v", email, err)
		}
	}
	if n := e.people(t); n != 0 {
		t.Fatalf("%d people after the erasure", n)
	}
	if err := e.tb.Scan(ctx, "EMAIL#", func(it table.Item) error {
		t.Errorf("left: %s/%s", it.PK, it.SK)
		return nil
	}); err != nil {
		t.Fatal(err)
	}

	// An erased email is not given to a user id's person.
	if _, err := er.EraseEmail(ctx, "gone@x.co"); err != nil {
		t.Fatal(err)
	}
	e.identifyUser(t, "k1", "crm-10", "kept@x.co")
	e.identifyUser(t, "k2", "crm-10", "gone@x.co")
	k, err := e.dir.ByEmail(ctx, "kept@x.co")
	if err != nil || k.Email != "kept@x.co" || len(k.FormerEmails) != 0 {
		t.Fatalf("kept@x.co: %+v %v", k, err)
	}
	if _, err := e.dir.ByEmail(ctx, "gone@x.co"); !errors.Is(err, identity.ErrNotFound) {
		t.Fatalf("gone@x.co found: %v", err)
	}
}
