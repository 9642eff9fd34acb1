package queue

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/table"
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
	q, tb, clk := manualQueue(t, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
	h := &hookT{Table: tb}
	q.T = h
	if err := q.Enqueue(ctx, "a", map[string]string{"id": "a"}); err != nil {
		t.Fatal(err)
	}
	receiveAndGiveUp(t, q, "x")
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
		receiveAndGiveUp(t, q, "y")
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
