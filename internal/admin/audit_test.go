package admin_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/admin"
	"github.com/baton-hq/baton/internal/audit"
	"github.com/baton-hq/baton/internal/httpx"
	"github.com/baton-hq/baton/internal/links"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/tablecount"
)

func (f *fixture) auditPage(query string) admin.AuditPage {
	f.t.Helper()
	a := f.req("GET", "/admin/audit"+query, "", "Authorization", "Bearer "+readToken)
	var p admin.AuditPage
	if a.code != 200 || json.Unmarshal([]byte(a.body), &p) != nil {
		f.t.Fatalf("GET /admin/audit%s: %d %s", query, a.code, a.body)
	}
	return p
}

// Every state-changing request is recorded once its caller is known, with
// how it was authenticated and the answer, refusals included (with why),
// and so are sign-in and sign-out; a refused token or sign-in is recorded
// as a refusal with the client's network and no name; reads are not.
func TestAuditRecordsWhoDidWhat(t *testing.T) {
	f := newFixture(t)
	cookie, csrf := f.login(fullToken)
	steps := []struct {
		a    answer
		want int
	}{
		{f.req("POST", "/admin/links", linkJSON, "Cookie", cookie, "Content-Type", "application/json", "X-CSRF-Token", csrf), 201},
		{f.req("POST", "/admin/links", linkJSON, "Cookie", cookie, "Content-Type", "application/json"), 403},                     // no CSRF token
		{f.req("POST", "/admin/links", linkJSON, "Authorization", "Bearer "+readToken, "Content-Type", "application/json"), 403}, // no write scope
		{f.req("POST", "/admin/links", linkJSON, "Authorization", "Bearer "+fullToken, "Content-Type", "text/plain"), 415},
		{f.req("POST", "/admin/links", linkJSON, "Authorization", "Bearer wrong-token", "Content-Type", "application/json"), 401},                // a refusal
		{f.req("GET", "/admin/campaigns/nov-news", "", "Authorization", "Bearer "+fullToken), 200},                                               // a read: not recorded
		{f.req("POST", "/admin/login", url.Values{"token": {"wrong-token"}}.Encode(), "Content-Type", "application/x-www-form-urlencoded"), 401}, // a refusal
	}
	for i, s := range steps {
		if s.a.code != s.want {
			t.Fatalf("step %d: %d %s", i, s.a.code, s.a.body)
		}
	}
	if a := f.req("POST", "/admin/logout", url.Values{"csrf": {csrf}}.Encode(), "Cookie", cookie, "Content-Type", "application/x-www-form-urlencoded"); a.code != 303 {
		t.Fatalf("logout: %d %s", a.code, a.body)
	}
	p := f.auditPage("")
	type row struct {
		who, via, route string
		status          int
		reason          string
	}
	// Requests of known callers in the order made; refusals sorted by
	// their minute's start, so among same-minute entries in any order.
	var got, refused []row
	for _, e := range p.Entries {
		if e.Count > 0 {
			refused = append(refused, row{e.Who, e.Via, e.Route, e.Status, e.Reason})
			if e.Addr != "127.0.0.0" || e.Count != 1 || e.Method != "POST" || !e.At.Equal(f.clk.Now()) {
				t.Errorf("refusal %+v", e)
			}
			continue
		}
		got = append(got, row{e.Who, e.Via, e.Route, e.Status, e.Reason})
		// The links registered name their campaign (the body's): the
		// trail said which campaign changed. Refused before the handler
		// read the body, the others name none.
		wantID := ""
		if e.Route == "POST /admin/links" && e.Status == 201 {
			wantID = "nov-news"
		}
		if e.Method != "POST" || !e.At.Equal(f.clk.Now()) || e.ID != wantID || e.Addr != "" {
			t.Errorf("entry %+v", e)
		}
	}
	want := []row{
		{"BATON_ADMIN_TOKEN", "session", "POST /admin/logout", 303, ""},
		{"BATON_ADMIN_TOKEN", "token", "POST /admin/links", 415, ""},
		{"analyst", "token", "POST /admin/links", 403, "missing scope"},
		{"BATON_ADMIN_TOKEN", "session", "POST /admin/links", 403, "missing CSRF token"},
		{"BATON_ADMIN_TOKEN", "session", "POST /admin/links", 201, ""},
		{"BATON_ADMIN_TOKEN", "session", "POST /admin/login", 303, ""},
	}
	if len(got) != len(want) || p.Next != "" {
		t.Fatalf("entries %+v, next %q", got, p.Next)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("entry %d: %+v, want %+v", i, got[i], want[i])
		}
	}
	wantRefused := map[row]bool{
		{"", "token", "POST /admin/links", 401, "unknown token"}:   true,
		{"", "session", "POST /admin/login", 401, "unknown token"}: true,
	}
	if len(refused) != 2 || !wantRefused[refused[0]] || !wantRefused[refused[1]] || refused[0] == refused[1] {
		t.Errorf("refusals %+v", refused)
	}
	for _, e := range p.Entries {
		if strings.Contains(e.Who+e.Route+e.Addr, "wrong-token") {
			t.Errorf("a tried token recorded: %+v", e)
		}
	}

	// Pages through a cursor; bad paging is a JSON 400 naming the field.
	first := f.auditPage("?limit=5")
	if len(first.Entries) != 5 || first.Next == "" {
		t.Fatalf("first page %+v", first)
	}
	if rest := f.auditPage("?limit=5&cursor=" + first.Next); len(rest.Entries) != 3 || rest.Entries[2].Route != "POST /admin/login" || rest.Entries[2].Count != 0 || rest.Next != "" {
		t.Fatalf("second page %+v", rest)
	}
	for _, q := range []string{"?limit=0", "?limit=501", "?limit=x", "?cursor=nope", "?cursor=" + strings.Repeat("9", 60)} {
		a := f.req("GET", "/admin/audit"+q, "", "Authorization", "Bearer "+readToken)
		if a.code != 400 || !strings.Contains(a.body, `"field"`) {
			t.Errorf("%s: %d %s", q, a.code, a.body)
		}
	}
	// A cursor net/url cannot unescape was dropped, and page one came back.
	if a := f.req("GET", "/admin/audit?limit=5&cursor=%%%", "", "Authorization", "Bearer "+readToken); a.code != 400 || !strings.Contains(a.body, "query string cannot be read") {
		t.Errorf("an unreadable cursor: %d %s", a.code, a.body)
	}
	if a := f.req("GET", "/admin/audit", ""); a.code != 401 {
		t.Errorf("anonymous list: %d", a.code)
	}
}

// failingAudit is a table whose audit writes fail (a throttled or
// unreachable store).
type failingAudit struct{ table.Table }

func (f failingAudit) Put(ctx context.Context, it table.Item, c table.Cond) error {
	if it.Kind == audit.Kind {
		return errors.New("ProvisionedThroughputExceededException")
	}
	return f.Table.Put(ctx, it, c)
}

// A store failing to record loses the entry, not the request: the answer
// stands, and the log says what was not recorded.
func TestAuditFailureDoesNotBreakTheRequest(t *testing.T) {
	f := newFixture(t)
	var logs bytes.Buffer
	h := &admin.Handler{
		Credentials: []admin.Credential{admin.FullAccess(fullToken)},
		People:      noPeople{},
		Links:       &links.Registry{T: f.tb, Now: f.clk.Now},
		Audit:       &audit.Log{T: failingAudit{f.tb}, Now: f.clk.Now},
		Log:         slog.New(slog.NewTextHandler(&logs, nil)),
	}
	mux := http.NewServeMux()
	h.Routes(mux)
	r := httptest.NewRequest("POST", "/admin/links", strings.NewReader(linkJSON))
	r.Header.Set("Authorization", "Bearer "+fullToken)
	r.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, r)
	if w.Code != 201 || !strings.Contains(w.Body.String(), `"links"`) {
		t.Fatalf("with the audit store failing: %d %s", w.Code, w.Body)
	}
	if l := logs.String(); !strings.Contains(l, "audit entry not recorded") || !strings.Contains(l, `route="POST /admin/links"`) || !strings.Contains(l, "status=201") {
		t.Fatalf("log: %s", l)
	}
	if es, _, err := h.Audit.List(context.Background(), "", 10); err != nil || len(es) != 0 {
		t.Fatalf("entries %+v %v", es, err)
	}
}

// Recording adds no read to a request: the same request reads the table
// as often with the trail as without it (each on a table of its own).
func TestAuditAddsNoRead(t *testing.T) {
	reads := func(withAudit bool) tablecount.Counts {
		f := newFixture(t)
		tc := tablecount.New(f.tb)
		h := &admin.Handler{
			Credentials: []admin.Credential{admin.FullAccess(fullToken)},
			People:      noPeople{},
			Links:       &links.Registry{T: tc, Now: f.clk.Now},
		}
		if withAudit {
			h.Audit = &audit.Log{T: tc, Now: f.clk.Now}
		}
		mux := http.NewServeMux()
		h.Routes(mux)
		for _, tok := range []string{fullToken, fullToken, "wrong-token"} {
			r := httptest.NewRequest("POST", "/admin/links", strings.NewReader(linkJSON))
			r.Header.Set("Authorization", "Bearer "+tok)
			r.Header.Set("Content-Type", "application/json")
			mux.ServeHTTP(httptest.NewRecorder(), r)
		}
		c := tc.Counts()
		// Two requests and the wrong token's refusal.
		if es, _, err := (&audit.Log{T: f.tb, Now: f.clk.Now}).List(context.Background(), "", 10); err != nil || withAudit != (len(es) == 3) {
			t.Fatalf("audit %v: entries %+v %v", withAudit, es, err)
		}
		return c
	}
	without, with := reads(false), reads(true)
	with.Writes, without.Writes = 0, 0 // the trail's own entries are written
	if with != without || with.Calls == 0 {
		t.Fatalf("reads with the audit trail %+v, without %+v", with, without)
	}
}

// Refused credentials of every kind are recorded with why, the name they
// had (a token matching none has none) and the client's network through
// the trusted proxies; the answer's status is the one given.
func TestAuditRecordsRefusedCredentials(t *testing.T) {
	f := newFixture(t)
	f.h.Proxies = httpx.Proxies{Hops: 1}
	xff := func(ip string) []string { return []string{"X-Forwarded-For", "198.51.100.7, " + ip} }
	form := "application/x-www-form-urlencoded"

	full, _ := f.login(fullToken)
	analyst, _ := f.login(readToken)
	f.clk.Advance(time.Minute)
	steps := []struct {
		a    answer
		want int
	}{
		{f.req("GET", "/admin/mqls", "", append(xff("203.0.113.45"), "Authorization", "Bearer guessed")...), 401},
		{f.req("POST", "/admin/login", "token=guessed", append(xff("2001:db8:aa:bb::9"), "Content-Type", form)...), 401},
		{f.req("POST", "/admin/login", "token="+fullToken, append(xff("203.0.113.46"), "Content-Type", form, "Origin", "https://evil.example")...), 403},
		{f.req("GET", "/admin/backup", "", append(xff("203.0.113.47"), "Cookie", analyst)...), 403}, // recorded as a backup request
	}
	// The analyst's token is removed from the configuration: its session is refused.
	f.h.Credentials = f.h.Credentials[:1]
	steps = append(steps, struct {
		a    answer
		want int
	}{f.req("GET", "/admin/mqls", "", append(xff("203.0.113.48"), "Cookie", analyst)...), 401})
	// The full session expires (the fixture's sessions last an hour): a page sends the browser to sign in.
	f.clk.Advance(2 * time.Hour)
	steps = append(steps, struct {
		a    answer
		want int
	}{f.req("GET", "/admin/", "", append(xff("203.0.113.49"), "Cookie", full, "Accept", "text/html")...), 303})
	for i, s := range steps {
		if s.a.code != s.want {
			t.Fatalf("step %d: %d %s", i, s.a.code, s.a.body)
		}
	}
	es, _, err := f.h.Audit.List(context.Background(), "", 50)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		addr, who, via, route, reason string
		status                        int
	}
	got := map[row]int{}
	for _, e := range es {
		if e.Count > 0 {
			got[row{e.Addr, e.Who, e.Via, e.Route, e.Reason, e.Status}] = e.Count
		}
	}
	want := map[row]int{
		{"203.0.113.0", "", "token", "GET /admin/mqls", "unknown token", 401}:          1,
		{"2001:db8:aa::", "", "session", "POST /admin/login", "unknown token", 401}:    1,
		{"203.0.113.0", "", "session", "POST /admin/login", "cross-site", 403}:         1,
		{"203.0.113.0", "analyst", "session", "GET /admin/mqls", "token revoked", 401}: 1,
		{"203.0.113.0", "", "session", "GET /admin/{$}", "session ended", 303}:         1,
	}
	if len(got) != len(want) {
		t.Errorf("refusals %v", got)
	}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("%+v: %d, want %d (all %v)", k, got[k], n, got)
		}
	}
	// The analyst's backup: a request of a known caller, recorded as such with why.
	found := false
	for _, e := range es {
		if e.Route == "GET /admin/backup" {
			found = e.Who == "analyst" && e.Status == 403 && e.Reason == "missing scope" && e.Count == 0 && e.Addr == ""
		}
	}
	if !found {
		t.Errorf("backup refusal not recorded as a request: %+v", es)
	}
}

// TestRateLimitedMethodIsNotTheClients: a request to /admin/ over the rate
// limit is recorded before any route matched it, with its method: any
// token a client sends ("ERASED-BY-BATON_ADMIN_TOKEN" and 4,000 more
// characters) went into the trail as the entry's method and route. A
// method HTTP defines is kept; any other is OTHER.
func TestRateLimitedMethodIsNotTheClients(t *testing.T) {
	f := newFixture(t)
	for _, c := range []struct{ method, path, route string }{
		{"ERASED-BY-BATON_ADMIN_TOKEN" + strings.Repeat("X", 4000), "/admin/people", "OTHER /admin/*"},
		{"DELETE", "/admin/people/p_1", "DELETE /admin/*"},
		{"+HYPERLINK", "/admin/login", "OTHER /admin/login"},
	} {
		r := httptest.NewRequest("GET", c.path, nil)
		r.Method = c.method
		f.h.Refused(r, http.StatusTooManyRequests, audit.ReasonRateLimited)
		if err := f.h.Audit.Flush(context.Background()); err != nil {
			t.Fatal(err)
		}
		es, _, err := f.h.Audit.List(context.Background(), "", 1)
		if err != nil || len(es) != 1 {
			t.Fatalf("%v %v", es, err)
		}
		if e := es[0]; e.Route != c.route || !strings.HasPrefix(c.route, e.Method+" ") || e.Reason != audit.ReasonRateLimited {
			t.Errorf("%.40s %s: recorded %.80s %.80s (%s)", c.method, c.path, e.Method, e.Route, e.Reason)
		}
		f.clk.Advance(time.Minute) // a new entry, not the last one's count
	}
}

// TestAuditNamesTheCampaignCreated: a campaign made with the workspace's
// form was in the trail as "Campaign created" with no id (its route has no
// {id}: the id is the form's), so nobody could tell which campaign, nor
// which id a refused attempt tried. The entry names it, on the page and in
// the CSV.
func TestAuditNamesTheCampaignCreated(t *testing.T) {
	f := newFixture(t)
	cookie, csrf := f.login(fullToken)
	for _, want := range []int{303, 400} { // created, then the same id refused
		v := url.Values{"csrf": {csrf}, "id": {"dec-seminar"}, "urls": {"https://www.example.com/seminar"}}
		if a := f.req("POST", "/admin/campaigns", v.Encode(), "Cookie", cookie, "Content-Type", "application/x-www-form-urlencoded", "Accept", "text/html"); a.code != want {
			t.Fatalf("create: %d, want %d: %s", a.code, want, a.body)
		}
	}
	var ids []string
	for _, e := range f.auditPage("").Entries {
		if e.Route == "POST /admin/campaigns" {
			ids = append(ids, e.ID)
		}
	}
	if strings.Join(ids, " ") != "dec-seminar dec-seminar" {
		t.Errorf("the campaign entries' ids: %q", ids)
	}
	csv := f.req("GET", "/admin/audit?format=csv&lang=ja", "", "Authorization", "Bearer "+readToken)
	if !strings.Contains(csv.body, "キャンペーンの作成,POST /admin/campaigns,dec-seminar,303") {
		t.Errorf("the CSV: %s", csv.body)
	}
}
