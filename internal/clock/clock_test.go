package clock_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/clock"
)

// TestSleepEndsWithItsContext: a wait ends when its request does, saying
// why, and a wait of nothing returns at once.
func TestSleepEndsWithItsContext(t *testing.T) {
	if err := clock.Sleep(context.Background(), 0); err != nil {
		t.Fatalf("no wait: %v", err)
	}
	why := errors.New("the request ended")
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(why)
	if err := clock.Sleep(ctx, time.Hour); !errors.Is(err, why) {
		t.Fatalf("an ended context: %v, want its cause", err)
	}
}
