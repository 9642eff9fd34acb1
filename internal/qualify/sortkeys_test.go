package qualify

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/bolttable"
	"github.com/baton-hq/baton/internal/table/dynamotable"
	"github.com/baton-hq/baton/internal/testutil/moto"
)

// onBoth runs f on a bbolt file and on moto's DynamoDB, each store on the
// test's clock.
func onBoth(t *testing.T, now func() time.Time, f func(t *testing.T, tb table.Table)) {
	t.Run("bbolt", func(t *testing.T) {
		tb, err := bolttable.Open(filepath.Join(t.TempDir(), "k.db"), bolttable.WithClock(now))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { tb.Close() })
		f(t, tb)
	})
	t.Run("dynamodb", func(t *testing.T) { f(t, moto.NewTable(t, dynamotable.WithClock(now))) })
}

// legacyMQLWrites are an MQL's items as they were written before sortkey:
// the index entry keyed by RFC 3339 with its fraction trimmed.
func legacyMQLWrites(m MQL) []table.Write {
	data, _ := json.Marshal(m)
	return []table.Write{
		table.Put(table.Item{PK: identity.PersonPK(m.Person), SK: fmt.Sprintf(mqlPfx+"%04d", m.Cycle), Kind: KindMQL, Data: data}, table.NotExists),
		table.Put(table.Item{PK: mqlIndex, SK: legacyMQLIndexPrefix(m) + fmt.Sprintf("%04d", m.Cycle), Kind: KindMQLIndex, Data: data}, table.NotExists),
	}
}

// TestMQLIndexWithLegacyEntries: entries indexed before sortkey stay
// readable and in place next to new ones: new MQLs of one second list in
// the order raised, after (newest first: before) the old ones of their
// second; every reader (the recent list, the pages with their cursors,
// a period's page, MQLsSince) reads each MQL once and by its own time;
// an erasure removes either kind of entry.
func TestMQLIndexWithLegacyEntries(t *testing.T) {
	s := time.Date(2026, 11, 2, 10, 0, 5, 0, time.UTC) // a whole second
	onBoth(t, clock.Fixed(s.Add(time.Hour)), func(t *testing.T, tb table.Table) {
		ctx := context.Background()
		q := &Qualifier{T: tb}
		mql := func(name string, off time.Duration) MQL {
			return MQL{ID: "p_" + name + "-c1", Person: "p_" + name, Cycle: 1, At: s.Add(off), Condition: "hot"}
		}
		// Old: a the second before, b c d in s (their keys: d, c, b);
		// new: e f in s, g after. Person ids run against the times.
		legacy := []MQL{mql("z", -700*time.Millisecond), mql("y", 0), mql("x", 500*time.Millisecond), mql("w", 520*time.Millisecond)}
		fresh := []MQL{mql("m", 400*time.Millisecond), mql("l", 600*time.Millisecond), mql("k", 1100*time.Millisecond)}
		var ws []table.Write
		for _, m := range legacy {
			ws = append(ws, legacyMQLWrites(m)...)
		}
		for _, m := range fresh {
			w, _ := q.mqlWrites(m)
			ws = append(ws, w...)
		}
		if err := tb.Transact(ctx, ws); err != nil {
			t.Fatal(err)
		}
		ids := func(ms []MQL) string {
			var out []string
			for _, m := range ms {
				out = append(out, m.Person[2:])
			}
			return fmt.Sprint(out)
		}
		// New ones in order; old ones first in their second (as their
		// keys always sorted among themselves: b's whole second last).
		const newest = "[k l m y x w z]"
		recent, err := q.RecentMQLs(ctx, 100)
		if err != nil || ids(recent) != newest {
			t.Fatalf("recent %s, want %s (%v)", ids(recent), newest, err)
		}
		for limit := 1; limit <= 4; limit++ {
			var all []MQL
			cursor := ""
			for page := 0; page < 10; page++ {
				ms, next, err := q.MQLPage(ctx, cursor, time.Time{}, time.Time{}, limit)
				if err != nil {
					t.Fatal(err)
				}
				all = append(all, ms...)
				if next == "" {
					break
				}
				if next != MQLCursor(ms[len(ms)-1]) || !ValidMQLCursor(next) {
					t.Fatalf("limit %d: cursor %q, MQLCursor %q", limit, next, MQLCursor(ms[len(ms)-1]))
				}
				cursor = next
			}
			if ids(all) != newest {
				t.Fatalf("pages of %d: %s, want %s", limit, ids(all), newest)
			}
		}
		every := append(slices.Clone(legacy), fresh...)
		within := func(from, to time.Time) string {
			var in []string
			for _, m := range every {
				if !m.At.Before(from) && (to.IsZero() || m.At.Before(to)) {
					in = append(in, m.Person[2:])
				}
			}
			slices.Sort(in)
			return fmt.Sprint(in)
		}
		sorted := func(ms []MQL) string {
			var out []string
			for _, m := range ms {
				out = append(out, m.Person[2:])
			}
			slices.Sort(out)
			return fmt.Sprint(out)
		}
		bounds := []time.Duration{-time.Second, -700 * time.Millisecond, -1, 0, 1, 450 * time.Millisecond, 500 * time.Millisecond, 510 * time.Millisecond, 600 * time.Millisecond, time.Second, 1100 * time.Millisecond, 2 * time.Second}
		for _, from := range bounds {
			since, err := q.MQLsSince(ctx, s.Add(from))
			if err != nil || sorted(since) != within(s.Add(from), time.Time{}) {
				t.Errorf("MQLsSince(%v) %s, want %s (%v)", from, ids(since), within(s.Add(from), time.Time{}), err)
			}
			for _, to := range bounds {
				if to <= from {
					continue
				}
				ms, _, err := q.MQLPage(ctx, "", s.Add(from), s.Add(to), 100)
				if err != nil || sorted(ms) != within(s.Add(from), s.Add(to)) {
					t.Errorf("MQLPage(%v, %v) %s, want %s (%v)", from, to, ids(ms), within(s.Add(from), s.Add(to)), err)
				}
			}
		}
		// Erasing an old MQL's person and a new one's takes both entries.
		for _, p := range []string{"p_y", "p_m"} {
			if _, err := q.Forget(ctx, privacy.Subject{Person: p}); err != nil {
				t.Fatal(err)
			}
		}
		if recent, _ := q.RecentMQLs(ctx, 100); ids(recent) != "[k l x w z]" {
			t.Fatalf("after erasures: %s", ids(recent))
		}
	})
}

// TestHistoryWithLegacyItems: a lead's stage changes read back in the
// order made, those stored before historySK among them: new changes of one
// instant by their seq (not their stage's name), after the old ones of
// that instant; old changes of one instant along their chain. The keys of
// new changes sort as they were made.
func TestHistoryWithLegacyItems(t *testing.T) {
	s := time.Date(2026, 11, 2, 10, 0, 5, 0, time.UTC)
	onBoth(t, clock.Fixed(s.Add(time.Hour)), func(t *testing.T, tb table.Table) {
		ctx := context.Background()
		const person = "p_h"
		legacy := func(from, to string, at time.Time) table.Write {
			data, _ := json.Marshal(StageChange{From: from, To: to, At: at})
			return table.Put(table.Item{PK: identity.PersonPK(person), SK: historyPfx + at.UTC().Format(time.RFC3339Nano) + "#" + to, Kind: KindStage, Data: data}, table.Always)
		}
		answer := s.Add(2 * time.Second)
		ws := []table.Write{
			legacy(StageAnonymous, StageLead, s.Add(-time.Hour)),
			legacy(StageLead, StageMQL, s.Add(500*time.Millisecond)),
			// sql then opportunity at one instant: keys by name, reversed.
			legacy(StageMQL, StageSQL, answer),
			legacy(StageSQL, StageOpportunity, answer),
			// New: lost at that instant too, recycled a nanosecond later,
			// then mql and rejected at one instant, by seq.
			historyWrite(person, historySeq(7), StageOpportunity, StageLost, answer, "sales: lost"),
			historyWrite(person, historySeq(7)+1, StageLost, StageRecycled, answer.Add(1), "recycled after lost"),
			historyWrite(person, historySeq(9), StageRecycled, StageMQL, s.Add(3*time.Second), "scoring"),
			historyWrite(person, historySeq(10), StageMQL, StageRejected, s.Add(3*time.Second), "sales: rejected"),
			historyWrite(person, historySeq(10)+1, StageRejected, StageRecycled, s.Add(3*time.Second+1), "recycled after rejected"),
		}
		if err := tb.Transact(ctx, ws); err != nil {
			t.Fatal(err)
		}
		q := &Qualifier{T: tb}
		hist, err := q.History(ctx, person)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, c := range hist {
			got = append(got, c.To)
		}
		want := "[lead mql sql opportunity lost recycled mql rejected recycled]"
		if fmt.Sprint(got) != want {
			t.Fatalf("history %v, want %s", got, want)
		}
		// The same from any order read (AllFacts' pass over the people).
		for i := range hist {
			h := slices.Clone(hist)
			slices.Reverse(h)
			h[0], h[i] = h[i], h[0]
			sortHistory(h)
			if !slices.Equal(h, hist) {
				t.Fatalf("sorted from another order: %+v", h)
			}
		}
		// New keys in the order made.
		items, err := tb.Query(ctx, table.Query{PK: identity.PersonPK(person), Prefix: historyPfx})
		if err != nil {
			t.Fatal(err)
		}
		var keyed []string
		for _, it := range items {
			if historySorted(it.SK) {
				c, _ := decodeStageChange(it)
				keyed = append(keyed, c.To)
			}
		}
		if fmt.Sprint(keyed) != "[lost recycled mql rejected recycled]" {
			t.Fatalf("new keys sort %v", keyed)
		}
	})
}

// TestLedgerInOrderWithinASecond: a person's ledger reads back oldest
// first when its entries are written out as items within one second (they
// were keyed by RFC 3339, a whole second after its fractions), items of
// before among them.
func TestLedgerInOrderWithinASecond(t *testing.T) {
	s := time.Date(2026, 11, 2, 10, 0, 5, 0, time.UTC)
	onBoth(t, clock.Fixed(s.Add(time.Hour)), func(t *testing.T, tb table.Table) {
		ctx := context.Background()
		const person = "p_l"
		c := func(ev string, off time.Duration) Contribution {
			return Contribution{Rule: "r", Kind: "behaviour", EventID: ev, Delta: 1, At: s.Add(off)}
		}
		// Of before: a at the second before, b c d in s (by key: d c b).
		var ws []table.Write
		for _, o := range []Contribution{c("z", -700*time.Millisecond), c("y", 0), c("x", 500*time.Millisecond), c("w", 520*time.Millisecond)} {
			ws = append(ws, table.Put(table.Item{PK: identity.PersonPK(person), SK: ledgerPfx + o.At.Format(time.RFC3339Nano) + "#" + o.EventID + "#00", Kind: "ledger", Data: encodeContribution(o)}, table.Always))
		}
		ws = append(ws, ledgerWrites(person, 0, []Contribution{c("v", 0), c("u", 100*time.Millisecond), c("t", 120*time.Millisecond), c("s", time.Second)})...)
		if err := tb.Transact(ctx, ws); err != nil {
			t.Fatal(err)
		}
		led, err := (&Qualifier{T: tb}).Ledger(ctx, person)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, c := range led {
			got = append(got, c.EventID)
		}
		if fmt.Sprint(got) != "[z y v u t x w s]" {
			t.Fatalf("ledger %v", got)
		}
	})
}
