package offline

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/japanese"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/fanout"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/bolttable"
	"github.com/baton-hq/baton/internal/table/tablecount"
	"github.com/baton-hq/baton/internal/table/tableflight"
)

var tokyo = time.FixedZone("JST", 9*3600)

// now: 2026-11-06 08:00 in Tokyo, still the 5th in UTC.
var now = time.Date(2026, 11, 5, 23, 0, 0, 0, time.UTC)

type fixture struct {
	im  *Importer
	tb  table.Table
	log *eventlog.Log
	dir *identity.Directory
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	tb, err := bolttable.Open(filepath.Join(t.TempDir(), "b.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tb.Close() })
	log := &eventlog.Log{T: tb}
	dir := &identity.Directory{T: tb, Now: func() time.Time { return now }}
	st := &identity.Stitcher{Dir: dir, Log: log}
	im := &Importer{Dir: dir, Link: st, Events: log, FieldNames: identity.FieldNames{"部署名": "department"}, Loc: tokyo, Now: func() time.Time { return now }}
	return fixture{im, tb, log, dir}
}

func sjis(t *testing.T, s string) string {
	t.Helper()
	b, err := japanese.ShiftJIS.NewEncoder().String(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

const list = "氏名,会社名,部署名,メールアドレス,イベント名,日付,チャネル\r\n" +
	"山田 太郎,株式会社サンプル,情報システム部,Taro@Example.co.jp,Japan IT Week 秋,2026/11/6,展示会\r\n" +
	"髙橋 花子,サンプル工業,,hanako@example.co.jp,製造業ＤＸセミナー,2026-10-30,セミナー\r\n" +
	"佐藤 一郎,,,ichiro@example.co.jp,Japan IT Week 秋,2026/11/06,名刺交換\r\n" +
	"壊れた,,,not-an-email,Japan IT Week 秋,2026/11/6,展示会\r\n" +
	"日付なし,,,d@example.co.jp,Japan IT Week 秋,11月6日,展示会\r\n" +
	"未来,,,f@example.co.jp,来年の展示会,2026/11/7,展示会\r\n" +
	"種別不明,,,c@example.co.jp,Japan IT Week 秋,2026/11/6,電話\r\n" +
	"消えた人,,,gone@example.co.jp,Japan IT Week 秋,2026/11/6,展示会\r\n" +
	"\r\n"

// TestShiftJISExhibitionList: a list saved by Japanese Excel imports; each
// valid row is a person (with the list's columns as attributes) and one
// offline event under their pseudo-visitor, dated in the configured
// timezone; bad rows and an erased person are reported by line.
func TestShiftJISExhibitionList(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if err := f.tb.Put(ctx, table.Item{PK: privacy.TombstonePK("gone@example.co.jp"), SK: "TOMB", Kind: privacy.KindTombstone, Data: []byte(`{}`)}, table.Always); err != nil {
		t.Fatal(err)
	}
	res, err := f.im.Import(ctx, strings.NewReader(sjis(t, list)), Defaults{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows != 8 || res.Imported != 3 || res.Repeated != 0 || res.NewPeople != 3 || len(res.Errors) != 5 {
		t.Fatalf("%+v", res)
	}
	for i, want := range []struct {
		line int
		say  string
	}{{5, "not an email"}, {6, "YYYY-MM-DD"}, {7, "future"}, {8, "channel"}, {9, "forgotten"}} {
		if e := res.Errors[i]; e.Line != want.line || !strings.Contains(e.Reason, want.say) {
			t.Errorf("error %d: %+v, want line %d %q", i, e, want.line, want.say)
		}
	}
	p, err := f.dir.ByEmail(ctx, "taro@example.co.jp")
	if err != nil {
		t.Fatal(err)
	}
	if p.Attributes["name"] != "山田 太郎" || p.Attributes["company"] != "株式会社サンプル" || p.Attributes["department"] != "情報システム部" || p.Source != "offline:exhibition" {
		t.Fatalf("person %+v", p)
	}
	evs, err := f.log.Visitor(ctx, Visitor(p.ID))
	if err != nil || len(evs) != 1 {
		t.Fatalf("events %+v %v", evs, err)
	}
	ev := evs[0]
	if ev.Type != event.Offline || ev.Properties["event"] != "Japan IT Week 秋" || ev.Properties["channel"] != "exhibition" || ev.UserID != p.ID ||
		!ev.Timestamp.Equal(time.Date(2026, 11, 6, 0, 0, 0, 0, tokyo)) || ev.ID != EventID("taro@example.co.jp", "Japan IT Week 秋", "2026-11-06") {
		t.Fatalf("event %+v", ev)
	}
	l, err := f.dir.GetLink(ctx, Visitor(p.ID))
	if cur, ok := l.Current(); err != nil || !ok || cur.Person != p.ID || cur.Strength != identity.Strong || !cur.From.IsZero() {
		t.Fatalf("link %+v %v", l, err)
	}
	h, _ := f.dir.ByEmail(ctx, "hanako@example.co.jp")
	if evs, _ := f.log.Visitor(ctx, Visitor(h.ID)); len(evs) != 1 || evs[0].Properties["event"] != "製造業DXセミナー" || evs[0].Properties["channel"] != "seminar" {
		t.Fatalf("seminar %+v", evs) // NFKC: the full-width ＤＸ is DX
	}
	// A person the list makes is known since their touch's day (their
	// lead is dated and counted then: October's seminar in October, not
	// in the month of the import), today's since today's start.
	if want := time.Date(2026, 10, 30, 0, 0, 0, 0, tokyo); !h.CreatedAt.Equal(want) {
		t.Errorf("the seminar's attendee known since %v, want the seminar's day %v", h.CreatedAt, want)
	}
	if !p.CreatedAt.Equal(time.Date(2026, 11, 6, 0, 0, 0, 0, tokyo)) {
		t.Errorf("today's attendee known since %v", p.CreatedAt)
	}
	if _, err := f.dir.ByEmail(ctx, "gone@example.co.jp"); !errors.Is(err, identity.ErrNotFound) {
		t.Fatalf("an erased person came back: %v", err)
	}

	// The same file again (as UTF-8 this time) stores nothing new.
	again, err := f.im.Import(ctx, strings.NewReader("\ufeff"+list), Defaults{})
	if err != nil || again.Imported != 0 || again.Repeated != 3 || again.NewPeople != 0 || len(again.Errors) != 5 {
		t.Fatalf("again: %+v %v", again, err)
	}
}

// TestDefaultsAndColumnNames: a business card list without channel, event
// or date columns takes them from the query; English headers work too.
func TestDefaultsAndColumnNames(t *testing.T) {
	f := newFixture(t)
	res, err := f.im.Import(context.Background(), strings.NewReader("Email,Name,Company\na@b.example,A,B Corp\n"), Defaults{Event: "Partner meetup", Date: "2026-11-01", Channel: "business card"})
	if err != nil || res.Imported != 1 || len(res.Errors) != 0 {
		t.Fatalf("%+v %v", res, err)
	}
	p, _ := f.dir.ByEmail(context.Background(), "a@b.example")
	evs, _ := f.log.Visitor(context.Background(), Visitor(p.ID))
	if len(evs) != 1 || evs[0].Properties["channel"] != "business-card" || p.Attributes["company"] != "B Corp" {
		t.Fatalf("%+v %+v", evs, p)
	}
}

// TestTemplateHeadersAndMacLines: a required column's mark (（必須）) and
// old Excel for Mac's CR line ends.
func TestTemplateHeadersAndMacLines(t *testing.T) {
	f := newFixture(t)
	res, err := f.im.Import(context.Background(), strings.NewReader("メールアドレス（必須）,イベント名*,日付,チャネル\ra@b.example,Partner meetup,2026-11-01,展示会\r"), Defaults{})
	if err != nil || res.Imported != 1 || len(res.Errors) != 0 {
		t.Fatalf("%+v %v", res, err)
	}
}

// TestRequiredMarkOnAttributeColumns: a Japanese template marks
// every required column (氏名（必須）, 会社名（必須）, 役職※): the mark is
// already ignored on the email, event and date columns, and must be on the
// attribute columns too, or the person has no name, company or title (the
// grade and the SFA's lead lack them) and a custom "会社名(必須)" instead.
func TestRequiredMarkOnAttributeColumns(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	in := "氏名（必須）,会社名（必須）,役職※,メールアドレス（必須）,イベント名*,日付,チャネル\r\n" +
		"山田 太郎,株式会社サンプル,部長,taro@client.example,Japan IT Week 秋,2026/11/6,展示会\r\n"
	res, err := f.im.Import(ctx, strings.NewReader(in), Defaults{})
	if err != nil || res.Imported != 1 {
		t.Fatalf("%+v %v", res, err)
	}
	p, err := f.dir.ByEmail(ctx, "taro@client.example")
	if err != nil {
		t.Fatal(err)
	}
	if p.Attributes["name"] != "山田 太郎" || p.Attributes["company"] != "株式会社サンプル" || p.Attributes["title"] != "部長" {
		t.Errorf("attributes %+v, custom %+v", p.Attributes, p.Custom)
	}
}

// TestExcelEmptyRowsAreBlankLines: Excel writes the empty rows inside
// a sheet's used range as ",,,,": they are blank lines, not attendees with
// an invalid email, and must not be counted or reported as errors, nor
// count toward MaxRows: a sheet formatted far below its last row was
// refused whole as "more than 2000 rows".
func TestExcelEmptyRowsAreBlankLines(t *testing.T) {
	f := newFixture(t)
	in := "メールアドレス,氏名,イベント名,日付,チャネル\r\n" +
		"taro@client.example,山田 太郎,Japan IT Week 秋,2026/11/6,展示会\r\n" +
		",,,,\r\n,,,,\r\n"
	res, err := f.im.Import(context.Background(), strings.NewReader(in), Defaults{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows != 1 || res.Imported != 1 || len(res.Errors) != 0 {
		t.Errorf("empty Excel rows counted as attendees: %+v", res)
	}
	many := "メールアドレス,氏名,イベント名,日付,チャネル\r\n" +
		"taro@client.example,山田 太郎,Japan IT Week 秋,2026/11/6,展示会\r\n" + strings.Repeat(",,, ,\r\n", MaxRows+5)
	res, err = f.im.Import(context.Background(), strings.NewReader(many), Defaults{})
	if err != nil || res.Rows != 1 || len(res.Errors) != 0 {
		t.Errorf("%d empty Excel rows: %+v %v", MaxRows+5, res, err)
	}
}

// TestEmailColumnIsThePersonsOwn: an exhibition lead list often
// carries the exhibitor's own sales rep (担当者メールアドレス) next to the
// visitor's address. The touch must be the visitor's (the column named
// plainly メールアドレス), or the list refused as ambiguous: never the
// rep's, who would collect every visitor's booth points.
func TestEmailColumnIsThePersonsOwn(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	in := "担当者メールアドレス,氏名,メールアドレス,イベント名,日付,チャネル\r\n" +
		"rep@our.example,山田 太郎,taro@client.example,Japan IT Week 秋,2026/11/6,展示会\r\n" +
		"rep@our.example,佐藤 花子,hanako@client.example,Japan IT Week 秋,2026/11/6,展示会\r\n"
	res, err := f.im.Import(ctx, strings.NewReader(in), Defaults{})
	if err != nil {
		return // refusing the ambiguous list is acceptable
	}
	if _, err := f.dir.ByEmail(ctx, "rep@our.example"); err == nil {
		t.Errorf("the sales rep's address became the attendee: %+v", res)
	}
	if _, err := f.dir.ByEmail(ctx, "taro@client.example"); err != nil {
		t.Errorf("the visitor taro@client.example was not imported: %v (%+v)", err, res)
	}
}

// TestEmailColumnChoice: of the columns naming an email, the plainly
// named one is the person's; two alike are refused (as a recipient list's
// are), wherever they are in the header; a list whose only email column
// is named some other way (会社メールアドレス) is read by it.
func TestEmailColumnChoice(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	expo := Defaults{Event: "Japan IT Week 秋", Date: "2026-11-06", Channel: "展示会"}
	for _, c := range []struct{ in, person string }{
		{"担当者メールアドレス,紹介者メールアドレス,氏名,Email Address\nrep@our.example,ref@our.example,山田 太郎,taro@client.example\n", "taro@client.example"},
		{"manager_email,email\nrep@our.example,hanako@client.example\n", "hanako@client.example"},
		{"会社メールアドレス,氏名\njiro@client.example,鈴木 次郎\n", "jiro@client.example"},
	} {
		res, err := f.im.Import(ctx, strings.NewReader(c.in), expo)
		if err != nil || res.Imported != 1 || len(res.Errors) != 0 {
			t.Errorf("%q: %+v %v", c.in, res, err)
			continue
		}
		p, err := f.dir.ByEmail(ctx, c.person)
		if err != nil {
			t.Errorf("%q: %s not imported: %v", c.in, c.person, err)
			continue
		}
		for k, v := range p.Custom {
			if strings.Contains(v, "@our.example") {
				t.Errorf("%q: the rep's address is the attribute %s of %s", c.in, k, c.person)
			}
		}
	}
	if _, err := f.dir.ByEmail(ctx, "rep@our.example"); err == nil {
		t.Error("the sales rep became a person")
	}
	for _, in := range []string{
		"email,メールアドレス\na@b.example,c@d.example\n",
		"担当者メールアドレス,氏名,メールアドレス,E-mail\nrep@our.example,x,a@b.example,c@d.example\n",
		"担当者メールアドレス,紹介者email\nrep@our.example,ref@our.example\n",
	} {
		_, err := f.im.Import(ctx, strings.NewReader(in), expo)
		var fe *FileError
		if !errors.As(err, &fe) || !strings.Contains(err.Error(), "two email columns") {
			t.Errorf("%q: %v, want two email columns refused", in, err)
		}
	}
}

func TestFileErrors(t *testing.T) {
	f := newFixture(t)
	for _, c := range []struct {
		in  string
		def Defaults
		say string
	}{
		{"", Defaults{}, "empty"},
		{"email,event\na@b.example,x\n", Defaults{}, "date (日付)"},
		// The header as the file has it, not Go's ["email" "イベント名"].
		{"email,イベント名\na@b.example,x\n", Defaults{}, `the header has "email", "イベント名"`},
		{"email,event,date,channel\na@b.example,x,2026-11-01,expo\nb@b.example,\xff\xfe,2026-11-01,expo\n", Defaults{}, "line 3"},
		{"email\na@b.example\n", Defaults{Event: "x", Date: "2026-11-01", Channel: "phone"}, "channel"},
		{"email,event,date,channel\n\"a@b.example,x\n", Defaults{}, "line 2"},
		{"email,Email,event,date,channel\na@b.example,c@d.example,x,2026-11-01,expo\n", Defaults{}, "two email columns"},
		// Excel's tab-delimited text: one column, its name a whole row.
		{"メールアドレス\t氏名\t来場日\na@b.example\t山田\t2026/11/6\n", Defaults{Event: "x", Channel: "exhibition"}, "separated by tabs"},
	} {
		_, err := f.im.Import(context.Background(), strings.NewReader(c.in), c.def)
		var fe *FileError
		if !errors.As(err, &fe) || !strings.Contains(err.Error(), c.say) {
			t.Errorf("%q: %v", c.in, err)
		}
	}
}

func TestChannelsAndDates(t *testing.T) {
	for in, want := range map[string]string{"展示会": "exhibition", " Exhibition ": "exhibition", "ｾﾐﾅｰ": "seminar", "ウェビナー": "webinar", "名刺交換": "business-card", "Business-Card": "business-card", "電話": "",
		// the words Japanese lists use beside the first ones
		"Webセミナー": "webinar", "ＷＥＢセミナー": "webinar", "ウェブセミナー": "webinar", "オンライン展示会": "exhibition", "カンファレンス": "seminar", "Conference": "seminar", "イベント": ""} {
		if got := Channel(in); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
	for _, in := range []string{"2026-11-06", "2026/11/6", "２０２６/１１/０６", "2026年11月6日", "２０２６年１１月６日", "令和8年11月6日",
		"2026/11/6 0:00", "2026-11-06 10:30:00", "2026-11-06T10:30:00", "2026.11.6", "2026.11.06", "２０２６．１１．６", "20261106",
		"R8.11.6", "R08/11/06", "r8-11-6", "Ｒ８．１１．６", "2026.11.6(金)"} {
		if d, err := ParseDate(in, tokyo); err != nil || !d.Equal(time.Date(2026, 11, 6, 0, 0, 0, 0, tokyo)) {
			t.Errorf("%q: %v %v", in, d, err)
		}
	}
	// A year mistyped (0202, 202) is no touch's: events are from 2000 on.
	if d, err := ParseDate("令和元年5月1日", tokyo); err != nil || !d.Equal(time.Date(2019, 5, 1, 0, 0, 0, 0, tokyo)) {
		t.Errorf("令和元年: %v %v", d, err)
	}
	if d, err := ParseDate("平成30年4月1日", tokyo); err != nil || !d.Equal(time.Date(2018, 4, 1, 0, 0, 0, 0, tokyo)) {
		t.Errorf("平成: %v %v", d, err)
	}
	if d, err := ParseDate("H30.4.1", tokyo); err != nil || !d.Equal(time.Date(2018, 4, 1, 0, 0, 0, 0, tokyo)) {
		t.Errorf("H30.4.1: %v %v", d, err)
	}
	for _, in := range []string{"11/6/2026", "2026-13-01", "2026年13月6日", "令和x年1月1日", "昭和60年1月1日", "", "0202-11-06", "202/11/6", "1999-12-31", "2026-11-06 garbage",
		"6.11.2026", "2026116", "202611060", "R.11.6", "R100.1.1", "S60.1.1", "R8年11月6日x", "Rx.1.1", "2026.11/6"} {
		if _, err := ParseDate(in, tokyo); err == nil {
			t.Errorf("%q accepted", in)
		}
	}
}

// TestDateWithWeekday: Japanese lists write event dates with the
// weekday (2026/11/6(金), 2026年11月6日（金）, Excel's yyyy/m/d(aaa)); the
// day is clear and must be read, not every row refused. A weekday that is
// not the date's says the date was mistyped: refused, saying so.
func TestDateWithWeekday(t *testing.T) {
	for _, in := range []string{"2026/11/6(金)", "2026年11月6日（金）", "2026/11/06 (金)"} {
		if d, err := ParseDate(in, tokyo); err != nil || d.Day() != 6 {
			t.Errorf("%q: %v %v", in, d, err)
		}
	}
	for _, in := range []string{"2026-11-06 (Fri)", "２０２６／１１／６（金曜日）", "2026/11/6 (fri.)", "令和8年11月6日(金)", "2026/11/6(金) 10:00", "2026-11-06 ( Friday )"} {
		if d, err := ParseDate(in, tokyo); err != nil || !d.Equal(time.Date(2026, 11, 6, 0, 0, 0, 0, tokyo)) {
			t.Errorf("%q: %v %v", in, d, err)
		}
	}
	for _, in := range []string{"2026/11/6(木)", "2026年11月6日（土）", "2026-11-06 (Mon)"} {
		if _, err := ParseDate(in, tokyo); err == nil || !strings.Contains(err.Error(), "2026-11-06 is a Friday (金), not (") || !strings.Contains(err.Error(), "check the date") {
			t.Errorf("%q: %v, want the weekday refused", in, err)
		}
	}
	for _, in := range []string{"2026/11/6(祝)", "2026/11/6(金) garbage", "(金)2026/11/6", "2026/11/6(金"} {
		if _, err := ParseDate(in, tokyo); err == nil {
			t.Errorf("%q accepted", in)
		}
	}
}

// FuzzParseDate: whatever a spreadsheet's cell holds, ParseDate never
// panics, and a date it reads is a day's start in the zone, from 2000 on.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2026-11-06", "2026/11/6 0:00", "令和元年5月1日", "平成30年4月1日", "２０２６年１１月６日", "令和99年1月1日", "令和年1月1日", "2026-11-06T10:30:00", "0202-11-06",
		"2026/11/6(金)", "2026年11月6日（金）", "2026-11-06 (Fri)", "2026/11/6(木)", "2026/11/6(金) 0:00", "2026.11.6", "20261106", "R8.11.6", "H", "R8"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s, tokyo)
		if err != nil {
			return
		}
		if d.Year() < 2000 || d.Location() != tokyo || d.Hour() != 0 || d.Minute() != 0 || d.Second() != 0 || d.Nanosecond() != 0 {
			t.Fatalf("%q read as %v", s, d)
		}
		// The day with its own weekday is the day; with another, refused.
		for _, w := range []string{"(" + jaWeekdays[d.Weekday()] + ")", " (" + d.Weekday().String()[:3] + ")"} {
			if e, err := ParseDate(d.Format("2006/1/2")+w, tokyo); err != nil || !e.Equal(d) {
				t.Fatalf("%q read as %v, with its weekday%s as %v %v", s, d, w, e, err)
			}
		}
		if _, err := ParseDate(d.Format("2006-01-02")+"("+jaWeekdays[(d.Weekday()+1)%7]+")", tokyo); err == nil {
			t.Fatalf("%q read as %v, with the next day's weekday too", s, d)
		}
	})
}

// TestSecretColumnsNeverAttributes: a seminar's registration export can
// carry its site's login and payment columns; those the collector never
// stores (event.SecretField, card numbers by value) are no attributes of
// the people imported either, whatever the column's name.
func TestSecretColumnsNeverAttributes(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	csv := "氏名,会社名,メールアドレス,パスワード,クレジットカード番号,備考,メモ,イベント名,日付,チャネル\r\n" +
		"山田 太郎,株式会社サンプル,taro@example.co.jp,hunter2,4111-1111-1111-1111,支払い 5500 0055 5555 5559 済,378282246310005,DX セミナー,2026/11/6,セミナー\r\n"
	res, err := f.im.Import(ctx, strings.NewReader(csv), Defaults{})
	if err != nil || res.Imported != 1 {
		t.Fatalf("%+v %v", res, err)
	}
	p, err := f.dir.ByEmail(ctx, "taro@example.co.jp")
	if err != nil {
		t.Fatal(err)
	}
	if p.Attributes["company"] != "株式会社サンプル" || p.Custom["備考"] != "支払い [card number] 済" {
		t.Errorf("what is no secret must stay: %+v", p)
	}
	for _, m := range []map[string]string{p.Attributes, p.Custom} {
		for k, v := range m {
			for _, secret := range []string{"hunter2", "4111", "5500", "3782"} {
				if strings.Contains(k+v, secret) || k == "パスワード" || k == "クレジットカード番号" || k == "メモ" {
					t.Errorf("%s = %q kept", k, v)
				}
			}
		}
	}
}

// TestRowsStoredInParallel: a list was stored one row after another, about
// twelve store requests a row: on DynamoDB a list of a thousand rows
// outlasted API Gateway's 30 s. Rows are stored several at once; the
// errors are said in the list's order, and the counts are the list's.
func TestRowsStoredInParallel(t *testing.T) {
	f := newFixture(t)
	tb := tableflight.New(f.tb, 8)
	f.im.Dir = &identity.Directory{T: tb, Now: func() time.Time { return now }}
	f.im.Link = &identity.Stitcher{Dir: f.im.Dir, Log: f.log}
	const rows = 100
	var csv strings.Builder
	csv.WriteString("email,company,event,date,channel\n")
	for i := range rows {
		if i%25 == 0 {
			csv.WriteString("not-an-email,x,Expo,2026/11/1,展示会\n")
		}
		fmt.Fprintf(&csv, "r%03d@corp.example,Corp %d,Expo,2026/11/1,展示会\n", i, i)
	}
	res, err := f.im.Import(context.Background(), strings.NewReader(csv.String()), Defaults{})
	if err != nil {
		t.Fatal(err)
	}
	if !tb.Reached() {
		t.Errorf("never %d store reads at once: the list was stored one row after another", tb.Want)
	}
	if res.Imported != rows || res.NewPeople != rows || len(res.Errors) != 4 {
		t.Fatalf("imported %d, new %d, errors %+v", res.Imported, res.NewPeople, res.Errors)
	}
	for i, e := range res.Errors {
		if want := 2 + i*26; e.Line != want {
			t.Errorf("error %d on line %d, want %d", i, e.Line, want)
		}
	}
	for _, i := range []int{0, 57, 99} {
		if p, err := f.dir.ByEmail(context.Background(), fmt.Sprintf("r%03d@corp.example", i)); err != nil || p.Attributes["company"] != fmt.Sprintf("Corp %d", i) {
			t.Errorf("row %d: %+v %v", i, p, err)
		}
	}
}

// panicky is an event log whose appends panic, as a bug in storing one row
// would.
type panicky struct{ Events }

func (panicky) Append(context.Context, []event.Event) ([]bool, error) {
	panic("boom")
}

// TestPanicInARowFailsTheImport: a panic while storing a row (on one of
// the import's workers, out of reach of the HTTP handler's recovery) fails
// that import with an error naming its line and carrying the stack; the
// process goes on.
func TestPanicInARowFailsTheImport(t *testing.T) {
	f := newFixture(t)
	f.im.Events = panicky{f.log}
	_, err := f.im.Import(context.Background(), strings.NewReader("email,event,date,channel\na@corp.example,Expo,2026/11/1,展示会\n"), Defaults{})
	var p *fanout.PanicError
	if !errors.As(err, &p) || !strings.HasPrefix(err.Error(), "line 2: ") || !strings.Contains(string(p.Stack), "offline.panicky.Append") {
		t.Fatalf("got %v, want the row's panic as an error", err)
	}
}

// touchList is a list of n valid rows.
func touchList(n int) string {
	var b strings.Builder
	b.WriteString("email,name,company\r\n")
	for i := range n {
		fmt.Fprintf(&b, "p%d@corp%d.example,Name %d,Corp %d\r\n", i, i%20, i, i%20)
	}
	return b.String()
}

var expo = Defaults{Event: "Expo", Date: "2026-11-06", Channel: "exhibition"}

// TestMaxRowsTouchListIsAnsweredInTime: MaxRows promised a 100,000-row
// touch list, answered synchronously by POST /admin/touches; live on the
// local stack such a list took 21 minutes and the client got no answer
// (the server's 60 s WriteTimeout had passed), and on AWS API Gateway cuts
// the request at 30 s. This counts the store requests a row costs and
// checks that MaxRows rows, importParallel at a time, take at most half of
// API Gateway's 30 s at 5 ms a DynamoDB request (a generous figure).
func TestMaxRowsTouchListIsAnsweredInTime(t *testing.T) {
	f := newFixture(t)
	c := tablecount.New(f.tb)
	f.dir.T = c
	f.log.T = c
	const rows = 200
	res, err := f.im.Import(context.Background(), strings.NewReader(touchList(rows)), expo)
	if err != nil || res.Imported != rows {
		t.Fatalf("import: %+v %v", res, err)
	}
	perRow := float64(c.Counts().Requests()) / rows
	projected := time.Duration(perRow * MaxRows / importParallel * float64(5*time.Millisecond))
	if projected > 15*time.Second {
		t.Errorf("a row costs %.1f store requests: MaxRows (%d) rows, %d at a time, take about %v at 5 ms a request, past half of API Gateway's 30 s: the answer may never reach the client", perRow, MaxRows, importParallel, projected.Round(time.Second))
	}
}

// TestTooLongTouchListIsRefusedUpFront: a list of more than MaxRows rows
// is a FileError (the admin API's 400) saying the maximum and to split
// the file, before any row is stored.
func TestTooLongTouchListIsRefusedUpFront(t *testing.T) {
	f := newFixture(t)
	c := tablecount.New(f.tb)
	f.dir.T = c
	f.log.T = c
	_, err := f.im.Import(context.Background(), strings.NewReader(touchList(MaxRows+1)), expo)
	var fe *FileError
	if !errors.As(err, &fe) || !strings.Contains(fe.Msg, fmt.Sprint(MaxRows)) || !strings.Contains(fe.Msg, "split the file") {
		t.Fatalf("MaxRows+1 rows: %v, want a FileError saying %d and to split the file", err, MaxRows)
	}
	if n := c.Counts().Requests(); n != 0 {
		t.Errorf("%d store requests before the list was refused, want none", n)
	}
}

// TestExcelEmptyRowsAboveTheHeader: a sheet whose first row is left empty
// (the table starts on row 2, as many are laid out) is saved by Excel with
// ",,,," as its first line. The README promises such rows are skipped, but
// the first record was taken for the header: the list was refused as
// "missing columns ... the header has [\"\" \"\" ...]". Lines keep their
// numbers in the file.
func TestExcelEmptyRowsAboveTheHeader(t *testing.T) {
	f := newFixture(t)
	in := ",,,,\r\n,,,,\r\n" +
		"メールアドレス,氏名,イベント名,日付,チャネル\r\n" +
		"taro@client.example,山田 太郎,Japan IT Week 秋,2026/11/6,展示会\r\n" +
		"not-an-email,佐藤 花子,Japan IT Week 秋,2026/11/6,展示会\r\n"
	res, err := f.im.Import(context.Background(), strings.NewReader(sjis(t, in)), Defaults{})
	if err != nil {
		t.Fatalf("a list below an empty first row refused: %v", err)
	}
	if res.Rows != 2 || res.Imported != 1 || len(res.Errors) != 1 || res.Errors[0].Line != 5 {
		t.Errorf("%+v", res)
	}
}

// TestRowErrorsNameTheSpreadsheetRow: a lead list's cells hold line breaks
// (a header wrapped as メール⏎アドレス, which the README reads; an address
// or a survey answer typed with Alt+Enter). A row's error named the line
// of the file it starts on, which is past its row in Excel by every line
// break above it: "line 6" sent the marketer to another attendee's row (or
// to none). Errors name the row as a spreadsheet numbers it.
func TestRowErrorsNameTheSpreadsheetRow(t *testing.T) {
	f := newFixture(t)
	in := "\"メール\r\nアドレス\",氏名,備考,イベント名,日付,チャネル\r\n" + // row 1
		"taro@client.example,山田 太郎,\"資料希望\r\n見積も\",Japan IT Week 秋,2026/11/6,展示会\r\n" + // row 2
		"not-an-email,佐藤 花子,,Japan IT Week 秋,2026/11/6,展示会\r\n" // row 3, line 5 of the file
	res, err := f.im.Import(context.Background(), strings.NewReader(sjis(t, in)), Defaults{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Imported != 1 || len(res.Errors) != 1 || res.Errors[0].Line != 3 {
		t.Errorf("want row 3 refused: %+v", res)
	}
}

// TestBusinessCardAppExport: Sansan's and Eight's exports, the business
// cards most Japanese B2B teams exchange, date each card in a column named
// 名刺交換日. It was no date column: the list was refused without ?date=,
// and with one (as the README's business-card example has it) every card
// was silently dated that day, not the day it was exchanged.
func TestBusinessCardAppExport(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	in := "会社名,部署名,役職,姓,名,e-mail,郵便番号,住所,TEL会社,携帯電話,URL,名刺交換日\r\n" +
		"株式会社サンプル,営業部,部長,山田,太郎,taro@client.example,100-0001,東京都千代田区,03-1234-5678,090-1234-5678,https://client.example,2026/10/20\r\n"
	res, err := f.im.Import(ctx, strings.NewReader(sjis(t, in)), Defaults{Channel: "名刺交換", Event: "名刺", Date: "2026-11-01"})
	if err != nil || res.Imported != 1 {
		t.Fatalf("%+v %v", res, err)
	}
	p, err := f.dir.ByEmail(ctx, "taro@client.example")
	if err != nil {
		t.Fatal(err)
	}
	evs, _ := f.log.Visitor(ctx, Visitor(p.ID))
	if len(evs) != 1 || !evs[0].Timestamp.Equal(time.Date(2026, 10, 20, 0, 0, 0, 0, tokyo)) {
		t.Errorf("the card exchanged on 2026/10/20 is dated %+v", evs)
	}
	if _, ok := p.Custom["名刺交換日"]; ok {
		t.Errorf("the date became an attribute: %+v", p.Custom)
	}
}

// TestEnglishHeadersWithSpaces: an English list (a Salesforce or HubSpot
// report, an overseas exhibition's leads) names its columns in words:
// Company Name, First Name, Job Title, Phone Number. They were custom
// attributes: the person had no company (no account by name) and no title
// (no role in the account's buying group, no fit points for it).
func TestEnglishHeadersWithSpaces(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	in := "First Name,Last Name,Company Name,Job Title,Email Address,Phone Number\r\n" +
		"Taro,Yamada,Acme K.K.,Director,taro@client.example,+81-3-1234-5678\r\n"
	res, err := f.im.Import(ctx, strings.NewReader(in), Defaults{Channel: "exhibition", Event: "Expo", Date: "2026-11-01"})
	if err != nil || res.Imported != 1 {
		t.Fatalf("%+v %v", res, err)
	}
	p, err := f.dir.ByEmail(ctx, "taro@client.example")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"first_name": "Taro", "last_name": "Yamada", "company": "Acme K.K.", "title": "Director", "phone": "+81-3-1234-5678"}
	for k, v := range want {
		if p.Attributes[k] != v {
			t.Errorf("%s = %q, want %q (attributes %v, custom %v)", k, p.Attributes[k], v, p.Attributes, p.Custom)
		}
	}
}
