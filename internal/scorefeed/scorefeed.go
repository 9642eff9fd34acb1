// Package scorefeed consumes the table's change feed for scoring, the same
// code on every store: the score function hands it DynamoDB Streams
// records, the local stack its embedded feed (or the DynamoDB stream it
// polls). Events go to scoring, a new visitor link rescores its person, an
// event judged after the fact is scored or withdrawn, an offline touch
// whose minutes or attendance a later import set rescores its person (and
// sales are told when the touch led to an MQL), and a new MQL is relayed
// to delivery. It uses qualify's exported API only.
package scorefeed

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"sync"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/table"
)

// Relay hands a newly written MQL to delivery: SQS on AWS, the table's
// durable queue on the local stack. It must be idempotent by MQL id.
type Relay func(ctx context.Context, m qualify.MQL) error

// Kinds are the item kinds the change feed carries to scoring (on AWS,
// the score function's filter criteria): events to score, visitor links (a
// browser became known: score its history), people (their attributes
// changed: judge their fit again), MQLs to relay, and stage changes, which
// scoring passes over and accounts read (a sales outcome moves a member's
// stage without an event: account.Book.HandleChanges).
var Kinds = []string{eventlog.KindEvent, identity.KindLink, identity.KindPerson, qualify.KindMQL, qualify.KindStage}

// ModifiedOnly are the kinds of Kinds whose inserts nobody acts on (a
// person created is scored by their link's change): the score function's
// filter passes only their modifications.
var ModifiedOnly = []string{identity.KindPerson}

// runs are HandleChanges' buffers of decoded events: an event is large
// (about a kilobyte), and a batch's worth is not garbage every batch.
var runs = sync.Pool{New: func() any { return new([]event.Event) }}

// HandleChanges processes changes of the table's feed in order for q. It
// returns how many changes are done; at the first failure it stops, and the
// caller retries from there. Everything it does is idempotent, so a change
// seen again changes nothing.
//
// Inserted events are scored a run at a time: consecutive event inserts
// (up to the next change of another kind, which keeps its place in the
// order) go through q.Process together, so each person's score record is
// read, decoded and written once for the run, not once per event.
func HandleChanges(ctx context.Context, q *qualify.Qualifier, cs []table.Change, relay Relay) (int, error) {
	return HandleChangesUntil(ctx, q, cs, relay, nil)
}

// ErrLate is HandleChangesUntil's error when it stopped because late said
// so: the changes from the one it returns were not started.
var ErrLate = errors.New("scorefeed: too near the deadline to start another change")

// HandleChangesUntil is HandleChanges that starts nothing more once late
// reports true (the score function near its Lambda deadline): the first
// piece of work (a run of events, or a change of another kind) always
// starts, so a batch always progresses; before each later one, and before
// each event of a run scored one at a time after the run failed, late is
// asked, and when it says so HandleChangesUntil returns the first change
// not started with ErrLate. A nil late never stops it.
func HandleChangesUntil(ctx context.Context, q *qualify.Qualifier, cs []table.Change, relay Relay, late func() bool) (int, error) {
	started := false
	stop := func() bool {
		if !started {
			started = true
			return false
		}
		return late != nil && late()
	}
	buf := runs.Get().(*[]event.Event)
	run, used := (*buf)[:0], 0
	defer func() {
		clear(run[:used]) // the pool keeps no event's data alive
		*buf = run[:0]
		runs.Put(buf)
	}()
	at := make([]int, 0, len(cs)) // the change of each event of the run
	// flush scores the run; when that fails, it scores the run's events one
	// at a time, so what precedes the failing change is done and the
	// caller retries from that change, not from the start of the run.
	flush := func() (int, error) {
		used = max(used, len(run))
		defer func() { run, at = run[:0], at[:0] }()
		if len(run) == 0 {
			return 0, nil
		}
		if stop() {
			return at[0], ErrLate
		}
		if q.Process(ctx, run) != nil {
			for k := range run {
				if k > 0 && late != nil && late() {
					return at[k], ErrLate
				}
				if err := q.Process(ctx, run[k:k+1]); err != nil {
					return at[k], err
				}
			}
		}
		// Scored first: a re-inquiry waits on no SFA (it is queued), and
		// a failure to queue it retries from its change, whose scoring is
		// then already done (idempotent).
		for k := range run {
			if err := reinquiries(ctx, q, run[k:k+1]); err != nil {
				return at[k], err
			}
		}
		return 0, nil
	}
	for i, c := range cs {
		if c.Op == table.OpInsert && c.Item.Kind == eventlog.KindEvent {
			if ev, err := eventlog.Decode(c.Item); err == nil {
				run, at = append(run, ev), append(at, i)
			} // malformed: skipping beats blocking the shard
			continue
		}
		if k, err := flush(); err != nil {
			return k, err
		}
		if stop() {
			return i, ErrLate
		}
		if err := handleChange(ctx, q, c, relay); err != nil {
			return i, err
		}
	}
	if k, err := flush(); err != nil {
		return k, err
	}
	return len(cs), nil
}

func handleChange(ctx context.Context, q *qualify.Qualifier, c table.Change, relay Relay) error {
	if c.Op != table.OpInsert && c.Op != table.OpModify {
		return nil // TTL expiry and erasure: nothing to score
	}
	it := c.Item
	switch it.Kind {
	case eventlog.KindEvent:
		ev, err := eventlog.Decode(it)
		if err != nil {
			return nil // malformed: skipping beats blocking the shard
		}
		if c.Op == table.OpModify && ev.Type == event.Offline {
			// Its minutes set or corrected by a later import
			// (eventlog.SetMinutes): a min_minutes rule may now match,
			// or no longer; scoring only adds, so the person is
			// rebuilt from their timeline. Marked absent (or attended
			// again) while it is among an MQL's reasons, sales, whose
			// lead says the person came, are told (q.TellAttendance).
			person, err := rescoreOwner(ctx, q, ev)
			if err != nil || person == "" {
				return err
			}
			return ignoreGone(q.TellAttendance(ctx, person, ev.VisitorID, ev.ID))
		}
		if c.Op == table.OpModify {
			return judged(ctx, q, ev)
		}
		if err := q.Process(ctx, []event.Event{ev}); err != nil {
			return err
		}
		return reinquiries(ctx, q, []event.Event{ev})
	case identity.KindLink:
		var l identity.Link
		if err := json.Unmarshal(it.Data, &l); err != nil {
			return nil
		}
		// A late form moved a past period between people (Link.Rescore):
		// both are rebuilt, the one it was taken from losing what it
		// gave them (scoring adds only).
		for _, p := range l.Rescore {
			if err := ignoreGone(q.RescorePerson(ctx, p)); err != nil {
				return err
			}
		}
		if cur, ok := l.Current(); ok && !slices.Contains(l.Rescore, cur.Person) {
			if err := ignoreGone(q.ScorePerson(ctx, cur.Person)); err != nil {
				return err
			}
		}
		// A form from a browser not yet theirs is stored before its
		// identification links the browser: its person is known now.
		// (Its events are read only for a person whose MQL sales have.)
		cur, ok := l.Current()
		if !ok || l.Visitor == "" || q.Reinquired == nil {
			return nil
		}
		if open, err := q.HasRaisedMQL(ctx, cur.Person); err != nil || !open {
			return err
		}
		evs, err := q.Log.Visitor(ctx, l.Visitor)
		if err != nil {
			return err
		}
		return reinquiries(ctx, q, evs)
	case identity.KindPerson:
		// A person changed (attributes, email, consent): their fit is
		// judged again. One created is scored by their link's change.
		if id, ok := identity.PersonOf(it.PK); ok && c.Op == table.OpModify {
			return ignoreGone(q.Refit(ctx, id))
		}
	case qualify.KindMQL:
		if c.Op != table.OpInsert || relay == nil {
			return nil
		}
		var m qualify.MQL
		if err := json.Unmarshal(it.Data, &m); err != nil {
			return nil
		}
		// A change read after the person's erasure (a lagging stream, a
		// batch retried) must not hand their email to delivery: an SQS
		// message is beyond any erasure's reach.
		if gone, err := q.Dir.Erased(ctx, m.Email); err != nil || gone {
			return err
		}
		return relay(ctx, m)
	}
	return nil
}

// reinquiries hands delivery the forms among evs that people whose
// cycle's MQL was already raised sent (q.Reinquiries), when q takes them.
func reinquiries(ctx context.Context, q *qualify.Qualifier, evs []event.Event) error {
	if q.Reinquired == nil || !slices.ContainsFunc(evs, func(ev event.Event) bool { return ev.Type == event.FormSubmit }) {
		return nil
	}
	rs, err := q.Reinquiries(ctx, evs)
	if err != nil {
		return err
	}
	for _, r := range rs {
		// As for an MQL: a change read after the erasure hands nothing on.
		if gone, err := q.Dir.Erased(ctx, r.Email); err != nil || gone {
			return err
		}
		if err := q.Reinquired(ctx, r); err != nil {
			return err
		}
	}
	return nil
}

// judged handles a stored event judged after the fact (eventlog.Flag,
// eventlog.JudgeHuman): a newsletter click whose visit was judged. Judged
// human, it is scored now. Flagged, whatever it gave is withdrawn: the
// person is rescored from scratch (q.RescorePerson replays their timeline;
// the engine skips flagged events), which rebuilds the ledger without it.
func judged(ctx context.Context, q *qualify.Qualifier, ev event.Event) error {
	if !ev.Flagged() {
		return q.Process(ctx, []event.Event{ev})
	}
	person := ""
	if ev.Type == event.EmailClick && identity.ValidPersonID(ev.UserID) {
		person = ev.UserID // the recipient the click's token named
	}
	if person == "" {
		link, err := q.Dir.GetLink(ctx, ev.VisitorID)
		if err != nil {
			return err
		}
		person = link.PersonAt(ev.Timestamp)
	}
	if person == "" {
		return nil
	}
	return ignoreGone(q.RescorePerson(ctx, person))
}

// rescoreOwner rescores from scratch the person an offline touch is of:
// the one it names (the import stores it under the person's pseudo-visitor),
// else the one its visitor was linked to at its time.
// It returns the person ("" for none, or one erased meanwhile).
func rescoreOwner(ctx context.Context, q *qualify.Qualifier, ev event.Event) (string, error) {
	person := ""
	if identity.ValidPersonID(ev.UserID) {
		person = ev.UserID
	} else {
		link, err := q.Dir.GetLink(ctx, ev.VisitorID)
		if err != nil {
			return "", err
		}
		person = link.PersonAt(ev.Timestamp)
	}
	if person == "" {
		return "", nil
	}
	if err := q.RescorePerson(ctx, person); err != nil {
		if ignoreGone(err) == nil {
			return "", nil
		}
		return "", err
	}
	return person, nil
}

func ignoreGone(err error) error {
	if err == identity.ErrNotFound {
		return nil // erased meanwhile
	}
	return err
}
