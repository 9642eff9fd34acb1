package admin_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/qualify"
)

// TestMQLListInOrderWithinASecond: GET /admin/mqls lists MQLs raised
// within one second newest first, a page of one at a time through next
// (unfiltered and filtered answers alike), each once. The index's keys
// once sorted a whole second after its fractions, and a key of the fixed
// width that orders them is an after= the list takes.
func TestMQLListInOrderWithinASecond(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	q, log, st := serveScoring(t, f)
	t0 := f.clk.Now() // a whole second
	var people []string
	for i, off := range []time.Duration{0, 500 * time.Millisecond, 520 * time.Millisecond} {
		vis := fmt.Sprintf("order-v%d", i)
		at := t0.Add(off) // an MQL is dated by the event that qualified the person: the form, sent then
		evs := []event.Event{
			{ID: vis + "-a", Type: event.Download, VisitorID: vis, URL: "https://www.example.com/a.pdf", Timestamp: t0, ReceivedAt: t0},
			{ID: vis + "-b", Type: event.FormSubmit, VisitorID: vis, Timestamp: at, ReceivedAt: at, Properties: map[string]any{"form": map[string]any{"id": "contact"}}},
		}
		if _, err := log.Append(ctx, evs); err != nil {
			t.Fatal(err)
		}
		p, _, err := st.Identify(ctx, identity.Identification{Visitor: vis, Email: vis + "@maker.example", At: t0, Strength: identity.Strong, Fields: map[string]string{"title": "部長", "employees": "500"}})
		if err != nil {
			t.Fatal(err)
		}
		f.clk.Set(t0.Add(off))
		if err := q.Process(ctx, evs); err != nil {
			t.Fatal(err)
		}
		if rec, _ := q.Record(ctx, p.ID); rec.Stage != qualify.StageMQL {
			t.Fatalf("%s is no MQL: %+v", vis, rec)
		}
		people = append(people, p.ID)
	}
	want := fmt.Sprint([]string{people[2], people[1], people[0]})
	for _, filter := range []string{"", "&condition="} {
		var got []string
		path := "/admin/mqls?limit=1" + filter
		for page := 0; page < 5 && path != ""; page++ {
			a := f.req("GET", path, "", "Authorization", "Bearer "+readToken)
			var body struct {
				MQLs []qualify.MQL `json:"mqls"`
				Next string        `json:"next"`
			}
			if a.code != 200 || json.Unmarshal([]byte(a.body), &body) != nil {
				t.Fatalf("%s: %d %s", path, a.code, a.body)
			}
			for _, m := range body.MQLs {
				got = append(got, m.Person)
			}
			path = ""
			if body.Next != "" {
				path = "/admin/mqls?limit=1&after=" + url.QueryEscape(body.Next) + filter
			}
		}
		if fmt.Sprint(got) != want {
			t.Errorf("filter %q: listed %v, want %s", filter, got, want)
		}
	}
}
