package offline

import (
	"context"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/csvin"
)

// TestRepeatedHeaderIsSkipped: two exhibition exports pasted one under the
// other in Excel repeat the header in the middle of the list (the second
// export's, its BOM and its names' case with it). That row was refused as
// "\"メールアドレス\" is not an email address", counted as a bad row. It is
// skipped and said (RepeatedHeaders), no row of the list nor an error.
func TestRepeatedHeaderIsSkipped(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	in := "氏名,Email,イベント名,日付,チャネル\r\n" +
		"山田 太郎,taro@example.co.jp,Japan IT Week 秋,2026/11/6,展示会\r\n" +
		"\ufeff氏名,EMAIL,イベント名,日付,チャネル\r\n" +
		"佐藤 一郎,ichiro@example.co.jp,Japan IT Week 秋,2026/11/6,展示会\r\n"
	res, err := f.im.Import(ctx, strings.NewReader(in), Defaults{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Errors) != 0 || res.Rows != 2 || res.Imported != 2 {
		t.Fatalf("rows %d imported %d errors %+v", res.Rows, res.Imported, res.Errors)
	}
	if want := []csvin.Repeat{{Row: 3}}; len(res.RepeatedHeaders) != 1 || res.RepeatedHeaders[0] != want[0] {
		t.Errorf("repeated headers %+v, want %+v", res.RepeatedHeaders, want)
	}
}

// TestRepeatedHeaderInAnotherOrder: the second export's columns in
// another order (another exhibitor's template): the rows below its header
// are read by its order, not the first's, where they were refused (the
// name read as the address) or, worse, stored with the company as the
// name.
func TestRepeatedHeaderInAnotherOrder(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	in := "氏名,会社名,メールアドレス\r\n" +
		"山田 太郎,株式会社サンプル,taro@example.co.jp\r\n" +
		"メールアドレス,氏名,会社名\r\n" +
		"hanako@example.co.jp,髙橋 花子,サンプル工業\r\n"
	res, err := f.im.Import(ctx, strings.NewReader(in), Defaults{Event: "展示会", Date: "2026-11-06", Channel: "展示会"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Errors) != 0 || res.Imported != 2 || len(res.RepeatedHeaders) != 1 || res.RepeatedHeaders[0] != (csvin.Repeat{Row: 3, Reordered: true}) {
		t.Fatalf("%+v", res)
	}
	p, err := f.dir.ByEmail(ctx, "hanako@example.co.jp")
	if err != nil || p.Attributes["name"] != "髙橋 花子" || p.Attributes["company"] != "サンプル工業" {
		t.Errorf("%q %v", p.Attributes, err)
	}
}

// TestPastedExportNamesTheEmailAnotherWay: the second exhibition's export
// names its email column E-mail (the first メールアドレス), its event
// column event, and has its title line above its header. The title and
// the header were refused as bad rows ("来場者リスト ..." and "E-mail" no
// address) and the rows below read by the first header's order (the name
// as the address). The title and the header are skipped and said, and the
// rows below read by its order. A one-cell line followed by no header is
// still a bad row.
func TestPastedExportNamesTheEmailAnotherWay(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	in := "氏名,メールアドレス,イベント名\r\n" +
		"山田 太郎,taro@example.co.jp,展示会A\r\n" +
		"来場者リスト 2026/11/20 出力,,\r\n" +
		"event,E-mail,氏名\r\n" +
		"展示会B,hanako@example.co.jp,髙橋 花子\r\n" +
		"（未記入）,,\r\n" +
		"展示会B,ichiro@example.co.jp,佐藤 一郎\r\n"
	res, err := f.im.Import(ctx, strings.NewReader(in), Defaults{Date: "2026-11-06", Channel: "展示会"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Imported != 3 || len(res.Errors) != 1 || res.Errors[0].Line != 6 {
		t.Fatalf("imported %d errors %+v", res.Imported, res.Errors)
	}
	if len(res.RepeatedHeaders) != 1 || res.RepeatedHeaders[0] != (csvin.Repeat{Row: 4, Reordered: true}) || len(res.PastedTitles) != 1 || res.PastedTitles[0] != 3 {
		t.Errorf("repeated %+v titles %v", res.RepeatedHeaders, res.PastedTitles)
	}
	p, err := f.dir.ByEmail(ctx, "hanako@example.co.jp")
	if err != nil || p.Attributes["name"] != "髙橋 花子" {
		t.Errorf("%q %v", p.Attributes, err)
	}
}
