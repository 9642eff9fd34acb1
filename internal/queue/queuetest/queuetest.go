// Package queuetest is the conformance suite for the durable queue, run on
// every table backend by internal/conformance.
package queuetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/queue"
	"github.com/baton-hq/baton/internal/table/tabletest"
)

// Suite returns the suite.
func Suite() tabletest.Suite { return tabletest.Suite{Name: "queue", Run: run} }

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func run(t *testing.T, f tabletest.Factory) {
	ctx := context.Background()
	newQ := func(t *testing.T) (*queue.Queue, *clock) {
		c := &clock{t: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)}
		return &queue.Queue{T: f(t, c.now), Name: "push", Now: c.now}, c
	}
	t.Run("EnqueueIsIdempotent", func(t *testing.T) {
		q, _ := newQ(t)
		if err := q.Enqueue(ctx, "m1", map[string]string{"a": "b"}); err != nil {
			t.Fatal(err)
		}
		if err := q.Enqueue(ctx, "m1", nil); !errors.Is(err, queue.ErrDuplicate) {
			t.Fatalf("second enqueue: %v", err)
		}
		if n, _ := q.Pending(ctx); n != 1 {
			t.Fatalf("pending %d", n)
		}
	})
	t.Run("LeaseRetryAck", func(t *testing.T) {
		q, c := newQ(t)
		q.Enqueue(ctx, "m1", "x")
		got, err := q.Receive(ctx, 10, time.Minute)
		if err != nil || len(got) != 1 || got[0].Attempts != 1 || string(got[0].Body) != `"x"` {
			t.Fatalf("receive %+v %v", got, err)
		}
		if again, _ := q.Receive(ctx, 10, time.Minute); len(again) != 0 {
			t.Fatal("a leased message was received twice")
		}
		if err := q.Retry(ctx, got[0], 30*time.Second, "503 from SFA"); err != nil {
			t.Fatal(err)
		}
		c.add(29 * time.Second)
		if early, _ := q.Receive(ctx, 10, time.Minute); len(early) != 0 {
			t.Fatal("retried message came back before its delay")
		}
		c.add(2 * time.Second)
		got, _ = q.Receive(ctx, 10, time.Minute)
		if len(got) != 1 || got[0].Attempts != 2 || got[0].LastError != "503 from SFA" {
			t.Fatalf("after delay %+v", got)
		}
		if err := q.Ack(ctx, got[0]); err != nil {
			t.Fatal(err)
		}
		c.add(time.Hour)
		if rest, _ := q.Receive(ctx, 10, time.Minute); len(rest) != 0 {
			t.Fatalf("acked message came back: %+v", rest)
		}
	})
	t.Run("ExpiredLeaseComesBack", func(t *testing.T) {
		q, c := newQ(t)
		q.Enqueue(ctx, "m1", "x")
		first, _ := q.Receive(ctx, 1, time.Minute)
		c.add(61 * time.Second) // the worker died
		second, _ := q.Receive(ctx, 1, time.Minute)
		if len(second) != 1 || second[0].Attempts != 2 {
			t.Fatalf("after lease expiry %+v", second)
		}
		if err := q.Ack(ctx, first[0]); err == nil {
			t.Fatal("the dead worker's stale ack succeeded")
		}
		if err := q.Ack(ctx, second[0]); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("ConcurrentReceiversNeverShare", func(t *testing.T) {
		q, _ := newQ(t)
		for i := 0; i < 30; i++ {
			q.Enqueue(ctx, fmt.Sprintf("m%02d", i), i)
		}
		var mu sync.Mutex
		seen := map[string]int{}
		var wg sync.WaitGroup
		for w := 0; w < 4; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					ms, err := q.Receive(ctx, 5, time.Hour)
					if err != nil {
						t.Error(err)
						return
					}
					if len(ms) == 0 {
						return
					}
					for _, m := range ms {
						mu.Lock()
						seen[m.ID]++
						mu.Unlock()
						if err := q.Ack(ctx, m); err != nil {
							t.Error(err)
						}
					}
				}
			}()
		}
		wg.Wait()
		if len(seen) != 30 {
			t.Fatalf("processed %d distinct messages, want 30", len(seen))
		}
		for id, n := range seen {
			if n != 1 {
				t.Fatalf("%s processed %d times", id, n)
			}
		}
	})
	t.Run("DeadLetterAndReplay", func(t *testing.T) {
		q, c := newQ(t)
		q.Enqueue(ctx, "bad", "x")
		ms, _ := q.Receive(ctx, 1, time.Minute)
		if err := q.DeadLetter(ctx, ms[0], "400 REQUIRED_FIELD_MISSING: LastName"); err != nil {
			t.Fatal(err)
		}
		c.add(time.Hour)
		if ms, _ := q.Receive(ctx, 1, time.Minute); len(ms) != 0 {
			t.Fatal("dead letter was delivered")
		}
		dead, err := q.Dead(ctx)
		if err != nil || len(dead) != 1 || dead[0].LastError != "400 REQUIRED_FIELD_MISSING: LastName" {
			t.Fatalf("dead %+v %v", dead, err)
		}
		if err := q.Replay(ctx, "bad"); err != nil {
			t.Fatal(err)
		}
		if dead, _ := q.Dead(ctx); len(dead) != 0 {
			t.Fatal("replayed message still dead")
		}
		ms, _ = q.Receive(ctx, 1, time.Minute)
		if len(ms) != 1 || ms[0].Attempts != 1 {
			t.Fatalf("replayed %+v", ms)
		}
		if err := q.Replay(ctx, "bad"); err == nil {
			t.Fatal("replaying a live message succeeded")
		}
	})
	t.Run("ForgetAPerson", func(t *testing.T) {
		q, _ := newQ(t)
		const p, other = "p_0123456789abcdef01234567", "p_fedcba9876543210fedcba98"
		type body struct{ Person, Email string }
		q.Enqueue(ctx, p+"-c1", body{p, "ann@example.com"})
		q.Enqueue(ctx, p+"-c2", body{p, "ann@example.com"})
		q.Enqueue(ctx, "resend-7", body{Email: "ann@example.com"}) // names her only in the body
		q.Enqueue(ctx, other+"-c1", body{other, "bob@example.com"})
		ms, _ := q.Receive(ctx, 1, time.Minute) // p-c1: leased
		if len(ms) != 1 || ms[0].ID != p+"-c1" {
			t.Fatalf("received %+v", ms)
		}
		if err := q.DeadLetter(ctx, ms[0], "permanent"); err != nil { // now dead
			t.Fatal(err)
		}
		r, err := q.Forget(ctx, privacy.Subject{Person: p, Email: "ann@example.com"})
		if err != nil || r["qmsg"] != 3 || r["qready"] != 2 || r["qdead"] != 1 || r.Total() != 6 {
			t.Fatalf("forget: %v %v", r, err)
		}
		if dead, _ := q.Dead(ctx); len(dead) != 0 {
			t.Fatalf("dead letters left %+v", dead)
		}
		if n, _ := q.Pending(ctx); n != 1 {
			t.Fatalf("%d pending, want the other person's", n)
		}
		if ms, _ := q.Receive(ctx, 10, time.Minute); len(ms) != 1 || ms[0].ID != other+"-c1" {
			t.Fatalf("left %+v", ms)
		}
		if r, err := q.Forget(ctx, privacy.Subject{Person: p, Email: "ann@example.com"}); err != nil || r.Total() != 0 {
			t.Fatalf("forgetting again: %v %v", r, err)
		}
	})
	t.Run("ForgetRedactsSharedMessages", func(t *testing.T) {
		// A message that is other people's too (Redact says so) stays
		// queued with a body that names nobody.
		q, _ := newQ(t)
		q.Redact = func(m queue.Message) (json.RawMessage, bool) {
			if !strings.Contains(string(m.Body), "colleague") {
				return nil, false
			}
			return json.RawMessage(`{"id":"` + m.ID + `"}`), true
		}
		q.Enqueue(ctx, "shared-1", map[string]string{"people": "ann@example.com colleague@example.com"})
		q.Enqueue(ctx, "hers-1", map[string]string{"email": "ann@example.com"})
		r, err := q.Forget(ctx, privacy.Subject{Email: "ann@example.com"})
		if err != nil || r["qredacted"] != 1 || r["qmsg"] != 1 {
			t.Fatalf("forget: %v %v", r, err)
		}
		ms, _ := q.Receive(ctx, 10, time.Minute)
		if len(ms) != 1 || ms[0].ID != "shared-1" || string(ms[0].Body) != `{"id":"shared-1"}` {
			t.Fatalf("left %+v", ms)
		}
	})
	t.Run("DiscloseShowsWhatForgetRemoves", func(t *testing.T) {
		// Disclose reads what Forget removes or rewrites, kind for kind,
		// and writes nothing.
		q, _ := newQ(t)
		q.Redact = func(m queue.Message) (json.RawMessage, bool) {
			if !strings.Contains(string(m.Body), "colleague") {
				return nil, false
			}
			return json.RawMessage(`{"id":"` + m.ID + `"}`), true
		}
		const p, other = "p_0123456789abcdef01234567", "p_fedcba9876543210fedcba98"
		type body struct{ Person, Email string }
		q.Enqueue(ctx, p+"-c1", body{p, "ann@example.com"})
		q.Enqueue(ctx, p+"-c2", body{p, "ann@example.com"})
		q.Enqueue(ctx, "shared-1", map[string]string{"people": "ann@example.com colleague@example.com"})
		q.Enqueue(ctx, other+"-c1", body{other, "bob@example.com"})
		ms, _ := q.Receive(ctx, 1, time.Minute)
		if len(ms) != 1 || ms[0].ID != p+"-c1" {
			t.Fatalf("received %+v", ms)
		}
		if err := q.DeadLetter(ctx, ms[0], "permanent"); err != nil {
			t.Fatal(err)
		}
		ann := privacy.Subject{Person: p, Email: "ann@example.com"}
		d, err := q.Disclose(ctx, ann)
		if err != nil {
			t.Fatal(err)
		}
		want := privacy.Removed{"qmsg": 2, "qready": 1, "qdead": 1, "qredacted": 1}
		if got := d.Counts(); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("disclosed %v, want %v", got, want)
		}
		for _, m := range d["qmsg"] {
			var got queue.Message
			var b body
			if err := json.Unmarshal(m, &got); err != nil || json.Unmarshal(got.Body, &b) != nil || b.Email != "ann@example.com" {
				t.Fatalf("message shown as %s", m)
			}
		}
		// It names colleagues too: shown as the erasure leaves it, cut down.
		var shared struct {
			ID      string
			Message json.RawMessage
		}
		if err := json.Unmarshal(d["qredacted"][0], &shared); err != nil || shared.ID != "shared-1" || string(shared.Message) != `{"id":"shared-1"}` {
			t.Fatalf("redacted message shown as %s (want it cut down as Redact leaves it)", d["qredacted"][0])
		}
		all, _ := json.Marshal(d)
		if strings.Contains(string(all), "bob@example.com") || strings.Contains(string(all), other) {
			t.Fatalf("disclosure shows another person: %s", all)
		}
		if again, err := q.Disclose(ctx, ann); err != nil || fmt.Sprint(again.Counts()) != fmt.Sprint(want) {
			t.Fatalf("disclosing again: %v %v", again.Counts(), err)
		}
		r, err := q.Forget(ctx, ann)
		if err != nil || fmt.Sprint(r) != fmt.Sprint(d.Counts()) {
			t.Fatalf("forget removed %v, disclosure counted %v (%v)", r, d.Counts(), err)
		}
		if d, err := q.Disclose(ctx, ann); err != nil || d.Counts().Total() != 0 {
			t.Fatalf("after forget: %v %v", d.Counts(), err)
		}
	})
}
