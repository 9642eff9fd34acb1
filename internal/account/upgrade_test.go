package account

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/rulebook"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/bolttable"
	"github.com/baton-hq/baton/internal/testutil/repo"
)

// TestBranchAccountRegroupsOnRescore: an account founded before 名寄せ cut
// a branch written without a space (its key n:バトン東京支店) is not left
// behind by the upgrade: the rescore run after it moves its people to the
// company's account, and the emptied account leaves the list.
func TestBranchAccountRegroupsOnRescore(t *testing.T) {
	ctx := context.Background()
	clk := clock.NewManual(time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC))
	tb, err := bolttable.Open(filepath.Join(t.TempDir(), "b.db"), bolttable.WithClock(clk.Now))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tb.Close() })
	rules, err := rulebook.Load(filepath.Join(repo.Root(t), "infra", "rules.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	dir, log := &identity.Directory{T: tb, Now: clk.Now}, &eventlog.Log{T: tb}
	q := &qualify.Qualifier{T: tb, Dir: dir, Log: log, Engine: &rulebook.Engine{R: rules}, Now: clk.Now}
	b := NewBook(tb, dir, log, q, rules, q.Engine, clk.Now)
	person := func(email, company string) identity.Person {
		p, _, err := dir.Ensure(ctx, email, "form")
		if err == nil {
			_, _, err = dir.Update(ctx, p.ID, map[string]string{"company": company}, nil)
		}
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	hq := person("hq.person@gmail.com", "株式会社バトン")
	if err := b.Refresh(ctx, hq.ID, clk.Now()); err != nil {
		t.Fatal(err)
	}
	branch := person("branch.person@gmail.com", "株式会社バトン東京支店")
	old := Account{ID: idOf("n:バトン東京支店"), Keys: []string{"n:バトン東京支店"}}
	old.upsert(Member{Person: branch.ID, Email: branch.Email, LastActive: clk.Now()})
	if err := tb.Transact(ctx, []table.Write{old.put(), keyWrite("n:バトン東京支店", old.ID, table.NotExists),
		memberWrite(branch.ID, membership{Account: old.ID})}); err != nil {
		t.Fatal(err)
	}
	if as, err := b.List(ctx, ByScore, 0); err != nil || len(as) != 2 {
		t.Fatalf("before the rescore: %d accounts, %v", len(as), err)
	}
	clk.Advance(time.Hour)
	if err := b.Rescored(ctx, branch.ID); err != nil {
		t.Fatal(err)
	}
	as, err := b.List(ctx, ByScore, 0)
	if err != nil || len(as) != 1 || as[0].ID != idOf("n:バトン") || len(as[0].Members) != 2 {
		t.Fatalf("after the rescore: %+v, %v", as, err)
	}
	if m, _, err := b.membership(ctx, branch.ID); err != nil || m.Account != idOf("n:バトン") {
		t.Fatalf("the branch's person is in %q (%v)", m.Account, err)
	}
}
