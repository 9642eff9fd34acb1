package admin

import (
	"errors"
	"math"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/push"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/reports"
)

// peopleView is the people search page.
type peopleView struct {
	Error           string
	SignIn          bool // the error page offers to sign in (again)
	Q, Stage, Grade string
	Stages, Grades  []string
	Rows            []personRow
	Searched, More  bool
	Total           int
	Reached, Group  string // from a dashboard count: the people behind it
	Behind          map[string]bool
}

type personRow struct {
	ID, Name, Email, Company, Title, Stage, Grade string
	Behaviour                                     float64
	Updated                                       time.Time
}

const searchLimit = 200

// peopleSearch finds people by email, name or company (substring, any
// case) and by stage and grade.
func (h *Handler) peopleSearch(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	v := peopleView{Q: strings.TrimSpace(q.Get("q")), Stage: q.Get("stage"), Grade: q.Get("grade")}
	v.Stages = []string{qualify.StageLead, qualify.StageMQL, qualify.StageSAL, qualify.StageSQL, qualify.StageOpportunity, qualify.StageCustomer, qualify.StageRejected, qualify.StageLost, qualify.StageRecycled}
	facts := map[string]*qualify.Facts{}
	if h.Workspace != nil {
		all, err := qualify.AllFacts(r.Context(), h.Workspace.T)
		if err != nil {
			h.fail(w, err)
			return
		}
		grades := map[string]bool{}
		for _, f := range all {
			facts[f.ID] = f
			if g := f.Rec.Verdict.Grade; g != "" {
				grades[g] = true
			}
		}
		v.Grades = sortedKeys(grades)
		if v.Reached, v.Group = q.Get("reached"), q.Get("group"); v.Reached != "" && h.Reports != nil {
			f, _, err := h.Reports.parseFilter(r)
			if err != nil {
				v.Error = err.Error()
				h.render(w, r, http.StatusBadRequest, "people", "People", "", "people", v)
				return
			}
			if v.Group == "" {
				v.Group = "(all)"
			}
			v.Behind = map[string]bool{}
			for _, p := range reports.Behind(all, f, v.Group, v.Reached) {
				v.Behind[p.ID] = true
			}
		}
	}
	needle := strings.ToLower(v.Q)
	v.Searched = true
	if h.Workspace != nil {
		err := identity.ScanPersons(r.Context(), h.Workspace.T, func(p identity.Person) error {
			row := personRow{ID: p.ID, Name: displayName(p.Attributes, ""), Email: p.Email, Company: p.Attributes["company"], Title: p.Attributes["title"], Stage: qualify.StageLead, Updated: p.UpdatedAt}
			if f := facts[p.ID]; f != nil {
				if f.Rec.Stage != "" {
					row.Stage = f.Rec.Stage
				}
				row.Grade, row.Behaviour = f.Rec.Verdict.Grade, f.Rec.Verdict.Behaviour
			}
			if needle != "" && !strings.Contains(strings.ToLower(row.Email+"\x00"+row.Name+"\x00"+row.Company), needle) {
				return nil
			}
			if (v.Stage != "" && row.Stage != v.Stage) || (v.Grade != "" && row.Grade != v.Grade) || (v.Behind != nil && !v.Behind[p.ID]) {
				return nil
			}
			v.Total++
			v.Rows = append(v.Rows, row)
			return nil
		})
		if err != nil {
			h.fail(w, err)
			return
		}
	}
	sort.Slice(v.Rows, func(i, j int) bool { return v.Rows[i].Updated.After(v.Rows[j].Updated) })
	if len(v.Rows) > searchLimit {
		v.Rows, v.More = v.Rows[:searchLimit], true
	}
	h.render(w, r, http.StatusOK, "people", "People", "", "people", v)
}

// personPageView is a person's page: who, why (MQLs), the score in words,
// stage history, browsers and the timeline a page at a time.
type personPageView struct {
	P            identity.Person
	Name         string
	Attrs        [][2]string
	Scored       bool
	Ex           Explanation
	Ledger       []ledgerLine
	MQLs         []mqlCard
	Visitors     []VisitorView
	Timeline     []event.Event
	Page, PageNo int
	Prev, Next   string
	HalfLife     time.Duration
}

// ledgerLine is one behaviour contribution in words: "+15 pricing-page
// (/pricing), 2 days ago, decayed to 12".
type ledgerLine struct {
	Delta, Now float64
	Rule, Kind string
	What       string
	At         time.Time
	Decayed    bool
}

type mqlCard struct {
	M          qualify.MQL
	Deliveries []push.Delivery
	Behind     []event.Event // the scored events behind it, newest first
}

// behindLimit is how many of the newest events are searched for an MQL's.
const behindLimit = 200

const timelinePage = 25

func (h *Handler) personPage(w http.ResponseWriter, r *http.Request, p identity.Person) {
	ctx := r.Context()
	v := personPageView{P: p, Name: displayName(p.Attributes, p.Email)}
	for _, k := range sortedKeys(p.Attributes) {
		v.Attrs = append(v.Attrs, [2]string{k, p.Attributes[k]})
	}
	for _, k := range sortedKeys(p.Custom) {
		v.Attrs = append(v.Attrs, [2]string{k, p.Custom[k]})
	}
	now := h.wsNow()
	if h.Scores != nil {
		v.Scored = true
		rec, err := h.Scores.Record(ctx, p.ID)
		if err != nil {
			h.fail(w, err)
			return
		}
		v.Ex = Explanation{Stage: rec.Stage, Behaviour: rec.Verdict.Behaviour, Fit: rec.Verdict.Fit, Grade: rec.Verdict.Grade, Band: rec.Verdict.Band,
			Excluded: rec.Verdict.Excluded, Waiting: rec.Verdict.Waiting, Rules: rec.Rules, FitRules: rec.Verdict.FitRules}
		if v.Ex.Contributions, err = h.Scores.Ledger(ctx, p.ID); err != nil {
			h.fail(w, err)
			return
		}
		if v.Ex.History, err = h.Scores.History(ctx, p.ID); err != nil {
			h.fail(w, err)
			return
		}
		ms, err := h.Scores.MQLs(ctx, p.ID)
		if err != nil {
			h.fail(w, err)
			return
		}
		for i := len(ms) - 1; i >= 0; i-- { // newest first
			c := mqlCard{M: ms[i]}
			if h.Deliveries != nil && h.Deliveries.Status != nil {
				if c.Deliveries, err = h.Deliveries.Status(ctx, ms[i].ID); err != nil && !errors.Is(err, identity.ErrNotFound) {
					h.fail(w, err)
					return
				}
			}
			v.MQLs = append(v.MQLs, c)
		}
		var half time.Duration
		if h.Lab != nil {
			half = h.Lab.Rules.HalfLife
			v.HalfLife = half
		}
		for i := len(v.Ex.Contributions) - 1; i >= 0 && len(v.Ledger) < 100; i-- {
			c := v.Ex.Contributions[i]
			l := ledgerLine{Delta: c.Delta, Now: c.Delta, Rule: c.Rule, Kind: c.Kind, At: c.At, What: c.EventType}
			if c.URL != "" {
				l.What = pathOf(c.URL)
			}
			if half > 0 && c.Kind == "behaviour" && now.After(c.At) {
				l.Now = math.Round(c.Delta*math.Pow(0.5, float64(now.Sub(c.At))/float64(half))*10) / 10
				l.Decayed = l.Now != l.Delta
			}
			v.Ledger = append(v.Ledger, l)
		}
		for i, j := 0, len(v.Ex.History)-1; i < j; i, j = i+1, j-1 {
			v.Ex.History[i], v.Ex.History[j] = v.Ex.History[j], v.Ex.History[i]
		}
	}
	vs, err := h.People.Visitors(ctx, p.ID)
	if err != nil {
		h.fail(w, err)
		return
	}
	for _, id := range vs {
		l, err := h.People.GetLink(ctx, id)
		if err != nil {
			h.fail(w, err)
			return
		}
		vv := VisitorView{ID: id}
		for _, s := range l.History {
			if s.Person == p.ID {
				vv.Spans = append(vv.Spans, s)
			}
		}
		v.Visitors = append(v.Visitors, vv)
	}
	v.Page, _ = strconv.Atoi(r.URL.Query().Get("page"))
	if v.Page < 0 || v.Page > 1000 {
		v.Page = 0
	}
	v.PageNo = v.Page + 1
	// One read serves the page of the timeline and the events behind the
	// MQLs (the most recent ones: what sales needs to see first).
	evs, err := h.Timelines.Timeline(ctx, p.ID, max((v.Page+1)*timelinePage+1, behindLimit))
	if err != nil {
		h.fail(w, err)
		return
	}
	byID := map[string]event.Event{}
	for _, ev := range evs {
		byID[ev.ID] = ev
	}
	for i := range v.MQLs {
		for _, id := range v.MQLs[i].M.Events {
			if ev, ok := byID[id]; ok && len(v.MQLs[i].Behind) < 10 {
				v.MQLs[i].Behind = append(v.MQLs[i].Behind, ev)
			}
		}
	}
	if from := v.Page * timelinePage; from < len(evs) {
		evs = evs[from:]
		if len(evs) > timelinePage {
			evs = evs[:timelinePage]
			v.Next = "?page=" + strconv.Itoa(v.Page+1) + "#timeline"
		}
		v.Timeline = evs
	}
	if v.Page > 0 {
		v.Prev = "?page=" + strconv.Itoa(v.Page-1) + "#timeline"
	}
	h.render(w, r, http.StatusOK, "person", v.Name, "../", "people", v)
}

// personPath is a person's page relative to /admin/.
func personPath(id string) string { return "people/" + url.PathEscape(id) }

// browsePerson answers a browser at /admin/people: the search page, or
// the page of the person with ?email= (the demo's thanks page links so).
// It reports whether it answered.
func (h *Handler) browsePerson(w http.ResponseWriter, r *http.Request, raw string) bool {
	if raw == "" {
		h.peopleSearch(w, r)
		return true
	}
	email, err := event.NormalizeEmail(raw)
	if err != nil {
		return false
	}
	p, err := h.People.ByEmail(r.Context(), email)
	if errors.Is(err, identity.ErrNotFound) {
		seeOther(w, "people?q="+url.QueryEscape(email))
		return true
	}
	if err != nil {
		return false
	}
	seeOther(w, personPath(p.ID))
	return true
}
