package qualify

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/identity"
)

// Simulation is one person's stored history replayed under one engine, in
// memory: when they would have qualified, and the verdict now.
type Simulation struct {
	Rules   string    `json:"rules"`
	Verdict Verdict   `json:"verdict"`        // the verdict now, as DryRun judges it
	MQLs    []SimMQL  `json:"mqls"`           // would-be qualifications, oldest first (one per cycle at most)
	First   time.Time `json:"first,omitzero"` // the person's first stored event (zero: none)
	Events  int       `json:"events"`         // events replayed
	// Matched counts the events each behaviour rule matched (Matcher;
	// else those it gave points, from the contributions).
	Matched map[string]int `json:"matched,omitempty"`
}

// Matcher is a Replay that counts the events each rule matched, points or
// none (a capped rule still matched).
type Matcher interface {
	Matched() map[string]int
}

// SimMQL is a would-be qualification: the first time, in a cycle, a
// condition held after an event.
type SimMQL struct {
	At        time.Time `json:"at"`
	Condition string    `json:"condition"`
	Cycle     int       `json:"cycle"`
	Facts     []string  `json:"facts,omitempty"`
}

// Simulate replays a person's stored events oldest first under each engine,
// in memory, writing nothing. The recycles of their stage history come in
// between at the times sales closed them (the lifecycle is an input, as in
// a rescore). The verdict is taken after each event from the person's
// identification on (their anonymous history counts once they are
// identified, with the event that identified them applied, as live
// scoring judged it: the form is stored before it links the browser), at
// the time live scoring took it: when
// Baton received the event (a list imported after the show is judged at
// its import, its points decayed by then). The first time a condition
// holds in a cycle is a would-be MQL, dated by the event's own time (the
// show's day), as live scoring dates an MQL; a recycle starts the next cycle. Attributes
// (grade, BANT) are the person's today: the store keeps no history of them.
func (q *Qualifier) Simulate(ctx context.Context, person string, engines ...Engine) (identity.Person, []Simulation, error) {
	p, err := q.Dir.Get(ctx, person)
	if err != nil {
		return identity.Person{}, nil, err
	}
	hist, err := q.History(ctx, person)
	if err != nil {
		return p, nil, err
	}
	var recycles []recycleAt
	for i, h := range hist {
		if h.To == StageRecycled {
			recycles = append(recycles, recycleAt{h.At, EndsCycle(hist, i)})
		}
	}
	st := &identity.Stitcher{Dir: q.Dir, Log: q.Log}
	tl, err := st.History(ctx, person)
	if err != nil {
		return p, nil, err
	}
	tl = withdrawnFrom(p, scorable(tl, person, q.now())) // as scoring counts them
	out := make([]Simulation, 0, len(engines))
	for _, e := range engines {
		s, err := q.replayIn(e, p, tl, recycles)
		if err != nil {
			return p, nil, err
		}
		out = append(out, s)
	}
	return p, out, nil
}

// Replayer is an Engine that opens a person's state once for a replay
// event by event (Simulate): without it every event decodes and encodes
// the whole state.
type Replayer interface {
	Open(state json.RawMessage) (Replay, error)
}

// Replay is one person's engine state, open.
type Replay interface {
	Apply(evs []event.Event, now time.Time) ([]Contribution, error)
	Evaluate(attrs map[string]string, email string, now time.Time) (Verdict, error)
	Recycle(now time.Time) (Contribution, error)
}

// open starts a replay from an empty state.
func open(e Engine) (Replay, error) {
	if r, ok := e.(Replayer); ok {
		return r.Open(nil)
	}
	return &rawReplay{e: e}, nil
}

// rawReplay replays through the Engine interface, state encoded between calls.
type rawReplay struct {
	e     Engine
	state json.RawMessage
}

func (r *rawReplay) Apply(evs []event.Event, now time.Time) (cs []Contribution, err error) {
	r.state, cs, err = r.e.Apply(r.state, evs, now)
	return cs, err
}

func (r *rawReplay) Evaluate(attrs map[string]string, email string, now time.Time) (Verdict, error) {
	return r.e.Evaluate(r.state, attrs, email, now)
}

func (r *rawReplay) Recycle(now time.Time) (c Contribution, err error) {
	r.state, c, err = r.e.Recycle(r.state, now)
	return c, err
}

// judgedAt is when live scoring judged a person on ev: when Baton received
// it (the feed scores what is stored), or its own time if later or unknown.
func judgedAt(ev *event.Event) time.Time {
	if at := receivedAt(ev); at.After(ev.Timestamp) {
		return at
	}
	return ev.Timestamp
}

// identifiedBy is the index in tl of the event that identified p: the
// first from the person's creation on that names them (their email, or
// their id as a recipient's click and an offline touch carry it), unless
// an event after their creation that does not came first (they were
// known before it: a recipient list, an earlier link). Failing that, an
// event of the very time they were created as of (Stitcher.Identify
// creates them as of the identifying event's time). -1: none, the person
// was identified without an event of theirs.
func identifiedBy(p identity.Person, tl []event.Event) int {
	at := -1
	for i := range tl {
		ev := &tl[i]
		if ev.Timestamp.Before(p.CreatedAt) {
			continue
		}
		if names(p, ev) {
			return i
		}
		if at < 0 && ev.Timestamp.Equal(p.CreatedAt) {
			at = i
		}
		if ev.Timestamp.After(p.CreatedAt) {
			break
		}
	}
	return at
}

// names reports whether ev names p: by their id, or an email of theirs.
func names(p identity.Person, ev *event.Event) bool {
	if ev.UserID != "" && ev.UserID == p.ID {
		return true
	}
	email := ev.Email()
	if email == "" {
		return false
	}
	if strings.EqualFold(email, p.Email) {
		return true
	}
	return slices.ContainsFunc(p.FormerEmails, func(f string) bool { return strings.EqualFold(f, email) })
}

// recycleAt is a recycle of the person's history a replay makes: when,
// and whether it ended its MQL's cycle (EndsCycle: one sales reopened
// wipes the score as the live one did, but the person stayed with sales,
// their MQL raised).
type recycleAt struct {
	At   time.Time
	Ends bool
}

func (q *Qualifier) replayIn(e Engine, p identity.Person, tl []event.Event, recycles []recycleAt) (Simulation, error) {
	now := q.now()
	s := Simulation{Rules: e.Version(), MQLs: []SimMQL{}, Events: len(tl), Matched: map[string]int{}}
	if len(tl) > 0 {
		s.First = tl[0].Timestamp
	}
	state, err := open(e)
	if err != nil {
		return s, err
	}
	_, counts := state.(Matcher)
	cycle, qualified := 1, false
	identified := p.CreatedAt.IsZero()
	ident := identifiedBy(p, tl)
	// A list's recipient is judged from their first event that is no open
	// or that a rule scored: live scoring writes nothing of them before
	// (noLeadYet), so neither their list's attributes nor an open no rule
	// names qualified them.
	waiting := listRecipient(p)
	// eval judges the person at at; a would-be MQL is dated by dated,
	// the time of what qualified them, as a stored MQL is (MQL.At).
	eval := func(at, dated time.Time) error {
		if qualified || waiting || at.After(now) {
			return nil
		}
		v, err := state.Evaluate(p.Attributes, p.Email, at)
		if err != nil {
			return err
		}
		if v.Condition != "" && v.Excluded == "" {
			s.MQLs = append(s.MQLs, SimMQL{At: dated, Condition: v.Condition, Cycle: cycle, Facts: v.Facts})
			qualified = true
		}
		return nil
	}
	recycle := func(r recycleAt) error {
		if _, err := state.Recycle(r.At); err != nil {
			return err
		}
		if r.Ends {
			cycle, qualified = cycle+1, false
		} else {
			qualified = true // taken back by sales: no MQL while they have it
		}
		return nil
	}
	ri := 0
	for i := range tl {
		ev := tl[i]
		for ri < len(recycles) && ev.Timestamp.After(recycles[ri].At) {
			if !identified && !recycles[ri].At.Before(p.CreatedAt) {
				identified = true
				if err := eval(p.CreatedAt, p.CreatedAt); err != nil {
					return s, err
				}
			}
			if err := recycle(recycles[ri]); err != nil {
				return s, err
			}
			ri++
		}
		// Live scoring judged the person when Baton received the event,
		// not at its own time: an exhibition's list imported days after
		// the show (its touches dated the show's day, its people made
		// since then) was judged on the points decayed by the import. The
		// replay judges then too; an MQL it raised is dated by the show,
		// the event's own time, as live scoring dates it.
		seen := judgedAt(&ev)
		// The event that identified the person (their form, an
		// identify, an offline list's touch) was stored before the link
		// that made them known, so live scoring judged them with it
		// applied: the anonymous history and the form at once, never the
		// history alone. Judging before it credited a condition live
		// scoring never saw (32 points, warm, with the form's grade A:
		// cross-scoring, where the form's 35 more made them
		// hot-and-fit). Events before it, even of the same time, are
		// the anonymous history. Only a person known before an event of
		// theirs (a recipient list, an earlier link) was judged without it.
		// A person identified by no event of theirs (a list's recipient)
		// was known to live scoring for every event it received after
		// their creation, even one dated before it: an exhibition's list
		// imported after the newsletter's, its touch dated the show's
		// day, was judged then.
		if !identified && (i == ident || ident < 0 && !seen.Before(p.CreatedAt)) {
			identified = true
			if i != ident {
				at := p.CreatedAt
				if seen.After(at) {
					at = seen
				}
				if err := eval(at, p.CreatedAt); err != nil {
					return s, err
				}
			}
		}
		cs, err := state.Apply(tl[i:i+1], now)
		if err != nil {
			return s, err
		}
		if waiting && identified && !noLeadYet(p, tl[i:i+1], cs) {
			waiting = false
		}
		for i := 0; !counts && i < len(cs); i++ {
			if cs[i].Kind == "behaviour" {
				s.Matched[cs[i].Rule]++
			}
		}
		if identified {
			// An MQL is no earlier than the person's creation, as
			// live scoring dates it (qualifiedAt).
			dated := ev.Timestamp
			if dated.Before(p.CreatedAt) {
				dated = p.CreatedAt
			}
			if err := eval(seen, dated); err != nil {
				return s, err
			}
		}
	}
	if !identified {
		if err := eval(p.CreatedAt, p.CreatedAt); err != nil {
			return s, err
		}
	}
	for ; ri < len(recycles); ri++ {
		if err := recycle(recycles[ri]); err != nil {
			return s, err
		}
	}
	if m, ok := state.(Matcher); ok {
		s.Matched = m.Matched()
	}
	s.Verdict, err = state.Evaluate(p.Attributes, p.Email, now)
	return s, err
}
