package account_test

import (
	"context"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/table"
)

// TestTitleChangeWithoutEvent: a known person's new title, written after
// their identification's event was scored (a repeat form, a backend's
// identify(userId, traits)), reaches their fit and their account's buying
// group through the person's change on the feed, not at their next event.
func TestTitleChangeWithoutEvent(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	w.handle(w.person("v1", "dev@maker.example", map[string]string{"company": "株式会社メーカー", "title": "エンジニア"}))
	p, err := w.dir.ByEmail(ctx, "dev@maker.example")
	if err != nil {
		t.Fatal(err)
	}
	before, err := w.q.Record(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if as := w.accounts(); len(as) != 1 || len(as[0].Members) != 1 || as[0].Members[0].Role != "practitioner" {
		t.Fatalf("before: %+v", as)
	}
	w.clk.Advance(time.Hour)
	if _, _, err := w.dir.Update(ctx, p.ID, map[string]string{"title": "代表取締役"}, nil); err != nil {
		t.Fatal(err)
	}
	it, err := w.tb.Get(ctx, identity.PersonPK(p.ID), "PERSON")
	if err != nil {
		t.Fatal(err)
	}
	w.handle([]table.Change{{Op: table.OpModify, Item: it}})
	after, err := w.q.Record(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if after.Verdict.Fit <= before.Verdict.Fit {
		t.Errorf("fit %v after the title became 代表取締役, was %v", after.Verdict.Fit, before.Verdict.Fit)
	}
	as := w.accounts()
	if len(as) != 1 || len(as[0].Members) != 1 || as[0].Members[0].Role != "decision_maker" || as[0].Members[0].Title != "代表取締役" || as[0].Members[0].Fit != after.Verdict.Fit {
		t.Errorf("the account after the title change: %+v", as)
	}
	if !as[0].Members[0].LastActive.Before(w.clk.Now()) {
		t.Errorf("a title change counted as activity: %v", as[0].Members[0].LastActive)
	}
}
