package admin

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/baton-hq/baton/internal/csvout"
	"github.com/baton-hq/baton/internal/httpx"
	"github.com/baton-hq/baton/internal/reports"
)

// The reports sales and marketing run the business on: revenue by
// channel and campaign, each rep's results, the month against its targets.
// Literal paths: they take precedence over /admin/reports/{name}.
func (h *Handler) salesReportRoutes(mux *http.ServeMux) {
	mux.Handle("GET /admin/reports/revenue", h.Require(ScopeRead, h.revenueReport))
	mux.Handle("GET /admin/reports/reps", h.Require(ScopeRead, h.repsReport))
	mux.Handle("GET /admin/reports/kpi", h.Require(ScopeRead, h.kpiReport))
}

// modelNames says what each attribution model is, for people and files.
var modelNames = map[string]string{"first": "first touch", "last": "last touch", "linear": "linear", "position": "40/20/40"}

func (h *Handler) revenueReport(w http.ResponseWriter, r *http.Request) {
	f, people, ok := h.loadReport(w, r)
	if !ok {
		return
	}
	dims := []string{"channel", "campaign"}
	if f.By != "" {
		dims = []string{f.By}
	}
	rows, totals := reports.Revenue(people, f, dims)
	// kind -> currency -> model -> dimension -> group -> amount: the same
	// numbers as rows, shaped for reading one model at a time.
	nested := map[string]map[string]map[string]map[string]map[string]float64{reports.Won: {}, reports.Pipeline: {}}
	for _, x := range rows {
		byCur := nested[x.Kind]
		if byCur[x.Currency] == nil {
			byCur[x.Currency] = map[string]map[string]map[string]float64{}
		}
		if byCur[x.Currency][x.Model] == nil {
			byCur[x.Currency][x.Model] = map[string]map[string]float64{}
		}
		if byCur[x.Currency][x.Model][x.Dimension] == nil {
			byCur[x.Currency][x.Model][x.Dimension] = map[string]float64{}
		}
		byCur[x.Currency][x.Model][x.Dimension][x.Group] = x.Amount
	}
	body := map[string]any{"models": reports.Models, "modelNames": modelNames, "dimensions": dims, "totals": totals, "rows": rows,
		reports.Won: nested[reports.Won], reports.Pipeline: nested[reports.Pipeline],
		"note": "won: deals whose person became a customer in the deal's MQL cycle, credited to that cycle's touches before the win, as the attribution report credits the win; pipeline: open deals (the person between MQL and opportunity in that cycle), credited to that cycle's touches before the deal opened (its SQL's, as attribution credits the SQL). A deal is in the period of its close date (else of the win or opening). Currencies are never summed together."}
	header := []string{"kind", "currency", "model", "dimension", "group", "amount", "deals"}
	var out [][]string
	for _, x := range rows {
		out = append(out, []string{x.Kind, x.Currency, modelNames[x.Model], x.Dimension, x.Group, num(x.Amount), num(x.Deals)})
	}
	if wantsCSV(r) { // the JSON keeps the ids: no read for it
		var err error
		if out, err = h.campaignCells(r.Context(), out, 4, func(row []string) bool { return row[3] == "campaign" }); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	h.table(w, r, h.reportFile("revenue", f), header, out, body)
}

func (h *Handler) repsReport(w http.ResponseWriter, r *http.Request) {
	f, people, ok := h.loadReport(w, r)
	if !ok {
		return
	}
	owners, err := h.Reports.breachOwners(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	rows, err := reports.RepsOf(r.Context(), people, f, h.Reports.SLA, h.Reports.Calendar, h.Reports.Delivered, owners)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	body := map[string]any{"sla": h.Reports.Calendar.Describe(h.Reports.SLA), "rows": rows,
		"note": "each MQL counts for the rep the SFA named on its first answer (else on a later change of its cycle, else as its owner when its SLA breach was announced); winRate is won / (won + lost); days are from the MQL."}
	header := []string{"owner", "dimension", "segment", "mqls", "accepted", "rejected", "within_sla", "sql", "won", "lost", "win_rate", "median_days_to_sql", "median_days_to_won", "won_amount"}
	var out [][]string
	for _, x := range rows {
		row := repRow(x)
		row[0] = page{L: csvLang(r)}.Who(row[0]) // as the page and the SLA CSV name the administrator
		out = append(out, row)
	}
	h.table(w, r, h.reportFile("reps", f), header, out, body)
}

// repRow leaves a rate or median empty where nothing was counted (no deal
// closed, none reached SQL or was won): a spreadsheet reads 0 as measured.
func repRow(x reports.RepRow) []string {
	var amounts []string
	for _, c := range sortedKeys(x.WonAmount) {
		amounts = append(amounts, c+" "+num(x.WonAmount[c]))
	}
	return []string{x.Owner, x.Dimension, x.Segment, strconv.Itoa(x.MQLs), strconv.Itoa(x.Accepted), strconv.Itoa(x.Rejected), strconv.Itoa(x.WithinSLA),
		strconv.Itoa(x.SQL), strconv.Itoa(x.Won), strconv.Itoa(x.Lost), cell(x.WinRate), cell(x.MedianDaysToSQL), cell(x.MedianDaysToWon), strings.Join(amounts, "; ")}
}

func (h *Handler) kpiReport(w http.ResponseWriter, r *http.Request) {
	if bad := reportForm(r.URL.Query()); bad != nil {
		bad.refuse(w)
		return
	}
	k, field, err := h.kpi(r)
	ks, period := k.Months, k.Period
	if err != nil {
		if field != "" {
			httpx.JSON(w, http.StatusBadRequest, httpx.ErrorBody{Error: err.Error(), Field: field})
			return
		}
		h.fail(w, r, err)
		return
	}
	header := []string{"month", "stage", "target", "actual", "share", "run_rate", "run_rate_share", "on_track"}
	var out [][]string
	for _, k := range ks {
		for _, x := range k.Rows {
			out = append(out, []string{k.Month, x.Stage, strconv.Itoa(x.Target), strconv.FormatInt(x.Actual, 10), cell(x.Share), cell(x.RunRate), cell(x.RunRateShare), strconv.FormatBool(x.OnTrack)})
		}
	}
	// A month (?month=, or this one) answers its report as before; a
	// period (?from=, ?to=) the report of each month in it.
	var body any = ks[0]
	if period {
		// A period over reports.MaxKPIMonths is cut to its last months: the
		// JSON says so; a CSV has no room for a note, its file name and
		// month column name the months it holds.
		m := map[string]any{"months": ks, "spanned": k.Spanned, "cut": k.Cut()}
		if k.Cut() {
			m["note"] = fmt.Sprintf("the period spans %d months: the report has its last %d (%s to %s); ask for a shorter period for the earlier months.",
				k.Spanned, len(ks), ks[0].Month, ks[len(ks)-1].Month)
		}
		body = m
	}
	h.table(w, r, "kpi_"+ks[0].From+"_"+ks[len(ks)-1].To+".csv", header, out, body) // the days of the months reported, not of the period asked
}

// kpiAnswer is the KPI of the months asked for.
type kpiAnswer struct {
	Months []reports.KPIReport
	Period bool // asked with a period (?from= ?to=), not a month
	// Spanned is how many months the request spans: more than Months when
	// the period was cut to its last reports.MaxKPIMonths.
	Spanned int
}

// Cut says the period was cut to its last reports.MaxKPIMonths months.
func (k kpiAnswer) Cut() bool { return k.Spanned > len(k.Months) }

// kpi is the months asked for against the configured targets: those of
// the period ?from= ?to= (the dashboard's filter, dates in the configured
// zone; Period), else ?month=YYYY-MM, else this month. A field names bad
// input.
func (h *Handler) kpi(r *http.Request) (kpiAnswer, string, error) {
	now := h.Reports.now()
	first, last, period, field, err := h.kpiMonths(r, now)
	if err != nil {
		return kpiAnswer{}, field, err
	}
	ks, err := reports.KPIMonths(r.Context(), h.Reports.T, h.Reports.Targets, h.Reports.Calendar, first, last, now)
	return kpiAnswer{Months: ks, Period: period, Spanned: reports.MonthsSpanned(h.Reports.Calendar, first, last)}, "", err
}

// kpiMonths reads the KPI's first and last months from the request (see
// kpi); a field names bad input.
func (h *Handler) kpiMonths(r *http.Request, now time.Time) (first, last time.Time, period bool, field string, err error) {
	q := r.URL.Query()
	first, last = now, now
	period = q.Get("from") != "" || q.Get("to") != ""
	if period && q.Get("month") != "" { // one would be dropped
		return first, last, false, "month", errMonthAndPeriod
	}
	switch {
	case period:
		f, field, err := h.Reports.parseFilter(r)
		if err != nil {
			return first, last, false, field, err
		}
		// Given, not non-zero: 0001-01-01 in a UTC zone is Go's zero time,
		// and was read as no from (the month of to alone, no note).
		if q.Get("to") != "" {
			first, last = f.To.Add(-time.Nanosecond), f.To.Add(-time.Nanosecond) // To is the day after the last
		}
		if q.Get("from") != "" {
			first = f.From
		}
	case q.Get("month") != "":
		m, err := time.ParseInLocation("2006-01", q.Get("month"), h.Reports.Calendar.Location())
		if err != nil || m.Year() < 1 { // year 0 as dates are (dayRange)
			return first, last, false, "month", errBadMonth
		}
		first, last = m, m
	}
	if last.Before(first) { // from only, in the future
		last = first
	}
	return first, last, period, "", nil
}

var (
	errBadMonth       = errors.New("month must be YYYY-MM (2026-11)")
	errMonthAndPeriod = errors.New("month and from or to cannot be given together: give one")
)

// table answers JSON, or CSV (BOM, formula-safe) when asked with
// ?format=csv or Accept: text/csv.
// wantsCSV reports whether a report is asked for as CSV (?format=csv, or
// an Accept naming text/csv) rather than JSON.
func wantsCSV(r *http.Request) bool {
	return r.URL.Query().Get("format") == "csv" || strings.Contains(r.Header.Get("Accept"), "text/csv")
}

// file is the download's name.
func (h *Handler) table(w http.ResponseWriter, r *http.Request, file string, header []string, rows [][]string, body any) {
	if wantsCSV(r) {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		attachment(w, file)
		cw := csvout.NewWriter(w, true)
		cw.Write(csvHeader(r, header))
		cw.WriteAll(csvRows(r, header, rows)) // the status is sent: a failed write leaves the client a short file
		return
	}
	httpx.JSON(w, http.StatusOK, body)
}
