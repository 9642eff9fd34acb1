package admin_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/repnames"
)

// TestMQLOwnerNamedLater: an outcome recorded under a Salesforce owner id
// (the SFA did not answer who it is) shows, once the name is learned, under
// the rep's email on the MQL page, in its owner filter and in the person's
// history, as the reports name it, rather than the id.
func TestMQLOwnerNamedLater(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	q, log, st := serveScoring(t, f)
	t0 := f.clk.Now()
	evs := []event.Event{
		{ID: "own-a", Type: event.Download, VisitorID: "own-v", URL: "https://www.example.com/a.pdf", Timestamp: t0, ReceivedAt: t0},
		{ID: "own-b", Type: event.FormSubmit, VisitorID: "own-v", Timestamp: t0, ReceivedAt: t0, Properties: map[string]any{"form": map[string]any{"id": "contact"}}},
	}
	if _, err := log.Append(ctx, evs); err != nil {
		t.Fatal(err)
	}
	p, _, err := st.Identify(ctx, identity.Identification{Visitor: "own-v", Email: "lead@maker.example", At: t0, Strength: identity.Strong, Fields: map[string]string{"title": "部長", "employees": "500"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Process(ctx, evs); err != nil {
		t.Fatal(err)
	}
	const id = "0055g00000AbCdEAAZ"
	if _, err := q.OutcomeOf(ctx, p.ID, "accepted", "d1", qualify.Owner{Name: id, ID: repnames.Salesforce(id)}, "", t0); err != nil {
		t.Fatal(err)
	}
	if err := repnames.Remember(ctx, f.tb, map[string]string{repnames.Salesforce(id): "tanaka@maker.example"}); err != nil {
		t.Fatal(err)
	}
	a := f.req("GET", "/admin/mqls?owner=tanaka@maker.example", "", "Authorization", "Bearer "+readToken)
	var body struct {
		MQLs []qualify.MQL `json:"mqls"`
	}
	if a.code != 200 || json.Unmarshal([]byte(a.body), &body) != nil || len(body.MQLs) != 1 || body.MQLs[0].Person != p.ID {
		t.Fatalf("owner filter by the rep's email: %d %s", a.code, a.body)
	}
	page := f.req("GET", "/admin/mqls", "", "Authorization", "Bearer "+readToken, "Accept", "text/html")
	if page.code != 200 || !strings.Contains(page.body, "tanaka@maker.example") || strings.Contains(page.body, id) {
		t.Fatalf("MQL page: %d; want the rep's email, not the id %s", page.code, id)
	}
	// The person's history, on their page and in the explanation.
	for _, accept := range []string{"text/html", "application/json"} {
		path := "/admin/people/" + p.ID
		if accept != "text/html" {
			path += "/explain"
		}
		a := f.req("GET", path, "", "Authorization", "Bearer "+readToken, "Accept", accept)
		if a.code != 200 || !strings.Contains(a.body, "tanaka@maker.example") || strings.Contains(a.body, `"owner":"`+id) || strings.Contains(a.body, ">"+id+"<") {
			t.Fatalf("%s (%s): %d; want the history's owner named tanaka@maker.example, not %s", path, accept, a.code, id)
		}
	}
}
