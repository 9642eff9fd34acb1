package scorefeed_test

import (
	"testing"

	"github.com/baton-hq/baton/internal/scorebench"
)

// BenchmarkScorePath is the whole score path on the embedded store: a long
// history person's events through HandleChanges, one feed batch at a time
// (the embedded feed's batch, and the score function's on AWS).
func BenchmarkScorePath(b *testing.B) {
	b.Run("batch=1000", scorebench.ScorePath(scorebench.Batch))
	b.Run("batch=100", scorebench.ScorePath(scorebench.AWSBatch))
}
