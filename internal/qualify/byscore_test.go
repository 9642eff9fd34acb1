package qualify

import (
	"cmp"
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/bolttable"
	"github.com/baton-hq/baton/internal/table/tablecount"
)

// TestByScoreOrdersEveryone: the people list's order is the whole list's,
// highest score first, ties by id, whatever the index's order; a page
// goes on from its cursor's place (score, person) with no one twice or
// left out; keep filters on the record; the reads are the index and one
// score record a person, never a ledger or a scan.
func TestByScoreOrdersEveryone(t *testing.T) {
	at := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	bt, err := bolttable.Open(filepath.Join(t.TempDir(), "s.db"), bolttable.WithClock(clock.Fixed(at)))
	if err != nil {
		t.Fatal(err)
	}
	defer bt.Close()
	ctx := context.Background()
	const n = 57
	var ws []table.Write
	for i := range n {
		person := fmt.Sprintf("p_%024x", i+1)
		rec := Record{Person: person, Stage: StageLead, Verdict: Verdict{Behaviour: float64((i*37)%13) + 0.5, Grade: []string{"A", "B", "C"}[i%3]}}
		ws = withIndex(ws, person, rec)
		ws = append(ws, table.Put(table.Item{PK: identity.PersonPK(person), SK: scoreSK, Kind: "score", Data: encodeRecord(rec)}, table.Always),
			table.Put(table.Item{PK: identity.PersonPK(person), SK: ledgerPfx + "x", Kind: "ledger"}, table.Always))
	}
	for start := 0; start < len(ws); start += 24 {
		if err := bt.Transact(ctx, ws[start:min(start+24, len(ws))]); err != nil {
			t.Fatal(err)
		}
	}
	ct := tablecount.New(bt)
	all, err := ByScore(ctx, ct, "", nil)
	if c := ct.Counts(); err != nil || len(all) != n || c.Scans != 0 || c.Items != 2*n {
		t.Fatalf("%d people, %v, reads %+v (want the index and %d records)", len(all), err, c, n)
	}
	if !slices.IsSortedFunc(all, func(a, b Ranked) int {
		return cmp.Or(cmp.Compare(b.Rec.Verdict.Behaviour, a.Rec.Verdict.Behaviour), strings.Compare(a.ID, b.ID))
	}) || all[0].Rec.Verdict.Behaviour != 12.5 {
		t.Fatalf("not best first: %v ...", all[0].Rec.Verdict)
	}
	// Pages of 8 from each page's last: the same list.
	var paged []Ranked
	for cursor := ""; ; {
		page, err := ByScore(ctx, bt, cursor, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) <= 8 {
			paged = append(paged, page...)
			break
		}
		paged = append(paged, page[:8]...)
		if cursor = ScoreCursor(page[7]); !ValidScoreCursor(cursor) {
			t.Fatalf("cursor %q", cursor)
		}
	}
	if !slices.EqualFunc(paged, all, func(a, b Ranked) bool { return a.ID == b.ID }) {
		t.Fatalf("paged %d people, not the list of %d in its order", len(paged), len(all))
	}
	b, err := ByScore(ctx, bt, "", func(r Record) bool { return r.Verdict.Grade == "B" })
	want := slices.DeleteFunc(slices.Clone(all), func(r Ranked) bool { return r.Rec.Verdict.Grade != "B" })
	if err != nil || !slices.EqualFunc(b, want, func(a, b Ranked) bool { return a.ID == b.ID }) || len(b) != n/3 {
		t.Fatalf("grade B: %d people, want %d: %v", len(b), len(want), err)
	}
	for _, bad := range []string{"x", "_p_1", "12.5_", "NaN_p_1", "Inf_p_1", "1_p\n", "1_\xff"} {
		if _, err := ByScore(ctx, bt, bad, nil); err == nil || ValidScoreCursor(bad) {
			t.Errorf("cursor %q taken", bad)
		}
	}
}
