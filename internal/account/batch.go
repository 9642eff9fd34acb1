package account

import (
	"context"
	"errors"
	"hash/fnv"
	"slices"
	"sync"
	"time"

	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/table"
)

// chunkPeople bounds the people of one account written in one transaction:
// each adds their membership and a check of their tombstone, and DynamoDB
// takes at most 100 writes a transaction (the account, claimed keys and an
// MQA take a few more).
const chunkPeople = 40

// planned is a person whose account refreshBatch updates with others of
// the same account.
type planned struct {
	p      identity.Person
	active time.Time
	had    bool     // they had a membership (of the account they stay in)
	claim  []string // grouping keys nobody owned: claimed for the account
}

// refreshBatch is Refresh for each person of a change feed batch, in order
// within each account: the people of one account are applied to it as
// Refresh would one after another (each judged for an MQA as they join),
// with one read and one write of the account for up to chunkPeople of them,
// not one each. A company's batch of identifies rewrote its account (up to
// MaxMembers members, over 100 KB) once a person, and the feed's lanes,
// refreshing people of the same company at once, failed each other's
// versioned writes until the batch failed. Who moves between accounts, was
// placed by an operator or has no grouping key is refreshed alone.
func (b *Book) refreshBatch(ctx context.Context, order []string, active map[string]time.Time) error {
	owners := map[string]string{} // grouping key -> account, as the people before claim them
	byAccount := map[string][]planned{}
	var accounts []string
	for _, person := range order {
		p, err := b.Dir.Get(ctx, person)
		if errors.Is(err, identity.ErrNotFound) {
			continue // erased meanwhile
		}
		if err != nil {
			return err
		}
		mem, had, err := b.membership(ctx, person)
		if err != nil {
			return err
		}
		alone := had && mem.Placed
		var id string
		var claim []string
		if !alone {
			if id, claim, err = b.resolveWith(ctx, b.Keys(p), owners); err != nil {
				return err
			}
			alone = id == "" || had && mem.Account != id
		}
		if alone {
			if err := b.refreshPerson(ctx, person, active[person], false); err != nil {
				return err
			}
			continue
		}
		for _, k := range claim {
			owners[k] = id
		}
		if _, ok := byAccount[id]; !ok {
			accounts = append(accounts, id)
		}
		byAccount[id] = append(byAccount[id], planned{p: p, active: active[person], had: had, claim: claim})
	}
	for _, id := range accounts {
		if err := b.combined(ctx, id, byAccount[id]); err != nil {
			return err
		}
	}
	return nil
}

// combined applies people to the account id together with those other
// lanes of the feed bring to it meanwhile: one lane at a time writes an
// account (each would fail the others' versioned writes), and it writes
// what the lanes waiting for it brought as well, so that the account is
// written once for many lanes' people, not once for each lane's.
func (b *Book) combined(ctx context.Context, id string, ps []planned) error {
	c := &combiners[stripe(id)]
	j := &job{b: b, id: id, ps: ps, done: make(chan error, 1)}
	c.mu.Lock()
	c.queue = append(c.queue, j)
	if !c.busy {
		c.busy = true
		for len(c.queue) > 0 {
			jobs := c.queue
			c.queue = nil
			c.mu.Unlock()
			runJobs(ctx, jobs)
			c.mu.Lock()
		}
		c.busy = false
	}
	c.mu.Unlock()
	if err := <-j.done; err != nil {
		return err
	}
	// Handed over here, not while writing: delivery may take its time
	// (or, in tests, handle the feed), and other lanes wait on the writer.
	for _, id := range j.latest {
		if err := b.flush(ctx, id); err != nil {
			return err
		}
	}
	return nil
}

// runJobs writes the jobs' people, account by account, chunkPeople at a
// time, and tells each job how its account went.
func runJobs(ctx context.Context, jobs []*job) {
	type account struct {
		b  *Book
		id string
	}
	var ids []account
	byID := map[account][]*job{}
	for _, j := range jobs {
		a := account{j.b, j.id}
		if _, ok := byID[a]; !ok {
			ids = append(ids, a)
		}
		byID[a] = append(byID[a], j)
	}
	for _, id := range ids {
		var ps []planned
		for _, j := range byID[id] {
			ps = append(ps, j.ps...)
		}
		var err error
		latest := map[string]bool{}
		for len(ps) > 0 && err == nil {
			n := min(len(ps), chunkPeople)
			var ids []string
			ids, err = id.b.refreshChunk(ctx, id.id, ps[:n])
			for _, m := range ids {
				latest[m] = true
			}
			ps = ps[n:]
		}
		for k, j := range byID[id] {
			if k == 0 { // one lane hands the MQAs over
				for m := range latest {
					j.latest = append(j.latest, m)
				}
				slices.Sort(j.latest)
			}
			j.done <- err
		}
	}
}

// job is one lane's people of one account, waiting to be written.
type job struct {
	b    *Book
	id   string
	ps   []planned
	done chan error
	// latest are the MQAs to hand over (Book.flush) once written: the
	// accounts' latest.
	latest []string
}

// combiner queues the jobs of the accounts of one stripe (of any Book:
// tests run many); busy: a lane is writing them.
type combiner struct {
	mu    sync.Mutex
	busy  bool
	queue []*job
}

var combiners [64]combiner

func stripe(id string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(id))
	return h.Sum32() % uint32(len(combiners))
}

// resolveWith is resolve with the keys claimed earlier in the batch
// (owners) taken as owned.
func (b *Book) resolveWith(ctx context.Context, keys []string, owners map[string]string) (id string, claim []string, err error) {
	for _, k := range keys {
		owner, ok := owners[k]
		if !ok {
			if owner, err = b.keyOwner(ctx, k); err != nil {
				return "", nil, err
			}
			if owner != "" {
				owners[k] = owner
			}
		}
		switch {
		case owner == "":
			claim = append(claim, k)
		case id == "":
			id = owner
		}
	}
	if id == "" && len(keys) > 0 {
		id = idOf(keys[0])
	}
	return id, claim, nil
}

// refreshChunk applies people of the account id to it and writes it once
// (retried on a concurrent write). When the plan no longer holds (a key
// claimed meanwhile by another account, the account merged away), or the
// write keeps failing, the people are refreshed one by one. It returns the
// latest MQAs of the accounts written, to hand over.
func (b *Book) refreshChunk(ctx context.Context, id string, ps []planned) ([]string, error) {
	for range 10 {
		latest, ok, err := b.applyChunk(ctx, id, ps)
		if !ok || errors.Is(err, table.ErrConditionFailed) {
			if kept, gerr := b.notErased(ctx, ps); gerr != nil {
				return nil, gerr
			} else if len(kept) < len(ps) {
				ps = kept // erased meanwhile: nothing of theirs is written
				continue
			}
			if !ok {
				break
			}
			continue
		}
		if err != nil || latest == "" {
			return nil, err
		}
		return []string{latest}, nil
	}
	var out []string
	for _, x := range ps {
		latest, err := b.refreshUnsent(ctx, x.p.ID, x.active, false)
		if err != nil {
			return nil, err
		}
		if latest != "" {
			out = append(out, latest)
		}
	}
	return out, nil
}

// notErased is ps without the people erased since they were read.
func (b *Book) notErased(ctx context.Context, ps []planned) ([]planned, error) {
	kept := ps[:0:0]
	for _, x := range ps {
		gone, err := privacy.Erased(ctx, b.T, x.p.Email)
		if err != nil {
			return nil, err
		}
		if !gone {
			kept = append(kept, x)
		}
	}
	return kept, nil
}

// applyChunk is one attempt of refreshChunk: what refresh does for each
// person in turn, on one read of the account, and one transaction. ok is
// false when the plan no longer holds.
func (b *Book) applyChunk(ctx context.Context, id string, ps []planned) (latestMQA string, ok bool, err error) {
	now := b.now()
	target, err := b.live(ctx, id)
	if errors.Is(err, ErrNotFound) {
		target, err = Account{ID: id}, nil
	}
	if err != nil || target.ID != id {
		return "", err == nil && target.ID == id, err // merged away meanwhile: refreshed alone
	}
	var ws []table.Write
	claimed := map[string]bool{}
	write := false
	for _, x := range ps {
		var own []table.Write
		for _, k := range x.claim {
			if claimed[k] || slices.Contains(target.Keys, k) {
				continue // claimed by someone before them in this chunk, or earlier
			}
			owner, err := b.keyOwner(ctx, k)
			if err != nil {
				return "", false, err
			}
			switch owner {
			case "":
				own = append(own, keyWrite(k, target.ID, table.NotExists))
			case target.ID: // claimed by an earlier chunk
			default:
				return "", false, nil // another account's since the plan
			}
			claimed[k] = true
			target.Keys = append(target.Keys, k)
		}
		rec, err := b.Scores.Record(ctx, x.p.ID)
		if err != nil {
			return "", false, err
		}
		m := member(x.p, rec, x.active, false)
		prev, known := target.member(x.p.ID)
		target.upsert(m)
		b.recompute(&target, now)
		q, qualifies := b.judge(&target, now)
		if !qualifies && len(own) == 0 && x.had && known && sameStanding(prev, m, b.Loc) {
			// As refresh: the account is not rewritten for them; what
			// they changed is not kept unless others rewrite it.
			target.set(prev)
			b.recompute(&target, now)
			continue
		}
		ws = append(ws, own...)
		if qualifies {
			w, err := q.write()
			if err != nil {
				return "", false, err
			}
			ws = append(ws, w)
			target.MQAs, target.LastMQA = append(target.MQAs, q.ID), now
		}
		ws = append(ws, memberWrite(x.p.ID, membership{Account: target.ID}), privacy.NotErased(x.p.Email))
		write = true
	}
	if n := len(target.MQAs); n > 0 {
		latestMQA = target.MQAs[n-1]
	}
	if !write {
		return latestMQA, true, nil
	}
	ws = append(ws, target.put())
	return latestMQA, true, b.T.Transact(ctx, ws)
}

// set puts a member's entry back as it was.
func (a *Account) set(m Member) {
	for i := range a.Members {
		if a.Members[i].Person == m.Person {
			a.Members[i] = m
			return
		}
	}
}
