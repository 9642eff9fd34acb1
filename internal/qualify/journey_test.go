package qualify

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/event"
)

// TestDroppedTouchesStayBounded: 2,000 touches, each of its own source
// and campaign, in three cycles: the record keeps 30 of them and the rest
// in aggregate, within a few KB (it is written with every scored event),
// and the journey still counts all 2,000; the values past the bound
// count under (other), not nowhere. Scoring the history again counts
// nothing twice.
func TestDroppedTouchesStayBounded(t *testing.T) {
	at := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	var rec Record
	var evs []event.Event
	for i := range 2000 {
		e := event.Event{ID: fmt.Sprintf("e%d", i), Type: event.Custom, Timestamp: at.Add(time.Duration(i) * time.Hour),
			UTM: event.UTM{Source: fmt.Sprintf("site%d", i), Medium: "referral", Campaign: fmt.Sprintf("c%d", i)}}
		evs = append(evs, e)
		if i%100 == 99 {
			rec.addTouches(evs, nil)
			evs = nil
		}
		switch i {
		case 600:
			rec.MQLAt = e.Timestamp
		case 900:
			rec.CycleFrom = e.Timestamp
		}
	}
	if len(rec.Touches) != maxTouches || rec.Dropped.total() != 2000-maxTouches {
		t.Fatalf("%d touches kept, %d dropped", len(rec.Touches), rec.Dropped.total())
	}
	list := rec
	list.Dropped = nil
	if size, more := len(encodeRecord(rec)), len(encodeRecord(rec))-len(encodeRecord(list)); more > 2048 {
		t.Errorf("record of %d bytes, %d of them the aggregate", size, more)
	}
	j := rec.Journey(time.Time{}, time.Time{})
	if j.N != 2000 || j.Middle["medium"]["referral"] != 1998 || j.Middle["source"][OtherValue] == 0 {
		t.Errorf("journey of %d touches, middle %v", j.N, j.Middle["medium"])
	}
	sum := 0
	for _, n := range j.Middle["campaign"] {
		sum += n
	}
	if sum != 1998 {
		t.Errorf("middle campaigns count %d touches, want 1998", sum)
	}
	// The cycle's journey: from its first touch (kept) on.
	c := rec.Journey(rec.CycleFrom, time.Time{})
	if c.N != 2000-901 || c.First == nil || c.First.EventID != "e901" {
		t.Errorf("the cycle's journey: %d touches from %+v, want %d from e901", c.N, c.First, 2000-901)
	}
	var all []event.Event
	for i := range 2000 {
		all = append(all, event.Event{ID: fmt.Sprintf("e%d", i), Type: event.Custom, Timestamp: at.Add(time.Duration(i) * time.Hour),
			UTM: event.UTM{Source: fmt.Sprintf("site%d", i), Medium: "referral", Campaign: fmt.Sprintf("c%d", i)}})
	}
	if rec.addTouches(all, nil) || rec.Journey(time.Time{}, time.Time{}).N != 2000 {
		t.Errorf("scoring the history again changed the touches: %d", rec.Journey(time.Time{}, time.Time{}).N)
	}
}

// TestDroppedTouchesStayBoundedPastTheSQL: 2,000 touches, each of its
// own source and campaign, with every lifecycle time spans part at (MQL
// at the 601st, first SQL at the 701st, first customer at the 801st, a
// recycle at the 901st): five spans, each within its values' bound, the
// journeys up to the SQL and the customer counted whole.
func TestDroppedTouchesStayBoundedPastTheSQL(t *testing.T) {
	at := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	var rec Record
	var evs []event.Event
	for i := range 2000 {
		e := event.Event{ID: fmt.Sprintf("e%d", i), Type: event.Custom, Timestamp: at.Add(time.Duration(i) * time.Hour),
			UTM: event.UTM{Source: fmt.Sprintf("site%d", i), Medium: "referral", Campaign: fmt.Sprintf("c%d", i)}}
		evs = append(evs, e)
		if i%100 == 99 {
			rec.addTouches(evs, nil)
			evs = nil
		}
		switch i {
		case 600:
			rec.MQLAt = e.Timestamp
		case 700:
			rec.reached(StageSQL, e.Timestamp)
		case 800:
			rec.reached(StageCustomer, e.Timestamp)
		case 900:
			rec.CycleFrom = e.Timestamp
		}
	}
	if n := len(rec.Dropped.Spans); n != len(rec.marks())+1 || len(rec.Touches) != maxTouches {
		t.Fatalf("%d spans, %d touches kept", n, len(rec.Touches))
	}
	list := rec
	list.Dropped = nil
	// 16 values of each of 4 dimensions a span, and (other): about 500
	// bytes each here.
	if more := len(encodeRecord(rec)) - len(encodeRecord(list)); more > 5*512 {
		t.Errorf("%d bytes of aggregate", more)
	}
	checkJourney(t, "the whole journey", rec.Journey(time.Time{}, time.Time{}), 2000)
	checkJourney(t, "the SQL's journey", rec.Journey(time.Time{}, rec.SQLAt), 701)
	checkJourney(t, "the customer's journey", rec.Journey(time.Time{}, rec.CustomerAt), 801)
	checkJourney(t, "the cycle's journey", rec.Journey(rec.CycleFrom, time.Time{}), 2000-901)
}

// TestLateOfflineTouchCounts: an exhibition's list imported after the
// person's journey grew past the list's bound, dated in its middle, counts
// once: it goes to the aggregate (the web touches of that time were
// scored before; a re-scored history's are not counted again), and the
// same import scored again adds nothing.
func TestLateOfflineTouchCounts(t *testing.T) {
	at := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	var rec Record
	var evs []event.Event
	for i := range 40 {
		evs = append(evs, event.Event{ID: fmt.Sprintf("w%d", i), Type: event.Custom, Timestamp: at.Add(time.Duration(i) * time.Hour),
			UTM: event.UTM{Source: "google", Medium: "cpc", Campaign: fmt.Sprintf("c%d", i)}})
	}
	rec.addTouches(evs, nil)
	off := event.Event{ID: "off", Type: event.Offline, Timestamp: at.Add(3*time.Hour + time.Minute), Properties: map[string]any{"channel": "exhibition", "event": "Japan IT Week"}}
	if !rec.addTouches([]event.Event{off}, nil) {
		t.Fatal("the late exhibition touch changed nothing")
	}
	j := rec.Journey(time.Time{}, time.Time{})
	if j.N != 41 || j.Middle["channel"]["exhibition"] != 1 {
		t.Fatalf("journey of %d touches, middle %v", j.N, j.Middle["channel"])
	}
	if rec.addTouches(append(evs, off), nil) {
		t.Errorf("scoring the history again changed the touches: %+v", rec.Journey(time.Time{}, time.Time{}))
	}
}

// TestTrimmedBeforeComesBack: a record trimmed before the middle was kept
// (the first touch and the latest 29 of 50) gets its middle back when the
// history is scored again (an identification, a rescore) while the raw
// events are retained, each touch once.
func TestTrimmedBeforeComesBack(t *testing.T) {
	at := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	var evs []event.Event
	for i := range 50 {
		evs = append(evs, event.Event{ID: fmt.Sprintf("e%d", i), Type: event.Custom, Timestamp: at.Add(time.Duration(i) * time.Hour),
			UTM: event.UTM{Source: "google", Medium: "cpc", Campaign: fmt.Sprintf("c%d", i)}})
	}
	var rec Record
	for _, e := range append(evs[:1:1], evs[21:]...) {
		tc, _ := TouchOf(e)
		rec.Touches = append(rec.Touches, tc)
	}
	for range 2 {
		rec.addTouches(evs, nil)
		if j := rec.Journey(time.Time{}, time.Time{}); j.N != 50 || len(rec.Touches) != maxTouches {
			t.Fatalf("journey of %d touches, %d listed", j.N, len(rec.Touches))
		}
	}
}

// TestAnonymousHistoryBeforeTheDroppedCounts: a person past the list's
// bound identifies on a second device whose anonymous history is older
// than anything dropped (their first visit, from a LinkedIn ad, on the
// phone): the rescore of the whole timeline counts it, as the first touch
// it is. Every web touch no later than the newest dropped one was taken
// for one counted before: the first touch stayed the later one and the
// journey was one short. No dropped touch is older than the oldest span,
// so those before it are new (or on the list, or merged again as before).
func TestAnonymousHistoryBeforeTheDroppedCounts(t *testing.T) {
	at := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	var evs []event.Event
	for i := 10; i < 50; i++ {
		evs = append(evs, event.Event{ID: fmt.Sprintf("w%d", i), Type: event.Custom, Timestamp: at.Add(time.Duration(i) * time.Hour),
			UTM: event.UTM{Source: "google", Medium: "cpc", Campaign: fmt.Sprintf("c%d", i)}})
	}
	var rec Record
	rec.addTouches(evs, nil)
	if rec.Dropped.total() == 0 {
		t.Fatal("nothing dropped")
	}
	phone := event.Event{ID: "phone", Type: event.Custom, Timestamp: at, UTM: event.UTM{Source: "linkedin", Medium: "paid_social", Campaign: "launch"}}
	all := append([]event.Event{phone}, evs...)
	if !rec.addTouches(all, nil) {
		t.Fatal("the second device's history changed nothing")
	}
	if j := rec.Journey(time.Time{}, time.Time{}); j.N != 41 || j.First == nil || j.First.EventID != "phone" {
		t.Fatalf("journey of %d touches from %+v, want 41 from the phone's", j.N, j.First)
	}
	if rec.addTouches(all, nil) || rec.Journey(time.Time{}, time.Time{}).N != 41 {
		t.Errorf("scoring the history again changed the touches: %+v", rec.Journey(time.Time{}, time.Time{}))
	}
}

// hourly are n touches an hour apart from at, e<i>: a search visit before
// hour 40, a newsletter's click before hour 60, a search ad from then on.
func hourly(at time.Time, n int) []event.Event {
	var evs []event.Event
	for i := range n {
		utm := event.UTM{Source: "google", Medium: "organic"}
		switch {
		case i >= 60:
			utm = event.UTM{Source: "google", Medium: "cpc"}
		case i >= 40:
			utm = event.UTM{Source: "newsletter", Medium: "email"}
		}
		utm.Campaign = fmt.Sprintf("c%d", i)
		evs = append(evs, event.Event{ID: fmt.Sprintf("e%d", i), Type: event.Custom, Timestamp: at.Add(time.Duration(i) * time.Hour), UTM: utm})
	}
	return evs
}

// checkJourney fails unless j counts n touches, its ends and middle adding
// up to them by every dimension.
func checkJourney(t *testing.T, what string, j Journey, n int) {
	t.Helper()
	ends := 0
	for _, e := range []*Touch{j.First, j.Last} {
		if e != nil {
			ends++
		}
	}
	for _, d := range TouchDims {
		sum := ends
		for _, c := range j.Middle[d] {
			sum += c
		}
		if sum != j.N {
			t.Errorf("%s: %d touches, %d of them by %s", what, j.N, sum, d)
		}
	}
	if j.N != n {
		t.Errorf("%s: %d touches, want %d", what, j.N, n)
	}
}

// lifecycle is a record's stage changes by hour, as Outcome and scoring
// make them.
type lifecycle map[int]func(rec *Record, at time.Time)

// replay adds the touches to a record one by one as they come (live), or
// all at once after the stage changes (a rescore of the whole history),
// and returns it.
func replay(evs []event.Event, stages lifecycle, live bool) Record {
	var rec Record
	for i, e := range evs {
		if f := stages[i]; f != nil {
			f(&rec, e.Timestamp)
		}
		if live {
			rec.addTouches([]event.Event{e}, nil)
		}
	}
	if !live {
		rec.addTouches(evs, nil)
	}
	return rec
}

var (
	toMQL = func(rec *Record, at time.Time) { rec.Stage, rec.MQLAt = StageMQL, at; rec.reached(StageMQL, at) }
	toSAL = func(rec *Record, at time.Time) { rec.Stage, rec.AcceptedAt = StageSAL, at; rec.reached(StageSAL, at) }
	toSQL = func(rec *Record, at time.Time) { rec.Stage = StageSQL; rec.reached(StageSQL, at) }
	won   = func(rec *Record, at time.Time) { rec.Stage = StageCustomer; rec.reached(StageCustomer, at) }
)

// TestSQLJourneyCountsEveryTouch: 100 hourly touches, MQL at hour 40,
// SAL at 45, SQL at 60: the SQL is credited to the 61 touches up to it,
// the one at hour 60 its last. The spans parted at the MQL and acceptance
// alone, so the span across the SQL's time was left out: 46.
func TestSQLJourneyCountsEveryTouch(t *testing.T) {
	at := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	evs := hourly(at, 100)
	for _, live := range []bool{true, false} {
		rec := replay(evs, lifecycle{40: toMQL, 45: toSAL, 60: toSQL}, live)
		if !rec.SQLAt.Equal(at.Add(60 * time.Hour)) {
			t.Fatalf("SQL at %v", rec.SQLAt)
		}
		what := fmt.Sprintf("live %v: the SQL's journey", live)
		j := rec.Journey(time.Time{}, rec.SQLAt)
		checkJourney(t, what, j, 61)
		if j.Middle["channel"]["search"] != 39 || j.Middle["channel"]["email"] != 20 || j.Last == nil || j.Last.EventID != "e60" {
			t.Errorf("%s: middle %v, last %+v", what, j.Middle["channel"], j.Last)
		}
		checkJourney(t, fmt.Sprintf("live %v: the whole journey", live), rec.Journey(time.Time{}, time.Time{}), 100)
	}
}

// TestRecycledLeadsSQLJourney: 200 hourly touches; MQL at hour 50,
// accepted and SQL at 60, lost and recycled at 100, MQL again at 120,
// accepted at 130, won at 150. The first SQL is credited to the 61
// touches up to it, the customer to the 151 up to the win, the second
// MQL to the 20 since the recycle. The new cycle's times replaced the
// first's and, past four spans, the oldest merged: the SQL's journey
// counted 1 touch (the first, kept on the list).
func TestRecycledLeadsSQLJourney(t *testing.T) {
	at := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	evs := hourly(at, 200)
	var mql2 Journey
	stages := lifecycle{50: toMQL, 60: func(rec *Record, at time.Time) { toSAL(rec, at); toSQL(rec, at) },
		100: func(rec *Record, at time.Time) {
			rec.Stage, rec.CycleFrom = StageRecycled, at // as Outcome recycles: the MQL's and acceptance's times stay until the next
		},
		120: func(rec *Record, at time.Time) { rec.Cycle++; toMQL(rec, at); mql2 = *cycleJourney(*rec, at, at) },
		130: toSAL, 150: won}
	for _, live := range []bool{true, false} {
		rec := replay(evs, stages, live)
		sql, cust := rec.Journey(time.Time{}, rec.SQLAt), rec.Journey(time.Time{}, rec.CustomerAt)
		checkJourney(t, fmt.Sprintf("live %v: the SQL's journey", live), sql, 61)
		checkJourney(t, fmt.Sprintf("live %v: the customer's journey", live), cust, 151)
		if sql.Last == nil || sql.Last.EventID != "e60" || cust.Last == nil || cust.Last.EventID != "e150" {
			t.Errorf("live %v: the SQL's last touch %+v, the customer's %+v; want e60, e150", live, sql.Last, cust.Last)
		}
		checkJourney(t, fmt.Sprintf("live %v: the whole journey", live), rec.Journey(time.Time{}, time.Time{}), 200)
		checkJourney(t, fmt.Sprintf("live %v: the second cycle's journey", live), rec.Journey(rec.CycleFrom, time.Time{}), 99)
		if n := len(rec.Dropped.Spans); n > len(rec.marks())+1 {
			t.Errorf("live %v: %d spans", live, n)
		}
		if live {
			// Raised as the touch of hour 120 had yet to come.
			checkJourney(t, "the second MQL's journey as raised", mql2, 19)
		}
	}
}

// TestWithdrawFromDropped: an absent touch is taken out of the span that
// holds it by time, a span it alone made up removed, a campaign counted
// under OtherValue (past maxTallyValues) taken from there; withdrawing it
// again (every rescore finds it flagged) or a touch never dropped changes
// nothing.
func TestWithdrawFromDropped(t *testing.T) {
	at := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	h := func(i int) time.Time { return at.Add(time.Duration(i) * time.Hour) }
	mark := []time.Time{h(20)} // parts the spans before and after hour 20
	off := func(i int, ch string) Touch {
		return Touch{At: h(i), Channel: ch, Medium: "offline", Campaign: fmt.Sprintf("event %d", i), EventID: fmt.Sprintf("e%d", i)}
	}
	d := &Dropped{}
	for i := range maxTallyValues + 1 {
		d.drop(off(i, "exhibition"), mark) // the 17th campaign counts under (other)
	}
	lone := off(21, "webinar")
	d.drop(lone, mark)
	late := off(maxTallyValues, "exhibition")
	if len(d.Spans) != 2 || d.Spans[0].By["campaign"][OtherValue] != 1 {
		t.Fatalf("spans %+v: want two, the first with one campaign under %s", d.Spans, OtherValue)
	}
	before := d.clone()
	got := d.withdraw([]Touch{lone, late, off(30, "seminar")})
	if !reflect.DeepEqual(d, before) {
		t.Errorf("withdraw changed the record read: %+v", d)
	}
	if len(got.Spans) != 1 || got.Spans[0].N != maxTallyValues || got.Spans[0].By["campaign"][OtherValue] != 0 ||
		got.Spans[0].By["channel"]["exhibition"] != maxTallyValues || len(got.Seen) != 4*maxTallyValues {
		t.Errorf("withdrawn: %+v; want one span of %d, nothing under %s", got, maxTallyValues, OtherValue)
	}
	if again := got.withdraw([]Touch{lone, late}); again != got {
		t.Errorf("withdrawn again: %+v, want it unchanged", again)
	}
}
