package qualify

import (
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/identity"
)

// TestWithdrawnFromKeepsWhatItMust: of a withdrawn person's events,
// scoring drops those Baton received after the withdrawal that name no
// email, but for a browser's form naming one (it lifts the withdrawal,
// and the change feed may bring it before the person's new state) and all
// after it; a device clock ahead of Baton's does not make an earlier event
// one to drop.
func TestWithdrawnFromKeepsWhatItMust(t *testing.T) {
	at := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	p := identity.Person{ID: "p_x", ConsentWithdrawn: at}
	ev := func(id, typ string, received time.Duration, ts time.Duration, email string) event.Event {
		e := event.Event{ID: id, Type: typ, VisitorID: "v", ReceivedAt: at.Add(received), Timestamp: at.Add(ts)}
		if email != "" {
			e.Properties = map[string]any{"fields": map[string]any{"email": email}}
		}
		return e
	}
	evs := []event.Event{
		ev("before", event.PageView, -time.Minute, time.Hour, ""), // the phone's clock an hour ahead
		ev("after", event.PageView, time.Minute, time.Minute, ""),
		ev("form", event.FormSubmit, 2*time.Minute, 2*time.Minute, "w@maker.example"),
		ev("next", event.PageView, 3*time.Minute, 3*time.Minute, ""),
	}
	var ids []string
	for _, e := range withdrawnFrom(p, evs) {
		ids = append(ids, e.ID)
	}
	if got := strings.Join(ids, ","); got != "before,form,next" {
		t.Errorf("kept %s, want before,form,next", got)
	}
	server := evs[2]
	server.Client.API = "server" // a backend's form names them without their browser: lifts nothing
	ids = nil
	for _, e := range withdrawnFrom(p, []event.Event{evs[1], server, evs[3]}) {
		ids = append(ids, e.ID)
	}
	if got := strings.Join(ids, ","); got != "form" {
		t.Errorf("with a server form kept %s, want form", got)
	}
	if got := withdrawnFrom(identity.Person{ID: "p_y"}, evs); len(got) != len(evs) {
		t.Errorf("a person who did not withdraw: %d of %d kept", len(got), len(evs))
	}
}
