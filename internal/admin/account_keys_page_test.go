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

// TestAccountKeysAsPeopleReadThem: the account pages named an account by
// its stored keys (d:xn--r8jz45g.jp · n:アクメ, in code) and an unnamed one
// by its id (a0000000000000001) in the title, the list, the merge form's
// choices and "Merged into". They say its email domains and company names
// in words, an internationalised domain in its own letters, and name an
// unnamed account by its domain; the id stays in the links alone.
func TestAccountKeysAsPeopleReadThem(t *testing.T) {
	tb, err := bolttable.Open(filepath.Join(t.TempDir(), "acct.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tb.Close() })
	const unnamed, beta, gone = "a0000000000000001", "a0000000000000002", "a0000000000000003"
	var ws []table.Write
	for _, x := range [][4]string{
		{unnamed, "", `["d:xn--r8jz45g.jp","n:アクメ"]`, ""},
		{beta, "株式会社ベータ", `["d:beta.co.jp"]`, ""},
		{gone, "", `[]`, unnamed},
	} {
		data := `{"id":"` + x[0] + `","name":"` + x[1] + `","keys":` + x[2] + `,"mergedInto":"` + x[3] +
			`","members":[{"person":"p_` + x[0] + `","email":"a@b.example","lastActive":"2026-11-20T09:00:00Z"}]}`
		ws = append(ws, table.Put(table.Item{PK: "ACCTS", SK: x[0], Kind: "account", Data: []byte(data)}, table.Always))
	}
	if err := tb.Transact(context.Background(), ws); err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, func(h *admin.Handler) { h.Accounts = &account.Book{T: tb} })
	get := func(path string) string {
		t.Helper()
		a := f.req("GET", path, "", "Authorization", "Bearer "+fullToken, "Accept", "text/html")
		if a.code != 200 {
			t.Fatalf("%s: %d %s", path, a.code, a.body)
		}
		return a.body
	}
	for lang, keys := range map[string]string{
		"en": "Email domains: <bdi>例え.jp</bdi> · Company names: <bdi>アクメ</bdi>",
		"ja": "メールドメイン：<bdi>例え.jp</bdi> · 会社名：<bdi>アクメ</bdi>",
	} {
		body := get("/admin/accounts/" + unnamed + "?lang=" + lang)
		for _, want := range []string{keys, "<h1>例え.jp</h1>"} {
			if !strings.Contains(body, want) {
				t.Errorf("%s: the account's page lacks %q:\n%s", lang, want, body)
			}
		}
		for _, raw := range []string{"d:xn--", "n:アクメ", "xn--r8jz45g", ">" + unnamed + "<"} {
			if strings.Contains(body, raw) {
				t.Errorf("%s: the account's page shows %q:\n%s", lang, raw, body)
			}
		}
	}
	// Beta's merge form offers the unnamed account by its domain.
	if body := get("/admin/accounts/" + beta); !strings.Contains(body, `<option value="`+unnamed+`">例え.jp (1)</option>`) {
		t.Errorf("the merge form's choice:\n%s", body)
	}
	// The list names it so, its domain not said twice.
	if body := get("/admin/accounts"); !strings.Contains(body, `<a href="accounts/`+unnamed+`">例え.jp</a></td>`) {
		t.Errorf("the list:\n%s", body)
	}
	// A merged account's page names the account it went into.
	if body := get("/admin/accounts/" + gone); !strings.Contains(body, `<a href="../accounts/`+unnamed+`">例え.jp</a>`) {
		t.Errorf("merged into:\n%s", body)
	}
}
