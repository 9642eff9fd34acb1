package sla_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/push"
	"github.com/baton-hq/baton/internal/qualify"
)

// ownedReceiver is the receiver as an SFA that reads who owns the record
// a delivery went on (push.OwnerReader): owners by record id, or its
// read failing.
type ownedReceiver struct {
	*receiver
	name   string
	owners map[string]qualify.Owner
	fail   bool
	asked  []string
}

func (o *ownedReceiver) Name() string { return o.name }

func (o *ownedReceiver) RecordOwner(_ context.Context, id string) (qualify.Owner, error) {
	o.asked = append(o.asked, id)
	if o.fail {
		return qualify.Owner{}, errors.New("SFA down")
	}
	return o.owners[id], nil
}

// TestBreachNamesTheSFAsOwner: a breach said which MQL waited, never who
// it waited on: Baton learns a rep from sales' verdicts, and a breach is
// a lead nobody answered. The owner the SFA's assignment gave the record
// the MQL went on (read when the breach is found) is now the breach's; a
// connector whose read fails is passed over for the next, and a breach
// goes out all the same, without an owner, when none can say.
func TestBreachNamesTheSFAsOwner(t *testing.T) {
	f := newFixture(t)
	f.replay(t, f.t0.Add(time.Hour)) // delivered to the webhook's receiver
	down := &ownedReceiver{receiver: f.rc, name: "webhook", fail: true}
	sfa := &ownedReceiver{receiver: f.rc, name: "hubspot", owners: map[string]qualify.Owner{"ext-1": {ID: "77", Name: "sato@example.co.jp"}}}
	f.w.Connectors = []push.Connector{down, sfa}
	if res := f.w.Deliver(f.ctx, f.m); !res.Done {
		t.Fatalf("delivery %+v", res)
	}
	var readErr error
	f.sweeper.Owner = func(ctx context.Context, m qualify.MQL) qualify.Owner {
		o, err := push.RecordOwner(ctx, f.tb, m.ID, f.w.Connectors)
		readErr = err
		return o
	}
	bs := f.sweep(t, f.t0.Add(26*time.Hour))
	if len(bs) != 1 || bs[0].Owner != (qualify.Owner{ID: "77", Name: "sato@example.co.jp"}) || readErr == nil {
		t.Fatalf("breaches %+v (read error %v), want one owned by sato@example.co.jp and the failed read said", bs, readErr)
	}
	if len(down.asked) != 1 || down.asked[0] != "ext-1" {
		t.Errorf("the failing SFA asked %v", down.asked)
	}
}
