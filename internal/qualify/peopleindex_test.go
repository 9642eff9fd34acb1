package qualify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/bolttable"
	"github.com/baton-hq/baton/internal/table/dynamotable"
	"github.com/baton-hq/baton/internal/table/tablecount"
	"github.com/baton-hq/baton/internal/testutil/moto"
)

// TestIndexBackfill: before the index is complete the reports read by a
// pass over the people and write nothing; IndexScoredPeople (the sweep's)
// indexes the people scored before it, once; then their ledger is never read.
func TestIndexBackfill(t *testing.T) {
	at := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	bt, err := bolttable.Open(filepath.Join(t.TempDir(), "i.db"), bolttable.WithClock(clock.Fixed(at)))
	if err != nil {
		t.Fatal(err)
	}
	defer bt.Close()
	ctx := context.Background()
	old := func(person string, ledger int) {
		t.Helper()
		rec, _ := json.Marshal(Record{Person: person, Stage: StageLead})
		h, _ := json.Marshal(StageChange{From: StageAnonymous, To: StageLead, At: at})
		ws := []table.Write{
			table.Put(table.Item{PK: identity.PersonPK(person), SK: scoreSK, Kind: "score", Data: rec}, table.Always),
			table.Put(table.Item{PK: identity.PersonPK(person), SK: historyPfx + "1", Kind: "stage", Data: h}, table.Always),
		}
		for i := range ledger {
			ws = append(ws, table.Put(table.Item{PK: identity.PersonPK(person), SK: ledgerPfx + string(rune('a'+i)), Kind: "ledger", Data: []byte(`{}`)}, table.Always))
		}
		if err := bt.Transact(ctx, ws); err != nil {
			t.Fatal(err)
		}
	}
	old("p_000000000000000000000001", 20)
	old("p_000000000000000000000002", 3)
	ct := tablecount.New(bt)
	facts, err := AllFacts(ctx, ct)
	if err != nil || len(facts) != 2 || facts[0].ID != "p_000000000000000000000001" || len(facts[0].History) != 1 {
		t.Fatalf("first read: %+v %v", facts, err)
	}
	// 2 people x (score, stage, ledger) through the scan.
	if c := ct.Counts(); c.Scans != 1 || c.Items != 2+2+23 {
		t.Fatalf("read before the index: %+v", c)
	}
	if ids, _ := scoredPeople(ctx, bt); len(ids) != 0 {
		t.Fatalf("a read wrote the index: %v", ids)
	}
	for i, want := range []int{2, 0} { // the second run finds the index complete
		if n, err := IndexScoredPeople(ctx, bt); err != nil || n != want {
			t.Fatalf("index run %d: %d %v", i, n, err)
		}
	}
	ct.Reset()
	if facts, err = AllFacts(ctx, ct); err != nil || len(facts) != 2 {
		t.Fatalf("second read: %+v %v", facts, err)
	}
	// Per person: the index entry, the score record, one stage change; the
	// meta item. No scan, no ledger.
	if c := ct.Counts(); c.Scans != 0 || c.Items != 2*3+1 {
		t.Fatalf("second read counts %+v", c)
	}
	// A person scored now is indexed by their own first transaction.
	rec, _ := json.Marshal(Record{Person: "p_000000000000000000000003", Stage: StageLead})
	ws := withIndex([]table.Write{table.Put(table.Item{PK: identity.PersonPK("p_000000000000000000000003"), SK: scoreSK, Kind: "score", Data: rec}, table.VersionIs(0))}, "p_000000000000000000000003", Record{})
	if err := bt.Transact(ctx, ws); err != nil {
		t.Fatal(err)
	}
	if facts, _ := AllFacts(ctx, bt); len(facts) != 3 {
		t.Fatalf("after a first score: %d people", len(facts))
	}
	q := &Qualifier{T: bt}
	if n, err := q.Forget(ctx, privacy.Subject{Person: "p_000000000000000000000003"}); err != nil || n["scored"] != 1 {
		t.Fatalf("forget: %v %v", n, err)
	}
}

// TestSampleScoredReadsTheIndex: the sweep's look at the population (is a
// fit rule fed by anyone?) sampled people by a scan, which on DynamoDB read
// every item of a table with fewer people than the sample, every 15
// minutes. It reads at most n entries of the scored people's index.
func TestSampleScoredReadsTheIndex(t *testing.T) {
	bt, err := bolttable.Open(filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer bt.Close()
	ctx := context.Background()
	var ws []table.Write
	for i := range 40 {
		ws = withIndex(ws, fmt.Sprintf("p_%024d", i), Record{})
		ws = append(ws, table.Put(table.Item{PK: identity.PersonPK(fmt.Sprintf("p_%024d", i)), SK: ledgerPfx + "x", Kind: "ledger", Data: []byte(`{}`)}, table.Always))
	}
	if err := bt.Transact(ctx, ws); err != nil {
		t.Fatal(err)
	}
	ct := tablecount.New(bt)
	for _, n := range []int{25, 500} {
		ct.Reset()
		ids, err := SampleScored(ctx, ct, n)
		if err != nil || len(ids) != min(n, 40) {
			t.Fatalf("sample of %d: %d ids %v", n, len(ids), err)
		}
		if c := ct.Counts(); c.Scans != 0 || c.Items != int64(len(ids)) {
			t.Errorf("sample of %d read %+v, want %d index entries and no scan", n, c, len(ids))
		}
	}
}

// TestIndexBackfillAcrossRuns: on DynamoDB the backfill is a scan of the
// whole table. It was one pass in one run, begun afresh each run: on a
// table larger than a run can read, every sweep ran out of time in it
// (and took the SLA sweep and the rescores after it down too) and the
// index was never complete. Each run here has time for one page of the
// pass only; the runs go on from where the last one stopped, and complete.
func TestIndexBackfillAcrossRuns(t *testing.T) {
	at := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	for _, store := range []struct {
		name   string
		people int
		open   func(t *testing.T) table.Table
	}{
		{"bolt", 300, func(t *testing.T) table.Table { // 600 keys: more than a page (500)
			bt, err := bolttable.Open(filepath.Join(t.TempDir(), "i.db"), bolttable.WithClock(clock.Fixed(at)))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { bt.Close() })
			return bt
		}},
		{"dynamodb", 12, func(t *testing.T) table.Table { // pages of 5 items
			return moto.NewTable(t, dynamotable.WithClock(clock.Fixed(at)), dynamotable.WithScanLimit(5))
		}},
	} {
		t.Run(store.name, func(t *testing.T) {
			ctx := context.Background()
			tb := store.open(t)
			var ws []table.Write
			for i := range store.people {
				person := fmt.Sprintf("p_%024d", i)
				rec, _ := json.Marshal(Record{Person: person, Stage: StageLead})
				ws = append(ws,
					table.Put(table.Item{PK: identity.PersonPK(person), SK: scoreSK, Kind: "score", Data: rec}, table.Always),
					table.Put(table.Item{PK: identity.PersonPK(person), SK: ledgerPfx + "a", Kind: "ledger", Data: []byte(`{}`)}, table.Always))
			}
			for i := 0; i < len(ws); i += 100 {
				if err := errors.Join(tb.PutMany(ctx, ws[i:min(i+100, len(ws))])...); err != nil {
					t.Fatal(err)
				}
			}
			total, runs := 0, 0
			for ; runs < 40; runs++ {
				if done, err := indexComplete(ctx, tb); err != nil || done {
					break
				}
				run, end := context.WithCancel(ctx)
				n, err := IndexScoredPeople(run, &onePage{Table: tb, end: end})
				end()
				if err != nil {
					t.Fatalf("run %d: %v", runs, err)
				}
				total += n
			}
			if done, err := indexComplete(ctx, tb); !done || err != nil {
				t.Fatalf("after %d runs of a page each the index is not complete (%v): %d people indexed", runs, err, total)
			}
			if runs < 2 {
				t.Fatalf("completed in %d run: the pass did not page", runs)
			}
			ids, err := scoredPeople(ctx, tb)
			if err != nil || len(ids) != store.people || total != store.people {
				t.Fatalf("indexed %d (counted %d), want %d: %v", len(ids), total, store.people, err)
			}
			if _, err := tb.Get(ctx, scoredMeta, scoredListing); !errors.Is(err, table.ErrNotFound) {
				t.Errorf("the pass's position outlived it: %v", err)
			}
			if n, err := IndexScoredPeople(ctx, tb); n != 0 || err != nil {
				t.Errorf("a run once complete: %d %v", n, err)
			}
		})
	}
}

// onePage is a run's store when the run has time for one page of a pass
// over the table and its writes: its time ends once the pass's position
// after that page is kept. A whole Scan is more than a page: its time ends
// at the first item.
type onePage struct {
	table.Table
	end func()
}

func (o *onePage) Put(ctx context.Context, it table.Item, c table.Cond) error {
	err := o.Table.Put(ctx, it, c)
	if it.PK == scoredMeta && it.SK == scoredListing {
		o.end()
	}
	return err
}

func (o *onePage) Scan(ctx context.Context, pkPrefix string, fn func(table.Item) error) error {
	return o.Table.Scan(ctx, pkPrefix, func(it table.Item) error {
		o.end()
		if err := ctx.Err(); err != nil {
			return err
		}
		return fn(it)
	})
}
