package admin_test

import (
	"testing"

	"github.com/baton-hq/baton/internal/admin"
)

// TestDownloadsOfEverythingStayOnBatonsOrigin: a signed-in admin's browser
// sends its SameSite=Strict session cookie to Baton from any page of the
// same site (www.example.com beside baton.example.com): an <img> there
// had it download a person's disclosure, or the backup, recorded as the
// admin's. Such a GET is refused as a change from there is; Baton's own
// pages, a typed address and scripts without a browser's headers pass.
func TestDownloadsOfEverythingStayOnBatonsOrigin(t *testing.T) {
	f := newFixture(t, func(h *admin.Handler) { h.Eraser = &emailsErased{} }) // not a discloser: 404 past the checks
	cookie, _ := f.login(fullToken)
	const disclosure = "/admin/people/p_0123456789abcdef01234567/disclosure"
	for _, c := range []struct {
		path string
		hdr  []string
		want int
	}{
		{disclosure, []string{"Sec-Fetch-Site", "same-site"}, 403},
		{disclosure, []string{"Sec-Fetch-Site", "cross-site"}, 403},
		{disclosure, []string{"Referer", "https://www.example.com/blog"}, 403},
		{"/admin/disclosure?email=ann@example.com", []string{"Sec-Fetch-Site", "same-site"}, 403},
		{"/admin/backup", []string{"Sec-Fetch-Site", "same-site"}, 403},
		{disclosure, []string{"Sec-Fetch-Site", "same-origin"}, 404}, // past the check: no such person
		{disclosure, []string{"Sec-Fetch-Site", "none"}, 404},
		{disclosure, nil, 404},
	} {
		a := f.req("GET", c.path, "", append([]string{"Cookie", cookie}, c.hdr...)...)
		if a.code != c.want {
			t.Errorf("GET %s %v: %d %s", c.path, c.hdr, a.code, a.body)
		}
	}
	// The reads of other scopes are not held to it: a person's page opened
	// from a link elsewhere on the site.
	if a := f.req("GET", "/admin/campaigns/nov-news", "", "Cookie", cookie, "Sec-Fetch-Site", "same-site"); a.code == 403 {
		t.Errorf("a read from the same site: %d %s", a.code, a.body)
	}
}
