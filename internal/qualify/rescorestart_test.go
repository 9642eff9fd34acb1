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

// slowLook holds each starter's first look for an active job until both
// have looked: the window a double click falls into (before the fix,
// listing every person took seconds there).
type slowLook struct {
	table.Table
	both   *sync.WaitGroup
	mu     sync.Mutex
	looked int
}

func (s *slowLook) Query(ctx context.Context, q table.Query) ([]table.Item, error) {
	s.mu.Lock()
	first := q.PK == jobPK && s.looked < 2
	if first {
		s.looked++
	}
	s.mu.Unlock()
	if first {
		s.both.Done()
		s.both.Wait()
	}
	return s.Table.Query(ctx, q)
}

// README: POST /admin/rescore "asked again while a job under the same
// rules runs, the answer is that job (a double click or a client's retry
// started another full replay behind it)". Two starts that both found no
// active job both wrote one and started two full replays; the job is now
// written with a pointer conditional on what each start read. Seen live:
// three parallel POST /admin/rescore on a store of 128k people answered
// three job ids (…-bfda88d5, …-739b4fe6, …-56ccd7b7), all running.
func TestDoubleClickAnswersOneRescoreJob(t *testing.T) {
	tb, err := bolttable.Open(filepath.Join(t.TempDir(), "q.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tb.Close() })
	var both sync.WaitGroup
	both.Add(2)
	q := &Qualifier{T: &slowLook{Table: tb, both: &both}, Engine: versionOnly{}}
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
