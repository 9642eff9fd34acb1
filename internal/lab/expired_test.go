package lab

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/rulebook"
)

// expiredRules are the rules in force of TestExpiredHistoryIsNotJudged: 10
// points a page view, no decay, an MQL at 30.
const expiredRules = `name: cur
behaviour:
  - {name: pv, type: page_view, points: 10}
mql:
  - {name: hot, min_behaviour: 30}
`

// expiredRetention is the tests' event_retention: at expiredDay(100),
// events received before day 40 are gone.
const expiredRetention = 60 * 24 * time.Hour

// expiredDay is day d of the tests' history (day 0: 1 June 2026, 09:00 UTC).
func expiredDay(d int) time.Time {
	return time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC).Add(time.Duration(d) * 24 * time.Hour)
}

// expiredVisits is name's history: a form identifying them on the first
// day, then a page view (10 points; the first is their first touch,
// direct) on each day.
func expiredVisits(name string, days ...int) (string, []deployedEvent) {
	email := name + "@maker.example"
	vis := "v-" + name
	form := event.Event{ID: vis + "-form", Type: event.FormSubmit, VisitorID: vis, URL: "https://www.example.com/contact", Timestamp: expiredDay(days[0]), ReceivedAt: expiredDay(days[0]),
		Properties: map[string]any{"form": map[string]any{"id": "contact"}, "fields": map[string]any{"email": email}}}
	evs := []deployedEvent{{ev: form, ident: true, fields: map[string]string{"email": email}}}
	for i, d := range days {
		at := expiredDay(d).Add(time.Duration(i+1) * time.Minute)
		evs = append(evs, deployedEvent{ev: event.Event{ID: fmt.Sprintf("%s-%02d", vis, i), Type: event.PageView, VisitorID: vis, URL: "https://www.example.com/", Timestamp: at, ReceivedAt: at}})
	}
	return email, evs
}

// TestExpiredHistoryIsNotJudged: raw events expire past event_retention
// while score records and MQLs stay. A replay of a person whose events
// before the oldest kept are gone lacks what live scoring counted, so the
// unchanged rules file listed most old MQLs as "would stop being MQLs"
// (one whose qualifying event was kept but whose earlier ones were not was
// put down to "other"). Such a person is not judged: counted apart
// (historyExpired), in neither list nor share; the difference is put down
// to events past retention. A real change (the threshold raised) still
// moves the people whose history is whole.
func TestExpiredHistoryIsNotJudged(t *testing.T) {
	ctx := context.Background()
	cur, err := rulebook.Parse("rules.yaml", []byte(expiredRules))
	if err != nil {
		t.Fatal(err)
	}
	now := expiredDay(100) // events received before day 40 are gone
	hist := map[string][]deployedEvent{}
	for _, p := range []struct {
		name string
		days []int
	}{
		{"gone", []int{1, 2, 3}},            // an MQL on day 3; every event expired
		{"partial", []int{1, 2, 80}},        // an MQL on day 80, its event kept, the two before it gone
		{"lead", []int{1, 85}},              // 20 points, no MQL; the first view gone
		{"whole", []int{70, 71, 72}},        // an MQL on day 72 at 30 points, all kept
		{"high", []int{75, 76, 77, 78, 79}}, // an MQL on day 77, 50 points by day 79, all kept
	} {
		e, evs := expiredVisits(p.name, p.days...)
		hist[e] = evs
	}
	live := scoreLiveKept(t, cur, hist, now, expiredRetention)
	purged, err := live.tb.PurgeExpired(ctx) // the embedded store's TTL sweep
	if err != nil || purged == 0 {
		t.Fatalf("purged %d: %v", purged, err)
	}
	l := &Lab{T: live.tb, Q: live.q, Rules: cur, Now: live.clk.Now}
	names := func(ps []Person) string {
		var out []string
		for _, p := range ps {
			out = append(out, strings.TrimSuffix(p.Email, "@maker.example"))
		}
		return strings.Join(out, " ")
	}

	rep, err := l.Simulate(ctx, cur, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Stored.MQLs != 4 {
		t.Fatalf("stored MQLs %d, want 4 (gone, partial, whole, high)", rep.Stored.MQLs)
	}
	if len(rep.WouldStop) != 0 || rep.Stop.People != 0 || len(rep.WouldBecome) != 0 || rep.Become.People != 0 {
		t.Errorf("the rules in force against themselves: would stop [%s] (%d), would become [%s] (%d); want nobody",
			names(rep.WouldStop), rep.Stop.People, names(rep.WouldBecome), rep.Become.People)
	}
	if rep.HistoryExpired != (Expired{People: 3, MQLs: 2}) {
		t.Errorf("history expired: %+v, want 3 people (gone, partial, lead), 2 of them MQLs", rep.HistoryExpired)
	}
	if c := rep.Check; c.Same != 2 || c.Differ != 2 || c.Why["events"] != 2 || c.Why["other"] != 0 {
		t.Errorf("check: %+v; want the 2 MQLs whose history expired put down to events", c)
	}
	if txt := rep.Text(); !strings.Contains(txt, "history expired: 3 people not judged (2 of them MQLs as stored)") {
		t.Errorf("text:\n%s", txt)
	}

	raised, err := rulebook.Parse("candidate.yaml", []byte(strings.Replace(expiredRules, "min_behaviour: 30", "min_behaviour: 50", 1)))
	if err != nil {
		t.Fatal(err)
	}
	rep, err = l.Simulate(ctx, raised, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := names(rep.WouldStop); got != "whole" || rep.Stop.People != 1 || len(rep.WouldBecome) != 0 {
		t.Errorf("threshold raised to 50: would stop [%s] (%d), would become [%s]; want [whole]", got, rep.Stop.People, names(rep.WouldBecome))
	}
	if rep.HistoryExpired != (Expired{People: 3, MQLs: 2}) {
		t.Errorf("threshold raised: history expired %+v", rep.HistoryExpired)
	}
}

// TestWindowPartlyPastRetentionIsSaid: the history window reaches back to
// the first touch kept on score records (day 1), but events received
// before day 40 expired (event_retention 60 days, now day 100): months
// before it counted fewer events and MQLs with nothing said. The report
// says from which day data is complete (completeFrom; the CLI's text and
// the page say it); a window inside retention says nothing.
func TestWindowPartlyPastRetentionIsSaid(t *testing.T) {
	ctx := context.Background()
	cur, err := rulebook.Parse("rules.yaml", []byte(expiredRules))
	if err != nil {
		t.Fatal(err)
	}
	now := expiredDay(100)
	hist := map[string][]deployedEvent{}
	for name, days := range map[string][]int{"old": {1, 2, 3}, "new": {70, 71, 72}} {
		email, evs := expiredVisits(name, days...)
		hist[email] = evs
	}
	live := scoreLiveKept(t, cur, hist, now, expiredRetention)
	if _, err := live.tb.PurgeExpired(ctx); err != nil {
		t.Fatal(err)
	}
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	l := &Lab{T: live.tb, Q: live.q, Rules: cur, Now: live.clk.Now, Loc: tokyo, Retention: expiredRetention}
	rep, err := l.Simulate(ctx, cur, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// Now less 60 days is 11 July 09:00 UTC, 18:00 in Tokyo: the 12th is
	// the first whole day.
	if !rep.CompleteFrom.Equal(expiredDay(40)) || rep.CompleteDay() != "2026-07-12" {
		t.Errorf("completeFrom %v (%s), want %v, day 2026-07-12; window from %v", rep.CompleteFrom, rep.CompleteDay(), expiredDay(40), rep.WindowFrom)
	}
	if txt := rep.Text(); !strings.Contains(txt, "WARNING: the history window starts 2026-06-02, but events are kept for event_retention only: data is complete from 2026-07-12;") {
		t.Errorf("text:\n%s", txt)
	}
	b, _ := json.Marshal(rep)
	if !strings.Contains(string(b), `"completeFrom":"2026-07-11T09:00:00Z"`) {
		t.Errorf("JSON lacks completeFrom: %s", b)
	}
	// Within retention (a longer one): nothing to say.
	l.Retention = 200 * 24 * time.Hour
	if rep, err = l.Simulate(ctx, cur, Options{}); err != nil || !rep.CompleteFrom.IsZero() || strings.Contains(rep.Text(), "WARNING") {
		t.Errorf("within retention: completeFrom %v, %v", rep.CompleteFrom, err)
	}
}
