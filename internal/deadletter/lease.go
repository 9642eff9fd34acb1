package deadletter

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/table"
)

// The readers of the dead-letter queues (the listing, a replay, an erasure,
// a disclosure, a purge) take turns: each hides the messages it receives, and a message
// hidden by one is invisible to the others, so an erasure reading while the
// page is listed could pass over a dead letter about the person. The turn
// is a lease item, taken by a conditional put (absent or expired by the
// table's clock) and deleted when the reader has released its messages.
//
//	PK=DLQLEASE  SK=readers  Data={holder, since}  Expires=since + hold + run
//
// It expires once every message its holder could have hidden is visible
// again (hold after the last receive, at most run after taking it), so a
// reader that crashed holds the others back no longer than its messages.
const (
	leasePK   = "DLQLEASE"
	leaseSK   = "readers"
	leaseKind = "dlqlease"
)

// Busy is the error of a reader that waited for its turn in vain: another
// reader (named) holds the dead-letter queues, SQS purges one, or (Msg)
// messages an erasure must see stay hidden. The admin API answers it 503
// with its text and Retry-After.
type Busy struct {
	Holder string    // "the listing", "a replay", "an erasure", "a disclosure", "a purge"
	Until  time.Time // when its lease ends (zero: unknown)
	After  time.Duration
	Msg    string // instead of the holder's sentence
}

func (b *Busy) Error() string {
	if b.Msg != "" {
		return "deadletter: " + b.Msg
	}
	s := "deadletter: the dead-letter queues are being read by " + b.Holder
	if !b.Until.IsZero() {
		s += " until " + b.Until.UTC().Format(time.RFC3339)
	}
	return s + "; try again shortly"
}

// RetryAfter is how long to wait before asking again (admin's 503).
func (b *Busy) RetryAfter() time.Duration { return max(b.After, time.Second) }

type leaseDoc struct {
	Holder string    `json:"holder"`
	Since  time.Time `json:"since"`
}

func (s *Store) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

func (s *Store) sleep(ctx context.Context, d time.Duration) error {
	if s.Sleep != nil {
		return s.Sleep(ctx, d)
	}
	return clock.Sleep(ctx, d)
}

// leasePoll is how often a reader waiting for its turn asks again.
const leasePoll = 2 * time.Second

// turn runs fn while holding the lease, waiting for it up to LeaseWait
// (default 20 s) and no later than leaves fn workFloor of the request's
// time (Within): every caller answers an admin request behind API
// Gateway's 29 s, which the wait and the work share. fn gets the
// request's end; hold is how long fn's receives hide a message. The wait
// used to come before a work budget of its own: 20 s and 15 s, a 504
// while the work went on.
func (s *Store) turn(ctx context.Context, holder string, hold time.Duration, fn func(end time.Time) error) error {
	if s.T == nil {
		return errors.New("deadletter: no table for the readers' lease (Store.T)")
	}
	start := s.now()
	end := start.Add(s.within())
	waitUntil := earlier(start.Add(s.leaseWait()), end.Add(-workFloor))
	var busy *Busy
	for {
		until, err := s.take(ctx, holder, hold)
		if err == nil {
			defer s.give(ctx, until)
			return fn(end)
		}
		if !errors.As(err, &busy) {
			return err
		}
		// By the clock, not by the polls counted: each ask of the
		// table takes time too.
		if s.now().Add(leasePoll).After(waitUntil) {
			return busy
		}
		if err := s.sleep(ctx, leasePoll); err != nil {
			return busy
		}
	}
}

// workFloor is the least of the request's time a reader starts with:
// past it the wait ends in Busy (503, Retry-After) rather than in work
// too short to see anything (or, an erasure, in a read that would outrun
// the request).
const workFloor = 5 * time.Second

func earlier(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func (s *Store) leaseWait() time.Duration {
	if s.LeaseWait == 0 {
		return 20 * time.Second
	}
	return s.LeaseWait
}

// within is how long a request of the store takes, waiting for its turn
// included (Within, default 25 s): API Gateway's 29 s less the admin
// page's reads after it.
func (s *Store) within() time.Duration { return cmp.Or(s.Within, 25*time.Second) }

// take puts the lease if it is free (absent or expired), until the
// messages a reader hiding them for hold could have hidden are back.
func (s *Store) take(ctx context.Context, holder string, hold time.Duration) (time.Time, error) {
	now := s.now()
	until := now.Add(hold + s.run())
	data, _ := json.Marshal(leaseDoc{Holder: holder, Since: now})
	err := s.T.Put(ctx, table.Item{PK: leasePK, SK: leaseSK, Kind: leaseKind, Data: data, Expires: until}, table.NotExists)
	if errors.Is(err, table.ErrConditionFailed) {
		b := &Busy{Holder: "another reader", After: leasePoll}
		if it, err := s.T.Get(ctx, leasePK, leaseSK); err == nil {
			var d leaseDoc
			if json.Unmarshal(it.Data, &d) == nil && d.Holder != "" {
				b.Holder = d.Holder
			}
			b.Until, b.After = it.Expires, it.Expires.Sub(now)
		}
		return time.Time{}, b
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("deadletter: take the readers' lease: %w", err)
	}
	return until, nil
}

// give deletes the lease, unless it has expired: then another reader may
// hold it now, and it is not this one's to delete.
func (s *Store) give(ctx context.Context, until time.Time) {
	if s.now().Before(until) {
		s.T.Delete(context.WithoutCancel(ctx), leasePK, leaseSK, table.Exists) // failed: it expires
	}
}

// run is the longest a reader runs: the admin function's timeout.
func (s *Store) run() time.Duration {
	if s.Run == 0 {
		return 60 * time.Second
	}
	return s.Run
}
