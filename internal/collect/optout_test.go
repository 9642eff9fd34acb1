package collect_test

import (
	"context"
	"strings"
	"testing"
)

// TestOptOutByTheTagsVisitorID: with Baton on another site than the page,
// the browser sends no bt_vid (third-party cookies blocked), and the tag's
// opt-out names the visitor by its own id, the beacon's body (its numbers
// joined by commas, as on POST /e). The withdrawal is recorded for that
// visitor's person as the cookie's is; a body that is no browser's visitor
// id is a JSON 4xx and withdraws nobody.
func TestOptOutByTheTagsVisitorID(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	page := map[string]string{"Origin": "https://www.example.com", "Content-Type": "text/plain;charset=UTF-8"}
	form := `[["11,22,33,44,55",false,"f-third",1,"www","s","third@example.jp",["https://www.example.com/contact","Contact",{"company":"Acme"},"contact",null,"/send",{}],1767225600000],1767225601000]`
	if w := e.do("POST", "/e", form, page); w.Code != 204 {
		t.Fatalf("form: %d %s", w.Code, w.Body)
	}
	const vid = "11-22-33-44-55"
	person, err := e.h.People.PersonOf(ctx, vid)
	if err != nil || person == "" {
		t.Fatalf("the form identified nobody under %s: %q %v", vid, person, err)
	}
	withdrawn := func() bool {
		t.Helper()
		p, err := e.dir.Get(ctx, person)
		if err != nil {
			t.Fatal(err)
		}
		return !p.ConsentWithdrawn.IsZero()
	}

	for _, c := range []struct {
		name, body, contentType string
		status                  int
	}{
		{"not an id", "not an id!", "text/plain;charset=UTF-8", 400},
		{"too short", "1,2,3", "text/plain;charset=UTF-8", 400},
		{"an id Baton makes for the server API", "u:11-22-33-44-55", "text/plain;charset=UTF-8", 400},
		{"with a newline", vid + "\n", "text/plain;charset=UTF-8", 400},
		{"too long", strings.Repeat("1,", 200), "text/plain;charset=UTF-8", 413},
		{"JSON", `{"id":"11,22,33,44,55"}`, "application/json", 415},
	} {
		hdr := map[string]string{"Origin": "https://www.example.com", "Content-Type": c.contentType}
		w := e.do("POST", "/optout", c.body, hdr)
		if w.Code != c.status {
			t.Errorf("%s: %d %s, want %d", c.name, w.Code, w.Body, c.status)
			continue
		}
		errBody(t, w)
		if withdrawn() {
			t.Fatalf("%s: refused, yet the person's consent is withdrawn", c.name)
		}
	}

	// The tag's beacon: its id as text/plain, no cookie.
	w := e.do("POST", "/optout", "11,22,33,44,55", page)
	if w.Code != 204 {
		t.Fatalf("opt-out by the tag's id: %d %s", w.Code, w.Body)
	}
	if !withdrawn() {
		t.Fatal("opt-out by the tag's id: the person's consent is not withdrawn")
	}
	// As after the cookie's opt-out, the server API refuses the visitor's id.
	if held, err := e.h.People.RefusedVisitor(ctx, vid); err != nil || !held {
		t.Errorf("the visitor id is not held after the withdrawal: %v %v", held, err)
	}
	// A later form from another browser, without consent given, identifies
	// nobody: the withdrawal holds as the cookie's does.
	other := `[["66,77,88,99,10",false,"f-other",0,"www","s","third@example.jp",["https://www.example.com/contact","Contact",{},"contact",null,"/send",{}],1767225700000],1767225701000]`
	if w := e.do("POST", "/e", other, page); w.Code >= 300 {
		t.Fatalf("another browser's form: %d %s", w.Code, w.Body)
	}
	if p, _ := e.h.People.PersonOf(ctx, "66-77-88-99-10"); p == person {
		t.Error("a form from a browser not theirs was linked to the person who withdrew consent")
	}

	// A bad body beside the browser's own cookie: answered 4xx, and the
	// cookie's opt-out recorded all the same (it was refused whole).
	fourth := `[["12,23,34,45,56",false,"f-fourth",1,"www","s","fourth@example.jp",["https://www.example.com/contact","Contact",{},"contact",null,"/send",{}],1767225800000],1767225801000]`
	if w := e.do("POST", "/e", fourth, page); w.Code != 204 {
		t.Fatalf("form: %d %s", w.Code, w.Body)
	}
	if person, err = e.h.People.PersonOf(ctx, "12-23-34-45-56"); err != nil || person == "" {
		t.Fatalf("the form identified nobody: %q %v", person, err)
	}
	w = e.do("POST", "/optout", "not an id!", map[string]string{"Origin": "https://www.example.com", "Content-Type": "text/plain", "Cookie": "bt_vid=12-23-34-45-56"})
	if w.Code != 400 || !strings.Contains(w.Body.String(), "recorded all the same") {
		t.Fatalf("a bad body beside the cookie: %d %s", w.Code, w.Body)
	}
	errBody(t, w)
	if !withdrawn() {
		t.Error("a bad body beside the cookie: the cookie's person is not withdrawn")
	}
	if !strings.Contains(strings.Join(w.Result().Header.Values("Set-Cookie"), "\n"), "bt_optout=1") {
		t.Errorf("a bad body beside the cookie: no opt-out cookie set: %v", w.Result().Header.Values("Set-Cookie"))
	}
}
