package table

import (
	"context"
	"math/rand/v2"
	"time"
)

// A compare-and-swap loop (read an item, change it, Put on VersionIs) loses
// to every writer that put between its read and its write; of n writers of
// one item at once, one wins a round. Retried at once, a fixed number of
// attempts let the ninth of nine parallel updates of a person fail. Again
// spaces the attempts by pauses that double and are randomised, so that the
// losers of a round spread out, and gives up after CASAttempts: about a
// second of pauses in all (none once ctx ended).
const CASAttempts = 16

// casPause is the first pause; they double up to 64 times it.
const casPause = time.Millisecond

// Again reports whether a compare-and-swap loop makes its attempt'th
// attempt (0: the first, at once), pausing before every later one:
//
//	for attempt := 0; table.Again(ctx, attempt); attempt++ { ... }
func Again(ctx context.Context, attempt int) bool {
	if attempt == 0 {
		return true
	}
	if attempt >= CASAttempts {
		return false
	}
	if ctx.Err() != nil {
		return true // at once: the attempt's own calls report ctx's error, not "too much contention"
	}
	d := casPause << min(attempt-1, 6)
	d = d/2 + rand.N(d) // between half and one and a half of it
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
	return true
}
