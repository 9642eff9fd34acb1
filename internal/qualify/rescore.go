package qualify

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/table"
)

// RescoreReport says what a rescore did.
type RescoreReport struct {
	People int    `json:"people"`
	MQLs   int    `json:"newMqls"`
	Rules  string `json:"rules"`
}

// Rescore replays every person's stored events under the current rules:
// the behaviour state and ledger are rebuilt from scratch. Stages, MQLs
// already raised and sales outcomes are history and stay; a person whose new
// score meets the definition and who can qualify becomes an MQL now.
func (q *Qualifier) Rescore(ctx context.Context) (RescoreReport, error) {
	rep := RescoreReport{Rules: q.Engine.Version()}
	people, err := identity.PersonIDs(ctx, q.T)
	if err != nil {
		return rep, err
	}
	for _, p := range people {
		before, err := q.MQLs(ctx, p)
		if err != nil {
			return rep, err
		}
		if err := q.RescorePerson(ctx, p); err != nil {
			if errors.Is(err, identity.ErrNotFound) {
				continue
			}
			return rep, err
		}
		after, err := q.MQLs(ctx, p)
		if err != nil {
			return rep, err
		}
		rep.People++
		rep.MQLs += len(after) - len(before)
	}
	return rep, nil
}

// RescorePerson rebuilds one person's behaviour state and ledger.
func (q *Qualifier) RescorePerson(ctx context.Context, person string) error {
	for {
		items, err := q.T.Query(ctx, table.Query{PK: identity.PersonPK(person), Prefix: ledgerPfx, Limit: 100, Consistent: true})
		if err != nil {
			return err
		}
		if len(items) == 0 {
			break
		}
		ws := make([]table.Write, 0, len(items))
		for _, it := range items {
			ws = append(ws, table.Del(it.PK, it.SK, table.Always))
		}
		for _, err := range q.T.PutMany(ctx, ws) {
			if err != nil {
				return err
			}
		}
	}
	for attempt := 0; attempt < 10; attempt++ {
		rec, err := q.Record(ctx, person)
		if err != nil {
			return err
		}
		if rec.version == 0 {
			break // never scored
		}
		rec.State = nil
		data, _ := json.Marshal(rec)
		err = q.T.Put(ctx, table.Item{PK: identity.PersonPK(person), SK: scoreSK, Kind: "score", Data: data}, table.VersionIs(rec.version))
		if err == nil {
			break
		}
		if !errors.Is(err, table.ErrConditionFailed) {
			return err
		}
	}
	return q.replay(ctx, person)
}

// replay applies the person's timeline oldest first with the recycles of
// their stage history in between, at the times sales closed them: the
// lifecycle is an input of the replay, so a rescore never brings back a
// lead sales rejected unless new evidence after the recycle qualifies them.
// Events up to the last recycle raise no MQL (sales answered those).
func (q *Qualifier) replay(ctx context.Context, person string) error {
	hist, err := q.History(ctx, person)
	if err != nil {
		return err
	}
	var recycles []time.Time
	for _, h := range hist {
		if h.To == StageRecycled {
			recycles = append(recycles, h.At)
		}
	}
	st := &identity.Stitcher{Dir: q.Dir, Log: q.Log}
	tl, err := st.Timeline(ctx, person, 0)
	if err != nil {
		return err
	}
	eventlog.SortOldestFirst(tl)
	i := 0
	for _, at := range recycles {
		j := i
		for j < len(tl) && !tl[j].Timestamp.After(at) {
			j++
		}
		if err := q.applyMay(ctx, person, tl[i:j], false); err != nil {
			return err
		}
		if err := q.recycleState(ctx, person, at); err != nil {
			return err
		}
		i = j
	}
	return q.applyMay(ctx, person, tl[i:], true)
}
