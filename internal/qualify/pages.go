package qualify

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/baton-hq/baton/internal/sortkey"
	"github.com/baton-hq/baton/internal/table"
)

// Paged reads for the workspace: a page of the MQL index, newest first,
// and a page of the index of scored people, each with a cursor to go on
// from. Neither reads more than its limit of index items.

// MQLPage returns up to limit MQLs raised before the cursor (exclusive; ""
// : the newest) and not before since (zero: no bound), newest first, with
// the cursor of the next page ("" when there is none). until (zero: none)
// starts the first page at that time.
func (q *Qualifier) MQLPage(ctx context.Context, cursor string, since, until time.Time, limit int) ([]MQL, string, error) {
	if cursor == "" && !until.IsZero() {
		cursor = sortkey.Time(until)
	}
	items, err := q.T.Query(ctx, table.Query{PK: mqlIndex, After: cursor, Reverse: true, Limit: limit, Consistent: true})
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(items) == limit && limit > 0 {
		next = items[len(items)-1].SK
	}
	ms, err := decodeMQLs(items)
	if err != nil {
		return nil, "", err
	}
	// By the MQLs' own times: entries indexed before sortkey sort first in
	// their second, not by their fraction.
	out := ms[:0]
	for _, m := range ms {
		switch {
		case !since.IsZero() && m.At.Before(since.Add(-time.Second)):
			return out, "", nil // well before the period: the rest are older
		case (!since.IsZero() && m.At.Before(since)) || (!until.IsZero() && !m.At.Before(until)):
			continue
		}
		out = append(out, m)
	}
	return out, next, nil
}

// ScoredPage returns up to limit people of the index of scored people
// after the cursor ("": from the start), in index order (shard, then
// person id), with the cursor of the next page ("" at the end). The index
// is complete once IndexScoredPeople has run on the store.
func ScoredPage(ctx context.Context, t table.Table, cursor string, limit int) ([]string, string, error) {
	shard, after := 0, ""
	if cursor != "" {
		s, id, ok := strings.Cut(cursor, ":")
		n, err := strconv.Atoi(s)
		if !ok || err != nil || n < 0 || n >= scoredShards {
			return nil, "", fmt.Errorf("qualify: bad cursor %q", cursor)
		}
		shard, after = n, id
	}
	var out []string
	for ; shard < scoredShards; shard, after = shard+1, "" {
		items, err := t.Query(ctx, table.Query{PK: fmt.Sprintf("%s%02d", scoredPfx, shard), After: after, Limit: limit - len(out), Consistent: true})
		if err != nil {
			return nil, "", err
		}
		for _, it := range items {
			out = append(out, it.SK)
		}
		if len(out) == limit {
			return out, ScoredCursor(out[len(out)-1]), nil
		}
	}
	return out, "", nil
}

// MQLCursor is the cursor of the MQL page that follows m (MQLPage): its
// index entry's key (as read: one indexed before sortkey has its own).
func MQLCursor(m MQL) string {
	if m.indexSK != "" {
		return m.indexSK
	}
	return mqlIndexSK(m)
}

// ValidMQLCursor reports whether cursor can be one MQLCursor gives: an
// index key's time (either spelling), then # and the rest; or a time alone.
func ValidMQLCursor(cursor string) bool {
	at, _, _ := strings.Cut(cursor, "#")
	_, err := sortkey.Parse(at)
	return err == nil
}

// ValidScoredCursor reports whether cursor is one ScoredCursor gives: a
// person and its own shard (any other would start a page somewhere).
func ValidScoredCursor(cursor string) bool {
	_, person, ok := strings.Cut(cursor, ":")
	return ok && person != "" && utf8.ValidString(person) && !strings.ContainsFunc(person, unicode.IsControl) && ScoredCursor(person) == cursor
}

// ScoredCursor is the cursor of the ScoredPage page that follows person.
func ScoredCursor(person string) string {
	return strings.TrimPrefix(scoredPK(person), scoredPfx) + ":" + person
}
