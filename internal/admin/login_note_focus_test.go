package admin_test

import (
	"regexp"
	"strings"
	"testing"
)

// TestSignInSaysSignedOutToScreenReaders: signed out, the sign-in page's
// note ("You are signed out.") was a status already there as the page
// loaded, which no screen reader announces, and the token field had the
// focus: the note went unread. The note takes the focus (so it is read,
// and Tab goes on to the field); so does an error not about the token (a
// session ended). A wrong token still puts the focus on the field, which
// it describes.
func TestSignInSaysSignedOutToScreenReaders(t *testing.T) {
	f := newFixture(t)
	focused := regexp.MustCompile(`<(p|input)\b[^>]*\bautofocus\b[^>]*>`)
	for _, c := range []struct{ path, want string }{
		{"/admin/login?m=out", `<p class="note" role="status" id="login-note" tabindex="-1" autofocus>`},
		{"/admin/login?m=out&lang=ja", `<p class="note" role="status" id="login-note" tabindex="-1" autofocus>サインアウトしました。`},
		{"/admin/login?m=ended", `<p class="error" role="alert" id="login-error" tabindex="-1" autofocus>`},
		{"/admin/login", `<input id="token" name="token" type="password" autocomplete="current-password" required autofocus`},
	} {
		a := f.req("GET", c.path, "")
		all := focused.FindAllString(a.body, -1)
		if len(all) != 1 || !strings.Contains(a.body, c.want) || !strings.HasPrefix(all[0], c.want) && !strings.HasPrefix(c.want, all[0]) {
			t.Errorf("%s: focused as it loads %q, want one, %q", c.path, all, c.want)
		}
	}
	// A wrong token: the field, marked invalid, has the focus.
	a := f.req("POST", "/admin/login", "token=wrong", "Content-Type", "application/x-www-form-urlencoded")
	if all := focused.FindAllString(a.body, -1); a.code != 401 || len(all) != 1 || !strings.HasPrefix(all[0], `<input id="token"`) {
		t.Errorf("wrong token (%d): focused %q, want the token field", a.code, all)
	}
}
