package admin_test

import (
	"context"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/identity"
)

// rtlPerson typed a right-to-left override into the contact form's
// company field, as anyone can.
type rtlPerson struct{ noPeople }

func (rtlPerson) Get(_ context.Context, id string) (identity.Person, error) {
	if id != "p_1" {
		return identity.Person{}, identity.ErrNotFound
	}
	return identity.Person{ID: "p_1", Email: "a@maker.example", Attributes: map[string]string{"company": "\u202eAcme", "title": "Manager"}}, nil
}

// TestFormTextIsIsolated: the values a form sent that the person's page
// shows on one line (email · company · title) are each isolated (bdi), so
// a bidirectional override in one (U+202E) turns its own text around and
// not the rest of the line: the title read "reganaM · " after it.
func TestFormTextIsIsolated(t *testing.T) {
	f := newFixture(t)
	f.h.People, f.h.Timelines = rtlPerson{}, events(1)
	cookie, _ := f.login(fullToken)
	a := f.req("GET", "/admin/people/p_1", "", "Cookie", cookie, "Accept", "text/html")
	if want := "<p><bdi>a@maker.example</bdi> · <bdi>\u202eAcme</bdi> · <bdi>Manager</bdi></p>"; a.code != 200 || !strings.Contains(a.body, want) {
		t.Fatalf("person page: %d, want %q in:\n%s", a.code, want, a.body)
	}
}
