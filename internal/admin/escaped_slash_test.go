package admin_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// TestEscapedSlashStaysInAdmin: a page's relative links and the sign-in
// redirect are counted from the path as the browser sent it, where an
// escaped slash (%2F) is no segment. Counted on the decoded path, a link
// to /admin/people/a%2Fb%2Fc%2Fd sent a browser without a session up and
// out of /admin/ to the host's own /login (where Baton shares the site's
// host under a path, the site's page), and the not-found page's
// navigation and sign-out form led to /people, /logout.
func TestEscapedSlashStaysInAdmin(t *testing.T) {
	f := newFixture(t)
	for _, path := range []string{"/admin/people/a%2Fb%2Fc%2Fd", "/admin/campaigns/x%2Fy%2Fz"} {
		a := f.req("GET", path, "", "Accept", "text/html")
		to := resolve(t, path, a.hdr.Get("Location"))
		if a.code != 303 || to.Path != "/admin/login" {
			t.Errorf("%s without a session: %d, sent to %q (%s)", path, a.code, a.hdr.Get("Location"), to.Path)
		}
		// Back there after signing in: the page asked for, as it was sent.
		if next := to.Query().Get("next"); resolve(t, "/admin/login", "./"+next).EscapedPath() != path {
			t.Errorf("%s: next=%q", path, next)
		}
	}
	cookie, _ := f.login(fullToken)
	path := "/admin/nope%2Fx%2Fy" // no such page: its navigation
	a := f.req("GET", path, "", "Cookie", cookie, "Accept", "text/html")
	refs := regexp.MustCompile(`(?:href|action)="([^"#?]*)`).FindAllStringSubmatch(a.body, -1)
	if a.code != 404 || len(refs) < 5 {
		t.Fatalf("%s: %d %.1000s", path, a.code, a.body)
	}
	for _, m := range refs {
		if to := resolve(t, path, m[1]); !strings.HasPrefix(to.Path, "/admin/") {
			t.Errorf("%s: %q leads to %s, out of /admin/", path, m[1], to.Path)
		}
	}
}

// resolve is ref as a browser reads it on the page at path.
func resolve(t *testing.T, path, ref string) *url.URL {
	t.Helper()
	base, err := url.Parse("https://baton.example" + path)
	if err != nil {
		t.Fatal(err)
	}
	r, err := url.Parse(ref)
	if err != nil {
		t.Fatalf("%q: %v", ref, err)
	}
	return base.ResolveReference(r)
}
