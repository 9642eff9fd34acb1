package offline

import (
	"context"
	"strings"
	"testing"
)

// TestAttack14EmailColumnIsThePersonsOwn: an exhibition lead list often
// carries the exhibitor's own sales rep (担当者メールアドレス) next to the
// visitor's address. The touch must be the visitor's (the column named
// plainly メールアドレス), or the list refused as ambiguous: never the
// rep's, who would collect every visitor's booth points.
func TestAttack14EmailColumnIsThePersonsOwn(t *testing.T) {
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

// TestAttack14ExcelEmptyRowsAreBlank: Excel writes the empty rows inside
// a sheet's used range as ",,,,": they are blank lines, not attendees with
// an invalid email, and must not be counted or reported as errors.
func TestAttack14ExcelEmptyRowsAreBlank(t *testing.T) {
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
}

// TestAttack14DateWithWeekday: Japanese lists write event dates with the
// weekday (2026/11/6(金), 2026年11月6日（金）, Excel's yyyy/m/d(aaa)); the
// day is clear and must be read, not every row refused.
func TestAttack14DateWithWeekday(t *testing.T) {
	for _, in := range []string{"2026/11/6(金)", "2026年11月6日（金）", "2026/11/06 (金)"} {
		if d, err := ParseDate(in, tokyo); err != nil || d.Day() != 6 {
			t.Errorf("%q: %v %v", in, d, err)
		}
	}
}

// TestAttack14RequiredMarkOnAttributeColumns: a Japanese template marks
// every required column (氏名（必須）, 会社名（必須）, 役職※): the mark is
// already ignored on the email, event and date columns, and must be on the
// attribute columns too, or the person has no name, company or title (the
// grade and the SFA's lead lack them) and a custom "会社名(必須)" instead.
func TestAttack14RequiredMarkOnAttributeColumns(t *testing.T) {
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
