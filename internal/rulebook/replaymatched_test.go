package rulebook

import (
	"fmt"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/qualify"
)

// TestReplayCountsMatchedEvents: a replay counts the events each
// behaviour rule matched, points or none (a cap reached, a once-rule
// fired), and names every rule, one that matched nothing at 0: the lab
// shows a rule that can change nothing.
func TestReplayCountsMatchedEvents(t *testing.T) {
	e := &Engine{R: mustParse(t, `behaviour:
  - {name: pricing, url: "/pricing*", points: 10, cap_per_day: 10}
  - {name: app-pricing, url: "/app/pricing*", points: -100}
  - {name: features, url: "*#/features*", points: 5, once: true}
mql: [{name: x, min_behaviour: 1000}]
`)}
	r, err := e.Open(nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, u := range []string{"https://x.example/pricing", "https://x.example/pricing/team", "https://x.example/spa#/features", "https://x.example/spa#/features?x=1", "https://x.example/blog"} {
		at := t0.Add(time.Duration(i) * time.Minute)
		if _, err := r.Apply([]event.Event{pv(fmt.Sprintf("m%d", i), u, at)}, at); err != nil {
			t.Fatal(err)
		}
	}
	got := r.(qualify.Matcher).Matched()
	if len(got) != 3 || got["pricing"] != 2 || got["features"] != 2 || got["app-pricing"] != 0 {
		t.Fatalf("matched %v; want pricing 2 (one capped), features 2 (one after once), app-pricing 0", got)
	}
}
