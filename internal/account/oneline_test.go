package account_test

import (
	"context"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/identity"
)

// TestBranchOnASecondLineJoinsTheCompany: a company cell with the branch on
// a second line ("株式会社ゼブラ\r\n東京支店", a card app's or Excel's) is
// stored on one line now (identity's single-line attributes); it still
// groups with 株式会社ゼブラ, which names the account, and alone the
// account's name is one line.
func TestBranchOnASecondLineJoinsTheCompany(t *testing.T) {
	w := newWorld(t)
	split := func(company string) map[string]string {
		known, _ := identity.SplitAttributes(map[string]string{"会社名": company, "役職": "営業担当"}, nil)
		return known
	}
	w.clk.Advance(time.Hour)
	w.handle(w.person("z1", "arai@zebra.co.jp", split("株式会社ゼブラ\r\n東京支店")))
	as := w.accounts()
	if len(as) != 1 || as[0].Name != "株式会社ゼブラ 東京支店" {
		t.Fatalf("accounts %+v", as)
	}
	w.clk.Advance(time.Hour)
	w.handle(w.person("z2", "sato@zebra.co.jp", split("株式会社ゼブラ")))
	as = w.accounts()
	if len(as) != 1 || len(as[0].Members) != 2 {
		t.Fatalf("accounts %+v", as)
	}
	if a, err := w.book.Get(context.Background(), as[0].ID); err != nil || a.Name != "株式会社ゼブラ" {
		t.Errorf("name %q %v", a.Name, err)
	}
}
