// Package privacy implements the right to erasure: forgetting a person on
// request, everywhere Baton keeps something of them.
package privacy

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/baton-hq/baton/internal/clock"

	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/table"
)

// Compactor rewrites a store so freed pages keep no old bytes (bbolt).
type Compactor interface {
	Compact(ctx context.Context) error
}

// Eraser forgets people.
type Eraser struct {
	T      table.Table
	Dir    *identity.Directory
	Log    *eventlog.Log
	Queues []string // queue names whose messages may name the person (ids start with the person id)
	// Tell, when set, asks the sales systems to forget the person too
	// (configurable: some companies must keep sales records). It runs
	// first: if it fails, nothing is erased yet and the erasure can be retried.
	Tell func(ctx context.Context, personID, email string) error
	Now  func() time.Time
}

// Report says what an erasure removed.
type Report struct {
	Person   string `json:"person"`
	Visitors int    `json:"visitors"`
	Events   int    `json:"events"`
	Items    int    `json:"items"`
}

// TombstonePK is where the hash of an erased email is kept: list imports
// and old tokens must not bring the person back. Only a hash is kept.
func TombstonePK(email string) string {
	sum := sha256.Sum256([]byte("baton-erased:" + email))
	return "TOMB#" + hex.EncodeToString(sum[:])
}

// Erased reports whether an email was erased.
func Erased(ctx context.Context, t table.Table, email string) (bool, error) {
	_, err := t.Get(ctx, TombstonePK(email), "TOMB")
	if errors.Is(err, table.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// Erase removes the person, their attributes, their links to visitors,
// every event of those visitors while they were the person's, their score
// ledger and everything else under the person's partition, queue messages
// about them, and leaves a tombstone keyed by a hash of the email.
func (e *Eraser) Erase(ctx context.Context, personID string) (Report, error) {
	p, err := e.Dir.Get(ctx, personID)
	if err != nil {
		return Report{}, err
	}
	rep := Report{Person: personID}
	if e.Tell != nil {
		if err := e.Tell(ctx, personID, p.Email); err != nil {
			return rep, fmt.Errorf("tell the SFA: %w", err)
		}
	}
	visitors, err := e.Dir.Visitors(ctx, personID)
	if err != nil {
		return rep, err
	}
	for _, v := range visitors {
		n, err := e.eraseVisitor(ctx, v, personID)
		if err != nil {
			return rep, fmt.Errorf("erase visitor: %w", err)
		}
		rep.Visitors++
		rep.Events += n
	}
	for _, q := range e.Queues {
		n, err := e.deletePrefix(ctx, "Q#"+q, "M#"+personID)
		if err != nil {
			return rep, err
		}
		rep.Items += n
		ready, err := e.T.Query(ctx, table.Query{PK: "Q#" + q + "#R", Consistent: true})
		if err != nil {
			return rep, err
		}
		var ws []table.Write
		for _, it := range ready {
			if _, id, _ := strings.Cut(it.SK, "#"); strings.HasPrefix(id, personID) {
				ws = append(ws, table.Del(it.PK, it.SK, table.Always))
			}
		}
		if err := firstErr(e.T.PutMany(ctx, ws)); err != nil {
			return rep, err
		}
		rep.Items += len(ws)
	}
	now := clock.Now().UTC()
	if e.Now != nil {
		now = e.Now().UTC()
	}
	tomb, _ := json.Marshal(map[string]any{"erasedAt": now})
	if err := e.T.Put(ctx, table.Item{PK: TombstonePK(p.Email), SK: "TOMB", Kind: "tombstone", Data: tomb}, table.Always); err != nil {
		return rep, err
	}
	// The person partition last: if anything above failed, the erasure can
	// be retried from the person's visitors.
	n, err := e.deletePrefix(ctx, identity.PersonPK(personID), "")
	if err != nil {
		return rep, err
	}
	rep.Items += n
	if err := e.T.Delete(ctx, "EMAIL#"+p.Email, "EMAIL", table.Always); err != nil {
		return rep, err
	}
	rep.Items++
	if c, ok := e.T.(Compactor); ok {
		if err := c.Compact(ctx); err != nil {
			return rep, fmt.Errorf("compact after erasure: %w", err)
		}
	}
	return rep, nil
}

// eraseVisitor removes the visitor's events from the person's periods, and
// the whole visitor when it never belonged to anyone else.
func (e *Eraser) eraseVisitor(ctx context.Context, visitor, person string) (int, error) {
	link, err := e.Dir.GetLink(ctx, visitor)
	if err != nil {
		return 0, err
	}
	shared := false
	for _, s := range link.History {
		if s.Person != person && s.Person != "" {
			shared = true
		}
	}
	if !shared {
		return e.deletePrefix(ctx, eventlog.VisitorPK(visitor), "")
	}
	evs, err := e.Log.Visitor(ctx, visitor)
	if err != nil {
		return 0, err
	}
	var ws []table.Write
	for _, ev := range evs {
		if link.PersonAt(ev.Timestamp) == person {
			ws = append(ws, table.Del(eventlog.VisitorPK(visitor), "E#"+ev.ID, table.Always))
		}
	}
	if err := firstErr(e.T.PutMany(ctx, ws)); err != nil {
		return 0, err
	}
	if err := e.Dir.Forget(ctx, visitor, person); err != nil {
		return 0, err
	}
	return len(ws), nil
}

// deletePrefix deletes every item of a partition whose sort key starts with prefix.
func (e *Eraser) deletePrefix(ctx context.Context, pk, prefix string) (int, error) {
	total := 0
	for {
		items, err := e.T.Query(ctx, table.Query{PK: pk, Prefix: prefix, Limit: 200, Consistent: true})
		if err != nil {
			return total, err
		}
		if len(items) == 0 {
			return total, nil
		}
		ws := make([]table.Write, 0, len(items))
		for _, it := range items {
			ws = append(ws, table.Del(it.PK, it.SK, table.Always))
		}
		if err := firstErr(e.T.PutMany(ctx, ws)); err != nil {
			return total, err
		}
		total += len(items)
	}
}

func firstErr(errs []error) error {
	var msgs []string
	for _, err := range errs {
		if err != nil {
			msgs = append(msgs, err.Error())
		}
	}
	if len(msgs) > 0 {
		return errors.New(strings.Join(msgs, "; "))
	}
	return nil
}
