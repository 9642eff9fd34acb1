package admin_test

import (
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/admin"
)

// TestSearchAmongACountsPeopleKeepsTheCount: a dashboard count filtered by
// first-touch channel and period opens its people with a note and the
// search form. The form held only q, stage and grade: searching among the
// count's people (what "the first 200; narrow the search" asks) dropped
// the count and its filters and searched everyone, and the note did not
// say the channel or period that made the list shorter than the count of
// all people. The form carries them now and the note says them.
func TestSearchAmongACountsPeopleKeepsTheCount(t *testing.T) {
	f := newFixture(t)
	f.h.Workspace = &admin.Workspace{T: f.tb, Now: f.clk.Now}
	salesHistory(t, f) // two people at maker.example, neither first touched by an ad
	serveScoring(t, f)
	get := func(path string) string {
		t.Helper()
		a := f.req("GET", path, "", "Authorization", "Bearer "+fullToken, "Accept", "text/html")
		if a.code != 200 {
			t.Fatalf("%s: %d %s", path, a.code, a.body)
		}
		return a.body
	}
	if body := get("/admin/people?q=maker&lang=ja"); strings.Count(body, `href="people/p_`) != 2 {
		t.Fatalf("the search finds the two people at maker.example:\n%s", body)
	}

	body := get("/admin/people?reached=lead&group=%28all%29&channel=paid&from=2026-11-01&to=2026-11-30&lang=ja")
	_, note, _ := strings.Cut(body, `<p class="note" role="status">`)
	note, _, _ = strings.Cut(note, "<a ")
	note = html.UnescapeString(note)
	for _, want := range []string{"リード に到達", "初回接点：広告。", "期間：2026年11月1日〜2026年11月30日。"} {
		if !strings.Contains(note, want) {
			t.Errorf("note %q lacks %q", note, want)
		}
	}

	// Send the search form as a browser does, with a query typed in.
	_, form, ok := strings.Cut(body, `role="search">`)
	form, _, _ = strings.Cut(form, "</form>")
	if !ok {
		t.Fatalf("no search form:\n%s", body)
	}
	sent := url.Values{}
	for _, m := range regexp.MustCompile(`<input[^>]*name="([^"]+)"[^>]*>`).FindAllStringSubmatch(form, -1) {
		v := regexp.MustCompile(`value="([^"]*)"`).FindStringSubmatch(m[0])
		if len(v) == 2 {
			sent.Set(m[1], html.UnescapeString(v[1]))
		} else {
			sent.Set(m[1], "")
		}
	}
	sent.Set("q", "maker")
	for k, want := range map[string]string{"reached": "lead", "group": "(all)", "channel": "paid", "from": "2026-11-01", "to": "2026-11-30"} {
		if sent.Get(k) != want {
			t.Errorf("the form sends %s=%q, want %q", k, sent.Get(k), want)
		}
	}
	after := get("/admin/people?" + sent.Encode() + "&lang=ja")
	if n := strings.Count(after, `href="people/p_`); n != 0 || !strings.Contains(after, "初回接点：広告。") {
		t.Errorf("a search among the ad-touched leads lists %d people from elsewhere, or lost its note:\n%s", n, after)
	}
}
