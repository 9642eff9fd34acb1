package admin_test

import (
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/account"
	"github.com/baton-hq/baton/internal/admin"
)

// TestMalformedAccountIDOnAPage: an account's address cut short or mistyped
// (copied from a chat, a character lost) answered a browser with the API's
// JSON, in English, on a Japanese workspace. A browser gets a page that
// says what is wrong in its language; an API client keeps the JSON.
func TestMalformedAccountIDOnAPage(t *testing.T) {
	f := newFixture(t, func(h *admin.Handler) { h.Accounts = &account.Book{} })
	for _, path := range []string{"/admin/accounts/a7b821ba1ee9e812", "/admin/accounts/A7B821BA1EE9E8122"} {
		a := f.req("GET", path+"?lang=ja", "", "Authorization", "Bearer "+fullToken, "Accept", "text/html")
		if a.code != 400 || !strings.HasPrefix(a.hdr.Get("Content-Type"), "text/html") ||
			!strings.Contains(a.body, "このアドレスのアカウント ID は正しくありません") || !strings.Contains(a.body, `href="../accounts"`) {
			t.Errorf("%s, a browser: %d %s\n%s", path, a.code, a.hdr.Get("Content-Type"), a.body)
		}
		a = f.req("GET", path, "", "Authorization", "Bearer "+fullToken)
		if a.code != 400 || !strings.Contains(a.body, `"field":"id"`) {
			t.Errorf("%s, the API: %d %s", path, a.code, a.body)
		}
	}
}
