package admin_test

import (
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/admin"
	"github.com/baton-hq/baton/internal/identity"
)

// TestConsentOfAnUnknownPerson: consent recorded again for a person id
// Baton does not have (mistyped, erased) is a 404 saying so, as its
// withdrawal is; it was a 500 "internal error" after nothing was recorded,
// and the page's form went on to a person page that does not exist.
func TestConsentOfAnUnknownPerson(t *testing.T) {
	f := newFixture(t, func(h *admin.Handler) {
		h.Consent = &identity.Stitcher{Dir: &identity.Directory{T: h.Reports.T, Now: h.Reports.Now}}
	})
	for _, body := range []string{`{"withdrawn": true}`, `{"withdrawn": false}`} {
		a := f.req("POST", "/admin/people/p_0123456789abcdef01234567/consent", body, "Authorization", "Bearer "+fullToken, "Content-Type", "application/json")
		if a.code != 404 || !strings.Contains(a.body, "no such person") {
			t.Errorf("%s: %d %s", body, a.code, a.body)
		}
	}
}
