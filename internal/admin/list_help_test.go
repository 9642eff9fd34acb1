package admin_test

import (
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/csvin"
)

// TestRecipientListHelpNamesTheEncodingsRead: the campaign page's help for
// the recipient list said "UTF-8 or Shift_JIS" while the list is read by
// csvin, which takes EUC-JP too (and README says so): the help names
// every encoding csvin reads, in both languages.
func TestRecipientListHelpNamesTheEncodingsRead(t *testing.T) {
	f := newFixture(t)
	serveRecipients(t, f, f.tb, "camp-a") // the upload form is shown where tokens can be minted
	cookie, _ := f.login(fullToken)
	for _, lang := range []string{"en", "ja"} {
		a := f.req("GET", "/admin/campaigns/camp-a?lang="+lang, "", "Cookie", cookie, "Accept", "text/html")
		_, help, ok := strings.Cut(a.body, `<p id="list-help" class="small muted">`)
		help, _, _ = strings.Cut(help, "</p>")
		if a.code != 200 || !ok {
			t.Fatalf("%s: %d, no list help in %s", lang, a.code, a.body)
		}
		for _, enc := range []string{"UTF-8", csvin.ShiftJIS, csvin.EUCJP} {
			if !strings.Contains(help, enc) {
				t.Errorf("%s: the list help %q does not name %s", lang, help, enc)
			}
		}
	}
}
