package stack_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/infra/local/stack"
	"github.com/baton-hq/baton/internal/account"
	"github.com/baton-hq/baton/internal/admin"
	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/testutil/repo"
)

// TestRescoreRefreshesAccounts: the rules change (the contact form is worth
// more), the stack restarts on them and POST /admin/rescore rebuilds every
// person; the job brings their account along: its behaviour is again the
// sum of its people's scores as explain states them, without any new event.
// Before the rescore the account still shows the old points.
func TestRescoreRefreshesAccounts(t *testing.T) {
	dir := t.TempDir()
	rules, err := os.ReadFile(filepath.Join(repo.Root(t), "infra", "rules.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	const was = "form: \"re:contact|inquiry|お問い合わせ\"\n    points: 30"
	if !strings.Contains(string(rules), was) {
		t.Fatal("the example rules' contact-form rule moved: update this test")
	}
	oldRules, newRules := filepath.Join(dir, "old.yaml"), filepath.Join(dir, "new.yaml")
	os.WriteFile(oldRules, rules, 0o600)
	os.WriteFile(newRules, []byte(strings.Replace(string(rules), was, strings.Replace(was, "30", "70", 1), 1)), 0o600)
	clk := clock.NewManual(time.Date(2026, 11, 10, 10, 0, 0, 0, time.UTC))
	env := map[string]string{"BATON_DATA": filepath.Join(dir, "data"), "BATON_RULES": oldRules}

	s := stack.ForTestClock(t, env, clk.Now)
	for i, p := range [][3]string{{"v-rs-1", "ichiro@rescore-kaisha.example", "開発担当"}, {"v-rs-2", "jiro@rescore-kaisha.example", "情報システム課長"}} {
		body := `{"type":"form_submit","messageId":"` + p[0] + `-f","anonymousId":"` + p[0] + `","properties":{"url":"https://www.example.com/contact","form":{"id":"contact"},"fields":{"email":"` + p[1] + `","company":"リスコア株式会社","title":"` + p[2] + `"}}}`
		resp, err := http.Post(s.URL+"/e", "text/plain", strings.NewReader(body))
		if err != nil || resp.StatusCode != 204 {
			t.Fatalf("form %d: %v %v", i, err, resp)
		}
		clk.Advance(time.Minute)
	}
	settle(t, s)
	one := func(s *stack.Stack) account.Account {
		t.Helper()
		code, b := do(t, "GET", s.URL+"/admin/accounts", token, "")
		var out struct{ Accounts []account.Account }
		if code != 200 || json.Unmarshal(b, &out) != nil || len(out.Accounts) != 1 || len(out.Accounts[0].Members) != 2 {
			t.Fatalf("accounts: %d %s", code, b)
		}
		return out.Accounts[0]
	}
	// behaviour is the sum of the account's people's scores by explain.
	behaviour := func(s *stack.Stack, a account.Account) float64 {
		t.Helper()
		sum := 0.0
		for _, m := range a.Members {
			code, b := do(t, "GET", s.URL+"/admin/people/"+m.Person+"/explain", token, "")
			var ex admin.Explanation
			if code != 200 || json.Unmarshal(b, &ex) != nil {
				t.Fatalf("explain: %d %s", code, b)
			}
			sum += ex.Behaviour
		}
		return sum
	}
	before := one(s)
	if want := behaviour(s, before); before.Behaviour != want || want <= 0 {
		t.Fatalf("account behaviour %v, its people's %v", before.Behaviour, want)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	// The same data under the new rules: nothing changes until the rescore.
	env["BATON_RULES"] = newRules
	s = stack.ForTestClock(t, env, clk.Now)
	if a := one(s); a.Behaviour != before.Behaviour || a.Score != before.Score {
		t.Fatalf("the account changed before the rescore: %+v, was %+v", a, before)
	}
	code, b := do(t, "POST", s.URL+"/admin/rescore", token, `{}`)
	var started struct {
		Job  struct{ ID string }
		Poll string
	}
	if code != 202 || json.Unmarshal(b, &started) != nil || started.Job.ID == "" {
		t.Fatalf("rescore: %d %s", code, b)
	}
	for range 400 { // the stack's worker runs the job every second
		if code, b = do(t, "GET", s.URL+started.Poll, token, ""); strings.Contains(string(b), `"status":"done"`) {
			break
		}
		if err := s.Settle(context.Background()); err != nil {
			t.Fatal(err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if code != 200 || !strings.Contains(string(b), `"status":"done"`) || !strings.Contains(string(b), `"total":2`) {
		t.Fatalf("rescore job: %d %s", code, b)
	}
	after := one(s)
	want := behaviour(s, after)
	if want <= before.Behaviour {
		t.Fatalf("the new rules gave no more points: %v, was %v", want, before.Behaviour)
	}
	if after.Behaviour != want || after.Score != after.Behaviour+after.Fit {
		t.Fatalf("after the rescore the account says behaviour %v (score %v), its people %v", after.Behaviour, after.Score, want)
	}
	for _, m := range after.Members {
		if m.LastActive.After(before.LastActive) {
			t.Errorf("a rescore is no activity: %s last active %v, account was %v", m.Email, m.LastActive, before.LastActive)
		}
	}
}
