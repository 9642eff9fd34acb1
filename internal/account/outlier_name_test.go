package account_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/account"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/table"
)

// companyChanged is the feed's change of a known person whose company
// attribute became company (no event).
func (w *world) companyChanged(email, company string) []table.Change {
	w.t.Helper()
	ctx := context.Background()
	p, err := w.dir.ByEmail(ctx, email)
	if err != nil {
		w.t.Fatal(err)
	}
	if _, _, err := w.dir.Update(ctx, p.ID, map[string]string{"company": company}, nil); err != nil {
		w.t.Fatal(err)
	}
	it, err := w.tb.Get(ctx, identity.PersonPK(p.ID), "PERSON")
	if err != nil {
		w.t.Fatal(err)
	}
	return []table.Change{{Op: table.OpModify, Item: it}}
}

// accountOfEmail is the account listing the person of email ("" for none).
func (w *world) accountOfEmail(email string) account.Account {
	w.t.Helper()
	for _, a := range w.accounts() {
		if slices.ContainsFunc(a.Members, func(m account.Member) bool { return m.Email == email }) {
			return a
		}
	}
	return account.Account{}
}

// TestOutlierCompanyClaimsNoName: the people of example.co.jp all gave
// 株式会社サンプル; one of them (a shared info@ address) then gave
// 別会社株式会社. The account claimed n:別会社 for itself, so a free-mail
// person of 別会社 (betsu@gmail.com) joined it by that name, tied its vote
// and, active last, renamed it 別会社株式会社. One person's company, outvoted
// by the others', is not the account's name: it claims no key, the account
// stays 株式会社サンプル, and betsu founds 別会社's own account.
func TestOutlierCompanyClaimsNoName(t *testing.T) {
	for _, oneBatch := range []bool{false, true} {
		w := newWorld(t)
		for _, p := range []struct{ vid, email, title string }{
			{"v1", "yamada@example.co.jp", "部長"}, {"v2", "sato@example.co.jp", "担当"}, {"v3", "info@example.co.jp", ""},
		} {
			w.clk.Advance(time.Hour)
			w.handle(w.person(p.vid, p.email, map[string]string{"company": "株式会社サンプル", "title": p.title}))
		}
		w.clk.Advance(time.Hour)
		changed := w.companyChanged("info@example.co.jp", "別会社株式会社")
		betsu := func() []table.Change {
			return w.person("v4", "betsu@gmail.com", map[string]string{"company": "別会社株式会社", "title": "社長"})
		}
		if oneBatch {
			w.handle(append(changed, betsu()...))
		} else {
			w.handle(changed)
			w.clk.Advance(time.Hour)
			w.handle(betsu())
		}
		acct := w.keyOwner("d:example.co.jp")
		if o := w.keyOwner("n:別会社"); acct == "" || o == acct {
			t.Fatalf("batch %v: n:別会社 owned by %q, example.co.jp's account %q", oneBatch, o, acct)
		}
		a, err := w.book.Get(context.Background(), acct)
		if err != nil {
			t.Fatal(err)
		}
		if a.Name != "株式会社サンプル" || len(a.Members) != 3 || slices.Contains(a.Keys, "n:別会社") {
			t.Fatalf("batch %v: example.co.jp's account %q, keys %v, %d members %+v", oneBatch, a.Name, a.Keys, len(a.Members), a.Members)
		}
		if b := w.accountOfEmail("betsu@gmail.com"); b.ID == "" || b.ID == acct || w.keyOwner("n:別会社") != b.ID || b.Name != "別会社株式会社" {
			t.Fatalf("batch %v: betsu in %+v, n:別会社 owned by %q", oneBatch, b, w.keyOwner("n:別会社"))
		}
	}
}

// TestFreeMailJoinsByTheVotedName: what name grouping is for still holds.
// The name the account's people vote for is claimed, and a free-mail
// person giving it joins; a name two of its people at company domains give
// (the company written another way) is claimed too; the one person's other
// firm is not.
func TestFreeMailJoinsByTheVotedName(t *testing.T) {
	w := newWorld(t)
	for _, p := range []struct{ vid, email, company string }{
		{"v1", "yamada@acme.co.jp", "株式会社アクメ"}, {"v2", "sato@acme.co.jp", "アクメ株式会社"}, {"v3", "info@acme.co.jp", "別会社株式会社"},
		{"v4", "dev@acme.co.jp", "ACME Inc."}, {"v5", "ops@acme.co.jp", "ACME"}, {"v6", "pr@acme.co.jp", "(株)アクメ"},
	} {
		w.clk.Advance(time.Hour)
		w.handle(w.person(p.vid, p.email, map[string]string{"company": p.company, "title": "担当"}))
	}
	acct := w.keyOwner("d:acme.co.jp")
	if acct == "" || w.keyOwner("n:アクメ") != acct || w.keyOwner("n:acme") != acct || w.keyOwner("n:別会社") != "" {
		t.Fatalf("keys: d:acme.co.jp %q, n:アクメ %q, n:acme %q, n:別会社 %q", acct, w.keyOwner("n:アクメ"), w.keyOwner("n:acme"), w.keyOwner("n:別会社"))
	}
	w.clk.Advance(time.Hour)
	w.handle(w.person("v7", "taro@gmail.com", map[string]string{"company": "（株）アクメ", "title": "部長"}))
	w.handle(w.person("v8", "hanako@yahoo.co.jp", map[string]string{"company": "Acme Co., Ltd."}))
	w.handle(w.person("v9", "betsu@gmail.com", map[string]string{"company": "別会社株式会社"}))
	if a := w.accountOfEmail("taro@gmail.com"); a.ID != acct || account.CompanyKey(a.Name) != "アクメ" {
		t.Fatalf("taro in %q %q, want %s", a.ID, a.Name, acct)
	}
	if a := w.accountOfEmail("hanako@yahoo.co.jp"); a.ID != acct {
		t.Fatalf("hanako in %q, want %s", a.ID, acct)
	}
	if a := w.accountOfEmail("betsu@gmail.com"); a.ID == acct || a.ID == "" {
		t.Fatalf("betsu in %q", a.ID)
	}
}

// TestOutvotedNameReleased: info@example.co.jp founded the account as
// 別会社株式会社 (its name then, claimed), and betsu@gmail.com joined by it.
// Then the company's own people came, all 株式会社アクメ: the vote names
// アクメ, and n:別会社, given at the domain by info@ alone, is released when
// the account is next written; betsu's next refresh takes them to 別会社's
// own account, and a later free-mail 別会社 person joins them, not Acme.
func TestOutvotedNameReleased(t *testing.T) {
	w := newWorld(t)
	w.handle(w.person("v1", "info@example.co.jp", map[string]string{"company": "別会社株式会社"}))
	w.clk.Advance(time.Hour)
	w.handle(w.person("v2", "betsu@gmail.com", map[string]string{"company": "別会社株式会社", "title": "社長"}))
	acct := w.keyOwner("d:example.co.jp")
	if acct == "" || w.keyOwner("n:別会社") != acct {
		t.Fatalf("founded: d:example.co.jp %q, n:別会社 %q", acct, w.keyOwner("n:別会社"))
	}
	for i, email := range []string{"yamada@example.co.jp", "sato@example.co.jp", "suzuki@example.co.jp"} {
		w.clk.Advance(time.Hour)
		w.handle(w.person("v"+string(rune('a'+i)), email, map[string]string{"company": "株式会社アクメ", "title": "部長"}))
	}
	if o := w.keyOwner("n:別会社"); o != "" {
		t.Fatalf("n:別会社 still owned by %q (example.co.jp's %s)", o, acct)
	}
	a, err := w.book.Get(context.Background(), acct)
	if err != nil {
		t.Fatal(err)
	}
	if a.Name != "株式会社アクメ" || slices.Contains(a.Keys, "n:別会社") || !slices.Contains(a.Keys, "n:アクメ") {
		t.Fatalf("account %q keys %v", a.Name, a.Keys)
	}
	w.clk.Advance(time.Hour)
	w.handle(w.person("v2b", "betsu@gmail.com", map[string]string{"company": "別会社株式会社", "title": "社長"}))
	w.handle(w.person("v5", "jiro@gmail.com", map[string]string{"company": "別会社"}))
	b := w.accountOfEmail("betsu@gmail.com")
	if b.ID == acct || b.ID == "" || w.accountOfEmail("jiro@gmail.com").ID != b.ID || w.keyOwner("n:別会社") != b.ID {
		t.Fatalf("betsu in %q, jiro in %q, n:別会社 owned by %q (example.co.jp's %s)", b.ID, w.accountOfEmail("jiro@gmail.com").ID, w.keyOwner("n:別会社"), acct)
	}
	if a, err = w.book.Get(context.Background(), acct); err != nil || len(a.Members) != 4 {
		t.Fatalf("example.co.jp's account: %+v, %v", a.Members, err)
	}
}

// TestMergedNameKept: an operator's merge brings the other account's name
// key, though one person of a company domain gave it and the account's
// people vote for another: it is not released.
func TestMergedNameKept(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	for _, email := range []string{"yamada@acme.co.jp", "sato@acme.co.jp", "suzuki@acme.co.jp"} {
		w.clk.Advance(time.Hour)
		w.handle(w.person(email, email, map[string]string{"company": "株式会社アクメ"}))
	}
	w.handle(w.person("v-group", "ceo@acme-group.co.jp", map[string]string{"company": "アクメホールディングス株式会社"}))
	into, from := w.keyOwner("d:acme.co.jp"), w.keyOwner("d:acme-group.co.jp")
	if _, err := w.book.Merge(ctx, into, from); err != nil {
		t.Fatal(err)
	}
	w.clk.Advance(time.Hour)
	w.handle(w.person("v-group2", "ceo@acme-group.co.jp", map[string]string{"company": "アクメホールディングス株式会社"}))
	w.handle(w.person("yamada2", "yamada@acme.co.jp", map[string]string{"company": "株式会社アクメ", "title": "部長"}))
	if o := w.keyOwner("n:アクメホールディングス"); o != into {
		t.Fatalf("the merged name is owned by %q, want %s", o, into)
	}
}

// TestEnglishNameOfAJapaneseCompany: 鈴木 wrote ACME Co., Ltd. where the
// others of kaisha-acme.example wrote 株式会社アクメ: the company's name in
// Latin letters, as its network's GeoIP organisation (ACME Corporation:
// its anonymous visits) and free-mail people writing English give it, and
// no key can tell from アクメ. Outvoted, it was not claimed; as the account's
// one name in the other script it is. A second Latin name, or another
// Japanese one, is one person's outvoted company again.
func TestEnglishNameOfAJapaneseCompany(t *testing.T) {
	w := newWorld(t)
	for _, p := range []struct{ vid, email, company string }{
		{"v1", "yamada@kaisha-acme.example", "株式会社アクメ"}, {"v2", "sato@kaisha-acme.example", "株式会社アクメ"},
		{"v3", "suzuki@kaisha-acme.example", "ACME Co., Ltd."}, {"v4", "tanaka@kaisha-acme.example", "Other Corp."},
		{"v5", "info@kaisha-acme.example", "別会社株式会社"},
	} {
		w.clk.Advance(time.Hour)
		w.handle(w.person(p.vid, p.email, map[string]string{"company": p.company}))
	}
	acct := w.keyOwner("d:kaisha-acme.example")
	if acct == "" || w.keyOwner("n:アクメ") != acct || w.keyOwner("n:acme") != acct || w.keyOwner("n:other") != "" || w.keyOwner("n:別会社") != "" {
		t.Fatalf("keys: domain %q, n:アクメ %q, n:acme %q, n:other %q, n:別会社 %q", acct, w.keyOwner("n:アクメ"), w.keyOwner("n:acme"), w.keyOwner("n:other"), w.keyOwner("n:別会社"))
	}
	w.handle(w.person("v6", "taro@gmail.com", map[string]string{"company": "Acme"}))
	if a := w.accountOfEmail("taro@gmail.com"); a.ID != acct {
		t.Fatalf("taro in %q, want %s", a.ID, acct)
	}
}
