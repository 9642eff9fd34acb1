package eventlog

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/table"
)

// TestSortMatchesStableSort: SortHeads orders exactly as a stable sort by
// (time, id) does, on shuffled and ordered lists, ties and duplicates
// included; newest first is its reverse.
func TestSortMatchesStableSort(t *testing.T) {
	t0 := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	r := rand.New(rand.NewPCG(1, 2))
	var heads []Head
	for i := 0; i < 500; i++ {
		// few distinct times and ids: many ties, some exact duplicates;
		// the item's sort key says which head is which
		heads = append(heads, Head{ID: fmt.Sprintf("e%d", r.IntN(300)), At: t0.Add(time.Duration(r.IntN(50)) * time.Second), item: table.Item{SK: fmt.Sprint(i)}})
	}
	want := append([]Head(nil), heads...)
	sort.SliceStable(want, func(i, j int) bool {
		if !want[i].At.Equal(want[j].At) {
			return want[i].At.Before(want[j].At)
		}
		return want[i].ID < want[j].ID
	})
	same := func(name string, got, want []Head) {
		t.Helper()
		for i := range want {
			if got[i].item.SK != want[i].item.SK {
				t.Fatalf("%s: position %d holds head %s, want %s", name, i, got[i].item.SK, want[i].item.SK)
			}
		}
	}
	got := append([]Head(nil), heads...)
	SortHeads(got, false)
	same("shuffled", got, want)
	SortHeads(got, false)
	same("already ordered", got, want)
	// Newest first is the exact reverse when no two heads tie.
	distinct := make([]Head, 0, 100)
	for i := 0; i < 100; i++ {
		distinct = append(distinct, Head{ID: fmt.Sprintf("d%03d", i), At: t0.Add(time.Duration(i%10) * time.Second)})
	}
	older := func(a, b Head) bool { return a.At.Before(b.At) || a.At.Equal(b.At) && a.ID < b.ID }
	SortHeads(distinct, true)
	for i := 1; i < len(distinct); i++ {
		if !older(distinct[i], distinct[i-1]) {
			t.Fatalf("newest first: %s before %s", distinct[i-1].ID, distinct[i].ID)
		}
	}
	SortHeads(distinct, false)
	for i := 1; i < len(distinct); i++ {
		if !older(distinct[i-1], distinct[i]) {
			t.Fatalf("oldest first after newest first: %s before %s", distinct[i-1].ID, distinct[i].ID)
		}
	}
}
