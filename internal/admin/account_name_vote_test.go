package admin_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/account"
	"github.com/baton-hq/baton/internal/admin"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/bolttable"
)

// TestMergedAccountNamedByTheCompany: Acme's account (株式会社アクメ,
// (株)アクメ) takes in by a merge the account its Tokyo branch's person
// founded (株式会社アクメ 東京支店), who was active last. The name vote
// counted spellings, 1-1-1, and the branch's won: the page and the list said
// 株式会社アクメ 東京支店, as did the 会社名 attribute. The three are one
// company's votes now, written as its people wrote the company in full.
func TestMergedAccountNamedByTheCompany(t *testing.T) {
	tb, err := bolttable.Open(filepath.Join(t.TempDir(), "acct.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tb.Close() })
	const acme, branch = "a0000000000000001", "a0000000000000002"
	member := func(person, company, active string) string {
		return `{"person":"` + person + `","email":"` + person + `@acme.example","lastActive":"` + active + `","company":{"company":"` + company + `"}}`
	}
	ctx := context.Background()
	var ws []table.Write
	for _, x := range [][4]string{
		{acme, "株式会社アクメ", `["d:acme.co.jp","n:アクメ"]`, member("p_ceo", "株式会社アクメ", "2026-11-20T09:00:00Z") + "," + member("p_sato", "(株)アクメ", "2026-11-21T09:00:00Z")},
		{branch, "株式会社アクメ 東京支店", `["d:tokyo-acme.example"]`, member("p_tanaka", "株式会社アクメ 東京支店", "2026-11-23T09:00:00Z")},
	} {
		data := `{"id":"` + x[0] + `","name":"` + x[1] + `","keys":` + x[2] + `,"attributes":{"company":"` + x[1] + `"},"members":[` + x[3] + `]}`
		ws = append(ws, table.Put(table.Item{PK: "ACCTS", SK: x[0], Kind: "account", Data: []byte(data)}, table.Always))
	}
	for k, id := range map[string]string{"d:acme.co.jp": acme, "n:アクメ": acme, "d:tokyo-acme.example": branch} {
		ws = append(ws, table.Put(table.Item{PK: "ACCTKEY#" + k, SK: "KEY", Kind: "accountkey", Data: []byte(id)}, table.Always))
	}
	if err := tb.Transact(ctx, ws); err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, func(h *admin.Handler) { h.Accounts = &account.Book{T: tb, Now: h.Workspace.Now} })
	a := f.req("POST", "/admin/accounts/"+acme+"/merge", `{"from":"`+branch+`"}`, "Authorization", "Bearer "+fullToken, "Content-Type", "application/json")
	if a.code != 200 || !strings.Contains(a.body, `"name":"株式会社アクメ"`) || !strings.Contains(a.body, `"company":"株式会社アクメ"`) {
		t.Errorf("the merge: %d %s", a.code, a.body)
	}
	for _, lang := range []string{"en", "ja"} {
		label := map[string]string{"en": "Company", "ja": "会社名"}[lang]
		a = f.req("GET", "/admin/accounts/"+acme+"?lang="+lang, "", "Authorization", "Bearer "+fullToken, "Accept", "text/html")
		if a.code != 200 || !strings.Contains(a.body, "<h1>株式会社アクメ</h1>") ||
			!strings.Contains(a.body, `<th scope="row">`+label+`</th><td>株式会社アクメ</td>`) {
			t.Errorf("%s: the account's page: %d\n%s", lang, a.code, a.body)
		}
		a = f.req("GET", "/admin/accounts?lang="+lang, "", "Authorization", "Bearer "+fullToken, "Accept", "text/html")
		if a.code != 200 || !strings.Contains(a.body, `<a href="accounts/`+acme+`">株式会社アクメ</a>`) || strings.Contains(a.body, "東京支店") {
			t.Errorf("%s: the accounts list: %d\n%s", lang, a.code, a.body)
		}
	}
}
