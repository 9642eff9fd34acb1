package crm_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/crm/crmfake"
	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/push"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/queue"
	"github.com/baton-hq/baton/internal/table/bolttable"
)

// TestDeliveryThroughOutageExpiryAndRateLimits pushes MQLs to the
// Salesforce and HubSpot fakes while they fail in every documented way:
// every MQL arrives, once.
func TestDeliveryThroughOutageExpiryAndRateLimits(t *testing.T) {
	tb, err := bolttable.Open(filepath.Join(t.TempDir(), "b.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer tb.Close()
	ctx := context.Background()
	clk := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	now := func() time.Time { return clk }
	dir := &identity.Directory{T: tb}
	st := &identity.Stitcher{Dir: dir, Log: &eventlog.Log{T: tb}}
	q := &queue.Queue{T: tb, Name: "push", Now: now}
	var ids []string
	for i, email := range []string{"a@example.com", "b@example.com", "c@example.com", "bad@example.com"} {
		p, _, err := dir.Ensure(ctx, email, "form")
		if err != nil {
			t.Fatal(err)
		}
		m := qualify.MQL{ID: p.ID + "-c1", Person: p.ID, Email: email, Cycle: 1, At: clk, Condition: "hot-and-fit"}
		if err := q.Enqueue(ctx, m.ID, m); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, m.ID)
		_ = i
	}
	sfFake, hsFake := crmfake.NewSalesforce(), crmfake.NewHubSpot()
	defer sfFake.Close()
	defer hsFake.Close()
	w := &push.Worker{Queue: q, T: tb, Dir: dir, Stitcher: st, Now: now, Connectors: []push.Connector{sf(sfFake), hs(hsFake)}}
	// The SFA is down for a while, sessions expire mid-run, HubSpot rate-limits.
	sfFake.Fail(6, crmfake.Fault{Status: 503, Body: crmfake.SFServiceUnavailable})
	// Then a permanent error for whichever MQL comes next: dead-lettered with the reason.
	sfFake.Fail(1, crmfake.Fault{Status: 400, Body: crmfake.SFDuplicatesDetected})
	hsFake.Fail(3, crmfake.Fault{Status: 429, Body: crmfake.HSSecondlyLimit, Headers: crmfake.RateHeaders})
	for round := 0; round < 60; round++ {
		if round == 2 {
			sfFake.ExpireTokens()
		}
		if _, err := w.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
		clk = clk.Add(20 * time.Second)
	}
	dead, _ := q.Dead(ctx)
	if len(dead) != 1 || !strings.Contains(dead[0].LastError, "DUPLICATES_DETECTED") {
		t.Fatalf("dead letters %+v", dead)
	}
	for _, d := range dead {
		if err := q.Replay(ctx, d.ID); err != nil {
			t.Fatal(err)
		}
	}
	for round := 0; round < 20; round++ {
		w.RunOnce(ctx)
		clk = clk.Add(time.Minute)
	}
	if n, _ := q.Pending(ctx); n != 0 {
		t.Fatalf("%d MQLs undelivered", n)
	}
	if len(sfFake.Leads) != 4 || len(sfFake.Tasks) != 4 || len(hsFake.Contacts) != 4 || len(hsFake.Notes) != 4 {
		t.Fatalf("leads %d tasks %d contacts %d notes %d: want 4 each (no loss, no duplicate)", len(sfFake.Leads), len(sfFake.Tasks), len(hsFake.Contacts), len(hsFake.Notes))
	}
	if sfFake.Calls["POST token"] < 2 {
		t.Fatal("the token was never refreshed after expiry")
	}
	for _, id := range ids {
		if sfFake.Tasks[id] == nil {
			t.Fatalf("no task for %s", id)
		}
	}
}

// TestKintone520Delivery: through the push worker, a kintone 520 that is
// permanent (CB_NO02) is dead at its first attempt, the operator reading
// kintone's code and message; a transient one (GAIA_TM12) is retried
// after a backoff, then delivered.
func TestKintone520Delivery(t *testing.T) {
	tb, err := bolttable.Open(filepath.Join(t.TempDir(), "b.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer tb.Close()
	ctx := context.Background()
	clk := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	now := func() time.Time { return clk }
	dir := &identity.Directory{T: tb}
	q := &queue.Queue{T: tb, Name: "push", Now: now}
	f := crmfake.NewKintone()
	defer f.Close()
	w := &push.Worker{Queue: q, T: tb, Dir: dir, Stitcher: &identity.Stitcher{Dir: dir, Log: &eventlog.Log{T: tb}}, Now: now, Connectors: []push.Connector{kt(f)}}
	mql := func(email string) qualify.MQL {
		p, _, err := dir.Ensure(ctx, email, "form")
		if err != nil {
			t.Fatal(err)
		}
		return qualify.MQL{ID: p.ID + "-c1", Person: p.ID, Email: email, Cycle: 1, At: clk, Condition: "hot-and-fit"}
	}

	f.Fail(1, crmfake.Fault{Status: crmfake.KintoneUnknownStatus, Body: crmfake.KintoneNoPermission})
	res := w.Deliver(ctx, mql("denied@example.com"))
	if !res.Permanent || !strings.Contains(res.Reason, "520 CB_NO02: 権限がありません。") {
		t.Fatalf("permanent 520: %+v", res)
	}

	f.Fail(1, crmfake.Fault{Status: crmfake.KintoneUnknownStatus, Body: crmfake.KintoneTooMany})
	m := mql("busy@example.com")
	res = w.Deliver(ctx, m)
	if res.Permanent || res.Done || res.RetryAfter <= 0 || !strings.Contains(res.Reason, "GAIA_TM12") {
		t.Fatalf("transient 520: %+v", res)
	}
	clk = clk.Add(res.RetryAfter)
	if res = w.Deliver(ctx, m); !res.Done || f.Record("busy@example.com") == nil {
		t.Fatalf("after the backoff: %+v", res)
	}
}
