package csvin

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
)

func emailHeader(rec []string) (bool, error) {
	col, err := EmailColumn(rec)
	return col >= 0, err
}

func findHeader(text string) (Table, error) {
	return FindHeader(NewReader([]byte(text)), nil, emailHeader)
}

// TestFindHeaderInAZoomReport: the header of Zoom's attendee report is the
// attendees' one, below its title, summary, and the hosts' and panelists'
// tables, whose headers name an email column too.
func TestFindHeaderInAZoomReport(t *testing.T) {
	in := "出席者レポート\n" +
		"レポート作成日時：,2026/11/06 17:12\n" +
		"トピック,ウェビナーID,実際の開始時間\n" +
		"製造業DXウェビナー,845 1234 5678,2026/11/06 13:58\n" +
		"\n" +
		"ホストの詳細,,\n" +
		"出席しましたか,ユーザー名（元の名前）,メール\n" +
		"はい,事務局,host@baton-demo.example\n" +
		"パネリストの詳細,,\n" +
		"出席しましたか,ユーザー名（元の名前）,メール\n" +
		"はい,講師,speaker@partner.example\n" +
		"出席者の詳細,,\n" +
		"出席しましたか,ユーザー名（元の名前）,名,姓,メール\n" +
		"はい,山田 太郎,太郎,山田,taro@client.example\n"
	tab, err := findHeader(in)
	if err != nil || !tab.Found || tab.Row != 13 || tab.Skipped != 11 || tab.Header[2] != "名" ||
		!slices.Equal(tab.Sections, []string{"ホストの詳細", "パネリストの詳細"}) {
		t.Fatalf("%+v %v", tab, err)
	}
}

func TestFindHeader(t *testing.T) {
	// A plain list: its first row.
	if tab, err := findHeader("email,name\na@b.example,x\n"); err != nil || !tab.Found || tab.Row != 1 || tab.Skipped != 0 {
		t.Errorf("%+v %v", tab, err)
	}
	// A single column list is one too.
	if tab, err := findHeader("メールアドレス\na@b.example\n"); err != nil || !tab.Found || tab.Row != 1 {
		t.Errorf("%+v %v", tab, err)
	}
	// A title naming an email is a title (one cell, after the first row),
	// and a wrapped cell above the header is one row of the sheet.
	tab, err := findHeader("\"来場者\nリスト\"\nメールアドレス一覧\n氏名,メールアドレス\n山田,a@b.example\n")
	if err != nil || !tab.Found || tab.Row != 3 || tab.Skipped != 2 || tab.Header[0] != "氏名" {
		t.Errorf("%+v %v", tab, err)
	}
	// No header: the first non-blank row, for the message, and every row.
	tab, err = findHeader(",,\n出席者レポート\n氏名,会社名\n山田,サンプル\n")
	if err != nil || tab.Found || tab.Row != 2 || tab.Skipped != 3 || tab.Header[0] != "出席者レポート" {
		t.Errorf("%+v %v", tab, err)
	}
	// The header's own problems are the file's.
	if _, err := findHeader("タイトル\nemail,Email\n"); err == nil || !strings.Contains(err.Error(), "two email columns") {
		t.Errorf("%v", err)
	}
	if _, err := findHeader("メールアドレス\t氏名\na@b.example\t山田\n"); err == nil || !strings.Contains(err.Error(), "tabs") {
		t.Errorf("%v", err)
	}
	if _, err := findHeader(",,\n\n"); err == nil {
		t.Error("a file of blank rows has a header")
	}
}

func TestEndsTable(t *testing.T) {
	for rec, want := range map[string]bool{"Other Attended,,,": true, "ホストの詳細": true, "その他の出席者,": true, "a@b.example,": false, "Other Attended,x": false, "出席者の詳細": false} {
		if got := EndsTable(strings.Split(rec, ",")); got != want {
			t.Errorf("%q: %v", rec, got)
		}
	}
}

// FuzzFindHeader: whatever the file, a header found names an email column;
// one of one cell names a column ending in its name (no title); a blank
// row above the file moves
// the header one row down and changes nothing else.
func FuzzFindHeader(f *testing.F) {
	f.Add("出席者レポート\nホストの詳細\nメール,名\nh@x.example,a\n出席者の詳細\nメール,名\na@x.example,b\n")
	f.Add("Attendee Report,,\nHost Details,,\nAttended,User Name,Email\nYes,h,h@x.example\nAttendee Details,,\nAttended,First Name,Email\nYes,a,a@x.example\n")
	f.Add("email\na@b.example\n")
	f.Add("\"メール\nアドレス\",氏名\n")
	f.Add("title\nemail,Email\n")
	f.Add("メールアドレス一覧\n氏名,メールアドレス\n")
	f.Fuzz(func(t *testing.T, text string) {
		tab, err := findHeader(text)
		if err != nil {
			return
		}
		if tab.Found {
			if ok, err := emailHeader(tab.Header); !ok || err != nil {
				t.Fatalf("header %q names no email column", tab.Header)
			}
			if cell, title := Title(tab.Header); title && !endsInEmail(cell) {
				t.Fatalf("a title taken for the header: %q", tab.Header)
			}
		}
		if tab.Row < 1 || tab.Skipped < 0 {
			t.Fatalf("%+v", tab)
		}
		moved, err := findHeader(",\n" + text)
		if err != nil {
			t.Fatalf("a blank row above the file: %v", err)
		}
		if moved.Row != tab.Row+1 || moved.Found != tab.Found || moved.Skipped != tab.Skipped || !slices.Equal(moved.Header, tab.Header) || !slices.Equal(moved.Sections, tab.Sections) {
			t.Fatalf("a blank row above the file: %+v, was %+v", moved, tab)
		}
	})
}

// TestFindHeaderKeepsTheRowsAbove: the records above the header come back
// with their rows, blank ones and section titles too: a report's summary
// is read from them, and a list written back keeps them (an empty line
// is no record, so its row is missing, not a blank one).
func TestFindHeaderKeepsTheRowsAbove(t *testing.T) {
	tab, err := findHeader("出席者レポート\n\nトピック,実際の開始時間\n製造業DX,2026/11/06 13:58\n,,\nホストの詳細\nメール,名\nh@x.example,a\n出席者の詳細\nメール,名\na@x.example,b\n")
	if err != nil || !tab.Found || tab.Row != 10 {
		t.Fatalf("%+v %v", tab, err)
	}
	var got []string
	for _, r := range tab.Above {
		got = append(got, fmt.Sprintf("%d:%s", r.Row, strings.Join(r.Fields, "|")))
	}
	want := []string{"1:出席者レポート", "3:トピック|実際の開始時間", "4:製造業DX|2026/11/06 13:58", "5:||", "6:ホストの詳細", "7:メール|名", "8:h@x.example|a", "9:出席者の詳細"}
	if !slices.Equal(got, want) {
		t.Errorf("above: %q, want %q", got, want)
	}
	if tab, err := findHeader("email\na@b.example\n"); err != nil || len(tab.Above) != 0 {
		t.Errorf("a plain list has rows above: %+v %v", tab, err)
	}
}

// TestEmailHeader: a row naming an email column is a header unless it
// holds an address (a person's row whose cell says メール).
func TestEmailHeader(t *testing.T) {
	for rec, want := range map[string]bool{"氏名,メールアドレス": true, "山田,メール,taro@client.example": false, "氏名,会社名": false, "メールアドレス": true} {
		if ok, err := EmailHeader(strings.Split(rec, ",")); ok != want || err != nil {
			t.Errorf("%q: %v %v", rec, ok, err)
		}
	}
	if _, err := EmailHeader([]string{"email", "Email"}); err == nil {
		t.Error("two email columns accepted")
	}
}

// TestOneCellRowIsAHeaderWhenItNamesTheEmailPlainly: a one-cell row is the
// header of a one-column list when it names the email column plainly
// (email, メールアドレス), on the first row or below a title; a one-cell
// title that mentions addresses (メールアドレス一覧) is a title on the
// first row too: it was taken for the header, and the real header below it
// read as a person's row ("2 fields, the header has 1").
func TestOneCellRowIsAHeaderWhenItNamesTheEmailPlainly(t *testing.T) {
	tab, err := findHeader("メールアドレス一覧,,\n氏名,メールアドレス\n山田,a@b.example\n")
	if err != nil || !tab.Found || tab.Row != 2 || tab.Skipped != 1 || tab.Header[0] != "氏名" {
		t.Errorf("a title on the first row: %+v %v", tab, err)
	}
	tab, err = findHeader("11月号 配信リスト\nemail\na@b.example\n")
	if err != nil || !tab.Found || tab.Row != 2 || tab.Skipped != 1 || tab.Header[0] != "email" {
		t.Errorf("a one-column list under a title: %+v %v", tab, err)
	}
	for _, name := range []string{"メールアドレス", "PCメールアドレス", "work_email", "E-mail(会社)", "メール（勤務先）,,"} {
		tab, err = findHeader(name + "\na@b.example\n")
		if err != nil || !tab.Found || tab.Row != 1 {
			t.Errorf("a one-column list headed %s: %+v %v", name, tab, err)
		}
	}
	tab, err = findHeader("配信先メールアドレスリスト\n氏名,メールアドレス\n山田,a@b.example\n")
	if err != nil || !tab.Found || tab.Row != 2 {
		t.Errorf("a title going on after メールアドレス: %+v %v", tab, err)
	}
}

// TestOneColumnListUnderATitle: a list of addresses alone, exported with a
// title line above its header, whose header names the email some other
// way than plainly (PCメールアドレス, 会社メールアドレス, Work Email,
// E-mail(会社)): the header was taken for a second title (a section's),
// and the list refused as having no header row. Plain names (メールアドレス,
// E-mail Address) were found already; they stay found, and a title below
// the first row that only mentions addresses stays a title.
func TestOneColumnListUnderATitle(t *testing.T) {
	for _, name := range []string{"メールアドレス", "E-mail Address", "PCメールアドレス", "会社メールアドレス", "Work Email", "E-mail(会社)", "メール（勤務先）"} {
		for _, title := range []string{"11月号 配信リスト", "Newsletter recipients,,", "配信リスト\n出力日：2026/11/06"} {
			in := title + "\n" + name + "\na@b.example\nc@d.example\n"
			tab, err := findHeader(in)
			rows := strings.Count(title, "\n") + 1
			if err != nil || !tab.Found || tab.Row != rows+1 || tab.Skipped != rows || tab.Header[0] != name || len(tab.Sections) != 0 {
				t.Errorf("%q: %+v %v", in, tab, err)
			}
			if tab, err := FindHeader(NewReader([]byte(in)), nil, EmailHeader); err != nil || !tab.Found || tab.Header[0] != name {
				t.Errorf("%q with EmailHeader: %+v %v", in, tab, err)
			}
		}
	}
	tab, err := findHeader("11月号 配信リスト\n配信先メールアドレス一覧\n氏名,メールアドレス\n山田,a@b.example\n")
	if err != nil || !tab.Found || tab.Row != 3 || tab.Header[0] != "氏名" {
		t.Errorf("a second title mentioning addresses: %+v %v", tab, err)
	}
}

// TestASubtitleEndingInEmailIsNoHeader: a one-cell row below a title that
// ends in an email word (出席者のメールアドレス, Attendee email, Send the
// follow-up email) was taken for a one-column list's header, the real
// header below it read as a person's row and every row refused. The row
// after it decides: a header of several cells wins; an address (or a
// one-cell row with an @, mistyped) confirms it, and is read first.
func TestASubtitleEndingInEmailIsNoHeader(t *testing.T) {
	for _, sub := range []string{"出席者のメールアドレス", "Send the follow-up email", "Attendee email", "PCメールアドレス,,"} {
		for _, top := range []string{"製造業DXウェビナー 第3回\n", ""} {
			in := top + sub + "\n,,\n氏名,メールアドレス\n山田,taro@example.com\n"
			rows := strings.Count(top, "\n")
			for name, is := range map[string]func([]string) (bool, error){"emailHeader": emailHeader, "EmailHeader": EmailHeader} {
				tab, err := FindHeader(NewReader([]byte(in)), nil, is)
				if err != nil || !tab.Found || tab.Row != rows+3 || tab.Header[0] != "氏名" || tab.Skipped != rows+1 || len(tab.Below) != 0 {
					t.Errorf("%s %q: %+v %v", name, in, tab, err)
				}
			}
		}
	}
	// Confirmed by the row below, which the import reads first, with its row.
	for _, second := range []string{"a@b.example", "'a@b.example", "taro@", "山田,a@b.example"} {
		in := "配信リスト\nAttendee email\n,\n" + second + "\nc@d.example\n"
		cr := NewReader([]byte(in))
		var sheet Rows
		tab, err := FindHeader(cr, &sheet, EmailHeader)
		if err != nil || !tab.Found || tab.Row != 2 || tab.Header[0] != "Attendee email" || tab.Skipped != 1 {
			t.Fatalf("%q: %+v %v", in, tab, err)
		}
		var got []string
		for {
			rec, row, err := tab.Read(cr, &sheet)
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, fmt.Sprintf("%d:%s", row, strings.Join(rec, "|")))
		}
		want := []string{"3:|", "4:" + strings.ReplaceAll(second, ",", "|"), "5:c@d.example"}
		if !slices.Equal(got, want) {
			t.Errorf("%q: rows %q, want %q", in, got, want)
		}
	}
	// Another candidate below is held instead; a title below makes it one.
	if tab, err := findHeader("配信リスト\nAttendee email\nPCメールアドレス\na@b.example\n"); err != nil || !tab.Found || tab.Row != 3 || tab.Skipped != 2 {
		t.Errorf("two candidates: %+v %v", tab, err)
	}
	if tab, err := findHeader("配信リスト\nAttendee email\n出力日 2026/11/06\n氏名,Email\n山田,a@b.example\n"); err != nil || !tab.Found || tab.Row != 4 || tab.Skipped != 3 {
		t.Errorf("a title below: %+v %v", tab, err)
	}
	// At the end of the file, an empty list's header.
	if tab, err := findHeader("配信リスト\nemail\n,\n"); err != nil || !tab.Found || tab.Row != 2 || len(tab.Below) != 1 {
		t.Errorf("an empty list: %+v %v", tab, err)
	}
}

// TestOneColumnListWhoseFirstRowIsNoAddress: a one-column list whose first
// row holds no @ (（未記入）, "-") was refused whole ("no header row"): the
// held header was dropped for a title and every row below read as one. The
// header is kept and that row is the list's first, read with its row; a
// header of several cells further down still overrides it.
func TestOneColumnListWhoseFirstRowIsNoAddress(t *testing.T) {
	for in, want := range map[string]struct {
		row  int
		rows []string
	}{
		"メールアドレス\n（未記入）\nhanako@example.com\njiro@example.com\n": {1, []string{"2:（未記入）", "3:hanako@example.com", "4:jiro@example.com"}},
		"来場者\nPCメールアドレス\n-\nhanako@example.com\n":                {2, []string{"3:-", "4:hanako@example.com"}},
		"来場者\nPCメールアドレス\n-\n":                                    {2, []string{"3:-"}},
	} {
		cr := NewReader([]byte(in))
		var sheet Rows
		tab, err := FindHeader(cr, &sheet, EmailHeader)
		if err != nil || !tab.Found || tab.Row != want.row {
			t.Errorf("%q: %+v %v", in, tab, err)
			continue
		}
		var got []string
		for {
			rec, row, err := tab.Read(cr, &sheet)
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, fmt.Sprintf("%d:%s", row, strings.Join(rec, "|")))
		}
		if !slices.Equal(got, want.rows) {
			t.Errorf("%q: rows %q, want %q", in, got, want.rows)
		}
	}
	if tab, err := findHeader("配信リスト\nAttendee email\n-\n出力日 2026/11/06\n氏名,Email\n山田,a@b.example\n"); err != nil || !tab.Found || tab.Row != 5 || len(tab.Below) != 0 {
		t.Errorf("a header further down: %+v %v", tab, err)
	}
}

// TestASubtitleAboveASummaryIsNoHeader: a subtitle ending in an email word
// with a summary table of several cells below it (a Zoom report's meeting
// line names the host's address) was kept as a held header past that
// table, and the host's address confirmed it: every attendee row failed
// ("2 fields, the header has 1"). A row of several cells holding no
// address drops it; one holding the host's is then the summary's.
func TestASubtitleAboveASummaryIsNoHeader(t *testing.T) {
	in := "出席者のメールアドレス\nミーティングID,トピック,主催者\n845 1234,DX,host@acme.example\n\n出席者の詳細\n名前,メールアドレス\n山田,taro@client.example\n"
	if tab, err := findHeader(in); err != nil || !tab.Found || tab.Row != 6 || tab.Header[0] != "名前" {
		t.Errorf("report: %+v %v", tab, err)
	}
	// No email column at all: the file's error, not a header of one cell.
	if tab, err := findHeader("Send the follow-up email\nName,Company\nYamada,Acme\n"); err != nil || tab.Found {
		t.Errorf("no email column: %+v %v", tab, err)
	}
}

// TestReadSkipsRepeatedHeader: Table.Read skips a row that is the header
// again (a BOM, case and width aside; Excel's trailing empty cells too),
// and reads the rows below one in another order in the header's order. A
// row naming columns the header has not is another list's, returned as
// any row.
func TestReadSkipsRepeatedHeader(t *testing.T) {
	in := "メールアドレス,氏名,,\n" +
		"a@example.jp,A,,\n" +
		"\ufeffＭＡＩＬアドレス,所属\n" + // a name the header has not
		"ﾒｰﾙｱﾄﾞﾚｽ,氏名,,\n" + // the same, half-width
		"b@example.jp,B\n" +
		"氏名,メールアドレス\n" +
		"C,c@example.jp,extra\n"
	cr := NewReader([]byte(in))
	var rows Rows
	tab, err := FindHeader(cr, &rows, EmailHeader)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for {
		rec, row, err := tab.Read(cr, &rows)
		if err != nil {
			break
		}
		got = append(got, fmt.Sprintf("%d:%s", row, strings.Join(rec, "|")))
	}
	want := []string{"2:a@example.jp|A||", "3:\ufeffＭＡＩＬアドレス|所属", "5:b@example.jp|B", "7:c@example.jp|C|||extra"}
	if !slices.Equal(got, want) {
		t.Errorf("rows %q, want %q", got, want)
	}
	if r := tab.Repeated; len(r) != 2 || r[0] != (Repeat{Row: 4}) || r[1] != (Repeat{Row: 6, Reordered: true}) {
		t.Errorf("repeated %+v", r)
	}
}
