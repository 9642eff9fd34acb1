package qualify

import (
	"fmt"
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
