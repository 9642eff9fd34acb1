package admin_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/admin"
	"github.com/baton-hq/baton/internal/httpx"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/push"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/queue"
	"github.com/baton-hq/baton/internal/table"
)

// named is a connector that only has a name: the replay's check never
// pushes.
type named string

func (n named) Name() string { return string(n) }
func (n named) Push(context.Context, push.Lead) (string, error) {
	return "", nil
}

// TestReplayRefusedForRemovedConnector: an MQL's dead letter whose
// delivery died at HubSpot, delivered to the inbox, after HubSpot was
// taken out of the configuration. Its replay answered "replayed" and the
// letter vanished (the worker acked it: the inbox has it), HubSpot's
// record still dead. Now the replay is refused, 409 saying HubSpot is not
// configured, or back on the list saying so; the letter stays, and is
// replayed once HubSpot is configured again.
func TestReplayRefusedForRemovedConnector(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	const id, person = "p_1-c1", "p_1"
	q := &queue.Queue{T: f.tb, Name: "push", Now: f.clk.Now}
	if err := q.Enqueue(ctx, id, qualify.MQL{ID: id, Person: person, Email: "a@maker.example", Cycle: 1, At: f.clk.Now()}); err != nil {
		t.Fatal(err)
	}
	ms, err := q.Receive(ctx, 1, time.Minute)
	if err != nil || len(ms) != 1 {
		t.Fatalf("receive: %v %v", ms, err)
	}
	if err := q.DeadLetter(ctx, ms[0], "hubspot: 401 INVALID_AUTHENTICATION: expired"); err != nil {
		t.Fatal(err)
	}
	for c, st := range map[string]string{"hubspot": push.StatusDead, "inbox": push.StatusDelivered} {
		data, _ := json.Marshal(push.Delivery{MQLID: id, Connector: c, Status: st, Attempts: 1, At: f.clk.Now()})
		if err := f.tb.Put(ctx, table.Item{PK: identity.PersonPK(person), SK: "DLV#" + id + "#" + c, Kind: push.KindDelivery, Data: data}, table.Always); err != nil {
			t.Fatal(err)
		}
	}
	w := &push.Worker{T: f.tb, Connectors: []push.Connector{named("inbox")}} // HubSpot removed
	f.h.Deliveries = &admin.DeliveryAdmin{Queue: q, ReplayCheck: w.ReplayRefusal}
	scores, dir, _ := salesHistory(t, f) // the MQL list the button comes back to
	f.h.Scores, f.h.People = scores, dir
	mux := http.NewServeMux()
	f.h.Routes(mux)
	srv := httptest.NewServer(httpx.Routes(mux))
	defer srv.Close()
	f.url = srv.URL
	stays := func(when string) {
		t.Helper()
		if m, err := q.Get(ctx, id); err != nil || m.State != "dead" {
			t.Fatalf("%s: the dead letter is %q (%v), want dead still", when, m.State, err)
		}
	}
	a := f.req("POST", "/admin/deadletters/"+id+"/replay", "", "Authorization", "Bearer "+fullToken)
	var body struct {
		Error, Reason string
		Connectors    []string
	}
	json.Unmarshal([]byte(a.body), &body)
	if a.code != http.StatusConflict || body.Reason != "unconfigured" || !strings.Contains(body.Error, "hubspot is not configured now") || len(body.Connectors) != 1 || body.Connectors[0] != "hubspot" {
		t.Errorf("API replay for a connector not configured: %d %s, want 409 naming hubspot", a.code, a.body)
	}
	stays("after the API's replay")
	cookie, csrf := f.login(fullToken)
	a = f.req("POST", "/admin/deadletters/"+id+"/replay", url.Values{"csrf": {csrf}}.Encode(), "Cookie", cookie, "Content-Type", "application/x-www-form-urlencoded", "Accept", "text/html")
	if want := "../../mqls?replay_failed=" + id + "&why=unconfigured#replay-note"; a.code != http.StatusSeeOther || a.hdr.Get("Location") != want {
		t.Errorf("the replay button: %d %q, want 303 to %q", a.code, a.hdr.Get("Location"), want)
	}
	stays("after the button's replay")
	for l, want := range map[string]string{"en": "is not configured now", "ja": "設定し直してから再送してください"} {
		page := f.req("GET", "/admin/mqls?replay_failed="+id+"&why=unconfigured&lang="+l, "", "Cookie", cookie, "Accept", "text/html")
		if page.code != 200 || !strings.Contains(page.body, want) {
			t.Errorf("the %s list after the refused replay: %d, want %q:\n%s", l, page.code, want, page.body)
		}
	}
	// HubSpot configured again: replayed.
	w.Connectors = append(w.Connectors, named("hubspot"))
	if a := f.req("POST", "/admin/deadletters/"+id+"/replay", "", "Authorization", "Bearer "+fullToken); a.code != 200 {
		t.Fatalf("HubSpot configured again, the replay: %d %s", a.code, a.body)
	}
	if m, err := q.Get(ctx, id); err != nil || m.State != "ready" {
		t.Fatalf("replayed: %q %v, want ready", m.State, err)
	}
}
