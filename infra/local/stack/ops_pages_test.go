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
	cmd.Env = append(os.Environ(), append([]string{"STEPS=" + steps, "URL=" + s.URL + "/admin/", "TOKEN=" + token, "CAMPAIGN=ops-news", "SHOTS=" + screenshotDir(t.TempDir())}, env...)...)
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
	res := opsBrowser(t, s, "upload", "LIST="+list, "DOWNLOAD="+download)
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
