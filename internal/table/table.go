// Package table is the contract between Baton's logic and its storage: one
// single table of items addressed by a partition key and a sort key, with the
// few operations DynamoDB does well (conditional writes, transactions, atomic
// counters, queries within a partition, TTL). Every repository above it
// (events, people, ledger, outbox, reports) is written once against this
// contract; bolttable and dynamotable implement it, and tabletest is the one
// conformance suite both must pass.
package table

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Errors every implementation returns, testable with errors.Is.
var (
	ErrNotFound        = errors.New("table: item not found")
	ErrConditionFailed = errors.New("table: condition failed")
	// ErrWriteFailed marks a write the store could not commit (the
	// embedded store's disk full, its file unwritable), as against one it
	// refused: the error wraps the cause too.
	ErrWriteFailed = errors.New("table: the store could not write")
)

// Item is one stored row. Data is an opaque document (JSON in practice);
// Counters are integers changed atomically by Add; Kind lets a stream consumer
// filter (DynamoDB Streams filter criteria match on it).
type Item struct {
	PK, SK   string
	Kind     string
	Data     []byte
	Expires  time.Time // zero: never; otherwise the item is gone after this time (TTL)
	Version  int64     // set by the store: 1 on create, +1 on each conditional write
	Counters map[string]int64
}

// Cond is the condition a write is made under.
type Cond struct {
	kind    int
	version int64
}

// Conditions.
var (
	Always    = Cond{}
	NotExists = Cond{kind: 1}
	Exists    = Cond{kind: 3}
)

// VersionIs succeeds when the stored item has exactly version v (0: absent).
func VersionIs(v int64) Cond {
	if v == 0 {
		return NotExists
	}
	return Cond{kind: 2, version: v}
}

// IsNotExists, IsExists and Version let implementations read a Cond.
func (c Cond) IsNotExists() bool      { return c.kind == 1 }
func (c Cond) IsExists() bool         { return c.kind == 3 }
func (c Cond) Version() (int64, bool) { return c.version, c.kind == 2 }

// Write is one part of a batch or transaction: a put (Item), a delete,
// counter additions (Add; in Transact only, with Cond Always), or a check
// (Check; in Transact only): Cond on the item, nothing written, DynamoDB's
// ConditionCheck (its own IAM action, ConditionCheckItem, not a write's).
type Write struct {
	Item   Item
	Delete bool
	Cond   Cond
	Add    map[string]int64
	Check  bool
}

// CheckOf returns a Write that only holds a transaction to c on an item.
func CheckOf(pk, sk string, c Cond) Write {
	return Write{Item: Item{PK: pk, SK: sk}, Cond: c, Check: true}
}

// AddTo returns a Write that adds to an item's counters, creating the item
// when absent: DynamoDB's ADD, inside a transaction so that a count and the
// fact it counts are written together, exactly once.
func AddTo(pk, sk, kind string, deltas map[string]int64) Write {
	return Write{Item: Item{PK: pk, SK: sk, Kind: kind}, Add: deltas}
}

// Put returns a put Write.
func Put(it Item, c Cond) Write { return Write{Item: it, Cond: c} }

// Del returns a delete Write.
func Del(pk, sk string, c Cond) Write {
	return Write{Item: Item{PK: pk, SK: sk}, Delete: true, Cond: c}
}

// Query selects items of one partition.
type Query struct {
	PK         string
	Prefix     string // sort keys starting with this
	After      string // exclusive lower bound on the sort key (for paging), within Prefix
	Reverse    bool   // newest (largest sort key) first
	Limit      int    // 0: all
	Consistent bool
}

// Table is a single-table store. A write whose ctx has ended reports ctx's
// error (errors.Is context.Canceled or DeadlineExceeded) before any
// condition is judged: a compare-and-swap loop (Again) whose client left
// then says so, not "too much contention" after losing every attempt to a
// rival writer.
type Table interface {
	Get(ctx context.Context, pk, sk string) (Item, error)
	// Put writes one item under a condition. The stored version becomes the
	// previous version + 1 (1 for a new item).
	Put(ctx context.Context, it Item, c Cond) error
	Delete(ctx context.Context, pk, sk string, c Cond) error
	// PutMany writes independent items, each under its own condition, with
	// as little I/O as the backend allows (one group commit on bbolt). It is
	// not atomic: the result has one error (or nil) per item.
	PutMany(ctx context.Context, ws []Write) []error
	// Transact applies all writes or none; a failed condition anywhere gives
	// ErrConditionFailed.
	Transact(ctx context.Context, ws []Write) error
	// Add changes counters atomically, creating the item when absent, and
	// returns the new values.
	Add(ctx context.Context, pk, sk, kind string, deltas map[string]int64) (map[string]int64, error)
	Query(ctx context.Context, q Query) ([]Item, error)
	// Scan visits every item whose partition key starts with pkPrefix, in no
	// particular order. For maintenance (rescore, retention), never the hot path.
	Scan(ctx context.Context, pkPrefix string, fn func(Item) error) error
	// ScanPage reads one page of such a pass, from cursor ("": the start),
	// and returns its live items of the prefix and the cursor of the next
	// page ("": the pass is over). A page is what the store reads at once
	// (DynamoDB's 1 MB, whatever the prefix; 500 keys on bbolt) and may
	// hold none of the prefix's. For a pass too long for one run (the
	// sweep's jobs), which keeps the cursor in an item and resumes there.
	ScanPage(ctx context.Context, pkPrefix, cursor string) ([]Item, string, error)
	Close() error
}

// PageCursor spells where a ScanPage stopped: the key of the last item the
// store read (DynamoDB's LastEvaluatedKey), the same on every store.
func PageCursor(pk, sk string) string {
	b, _ := json.Marshal([2]string{pk, sk})
	return string(b)
}

// ParseCursor reads a PageCursor.
func ParseCursor(c string) (pk, sk string, err error) {
	var k [2]string
	if err := json.Unmarshal([]byte(c), &k); err != nil || k[0] == "" || k[1] == "" {
		return "", "", fmt.Errorf("table: bad scan cursor %q", c)
	}
	return k[0], k[1], nil
}

// Live reports whether an item has not expired at now. DynamoDB deletes
// expired items lazily (within days), so readers filter too.
func (it Item) Live(now time.Time) bool {
	return it.Expires.IsZero() || now.Before(it.Expires)
}

// Change is one committed write as a change feed announces it: on AWS a
// DynamoDB Streams record, on the embedded store an entry of its feed
// written in the same transaction as the item.
type Change struct {
	Op   string // INSERT, MODIFY or REMOVE
	Item Item
	Seq  string // position in the feed (the stream record's sequence number)
}

// Change operations.
const (
	OpInsert = "INSERT"
	OpModify = "MODIFY"
	OpRemove = "REMOVE"
)

// Feed is a store's change feed as one consumer reads it: changes of the
// kinds the store was opened to announce, in commit order, at least once.
// Next returns the oldest changes not yet acknowledged (none: an empty
// slice); Ack acknowledges every change up to and including the one given,
// and unacknowledged changes come again from the next Next.
type Feed interface {
	Next(ctx context.Context, max int) ([]Change, error)
	Ack(ctx context.Context, upTo Change) error
}
