package lab

import (
	"math"
	"testing"
)

// FuzzParseShare: an accepted bound is a finite share, not negative.
func FuzzParseShare(f *testing.F) {
	for _, s := range []string{"10%", "0.1", " 5 %", "NaN", "-0", "1e309%", "%"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseShare(s)
		if err != nil {
			return
		}
		if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			t.Fatalf("ParseShare(%q) = %v", s, v)
		}
	})
}
