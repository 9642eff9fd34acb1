package admin_test

import (
	"html"
	"strings"
	"testing"
)

// TestPastedListTitleSaid: a second export pasted below the first, its
// title line above its header, and its email column named E-mail (the
// first メールアドレス): the title and the header were listed under "Rows
// not imported". Both are skipped, and the touches page says so on their
// rows, in the page's language.
func TestPastedListTitleSaid(t *testing.T) {
	touchesPageSays(t, "メールアドレス,氏名\r\nx@acme.example,山田 太郎\r\n来場者リスト 2026/11/20 出力,\r\nE-mail,氏名\r\ny@acme.example,佐藤 一郎\r\n", map[string][]string{
		"ja": {"3 行目：貼り付けられた別のリストの表題行（繰り返された見出し行の上）のため読み飛ばしました。", "4 行目：見出し行の繰り返しのため読み飛ばしました。"},
		"en": {"Row 3: the title line of a list pasted below, above its repeated header, skipped.", "Row 4: header repeated, skipped."},
	})
}

// TestPastedRecipientListTitleSaid: the same for a recipient list: the
// page and the API (X-Baton-Pasted-Title-Rows) say the title's row.
func TestPastedRecipientListTitleSaid(t *testing.T) {
	f := newFixture(t)
	serveRecipients(t, f, f.tb, "dec-news")
	cookie, csrf := f.login(fullToken)
	list := "email,name\r\na@example.co.jp,A\r\n配信リスト 12月号,\r\nEメール,氏名\r\nb@example.co.jp,B\r\n"
	for lang, says := range map[string]string{"en": "Row 3: the title line of a list pasted below, above its repeated header, skipped.", "ja": "3 行目：貼り付けられた別のリストの表題行（繰り返された見出し行の上）のため読み飛ばしました。"} {
		a := f.uploadList(cookie, csrf, "/admin/campaigns/dec-news/recipients?lang="+lang, list, "Accept", "text/html")
		body := html.UnescapeString(a.body)
		if a.code != 200 || !strings.Contains(body, says) || strings.Contains(body, "is not an email address") {
			t.Errorf("%s: %d %s", lang, a.code, uploadNote(a.body))
		}
	}
	a := f.req("POST", "/admin/recipients?campaign=dec-news", list, "Authorization", "Bearer "+fullToken, "Content-Type", "text/csv")
	if a.code != 200 || a.hdr.Get("X-Baton-Pasted-Title-Rows") != "3" || a.hdr.Get("X-Baton-Repeated-Header-Rows") != "4" || a.hdr.Get("X-Baton-Row-Error-Count") != "0" || strings.Contains(a.body, "配信リスト") {
		t.Errorf("%d %v %q", a.code, a.hdr, a.body)
	}
}
