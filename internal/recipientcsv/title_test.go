package recipientcsv

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/text/encoding/japanese"
)

// TestTitleLinesAboveTheList: a list exported with its title and date above
// the header (Japanese Excel's CSV, Shift_JIS) was refused, "no email
// column: the header has "11月号 メルマガ配信リスト"". Its header is found
// below them, and the file that goes back starts with it (UTF-8 with a
// BOM, for Excel): an email tool reads its first row as the header. The
// rows left out are said (Dropped), and a row's error names its row in
// the list uploaded.
func TestTitleLinesAboveTheList(t *testing.T) {
	in := "11月号 メルマガ配信リスト,,\r\n出力日：2026/11/06,,\r\n\r\n" +
		"氏名,メールアドレス,会社名\r\n" +
		"山田 太郎,taro@example.co.jp,株式会社サンプル\r\n" +
		"佐藤 花子,not-an-email,\r\n"
	out, res := run(t, sjis(t, in))
	want := "\ufeff氏名,メールアドレス,会社名,baton_token\r\n" +
		"山田 太郎,taro@example.co.jp,株式会社サンプル,tok-taro\r\n" +
		"佐藤 花子,not-an-email,,\r\n"
	if out != want {
		t.Errorf("got\n%q\nwant\n%q", out, want)
	}
	if res.Minted != 1 || len(res.Errors) != 1 || res.Errors[0].Line != 6 || res.HeaderRow != 4 {
		t.Errorf("%+v", res)
	}
	if got := fmt.Sprint(res.Dropped); got != "[{1 [11月号 メルマガ配信リスト  ]} {2 [出力日：2026/11/06  ]}]" {
		t.Errorf("dropped %s", got)
	}
	// A title wrapped in its cell, one row apart from the header by
	// Excel's empty row, and one a spreadsheet would run as a formula.
	out, res = run(t, "\"=11月号\n配信リスト\"\n,,\nemail,name\na@b.example,A\n")
	if want := "\ufeffemail,name,baton_token\na@b.example,A,tok-a\n"; out != want || res.Minted != 1 || res.HeaderRow != 3 || len(res.Dropped) != 1 {
		t.Errorf("got %q %+v, want %q", out, res, want)
	}
}

// TestCP932TitleRowLeftOutOfTheFile: Excel's CP932 export of a list whose
// first row is its title (12月配信リスト,2026/12/04 出力) came back with
// that title as line 1 of the tokenised file, and an email tool that
// reads line 1 as the header mapped every column wrong. The file starts
// with the header, every row and column as uploaded plus baton_token.
func TestCP932TitleRowLeftOutOfTheFile(t *testing.T) {
	in := "12月配信リスト,2026/12/04 出力\r\n" +
		"メールアドレス,氏名,会社名,部署\r\n" +
		"taro@example.co.jp,山田 太郎,株式会社サンプル,営業部\r\n" +
		"hanako@example.co.jp,佐藤 花子,\"サンプル, 大阪\",\r\n" +
		"not-an-email,鈴木 一郎,,総務部\r\n"
	b, err := japanese.ShiftJIS.NewEncoder().String(in)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	res, err := MintWith(strings.NewReader(b), &out, tokens, Options{ReasonColumn: "エラー内容", CRLF: true})
	if err != nil {
		t.Fatal(err)
	}
	want := "\ufeffメールアドレス,氏名,会社名,部署,baton_token,エラー内容\r\n" +
		"taro@example.co.jp,山田 太郎,株式会社サンプル,営業部,tok-taro,\r\n" +
		"hanako@example.co.jp,佐藤 花子,\"サンプル, 大阪\",,tok-hanako,\r\n" +
		"not-an-email,鈴木 一郎,,総務部,,\"line 5: \"\"not-an-email\"\" is not an email address\"\r\n"
	if out.String() != want {
		t.Errorf("got\n%q\nwant\n%q", out.String(), want)
	}
	if res.Minted != 2 || res.HeaderRow != 2 || len(res.Dropped) != 1 || res.Dropped[0].Row != 1 || strings.Join(res.Dropped[0].Fields, ",") != "12月配信リスト,2026/12/04 出力" {
		t.Errorf("%+v", res)
	}
}

// TestTitleLinesLeftOutThroughAReupload: the file downloaded from the page
// (reasons in their column), fixed and uploaded again, comes back the
// same, its reasons' column refilled in place; each time a row's error
// names its row in the file uploaded.
func TestTitleLinesLeftOutThroughAReupload(t *testing.T) {
	opts := Options{ReasonColumn: "エラー内容", CRLF: true}
	var first bytes.Buffer
	if _, err := MintWith(strings.NewReader("配信リスト\n\nメールアドレス,氏名\na@b.example,A\nbad,B\n"), &first, tokens, opts); err != nil {
		t.Fatal(err)
	}
	want := "\ufeffメールアドレス,氏名,baton_token,エラー内容\r\na@b.example,A,tok-a,\r\nbad,B,,\"line 5: \"\"bad\"\" is not an email address\"\r\n"
	if first.String() != want {
		t.Fatalf("got %q, want %q", first.String(), want)
	}
	var again bytes.Buffer
	res, err := MintWith(strings.NewReader(first.String()), &again, tokens, opts)
	if err != nil || len(res.Errors) != 1 || res.Errors[0].Line != 3 || len(res.Dropped) != 0 || res.HeaderRow != 1 {
		t.Errorf("%+v %v %q", res, err, again.String())
	}
	fixed := strings.Replace(first.String(), "bad,B", "b@b.example,B", 1)
	again.Reset()
	res, err = MintWith(strings.NewReader(fixed), &again, tokens, opts)
	if err != nil || res.Minted != 2 || again.String() != "\ufeffメールアドレス,氏名,baton_token,エラー内容\r\na@b.example,A,tok-a,\r\nb@b.example,B,tok-b,\r\n" {
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
	want := "\ufeff氏名,メールアドレス,会社,baton_token\n山田,a@b.example,X,tok-a\n"
	if out != want || res.Minted != 1 || len(res.Errors) != 0 || res.HeaderRow != 2 {
		t.Errorf("got %q %+v, want %q", out, res, want)
	}
}
