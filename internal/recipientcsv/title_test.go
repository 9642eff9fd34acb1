package recipientcsv

import (
	"bytes"
	"strings"
	"testing"

	"golang.org/x/text/encoding/japanese"
)

// TestTitleLinesAboveTheList: a list exported with its title and date above
// the header (Japanese Excel's CSV, Shift_JIS) was refused, "no email
// column: the header has "11月号 メルマガ配信リスト"". Its header is found
// below them, and the file that goes back keeps them above the table as
// they were (UTF-8 with a BOM, for Excel), the empty row between them
// too: each row is on the row it had, where a row's error names it.
func TestTitleLinesAboveTheList(t *testing.T) {
	in := "11月号 メルマガ配信リスト,,\r\n出力日：2026/11/06,,\r\n\r\n" +
		"氏名,メールアドレス,会社名\r\n" +
		"山田 太郎,taro@example.co.jp,株式会社サンプル\r\n" +
		"佐藤 花子,not-an-email,\r\n"
	out, res := run(t, sjis(t, in))
	want := "\ufeff11月号 メルマガ配信リスト,,\r\n出力日：2026/11/06,,\r\n\r\n" +
		"氏名,メールアドレス,会社名,baton_token\r\n" +
		"山田 太郎,taro@example.co.jp,株式会社サンプル,tok-taro\r\n" +
		"佐藤 花子,not-an-email,,\r\n"
	if out != want {
		t.Errorf("got\n%q\nwant\n%q", out, want)
	}
	if res.Minted != 1 || len(res.Errors) != 1 || res.Errors[0].Line != 6 {
		t.Errorf("%+v", res)
	}
	// A title wrapped in its cell, one row apart from the header by
	// Excel's empty row, and one a spreadsheet would run as a formula.
	out, res = run(t, "\"=11月号\n配信リスト\"\n,,\nemail,name\na@b.example,A\n")
	if want := "\ufeff\"'=11月号\n配信リスト\"\n,,\nemail,name,baton_token\na@b.example,A,tok-a\n"; out != want || res.Minted != 1 {
		t.Errorf("got %q, want %q", out, want)
	}
}

// TestTitleLinesKeptThroughAReupload: the file downloaded from the page
// (reasons in their column), fixed and uploaded again, comes back with its
// title as it was, its reasons' column refilled in place.
func TestTitleLinesKeptThroughAReupload(t *testing.T) {
	opts := Options{ReasonColumn: "エラー内容", CRLF: true}
	var first bytes.Buffer
	if _, err := MintWith(strings.NewReader("配信リスト\n\nメールアドレス,氏名\na@b.example,A\nbad,B\n"), &first, tokens, opts); err != nil {
		t.Fatal(err)
	}
	want := "\ufeff配信リスト\r\n\r\nメールアドレス,氏名,baton_token,エラー内容\r\na@b.example,A,tok-a,\r\nbad,B,,\"line 5: \"\"bad\"\" is not an email address\"\r\n"
	if first.String() != want {
		t.Fatalf("got %q, want %q", first.String(), want)
	}
	fixed := strings.Replace(first.String(), "bad,B", "b@b.example,B", 1)
	var again bytes.Buffer
	res, err := MintWith(strings.NewReader(fixed), &again, tokens, opts)
	if err != nil || res.Minted != 2 || again.String() != "\ufeff配信リスト\r\n\r\nメールアドレス,氏名,baton_token,エラー内容\r\na@b.example,A,tok-a,\r\nb@b.example,B,tok-b,\r\n" {
		t.Errorf("%+v %v %q", res, err, again.String())
	}
}

// TestNoEmailColumnBelowATitle: a file whose rows name no email column,
// under a title, says so, not that the title is its header.
func TestNoEmailColumnBelowATitle(t *testing.T) {
	_, err := Mint(strings.NewReader("配信リスト\r\n氏名,会社名\r\n山田,サンプル\r\n"), &bytes.Buffer{}, tokens)
	if err == nil || err.Error() != `no email column: no row names one (email, メールアドレス ...); the first row is "配信リスト"` {
		t.Errorf("%v", err)
	}
}

func sjis(t *testing.T, s string) string {
	t.Helper()
	b, err := japanese.ShiftJIS.NewEncoder().String(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestATitleNamingAddressesOnTheFirstRow: a list whose first row is its
// title メールアドレス一覧 (one cell, naming addresses) was read with the
// title for its header: no token minted, every person's row "not an email
// address". The header is the row below it.
func TestATitleNamingAddressesOnTheFirstRow(t *testing.T) {
	out, res := run(t, "メールアドレス一覧,,\n氏名,メールアドレス,会社\n山田,a@b.example,X\n")
	want := "\ufeffメールアドレス一覧,,\n氏名,メールアドレス,会社,baton_token\n山田,a@b.example,X,tok-a\n"
	if out != want || res.Minted != 1 || len(res.Errors) != 0 {
		t.Errorf("got %q %+v, want %q", out, res, want)
	}
}
