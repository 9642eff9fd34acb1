package admin_test

import (
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/push"
)

// TestInboxCardSaysTheLeadIsBack: a lead sales rejected, recycled and
// qualified again came back as a card like any new one: the rep who sent
// it back had no word that it was theirs before, nor of the reason they
// gave. The card says it is an MQL again, how sales marked the previous
// one, when, and why, as the SFA's Task says it.
func TestInboxCardSaysTheLeadIsBack(t *testing.T) {
	f := newFixture(t)
	at := f.clk.Now()
	qualifyToInbox(t, f, "back-v", "back@maker.example", map[string]string{"last_name": "田中", "title": "部長", "employees": "500"}, func(l *push.Lead) {
		l.Cycle = 2
		l.Recycled = &push.Recycled{Outcome: "rejected", At: at.Add(-10 * 24 * time.Hour), Why: "予算が来期"}
	})
	serveScoring(t, f)
	for lang, want := range map[string]string{
		"ja": `<span class="chip again">再度の MQL（2 回目）</span> 前回の MQL を営業が 2026年11月14日 に「差し戻し」としました／営業のコメント：<bdi>予算が来期</bdi>／その後の行動で再び MQL になりました`,
		"en": `<span class="chip again">MQL again (MQL 2)</span> Sales marked the previous MQL rejected on 14 Nov 2026; why, as sales said: <bdi>予算が来期</bdi>; it qualified again on what they did since`,
	} {
		a := f.req("GET", "/admin/inbox?lang="+lang, "", "Authorization", "Bearer "+fullToken, "Accept", "text/html")
		if a.code != 200 || !strings.Contains(a.body, want) {
			t.Errorf("%s: the card does not say the lead is back, when and why (%q):\n%s", lang, want, a.body)
		}
	}
}
