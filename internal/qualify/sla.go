package qualify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/table"
)

// Breach is an MQL sales did not accept in time.
type Breach struct {
	MQL MQL           `json:"mql"`
	Age time.Duration `json:"age"`
}

// SweepSLA finds MQLs still waiting for sales after within and announces
// each once. It looks back at most lookback (the MQL index is ordered by
// time). announce may be nil (breaches are then only recorded).
func (q *Qualifier) SweepSLA(ctx context.Context, within, lookback time.Duration, announce func(context.Context, Breach) error) ([]Breach, error) {
	now := q.now()
	start := now.Add(-lookback).Format(time.RFC3339Nano)
	items, err := q.T.Query(ctx, table.Query{PK: mqlIndex, After: start, Consistent: true})
	if err != nil {
		return nil, err
	}
	var out []Breach
	for _, it := range items {
		var m MQL
		if err := json.Unmarshal(it.Data, &m); err != nil {
			return out, err
		}
		waited := q.Calendar.Between(m.At, now) // working time, on a business calendar
		if waited < within {
			break // ordered by time: the rest waited no longer
		}
		rec, err := q.Record(ctx, m.Person)
		if err != nil {
			return out, err
		}
		if rec.Stage != StageMQL || rec.Cycle != m.Cycle {
			continue // accepted, rejected, or a later cycle
		}
		if _, err := q.T.Get(ctx, identity.PersonPK(m.Person), slaPfx+m.ID); err == nil {
			continue // announced already
		} else if !errors.Is(err, table.ErrNotFound) {
			return out, err
		}
		b := Breach{MQL: m, Age: waited}
		if announce != nil {
			if err := announce(ctx, b); err != nil {
				return out, fmt.Errorf("announce SLA breach of %s: %w", m.ID, err)
			}
		}
		mark, _ := json.Marshal(map[string]any{"mql": m.ID, "announcedAt": now, "age": b.Age.String()})
		if err := q.T.Put(ctx, table.Item{PK: identity.PersonPK(m.Person), SK: slaPfx + m.ID, Kind: "sla", Data: mark}, table.NotExists); err != nil && !errors.Is(err, table.ErrConditionFailed) {
			return out, err
		}
		out = append(out, b)
	}
	return out, nil
}
