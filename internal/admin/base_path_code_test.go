package admin_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/httpx"
)

// TestDashboardNamesTheReportsAPIUnderTheBasePath: served under
// BATON_BASE_PATH=/_bt (README, "Serve Baton from the site's own host"),
// the Reports page told a reader its JSON and CSV were at
// /admin/reports/..., which is a 404 there: the path it names carries the
// base path, as every route does.
func TestDashboardNamesTheReportsAPIUnderTheBasePath(t *testing.T) {
	f := newFixture(t)
	for _, c := range []struct{ base, want string }{
		{"", "<code>/admin/reports/{funnel,"},
		{"/_bt", "<code>/_bt/admin/reports/{funnel,"},
	} {
		mux := http.NewServeMux()
		f.h.Routes(mux)
		srv := httptest.NewServer(httpx.Under(c.base, httpx.Routes(mux)))
		r, _ := http.NewRequest("GET", srv.URL+c.base+"/admin/?lang=ja", nil)
		r.Header.Set("Authorization", "Bearer "+fullToken)
		r.Header.Set("Accept", "text/html")
		resp, err := http.DefaultClient.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		srv.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("base %q: %d %s", c.base, resp.StatusCode, b)
		}
		if !strings.Contains(string(b), c.want) {
			i := strings.Index(string(b), "reports/{funnel")
			t.Errorf("base %q: the page names the reports' API as %q, want %q", c.base, string(b)[max(0, i-30):max(0, i)+16], c.want)
		}
	}
}
