package stack_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/infra/local/stack"
	"github.com/baton-hq/baton/internal/clock"
)

// TestReportDaysInJST: in Tokyo, one lead becomes an MQL at 23:40 on the
// last day of November and another at 00:10 on 1 December. A marketer who
// picks a period on the dashboard (from and to are both days of it) sees
// each in its own day and month, the reports and their write-time
// counters agreeing with the MQL list's filter; the Japanese dashboard says
// the SLA in Japanese and, on a 390 px phone, shows the KPI table as
// labelled cards, no word broken over lines.
func TestReportDaysInJST(t *testing.T) {
	clk := clock.NewManual(time.Date(2026, 11, 30, 14, 40, 0, 0, time.UTC)) // 23:40 JST, Monday 30 November
	cfg := filepath.Join(t.TempDir(), "baton.yaml")
	conf := "timezone: Asia/Tokyo\nkpi_targets: {mql: 2}\nsla: {accept_within: 24h, business_time: true}\n" +
		"calendar: {working_days: [mon, tue, wed, thu, fri], hours: \"09:00-18:00\", holidays: [japan]}\n"
	if err := os.WriteFile(cfg, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	s := stack.ForTestClock(t, map[string]string{"BATON_CONFIG": cfg}, clk.Now)
	qualifyOne(t, s, "jst-visitor-1", "misoka@maker.example")
	clk.Advance(30 * time.Minute) // 00:10 JST, 1 December
	qualifyOne(t, s, "jst-visitor-2", "tsuitachi@maker.example")

	for _, c := range []struct {
		from, to string
		mqls     int
	}{
		{"2026-11-30", "2026-11-30", 1}, // the month's last day, to its midnight
		{"2026-12-01", "2026-12-01", 1},
		{"2026-11-01", "2026-11-30", 1}, // November as the date pickers say it
		{"2026-11-30", "2026-12-01", 2},
		{"2026-12-02", "2026-12-31", 0},
	} {
		q := "?from=" + c.from + "&to=" + c.to
		code, b := do(t, "GET", s.URL+"/admin/reports/funnel"+q, token, "")
		var funnel struct {
			Rows []struct {
				Group  string
				Counts map[string]int
			}
			Counters map[string]map[string]int
		}
		if code != 200 || json.Unmarshal(b, &funnel) != nil {
			t.Fatalf("funnel %s: %d %s", q, code, b)
		}
		got := 0
		if len(funnel.Rows) > 0 {
			got = funnel.Rows[0].Counts["mql"]
		}
		if got != c.mqls || funnel.Counters["(all)"]["mql"] != c.mqls {
			t.Errorf("funnel %s: %d MQLs, counters %v; want %d", q, got, funnel.Counters, c.mqls)
		}
		if code, b := do(t, "GET", s.URL+"/admin/reports/mql-quality"+q+"&format=csv", token, ""); code != 200 || !strings.Contains(string(b), "condition,hot-and-fit,Active and a good fit,"+strconv.Itoa(c.mqls)+",") { // a row of zeros in a period of none
			t.Errorf("quality %s: %d %s", q, code, b)
		}
		// The MQL list, filtered by the same days, names the same people.
		code, page := workspacePage(t, s, "/admin/mqls"+q, "")
		if n := strings.Count(page, "misoka@maker.example") + strings.Count(page, "tsuitachi@maker.example"); code != 200 || (n > 0) != (c.mqls > 0) {
			t.Errorf("MQL list %s: %d, %d mentions", q, code, n)
		}
		// And its JSON, which ignored the filters (every MQL, whatever asked).
		if ms, _ := mqlsJSON(t, s, q+"&condition=hot-and-fit", 200); len(ms) != c.mqls {
			t.Errorf("GET /admin/mqls%s: %d MQLs, want %d", q, len(ms), c.mqls)
		}
	}
	if ms, _ := mqlsJSON(t, s, "?condition=no-such-condition", 200); len(ms) != 0 {
		t.Errorf("another condition's MQLs: %v", ms)
	}
	// Paged: the newest first, then the next, then nothing more (a full
	// answer has a next, which may find nothing).
	first, next := mqlsJSON(t, s, "?limit=1&stage=mql", 200)
	second, next2 := mqlsJSON(t, s, "?limit=1&stage=mql&after="+url.QueryEscape(next), 200)
	third, end := mqlsJSON(t, s, "?limit=1&stage=mql&after="+url.QueryEscape(next2), 200)
	if len(first) != 1 || first[0] != "tsuitachi@maker.example" || len(second) != 1 || second[0] != "misoka@maker.example" || len(third) != 0 || end != "" {
		t.Errorf("pages %v (next %q), %v (next %q), %v (next %q)", first, next, second, next2, third, end)
	}
	for _, q := range []string{"?stage=hot", "?from=2026-13-01", "?from=2026-12-02&to=2026-12-01", "?after=%ff", "?condition=a&condition=b"} {
		mqlsJSON(t, s, q, 400)
	}

	needChromium(t, "the Japanese dashboard must be rendered in CI")
	dir := screenshotDir(t.TempDir())
	cmd := exec.Command("node", "../../../tag/browser/dashboard.mjs")
	cmd.Env = append(os.Environ(), "URL="+s.URL+"/admin/?from=2026-11-30&to=2026-11-30", "TOKEN="+token, "SHOT="+filepath.Join(dir, "dashboard-ja-period.png"), "JA=1")
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	var shown struct {
		Status int
		Text   string
		Phone  []string
		Over   []any
	}
	if err != nil || json.Unmarshal(out, &shown) != nil {
		t.Fatalf("dashboard in chromium: %v %s", err, out)
	}
	if shown.Status != 200 || !strings.Contains(shown.Text, "フォロー状況（SLA 営業時間で 24 時間）") || strings.Contains(shown.Text, "business") {
		t.Errorf("the SLA is not said in Japanese:\n%s", shown.Text)
	}
	// The KPI of the period picked (30 November: November's, a month
	// gone, its run rate its actual), not this month's.
	if !strings.Contains(shown.Text, "KPI 2026年11月") || strings.Join(shown.Phone, " | ") != "ステージ: MQL | 目標: 2 | 実績: 1 | 達成率: 50% | 着地見込み: 1.0 | 見込み達成率: 50% | 見通し: 未達見込み" {
		t.Errorf("KPI on a phone, not as labelled cards: %q", shown.Phone)
	}
	if len(shown.Over) > 0 {
		t.Errorf("the Japanese dashboard does not fit: %v", shown.Over)
	}
}

// TestDashboardSaysAnEmptyPeriod: on a new install (or a period nothing
// happened in) the dashboard says so under each chart and table, in the
// page's language, instead of blank charts and tables of headings only.
func TestDashboardSaysAnEmptyPeriod(t *testing.T) {
	s := stack.ForTest(t, nil)
	for lang, empty := range map[string]string{"ja": "この期間のデータはありません。", "en": "Nothing in this period."} {
		code, page := workspacePage(t, s, "/admin/?from=2026-11-01&to=2026-11-30", lang)
		// The funnel's chart has its six stages at 0; the MQLs by channel and
		// by condition, the funnel by channel, the follow-up and the quality
		// tables have nothing.
		if code != 200 || strings.Count(page, `<p class="muted empty">`+empty+`</p>`) != 5 || strings.Count(page, `<svg aria-hidden="true" class="chart-wide"`) != 1 || strings.Contains(page, "<table class=\"cards\"><thead><tr><th>"+map[string]string{"ja": "グループ", "en": "Group"}[lang]) {
			t.Errorf("%s: %d\n%s", lang, code, page)
		}
	}
}

// TestDashboardNamesItsGrouping: grouped by campaign (or source, medium),
// the dashboard's MQL chart and funnel table say so, in both languages;
// they said "by channel" over rows of campaigns.
func TestDashboardNamesItsGrouping(t *testing.T) {
	s := stack.ForTest(t, nil)
	resp, err := http.Post(s.URL+"/e", "text/plain", strings.NewReader(`{"type":"page_view","messageId":"g-1","anonymousId":"grouping-visitor","properties":{"url":"https://www.example.com/pricing?utm_source=newsletter&utm_medium=email&utm_campaign=%E5%B9%B4%E6%9C%AB%E3%82%BB%E3%83%9F%E3%83%8A%E3%83%BC"}}`))
	if err != nil || resp.StatusCode != 204 {
		t.Fatalf("POST /e: %v %v", err, resp)
	}
	resp.Body.Close()
	qualifyOne(t, s, "grouping-visitor", "nenmatsu@maker.example")
	for _, c := range []struct{ lang, by, chart, table string }{
		{"ja", "campaign", "キャンペーン別 MQL", "初回接点キャンペーン別ファネル"},
		{"ja", "medium", "メディア別 MQL", "初回接点メディア別ファネル"},
		{"ja", "channel", "チャネル別 MQL", "初回接点チャネル別ファネル"},
		{"en", "source", "MQLs by source", "Funnel by first-touch source"},
	} {
		code, page := workspacePage(t, s, "/admin/?by="+c.by, c.lang)
		if code != 200 || !strings.Contains(page, "<h2>"+c.chart+"</h2>") || !strings.Contains(page, "<h2>"+c.table+"</h2>") {
			t.Errorf("%s by %s: %d, want %q and %q", c.lang, c.by, code, c.chart, c.table)
		}
		if c.by == "campaign" && !strings.Contains(page, "年末セミナー") {
			t.Errorf("by campaign: the campaign is not a row:\n%s", page)
		}
	}
}

// TestDashboardSaysSwappedDates: a period whose end is before its start
// is refused, saying so (the dashboard showed it as a period with nothing
// in it); the same day as start and end is one day.
func TestDashboardSaysSwappedDates(t *testing.T) {
	s := stack.ForTest(t, nil)
	if code, b := do(t, "GET", s.URL+"/admin/reports/funnel?from=2026-12-01&to=2026-11-30", token, ""); code != 400 || !strings.Contains(string(b), `"field":"to"`) {
		t.Errorf("swapped dates: %d %s", code, b)
	}
	if code, b := do(t, "GET", s.URL+"/admin/reports/funnel?from=2026-12-01&to=2026-12-01", token, ""); code != 200 {
		t.Errorf("one day: %d %s", code, b)
	}
	for _, page := range []string{"", "mqls"} { // the dashboard, and the MQL list's own date filter
		code, b := workspacePage(t, s, "/admin/"+page+"?from=2026-12-01&to=2026-11-30", "ja")
		if code != 400 || !strings.Contains(b, `<p class="error" role="alert" id="filter-error">終了日（to）が開始日（from）より前です。</p>`) {
			t.Errorf("/admin/%s: %d %s", page, code, b)
		}
	}
}

// workspacePage is a workspace page as a browser gets it, in lang ("": the
// default), with the admin token.
func workspacePage(t *testing.T, s *stack.Stack, path, lang string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", s.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", "text/html")
	if lang != "" {
		req.Header.Set("Accept-Language", lang)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// mqlsJSON asks GET /admin/mqls with q for the answer's status want, and
// returns the MQLs' emails and next.
func mqlsJSON(t *testing.T, s *stack.Stack, q string, want int) (emails []string, next string) {
	t.Helper()
	code, b := do(t, "GET", s.URL+"/admin/mqls"+q, token, "")
	var got struct {
		MQLs []struct{ Email string }
		Next string
	}
	if code != want || json.Unmarshal(b, &got) != nil {
		t.Fatalf("GET /admin/mqls%s: %d %s, want %d", q, code, b, want)
	}
	for _, m := range got.MQLs {
		emails = append(emails, m.Email)
	}
	return emails, got.Next
}
