package admin_test

import (
	"html"
	"strings"
	"testing"
)

// TestRepeatedHeaderSaidForARecipientList: two recipient exports pasted
// together repeat the header mid-list; the row came back as a recipient
// refused ("\"email\" is not an email address"), in the file for the
// email tool too. It is left out, and the page (both languages) and the
// API's X-Baton-Repeated-Header-Rows say so.
func TestRepeatedHeaderSaidForARecipientList(t *testing.T) {
	f := newFixture(t)
	serveRecipients(t, f, f.tb, "dec-news")
	cookie, csrf := f.login(fullToken)
	list := "email,name\r\na@example.co.jp,A\r\nEmail,Name\r\nb@example.co.jp,B\r\n"
	for lang, says := range map[string]string{"en": "Row 3: header repeated, skipped.", "ja": "3 行目：見出し行の繰り返しのため読み飛ばしました。"} {
		a := f.uploadList(cookie, csrf, "/admin/campaigns/dec-news/recipients?lang="+lang, list, "Accept", "text/html")
		body := html.UnescapeString(a.body)
		if a.code != 200 || !strings.Contains(body, says) || strings.Contains(body, "is not an email address") {
			t.Errorf("%s: %d %s", lang, a.code, uploadNote(a.body))
		}
	}
	a := f.req("POST", "/admin/recipients?campaign=dec-news", list, "Authorization", "Bearer "+fullToken, "Content-Type", "text/csv")
	if a.code != 200 || a.hdr.Get("X-Baton-Repeated-Header-Rows") != "3" || a.hdr.Get("X-Baton-Row-Error-Count") != "0" || strings.Contains(a.body, "Email,Name") {
		t.Errorf("%d %v %q", a.code, a.hdr, a.body)
	}
}
