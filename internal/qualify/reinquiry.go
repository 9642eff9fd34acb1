package qualify

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"slices"
	"time"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/identity"
)

// Reinquiry is a form sent by a person whose current cycle's MQL was
// already raised: one MQL per cycle says nothing more to sales, so it is
// delivered on its own to the connectors that have (or will have) the MQL
// (push). It names the event, not its values: delivery reads them from
// the stored event, so that an erasure meanwhile leaves nothing to send.
type Reinquiry struct {
	// ID is <mql id>-f<16 hex digits of the event's visitor and id>: the
	// idempotency key downstream (a Salesforce Task's external id among
	// them), short whatever the event's id (up to 100 characters, unique
	// per visitor).
	ID      string    `json:"id"`
	MQL     string    `json:"mql"`
	Person  string    `json:"person"`
	Email   string    `json:"email"`
	Visitor string    `json:"visitor"`
	Event   string    `json:"event"`
	At      time.Time `json:"at"` // the form's time
}

// reinquiryStages are the stages in which the person's current cycle has
// its MQL with sales (rejected and lost go back to nurturing: a form then
// counts toward the next cycle, but see Cooler).
var reinquiryStages = []string{StageMQL, StageSAL, StageSQL, StageOpportunity, StageCustomer}

// Cooler is an Engine whose rules raise no MQL for a while after sales
// reject or lose a lead (recycle.cooldown). A form the person sends in
// that while can qualify nothing, yet they wrote to sales, who closed
// their MQL hours ago: it is a re-inquiry on that MQL, so the rep who
// rejected them hears of it (a form once the cooldown is over counts
// toward the next cycle only, as before).
type Cooler interface {
	// CooldownEnd is when the cooldown of a person recycled at t ends
	// (its days are the configured zone's calendar days); false: none.
	CooldownEnd(t time.Time) (time.Time, bool)
}

// raised is a person's MQL a form of theirs may come back to: their
// current cycle's, and until, for a recycled person, when the cooldown
// ends (zero: while sales have the MQL, no end).
type raised struct {
	m     MQL
	until time.Time
}

// Reinquiries are the forms among evs (stored and scored) sent by a person
// whose current cycle's MQL was raised before the form reached Baton. The
// form that raised the MQL is none (it is among the MQL's events, or
// reached Baton before it was raised). A form of nobody, flagged as
// automated, or of a person erased meanwhile is none.
func (q *Qualifier) Reinquiries(ctx context.Context, evs []event.Event) ([]Reinquiry, error) {
	var out []Reinquiry
	seen := map[string]*raised{} // by person: their current cycle's MQL, nil for none
	for i := range evs {
		ev := &evs[i]
		if ev.Type != event.FormSubmit || ev.Flagged() || ev.ID == "" {
			continue
		}
		link, err := q.Dir.GetLink(ctx, ev.VisitorID)
		if err != nil {
			return nil, err
		}
		person := link.PersonAt(ev.Timestamp)
		if person == "" {
			continue
		}
		r, ok, err := q.raisedMQL(ctx, person, seen)
		if err != nil {
			return nil, err
		}
		if !ok || (!r.until.IsZero() && !ev.Timestamp.Before(r.until)) {
			continue
		}
		m := r.m
		if slices.Contains(m.Events, ev.ID) || !ev.ReceivedAt.After(m.Raised()) {
			continue // the form that raised it: the MQL carries it
		}
		sum := sha256.Sum256([]byte(ev.VisitorID + "\x00" + ev.ID))
		out = append(out, Reinquiry{ID: m.ID + "-f" + hex.EncodeToString(sum[:8]), MQL: m.ID, Person: person, Email: m.Email, Visitor: ev.VisitorID, Event: ev.ID, At: ev.Timestamp})
	}
	return out, nil
}

// raisedMQL is the person's current cycle's MQL while sales have it
// (reinquiryStages) or have just closed it (recycled, the rules'
// cooldown running since: Cooler), read once per person into seen.
func (q *Qualifier) raisedMQL(ctx context.Context, person string, seen map[string]*raised) (raised, bool, error) {
	if r, ok := seen[person]; ok {
		if r == nil {
			return raised{}, false, nil
		}
		return *r, true, nil
	}
	seen[person] = nil
	rec, err := q.Record(ctx, person)
	if errors.Is(err, identity.ErrNotFound) {
		return raised{}, false, nil
	}
	if err != nil {
		return raised{}, false, err
	}
	var until time.Time
	switch {
	case rec.Cycle < 1:
		return raised{}, false, nil
	case rec.Stage == StageRecycled:
		c, ok := q.Engine.(Cooler)
		if !ok || rec.CycleFrom.IsZero() {
			return raised{}, false, nil
		}
		// The cycle's MQL is still the one closed: Cycle moves on at
		// the next MQL, CycleFrom at the recycle.
		if until, ok = c.CooldownEnd(rec.CycleFrom); !ok || !until.After(rec.CycleFrom) {
			return raised{}, false, nil
		}
	case !slices.Contains(reinquiryStages, rec.Stage):
		return raised{}, false, nil
	}
	ms, err := q.MQLs(ctx, person)
	if err != nil {
		return raised{}, false, err
	}
	i := slices.IndexFunc(ms, func(m MQL) bool { return m.Cycle == rec.Cycle })
	if i < 0 {
		return raised{}, false, nil
	}
	seen[person] = &raised{m: ms[i], until: until}
	return *seen[person], true, nil
}

// HasRaisedMQL reports whether the person's current cycle's MQL is with
// sales, or was closed by them within the rules' cooldown: a form of
// theirs may be a re-inquiry (Reinquiries judges each form's time).
func (q *Qualifier) HasRaisedMQL(ctx context.Context, person string) (bool, error) {
	r, ok, err := q.raisedMQL(ctx, person, map[string]*raised{})
	// Past the cooldown no form of theirs is one, but a late form sent
	// within it (stored before its browser was linked) still is.
	return ok && (r.until.IsZero() || q.now().Before(r.until.Add(lateForm))), err
}

// lateForm is how long after the cooldown a link change still reads the
// browser's forms for one sent within it: a form stored before its
// browser's identification is linked within minutes, as the feed runs.
const lateForm = 24 * time.Hour
