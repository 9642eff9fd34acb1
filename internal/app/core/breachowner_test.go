package core

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/qualify"
)

// TestBreachOwnerReadsAreBounded: reading a breach's owner at the SFA had
// its limits (5 s a read; after 3 failed reads the sweep's other breaches
// go out without an owner) and no test of them. An SFA that never
// answers is a reader that returns only once its context ends: each read
// is given 5 s (the timeout injected: the test waits on no clock), the
// third failure ends the reads, and the breaches after it are announced
// with no owner without asking again; a read that answered keeps its
// owner, and each failure is said in the log.
func TestBreachOwnerReadsAreBounded(t *testing.T) {
	var asked []string
	read := func(ctx context.Context, m qualify.MQL) (qualify.Owner, error) {
		asked = append(asked, m.ID)
		if m.ID == "p1-c1" {
			return qualify.Owner{ID: "77", Name: "sato@example.co.jp"}, nil
		}
		select { // the SFA never answers: the read ends with its context
		case <-ctx.Done():
			return qualify.Owner{}, ctx.Err()
		default:
			t.Errorf("the read of %s has a context that never ends: a slow SFA would hold the sweep", m.ID)
			return qualify.Owner{}, errors.New("unbounded")
		}
	}
	var timeouts []time.Duration
	expired := func(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
		timeouts = append(timeouts, d)
		return context.WithDeadline(ctx, time.Time{}) // its time is up at once: no wall-clock wait
	}
	var logged bytes.Buffer
	owner := boundedOwners(read, slog.New(slog.NewTextHandler(&logged, nil)), expired)
	got := map[string]qualify.Owner{}
	for _, id := range []string{"p1-c1", "p2-c1", "p3-c1", "p4-c1", "p5-c1", "p6-c1"} {
		got[id] = owner(context.Background(), qualify.MQL{ID: id})
	}
	if want := "p1-c1 p2-c1 p3-c1 p4-c1"; strings.Join(asked, " ") != want {
		t.Errorf("asked the SFA for %v, want %s (none after the third failure)", asked, want)
	}
	if got["p1-c1"].Name != "sato@example.co.jp" {
		t.Errorf("the read that answered: %+v", got["p1-c1"])
	}
	for _, id := range []string{"p2-c1", "p3-c1", "p4-c1", "p5-c1", "p6-c1"} {
		if got[id] != (qualify.Owner{}) {
			t.Errorf("%s: owner %+v, want none", id, got[id])
		}
	}
	if len(timeouts) != 4 {
		t.Errorf("%d reads bounded, want 4", len(timeouts))
	}
	for _, d := range timeouts {
		if d != 5*time.Second {
			t.Errorf("a read was given %v, want 5s", d)
		}
	}
	if n := strings.Count(logged.String(), "its owner at the SFA not read"); n != 3 {
		t.Errorf("%d failed reads logged, want 3:\n%s", n, logged.String())
	}
}
