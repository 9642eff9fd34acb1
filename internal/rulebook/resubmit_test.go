package rulebook

import (
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/event"
)

// TestFormSentAgainScoresOnce: a form sent again with the same values from
// the same browser and page within its 10-minute window (a double click on
// 送信, a reload posting it again: a new message id each) is one
// submission, in whichever order the sends are scored (live, a rescore,
// the lab: the same points); other values, another browser, or a send in
// another window count again.
func TestFormSentAgainScoresOnce(t *testing.T) {
	e := &Engine{R: mustParse(t, "behaviour:\n  - {name: contact, type: form_submit, points: 30}\nmql: [{name: x, min_behaviour: 1000}]\n")}
	form := func(id, visitor, email string, at time.Time) event.Event {
		return event.Event{ID: id, Type: event.FormSubmit, VisitorID: visitor, URL: "https://www.example.com/contact", Timestamp: at,
			Properties: map[string]any{"form": map[string]any{"id": "contact"}, "fields": map[string]any{"email": email, "message": "見積もりをお願いします"}}}
	}
	at := time.Date(2026, 11, 24, 10, 3, 0, 0, time.UTC)
	taro := func(id string, d time.Duration) event.Event { return form(id, "v1", "taro@maker.example", at.Add(d)) }
	for _, c := range []struct {
		name string
		evs  []event.Event
		want float64
	}{
		{"double click", []event.Event{taro("f1", 0), taro("f2", time.Second)}, 30},
		{"later one first", []event.Event{taro("f2", time.Second), taro("f1", 0)}, 30},
		{"reload 40 s on", []event.Event{taro("f1", 0), taro("f2", 40*time.Second)}, 30},
		{"three a minute apart", []event.Event{taro("f1", 0), taro("f2", time.Minute), taro("f3", 2*time.Minute)}, 30},
		{"three, the middle first", []event.Event{taro("f2", time.Minute), taro("f1", 0), taro("f3", 2*time.Minute)}, 30},
		{"other values", []event.Event{taro("f1", 0), form("f2", "v1", "hanako@maker.example", at.Add(time.Second))}, 60},
		{"another browser", []event.Event{taro("f1", 0), form("f2", "v2", "taro@maker.example", at.Add(time.Second))}, 60},
		{"next window", []event.Event{taro("f1", 0), taro("f2", 15*time.Minute)}, 60},
		{"either side of the window's edge", []event.Event{taro("f1", 6*time.Minute+59*time.Second), taro("f2", 7*time.Minute+time.Second)}, 60},
		{"the same message again", []event.Event{taro("f1", 0), taro("f1", 0)}, 30},
		{"two bare ones", []event.Event{{ID: "s1", Type: event.FormSubmit, Timestamp: at}, {ID: "s2", Type: event.FormSubmit, Timestamp: at.Add(time.Second)}}, 60},
	} {
		_, got, _ := apply(t, e, nil, at.Add(time.Hour), c.evs...)
		if got != c.want {
			t.Errorf("%s: %v points, want %v", c.name, got, c.want)
		}
	}
	// Applied in two deliveries (the second send's own feed batch) too.
	raw, _, _ := apply(t, e, nil, at.Add(time.Hour), taro("f1", 0))
	if _, got, _ := apply(t, e, raw, at.Add(time.Hour), taro("f2", 2*time.Second)); got != 30 {
		t.Errorf("second delivery: %v points, want 30", got)
	}
}
