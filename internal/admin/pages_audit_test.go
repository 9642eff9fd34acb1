package admin_test

import (
	"encoding/csv"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/admin"
)

// TestAuditPage: the trail's page in Japanese, times in the configured
// zone (Tokyo), newest first, a failed sign-in shown with its reason and
// network, filters by who, action and dates, paging by a cursor, and its
// CSV (BOM, Japanese headers, Tokyo times); linked from the navigation
// only for a caller with the read scope.
func TestAuditPage(t *testing.T) {
	f := newFixture(t)
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	f.h.Workspace = &admin.Workspace{Loc: tokyo, Now: f.clk.Now}
	const writeToken = "write-only-token-0123456789"
	wo, err := admin.NewCredential("importer", admin.HashToken(writeToken), []string{admin.ScopeWrite})
	if err != nil {
		t.Fatal(err)
	}
	f.h.Credentials = append(f.h.Credentials, wo)

	// 09:00 UTC (18:00 in Tokyo): a wrong token at the sign-in, then 60 changes a second apart.
	form := "application/x-www-form-urlencoded"
	if a := f.req("POST", "/admin/login", url.Values{"token": {"guessed-token-1"}}.Encode(), "Content-Type", form); a.code != 401 {
		t.Fatalf("wrong token: %d", a.code)
	}
	f.clk.Advance(time.Minute)
	cookie, _ := f.login(fullToken)
	for i := range 60 {
		f.clk.Advance(time.Second)
		want := 200 // the campaign is there from the second on
		if i == 0 {
			want = 201
		}
		if a := f.req("POST", "/admin/links", linkJSON, "Authorization", "Bearer "+fullToken, "Content-Type", "application/json"); a.code != want {
			t.Fatalf("links: %d %s", a.code, a.body)
		}
	}
	page := func(query string, hdr ...string) answer {
		t.Helper()
		return f.req("GET", "/admin/audit"+query, "", append([]string{"Cookie", cookie, "Accept", "text/html", "Accept-Language", "ja"}, hdr...)...)
	}
	rows := regexp.MustCompile(`(?s)<tr( class="refused")?><td data-l="日時（JST）" class="small t">([^<]*)</td>(.*?)</tr>`)

	a := page("")
	got := rows.FindAllStringSubmatch(a.body, -1)
	if a.code != 200 || !strings.Contains(a.body, `<html lang="ja">`) || !strings.Contains(a.body, `<a href="audit" aria-current="page">監査ログ</a>`) || len(got) != 50 ||
		got[0][2] != "2026年11月24日 18:02:00" || !strings.Contains(a.body, "さらに古い記録") {
		t.Fatalf("first page: %d, %d rows (%v)\n%s", a.code, len(got), got[:min(len(got), 1)], a.body)
	}
	next := regexp.MustCompile(`<a href="(audit\?[^"]*)">さらに古い記録</a>`).FindStringSubmatch(a.body)
	if next == nil {
		t.Fatal("no link to older entries")
	}
	a = page(strings.TrimPrefix(strings.ReplaceAll(next[1], "&amp;", "&"), "audit"))
	got = rows.FindAllStringSubmatch(a.body, -1)
	if a.code != 200 || len(got) != 12 || strings.Contains(a.body, "さらに古い記録") {
		t.Fatalf("second page: %d, %d rows\n%s", a.code, len(got), a.body)
	}
	// The oldest: the failed sign-in, with its reason, network and count, no name.
	last := got[len(got)-1]
	if last[1] == "" || last[2] != "2026年11月24日 18:00:00" || !strings.Contains(last[3], "（該当トークンなし）") || !strings.Contains(last[3], "サインイン") ||
		!strings.Contains(last[3], "拒否：不明なトークン") || !strings.Contains(last[3], "<code class=\"ip\">127.0.0.0</code>") || strings.Contains(a.body, "guessed-token") {
		t.Errorf("failed sign-in row: %q", last[0])
	}

	// Filters: failed sign-ins only; who; a range of Tokyo dates.
	a = page("?action=signin-failed")
	if got := rows.FindAllStringSubmatch(a.body, -1); len(got) != 1 || got[0][1] == "" || !strings.Contains(a.body, `<option value="signin-failed" selected>サインイン失敗</option>`) {
		t.Errorf("failed sign-ins: %d rows\n%s", len(got), a.body)
	}
	if got := rows.FindAllStringSubmatch(page("?who=baton_admin_token&action=signin").body, -1); len(got) != 1 || !strings.Contains(got[0][3], "POST /admin/login") {
		t.Errorf("who and sign-ins: %v", got)
	}
	// The administrator as the page names them: shown and found as 管理者
	// (the header says 管理者としてサインイン中), never as the token's variable.
	if got := rows.FindAllStringSubmatch(page("?who="+url.QueryEscape("管理者")+"&action=signin").body, -1); len(got) != 1 || !strings.Contains(got[0][3], "管理者") || strings.Contains(got[0][3], "BATON_ADMIN_TOKEN") {
		t.Errorf("who as the page names the administrator: %v", got)
	}
	if got := rows.FindAllStringSubmatch(page("?who=Administrator&action=signin").body, -1); len(got) != 1 {
		t.Errorf("who in English: %d rows", len(got))
	}
	if got := rows.FindAllStringSubmatch(page("?from=2026-11-25").body, -1); len(got) != 0 {
		t.Errorf("from the next day in Tokyo: %d rows", len(got))
	}
	if got := rows.FindAllStringSubmatch(page("?from=2026-11-24&to=2026-11-24&action=change").body, -1); len(got) != 50 {
		t.Errorf("that day in Tokyo: %d rows", len(got))
	}
	if got := rows.FindAllStringSubmatch(page("?to=2026-11-23").body, -1); len(got) != 0 {
		t.Errorf("to the day before: %d rows", len(got))
	}
	// A bad filter is said, naming it, with no entries (never the trail
	// as if it were absent).
	for q, want := range map[string]string{"?from=24/11/2026": "開始日（from）は 2026-11-01 のような日付にしてください", "?action=drop": "操作（action）は一覧から選んでください",
		"?action=change&action=erase": "action が 2 回指定されています"} {
		if a := page(q); a.code != 400 || !strings.Contains(a.body, want) || len(rows.FindAllStringSubmatch(a.body, -1)) != 0 {
			t.Errorf("%s: %d %s", q, a.code, a.body)
		}
	}
	if a := page("?after=nope"); a.code != 400 || !strings.Contains(a.body, `role="alert"`) {
		t.Errorf("bad cursor: %d %s", a.code, a.body)
	}

	// The CSV: BOM, Japanese headers, Tokyo times, every matching entry,
	// the administrator as the page names them.
	a = f.req("GET", "/admin/audit?format=csv&lang=ja&action=signin", "", "Cookie", cookie, "Accept", "text/html")
	if a.code != 200 || !strings.HasPrefix(a.hdr.Get("Content-Type"), "text/csv") || !strings.HasPrefix(a.body, "\ufeff") {
		t.Fatalf("CSV: %d %v %.200s", a.code, a.hdr, a.body)
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(a.body, "\ufeff"))).ReadAll()
	if err != nil || len(recs) != 3 || strings.Join(recs[0], ",") != "日時（JST）,操作者,認証,操作,ルート,ID,ステータス,理由,接続元,回数,最終日時（JST）,結果" ||
		strings.Join(recs[2], ",") != "2026-11-24 18:00:00,（該当トークンなし）,ブラウザのセッション,サインイン,POST /admin/login,,401,不明なトークン,127.0.0.0,1,,拒否" ||
		!strings.HasPrefix(strings.Join(recs[1], ","), "2026-11-24 18:01:00,管理者,ブラウザのセッション,サインイン,POST /admin/login,,303,,,1,") {
		t.Errorf("CSV: %v %q", err, recs)
	}
	if a := f.req("GET", "/admin/audit?format=csv&action=all", "", "Authorization", "Bearer "+readToken); a.code != 400 || !strings.Contains(a.body, `"error"`) {
		t.Errorf("CSV with a bad filter: %d %s", a.code, a.body)
	}
	// In English: the same rows, in English.
	a = page("?action=signin-failed&lang=en")
	if !strings.Contains(a.body, `<html lang="en">`) || !strings.Contains(a.body, "Refused: unknown token") || !strings.Contains(a.body, "24 Nov 2026 18:00:00") ||
		!strings.Contains(a.body, `<option value="signin-failed" selected>failed sign-ins</option>`) || !strings.Contains(a.body, "(no known token)") || !strings.Contains(a.body, "Time (JST)") {
		t.Errorf("in English: %s", a.body)
	}
	// The JSON API is unchanged.
	if p := f.auditPage("?limit=2"); len(p.Entries) != 2 || p.Next == "" {
		t.Errorf("JSON: %+v", p)
	}

	// The navigation links the trail for a read scope (a session, a bearer
	// token asking for a page), not for a token without it.
	link := `href="audit"`
	for name, hdr := range map[string][]string{
		"full session":      {"Cookie", cookie},
		"read bearer token": {"Authorization", "Bearer " + readToken},
	} {
		if a := f.req("GET", "/admin/", "", append(hdr, "Accept", "text/html")...); a.code != 200 || !strings.Contains(a.body, link) {
			t.Errorf("%s: %d, link %v", name, a.code, strings.Contains(a.body, link))
		}
	}
	// (A write-only session: no page of the workspace is its, each says so.)
	a = f.req("POST", "/admin/login", url.Values{"token": {writeToken}}.Encode(), "Content-Type", form)
	woCookie := ""
	for _, sc := range a.hdr.Values("Set-Cookie") {
		if v, ok := strings.CutPrefix(sc, admin.SessionCookie+"="); ok {
			woCookie = admin.SessionCookie + "=" + strings.SplitN(v, ";", 2)[0]
		}
	}
	if a.code != 303 || woCookie == "" {
		t.Fatalf("write-only sign-in: %d %v", a.code, a.hdr)
	}
	for _, path := range []string{"/admin/", "/admin/audit"} {
		if a := f.req("GET", path, "", "Cookie", woCookie, "Accept", "text/html"); a.code != 403 || strings.Contains(a.body, link) || !strings.Contains(a.body, `aria-label="Main"`) {
			t.Errorf("write-only %s: %d, link %v", path, a.code, strings.Contains(a.body, link))
		} else if !strings.Contains(a.body, `action="logout"`) {
			t.Errorf("write-only %s: no way to sign out (and in with another token)", path)
		}
	}
	// ... and its refused reads are in the trail.
	if got := rows.FindAllStringSubmatch(page("?who=importer").body, -1); len(got) != 2 || !strings.Contains(got[0][3], "権限不足") || got[0][1] == "" || !strings.Contains(got[1][3], "POST /admin/login") || got[1][1] != "" {
		t.Errorf("write-only refusals: %v", got)
	}
}

// TestAuditPageOrdersRefusalsByTheirFirstAttempt: refusals counted in one
// row a minute stand among the minute's other rows at their first attempt
// and show their last (Tokyo time), on the page and in the CSV: a wrong
// token at the sign-in at 18:00:10 and again at 18:00:50 reads older than
// a change at 18:00:30, a wrong bearer token at 18:00:45 newer (not at
// the minute's start, below the change).
func TestAuditPageOrdersRefusalsByTheirFirstAttempt(t *testing.T) {
	f := newFixture(t)
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	f.h.Workspace = &admin.Workspace{Loc: tokyo, Now: f.clk.Now}
	t0 := f.clk.Now() // 18:00:00 in Tokyo
	at := func(sec int) { f.clk.Set(t0.Add(time.Duration(sec) * time.Second)) }
	form := "application/x-www-form-urlencoded"
	wrong := func() {
		t.Helper()
		if a := f.req("POST", "/admin/login", url.Values{"token": {"guessed-token-1"}}.Encode(), "Content-Type", form); a.code != 401 {
			t.Fatalf("wrong token: %d", a.code)
		}
	}
	at(10)
	wrong()
	at(30)
	if a := f.req("POST", "/admin/links", linkJSON, "Authorization", "Bearer "+fullToken, "Content-Type", "application/json"); a.code != 201 {
		t.Fatalf("links: %d %s", a.code, a.body)
	}
	at(45)
	if a := f.req("POST", "/admin/links", linkJSON, "Authorization", "Bearer guessed-token-2", "Content-Type", "application/json"); a.code != 401 {
		t.Fatalf("a wrong bearer token: %d %s", a.code, a.body)
	}
	at(50)
	wrong()
	at(59)
	if a := f.req("POST", "/admin/links", linkJSON, "Authorization", "Bearer "+readToken, "Content-Type", "application/json"); a.code != 403 {
		t.Fatalf("a read token's change: %d %s", a.code, a.body)
	}
	at(120)
	cookie, _ := f.login(fullToken)

	a := f.req("GET", "/admin/audit?to=2026-11-24", "", "Cookie", cookie, "Accept", "text/html", "Accept-Language", "ja")
	rows := regexp.MustCompile(`(?s)<tr(?: class="refused")?><td data-l="日時（JST）" class="small t">([^<]*)</td>(.*?)</tr>`).FindAllStringSubmatch(a.body, -1)
	want := []struct{ when, what string }{
		{"2026年11月24日 18:02:00", "POST /admin/login"}, // the sign-in to read the page
		{"2026年11月24日 18:00:59", "権限不足"},
		{"2026年11月24日 18:00:45", "不明なトークン"},
		{"2026年11月24日 18:00:30", "POST /admin/links"},
		{"2026年11月24日 18:00:10〜18:00:50", "不明なトークン"},
	}
	if a.code != 200 || len(rows) != len(want) {
		t.Fatalf("page: %d, %d rows\n%s", a.code, len(rows), a.body)
	}
	for i, w := range want {
		if rows[i][1] != w.when || !strings.Contains(rows[i][2], w.what) {
			t.Errorf("row %d: %q %.200q, want %q with %q", i, rows[i][1], rows[i][2], w.when, w.what)
		}
	}
	if got := rows[4][2]; !strings.Contains(got, `<td data-l="試行回数" class="n">2</td>`) {
		t.Errorf("the wrong tokens' row: %q", got)
	}

	a = f.req("GET", "/admin/audit?format=csv&action=signin-failed", "", "Cookie", cookie)
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(a.body, "\ufeff"))).ReadAll()
	if err != nil || len(recs) != 2 || recs[0][10] != "last at (JST)" || recs[1][0] != "2026-11-24 18:00:10" || recs[1][9] != "2" || recs[1][10] != "2026-11-24 18:00:50" {
		t.Errorf("CSV: %v %q", err, recs)
	}
}

// FuzzAuditPageQuery: whatever the page's query (filters, cursor, CSV),
// the answer is a page, a CSV or a 400 saying what is wrong, never a
// failure of Baton's own.
func FuzzAuditPageQuery(f *testing.F) {
	for _, q := range []string{"", "action=signin-failed", "who=analyst&from=2026-11-01&to=2026-11-30", "after=20261124T090000.000000000Z-0000000000000000",
		"format=csv&lang=ja&action=refused", "from=2026-13-40", "after=%ff", "to=0000-01-01&format=csv", "action=drop&who=%00",
		"to=9999-12-31", "to=9999-12-31&format=csv", "from=2026-12-02&to=2026-01-01"} {
		f.Add(q)
	}
	fx := newFixture(f)
	cookie, _ := fx.login(fullToken)
	if a := fx.req("POST", "/admin/login", "token=wrong", "Content-Type", "application/x-www-form-urlencoded"); a.code != 401 {
		f.Fatalf("wrong token: %d", a.code)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		fx.t = t
		vs, _ := url.ParseQuery(raw) // what a client can send: any values, encoded
		q := vs.Encode()
		a := fx.req("GET", "/admin/audit?"+q, "", "Cookie", cookie, "Accept", "text/html")
		if a.code != 200 && a.code != 400 {
			t.Fatalf("?%s: %d %s", q, a.code, a.body)
		}
		if a.code == 400 && !strings.Contains(a.body, `role="alert"`) && !strings.Contains(a.body, `"error"`) {
			t.Fatalf("?%s: 400 without saying why: %s", q, a.body)
		}
	})
}

// TestAuditDatesAtTheEdges: ?to=9999-12-31 ("until further notice") was a
// 500 on the page and the CSV (the day after it has a 5-digit year, no
// cursor of the trail); an end before the start listed nothing without a
// word. The first lists the whole trail; the second says why, as the
// reports and the MQL page do.
func TestAuditDatesAtTheEdges(t *testing.T) {
	f := newFixture(t)
	cookie, _ := f.login(fullToken)
	if a := f.req("POST", "/admin/links", linkJSON, "Authorization", "Bearer "+fullToken, "Content-Type", "application/json"); a.code != 201 {
		t.Fatalf("links: %d %s", a.code, a.body)
	}
	page := func(q string) answer {
		return f.req("GET", "/admin/audit?"+q, "", "Cookie", cookie, "Accept", "text/html")
	}
	for _, q := range []string{"to=9999-12-31", "from=2026-11-01&to=9999-12-31"} {
		if a := page(q); a.code != 200 || !strings.Contains(a.body, "POST /admin/links") {
			t.Errorf("page ?%s: %d %.300s", q, a.code, a.body)
		}
		if a := page(q + "&format=csv"); a.code != 200 || !strings.Contains(a.body, "POST /admin/links") {
			t.Errorf("CSV ?%s: %d %.300s", q, a.code, a.body)
		}
	}
	// The page says so, with no entries, the CSV is refused.
	if a := page("from=2026-12-02&to=2026-01-01"); a.code != 400 || !strings.Contains(a.body, `role="alert" id="filter-error">to must not be before from`) || strings.Contains(a.body, "POST /admin/links") {
		t.Errorf("reversed dates, page: %d %.300s", a.code, a.body)
	}
	if a := page("from=2026-12-02&to=2026-01-01&format=csv"); a.code != 400 || !strings.Contains(a.body, `"error":"to must not be before from","field":"to"`) {
		t.Errorf("reversed dates, CSV: %d %.300s", a.code, a.body)
	}
}

// TestEveryPageNamesItsTimeZone: times on the pages are in the configured
// zone, UTC when none is; each page says which, so a Japanese team that
// kept the default does not read 04:40 UTC as 04:40 JST.
func TestEveryPageNamesItsTimeZone(t *testing.T) {
	f := newFixture(t)
	for _, path := range []string{"/admin/?lang=en", "/admin/people?lang=en", "/admin/audit?lang=en"} {
		if a := f.req("GET", path, "", "Authorization", "Bearer "+fullToken, "Accept", "text/html"); a.code != 200 || !strings.Contains(a.body, `title="UTC">Times in UTC<`) {
			t.Errorf("%s without a configured zone: %d, no UTC label", path, a.code)
		}
	}
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	f.h.Workspace = &admin.Workspace{Loc: tokyo, Now: f.clk.Now}
	for lang, want := range map[string]string{"en": "Times in JST", "ja": "時刻は JST"} {
		a := f.req("GET", "/admin/people?lang="+lang, "", "Authorization", "Bearer "+fullToken, "Accept", "text/html")
		if a.code != 200 || !strings.Contains(a.body, `title="Asia/Tokyo">`+want+`<`) {
			t.Errorf("%s in Tokyo: %d, no %q", lang, a.code, want)
		}
	}
}
