package privacy_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/bolttable"
)

// TestErasureCoversBothFormsOfAnIDN: erasing an address at an
// internationalised domain tombstones both its forms (a person an earlier
// version keyed by the Unicode one is held by NotErased of either), and
// an event naming it in either form mentions the person.
func TestErasureCoversBothFormsOfAnIDN(t *testing.T) {
	tb, err := bolttable.Open(filepath.Join(t.TempDir(), "b.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tb.Close() })
	ctx := context.Background()
	e := &privacy.Eraser{T: tb}
	if _, err := e.EraseEmail(ctx, "taro@xn--r8jz45g.jp"); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"taro@xn--r8jz45g.jp", "taro@例え.jp"} {
		if gone, err := privacy.Erased(ctx, tb, f); !gone || err != nil {
			t.Errorf("Erased(%s): %v %v", f, gone, err)
		}
		err := tb.Transact(ctx, []table.Write{table.Put(table.Item{PK: "X", SK: f}, table.Always), privacy.NotErased(f)})
		if !errors.Is(err, table.ErrConditionFailed) {
			t.Errorf("NotErased(%s): %v", f, err)
		}
	}
	s := privacy.Subject{Person: "p_000000000000000000000001", Email: "taro@xn--r8jz45g.jp"}
	for _, doc := range []string{`{"traits":{"email":"taro@例え.jp"}}`, `{"email":"ＴＡＲＯ＠例え．ｊｐ"}`, `{"email":"taro@XN--R8JZ45G.jp"}`} {
		if !privacy.Mentions([]byte(doc), s) {
			t.Errorf("%s does not mention %s", doc, s.Email)
		}
	}
	if privacy.Mentions([]byte(`{"email":"taro@例.jp"}`), s) {
		t.Error("another domain mentions them")
	}
}
