package core_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/app/core"
	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/config"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/scorefeed"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/bolttable"
	"github.com/baton-hq/baton/internal/testutil/repo"
)

// failingGet fails reads of one key, as a throttled or broken item would.
type failingGet struct {
	table.Table
	pk, sk string
}

var errBroken = errors.New("injected: this item cannot be read")

func (f *failingGet) Get(ctx context.Context, pk, sk string) (table.Item, error) {
	if pk == f.pk && sk == f.sk {
		return table.Item{}, errBroken
	}
	return f.Table.Get(ctx, pk, sk)
}

// TestChangesNamesTheRecordTheAccountStepFailedOn: the account step
// failing on the second person's change of three reported the batch undone
// from cs[0], so Lambda's partial-batch response named the first record,
// bisecting never isolated the bad one, and the whole batch ended in the
// score-failures queue. It now names the change that failed.
func TestChangesNamesTheRecordTheAccountStepFailedOn(t *testing.T) {
	ctx := context.Background()
	clk := clock.NewManual(time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC))
	env := map[string]string{"BATON_DATA": t.TempDir(), "BATON_RULES": filepath.Join(repo.Root(t), "infra", "rules.yaml")}
	cfg, err := config.FromEnv(func(k string) string { return env[k] }, config.Local)
	if err != nil {
		t.Fatal(err)
	}
	bt, err := bolttable.Open(filepath.Join(t.TempDir(), "b.db"), bolttable.WithClock(clk.Now))
	if err != nil {
		t.Fatal(err)
	}
	ft := &failingGet{Table: bt}
	c, err := core.New(cfg, ft, slog.New(slog.NewTextHandler(io.Discard, nil)), clk.Now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	var cs []table.Change
	var people []string
	for i := range 3 {
		p, _, err := c.Stitcher.Identify(ctx, identity.Identification{Visitor: fmt.Sprintf("v%d", i), Email: fmt.Sprintf("p%d@client.example", i),
			Fields: map[string]string{"company": "Client KK"}, At: clk.Now(), Strength: identity.Strong, Source: "form"})
		if err != nil {
			t.Fatal(err)
		}
		people = append(people, p.ID)
		// A stage moved without an event: the account step refreshes them.
		cs = append(cs, table.Change{Op: table.OpInsert, Seq: fmt.Sprint(100 + i),
			Item: table.Item{PK: identity.PersonPK(p.ID), SK: "H#test", Kind: qualify.KindStage, Data: []byte(`{}`)}})
	}
	ft.pk, ft.sk = identity.PersonPK(people[1]), "ACCTOF" // the second person's membership
	done, err := c.Changes(nil)(ctx, cs)
	if !errors.Is(err, errBroken) || done != 1 {
		t.Fatalf("changes: done %d, %v; want 1 (the second change failed, the first done) and the injected error", done, err)
	}
	ft.pk = ""
	if done, err := c.Changes(nil)(ctx, cs[done:]); err != nil || done != 2 {
		t.Fatalf("retried from the failing change: done %d, %v; want all 2", done, err)
	}
}

// TestChangesUntilStartsNothingWhenLate: the score function near its
// deadline asks, before each change after the first, whether it is late;
// once it is, nothing more starts and the first change not started is
// returned with scorefeed.ErrLate (the caller hands it and the rest back).
// The first always starts, so a batch progresses however late it begins.
func TestChangesUntilStartsNothingWhenLate(t *testing.T) {
	ctx := context.Background()
	clk := clock.NewManual(time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC))
	env := map[string]string{"BATON_DATA": t.TempDir(), "BATON_RULES": filepath.Join(repo.Root(t), "infra", "rules.yaml")}
	cfg, err := config.FromEnv(func(k string) string { return env[k] }, config.Local)
	if err != nil {
		t.Fatal(err)
	}
	bt, err := bolttable.Open(filepath.Join(t.TempDir(), "b.db"), bolttable.WithClock(clk.Now))
	if err != nil {
		t.Fatal(err)
	}
	c, err := core.New(cfg, bt, slog.New(slog.NewTextHandler(io.Discard, nil)), clk.Now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	var cs []table.Change
	for i := range 3 {
		p, _, err := c.Stitcher.Identify(ctx, identity.Identification{Visitor: fmt.Sprintf("v%d", i), Email: fmt.Sprintf("p%d@client.example", i),
			Fields: map[string]string{"company": "Client KK"}, At: clk.Now(), Strength: identity.Strong, Source: "form"})
		if err != nil {
			t.Fatal(err)
		}
		cs = append(cs, table.Change{Op: table.OpInsert, Seq: fmt.Sprint(100 + i),
			Item: table.Item{PK: identity.PersonPK(p.ID), SK: "H#test", Kind: qualify.KindStage, Data: []byte(`{}`)}})
	}
	asked := 0
	late := func() bool { asked++; return asked >= 2 } // on time for the second change, late for the third
	done, err := c.ChangesUntil(nil)(ctx, cs, late)
	if !errors.Is(err, scorefeed.ErrLate) || done != 2 || asked != 2 {
		t.Fatalf("done %d, %v, late asked %d times; want 2 done, ErrLate, asked before the second and the third", done, err, asked)
	}
	if done, err := c.ChangesUntil(nil)(ctx, cs, func() bool { return true }); !errors.Is(err, scorefeed.ErrLate) || done != 1 {
		t.Fatalf("late from the start: done %d, %v; want the first change done all the same", done, err)
	}
	if done, err := c.ChangesUntil(nil)(ctx, cs[1:], nil); err != nil || done != 2 {
		t.Fatalf("with time enough: done %d, %v", done, err)
	}
}
