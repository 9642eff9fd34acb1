package table

import (
	"context"
	"testing"
)

// TestAgainBounds: the first attempt is made at once, every later one up to
// CASAttempts after a pause (none once ctx ended: the attempt's calls then
// report ctx's error), none past the last.
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
	if !Again(done, 0) || !Again(done, 1) {
		t.Error("an attempt refused after ctx ended: the loop would say too much contention, not ctx's error")
	}
	if Again(done, CASAttempts) {
		t.Error("an attempt past the last")
	}
}
