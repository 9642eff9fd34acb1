// Package bolttable implements table.Table on an embedded bbolt file, so the
// local stack and small sites need nothing installed. Writes from concurrent
// requests are group-committed (see commitLoop): each is durable when it
// returns, and concurrency does not multiply fsyncs.
package bolttable

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/baton-hq/baton/internal/clock"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/table"
)

var (
	bucket     = []byte("items")
	feedBucket = []byte("feed") // change feed: big-endian sequence -> feedEntry
	// metaBucket holds the store's own state across restarts: purgedKey
	// (present: Expire or PurgeExpired deleted items since the file was
	// last compacted) and compactedKey (when Compact last rewrote it,
	// unix nanoseconds).
	metaBucket   = []byte("meta")
	purgedKey    = []byte("purged")
	compactedKey = []byte("compacted")
)

// Table is a bbolt-backed table.
type Table struct {
	mu   sync.RWMutex // held exclusively only while Compact swaps the file
	db   *bolt.DB
	path string
	now  func() time.Time
	feed map[string]bool // kinds announced on the change feed
	wake chan struct{}   // signalled after a commit that fed the feed

	commits chan commit                  // writes waiting for the committer (commitLoop)
	failing atomic.Pointer[writeFailure] // set while commits fail (disk full, file unwritable); see WriteFailure
	watch   atomic.Pointer[func(error)]  // told when commits start failing and when they succeed again (OnWriteState)
	gather  func()                       // the committer's wait for company (tests hand their own)
	closed  bool                         // set under mu by Close: no write is queued after it
}

// Option configures a Table.
type Option func(*Table)

// WithFeed makes every write of an item of these kinds also write a change
// to the table's feed, in the same transaction (the embedded store's
// DynamoDB Streams; the kinds are the score function's filter criteria).
// Like those filter criteria, the feed carries inserts and modifications
// only: a deletion is not announced, so an erasure puts nothing of the
// person back on the feed.
func WithFeed(kinds ...string) Option {
	return func(t *Table) {
		for _, k := range kinds {
			t.feed[k] = true
		}
	}
}

// WithClock sets the clock expiry (TTL) is judged by: tests hand theirs
// down so that no fixture meets the wall clock.
func WithClock(now func() time.Time) Option { return func(t *Table) { t.now = clock.Or(now) } }

// Open opens (creating when absent) the table file at path.
func Open(path string, opts ...Option) (*Table, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	db, err := openDB(path)
	if err != nil {
		return nil, err
	}
	t := &Table{db: db, path: path, now: clock.Now, feed: map[string]bool{}, wake: make(chan struct{}, 1),
		commits: make(chan commit, maxBatch), gather: func() { time.Sleep(gatherFor) }}
	for _, o := range opts {
		o(t)
	}
	go t.commitLoop()
	return t, nil
}

// ErrLocked is Open's error when another process holds the file: bbolt
// locks it while it is open, and Open waits lockWait for the lock.
var ErrLocked = errors.New("bolttable: the data file is locked")

// lockWait is how long Open waits for another process to release the file.
const lockWait = 2 * time.Second

// ErrCutShort is Open's error for a file shorter than its own pages say
// (a backup whose download was cut off, put in place): bbolt maps the
// missing pages and the process died of SIGBUS reading them.
var ErrCutShort = errors.New("bolttable: the data file is cut short")

// checkLength refuses a file shorter than its newest valid meta page says
// its pages reach. A file absent, empty or too short for its meta pages is
// left to bbolt (which creates it, or says it is invalid).
func checkLength(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return nil // absent: created; unreadable: bbolt says so
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil
	}
	// The first meta page is at 0, the second one page further (the page
	// size the first says, or the system's when the first is torn).
	first, ok1 := readMeta(f, 0)
	second, ok2 := readMeta(f, int64(os.Getpagesize()))
	if ok1 {
		second, ok2 = readMeta(f, int64(first.pageSize))
	}
	m, ok := first, ok1
	if ok2 && (!ok1 || second.txid > first.txid) {
		m, ok = second, true
	}
	if !ok {
		return nil
	}
	if need := m.pgid * uint64(m.pageSize); uint64(fi.Size()) < need {
		return fmt.Errorf("%w: %s is %d bytes and its pages reach %d (a backup copy whose download was cut off?): put a whole copy in its place (GET /admin/backup answers its Content-Length)", ErrCutShort, path, fi.Size(), need)
	}
	return nil
}

// meta is what checkLength reads of a bbolt meta page.
type meta struct {
	pageSize   uint32
	pgid, txid uint64
}

// readMeta reads the meta page at off: ok when its magic, version and
// checksum are bbolt's (the layout of bbolt's internal/common.Meta, after
// the 16-byte page header, in the machine's byte order).
func readMeta(f *os.File, off int64) (meta, bool) {
	buf := make([]byte, 16+64)
	if _, err := f.ReadAt(buf, off); err != nil {
		return meta{}, false
	}
	b, ne := buf[16:], binary.NativeEndian
	if ne.Uint32(b[0:]) != 0xED0CDAED || ne.Uint32(b[4:]) != 2 {
		return meta{}, false
	}
	h := fnv.New64a()
	h.Write(b[:56])
	if h.Sum64() != ne.Uint64(b[56:]) {
		return meta{}, false
	}
	return meta{pageSize: ne.Uint32(b[8:]), pgid: ne.Uint64(b[40:]), txid: ne.Uint64(b[48:])}, true
}

func openDB(path string) (*bolt.DB, error) {
	if err := checkLength(path); err != nil {
		return nil, err
	}
	// The free list is not written on every commit (it is rebuilt from the
	// pages when the file is opened): a commit writes only the pages it
	// changed, the meta page and its two syncs.
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: lockWait, NoFreelistSync: true, FreelistType: bolt.FreelistMapType})
	if errors.Is(err, bolterrors.ErrTimeout) {
		// bbolt's own "timeout" named no cause: the file's lock is held,
		// by another process (a second Baton started on the same data).
		return nil, fmt.Errorf("%w: %s is open in another process (is another Baton running on this BATON_DATA?): stop it, or give this one another BATON_DATA", ErrLocked, path)
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if err := db.Update(func(tx *bolt.Tx) error {
		if _, err := tx.CreateBucketIfNotExists(feedBucket); err != nil {
			return err
		}
		if _, err := tx.CreateBucketIfNotExists(metaBucket); err != nil {
			return err
		}
		_, err := tx.CreateBucketIfNotExists(bucket)
		return err
	}); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// DB exposes the bbolt handle, for tests that inspect the raw file.
func (t *Table) DB() *bolt.DB {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.db
}

// Close closes the file.
func (t *Table) Close() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.closed {
		t.closed = true
		close(t.commits)
	}
	return t.db.Close()
}

// Backup writes a consistent copy of the whole file to w while writes go
// on (one read transaction): the embedded store's backup. sized is told
// the copy's size before a byte is written (a Content-Length, so that a
// cut copy is seen as such). The copy is the file as it is, freed pages
// included: an erasure's bytes are gone from it only after Compact.
func (t *Table) Backup(w io.Writer, sized func(int64)) error {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.db.View(func(tx *bolt.Tx) error {
		sized(tx.Size())
		_, err := tx.WriteTo(w)
		return err
	})
}

// Compact rewrites the file and replaces the old one, so that bytes of
// deleted items (kept by bbolt in freed pages) are gone from disk: erasure
// must not leave a person readable in the file. Changes on the feed whose
// item no longer exists (or is now of another kind: an erased event's
// tombstone) are dropped first: nothing is left for them to act on, and
// they would keep a deleted item's data in the new file.
func (t *Table) Compact(ctx context.Context) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := t.db.Update(dropOrphanedChanges); err != nil {
		return err
	}
	tmp := t.path + ".compact"
	os.Remove(tmp)
	dst, err := bolt.Open(tmp, 0o600, &bolt.Options{Timeout: lockWait})
	if err != nil {
		return err
	}
	if err := bolt.Compact(dst, t.db, 4<<20); err != nil {
		dst.Close()
		os.Remove(tmp)
		return err
	}
	if err := dst.Sync(); err != nil {
		dst.Close()
		return err
	}
	if err := dst.Close(); err != nil {
		return err
	}
	if err := t.db.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, t.path); err != nil {
		return err
	}
	db, err := openDB(t.path)
	if err != nil {
		return err
	}
	t.db = db
	// The purged mark and the time go to the new file: written before
	// the copy, a compaction that failed would have lost the mark.
	at := make([]byte, 8)
	binary.BigEndian.PutUint64(at, uint64(t.now().UnixNano()))
	return t.update(t.db, func(tx *bolt.Tx) error {
		m := tx.Bucket(metaBucket)
		if err := m.Delete(purgedKey); err != nil {
			return err
		}
		return m.Put(compactedKey, at)
	})
}

// ExpiredGoneWithin is how long the bytes of an item Expire deleted may
// stay in the file's freed pages (and so in a backup, the file as it is):
// Expire compacts at most this often.
const ExpiredGoneWithin = 24 * time.Hour

// Expire is the retention job (hourly on the local stack): PurgeExpired,
// then Compact, when it (or an earlier call) deleted something since the
// file was last compacted, at most once per ExpiredGoneWithin. bbolt keeps
// deleted bytes in freed pages, so purging alone left expired events (pages, forms, names and emails
// typed) readable in the file and in every backup download past
// event_retention, until an erasure happened to compact it.
func (t *Table) Expire(ctx context.Context) (int, error) {
	n, err := t.PurgeExpired(ctx)
	if err != nil {
		return n, err
	}
	// The mark and the time are the file's (metaBucket), not the
	// process's: a restart between a purge and the day's compaction kept
	// the purged bytes in the file until some later purge.
	due := false
	t.mu.RLock()
	err = t.db.View(func(tx *bolt.Tx) error {
		m := tx.Bucket(metaBucket)
		if m.Get(purgedKey) == nil {
			return nil
		}
		v := m.Get(compactedKey)
		if len(v) != 8 {
			due = true
			return nil
		}
		compacted := time.Unix(0, int64(binary.BigEndian.Uint64(v)))
		due = t.now().Sub(compacted) >= ExpiredGoneWithin
		return nil
	})
	t.mu.RUnlock()
	if err != nil || !due {
		return n, nil
	}
	return n, t.Compact(ctx)
}

type record struct {
	Kind     string           `json:"k,omitempty"`
	Data     []byte           `json:"d,omitempty"`
	Expires  int64            `json:"x,omitempty"` // unix nanoseconds
	Version  int64            `json:"v"`
	Counters map[string]int64 `json:"c,omitempty"`
}

func key(pk, sk string) ([]byte, error) {
	if pk == "" || sk == "" {
		return nil, errors.New("bolttable: empty key")
	}
	if strings.IndexByte(pk, 0) >= 0 || strings.IndexByte(sk, 0) >= 0 {
		return nil, errors.New("bolttable: key contains NUL")
	}
	return []byte(pk + "\x00" + sk), nil
}

func decode(k, v []byte) (table.Item, error) {
	r, err := decodeRecord(v)
	if err != nil {
		return table.Item{}, fmt.Errorf("bolttable: corrupt item %q: %w", k, err)
	}
	pk, sk, _ := bytes.Cut(k, []byte{0})
	it := table.Item{PK: string(pk), SK: string(sk), Kind: r.Kind, Data: r.Data, Version: r.Version, Counters: r.Counters}
	if r.Expires != 0 {
		it.Expires = time.Unix(0, r.Expires)
	}
	return it, nil
}

// current returns the live stored item, or ok=false when absent or expired.
func (t *Table) current(b *bolt.Bucket, k []byte) (table.Item, bool, error) {
	v := b.Get(k)
	if v == nil {
		return table.Item{}, false, nil
	}
	it, err := decode(k, v)
	if err != nil {
		return table.Item{}, false, err
	}
	if !it.Live(t.now()) {
		return table.Item{}, false, nil
	}
	return it, true, nil
}

func check(c table.Cond, cur table.Item, exists bool) error {
	switch {
	case c.IsNotExists():
		if exists {
			return table.ErrConditionFailed
		}
	case c.IsExists():
		if !exists {
			return table.ErrConditionFailed
		}
	default:
		if v, ok := c.Version(); ok && (!exists || cur.Version != v) {
			return table.ErrConditionFailed
		}
	}
	return nil
}

// apply performs one write inside a transaction.
func (t *Table) apply(b *bolt.Bucket, w table.Write) error {
	k, err := key(w.Item.PK, w.Item.SK)
	if err != nil {
		return err
	}
	cur, exists, err := t.current(b, k)
	if err != nil {
		return err
	}
	if err := check(w.Cond, cur, exists); err != nil {
		return err
	}
	if w.Check {
		return nil
	}
	if w.Delete {
		return b.Delete(k)
	}
	if w.Add != nil {
		r := record{Kind: w.Item.Kind, Version: 1, Counters: map[string]int64{}}
		if exists {
			r = record{Kind: cur.Kind, Data: cur.Data, Version: cur.Version + 1, Counters: map[string]int64{}}
			if !cur.Expires.IsZero() {
				r.Expires = cur.Expires.UnixNano()
			}
			for n, v := range cur.Counters {
				r.Counters[n] = v
			}
		}
		for n, d := range w.Add {
			r.Counters[n] += d
		}
		return b.Put(k, r.encode())
	}
	r := record{Kind: w.Item.Kind, Data: w.Item.Data, Counters: w.Item.Counters, Version: cur.Version + 1}
	if !exists {
		r.Version = 1
	}
	if !w.Item.Expires.IsZero() {
		r.Expires = w.Item.Expires.UnixNano()
	}
	op := table.OpModify
	if !exists {
		op = table.OpInsert
	}
	if !t.feed[r.Kind] {
		return b.Put(k, r.encode())
	}
	// A feed entry is the change's header followed by the record as
	// stored: one encoding, the item's value a slice of the entry's.
	e := feedEntry{Op: op, PK: w.Item.PK, SK: w.Item.SK}
	v := e.appendHeader(make([]byte, 0, e.headerSize()+r.size()))
	start := len(v)
	v = r.append(v)
	if err := t.announce(b.Tx(), v); err != nil {
		return err
	}
	return b.Put(k, v[start:])
}

// Get reads one item.
func (t *Table) Get(ctx context.Context, pk, sk string) (table.Item, error) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	k, err := key(pk, sk)
	if err != nil {
		return table.Item{}, err
	}
	var it table.Item
	var ok bool
	err = t.db.View(func(tx *bolt.Tx) error {
		it, ok, err = t.current(tx.Bucket(bucket), k)
		return err
	})
	if err != nil {
		return table.Item{}, err
	}
	if !ok {
		return table.Item{}, table.ErrNotFound
	}
	return it, nil
}

// Put writes one item under a condition.
func (t *Table) Put(ctx context.Context, it table.Item, c table.Cond) error {
	return t.Transact(ctx, []table.Write{table.Put(it, c)})
}

// Delete removes one item under a condition.
func (t *Table) Delete(ctx context.Context, pk, sk string, c table.Cond) error {
	return t.Transact(ctx, []table.Write{table.Del(pk, sk, c)})
}

// Transact applies all writes or none.
func (t *Table) Transact(ctx context.Context, ws []table.Write) error {
	t.mu.RLock()
	defer t.mu.RUnlock()
	if err := ctx.Err(); err != nil {
		return err
	}
	return t.batch(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucket)
		for _, w := range ws {
			if err := t.apply(b, w); err != nil {
				return err
			}
		}
		return nil
	})
}

// PutMany writes independent items in one group commit.
func (t *Table) PutMany(ctx context.Context, ws []table.Write) []error {
	t.mu.RLock()
	defer t.mu.RUnlock()
	errs := make([]error, len(ws))
	if err := ctx.Err(); err != nil {
		for i := range errs {
			errs[i] = err
		}
		return errs
	}
	err := t.batch(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucket)
		for i, w := range ws {
			if w.Check {
				errs[i] = errors.New("bolttable: a check is for Transact only") // it holds a transaction; alone it means nothing
				continue
			}
			errs[i] = t.apply(b, w)
			if errs[i] != nil && !errors.Is(errs[i], table.ErrConditionFailed) {
				return errs[i]
			}
		}
		return nil
	})
	if err != nil {
		for i := range errs {
			errs[i] = err
		}
	}
	return errs
}

// Add changes counters atomically.
func (t *Table) Add(ctx context.Context, pk, sk, kind string, deltas map[string]int64) (map[string]int64, error) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	k, err := key(pk, sk)
	if err != nil {
		return nil, err
	}
	var out map[string]int64
	err = t.batch(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucket)
		cur, exists, err := t.current(b, k)
		if err != nil {
			return err
		}
		r := record{Kind: cur.Kind, Data: cur.Data, Version: cur.Version + 1, Counters: map[string]int64{}}
		if !exists {
			r = record{Kind: kind, Version: 1, Counters: map[string]int64{}}
		} else if !cur.Expires.IsZero() {
			r.Expires = cur.Expires.UnixNano()
		}
		for name, n := range cur.Counters {
			r.Counters[name] = n
		}
		for name, d := range deltas {
			r.Counters[name] += d
		}
		out = r.Counters
		return b.Put(k, r.encode())
	})
	return out, err
}

// Query reads items of one partition in sort-key order.
func (t *Table) Query(ctx context.Context, q table.Query) ([]table.Item, error) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	if q.PK == "" || strings.IndexByte(q.PK, 0) >= 0 {
		return nil, errors.New("bolttable: bad partition key")
	}
	prefix := []byte(q.PK + "\x00" + q.Prefix)
	var out []table.Item
	now := t.now()
	err := t.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucket).Cursor()
		var k, v []byte
		if !q.Reverse {
			start := prefix
			if q.After != "" {
				start = append([]byte(q.PK+"\x00"+q.After), 0)
			}
			k, v = c.Seek(start)
		} else {
			end := append(append([]byte{}, prefix...), 0xff)
			if q.After != "" {
				end = []byte(q.PK + "\x00" + q.After)
			}
			k, _ = c.Seek(end)
			if k == nil {
				k, v = c.Last()
			} else {
				k, v = c.Prev()
			}
		}
		for ; k != nil && bytes.HasPrefix(k, prefix); k, v = step(c, q.Reverse) {
			it, err := decode(k, v)
			if err != nil {
				return err
			}
			if !it.Live(now) {
				continue
			}
			out = append(out, it)
			if q.Limit > 0 && len(out) >= q.Limit {
				break
			}
		}
		return nil
	})
	return out, err
}

func step(c *bolt.Cursor, reverse bool) ([]byte, []byte) {
	if reverse {
		return c.Prev()
	}
	return c.Next()
}

// Scan visits every live item whose partition key starts with pkPrefix.
// The callback runs outside the read transaction, so it may write.
func (t *Table) Scan(ctx context.Context, pkPrefix string, fn func(table.Item) error) error {
	var after []byte
	for {
		page, last, err := t.scanPage(pkPrefix, after)
		if err != nil {
			return err
		}
		for _, it := range page {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := fn(it); err != nil {
				return err
			}
		}
		if last == nil {
			return nil
		}
		after = last
	}
}

// ScanPage reads the live items of up to 500 keys of the prefix after the
// cursor's.
func (t *Table) ScanPage(ctx context.Context, pkPrefix, cursor string) ([]table.Item, string, error) {
	if err := ctx.Err(); err != nil {
		return nil, "", err
	}
	var after []byte
	if cursor != "" {
		pk, sk, err := table.ParseCursor(cursor)
		if err != nil {
			return nil, "", err
		}
		if after, err = key(pk, sk); err != nil {
			return nil, "", err
		}
	}
	page, last, err := t.scanPage(pkPrefix, after)
	if err != nil || last == nil {
		return page, "", err
	}
	pk, sk, _ := bytes.Cut(last, []byte{0})
	return page, table.PageCursor(string(pk), string(sk)), nil
}

// scanPage reads the live items of up to 500 keys of the prefix after
// after (nil: from the start) and the last key read (nil: none is left).
func (t *Table) scanPage(pkPrefix string, after []byte) ([]table.Item, []byte, error) {
	var page []table.Item
	var last []byte
	n := 0
	t.mu.RLock()
	defer t.mu.RUnlock()
	err := t.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucket).Cursor()
		var k, v []byte
		if after == nil {
			k, v = c.Seek([]byte(pkPrefix))
		} else {
			k, v = c.Seek(after)
			if k != nil && bytes.Equal(k, after) {
				k, v = c.Next()
			}
		}
		now := t.now()
		for ; k != nil && bytes.HasPrefix(k, []byte(pkPrefix)) && n < 500; k, v = c.Next() {
			it, err := decode(k, v)
			if err != nil {
				return err
			}
			n++
			last = append(last[:0], k...)
			if it.Live(now) {
				page = append(page, it)
			}
		}
		if k == nil || !bytes.HasPrefix(k, []byte(pkPrefix)) {
			last = nil // the prefix's keys are over
		}
		return nil
	})
	return page, last, err
}

// PurgeExpired deletes expired items and returns how many; the embedded
// store's equivalent of DynamoDB's TTL sweeper.
func (t *Table) PurgeExpired(ctx context.Context) (int, error) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	n := 0
	now := t.now()
	err := t.update(t.db, func(tx *bolt.Tx) error {
		c := tx.Bucket(bucket).Cursor()
		for k, v := c.First(); k != nil; {
			it, err := decode(k, v)
			if err != nil {
				return err
			}
			if !it.Live(now) {
				if err := c.Delete(); err != nil {
					return err
				}
				n++
				k, v = c.Seek(k)
				continue
			}
			k, v = c.Next()
		}
		if n == 0 {
			return nil
		}
		// In the deletes' own transaction: the file says it keeps purged
		// bytes exactly when it does, whatever restarts come between.
		return tx.Bucket(metaBucket).Put(purgedKey, []byte{1})
	})
	return n, err
}

// feedEntry is one change on the embedded store's feed.
type feedEntry struct {
	Op   string `json:"op"`
	PK   string `json:"pk"`
	SK   string `json:"sk"`
	Item record `json:"item"`
}

// announce writes a change (an encoded feed entry) to the feed; it runs
// inside the write's own transaction, so a change is on the feed exactly
// when it is committed.
func (t *Table) announce(tx *bolt.Tx, entry []byte) error {
	fb := tx.Bucket(feedBucket)
	seq, err := fb.NextSequence()
	if err != nil {
		return err
	}
	tx.OnCommit(func() {
		select {
		case t.wake <- struct{}{}:
		default:
		}
	})
	return fb.Put(seqKey(seq), entry)
}

// Forget implements privacy.Forgetter for the feed: changes not consumed
// yet that name the person (their id or email in the key or the data) hold
// copies of their items. Scoring loses nothing by their going: the
// person's own changes are moot once they are erased, and a browser they
// shared gets a new change of its link from the erasure itself, naming
// who has it now. (Changes of items the erasure deletes go at Compact.)
func (t *Table) Forget(ctx context.Context, s privacy.Subject) (privacy.Removed, error) {
	r := privacy.Removed{}
	if s.Person == "" {
		return r, nil
	}
	t.mu.RLock()
	defer t.mu.RUnlock()
	err := t.update(t.db, func(tx *bolt.Tx) error {
		feed := tx.Bucket(feedBucket)
		var drop [][]byte
		eachChange(feed, s, func(k []byte, _ feedEntry) {
			drop = append(drop, append([]byte(nil), k...))
		})
		for _, k := range drop {
			if err := feed.Delete(k); err != nil {
				return err
			}
		}
		r.Add("change", len(drop))
		return nil
	})
	return r, err
}

// Disclose implements privacy.Discloser for the feed: the changes Forget
// would drop, each as what it is a copy of (the item itself is disclosed
// by its owner).
func (t *Table) Disclose(ctx context.Context, s privacy.Subject) (privacy.Disclosure, error) {
	d := privacy.Disclosure{}
	if s.Person == "" {
		return d, nil
	}
	t.mu.RLock()
	defer t.mu.RUnlock()
	err := t.db.View(func(tx *bolt.Tx) error {
		var err error
		eachChange(tx.Bucket(feedBucket), s, func(_ []byte, e feedEntry) {
			if err == nil {
				err = d.AddValue("change", map[string]string{"copyOf": e.Item.Kind, "pk": e.PK, "sk": e.SK, "op": e.Op})
			}
		})
		return err
	})
	return d, err
}

// eachChange calls f with every change not consumed yet that names the
// person (their id or email in the key or the data).
func eachChange(feed *bolt.Bucket, s privacy.Subject, f func(k []byte, e feedEntry)) {
	if feed == nil {
		return
	}
	_ = feed.ForEach(func(k, v []byte) error {
		e, err := decodeFeed(v)
		if err == nil && (strings.Contains(e.PK+e.SK, s.Person) || privacy.Mentions(e.Item.Data, s)) {
			f(k, e)
		}
		return nil
	})
}

// sameKind reports whether a stored record (nil: none) is of kind: an item
// overwritten by another kind (an erased event by its tombstone) is gone
// for the changes of the old one.
func sameKind(v []byte, kind string) bool {
	if v == nil {
		return false
	}
	r, err := decodeRecord(v)
	return err != nil || r.Kind == kind // a corrupt record is not ours to judge
}

// dropOrphanedChanges deletes the feed's changes of items that are gone
// (deleted, or overwritten by an item of another kind).
func dropOrphanedChanges(tx *bolt.Tx) error {
	items, feed := tx.Bucket(bucket), tx.Bucket(feedBucket)
	if feed == nil {
		return nil
	}
	var orphans [][]byte
	err := feed.ForEach(func(k, v []byte) error {
		e, err := decodeFeed(v)
		if err != nil {
			return nil // Next reports a corrupt entry; it is not ours to drop
		}
		if ik, err := key(e.PK, e.SK); err == nil && !sameKind(items.Get(ik), e.Item.Kind) {
			orphans = append(orphans, append([]byte(nil), k...))
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, k := range orphans {
		if err := feed.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

func seqKey(n uint64) []byte {
	var k [8]byte
	binary.BigEndian.PutUint64(k[:], n)
	return k[:]
}

// Next returns up to max of the oldest unacknowledged changes.
func (t *Table) Next(ctx context.Context, max int) ([]table.Change, error) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	var out []table.Change
	err := t.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(feedBucket).Cursor()
		for k, v := c.First(); k != nil && len(out) < max; k, v = c.Next() {
			e, err := decodeFeed(v)
			if err != nil {
				return fmt.Errorf("bolttable: corrupt feed entry %x: %w", k, err)
			}
			it := table.Item{PK: e.PK, SK: e.SK, Kind: e.Item.Kind, Data: e.Item.Data, Version: e.Item.Version, Counters: e.Item.Counters}
			if e.Item.Expires != 0 {
				it.Expires = time.Unix(0, e.Item.Expires)
			}
			out = append(out, table.Change{Op: e.Op, Item: it, Seq: fmt.Sprintf("%020d", binary.BigEndian.Uint64(k))})
		}
		return nil
	})
	return out, err
}

// Ack removes every change up to and including upTo from the feed.
func (t *Table) Ack(ctx context.Context, upTo table.Change) error {
	n, err := strconv.ParseUint(upTo.Seq, 10, 64)
	if err != nil {
		return fmt.Errorf("bolttable: bad feed position %q", upTo.Seq)
	}
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.batch(func(tx *bolt.Tx) error {
		// The keys first, then one seek each: a cursor's First after each
		// delete walks over every leaf the transaction has emptied so far
		// (they stay until the commit rebalances), which made acknowledging
		// a batch quadratic in its leaves.
		b := tx.Bucket(feedBucket)
		var done [][]byte
		c := b.Cursor()
		for k, _ := c.First(); k != nil && binary.BigEndian.Uint64(k) <= n; k, _ = c.Next() {
			done = append(done, slices.Clone(k))
		}
		for _, k := range done {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		return nil
	})
}

// Wake is signalled after a commit that put a change on the feed, so a
// consumer need not poll fast.
func (t *Table) Wake() <-chan struct{} { return t.wake }

var _ table.Feed = (*Table)(nil)

// update is db.Update, noting whether the store could write: a
// transaction whose function succeeded and which still failed could not be
// committed (the disk full, the file unwritable), and one that commits
// clears that.
func (t *Table) update(db *bolt.DB, fn func(*bolt.Tx) error) error {
	var fnErr error
	err := db.Update(func(tx *bolt.Tx) error {
		fnErr = fn(tx)
		return fnErr
	})
	switch {
	case err == nil:
		if t.failing.Load() != nil && t.failing.Swap(nil) != nil {
			t.told(nil)
		}
	case fnErr == nil && !errors.Is(err, bolterrors.ErrDatabaseNotOpen):
		if t.failing.Load() == nil && t.failing.CompareAndSwap(nil, &writeFailure{since: t.now(), err: err}) {
			t.told(err)
		}
		err = notWritten{err}
	}
	return err
}

// notWritten is a commit that failed: its cause's text, and
// table.ErrWriteFailed as well as the cause for errors.Is.
type notWritten struct{ err error }

func (e notWritten) Error() string   { return e.err.Error() }
func (e notWritten) Unwrap() []error { return []error{e.err, table.ErrWriteFailed} }

// OnWriteState has fn told when commits start failing (the cause) and when
// one succeeds again (nil): the log says so once (internal/table/writelog)
// rather than a line per failed request.
func (t *Table) OnWriteState(fn func(failing error)) { t.watch.Store(&fn) }

func (t *Table) told(err error) {
	if fn := t.watch.Load(); fn != nil {
		(*fn)(err)
	}
}

// writeFailure is the store's failing to commit: since when, and why.
type writeFailure struct {
	since time.Time
	err   error
}

// WriteFailure says why the store cannot write, nil while it can: set by
// a commit that failed (the disk full, the data file unwritable), cleared
// by the next that succeeds. It names the cause as the system does ("no
// space left on device"), not the file's path: /healthz shows it to anyone.
func (t *Table) WriteFailure() error {
	f := t.failing.Load()
	if f == nil {
		return nil
	}
	// bbolt wraps some causes as text only ("file resize error: truncate
	// <path>: file too large"): then the text, the path left out.
	cause := strings.ReplaceAll(f.err.Error(), t.path, filepath.Base(t.path))
	var errno syscall.Errno
	var pe *fs.PathError
	switch {
	case errors.As(f.err, &errno):
		cause = errno.Error()
	case errors.As(f.err, &pe):
		cause = pe.Err.Error()
	}
	return fmt.Errorf("the data file cannot be written since %s: %s", f.since.UTC().Format(time.RFC3339), cause)
}

// maxBatch bounds the writes one commit carries.
const maxBatch = 1024

// commit is one write waiting for the committer.
type commit struct {
	db   *bolt.DB
	fn   func(*bolt.Tx) error
	done chan error
}

// errSolo tells a writer whose function failed inside a group commit to run
// it in a transaction of its own (the group was rolled back without it).
var errSolo = errors.New("bolttable: run solo")

// batch runs fn in a group commit and returns once that commit is durable
// (fn may run more than once, as with bbolt's Batch). The caller holds
// t.mu.RLock, so Compact cannot swap the file under a queued write.
//
// Unlike bbolt's Batch, which waits MaxBatchDelay for company before every
// commit, the committer starts a commit as soon as it is free, with every
// write that queued while the previous one was syncing (under concurrent
// load it waits once, briefly, for more: see commitLoop): a lone write pays
// no delay, and under load a commit carries as many writes as are in
// flight, so its two syncs are shared by all of them.
func (t *Table) batch(fn func(*bolt.Tx) error) error {
	if t.closed {
		return bolterrors.ErrDatabaseNotOpen
	}
	c := commit{db: t.db, fn: fn, done: make(chan error, 1)}
	t.commits <- c
	err := <-c.done
	if err == errSolo {
		err = t.update(c.db, fn)
	}
	return err
}

// commitLoop is the committer: it takes the writes queued so far and
// commits them in one transaction, until Close.
//
// When the last commit carried more than one write (writers are
// concurrent) and few are queued, it waits gatherFor once for more before
// committing, as PostgreSQL's commit_delay does with commit_siblings: on a
// disk whose sync costs far more processor time than a write (bbolt syncs
// twice a commit), fewer and larger commits serve more requests per
// second. A lone writer never waits.
func (t *Table) commitLoop() {
	last := 0
	for c := range t.commits {
		calls := []commit{c}
		gathered := false
	more:
		for len(calls) < maxBatch {
			select {
			case c, ok := <-t.commits:
				if !ok {
					break more
				}
				calls = append(calls, c)
			default:
				if gathered || last < 2 || len(calls) >= gatherUpTo {
					break more
				}
				gathered = true
				t.gather()
			}
		}
		last = len(calls)
		t.groupCommit(calls)
	}
}

// gatherFor is how long the committer waits for company, and gatherUpTo
// the queued writes beyond which it does not wait.
const (
	gatherFor  = 300 * time.Microsecond
	gatherUpTo = 16
)

// groupCommit commits calls in one transaction. A call whose function fails
// is taken out and told to run solo (so its error is its own), and the rest
// is retried, as bbolt's Batch does.
func (t *Table) groupCommit(calls []commit) {
	db := calls[0].db
	for len(calls) > 0 {
		failed := -1
		err := t.update(db, func(tx *bolt.Tx) error {
			for i, c := range calls {
				if c.db != db {
					continue // cannot happen while writers hold t.mu; run solo below
				}
				if err := safeCall(c.fn, tx); err != nil {
					failed = i
					return err
				}
			}
			return nil
		})
		if failed >= 0 {
			calls[failed].done <- errSolo
			calls = append(calls[:failed], calls[failed+1:]...)
			continue
		}
		for _, c := range calls {
			if c.db != db {
				c.done <- errSolo
				continue
			}
			c.done <- err
		}
		return
	}
}

func safeCall(fn func(*bolt.Tx) error, tx *bolt.Tx) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("bolttable: panic in a write: %v", p)
		}
	}()
	return fn(tx)
}
