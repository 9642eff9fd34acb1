package admin_test

import (
	"net/url"
	"strings"
	"testing"
)

// TestCampaignFormNamesTheCampaignInUTM: the new-campaign form fills
// utm_source and utm_medium in (newsletter, email) and left utm_campaign
// empty, so a marketer who did not think to type it sent links landing on
// ?utm_medium=email&utm_source=newsletter with no campaign: the site's
// analytics counted the send under "(not set)". Left empty, it is the
// campaign's id, as the page says beside the field; one typed is kept.
func TestCampaignFormNamesTheCampaignInUTM(t *testing.T) {
	f := newFixture(t)
	cookie, csrf := f.login(fullToken)
	for id, typed := range map[string]string{"dec-news": "", "jan-news": "2027-01-letter"} {
		v := url.Values{"id": {id}, "urls": {"https://www.example.com/a"}, "utm_source": {"newsletter"}, "utm_medium": {"email"}, "utm_campaign": {typed}, "csrf": {csrf}}
		if a := f.req("POST", "/admin/campaigns", v.Encode(), "Cookie", cookie, "Content-Type", "application/x-www-form-urlencoded", "Accept", "text/html"); a.code != 303 {
			t.Fatalf("%s: %d %s", id, a.code, a.body)
		}
		c, err := f.h.Links.Campaign(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		want := typed
		if want == "" {
			want = id
		}
		if c.UTM.Campaign != want {
			t.Errorf("%s: utm_campaign %q, want %q", id, c.UTM.Campaign, want)
		}
	}
	for lang, help := range map[string]string{"en": "Left empty: the campaign&#39;s id.", "ja": "空欄ならキャンペーン ID です。"} {
		if a := f.req("GET", "/admin/campaigns?lang="+lang, "", "Cookie", cookie, "Accept", "text/html"); !strings.Contains(a.body, help) {
			t.Errorf("%s: the form does not say what an empty utm_campaign becomes (%q)", lang, help)
		}
	}
}
