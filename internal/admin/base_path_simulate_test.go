package admin_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/httpx"
	"github.com/baton-hq/baton/internal/testutil/repo"
)

// TestPartialSimulationNamesItsRouteUnderTheBasePath: a simulation cut
// short told the reader to go on with POST /admin/rules/simulate?after=…,
// a 404 under BATON_BASE_PATH: the route it names carries the base path.
func TestPartialSimulationNamesItsRouteUnderTheBasePath(t *testing.T) {
	f := labFixture(t)
	salesHistory(t, f) // people to replay: a limit of one leaves the rest
	text, err := os.ReadFile(filepath.Join(repo.Root(t), "infra", "rules.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, base := range []string{"", "/_bt"} {
		mux := http.NewServeMux()
		f.h.Routes(mux)
		srv := httptest.NewServer(httpx.Under(base, httpx.Routes(mux)))
		f.url = srv.URL + base
		cookie, csrf := f.login(fullToken)
		a := f.req("POST", "/admin/rules/simulate?limit=1&lang=en", url.Values{"csrf": {csrf}, "rules": {string(text)}}.Encode(), "Cookie", cookie, "Content-Type", "application/x-www-form-urlencoded", "Accept", "text/html")
		srv.Close()
		if want := "<code>POST " + base + "/admin/rules/simulate?after="; a.code != 200 || !strings.Contains(a.body, want) {
			t.Errorf("base %q: %d, want the partial note naming %q:\n%s", base, a.code, want, a.body)
		}
	}
}
