package stack_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/baton-hq/baton/infra/local/stack"
	"github.com/baton-hq/baton/internal/clock"
)

// TestPersonPageSaysAClickAwaitsJudgement: a recipient's newsletter click
// was counted on the campaign's page at once ("awaiting judgement"), but
// their own page, opened from it, said "no click yet" and showed no click
// until the sweep judged it 2-3 minutes later. The person's page says the
// click is there and when it joins their timeline (and no more "no click
// yet"); once judged, the note is gone and the click is on the timeline.
func TestPersonPageSaysAClickAwaitsJudgement(t *testing.T) {
	clk := clock.NewManual(clock.Now())
	s := stack.ForTestClock(t, nil, clk.Now)
	link := hanakosNewsletterLink(t, s)
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(link)
	if err != nil || resp.StatusCode != 302 {
		t.Fatalf("click: %v %v", err, resp)
	}
	resp.Body.Close()
	settle(t, s)
	for lang, want := range map[string]string{"en": "Newsletter clicks awaiting judgement: 1.", "ja": "判定待ちのメールのクリック：1 件。"} {
		code, b := page(t, s, "/admin/people?email=hanako@example.co.jp&lang="+lang, token)
		if code != 200 || !strings.Contains(string(b), `id="awaiting"`) || !strings.Contains(string(b), want) || strings.Contains(string(b), "no click yet") || strings.Contains(string(b), "クリックなし") {
			t.Errorf("%s: before the sweep, the page does not say the click awaits judgement: %d\n%s", lang, code, b)
		}
	}
	judgeClicks(t, s, clk)
	code, b := page(t, s, "/admin/people?email=hanako@example.co.jp&lang=en", token)
	if code != 200 || strings.Contains(string(b), `id="awaiting"`) || !strings.Contains(string(b), `<span class="nw">newsletter click</span>`) {
		t.Errorf("judged: the note stays or the click is not on the timeline: %d\n%s", code, b)
	}
}
