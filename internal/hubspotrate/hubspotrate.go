// Package hubspotrate reads HubSpot's rate-limit answer (429): how long it
// lasts. The push connector (internal/crm) and the feedback function's
// reader of deals and owners (internal/feedback, which does not link the
// connectors) both wait as HubSpot says, so they read it here alike.
package hubspotrate

import (
	"net/http"
	"strconv"
	"time"
)

// RetryAfter reads a Retry-After header (seconds or an HTTP date); 0 when
// there is none, or it names no wait.
func RetryAfter(h http.Header, now time.Time) time.Duration {
	v := h.Get("Retry-After")
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(v); err == nil && n >= 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// Wait is how long a 429 of policy (its body's policyName) lasts: its
// Retry-After; without one, a DAILY limit's time to midnight in the
// account's zone (loc; nil: UTC), when the day's allocation comes back,
// else a burst window's X-HubSpot-RateLimit-Interval-Milliseconds, else a
// second (SECONDLY, TEN_SECONDLY_ROLLING).
func Wait(policy string, h http.Header, now time.Time, loc *time.Location) time.Duration {
	if d := RetryAfter(h, now); d > 0 {
		return d
	}
	if policy == "DAILY" {
		if loc == nil {
			loc = time.UTC
		}
		n := now.In(loc)
		return time.Date(n.Year(), n.Month(), n.Day()+1, 0, 0, 0, 0, loc).Sub(now)
	}
	if ms, err := strconv.Atoi(h.Get("X-HubSpot-RateLimit-Interval-Milliseconds")); err == nil && ms > 0 {
		return time.Duration(ms) * time.Millisecond
	}
	return time.Second
}
