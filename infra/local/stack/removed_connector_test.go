package stack_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/infra/local/stack"
	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/crm/crmfake"
)

// TestRemovedHubSpotStopsAndKeepsItsDeadLetter: MQLs delivered to HubSpot
// and a webhook, HubSpot failing: MQL a dead there (bad credentials), MQL
// b retrying (503). HubSpot is removed from the config and Baton
// restarted. b's hand-off said 「HubSpot：再試行中」 for ever, though
// nothing would retry it: now it is connector_removed (was retrying, its
// error kept), "stopped: connector removed" / 「停止（接続先の設定なし）」 on
// the MQL list. a's dead letter was "replayed" and vanished, HubSpot's
// record still dead: now its replay is refused (409 naming HubSpot) and
// the letter stays.
func TestRemovedHubSpotStopsAndKeepsItsDeadLetter(t *testing.T) {
	clk := clock.NewManual(t0)
	data := t.TempDir()
	const secret = "whsec_c2VjcmV0LWZvci1yZW1vdmVkLXRlc3Q="
	hook, srv := newHookRecorder(t, secret)
	f := crmfake.NewHubSpot()
	t.Cleanup(f.Close)
	f.Now = clk.Now
	hooks := map[string]string{"BATON_DATA": data, "BATON_WEBHOOK_URL": srv.URL, "BATON_WEBHOOK_SECRET": secret}
	env := map[string]string{"BATON_CONFIG": writeConfig(t, "timezone: Asia/Tokyo\nsfa:\n  hubspot:\n    base_url: "+f.URL+"\n"), "BATON_HUBSPOT_TOKEN": f.Token}
	for k, v := range hooks {
		env[k] = v
	}
	s := stack.ForTestClock(t, env, clk.Now)
	deadLetters := func(s *stack.Stack) []string {
		t.Helper()
		code, body := do(t, "GET", s.URL+"/admin/deadletters", token, "")
		var v struct{ DeadLetters []struct{ ID string } }
		if code != 200 || json.Unmarshal(body, &v) != nil {
			t.Fatalf("dead letters: %d %s", code, body)
		}
		var ids []string
		for _, d := range v.DeadLetters {
			ids = append(ids, d.ID)
		}
		return ids
	}
	hubspot := func(s *stack.Stack, mql string) map[string]any {
		t.Helper()
		code, body := do(t, "GET", s.URL+"/admin/mqls/"+mql+"/deliveries", token, "")
		var v struct{ Deliveries []map[string]any }
		if code != 200 || json.Unmarshal(body, &v) != nil {
			t.Fatalf("deliveries: %d %s", code, body)
		}
		for _, d := range v.Deliveries {
			if d["connector"] == "hubspot" {
				return d
			}
		}
		t.Fatalf("no hubspot delivery: %s", body)
		return nil
	}
	f.Fail(1000, crmfake.Fault{Status: 401, Body: `{"status":"error","message":"Authentication credentials not found.","correlationId":"c6f2b1e0-0000-4000-8000-000000000009","category":"INVALID_AUTHENTICATION"}`})
	a := qualifyOne(t, s, "rm-a", "removed.a@maker.example")
	deliver(t, s, func() bool { return len(deadLetters(s)) == 1 })
	f.Heal()
	f.Fail(1000, crmfake.Fault{Status: 503, Body: `{"status":"error","message":"Service Unavailable","category":"INTERNAL_ERROR"}`})
	b := qualifyOne(t, s, "rm-b", "removed.b@maker.example")
	deliver(t, s, func() bool { return hubspot(s, b+"-c1")["status"] == "retrying" && hook.ids[b+"-c1"] > 0 })
	if d := hubspot(s, a+"-c1"); d["status"] != "dead" || hook.ids[a+"-c1"] != 1 {
		t.Fatalf("before the removal, MQL a: HubSpot %v, webhook %d times", d, hook.ids[a+"-c1"])
	}
	settle(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	// HubSpot removed; restarted.
	clk.Advance(2 * time.Hour)
	s = stack.ForTestClock(t, map[string]string{"BATON_DATA": data, "BATON_WEBHOOK_URL": srv.URL, "BATON_WEBHOOK_SECRET": secret,
		"BATON_CONFIG": writeConfig(t, "timezone: Asia/Tokyo\n")}, clk.Now)
	drain(t, s)
	if d := hubspot(s, b+"-c1"); d["status"] != "connector_removed" || d["was"] != "retrying" || !strings.Contains(d["lastError"].(string), "Service Unavailable") || d["nextAttempt"] != nil {
		t.Errorf("MQL b's HubSpot, removed while retrying: %v, want connector_removed (was retrying) with its error", d)
	}
	send, cookie := formSession(t, s)
	for lang, want := range map[string][2]string{"ja": {"HubSpot：停止（接続先の設定なし）", "HubSpot：再試行中"}, "en": {"HubSpot: stopped: connector removed", "HubSpot: retrying"}} {
		code, page, _ := send("GET", "/admin/mqls?lang="+lang, "", "Cookie", cookie, "Accept", "text/html")
		if code != 200 || !strings.Contains(page, want[0]) || strings.Contains(page, want[1]) {
			i := strings.Index(page, "HubSpot")
			t.Errorf("the MQL list (%s) does not say %q (or says %q): %d %.300s", lang, want[0], want[1], code, page[max(i, 0):])
		}
	}
	// MQL b, retrying at HubSpot, is a dead letter too: acked, it could
	// never reach HubSpot once HubSpot was back.
	ids := deadLetters(s)
	slices.Sort(ids)
	want := []string{a + "-c1", b + "-c1"}
	slices.Sort(want)
	if !slices.Equal(ids, want) {
		t.Fatalf("dead letters after the restart: %v, want MQL a's and b's", ids)
	}
	ids = []string{a + "-c1"}
	code, body := do(t, "POST", s.URL+"/admin/deadletters/"+ids[0]+"/replay", token, "")
	if code != 409 || !strings.Contains(string(body), "hubspot is not configured now") {
		t.Errorf("the replay of MQL a's dead letter, HubSpot not configured: %d %s, want 409 naming hubspot", code, body)
	}
	drain(t, s)
	if got := deadLetters(s); len(got) != 2 || !slices.Contains(got, ids[0]) || hubspot(s, a+"-c1")["was"] != "dead" {
		t.Errorf("after the refused replay: dead letters %v, HubSpot %v; want the letter kept", got, hubspot(s, a+"-c1"))
	}
	if hook.ids[a+"-c1"] != 1 || hook.ids[b+"-c1"] != 1 {
		t.Errorf("the webhook got MQL a %d times, b %d, want once each", hook.ids[a+"-c1"], hook.ids[b+"-c1"])
	}
}
