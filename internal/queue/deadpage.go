package queue

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/baton-hq/baton/internal/table"
)

// DeadQuery asks for one page of dead letters, in the order they were
// given up (GivenUp, then id): so that a list of hundreds reads and names
// a page at a time, and every one is reachable by the cursor.
type DeadQuery struct {
	After  string // the Next of the page before ("": the first page)
	Limit  int    // most dead letters on the page (<= 0: all)
	Newest bool   // the newest given up first (else the oldest first)
	Queue  string // only this queue's (on AWS push-dlq or score-failures); "": every queue's
}

// DeadPage is a page of dead letters.
type DeadPage struct {
	Messages []Message
	Next     string // the cursor of the page after ("": this is the last)
	Total    int    // how many dead letters there are (of Query.Queue)
	Before   int    // how many come before this page in the order
	Seen     int    // how many the pages hold: Total, unless Partial
	// Partial: the store could not look at every dead letter (on AWS the
	// listing receives at most so many SQS messages a request); Total is
	// then SQS's approximate count and the pages hold only those seen.
	Partial bool
}

// ErrBadCursor: DeadQuery.After is not a cursor a page gave.
var ErrBadCursor = errors.New("after must be the next of an earlier page")

// GivenUp is when delivery gave up on a dead letter: the table's queue
// records it (DeadAt); on SQS its arrival in the DLQ (Enqueued) stands
// for it.
func GivenUp(m Message) time.Time {
	if !m.DeadAt.IsZero() {
		return m.DeadAt
	}
	return m.Enqueued
}

// deadKey is a dead letter's place in the order: when given up (zero:
// unknown, the oldest), then id.
type deadKey struct {
	at time.Time
	id string
}

func (k deadKey) cursor() string {
	t := "0"
	if !k.at.IsZero() {
		t = strconv.FormatInt(k.at.UnixNano(), 10)
	}
	return t + "." + k.id
}

func parseDeadCursor(s string) (deadKey, error) {
	t, id, ok := strings.Cut(s, ".")
	n, err := strconv.ParseInt(t, 10, 64)
	if !ok || err != nil || id == "" || n < 0 {
		return deadKey{}, ErrBadCursor
	}
	k := deadKey{id: id}
	if n > 0 {
		k.at = time.Unix(0, n).UTC()
	}
	return k, nil
}

func (k deadKey) compare(o deadKey, newest bool) int {
	c := k.at.Compare(o.at)
	if newest {
		c = -c
	}
	return cmp.Or(c, strings.Compare(k.id, o.id))
}

// pageOf orders keys as q asks and cuts the page after q.After: the
// page's keys, the next cursor and how many keys come before the page.
func pageOf(keys []deadKey, q DeadQuery) ([]deadKey, string, int, error) {
	slices.SortStableFunc(keys, func(a, b deadKey) int { return a.compare(b, q.Newest) })
	from := 0
	if q.After != "" {
		after, err := parseDeadCursor(q.After)
		if err != nil {
			return nil, "", 0, err
		}
		// The first after the cursor: the cursor's own may be gone
		// (replayed) and the order holds without it.
		from, _ = slices.BinarySearchFunc(keys, after, func(a, b deadKey) int { return a.compare(b, q.Newest) })
		if from < len(keys) && keys[from] == after {
			from++
		}
	}
	page := keys[from:]
	if q.Limit > 0 && len(page) > q.Limit {
		return page[:q.Limit], page[q.Limit-1].cursor(), from, nil
	}
	return page, "", from, nil
}

// PageDead is the page q asks of all, the dead letters a store has
// listed whole (the SQS queues, which cannot be read a page at a time).
func PageDead(all []Message, q DeadQuery) (DeadPage, error) {
	byKey := make(map[deadKey]Message, len(all))
	keys := make([]deadKey, 0, len(all))
	for _, m := range all {
		if q.Queue != "" && m.Queue != q.Queue {
			continue
		}
		k := deadKey{GivenUp(m).UTC(), m.ID}
		byKey[k] = m
		keys = append(keys, k)
	}
	total := len(keys)
	page, next, before, err := pageOf(keys, q)
	if err != nil {
		return DeadPage{}, err
	}
	out := DeadPage{Messages: make([]Message, 0, len(page)), Next: next, Total: total, Seen: total, Before: before}
	for _, k := range page {
		out.Messages = append(out.Messages, byKey[k])
	}
	return out, nil
}

// deadIndex is a dead-letter index item's data: when the message was
// given up, so that a page is ordered by one query of the index and reads
// only its own messages. Items written before it held {}: a page reads
// their message for its time and writes it into the item (legacyTime).
type deadIndex struct {
	At time.Time `json:"at,omitzero"`
}

// legacyReads bounds the index items without a time one page reads the
// message of: a deployment upgraded with a backlog resolves it over a
// few pages rather than in one long request. Those past it sort as the
// oldest (by id) until a later page resolves them.
var legacyReads = 200

// legacyTime is when an index item written before the time was kept
// (it) was given up, from its message (zero: gone, or no time known),
// and writes it into the item so that it is read once. The write is
// made only on the item as read: one replayed (deleted) or given up
// again meanwhile is left as it is now; a write that fails is tried
// again by the next page.
func (q *Queue) legacyTime(ctx context.Context, it table.Item) (time.Time, error) {
	m, err := q.Get(ctx, it.SK)
	if errors.Is(err, table.ErrNotFound) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, err
	}
	at := GivenUp(m).UTC()
	if m.State != "dead" || at.IsZero() {
		return time.Time{}, nil
	}
	data, _ := json.Marshal(deadIndex{At: at})
	// Only while both are as read: an index item's version starts again at
	// 1 when a replayed letter is given up again, so its own version alone
	// could take a stale time; the message's must be unchanged too. Both
	// get the expiry a dead letter given up then has (DeadRetention): one
	// past it already is purged by the next retention job.
	exp := deadExpires(at)
	mdata, _ := json.Marshal(m)
	q.T.Transact(ctx, []table.Write{
		table.Put(table.Item{PK: it.PK, SK: it.SK, Kind: it.Kind, Data: data, Expires: exp}, table.VersionIs(it.Version)),
		table.Put(table.Item{PK: q.pk(), SK: "M#" + it.SK, Kind: KindMessage, Data: mdata, Expires: exp}, table.VersionIs(m.version)),
	})
	return at, nil
}

// deadGone says an index item is of a dead letter past DeadRetention: the
// table no longer returns one written with its expiry, but one written
// before dead letters expired has none until a page gives it one
// (legacyTime), and is counted as gone meanwhile.
func (q *Queue) deadGone(it table.Item, now time.Time) bool {
	if !it.Expires.IsZero() {
		return false // the table's TTL judges it
	}
	var d deadIndex
	json.Unmarshal(it.Data, &d)
	return !d.At.IsZero() && !now.Before(deadExpires(d.At))
}

// DeadPage is a page of the dead letters: one query of the dead-letter
// index and one read per dead letter on the page, however many there are.
// dq.Queue names the queue's own or "push-dlq", the SQS queue it stands
// in for (the admin API's name for MQLs' dead letters); any other has none.
func (q *Queue) DeadPage(ctx context.Context, dq DeadQuery) (DeadPage, error) {
	if dq.Queue != "" && dq.Queue != q.Name && dq.Queue != "push-dlq" {
		return DeadPage{Messages: []Message{}}, nil
	}
	items, err := q.T.Query(ctx, table.Query{PK: q.deadPK(), Consistent: true})
	if err != nil {
		return DeadPage{}, err
	}
	keys := make([]deadKey, 0, len(items))
	legacy := 0
	now := q.now()
	for _, it := range items {
		var d deadIndex
		json.Unmarshal(it.Data, &d)
		if (d.At.IsZero() || it.Expires.IsZero()) && legacy < legacyReads {
			// Written before the time was kept ({}): every such item
			// sorted at time zero by id, so the dashboard's "oldest"
			// was the smallest id, not the first given up. Or before
			// dead letters expired: it is given its expiry now.
			legacy++
			at, err := q.legacyTime(ctx, it)
			if err != nil {
				return DeadPage{}, err
			}
			if !at.IsZero() {
				d.At = at
			}
		}
		if !d.At.IsZero() && !now.Before(deadExpires(d.At)) {
			continue // past DeadRetention: gone, as DeadCount says
		}
		keys = append(keys, deadKey{d.At.UTC(), it.SK})
	}
	out := DeadPage{Messages: []Message{}, Total: len(keys), Seen: len(keys)}
	// A message gone since the index was read (replayed meanwhile) leaves
	// the page short by one rather than read on past Limit.
	page, next, before, err := pageOf(keys, DeadQuery{After: dq.After, Limit: dq.Limit, Newest: dq.Newest})
	if err != nil {
		return DeadPage{}, err
	}
	out.Next, out.Before = next, before
	for _, k := range page {
		m, err := q.Get(ctx, k.id)
		if errors.Is(err, table.ErrNotFound) {
			continue
		}
		if err != nil {
			return DeadPage{}, err
		}
		out.Messages = append(out.Messages, m)
	}
	return out, nil
}

// ValidDeadCursor tells a cursor a page gave (DeadPage.Next) from any
// other string, for callers to refuse before asking a store.
func ValidDeadCursor(s string) bool {
	_, err := parseDeadCursor(s)
	return err == nil
}
