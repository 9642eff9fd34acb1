package admin_test

import (
	"context"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/admin"
	"github.com/baton-hq/baton/internal/push"
)

// TestPersonPageSaysNoRawKeys: a recycled person's page said why they
// wait with the rules file's key inside the sentence
// (…まで MQL になりません（recycle.cooldown）), and the hand-off to the
// inbox with the MQL's internal id (受信箱：連携済み（p_…-c1）). The
// sentence is in words, the key apart as a small hint; the inbox's chip
// has no id, an SFA's names its record id as such; the webhook's id is
// the MQL's own, its messages' webhook-id (it was called an SFA record id).
func TestPersonPageSaysNoRawKeys(t *testing.T) {
	f := newFixture(t)
	q, dir, _ := salesHistory(t, f) // answered@: accepted, sql, lost (recycled)
	f.h.Deliveries = &admin.DeliveryAdmin{Queue: noDead{}, Status: func(_ context.Context, id string) ([]push.Delivery, error) {
		return []push.Delivery{{MQLID: id, Connector: "inbox", Status: "delivered", ExternalID: id}, {MQLID: id, Connector: "salesforce", Status: "delivered", ExternalID: "00Q5g00000ABCDE"}, {MQLID: id, Connector: "webhook", Status: "delivered", ExternalID: id}}, nil
	}}
	// The page judges the person at the workspace's clock (the recycle's
	// cooldown, the decay): the fixture's, not the wall clock.
	f.h.Workspace = &admin.Workspace{T: f.tb, Now: f.clk.Now}
	serveScoring(t, f)
	p, err := dir.ByEmail(context.Background(), "answered@maker.example")
	if err != nil {
		t.Fatal(err)
	}
	if rec, _ := q.Record(context.Background(), p.ID); rec.Verdict.Waiting == "" {
		t.Fatalf("answered@ does not wait: %+v", rec.Verdict)
	}
	for lang, want := range map[string][]string{
		"ja": {"まで MQL になりません（現在 0 点） <span class=\"small muted rule-key\">ルールファイルの設定：<code>recycle.", "受信箱：連携済み</span>", "（SFA のレコード ID：<bdi>00Q5g00000ABCDE</bdi>）", "連携済み（webhook-id：<bdi>" + p.ID + "-c1</bdi>）"},
		"en": {" <span class=\"small muted rule-key\">set in the rules file: <code>recycle.", "Inbox: delivered</span>", " (SFA record id: <bdi>00Q5g00000ABCDE</bdi>)", "delivered (webhook-id: <bdi>" + p.ID + "-c1</bdi>)"},
	} {
		a := f.req("GET", "/admin/people/"+p.ID+"?lang="+lang, "", "Authorization", "Bearer "+fullToken, "Accept", "text/html")
		if a.code != 200 {
			t.Fatalf("%s: %d %s", lang, a.code, a.body)
		}
		for _, w := range want {
			if !strings.Contains(a.body, w) {
				t.Errorf("%s: no %q in\n%s", lang, w, a.body)
			}
		}
		if strings.Contains(a.body, "（recycle.") || strings.Contains(a.body, "-c1）") || strings.Contains(a.body, "-c1)") {
			t.Errorf("%s: a raw key or the MQL's id in the page:\n%s", lang, a.body)
		}
	}
}
