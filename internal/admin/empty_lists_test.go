package admin_test

import (
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/admin"
)

// TestEmptyListsSayWhatFillsThem: a new workspace's people and MQL pages
// said "該当する人はいません" and "該当する MQL はありません" (no one
// matches) with nothing searched, as if a filter had left them out. With
// no filter they say what brings people and MQLs there; a filter that
// finds nothing still says no one matches.
func TestEmptyListsSayWhatFillsThem(t *testing.T) {
	f := newFixture(t)
	f.h.Workspace = &admin.Workspace{T: f.tb, Now: f.clk.Now}
	serveScoring(t, f)
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
