package account_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/dynamotable"
	"github.com/baton-hq/baton/internal/testutil/moto"
)

// onBothStores runs f on the embedded store and on DynamoDB (moto): each
// world it makes is a new store of that kind.
func onBothStores(t *testing.T, f func(t *testing.T, newWorld func() *world)) {
	t.Run("bolt", func(t *testing.T) { f(t, func() *world { return newWorld(t) }) })
	t.Run("dynamo", func(t *testing.T) {
		f(t, func() *world {
			clk := clock.NewManual(t0)
			return newWorldOn(t, moto.NewTable(t, dynamotable.WithClock(clk.Now)), clk)
		})
	})
}

// sameNameIDs are the ids SameNameDomains gives for the account id.
func (w *world) sameNameIDs(id string) []string {
	w.t.Helper()
	a, err := w.book.Get(context.Background(), id)
	if err != nil {
		w.t.Fatal(err)
	}
	os, err := w.book.SameNameDomains(context.Background(), a)
	if err != nil {
		w.t.Fatal(err)
	}
	var ids []string
	for _, o := range os {
		ids = append(ids, o.ID)
	}
	slices.Sort(ids)
	return ids
}

func (w *world) emails(id string) []string {
	w.t.Helper()
	a, err := w.book.Get(context.Background(), id)
	if err != nil {
		w.t.Fatal(err)
	}
	var es []string
	for _, m := range a.Members {
		es = append(es, m.Email)
	}
	slices.Sort(es)
	return es
}

// TestNamesOnlyAccountTakesNoStrangerDomain: an account of names alone (its
// people free mail, who typed 株式会社アクメ) took the first corporate domain
// that came with its name: a form from x@evil.example.jp with company
// 株式会社アクメ joined it, raised its MQA with the free-mail 部長 (sent to
// sales), and claimed d:evil.example.jp for it, so that the real
// acme.co.jp people giving アクメ were strangers to it and founded a second
// account while the impostor's domain owned the name's. Now the impostor
// founds the account of their own domain, as do the acme.co.jp people, and
// the names-only account's page names both (their domains tell them
// apart), to merge into the right one by hand.
func TestNamesOnlyAccountTakesNoStrangerDomain(t *testing.T) {
	onBothStores(t, func(t *testing.T, newWorld func() *world) {
		for _, oneBatch := range []bool{false, true} {
			w := newWorld()
			ctx := context.Background()
			taro := w.person("v1", "taro@gmail.com", map[string]string{"company": "株式会社アクメ", "title": "部長"})
			evil := w.person("v2", "x@evil.example.jp", map[string]string{"company": "株式会社アクメ", "title": "代表取締役"})
			if oneBatch {
				w.handle(append(taro, evil...))
			} else {
				w.handle(taro)
				w.handle(evil)
			}
			names := w.keyOwner("n:アクメ")
			ev := w.keyOwner("d:evil.example.jp")
			if names == "" || ev == "" || ev == names {
				t.Fatalf("batch %v: n:アクメ owned by %q, d:evil.example.jp by %q: the impostor's domain claimed for the name's account", oneBatch, names, ev)
			}
			if got := w.emails(names); !slices.Equal(got, []string{"taro@gmail.com"}) {
				t.Fatalf("batch %v: the name's account has %v", oneBatch, got)
			}
			if len(w.sent) != 0 {
				t.Fatalf("batch %v: the impostor raised the name's MQA: %+v", oneBatch, w.sent)
			}
			// The real company comes: its own account, not the impostor's.
			w.handle(w.person("v3", "ceo@acme.co.jp", map[string]string{"company": "アクメ株式会社", "title": "代表取締役"}))
			w.handle(w.person("v4", "dev@acme.co.jp", map[string]string{"company": "株式会社アクメ", "title": "エンジニア"}))
			acme := w.keyOwner("d:acme.co.jp")
			if acme == "" || acme == ev || acme == names || w.keyOwner("n:アクメ") != names {
				t.Fatalf("batch %v: d:acme.co.jp owned by %q (impostor %s, names %s)", oneBatch, acme, ev, names)
			}
			if got := w.emails(acme); !slices.Equal(got, []string{"ceo@acme.co.jp", "dev@acme.co.jp"}) {
				t.Fatalf("batch %v: Acme has %v", oneBatch, got)
			}
			if len(w.sent) != 1 || w.sent[0].Account != acme {
				t.Fatalf("batch %v: MQAs %+v, want Acme's alone", oneBatch, w.sent)
			}
			// The names-only account names both, for the operator to choose.
			want := []string{acme, ev}
			slices.Sort(want)
			if got := w.sameNameIDs(names); !slices.Equal(got, want) {
				t.Fatalf("batch %v: SameNameDomains = %v, want %v", oneBatch, got, want)
			}
			for _, id := range []string{acme, ev} {
				a, err := w.book.Get(ctx, id)
				if err != nil {
					t.Fatal(err)
				}
				if same, err := w.book.SameName(ctx, a); err != nil || same != names {
					t.Fatalf("batch %v: SameName(%s) = %q, %v; want %s", oneBatch, id, same, err, names)
				}
				if got := w.sameNameIDs(id); len(got) != 0 {
					t.Fatalf("batch %v: the domain account %s names %v", oneBatch, id, got)
				}
			}
			// Another impostor colleague joins the impostor's domain's account.
			w.handle(w.person("v5", "y@evil.example.jp", map[string]string{"company": "株式会社アクメ", "title": "部長"}))
			if got := w.emails(ev); len(got) != 2 {
				t.Fatalf("batch %v: the impostor's account has %v", oneBatch, got)
			}
			if got := w.emails(names); len(got) != 1 {
				t.Fatalf("batch %v: the name's account has %v", oneBatch, got)
			}
		}
	})
}

// TestNamesOnlyThenRealDomainMergePath: the honest sequence under the rule
// above: free-mail people giving 株式会社アクメ first, then acme.co.jp
// people. They are two accounts until an operator merges them (both pages
// name the other); the merge loses nobody, after it the name and the domain
// lead to one account, a later free-mail アクメ person joins it, an
// impostor's domain does not, and neither page asks for a merge again.
func TestNamesOnlyThenRealDomainMergePath(t *testing.T) {
	onBothStores(t, func(t *testing.T, newWorld func() *world) {
		w := newWorld()
		ctx := context.Background()
		w.handle(w.person("v1", "taro@gmail.com", map[string]string{"company": "株式会社アクメ", "title": "部長"}))
		w.handle(w.person("v2", "hanako@yahoo.co.jp", map[string]string{"company": "（株）アクメ", "title": "担当"}))
		w.handle(w.person("v3", "ceo@acme.co.jp", map[string]string{"company": "株式会社アクメ", "title": "代表取締役"}))
		names, acme := w.keyOwner("n:アクメ"), w.keyOwner("d:acme.co.jp")
		if names == "" || acme == "" || names == acme {
			t.Fatalf("n:アクメ owned by %q, d:acme.co.jp by %q", names, acme)
		}
		if got := w.sameNameIDs(names); !slices.Equal(got, []string{acme}) {
			t.Fatalf("the names-only account's SameNameDomains = %v, want Acme %s", got, acme)
		}
		a, err := w.book.Get(ctx, acme)
		if err != nil {
			t.Fatal(err)
		}
		if same, err := w.book.SameName(ctx, a); err != nil || same != names {
			t.Fatalf("Acme's SameName = %q, %v; want %s", same, err, names)
		}
		// The operator merges the names-only account into Acme's, as its
		// page suggests.
		m, err := w.book.Merge(ctx, acme, names)
		if err != nil {
			t.Fatal(err)
		}
		if len(m.Members) != 3 || w.keyOwner("n:アクメ") != acme || w.keyOwner("d:acme.co.jp") != acme {
			t.Fatalf("merged: %+v; n:アクメ %q", m.Members, w.keyOwner("n:アクメ"))
		}
		if got := w.sameNameIDs(acme); len(got) != 0 {
			t.Fatalf("merged account still names %v", got)
		}
		gone, err := w.book.Get(ctx, names)
		if err != nil {
			t.Fatal(err)
		}
		if same, err := w.book.SameName(ctx, gone); err != nil || same != "" {
			t.Fatalf("merged away: SameName %q, %v", same, err)
		}
		if got, err := w.book.SameNameDomains(ctx, gone); err != nil || len(got) != 0 {
			t.Fatalf("merged away: SameNameDomains %v, %v", got, err)
		}
		w.handle(w.person("v4", "jiro@gmail.com", map[string]string{"company": "アクメ", "title": "課長"}))
		w.handle(w.person("v5", "x@evil.example.jp", map[string]string{"company": "株式会社アクメ", "title": "代表取締役"}))
		if got := w.emails(acme); !slices.Equal(got, []string{"ceo@acme.co.jp", "hanako@yahoo.co.jp", "jiro@gmail.com", "taro@gmail.com"}) {
			t.Fatalf("after the merge Acme has %v", got)
		}
		if ev := w.keyOwner("d:evil.example.jp"); ev == "" || ev == acme {
			t.Fatalf("d:evil.example.jp owned by %q (Acme %s)", ev, acme)
		}
		var acc []string
		for _, a := range w.accounts() {
			acc = append(acc, a.Name)
		}
		if len(acc) != 2 {
			t.Fatalf("the list: %v, want Acme and the impostor's", acc)
		}
	})
}

// TestErasedImpostorLeavesNoSameNameMark: the mark a domain account's
// founding leaves beside a names-only account's name goes with the account
// when its last person is erased, and the names-only account names it no
// more.
func TestErasedImpostorLeavesNoSameNameMark(t *testing.T) {
	onBothStores(t, erasedImpostorLeavesNoSameNameMark)
}

func erasedImpostorLeavesNoSameNameMark(t *testing.T, newWorld func() *world) {
	w := newWorld()
	ctx := context.Background()
	w.handle(w.person("v1", "taro@gmail.com", map[string]string{"company": "株式会社アクメ"}))
	w.handle(w.person("v2", "x@evil.example.jp", map[string]string{"company": "株式会社アクメ"}))
	names, ev := w.keyOwner("n:アクメ"), w.keyOwner("d:evil.example.jp")
	if got := w.sameNameIDs(names); !slices.Equal(got, []string{ev}) {
		t.Fatalf("SameNameDomains = %v, want %s", got, ev)
	}
	p, err := w.dir.ByEmail(ctx, "x@evil.example.jp")
	if err != nil {
		t.Fatal(err)
	}
	discloseThenForget(t, w, privacy.Subject{Person: p.ID, Email: p.Email})
	if _, err := w.tb.Get(ctx, "ACCTKEY#n:アクメ", "ALSO#"+ev); !errors.Is(err, table.ErrNotFound) {
		t.Fatalf("the mark is left: %v", err)
	}
	if got := w.sameNameIDs(names); len(got) != 0 {
		t.Fatalf("SameNameDomains = %v after the erasure", got)
	}
}
