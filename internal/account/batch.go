package account

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/table"
)

// maxWrites is the most writes one transaction may hold
// (dynamotable.MaxTransactItems, DynamoDB's limit): each person of a chunk
// adds their membership, a check of their tombstone and the grouping keys
// they claim; the account and an MQA take the rest.
const maxWrites = 100

// planned is a person whose account refreshBatch updates with others of
// the same account.
type planned struct {
	p      identity.Person
	active time.Time
	memVer int64    // the version of their membership read when planned (0: none)
	had    bool     // they had a membership (of the account they stay in)
	claim  []string // grouping keys nobody owned: claimed for the account
}

// refreshBatch is Refresh for each person of a change feed batch, in order
// within each account: the people of one account are applied to it as
// Refresh would one after another (each judged for an MQA as they join),
// with one read and one write of the account for as many of them as one
// transaction holds, not one each. A company's batch of identifies rewrote
// its account (up to MaxMembers members, over 100 KB) once a person, and
// the feed's lanes, refreshing people of the same company at once, failed
// each other's versioned writes until the batch failed. Who moves between
// accounts, was placed by an operator or has no grouping key is refreshed
// alone, after the accounts' groups.
func (b *Book) refreshBatch(ctx context.Context, order []string, active map[string]time.Time) error {
	owners := map[string]string{} // grouping key -> account, as the people before claim them
	byAccount := map[string][]planned{}
	var accounts, alone []string
	for _, person := range order {
		p, err := b.Dir.Get(ctx, person)
		if errors.Is(err, identity.ErrNotFound) {
			continue // erased meanwhile
		}
		if err != nil {
			return err
		}
		mem, ver, err := b.membershipAt(ctx, person)
		if err != nil {
			return err
		}
		had := ver != 0
		single := had && mem.Placed
		var id string
		var claim []string
		if !single {
			if id, claim, err = b.resolveWith(ctx, b.Keys(p), owners); err != nil {
				return err
			}
			single = id == "" || had && mem.Account != id
		}
		if single {
			alone = append(alone, person)
			continue
		}
		for _, k := range claim {
			owners[k] = id
		}
		if _, ok := byAccount[id]; !ok {
			accounts = append(accounts, id)
		}
		byAccount[id] = append(byAccount[id], planned{p: p, active: active[person], memVer: ver, had: had, claim: claim})
	}
	for _, id := range accounts {
		if err := b.combined(ctx, id, byAccount[id]); err != nil {
			return err
		}
	}
	for _, person := range alone {
		if err := b.refreshPerson(ctx, person, active[person], false); err != nil {
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
	c := &b.writers[stripe(id)]
	j := &job{ctx: ctx, id: id, ps: ps, done: make(chan error, 1)}
	c.mu.Lock()
	c.queue = append(c.queue, j)
	writer := !c.busy
	c.busy = true
	c.mu.Unlock()
	if writer {
		b.drain(ctx, c)
	}
	select {
	case err := <-j.done:
		if err != nil {
			return err
		}
	case <-ctx.Done():
		return ctx.Err() // the writer skips the job if it has not begun it
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

// drain runs the queue of c until it is empty. Should it panic, the jobs
// not answered are told so and the next lane writes, or every lane after
// would wait for ever.
func (b *Book) drain(ctx context.Context, c *combiner) {
	var running []*job
	defer func() {
		if r := recover(); r != nil { // running unlocked
			c.mu.Lock()
			for _, j := range append(running, c.queue...) {
				answer(j, fmt.Errorf("account %s: writer panicked: %v", j.id, r))
			}
			c.queue = nil
			c.busy = false
			c.mu.Unlock()
			panic(r)
		}
	}()
	c.mu.Lock()
	for len(c.queue) > 0 {
		running = c.queue
		c.queue = nil
		c.mu.Unlock()
		b.runJobs(ctx, running)
		running = nil
		c.mu.Lock()
	}
	c.busy = false
	c.mu.Unlock()
}

// answer tells a job how it went, once (a panic may answer again).
func answer(j *job, err error) {
	select {
	case j.done <- err:
	default:
	}
}

// whileWaited is ctx (its values) not cancelled by its own lane: the jobs
// it runs are other lanes' too. It ends when every job's lane has stopped
// waiting, as nobody would take the result.
func whileWaited(ctx context.Context, jobs []*job) (context.Context, func()) {
	run, cancel := context.WithCancel(context.WithoutCancel(ctx))
	var left atomic.Int64
	left.Store(int64(len(jobs)))
	stops := make([]func() bool, 0, len(jobs))
	for _, j := range jobs {
		stops = append(stops, context.AfterFunc(j.ctx, func() {
			if left.Add(-1) == 0 {
				cancel()
			}
		}))
	}
	return run, func() {
		for _, stop := range stops {
			stop()
		}
		cancel()
	}
}

// runJobs writes the jobs' people, account by account, as many a
// transaction as it holds, and tells each job how its account went. A
// person several lanes bring is written once: with the latest activity
// and every key claimed for them (a transaction may not write an item
// twice).
func (b *Book) runJobs(ctx context.Context, jobs []*job) {
	live := jobs[:0:0]
	for _, j := range jobs {
		if err := j.ctx.Err(); err != nil {
			answer(j, err) // nobody waits for it
			continue
		}
		live = append(live, j)
	}
	if len(live) == 0 {
		return
	}
	ctx, stop := whileWaited(ctx, live)
	defer stop()
	var ids []string
	byID := map[string][]*job{}
	for _, j := range live {
		if _, ok := byID[j.id]; !ok {
			ids = append(ids, j.id)
		}
		byID[j.id] = append(byID[j.id], j)
	}
	for _, id := range ids {
		var ps []planned
		at := map[string]int{}
		for _, j := range byID[id] {
			for _, x := range j.ps {
				i, ok := at[x.p.ID]
				if !ok {
					at[x.p.ID] = len(ps)
					ps = append(ps, x)
					continue
				}
				ps[i] = merged(ps[i], x)
			}
		}
		var err error
		latest := map[string]bool{}
		for len(ps) > 0 && err == nil {
			var ids []string
			var n int
			ids, n, err = b.refreshChunk(ctx, id, ps)
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
			answer(j, err)
		}
	}
}

// merged is one person planned by two lanes: the later activity, every
// key claimed. Their membership's version is the older read, so that a
// change since either read fails the write.
func merged(a, b planned) planned {
	if b.active.After(a.active) {
		a.active = b.active
		a.p = b.p
	}
	for _, k := range b.claim {
		if !slices.Contains(a.claim, k) {
			a.claim = append(a.claim, k)
		}
	}
	a.memVer = min(a.memVer, b.memVer)
	a.had = a.memVer != 0
	return a
}

// job is one lane's people of one account, waiting to be written.
type job struct {
	ctx  context.Context // the lane's: the job is skipped once it is done
	id   string
	ps   []planned
	done chan error
	// latest are the MQAs to hand over (Book.flush) once written: the
	// accounts' latest.
	latest []string
}

// stripes is how many queues a Book's accounts share.
const stripes = 64

// combiner queues the jobs of the accounts of one stripe; busy: a lane is
// writing them.
type combiner struct {
	mu    sync.Mutex
	busy  bool
	queue []*job
}

func stripe(id string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(id))
	return h.Sum32() % stripes
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

// refreshChunk applies the first people of ps (as many as one transaction
// holds) to the account id and writes it once (retried on a concurrent
// write). When the plan no longer holds (a key claimed meanwhile by another
// account, the account merged away, a membership changed since it was
// read: an operator's Split, another lane's move), or the write keeps
// failing, those people are refreshed one by one, each as Refresh does. It
// returns the latest MQAs of the accounts written, to hand over, and how
// many of ps it took.
func (b *Book) refreshChunk(ctx context.Context, id string, ps []planned) (latest []string, used int, err error) {
	dropped, n := 0, 0 // dropped: erased meanwhile, left out of ps
	for range 10 {
		mqa, k, ok, err := b.applyChunk(ctx, id, ps)
		n = k
		if err != nil && !errors.Is(err, table.ErrConditionFailed) {
			return nil, 0, err
		}
		if err == nil && ok {
			if mqa != "" {
				latest = []string{mqa}
			}
			return latest, dropped + n, nil
		}
		kept, changed, err := b.unchanged(ctx, ps[:n])
		if err != nil {
			return nil, 0, err
		}
		if len(kept) < n { // nothing of theirs is written
			dropped += n - len(kept)
			ps, n = append(kept, ps[n:]...), 0
			if len(ps) == 0 {
				break
			}
			continue
		}
		if !ok || changed {
			break
		}
	}
	for _, x := range ps[:n] {
		mqa, err := b.refreshUnsent(ctx, x.p.ID, x.active, false)
		if err != nil {
			return nil, 0, err
		}
		if mqa != "" {
			latest = append(latest, mqa)
		}
	}
	return latest, dropped + n, nil
}

// unchanged is ps without the people erased since they were read; changed:
// the membership of one of them is not what was read.
func (b *Book) unchanged(ctx context.Context, ps []planned) (kept []planned, changed bool, err error) {
	kept = ps[:0:0]
	for _, x := range ps {
		gone, err := privacy.Erased(ctx, b.T, x.p.Email)
		if err != nil {
			return nil, false, err
		}
		if gone {
			continue
		}
		kept = append(kept, x)
		_, v, err := b.membershipAt(ctx, x.p.ID)
		if err != nil {
			return nil, false, err
		}
		changed = changed || v != x.memVer
	}
	return kept, changed, nil
}

// applyChunk is one attempt of refreshChunk: what refresh does for each
// person in turn, on one read of the account, and one transaction of at
// most maxWrites; n: how many of ps it took (at least one). ok is false
// when the plan no longer holds. Each membership is written on the
// condition that it is as read when planned: an operator's placing or
// another move since fails the write, not undone by it.
func (b *Book) applyChunk(ctx context.Context, id string, ps []planned) (latestMQA string, n int, ok bool, err error) {
	now := b.now()
	target, err := b.live(ctx, id)
	if errors.Is(err, ErrNotFound) {
		target, err = Account{ID: id}, nil
	}
	if err != nil {
		return "", len(ps), false, err
	}
	if target.ID != id {
		return "", len(ps), false, nil // merged away meanwhile: refreshed alone
	}
	var ws []table.Write
	claimed := map[string]bool{}
	write := false
	for _, x := range ps {
		// Their claims, an MQA, membership and tombstone check, and the
		// account: at most this many more writes.
		if n > 0 && len(ws)+len(x.claim)+4 > maxWrites {
			break
		}
		n++
		var own []table.Write
		for _, k := range x.claim {
			if claimed[k] || slices.Contains(target.Keys, k) {
				continue // claimed by someone before them in this chunk, or earlier
			}
			owner, err := b.keyOwner(ctx, k)
			if err != nil {
				return "", n, false, err
			}
			switch owner {
			case "":
				own = append(own, keyWrite(k, target.ID, table.NotExists))
			case target.ID: // claimed by an earlier chunk
			default:
				return "", n, false, nil // another account's since the plan
			}
			claimed[k] = true
			target.Keys = append(target.Keys, k)
		}
		rec, err := b.Scores.Record(ctx, x.p.ID)
		if err != nil {
			return "", n, false, err
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
				return "", n, false, err
			}
			ws = append(ws, w)
			target.MQAs, target.LastMQA = append(target.MQAs, q.ID), now
		}
		ws = append(ws, memberWriteIf(x.p.ID, membership{Account: target.ID}, table.VersionIs(x.memVer)), privacy.NotErased(x.p.Email))
		write = true
	}
	if k := len(target.MQAs); k > 0 {
		latestMQA = target.MQAs[k-1]
	}
	if !write {
		return latestMQA, n, true, nil
	}
	ws = append(ws, target.put())
	return latestMQA, n, true, b.T.Transact(ctx, ws)
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
