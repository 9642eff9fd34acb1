package stack_test

import (
	"encoding/csv"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/baton-hq/baton/infra/local/stack"
)

// TestReportsAndDashboard drives two visitors to MQLs (one of them twice,
// with duplicate events), has sales accept one, and checks the reports and
// the dashboard rendered in Chromium.
func TestReportsAndDashboard(t *testing.T) {
	s := stack.ForTest(t, nil)
	send := func(body string) {
		t.Helper()
		resp, err := http.Post(s.URL+"/e", "text/plain", strings.NewReader(body))
		if err != nil || resp.StatusCode != 204 {
			t.Fatalf("POST /e: %v %v", err, resp)
		}
	}
	journey := func(vid, email, ref string) {
		for i := 0; i < 2; i++ { // everything delivered twice: the reports must not count twice
			send(`{"type":"page_view","messageId":"` + vid + `-1","anonymousId":"` + vid + `","properties":{"url":"https://www.example.com/pricing?` + ref + `","referrer":"https://www.google.com/"}}`)
			send(`{"type":"download","messageId":"` + vid + `-2","anonymousId":"` + vid + `","properties":{"url":"https://www.example.com/files/whitepaper.pdf"}}`)
			send(`{"type":"form_submit","messageId":"` + vid + `-3","anonymousId":"` + vid + `","properties":{"url":"https://www.example.com/contact","form":{"id":"contact"},"fields":{"email":"` + email + `","title":"部長","employees":"500"}}}`)
		}
	}
	journey("dash-visitor-1", "one@maker.example", "utm_source=google&utm_medium=cpc&utm_campaign=brand")
	journey("dash-visitor-2", "two@maker.example", "x=1")
	settle(t, s)
	code, b := do(t, "GET", s.URL+"/admin/reports/funnel", token, "")
	var funnel struct {
		Rows []struct {
			Group  string
			Counts map[string]int
		}
		Counters map[string]map[string]int
	}
	if code != 200 || json.Unmarshal(b, &funnel) != nil || funnel.Rows[0].Counts["lead"] != 2 || funnel.Rows[0].Counts["mql"] != 2 {
		t.Fatalf("funnel: %d %s", code, b)
	}
	// The write-time counters agree with the facts, despite every event
	// having been delivered twice.
	if c := funnel.Counters; c["(all)"]["lead"] != 2 || c["(all)"]["mql"] != 2 || c["paid"]["mql"] != 1 || c["search"]["lead"] != 1 {
		t.Fatalf("counters %v", funnel.Counters)
	}
	groups := map[string]int{}
	for _, r := range funnel.Rows[1:] {
		groups[r.Group] = r.Counts["mql"]
	}
	if groups["paid"] != 1 || groups["search"] != 1 {
		t.Fatalf("by channel %v", groups)
	}
	if code, b := do(t, "GET", s.URL+"/admin/reports/mql-quality?format=csv", token, ""); code != 200 || !strings.Contains(string(b), "condition,hot-and-fit,Active and a good fit,2,0,0,0,0,0") { // the label beside the name
		t.Fatalf("quality csv: %d %s", code, b)
	}
	if code, b := do(t, "GET", s.URL+"/admin/reports/attribution", token, ""); code != 200 || !strings.Contains(string(b), `"first":{"paid":1,"search":1}`) {
		t.Fatalf("attribution: %d %s", code, b)
	}
	if code, b := do(t, "GET", s.URL+"/admin/reports/sla?from=2000-01-01", token, ""); code != 200 || !strings.Contains(string(b), `"mqls":2`) {
		t.Fatalf("sla: %d %s", code, b)
	}
	if code, b := do(t, "GET", s.URL+"/admin/reports/funnel?period=month&format=csv", token, ""); code != 200 || !strings.Contains(string(b), "period,group,lead") || !strings.Contains(string(b), ",(all),2,2,") {
		t.Fatalf("funnel per month: %d %s", code, b)
	}
	for _, bad := range []string{"/admin/reports/funnel?from=yesterday", "/admin/reports/funnel?by=color", "/admin/reports/funnel?period=decade", "/admin/reports/nonsense"} {
		if code, _ := do(t, "GET", s.URL+bad, token, ""); code != 400 && code != 404 {
			t.Errorf("%s: %d", bad, code)
		}
	}

	needChromium(t, "the dashboard must be rendered in CI")
	shot := filepath.Join(t.TempDir(), "dashboard.png")
	cmd := exec.Command("node", "../../../tag/browser/dashboard.mjs")
	cmd.Env = append(os.Environ(), "URL="+s.URL+"/admin/", "TOKEN="+token, "SHOT="+shot)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("dashboard: %v %s", err, out)
	}
	var page struct {
		Status, Bars, Charts int
		Values               []string
		Text                 string
	}
	if err := json.Unmarshal(out, &page); err != nil {
		t.Fatal(err)
	}
	if page.Status != 200 || page.Charts != 3 || page.Bars < 8 || page.Values[0] != "2" || page.Values[1] != "2" || !strings.Contains(page.Text, "Funnel by first-touch channel") {
		t.Fatalf("dashboard: %+v", page)
	}
	if st, err := os.Stat(shot); err != nil || st.Size() < 5000 {
		t.Fatalf("screenshot: %v", err)
	}
	if dir := os.Getenv("BATON_SCREENSHOTS"); dir != "" {
		b, _ := os.ReadFile(shot)
		os.WriteFile(filepath.Join(dir, "dashboard.png"), b, 0o644)
	}
}

// TestReportCSVIsSpreadsheetSafe: a hostile UTM source comes back
// neutralised, in a file Excel reads as UTF-8 (BOM).
func TestReportCSVIsSpreadsheetSafe(t *testing.T) {
	s := stack.ForTest(t, nil)
	for _, body := range []string{
		`{"type":"page_view","messageId":"h1","anonymousId":"hostile-visitor-1","properties":{"url":"https://www.example.com/pricing?utm_source=%3DHYPERLINK(%22http://evil.example%22)&utm_medium=cpc"}}`,
		`{"type":"form_submit","messageId":"h2","anonymousId":"hostile-visitor-1","properties":{"url":"https://www.example.com/contact","fields":{"email":"hostile@maker.example"}}}`,
	} {
		resp, err := http.Post(s.URL+"/e", "text/plain", strings.NewReader(body))
		if err != nil || resp.StatusCode != 204 {
			t.Fatalf("POST /e: %v %v", err, resp)
		}
	}
	settle(t, s)
	code, b := do(t, "GET", s.URL+"/admin/reports/funnel?by=source&format=csv", token, "")
	if code != 200 || !strings.HasPrefix(string(b), "\ufeff") || !strings.Contains(string(b), `"'=hyperlink(""http://evil.example"")"`) || strings.Contains(string(b), `,"=hyperlink`) { // sources in lower case
		t.Fatalf("funnel CSV by source: %d %s", code, b)
	}
}

// TestReportCSVsInJapanese: the Japanese dashboard links each report's CSV
// with its filters; each opens in Excel as UTF-8 (BOM, CRLF, one field
// count), its columns and Baton's own values (stages, models, "(all)")
// named in Japanese, a campaign's Japanese name intact.
// Without ?lang=ja the same file keeps the API's column names.
func TestReportCSVsInJapanese(t *testing.T) {
	s := stack.ForTest(t, nil)
	// A campaign the workspace named: its rows are its name in the files,
	// as on the page, not its id (the JSON keeps the id).
	req, _ := http.NewRequest("POST", s.URL+"/admin/links", strings.NewReader(`{"campaign":"autumn-2026","name":"秋の導入事例セミナー","urls":["https://www.example.com/seminar"]}`))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 201 {
		t.Fatalf("campaign: %v %v", err, resp)
	}
	for _, body := range []string{
		`{"type":"page_view","messageId":"k1","anonymousId":"ja-visitor-2","properties":{"url":"https://www.example.com/seminar?utm_source=newsletter&utm_medium=email&utm_campaign=autumn-2026"}}`,
		`{"type":"form_submit","messageId":"k2","anonymousId":"ja-visitor-2","properties":{"url":"https://www.example.com/contact","form":{"id":"contact"},"fields":{"email":"sato@maker.example","name":"佐藤 花子"}}}`,
		`{"type":"page_view","messageId":"j1","anonymousId":"ja-visitor-1","properties":{"url":"https://www.example.com/pricing?utm_source=newsletter&utm_medium=email&utm_campaign=%E7%A7%8B%E3%81%AE%E3%82%BB%E3%83%9F%E3%83%8A%E3%83%BC"}}`,
		`{"type":"download","messageId":"j2","anonymousId":"ja-visitor-1","properties":{"url":"https://www.example.com/files/whitepaper.pdf"}}`,
		`{"type":"form_submit","messageId":"j3","anonymousId":"ja-visitor-1","properties":{"url":"https://www.example.com/contact","form":{"id":"contact"},"fields":{"email":"yamada@maker.example","name":"山田 太郎","title":"部長","employees":"500"}}}`,
	} {
		resp, err := http.Post(s.URL+"/e", "text/plain", strings.NewReader(body))
		if err != nil || resp.StatusCode != 204 {
			t.Fatalf("POST /e: %v %v", err, resp)
		}
	}
	settle(t, s)
	get := func(path string, accept string) (int, []byte) {
		t.Helper()
		req, _ := http.NewRequest("GET", s.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Accept", accept)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	code, page := get("/admin/?lang=ja&by=campaign", "text/html")
	links := regexp.MustCompile(`href="(reports/[a-z-]+\?[^"]+)"`).FindAllStringSubmatch(string(page), -1)
	if code != 200 || len(links) != 7 {
		t.Fatalf("dashboard's CSV links: %d %v\n%s", code, links, page)
	}
	english := regexp.MustCompile(`^[a-z_]+$`)
	for _, l := range links {
		href := html.UnescapeString(l[1])
		if !strings.Contains(href, "format=csv") || !strings.Contains(href, "lang=ja") || (!strings.HasPrefix(href, "reports/kpi") && !strings.Contains(href, "by=campaign")) {
			t.Errorf("link %s: not the page's filters and language", href)
		}
		code, b := get("/admin/"+href, "*/*")
		text, bom := strings.CutPrefix(string(b), "\ufeff")
		if code != 200 || !bom || !utf8.ValidString(text) || !strings.HasSuffix(text, "\r\n") || strings.Contains(strings.ReplaceAll(text, "\r\n", ""), "\n") {
			t.Errorf("%s: %d, not UTF-8 with a BOM and CRLF lines: %q", href, code, b)
			continue
		}
		recs, err := csv.NewReader(strings.NewReader(text)).ReadAll()
		if err != nil || len(recs) < 1 {
			t.Errorf("%s: %v", href, err)
			continue
		}
		for _, h := range recs[0] {
			if english.MatchString(h) || !strings.ContainsFunc(h, func(r rune) bool { return r > unicode.MaxASCII }) && h != "SAL" && h != "SQL" && h != "MQL" {
				t.Errorf("%s: column %q is not Japanese: %q", href, h, recs[0])
			}
		}
		t.Logf("%s\n%s", href, text)
		for _, en := range []string{"(all)", "(unassigned)", "\nmql,", ",first,", ",grade,"} { // Baton's names of groups, stages, models, dimensions
			if strings.Contains(text, en) {
				t.Errorf("%s: %q in a Japanese file:\n%s", href, en, text)
			}
		}
		// The MQL quality file names each condition and band by its label
		// in Japanese beside its name (表示名), as the pages do.
		if strings.HasPrefix(href, "reports/mql-quality") {
			labels := map[string]string{}
			for _, rec := range recs[1:] {
				if len(rec) > 2 && (rec[0] == "条件" || rec[0] == "行動帯") {
					labels[rec[1]] = rec[2]
				}
			}
			if recs[0][2] != "表示名" || labels["hot-and-fit"] != "行動・適合度ともに高い" || labels["hot"] != "高" {
				t.Errorf("%s: labels %v under %q", href, labels, recs[0])
			}
		}
		if strings.HasPrefix(href, "reports/funnel") && (!strings.Contains(text, "秋のセミナー") || !strings.Contains(text, "秋の導入事例セミナー") || strings.Contains(text, "autumn-2026")) {
			t.Errorf("%s: a campaign's name is lost: %s", href, text)
		}
		// The API's file, asked without a language, keeps its column names.
		_, api := get("/admin/"+strings.Replace(href, "lang=ja", "", 1), "*/*")
		if first, _, _ := strings.Cut(strings.TrimPrefix(string(api), "\ufeff"), "\r\n"); !english.MatchString(strings.Split(first, ",")[0]) {
			t.Errorf("%s without lang: header %q", href, first)
		}
	}
}
