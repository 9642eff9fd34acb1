package push_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/account"
	bclock "github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/crm"
	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/push"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/bolttable"
)

// TestMQALeavesOutErasedPeople: an MQA delivered after one of its people
// was erased (an SQS message the erasure could not change), or withdrew
// consent, reaches the SFA without them; delivered, it is not delivered again.
func TestMQALeavesOutErasedPeople(t *testing.T) {
	ctx := context.Background()
	clk := bclock.NewManual(time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC))
	tb, err := bolttable.Open(filepath.Join(t.TempDir(), "b.db"), bolttable.WithClock(clk.Now))
	if err != nil {
		t.Fatal(err)
	}
	defer tb.Close()
	var mu sync.Mutex
	var got []account.MQA
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var m struct{ Data account.MQA }
		json.Unmarshal(body, &m)
		mu.Lock()
		got = append(got, m.Data)
		mu.Unlock()
	}))
	defer srv.Close()
	// A third member withdrew consent (POST /optout on their browser).
	dir := &identity.Directory{T: tb, Now: clk.Now}
	st := &identity.Stitcher{Dir: dir, Log: &eventlog.Log{T: tb}}
	optedOut, _, err := st.Identify(ctx, identity.Identification{Visitor: "v-opted-out", Email: "optedout@maker.example", At: clk.Now(), Strength: identity.Strong})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.WithdrawConsent(ctx, "v-opted-out", clk.Now()); err != nil {
		t.Fatal(err)
	}
	w := &push.Worker{T: tb, Dir: dir, Now: clk.Now, Connectors: []push.Connector{
		&crm.Webhook{URL: srv.URL, Secret: "whsec_c2VjcmV0LWZvci1tcWEtdGVzdHMtMDEy", Now: clk.Now},
		&push.Inbox{T: tb}, // takes no accounts: left out
	}}
	m := account.MQA{ID: "a0123456789abcdef-q1", Account: "a0123456789abcdef", N: 1, At: clk.Now(), Condition: "mqa",
		People: []account.Member{{Person: "p_1", Email: "stays@maker.example"}, {Person: "p_2", Email: "erased@maker.example"}, {Person: optedOut.ID, Email: "optedout@maker.example"}}}
	if err := tb.Put(ctx, table.Item{PK: privacy.TombstonePK("erased@maker.example"), SK: "TOMB", Kind: privacy.KindTombstone}, table.Always); err != nil {
		t.Fatal(err)
	}
	// Not yet stored (account raised it elsewhere): dropped, nothing sent.
	if res := w.DeliverAccount(ctx, m); !res.Done || len(got) != 0 {
		t.Fatalf("an MQA nobody stored was delivered: %+v %d", res, len(got))
	}
	it, err := m.Item()
	if err != nil {
		t.Fatal(err)
	}
	if err := tb.Put(ctx, it, table.Always); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if res := w.DeliverAccount(ctx, m); !res.Done {
			t.Fatalf("%+v", res)
		}
	}
	if len(got) != 1 || len(got[0].People) != 1 || got[0].People[0].Email != "stays@maker.example" {
		t.Fatalf("delivered %+v", got)
	}
	ds, err := w.AccountDeliveries(ctx, m)
	if err != nil || len(ds) != 1 || ds[0].Status != push.StatusDelivered || ds[0].ExternalID != m.ID {
		t.Fatalf("deliveries %+v %v", ds, err)
	}
}
