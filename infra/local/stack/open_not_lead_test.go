package stack_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/infra/local/stack"
	"github.com/baton-hq/baton/internal/clock"
)

// TestRecipientsOpenMakesNoLead: a recipient opens the newsletter once, in
// an ordinary mail client, and never clicks. No rule of the default rules
// names email_open, so the open scored nothing, yet it made her a lead:
// the funnel counted one more, her page said リード next to まだスコアは
// ありません, and explain said scored. She stays a recipient: the funnel's
// leads unchanged, her page's stage 受信者, explain's scored false.
func TestRecipientsOpenMakesNoLead(t *testing.T) {
	clk := clock.NewManual(time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC))
	s := stack.ForTestClock(t, nil, clk.Now)
	newsletterLinks(t, s) // campaign nov-news
	resp, err := http.Post(s.URL+"/e", "text/plain", strings.NewReader(`{"type":"form_submit","messageId":"ol-1","anonymousId":"ichiro-browser","properties":{"url":"https://www.example.co.jp/contact","form":{"id":"contact"},"fields":{"email":"ichiro@delta.example.jp","company":"デルタ"}}}`))
	if err != nil || resp.StatusCode != 204 {
		t.Fatalf("form: %v %v", err, resp)
	}
	resp.Body.Close()
	status, _, out := postCSV(t, s, "/admin/recipients?campaign=nov-news", "姓,名,会社名,メールアドレス\r\n髙橋,﨑子,デルタ,saki@delta.example.jp\r\n")
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(out), "\xef\xbb\xbf"))).ReadAll()
	if status != 200 || err != nil || len(rows) != 2 || rows[0][len(rows[0])-1] != "baton_token" || rows[1][len(rows[1])-1] == "" {
		t.Fatalf("recipients: %d %v %s", status, err, out)
	}
	tok := rows[1][len(rows[1])-1]
	settle(t, s)
	ctx := context.Background()
	saki, err := s.App.People.ByEmail(ctx, "saki@delta.example.jp")
	if err != nil {
		t.Fatal(err)
	}
	leads := func() float64 {
		t.Helper()
		code, b := admin_(t, s, "/admin/reports/funnel", token)
		var funnel struct {
			Counters map[string]map[string]float64 `json:"counters"`
		}
		if err := json.Unmarshal(b, &funnel); code != 200 || err != nil {
			t.Fatalf("funnel: %d %v %s", code, err, b)
		}
		return funnel.Counters["(all)"]["lead"]
	}
	before := leads()
	if before != 1 {
		t.Fatalf("the funnel counts %v leads before the open, want 1 (the form's)", before)
	}

	clk.Advance(26 * time.Hour)
	req, _ := http.NewRequest("GET", s.URL+"/o/nov-news/"+tok+".gif", nil)
	req.Header.Set("User-Agent", chromeUA)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 200 {
		t.Fatalf("open: %v %v", err, resp)
	} else {
		resp.Body.Close()
	}
	settle(t, s)
	opens, err := s.App.Events.Visitor(ctx, "o:"+saki.ID)
	if err != nil || len(opens) != 1 || opens[0].Flagged() {
		t.Fatalf("her open: %+v %v, want one a reader's", opens, err)
	}

	if n := leads(); n != before {
		t.Errorf("the funnel counts %v leads after her open, want %v", n, before)
	}
	code, b := page(t, s, "/admin/people/"+saki.ID+"?lang=ja", token)
	if code != 200 || !strings.Contains(string(b), "<b>受信者</b>") || strings.Contains(string(b), "<b>リード</b>") || !strings.Contains(string(b), `id="not-lead"`) {
		_, stage, _ := strings.Cut(string(b), "ステージ")
		stage, _, _ = strings.Cut(stage, "</div>")
		t.Errorf("her page after the open: %d, stage %q, want 受信者 with why she is no lead", code, stage)
	}
	code, b = admin_(t, s, "/admin/people/"+saki.ID+"/explain", token)
	var ex struct {
		Scored *bool `json:"scored"`
	}
	if err := json.Unmarshal(b, &ex); code != 200 || err != nil || ex.Scored == nil || *ex.Scored {
		t.Errorf("explain after the open: %d %v %s, want scored false", code, err, b)
	}
}
