package stack_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/infra/local/stack"
	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/testutil/repo"
)

// TestRulesLabDaysInJST: in Tokyo, a lead becomes an MQL at 00:30 on
// 1 December (15:30 UTC on 30 November) and sales reject it ten minutes
// later. The lab, posted from the Japanese workspace's form, lists them
// among the people a raised threshold would drop, the MQL and sales'
// answer dated 1 December, the day the by-month table counts it in; not
// UTC's 30 November. The list fits a window and a phone in Chromium, the
// person's long address breaking rather than the condition and stage.
func TestRulesLabDaysInJST(t *testing.T) {
	clk := clock.NewManual(time.Date(2026, 11, 30, 15, 30, 0, 0, time.UTC))
	cfg := filepath.Join(t.TempDir(), "baton.yaml")
	if err := os.WriteFile(cfg, []byte("timezone: Asia/Tokyo\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := stack.ForTestClock(t, map[string]string{"BATON_CONFIG": cfg}, clk.Now)
	const vid = "lab-jst-browser"
	const email = "shiwasu.no.tantousha.marketing.operations@extremely-long-subdomain.maker-holdings.example"
	for _, body := range []string{ // behaviour 46, grade B: hot-and-fit at 40, not at 60
		`{"type":"page_view","messageId":"` + vid + `-1","anonymousId":"` + vid + `","properties":{"url":"https://www.example.com/pricing"}}`,
		`{"type":"form_submit","messageId":"` + vid + `-2","anonymousId":"` + vid + `","properties":{"url":"https://www.example.com/contact","form":{"id":"contact"},"fields":{"email":"` + email + `","title":"部長"}}}`,
	} {
		resp, err := http.Post(s.URL+"/e", "text/plain", strings.NewReader(body))
		if err != nil || resp.StatusCode != 204 {
			t.Fatalf("POST /e: %v %v", err, resp)
		}
		resp.Body.Close()
	}
	settle(t, s)
	p, err := s.App.People.ByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	clk.Advance(10 * time.Minute)
	if res, err := s.App.Qualifier.OutcomeWhy(context.Background(), p.ID, "rejected", "", "rep@acme.example", "予算なし", clk.Now()); err != nil || !res.Applied {
		t.Fatalf("reject: %+v %v", res, err)
	}
	settle(t, s)

	code, page := labForm(t, s, raised(t))
	if code != 200 || !strings.Contains(page, `<td data-l="月">2026年12月</td>`) {
		t.Fatalf("simulation page: %d %s", code, page)
	}
	if !strings.Contains(page, `<td data-l="日付" class="t">2026年12月1日</td><td data-l="人物" class="addr"><a href="../people/`+p.ID+`">`+email+`</a></td>`) || !strings.Contains(page, "2026年12月1日 差し戻し：予算なし") || strings.Contains(page, "2026年11月30日") {
		t.Errorf("the would-stop list is not dated in Tokyo:\n%s", page[strings.Index(page, "<main"):])
	}

	needChromium(t, "the lab's answer must be measured in CI")
	html := filepath.Join(t.TempDir(), "simulated.html")
	if err := os.WriteFile(html, []byte(page), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("node", "../../../tag/browser/fit.mjs")
	cmd.Env = append(os.Environ(), "URL="+s.URL+"/admin/", "TOKEN="+token, "SHOTS="+screenshotDir(t.TempDir()), "HTML="+html)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	var res struct {
		Overflow map[string][]any
		Text     map[string]string
	}
	if err != nil || json.Unmarshal(out, &res) != nil {
		t.Fatalf("fit.mjs: %v %s", err, out)
	}
	if !strings.Contains(res.Text["ja-html"], email) || len(res.Overflow) != 2 {
		t.Fatalf("measured: %s", out)
	}
	for name, over := range res.Overflow {
		if len(over) > 0 {
			t.Errorf("the lab's answer (%s) does not fit: %v", name, over)
		}
	}
}

// TestRulesLabFormNamesTheFileAsDeployed: the rules file pasted into the
// lab's form comes back from the browser with CRLF line ends (as every
// textarea is sent); the simulation names it by the version the same file
// has once deployed, so the file in force pasted unchanged is the version
// in force, not a stranger's.
func TestRulesLabFormNamesTheFileAsDeployed(t *testing.T) {
	s := stack.ForTest(t, nil)
	qualifyOne(t, s, "lab-crlf-browser", "crlf@maker.example")
	b, err := os.ReadFile(filepath.Join(repo.Root(t), "infra", "rules.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	code, page := labForm(t, s, strings.ReplaceAll(string(b), "\n", "\r\n"))
	inForce := s.App.Admin.Lab.Rules.Version
	if code != 200 || !strings.Contains(page, "<h2 id=\"result\" tabindex=\"-1\">シミュレーション："+inForce+"</h2>") {
		t.Fatalf("simulation of the file in force, not named %s: %d %s", inForce, code, page)
	}
}

// labForm signs in through the sign-in form and posts rules to the lab's
// form in Japanese, as a browser does (session, CSRF token, form encoding);
// it returns the page answered.
func labForm(t *testing.T, s *stack.Stack, rules string) (int, string) {
	t.Helper()
	send, cookie := formSession(t, s)
	code, page, _ := send("GET", "/admin/rules", "", "Cookie", cookie, "Accept", "text/html", "Accept-Language", "ja")
	m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(page)
	if code != 200 || m == nil {
		t.Fatalf("rules page: %d %s", code, page)
	}
	code, page, _ = send("POST", "/admin/rules/simulate", url.Values{"csrf": {m[1]}, "rules": {rules}}.Encode(),
		"Cookie", cookie, "Accept", "text/html", "Accept-Language", "ja", "Content-Type", "application/x-www-form-urlencoded")
	return code, page
}
