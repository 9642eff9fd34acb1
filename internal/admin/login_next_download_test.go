package admin_test

import (
	"net/url"
	"strings"
	"testing"
)

// TestSignInNeverGoesOnToADownload: a download of everything (the backup,
// a person's disclosure) is held to a request from Baton's own pages, and
// the sign-in's redirect is one: a link to /admin/login?next=backup, which
// anyone can send, had the whole store downloaded to the admin's computer
// as they signed in, in their name in the audit trail. Such a next is
// dropped, however it is spelled: the admin lands on the dashboard.
func TestSignInNeverGoesOnToADownload(t *testing.T) {
	f := newFixture(t)
	for _, next := range []string{"backup", "%62ackup", "./backup", "backup?x=1", "people/p_0123456789abcdef/disclosure",
		"people/p_0123456789abcdef/disclosure/parts", "people/p_0123456789abcdef/%64isclosure", "disclosure?email=a%40b.example"} {
		if p := f.req("GET", "/admin/login?next="+url.QueryEscape(next), ""); p.code != 200 || strings.Contains(p.body, `name="next"`) {
			t.Errorf("sign-in page with next %q: %d, keeps it", next, p.code)
		}
		form := url.Values{"token": {fullToken}, "next": {next}}
		if a := f.req("POST", "/admin/login", form.Encode(), "Content-Type", "application/x-www-form-urlencoded"); a.code != 303 || a.hdr.Get("Location") != "./" {
			t.Errorf("next %q: %d %q, want ./", next, a.code, a.hdr.Get("Location"))
		}
	}
	// A person's page is still where a sign-in comes back to.
	form := url.Values{"token": {fullToken}, "next": {"people/p_0123456789abcdef"}}
	if a := f.req("POST", "/admin/login", form.Encode(), "Content-Type", "application/x-www-form-urlencoded"); a.code != 303 || a.hdr.Get("Location") != "./people/p_0123456789abcdef" {
		t.Errorf("a person's page: %d %q", a.code, a.hdr.Get("Location"))
	}
}
