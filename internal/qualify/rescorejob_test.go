package qualify

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/bolttable"
)

// noKeys is a table no read may reach: a key no table can hold (a NUL,
// longer than DynamoDB's 1024-byte sort key) fails the read, a 500.
type noKeys struct{ table.Table }

func (noKeys) Get(context.Context, string, string) (table.Item, error) {
	return table.Item{}, errors.New("read: the id was not checked")
}

// TestMalformedJobIDNamesNone: GET /admin/rescore/%00 answered 500.
func TestMalformedJobIDNamesNone(t *testing.T) {
	q := &Qualifier{T: noKeys{}}
	for _, id := range []string{"", "\x00", strings.Repeat("j", 3000), "20261201T171636-0a1b2c3d\x00", "../20261201T171636-0a1b2c3d"} {
		if _, err := q.RescoreJob(context.Background(), id); !errors.Is(err, table.ErrNotFound) {
			t.Errorf("job %.30q: %v, want table.ErrNotFound", id, err)
		}
	}
	id := "20261201T171636-" + shortID() // as StartRescore makes them
	if _, err := q.RescoreJob(context.Background(), id); err == nil || errors.Is(err, table.ErrNotFound) {
		t.Fatalf("a well-formed id %s must be read: %v", id, err)
	}
}

// raceChunk is a table on which a job's listing appends to a chunk once,
// between the erasure's read of the chunk and its write.
type raceChunk struct {
	table.Table
	between func()
}

func (r *raceChunk) Put(ctx context.Context, it table.Item, c table.Cond) error {
	if f := r.between; f != nil && strings.HasPrefix(it.SK, "chunk") {
		r.between = nil
		f()
	}
	return r.Table.Put(ctx, it, c)
}

// TestErasureBlanksAChunkTheListingFilled: a job's listing appends people
// to its last chunk while it runs; an erasure that read the chunk before
// took its failed write for a finished job's list gone, and the person's
// id stayed listed. It reads the chunk again and blanks it there.
func TestErasureBlanksAChunkTheListingFilled(t *testing.T) {
	ctx := context.Background()
	tb, err := bolttable.Open(filepath.Join(t.TempDir(), "q.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer tb.Close()
	j := Job{ID: "20261201T171636-0a1b2c3d", Status: jobListing, Total: 1}
	chunk := func(ids ...string) table.Item {
		data, _ := json.Marshal(ids)
		return table.Item{PK: jobPK + "#" + j.ID, SK: "chunk000000", Kind: KindJob, Data: data}
	}
	if err := tb.Put(ctx, table.Item{PK: jobPK, SK: j.ID, Kind: KindJob, Data: encodeJob(j)}, table.NotExists); err != nil {
		t.Fatal(err)
	}
	if err := tb.Put(ctx, chunk("p_gone"), table.NotExists); err != nil {
		t.Fatal(err)
	}
	rt := &raceChunk{Table: tb}
	rt.between = func() {
		if err := tb.Put(ctx, chunk("p_gone", "p_next"), table.VersionIs(1)); err != nil {
			t.Fatal(err)
		}
	}
	q := &Qualifier{T: rt}
	removed, err := q.forgetInJobs(ctx, "p_gone")
	if err != nil || removed["jobentry"] != 1 {
		t.Fatalf("forget: %v %v", removed, err)
	}
	it, err := tb.Get(ctx, jobPK+"#"+j.ID, "chunk000000")
	if err != nil || string(it.Data) != `["","p_next"]` {
		t.Errorf("the chunk after the erasure: %s %v, want the id blanked and the listed one kept", it.Data, err)
	}
}
