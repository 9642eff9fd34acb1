package admin_test

import (
	"context"
	"encoding/json"
	"errors"
	"html"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/click"
	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/links"
)

// TestCampaignPageSaysClicksCameWithoutAToken: a marketer whose email
// tool's merge syntax is not {{baton_token}} sent the links with the tag
// left in them; every click landed the reader and was recorded nowhere
// the campaign's report reads, so the page said 0 clicks and nothing of
// why. The page now says, in English and Japanese, how many clicks came
// without a token and what the links said instead, and the JSON carries
// the count; next to the links it says to use the tool's own merge field.
func TestCampaignPageSaysClicksCameWithoutAToken(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	reg := &links.Registry{T: f.tb, Now: f.clk.Now}
	if _, err := reg.CreateCampaign(ctx, links.Campaign{ID: "nov-news", SentAt: f.clk.Now().Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}
	ls, err := reg.Add(ctx, "nov-news", []string{"https://www.example.com/webinar"}, false)
	if err != nil {
		t.Fatal(err)
	}
	// The click routes on the same store; a token is "ok-<campaign>" here
	// (recording a recipient's click needs no person for this test).
	ch := &click.Handler{Links: reg, Events: &eventlog.Log{T: f.tb, Now: f.clk.Now}, T: f.tb, Now: f.clk.Now,
		Verify: func(tok string, _ time.Time) (click.Claims, error) {
			return click.Claims{}, errors.New("no token here")
		}}
	mux := http.NewServeMux()
	ch.Routes(mux)
	for _, tok := range []string{"{{baton_token}}", "*|BATON_TOKEN|*", "%7B%7Bbaton_token%7D%7D"} {
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, httptest.NewRequest("GET", "/c/"+ls[0].ID+"/"+tok, nil))
		if w.Code != http.StatusFound || w.Header().Get("Location") != "https://www.example.com/webinar" {
			t.Fatalf("click with %s: %d %q", tok, w.Code, w.Header().Get("Location"))
		}
	}

	cookie, _ := f.login(fullToken)
	page := func(query string) string {
		t.Helper()
		a := f.req("GET", "/admin/campaigns/nov-news"+query, "", "Cookie", cookie, "Accept", "text/html")
		if a.code != 200 {
			t.Fatalf("page%s: %d %s", query, a.code, a.body)
		}
		return html.UnescapeString(a.body)
	}
	en := page("")
	for _, want := range []string{
		"3 clicks arrived without a recipient token: the link still said {{baton_token}} (or *|BATON_TOKEN|*). Your email tool did not replace it: use its own merge field for the baton_token column.",
		"replace {{baton_token}} with your email tool's merge field for the baton_token column: Mailchimp, the tag of the audience field the column was imported as",
	} {
		if !strings.Contains(en, want) {
			t.Errorf("the English page does not say %q:\n%s", want, en)
		}
	}
	ja := page("?lang=ja")
	for _, want := range []string{
		"受信者トークンのないクリックが 3 件ありました。リンクが {{baton_token}}（または *|BATON_TOKEN|*） のままでした。",
		"{{baton_token}} は、配信ツールで baton_token 列を差し込むタグに置き換えてください。Mailchimp は、この列を取り込んだオーディエンスフィールドのタグです",
	} {
		if !strings.Contains(ja, want) {
			t.Errorf("the Japanese page does not say %q:\n%s", want, ja)
		}
	}
	a := f.req("GET", "/admin/campaigns/nov-news", "", "Authorization", "Bearer "+fullToken)
	var got struct {
		Tokenless struct {
			Clicks    int
			MergeTags int
			Arrived   []string
			PerLink   map[string]int
		}
	}
	if a.code != 200 || json.Unmarshal([]byte(a.body), &got) != nil {
		t.Fatalf("JSON: %d %s", a.code, a.body)
	}
	if got.Tokenless.Clicks != 3 || got.Tokenless.MergeTags != 3 || got.Tokenless.PerLink[ls[0].ID] != 3 || len(got.Tokenless.Arrived) != 2 {
		t.Errorf("JSON tokenless %+v, want 3 clicks, all merge tags, on the link", got.Tokenless)
	}
}

// TestMergeFieldAdviceIsOneMailchimpTakes: the page told Mailchimp users
// to put *|BATON_TOKEN|* in their links, but a Mailchimp merge tag has at
// most 10 characters: no audience field can have that tag, Mailchimp left
// it in the links, and every click of the send came without a token. Each
// Mailchimp tag the page names, in either language, is one Mailchimp can
// have.
func TestMergeFieldAdviceIsOneMailchimpTakes(t *testing.T) {
	f := newFixture(t)
	reg := &links.Registry{T: f.tb, Now: f.clk.Now}
	if _, err := reg.CreateCampaign(context.Background(), links.Campaign{ID: "nov-news"}); err != nil {
		t.Fatal(err)
	}
	if _, err := reg.Add(context.Background(), "nov-news", []string{"https://www.example.com/webinar"}, false); err != nil {
		t.Fatal(err)
	}
	cookie, _ := f.login(fullToken)
	tag := regexp.MustCompile(`\*\|([A-Za-z0-9_]+)\|\*`)
	for _, q := range []string{"", "?lang=ja"} {
		a := f.req("GET", "/admin/campaigns/nov-news"+q, "", "Cookie", cookie, "Accept", "text/html")
		if a.code != 200 {
			t.Fatalf("page%s: %d", q, a.code)
		}
		body := html.UnescapeString(a.body)
		i := strings.Index(body, `id="merge-field"`)
		if i < 0 {
			t.Fatalf("page%s: no merge field advice", q)
		}
		advice := body[i:]
		advice = advice[:strings.Index(advice, "</p>")]
		tags := tag.FindAllStringSubmatch(advice, -1)
		if len(tags) == 0 {
			t.Errorf("page%s names no Mailchimp merge tag: %s", q, advice)
		}
		for _, m := range tags {
			if m[1] != "MERGE" && len(m[1]) > 10 {
				t.Errorf("page%s tells Mailchimp users to use %s: a Mailchimp merge tag has at most 10 characters", q, m[0])
			}
		}
	}
}

// TestCampaignPageWithoutTokenlessClicksSaysNothingOfThem: no such click,
// no warning (the link instructions are there all the same).
func TestCampaignPageWithoutTokenlessClicksSaysNothingOfThem(t *testing.T) {
	f := newFixture(t)
	reg := &links.Registry{T: f.tb, Now: f.clk.Now}
	if _, err := reg.CreateCampaign(context.Background(), links.Campaign{ID: "nov-news"}); err != nil {
		t.Fatal(err)
	}
	if _, err := reg.Add(context.Background(), "nov-news", []string{"https://www.example.com/webinar"}, false); err != nil {
		t.Fatal(err)
	}
	cookie, _ := f.login(fullToken)
	a := f.req("GET", "/admin/campaigns/nov-news", "", "Cookie", cookie, "Accept", "text/html")
	if a.code != 200 || strings.Contains(a.body, `id="no-token"`) || strings.Contains(a.body, "No token") || !strings.Contains(a.body, `id="merge-field"`) {
		t.Errorf("page: %d %s", a.code, a.body)
	}
}

// TestCampaignPageSaysAnotherSendsTokens: a list tokenised for October's
// send was used again for November's: every click carried a good token,
// of another campaign, which names no one on November's links, and was
// recorded nowhere the report reads. The page says how many, and what to
// do, in English and Japanese; the JSON counts them.
func TestCampaignPageSaysAnotherSendsTokens(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	reg := &links.Registry{T: f.tb, Now: f.clk.Now}
	if _, err := reg.CreateCampaign(ctx, links.Campaign{ID: "nov-news", SentAt: f.clk.Now().Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}
	ls, err := reg.Add(ctx, "nov-news", []string{"https://www.example.com/webinar"}, false)
	if err != nil {
		t.Fatal(err)
	}
	ch := &click.Handler{Links: reg, Events: &eventlog.Log{T: f.tb, Now: f.clk.Now}, T: f.tb, Now: f.clk.Now,
		Verify: func(tok string, _ time.Time) (click.Claims, error) {
			if tok == "oct-token-1234567890abcdef" {
				return click.Claims{Campaign: "oct-news", PersonID: "p_yamada"}, nil
			}
			return click.Claims{}, errors.New("no token here")
		}}
	mux := http.NewServeMux()
	ch.Routes(mux)
	for range 2 {
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, httptest.NewRequest("GET", "/c/"+ls[0].ID+"/oct-token-1234567890abcdef", nil))
		if w.Code != http.StatusFound {
			t.Fatalf("click: %d", w.Code)
		}
	}
	cookie, _ := f.login(fullToken)
	for lang, want := range map[string]string{
		"en": "2 of them carried another send's recipient token: a list tokenised for another campaign was used for this one.",
		"ja": "うち 2 件は別の配信の受信者トークンでした。",
	} {
		a := f.req("GET", "/admin/campaigns/nov-news?lang="+lang, "", "Cookie", cookie, "Accept", "text/html")
		if a.code != 200 || !strings.Contains(html.UnescapeString(a.body), want) {
			t.Errorf("%s: want %q: %d\n%s", lang, want, a.code, a.body)
		}
	}
	a := f.req("GET", "/admin/campaigns/nov-news", "", "Authorization", "Bearer "+fullToken)
	var got struct {
		Tokenless struct{ Clicks, OtherSends int }
	}
	if a.code != 200 || json.Unmarshal([]byte(a.body), &got) != nil || got.Tokenless.Clicks != 2 || got.Tokenless.OtherSends != 2 {
		t.Errorf("JSON: %d %s", a.code, a.body)
	}
}
