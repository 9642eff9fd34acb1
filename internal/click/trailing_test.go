package click_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestTokenFollowedByTextIsTheRecipients: a plain-text newsletter writes
// a link and its sentence without a space between (詳細はこちら（https://…/c/<link>/<token>）。),
// and a mail client's autolink takes the ） or 。 after it into the link.
// The reader lands either way; the click was counted as a malformed
// token's, naming no one. No token holds such characters: the token
// before them is the recipient's, and the click is theirs.
func TestTokenFollowedByTextIsTheRecipients(t *testing.T) {
	e := newEnv(t)
	tok := "ok-" + e.ann.ID + "-nov-news"
	for i, tail := range []string{"）", "。", ")", ".", "\u3000", "」", ">", "/）"} {
		browser := "tail-browser-" + string(rune('a'+i))
		w := e.get("GET", "/c/"+e.link.ID+"/"+tok+url.PathEscape(tail), browser)
		if w.Code != http.StatusFound || !strings.HasPrefix(w.Header().Get("Location"), "https://www.example.com/webinar") {
			t.Fatalf("token followed by %q: %d %q, want 302 to the link's destination", tail, w.Code, w.Header().Get("Location"))
		}
		evs := e.events(t, browser)
		if len(evs) != 1 || evs[0].Properties["person"] != e.ann.ID || evs[0].UserID != e.ann.ID {
			t.Errorf("token followed by %q: stored %+v, want Ann's click", tail, evs)
		}
	}
	// What is before the text must still verify: a token cut short and
	// followed by text names no one.
	w := e.get("GET", "/c/"+e.link.ID+"/"+tok[:len(tok)-3]+url.PathEscape("）"), "cut-browser")
	if w.Code != http.StatusFound {
		t.Fatalf("cut token: %d", w.Code)
	}
	for _, ev := range e.events(t, "cut-browser") {
		if ev.Properties["person"] != nil || ev.UserID != "" {
			t.Fatalf("a cut token recorded a person: %+v", ev)
		}
	}
}
