package admin_test

import (
	"strings"
	"testing"

	jenc "golang.org/x/text/encoding/japanese"
)

// TestTouchesPageSaysZerosRestored: a Japanese team's list saved by Excel
// without its numbers' leading 0 (312345678, 600001): the page's answer
// lists each number given back, by row and column, as the file had it and
// as stored, in Japanese on the Japanese page; the API's JSON names them.
func TestTouchesPageSaysZerosRestored(t *testing.T) {
	f := touchesFixture(t)
	f.h.Touches.Japan = true
	cookie, csrf := f.login(fullToken)
	list, err := jenc.ShiftJIS.NewEncoder().Bytes([]byte("メールアドレス,氏名,電話番号,郵便番号\r\n" +
		"yamada@acme.example,山田 太郎,312345678,600001\r\n" +
		"sato@beta.example,佐藤 花子,3123456789,\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	fields := map[string]string{"channel": "exhibition", "event": "Japan IT Week 秋", "date": "2026-11-06"}
	a := f.uploadTouches(cookie, csrf, "/admin/touches?lang=ja", list, fields, "Accept", "text/html")
	for _, w := range []string{"<h2>先頭の 0 を補った番号</h2>",
		`<td data-l="行" class="n">2</td><td data-l="列">郵便番号</td><td data-l="ファイルの値">600001</td><td data-l="登録した値">0600001</td>`,
		`<td data-l="行" class="n">2</td><td data-l="列">電話番号</td><td data-l="ファイルの値">312345678</td><td data-l="登録した値">0312345678</td>`} {
		if a.code != 200 || !strings.Contains(a.body, w) {
			t.Errorf("the form's answer: %d, lacks %q:\n%s", a.code, w, a.body)
		}
	}
	if strings.Contains(a.body, "3123456789</td>") {
		t.Errorf("an ambiguous number listed as restored:\n%s", a.body)
	}
	a = f.req("POST", "/admin/touches?channel=exhibition&event=x&date=2026-11-06", string(list), "Authorization", "Bearer "+fullToken, "Content-Type", "text/csv")
	if a.code != 200 || !strings.Contains(a.body, `"restored":[{"line":2,"column":"郵便番号","from":"600001","to":"0600001"},{"line":2,"column":"電話番号","from":"312345678","to":"0312345678"}]`) {
		t.Errorf("API: %d %s", a.code, a.body)
	}
}
