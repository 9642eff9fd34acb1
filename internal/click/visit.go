package click

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/baton-hq/baton/internal/enrichment"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/links"
	"github.com/baton-hq/baton/internal/table"
)

// A visit is the clicks of one client on one recipient's email within
// event.VisitWindow of its first click. A client is the truncated address
// and user agent, and the browser's cookie when the request carried one (two
// requests that both carried a cookie are one client only with the same
// cookie: a reader and a scanner behind one office address stay apart).
//
// Every click of a recipient is remembered a day under the person (C#), with
// its client and visit. A click is flagged when its own request says scanner
// (user agent, network, HEAD, honeypot, within the campaign's scanner window
// after the send), when its client was judged a scanner earlier, or when its
// visit says so (enrichment.VisitSignals: a burst of different links, a crawl
// at a steady pace, many links). Then every click of that client is flagged,
// including the ones before: their events are flagged in the event log
// (scoring withdraws what they gave, from the change feed) and any link
// their browser got from them is undone.
//
// A click not flagged waits in the due index (PK=CLICKDUE) until
// event.ClickSettle after it: its visit is over by then. Settle, run by the
// sweep, judges it: human, and the browser is linked to the person and the
// click becomes scorable (a change on the feed either way); or a scanner's,
// and it is flagged. Until then it neither identifies nor scores.

// dueIndex is the partition of the clicks waiting to be judged:
// SK=<due unix ns, 20 digits>#<person>#<event id>.
const dueIndex = "CLICKDUE"

// KindDue is the kind of a due entry.
const KindDue = "clickdue"

// memo is what click memory keeps of one recipient click (or HEAD).
type memo struct {
	Event   string    `json:"event,omitempty"` // "" for a HEAD: nothing stored
	Visitor string    `json:"visitor,omitempty"`
	Cookie  bool      `json:"cookie,omitempty"` // the request carried the browser's cookie
	Client  string    `json:"client"`           // hash of the truncated address and user agent
	Link    string    `json:"link"`
	At      time.Time `json:"at"`
	Visit   time.Time `json:"visit"`             // when its visit began
	Scanner string    `json:"scanner,omitempty"` // why its client is a scanner's ("" none yet)

	sk      string
	version int64
}

// sameClient reports whether two clicks came from one client.
func (m memo) sameClient(o memo) bool {
	return m.Client == o.Client && (!m.Cookie || !o.Cookie || m.Visitor == o.Visitor)
}

func memoPrefix(campaign string) string { return "C#" + campaign + "#" }

// clientKey hashes what names a client: the truncated address and the user
// agent.
func clientKey(ev *event.Event, remoteAddr string) string {
	ip := ev.Client.IP
	if ip == "" { // no enricher: the peer's address, truncated
		host, _, err := net.SplitHostPort(remoteAddr)
		if err != nil {
			host = remoteAddr
		}
		if a, err := netip.ParseAddr(host); err == nil {
			ip = enrichment.TruncateIP(a).String()
		}
	}
	sum := sha256.Sum256([]byte(ip + "\x00" + ev.Client.UserAgent))
	return hex.EncodeToString(sum[:12])
}

// visitRun is one click being judged with its visit.
type visitRun struct {
	h      *Handler
	ev     *event.Event
	person string
	self   memo
}

// visit remembers the click, judges it with the rest of its client's
// clicks on the recipient's email, and flags it (and, after the fact, the
// client's earlier clicks) when a signal fires.
func (h *Handler) visit(ctx context.Context, ev *event.Event, remoteAddr, person string, link links.Link, hadCookie, head bool) *visitRun {
	now := ev.Timestamp
	v := &visitRun{h: h, ev: ev, person: person}
	v.self = memo{Event: ev.ID, Visitor: ev.VisitorID, Cookie: hadCookie, Client: clientKey(ev, remoteAddr), Link: link.ID, At: now, Visit: now}
	if head {
		v.self.Event, v.self.Visitor = "", ""
	}
	if h.T == nil {
		return v
	}
	pk := identity.PersonPK(person)
	v.self.sk = memoPrefix(link.Campaign) + fmt.Sprintf("%020d#%s", now.UnixNano(), ev.ID)
	// Remember this click first: a click of the same visit being judged
	// at the same moment sees it.
	if err := v.putMemo(ctx, &v.self); err != nil {
		h.log().Error("click: remember the click", "err", err)
	}
	items, err := h.T.Query(ctx, table.Query{PK: pk, Prefix: memoPrefix(link.Campaign), Consistent: true})
	if err != nil {
		h.log().Error("click: the recipient's clicks", "err", err)
	}
	var same []memo
	var latest *memo
	for _, it := range items {
		m, err := decodeMemo(it)
		if err != nil || m.Client == "" || it.SK == v.self.sk || !m.sameClient(v.self) {
			continue
		}
		same = append(same, m)
		if latest == nil || m.At.After(latest.At) {
			latest = &same[len(same)-1]
		}
	}
	if latest != nil && now.Sub(latest.Visit) < event.VisitWindow {
		v.self.Visit = latest.Visit
	}
	why := ""
	if ev.Flagged() {
		why = ev.Enrichment.FlagReason
	}
	for _, m := range same {
		if why == "" && m.Scanner != "" {
			why = "scanner-client:" + strings.TrimPrefix(m.Scanner, "scanner-client:")
		}
	}
	if why == "" {
		clicks := []enrichment.VisitClick{{At: now, Link: link.ID}}
		for _, m := range same {
			if m.Visit.Equal(v.self.Visit) {
				clicks = append(clicks, enrichment.VisitClick{At: m.At, Link: m.Link})
			}
		}
		if scanner, reason := enrichment.VisitSignals(clicks); scanner {
			why = reason
		}
	}
	if why == "" {
		if v.self.Visit != now {
			_ = v.putMemo(ctx, &v.self) // joined a visit
		}
		return v
	}
	if !ev.Flagged() {
		ev.Enrichment.Scanner, ev.Enrichment.Bot, ev.Enrichment.FlagReason = true, false, why
	}
	v.self.Scanner = why
	if err := v.putMemo(ctx, &v.self); err != nil {
		h.log().Error("click: remember the verdict", "err", err)
	}
	for i := range same {
		if same[i].Scanner != "" {
			continue
		}
		same[i].Scanner = why
		if err := v.putMemo(ctx, &same[i]); err != nil {
			h.log().Error("click: remember the verdict", "err", err)
		}
		if err := h.flagClick(ctx, person, same[i]); err != nil {
			h.log().Error("click: flag an earlier click of a scanner", "err", err)
		}
	}
	return v
}

// stored is called once the click's event is stored: a click not flagged
// waits for its judgement.
func (v *visitRun) stored(ctx context.Context) {
	h := v.h
	if v.ev.Flagged() {
		return
	}
	if h.T == nil { // no memory: nothing to judge by later, identify at once
		if _, err := h.People.LinkPerson(ctx, v.ev.VisitorID, v.person, v.ev.Timestamp, identity.Weak); err != nil && !gone(err) {
			h.log().Error("click: link visitor", "err", err)
		}
		return
	}
	d, _ := json.Marshal(due{Person: v.person, Memo: v.self.sk})
	sk := dueSK(v.ev.Timestamp, v.person, v.ev.ID)
	if err := h.T.Put(ctx, table.Item{PK: dueIndex, SK: sk, Kind: KindDue, Data: d}, table.Always); err != nil {
		h.log().Error("click: queue the click for judgement", "err", err)
	}
}

// dueSK is the due entry's key of a click at at.
func dueSK(at time.Time, person, id string) string {
	return fmt.Sprintf("%020d#%s#%s", at.Add(event.ClickSettle).UnixNano(), person, id)
}

// maxAwaitingRead bounds the click memories Awaiting reads: a day's clicks
// of one person are a few, unless a link is hammered (a scanner, an
// attacker), and the person's page must not read thousands for a note.
const maxAwaitingRead = 200

// Awaiting counts the person's newsletter clicks stored and waiting for
// their judgement: until the sweep judges one human it is on no timeline
// and scores nothing, while the campaign's page counts it already (its
// person page said "no click yet"). One query of the person's click
// memory (a day's clicks, at most maxAwaitingRead of them) and a read by
// key of each one's due entry.
func Awaiting(ctx context.Context, t table.Table, person string) (int, error) {
	items, err := t.Query(ctx, table.Query{PK: identity.PersonPK(person), Prefix: "C#", Limit: maxAwaitingRead})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, it := range items {
		if it.Kind != KindClick {
			continue
		}
		m, err := decodeMemo(it)
		if err != nil || m.Event == "" || m.Scanner != "" {
			continue
		}
		if _, err := t.Get(ctx, dueIndex, dueSK(m.At, person, m.Event)); errors.Is(err, table.ErrNotFound) {
			continue
		} else if err != nil {
			return 0, err
		}
		n++
	}
	return n, nil
}

// due is an entry of the due index.
type due struct {
	Person string `json:"person"`
	Memo   string `json:"memo"` // the click's memory item (SK under the person)
}

func (v *visitRun) putMemo(ctx context.Context, m *memo) error { return v.h.putMemo(ctx, v.person, m) }

// putMemo writes a click's memory under its person, kept a day.
func (h *Handler) putMemo(ctx context.Context, person string, m *memo) error {
	data, _ := json.Marshal(m)
	return h.T.Put(ctx, table.Item{PK: identity.PersonPK(person), SK: m.sk, Kind: KindClick, Data: data, Expires: m.At.Add(24 * time.Hour)}, table.Always)
}

func decodeMemo(it table.Item) (memo, error) {
	var m memo
	if err := json.Unmarshal(it.Data, &m); err != nil {
		return m, err
	}
	m.sk, m.version = it.SK, it.Version
	return m, nil
}

// flagClick flags a stored click of a scanner's client after the fact and
// undoes any link its browser got from it.
func (h *Handler) flagClick(ctx context.Context, person string, m memo) error {
	if m.Event == "" {
		return nil
	}
	if _, err := h.People.UndoClickLink(ctx, m.Visitor, person); err != nil && !gone(err) {
		return err
	}
	// Flag after the link is undone: scoring, seeing the flag on the
	// change feed, rescores the person without this browser.
	if _, err := h.Events.Flag(ctx, m.Visitor, m.Event, m.Scanner); err != nil && !errors.Is(err, eventlog.ErrNotFound) {
		return err
	}
	return h.updateActivity(ctx, campaignOfMemo(m.sk), m.Event, func(a *Activity) { a.Scanner, a.Reason = true, m.Scanner })
}

// Settle judges the clicks whose visits are over (event.ClickSettle after
// them), oldest first: a click nothing flagged is the reader's, so its
// browser is linked to the person (weakly, as a click identifies) and the
// event is marked judged, which scores it; a click its visit flagged after
// it was queued is flagged. The sweep runs it; it is idempotent. It
// returns how many clicks it judged.
func (h *Handler) Settle(ctx context.Context) (int, error) {
	if h.T == nil {
		return 0, nil
	}
	now := h.now()
	n := 0
	after := ""
	for {
		items, err := h.T.Query(ctx, table.Query{PK: dueIndex, After: after, Limit: 100, Consistent: true})
		if err != nil {
			return n, err
		}
		for _, it := range items {
			at, err := strconv.ParseInt(strings.SplitN(it.SK, "#", 2)[0], 10, 64)
			if err == nil && time.Unix(0, at).After(now) {
				return n, nil // the rest are not due
			}
			if err := h.settle(ctx, it); err != nil {
				return n, err
			}
			n++
		}
		if len(items) < 100 {
			return n, nil
		}
		after = items[len(items)-1].SK
	}
}

func (h *Handler) settle(ctx context.Context, it table.Item) error {
	var d due
	done := func() error { return h.T.Delete(ctx, it.PK, it.SK, table.Always) }
	if json.Unmarshal(it.Data, &d) != nil || d.Person == "" {
		return done()
	}
	mi, err := h.T.Get(ctx, identity.PersonPK(d.Person), d.Memo)
	if errors.Is(err, table.ErrNotFound) {
		return done() // erased, or expired
	}
	if err != nil {
		return err
	}
	m, err := decodeMemo(mi)
	if err != nil || m.Event == "" {
		return done()
	}
	if m.Scanner != "" {
		if err := h.flagClick(ctx, d.Person, m); err != nil {
			return err
		}
		return done()
	}
	// The browser may have become someone else's since the click: the
	// landing page's form filled in by a colleague the email was
	// forwarded to, or their own click judged first. The click is the
	// recipient's all the same, and a click never moves a browser that is
	// someone else's: it goes to the recipient's own visitor, as a click
	// on such a browser does at once (Handler.click), judged there.
	pseudo := identity.PseudoVisitor(d.Person)
	if m.Visitor != pseudo {
		owner, err := h.People.PersonOf(ctx, m.Visitor)
		if err != nil {
			return err
		}
		if owner != "" && owner != d.Person {
			moved, err := h.moveToRecipient(ctx, d.Person, m)
			if err != nil {
				return err
			}
			if !moved {
				return done() // erased meanwhile
			}
			if err := h.updateActivity(ctx, campaignOfMemo(m.sk), m.Event, func(a *Activity) { a.Judged = true }); err != nil {
				return err
			}
			return done()
		}
	}
	if _, err := h.Events.JudgeHuman(ctx, m.Visitor, m.Event); errors.Is(err, eventlog.ErrNotFound) {
		return done() // erased meanwhile
	} else if err != nil {
		return err
	}
	if _, err := h.People.LinkPerson(ctx, m.Visitor, d.Person, m.At, identity.Weak); err != nil && !gone(err) {
		return err
	}
	if err := h.updateActivity(ctx, campaignOfMemo(m.sk), m.Event, func(a *Activity) { a.Judged = true }); err != nil {
		return err
	}
	return done()
}

// moveToRecipient moves a click judged human from a browser that is
// someone else's to the recipient's own visitor (PseudoVisitor), judged:
// the recipient's own visitor linked to them first (the event's insert
// scores it for them), the event stored there and where it is recorded
// for erasure, then the click's memory pointed at it (a later verdict on
// its client flags it there), and last the browser's copy deleted. It
// reports false when the click or the person is gone (erased meanwhile).
func (h *Handler) moveToRecipient(ctx context.Context, person string, m memo) (bool, error) {
	ev, err := h.Events.Get(ctx, m.Visitor, m.Event)
	if errors.Is(err, eventlog.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	pseudo := identity.PseudoVisitor(person)
	if _, err := h.People.LinkPerson(ctx, pseudo, person, time.Time{}, identity.Strong); err != nil {
		if gone(err) {
			return false, nil
		}
		return false, err
	}
	from := m.Visitor
	ev.VisitorID = pseudo
	if !ev.Flagged() {
		ev.Enrichment.Visit = event.VisitHuman
	}
	if err := h.putRef(ctx, &ev, person); err != nil {
		return false, err
	}
	if _, err := h.Events.Append(ctx, []event.Event{ev}); err != nil {
		return false, err
	}
	m.Visitor = pseudo
	if err := h.putMemo(ctx, person, &m); err != nil {
		return false, err
	}
	if _, err := h.Events.DeleteEvents(ctx, from, ev.ID); err != nil {
		return false, err
	}
	return true, nil
}

// dueOf lists the due entries of a person (erasure).
func (h *Handler) dueOf(ctx context.Context, person string) ([]table.Item, error) {
	items, err := h.T.Query(ctx, table.Query{PK: dueIndex, Consistent: true})
	if err != nil {
		return nil, err
	}
	var out []table.Item
	for _, it := range items {
		var d due
		if json.Unmarshal(it.Data, &d) == nil && d.Person == person || strings.Contains(it.SK, "#"+person+"#") {
			out = append(out, it)
		}
	}
	return out, nil
}
