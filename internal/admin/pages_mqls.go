package admin

import (
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/push"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/queue"
)

// mqlsView is the MQL list: filters, each MQL with its person, stage now,
// owner and hand-off per connector, and the dead letters to replay.
type mqlsView struct {
	Condition, Grade, Owner, Stage, From, To string
	Conditions, Grades, Owners, Stages       []string
	Rows                                     []mqlRow
	Dead                                     []queue.Message
	Replayed, Error                          string
	More                                     bool
}

type mqlRow struct {
	M                           qualify.MQL
	Name, Company, Stage, Owner string
	Deliveries                  []push.Delivery
}

const mqlPageRows = 100

func (h *Handler) mqlsPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	v := mqlsView{Condition: q.Get("condition"), Grade: q.Get("grade"), Owner: q.Get("owner"), Stage: q.Get("stage"), From: q.Get("from"), To: q.Get("to"), Replayed: q.Get("replayed")}
	var from, to time.Time
	for _, p := range []struct {
		s string
		t *time.Time
	}{{v.From, &from}, {v.To, &to}} {
		if p.s == "" {
			continue
		}
		t, err := time.ParseInLocation("2006-01-02", p.s, h.loc())
		if err != nil {
			v.Error = "Dates are like 2026-11-01."
			continue
		}
		*p.t = t
	}
	if !to.IsZero() {
		to = to.AddDate(0, 0, 1) // the whole last day
	}
	ms, err := h.Scores.RecentMQLs(ctx, 1000)
	if err != nil {
		h.fail(w, err)
		return
	}
	facts := map[string]*qualify.Facts{}
	if h.Workspace != nil {
		all, err := qualify.AllFacts(ctx, h.Workspace.T)
		if err != nil {
			h.fail(w, err)
			return
		}
		for _, f := range all {
			facts[f.ID] = f
		}
	}
	conds, grades, owners, stages := map[string]bool{}, map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, m := range ms {
		row := mqlRow{M: m}
		if f := facts[m.Person]; f != nil {
			row.Stage = f.Rec.Stage
			for _, c := range f.History {
				if c.Owner != "" {
					row.Owner = c.Owner
				}
			}
		}
		conds[m.Condition], grades[m.Verdict.Grade], stages[row.Stage] = true, true, true
		if row.Owner != "" {
			owners[row.Owner] = true
		}
		if (v.Condition != "" && m.Condition != v.Condition) || (v.Grade != "" && m.Verdict.Grade != v.Grade) ||
			(v.Owner != "" && row.Owner != v.Owner) || (v.Stage != "" && row.Stage != v.Stage) ||
			(!from.IsZero() && m.At.Before(from)) || (!to.IsZero() && !m.At.Before(to)) {
			continue
		}
		if len(v.Rows) == mqlPageRows {
			v.More = true
			continue
		}
		v.Rows = append(v.Rows, row)
	}
	for i := range v.Rows {
		row := &v.Rows[i]
		if p, err := h.People.Get(ctx, row.M.Person); err == nil {
			row.Name, row.Company = displayName(p.Attributes, p.Email), p.Attributes["company"]
		} else if err != identity.ErrNotFound {
			h.fail(w, err)
			return
		}
		if h.Deliveries != nil && h.Deliveries.Status != nil {
			if row.Deliveries, err = h.Deliveries.Status(ctx, row.M.ID); err != nil && err != identity.ErrNotFound {
				h.fail(w, err)
				return
			}
		}
	}
	delete(grades, "")
	delete(stages, "")
	v.Conditions, v.Grades, v.Owners, v.Stages = sortedKeys(conds), sortedKeys(grades), sortedKeys(owners), sortedKeys(stages)
	if h.Deliveries != nil {
		if v.Dead, err = h.Deliveries.Queue.Dead(ctx); err != nil {
			h.fail(w, err)
			return
		}
		sort.Slice(v.Dead, func(i, j int) bool { return v.Dead[i].DeadAt.After(v.Dead[j].DeadAt) })
	}
	h.render(w, r, http.StatusOK, "mqls", "MQLs", "", "mqls", v)
}

// replayedPage sends a browser that replayed a dead letter back to the
// MQL list, saying so.
func replayedPage(w http.ResponseWriter, r *http.Request, id string) bool {
	if c, ok := callerOf(r); !ok || c.Session == nil || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		return false
	}
	seeOther(w, "../../mqls?replayed="+url.QueryEscape(id)+"#dead")
	return true
}
