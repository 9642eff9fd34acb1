package push_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/push"
	"github.com/baton-hq/baton/internal/table/bolttable"
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
	for _, bad := range []string{"", "\xff", "nope", "2026-11-24T10:00:00Z", "2026-11-24T10:00:00Z#", "2026-13-24T10:00:00Z#p_1-c1", "2026-11-24T10:00:00Z#p_1\n"} {
		if push.ValidInboxCursor(bad) {
			t.Errorf("%q taken", bad)
		}
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
