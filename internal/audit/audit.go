// Package audit keeps the admin API's audit trail in the table:
//
//	PK=AUDIT  SK=<time, UTC, fixed width>-<sequence><random>  one admin request: who, which route, which id, the answer
//
// One partition, read newest first a page at a time (the sort key is the
// time, so the cursor is a sort key, URL-safe as it is). Admin requests
// are made by people, a few a minute at most, far below what one DynamoDB
// partition takes.
// Entries expire (the item's TTL; readers filter on the injected clock
// too, since DynamoDB deletes expired items lazily).
//
// An entry holds no personal data of the people Baton tracks: the route's
// pattern, never the raw URL (DELETE /admin/people?email=... is recorded as
// "DELETE /admin/people"), no query, no body, and a path's {id} only when
// it looks like an opaque id. A person is named by their opaque id alone,
// and that is acceptable after their erasure: the id is random, minted by
// Baton, and once erased nothing in the store maps it to an email, a name
// or a behaviour (the erasure suite proves it), while the record that the
// erasure happened, when and by whom, is the accountability the law asks
// of the operator (GDPR art. 5(2); APPI's security control measures, which
// expect a record of how personal data was handled). Erasure therefore
// leaves the trail alone: deleting its entries would erase the evidence.
package audit

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"sync/atomic"
	"time"

	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/table"
)

// Kind is the item kind of an entry (not on the change feed).
const Kind = "audit"

// DefaultTTL is how long an entry is kept when Log.TTL is zero: a year and
// a month, so that a yearly review still sees the whole year.
const DefaultTTL = 400 * 24 * time.Hour

// MaxLimit is the largest page List answers.
const MaxLimit = 500

const (
	pk     = "AUDIT"
	layout = "20060102T150405.000000000Z" // fixed width: sort keys order as times
)

// seq orders the entries this process records.
var seq atomic.Uint32

// ErrCursor: a cursor List did not hand out.
var ErrCursor = errors.New("audit: not a cursor of this list")

// Entry is one recorded admin request.
type Entry struct {
	At     time.Time `json:"at"`
	Who    string    `json:"who"`          // the credential's (or the signed-in session's) name
	Via    string    `json:"via"`          // "token" or "session"
	Route  string    `json:"route"`        // the route's pattern, e.g. "DELETE /admin/people/{id}"
	Method string    `json:"method"`       // the request's method (HEAD answers a GET route)
	ID     string    `json:"id,omitempty"` // the path's {id}, when the route has one
	Status int       `json:"status"`
}

// Log records and lists entries.
type Log struct {
	T   table.Table
	TTL time.Duration    // 0: DefaultTTL
	Now func() time.Time // nil: clock.Now
}

func (l *Log) now() time.Time { return clock.Or(l.Now)() }

func (l *Log) ttl() time.Duration {
	if l.TTL > 0 {
		return l.TTL
	}
	return DefaultTTL
}

// Holds reports whether an item is an audit entry (the erasure suite lets
// entries keep a person's opaque id).
func Holds(it table.Item) bool { return it.PK == pk }

// Record stores an entry, one unconditional put and no read, dated e.At (a
// request's arrival, taken before it is answered: a backup streamed for
// long is not dated by its end) or, when that is zero, the log's time.
func (l *Log) Record(ctx context.Context, e Entry) error {
	if e.At.IsZero() {
		e.At = l.now()
	}
	e.At = e.At.UTC()
	e.ID = OpaqueID(e.ID)
	// Entries of one instant keep the order this process recorded them in
	// (a fixed test clock, a coarse one); the random half keeps entries of
	// two processes apart without a read.
	var n [8]byte
	binary.BigEndian.PutUint32(n[:4], seq.Add(1))
	if _, err := rand.Read(n[4:]); err != nil {
		return err
	}
	data, err := json.Marshal(e)
	if err != nil {
		return err
	}
	sk := e.At.Format(layout) + "-" + hex.EncodeToString(n[:])
	return l.T.Put(ctx, table.Item{PK: pk, SK: sk, Kind: Kind, Data: data, Expires: e.At.Add(l.ttl())}, table.Always)
}

// List returns up to limit live entries, newest first, after cursor ("" :
// from the newest), and the cursor of the next page ("" : no more).
func (l *Log) List(ctx context.Context, cursor string, limit int) ([]Entry, string, error) {
	if cursor != "" && !ValidCursor(cursor) {
		return nil, "", ErrCursor
	}
	if limit <= 0 || limit > MaxLimit {
		limit = MaxLimit
	}
	items, err := l.T.Query(ctx, table.Query{PK: pk, After: cursor, Reverse: true, Limit: limit})
	if err != nil {
		return nil, "", err
	}
	now := l.now()
	out := make([]Entry, 0, len(items))
	for _, it := range items {
		if !it.Live(now) {
			// Older entries expire first: the rest of the list is gone too.
			return out, "", nil
		}
		var e Entry
		if err := json.Unmarshal(it.Data, &e); err != nil {
			return nil, "", err
		}
		out = append(out, e)
	}
	next := ""
	if len(items) == limit {
		next = items[len(items)-1].SK
	}
	return out, next, nil
}

// ValidCursor reports whether s has the form of an entry's sort key.
func ValidCursor(s string) bool {
	at, n, ok := strings.Cut(s, "-")
	if !ok || len(n) != 16 {
		return false
	}
	if _, err := hex.DecodeString(n); err != nil || strings.ToLower(n) != n {
		return false
	}
	t, err := time.Parse(layout, at)
	return err == nil && t.Format(layout) == at
}

// OpaqueID returns id when it looks like one of Baton's opaque ids (letters,
// digits and - _ . : only, at most 100 characters), else "": an email typed
// where an id goes, or anything longer, is not recorded.
func OpaqueID(id string) string {
	if len(id) > 100 {
		return ""
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == ':') {
			return ""
		}
	}
	return id
}
