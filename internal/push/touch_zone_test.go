package push_test

import (
	"context"
	"testing"
	"time"
)

// TestLeadTouchesInTheZone: the lead's qualifiedAt and activity were in
// the configured zone, its touches' at in UTC (qualify keeps them so): a
// webhook receiver read Z and +09:00 in one payload. Every time of the
// lead is in the configured zone.
func TestLeadTouchesInTheZone(t *testing.T) {
	f := setup(t, &receiver{ids: map[string]int{}})
	jst := time.FixedZone("JST", 9*3600)
	f.w.Loc = jst
	l, err := f.w.Build(context.Background(), f.mql)
	if err != nil {
		t.Fatal(err)
	}
	if l.FirstTouch.At.IsZero() || l.LastTouch.At.IsZero() || len(l.Activity) == 0 {
		t.Fatalf("no touches or activity to check: %+v", l)
	}
	for what, at := range map[string]time.Time{"qualifiedAt": l.QualifiedAt, "raisedAt": l.RaisedAt, "firstTouch.at": l.FirstTouch.At, "lastTouch.at": l.LastTouch.At, "activity[0].at": l.Activity[0].At} {
		if at.Location() != jst {
			t.Errorf("%s %s, want in JST", what, at.Format(time.RFC3339))
		}
	}
}
