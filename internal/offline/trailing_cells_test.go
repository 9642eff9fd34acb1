package offline

import (
	"context"
	"strings"
	"testing"
)

// TestTrailingEmptyCellsPastTheHeader: a row with empty cells further
// right than the header (Excel keeps a used range wider than the table
// once a cell there was typed in and cleared; another tool pads rows)
// was refused as "4 fields, the header has 2", as if a comma had shifted
// its columns. Empty cells past the header are no fields; a value there
// still refuses the row.
func TestTrailingEmptyCellsPastTheHeader(t *testing.T) {
	f := newFixture(t)
	in := "メールアドレス,氏名\r\ntaro@example.co.jp,山田 太郎,,\r\nhanako@example.co.jp,髙橋 花子,, メモ\r\n"
	res, err := f.im.Import(context.Background(), strings.NewReader(in), Defaults{Event: "展示会", Date: "2026-11-06", Channel: "展示会"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Imported != 1 || len(res.Errors) != 1 || res.Errors[0].Line != 3 || res.Errors[0].Reason != "4 fields, the header has 2" {
		t.Errorf("%+v", res)
	}
}
