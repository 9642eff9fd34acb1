// Package queue is a durable work queue on the table: the embedded store's
// stand-in for SQS with a dead-letter queue. Messages are enqueued in the
// same transaction as the fact that caused them (an MQL), leased to one
// worker at a time, retried at a time of the worker's choosing, and parked
// in a dead-letter partition with the reason when they cannot succeed.
//
// Layout:
//
//	PK=Q#<name>      SK=M#<id>                 the message (body, attempts, last error, state)
//	PK=Q#<name>#R    SK=<due, 20 digits>#<id>  ready index: due at that time (leases move it)
//	PK=Q#<name>#D    SK=<id>                   dead letters (data: when given up, for DeadPage's order)
package queue

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/baton-hq/baton/internal/clock"

	"github.com/baton-hq/baton/internal/table"
)

// Kinds on the table.
const (
	KindMessage = "qmsg"
	KindReady   = "qready"
	KindDead    = "qdead"
)

// Message is one unit of work.
type Message struct {
	ID        string          `json:"id"`
	Body      json.RawMessage `json:"body"`
	Attempts  int             `json:"attempts"`
	LastError string          `json:"lastError,omitempty"`
	Enqueued  time.Time       `json:"enqueued"`
	Due       time.Time       `json:"due"`
	State     string          `json:"state"` // ready, dead
	DeadAt    time.Time       `json:"deadAt,omitzero"`
	Queue     string          `json:"queue,omitempty"` // on AWS, the SQS queue it waits in (deadletter); empty for the table's queue

	version int64
}

// Queue is one named queue.
type Queue struct {
	T    table.Table
	Name string
	Now  func() time.Time
	// Redact, when set, cuts a message about a forgotten person down to a
	// body that names nobody instead of deleting it, when it returns true:
	// a message that is also other people's (the push queue's MQAs name
	// every active colleague; their delivery reads the stored MQA, which
	// the erasure rewrote).
	Redact func(Message) (json.RawMessage, bool)
}

// ErrDuplicate is returned by Enqueue for an id already queued.
var ErrDuplicate = errors.New("queue: message id already enqueued")

func (q *Queue) now() time.Time {
	if q.Now != nil {
		return q.Now().UTC()
	}
	return clock.Now().UTC()
}

func (q *Queue) pk() string      { return "Q#" + q.Name }
func (q *Queue) readyPK() string { return "Q#" + q.Name + "#R" }
func (q *Queue) deadPK() string  { return "Q#" + q.Name + "#D" }

func readySK(due time.Time, id string) string {
	return fmt.Sprintf("%020d#%s", due.UnixNano(), id)
}

// EnqueueWrites returns the writes that enqueue a message, for the caller to
// include in its own transaction; the id makes it idempotent (the message
// put is conditional on absence).
func (q *Queue) EnqueueWrites(id string, body any, due time.Time) ([]table.Write, error) {
	if id == "" || strings.ContainsAny(id, "#\x00") {
		return nil, fmt.Errorf("queue: bad message id %q", id)
	}
	raw, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	if due.IsZero() {
		due = q.now()
	}
	m := Message{ID: id, Body: raw, Enqueued: q.now(), Due: due, State: "ready"}
	data, _ := json.Marshal(m)
	return []table.Write{
		table.Put(table.Item{PK: q.pk(), SK: "M#" + id, Kind: KindMessage, Data: data}, table.NotExists),
		table.Put(table.Item{PK: q.readyPK(), SK: readySK(due, id), Kind: KindReady, Data: []byte(`{}`)}, table.NotExists),
	}, nil
}

// Enqueue adds a message on its own.
func (q *Queue) Enqueue(ctx context.Context, id string, body any) error {
	return q.EnqueueDue(ctx, id, body, time.Time{})
}

// EnqueueDue adds a message on its own, due at due (zero: now).
func (q *Queue) EnqueueDue(ctx context.Context, id string, body any, due time.Time) error {
	ws, err := q.EnqueueWrites(id, body, due)
	if err != nil {
		return err
	}
	err = q.T.Transact(ctx, ws)
	if errors.Is(err, table.ErrConditionFailed) {
		return ErrDuplicate
	}
	return err
}

// Get reads a message.
func (q *Queue) Get(ctx context.Context, id string) (Message, error) {
	it, err := q.T.Get(ctx, q.pk(), "M#"+id)
	if err != nil {
		return Message{}, err
	}
	var m Message
	if err := json.Unmarshal(it.Data, &m); err != nil {
		return Message{}, err
	}
	m.version = it.Version
	return m, nil
}

// Receive leases up to max due messages for the lease duration: until Ack,
// Retry or DeadLetter, or the lease ends (a crashed worker's message comes
// back), no other Receive returns them.
func (q *Queue) Receive(ctx context.Context, max int, lease time.Duration) ([]Message, error) {
	now := q.now()
	items, err := q.T.Query(ctx, table.Query{PK: q.readyPK(), Limit: max * 2, Consistent: true})
	if err != nil {
		return nil, err
	}
	var out []Message
	for _, it := range items {
		if len(out) >= max {
			break
		}
		dueS, id, ok := strings.Cut(it.SK, "#")
		if !ok {
			continue
		}
		due, _ := strconv.ParseInt(dueS, 10, 64)
		if due > now.UnixNano() {
			break // sorted by due time: nothing later is due either
		}
		m, err := q.Get(ctx, id)
		if errors.Is(err, table.ErrNotFound) {
			// An index entry without its message (erased): drop it.
			_ = q.T.Delete(ctx, q.readyPK(), it.SK, table.VersionIs(it.Version))
			continue
		}
		if err != nil {
			return out, err
		}
		m.Attempts++
		m.Due = now.Add(lease)
		if err := q.move(ctx, &m, it, m.Due); err != nil {
			if errors.Is(err, table.ErrConditionFailed) {
				continue // another worker leased it first
			}
			return out, err
		}
		out = append(out, m)
	}
	return out, nil
}

// move rewrites the message and moves its ready entry to due, atomically,
// conditional on nobody having touched either.
func (q *Queue) move(ctx context.Context, m *Message, ready table.Item, due time.Time) error {
	data, _ := json.Marshal(m)
	err := q.T.Transact(ctx, []table.Write{
		table.Del(q.readyPK(), ready.SK, table.VersionIs(ready.Version)),
		table.Put(table.Item{PK: q.readyPK(), SK: readySK(due, m.ID), Kind: KindReady, Data: []byte(`{}`)}, table.NotExists),
		table.Put(table.Item{PK: q.pk(), SK: "M#" + m.ID, Kind: KindMessage, Data: data}, table.VersionIs(m.version)),
	})
	if err == nil {
		m.version++
	}
	return err
}

func (q *Queue) readyItem(ctx context.Context, m Message) (table.Item, error) {
	return q.T.Get(ctx, q.readyPK(), readySK(m.Due, m.ID))
}

// Ack removes a processed message.
func (q *Queue) Ack(ctx context.Context, m Message) error {
	ready, err := q.readyItem(ctx, m)
	if err != nil {
		return fmt.Errorf("queue: ack %s: lease lost: %w", m.ID, err)
	}
	return q.T.Transact(ctx, []table.Write{
		table.Del(q.readyPK(), ready.SK, table.VersionIs(ready.Version)),
		table.Del(q.pk(), "M#"+m.ID, table.VersionIs(m.version)),
	})
}

// Retry makes a leased message due again after the delay, recording why.
func (q *Queue) Retry(ctx context.Context, m Message, after time.Duration, reason string) error {
	ready, err := q.readyItem(ctx, m)
	if err != nil {
		return fmt.Errorf("queue: retry %s: lease lost: %w", m.ID, err)
	}
	m.LastError = reason
	m.Due = q.now().Add(after)
	return q.move(ctx, &m, ready, m.Due)
}

// DeadRetention is how long a dead letter is kept after it was given up,
// unless replayed first: the push dead-letter queue's MessageRetentionPeriod
// on AWS (template.yaml, 14 days, SQS's maximum; infra/deploy's tests hold
// the template to this constant). A dead letter holds its MQL's person
// (email, name, company), so locally it expires as it does on AWS, by the
// table's TTL (bolttable's hourly purge), rather than staying until replayed.
const DeadRetention = 14 * 24 * time.Hour

// deadExpires is when a dead letter given up at at expires.
func deadExpires(at time.Time) time.Time { return at.Add(DeadRetention) }

// DeadLetter parks a leased message with the reason; it stays until
// replayed, or DeadRetention.
func (q *Queue) DeadLetter(ctx context.Context, m Message, reason string) error {
	ready, err := q.readyItem(ctx, m)
	if err != nil {
		return fmt.Errorf("queue: dead-letter %s: lease lost: %w", m.ID, err)
	}
	m.LastError, m.State, m.DeadAt = reason, "dead", q.now()
	data, _ := json.Marshal(m)
	idx, _ := json.Marshal(deadIndex{At: m.DeadAt})
	exp := deadExpires(m.DeadAt)
	return q.T.Transact(ctx, []table.Write{
		table.Del(q.readyPK(), ready.SK, table.VersionIs(ready.Version)),
		table.Put(table.Item{PK: q.pk(), SK: "M#" + m.ID, Kind: KindMessage, Data: data, Expires: exp}, table.VersionIs(m.version)),
		table.Put(table.Item{PK: q.deadPK(), SK: m.ID, Kind: KindDead, Data: idx, Expires: exp}, table.Always),
	})
}

// Dead lists dead letters, oldest id first.
func (q *Queue) Dead(ctx context.Context) ([]Message, error) {
	items, err := q.T.Query(ctx, table.Query{PK: q.deadPK(), Consistent: true})
	if err != nil {
		return nil, err
	}
	out := []Message{}
	for _, it := range items {
		m, err := q.Get(ctx, it.SK)
		if errors.Is(err, table.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

// DeadCount is how many dead letters there are: one query of the dead
// partition's small index items, none of the messages read (the
// workspace's navigation shows it on every page).
func (q *Queue) DeadCount(ctx context.Context) (int, error) {
	items, err := q.T.Query(ctx, table.Query{PK: q.deadPK(), Consistent: true})
	if err != nil {
		return 0, err
	}
	now, n := q.now(), 0
	for _, it := range items {
		if !q.deadGone(it, now) {
			n++
		}
	}
	return n, nil
}

// ErrNotDead: Replay names a message that is not a dead letter (a
// conflict, not a failure).
var ErrNotDead = errors.New("not a dead letter")

// ErrExpired: Replay names a dead letter whose content is gone (a score
// failure whose stream records were trimmed); it is also an ErrNotDead.
var ErrExpired = errors.New("the dead letter's content is gone")

// ErrNotReached: Replay could not look at every dead letter in its time
// (on AWS SQS lets a request receive only so many), and the one named
// was not among those it saw: it may still be there, unlike ErrNotFound.
var ErrNotReached = errors.New("the dead letter was not reached")

// Replay makes a dead letter due now, with its attempts reset.
func (q *Queue) Replay(ctx context.Context, id string) error {
	m, err := q.Get(ctx, id)
	if err != nil {
		return err
	}
	if m.State != "dead" {
		return fmt.Errorf("queue: %s is %w", id, ErrNotDead)
	}
	m.State, m.Attempts, m.Due, m.DeadAt = "ready", 0, q.now(), time.Time{}
	data, _ := json.Marshal(m)
	return q.T.Transact(ctx, []table.Write{
		table.Del(q.deadPK(), id, table.Exists),
		table.Put(table.Item{PK: q.readyPK(), SK: readySK(m.Due, id), Kind: KindReady, Data: []byte(`{}`)}, table.NotExists),
		table.Put(table.Item{PK: q.pk(), SK: "M#" + id, Kind: KindMessage, Data: data}, table.VersionIs(m.version)),
	})
}

// Pending counts messages waiting or leased (for tests and health).
func (q *Queue) Pending(ctx context.Context) (int, error) {
	items, err := q.T.Query(ctx, table.Query{PK: q.readyPK(), Consistent: true})
	return len(items), err
}
