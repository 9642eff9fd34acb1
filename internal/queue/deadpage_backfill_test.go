package queue

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/bolttable"
)

// hookT calls after once, after its first Get.
type hookT struct {
	table.Table
	after func(sk string)
}

func (h *hookT) Get(ctx context.Context, pk, sk string) (table.Item, error) {
	it, err := h.Table.Get(ctx, pk, sk)
	if h.after != nil {
		f := h.after
		h.after = nil
		f(sk)
	}
	return it, err
}

// TestBackfillKeepsNoStaleTime: a legacy dead-letter index item ({}) is
// given its message's given-up time when a page reads it, unless the
// letter changed meanwhile. Replayed and given up again between the read
// and the write, its new index item was at version 1 again, as the legacy
// one: the write on the index's version alone put the old time in it.
func TestBackfillKeepsNoStaleTime(t *testing.T) {
	ctx := context.Background()
	clk := clock.NewManual(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
	tb, err := bolttable.Open(filepath.Join(t.TempDir(), "q.db"), bolttable.WithClock(clk.Now))
	if err != nil {
		t.Fatal(err)
	}
	defer tb.Close()
	h := &hookT{Table: tb}
	q := &Queue{T: h, Name: "push", Now: clk.Now}
	if err := q.Enqueue(ctx, "a", map[string]string{"id": "a"}); err != nil {
		t.Fatal(err)
	}
	got, err := q.Receive(ctx, 1, time.Minute)
	if err != nil || len(got) != 1 {
		t.Fatal(got, err)
	}
	if err := q.DeadLetter(ctx, got[0], "x"); err != nil {
		t.Fatal(err)
	}
	// Legacy index item as an old deployment wrote it once: {} at version 1.
	if err := tb.Delete(ctx, q.deadPK(), "a", table.Always); err != nil {
		t.Fatal(err)
	}
	if err := tb.Put(ctx, table.Item{PK: q.deadPK(), SK: "a", Kind: KindDead, Data: []byte(`{}`)}, table.Always); err != nil {
		t.Fatal(err)
	}
	var newAt time.Time
	h.after = func(sk string) {
		// Between the backfill's read of the message and its write: replayed, given up again later.
		clk.Set(clk.Now().Add(24 * time.Hour))
		if err := q.Replay(ctx, "a"); err != nil {
			t.Fatal(err)
		}
		got, err := q.Receive(ctx, 1, time.Minute)
		if err != nil || len(got) != 1 {
			t.Fatal(got, err)
		}
		if err := q.DeadLetter(ctx, got[0], "y"); err != nil {
			t.Fatal(err)
		}
		newAt = clk.Now()
	}
	if _, err := q.DeadPage(ctx, DeadQuery{}); err != nil {
		t.Fatal(err)
	}
	it, err := tb.Get(ctx, q.deadPK(), "a")
	if err != nil {
		t.Fatal(err)
	}
	var d deadIndex
	json.Unmarshal(it.Data, &d)
	m, err := q.Get(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	if !m.DeadAt.Equal(newAt) || (!d.At.IsZero() && !d.At.Equal(newAt)) {
		t.Errorf("index given up at %v, the message at %v: want its own (%v) or none yet", d.At, m.DeadAt, newAt)
	}
}
