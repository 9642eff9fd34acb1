package admin_test

import (
	"net/url"
	"strings"
	"testing"
)

// TestWhatAFormDidTakesTheFocus: after a form (its POST, then the page it
// redirects to), the note saying what it did ("Sales' verdict recorded.",
// "Campaign created.") was on the page as it loaded: a live region
// (role=status) announces a change, not what a page loads with, so a
// screen reader said nothing; and the inbox opened at the lead's card,
// below its note, out of view. The pages run no script: the note takes
// the focus as the page loads (tabindex=-1 and autofocus, which Chromium
// honours on any focusable element), and the inbox's note is on the
// lead's card, the redirect's fragment naming it (a fragment naming
// another element would stop autofocus). A screen reader then says it.
func TestWhatAFormDidTakesTheFocus(t *testing.T) {
	f := newFixture(t)
	il := qualifyToInbox(t, f, "focus-v", "focus@maker.example", map[string]string{"title": "部長"}, nil)
	serveScoring(t, f)
	cookie, csrf := f.login(fullToken)
	get := func(path string) string {
		t.Helper()
		a := f.req("GET", path, "", "Cookie", cookie, "Accept", "text/html")
		if a.code != 200 {
			t.Fatalf("%s: %d %s", path, a.code, a.body)
		}
		return a.body
	}
	focused := `role="status" id="verdict-note" tabindex="-1" autofocus>`
	// A rejection without its reason: refused, said on the lead's card.
	form := url.Values{"outcome": {"rejected"}, "mql": {il.M.ID}, "back": {"inbox"}, "csrf": {csrf}}
	a := f.req("POST", "/admin/people/"+il.P.ID+"/outcome", form.Encode(), "Cookie", cookie, "Content-Type", "application/x-www-form-urlencoded")
	loc := a.hdr.Get("Location")
	query, frag, _ := strings.Cut(strings.TrimPrefix(loc, "../../inbox?"), "#")
	if a.code != 303 || frag != "verdict-note" {
		t.Fatalf("verdict: %d %q", a.code, loc)
	}
	body := get("/admin/inbox?" + query)
	if !strings.Contains(body, `id="lead-`+il.M.ID+`"><p class="note warn" `+focused) || strings.Count(body, `id="verdict-note"`) != 1 {
		t.Errorf("the refusal is not focused on the lead's card:\n%s", body)
	}
	// A lead not on the page (an answered one, the filter awaiting
	// verdicts): the note above the leads, focused all the same.
	body = get("/admin/inbox?show=awaiting&m=outcome&lead=p_00000000000000000000000-c1")
	if !strings.Contains(body, `<p class="note" `+focused+`Sales&#39; verdict recorded.</p>`) {
		t.Errorf("the note of a lead not on the page:\n%s", body)
	}
	// The person's page, after its consent form or the verdict form.
	if body := get("/admin/people/" + il.P.ID + "?m=outcome"); !strings.Contains(body, `<p class="note" role="status" tabindex="-1" autofocus>Sales&#39; verdict recorded.</p>`) {
		t.Errorf("the person's page's note is not focused:\n%s", body)
	}
	// No note, no focus taken: the page starts at its skip link.
	if body := get("/admin/inbox"); strings.Contains(body, "autofocus") {
		t.Errorf("the inbox takes the focus with no form sent:\n%s", body)
	}
}
