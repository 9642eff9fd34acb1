package qualify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/sortkey"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/textcut"
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
// (an MQL can be won without being marked accepted), never backward; and
// they may take back a lead they recycled (StageChange.Reopens).
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
	// OwnerID is the key of the SFA's owner id the owner was named by
	// (internal/repnames'): the reports name the owner by the name learned
	// for it when they read, so that an outcome recorded under the id
	// while the SFA did not answer is the same rep's as the named ones.
	OwnerID string `json:"ownerId,omitempty"`
	Why     string `json:"why,omitempty"` // sales' reason for a rejection or loss, as their SFA gave it
	// Journey is the touches the change is credited to, on a cycle's
	// first reach of SQL (or a stage past it) and on a win: its cycle's
	// (after the recycle that opened it; every touch in the first) up to
	// the change, as they stood then (cycleJourney, as an MQL's), so a
	// recycled lead's later SQL and win are credited to what brought them
	// back, and later touches never change the credit; the win's deal
	// and an open deal's SQL are credited to it too (reports.Revenue), so
	// both reports name one first touch. Nil on other changes and on
	// those stored before it was kept (the reports read their cycle's
	// touches from the record).
	Journey *Journey `json:"journey,omitempty"`

	sk string // its item's key, when read back (sortHistory)
}

// historyWrite is the write of a stage change. seq orders the changes of
// one instant (historySK).
func historyWrite(person string, seq int64, from, to string, at time.Time, reason string) table.Write {
	return historyPut(person, seq, StageChange{From: from, To: to, At: at, Reason: reason})
}

func historyPut(person string, seq int64, c StageChange) table.Write {
	data, _ := json.Marshal(c)
	return table.Put(table.Item{PK: identity.PersonPK(person), SK: historySK(c.At, seq, c.To), Kind: KindStage, Data: data}, table.Always)
}

// historySK is a stage change's key: H#<time>.<seq>#<stage>, its time
// (sortkey's, to the nanosecond), then seq: changes of one instant (an
// SFA's whole seconds, answers dated before the MQL and counted from it)
// in the order they were made. seq is historySeq of the transaction that
// writes it, and its place among the transaction's changes. Keys written
// before (H#<RFC 3339 time>#<stage>) sort first in their second.
func historySK(at time.Time, seq int64, stage string) string {
	return historyPfx + sortkey.Time(at) + fmt.Sprintf(".%012d#", seq) + stage
}

// historySeq is the first seq of the stage changes written with the
// score record of version v (the version they replace): the record's
// versions only grow, one per write, so its changes' seqs do too, two per
// transaction.
func historySeq(v int64) int64 { return 2 * v }

// historySorted reports whether sk is a key historySK spelled (with the
// seq of its change), not one of before.
func historySorted(sk string) bool {
	n := len(historyPfx) + sortkey.Len
	return len(sk) > n && sk[n] == '.' && sk[n-11:n-9] == "Z."
}

// decodeStageChange reads a stage history item, with its key.
func decodeStageChange(it table.Item) (StageChange, error) {
	var c StageChange
	err := json.Unmarshal(it.Data, &c)
	c.sk = it.SK
	return c, err
}

// sortHistory puts a person's stage changes (read back, in any order) in
// the order they were made: by time, and changes of one instant by their
// keys' seq (historySK). Changes of one instant stored before historySK
// (their keys sort by the stage's name) come first, in the order of
// their chain where it tells (each change from the stage the one before
// went to), and as read where it does not.
func sortHistory(h []StageChange) {
	sort.SliceStable(h, func(i, j int) bool {
		a, b := h[i], h[j]
		if !a.At.Equal(b.At) {
			return a.At.Before(b.At)
		}
		as, bs := historySorted(a.sk), historySorted(b.sk)
		if as != bs {
			return bs
		}
		return as && a.sk < b.sk
	})
	prev := ""
	for i := 0; i < len(h); {
		j := i + 1 // h[i:j]: one instant's
		for j < len(h) && h[j].At.Equal(h[i].At) {
			j++
		}
		l := i // h[i:l]: those stored before historySK
		for l < j && !historySorted(h[l].sk) {
			l++
		}
		for k := i; k < l; k++ {
			if m := slices.IndexFunc(h[k:l], func(c StageChange) bool { return c.From == prev }); m > 0 {
				c := h[k+m]
				copy(h[k+1:k+m+1], h[k:k+m])
				h[k] = c
			}
			prev = h[k].To
		}
		prev = h[j-1].To
		i = j
	}
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

// OutcomeStage is the stage an outcome moves a person to ("" for none).
func OutcomeStage(outcome string) string { return outcomeStage[outcome] }

// IsOutcome reports whether sales can report outcome (accepted, rejected,
// sql, opportunity, won, lost).
func IsOutcome(outcome string) bool { _, ok := outcomeStage[outcome]; return ok }

// OutcomeResult says what a sales outcome did.
type OutcomeResult struct {
	Applied  bool   `json:"applied"`
	Stage    string `json:"stage"`
	Ignored  string `json:"ignored,omitempty"` // why nothing changed: duplicate, already at or past the verdict's stage, stale, not allowed
	Recycled bool   `json:"recycled,omitempty"`
	// At is the verdict's time as recorded, when applied: the SFA's, but
	// never before the MQL reached sales, nor (feedback) ahead of its
	// receipt, which AtNote then says.
	At     time.Time `json:"at,omitzero"`
	AtNote string    `json:"atNote,omitempty"`
}

// Outcome applies a sales verdict. Deliveries are deduplicated by delivery
// id; an outcome that would move the person backward (a late or
// out-of-order delivery) is ignored. Rejected and lost leads are recycled:
// their behaviour score is reset and they may qualify again.
func (q *Qualifier) Outcome(ctx context.Context, person, outcome, deliveryID, owner string, at time.Time) (OutcomeResult, error) {
	return q.OutcomeWhy(ctx, person, outcome, deliveryID, owner, "", at)
}

// MaxWhy bounds sales' reason in bytes: what the admin API accepts, and
// the inbox form's 500 characters of Japanese (3 bytes each).
const MaxWhy = 2000

// MaxWhyRunes bounds sales' reason as kept, in characters (an ellipsis
// ending one cut): an SFA's field or a webhook's reason can be pages long,
// and the pages and reports list it among others.
const MaxWhyRunes = 500

// MaxOwnerRunes bounds the owner's name as kept, in characters (an
// ellipsis ending one cut, never a character cut in two): the longest an
// email is (254), past a Salesforce User's name (121) or a kintone user's
// display name; a webhook's or the admin API's owner was kept whatever its
// length, on every outcome of the person's history.
const MaxOwnerRunes = 254

// OutcomeWhy is Outcome with sales' reason (why rejected or lost), kept on
// the stage history for the MQL-quality report.
func (q *Qualifier) OutcomeWhy(ctx context.Context, person, outcome, deliveryID, owner, why string, at time.Time) (OutcomeResult, error) {
	return q.OutcomeOf(ctx, person, outcome, deliveryID, Owner{Name: owner}, why, at)
}

// Owner is the rep an outcome is recorded under: the SFA's owner id and
// its key (StageChange.OwnerID) when the SFA names the rep by an id (the
// reports and pages name it by the key: repnames, where the name learned,
// a HubSpot owner's or Salesforce User's email, is kept once per rep, not
// in every person's history); else the name as given (a webhook's owner,
// kintone's user, the workspace's caller).
type Owner struct{ Name, ID string }

// OutcomeOf is OutcomeWhy with the owner's id kept beside their name.
func (q *Qualifier) OutcomeOf(ctx context.Context, person, outcome, deliveryID string, owner Owner, why string, at time.Time) (OutcomeResult, error) {
	// Sales' reason and the owner as typed (the inbox's form, an SFA's
	// field, a webhook), without control characters nor bidirectional
	// overrides, isolates and marks (textcut.Controls): "\u202e" in a
	// reason or an owner showed the pages' and reports' cells reversed.
	why = textcut.Runes(strings.TrimSpace(textcut.Controls(why)), MaxWhyRunes)
	owner.Name = textcut.Runes(textcut.Line(textcut.Controls(owner.Name)), MaxOwnerRunes)
	verdict, ok := outcomeStage[outcome]
	if !ok {
		return OutcomeResult{}, fmt.Errorf("qualify: unknown outcome %q (accepted, rejected, sql, opportunity, won, lost)", outcome)
	}
	if at.IsZero() {
		at = q.now()
	}
	for attempt := 0; table.Again(ctx, attempt); attempt++ {
		rec, err := q.Record(ctx, person)
		if err != nil {
			return OutcomeResult{}, err
		}
		p, err := q.Dir.Get(ctx, person)
		if err != nil {
			return OutcomeResult{}, err
		}
		res := OutcomeResult{Stage: rec.Stage}
		target := verdict
		if target == StageRejected && (rec.Stage == StageSQL || rec.Stage == StageOpportunity) {
			// A qualified lead sales disqualify (Salesforce's Qualified,
			// then Closed - Not Converted; kintone's 商談化, then 見送り)
			// closed without a win: lost, and recycled with sales' reason.
			// Refused as a backward move, it stayed an SQL for good.
			target = StageLost
		}
		if deliveryID != "" {
			if _, err := q.T.Get(ctx, identity.PersonPK(person), fbPfx+deliveryID); err == nil {
				res.Ignored = "duplicate delivery"
				return res, nil
			}
		}
		if rec.Stage == target || past(rec.Stage, target) {
			res.Ignored = "already " + rec.Stage
			return res, nil
		}
		if earlierCycle(rec, at) {
			res.Ignored = "stale: dated before the MQL of cycle " + strconv.Itoa(rec.Cycle)
			return res, nil
		}
		if raised := rec.MQLRaised(); at.Before(raised) {
			// An answer to this MQL, dated before it reached sales by an
			// SFA's clock or kintone's minutes: the reports count answers
			// from then on (the SLA's start).
			at = raised
		}
		reopen := rec.Stage == StageRecycled && rec.Cycle > 0 && funnelRank[target] > funnelRank[StageMQL]
		var hist []StageChange
		if reopen {
			if hist, err = q.History(ctx, person); err != nil {
				return OutcomeResult{}, err
			}
			// Given before sales closed the MQL (an SFA's delivery held
			// up), applied now it would undo the verdict sales gave
			// later. By the verdict's own time, not when Baton heard of
			// it: a rep who takes the lead back before the rejection
			// reached Baton (kintone's minutes, an Outbound Message
			// retried) is later still. At the same time, later.
			if closed := closedAt(hist); at.Before(closed) {
				res.Ignored = "stale: dated before sales closed the MQL (" + closed.UTC().Format(time.RFC3339) + ")"
				return res, nil
			}
			// Given before Baton heard of the rejection, it is recorded
			// at the recycle it undoes: read back in time order, it
			// came before it, and the recycle ended the cycle after all
			// (EndsCycle: the MQL list, the replay).
			if last := hist[len(hist)-1]; last.To == StageRecycled && at.Before(last.At) {
				at = last.At
			}
		}
		if err := Transition(rec.Stage, target); err != nil && !reopen {
			res.Ignored = "not allowed: " + rec.Stage + " -> " + target
			return res, nil
		}
		now := q.now()
		ws := []table.Write{}
		if deliveryID != "" {
			mark, _ := json.Marshal(map[string]any{"outcome": outcome, "at": at})
			ws = append(ws, table.Put(table.Item{PK: identity.PersonPK(person), SK: fbPfx + deliveryID, Kind: "feedback", Data: mark}, table.NotExists))
		}
		seq := historySeq(rec.version)
		change := StageChange{From: rec.Stage, To: target, At: at, Reason: "sales: " + outcome, Owner: owner.Name, OwnerID: owner.ID, Why: why}
		cnt := newCounts(q.Calendar.Location())
		if reopen {
			// The cycle sales closed goes on: its start, and the
			// furthest it had reached, from which the funnel counts
			// only stages it had not (a lead accepted, rejected, then
			// accepted again is one SAL).
			rec.CycleFrom = cycleStart(append(slices.Clone(hist), change))
			furthest := reachedInCycle(hist)
			if target == StageCustomer || funnelRank[target] >= funnelRank[StageSQL] && funnelRank[furthest] < funnelRank[StageSQL] {
				change.Journey = cycleJourney(rec, at, now)
			}
			if funnelRank[target] > funnelRank[furthest] {
				cnt.transition(furthest, target, at, channelOf(rec))
			}
			if target == StageSAL && funnelRank[furthest] < funnelRank[StageSAL] && !rec.MQLAt.IsZero() {
				rec.AcceptedAt = at
			}
		} else {
			if converts(rec.Stage, target) {
				change.Journey = cycleJourney(rec, at, now)
			}
			cnt.transition(rec.Stage, target, at, channelOf(rec))
			if target == StageSAL && !rec.MQLAt.IsZero() {
				rec.AcceptedAt = at
			}
		}
		ws = append(ws, historyPut(person, seq, change))
		rec.Stage = target
		rec.reached(target, at)
		if target == StageRejected || target == StageLost {
			// Recycled now, when the events scored so far are wiped,
			// and recorded so: a rescore (rebuild, Simulate) replays the
			// recycle at its history's time, and a verdict applied late
			// (an SFA's feedback delayed) dated then made the replay
			// count as new evidence what the live recycle had wiped.
			recycledAt := now
			if !recycledAt.After(at) {
				recycledAt = at.Add(time.Nanosecond) // after the verdict it follows (an SFA clock ahead of ours)
			}
			w, err := q.recycle(person, &rec, recycledAt)
			if err != nil {
				return OutcomeResult{}, err
			}
			ws = append(ws, w)
			rec.CycleFrom = recycledAt // the next MQL's touches are the ones after it
			// explain must show the score after the recycle, not before.
			if rec.Verdict, err = q.Engine.Evaluate(rec.State, p.Attributes, p.Email, now); err != nil {
				return OutcomeResult{}, err
			}
			ws = append(ws, historyWrite(person, seq+1, target, StageRecycled, recycledAt, "recycled after "+outcome))
			rec.Stage = StageRecycled
			res.Recycled = true
			cnt.transition(target, StageRecycled, recycledAt, channelOf(rec)) // the day the history says
		}
		ws = append(ws, cnt.writes()...)
		rec.UpdatedAt = now
		rd := encodeRecord(rec)
		ws = withIndex(ws, person, rec)
		ws = append(ws, table.Put(table.Item{PK: identity.PersonPK(person), SK: scoreSK, Kind: "score", Data: rd}, table.VersionIs(rec.version)))
		err = q.T.Transact(ctx, ws)
		if err == nil {
			res.Applied, res.Stage, res.At = true, rec.Stage, at
			return res, nil
		}
		if !errors.Is(err, table.ErrConditionFailed) {
			return OutcomeResult{}, err
		}
	}
	return OutcomeResult{}, errors.New("qualify: too much contention applying outcome")
}

// Reopens reports whether the change is sales taking back a lead they
// had closed: from recycled to accepted or further, where a lead that
// qualifies again goes to MQL. Their MQL's cycle goes on (OutcomeOf): a
// rep who rejected a lead, then heard from them again (a re-inquiry),
// accepts it or wins its deal without waiting for a new MQL.
func (c StageChange) Reopens() bool {
	return c.From == StageRecycled && funnelRank[c.To] > funnelRank[StageMQL]
}

// EndsCycle reports whether hist[i] is a recycle that ended its MQL's
// cycle: one sales did not reopen by the change after it.
func EndsCycle(hist []StageChange, i int) bool {
	return hist[i].To == StageRecycled && (i+1 >= len(hist) || !hist[i+1].Reopens())
}

// cycleStart is when the current cycle began by hist: the last recycle
// that ended a cycle, zero in the first.
func cycleStart(hist []StageChange) time.Time {
	var t time.Time
	for i := range hist {
		if EndsCycle(hist, i) {
			t = hist[i].At
		}
	}
	return t
}

// closedAt is when sales closed the lead by hist: the time of their last
// rejection or loss (the verdict's own, before the recycle Baton made of
// it when it heard).
func closedAt(hist []StageChange) time.Time {
	for i := len(hist) - 1; i >= 0; i-- {
		if hist[i].To == StageRejected || hist[i].To == StageLost {
			return hist[i].At
		}
	}
	return time.Time{}
}

// reachedInCycle is the furthest funnel stage the current cycle's MQL
// reached by hist (MQL at least): the stages after its last change to MQL.
func reachedInCycle(hist []StageChange) string {
	out := StageMQL
	for _, h := range hist {
		switch {
		case h.To == StageMQL:
			out = StageMQL
		case funnelRank[h.To] > funnelRank[out]:
			out = h.To
		}
	}
	return out
}

// funnelRank orders the stages a verdict moves forward through.
var funnelRank = map[string]int{StageMQL: 1, StageSAL: 2, StageSQL: 3, StageOpportunity: 4, StageCustomer: 5}

// past reports whether a person at stage is past the verdict's target: a
// customer (won; no verdict moves them), or further along the funnel
// than the target (an SQL accepted, a customer made SQL). Nothing stale:
// the verdict came after sales moved them on.
func past(stage, target string) bool {
	if stage == StageCustomer {
		return true
	}
	r, t := funnelRank[stage], funnelRank[target]
	return r > 0 && t > 0 && r > t
}

// converts reports whether a change from one stage to another is one
// attribution credits: the cycle's first reach of SQL (from an MQL,
// accepted or not, to SQL, an opportunity or a win) or a win.
func converts(from, to string) bool {
	switch to {
	case StageCustomer:
		return true
	case StageSQL, StageOpportunity:
		return from == StageMQL || from == StageSAL
	}
	return false
}

// reached keeps when the record first reached SQL (or a stage past it)
// and customer, as reports read them from the history: the windows of
// those conversions' journeys end there (attribution's and revenue's of a
// change stored before it kept its journey).
func (r *Record) reached(stage string, at time.Time) {
	first := func(t *time.Time) {
		if t.IsZero() || at.Before(*t) {
			*t = at
		}
	}
	switch stage {
	case StageCustomer:
		first(&r.CustomerAt)
		fallthrough
	case StageSQL, StageOpportunity:
		first(&r.SQLAt)
	}
}

// cycleSkew is how far an SFA's clock may be behind Baton's: an outcome
// set by automation as the MQL's lead is created comes seconds after it.
const cycleSkew = time.Minute

// earlierCycle reports whether a verdict dated at belongs to a cycle before
// rec's: dated before its MQL, it is about a lead that was recycled since
// (an SFA's delivery held up, then retried), and the forward-only rule
// alone would apply it to the new MQL. In the first cycle there is no
// earlier one (a deal may well predate the first MQL).
// It goes by when the MQL was raised, not the (maybe much earlier) event
// that qualified it: sales could answer it no sooner.
func earlierCycle(rec Record, at time.Time) bool {
	return rec.Cycle > 1 && !rec.MQLAt.IsZero() && at.Before(rec.MQLRaised().Add(-cycleSkew))
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
