package identity

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/table"
)

// Erased reports whether the email was erased (it has a tombstone).
func (d *Directory) Erased(ctx context.Context, email string) (bool, error) {
	return privacy.Erased(ctx, d.T, email)
}

// RefusedVisitor reports whether a visitor id was an erased person's alone
// (their server user id "u:<userId>", a browser only they had), or is one
// of a person who withdrew consent: the server API refuses it, as the
// tombstone refuses their email.
func (d *Directory) RefusedVisitor(ctx context.Context, visitor string) (bool, error) {
	return privacy.Buried(ctx, d.T, "visitor:"+visitor)
}

// Active reports whether a person may be recorded: known, not erased
// (nor being erased), and not having withdrawn consent. A verified
// recipient token names a person by id; one who is not active is recorded
// as nobody.
func (d *Directory) Active(ctx context.Context, id string) (bool, error) {
	p, err := d.Get(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if !p.ConsentWithdrawn.IsZero() {
		return false, nil
	}
	gone, err := d.Erased(ctx, p.Email)
	return !gone && err == nil, err
}

// Gone reports whether a person is erased or being erased (unknown, or
// their email has a tombstone), as opposed to merely not to be recorded.
func (d *Directory) Gone(ctx context.Context, id string) (bool, error) {
	p, err := d.Get(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	return d.Erased(ctx, p.Email)
}

// Gone reports whether a person is erased or being erased; see
// Directory.Gone.
func (s *Stitcher) Gone(ctx context.Context, id string) (bool, error) { return s.Dir.Gone(ctx, id) }

// Subject is who a person id is, for erasure: their email and every
// visitor id ever linked to them. An unknown person is ErrNotFound.
func (d *Directory) Subject(ctx context.Context, id string) (privacy.Subject, error) {
	p, err := d.Get(ctx, id)
	if err != nil {
		return privacy.Subject{}, err
	}
	vs, err := d.Visitors(ctx, id)
	if err != nil {
		return privacy.Subject{}, err
	}
	return privacy.Subject{Person: p.ID, Email: p.Email, FormerEmails: p.FormerEmails, Visitors: vs}, nil
}

// Subject implements privacy.People.
func (s *Stitcher) Subject(ctx context.Context, id string) (privacy.Subject, error) {
	return s.Dir.Subject(ctx, id)
}

// Active reports whether a person may be recorded; see Directory.Active.
func (s *Stitcher) Active(ctx context.Context, id string) (bool, error) { return s.Dir.Active(ctx, id) }

// RefusedVisitor reports whether a visitor id is refused (erased,
// withdrawn); see Directory.RefusedVisitor.
func (s *Stitcher) RefusedVisitor(ctx context.Context, visitor string) (bool, error) {
	return s.Dir.RefusedVisitor(ctx, visitor)
}

// Erased reports whether an email was erased; see Directory.Erased.
func (s *Stitcher) Erased(ctx context.Context, email string) (bool, error) {
	return s.Dir.Erased(ctx, email)
}

// Forget implements privacy.Forgetter for what identity keeps, and runs
// last (privacy.People): the events of each of the person's browsers from
// the periods it was theirs (a browser only they had goes whole: events,
// aliases and link; a shared one keeps the other people's periods and
// events, the person's periods becoming nobody's), the email key, and the
// person's partition, the person record last. Whatever another package
// left in the partition goes with it (a scoring run that raced the
// erasure); every package forgets its own items before.
func (s *Stitcher) Forget(ctx context.Context, sub privacy.Subject) (privacy.Removed, error) {
	r := privacy.Removed{}
	for _, v := range sub.Visitors {
		n, err := s.forgetVisitor(ctx, v, sub.Person)
		r.Merge(n)
		if err != nil {
			return r, err
		}
	}
	// An email their user id brought while the erasure began (ChangeEmail
	// read no tombstone yet) is theirs too: tombstoned now, forgotten here.
	emails := append([]string{sub.Email}, sub.FormerEmails...)
	if p, err := s.Dir.Get(ctx, sub.Person); err == nil {
		for _, e := range append([]string{p.Email}, p.FormerEmails...) {
			if !slices.Contains(emails, e) {
				if err := privacy.Tombstone(ctx, s.Dir.T, e, s.Dir.now()); err != nil {
					return r, err
				}
				emails = append(emails, e)
			}
		}
	} else if !errors.Is(err, ErrNotFound) {
		return r, err
	}
	for _, e := range emails {
		n, err := s.ForgetEmail(ctx, e) // events that named their email and identified nobody
		r.Merge(n)
		if err != nil {
			return r, err
		}
	}
	t := s.Dir.T
	keys, err := s.emailKeys(ctx, sub.Person, emails)
	if err != nil {
		return r, err
	}
	n, err := privacy.DeleteItems(ctx, t, keys)
	r.Merge(n)
	if err != nil {
		return r, err
	}
	n, err = privacy.DeleteQuery(ctx, t, table.Query{PK: PersonPK(sub.Person)}, func(it table.Item) bool { return it.SK != personSK })
	r.Merge(n)
	if err != nil {
		return r, err
	}
	n, err = privacy.DeleteItems(ctx, t, []table.Item{{PK: PersonPK(sub.Person), SK: personSK, Kind: KindPerson}})
	r.Merge(n)
	return r, err
}

// forgetVisitor removes the visitor's events from the person's periods, and
// the whole visitor when it never belonged to anyone else.
func (s *Stitcher) forgetVisitor(ctx context.Context, visitor, person string) (privacy.Removed, error) {
	link, err := s.Dir.GetLink(ctx, visitor)
	if err != nil {
		return nil, err
	}
	// A browser whose oldest spans were dropped (MaxSpans) was shared, and
	// the person's periods may be among those dropped: its events from
	// before the oldest span kept (nobody's now) go with them.
	dropped := link.Dropped
	if !link.sharedWith(person) {
		// Buried first: what arrives for it meanwhile is refused, or
		// deleted below.
		if err := privacy.Bury(ctx, s.Dir.T, "visitor:"+visitor, s.Dir.now()); err != nil {
			return nil, err
		}
		r, err := s.Log.ForgetVisitor(ctx, visitor)
		if err != nil {
			return r, err
		}
		n, err := privacy.DeleteItems(ctx, s.Dir.T, []table.Item{{PK: visitorPK(visitor), SK: linkSK, Kind: KindLink}})
		r.Merge(n)
		return r, err
	}
	// Shared: a hold of the person's withdrawal (privacy.Hold) on it goes
	// with them, as nothing would lift it now.
	if err := privacy.Release(ctx, s.Dir.T, "visitor:"+visitor); err != nil {
		return nil, err
	}
	r, err := s.Log.ForgetEvents(ctx, visitor, func(ev event.Event) bool {
		return link.PersonAt(ev.Timestamp) == person || ev.Timestamp.Before(dropped)
	})
	if err != nil {
		return r, err
	}
	if err := s.Dir.unlink(ctx, visitor, person); err != nil {
		return r, err
	}
	r.Add(KindLink, 1) // rewritten: the person's periods are nobody's
	return r, nil
}

// Disclose implements privacy.Discloser for what identity keeps of a
// person, as Forget removes it: the person's record, their emails' keys,
// their browsers (a browser only they had: its events, other ids and link;
// a shared one: the events of their periods, and those periods), events
// that named their email and identified nobody, and their visitor list.
// A shared browser's events from before its oldest kept period, which an
// erasure removes because they may be the person's, may as well be
// someone else's: they are shown by time only.
func (s *Stitcher) Disclose(ctx context.Context, sub privacy.Subject) (privacy.Disclosure, error) {
	d := privacy.Disclosure{}
	for _, v := range sub.Visitors {
		n, err := s.showVisitor(ctx, v, sub.Person)
		d.Merge(n)
		if err != nil {
			return d, err
		}
	}
	emails := append([]string{sub.Email}, sub.FormerEmails...)
	p, err := s.Dir.Get(ctx, sub.Person)
	found := err == nil
	if err != nil && !errors.Is(err, ErrNotFound) {
		return d, err
	}
	for _, e := range append([]string{p.Email}, p.FormerEmails...) {
		if e != "" && !slices.Contains(emails, e) {
			emails = append(emails, e)
		}
	}
	t := s.Dir.T
	for _, e := range emails {
		if e == "" {
			continue
		}
		n, err := s.ShowEmail(ctx, e)
		shownOnce(d, n)
		if err != nil {
			return d, err
		}
	}
	keys, err := s.emailKeys(ctx, sub.Person, emails)
	if err != nil {
		return d, err
	}
	for _, it := range keys {
		if err := d.AddValue(KindEmail, map[string]string{"email": strings.TrimPrefix(it.PK, "EMAIL#"), "person": sub.Person}); err != nil {
			return d, err
		}
	}
	// Identity's own items of the partition: the other packages' are
	// theirs to show (Forget, running last, finds only these).
	n, err := privacy.ShowQuery(ctx, t, table.Query{PK: PersonPK(sub.Person)}, func(it table.Item) bool {
		return it.SK != personSK && it.Kind == KindMember
	}, nil)
	d.Merge(n)
	if err != nil {
		return d, err
	}
	if found {
		err = d.AddValue(KindPerson, p)
	}
	return d, err
}

// shownOnce adds n's entries to d but for those d holds already: an event
// a browser of theirs holds that an email's memory names too (it named
// them from that browser before it was theirs) is one item, which Forget
// removes once (with the browser; ForgetEmail then finds it gone).
func shownOnce(d, n privacy.Disclosure) {
	for kind, docs := range n {
		for _, doc := range docs {
			if !slices.ContainsFunc(d[kind], func(x json.RawMessage) bool { return bytes.Equal(x, doc) }) {
				d.Add(kind, doc)
			}
		}
	}
}

// showVisitor is what forgetVisitor removes of a browser.
func (s *Stitcher) showVisitor(ctx context.Context, visitor, person string) (privacy.Disclosure, error) {
	link, err := s.Dir.GetLink(ctx, visitor)
	if err != nil {
		return nil, err
	}
	dropped := link.Dropped
	if !link.sharedWith(person) {
		d, err := s.Log.ShowVisitor(ctx, visitor)
		if err != nil || link.version == 0 {
			return d, err // no link item: DeleteItems removes none
		}
		return d, d.AddValue(KindLink, link)
	}
	d, err := s.Log.ShowEvents(ctx, visitor, func(ev event.Event) bool { return link.PersonAt(ev.Timestamp) == person })
	if err != nil {
		return d, err
	}
	before, err := s.Log.ShowEvents(ctx, visitor, func(ev event.Event) bool {
		return ev.Timestamp.Before(dropped) && link.PersonAt(ev.Timestamp) != person
	})
	if err != nil {
		return d, err
	}
	for _, doc := range before[eventlog.KindEvent] {
		var ev struct {
			Timestamp time.Time `json:"timestamp"`
		}
		_ = json.Unmarshal(doc, &ev)
		if err := d.AddValue(eventlog.KindEvent, map[string]any{"visitor": visitor, "timestamp": ev.Timestamp, "note": "an event of a browser shared with others, from before its oldest period kept: whose it was is no longer known; it is erased with the person, and shown by time only"}); err != nil {
			return d, err
		}
	}
	var theirs []Span
	for _, sp := range link.History {
		if sp.Person == person {
			theirs = append(theirs, sp)
		}
	}
	return d, d.AddValue(KindLink, Link{Visitor: visitor, History: theirs})
}

// sharedWith reports whether a browser was someone else's too (its
// dropped periods may have been): an erasure takes the person's periods
// from it, not the browser.
func (l Link) sharedWith(person string) bool {
	if !l.Dropped.IsZero() {
		return true
	}
	for _, sp := range l.History {
		if sp.Person != person && sp.Person != "" {
			return true
		}
	}
	return false
}

// emailKeys are the keys of emails, in each of their forms (and the form
// before IDNA A-labels), that lead to the person: what Forget deletes and
// Disclose shows.
func (s *Stitcher) emailKeys(ctx context.Context, person string, emails []string) ([]table.Item, error) {
	var out []table.Item
	seen := map[string]bool{} // two spellings of one address share a form: one key, once
	for _, e := range emails {
		if e == "" {
			continue
		}
		for _, f := range emailForms(e) {
			if seen[f] {
				continue
			}
			seen[f] = true
			it, err := s.Dir.T.Get(ctx, "EMAIL#"+f, "EMAIL")
			if errors.Is(err, table.ErrNotFound) {
				continue
			}
			if err != nil {
				return nil, err
			}
			var ref struct {
				Person string `json:"person"`
			}
			if json.Unmarshal(it.Data, &ref) == nil && ref.Person == person {
				out = append(out, it)
			}
		}
	}
	return out, nil
}
