package event

import (
	"strings"
	"testing"
)

// TestJSSlice: a string cut as JavaScript's slice cuts it (UTF-16 units),
// then read as Go reads the JSON JavaScript writes for it.
func TestJSSlice(t *testing.T) {
	x99 := strings.Repeat("x", 99)
	for _, c := range []struct{ in, want string }{
		{"", ""},
		{"short", "short"},
		{strings.Repeat("é", 100), strings.Repeat("é", 100)},
		{strings.Repeat("é", 101), strings.Repeat("é", 100)},
		{x99 + "😀", x99 + "\uFFFD"},        // the pair cut: its first half
		{"😀" + x99, "😀" + x99[:98]},        // a pair is two units
		{x99 + "\uFFFDyy", x99 + "\uFFFD"}, // a lone surrogate as sent: one unit
	} {
		if got := jsSlice(c.in, 100); got != c.want {
			t.Errorf("jsSlice(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
