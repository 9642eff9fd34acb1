package stack_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/infra/local/stack"
	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/links"
)

// TestMQLReasonsNameTheNewsletterInChromium: a recipient clicks the
// November newsletter's tracked link, reads the pricing page and a white
// paper and sends the contact form: an MQL. In Chromium, in Japanese and
// English, the person page's "What led to it" and the inbox card list the
// click by the campaign's name and the page's host and path, the query
// (utm_source=newsletter&...) in the link's title, shown on hover, and in
// its href; the lines listed the whole URL, which marketers did not read
// as the newsletter.
func TestMQLReasonsNameTheNewsletterInChromium(t *testing.T) {
	clk := clock.NewManual(time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC))
	s := stack.ForTestClock(t, map[string]string{"BATON_SITE_ORIGINS": "https://www.example.com"}, clk.Now)
	lr := newsletterLinks(t, s)
	if _, _, err := s.App.Links.PutCampaign(context.Background(), links.Campaign{ID: "nov-news", Name: "11月ニュースレター（製造業向け）"}); err != nil {
		t.Fatal(err)
	}
	status, _, out := postCSV(t, s, "/admin/recipients?campaign=nov-news", "name,email\r\n山田 花子,hanako@example.co.jp\r\n")
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(out), "\xef\xbb\xbf"))).ReadAll()
	if status != 200 || err != nil || len(rows) != 2 || rows[1][2] == "" {
		t.Fatalf("recipients: %d %q %v", status, rows, err)
	}
	jar, _ := cookiejar.New(nil)
	hanako := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := hanako.Get(strings.Replace(lr.Links[0].Tracked, "{{baton_token}}", rows[1][2], 1))
	if err != nil || resp.StatusCode != 302 {
		t.Fatalf("click: %v %v", err, resp)
	}
	landing := resp.Header.Get("Location")
	resp.Body.Close()
	if !strings.Contains(landing, "utm_source=newsletter") {
		t.Fatalf("the click lands on %q: no UTM parameters to hide", landing)
	}
	judgeClicks(t, s, clk)
	for i, body := range []string{
		`{"type":"page_view","messageId":"nr-1","properties":{"url":"https://www.example.com/pricing","title":"料金プラン"}}`,
		`{"type":"download","messageId":"nr-2","properties":{"url":"https://www.example.com/files/whitepaper.pdf"}}`,
		`{"type":"form_submit","messageId":"nr-3","properties":{"url":"https://www.example.com/contact","form":{"id":"contact"},"fields":{"email":"hanako@example.co.jp","company":"サンプル製作所","title":"製造部長","employees":"500"}}}`,
	} {
		clk.Advance(time.Minute)
		resp, err := hanako.Post(s.URL+"/e", "text/plain", strings.NewReader(body))
		if err != nil || resp.StatusCode != 204 {
			t.Fatalf("event %d: %v %v", i, err, resp)
		}
		resp.Body.Close()
	}
	settle(t, s)
	p, err := s.App.People.ByEmail(context.Background(), "hanako@example.co.jp")
	if err != nil {
		t.Fatal(err)
	}

	needChromium(t, "what led to an MQL must be read on the pages in CI")
	cmd := exec.Command("node", "../../../tag/browser/reasons.mjs")
	cmd.Env = append(os.Environ(), "URL="+s.URL+"/admin/", "TOKEN="+token, "SHOTS="+screenshotDir(t.TempDir()), "PAGES=people/"+p.ID+",inbox")
	cmd.Stderr = os.Stderr
	b, err := cmd.Output()
	if err != nil {
		t.Fatalf("reasons.mjs: %v %s", err, b)
	}
	type seen struct {
		Lines []struct {
			Text  string
			Links []struct{ Text, Title, Href string }
			Chips []string
		}
		Overflow []any
	}
	var res map[string]json.RawMessage
	if err := json.Unmarshal(b, &res); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	for _, name := range []string{"ja-0", "ja-1", "en-0", "en-1"} {
		var v seen
		if err := json.Unmarshal(res[name], &v); err != nil {
			t.Fatalf("%s: %v %s", name, err, res[name])
		}
		where := map[byte]string{'0': "person page", '1': "inbox"}[name[3]] + " (" + name[:2] + ")"
		clicks := 0
		for _, l := range v.Lines {
			if strings.Contains(l.Text, "utm_") {
				t.Errorf("%s: a line reads the query: %q", where, l.Text)
			}
			if len(l.Links) != 1 || l.Links[0].Href != landing {
				continue
			}
			clicks++
			if a := l.Links[0]; a.Text != "www.example.com/webinar?…" || a.Title != landing {
				t.Errorf("%s: the click's link reads %q, title %q; want www.example.com/webinar?… and %s on hover", where, a.Text, a.Title, landing)
			}
			if len(l.Chips) != 1 || l.Chips[0] != "11月ニュースレター（製造業向け）" {
				t.Errorf("%s: the click's campaign %q, want its name: %q", where, l.Chips, l.Text)
			}
		}
		if clicks != 1 {
			t.Errorf("%s: %d lines of the newsletter click, want 1: %+v", where, clicks, v.Lines)
		}
		if len(v.Overflow) > 0 {
			t.Errorf("%s does not fit: %v", where, v.Overflow)
		}
	}
	var errs []string
	json.Unmarshal(res["errors"], &errs)
	if len(errs) > 0 {
		t.Errorf("console errors %v", errs)
	}
}
