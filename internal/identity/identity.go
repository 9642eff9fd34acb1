// Package identity turns anonymous visitors into known people. A person is
// keyed by normalised email and created exactly once (conditional put); a
// visitor (browser) belongs to at most one person at a time, and a person has
// many visitors. Layout on the table:
//
//	PK=EMAIL#<email>  SK=EMAIL   -> person id (the uniqueness guard; a person's
//	                             former emails keep theirs: ChangeEmail)
//	PK=P#<person>     SK=PERSON  the person: email, attributes
//	PK=P#<person>     SK=V#<vis> membership: the visitor was linked to the person
//	PK=V#<visitor>    SK=LINK    the visitor's current person and the history of
//	                             who it belonged to when (versioned, compare-and-swap)
//
// The link history is what keeps people apart: a second email submitted from
// the same browser switches the browser from then on, so earlier events stay
// with the first person and later ones go to the second. Nothing is merged.
package identity

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/table"
)

// Item kinds.
const (
	KindPerson = "person"
	KindEmail  = "email"
	KindLink   = "link"
	KindMember = "member"
)

// ErrNotFound is returned for an unknown person.
var ErrNotFound = errors.New("identity: person not found")

// ErrErased is returned instead of creating, or linking a browser to, a
// person who asked to be forgotten (their email has a tombstone).
var ErrErased = errors.New("identity: the person asked to be forgotten")

// Strength says how sure an identification is. A form submit (or a
// server-side identify) is Strong; a tracked email click is Weak, because
// emails get forwarded: a weak link never moves a browser away from a person
// it was strongly linked to.
type Strength string

// Strengths.
const (
	Strong Strength = "form"
	Weak   Strength = "click"
)

// Person is a known individual.
type Person struct {
	ID    string `json:"id"`
	Email string `json:"email"`
	// FormerEmails are the emails the person had before (oldest first):
	// their server user id came with a new one (ChangeEmail). Each still
	// finds them, and is erased with them.
	FormerEmails []string `json:"formerEmails,omitempty"`
	// Users are the server user ids an identification naming both the
	// user id and this person's email brought (AddUser): the site's
	// accounts that are theirs, whose later email and traits are theirs
	// (Stitcher.followUser, updateUser). A user id only joined to one of
	// their browsers (a track naming both ids) is a guess, and is not.
	Users      []string          `json:"users,omitempty"`
	Attributes map[string]string `json:"attributes"`
	Custom     map[string]string `json:"custom,omitempty"` // form fields Baton has no name for
	Source     string            `json:"source,omitempty"` // what created the person: form, identify, list, click
	CreatedAt  time.Time         `json:"createdAt"`        // when Baton first knew them (an offline list's: the touch's day)
	UpdatedAt  time.Time         `json:"updatedAt"`
	// ConsentWithdrawn is when they withdrew consent on a browser of
	// theirs (POST /optout); zero: not withdrawn, or given again since by
	// a form. Paths that name them without that browser (a click or open
	// by token, a list import) record nothing of them meanwhile.
	ConsentWithdrawn time.Time `json:"consentWithdrawn,omitzero"`

	secretsDropped bool // decodePerson left out what the item still holds: the next update writes
	upgraded       bool // decodePerson read a custom field as its attribute (upgradeCustom): the next update writes
}

// Span is a period during which a visitor belonged to a person. A zero From
// means "since the visitor's first event": anonymous history counts.
type Span struct {
	Person   string    `json:"person"`
	From     time.Time `json:"from,omitzero"`
	To       time.Time `json:"to,omitzero"` // zero: still linked
	Strength Strength  `json:"strength"`
	// Identified is when the identification that began the span happened,
	// where From does not say it (a span reaching back, zero From; one
	// moved a millisecond past the span before it, of the same time), so
	// that a form arriving late can be placed before or after it; zero on
	// a link written before it was kept.
	Identified time.Time `json:"identified,omitzero"`
}

// start is when the span begins: its From, or for one reaching back when
// its person identified; zero: unknown.
func (s Span) start() time.Time {
	if !s.From.IsZero() {
		return s.From
	}
	return s.Identified
}

// identified is the time of the form that began the span: Identified when
// kept (one reaching back, or one moved past the span before it by forms
// of one time), else its From; zero: unknown.
func (s Span) identified() time.Time {
	if !s.Identified.IsZero() {
		return s.Identified
	}
	return s.From
}

// Contains reports whether t falls within the span.
func (s Span) Contains(t time.Time) bool {
	return (s.From.IsZero() || !t.Before(s.From)) && (s.To.IsZero() || t.Before(s.To))
}

// Link is a visitor's identity record.
type Link struct {
	Visitor string `json:"visitor"`
	History []Span `json:"history"`
	// Dropped is when the oldest span kept begins, once spans were dropped
	// (MaxSpans): the browser's events before it are nobody's.
	Dropped time.Time `json:"dropped,omitzero"`
	// Rescore names the people whose past periods the last write changed
	// (a form placed before the current one's: its person, and whom the
	// period was taken from; a switch: the person it ended, whom the feed
	// may have scored the new person's first events for): the change feed
	// rescores them, as a new link scores the current person. Any other
	// write clears it.
	Rescore []string `json:"rescore,omitempty"`
	version int64
}

// placeLate places a strong identification of person at at, earlier than
// the current span's, where at falls: its person's from at until the next
// span, taking that time from the span it fell in (or, before the first
// identification, the anonymous history the first span reached back to).
// It reports false for a repeat (at falls in a span of person already) and
// else whose period it took.
func (l *Link) placeLate(person string, at time.Time) (bool, string) {
	k := -1
	for i, sp := range l.History {
		if st := sp.start(); st.IsZero() && i == 0 || !st.IsZero() && !at.Before(st) {
			k = i
		}
	}
	if k < 0 {
		first := &l.History[0]
		if first.From.IsZero() && first.Person == person {
			return false, "" // its span reaches back: the browser was the person's then already
		}
		sp := Span{Person: person, From: at, To: first.start(), Strength: Strong, Identified: at}
		if first.From.IsZero() { // the anonymous history is the earlier form's
			sp.From, first.From, first.Identified = time.Time{}, first.Identified, time.Time{}
		}
		l.History = slices.Insert(l.History, 0, sp)
		return true, first.Person
	}
	sp := &l.History[k]
	if sp.Person == person {
		return false, ""
	}
	late := Span{Person: person, From: at, To: sp.To, Strength: Strong}
	if sp.To.IsZero() || !at.Before(sp.To) {
		late.To = l.History[k+1].start()
	} else {
		sp.To = at
	}
	l.History = slices.Insert(l.History, k+1, late)
	return true, sp.Person
}

// MaxSpans bounds a browser's history: a browser shared by thousands of
// people (a booth's tablet taking lead forms, one Segment anonymousId for
// every identify) added a span (~140 bytes) for each, until the link passed
// DynamoDB's 400 KB and no later form on it identified anyone (bbolt took
// it). Past the bound the oldest spans go (about 140 KB kept): the newest
// decide who has the browser now. What is lost: the browser's events from
// the dropped periods are nobody's, so they leave those people's timelines
// and a rescore of them no longer counts them.
const MaxSpans = 1000

// trim keeps the newest MaxSpans spans.
func (l *Link) trim() {
	if n := len(l.History) - MaxSpans; n > 0 {
		l.History = slices.Delete(l.History, 0, n)
		l.Dropped = l.History[0].From
	}
}

// Current returns the span in force, if any.
func (l Link) Current() (Span, bool) {
	if n := len(l.History); n > 0 && l.History[n-1].To.IsZero() && l.History[n-1].Person != "" {
		return l.History[n-1], true
	}
	return Span{}, false
}

// Directory is the people repository.
type Directory struct {
	T   table.Table
	Now func() time.Time
}

func (d *Directory) now() time.Time {
	if d.Now != nil {
		return d.Now().UTC()
	}
	return clock.Now().UTC()
}

// The person's partition is identity's: it builds and decodes its keys
// (PersonPK, ScanPeople). Other packages keep their own kinds of item there
// under their own sort-key prefixes (qualify: SCORE, L#, H#, MQL#, FB#,
// DEAL#; sla: SLA#; push: DLV#; click: C#, CE#), reaching it through
// PersonPK only.
const personPrefix = "P#"

// PersonPK is the partition of a person.
func PersonPK(id string) string { return personPrefix + id }

// PersonOf decodes a person's partition key: the person id, and whether pk
// is one.
func PersonOf(pk string) (string, bool) { return strings.CutPrefix(pk, personPrefix) }

// ScanPeople visits every item of every person's partition (one pass over
// the table's people), with the person it belongs to.
func ScanPeople(ctx context.Context, t table.Table, fn func(person string, it table.Item) error) error {
	return t.Scan(ctx, personPrefix, func(it table.Item) error {
		id, _ := PersonOf(it.PK)
		return fn(id, it)
	})
}

// ScanPeoplePage visits the items of people's partitions on one page of a
// pass over them from cursor ("": the start), with the person each belongs
// to, and returns the next page's cursor ("": the pass is over): ScanPeople
// over several runs, for a pass that may outlast one (the sweep's).
func ScanPeoplePage(ctx context.Context, t table.Table, cursor string, fn func(person string, it table.Item) error) (string, error) {
	items, next, err := t.ScanPage(ctx, personPrefix, cursor)
	if err != nil {
		return "", err
	}
	for _, it := range items {
		if id, ok := PersonOf(it.PK); ok {
			if err := fn(id, it); err != nil {
				return "", err
			}
		}
	}
	return next, nil
}

// PersonIDs lists every person (the person record's partitions).
func PersonIDs(ctx context.Context, t table.Table) ([]string, error) {
	var out []string
	err := ScanPeople(ctx, t, func(person string, it table.Item) error {
		if it.SK == personSK {
			out = append(out, person)
		}
		return nil
	})
	return out, err
}

// PersonIDsPage lists the people of one page of a scan of the people's
// partitions from cursor ("": the start), and the next page's cursor ("":
// the pass is over): PersonIDs over several runs (a rescore job's listing).
func PersonIDsPage(ctx context.Context, t table.Table, cursor string) ([]string, string, error) {
	items, next, err := t.ScanPage(ctx, personPrefix, cursor)
	var out []string
	for _, it := range items {
		if id, ok := PersonOf(it.PK); ok && it.SK == personSK {
			out = append(out, id)
		}
	}
	return out, next, err
}

// Keys of identity's items: the person record in the person's partition,
// the person's visitors (sort key: the visitor's partition key), and the
// visitor's link in the visitor's partition (eventlog's, which builds it).
const (
	personSK = "PERSON"
	linkSK   = "LINK"
)

func visitorPK(visitor string) string { return eventlog.VisitorPK(visitor) }

// memberSK is the sort key of a person's visitor: the visitor's partition key.
func memberSK(visitor string) string { return eventlog.VisitorPK(visitor) }

// ValidPersonID reports whether id has the shape of a person id
// (p_ and 24 lower-case hex digits).
func ValidPersonID(id string) bool {
	if len(id) != 26 || id[:2] != "p_" {
		return false
	}
	for _, c := range id[2:] {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

func newPersonID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return "p_" + hex.EncodeToString(b[:])
}

// Ensure returns the person with the (already normalised) email, creating it
// when absent. Two concurrent first calls create one person. An erased
// email is ErrErased: a replayed form or list import does not bring the
// person back (nor does one during their erasure).
func (d *Directory) Ensure(ctx context.Context, email, source string) (p Person, created bool, err error) {
	return d.ensure(ctx, email, source, nil, nil, "")
}

// EnsureWith is Ensure for a person known with attributes (a list's row):
// one it creates has them in the one write that creates it; one that was
// there is returned as it is (Update merges them).
func (d *Directory) EnsureWith(ctx context.Context, email, source string, attrs, custom map[string]string) (p Person, created bool, err error) {
	return d.ensure(ctx, email, source, attrs, custom, "")
}

// EnsureSince is EnsureWith for a person known since a day before the
// list came (an exhibition's attendee, a business card exchanged): one it
// creates is created as of since (when earlier than now), the time their
// lead stage is dated and counted in, so that the month of the
// exhibition has its leads, not the month of the import.
func (d *Directory) EnsureSince(ctx context.Context, email, source string, attrs, custom map[string]string, since time.Time) (p Person, created bool, err error) {
	return d.ensureAt(ctx, email, source, attrs, custom, "", since)
}

// ensure is Ensure; a person it creates has the attributes and custom
// fields given (as Update would merge them) and the server user id user,
// if any, as their own (Person.Users, as AddUser records it), in the one
// write that creates them.
func (d *Directory) ensure(ctx context.Context, email, source string, attrs, custom map[string]string, user string) (p Person, created bool, err error) {
	return d.ensureAt(ctx, email, source, attrs, custom, user, time.Time{})
}

// MaxLate is how long before it reached Baton an event may date what it
// brings: a lead its form identifies (Stitcher.Identify), an MQL it
// qualifies (qualify). An event's time is its sender's, which the
// collector bounds only to 2000 and later: a client's clock, a batch held
// back, or anyone posting the public collector a form dated years back
// would date a lead and an MQL in reports long closed, and an MQL dated
// before the SLA sweep's window (read by that date) would never be found
// waiting. The SLA sweep reads MQLs dated this much before its window.
const MaxLate = 30 * 24 * time.Hour

// ensureAt is ensure creating the person as of since, when that is
// before now.
func (d *Directory) ensureAt(ctx context.Context, email, source string, attrs, custom map[string]string, user string, since time.Time) (p Person, created bool, err error) {
	if email == "" {
		return Person{}, false, errors.New("identity: empty email")
	}
	if gone, err := d.Erased(ctx, email); err != nil {
		return Person{}, false, err
	} else if gone {
		return Person{}, false, ErrErased
	}
	for attempt := 0; attempt < 3; attempt++ {
		p, err = d.ByEmail(ctx, email)
		if err == nil {
			return p, false, nil
		}
		if !errors.Is(err, ErrNotFound) {
			return Person{}, false, err
		}
		now := d.now()
		p = Person{ID: newPersonID(), Email: email, Attributes: map[string]string{}, Source: source, CreatedAt: now, UpdatedAt: now}
		if !since.IsZero() && since.Before(now) {
			p.CreatedAt = since.UTC()
		}
		merge(&p.Attributes, attrs)
		mergeCustom(&p.Custom, custom)
		if user != "" {
			p.Users = []string{user}
		}
		data, _ := json.Marshal(p)
		ref, _ := json.Marshal(map[string]string{"person": p.ID})
		err = d.T.Transact(ctx, []table.Write{
			table.Put(table.Item{PK: "EMAIL#" + email, SK: "EMAIL", Kind: KindEmail, Data: ref}, table.NotExists),
			table.Put(table.Item{PK: PersonPK(p.ID), SK: personSK, Kind: KindPerson, Data: data}, table.NotExists),
		})
		if err == nil {
			return p, true, nil
		}
		if !errors.Is(err, table.ErrConditionFailed) {
			return Person{}, false, err
		}
		// Someone else created this email first: read theirs.
	}
	return Person{}, false, fmt.Errorf("identity: could not create person for email: %w", err)
}

// ErrEmailTaken: ChangeEmail found the email another person's.
var ErrEmailTaken = errors.New("identity: the email is another person's")

// ErrTooManyEmails: ChangeEmail found the person with MaxFormerEmails
// former emails already.
var ErrTooManyEmails = errors.New("identity: the person changed email too often")

// MaxFormerEmails bounds a person's former emails: each is a key that finds
// them, and anyone with the write key can send a user id with new emails.
const MaxFormerEmails = 20

// ChangeEmail makes email (normalised) the person's: the one they are
// pushed and shown with. The one they had becomes a former email, still
// finding them (and erased with them); an email of theirs already (a
// former one) becomes theirs again. An erased email is ErrErased; one
// that is another person's is ErrEmailTaken (nobody is merged); a person
// erased or being erased meanwhile is ErrNotFound. user is the server
// user id the email came with: unless it is the person's own
// (Person.Users), nothing changes (errNotTheirs). It reports whether
// anything changed.
func (d *Directory) ChangeEmail(ctx context.Context, id, user, email string) (Person, bool, error) {
	if email == "" {
		return Person{}, false, errors.New("identity: empty email")
	}
	for attempt := 0; table.Again(ctx, attempt); attempt++ {
		p, ver, err := d.get(ctx, id)
		if err != nil || p.Email == email {
			return p, false, err // the user id's usual call: one read
		}
		if !slices.Contains(p.Users, user) {
			return p, false, errNotTheirs
		}
		if gone, err := d.Erased(ctx, email); err != nil {
			return Person{}, false, err
		} else if gone {
			return Person{}, false, ErrErased
		}
		owner, err := d.emailOwner(ctx, email)
		if err != nil {
			return Person{}, false, err
		}
		if owner != "" && owner != id {
			return p, false, ErrEmailTaken
		}
		old := p.Email
		former := slices.DeleteFunc(slices.Clone(p.FormerEmails), func(e string) bool { return e == email })
		if former = append(former, old); len(former) > MaxFormerEmails {
			return p, false, ErrTooManyEmails
		}
		p.Email, p.FormerEmails, p.UpdatedAt = email, former, d.now()
		data, _ := json.Marshal(p)
		ws := []table.Write{
			table.Put(table.Item{PK: PersonPK(id), SK: personSK, Kind: KindPerson, Data: data}, table.VersionIs(ver)),
			privacy.NotErased(email),
			privacy.NotErased(old), // an erasure of them has begun: nothing of them is written
		}
		if owner == "" {
			ref, _ := json.Marshal(map[string]string{"person": id})
			ws = append(ws, table.Put(table.Item{PK: "EMAIL#" + email, SK: "EMAIL", Kind: KindEmail, Data: ref}, table.NotExists))
		}
		err = d.T.Transact(ctx, ws)
		if err == nil {
			return p, true, nil
		}
		if !errors.Is(err, table.ErrConditionFailed) {
			return Person{}, false, err
		}
		if gone, err := d.Erased(ctx, old); err != nil {
			return Person{}, false, err
		} else if gone {
			return Person{}, false, ErrNotFound
		}
	}
	return Person{}, false, errors.New("identity: too much contention changing an email")
}

// MaxUsers bounds a person's server user ids (Person.Users): past it a
// new one is not recorded, and its email changes make a person of their
// own, as before user ids were recorded.
const MaxUsers = 20

// AddUser records that the server user id user is the person's own
// account (Person.Users): an identification named both. Nothing is
// written when it is there already, the person is gone, or has MaxUsers.
func (d *Directory) AddUser(ctx context.Context, id, user string) error {
	for attempt := 0; table.Again(ctx, attempt); attempt++ {
		p, ver, err := d.get(ctx, id)
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		if err != nil || slices.Contains(p.Users, user) || len(p.Users) >= MaxUsers {
			return err
		}
		p.Users = append(p.Users, user)
		data, _ := json.Marshal(p)
		err = d.T.Put(ctx, table.Item{PK: PersonPK(id), SK: personSK, Kind: KindPerson, Data: data}, table.VersionIs(ver))
		if !errors.Is(err, table.ErrConditionFailed) {
			return err
		}
	}
	return errors.New("identity: too much contention recording a user id")
}

// emailOwner is the id of the person an email's key names ("" for none),
// under any of its forms (see ByEmail).
func (d *Directory) emailOwner(ctx context.Context, email string) (string, error) {
	for _, f := range event.EmailForms(email) {
		it, err := d.T.Get(ctx, "EMAIL#"+f, "EMAIL")
		if errors.Is(err, table.ErrNotFound) {
			continue
		}
		if err != nil {
			return "", err
		}
		var ref struct {
			Person string `json:"person"`
		}
		if err := json.Unmarshal(it.Data, &ref); err != nil {
			return "", err
		}
		return ref.Person, nil
	}
	return "", nil
}

// ByEmail finds a person by normalised email: under its key, or under the
// Unicode form of its domain (event.EmailForms), the key of a person that
// versions before IDNA A-labels created.
func (d *Directory) ByEmail(ctx context.Context, email string) (Person, error) {
	var it table.Item
	err := table.ErrNotFound
	for _, f := range event.EmailForms(email) {
		if it, err = d.T.Get(ctx, "EMAIL#"+f, "EMAIL"); !errors.Is(err, table.ErrNotFound) {
			break
		}
	}
	if errors.Is(err, table.ErrNotFound) {
		return Person{}, ErrNotFound
	}
	if err != nil {
		return Person{}, err
	}
	var ref struct {
		Person string `json:"person"`
	}
	if err := json.Unmarshal(it.Data, &ref); err != nil {
		return Person{}, err
	}
	return d.Get(ctx, ref.Person)
}

// Get reads a person.
func (d *Directory) Get(ctx context.Context, id string) (Person, error) {
	p, _, err := d.get(ctx, id)
	return p, err
}

func (d *Directory) get(ctx context.Context, id string) (Person, int64, error) {
	if !ValidPersonID(id) {
		return Person{}, 0, ErrNotFound // a malformed id names nobody
	}
	it, err := d.T.Get(ctx, PersonPK(id), personSK)
	if errors.Is(err, table.ErrNotFound) {
		return Person{}, 0, ErrNotFound
	}
	if err != nil {
		return Person{}, 0, err
	}
	p, err := decodePerson(it.Data)
	if err != nil {
		return Person{}, 0, err
	}
	return p, it.Version, nil
}

// decodePerson reads a person's item. What a form or CSV stored before the
// collector dropped secrets (an attribute named pw or カード番号, a card
// number under any name or within a text) is left out of what is read, so
// that no page, rule, export or SFA push sees it, and out of the item at
// the person's next update.
func decodePerson(data []byte) (Person, error) {
	var p Person
	if err := json.Unmarshal(data, &p); err != nil {
		return Person{}, err
	}
	for _, m := range []map[string]string{p.Attributes, p.Custom} {
		for k, v := range m {
			if event.SecretField(k) || event.CardNumber(v) {
				delete(m, k)
				p.secretsDropped = true
			} else if r, ok := event.RedactCards(v); ok {
				m[k] = r
				p.secretsDropped = true
			}
		}
	}
	p.upgraded = upgradeCustom(&p)
	return p, nil
}

// upgradeCustom reads as their attributes the custom fields stored under
// a name that is an attribute's now (フリガナ, 携帯電話: imports before
// name_kana and mobile existed kept them custom): a field whose attribute
// the person has no value for is that value; one whose value is the
// attribute's, as an import now stores it, goes. The person page showed
// the reading and the mobile twice, once as each, and the SFA got
// neither. A value other than the attribute's stays custom (a form's
// second number, as SplitLabelled keeps it): nothing stored is lost. It
// reports whether the person changed.
func upgradeCustom(p *Person) bool {
	changed := false
	for _, k := range slices.Sorted(maps.Keys(p.Custom)) { // of two for one attribute, the first by name, as SplitLabelled
		v := p.Custom[k]
		a, ok := FieldAttribute(k)
		if !ok || event.IsEmailKey(a) {
			continue
		}
		known, _ := SplitAttributes(map[string]string{k: v}, nil)
		now, ok := known[a]
		if !ok {
			continue // nothing an import would store (invisible, an address)
		}
		switch had := p.Attributes[a]; {
		case had == "":
			if p.Attributes == nil {
				p.Attributes = map[string]string{}
			}
			p.Attributes[a] = now
		case had != now:
			continue
		}
		delete(p.Custom, k)
		changed = true
	}
	return changed
}

// Update merges attributes into a person (new values win; empty values
// never erase what is known). It reports whether anything changed.
func (d *Directory) Update(ctx context.Context, id string, attrs, custom map[string]string) (Person, bool, error) {
	return d.update(ctx, id, attrs, custom, false, nil)
}

// Fill gives a person the attributes they have no value for and leaves the
// others: for lists exported from another tool (a newsletter's recipients),
// whose values may be older than what the person typed into a form since
// (ベータ工業株式会社 became ベータ again on a list upload).
func (d *Directory) Fill(ctx context.Context, id string, attrs, custom map[string]string) (Person, bool, error) {
	return d.update(ctx, id, attrs, custom, true, nil)
}

// update is Update, or Fill when fill (the person's values as read in each
// attempt are kept), refused when check (if any) says an error of the
// person as read: the one read of the person serves both.
func (d *Directory) update(ctx context.Context, id string, attrs, custom map[string]string, fill bool, check func(Person) error) (Person, bool, error) {
	for attempt := 0; table.Again(ctx, attempt); attempt++ {
		p, ver, err := d.get(ctx, id)
		if err != nil {
			return Person{}, false, err
		}
		if check != nil {
			if err := check(p); err != nil {
				return p, false, err
			}
		}
		attrs, custom := attrs, custom
		if fill {
			attrs, custom = missing(p.Attributes, attrs), missing(p.Custom, custom)
		}
		a, c := merge(&p.Attributes, attrs), mergeCustom(&p.Custom, custom)
		changed := a || c
		if !changed && !p.secretsDropped && !p.upgraded {
			return p, false, nil
		}
		p.UpdatedAt = d.now()
		data, _ := json.Marshal(p)
		err = d.T.Put(ctx, table.Item{PK: PersonPK(id), SK: personSK, Kind: KindPerson, Data: data}, table.VersionIs(ver))
		if err == nil {
			return p, true, nil
		}
		if !errors.Is(err, table.ErrConditionFailed) {
			return Person{}, false, err
		}
	}
	return Person{}, false, errors.New("identity: too much contention updating person")
}

// A person's custom fields are bounded: anyone can send forms with
// someone's email, and each with new field names grew the person until
// its item passed DynamoDB's 400 KB and every later update failed. Beyond
// the bounds new fields are not kept; the fields kept still change.
const (
	MaxCustomFields = 100
	maxCustomBytes  = 128 << 10 // as stored (JSON escapes a '<' in 6 bytes)
)

// mergeCustom is merge within the bounds on custom fields, new ones taken
// in name order.
func mergeCustom(dst *map[string]string, src map[string]string) bool {
	size := 0
	for k, v := range *dst {
		size += jsonLen(k, v)
	}
	keys := make([]string, 0, len(src))
	for k := range src {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	changed := false
	for _, k := range keys {
		v := src[k]
		old, had := (*dst)[k]
		if v == "" || had && old == v {
			continue
		}
		grow := jsonLen(k, v)
		if had {
			grow -= jsonLen(k, old)
		}
		if !had && len(*dst) >= MaxCustomFields || grow > 0 && size+grow > maxCustomBytes {
			continue
		}
		if *dst == nil {
			*dst = map[string]string{}
		}
		(*dst)[k] = v
		size += grow
		changed = true
	}
	return changed
}

// jsonLen is the length of "k":"v", in the person's JSON.
func jsonLen(k, v string) int {
	kb, _ := json.Marshal(k)
	vb, _ := json.Marshal(v)
	return len(kb) + len(vb) + 2
}

func merge(dst *map[string]string, src map[string]string) bool {
	changed := false
	for k, v := range src {
		if v == "" {
			continue
		}
		if *dst == nil {
			*dst = map[string]string{}
		}
		if (*dst)[k] != v {
			(*dst)[k] = v
			changed = true
		}
	}
	return changed
}

// missing is src without the keys have holds a value for.
func missing(have, src map[string]string) map[string]string {
	out := make(map[string]string, len(src))
	for k, v := range src {
		if have[k] == "" {
			out[k] = v
		}
	}
	return out
}

// GetLink reads a visitor's link (empty when never identified).
func (d *Directory) GetLink(ctx context.Context, visitor string) (Link, error) {
	it, err := d.T.Get(ctx, visitorPK(visitor), linkSK)
	if errors.Is(err, table.ErrNotFound) {
		return Link{Visitor: visitor}, nil
	}
	if err != nil {
		return Link{}, err
	}
	var l Link
	if err := json.Unmarshal(it.Data, &l); err != nil {
		return Link{}, err
	}
	l.version = it.Version
	return l, nil
}

// PersonAt returns who the visitor belonged to at time t ("" for nobody).
func (l Link) PersonAt(t time.Time) string {
	for i := len(l.History) - 1; i >= 0; i-- {
		if l.History[i].Contains(t) {
			return l.History[i].Person
		}
	}
	return ""
}

// LinkResult says what Link did.
type LinkResult struct {
	Changed  bool   // the visitor now belongs to the person (and did not before)
	Previous string // the person it belonged to before a switch
	Refused  bool   // not linked: a weak link did not override a strong one, or Full
	Full     bool   // not linked: the person has MaxBrowsers browsers already
}

// MaxBrowsers bounds the browsers (visitor ids) linked to one person. A
// real person has a few. Hundreds mean their email typed into forms on
// many browsers, by someone else or on a shared device, and every link
// makes scoring replay a history read browser by browser: the cost of n
// links grows with n squared and stalls the scoring of everyone behind
// them on the feed. Past the bound a new browser is not linked: its events
// stay anonymous.
const MaxBrowsers = 100

// LinkVisitor makes the visitor belong to the person from time at on. The
// first link of a visitor reaches back to its first event (its anonymous
// history becomes the person's); a later link to someone else is a switch
// from at on.
func (d *Directory) LinkVisitor(ctx context.Context, visitor, person string, at time.Time, s Strength) (LinkResult, error) {
	roomChecked := false
	for attempt := 0; table.Again(ctx, attempt); attempt++ {
		l, err := d.GetLink(ctx, visitor)
		if err != nil {
			return LinkResult{}, err
		}
		res := LinkResult{Changed: true}
		var rescore []string
		cur, linked := l.Current()
		switch {
		case linked && s == Strong && at.Before(cur.identified()):
			// A form from before the current one's, arriving after it (a
			// client's retry, a late batch): it is placed where its time
			// falls, not made a switch from now on (which gave the browser
			// back to the earlier person). The current person's own too:
			// the period before their current span may be someone else's.
			changed, took := l.placeLate(person, at)
			confirms := cur.Person == person && cur.Strength != s
			if confirms {
				l.History[len(l.History)-1].Strength = s // a form confirms a click
			}
			if !changed {
				if !confirms {
					return LinkResult{}, nil // a repeat
				}
				res.Changed = false
				break
			}
			res.Previous = took
			rescore = []string{person}
			if took != "" && took != person {
				rescore = append(rescore, took)
			}
		case linked && cur.Person == person:
			if cur.Strength == s || s == Weak {
				return LinkResult{}, nil
			}
			l.History[len(l.History)-1].Strength = s // a form confirms a click
			res.Changed = false
		case linked && s == Weak && cur.Strength == Strong:
			return LinkResult{Refused: true, Previous: cur.Person}, nil
		case linked:
			sp := Span{Person: person, From: at, Strength: s}
			if !at.After(cur.From) {
				// Spans never overlap or invert; the form's own time is
				// kept, so that another form of that time is not late.
				sp.From, sp.Identified = cur.From.Add(time.Millisecond), at
			}
			l.History[len(l.History)-1].To = sp.From
			l.History = append(l.History, sp)
			res.Previous = cur.Person
			// The collector stores a request's events before it
			// identifies its form, so the feed may have scored the new
			// person's form, and what followed it, for the previous
			// one: a colleague's contact form on a shared PC, the
			// thank-you page of a corrected address. Scoring only
			// adds; the previous person is rebuilt from their periods.
			rescore = []string{cur.Person}
		case len(l.History) == 0:
			l.History = []Span{{Person: person, Strength: s, Identified: at}}
		default: // its person was erased: from now on only
			last := &l.History[len(l.History)-1]
			if last.To.IsZero() {
				if !at.After(last.From) {
					at = last.From.Add(time.Millisecond)
				}
				last.To = at
			}
			l.History = append(l.History, Span{Person: person, From: at, Strength: s})
		}
		if res.Changed && !roomChecked {
			full, err := d.full(ctx, person, visitor)
			if err != nil {
				return LinkResult{}, err
			}
			if full {
				return LinkResult{Refused: true, Full: true}, nil
			}
			roomChecked = true
		}
		l.trim()
		l.Visitor, l.Rescore = visitor, rescore
		data, _ := json.Marshal(l)
		member, _ := json.Marshal(map[string]any{"visitor": visitor, "linkedAt": d.now()})
		err = d.T.Transact(ctx, []table.Write{
			table.Put(table.Item{PK: visitorPK(visitor), SK: linkSK, Kind: KindLink, Data: data}, table.VersionIs(l.version)),
			table.Put(table.Item{PK: PersonPK(person), SK: memberSK(visitor), Kind: KindMember, Data: member}, table.Always),
		})
		if err == nil {
			return res, nil
		}
		if !errors.Is(err, table.ErrConditionFailed) {
			return LinkResult{}, err
		}
	}
	return LinkResult{}, errors.New("identity: too much contention linking visitor")
}

// PseudoVisitor is the visitor id a person's email opens, offline touches
// and clicks on someone else's browser are stored under: no browser's, and
// always theirs.
func PseudoVisitor(person string) string { return "o:" + person }

// full reports whether the person has MaxBrowsers browsers and visitor is
// not one of them (a browser linked before, to them, comes back). Two
// links racing may both find room: the bound is for cost, not exact. The
// person's pseudo-visitor is no browser: others' forms cannot keep it out.
func (d *Directory) full(ctx context.Context, person, visitor string) (bool, error) {
	if visitor == PseudoVisitor(person) {
		return false, nil
	}
	items, err := d.T.Query(ctx, table.Query{PK: PersonPK(person), Prefix: memberSK(""), Limit: MaxBrowsers})
	if err != nil || len(items) < MaxBrowsers {
		return false, err
	}
	_, err = d.T.Get(ctx, PersonPK(person), memberSK(visitor))
	if errors.Is(err, table.ErrNotFound) {
		return true, nil
	}
	return false, err
}

// Visitors lists the visitors ever linked to a person.
func (d *Directory) Visitors(ctx context.Context, person string) ([]string, error) {
	items, err := d.T.Query(ctx, table.Query{PK: PersonPK(person), Prefix: memberSK("")})
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(items))
	for _, it := range items {
		out = append(out, strings.TrimPrefix(it.SK, memberSK("")))
	}
	return out, nil
}

// unlink removes a person from a visitor's history (erasure): their periods
// stay as periods of nobody, so other people's periods are unchanged.
func (d *Directory) unlink(ctx context.Context, visitor, person string) error {
	for attempt := 0; table.Again(ctx, attempt); attempt++ {
		l, err := d.GetLink(ctx, visitor)
		if err != nil {
			return err
		}
		for i := range l.History {
			if l.History[i].Person == person {
				l.History[i].Person = ""
			}
		}
		l.Rescore = nil // no erased person's id stays behind
		data, _ := json.Marshal(l)
		err = d.T.Put(ctx, table.Item{PK: visitorPK(visitor), SK: linkSK, Kind: KindLink, Data: data}, table.VersionIs(l.version))
		if err == nil || !errors.Is(err, table.ErrConditionFailed) {
			return err
		}
	}
	return errors.New("identity: too much contention forgetting visitor")
}

// UndoClickLink undoes what a newsletter click's weak link did: when the
// visitor's current period is the person's and only a click made it (Weak),
// the period is removed, the period it ended (if any) is in force again, and
// the visitor leaves the person's visitors when no other period is theirs.
// A click later judged a scanner's must not have identified anyone. A form's
// link (Strong) is never undone. It reports whether anything changed.
func (d *Directory) UndoClickLink(ctx context.Context, visitor, person string) (bool, error) {
	for attempt := 0; table.Again(ctx, attempt); attempt++ {
		l, err := d.GetLink(ctx, visitor)
		if err != nil {
			return false, err
		}
		cur, ok := l.Current()
		if !ok || cur.Person != person || cur.Strength != Weak {
			return false, nil
		}
		n := len(l.History) - 1
		l.History = l.History[:n]
		if n > 0 && !cur.From.IsZero() && l.History[n-1].To.Equal(cur.From) {
			l.History[n-1].To = time.Time{} // the switch is undone
		}
		still := false
		for _, s := range l.History {
			still = still || s.Person == person
		}
		l.Visitor, l.Rescore = visitor, nil // (Rescore is the last write's: not this one's)
		data, _ := json.Marshal(l)
		ws := []table.Write{table.Put(table.Item{PK: visitorPK(visitor), SK: linkSK, Kind: KindLink, Data: data}, table.VersionIs(l.version))}
		if !still {
			ws = append(ws, table.Del(PersonPK(person), memberSK(visitor), table.Always))
		}
		err = d.T.Transact(ctx, ws)
		if err == nil {
			return true, nil
		}
		if !errors.Is(err, table.ErrConditionFailed) {
			return false, err
		}
	}
	return false, errors.New("identity: too much contention undoing a link")
}

// ScanPersons visits every person record (one pass over the people's
// partitions), for the workspace's people search.
func ScanPersons(ctx context.Context, t table.Table, fn func(Person) error) error {
	return ScanPeople(ctx, t, func(_ string, it table.Item) error {
		if it.SK != personSK {
			return nil
		}
		p, err := decodePerson(it.Data)
		if err != nil {
			return err
		}
		return fn(p)
	})
}
