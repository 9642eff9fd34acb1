// Package duration reads the durations people write in Baton's settings
// and rules files: Go's ("36h", "15m") and days ("400d", "1.5d"), a unit
// Go lacks and retention and decay are thought in.
package duration

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"time"
)

// ErrBad is every refusal: the callers say it in their own words (the
// rules file's messages have Japanese translations keyed on them).
var ErrBad = errors.New("duration: want e.g. 400d, 1.5d, 36h or 15m, at most about 292 years")

// Parse reads s. A negative, NaN or infinite number of days is refused, and
// so is anything longer than a time.Duration holds: converting such a
// float, or multiplying such a count of days, wraps to a negative
// duration, which would make a half-life grow scores instead of decaying
// them.
func Parse(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.ParseFloat(days, 64)
		if err != nil || math.IsNaN(n) || n < 0 || n*24*float64(time.Hour) >= math.MaxInt64 {
			return 0, ErrBad
		}
		return time.Duration(n * 24 * float64(time.Hour)), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, ErrBad
	}
	return d, nil
}
