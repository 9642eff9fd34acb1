package stack_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/infra/local/stack"
	"github.com/baton-hq/baton/internal/account"
	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/visitor"
)

// TestAccountShowsMembersCurrentScore: a member who scores more on the same
// day (a whitepaper after a newsletter form: no new day, band or grade, so
// the account item keeps their earlier points to spare write units) is shown
// on the account's JSON and page with the score their own record holds, as
// their own explanation shows it: a sales user looking at the account saw 5
// for a person whose page said 20.
func TestAccountShowsMembersCurrentScore(t *testing.T) {
	clk := clock.NewManual(time.Date(2026, 11, 16, 10, 0, 0, 0, time.UTC))
	s := stack.ForTestClock(t, nil, clk.Now)
	send := func(body string) {
		t.Helper()
		resp, err := http.Post(s.URL+"/e", "text/plain", strings.NewReader(body))
		if err != nil || resp.StatusCode != 204 {
			t.Fatalf("event: %v %v", err, resp)
		}
		resp.Body.Close()
		settle(t, s)
		clk.Advance(time.Minute)
	}
	send(`{"type":"form_submit","messageId":"live-f","anonymousId":"v-live-1","properties":{"url":"https://www.example.com/newsletter","form":{"id":"newsletter"},"fields":{"email":"kenta@live-kaisha.example","company":"ライブ株式会社","title":"エンジニア"}}}`)
	send(`{"type":"form_submit","messageId":"live-g","anonymousId":"v-live-2","properties":{"url":"https://www.example.com/newsletter","form":{"id":"newsletter"},"fields":{"email":"yui@live-kaisha.example","company":"ライブ株式会社","title":"エンジニア"}}}`)
	get := func(path string, v any) {
		t.Helper()
		code, b := do(t, "GET", s.URL+path, token, "")
		if code != 200 || json.Unmarshal(b, v) != nil {
			t.Fatalf("GET %s: %d %s", path, code, b)
		}
	}
	var listed struct{ Accounts []account.Account }
	get("/admin/accounts", &listed)
	if len(listed.Accounts) != 1 || len(listed.Accounts[0].Members) != 2 {
		t.Fatalf("the world this test needs: %+v", listed)
	}
	id := listed.Accounts[0].ID
	var kenta string
	for _, m := range listed.Accounts[0].Members {
		if strings.HasPrefix(m.Email, "kenta@") {
			kenta = m.Person
		}
	}
	// Later the same day Kenta downloads a whitepaper: 15 more points.
	send(`{"type":"download","messageId":"live-d","anonymousId":"v-live-1","properties":{"url":"https://www.example.com/files/whitepaper.pdf"}}`)
	var own struct{ Behaviour float64 }
	get("/admin/people/"+kenta+"/explain", &own)
	if own.Behaviour != 20 {
		t.Fatalf("the world this test needs: Kenta's own score %v, want 20", own.Behaviour)
	}
	var view struct {
		account.Account
		MemberCount int `json:"memberCount"`
	}
	get("/admin/accounts/"+id, &view)
	var shown float64 = -1
	sum := 0.0
	for _, m := range view.Members {
		if m.Person == kenta {
			shown = m.Behaviour
		}
		sum += m.Behaviour
	}
	if shown != own.Behaviour || view.Behaviour != sum || view.Score != view.Behaviour+view.Fit || view.MemberCount != 2 {
		t.Fatalf("the account shows Kenta at %v (his own record: %v), behaviour %v (members' sum %v), score %v, %d members counted",
			shown, own.Behaviour, view.Behaviour, sum, view.Score, view.MemberCount)
	}
	// Past the last page: no one; a page that is no number: a clear 400.
	get("/admin/accounts/"+id+"?page=1", &view)
	if len(view.Members) != 0 || view.MemberCount != 2 {
		t.Fatalf("page 1 of 2 members: %+v", view)
	}
	if code, b := do(t, "GET", s.URL+"/admin/accounts/"+id+"?page=x", token, ""); code != 400 || !strings.Contains(string(b), "page must be a whole number") {
		t.Fatalf("?page=x: %d %s", code, b)
	}
	code, html := page(t, s, "/admin/accounts/"+id, token)
	row := string(html)
	if i := strings.Index(row, "kenta@live-kaisha.example"); i >= 0 {
		row = row[i:]
		row = row[:strings.Index(row, "</tr>")]
	}
	if code != 200 || !strings.Contains(row, `class="n">20</td>`) {
		t.Fatalf("the account's page does not show Kenta's 20: %d\n%s", code, row)
	}
}

// TestAccountSaysItsKeysAreFull: past account.MaxNameKeys company names
// at one domain, the account keeps no more names as grouping keys, and its
// JSON (keysFull) and page say since when and what to do.
func TestAccountSaysItsKeysAreFull(t *testing.T) {
	clk := clock.NewManual(time.Date(2026, 11, 16, 10, 0, 0, 0, time.UTC))
	s := stack.ForTestClock(t, nil, clk.Now)
	for i := range account.MaxNameKeys + 2 {
		body := fmt.Sprintf(`{"type":"form_submit","messageId":"full-%d","anonymousId":"v-full-%d","properties":{"url":"https://www.example.com/newsletter","form":{"id":"newsletter"},"fields":{"email":"p%d@full-kaisha.example","company":"Acme %d Inc."}}}`, i, i, i, i)
		resp, err := http.Post(s.URL+"/e", "text/plain", strings.NewReader(body))
		if err != nil || resp.StatusCode != 204 {
			t.Fatalf("event: %v %v", err, resp)
		}
		resp.Body.Close()
		clk.Advance(time.Minute)
	}
	settle(t, s)
	code, b := do(t, "GET", s.URL+"/admin/accounts", token, "")
	var listed struct{ Accounts []account.Account }
	if code != 200 || json.Unmarshal(b, &listed) != nil || len(listed.Accounts) != 1 {
		t.Fatalf("accounts: %d %s", code, b)
	}
	a := listed.Accounts[0]
	if len(a.Members) != account.MaxNameKeys+2 || len(a.Keys) != account.MaxNameKeys+1 || a.KeysFull.IsZero() {
		t.Fatalf("%d members, %d keys, full since %v", len(a.Members), len(a.Keys), a.KeysFull)
	}
	code, html := page(t, s, "/admin/accounts/"+a.ID, token)
	if code != 200 || !strings.Contains(string(html), "this account has as many grouping keys as it keeps (20 company names, 50 domains)") {
		t.Fatalf("the account's page does not say its keys are full: %d\n%.3000s", code, html)
	}
}

// TestAccountListAgreesWithItsPage: a member's page views of the day they
// signed up earn points the account item holds back (sameStanding: it is
// not rewritten for them, to spare write units). The list showed the
// account at the item's score while the account's page, reading its
// members' records, showed the new one: 5 in the list, 17 on the page. The
// list, as JSON and as the workspace's page, shows the account's score,
// behaviour and last activity as its page does.
func TestAccountListAgreesWithItsPage(t *testing.T) {
	clk := clock.NewManual(time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC))
	s := stack.ForTestClock(t, map[string]string{"BATON_TRUST_PROXY": "1"}, clk.Now)
	n := 0
	collect := func(typ, props string) {
		t.Helper()
		n++
		body := fmt.Sprintf(`{"type":%q,"messageId":"live-%d","properties":%s}`, typ, n, props)
		req, _ := http.NewRequest("POST", s.URL+"/e", strings.NewReader(body))
		req.Header.Set("Content-Type", "text/plain")
		req.Header.Set("User-Agent", chromeUA) // a person's browser: Go's client is a bot, its views score nothing
		req.Header.Set("X-Forwarded-For", "198.51.100.7")
		req.AddCookie(&http.Cookie{Name: visitor.CookieName, Value: "live-browser-1"})
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != 204 {
			t.Fatalf("POST /e: %v %v", err, resp)
		}
		resp.Body.Close()
		clk.Advance(time.Minute)
		settle(t, s)
	}
	collect("form_submit", `{"url":"https://www.example.com/newsletter","form":{"id":"newsletter"},"fields":{"email":"reader@maker.example","name":"田中 一郎","company":"メーカー株式会社","title":"エンジニア"}}`)
	collect("page_view", `{"url":"https://www.example.com/pricing"}`)
	collect("page_view", `{"url":"https://www.example.com/pricing/enterprise"}`)

	code, b := admin_(t, s, "/admin/accounts", token)
	var list struct{ Accounts []account.Account }
	if code != 200 || json.Unmarshal(b, &list) != nil || len(list.Accounts) != 1 {
		t.Fatalf("accounts: %d %s", code, b)
	}
	listed := list.Accounts[0]
	stored, err := s.App.Accounts.Get(context.Background(), listed.ID)
	if err != nil {
		t.Fatal(err)
	}
	code, b = admin_(t, s, "/admin/accounts/"+listed.ID, token)
	var shown account.Account
	if code != 200 || json.Unmarshal(b, &shown) != nil {
		t.Fatalf("account: %d %s", code, b)
	}
	if stored.Score >= shown.Score {
		t.Fatalf("the world this test needs: the account item holds back the day's points (item %v, page %v)", stored.Score, shown.Score)
	}
	if listed.Score != shown.Score || listed.Behaviour != shown.Behaviour || !listed.LastActive.Equal(shown.LastActive) {
		t.Errorf("the list shows score %v (behaviour %v, last active %s), the account's page %v (%v, %s); the item holds %v",
			listed.Score, listed.Behaviour, listed.LastActive, shown.Score, shown.Behaviour, shown.LastActive, stored.Score)
	}

	// The workspace's pages: the list's row and the account's page.
	code, html := page(t, s, "/admin/accounts", token)
	row := regexp.MustCompile(`(?s)<td data-l="Score" class="n"><b>([^<]*)</b>`).FindSubmatch(html)
	if code != 200 || row == nil {
		t.Fatalf("accounts page: %d\n%s", code, html)
	}
	code, html = page(t, s, "/admin/accounts/"+listed.ID, token)
	head := regexp.MustCompile(`Account score<b>([^<]*)</b>`).FindSubmatch(html)
	if code != 200 || head == nil {
		t.Fatalf("account page: %d\n%s", code, html)
	}
	if string(row[1]) != string(head[1]) {
		t.Errorf("the accounts page shows %s, the account's page %s", row[1], head[1])
	}
}
