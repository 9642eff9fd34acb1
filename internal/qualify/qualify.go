// Package qualify is the processing side of Baton: it scores a person's
// events under the rules, keeps the ledger that explains every point, moves
// the lifecycle stage, and raises an MQL exactly once per cycle (a
// conditional put); the MQL item's change on the table's feed hands it to
// delivery. The feed's changes reach it through internal/scorefeed; the SLA
// sweep is internal/sla.
//
// Layout under the person's partition:
//
//	PK=P#<person>  SK=SCORE                  the score record (engine state, stage, cycle), versioned
//	PK=P#<person>  SK=L#g<gen>#<time>#<event>#<n>  ledger: one contribution (rule, event, delta) of the record's generation
//	PK=P#<person>  SK=H#<time>#<stage>       stage history
//	PK=P#<person>  SK=MQL#<cycle>            the MQL of a cycle (conditional put: once)
//	PK=MQLS        SK=<time>#<person>#<cycle> index of MQLs, newest last
package qualify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/baton-hq/baton/internal/calendar"
	"github.com/baton-hq/baton/internal/clock"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/sortkey"
	"github.com/baton-hq/baton/internal/table"
)

// Contribution is one ledger entry: a rule's effect on a score.
type Contribution struct {
	Rule      string    `json:"rule"`
	Kind      string    `json:"kind"` // behaviour, decay, reset
	EventID   string    `json:"eventId,omitempty"`
	EventType string    `json:"eventType,omitempty"`
	URL       string    `json:"url,omitempty"`
	Delta     float64   `json:"delta"`
	At        time.Time `json:"at,omitzero"` // none for a fit rule (it holds at no one time)
}

// Verdict is the engine's judgement of a person now.
type Verdict struct {
	Behaviour float64        `json:"behaviour"`
	Fit       float64        `json:"fit"`
	Grade     string         `json:"grade"`
	Band      string         `json:"band,omitempty"`
	BANT      int            `json:"bant"`
	Excluded  string         `json:"excluded,omitempty"`  // why the person can never qualify (competitor ...)
	Condition string         `json:"condition,omitempty"` // the MQL condition met, "" for none
	Waiting   string         `json:"waiting,omitempty"`   // why a recycled person cannot qualify yet (new evidence needed)
	Facts     []string       `json:"facts,omitempty"`     // what satisfied it
	FitRules  []Contribution `json:"fitRules,omitempty"`
}

// Engine applies the rules file. State is the engine's own, stored opaque.
type Engine interface {
	// Apply scores events into the state; applying an event twice changes
	// nothing the second time.
	Apply(state json.RawMessage, evs []event.Event, now time.Time) (json.RawMessage, []Contribution, error)
	// Evaluate judges the person now.
	Evaluate(state json.RawMessage, attrs map[string]string, email string, now time.Time) (Verdict, error)
	// Recycle resets the behaviour score for a new cycle.
	Recycle(state json.RawMessage, now time.Time) (json.RawMessage, Contribution, error)
	// Version names the rules in force.
	Version() string
}

// ApplyEvaluator is an Engine that can apply events and judge the result
// in one step, decoding the state once (the score path uses it when the
// engine has it). It applies evs in order and stops before an event whose
// contributions could take their number past max (one event at least), and
// says how many it applied.
type ApplyEvaluator interface {
	ApplyEvaluate(state json.RawMessage, evs []event.Event, max int, attrs map[string]string, email string, now time.Time) (json.RawMessage, []Contribution, Verdict, int, error)
}

// applyEvaluate applies as many of evs as one transaction can record
// (maxLedgerWrites contributions), then judges: in one step where the engine
// can, else by applying all and again the part that fits.
func applyEvaluate(e Engine, state json.RawMessage, evs []event.Event, limit int, p identity.Person, now time.Time) (json.RawMessage, []Contribution, Verdict, int, error) {
	if ae, ok := e.(ApplyEvaluator); ok {
		return ae.ApplyEvaluate(state, evs, limit, p.Attributes, p.Email, now)
	}
	st, cs, err := e.Apply(state, evs, now)
	if err != nil {
		return nil, nil, Verdict{}, 0, err
	}
	n := cut(evs, cs, limit)
	if n < len(evs) {
		if st, cs, err = e.Apply(state, evs[:n], now); err != nil {
			return nil, nil, Verdict{}, 0, err
		}
	}
	v, err := e.Evaluate(st, p.Attributes, p.Email, now)
	return st, cs, v, n, err
}

// Record is a person's score record.
type Record struct {
	Person string `json:"person"`
	// Unscored marks the zero record Record answers for a person never
	// scored (a recipient who never clicked): no stage change was written,
	// so the funnel does not count them, and the workspace says so rather
	// than the lead its Stage defaults to.
	Unscored  bool            `json:"-"`
	State     json.RawMessage `json:"state,omitempty"`
	Stage     string          `json:"stage"`
	Cycle     int             `json:"cycle"` // MQL cycles: 1 for the first qualification
	Verdict   Verdict         `json:"verdict"`
	Rules     string          `json:"rules"`
	UpdatedAt time.Time       `json:"updatedAt"`
	// MQLAt is when the cycle's MQL qualified: the time of the event that
	// made the person meet the definition (MQL.At). MQLRaisedAt is when
	// Baton raised it and handed it to delivery (MQL.RaisedAt): sales
	// can have answered it no earlier. Zero on records written before the
	// two were told apart: MQLRaised is then MQLAt.
	MQLAt       time.Time `json:"mqlAt,omitzero"`
	MQLRaisedAt time.Time `json:"mqlRaisedAt,omitzero"`
	AcceptedAt  time.Time `json:"acceptedAt,omitzero"` // time to accept = AcceptedAt - MQLRaised()
	Touches     []Touch   `json:"touches,omitempty"`   // first touch, the cycle's first, the last up to SQLAt and CustomerAt, the latest ones (reports, attribution)
	// Dropped are the touches between, in aggregate (attribution credits them).
	Dropped *Dropped `json:"dropped,omitempty"`
	// CycleFrom is when the current cycle began: the recycle that opened
	// it (zero in the first). Its MQL is credited to the touches after it.
	CycleFrom time.Time `json:"cycleFrom,omitzero"`
	// SQLAt and CustomerAt are when the person first reached SQL (or a
	// stage past it) and customer, in any cycle: a first SQL or win
	// stored before its stage change kept its journey is credited to its
	// cycle's touches up to them (reports.Attribution, and the deal's
	// revenue alike: reports.Revenue), so the dropped touches' spans part
	// there too (Record.marks).
	SQLAt      time.Time `json:"sqlAt,omitzero"`
	CustomerAt time.Time `json:"customerAt,omitzero"`
	// Pending are ledger entries not yet written as ledger items: the
	// latest contributions ride on the record (one write per batch) until
	// they would make it larger than pendingBudget, then they go out as
	// items in the record's transaction. The ledger is both.
	Pending []Contribution `json:"pending,omitempty"`
	// Gen is the generation of the ledger items that explain this record.
	// A rescore writes the rebuilt ledger under the next generation (no
	// reader looks there), then flips Gen with the record in one
	// conditional write, then deletes the old generation: readers and
	// crashes see the old person or the rebuilt one, never half of each.
	Gen     int `json:"gen,omitempty"`
	version int64
}

// MQLRaised is when the record's MQL was raised (Record.MQLRaisedAt).
func (r Record) MQLRaised() time.Time {
	if r.MQLRaisedAt.IsZero() {
		return r.MQLAt
	}
	return r.MQLRaisedAt
}

// MQL is a qualification: raised once per cycle.
type MQL struct {
	ID     string `json:"id"` // <person>-c<cycle>: the idempotency key downstream
	Person string `json:"person"`
	Email  string `json:"email"`
	Cycle  int    `json:"cycle"`
	// At is when the person qualified: the time of the event that made
	// them meet the definition (qualifiedAt), not when scoring ran. A late
	// batch (a backend's /v1/batch, a form stitched late, an offline
	// import, a rescore) is dated by its events, so the day's and week's
	// MQL counts, the funnel and the SFA's qualified_at are the event's.
	At time.Time `json:"at"`
	// RaisedAt is when Baton raised it and handed it to delivery: the
	// SLA counts sales' time from it (Raised). Zero on MQLs stored before
	// it was kept: they were raised at At.
	RaisedAt  time.Time `json:"raisedAt,omitzero"`
	Condition string    `json:"condition"`
	Facts     []string  `json:"facts"`
	Verdict   Verdict   `json:"verdict"`
	Events    []string  `json:"events"` // the scored events behind it, newest first
	Rules     string    `json:"rules"`
	// Journey is the touches that led to it, as they stood when it was
	// raised: its cycle's (after the recycle that opened it; every touch
	// before the first MQL), so a recycled lead's new MQL is credited to
	// what brought them back, and later touches never change an MQL's
	// credit. Nil on MQLs raised before it was kept (reports.Attribution
	// reads their cycle's touches from the record).
	Journey *Journey `json:"journey,omitempty"`

	indexSK string // its index entry's key, when read from the index (MQLCursor)
}

// Raised is when the MQL was raised and handed to sales (RaisedAt, or At
// for an MQL stored before RaisedAt was kept). The SLA starts then: sales
// cannot answer a lead before it reaches them, and a late batch that
// qualifies someone on three-day-old events must not hand sales a lead
// already three days past its SLA.
func (m MQL) Raised() time.Time {
	if m.RaisedAt.IsZero() {
		return m.At
	}
	return m.RaisedAt
}

// Qualifier runs scoring.
type Qualifier struct {
	T      table.Table
	Dir    *identity.Directory
	Log    *eventlog.Log
	Engine Engine
	Now    func() time.Time
	// Calendar is sales' working calendar: its time zone names the days
	// counters count on, its working time measures the SLA.
	Calendar calendar.Calendar
	// Rescored, when set, is told of each person a rescore job rebuilt,
	// before the job records them done (their account takes the new
	// score: account.Book.Rescored); an error retries the person.
	Rescored func(ctx context.Context, person string) error
	// Referrals are the hosts whose referrals are no touch besides the
	// built-in ones (TouchOf).
	Referrals Referrals
	// Reinquired, when set, hands delivery a form sent by a person whose
	// current cycle's MQL was already raised (Reinquiries): sales hear of
	// it, where one MQL per cycle would have said nothing. Idempotent by
	// its ID, as MQL relays are.
	Reinquired func(ctx context.Context, r Reinquiry) error
	// AttendanceChanged, when set, hands delivery an offline touch among
	// an MQL's reasons that a later import marked absent, or attended
	// again (TellAttendance): the lead sales have says the person came.
	// Idempotent by its ID, as Reinquired.
	AttendanceChanged func(ctx context.Context, a Attendance) error
}

func (q *Qualifier) now() time.Time {
	if q.Now != nil {
		return q.Now().UTC()
	}
	return clock.Now().UTC()
}

// Process scores newly stored events: each counts for the person its
// visitor belonged to at the event's time. Events of anonymous visitors wait
// until the visitor is identified (then ScorePerson scores them).
// Identifying events rescore the person's whole timeline, which is how
// anonymous history counts retroactively.
func (q *Qualifier) Process(ctx context.Context, evs []event.Event) error {
	// Events are large: each person's are gathered by index, and copied
	// only when the run holds more than one person's (or anonymous) events.
	byPerson := map[string][]int{}
	retro := map[string]bool{}
	links := map[string]identity.Link{} // a run of changes is mostly a few visitors' events
	var order []string
	for i := range evs {
		ev := &evs[i]
		link, ok := links[ev.VisitorID]
		if !ok {
			var err error
			if link, err = q.Dir.GetLink(ctx, ev.VisitorID); err != nil {
				return err
			}
			links[ev.VisitorID] = link
		}
		p := link.PersonAt(ev.Timestamp)
		if p == "" {
			continue
		}
		if _, ok := byPerson[p]; !ok {
			order = append(order, p)
		}
		byPerson[p] = append(byPerson[p], i)
		if ev.Email() != "" || ev.Type == event.EmailClick {
			retro[p] = true
		}
	}
	for _, p := range order {
		var err error
		if retro[p] {
			err = q.ScorePerson(ctx, p)
		} else if idx := byPerson[p]; len(idx) == len(evs) {
			err = q.apply(ctx, p, evs)
		} else {
			own := make([]event.Event, len(idx))
			for k, i := range idx {
				own[k] = evs[i]
			}
			err = q.apply(ctx, p, own)
		}
		if err != nil && !errors.Is(err, identity.ErrNotFound) {
			return err
		}
	}
	return nil
}

// ScorePerson applies the person's whole timeline (idempotent: events
// already scored are skipped by the engine).
func (q *Qualifier) ScorePerson(ctx context.Context, person string) error {
	st := &identity.Stitcher{Dir: q.Dir, Log: q.Log}
	tl, err := st.History(ctx, person)
	if err != nil {
		return err
	}
	return q.apply(ctx, person, tl)
}

// Refit judges the person again with their attributes now, scoring no
// event: fit rules, BANT and exclusions read the attributes, and an
// identification that changed them (a new title, a company size) was
// judged when its event was scored, which the change feed may do before
// the attributes are written; the judgement then waited for the person's
// next event. It writes only when the judgement changes, and may raise an
// MQL as an event would. A person never scored is left alone (their
// link's change scores them), and so is one who withdrew consent: their
// withdrawal, a change of the person too, must not qualify them and hand
// their email to the SFA.
func (q *Qualifier) Refit(ctx context.Context, person string) error {
	rec, err := q.Record(ctx, person)
	if err != nil || rec.version == 0 {
		return err
	}
	p, err := q.Dir.Get(ctx, person)
	if err != nil || !p.ConsentWithdrawn.IsZero() {
		return err
	}
	known := &scored{p, rec}
	_, err = q.applyPrefix(ctx, person, nil, true, &known)
	return err
}

// maxLedgerWrites bounds the ledger entries written in one transaction:
// DynamoDB takes at most 100 writes in one, and the record, its stage
// history, counters and an MQL come with them.
const maxLedgerWrites = 80

func (q *Qualifier) apply(ctx context.Context, person string, evs []event.Event) error {
	return q.applyMay(ctx, person, evs, true)
}

// applyMay applies events; with mayQualify false it never raises an MQL
// (a rescore replaying history sales already answered). The person's record
// is read, the events applied and the record written once, unless their
// ledger entries need more than one transaction.
func (q *Qualifier) applyMay(ctx context.Context, person string, evs []event.Event, mayQualify bool) error {
	var known *scored
	if len(evs) > 0 {
		// Read here rather than in applyPrefix (which takes them as
		// known): a person who withdrew consent has their later events
		// dropped before anything counts them, those scoring never
		// counts too (a bot's page views on their old cookie stayed on
		// their timeline after 同意撤回).
		p, err := q.Dir.Get(ctx, person)
		if err != nil {
			return err
		}
		rec, err := q.Record(ctx, person)
		if err != nil {
			return err
		}
		known = &scored{p, rec}
		if evs, err = q.dropWithdrawn(ctx, p, evs); err != nil {
			return err
		}
	}
	evs = scorable(evs, person, q.now())
	for {
		n, err := q.applyPrefix(ctx, person, evs, mayQualify, &known)
		if err != nil {
			return err
		}
		if n >= len(evs) {
			return nil
		}
		evs = evs[n:]
	}
}

// scorable keeps the events scoring may count for person at now
// (event.Scorable): a newsletter click waits for its visit's verdict, so a
// scanner's click never scores, not even for a moment. One it skips is
// scored by a later pass (the sweep's judgement is a change on the feed).
// A click counts only for its recipient (the person its token named): on a
// browser that became someone else's before the sweep judged it (a
// forwarded email, a colleague's form), it is no score of theirs while it
// waits to be moved to the recipient (click.Handler's settle), whatever
// the sweep's delay; a rescore cannot take back an MQL it raised.
func scorable(evs []event.Event, person string, now time.Time) []event.Event {
	ok := func(ev *event.Event) bool {
		return ev.Scorable(now) && (ev.Type != event.EmailClick || !identity.ValidPersonID(ev.UserID) || ev.UserID == person)
	}
	i := 0
	for i < len(evs) && ok(&evs[i]) {
		i++
	}
	if i == len(evs) {
		return evs // all of them (the usual case): no copy
	}
	out := slices.Clone(evs[:i])
	for ; i < len(evs); i++ {
		if ok(&evs[i]) {
			out = append(out, evs[i])
		}
	}
	return out
}

// noLeadYet reports whether a pass that applied evs and earned contribs
// leaves a person never scored as they were, writing nothing: no score
// record, no lead in the funnel, no stage history. An open identifies no
// one (Baton knew the person to send them the email: a list's recipient)
// and scores only where a rule names it, so opens that earned nothing do
// not make them a lead; their click, a form, an offline touch or any event
// a rule scores does (README: a recipient is no lead until then). A pass
// with no event at all (every open flagged: a mail privacy proxy's
// prefetch) leaves a list's recipient alone too; for anyone else it is
// their identification, written all the same. Rescore replays through
// here, and Simulate judges a recipient from the same point on.
func noLeadYet(p identity.Person, evs []event.Event, contribs []Contribution) bool {
	if len(contribs) > 0 {
		return false
	}
	for i := range evs {
		if evs[i].Type != event.EmailOpen {
			return false
		}
	}
	return len(evs) > 0 || listRecipient(p)
}

// listRecipient reports whether Baton first knew p from a recipient list.
func listRecipient(p identity.Person) bool { return strings.HasPrefix(p.Source, "list:") }

// NotALeadYet reports whether p, with their score record rec, is a list's
// recipient who is no lead yet: nothing they did scored (opens alone, or
// nothing), so they have no score record (noLeadYet). The people list,
// the funnel and the accounts leave them out alike.
func NotALeadYet(p identity.Person, rec Record) bool { return rec.Unscored && listRecipient(p) }

// cut is how many of evs fit one transaction of at most limit ledger
// entries, given the contributions applying all of them gave (in event order).
func cut(evs []event.Event, contribs []Contribution, limit int) int {
	if len(contribs) <= limit {
		return len(evs)
	}
	over := contribs[limit].EventID
	for i, ev := range evs {
		if ev.ID == over {
			return max(i, 1)
		}
	}
	return len(evs)
}

// scored is a person and their score record as a write of applyPrefix
// left them.
type scored struct {
	p   identity.Person
	rec Record
}

// applyPrefix applies as many of evs as one transaction can record and
// returns how many that was (at least one, or zero for none given: the
// record of a newly identified person is written all the same).
func (q *Qualifier) applyPrefix(ctx context.Context, person string, evs []event.Event, mayQualify bool, known **scored) (int, error) {
	for attempt := 0; table.Again(ctx, attempt); attempt++ {
		var p identity.Person
		var rec Record
		if *known != nil && attempt == 0 {
			p, rec = (*known).p, (*known).rec // as this call's last write left them
		} else {
			var err error
			if p, err = q.Dir.Get(ctx, person); err != nil {
				return 0, err
			}
			if rec, err = q.Record(ctx, person); err != nil {
				return 0, err
			}
		}
		*known = nil
		now := q.now()
		// The pending entries go out with the new ones when they are
		// written out: together they must fit the transaction.
		limit := max(maxLedgerWrites-len(rec.Pending), 1)
		state, contribs, verdict, n, err := applyEvaluate(q.Engine, rec.State, evs, limit, p, now)
		if err != nil {
			return 0, err
		}
		done := evs[:n]
		if rec.version == 0 && noLeadYet(p, done, contribs) {
			*known = &scored{p, rec}
			return n, nil // a recipient's open no rule scores: no lead, nothing to write
		}
		ws := make([]table.Write, 0, len(contribs)+len(rec.Pending)+6)
		prev, prevState, prevVerdict, prevRules := rec.Stage, rec.State, rec.Verdict, rec.Rules
		rec.State, rec.Verdict, rec.Rules = state, verdict, q.Engine.Version()
		touched := rec.addTouches(done, q.Referrals)
		if rec.Stage == "" || rec.Stage == StageAnonymous {
			rec.Stage = StageLead
		}
		var mql *MQL
		at := now // of the stage change, if any
		if mayQualify && verdict.Condition != "" && verdict.Excluded == "" && Qualifies(rec.Stage) && p.ConsentWithdrawn.IsZero() {
			// Dated by the event that qualified the person; failing that,
			// by the newest event of this pass (a late batch's own time),
			// or now when no event came (their attributes changed).
			fallback := newest(done)
			if fallback.IsZero() {
				fallback = now
			}
			// The replay judges every event with the attributes of today:
			// when they changed what the person is judged on (a new title,
			// a competitor no more), points earned before would date the
			// MQL before the change that qualified them. Not before the
			// form or identify of this pass that brought them, or, with
			// none (they came apart from an event: Refit), than fallback.
			var notBefore time.Time
			if rec.version != 0 && attributesChanged(prevVerdict, verdict) {
				if notBefore = newestAttributes(done); notBefore.IsZero() {
					notBefore = fallback
				}
			}
			if at, err = q.qualifyingTime(ctx, person, p, now, fallback, notBefore); err != nil {
				return 0, err
			}
			rec.Cycle++
			rec.Stage, rec.MQLAt, rec.MQLRaisedAt = StageMQL, at, now
			mql = &MQL{
				ID: fmt.Sprintf("%s-c%d", person, rec.Cycle), Person: person, Email: p.Email, Cycle: rec.Cycle, At: at, RaisedAt: now,
				Condition: verdict.Condition, Facts: verdict.Facts, Verdict: verdict, Rules: rec.Rules,
				Events: q.scoredEvents(ctx, person, contribs, before(at, now)), Journey: cycleJourney(rec, at, now),
			}
		}
		if mql == nil && rec.version != 0 && len(contribs) == 0 && rec.Stage == prev && bytes.Equal(state, prevState) &&
			!touched && sameJudgement(verdict, prevVerdict) && prevRules == rec.Rules {
			*known = &scored{p, rec}
			return n, nil // events seen before, or none a rule matched: nothing to write
		}
		rec.UpdatedAt = now
		if mql != nil {
			// The MQL index and delivery are outside the person's
			// partition: never raise one for a person being erased.
			if gone, err := q.Dir.Erased(ctx, p.Email); err != nil {
				return 0, err
			} else if gone {
				return 0, identity.ErrNotFound
			}
		}
		cnt := newCounts(q.Calendar.Location())
		ch := channelOf(rec)
		if rec.version == 0 {
			ws = append(ws, historyWrite(person, historySeq(rec.version), StageAnonymous, StageLead, p.CreatedAt, "identified"))
			cnt.transition(StageAnonymous, StageLead, p.CreatedAt, ch)
		}
		if rec.Stage != prev {
			ws = append(ws, historyWrite(person, historySeq(rec.version)+1, prev, rec.Stage, at, "scoring"))
			cnt.transition(prev, rec.Stage, at, ch) // the day the history says
		}
		if mql != nil {
			cnt.mql(*mql)
		}
		ws = append(ws, cnt.writes()...)
		pending := append(slices.Clone(rec.Pending), contribs...)
		// The record without them first: a long history's state alone
		// passes the budget, and then the record is encoded once.
		rec.Pending = nil
		data := encodeRecord(rec)
		if len(pending) > 0 && len(data) <= pendingBudget && mql == nil && len(pending) <= maxLedgerWrites {
			rec.Pending = pending
			if with := encodeRecord(rec); len(with) <= pendingBudget {
				data, pending = with, nil
			} else {
				rec.Pending = nil
			}
		}
		if len(pending) > 0 {
			// Written out: an MQL's transaction costs the same either way,
			// and its events must be in the ledger its explanation reads.
			ws = append(ws, ledgerWrites(person, rec.Gen, pending)...)
		}
		ws = withIndex(ws, person, rec)
		ws = notErasedIfNew(ws, rec, p.Email)
		ws = append(ws, table.Put(table.Item{PK: identity.PersonPK(person), SK: scoreSK, Kind: "score", Data: data}, table.VersionIs(rec.version)))
		if mql != nil {
			mw, err := q.mqlWrites(*mql)
			if err != nil {
				return 0, err
			}
			ws = append(ws, mw...)
		}
		if len(ws) == 1 {
			// The record alone: a conditional put costs half a
			// transaction's write units on DynamoDB.
			err = q.T.Put(ctx, ws[0].Item, ws[0].Cond)
		} else {
			err = q.T.Transact(ctx, ws)
		}
		if err == nil {
			rec.version++ // what the store holds now: the next part of a long run need not read it
			*known = &scored{p, rec}
			return n, nil
		}
		if !errors.Is(err, table.ErrConditionFailed) {
			return 0, err
		}
		if err := q.erasedIfNew(ctx, rec, p.Email); err != nil {
			return 0, err
		}
		// Someone else scored this person meanwhile (a duplicate or
		// concurrent delivery): start again from their result.
	}
	return 0, errors.New("qualify: too much contention scoring person")
}

// notErasedIfNew holds a write of a record not yet stored to its person
// not being erased: such a record has no version to fail on, and an
// erasure deletes it before the person's own record (last), so a write
// between the two would bring back the record, the index of scored people
// and the counters. A stored record's version fails the write on its own.
func notErasedIfNew(ws []table.Write, rec Record, email string) []table.Write {
	if rec.version != 0 || email == "" {
		return ws
	}
	return append(ws, privacy.NotErased(email))
}

// erasedIfNew tells why a write held by notErasedIfNew failed: the
// person's erasure (identity.ErrNotFound), or nil for a concurrent writer.
func (q *Qualifier) erasedIfNew(ctx context.Context, rec Record, email string) error {
	if rec.version != 0 || email == "" {
		return nil
	}
	if gone, err := q.Dir.Erased(ctx, email); err != nil || !gone {
		return err
	}
	return identity.ErrNotFound
}

// pendingBudget is the largest score record (its data) that keeps pending
// ledger entries: with the item's keys it stays within two DynamoDB write
// units, so a known person's page view costs 3 (the event, the record).
const pendingBudget = 1900

// ledgerWrites writes contributions out as ledger items of a generation,
// each keyed by its time, event and place among the event's contributions.
func ledgerWrites(person string, gen int, cs []Contribution) []table.Write {
	ws := make([]table.Write, 0, len(cs))
	pk := identity.PersonPK(person)
	for i, c := range cs {
		n := 0
		for j := i - 1; j >= 0 && cs[j].EventID == c.EventID && cs[j].At.Equal(c.At); j-- {
			n++
		}
		ws = append(ws, table.Put(table.Item{PK: pk, SK: ledgerSK(gen, c.At, c.EventID, n), Kind: "ledger", Data: encodeContribution(c)}, table.Always))
	}
	return ws
}

// ledgerPrefix starts the sort keys of a ledger generation. Generation 0
// is the first layout's (L#<time>...), which ledgerGen tells apart.
func ledgerPrefix(gen int) string {
	if gen == 0 {
		return ledgerPfx
	}
	return fmt.Sprintf(ledgerPfx+"g%06d#", gen)
}

// ledgerGen is the generation of a ledger item's sort key.
func ledgerGen(sk string) int {
	rest, ok := strings.CutPrefix(sk, ledgerPfx+"g")
	if !ok {
		return 0
	}
	n, _ := strconv.Atoi(rest[:min(6, len(rest))])
	return n
}

// ledgerItems reads the ledger items of one generation.
func (q *Qualifier) ledgerItems(ctx context.Context, person string, gen int) ([]table.Item, error) {
	items, err := q.T.Query(ctx, table.Query{PK: identity.PersonPK(person), Prefix: ledgerPrefix(gen), Consistent: true})
	if gen == 0 {
		items = slices.DeleteFunc(items, func(it table.Item) bool { return ledgerGen(it.SK) != 0 })
	}
	return items, err
}

// sameJudgement reports whether two verdicts judge alike, the behaviour
// score aside (it decays with time alone).
func sameJudgement(a, b Verdict) bool {
	return a.Fit == b.Fit && a.Grade == b.Grade && a.Band == b.Band && a.BANT == b.BANT && a.Excluded == b.Excluded &&
		a.Condition == b.Condition && a.Waiting == b.Waiting && slices.Equal(a.Facts, b.Facts) &&
		slices.EqualFunc(a.FitRules, b.FitRules, func(x, y Contribution) bool { x.At, y.At = x.At.UTC(), y.At.UTC(); return x == y })
}

func (q *Qualifier) mqlWrites(m MQL) ([]table.Write, error) {
	data, _ := json.Marshal(m)
	ws := []table.Write{
		table.Put(table.Item{PK: identity.PersonPK(m.Person), SK: fmt.Sprintf(mqlPfx+"%04d", m.Cycle), Kind: KindMQL, Data: data}, table.NotExists),
		table.Put(table.Item{PK: mqlIndex, SK: mqlIndexSK(m), Kind: KindMQLIndex, Data: data}, table.NotExists),
	}
	return ws, nil
}

// mqlIndex is the partition of the MQL index (/admin/mqls, the SLA sweep through MQLsSince).
const mqlIndex = "MQLS"

// KindMQL is the kind of the MQL item of a cycle (its change on the feed
// is relayed to delivery: internal/scorefeed).
const KindMQL = "mql"

// KindStage is the kind of a stage history entry (its change on the feed
// brings the person's account up to date: a sales outcome moves the stage
// without an event).
const KindStage = "stage"

// KindMQLIndex is the kind of an MQL index entry.
const KindMQLIndex = "mqlindex"

// mqlIndexSK is an MQL's place in the index: by time (sortkey's, to the
// nanosecond), then person and cycle.
func mqlIndexSK(m MQL) string { return mqlIndexPrefix(m) + fmt.Sprintf("%04d", m.Cycle) }

// mqlIndexPrefix is the start of an MQL's index key: its time and person.
func mqlIndexPrefix(m MQL) string { return sortkey.Time(m.At) + "#" + m.Person + "#" }

// legacyMQLIndexPrefix is mqlIndexPrefix as MQLs were indexed before
// sortkey (RFC 3339, the fraction trimmed): such entries stay, sorted
// first in their second, and are read and erased all the same.
func legacyMQLIndexPrefix(m MQL) string {
	return m.At.UTC().Format(time.RFC3339Nano) + "#" + m.Person + "#"
}

// scoredEvents lists the events whose points stand behind an MQL: those in
// the ledger (and this round's contributions), newest first, at most 50.
func (q *Qualifier) scoredEvents(ctx context.Context, person string, fresh []Contribution, to time.Time) []string {
	led, err := q.Ledger(ctx, person)
	if err != nil {
		led = nil
	}
	return scoredFrom(append(led, fresh...), to)
}

// scoredFrom lists the events that gave points in a ledger (oldest first),
// newest first, at most 50; those up to to, unless it is zero (an MQL
// dated before now by its event: a late batch's later events came after).
func scoredFrom(led []Contribution, to time.Time) []string {
	seen := map[string]bool{}
	var ids []string
	for i := len(led) - 1; i >= 0 && len(ids) < 50; i-- {
		if c := led[i]; c.EventID != "" && c.Delta > 0 && !seen[c.EventID] && (to.IsZero() || !c.At.After(to)) {
			seen[c.EventID] = true
			ids = append(ids, c.EventID)
		}
	}
	return ids
}

// VerdictAt judges a person as of at from their stored record, without
// their events: the record's verdict is as of their last scoring, and
// behaviour points decay with time alone (the rules' decay), so a person
// not scored for weeks would show the score, and the MQL condition met,
// of then. The pages say the person's score now through this, so the
// inbox card and the person page agree. A record never scored is its own
// verdict.
func (q *Qualifier) VerdictAt(rec Record, p identity.Person, at time.Time) (Verdict, error) {
	if rec.Unscored {
		return rec.Verdict, nil
	}
	return q.Engine.Evaluate(rec.State, p.Attributes, p.Email, at)
}

// Record reads a person's score record (zero record when never scored).
func (q *Qualifier) Record(ctx context.Context, person string) (Record, error) {
	it, err := q.T.Get(ctx, identity.PersonPK(person), scoreSK)
	if errors.Is(err, table.ErrNotFound) {
		return Record{Person: person, Stage: StageLead, Unscored: true}, nil
	}
	if err != nil {
		return Record{}, err
	}
	r, err := decodeRecord(it.Data)
	if err != nil {
		return Record{}, err
	}
	r.version = it.Version
	return r, nil
}

// Ledger returns a person's contributions, oldest first: the ledger items
// of the record's generation and the entries still pending on the record,
// read as one state (the record did not change while its items were read).
// By their times: items stored before ledgerSK's sortkey sort by their
// keys' RFC 3339, a whole second after its fractions.
func (q *Qualifier) Ledger(ctx context.Context, person string) ([]Contribution, error) {
	for attempt := 0; ; attempt++ {
		rec, err := q.Record(ctx, person)
		if err != nil {
			return nil, err
		}
		items, err := q.ledgerItems(ctx, person, rec.Gen)
		if err != nil {
			return nil, err
		}
		if again, err := q.Record(ctx, person); err != nil {
			return nil, err
		} else if again.version != rec.version {
			if attempt < 5 {
				continue // scored meanwhile: read the new state
			}
			return nil, errors.New("qualify: the ledger kept changing while it was read")
		}
		out := make([]Contribution, 0, len(items)+len(rec.Pending))
		for _, it := range items {
			c, err := decodeContribution(it.Data)
			if err != nil {
				return nil, err
			}
			out = append(out, c)
		}
		out = append(out, rec.Pending...)
		sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
		return out, nil
	}
}

// MQLs returns a person's MQLs, first cycle first.
func (q *Qualifier) MQLs(ctx context.Context, person string) ([]MQL, error) {
	items, err := q.T.Query(ctx, table.Query{PK: identity.PersonPK(person), Prefix: mqlPfx, Consistent: true})
	if err != nil {
		return nil, err
	}
	return decodeMQLs(items)
}

// MQLByID reads one MQL by its id (<person>-c<cycle>) from its person's
// partition: table.ErrNotFound when there is none (erased, or not an id).
func (q *Qualifier) MQLByID(ctx context.Context, id string) (MQL, error) {
	i := strings.LastIndex(id, "-c")
	if i <= 0 {
		return MQL{}, table.ErrNotFound
	}
	cycle, err := strconv.Atoi(id[i+2:])
	if err != nil {
		return MQL{}, table.ErrNotFound
	}
	it, err := q.T.Get(ctx, identity.PersonPK(id[:i]), fmt.Sprintf(mqlPfx+"%04d", cycle))
	if err != nil {
		return MQL{}, err
	}
	ms, err := decodeMQLs([]table.Item{it})
	if err != nil || len(ms) == 0 || ms[0].ID != id {
		return MQL{}, errors.Join(err, table.ErrNotFound)
	}
	return ms[0], nil
}

// RecentMQLs lists MQLs of everyone, newest first.
func (q *Qualifier) RecentMQLs(ctx context.Context, limit int) ([]MQL, error) {
	items, err := q.T.Query(ctx, table.Query{PK: mqlIndex, Reverse: true, Limit: limit, Consistent: true})
	if err != nil {
		return nil, err
	}
	return decodeMQLs(items)
}

// MQLsSince lists MQLs of everyone qualified at or after since, oldest
// first: exported for the SLA sweep (internal/sla), which reads the index
// from its lookback. The index is read from since's second (entries
// indexed before sortkey sort first in theirs, not by their fraction) and
// kept by the MQLs' own times.
func (q *Qualifier) MQLsSince(ctx context.Context, since time.Time) ([]MQL, error) {
	items, err := q.T.Query(ctx, table.Query{PK: mqlIndex, After: sortkey.Second(since), Consistent: true})
	if err != nil {
		return nil, err
	}
	ms, err := decodeMQLs(items)
	return slices.DeleteFunc(ms, func(m MQL) bool { return m.At.Before(since) }), err
}

func decodeMQLs(items []table.Item) ([]MQL, error) {
	out := make([]MQL, 0, len(items))
	for _, it := range items {
		var m MQL
		if err := json.Unmarshal(it.Data, &m); err != nil {
			return nil, err
		}
		if it.PK == mqlIndex {
			m.indexSK = it.SK
		}
		out = append(out, m)
	}
	return out, nil
}

// History returns a person's stage changes, oldest first.
func (q *Qualifier) History(ctx context.Context, person string) ([]StageChange, error) {
	items, err := q.T.Query(ctx, table.Query{PK: identity.PersonPK(person), Prefix: historyPfx, Consistent: true})
	if err != nil {
		return nil, err
	}
	out := make([]StageChange, 0, len(items))
	for _, it := range items {
		c, err := decodeStageChange(it)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	sortHistory(out)
	return out, nil
}

// Touches returns the marketing touches scoring kept for a person (the
// first touch and the latest ones, oldest first): the one definition of a
// touch that the hand-off and the reports both use.
func (q *Qualifier) Touches(ctx context.Context, person string) ([]Touch, error) {
	rec, err := q.Record(ctx, person)
	if err != nil {
		return nil, err
	}
	return rec.Touches, nil
}
