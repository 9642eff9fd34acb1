package admin_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/account"
	"github.com/baton-hq/baton/internal/admin"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/bolttable"
)

// TestAccountShowsAnotherWithItsName: a person of a domain no account had
// founds their own account even when Acme owns the company name they give
// (a name alone is typed by anyone), so a group company writing from a
// second domain is a second account named アクメ. Its page and its JSON
// name the account with the name, to merge by hand; Acme's name nobody else.
func TestAccountShowsAnotherWithItsName(t *testing.T) {
	tb, err := bolttable.Open(filepath.Join(t.TempDir(), "acct.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tb.Close() })
	const acme, group = "a0000000000000001", "a0000000000000002"
	ctx := context.Background()
	var ws []table.Write
	for _, x := range [][3]string{
		{acme, "株式会社アクメ", `["d:acme.co.jp","n:アクメ"]`},
		{group, "株式会社アクメ", `["d:acme-group.co.jp"]`},
	} {
		data := `{"id":"` + x[0] + `","name":"` + x[1] + `","keys":` + x[2] + `,"attributes":{"company":"` + x[1] +
			`"},"members":[{"person":"p_` + x[0] + `","email":"a@b.example","lastActive":"2026-11-20T09:00:00Z"}]}`
		ws = append(ws, table.Put(table.Item{PK: "ACCTS", SK: x[0], Kind: "account", Data: []byte(data)}, table.Always))
	}
	for k, id := range map[string]string{"d:acme.co.jp": acme, "n:アクメ": acme, "d:acme-group.co.jp": group} {
		ws = append(ws, table.Put(table.Item{PK: "ACCTKEY#" + k, SK: "KEY", Kind: "accountkey", Data: []byte(id)}, table.Always))
	}
	if err := tb.Transact(ctx, ws); err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, func(h *admin.Handler) { h.Accounts = &account.Book{T: tb} })
	for _, lang := range []string{"en", "ja"} {
		a := f.req("GET", "/admin/accounts/"+group+"?lang="+lang, "", "Authorization", "Bearer "+fullToken, "Accept", "text/html")
		hint := map[string]string{"en": "Another account has the same company name;", "ja": "同じ会社名の別アカウントがあります。"}[lang]
		merge := map[string]string{"en": "merge this account into it on its page:", "ja": "そのアカウントのページでこのアカウントを統合してください："}[lang]
		if a.code != 200 || !strings.Contains(a.body, hint) || !strings.Contains(a.body, merge) ||
			!strings.Contains(a.body, `href="../accounts/`+acme+`?from=`+group+`#merge"`) {
			t.Errorf("%s: the second account's page: %d\n%s", lang, a.code, a.body)
		}
		a = f.req("GET", "/admin/accounts/"+acme+"?lang="+lang, "", "Authorization", "Bearer "+fullToken, "Accept", "text/html")
		if a.code != 200 || strings.Contains(a.body, hint) {
			t.Errorf("%s: Acme's page names another: %d\n%s", lang, a.code, a.body)
		}
	}
	a := f.req("GET", "/admin/accounts/"+group, "", "Authorization", "Bearer "+fullToken)
	if a.code != 200 || !strings.Contains(a.body, `"sameName":"`+acme+`"`) {
		t.Errorf("the API: %d %s", a.code, a.body)
	}
	a = f.req("GET", "/admin/accounts/"+acme, "", "Authorization", "Bearer "+fullToken)
	if a.code != 200 || strings.Contains(a.body, `"sameName"`) {
		t.Errorf("the API, Acme: %d %s", a.code, a.body)
	}
}

// TestNamesOnlyAccountShowsDomainAccounts: an account of names alone (its
// people free mail, who typed 株式会社アクメ) took the first corporate domain
// that came with its name, an impostor's too. Now a person of such a domain
// founds their domain's account, and the names-only account's page names
// each such account with its domain (the company's own and an impostor's
// look alike but for it), linking to its merge form; its JSON gives their
// ids as sameNameAccounts. Their pages name the names-only account
// (sameName), as any account's whose name another owns.
func TestNamesOnlyAccountShowsDomainAccounts(t *testing.T) {
	tb, err := bolttable.Open(filepath.Join(t.TempDir(), "acct.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tb.Close() })
	const names, acme, evil = "a0000000000000001", "a0000000000000002", "a0000000000000003"
	ctx := context.Background()
	var ws []table.Write
	for _, x := range [][3]string{
		{names, "株式会社アクメ", `["n:アクメ"]`},
		{acme, "アクメ株式会社", `["d:acme.co.jp"]`},
		{evil, "株式会社アクメ", `["d:evil.example.jp"]`},
	} {
		data := `{"id":"` + x[0] + `","name":"` + x[1] + `","keys":` + x[2] + `,"attributes":{"company":"` + x[1] +
			`"},"members":[{"person":"p_` + x[0] + `","email":"a@b.example","lastActive":"2026-11-20T09:00:00Z"}]}`
		ws = append(ws, table.Put(table.Item{PK: "ACCTS", SK: x[0], Kind: "account", Data: []byte(data)}, table.Always))
	}
	for k, id := range map[string]string{"n:アクメ": names, "d:acme.co.jp": acme, "d:evil.example.jp": evil} {
		ws = append(ws, table.Put(table.Item{PK: "ACCTKEY#" + k, SK: "KEY", Kind: "accountkey", Data: []byte(id)}, table.Always))
	}
	// What the refresh that founded each domain account wrote beside the name's key.
	for _, id := range []string{evil, acme} {
		ws = append(ws, table.Put(table.Item{PK: "ACCTKEY#n:アクメ", SK: "ALSO#" + id, Kind: "accountalso", Data: []byte(id)}, table.Always))
	}
	if err := tb.Transact(ctx, ws); err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, func(h *admin.Handler) { h.Accounts = &account.Book{T: tb} })
	for _, lang := range []string{"en", "ja"} {
		a := f.req("GET", "/admin/accounts/"+names+"?lang="+lang, "", "Authorization", "Bearer "+fullToken, "Accept", "text/html")
		hint := map[string]string{"en": "People with these email domains gave this account&#39;s company name;",
			"ja": "これらのメールドメインの人物が、このアカウントの会社名を入力しています。"}[lang]
		if a.code != 200 || !strings.Contains(a.body, hint) {
			t.Errorf("%s: the names-only account's page: %d\n%s", lang, a.code, a.body)
		}
		for _, x := range [][2]string{{acme, "acme.co.jp"}, {evil, "evil.example.jp"}} {
			paren := map[string][2]string{"en": {" (", ")"}, "ja": {"（", "）"}}[lang]
			if !strings.Contains(a.body, `href="../accounts/`+x[0]+`?from=`+names+`#merge">`) || !strings.Contains(a.body, paren[0]+x[1]+paren[1]) {
				t.Errorf("%s: the page does not link %s (%s)\n%s", lang, x[0], x[1], a.body)
			}
		}
		a = f.req("GET", "/admin/accounts/"+acme+"?lang="+lang, "", "Authorization", "Bearer "+fullToken, "Accept", "text/html")
		if a.code != 200 || strings.Contains(a.body, hint) || !strings.Contains(a.body, `href="../accounts/`+names+`?from=`+acme+`#merge"`) {
			t.Errorf("%s: Acme's page: %d\n%s", lang, a.code, a.body)
		}
	}
	a := f.req("GET", "/admin/accounts/"+names, "", "Authorization", "Bearer "+fullToken)
	if a.code != 200 || !strings.Contains(a.body, `"sameNameAccounts":["`+evil+`","`+acme+`"]`) && !strings.Contains(a.body, `"sameNameAccounts":["`+acme+`","`+evil+`"]`) {
		t.Errorf("the API: %d %s", a.code, a.body)
	}
	a = f.req("GET", "/admin/accounts/"+acme, "", "Authorization", "Bearer "+fullToken)
	if a.code != 200 || !strings.Contains(a.body, `"sameName":"`+names+`"`) || strings.Contains(a.body, `"sameNameAccounts"`) {
		t.Errorf("the API, Acme: %d %s", a.code, a.body)
	}
}

// TestSameNameLinkChoosesTheAccountToMerge: the second domain's account
// (one person, a low score) says to merge it into Acme "on its page"; in a
// workspace of more than 200 accounts Acme's merge form offered only the
// first 200 by score, so the account to merge was not there to choose, and
// two accounts named 株式会社アクメ read alike in it. The note's link names
// the account (?from=): Acme's form offers it, chosen, with its domain
// beside its name; a stale or foreign ?from= offers nothing more.
func TestSameNameLinkChoosesTheAccountToMerge(t *testing.T) {
	tb, err := bolttable.Open(filepath.Join(t.TempDir(), "acct.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tb.Close() })
	const acme, group = "a00000000000000a1", "a00000000000000a2"
	ctx := context.Background()
	put := func(id, name, keys string, score int) {
		data := fmt.Sprintf(`{"id":%q,"name":%q,"keys":%s,"attributes":{"company":%q},"score":%d,"members":[{"person":"p_%s","email":"a@b.example","lastActive":"2026-11-20T09:00:00Z"}]}`, id, name, keys, name, score, id)
		if err := tb.Put(ctx, table.Item{PK: "ACCTS", SK: id, Kind: "account", Data: []byte(data)}, table.Always); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 205 { // busier accounts, ahead of both by score
		put(fmt.Sprintf("a%016x", 0x1000+i), fmt.Sprintf("他社%d株式会社", i), fmt.Sprintf(`["n:他社%d"]`, i), 100)
	}
	put(acme, "株式会社アクメ", `["d:acme.co.jp","n:アクメ"]`, 50)
	put(group, "株式会社アクメ", `["d:acme-group.co.jp"]`, 1)
	for k, id := range map[string]string{"d:acme.co.jp": acme, "n:アクメ": acme, "d:acme-group.co.jp": group} {
		if err := tb.Put(ctx, table.Item{PK: "ACCTKEY#" + k, SK: "KEY", Kind: "accountkey", Data: []byte(id)}, table.Always); err != nil {
			t.Fatal(err)
		}
	}
	f := newFixture(t, func(h *admin.Handler) { h.Accounts = &account.Book{T: tb} })
	a := f.req("GET", "/admin/accounts/"+group, "", "Authorization", "Bearer "+fullToken, "Accept", "text/html")
	link := `href="../accounts/` + acme + `?from=` + group + `#merge">株式会社アクメ</a>`
	if a.code != 200 || !strings.Contains(a.body, link) {
		t.Fatalf("the second domain's page links Acme's merge form with it chosen: %d\n%s", a.code, a.body)
	}
	a = f.req("GET", "/admin/accounts/"+acme+"?from="+group, "", "Authorization", "Bearer "+fullToken, "Accept", "text/html")
	option := `<option value="` + group + `" selected>株式会社アクメ · acme-group.co.jp (1)</option>`
	if a.code != 200 || !strings.Contains(a.body, option) || strings.Count(a.body, " selected>") != 1 {
		t.Fatalf("Acme's merge form offers the account chosen, with its domain: %d\n%s", a.code, a.body)
	}
	for _, from := range []string{acme, "a0000000000000fff", "nope"} { // itself, none such, no id
		a = f.req("GET", "/admin/accounts/"+acme+"?from="+from, "", "Authorization", "Bearer "+fullToken, "Accept", "text/html")
		if a.code != 200 || strings.Contains(a.body, " selected>") || strings.Contains(a.body, `<option value="`+group+`"`) {
			t.Errorf("?from=%s: %d, an option chosen or the low account offered", from, a.code)
		}
	}
}
