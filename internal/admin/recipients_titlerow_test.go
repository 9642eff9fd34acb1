package admin_test

import (
	"encoding/base64"
	"html"
	"regexp"
	"strings"
	"testing"
	"time"

	jpenc "golang.org/x/text/encoding/japanese"
)

// titledList is Excel's CP932 export of a list whose first row is its
// title, above the header.
func titledList(t *testing.T) string {
	t.Helper()
	b, err := jpenc.ShiftJIS.NewEncoder().String("12月配信リスト,2026/12/04 出力\r\n" +
		"メールアドレス,氏名,会社名\r\n" +
		"taro@example.co.jp,山田 太郎,株式会社サンプル\r\n" +
		"hanako@example.co.jp,佐藤 花子,\r\n")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// checkTitledFile: the tokenised file starts with the header and its
// baton_token column, then every row as uploaded with its token, in UTF-8
// with a BOM and CRLF line ends.
func checkTitledFile(t *testing.T, how, file string) {
	t.Helper()
	lines := strings.Split(file, "\r\n")
	if len(lines) != 4 || lines[3] != "" || lines[0] != "\ufeffメールアドレス,氏名,会社名,baton_token" ||
		!regexp.MustCompile(`^taro@example\.co\.jp,山田 太郎,株式会社サンプル,[^,]+$`).MatchString(lines[1]) ||
		!regexp.MustCompile(`^hanako@example\.co\.jp,佐藤 花子,,[^,]+$`).MatchString(lines[2]) {
		t.Errorf("%s: the file for the email tool is\n%q", how, file)
	}
}

// TestTitleRowLeftOutOfTheTokenisedList: a CP932 list whose first row is
// its title (12月配信リスト,2026/12/04 出力) came back, from the page and the
// API alike, with the title as line 1 of the file for the email tool,
// which read it as the header and mapped every column wrong; the page
// said only "for your email tool (its baton_token column)". The file
// starts with the header, and the page (both languages) and the API's
// headers say the title row was left out.
func TestTitleRowLeftOutOfTheTokenisedList(t *testing.T) {
	f := newFixture(t)
	serveRecipients(t, f, f.tb, "dec-news")
	f.clk.Advance(time.Hour)
	cookie, csrf := f.login(fullToken)
	for _, c := range []struct{ lang, says string }{
		{"en", "Row 1, a title above the header (12月配信リスト,2026/12/04 出力), was left out of the file for your email tool: its first row is the header."},
		{"ja", "1 行目のタイトル行（12月配信リスト,2026/12/04 出力）は配信ツール用のファイルから除きました（ファイルの 1 行目は見出し行です）。"},
	} {
		a := f.uploadList(cookie, csrf, "/admin/campaigns/dec-news/recipients?lang="+c.lang, titledList(t), "Accept", "text/html")
		if a.code != 200 || !strings.Contains(html.UnescapeString(a.body), c.says) {
			t.Errorf("%s: the page does not say %q: %d %s", c.lang, c.says, a.code, uploadNote(a.body))
		}
		m := regexp.MustCompile(`href="data:text/csv;charset=utf-8;base64,([A-Za-z0-9+/=]+)"`).FindStringSubmatch(html.UnescapeString(a.body))
		if m == nil {
			t.Fatalf("%s: no download link: %s", c.lang, uploadNote(a.body))
		}
		file, err := base64.StdEncoding.DecodeString(m[1])
		if err != nil {
			t.Fatal(err)
		}
		checkTitledFile(t, c.lang+" page", string(file))
	}
	// The API (and a client's upload to the page's route): the CSV, its
	// header row first; the headers say where the header was and how many
	// rows above it were left out.
	for _, a := range []answer{
		f.req("POST", "/admin/recipients?campaign=dec-news", titledList(t), "Authorization", "Bearer "+fullToken, "Content-Type", "text/csv"),
		f.uploadList(cookie, csrf, "/admin/campaigns/dec-news/recipients", titledList(t), "Accept", "text/csv"),
	} {
		if a.code != 200 || a.hdr.Get("X-Baton-Header-Row") != "2" || a.hdr.Get("X-Baton-Dropped-Rows") != "1" || a.hdr.Get("X-Baton-Minted") != "2" {
			t.Errorf("the API: %d %v", a.code, a.hdr)
		}
		checkTitledFile(t, "the API", a.body)
	}
	// A list with no title: nothing said, nothing left out.
	a := f.uploadList(cookie, csrf, "/admin/campaigns/dec-news/recipients", "email,name\r\nc@maker.example,C\r\n", "Accept", "text/html")
	if a.code != 200 || strings.Contains(a.body, "left out of the file") || strings.Contains(a.body, `class="dropped"`) {
		t.Errorf("a list without a title: %d %s", a.code, uploadNote(a.body))
	}
}

// TestRowsAboveTheHeaderSaidOnThePage: several rows above the header (a
// title, the export's date, Excel's empty row) are left out of the file
// and said together, and the page says the lines its row errors name are
// the uploaded file's (the file for the email tool has no title now).
func TestRowsAboveTheHeaderSaidOnThePage(t *testing.T) {
	f := newFixture(t)
	serveRecipients(t, f, f.tb, "dec-news")
	cookie, csrf := f.login(fullToken)
	list := "11月号 メルマガ配信リスト,,\r\n出力日：2026/11/06,,\r\n,,\r\n氏名,メールアドレス,会社名\r\n山田 太郎,taro@example.co.jp,サンプル\r\n佐藤 花子,not-an-email,\r\n"
	for _, c := range []struct{ lang, says, line, lines string }{
		{"en", "The 2 rows above the header (rows 1–2: 11月号 メルマガ配信リスト / 出力日：2026/11/06) were left out of the file for your email tool: its first row is the header.",
			`line 6: "not-an-email" is not an email address`, "The lines named above are those of the file you uploaded."},
		{"ja", "見出し行より上の 2 行（1〜2 行目：11月号 メルマガ配信リスト / 出力日：2026/11/06）は配信ツール用のファイルから除きました（ファイルの 1 行目は見出し行です）。",
			"6 行目", "上の行番号はアップロードしたファイルの行です。"},
	} {
		a := f.uploadList(cookie, csrf, "/admin/campaigns/dec-news/recipients?lang="+c.lang, list, "Accept", "text/html")
		body := html.UnescapeString(a.body)
		for _, want := range []string{c.says, c.line, c.lines} {
			if a.code != 200 || !strings.Contains(body, want) {
				t.Errorf("%s: the page lacks %q: %d %s", c.lang, want, a.code, uploadNote(a.body))
			}
		}
	}
}

// uploadNote is what the page says of the list uploaded (or the whole
// page when it says nothing), for a failure's message.
func uploadNote(page string) string {
	if m := regexp.MustCompile(`(?s)<div class="note uploaded".*?</div>`).FindString(page); m != "" {
		return m
	}
	return page
}
