package account

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/bolttable"
)

// GET /admin/accounts answered at most 1,000 accounts and no cursor: an
// API client could not read past them. ListPage reads the list a page at
// a time, each account once, in List's order, whatever the sort.
func TestAccountListPagesReadEveryAccountOnce(t *testing.T) {
	ctx := context.Background()
	tb, err := bolttable.Open(filepath.Join(t.TempDir(), "b.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tb.Close() })
	at := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	for i := range 7 {
		key := fmt.Sprintf("n:company%d", i)
		a := Account{ID: idOf(key), Keys: []string{key}, Score: float64(i % 3), LastActive: at.Add(time.Duration(i%2) * time.Hour)}
		if i == 6 {
			a.LastActive = time.Time{} // visits only: no activity time
		}
		a.Members = []Member{{Person: fmt.Sprintf("p%d", i), Email: fmt.Sprintf("x%d@company%d.example", i, i)}}
		if err := tb.Transact(ctx, []table.Write{a.put()}); err != nil {
			t.Fatal(err)
		}
	}
	b := &Book{T: tb}
	for _, by := range []string{ByScore, ByActivity} {
		all, err := b.List(ctx, by, 0)
		if err != nil || len(all) != 7 {
			t.Fatalf("%s: %d accounts, %v", by, len(all), err)
		}
		var paged []string
		after := ""
		for range 10 {
			as, next, err := b.ListPage(ctx, by, after, 2)
			if err != nil {
				t.Fatalf("%s after %q: %v", by, after, err)
			}
			for _, a := range as {
				paged = append(paged, a.ID)
			}
			if after = next; after == "" {
				break
			}
		}
		var want []string
		for _, a := range all {
			want = append(want, a.ID)
		}
		if !slices.Equal(paged, want) {
			t.Errorf("%s: pages read %v, want %v", by, paged, want)
		}
	}
	for _, bad := range []string{"x", "1_2_3", "1_notatime_a0123456789abcdef", "1_2026-11-02T09:00:00Z_zz"} {
		if _, _, err := b.ListPage(ctx, ByScore, bad, 2); !errors.Is(err, ErrBadCursor) {
			t.Errorf("after=%q: %v, want ErrBadCursor", bad, err)
		}
	}
}
