package account

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/textcut"
)

// HandleChanges keeps accounts current from the table's change feed. It
// runs on the changes scoring has just handled (app/core runs
// scorefeed.HandleChanges first), so each person it refreshes has their new
// score: for every person named by the batch's events and visitor links it
// reads the person, their score record and their account's keys (a few
// reads per person, once per batch), and each account is read and written
// once for as many of its people as one transaction holds (refreshBatch).
// Events of unidentified browsers whose GeoIP organisation names a known
// account count as its anonymous visits. Everything is idempotent, so on
// failure the whole batch is reported undone (0) and comes again.
func (b *Book) HandleChanges(ctx context.Context, cs []table.Change) (int, error) {
	active := map[string]time.Time{}
	var order []string
	touch := func(p string, at time.Time) {
		if _, ok := active[p]; !ok {
			order = append(order, p)
		}
		if at.After(active[p]) {
			active[p] = at
		}
	}
	type visit struct {
		org string
		ev  VisitEvent
	}
	var visits []visit
	// A visitor's link is read once a batch: its periods answer for every
	// event of the batch (an anonymous visitor sends many).
	links := map[string]identity.Link{}
	for _, c := range cs {
		if c.Op != table.OpInsert && c.Op != table.OpModify {
			continue
		}
		switch c.Item.Kind {
		case eventlog.KindEvent:
			ev, err := eventlog.DecodeWithoutProperties(c.Item) // who, when, bot, network only
			if err != nil {
				continue
			}
			link, ok := links[ev.VisitorID]
			if !ok {
				if link, err = b.Dir.GetLink(ctx, ev.VisitorID); err != nil {
					return 0, err
				}
				links[ev.VisitorID] = link
			}
			at := ev.Timestamp
			if ev.Flagged() || ev.Enrichment.Bot || !ev.Scorable(b.now()) {
				at = time.Time{} // refresh the score, but it is no activity
			}
			if p := link.PersonAt(ev.Timestamp); p != "" {
				touch(p, at)
			} else if ev.Enrichment.Org != "" && !at.IsZero() {
				visits = append(visits, visit{ev.Enrichment.Org, VisitEvent{ev.ID, ev.VisitorID, ev.Timestamp}})
			}
		case qualify.KindStage:
			// Their stage moved without an event (a sales outcome, a
			// recycle): the account shows it. No activity.
			if p, ok := identity.PersonOf(c.Item.PK); ok {
				touch(p, time.Time{})
			}
		case identity.KindPerson:
			// Their attributes changed (a new title, another company):
			// their role and account follow, and the fit scoring judged
			// again. No activity. One created is their link's change.
			if p, ok := identity.PersonOf(c.Item.PK); ok && c.Op == table.OpModify {
				touch(p, time.Time{})
			}
		case identity.KindLink:
			// A browser became someone's: its events (often in an earlier
			// batch, when nobody was known for it) are their activity.
			var l identity.Link
			if json.Unmarshal(c.Item.Data, &l) != nil {
				continue
			}
			cur, ok := l.Current()
			if !ok {
				continue
			}
			var latest time.Time
			if b.Log != nil {
				evs, err := b.Log.Visitor(ctx, l.Visitor)
				if err != nil {
					return 0, err
				}
				for _, ev := range evs {
					if ev.Scorable(b.now()) && l.PersonAt(ev.Timestamp) == cur.Person && ev.Timestamp.After(latest) {
						latest = ev.Timestamp
					}
				}
			}
			touch(cur.Person, latest)
		}
	}
	if err := b.refreshBatch(ctx, order, active, false); err != nil {
		return 0, err
	}
	// One write per network organisation per batch, not per event: the
	// account item holds its members, and rewriting it for each page view
	// of an office's network would cost its size in write units each time.
	byOrg := map[string][]VisitEvent{}
	var orgs []string
	for _, v := range visits {
		if _, ok := byOrg[v.org]; !ok {
			orgs = append(orgs, v.org)
		}
		byOrg[v.org] = append(byOrg[v.org], v.ev)
	}
	for _, org := range orgs {
		if err := b.AttributeVisits(ctx, org, byOrg[org]); err != nil {
			return 0, err
		}
	}
	return len(cs), nil
}

func (b *Book) membership(ctx context.Context, person string) (membership, bool, error) {
	m, v, err := b.membershipAt(ctx, person)
	return m, v != 0, err
}

// membershipAt is membership with the version read (0: none).
func (b *Book) membershipAt(ctx context.Context, person string) (membership, int64, error) {
	it, err := b.T.Get(ctx, identity.PersonPK(person), memberSK)
	if errors.Is(err, table.ErrNotFound) {
		return membership{}, 0, nil
	}
	if err != nil {
		return membership{}, 0, err
	}
	var m membership
	if err := json.Unmarshal(it.Data, &m); err != nil {
		return membership{}, 0, err
	}
	return m, it.Version, nil
}

func memberWrite(person string, m membership) table.Write {
	return memberWriteIf(person, m, table.Always)
}

func memberWriteIf(person string, m membership, c table.Cond) table.Write {
	data, _ := json.Marshal(m)
	return table.Put(table.Item{PK: identity.PersonPK(person), SK: memberSK, Kind: kindMember, Data: data}, c)
}

// live follows an account id through merges to the account that has its
// people now (ErrNotFound: none).
func (b *Book) live(ctx context.Context, id string) (Account, error) {
	for range 8 { // merges chained: not a compare-and-swap, no pause
		a, err := b.Get(ctx, id)
		if err != nil || a.MergedInto == "" {
			return a, err
		}
		id = a.MergedInto
	}
	return Account{}, fmt.Errorf("account %s: merged too many times over", id)
}

// keyOwner is the account a grouping key belongs to ("" for none).
func (b *Book) keyOwner(ctx context.Context, key string) (string, error) {
	it, err := b.T.Get(ctx, keyPfx+key, keySK)
	if errors.Is(err, table.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return string(it.Data), nil
}

func keyWrite(key, id string, c table.Cond) table.Write {
	return table.Put(table.Item{PK: keyPfx + key, SK: keySK, Kind: kindKey, Data: []byte(id)}, c)
}

// member is a person's entry in their account.
func member(p identity.Person, rec qualify.Record, active time.Time, placed bool) Member {
	m := Member{Person: p.ID, Email: p.Email, Name: identity.DisplayName(p.Attributes, ""), Title: p.Attributes["title"],
		Role: Role(p.Attributes["title"]), Behaviour: rec.Verdict.Behaviour, Fit: rec.Verdict.Fit, Grade: rec.Verdict.Grade,
		Band: rec.Verdict.Band, Stage: rec.Stage, LastActive: active, Placed: placed, Company: map[string]string{}}
	for _, k := range companyAttributes {
		if v := p.Attributes[k]; v != "" {
			m.Company[k] = v
		}
	}
	return m.cut(maxMemberText)
}

// MaxMembers bounds the people an account item keeps (DynamoDB items are
// at most 400 KB, and a write that cannot fit would stop the feed): past
// it, the least recently active person leaves the list (their record still
// names the account, so their next activity brings them back).
const MaxMembers = 500

// The count alone did not bound the size: a member carried their name,
// title and company attributes as given (up to 2,000 bytes each), and 500
// members of long values (anyone can post forms) passed 400 KB: bbolt took
// the item, DynamoDB refused it and every feed batch touching the company
// failed. A member's texts are cut to maxMemberText bytes (the person's own
// record keeps them whole; the role is judged on the whole title). When the
// item would still pass maxAccountBytes, every member's texts are cut
// shorter (Account.Cut, halved until it fits), and past that (addresses
// of '&'s: JSON writes 6 bytes for each) the least recently active members
// leave the list, as past MaxMembers.
const (
	maxMemberText   = 200
	maxAccountBytes = 300 << 10
)

// cut returns the member with each text cut to n bytes (its company map
// copied when a value changes: copies of the member share it).
func (m Member) cut(n int) Member {
	m.Name, m.Title = textcut.Bytes(m.Name, n), textcut.Bytes(m.Title, n)
	for _, v := range m.Company {
		if len(v) > n {
			c := make(map[string]string, len(m.Company))
			for k, v := range m.Company {
				c[k] = textcut.Bytes(v, n)
			}
			m.Company = c
			break
		}
	}
	return m
}

// textBudget is the bytes each member text keeps in the account.
func (a *Account) textBudget() int {
	if a.Cut > 0 {
		return a.Cut
	}
	return maxMemberText
}

// fit keeps the account item within maxAccountBytes, its members sorted
// most recently active first. The budget only shrinks: grown back, members
// would be rewritten at each refresh and cut again.
func (a *Account) fit() {
	size := -1
	for n := a.textBudget(); ; n /= 2 {
		for i := range a.Members {
			a.Members[i] = a.Members[i].cut(n)
		}
		if n < maxMemberText {
			a.Cut = n
		}
		if size = len(mustJSON(a)); size <= maxAccountBytes || n == 1 {
			break
		}
	}
	for size > maxAccountBytes && len(a.Members) > 1 {
		last := len(a.Members) - 1
		size -= len(mustJSON(a.Members[last])) + 1
		a.Members = a.Members[:last]
	}
}

// upsert puts a member in the account, keeping the latest activity known.
func (a *Account) upsert(m Member) {
	for i := range a.Members {
		if a.Members[i].Person == m.Person {
			if a.Members[i].LastActive.After(m.LastActive) {
				m.LastActive = a.Members[i].LastActive
			}
			a.Members[i] = m
			return
		}
	}
	a.Members = append(a.Members, m)
	if len(a.Members) > MaxMembers {
		least := 0
		for i, x := range a.Members {
			if x.LastActive.Before(a.Members[least].LastActive) {
				least = i
			}
		}
		a.Members = slices.Delete(a.Members, least, least+1)
	}
}

// member returns the account's entry for a person.
func (a *Account) member(person string) (Member, bool) {
	for _, m := range a.Members {
		if m.Person == person {
			return m, true
		}
	}
	return Member{}, false
}

// sameStanding reports whether a member's entry would change only in its
// points within their band and grade, and in its activity within the same
// day of loc (nil: UTC), the
// day the team works in: a UTC day would hold back points until 09:00 in
// Tokyo and rewrite the account mid-morning instead.
func sameStanding(old, cur Member, loc *time.Location) bool {
	if loc == nil {
		loc = time.UTC
	}
	day := func(t time.Time) string { return t.In(loc).Format("2006-01-02") }
	if cur.LastActive.Before(old.LastActive) {
		cur.LastActive = old.LastActive
	}
	return old.Email == cur.Email && old.Name == cur.Name && old.Title == cur.Title && old.Role == cur.Role &&
		old.Grade == cur.Grade && old.Band == cur.Band && old.Stage == cur.Stage && old.Placed == cur.Placed && old.Fit == cur.Fit &&
		day(old.LastActive) == day(cur.LastActive) && maps.Equal(old.Company, cur.Company)
}

// remove takes a person out of the account; false when they were not in it.
func (a *Account) remove(person string) bool {
	n := len(a.Members)
	a.Members = slices.DeleteFunc(a.Members, func(m Member) bool { return m.Person == person })
	return len(a.Members) != n
}

// maxRecentVisits bounds the event ids an account remembers to count a
// repeated change once.
const maxRecentVisits = 50

// VisitEvent is an anonymous browser's event from a company's network.
type VisitEvent struct {
	ID, Browser string
	At          time.Time
}

// AttributeVisits counts anonymous visits (VisitGap runs of events of
// browsers nobody is known for) to the account whose company name the
// events' network organisation (GeoIP ASN data) normalises to.
// Organisations that name no known account (access providers, mostly) are
// left alone: an account is founded by people, never by a network name.
func (b *Book) AttributeVisits(ctx context.Context, org string, evs []VisitEvent) error {
	key := CompanyKey(org)
	if key == "" {
		return nil
	}
	id, err := b.keyOwner(ctx, "n:"+key)
	if err != nil || id == "" {
		return err
	}
	for attempt := 0; table.Again(ctx, attempt); attempt++ {
		a, err := b.live(ctx, id)
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		// An erased browser's events the feed brings late are not
		// counted: the markers are read after the account (see
		// visits_erasure.go), the events already counted left out.
		fresh := slices.DeleteFunc(slices.Clone(evs), func(e VisitEvent) bool { return slices.Contains(a.Visits.Recent, e.ID) })
		gone, err := b.erasedAt(ctx, fresh)
		if err != nil {
			return err
		}
		fresh = slices.DeleteFunc(fresh, func(e VisitEvent) bool { return erasedBefore(gone, e) })
		if !a.Visits.add(fresh) {
			return nil
		}
		b.recompute(&a, b.now())
		err = b.T.Put(ctx, table.Item{PK: listPK, SK: a.ID, Kind: kindAcct, Data: mustJSON(a)}, table.VersionIs(a.version))
		if errors.Is(err, table.ErrConditionFailed) {
			continue
		}
		if err != nil {
			return err
		}
		// An erasure that marked a browser meanwhile may have read the
		// account before this write: what it counted of the browser goes.
		if gone, err = b.erasedAt(ctx, fresh); err != nil || len(gone) == 0 {
			return err
		}
		browsers, events := map[string]bool{}, map[string]bool{}
		for _, e := range fresh {
			if erasedBefore(gone, e) {
				browsers[browserHash(e.Browser)], events[e.ID] = true, true
			}
		}
		if len(browsers) == 0 {
			return nil
		}
		if a, err = b.Get(ctx, a.ID); errors.Is(err, ErrNotFound) {
			return nil
		} else if err != nil {
			return err
		}
		_, err = b.dropVisits(ctx, a, browsers, events)
		return err
	}
	return errors.New("account: too much contention counting visits")
}

func mustJSON(v any) []byte {
	data, _ := json.Marshal(v)
	return data
}
