package account

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestVisitsAreSessions: an account's anonymous visits are runs of one
// browser's events less than VisitGap apart, not events: one person
// reading ten pages counted ten visits.
func TestVisitsAreSessions(t *testing.T) {
	t0 := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	var v Visits
	steps := []struct {
		evs     []VisitEvent
		changed bool
		count   int
	}{
		// Three pages of one browser in ten minutes: one visit.
		{[]VisitEvent{{"e1", "vid-a", at(0)}, {"e2", "vid-a", at(4)}, {"e3", "vid-a", at(10)}}, true, 1},
		// A colleague's browser at the same time: another.
		{[]VisitEvent{{"e4", "vid-b", at(11)}}, true, 2},
		// The feed again: nothing.
		{[]VisitEvent{{"e2", "vid-a", at(4)}, {"e4", "vid-b", at(11)}}, false, 2},
		// Browser a 29 minutes after its last page: the same visit; an
		// event the feed brings late, inside it: the same.
		{[]VisitEvent{{"e5", "vid-a", at(39)}, {"e6", "vid-a", at(2)}}, true, 2},
		// Browser a after lunch (30 minutes on): a visit of its own.
		{[]VisitEvent{{"e7", "vid-a", at(69)}}, true, 3},
		// Browser b much later, and a third browser: two more.
		{[]VisitEvent{{"e8", "vid-b", at(300)}, {"e9", "vid-c", at(301)}}, true, 5},
	}
	for i, s := range steps {
		if changed := v.add(s.evs); changed != s.changed || v.Count != s.count {
			t.Fatalf("step %d: changed %v count %d, want %v %d", i, changed, v.Count, s.changed, s.count)
		}
	}
	if !v.Last.Equal(at(301)) {
		t.Errorf("last %v", v.Last)
	}
	// Visits ended long before are forgotten; the account never holds a
	// browser's id (it outlives the erasure of the person it becomes).
	if len(v.Open) != 2 {
		t.Errorf("open visits %+v: want b's and c's", v.Open)
	}
	stored, _ := json.Marshal(v)
	if strings.Contains(string(stored), "vid-") {
		t.Errorf("a browser id stored: %s", stored)
	}
}

// TestOpenVisitsBounded: thousands of browsers on one network (an access
// provider named as a customer) keep at most maxOpenVisits open visits,
// the latest, and every one of them is counted.
func TestOpenVisitsBounded(t *testing.T) {
	t0 := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	var v Visits
	for i := range 5000 {
		v.add([]VisitEvent{{fmt.Sprintf("e%d", i), fmt.Sprintf("vid-%d", i), t0.Add(time.Duration(i) * 100 * time.Millisecond)}})
	}
	if v.Count != 5000 || len(v.Open) != maxOpenVisits || !v.Open[len(v.Open)-1].Last.Equal(v.Last) {
		t.Errorf("count %d, %d open, the latest kept: %v", v.Count, len(v.Open), v.Open[len(v.Open)-1].Last.Equal(v.Last))
	}
	b, _ := json.Marshal(v)
	if len(b) > 4_000 {
		t.Errorf("visits take %d bytes", len(b))
	}
	// As stored: to the second, read back alike.
	var back Visits
	if err := json.Unmarshal(b, &back); err != nil || len(back.Open) != len(v.Open) ||
		back.Open[0].Browser != v.Open[0].Browser || back.Open[0].Last.Unix() != v.Open[0].Last.Unix() || back.Open[0].First.Unix() != v.Open[0].First.Unix() {
		t.Errorf("read back %v: %+v, want %+v", err, back.Open[:1], v.Open[:1])
	}
}
