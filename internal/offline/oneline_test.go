package offline

import (
	"context"
	"strings"
	"testing"
)

// TestLineBreakInANameCell: a touch list's cell with a line break (Excel's
// Alt+Enter: "新井\r\n一郎", a card app's company over two lines) was
// stored with it, and went to the SFA's LastName and the pages' titles;
// the person's name and company are one line, the note (備考, custom)
// keeps its lines.
func TestLineBreakInANameCell(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	in := "氏名,会社名,備考,メールアドレス,イベント名,日付,チャネル\r\n" +
		"\"新井\r\n一郎\",\"株式会社ゼブラ\r\n東京支店\",\"一行目\r\n二行目\",arai@zebra.example,Japan IT Week 秋,2026/11/6,展示会\r\n"
	res, err := f.im.Import(ctx, strings.NewReader(in), Defaults{})
	if err != nil || res.Imported != 1 {
		t.Fatalf("%+v %v", res, err)
	}
	p, err := f.dir.ByEmail(ctx, "arai@zebra.example")
	if err != nil {
		t.Fatal(err)
	}
	if p.Attributes["name"] != "新井 一郎" || p.Attributes["company"] != "株式会社ゼブラ 東京支店" || p.Custom["備考"] != "一行目\n二行目" {
		t.Errorf("attributes %q, custom %q", p.Attributes, p.Custom)
	}
}
