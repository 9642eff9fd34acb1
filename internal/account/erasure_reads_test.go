package account_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/baton-hq/baton/internal/account"
	"github.com/baton-hq/baton/internal/rulebook"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/testutil/repo"
)

// listReads counts the reads of the accounts' list (its one partition,
// every account).
type listReads struct {
	table.Table
	n int
}

func (l *listReads) Query(ctx context.Context, q table.Query) ([]table.Item, error) {
	if q.PK == "ACCTS" {
		l.n++
	}
	return l.Table.Query(ctx, q)
}

// TestErasureReadsTheAccountsOnce: an erasure of a person with a browser
// among an account's visits and an MQA naming them, the SFA told
// (Rewrite), read the whole list of accounts three times: for the visits,
// for the MQAs to rewrite at the SFA and for the MQAs to cut. It reads it
// once, and still does all three; a disclosure once too.
func TestErasureReadsTheAccountsOnce(t *testing.T) {
	w, ceo, _, _ := disclosed(t)
	rules, err := rulebook.Load(filepath.Join(repo.Root(t), "infra", "rules.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	lr := &listReads{Table: w.tb}
	b := account.NewBook(lr, w.dir, w.log, w.q, rules, w.q.Engine, w.clk.Now)
	var told []account.MQA
	b.Rewrite = func(_ context.Context, m account.MQA) error {
		told = append(told, m)
		return nil
	}
	if d, err := b.Disclose(context.Background(), ceo); err != nil || len(d["mqa"]) != 1 {
		t.Fatalf("disclose: %v %v", d, err)
	}
	if lr.n != 1 {
		t.Errorf("a disclosure read the accounts' list %d times, want once", lr.n)
	}
	lr.n = 0
	removed, err := b.Forget(context.Background(), ceo)
	if err != nil {
		t.Fatal(err)
	}
	if lr.n != 1 {
		t.Errorf("an erasure read the accounts' list %d times, want once", lr.n)
	}
	if len(told) != 1 || removed["mqa"] != 1 || removed["accountvisit"] != 2 || removed["account"] != 1 {
		t.Errorf("told the SFA %d MQAs, removed %v: want one MQA rewritten and cut, the visit and the entry gone", len(told), removed)
	}
	for _, a := range w.accounts() {
		for _, m := range a.Members {
			if m.Email == "ceo@maker.example" {
				t.Errorf("the person is still in %s", a.ID)
			}
		}
	}
	ms, err := w.book.MQAs(context.Background(), w.accounts()[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		for _, p := range m.People {
			if p.Email == "ceo@maker.example" {
				t.Errorf("MQA %s still names the person", m.ID)
			}
		}
	}
}
