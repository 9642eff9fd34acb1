// Package audittest is the audit trail's conformance suite, run on every
// backend (internal/conformance): entries come back newest first a page at
// a time, entries made in the same instant are all kept, and an entry is
// gone once its TTL has passed on the injected clock.
package audittest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/audit"
	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/tabletest"
)

// Suite returns the suite.
func Suite() tabletest.Suite { return tabletest.Suite{Name: "audit", Run: run} }

func run(t *testing.T, newTable tabletest.Factory) {
	ctx := context.Background()
	t0 := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	clk := clock.NewManual(t0)
	tb := newTable(t, clk.Now)
	l := &audit.Log{T: tb, TTL: 48 * time.Hour, Now: clk.Now}

	// Seven entries an hour apart, the last two in the same instant, then one a minute later.
	for i := range 7 {
		if i > 0 && i < 6 {
			clk.Advance(time.Hour)
		}
		e := audit.Entry{Who: fmt.Sprint("op", i), Via: "token", Route: "POST /admin/accounts/{id}/merge", Method: "POST", ID: fmt.Sprint("acct-", i), Status: 200 + i}
		if err := l.Record(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	// An id that is not one of Baton's (an email typed in the path) is not kept.
	clk.Advance(time.Minute)
	if err := l.Record(ctx, audit.Entry{Who: "op7", Route: "DELETE /admin/people/{id}", Method: "DELETE", ID: "someone@example.com", Status: 404}); err != nil {
		t.Fatal(err)
	}

	var all []audit.Entry
	cursor, pages := "", 0
	for {
		es, next, err := l.List(ctx, cursor, 3)
		if err != nil {
			t.Fatal(err)
		}
		if pages++; pages > 5 || len(es) > 3 {
			t.Fatalf("page %d: %d entries, next %q", pages, len(es), next)
		}
		all = append(all, es...)
		if next == "" {
			break
		}
		cursor = next
	}
	if len(all) != 8 || pages != 3 {
		t.Fatalf("%d entries in %d pages, want 8 in 3", len(all), pages)
	}
	if all[0].Who != "op7" || all[0].ID != "" || all[0].Status != 404 || all[0].Route != "DELETE /admin/people/{id}" {
		t.Fatalf("newest %+v", all[0])
	}
	// Same instant: both kept, in either order.
	if !(all[1].Who == "op6" && all[2].Who == "op5" || all[1].Who == "op5" && all[2].Who == "op6") || !all[1].At.Equal(all[2].At) {
		t.Fatalf("same-instant entries %+v %+v", all[1], all[2])
	}
	for i, e := range all[3:] {
		want := 4 - i
		if e.Who != fmt.Sprint("op", want) || e.ID != fmt.Sprint("acct-", want) || e.Status != 200+want || e.Method != "POST" || e.Via != "token" ||
			!e.At.Equal(t0.Add(time.Duration(want)*time.Hour)) {
			t.Fatalf("entry %d: %+v", i+3, e)
		}
	}

	// Stored with the TTL, never on the change feed's kinds.
	n := 0
	err := tb.Scan(ctx, "", func(it table.Item) error {
		if audit.Holds(it) {
			n++
			if it.Kind != audit.Kind || it.Expires.IsZero() || it.Expires.Before(t0.Add(48*time.Hour)) {
				t.Errorf("stored %+v", it)
			}
		}
		return nil
	})
	if err != nil || n != 8 {
		t.Fatalf("%d items (%v)", n, err)
	}

	if _, _, err := l.List(ctx, "20261102T090000Z-00", 3); !errors.Is(err, audit.ErrCursor) {
		t.Fatalf("bad cursor: %v", err)
	}

	// Two days after the first entry: it has expired, the others not yet;
	// the list ends before it.
	clk.Set(t0.Add(48 * time.Hour))
	es, next, err := l.List(ctx, "", 100)
	if err != nil || next != "" || len(es) != 7 || es[6].Who != "op1" {
		t.Fatalf("after two days: %d entries, next %q, %v", len(es), next, err)
	}
	clk.Advance(10 * time.Hour)
	if es, _, err := l.List(ctx, "", 100); err != nil || len(es) != 0 {
		t.Fatalf("after everything expired: %+v %v", es, err)
	}
}
