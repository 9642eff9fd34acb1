package admin

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/push"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/queue"
	"github.com/baton-hq/baton/internal/repnames"
	"github.com/baton-hq/baton/internal/reports"
)

// mqlsView is the MQL list: filters, each MQL with its person, stage now,
// owner and hand-off per connector, and the dead letters to replay.
type mqlsView struct {
	Field                                    string // the filter the error is about (Invalid)
	Condition, Grade, Owner, Stage, From, To string
	Outcome                                  string // sales' verdict on the MQL (reports.MQLOutcome), "" for any
	Conditions, Grades, Owners, Stages       []string
	Outcomes                                 []string
	Rows                                     []mqlRow
	Dead                                     []deadRow
	DeadList                                 deadList
	Replayed, Error                          string
	ReplayFailed, ReplayWhy                  string // a replay button's failure (replayFailedPage)
	Sent, SendFailed, SendTo, SendWhy        string // a send button's MQL, done or not, its connector and why not (backToMQLs)
	CanSend                                  bool   // a not_sent hand-off has a send button
	Next, First                              string // the next page's query ("": none); the first page's, from a later page
	Examined                                 int    // MQLs looked at for this page
}

func (v mqlsView) badField() string { return v.Field }

// deadList is where the MQL page's dead letters stand: how many in all,
// which of them this page shows (From to To, counted from 1, the newest
// given up first), and the links to the next (older) page and back to
// the newest.
type deadList struct {
	Total, From, To int
	More            int // after this page on the next pages: of those listed (Seen), never of Total
	Unseen          int // when Partial: about how many more the queues hold that no page lists
	Next, First     string
	After           string // this page's cursor (the replay buttons come back to it)
	Partial         bool   // on AWS: more than one listing receives (Total is SQS's approximate count)
}

type mqlRow struct {
	M                           qualify.MQL
	Name, Company, Stage, Owner string
	Outcome                     string // sales' verdict on this MQL (reports.MQLOutcome)
	Deliveries                  []push.Delivery
}

// The MQL list reads the MQL index a page at a time, newest first, and
// each listed MQL's person by key: a page reads at most mqlExamine index
// items (filters that match rarely leave a page short, with a link to go
// on), never every person.
const (
	mqlPageRows = 50
	mqlExamine  = 500
)

// deadPageRows are the dead letters a page names (a person and a delivery
// read each): on a bad day there are hundreds, the rest a link away.
const deadPageRows = 50

func (h *Handler) mqlsPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	v := mqlsView{Condition: q.Get("condition"), Grade: q.Get("grade"), Owner: strings.TrimSpace(q.Get("owner")), Stage: q.Get("stage"), From: q.Get("from"), To: q.Get("to"), Replayed: q.Get("replayed"), ReplayFailed: q.Get("replay_failed"), ReplayWhy: q.Get("why"),
		Sent: q.Get("sent"), SendFailed: q.Get("send_failed"), SendTo: q.Get("connector"), SendWhy: q.Get("why"),
		CanSend: h.Deliveries != nil && h.Deliveries.SendTo != nil && h.Deliveries.Enqueue != nil}
	v.Stages, v.Outcomes = stagesNow(), allOutcomes
	f, after, bad := h.mqlQuery(q)
	if bad == nil {
		// ?stage=rejected (or lost) is shown as the verdict it means.
		v.Stage, v.Outcome = f.Stage, f.Outcome
	} else {
		v.Outcome = q.Get("outcome")
	}
	if d := q.Get("dead"); bad == nil && d != "" && !queue.ValidDeadCursor(d) {
		bad = &badParam{"dead", "dead must be the link to older dead letters of an earlier page"}
	}
	if bad != nil {
		// The filters as given, and no MQLs: none filtered as if a bad
		// filter were absent.
		v.Error, v.Field, v.Conditions, v.Grades = bad.Msg, bad.Field, h.mqlConditions(), allGrades
		dq := q // the dead letters are no filter's; a bad cursor of theirs shows the newest
		if bad.Field == "dead" {
			dq = url.Values{}
		}
		var err error
		if v.Dead, v.DeadList, err = h.deadNewestFirst(ctx, dq); err != nil {
			h.fail(w, r, err)
			return
		}
		h.render(w, r, http.StatusBadRequest, "mqls", "MQLs", "", "mqls", v)
		return
	}
	rows, cursor, owners, examined, err := h.filterMQLs(ctx, f, after, mqlPageRows, mqlExamine)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v.Rows, v.Examined = rows, examined
	v.First, v.Next = pageLinks("mqls", q, cursor)
	for i := range v.Rows {
		row := &v.Rows[i]
		if p, err := h.People.Get(ctx, row.M.Person); err == nil {
			row.Name, row.Company = displayName(p.Attributes, p.Email), p.Attributes["company"]
		} else if err != identity.ErrNotFound {
			h.fail(w, r, err)
			return
		}
		if h.Deliveries != nil && h.Deliveries.Status != nil {
			var err error
			if row.Deliveries, err = h.Deliveries.Status(ctx, row.M.ID); err != nil && err != identity.ErrNotFound {
				h.fail(w, r, err)
				return
			}
		}
	}
	// The filters' choices: the rules' conditions and grades, every stage,
	// and the owners seen on this page.
	// The rules' conditions come in the rules file's order (as the
	// dashboard and reports list them), then any other an MQL on the page
	// or the filter names (a condition of rules since changed), sorted.
	conds, seen := map[string]bool{}, []string{v.Grade} // a choice stays choosable
	ruled := h.mqlConditions()
	for _, row := range v.Rows {
		conds[row.M.Condition] = true
		seen = append(seen, row.M.Verdict.Grade)
	}
	conds[v.Condition] = true
	delete(conds, "")
	for _, c := range ruled {
		delete(conds, c)
	}
	v.Conditions, v.Grades, v.Owners = append(ruled, sortedKeys(conds)...), h.gradeChoices(seen...), sortedKeys(owners)
	if v.Dead, v.DeadList, err = h.deadNewestFirst(ctx, q); err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "mqls", "MQLs", "", "mqls", v)
}

// deadNewestFirst are the dead letters the MQL list shows, the newest
// given up first, deadPageRows of them from q's dead (the cursor of the
// page before), each with its person, and where they stand in the list
// (none without delivery). Its links keep the MQL list's filters and page.
func (h *Handler) deadNewestFirst(ctx context.Context, q url.Values) ([]deadRow, deadList, error) {
	p, err := h.deadPage(ctx, queue.DeadQuery{After: q.Get("dead"), Limit: deadPageRows, Newest: true})
	if err != nil {
		return nil, deadList{}, err
	}
	rows, err := h.deadRows(ctx, p.Messages)
	if err != nil {
		return nil, deadList{}, err
	}
	l := deadList{Total: p.Total, Partial: p.Partial, After: q.Get("dead")}
	// The pages hold what the listing saw (Seen); on a partial listing
	// Total is SQS's approximate count, and what it holds past Seen is on
	// no page: counting it into More promised pages that do not exist.
	seen := p.Total
	if p.Partial {
		seen = min(p.Seen, p.Total)
		l.Unseen = max(0, p.Total-p.Seen)
	}
	if len(rows) > 0 {
		l.From, l.To = p.Before+1, p.Before+len(rows)
		l.More = max(0, seen-l.To)
	}
	link := func(cursor string) string {
		nq := url.Values{}
		for k, vs := range q {
			if k != "dead" && k != "replayed" && k != "replay_failed" && k != "why" && k != "sent" && k != "send_failed" && k != "connector" && k != "lang" {
				nq[k] = vs
			}
		}
		if cursor != "" {
			nq.Set("dead", cursor)
		}
		if len(nq) == 0 {
			return "mqls#dead"
		}
		return "mqls?" + nq.Encode() + "#dead"
	}
	if q.Get("dead") != "" {
		l.First = link("")
	}
	if p.Next != "" {
		l.Next = link(p.Next)
	}
	return rows, l, nil
}

// mqlFilter is what the MQL list keeps: by the MQL (condition, grade,
// when: To excluded, sales' verdict on it) and by its person now (sales
// owner, stage).
type mqlFilter struct {
	Condition, Grade, Owner, Stage, Outcome string
	From, To                                time.Time
}

// allOutcomes are sales' verdicts on an MQL (reports.MQLOutcome), the MQL list's
// outcome filter: "none" is an MQL sales have not answered.
var allOutcomes = []string{"accepted", "sql", "opportunity", "won", "rejected", "lost", "none"}

// stagesNow are the stages a person can be at now, the MQL list's stage
// filter: rejected and lost are left out, since such a lead is recycled
// at once (its stage now is recycled); the outcome filter finds them.
func stagesNow() []string {
	return slices.DeleteFunc(allStages(), func(s string) bool { return s == qualify.StageRejected || s == qualify.StageLost })
}

// mqlConditions are the rules' MQL conditions.
func (h *Handler) mqlConditions() []string {
	var out []string
	if h.Lab != nil && h.Lab.Rules != nil {
		for _, c := range h.Lab.Rules.MQL {
			out = append(out, c.Name)
		}
	}
	return out
}

// mqlQuery reads the MQL list's filters, the page's and GET /admin/mqls's
// alike, and after, the cursor to go on from. A condition or an owner is
// any name (MQLs keep the conditions of rules since changed).
func (h *Handler) mqlQuery(q url.Values) (f mqlFilter, after string, bad *badParam) {
	if bad = oneOf(q, "grade", allGrades); bad != nil {
		return f, "", bad
	}
	if bad = oneOf(q, "stage", allStages()); bad != nil {
		return f, "", bad
	}
	if bad = oneOf(q, "outcome", allOutcomes); bad != nil {
		return f, "", bad
	}
	f = mqlFilter{Condition: q.Get("condition"), Grade: q.Get("grade"), Owner: strings.TrimSpace(q.Get("owner")), Stage: q.Get("stage"), Outcome: q.Get("outcome")}
	// Nobody stays rejected or lost (they are recycled at once): a stage
	// filter of either, which once matched nothing, is sales' verdict on
	// the MQL, so that existing links and scripts find those MQLs.
	if f.Stage == qualify.StageRejected || f.Stage == qualify.StageLost {
		if f.Outcome != "" && f.Outcome != f.Stage {
			return f, "", &badParam{"stage", "stage " + f.Stage + " is outcome " + f.Stage + " (a rejected or lost lead is recycled at once); give outcome alone"}
		}
		f.Stage, f.Outcome = "", f.Stage
	}
	if f.From, f.To, bad = dayRange(q, h.loc()); bad != nil {
		return f, "", bad
	}
	after = q.Get("after")
	if after != "" && !qualify.ValidMQLCursor(after) {
		return f, "", &badParam{"after", "after must be the next of an earlier answer"}
	}
	return f, after, nil
}

// filterMQLs reads the MQL index from cursor, newest first, keeping the
// MQLs f passes with their person's stage and owner now, until want are
// kept or examine read. next is where to go on ("" at the index's end, or
// From's); owners are those seen among MQLs of the condition and grade
// (the page's owner choices).
func (h *Handler) filterMQLs(ctx context.Context, f mqlFilter, cursor string, want, examine int) (rows []mqlRow, next string, owners map[string]bool, examined int, err error) {
	owners = map[string]bool{}
	names, err := h.repNames(ctx)
	if err != nil {
		return nil, "", nil, 0, err
	}
	for examined < examine && len(rows) < want {
		ms, more, err := h.Scores.MQLPage(ctx, cursor, f.From, f.To, min(100, examine-examined))
		if err != nil {
			return nil, "", nil, 0, err
		}
		full := false
		for _, m := range ms {
			examined++
			cursor = qualify.MQLCursor(m)
			if (f.Condition != "" && m.Condition != f.Condition) || (f.Grade != "" && m.Verdict.Grade != f.Grade) {
				continue
			}
			row := mqlRow{M: m}
			if err := h.personNow(ctx, &row, names); err != nil {
				return nil, "", nil, 0, err
			}
			if row.Owner != "" {
				owners[row.Owner] = true
			}
			if (f.Owner != "" && !sameWho(row.Owner, f.Owner)) || (f.Stage != "" && row.Stage != f.Stage) || (f.Outcome != "" && row.Outcome != f.Outcome) {
				continue
			}
			rows = append(rows, row)
			if len(rows) == want {
				full = true
				break
			}
		}
		if more == "" && !full {
			return rows, "", owners, examined, nil // the index is read to its end (or to From)
		}
	}
	return rows, cursor, owners, examined, nil
}

// pageLinks are the links to a list's first page (from a later one) and
// to the page after cursor ("" when none), keeping the filters.
func pageLinks(path string, q url.Values, cursor string) (first, next string) {
	nq := url.Values{}
	for k, vs := range q {
		if k != "after" && k != "dead" && k != "replayed" && k != "replay_failed" && k != "why" && k != "sent" && k != "send_failed" && k != "connector" && k != "lang" {
			nq[k] = vs
		}
	}
	if q.Get("after") != "" {
		first = path + "?" + nq.Encode()
	}
	if cursor != "" {
		nq.Set("after", cursor)
		next = path + "?" + nq.Encode()
	}
	return first, next
}

// repNames are the SFA owners' names learned (one query; none without
// the reports' table), by which an owner recorded under an SFA's id while
// it did not answer is named as the reports name it.
func (h *Handler) repNames(ctx context.Context) (repnames.Names, error) {
	if h.Reports == nil || h.Reports.T == nil {
		return nil, nil
	}
	return repnames.Load(ctx, h.Reports.T)
}

// namedHistory is a person's stage history, each owner recorded under an
// SFA id named by the name learned since (repNames).
func (h *Handler) namedHistory(ctx context.Context, person string) ([]qualify.StageChange, error) {
	hist, err := h.Scores.History(ctx, person)
	if err != nil {
		return nil, err
	}
	names, err := h.repNames(ctx)
	for i, c := range hist {
		hist[i].Owner = names.Of(c.OwnerID, c.Owner)
	}
	return hist, err
}

// personNow reads an MQL's person's stage now and sales owner by key: the
// score record and the stage history, the owner named as names has it;
// and from that history sales' verdict on the MQL.
func (h *Handler) personNow(ctx context.Context, row *mqlRow, names repnames.Names) error {
	rec, err := h.Scores.Record(ctx, row.M.Person)
	if err != nil && err != identity.ErrNotFound {
		return err
	}
	row.Stage = rec.Stage
	hist, err := h.Scores.History(ctx, row.M.Person)
	if err != nil && err != identity.ErrNotFound {
		return err
	}
	for _, c := range hist {
		if c.Owner != "" {
			row.Owner = names.Of(c.OwnerID, c.Owner)
		}
	}
	row.Outcome = reports.MQLOutcome(row.M, hist)
	return nil
}

// allStages lists the lifecycle stages in funnel order.
func allStages() []string {
	return []string{qualify.StageLead, qualify.StageMQL, qualify.StageSAL, qualify.StageSQL, qualify.StageOpportunity, qualify.StageCustomer, qualify.StageRejected, qualify.StageLost, qualify.StageRecycled}
}

// replayFailedPage sends a browser whose replay failed back to the MQL
// list, saying why (why: missing, gone, refused or failed; the list
// words it), rather than leaving it on a JSON error.
func replayFailedPage(w http.ResponseWriter, r *http.Request, id, why string) bool {
	return backToDead(w, r, url.Values{"replay_failed": {id}, "why": {why}})
}

// replayedPage sends a browser that replayed a dead letter back to the
// MQL list, saying so.
func replayedPage(w http.ResponseWriter, r *http.Request, id string) bool {
	return backToDead(w, r, url.Values{"replayed": {id}})
}

// backToMQLs sends the send button's form (a session's) back to the MQL
// list with q; false for any other caller (the API).
func backToMQLs(w http.ResponseWriter, r *http.Request, q url.Values) bool {
	if c, ok := callerOf(r); !ok || c.Session == nil || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		return false
	}
	seeOther(w, "../../../../mqls?"+q.Encode())
	return true
}

// backToDead sends the replay button's form (a session's) back to the MQL
// list's dead letters with q; false for any other caller (the API).
func backToDead(w http.ResponseWriter, r *http.Request, q url.Values) bool {
	if c, ok := callerOf(r); !ok || c.Session == nil || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		return false
	}
	// Back to the page of dead letters the button was on (its form's dead).
	if d := r.PostFormValue("dead"); d != "" && queue.ValidDeadCursor(d) {
		q.Set("dead", d)
	}
	// To the replay's note, set under the dead letters' heading: a
	// fragment naming another element stops the note's autofocus, and the
	// note at the page's top was out of view and unannounced.
	seeOther(w, "../../mqls?"+q.Encode()+"#replay-note")
	return true
}
