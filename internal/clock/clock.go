// Package clock is the one source of wall-clock time in Baton. Every
// component takes a func() time.Time (its Now field, or a table option) and
// falls back to Now; tests hand their own clock down to the store.
//
// make test runs the time-sensitive packages a second and third time built
// with -ldflags "-X github.com/baton-hq/baton/internal/clock.skew=<duration>"
// (two years forward, 40 days back): a test that mixes its fixed dates with
// the real clock anywhere below it then fails, today instead of in 2027.
package clock

import (
	"context"
	"sync"
	"time"
)

// skew is set only by the linker, for the time-shifted test runs.
var skew string

var offset = func() time.Duration {
	if skew == "" {
		return 0
	}
	d, err := time.ParseDuration(skew)
	if err != nil {
		panic("clock: bad -X skew: " + err.Error())
	}
	return d
}()

// Now is the wall clock (moved by the linker-set skew in shifted test runs).
func Now() time.Time { return time.Now().Add(offset) }

// Or returns now when it is set, else Now: the default every component uses.
func Or(now func() time.Time) func() time.Time {
	if now != nil {
		return now
	}
	return Now
}

// Fixed returns a clock that always reads t (for tests).
func Fixed(t time.Time) func() time.Time { return func() time.Time { return t } }

// Manual is a clock a test sets and advances; safe for concurrent use.
type Manual struct {
	mu sync.Mutex
	t  time.Time
}

// NewManual returns a Manual clock reading t.
func NewManual(t time.Time) *Manual { return &Manual{t: t} }

// Now reads the clock.
func (m *Manual) Now() time.Time {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.t
}

// Set moves the clock to t.
func (m *Manual) Set(t time.Time) {
	m.mu.Lock()
	m.t = t
	m.mu.Unlock()
}

// Advance moves the clock forward by d.
func (m *Manual) Advance(d time.Duration) {
	m.mu.Lock()
	m.t = m.t.Add(d)
	m.mu.Unlock()
}

// Sleep waits d, or until ctx ends (its cause then). Code that waits takes
// a sleep function defaulting to this, so that tests hand their own.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}
