// Package reports computes the numbers sales and marketing share: the
// funnel by channel, attribution of MQLs, SQLs and deals to touches, the
// follow-up SLA, and the quality of each MQL condition. They are computed
// from durable per-person facts (score records with their touches, stage
// history, MQLs), never from raw events, so raw-event retention does not
// erase them.
package reports

import (
	"context"
	"errors"
	"sort"
	"strings"
	"time"

	"github.com/baton-hq/baton/internal/calendar"
	"github.com/baton-hq/baton/internal/fanout"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/repnames"
	"github.com/baton-hq/baton/internal/sla"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/textcut"
)

// Stages of the funnel, in order.
var Stages = []string{qualify.StageLead, qualify.StageMQL, qualify.StageSAL, qualify.StageSQL, qualify.StageOpportunity, qualify.StageCustomer}

// Person is what reports know of one person: qualify's facts.
type Person = qualify.Facts

// Load reads every scored person's facts (one pass over the people
// partitions, through qualify, which owns the items), each sales answer's
// owner named by the latest name learned for its SFA id (repnames: one
// query more), so that a rep whose first outcomes were recorded under the
// id while the SFA did not answer is one rep, not two.
func Load(ctx context.Context, t table.Table) ([]*Person, error) {
	return load(ctx, t, 0)
}

// load is Load reading n people's facts at once (0: qualify's number).
func load(ctx context.Context, t table.Table, n int) ([]*Person, error) {
	var people []*Person
	var err error
	if n > 0 {
		people, err = qualify.AllFactsAtOnce(ctx, t, n)
	} else {
		people, err = qualify.AllFacts(ctx, t)
	}
	if err != nil {
		return nil, err
	}
	names, err := repnames.Load(ctx, t)
	if err != nil {
		return nil, err
	}
	for _, p := range people {
		for i, c := range p.History {
			p.History[i].Owner = names.Of(c.OwnerID, c.Owner)
		}
	}
	return people, nil
}

// Filter selects what a report covers.
type Filter struct {
	From, To time.Time      // stage entries (or MQLs) within [From, To); zero: unbounded
	By       string         // channel (default), source, medium or campaign
	Channel  string         // only people whose first touch is on this channel
	Period   string         // "", day, week or month: funnel rows per period of stage entry
	Loc      *time.Location // periods are this zone's days (the configured timezone; nil: UTC)
}

// PeriodOf names the period t falls in ("" without a period).
func (f Filter) PeriodOf(t time.Time) string {
	if f.Loc != nil {
		t = t.In(f.Loc)
	} else {
		t = t.UTC()
	}
	switch f.Period {
	case "day":
		return t.Format("2006-01-02")
	case "week": // ISO weeks, named by their Monday
		d := (int(t.Weekday()) + 6) % 7
		return t.AddDate(0, 0, -d).Format("2006-01-02")
	case "month":
		return t.Format("2006-01")
	}
	return ""
}

// Covers reports whether the person is one the filter's channel takes
// (their first touch on it); every report applies it, so that one page's
// sections count the same people.
func (f Filter) Covers(p *Person) bool {
	if f.Channel == "" {
		return true
	}
	ft := first(p)
	return ft != nil && ft.Channel == f.Channel
}

func (f Filter) in(t time.Time) bool {
	return (f.From.IsZero() || !t.Before(f.From)) && (f.To.IsZero() || t.Before(f.To))
}

// Key is the group a touch falls in.
func (f Filter) Key(t *qualify.Touch) string {
	if t == nil {
		return "(none)"
	}
	return f.group(t.Value(f.dim()))
}

// dim is the touch dimension the filter groups by.
func (f Filter) dim() string {
	switch f.By {
	case "source", "medium", "campaign":
		return f.By
	}
	return "channel"
}

// group is the group of a touch whose value in the filter's dimension is v.
func (f Filter) group(v string) string {
	if f.dim() == "source" {
		// utm_source is typed by hand (Google, google): one row, as
		// referrers' host names already are.
		v = strings.ToLower(v)
	}
	if f.dim() == "campaign" {
		// An offline touch's campaign is its event's name: one stored
		// before imports dropped zero-width characters (展示会\u200bA) or
		// folded the wave dash (東京〜大阪) keeps its name, and was a row
		// of its own beside the same event imported since, identical to
		// the eye (展示会A, 東京~大阪). One row, under the name as read now.
		v = strings.TrimSpace(textcut.FoldWaveDash(textcut.ZeroWidth(v)))
	}
	if v == "" {
		return "(none)"
	}
	return v
}

func first(p *Person) *qualify.Touch {
	if len(p.Rec.Touches) == 0 {
		return nil
	}
	return &p.Rec.Touches[0]
}

// reached returns when the person first entered each funnel stage; a
// later stage reached by skipping implies the ones it skipped, at the same time.
func reached(p *Person) map[string]time.Time {
	at := map[string]time.Time{}
	for _, c := range p.History {
		i := index(c.To)
		if i < 0 {
			continue
		}
		for j := 0; j <= i; j++ {
			if _, ok := at[Stages[j]]; !ok {
				at[Stages[j]] = c.At
			}
		}
	}
	return at
}

func index(stage string) int {
	for i, s := range Stages {
		if s == stage {
			return i
		}
	}
	return -1
}

// FunnelRow is one group's waterfall (in one period, when asked per period).
type FunnelRow struct {
	Period string         `json:"period,omitempty"`
	Group  string         `json:"group"`
	Counts map[string]int `json:"counts"` // stage -> people who reached it in the period
	// Conversion and MedianDays hold every step ("lead->mql"): the share
	// of the people this row counts at the first stage who reached the
	// second (whenever, before the filter's To), and their median days
	// between the two; not measured (null) where nobody reached the first
	// stage (nobody of them the second, for the median). Days are elapsed
	// hours / 24, not calendar days of the zone: a velocity, off by at
	// most an hour (0.04 day) across a clock change, comparable between
	// zones and with the SLA's median hours (README, Reports).
	Conversion map[string]Figure `json:"conversion"`
	MedianDays map[string]Figure `json:"medianDays"`
}

// Funnel is the demand waterfall by first-touch group.
func Funnel(people []*Person, f Filter) []FunnelRow {
	rows := map[string]*FunnelRow{}
	// A step's conversion and days are of the people a row counts at its
	// first stage (its cohort): those of them who reached the second stage
	// (before the filter's end), not the second stage's entries of the row,
	// which are other people when the two stages fall in different periods
	// (March's leads qualified in April made April's lead->mql 300%).
	converted := map[string]map[string]int{}
	gaps := map[string]map[string][]float64{}
	for _, p := range people {
		if !f.Covers(p) {
			continue
		}
		ft := first(p)
		g := f.Key(ft)
		at := reached(p)
		for i, s := range Stages {
			t, ok := at[s]
			if !ok || !f.in(t) {
				continue
			}
			per := f.PeriodOf(t)
			for _, grp := range []string{g, "(all)"} {
				key := per + "\x00" + grp
				r := rows[key]
				if r == nil {
					r = &FunnelRow{Period: per, Group: grp, Counts: map[string]int{}, Conversion: map[string]Figure{}, MedianDays: map[string]Figure{}}
					rows[key] = r
					converted[key] = map[string]int{}
					gaps[key] = map[string][]float64{}
				}
				r.Counts[s]++
				if i+1 < len(Stages) {
					if next, ok := at[Stages[i+1]]; ok && (f.To.IsZero() || next.Before(f.To)) {
						pair := s + "->" + Stages[i+1]
						converted[key][pair]++
						gaps[key][pair] = append(gaps[key][pair], next.Sub(t).Hours()/24)
					}
				}
			}
		}
	}
	var out []FunnelRow
	for key, r := range rows {
		for i := 1; i < len(Stages); i++ {
			pair := Stages[i-1] + "->" + Stages[i]
			r.Conversion[pair], r.MedianDays[pair] = Figure{}, Figure{}
			if n := r.Counts[Stages[i-1]]; n > 0 {
				r.Conversion[pair] = Measured(round(float64(converted[key][pair]) / float64(n)))
			}
			if g := gaps[key][pair]; len(g) > 0 {
				r.MedianDays[pair] = Measured(round(median(g)))
			}
		}
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Period != out[j].Period {
			return out[i].Period < out[j].Period
		}
		if (out[i].Group == "(all)") != (out[j].Group == "(all)") {
			return out[i].Group == "(all)"
		}
		return out[i].Group < out[j].Group
	})
	return out
}

// Models of attribution.
var Models = []string{"first", "last", "linear", "position"}

// Attribution credits each stage's conversions to the touches before them:
// first touch, last touch, linear, and position-based (40/20/40).
// Result: stage -> model -> group -> credit (credits of one conversion sum to 1).
//
// Every MQL of a person counts, each credited to its own journey: the
// touches of its cycle (after the recycle that opened it), as they stood
// when it was raised (MQL.Journey). SQL and customer alike: each cycle's
// first reach of the stage (or one past it) counts, credited to the
// touches of its cycle up to it, kept on the stage change
// (StageChange.Journey; see conversions). The middle of a journey longer
// than the record's list counts from its aggregate (qualify.Dropped), so
// linear and position credit every touch.
func Attribution(people []*Person, f Filter) map[string]map[string]map[string]float64 {
	return attribution(people, f, qualify.StageMQL, qualify.StageSQL, qualify.StageCustomer)
}

// attribution is Attribution of the stages given.
func attribution(people []*Person, f Filter, stages ...string) map[string]map[string]map[string]float64 {
	out := map[string]map[string]map[string]float64{}
	for _, stage := range stages {
		out[stage] = map[string]map[string]float64{}
		for _, m := range Models {
			out[stage][m] = map[string]float64{}
		}
		credit := func(j qualify.Journey) {
			for _, m := range Models {
				for g, w := range Credit(j, m, f) {
					out[stage][m][g] += w
				}
			}
		}
		for _, p := range people {
			if !f.Covers(p) {
				continue
			}
			if stage == qualify.StageMQL && len(p.MQLs) > 0 {
				for i, m := range p.MQLs {
					if f.in(m.At) {
						credit(mqlJourney(p, i))
					}
				}
				continue
			}
			if stage == qualify.StageMQL {
				if at, ok := reached(p)[stage]; ok && f.in(at) {
					credit(p.Rec.Journey(time.Time{}, at)) // a history without its MQLs' items
				}
				continue
			}
			for _, c := range conversions(p, stage) {
				if f.in(c.at) {
					credit(c.journey)
				}
			}
		}
		for _, m := range Models {
			for k, v := range out[stage][m] {
				out[stage][m][k] = round(v)
			}
		}
	}
	return out
}

// conversion is a person's reach of a stage in one cycle, and the journey
// it is credited to.
type conversion struct {
	at      time.Time
	journey qualify.Journey
}

// conversions are the person's reaches of SQL or customer, one a cycle at
// most: each cycle's first change to the stage or one past it (an MQL won
// outright is an SQL too), credited to the journey kept on it, or for a
// change stored before journeys were kept, the record's touches of its
// cycle (after the recycle before it) up to it. A dropped span across
// the cycle's start is left out of the latter: the record parts its
// spans at the current cycle's start and the first SQL and win alone.
func conversions(p *Person, stage string) []conversion {
	var out []conversion
	done := false // the cycle reached the stage
	for i, c := range p.History {
		if c.To == qualify.StageRecycled {
			// A recycle sales reopened ends no cycle: its SQL is
			// still the one it reached.
			done = done && !qualify.EndsCycle(p.History, i)
			continue
		}
		if done || index(c.To) < index(stage) {
			continue
		}
		done = true
		out = append(out, conversion{at: c.At, journey: changeJourney(p, i)})
	}
	return out
}

// changeJourney is the journey of the person's i-th stage change: the one
// kept on it, or for a change stored before journeys were kept (or one
// that keeps none), the record's touches of its cycle (after the recycle
// before it) up to it. Attribution's SQLs and wins and Revenue's deals
// (dealJourney) read it alike.
func changeJourney(p *Person, i int) qualify.Journey {
	c := p.History[i]
	if c.Journey != nil {
		return *c.Journey
	}
	var from time.Time // the cycle's start
	for j, r := range p.History[:i] {
		if qualify.EndsCycle(p.History, j) {
			from = r.At
		}
	}
	return p.Rec.Journey(from, c.At)
}

// mqlJourney is the journey of the person's i-th MQL: the one kept with
// it, or for an MQL raised before journeys were kept, the record's touches
// of its cycle (after the recycle before it, else after the MQL before it)
// up to it.
func mqlJourney(p *Person, i int) qualify.Journey {
	m := p.MQLs[i]
	if m.Journey != nil {
		return *m.Journey
	}
	var from time.Time
	if i > 0 {
		from = p.MQLs[i-1].At
		for _, c := range p.History {
			if c.To == qualify.StageRecycled && c.At.After(from) && !c.At.After(m.At) {
				from = c.At
			}
		}
	}
	return p.Rec.Journey(from, m.At)
}

// Credit is one conversion's credit under the model, by the filter's
// groups: the journey's first and last touch, and its middle by the
// counts kept of it. The credits sum to 1; a journey without touches is
// credited to "(none)".
func Credit(j qualify.Journey, model string, f Filter) map[string]float64 {
	out := map[string]float64{}
	if j.First == nil && j.N == 0 {
		out["(none)"] = 1
		return out
	}
	var ends []*qualify.Touch
	for _, e := range []*qualify.Touch{j.First, j.Last} {
		if e != nil {
			ends = append(ends, e)
		}
	}
	mid := j.N - len(ends) // touches counted in j.Middle
	var endW, midW float64 // each end's share, each middle touch's
	switch model {
	case "first", "last":
		var e *qualify.Touch // none: a window of dropped touches alone (qualify.Record.Journey)
		if len(ends) > 0 && model == "first" {
			e = ends[0]
		} else if len(ends) > 0 {
			e = ends[len(ends)-1]
		}
		out[f.Key(e)] = 1
		return out
	case "linear":
		endW, midW = 1/float64(j.N), 1/float64(j.N)
	case "position":
		endW = positionWeight(0, j.N)
		if mid > 0 {
			midW = (1 - endW*float64(len(ends))) / float64(mid)
		}
	default:
		return out
	}
	for _, e := range ends {
		out[f.Key(e)] += endW
	}
	if mid > 0 {
		for v, n := range j.Middle[f.dim()] {
			out[f.group(v)] += midW * float64(n)
		}
	}
	return out
}

// Weights is each of n touches' share of one conversion under the model
// (first, last, linear, position: 40/20/40); the shares sum to 1.
func Weights(n int, model string) []float64 {
	w := make([]float64, n)
	if n == 0 {
		return w
	}
	for i := range w {
		switch model {
		case "first":
			if i == 0 {
				w[i] = 1
			}
		case "last":
			if i == n-1 {
				w[i] = 1
			}
		case "linear":
			w[i] = 1 / float64(n)
		case "position":
			w[i] = positionWeight(i, n)
		}
	}
	return w
}

func positionWeight(i, n int) float64 {
	switch {
	case n == 1:
		return 1
	case n == 2:
		return 0.5
	case i == 0 || i == n-1:
		return 0.4
	default:
		return 0.2 / float64(n-2)
	}
}

// answers reports whether a stage change is sales' answer to the MQL it
// follows: any verdict on it (accepted, rejected, SQL, an opportunity, won,
// lost: every change from the MQL stage is sales', qualify.OutcomeOf), or
// an acceptance or rejection (a history stored otherwise). A lead closed
// lost straight from the MQL was answered too: it was counted awaiting
// (unassigned), beside the reps report naming who closed it.
func answers(c qualify.StageChange) bool {
	return c.From == qualify.StageMQL || c.To == qualify.StageSAL || c.To == qualify.StageRejected
}

// SLARow summarises follow-up for one owner.
type SLARow struct {
	Owner     string `json:"owner"`
	MQLs      int    `json:"mqls"`
	Responded int    `json:"responded"` // any verdict: sales answered
	Accepted  int    `json:"accepted"`  // the first answer accepted, SQL, opportunity or won
	Rejected  int    `json:"rejected"`  // the first answer rejected (a lead sales took back after counts so: the response was) (responded lost straight from the MQL are neither)
	WithinSLA int    `json:"withinSla"` // responses within the SLA
	// ShareWithin (of the responses) and MedianHours (working hours on a
	// business calendar) are not measured (null) until sales responded.
	ShareWithin  Figure `json:"shareWithin"`
	MedianHours  Figure `json:"medianHoursToRespond"`
	OpenBreaches int    `json:"openBreaches"`
	// NotDelivered are the MQLs awaiting an answer that no connector took
	// (dead-lettered, retrying): they never reached sales, so are no
	// breach of theirs, but marketing ops' to fix (the MQL list's dead
	// letters). Counted only where deliveries are read (SLAOf).
	NotDelivered int `json:"notDelivered"`
}

// SLA reports time to respond (any verdict) against the SLA, measured
// in the calendar's working time, by owner ("(all)" first; MQLs nobody
// answered yet count under "(unassigned)"; SLAOf: under the owner their
// breach named), every MQL taken as reaching sales when raised.
func SLA(people []*Person, f Filter, within time.Duration, cal calendar.Calendar, now time.Time) []SLARow {
	rows, _ := SLAOf(context.Background(), people, f, within, cal, now, nil, nil, nil)
	return rows
}

// slaReads is how many deliveries SLAOf reads at once.
const slaReads = 8

// SLAOf is SLA with sales' time from when each MQL reached them, its first
// delivery to a connector (sla.Start; delivered nil: when raised). An MQL
// awaiting an answer past the SLA from its raise that none took is
// NotDelivered, not an open breach. Deliveries are read (a query each,
// slaReads at once) only where they change a figure: the MQLs awaiting an
// answer past the SLA from their raise, and the answers later than it (a
// delivery held up, then replayed, starts the time later); an answer
// within it from the raise is within it from the delivery too.
//
// An MQL counts in the period it reached sales, its first delivery (a dead
// letter replayed months later counts then, its wait from then), one no
// connector took in the period it qualified. between (nil: every MQL in
// the period it qualified) lists the MQLs first delivered within the
// filter's range; of those qualified in it, the deliveries of the ones
// sales may have got after its end (not answered before it) are read, to
// leave out those delivered after it. MQLs delivered before the index of
// deliveries existed count in the period they qualified unless read so.
//
// breachOwners (sla.BreachOwners: by MQL id, the owner the SFA had of the
// lead when its breach was announced) names the owner of an MQL no
// verdict names one for: a breach sales never answered counts under the
// rep who held it, not "(unassigned)".
func SLAOf(ctx context.Context, people []*Person, f Filter, within time.Duration, cal calendar.Calendar, now time.Time, delivered sla.Delivered, between sla.DeliveredBetween, breachOwners map[string]string) ([]SLARow, error) {
	var inRange map[string]time.Time // first delivered within the filter's range
	if delivered != nil && between != nil && !f.From.IsZero() {
		var err error
		if inRange, err = between(ctx, f.From, f.To); err != nil {
			return nil, err
		}
	}
	rows := map[string]*SLARow{}
	hours := map[string][]float64{}
	add := func(owner string, fn func(r *SLARow)) {
		for _, k := range []string{owner, "(all)"} {
			if rows[k] == nil {
				rows[k] = &SLARow{Owner: k}
			}
			fn(rows[k])
		}
	}
	// One entry an MQL; the deliveries an entry needs are read after,
	// slaReads at a time (on DynamoDB a query each).
	type entry struct {
		m       qualify.MQL
		acc     *qualify.StageChange // the first answer from sales to this MQL
		owner   string
		open    bool
		read    bool // whether its delivery decides a figure
		place   bool // whether its delivery decides its period (after the range: left out)
		out     bool // delivered after the range
		start   time.Time
		reached bool
		took    time.Duration // the answer's time
	}
	var es []entry
	for _, p := range people {
		if !f.Covers(p) {
			continue
		}
		for _, m := range p.MQLs {
			at, indexed := inRange[m.ID]
			if !indexed && !f.in(m.At) {
				continue
			}
			e := entry{m: m, owner: "(unassigned)", start: m.Raised(), reached: true}
			if indexed && at.After(e.start) {
				e.start = at
			}
			for i, c := range p.History {
				if c.At.Before(m.At) {
					continue
				}
				if answers(c) {
					e.acc = &p.History[i]
					break
				}
				if c.To == qualify.StageRecycled {
					break
				}
			}
			if e.acc != nil && e.acc.Owner != "" {
				e.owner = e.acc.Owner
			} else if o := breachOwners[m.ID]; o != "" {
				e.owner = o // the SFA's owner when its breach was announced
			}
			// Sales' time runs from when the MQL reached them: not from
			// the event that qualified it (a late batch's MQL, dated days
			// back, is no breach of theirs), nor before a connector took
			// it. An MQL awaiting an answer within the SLA from its raise
			// is within it from its delivery too, and one not delivered
			// yet is counted as such only past it (a lead queued a moment
			// ago is no failed hand-off).
			e.open = e.acc == nil && p.Rec.Stage == qualify.StageMQL && p.Rec.Cycle == m.Cycle
			if e.acc != nil {
				e.took = cal.Between(e.start, e.acc.At)
			}
			e.read = e.open && cal.Between(e.start, now) > within || e.acc != nil && e.took > within
			// Qualified in the range, not known delivered in it: sales
			// may have got it after the range (nothing bounds when before
			// an answer within it, or now).
			bound := now
			if e.acc != nil {
				bound = e.acc.At
			}
			e.place = !indexed && delivered != nil && !f.To.IsZero() && !bound.Before(f.To)
			es = append(es, e)
		}
	}
	errs := make([]error, len(es))
	ferr := fanout.Each(len(es), slaReads, func(i int) {
		e := &es[i]
		if !e.read && !e.place {
			return
		}
		e.start, e.reached, errs[i] = sla.Start(ctx, delivered, e.m)
		if e.place && e.reached && !e.start.Before(f.To) {
			e.out = true // reached sales after the range: its delivery's period's
			return
		}
		if e.acc != nil && e.reached { // (answered, yet none took it: a lead sales got elsewhere, timed from the raise)
			e.took = 0
			if e.start.Before(e.acc.At) {
				e.took = cal.Between(e.start, e.acc.At)
			}
		}
	})
	if err := errors.Join(append(errs, ferr)...); err != nil {
		return nil, err
	}
	for _, e := range es {
		if e.out {
			continue
		}
		add(e.owner, func(r *SLARow) {
			r.MQLs++
			switch {
			case e.acc != nil:
				r.Responded++
				switch e.acc.To {
				case qualify.StageRejected:
					r.Rejected++
				case qualify.StageLost:
					// Answered, closed without a deal: neither accepted
					// nor sent back to nurture (the reps report's lost).
				default:
					r.Accepted++
				}
				if e.took <= within {
					r.WithinSLA++
				}
				hours[r.Owner] = append(hours[r.Owner], e.took.Hours())
			case e.open && !e.reached:
				r.NotDelivered++
			case e.open && cal.Between(e.start, now) > within:
				r.OpenBreaches++
			}
		})
	}
	var out []SLARow
	for k, r := range rows {
		if r.Responded > 0 {
			r.ShareWithin = Measured(round(float64(r.WithinSLA) / float64(r.Responded)))
			r.MedianHours = Measured(round(median(hours[k])))
		}
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool {
		if (out[i].Owner == "(all)") != (out[j].Owner == "(all)") {
			return out[i].Owner == "(all)"
		}
		return out[i].Owner < out[j].Owner
	})
	return out, nil
}

// QualityRow says what one MQL condition (or grade, or band) produced.
type QualityRow struct {
	Dimension string `json:"dimension"` // condition, grade, band
	Value     string `json:"value"`
	// Label is Value as sales read it (the rules file's label of a
	// condition or band, in the request's language); Value where there is
	// none. Set by who answers the request: the rules are not the
	// report's.
	Label    string `json:"label,omitempty"`
	MQLs     int    `json:"mqls"`
	SAL      int    `json:"sal"`
	SQL      int    `json:"sql"`
	Won      int    `json:"won"`
	Rejected int    `json:"rejected"`
	Lost     int    `json:"lost"`
	// Why counts the reasons sales gave, e.g. "rejected: no budget" -> 3.
	Why map[string]int `json:"why,omitempty"`
}

// Quality follows each MQL of the period to what sales made of it.
func Quality(people []*Person, f Filter) []QualityRow {
	rows := map[string]*QualityRow{}
	for _, p := range people {
		if !f.Covers(p) {
			continue
		}
		for mi, m := range p.MQLs {
			if !f.in(m.At) {
				continue
			}
			var end time.Time // the cycle ends at the next MQL
			if mi+1 < len(p.MQLs) {
				end = p.MQLs[mi+1].At
			}
			got := map[string]bool{}
			var whys []string
			for _, c := range p.History {
				if c.At.Before(m.At) || (!end.IsZero() && !c.At.Before(end)) {
					continue
				}
				if c.Reopens() {
					// Sales took the lead back: the MQL is what they said
					// last (as the MQL list, the reps report and the lab
					// read it), not rejected and accepted at once.
					delete(got, qualify.StageRejected)
					delete(got, qualify.StageLost)
					whys = whys[:0]
				}
				got[c.To] = true
				if c.Why != "" && (c.To == qualify.StageRejected || c.To == qualify.StageLost) {
					whys = append(whys, c.To+": "+c.Why)
				}
			}
			for _, dv := range [][2]string{{"condition", m.Condition}, {"grade", m.Verdict.Grade}, {"band", m.Verdict.Band}} {
				if dv[1] == "" {
					continue
				}
				k := dv[0] + "\x00" + dv[1]
				r := rows[k]
				if r == nil {
					r = &QualityRow{Dimension: dv[0], Value: dv[1]}
					rows[k] = r
				}
				r.MQLs++
				if got[qualify.StageSAL] || got[qualify.StageSQL] || got[qualify.StageOpportunity] || got[qualify.StageCustomer] {
					r.SAL++
				}
				if got[qualify.StageSQL] || got[qualify.StageOpportunity] || got[qualify.StageCustomer] {
					r.SQL++
				}
				if got[qualify.StageCustomer] {
					r.Won++
				}
				if got[qualify.StageRejected] {
					r.Rejected++
				}
				if got[qualify.StageLost] {
					r.Lost++
				}
				for _, w := range whys {
					if r.Why == nil {
						r.Why = map[string]int{}
					}
					r.Why[w]++
				}
			}
		}
	}
	var out []QualityRow
	for _, r := range rows {
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Dimension != out[j].Dimension {
			return out[i].Dimension < out[j].Dimension
		}
		return out[i].Value < out[j].Value
	})
	return out
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func round(f float64) float64 {
	return float64(int64(f*1000+0.5)) / 1000
}

// MQLOutcome is sales' verdict on m, its cycle's latest: the stage
// changes from when it qualified up to the recycle that ends its cycle
// (as the SLA report reads an MQL's answer), so a person rejected,
// recycled and qualified again has their old MQL rejected and the new
// one as sales answer it; one sales took back (reopened) is as they
// answered last. "none": no answer yet (or the cycle ended
// without one).
func MQLOutcome(m qualify.MQL, hist []qualify.StageChange) string {
	out := "none"
	for i, c := range hist {
		if c.At.Before(m.At) {
			continue
		}
		switch c.To {
		case qualify.StageSAL:
			out = "accepted"
		case qualify.StageSQL, qualify.StageOpportunity, qualify.StageRejected, qualify.StageLost:
			out = c.To
		case qualify.StageCustomer:
			out = "won"
		case qualify.StageRecycled:
			if qualify.EndsCycle(hist, i) {
				return out
			}
		}
	}
	return out
}
