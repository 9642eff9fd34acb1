package sla_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/calendar"
	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/push"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/reports"
	"github.com/baton-hq/baton/internal/sla"
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

// TestReportsCountABreachUnderItsOwner: a breach named the SFA's owner in
// its webhook alone; the SLA and reps reports, which read owners from
// sales' verdicts, counted the lead nobody answered under "(unassigned)".
// The owner is now kept with the breach (its mark, and the index the
// reports read in one query, sla.BreachOwners): both reports count it
// under sato, a verdict's owner still first. The person's erasure takes
// the index entry with the mark, and their disclosure shows both.
func TestReportsCountABreachUnderItsOwner(t *testing.T) {
	f := newFixture(t)
	f.replay(t, f.t0.Add(time.Hour))
	sato := qualify.Owner{ID: "005000000000001AAA", Name: "sato@example.co.jp"}
	f.sweeper.Owner = func(context.Context, qualify.MQL) qualify.Owner { return sato }
	if bs := f.sweep(t, f.t0.Add(26*time.Hour)); len(bs) != 1 {
		t.Fatalf("breaches %+v, want one", bs)
	}
	owners, err := sla.BreachOwners(f.ctx, f.tb)
	if err != nil || owners[f.m.ID] != "sato@example.co.jp" {
		t.Fatalf("breach owners %v (%v), want %s's sato@example.co.jp", owners, err, f.m.ID)
	}
	people, err := reports.Load(f.ctx, f.tb)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := reports.SLAOf(f.ctx, people, reports.Filter{}, 24*time.Hour, calendar.Calendar{}, f.clk.Now(), f.sweeper.Delivered, f.sweeper.Between, owners)
	if err != nil {
		t.Fatal(err)
	}
	var slaOwners []string
	for _, r := range rows {
		slaOwners = append(slaOwners, r.Owner)
		if r.Owner == "sato@example.co.jp" && (r.MQLs != 1 || r.OpenBreaches != 1) {
			t.Errorf("sato's SLA row %+v, want the MQL and its open breach", r)
		}
	}
	if len(slaOwners) != 2 || slaOwners[1] != "sato@example.co.jp" {
		t.Errorf("SLA report's owners %v, want (all) and sato@example.co.jp (none unassigned)", slaOwners)
	}
	reps, err := reports.RepsOf(f.ctx, people, reports.Filter{}, 24*time.Hour, calendar.Calendar{}, f.sweeper.Delivered, owners)
	if err != nil {
		t.Fatal(err)
	}
	held := false
	for _, r := range reps {
		if r.Owner == "(unassigned)" {
			t.Errorf("reps report: the breached lead unassigned: %+v", r)
		}
		held = held || r.Owner == "sato@example.co.jp" && r.Dimension == "all" && r.MQLs == 1
	}
	if !held {
		t.Errorf("reps report: sato holds no MQL: %+v", reps)
	}

	// Sales answer it, naming another rep: the verdict's owner counts.
	if _, err := f.sweeper.Q.OutcomeOf(f.ctx, f.m.Person, "accepted", "d1", qualify.Owner{Name: "tanaka@example.co.jp"}, "", f.clk.Now()); err != nil {
		t.Fatal(err)
	}
	if people, err = reports.Load(f.ctx, f.tb); err != nil {
		t.Fatal(err)
	}
	for _, r := range reports.SLA(people, reports.Filter{}, 24*time.Hour, calendar.Calendar{}, f.clk.Now()) {
		if r.Owner == "sato@example.co.jp" {
			t.Errorf("answered by tanaka, still counted under the breach's owner: %+v", r)
		}
	}
	rows, _ = reports.SLAOf(f.ctx, people, reports.Filter{}, 24*time.Hour, calendar.Calendar{}, f.clk.Now(), f.sweeper.Delivered, f.sweeper.Between, owners)
	if len(rows) != 2 || rows[1].Owner != "tanaka@example.co.jp" {
		t.Errorf("answered by tanaka: SLA rows %+v", rows)
	}

	sub := privacy.Subject{Person: f.m.Person, Email: f.m.Email}
	d, err := f.sweeper.Disclose(f.ctx, sub)
	if err != nil || len(d[sla.KindOwner]) != 1 || len(d["sla"]) != 1 || !strings.Contains(string(d["sla"][0]), "sato@example.co.jp") {
		t.Fatalf("disclosed %v (%v), want the breach with its owner and its index entry", d, err)
	}
	if r, err := f.sweeper.Forget(f.ctx, sub); err != nil || r[sla.KindOwner] != 1 || r["sla"] != 1 {
		t.Fatalf("forgotten %v (%v)", r, err)
	}
	if owners, err := sla.BreachOwners(f.ctx, f.tb); err != nil || len(owners) != 0 {
		t.Fatalf("breach owners after the erasure: %v (%v)", owners, err)
	}
}
