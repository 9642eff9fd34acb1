package push_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/baton-hq/baton/internal/push"
	"github.com/baton-hq/baton/internal/qualify"
)

// TestReinquiryMessage: a re-inquiry as the push queue carries it (the
// score function's SQS relay sends the same shape) is read as one, not as
// an MQL without an id; one without its form is refused as undecodable
// (dead-lettered), and one whose MQL is not stored (erased with its
// person) is done without telling any connector.
func TestReinquiryMessage(t *testing.T) {
	ctx := context.Background()
	rc := &receiver{ids: map[string]int{}}
	f := setup(t, rc)
	r := qualify.Reinquiry{ID: f.mql.ID + "-f0123456789abcdef", MQL: f.mql.ID, Person: f.mql.Person, Email: f.mql.Email, Visitor: "pv1", Event: "e9", At: f.clk.t}
	body, _ := json.Marshal(push.ReinquiryMessage(r))
	id, res, err := f.w.DeliverBody(ctx, body)
	if err != nil || id != r.ID || !res.Done {
		t.Errorf("re-inquiry of an MQL not stored: %q %+v %v", id, res, err)
	}
	if len(rc.bodies) != 0 {
		t.Errorf("posted %d", len(rc.bodies))
	}
	if _, _, err := f.w.DeliverBody(ctx, []byte(`{"reinquiry":{"id":"x","mql":"p-c1"}}`)); err == nil {
		t.Error("a re-inquiry naming no person or form was taken")
	}
}
