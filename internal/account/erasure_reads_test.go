package account_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/baton-hq/baton/internal/account"
	"github.com/baton-hq/baton/internal/privacy"
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

// mqaAfterRead raises, once the accounts' list was read, an MQA naming
// every member of the account (its first), as a batch racing the erasure
// would have: the account's item listed no MQA when it was read.
type mqaAfterRead struct {
	table.Table
	raise func()
}

func (m *mqaAfterRead) Query(ctx context.Context, q table.Query) ([]table.Item, error) {
	items, err := m.Table.Query(ctx, q)
	if q.PK == "ACCTS" && m.raise != nil {
		raise := m.raise
		m.raise = nil
		raise()
	}
	return items, err
}

// TestErasureCutsAnMQARaisedAfterItsRead: the erasure reads the accounts'
// list once; an MQA the person's account raised after that read (its item
// then listed none, so the list does not say to ask it) still has the
// person cut from it: their own account is asked as read after they left.
func TestErasureCutsAnMQARaisedAfterItsRead(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	w.handle(w.person("v1", "leaving@quiet.example", map[string]string{"company": "Quiet"}))
	w.handle(w.person("v2", "staying@quiet.example", map[string]string{"company": "Quiet"}))
	as := w.accounts()
	if len(as) != 1 || len(as[0].Members) != 2 || len(as[0].MQAs) != 0 {
		t.Fatalf("accounts %+v: want one of two people, no MQA", as)
	}
	a := as[0]
	rules, err := rulebook.Load(filepath.Join(repo.Root(t), "infra", "rules.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	racing := &mqaAfterRead{Table: w.tb}
	racing.raise = func() {
		m := account.MQA{ID: a.ID + "-q1", Account: a.ID, N: 1, At: w.clk.Now(), Condition: "raced", People: a.Members}
		it, err := m.Item()
		if err != nil {
			t.Fatal(err)
		}
		raw, err := w.tb.Get(ctx, "ACCTS", a.ID)
		if err != nil {
			t.Fatal(err)
		}
		var acct map[string]any
		if err := json.Unmarshal(raw.Data, &acct); err != nil {
			t.Fatal(err)
		}
		acct["mqas"] = []string{m.ID}
		raw.Data, _ = json.Marshal(acct)
		if err := w.tb.Transact(ctx, []table.Write{table.Put(it, table.NotExists), table.Put(raw, table.Always)}); err != nil {
			t.Fatal(err)
		}
	}
	b := account.NewBook(racing, w.dir, w.log, w.q, rules, w.q.Engine, w.clk.Now)
	p, err := w.dir.ByEmail(ctx, "leaving@quiet.example")
	if err != nil {
		t.Fatal(err)
	}
	removed, err := b.Forget(ctx, privacy.Subject{Person: p.ID, Email: p.Email, Visitors: []string{"v1"}})
	if err != nil {
		t.Fatal(err)
	}
	ms, err := w.book.MQAs(ctx, a.ID)
	if err != nil || len(ms) != 1 {
		t.Fatalf("MQAs %+v %v", ms, err)
	}
	if len(ms[0].People) != 1 || ms[0].People[0].Email != "staying@quiet.example" || removed["mqa"] != 1 {
		t.Errorf("the MQA raised after the read names %+v (removed %v): want the erased person cut", ms[0].People, removed)
	}
}
