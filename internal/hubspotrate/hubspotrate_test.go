package hubspotrate

import (
	"net/http"
	"testing"
	"time"
)

func TestWait(t *testing.T) {
	now := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	tokyo := time.FixedZone("JST", 9*3600)
	for _, c := range []struct {
		policy string
		h      map[string]string
		loc    *time.Location
		want   time.Duration
	}{
		{"TEN_SECONDLY_ROLLING", map[string]string{"Retry-After": "3"}, nil, 3 * time.Second},
		{"TEN_SECONDLY_ROLLING", map[string]string{"X-HubSpot-RateLimit-Interval-Milliseconds": "10000"}, nil, 10 * time.Second},
		{"SECONDLY", nil, nil, time.Second},
		{"DAILY", nil, tokyo, 5 * time.Hour},
		{"DAILY", map[string]string{"Retry-After": "0", "X-HubSpot-RateLimit-Interval-Milliseconds": "10000"}, nil, 14 * time.Hour},
		{"DAILY", map[string]string{"Retry-After": now.Add(time.Minute).Format(http.TimeFormat)}, nil, time.Minute},
	} {
		h := http.Header{}
		for k, v := range c.h {
			h.Set(k, v)
		}
		if got := Wait(c.policy, h, now, c.loc); got != c.want {
			t.Errorf("%s %v: %v, want %v", c.policy, c.h, got, c.want)
		}
	}
}
