package core

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/calendar"
	"github.com/baton-hq/baton/internal/sla"
)

// TestBreachDataIsPastTheSLA: a breach is announced past its SLA, and its
// payload says so: a wait 30 s past 8 business hours was 480 minutes, "8
// business hours", the SLA's own figures.
func TestBreachDataIsPastTheSLA(t *testing.T) {
	cal := calendar.Calendar{Business: true, Start: 9 * time.Hour, End: 18 * time.Hour}
	for _, c := range []struct {
		age, within time.Duration
		minutes     int64
		waiting     string
	}{
		{8*time.Hour + 30*time.Second, 8 * time.Hour, 481, "8h1m of business time"},
		{9*time.Hour + time.Second, 9 * time.Hour, 541, "9h1m of business time"},
		{31 * time.Second, 30 * time.Second, 1, "1m of business time"},
		{10 * time.Hour, 8 * time.Hour, 600, "10 business hours"},
	} {
		d := breachData(sla.Breach{Age: c.age}, c.within, cal)
		if d["waitingMinutes"] != c.minutes || d["waiting"] != c.waiting {
			t.Errorf("%v past %v: %v, %q; want %v, %q", c.age, c.within, d["waitingMinutes"], d["waiting"], c.minutes, c.waiting)
		}
		if d["waitingMinutes"].(int64) <= d["acceptWithinMinutes"].(int64) && c.within%time.Minute == 0 {
			t.Errorf("%v past %v: waitingMinutes %v not past acceptWithinMinutes %v", c.age, c.within, d["waitingMinutes"], d["acceptWithinMinutes"])
		}
	}
}

// TestBreachDataOneWaitOneZone: a breach 8m20s into an SLA of 8m said
// "waiting":"9m", "waitingMinutes":9 and "waitingFor":"8m0s" (rounded to
// the nearest minute): three spellings, two waits. And its qualifiedAt
// and raisedAt were UTC while the MQL webhook's times were in the
// configured zone. One wait, and the calendar's zone.
func TestBreachDataOneWaitOneZone(t *testing.T) {
	jst := time.FixedZone("JST", 9*3600)
	cal := calendar.Calendar{Loc: jst}
	at := time.Date(2026, 12, 4, 1, 0, 0, 0, time.UTC)
	b := sla.Breach{Age: 8*time.Minute + 20*time.Second}
	b.MQL.At, b.MQL.RaisedAt = at, at.Add(time.Minute)
	d := breachData(b, 8*time.Minute, cal)
	if d["waitingMinutes"] != int64(9) || d["waiting"] != "9m" || d["waitingFor"] != "9m0s" {
		t.Errorf("waitingMinutes %v, waiting %q, waitingFor %q: want one wait, 9 minutes", d["waitingMinutes"], d["waiting"], d["waitingFor"])
	}
	body, _ := json.Marshal(d)
	for _, want := range []string{`"qualifiedAt":"2026-12-04T10:00:00+09:00"`, `"raisedAt":"2026-12-04T10:01:00+09:00"`} {
		if !strings.Contains(string(body), want) {
			t.Errorf("want %s in %s", want, body)
		}
	}
}

// TestBreachDataNamesTheOwner: the breach webhook named the MQL and the
// wait, never the rep it waited on (none had answered, and Baton learns
// reps from answers). The SFA's owner of the record (sla.Breach.Owner) is
// now its owner and ownerId; null both when no SFA says.
func TestBreachDataNamesTheOwner(t *testing.T) {
	b := sla.Breach{Age: 25 * time.Hour}
	b.Owner.ID, b.Owner.Name = "005000000000001AAA", "sato@example.co.jp"
	body, _ := json.Marshal(breachData(b, 24*time.Hour, calendar.Calendar{}))
	if !strings.Contains(string(body), `"owner":"sato@example.co.jp"`) || !strings.Contains(string(body), `"ownerId":"005000000000001AAA"`) {
		t.Errorf("owned: %s", body)
	}
	body, _ = json.Marshal(breachData(sla.Breach{Age: 25 * time.Hour}, 24*time.Hour, calendar.Calendar{}))
	if !strings.Contains(string(body), `"owner":null`) || !strings.Contains(string(body), `"ownerId":null`) {
		t.Errorf("no owner known: %s", body)
	}
}
