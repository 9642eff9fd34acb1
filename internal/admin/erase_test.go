package admin_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/admin"
	"github.com/baton-hq/baton/internal/privacy"
)

// emailsErased records the emails an erasure was asked for.
type emailsErased struct{ emails []string }

func (e *emailsErased) Erase(context.Context, string) (privacy.Report, error) {
	return privacy.Report{}, nil
}

func (e *emailsErased) EraseEmail(_ context.Context, email string) (privacy.Report, error) {
	e.emails = append(e.emails, email)
	return privacy.Report{}, nil
}

// TestEraseByEmailTakesOneEmail: DELETE /admin/people?email=a&email=b
// erased a alone and answered {"erased": true}, as if the request were
// done: the second person's erasure was never made. A repeated email (and
// a lookup's) is a 400 naming the parameter; nothing is erased.
func TestEraseByEmailTakesOneEmail(t *testing.T) {
	er := &emailsErased{}
	h := &admin.Handler{Credentials: []admin.Credential{admin.FullAccess(fullToken)}, People: noPeople{}, Eraser: er}
	mux := http.NewServeMux()
	h.Routes(mux)
	do := func(method, path string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(method, path, nil)
		r.Header.Set("Authorization", "Bearer "+fullToken)
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, r)
		return w
	}
	for _, c := range []struct{ method, path string }{
		{"DELETE", "/admin/people?email=first@example.com&email=second@example.com"},
		{"DELETE", "/admin/people?email=first@example.com&email=first@example.com"},
		{"GET", "/admin/people?email=first@example.com&email=second@example.com"},
	} {
		if w := do(c.method, c.path); w.Code != 400 || !strings.Contains(w.Body.String(), `"field":"email"`) || !strings.Contains(w.Body.String(), "given 2 times") {
			t.Errorf("%s %s: %d %s", c.method, c.path, w.Code, w.Body)
		}
	}
	if len(er.emails) != 0 {
		t.Fatalf("erased %v", er.emails)
	}
	if w := do("DELETE", "/admin/people?email=second@example.com"); w.Code != 200 || len(er.emails) != 1 || er.emails[0] != "second@example.com" {
		t.Fatalf("one email: %d %s %v", w.Code, w.Body, er.emails)
	}
}

// erasing is an Eraser whose person is being erased.
type erasing struct{ emailsErased }

func (*erasing) Disclose(context.Context, string) (privacy.Subject, privacy.Disclosure, error) {
	return privacy.Subject{}, nil, privacy.ErrErasing
}

// TestDisclosureWhileErasingIsAConflict: a file read while the person's
// erasure ran would look whole and lack what the erasure took: a 409 that
// says why.
func TestDisclosureWhileErasingIsAConflict(t *testing.T) {
	h := &admin.Handler{Credentials: []admin.Credential{admin.FullAccess(fullToken)}, People: noPeople{}, Eraser: &erasing{}}
	mux := http.NewServeMux()
	h.Routes(mux)
	r := httptest.NewRequest("GET", "/admin/people/p_0123456789abcdef01234567/disclosure", nil)
	r.Header.Set("Authorization", "Bearer "+fullToken)
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, r)
	if w.Code != 409 || !strings.Contains(w.Body.String(), "being erased") {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
}
