package privacytest

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/push"
	"github.com/baton-hq/baton/internal/scorefeed"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/bolttable"
)

// erasingSFA takes a lead while its person is being erased: the erasure
// runs (and ends) while the SFA's call is under way, as a slow SFA sees
// when an operator erases the person meanwhile.
type erasingSFA struct {
	f    *Fixture
	once sync.Once
	err  error
}

func (s *erasingSFA) Name() string { return "sfa" }

func (s *erasingSFA) Push(ctx context.Context, l push.Lead) (string, error) {
	s.once.Do(func() { _, s.err = s.f.App.Eraser.Erase(ctx, s.f.Victim.ID) })
	return "00Q000000000777", nil
}

// TestLeadTakenDuringErasureIsToldOnTheLocalQueue: README, Privacy: "A lead
// that reached an SFA while its person was being erased ... is forgotten
// there after, by the records that delivery made (kept in its pending
// marker until the SFA hears)": the message's retry tells it again. On the
// embedded store the push queue is the table's, and the erasure deletes
// every message about the person, the one being delivered included: no
// retry came, the SFA kept the lead (and the email), and the marker
// (SFAFORGET#<person>-c3, with the SFA's record id) stayed 14 days. The
// message is queued again, backing off, until the SFA hears.
func TestLeadTakenDuringErasureIsToldOnTheLocalQueue(t *testing.T) {
	ctx := context.Background()
	clk := clock.NewManual(T0)
	tb, err := bolttable.Open(filepath.Join(t.TempDir(), "baton.db"), bolttable.WithFeed(scorefeed.Kinds...), bolttable.WithClock(clk.Now))
	if err != nil {
		t.Fatal(err)
	}
	defer tb.Close()
	f := Populate(t, tb, clk) // the victim's third MQL waits in the queue for the SFA
	a := f.App
	sfa := &erasingSFA{f: f}
	for i, c := range a.Pusher.Connectors {
		if c.Name() == "sfa" {
			a.Pusher.Connectors[i] = sfa
		}
	}
	told := 0
	fail := true
	a.Pusher.TellForget = func(ctx context.Context, c push.Connector, person, email string, ds []push.Delivery) error {
		told++
		if fail {
			return errors.New("503 Service Unavailable")
		}
		return nil
	}
	mql := f.VictimMQLs[2].ID
	clk.Advance(time.Hour) // the SFA's retry is due
	_, rerr := a.Pusher.RunOnce(ctx)
	if sfa.err != nil {
		t.Fatalf("erasure: %v", sfa.err)
	}
	if told != 1 {
		t.Fatalf("told %d times (RunOnce: %v): the scenario did not happen", told, rerr)
	}
	if rerr != nil {
		t.Errorf("RunOnce after the erasure: %v", rerr)
	}
	// Queued again (the erasure deleted it), backing off: not due at once.
	if m, err := a.Pusher.Queue.Get(ctx, mql); err != nil || !m.Due.After(clk.Now()) {
		t.Errorf("the message that must tell the SFA again: %+v %v", m, err)
	}
	// The SFA is back: the message's retry must tell it.
	fail = false
	for range 20 {
		clk.Advance(time.Hour)
		if _, err := a.Pusher.RunOnce(ctx); err != nil {
			t.Logf("RunOnce: %v", err)
		}
	}
	if told < 2 {
		t.Errorf("the SFA that took the lead during the erasure was never told again: it keeps the person")
	}
	if _, err := tb.Get(ctx, push.ForgetPK(mql), "sfa"); !errors.Is(err, table.ErrNotFound) {
		t.Errorf("the pending marker %s stays (person id in its key, the SFA's record id in its data): %v", push.ForgetPK(mql), err)
	}
}
