package deadletter_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/deadletter"
	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/queue"
	"github.com/baton-hq/baton/internal/table"
)

// pollCost is the table of a store whose every lease poll (the
// conditional put, the read of who holds it, the delete) takes half a
// second of clk, as SQS's calls take theirs in slowQueues.
type pollCost struct {
	table.Table
	clk *clock.Manual
}

func (p pollCost) Put(ctx context.Context, it table.Item, c table.Cond) error {
	p.clk.Advance(500 * time.Millisecond)
	return p.Table.Put(ctx, it, c)
}

func (p pollCost) Get(ctx context.Context, pk, sk string) (table.Item, error) {
	p.clk.Advance(500 * time.Millisecond)
	return p.Table.Get(ctx, pk, sk)
}

// heldLease makes s's lease held by an erasure (as another request of
// the admin function would hold it) until release after the start, the
// polls and waits costing clk's time; it reports whether the holder gave
// the turn.
func heldLease(t *testing.T, s *deadletter.Store, clk *clock.Manual, release time.Duration) *bool {
	t.Helper()
	start := clk.Now()
	s.T = pollCost{s.T, clk}
	lease := table.Item{PK: "DLQLEASE", SK: "readers", Kind: "dlqlease", Data: []byte(`{"holder":"an erasure","since":"` + start.Format(time.RFC3339) + `"}`), Expires: start.Add(3 * time.Minute)}
	if err := s.T.Put(context.Background(), lease, table.Always); err != nil {
		t.Fatal(err)
	}
	clk.Set(start)
	given := false
	s.Sleep = func(ctx context.Context, d time.Duration) error {
		clk.Advance(d)
		if !given && clk.Now().Sub(start) >= release {
			given = true
			if err := s.T.Delete(ctx, "DLQLEASE", "readers", table.Always); err != nil && !errors.Is(err, table.ErrNotFound) {
				t.Error(err)
			}
		}
		return nil
	}
	return &given
}

// TestListingAfterAWaitKeepsTo29s: a listing that waited 18 s for its
// turn (another reader held the queues) answers within API Gateway's
// 29 s, its work on what the wait left, and releases every message it
// received. The wait came before a 15 s budget of its own: 33 s and
// more, a 504 while the listing went on. A holder that keeps the turn
// is a 503 naming it, in time too.
func TestListingAfterAWaitKeepsTo29s(t *testing.T) {
	ctx := context.Background()
	s, q, clk := slowStore(t, "wait-list", 1500, 1500)
	start := clk.Now()
	given := heldLease(t, s, clk, 18*time.Second)
	p, err := s.DeadPage(ctx, queue.DeadQuery{Limit: 50, Newest: true})
	took := clk.Now().Sub(start)
	if err != nil || !p.Partial || p.Seen == 0 || len(p.Messages) == 0 {
		t.Fatalf("listing after the wait: partial %v seen %d, %d on the page, %v", p.Partial, p.Seen, len(p.Messages), err)
	}
	if !*given {
		t.Fatal("the listing did not wait for the erasure to give the turn")
	}
	if took > 29*time.Second {
		t.Fatalf("the listing took %v (%d SQS calls of a second after waiting 18 s for the turn), past API Gateway's 29 s", took, q.calls)
	}
	if n := len(q.dlq.hidden) + len(q.failures.hidden); n != 0 {
		t.Fatalf("%d messages left hidden", n)
	}

	s, q, clk = slowStore(t, "wait-busy", 1500, 0)
	start = clk.Now()
	heldLease(t, s, clk, time.Hour)
	_, err = s.DeadPage(ctx, queue.DeadQuery{Limit: 50})
	var busy *deadletter.Busy
	if !errors.As(err, &busy) || !strings.Contains(err.Error(), "an erasure") || busy.RetryAfter() <= 0 {
		t.Fatalf("listing while an erasure keeps the turn: %v, want Busy naming it", err)
	}
	if took := clk.Now().Sub(start); took > 29*time.Second || q.calls != 0 {
		t.Fatalf("busy after %v and %d SQS calls", took, q.calls)
	}
}

// TestReplayAfterAWaitKeepsTo29s: a replay's receives too get what the
// wait for the turn left, and a message they did not reach is "not
// reached" by 29 s, everything received released.
func TestReplayAfterAWaitKeepsTo29s(t *testing.T) {
	s, q, clk := slowStore(t, "wait-replay", 1500, 1500)
	start := clk.Now()
	heldLease(t, s, clk, 18*time.Second)
	err := s.Replay(context.Background(), "ffm01499")
	if !errors.Is(err, queue.ErrNotReached) {
		t.Fatalf("replay past its time: %v, want not reached", err)
	}
	if took := clk.Now().Sub(start); took > 29*time.Second {
		t.Fatalf("the replay took %v after waiting 18 s for the turn, past API Gateway's 29 s", took)
	}
	if n := len(q.dlq.hidden) + len(q.failures.hidden); n != 0 {
		t.Fatalf("%d messages left hidden", n)
	}
}

// TestErasureWithLittleTimeLeft: an erasure whose turn came with less
// than the floor of the request's time left answers Busy before reading
// (nothing deleted, nothing hidden: erase again), where it used to take
// the turn at 21 s and read on past API Gateway's 29 s; one whose turn
// came at 18 s reads the whole DLQ, the request's end notwithstanding: a
// read stopped halfway would leave some of the person's dead letters.
func TestErasureWithLittleTimeLeft(t *testing.T) {
	ctx := context.Background()
	ann := privacy.Subject{Person: "p_1", Email: "ann@example.com"}
	bodies := func(i int) string {
		if i%10 == 9 {
			return `{"id":"p_1-c1","person":"p_1","email":"ann@example.com"}`
		}
		return `{"id":"p_2-c1","person":"p_2","email":"bob@example.com"}`
	}
	store := func(name string) (*deadletter.Store, *slowQueues, *clock.Manual) {
		s, q, clk := slowStore(t, name, 0, 0)
		q.dlq = newFakeSQS("dlq", 300, bodies)
		return s, q, clk
	}

	s, q, clk := store("wait-erase-late")
	start := clk.Now()
	heldLease(t, s, clk, 21*time.Second)
	r, err := s.Forget(ctx, ann)
	var busy *deadletter.Busy
	if !errors.As(err, &busy) || !strings.Contains(err.Error(), "an erasure") || r.Total() != 0 {
		t.Fatalf("erasure whose turn came late: %v %v, want Busy and nothing removed", r, err)
	}
	if len(q.dlq.msgs) != 300 || len(q.dlq.hidden) != 0 || clk.Now().Sub(start) > 29*time.Second {
		t.Fatalf("busy erasure: %d of 300 left, %d hidden, after %v", len(q.dlq.msgs), len(q.dlq.hidden), clk.Now().Sub(start))
	}

	s, q, clk = store("wait-erase")
	heldLease(t, s, clk, 18*time.Second)
	r, err = s.Forget(ctx, ann)
	if err != nil || r[deadletter.KindSQSDeadLetter] != 30 {
		t.Fatalf("erasure whose turn came at 18 s: %v %v, want ann's 30 dead letters deleted", r, err)
	}
	if len(q.dlq.msgs) != 270 || len(q.dlq.hidden) != 0 {
		t.Fatalf("after the erasure: %d of 270 left, %d hidden", len(q.dlq.msgs), len(q.dlq.hidden))
	}
}
