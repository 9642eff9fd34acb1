package httpx

import "testing"

// TestBadJSONWithoutAnError: a body that decoded but lacks what the
// endpoint needs reached BadJSON with a nil error, whose message it read:
// a panic. It says a field is missing.
func TestBadJSONWithoutAnError(t *testing.T) {
	if got := BadJSON(`{"x": 1}`, nil); got.Error != `body must be {"x": 1}: a required field is missing` {
		t.Errorf("%+v", got)
	}
}
