package admin

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/baton-hq/baton/internal/reports"
)

// dashboardView is the reports page: filters, charts, the funnel with
// each count linking to its people, follow-up and MQL quality.
type dashboardView struct {
	Field                               string // the filter the error is about (Invalid)
	From, To, Channel, Model, By        string
	Channels, Models, Stages, ByOptions []string
	Charts                              []chart
	Funnel                              []funnelRow
	SLA                                 []reports.SLARow
	SLAText                             string
	Quality                             []reports.QualityRow
	KPIs                                []reports.KPIReport // the months of the period picked (else this month)
	Period                              bool                // a period was picked
	KPIByMonth                          *kpiTable           // a period of months: one table, a row a month (else nil)
	CSV                                 map[string]string   // report -> its CSV with this page's filters (the template adds the language)
	Error                               string
	Dead                                *deadAlert // dead letters waiting for a replay (nil: none)
	NoLeads                             bool       // the store has no lead at all, whatever the filters: the page says what brings them
	Demo                                bool       // a demo site is served (the local stack): NoLeads links to it
	AsOf                                string     // the figures are the sweep's snapshot of this time ("": computed now)
}

func (v dashboardView) badField() string { return v.Field }

type funnelRow struct {
	Group  string
	Label  string // a campaign's name, when grouped by campaign ("": the group as it is)
	Phrase bool   // Label is a phrase of the pages, said in the page's language: the group of no value (noValueLabel)
	Cells  []funnelCell
}

// noValue is the reports' group of the people whose first touch has no
// value in the grouping (a direct visit has no campaign) and of those with
// no touch at all.
const noValue = "(none)"

// NoValue names the group of no value in the grouping chosen.
func (v dashboardView) NoValue() string { return noValueLabel(v.By) }

// noValueLabel names the noValue group by the grouping: by channel it is
// the people without a touch (every touch has a channel), by campaign
// those without a campaign, a direct touch's or none. The page called it
// （接点なし）, no touch, whatever the grouping, and the chart "(none)" in
// English on the Japanese page.
func noValueLabel(by string) string {
	switch by {
	case "source", "medium", "campaign":
		return "(no " + by + ")"
	}
	return "(no touch)"
}

type funnelCell struct {
	Stage string // its column's, for the card layout's label
	N     int
	Link  string
}

// dashboard renders the reports with inline SVG charts: no scripts.
func (h *Handler) dashboard(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f, field, err := h.Reports.parseFilter(r)
	var bad *badParam
	if err != nil {
		bad = &badParam{field, err.Error()}
	} else {
		bad = oneOf(q, "model", reports.Models)
	}
	if bad == nil { // the KPI's month
		if _, _, _, field, err := h.kpiMonths(r, h.Reports.now()); err != nil {
			bad = &badParam{field, err.Error()}
		}
	}
	if bad != nil && !wantsHTML(r) {
		bad.refuse(w)
		return
	}
	v := dashboardView{From: q.Get("from"), To: q.Get("to"), Channel: f.Channel, Model: q.Get("model"), By: f.By, Models: reports.Models, Stages: reports.Stages,
		ByOptions: []string{"channel", "source", "medium", "campaign"}}
	// The dead letters first, whatever the filters: sales waits for them.
	if a, err := h.deadAlertOf(r.Context()); err != nil {
		h.log().Warn("admin: dead letters for the dashboard", "err", err)
	} else {
		v.Dead = a
	}
	if v.By == "" {
		v.By = "channel"
	}
	if v.Model == "" {
		v.Model = "position"
	}
	if bad != nil {
		// The filters as given and no figures: none computed as if a bad
		// filter were absent.
		v.Error, v.Field = bad.Msg, bad.Field
		h.render(w, r, http.StatusBadRequest, "dashboard", "Reports", "", "reports", v)
		return
	}
	figs, err := h.dashboardFigures(r, f, v.By)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v.AsOf = figs.asOf
	channels := map[string]bool{}
	v.NoLeads, v.Demo = true, h.Demo
	for _, row := range figs.everyone {
		if row.Group != "(all)" && row.Group != "(none)" {
			channels[row.Group] = true
		}
		if row.Group == "(all)" && row.Counts["lead"] > 0 {
			v.NoLeads = false
		}
	}
	v.Channels = sortedKeys(channels)
	funnel := figs.funnel
	var all reports.FunnelRow
	if len(funnel) > 0 {
		all = funnel[0]
	}
	var vals []float64
	for _, s := range reports.Stages {
		vals = append(vals, float64(all.Counts[s]))
	}
	fc := newChart("Funnel", reports.Stages, vals, func(v float64) string { return strconv.Itoa(int(v)) })
	fc.Stages = true
	v.Charts = []chart{fc}
	att := figs.credit[v.Model]
	keys := sortedKeys(att)
	var names map[string]string // by campaign: the campaigns' names for their ids
	if v.By == "campaign" {
		ids := map[string]bool{}
		for _, k := range keys {
			ids[k] = true
		}
		for _, row := range funnel {
			ids[row.Group] = true
		}
		if names, err = h.campaignNamesOf(r.Context(), ids); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	var av []float64
	labels := make([]string, len(keys))
	for i, k := range keys {
		av = append(av, att[k])
		labels[i] = k
		if n := names[k]; n != "" {
			labels[i] = n
		}
	}
	mc := newChart("MQLs by "+v.By, labels, av, creditText(av)) // the grouping chosen: a campaign is no channel
	for i, k := range keys {
		if k == noValue {
			mc.Bars[i].Label, mc.Bars[i].Phrase = noValueLabel(v.By), true
		}
	}
	// Channels are named in the page's language; sources, media and
	// campaigns as they are, cut to fit before their bars.
	mc.Sub, mc.Chans = "model:"+v.Model, v.By == "channel"
	v.Charts = append(v.Charts, mc)
	var qk []string
	var qv []float64
	lang := pageLang(r)
	// Every condition of the rules, in the file's order, as the report
	// lists them (withEveryRule): one that qualified nobody is what tuning
	// looks for. A period without any MQL says so instead of rows of zeros.
	quality := figs.quality
	if len(quality) > 0 {
		quality = withEveryRule(quality, h.rules())
	}
	for _, row := range quality {
		if row.Dimension == "condition" {
			v.Quality = append(v.Quality, row)
			if row.MQLs > 0 {
				qk = append(qk, qualityLabel(h.rules(), row, lang)) // as the table below names it
				qv = append(qv, float64(row.SQL)/float64(row.MQLs))
			}
		}
	}
	v.Charts = append(v.Charts, newChart("MQL to SQL rate by condition", qk, qv, func(v float64) string { return fmt.Sprintf("%.0f%%", v*100) }))
	for _, row := range funnel {
		fr := funnelRow{Group: row.Group, Label: names[row.Group]}
		if row.Group == noValue {
			fr.Label, fr.Phrase = noValueLabel(v.By), true
		}
		for _, s := range reports.Stages {
			lq := url.Values{"reached": {s}, "group": {row.Group}}
			for _, k := range []string{"from", "to", "channel", "by"} {
				if x := q.Get(k); x != "" && v.Error == "" {
					lq.Set(k, x)
				}
			}
			fr.Cells = append(fr.Cells, funnelCell{Stage: s, N: row.Counts[s], Link: "people?" + lq.Encode()})
		}
		v.Funnel = append(v.Funnel, fr)
	}
	v.CSV = map[string]string{}
	for _, name := range []string{"funnel", "attribution", "sla", "mql-quality", "revenue", "reps", "kpi"} {
		cq := url.Values{"format": {"csv"}}
		for _, k := range []string{"from", "to", "channel", "by"} {
			if x := q.Get(k); x != "" && v.Error == "" {
				cq.Set(k, x)
			}
		}
		v.CSV[name] = "reports/" + name + "?" + cq.Encode()
	}
	v.SLA = figs.sla
	v.SLAText = h.Reports.Calendar.Describe(h.Reports.SLA)
	k, _, err := h.kpi(r)
	if err != nil { // its filters are checked above
		h.fail(w, r, err)
		return
	}
	v.KPIs, v.Period = k.Months, k.Period
	if len(k.Months) > 1 {
		v.KPIByMonth = kpiByMonth(k)
	}
	h.render(w, r, http.StatusOK, "dashboard", "Reports", "", "reports", v)
}

// kpiTable is a period's KPI as one table, a row a month and a column a
// stage, to compare months at a glance: a long period was a table a month
// (up to 24 one under another), each month's figures pages apart.
type kpiTable struct {
	Stages   []string
	Months   []kpiMonth
	Total    []reports.KPIRow // the begun months' actuals against their targets
	Begun    int              // months in Total
	From, To string           // the first month's first day and the last's last (YYYY-MM-DD)
	Spanned  int              // months the period picked spans
	Cut      bool             // more than reports.MaxKPIMonths: the last of them shown
}

type kpiMonth struct {
	reports.KPIReport
	State string // past, current (its run rate shown) or ahead (not begun)
}

func kpiByMonth(k kpiAnswer) *kpiTable {
	t := &kpiTable{From: k.Months[0].From, To: k.Months[len(k.Months)-1].To, Spanned: k.Spanned, Cut: k.Cut()}
	for _, row := range k.Months[0].Rows {
		t.Stages = append(t.Stages, row.Stage)
		t.Total = append(t.Total, reports.KPIRow{Stage: row.Stage})
	}
	for _, m := range k.Months {
		state := "current"
		switch {
		case m.ElapsedExact == 0:
			state = "ahead"
		case m.ElapsedExact >= 1:
			state = "past"
		}
		t.Months = append(t.Months, kpiMonth{KPIReport: m, State: state})
		if state == "ahead" {
			continue
		}
		t.Begun++
		for i, row := range m.Rows {
			if i < len(t.Total) {
				t.Total[i].Target += row.Target
				t.Total[i].Actual += row.Actual
			}
		}
	}
	for i := range t.Total {
		if t.Total[i].Target > 0 {
			t.Total[i].Share = reports.Measured(float64(t.Total[i].Actual) / float64(t.Total[i].Target))
		}
	}
	return t
}

// dashFigures are the figures the dashboard shows.
type dashFigures struct {
	everyone []reports.FunnelRow // by channel, no filter: the channels to pick and whether there is any lead
	funnel   []reports.FunnelRow
	credit   map[string]map[string]float64 // the MQLs' attribution: model -> group -> credit
	quality  []reports.QualityRow
	sla      []reports.SLARow
	asOf     string // the snapshot's time ("": computed now)
}

// dashboardFigures are the figures of the filter, grouped by by: without
// a period or channel picked, from the sweep's snapshot (one item read,
// whatever the people) once it counts reports.SnapshotFrom people or
// more; else computed from every scored person's facts.
func (h *Handler) dashboardFigures(r *http.Request, f reports.Filter, by string) (dashFigures, error) {
	ctx := r.Context()
	q := r.URL.Query()
	if q.Get("from") == "" && q.Get("to") == "" && q.Get("channel") == "" && q.Get("period") == "" {
		s, ok, err := reports.ReadSnapshot(ctx, h.Reports.T)
		if err != nil {
			return dashFigures{}, err
		}
		g, grouped := s.By[by]
		everyone, any := s.By["channel"]
		if ok && grouped && any && s.People >= reports.SnapshotFrom {
			return dashFigures{everyone: everyone.Funnel, funnel: g.Funnel, credit: g.MQLCredit, quality: s.Quality, sla: s.SLA, asOf: h.asOf(s.At)}, nil
		}
	}
	people, err := reports.Load(context.WithoutCancel(ctx), h.Reports.T)
	if err != nil {
		return dashFigures{}, err
	}
	d := dashFigures{everyone: reports.Funnel(people, reports.Filter{Loc: f.Loc}), funnel: reports.Funnel(people, f),
		credit: reports.Attribution(people, f)["mql"], quality: reports.Quality(people, f)}
	d.sla, err = h.slaRows(ctx, people, f)
	return d, err
}

// asOf says when a snapshot was taken, in the configured zone: its time
// of day, and its date too when not today's.
func (h *Handler) asOf(at time.Time) string {
	loc := h.Reports.Calendar.Location()
	at = at.In(loc)
	if y, m, d := h.Reports.now().In(loc).Date(); at.Year() == y && at.Month() == m && at.Day() == d {
		return at.Format("15:04")
	}
	return at.Format("2006-01-02 15:04")
}
