package rulebook

import (
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/event"
)

// TestWaitingSaysEveryPart: a recycled person's wait said the cooldown
// alone while it ran ("no MQL before …"), and people read its end as the
// day the person qualifies again, when recycle.min_new_behaviour's points
// after the recycle are needed too. The wait says each part still unmet,
// the points with those earned so far: both in the cooldown, the points
// alone after it, the cooldown alone once the points are earned.
func TestWaitingSaysEveryPart(t *testing.T) {
	e := load(t) // recycle: cooldown 24h, min_new_behaviour 20
	attrs := map[string]string{"title": "部長", "employees": "500", "budget": "yes", "authority": "yes", "need": "yes", "timeframe": "3ヶ月"}
	raw, _, _ := apply(t, e, nil, t0, event.Event{ID: "p1", Type: event.PageView, URL: "https://x.example/pricing", Timestamp: t0})
	recycledAt := time.Date(2026, 12, 6, 2, 22, 0, 0, time.UTC)
	raw, _, _ = e.Recycle(raw, recycledAt)
	raw, _, _ = apply(t, e, raw, recycledAt.Add(time.Hour), event.Event{ID: "d1", Type: event.Download, URL: "https://x.example/a.pdf", Timestamp: recycledAt.Add(time.Hour)})
	for _, c := range []struct {
		at   time.Time
		want string
	}{
		{recycledAt.Add(2 * time.Hour), "recycled 2026-12-06T02:22:00Z: no MQL before 2026-12-07T02:22:00Z and until 20 new behaviour points since (15 so far) (recycle.cooldown, recycle.min_new_behaviour)"},
		{recycledAt.Add(25 * time.Hour), "recycled 2026-12-06T02:22:00Z: no MQL until 20 new behaviour points since (15 so far) (recycle.min_new_behaviour)"},
	} {
		v, err := e.Evaluate(raw, attrs, "buyer@maker.example", c.at)
		if err != nil || v.Waiting != c.want || v.Condition != "" {
			t.Errorf("at +%v: waiting %q, condition %q, %v\nwant %q", c.at.Sub(recycledAt), v.Waiting, v.Condition, err, c.want)
		}
	}
	raw, _, _ = apply(t, e, raw, recycledAt.Add(2*time.Hour), event.Event{ID: "d2", Type: event.Download, URL: "https://x.example/b.pdf", Timestamp: recycledAt.Add(2 * time.Hour)})
	v, _ := e.Evaluate(raw, attrs, "buyer@maker.example", recycledAt.Add(3*time.Hour))
	if want := "recycled 2026-12-06T02:22:00Z: no MQL before 2026-12-07T02:22:00Z (30 of 20 new behaviour points since) (recycle.cooldown)"; v.Waiting != want {
		t.Errorf("points earned, in the cooldown: %q\nwant %q", v.Waiting, want)
	}
	if v, _ := e.Evaluate(raw, attrs, "buyer@maker.example", recycledAt.Add(24*time.Hour)); v.Waiting != "" || v.Condition == "" {
		t.Errorf("both met: waiting %q, condition %q", v.Waiting, v.Condition)
	}
}
