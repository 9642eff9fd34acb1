package stack_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/baton-hq/baton/infra/local/stack"
	"github.com/baton-hq/baton/internal/links"
	"github.com/baton-hq/baton/internal/visitor"
)

// TestAttributionChartRounds: an MQL with three touches (paid, email,
// social) gets a third of a credit per channel under the linear model,
// which the dashboard's chart said as 0.333 (the report's precision);
// under the position-based model 0.4 and 0.2. The chart says credits to two
// decimals, every bar alike (0.33; 0.20 and 0.40), in both languages.
func TestAttributionChartRounds(t *testing.T) {
	s := stack.ForTest(t, map[string]string{})
	for i, body := range []string{
		`{"type":"page_view","messageId":"at-1","anonymousId":"at-v","properties":{"url":"https://www.example.com/?utm_source=google&utm_medium=cpc"}}`,
		`{"type":"page_view","messageId":"at-2","anonymousId":"at-v","properties":{"url":"https://www.example.com/?utm_source=newsletter&utm_medium=email"}}`,
		`{"type":"page_view","messageId":"at-3","anonymousId":"at-v","properties":{"url":"https://www.example.com/pricing?utm_source=linkedin&utm_medium=social"}}`,
		`{"type":"download","messageId":"at-4","anonymousId":"at-v","properties":{"url":"https://www.example.com/files/whitepaper.pdf"}}`,
		`{"type":"form_submit","messageId":"at-5","anonymousId":"at-v","properties":{"url":"https://www.example.com/contact","form":{"id":"contact"},"fields":{"email":"three@maker.example","company":"Maker","title":"購買部長","employees":"250-999"}}}`,
	} {
		req, _ := http.NewRequest("POST", s.URL+"/e", strings.NewReader(body))
		req.Header.Set("Content-Type", "text/plain")
		req.Header.Set("User-Agent", chromeUA)                                                // a person's browser: Go's client is a bot, its page views never touches
		req.AddCookie(&http.Cookie{Name: visitor.CookieName, Value: "attribution-laptop-01"}) // one browser
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		if err != nil || resp.StatusCode != 204 {
			t.Fatalf("event %d: %v %v", i, err, resp)
		}
	}
	if err := s.Settle(context.Background()); err != nil {
		t.Fatal(err)
	}
	// The wide charts' values (a phone's chart, svg.chart-narrow, draws
	// them again).
	value := regexp.MustCompile(`dx="226" y="\d+" dy="15" class="value">([^<]*)<`)
	for _, c := range []struct{ q, want string }{
		{"?model=linear", "0,0.33,0.33,0.33,0%"}, // the funnel's last bar, the channels' (email, paid, social), the MQL-to-SQL rate
		{"?model=position&lang=ja", "0,0.20,0.40,0.40,0%"},
	} {
		code, b := page(t, s, "/admin/"+c.q, token)
		var got []string
		for _, m := range value.FindAllStringSubmatch(string(b), -1) {
			got = append(got, m[1])
		}
		if code != 200 || !strings.Contains(strings.Join(got, ","), c.want) {
			t.Errorf("%s: %d, the charts' values %q, want %s among them", c.q, code, got, c.want)
		}
	}
}

// TestDashboardNamesCampaigns: grouped by campaign, the dashboard's chart
// and funnel named each campaign by its id (nov-news); one Baton knows is
// named by its name, by its id or by the utm_campaign its links add (that
// one showed the raw value), another tool's utm_campaign stays as it came.
func TestDashboardNamesCampaigns(t *testing.T) {
	s := stack.ForTest(t, map[string]string{})
	if _, _, err := s.App.Links.PutCampaign(context.Background(), links.Campaign{ID: "nov-news", Name: "November newsletter"}); err != nil {
		t.Fatal(err)
	}
	// A campaign whose tracked links add a utm_campaign of its own (the
	// campaign form's), not its id: its landing pages name it by that.
	if _, _, err := s.App.Links.PutCampaign(context.Background(), links.Campaign{ID: "dec-news", Name: "12月ニュースレター", UTM: links.UTM{Campaign: "2026-12_ニュースレター"}}); err != nil {
		t.Fatal(err)
	}
	for i, body := range []string{
		`{"type":"page_view","messageId":"cn-1","anonymousId":"cn-v","properties":{"url":"https://www.example.com/?utm_source=newsletter&utm_medium=email&utm_campaign=nov-news"}}`,
		`{"type":"page_view","messageId":"cn-2","anonymousId":"cn-v","properties":{"url":"https://www.example.com/pricing?utm_source=google&utm_medium=cpc&utm_campaign=brand-q4"}}`,
		`{"type":"page_view","messageId":"cn-0","anonymousId":"cn-v","properties":{"url":"https://www.example.com/seminar?utm_source=newsletter&utm_medium=email&utm_campaign=2026-12_%E3%83%8B%E3%83%A5%E3%83%BC%E3%82%B9%E3%83%AC%E3%82%BF%E3%83%BC"}}`,
		`{"type":"download","messageId":"cn-3","anonymousId":"cn-v","properties":{"url":"https://www.example.com/files/whitepaper.pdf"}}`,
		`{"type":"form_submit","messageId":"cn-4","anonymousId":"cn-v","properties":{"url":"https://www.example.com/contact","form":{"id":"contact"},"fields":{"email":"named@maker.example","company":"Maker","title":"購買部長","employees":"250-999"}}}`,
	} {
		req, _ := http.NewRequest("POST", s.URL+"/e", strings.NewReader(body))
		req.Header.Set("Content-Type", "text/plain")
		req.Header.Set("User-Agent", chromeUA)
		req.AddCookie(&http.Cookie{Name: visitor.CookieName, Value: "campaign-names-laptop"})
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		if err != nil || resp.StatusCode != 204 {
			t.Fatalf("event %d: %v %v", i, err, resp)
		}
	}
	if err := s.Settle(context.Background()); err != nil {
		t.Fatal(err)
	}
	code, b := page(t, s, "/admin/?by=campaign", token)
	chart := regexp.MustCompile(`<text x="0" y="\d+" dy="15">([^<]*)</text>`)
	var labels []string
	for _, m := range chart.FindAllStringSubmatch(string(b), -1) {
		labels = append(labels, m[1])
	}
	if code != 200 || !strings.Contains(strings.Join(labels, ","), "brand-q4,November newsletter") || !strings.Contains(string(b), `<td data-l="Group">November newsletter</td>`) ||
		strings.Contains(string(b), `<td data-l="Group">nov-news</td>`) ||
		!strings.Contains(strings.Join(labels, ","), "12月ニュースレター") || strings.Contains(string(b), "2026-12_ニュースレター") {
		t.Errorf("by campaign: %d, chart labels %q:\n%s", code, labels, b)
	}
}
