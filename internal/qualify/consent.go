package qualify

import (
	"context"
	"time"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/identity"
)

// A person who withdrew consent (POST /optout on one browser) is recorded
// no further on any other: the tag's POST /e reads nothing before it
// stores, so the events of their other browsers (a phone whose tag still
// holds consent) reach scoring, the first step that knows whose they are.
// There they are deleted, not counted, and no MQL is raised while the
// withdrawal stands (Refit, rebuild): it would hand their email to the SFA.
//
// What is kept: events received before the withdrawal (by Baton's clock,
// not the device's), any naming an email, and everything received from a
// browser's form naming one on: from a browser of theirs that form lifts
// the withdrawal (collect's RegainConsent), which the change feed may
// bring to scoring before the person's new state. And an event is deleted
// only if its browser is still theirs when it is (a shared browser that
// another person's form took since keeps the event for them).

// receivedAt is when Baton received ev (its event time for an event from
// before ReceivedAt was kept).
func receivedAt(ev *event.Event) time.Time {
	if ev.ReceivedAt.IsZero() {
		return ev.Timestamp
	}
	return ev.ReceivedAt
}

// lifts reports whether ev may lift a withdrawal: a browser's form naming
// an email.
func lifts(ev *event.Event) bool {
	return ev.Type == event.FormSubmit && ev.Client.API != "server" && ev.Email() != ""
}

// withdrawnFrom is evs without those p's withdrawal says scoring must not
// count (see above); evs itself when it has none.
func withdrawnFrom(p identity.Person, evs []event.Event) []event.Event {
	if p.ConsentWithdrawn.IsZero() {
		return evs
	}
	var lift time.Time // the first form that may lift it, if any
	for i := range evs {
		if at := receivedAt(&evs[i]); lifts(&evs[i]) && !at.Before(p.ConsentWithdrawn) && (lift.IsZero() || at.Before(lift)) {
			lift = at
		}
	}
	drop := func(ev *event.Event) bool {
		at := receivedAt(ev)
		return !at.Before(p.ConsentWithdrawn) && ev.Email() == "" && (lift.IsZero() || at.Before(lift))
	}
	var kept []event.Event
	for i := range evs {
		if drop(&evs[i]) {
			if kept == nil {
				kept = append(make([]event.Event, 0, len(evs)), evs[:i]...)
			}
			continue
		}
		if kept != nil {
			kept = append(kept, evs[i])
		}
	}
	if kept == nil {
		return evs
	}
	return kept
}

// dropWithdrawn deletes from the event log the events of evs that p's
// withdrawal says were not to be recorded, and returns the others. It
// reads the person and each browser's link again first: a withdrawal
// lifted since, or a browser another person's form took, deletes nothing.
func (q *Qualifier) dropWithdrawn(ctx context.Context, p identity.Person, evs []event.Event) ([]event.Event, error) {
	kept := withdrawnFrom(p, evs)
	if len(kept) == len(evs) {
		return evs, nil
	}
	now, err := q.Dir.Get(ctx, p.ID)
	if err != nil || now.ConsentWithdrawn.IsZero() {
		return evs, err // lifted meanwhile: counted as any (ErrNotFound: erased, the caller's)
	}
	keep := map[string]bool{}
	for i := range kept {
		keep[kept[i].VisitorID+"\x00"+kept[i].ID] = true
	}
	links := map[string]identity.Link{}
	byVisitor := map[string][]string{}
	for i := range evs {
		ev := &evs[i]
		if keep[ev.VisitorID+"\x00"+ev.ID] {
			continue
		}
		l, ok := links[ev.VisitorID]
		if !ok {
			if l, err = q.Dir.GetLink(ctx, ev.VisitorID); err != nil {
				return nil, err
			}
			links[ev.VisitorID] = l
		}
		if l.PersonAt(ev.Timestamp) != p.ID {
			continue // another's now: not deleted here, not counted for p
		}
		byVisitor[ev.VisitorID] = append(byVisitor[ev.VisitorID], ev.ID)
	}
	for v, ids := range byVisitor {
		if _, err := q.Log.DeleteEvents(ctx, v, ids...); err != nil {
			return nil, err
		}
	}
	return kept, nil
}
