package stack_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/infra/local/stack"
	"github.com/baton-hq/baton/internal/account"
	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/table"
)

// TestStoredMQAReasonOnePrecision: an MQA stored before scores were said
// to one decimal ("account score 52.25") reads on the account's page, in
// English and in Japanese, as the score beside it does (52.3); the
// stored reason stays as written (the API answers the history).
func TestStoredMQAReasonOnePrecision(t *testing.T) {
	clk := clock.NewManual(time.Date(2026, 11, 16, 1, 0, 0, 0, time.UTC))
	s := stack.ForTestClock(t, nil, clk.Now)
	resp, err := http.Post(s.URL+"/e", "text/plain", strings.NewReader(`{"type":"form_submit","messageId":"old-mqa-f","anonymousId":"v-old-mqa","properties":{"url":"https://www.example.com/contact","form":{"id":"contact"},"fields":{"email":"yamada@kaisha-old.example","name":"山田 太郎","company":"株式会社オールド"}}}`))
	if err != nil || resp.StatusCode != 204 {
		t.Fatalf("POST /e: %v %v", err, resp)
	}
	resp.Body.Close()
	settle(t, s)
	code, b := do(t, "GET", s.URL+"/admin/accounts", token, "")
	var listed struct{ Accounts []account.Account }
	if code != 200 || json.Unmarshal(b, &listed) != nil || len(listed.Accounts) != 1 {
		t.Fatalf("accounts: %d %s", code, b)
	}
	a := listed.Accounts[0]
	old := account.MQA{ID: a.ID + "-q1-20251001000000", Account: a.ID, Name: a.Name, N: 1, At: clk.Now().AddDate(0, -1, 0), Condition: "buying-group-active",
		Score: 52.25, Behaviour: 40.25, Fit: 12, Reasons: []string{"2 people active within 14 days (at least 2)", "account score 52.25"}}
	it, err := old.Item()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.App.Table.Put(t.Context(), it, table.NotExists); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ name, lang, want string }{
		{"English", "en", "account score 52.3</div>"},
		{"Japanese", "ja", "アカウントスコア 52.3</div>"},
	} {
		if code, page := workspacePage(t, s, "/admin/accounts/"+a.ID, c.lang); code != 200 || !strings.Contains(page, c.want) || strings.Contains(page, "52.25") {
			t.Errorf("%s account page: %d, the stored reason not at one decimal:\n%s", c.name, code, page)
		}
	}
	code, b = do(t, "GET", s.URL+"/admin/accounts/"+a.ID, token, "")
	if code != 200 || !strings.Contains(string(b), `"account score 52.25"`) {
		t.Errorf("the API's stored MQA: %d %s", code, b)
	}
}
