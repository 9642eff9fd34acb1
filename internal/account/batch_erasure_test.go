package account_test

import (
	"context"
	"slices"
	"testing"

	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/scorefeed"
	"github.com/baton-hq/baton/internal/table"
)

// TestErasedFounderLeavesKeysToTheRest: the first of a batch's two people
// of a new company founds its account and claims its keys, the second
// joins by those keys; the first is being erased. The second's account
// gets the keys, as refreshing each alone does (docs/accounts.md: keys
// nobody has yet are claimed): the batch wrote it keyless, as its plan took
// the keys for the erased person's.
func TestErasedFounderLeavesKeysToTheRest(t *testing.T) {
	ctx := context.Background()
	run := func(alone bool) []string {
		w := newWorld(t)
		cs := w.person("v1", "leaving@maker.example", map[string]string{"company": "Maker"})
		cs = append(cs, w.person("v2", "staying@maker.example", map[string]string{"company": "Maker"})...)
		if _, err := scorefeed.HandleChanges(ctx, w.q, cs, nil); err != nil {
			t.Fatal(err)
		}
		if err := w.tb.Put(ctx, table.Item{PK: privacy.TombstonePK("leaving@maker.example"), SK: "TOMB", Kind: privacy.KindTombstone}, table.Always); err != nil {
			t.Fatal(err)
		}
		if alone {
			for _, email := range []string{"leaving@maker.example", "staying@maker.example"} {
				p, err := w.dir.ByEmail(ctx, email)
				if err != nil {
					t.Fatal(err)
				}
				if err := w.book.Refresh(ctx, p.ID, w.clk.Now()); err != nil {
					t.Fatal(err)
				}
			}
		} else if n, err := w.book.HandleChanges(ctx, cs); err != nil || n != len(cs) {
			t.Fatalf("%d %v", n, err)
		}
		as := w.accounts()
		if len(as) != 1 || len(as[0].Members) != 1 || as[0].Members[0].Email != "staying@maker.example" {
			t.Fatalf("alone %v: accounts %+v", alone, as)
		}
		return sorted(as[0].Keys)
	}
	want := []string{"d:maker.example", "n:maker"}
	if got := run(true); !slices.Equal(got, want) {
		t.Fatalf("one by one: keys %v, want %v", got, want)
	}
	if got := run(false); !slices.Equal(got, want) {
		t.Fatalf("in a batch: keys %v, want %v (as one by one)", got, want)
	}
}

// erasedLate fails the first transactions as a concurrent write would (a
// version condition), then erases email just before the next: the chunk's
// last attempt ends with that person left out.
type erasedLate struct {
	table.Table
	fail  int
	email string
}

func (e *erasedLate) Transact(ctx context.Context, ws []table.Write) error {
	switch {
	case e.fail > 0:
		e.fail--
		return table.ErrConditionFailed
	case e.email != "":
		err := e.Table.Put(ctx, table.Item{PK: privacy.TombstonePK(e.email), SK: "TOMB", Kind: privacy.KindTombstone}, table.Always)
		e.email = ""
		if err != nil {
			return err
		}
	}
	return e.Table.Transact(ctx, ws)
}

// TestErasedOnLastAttemptSkipsNobody: a chunk's last attempt fails as the
// last of its three people is erased: the two others are written after
// (counted as taken from the chunk's front, the first was skipped).
func TestErasedOnLastAttemptSkipsNobody(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	w.book = bookOn(w, &erasedLate{Table: w.tb, fail: 9, email: "c@maker.example"})
	var cs []table.Change
	for _, who := range []string{"a", "b", "c"} {
		cs = append(cs, w.person(who+"v", who+"@maker.example", map[string]string{"company": "Maker"})...)
	}
	if _, err := scorefeed.HandleChanges(ctx, w.q, cs, nil); err != nil {
		t.Fatal(err)
	}
	if n, err := w.book.HandleChanges(ctx, cs); err != nil || n != len(cs) {
		t.Fatalf("handled %d of %d: %v", n, len(cs), err)
	}
	var got []string
	for _, a := range w.accounts() {
		for _, m := range a.Members {
			got = append(got, m.Email)
		}
	}
	slices.Sort(got)
	if want := []string{"a@maker.example", "b@maker.example"}; !slices.Equal(got, want) {
		t.Fatalf("members %v, want %v", got, want)
	}
}
