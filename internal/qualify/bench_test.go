package qualify_test

import (
	"testing"

	"github.com/baton-hq/baton/internal/scorebench"
)

// BenchmarkScorePath is the whole score path on the embedded store: a long
// history person's events through HandleChanges, one feed batch at a time.
func BenchmarkScorePath(b *testing.B) { scorebench.ScorePath(b) }
