package rulebook

import (
	"errors"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/event"
)

// TestWebinarMinutesRule: a rule of type offline may ask that the person
// attended at least min_minutes (a webinar report's time in session,
// summed over rejoins): "a webinar attended for 30 minutes or more". The
// minutes were stored on the touch but no rule could read them. A touch
// that does not say its minutes (a fair's visit) does not match; the
// minutes as the store gives them back (a JSON number) are read as the
// import's int.
func TestWebinarMinutesRule(t *testing.T) {
	e := &Engine{R: mustParse(t, `
behaviour:
  - {name: webinar-30, type: offline, channel: webinar, min_minutes: 30, points: 15}
  - {name: webinar, type: offline, channel: webinar, points: 5}
mql: [{name: x, min_behaviour: 1000}]
`)}
	web := func(id string, minutes any) event.Event {
		p := map[string]any{"channel": "webinar", "event": "製造業DXウェビナー"}
		if minutes != nil {
			p["minutes"] = minutes
		}
		return event.Event{ID: id, Type: event.Offline, Timestamp: t0, Properties: p}
	}
	for _, c := range []struct {
		ev   event.Event
		want string
	}{
		{web("w90", 90), "webinar-30,webinar"},
		{web("w30", 30.0), "webinar-30,webinar"},
		{web("w29", 29), "webinar"},
		{web("wnone", nil), "webinar"},
		{web("wtext", "45"), "webinar"},
		{event.Event{ID: "c1", Type: event.Custom, Name: "webinar", Timestamp: t0, Properties: map[string]any{"minutes": 90}}, ""},
	} {
		if _, _, rules := apply(t, e, nil, t0, c.ev); strings.Join(rules, ",") != c.want {
			t.Errorf("%s: rules %v, want %q", c.ev.ID, rules, c.want)
		}
	}
	for _, c := range []struct{ src, msg string }{
		{"behaviour: [{name: a, type: offline, min_minutes: -5, points: 1}]\n", "from 0 to"},
		{"behaviour: [{name: a, type: offline, min_minutes: thirty, points: 1}]\n", "must be a number"},
		{"behaviour: [{name: a, type: offline, min_minutes: ３０, points: 1}]\n", "half-width"},
		{"behaviour: [{name: a, type: offline, min_minutes: 100000, points: 1}]\n", "from 0 to"},
		{"behaviour: [{name: a, type: page_view, min_minutes: 30, points: 1}]\n", "add type offline"},
		{"behaviour: [{name: a, min_minutes: 30, points: 1}]\n", "add type offline"},
		{"behaviour: [{name: a, type: offline, min_minute: 30, points: 1}]\n", "unknown key"},
	} {
		var pe *ParseError
		_, err := Parse("rules.yaml", []byte(c.src+"mql: [{name: x, min_behaviour: 1}]\n"))
		if !errors.As(err, &pe) || pe.Line != 1 || !strings.HasPrefix(pe.Field, "behaviour[0].min_minute") || !strings.Contains(pe.Msg, c.msg) {
			t.Errorf("%q: %v, want %q", c.src, err, c.msg)
		}
	}
}

// TestMinutesNeedOfflineAlone: a rule of type [offline, page_view] asking
// min_minutes would be taken, its page_view half never matching; it is
// refused naming the line and field, and the types that have no minutes.
// One asking a channel loads as it did before min_minutes (a reviewed
// rules file that started the server still does) and matches offline
// touches alone.
func TestMinutesNeedOfflineAlone(t *testing.T) {
	for _, c := range []struct{ src, field, msg string }{
		{"behaviour:\n  - name: a\n    type: [offline, page_view]\n    min_minutes: 30\n    points: 1\n", "behaviour[0].min_minutes", "not page_view: give type offline alone"},
	} {
		var pe *ParseError
		_, err := Parse("rules.yaml", []byte(c.src+"mql: [{name: x, min_behaviour: 1}]\n"))
		if !errors.As(err, &pe) || pe.Line != 4 || pe.Field != c.field || !strings.Contains(pe.Msg, c.msg) {
			t.Errorf("%q: %v, want line 4 %s %q", c.src, err, c.field, c.msg)
		}
	}
	if _, err := Parse("rules.yaml", []byte("behaviour:\n  - {name: a, type: [offline], channel: webinar, min_minutes: 30, points: 1}\nmql: [{name: x, min_behaviour: 1}]\n")); err != nil {
		t.Errorf("type offline alone: %v", err)
	}
	r, err := Parse("rules.yaml", []byte("behaviour:\n  - {name: a, type: [page_view, offline], channel: webinar, points: 1}\nmql: [{name: x, min_behaviour: 1}]\n"))
	if err != nil {
		t.Fatalf("channel beside page_view, as loaded before: %v", err)
	}
	br := r.Behaviour[0]
	webinar := event.Event{Type: event.Offline, Properties: map[string]any{"channel": "webinar"}}
	page := event.Event{Type: event.PageView, URL: "https://www.example.com/", Properties: map[string]any{"channel": "webinar"}}
	if !br.matches(&matchee{ev: &webinar}) || br.matches(&matchee{ev: &page}) {
		t.Errorf("channel beside page_view: matches a page view, or no webinar")
	}
}
