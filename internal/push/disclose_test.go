package push_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/push"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/bolttable"
)

// TestDiscloseNamesTheSFAsRecord: an SFA's record id that leads to the
// person is disclosed as which SFA holds it under which id (its key); the
// stored data alone only named the person back, and the file said "a sales
// system's record id" without one.
func TestDiscloseNamesTheSFAsRecord(t *testing.T) {
	f := setup(t, &receiver{ids: map[string]int{}})
	f.drain(t, 1, time.Second)
	d, err := f.w.Disclose(context.Background(), privacy.Subject{Person: f.mql.Person, Email: f.mql.Email})
	if err != nil {
		t.Fatal(err)
	}
	ext := d["external"]
	if len(ext) != 2 { // the inbox's and the webhook's: both answer the MQL's id
		t.Fatalf("external %d: %s", len(ext), ext)
	}
	held := map[string]bool{}
	for _, doc := range ext {
		var got map[string]string
		if err := json.Unmarshal(doc, &got); err != nil {
			t.Fatal(err)
		}
		if got["externalId"] != f.mql.ID || got["person"] != f.mql.Person {
			t.Errorf("external record disclosed as %s", doc)
		}
		held[got["connector"]] = true
	}
	if !held["inbox"] || !held["webhook"] {
		t.Errorf("the SFAs holding a record: %v", held)
	}
}

// TestDiscloseShowsARecordIdOnceAsForgetRemovesIt: the SFA upserts a
// person's lead by email, so their MQL of a second cycle is delivered to
// the record of their first: two delivery records, one record id. The
// disclosure showed it twice, where the erasure removes one item (the
// second delete finds it gone): the file counted a record Baton did not
// keep, kind for kind apart from the erasure's report.
func TestDiscloseShowsARecordIdOnceAsForgetRemovesIt(t *testing.T) {
	ctx := context.Background()
	tb, err := bolttable.Open(filepath.Join(t.TempDir(), "b.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tb.Close() })
	at := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	var ws []table.Write
	for _, mql := range []string{"p-1-c1", "p-1-c2"} {
		data, _ := json.Marshal(push.Delivery{MQLID: mql, Connector: "salesforce", Status: push.StatusDelivered, ExternalID: "00Q5g00000AbCdE", At: at})
		ws = append(ws, table.Put(table.Item{PK: identity.PersonPK("p-1"), SK: "DLV#" + mql + "#salesforce", Kind: push.KindDelivery, Data: data}, table.Always))
	}
	ws = append(ws, table.Put(table.Item{PK: push.ExternalPK("salesforce", "00Q5g00000AbCdE"), SK: "EXT", Kind: push.KindExternal, Data: []byte(`{"person":"p-1"}`)}, table.Always))
	if err := tb.Transact(ctx, ws); err != nil {
		t.Fatal(err)
	}
	w := &push.Worker{T: tb}
	s := privacy.Subject{Person: "p-1", Email: "lead@example.com"}
	d, err := w.Disclose(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	r, err := w.Forget(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{push.KindExternal, push.KindDelivery} {
		if got, want := d.Counts()[kind], r[kind]; got != want {
			t.Errorf("%s: disclosed %d, erased %d", kind, got, want)
		}
	}
	if r[push.KindExternal] != 1 {
		t.Errorf("erased %d record ids, want 1", r[push.KindExternal])
	}
}
