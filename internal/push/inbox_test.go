package push_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	clk "github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/push"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/bolttable"
	"github.com/baton-hq/baton/internal/table/dynamotable"
	"github.com/baton-hq/baton/internal/testutil/moto"
)

// TestInboxPages: the inbox a page at a time, newest first, each lead
// once; every next is a cursor ValidInboxCursor takes, and nothing else
// is.
func TestInboxPages(t *testing.T) {
	at := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	tb, err := bolttable.Open(filepath.Join(t.TempDir(), "i.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer tb.Close()
	in := &push.Inbox{T: tb}
	ctx := context.Background()
	for i := range 5 {
		l := push.Lead{MQLID: fmt.Sprintf("p_%d-c1", i), Email: fmt.Sprintf("l%d@maker.example", i), QualifiedAt: at.Add(time.Duration(i) * time.Minute)}
		if _, err := in.Push(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	cursor := ""
	for page := 0; ; page++ {
		leads, next, err := in.Page(ctx, cursor, 2)
		if err != nil || page > 3 {
			t.Fatalf("page %d: %v", page, err)
		}
		for _, l := range leads {
			got = append(got, l.Email)
		}
		if next == "" {
			break
		}
		if !push.ValidInboxCursor(next) {
			t.Fatalf("next %q refused", next)
		}
		cursor = next
	}
	if fmt.Sprint(got) != "[l4@maker.example l3@maker.example l2@maker.example l1@maker.example l0@maker.example]" {
		t.Fatalf("pages: %v", got)
	}
	// Four leads left after the first: pages of exactly two end without a
	// cursor to an empty page.
	if _, next, err := in.Page(ctx, "", 5); err != nil || next != "" {
		t.Fatalf("a page holding every lead offers a next page: %q %v", next, err)
	}
	first, next, err := in.Page(ctx, "", 1)
	if err != nil || len(first) != 1 || next == "" {
		t.Fatalf("first page: %v %q %v", first, next, err)
	}
	if rest, more, err := in.Page(ctx, next, 4); err != nil || len(rest) != 4 || more != "" {
		t.Fatalf("the last four on a page of four: %d leads, next %q, %v", len(rest), more, err)
	}
	for _, bad := range []string{"", "\xff", "nope", "2026-11-24T10:00:00Z", "2026-11-24T10:00:00Z#", "2026-13-24T10:00:00Z#p_1-c1", "2026-11-24T10:00:00Z#p_1\n"} {
		if push.ValidInboxCursor(bad) {
			t.Errorf("%q taken", bad)
		}
	}
}

// TestInboxInOrderWithinASecond: leads of MQLs raised within one second
// list newest first, a page of one at a time too (their keys spelled
// RFC 3339 with the fraction trimmed: a whole second sorted after its
// fractions, .52 before .5); a lead stored so before is listed in its
// second, first, and not stored again when pushed again.
func TestInboxInOrderWithinASecond(t *testing.T) {
	s := time.Date(2026, 11, 24, 10, 0, 5, 0, time.UTC) // a whole second
	jst := time.FixedZone("JST", 9*3600)                // as the worker hands leads over: in sales' zone
	now := clk.Fixed(s.Add(time.Hour))
	for name, open := range map[string]func(t *testing.T) table.Table{
		"bbolt": func(t *testing.T) table.Table {
			tb, err := bolttable.Open(filepath.Join(t.TempDir(), "i.db"), bolttable.WithClock(now))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { tb.Close() })
			return tb
		},
		"dynamodb": func(t *testing.T) table.Table { return moto.NewTable(t, dynamotable.WithClock(now)) },
	} {
		t.Run(name, func(t *testing.T) {
			tb := open(t)
			ctx := context.Background()
			lead := func(name string, off time.Duration) push.Lead {
				return push.Lead{MQLID: "p_" + name + "-c1", Email: name + "@maker.example", QualifiedAt: s.Add(off).In(jst)}
			}
			// Stored before: o, in s, keyed by RFC 3339.
			old := lead("o", 700*time.Millisecond)
			data, _ := json.Marshal(old)
			// Always: the seed needs no condition, and an SDK retry of a put
			// moto had already applied failed NotExists (CI, once, loaded).
			if err := tb.Put(ctx, table.Item{PK: "INBOX", SK: old.QualifiedAt.UTC().Format(time.RFC3339Nano) + "#" + old.MQLID, Kind: push.KindInbox, Data: data}, table.Always); err != nil {
				t.Fatal(err)
			}
			in := &push.Inbox{T: tb}
			for _, l := range []push.Lead{lead("z", 0), lead("y", 500*time.Millisecond), lead("x", 520*time.Millisecond), old, lead("w", time.Second)} {
				if _, err := in.Push(ctx, l); err != nil {
					t.Fatal(err)
				}
			}
			const want = "[w x y z o]"
			names := func(ls []push.Lead) []string {
				var out []string
				for _, l := range ls {
					out = append(out, l.Email[:1])
				}
				return out
			}
			all, err := in.List(ctx, 100)
			if err != nil || fmt.Sprint(names(all)) != want {
				t.Fatalf("inbox %v, want %s (%v)", names(all), want, err)
			}
			var paged []string
			cursor := ""
			for page := 0; page < 10; page++ {
				leads, next, err := in.Page(ctx, cursor, 1)
				if err != nil {
					t.Fatal(err)
				}
				paged = append(paged, names(leads)...)
				if next == "" {
					break
				}
				if !push.ValidInboxCursor(next) {
					t.Fatalf("next %q refused", next)
				}
				cursor = next
			}
			if fmt.Sprint(paged) != want {
				t.Fatalf("paged %v, want %s", paged, want)
			}
		})
	}
}

// FuzzValidInboxCursor: a cursor the inbox's check lets through starts a
// page.
func FuzzValidInboxCursor(f *testing.F) {
	for _, s := range []string{"2026-11-24T10:00:00.5Z#p_1-c1", "\xff", "x#y", "2026-11-24T10:00:00Z#"} {
		f.Add(s)
	}
	tb, err := bolttable.Open(filepath.Join(f.TempDir(), "f.db"))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { tb.Close() })
	in := &push.Inbox{T: tb}
	f.Fuzz(func(t *testing.T, c string) {
		if !push.ValidInboxCursor(c) {
			return
		}
		if _, _, err := in.Page(context.Background(), c, 5); err != nil {
			t.Fatalf("%q valid, Page: %v", c, err)
		}
	})
}

// TestInboxListsByRaise: a lead of a late batch, dated days before it was
// raised, lists first: the inbox is what reached sales, newest first.
func TestInboxListsByRaise(t *testing.T) {
	at := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	tb, err := bolttable.Open(filepath.Join(t.TempDir(), "i.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer tb.Close()
	in := &push.Inbox{T: tb}
	ctx := context.Background()
	for _, l := range []push.Lead{
		{MQLID: "p_a-c1", Email: "a@maker.example", QualifiedAt: at, RaisedAt: at},
		{MQLID: "p_b-c1", Email: "b@maker.example", QualifiedAt: at.Add(-72 * time.Hour), RaisedAt: at.Add(time.Hour)},
		{MQLID: "p_c-c1", Email: "c@maker.example", QualifiedAt: at.Add(-time.Hour)}, // stored before raisedAt: by its qualifying time
	} {
		if _, err := in.Push(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	leads, err := in.List(ctx, 10)
	var got []string
	for _, l := range leads {
		got = append(got, l.Email[:1])
	}
	if err != nil || fmt.Sprint(got) != "[b a c]" {
		t.Fatalf("inbox %v %v, want [b a c]", got, err)
	}
}
