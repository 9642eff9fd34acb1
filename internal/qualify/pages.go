package qualify

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/baton-hq/baton/internal/fanout"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/sortkey"
	"github.com/baton-hq/baton/internal/table"
)

// Paged reads for the workspace: a page of the MQL index, newest first,
// with a cursor to go on from, reading no more than its limit of index
// items; and the people list in score order (ByScore).

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

// Ranked is a scored person in the people list's order, with their score
// record (zero when the index names someone whose record is gone).
type Ranked struct {
	ID  string
	Rec Record
	// Score places them in the order: their record's behaviour score as
	// ByScore read it, or as the ranking was built (RankedPage).
	Score float64
}

// ByScore returns the indexed people whose record keep accepts (nil: all),
// best behaviour score first (the score the list shows), ties by person id,
// from after the cursor (ScoreCursor; "": from the top). The order is the
// whole list's: a page read from index order and sorted on its own put a
// higher score on page 2 than on page 1. Sorting everyone needs everyone's
// score, so it reads the index and each indexed person's score record by
// key, factsParallel at a time (a score-ordered index would be rewritten
// with nearly every scored event: a transaction where one put is enough,
// twice the write units of a known person's page view). What it reads grows
// with people, never with their events; the reports read more per person.
// So the people list's pages read it only in a small store: the sweep
// stores its order as the ranking (BuildRanking), which pages read
// (RankedPage).
func ByScore(ctx context.Context, t table.Table, cursor string, keep func(Record) bool) ([]Ranked, error) {
	return byScore(ctx, t, cursor, keep, factsParallel)
}

// byScore is ByScore reading parallel records at once.
func byScore(ctx context.Context, t table.Table, cursor string, keep func(Record) bool, parallel int) ([]Ranked, error) {
	var from *Ranked
	if cursor != "" {
		score, person, ok := parseScoreCursor(cursor)
		if !ok {
			return nil, fmt.Errorf("qualify: bad cursor %q", cursor)
		}
		from = &Ranked{ID: person, Score: score}
	}
	ids, err := scoredPeople(ctx, t)
	if err != nil {
		return nil, err
	}
	all := make([]Ranked, len(ids))
	errs := make([]error, len(ids))
	err = fanout.Each(len(ids), parallel, func(i int) {
		all[i].ID = ids[i]
		it, err := t.Get(ctx, identity.PersonPK(ids[i]), scoreSK)
		switch {
		case err == nil:
			all[i].Rec, errs[i] = decodeRecord(it.Data)
			all[i].Score = all[i].Rec.Verdict.Behaviour
		case !errors.Is(err, table.ErrNotFound):
			errs[i] = err
		}
	})
	if err := errors.Join(append(errs, err)...); err != nil {
		return nil, err
	}
	out := all[:0]
	for _, r := range all {
		if (from == nil || rankedBefore(*from, r)) && (keep == nil || keep(r.Rec)) {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return rankedBefore(out[i], out[j]) })
	return out, nil
}

// rankedBefore is ByScore's order: higher score, then person id.
func rankedBefore(a, b Ranked) bool {
	if x, y := a.Score, b.Score; x != y {
		return x > y
	}
	return a.ID < b.ID
}

// ScoreCursor is the cursor of the ByScore page that follows r: its place
// in the order (score, person), not a position, so that people whose score
// moved between two pages do not shift the rest by one.
func ScoreCursor(r Ranked) string {
	return strconv.FormatFloat(r.Score, 'g', -1, 64) + "_" + r.ID
}

// ValidScoreCursor reports whether cursor is one ScoreCursor can give.
func ValidScoreCursor(cursor string) bool {
	_, _, ok := parseScoreCursor(cursor)
	return ok
}

func parseScoreCursor(cursor string) (float64, string, bool) {
	s, person, ok := strings.Cut(cursor, "_")
	score, err := strconv.ParseFloat(s, 64)
	if !ok || err != nil || math.IsNaN(score) || math.IsInf(score, 0) || person == "" || !utf8.ValidString(person) || strings.ContainsFunc(person, unicode.IsControl) {
		return 0, "", false
	}
	return score, person, true
}
