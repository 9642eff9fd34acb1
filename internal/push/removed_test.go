package push_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/push"
)

// TestRemovedConnectorStopsRetrying: HubSpot failing (the MQL retrying
// there, delivered to the webhook) is taken out of the configuration.
// Nothing delivers to it any more, yet Status said "retrying" for ever;
// now connector_removed, its record's status and last error kept, no
// next attempt. Delivered stays delivered.
func TestRemovedConnectorStopsRetrying(t *testing.T) {
	rc := &receiver{ids: map[string]int{}}
	f := setup(t, rc)
	hub := &scripted{name: "hubspot", errs: []error{&push.Error{Connector: "hubspot", Status: 503, Message: "Service Unavailable"}}}
	configured := f.w.Connectors
	f.w.Connectors = append([]push.Connector{hub}, configured...)
	f.drain(t, 1, time.Second)
	if st := statusOf(t, f); st["hubspot"].Status != push.StatusRetrying || st["webhook"].Status != push.StatusDelivered {
		t.Fatalf("before the removal: %+v", st)
	}
	f.w.Connectors = configured // HubSpot removed, restarted
	f.clk.t = f.clk.t.Add(time.Hour)
	f.drain(t, 2, time.Second)
	st := statusOf(t, f)
	h := st["hubspot"]
	if h.Status != push.StatusRemoved || h.Was != push.StatusRetrying || !strings.Contains(h.LastError, "Service Unavailable") || !h.NextAttempt.IsZero() {
		t.Errorf("HubSpot removed while retrying: %+v, want %s (was retrying) with its last error, no next attempt", h, push.StatusRemoved)
	}
	if st["webhook"].Status != push.StatusDelivered || st["inbox"].Status != push.StatusDelivered || hub.calls != 1 {
		t.Errorf("the configured connectors: %+v; HubSpot called %d times, want once", st, hub.calls)
	}
	// The message was acked: HubSpot back, the lead could never reach it
	// (a send to it is refused while it has a record). It is a dead
	// letter saying so, which the replay delivers once HubSpot is back.
	ctx := context.Background()
	dead, _ := f.q.Dead(ctx)
	if len(dead) != 1 || !strings.Contains(dead[0].LastError, "hubspot: not configured now") {
		t.Fatalf("HubSpot removed while retrying: dead letters %+v, want the MQL's saying HubSpot is not configured", dead)
	}
	if err := f.w.ReplayRefusal(ctx, dead[0].Body); !errors.As(err, new(*push.ReplayRefused)) {
		t.Errorf("replaying it while HubSpot is still removed: %v, want refused", err)
	}
	f.w.Connectors = append([]push.Connector{hub}, configured...)
	if err := f.w.ReplayRefusal(ctx, dead[0].Body); err != nil {
		t.Fatalf("HubSpot configured again, the replay refused: %v", err)
	}
	if err := f.q.Replay(ctx, f.mql.ID); err != nil {
		t.Fatal(err)
	}
	f.drain(t, 2, time.Second)
	if dead, _ := f.q.Dead(ctx); len(dead) != 0 || statusOf(t, f)["hubspot"].Status != push.StatusDelivered || hub.calls != 2 || rc.ids[f.mql.ID] != 1 {
		t.Errorf("HubSpot back, replayed: dead letters %+v, status %+v, HubSpot called %d times, webhook %d", dead, statusOf(t, f), hub.calls, rc.ids[f.mql.ID])
	}
	// A delivered record of a removed connector is delivered still.
	f.w.Connectors = configured[:1] // the webhook removed too
	if st := statusOf(t, f); st["webhook"].Status != push.StatusDelivered || st["webhook"].Was != "" {
		t.Errorf("the removed webhook, which has the MQL: %+v, want delivered", st["webhook"])
	}
}

// TestReplayForRemovedConnectorIsNotLost: an MQL dead at HubSpot (and
// delivered elsewhere) is a dead letter; HubSpot is taken out of the
// configuration. Replayed, the letter was acked at once (the configured
// connectors have it), vanishing with HubSpot's record dead and nothing
// left to replay once it is configured again. Now ReplayRefusal refuses
// it, naming HubSpot; replayed all the same (SQS's path cannot ask), it
// is a dead letter again saying HubSpot is not configured; once HubSpot
// is back, the replay delivers it there.
func TestReplayForRemovedConnectorIsNotLost(t *testing.T) {
	rc := &receiver{ids: map[string]int{}}
	f := setup(t, rc)
	ctx := context.Background()
	hub := &scripted{name: "hubspot", errs: []error{&push.Error{Connector: "hubspot", Status: 401, Code: "INVALID_AUTHENTICATION", Message: "expired", Permanent: true}}}
	configured := f.w.Connectors
	f.w.Connectors = append([]push.Connector{hub}, configured...)
	f.drain(t, 2, time.Second)
	dead, _ := f.q.Dead(ctx)
	if len(dead) != 1 || statusOf(t, f)["hubspot"].Status != push.StatusDead {
		t.Fatalf("before the removal: dead letters %+v, status %+v", dead, statusOf(t, f))
	}
	f.w.Connectors = configured // HubSpot removed
	if err := f.w.ReplayRefusal(ctx, dead[0].Body); err == nil {
		t.Error("the replay of a dead letter whose connector is not configured now was not refused")
	} else if r := (*push.ReplayRefused)(nil); !errors.As(err, &r) || len(r.Connectors) != 1 || r.Connectors[0] != "hubspot" || !strings.Contains(r.Why, "hubspot is not configured now") {
		t.Errorf("refused with %v, want a ReplayRefused naming hubspot", err)
	}
	if st := statusOf(t, f); st["hubspot"].Status != push.StatusRemoved || st["hubspot"].Was != push.StatusDead {
		t.Errorf("HubSpot removed after its delivery died: %+v, want %s (was dead)", st["hubspot"], push.StatusRemoved)
	}
	// Replayed without asking (the SQS dead-letter queue's path).
	if err := f.q.Replay(ctx, f.mql.ID); err != nil {
		t.Fatal(err)
	}
	f.drain(t, 2, time.Second)
	dead, _ = f.q.Dead(ctx)
	const why = "hubspot: not configured now: the MQL was not delivered to it; replay it once it is"
	if len(dead) != 1 || dead[0].LastError != why {
		t.Fatalf("after the replay, dead letters %+v, want the MQL's saying %q", dead, why)
	}
	if rc.ids[f.mql.ID] != 1 || hub.calls != 1 {
		t.Errorf("the replay delivered again: webhook %d times, HubSpot %d, want once each", rc.ids[f.mql.ID], hub.calls)
	}
	// A send to HubSpot alone (SendTo's message) is refused as well.
	body, _ := json.Marshal(map[string]any{"id": f.mql.ID, "person": f.mql.Person, "sendTo": "hubspot"})
	if err := f.w.ReplayRefusal(ctx, body); !errors.As(err, new(*push.ReplayRefused)) {
		t.Errorf("the replay of a send to a connector not configured: %v, want refused", err)
	}
	// HubSpot configured again: the replay delivers it there.
	f.w.Connectors = append([]push.Connector{hub}, configured...)
	if err := f.w.ReplayRefusal(ctx, dead[0].Body); err != nil {
		t.Fatalf("HubSpot configured again, the replay refused: %v", err)
	}
	if err := f.q.Replay(ctx, f.mql.ID); err != nil {
		t.Fatal(err)
	}
	f.drain(t, 2, time.Second)
	if dead, _ := f.q.Dead(ctx); len(dead) != 0 || statusOf(t, f)["hubspot"].Status != push.StatusDelivered || rc.ids[f.mql.ID] != 1 {
		t.Errorf("HubSpot back, replayed: dead letters %+v, status %+v, webhook %d times", dead, statusOf(t, f), rc.ids[f.mql.ID])
	}
}

// TestRemovedDeadConnectorKeepsItsLetter: HubSpot dead while the webhook
// still retries (the message alive), then HubSpot is removed: once the
// webhook has it, the message was acked with HubSpot dead and no dead
// letter to replay; now it is one, saying HubSpot is not configured.
// A replay that the configured connectors still need goes through.
func TestRemovedDeadConnectorKeepsItsLetter(t *testing.T) {
	rc := &receiver{ids: map[string]int{}, fail: 1}
	f := setup(t, rc)
	ctx := context.Background()
	hub := &scripted{name: "hubspot", errs: []error{&push.Error{Connector: "hubspot", Status: 400, Code: "VALIDATION_ERROR", Message: "bad", Permanent: true}}}
	configured := f.w.Connectors
	f.w.Connectors = append([]push.Connector{hub}, configured...)
	f.drain(t, 1, time.Second) // HubSpot dead, the webhook retrying
	if st := statusOf(t, f); st["hubspot"].Status != push.StatusDead || st["webhook"].Status != push.StatusRetrying {
		t.Fatalf("before the removal: %+v", st)
	}
	f.w.Connectors = configured
	f.drain(t, 20, 10*time.Second)
	dead, _ := f.q.Dead(ctx)
	if rc.ids[f.mql.ID] != 1 || len(dead) != 1 || !strings.Contains(dead[0].LastError, "hubspot: not configured now") {
		t.Fatalf("webhook got it %d times; dead letters %+v, want one saying HubSpot is not configured", rc.ids[f.mql.ID], dead)
	}
}

// TestRemovedConnectorKeepsNoLetterOfAnOptOut: HubSpot retrying an MQL
// the other connectors have, the person then withdraws consent, and
// HubSpot is taken out: the message was dead-lettered (holding their
// email) asking for a replay once HubSpot is back, which the consent
// check would refuse. It is done with, no letter kept.
func TestRemovedConnectorKeepsNoLetterOfAnOptOut(t *testing.T) {
	rc := &receiver{ids: map[string]int{}}
	f := setup(t, rc)
	ctx := context.Background()
	hub := &scripted{name: "hubspot", errs: []error{&push.Error{Connector: "hubspot", Status: 503, Message: "Service Unavailable"}}}
	configured := f.w.Connectors
	f.w.Connectors = append([]push.Connector{hub}, configured...)
	f.drain(t, 1, time.Second)
	if st := statusOf(t, f); st["hubspot"].Status != push.StatusRetrying || st["webhook"].Status != push.StatusDelivered {
		t.Fatalf("before: %+v", st)
	}
	if err := f.w.Stitcher.WithdrawConsent(ctx, "pv1", f.clk.t); err != nil {
		t.Fatal(err)
	}
	f.w.Connectors = configured
	f.clk.t = f.clk.t.Add(time.Hour)
	f.drain(t, 2, time.Second)
	if dead, _ := f.q.Dead(ctx); len(dead) != 0 {
		t.Errorf("dead letters %+v: an opted-out person's MQL kept for a connector taken out", dead)
	}
}
