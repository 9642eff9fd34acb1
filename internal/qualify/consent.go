package qualify

import (
	"context"
	"slices"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/identity"
)

// A person who withdrew consent (POST /optout on one browser) is recorded
// no further on any other: the tag's POST /e reads nothing before it
// stores, so the events of their other browsers (a phone whose tag still
// holds consent) reach scoring, the first step that knows whose they are.
// There they are deleted, not counted, and no MQL is raised while the
// withdrawal stands (Refit, rebuild): it would hand their email to the SFA.
// A form with their email is kept: from a browser of theirs it lifts the
// withdrawal (collect's RegainConsent), which the change feed may show
// scoring before the person's new state.

// withdrawn reports whether ev is one scoring must not count for p: a
// person who withdrew consent, and an event at or after it bearing no email.
func withdrawn(p identity.Person, ev *event.Event) bool {
	return !p.ConsentWithdrawn.IsZero() && !ev.Timestamp.Before(p.ConsentWithdrawn) && ev.Email() == ""
}

// withdrawnFrom is evs without those withdrawn (p) says scoring must not
// count; evs itself when it has none.
func withdrawnFrom(p identity.Person, evs []event.Event) []event.Event {
	if p.ConsentWithdrawn.IsZero() || !slices.ContainsFunc(evs, func(ev event.Event) bool { return withdrawn(p, &ev) }) {
		return evs
	}
	return slices.DeleteFunc(slices.Clone(evs), func(ev event.Event) bool { return withdrawn(p, &ev) })
}

// dropWithdrawn deletes from the event log the events of evs that p's
// withdrawal says were not to be recorded, and returns the rest.
func (q *Qualifier) dropWithdrawn(ctx context.Context, p identity.Person, evs []event.Event) ([]event.Event, error) {
	kept := withdrawnFrom(p, evs)
	if len(kept) == len(evs) {
		return evs, nil
	}
	byVisitor := map[string][]string{}
	for i := range evs {
		if withdrawn(p, &evs[i]) {
			byVisitor[evs[i].VisitorID] = append(byVisitor[evs[i].VisitorID], evs[i].ID)
		}
	}
	for v, ids := range byVisitor {
		if _, err := q.Log.DeleteEvents(ctx, v, ids...); err != nil {
			return nil, err
		}
	}
	return kept, nil
}
