package identity

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/table"
)

// TestReadingAndMobileDisclosedAndErased: the name's reading and the mobile
// a form gave are attributes like the others (one map on the person), so a
// disclosure shows them and an erasure leaves nothing of them in the
// store: no item kept apart for them.
func TestReadingAndMobileDisclosedAndErased(t *testing.T) {
	ctx := context.Background()
	t0 := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	s, tb := newStitcher(t, t0)
	values := []string{"ヤマダ", "ハナコ", "ヤマダ ハナコ", "090-1234-5678"}
	p, _, err := s.Identify(ctx, Identification{Visitor: "v1", Email: "hanako@example.co.jp", Strength: Strong, At: t0,
		Fields: map[string]string{"セイ": "ﾔﾏﾀﾞ", "メイ": "ﾊﾅｺ", "お名前(フリガナ)": "ヤマダ ハナコ", "電話番号": "03-1234-5678", "携帯電話": "090ー1234ー5678"}})
	if err != nil {
		t.Fatal(err)
	}
	if p.Attributes["last_name_kana"] != "ヤマダ" || p.Attributes["first_name_kana"] != "ハナコ" || p.Attributes["name_kana"] != "ヤマダ ハナコ" || p.Attributes["mobile"] != "090-1234-5678" {
		t.Fatalf("attributes %q, custom %q", p.Attributes, p.Custom)
	}
	holding := func() (n int) {
		t.Helper()
		err := tb.Scan(ctx, "", func(it table.Item) error {
			for _, v := range values {
				if bytes.Contains(it.Data, []byte(v)) {
					n++
					break
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if holding() == 0 {
		t.Fatal("no item holds the values: the erasure's check below would prove nothing")
	}
	sub, err := s.Subject(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	d, err := s.Disclose(ctx, sub)
	if err != nil {
		t.Fatal(err)
	}
	var shown []byte
	for _, doc := range d[KindPerson] {
		shown = append(shown, doc...)
	}
	for _, v := range values {
		if !bytes.Contains(shown, []byte(v)) {
			t.Errorf("the disclosure does not show %q: %s", v, shown)
		}
	}
	if _, err := s.Forget(ctx, sub); err != nil {
		t.Fatal(err)
	}
	if n := holding(); n != 0 {
		t.Errorf("%d items still hold the reading or the mobile after the erasure", n)
	}
}
