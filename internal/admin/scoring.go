package admin

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/baton-hq/baton/internal/httpx"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/table"
)

// Scores reads and recomputes scores; see qualify.Qualifier.
type Scores interface {
	Record(ctx context.Context, person string) (qualify.Record, error)
	Ledger(ctx context.Context, person string) ([]qualify.Contribution, error)
	MQLs(ctx context.Context, person string) ([]qualify.MQL, error)
	History(ctx context.Context, person string) ([]qualify.StageChange, error)
	// MQLPage is a page of the MQL index, newest first (the workspace).
	MQLPage(ctx context.Context, cursor string, since, until time.Time, limit int) ([]qualify.MQL, string, error)
	StartRescore(ctx context.Context) (qualify.Job, error)
	RescoreJob(ctx context.Context, id string) (qualify.Job, error)
	// DryRun reports what a rescore would change, writing nothing (nil:
	// the rules in force).
	DryRun(ctx context.Context, e qualify.Engine) (qualify.DryRunReport, error)
	// OutcomeWhy records sales' verdict on a person (see outcome).
	OutcomeWhy(ctx context.Context, person, outcome, deliveryID, owner, why string, at time.Time) (qualify.OutcomeResult, error)
	// VerdictAt judges the person as of at from their record (read with
	// Record): its verdict is their last scoring's, and behaviour points
	// decay with time alone (qualify.Qualifier.VerdictAt).
	VerdictAt(rec qualify.Record, p identity.Person, at time.Time) (qualify.Verdict, error)
}

// verdictNow is the person's verdict at now (the workspace's clock) from
// their record: the figures the person page, its JSON and the inbox card
// give as the score now, one judgement for all, so that they agree. The
// record's stored verdict is its last scoring's: a lead not scored for
// weeks kept the score it had then, undecayed, and sales read a cold
// lead as hot.
func (h *Handler) verdictNow(rec qualify.Record, p identity.Person, now time.Time) (qualify.Verdict, error) {
	return h.Scores.VerdictAt(rec, p, now)
}

// Explanation is why a person has the score, grade and stage they have.
type Explanation struct {
	Person identity.Person `json:"person"`
	Stage  string          `json:"stage"`
	// Scored is false for a person Baton has scored nothing of (a list's
	// recipient who never clicked): their stage is the lead a missing
	// score record defaults to, which the funnel does not count and the
	// pages show as recipient / not scored yet (shownStage).
	Scored        bool                   `json:"scored"`
	Behaviour     float64                `json:"behaviour"`
	Fit           float64                `json:"fit"`
	Grade         string                 `json:"grade"`
	Band          string                 `json:"band,omitempty"`
	BANT          int                    `json:"bant"`
	Excluded      string                 `json:"excluded,omitempty"`
	Waiting       string                 `json:"waiting,omitempty"` // why a recycled person cannot qualify yet
	Rules         string                 `json:"rules"`
	Contributions []qualify.Contribution `json:"contributions"` // behaviour ledger, oldest first
	FitRules      []qualify.Contribution `json:"fitRules"`
	MQLs          []qualify.MQL          `json:"mqls"` // with the condition that fired and the events behind it
	History       []qualify.StageChange  `json:"history"`
}

func (h *Handler) scoreRoutes(mux *http.ServeMux) {
	mux.Handle("GET /admin/people/{id}/explain", h.Require(ScopeRead, h.explain))
	mux.Handle("GET /admin/mqls", h.Require(ScopeRead, h.mqls))
	mux.Handle("POST /admin/rescore", h.Require(ScopeWrite, h.rescore))
	mux.Handle("GET /admin/rescore/{id}", h.Require(ScopeRead, h.rescoreJob))
	mux.Handle("POST /admin/people/{id}/outcome", h.Require(ScopeWrite, h.outcome))
}

// noScoringRoutes answer the scoring routes when no rules file is loaded:
// the reason, not a bare 404.
func (h *Handler) noScoringRoutes(mux *http.ServeMux) {
	off := func(w http.ResponseWriter, r *http.Request) {
		h.deny(w, r, http.StatusConflict, "scoring is off: no rules file is loaded (set BATON_RULES to the rules file, e.g. infra/rules.yaml)")
	}
	mux.Handle("GET /admin/people/{id}/explain", h.Require(ScopeRead, off))
	mux.Handle("GET /admin/mqls", h.Require(ScopeRead, off))
	mux.Handle("POST /admin/rescore", h.Require(ScopeWrite, off))
	mux.Handle("POST /admin/people/{id}/outcome", h.Require(ScopeWrite, off))
}

func (h *Handler) explain(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p, err := h.People.Get(ctx, r.PathValue("id"))
	if errors.Is(err, identity.ErrNotFound) {
		httpx.Error(w, http.StatusNotFound, "no such person")
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	rec, err := h.Scores.Record(ctx, p.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	vn, err := h.verdictNow(rec, p, h.wsNow())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ex := Explanation{
		Person: p, Stage: rec.Stage, Scored: !rec.Unscored, Behaviour: vn.Behaviour, Fit: vn.Fit, Grade: vn.Grade,
		Band: vn.Band, BANT: vn.BANT, Excluded: vn.Excluded, Waiting: vn.Waiting, Rules: rec.Rules,
		FitRules: nonNil(vn.FitRules),
	}
	if ex.Contributions, err = h.Scores.Ledger(ctx, p.ID); err != nil {
		h.fail(w, r, err)
		return
	}
	if ex.MQLs, err = h.Scores.MQLs(ctx, p.ID); err != nil {
		h.fail(w, r, err)
		return
	}
	if ex.History, err = h.namedHistory(ctx, p.ID); err != nil {
		h.fail(w, r, err)
		return
	}
	ex.Contributions = nonNil(ex.Contributions)
	httpx.JSON(w, http.StatusOK, ex)
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func (h *Handler) mqls(w http.ResponseWriter, r *http.Request) {
	if wantsHTML(r) {
		h.mqlsPage(w, r)
		return
	}
	limit := 100
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := formInt(v)
		if err != nil || n < 1 || n > 1000 {
			httpx.JSON(w, http.StatusBadRequest, httpx.ErrorBody{Error: "limit must be 1-1000", Field: "limit"})
			return
		}
		limit = n
	}
	q := r.URL.Query()
	for _, k := range []string{"condition", "grade", "owner", "stage", "outcome", "from", "to", "after"} {
		if q.Has(k) {
			h.filteredMQLs(w, r, limit)
			return
		}
	}
	// One more than asked says whether there are more: next, the after=
	// of the following answer, as a filtered answer gives it ("" when
	// none; without it a client read the first limit and no more).
	ms, _, err := h.Scores.MQLPage(r.Context(), "", time.Time{}, time.Time{}, limit+1)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	next := ""
	if len(ms) > limit {
		ms = ms[:limit]
		next = qualify.MQLCursor(ms[limit-1])
	}
	names, err := h.repNames(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	rows := make([]mqlRow, len(ms))
	for i, m := range ms {
		rows[i].M = m
		if err := h.personNow(r.Context(), &rows[i], names); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	httpx.JSON(w, http.StatusOK, map[string]any{"mqls": h.labelledMQLs(rows, csvLang(r)), "next": next})
}

// labelledMQL is an MQL as GET /admin/mqls answers it: with its
// condition's label beside the condition's name (which filters and
// scripts key on), so a reader sees what sales read in the SFA, and
// with sales' verdict on it and its owner, as the page's columns say
// (a script had to read every person's history for them).
type labelledMQL struct {
	qualify.MQL
	ConditionLabel string `json:"conditionLabel"`
	// Outcome is sales' verdict on this MQL (its cycle's): none,
	// accepted, sql, opportunity, won, rejected or lost; the outcome=
	// filter's values.
	Outcome string `json:"outcome"`
	// Owner is the sales owner the SFA last named ("" when none).
	Owner string `json:"owner"`
}

// labelledMQLs are rows' MQLs with their conditions' labels in lang (the
// name for a condition without one or no longer in the rules).
func (h *Handler) labelledMQLs(rows []mqlRow, lang string) []labelledMQL {
	rules := h.rules()
	out := make([]labelledMQL, len(rows))
	for i, row := range rows {
		out[i] = labelledMQL{MQL: row.M, ConditionLabel: rules.ConditionLabel(row.M.Condition, lang), Outcome: row.Outcome, Owner: row.Owner}
	}
	return out
}

// mqlJSONExamine bounds the index items one filtered JSON answer reads
// (filters that match rarely answer short, with next to go on).
const mqlJSONExamine = 5000

// filteredMQLs answers GET /admin/mqls with the MQL page's filters (they
// were ignored here, and a client asking for one condition got them all):
// the MQLs kept, newest first, at most limit, and next, the after= of the
// following answer ("" when none).
func (h *Handler) filteredMQLs(w http.ResponseWriter, r *http.Request, limit int) {
	q := r.URL.Query()
	for k, vs := range q {
		if len(vs) > 1 {
			httpx.JSON(w, http.StatusBadRequest, httpx.ErrorBody{Error: k + " is given more than once", Field: k})
			return
		}
	}
	f, after, bad := h.mqlQuery(q)
	if bad != nil {
		bad.refuse(w)
		return
	}
	rows, next, _, _, err := h.filterMQLs(r.Context(), f, after, limit, max(limit, mqlJSONExamine))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	httpx.JSON(w, http.StatusOK, map[string]any{"mqls": h.labelledMQLs(rows, csvLang(r)), "next": next})
}

func (h *Handler) rescore(w http.ResponseWriter, r *http.Request) {
	switch dry, ok := flag(r.URL.Query(), "dry_run"); {
	case !ok:
		httpx.JSON(w, http.StatusBadRequest, httpx.ErrorBody{Error: "dry_run must be 1 or 0", Field: "dry_run"})
		return
	case dry:
		rep, err := h.Scores.DryRun(r.Context(), nil)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		httpx.JSON(w, http.StatusOK, rep)
		return
	}
	// A background job: this request only records it. The local stack's
	// worker runs it at once; on AWS the sweep function advances it on its
	// schedule (invoke the sweep function to start at once).
	job, err := h.Scores.StartRescore(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "rescore/"+job.ID)
	httpx.JSON(w, http.StatusAccepted, map[string]any{"job": job, "poll": "/admin/rescore/" + job.ID})
}

func (h *Handler) rescoreJob(w http.ResponseWriter, r *http.Request) {
	job, err := h.Scores.RescoreJob(r.Context(), r.PathValue("id"))
	if errors.Is(err, table.ErrNotFound) {
		httpx.Error(w, http.StatusNotFound, "no such rescore job")
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	httpx.JSON(w, http.StatusOK, job)
}
