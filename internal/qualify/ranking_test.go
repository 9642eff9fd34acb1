package qualify

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/bolttable"
	"github.com/baton-hq/baton/internal/table/dynamotable"
	"github.com/baton-hq/baton/internal/table/tablecount"
	"github.com/baton-hq/baton/internal/testutil/moto"
)

// TestRankedPages: the people list's pages read from the ranking the
// sweep builds, in ByScore's order, each person once over the pages,
// across chunks; a page reads the meta, the chunks it spans and its
// people's score records, never everyone's. Someone whose score changed
// since the build keeps their place and shows their score now, and takes
// their new place at the next build, which comes once the ranking is
// RankingMaxAge old; an erased person's id is left in no chunk.
func TestRankedPages(t *testing.T) {
	defer func(n, from int) { rankingChunk, rankingFrom = n, from }(rankingChunk, rankingFrom)
	rankingChunk, rankingFrom = 5, 50 // many chunks, and pages that span them
	at := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	t.Run("bbolt", func(t *testing.T) {
		bt, err := bolttable.Open(filepath.Join(t.TempDir(), "s.db"), bolttable.WithClock(clock.Fixed(at)))
		if err != nil {
			t.Fatal(err)
		}
		defer bt.Close()
		testRankedPages(t, bt, at)
	})
	t.Run("dynamodb", func(t *testing.T) { // on moto's
		testRankedPages(t, moto.NewTable(t, dynamotable.WithClock(clock.Fixed(at))), at)
	})
}

func testRankedPages(t *testing.T, bt table.Table, at time.Time) {
	ctx := context.Background()
	const n = 57
	put := func(person string, rec Record, first bool) {
		t.Helper()
		var ws []table.Write
		if first {
			ws = withIndex(ws, person, rec)
		}
		ws = append(ws, table.Put(table.Item{PK: identity.PersonPK(person), SK: scoreSK, Kind: "score", Data: encodeRecord(rec)}, table.Always))
		if err := bt.Transact(ctx, ws); err != nil {
			t.Fatal(err)
		}
	}
	id := func(i int) string { return fmt.Sprintf("p_%024x", i+1) }
	for i := range n {
		put(id(i), Record{Person: id(i), Stage: StageLead, Verdict: Verdict{Behaviour: float64((i*37)%13) + 0.5, Grade: []string{"A", "B", "C"}[i%3]}}, true)
	}
	all, err := ByScore(ctx, bt, "", nil)
	if err != nil || len(all) != n {
		t.Fatal(len(all), err)
	}
	ids := func(rs []Ranked) string {
		var s []string
		for _, r := range rs {
			s = append(s, r.ID)
		}
		return strings.Join(s, ",")
	}
	pages := func(size int, keep func(Record) bool) []Ranked {
		t.Helper()
		var out []Ranked
		cursor := ""
		for range 100 {
			page, next, err := RankedPage(ctx, bt, cursor, size, keep)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, page...)
			if next == "" {
				return out
			}
			if !ValidScoreCursor(next) {
				t.Fatalf("cursor %q", next)
			}
			cursor = next
		}
		t.Fatal("pages without end")
		return nil
	}
	// Before any build: ByScore's reads, the same order.
	if got := pages(8, nil); ids(got) != ids(all) {
		t.Fatalf("without a ranking: %s\nwant %s", ids(got), ids(all))
	}
	if built, err := RefreshRanking(ctx, bt, at, RankingMaxAge); err != nil || !built {
		t.Fatalf("first build: %v %v", built, err)
	}
	for _, size := range []int{1, 5, 8, 57, 100} {
		if got := pages(size, nil); ids(got) != ids(all) {
			t.Fatalf("pages of %d: %s\nwant %s", size, ids(got), ids(all))
		}
	}
	b := pages(8, func(r Record) bool { return r.Verdict.Grade == "B" })
	if want := slices.DeleteFunc(slices.Clone(all), func(r Ranked) bool { return r.Rec.Verdict.Grade != "B" }); ids(b) != ids(want) {
		t.Fatalf("grade B: %s\nwant %s", ids(b), ids(want))
	}

	// A page reads the meta, the chunks it spans, its people's records.
	ct := tablecount.New(bt)
	first, next, err := RankedPage(ctx, ct, "", 8, nil)
	if c := ct.Counts(); err != nil || len(first) != 8 || c.Items > 1+3+8 || c.Scans != 0 {
		t.Fatalf("first page: %d people, %v, reads %+v", len(first), err, c)
	}
	ct.Reset()
	later, _, err := RankedPage(ctx, ct, next, 8, nil)
	if c := ct.Counts(); err != nil || len(later) != 8 || c.Items > 1+3+8 || later[0].ID != all[8].ID {
		t.Fatalf("second page: %d people from %v, %v, reads %+v", len(later), later[0].ID, err, c)
	}

	// The last in the order scores best after the build.
	last := all[n-1]
	put(last.ID, Record{Person: last.ID, Stage: StageLead, Verdict: Verdict{Behaviour: 99, Grade: "A"}}, false)
	got := pages(8, nil)
	if ids(got) != ids(all) || got[n-1].Rec.Verdict.Behaviour != 99 {
		t.Fatalf("after a change: %s (last shows %v)\nwant the ranking's order with the live score", ids(got), got[n-1].Rec.Verdict.Behaviour)
	}
	if built, err := RefreshRanking(ctx, bt, at.Add(RankingMaxAge-time.Second), RankingMaxAge); err != nil || built {
		t.Fatalf("built again before RankingMaxAge: %v %v", built, err)
	}
	if built, err := RefreshRanking(ctx, bt, at.Add(RankingMaxAge), RankingMaxAge); err != nil || !built {
		t.Fatalf("not built again at RankingMaxAge: %v %v", built, err)
	}
	got = pages(8, nil)
	if want := append([]Ranked{last}, all[:n-1]...); ids(got) != ids(want) {
		t.Fatalf("after the next build: %s\nwant %s", ids(got), ids(want))
	}

	// Erasure: the id is in no chunk of either build kept, nor the meta.
	gone := got[5] // the first of a chunk
	if err := (&Qualifier{T: bt}).forgetPerson(ctx, gone.ID); err != nil {
		t.Fatal(err)
	}
	items, err := bt.Query(ctx, table.Query{PK: rankingPK})
	if err != nil || len(items) < 2 {
		t.Fatal(len(items), err)
	}
	for _, it := range items {
		if strings.Contains(string(it.Data), gone.ID) {
			t.Errorf("%s %s still names the erased person", it.PK, it.SK)
		}
	}
	after := pages(4, nil)
	if want := slices.DeleteFunc(slices.Clone(got), func(r Ranked) bool { return r.ID == gone.ID }); ids(after) != ids(want) {
		t.Fatalf("after the erasure: %s\nwant %s", ids(after), ids(want))
	}
	// Someone scored for the first time after the build: listed from the
	// next build, or at once while the ranking holds fewer than rankingFrom.
	put("p_new", Record{Person: "p_new", Stage: StageLead, Verdict: Verdict{Behaviour: 50, Grade: "A"}}, true)
	if got := pages(8, nil); ids(got) != ids(after) {
		t.Fatalf("a new person listed before the next build: %s", ids(got))
	}
	live, err := ByScore(ctx, bt, "", nil)
	if err != nil || len(live) != len(after)+1 || live[1].ID != "p_new" {
		t.Fatalf("ByScore: %s %v", ids(live), err)
	}
	rankingFrom = 100
	if got := pages(8, nil); ids(got) != ids(live) {
		t.Fatalf("a small store's list: %s\nwant %s", ids(got), ids(live))
	}
	rankingFrom = 50
	if built, err := RefreshRanking(ctx, bt, at.Add(2*RankingMaxAge), RankingMaxAge); err != nil || !built {
		t.Fatalf("not built again: %v %v", built, err)
	}
	if got := pages(8, nil); ids(got) != ids(live) {
		t.Fatalf("after the build: %s\nwant %s", ids(got), ids(live))
	}
	if _, _, err := RankedPage(ctx, bt, "x", 8, nil); err == nil {
		t.Error("a bad cursor taken")
	}
}

// forgetPerson is Forget of a person known by id alone.
func (q *Qualifier) forgetPerson(ctx context.Context, person string) error {
	_, err := q.Forget(ctx, privacy.Subject{Person: person})
	return err
}
