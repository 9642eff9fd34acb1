package account

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/textcut"
	"golang.org/x/net/publicsuffix"
)

// maxWrites is the most writes one transaction may hold
// (dynamotable.MaxTransactItems, DynamoDB's limit): each person of a chunk
// adds their membership, a check of their tombstone and the grouping keys
// they claim; the account and an MQA take the rest. Its bytes stay under
// DynamoDB's 4 MB as no more than three items are large (at most 400 KB
// each): the account, an MQA (its people), and the account a mover leaves
// (a mover is a chunk alone).
const maxWrites = 100

// planned is a person as refreshBatch found them: where their refresh
// takes them, and what it was read from.
type planned struct {
	p        identity.Person
	active   time.Time
	rescored bool       // their points changed without an event (a rescore): written even within the day
	mem      membership // their membership as read ("" account: none)
	memVer   int64      // its version (0: none)
	had      bool       // they had a membership
	account  string     // the account they go to ("": none, they have no grouping key)
	placed   bool       // an operator placed them there: their keys do not move them
}

// Refresh brings a person's place in the accounts up to date: which
// account they belong to (grouping keys, unless an operator placed them),
// their role, score and latest activity (active: an event time, zero for
// none) there; the account's score, and its MQA when it now qualifies. It
// is a batch of one.
func (b *Book) Refresh(ctx context.Context, person string, active time.Time) error {
	return b.refreshBatch(ctx, []string{person}, map[string]time.Time{person: active}, false)
}

// refreshBatch is the one way an account learns of its people: Refresh
// for each person of a change feed batch (rescored: a rescore's, see
// Rescored), in order within each account: the people of one account are
// applied to it one after another (each judged for an MQA as they join),
// with one read and one write of the account for as many of them as one
// transaction holds, not one each. A company's batch of identifies rewrote
// its account (up to MaxMembers members, over 100 KB) once a person, and
// the feed's lanes, refreshing people of the same company at once, failed
// each other's versioned writes until the batch failed.
func (b *Book) refreshBatch(ctx context.Context, order []string, active map[string]time.Time, rescored bool) error {
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
		x, err := b.plan(ctx, p, active[person], rescored, owners)
		if err != nil {
			return err
		}
		if x.account == "" && !x.had {
			continue // in no account, before or now: nothing to write
		}
		if !x.had && listRecipient(p) {
			// A list's recipient is no member until they are a lead (their
			// opens alone are not): the accounts page says so, and they
			// were listed with 0 points once they opened the newsletter.
			rec, err := b.Scores.Record(ctx, p.ID)
			if err != nil {
				return err
			}
			if qualify.NotALeadYet(p, rec) {
				continue
			}
		}
		if _, ok := byAccount[x.account]; !ok {
			accounts = append(accounts, x.account)
		}
		byAccount[x.account] = append(byAccount[x.account], x)
	}
	for _, id := range accounts {
		if err := b.combined(ctx, id, byAccount[id]); err != nil {
			return err
		}
	}
	return nil
}

// plan finds the account a person goes to: the one an operator placed them
// in while it lives (merges followed), else the one of their grouping keys
// (resolveWith; owners: keys claimed by the people planned before them, taken
// as owned). "" for none: they have no key.
func (b *Book) plan(ctx context.Context, p identity.Person, active time.Time, rescored bool, owners map[string]string) (planned, error) {
	mem, ver, err := b.membershipAt(ctx, p.ID)
	if err != nil {
		return planned{}, err
	}
	x := planned{p: p, active: active, rescored: rescored, mem: mem, memVer: ver, had: ver != 0}
	if x.had && mem.Placed {
		a, err := b.live(ctx, mem.Account)
		if err == nil {
			x.account, x.placed = a.ID, true
			return x, nil
		}
		if !errors.Is(err, ErrNotFound) {
			return planned{}, err
		}
		// Their account is gone: their keys place them again.
	}
	id, claim, _, err := b.resolveWith(ctx, b.Keys(p), owners)
	if err != nil {
		return planned{}, err
	}
	for _, k := range claim {
		owners[k] = id
	}
	x.account = id
	return x, nil
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
			ids, ps, err = b.refreshChunk(ctx, id, ps)
			for _, m := range ids {
				latest[m] = true
			}
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

// merged is one person planned by two lanes: the later activity, a
// rescore's if either was. Their membership is the older read, so that a
// change since either read fails the write.
func merged(a, b planned) planned {
	if b.active.After(a.active) {
		a.active = b.active
		a.p = b.p
	}
	a.rescored = a.rescored || b.rescored
	if b.memVer < a.memVer {
		a.mem, a.memVer = b.mem, b.memVer
	}
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

// resolveWith finds the account of a person's grouping keys (the 名寄せ
// rule): the account of the first key that has one, the domain before the
// company name; keys nobody has yet are claimed for it. With no key known,
// the first key founds a new account. Two keys of different accounts are
// left as they are: joining them is an operator's merge. owners are the
// keys known to be owned (claimed earlier in the batch, the account's own):
// not read again; those it reads are added.
//
// A company name alone never takes a corporate domain nobody has into an
// account: anyone can type 株式会社アクメ into a form. A stranger from
// evil.example.jp joined Acme (acme.co.jp), counted towards its MQA, and
// had their domain claimed for Acme, so that everyone from it joined too;
// and an account of names alone (its people free mail) took the first
// domain that came with its name, a stranger's as well, whose people then
// owned it while the real company's founded a second. Such a person founds
// (or joins) the account of their own domain and the name stays its
// owner's; where that owner has no domain, turned is the name's key (the
// owner's page names their account: SameNameDomains), to merge by hand. A
// subdomain of one of the owner's domains is no stranger's (strangerTo). A
// name still groups people without a corporate domain (free mail).
func (b *Book) resolveWith(ctx context.Context, keys []string, owners map[string]string) (id string, claim []string, turned string, err error) {
	newDomain := ""
	for _, k := range keys {
		owner, ok := owners[k]
		if !ok {
			if owner, err = b.keyOwner(ctx, k); err != nil {
				return "", nil, "", err
			}
			if owner != "" {
				owners[k] = owner
			}
		}
		if owner == "" && strings.HasPrefix(k, "d:") && id == "" {
			newDomain = k
		}
		switch {
		case owner == "":
			claim = append(claim, k)
		case id == "":
			if newDomain != "" && strings.HasPrefix(k, "n:") {
				stranger, domains, err := b.strangerTo(ctx, owner, newDomain, owners)
				if err != nil {
					return "", nil, "", err
				}
				if stranger {
					if !domains && turned == "" {
						turned = k
					}
					continue // the name alone: not theirs to join
				}
			}
			id = owner
		}
	}
	if id == "" && len(keys) > 0 {
		id = idOf(keys[0])
	}
	return id, claim, turned, nil
}

// strangerTo reports whether the domain key d (one nobody owns) is a
// stranger's to the account id (merges followed): d is under none of its
// domain keys, which is so of every domain when it has none (an account of
// names alone knows no domain of its company: the first that came with its
// name is as likely an impostor's). domains: the account has domain keys.
// A subdomain of its domain (tokyo.acme.co.jp of acme.co.jp) is the
// company's own (nobody else can name a mail host there), so its person
// joins by the name, their domain claimed; so does a parent of its domain
// (acme.co.jp of an account founded from tokyo.acme.co.jp: its owner owns
// the subdomain), unless the parent is a public suffix, so that the order
// the feed reads the two in does not decide the accounts. The keys owners already names
// for the account decide without a read when one is d's parent; else its
// item is read (only for a person whose domain nobody has yet). An account
// planned in this batch and not yet written is known by owners alone.
func (b *Book) strangerTo(ctx context.Context, id, d string, owners map[string]string) (stranger, domains bool, err error) {
	host := strings.TrimPrefix(d, "d:")
	parentOK := !isPublicSuffix(host)
	under := func(k string) bool {
		return strings.HasPrefix(k, "d:") && (strings.HasSuffix(host, "."+k[2:]) || parentOK && strings.HasSuffix(k[2:], "."+host))
	}
	for k, o := range owners {
		if o == id && under(k) {
			return false, true, nil
		}
	}
	for k, o := range owners {
		domains = domains || o == id && strings.HasPrefix(k, "d:")
	}
	a, err := b.live(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return true, domains, nil
	}
	if err != nil {
		return false, false, err
	}
	for _, k := range a.Keys {
		if under(k) {
			return false, true, nil
		}
		domains = domains || strings.HasPrefix(k, "d:")
	}
	return true, domains, nil
}

// refreshChunk applies the first people of ps (as many as one transaction
// holds) to the account id and writes it once, retried on a concurrent
// write. After a failed write, the people erased meanwhile are left out
// (nothing of theirs is written). When the plan no longer holds (a key
// claimed meanwhile by another account, a membership changed since it was
// read: an operator's Split, another lane's move) or the write keeps
// failing, each of them is read and planned again and refreshed alone: a
// chunk of one. It returns the latest MQAs of the accounts written, to hand
// over, and the people of ps it has not taken (not a count: those left out
// need not be the first).
func (b *Book) refreshChunk(ctx context.Context, id string, ps []planned) (latest []string, rest []planned, err error) {
	alone := len(ps) == 1
	n := 0
	failed := table.ErrConditionFailed
	for attempt := 0; table.Again(ctx, attempt); attempt++ {
		mqa, k, ok, err := b.applyChunk(ctx, id, ps)
		n = k
		if err != nil && !errors.Is(err, table.ErrConditionFailed) {
			return nil, nil, err
		}
		if err == nil && ok {
			if mqa != "" {
				latest = []string{mqa}
			}
			return latest, ps[n:], nil
		}
		if err != nil {
			failed = err
		}
		kept, changed, err := b.unchanged(ctx, ps[:n])
		if err != nil {
			return nil, nil, err
		}
		if len(kept) < n { // nothing of theirs is written
			ps, n = append(kept, ps[n:]...), 0
			if len(ps) == 0 {
				return nil, nil, nil
			}
			continue
		}
		if ok && !changed {
			continue // only the account moved on: again as planned
		}
		if !alone {
			break
		}
		x, gone, err := b.replan(ctx, ps[0])
		if err != nil || gone {
			return nil, nil, err
		}
		ps[0], id = x, x.account
	}
	if alone {
		return nil, nil, failed
	}
	for _, x := range ps[:n] {
		x, gone, err := b.replan(ctx, x)
		if err != nil {
			return nil, nil, err
		}
		if gone {
			continue
		}
		ids, _, err := b.refreshChunk(ctx, x.account, []planned{x})
		if err != nil {
			return nil, nil, err
		}
		latest = append(latest, ids...)
	}
	return latest, ps[n:], nil
}

// replan is x planned again on the person as they are now: the batch read
// them before, and another lane may have moved them since (planned on that
// read, they would go back). gone: erased meanwhile.
func (b *Book) replan(ctx context.Context, x planned) (y planned, gone bool, err error) {
	p, err := b.Dir.Get(ctx, x.p.ID)
	if errors.Is(err, identity.ErrNotFound) {
		return planned{}, true, nil
	}
	if err != nil {
		return planned{}, false, err
	}
	y, err = b.plan(ctx, p, x.active, x.rescored, map[string]string{})
	return y, false, err
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

// applyChunk is one attempt of refreshChunk: each person in turn on one
// read of the account id ("": none, for people who leave theirs for no
// other), and one transaction of at most maxWrites; n: how many of ps it
// took (at least one). ok is false when the plan no longer holds. For each
// person: the keys they have that nobody owns are claimed for the account
// (resolveWith, the account's own keys and the claims of those before them
// taken as owned); the account they leave loses them (one who leaves
// another is taken alone); the account gains them, and is judged for an
// MQA. Each membership is written on the
// condition that it is as read when planned: an operator's placing or
// another move since fails the write, not undone by it.
func (b *Book) applyChunk(ctx context.Context, id string, ps []planned) (latestMQA string, n int, ok bool, err error) {
	now := b.now()
	var target Account
	if id != "" {
		target, err = b.live(ctx, id)
		if errors.Is(err, ErrNotFound) {
			target, err = Account{ID: id}, nil
		}
		if err != nil {
			return "", len(ps), false, err
		}
	}
	owners := map[string]string{}
	for _, k := range target.Keys {
		owners[k] = target.ID
	}
	var leaves *Account // the account the chunk's mover leaves
	var ws []table.Write
	var full []string // the key that first found the account full of keys
	claimed := map[string]bool{}
	write := false
	for _, x := range ps {
		if leaves != nil {
			break
		}
		var claim []string
		turned := "" // the name of an account of names alone that turned them away
		switch {
		case id == "":
		case x.placed:
			if target.version == 0 {
				return "", n + 1, false, nil // their account is gone since the plan
			}
		default:
			var to string
			if to, claim, turned, err = b.resolveWith(ctx, b.Keys(x.p), owners); err != nil {
				return "", n + 1, false, err
			}
			if to != id && to != target.ID {
				return "", n + 1, false, nil // another account's since the plan
			}
		}
		if x.had && (id == "" || x.mem.Account != target.ID) {
			old, err := b.leaving(ctx, x.mem.Account, x.p.ID)
			if err != nil {
				return "", n + 1, false, err
			}
			if old != nil && old.ID != target.ID {
				// A mover is written alone, with the account they leave:
				// chunks of several movers wrote as many accounts (each up
				// to 400 KB, past DynamoDB's 4 MB a transaction), and failed
				// whole when any of them changed meanwhile.
				if n > 0 {
					break
				}
				leaves = old
			}
		}
		// Their claims (and a same-name mark), an MQA, membership and
		// tombstone check, and the account: at most this many more writes
		// (with the account a mover leaves, alone).
		mark := 0
		if turned != "" {
			mark = 1
		}
		if n > 0 && len(ws)+len(claim)+mark+4 > maxWrites {
			break
		}
		n++
		if leaves != nil {
			leaves.remove(x.p.ID)
		}
		if id == "" {
			if x.had {
				ws = append(ws, table.Del(identity.PersonPK(x.p.ID), memberSK, table.VersionIs(x.memVer)))
				write = true
			}
			continue
		}
		var own []table.Write
		for _, k := range claim {
			if strings.HasPrefix(k, "n:") && !target.ownsName(b, k, x.p.ID, Domain(x.p.Email, b.FreeMail) != "") {
				// One person's company, outvoted by the others': not the
				// account's name, and free for the firm's own people.
				continue
			}
			if !target.roomFor(k) {
				// Not claimed: they join by their other key, and the key
				// stays free (no item to clean up, nobody's to merge).
				if target.refuse(now) {
					full = append(full, k)
				}
				continue
			}
			own = append(own, keyWrite(k, target.ID, table.NotExists))
			claimed[k] = true
			owners[k] = target.ID
			target.Keys = append(target.Keys, k)
		}
		if turned != "" && len(own) > 0 {
			// With their domain's claim, once: the account of names alone
			// has nothing else to find this one by (SameName).
			own = append(own, sameNameWrite(turned, target.ID))
		}
		rec, err := b.Scores.Record(ctx, x.p.ID)
		if err != nil {
			return "", n, false, err
		}
		m := member(x.p, rec, x.active, x.placed).cut(target.textBudget()) // as stored, for sameStanding
		prev, known := target.member(x.p.ID)
		before := target.Score
		target.upsert(m)
		b.recompute(&target, now)
		q, qualifies := b.judge(&target, now)
		rescored := x.rescored && (prev.Behaviour != m.Behaviour || target.Score != before) // a rescore's points are written
		if !qualifies && !rescored && len(own) == 0 && x.had && known && x.mem.Account == target.ID && sameStanding(prev, m, b.Loc) {
			// A page view of a known member moves only their points and
			// their activity within the day: the account item (up to 500
			// members) is not rewritten for that, or each page view would
			// cost its size in write units. Their points reach the account
			// with their next change of day, band, role, stage, grade or
			// company, or any MQA (the account's page reads them live:
			// Book.Live); not when others of the chunk rewrite it (their
			// entry is put back), as refreshed one after another. The
			// latest MQA is still handed on: its earlier hand-over may have
			// failed (flush sends it once).
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
		ws = append(ws, memberWriteIf(x.p.ID, membership{Account: target.ID, Placed: x.placed}, table.VersionIs(x.memVer)), privacy.NotErased(x.p.Email))
		write = true
	}
	if k := len(target.MQAs); k > 0 {
		latestMQA = target.MQAs[k-1]
	}
	if !write {
		return latestMQA, n, true, nil
	}
	if leaves != nil {
		b.recompute(leaves, now)
		ws = append(ws, leaves.put())
	}
	if id != "" {
		// Written anyway: names no longer its own go with it (no read).
		// Not one claimed in this transaction (it may not write an item
		// twice): the next write releases it.
		for _, k := range target.releasable(b) {
			if claimed[k] || len(ws)+2 >= maxWrites {
				continue
			}
			ws = append(ws, table.Del(keyPfx+k, keySK, table.Always))
			target.Keys = slices.DeleteFunc(target.Keys, func(x string) bool { return x == k })
		}
		ws = append(ws, target.put())
	}
	if err := b.T.Transact(ctx, ws); err != nil {
		return latestMQA, n, true, err
	}
	if len(full) > 0 {
		b.logger().Warn("account: grouping keys full, new keys of its people not claimed (merge by hand where they belong here)",
			"account", target.ID, "name", target.Name, "key", textcut.Bytes(full[0], 100), "max_names", MaxNameKeys, "max_domains", MaxDomainKeys)
	}
	return latestMQA, n, true, nil
}

func (b *Book) logger() *slog.Logger {
	if b.Logger != nil {
		return b.Logger
	}
	return slog.Default()
}

// leaving is the account (merges followed) a person's membership names,
// when it lists them; nil when it is gone or does not.
func (b *Book) leaving(ctx context.Context, id, person string) (*Account, error) {
	a, err := b.live(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	if err != nil || !slices.ContainsFunc(a.Members, func(m Member) bool { return m.Person == person }) {
		return nil, err
	}
	return &a, nil
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

// isPublicSuffix reports whether domain is one of the public suffix list's
// (co.jp, github.io): nobody owns the names under it.
func isPublicSuffix(domain string) bool {
	ps, _ := publicsuffix.PublicSuffix(domain)
	return ps == domain
}

// listRecipient reports whether Baton first knew p from a recipient list:
// only theirs is worth a score record's read before they join an account.
func listRecipient(p identity.Person) bool { return strings.HasPrefix(p.Source, "list:") }
