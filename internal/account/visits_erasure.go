package account

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/table"
)

// An erased person's browsers leave the accounts' anonymous visits: their
// open visits (a 48-bit hash of the browser) and the ids of their events
// among the recent ones go at the erasure (forgetVisits). The visit count
// is an aggregate and stays, as the report counters do.
//
// A late change of the feed (a DynamoDB Streams record is kept 24 hours;
// the embedded store drops an erased event's change when the erasure
// compacts it, but not from a batch a lane holds already) must not count
// an erased event, nor write its browser's hash back. The erasure leaves a
// marker for each of the person's browsers (ACCTGONE#: a hash of the id and
// the erasure's time, expiring with the records) that AttributeVisits
// honours: an event of a marked browser from before its erasure is not
// counted.
//
// Why a marker, not a check that the event is still in the log: this
// Forgetter runs before identity deletes the events (privacy.People runs
// last), so a consumer that found the event still there could write the
// account after the erasure cleaned it. The marker is written before the
// erasure reads any account, and AttributeVisits reads the markers after
// the account and again after its write: if that second read finds none,
// the erasure's read came after the write and cleans it; if it finds one,
// the consumer cleans what it wrote itself (the count stays: the visit was
// counted while the erasure ran). One small read per browser before and
// after the write, no transaction.
const (
	gonePfx  = "ACCTGONE#"
	goneSK   = "GONE"
	kindGone = "accountgone"
	// kindVisit counts, in an erasure's report, the open visits and
	// recent visit ids taken out of accounts.
	kindVisit = "accountvisit"
	// goneFor is how long a marker is kept: a Streams record is gone 24
	// hours after its write, which came before the erasure.
	goneFor = 25 * time.Hour
)

func gonePK(visitor string) string {
	sum := sha256.Sum256([]byte("baton-account-gone:" + visitor))
	return gonePfx + hex.EncodeToString(sum[:])
}

type goneMark struct {
	ErasedAt time.Time `json:"erasedAt"`
}

// markErased marks the person's browsers erased (see above): before the
// erasure reads any account.
func (b *Book) markErased(ctx context.Context, s privacy.Subject) error {
	if len(s.Visitors) == 0 {
		return nil
	}
	now := b.now()
	mark := mustJSON(goneMark{now})
	ws := make([]table.Write, 0, len(s.Visitors))
	for _, v := range s.Visitors {
		ws = append(ws, table.Put(table.Item{PK: gonePK(v), SK: goneSK, Kind: kindGone, Data: mark, Expires: now.Add(goneFor)}, table.Always))
	}
	if err := errors.Join(b.T.PutMany(ctx, ws)...); err != nil {
		return fmt.Errorf("account: mark erased browsers: %w", err)
	}
	return nil
}

// forgetVisits takes the person's browsers out of the visits of every
// account of accts (the accounts' list, read after markErased).
func (b *Book) forgetVisits(ctx context.Context, s privacy.Subject, accts []table.Item, removed privacy.Removed) error {
	if len(s.Visitors) == 0 {
		return nil
	}
	browsers, events, err := b.browsersOf(ctx, s)
	if err != nil {
		return err
	}
	for _, it := range accts {
		a, err := decode(it)
		if err != nil {
			return err
		}
		n, err := b.dropVisits(ctx, a, browsers, events)
		removed.Add(kindVisit, n)
		if err != nil {
			return err
		}
	}
	return nil
}

// discloseVisits shows what forgetVisits takes out of each account's
// visits: the person's open visits (by browser id, which only the
// disclosure knows) and their events' ids.
func (b *Book) discloseVisits(ctx context.Context, s privacy.Subject, accts []table.Item, d privacy.Disclosure) error {
	if len(s.Visitors) == 0 {
		return nil
	}
	browsers, events, err := b.browsersOf(ctx, s)
	if err != nil {
		return err
	}
	visitor := map[string]string{}
	for _, v := range s.Visitors {
		visitor[browserHash(v)] = v
	}
	for _, it := range accts {
		a, err := decode(it)
		if err != nil {
			return err
		}
		gone, _ := a.Visits.part(browsers, events)
		for _, o := range gone.Open {
			if err := d.AddValue(kindVisit, visitShown{Account: a.ID, Browser: visitor[o.Browser], First: o.First, Last: o.Last}); err != nil {
				return err
			}
		}
		for _, id := range gone.Recent {
			if err := d.AddValue(kindVisit, visitShown{Account: a.ID, Event: id}); err != nil {
				return err
			}
		}
	}
	return nil
}

// visitShown is one of the person's open visits, or one of their events,
// in an account's anonymous visits.
type visitShown struct {
	Account string    `json:"account"`
	Browser string    `json:"browser,omitempty"` // the visitor id
	First   time.Time `json:"first,omitzero"`
	Last    time.Time `json:"last,omitzero"`
	Event   string    `json:"event,omitempty"` // an event id counted
}

// browsersOf are what of the person's browsers the accounts' visits may
// hold: their hashes, and the ids of their events (Forget and Disclose).
func (b *Book) browsersOf(ctx context.Context, s privacy.Subject) (browsers, events map[string]bool, err error) {
	browsers, events = map[string]bool{}, map[string]bool{}
	for _, v := range s.Visitors {
		browsers[browserHash(v)] = true
		if b.Log == nil {
			continue
		}
		heads, err := b.Log.Heads(ctx, v)
		if err != nil {
			return nil, nil, err
		}
		for _, h := range heads {
			events[h.ID] = true
		}
	}
	return browsers, events, nil
}

// dropVisits takes the browsers (their hashes) and the event ids out of
// the account's visits, starting from a as read; it returns how many
// went.
func (b *Book) dropVisits(ctx context.Context, a Account, browsers, events map[string]bool) (int, error) {
	for attempt := 0; table.Again(ctx, attempt); attempt++ {
		n := a.Visits.forget(browsers, events)
		if n == 0 {
			return 0, nil
		}
		err := b.T.Put(ctx, table.Item{PK: listPK, SK: a.ID, Kind: kindAcct, Data: mustJSON(a)}, table.VersionIs(a.version))
		if !errors.Is(err, table.ErrConditionFailed) {
			return n, err
		}
		if a, err = b.Get(ctx, a.ID); errors.Is(err, ErrNotFound) {
			return 0, nil
		} else if err != nil {
			return 0, err
		}
	}
	return 0, errors.New("account: too much contention forgetting visits")
}

// forget takes browsers (by hash) and event ids out; how many went.
func (v *Visits) forget(browsers, events map[string]bool) int {
	gone, kept := v.part(browsers, events)
	v.Open, v.Recent = kept.Open, kept.Recent
	return len(gone.Open) + len(gone.Recent)
}

// part parts v's open visits and recent event ids into those of the
// browsers (by hash) and events, which an erasure takes out (forget) and
// a disclosure shows, and the rest.
func (v Visits) part(browsers, events map[string]bool) (gone, kept Visits) {
	for _, o := range v.Open {
		if browsers[o.Browser] {
			gone.Open = append(gone.Open, o)
		} else {
			kept.Open = append(kept.Open, o)
		}
	}
	for _, id := range v.Recent {
		if events[id] {
			gone.Recent = append(gone.Recent, id)
		} else {
			kept.Recent = append(kept.Recent, id)
		}
	}
	return gone, kept
}

// erasedAt returns, for each browser of evs that an erasure marked, when
// it was erased.
func (b *Book) erasedAt(ctx context.Context, evs []VisitEvent) (map[string]time.Time, error) {
	out := map[string]time.Time{}
	read := map[string]bool{}
	for _, e := range evs {
		if read[e.Browser] {
			continue
		}
		read[e.Browser] = true
		it, err := b.T.Get(ctx, gonePK(e.Browser), goneSK)
		if errors.Is(err, table.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		var m goneMark
		if err := json.Unmarshal(it.Data, &m); err != nil {
			return nil, err
		}
		out[e.Browser] = m.ErasedAt
	}
	return out, nil
}

// erasedBefore reports whether e's browser was erased after e.
func erasedBefore(gone map[string]time.Time, e VisitEvent) bool {
	at, ok := gone[e.Browser]
	return ok && !e.At.After(at)
}
