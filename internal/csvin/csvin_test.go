package csvin

import (
	"errors"
	"strings"
	"testing"

	"golang.org/x/text/encoding/japanese"
)

const japaneseCSV = "氏名,会社名,メールアドレス,イベント名\r\n山田 太郎,株式会社サンプル,taro@example.co.jp,展示会①（髙島屋ホール）\r\n鈴木 ﾊﾅｺ,ｶﾌﾞｼｷｶﾞｲｼｬ,hanako@example.co.jp,\"名刺交換, 東京\"\r\n"

func sjis(t *testing.T, s string) []byte {
	t.Helper()
	b, err := japanese.ShiftJIS.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestShiftJIS: what Japanese Excel writes (CP932, with its NEC and IBM
// extensions such as ① and 髙, and half-width kana) reads as the same text.
func TestShiftJIS(t *testing.T) {
	raw := sjis(t, japaneseCSV)
	if strings.Contains(string(raw), "氏名") {
		t.Fatal("the test file is not Shift_JIS")
	}
	text, enc, err := Decode(raw)
	if err != nil || enc != ShiftJIS || string(text) != japaneseCSV {
		t.Fatalf("%s %q %v", enc, text, err)
	}
	rows, err := NewReader(text).ReadAll()
	if err != nil || len(rows) != 3 || rows[2][3] != "名刺交換, 東京" {
		t.Fatalf("%q %v", rows, err)
	}
}

func TestUTF8WithAndWithoutBOM(t *testing.T) {
	for _, in := range []string{japaneseCSV, "\ufeff" + japaneseCSV, "email\na@b.example\n"} {
		text, enc, err := Decode([]byte(in))
		if err != nil || enc != UTF8 || string(text) != strings.TrimPrefix(in, "\ufeff") {
			t.Fatalf("%q: %s %q %v", in, enc, text, err)
		}
	}
}

// TestNeitherNamesTheLine: bytes that are neither UTF-8 nor CP932, a UTF-8
// file with a stray byte after its BOM, and a file mixing the two (which
// CP932 alone would turn into mojibake without any error) are refused,
// naming the line.
func TestNeitherNamesTheLine(t *testing.T) {
	mixed := append([]byte("email,氏名\r\na@b.example,山田\r\n"), sjis(t, "c@d.example,鈴木\r\n")...)
	for _, c := range []struct {
		name string
		in   []byte
		line int
		say  string
	}{
		{"garbage", []byte("email,name\r\na@b.example,ok\r\nc@d.example,\xff\xfe\xa0\x80\r\n"), 3, "neither UTF-8, Shift_JIS (CP932) nor EUC-JP"},
		{"a lone lead byte", append(sjis(t, "メール,氏名\n"), "x@y.example,\x82\n"...), 2, "neither"},
		{"BOM then not UTF-8", append([]byte("\ufeffemail\n"), sjis(t, "山田\n")...), 2, "BOM"},
		{"mixed", mixed, 3, "line 1 is UTF-8"},
	} {
		_, _, err := Decode(c.in)
		var e *Error
		if !errors.As(err, &e) || e.Line != c.line || !strings.Contains(err.Error(), c.say) || !strings.Contains(err.Error(), "CSV UTF-8") {
			t.Errorf("%s: %v", c.name, err)
		}
	}
}

// TestEUCJP: a list exported as EUC-JP (older Unix systems) was read as
// CP932, without error, into half-width katakana mojibake (山田 was ｻｳﾅﾄ).
// It reads as EUC-JP; CP932 files, with half-width katakana too, still read
// as CP932; EUC-JP mixed with UTF-8 is refused, naming it.
func TestEUCJP(t *testing.T) {
	euc := func(s string) []byte {
		b, err := japanese.EUCJP.NewEncoder().String(s)
		if err != nil {
			t.Fatal(err)
		}
		return []byte(b)
	}
	list := "氏名,会社名,メールアドレス\n山田 太郎,株式会社サンプル,taro@example.co.jp\n佐藤 花子,ｻﾝﾌﾟﾙ工業,hanako@example.co.jp\n"
	for _, c := range []struct {
		name, text string
		in         []byte
		enc        string
	}{
		{"EUC-JP", list, euc(list), EUCJP},
		{"EUC-JP with half-width katakana", "山田 太郎,ﾔﾏﾀﾞ ﾀﾛｳ\n", euc("山田 太郎,ﾔﾏﾀﾞ ﾀﾛｳ\n"), EUCJP},
		// As short as this, EUC-JP is CP932's half-width katakana too
		// (ｻｳﾅﾄ): what Excel writes wins.
		{"EUC-JP too short to tell", "ｻｳﾅﾄ\n", euc("山田\n"), ShiftJIS},
		{"CP932, half-width katakana in one field", "ﾔﾏﾀﾞ\n", sjis(t, "ﾔﾏﾀﾞ\n"), ShiftJIS},
		{"CP932 with half-width katakana", list, sjis(t, list), ShiftJIS},
		{"CP932, half-width katakana only", "email,ｶﾅ\na@b.example,ﾔﾏﾀﾞ ﾀﾛｳ\nc@d.example,ｻﾄｳ ﾊﾅｺ\n", sjis(t, "email,ｶﾅ\na@b.example,ﾔﾏﾀﾞ ﾀﾛｳ\nc@d.example,ｻﾄｳ ﾊﾅｺ\n"), ShiftJIS},
	} {
		text, enc, err := Decode(c.in)
		if err != nil || enc != c.enc || string(text) != c.text {
			t.Errorf("%s: %s %q %v, want %s %q", c.name, enc, text, err, c.enc, c.text)
		}
	}
	_, _, err := Decode(append([]byte("email,氏名\n"), euc("a@b.example,山田\n")...))
	var e *Error
	if !errors.As(err, &e) || e.Line != 2 || !strings.Contains(err.Error(), "this line is EUC-JP but line 1 is UTF-8") {
		t.Errorf("EUC-JP mixed with UTF-8: %v", err)
	}
}

func TestReadLimit(t *testing.T) {
	var tl *TooLarge
	if _, _, err := Read(strings.NewReader(strings.Repeat("a", 11)), 10); !errors.As(err, &tl) {
		t.Fatalf("%v", err)
	}
	if text, _, err := Read(strings.NewReader("email\n"), 10); err != nil || string(text) != "email\n" {
		t.Fatalf("%q %v", text, err)
	}
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte(japaneseCSV))
	f.Add([]byte("\x82\xa0\x82\xa2,email\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		text, _, err := Decode(in)
		if err == nil && !strings.HasPrefix(string(in), "\ufeff") && strings.ContainsRune(string(text), '\ufffd') && !strings.ContainsRune(string(in), '\ufffd') {
			t.Fatalf("replacement character in accepted text %q", text)
		}
	})
}

func TestHeader(t *testing.T) {
	for in, want := range map[string]string{"ＥＭＡＩＬ": "email", " メールアドレス（必須） ": "メールアドレス", "Email *": "email", "会社名※": "会社名", "email address": "email address"} {
		if got := Header(in); got != want {
			t.Errorf("Header(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestHeaderLineBreaks: a header cell wrapped in Excel (Alt+Enter) holds a
// line break: メール⏎アドレス was no email column, and the list refused.
func TestHeaderLineBreaks(t *testing.T) {
	for in, want := range map[string]string{"メール\nアドレス": "メールアドレス", "メール\r\nアドレス（必須）": "メールアドレス", "E-mail\nAddress": "e-mail address",
		"email  address": "email address", "メール アドレス": "メールアドレス", "Eメール\nアドレス": "eメールアドレス", "会社\n名": "会社名",
		// invisible characters: copied from a web page, a BOM pasted in
		"メール\u200bアドレス": "メールアドレス", "\ufeffemail": "email", "氏\u2060名（必須）": "氏名", "会社\u200d名": "会社名"} {
		if got := Header(in); got != want {
			t.Errorf("Header(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestEmailColumn: the person's own email column, whatever a list's
// spelling, before another's; two of one rank refused.
func TestEmailColumn(t *testing.T) {
	for _, c := range []struct {
		header []string
		want   int
	}{
		{[]string{"氏名", "mail_address"}, 1},
		{[]string{"e_mail", "氏名"}, 0},
		{[]string{"Email-Address"}, 0},
		{[]string{"担当者メールアドレス", "メール\nアドレス"}, 1},
		{[]string{"氏名", "会社メールアドレス"}, 1},
		{[]string{"氏名", "会社名"}, -1},
		{[]string{"氏名", "電子メール"}, 1},
		{[]string{"氏名", "E-Mail アドレス"}, 1},
		{[]string{"氏名", "E-mail(会社)"}, 1},
		{[]string{"氏名", "メール（勤務先）"}, 1},
	} {
		if got, err := EmailColumn(c.header); err != nil || got != c.want {
			t.Errorf("%q: %d %v, want %d", c.header, got, err, c.want)
		}
	}
	if _, err := EmailColumn([]string{"email", "メールアドレス"}); err == nil || !strings.Contains(err.Error(), `"email" and "メールアドレス"`) {
		t.Errorf("two plain email columns: %v", err)
	}
}

// TestNumberedEmailColumns: a list with the person's addresses numbered
// (Sansan's e-mail(1) and e-mail(2), a template's メールアドレス1 and
// メールアドレス2) was refused as having two email columns; the one numbered
// 1 is the person's. Columns not one name numbered, or without a 1, are
// still refused.
func TestNumberedEmailColumns(t *testing.T) {
	for _, c := range []struct {
		header []string
		want   int
	}{
		{[]string{"氏名", "e-mail(2)", "e-mail(1)"}, 2},
		{[]string{"メールアドレス1", "メールアドレス2", "メールアドレス3"}, 0},
		{[]string{"氏名", "メールアドレス２", "メールアドレス１"}, 2},
		{[]string{"E-mail（1）", "E-mail（2）（必須）"}, 0},
	} {
		if got, err := EmailColumn(c.header); err != nil || got != c.want {
			t.Errorf("%q: %d %v, want %d", c.header, got, err, c.want)
		}
	}
	for _, h := range [][]string{
		{"メールアドレス2", "メールアドレス3"},               // no first
		{"メールアドレス1", "e-mail(2)"},              // not one name
		{"メールアドレス1", "メールアドレス1"},               // one number twice
		{"E-mail(会社)", "E-mail(自宅)"},           // not numbered
		{"メールアドレス2024", "メールアドレス1"},            // a year, not a number of the list's
		{"メールアドレス1", "担当者メールアドレス", "メールアドレス2"}, // someone else's beside them
	} {
		if got, err := EmailColumn(h); err == nil {
			t.Errorf("%q: %d, want an error", h, got)
		}
	}
}

// TestHeaderRequiredMarksOfJapaneseTemplates: README promises a
// template's required mark is ignored on a column's name (メールアドレス
// （必須）, email*). Japanese templates just as often write it 【必須】, [必須],
// ※必須, or before the name (【必須】メールアドレス, ※メールアドレス); with
// those the whole list was refused as having no email column.
func TestHeaderRequiredMarksOfJapaneseTemplates(t *testing.T) {
	for _, h := range []string{"メールアドレス【必須】", "【必須】メールアドレス", "メールアドレス[必須]", "メールアドレス　※必須", "※メールアドレス", "*メールアドレス",
		"メールアドレス［必須］", "【必須】 メールアドレス（必須）", "メールアドレス ＊"} {
		if got := Header(h); got != "メールアドレス" {
			t.Errorf("Header(%q) = %q, want メールアドレス", h, got)
		}
	}
	// A name that is only a mark stays one: no column's name is empty.
	if got := Header("※"); got != "※" {
		t.Errorf("Header(※) = %q", got)
	}
}

func TestMacLineEnds(t *testing.T) {
	for in, want := range map[string]string{"a,b\r1,2\r": "a,b\n1,2\n", "a,b\r\n1,2\r\n": "a,b\r\n1,2\r\n", "a\n\"x\ry\"\n": "a\n\"x\ry\"\n"} {
		got, _, err := Decode([]byte(in))
		if err != nil || string(got) != want {
			t.Errorf("Decode(%q) = %q %v, want %q", in, got, err, want)
		}
	}
}

func TestBlank(t *testing.T) {
	for _, rec := range [][]string{{""}, {"", "", "", ""}, {" ", "\t", "　"}, nil} {
		if !Blank(rec) {
			t.Errorf("%q is not blank", rec)
		}
	}
	for _, rec := range [][]string{{"a"}, {"", "", "x"}, {"", "0"}} {
		if Blank(rec) {
			t.Errorf("%q is blank", rec)
		}
	}
}

// TestColumnsNotSeparatedByCommas: a list saved as Excel's tab-delimited
// text (or a European Excel's semicolon CSV) is one column, named
// "メールアドレス\t氏名": it was taken for the email column, every row
// refused as no address, and the campaign's list replaced by none. The
// header is refused, saying how to save the file.
func TestColumnsNotSeparatedByCommas(t *testing.T) {
	for header, sep := range map[string]string{"メールアドレス\t氏名\t会社名": "tabs", "email;name": "semicolons"} {
		col, err := EmailColumn([]string{header})
		if col != -1 || err == nil || err.Error() != "the columns are separated by "+sep+", not commas: save the file as CSV (comma-separated)" {
			t.Errorf("%q: %d %v", header, col, err)
		}
	}
	// A comma-separated header whose cells hold a semicolon is read as before.
	if col, err := EmailColumn([]string{"email", "name;kana"}); col != 0 || err != nil {
		t.Errorf("%d %v", col, err)
	}
}

// TestNumberedEmailColumnSpellings: numbered email columns as templates
// and exports write them are email columns, the one numbered 1 the
// person's when two are, as Sansan's e-mail(1) and e-mail(2) were.
func TestNumberedEmailColumnSpellings(t *testing.T) {
	for _, c := range []struct {
		header []string
		want   int
	}{
		{[]string{"氏名", "Email 1"}, 1},
		{[]string{"email_1"}, 0},
		{[]string{"E-mail 2", "E-mail 1"}, 1},
		{[]string{"Eメール2", "Eメール１"}, 1},
		{[]string{"氏名", "メールアドレス２", "メールアドレス１"}, 2},
		{[]string{"Email-2", "email", "Email-1"}, 1}, // a plain name before the numbered
	} {
		if got, err := EmailColumn(c.header); err != nil || got != c.want {
			t.Errorf("%q: %d %v, want %d", c.header, got, err, c.want)
		}
	}
	if _, err := EmailColumn([]string{"Email 1", "担当者メールアドレス"}); err == nil {
		t.Error("Email 1 beside another's address: want an error, as メールアドレス1 beside it")
	}
	if IsEmailColumn("Phone 1") || !IsEmailColumn("Email 2") {
		t.Error("IsEmailColumn")
	}
}
