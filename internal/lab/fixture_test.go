package lab

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/rulebook"
	"github.com/baton-hq/baton/internal/table/bolttable"
)

// replayFixture is what the lab's tests store and score through: an
// embedded table on a manual clock at now, the event log, the directory,
// the stitcher and a qualifier under rules (the rules in force).
type replayFixture struct {
	tb  *bolttable.Table
	clk *clock.Manual
	log *eventlog.Log
	dir *identity.Directory
	st  *identity.Stitcher
	q   *qualify.Qualifier
}

func newReplayFixture(t *testing.T, now time.Time, rules *rulebook.Rules) *replayFixture {
	t.Helper()
	f := &replayFixture{clk: clock.NewManual(now)}
	tb, err := bolttable.Open(filepath.Join(t.TempDir(), "b.db"), bolttable.WithClock(f.clk.Now))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tb.Close() })
	f.tb = tb
	f.log = &eventlog.Log{T: tb, Now: f.clk.Now}
	f.dir = &identity.Directory{T: tb, Now: f.clk.Now}
	f.st = &identity.Stitcher{Dir: f.dir, Log: f.log}
	f.q = &qualify.Qualifier{T: tb, Dir: f.dir, Log: f.log, Engine: &rulebook.Engine{R: rules}, Now: f.clk.Now}
	return f
}
