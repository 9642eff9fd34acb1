package qualify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"sort"

	"github.com/baton-hq/baton/internal/fanout"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/table"
)

// The index of scored people: one small item per person, written with
// their first score record (in the same transaction), so that reports read
// each person's facts by key (score record, stage history, MQLs, deals) and
// never the ledger, which grows with every scored event.
//
//	PK=SCORED#<shard>  SK=<person>
//	PK=SCORED#meta     SK=INDEXED  once the people scored before the index are in it
//	PK=SCORED#meta     SK=LISTING  until then, where the pass over the people goes on
const (
	scoredPfx     = "SCORED#"
	scoredMeta    = scoredPfx + "meta"
	scoredDone    = "INDEXED"
	scoredListing = "LISTING"
	scoredShards  = 16 // partitions, so no one DynamoDB partition takes every first score
)

func scoredPK(person string) string {
	h := fnv.New32a()
	h.Write([]byte(person))
	return fmt.Sprintf("%s%02d", scoredPfx, h.Sum32()%scoredShards)
}

// withIndex adds the person's index entry to the writes that create their
// score record (version 0); a repeat is harmless (same item).
func withIndex(ws []table.Write, person string, rec Record) []table.Write {
	if rec.version != 0 {
		return ws
	}
	return append(ws, table.Put(table.Item{PK: scoredPK(person), SK: person, Kind: "scored"}, table.Always))
}

// indexComplete reports whether every scored person is in the index
// (IndexScoredPeople has run on this store).
func indexComplete(ctx context.Context, t table.Table) (bool, error) {
	_, err := t.Get(ctx, scoredMeta, scoredDone)
	if errors.Is(err, table.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// scoredPeople lists every indexed person.
func scoredPeople(ctx context.Context, t table.Table) ([]string, error) {
	var out []string
	for i := range scoredShards {
		items, err := t.Query(ctx, table.Query{PK: fmt.Sprintf("%s%02d", scoredPfx, i), Consistent: true})
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			out = append(out, it.SK)
		}
	}
	sort.Strings(out)
	return out, nil
}

// SampleScored returns up to n scored people's ids from the index, in no
// particular order: a few queries of its partitions, however large the
// table (the sweep's look at the population scanned the whole table).
func SampleScored(ctx context.Context, t table.Table, n int) ([]string, error) {
	var out []string
	for i := 0; i < scoredShards && len(out) < n; i++ {
		items, err := t.Query(ctx, table.Query{PK: fmt.Sprintf("%s%02d", scoredPfx, i), Limit: n - len(out)})
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			out = append(out, it.SK)
		}
	}
	return out, nil
}

// IndexScoredPeople indexes the people whose score records predate the
// index, once per store (one pass over the people's partitions; the sweep
// runs it, so no read path ever writes). Until it has run, AllFacts reads
// by that pass instead. It returns how many people it indexed.
//
// The pass goes a page at a time, keeping where it is (scoredListing), so
// that a run that ends (ctx: the sweep's budget) goes on from there next
// run: on DynamoDB it scans the whole table, and a pass started afresh by
// every run never ended on a table larger than a run can read, and took
// the rest of the sweep (SLA breaches, rescores) down with it each time.
func IndexScoredPeople(ctx context.Context, t table.Table) (int, error) {
	if done, err := indexComplete(ctx, t); done || err != nil {
		return 0, err
	}
	var cursor string
	if it, err := t.Get(ctx, scoredMeta, scoredListing); err == nil {
		cursor = string(it.Data)
	} else if !errors.Is(err, table.ErrNotFound) {
		return 0, err
	}
	n := 0
	for ctx.Err() == nil {
		var ws []table.Write
		next, err := identity.ScanPeoplePage(ctx, t, cursor, func(person string, it table.Item) error {
			if it.SK == scoreSK {
				ws = append(ws, table.Put(table.Item{PK: scoredPK(person), SK: person, Kind: "scored"}, table.NotExists))
			}
			return nil
		})
		if err != nil {
			if ctx.Err() != nil {
				return n, nil // out of time: the next run reads this page again
			}
			return n, err
		}
		for start := 0; start < len(ws); start += 100 {
			for _, err := range t.PutMany(ctx, ws[start:min(start+100, len(ws))]) {
				switch {
				case err == nil:
					n++
				case ctx.Err() != nil:
					return n, nil // out of time: the next run writes this page again
				case !errors.Is(err, table.ErrConditionFailed): // failed: indexed by their first score
					return n, err
				}
			}
		}
		if next == "" {
			if err := t.Put(ctx, table.Item{PK: scoredMeta, SK: scoredDone, Kind: "scored"}, table.Always); err != nil {
				return n, err
			}
			return n, t.Delete(ctx, scoredMeta, scoredListing, table.Always)
		}
		if err := t.Put(ctx, table.Item{PK: scoredMeta, SK: scoredListing, Kind: "scored", Data: []byte(next)}, table.Always); err != nil {
			if ctx.Err() != nil {
				return n, nil // out of time: the next run goes on from the last cursor kept
			}
			return n, err
		}
		cursor = next
	}
	return n, nil
}

// factsOf reads one person's facts by key: the score record, then the
// stage history, MQLs and deals by their prefixes (never the ledger).
func factsOf(ctx context.Context, t table.Table, id string) (*Facts, error) {
	pk := identity.PersonPK(id)
	p := &Facts{ID: id}
	it, err := t.Get(ctx, pk, scoreSK)
	switch {
	case err == nil:
		if p.Rec, err = decodeRecord(it.Data); err != nil {
			return nil, err
		}
	case !errors.Is(err, table.ErrNotFound):
		return nil, err
	}
	for _, part := range []struct {
		prefix string
		add    func(table.Item) error
	}{
		{historyPfx, func(it table.Item) error {
			c, err := decodeStageChange(it)
			p.History = append(p.History, c)
			return err
		}},
		{mqlPfx, func(it table.Item) error {
			var m MQL
			err := json.Unmarshal(it.Data, &m)
			p.MQLs = append(p.MQLs, m)
			return err
		}},
		{dealPfx, func(it table.Item) error {
			ds, err := decodeDeals(it.Data)
			p.Deals = append(p.Deals, ds...)
			return err
		}},
	} {
		items, err := t.Query(ctx, table.Query{PK: pk, Prefix: part.prefix, Consistent: true})
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			if err := part.add(it); err != nil {
				return nil, err
			}
		}
	}
	return p, nil
}

// factsParallel is how many people's facts are read at once: on DynamoDB
// each is four requests, and a report reads every scored person's (at 8 at
// once, about 17,000 people took API Gateway's 30 s).
const factsParallel = 32

// indexedFacts reads every indexed person's facts, n at a time.
func indexedFacts(ctx context.Context, t table.Table, n int) ([]*Facts, error) {
	ids, err := scoredPeople(ctx, t)
	if err != nil {
		return nil, err
	}
	out := make([]*Facts, len(ids))
	errs := make([]error, len(ids))
	err = fanout.Each(len(ids), n, func(i int) { out[i], errs[i] = factsOf(ctx, t, ids[i]) })
	if err := errors.Join(append(errs, err)...); err != nil {
		return nil, err
	}
	return out, nil
}

// indexed selects the person's entry in the index (erasure, disclosure).
func indexed(person string) (table.Query, func(table.Item) bool) {
	return table.Query{PK: scoredPK(person), Prefix: person}, func(it table.Item) bool { return it.SK == person }
}
