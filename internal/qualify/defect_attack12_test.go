package qualify

import (
	"context"
	"path/filepath"
	"sync"
	"testing"

	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/bolttable"
)

// versionOnly is an engine that only names its rules (StartRescore reads
// nothing else).
type versionOnly struct{ Engine }

func (versionOnly) Version() string { return "rules@1" }

// slowList holds the listing of people until both starters have looked
// for an active job: with many people the listing takes seconds, the
// window a double click falls into.
type slowList struct {
	table.Table
	both *sync.WaitGroup
}

func (s slowList) Scan(ctx context.Context, prefix string, fn func(table.Item) error) error {
	s.both.Done()
	s.both.Wait()
	return s.Table.Scan(ctx, prefix, fn)
}

// README: POST /admin/rescore "asked again while a job under the same
// rules runs, the answer is that job (a double click or a client's retry
// started another full replay behind it)". StartRescore checks for an
// active job, then lists every person, then writes the job: two POSTs
// within the listing both find none and start two full replays. Seen live:
// three parallel POST /admin/rescore on a store of 128k people answered
// three job ids (…-bfda88d5, …-739b4fe6, …-56ccd7b7), all running.
func TestDefectDoubleClickStartsTwoRescores(t *testing.T) {
	tb, err := bolttable.Open(filepath.Join(t.TempDir(), "q.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tb.Close() })
	var both sync.WaitGroup
	both.Add(2)
	q := &Qualifier{T: slowList{Table: tb, both: &both}, Engine: versionOnly{}}
	ids := make([]string, 2)
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			j, err := q.StartRescore(context.Background())
			ids[i], errs[i] = j.ID, err
		}()
	}
	wg.Wait()
	if errs[0] != nil || errs[1] != nil {
		t.Fatalf("start: %v, %v", errs[0], errs[1])
	}
	if ids[0] != ids[1] {
		t.Errorf("a double click started two rescore jobs, %s and %s, want the one job answered twice", ids[0], ids[1])
	}
}
