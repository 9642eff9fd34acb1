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
	r := newRig(t)
	ctx, q := context.Background(), r.q
	var ids []string
	for _, email := range []string{"a@example.com", "b@example.com", "c@example.com", "bad@example.com"} {
		m := r.mql(t, email)
		if err := q.Enqueue(ctx, m.ID, m); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, m.ID)
	}
	sfFake, hsFake := crmfake.NewSalesforce(), crmfake.NewHubSpot()
	defer sfFake.Close()
	defer hsFake.Close()
	w := r.worker(sf(sfFake), hs(hsFake))
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
		r.clk = r.clk.Add(20 * time.Second)
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
		r.clk = r.clk.Add(time.Minute)
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
	r := newRig(t)
	ctx := context.Background()
	f := crmfake.NewKintone()
	defer f.Close()
	w := r.worker(kt(f))
	mql := func(email string) qualify.MQL { return r.mql(t, email) }

	f.FailWrites(1, crmfake.Fault{Status: crmfake.KintoneUnknownStatus, Body: crmfake.KintoneNoPermission})
	res := w.Deliver(ctx, mql("denied@example.com"))
	if !res.Permanent || !strings.Contains(res.Reason, "520 CB_NO02: 権限がありません。") {
		t.Fatalf("permanent 520: %+v", res)
	}

	f.FailWrites(1, crmfake.Fault{Status: crmfake.KintoneUnknownStatus, Body: crmfake.KintoneTooMany})
	m := mql("busy@example.com")
	res = w.Deliver(ctx, m)
	if res.Permanent || res.Done || res.RetryAfter <= 0 || !strings.Contains(res.Reason, "GAIA_TM12") {
		t.Fatalf("transient 520: %+v", res)
	}
	r.clk = r.clk.Add(res.RetryAfter)
	if res = w.Deliver(ctx, m); !res.Done || f.Record("busy@example.com") == nil {
		t.Fatalf("after the backoff: %+v", res)
	}
}

// TestKintoneNewCodeDelivery: through the push worker (no bound of its
// own, as on SQS), a 520 with a code Baton does not know is retried: a
// condition that clears loses no delivery, and one that does not is dead
// after a bounded number of attempts, its reason kintone's code and
// message; a replay tries again.
func TestKintoneNewCodeDelivery(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	f := crmfake.NewKintone()
	defer f.Close()
	w := r.worker(kt(f))
	fault := crmfake.Fault{Status: crmfake.KintoneUnknownStatus, Body: crmfake.KintoneNewCode}
	// until delivers m until it is done or dead, after each failure at its
	// backoff; it returns the last result and the attempts made.
	until := func(m qualify.MQL) (push.Result, int) {
		t.Helper()
		for n := 1; n <= 50; n++ {
			res := w.Deliver(ctx, m)
			if res.Done || res.Permanent {
				return res, n
			}
			if res.RetryAfter <= 0 || !strings.Contains(res.Reason, "520 GAIA_ZZ99") {
				t.Fatalf("attempt %d: %+v", n, res)
			}
			r.clk = r.clk.Add(res.RetryAfter)
		}
		t.Fatal("neither delivered nor dead after 50 attempts")
		return push.Result{}, 0
	}

	f.FailWrites(3, fault)
	m := r.mql(t, "cleared@example.com")
	if res, n := until(m); !res.Done || n != 4 || f.Record("cleared@example.com") == nil {
		t.Fatalf("a code that clears after 3 answers: %+v after %d attempts", res, n)
	}

	f.FailWrites(100, fault)
	m = r.mql(t, "stuck@example.com")
	start := r.clk
	res, n := until(m)
	want := "kintone: gave up after 10 attempts: kintone: 520 GAIA_ZZ99: 一時的に処理できません。"
	if !res.Permanent || n != 10 || res.Reason != want || f.Record("stuck@example.com") != nil {
		t.Fatalf("a code that persists: %+v after %d attempts, want dead after 10 with %q", res, n, want)
	}
	d, err := w.Status(ctx, m.ID)
	if err != nil || len(d) != 1 || d[0].Status != push.StatusDead || d[0].LastError != want {
		t.Fatalf("delivery record: %+v %v", d, err)
	}
	t.Logf("dead after %d attempts over %v", n, r.clk.Sub(start).Round(time.Second))
}

// rig is what the push worker delivers from in these tests: a bbolt table
// holding the people, the push queue, and a clock the test moves.
type rig struct {
	tb  *bolttable.Table
	clk time.Time
	dir *identity.Directory
	q   *queue.Queue
}

func newRig(t *testing.T) *rig {
	r := &rig{clk: time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)}
	// The store's expiry reads the rig's clock too: a dead letter
	// expires 14 days after it was given up.
	tb, err := bolttable.Open(filepath.Join(t.TempDir(), "b.db"), bolttable.WithClock(r.now))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tb.Close() })
	r.tb, r.dir = tb, &identity.Directory{T: tb}
	r.q = &queue.Queue{T: tb, Name: "push", Now: r.now}
	return r
}

func (r *rig) now() time.Time { return r.clk }

func (r *rig) worker(cs ...push.Connector) *push.Worker {
	return &push.Worker{Queue: r.q, T: r.tb, Dir: r.dir, Stitcher: &identity.Stitcher{Dir: r.dir, Log: &eventlog.Log{T: r.tb}}, Now: r.now, Connectors: cs}
}

// mql is a qualified lead of a person made for email, now.
func (r *rig) mql(t *testing.T, email string) qualify.MQL {
	p, _, err := r.dir.Ensure(context.Background(), email, "form")
	if err != nil {
		t.Fatal(err)
	}
	return qualify.MQL{ID: p.ID + "-c1", Person: p.ID, Email: email, Cycle: 1, At: r.clk, Condition: "hot-and-fit"}
}
