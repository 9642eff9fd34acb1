package event

import (
	"encoding/json"
	"testing"
)

// TestMinutes: an offline touch's minutes read as the import sets them
// (an int) and as a store gives them back (a JSON number); what is no
// whole, non-negative number, or is another event's property, is none.
func TestMinutes(t *testing.T) {
	for _, c := range []struct {
		v    any
		n    int
		want bool
	}{{42, 42, true}, {int64(7), 7, true}, {90.0, 90, true}, {json.Number("95"), 95, true}, {0, 0, true},
		{"42", 0, false}, {-1, 0, false}, {1.5, 0, false}, {json.Number("x"), 0, false}, {nil, 0, false}, {1e300, 0, false}} {
		ev := Event{Type: Offline, Properties: map[string]any{"minutes": c.v}}
		if n, ok := ev.Minutes(); n != c.n || ok != c.want {
			t.Errorf("%#v: %d %v", c.v, n, ok)
		}
	}
	ev := Event{Type: Custom, Name: "watched", Properties: map[string]any{"minutes": 42}}
	if _, ok := ev.Minutes(); ok {
		t.Error("a custom event's property read as a touch's minutes")
	}
}
