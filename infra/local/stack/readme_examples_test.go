package stack_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/infra/local/stack"
	"github.com/baton-hq/baton/internal/clock"
)

// TestREADMEExampleFiles: the README's newsletter and offline steps post
// docs/examples/recipients.csv and japan-it-week.csv; a newcomer found no
// such files and had to make their own. They are there, and each step
// takes its file whole (every row a token, every touch imported).
func TestREADMEExampleFiles(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "baton.yaml")
	if err := os.WriteFile(cfg, []byte("timezone: Asia/Tokyo\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	clk := clock.NewManual(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)) // after the list's fair
	s := stack.ForTestClock(t, map[string]string{"BATON_CONFIG": cfg}, clk.Now)
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join("..", "..", "..", "docs", "examples", name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	readme, err := os.ReadFile(filepath.Join("..", "..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"@docs/examples/recipients.csv", "@docs/examples/japan-it-week.csv"} {
		if !strings.Contains(string(readme), f) {
			t.Errorf("the README no longer posts %s", f)
		}
	}

	if code, b := do(t, "POST", s.URL+"/admin/links", token, `{"campaign":"nov-news","urls":["https://www.example.com/webinar"]}`); code != 201 {
		t.Fatalf("POST /admin/links: %d %s", code, b)
	}
	status, _, out := postCSV(t, s, "/admin/recipients?campaign=nov-news", read("recipients.csv"))
	if status != 200 || strings.Count(string(out), "\n") != 4 || strings.Contains(string(out), "エラー") {
		t.Errorf("recipients: %d %s", status, out)
	}

	status, _, b := postCSV(t, s, "/admin/touches", read("japan-it-week.csv"))
	var res struct {
		Rows, Imported int
		Errors         []json.RawMessage
	}
	if status != 200 || json.Unmarshal(b, &res) != nil || res.Rows != 2 || res.Imported != 2 || len(res.Errors) != 0 {
		t.Errorf("touches: %d %s", status, b)
	}
}
