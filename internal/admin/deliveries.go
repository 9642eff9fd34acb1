package admin

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/baton-hq/baton/internal/audit"
	"github.com/baton-hq/baton/internal/fanout"
	"github.com/baton-hq/baton/internal/httpx"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/push"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/queue"
	"github.com/baton-hq/baton/internal/table"
)

// DeadLetters are the MQLs delivery gave up on, each with its reason
// (LastError): the table's queue (queue.Queue) locally, the SQS dead-letter
// queues (deadletter.Store) on AWS. Replay of an unknown id is
// table.ErrNotFound; of one the store could not reach in its time (SQS),
// queue.ErrNotReached.
type DeadLetters interface {
	Dead(ctx context.Context) ([]queue.Message, error)
	Replay(ctx context.Context, id string) error
}

// DeadLetterPurge is a dead-letter store that can be emptied at once: the
// SQS push DLQ (deadletter.Store), which an erasure cannot read past
// deadletter's ForgetMax. The table's queue (local) is none: no route.
type DeadLetterPurge interface {
	Count(ctx context.Context) (int, error) // what a purge deletes, confirmed by the caller
	Purge(ctx context.Context) error
}

// DeliveryAdmin is what the admin API shows of MQL delivery.
type DeliveryAdmin struct {
	Queue DeadLetters
	Inbox *push.Inbox
	// Status lists an MQL's delivery per connector (push.Worker.Status);
	// nil: no /admin/mqls/{id}/deliveries.
	Status func(ctx context.Context, mqlID string) ([]push.Delivery, error)
	// SendTo checks an MQL may be sent to a connector connected after it
	// (push.Worker.SendTo) and gives the push queue's message that does;
	// Enqueue puts it there. Either nil: no send route.
	SendTo  func(ctx context.Context, mqlID, connector string) (id string, body any, err error)
	Enqueue func(ctx context.Context, id string, body any) error
	// Connectors are the names of the connectors MQLs are handed to: the
	// inbox alone when no SFA is configured. Without the inbox, its empty
	// page says where the MQLs went rather than "no MQLs yet".
	Connectors []string
	// ReplayCheck says whether a dead letter's body is worth replaying
	// (push.Worker.ReplayRefusal): a *push.ReplayRefused refuses it, the
	// letter kept. Asked only of a store that reads a letter by its id
	// (the table's queue); SQS's cannot without receiving them all, and
	// there the worker dead-letters such a replay again, saying why.
	ReplayCheck func(ctx context.Context, body []byte) error
}

// letterReader is a dead-letter store that reads one letter by its id
// (queue.Queue).
type letterReader interface {
	Get(ctx context.Context, id string) (queue.Message, error)
}

// replayCheck is why the dead letter id is not to be replayed now (nil:
// replay it, or no such letter: the replay says so).
func (h *Handler) replayCheck(ctx context.Context, id string) error {
	lr, ok := h.Deliveries.Queue.(letterReader)
	if h.Deliveries.ReplayCheck == nil || !ok {
		return nil
	}
	m, err := lr.Get(ctx, id)
	if errors.Is(err, table.ErrNotFound) || (err == nil && m.State != "dead") {
		return nil
	}
	if err != nil {
		return err
	}
	return h.Deliveries.ReplayCheck(ctx, m.Body)
}

func (h *Handler) deliveryRoutes(mux *http.ServeMux) {
	if h.Deliveries.Status != nil {
		mux.Handle("GET /admin/mqls/{id}/deliveries", h.Require(ScopeRead, h.mqlDeliveries))
	}
	if h.Deliveries.SendTo != nil && h.Deliveries.Enqueue != nil {
		mux.Handle("POST /admin/mqls/{id}/deliveries/{connector}/send", h.Require(ScopeWrite, h.sendTo))
	}
	mux.Handle("GET /admin/deadletters", h.Require(ScopeRead, h.deadLetters))
	mux.Handle("POST /admin/deadletters/{id}/replay", h.Require(ScopeWrite, h.replay))
	if p, ok := h.Deliveries.Queue.(DeadLetterPurge); ok {
		mux.Handle("GET /admin/deadletters/purge", h.Require(ScopeRead, func(w http.ResponseWriter, r *http.Request) { h.purgeCount(w, r, p) }))
		mux.Handle("POST /admin/deadletters/purge", h.Require(ScopeErase, func(w http.ResponseWriter, r *http.Request) { h.purge(w, r, p) }))
	}
	mux.Handle("GET /admin/inbox", h.Require(ScopeRead, h.inbox))
}

// deadLetters lists the dead letters a page at a time, the oldest given
// up first: limit (default and most 1,000), after (the next of the page
// before), queue (push-dlq or score-failures; locally every dead letter is
// push-dlq's), with the total and, when there are more, next. On AWS a
// listing sees only what SQS lets one request receive: partial then says
// so, total being SQS's approximate count (deadletter.Store.DeadPage).
func (h *Handler) deadLetters(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, bad := whole(q, "limit", 1000, 1, 1000)
	if bad == nil {
		bad = oneOf(q, "queue", []string{"push-dlq", "score-failures"}) // deadletter's names
	}
	if a := q.Get("after"); bad == nil && a != "" && !queue.ValidDeadCursor(a) {
		bad = &badParam{"after", "after must be the next of an earlier answer"}
	}
	if bad != nil {
		bad.refuse(w)
		return
	}
	p, err := h.deadPage(r.Context(), queue.DeadQuery{After: q.Get("after"), Limit: limit, Queue: q.Get("queue")})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	out := map[string]any{"deadLetters": p.Messages, "total": p.Total}
	if p.Next != "" {
		out["next"] = p.Next
	}
	if p.Partial {
		out["partial"] = true
		out["seen"] = p.Seen
		out["note"] = fmt.Sprintf("SQS cannot page a queue and lets one request receive only so many messages: the pages hold the %d seen of about %d; replay (or purge) some to reach the rest", p.Seen, p.Total)
	}
	httpx.JSON(w, http.StatusOK, out)
}

// purgeCount answers how many dead letters a purge would delete: the
// number to confirm it with.
func (h *Handler) purgeCount(w http.ResponseWriter, r *http.Request, p DeadLetterPurge) {
	n, err := p.Count(r.Context())
	if err != nil {
		h.fail(w, nil, err)
		return
	}
	httpx.JSON(w, http.StatusOK, map[string]any{"count": n, "confirm": fmt.Sprintf(`POST /admin/deadletters/purge {"confirm": %d} deletes them all`, n)})
}

// purge deletes every push dead letter, once the body confirms the count
// the caller was shown ({"confirm": n}): a purge cannot be undone, and a
// count that moved since means dead letters the caller has not seen.
func (h *Handler) purge(w http.ResponseWriter, r *http.Request, p DeadLetterPurge) {
	var req struct {
		Confirm *int `json:"confirm"`
	}
	const shape = `{"confirm": <the count GET /admin/deadletters/purge shows>}`
	if !readJSON(w, r, &req, shape) {
		return
	}
	if req.Confirm == nil {
		httpx.JSON(w, http.StatusBadRequest, httpx.ErrorBody{Error: "confirm the purge with the count GET /admin/deadletters/purge shows: " + shape, Field: "confirm"})
		return
	}
	n, err := p.Count(r.Context())
	if err != nil {
		h.fail(w, nil, err)
		return
	}
	if *req.Confirm != n {
		httpx.JSON(w, http.StatusConflict, map[string]any{"error": fmt.Sprintf("the push DLQ holds %d dead letters, not %d: nothing purged; look again and confirm the count", n, *req.Confirm), "field": "confirm", "count": n})
		return
	}
	if err := p.Purge(r.Context()); err != nil {
		h.fail(w, nil, err)
		return
	}
	h.log().Info("dead letters purged", "count", n)
	httpx.JSON(w, http.StatusOK, map[string]any{"purged": n})
}

// mqlDeliveries shows an MQL's delivery to each connector: pending,
// delivered (with the SFA's id), retrying (last error, next attempt), dead,
// or not_sent (connected after the MQL: sendTo sends it); a connector no
// longer configured, connector_removed unless it has it.
func (h *Handler) mqlDeliveries(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	ds, err := h.Deliveries.Status(r.Context(), id)
	if errors.Is(err, identity.ErrNotFound) {
		httpx.Error(w, http.StatusNotFound, "no such MQL")
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if h.Scores != nil { // the MQL itself must exist, not just its person
		ms, err := h.Scores.MQLs(r.Context(), push.PersonOfMQL(id))
		if err != nil {
			h.fail(w, r, err)
			return
		}
		found := false
		for _, m := range ms {
			found = found || m.ID == id
		}
		if !found {
			httpx.Error(w, http.StatusNotFound, "no such MQL")
			return
		}
	}
	httpx.JSON(w, http.StatusOK, map[string]any{"mqlId": id, "deliveries": ds})
}

// sendTo queues an MQL's delivery to one connector that was connected
// after it (its state not_sent): the push worker delivers it as any,
// with its record, retries and dead letter. Refused (4xx, saying why)
// for no such MQL or connector, a person erased or who withdrew consent,
// or a connector that has it or is being handed it; a send queued already
// is answered as the first was. A browser's form comes back to the MQL
// list saying so.
func (h *Handler) sendTo(w http.ResponseWriter, r *http.Request) {
	mqlID, conn := r.PathValue("id"), r.PathValue("connector")
	var status int
	var why, msg string
	id, body, err := "", any(nil), table.ErrNotFound // an id no key can hold names none
	if len(mqlID) <= 512 && !strings.ContainsFunc(mqlID, unicode.IsControl) && len(conn) <= 64 {
		id, body, err = h.Deliveries.SendTo(r.Context(), mqlID, conn)
	}
	if err == nil {
		err = h.Deliveries.Enqueue(r.Context(), id, body)
	}
	var refused *push.SendRefused
	switch {
	case err == nil:
	case errors.Is(err, push.ErrNoConnector):
		status, why, msg = http.StatusNotFound, "connector", fmt.Sprintf("no connector named %q is configured", conn)
	case errors.Is(err, identity.ErrNotFound), errors.Is(err, table.ErrNotFound):
		status, why, msg = http.StatusNotFound, "missing", "no such MQL (or its person was erased)"
	case errors.As(err, &refused):
		status, why, msg = http.StatusConflict, refused.Code, refused.Why
	case errors.Is(err, queue.ErrDuplicate):
		// Queued already (a double click, a client's retry after a lost
		// answer): what was asked holds, the MQL goes to the connector
		// once. 202 as on AWS, where SQS cannot tell a repeat and the
		// delivery record makes the two sends one delivery; a 409 here
		// read as a refusal to a client that then retried or gave up.
		auditResult(w, audit.ResultNotApplied, auditWhy["send:queued"])
		if !backToMQLs(w, r, url.Values{"send_failed": {mqlID}, "connector": {conn}, "why": {"queued"}}) {
			httpx.JSON(w, http.StatusAccepted, map[string]any{"queued": id, "mqlId": mqlID, "connector": conn})
		}
		return
	default:
		auditResult(w, audit.ResultFailed, "")
		if !backToMQLs(w, r, url.Values{"send_failed": {mqlID}, "connector": {conn}, "why": {"failed"}}) {
			h.fail(w, r, err)
			return
		}
		h.log().Error("admin: send to a connector", "mql", mqlID, "connector", conn, "err", err)
		return
	}
	if err != nil {
		auditResult(w, audit.ResultRefused, auditWhy["send:"+why])
		if !backToMQLs(w, r, url.Values{"send_failed": {mqlID}, "connector": {conn}, "why": {why}}) {
			httpx.JSON(w, status, map[string]any{"error": msg, "reason": why})
		}
		return
	}
	h.log().Info("admin: MQL sent to a connector on purpose", "mql", mqlID, "connector", conn)
	if backToMQLs(w, r, url.Values{"sent": {mqlID}, "connector": {conn}}) {
		return
	}
	httpx.JSON(w, http.StatusAccepted, map[string]any{"queued": id, "mqlId": mqlID, "connector": conn})
}

func (h *Handler) replay(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	err := table.ErrNotFound // an id no key can hold names none
	if len(id) <= 512 && !strings.ContainsFunc(id, unicode.IsControl) {
		if err = h.replayCheck(r.Context(), id); err == nil {
			err = h.Deliveries.Queue.Replay(r.Context(), id)
		}
	}
	var unconfigured *push.ReplayRefused
	// A browser's replay button comes back to the list with what failed
	// (why: the list words it); the API answers status and msg.
	var status int
	var why, msg string
	var busy interface{ RetryAfter() time.Duration }
	switch {
	case err == nil:
	case errors.As(err, &unconfigured):
		// It would be acked (or dead again) with nothing delivered: kept.
		auditResult(w, audit.ResultRefused, auditWhy["replay:unconfigured"])
		if !replayFailedPage(w, r, id, "unconfigured") {
			httpx.JSON(w, http.StatusConflict, map[string]any{"error": unconfigured.Why, "reason": "unconfigured", "connectors": unconfigured.Connectors})
		}
		return
	case errors.Is(err, table.ErrNotFound):
		status, why, msg = http.StatusNotFound, "missing", "no such dead letter"
	case errors.Is(err, queue.ErrExpired):
		status, why, msg = http.StatusConflict, "gone", err.Error()
	case errors.Is(err, queue.ErrNotDead):
		status, why, msg = http.StatusConflict, "refused", err.Error()
	case errors.Is(err, queue.ErrNotReached):
		// Not among what SQS let the replay receive in its time: it may
		// be there still, so not a 404 saying it is gone; asked again.
		status, why, msg = http.StatusServiceUnavailable, "unreached", err.Error()
	case errors.Is(err, table.ErrConditionFailed):
		status, why, msg = http.StatusConflict, "missing", "the dead letter changed meanwhile (replayed already?)"
	case errors.As(err, &busy): // the SQS queues' readers take turns: 503, asked again
		h.fail(w, r, err)
		return
	default: // the store or SQS: logged, never answered in detail
		auditResult(w, audit.ResultFailed, "")
		if !replayFailedPage(w, r, id, "failed") {
			h.fail(w, r, err)
			return
		}
		h.log().Error("admin: replay", "id", id, "err", err)
		return
	}
	if err != nil {
		result := audit.ResultRefused
		if why == "unreached" { // not refused: asked again, it may be reached
			result = audit.ResultFailed
		}
		auditResult(w, result, auditWhy["replay:"+why])
		if !replayFailedPage(w, r, id, why) {
			if status == http.StatusServiceUnavailable {
				after := time.Second
				if errors.As(err, &busy) {
					after = max(after, busy.RetryAfter())
				}
				w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(after.Seconds()))))
			}
			httpx.Error(w, status, msg)
		}
		return
	}
	if replayedPage(w, r, r.PathValue("id")) {
		return
	}
	httpx.JSON(w, http.StatusOK, map[string]any{"replayed": r.PathValue("id")})
}

// inbox answers JSON, or an HTML page for a browser that asks for one: a
// page of leads, newest first, with the cursor of the next (?after=);
// ?show=awaiting, the leads sales has given no verdict on.
func (h *Handler) inbox(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	html := wantsHTML(r)
	c, _ := callerOf(r)
	v := inboxView{CanAnswer: h.Scores != nil && c.Session != nil && c.Cred.Scopes[ScopeWrite], Demo: h.Demo, Show: q.Get("show")}
	if cs := h.Deliveries.Connectors; len(cs) > 0 && !slices.Contains(cs, "inbox") {
		v.Elsewhere = cs
	}
	limit, bad := whole(q, "limit", 100, 1, 1000)
	if bad == nil {
		bad = oneOf(q, "show", []string{"awaiting"})
	}
	if a := q.Get("after"); bad == nil && a != "" && !push.ValidInboxCursor(a) {
		bad = &badParam{"after", "after must be the next of an earlier answer"}
	}
	if bad != nil {
		if !html {
			bad.refuse(w)
			return
		}
		v.Error = bad.Msg
		h.render(w, r, http.StatusBadRequest, "inbox", "MQL inbox", "", "inbox", v)
		return
	}
	var next string
	now := h.wsNow() // one instant for the page's scores now
	if v.Show == "awaiting" {
		var err error
		if v.Leads, next, v.Examined, err = h.awaitingLeads(ctx, q.Get("after"), limit); err != nil {
			h.fail(w, r, err)
			return
		}
		if err := h.judgeNow(ctx, v.Leads, now); err != nil {
			h.fail(w, r, err)
			return
		}
		if !html {
			leads, scores := make([]push.Lead, len(v.Leads)), make([]*qualify.Verdict, len(v.Leads))
			for i, l := range v.Leads {
				leads[i], scores[i] = l.Lead, l.Now
			}
			httpx.JSON(w, http.StatusOK, map[string]any{"leads": h.labelledLeads(leads, scores, csvLang(r)), "next": next})
			return
		}
	} else {
		leads, after, err := h.Deliveries.Inbox.Page(ctx, q.Get("after"), limit)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		if !html {
			scores, err := h.scoresNow(ctx, leads, now)
			if err != nil {
				h.fail(w, r, err)
				return
			}
			httpx.JSON(w, http.StatusOK, map[string]any{"leads": h.labelledLeads(leads, scores, csvLang(r)), "next": after})
			return
		}
		if v.Leads, err = h.answered(ctx, leads); err != nil {
			h.fail(w, r, err)
			return
		}
		if err := h.judgeNow(ctx, v.Leads, now); err != nil {
			h.fail(w, r, err)
			return
		}
		next = after
	}
	// The filter's count: the first page of the filter itself, when that
	// page read every lead it looks at.
	if v.Show == "awaiting" && q.Get("after") == "" && len(v.Leads) < limit {
		v.Awaiting, v.AwaitingMore = len(v.Leads), next != ""
	} else {
		waiting, more, _, err := h.awaitingLeads(ctx, "", 0)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		v.Awaiting, v.AwaitingMore = len(waiting), more != ""
	}
	// The verdict form came back here (outcome): its note, as the person
	// page gives it; the pages' links carry none of it.
	switch q.Get("m") {
	case "outcome":
		v.Note = "Sales' verdict recorded."
	case "not-applied":
		v.Note, v.NotApplied = notApplied(page{L: h.lang(w, r)}, q), true
	case "need-why":
		v.Note, v.NotApplied = needWhy(page{L: h.lang(w, r)}, q), true
	}
	if lead := q.Get("lead"); v.Note != "" && mqlFragment.MatchString(lead) {
		for _, l := range v.Leads {
			if l.MQLID == lead {
				v.NoteLead = lead // on its card; else above the leads
			}
		}
	}
	links := url.Values{}
	for k, vs := range q {
		if k != "m" && k != "outcome" && k != "stage" && k != "why" && k != "lead" {
			links[k] = vs
		}
	}
	v.First, v.Next = pageLinks("inbox", links, next)
	// The chips' names are a reading aid: a failed read leaves them as
	// they came (the id, the utm_campaign), as the SFA's text does, rather
	// than sales' inbox a 500.
	if names, err := h.inboxCampaigns(ctx, v.Leads); err != nil {
		h.log().Warn("inbox: campaign names not read; the chips give their ids", "err", err)
	} else {
		v.Campaigns = names
	}
	h.render(w, r, http.StatusOK, "inbox", "MQL inbox", "", "inbox", v)
}

// inboxExamine is how many leads the awaiting filter, and its count, look
// at a page, newest first: the inbox's entries do not hold sales' verdict,
// which is two reads by key a lead (answered), so a page's reads are
// bounded, and the rest is a link away (the count says "or more").
const inboxExamine = 500

// awaitingLeads returns, from after ("": the newest), up to limit (0: no
// limit) leads awaiting sales' verdict among the next inboxExamine, the
// cursor to go on from ("" when the inbox ends) and how many it looked at.
func (h *Handler) awaitingLeads(ctx context.Context, after string, limit int) ([]inboxLead, string, int, error) {
	var out []inboxLead
	examined, cursor := 0, after
	for examined < inboxExamine {
		leads, more, err := h.Deliveries.Inbox.Page(ctx, cursor, min(100, inboxExamine-examined))
		if err != nil {
			return nil, "", 0, err
		}
		rows, err := h.answered(ctx, leads)
		if err != nil {
			return nil, "", 0, err
		}
		for i, l := range rows {
			examined++
			cursor = push.InboxCursor(leads[i])
			if l.Verdict != "" {
				continue
			}
			out = append(out, l)
			if len(out) == limit {
				if i == len(rows)-1 && more == "" {
					return out, "", examined, nil
				}
				return out, cursor, examined, nil
			}
		}
		if more == "" {
			return out, "", examined, nil
		}
	}
	return out, cursor, examined, nil
}

// inboxView is the inbox page: the leads, and whether the signed-in user
// may give sales' verdict on them there (a session with the write scope,
// scoring on).
type inboxView struct {
	Leads        []inboxLead
	Show         string // "awaiting": the leads awaiting a verdict only
	Awaiting     int    // leads awaiting a verdict among the newest inboxExamine
	AwaitingMore bool   // and the inbox goes on past them: "or more"
	Examined     int    // leads the filter looked at for this page
	CanAnswer    bool
	Demo         bool              // the empty inbox links to the demo site (only the local stack has one)
	Elsewhere    []string          // the connectors MQLs go to when the inbox is not one (an SFA is configured)
	Error        string            // a bad ?after= or ?limit=: no leads
	Next, First  string            // the next page's query ("": none); the first page's, from a later page
	Campaigns    map[string]string // campaign id (or utm_campaign) -> its name, for the activity's chips
	Note         string            // what the verdict form sent back here did (?m=)
	NoteLead     string            // the MQL whose card the note is on (?lead=, when on this page)
	NotApplied   bool              // the note says the verdict changed nothing
}

// ActivityCampaign names the campaign a lead's activity came with (a lead
// stored before Activity kept it: the utm_campaign of its URL), "" for none.
func (v inboxView) ActivityCampaign(a push.Activity) string {
	c := a.Campaign
	if c == "" {
		if u, err := url.Parse(a.URL); err == nil {
			c = u.Query().Get("utm_campaign")
		}
	}
	if n := v.Campaigns[c]; n != "" {
		return n
	}
	return c
}

// inboxCampaigns reads the names of the campaigns the leads' activity
// came with, each by key, as the person page does.
func (h *Handler) inboxCampaigns(ctx context.Context, leads []inboxLead) (map[string]string, error) {
	ids := map[string]bool{}
	var v inboxView
	for _, l := range leads {
		for _, a := range append(slices.Clone(l.Activity), l.AfterMQL...) {
			if c := v.ActivityCampaign(a); c != "" {
				ids[c] = true
			}
		}
	}
	return h.campaignNamesOf(ctx, ids)
}

// inboxLead is a lead with sales' latest verdict on it, if any: the page
// sets the answered ones apart, so that sales sees what is left.
type inboxLead struct {
	push.Lead
	Verdict    string // the outcome (accepted, rejected...); "": not answered
	AnsweredAt time.Time
	Why        string // sales' reason given with the verdict (a rejection's, a loss's), as the dashboard and person page show it
	// Owner is the rep the verdict was recorded under (the SFA's owner, the
	// inbox's signed-in user), named as the MQL list and the reports name
	// them (an SFA's id by the name learned for it); "" when none was given.
	Owner string
	// Now is the person's verdict now (verdictNow: the person page's
	// figures), beside the lead's, which are the MQL's: decay, a no-show
	// or a recycle since lowered the score; nil when not read (no
	// scoring, a person never scored).
	Now     *qualify.Verdict
	rec     *qualify.Record // the person's score record, read by answer for judgeNow
	ownerID string          // the key of the SFA's owner id Owner was recorded under (qualify.StageChange.OwnerID)
}

// asked is what a lead told Baton on the forms up to the MQL: their
// message as typed, and the other fields they gave (BANT's first), each
// by its attribute's key.
type asked struct {
	Message string
	Fields  []askedField
}

type askedField struct{ Key, Value string }

// onTheCardAlready are the attributes the card's first lines say (name,
// company, title, email), and the message, said apart.
var onTheCardAlready = map[string]bool{"name": true, "last_name": true, "first_name": true, "full_name": true, "company": true, "title": true, "email": true, "message": true,
	"name_kana": true, "last_name_kana": true, "first_name_kana": true}

// askedFirst orders what sales reads first: BANT's answers, then how to
// reach them.
var askedFirst = []string{"budget", "authority", "need", "timeframe", "timeline", "department", "phone", "mobile", "employees", "industry"}

// Asked is what the lead told Baton, for the card: a sales rep without an
// SFA had only "BANT 3 of 4" and never the inquiry itself (its text was in
// the inbox's JSON alone). Nil when they gave nothing beyond the card's
// first lines.
func (l inboxLead) Asked() *asked {
	a := &asked{Message: l.Attributes["message"]}
	keys := make([]string, 0, len(l.Attributes))
	for k, v := range l.Attributes {
		if !onTheCardAlready[k] && strings.TrimSpace(v) != "" {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(x, y string) int {
		ix, iy := slices.Index(askedFirst, x), slices.Index(askedFirst, y)
		switch {
		case ix >= 0 && iy >= 0:
			return ix - iy
		case ix >= 0:
			return -1
		case iy >= 0:
			return 1
		}
		return strings.Compare(x, y)
	})
	for _, k := range keys {
		a.Fields = append(a.Fields, askedField{Key: k, Value: l.Attributes[k]})
	}
	if strings.TrimSpace(a.Message) == "" && len(a.Fields) == 0 {
		return nil
	}
	return a
}

// ScoreChanged reports whether the person's behaviour score now differs
// from the MQL's as the card says them (to one decimal): the card shows
// both.
func (l inboxLead) ScoreChanged() bool {
	return l.Now != nil && qualify.ScoreText(l.Now.Behaviour) != qualify.ScoreText(l.BehaviourScore)
}

// ScoreFell reports whether the behaviour score now is below the MQL's:
// the card marks a fall (decay, a no-show) as a warning, a rise (more
// interest since) plainly.
func (l inboxLead) ScoreFell() bool {
	return l.ScoreChanged() && l.Now.Behaviour < l.BehaviourScore
}

// NoLongerQualifies reports whether the person, judged now, meets no MQL
// condition (the score decayed or fell, a recycle's wait, an exclusion):
// the verdict names the condition met, "" for none.
func (l inboxLead) NoLongerQualifies() bool { return l.Now != nil && l.Now.Condition == "" }

// Missed reports whether the latest attendance change told of a's touch
// (an offline touch among the MQL's activity) says the person did not
// attend: the card marks the line, not only the note above it.
func (l inboxLead) Missed(a push.Activity) bool {
	for _, c := range l.AttendanceChanges { // newest first
		if c.Type == a.Type && c.Title == a.Name && (c.At.IsZero() || a.At.IsZero() || c.At.Equal(a.At)) {
			return c.Attendance == push.Absent
		}
	}
	return false
}

// Name is how the card calls the lead's person, as the People list does.
func (l inboxLead) Name() string { return displayName(l.Attributes, l.Email) }

// Reading is how the lead's name is read (the form's furigana), shown
// beside it: a rep calling 東海林 needs to know it is しょうじ.
func (l inboxLead) Reading() string {
	if r := strings.TrimSpace(l.Attributes["name_kana"]); r != "" {
		return r
	}
	return strings.TrimSpace(strings.TrimSpace(l.Attributes["last_name_kana"]) + " " + strings.TrimSpace(l.Attributes["first_name_kana"]))
}

// VerdictLabel names the verdict as the inbox's form does.
func (l inboxLead) VerdictLabel() string {
	if label, ok := verdictLabel[l.Verdict]; ok {
		return label
	}
	return l.Verdict
}

// answered reads each lead's person's stage history (by key, one read a
// lead) for sales' latest verdict since the lead's MQL and before the
// person's next one.
func (h *Handler) answered(ctx context.Context, leads []push.Lead) ([]inboxLead, error) {
	out := make([]inboxLead, len(leads))
	errs := make([]error, len(leads))
	err := fanout.Each(len(leads), answeredParallel, func(i int) { out[i], errs[i] = h.answer(ctx, leads[i]) })
	if err := errors.Join(append(errs, err)...); err != nil {
		return out, err
	}
	// The reps' names: one query a page. A failed read leaves an owner as
	// it was recorded (an SFA's id), as the MQL list does, not the page a
	// 500.
	names, nerr := h.repNames(ctx)
	if nerr != nil {
		h.log().Warn("inbox: reps' names not read; owners are shown as recorded", "err", nerr)
	}
	for i := range out {
		if out[i].Owner != "" || out[i].ownerID != "" {
			out[i].Owner = names.Of(out[i].ownerID, out[i].Owner)
		}
	}
	return out, nil
}

// answeredParallel is how many leads' verdicts are read at once (two
// reads by key each).
const answeredParallel = 16

// answer is one lead with sales' latest verdict on it.
func (h *Handler) answer(ctx context.Context, l push.Lead) (inboxLead, error) {
	out := inboxLead{Lead: l}
	if h.Scores == nil {
		return out, nil
	}
	rec, err := h.Scores.Record(ctx, l.PersonID)
	if err != nil && err != identity.ErrNotFound {
		return out, err
	}
	if err == nil && !rec.Unscored {
		out.rec = &rec
	}
	var until time.Time // the next cycle's MQL, once raised: its verdicts are not this lead's
	if rec.Cycle > l.Cycle && l.Cycle > 0 {
		until = rec.MQLRaised()
	}
	hist, err := h.Scores.History(ctx, l.PersonID)
	if err != nil && err != identity.ErrNotFound {
		return out, err
	}
	for _, c := range hist {
		outcome, ok := strings.CutPrefix(c.Reason, "sales: ")
		// Sales answer a lead once it reached them: a verdict before is
		// of an earlier cycle's (a late MQL is dated back to the recycle
		// its rejection made).
		if !ok || c.At.Before(l.Raised()) || (!until.IsZero() && !c.At.Before(until)) {
			continue
		}
		if out.Verdict == "" || !c.At.Before(out.AnsweredAt) {
			out.Verdict, out.AnsweredAt, out.Why, out.Owner, out.ownerID = outcome, c.At, c.Why, c.Owner, c.OwnerID
		}
	}
	return out, nil
}

func wantsHTML(r *http.Request) bool {
	if r.URL.Query().Get("format") == "html" {
		return true
	}
	for _, a := range r.Header.Values("Accept") {
		if len(a) >= 9 && a[:9] == "text/html" {
			return true
		}
	}
	return false
}

// labelledLead is an inbox lead as GET /admin/inbox answers it: with its
// condition's label (what the card says) beside the condition's name.
type labelledLead struct {
	push.Lead
	ConditionLabel string `json:"conditionLabel"`
	// Now is the person's score as last scored: the lead's own are the
	// MQL's (absent when not read).
	Now *scoreNow `json:"now,omitempty"`
}

// scoreNow is a person's verdict as last scored, as the inbox's JSON
// gives it beside the MQL's figures.
type scoreNow struct {
	BehaviourScore float64 `json:"behaviourScore"`
	FitScore       float64 `json:"fitScore"`
	Grade          string  `json:"grade"`
	// Condition is the MQL condition the person meets now, "" for none:
	// a no-show or a recycle since can leave them meeting none.
	Condition string `json:"condition"`
}

// labelledLeads are leads with their conditions' labels in lang (the name
// without one) and the persons' scores now (now[i], nil: not read); nil
// for none, as the answer said.
func (h *Handler) labelledLeads(leads []push.Lead, now []*qualify.Verdict, lang string) []labelledLead {
	if leads == nil {
		return nil
	}
	out := make([]labelledLead, len(leads))
	for i, l := range leads {
		out[i] = labelledLead{Lead: l, ConditionLabel: h.rules().ConditionLabel(l.Condition, lang)}
		if i < len(now) && now[i] != nil {
			v := now[i]
			out[i].Now = &scoreNow{BehaviourScore: v.Behaviour, FitScore: v.Fit, Grade: v.Grade, Condition: v.Condition}
		}
	}
	return out
}

// scoresNow reads each lead's person's record and judges them at now
// (personNowVerdict) for their score now: two reads by key a lead, of the page's
// leads only (limit bounds them), as the HTML page's are read.
func (h *Handler) scoresNow(ctx context.Context, leads []push.Lead, now time.Time) ([]*qualify.Verdict, error) {
	out := make([]*qualify.Verdict, len(leads))
	if h.Scores == nil {
		return out, nil
	}
	errs := make([]error, len(leads))
	err := fanout.Each(len(leads), answeredParallel, func(i int) {
		rec, err := h.Scores.Record(ctx, leads[i].PersonID)
		switch {
		case err == nil && !rec.Unscored:
			out[i], errs[i] = h.personNowVerdict(ctx, leads[i].PersonID, rec, now)
		case err != nil && err != identity.ErrNotFound:
			errs[i] = err
		}
	})
	return out, errors.Join(append(errs, err)...)
}

// judgeNow sets each shown lead's Now from the record answer read: the
// awaiting filter reads the records of up to inboxExamine leads, and only
// the page's are judged (a read of the person each).
func (h *Handler) judgeNow(ctx context.Context, leads []inboxLead, now time.Time) error {
	errs := make([]error, len(leads))
	err := fanout.Each(len(leads), answeredParallel, func(i int) {
		if rec := leads[i].rec; rec != nil {
			leads[i].Now, errs[i] = h.personNowVerdict(ctx, leads[i].PersonID, *rec, now)
		}
	})
	return errors.Join(append(errs, err)...)
}

// personNowVerdict is verdictNow of a lead's person: their attributes and
// email judge their fit as scoring does, so the card's figures are the
// person page's. A person gone since (erased, their record left behind
// by a race) keeps the record's verdict: there is nothing to judge.
func (h *Handler) personNowVerdict(ctx context.Context, person string, rec qualify.Record, now time.Time) (*qualify.Verdict, error) {
	p, err := h.People.Get(ctx, person)
	if errors.Is(err, identity.ErrNotFound) {
		return &rec.Verdict, nil
	}
	if err != nil {
		return nil, err
	}
	v, err := h.verdictNow(rec, p, now)
	if err != nil {
		return nil, err
	}
	return &v, nil
}
