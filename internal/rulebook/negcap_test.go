package rulebook

import (
	"math"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/event"
)

// A negative rule's caps bound what it takes away, as a positive rule's
// bound what it gives: "careers page -10, at most 10 a day" is -10 for a
// job seeker reading 5 openings in a day, not -50 (the caps did nothing
// on a negative rule, silently).
func TestCapsBoundNegativeRules(t *testing.T) {
	e := &Engine{R: mustParse(t, "behaviour:\n  - {name: careers, url: \"/careers*\", points: -10, cap_per_day: 10, cap_per_person: 30}\n  - {name: pv, type: page_view, points: 20}\nmql: [{name: x, min_behaviour: 1}]\n")}
	var evs []event.Event
	for d := 0; d < 5; d++ { // 5 days, 5 openings a day
		for i := 0; i < 5; i++ {
			evs = append(evs, pv(string(rune('a'+d))+string(rune('0'+i)), "https://x.example/careers/"+string(rune('0'+i)), t0.Add(time.Duration(d)*24*time.Hour+time.Duration(i)*time.Minute)))
		}
	}
	now := t0.Add(5 * 24 * time.Hour)
	_, s, _ := apply(t, e, nil, now, evs...)
	// pv: 25 x 20 = 500; careers: -10 a day, at most -30 in all.
	if math.Abs(s-470) > 0.01 {
		t.Fatalf("score %v, want 470 (careers capped at -10 a day, -30 in all)", s)
	}
}
