package push_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/push"
	"github.com/baton-hq/baton/internal/table/dynamotable"
	"github.com/baton-hq/baton/internal/testutil/moto"
)

// erasedDuring is an SFA that takes the lead while the person is being
// erased: the tombstone is written during its call.
type erasedDuring struct {
	f      fx
	pushes int
}

func (c *erasedDuring) Name() string { return "sfa" }

func (c *erasedDuring) Push(ctx context.Context, l push.Lead) (string, error) {
	c.pushes++
	if err := privacy.Tombstone(ctx, c.f.w.T, l.Email, c.f.clk.now()); err != nil {
		return "", err
	}
	return "00Q1", nil
}

// TestSFAToldToForgetUntilItHears: a person erased while their lead was on
// its way to the SFA (the erasure told the SFAs before the lead arrived)
// is forgotten by the SFA through TellForget. When that call failed (the
// SFA down a moment), the message was retried, but the retry stopped at the
// tombstone check, done: the SFA was never told again and kept the erased
// person's lead. The retry tells it until it hears.
func TestSFAToldToForgetUntilItHears(t *testing.T) {
	t.Run("bolt", func(t *testing.T) { toldUntilHeard(t, setup(t, &receiver{ids: map[string]int{}})) })
	t.Run("dynamodb", func(t *testing.T) {
		clk := &clock{t: time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)}
		toldUntilHeard(t, setupOn(t, &receiver{ids: map[string]int{}}, moto.NewTable(t, dynamotable.WithClock(clk.now)), clk))
	})
}

func toldUntilHeard(t *testing.T, f fx) {
	ctx := context.Background()
	c := &erasedDuring{f: f}
	var tells []string
	fail := true
	w := &push.Worker{T: f.w.T, Dir: f.w.Dir, Stitcher: f.w.Stitcher, Now: f.clk.now, Connectors: []push.Connector{c},
		TellForget: func(ctx context.Context, c push.Connector, person, email string, _ []push.Delivery) error {
			tells = append(tells, c.Name()+" "+person+" "+email)
			if fail {
				return errors.New("503 Service Unavailable")
			}
			return nil
		}}
	if res := w.Deliver(ctx, f.mql); res.Done || res.Permanent {
		t.Fatalf("the SFA not told: %+v (must be retried)", res)
	}
	fail = false
	if res := w.Deliver(ctx, f.mql); !res.Done {
		t.Fatalf("retried: %+v", res)
	}
	if len(tells) != 2 || tells[1] != "sfa "+f.mql.Person+" "+f.mql.Email {
		t.Fatalf("told %q: the retry must tell the SFA again", tells)
	}
	if res := w.Deliver(ctx, f.mql); !res.Done || len(tells) != 2 || c.pushes != 1 {
		t.Fatalf("once heard: %+v, told %d times, %d pushes", res, len(tells), c.pushes)
	}
}

// madeThenErased is an SFA that makes a record (its id kept as a step, as
// HubSpot keeps a contact made without an email) and then sees its person
// erased: the tombstone written during its call. fail writes it before the
// record's id is kept, which fails the call, as HubSpot's fails when the
// contact it made cannot be recorded any more.
type madeThenErased struct {
	f    fx
	id   string
	fail bool
}

func (c *madeThenErased) Name() string { return "hubspot" }

func (c *madeThenErased) Push(ctx context.Context, l push.Lead) (string, error) {
	prog := push.ProgressFrom(ctx)
	if c.fail { // erased before the contact's id could be kept
		if err := privacy.Tombstone(ctx, c.f.w.T, l.Email, c.f.clk.now()); err != nil {
			return "", err
		}
	}
	if err := prog.SaveStep(ctx, "contact", c.id); err != nil {
		return "", &push.Error{Connector: "hubspot", Message: "contact " + c.id + " created but not recorded: " + err.Error()}
	}
	if c.fail {
		return "", &push.Error{Connector: "hubspot", Message: "unreachable: the step was refused", Permanent: true}
	}
	// Erased while the note was being added.
	if err := privacy.Tombstone(ctx, c.f.w.T, l.Email, c.f.clk.now()); err != nil {
		return "", err
	}
	return c.id, nil
}

// TestSFAToldTheRecordsMadeWhileErased: a person erased during a delivery
// is forgotten by the SFA through TellForget, which now hands it the
// records the delivery made (its ExternalID, its steps): the erasure told
// the SFA before the record existed, and an email cannot find a contact
// made without one. The marker that makes the retry tell it again keeps
// them; and a call that failed after making the record (its next step
// refused by the tombstone) tells it too, where it told nothing.
func TestSFAToldTheRecordsMadeWhileErased(t *testing.T) {
	t.Run("delivered", func(t *testing.T) {
		f := setup(t, &receiver{ids: map[string]int{}})
		ctx := context.Background()
		c := &madeThenErased{f: f, id: "501"}
		var got [][]push.Delivery
		fail := true
		w := &push.Worker{T: f.w.T, Dir: f.w.Dir, Stitcher: f.w.Stitcher, Now: f.clk.now, Connectors: []push.Connector{c},
			TellForget: func(ctx context.Context, c push.Connector, person, email string, ds []push.Delivery) error {
				got = append(got, ds)
				if fail {
					return errors.New("503 Service Unavailable")
				}
				return nil
			}}
		if res := w.Deliver(ctx, f.mql); res.Done || res.Permanent {
			t.Fatalf("the SFA not told: %+v (must be retried)", res)
		}
		fail = false
		if res := w.Deliver(ctx, f.mql); !res.Done {
			t.Fatalf("retried: %+v", res)
		}
		if len(got) != 2 {
			t.Fatalf("told %d times", len(got))
		}
		for i, ds := range got {
			if len(ds) != 1 || ds[0].ExternalID != "501" || ds[0].Steps["contact"] != "501" || ds[0].MQLID != f.mql.ID {
				t.Errorf("tell %d handed %+v: want the record the delivery made, 501", i+1, ds)
			}
		}
	})
	t.Run("failed after making it", func(t *testing.T) {
		f := setup(t, &receiver{ids: map[string]int{}})
		ctx := context.Background()
		c := &madeThenErased{f: f, id: "502", fail: true}
		var got [][]push.Delivery
		w := &push.Worker{T: f.w.T, Dir: f.w.Dir, Stitcher: f.w.Stitcher, Now: f.clk.now, Connectors: []push.Connector{c},
			TellForget: func(ctx context.Context, c push.Connector, person, email string, ds []push.Delivery) error {
				got = append(got, ds)
				return nil
			}}
		if res := w.Deliver(ctx, f.mql); !res.Done {
			t.Fatalf("delivery of an erased person: %+v", res)
		}
		if len(got) != 1 || len(got[0]) != 1 || got[0][0].Steps["contact"] != "502" {
			t.Fatalf("told %+v: want the record made before the call failed, 502", got)
		}
	})
}
