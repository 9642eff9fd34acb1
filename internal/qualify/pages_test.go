package qualify

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/bolttable"
	"github.com/baton-hq/baton/internal/table/tablecount"
)

// TestPagedReads: the MQL index a page at a time, newest first, bounded by
// a period; the index of scored people a page at a time across its shards.
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
	var people []string
	for i := range 45 {
		person := fmt.Sprintf("p_%024x", i+1)
		people = append(people, person)
		ws = withIndex(ws, person, Record{})
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

	// Scored people: pages of 7 across the shards, each person once.
	var got []string
	cursor = ""
	for page := 0; ; page++ {
		ct.Reset()
		ids, next, err := ScoredPage(ctx, ct, cursor, 7)
		if err != nil || page > 10 {
			t.Fatalf("people page %d: %v", page, err)
		}
		if c := ct.Counts(); c.Items > 7 || c.Scans != 0 {
			t.Fatalf("people page %d read %+v", page, c)
		}
		got = append(got, ids...)
		if next == "" {
			break
		}
		if next != ScoredCursor(ids[len(ids)-1]) || !ValidScoredCursor(next) {
			t.Fatalf("people cursor %q", next)
		}
		cursor = next
	}
	slices.Sort(got)
	if !slices.Equal(got, people) {
		t.Fatalf("people paged: %d of %d", len(got), len(people))
	}
	for _, bad := range []string{"x", "16:p_1", "-1:p", "a:b"} {
		if _, _, err := ScoredPage(ctx, bt, bad, 5); err == nil || ValidScoredCursor(bad) {
			t.Errorf("cursor %q taken", bad)
		}
	}
	// Another shard's, or none: the page links' check refuses them too.
	c := ScoredCursor(people[0])
	for _, bad := range []string{"", "\xff", c[:strings.Index(c, ":")+1], "00:" + people[0] + "\n", otherShard(c)} {
		if ValidScoredCursor(bad) {
			t.Errorf("cursor %q valid", bad)
		}
	}
}

// otherShard is cursor with its shard changed.
func otherShard(cursor string) string {
	shard, person, _ := strings.Cut(cursor, ":")
	n, _ := strconv.Atoi(shard)
	return fmt.Sprintf("%02d:%s", (n+1)%scoredShards, person)
}

// FuzzValidScoredCursor: a cursor the people page's check lets through
// starts a page (ScoredPage takes it).
func FuzzValidScoredCursor(f *testing.F) {
	for _, s := range []string{ScoredCursor("p_0123456789abcdef01234567"), "x", "3:", "\xff", "00:p_1"} {
		f.Add(s)
	}
	bt, err := bolttable.Open(filepath.Join(f.TempDir(), "f.db"))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { bt.Close() })
	f.Fuzz(func(t *testing.T, c string) {
		if !ValidScoredCursor(c) {
			return
		}
		if _, _, err := ScoredPage(context.Background(), bt, c, 5); err != nil {
			t.Fatalf("%q valid, ScoredPage: %v", c, err)
		}
	})
}
