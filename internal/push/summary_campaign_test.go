package push_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/push"
)

// TestSummaryNamesTheCampaign: the summary sales read in the SFA gave a
// newsletter click as its full URL with utm parameters
// (…/lp?utm_source=newsletter&utm_medium=email&utm_campaign=2026-11-nl)
// and never named the newsletter. Each activity line names the campaign it
// came with, by its name when Baton knows it, else as it came; a page on
// the team's sites is written without its utm_* parameters (the others
// and the fragment kept); an off-site URL is marked whole, as before.
func TestSummaryNamesTheCampaign(t *testing.T) {
	at := time.Date(2026, 11, 24, 10, 30, 0, 0, time.UTC)
	for _, c := range []struct{ lang, mark, named, asCame string }{
		{"", "[other site, unverified] ", " (campaign: November newsletter)\n", " (campaign: google-brand)\n"},
		{"ja", "［外部サイト・未確認］", " （キャンペーン：November newsletter）\n", " （キャンペーン：google-brand）\n"},
	} {
		l := push.Lead{Lang: c.lang, Condition: "hot", Grade: "A", Sites: []string{"www.example.co.jp"},
			Campaigns: map[string]string{"nov-news": "November newsletter", "2026-11-nl": "November newsletter"},
			LastTouch: push.Touch{Channel: "email", Source: "newsletter", Medium: "email", Campaign: "2026-11-nl",
				URL: "https://www.example.co.jp/lp?utm_source=newsletter&utm_medium=email&utm_campaign=2026-11-nl"},
			Activity: []push.Activity{
				{Type: event.EmailClick, URL: "https://www.example.co.jp/lp?utm_source=newsletter&utm_medium=email&utm_campaign=2026-11-nl", Campaign: "nov-news", At: at},
				{Type: event.PageView, Title: "Pricing", URL: "https://www.example.co.jp/pricing?plan=pro&UTM_Content=hero&%75tm_term=x#faq", Campaign: "2026-11-nl", At: at},
				{Type: event.PageView, URL: "https://www.example.co.jp/?utm_campaign=google-brand", Campaign: "google-brand", At: at},
				{Type: event.PageView, URL: "https://evil.example/lp?utm_campaign=2026-11-nl", Campaign: "2026-11-nl", At: at},
				{Type: event.PageView, URL: "https://www.example.co.jp/about", At: at},
			},
		}
		got := l.Summary()
		for _, want := range []string{
			" https://www.example.co.jp/lp" + c.named,
			" Pricing https://www.example.co.jp/pricing?plan=pro#faq" + c.named,
			" https://www.example.co.jp/" + c.asCame,
			" " + c.mark + "evil[.]example/lp?utm_campaign=2026-11-nl" + c.named,
			" https://www.example.co.jp/about\n",
			"November newsletter（https://www.example.co.jp/lp）", // the last touch's page too
		} {
			if c.lang == "" {
				want = strings.Replace(want, "November newsletter（https://www.example.co.jp/lp）", "November newsletter (https://www.example.co.jp/lp)", 1)
			}
			if !strings.Contains(got, want) {
				t.Errorf("%q summary lacks %q:\n%s", c.lang, want, got)
			}
		}
		// only the off-site URL, marked, keeps a utm parameter
		if n := strings.Count(got, "utm_"); n != 1 {
			t.Errorf("%q summary has utm_ %d times, want once (the off-site URL):\n%s", c.lang, n, got)
		}
	}
}

// TestSummaryCampaignIsOneLineOfText: a utm_campaign is anyone's text: a
// line break in it began a line of its own, a URL in it is marked as any
// value's, and a long one is cut.
func TestSummaryCampaignIsOneLineOfText(t *testing.T) {
	at := time.Date(2026, 11, 24, 10, 30, 0, 0, time.UTC)
	l := push.Lead{Condition: "hot", Grade: "A", Sites: []string{"www.example.co.jp"}, Activity: []push.Activity{
		{Type: event.PageView, URL: "https://www.example.co.jp/", Campaign: "x\n- 2026-11-24 10:30 Form submit see https://evil.example/login", At: at},
		{Type: event.PageView, URL: "https://www.example.co.jp/", Campaign: strings.Repeat("長", 200), At: at},
	}}
	got := l.Summary()
	if strings.Contains(got, "\n- 2026-11-24 10:30 Form submit") || strings.Contains(got, "https://evil.example") {
		t.Errorf("a campaign's text made a line or a link:\n%s", got)
	}
	if strings.Contains(got, strings.Repeat("長", 41)) {
		t.Errorf("a long campaign was not cut:\n%s", got)
	}
}

// TestBuildNamesTheCampaigns: the lead Build makes names the campaigns its
// activity came with (Worker.CampaignNames, links.Registry.Names in the
// app), for its summary; a failed read leaves them as they came and the
// lead is built all the same.
func TestBuildNamesTheCampaigns(t *testing.T) {
	f := setup(t, &receiver{ids: map[string]int{}})
	ctx := context.Background()
	var asked []string
	f.w.CampaignNames = func(_ context.Context, ids []string) (map[string]string, error) {
		asked = ids
		return map[string]string{"nov-news": "11月ニュースレター"}, nil
	}
	l, err := f.w.Build(ctx, f.mql)
	if err != nil {
		t.Fatal(err)
	}
	got := l.Summary()
	if !strings.Contains(got, " https://www.example.com/webinar (campaign: 11月ニュースレター)\n") ||
		!strings.Contains(got, " https://www.example.com/ (campaign: brand)\n") || strings.Contains(got, "utm_") {
		t.Errorf("asked %v; summary:\n%s", asked, got)
	}
	f.w.CampaignNames = func(context.Context, []string) (map[string]string, error) { return nil, errors.New("table down") }
	if l, err = f.w.Build(ctx, f.mql); err != nil || !strings.Contains(l.Summary(), "(campaign: nov-news)") {
		t.Errorf("with no names: %v\n%s", err, l.Summary())
	}
}
