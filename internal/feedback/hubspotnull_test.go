package feedback_test

import (
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/feedback"
)

// TestHubSpotNullBodyRefused: a signed body of null decoded to no events
// and was answered 200 with no results, as an empty batch; it is no
// batch: a 400 saying what the body must be.
func TestHubSpotNullBodyRefused(t *testing.T) {
	for _, body := range []string{"null", " null\n"} {
		if _, err := feedback.ParseHubSpot([]byte(body), nil); err == nil || !strings.Contains(err.Error(), "must be an array") {
			t.Errorf("%q: %v", body, err)
		}
	}
	if vs, err := feedback.ParseHubSpot([]byte("[]"), nil); err != nil || len(vs) != 0 {
		t.Errorf("an empty batch: %v %v", vs, err)
	}
}
