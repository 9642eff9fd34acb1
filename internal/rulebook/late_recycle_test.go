package rulebook

import (
	"math"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/event"
)

// TestLateEventOfAClosedCycle: sales rejected a lead on Monday (recycle,
// multiply 0: the next cycle starts from nothing). Events of before the
// rejection reach scoring after it: the tag's offline queue, a late
// Segment batch, an exhibition's list imported a week on. Live scoring
// added their points to the new cycle (and used up its once-rules),
// where a rescore, replaying them before the recycle, gives them nothing:
// the person's score said 45 until someone pressed rescore, and the form
// they sent after the rejection earned no any-form points. An event of a
// closed cycle now counts as the replay counts it: its points times
// recycle.multiply, no once-rule or per-person cap of the new cycle used.
func TestLateEventOfAClosedCycle(t *testing.T) {
	e := load(t) // recycle.multiply 0; any-form: 5 points, once
	form := func(id string, at time.Time) event.Event {
		return event.Event{ID: id, Type: event.FormSubmit, URL: "https://x.example/contact", Timestamp: at,
			Properties: map[string]any{"form": map[string]any{"id": "contact"}, "fields": map[string]any{"email": "buyer@maker.example"}}}
	}
	pdf := event.Event{ID: "d", Type: event.Download, URL: "https://x.example/a.pdf", Timestamp: t0.Add(time.Hour)}
	early := form("f0", t0.Add(2*time.Hour))
	recycledAt := t0.Add(24 * time.Hour)
	later := form("f1", recycledAt.Add(48*time.Hour))
	now := recycledAt.Add(49 * time.Hour)

	// Live: the page before the recycle, the recycle, then the late
	// events of before it, then the new form.
	raw, _, _ := apply(t, e, nil, t0, pv("p", "https://x.example/pricing", t0))
	raw, _, _ = e.Recycle(raw, recycledAt)
	raw, late, rules := apply(t, e, raw, recycledAt.Add(time.Hour), pdf, early)
	if late != 0 {
		t.Errorf("late events of the closed cycle scored %v in the new one (%v), want 0 (multiply 0)", late, rules)
	}
	raw, live, rules := apply(t, e, raw, now, later)
	if !contains(rules, "any-form") {
		t.Errorf("the form after the recycle earned %v: the late form used up any-form's once", rules)
	}

	// Replay (a rescore): everything in time order, the recycle between.
	rraw, _, _ := apply(t, e, nil, t0, pv("p", "https://x.example/pricing", t0), pdf, early)
	rraw, _, _ = e.Recycle(rraw, recycledAt)
	_, replay, _ := apply(t, e, rraw, now, later)
	if math.Abs(live-replay) > 0.01 {
		t.Errorf("score %v live, %v replayed: want the same", live, replay)
	}
	// Seen: never scored again.
	if _, again, rules := apply(t, e, raw, now, pdf); math.Abs(again-live) > 0.01 {
		t.Errorf("the late download scored again: %v (%v)", again, rules)
	}
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
