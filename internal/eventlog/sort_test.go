package eventlog

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/event"
)

// TestSortMatchesStableSort: the index sort orders exactly as a stable sort
// by (time, id) does, on shuffled, ordered and reversed lists, ties and
// duplicates included.
func TestSortMatchesStableSort(t *testing.T) {
	t0 := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	r := rand.New(rand.NewPCG(1, 2))
	var evs []event.Event
	for i := 0; i < 500; i++ {
		// few distinct times and ids: many ties, some exact duplicates
		evs = append(evs, event.Event{ID: fmt.Sprintf("e%d", r.IntN(300)), Timestamp: t0.Add(time.Duration(r.IntN(50)) * time.Second), URL: fmt.Sprint(i)})
	}
	want := append([]event.Event(nil), evs...)
	sort.SliceStable(want, func(i, j int) bool {
		if !want[i].Timestamp.Equal(want[j].Timestamp) {
			return want[i].Timestamp.Before(want[j].Timestamp)
		}
		return want[i].ID < want[j].ID
	})
	same := func(name string, got, want []event.Event) {
		t.Helper()
		for i := range want {
			if got[i].URL != want[i].URL {
				t.Fatalf("%s: position %d holds event %s, want %s", name, i, got[i].URL, want[i].URL)
			}
		}
	}
	got := append([]event.Event(nil), evs...)
	SortOldestFirst(got)
	same("shuffled", got, want)
	SortOldestFirst(got)
	same("already ordered", got, want)
	// Newest first is the exact reverse when no two events tie.
	distinct := make([]event.Event, 0, 100)
	for i := 0; i < 100; i++ {
		distinct = append(distinct, event.Event{ID: fmt.Sprintf("d%03d", i), Timestamp: t0.Add(time.Duration(i%10) * time.Second), URL: fmt.Sprint(i)})
	}
	SortNewestFirst(distinct)
	for i := 1; i < len(distinct); i++ {
		if oldestFirst(&distinct[i-1], &distinct[i]) <= 0 {
			t.Fatalf("newest first: %s before %s", distinct[i-1].ID, distinct[i].ID)
		}
	}
	SortOldestFirst(distinct) // reversed in place
	for i := 1; i < len(distinct); i++ {
		if oldestFirst(&distinct[i-1], &distinct[i]) >= 0 {
			t.Fatalf("oldest first after newest first: %s before %s", distinct[i-1].ID, distinct[i].ID)
		}
	}
}
