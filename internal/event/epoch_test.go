package event

import (
	"testing"
	"time"
)

// TestEpochClockCorrected: a device whose clock was reset to the Unix epoch
// (a drained RTC battery: Android, set-top boxes) sends timestamp and sentAt
// both in 1970. Segment's correction, receivedAt - (sentAt - timestamp),
// puts the event at receivedAt, and the README says Baton corrects skew "the
// way Segment does"; Baton refused the event (400 "timestamp:
// date-time out of range"), so the SDK dropped the whole batch. The range
// check is on the corrected time, not on each raw client time.
func TestEpochClockCorrected(t *testing.T) {
	body := `{"sentAt":"1970-01-01T00:00:10Z","batch":[{"type":"track","event":"Signed Up","userId":"u1","messageId":"m1","timestamp":"1970-01-01T00:00:05Z"}]}`
	evs, err := Parse([]byte(body), Server, "", meta())
	if err != nil {
		t.Fatalf("refused: %v (want the event at receivedAt-5s)", err)
	}
	if want := recv.Add(-5 * time.Second); !evs[0].Timestamp.Equal(want) {
		t.Fatalf("timestamp %v, want %v", evs[0].Timestamp, want)
	}
}
