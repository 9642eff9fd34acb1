package push_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"testing"

	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/push"
	"github.com/baton-hq/baton/internal/qualify"
)

// unchangedSeen records what each push was told is unchanged.
type unchangedSeen struct {
	mu     sync.Mutex
	seen   []map[string]bool
	last   []map[string]string
	record []string
}

func (c *unchangedSeen) Name() string { return "seen" }

func (c *unchangedSeen) Push(_ context.Context, l push.Lead) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seen = append(c.seen, l.Unchanged)
	c.last = append(c.last, l.Last)
	c.record = append(c.record, l.Record)
	return "ext-" + l.MQLID, nil
}

// TestNextMQLSaysWhatIsUnchanged: a delivery keeps what it sent (hashes,
// not the values), and the person's next MQL tells the connector which
// attributes are still what it was sent, so that it leaves the fields
// sales may have corrected alone; an attribute the person changed since
// is not among them. A first MQL is told nothing.
func TestNextMQLSaysWhatIsUnchanged(t *testing.T) {
	f := setup(t, &receiver{ids: map[string]int{}})
	ctx := context.Background()
	c := &unchangedSeen{}
	f.w.Connectors = []push.Connector{c}
	if res := f.w.Deliver(ctx, f.mql); !res.Done {
		t.Fatalf("first MQL: %+v", res)
	}
	ds, err := push.Deliveries(ctx, f.w.T, f.mql.Person)
	if err != nil || len(ds) != 1 || len(ds[0].Sent) != 2 || ds[0].Sent["company"] == "Acme" {
		t.Fatalf("deliveries %+v %v: want the two attributes' hashes", ds, err)
	}
	// The person tells a new title by a form; the company stays.
	if _, _, err := f.w.Stitcher.Identify(ctx, identity.Identification{Visitor: "pv1", Email: f.mql.Email, Strength: identity.Strong, At: f.clk.t, Fields: map[string]string{"title": "CTO"}}); err != nil {
		t.Fatal(err)
	}
	second := qualify.MQL{ID: f.mql.Person + "-c2", Person: f.mql.Person, Email: f.mql.Email, Cycle: 2, At: f.clk.t, Condition: "hot-and-fit", Verdict: f.mql.Verdict}
	if res := f.w.Deliver(ctx, second); !res.Done {
		t.Fatalf("second MQL: %+v", res)
	}
	if len(c.seen) != 2 || c.seen[0] != nil {
		t.Fatalf("pushes told %v: the first MQL nothing", c.seen)
	}
	if got := fmt.Sprint(c.seen[1]); got != "map[company:true last_name:true]" {
		t.Fatalf("the second MQL was told %s unchanged, want company and last_name (not the new title)", got)
	}
	// And what the first handed the SFA, to tell a value sales typed since
	// from Baton's (push.Lead.SalesOwn).
	if c.last[0] != nil || !maps.Equal(c.last[1], ds[0].Sent) {
		t.Fatalf("pushes told last %v, want nothing, then the first delivery's %v", c.last, ds[0].Sent)
	}
	// And the record the first went on, for a connector that cannot find
	// it by the person (HubSpot's contact without the email it refuses).
	if fmt.Sprint(c.record) != "[ ext-"+f.mql.ID+"]" {
		t.Fatalf("pushes told records %q, want none, then the first delivery's", c.record)
	}
}

// TestRecordWithoutAttributes: a person whose form gave only the email
// keeps no attribute hashes with the delivery, yet their next MQL is told
// the record the first went on (HubSpot's contact made without an email
// HubSpot refuses has nothing else to be found by: a second contact).
func TestRecordWithoutAttributes(t *testing.T) {
	f := setup(t, &receiver{ids: map[string]int{}})
	ctx := context.Background()
	c := &unchangedSeen{}
	f.w.Connectors = []push.Connector{c}
	p, _, err := f.w.Stitcher.Identify(ctx, identity.Identification{Visitor: "pv9", Email: "only@example.com", Strength: identity.Strong, At: f.clk.t})
	if err != nil {
		t.Fatal(err)
	}
	for n := 1; n <= 2; n++ {
		m := qualify.MQL{ID: fmt.Sprintf("%s-c%d", p.ID, n), Person: p.ID, Email: p.Email, Cycle: n, At: f.clk.t, Condition: "hot-and-fit", Verdict: f.mql.Verdict}
		if res := f.w.Deliver(ctx, m); !res.Done {
			t.Fatalf("MQL %d: %+v", n, res)
		}
	}
	if want := []string{"", "ext-" + p.ID + "-c1"}; !slices.Equal(c.record, want) {
		t.Fatalf("records told %q, want %q", c.record, want)
	}
}
