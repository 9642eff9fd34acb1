package click

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/bolttable"
	"github.com/baton-hq/baton/internal/table/tablecount"
)

// TestAwaitingReadsBounded: the person page's note on clicks awaiting
// judgement read every click memory of the person's day and a due entry
// for each: a link hammered a thousand times (a scanner, an attacker) made
// each load of the page read two thousand items. It reads at most
// maxAwaitingRead memories, and their due entries.
func TestAwaitingReadsBounded(t *testing.T) {
	ctx := context.Background()
	tb, err := bolttable.Open(filepath.Join(t.TempDir(), "b.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer tb.Close()
	const person, clicks = "p_0123456789abcdef01234567", 1000
	at := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	var ws []table.Write
	for i := range clicks {
		m := memo{Event: fmt.Sprintf("e%04d", i), At: at.Add(time.Duration(i) * time.Second), Link: "l"}
		data, _ := json.Marshal(m)
		sk := memoPrefix("nov-news") + fmt.Sprintf("%020d#%s", m.At.UnixNano(), m.Event)
		ws = append(ws, table.Put(table.Item{PK: identity.PersonPK(person), SK: sk, Kind: KindClick, Data: data}, table.Always),
			table.Put(table.Item{PK: dueIndex, SK: dueSK(m.At, person, m.Event), Kind: KindDue, Data: []byte(`{}`)}, table.Always))
	}
	for len(ws) > 0 {
		n := min(len(ws), 100)
		if err := tb.Transact(ctx, ws[:n]); err != nil {
			t.Fatal(err)
		}
		ws = ws[n:]
	}
	counted := tablecount.New(tb)
	n, err := Awaiting(ctx, counted, person)
	if err != nil {
		t.Fatal(err)
	}
	if c := counted.Counts(); n != maxAwaitingRead || c.Items > 2*maxAwaitingRead || c.Calls > maxAwaitingRead+1 {
		t.Errorf("%d clicks awaiting: counted %d, reading %d items in %d calls; want %d counted, at most %d items", clicks, n, c.Items, c.Calls, maxAwaitingRead, 2*maxAwaitingRead)
	}
}
