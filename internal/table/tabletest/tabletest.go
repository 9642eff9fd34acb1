// Package tabletest is the one conformance suite every table.Table must pass.
// Repositories built on the table (events, people, ledger, ...) pass their own
// suites to Run, so a behaviour tested on one backend is tested on every
// backend (see internal/conformance).
package tabletest

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/table"
)

// Factory returns a fresh, empty table for one test whose expiry is judged
// by now: every fixture hands its clock down, so no test meets the wall clock.
type Factory func(t *testing.T, now func() time.Time) table.Table

// Suite is a named group of conformance tests for a repository built on the
// table (events, people, ledger, ...): written once, run on every backend.
type Suite struct {
	Name string
	Run  func(t *testing.T, newTable Factory)
}

// Run runs the table contract and then each suite against newTable.
func Run(t *testing.T, newTable Factory, suites ...Suite) {
	t.Run("table", func(t *testing.T) { contract(t, newTable) })
	for _, s := range suites {
		t.Run(s.Name, func(t *testing.T) { s.Run(t, newTable) })
	}
}

// t0 is the contract's clock reading.
var t0 = time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)

func contract(t *testing.T, newTable Factory) {
	ctx := context.Background()
	now := clock.Fixed(t0)
	t.Run("PutGet", func(t *testing.T) {
		tb := newTable(t, now)
		if _, err := tb.Get(ctx, "P#1", "A"); !errors.Is(err, table.ErrNotFound) {
			t.Fatalf("Get absent: err = %v, want ErrNotFound", err)
		}
		if err := tb.Put(ctx, table.Item{PK: "P#1", SK: "A", Kind: "k", Data: []byte(`{"x":1}`)}, table.Always); err != nil {
			t.Fatal(err)
		}
		it, err := tb.Get(ctx, "P#1", "A")
		if err != nil {
			t.Fatal(err)
		}
		if string(it.Data) != `{"x":1}` || it.Kind != "k" || it.Version != 1 {
			t.Fatalf("Get = %+v", it)
		}
		if err := tb.Put(ctx, table.Item{PK: "P#1", SK: "A", Data: []byte(`2`)}, table.Always); err != nil {
			t.Fatal(err)
		}
		it, _ = tb.Get(ctx, "P#1", "A")
		if string(it.Data) != "2" || it.Version != 2 {
			t.Fatalf("after overwrite: %+v", it)
		}
	})
	t.Run("Conditions", func(t *testing.T) {
		tb := newTable(t, now)
		it := table.Item{PK: "P#1", SK: "A", Data: []byte("a")}
		if err := tb.Put(ctx, it, table.NotExists); err != nil {
			t.Fatal(err)
		}
		if err := tb.Put(ctx, it, table.NotExists); !errors.Is(err, table.ErrConditionFailed) {
			t.Fatalf("second NotExists put: %v", err)
		}
		if err := tb.Put(ctx, it, table.VersionIs(2)); !errors.Is(err, table.ErrConditionFailed) {
			t.Fatalf("wrong version: %v", err)
		}
		it.Data = []byte("b")
		if err := tb.Put(ctx, it, table.VersionIs(1)); err != nil {
			t.Fatalf("right version: %v", err)
		}
		if err := tb.Put(ctx, table.Item{PK: "P#9", SK: "A"}, table.Exists); !errors.Is(err, table.ErrConditionFailed) {
			t.Fatalf("Exists on absent: %v", err)
		}
		if err := tb.Delete(ctx, "P#1", "A", table.VersionIs(1)); !errors.Is(err, table.ErrConditionFailed) {
			t.Fatalf("delete wrong version: %v", err)
		}
		if err := tb.Delete(ctx, "P#1", "A", table.VersionIs(2)); err != nil {
			t.Fatal(err)
		}
		if _, err := tb.Get(ctx, "P#1", "A"); !errors.Is(err, table.ErrNotFound) {
			t.Fatalf("after delete: %v", err)
		}
		if err := tb.Delete(ctx, "P#1", "A", table.Always); err != nil {
			t.Fatalf("delete absent unconditionally: %v", err)
		}
	})
	t.Run("ConcurrentCreateOneWinner", func(t *testing.T) {
		tb := newTable(t, now)
		var wg sync.WaitGroup
		var mu sync.Mutex
		wins := 0
		for i := 0; i < 16; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				err := tb.Put(ctx, table.Item{PK: "EMAIL#a@b.co", SK: "EMAIL", Data: []byte(fmt.Sprint(i))}, table.NotExists)
				if err == nil {
					mu.Lock()
					wins++
					mu.Unlock()
				} else if !errors.Is(err, table.ErrConditionFailed) {
					t.Error(err)
				}
			}(i)
		}
		wg.Wait()
		if wins != 1 {
			t.Fatalf("%d writers won a NotExists put, want 1", wins)
		}
	})
	t.Run("CASLoopAfterCtxEnds", func(t *testing.T) {
		casLoopAfterCtxEnds(t, newTable(t, now))
	})
	t.Run("Transact", func(t *testing.T) {
		tb := newTable(t, now)
		if err := tb.Put(ctx, table.Item{PK: "X", SK: "1", Data: []byte("old")}, table.Always); err != nil {
			t.Fatal(err)
		}
		err := tb.Transact(ctx, []table.Write{
			table.Put(table.Item{PK: "X", SK: "2", Data: []byte("new")}, table.NotExists),
			table.Put(table.Item{PK: "X", SK: "1", Data: []byte("clobber")}, table.NotExists), // fails
		})
		if !errors.Is(err, table.ErrConditionFailed) {
			t.Fatalf("Transact with failing condition: %v", err)
		}
		if _, err := tb.Get(ctx, "X", "2"); !errors.Is(err, table.ErrNotFound) {
			t.Fatalf("a failed transaction wrote: %v", err)
		}
		if err := tb.Transact(ctx, []table.Write{
			table.Put(table.Item{PK: "X", SK: "2", Data: []byte("new")}, table.NotExists),
			table.Del("X", "1", table.VersionIs(1)),
		}); err != nil {
			t.Fatal(err)
		}
		items, _ := tb.Query(ctx, table.Query{PK: "X"})
		if len(items) != 1 || items[0].SK != "2" {
			t.Fatalf("after transaction: %+v", items)
		}
	})
	t.Run("TransactCheck", func(t *testing.T) {
		// A check holds the transaction to a condition and writes nothing:
		// the item it names is neither created nor changed.
		tb := newTable(t, now)
		guarded := table.Put(table.Item{PK: "C", SK: "data", Data: []byte("d")}, table.Always)
		if err := tb.Transact(ctx, []table.Write{guarded, table.CheckOf("C", "flag", table.NotExists)}); err != nil {
			t.Fatalf("a check that holds: %v", err)
		}
		if _, err := tb.Get(ctx, "C", "flag"); !errors.Is(err, table.ErrNotFound) {
			t.Fatalf("the check wrote its item: %v", err)
		}
		if err := tb.Put(ctx, table.Item{PK: "C", SK: "flag", Data: []byte("set")}, table.Always); err != nil {
			t.Fatal(err)
		}
		guarded.Item.Data = []byte("changed")
		if err := tb.Transact(ctx, []table.Write{guarded, table.CheckOf("C", "flag", table.NotExists)}); !errors.Is(err, table.ErrConditionFailed) {
			t.Fatalf("a check that fails: %v", err)
		}
		if it, _ := tb.Get(ctx, "C", "data"); string(it.Data) != "d" {
			t.Fatalf("the failed transaction wrote %q", it.Data)
		}
		if it, _ := tb.Get(ctx, "C", "flag"); string(it.Data) != "set" || it.Version != 1 {
			t.Fatalf("the check changed its item: %+v", it)
		}
		if errs := tb.PutMany(ctx, []table.Write{table.CheckOf("C", "flag", table.Exists)}); errs[0] == nil {
			t.Fatal("a check outside a transaction was taken")
		}
	})
	t.Run("PutMany", func(t *testing.T) {
		tb := newTable(t, now)
		if err := tb.Put(ctx, table.Item{PK: "V#1", SK: "E#b"}, table.Always); err != nil {
			t.Fatal(err)
		}
		errs := tb.PutMany(ctx, []table.Write{
			table.Put(table.Item{PK: "V#1", SK: "E#a"}, table.NotExists),
			table.Put(table.Item{PK: "V#1", SK: "E#b"}, table.NotExists),
			table.Put(table.Item{PK: "V#2", SK: "E#c"}, table.NotExists),
		})
		if len(errs) != 3 || errs[0] != nil || !errors.Is(errs[1], table.ErrConditionFailed) || errs[2] != nil {
			t.Fatalf("PutMany errors = %v", errs)
		}
		items, _ := tb.Query(ctx, table.Query{PK: "V#1"})
		if len(items) != 2 {
			t.Fatalf("V#1 has %d items, want 2", len(items))
		}
	})
	t.Run("Query", func(t *testing.T) {
		tb := newTable(t, now)
		for _, sk := range []string{"E#3", "E#1", "E#2", "F#1", "D#9"} {
			if err := tb.Put(ctx, table.Item{PK: "V#q", SK: sk}, table.Always); err != nil {
				t.Fatal(err)
			}
		}
		if err := tb.Put(ctx, table.Item{PK: "V#qq", SK: "E#0"}, table.Always); err != nil {
			t.Fatal(err)
		}
		sks := func(q table.Query) []string {
			items, err := tb.Query(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, it := range items {
				out = append(out, it.SK)
			}
			return out
		}
		check := func(name string, got []string, want ...string) {
			t.Helper()
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("%s = %v, want %v", name, got, want)
			}
		}
		check("prefix", sks(table.Query{PK: "V#q", Prefix: "E#"}), "E#1", "E#2", "E#3")
		check("all", sks(table.Query{PK: "V#q"}), "D#9", "E#1", "E#2", "E#3", "F#1")
		check("reverse", sks(table.Query{PK: "V#q", Prefix: "E#", Reverse: true}), "E#3", "E#2", "E#1")
		check("limit", sks(table.Query{PK: "V#q", Prefix: "E#", Limit: 2}), "E#1", "E#2")
		check("reverse limit", sks(table.Query{PK: "V#q", Prefix: "E#", Reverse: true, Limit: 1}), "E#3")
		check("after", sks(table.Query{PK: "V#q", Prefix: "E#", After: "E#1"}), "E#2", "E#3")
		check("reverse after", sks(table.Query{PK: "V#q", Prefix: "E#", Reverse: true, After: "E#3"}), "E#2", "E#1")
		check("other partition", sks(table.Query{PK: "V#none"}))
	})
	t.Run("Add", func(t *testing.T) {
		tb := newTable(t, now)
		got, err := tb.Add(ctx, "AGG#d", "C", "agg", map[string]int64{"views": 2, "forms": 1})
		if err != nil {
			t.Fatal(err)
		}
		if got["views"] != 2 || got["forms"] != 1 {
			t.Fatalf("first Add = %v", got)
		}
		var wg sync.WaitGroup
		for i := 0; i < 20; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := tb.Add(ctx, "AGG#d", "C", "agg", map[string]int64{"views": 1}); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		it, err := tb.Get(ctx, "AGG#d", "C")
		if err != nil {
			t.Fatal(err)
		}
		if it.Counters["views"] != 22 || it.Counters["forms"] != 1 || it.Kind != "agg" {
			t.Fatalf("after concurrent adds: %+v", it)
		}
	})
	t.Run("TransactAddCountsOnce", func(t *testing.T) {
		tb := newTable(t, now)
		count := func(id string) error {
			return tb.Transact(ctx, []table.Write{
				table.Put(table.Item{PK: "CNT#" + id, SK: "C", Data: []byte("{}")}, table.NotExists),
				table.AddTo("AGG#funnel", "2026-11-24#search", "agg", map[string]int64{"mql": 1, "lead": 2}),
			})
		}
		if err := count("e1"); err != nil {
			t.Fatal(err)
		}
		if err := count("e1"); !errors.Is(err, table.ErrConditionFailed) {
			t.Fatalf("repeat: %v", err)
		}
		var wg sync.WaitGroup
		for i := 0; i < 10; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				if err := count(fmt.Sprintf("c%d", i)); err != nil {
					t.Error(err)
				}
			}(i)
		}
		wg.Wait()
		it, err := tb.Get(ctx, "AGG#funnel", "2026-11-24#search")
		if err != nil || it.Counters["mql"] != 11 || it.Counters["lead"] != 22 || it.Kind != "agg" {
			t.Fatalf("counters %+v %v", it, err)
		}
		// A failed transaction adds nothing.
		err = tb.Transact(ctx, []table.Write{
			table.AddTo("AGG#funnel", "2026-11-24#search", "agg", map[string]int64{"mql": 100}),
			table.Put(table.Item{PK: "CNT#e1", SK: "C"}, table.NotExists),
		})
		if !errors.Is(err, table.ErrConditionFailed) {
			t.Fatalf("failing transaction: %v", err)
		}
		it, _ = tb.Get(ctx, "AGG#funnel", "2026-11-24#search")
		if it.Counters["mql"] != 11 {
			t.Fatalf("a failed transaction added: %v", it.Counters)
		}
	})
	t.Run("Expiry", func(t *testing.T) {
		tb := newTable(t, now)
		past := t0.Add(-time.Hour)
		if err := tb.Put(ctx, table.Item{PK: "V#x", SK: "E#old", Expires: past}, table.Always); err != nil {
			t.Fatal(err)
		}
		if err := tb.Put(ctx, table.Item{PK: "V#x", SK: "E#new", Expires: t0.Add(time.Hour)}, table.Always); err != nil {
			t.Fatal(err)
		}
		if _, err := tb.Get(ctx, "V#x", "E#old"); !errors.Is(err, table.ErrNotFound) {
			t.Fatalf("expired item readable: %v", err)
		}
		items, _ := tb.Query(ctx, table.Query{PK: "V#x"})
		if len(items) != 1 || items[0].SK != "E#new" {
			t.Fatalf("query returned expired items: %+v", items)
		}
		// An expired item does not block a NotExists put.
		if err := tb.Put(ctx, table.Item{PK: "V#x", SK: "E#old"}, table.NotExists); err != nil {
			t.Fatalf("NotExists over expired item: %v", err)
		}
	})
	t.Run("Scan", func(t *testing.T) {
		tb := newTable(t, now)
		want := map[string]bool{}
		for i := 0; i < 1203; i++ {
			pk := fmt.Sprintf("V#%04d", i)
			want[pk] = true
			if err := tb.Put(ctx, table.Item{PK: pk, SK: "E#1"}, table.Always); err != nil {
				t.Fatal(err)
			}
		}
		if err := tb.Put(ctx, table.Item{PK: "P#1", SK: "PERSON"}, table.Always); err != nil {
			t.Fatal(err)
		}
		var got []string
		if err := tb.Scan(ctx, "V#", func(it table.Item) error {
			got = append(got, it.PK)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		sort.Strings(got)
		if len(got) != len(want) {
			t.Fatalf("Scan visited %d items, want %d", len(got), len(want))
		}
		for _, pk := range got {
			if !want[pk] {
				t.Fatalf("Scan visited %s", pk)
			}
		}
		// The same pass a page at a time, resumed from each page's cursor
		// (as a job kept over runs does), visits each item once.
		seen := map[string]int{}
		pages := 0
		for cursor := ""; ; pages++ {
			items, next, err := tb.ScanPage(ctx, "V#", cursor)
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range items {
				seen[it.PK]++
			}
			if next == "" {
				break
			}
			if pages > len(want) {
				t.Fatalf("ScanPage did not end after %d pages", pages)
			}
			cursor = next
		}
		for pk := range want {
			if seen[pk] != 1 {
				t.Fatalf("ScanPage visited %s %d times", pk, seen[pk])
			}
		}
		if len(seen) != len(want) {
			t.Fatalf("ScanPage visited %d partitions, want %d", len(seen), len(want))
		}
		if pages == 0 {
			t.Fatalf("ScanPage read %d items in one page: no cursor was resumed from (a store's page must be smaller here)", len(want))
		}
		if _, _, err := tb.ScanPage(ctx, "V#", "not a cursor"); err == nil {
			t.Error("ScanPage took a malformed cursor")
		}
	})
}

// casLoopAfterCtxEnds: a compare-and-swap loop (table.Again) whose ctx
// ended, the client gone or a Lambda's deadline past, while a writer keeps
// changing its item, reports ctx's error, never "too much contention": the
// message in the logs and the 500 must say why it stopped. The store's part:
// a write under an ended ctx reports ctx's error, not the condition that
// would fail.
func casLoopAfterCtxEnds(t *testing.T, tb table.Table) {
	const pk, sk = "P#cas", "X"
	var contention = errors.New("too much contention")
	// cas is the loop every CAS in Baton is; lost is told of each attempt
	// that lost to the writer, who puts between its read and its write.
	cas := func(ctx context.Context, lost func(attempt int)) (attempts int, err error) {
		for attempt := 0; table.Again(ctx, attempt); attempt++ {
			attempts++
			it, err := tb.Get(ctx, pk, sk)
			if err != nil && !errors.Is(err, table.ErrNotFound) {
				return attempts, err
			}
			if err := tb.Put(context.Background(), table.Item{PK: pk, SK: sk, Data: []byte("theirs")}, table.Always); err != nil {
				t.Fatal(err)
			}
			err = tb.Put(ctx, table.Item{PK: pk, SK: sk, Data: []byte("mine")}, table.VersionIs(it.Version))
			if !errors.Is(err, table.ErrConditionFailed) {
				return attempts, err
			}
			lost(attempt)
		}
		return attempts, contention
	}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	expired, cancel := context.WithTimeout(context.Background(), -1)
	defer cancel()
	mid, cancelMid := context.WithCancel(context.Background())
	defer cancelMid()
	late := &endable{Context: context.Background(), done: make(chan struct{})}
	for _, c := range []struct {
		name string
		ctx  context.Context
		lost func(attempt int) // ends ctx after an attempt lost
		want error
		max  int // attempts
	}{
		{"cancelled", cancelled, func(int) {}, context.Canceled, 1},
		{"deadline past", expired, func(int) {}, context.DeadlineExceeded, 1},
		// Ended while the loop runs, after a lost attempt: the next one
		// is made at once and reports ctx's error (Again stopped the
		// loop here, which then said "too much contention").
		{"cancelled meanwhile", mid, func(a int) {
			if a == 1 {
				cancelMid()
			}
		}, context.Canceled, 3},
		{"deadline passed meanwhile", late, func(a int) {
			if a == 1 {
				late.end(context.DeadlineExceeded)
			}
		}, context.DeadlineExceeded, 3},
	} {
		n, err := cas(c.ctx, c.lost)
		if !errors.Is(err, c.want) || errors.Is(err, contention) || strings.Contains(fmt.Sprint(err), "contention") || n > c.max {
			t.Errorf("%s: %v after %d attempts, want %v after at most %d", c.name, err, n, c.want, c.max)
		}
	}
	// The writer is a real rival: with ctx alive every attempt loses.
	lost := 0
	if _, err := cas(context.Background(), func(int) { lost++ }); !errors.Is(err, contention) || lost != table.CASAttempts {
		t.Errorf("a live loop against the writer: %v after %d lost attempts, want contention after %d", err, lost, table.CASAttempts)
	}
}

// endable is a context that ends when told, with the error it is told:
// a deadline that passes at a chosen moment of a test, not the clock's.
type endable struct {
	context.Context
	once sync.Once
	done chan struct{}
	mu   sync.Mutex
	err  error
}

func (e *endable) end(err error) {
	e.once.Do(func() {
		e.mu.Lock()
		e.err = err
		e.mu.Unlock()
		close(e.done)
	})
}

func (e *endable) Done() <-chan struct{} { return e.done }

func (e *endable) Err() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.err
}
