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
