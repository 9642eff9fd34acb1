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
		TellForget: func(ctx context.Context, c push.Connector, person, email string) error {
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
