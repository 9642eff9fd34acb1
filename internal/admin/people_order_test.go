package admin_test

import (
	"context"
	"fmt"
	"html"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/admin"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/identity"
)

// listed is a person as a people page lists them.
type listed struct {
	ID, Email, Grade string
	Score            float64
}

// peopleRow reads the people table's rows (and the next page's link).
var peopleRow = regexp.MustCompile(`<tr><td data-l="Person"><a href="people/([^"]+)">([^<]*)</a>(?:<br><span class="small muted addr">([^<]*)</span>)?</td>.*?<td data-l="Grade" class="nw">([^<]*)</td><td data-l="Score" class="n">([^<]*)</td>`)

// rankPeople stores n scored people at <i>@<domain(i)>, their scores
// (from the rules file: a form, page views, downloads) of a dozen
// values, so that many share one, in no relation to their ids.
func rankPeople(t *testing.T, f *fixture, n int, domain func(int) string) {
	t.Helper()
	ctx := context.Background()
	q, _, log, st := scoring(t, f)
	t0 := f.clk.Now()
	for i := range n {
		vis := fmt.Sprintf("rank-v%03d", i)
		evs := []event.Event{{ID: vis + "-f", Type: event.FormSubmit, VisitorID: vis, Timestamp: t0, ReceivedAt: t0, Properties: map[string]any{"form": map[string]any{"id": "newsletter"}}}}
		for k := range (i * 7) % 5 {
			evs = append(evs, event.Event{ID: fmt.Sprintf("%s-p%d", vis, k), Type: event.PageView, VisitorID: vis, URL: fmt.Sprintf("https://www.example.com/blog/%d", k), Timestamp: t0, ReceivedAt: t0})
		}
		for k := range (i * 3) % 4 {
			evs = append(evs, event.Event{ID: fmt.Sprintf("%s-d%d", vis, k), Type: event.Download, VisitorID: vis, URL: fmt.Sprintf("https://www.example.com/%d.pdf", k), Timestamp: t0, ReceivedAt: t0})
		}
		if _, err := log.Append(ctx, evs); err != nil {
			t.Fatal(err)
		}
		if _, _, err := st.Identify(ctx, identity.Identification{Visitor: vis, Email: fmt.Sprintf("rank%03d@%s", i, domain(i)), At: t0, Strength: identity.Strong}); err != nil {
			t.Fatal(err)
		}
		if err := q.Process(ctx, evs); err != nil {
			t.Fatal(err)
		}
	}
	f.clk.Set(t0.Add(time.Minute))
}

// listPeople follows a people search page by page from query, returning
// every page's rows.
func listPeople(t *testing.T, f *fixture, query string) [][]listed {
	t.Helper()
	var pages [][]listed
	path := "/admin/people?lang=en&" + query
	for len(pages) < 10 {
		a := f.req("GET", path, "", "Authorization", "Bearer "+fullToken, "Accept", "text/html")
		if a.code != 200 {
			t.Fatalf("%s: %d %s", path, a.code, a.body)
		}
		var rows []listed
		for _, m := range peopleRow.FindAllStringSubmatch(a.body, -1) {
			score, err := strconv.ParseFloat(m[5], 64)
			if err != nil {
				t.Fatalf("score %q: %v", m[5], err)
			}
			email := m[3] // under the name, or the link's text without one
			if email == "" {
				email = m[2]
			}
			rows = append(rows, listed{ID: m[1], Email: html.UnescapeString(email), Grade: m[4], Score: score})
		}
		if n := strings.Count(a.body, `<a href="people/p_`); n != len(rows) {
			t.Fatalf("%s: read %d rows of %d", path, len(rows), n)
		}
		pages = append(pages, rows)
		next := regexp.MustCompile(`<a href="(people\?[^"]+)">More people</a>`).FindStringSubmatch(a.body)
		if next == nil {
			return pages
		}
		path = "/admin/" + html.UnescapeString(next[1])
	}
	t.Fatalf("%s: more than 10 pages", query)
	return nil
}

// TestPeopleListSortsTheWholeList: the people list read the index of
// scored people in its own order (shard, then id) a page at a time and
// sorted each page on its own, so page 2 held people with higher scores
// than page 1's. The list is the whole list's order now, highest score
// first, and a search or a filter keeps it across pages.
func TestPeopleListSortsTheWholeList(t *testing.T) {
	f := newFixture(t)
	f.h.Workspace = &admin.Workspace{T: f.tb, Now: f.clk.Now}
	rankPeople(t, f, 75, func(i int) string {
		if i%5 == 4 {
			return "small.example"
		}
		return "big.example"
	})
	serveScoring(t, f)

	check := func(what string, pages [][]listed, want int, keep func(listed) bool) []listed {
		t.Helper()
		var all []listed
		for i, p := range pages {
			if i < len(pages)-1 && len(p) != 50 {
				t.Errorf("%s: page %d holds %d people, not 50", what, i+1, len(p))
			}
			if i > 0 && len(p) > 0 && len(pages[i-1]) > 0 && p[0].Score > pages[i-1][len(pages[i-1])-1].Score {
				t.Errorf("%s: page %d starts at %v, above page %d's last, %v", what, i+1, p[0].Score, i, pages[i-1][len(pages[i-1])-1].Score)
			}
			all = append(all, p...)
		}
		for i := 1; i < len(all); i++ {
			if all[i].Score > all[i-1].Score {
				t.Errorf("%s: %s (%v) after %s (%v)", what, all[i].Email, all[i].Score, all[i-1].Email, all[i-1].Score)
			}
		}
		ids := map[string]bool{}
		for _, r := range all {
			if ids[r.ID] || !keep(r) {
				t.Errorf("%s: %s listed twice or not among those asked for", what, r.Email)
			}
			ids[r.ID] = true
		}
		if len(all) != want {
			t.Errorf("%s: %d people listed, want %d", what, len(all), want)
		}
		return all
	}
	everyone := check("everyone", listPeople(t, f, ""), 75, func(listed) bool { return true })
	if len(everyone) > 0 && everyone[0].Score == everyone[len(everyone)-1].Score {
		t.Fatalf("the people's scores do not differ: %v", everyone[0].Score)
	}
	check("search big.example", listPeople(t, f, "q=big.example"), 60, func(r listed) bool { return strings.HasSuffix(r.Email, "@big.example") })
	// A grade filter: exactly the people of that grade, in the same order.
	grade := everyone[0].Grade
	var ofGrade int
	for _, r := range everyone {
		if r.Grade == grade {
			ofGrade++
		}
	}
	check("grade "+grade, listPeople(t, f, "grade="+grade), ofGrade, func(r listed) bool { return r.Grade == grade })
}
