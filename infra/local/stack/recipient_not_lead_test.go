package stack_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/infra/local/stack"
	"github.com/baton-hq/baton/internal/clock"
)

// TestRecipientWhoNeverClickedInChromium: a recipient list names 髙橋
// 﨑子, who never clicks. The funnel counts no lead of her (nothing of hers
// was scored), and her page said ステージ リード all the same; a search by
// 髙橋 found nothing and said nothing. In Chromium, in Japanese and
// English: her page's stage is 受信者 / recipient with why she is no lead
// yet; the search by 高橋 (as typed) finds the scored 髙橋 一郎 and says
// that a recipient who never clicked is found by her whole email.
func TestRecipientWhoNeverClickedInChromium(t *testing.T) {
	clk := clock.NewManual(time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC))
	s := stack.ForTestClock(t, nil, clk.Now)
	newsletterLinks(t, s) // campaign nov-news
	resp, err := http.Post(s.URL+"/e", "text/plain", strings.NewReader(`{"type":"form_submit","messageId":"rc-1","anonymousId":"ichiro-browser","properties":{"url":"https://www.example.co.jp/contact","form":{"id":"contact"},"fields":{"email":"ichiro@delta.example.jp","姓":"髙橋","名":"一郎","company":"デルタ"}}}`))
	if err != nil || resp.StatusCode != 204 {
		t.Fatalf("form: %v %v", err, resp)
	}
	resp.Body.Close()
	if status, _, out := postCSV(t, s, "/admin/recipients?campaign=nov-news", "姓,名,会社名,メールアドレス\r\n髙橋,﨑子,デルタ,saki@delta.example.jp\r\n"); status != 200 {
		t.Fatalf("recipients: %d %s", status, out)
	}
	settle(t, s)
	saki, err := s.App.People.ByEmail(context.Background(), "saki@delta.example.jp")
	if err != nil {
		t.Fatal(err)
	}
	code, b := admin_(t, s, "/admin/reports/funnel", token)
	var funnel struct {
		Counters map[string]map[string]float64 `json:"counters"`
	}
	if err := json.Unmarshal(b, &funnel); code != 200 || err != nil || funnel.Counters["(all)"]["lead"] != 1 {
		t.Fatalf("funnel: %d %v %s", code, err, b)
	}

	needChromium(t, "what a recipient who never clicked is must be read on the pages in CI")
	cmd := exec.Command("node", "../../../tag/browser/recipient.mjs")
	cmd.Env = append(os.Environ(), "URL="+s.URL+"/admin/", "TOKEN="+token, "SHOTS="+screenshotDir(t.TempDir()), "PAGES=people/"+saki.ID+",people?q="+url.QueryEscape("高橋"))
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("recipient.mjs: %v %s", err, out)
	}
	type seen struct {
		Stage, NotLead, ByName string
		Rows                   []string
		Overflow               []any
	}
	var res map[string]json.RawMessage
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	for _, c := range []struct{ name, stage, notStage, notLead, byName string }{
		{"ja-0", "受信者", "リード", "まだリードではありません", ""},
		{"en-0", "recipient", "lead\n", "Not a lead yet", ""},
		{"ja-1", "", "", "", "メールアドレス全体で検索してください"},
		{"en-1", "", "", "", "found by their whole email address"},
	} {
		var v seen
		if err := json.Unmarshal(res[c.name], &v); err != nil {
			t.Fatalf("%s: %v %s", c.name, err, res[c.name])
		}
		if !strings.Contains(v.Stage, c.stage) || (c.notStage != "" && strings.Contains(v.Stage+"\n", c.notStage)) {
			t.Errorf("%s: her stage reads %q, want %s", c.name, v.Stage, c.stage)
		}
		if !strings.Contains(v.NotLead, c.notLead) || !strings.Contains(v.ByName, c.byName) {
			t.Errorf("%s: notes %q / %q", c.name, v.NotLead, v.ByName)
		}
		if c.name[3] == '1' && (len(v.Rows) != 1 || !strings.Contains(v.Rows[0], "髙橋 一郎") || strings.Contains(strings.Join(v.Rows, ""), "saki@")) {
			t.Errorf("%s: the search by 高橋 lists %q, want 髙橋 一郎 alone", c.name, v.Rows)
		}
		if len(v.Overflow) > 0 {
			t.Errorf("%s does not fit: %v", c.name, v.Overflow)
		}
	}
	var errs []string
	json.Unmarshal(res["errors"], &errs)
	if len(errs) > 0 {
		t.Errorf("console errors %v", errs)
	}
}
