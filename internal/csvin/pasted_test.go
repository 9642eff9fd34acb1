package csvin

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// readAll reads a list's rows below its header, as "row:cells".
func readAll(t *testing.T, in string, key func(string) string) (Table, []string) {
	t.Helper()
	cr := NewReader([]byte(in))
	var rows Rows
	tab, err := FindHeader(cr, &rows, EmailHeader)
	if err != nil {
		t.Fatal(err)
	}
	tab.Key = key
	var got []string
	for {
		rec, row, err := tab.Read(cr, &rows)
		if err != nil {
			break
		}
		got = append(got, fmt.Sprintf("%d:%s", row, strings.Join(rec, "|")))
	}
	return tab, got
}

// TestRepeatedHeaderNamesTheEmailAnotherWay: the second export pasted
// below the first names its email column otherwise (メールアドレス, then
// E-mail or Eメール). Its header was read as a row ("E-mail" is not an
// address): it is the header again, and the rows below it are read by its
// order. Key (the import's known names) matches 会社 to 会社名.
func TestRepeatedHeaderNamesTheEmailAnotherWay(t *testing.T) {
	in := "氏名,会社名,メールアドレス\n" +
		"山田,A社,a@example.jp\n" +
		"E-mail,氏名,会社名\n" +
		"b@example.jp,佐藤,B社\n" +
		"Eメール,会社,氏名\n" +
		"c@example.jp,C社,鈴木\n"
	key := func(h string) string {
		if k := Header(h); k == "会社" || k == "会社名" {
			return "company"
		}
		return ""
	}
	tab, got := readAll(t, in, key)
	want := []string{"2:山田|A社|a@example.jp", "4:佐藤|B社|b@example.jp", "6:鈴木|C社|c@example.jp"}
	if !slices.Equal(got, want) {
		t.Errorf("rows %q, want %q", got, want)
	}
	if r := tab.Repeated; len(r) != 2 || r[0] != (Repeat{Row: 3, Reordered: true}) || r[1] != (Repeat{Row: 5, Reordered: true}) {
		t.Errorf("repeated %+v", r)
	}
}

// TestTitleAboveRepeatedHeader: the second export's title lines (来場者リスト
// 2026/11/20 出力, Excel's padding commas, a blank line) just above its
// header are skipped with it and said (Titles). A one-cell line followed
// by a row, not a header, is a row (the import's to report); so is a title
// of a list that ends there.
func TestTitleAboveRepeatedHeader(t *testing.T) {
	in := "氏名,メールアドレス\n" +
		"山田,a@example.jp\n" +
		"来場者リスト 2026/11/20 出力,\n" +
		",\n" +
		",株式会社サンプル 営業部\n" +
		"氏名,E-mail\n" +
		"佐藤,b@example.jp\n" +
		"-,\n" + // no header below: a row
		"鈴木,c@example.jp\n" +
		"最終行,\n"
	tab, got := readAll(t, in, nil)
	want := []string{"2:山田|a@example.jp", "7:佐藤|b@example.jp", "8:-|", "9:鈴木|c@example.jp", "10:最終行|"}
	if !slices.Equal(got, want) {
		t.Errorf("rows %q, want %q", got, want)
	}
	if r := tab.Repeated; len(r) != 1 || r[0] != (Repeat{Row: 6}) {
		t.Errorf("repeated %+v", r)
	}
	if ti := tab.Titles; len(ti) != 2 || ti[0].Row != 3 || ti[1].Row != 5 {
		t.Errorf("titles %+v", ti)
	}
}

// TestTitleAboveRepeatedHeaderOfOneColumn: a list of addresses alone has
// rows of one cell: a line that is no address is a row (reported by the
// import) unless the header follows it.
func TestTitleAboveRepeatedHeaderOfOneColumn(t *testing.T) {
	in := "メールアドレス\na@example.jp\n（未記入）\nb@example.jp\n配信リスト 12月号\nEmail\nc@example.jp\n"
	tab, got := readAll(t, in, nil)
	want := []string{"2:a@example.jp", "3:（未記入）", "4:b@example.jp", "7:c@example.jp"}
	if !slices.Equal(got, want) {
		t.Errorf("rows %q, want %q", got, want)
	}
	if len(tab.Repeated) != 1 || tab.Repeated[0].Row != 6 || len(tab.Titles) != 1 || tab.Titles[0].Row != 5 {
		t.Errorf("repeated %+v titles %+v", tab.Repeated, tab.Titles)
	}
}

// TestSectionEndingTableIsNoTitle: a report's Other Attended (people who
// joined without registering) ends its attendees' table: it is returned
// for the import to stop at, never skipped as a pasted list's title, even
// with a header naming an email below it.
func TestSectionEndingTableIsNoTitle(t *testing.T) {
	in := "名前,メールアドレス\n山田,a@example.jp\nOther Attended\n名前,メールアドレス\n佐藤,b@example.jp\n"
	tab, got := readAll(t, in, nil)
	if len(got) < 2 || got[1] != "3:Other Attended" || len(tab.Titles) != 0 {
		t.Errorf("rows %q titles %+v", got, tab.Titles)
	}
}
