package offline

import (
	"context"
	"strings"
	"testing"
)

// TestSubtitleEndingInEmailIsNoHeader: a list's subtitle ending in an email
// word (出席者のメールアドレス) under its title was taken for a one-column
// list's header: the real header below read as a person's row and every
// row refused. The header is the row of several cells below it.
func TestSubtitleEndingInEmailIsNoHeader(t *testing.T) {
	for _, sub := range []string{"出席者のメールアドレス", "Send the follow-up email", "Attendee email"} {
		f := newFixture(t)
		in := "製造業DXウェビナー 第3回\n" + sub + "\n氏名,メールアドレス\n山田,taro@example.com\n"
		res, err := f.im.Import(context.Background(), strings.NewReader(in), Defaults{Channel: "seminar", Event: "DX", Date: "2026-11-06"})
		if err != nil || res.HeaderRow != 3 || res.SkippedRows != 2 || res.Imported != 1 || len(res.Errors) != 0 {
			t.Errorf("%s: %+v %v", sub, res, err)
		}
	}
	// A one-column list under a title: its first row is read, with its row.
	f := newFixture(t)
	res, err := f.im.Import(context.Background(), strings.NewReader("来場者\nPCメールアドレス\ntaro@\nhanako@example.com\n"), Defaults{Channel: "seminar", Event: "DX", Date: "2026-11-06"})
	if err != nil || res.HeaderRow != 2 || res.Imported != 1 || len(res.Errors) != 1 || res.Errors[0].Line != 3 {
		t.Errorf("a one-column list: %+v %v", res, err)
	}
}

// TestOneColumnListWhoseFirstRowIsNoAddress: a one-column list whose first
// row is no address (（未記入）, "-") was refused whole ("no header row");
// its addresses are imported and that row reported.
func TestOneColumnListWhoseFirstRowIsNoAddress(t *testing.T) {
	for in, header := range map[string]int{
		"メールアドレス\n（未記入）\nhanako@example.com\njiro@example.com\n":    1,
		"来場者\nPCメールアドレス\n-\nhanako@example.com\njiro@example.com\n": 2,
	} {
		f := newFixture(t)
		res, err := f.im.Import(context.Background(), strings.NewReader(in), Defaults{Channel: "seminar", Event: "DX", Date: "2026-11-06"})
		if err != nil || res.HeaderRow != header || res.Imported != 2 || len(res.Errors) != 1 || res.Errors[0].Line != header+1 {
			t.Errorf("%q: %+v %v", in, res, err)
		}
	}
}
