package qualify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/baton-hq/baton/internal/fanout"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/table"
)

// The ranking: every indexed person's id in the people list's order (ByScore's),
// as of when it was built, in chunks, so that a page of the list reads a
// chunk or two and the live score record of each person it shows, not
// every person's record (at 100,000 people ByScore read 100,000 records
// for every page: seconds on the embedded store, more on DynamoDB). The
// sweep rebuilds it when older than RankingMaxAge (RefreshRanking); a
// score-ordered index kept by the score path would cost a write per score
// change (see ByScore).
//
//	PK=RANKING  SK=meta            the current build: when, how many, each chunk's first entry
//	PK=RANKING  SK=<build>#<chunk> up to rankingChunk entries (score as of the build, person)
//
// The build before the current one is kept until the next, so that a page
// that read the old meta still finds its chunks.
var rankingChunk = 2000 // entries a chunk: about 80 KB of JSON, well within DynamoDB's 400 KB an item (tests make it small)

// rankingFrom is how many people the ranking must hold for pages to read
// it: below, a page reads everyone's record as ByScore does (at most
// twice as many items), and so lists at once someone scored a moment ago.
var rankingFrom = 2000

const (
	rankingPK    = "RANKING"
	rankingMetaK = "meta"

	// RankingMaxAge is how old the ranking may grow before the sweep
	// builds it again (on AWS the sweep runs every 15 minutes: every run).
	RankingMaxAge = 10 * time.Minute
)

type rankEntry struct {
	S  float64 `json:"s"`
	ID string  `json:"i"`
}

type rankingMeta struct {
	Build      string      `json:"build"`
	At         time.Time   `json:"at"`
	Count      int         `json:"count"`
	Firsts     []rankEntry `json:"firsts"` // each chunk's first entry
	Prev       string      `json:"prev,omitempty"`
	PrevChunks int         `json:"prevChunks,omitempty"`
}

func rankingChunkSK(build string, i int) string { return fmt.Sprintf("%s#%05d", build, i) }

func readRankingMeta(ctx context.Context, t table.Table) (rankingMeta, table.Item, error) {
	var m rankingMeta
	it, err := t.Get(ctx, rankingPK, rankingMetaK)
	if err != nil {
		return m, it, err
	}
	return m, it, json.Unmarshal(it.Data, &m)
}

// RankingAge is when the ranking was built (zero: never).
func RankingAge(ctx context.Context, t table.Table) (time.Time, error) {
	m, _, err := readRankingMeta(ctx, t)
	if errors.Is(err, table.ErrNotFound) {
		return time.Time{}, nil
	}
	return m.At, err
}

// RefreshRanking builds the ranking again when it is older than maxAge at
// now, or absent (the sweep's step). It reports whether it built one.
func RefreshRanking(ctx context.Context, t table.Table, now time.Time, maxAge time.Duration) (bool, error) {
	at, err := RankingAge(ctx, t)
	if err != nil || (!at.IsZero() && now.Sub(at) < maxAge) {
		return false, err
	}
	return true, BuildRanking(ctx, t, now)
}

// rankingParallel is how many score records a build reads at once: on
// DynamoDB a read takes milliseconds, and 100,000 people's at
// factsParallel would not fit the sweep's budget for the build.
const rankingParallel = 128

// BuildRanking reads every indexed person's score record (ByScore's reads)
// and stores their order as the ranking of now, dropping the build before
// the current one.
func BuildRanking(ctx context.Context, t table.Table, now time.Time) error {
	all, err := byScore(ctx, t, "", nil, rankingParallel)
	if err != nil {
		return err
	}
	old, oldItem, err := readRankingMeta(ctx, t)
	if err != nil && !errors.Is(err, table.ErrNotFound) {
		return err
	}
	m := rankingMeta{Build: strconv.FormatInt(now.UnixNano(), 36), At: now.UTC(), Count: len(all), Prev: old.Build, PrevChunks: len(old.Firsts)}
	if m.Build == old.Build {
		m.Build += "b" // twice in one instant (a fixed clock)
	}
	var ws []table.Write
	for start := 0; start < len(all); start += rankingChunk {
		part := all[start:min(start+rankingChunk, len(all))]
		es := make([]rankEntry, len(part))
		for i, r := range part {
			es[i] = rankEntry{S: r.Rec.Verdict.Behaviour, ID: r.ID}
		}
		m.Firsts = append(m.Firsts, es[0])
		data, err := json.Marshal(es)
		if err != nil {
			return err
		}
		ws = append(ws, table.Put(table.Item{PK: rankingPK, SK: rankingChunkSK(m.Build, len(m.Firsts)-1), Kind: "ranking", Data: data}, table.Always))
	}
	for _, err := range t.PutMany(ctx, ws) {
		if err != nil {
			return err
		}
	}
	data, err := json.Marshal(m)
	if err != nil {
		return err
	}
	cond := table.NotExists
	if oldItem.PK != "" {
		cond = table.VersionIs(oldItem.Version)
	}
	if err := t.Put(ctx, table.Item{PK: rankingPK, SK: rankingMetaK, Kind: "ranking", Data: data}, cond); err != nil {
		return err // another build won: its chunks stand, ours go with the next
	}
	if old.Prev != "" {
		for i := range old.PrevChunks {
			if err := t.Delete(ctx, rankingPK, rankingChunkSK(old.Prev, i), table.Always); err != nil {
				return err
			}
		}
	}
	return nil
}

// RankedPage reads the people list's page after cursor (ScoreCursor; "":
// from the top) from the ranking: up to examine people in the ranking's
// order, each with their live score record (someone whose score changed
// since the build keeps their place and shows their score now; someone
// erased since is left out; someone scored for the first time since is
// listed from the next build), those keep accepts (nil: all), and the
// cursor after the last examined ("" when the list ends there). With no
// ranking built yet, or one of fewer than rankingFrom people, it reads as
// ByScore does. It reads the meta item, the chunks
// the page spans, and one score record a person examined.
func RankedPage(ctx context.Context, t table.Table, cursor string, examine int, keep func(Record) bool) ([]Ranked, string, error) {
	var from *Ranked
	if cursor != "" {
		score, person, ok := parseScoreCursor(cursor)
		if !ok {
			return nil, "", fmt.Errorf("qualify: bad cursor %q", cursor)
		}
		from = &Ranked{ID: person, Score: score}
	}
	m, _, err := readRankingMeta(ctx, t)
	if errors.Is(err, table.ErrNotFound) || (err == nil && m.Count < rankingFrom) {
		all, err := ByScore(ctx, t, cursor, nil)
		if err != nil {
			return nil, "", err
		}
		next := ""
		if len(all) > examine {
			all, next = all[:examine], ScoreCursor(all[examine-1])
		}
		return slices.DeleteFunc(all, func(r Ranked) bool { return keep != nil && !keep(r.Rec) }), next, nil
	} else if err != nil {
		return nil, "", err
	}
	// The chunk holding the first entry after the cursor: the last whose
	// first entry is not after it.
	k := 0
	if from != nil {
		k = max(0, sort.Search(len(m.Firsts), func(i int) bool {
			return rankedBefore(*from, Ranked{ID: m.Firsts[i].ID, Score: m.Firsts[i].S})
		})-1)
	}
	var page []Ranked
	more := false
	for ; k < len(m.Firsts) && !more; k++ {
		it, err := t.Get(ctx, rankingPK, rankingChunkSK(m.Build, k))
		if err != nil {
			return nil, "", err // (a build replaced since the meta was read keeps its chunks until the next)
		}
		var es []rankEntry
		if err := json.Unmarshal(it.Data, &es); err != nil {
			return nil, "", err
		}
		for _, e := range es {
			r := Ranked{ID: e.ID, Score: e.S}
			if e.ID == "" || (from != nil && !rankedBefore(*from, r)) {
				continue
			}
			if len(page) == examine {
				more = true
				break
			}
			page = append(page, r)
		}
	}
	next := ""
	if more {
		next = ScoreCursor(page[len(page)-1])
	}
	found := make([]bool, len(page))
	errs := make([]error, len(page))
	err = fanout.Each(len(page), factsParallel, func(i int) {
		it, err := t.Get(ctx, identity.PersonPK(page[i].ID), scoreSK)
		switch {
		case err == nil:
			page[i].Rec, errs[i] = decodeRecord(it.Data)
			found[i] = true
		case !errors.Is(err, table.ErrNotFound):
			errs[i] = err
		}
	})
	if err := errors.Join(append(errs, err)...); err != nil {
		return nil, "", err
	}
	out := page[:0]
	for i, r := range page {
		if found[i] && (keep == nil || keep(r.Rec)) {
			out = append(out, r)
		}
	}
	return out, next, nil
}

// forgetInRanking takes the person's id out of the ranking's chunks (and
// the meta's firsts): an erased person's id is left nowhere.
func forgetInRanking(ctx context.Context, t table.Table, person string) error {
	chunks, err := t.Query(ctx, table.Query{PK: rankingPK, Consistent: true})
	if err != nil {
		return err
	}
	for _, c := range chunks {
		if c.SK == rankingMetaK {
			continue
		}
		for tries := 0; ; tries++ {
			var es []rankEntry
			if json.Unmarshal(c.Data, &es) != nil {
				break
			}
			i := slices.IndexFunc(es, func(e rankEntry) bool { return e.ID == person })
			if i < 0 {
				break
			}
			es[i].ID = ""
			data, _ := json.Marshal(es)
			err := t.Put(ctx, table.Item{PK: c.PK, SK: c.SK, Kind: c.Kind, Data: data}, table.VersionIs(c.Version))
			if err == nil {
				break
			}
			if !errors.Is(err, table.ErrConditionFailed) || tries == 4 {
				return err
			}
			if c, err = t.Get(ctx, c.PK, c.SK); errors.Is(err, table.ErrNotFound) {
				break
			} else if err != nil {
				return err
			}
		}
	}
	for tries := 0; ; tries++ {
		m, it, err := readRankingMeta(ctx, t)
		if errors.Is(err, table.ErrNotFound) {
			return nil
		} else if err != nil {
			return err
		}
		i := slices.IndexFunc(m.Firsts, func(e rankEntry) bool { return e.ID == person })
		if i < 0 {
			return nil
		}
		// A first entry only places a cursor among the chunks: the
		// chunk's first entry left does as well.
		c, err := t.Get(ctx, rankingPK, rankingChunkSK(m.Build, i))
		if err != nil {
			return err
		}
		var es []rankEntry
		if err := json.Unmarshal(c.Data, &es); err != nil {
			return err
		}
		m.Firsts[i] = rankEntry{S: m.Firsts[i].S}
		if j := slices.IndexFunc(es, func(e rankEntry) bool { return e.ID != "" }); j >= 0 {
			m.Firsts[i] = es[j]
		}
		data, _ := json.Marshal(m)
		err = t.Put(ctx, table.Item{PK: rankingPK, SK: rankingMetaK, Kind: it.Kind, Data: data}, table.VersionIs(it.Version))
		if err == nil || !errors.Is(err, table.ErrConditionFailed) || tries == 4 {
			return err
		}
	}
}
