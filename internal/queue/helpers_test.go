package queue

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/table/bolttable"
)

// manualQueue is a push queue on a fresh embedded store, both on a manual
// clock starting at t0.
func manualQueue(t *testing.T, t0 time.Time) (*Queue, *bolttable.Table, *clock.Manual) {
	t.Helper()
	clk := clock.NewManual(t0)
	tb, err := bolttable.Open(filepath.Join(t.TempDir(), "q.db"), bolttable.WithClock(clk.Now))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tb.Close() })
	return &Queue{T: tb, Name: "push", Now: clk.Now}, tb, clk
}

// receiveAndGiveUp receives the next message (there must be one) and
// gives it up for reason.
func receiveAndGiveUp(t *testing.T, q *Queue, reason string) {
	t.Helper()
	ctx := context.Background()
	got, err := q.Receive(ctx, 1, time.Minute)
	if err != nil || len(got) != 1 {
		t.Fatal(got, err)
	}
	if err := q.DeadLetter(ctx, got[0], reason); err != nil {
		t.Fatal(err)
	}
}
