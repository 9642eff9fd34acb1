package admin_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/qualify"
)

// TestMQLListFindsRejectedAndLost: the MQL list's stage filter offered
// rejected and lost, yet found nothing, since such a lead is recycled at
// once and the filter read the person's stage now. Sales' verdict on an
// MQL is its cycle's: the filter (?outcome=, and ?stage=rejected|lost as
// before) finds the MQLs sales rejected or lost, though their people are
// recycled, qualified again or not, in JSON and on the page in both
// languages, a page at a time.
func TestMQLListFindsRejectedAndLost(t *testing.T) {
	f := newFixture(t)
	q, dir, log := salesHistory(t, f) // answered@: MQL, accepted, SQL, lost (recycled); waiting@: MQL
	serveScoring(t, f)
	ctx := context.Background()
	var ans, wait string
	for _, e := range []struct {
		email string
		id    *string
	}{{"answered@maker.example", &ans}, {"waiting@maker.example", &wait}} {
		p, err := dir.ByEmail(ctx, e.email)
		if err != nil {
			t.Fatal(err)
		}
		*e.id = p.ID
	}
	// Sales reject waiting@'s MQL; both are qualified again past the
	// rules' cooldown, and sales reject answered@'s second MQL.
	now := f.clk.Now()
	if res, err := q.OutcomeWhy(ctx, wait, "rejected", "", "rep-b", "no budget", now); err != nil || !res.Applied || !res.Recycled {
		t.Fatalf("rejecting waiting@: %+v %v", res, err)
	}
	back := now.Add(48 * time.Hour)
	f.clk.Set(back)
	for i, p := range []struct{ vis, id string }{{"null-v1", ans}, {"null-v2", wait}} {
		evs := []event.Event{
			{ID: fmt.Sprintf("again%d-a", i), Type: event.Download, VisitorID: p.vis, URL: "https://www.example.com/b.pdf", Timestamp: back, ReceivedAt: back},
			{ID: fmt.Sprintf("again%d-b", i), Type: event.FormSubmit, VisitorID: p.vis, Timestamp: back, ReceivedAt: back, Properties: map[string]any{"form": map[string]any{"id": "contact"}}},
		}
		if _, err := log.Append(ctx, evs); err != nil {
			t.Fatal(err)
		}
		if err := q.Process(ctx, evs); err != nil {
			t.Fatal(err)
		}
		if rec, _ := q.Record(ctx, p.id); rec.Stage != qualify.StageMQL || rec.Cycle != 2 {
			t.Fatalf("%s not qualified again: %s, cycle %d", p.vis, rec.Stage, rec.Cycle)
		}
	}
	if res, err := q.OutcomeWhy(ctx, ans, "rejected", "", "rep-a", "", back.Add(time.Hour)); err != nil || !res.Applied {
		t.Fatalf("rejecting answered@'s second MQL: %+v %v", res, err)
	}
	f.clk.Set(back.Add(2 * time.Hour))
	a1, a2, w1, w2 := ans+"-c1", ans+"-c2", wait+"-c1", wait+"-c2"

	// JSON, a page of one at a time through next: the MQLs sales gave
	// the verdict, whatever the person's stage now.
	list := func(filter string) []string {
		t.Helper()
		var got []string
		path := "/admin/mqls?limit=1&" + filter
		for page := 0; page < 8 && path != ""; page++ {
			a := f.req("GET", path, "", "Authorization", "Bearer "+readToken)
			var body struct {
				MQLs []qualify.MQL `json:"mqls"`
				Next string        `json:"next"`
			}
			if a.code != 200 || json.Unmarshal([]byte(a.body), &body) != nil {
				t.Fatalf("%s: %d %s", path, a.code, a.body)
			}
			for _, m := range body.MQLs {
				got = append(got, m.ID)
			}
			path = ""
			if body.Next != "" {
				path = "/admin/mqls?limit=1&after=" + url.QueryEscape(body.Next) + "&" + filter
			}
		}
		slices.Sort(got)
		return got
	}
	sorted := func(ids ...string) []string { slices.Sort(ids); return ids }
	for filter, want := range map[string][]string{
		"stage=rejected":                  sorted(a2, w1), // the old query, kept working
		"outcome=rejected":                sorted(a2, w1), // a re-qualified person's old MQL, not the new one
		"stage=lost":                      {a1},
		"outcome=lost":                    {a1},
		"outcome=none":                    {w2},
		"outcome=accepted":                nil, // answered@'s first went on to SQL and was lost
		"stage=mql":                       sorted(w1, w2),
		"stage=recycled":                  sorted(a1, a2),
		"stage=recycled&outcome=rejected": {a2},
		"stage=lost&outcome=lost":         {a1},
	} {
		if got := list(filter); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: %v, want %v", filter, got, want)
		}
	}
	// Each JSON row says sales' verdict on its MQL and its owner, filtered
	// or not: a script had only the person's stage now.
	for _, path := range []string{"/admin/mqls", "/admin/mqls?stage=recycled"} {
		a := f.req("GET", path, "", "Authorization", "Bearer "+readToken)
		var body struct {
			MQLs []struct {
				ID, Outcome, Owner string
			} `json:"mqls"`
		}
		if a.code != 200 || json.Unmarshal([]byte(a.body), &body) != nil {
			t.Fatalf("%s: %d %s", path, a.code, a.body)
		}
		got := map[string]string{}
		for _, m := range body.MQLs {
			got[m.ID] = m.Outcome
		}
		want := map[string]string{a1: "lost", a2: "rejected", w1: "rejected", w2: "none"}
		if path != "/admin/mqls" {
			want = map[string]string{a1: "lost", a2: "rejected"}
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: verdicts %v, want %v", path, got, want)
		}
	}
	for _, bad := range []string{"outcome=maybe", "stage=lost&outcome=rejected"} {
		if a := f.req("GET", "/admin/mqls?"+bad, "", "Authorization", "Bearer "+readToken); a.code != 400 {
			t.Errorf("%s: %d %s, want a 400", bad, a.code, a.body)
		}
	}

	// The page, in English and Japanese: a row per MQL with sales'
	// verdict on it.
	cell := regexp.MustCompile(`<a href="people/([^"]+)">[\s\S]*?class="nw outcome">([^<]*)</td>`)
	for _, c := range []struct{ lang, filter, rejected, lost string }{
		{"en", "stage=rejected", "rejected", "lost"}, {"ja", "stage=rejected", "差し戻し", "失注"},
		{"en", "outcome=lost", "rejected", "lost"}, {"ja", "outcome=lost", "差し戻し", "失注"},
	} {
		a := f.req("GET", "/admin/mqls?lang="+c.lang+"&"+c.filter, "", "Authorization", "Bearer "+readToken, "Accept", "text/html")
		if a.code != 200 {
			t.Fatalf("%s %s: %d", c.lang, c.filter, a.code)
		}
		var got []string
		for _, m := range cell.FindAllStringSubmatch(a.body, -1) {
			got = append(got, m[1]+" "+m[2])
		}
		want := []string{ans + " " + c.rejected, wait + " " + c.rejected}
		if c.filter == "outcome=lost" {
			want = []string{ans + " " + c.lost}
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("page %s ?%s: rows %v, want %v", c.lang, c.filter, got, want)
		}
		// Each listed MQL's person, read apart from the verdict's column.
		var people []string
		for _, m := range regexp.MustCompile(`<a href="people/([^"]+)">`).FindAllStringSubmatch(a.body, -1) {
			people = append(people, m[1])
		}
		if wantPeople := map[string][]string{"stage=rejected": {ans, wait}, "outcome=lost": {ans}}[c.filter]; fmt.Sprint(people) != fmt.Sprint(wantPeople) {
			t.Errorf("page %s ?%s: people %v, want %v", c.lang, c.filter, people, wantPeople)
		}
		// The filter is shown as the verdict it is.
		if sel := regexp.MustCompile(`<option value="(rejected|lost)" selected>`).FindAllStringSubmatch(a.body, -1); len(sel) != 1 {
			t.Errorf("page %s ?%s: selected verdicts %v, want one", c.lang, c.filter, sel)
		}
	}

	// Sales take answered@ back and win the deal (they wrote again): the
	// second MQL is won, no longer rejected. Read up to its recycle, it
	// stayed rejected.
	f.clk.Set(back.Add(3 * time.Hour))
	if res, err := q.OutcomeWhy(ctx, ans, "won", "", "rep-a", "", back.Add(3*time.Hour)); err != nil || !res.Applied {
		t.Fatalf("winning answered@'s reopened MQL: %+v %v", res, err)
	}
	for filter, want := range map[string][]string{"outcome=rejected": {w1}, "outcome=won": {a2}, "stage=customer&outcome=won": {a2}} {
		if got := list(filter); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("after the reopen, %s: %v, want %v", filter, got, want)
		}
	}
}
