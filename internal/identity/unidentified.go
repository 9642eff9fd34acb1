package identity

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/table"
)

// An event can name an email and identify nobody (a form from a browser
// flagged as automated, a crawler's identify): no person holds it, yet it
// holds the email, and the name and phone beside it. Identity remembers
// where each is, in the email's partition, so that erasing the email
// finds them:
//
//	PK=EMAIL#<email>  SK=SEEN#<visitor>#<event id>  kind=seen  (expires with the event)
const seenPfx = "SEEN#"

// seen is where the event is (the key alone cannot say: both ids may hold
// a '#').
type seen struct {
	Visitor string `json:"visitor"`
	Event   string `json:"event"`
}

// KindSeen is the kind of the memory of an event that named an email and
// identified nobody.
const KindSeen = "seen"

// NoteUnidentified remembers that ev names email and identified nobody.
// It writes nothing once the email is erased: ErrErased, and the caller
// deletes the event.
func (s *Stitcher) NoteUnidentified(ctx context.Context, ev event.Event, email string) error {
	data, _ := json.Marshal(seen{Visitor: ev.VisitorID, Event: ev.ID})
	it := table.Item{PK: "EMAIL#" + email, SK: seenPfx + ev.VisitorID + "#" + ev.ID, Kind: KindSeen, Data: data}
	if s.Log != nil && s.Log.Retention > 0 {
		it.Expires = ev.ReceivedAt.Add(s.Log.Retention)
	}
	err := s.Dir.T.Transact(ctx, []table.Write{table.Put(it, table.Always), privacy.NotErased(email)})
	if errors.Is(err, table.ErrConditionFailed) {
		return ErrErased
	}
	return err
}

// emailForms is event.EmailForms; none for no email.
func emailForms(email string) []string {
	if email == "" {
		return nil
	}
	return event.EmailForms(email)
}

// ForgetEmail implements the erasure of an email as such (it may belong to
// nobody): every event remembered as naming it without identifying anyone
// goes, and the memory with it.
func (s *Stitcher) ForgetEmail(ctx context.Context, email string) (privacy.Removed, error) {
	r := privacy.Removed{}
	items, refs, err := s.seen(ctx, email)
	if err != nil {
		return r, err
	}
	for _, ref := range refs {
		n, err := s.Log.DeleteEvents(ctx, ref.Visitor, ref.Event)
		r.Merge(n)
		if err != nil {
			return r, err
		}
	}
	n, err := privacy.DeleteItems(ctx, s.Dir.T, items)
	r.Merge(n)
	return r, err
}

// ShowEmail is what ForgetEmail removes: the events that named the email
// and identified nobody, and the memory of where they are.
func (s *Stitcher) ShowEmail(ctx context.Context, email string) (privacy.Disclosure, error) {
	items, refs, err := s.seen(ctx, email)
	if err != nil {
		return nil, err
	}
	d, err := privacy.ShowItems(items, nil)
	if err != nil {
		return d, err
	}
	for _, ref := range refs {
		n, err := s.Log.ShowEventsByID(ctx, ref.Visitor, ref.Event)
		d.Merge(n)
		if err != nil {
			return d, err
		}
	}
	return d, nil
}

// seen reads the memory of events that named the email and identified
// nobody (under the form before IDNA A-labels too), and where each event is.
func (s *Stitcher) seen(ctx context.Context, email string) ([]table.Item, []seen, error) {
	var items []table.Item
	var refs []seen
	for _, f := range emailForms(email) {
		its, err := s.Dir.T.Query(ctx, table.Query{PK: "EMAIL#" + f, Prefix: seenPfx, Consistent: true})
		if err != nil {
			return nil, nil, err
		}
		items = append(items, its...)
	}
	for _, it := range items {
		var ref seen
		if json.Unmarshal(it.Data, &ref) == nil && s.Log != nil {
			refs = append(refs, ref)
		}
	}
	return items, refs, nil
}
