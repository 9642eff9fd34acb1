package admin_test

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/links"
)

// TestCampaignNameIsBounded: a campaign's name (or a UTM value) pasted
// with a page of text after it was kept whole and shown in every cell,
// chip and report group naming the campaign. The form refuses one over
// 200 bytes, by its field and in either language, with no campaign made;
// POST /admin/links answers a 400 naming the field; the registry refuses
// it too.
func TestCampaignNameIsBounded(t *testing.T) {
	f := newFixture(t)
	cookie, csrf := f.login(fullToken)
	long := strings.Repeat("名", 67) // 201 bytes
	post := func(field, value, query string) answer {
		v := url.Values{"id": {"long-news"}, "urls": {"https://www.example.com/a"}, field: {value}, "csrf": {csrf}}
		return f.req("POST", "/admin/campaigns"+query, v.Encode(), "Cookie", cookie, "Content-Type", "application/x-www-form-urlencoded", "Accept", "text/html")
	}
	for _, c := range []struct{ field, en, ja string }{
		{"name", "Name: at most 200 bytes.", "名前は 200 バイト（日本語で約 66 文字）までです。"},
		{"utm_campaign", "utm_source, utm_medium, utm_campaign and utm_content: at most 200 bytes each.", "utm_source、utm_medium、utm_campaign、utm_content はそれぞれ 200 バイトまでです。"},
	} {
		if a := post(c.field, long, ""); a.code != 400 || !strings.Contains(a.body, `<p class="error" role="alert" id="c-error" tabindex="-1" autofocus>`+c.en+`</p>`) || !strings.Contains(a.body, `aria-invalid="true" aria-describedby="c-error"`) {
			t.Errorf("%s: %d %s", c.field, a.code, a.body)
		}
		if a := post(c.field, long, "?lang=ja"); a.code != 400 || !strings.Contains(a.body, c.ja) {
			t.Errorf("%s in Japanese: %d %s", c.field, a.code, a.body)
		}
	}
	if a := f.req("GET", "/admin/campaigns/long-news", "", "Authorization", "Bearer "+fullToken); a.code != 404 {
		t.Fatalf("a refused name made the campaign: %d", a.code)
	}
	if a := post("name", strings.Repeat("名", 66), ""); a.code != 303 {
		t.Fatalf("200 bytes: %d %s", a.code, a.body)
	}
	for body, field := range map[string]string{
		`{"campaign":"api-news","name":"` + long + `","urls":["https://www.example.com/a"]}`:            `"field":"name"`,
		`{"campaign":"api-news","utm":{"content":"` + long + `"},"urls":["https://www.example.com/a"]}`: `"field":"utm"`,
	} {
		if a := f.req("POST", "/admin/links", body, "Authorization", "Bearer "+fullToken, "Content-Type", "application/json"); a.code != 400 || !strings.Contains(a.body, field) {
			t.Errorf("API: %d %s", a.code, a.body)
		}
	}
	if _, err := f.h.Links.CreateCampaign(t.Context(), links.Campaign{ID: "reg-news", Name: long}); !errors.Is(err, links.ErrInvalid) {
		t.Errorf("registry: %v", err)
	}
}
