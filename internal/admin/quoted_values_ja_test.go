package admin_test

import (
	"bytes"
	"encoding/base64"
	"encoding/csv"
	"html"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestJapaneseQuotesRefusedValues: a refused row's cell is quoted as
// Japanese quotes, 「not-an-email」, on the Japanese campaign page and in
// the list it offers for download (whose reasons are the page's
// language); it read "not-an-email", code's quotes, in a Japanese
// sentence. The English page, and the API's answer, keep the quotes.
func TestJapaneseQuotesRefusedValues(t *testing.T) {
	f := newFixture(t)
	serveRecipients(t, f, f.tb, "dec-news")
	f.clk.Advance(time.Hour)
	cookie, csrf := f.login(fullToken)
	list := "メールアドレス,氏名\r\na@maker.example,山田\r\nnot-an-email,佐藤\r\n\"say \"\"hi\"\"\",鈴木\r\n"
	a := f.uploadList(cookie, csrf, "/admin/campaigns/dec-news/recipients?lang=ja", list, "Accept", "text/html")
	body := html.UnescapeString(a.body)
	for _, want := range []string{"3 行目：「not-an-email」はメールアドレスではありません。", `4 行目：「say "hi"」はメールアドレスではありません。`} {
		if a.code != 200 || !strings.Contains(body, want) {
			t.Errorf("ja page: %d, lacks %q:\n%s", a.code, want, body)
		}
	}
	m := regexp.MustCompile(`href="data:text/csv;charset=utf-8;base64,([A-Za-z0-9+/=]+)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no download link:\n%s", body)
	}
	b, err := base64.StdEncoding.DecodeString(m[1])
	rows, cerr := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\ufeff")))).ReadAll()
	if err != nil || cerr != nil || len(rows) != 4 || rows[2][3] != "3 行目：「not-an-email」はメールアドレスではありません。" || rows[3][3] != `4 行目：「say "hi"」はメールアドレスではありません。` {
		t.Errorf("the ja download: %v %v %q", err, cerr, rows)
	}
	a = f.uploadList(cookie, csrf, "/admin/campaigns/dec-news/recipients?lang=en", list, "Accept", "text/html")
	if want := `line 3: "not-an-email" is not an email address`; !strings.Contains(html.UnescapeString(a.body), want) {
		t.Errorf("en page lacks %q:\n%s", want, a.body)
	}
	a = f.req("POST", "/admin/recipients?campaign=dec-news", list, "Authorization", "Bearer "+fullToken, "Content-Type", "text/csv", "Accept-Language", "ja")
	if got, want := a.hdr.Get("X-Baton-Row-Errors"), `"reason":"\"not-an-email\" is not an email address"`; a.code != 200 || !strings.Contains(got, want) || strings.Contains(got, "「") {
		t.Errorf("API: %d, X-Baton-Row-Errors %q, want %q in it", a.code, got, want)
	}
}
