package account_test

import (
	"context"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/table"
)

// TestRecipientWhoOnlyOpenedIsNoMember: the accounts page says a list's
// recipient is not counted until they are a lead, and opens alone make no
// lead (no score record); yet a recipient who opened the newsletter was
// listed in their company's account with 0 points. They join once they
// are a lead: their click, a form, anything a rule scores.
func TestRecipientWhoOnlyOpenedIsNoMember(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	p, _, err := w.dir.EnsureWith(ctx, "suzuki@maker.example", "list:nov-news", map[string]string{"company": "株式会社メーカー", "last_name": "鈴木"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	vid := identity.PseudoVisitor(p.ID)
	if _, err := w.dir.LinkVisitor(ctx, vid, p.ID, time.Time{}, identity.Strong); err != nil {
		t.Fatal(err)
	}
	changes := func(ev event.Event) []table.Change {
		t.Helper()
		if _, err := w.log.Append(ctx, []event.Event{ev}); err != nil {
			t.Fatal(err)
		}
		var cs []table.Change
		for _, sk := range []string{"E#" + ev.ID, "LINK"} {
			it, err := w.tb.Get(ctx, eventlog.VisitorPK(vid), sk)
			if err != nil {
				t.Fatal(err)
			}
			cs = append(cs, table.Change{Op: table.OpInsert, Item: it})
		}
		return cs
	}
	now := w.clk.Now()
	w.handle(changes(event.Event{ID: "open-1", Type: event.EmailOpen, VisitorID: vid, UserID: p.ID, Timestamp: now, ReceivedAt: now,
		Properties: map[string]any{"campaign": "nov-news", "person": p.ID}}))
	if as := w.accounts(); len(as) != 0 {
		t.Fatalf("a recipient who only opened is in an account: %+v", as)
	}
	// A colleague who is a lead makes the account; the recipient's open
	// still keeps them out of it.
	w.handle(w.person("v-sato", "sato@maker.example", map[string]string{"company": "株式会社メーカー", "title": "部長"}))
	w.clk.Advance(time.Minute)
	now = w.clk.Now()
	w.handle(changes(event.Event{ID: "open-2", Type: event.EmailOpen, VisitorID: vid, UserID: p.ID, Timestamp: now, ReceivedAt: now,
		Properties: map[string]any{"campaign": "nov-news", "person": p.ID}}))
	as := w.accounts()
	if len(as) != 1 || len(as[0].Members) != 1 || as[0].Members[0].Email != "sato@maker.example" {
		t.Fatalf("accounts after the lead and a second open: %+v", as)
	}
	// Their click (judged a person's) makes them a lead, and a member.
	w.clk.Advance(time.Minute)
	now = w.clk.Now()
	click := event.Event{ID: "click-1", Type: event.EmailClick, VisitorID: vid, UserID: p.ID, URL: "https://www.example.com/pricing", Timestamp: now, ReceivedAt: now,
		Properties: map[string]any{"campaign": "nov-news", "person": p.ID}}
	click.Enrichment.Visit = event.VisitHuman // judged: no scanner's
	w.handle(changes(click))
	as = w.accounts()
	if len(as) != 1 || len(as[0].Members) != 2 {
		t.Fatalf("after the recipient's click: %+v", as)
	}
}
