// Package eventlog stores raw events under their visitor and reads a
// visitor's history back. Layout on the table:
//
//	PK=V#<visitor>  SK=E#<messageId>   kind=event  the event (codec.go), expires after retention
//	PK=V#<visitor>  SK=A#<other id>    kind=alias  another id the same browser sent
//	PK=V#<visitor>  SK=E#<messageId>   kind=eventtomb  an erased event's tombstone (no content; expires)
//	PK=V#<visitor>  SK=A#<other id>    kind=eventtomb  an erased alias's tombstone (no content; expires)
//
// Keying the event by its messageId makes a repeat a failed conditional put:
// stored once, whatever the client's clock said the second time. An erased
// event leaves a tombstone at its key for as long as a client may send it
// again (event.RetryHorizon after it was received), so that a retry is
// refused as a repeat by that same put, at no cost to the collector; so
// does an erased browser's alias, which a retry names again (it is put
// only where none is). Every read of the log takes a tombstone for
// nothing.
package eventlog

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/table"
)

// Item kinds on the table.
const (
	KindEvent = "event"
	KindAlias = "alias"
	// KindErased is an erased event's or alias's tombstone: the key and
	// an expiry, nothing of its content.
	KindErased = "eventtomb"
)

// erasedFor is how long after an event was received its tombstone is
// kept: the collector takes no event a client held longer than
// event.RetryHorizon, and a day more covers the client's clock having been
// set back meanwhile (its age is the client's sentAt minus its timestamp).
const erasedFor = event.RetryHorizon + 24*time.Hour

// Tombstone reports whether an item is an erased event's or alias's
// tombstone, for a reader of the whole table (a check that the erased are
// gone): it holds the key and nothing else, and is no event.
func Tombstone(it table.Item) bool { return it.Kind == KindErased }

// MaxAliases bounds a browser's other ids: the aliases one Append keeps,
// and those Aliases reads (so, links). A browser has one (the tag's id
// beside the cookie), a few over the years; each of a request's events
// could name another, and every one cost a write, and a link at its next
// identify.
const MaxAliases = 16

// Log is the event repository.
type Log struct {
	T         table.Table
	Retention time.Duration // raw events expire this long after receipt; 0 keeps them
	Now       func() time.Time
}

// VisitorPK is the partition of a visitor.
func VisitorPK(visitor string) string { return "V#" + visitor }

// Append stores events in one write call. It returns, per event, whether it
// was new (false: a repeat of a stored messageId). Any other failure is an
// error and the caller must not acknowledge the request.
func (l *Log) Append(ctx context.Context, evs []event.Event) ([]bool, error) {
	ws := make([]table.Write, 0, len(evs)+1)
	aliases := map[string]bool{}
	for i := range evs {
		it, err := l.item(&evs[i])
		if err != nil {
			return nil, err
		}
		ws = append(ws, table.Put(it, table.NotExists))
	}
	for _, ev := range evs {
		if ev.AnonymousID == "" || ev.AnonymousID == ev.VisitorID || aliases[ev.VisitorID+"\x00"+ev.AnonymousID] || len(aliases) >= MaxAliases {
			continue
		}
		aliases[ev.VisitorID+"\x00"+ev.AnonymousID] = true
		// Only where none is: kept, or an erased browser's tombstone (a
		// retry of its event names it again).
		ws = append(ws, table.Put(table.Item{PK: VisitorPK(ev.VisitorID), SK: "A#" + ev.AnonymousID, Kind: KindAlias, Data: []byte("{}")}, table.NotExists))
	}
	errs := l.T.PutMany(ctx, ws)
	fresh := make([]bool, len(evs))
	for i, err := range errs {
		switch {
		case err == nil:
			if i < len(evs) {
				fresh[i] = true
			}
		case errors.Is(err, table.ErrConditionFailed):
			// a repeat (an alias: known already)
		default:
			return nil, fmt.Errorf("store events: %w", err)
		}
	}
	return fresh, nil
}

func (l *Log) item(ev *event.Event) (table.Item, error) {
	if ev.VisitorID == "" || ev.ID == "" {
		return table.Item{}, errors.New("eventlog: event without visitor or id")
	}
	it := table.Item{PK: VisitorPK(ev.VisitorID), SK: "E#" + ev.ID, Kind: KindEvent, Data: encode(make([]byte, 0, encodedSize(ev)), ev)}
	if l.Retention > 0 {
		it.Expires = ev.ReceivedAt.Add(l.Retention)
	}
	return it, nil
}

// Decode reads an event item: the binary form, or JSON as stored before it.
func Decode(it table.Item) (event.Event, error) { return decodeItem(it, true) }

// DecodeWithoutProperties reads an event item but its properties and
// traits (left nil; an item stored as JSON is read whole): for a feed
// consumer that looks at who, when and where only, the maps being most of
// a decode's cost.
func DecodeWithoutProperties(it table.Item) (event.Event, error) { return decodeItem(it, false) }

func decodeItem(it table.Item, props bool) (event.Event, error) {
	if len(it.Data) > 0 && it.Data[0] == codecV1 {
		var ev event.Event // not through decodeInto: JSON's path would put it on the heap
		if err := decodeTo(&ev, it.Data, props); err != nil {
			return event.Event{}, corrupt(it, err)
		}
		event.DropSecrets(&ev)
		return ev, nil
	}
	var ev event.Event
	err := decodeInto(&ev, it)
	return ev, err
}

func corrupt(it table.Item, err error) error {
	return fmt.Errorf("eventlog: corrupt event %s/%s: %w", it.PK, it.SK, err)
}

func decodeInto(ev *event.Event, it table.Item) error {
	var err error
	if len(it.Data) > 0 && it.Data[0] == codecV1 {
		err = decode(ev, it.Data)
	} else {
		err = json.Unmarshal(it.Data, ev)
	}
	if err != nil {
		*ev = event.Event{}
		return corrupt(it, err)
	}
	event.DropSecrets(ev) // stored before the collector dropped them
	return nil
}

// Visitor returns a visitor's stored events, oldest first. The items are
// put in order by their heads, then each is decoded into its place: a
// rescore reads every history, and an event is over a kilobyte to copy.
func (l *Log) Visitor(ctx context.Context, visitor string) ([]event.Event, error) {
	heads, err := l.Heads(ctx, visitor)
	if err != nil {
		return nil, err
	}
	SortHeads(heads, false)
	return DecodeHeads(heads)
}

// Head is a stored event's time and id, read without decoding the rest:
// what ordering and paging a history needs. DecodeHeads decodes the whole.
type Head struct {
	At   time.Time // the event's corrected time (event.Event.Timestamp)
	ID   string
	item table.Item
	ev   *event.Event // decoded already (an item stored as JSON)
}

// DecodeHeads decodes the events of heads, in their order, each straight
// into its place in the list.
func DecodeHeads(heads []Head) ([]event.Event, error) {
	out := make([]event.Event, len(heads))
	for k := range heads {
		if err := heads[k].decode(&out[k]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (h Head) decode(ev *event.Event) error {
	if h.ev != nil {
		*ev = *h.ev
		return nil
	}
	return decodeInto(ev, h.item)
}

// Heads reads a visitor's stored events as heads, in no particular order.
func (l *Log) Heads(ctx context.Context, visitor string) ([]Head, error) {
	items, err := l.T.Query(ctx, table.Query{PK: VisitorPK(visitor), Prefix: "E#", Consistent: true})
	if err != nil {
		return nil, err
	}
	heads := make([]Head, 0, len(items))
	for _, it := range items {
		if Tombstone(it) {
			continue
		}
		at, id, ok := peek(it.Data)
		h := Head{At: at, ID: id, item: it}
		if !ok { // stored as JSON (or corrupt: the error is the decode's)
			h.ev = new(event.Event)
			if err := decodeInto(h.ev, it); err != nil {
				return nil, err
			}
			h.At, h.ID = h.ev.Timestamp, h.ev.ID
		}
		heads = append(heads, h)
	}
	return heads, nil
}

// Seen reports whether any event is stored under the visitor id (one
// item read, more past erased events' tombstones).
func (l *Log) Seen(ctx context.Context, visitor string) (bool, error) {
	q := table.Query{PK: VisitorPK(visitor), Prefix: "E#", Limit: 1, Consistent: true}
	for {
		items, err := l.T.Query(ctx, q)
		if err != nil || len(items) == 0 {
			return false, err
		}
		for _, it := range items {
			if !Tombstone(it) {
				return true, nil
			}
		}
		q.After, q.Limit = items[len(items)-1].SK, 20
	}
}

// SortHeads orders heads oldest first by time, then id, stably (newest
// first with newest: the reverse order, ties kept as they were).
func SortHeads(heads []Head, newest bool) {
	slices.SortStableFunc(heads, func(a, b Head) int {
		c := a.At.Compare(b.At)
		if c == 0 {
			c = strings.Compare(a.ID, b.ID)
		}
		if newest {
			return -c
		}
		return c
	})
}

// Aliases returns the other ids seen together with the visitor's cookie.
func (l *Log) Aliases(ctx context.Context, visitor string) ([]string, error) {
	items, err := l.T.Query(ctx, table.Query{PK: VisitorPK(visitor), Prefix: "A#", Limit: MaxAliases})
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(items))
	for _, it := range items {
		if !Tombstone(it) {
			out = append(out, strings.TrimPrefix(it.SK, "A#"))
		}
	}
	return out, nil
}

// ForgetVisitor deletes everything the log keeps under a visitor (its
// events and aliases): erasure of a browser only one person ever had.
// An event a client may still send again leaves its tombstone.
// Its aliases leave theirs as long as its events' last, since a retry
// names them again.
func (l *Log) ForgetVisitor(ctx context.Context, visitor string) (privacy.Removed, error) {
	var last time.Time
	later := func(t time.Time) {
		if t.After(last) {
			last = t
		}
	}
	events := l.tombstone()
	r, err := privacy.ForgetQuery(ctx, l.T, table.Query{PK: VisitorPK(visitor), Prefix: "E#"}, func(it table.Item) bool {
		if Tombstone(it) { // left by an erasure retried now
			later(it.Expires)
			return false
		}
		return true
	}, func(it table.Item) (table.Item, bool) {
		m, ok := events(it)
		if ok {
			later(m.Expires)
		}
		return m, ok
	})
	if err != nil {
		return r, err
	}
	a, err := privacy.ForgetQuery(ctx, l.T, table.Query{PK: VisitorPK(visitor), Prefix: "A#"}, notTombstone, func(table.Item) (table.Item, bool) {
		return erased(last), !last.IsZero()
	})
	r.Merge(a)
	return r, err
}

// ForgetEvents deletes the visitor's events that match: erasure of the
// periods a shared browser was the erased person's. Each leaves its
// tombstone while a client may send it again.
func (l *Log) ForgetEvents(ctx context.Context, visitor string, match func(event.Event) bool) (privacy.Removed, error) {
	return privacy.ForgetQuery(ctx, l.T, table.Query{PK: VisitorPK(visitor), Prefix: "E#"}, func(it table.Item) bool {
		if !notTombstone(it) {
			return false
		}
		ev, err := Decode(it)
		return err == nil && match(ev)
	}, l.tombstone())
}

// DeleteEvents deletes events of a visitor by id (those already gone count
// nothing), each leaving its tombstone while a client may send it again.
func (l *Log) DeleteEvents(ctx context.Context, visitor string, ids ...string) (privacy.Removed, error) {
	items, err := l.stored(ctx, visitor, ids)
	if err != nil {
		return nil, err
	}
	return privacy.ForgetItems(ctx, l.T, items, l.tombstone())
}

// stored are the visitor's events of those ids still stored (no
// tombstone).
func (l *Log) stored(ctx context.Context, visitor string, ids []string) ([]table.Item, error) {
	var items []table.Item
	for _, id := range ids {
		it, err := l.T.Get(ctx, VisitorPK(visitor), "E#"+id)
		switch {
		case errors.Is(err, table.ErrNotFound):
		case err != nil:
			return nil, err
		case notTombstone(it):
			items = append(items, it)
		}
	}
	return items, nil
}

// ShowVisitor is what ForgetVisitor removes: the visitor's events,
// decoded, and its aliases (privacy.Discloser).
func (l *Log) ShowVisitor(ctx context.Context, visitor string) (privacy.Disclosure, error) {
	d, err := l.ShowEvents(ctx, visitor, nil)
	if err != nil {
		return d, err
	}
	a, err := privacy.ShowQuery(ctx, l.T, table.Query{PK: VisitorPK(visitor), Prefix: "A#"}, notTombstone, func(it table.Item) (any, error) {
		return map[string]string{"visitor": visitor, "otherId": strings.TrimPrefix(it.SK, "A#")}, nil
	})
	d.Merge(a)
	return d, err
}

// ShowEvents is what ForgetEvents removes with the same match (nil: every
// event of the visitor), decoded.
func (l *Log) ShowEvents(ctx context.Context, visitor string, match func(event.Event) bool) (privacy.Disclosure, error) {
	return privacy.ShowQuery(ctx, l.T, table.Query{PK: VisitorPK(visitor), Prefix: "E#"}, func(it table.Item) bool {
		if !notTombstone(it) {
			return false
		}
		if match == nil {
			return true
		}
		ev, err := Decode(it)
		return err == nil && match(ev)
	}, shown)
}

// ShowEventsByID is what DeleteEvents removes with the same ids, decoded.
func (l *Log) ShowEventsByID(ctx context.Context, visitor string, ids ...string) (privacy.Disclosure, error) {
	items, err := l.stored(ctx, visitor, ids)
	if err != nil {
		return nil, err
	}
	return privacy.ShowItems(items, shown)
}

// shown is a stored event as its person reads it; one that cannot be
// decoded is still theirs (an erasure removes it), and says so.
func shown(it table.Item) (any, error) {
	ev, err := Decode(it)
	if err != nil {
		return map[string]string{"visitor": strings.TrimPrefix(it.PK, "V#"), "id": strings.TrimPrefix(it.SK, "E#"), "unreadable": err.Error()}, nil
	}
	return ev, nil
}

func notTombstone(it table.Item) bool { return !Tombstone(it) }

// tombstone is what an erased event leaves at its key: a tombstone until
// erasedFor after it was received, when a client may still send it again;
// nothing once that is past.
func (l *Log) tombstone() privacy.Marker {
	now := clock.Or(l.Now)()
	return func(it table.Item) (table.Item, bool) {
		until := now.Add(erasedFor) // unreadable: the longest it could need
		if ev, err := DecodeWithoutProperties(it); err == nil {
			until = ev.ReceivedAt.Add(erasedFor)
		}
		if !until.After(now) {
			return table.Item{}, false
		}
		return erased(until), true
	}
}

func erased(until time.Time) table.Item {
	return table.Item{Kind: KindErased, Data: []byte("{}"), Expires: until}
}

// ErrNotFound is returned for an event that is not stored (never, or no
// longer: erased, expired).
var ErrNotFound = errors.New("eventlog: event not found")

// Get reads one event of a visitor.
func (l *Log) Get(ctx context.Context, visitor, id string) (event.Event, error) {
	ev, _, err := l.get(ctx, visitor, id)
	return ev, err
}

func (l *Log) get(ctx context.Context, visitor, id string) (event.Event, table.Item, error) {
	it, err := l.T.Get(ctx, VisitorPK(visitor), "E#"+id)
	if errors.Is(err, table.ErrNotFound) || err == nil && Tombstone(it) {
		return event.Event{}, table.Item{}, ErrNotFound
	}
	if err != nil {
		return event.Event{}, it, err
	}
	ev, err := Decode(it)
	return ev, it, err
}

// update rewrites a stored event with change (compare-and-swap on the item's
// version); change reports whether it changed anything. The rewrite is a
// modification on the table's change feed, which scoring reads.
func (l *Log) update(ctx context.Context, visitor, id string, change func(*event.Event) bool) (bool, error) {
	for attempt := 0; table.Again(ctx, attempt); attempt++ {
		ev, old, err := l.get(ctx, visitor, id)
		if err != nil {
			return false, err
		}
		if !change(&ev) {
			return false, nil
		}
		old.Data = encode(nil, &ev)
		err = l.T.Put(ctx, old, table.VersionIs(old.Version))
		if err == nil {
			return true, nil
		}
		if !errors.Is(err, table.ErrConditionFailed) {
			return false, err
		}
	}
	return false, errors.New("eventlog: too much contention updating event")
}

// Flag marks a stored event as a scanner's (why: the reason), after the fact:
// a click judged with the rest of its visit. A flagged event never scores;
// the modification on the change feed makes scoring withdraw what it gave.
// It reports whether the event changed (false: already flagged).
func (l *Log) Flag(ctx context.Context, visitor, id, why string) (bool, error) {
	return l.update(ctx, visitor, id, func(ev *event.Event) bool {
		if ev.Enrichment.Scanner {
			return false
		}
		ev.Enrichment.Scanner, ev.Enrichment.Bot, ev.Enrichment.FlagReason = true, false, why
		ev.Enrichment.Visit = event.VisitScanner
		return true
	})
}

// SetMinutes sets an offline touch's minutes (a webinar report's time in
// session), after the fact: a touch imported before its report (from the
// registrants' list), or a report imported again corrected. The
// modification on the change feed makes scoring rescore the person: a
// min_minutes rule may now match, or no longer. Minutes say the person
// came: a touch marked absent (SetAbsent) by an earlier report is no
// longer. It reports whether the event changed (false: it had those
// minutes already). Minutes event.Event.Minutes would not read back
// (negative, past int32) are an error: stored, they made every import
// of the same report a change again.
func (l *Log) SetMinutes(ctx context.Context, visitor, id string, minutes int) (bool, error) {
	if _, ok := event.MinutesOf(minutes); !ok {
		return false, fmt.Errorf("eventlog: minutes %d: not a whole number of minutes from 0", minutes)
	}
	return l.update(ctx, visitor, id, func(ev *event.Event) bool {
		if m, ok := ev.Minutes(); ok && m == minutes && !ev.Absent() || ev.Type != event.Offline {
			return false
		}
		if ev.Properties == nil {
			ev.Properties = map[string]any{}
		}
		ev.Properties["minutes"] = minutes
		delete(ev.Properties, "absent")
		return true
	})
}

// SetAbsent marks an offline touch not attended (absent), or attended
// again: a webinar's registrant, imported from its registrants' list, whom
// its report says did not come (or, corrected, did). An absent touch never
// scores nor is a touch (event.Event.Flagged); the modification on the
// change feed makes scoring rescore the person, withdrawing its points. It
// reports whether the event changed.
func (l *Log) SetAbsent(ctx context.Context, visitor, id string, absent bool) (bool, error) {
	return l.update(ctx, visitor, id, func(ev *event.Event) bool {
		if ev.Type != event.Offline || ev.Absent() == absent {
			return false
		}
		if ev.Properties == nil {
			ev.Properties = map[string]any{}
		}
		if absent {
			ev.Properties["absent"] = true
		} else {
			delete(ev.Properties, "absent")
		}
		return true
	})
}

// JudgeHuman records that the event's visit was judged and nothing flagged
// it (event.VisitHuman). The modification on the change feed is what scores
// a newsletter click from then on. It reports whether the event changed
// (false: already judged, or flagged).
func (l *Log) JudgeHuman(ctx context.Context, visitor, id string) (bool, error) {
	return l.update(ctx, visitor, id, func(ev *event.Event) bool {
		if ev.Flagged() || ev.Enrichment.Visit == event.VisitHuman {
			return false
		}
		ev.Enrichment.Visit = event.VisitHuman
		return true
	})
}
