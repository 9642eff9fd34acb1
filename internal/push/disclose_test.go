package push_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/privacy"
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
