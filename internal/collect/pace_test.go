package collect

import (
	"testing"
	"time"
)

// TestPaceIsTheMedianOfRecentStores: a stall among the recent identifying
// stores does not hold every erased email's answer, nor does one past
// paceMax; the oldest samples are forgotten.
func TestPaceIsTheMedianOfRecentStores(t *testing.T) {
	var p pace
	if d := p.typical(); d != 0 {
		t.Fatalf("no sample yet: %v", d)
	}
	for _, d := range []time.Duration{9, 8, 500, 10, 9} {
		p.observe(d * time.Millisecond)
	}
	if d := p.typical(); d != 9*time.Millisecond {
		t.Fatalf("median of 9 8 500 10 9 ms: %v", d)
	}
	for range paceSamples {
		p.observe(time.Minute)
	}
	if d := p.typical(); d != paceMax {
		t.Fatalf("stores of a minute: %v, want the bound %v", d, paceMax)
	}
}
