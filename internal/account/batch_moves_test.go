package account_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/account"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/scorefeed"
	"github.com/baton-hq/baton/internal/table"
)

// TestMovesInABatchAsOneByOne: a batch in which people leave an account
// for another (their company changed; two from one account), join it, are
// placed by an operator, and lose their last
// grouping key, leaves the accounts as refreshing each alone in turn does;
// within DynamoDB's transaction rules (no item written twice).
func TestMovesInABatchAsOneByOne(t *testing.T) {
	ctx := context.Background()
	type step struct {
		vid, email string
		attrs      map[string]string
	}
	before := []step{
		{"a1", "a1@gmail.com", map[string]string{"company": "Alpha", "title": "CTO"}},
		{"a2", "a2@gmail.com", map[string]string{"company": "Alpha", "title": "Engineer"}},
		{"a3", "a3@gmail.com", map[string]string{"company": "Alpha", "title": "Manager"}},
		{"a4", "a4@gmail.com", map[string]string{"company": "Alpha"}},
		{"a5", "a5@gmail.com", map[string]string{"company": "Alpha"}},
		{"b1", "b1@gmail.com", map[string]string{"company": "Beta"}},
	}
	batch := []step{
		{"a1b", "a1@gmail.com", map[string]string{"company": "Beta", "title": "CTO"}},       // moves
		{"b2", "b2@gmail.com", map[string]string{"company": "Beta", "title": "部長"}},         // joins
		{"a2b", "a2@gmail.com", map[string]string{"company": "Beta", "title": "Engineer"}},  // moves, from the same account
		{"a3b", "a3@gmail.com", map[string]string{"company": "Beta", "title": "Manager"}},   // placed: stays
		{"a4b", "a4@gmail.com", map[string]string{"company": "---"}},                        // no key left: in none
		{"b3", "b3@gmail.com", map[string]string{"company": "Gamma"}},                       // founds
		{"a5b", "a5@gmail.com", map[string]string{"company": "Alpha", "title": "Director"}}, // stays
	}
	run := func(alone bool) []account.Account {
		w := newWorld(t)
		w.book = bookOn(w, txRules{w.tb})
		for _, s := range before {
			w.handle(w.person(s.vid, s.email, s.attrs))
			w.clk.Advance(time.Minute)
		}
		as := w.accounts()
		var alpha string
		for _, a := range as {
			if a.Name == "Alpha" {
				alpha = a.ID
			}
		}
		a3, err := w.dir.ByEmail(ctx, "a3@gmail.com")
		if err != nil || alpha == "" {
			t.Fatalf("%v %+v", err, as)
		}
		if _, err := w.book.Split(ctx, alpha, []string{a3.ID}, "Alpha Osaka"); err != nil {
			t.Fatal(err)
		}
		w.clk.Advance(26 * time.Hour)
		var cs []table.Change
		var order []string
		at := map[string]time.Time{}
		for _, s := range batch {
			cs = append(cs, w.person(s.vid, s.email, s.attrs)...)
			p, err := w.dir.ByEmail(ctx, s.email)
			if err != nil {
				t.Fatal(err)
			}
			order, at[p.ID] = append(order, p.ID), w.clk.Now()
			w.clk.Advance(time.Minute)
		}
		if _, err := scorefeed.HandleChanges(ctx, w.q, cs, nil); err != nil {
			t.Fatal(err)
		}
		if alone {
			for _, p := range order {
				if err := w.book.Refresh(ctx, p, at[p]); err != nil {
					t.Fatal(err)
				}
			}
		} else if n, err := w.book.HandleChanges(ctx, cs); err != nil || n != len(cs) {
			t.Fatalf("batch: %d of %d, %v", n, len(cs), err)
		}
		return w.accounts()
	}
	want, got := run(true), run(false)
	describe := func(as []account.Account) map[string]string {
		out := map[string]string{}
		for _, a := range as {
			var ms []string
			for _, m := range a.Members {
				ms = append(ms, fmt.Sprintf("%s %s placed=%v behaviour=%g last=%s", m.Email, m.Role, m.Placed, m.Behaviour, m.LastActive.Format(time.RFC3339)))
			}
			slices.Sort(ms)
			out[a.Name] = fmt.Sprintf("keys %v roles %v score %g mqas %d members %q", sorted(a.Keys), a.Roles, a.Score, len(a.MQAs), ms)
		}
		return out
	}
	w, g := describe(want), describe(got)
	if len(w) != 4 || len(g) != len(w) { // Alpha, Alpha Osaka, Beta, Gamma
		t.Fatalf("accounts: in a batch\n%v\none by one\n%v", g, w)
	}
	if !maps.Equal(g, w) {
		for name := range w {
			if g[name] != w[name] {
				t.Errorf("%s: in a batch\n%s\none by one\n%s", name, g[name], w[name])
			}
		}
	}
	members := map[string][]string{}
	for _, a := range got {
		for _, m := range a.Members {
			members[a.Name] = append(members[a.Name], m.Email)
		}
		slices.Sort(members[a.Name])
	}
	for name, emails := range map[string][]string{"Alpha": {"a5@gmail.com"}, "Alpha Osaka": {"a3@gmail.com"},
		"Beta": {"a1@gmail.com", "a2@gmail.com", "b1@gmail.com", "b2@gmail.com"}, "Gamma": {"b3@gmail.com"}} {
		if !slices.Equal(members[name], emails) {
			t.Errorf("%s: members %v, want %v", name, members[name], emails)
		}
	}
}

// TestSplitDuringRefreshKept is TestSplitDuringBatchKept for one person's
// Refresh (a batch of one): its retry leaves them where the operator
// placed them, with the activity it brought.
func TestSplitDuringRefreshKept(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	for i := range 3 {
		w.handle(w.person(fmt.Sprintf("v%d", i), fmt.Sprintf("p%d@maker.example", i), map[string]string{"company": "Maker"}))
	}
	as := w.accounts()
	p0, err := w.dir.ByEmail(ctx, "p0@maker.example")
	if err != nil || len(as) != 1 {
		t.Fatalf("%v %+v", err, as)
	}
	w.clk.Advance(26 * time.Hour)
	h := &hooked{Table: w.tb}
	var split account.Account
	h.before = func() {
		if split, err = w.book.Split(ctx, as[0].ID, []string{p0.ID}, "Ops"); err != nil {
			t.Error(err)
		}
	}
	if err := bookOn(w, h).Refresh(ctx, p0.ID, w.clk.Now()); err != nil {
		t.Fatal(err)
	}
	got, err := w.book.Get(ctx, split.ID)
	if err != nil || len(got.Members) != 1 || got.Members[0].Person != p0.ID || !got.Members[0].Placed || !got.Members[0].LastActive.Equal(w.clk.Now()) {
		t.Fatalf("split account %+v (%v): want p0, placed, active now", got, err)
	}
	if x, err := w.book.Get(ctx, as[0].ID); err != nil || len(x.Members) != 2 {
		t.Fatalf("the account split from: %+v (%v)", x, err)
	}
}

// failures counts the transactions refused on a condition.
type failures struct {
	table.Table
	n   int
	pks []string // the partitions the failed transactions wrote
}

func (f *failures) Transact(ctx context.Context, ws []table.Write) error {
	err := f.Table.Transact(ctx, ws)
	if errors.Is(err, table.ErrConditionFailed) {
		f.n++
		for _, w := range ws {
			f.pks = append(f.pks, w.Item.PK)
		}
	}
	return err
}

// TestMoverLeavesOthersUnfailed: another lane writes the account a mover
// of the batch leaves, while the batch writes: the batch's other people of
// the mover's new account are written at the first attempt (a chunk with
// the mover wrote the account they leave, and failed whole).
func TestMoverLeavesOthersUnfailed(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	for _, s := range [][2]string{{"b1", "Beta"}, {"b2", "Beta"}, {"b3", "Beta"}, {"p", "Alpha"}, {"a1", "Alpha"}} {
		w.handle(w.person(s[0]+"v", s[0]+"@gmail.com", map[string]string{"company": s[1]}))
	}
	w.clk.Advance(26 * time.Hour)
	var cs []table.Change
	for _, s := range [][2]string{{"b1", "Beta"}, {"b2", "Beta"}, {"p", "Beta"}, {"b3", "Beta"}} {
		cs = append(cs, w.person(s[0]+"w", s[0]+"@gmail.com", map[string]string{"company": s[1]})...)
	}
	if _, err := scorefeed.HandleChanges(ctx, w.q, cs, nil); err != nil {
		t.Fatal(err)
	}
	a1, err := w.dir.ByEmail(ctx, "a1@gmail.com")
	if err != nil {
		t.Fatal(err)
	}
	h := &hooked{Table: w.tb}
	h.before = func() { // a1's activity of today rewrites Alpha
		if err := w.book.Refresh(ctx, a1.ID, w.clk.Now()); err != nil {
			t.Error(err)
		}
	}
	f := &failures{Table: h}
	if n, err := bookOn(w, f).HandleChanges(ctx, cs); err != nil || n != len(cs) {
		t.Fatalf("handled %d of %d: %v", n, len(cs), err)
	}
	in := accountOf(w)
	if want := map[string]string{"a1@gmail.com": "Alpha", "b1@gmail.com": "Beta", "b2@gmail.com": "Beta", "b3@gmail.com": "Beta", "p@gmail.com": "Beta"}; !maps.Equal(in, want) {
		t.Fatalf("members %v, want %v", in, want)
	}
	if f.n != 0 {
		t.Fatalf("%d transactions failed, want none", f.n)
	}
}

// TestMoverFirstWrittenAlone: a mover first in their new account's chunk is
// written alone with the account they leave, so when another lane rewrote
// that account meanwhile, only the mover's transaction fails: the people of
// the new account after them are not in it.
func TestMoverFirstWrittenAlone(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	for _, s := range [][2]string{{"b1", "Beta"}, {"b2", "Beta"}, {"p", "Alpha"}, {"a1", "Alpha"}} {
		w.handle(w.person(s[0]+"v", s[0]+"@gmail.com", map[string]string{"company": s[1]}))
	}
	w.clk.Advance(26 * time.Hour)
	var cs []table.Change
	for _, s := range [][2]string{{"p", "Beta"}, {"b1", "Beta"}, {"b2", "Beta"}} {
		cs = append(cs, w.person(s[0]+"w", s[0]+"@gmail.com", map[string]string{"company": s[1]})...)
	}
	if _, err := scorefeed.HandleChanges(ctx, w.q, cs, nil); err != nil {
		t.Fatal(err)
	}
	people := map[string]string{}
	for _, e := range []string{"a1@gmail.com", "b1@gmail.com", "b2@gmail.com"} {
		p, err := w.dir.ByEmail(ctx, e)
		if err != nil {
			t.Fatal(err)
		}
		people[e] = p.ID
	}
	h := &hooked{Table: w.tb}
	h.before = func() { // a1's activity of today rewrites Alpha
		if err := w.book.Refresh(ctx, people["a1@gmail.com"], w.clk.Now()); err != nil {
			t.Error(err)
		}
	}
	f := &failures{Table: h}
	if n, err := bookOn(w, f).HandleChanges(ctx, cs); err != nil || n != len(cs) {
		t.Fatalf("handled %d of %d: %v", n, len(cs), err)
	}
	if want := map[string]string{"a1@gmail.com": "Alpha", "b1@gmail.com": "Beta", "b2@gmail.com": "Beta", "p@gmail.com": "Beta"}; !maps.Equal(accountOf(w), want) {
		t.Fatalf("members %v, want %v", accountOf(w), want)
	}
	if f.n != 1 {
		t.Fatalf("%d transactions failed, want the mover's alone", f.n)
	}
	for _, e := range []string{"b1@gmail.com", "b2@gmail.com"} {
		if slices.Contains(f.pks, identity.PersonPK(people[e])) {
			t.Errorf("%s was written in the mover's failed transaction", e)
		}
	}
}
