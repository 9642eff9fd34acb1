// Package sla holds sales to the time agreed for accepting an MQL: the
// sweep finds MQLs still waiting past it (working time, on sales'
// calendar) and announces each once, marking it in the person's partition.
// Sales' time runs from when the lead reached them: the first delivery of
// the MQL to a connector (an SFA, the built-in inbox); an MQL no connector
// has taken (dead-lettered, still retrying) is no breach of theirs, and a
// dead letter replayed and delivered starts their time then, however long
// after the raise. It reads MQLs and stages through qualify's API,
// deliveries through Delivered and Between, and alone builds, decodes and
// forgets its marks and its index of breaches' owners:
//
//	PK=P#<person>  SK=SLA#<mql>  an announced SLA breach (with its owner)
//	PK=SLAOWNER    SK=<mql>      the owner the SFA named for the breach
//
// The index is written with the mark (breaches with an owner only) and
// read whole by the SLA and reps reports (BreachOwners: one query, not
// one a person), which count an MQL no verdict names a rep for under it.
package sla

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/textcut"
)

// markPfx starts the sort key of an announced breach: SLA#<mql>.
const markPfx = "SLA#"

// ownersPK is the index of breaches' owners, KindOwner its items' kind.
const (
	ownersPK  = "SLAOWNER"
	KindOwner = "slaowner"
)

// Breach is an MQL sales did not accept in time.
type Breach struct {
	MQL qualify.MQL `json:"mql"`
	// Delivered is when it reached sales (Start), where Age starts.
	Delivered time.Time     `json:"delivered"`
	Age       time.Duration `json:"age"`
	// Owner is the rep the SFA has on the lead's record (Sweeper.Owner):
	// sales have answered nothing yet, so no verdict names one. Zero: none
	// known.
	Owner qualify.Owner `json:"owner,omitzero"`
}

// Delivered says when a connector first took an MQL (push.FirstDelivery),
// ok false while none has.
type Delivered func(ctx context.Context, mqlID string) (at time.Time, ok bool, err error)

// DeliveredBetween lists the MQLs first delivered to a connector in
// [from, to) (to zero: up to now), each with that time, by an index of
// deliveries (push.FirstDeliveredBetween): sales' time on an MQL starts
// then, which a dead letter replayed may make months after its raise.
type DeliveredBetween func(ctx context.Context, from, to time.Time) (map[string]time.Time, error)

// Sweeper finds and announces breaches; Q gives the table, sales' calendar
// and the MQLs with their people's stages, Delivered their deliveries.
type Sweeper struct {
	Q *qualify.Qualifier
	// Delivered, nil: every MQL reached sales as it was raised (a store
	// with no delivery: tests of scoring alone).
	Delivered Delivered
	// Between finds the MQLs delivered within the lookback whatever
	// their raise (nil: those raised within it alone are looked at).
	Between DeliveredBetween
	// Owner reads who owns the MQL's record at the SFA (push.RecordOwner),
	// once a breach is found, before it is announced; it says its own
	// failures (a breach goes out without an owner, never later). Nil:
	// breaches name no owner.
	Owner func(ctx context.Context, m qualify.MQL) qualify.Owner
	Now   func() time.Time
}

// Start is when sales' time on the MQL starts: its first delivery to a
// connector (never before it was raised: a record without its time, kept
// before deliveries were dated), ok false while none took it.
func Start(ctx context.Context, delivered Delivered, m qualify.MQL) (time.Time, bool, error) {
	if delivered == nil {
		return m.Raised(), true, nil
	}
	at, ok, err := delivered(ctx, m.ID)
	if err != nil || !ok {
		return time.Time{}, false, err
	}
	if at.Before(m.Raised()) {
		at = m.Raised()
	}
	return at, true, nil
}

func (s *Sweeper) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return clock.Now().UTC()
}

// Sweep finds MQLs still waiting for sales past within and announces
// each once. It looks at the MQLs raised or first delivered within
// lookback: sales' time runs from the delivery, so a dead letter replayed
// long after its MQL was raised is held to the SLA from then. announce
// may be nil (breaches are then only recorded). A breach whose
// announcement failed is not recorded (announced next run) and the
// others go on; the failures are the error.
func (s *Sweeper) Sweep(ctx context.Context, within, lookback time.Duration, announce func(context.Context, Breach) error) ([]Breach, error) {
	q := s.Q
	now := s.now()
	// The index is by qualifying time, which is up to identity.MaxLate
	// before the MQL was raised: those raised within lookback are among
	// the MQLs dated since MaxLate before it.
	since := now.Add(-lookback)
	mqls, err := q.MQLsSince(ctx, since.Add(-identity.MaxLate))
	if err != nil {
		return nil, err
	}
	// And those first delivered within lookback but raised before it (a
	// dead letter replayed late), by the index of deliveries: a range of
	// it, as the MQL index's, each MQL then read by key. MQLs delivered
	// before that index existed are not in it: found by their raise alone,
	// as before (one replayed late before the upgrade stays missed).
	late := map[string]bool{}
	if s.Between != nil && s.Delivered != nil {
		ids, err := s.Between(ctx, since, time.Time{})
		if err != nil {
			return nil, err
		}
		for _, m := range mqls {
			delete(ids, m.ID)
		}
		for _, id := range slices.Sorted(maps.Keys(ids)) {
			m, err := q.MQLByID(ctx, id)
			if errors.Is(err, table.ErrNotFound) {
				continue // erased since
			} else if err != nil {
				return nil, err
			}
			late[m.ID] = true
			mqls = append(mqls, m)
		}
	}
	var out []Breach
	var failed []error // announcements that failed: the breach is announced next run
	down := 0          // of them, those of a receiver down (not ErrRefused)
	stop := func(err error) ([]Breach, error) { return out, errors.Join(append(failed, err)...) }
	for _, m := range mqls {
		if m.Raised().Before(since) && !late[m.ID] {
			continue // raised before the window looked at, and not delivered in it
		}
		// Sales' time runs from when the MQL reached them, not from the
		// (maybe days older) event that qualified it: no sooner than it
		// was raised (a first look before reading its deliveries).
		waited := q.Calendar.Between(m.Raised(), now) // working time, on a business calendar
		if waited <= within {
			// Not past the SLA (as the SLA report counts it: an answer
			// after exactly within is within). On a business calendar
			// waited stays at within from the close to the next open: no
			// breach overnight or over a weekend. The index is ordered by
			// qualifying time, not by when each was raised: a late batch's
			// MQL sits among older ones, so the rest are looked at too.
			continue
		}
		rec, err := q.Record(ctx, m.Person)
		if err != nil {
			return stop(err)
		}
		if rec.Stage != qualify.StageMQL || rec.Cycle != m.Cycle {
			continue // accepted, rejected, or a later cycle
		}
		// Delivered: a lead no connector took (the SFA refused it, it is
		// dead-lettered or still retrying) never reached sales, and is
		// marketing ops' to fix (the MQL list's dead letters, the SLA
		// report's "not delivered"), not sales' breach. Not marked: once
		// delivered (a replay), sales' time starts then.
		start, ok, err := Start(ctx, s.Delivered, m)
		if err != nil {
			return stop(err)
		}
		if !ok {
			continue
		}
		if waited = q.Calendar.Between(start, now); waited <= within {
			continue
		}
		if _, err := q.T.Get(ctx, identity.PersonPK(m.Person), markPfx+m.ID); err == nil {
			continue // announced already
		} else if !errors.Is(err, table.ErrNotFound) {
			return stop(err)
		}
		b := Breach{MQL: m, Delivered: start, Age: waited}
		if s.Owner != nil {
			b.Owner = s.Owner(ctx, m)
		}
		if announce != nil {
			if err := announce(ctx, b); err != nil {
				// One refused (ErrRefused: a payload the receiver will
				// not take) must not keep the next breaches from being
				// announced, however many are; a receiver that is down
				// fails them all, so after a few the rest wait for the
				// next run.
				failed = append(failed, fmt.Errorf("announce SLA breach of %s: %w", m.ID, err))
				if !errors.Is(err, ErrRefused) {
					if down++; down == maxAnnounceFailures {
						break
					}
				}
				continue
			}
		}
		doc := map[string]any{"mql": m.ID, "announcedAt": now, "age": b.Age.String()}
		if name := ownerName(b.Owner); name != "" {
			doc["owner"], doc["ownerId"] = name, b.Owner.ID
		}
		mark, _ := json.Marshal(doc)
		// On condition that the person was not erased meanwhile (the
		// announce may take seconds): the mark must not outlive them.
		ws := []table.Write{
			table.Put(table.Item{PK: identity.PersonPK(m.Person), SK: markPfx + m.ID, Kind: "sla", Data: mark}, table.NotExists),
			privacy.NotErased(m.Email),
		}
		if name := ownerName(b.Owner); name != "" {
			// The reports' index of breaches' owners, with the mark.
			o, _ := json.Marshal(map[string]string{"mql": m.ID, "owner": name, "ownerId": b.Owner.ID})
			ws = append(ws, table.Put(table.Item{PK: ownersPK, SK: m.ID, Kind: KindOwner, Data: o}, table.Always))
		}
		if err := q.T.Transact(ctx, ws); err != nil && !errors.Is(err, table.ErrConditionFailed) {
			return stop(err)
		}
		out = append(out, b)
	}
	return out, errors.Join(failed...)
}

// maxAnnounceFailures ends a sweep's announcements: each failure of a
// receiver down may take the webhook's whole timeout, and the sweep has
// other things to do.
const maxAnnounceFailures = 3

// ErrRefused is an announcement the receiver answered and refused (a
// 4xx): it says nothing of the next breach's, which goes on.
var ErrRefused = errors.New("the receiver refused it")

// ownerName is how the reports name a breach's owner: as the verdicts'
// owners are named (qualify.OutcomeOf: their name, sanitised), or by the
// SFA's id when only that was read; "" when none is known.
func ownerName(o qualify.Owner) string {
	name := textcut.Runes(textcut.Line(textcut.Controls(o.Name)), qualify.MaxOwnerRunes)
	if name == "" {
		name = textcut.Runes(textcut.Line(textcut.Controls(o.ID)), qualify.MaxOwnerRunes)
	}
	return name
}

// BreachOwners is the owner each announced breach named (by MQL id), as
// the reports name reps: those read from the SFA when it was announced
// (breaches with none known are not there). One query of the index,
// whatever the people.
func BreachOwners(ctx context.Context, t table.Table) (map[string]string, error) {
	items, err := t.Query(ctx, table.Query{PK: ownersPK})
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(items))
	for _, it := range items {
		var e struct{ MQL, Owner string }
		if err := json.Unmarshal(it.Data, &e); err != nil {
			return nil, fmt.Errorf("sla: breach owner %s: %w", it.SK, err)
		}
		out[e.MQL] = e.Owner
	}
	return out, nil
}

// Forget implements privacy.Forgetter: the person's breach marks and
// their owners' index entries. It needs only Q.T.
func (s *Sweeper) Forget(ctx context.Context, sub privacy.Subject) (privacy.Removed, error) {
	r, err := privacy.DeleteQuery(ctx, s.Q.T, marks(sub.Person), nil)
	if err != nil {
		return r, err
	}
	q, match := owned(sub.Person)
	o, err := privacy.DeleteQuery(ctx, s.Q.T, q, match)
	r.Merge(o)
	return r, err
}

// Disclose implements privacy.Discloser: the person's breach marks and
// their owners' index entries.
func (s *Sweeper) Disclose(ctx context.Context, sub privacy.Subject) (privacy.Disclosure, error) {
	d, err := privacy.ShowQuery(ctx, s.Q.T, marks(sub.Person), nil, nil)
	if err != nil {
		return d, err
	}
	q, match := owned(sub.Person)
	o, err := privacy.ShowQuery(ctx, s.Q.T, q, match, nil)
	d.Merge(o)
	return d, err
}

// owned selects a person's entries in the index of breaches' owners: their
// MQLs' ids, <person>-c<cycle>.
func owned(person string) (table.Query, func(table.Item) bool) {
	return table.Query{PK: ownersPK, Prefix: person + "-c"}, func(it table.Item) bool {
		_, err := strconv.Atoi(strings.TrimPrefix(it.SK, person+"-c")) // not another person's whose id starts so
		return err == nil
	}
}

// marks selects a person's breach marks.
func marks(person string) table.Query {
	return table.Query{PK: identity.PersonPK(person), Prefix: markPfx}
}
