package duration

import (
	"strconv"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	for s, want := range map[string]time.Duration{
		"400d": 400 * 24 * time.Hour, " 1.5d ": 36 * time.Hour, "0d": 0, "36h": 36 * time.Hour, "15m": 15 * time.Minute, "0": 0,
		"106751d": 106751 * 24 * time.Hour, // the longest whole number of days a duration holds
	} {
		if got, err := Parse(s); err != nil || got != want {
			t.Errorf("Parse(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	// Each of these wrapped to a negative duration before (a float out of
	// range converted, or days multiplied past int64).
	for _, s := range []string{"NaNd", "Infd", "+Infd", "1e300d", "106752d", "9223372036854775807d", "-1d", "-1h", "d", "3x", "", "1e3000d"} {
		if got, err := Parse(s); err == nil {
			t.Errorf("Parse(%q) = %v, want an error", s, got)
		}
	}
}

// FuzzParse: an accepted duration is never negative, and a whole number of
// days is exactly that many days.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"400d", "1.5d", "36h", "NaNd", "106752d", "1e300d", "-0d", "0x10d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := Parse(s)
		if err != nil {
			return
		}
		if d < 0 {
			t.Fatalf("Parse(%q) = %v: negative", s, d)
		}
		if n, err := strconv.Atoi(s[:max(len(s)-1, 0)]); err == nil && s[len(s)-1] == 'd' && d != time.Duration(n)*24*time.Hour {
			t.Fatalf("Parse(%q) = %v, want %d days", s, d, n)
		}
	})
}
