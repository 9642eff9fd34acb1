package stack_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/infra/local/stack"
	"github.com/baton-hq/baton/internal/clock"
)

// TestOffsiteURLsAreNoLinksInChromium: anyone can post an event naming a
// look-alike sign-in page to the public collector; the person's page, in
// Chromium, in English and Japanese, links only to the team's site
// (BATON_SITE_ORIGINS), with no Referer on the way, and shows the other
// URL as text, marked. It linked to both.
func TestOffsiteURLsAreNoLinksInChromium(t *testing.T) {
	clk := clock.NewManual(time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC))
	s := stack.ForTestClock(t, map[string]string{"BATON_SITE_ORIGINS": "https://www.example.com"}, clk.Now)
	const vid = "offsite-browser-0001"
	for i, body := range []string{
		`{"type":"page_view","messageId":"os-1","anonymousId":"` + vid + `","properties":{"url":"https://www.example.com/pricing","title":"Pricing"}}`,
		`{"type":"page_view","messageId":"os-2","anonymousId":"` + vid + `","properties":{"url":"https://evil.example/login-to-baton","title":"Baton: sign in again"}}`,
		`{"type":"form_submit","messageId":"os-3","anonymousId":"` + vid + `","properties":{"url":"https://www.example.com/contact","form":{"id":"contact"},"fields":{"email":"offsite@maker.example"}}}`,
	} {
		resp, err := http.Post(s.URL+"/e", "text/plain", strings.NewReader(body))
		if err != nil || resp.StatusCode != 204 {
			t.Fatalf("event %d: %v %v", i, err, resp)
		}
		resp.Body.Close()
		clk.Advance(time.Minute)
	}
	settle(t, s)
	p, err := s.App.People.ByEmail(context.Background(), "offsite@maker.example")
	if err != nil {
		t.Fatal(err)
	}

	needChromium(t, "the person page's links must be tested in a browser in CI")
	cmd := exec.Command("node", "../../../tag/browser/offsite.mjs")
	cmd.Env = append(os.Environ(), "URL="+s.URL+"/admin/people/"+p.ID, "TOKEN="+token, "SHOTS="+screenshotDir(t.TempDir()))
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("offsite.mjs: %v %s", err, out)
	}
	type link struct{ Href, Rel, Text string }
	type away struct{ URL, Referer string }
	type seen struct {
		Links    []link
		Texts    []string
		Marks    []string
		Overflow []any
		Away     []away
		Followed string
	}
	var res struct {
		Errors []string
		En, Ja seen
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	if len(res.Errors) > 0 {
		t.Errorf("console errors: %v", res.Errors)
	}
	for lang, v := range map[string]seen{"en": res.En, "ja": res.Ja} {
		mark := map[string]string{"en": "other site, unverified", "ja": "外部サイト・未確認"}[lang]
		for _, l := range v.Links {
			if rel := strings.Fields(l.Rel); !strings.HasPrefix(l.Href, "https://www.example.com/") || !slices.Contains(rel, "noopener") || !slices.Contains(rel, "noreferrer") {
				t.Errorf("%s: a link %+v, want the team's site's alone, rel noopener noreferrer", lang, l)
			}
		}
		if !slices.ContainsFunc(v.Links, func(l link) bool { return l.Href == "https://www.example.com/pricing" && l.Text == "Pricing" }) {
			t.Errorf("%s: no link to the team's pricing page: %+v", lang, v.Links)
		}
		if !slices.Equal(v.Texts, []string{"https://evil.example/login-to-baton"}) || !slices.Equal(v.Marks, []string{mark}) {
			t.Errorf("%s: URLs shown as text %q marked %q, want the look-alike's marked %q", lang, v.Texts, v.Marks, mark)
		}
		if len(v.Overflow) > 0 {
			t.Errorf("%s: the person's page does not fit: %v", lang, v.Overflow)
		}
	}
	if res.En.Followed != "https://www.example.com/pricing" || !slices.Equal(res.En.Away, []away{{"https://www.example.com/pricing", ""}}) || len(res.Ja.Away) != 0 {
		t.Errorf("followed %q; requests away from Baton: en %+v ja %+v, want the pricing page's alone, with no Referer", res.En.Followed, res.En.Away, res.Ja.Away)
	}
}
