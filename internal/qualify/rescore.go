package qualify

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/table"
)

// RescorePerson rebuilds one person's behaviour state and ledger, all or
// nothing: the new ledger is written under the next generation, where no
// reader looks; one conditional write then puts the rebuilt record (naming
// that generation) with the stage change and MQL it brings, if any; only
// then are the old generation's items deleted. A crash before the flip
// leaves the person as they were (the next rescore clears the unfinished
// generation); a crash after it leaves them rebuilt, with the old items
// invisible until the next rescore clears them.
func (q *Qualifier) RescorePerson(ctx context.Context, person string) error {
	for attempt := 0; table.Again(ctx, attempt); attempt++ {
		rec, err := q.Record(ctx, person)
		if err != nil {
			return err
		}
		if rec.version == 0 {
			// Never scored: there is nothing to be half of; scoring writes
			// them from scratch (they have no stage history to replay).
			return q.ScorePerson(ctx, person)
		}
		// One read of the ledger: the record's generation goes after the
		// flip, any other (a rescore's that never flipped) goes now. The
		// record's generation cannot grow meanwhile without the record
		// changing, and then the flip fails.
		items, err := q.T.Query(ctx, table.Query{PK: identity.PersonPK(person), Prefix: ledgerPfx, Consistent: true})
		if err != nil {
			return err
		}
		var old, stale []table.Write
		for _, it := range items {
			if ledgerGen(it.SK) == rec.Gen {
				old = append(old, table.Del(it.PK, it.SK, table.Always))
			} else {
				stale = append(stale, table.Del(it.PK, it.SK, table.Always))
			}
		}
		if err := q.putMany(ctx, stale); err != nil {
			return err
		}
		next, ws, contribs, err := q.rebuild(ctx, person, rec)
		if err != nil {
			return err
		}
		fresh := ledgerWrites(person, next.Gen, contribs)
		if err := q.putMany(ctx, fresh); err != nil {
			return err
		}
		ws = append(ws, table.Put(table.Item{PK: identity.PersonPK(person), SK: scoreSK, Kind: "score", Data: encodeRecord(next)}, table.VersionIs(rec.version)))
		if err := q.T.Transact(ctx, ws); err != nil {
			// Not flipped: the new generation goes (an erasure may have
			// run meanwhile and must not find it left behind).
			for i, w := range fresh {
				fresh[i] = table.Del(w.Item.PK, w.Item.SK, table.Always)
			}
			if derr := q.putMany(ctx, fresh); derr != nil {
				return derr
			}
			if errors.Is(err, table.ErrConditionFailed) {
				continue // scored (or erased) meanwhile: start again from what is there
			}
			return err
		}
		return q.putMany(ctx, old)
	}
	return errors.New("qualify: too much contention rescoring person")
}

// putMany makes independent writes, a bounded number at a time (one
// group commit each on bbolt), and returns the first error.
func (q *Qualifier) putMany(ctx context.Context, ws []table.Write) error {
	const most = 1000
	for start := 0; start < len(ws); start += most {
		for _, err := range q.T.PutMany(ctx, ws[start:min(start+most, len(ws))]) {
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// rebuild replays the person's timeline oldest first, in memory, with the
// recycles of their stage history in between at the times sales closed
// them: the lifecycle is an input of the replay, so a rescore never brings
// back a lead sales rejected unless new evidence after the last recycle
// qualifies them (events up to it raise no MQL: sales answered those). It
// returns the rebuilt record (under the next ledger generation), the
// writes that go with it (a stage change, its counters and an MQL) and the
// ledger entries to write under that generation.
func (q *Qualifier) rebuild(ctx context.Context, person string, rec Record) (Record, []table.Write, []Contribution, error) {
	p, err := q.Dir.Get(ctx, person)
	if err != nil {
		return rec, nil, nil, err
	}
	hist, err := q.History(ctx, person)
	if err != nil {
		return rec, nil, nil, err
	}
	var recycles []time.Time
	for _, h := range hist {
		if h.To == StageRecycled {
			recycles = append(recycles, h.At)
		}
	}
	st := &identity.Stitcher{Dir: q.Dir, Log: q.Log}
	tl, err := st.History(ctx, person)
	if err != nil {
		return rec, nil, nil, err
	}
	now := q.now()
	// The replay only adds touches: one whose event is flagged since (a
	// webinar registrant's touch its report says did not happen, a click
	// judged a scanner's) is taken away, else attribution still credits
	// it.
	// One trimmed from the list to Dropped is taken out of its span too:
	// the replay cannot rebuild the list and spans from empty, as the
	// record keeps touches whose raw events have expired (retention).
	flagged := map[string]bool{}
	var gone []Touch
	for i := range tl {
		if tl[i].Flagged() {
			flagged[tl[i].ID] = true
			if t, ok := q.Referrals.TouchOf(tl[i]); ok {
				gone = append(gone, t)
			}
		}
	}
	tl = withdrawnFrom(p, scorable(tl, person, now))
	next := rec
	if len(flagged) > 0 {
		next.Touches = slices.DeleteFunc(slices.Clone(rec.Touches), func(t Touch) bool { return flagged[t.EventID] })
		next.Dropped = rec.Dropped.withdraw(gone)
	}
	next.State, next.Pending, next.Gen = nil, nil, rec.Gen+1
	for _, h := range hist {
		next.reached(h.To, h.At) // a record from before they were kept: the spans dropped from now on part there
	}
	var all []Contribution
	var verdict Verdict
	// The rebuilt ledger is written apart from the record (putMany), so
	// the events between recycles are applied in one call each: the state
	// is decoded and encoded once a stretch, not once per transaction's
	// worth of entries.
	apply := func(evs []event.Event) error {
		state, cs, v, _, err := applyEvaluate(q.Engine, next.State, evs, math.MaxInt, p, now)
		if err != nil {
			return err
		}
		next.State, verdict = state, v
		all = append(all, cs...)
		next.addTouches(evs, q.Referrals)
		return nil
	}
	i := 0
	for _, at := range recycles {
		j := i
		for j < len(tl) && !tl[j].Timestamp.After(at) {
			j++
		}
		if err := apply(tl[i:j]); err != nil {
			return rec, nil, nil, err
		}
		state, c, err := q.Engine.Recycle(next.State, at)
		if err != nil {
			return rec, nil, nil, err
		}
		next.State, next.CycleFrom, all = state, at, append(all, c)
		i = j
	}
	if len(recycles) > 0 {
		next.CycleFrom = cycleStart(hist) // a recycle sales reopened started no cycle
	}
	// The last stretch (after the last recycle, maybe empty) leaves the
	// verdict now.
	if err := apply(tl[i:]); err != nil {
		return rec, nil, nil, err
	}
	next.Verdict, next.Rules, next.UpdatedAt = verdict, q.Engine.Version(), now
	var ws []table.Write
	if verdict.Condition != "" && verdict.Excluded == "" && Qualifies(next.Stage) && p.ConsentWithdrawn.IsZero() {
		// The MQL index and delivery are outside the person's partition:
		// never raise one for a person being erased.
		if gone, err := q.Dir.Erased(ctx, p.Email); err != nil {
			return rec, nil, nil, err
		} else if gone {
			return rec, nil, nil, identity.ErrNotFound
		}
		// Dated by the event that qualifies the person under the rules
		// in force, as a live MQL is (qualifiedAt): the rules changed
		// today, the person's evidence is of its own day.
		at, err := qualifiedAt(q.Engine, p, tl, hist, now, now)
		if err != nil {
			return rec, nil, nil, err
		}
		prev := next.Stage
		next.Cycle++
		next.Stage, next.MQLAt, next.MQLRaisedAt = StageMQL, at, now
		m := MQL{
			ID: fmt.Sprintf("%s-c%d", person, next.Cycle), Person: person, Email: p.Email, Cycle: next.Cycle, At: at, RaisedAt: now,
			Condition: verdict.Condition, Facts: verdict.Facts, Verdict: verdict, Rules: next.Rules,
			Events: scoredFrom(all, before(at, now)), Journey: cycleJourney(next, at, now),
		}
		cnt := newCounts(q.Calendar.Location())
		cnt.transition(prev, StageMQL, at, channelOf(next))
		cnt.mql(m)
		ws = append(ws, historyWrite(person, historySeq(rec.version), prev, StageMQL, at, "scoring"))
		ws = append(ws, cnt.writes()...)
		mw, err := q.mqlWrites(m)
		if err != nil {
			return rec, nil, nil, err
		}
		ws = append(ws, mw...)
	}
	return next, ws, all, nil
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
		case qualifies && Qualifies(rec.Stage) && p.ConsentWithdrawn.IsZero():
			rep.WouldQualify = append(rep.WouldQualify, c)
			rep.ByCondition[v.Condition]++
		case !qualifies && rec.Stage == StageMQL:
			rep.WouldDrop = append(rep.WouldDrop, c)
		}
	}
	return rep, nil
}
