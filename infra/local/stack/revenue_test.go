package stack_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/infra/local/stack"
	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/stdwebhook"
)

// TestWonAmountInRevenueReport: a visitor comes from search, then a paid
// campaign, then a newsletter, and becomes an MQL; sales report the deal
// won with its amount over the signed feedback webhook. The revenue report
// credits the amount under first, last, linear and 40/20/40, by channel
// and by campaign, in JSON and CSV; a second person's open deal is the
// pipeline. The per-rep report and the KPI targets (JSON and dashboard)
// count the same month.
func TestWonAmountInRevenueReport(t *testing.T) {
	const secret = "whsec_c2VjcmV0LWZvci1yZXZlbnVlLXRlc3Rz"
	// Tuesday 24 November 2026, 01:00 UTC: 15 working days of 9h and
	// Monday the 23rd are gone, 144h of the month's 21 days (189h).
	clk := clock.NewManual(time.Date(2026, 11, 24, 1, 0, 0, 0, time.UTC))
	cfg := filepath.Join(t.TempDir(), "baton.yaml")
	if err := os.WriteFile(cfg, []byte("kpi_targets: {mql: 4, customer: 1}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := stack.ForTestClock(t, map[string]string{"BATON_FEEDBACK_SECRET": secret, "BATON_CONFIG": cfg}, clk.Now)
	send := func(body string) {
		t.Helper()
		clk.Advance(time.Minute)
		resp, err := http.Post(s.URL+"/e", "text/plain", strings.NewReader(body))
		if err != nil || resp.StatusCode != 204 {
			t.Fatalf("POST /e: %v %v", err, resp)
		}
	}
	const vid = "revenue-visitor-1"
	send(`{"type":"page_view","messageId":"rv-1","anonymousId":"` + vid + `","properties":{"url":"https://www.example.com/","referrer":"https://www.google.com/"}}`)
	send(`{"type":"page_view","messageId":"rv-2","anonymousId":"` + vid + `","properties":{"url":"https://www.example.com/pricing?utm_source=google&utm_medium=cpc&utm_campaign=brand"}}`)
	send(`{"type":"page_view","messageId":"rv-3","anonymousId":"` + vid + `","properties":{"url":"https://www.example.com/case?utm_source=newsletter&utm_medium=email&utm_campaign=nov-news"}}`)
	send(`{"type":"download","messageId":"rv-4","anonymousId":"` + vid + `","properties":{"url":"https://www.example.com/files/whitepaper.pdf"}}`)
	send(`{"type":"form_submit","messageId":"rv-5","anonymousId":"` + vid + `","properties":{"url":"https://www.example.com/contact","form":{"id":"contact"},"fields":{"email":"buyer@maker.example","title":"部長","employees":"500"}}}`)
	settle(t, s)
	p, err := s.App.People.ByEmail(context.Background(), "buyer@maker.example")
	if err != nil {
		t.Fatal(err)
	}
	other := qualifyOne(t, s, "revenue-visitor-2", "pipeline@maker.example")

	key, _ := stdwebhook.Key(secret)
	feedback := func(id, body string) string {
		t.Helper()
		clk.Advance(time.Minute)
		req, _ := http.NewRequest("POST", s.URL+"/feedback/webhook", bytes.NewReader([]byte(body)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("webhook-id", id)
		req.Header.Set("webhook-timestamp", strconv.FormatInt(clk.Now().Unix(), 10))
		req.Header.Set("webhook-signature", stdwebhook.Sign(key, id, clk.Now().Unix(), []byte(body)))
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("feedback %s: %v %v", id, err, resp)
		}
		defer resp.Body.Close()
		var b bytes.Buffer
		b.ReadFrom(resp.Body)
		return b.String()
	}
	if r := feedback("msg_won_1", `{"personId":"`+p.ID+`","outcome":"won","owner":"rep-a@acme.example","amount":1200000,"currency":"JPY","closeDate":"2026-11-24"}`); !strings.Contains(r, `"deal":true`) || !strings.Contains(r, `"stage":"customer"`) {
		t.Fatalf("won: %s", r)
	}
	if r := feedback("msg_opp_1", `{"personId":"`+other+`","outcome":"opportunity","owner":"rep-b@acme.example","amount":500000,"currency":"JPY","closeDate":"2026-12-18"}`); !strings.Contains(r, `"deal":true`) {
		t.Fatalf("opportunity: %s", r)
	}

	code, b := do(t, "GET", s.URL+"/admin/reports/revenue", token, "")
	var rev struct {
		Won, Pipeline map[string]map[string]map[string]map[string]float64
		Totals        []struct {
			Kind, Currency string
			Amount         float64
		}
	}
	if code != 200 || json.Unmarshal(b, &rev) != nil {
		t.Fatalf("revenue: %d %s", code, b)
	}
	won := rev.Won["JPY"]
	for _, c := range []struct {
		model, dim, group string
		amount            float64
	}{
		{"first", "channel", "search", 1200000}, {"last", "channel", "email", 1200000},
		{"linear", "channel", "search", 400000}, {"linear", "channel", "paid", 400000}, {"linear", "channel", "email", 400000},
		{"position", "channel", "search", 480000}, {"position", "channel", "paid", 240000}, {"position", "channel", "email", 480000},
		{"first", "campaign", "(none)", 1200000}, {"last", "campaign", "nov-news", 1200000}, {"linear", "campaign", "brand", 400000}, {"position", "campaign", "brand", 240000},
	} {
		if got := won[c.model][c.dim][c.group]; got != c.amount {
			t.Errorf("won %s %s %s = %v, want %v (%s)", c.model, c.dim, c.group, got, c.amount, b)
		}
	}
	for _, m := range []string{"first", "last", "linear", "position"} {
		if got := rev.Pipeline["JPY"][m]["channel"]["direct"]; got != 500000 {
			t.Errorf("pipeline %s direct = %v", m, got)
		}
		if _, ok := rev.Pipeline["JPY"][m]["channel"]["search"]; ok {
			t.Errorf("pipeline %s credits the won deal's touches: %v", m, rev.Pipeline)
		}
	}
	if len(rev.Totals) != 2 || rev.Totals[0].Kind != "won" || rev.Totals[0].Amount != 1200000 || rev.Totals[1].Kind != "pipeline" || rev.Totals[1].Amount != 500000 {
		t.Fatalf("totals %+v", rev.Totals)
	}
	// The sweep completes the reports' index of scored people: the report
	// then reads people by key and says the same.
	if _, err := s.App.Sweep(context.Background()); err != nil {
		t.Fatal(err)
	}
	if code, again := do(t, "GET", s.URL+"/admin/reports/revenue", token, ""); code != 200 || !bytes.Equal(again, b) {
		t.Fatalf("revenue through the index differs:\n%s\n%s", again, b)
	}
	// December (to: its last day, included) holds only the pipeline deal's close date.
	if code, b := do(t, "GET", s.URL+"/admin/reports/revenue?from=2026-12-01&to=2026-12-31", token, ""); code != 200 || strings.Contains(string(b), `"kind":"won"`) || !strings.Contains(string(b), `"kind":"pipeline"`) {
		t.Fatalf("december: %d %s", code, b)
	}
	code, b = do(t, "GET", s.URL+"/admin/reports/revenue?format=csv&by=channel", token, "")
	if code != 200 || !bytes.HasPrefix(b, []byte("\xef\xbb\xbf")) {
		t.Fatalf("revenue csv: %d %q", code, b)
	}
	recs, err := csv.NewReader(bytes.NewReader(b[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range recs {
		if strings.Join(r, ",") == "won,JPY,40/20/40,channel,paid,240000,0.2" {
			found = true
		}
		if r[3] == "campaign" {
			t.Fatalf("by=channel has campaign rows: %v", r)
		}
	}
	if !found || strings.Join(recs[0], ",") != "kind,currency,model,dimension,group,amount,deals" {
		t.Fatalf("revenue csv: %s", b)
	}
	if code, b := do(t, "GET", s.URL+"/admin/reports/revenue?by=color", token, ""); code != 400 || !strings.Contains(string(b), `"field":"by"`) {
		t.Fatalf("bad by: %d %s", code, b)
	}

	// Per rep: rep-a won 1.2M in a day; rep-b holds an open deal.
	code, b = do(t, "GET", s.URL+"/admin/reports/reps", token, "")
	var reps struct {
		Rows []struct {
			Owner, Dimension, Segment string
			MQLs, Accepted, WithinSLA int
			SQL, Won                  int
			WinRate                   float64
			WonAmount                 map[string]float64
		}
	}
	if code != 200 || json.Unmarshal(b, &reps) != nil {
		t.Fatalf("reps: %d %s", code, b)
	}
	rows := map[string]int{}
	for i, r := range reps.Rows {
		rows[r.Owner+"/"+r.Dimension+"/"+r.Segment] = i
	}
	if i, ok := rows["rep-a@acme.example/all/(all)"]; !ok || reps.Rows[i].MQLs != 1 || reps.Rows[i].Won != 1 || reps.Rows[i].WinRate != 1 || reps.Rows[i].WithinSLA != 1 || reps.Rows[i].WonAmount["JPY"] != 1200000 {
		t.Fatalf("rep-a: %s", b)
	}
	if i, ok := rows["rep-b@acme.example/channel/direct"]; !ok || reps.Rows[i].MQLs != 1 || reps.Rows[i].SQL != 1 || reps.Rows[i].Won != 0 {
		t.Fatalf("rep-b by channel: %s", b)
	}
	if i, ok := rows["(all)/all/(all)"]; !ok || i != 0 || reps.Rows[i].MQLs != 2 || reps.Rows[i].Accepted != 2 {
		t.Fatalf("all: %s", b)
	}
	if code, b := do(t, "GET", s.URL+"/admin/reports/reps?format=csv", token, ""); code != 200 || !strings.Contains(string(b), "rep-a@acme.example,all,(all),1,1,0,1,1,1,0,1,") || !strings.Contains(string(b), "JPY 1200000") {
		t.Fatalf("reps csv: %d %s", code, b)
	}

	// KPI: two MQLs and one customer so far, against 4 and 1 a month.
	code, b = do(t, "GET", s.URL+"/admin/reports/kpi", token, "")
	var kpi struct {
		Month   string
		Elapsed float64
		Rows    []struct {
			Stage          string
			Target, Actual int
			RunRate        float64
			OnTrack        bool
		}
	}
	if code != 200 || json.Unmarshal(b, &kpi) != nil || kpi.Month != "2026-11" || kpi.Elapsed != 0.762 || len(kpi.Rows) != 2 {
		t.Fatalf("kpi: %d %s", code, b)
	}
	// 144h of 189h gone: run rates 2 / (144/189) and 1 / (144/189).
	if r := kpi.Rows[0]; r.Stage != "mql" || r.Target != 4 || r.Actual != 2 || r.RunRate != 2.625 || r.OnTrack {
		t.Fatalf("mql: %+v", r)
	}
	if r := kpi.Rows[1]; r.Stage != "customer" || r.Target != 1 || r.Actual != 1 || r.RunRate != 1.313 || !r.OnTrack {
		t.Fatalf("customer: %+v", r)
	}
	if code, b := do(t, "GET", s.URL+"/admin/reports/kpi?month=2026-10", token, ""); code != 200 || !strings.Contains(string(b), `"elapsed":1`) || !strings.Contains(string(b), `"actual":0`) {
		t.Fatalf("october: %d %s", code, b)
	}
	if code, b := do(t, "GET", s.URL+"/admin/reports/kpi?month=november", token, ""); code != 400 || !strings.Contains(string(b), `"field":"month"`) {
		t.Fatalf("bad month: %d %s", code, b)
	}
	code, b = do(t, "GET", s.URL+"/admin/", token, "")
	page := string(b)
	if code != 200 || !strings.Contains(page, "KPI Nov 2026") || !strings.Contains(page, `<tr class="kpi-row" data-stage="mql"><td data-l="Stage">MQL</td><td data-l="target" class="n">4</td><td data-l="actual" class="n">2</td><td data-l="of target" class="n">50%</td><td data-l="run rate" class="n">2.6</td><td data-l="run rate of target" class="n">66%</td><td data-l="outlook">behind</td>`) ||
		!strings.Contains(page, `data-stage="customer"><td data-l="Stage">customer</td><td data-l="target" class="n">1</td><td data-l="actual" class="n">1</td><td data-l="of target" class="n">100%</td><td data-l="run rate" class="n">1.3</td><td data-l="run rate of target" class="n">131%</td><td data-l="outlook">on track</td>`) {
		t.Fatalf("dashboard: %d %s", code, b)
	}
	// The same, as a signed-in browser shows it.
	needChromium(t, "the dashboard must be rendered in CI")
	shot := filepath.Join(t.TempDir(), "dashboard-kpi.png")
	cmd := exec.Command("node", "../../../tag/browser/dashboard.mjs")
	cmd.Env = append(os.Environ(), "URL="+s.URL+"/admin/", "TOKEN="+token, "SHOT="+shot)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	var shown struct {
		Status int
		Text   string
	}
	if err != nil || json.Unmarshal(out, &shown) != nil {
		t.Fatalf("dashboard in chromium: %v %s", err, out)
	}
	if shown.Status != 200 || !strings.Contains(shown.Text, "KPI Nov 2026: target and run rate") || !strings.Contains(shown.Text, "76% of the month's working time gone") ||
		!strings.Contains(shown.Text, "MQL\t4\t2\t50%\t2.6\t66%\tbehind") || !strings.Contains(shown.Text, "customer\t1\t1\t100%\t1.3\t131%\ton track") {
		t.Fatalf("dashboard in chromium: %+v", shown)
	}
	if dir := os.Getenv("BATON_SCREENSHOTS"); dir != "" {
		b, _ := os.ReadFile(shot)
		os.WriteFile(filepath.Join(dir, "dashboard-kpi.png"), b, 0o644)
	}
}
