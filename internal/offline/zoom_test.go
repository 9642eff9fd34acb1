package offline

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/identity"
)

// webinar is how a marketer imports a Zoom report: the report has no
// event, date or channel column, so the query gives them.
var webinar = Defaults{Event: "製造業DXウェビナー 第3回", Date: "2026-11-06", Channel: "webinar"}

// TestZoomAttendeeReportJa: Zoom's webinar attendee report (出席者レポート)
// has its title, a summary table and the hosts' and panelists' tables
// above the attendees' header, each under a title row. The first row was
// taken for the header and the report refused ("missing columns: email
// ...; the header has "出席者レポート""). The attendees' table is found
// (said in the answer: its row, the rows skipped and the sections), the
// host and the panelist are no attendees, and the registrants who did not
// come (出席しましたか: いいえ) get no touch and are made no one.
func TestZoomAttendeeReportJa(t *testing.T) {
	in, err := os.ReadFile("testdata/zoom_attendee_report_ja.csv")
	if err != nil {
		t.Fatal(err)
	}
	checkZoomJa(t, in)
}

// TestZoomAttendeeReportResavedByExcel: the same report opened in Japanese
// Excel and saved as "CSV (コンマ区切り)": Shift_JIS without the BOM, and
// every row padded with commas to the sheet's width (the title rows too:
// "ホストの詳細,,,,,,,,,,,,,,").
func TestZoomAttendeeReportResavedByExcel(t *testing.T) {
	in, err := os.ReadFile("testdata/zoom_attendee_report_ja.csv")
	if err != nil {
		t.Fatal(err)
	}
	in = bytes.TrimPrefix(in, []byte("\xef\xbb\xbf"))
	var out strings.Builder
	for _, line := range strings.SplitAfter(string(in), "\r\n") {
		if line == "" {
			continue
		}
		line = strings.TrimSuffix(line, "\r\n")
		// The widest row has 15 cells; no cell of the report holds a comma.
		out.WriteString(line + strings.Repeat(",", 14-strings.Count(line, ",")) + "\r\n")
	}
	checkZoomJa(t, []byte(sjis(t, out.String())))
}

func checkZoomJa(t *testing.T, in []byte) {
	t.Helper()
	f := newFixture(t)
	ctx := context.Background()
	res, err := f.im.Import(ctx, bytes.NewReader(in), webinar)
	if err != nil {
		t.Fatalf("the report was refused: %v", err)
	}
	// Rows 1-4 the title and summary, 6-8 the host's table, 10-12 the
	// panelist's, 14 the attendees' title (5, 9, 13 blank).
	if res.HeaderRow != 15 || res.SkippedRows != 11 || !slices.Equal(res.SkippedSections, []string{"ホストの詳細", "パネリストの詳細"}) {
		t.Errorf("the answer does not say where the table was: %+v", res)
	}
	// 山田 rejoined (two rows, one touch), 髙橋 once, 佐藤 and 田中 never came.
	if res.Rows != 5 || res.Imported != 2 || res.Repeated != 1 || res.NewPeople != 2 || res.NotAttended != 2 || len(res.Errors) != 0 {
		t.Errorf("%+v", res)
	}
	for _, email := range []string{"webinar-host@baton-demo.example", "speaker@partner.example", "ichiro@client.example", "misaki.tanaka@maker.example"} {
		if _, err := f.dir.ByEmail(ctx, email); !errors.Is(err, identity.ErrNotFound) {
			t.Errorf("%s, no attendee, became a person: %v", email, err)
		}
	}
	p, err := f.dir.ByEmail(ctx, "taro.yamada@client.example")
	if err != nil {
		t.Fatal(err)
	}
	if p.Attributes["company"] != "株式会社サンプル" {
		t.Errorf("attributes %v", p.Attributes)
	}
	if _, ok := p.Custom["出席しましたか"]; ok {
		t.Errorf("attendance became an attribute: %v", p.Custom)
	}
	evs, _ := f.log.Visitor(ctx, Visitor(p.ID))
	if len(evs) != 1 || evs[0].Properties["channel"] != "webinar" || !evs[0].Timestamp.Equal(time.Date(2026, 11, 6, 0, 0, 0, 0, tokyo)) {
		t.Errorf("touch %+v", evs)
	}
}

// TestZoomAttendeeReportEn: the English report, as Zoom writes it: every
// row padded with commas, no blank line between sections, and an "Other
// Attended" section after the attendees (people who joined without
// registering, with no email), which is no row of the list either.
func TestZoomAttendeeReportEn(t *testing.T) {
	in, err := os.ReadFile("testdata/zoom_attendee_report_en.csv")
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t)
	ctx := context.Background()
	res, err := f.im.Import(ctx, bytes.NewReader(in), Defaults{Event: "Cloud Cost Clinic", Date: "2026-11-06", Channel: "webinar"})
	if err != nil {
		t.Fatalf("the report was refused: %v", err)
	}
	if res.HeaderRow != 12 || res.SkippedRows != 14 || !slices.Equal(res.SkippedSections, []string{"Host Details", "Panelist Details", "Other Attended"}) {
		t.Errorf("the answer does not say where the table was: %+v", res)
	}
	if res.Rows != 4 || res.Imported != 2 || res.Repeated != 1 || res.NotAttended != 1 || len(res.Errors) != 0 {
		t.Errorf("%+v", res)
	}
	for _, email := range []string{"webinar-host@baton-demo.example", "dana@partner.example", "sam.lee@client.example"} {
		if _, err := f.dir.ByEmail(ctx, email); !errors.Is(err, identity.ErrNotFound) {
			t.Errorf("%s, no attendee, became a person: %v", email, err)
		}
	}
	if p, err := f.dir.ByEmail(ctx, "mia.chen@vendor.example"); err != nil || p.Attributes["company"] != "Vendor Inc." {
		t.Errorf("%+v %v", p, err)
	}
}

// TestTitleLinesAboveAList: a list exported with a title and a date above
// its header (展示会の来場者リスト) is read from its header; the rows
// above it are said, and errors name rows as Excel numbers them.
func TestTitleLinesAboveAList(t *testing.T) {
	f := newFixture(t)
	in := "Japan IT Week 秋 来場者リスト,,,\r\n出力日：2026/11/06,,,\r\n,,,\r\n" +
		"氏名,会社名,メールアドレス,来場日\r\n" +
		"山田 太郎,株式会社サンプル,taro@client.example,2026/11/6\r\n" +
		"佐藤 花子,,not-an-email,2026/11/6\r\n"
	res, err := f.im.Import(context.Background(), strings.NewReader(sjis(t, in)), Defaults{Event: "Japan IT Week 秋", Channel: "展示会"})
	if err != nil {
		t.Fatal(err)
	}
	if res.HeaderRow != 4 || res.SkippedRows != 2 || len(res.SkippedSections) != 0 || res.Imported != 1 || len(res.Errors) != 1 || res.Errors[0].Line != 6 {
		t.Errorf("%+v", res)
	}
	// A plain list says its header is its first row, nothing skipped.
	res, err = f.im.Import(context.Background(), strings.NewReader("email,event,date,channel\r\na@client.example,Expo,2026-11-01,expo\r\n"), Defaults{})
	if err != nil || res.HeaderRow != 1 || res.SkippedRows != 0 || res.Imported != 1 {
		t.Errorf("%+v %v", res, err)
	}
	if b, _ := json.Marshal(res); !strings.Contains(string(b), `"skippedSections":[]`) {
		t.Errorf("%s", b)
	}
}

// TestNoHeaderRowSaysWhatWasLookedFor: a file no row of which names an
// email column (a Zoom report whose attendees' table has no email, a
// sheet of another export) is refused saying what was looked for, and how
// the file starts, not "missing columns" of its title line.
func TestNoHeaderRowSaysWhatWasLookedFor(t *testing.T) {
	f := newFixture(t)
	in := "出席者レポート\r\nレポート作成日時：,2026/11/06 17:12\r\n\r\n出席者の詳細\r\n出席しましたか,ユーザー名（元の名前）,参加時間\r\nはい,山田 太郎,2026/11/06 13:58:40\r\n"
	_, err := f.im.Import(context.Background(), strings.NewReader(in), webinar)
	var fe *FileError
	if !errors.As(err, &fe) {
		t.Fatalf("%v", err)
	}
	for _, want := range []string{"no header row", "メールアドレス", "email", "5 rows", `the first row has "出席者レポート"`} {
		if !strings.Contains(fe.Msg, want) {
			t.Errorf("%q does not say %q", fe.Msg, want)
		}
	}
}

// TestAttendanceColumn: a list that marks who came (出欠, Attended)
// imports those who did; a registrant who did not is counted, not an
// error, and a cell saying neither is the row's error.
func TestAttendanceColumn(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	in := "メールアドレス,出欠\r\n" +
		"a@client.example,出席\r\n" +
		"b@client.example,欠席\r\n" +
		"c@client.example,\r\n" +
		"d@client.example,ＹＥＳ\r\n"
	res, err := f.im.Import(ctx, strings.NewReader(in), webinar)
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows != 4 || res.Imported != 2 || res.NotAttended != 1 || len(res.Errors) != 1 || res.Errors[0].Line != 4 || !strings.Contains(res.Errors[0].Reason, "出欠") {
		t.Errorf("%+v", res)
	}
	if _, err := f.dir.ByEmail(ctx, "b@client.example"); !errors.Is(err, identity.ErrNotFound) {
		t.Errorf("the absent registrant became a person: %v", err)
	}
}

// TestAPersonsRowIsNoHeader: in a list whose header names no email column
// (連絡先), a row whose cell says メール (how to contact them) was no header
// to take: it holds an address. The list is refused, saying its header.
func TestAPersonsRowIsNoHeader(t *testing.T) {
	f := newFixture(t)
	in := "氏名,連絡方法,連絡先\r\n山田 太郎,メール,taro@client.example\r\n佐藤 花子,電話,03-1234-5678\r\n"
	_, err := f.im.Import(context.Background(), strings.NewReader(in), webinar)
	var fe *FileError
	if !errors.As(err, &fe) || !strings.Contains(fe.Msg, `the first row has "氏名", "連絡方法", "連絡先"`) {
		t.Errorf("%v", err)
	}
	// Below title lines, a header missing a column says its row.
	_, err = f.im.Import(context.Background(), strings.NewReader("来場者リスト\r\nメールアドレス,氏名\r\na@client.example,山田\r\n"), Defaults{Event: "Expo", Date: "2026-11-01"})
	if !errors.As(err, &fe) || !strings.Contains(fe.Msg, `the header (row 2) has "メールアドレス", "氏名"`) {
		t.Errorf("%v", err)
	}
}
