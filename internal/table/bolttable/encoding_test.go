package bolttable

import (
	"bytes"
	"context"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/baton-hq/baton/internal/table"
)

// TestJSONRecordsStillRead: a file written before the binary form holds
// JSON records and feed entries; they read as before, and a write over
// one stores the binary form.
func TestJSONRecordsStillRead(t *testing.T) {
	exp := time.Date(2031, 1, 2, 3, 4, 5, 6, time.UTC)
	tb, err := Open(filepath.Join(t.TempDir(), "b.db"), WithFeed("event"), WithClock(func() time.Time { return exp.Add(-time.Hour) }))
	if err != nil {
		t.Fatal(err)
	}
	defer tb.Close()
	err = tb.DB().Update(func(tx *bolt.Tx) error {
		// As the JSON form wrote them: data base64, counters a map.
		if err := tx.Bucket(bucket).Put([]byte("V#1\x00E#a"), []byte(`{"k":"event","d":"eyJhIjoxfQ==","x":`+itoa(exp.UnixNano())+`,"v":3}`)); err != nil {
			return err
		}
		if err := tx.Bucket(bucket).Put([]byte("N#1\x00c"), []byte(`{"k":"count","v":2,"c":{"views":7}}`)); err != nil {
			return err
		}
		return tx.Bucket(feedBucket).Put(seqKey(1), []byte(`{"op":"INSERT","pk":"V#1","sk":"E#a","item":{"k":"event","d":"eyJhIjoxfQ==","v":3}}`))
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	it, err := tb.Get(ctx, "V#1", "E#a")
	if err != nil || string(it.Data) != `{"a":1}` || it.Version != 3 || !it.Expires.Equal(exp) || it.Kind != "event" {
		t.Fatalf("JSON record read as %+v, %v", it, err)
	}
	c, err := tb.Get(ctx, "N#1", "c")
	if err != nil || c.Counters["views"] != 7 {
		t.Fatalf("JSON counters read as %+v, %v", c, err)
	}
	cs, err := tb.Next(ctx, 10)
	if err != nil || len(cs) != 1 || cs[0].Op != table.OpInsert || string(cs[0].Item.Data) != `{"a":1}` || cs[0].Item.Version != 3 {
		t.Fatalf("JSON feed entry read as %+v, %v", cs, err)
	}
	if err := tb.Put(ctx, table.Item{PK: "V#1", SK: "E#a", Kind: "event", Data: []byte(`{"a":2}`)}, table.VersionIs(3)); err != nil {
		t.Fatal(err)
	}
	tb.DB().View(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucket).Get([]byte("V#1\x00E#a")); len(v) == 0 || v[0] != binary1 {
			t.Errorf("rewritten record not in the binary form: %q", v)
		}
		return nil
	})
	if it, err := tb.Get(ctx, "V#1", "E#a"); err != nil || string(it.Data) != `{"a":2}` || it.Version != 4 {
		t.Fatalf("after the rewrite: %+v, %v", it, err)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// FuzzDecode: any stored bytes decode to a record or an error, never a
// panic, and what encode writes decodes to the same record and entry.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"k":"event","d":"e30=","v":1}`))
	f.Add(record{Kind: "event", Data: []byte(`{"x":1}`), Version: 2, Expires: 5, Counters: map[string]int64{"a": -3}}.encode())
	f.Add(feedEntry{Op: "MODIFY", PK: "P#1", SK: "SCORE", Item: record{Kind: "link", Version: 9}}.encode())
	f.Add([]byte{binary1, 0x02, 0x00, 0xff})
	f.Fuzz(func(t *testing.T, v []byte) {
		if r, err := decodeRecord(v); err == nil && len(v) > 0 && v[0] == binary1 {
			again, err := decodeRecord(r.encode())
			if err != nil || !sameRecord(r, again) {
				t.Fatalf("round trip of %+v gave %+v, %v", r, again, err)
			}
		}
		if e, err := decodeFeed(v); err == nil && len(v) > 0 && v[0] == binary1 {
			again, err := decodeFeed(e.encode())
			if err != nil || again.Op != e.Op || again.PK != e.PK || again.SK != e.SK || !sameRecord(e.Item, again.Item) {
				t.Fatalf("round trip of %+v gave %+v, %v", e, again, err)
			}
		}
	})
}

func sameRecord(a, b record) bool {
	return a.Kind == b.Kind && bytes.Equal(a.Data, b.Data) && a.Version == b.Version && a.Expires == b.Expires &&
		(len(a.Counters) == 0 && len(b.Counters) == 0 || reflect.DeepEqual(a.Counters, b.Counters))
}

// TestFeedEntryIsTheStoredItem: a change on the feed carries the item as
// stored (one encoding serves both).
func TestFeedEntryIsTheStoredItem(t *testing.T) {
	now := time.Date(2031, 1, 2, 3, 4, 5, 0, time.UTC)
	tb, err := Open(filepath.Join(t.TempDir(), "b.db"), WithFeed("event"), WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	defer tb.Close()
	ctx := context.Background()
	put := table.Item{PK: "V#1", SK: "E#a", Kind: "event", Data: []byte{0xB1, 0, 1, 2}, Expires: now.Add(time.Hour), Counters: map[string]int64{"n": 4}}
	for i := 0; i < 2; i++ {
		if err := tb.Put(ctx, put, table.Always); err != nil {
			t.Fatal(err)
		}
	}
	if err := tb.Put(ctx, table.Item{PK: "V#1", SK: "X", Kind: "other", Data: []byte("x")}, table.Always); err != nil {
		t.Fatal(err)
	}
	got, err := tb.Get(ctx, "V#1", "E#a")
	if err != nil {
		t.Fatal(err)
	}
	cs, err := tb.Next(ctx, 10)
	if err != nil || len(cs) != 2 {
		t.Fatalf("feed %+v, %v; want the two writes of the announced kind", cs, err)
	}
	for i, op := range []string{table.OpInsert, table.OpModify} {
		c := cs[i]
		if c.Op != op || c.Item.PK != put.PK || c.Item.SK != put.SK || c.Item.Kind != put.Kind || string(c.Item.Data) != string(put.Data) ||
			!c.Item.Expires.Equal(put.Expires) || c.Item.Counters["n"] != 4 || c.Item.Version != int64(i+1) {
			t.Fatalf("change %d: %+v", i, c)
		}
	}
	if got.Version != cs[1].Item.Version || string(got.Data) != string(cs[1].Item.Data) {
		t.Fatalf("stored %+v, last change %+v", got, cs[1].Item)
	}
}

// encode is a whole entry in one piece, as the store writes it in two (the
// header, then the record's bytes it shares with the item).
func (e feedEntry) encode() []byte {
	return e.Item.append(e.appendHeader(make([]byte, 0, e.headerSize()+e.Item.size())))
}
