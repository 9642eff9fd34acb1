package deadletter_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/deadletter"
	"github.com/baton-hq/baton/internal/testutil/moto"
)

// pausing is the SQS client of a reader that stops after its first
// receive that brings messages (they are hidden for its hold) until
// resumed: the dead-letter page being listed.
type pausing struct {
	*sqs.Client
	once            sync.Once
	holding, resume chan struct{}
}

func newPausing(c *sqs.Client) *pausing {
	return &pausing{Client: c, holding: make(chan struct{}), resume: make(chan struct{})}
}

func (p *pausing) ReceiveMessage(ctx context.Context, in *sqs.ReceiveMessageInput, opts ...func(*sqs.Options)) (*sqs.ReceiveMessageOutput, error) {
	out, err := p.Client.ReceiveMessage(ctx, in, opts...)
	if err == nil && len(out.Messages) > 0 {
		p.once.Do(func() {
			close(p.holding)
			<-p.resume
		})
	}
	return out, err
}

// listing starts the page's listing on a second store sharing s's queues
// and lease, and returns once it holds the dead letters; done waits for
// the listing to finish.
func listing(t *testing.T, c *sqs.Client, s *deadletter.Store) (page *pausing, done func()) {
	t.Helper()
	page = newPausing(c)
	ps := *s
	ps.SQS = page
	finished := make(chan error, 1)
	go func() {
		_, err := ps.Dead(context.Background())
		finished <- err
	}()
	<-page.holding
	var once sync.Once
	done = func() {
		once.Do(func() {
			select {
			case <-page.resume:
			default:
				close(page.resume)
			}
			if err := <-finished; err != nil {
				t.Errorf("the listing: %v", err)
			}
		})
	}
	t.Cleanup(done)
	return page, done
}

// TestForgetWaitsForTheListing: an erasure while the dead-letter page is
// being listed waits for its turn, and then deletes the person's dead
// letter. It used to read at once, while the listing hid every message
// for 30 s: it found nothing and reported success, and the dead letter
// kept the erased person's email.
func TestForgetWaitsForTheListing(t *testing.T) {
	ctx := context.Background()
	c := moto.SQS(moto.Shared(t))
	clk := clock.NewManual(t0)
	s := newStore(t, c, clk, "lease-wait")
	sendOthers(t, c, s.PushDLQ, 3)
	sendAnn(t, c, s.PushDLQ)
	page, done := listing(t, c, s)
	waits := 0
	s.Sleep = func(_ context.Context, d time.Duration) error {
		waits++
		clk.Advance(d)
		if waits == 2 { // the listing ends while the erasure waits
			close(page.resume)
			done()
		}
		return nil
	}
	r, err := s.Forget(ctx, ann)
	if err != nil || r[deadletter.KindSQSDeadLetter] != 1 {
		t.Fatalf("forget during the listing: %v %v, want ann's dead letter deleted", r, err)
	}
	if waits < 2 {
		t.Errorf("the erasure waited %d times, want it to wait for the listing", waits)
	}
	if ms, err := s.Dead(ctx); err != nil || len(ms) != 3 {
		t.Fatalf("left %d %v, want the 3 others", len(ms), err)
	}
}

// TestForgetFailsWhileTheListingHoldsOn: an erasure that waited its while
// for a reader that keeps the turn fails, naming it, and deletes nothing;
// a reader that crashed holds the turn until its lease expires, and its
// messages still hidden then fail the erasure too.
func TestForgetFailsWhileTheListingHoldsOn(t *testing.T) {
	ctx := context.Background()
	c := moto.SQS(moto.Shared(t))
	clk := clock.NewManual(t0)
	s := newStore(t, c, clk, "lease-busy")
	sendAnn(t, c, s.PushDLQ)
	_, done := listing(t, c, s)
	s.LeaseWait = 10 * time.Second
	s.Sleep = func(_ context.Context, d time.Duration) error { clk.Advance(d); return nil }
	r, err := s.Forget(ctx, ann)
	var busy *deadletter.Busy
	if !errors.As(err, &busy) || !strings.Contains(err.Error(), "the listing") || len(r) != 0 {
		t.Fatalf("forget while the listing holds the turn: %v %v, want a Busy error naming the listing", r, err)
	}
	// The listing's lease expires (its hold and the function's timeout
	// gone by): the erasure reads, but SQS still counts the listing's
	// messages in flight, so it fails rather than pass over them.
	clk.Advance(90 * time.Second)
	if r, err := s.Forget(ctx, ann); err == nil || !strings.Contains(err.Error(), "1 push dead letters stay hidden") || len(r) != 0 {
		t.Fatalf("forget after the listing's lease expired, its messages still hidden: %v %v, want an error", r, err)
	}
	done()
	if r, err := s.Forget(ctx, ann); err != nil || r[deadletter.KindSQSDeadLetter] != 1 {
		t.Fatalf("forget after the listing: %v %v", r, err)
	}
}

// TestForgetRereadsWhatWasHidden: a dead letter hidden by a receive
// outside the lease (a reader's release that failed, or one that reads
// without it) makes the erasure wait and read again once it is back
// (ApproximateNumberOfMessagesNotVisible), and fail loudly if it never
// comes back. It used to pass without having seen it.
func TestForgetRereadsWhatWasHidden(t *testing.T) {
	ctx := context.Background()
	c := moto.SQS(moto.Shared(t))
	clk := clock.NewManual(t0)
	s := newStore(t, c, clk, "hidden")
	sendOthers(t, c, s.PushDLQ, 2)
	sendAnn(t, c, s.PushDLQ)
	// Another reader holds every dead letter.
	var held []string
	for len(held) < 3 {
		out, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(s.PushDLQ), MaxNumberOfMessages: 10, VisibilityTimeout: 600, WaitTimeSeconds: 1})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range out.Messages {
			held = append(held, aws.ToString(m.ReceiptHandle))
		}
	}
	s.LeaseWait = 6 * time.Second
	s.Sleep = func(_ context.Context, d time.Duration) error { clk.Advance(d); return nil }
	if r, err := s.Forget(ctx, ann); err == nil || !strings.Contains(err.Error(), "3 push dead letters stay hidden") || len(r) != 0 {
		t.Fatalf("forget while every dead letter is hidden: %v %v, want an error", r, err)
	}
	// They come back while the erasure waits: it reads them.
	s.Sleep = func(_ context.Context, d time.Duration) error {
		clk.Advance(d)
		for _, h := range held {
			if _, err := c.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{QueueUrl: aws.String(s.PushDLQ), ReceiptHandle: aws.String(h)}); err != nil {
				t.Error(err)
			}
		}
		held = nil
		return nil
	}
	if r, err := s.Forget(ctx, ann); err != nil || r[deadletter.KindSQSDeadLetter] != 1 {
		t.Fatalf("forget once they are back: %v %v, want ann's dead letter deleted", r, err)
	}
}

// TestPurgeEmptiesTheDLQ: Count is what the DLQ holds, in flight too, and
// a purge deletes it all.
func TestPurgeEmptiesTheDLQ(t *testing.T) {
	ctx := context.Background()
	c := moto.SQS(moto.Shared(t))
	s := newStore(t, c, clock.NewManual(t0), "purge")
	sendOthers(t, c, s.PushDLQ, 12)
	if _, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(s.PushDLQ), MaxNumberOfMessages: 2, VisibilityTimeout: 600}); err != nil {
		t.Fatal(err)
	}
	if n, err := s.Count(ctx); err != nil || n != 12 {
		t.Fatalf("count %d %v, want 12", n, err)
	}
	if err := s.Purge(ctx); err != nil {
		t.Fatal(err)
	}
	if n, err := s.Count(ctx); err != nil || n != 0 {
		t.Fatalf("count after the purge %d %v, want 0", n, err)
	}
}
