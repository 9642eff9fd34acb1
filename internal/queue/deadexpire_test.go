package queue

import (
	"bytes"
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/table"
)

// TestDeadLettersExpire: on AWS the push DLQ keeps a message 14 days
// (template.yaml's MessageRetentionPeriod); locally a dead letter, its
// MQL's email in it, stayed until replayed, purged or its person erased.
// It now expires DeadRetention after it was given up, the count and the
// pages saying so at once and the retention job taking its bytes out of
// the file; a replay before then keeps it (it is no dead letter any
// more), and one given up before dead letters expired goes as well.
func TestDeadLettersExpire(t *testing.T) {
	ctx := context.Background()
	t0 := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	q, tb, clk := manualQueue(t, t0)
	kill := func(id, email string) {
		t.Helper()
		if err := q.Enqueue(ctx, id, map[string]string{"email": email}); err != nil {
			t.Fatal(err)
		}
		receiveAndGiveUp(t, q, "400 INVALID_EMAIL_ADDRESS")
	}
	listed := func() (ids []string, total int) {
		t.Helper()
		p, err := q.DeadPage(ctx, DeadQuery{Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range p.Messages {
			ids = append(ids, m.ID)
		}
		return ids, p.Total
	}
	count := func() int {
		t.Helper()
		n, err := q.DeadCount(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}

	kill("old", "old-hanako@example.jp")
	// Given up before dead letters expired: neither item has an expiry.
	kill("legacy", "legacy-taro@example.jp")
	for _, k := range [][2]string{{q.pk(), "M#legacy"}, {q.deadPK(), "legacy"}} {
		it, err := tb.Get(ctx, k[0], k[1])
		if err != nil {
			t.Fatal(err)
		}
		it.Expires = time.Time{}
		if err := tb.Put(ctx, it, table.Always); err != nil {
			t.Fatal(err)
		}
	}
	clk.Set(t0.Add(10 * 24 * time.Hour))
	kill("new", "new-jiro@example.jp")
	kill("replayed", "replayed-saburo@example.jp")
	if n := count(); n != 4 {
		t.Fatalf("count %d, want 4", n)
	}

	clk.Set(t0.Add(13 * 24 * time.Hour))
	if err := q.Replay(ctx, "replayed"); err != nil {
		t.Fatal(err)
	}
	clk.Set(t0.Add(DeadRetention + time.Hour))
	if n := count(); n != 1 {
		t.Errorf("%v after the first were given up, the count says %d dead letters, want 1 (the push DLQ keeps them %v)", DeadRetention+time.Hour, n, DeadRetention)
	}
	if ids, total := listed(); len(ids) != 1 || ids[0] != "new" || total != 1 {
		t.Errorf("listed %v of %d, want [new] of 1", ids, total)
	}
	if _, err := q.Get(ctx, "old"); !errors.Is(err, table.ErrNotFound) {
		t.Errorf("the expired dead letter is still read: %v", err)
	}
	if _, err := tb.Expire(ctx); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(tb.DB().Path())
	if err != nil {
		t.Fatal(err)
	}
	for _, gone := range []string{"old-hanako@example.jp", "legacy-taro@example.jp"} {
		if bytes.Contains(raw, []byte(gone)) {
			t.Errorf("%s, a dead letter past %v, is still in the file after the retention job", gone, DeadRetention)
		}
	}
	if !bytes.Contains(raw, []byte("new-jiro@example.jp")) {
		t.Error("a dead letter within its retention is gone")
	}

	// The replayed one is a message waiting again, whatever its age.
	clk.Set(t0.Add(40 * 24 * time.Hour))
	if m, err := q.Get(ctx, "replayed"); err != nil || m.State != "ready" {
		t.Errorf("the replayed message: %+v, %v; want it waiting", m, err)
	}
	if n := count(); n != 0 {
		t.Errorf("count %d, want 0", n)
	}
}
