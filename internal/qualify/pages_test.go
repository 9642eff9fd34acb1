package qualify

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/bolttable"
	"github.com/baton-hq/baton/internal/table/tablecount"
)

// TestPagedReads: the MQL index a page at a time, newest first, bounded by
// a period.
// Every item comes once, and a page reads no more items than its limit.
func TestPagedReads(t *testing.T) {
	at := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	bt, err := bolttable.Open(filepath.Join(t.TempDir(), "p.db"), bolttable.WithClock(clock.Fixed(at)))
	if err != nil {
		t.Fatal(err)
	}
	defer bt.Close()
	ctx := context.Background()
	var ws []table.Write
	for i := range 45 {
		person := fmt.Sprintf("p_%024x", i+1)
		m := MQL{ID: person + "-c1", Person: person, Cycle: 1, At: at.Add(time.Duration(i) * time.Hour), Condition: "hot"}
		w, err := (&Qualifier{}).mqlWrites(m)
		if err != nil {
			t.Fatal(err)
		}
		ws = append(ws, w...)
	}
	for start := 0; start < len(ws); start += 25 {
		if err := bt.Transact(ctx, ws[start:min(start+25, len(ws))]); err != nil {
			t.Fatal(err)
		}
	}
	ct := tablecount.New(bt)
	q := &Qualifier{T: ct}

	// MQLs: pages of 10, newest first, each once.
	var seen []time.Time
	cursor := ""
	for page := 0; ; page++ {
		ct.Reset()
		ms, next, err := q.MQLPage(ctx, cursor, time.Time{}, time.Time{}, 10)
		if err != nil || page > 5 {
			t.Fatalf("page %d: %v", page, err)
		}
		if c := ct.Counts(); c.Items > 10 || c.Scans != 0 {
			t.Fatalf("page %d read %+v", page, c)
		}
		for _, m := range ms {
			seen = append(seen, m.At)
		}
		if next == "" {
			break
		}
		if len(ms) == 0 || next != MQLCursor(ms[len(ms)-1]) {
			t.Fatalf("page %d: cursor %q after %d", page, next, len(ms))
		}
		cursor = next
	}
	if len(seen) != 45 || !slices.IsSortedFunc(seen, func(a, b time.Time) int { return b.Compare(a) }) || !seen[0].Equal(at.Add(44*time.Hour)) {
		t.Fatalf("MQLs paged: %d, first %v", len(seen), seen[:1])
	}
	// A period: from hour 10 (inclusive) to hour 20 (exclusive).
	ms, next, err := q.MQLPage(ctx, "", at.Add(10*time.Hour), at.Add(20*time.Hour), 100)
	if err != nil || len(ms) != 10 || next != "" || !ms[0].At.Equal(at.Add(19*time.Hour)) || !ms[9].At.Equal(at.Add(10*time.Hour)) {
		t.Fatalf("period: %d %q %v", len(ms), next, err)
	}
}
