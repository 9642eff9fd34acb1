package admin

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/baton-hq/baton/internal/calendar"
	"github.com/baton-hq/baton/internal/clock"

	"github.com/baton-hq/baton/internal/httpx"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/reports"
	"github.com/baton-hq/baton/internal/rulebook"
	"github.com/baton-hq/baton/internal/sla"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/textcut"
)

// Reports serves /admin/reports and the dashboard.
type Reports struct {
	T   table.Table
	SLA time.Duration
	Now func() time.Time
	// Calendar: the configured time zone (report days, dates in from/to)
	// and the working time the SLA is measured in.
	Calendar calendar.Calendar
	Targets  map[string]int // monthly KPI targets by funnel stage (kpi_targets)
	// Delivered is when a connector first took an MQL (push.FirstDelivery):
	// sales' SLA starts then. nil: no connector hands MQLs to sales (they
	// take them in the inbox), their time from the raise.
	Delivered sla.Delivered
	// Between lists the MQLs first delivered in a range
	// (push.FirstDeliveredBetween): the SLA report counts an MQL in the
	// period it reached sales. nil with Delivered.
	Between sla.DeliveredBetween
}

func (h *Handler) reportRoutes(mux *http.ServeMux) {
	mux.Handle("GET /admin/reports/{name}", h.Require(ScopeRead, h.report))
	mux.Handle("GET /admin/{$}", h.Require(ScopeRead, h.dashboard))
	h.salesReportRoutes(mux) // revenue, reps, kpi (salesreports.go)
}

func (rp *Reports) now() time.Time {
	if rp.Now != nil {
		return rp.Now()
	}
	return clock.Now()
}

func (rp *Reports) parseFilter(r *http.Request) (reports.Filter, string, error) {
	q := r.URL.Query()
	f := reports.Filter{By: q.Get("by"), Channel: q.Get("channel"), Period: q.Get("period"), Loc: rp.Calendar.Location()}
	// A channel no touch has (a typo, "Email", the Japanese name メール)
	// counted nobody, as if nothing had happened.
	if bad := oneOf(q, "channel", qualify.Channels()); bad != nil {
		return f, bad.Field, bad
	}
	switch f.Period {
	case "", "day", "week", "month":
	default:
		return f, "period", fmt.Errorf("period must be day, week or month")
	}
	switch f.By {
	case "", "channel", "source", "medium", "campaign":
	default:
		return f, "by", fmt.Errorf("by must be channel, source, medium or campaign")
	}
	for _, p := range []struct {
		name string
		t    *time.Time
	}{{"from", &f.From}, {"to", &f.To}} {
		v := q.Get(p.name)
		if v == "" {
			continue
		}
		t, err := calendar.ParseDay(v, f.Loc) // a date is a day where sales are (its first instant)
		if err == nil && p.name == "to" {
			t = calendar.NextDayStart(t, f.Loc) // a date picked as the last day is in the range, as on the MQL page
		}
		if err != nil {
			if t, err = time.Parse(time.RFC3339, v); err != nil {
				return f, p.name, fmt.Errorf("%s must be a date (2026-11-01) or RFC 3339 time", p.name)
			}
		}
		*p.t = t
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		// Swapped dates would show an empty period as if nothing happened.
		return f, "to", fmt.Errorf("to must not be before from")
	}
	return f, "", nil
}

// attributionNote says why attribution's credits of a stage need not sum
// to the funnel's count of it: the funnel counts people, attribution
// cycles (reports.Attribution).
const attributionNote = "the funnel's rows count each person once a stage (the first time they reached it); attribution credits every MQL, SQL and win, one of each per cycle, as the funnel's counters and the KPI count every entry to a stage: a lead recycled and qualified again counts again there, so a stage's credits under a model can sum to more than the rows' count of it."

// loadReport reads a report request's filter and the people's facts; false
// when it has answered (a 400 naming the bad filter, or a failure).
func (h *Handler) loadReport(w http.ResponseWriter, r *http.Request) (reports.Filter, []*reports.Person, bool) {
	f, field, err := h.Reports.parseFilter(r)
	if err != nil {
		httpx.JSON(w, http.StatusBadRequest, httpx.ErrorBody{Error: err.Error(), Field: field})
		return f, nil, false
	}
	if bad := reportForm(r.URL.Query()); bad != nil {
		bad.refuse(w)
		return f, nil, false
	}
	people, err := reports.Load(r.Context(), h.Reports.T)
	if err != nil {
		h.fail(w, r, err)
		return f, nil, false
	}
	return f, people, true
}

func (h *Handler) report(w http.ResponseWriter, r *http.Request) {
	f, people, ok := h.loadReport(w, r)
	if !ok {
		return
	}
	var header []string
	var rows [][]string
	var body any
	switch name := r.PathValue("name"); name {
	case "funnel":
		fr := reports.Funnel(people, f)
		counters := map[string]map[string]int64{}
		if f.By == "" || f.By == "channel" {
			var err error
			if counters, err = reports.FunnelCounters(r.Context(), h.Reports.T, f); err != nil {
				h.fail(w, r, err)
				return
			}
		}
		body = map[string]any{"stages": reports.Stages, "rows": fr, "counters": counters,
			// Why the two may differ, said where the numbers are read.
			"note": attributionNote, "countersNote": "counters are counted when each stage change is written, under the first-touch channel known at that moment and the day it happened in the configured time zone; rows are computed now from each person's facts. They differ when a first touch becomes known later (anonymous history stitched after the stage change), when a person was erased (counters are aggregates and stay) or when a lead was recycled and reached a stage again (counters count each entry, as attribution counts each cycle's; rows each person once)."}
		header = append([]string{"period", "group"}, reports.Stages...)
		for i := 1; i < len(reports.Stages); i++ {
			// Named a rate: beside the stages' head counts a bare
			// "lead->mql" holding 0.429 was read as a count in Excel.
			header = append(header, reports.Stages[i-1]+"->"+reports.Stages[i]+rateSuffix)
		}
		for _, x := range fr {
			rows = append(rows, funnelCSVRow(x))
		}
	case "attribution":
		a := reports.Attribution(people, f)
		body = map[string]any{"models": reports.Models, "stages": a,
			// Said where the credits are read, so they are not taken for
			// the funnel's counts (a per-cycle funnel is not kept).
			"note": attributionNote}
		header = []string{"stage", "model", "group", "credit"}
		for _, stage := range sortedKeys(a) {
			for _, m := range reports.Models {
				for _, g := range sortedKeys(a[stage][m]) {
					rows = append(rows, []string{stage, m, g, num(a[stage][m][g])})
				}
			}
		}
	case "sla":
		s, err := h.slaRows(r.Context(), people, f)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		body = map[string]any{"acceptWithinHours": h.Reports.SLA.Hours(), "sla": h.Reports.Calendar.Describe(h.Reports.SLA), "businessTime": h.Reports.Calendar.Business, "rows": s}
		header = []string{"owner", "mqls", "responded", "accepted", "rejected", "within_sla", "share_within", "median_hours_to_respond", "open_breaches", "not_delivered"}
		for _, x := range s {
			row := slaRow(x)
			row[0] = page{L: csvLang(r)}.Who(row[0]) // the administrator as the page names them, not the token's variable
			rows = append(rows, row)
		}
	case "mql-quality":
		q := withEveryRule(reports.Quality(people, f), h.rules())
		why := whyText
		if csvLang(r) == "ja" {
			why = page{L: "ja"}.Why // the stages sales named, as the page says them
		}
		for i := range q {
			q[i].Label = qualityLabel(h.rules(), q[i], csvLang(r))
		}
		body = map[string]any{"rows": q}
		header = []string{"dimension", "value", "label", "mqls", "sal", "sql", "won", "rejected", "lost", "why"}
		for _, x := range q {
			rows = append(rows, []string{x.Dimension, x.Value, x.Label, strconv.Itoa(x.MQLs), strconv.Itoa(x.SAL), strconv.Itoa(x.SQL), strconv.Itoa(x.Won), strconv.Itoa(x.Rejected), strconv.Itoa(x.Lost), why(x.Why)})
		}
	default:
		httpx.Error(w, http.StatusNotFound, "no report "+name+" (funnel, attribution, sla, mql-quality, revenue, reps, kpi)")
		return
	}
	if col := map[string]int{"funnel": 1, "attribution": 2}[r.PathValue("name")]; col > 0 && f.By == "campaign" && wantsCSV(r) {
		var err error
		if rows, err = h.campaignCells(r.Context(), rows, col, nil); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	h.table(w, r, h.reportFile(r.PathValue("name"), f), header, rows, body)
}

// withEveryRule adds to the MQL quality rows a row of zeros for each MQL
// condition and band of the rules that produced no MQL in the period (a
// rule that qualifies nobody is what tuning the definition looks for, and
// was missing from the report), and orders them as the rules file does:
// conditions, then bands (highest first), each in the file's order, then
// grades; a value the rules no longer name after those of its dimension.
func withEveryRule(q []reports.QualityRow, rules *rulebook.Rules) []reports.QualityRow {
	rank := map[string]int{} // dimension + "\x00" + value -> place in the file
	if rules != nil {
		for i, c := range rules.MQL {
			rank["condition\x00"+c.Name] = i
		}
		for i, b := range rules.Bands {
			rank["band\x00"+b.Name] = i
		}
	}
	have := map[string]bool{}
	for _, x := range q {
		have[x.Dimension+"\x00"+x.Value] = true
	}
	if rules != nil {
		for _, c := range rules.MQL {
			if !have["condition\x00"+c.Name] {
				q = append(q, reports.QualityRow{Dimension: "condition", Value: c.Name})
			}
		}
		for _, b := range rules.Bands {
			if !have["band\x00"+b.Name] {
				q = append(q, reports.QualityRow{Dimension: "band", Value: b.Name})
			}
		}
	}
	dim := map[string]int{"condition": 0, "band": 1, "grade": 2}
	slices.SortStableFunc(q, func(a, b reports.QualityRow) int {
		if c := cmp.Compare(dim[a.Dimension], dim[b.Dimension]); c != 0 {
			return c
		}
		ra, oka := rank[a.Dimension+"\x00"+a.Value]
		rb, okb := rank[b.Dimension+"\x00"+b.Value]
		switch {
		case oka && okb:
			return cmp.Compare(ra, rb)
		case oka != okb: // named by the rules first
			if oka {
				return -1
			}
			return 1
		}
		return cmp.Compare(a.Value, b.Value)
	})
	return q
}

// qualityLabel is an MQL quality row's value as sales read it in lang: a
// condition's or band's label in the rules file, else the value itself (a
// grade, a condition since removed, one without a label), so the column a
// spreadsheet reads is never empty.
func qualityLabel(rules *rulebook.Rules, x reports.QualityRow, lang string) string {
	switch x.Dimension {
	case "condition":
		return rules.ConditionLabel(x.Value, lang)
	case "band":
		if t, ok := rules.BandLabels(lang)[x.Value]; ok {
			return t
		}
	}
	return x.Value
}

// campaignCells names the campaigns of a report's CSV rows (column col;
// of the rows in accepts, nil: all) as the dashboard does, by the name
// the campaign was given rather than its id or utm_campaign (the JSON
// keeps the ids: a program joins on them).
func (h *Handler) campaignCells(ctx context.Context, rows [][]string, col int, accepts func([]string) bool) ([][]string, error) {
	ids := map[string]bool{}
	for _, row := range rows {
		if accepts == nil || accepts(row) {
			ids[row[col]] = true
		}
	}
	if len(ids) == 0 {
		return rows, nil
	}
	names, err := h.campaignNamesOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	for _, row := range rows {
		if n := names[row[col]]; n != "" && (accepts == nil || accepts(row)) {
			row[col] = n
		}
	}
	return rows, nil
}

// reportForm checks how a report is asked for: ?format= json or csv, and
// a CSV's ?lang= (an unknown one answered the API's JSON or English).
func reportForm(q url.Values) *badParam { return answerForm(q, "json", "csv") }

// answerForm checks ?format= (once, one of formats) and ?lang= (once, en
// or ja), as every report checks them.
func answerForm(q url.Values, formats ...string) *badParam {
	if bad := oneOf(q, "format", formats); bad != nil {
		return bad
	}
	return oneOf(q, "lang", []string{"en", "ja"})
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// creditText says a chart's attribution credits alike: whole numbers
// when every credit is whole (first or last touch), else each to two
// decimals (0.33, 0.20, 1.50), never the report's 0.333 beside 0.2.
func creditText(values []float64) func(float64) string {
	for _, v := range values {
		if v != math.Trunc(v) {
			return func(f float64) string { return strconv.FormatFloat(f, 'f', 2, 64) }
		}
	}
	return func(f float64) string { return strconv.FormatFloat(f, 'f', 0, 64) }
}

// cell is a figure, or an empty cell where it was not measured: a share of
// nothing or a median of no times. A spreadsheet reads 0 as measured (an
// MQL nobody answered had "0 hours to respond"); the pages show "—" and
// the JSON null.
func cell(f reports.Figure) string {
	v, ok := f.Value()
	if !ok {
		return ""
	}
	return num(v)
}

// figurePct is a report's share as pctText says it, "—" where it was not
// measured (as its CSV cell is empty and its JSON null).
func figurePct(f reports.Figure) string {
	if v, ok := f.Value(); ok {
		return pctText(v)
	}
	return "—"
}

// rateSuffix ends the name of a funnel CSV's conversion column
// ("lead->mql rate"; 率 in Japanese). Its cells are ratios (0.429), as the
// JSON's and the other reports' rates (win_rate, share_within): a number
// Excel's percent format shows as 42.9%, never a string with %.
const rateSuffix = " rate"

// funnelCSVRow leaves a conversion empty where nobody reached its first stage.
func funnelCSVRow(x reports.FunnelRow) []string {
	row := []string{x.Period, x.Group}
	for _, s := range reports.Stages {
		row = append(row, strconv.Itoa(x.Counts[s]))
	}
	for i := 1; i < len(reports.Stages); i++ {
		row = append(row, cell(x.Conversion[reports.Stages[i-1]+"->"+reports.Stages[i]]))
	}
	return row
}

func slaRow(x reports.SLARow) []string {
	return []string{x.Owner, strconv.Itoa(x.MQLs), strconv.Itoa(x.Responded), strconv.Itoa(x.Accepted), strconv.Itoa(x.Rejected), strconv.Itoa(x.WithinSLA),
		cell(x.ShareWithin), cell(x.MedianHours), strconv.Itoa(x.OpenBreaches), strconv.Itoa(x.NotDelivered)}
}

// slaRows is the SLA report with sales' time from each MQL's delivery
// (push keeps it per connector): a lead no connector took is counted not
// delivered, not sales' breach. An MQL no verdict names a rep for counts
// under the owner its breach named (read from the SFA).
func (h *Handler) slaRows(ctx context.Context, people []*reports.Person, f reports.Filter) ([]reports.SLARow, error) {
	owners, err := h.Reports.breachOwners(ctx)
	if err != nil {
		return nil, err
	}
	return reports.SLAOf(ctx, people, f, h.Reports.SLA, h.Reports.Calendar, h.Reports.now(), h.Reports.Delivered, h.Reports.Between, owners)
}

// breachOwners are the owners announced SLA breaches named, by MQL id
// (one query, whatever the people); none without a table.
func (rp *Reports) breachOwners(ctx context.Context) (map[string]string, error) {
	if rp.T == nil {
		return nil, nil
	}
	return sla.BreachOwners(ctx, rp.T)
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// bar is one bar of an inline SVG chart.
type bar struct {
	Label  string
	Short  string // Label as it fits before the bar (the whole one is the bar's title)
	Narrow string // Label as it fits a phone's chart, above its bar across the width (narrowLabelWidth)
	Phrase bool   // Label is a phrase of the pages ("(no campaign)"), said in the page's language whole
	Value  float64
	Text   string
	Y      int
	W      int
	NY, NB int // a phone's chart: the label's y, the bar's below it
}

type chart struct {
	Title  string
	Sub    string // a line under the title (the model, in its words)
	Stages bool   // the labels are lifecycle stages (named in the page's language)
	Chans  bool   // the labels are channels (named in the page's language)
	Bars   []bar
	Height int
	// NarrowHeight is the height of the phone's chart: each label on its
	// own line above its bar, in a box 300 wide (narrowBox) drawn about
	// 1:1 at 320 CSS px, so its 15-unit text stays about 15px. The 560-wide
	// chart shrank to 300 px there and its text to 9 or 10 px.
	NarrowHeight int
}

// narrowBox is the width of a phone's chart's box, and narrowLabelWidth
// the room of a label there (the whole width, above the bar).
const (
	narrowBox        = 300
	narrowLabelWidth = 296
)

func newChart(title string, labels []string, values []float64, text func(float64) string) chart {
	max := 0.0
	for _, v := range values {
		if v > max {
			max = v
		}
	}
	c := chart{Title: title, Height: 28*len(labels) + 10, NarrowHeight: 44*len(labels) + 4}
	for i, l := range labels {
		// A bar's title says its label and value in one text: a label's
		// bidirectional override (a utm_source anyone can send) turned
		// the value after it around, 12 read 21.
		l = textcut.Controls(l)
		w := 0
		if max > 0 {
			w = int(values[i] / max * 240)
		}
		c.Bars = append(c.Bars, bar{Label: l, Short: clipLabel(l, labelWidth), Narrow: clipLabel(l, narrowLabelWidth), Value: values[i], Text: text(values[i]), Y: 28*i + 5, W: w, NY: 44*i + 2, NB: 44*i + 22})
	}
	return c
}

// labelWidth is the room a chart's label has before its bar (x=220 in the
// chart's 560-wide box, bars up to 240 and their value after), in the
// box's units at its 15px font: a condition's label (Behaviour and fit
// matrix, 行動帯×グレードのマトリクス) whole, where 172 cut it short.
const labelWidth = 212

// clipLabel cuts a label that would run under its bar, by the width its
// characters take (a kanji or kana about 15, a Latin letter or digit about
// 8.5), ending it with an ellipsis: 製造業DXオンラインセミナー告知_2026年12月号
// ran over the bar and its value.
func clipLabel(s string, width float64) string {
	w, fits := 0.0, 0 // fits: the longest prefix that leaves room for "…"
	for i, r := range s {
		cw := 8.5
		if r >= 0x2e80 && !(r >= 0xff61 && r <= 0xff9f) { // CJK, kana, full-width forms (not half-width kana)
			cw = 15
		}
		if w+15 <= width {
			fits = i
		}
		if w += cw; w > width {
			return s[:fits] + "…"
		}
	}
	return s
}

// whyText says the reasons as people read them: "rejected: no budget x3; lost: timing".
func whyText(m map[string]int) string {
	return whyWith(m, func(k string) string { return k }, "%s x%d", "; ")
}

// whyWith is whyText with each reason said by say, counted as counted.
func whyWith(m map[string]int, say func(string) string, counted, sep string) string {
	keys := sortedKeys(m)
	sort.SliceStable(keys, func(i, j int) bool { return m[keys[i]] > m[keys[j]] })
	var parts []string
	for _, k := range keys {
		if m[k] > 1 {
			parts = append(parts, fmt.Sprintf(counted, say(k), m[k]))
		} else {
			parts = append(parts, say(k))
		}
	}
	return strings.Join(parts, sep)
}
