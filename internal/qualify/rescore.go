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
		rec.State, rec.Pending = nil, nil
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

// DryRunReport says what a rescore under an engine would change, written
// nowhere: who would become an MQL, who is an MQL waiting for sales and
// would no longer qualify, by condition.
type DryRunReport struct {
	Rules        string         `json:"rules"`
	People       int            `json:"people"`
	WouldQualify []Change       `json:"wouldQualify"` // not an MQL now, would be raised one
	WouldDrop    []Change       `json:"wouldDrop"`    // an MQL awaiting sales now, would not qualify
	ByCondition  map[string]int `json:"byCondition"`  // conditions of the would-be MQLs
}

// Change is one person a dry run would move.
type Change struct {
	Person    string `json:"person"`
	Email     string `json:"email"`
	Stage     string `json:"stage"`     // now
	Condition string `json:"condition"` // the condition that would fire ("" for a drop)
	Waiting   string `json:"waiting,omitempty"`
}

// DryRun replays every person's stored events and recycles under engine e
// (nil: the rules in force) in memory and compares the verdict with their
// stage now. It writes nothing.
func (q *Qualifier) DryRun(ctx context.Context, e Engine) (DryRunReport, error) {
	if e == nil {
		e = q.Engine
	}
	rep := DryRunReport{Rules: e.Version(), WouldQualify: []Change{}, WouldDrop: []Change{}, ByCondition: map[string]int{}}
	people, err := identity.PersonIDs(ctx, q.T)
	if err != nil {
		return rep, err
	}
	for _, id := range people {
		p, err := q.Dir.Get(ctx, id)
		if errors.Is(err, identity.ErrNotFound) {
			continue
		}
		if err != nil {
			return rep, err
		}
		rec, err := q.Record(ctx, id)
		if err != nil {
			return rep, err
		}
		_, sims, err := q.Simulate(ctx, id, e)
		if err != nil {
			return rep, err
		}
		v := sims[0].Verdict
		rep.People++
		qualifies := v.Condition != "" && v.Excluded == ""
		c := Change{Person: id, Email: p.Email, Stage: rec.Stage, Condition: v.Condition, Waiting: v.Waiting}
		switch {
		case qualifies && Qualifies(rec.Stage):
			rep.WouldQualify = append(rep.WouldQualify, c)
			rep.ByCondition[v.Condition]++
		case !qualifies && rec.Stage == StageMQL:
			rep.WouldDrop = append(rep.WouldDrop, c)
		}
	}
	return rep, nil
}
