package qualify

import (
	"context"
	"time"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/identity"
)

// Dating an MQL. Scoring decides that a person qualifies when it runs
// (judged now, as ever); the MQL is dated by the event that made them meet
// the definition, which a late batch (a backend's /v1/batch of old
// events, a Segment batch sent late, a form stitched to the person later,
// an offline import, a rescore after a rules change) brings long after it
// happened. The event's time is the collector's, already bounded and
// corrected for the sender's clock.

// qualifyingTime is when the person qualified for the MQL raised now: it
// reads their stage history and timeline (once per MQL raised, which is
// rare beside the events scored) and dates it (qualifiedAt). fallback is
// the date to give when the replay cannot tell (see qualifiedAt).
func (q *Qualifier) qualifyingTime(ctx context.Context, person string, p identity.Person, now, fallback, notBefore time.Time) (time.Time, error) {
	hist, err := q.History(ctx, person)
	if err != nil {
		return time.Time{}, err
	}
	st := &identity.Stitcher{Dir: q.Dir, Log: q.Log}
	tl, err := st.History(ctx, person)
	if err != nil {
		return time.Time{}, err
	}
	tl = withdrawnFrom(p, scorable(tl, person, now))
	at, err := qualifiedAt(q.Engine, p, tl, hist, now, fallback)
	if at.Before(notBefore) {
		at = notBefore
		if at.After(now) {
			at = now
		}
		at = at.UTC()
	}
	return at, err
}

// attributesChanged reports whether what the person's attributes decide
// (fit, grade, BANT, an exclusion) judges them otherwise than before.
func attributesChanged(before, after Verdict) bool {
	return before.Fit != after.Fit || before.Grade != after.Grade || before.BANT != after.BANT || before.Excluded != after.Excluded
}

// newestAttributes is the time of the newest of evs that can bring the
// person attributes (a form's fields, an identify's traits), zero for none.
func newestAttributes(evs []event.Event) time.Time {
	var t time.Time
	for i := range evs {
		if (evs[i].Type == event.FormSubmit || len(evs[i].Traits) > 0) && evs[i].Timestamp.After(t) {
			t = evs[i].Timestamp
		}
	}
	return t
}

// qualifiedAt replays the person's timeline tl (oldest first) under e,
// with the recycles of their stage history hist at their times, judging
// the person after each event as scoring judged them now (with their
// attributes today: the store keeps no history of them), and returns the
// time of the event from which the definition holds to the end. So the
// decision and its date agree: the date is of the event without which,
// judged now, they would not qualify (a batch of old events after a recent
// one that did not qualify them alone is dated by the recent one, not by
// the old ones it completed).
//
// Where the replay never holds at the end (events past their retention,
// a recycle after the last event, a person whose attributes alone changed
// the judgement) the date is fallback. Either way it is no earlier than
// the person's identification and last stage change (an MQL precedes
// neither the lead it is of nor the recycle that opened its cycle: the
// stage history stays in order), nor identity.MaxLate before now, and no
// later than now.
func qualifiedAt(e Engine, p identity.Person, tl []event.Event, hist []StageChange, now, fallback time.Time) (time.Time, error) {
	floor := p.CreatedAt
	if min := now.Add(-identity.MaxLate); floor.Before(min) {
		floor = min // an event's time is its sender's (identity.MaxLate)
	}
	var recycles []time.Time
	for _, h := range hist {
		if h.At.After(floor) {
			floor = h.At
		}
		if h.To == StageRecycled {
			recycles = append(recycles, h.At)
		}
	}
	st, err := open(e)
	if err != nil {
		return time.Time{}, err
	}
	var from time.Time // the event from which the definition holds, zero while it does not
	ri := 0
	for i := range tl {
		for ri < len(recycles) && tl[i].Timestamp.After(recycles[ri]) {
			if _, err := st.Recycle(recycles[ri]); err != nil {
				return time.Time{}, err
			}
			from, ri = time.Time{}, ri+1
		}
		if _, err := st.Apply(tl[i:i+1], now); err != nil {
			return time.Time{}, err
		}
		v, err := st.Evaluate(p.Attributes, p.Email, now)
		if err != nil {
			return time.Time{}, err
		}
		switch {
		case v.Condition == "" || v.Excluded != "":
			from = time.Time{}
		case from.IsZero():
			from = tl[i].Timestamp
		}
	}
	at := fallback
	if !from.IsZero() && ri == len(recycles) {
		at = from
	}
	if at.Before(floor) {
		at = floor
	}
	if at.After(now) {
		at = now
	}
	return at.UTC(), nil
}

// newest is the latest time among evs (zero for none).
func newest(evs []event.Event) time.Time {
	var t time.Time
	for i := range evs {
		if evs[i].Timestamp.After(t) {
			t = evs[i].Timestamp
		}
	}
	return t
}
