package stack_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/infra/local/stack"
	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/rulebook"
	"github.com/baton-hq/baton/internal/testutil/repo"
)

// opsStack is a Tokyo stack with KPI targets and a campaign, on a manual
// clock, for the Japanese marketing-ops user's pages.
func opsStack(t *testing.T, now time.Time) (*stack.Stack, *clock.Manual) {
	t.Helper()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "baton.yaml")
	os.WriteFile(cfg, []byte("timezone: Asia/Tokyo\nlink_hosts: [www.example.com]\nkpi_targets: {mql: 4, customer: 1}\n"), 0o600)
	clk := clock.NewManual(now)
	s := stack.ForTestClock(t, map[string]string{"BATON_CONFIG": cfg}, clk.Now)
	if code, b := do(t, "POST", s.URL+"/admin/links", token, `{"campaign":"ops-news","name":"12月のお知らせ","urls":["https://www.example.com/pricing"]}`); code != 200 && code != 201 {
		t.Fatalf("campaign: %d %s", code, b)
	}
	return s, clk
}

// opsBrowser runs tag/browser/ops.mjs with the steps and env, and returns
// what it printed; a console error fails the test.
func opsBrowser(t *testing.T, s *stack.Stack, steps string, env ...string) map[string]json.RawMessage {
	t.Helper()
	needChromium(t, "the workspace must be tested in a browser in CI")
	cmd := exec.Command("node", "../../../tag/browser/ops.mjs")
	cmd.Env = append(os.Environ(), append([]string{"STEPS=" + steps, "URL=" + s.URL + "/admin/", "TOKEN=" + token, "SHOTS=" + screenshotDir(t.TempDir())}, env...)...)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("ops.mjs: %v %s", err, out)
	}
	var res map[string]json.RawMessage
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	var errs []string
	json.Unmarshal(res["errors"], &errs)
	if len(errs) > 0 {
		t.Errorf("console errors: %v", errs)
	}
	return res
}

// TestRecipientUploadSaysRowProblems: a recipient list uploaded from the
// Japanese campaign page, with rows that get no token, downloads with a
// column saying each refused row's line and reason in Japanese (the
// browser shows no response header); the file opens in Excel (BOM, CRLF
// although the list had LF). API clients still get X-Baton-Row-Errors.
func TestRecipientUploadSaysRowProblems(t *testing.T) {
	s, _ := opsStack(t, time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC))
	dir := t.TempDir()
	list, download := filepath.Join(dir, "list.csv"), filepath.Join(dir, "download.csv")
	os.WriteFile(list, []byte("email,name\nyamada@maker.example,山田\nnot-an-email,鈴木\n,佐藤\n"), 0o600)
	res := opsBrowser(t, s, "upload", "START=campaigns/ops-news", "LIST="+list, "DOWNLOAD="+download)
	b, err := os.ReadFile(download)
	if err != nil {
		t.Fatalf("%v %s", err, res["upload"])
	}
	text, bom := bytes.CutPrefix(b, []byte("\ufeff"))
	if !bom || !bytes.HasSuffix(text, []byte("\r\n")) || bytes.Contains(bytes.ReplaceAll(text, []byte("\r\n"), nil), []byte("\n")) {
		t.Fatalf("not Excel's UTF-8 CSV (BOM, CRLF): %q", b)
	}
	rows, err := csv.NewReader(bytes.NewReader(text)).ReadAll()
	if err != nil || len(rows) != 4 {
		t.Fatalf("%v %q", err, b)
	}
	t.Logf("downloaded %s:\n%s", res["upload"], text)
	want := [][]string{
		{"email", "name", "baton_token", "エラー内容"},
		{"yamada@maker.example", "山田", rows[1][2], ""},
		{"not-an-email", "鈴木", "", `3 行目："not-an-email" はメールアドレスではありません。`},
		{"", "佐藤", "", `4 行目：メールアドレスの項目がありません。`},
	}
	if rows[1][2] == "" || strings.Join(rows[0], "|") != strings.Join(want[0], "|") {
		t.Fatalf("%q", rows)
	}
	for i := range want {
		if strings.Join(rows[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("row %d: %q, want %q", i, rows[i], want[i])
		}
	}
	// The API's answer: the list's columns, the problems in the header.
	req, _ := http.NewRequest("POST", s.URL+"/admin/recipients?campaign=ops-news", strings.NewReader("email,name\nnot-an-email,x\n"))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "text/csv")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	api, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("X-Baton-Row-Errors"), `"line":2`) || string(api) != "\ufeffemail,name,baton_token\nnot-an-email,x,\n" {
		t.Fatalf("API: %d %v %q", resp.StatusCode, resp.Header, api)
	}
}

// TestSuggestionsPage: the rules page's link to the suggestions opens a
// page, not JSON: in Japanese, the refusal (too few outcomes) said in
// Japanese above a form to ask with fewer; asked with fewer, every rule's
// evidence in a table with its verdict in Japanese and the proposal.
func TestSuggestionsPage(t *testing.T) {
	s, _, _ := labHistory(t)
	res := opsBrowser(t, s, "suggest", "START=rules", "MIN=10")
	var few struct {
		Status           int
		Type, Lang, Text string
	}
	json.Unmarshal(res["suggest"], &few)
	if few.Status != 409 || !strings.HasPrefix(few.Type, "text/html") || few.Lang != "ja" ||
		!strings.Contains(few.Text, "提案するには営業の回答が足りません。回答（受け入れまたは差し戻し）済みの MQL は 10 件で、30 件以上必要です（min_outcomes）。") {
		t.Fatalf("too few: %s", res["suggest"])
	}
	var got struct {
		URL, Text string
		Rows      int
	}
	json.Unmarshal(res["suggested"], &got)
	t.Logf("%s", got.Text)
	shipped, err := rulebook.Load(filepath.Join(repo.Root(t), "infra", "rules.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(got.URL, "/admin/rules/suggestions?min_outcomes=10") || got.Rows != len(shipped.Behaviour)+7+len(shipped.MQL) {
		t.Fatalf("suggestions: %s", res["suggested"])
	}
	for _, want := range []string{"営業の結果からの提案", "全 MQL：受け入れ率\n50%", "mql[0].min_behaviour 40 → 61", "行動スコア 61 未満では差し戻し", "+    min_behaviour: 61"} {
		if !strings.Contains(got.Text, strings.ReplaceAll(want, "\\n", "\n")) {
			t.Errorf("suggestions page lacks %q", want)
		}
	}
	for _, en := range []string{"better than", "worse than", "no clear difference", "too few outcomes", "accepted)"} {
		if strings.Contains(got.Text, en) {
			t.Errorf("English %q on the Japanese page", en)
		}
	}
}
