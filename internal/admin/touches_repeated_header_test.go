package admin_test

import (
	"strings"
	"testing"
)

// TestTouchesPageSaysRepeatedHeader: a list made of two exports pasted
// together repeats its header mid-list; the page listed that row under
// "Rows not imported" ("\"メールアドレス\" is not an email address"). It is
// skipped, and the page says so on its row, in the page's language (and
// that the rows below a header in another order are read by its order).
func TestTouchesPageSaysRepeatedHeader(t *testing.T) {
	touchesPageSays(t, "メールアドレス,氏名\r\nx@acme.example,山田 太郎\r\nメールアドレス,氏名\r\ny@acme.example,佐藤 一郎\r\n氏名,メールアドレス\r\n鈴木 花子,z@acme.example\r\n", map[string][]string{
		"ja": {"3 行目：見出し行の繰り返しのため読み飛ばしました。", "5 行目：列の順序が異なる見出し行の繰り返しのため読み飛ばしました。その下の行はこの見出し行の列の順序で読み取ります。"},
		"en": {"Row 3: header repeated, skipped.", "Row 5: header repeated in another column order, skipped; the rows below it are read by its order."},
	})
}

// touchesPageSays uploads list as an exhibition's touches from the page in
// each language and wants each of its lines said, and no row listed as
// not imported: the rows it skips are no errors.
func touchesPageSays(t *testing.T, list string, want map[string][]string) {
	t.Helper()
	f := touchesFixture(t)
	cookie, csrf := f.login(fullToken)
	fields := map[string]string{"channel": "exhibition", "event": "展示会A", "date": "2026-11-01"}
	for lang, lines := range want {
		a := f.uploadTouches(cookie, csrf, "/admin/touches?lang="+lang, []byte(list), fields, "Accept", "text/html")
		if a.code != 200 {
			t.Fatalf("%s: %d %s", lang, a.code, a.body)
		}
		for _, w := range lines {
			if !strings.Contains(a.body, w) {
				t.Errorf("%s: no %q", lang, w)
			}
		}
		if strings.Contains(a.body, "row-errors") {
			t.Errorf("%s: a skipped row listed as a row not imported", lang)
		}
	}
}
