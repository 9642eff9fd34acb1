package app_test

import (
	"context"
	"fmt"
	"html"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/testutil/lambdatest"
)

// TestPeopleListReadsAPage: after the sweep, a page of the people list
// (the first, and the one its link leads to) reads the people it shows
// and a few items more, not every scored person's record (at 100,000
// people each page read 200,000 items, about 4 s on the embedded store),
// and lists them best score first, every one once over the two pages.
func TestPeopleListReadsAPage(t *testing.T) {
	a, clk := lambdatest.NewAppClock(t)
	ctx := context.Background()
	const people = 2100 // past the 2,000 from which pages read the ranking
	scorePeople(t, a, people, 16, "list", func(i int, vis string) ([]event.Event, identity.Identification) {
		evs := make([]event.Event, 1+i%7) // scores from 1 to 7 page views' points
		for k := range evs {
			at := lambdatest.T0.Add(time.Duration(k) * time.Minute)
			evs[k] = event.Event{ID: fmt.Sprintf("list-%04d-%d", i, k), VisitorID: vis, Type: event.PageView, URL: fmt.Sprintf("https://www.example.com/blog/%d", k), Timestamp: at, ReceivedAt: at}
		}
		return evs, identity.Identification{At: lambdatest.T0}
	})
	clk.Advance(time.Hour)
	if _, err := a.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	want, err := qualify.ByScore(ctx, a.Table, "", nil)
	if err != nil || len(want) != people {
		t.Fatalf("%d scored: %v", len(want), err)
	}

	get := countedAdmin(t, a, clk)
	row := regexp.MustCompile(`<a href="people/([^"]+)">`)
	next := regexp.MustCompile(`<a href="(people\?[^"]*after=[^"]*)">`)
	var listed []string
	path := "/admin/people"
	for page := 1; page <= 2; page++ {
		body, c := get(path)
		t.Logf("%s: %d items read in %d calls", path, c.Items, c.Calls)
		if c.Items >= people || c.Scans != 0 {
			t.Errorf("page %d of the people list reads %+v: as many as there are people", page, c)
		}
		for _, m := range row.FindAllStringSubmatch(body, -1) {
			listed = append(listed, m[1])
		}
		m := next.FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("page %d has no link to the next", page)
		}
		path = "/admin/" + html.UnescapeString(m[1])
	}
	var ids []string
	for _, r := range want[:len(listed)] {
		ids = append(ids, r.ID)
	}
	if len(listed) != 100 || strings.Join(listed, ",") != strings.Join(ids, ",") {
		t.Fatalf("two pages listed %d people:\n%v\nwant the best %d in order:\n%v", len(listed), listed, len(ids), ids)
	}
}
