package rulebook

import (
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/event"
)

// TestEventRuleWaveDash: an offline touch's name has ～ (Excel on
// Windows, which the import reads as ~) or 〜 (on a Mac; stored so before
// the import folded it): a rule naming the event with either matched
// only the touches of one. It matches both, and a custom event's name
// alike.
func TestEventRuleWaveDash(t *testing.T) {
	e := &Engine{R: mustParse(t, `
behaviour:
  - {name: mac, type: offline, event: "東京〜大阪*", points: 5}
  - {name: win, type: [offline, custom], event: "東京～大阪 展示会", points: 5}
mql: [{name: x, min_behaviour: 1000}]
`)}
	for i, c := range []event.Event{
		{Type: event.Offline, Properties: map[string]any{"event": "東京~大阪 展示会", "channel": "exhibition"}},
		{Type: event.Offline, Properties: map[string]any{"event": "東京〜大阪 展示会", "channel": "exhibition"}},
		{Type: event.Custom, Name: "東京〜大阪 展示会"},
	} {
		c.ID, c.Timestamp = "e"+string(rune('0'+i)), t0
		want := "mac,win"
		if c.Type == event.Custom {
			want = "win"
		}
		if _, _, rules := apply(t, e, nil, t0, c); strings.Join(rules, ",") != want {
			t.Errorf("%v %q: rules %v, want %s", c.Type, c.Properties["event"], rules, want)
		}
	}
}
