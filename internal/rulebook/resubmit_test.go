package rulebook

import (
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/event"
)

// TestFormSentAgainScoresOnce: a form sent again with the same values from
// the same browser and page within about a minute (a double click on 送信,
// a reload posting it again: a new message id each) is one submission, in
// whichever order the two arrive; other values, another browser, or a send
// minutes later count again.
func TestFormSentAgainScoresOnce(t *testing.T) {
	e := &Engine{R: mustParse(t, "behaviour:\n  - {name: contact, type: form_submit, points: 30}\nmql: [{name: x, min_behaviour: 1000}]\n")}
	form := func(id, visitor, email string, at time.Time) event.Event {
		return event.Event{ID: id, Type: event.FormSubmit, VisitorID: visitor, URL: "https://www.example.com/contact", Timestamp: at,
			Properties: map[string]any{"form": map[string]any{"id": "contact"}, "fields": map[string]any{"email": email, "message": "見積もりをお願いします"}}}
	}
	at := time.Date(2026, 11, 24, 10, 0, 59, 500e6, time.UTC) // the second send falls in the next minute's window
	for _, c := range []struct {
		name string
		evs  []event.Event
		want float64
	}{
		{"double click", []event.Event{form("f1", "v1", "taro@maker.example", at), form("f2", "v1", "taro@maker.example", at.Add(time.Second))}, 30},
		{"later one first", []event.Event{form("f2", "v1", "taro@maker.example", at.Add(time.Second)), form("f1", "v1", "taro@maker.example", at)}, 30},
		{"reload 40 s on", []event.Event{form("f1", "v1", "taro@maker.example", at), form("f2", "v1", "taro@maker.example", at.Add(40*time.Second))}, 30},
		{"other values", []event.Event{form("f1", "v1", "taro@maker.example", at), form("f2", "v1", "hanako@maker.example", at.Add(time.Second))}, 60},
		{"another browser", []event.Event{form("f1", "v1", "taro@maker.example", at), form("f2", "v2", "taro@maker.example", at.Add(time.Second))}, 60},
		{"minutes later", []event.Event{form("f1", "v1", "taro@maker.example", at), form("f2", "v1", "taro@maker.example", at.Add(5*time.Minute))}, 60},
		{"the same message again", []event.Event{form("f1", "v1", "taro@maker.example", at), form("f1", "v1", "taro@maker.example", at)}, 30},
	} {
		_, got, _ := apply(t, e, nil, at.Add(time.Hour), c.evs...)
		if got != c.want {
			t.Errorf("%s: %v points, want %v", c.name, got, c.want)
		}
	}
	// Applied in two deliveries (the second send's own feed batch) too.
	raw, _, _ := apply(t, e, nil, at.Add(time.Hour), form("f1", "v1", "taro@maker.example", at))
	if _, got, _ := apply(t, e, raw, at.Add(time.Hour), form("f2", "v1", "taro@maker.example", at.Add(2*time.Second))); got != 30 {
		t.Errorf("second delivery: %v points, want 30", got)
	}
}
