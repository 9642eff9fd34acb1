package account_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/account"
	"github.com/baton-hq/baton/internal/privacy"
)

// TestNamedSplitGroupsItsName: a group writing from one domain
// (acme-group.co.jp) is one account; the operator splits アクメテクノ's
// person out into an account named 株式会社アクメテクノ. A free-mail person of
// アクメテクノ then founded an account of their own, named alike, with no
// note on either page (the split had no key to be found by). The named
// split now claims its name's key when nobody has it, so they join it; the
// key stays while the account lasts, whoever of its people is erased.
func TestNamedSplitGroupsItsName(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	step := func(vid, email, company string) {
		w.clk.Advance(time.Hour)
		w.handle(w.person(vid, email, map[string]string{"company": company}))
	}
	step("v1", "a@acme-group.co.jp", "株式会社アクメ")
	step("v2", "b@acme-group.co.jp", "株式会社アクメ")
	step("v3", "c@acme-group.co.jp", "株式会社アクメテクノ")
	step("v3g", "g@acme-group.co.jp", "") // アクメテクノ's too, no company typed
	as := w.accounts()
	c, err := w.dir.ByEmail(ctx, "c@acme-group.co.jp")
	if err != nil || len(as) != 1 {
		t.Fatalf("one account of the domain: %+v %v", as, err)
	}
	g, err := w.dir.ByEmail(ctx, "g@acme-group.co.jp")
	if err != nil {
		t.Fatal(err)
	}
	split, err := w.book.Split(ctx, as[0].ID, []string{c.ID, g.ID}, "株式会社アクメテクノ")
	if err != nil || !slices.Contains(split.Keys, "n:アクメテクノ") {
		t.Fatalf("the named split claims its name: %+v %v", split.Keys, err)
	}
	step("v4", "e@yahoo.co.jp", "アクメテクノ株式会社")
	if got := w.accountOfEmail("e@yahoo.co.jp"); got.ID != split.ID || len(w.accounts()) != 2 {
		t.Fatalf("a free-mail person of アクメテクノ joins the split account %s: in %s (%q), %d accounts", split.ID, got.ID, got.Name, len(w.accounts()))
	}
	step("v5", "f@acme-group.co.jp", "株式会社アクメテクノ") // the domain first, as documented
	if got := w.accountOfEmail("f@acme-group.co.jp"); got.ID != as[0].ID {
		t.Fatalf("the domain's person: in %s", got.ID)
	}
	// The key is the operator's: the erasure of those who gave the name
	// leaves it while the account lasts (g gave none).
	for _, email := range []string{"c@acme-group.co.jp", "e@yahoo.co.jp", "g@acme-group.co.jp"} {
		p, err := w.dir.ByEmail(ctx, email)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.book.Forget(ctx, privacy.Subject{Person: p.ID, Email: email}); err != nil {
			t.Fatal(err)
		}
		if email == "e@yahoo.co.jp" {
			if got, err := w.book.Get(ctx, split.ID); err != nil || !slices.Contains(got.Keys, "n:アクメテクノ") || len(got.Members) != 1 || w.keyOwner("n:アクメテクノ") != split.ID {
				t.Fatalf("after the erasure of those who gave the name: %+v %v", got, err)
			}
		}
	}
	if _, err := w.book.Get(ctx, split.ID); err != account.ErrNotFound {
		t.Fatalf("its last person erased, the account goes: %v", err)
	}
	if w.keyOwner("n:アクメテクノ") != "" {
		t.Fatalf("and its key with it: %s", w.keyOwner("n:アクメテクノ"))
	}
}

// TestNamedSplitTakesTheNameTheAccountLeft: two people of アクメテクノ at the
// group's domain made n:アクメテクノ a key of the domain's account; split out
// under that name, the key goes with them (the account left votes アクメ),
// while a split named as the account left takes nothing from it.
func TestNamedSplitTakesTheNameTheAccountLeft(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	for _, p := range [][3]string{
		{"v1", "a@acme-group.co.jp", "株式会社アクメ"}, {"v2", "b@acme-group.co.jp", "株式会社アクメ"}, {"v3", "x@acme-group.co.jp", "株式会社アクメ"},
		{"v4", "c@acme-group.co.jp", "株式会社アクメテクノ"}, {"v5", "d@acme-group.co.jp", "株式会社アクメテクノ"},
	} {
		w.clk.Advance(time.Hour)
		w.handle(w.person(p[0], p[1], map[string]string{"company": p[2]}))
	}
	acme := w.accountOfEmail("a@acme-group.co.jp")
	if !slices.Contains(acme.Keys, "n:アクメテクノ") {
		t.Fatalf("the world this test needs: %v", acme.Keys)
	}
	var ids []string
	for _, e := range []string{"c@acme-group.co.jp", "d@acme-group.co.jp"} {
		p, err := w.dir.ByEmail(ctx, e)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, p.ID)
	}
	split, err := w.book.Split(ctx, acme.ID, ids, "アクメテクノ")
	if err != nil || !slices.Contains(split.Keys, "n:アクメテクノ") || w.keyOwner("n:アクメテクノ") != split.ID {
		t.Fatalf("the split takes its name's key: %+v %v, owner %s", split.Keys, err, w.keyOwner("n:アクメテクノ"))
	}
	if got, _ := w.book.Get(ctx, acme.ID); slices.Contains(got.Keys, "n:アクメテクノ") || !slices.Contains(got.Keys, "n:アクメ") {
		t.Fatalf("the account left: %v", got.Keys)
	}
	b, err := w.dir.ByEmail(ctx, "b@acme-group.co.jp")
	if err != nil {
		t.Fatal(err)
	}
	other, err := w.book.Split(ctx, acme.ID, []string{b.ID}, "株式会社アクメ")
	if err != nil || len(other.Keys) != 0 || w.keyOwner("n:アクメ") != acme.ID {
		t.Fatalf("a split named as the account it left takes nothing: %+v %v", other.Keys, err)
	}
}

// TestSplitNamedAsADepartmentClaimsNothing: a split named アクメ 開発本部 is a
// department of アクメ (its key アクメ): free-mail people typing 株式会社アクメ
// are not the department's, so it claims no key, free or not.
func TestSplitNamedAsADepartmentClaimsNothing(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	w.handle(w.person("v1", "a@acme.example", map[string]string{"company": "Acme Holdings"}))
	w.clk.Advance(time.Hour)
	w.handle(w.person("v2", "b@acme.example", map[string]string{"company": "Acme Holdings"}))
	acme := w.accountOfEmail("a@acme.example")
	b, err := w.dir.ByEmail(ctx, "b@acme.example")
	if err != nil {
		t.Fatal(err)
	}
	split, err := w.book.Split(ctx, acme.ID, []string{b.ID}, "アクメ 開発本部")
	if err != nil || len(split.Keys) != 0 || w.keyOwner("n:アクメ") != "" {
		t.Fatalf("a department's split: %+v %v, n:アクメ owned by %q", split.Keys, err, w.keyOwner("n:アクメ"))
	}
}
