package rulebook_test

import (
	"testing"

	"github.com/baton-hq/baton/internal/scorebench"
)

// BenchmarkApplyLongHistory is the engine on a person with a long history
// (scorebench.HistoryEvents matched events), events applied a stream batch
// at a time; `make bench` prints the same figure beside its target.
func BenchmarkApplyLongHistory(b *testing.B) { scorebench.Engine(b) }
