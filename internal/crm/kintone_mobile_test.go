package crm_test

import (
	"context"
	"testing"

	"github.com/baton-hq/baton/internal/crm/crmfake"
)

// TestKintoneMobileAndReading: kintone has no default fields; the app's
// field codes fields maps the reading and the mobile to get them.
func TestKintoneMobileAndReading(t *testing.T) {
	ctx := context.Background()
	f := crmfake.NewKintone()
	defer f.Close()
	for code, label := range map[string]string{"sei_kana": "セイ", "mei_kana": "メイ", "keitai": "携帯電話"} {
		f.Fields[code] = map[string]any{"type": "SINGLE_LINE_TEXT", "code": code, "label": label, "noLabel": false, "required": false, "unique": false}
	}
	c := kt(f)
	c.Fields["last_name_kana"], c.Fields["first_name_kana"], c.Fields["mobile"] = "sei_kana", "mei_kana", "keitai"
	l := japaneseLead(t, "p_kana1")
	if _, err := c.Push(ctx, l); err != nil {
		t.Fatal(err)
	}
	if r := f.Record(l.Email); r["name"] != "山田" || r["sei_kana"] != "ヤマダ" || r["mei_kana"] != "ハナコ" || r["keitai"] != "090-1234-5678" {
		t.Errorf("record %v", r)
	}
}
