package stack_test

import (
	"bytes"
	"cmp"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/japanese"

	"github.com/baton-hq/baton/infra/local/stack"
	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/visitor"
)

// TestWorkspaceInChromium is the workspace's "done when", in Chromium: a
// marketer creates a campaign and its tracked links in the form, uploads
// the recipient list (Shift_JIS, as Excel saves it), sees the campaign's
// page say the list's count at once and downloads the tokenised CSV from it; the recipients click (one person, one scanner) and
// Apple Mail Privacy Protection fetches the pixel; the marketer reads the
// report and opens the person who clicked; sales opens the MQL from the
// list and sees why and what the person did. Every page fits 1,280 and
// 390 px without sideways scrolling, logs no console error, and is in
// Japanese for a browser that asks for it.
func TestWorkspaceInChromium(t *testing.T) {
	needChromium(t, "the workspace must be tested in a browser in CI")
	dir := t.TempDir()
	shots := screenshotDir(dir)
	cfg := filepath.Join(dir, "baton.yaml")
	os.WriteFile(cfg, []byte("timezone: Asia/Tokyo\nlink_hosts: [www.example.com]\n"), 0o600)
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	sentAt := time.Date(2026, 11, 24, 10, 0, 0, 0, tokyo)
	clk := clock.NewManual(sentAt.Add(-3 * time.Hour))
	s := stack.ForTestClock(t, map[string]string{"BATON_CONFIG": cfg, "BATON_TRUST_PROXY": "1", "BATON_SITE_ORIGINS": "https://www.example.com"}, clk.Now)

	// The lead fills in a form on the site (grade A: CEO, software) and
	// reads the white paper, before the newsletter.
	collect := func(body string) {
		t.Helper()
		req, _ := http.NewRequest("POST", s.URL+"/e", strings.NewReader(body))
		req.Header.Set("Content-Type", "text/plain")
		req.Header.Set("User-Agent", chromeUA)
		req.Header.Set("X-Forwarded-For", "203.0.113.10")
		req.AddCookie(&http.Cookie{Name: visitor.CookieName, Value: "lead-laptop-0001"})
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != 204 {
			t.Fatalf("POST /e: %v %v", err, resp)
		}
		resp.Body.Close()
	}
	collect(`{"type":"form_submit","messageId":"ws-1","properties":{"url":"https://www.example.com/signup","form":{"id":"signup"},"fields":{"email":"ceo@acme-software.example","name":"山田 太郎","company":"Acme Software","title":"CEO","industry":"software","website":"https://www.acme-software.example/products/enterprise-data-platform/overview?utm_source=linkedin_campaign_2026"}}}`)
	clk.Advance(time.Minute)
	collect(`{"type":"download","messageId":"ws-2","properties":{"url":"https://www.example.com/files/whitepaper.pdf"}}`)
	collect(`{"type":"page_view","messageId":"ws-3","properties":{"url":"https://www.example.com/blog/why-baton-and-a-very-long-path-that-would-overflow-a-phone-screen-if-it-did-not-wrap","title":"A blog post"}}`)
	settle(t, s)
	clk.Set(sentAt.Add(-time.Hour))

	// The recipient list, as Excel saves it in Japan.
	list := filepath.Join(dir, "recipients.csv")
	sjis, err := japanese.ShiftJIS.NewEncoder().String("email,name,company\r\nceo@acme-software.example,山田 太郎,Acme Software\r\nhanako@maker.example,佐藤 花子,メーカー株式会社\r\n")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(list, []byte(sjis), 0o600)
	download := filepath.Join(dir, "download.csv")
	run := func(phase string, env ...string) map[string]json.RawMessage {
		t.Helper()
		cmd := exec.Command("node", "../../../tag/browser/workspace.mjs")
		cmd.Env = append(os.Environ(), append([]string{"PHASE=" + phase, "URL=" + s.URL + "/admin/", "TOKEN=" + token, "SHOTS=" + shots}, env...)...)
		cmd.Stderr = os.Stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("workspace.mjs %s: %v %s", phase, err, out)
		}
		var res map[string]json.RawMessage
		if err := json.Unmarshal(out, &res); err != nil {
			t.Fatalf("%s: %v %s", phase, err, out)
		}
		var errs []string
		json.Unmarshal(res["errors"], &errs)
		if len(errs) > 0 {
			t.Errorf("%s: console errors: %v", phase, errs)
		}
		return res
	}

	// The marketer: a campaign in the form, the list uploaded, the
	// tokenised CSV downloaded.
	res := run("create", "SENT="+sentAt.Format("2006-01-02T15:04"), "LIST="+list, "DOWNLOAD="+download)
	var created struct {
		URL, Note string
		Tracked   [][3]string // destination, tracked link, "honeypot"
	}
	json.Unmarshal(res["created"], &created)
	if !strings.HasSuffix(created.URL, "/admin/campaigns/nov-news?m=created") || !strings.Contains(created.Note, "Campaign created") || len(created.Tracked) != 3 || created.Tracked[2][2] != "honeypot" {
		t.Fatalf("created: %s", res["created"])
	}
	var uploaded struct{ URL, Status, Stats string }
	json.Unmarshal(res["uploaded"], &uploaded)
	if !strings.HasSuffix(uploaded.URL, "/admin/campaigns/nov-news/recipients") || !strings.HasPrefix(uploaded.Status, "List uploaded: 2 recipients got a token.") ||
		!strings.HasPrefix(uploaded.Stats, "Recipients\n2\nin the list uploaded") || strings.Contains(uploaded.Stats, "earlier lists") || strings.Contains(uploaded.Stats, "no list uploaded yet") {
		t.Errorf("the page the upload answered: %s", res["uploaded"])
	}
	var badForm struct{ Alert, Kept string }
	json.Unmarshal(res["badForm"], &badForm)
	if !strings.Contains(badForm.Alert, "Campaign id: 1-64") || badForm.Kept != "https://www.example.com/" {
		t.Errorf("bad form: %s", res["badForm"])
	}
	camp, err := s.App.Links.Campaign(context.Background(), "nov-news")
	if err != nil || !camp.SentAt.Equal(sentAt) || camp.Name != "November newsletter" || camp.UTM.Campaign != "nov-news" || camp.Recipients != 2 {
		t.Fatalf("campaign as stored: %+v %v (the send time is in the configured zone)", camp, err)
	}
	b, _ := os.ReadFile(download)
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\ufeff")))).ReadAll()
	if err != nil || len(rows) != 3 || rows[0][3] != "baton_token" || rows[1][1] != "山田 太郎" || rows[1][3] == "" || rows[2][3] == "" {
		t.Fatalf("downloaded CSV: %v %q", err, b)
	}
	tok := rows[1][3]

	// The newsletter goes out: the lead clicks the pricing link five
	// minutes after the send, a security gateway clicks the white paper
	// link two seconds after it, Apple's proxy fetches the pixel.
	tracked := map[string]string{} // destination -> the recipient's link
	for _, c := range created.Tracked {
		if c[2] == "" {
			tracked[c[0]] = strings.Replace(c[1], "{{baton_token}}", tok, 1)
		}
	}
	hit := func(at time.Duration, url, ip string) {
		t.Helper()
		clk.Set(sentAt.Add(at))
		req, _ := http.NewRequest("GET", url, nil)
		req.Header.Set("User-Agent", chromeUA)
		req.Header.Set("X-Forwarded-For", ip)
		if ip == "203.0.113.10" {
			req.AddCookie(&http.Cookie{Name: visitor.CookieName, Value: "lead-laptop-0001"})
		}
		resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
		if err != nil || resp.StatusCode/100 != 2 && resp.StatusCode != 302 {
			t.Fatalf("GET %s: %v %v", url, err, resp)
		}
		resp.Body.Close()
	}
	hit(2*time.Second, tracked["https://www.example.com/whitepaper"], "40.94.3.4") // Microsoft Defender, in the scanner window
	hit(3*time.Second, s.URL+"/o/nov-news/"+tok+".gif", "17.58.1.2")
	hit(5*time.Minute, tracked["https://www.example.com/pricing"], "203.0.113.10")
	judgeClicks(t, s, clk)
	clk.Advance(2 * 24 * time.Hour) // read two days later: the ledger has decayed

	// The marketer reads the report and opens the person who clicked;
	// sales opens the MQL from the list.
	funnelCSV := filepath.Join(dir, "funnel.csv")
	res = run("read", "LEAD_NAME=山田 太郎", "SEARCH=acme", "REPORT="+funnelCSV)
	var str = func(k string) string {
		var v string
		if json.Unmarshal(res[k], &v) != nil {
			t.Fatalf("%s: %s", k, res[k])
		}
		return v
	}
	report := str("report")
	for _, want := range []string{"Recipients\n2", "People who clicked\n1", "Scanner clicks\n1", "Apple MPP opens\n1", "Became MQLs\n1"} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q:\n%s", want, report)
		}
	}
	if pl := str("perLink"); !strings.Contains(pl, "https://www.example.com/pricing\t1\t0\t0") || !strings.Contains(pl, "https://www.example.com/whitepaper\t0\t0\t1") {
		t.Errorf("clicks per link:\n%s", pl)
	}
	var person struct{ URL, Title, Text string }
	json.Unmarshal(res["person"], &person)
	lead, err := s.App.People.ByEmail(context.Background(), "ceo@acme-software.example")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(person.URL, "/admin/people/"+lead.ID) || !strings.HasPrefix(person.Title, "山田 太郎") {
		t.Fatalf("person page: %s %s", person.URL, person.Title)
	}
	// Why, in words, and what the person did, in the configured zone.
	for _, want := range []string{"Why this person became an MQL", "What led to it", "Hand-off", "decayed to", "2 days ago", "pricing", "Stage history", "What this person did", "24 Nov 2026 10:05", "newsletter click", "Acme Software"} {
		if !strings.Contains(person.Text, want) {
			t.Errorf("person page lacks %q:\n%s", want, person.Text)
		}
	}
	if mqls := str("mqls"); !strings.Contains(mqls, "山田 太郎") || !strings.Contains(mqls, "Dead letters") {
		t.Errorf("MQL list:\n%s", mqls)
	}
	if u := str("mqlPerson"); !strings.HasSuffix(u, "/admin/people/"+lead.ID) {
		t.Errorf("MQL list links to %s", u)
	}
	if search := str("search"); !strings.Contains(search, "山田 太郎") || strings.Contains(search, "佐藤 花子") {
		t.Errorf("search for acme:\n%s", search)
	}
	var behind struct{ URL, Text string }
	json.Unmarshal(res["behind"], &behind)
	if !strings.Contains(behind.URL, "reached=mql") || !strings.Contains(behind.Text, "reached MQL, group (all)") || !strings.Contains(behind.Text, "山田 太郎") || strings.Contains(behind.Text, "佐藤 花子") {
		t.Errorf("people behind the dashboard's MQL count: %+v", behind)
	}
	var overflow map[string]any
	json.Unmarshal(res["overflow"], &overflow)
	for name, v := range overflow {
		if strings.HasSuffix(name, "Status") {
			if v.(float64) != 200 {
				t.Errorf("%s: %v", name, v)
			}
			continue
		}
		if v != nil && len(v.([]any)) > 0 {
			t.Errorf("%s scrolls sideways: %v", name, v)
		}
	}
	if len(overflow) < 20 {
		t.Errorf("pages measured: %v", overflow)
	}
	// The people list says its order, highest score first (the order of
	// the whole list: TestPeopleListSortsTheWholeList pages through it).
	var people struct{ Scores, Sorted []string }
	json.Unmarshal(res["people"], &people)
	scores := make([]float64, len(people.Scores))
	for i, x := range people.Scores {
		scores[i], _ = strconv.ParseFloat(x, 64)
	}
	if len(scores) == 0 || !slices.IsSortedFunc(scores, func(a, b float64) int { return cmp.Compare(b, a) }) || strings.Join(people.Sorted, ",") != "Score" {
		t.Errorf("the people list's scores, sorted by %q: %q", people.Sorted, people.Scores)
	}
	var ja struct {
		Login, Lang, Report, Person, Nav string
		// The MQL-quality tables' headings, by page.
		Quality map[string][]string
	}
	json.Unmarshal(res["ja"], &ja)
	// The dashboard's MQL-quality table and the rules page's call the
	// accepted MQLs one thing (the dashboard said SAL).
	if d, r := ja.Quality["dashboard"], ja.Quality["rules"]; len(d) < 3 || len(r) < 4 || d[1] != "MQL" || r[2] != "MQL" || d[2] != "受入" || r[3] != "受入" {
		t.Errorf("the MQL-quality headings: dashboard %q, rules %q", d, r)
	}
	if !strings.Contains(ja.Login, "管理トークン") || ja.Lang != "ja" || !strings.Contains(ja.Report, "クリックした人") || !strings.Contains(ja.Person, "MQL になった理由") || !strings.Contains(ja.Person, "2026年11月24日 10:05") || !strings.Contains(ja.Nav, "人物") {
		t.Errorf("Japanese: %+v", ja)
	}
	var jaPages map[string]any
	json.Unmarshal(res["ja"], &jaPages)
	for page, want := range map[string]string{"dashboard": "初回接点チャネル別ファネル", "mqls": "デッドレター", "people": "メール・氏名・会社名", "campaigns": "新しいキャンペーン", "touches": "読み取る列", "rules": "適用中の条件とその結果", "inbox": "MQL 受信箱"} {
		if text, _ := jaPages[page].(string); !strings.Contains(text, want) {
			t.Errorf("%s in Japanese lacks %q:\n%s", page, want, text)
		}
	}
	// Channels and why an event is a scanner's in Japanese (the demo's
	// visitor came direct, the newsletter click is email's; Apple MPP
	// opened the newsletter).
	for page, want := range map[string][]string{"dashboard": {"ダイレクト", "メール"}, "inbox": {"初回接点：ダイレクト"}, "person": {"スキャナ：Apple MPP"}} {
		text, _ := jaPages[page].(string)
		for _, w := range want {
			if !strings.Contains(text, w) {
				t.Errorf("%s in Japanese lacks %q:\n%s", page, w, text)
			}
		}
		for _, en := range []string{"direct", "email\t", "apple-mpp", "(none)"} {
			if strings.Contains(text, en) {
				t.Errorf("%s in Japanese shows %q:\n%s", page, en, text)
			}
		}
	}
	// The funnel's CSV from the Japanese dashboard: UTF-8 with a BOM (Excel
	// reads it so), its columns and groups in Japanese.
	var reportFile struct{ ReportFile string }
	json.Unmarshal(res["ja"], &reportFile)
	b, _ = os.ReadFile(funnelCSV)
	rows, err = csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\ufeff")))).ReadAll()
	if err != nil || !bytes.HasPrefix(b, []byte("\ufeff")) || reportFile.ReportFile != "funnel.csv" || len(rows) < 2 ||
		strings.Join(rows[0][:4], ",") != "期間,グループ,リード,MQL" || rows[1][1] != "（全体）" {
		t.Errorf("the Japanese dashboard's funnel CSV %q: %v %q", reportFile.ReportFile, err, b)
	}
	var switched struct{ Lang, H2 string }
	json.Unmarshal(res["switched"], &switched)
	if switched.Lang != "en" || switched.H2 != "Why this person became an MQL" {
		t.Errorf("language switch: %+v", switched)
	}
	for _, n := range []string{"campaign-1280.png", "person-390.png", "person-ja-1280.png", "mqls-1280.png"} {
		if st, err := os.Stat(filepath.Join(shots, n)); err != nil || st.Size() < 5000 {
			t.Errorf("screenshot %s: %v", n, err)
		}
	}
	fmt.Fprintln(os.Stderr, "workspace screenshots in", shots)
}

// TestDemoThanksOpensThePersonInChromium: the demo's contact form, sent
// in Chromium, lands on a thanks page whose link (relative: right on the
// stack's own random port) opens the sender's page in the workspace after
// signing in; the footer links to the workspace. Each demo page fits a
// 1280 px window and a 390 px phone.
func TestDemoThanksOpensThePersonInChromium(t *testing.T) {
	needChromium(t, "the demo must be tested in a browser in CI")
	s := stack.ForTest(t, nil)
	shots := os.Getenv("BATON_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	}
	cmd := exec.Command("node", "../../../tag/browser/workspace.mjs")
	cmd.Env = append(os.Environ(), "PHASE=demo", "DEMO="+s.URL+"/demo/", "URL="+s.URL+"/admin/", "TOKEN="+token, "EMAIL=Visitor@Demo-Buyer.example", "SHOTS="+shots)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("workspace.mjs demo: %v %s", err, out)
	}
	var res struct {
		Errors       []string
		DemoOverflow map[string][]any
		Thanks       struct{ URL, Href, Footer string }
		Person       struct{ URL, Text string }
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	if len(res.Errors) > 0 {
		t.Errorf("console errors: %v", res.Errors)
	}
	for name, over := range res.DemoOverflow {
		if len(over) > 0 {
			t.Errorf("demo %s.html does not fit: %v", name, over)
		}
	}
	if len(res.DemoOverflow) != 4 {
		t.Errorf("demo pages measured: %v", res.DemoOverflow)
	}
	if res.Thanks.Href != "../admin/people?email=visitor%40demo-buyer.example" || res.Thanks.Footer != "../admin/people" {
		t.Errorf("thanks page: %+v", res.Thanks)
	}
	p, err := s.App.People.ByEmail(context.Background(), "visitor@demo-buyer.example")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(res.Person.URL, "/admin/people/"+p.ID) || !strings.Contains(res.Person.Text, "Demo Buyer Inc.") || !strings.Contains(res.Person.Text, "form submit") {
		t.Fatalf("person page: %+v", res.Person)
	}
}
