package stack_test

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/maxmind/mmdbwriter"
	"github.com/maxmind/mmdbwriter/mmdbtype"

	"github.com/baton-hq/baton/infra/local/stack"
	"github.com/baton-hq/baton/internal/account"
	"github.com/baton-hq/baton/internal/stdwebhook"
)

// hookRecorder is a webhook receiver that checks each message's signature
// (refusing a bad one, 401, as a receiver must) and keeps them by type.
type hookRecorder struct {
	secret string
	mu     sync.Mutex
	got    map[string][]json.RawMessage // type -> data
	ids    map[string]int               // webhook-id -> deliveries
	status int                          // when set, what it answers instead of keeping a message (a receiver down, or refusing)
}

func newHookRecorder(t *testing.T, secret string) (*hookRecorder, *httptest.Server) {
	h := &hookRecorder{secret: secret, got: map[string][]json.RawMessage{}, ids: map[string]int{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := stdwebhook.Verify(secret, r.Header, body, sentAt(r), time.Minute); err != nil {
			t.Errorf("webhook signature: %v", err)
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		var m struct {
			Type string          `json:"type"`
			Data json.RawMessage `json:"data"`
		}
		if err := json.Unmarshal(body, &m); err != nil {
			t.Errorf("webhook body: %v", err)
		}
		h.mu.Lock()
		if h.status != 0 {
			h.mu.Unlock()
			w.WriteHeader(h.status)
			return
		}
		h.got[m.Type] = append(h.got[m.Type], m.Data)
		h.ids[r.Header.Get("webhook-id")]++
		h.mu.Unlock()
	}))
	t.Cleanup(srv.Close)
	return h, srv
}

func (h *hookRecorder) count(typ string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.got[typ])
}

// sentAt is the time the webhook says it was sent (the stack's clock is
// not the test's to read): the signature check is what matters here.
func sentAt(r *http.Request) time.Time {
	n, _ := strconv.ParseInt(r.Header.Get("webhook-timestamp"), 10, 64)
	return time.Unix(n, 0)
}

// TestAccountsAndMQA: two people of one corporate domain, one of them
// writing the company name differently (全角, ㈱), are one account with its
// score and buying group; a third person at free mail stays out. Without
// a decision maker the account is no MQA; once a 部長 of the company
// qualifies, the MQA (rules file: two people active within 14 days, a
// decision maker among them) reaches the webhook once, with the people and
// why, and more activity raises nothing more in the window.
func TestAccountsAndMQA(t *testing.T) {
	const secret = "whsec_c2VjcmV0LWZvci1hY2NvdW50cy10ZXN0"
	hook, srv := newHookRecorder(t, secret)
	s := stack.ForTest(t, map[string]string{"BATON_WEBHOOK_URL": srv.URL, "BATON_WEBHOOK_SECRET": secret})
	const tok = "test-admin-token-0123456789"
	form := func(vid, email, company, title string) {
		t.Helper()
		body := `{"type":"form_submit","messageId":"` + vid + `-f","anonymousId":"` + vid + `","properties":{"url":"https://www.example.com/contact","form":{"id":"contact"},"fields":{"email":"` + email + `","company":"` + company + `","title":"` + title + `"}}}`
		resp, err := http.Post(s.URL+"/e", "text/plain", strings.NewReader(body))
		if err != nil || resp.StatusCode != 204 {
			t.Fatalf("form: %v %v", err, resp)
		}
		settle(t, s)
	}
	form("v-acct-1", "ichiro@kaisha-acme.example", "株式会社アクメ", "開発担当")
	form("v-acct-2", "jiro@kaisha-acme.example", "㈱ＡＣＭＥ", "エンジニア")
	form("v-acct-3", "saburo@gmail.com", "", "Engineer")

	list := func(sort string) []account.Account {
		t.Helper()
		code, body := do(t, "GET", s.URL+"/admin/accounts?sort="+sort, tok, "")
		if code != 200 {
			t.Fatalf("GET /admin/accounts: %d %s", code, body)
		}
		var out struct{ Accounts []account.Account }
		if err := json.Unmarshal(body, &out); err != nil {
			t.Fatal(err)
		}
		return out.Accounts
	}
	as := list("score")
	if len(as) != 1 {
		t.Fatalf("want one account (the free-mail person in none), got %+v", as)
	}
	a := as[0]
	if a.Visits.Count != 0 { // no ASN database: attribution is off
		t.Fatalf("visits without an ASN database: %+v", a.Visits)
	}
	if len(a.Members) != 2 || a.Roles[account.Practitioner] != 2 || a.Roles[account.DecisionMaker] != 0 {
		t.Fatalf("account: %+v", a)
	}
	if a.Score <= 0 || a.Score != a.Behaviour+a.Fit || a.Behaviour != a.Members[0].Behaviour+a.Members[1].Behaviour {
		t.Fatalf("account score %v = behaviour %v + fit %v; members %+v", a.Score, a.Behaviour, a.Fit, a.Members)
	}
	deliver(t, s, func() bool { return hook.count("mql.created") == 0 })
	if n := hook.count("mqa.created"); n != 0 {
		t.Fatalf("no decision maker yet, but %d MQAs", n)
	}

	// A decision maker of the same company qualifies: the MQA goes out.
	pid := qualifyOne(t, s, "v-acct-4", "shiro@kaisha-acme.example")
	deliver(t, s, func() bool { return hook.count("mqa.created") == 1 })
	code, body := do(t, "GET", s.URL+"/admin/accounts/"+a.ID, tok, "")
	if code != 200 {
		t.Fatalf("GET account: %d %s", code, body)
	}
	var view struct {
		account.Account
		MQAList []account.MQA `json:"mqaList"`
	}
	if err := json.Unmarshal(body, &view); err != nil {
		t.Fatal(err)
	}
	if len(view.Members) != 3 || view.Roles[account.DecisionMaker] != 1 || len(view.MQAList) != 1 {
		t.Fatalf("account after the 部長: %+v", view)
	}
	var sent account.MQA
	hook.mu.Lock()
	_ = json.Unmarshal(hook.got["mqa.created"][0], &sent)
	hook.mu.Unlock()
	if sent.ID != view.MQAList[0].ID || sent.Account != a.ID || len(sent.People) != 3 || len(sent.Reasons) == 0 || sent.Domain() != "kaisha-acme.example" {
		t.Fatalf("MQA sent: %+v", sent)
	}
	found := false
	for _, p := range sent.People {
		found = found || (p.Person == pid && p.Role == account.DecisionMaker)
	}
	if !found {
		t.Fatalf("the decision maker is not among the MQA's people: %+v", sent.People)
	}

	// More activity of the account in the same window: no second MQA.
	form("v-acct-5", "goro@kaisha-acme.example", "アクメ", "課長")
	deliver(t, s, func() bool { return true })
	for range 5 {
		if _, err := s.App.Pusher.RunOnce(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	if n := hook.count("mqa.created"); n != 1 {
		t.Fatalf("MQA delivered %d times", n)
	}
	hook.mu.Lock()
	for id, n := range hook.ids {
		if n != 1 {
			t.Errorf("webhook-id %s delivered %d times", id, n)
		}
	}
	hook.mu.Unlock()
	if as := list("activity"); len(as) != 1 || len(as[0].Members) != 4 || as[0].Roles[account.Manager] != 1 {
		t.Fatalf("after the 課長: %+v", as)
	}
}

// asnDB writes a GeoLite2-ASN database (MaxMind's format) naming the
// organisation of each network.
func asnDB(t *testing.T, orgs map[string]string) string {
	t.Helper()
	tree, err := mmdbwriter.New(mmdbwriter.Options{DatabaseType: "GeoLite2-ASN", RecordSize: 28, IncludeReservedNetworks: true})
	if err != nil {
		t.Fatal(err)
	}
	asn := uint32(64500)
	for cidr, org := range orgs {
		_, n, err := net.ParseCIDR(cidr)
		if err != nil {
			t.Fatal(err)
		}
		asn++
		if err := tree.Insert(n, mmdbtype.Map{"autonomous_system_number": mmdbtype.Uint32(asn), "autonomous_system_organization": mmdbtype.String(org)}); err != nil {
			t.Fatal(err)
		}
	}
	p := filepath.Join(t.TempDir(), "GeoLite2-ASN.mmdb")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := tree.WriteTo(f); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestAnonymousVisitsByNetwork: with an ASN database, visits of unknown
// browsers from a network whose organisation is a known account's company
// count as that account's anonymous visits (a browser's pages in one
// sitting one visit), a repeated event once; a network naming no account
// (an access provider) founds none.
func TestAnonymousVisitsByNetwork(t *testing.T) {
	db := asnDB(t, map[string]string{"203.0.113.0/24": "ACME Corporation", "198.51.100.0/24": "Example Broadband K.K."})
	s := stack.ForTest(t, map[string]string{"BATON_GEOIP_ASN_DB": db, "BATON_TRUST_PROXY": "1"})
	const tok = "test-admin-token-0123456789"
	send := func(ip, body string) {
		t.Helper()
		req, _ := http.NewRequest("POST", s.URL+"/e", strings.NewReader(body))
		req.Header.Set("Content-Type", "text/plain")
		req.Header.Set("X-Forwarded-For", ip)
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != 204 {
			t.Fatalf("event: %v %v", err, resp)
		}
		settle(t, s)
	}
	send("192.0.2.10", `{"type":"form_submit","messageId":"asn-f","anonymousId":"v-asn-known","properties":{"url":"https://www.example.com/contact","form":{"id":"contact"},"fields":{"email":"buyer@acme-corp.example","company":"Acme Inc.","title":"部長"}}}`)
	view := `{"type":"page_view","messageId":"asn-1","anonymousId":"v-asn-anon","properties":{"url":"https://www.example.com/pricing"}}`
	send("203.0.113.7", view)
	send("203.0.113.7", view) // the same event again: stored once, counted once
	// The same browser's next page: the same visit (each page counted
	// as a visit before).
	send("203.0.113.7", `{"type":"page_view","messageId":"asn-1b","anonymousId":"v-asn-anon","properties":{"url":"https://www.example.com/pricing/enterprise"}}`)
	send("203.0.113.8", `{"type":"page_view","messageId":"asn-2","anonymousId":"v-asn-anon2","properties":{"url":"https://www.example.com/docs"}}`)
	send("198.51.100.5", `{"type":"page_view","messageId":"asn-3","anonymousId":"v-asn-isp","properties":{"url":"https://www.example.com/"}}`)
	code, body := do(t, "GET", s.URL+"/admin/accounts", tok, "")
	var out struct{ Accounts []account.Account }
	if code != 200 || json.Unmarshal(body, &out) != nil {
		t.Fatalf("%d %s", code, body)
	}
	if len(out.Accounts) != 1 || out.Accounts[0].Visits.Count != 2 || out.Accounts[0].Name != "Acme Inc." || out.Accounts[0].Visits.Last.IsZero() {
		t.Fatalf("accounts: %s", body)
	}
	if strings.Contains(string(body), "v-asn-anon") {
		t.Errorf("the account names an anonymous browser: %s", body)
	}
}

// TestAccountMergeAndSplit: an operator joins two accounts of one company
// (people found by either's keys land in the merged one afterwards) and
// moves a person out into an account of their own, where their later
// activity keeps them; every bad request is a JSON 4xx saying why.
func TestAccountMergeAndSplit(t *testing.T) {
	s := stack.ForTest(t, nil)
	const tok = "test-admin-token-0123456789"
	form := func(vid, email, company, title string) {
		t.Helper()
		body := `{"type":"form_submit","messageId":"` + vid + `-f","anonymousId":"` + vid + `","properties":{"url":"https://www.example.com/contact","form":{"id":"contact"},"fields":{"email":"` + email + `","company":"` + company + `","title":"` + title + `"}}}`
		resp, err := http.Post(s.URL+"/e", "text/plain", strings.NewReader(body))
		if err != nil || resp.StatusCode != 204 {
			t.Fatalf("form: %v %v", err, resp)
		}
		settle(t, s)
	}
	list := func() []account.Account {
		t.Helper()
		code, body := do(t, "GET", s.URL+"/admin/accounts", tok, "")
		var out struct{ Accounts []account.Account }
		if code != 200 || json.Unmarshal(body, &out) != nil {
			t.Fatalf("%d %s", code, body)
		}
		return out.Accounts
	}
	form("v-m-1", "a@alpha.example", "Alpha", "部長")
	form("v-m-2", "b@alpha-group.example", "Alpha Holdings", "課長")
	as := list()
	if len(as) != 2 {
		t.Fatalf("two domains, two names: %+v", as)
	}
	into, from := as[0].ID, as[1].ID
	for _, c := range []struct {
		method, path, body string
		code               int
		want               string
	}{
		{"POST", "/admin/accounts/" + into + "/merge", `{"from":"` + into + `"}`, 409, "itself"},
		{"POST", "/admin/accounts/nope/merge", `{"from":"` + from + `"}`, 400, "account id"},
		{"POST", "/admin/accounts/" + into + "/merge", `{"from":"nope"}`, 400, "from"},
		{"POST", "/admin/accounts/" + into + "/merge", `{"form":"` + from + `"}`, 400, "unknown field"},
		{"POST", "/admin/accounts/" + into + "/merge", `{"from":"a0000000000000000"}`, 404, "no such account"},
		{"POST", "/admin/accounts/" + into + "/split", `{"people":[]}`, 400, "people"},
		{"POST", "/admin/accounts/" + into + "/split", `{"people":["p_nobody"]}`, 400, "p_nobody is not in account"},
		{"GET", "/admin/accounts?sort=name", "", 400, "sort"},
		{"GET", "/admin/accounts?limit=0", "", 400, "limit"},
		{"GET", "/admin/accounts/a0000000000000000", "", 404, "no such account"},
	} {
		code, body := do(t, c.method, s.URL+c.path, tok, c.body)
		var e struct{ Error string }
		if code != c.code || json.Unmarshal(body, &e) != nil || !strings.Contains(e.Error, c.want) {
			t.Errorf("%s %s %s: %d %s, want %d saying %q", c.method, c.path, c.body, code, body, c.code, c.want)
		}
	}
	if code, _ := do(t, "POST", s.URL+"/admin/accounts/"+into+"/merge", "", `{"from":"`+from+`"}`); code != 401 {
		t.Fatalf("merge without a token: %d", code)
	}
	if code, body := do(t, "POST", s.URL+"/admin/accounts/"+into+"/merge", tok, `{"from":"`+from+`"}`); code != 200 {
		t.Fatalf("merge: %d %s", code, body)
	}
	form("v-m-3", "c@alpha-group.example", "", "担当") // found by the merged account's domain
	as = list()
	if len(as) != 1 || as[0].ID != into || len(as[0].Members) != 3 || as[0].Roles[account.DecisionMaker] != 1 || as[0].Roles[account.Manager] != 1 {
		t.Fatalf("after the merge: %+v", as)
	}
	c, err := s.App.People.ByEmail(t.Context(), "c@alpha-group.example")
	if err != nil {
		t.Fatal(err)
	}
	code, body := do(t, "POST", s.URL+"/admin/accounts/"+into+"/split", tok, `{"people":["`+c.ID+`"],"name":"Alpha Group Japan"}`)
	var split account.Account
	if code != 200 || json.Unmarshal(body, &split) != nil || split.Name != "Alpha Group Japan" || len(split.Members) != 1 {
		t.Fatalf("split: %d %s", code, body)
	}
	// Their next visit: still where the operator put them.
	resp, err := http.Post(s.URL+"/e", "text/plain", strings.NewReader(`{"type":"page_view","messageId":"v-m-3-p","anonymousId":"v-m-3","properties":{"url":"https://www.example.com/pricing"}}`))
	if err != nil || resp.StatusCode != 204 {
		t.Fatalf("page view: %v %v", err, resp)
	}
	settle(t, s)
	as = list()
	if len(as) != 2 {
		t.Fatalf("after the split: %+v", as)
	}
	for _, a := range as {
		want := 2
		if a.ID == split.ID {
			want = 1
		}
		if len(a.Members) != want {
			t.Fatalf("account %s (%s): %d members, want %d", a.ID, a.Name, len(a.Members), want)
		}
	}
}

// TestAccountFollowsSalesOutcome: sales' verdict moves a member's stage
// without an event; the account shows it once the feed has carried the
// stage change (it showed the MQL stage until the person's next event).
func TestAccountFollowsSalesOutcome(t *testing.T) {
	s := stack.ForTest(t, nil)
	ctx := context.Background()
	p := qualifyOne(t, s, "acct-out-1", "buyer@maker-out.example")
	stage := func() string {
		t.Helper()
		if err := s.Settle(ctx); err != nil {
			t.Fatal(err)
		}
		as, err := s.App.Accounts.List(ctx, account.ByActivity, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range as {
			for _, m := range a.Members {
				if m.Person == p {
					return m.Stage
				}
			}
		}
		t.Fatalf("%s is in no account: %+v", p, as)
		return ""
	}
	if got := stage(); got != "mql" {
		t.Fatalf("member stage %q, want mql", got)
	}
	for _, c := range []struct{ outcome, want string }{{"accepted", "sal"}, {"won", "customer"}} {
		if _, err := s.App.Qualifier.Outcome(ctx, p, c.outcome, "acct-out-"+c.outcome, "sales@maker-out.example", time.Time{}); err != nil {
			t.Fatal(err)
		}
		if got := stage(); got != c.want {
			t.Fatalf("after %s: member stage %q, want %s", c.outcome, got, c.want)
		}
	}
}

// TestBranchesJoinTheCompany: people who write their branch, department or
// store into the company name, with or without a space (株式会社バトン東京支店,
// バトン株式会社大阪営業所, 株式会社バトン営業部, 株式会社バトン新宿三丁目店,
// Baton Tokyo Branch ...), are the company's account, found by its name key
// alone (free mail) or by their corporate domain, which founded it; the
// regional 本社 companies of one group (読売新聞東京本社, 大阪本社) are one
// account, the group's holding company another; companies whose names
// merely end in such words (大阪ガス, 本田技術研究所, センター株式会社,
// 大丸松坂屋百貨店, Branch Capital) keep their own accounts under their whole
// names.
func TestBranchesJoinTheCompany(t *testing.T) {
	s := stack.ForTest(t, nil)
	const tok = "test-admin-token-0123456789"
	people := map[string]string{ // email -> company
		"b1@gmail.com":      "株式会社バトン",
		"b2@yahoo.co.jp":    "株式会社バトン東京支店",
		"b3@outlook.jp":     "バトン株式会社大阪営業所",
		"b4@icloud.com":     "(株)バトン　営業本部",
		"b5@gmail.com":      "株式会社バトン営業部",
		"b6@docomo.ne.jp":   "株式会社バトン東京本社",
		"b7@baton.example":  "㈱ﾊﾞﾄﾝ東日本支社",
		"o1@gmail.com":      "大阪ガス株式会社",
		"h1@gmail.com":      "株式会社本田技術研究所",
		"c1@gmail.com":      "センター株式会社",
		"c2@yahoo.co.jp":    "株式会社東京支店",
		"c3@ezweb.ne.jp":    "中部電力",
		"c4@softbank.ne.jp": "株式会社 東京海上日動火災保険",
		// a store, English branches and offices, regional 本社 companies
		"b8@gmail.com":   "株式会社バトン新宿三丁目店",
		"e1@gmail.com":   "Baton, Inc.",
		"e2@yahoo.co.jp": "Baton Tokyo Branch",
		"e3@outlook.jp":  "Baton, Inc. Osaka Office",
		"y1@gmail.com":   "株式会社読売新聞東京本社",
		"y2@yahoo.co.jp": "株式会社読売新聞大阪本社",
		"y3@outlook.jp":  "株式会社読売新聞グループ本社",
		"d1@gmail.com":   "株式会社大丸松坂屋百貨店",
		"f1@gmail.com":   "株式会社ファミリーマート",
		"x1@gmail.com":   "Branch Capital Inc.",
	}
	i := 0
	send := func(email, company string) {
		i++
		vid := "v-branch-" + strconv.Itoa(i)
		body := `{"type":"form_submit","messageId":"` + vid + `-f","anonymousId":"` + vid + `","properties":{"url":"https://www.example.com/contact","form":{"id":"contact"},"fields":{"email":"` + email + `","company":"` + company + `","title":"担当"}}}`
		resp, err := http.Post(s.URL+"/e", "text/plain", strings.NewReader(body))
		if err != nil || resp.StatusCode != 204 {
			t.Fatalf("form: %v %v", err, resp)
		}
	}
	// The corporate domain first: it founds the company's account. After
	// free mail founded it by the name alone, a domain giving the name
	// founds its own (docs/accounts.md: an account of names alone takes no
	// domain by its name).
	send("b7@baton.example", people["b7@baton.example"])
	settle(t, s)
	for email, company := range people {
		if email != "b7@baton.example" {
			send(email, company)
		}
	}
	settle(t, s)
	code, body := do(t, "GET", s.URL+"/admin/accounts", tok, "")
	var out struct{ Accounts []account.Account }
	if code != 200 || json.Unmarshal(body, &out) != nil {
		t.Fatalf("%d %s", code, body)
	}
	var summary []string // each account's keys, for the messages
	byKey := map[string]account.Account{}
	for _, a := range out.Accounts {
		summary = append(summary, strings.Join(a.Keys, "+"))
		for _, k := range a.Keys {
			if _, dup := byKey[k]; dup {
				t.Errorf("key %s in two accounts", k)
			}
			byKey[k] = a
		}
	}
	// Each company's people by the name key it should be found under.
	want := map[string][]string{
		"n:バトン":           {"b1@gmail.com", "b2@yahoo.co.jp", "b3@outlook.jp", "b4@icloud.com", "b5@gmail.com", "b6@docomo.ne.jp", "b7@baton.example", "b8@gmail.com"},
		"n:大阪ガス":          {"o1@gmail.com"},
		"n:本田技術研究所":       {"h1@gmail.com"},
		"n:センター":          {"c1@gmail.com"},
		"n:東京支店":          {"c2@yahoo.co.jp"},
		"n:中部電力":          {"c3@ezweb.ne.jp"},
		"n:東京海上日動火災保険":    {"c4@softbank.ne.jp"},
		"n:baton":         {"e1@gmail.com", "e2@yahoo.co.jp", "e3@outlook.jp"},
		"n:読売新聞":          {"y1@gmail.com", "y2@yahoo.co.jp"},
		"n:読売新聞グループ本社":    {"y3@outlook.jp"},
		"n:大丸松坂屋百貨店":      {"d1@gmail.com"},
		"n:ファミリーマート":      {"f1@gmail.com"},
		"n:branchcapital": {"x1@gmail.com"},
	}
	if len(out.Accounts) != len(want) {
		t.Errorf("%d accounts, want %d: %v", len(out.Accounts), len(want), summary)
	}
	for key, emails := range want {
		a, ok := byKey[key]
		if !ok {
			t.Errorf("no account has %s: %v", key, summary)
			continue
		}
		var got []string
		for _, m := range a.Members {
			got = append(got, m.Email)
		}
		slices.Sort(got)
		slices.Sort(emails)
		if !slices.Equal(got, emails) {
			t.Errorf("%s: members %v, want %v", key, got, emails)
		}
	}
	// The branch person at a corporate domain founded the company's account.
	if byKey["d:baton.example"].ID != byKey["n:バトン"].ID {
		t.Errorf("d:baton.example is not the company's: %v", summary)
	}
}
