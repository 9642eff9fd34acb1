package stack_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/infra/local/stack"
	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/reports"
	"github.com/baton-hq/baton/internal/rulebook"
	"github.com/baton-hq/baton/internal/testutil/repo"
)

// opsStack is a Tokyo stack with KPI targets and a campaign, on a manual
// clock, for the Japanese marketing-ops user's pages.
func opsStack(t *testing.T, now time.Time) (*stack.Stack, *clock.Manual) {
	return opsStackTargets(t, now, "{mql: 4, customer: 1}")
}

// opsStackTargets is opsStack with the kpi_targets given (YAML).
func opsStackTargets(t *testing.T, now time.Time, targets string) (*stack.Stack, *clock.Manual) {
	t.Helper()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "baton.yaml")
	os.WriteFile(cfg, []byte("timezone: Asia/Tokyo\nlink_hosts: [www.example.com]\nkpi_targets: "+targets+"\n"), 0o600)
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

// uploadShown is what ops.mjs's upload step read on the page the upload
// answered.
type uploadShown struct {
	File, About, URL, Recipients, Status, Alert, Back string
	AddBox                                            string // the further part's box: checked, unchecked, '' (none)
	Over                                              []json.RawMessage
}

// TestRecipientUploadSaysRowProblems: a recipient list uploaded from the
// Japanese campaign page answers the campaign's page as it is now, before
// any reload: the list's count and time (it said リスト未アップロード until
// reloaded, the answer being a download), the rows that got no token and
// why, and a link to the tokenised list; its links still lead where they
// did. The list downloads with a column saying each refused row's line
// and reason in Japanese; the file opens in Excel (BOM, CRLF although the
// list had LF). A list that cannot be read says what is wrong on the
// campaign's page. API clients still get the CSV and X-Baton-Row-Errors.
func TestRecipientUploadSaysRowProblems(t *testing.T) {
	s, clk := opsStack(t, time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC))
	dir := t.TempDir()
	list, download := filepath.Join(dir, "list.csv"), filepath.Join(dir, "download.csv")
	os.WriteFile(list, []byte("email,name\nyamada@maker.example,山田\nnot-an-email,鈴木\n,佐藤\n"), 0o600)
	res := opsBrowser(t, s, "upload", "START=campaigns/ops-news", "LIST="+list, "DOWNLOAD="+download)
	var shown uploadShown
	json.Unmarshal(res["upload"], &shown)
	t.Logf("the page after the upload: %+v", shown)
	jst, _ := time.LoadLocation("Asia/Tokyo")
	listAt := clk.Now().In(jst).Format("2006年1月2日 15:04")
	if !strings.HasSuffix(shown.URL, "/admin/campaigns/ops-news/recipients") || strings.Contains(shown.Recipients, "リスト未アップロード") ||
		!strings.Contains(shown.Recipients, "受信者\n1\nアップロードしたリスト（"+listAt+"）の人数") || strings.Contains(shown.Recipients, "それ以前") { // the first list: no earlier one
		t.Errorf("the campaign's count right after the upload (at %s): %q", listAt, shown.Recipients)
	}
	for _, want := range []string{"リストをアップロードしました：1 人にトークンを付けました。", "2 行はトークンなし", "3 行目：「not-an-email」はメールアドレスではありません。", "4 行目：メールアドレスの項目がありません。", "トークン付きのリストをダウンロード"} {
		if !strings.Contains(shown.Status, want) {
			t.Errorf("the upload's status lacks %q: %q", want, shown.Status)
		}
	}
	if shown.Alert != "" || len(shown.Over) > 0 || !strings.HasSuffix(shown.Back, "/admin/campaigns") {
		t.Errorf("after the upload: alert %q, scrolls sideways %s, the breadcrumb led to %s", shown.Alert, shown.Over, shown.Back)
	}
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
		{"not-an-email", "鈴木", "", "3 行目：「not-an-email」はメールアドレスではありません。"},
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
	// The file fixed in Excel and uploaded again, replacing the list (the
	// box ticked by default unticked): the reasons refilled in their
	// column (none left: emptied), never made the people's attributes.
	fixed := strings.Replace(strings.Replace(string(text), "not-an-email,", "suzuki@maker.example,", 1), "\r\n,佐藤,", "\r\nsato@maker.example,佐藤,", 1)
	os.WriteFile(list, []byte(fixed), 0o600)
	again := opsBrowser(t, s, "upload", "START=campaigns/ops-news", "LIST="+list, "DOWNLOAD="+download, "SHOT=-again", "REPLACE=1")
	b, _ = os.ReadFile(download)
	rows, err = csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\ufeff")))).ReadAll()
	if err != nil || len(rows) != 4 || strings.Join(rows[0], "|") != "email|name|baton_token|エラー内容" || rows[2][2] == "" || rows[2][3] != "" || rows[3][2] == "" || rows[3][3] != "" {
		t.Fatalf("uploaded again: %v %s %q", err, again["upload"], b)
	}
	suzuki, err := s.App.People.ByEmail(t.Context(), "suzuki@maker.example")
	if err != nil || suzuki.Attributes["name"] != "鈴木" || strings.Contains(fmt.Sprint(suzuki.Attributes, suzuki.Custom), "行目") {
		t.Fatalf("the person from the fixed row: %+v %v", suzuki, err)
	}
	var upload uploadShown
	json.Unmarshal(again["upload"], &upload)
	if !strings.Contains(upload.Status, "リストをアップロードしました：3 人にトークンを付けました。") || !strings.Contains(upload.Status, "これまでのリスト（1 人）を置き換えました。") ||
		strings.Contains(upload.Status, "トークンなし") || !strings.Contains(upload.Recipients, "受信者\n3\n") {
		t.Errorf("the page after the fixed list: %+v", upload)
	}
	// A campaign made without UTM parameters says none (it said "utm /").
	if shown.File != "ops-news-recipients.csv" || strings.Contains(shown.About, "utm") || !strings.Contains(shown.About, "ops-news") {
		t.Errorf("the campaign page: %s", res["upload"])
	}
	// A list with no email column: the campaign's page says so by the
	// form, in Japanese; the count stays the last good list's.
	os.WriteFile(list, []byte("name,company\n山田,メーカー\n"), 0o600)
	bad := opsBrowser(t, s, "upload", "START=campaigns/ops-news", "LIST="+list, "SHOT=-bad")
	var refused uploadShown
	json.Unmarshal(bad["upload"], &refused)
	if !strings.HasPrefix(refused.Alert, "リストを読み込めませんでした：") || !strings.Contains(refused.Alert, "email") || refused.Status != "" || !strings.Contains(refused.Recipients, "受信者\n3\n") {
		t.Errorf("a list without an email column: %+v", refused)
	}
	// The API's answer: the list's columns, the problems in the header.
	status, hdr, api := postCSV(t, s, "/admin/recipients?campaign=ops-news", "email,name\nnot-an-email,x\n")
	if status != 200 || !strings.Contains(hdr.Get("X-Baton-Row-Errors"), `"line":2`) || hdr.Get("X-Baton-Row-Error-Count") != "1" || string(api) != "\ufeffemail,name,baton_token\nnot-an-email,x,\n" {
		t.Fatalf("API: %d %v %q", status, hdr, api)
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
		Over      []any
	}
	json.Unmarshal(res["suggested"], &got)
	t.Logf("%s", got.Text)
	shipped, err := rulebook.Load(filepath.Join(repo.Root(t), "infra", "rules.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(got.URL, "/admin/rules/suggestions?min_outcomes=10") || got.Rows != len(shipped.Behaviour)+len(shipped.Fit)+len(shipped.MQL) || len(got.Over) > 0 {
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

// TestDashboardKPIFollowsPeriod: in Tokyo, the dashboard's KPI is this
// month's until a period is picked, then the picked months' (a lead in
// October counted in October's KPI, seen in December), saying the days
// it covers; a period of several months is one table, a row a month, cut
// to the last 24 with a note. The elapsed share is rounded once, from the exact share:
// the clock is put where rounding the API's three decimals again would
// say one percent more. The CSV downloads name the period they cover.
func TestDashboardKPIFollowsPeriod(t *testing.T) {
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	october := time.Date(2026, 10, 15, 11, 0, 0, 0, tokyo)
	s, clk := opsStackTargets(t, october, "{lead: 3, mql: 4}")
	resp, err := http.Post(s.URL+"/e", "text/plain", strings.NewReader(`{"type":"form_submit","messageId":"oct-1","anonymousId":"oct-visitor-1","properties":{"url":"https://www.example.com/contact","fields":{"email":"oct@maker.example"}}}`))
	if err != nil || resp.StatusCode != 204 {
		t.Fatalf("POST /e: %v %v", err, resp)
	}
	settle(t, s)
	// A December moment whose elapsed share, rounded to the API's 0.001
	// and then to a whole percent, differs from the share rounded once.
	cal := s.App.Admin.Reports.Calendar
	start, end := reports.MonthOf(cal, time.Date(2026, 12, 1, 0, 0, 0, 0, tokyo))
	var now time.Time
	var once, twice string
	for at := start.AddDate(0, 0, 14); at.Before(end); at = at.Add(time.Minute) {
		e := reports.Elapsed(cal, start, end, at)
		once, twice = fmt.Sprintf("%.0f%%", e*100), fmt.Sprintf("%.0f%%", math.Round(e*1000)/1000*100)
		if once != twice {
			now = at
			break
		}
	}
	if now.IsZero() {
		t.Fatal("no moment in December where rounding twice differs")
	}
	clk.Set(now)
	res := opsBrowser(t, s, "dashboard", "START=", "FROM=2026-10-01", "TO=2026-10-31", "FROM2=2026-12-20", "TO2=2027-01-10", "FROM3=2024-10-01", "TO3=2027-03-31")
	var kpiNow, kpiPicked, kpiAhead, kpiLong struct {
		URL         string
		Heads, Text []string
		Over        []any
		Tables      int
		Months      []string
	}
	json.Unmarshal(res["kpiLong"], &kpiLong)
	t.Logf("ahead: %s\nlong: %s", res["kpiAhead"], res["kpiLong"])
	json.Unmarshal(res["kpiAhead"], &kpiAhead)
	json.Unmarshal(res["kpiNow"], &kpiNow)
	json.Unmarshal(res["kpiPicked"], &kpiPicked)
	t.Logf("now %s: once %s, twice %s\n%s\n%s", now, once, twice, res["kpiNow"], res["kpiPicked"])
	if len(kpiNow.Heads) != 1 || kpiNow.Heads[0] != "KPI 2026年12月：目標と着地見込み" || !strings.Contains(kpiNow.Text[0], "2026年12月1日〜2026年12月31日（JST）の実績") ||
		!strings.Contains(kpiNow.Text[0], "この月の営業時間の "+once+" が経過") {
		t.Errorf("this month's KPI: %s (elapsed rounded once: %s, twice: %s)", res["kpiNow"], once, twice)
	}
	if len(kpiPicked.Heads) != 1 || kpiPicked.Heads[0] != "KPI 2026年10月：目標と着地見込み" || !strings.Contains(kpiPicked.Text[0], "2026年10月1日〜2026年10月31日（JST）の実績") ||
		!strings.Contains(kpiPicked.Text[0], "この月の営業時間の 100% が経過") || !strings.Contains(kpiPicked.Text[0], "リード\t3\t1\t33%") {
		t.Errorf("the picked period's KPI: %s", res["kpiPicked"])
	}
	// The API: a period answers each of its months; a month, as before.
	code, b := do(t, "GET", s.URL+"/admin/reports/kpi?from=2026-10-20&to=2026-11-05", token, "")
	var months struct{ Months []reports.KPIReport }
	if code != 200 || json.Unmarshal(b, &months) != nil || len(months.Months) != 2 || months.Months[0].Month != "2026-10" || months.Months[0].Rows[0].Actual != 1 ||
		months.Months[1].From != "2026-11-01" || months.Months[1].To != "2026-11-30" {
		t.Errorf("kpi for a period: %d %s", code, b)
	}
	code, b = do(t, "GET", s.URL+"/admin/reports/kpi?month=2026-10", token, "")
	var one reports.KPIReport
	if code != 200 || json.Unmarshal(b, &one) != nil || one.Month != "2026-10" || one.Elapsed != 1 || one.Rows[0].Actual != 1 {
		t.Errorf("kpi for a month: %d %s", code, b)
	}
	if len(kpiPicked.Over) > 0 {
		t.Errorf("the dashboard does not fit: %v", kpiPicked.Over)
	}
	// A period running into January: one table, a row a month: December
	// with its run rate, January not begun, with none (it was "behind"
	// with 0.0).
	if len(kpiAhead.Heads) != 1 || kpiAhead.Heads[0] != "月別 KPI：目標と実績" || !strings.Contains(kpiAhead.Text[0], "\n2027年1月\t— / 3 未開始\t— / 4 未開始") ||
		!strings.Contains(kpiAhead.Text[0], "\n2026年12月 "+once+" 経過\t0 / 3 0%\n着地見込み 0.0（0%）") || strings.Contains(kpiAhead.Text[0], "合計") {
		t.Errorf("a period into months not begun: %s", res["kpiAhead"])
	}
	// A long period (30 months): one table of the last 24 months (it was
	// 24 tables, one under another), saying the period was cut, with
	// October's lead in its row and the begun months' total.
	want := []string{}
	for m := time.Date(2025, 4, 1, 0, 0, 0, 0, tokyo); m.Before(time.Date(2027, 4, 1, 0, 0, 0, 0, tokyo)); m = m.AddDate(0, 1, 0) {
		want = append(want, m.Format("2006-01"))
	}
	if kpiLong.Tables != 1 || len(kpiLong.Heads) != 1 || strings.Join(kpiLong.Months, " ") != strings.Join(want, " ") || len(kpiLong.Over) > 0 {
		t.Errorf("a long period: %d tables, months %q, scrolls sideways %v", kpiLong.Tables, kpiLong.Months, kpiLong.Over)
	}
	for _, w := range []string{"2025年4月1日〜2027年3月31日（JST）の各月の実績", "選んだ期間は 30 か月あります。KPI は直近の 24 か月を表示しています。", "\n2026年10月\t1 / 3 33%\t0 / 4 0%\n", "\n合計 開始済みの 21 か月\t1 / 63 2%\t0 / 84 0%"} {
		if len(kpiLong.Text) != 1 || !strings.Contains(kpiLong.Text[0], w) {
			t.Errorf("the long period's KPI lacks %q: %q", w, kpiLong.Text)
		}
	}
	var files map[string]string
	json.Unmarshal(res["files"], &files)
	if files["KPI"] != "kpi_2026-10-01_2026-10-31.csv" || files["ファネル"] != "funnel_2026-10-01_2026-10-31.csv" {
		t.Errorf("file names: %v", files)
	}
	// Every CSV bounded by a period names it; the same as the API's.
	for path, want := range map[string]string{
		"/admin/reports/revenue?format=csv&from=2026-10-01&to=2026-10-31":   "revenue_2026-10-01_2026-10-31.csv",
		"/admin/reports/reps?format=csv&from=2026-10-01&to=2026-10-31":      "reps_2026-10-01_2026-10-31.csv",
		"/admin/reports/sla?format=csv&from=2026-10-01":                     "sla_2026-10-01_" + now.Format("2006-01-02") + ".csv",
		"/admin/reports/attribution?format=csv&to=2026-10-31":               "attribution_until_2026-10-31.csv",
		"/admin/reports/kpi?format=csv&month=2026-11":                       "kpi_2026-11-01_2026-11-30.csv",
		"/admin/audit?format=csv&from=2026-10-01&to=2026-10-31":             "audit_2026-10-01_2026-10-31.csv",
		"/admin/reports/funnel?format=csv&from=2026-10-01T00:00:00%2B09:00": "funnel_2026-10-01_" + now.Format("2006-01-02") + ".csv",
	} {
		req, _ := http.NewRequest("GET", s.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if cd := resp.Header.Get("Content-Disposition"); resp.StatusCode != 200 || cd != `attachment; filename=`+want {
			t.Errorf("%s: %d %q, want %s", path, resp.StatusCode, cd, want)
		}
	}
}

// TestScoreOnePrecision: a lead whose score decayed before the form that
// qualified them: the Japanese person page's header and the MQL's reason
// say the score at one precision (qualify.ScoreText: one decimal), not
// 55.6 above and 55.64 below; the summary sales get says it the same way.
func TestScoreOnePrecision(t *testing.T) {
	clk := clock.NewManual(time.Date(2026, 11, 2, 1, 0, 0, 0, time.UTC))
	s := stack.ForTestClock(t, nil, clk.Now)
	send := func(body string) {
		t.Helper()
		resp, err := http.Post(s.URL+"/e", "text/plain", strings.NewReader(body))
		if err != nil || resp.StatusCode != 204 {
			t.Fatalf("POST /e: %v %v", err, resp)
		}
		resp.Body.Close()
	}
	send(`{"type":"page_view","messageId":"dec-1","anonymousId":"decay-visitor","properties":{"url":"https://www.example.com/pricing"}}`)
	send(`{"type":"download","messageId":"dec-2","anonymousId":"decay-visitor","properties":{"url":"https://www.example.com/files/whitepaper.pdf"}}`)
	settle(t, s)
	clk.Advance(10 * 24 * time.Hour) // a third of the half-life: 26 points decay to 20.64
	send(`{"type":"form_submit","messageId":"dec-3","anonymousId":"decay-visitor","properties":{"url":"https://www.example.com/contact","form":{"id":"contact"},"fields":{"email":"decay@maker.example","title":"部長","employees":"500"}}}`)
	settle(t, s)
	p, err := s.App.People.ByEmail(t.Context(), "decay@maker.example")
	if err != nil {
		t.Fatal(err)
	}
	mqls, err := s.App.Qualifier.MQLs(t.Context(), p.ID)
	if err != nil || len(mqls) != 1 {
		t.Fatalf("MQLs: %v %v", mqls, err)
	}
	score := mqls[0].Verdict.Behaviour
	if score == qualify.ScoreRound(score) {
		t.Fatalf("the score %v has no second decimal: the test shows nothing", score)
	}
	res := opsBrowser(t, s, "person", "START=people/"+p.ID, "PERSON="+p.ID)
	var shown struct {
		Header  string
		Reasons []string
	}
	json.Unmarshal(res["person"], &shown)
	want := qualify.ScoreText(score)
	if shown.Header != want || len(shown.Reasons) == 0 || shown.Reasons[0] != "行動スコア "+want+" ≥ 40" {
		t.Fatalf("score %v: header %q, reasons %q; want %s in both", score, shown.Header, shown.Reasons, want)
	}
	// A fact stored before (two decimals) reads the same on the page.
	if got := (qualify.FactText(fmt.Sprintf("behaviour %g >= 40", score))); got != "behaviour "+want+" >= 40" {
		t.Errorf("stored fact: %q", got)
	}
}
