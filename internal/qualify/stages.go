package qualify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/baton-hq/baton/internal/textcut"
	"strconv"
	"strings"
	"time"

	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/table"
)

// Lifecycle stages.
const (
	StageAnonymous   = "anonymous"
	StageLead        = "lead"
	StageMQL         = "mql"
	StageSAL         = "sal" // accepted by sales
	StageSQL         = "sql"
	StageOpportunity = "opportunity"
	StageCustomer    = "customer"
	StageRejected    = "rejected"
	StageLost        = "lost"
	StageRecycled    = "recycled" // back to nurturing; can qualify again
)

// transitions lists where each stage may go. Sales may skip steps forward
// (an MQL can be won without being marked accepted), never backward.
var transitions = map[string][]string{
	StageAnonymous:   {StageLead},
	StageLead:        {StageMQL},
	StageRecycled:    {StageMQL},
	StageMQL:         {StageSAL, StageSQL, StageOpportunity, StageCustomer, StageRejected, StageLost},
	StageSAL:         {StageSQL, StageOpportunity, StageCustomer, StageRejected, StageLost},
	StageSQL:         {StageOpportunity, StageCustomer, StageLost},
	StageOpportunity: {StageCustomer, StageLost},
	StageRejected:    {StageRecycled},
	StageLost:        {StageRecycled},
	StageCustomer:    {},
}

// ErrTransition is a move the lifecycle does not allow.
var ErrTransition = errors.New("qualify: invalid stage transition")

// Transition validates a stage change.
func Transition(from, to string) error {
	next, ok := transitions[from]
	if !ok {
		return fmt.Errorf("%w: unknown stage %q", ErrTransition, from)
	}
	if _, ok := transitions[to]; !ok {
		return fmt.Errorf("%w: unknown stage %q", ErrTransition, to)
	}
	for _, n := range next {
		if n == to {
			return nil
		}
	}
	return fmt.Errorf("%w: %s -> %s", ErrTransition, from, to)
}

// Qualifies reports whether a person in the stage can become an MQL.
func Qualifies(stage string) bool { return stage == StageLead || stage == StageRecycled }

// StageChange is one entry of a person's stage history.
type StageChange struct {
	From   string    `json:"from"`
	To     string    `json:"to"`
	At     time.Time `json:"at"`
	Reason string    `json:"reason"`
	Owner  string    `json:"owner,omitempty"`
	Why    string    `json:"why,omitempty"` // sales' reason for a rejection or loss, as their SFA gave it
}

func historyWrite(person, from, to string, at time.Time, reason string) table.Write {
	data, _ := json.Marshal(StageChange{From: from, To: to, At: at, Reason: reason})
	return table.Put(table.Item{PK: identity.PersonPK(person), SK: historyPfx + at.UTC().Format(time.RFC3339Nano) + "#" + to, Kind: KindStage, Data: data}, table.Always)
}

// Outcomes sales can report, and the stage each moves to.
var outcomeStage = map[string]string{
	"accepted":    StageSAL,
	"rejected":    StageRejected,
	"sql":         StageSQL,
	"opportunity": StageOpportunity,
	"won":         StageCustomer,
	"lost":        StageLost,
}

// IsOutcome reports whether sales can report outcome (accepted, rejected,
// sql, opportunity, won, lost).
func IsOutcome(outcome string) bool { _, ok := outcomeStage[outcome]; return ok }

// OutcomeResult says what a sales outcome did.
type OutcomeResult struct {
	Applied  bool   `json:"applied"`
	Stage    string `json:"stage"`
	Ignored  string `json:"ignored,omitempty"` // why nothing changed: duplicate, stale
	Recycled bool   `json:"recycled,omitempty"`
}

// Outcome applies a sales verdict. Deliveries are deduplicated by delivery
// id; an outcome that would move the person backward (a late or
// out-of-order delivery) is ignored. Rejected and lost leads are recycled:
// their behaviour score is reset and they may qualify again.
func (q *Qualifier) Outcome(ctx context.Context, person, outcome, deliveryID, owner string, at time.Time) (OutcomeResult, error) {
	return q.OutcomeWhy(ctx, person, outcome, deliveryID, owner, "", at)
}

// MaxWhy bounds sales' reason kept, in bytes: what the admin API accepts,
// and the inbox form's 500 characters of Japanese (3 bytes each).
const MaxWhy = 2000

// OutcomeWhy is Outcome with sales' reason (why rejected or lost), kept on
// the stage history for the MQL-quality report.
func (q *Qualifier) OutcomeWhy(ctx context.Context, person, outcome, deliveryID, owner, why string, at time.Time) (OutcomeResult, error) {
	why = textcut.Bytes(why, MaxWhy)
	target, ok := outcomeStage[outcome]
	if !ok {
		return OutcomeResult{}, fmt.Errorf("qualify: unknown outcome %q (accepted, rejected, sql, opportunity, won, lost)", outcome)
	}
	if at.IsZero() {
		at = q.now()
	}
	for attempt := 0; attempt < 10; attempt++ {
		rec, err := q.Record(ctx, person)
		if err != nil {
			return OutcomeResult{}, err
		}
		p, err := q.Dir.Get(ctx, person)
		if err != nil {
			return OutcomeResult{}, err
		}
		res := OutcomeResult{Stage: rec.Stage}
		if deliveryID != "" {
			if _, err := q.T.Get(ctx, identity.PersonPK(person), fbPfx+deliveryID); err == nil {
				res.Ignored = "duplicate delivery"
				return res, nil
			}
		}
		if rec.Stage == target {
			res.Ignored = "already " + target
			return res, nil
		}
		if earlierCycle(rec, at) {
			res.Ignored = "stale: dated before the MQL of cycle " + strconv.Itoa(rec.Cycle)
			return res, nil
		}
		if at.Before(rec.MQLAt) {
			// An answer to this MQL, dated before it by an SFA's clock or
			// kintone's minutes: the reports count answers from the MQL on.
			at = rec.MQLAt
		}
		if err := Transition(rec.Stage, target); err != nil {
			res.Ignored = "stale: " + err.Error()
			return res, nil
		}
		now := q.now()
		ws := []table.Write{}
		if deliveryID != "" {
			mark, _ := json.Marshal(map[string]any{"outcome": outcome, "at": at})
			ws = append(ws, table.Put(table.Item{PK: identity.PersonPK(person), SK: fbPfx + deliveryID, Kind: "feedback", Data: mark}, table.NotExists))
		}
		hist := StageChange{From: rec.Stage, To: target, At: at, Reason: "sales: " + outcome, Owner: owner, Why: strings.TrimSpace(why)}
		data, _ := json.Marshal(hist)
		ws = append(ws, table.Put(table.Item{PK: identity.PersonPK(person), SK: historyPfx + at.UTC().Format(time.RFC3339Nano) + "#" + target, Kind: KindStage, Data: data}, table.Always))
		cnt := newCounts(q.Calendar.Location())
		cnt.transition(rec.Stage, target, at, channelOf(rec))
		rec.Stage = target
		if target == StageSAL && !rec.MQLAt.IsZero() {
			rec.AcceptedAt = at
		}
		if target == StageRejected || target == StageLost {
			w, err := q.recycle(person, &rec, now)
			if err != nil {
				return OutcomeResult{}, err
			}
			ws = append(ws, w)
			// explain must show the score after the recycle, not before.
			if rec.Verdict, err = q.Engine.Evaluate(rec.State, p.Attributes, p.Email, now); err != nil {
				return OutcomeResult{}, err
			}
			ws = append(ws, historyWrite(person, target, StageRecycled, at.Add(time.Nanosecond), "recycled after "+outcome))
			rec.Stage = StageRecycled
			res.Recycled = true
			cnt.transition(target, StageRecycled, at, channelOf(rec))
		}
		ws = append(ws, cnt.writes()...)
		rec.UpdatedAt = now
		rd := encodeRecord(rec)
		ws = withIndex(ws, person, rec)
		ws = append(ws, table.Put(table.Item{PK: identity.PersonPK(person), SK: scoreSK, Kind: "score", Data: rd}, table.VersionIs(rec.version)))
		err = q.T.Transact(ctx, ws)
		if err == nil {
			res.Applied, res.Stage = true, rec.Stage
			return res, nil
		}
		if !errors.Is(err, table.ErrConditionFailed) {
			return OutcomeResult{}, err
		}
	}
	return OutcomeResult{}, errors.New("qualify: too much contention applying outcome")
}

// cycleSkew is how far an SFA's clock may be behind Baton's: an outcome
// set by automation as the MQL's lead is created comes seconds after it.
const cycleSkew = time.Minute

// earlierCycle reports whether a verdict dated at belongs to a cycle before
// rec's: dated before its MQL, it is about a lead that was recycled since
// (an SFA's delivery held up, then retried), and the forward-only rule
// alone would apply it to the new MQL. In the first cycle there is no
// earlier one (a deal may well predate the first MQL).
func earlierCycle(rec Record, at time.Time) bool {
	return rec.Cycle > 1 && !rec.MQLAt.IsZero() && at.Before(rec.MQLAt.Add(-cycleSkew))
}

// recycle resets the behaviour state of rec for a new cycle at t and
// returns the ledger entry that explains it (written with the record).
func (q *Qualifier) recycle(person string, rec *Record, t time.Time) (table.Write, error) {
	state, c, err := q.Engine.Recycle(rec.State, t)
	if err != nil {
		return table.Write{}, err
	}
	rec.State = state
	return table.Put(table.Item{PK: identity.PersonPK(person), SK: ledgerSK(rec.Gen, t, "recycle", 0), Kind: "ledger", Data: encodeContribution(c)}, table.Always), nil
}
