package admin_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/httpx"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/rulebook"
	"github.com/baton-hq/baton/internal/testutil/repo"
)

// servedSalesHistory is salesHistory with the handler reading it and
// served over HTTP at f.url (closed at the test's end).
func servedSalesHistory(t *testing.T, f *fixture) (*qualify.Qualifier, *identity.Directory) {
	t.Helper()
	q, dir, log := salesHistory(t, f)
	f.h.Scores, f.h.People, f.h.Timelines = q, dir, &identity.Stitcher{Dir: dir, Log: log}
	mux := http.NewServeMux()
	f.h.Routes(mux)
	srv := httptest.NewServer(httpx.SecurityHeaders(httpx.Routes(mux)))
	t.Cleanup(srv.Close)
	f.url = srv.URL
	return q, dir
}

// salesHistory scores two people to MQLs on the fixture's embedded store,
// through the shipped rules, at the fixture's now (T): rep-a accepts the
// first 3 hours later (outside a 1-hour SLA), makes it an SQL a day after
// the MQL and loses it a day later; nobody answers the second. Then the
// clock is at T+2d.
func salesHistory(t *testing.T, f *fixture) (*qualify.Qualifier, *identity.Directory, *eventlog.Log) {
	t.Helper()
	ctx := context.Background()
	q, dir, log, st := scoring(t, f)
	t0 := f.clk.Now()
	mql := func(vis, email string) string {
		evs := []event.Event{
			{ID: vis + "-a", Type: event.Download, VisitorID: vis, URL: "https://www.example.com/a.pdf", Timestamp: t0, ReceivedAt: t0},
			{ID: vis + "-b", Type: event.FormSubmit, VisitorID: vis, Timestamp: t0, ReceivedAt: t0, Properties: map[string]any{"form": map[string]any{"id": "contact"}}},
		}
		if _, err := log.Append(ctx, evs); err != nil {
			t.Fatal(err)
		}
		p, _, err := st.Identify(ctx, identity.Identification{Visitor: vis, Email: email, At: t0, Strength: identity.Strong, Fields: map[string]string{"title": "部長", "employees": "500"}})
		if err != nil {
			t.Fatal(err)
		}
		if err := q.Process(ctx, evs); err != nil {
			t.Fatal(err)
		}
		if rec, _ := q.Record(ctx, p.ID); rec.Stage != qualify.StageMQL {
			t.Fatalf("%s is no MQL: %+v", email, rec)
		}
		return p.ID
	}
	a := mql("null-v1", "answered@maker.example")
	mql("null-v2", "waiting@maker.example")
	for _, o := range []struct {
		outcome string
		after   time.Duration
	}{{"accepted", 3 * time.Hour}, {"sql", 24 * time.Hour}, {"lost", 48 * time.Hour}} {
		if res, err := q.OutcomeWhy(ctx, a, o.outcome, "", "rep-a", "", t0.Add(o.after)); err != nil || !res.Applied {
			t.Fatalf("%s: %+v %v", o.outcome, res, err)
		}
	}
	f.clk.Set(t0.Add(48 * time.Hour))
	return q, dir, log
}

// TestReportsSayNullWhereNotMeasured: each report's JSON says null for a
// share, rate or median nobody could measure (no MQL answered, no deal
// closed, no stage reached, no target, a month not begun), where its CSV
// leaves the cell empty and the page shows "—"; a measured 0 (0 of 1
// answered within the SLA, a lost deal's 0% win rate) stays 0. The JSON
// said 0 for both (the funnel left the step out).
func TestReportsSayNullWhereNotMeasured(t *testing.T) {
	f := newFixture(t)
	f.h.Reports.SLA = time.Hour
	f.h.Reports.Targets = map[string]int{"mql": 4, "sal": 0, "customer": 2}
	salesHistory(t, f)
	bearer := []string{"Authorization", "Bearer " + readToken}
	get := func(path string) (rows []map[string]any, recs [][]string) {
		t.Helper()
		a := f.req("GET", path, "", bearer...)
		var body struct{ Rows []map[string]any }
		if a.code != 200 || json.Unmarshal([]byte(a.body), &body) != nil {
			t.Fatalf("%s: %d %s", path, a.code, a.body)
		}
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		c := f.req("GET", path+sep+"format=csv", "", bearer...)
		recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(c.body, "\ufeff"))).ReadAll()
		if c.code != 200 || err != nil || len(recs) != 1+len(body.Rows) {
			t.Fatalf("%s CSV: %d %v %q (JSON %s)", path, c.code, err, recs, a.body)
		}
		return body.Rows, recs
	}

	// SLA: the answer came 3 hours after the MQL: 0% within 1 hour,
	// measured; nobody answered the other MQL.
	rows, recs := get("/admin/reports/sla")
	sla := map[string]want{
		"(all)":        {"shareWithin": 0.0, "medianHoursToRespond": 3.0},
		"rep-a":        {"shareWithin": 0.0, "medianHoursToRespond": 3.0},
		"(unassigned)": {"shareWithin": nil, "medianHoursToRespond": nil},
	}
	cols := map[string]string{"shareWithin": "share_within", "medianHoursToRespond": "median_hours_to_respond"}
	checkRows(t, "sla", rows, recs, func(r map[string]any) string { return r["owner"].(string) }, sla, cols)

	// Funnel: two leads and MQLs, one SAL and SQL; nobody reached an
	// opportunity (the SQL's 0% onwards is measured, what follows is not);
	// each became a lead as it became an MQL: a measured 0 days between.
	rows, recs = get("/admin/reports/funnel")
	if len(rows) == 0 || rows[0]["group"] != "(all)" {
		t.Fatalf("funnel rows: %v", rows)
	}
	all := rows[0]
	for key, w := range map[string]want{
		"conversion": {"lead->mql": 1.0, "mql->sal": 0.5, "sal->sql": 1.0, "sql->opportunity": 0.0, "opportunity->customer": nil},
		"medianDays": {"lead->mql": 0.0, "mql->sal": 0.125, "sal->sql": 0.875, "sql->opportunity": nil, "opportunity->customer": nil},
	} {
		m, _ := all[key].(map[string]any)
		for step, v := range w {
			if got, ok := m[step]; !ok || got != v {
				t.Errorf("funnel %s %s: %v (present %v), want %v: %v", key, step, got, ok, v, m)
			}
		}
	}
	// The CSV's conversion columns say the same as the JSON, row by row.
	for i, r := range rows {
		m := r["conversion"].(map[string]any)
		for j, col := range recs[0] {
			if v, ok := m[strings.TrimSuffix(col, " rate")]; ok || strings.Contains(col, "->") {
				if cell := recs[1+i][j]; !ok || cell != csvOf(v) {
					t.Errorf("funnel %s %s: CSV %q, JSON %v", r["group"], col, cell, v)
				}
			}
		}
	}

	// Reps: rep-a's deal was lost (a measured 0% win rate), none was won;
	// the MQL nobody took has nothing measured.
	rows, recs = get("/admin/reports/reps")
	reps := map[string]want{
		"(all)/all/(all)":        {"winRate": 0.0, "medianDaysToSql": 1.0, "medianDaysToWon": nil},
		"rep-a/all/(all)":        {"winRate": 0.0, "medianDaysToSql": 1.0, "medianDaysToWon": nil},
		"(unassigned)/all/(all)": {"winRate": nil, "medianDaysToSql": nil, "medianDaysToWon": nil},
	}
	cols = map[string]string{"winRate": "win_rate", "medianDaysToSql": "median_days_to_sql", "medianDaysToWon": "median_days_to_won"}
	checkRows(t, "reps", rows, recs, func(r map[string]any) string {
		return r["owner"].(string) + "/" + r["dimension"].(string) + "/" + r["segment"].(string)
	}, reps, cols)

	// KPI: a target of 0 has no share; a month not begun no run rate;
	// no customer yet against 2 is a measured 0%.
	cols = map[string]string{"share": "share", "runRate": "run_rate", "runRateShare": "run_rate_share"}
	rows, recs = get("/admin/reports/kpi")
	checkRows(t, "kpi", rows, recs, func(r map[string]any) string { return r["stage"].(string) }, map[string]want{
		"mql":      {"share": 0.5, "runRate": measured, "runRateShare": measured},
		"sal":      {"share": nil, "runRate": measured, "runRateShare": nil},
		"customer": {"share": 0.0, "runRateShare": 0.0, "runRate": 0.0},
	}, cols)
	ahead := f.clk.Now().AddDate(0, 1, 0).Format("2006-01")
	rows, recs = get("/admin/reports/kpi?month=" + ahead)
	checkRows(t, "kpi "+ahead, rows, recs, func(r map[string]any) string { return r["stage"].(string) }, map[string]want{
		"mql":      {"share": 0.0, "runRate": nil, "runRateShare": nil},
		"sal":      {"share": nil, "runRate": nil, "runRateShare": nil},
		"customer": {"share": 0.0, "runRate": nil, "runRateShare": nil},
	}, cols)

	// The page: "—" where the JSON says null, the measured 0% as 0%.
	page := f.req("GET", "/admin/", "", append(bearer, "Accept", "text/html")...).body
	for _, c := range []struct{ row, want string }{
		{`<tr><td data-l="Owner">(unassigned)</td>`, `class="n">—</td><td data-l="median hours to answer" class="n">—</td>`},
		{`<tr><td data-l="Owner">rep-a</td>`, `class="n">0%</td><td data-l="median hours to answer" class="n">3.0</td>`},
		{`<tr class="kpi-row" data-stage="sal">`, `<td data-l="of target" class="n">—</td>`},
		{`<tr class="kpi-row" data-stage="customer">`, `<td data-l="of target" class="n">0%</td>`},
	} {
		i := strings.Index(page, c.row)
		if i < 0 {
			t.Errorf("no row %s on the page", c.row)
			continue
		}
		row, _, _ := strings.Cut(page[i:], "</tr>")
		if !strings.Contains(row, c.want) {
			t.Errorf("page row %s: want %s", row, c.want)
		}
	}
}

// want is a row's JSON fields: nil (null), the number, or measured (any number).
type want map[string]any

// checkRows checks the JSON rows named in w (by key) have each field
// present, null or the number wanted, and that the CSV's column (cols)
// says the same: empty for null.
func checkRows(t *testing.T, report string, rows []map[string]any, recs [][]string, key func(map[string]any) string, w map[string]want, cols map[string]string) {
	t.Helper()
	col := map[string]int{}
	for j, name := range recs[0] {
		col[name] = j
	}
	seen := 0
	for i, r := range rows {
		fields, ok := w[key(r)]
		if !ok {
			continue
		}
		seen++
		for field, v := range fields {
			got, ok := r[field]
			if _, num := got.(float64); !ok || got != v && (v != measured || !num) {
				t.Errorf("%s %s %s: %v (present %v), want %v", report, key(r), field, got, ok, v)
			}
		}
		for field, name := range cols {
			j, ok := col[name]
			if !ok {
				t.Fatalf("%s: no CSV column %s in %q", report, name, recs[0])
			}
			if cell := recs[1+i][j]; cell != csvOf(r[field]) {
				t.Errorf("%s %s: CSV %s %q, JSON %s %v", report, key(r), name, cell, field, r[field])
			}
		}
	}
	if seen != len(w) {
		t.Errorf("%s: %d of the rows %v found in %v", report, seen, w, rows)
	}
}

// measured stands for any number in a want.
const measured = "a number"

// csvOf is a JSON figure as the CSV writes it.
func csvOf(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

// scoring is the fixture's store with scoring on the repository's rules,
// on the fixture's clock.
func scoring(t *testing.T, f *fixture) (*qualify.Qualifier, *identity.Directory, *eventlog.Log, *identity.Stitcher) {
	t.Helper()
	rules, err := rulebook.Load(filepath.Join(repo.Root(t), "infra", "rules.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	log := &eventlog.Log{T: f.tb}
	dir := &identity.Directory{T: f.tb, Now: f.clk.Now}
	q := &qualify.Qualifier{T: f.tb, Dir: dir, Log: log, Engine: &rulebook.Engine{R: rules}, Now: f.clk.Now}
	return q, dir, log, &identity.Stitcher{Dir: dir, Log: log}
}

// serveScoring gives the fixture's handler scoring (as scoring makes it)
// and serves its routes again, so that the scoring routes and pages are
// there; it returns scoring's parts.
func serveScoring(t *testing.T, f *fixture) (*qualify.Qualifier, *eventlog.Log, *identity.Stitcher) {
	t.Helper()
	q, dir, log, st := scoring(t, f)
	f.h.Scores, f.h.People, f.h.Timelines = q, dir, st
	mux := http.NewServeMux()
	f.h.Routes(mux)
	srv := httptest.NewServer(httpx.SecurityHeaders(httpx.Routes(mux)))
	t.Cleanup(srv.Close)
	f.url = srv.URL
	return q, log, st
}
