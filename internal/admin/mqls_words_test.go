package admin_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/admin"
	"github.com/baton-hq/baton/internal/push"
	"github.com/baton-hq/baton/internal/queue"
)

type noDead struct{}

func (noDead) Dead(context.Context) ([]queue.Message, error) { return nil, nil }
func (noDead) Replay(context.Context, string) error          { return nil }

// TestMQLTableKeepsWordsWhole: at 1,280 px the Japanese MQL table broke
// its one-word cells over lines, as the people table (class nw) does not:
// the heading グレード as グレー / ド, a stage as SAL（営業受 / 入） or
// ナーチャリング / 中, the hand-off chip as 受信箱：連携済 / み. The
// heading, the stage and each chip are kept on one line (a chip still
// wraps between chips, and on a phone the cards wrap as before).
func TestMQLTableKeepsWordsWhole(t *testing.T) {
	f := newFixture(t)
	salesHistory(t, f) // answered@ (accepted, sql, lost: recycled), waiting@ (an MQL)
	f.h.Deliveries = &admin.DeliveryAdmin{Queue: noDead{}, Status: func(_ context.Context, id string) ([]push.Delivery, error) {
		return []push.Delivery{{MQLID: id, Connector: "inbox", Status: "delivered"}}, nil
	}}
	serveScoring(t, f)
	a := f.req("GET", "/admin/mqls?lang=ja", "", "Authorization", "Bearer "+fullToken, "Accept", "text/html")
	if a.code != 200 {
		t.Fatalf("%d %s", a.code, a.body)
	}
	for what, re := range map[string]string{
		"the grade heading": `<th class="nw">グレード</th>`,
		"a grade":           `<td data-l="グレード" class="nw">A</td>`,
		"a stage":           `<td data-l="現在のステージ" class="nw">ナーチャリング中</td>`,
		"the hand-off chip": `<span class="chip nw delivered"[^>]*>受信箱：連携済み</span>`,
	} {
		if !regexp.MustCompile(re).MatchString(a.body) {
			t.Errorf("%s may break over lines: no %s in\n%s", what, re, a.body[strings.Index(a.body, "<table"):])
		}
	}
}
