package event

import "testing"

// TestHashRoute: a fragment is a hash route when it starts as the
// collector's are told from an anchor ("/", "!"), up to its parameters.
func TestHashRoute(t *testing.T) {
	for f, want := range map[string]string{"/features": "/features", "/callback?code=x": "/callback", "!/plans/team": "!/plans/team", "/": "/", "plans": "-", "": "-", "?x=1": "-"} {
		got, ok := HashRoute(f)
		if !ok {
			got = "-"
		}
		if got != want {
			t.Errorf("#%s: route %q, want %q", f, got, want)
		}
	}
}
