package stack_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/infra/local/stack"
	"github.com/baton-hq/baton/internal/audit"
	"github.com/baton-hq/baton/internal/clock"
)

// TestAuditPageInJapaneseInChromium: in Chromium, in Japanese, a wrong
// token at the sign-in form, then the right one; the audit trail's page
// (from the navigation's 監査ログ) shows the failed sign-in first among
// refusals: when (Tokyo time), no name, why, the client's network, how many
// times. It fits 1,280 and 390 px.
func TestAuditPageInJapaneseInChromium(t *testing.T) {
	needChromium(t, "the workspace must be tested in a browser in CI")
	dir := t.TempDir()
	shots := screenshotDir(dir)
	cfg := filepath.Join(dir, "baton.yaml")
	os.WriteFile(cfg, []byte("timezone: Asia/Tokyo\n"), 0o600)
	clk := clock.NewManual(time.Date(2026, 11, 24, 1, 2, 3, 0, time.UTC)) // 10:02:03 in Tokyo
	s := stack.ForTestClock(t, map[string]string{"BATON_CONFIG": cfg}, clk.Now)

	cmd := exec.Command("node", "../../../tag/browser/audit.mjs")
	cmd.Env = append(os.Environ(), "URL="+s.URL+"/admin/", "TOKEN="+token, "SHOTS="+shots)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("audit.mjs: %v %s", err, out)
	}
	var res struct {
		Errors   []string
		Overflow map[string][]any
		Refused  struct {
			Status int
			Alert  string
		}
		Status                 int
		URL, Nav, Failed, Main string
		Rows                   int
		Filtered               []string
		Wrapped, Attempts      []string
		CSV                    struct {
			Status                  int
			Type, Disposition, Text string
		}
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if res.Refused.Status != 401 || !strings.Contains(res.Refused.Alert, "トークンが正しくありません") && res.Refused.Alert == "" {
		t.Errorf("wrong token: %+v", res.Refused)
	}
	if res.Status != 200 || !strings.HasSuffix(res.URL, "/admin/audit") || res.Nav != "監査ログ" || res.Rows != 2 {
		t.Errorf("the page: %d %s, nav %q, %d rows\n%s", res.Status, res.URL, res.Nav, res.Rows, res.Main)
	}
	for _, want := range []string{"2026年11月24日 10:02:03", "（該当トークンなし）", "サインイン", "POST /admin/login", "拒否：不明なトークン", "127.0.0.0", "1"} {
		if !strings.Contains(res.Failed, want) {
			t.Errorf("failed sign-in row lacks %q: %q", want, res.Failed)
		}
	}
	if !strings.Contains(res.Main, "日時（JST）") || strings.Contains(res.Main, "not-the-token") {
		t.Errorf("page: %s", res.Main)
	}
	// A row without refusals counts none (—, as its neighbours say an
	// absent value); nothing broke at a character.
	if len(res.Wrapped) > 0 || len(res.Attempts) != 2 || res.Attempts[0] != "1" && res.Attempts[1] != "1" || slices.Contains(res.Attempts, "") {
		t.Errorf("headers or session kinds broken over lines: %q; attempts cells %q", res.Wrapped, res.Attempts)
	}
	if len(res.Filtered) != 1 || !strings.Contains(res.Filtered[0], "不明なトークン") {
		t.Errorf("failed sign-ins only: %q", res.Filtered)
	}
	// The page's CSV link: the failed sign-ins, for Excel (BOM, Japanese headers, Tokyo time).
	if c := res.CSV; c.Status != 200 || !strings.HasPrefix(c.Type, "text/csv") || !strings.Contains(c.Disposition, "audit.csv") ||
		!strings.HasPrefix(c.Text, "\ufeff日時（JST）,操作者,認証,操作,ルート,ID,ステータス,理由,接続元,回数,最終日時（JST）,結果\r\n2026-11-24 10:02:03,（該当トークンなし）,ブラウザのセッション,サインイン,POST /admin/login,,401,不明なトークン,127.0.0.0,1,,拒否\r\n") {
		t.Errorf("CSV: %+v", c)
	}
	for name, over := range res.Overflow {
		if len(over) > 0 {
			t.Errorf("%s does not fit: %v", name, over)
		}
	}
	var unexpected []string
	for _, e := range res.Errors {
		if !strings.Contains(e, "/admin/login: Failed to load resource: the server responded with a status of 401") { // the wrong token's answer
			unexpected = append(unexpected, e)
		}
	}
	if len(res.Overflow) != 2 || len(res.Errors) != 1 || len(unexpected) > 0 {
		t.Errorf("pages measured %v, console errors %v", res.Overflow, res.Errors)
	}
}

// TestRefusedSignInsAreCounted: wrong tokens hammered at the sign-in
// through the stack's per-address rate limit: each answered 401 (a wrong
// token) or 429 (over the limit), and the trail holds one entry for each
// reason counting exactly those answers (the clock stands still: one
// minute), never a token tried.
func TestRefusedSignInsAreCounted(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "baton.yaml")
	os.WriteFile(cfg, []byte("rate_limit_per_ip: 1\nrate_limit_burst: 5\n"), 0o600)
	clk := clock.NewManual(time.Date(2026, 11, 24, 1, 0, 0, 0, time.UTC))
	s := stack.ForTestClock(t, map[string]string{"BATON_CONFIG": cfg}, clk.Now)
	const attempts = 200
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	codes := map[int]int{}
	for i := range attempts {
		resp, err := client.PostForm(s.URL+"/admin/login", url.Values{"token": {"guess-" + strings.Repeat("x", i%7)}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		codes[resp.StatusCode]++
	}
	if codes[401]+codes[429] != attempts || codes[401] == 0 || codes[429] == 0 {
		t.Fatalf("answers %v", codes)
	}
	// Over the limit on a path that merely contains /admin/ (the demo
	// site's): refused, and no admin route's, so not in the trail.
	for range 3 {
		resp, err := client.Get(s.URL + "/demo/admin/x")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 429 {
			t.Fatalf("/demo/admin/x over the limit: %d", resp.StatusCode)
		}
	}
	es, _, err := s.App.Admin.Audit.List(t.Context(), "", 100)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, e := range es {
		got[e.Reason+" "+e.Route+" "+e.Addr] += e.Count
		if strings.Contains(e.Who+e.Route, "guess") {
			t.Errorf("a tried token kept: %+v", e)
		}
	}
	want := map[string]int{audit.ReasonUnknownToken + " POST /admin/login 127.0.0.0": codes[401], audit.ReasonRateLimited + " POST /admin/login 127.0.0.0": codes[429]}
	if len(es) != 2 || got[audit.ReasonUnknownToken+" POST /admin/login 127.0.0.0"] != want[audit.ReasonUnknownToken+" POST /admin/login 127.0.0.0"] ||
		got[audit.ReasonRateLimited+" POST /admin/login 127.0.0.0"] != want[audit.ReasonRateLimited+" POST /admin/login 127.0.0.0"] {
		t.Fatalf("entries %v, want %v (%+v)", got, want, es)
	}
	t.Logf("%d wrong tokens: %d refused (401), %d over the rate limit (429); %d audit entries", attempts, codes[401], codes[429], len(es))
}
