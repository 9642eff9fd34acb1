package qualify

import (
	"encoding/binary"
	"maps"
	"slices"
	"time"
)

// Touch dimensions: what a report may group touches by.
var TouchDims = []string{"channel", "source", "medium", "campaign"}

// Value is the touch's value in a dimension (TouchDims; the channel for
// another).
func (t Touch) Value(dim string) string {
	switch dim {
	case "source":
		return t.Source
	case "medium":
		return t.Medium
	case "campaign":
		return t.Campaign
	}
	return t.Channel
}

// Tally counts touches by dimension and value.
type Tally map[string]map[string]int

// maxTallyValues bounds the values a span keeps per dimension; the
// touches of further values count under OtherValue, so a span stays small
// (a journey through hundreds of campaigns) and its counts still add up.
const maxTallyValues = 16

// OtherValue is the value the touches beyond maxTallyValues count under.
const OtherValue = "(other)"

func (c Tally) add(t Touch, n int) {
	for _, d := range TouchDims {
		c.addValue(d, t.Value(d), n)
	}
}

func (c Tally) addValue(dim, v string, n int) {
	m := c[dim]
	if m == nil {
		m = map[string]int{}
		c[dim] = m
	}
	if _, ok := m[v]; !ok && len(m) >= maxTallyValues {
		v = OtherValue
	}
	m[v] += n
}

// sub takes one touch out: under its value, or OtherValue where it
// counted past maxTallyValues; a value left at 0 goes.
func (c Tally) sub(t Touch) {
	for _, d := range TouchDims {
		m := c[d]
		v := t.Value(d)
		if _, ok := m[v]; !ok {
			v = OtherValue
		}
		if m[v] <= 0 {
			continue
		}
		if m[v]--; m[v] == 0 {
			delete(m, v)
		}
	}
}

func (c Tally) merge(o Tally) {
	for d, m := range o {
		for v, n := range m {
			c.addValue(d, v, n)
		}
	}
}

// Span is a run of touches trimmed from a record's list (the middle of a
// long journey), in aggregate: their number, time range and counts.
type Span struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
	N    int       `json:"n"`
	By   Tally     `json:"by"`
}

// Dropped are the touches trimmed from a record's list. Attribution's
// linear and position models credit every touch of a journey, so the
// middle that the list cannot hold is kept as spans. A journey's window
// takes a span whole or not at all (Record.Journey), so spans never join
// across a lifecycle time a report's window starts or ends at
// (Record.marks): the current cycle's start and MQL, the first SQL and
// the first customer. Spans between the same two of those merge, which
// bounds them (at most one more than the marks) where a count did: past
// four the two oldest merged, across any of them, and the SQL's and the
// customer's times parted none, so a journey up to either lost every
// span it cut (single cycle, 100 touches, SQL at the 61st: 46 counted).
type Dropped struct {
	Spans []Span `json:"spans"`
	// Seen are the hashes of the dropped offline touches' events
	// (sorted, 4 bytes each). A person's whole history is scored again on
	// every identification: a web touch within the dropped ones' time
	// (the oldest span's start to the newest's end) is such history
	// (counted, or merged into a visit that was), an offline touch may be
	// a list imported late, dated in the past, and counts unless Seen has
	// it. Past maxDroppedSeen, Full: every touch within that time is
	// taken as counted.
	Seen []byte `json:"seen,omitempty"`
	Full bool   `json:"full,omitempty"`
}

// maxDroppedSeen bounds Dropped.Seen: 2 KB.
const maxDroppedSeen = 512

func touchHash(id string) uint32 {
	h := uint64(14695981039346656037) // FNV-1a 64, folded
	for i := 0; i < len(id); i++ {
		h ^= uint64(id[i])
		h *= 1099511628211
	}
	return uint32(h ^ h>>32)
}

func (d *Dropped) seenAt(i int) uint32 { return binary.BigEndian.Uint32(d.Seen[4*i:]) }

func (d *Dropped) find(h uint32) (int, bool) {
	n := len(d.Seen) / 4
	lo, hi := 0, n
	for lo < hi {
		m := (lo + hi) / 2
		if d.seenAt(m) < h {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo, lo < n && d.seenAt(lo) == h
}

// counted reports whether a touch not on the list was dropped before.
func (d *Dropped) counted(t Touch) bool {
	if d == nil || len(d.Spans) == 0 || t.At.After(d.Spans[len(d.Spans)-1].To) {
		return false // newer than every dropped touch
	}
	if t.At.Before(d.Spans[0].From) {
		// Older than every dropped touch (a span holds each it took):
		// never dropped. A second device's anonymous history, scored on
		// identification, was taken for counted, its first touch too.
		return false
	}
	if t.Medium != "offline" || d.Full {
		return true
	}
	_, ok := d.find(touchHash(t.EventID))
	return ok
}

func (d *Dropped) remember(t Touch) {
	if t.Medium != "offline" {
		return
	}
	if len(d.Seen)/4 >= maxDroppedSeen {
		d.Full = true
		return
	}
	h := touchHash(t.EventID)
	i, ok := d.find(h)
	if ok {
		return
	}
	var w [4]byte
	binary.BigEndian.PutUint32(w[:], h)
	d.Seen = slices.Insert(d.Seen, 4*i, w[:]...)
}

// drop adds a touch trimmed from the list: to the span whose time it
// falls in (a late one), else as a span of its own, which then merges
// with its neighbours that no lifecycle time of marks parts from it.
func (d *Dropped) drop(t Touch, marks []time.Time) {
	d.remember(t)
	// The spans are in time order, none overlapping: i is the first that
	// begins after t.
	i, _ := slices.BinarySearchFunc(d.Spans, t.At, func(s Span, at time.Time) int {
		if s.From.After(at) {
			return 1
		}
		return -1
	})
	if i > 0 && !t.At.After(d.Spans[i-1].To) {
		s := &d.Spans[i-1]
		s.N++
		s.By.add(t, 1)
		return
	}
	s := Span{From: t.At, To: t.At, N: 1, By: Tally{}}
	s.By.add(t, 1)
	d.Spans = slices.Insert(d.Spans, i, s)
	d.join(marks)
}

// join merges each two neighbouring spans no mark parts: a window
// (from, to] ending or starting at a mark m takes the touches at m on its
// earlier side, so a mark at or after the earlier span's end and before
// the later one's start parts them. Marks of a cycle since replaced (its
// MQL: credited from its own Journey) part nothing any more: the spans
// they parted merge.
func (d *Dropped) join(marks []time.Time) {
	out := d.Spans[:1]
	for _, s := range d.Spans[1:] {
		last := &out[len(out)-1]
		if slices.ContainsFunc(marks, func(m time.Time) bool { return !m.IsZero() && !m.Before(last.To) && m.Before(s.From) }) {
			out = append(out, s)
			continue
		}
		last.To, last.N = s.To, last.N+s.N
		last.By.merge(s.By)
	}
	d.Spans = out
}

// withdraw is d without the flagged offline touches ts it counts: each
// one Seen has (dropped, and not withdrawn before: a person is rescored
// again and again, their absent touch flagged each time) is taken out of
// Seen and of the span whose time holds it, a span left empty removed (its
// neighbours stay apart: a mark parting either from it parts them). A
// touch attended again is then no longer counted, and the replay drops it
// anew. Web touches (a click judged a scanner's) are not told apart from
// the history a span counts, nor anything once Full: those stay counted.
// d itself is never changed (the record read is); nil when nothing is left.
func (d *Dropped) withdraw(ts []Touch) *Dropped {
	if d == nil || d.Full {
		return d
	}
	c := d.clone()
	changed := false
	for _, t := range ts {
		if t.Medium != "offline" {
			continue
		}
		k, ok := c.find(touchHash(t.EventID))
		if !ok {
			continue
		}
		c.Seen = slices.Delete(c.Seen, 4*k, 4*k+4)
		changed = true
		i := slices.IndexFunc(c.Spans, func(s Span) bool { return !t.At.Before(s.From) && !t.At.After(s.To) })
		if i < 0 {
			continue
		}
		s := &c.Spans[i]
		s.N--
		s.By.sub(t)
		if s.N <= 0 {
			c.Spans = slices.Delete(c.Spans, i, i+1)
		}
	}
	switch {
	case !changed:
		return d
	case len(c.Spans) == 0 && len(c.Seen) == 0:
		return nil
	}
	return c
}

func (d *Dropped) clone() *Dropped {
	if d == nil {
		return &Dropped{}
	}
	c := &Dropped{Seen: slices.Clone(d.Seen), Full: d.Full, Spans: make([]Span, len(d.Spans))}
	for i, s := range d.Spans {
		// A copy, not a merge: a full tally (maxTallyValues values and
		// OtherValue) merged in map order folded a value into OtherValue
		// whenever OtherValue came first.
		s.By = make(Tally, len(d.Spans[i].By))
		for dim, m := range d.Spans[i].By {
			s.By[dim] = maps.Clone(m)
		}
		c.Spans[i] = s
	}
	return c
}

func (d *Dropped) total() int {
	n := 0
	if d != nil {
		for _, s := range d.Spans {
			n += s.N
		}
	}
	return n
}

// Journey is what attribution reads of the touches of one window (those
// before a conversion, or of an MQL's cycle): its first and last touch,
// how many touches in all, and the ones between, counted by dimension and
// value. It credits every touch under each model as the list of them
// would, the middle too.
type Journey struct {
	First *Touch `json:"first,omitempty"`
	Last  *Touch `json:"last,omitempty"` // nil with one touch
	N     int    `json:"n"`              // touches, first and last included
	// Middle counts the touches between the first and the last.
	Middle Tally `json:"middle,omitempty"`
}

// Journey is the record's touches after from and at or before to (a zero
// time: unbounded), the dropped ones with them: each span the window
// holds whole (spans are cut at the lifecycle times a window starts or
// ends at: see Dropped).
func (r Record) Journey(from, to time.Time) Journey {
	in := func(at time.Time) bool { return (from.IsZero() || at.After(from)) && (to.IsZero() || !at.After(to)) }
	var j Journey
	var kept []Touch
	for _, t := range r.Touches {
		if in(t.At) {
			// What attribution reads: the click id is the record's, to
			// tell an ad click's pages (addTouches), not kept on an MQL.
			t.Click, t.Carried = "", false
			kept = append(kept, t)
		}
	}
	if r.Dropped != nil {
		for _, s := range r.Dropped.Spans {
			if in(s.From) && in(s.To) {
				if j.Middle == nil {
					j.Middle = Tally{}
				}
				j.N += s.N
				j.Middle.merge(s.By)
			}
		}
	}
	if len(kept) == 0 {
		return j
	}
	j.N += len(kept)
	j.First = &kept[0]
	if len(kept) > 1 {
		j.Last = &kept[len(kept)-1]
		for _, t := range kept[1 : len(kept)-1] {
			if j.Middle == nil {
				j.Middle = Tally{}
			}
			j.Middle.add(t, 1)
		}
	}
	return j
}

// marks are the lifecycle times the dropped touches' spans part at:
// where the windows of the journeys attribution reads start or end. The
// current cycle's start (its MQL's journey, kept on the MQL as raised:
// cycleJourney) and its MQL (an MQL stored before journeys were kept is
// credited up to it), and the first SQL and customer, their cycle's
// touches up to them (the SQLs and wins of reports.Attribution, and the
// deals of reports.Revenue credited alike, stored before their stage
// change kept its journey): those stay for good, past any recycle.
// Sales' acceptance is none: no window ends there. Nor is a later
// cycle's SQL or win (its change keeps its journey) or a deal's own date
// (a deal won by its outcome alone or open before an SQL: a span across
// it is left out of the deal's journey).
func (r Record) marks() []time.Time {
	return []time.Time{r.CycleFrom, r.MQLAt, r.SQLAt, r.CustomerAt}
}

// cycleJourney is the journey of the MQL rec's cycle raises now: the
// touches after the recycle that opened the cycle (all of them in the
// first), every one known, stamped ahead of Baton's clock too. Not since
// the previous MQL: the touches while sales held the lead were theirs to
// act on and the recycle wiped the score they earned; scoring asks new
// evidence after the recycle (recycle.min_new_behaviour), and the MQL is
// credited to the touches that produced it: those up to at, when the MQL
// is dated before now by the event that qualified the person (a late
// batch's touches after that event came after the MQL).
func cycleJourney(rec Record, at, now time.Time) *Journey {
	j := rec.Journey(rec.CycleFrom, before(at, now))
	return &j
}

// before is the end of what led to an MQL dated at, raised at now: at, or
// zero (everything) for one dated now.
func before(at, now time.Time) time.Time {
	if at.Before(now) {
		return at
	}
	return time.Time{}
}
