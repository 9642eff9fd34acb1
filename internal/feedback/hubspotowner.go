package feedback

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/repnames"
	"github.com/baton-hq/baton/internal/textcut"
)

// How long the handler remembers what HubSpot said of an owner: who an
// owner id is (a rep's email rarely changes; a batch of 100 events of one
// rep's contacts reads the owner once, and so do the batches of the next
// hour), and a refusal (an owner unknown to HubSpot, a token without the
// owners scope), asked again sooner so that a scope granted takes effect.
const (
	ownerTTL   = time.Hour
	refusalTTL = 10 * time.Minute
	maxOwners  = 10000 // owner ids remembered; past it the memory starts afresh
	// ownerWait bounds the owner reads of one delivery: the request's own
	// context has no deadline short of the function's timeout (10 s), and
	// the SFA clients wait longer (Salesforce 20 s a call), so an SFA that
	// hangs rather than fails would hold the outcome back with it. Cut
	// short, the read is a failure to answer: the outcome is recorded
	// under the owner id (or none).
	ownerWait = 2 * time.Second
	// ownerReserve is the part of ownerWait a list of owners leaves to
	// the owners read alone: a list cut short still names the delivery's
	// owners by one GET each, as they were named before there was a list.
	ownerReserve = ownerWait / 2
	// minListWait is the least time a list of owners is started with: a
	// page is some 100-300 ms, and a read that gets no page pauses the
	// list (listPause).
	minListWait = ownerWait / 4
	// listPause is how long a list that read no page (too slow for a
	// delivery's time, or failing) is not read: its owners are read alone
	// meanwhile.
	listPause = 10 * time.Minute
)

// ownerCache is the handler's memory of owners (per process: a Lambda
// container's life, the local server's).
type ownerCache struct {
	mu      sync.Mutex
	names   map[string]ownerName // owner id ("sf:" + 15 characters for Salesforce) -> how reports name them
	refused map[string]time.Time // "contacts" / "owners" / "salesforce": the SFA refused the token until then
	lists   [2]ownerList         // HubSpot's list of active [0] and archived [1] owners, read into names
	// pending are names learned (repnames' key -> name) whose write to the
	// store failed: kept with the next names learned, or at the next
	// delivery (learned). An outcome keeps only the owner id, so the
	// store is the only place its name lives; cached for ownerTTL, it is
	// not read (nor learned) again meanwhile.
	pending map[string]string
}

// ownerList is the state of a read of a list of owners, which may take
// more than one delivery: a list of 1,000 owners is 10 calls, some 2 s
// from a slow account, more than a delivery's share of ownerWait.
type ownerList struct {
	until  time.Time // read to its end (or maxOwnerPages) until then: ownerTTL from its start
	began  time.Time // the read started then; unfinished, it is continued until ownerTTL from then, else read anew
	after  string    // an unfinished read continues at this page
	pages  int       // pages read of it
	paused time.Time // not read until then (a read that got no page)
}

// name is how reports name the owner of key, if remembered at now.
func (c *ownerCache) name(key string, now time.Time) (string, bool) {
	n, ok, _ := c.take(key, now)
	return n, ok
}

// take is name, and whether the name is yet to be kept in the store
// (learned): remembered from a list, once.
func (c *ownerCache) take(key string, now time.Time) (name string, ok, learn bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n, ok := c.names[key]
	if !ok || !now.Before(n.until) {
		return n.name, false, false
	}
	if n.unlearned {
		n.unlearned = false
		c.names[key] = n
		return n.name, true, true
	}
	return n.name, true, false
}

// rememberList names the owners of (part of) a list read (id -> name)
// until then, each to be learned when first taken, and keeps the list's
// state l (past maxOwners the memory starts afresh).
func (c *ownerCache) rememberList(archived bool, names map[string]string, until time.Time, l ownerList) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.names == nil || len(c.names)+len(names) > maxOwners {
		c.names = map[string]ownerName{}
	}
	for k, n := range names {
		c.names[k] = ownerName{name: n, until: until, unlearned: true}
	}
	c.lists[listIndex(archived)] = l
}

// list is the state of the list of active or archived owners at now: a
// read started ownerTTL ago or more is over (read anew), finished or not.
func (c *ownerCache) list(archived bool, now time.Time) ownerList {
	c.mu.Lock()
	defer c.mu.Unlock()
	l := c.lists[listIndex(archived)]
	if !now.Before(l.began.Add(ownerTTL)) {
		l = ownerList{paused: l.paused}
	}
	return l
}

// takePending is names with the names whose write failed before (names
// win: newer), these no longer pending.
func (c *ownerCache) takePending(names map[string]string) map[string]string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.pending) == 0 {
		return names
	}
	all := c.pending
	c.pending = nil
	for k, n := range names {
		all[k] = n
	}
	return all
}

// putPending keeps names whose write failed for the next write, but for
// keys learned again since (newer); past maxOwners the rest are dropped.
func (c *ownerCache) putPending(names map[string]string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.pending == nil {
		c.pending = map[string]string{}
	}
	for k, n := range names {
		if _, newer := c.pending[k]; !newer && len(c.pending) < maxOwners {
			c.pending[k] = n
		}
	}
}

func listIndex(archived bool) int {
	if archived {
		return 1
	}
	return 0
}

// remember names the owner of key until then (past maxOwners the memory
// starts afresh).
func (c *ownerCache) remember(key, name string, until time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.names == nil || len(c.names) >= maxOwners {
		c.names = map[string]ownerName{}
	}
	c.names[key] = ownerName{name: name, until: until}
}

// refuse remembers that api refused the handler's reads, until then.
func (c *ownerCache) refuse(api string, until time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.refused == nil {
		c.refused = map[string]time.Time{}
	}
	c.refused[api] = until
}

// isRefused reports whether api refused the handler's reads, at now.
func (c *ownerCache) isRefused(api string, now time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return now.Before(c.refused[api])
}

type ownerName struct {
	name      string
	until     time.Time
	unlearned bool // from a list, not yet kept in the store
}

// hubspotOwners finds the rep (Owner) of each verdict that applies an
// outcome to a person Baton knows: the deal's owner (OwnerID, read with the
// deal), else the contact's hubspot_owner_id (the batch's contacts read in
// one call). The outcome keeps the owner id (and its key); the owner's
// email (HubSpotOwner.Name) is learned once per rep (repnames), by which
// the reports and pages name it, not copied into each person's stage
// history (qualify.Owner). The account's owners are read as a list (see
// ownerName).
//
// Failure policy: the owner is never a reason to lose or hold back an
// outcome. A refusal that a retry does not mend (403: the token lacks
// crm.objects.owners.read or crm.objects.contacts.read; 401; an owner id
// HubSpot does not know, 404) records the outcome under the owner id as is
// (or none), warned once a refusalTTL. A transient failure (429, 5xx, the
// network) also records it, under the owner id or none, logged as an
// error, and HubSpot is not asked again in that batch: answering 5xx
// instead would have HubSpot send the batch again, but it gives up after
// its retries (some 24 hours), and every outcome in the batch would be lost
// with them for want of a name in a report. The deal read differs: without
// the deal there is no verdict to record (hubspotDeals answers 503). A
// name that the store failed to keep is kept at the next delivery
// (learned), not answered 503 either.
//
// Only a failing store is returned (to be answered 503, as apply does).
func (h *Handler) hubspotOwners(ctx context.Context, vs []Verdict) error {
	if h.HubSpotOwners == nil {
		return nil
	}
	h.flushNames(ctx)
	var named []int // the verdicts to name
	var ids []string
	seen := map[string]bool{}
	for i, v := range vs {
		if v.Refused != "" || v.Unread != "" || v.Outcome == "" || v.Owner != "" {
			continue
		}
		if _, err := h.resolve(ctx, "hubspot", v); errors.Is(err, identity.ErrNotFound) {
			continue // nobody Baton knows (most of a portal's contacts): HubSpot is not asked
		} else if err != nil {
			return err
		}
		named = append(named, i)
		if c := v.ExternalID; v.OwnerID == "" && c != "" && !seen[c] {
			seen[c] = true
			ids = append(ids, c)
		}
	}
	down := h.rateLimited("owners") != nil              // HubSpot failed transiently in this batch, or its rate limit lasts
	rctx, cancel := context.WithTimeout(ctx, ownerWait) // HubSpot's reads; ctx is the store's
	defer cancel()
	contacts := map[string]string{}
	if len(ids) > 0 && !h.refused("contacts") {
		var err error
		if contacts, err = h.HubSpotOwners.ContactOwners(rctx, ids); err != nil {
			down = h.ownerFailed(ctx, "contacts", fmt.Sprintf("the owners of %d contacts", len(ids)), err)
		}
	}
	for _, i := range named {
		id := vs[i].OwnerID
		if id == "" {
			id = contacts[vs[i].ExternalID] // "": a contact nobody owns, or HubSpot no longer has
		}
		if id != "" {
			h.ownerName(ctx, rctx, id, &down)
			vs[i].Owner = textcut.Bytes(id, 200)
			vs[i].OwnerKey = repnames.HubSpot(vs[i].Owner)
		}
	}
	return nil
}

// ownerName is how reports name owner id (its email), remembered for
// ownerTTL and kept in repnames when HubSpot names it; the id itself when
// HubSpot does not say. The account's owners are read as a list (Owners:
// a call per 100 owners, not one per owner), the archived ones' only when
// an id is not among the active; an id in neither (an owner since the
// lists were read), or not among the pages read of a list unfinished
// (see listOwners), is read alone. HubSpot is asked within rctx
// (ownerWait); ctx is the request's.
func (h *Handler) ownerName(ctx, rctx context.Context, id string, down *bool) string {
	id = textcut.Bytes(id, 200)
	now := h.now()
	if name, ok := h.remembered(ctx, id, now); ok {
		return name
	}
	for _, archived := range []bool{false, true} {
		if *down || h.refused("owners") {
			return id
		}
		done := h.listOwners(ctx, rctx, archived, down)
		if name, ok := h.remembered(ctx, id, now); ok {
			return name
		}
		if !done {
			break // not known to be in neither list: read alone (an archived owner too)
		}
	}
	if *down || h.refused("owners") {
		return id
	}
	o, err := h.HubSpotOwners.Owner(rctx, id)
	name, ttl := textcut.Bytes(o.Name(), 200), ownerTTL
	var he *HubSpotError
	switch {
	case err == nil:
	case errors.Is(err, ErrHubSpotNotFound) || errors.As(err, &he) && he.Status == http.StatusBadRequest: // 400: an id that is none (not a number)
		h.Log.Warn("feedback hubspot: HubSpot has no owner of this id (neither active nor archived): outcomes are recorded under the id", "owner", id)
		name, ttl = id, refusalTTL
	default:
		*down = h.ownerFailed(ctx, "owners", "owner "+id, err) || *down
		return id
	}
	h.owners.remember(id, name, now.Add(ttl))
	if err == nil && name != "" {
		h.learned(ctx, map[string]string{repnames.HubSpot(id): name})
	}
	return name
}

// remembered is the name of owner id remembered at now, kept in the store
// (learned) when it came from a list and is asked for the first time.
func (h *Handler) remembered(ctx context.Context, id string, now time.Time) (string, bool) {
	name, ok, learn := h.owners.take(id, now)
	if learn {
		h.learned(ctx, map[string]string{repnames.HubSpot(id): name})
	}
	return name, ok
}

// listOwners reads HubSpot's list of active or archived owners into the
// memory, unless read within ownerTTL, and says whether it is read to its
// end (or maxOwnerPages). The list has rctx's time but ownerReserve,
// which is the owners' read alone: a large account's list (1,000 owners
// at 200 ms a page) does not fit in a delivery's ownerWait, and read anew
// by each delivery, and failing, it named nobody, where a GET of the
// owner did. Cut short, its pages read are kept and the next delivery
// continues at the page after, for ownerTTL from its start. A read that
// gets no page (too slow, or failing) pauses the list for listPause: the
// owners are read alone meanwhile. A failure is ownerFailed's (down when
// transient, the refusal remembered), but for a cursor refused (a 400 on
// a page after the first: the list is read anew); being cut short is none.
func (h *Handler) listOwners(ctx, rctx context.Context, archived bool, down *bool) bool {
	now := h.now()
	l := h.owners.list(archived, now)
	if now.Before(l.until) {
		return true
	}
	if now.Before(l.paused) {
		return false
	}
	lctx := rctx
	if dl, ok := rctx.Deadline(); ok {
		dl = dl.Add(-ownerReserve)
		if time.Until(dl) < minListWait { // real time, as the deadline's
			return false
		}
		var cancel context.CancelFunc
		lctx, cancel = context.WithDeadline(rctx, dl)
		defer cancel()
	}
	what := "the list of owners"
	if archived {
		what = "the list of archived owners"
	}
	if l.pages == 0 {
		l.began = now
	}
	got, err := h.HubSpotOwners.Owners(lctx, archived, l.after, maxOwnerPages-l.pages)
	names := map[string]string{}
	for _, o := range got.Owners {
		if id := textcut.Bytes(o.ID, 200); id != "" {
			names[id] = textcut.Bytes(o.Name(), 200)
		}
	}
	l.after, l.pages = got.Next, l.pages+got.Pages
	done := err == nil && (l.after == "" || l.pages >= maxOwnerPages)
	if done {
		l.until = l.began.Add(ownerTTL)
	}
	cut := err != nil && lctx.Err() != nil && rctx.Err() == nil
	if err != nil && got.Pages == 0 {
		l.paused = now.Add(listPause)
	}
	// A 400 on a page after the first is HubSpot refusing the cursor (one
	// saved up to ownerTTL ago may have expired, or the list changed under
	// it), not the token: read as a refusal it blocked the owners' GETs
	// for refusalTTL, and the page kept as the continuation failed again
	// after each listPause for the hour. The list is read anew from its
	// first page by the next delivery, the owners read alone meanwhile; a
	// cursor HubSpot gave within this read and refused at once is no
	// stale one, and pauses the list (listPause) lest every delivery read
	// the first page to fail on the next.
	var he *HubSpotError
	stale := err != nil && got.Next != "" && errors.As(err, &he) && he.Status == http.StatusBadRequest
	if stale {
		l = ownerList{}
		if got.Pages > 0 {
			l.paused = now.Add(listPause)
		}
	}
	h.owners.rememberList(archived, names, now.Add(ownerTTL), l)
	switch {
	case err == nil:
	case stale:
		h.Log.Warn("feedback hubspot: HubSpot refused the cursor of "+what+" (400): the next delivery reads it anew from its first page, owners not among the pages read are read alone",
			"pages", got.Pages, "err", err)
	case cut:
		h.Log.Warn("feedback hubspot: "+what+" was not read within its part of the delivery's time: its pages read are kept, the next delivery continues it, owners not among them are read alone",
			"pages", l.pages, "paused", got.Pages == 0)
	default:
		*down = h.ownerFailed(ctx, "owners", what, err) || *down
	}
	return done
}

// learned keeps the owners' names read (repnames' key -> name) in the
// store, by which the reports name the outcomes recorded under the id
// (every outcome: it keeps the id alone), with the names whose write
// failed before. Failing, it is logged and the names are kept for the
// next write (the next name learned, or the next delivery: see
// flushNames): the outcome is not held back for it, nor answered 503,
// which a Flow's callout is not sent again for, and the name, remembered
// for ownerTTL, would not be learned again meanwhile.
func (h *Handler) learned(ctx context.Context, names map[string]string) {
	if h.T == nil {
		return
	}
	all := h.owners.takePending(names)
	if len(all) == 0 {
		return
	}
	if err := repnames.Remember(ctx, h.T, all); err != nil {
		h.owners.putPending(all)
		h.Log.Error("feedback: keeping the owners' names failed: tried again with the next delivery; meanwhile reports name the outcomes recorded under their ids by the ids", "owners", len(all), "err", err)
	}
}

// flushNames keeps the names whose write failed before (learned), at each
// delivery, also one that learns no name.
func (h *Handler) flushNames(ctx context.Context) { h.learned(ctx, nil) }

// refused reports whether the SFA refused the token reading api
// ("contacts", "owners", "salesforce") within refusalTTL.
func (h *Handler) refused(api string) bool { return h.owners.isRefused(api, h.now()) }

// refuse remembers that api refused the handler's reads, for refusalTTL.
func (h *Handler) refuse(api string) { h.owners.refuse(api, h.now().Add(refusalTTL)) }

// ownerFailed logs HubSpot failing to read what (of api) and says whether
// it was transient. A refusal a retry does not mend (a missing scope, a bad
// token) is remembered for refusalTTL, so warned once then.
func (h *Handler) ownerFailed(ctx context.Context, api, what string, err error) bool {
	h.noteLimit(err)
	var he *HubSpotError
	if !errors.As(err, &he) || he.Transient() {
		if ctx.Err() == nil {
			h.Log.Error("feedback hubspot: reading the owner failed: outcomes of this batch are recorded without the rep's email (under the owner id, or none)", "read", what, "err", err)
		}
		return true
	}
	scope := "crm.objects.owners.read"
	if api == "contacts" {
		scope = "crm.objects.contacts.read"
	}
	h.refuse(api)
	if he.MissingScope() {
		h.Log.Warn("feedback hubspot: the HubSpot token lacks the scope "+scope+": outcomes are recorded without the rep's email (grant the private app the scope)", "read", what, "err", err)
	} else {
		h.Log.Warn("feedback hubspot: HubSpot refused to read "+api+": outcomes are recorded without the rep's email", "read", what, "err", err)
	}
	return false
}
