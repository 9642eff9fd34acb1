package admin_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/account"
	"github.com/baton-hq/baton/internal/admin"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/bolttable"
)

// TestMergedAccountPageListsTheMQAsMergedIn: acme.com's account raised an
// MQA, then was merged into acme.co.jp's. The MQA stays where it was
// raised and its window holds back the merged account's next MQA, but the
// merged account's page listed only its own: "No MQA yet." (0 MQAs) while
// one was holding the next back. The page lists it, saying it was raised by
// the account merged in (ja + en), and the JSON's mqaList has it; an
// account merged before merges recorded where from says what holds its
// MQA back instead of "No MQA yet.".
func TestMergedAccountPageListsTheMQAsMergedIn(t *testing.T) {
	tb, err := bolttable.Open(filepath.Join(t.TempDir(), "acct.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tb.Close() })
	const into, from, old = "a0000000000000001", "a0000000000000002", "a0000000000000003"
	ctx := context.Background()
	raised := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	var ws []table.Write
	for _, x := range [][4]string{
		{into, "株式会社アクメ", `["d:acme.co.jp"]`, `"tanaka@acme.co.jp"`},
		{from, "アクメ株式会社", `["d:acme.com"]`, `"sato@acme.com"`},
		// merged away before merges recorded where from: only its window is left here
		{old, "株式会社ベータ", `["d:beta.example"]`, `"ito@beta.example"`},
	} {
		data := `{"id":"` + x[0] + `","name":"` + x[1] + `","keys":` + x[2] + `,"attributes":{"company":"` + x[1] + `"},"members":[{"person":"p_` + x[0] + `","email":` + x[3] + `,"lastActive":"2026-11-21T09:00:00Z"}]`
		switch x[0] {
		case from:
			data += `,"mqas":["` + from + `-q1-20261120090000"],"lastMqa":"2026-11-20T09:00:00Z"`
		case old:
			data += `,"lastMqa":"2026-11-20T09:00:00Z"`
		}
		ws = append(ws, table.Put(table.Item{PK: "ACCTS", SK: x[0], Kind: "account", Data: []byte(data + `}`)}, table.Always))
	}
	for k, id := range map[string]string{"d:acme.co.jp": into, "d:acme.com": from, "d:beta.example": old} {
		ws = append(ws, table.Put(table.Item{PK: "ACCTKEY#" + k, SK: "KEY", Kind: "accountkey", Data: []byte(id)}, table.Always))
	}
	q := account.MQA{ID: from + "-q1-20261120090000", Account: from, Name: "アクメ株式会社", N: 1, At: raised, Condition: "buying-group",
		Reasons: []string{"2 people active within 14 days (at least 2)"}, Score: 80, Sent: true,
		People: []account.Member{{Person: "p_" + from, Email: "sato@acme.com", Title: "部長", Role: account.DecisionMaker}}}
	it, err := q.Item()
	if err != nil {
		t.Fatal(err)
	}
	ws = append(ws, table.Put(it, table.Always))
	if err := tb.Transact(ctx, ws); err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, func(h *admin.Handler) { h.Accounts = &account.Book{T: tb, Now: h.Workspace.Now} })
	if a := f.req("POST", "/admin/accounts/"+into+"/merge", `{"from":"`+from+`"}`, "Authorization", "Bearer "+fullToken, "Content-Type", "application/json"); a.code != 200 {
		t.Fatalf("the merge: %d %s", a.code, a.body)
	}
	for _, c := range []struct{ lang, says, none string }{
		{"en", "raised by an account since merged into this one", "No MQA yet."},
		{"ja", "このアカウントに統合されたアカウントで発生", "MQA はまだありません。"},
	} {
		a := f.req("GET", "/admin/accounts/"+into+"?lang="+c.lang, "", "Authorization", "Bearer "+fullToken, "Accept", "text/html")
		_, mqas, _ := strings.Cut(a.body, `<h2>MQA`)
		mqas, _, _ = strings.Cut(mqas, "<h2")
		if a.code != 200 || strings.Contains(mqas, c.none) || !strings.Contains(mqas, c.says) || !strings.Contains(mqas, `accounts/`+from+`">アクメ株式会社</a>`) || !strings.Contains(mqas, "sato@acme.com") {
			t.Errorf("%s: the merged account's MQAs: %d\n%s", c.lang, a.code, mqas)
		}
		if !strings.Contains(a.body, `MQA`+map[string]string{"en": "s", "ja": ""}[c.lang]+`<b>1</b>`) {
			t.Errorf("%s: the count of MQAs is not 1", c.lang)
		}
		a = f.req("GET", "/admin/accounts/"+old+"?lang="+c.lang, "", "Authorization", "Bearer "+fullToken, "Accept", "text/html")
		_, mqas, _ = strings.Cut(a.body, `<h2>MQA`)
		mqas, _, _ = strings.Cut(mqas, "<h2")
		if a.code != 200 || strings.Contains(mqas, c.none) || !strings.Contains(mqas, `class="note held-mqa"`) {
			t.Errorf("%s: an account whose window an unlisted MQA holds: %d\n%s", c.lang, a.code, mqas)
		}
	}
	a := f.req("GET", "/admin/accounts/"+into, "", "Authorization", "Bearer "+fullToken)
	if a.code != 200 || !strings.Contains(a.body, `"mqaList":[{"id":"`+from+`-q1-20261120090000"`) {
		t.Errorf("the JSON: %d %s", a.code, a.body)
	}
}
