package table

import (
	"context"
	"testing"
)

// TestAgainBounds: the first attempt is made at once, every later one up to
// CASAttempts after a pause, none after ctx ends or past the last.
func TestAgainBounds(t *testing.T) {
	ctx := context.Background()
	n := 0
	for attempt := 0; Again(ctx, attempt); attempt++ {
		n++
	}
	if n != CASAttempts {
		t.Errorf("a loop that always loses made %d attempts, want %d", n, CASAttempts)
	}
	done, cancel := context.WithCancel(ctx)
	cancel()
	if !Again(done, 0) {
		t.Error("the first attempt is made whatever ctx says (its own calls report ctx's error)")
	}
	if Again(done, 1) {
		t.Error("a retry after ctx ended")
	}
}
