package push_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/push"
	"github.com/baton-hq/baton/internal/table/dynamotable"
	"github.com/baton-hq/baton/internal/testutil/moto"
)

// nestedConnector counts its pushes; during the first, it lets another
// worker deliver the same MQL (a second copy of the message, handled by
// another invocation at that moment).
type nestedConnector struct {
	mu     sync.Mutex
	pushes int
	during func()
}

func (c *nestedConnector) Name() string { return "sfa" }

func (c *nestedConnector) Push(ctx context.Context, l push.Lead) (string, error) {
	c.mu.Lock()
	c.pushes++
	first := c.pushes == 1
	c.mu.Unlock()
	if first && c.during != nil {
		c.during()
	}
	return "00Q1", nil
}

// TestConcurrentCopiesPushOnce: on AWS the push queue is an SQS standard
// queue, and the score function relays an MQL again whenever a stream batch
// holding it is retried (a function error, a timeout, an account's failure
// sends the whole batch again): two copies of one MQL, taken by two push
// invocations at once (MaximumConcurrency 5). Each read the delivery record
// as pending and pushed: two Leads in Salesforce (whose search-then-create
// cannot tell a Lead created a second ago), two Tasks, two HubSpot notes.
// The second copy must find the first in flight and wait for it.
func TestConcurrentCopiesPushOnce(t *testing.T) {
	t.Run("bolt", func(t *testing.T) {
		concurrentCopies(t, setup(t, &receiver{ids: map[string]int{}}))
	})
	t.Run("dynamodb", func(t *testing.T) { // the claim is a conditional write in a transaction, as on AWS
		clk := &clock{t: time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)}
		tb := moto.NewTable(t, dynamotable.WithClock(clk.now))
		concurrentCopies(t, setupOn(t, &receiver{ids: map[string]int{}}, tb, clk))
	})
}

func concurrentCopies(t *testing.T, f fx) {
	ctx := context.Background()
	c := &nestedConnector{}
	w := &push.Worker{T: f.w.T, Dir: f.w.Dir, Stitcher: f.w.Stitcher, Now: f.clk.now, Connectors: []push.Connector{c}}
	var second push.Result
	c.during = func() { second = w.Deliver(ctx, f.mql) }
	first := w.Deliver(ctx, f.mql)
	if c.pushes != 1 {
		t.Fatalf("the SFA was pushed %d times for one MQL", c.pushes)
	}
	if !first.Done {
		t.Fatalf("first copy: %+v", first)
	}
	if second.Done || second.Permanent || second.RetryAfter <= 0 {
		t.Fatalf("second copy, while the first was in flight: %+v (it must be retried later)", second)
	}
	// Retried later, the second copy finds it delivered.
	if again := w.Deliver(ctx, f.mql); !again.Done || c.pushes != 1 {
		t.Fatalf("the copy retried: %+v, %d pushes", again, c.pushes)
	}
	ds, err := w.Status(ctx, f.mql.ID)
	if err != nil || len(ds) != 1 || ds[0].Status != push.StatusDelivered || ds[0].ExternalID != "00Q1" {
		t.Fatalf("status %+v, %v", ds, err)
	}
}

// TestClaimOfADeadWorkerIsTakenOver: a worker that died while pushing (a
// Lambda timeout, a killed process) leaves its claim; once it has run out
// (Worker.Claim), a copy pushes.
func TestClaimOfADeadWorkerIsTakenOver(t *testing.T) {
	rc := &receiver{ids: map[string]int{}}
	f := setup(t, rc)
	ctx := context.Background()
	c := &nestedConnector{}
	w := &push.Worker{T: f.w.T, Dir: f.w.Dir, Stitcher: f.w.Stitcher, Now: f.clk.now, Connectors: []push.Connector{c}, Claim: time.Minute}
	var early, late push.Result
	c.during = func() {
		f.clk.t = f.clk.t.Add(59 * time.Second)
		early = w.Deliver(ctx, f.mql)
		f.clk.t = f.clk.t.Add(2 * time.Second) // the first worker is taken for dead
		late = w.Deliver(ctx, f.mql)
	}
	w.Deliver(ctx, f.mql)
	if early.Done || early.RetryAfter != time.Second {
		t.Fatalf("a copy within the claim: %+v (due when the claim runs out)", early)
	}
	if !late.Done || c.pushes != 2 {
		t.Fatalf("a copy past the claim: %+v, %d pushes", late, c.pushes)
	}
}

// cancelling is an SFA that takes the lead while the invocation's time
// runs out: its context ends as it answers.
type cancelling struct {
	pushes int
	cancel context.CancelFunc
}

func (c *cancelling) Name() string { return "sfa" }

func (c *cancelling) Push(ctx context.Context, l push.Lead) (string, error) {
	c.pushes++
	c.cancel() // the deadline passes as the SFA answers
	return "00Q1", nil
}

// TestOutcomeRecordedPastTheDeadline: the push function cuts its
// deliveries off before Lambda's deadline (lambdafn.Reserve). A connector
// whose SFA took the lead just as that context ended had its outcome
// written with the ended context: the write failed, the delivery stayed
// pending, and the next attempt pushed the lead again (a second Salesforce
// Lead when its search lags). The outcome is written on a context of its
// own.
func TestOutcomeRecordedPastTheDeadline(t *testing.T) {
	clk := &clock{t: time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)}
	tb := moto.NewTable(t, dynamotable.WithClock(clk.now))
	f := setupOn(t, &receiver{ids: map[string]int{}}, tb, clk)
	c := &cancelling{}
	w := &push.Worker{T: f.w.T, Dir: f.w.Dir, Stitcher: f.w.Stitcher, Now: f.clk.now, Connectors: []push.Connector{c}}
	ctx, cancel := context.WithCancel(context.Background())
	c.cancel = cancel
	w.Deliver(ctx, f.mql)
	f.clk.t = f.clk.t.Add(10 * time.Minute) // the message comes back
	if res := w.Deliver(context.Background(), f.mql); !res.Done || c.pushes != 1 {
		t.Fatalf("after the SFA took it: %+v, %d pushes (the outcome was lost)", res, c.pushes)
	}
}
