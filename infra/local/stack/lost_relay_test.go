package stack_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/baton-hq/baton/infra/local/stack"
	"github.com/baton-hq/baton/internal/app/core"
	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/crm/crmfake"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/scorefeed"
)

// TestLostRelayIsQueuedAgainBySweep: an MQL stored by scoring whose relay
// to the push queue never happened (on AWS: a stream batch that failed and
// whose score failure was not replayed within the stream's 24 hours) was
// never delivered, and a day later the MQL list called it "not sent:
// connected after this MQL" though HubSpot was configured before it. The
// sweep now queues it again once it is core.LostAfter old: HubSpot gets
// it once (a second sweep sends nothing more), like an MQL relayed as
// usual. One of a person who withdrew consent, or erased, is not queued
// again (not even to be dead-lettered by the worker), and is withheld on
// the list, with no send offered; one still lost past a day is a missed
// hand-off with a send (both languages), not connected after.
func TestLostRelayIsQueuedAgainBySweep(t *testing.T) {
	ctx := context.Background()
	clk := clock.NewManual(t0)
	f := crmfake.NewHubSpot()
	t.Cleanup(f.Close)
	f.Now = clk.Now
	var mu sync.Mutex
	upserts := map[string]int{}
	f.Upserted = func(email string, _ map[string]string) { mu.Lock(); upserts[email]++; mu.Unlock() }
	const usual, lost, optout, erased = "usual@maker.example", "lost.relay@maker.example", "lost.optout@maker.example", "lost.erased@maker.example"
	const late = "lost.late@maker.example" // lost after the last sweep: still lost a day on
	var lose sync.Map                      // the emails whose first relay is lost
	lose.Store(late, true)
	lose.Store(lost, true)
	lose.Store(optout, true)
	lose.Store(erased, true)
	wrap := func(next scorefeed.Relay) scorefeed.Relay {
		return func(ctx context.Context, m qualify.MQL) error {
			if _, ok := lose.LoadAndDelete(m.Email); ok {
				return nil // "relayed": the message never reaches the queue
			}
			return next(ctx, m)
		}
	}
	s := stack.ForTestRelay(t, map[string]string{"BATON_CONFIG": writeConfig(t, "timezone: Asia/Tokyo\nsfa:\n  hubspot:\n    base_url: "+f.URL+"\n"),
		"BATON_HUBSPOT_TOKEN": f.Token}, clk.Now, wrap)
	count := func(email string) int { mu.Lock(); defer mu.Unlock(); return upserts[email] }
	status := func(mql string) string {
		t.Helper()
		code, body := do(t, "GET", s.URL+"/admin/mqls/"+mql+"/deliveries", token, "")
		var v struct{ Deliveries []map[string]any }
		if code != 200 || json.Unmarshal(body, &v) != nil || len(v.Deliveries) != 1 {
			t.Fatalf("deliveries: %d %s", code, body)
		}
		return v.Deliveries[0]["status"].(string)
	}
	u := qualifyOne(t, s, "lr-u", usual)
	deliver(t, s, func() bool { return mqlDelivered(t, s, u+"-c1") })
	l := qualifyOne(t, s, "lr-l", lost)
	o := qualifyOne(t, s, "lr-o", optout)
	if err := s.App.Stitcher.WithdrawPerson(ctx, o, clk.Now()); err != nil {
		t.Fatal(err)
	}
	e := qualifyOne(t, s, "lr-e", erased)
	if code, b := do(t, "DELETE", s.URL+"/admin/people/"+e, token, ""); code != 200 {
		t.Fatalf("erasure: %d %s", code, b)
	}
	drain(t, s)
	if n := count(lost); n != 0 || status(l+"-c1") != "pending" {
		t.Fatalf("the lost MQL reached HubSpot (%d) or has a record: %s", n, status(l+"-c1"))
	}
	sweep := func() {
		t.Helper()
		if _, err := s.App.Sweep(ctx); err != nil {
			t.Fatal(err)
		}
		drain(t, s)
	}
	clk.Advance(core.LostAfter - time.Minute)
	sweep()
	if n := count(lost); n != 0 {
		t.Fatalf("queued again before %v: %d upserts", core.LostAfter, n)
	}
	clk.Advance(2 * time.Minute)
	sweep()
	deliver(t, s, func() bool { return mqlDelivered(t, s, l+"-c1") })
	clk.Advance(time.Hour)
	sweep()
	if got, want := count(lost), count(usual); got != want || want == 0 {
		t.Errorf("HubSpot's upserts of the lost MQL: %d, want %d as of the one relayed as usual", got, want)
	}
	if n := count(optout); n != 0 {
		t.Errorf("the MQL of a person who withdrew consent was queued again: %d upserts", n)
	}
	if n := count(erased); n != 0 {
		t.Errorf("the MQL of a person erased was queued again: %d upserts", n)
	}
	// Queued again, it would be dead-lettered by the worker (consent).
	if code, body := do(t, "GET", s.URL+"/admin/deadletters", token, ""); code != 200 || !strings.Contains(string(body), `"total":0`) {
		t.Errorf("dead letters: %d %s, want none", code, body)
	}

	k := qualifyOne(t, s, "lr-k", late)
	drain(t, s)
	clk.Advance(25 * time.Hour) // past push's awaitNone: no record ever will come
	if st := status(k + "-c1"); st != "relay_lost" {
		t.Errorf("HubSpot, configured before the MQL, never had it: %q, want relay_lost", st)
	}
	// The person who withdrew consent: withheld, no send offered (it
	// was offered, and refused once pressed).
	if st := status(o + "-c1"); st != "withheld" {
		t.Errorf("the MQL of a person who withdrew consent: %q, want withheld", st)
	}
	send, cookie := formSession(t, s)
	for lang, want := range map[string][2]string{"ja": {"HubSpot：連携漏れ（未送信）", "HubSpot：送信停止（同意撤回）"}, "en": {"HubSpot: missed (never handed over)", "HubSpot: withheld (consent withdrawn)"}} {
		code, page, _ := send("GET", "/admin/mqls?lang="+lang, "", "Cookie", cookie, "Accept", "text/html")
		row := func(person string) string {
			i := strings.Index(page, `href="people/`+person+`"`)
			if i < 0 {
				return ""
			}
			j := strings.Index(page[i:], "</tr>")
			if j < 0 {
				return page[i:]
			}
			return page[i : i+j]
		}
		lostRow, withheldRow := row(k), row(o)
		if code != 200 || !strings.Contains(lostRow, want[0]) || !strings.Contains(lostRow, "/deliveries/hubspot/send") || strings.Contains(lostRow, "connected after") || strings.Contains(lostRow, "MQL 後に接続") {
			t.Errorf("the MQL list (%s), the lost MQL's row does not say %q with a send: %d %s", lang, want[0], code, lostRow)
		}
		if !strings.Contains(withheldRow, want[1]) || strings.Contains(withheldRow, "/send") {
			t.Errorf("the MQL list (%s), the withdrawn person's row does not say %q without a send: %s", lang, want[1], withheldRow)
		}
	}
}
