package rulebook

import (
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/event"
)

// TestFormSentAgainScoresOnce: a form sent again naming the same email from
// the same browser and page within its 10-minute window (a double click on
// 送信, a reload posting it again: a new message id each; a form corrected
// after the site refused it, or edited back from a 確認画面: other values)
// is one submission, in whichever order the sends are scored (live, a
// rescore, the lab: the same points); another email, another form, another
// browser, or a send in another window count again.
func TestFormSentAgainScoresOnce(t *testing.T) {
	e := &Engine{R: mustParse(t, "behaviour:\n  - {name: contact, type: form_submit, points: 30}\nmql: [{name: x, min_behaviour: 1000}]\n")}
	form := func(id, visitor, email string, at time.Time) event.Event {
		return event.Event{ID: id, Type: event.FormSubmit, VisitorID: visitor, URL: "https://www.example.com/contact", Timestamp: at,
			Properties: map[string]any{"form": map[string]any{"id": "contact"}, "fields": map[string]any{"email": email, "message": "見積もりをお願いします"}}}
	}
	at := time.Date(2026, 11, 24, 10, 3, 0, 0, time.UTC)
	taro := func(id string, d time.Duration) event.Event { return form(id, "v1", "taro@maker.example", at.Add(d)) }
	// The site refused the first send (会社名 is required): Taro adds it and
	// sends again, or comes back from the 確認画面 and edits a field.
	corrected := func(id string, d time.Duration) event.Event {
		ev := taro(id, d)
		ev.Properties["fields"] = map[string]any{"email": "taro@maker.example", "company": "株式会社メーカー", "message": "見積もりをお願いします。"}
		return ev
	}
	other := func(id string, d time.Duration) event.Event {
		ev := taro(id, d)
		ev.Properties["form"] = map[string]any{"id": "newsletter"}
		return ev
	}
	// Two forms of one page with no id, name or action (a page builder's
	// 資料請求 and お問い合わせ), and one of them corrected.
	anon := func(id string, d time.Duration, fields map[string]any) event.Event {
		ev := taro(id, d)
		ev.Properties["form"] = map[string]any{"id": nil, "name": nil, "action": nil}
		ev.Properties["fields"] = fields
		return ev
	}
	request := func(id string, d time.Duration) event.Event {
		return anon(id, d, map[string]any{"email": "taro@maker.example", "company": "", "document": "導入事例集"})
	}
	inquiry := func(id string, d time.Duration) event.Event {
		return anon(id, d, map[string]any{"email": "taro@maker.example", "message": "見積もりをお願いします"})
	}
	requestCorrected := func(id string, d time.Duration) event.Event {
		return anon(id, d, map[string]any{"email": "taro@maker.example", "company": "株式会社メーカー", "document": "導入事例集"})
	}
	bare := func(id, v string, d time.Duration) event.Event { // a form naming no email (a client other than the tag)
		return event.Event{ID: id, Type: event.FormSubmit, VisitorID: "v1", URL: "https://www.example.com/contact", Timestamp: at.Add(d), Properties: map[string]any{"fields": map[string]any{"message": v}}}
	}
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
		{"another email", []event.Event{taro("f1", 0), form("f2", "v1", "hanako@maker.example", at.Add(time.Second))}, 60},
		{"corrected and sent again", []event.Event{taro("f1", 0), corrected("f2", time.Minute)}, 30},
		{"corrected, the later one first", []event.Event{corrected("f2", time.Minute), taro("f1", 0)}, 30},
		{"another form on the page", []event.Event{taro("f1", 0), other("f2", time.Minute)}, 60},
		{"two forms without id, name or action", []event.Event{request("f1", 0), inquiry("f2", time.Minute)}, 60},
		{"a form without id, name or action corrected", []event.Event{request("f1", 0), requestCorrected("f2", time.Minute)}, 30},
		{"no email, other values", []event.Event{bare("f1", "a", 0), bare("f2", "b", time.Minute)}, 60},
		{"no email, the same values", []event.Event{bare("f1", "a", 0), bare("f2", "a", time.Minute)}, 30},
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
