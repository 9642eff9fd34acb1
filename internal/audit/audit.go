// Package audit keeps the admin API's audit trail in the table:
//
//	PK=AUDIT  SK=<time, UTC, fixed width>-<sequence><random>  one admin request: who, which route, which id, the answer
//	PK=AUDIT  SK=<first attempt, UTC, fixed width>-<hash>       refused credentials: a minute's attempts of one address, reason and name, counted
//	PK=AUDIT  SK=#<minute, UTC, fixed width>-<hash>             which entry holds that minute's attempts (short TTL)
//
// One partition, read newest first a page at a time (the sort key is the
// time, so the cursor is a sort key, URL-safe as it is; the "#" keys sort
// below every time, after the oldest entry). Admin requests
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
// leaves the trail alone: deleting its entries would erase the evidence,
// the entry of a disclosure (the person's data handed out on their
// request) among them.
package audit

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/enrichment"
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

// Entry is one recorded admin request, or a minute's refused attempts
// (Count > 0).
type Entry struct {
	At     time.Time `json:"at"`
	Who    string    `json:"who"`          // the credential's (or the signed-in session's) name; "" when the token matched none
	Via    string    `json:"via"`          // "token" or "session"
	Route  string    `json:"route"`        // the route's pattern, e.g. "DELETE /admin/people/{id}"
	Method string    `json:"method"`       // the request's method (HEAD answers a GET route)
	ID     string    `json:"id,omitempty"` // the path's {id}, when the route has one; else what the body or query named (a campaign's id)
	Status int       `json:"status"`
	Reason string    `json:"reason,omitempty"` // why the request was refused (see the Reason constants), or why the handler refused it or changed nothing (Result); "" when it was not, or for another reason
	// Result is what the handler says the request did when it did not do
	// what it asked, whatever the status (a form's refusal is a 303 back to
	// its page, as its success is): refused (ResultRefused), taken with
	// nothing changed (ResultNotApplied) or failed (ResultFailed), Reason
	// saying why; "" when it did it, or the handler said nothing (the
	// status tells).
	Result string    `json:"result,omitempty"`
	Addr   string    `json:"addr,omitempty"`  // a refusal's client network, truncated (IPv4 /24, IPv6 /48); "*" for the attempts past Log.Keys
	Count  int       `json:"count,omitempty"` // a refusal's attempts in its minute (from At to the minute's end)
	Last   time.Time `json:"last,omitzero"`   // a refusal's last attempt, to the second, when it has more than one (set by List)

	Cursor string `json:"-"` // the entry's place in the list, for List's cursor (set by List)
}

// Why a request was refused.
const (
	ReasonUnknownToken = "unknown token"      // a bearer token or a sign-in's token matching no credential
	ReasonSessionEnded = "session ended"      // a session cookie of no live session (expired, signed out, or made up)
	ReasonTokenRevoked = "token revoked"      // a live session whose token was removed from the configuration
	ReasonMissingScope = "missing scope"      // a known token lacking the route's scope
	ReasonCSRF         = "missing CSRF token" // a session's state-changing request without its CSRF token
	ReasonCrossSite    = "cross-site"         // a state-changing request (a sign-in included) sent from another site
	ReasonRateLimited  = "rate limited"       // over the per-address rate limit (the local stack's)
)

// What a request did when its status does not say it (Entry.Result).
const (
	ResultRefused    = "refused"     // the handler refused it: nothing done (a verdict without its reason)
	ResultNotApplied = "not applied" // taken, and nothing changed (a verdict recorded already)
	ResultFailed     = "failed"      // the handler failed (a store error), the form sent back saying so
)

// DefaultKeys is Log.Keys when zero.
const DefaultKeys = 100

// Log records and lists entries.
type Log struct {
	T   table.Table
	TTL time.Duration    // 0: DefaultTTL
	Now func() time.Time // nil: clock.Now
	// Keys bounds the refusal entries this process makes a minute (one per
	// address, reason and name); attempts past it are counted in one entry
	// per reason with the address "*". 0: DefaultKeys.
	Keys int

	mu     sync.Mutex
	minute time.Time           // the minute of made
	made   map[string]*pending // the refusal entries this process wrote in that minute
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
	if err := l.Flush(ctx); err != nil {
		return nil, "", err
	}
	items, err := l.T.Query(ctx, table.Query{PK: pk, After: cursor, Reverse: true, Limit: limit})
	if err != nil {
		return nil, "", err
	}
	now := l.now()
	out := make([]Entry, 0, len(items))
	for _, it := range items {
		if strings.HasPrefix(it.SK, claimPrefix) {
			return out, "", nil // the claims sort below every entry: none is older
		}
		if !it.Live(now) {
			// Older entries expire first: the rest of the list is gone too.
			return out, "", nil
		}
		if len(it.Data) == 0 {
			continue // a refusal's count whose entry was not written (see Refuse)
		}
		var e Entry
		if err := json.Unmarshal(it.Data, &e); err != nil {
			return nil, "", err
		}
		if e.Count > 0 {
			if e.Count += int(it.Counters[more]); e.Count > 1 {
				e.Last = lastOf(e.At, it.Counters)
			}
		}
		e.Cursor = it.SK
		out = append(out, e)
	}
	next := ""
	if len(items) == limit {
		next = items[len(items)-1].SK
	}
	return out, next, nil
}

// Before is the cursor of a list that starts with the entries made before t.
func Before(t time.Time) string { return t.UTC().Format(layout) + "-0000000000000000" }

// Refusal is a request refused before it was served: its caller unknown or
// not allowed.
type Refusal struct {
	At            time.Time // zero: now
	Who, Via      string    // the name the credential had, if any ("" for a token matching none)
	Route, Method string
	Status        int
	Reason        string
	Addr          netip.Addr // the client's (httpx.ClientIP): stored truncated
}

// more counts the attempts after a refusal entry's first.
const more = "more"

// lastMark is the counter that marks a second of the minute (lastMark +
// "07") in which an attempt after the first came: the latest marked is the
// entry's last attempt, whichever process counted it (a counter only
// adds, so the mark is what can be merged).
const lastMark = "s"

// claimPrefix starts the sort key of a minute's claim on an entry: the
// first process to put it names the entry (its first attempt's time) that
// every process adds that minute's attempts to.
const claimPrefix = "#"

// claimTTL is how long a claim is kept: its minute, and the clocks of
// other processes a little behind.
const claimTTL = time.Hour

// FlushEvery is how often a refusal entry's count is written while
// attempts keep coming.
const FlushEvery = 5 * time.Second

// pending is a refusal entry this process wrote this minute, and the
// attempts counted since its last write.
type pending struct {
	sk      string    // the entry's sort key
	minute  time.Time // the entry's minute
	n       int64
	last    time.Time // the latest attempt of the n
	written time.Time
}

// Refuse records a refused request without letting a flood of them fill
// the store or take its writes: the attempts of one minute from one client
// network with one reason and name are one entry with their count (the
// first attempt's route and time, and the last attempt's second), and past
// Keys such entries a minute this process counts the rest in one entry per
// reason. The entry sorts at its first attempt, among the other entries of
// its minute as it happened (at the minute's start, a refusal at 10:00:59
// read as older than a change at 10:00:30). The first attempt is one
// transaction of two puts: the minute's claim (conditional: a process
// that finds another's reads it to learn the entry) and the entry; later ones are counted in
// memory and added to the entry at most every FlushEvery, at the next
// minute's first refusal, and when this process lists the trail (a
// process stopped meanwhile loses at most that much of a count, never an
// entry). The names are the configured credentials' (or none), so a
// process makes at most Keys + a few entries and 60s/FlushEvery + 2 writes
// per entry a minute, whatever an attacker sends.
func (l *Log) Refuse(ctx context.Context, f Refusal) error {
	if f.At.IsZero() {
		f.At = l.now()
	}
	e := Entry{At: f.At.UTC(), Who: f.Who, Via: f.Via, Route: f.Route, Method: f.Method, Status: f.Status, Reason: f.Reason, Count: 1}
	if a := enrichment.TruncateIP(f.Addr); a.IsValid() {
		e.Addr = a.String()
	}
	minute := e.At.Truncate(time.Minute)
	l.mu.Lock()
	defer l.mu.Unlock()
	var err error
	if !minute.Equal(l.minute) {
		err = l.flushLocked(ctx, time.Time{})
		l.minute, l.made = minute, map[string]*pending{}
	}
	sk := refusalKey(minute, e)
	if _, ok := l.made[sk]; !ok && len(l.made) >= l.keys() {
		e.Addr, e.Who = "*", ""
		sk = refusalKey(minute, e)
	}
	if p, ok := l.made[sk]; ok {
		p.n++
		p.last = later(p.last, e.At)
		if e.At.Sub(p.written) >= FlushEvery {
			err = errors.Join(err, l.add(ctx, p, e.At))
		}
		return err
	}
	// The first of its minute here. Another process's claim may have come
	// first (the condition fails): the attempt is added to its entry.
	// Claim and entry are written together: a claim without its entry
	// would have the minute's attempts counted where nothing lists them.
	data, jerr := json.Marshal(e)
	if jerr != nil {
		return jerr
	}
	p := &pending{sk: e.At.Format(layout) + sk[len(claimPrefix)+len(layout):], minute: minute, written: e.At}
	perr := l.T.Transact(ctx, []table.Write{
		table.Put(table.Item{PK: pk, SK: sk, Kind: Kind, Data: []byte(p.sk), Expires: minute.Add(claimTTL)}, table.NotExists),
		table.Put(table.Item{PK: pk, SK: p.sk, Kind: Kind, Data: data, Expires: e.At.Add(l.ttl())}, table.Always),
	})
	if errors.Is(perr, table.ErrConditionFailed) {
		var it table.Item
		if it, perr = l.T.Get(ctx, pk, sk); perr == nil && !ValidCursor(string(it.Data)) {
			perr = fmt.Errorf("audit: the claim %s names no entry: %q", sk, it.Data)
		}
		if perr == nil {
			p.sk, p.n, p.last = string(it.Data), 1, e.At
			perr = l.add(ctx, p, e.At)
		}
	}
	if perr == nil {
		l.made[sk] = p
	}
	return errors.Join(err, perr)
}

// add writes an entry's counted attempts, and marks the second of the
// latest.
func (l *Log) add(ctx context.Context, p *pending, at time.Time) error {
	if p.n == 0 {
		return nil
	}
	d := map[string]int64{more: p.n}
	if s := int(p.last.Sub(p.minute) / time.Second); s >= 0 && s < 60 {
		d[fmt.Sprintf("%s%02d", lastMark, s)] = 1
	}
	if _, err := l.T.Add(ctx, pk, p.sk, Kind, d); err != nil {
		return err // kept counted: the next write tries again
	}
	p.n, p.written = 0, at
	return nil
}

// lastOf is a refusal entry's last attempt: the latest second marked in
// its counters, or its first when that is later (the same second).
func lastOf(first time.Time, counters map[string]int64) time.Time {
	last := first
	minute := first.Truncate(time.Minute)
	for k, v := range counters {
		s, ok := strings.CutPrefix(k, lastMark)
		if !ok || v <= 0 || len(s) != 2 {
			continue
		}
		if n, err := strconv.Atoi(s); err == nil && n >= 0 && n < 60 {
			last = later(last, minute.Add(time.Duration(n)*time.Second))
		}
	}
	return last
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// Flush writes the attempts this process has counted and not yet written.
func (l *Log) Flush(ctx context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.flushLocked(ctx, l.now())
}

func (l *Log) flushLocked(ctx context.Context, at time.Time) error {
	var errs []error
	for _, p := range l.made {
		errs = append(errs, l.add(ctx, p, at))
	}
	return errors.Join(errs...)
}

func (l *Log) keys() int {
	if l.Keys > 0 {
		return l.Keys
	}
	return DefaultKeys
}

// refusalKey is the sort key of the claim on a minute's refusals of one
// address, reason and name: the minute, then a hash of the rest (the same
// in every process). The entry's key is its first attempt's time and the
// same hash.
func refusalKey(minute time.Time, e Entry) string {
	sum := sha256.Sum256([]byte(e.Addr + "\x00" + e.Reason + "\x00" + e.Via + "\x00" + e.Who))
	return claimPrefix + minute.Format(layout) + "-" + hex.EncodeToString(sum[:8])
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
