package admin_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/admin"
	"github.com/baton-hq/baton/internal/httpx"
)

// TestEmptyListsSayWhatFillsThem: a new workspace's people and MQL pages
// said "該当する人はいません" and "該当する MQL はありません" (no one
// matches) with nothing searched, as if a filter had left them out. With
// no filter they say what brings people and MQLs there; a filter that
// finds nothing still says no one matches.
func TestEmptyListsSayWhatFillsThem(t *testing.T) {
	f := newFixture(t)
	q, dir, _, st := scoring(t, f)
	f.h.Scores, f.h.People, f.h.Timelines = q, dir, st
	f.h.Workspace = &admin.Workspace{T: f.tb, Now: f.clk.Now}
	mux := http.NewServeMux()
	f.h.Routes(mux)
	srv := httptest.NewServer(httpx.SecurityHeaders(httpx.Routes(mux)))
	defer srv.Close()
	f.url = srv.URL
	for path, want := range map[string]string{
		"/admin/people":         "まだ人物はいません。",
		"/admin/people?q=山田":    "該当する人はいません。",
		"/admin/people?grade=A": "該当する人はいません。",
		"/admin/mqls":           "MQL はまだありません。ルールの条件を満たした人が MQL になります。",
		"/admin/mqls?grade=A":   "該当する MQL はありません。",
	} {
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		a := f.req("GET", path+sep+"lang=ja", "", "Authorization", "Bearer "+fullToken, "Accept", "text/html")
		if a.code != 200 || !strings.Contains(a.body, want) {
			t.Errorf("%s: %d, want %q:\n%s", path, a.code, want, a.body)
		}
	}
}
