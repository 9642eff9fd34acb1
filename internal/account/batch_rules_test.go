package account_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/account"
	"github.com/baton-hq/baton/internal/rulebook"
	"github.com/baton-hq/baton/internal/scorefeed"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/dynamotable"
	"github.com/baton-hq/baton/internal/testutil/repo"
)

// maxTransactBytes is DynamoDB's limit on the size of a transaction's
// items (neither dynamotable nor the embedded store checks it).
const maxTransactBytes = 4 << 20

// txRules refuses the transactions DynamoDB refuses (as dynamotable and
// DynamoDB do), which the embedded store takes: more than
// MaxTransactItems writes, two writes of one item, or items of more than
// maxTransactBytes (counting their keys and data only: DynamoDB counts
// more).
type txRules struct{ table.Table }

func (r txRules) Transact(ctx context.Context, ws []table.Write) error {
	if len(ws) > dynamotable.MaxTransactItems {
		return fmt.Errorf("transaction of %d writes, at most %d", len(ws), dynamotable.MaxTransactItems)
	}
	seen := map[[2]string]bool{}
	size := 0
	for _, w := range ws {
		k := [2]string{w.Item.PK, w.Item.SK}
		if seen[k] {
			return fmt.Errorf("transaction writes %s/%s twice", k[0], k[1])
		}
		seen[k] = true
		size += len(w.Item.PK) + len(w.Item.SK) + len(w.Item.Data)
	}
	if size > maxTransactBytes {
		return fmt.Errorf("transaction of %d bytes, at most %d", size, maxTransactBytes)
	}
	return r.Table.Transact(ctx, ws)
}

// TestMoversWithinTransactionBytes: thirty people of a batch move to one
// account, each leaving their own, which a colleague with a long title
// (150 KB) makes large: the batch's transactions stay within DynamoDB's 4
// MB (one of all of them, rewriting the thirty accounts left, failed for
// ever).
func TestMoversWithinTransactionBytes(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	long := strings.Repeat("Engineer ", 150<<10/9)
	for i := range 30 {
		company := fmt.Sprintf("Old %d", i)
		w.handle(w.person(fmt.Sprintf("m%d", i), fmt.Sprintf("m%d@gmail.com", i), map[string]string{"company": company, "title": long}))
		w.handle(w.person(fmt.Sprintf("p%d", i), fmt.Sprintf("p%d@gmail.com", i), map[string]string{"company": company}))
	}
	w.clk.Advance(26 * time.Hour)
	var cs []table.Change
	for i := range 30 {
		cs = append(cs, w.person(fmt.Sprintf("p%d", i), fmt.Sprintf("p%d@gmail.com", i), map[string]string{"company": "New"})...)
	}
	if _, err := scorefeed.HandleChanges(ctx, w.q, cs, nil); err != nil {
		t.Fatal(err)
	}
	if n, err := bookOn(w, txRules{w.tb}).HandleChanges(ctx, cs); err != nil || n != len(cs) {
		t.Fatalf("handled %d of %d: %v", n, len(cs), err)
	}
	as := w.accounts()
	if len(as) != 31 {
		t.Fatalf("%d accounts, want 31", len(as))
	}
	for _, a := range as {
		if want := map[bool]int{true: 30, false: 1}[a.Name == "New"]; len(a.Members) != want {
			t.Errorf("%s: %d members, want %d", a.Name, len(a.Members), want)
		}
	}
}

// bookOn is a Book of w on t (w's table, wrapped).
func bookOn(w *world, t table.Table) *account.Book {
	w.t.Helper()
	rules, err := rulebook.Load(filepath.Join(repo.Root(w.t), "infra", "rules.yaml"))
	if err != nil {
		w.t.Fatal(err)
	}
	return account.NewBook(t, w.dir, w.log, w.q, rules, w.q.Engine, w.clk.Now)
}

// TestBatchWithinTransactionLimit: people of one domain each naming their
// own company claim a key each for the account (the first
// account.MaxNameKeys of them: the account claims no more); a batch of them
// is cut into transactions DynamoDB takes (it failed for ever with 40 of
// them a transaction: 121 writes).
func TestBatchWithinTransactionLimit(t *testing.T) {
	w := newWorld(t)
	w.book = bookOn(w, txRules{w.tb})
	ctx := context.Background()
	var cs []table.Change
	for i := range 70 {
		cs = append(cs, w.person(fmt.Sprintf("v%d", i), fmt.Sprintf("p%d@maker.example", i), map[string]string{"company": fmt.Sprintf("Maker Division %d", i)})...)
	}
	if _, err := scorefeed.HandleChanges(ctx, w.q, cs, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := w.book.HandleChanges(ctx, cs); err != nil {
		t.Fatalf("batch: %v", err)
	}
	as := w.accounts()
	if len(as) != 1 || len(as[0].Members) != 70 || len(as[0].Keys) != 1+account.MaxNameKeys {
		t.Fatalf("%d accounts, want one of 70 members and %d keys: %+v", len(as), 1+account.MaxNameKeys, as)
	}
}

// TestPersonInManyLanes: one person's browsers in several lanes at once,
// with others of their company: the lanes' people, written together, write
// the person once (DynamoDB refuses a transaction writing an item twice),
// with their latest activity.
func TestPersonInManyLanes(t *testing.T) {
	for range 3 {
		w := newWorld(t)
		w.book = bookOn(w, txRules{w.tb})
		ctx := context.Background()
		var lanes [][]table.Change
		var others, all []table.Change
		for i := range 30 {
			others = append(others, w.person(fmt.Sprintf("o%d", i), fmt.Sprintf("o%d@maker.example", i), map[string]string{"company": "Maker"})...)
		}
		first := w.clk.Now().Add(time.Minute)
		var last time.Time
		for i := range 8 {
			w.clk.Advance(time.Minute)
			last = w.clk.Now()
			lanes = append(lanes, w.person(fmt.Sprintf("pv%d", i), "p@maker.example", map[string]string{"company": "Maker", "title": "CTO"}))
		}
		lanes = append(lanes, others)
		for _, l := range lanes {
			all = append(all, l...)
		}
		if _, err := scorefeed.HandleChanges(ctx, w.q, all, nil); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for _, part := range lanes {
			wg.Go(func() {
				if _, err := w.book.HandleChanges(ctx, part); err != nil {
					t.Errorf("a lane: %v", err)
				}
			})
		}
		wg.Wait()
		as := w.accounts()
		if len(as) != 1 || len(as[0].Members) != 31 {
			t.Fatalf("%d accounts, want one of 31 members: %+v", len(as), as)
		}
		for _, m := range as[0].Members {
			// A later page view the same day need not rewrite the account
			// (as Refresh), but one of theirs is kept.
			if m.Email == "p@maker.example" && (m.LastActive.Before(first) || m.LastActive.After(last)) {
				t.Fatalf("last active %v, their page views were from %v to %v", m.LastActive, first, last)
			}
		}
	}
}

// movedMeanwhile is a table on which another lane moves person before the
// first transaction: their company becomes company and their own Refresh
// moves them there.
func movedMeanwhile(t *testing.T, w *world, person, company string) *hooked {
	ctx := context.Background()
	h := &hooked{Table: w.tb}
	h.before = func() {
		if _, _, err := w.dir.Update(ctx, person, map[string]string{"company": company}, nil); err != nil {
			t.Error(err)
		}
		if err := w.book.Refresh(ctx, person, w.clk.Now()); err != nil {
			t.Error(err)
		}
	}
	return h
}

// accountOf is the name of each member's account, by email.
func accountOf(w *world) map[string]string {
	in := map[string]string{}
	for _, a := range w.accounts() {
		for _, m := range a.Members {
			in[m.Email] = a.Name
		}
	}
	return in
}

// hooked runs before ahead of its first transaction.
type hooked struct {
	table.Table
	mu     sync.Mutex
	before func()
}

func (h *hooked) Transact(ctx context.Context, ws []table.Write) error {
	h.mu.Lock()
	f := h.before
	h.before = nil
	h.mu.Unlock()
	if f != nil {
		f()
	}
	return h.Table.Transact(ctx, ws)
}

// TestSplitDuringBatchKept: an operator splits a person off while a batch
// naming them is being written: the batch's retry, after the account
// changed under it, leaves them where the operator placed them (it wrote
// the membership it had read before the split, taking them back).
func TestSplitDuringBatchKept(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	var cs []table.Change
	for i := range 3 {
		cs = append(cs, w.person(fmt.Sprintf("v%d", i), fmt.Sprintf("p%d@maker.example", i), map[string]string{"company": "Maker"})...)
	}
	w.handle(cs)
	as := w.accounts()
	if len(as) != 1 {
		t.Fatalf("%d accounts", len(as))
	}
	x := as[0]
	p0, err := w.dir.ByEmail(ctx, "p0@maker.example")
	if err != nil {
		t.Fatal(err)
	}
	w.clk.Advance(26 * time.Hour)
	cs = w.person("v0b", "p0@maker.example", map[string]string{"company": "Maker"})
	if _, err := scorefeed.HandleChanges(ctx, w.q, cs, nil); err != nil {
		t.Fatal(err)
	}
	h := &hooked{Table: w.tb}
	var split account.Account
	h.before = func() {
		if split, err = w.book.Split(ctx, x.ID, []string{p0.ID}, "Ops"); err != nil {
			t.Error(err)
		}
	}
	if _, err := bookOn(w, h).HandleChanges(ctx, cs); err != nil {
		t.Fatal(err)
	}
	if split.ID == "" {
		t.Fatal("no split")
	}
	for _, a := range w.accounts() {
		for _, m := range a.Members {
			if m.Person == p0.ID && (a.ID != split.ID || !m.Placed) {
				t.Fatalf("p0 in %s (placed %v), split into %s", a.ID, m.Placed, split.ID)
			}
		}
	}
	got, err := w.book.Get(ctx, split.ID)
	if err != nil || len(got.Members) != 1 || got.Members[0].Person != p0.ID || !got.Members[0].LastActive.Equal(w.clk.Now()) {
		t.Fatalf("split account %+v (%v): want p0, active now", got, err)
	}
}

// panicky panics on its first transaction.
type panicky struct {
	table.Table
	once sync.Once
}

func (p *panicky) Transact(ctx context.Context, ws []table.Write) error {
	p.once.Do(func() { panic("store broke") })
	return p.Table.Transact(ctx, ws)
}

// TestWriterPanicFreesAccount: a lane writing an account panics; the next
// lane then writes it (it waited for ever on a writer gone).
func TestWriterPanicFreesAccount(t *testing.T) {
	w := newWorld(t)
	w.book = bookOn(w, &panicky{Table: w.tb})
	ctx := context.Background()
	cs := w.person("v0", "p0@maker.example", map[string]string{"company": "Maker"})
	if _, err := scorefeed.HandleChanges(ctx, w.q, cs, nil); err != nil {
		t.Fatal(err)
	}
	func() {
		defer func() {
			if r := recover(); r == nil {
				t.Fatal("the writer did not panic")
			}
		}()
		_, _ = w.book.HandleChanges(ctx, cs)
	}()
	if _, err := w.book.HandleChanges(ctx, cs); err != nil {
		t.Fatal(err)
	}
	if as := w.accounts(); len(as) != 1 || len(as[0].Members) != 1 {
		t.Fatalf("accounts %+v", as)
	}
}

// flakyKeys fails once: the second read of a grouping key (the batch's
// planning reads it once, its write again).
type flakyKeys struct {
	table.Table
	mu     sync.Mutex
	reads  map[string]int
	failed bool
}

var errFlaky = errors.New("store unavailable")

func (f *flakyKeys) Get(ctx context.Context, pk, sk string) (table.Item, error) {
	if strings.HasPrefix(pk, "ACCTKEY#") {
		f.mu.Lock()
		f.reads[pk]++
		fail := f.reads[pk] == 2 && !f.failed
		f.failed = f.failed || fail
		f.mu.Unlock()
		if fail {
			return table.Item{}, errFlaky
		}
	}
	return f.Table.Get(ctx, pk, sk)
}

// TestBatchStoreErrorReported: a store error while writing a batch's
// account fails the batch (it comes again), not taken for a plan that no
// longer holds and redone person by person.
func TestBatchStoreErrorReported(t *testing.T) {
	w := newWorld(t)
	w.book = bookOn(w, &flakyKeys{Table: w.tb, reads: map[string]int{}})
	ctx := context.Background()
	cs := w.person("v0", "p0@maker.example", map[string]string{"company": "Maker"})
	if _, err := scorefeed.HandleChanges(ctx, w.q, cs, nil); err != nil {
		t.Fatal(err)
	}
	if n, err := w.book.HandleChanges(ctx, cs); !errors.Is(err, errFlaky) || n != 0 {
		t.Fatalf("handled %d: %v, want the store's error", n, err)
	}
}
