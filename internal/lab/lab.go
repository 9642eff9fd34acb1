// Package lab is the MQL definition lab: it tries a candidate rules file
// against stored history before anyone merges it, and reads the outcomes
// sales reported to suggest changes. Nothing here writes to the store:
// a simulation replays each person's events and recycles in memory under
// both the rules in force and the candidate (qualify.Simulate), and
// suggestions only read MQLs, the stage history and the ledger.
//
// The same code serves POST /admin/rules/simulate, the admin page
// GET /admin/rules, GET /admin/rules/suggestions, and the pull-request
// check infra/lab.
package lab

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/reports"
	"github.com/baton-hq/baton/internal/rulebook"
	"github.com/baton-hq/baton/internal/table"
)

// Lab holds the store and the rules in force.
type Lab struct {
	T     table.Table
	Q     *qualify.Qualifier // the replay; its engine is not used (each side brings its own)
	Rules *rulebook.Rules    // the rules in force
	Text  []byte             // the rules file in force, as reviewed (for suggestions' line numbers)
	File  string             // its name (rules.yaml)
	Loc   *time.Location     // months and weeks are this zone's (the configured timezone; nil: UTC)
	Now   func() time.Time
	// Workers replay people in parallel (default 8): on DynamoDB each
	// person is a few queries, mostly waiting.
	Workers int
	// Retention is event_retention: raw events expire this long after
	// receipt (0: kept). A history window reaching back past it counts
	// fewer events, and so fewer MQLs, before Report.CompleteFrom.
	Retention time.Duration
}

// New builds a Lab over a table with the rules in force (their file's text
// and name for suggestions).
func New(t table.Table, rules *rulebook.Rules, text []byte, file string, loc *time.Location, now func() time.Time) *Lab {
	now = clock.Or(now)
	dir := &identity.Directory{T: t, Now: now}
	q := &qualify.Qualifier{T: t, Dir: dir, Log: &eventlog.Log{T: t, Now: now}, Engine: &rulebook.Engine{R: rules, Loc: loc}, Now: now}
	return &Lab{T: t, Q: q, Rules: rules, Text: text, File: file, Loc: loc, Now: now}
}

func (l *Lab) now() time.Time { return clock.Or(l.Now)().UTC() }

func (l *Lab) loc() *time.Location {
	if l.Loc == nil {
		return time.UTC
	}
	return l.Loc
}

// Options bound one simulation run.
type Options struct {
	After  string        // start after this person id (the previous run's Next)
	Limit  int           // at most this many people (0: all)
	Budget time.Duration // stop starting new people after this long (0: none)
	// List bounds each list of people (WouldBecome, WouldStop) to its
	// earliest this many (0: all): a loose candidate moves thousands, whom
	// no page shows usefully and whose answer is past the 6 MB an AWS
	// Lambda function can return. The counts and shares are of them all.
	List int
}

// Report is what a candidate rules file would change, over the people
// simulated.
//
// Two baselines, on purpose. The counts (Current against Candidate, Change)
// compare two replays, so that they differ by the rules alone. Who moves
// (WouldBecome, WouldStop) is the candidate's replay against who is an MQL
// as stored: a person the rules in force raised stays one after a rescore,
// even when their replay no longer qualifies (rules or attributes changed
// since), so a replay is the wrong baseline for "newly MQL". Stored counts
// the MQLs as raised, each under the condition that made it one at the
// time, as the rules page and the MQL quality report count them.
type Report struct {
	Current   Side `json:"current"`   // replayed under the rules in force
	Candidate Side `json:"candidate"` // replayed under the candidate
	Stored    Side `json:"stored"`    // the MQLs actually raised
	// Change is the relative change of the replayed MQL count, (candidate -
	// current) / current (1 when current is 0 and candidate is not).
	Change     float64   `json:"change"`
	People     int       `json:"people"`         // simulated in this run
	Total      int       `json:"total"`          // people in the store
	Complete   bool      `json:"complete"`       // every person after Options.After was simulated
	Next       string    `json:"next,omitempty"` // when not complete: run again with after=Next
	StoredMQLs int       `json:"storedMqls"`     // Stored.MQLs (kept for the clients that read it)
	WindowFrom time.Time `json:"windowFrom,omitzero"`
	WindowTo   time.Time `json:"windowTo"`
	// CompleteFrom is set when the history window reaches back past
	// event_retention (Lab.Retention): events received before it have
	// expired, so the replays count fewer events, points and MQLs there
	// than live scoring did, silently; counts from it on are complete.
	CompleteFrom time.Time `json:"completeFrom,omitzero"`
	Weeks        float64   `json:"weeks"`       // the history window in weeks (load = MQLs / weeks)
	WouldBecome  []Person  `json:"wouldBecome"` // MQL under the candidate, not an MQL as stored
	WouldStop    []Person  `json:"wouldStop"`   // an MQL as stored, not under the candidate
	// WouldBecomeMore and WouldStopMore are the people left out of each
	// list past Options.List (Become.People and Stop.People count all).
	WouldBecomeMore int   `json:"wouldBecomeMore,omitempty"`
	WouldStopMore   int   `json:"wouldStopMore,omitempty"`
	Become          Group `json:"become"` // how the people who would become MQLs fared so far, listed or not
	Stop            Group `json:"stop"`
	// Check holds the replay under the rules in force against the MQLs
	// raised: where they differ, how many and why, so that a reader can
	// tell the replay's own gaps from what the rules would change.
	Check Check `json:"check"`
	// HistoryExpired counts the people not judged: their stored events no
	// longer reach back to what their live record was built from (events
	// past event_retention expire, their score record and MQLs stay). A
	// replay of them, under any file, lacks events live scoring counted,
	// so it cannot say whether a file would make them an MQL: they are in
	// neither list (WouldBecome, WouldStop) nor group (Become, Stop). The
	// replays' counts include them (both files replay the same events).
	HistoryExpired Expired `json:"historyExpired"`

	loc   *time.Location // the zone Text dates in (Lab.Loc)
	order []string       // behaviour rules, the candidate's in its order, then those only in force
	// fitOrder: fit rules as order; unstored: the candidate's fit rules
	// on an attribute Baton does not name, with why (FitMatch.Unstored).
	fitOrder []string
	unstored map[string]string
}

// Side is one rules file's MQLs over the history.
type Side struct {
	Rules       string         `json:"rules"`
	MQLs        int            `json:"mqls"`
	People      int            `json:"people"` // qualified at least once
	ByCondition map[string]int `json:"byCondition"`
	ByMonth     map[string]int `json:"byMonth"` // "2026-11": would-be MQLs of that month
	ByWeek      map[string]int `json:"byWeek"`  // ISO week "2026-W47"
	PerWeek     float64        `json:"perWeek"` // the expected weekly load on sales
	// Matched counts, for each behaviour rule of the file, the events it
	// matched in the replay (points or none: a cap reached still
	// matched); 0 is a rule that matched nothing in the history, such as
	// a URL naming no page there is. Not for stored.
	Matched map[string]int `json:"matched,omitempty"`
	// FitMatched counts, for each fit rule of the file, the people
	// simulated whose attributes of today it matched (points or none); 0
	// is a rule that matched nobody, such as one on an attribute no form
	// fills or with values no one gave. Not for stored.
	FitMatched map[string]int `json:"fitMatched,omitempty"`
}

// FitMatch is a fit rule's people matched in each replay.
type FitMatch struct {
	Rule                 string
	InForce, InCandidate bool // the rule is in the file (by name)
	Current, Candidate   int
	// Unstored is why the candidate's rule may never meet a value when it
	// matched nobody (rulebook.FitRule.Unstored): an attribute Baton does
	// not name, a custom field's or a label's; "" otherwise.
	Unstored string
}

// FitMatches lists the fit rules with the people each matched, the
// candidate's in its order, then those only in force.
func (r Report) FitMatches() []FitMatch {
	out := make([]FitMatch, 0, len(r.fitOrder))
	for _, name := range r.fitOrder {
		cur, inForce := r.Current.FitMatched[name]
		can, inCand := r.Candidate.FitMatched[name]
		m := FitMatch{Rule: name, InForce: inForce, InCandidate: inCand, Current: cur, Candidate: can}
		if inCand && can == 0 {
			m.Unstored = r.unstored[name]
		}
		out = append(out, m)
	}
	return out
}

// RuleMatch is a behaviour rule's events matched in each replay.
type RuleMatch struct {
	Rule                 string
	InForce, InCandidate bool // the rule is in the file (by name)
	Current, Candidate   int
}

// Matches lists the behaviour rules with the events each matched, the
// candidate's in its order, then those only in force.
func (r Report) Matches() []RuleMatch {
	out := make([]RuleMatch, 0, len(r.order))
	for _, name := range r.order {
		cur, inForce := r.Current.Matched[name]
		can, inCand := r.Candidate.Matched[name]
		out = append(out, RuleMatch{Rule: name, InForce: inForce, InCandidate: inCand, Current: cur, Candidate: can})
	}
	return out
}

// ruleCounts is every behaviour rule of rules at 0 events matched.
func ruleCounts(rules *rulebook.Rules) map[string]int {
	out := make(map[string]int, len(rules.Behaviour))
	for _, b := range rules.Behaviour {
		out[b.Name] = 0
	}
	return out
}

// fitCounts is every fit rule of rules at 0 people matched.
func fitCounts(rules *rulebook.Rules) map[string]int {
	out := make(map[string]int, len(rules.Fit))
	for _, f := range rules.Fit {
		out[f.Name] = 0
	}
	return out
}

// fitOrder is the candidate's fit rules in its order, then those only in
// force.
func fitOrder(cur, cand *rulebook.Rules) []string {
	return inOrder(cur, cand, func(r *rulebook.Rules) []string {
		out := make([]string, len(r.Fit))
		for i, f := range r.Fit {
			out[i] = f.Name
		}
		return out
	})
}

// ruleOrder is the candidate's behaviour rules in its order, then those
// only in force.
func ruleOrder(cur, cand *rulebook.Rules) []string {
	return inOrder(cur, cand, func(r *rulebook.Rules) []string {
		out := make([]string, len(r.Behaviour))
		for i, b := range r.Behaviour {
			out[i] = b.Name
		}
		return out
	})
}

// inOrder is the names the candidate's rules give, in its order, then
// those only the rules in force give.
func inOrder(cur, cand *rulebook.Rules, names func(*rulebook.Rules) []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, rs := range []*rulebook.Rules{cand, cur} {
		for _, n := range names(rs) {
			if !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		}
	}
	return out
}

// Check is the replay under the rules in force held against the MQLs
// raised, cycle by cycle. The replay judges where live scoring judged
// (qualify.Simulate), so they agree but where something it cannot see
// changed: Why counts each difference once, by the first reason that
// applies.
type Check struct {
	Stored int `json:"stored"` // MQLs raised, of the people simulated
	Same   int `json:"same"`   // of them, credited alike by the replay: same cycle, same condition
	// Differ are MQLs raised that the replay credits to another condition
	// or does not raise; Extra are MQLs of the replay in a cycle that
	// raised none.
	Differ int `json:"differ"`
	Extra  int `json:"extra"`
	// Why: "rules" (raised under another rules file than the one in
	// force), "attributes" (the grade, BANT or exclusion it was judged on
	// is not today's: the replay has only today's attributes), "events"
	// (events before it are gone past event_retention, or the person's
	// history expired: historyGone), "other" (none
	// of these: events judged together in one batch live, which the
	// replay judges one by one, or a person's browser linked later).
	Why map[string]int `json:"why"`
}

// Expired counts the people whose history expired (historyGone), not judged.
type Expired struct {
	People int `json:"people"`
	MQLs   int `json:"mqls"` // of them, MQLs as stored (StoredMQL)
}

// historyGone reports whether a person's replayable history no longer
// reaches back to what their record was built from: the score record
// keeps their first touch (an event's time) and each MQL its qualifying
// event's time, and the replay's first event (first; zero: none left) is
// later. Raw events expire past event_retention (DynamoDB's TTL, the
// embedded store's PurgeExpired); records and MQLs stay. An MQL that
// names no scored event (raised on attributes alone) needs none.
func historyGone(rp *reports.Person, first time.Time) bool {
	gone := func(at time.Time) bool { return !at.IsZero() && (first.IsZero() || at.Before(first)) }
	if len(rp.Rec.Touches) > 0 && gone(rp.Rec.Touches[0].At) {
		return true
	}
	for _, m := range rp.MQLs {
		if len(m.Events) > 0 && gone(m.At) {
			return true
		}
	}
	return false
}

// Person is someone a candidate moves, with what sales made of them so far.
type Person struct {
	ID        string    `json:"person"`
	Email     string    `json:"email"`
	Name      string    `json:"name,omitempty"`      // as they gave it: who sales would have had
	Company   string    `json:"company,omitempty"`   // as they gave it
	Stage     string    `json:"stage"`               // now
	Condition string    `json:"condition,omitempty"` // the candidate's for a would-be MQL; for a drop, the one stored with their first MQL
	At        time.Time `json:"at,omitzero"`         // when they would have qualified (for a drop: when they did)
	Outcome   Outcome   `json:"outcome"`
	History   []string  `json:"history"` // sales' stage changes: "2026-11-25 sal", "2026-12-01 rejected: no budget"
}

// Outcome is what sales made of a person, any cycle.
type Outcome struct {
	Accepted bool `json:"accepted"` // SAL or any later stage
	SQL      bool `json:"sql"`      // SQL, opportunity or customer
	Won      bool `json:"won"`
	Rejected bool `json:"rejected"`
	Lost     bool `json:"lost"`
}

// Group counts the outcomes of a group of people and their shares.
type Group struct {
	People   int                `json:"people"`
	Accepted int                `json:"accepted"`
	SQL      int                `json:"sql"`
	Won      int                `json:"won"`
	Rejected int                `json:"rejected"`
	Lost     int                `json:"lost"`
	Share    map[string]float64 `json:"share"` // accepted, sql, won, rejected, lost: of People
}

func (g *Group) add(o Outcome) {
	g.People++
	for _, c := range []struct {
		ok bool
		n  *int
	}{{o.Accepted, &g.Accepted}, {o.SQL, &g.SQL}, {o.Won, &g.Won}, {o.Rejected, &g.Rejected}, {o.Lost, &g.Lost}} {
		if c.ok {
			*c.n++
		}
	}
}

func (g *Group) shares() {
	g.Share = map[string]float64{}
	// A group sales said nothing of (nobody in it answered) has no
	// shares: "accepted 0%" read as sales accepting none of them.
	if g.People == 0 || g.Accepted+g.SQL+g.Won+g.Rejected+g.Lost == 0 {
		return
	}
	for k, n := range map[string]int{"accepted": g.Accepted, "sql": g.SQL, "won": g.Won, "rejected": g.Rejected, "lost": g.Lost} {
		g.Share[k] = round(float64(n) / float64(g.People))
	}
}

// ErrNoRules is the answer of a lab without rules in force.
var ErrNoRules = errors.New("lab: no rules file is loaded")

// Parse parses a candidate rules file; errors are rulebook's ParseError
// (file, line, field).
func Parse(name string, text []byte) (*rulebook.Rules, error) {
	if len(strings.TrimSpace(string(text))) == 0 {
		return nil, &rulebook.ParseError{File: name, Line: 1, Field: "(file)", Msg: "empty rules file"}
	}
	return rulebook.Parse(name, text)
}

// firstTouch is the earliest first touch of people (zero: none has one).
func firstTouch(people []*reports.Person) time.Time {
	var first time.Time
	for _, p := range people {
		if len(p.Rec.Touches) > 0 && (first.IsZero() || p.Rec.Touches[0].At.Before(first)) {
			first = p.Rec.Touches[0].At
		}
	}
	return first
}

// Simulate replays stored history under the rules in force and the
// candidate, in memory, and compares them. It writes nothing.
func (l *Lab) Simulate(ctx context.Context, cand *rulebook.Rules, o Options) (Report, error) {
	if l.Rules == nil {
		return Report{}, ErrNoRules
	}
	start := time.Now() // the budget is the caller's real time, not the (test) clock
	people, err := reports.Load(ctx, l.T)
	if err != nil {
		return Report{}, err
	}
	cur := &rulebook.Engine{R: l.Rules, Loc: l.Loc}
	can := &rulebook.Engine{R: cand, Loc: l.Loc}
	rep := Report{
		Current: newSide(cur.Version()), Candidate: newSide(can.Version()), Stored: newSide("stored"),
		Total: len(people), WindowTo: l.now(), WouldBecome: []Person{}, WouldStop: []Person{}, Check: Check{Why: map[string]int{}},
		order: ruleOrder(l.Rules, cand), fitOrder: fitOrder(l.Rules, cand), unstored: map[string]string{}, loc: l.loc(),
	}
	rep.Current.Matched, rep.Candidate.Matched = ruleCounts(l.Rules), ruleCounts(cand)
	rep.Current.FitMatched, rep.Candidate.FitMatched = fitCounts(l.Rules), fitCounts(cand)
	for _, f := range cand.Fit {
		if why := f.Unstored(); why != "" {
			rep.unstored[f.Name] = why
		}
	}
	i := sort.Search(len(people), func(i int) bool { return people[i].ID > o.After })
	todo := people[i:]
	workers := l.Workers
	if workers <= 0 {
		workers = 8
	}
	type result struct {
		p    identity.Person
		sims []qualify.Simulation
		err  error
	}
	done := 0
	for done < len(todo) {
		if o.Limit > 0 && done >= o.Limit || o.Budget > 0 && time.Since(start) > o.Budget || ctx.Err() != nil {
			break
		}
		n := min(workers*4, len(todo)-done)
		if o.Limit > 0 {
			n = min(n, o.Limit-done)
		}
		batch := todo[done : done+n]
		res := make([]result, len(batch))
		var wg sync.WaitGroup
		sem := make(chan struct{}, workers)
		for k, rp := range batch {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				p, sims, err := l.Q.Simulate(ctx, rp.ID, cur, can)
				res[k] = result{p, sims, err}
			}()
		}
		wg.Wait()
		for k, r := range res {
			if errors.Is(r.err, identity.ErrNotFound) {
				continue // erased meanwhile
			}
			if r.err != nil {
				return rep, fmt.Errorf("lab: simulating %s: %w", batch[k].ID, r.err)
			}
			l.tally(&rep, batch[k], r.p, r.sims[0], r.sims[1])
		}
		done += n
	}
	rep.Complete = done == len(todo)
	if !rep.Complete && done > 0 {
		rep.Next = todo[done-1].ID
	} else if !rep.Complete {
		rep.Next = o.After
	}
	// The window is the store's history, not the page's: a page of people
	// who came late counted its MQLs over fewer weeks, and the pages'
	// weekly loads did not add up. Each person's first touch (kept on the
	// score record) is no earlier than their first event, so on a whole
	// run the replays' firsts decide as before.
	if f := firstTouch(people); !f.IsZero() && (rep.WindowFrom.IsZero() || f.Before(rep.WindowFrom)) {
		rep.WindowFrom = f
	}
	// Part of the window past retention: said, with the day from which
	// the stored events are whole (events expire by their receipt).
	if l.Retention > 0 && !rep.WindowFrom.IsZero() {
		if from := rep.WindowTo.Add(-l.Retention); rep.WindowFrom.Before(from) {
			rep.CompleteFrom = from
		}
	}
	rep.Weeks = 1
	if !rep.WindowFrom.IsZero() && rep.WindowTo.After(rep.WindowFrom) {
		rep.Weeks = math.Max(1, round(rep.WindowTo.Sub(rep.WindowFrom).Hours()/(24*7)))
	}
	rep.StoredMQLs = rep.Stored.MQLs
	for _, s := range []*Side{&rep.Current, &rep.Candidate, &rep.Stored} {
		s.PerWeek = round(float64(s.MQLs) / rep.Weeks)
	}
	rep.Change = change(rep.Current.MQLs, rep.Candidate.MQLs)
	rep.Become.shares()
	rep.Stop.shares()
	// Oldest first, by id at one time: a list cut at Options.List is the
	// same list on every run.
	byDate := func(ps []Person) func(i, j int) bool {
		return func(i, j int) bool {
			return ps[i].At.Before(ps[j].At) || ps[i].At.Equal(ps[j].At) && ps[i].ID < ps[j].ID
		}
	}
	sort.Slice(rep.WouldBecome, byDate(rep.WouldBecome))
	sort.Slice(rep.WouldStop, byDate(rep.WouldStop))
	if o.List > 0 && len(rep.WouldBecome) > o.List {
		rep.WouldBecome, rep.WouldBecomeMore = rep.WouldBecome[:o.List], len(rep.WouldBecome)-o.List
	}
	if o.List > 0 && len(rep.WouldStop) > o.List {
		rep.WouldStop, rep.WouldStopMore = rep.WouldStop[:o.List], len(rep.WouldStop)-o.List
	}
	return rep, nil
}

func newSide(rules string) Side {
	return Side{Rules: rules, ByCondition: map[string]int{}, ByMonth: map[string]int{}, ByWeek: map[string]int{}}
}

func change(cur, cand int) float64 {
	if cur == 0 {
		if cand == 0 {
			return 0
		}
		return 1
	}
	return round(float64(cand-cur) / float64(cur))
}

func (l *Lab) tally(rep *Report, rp *reports.Person, p identity.Person, cur, can qualify.Simulation) {
	rep.People++
	rep.loc = l.loc()
	if !cur.First.IsZero() && (rep.WindowFrom.IsZero() || cur.First.Before(rep.WindowFrom)) {
		rep.WindowFrom = cur.First
	}
	count := func(s *Side, condition string, at time.Time) {
		s.MQLs++
		s.ByCondition[condition]++
		at = at.In(l.loc())
		s.ByMonth[at.Format("2006-01")]++
		y, w := at.ISOWeek()
		s.ByWeek[fmt.Sprintf("%04d-W%02d", y, w)]++
	}
	for _, x := range []struct {
		s   *Side
		sim qualify.Simulation
	}{{&rep.Current, cur}, {&rep.Candidate, can}} {
		if len(x.sim.MQLs) > 0 {
			x.s.People++
		}
		for rule, n := range x.sim.Matched {
			if _, ok := x.s.Matched[rule]; ok {
				x.s.Matched[rule] += n
			}
		}
		// The verdict now: the person's attributes of today, as the
		// replay judged them.
		for _, c := range x.sim.Verdict.FitRules {
			if _, ok := x.s.FitMatched[c.Rule]; ok {
				x.s.FitMatched[c.Rule]++
			}
		}
		for _, m := range x.sim.MQLs {
			count(x.s, m.Condition, m.At)
		}
	}
	if len(rp.MQLs) > 0 {
		rep.Stored.People++
	}
	for _, m := range rp.MQLs {
		count(&rep.Stored, m.Condition, m.At)
	}
	rep.Check.add(rp, cur)
	stored := StoredMQL(rp)
	if historyGone(rp, cur.First) {
		// Not judged: a replay without the events live scoring counted
		// says nothing of what either file makes of them (the rules in
		// force "lost" most MQLs raised before event_retention).
		rep.HistoryExpired.People++
		if stored {
			rep.HistoryExpired.MQLs++
		}
		return
	}
	if stored == (len(can.MQLs) > 0) {
		return
	}
	if !stored && !p.ConsentWithdrawn.IsZero() {
		// No MQL is raised for a person while their withdrawal stands
		// (scoring, a rescore): the candidate would not make them one,
		// and the lab names no one who opted out to be handed to sales.
		return
	}
	o, hist := OutcomeOf(rp.History, l.loc())
	who := Person{ID: p.ID, Email: p.Email, Name: identity.DisplayName(p.Attributes, ""), Company: p.Attributes["company"], Stage: rp.Rec.Stage, Outcome: o, History: hist}
	if !stored {
		who.Condition, who.At = can.MQLs[0].Condition, can.MQLs[0].At
		rep.WouldBecome = append(rep.WouldBecome, who)
		rep.Become.add(o)
		return
	}
	if len(rp.MQLs) > 0 {
		who.Condition, who.At = rp.MQLs[0].Condition, rp.MQLs[0].At
	}
	rep.WouldStop = append(rep.WouldStop, who)
	rep.Stop.add(o)
}

// add holds a person's replay under the rules in force against their MQLs
// as raised.
func (c *Check) add(rp *reports.Person, cur qualify.Simulation) {
	if c.Why == nil {
		c.Why = map[string]int{}
	}
	gone := historyGone(rp, cur.First)
	replayed := map[int]qualify.SimMQL{}
	for _, m := range cur.MQLs {
		replayed[m.Cycle] = m
	}
	raised := map[int]bool{}
	for _, m := range rp.MQLs {
		raised[m.Cycle] = true
		c.Stored++
		if r, ok := replayed[m.Cycle]; ok && r.Condition == m.Condition {
			c.Same++
			continue
		}
		c.Differ++
		var sooner time.Time // the replay's MQL of the cycle, when it has one
		if r, ok := replayed[m.Cycle]; ok {
			sooner = r.At
		}
		c.Why[differs(m.Rules, m.Verdict, m.At, cur, sooner, gone)]++
	}
	for _, m := range cur.MQLs {
		if !raised[m.Cycle] {
			c.Extra++
			// The score record's last judgement is live scoring's with
			// the attributes it had then.
			c.Why[differs(rp.Rec.Rules, rp.Rec.Verdict, m.At, cur, time.Time{}, gone)]++
		}
	}
}

// differs says why live scoring, judging under rules with the verdict v
// (around at), and the replay cur can disagree; replayAt is when the
// replay raised its MQL of the cycle (zero: it raised none); gone, that
// the person's history expired (historyGone): events the record was built
// from are past retention, though the MQL's own may be kept.
func differs(rules string, v qualify.Verdict, at time.Time, cur qualify.Simulation, replayAt time.Time, gone bool) string {
	switch {
	case rules != "" && rules != cur.Rules:
		return "rules"
	case v.Grade != cur.Verdict.Grade || v.BANT != cur.Verdict.BANT || v.Excluded != cur.Verdict.Excluded:
		return "attributes"
	case !replayAt.IsZero() && replayAt.Before(at):
		// The replay qualified them sooner, on events live scoring judged
		// before the person had today's attributes: an employee count or
		// title a later form gave grades the earlier events (a list, a
		// click, then the form). The grade is the same by the MQL.
		return "attributes"
	case gone || cur.First.IsZero() || cur.First.After(at):
		return "events"
	}
	return "other"
}

// StoredMQL reports whether a person is an MQL as stored: an MQL was raised
// for them (any cycle), or their stage is one only an MQL reaches (a lead
// goes nowhere but to MQL). This, not a replay under the rules in force, is
// what "would become an MQL" is against.
func StoredMQL(p *reports.Person) bool {
	if len(p.MQLs) > 0 {
		return true
	}
	switch p.Rec.Stage {
	case "", qualify.StageAnonymous, qualify.StageLead:
		return false
	}
	return true
}

// OutcomeOf reads what sales made of a person from their stage history
// (any cycle), and the sales stage changes as text, dated in loc (the
// configured timezone: sales' day, not UTC's; nil: UTC).
func OutcomeOf(hist []qualify.StageChange, loc *time.Location) (Outcome, []string) {
	if loc == nil {
		loc = time.UTC
	}
	var o Outcome
	lines := []string{}
	for _, h := range hist {
		if h.Reopens() {
			// Sales took back the lead they had closed: the MQL's fate
			// is what they said last.
			o.Rejected, o.Lost = false, false
		}
		switch h.To {
		case qualify.StageSAL:
			o.Accepted = true
		case qualify.StageSQL, qualify.StageOpportunity:
			o.Accepted, o.SQL = true, true
		case qualify.StageCustomer:
			o.Accepted, o.SQL, o.Won = true, true, true
		case qualify.StageRejected:
			o.Rejected = true
		case qualify.StageLost:
			o.Lost = true
		default:
			continue
		}
		line := h.At.In(loc).Format("2006-01-02") + " " + h.To
		if h.Why != "" {
			line += ": " + h.Why
		}
		lines = append(lines, line)
	}
	return o, lines
}

func round(f float64) float64 { return math.Round(f*1000) / 1000 }

// Describe says a condition as people read it: "behaviour >= 40, grade A or B".
func Describe(c *rulebook.Condition) string {
	var parts []string
	if c.MinBehaviour != nil {
		parts = append(parts, fmt.Sprintf("behaviour >= %g", *c.MinBehaviour))
	}
	if c.Grades != nil {
		parts = append(parts, "grade "+strings.Join(keys(c.Grades), " or "))
	}
	if c.MinBANT > 0 {
		parts = append(parts, fmt.Sprintf("BANT %d of 4", c.MinBANT))
	}
	if c.Matrix != nil {
		var cells []string
		for _, band := range keys(c.Matrix) {
			if g := keys(c.Matrix[band]); len(g) > 0 {
				cells = append(cells, band+" x "+strings.Join(g, "/"))
			}
		}
		parts = append(parts, "matrix "+strings.Join(cells, ", "))
	}
	return strings.Join(parts, ", ")
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Exceeds reports whether the MQL count moved by more than max (a share:
// 0.1 for 10%) in either direction.
func (r Report) Exceeds(max float64) bool {
	change := r.Change // rounded to 0.1%: the counts' own change is judged
	if cur := r.Current.MQLs; cur > 0 {
		change = float64(r.Candidate.MQLs-cur) / float64(cur)
	}
	return math.Abs(change) > max+1e-9
}

// FromNone reports whether the replay under the rules in force raised no
// MQL and the candidate's some: Change is then 1, which is no +100%.
func (r Report) FromNone() bool { return r.Current.MQLs == 0 && r.Candidate.MQLs > 0 }

// ChangeText is Change as the CLI and the page say it: "+12.5%", or
// "from none".
func (r Report) ChangeText() string {
	if r.FromNone() {
		return "from none"
	}
	return fmt.Sprintf("%+.1f%%", r.Change*100)
}

// CompleteDay is CompleteFrom as a day of the report's zone: the first
// day whose events are all kept (the day after the cut, unless the cut is
// at midnight).
func (r Report) CompleteDay() string {
	loc := cmp.Or(r.loc, time.UTC)
	t := r.CompleteFrom.In(loc)
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
	if d.Before(t) {
		d = d.AddDate(0, 0, 1)
	}
	return d.Format("2006-01-02")
}

// PartlyExpiredText says the window is partly past event_retention.
func (r Report) PartlyExpiredText() string {
	loc := cmp.Or(r.loc, time.UTC)
	return fmt.Sprintf("the history window starts %s, but events are kept for event_retention only: data is complete from %s; before it, expired events are missing and both replays count fewer MQLs (months before it too)",
		r.WindowFrom.In(loc).Format("2006-01-02"), r.CompleteDay())
}

// Text is the report as a reviewer reads it in a pull request's CI log.
func (r Report) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "MQL definition lab: %s -> %s\n", r.Current.Rules, r.Candidate.Rules)
	fmt.Fprintf(&b, "people simulated: %d of %d", r.People, r.Total)
	if !r.Complete {
		fmt.Fprintf(&b, " (incomplete: continue after %s)", r.Next)
	}
	fmt.Fprintf(&b, "; history window %.1f weeks\n", r.Weeks)
	if !r.CompleteFrom.IsZero() {
		fmt.Fprintf(&b, "WARNING: %s\n", r.PartlyExpiredText())
	}
	b.WriteString("\n")
	fmt.Fprintf(&b, "MQLs: %d -> %d (%s); people qualified %d -> %d; weekly load on sales %.2f -> %.2f\n",
		r.Current.MQLs, r.Candidate.MQLs, r.ChangeText(), r.Current.People, r.Candidate.People, r.Current.PerWeek, r.Candidate.PerWeek)
	fmt.Fprintf(&b, "MQLs raised (stored): %d, of %d people\n", r.Stored.MQLs, r.Stored.People)
	b.WriteString("(stored: each MQL under the condition that raised it, as the rules page counts; replayed: events under each file, today's attributes)\n")
	for _, t := range []struct {
		title                      string
		stored, current, candidate map[string]int
	}{{"by condition", r.Stored.ByCondition, r.Current.ByCondition, r.Candidate.ByCondition}, {"by month", r.Stored.ByMonth, r.Current.ByMonth, r.Candidate.ByMonth}} {
		fmt.Fprintf(&b, "\n%-26s %6s | replayed: in force -> candidate\n", t.title+":", "stored")
		for _, k := range keys(union(t.stored, union(t.current, t.candidate))) {
			fmt.Fprintf(&b, "  %-24s %6d | %5d -> %5d\n", k, t.stored[k], t.current[k], t.candidate[k])
		}
	}
	if ms := r.Matches(); len(ms) > 0 {
		fmt.Fprintf(&b, "\n%-33s | in force -> candidate\n", "behaviour rules, events matched:")
		for _, m := range ms {
			cur, can, note := "-", "-", ""
			if m.InForce {
				cur = strconv.Itoa(m.Current)
			}
			if m.InCandidate {
				can = strconv.Itoa(m.Candidate)
				if m.Candidate == 0 {
					note = "  <- matched no event"
				}
			}
			fmt.Fprintf(&b, "  %-31s | %5s -> %5s%s\n", m.Rule, cur, can, note)
		}
	}
	if ms := r.FitMatches(); len(ms) > 0 {
		fmt.Fprintf(&b, "\n%-33s | in force -> candidate\n", "fit rules, people matched:")
		for _, m := range ms {
			cur, can, note := "-", "-", ""
			if m.InForce {
				cur = strconv.Itoa(m.Current)
			}
			if m.InCandidate {
				can = strconv.Itoa(m.Candidate)
				if m.Candidate == 0 {
					note = "  <- matched nobody"
					if m.Unstored != "" {
						note += " (" + m.Unstored + ")"
					}
				}
			}
			fmt.Fprintf(&b, "  %-31s | %5s -> %5s%s\n", m.Rule, cur, can, note)
		}
	}
	c := r.Check
	fmt.Fprintf(&b, "\nreplay of the rules in force against the MQLs raised: %d of %d credited alike", c.Same, c.Stored)
	if c.Differ+c.Extra > 0 {
		fmt.Fprintf(&b, "; %d credited otherwise or not raised, %d raised by the replay alone (why: rules changed since %d, attributes changed since %d, events past retention %d, other %d)",
			c.Differ, c.Extra, c.Why["rules"], c.Why["attributes"], c.Why["events"], c.Why["other"])
	}
	b.WriteString("\n")
	b.WriteString("\nwho moves: against who is an MQL as stored, not against the replay under the rules in force\n")
	if x := r.HistoryExpired; x.People > 0 {
		fmt.Fprintf(&b, "history expired: %d people not judged (%d of them MQLs as stored): their first touch or MQL is older than their first event kept (event_retention); in neither list below\n", x.People, x.MQLs)
	}
	for _, g := range []struct {
		title string
		ps    []Person
		more  int
		grp   Group
	}{{"would become MQLs", r.WouldBecome, r.WouldBecomeMore, r.Become}, {"would stop being MQLs", r.WouldStop, r.WouldStopMore, r.Stop}} {
		fmt.Fprintf(&b, "\n%s: %d (accepted %d, SQL %d, won %d, rejected %d, lost %d)\n", g.title, g.grp.People, g.grp.Accepted, g.grp.SQL, g.grp.Won, g.grp.Rejected, g.grp.Lost)
		for _, p := range g.ps {
			// By id, not email: this text ends in pull-request CI logs,
			// which an erasure cannot reach (the workspace finds the id).
			// Dated in the configured zone, as the history beside it.
			// Sales' history when there is one: a bare "[]" after most
			// people who would become MQLs (leads sales never saw) read
			// as something missing.
			hist := ""
			if len(p.History) > 0 {
				hist = " [" + strings.Join(p.History, "; ") + "]"
			}
			fmt.Fprintf(&b, "  %s %s %s %s%s\n", p.At.In(cmp.Or(r.loc, time.UTC)).Format("2006-01-02"), p.ID, p.Condition, p.Stage, hist)
		}
		if g.more > 0 {
			// A loose candidate moves thousands: the CLI lists the
			// earliest (Options.List), the count above is of them all.
			fmt.Fprintf(&b, "  … and %d more (the earliest %d listed; -limit 0 lists them all)\n", g.more, len(g.ps))
		}
	}
	return b.String()
}

func union(a, b map[string]int) map[string]int {
	out := map[string]int{}
	for k := range a {
		out[k] = 1
	}
	for k := range b {
		out[k] = 1
	}
	return out
}

// ParseShare reads a bound such as "10%" or "0.1" as a share (0.1).
func ParseShare(s string) (float64, error) {
	pct := strings.HasSuffix(s, "%")
	f, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(s, "%")), 64)
	if err != nil || f < 0 || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, fmt.Errorf("%q: want a share such as 10%% or 0.1", s)
	}
	if pct {
		f /= 100
	}
	return f, nil
}
