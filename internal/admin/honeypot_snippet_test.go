package admin_test

import (
	"context"
	"html"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/links"
)

// TestCampaignPageGivesTheHoneypotSnippet: the page (and README) said to
// put the honeypot link in the email invisibly, but not how; a link a
// keyboard or screen-reader user could reach got their visit flagged a
// scanner's and their real clicks discarded. The page gives, in English
// and Japanese, the HTML to paste: the honeypot's tracked URL in an
// empty link hidden from sight, assistive technology and the tab order,
// which scanners still read.
func TestCampaignPageGivesTheHoneypotSnippet(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	reg := &links.Registry{T: f.tb, Now: f.clk.Now}
	if _, err := reg.CreateCampaign(ctx, links.Campaign{ID: "nov-news", SentAt: f.clk.Now().Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if _, err := reg.Add(ctx, "nov-news", []string{"https://www.example.com/webinar"}, false); err != nil {
		t.Fatal(err)
	}
	hp, err := reg.Add(ctx, "nov-news", []string{"https://www.example.com/webinar"}, true)
	if err != nil || len(hp) != 1 || !hp[0].Honeypot {
		t.Fatalf("honeypot: %v %v", hp, err)
	}
	cookie, _ := f.login(fullToken)
	snippet := regexp.MustCompile(`<code class="honeypot-snippet">([^<]*)</code>`)
	for _, c := range []struct{ lang, says string }{
		{"en", "not as text"}, {"ja", "スクリーンリーダー"},
	} {
		a := f.req("GET", "/admin/campaigns/nov-news?lang="+c.lang, "", "Cookie", cookie, "Accept", "text/html")
		if a.code != 200 {
			t.Fatalf("%s: %d %s", c.lang, a.code, a.body)
		}
		var row string
		for _, r := range strings.Split(a.body, `<tr class="tracked">`)[1:] {
			if strings.Contains(r, "/c/"+hp[0].ID+"/") {
				row, _, _ = strings.Cut(r, "</tr>")
			}
		}
		tracked := regexp.MustCompile(`<br><code>([^<]*)</code>`).FindStringSubmatch(row)
		m := snippet.FindAllStringSubmatch(a.body, -1)
		if tracked == nil || len(m) != 1 || !strings.Contains(row, m[0][0]) {
			t.Fatalf("%s: want one snippet, in the honeypot's row; row %q, snippets %q", c.lang, row, m)
		}
		url := html.UnescapeString(tracked[1])
		if !strings.HasSuffix(url, "/c/"+hp[0].ID+"/{{baton_token}}") {
			t.Fatalf("%s: the honeypot's tracked link is %q", c.lang, url)
		}
		want := `<a href="` + url + `" aria-hidden="true" tabindex="-1" style="display:none"></a>`
		if got := html.UnescapeString(m[0][1]); got != want {
			t.Errorf("%s: snippet\n got %s\nwant %s", c.lang, got, want)
		}
		if !strings.Contains(row, c.says) {
			t.Errorf("%s: the honeypot's row does not say how to paste it (%q): %s", c.lang, c.says, row)
		}
	}
	// The API's answer gives it too, for the README's curl.
	a := f.req("POST", "/admin/links", `{"campaign":"nov-news","urls":["https://www.example.com/webinar"],"honeypot":true}`, "Authorization", "Bearer "+fullToken, "Content-Type", "application/json")
	if a.code != 200 || !strings.Contains(a.body, `"snippet":"\u003ca href=\"`) || !strings.Contains(a.body, `aria-hidden=\"true\" tabindex=\"-1\" style=\"display:none\"\u003e\u003c/a\u003e"`) {
		t.Errorf("POST /admin/links: %d %s, want the honeypot's snippet", a.code, a.body)
	}
}
