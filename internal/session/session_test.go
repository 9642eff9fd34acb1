package session_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/session"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/bolttable"
)

func TestSessionLifecycle(t *testing.T) {
	clk := clock.NewManual(time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC))
	tb, err := bolttable.Open(filepath.Join(t.TempDir(), "b.db"), bolttable.WithClock(clk.Now))
	if err != nil {
		t.Fatal(err)
	}
	defer tb.Close()
	st := &session.Store{T: tb, TTL: time.Hour, Now: clk.Now}
	ctx := context.Background()

	id, s, err := st.Create(ctx, "cred-fp", "analyst")
	if err != nil {
		t.Fatal(err)
	}
	if len(id) < 40 || len(s.CSRF) < 40 || s.CSRF == id || !s.Expires.Equal(clk.Now().Add(time.Hour)) {
		t.Fatalf("session %q %+v", id, s)
	}
	id2, s2, _ := st.Create(ctx, "cred-fp", "analyst")
	if id2 == id || s2.CSRF == s.CSRF {
		t.Fatal("two sessions share an id or a CSRF token")
	}

	// The table keeps a hash of the id, never the id, with the expiry as TTL.
	var items []table.Item
	tb.Scan(ctx, "SESS#", func(it table.Item) error { items = append(items, it); return nil })
	if len(items) != 2 {
		t.Fatalf("%d session items", len(items))
	}
	for _, it := range items {
		if strings.Contains(it.PK, id) || strings.Contains(string(it.Data), id) || it.Kind != session.Kind || it.Expires.IsZero() {
			t.Fatalf("stored %+v", it)
		}
	}

	got, err := st.Get(ctx, id)
	if err != nil || got.Credential != "cred-fp" || got.Name != "analyst" || !got.ValidCSRF(s.CSRF) || got.ValidCSRF("") || got.ValidCSRF(s2.CSRF) {
		t.Fatalf("get: %+v %v", got, err)
	}
	for _, bad := range []string{"", "nope", strings.Repeat("x", 500)} {
		if _, err := st.Get(ctx, bad); !errors.Is(err, session.ErrNotFound) {
			t.Fatalf("get %q: %v", bad, err)
		}
	}

	// Expiry on the injected clock.
	clk.Advance(59 * time.Minute)
	if _, err := st.Get(ctx, id); err != nil {
		t.Fatalf("a minute before expiry: %v", err)
	}
	clk.Advance(time.Minute)
	if _, err := st.Get(ctx, id); !errors.Is(err, session.ErrNotFound) {
		t.Fatalf("at expiry: %v", err)
	}

	// Logout ends a session at once; ending twice is fine.
	clk.Advance(-time.Minute)
	if err := st.End(ctx, id2); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Get(ctx, id2); !errors.Is(err, session.ErrNotFound) {
		t.Fatalf("after End: %v", err)
	}
	if err := st.End(ctx, id2); err != nil {
		t.Fatal(err)
	}
}

// The store filters on its own clock too: DynamoDB deletes expired items
// lazily, so a table that still returns the item must not revive it.
func TestExpiredEvenIfTheTableStillHasIt(t *testing.T) {
	start := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	tb, err := bolttable.Open(filepath.Join(t.TempDir(), "b.db"), bolttable.WithClock(clock.Fixed(start))) // the table never sees time pass
	if err != nil {
		t.Fatal(err)
	}
	defer tb.Close()
	clk := clock.NewManual(start)
	st := &session.Store{T: tb, Now: clk.Now}
	id, _, err := st.Create(context.Background(), "fp", "n")
	if err != nil {
		t.Fatal(err)
	}
	clk.Advance(session.DefaultTTL)
	if _, err := st.Get(context.Background(), id); !errors.Is(err, session.ErrNotFound) {
		t.Fatalf("expired session: %v", err)
	}
}
