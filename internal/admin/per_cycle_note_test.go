package admin_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/qualify"
)

// TestAttributionSaysItCountsCycles: a lead lost after its SQL, recycled,
// qualified again and made an SQL again is one SQL in the funnel (a
// person once a stage) and two in attribution (one a cycle), as in the
// write-time counters (each entry). The totals differ and nothing said
// why; the attribution and funnel JSON and the dashboard, in English
// and Japanese, say so now.
func TestAttributionSaysItCountsCycles(t *testing.T) {
	f := newFixture(t)
	q, dir, log := salesHistory(t, f) // answered@: MQL, accepted, SQL, lost (recycled)
	serveScoring(t, f)
	ctx := context.Background()
	p, err := dir.ByEmail(ctx, "answered@maker.example")
	if err != nil {
		t.Fatal(err)
	}
	back := f.clk.Now().Add(48 * time.Hour) // past the rules' cooldown
	f.clk.Set(back)
	evs := []event.Event{
		{ID: "again-a", Type: event.Download, VisitorID: "null-v1", URL: "https://www.example.com/b.pdf", Timestamp: back, ReceivedAt: back},
		{ID: "again-b", Type: event.FormSubmit, VisitorID: "null-v1", Timestamp: back, ReceivedAt: back, Properties: map[string]any{"form": map[string]any{"id": "contact"}}},
	}
	if _, err := log.Append(ctx, evs); err != nil {
		t.Fatal(err)
	}
	if err := q.Process(ctx, evs); err != nil {
		t.Fatal(err)
	}
	if rec, _ := q.Record(ctx, p.ID); rec.Stage != qualify.StageMQL || rec.Cycle != 2 {
		t.Fatalf("not qualified again: %s, cycle %d", rec.Stage, rec.Cycle)
	}
	if res, err := q.OutcomeWhy(ctx, p.ID, "sql", "", "rep-a", "", back.Add(time.Hour)); err != nil || !res.Applied {
		t.Fatalf("second SQL: %+v %v", res, err)
	}
	f.clk.Set(back.Add(2 * time.Hour))

	bearer := []string{"Authorization", "Bearer " + readToken}
	var funnel struct {
		Rows []struct {
			Group  string
			Counts map[string]int
		}
		Counters map[string]map[string]int64
		Note     string
	}
	if a := f.req("GET", "/admin/reports/funnel", "", bearer...); a.code != 200 || json.Unmarshal([]byte(a.body), &funnel) != nil || len(funnel.Rows) == 0 {
		t.Fatalf("funnel: %d %s", a.code, a.body)
	}
	var att struct {
		Stages map[string]map[string]map[string]float64
		Note   string
	}
	if a := f.req("GET", "/admin/reports/attribution", "", bearer...); a.code != 200 || json.Unmarshal([]byte(a.body), &att) != nil {
		t.Fatalf("attribution: %d %s", a.code, a.body)
	}
	credits := 0.0
	for _, v := range att.Stages["sql"]["first"] {
		credits += v
	}
	if funnel.Rows[0].Group != "(all)" || funnel.Rows[0].Counts["sql"] != 1 || credits != 2 {
		t.Fatalf("funnel's SQLs %v, attribution's %v: want one person, two cycles' SQLs", funnel.Rows[0].Counts, att.Stages["sql"]["first"])
	}
	// The write-time counters (the KPI's actuals) count each entry, as
	// the notes say: the two cycles' SQLs.
	if n := funnel.Counters["(all)"]["sql"]; n != 2 {
		t.Errorf("the counters' SQLs: %d, want 2 (%v)", n, funnel.Counters)
	}
	for name, note := range map[string]string{"attribution": att.Note, "funnel": funnel.Note} {
		if !strings.Contains(note, "per cycle") || !strings.Contains(note, "once a stage") {
			t.Errorf("the %s JSON does not say the funnel counts people and attribution cycles: %q", name, note)
		}
	}
	for lang, says := range map[string]string{
		"en": "The funnel counts a person once a stage; attribution credits each MQL, SQL and win of every cycle",
		"ja": "アトリビューションは MQL・SQL・受注をサイクルごとに数える",
	} {
		a := f.req("GET", "/admin/?lang="+lang, "", "Authorization", "Bearer "+fullToken, "Accept", "text/html")
		if a.code != 200 || !strings.Contains(a.body, says) {
			t.Errorf("%s dashboard: %d, does not say %q", lang, a.code, says)
		}
	}
}
