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

// TestEventNameKeepsNoDirectionCharacters: an event name typed into the
// form (the API's ?event=) or a list's cell is stored without
// bidirectional overrides, isolates and marks, control characters or line
// breaks: "\u202e" in it showed the person's timeline line reversed.
func TestEventNameKeepsNoDirectionCharacters(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	in := "メールアドレス,イベント名,日付,チャネル\r\n" +
		"a@zebra.example,\"\u202eJapan IT\u202c\r\nWeek\u200f\",2026/11/6,展示会\r\n" +
		"b@zebra.example,,2026/11/6,展示会\r\n"
	res, err := f.im.Import(ctx, strings.NewReader(in), Defaults{Event: "\u2067セミナー\u2069\u200e"})
	if err != nil || res.Imported != 2 || res.Event != "セミナー" {
		t.Fatalf("%+v %v", res, err)
	}
	for email, want := range map[string]string{"a@zebra.example": "Japan IT Week", "b@zebra.example": "セミナー"} {
		p, err := f.dir.ByEmail(ctx, email)
		if err != nil {
			t.Fatal(err)
		}
		evs, err := f.log.Visitor(ctx, Visitor(p.ID))
		if err != nil || len(evs) != 1 || evs[0].Properties["event"] != want {
			t.Fatalf("%s: %+v %v, want event %q", email, evs, err, want)
		}
	}
}
