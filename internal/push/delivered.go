package push

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/baton-hq/baton/internal/sortkey"
	"github.com/baton-hq/baton/internal/table"
)

// The index of MQLs' first deliveries, by time: sales' SLA runs from when
// a connector first took an MQL, which a dead letter replayed may make
// months after the MQL was raised, past any lookback by the MQL's own
// time. The SLA sweep and report read it by delivery time (a range, never
// every MQL). Written with the delivery record that is the MQL's first
// (Worker.run), forgotten with the person's delivery records (Forget):
//
//	PK=MQLDELIVERED  SK=<delivered, sortkey.Time>#<mql>  {"mql", "at"}
//
// MQLs delivered before the index existed are not in it (the sweep reads
// them by the MQL index as before).
const (
	deliveredPK        = "MQLDELIVERED"
	KindDeliveredIndex = "mqldelivered"
)

// deliveredIndexSK is an MQL's place in the index.
func deliveredIndexSK(mqlID string, at time.Time) string {
	return sortkey.Time(at) + "#" + mqlID
}

func deliveredIndexPut(mqlID string, at time.Time) table.Write {
	data, _ := json.Marshal(map[string]any{"mql": mqlID, "at": at})
	return table.Put(table.Item{PK: deliveredPK, SK: deliveredIndexSK(mqlID, at), Kind: KindDeliveredIndex, Data: data}, table.Always)
}

// anyDelivered reports whether a connector other than states[i] has the
// MQL: then states[i]'s delivery is not its first.
func anyDelivered(states []Delivery, i int) bool {
	for j := range states {
		if j != i && states[j].Status == StatusDelivered {
			return true
		}
	}
	return false
}

// FirstDeliveredBetween lists the MQLs first delivered in [from, to) (to
// zero: up to now) by the index, each MQL's id and that time. It reads a
// range of up to two years a month of keys at a time, so a range long past
// reads its own months, not every delivery since (a longer one, or one
// open at either end, reads on from from). Two workers delivering an MQL
// to two connectors at once may both index it: the earlier is kept.
func FirstDeliveredBetween(ctx context.Context, t table.Table, from, to time.Time) (map[string]time.Time, error) {
	out := map[string]time.Time{}
	add := func(items []table.Item) error {
		for _, it := range items {
			var e struct {
				MQL string    `json:"mql"`
				At  time.Time `json:"at"`
			}
			if err := json.Unmarshal(it.Data, &e); err != nil {
				return err
			}
			if e.At.Before(from) || !to.IsZero() && !e.At.Before(to) {
				continue
			}
			if prev, ok := out[e.MQL]; !ok || e.At.Before(prev) {
				out[e.MQL] = e.At
			}
		}
		return nil
	}
	if to.IsZero() || from.IsZero() || to.Sub(from) > 2*366*24*time.Hour {
		items, err := t.Query(ctx, table.Query{PK: deliveredPK, After: sortkey.Second(from), Consistent: true})
		if err != nil {
			return nil, err
		}
		return out, add(items)
	}
	start := time.Date(from.UTC().Year(), from.UTC().Month(), 1, 0, 0, 0, 0, time.UTC)
	for m := start; m.Before(to); m = m.AddDate(0, 1, 0) {
		q := table.Query{PK: deliveredPK, Prefix: m.Format("2006-01-"), Consistent: true}
		if m.Equal(start) {
			q.After = sortkey.Second(from)
		}
		items, err := t.Query(ctx, q)
		if err != nil {
			return nil, err
		}
		if err := add(items); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// deliveredIndexItems are the index keys the person's delivery records
// may have written, each once (one per delivered record: only the first
// of an MQL's is there, the rest are absent and cost a failed delete;
// connectors that took it at the same instant give one key, which a
// disclosure must count once, as the erasure removes it once).
func deliveredIndexItems(dlv []table.Item) []table.Item {
	var out []table.Item
	seen := map[string]bool{}
	for _, it := range dlv {
		d, err := decodeDelivery(it.Data)
		if err != nil || d.Status != StatusDelivered || !strings.HasPrefix(it.SK, "DLV#") {
			continue
		}
		sk := deliveredIndexSK(d.MQLID, d.At)
		if !seen[sk] {
			seen[sk] = true
			out = append(out, table.Item{PK: deliveredPK, SK: sk, Kind: KindDeliveredIndex})
		}
	}
	return out
}
