// Package writelog keeps a store that cannot write (the embedded store's
// disk full) from flooding the log: every request that failed to store
// logged a line, thousands a minute on a busy site.
package writelog

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/table"
)

// Every is how often repeated failures are summed up in one line.
const Every = time.Minute

// Handler is a slog.Handler passing records on to another, but for those
// reporting a write the store could not commit (an attribute whose error
// wraps table.ErrWriteFailed): the first is logged at once, the following
// ones are counted and logged as one line at most every minute ("N more
// writes failed in the last minute"), and Recovered logs once that the
// store writes again.
type Handler struct {
	next slog.Handler
	s    *state // shared by the handlers WithAttrs and WithGroup return
}

type state struct {
	mu      sync.Mutex
	base    slog.Handler // Recovered's line goes here
	now     func() time.Time
	failing bool
	since   time.Time // the first failure
	window  time.Time // the last line logged about failures
	more    int       // failures not logged since window
	total   int       // failures since since
	last    error     // the last failure's error
}

// New wraps next; now is the clock (nil: the wall clock).
func New(next slog.Handler, now func() time.Time) *Handler {
	return &Handler{next: next, s: &state{base: next, now: clock.Or(now)}}
}

// Enabled is next's.
func (h *Handler) Enabled(ctx context.Context, l slog.Level) bool { return h.next.Enabled(ctx, l) }

// WithAttrs is next's, counting with h.
func (h *Handler) WithAttrs(as []slog.Attr) slog.Handler {
	return &Handler{next: h.next.WithAttrs(as), s: h.s}
}

// WithGroup is next's, counting with h.
func (h *Handler) WithGroup(name string) slog.Handler {
	return &Handler{next: h.next.WithGroup(name), s: h.s}
}

// Handle passes r on, unless it reports a failed write after the first.
func (h *Handler) Handle(ctx context.Context, r slog.Record) error {
	err := failedWrite(r)
	if err == nil {
		return h.next.Handle(ctx, r)
	}
	s := h.s
	s.mu.Lock()
	now := s.now()
	s.total++
	s.last = err
	if !s.failing {
		s.failing, s.since, s.window, s.more, s.total = true, now, now, 0, 1
		s.mu.Unlock()
		return h.next.Handle(ctx, r)
	}
	s.more++
	if now.Sub(s.window) < Every {
		s.mu.Unlock()
		return nil
	}
	n, d := s.more, now.Sub(s.window)
	s.more, s.window = 0, now
	s.mu.Unlock()
	sum := slog.NewRecord(now, r.Level, fmt.Sprintf("%d more writes failed in the last %s (the store cannot write; one line a minute until it can)", n, span(d)), r.PC)
	sum.AddAttrs(slog.Any("err", err))
	return h.next.Handle(ctx, sum)
}

// Recovered logs, once, that the store writes again after failing: how
// many writes failed, since when, and how many of them were not logged.
func (h *Handler) Recovered() {
	s := h.s
	s.mu.Lock()
	if !s.failing {
		s.mu.Unlock()
		return
	}
	now := s.now()
	total, more, since, last := s.total, s.more, s.since, s.last
	s.failing, s.more, s.total, s.last = false, 0, 0, nil
	s.mu.Unlock()
	r := slog.NewRecord(now, slog.LevelInfo, fmt.Sprintf("the store writes again: %d writes failed in %s (%d of them not logged above)", total, now.Sub(since).Round(time.Second), more), 0)
	r.AddAttrs(slog.Time("failing_since", since), slog.Any("last_err", last))
	_ = s.base.Handle(context.Background(), r)
}

// failedWrite is the error of r's attributes that wraps
// table.ErrWriteFailed, nil when none does.
func failedWrite(r slog.Record) error {
	var found error
	r.Attrs(func(a slog.Attr) bool {
		if err, ok := a.Value.Resolve().Any().(error); ok && errors.Is(err, table.ErrWriteFailed) {
			found = err
			return false
		}
		return true
	})
	return found
}

// span is d as a log line says it: "minute" for about one, else rounded
// to the second.
func span(d time.Duration) string {
	if d >= Every && d < Every+time.Second {
		return "minute"
	}
	return d.Round(time.Second).String()
}
