package push

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"time"

	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/table"
)

// An MQL is written in the scoring transaction and relayed to the push
// queue after it, from the change feed. When that relay never happens
// (on AWS: a stream batch that failed ten times and whose score failure
// was not replayed within the stream's 24 hours), the MQL is stored with
// no delivery record anywhere, and nothing would ever send it: a rescore
// does not relay an MQL already raised. The sweep finds such MQLs
// (Requeue) and queues them again as the relay would.
//
// Whether a connector was configured when an MQL was raised is known by
// when Baton first saw it configured (NoteConnectors):
//
//	PK=CONNSINCE  SK=<connector>  {"since"}
//
// A connector seen first after the MQL was raised was connected after it
// (StatusNotSent, sent on purpose only); one seen before it should have
// had it (StatusLost, queued again by the sweep).
const (
	connSincePK        = "CONNSINCE"
	KindConnectorSince = "connsince"
)

// StatusLost is a configured connector, configured before the MQL was
// raised, that has no record of it after its message was over: the MQL
// never reached delivery (its relay from the change feed was lost). The
// sweep queues it again (Requeue); Status says it, no record holds it.
const StatusLost = "relay_lost"

// StatusWithheld is a connector without a record of the MQL whose person
// withdrew consent since: nothing of them goes to it, and no send is
// offered (it would be refused).
const StatusWithheld = "withheld"

// NoteConnectors returns when Baton first saw each connector configured,
// recording now for those never seen (a conditional put: of two writers,
// the first stays). Connectors configured before this record existed are
// dated from their first sight, later than they were: their MQLs raised
// before stay not_sent and are not queued again (never sent twice on a
// guess).
func NoteConnectors(ctx context.Context, t table.Table, names []string, now time.Time) (map[string]time.Time, error) {
	out := make(map[string]time.Time, len(names))
	for _, n := range names {
		since, err := connectorSince(ctx, t, n)
		if errors.Is(err, table.ErrNotFound) {
			data, _ := json.Marshal(map[string]time.Time{"since": now})
			err = t.Put(ctx, table.Item{PK: connSincePK, SK: n, Kind: KindConnectorSince, Data: data}, table.NotExists)
			since = now
			if errors.Is(err, table.ErrConditionFailed) {
				since, err = connectorSince(ctx, t, n)
			}
		}
		if err != nil {
			return nil, err
		}
		out[n] = since
	}
	return out, nil
}

func connectorSince(ctx context.Context, t table.Table, name string) (time.Time, error) {
	it, err := t.Get(ctx, connSincePK, name)
	if err != nil {
		return time.Time{}, err
	}
	var v struct {
		Since time.Time `json:"since"`
	}
	err = json.Unmarshal(it.Data, &v)
	return v.Since, err
}

// Requeue queues again the MQLs whose relay to the push queue was lost.
type Requeue struct {
	T table.Table
	// MQLs lists the MQLs qualified at or after since
	// (qualify.Qualifier.MQLsSince: the MQL index).
	MQLs func(ctx context.Context, since time.Time) ([]qualify.MQL, error)
	Dir  *identity.Directory
	// Connectors are the names of the configured connectors ("inbox"
	// without any).
	Connectors []string
	// After is how long after its raise an MQL without any delivery
	// record is taken as lost: its relay follows the scoring transaction
	// within seconds, and a failing stream batch is retried for up to 6
	// hours but the MQL's message, once queued, writes its records at its
	// first attempt; 2 hours is past any relay's retries locally and well
	// past the push function's first attempt on AWS.
	After time.Duration
	// Window bounds the work: MQLs qualified within it (the MQL index's
	// time) are looked at, those already delivered skipped by the index
	// of first deliveries, so a run reads a few days of the index and the
	// records of the undelivered MQLs only.
	Window time.Duration
	Now    func() time.Time
	// Send queues an MQL as the change feed's relay does (the push queue:
	// the table's locally, SQS on AWS).
	Send func(ctx context.Context, m qualify.MQL) error
	Log  *slog.Logger
}

// Run queues again each MQL raised between Window and After ago that has
// no delivery record for a connector configured before it was raised and
// none dead or in flight (a dead one is a replay's to revive: a queued
// copy of the MQL would revive it), unless its person was erased or
// withdrew consent. It returns how many it queued. A repeat is harmless:
// the worker skips connectors that have it and claims the rest.
func (r *Requeue) Run(ctx context.Context) (int, error) {
	now := r.Now()
	since, err := NoteConnectors(ctx, r.T, r.Connectors, now)
	if err != nil {
		return 0, err
	}
	from := now.Add(-r.Window)
	ms, err := r.MQLs(ctx, from)
	if err != nil {
		return 0, err
	}
	delivered, err := FirstDeliveredBetween(ctx, r.T, from, time.Time{})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, m := range ms {
		raised := m.Raised()
		if _, ok := delivered[m.ID]; ok || raised.Before(from) || now.Sub(raised) < r.After {
			continue
		}
		lost, err := r.lost(ctx, m, since)
		if err != nil {
			return n, err
		}
		if !lost {
			continue
		}
		if err := r.Send(ctx, m); err != nil {
			return n, err
		}
		n++
		r.log().Warn("push: an MQL never reached delivery (its relay from the change feed was lost): queued again", "mql", m.ID, "raised", raised)
	}
	return n, nil
}

// lost reports whether m is to be queued again: a connector configured
// before it was raised has no record of it, none is dead or in flight,
// and its person may be handed to an SFA.
func (r *Requeue) lost(ctx context.Context, m qualify.MQL, since map[string]time.Time) (bool, error) {
	items, err := r.T.Query(ctx, table.Query{PK: identity.PersonPK(m.Person), Prefix: deliverySK(m.ID, ""), Consistent: true})
	if err != nil {
		return false, err
	}
	has := map[string]bool{}
	for _, it := range items {
		d, err := decodeDelivery(it.Data)
		if err != nil {
			return false, err
		}
		if d.Status != StatusDelivered {
			return false, nil // dead (a replay's) or in flight (its message is alive)
		}
		has[d.Connector] = true
	}
	missing := false
	for _, c := range r.Connectors {
		if s, ok := since[c]; ok && !s.After(m.Raised()) && !has[c] {
			missing = true
		}
	}
	if !missing {
		return false, nil
	}
	p, err := r.Dir.Get(ctx, m.Person)
	if errors.Is(err, identity.ErrNotFound) {
		return false, nil // erased
	}
	if err != nil {
		return false, err
	}
	if !p.ConsentWithdrawn.IsZero() {
		return false, nil
	}
	gone, err := privacy.Erased(ctx, r.T, m.Email)
	return !gone && err == nil, err
}

func (r *Requeue) log() *slog.Logger {
	if r.Log != nil {
		return r.Log
	}
	return slog.Default()
}

// predates reports whether the connector was configured (first seen) no
// later than raised; unknown (never noted): false.
func (w *Worker) predates(ctx context.Context, connector string, raised time.Time) (bool, error) {
	s, err := connectorSince(ctx, w.T, connector)
	if errors.Is(err, table.ErrNotFound) {
		return false, nil
	}
	return err == nil && !s.After(raised), err
}
