// Package audittest is the audit trail's conformance suite, run on every
// backend (internal/conformance): entries come back newest first a page at
// a time, entries made in the same instant are all kept, and an entry is
// gone once its TTL has passed on the injected clock; refused requests are
// counted, one entry per minute, address, reason and name, in a bounded
// number of writes, by one process or two.
package audittest

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/audit"
	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/tabletest"
)

// Suite returns the suite.
func Suite() tabletest.Suite { return tabletest.Suite{Name: "audit", Run: run} }

func run(t *testing.T, newTable tabletest.Factory) {
	t.Run("requests", func(t *testing.T) { requests(t, newTable) })
	t.Run("refusals", func(t *testing.T) { refusals(t, newTable) })
	t.Run("order", func(t *testing.T) { order(t, newTable) })
}

func requests(t *testing.T, newTable tabletest.Factory) {
	ctx := context.Background()
	t0 := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	clk := clock.NewManual(t0)
	tb := newTable(t, clk.Now)
	l := &audit.Log{T: tb, TTL: 48 * time.Hour, Now: clk.Now}

	// Seven entries an hour apart, the last two in the same instant, then one a minute later.
	for i := range 7 {
		if i > 0 && i < 6 {
			clk.Advance(time.Hour)
		}
		e := audit.Entry{Who: fmt.Sprint("op", i), Via: "token", Route: "POST /admin/accounts/{id}/merge", Method: "POST", ID: fmt.Sprint("acct-", i), Status: 200 + i}
		if err := l.Record(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	// An id that is not one of Baton's (an email typed in the path) is not kept.
	clk.Advance(time.Minute)
	if err := l.Record(ctx, audit.Entry{Who: "op7", Route: "DELETE /admin/people/{id}", Method: "DELETE", ID: "someone@example.com", Status: 404}); err != nil {
		t.Fatal(err)
	}

	var all []audit.Entry
	cursor, pages := "", 0
	for {
		es, next, err := l.List(ctx, cursor, 3)
		if err != nil {
			t.Fatal(err)
		}
		if pages++; pages > 5 || len(es) > 3 {
			t.Fatalf("page %d: %d entries, next %q", pages, len(es), next)
		}
		all = append(all, es...)
		if next == "" {
			break
		}
		cursor = next
	}
	if len(all) != 8 || pages != 3 {
		t.Fatalf("%d entries in %d pages, want 8 in 3", len(all), pages)
	}
	if all[0].Who != "op7" || all[0].ID != "" || all[0].Status != 404 || all[0].Route != "DELETE /admin/people/{id}" {
		t.Fatalf("newest %+v", all[0])
	}
	// Same instant: both kept, in either order.
	if !(all[1].Who == "op6" && all[2].Who == "op5" || all[1].Who == "op5" && all[2].Who == "op6") || !all[1].At.Equal(all[2].At) {
		t.Fatalf("same-instant entries %+v %+v", all[1], all[2])
	}
	for i, e := range all[3:] {
		want := 4 - i
		if e.Who != fmt.Sprint("op", want) || e.ID != fmt.Sprint("acct-", want) || e.Status != 200+want || e.Method != "POST" || e.Via != "token" ||
			!e.At.Equal(t0.Add(time.Duration(want)*time.Hour)) {
			t.Fatalf("entry %d: %+v", i+3, e)
		}
	}

	// Stored with the TTL, never on the change feed's kinds.
	n := 0
	err := tb.Scan(ctx, "", func(it table.Item) error {
		if audit.Holds(it) {
			n++
			if it.Kind != audit.Kind || it.Expires.IsZero() || it.Expires.Before(t0.Add(48*time.Hour)) {
				t.Errorf("stored %+v", it)
			}
		}
		return nil
	})
	if err != nil || n != 8 {
		t.Fatalf("%d items (%v)", n, err)
	}

	if _, _, err := l.List(ctx, "20261102T090000Z-00", 3); !errors.Is(err, audit.ErrCursor) {
		t.Fatalf("bad cursor: %v", err)
	}

	// Two days after the first entry: it has expired, the others not yet;
	// the list ends before it.
	clk.Set(t0.Add(48 * time.Hour))
	es, next, err := l.List(ctx, "", 100)
	if err != nil || next != "" || len(es) != 7 || es[6].Who != "op1" {
		t.Fatalf("after two days: %d entries, next %q, %v", len(es), next, err)
	}
	clk.Advance(10 * time.Hour)
	if es, _, err := l.List(ctx, "", 100); err != nil || len(es) != 0 {
		t.Fatalf("after everything expired: %+v %v", es, err)
	}
}

// writes counts a table's writes (an item of a transaction is one).
type writes struct {
	table.Table
	puts, adds, transacts, items int
}

func (w *writes) Transact(ctx context.Context, ws []table.Write) error {
	w.transacts++
	w.items += len(ws)
	return w.Table.Transact(ctx, ws)
}

func (w *writes) Put(ctx context.Context, it table.Item, c table.Cond) error {
	w.puts++
	return w.Table.Put(ctx, it, c)
}

func (w *writes) Add(ctx context.Context, pk, sk, kind string, d map[string]int64) (map[string]int64, error) {
	w.adds++
	return w.Table.Add(ctx, pk, sk, kind, d)
}

func refusals(t *testing.T, newTable tabletest.Factory) {
	ctx := context.Background()
	t0 := time.Date(2026, 11, 2, 9, 0, 10, 0, time.UTC)
	clk := clock.NewManual(t0)
	tb := &writes{Table: newTable(t, clk.Now)}
	l := &audit.Log{T: tb, TTL: 48 * time.Hour, Now: clk.Now, Keys: 3}
	attacker := netip.MustParseAddr("192.0.2.77")
	login := audit.Refusal{Via: "session", Route: "POST /admin/login", Method: "POST", Status: 401, Reason: audit.ReasonUnknownToken, Addr: attacker}

	// A flood: 10,000 wrong tokens from one address, one every 15 ms (2.5
	// minutes: 09:00:10 to 09:02:40).
	const flood = 10000
	for range flood {
		if err := l.Refuse(ctx, login); err != nil {
			t.Fatal(err)
		}
		clk.Advance(15 * time.Millisecond)
	}
	es, _, err := l.List(ctx, "", 100)
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, e := range es {
		total += e.Count
		if e.Addr != "192.0.2.0" || e.Reason != audit.ReasonUnknownToken || e.Who != "" || e.Route != "POST /admin/login" || e.Status != 401 {
			t.Errorf("entry %+v", e)
		}
	}
	// Three minutes touched: three entries, every attempt counted; a
	// transaction of two puts per entry (its minute's claim, itself) and a
	// counter addition at most every FlushEvery (and at the minute's end
	// and the listing).
	maxWrites := 3 * (int(time.Minute/audit.FlushEvery) + 3)
	if len(es) != 3 || total != flood || !es[2].At.Equal(t0) || es[0].At.Sub(t0.Add(110*time.Second).Truncate(time.Minute)) >= 15*time.Millisecond ||
		tb.puts != 0 || tb.transacts != 3 || tb.items != 6 || tb.items+tb.adds > maxWrites ||
		!es[2].Last.Equal(t0.Add(49*time.Second)) || !es[0].Last.Equal(t0.Add((flood-1)*15*time.Millisecond).Truncate(time.Second)) {
		t.Fatalf("%d entries counting %d attempts (first %+v), %d puts, %d transactions of %d items and %d additions for %d attempts (at most %d writes)", len(es), total, es[len(es)-1], tb.puts, tb.transacts, tb.items, tb.adds, flood, maxWrites)
	}
	t.Logf("%d refused attempts: %d entries, %d writes", flood, len(es), tb.items+tb.adds)

	// Another process sees the same address refused in the same minute:
	// one entry, both counted.
	clk.Set(t0.Add(10 * time.Minute))
	other := &audit.Log{T: tb, TTL: 48 * time.Hour, Now: clk.Now, Keys: 3}
	if err := other.Refuse(ctx, audit.Refusal{Who: "analyst", Via: "token", Route: "GET /admin/mqls", Method: "GET", Status: 403, Reason: audit.ReasonMissingScope, Addr: attacker}); err != nil {
		t.Fatal(err)
	}
	if err := l.Refuse(ctx, audit.Refusal{Who: "analyst", Via: "token", Route: "GET /admin/audit", Method: "GET", Status: 403, Reason: audit.ReasonMissingScope, Addr: attacker}); err != nil {
		t.Fatal(err)
	}
	// Many networks in the same minute: Keys entries of their own (this
	// process has one this minute already), the rest counted under "*".
	// IPv6 is kept to its /48.
	for i := range 10 {
		f := login
		f.Addr = netip.AddrFrom4([4]byte{198, 51, byte(i), 9})
		if i == 0 {
			f.Addr = netip.MustParseAddr("2001:db8:1234:5678::1")
		}
		for range 2 {
			if err := l.Refuse(ctx, f); err != nil {
				t.Fatal(err)
			}
		}
	}
	es, _, err = l.List(ctx, "", 100)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, e := range es[:len(es)-3] {
		got[strings.Join([]string{e.Addr, e.Who, e.Reason}, "/")] = e.Count
	}
	want := map[string]int{"192.0.2.0/analyst/missing scope": 2, "2001:db8:1234:://unknown token": 2, "198.51.1.0//unknown token": 2, "*//unknown token": 16}
	if len(got) != len(want) {
		t.Fatalf("entries %v, want %v", got, want)
	}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("%s: %d attempts, want %d (all: %v)", k, got[k], n, got)
		}
	}

	// Never the full address.
	err = tb.Scan(ctx, "", func(it table.Item) error {
		if audit.Holds(it) && (strings.Contains(string(it.Data), "192.0.2.77") || strings.Contains(string(it.Data), "5678")) {
			t.Errorf("stored %s", it.Data)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// order: a minute's refusals sort among the other entries of the minute at
// their first attempt, and show their last, whichever process counted it:
// the trail reads in the order things happened, a page at a time too.
func order(t *testing.T, newTable tabletest.Factory) {
	ctx := context.Background()
	t0 := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	clk := clock.NewManual(t0)
	tb := newTable(t, clk.Now)
	l := &audit.Log{T: tb, TTL: 48 * time.Hour, Now: clk.Now}
	other := &audit.Log{T: tb, TTL: 48 * time.Hour, Now: clk.Now}
	refuse := func(l *audit.Log, sec int, net string) {
		t.Helper()
		clk.Set(t0.Add(time.Duration(sec) * time.Second))
		f := audit.Refusal{Via: "token", Route: "GET /admin/mqls", Method: "GET", Status: 401, Reason: audit.ReasonUnknownToken, Addr: netip.MustParseAddr(net)}
		if err := l.Refuse(ctx, f); err != nil {
			t.Fatal(err)
		}
	}
	record := func(sec int, who string) {
		t.Helper()
		clk.Set(t0.Add(time.Duration(sec) * time.Second))
		if err := l.Record(ctx, audit.Entry{Who: who, Via: "token", Route: "POST /admin/links", Method: "POST", Status: 201}); err != nil {
			t.Fatal(err)
		}
	}
	refuse(l, 5, "192.0.2.1")        // 10:00:05 the first of 192.0.2.0/24's
	record(30, "op-a")               // 10:00:30 a change
	refuse(l, 45, "192.0.2.9")       // counted with 10:00:05's
	refuse(other, 50, "192.0.2.200") // another process: the same entry, its last attempt
	refuse(l, 59, "198.51.100.7")    // 10:00:59 the only one of 198.51.100.0/24
	record(70, "op-b")               // 10:01:10

	type row struct {
		what     string
		at, last time.Time
		count    int
	}
	diff := func(got, want row) string {
		f := func(r row) string {
			return fmt.Sprintf("%s at %s last %s count %d", r.what, r.at.Format("15:04:05"), r.last.Format("15:04:05"), r.count)
		}
		return f(got) + ", want " + f(want)
	}
	at := func(sec int) time.Time { return t0.Add(time.Duration(sec) * time.Second) }
	want := []row{{"op-b", at(70), time.Time{}, 0}, {"198.51.100.0", at(59), time.Time{}, 1}, {"op-a", at(30), time.Time{}, 0}, {"192.0.2.0", at(5), at(50), 3}}
	for _, limit := range []int{100, 1} {
		var got []row
		cursor := ""
		for range 10 {
			es, next, err := l.List(ctx, cursor, limit)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range es {
				what := e.Who
				if e.Count > 0 {
					what = e.Addr
				}
				got = append(got, row{what, e.At, e.Last, e.Count})
			}
			if cursor = next; next == "" {
				break
			}
		}
		if len(got) != len(want) {
			t.Fatalf("pages of %d: %+v, want %+v", limit, got, want)
		}
		for i := range want {
			if got[i].what != want[i].what || !got[i].at.Equal(want[i].at) || !got[i].last.Equal(want[i].last) || got[i].count != want[i].count {
				t.Errorf("pages of %d, entry %d: %s", limit, i, diff(got[i], want[i]))
			}
		}
	}
}
