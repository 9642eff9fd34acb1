package qualify

import (
	"context"
	"encoding/json"
	"sort"
	"strings"
	"time"

	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/table"
)

// Sort keys of qualify's items in the person's partition (identity's
// partition, reached through identity.PersonPK): qualify alone builds and
// decodes them; reports read them through Facts and FunnelDays.
const (
	scoreSK    = "SCORE" // the score record
	ledgerPfx  = "L#"    // L#<time>#<event>#<n> (generation 0), L#g<gen>#<time>#<event>#<n>: ledger entries
	historyPfx = "H#"    // H#<time>.<seq>#<stage> (historySK; before it H#<time>#<stage>): stage history
	mqlPfx     = "MQL#"  // MQL#<cycle>: the cycle's MQL
	fbPfx      = "FB#"   // FB#<delivery>: an applied sales outcome
)

// Facts are one person's durable scoring facts: the score record (with its
// touches), the stage history and the MQLs.
type Facts struct {
	ID      string
	Rec     Record
	History []StageChange
	MQLs    []MQL
	Deals   []Deal // by cycle
}

// AllFacts reads every scored person's facts, people by id, each's history
// oldest first and MQLs and deals by cycle, through the index of scored
// people: what it reads grows with people and their stage changes, never
// with their events (the ledger is not read). People never scored (no
// record, no history) are left out. It never writes.
func AllFacts(ctx context.Context, t table.Table) ([]*Facts, error) {
	return AllFactsAtOnce(ctx, t, factsParallel)
}

// AllFactsAtOnce is AllFacts reading n people's facts at once (the
// sweep's builds: on DynamoDB a read takes milliseconds, and 100,000
// people's at factsParallel would not fit their budget).
func AllFactsAtOnce(ctx context.Context, t table.Table, n int) ([]*Facts, error) {
	var all []*Facts
	done, err := indexComplete(ctx, t)
	if err == nil && done {
		all, err = indexedFacts(ctx, t, n)
	} else if err == nil {
		all, err = scanFacts(ctx, t) // people scored before the index, until the sweep indexes them
	}
	if err != nil {
		return nil, err
	}
	out := make([]*Facts, 0, len(all))
	for _, p := range all {
		if p.Rec.Person == "" && len(p.History) == 0 {
			continue // never scored (an index entry left by an erasure under way)
		}
		sortHistory(p.History)
		sort.SliceStable(p.MQLs, func(i, j int) bool { return p.MQLs[i].Cycle < p.MQLs[j].Cycle })
		sort.SliceStable(p.Deals, func(i, j int) bool { return p.Deals[i].Cycle < p.Deals[j].Cycle })
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// FunnelDay is one day's funnel counter of one first-touch channel: people
// who entered each stage that day.
type FunnelDay struct {
	Day      time.Time // the day's start (UTC date as written)
	Channel  string
	Counters map[string]int64
}

// FunnelDays reads the funnel's write-time counters, every day's.
func FunnelDays(ctx context.Context, t table.Table) ([]FunnelDay, error) {
	items, err := t.Query(ctx, table.Query{PK: aggFunnel, Consistent: true})
	if err != nil {
		return nil, err
	}
	var out []FunnelDay
	for _, it := range items {
		day, channel, ok := strings.Cut(it.SK, "#")
		if !ok {
			continue
		}
		d, err := time.Parse("2006-01-02", day)
		if err != nil {
			continue
		}
		out = append(out, FunnelDay{Day: d, Channel: channel, Counters: it.Counters})
	}
	return out, nil
}

// AllLedgers reads every person's behaviour contributions in one pass over
// the people's partitions (the lab's evidence), keyed by person id.
func AllLedgers(ctx context.Context, t table.Table) (map[string][]Contribution, error) {
	type entry struct {
		gen int
		c   Contribution
	}
	items := map[string][]entry{}
	gens := map[string]int{}
	out := map[string][]Contribution{}
	err := identity.ScanPeople(ctx, t, func(person string, it table.Item) error {
		switch {
		case it.SK == scoreSK: // entries pending on the score record
			r, err := decodeRecord(it.Data)
			if err != nil {
				return err
			}
			gens[person] = r.Gen
			for _, c := range r.Pending {
				if c.Kind == "behaviour" {
					out[person] = append(out[person], c)
				}
			}
		case strings.HasPrefix(it.SK, ledgerPfx):
			c, err := decodeContribution(it.Data)
			if err != nil {
				return err
			}
			if c.Kind == "behaviour" {
				items[person] = append(items[person], entry{ledgerGen(it.SK), c})
			}
		}
		return nil
	})
	// Only the generation the record names explains it (another is a
	// rescore's, being written or being deleted).
	for person, es := range items {
		for _, e := range es {
			if e.gen == gens[person] {
				out[person] = append(out[person], e.c)
			}
		}
	}
	for _, cs := range out {
		sort.SliceStable(cs, func(i, j int) bool { return cs[i].At.Before(cs[j].At) })
	}
	return out, err
}

// scanFacts reads every person's facts in one pass over the people's
// partitions (ledger included: what a store not yet indexed offers).
func scanFacts(ctx context.Context, t table.Table) ([]*Facts, error) {
	by := map[string]*Facts{}
	get := func(id string) *Facts {
		p := by[id]
		if p == nil {
			p = &Facts{ID: id}
			by[id] = p
		}
		return p
	}
	err := identity.ScanPeople(ctx, t, func(id string, it table.Item) error {
		var err error
		switch {
		case it.SK == scoreSK:
			get(id).Rec, err = decodeRecord(it.Data)
		case strings.HasPrefix(it.SK, historyPfx):
			var c StageChange
			c, err = decodeStageChange(it)
			get(id).History = append(get(id).History, c)
		case strings.HasPrefix(it.SK, mqlPfx):
			var m MQL
			err = json.Unmarshal(it.Data, &m)
			get(id).MQLs = append(get(id).MQLs, m)
		case strings.HasPrefix(it.SK, dealPfx):
			var ds []Deal
			ds, err = decodeDeals(it.Data)
			get(id).Deals = append(get(id).Deals, ds...)
		}
		return err
	})
	out := make([]*Facts, 0, len(by))
	for _, p := range by {
		out = append(out, p)
	}
	return out, err
}
