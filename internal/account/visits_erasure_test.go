package account_test

import (
	"context"
	"slices"
	"testing"

	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/dynamotable"
	"github.com/baton-hq/baton/internal/testutil/moto"
)

// erasureBeforeWrite runs erase once, just before the first write of an
// account: an erasure that read the accounts while a feed lane was between
// its reads and its write.
type erasureBeforeWrite struct {
	table.Table
	erase func()
}

func (e *erasureBeforeWrite) Put(ctx context.Context, it table.Item, c table.Cond) error {
	if it.PK == "ACCTS" && e.erase != nil {
		erase := e.erase
		e.erase = nil
		erase()
	}
	return e.Table.Put(ctx, it, c)
}

// TestErasureRacingAVisit: a feed lane counts a page view of a browser
// from a company's network; the browser's person is erased after the lane
// read the account and the erasure markers, before its write. The
// erasure's account pass found nothing of the browser yet; the lane's
// write must not leave the browser's hash or event there (the count
// stays: the visit was counted while the erasure ran), on either store.
func TestErasureRacingAVisit(t *testing.T) {
	t.Run("bbolt", func(t *testing.T) { erasureRacingAVisit(t, newWorld(t)) })
	t.Run("dynamodb", func(t *testing.T) {
		clk := clock.NewManual(t0)
		erasureRacingAVisit(t, newWorldOn(t, moto.NewTable(t, dynamotable.WithClock(clk.Now)), clk))
	})
}

func erasureRacingAVisit(t *testing.T, w *world) {
	ctx := context.Background()
	w.handle(w.person("v1", "ceo@maker.example", map[string]string{"company": "Maker", "title": "部長"}))
	ev := event.Event{ID: "gone-pv", Type: event.PageView, VisitorID: "gone-browser", URL: "https://www.example.com/pricing",
		Timestamp: w.clk.Now(), ReceivedAt: w.clk.Now(), Enrichment: event.Enrichment{Org: "Maker"}}
	if _, err := w.log.Append(ctx, []event.Event{ev}); err != nil {
		t.Fatal(err)
	}
	it, err := w.tb.Get(ctx, eventlog.VisitorPK(ev.VisitorID), "E#"+ev.ID)
	if err != nil {
		t.Fatal(err)
	}
	erased := false
	racing := bookOn(w, &erasureBeforeWrite{Table: w.tb, erase: func() {
		if _, err := w.book.Forget(ctx, privacy.Subject{Person: "p_gone", Visitors: []string{ev.VisitorID}}); err != nil {
			t.Fatal(err)
		}
		erased = true
	}})
	if n, err := racing.HandleChanges(ctx, []table.Change{{Op: table.OpInsert, Item: it}}); err != nil || n != 1 {
		t.Fatalf("handled %d: %v", n, err)
	}
	as := w.accounts()
	if !erased || len(as) != 1 || as[0].Visits.Count != 1 {
		t.Fatalf("erased %v, accounts %+v: want the visit counted while the erasure ran", erased, as)
	}
	if v := as[0].Visits; len(v.Open) != 0 || slices.Contains(v.Recent, ev.ID) {
		t.Errorf("the erased browser is still in the account's visits: %+v", v)
	}
}
