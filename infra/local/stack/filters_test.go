package stack_test

import (
	"context"
	"encoding/json"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/infra/local/stack"
	"github.com/baton-hq/baton/internal/clock"
)

// filterCase is a list asked with a query: the status wanted and, for a
// refusal, the parameter its error must name.
type filterCase struct {
	path, q string
	field   string // "" : a good query, answered 200
}

// TestListsRefuseBadFilters: every workspace list and its JSON or CSV
// form refuses a filter it cannot use, naming it (a 400 with the field
// for a client, the page with its message and status 400 for a browser,
// no results), where it answered everything as if the filter were absent
// (the people page with reached=nope, stage=nope or grade=Z; the inbox
// with an unreadable cursor). Good values still filter.
func TestListsRefuseBadFilters(t *testing.T) {
	clk := clock.NewManual(time.Date(2026, 11, 24, 1, 0, 0, 0, time.UTC))
	s := stack.ForTestClock(t, nil, clk.Now)
	a := qualifyOne(t, s, "flt-1", "older@maker.example")
	clk.Advance(time.Hour)
	qualifyOne(t, s, "flt-2", "newer@maker.example")
	deliver(t, s, func() bool {
		_, b := do(t, "GET", s.URL+"/admin/inbox", token, "")
		return strings.Contains(string(b), "older@maker.example") && strings.Contains(string(b), "newer@maker.example")
	})
	rec, err := s.App.Qualifier.Record(context.Background(), a)
	if err != nil || rec.Verdict.Grade == "" {
		t.Fatalf("grade: %+v %v", rec.Verdict, err)
	}
	grade, other := rec.Verdict.Grade, "A"
	if grade == "A" {
		other = "B"
	}
	day := clk.Now().In(time.UTC).Format("2006-01-02")
	emails := []string{"older@maker.example", "newer@maker.example"}

	bad := []filterCase{
		{"people", "stage=nope", "stage"}, {"people", "grade=Z", "grade"}, {"people", "reached=nope", "reached"},
		{"people", "reached=", "reached"}, {"people", "group=(all)", "reached"}, {"people", "after=%ff", "after"},
		{"people", "after=3:p_0123", "after"}, {"people", "stage=mql&stage=sal", "stage"},
		{"people", "reached=mql&period=year", "period"}, {"people", "reached=mql&from=2026-13-01", "from"}, {"people", "reached=mql&by=colour", "by"},
		{"mqls", "grade=Z", "grade"}, {"mqls", "stage=hot", "stage"}, {"mqls", "from=24/11/2026", "from"}, {"mqls", "to=tomorrow", "to"},
		{"mqls", "from=2026-12-02&to=2026-12-01", "to"}, {"mqls", "after=%ff", "after"}, {"mqls", "grade=A&grade=B", "grade"},
		{"inbox", "after=%ff", "after"}, {"inbox", "after=nope", "after"}, {"inbox", "after=2026-11-24T01:00:00Z%23", "after"},
		{"inbox", "limit=0", "limit"}, {"inbox", "limit=x", "limit"}, {"inbox", "limit=1001", "limit"},
		{"", "model=last-but-one", "model"}, {"", "by=colour", "by"}, {"", "period=year", "period"}, {"", "from=x", "from"},
		{"", "month=2026-13", "month"}, {"", "month=0000-01", "month"}, {"", "month=2026-11&from=2026-11-01", "month"}, {"", "channel=email&channel=web", "channel"},
		{"audit", "action=drop", "action"}, {"audit", "from=x", "from"}, {"audit", "who=a&who=b", "who"},
		{"accounts", "sort=name", "sort"}, {"accounts", "limit=0", "limit"},
		{"people/" + a, "page=-1", "page"}, {"people/" + a, "page=x", "page"}, {"rules/suggestions", "format=xml", "format"},
	}
	for _, c := range bad {
		u := "/admin/" + c.path + "?" + c.q
		code, page := workspacePage(t, s, u, "")
		if code != 400 || !strings.Contains(page, `role="alert">`+c.field+" ") && !strings.Contains(page, `role="alert" id="filter-error">`+c.field+" ") {
			t.Errorf("page %s: %d, no error naming %s:\n%.2000s", u, code, c.field, page)
		}
		for _, e := range emails {
			if strings.Contains(page, e) {
				t.Errorf("page %s lists %s: filtered as if %s were absent", u, e, c.field)
			}
		}
		if c.path == "people" || strings.HasPrefix(c.path, "people/") {
			continue // pages only (the JSON people answer is by email)
		}
		code, b := do(t, "GET", s.URL+u, token, "")
		var e struct{ Error, Field string }
		if code != 400 || json.Unmarshal(b, &e) != nil || e.Field != c.field || !strings.Contains(e.Error, c.field) {
			t.Errorf("GET %s: %d %s, want a 400 naming %s", u, code, b, c.field)
		}
	}
	// In Japanese, the message names the parameter too.
	if code, page := workspacePage(t, s, "/admin/people?grade=Z", "ja"); code != 400 || !strings.Contains(page, `role="alert" id="filter-error">グレード（grade）は次のいずれかにしてください：A, B, C, D`) {
		t.Errorf("Japanese people page: %d %s", code, page)
	}
	// The reports' JSON and CSV: how they are asked for, and their filters.
	for _, c := range []filterCase{
		{"reports/funnel", "format=xml", "format"}, {"reports/funnel", "format=csv&lang=fr", "lang"}, {"reports/funnel", "by=colour", "by"},
		{"reports/revenue", "format=pdf", "format"}, {"reports/kpi", "format=xlsx", "format"}, {"reports/kpi", "month=2026-11&to=2026-11-30", "month"},
		{"reports/sla", "channel=a&channel=b", "channel"}, {"audit", "format=csv&action=drop", "action"},
	} {
		code, b := do(t, "GET", s.URL+"/admin/"+c.path+"?"+c.q, token, "")
		var e struct{ Error, Field string }
		if code != 400 || json.Unmarshal(b, &e) != nil || e.Field != c.field || !strings.Contains(e.Error, c.field) {
			t.Errorf("GET /admin/%s?%s: %d %s, want a 400 naming %s", c.path, c.q, code, b, c.field)
		}
	}

	// Good values filter.
	for _, c := range []struct {
		path, q string
		want    []string // the MQLs' emails the page lists
	}{
		{"people", "stage=mql", emails}, {"people", "stage=sal", nil}, {"people", "grade=" + grade, emails}, {"people", "grade=" + other, nil},
		{"people", "reached=mql&group=(all)", emails}, {"people", "reached=sal&group=(all)", nil},
		{"people", "reached=mql&group=(all)&from=" + day + "&to=" + day, emails}, {"people", "q=newer", emails[1:]},
		{"mqls", "grade=" + grade, emails}, {"mqls", "grade=" + other, nil}, {"mqls", "stage=mql&from=" + day + "&to=" + day, emails}, {"mqls", "stage=sal", nil},
		{"inbox", "limit=1", emails[1:]}, {"inbox", "limit=2", emails},
	} {
		u := "/admin/" + c.path + "?" + c.q
		code, page := workspacePage(t, s, u, "")
		if code != 200 {
			t.Errorf("page %s: %d %.1000s", u, code, page)
		}
		for _, e := range emails {
			if want := strings.Contains(strings.Join(c.want, " "), e); strings.Contains(page, e) != want {
				t.Errorf("page %s lists %s: %v, want %v", u, e, !want, want)
			}
		}
	}
	// The inbox a page at a time: the newest, then the other, and no link
	// to an empty page after it.
	var pages [][]string
	next := ""
	for range 3 {
		q := "?limit=1"
		if next != "" {
			q += "&after=" + url.QueryEscape(next)
		}
		code, b := do(t, "GET", s.URL+"/admin/inbox"+q, token, "")
		var got struct {
			Leads []struct{ Email string }
			Next  string
		}
		if code != 200 || json.Unmarshal(b, &got) != nil {
			t.Fatalf("GET /admin/inbox%s: %d %s", q, code, b)
		}
		var p []string
		for _, l := range got.Leads {
			p = append(p, l.Email)
		}
		pages, next = append(pages, p), got.Next
		if next == "" {
			break
		}
	}
	if len(pages) != 2 || len(pages[0]) != 1 || pages[0][0] != emails[1] || len(pages[1]) != 1 || pages[1][0] != emails[0] {
		t.Errorf("inbox pages: %q", pages)
	}
	if code, page := workspacePage(t, s, "/admin/inbox?limit=1", ""); code != 200 || !strings.Contains(page, `href="inbox?after=`) {
		t.Errorf("inbox page: no link to the next: %d %.1000s", code, page)
	}
	// The audit trail's JSON keeps its filters (it answered every entry):
	// a change and a refusal, and the refusals only.
	if code, b := do(t, "POST", s.URL+"/admin/rescore?dry_run=1", token, "{}"); code != 200 {
		t.Fatalf("a change: %d %s", code, b)
	}
	if code, _ := do(t, "GET", s.URL+"/admin/mqls", "not-the-token", ""); code != 401 {
		t.Fatalf("a refusal: %d", code)
	}
	statuses := func(q string) []int {
		code, b := do(t, "GET", s.URL+"/admin/audit"+q, token, "")
		var trail struct {
			Entries []struct{ Status int }
		}
		if code != 200 || json.Unmarshal(b, &trail) != nil {
			t.Fatalf("audit%s: %d %s", q, code, b)
		}
		var out []int
		for _, e := range trail.Entries {
			out = append(out, e.Status)
		}
		return out
	}
	all, refused := statuses("?limit=50"), statuses("?action=refused&limit=50")
	if len(all) < 2 || len(refused) != 1 || refused[0] != 401 {
		t.Errorf("audit: every entry %v, refusals %v", all, refused)
	}
	if changes := statuses("?action=change&from=" + day + "&to=" + day); len(changes) != 1 || changes[0] != 200 {
		t.Errorf("audit changes that day: %v", changes)
	}
}

// TestBadFiltersInChromium: in Chromium, in Japanese, the people page
// asked for grade Z, the inbox with a cursor it never gave, the MQL list
// with a stage that is none and the reports with a model that is none say
// so above their filters (status 400), list no one, and fit 1,280 and
// 390 px; so does a search that is not UTF-8 (q=%ff), on the error page.
func TestBadFiltersInChromium(t *testing.T) {
	needChromium(t, "the workspace must be tested in a browser in CI")
	dir := t.TempDir()
	shots := screenshotDir(dir)
	clk := clock.NewManual(time.Date(2026, 11, 24, 1, 0, 0, 0, time.UTC))
	s := stack.ForTestClock(t, nil, clk.Now)
	qualifyOne(t, s, "flt-b1", "listed@maker.example")
	deliver(t, s, func() bool {
		_, b := do(t, "GET", s.URL+"/admin/inbox", token, "")
		return strings.Contains(string(b), "listed@maker.example")
	})
	// inbox: a cursor it never gave, UTF-8 (%ff is refused before, as any
	// parameter not UTF-8 is: the last page).
	pages := []string{"people?grade=Z&stage=mql", "inbox?after=zz", "mqls?stage=hot", "?model=last-but-one", "people?q=%ff&stage=mql"}
	cmd := exec.Command("node", "../../../tag/browser/filters.mjs")
	cmd.Env = append(os.Environ(), "URL="+s.URL+"/admin/", "TOKEN="+token, "SHOTS="+shots, "PAGES="+strings.Join(pages, " "))
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("filters.mjs: %v %s", err, out)
	}
	var res struct {
		Errors   []string
		Overflow map[string][]any
		Pages    map[string]struct {
			Status      int
			Alert, Main string
			Rows, Form  int
		}
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	for path, want := range map[string]string{
		pages[0]: "グレード（grade）は次のいずれかにしてください：A, B, C, D",
		pages[1]: "続きのページへのリンク（after）が正しくありません。最初のページから開き直してください",
		pages[2]: "ステージ（stage）は次のいずれかにしてください：lead, mql",
		pages[3]: "アトリビューションモデル（model）は次のいずれかにしてください：first, last, linear, position",
		pages[4]: "q が UTF-8 の文字列ではありません。UTF-8 で指定してください",
	} {
		p := res.Pages[path]
		if p.Status != 400 || !strings.Contains(p.Alert, want) || p.Rows != 0 || strings.Contains(p.Main, "listed@maker.example") || strings.Contains(p.Main, "該当する MQL はありません") {
			t.Errorf("%s: %+v, want 400 saying %q and no one listed", path, p, want)
		}
		if path != pages[1] && path != pages[4] && p.Form != 1 { // the filters stay to correct
			t.Errorf("%s: no filters form", path)
		}
		if len(res.Overflow[path]) > 0 {
			t.Errorf("%s does not fit: %v", path, res.Overflow[path])
		}
	}
	for _, e := range res.Errors {
		if !strings.Contains(e, "the server responded with a status of 400") { // the pages' own status
			t.Errorf("console error %s", e)
		}
	}
}
