package admin_test

import (
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/admin"
)

// TestReportsWithoutLeadsSayWhatBringsThem: the reports of a store with no
// lead yet (a fresh `make dev`) said "Nothing in this period." under each
// chart and table, though no period was picked, and nothing of what brings
// leads; the other pages' empty states do (People, the inbox with its link
// to the demo site). The page now says so above the figures, with the demo
// site's link on the local stack, and not once there is a lead.
func TestReportsWithoutLeadsSayWhatBringsThem(t *testing.T) {
	f := newFixture(t, func(h *admin.Handler) { h.Demo = true })
	html := []string{"Authorization", "Bearer " + readToken, "Accept", "text/html"}
	for lang, want := range map[string]string{
		"ja": `<p class="note no-leads">まだリードはいません。レポートは Baton が本人を特定してスコアを付けた人を数えます（タグを埋め込んだページのフォーム送信、メールのリンクをクリックした受信者、オフライン接点の取り込み）。 <a href="../demo/">デモサイトを閲覧して問い合わせフォームを送信してください。</a></p>`,
		"en": `<p class="note no-leads">No leads yet: the reports count the people Baton has identified and scored, from a form sent on a page with the tag, a recipient&#39;s click on a newsletter&#39;s link, or an offline touches import. <a href="../demo/">Browse the demo site and send its contact form.</a></p>`,
	} {
		a := f.req("GET", "/admin/?lang="+lang, "", html...)
		if a.code != 200 || !strings.Contains(a.body, want) {
			t.Errorf("%s: %d, want %s in:\n%s", lang, a.code, want, a.body)
		}
	}
	salesHistory(t, f) // leads, MQLs and sales' answers
	if a := f.req("GET", "/admin/?lang=ja", "", html...); a.code != 200 || strings.Contains(a.body, "no-leads") || !strings.Contains(a.body, "ファネル") {
		t.Errorf("with leads: %d, still says there are none:\n%s", a.code, a.body)
	}
}
