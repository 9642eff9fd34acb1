package admin

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/baton-hq/baton/internal/audit"
	"github.com/baton-hq/baton/internal/calendar"
	"github.com/baton-hq/baton/internal/csvout"
)

// The audit trail's page (GET /admin/audit for a browser) reads the trail
// a page at a time, newest first, from the end of the date range: at most
// auditExamine entries a page (filters that match rarely leave a page
// short, with a link to go on), never the whole trail. Its CSV is the
// filtered trail, at most auditCSVRows rows.
const (
	auditPageRows = 50
	auditExamine  = 1000
	auditCSVRows  = 20000
)

// auditActions are the action filter's choices, in the order shown.
var auditActions = []string{"signin-failed", "refused", "signin", "erase", "disclose", "backup", "change"}

// auditView is the audit page: its filters, rows and paging.
type auditView struct {
	Field                 string // the filter the error is about (Invalid)
	Who, Action, From, To string
	Zone                  string // the configured zone's abbreviations (JST, EST/EDT: calendar.Abbreviations)
	Actions               []string
	Rows                  []audit.Entry
	Error                 string
	Next, First, CSV      string
	Examined              int
}

func (v auditView) badField() string { return v.Field }

// auditFilter is what the page and its CSV select.
type auditFilter struct {
	who, action string
	from, to    time.Time // to: exclusive
}

func (f auditFilter) match(e audit.Entry) bool {
	if f.who != "" && !sameWho(e.Who, f.who) {
		return false
	}
	switch f.action {
	case "signin-failed":
		return e.Count > 0 && strings.HasSuffix(e.Route, "/admin/login")
	case "refused":
		o := outcomeOf(e)
		return o == audit.ResultRefused || o == audit.ResultFailed
	case "signin":
		return strings.HasSuffix(e.Route, "/admin/login") || strings.HasSuffix(e.Route, "/admin/logout")
	case "erase":
		return strings.HasPrefix(e.Route, "DELETE /admin/people")
	case "disclose":
		return strings.HasSuffix(e.Route, "/disclosure")
	case "backup":
		return e.Route == "GET /admin/backup"
	case "change":
		return e.Count == 0 && !safe(e.Method)
	}
	return true
}

// auditQuery reads the filters: the page's, its CSV's and the JSON's.
func (h *Handler) auditQuery(q url.Values) (auditFilter, *badParam) {
	f := auditFilter{who: strings.TrimSpace(q.Get("who")), action: q.Get("action")}
	if bad := oneOf(q, "action", auditActions); bad != nil {
		return f, bad
	}
	var bad *badParam
	if f.from, f.to, bad = dayRange(q, h.loc()); bad != nil {
		return f, bad
	}
	if f.to.Year() > 9999 {
		// 9999-12-31, "until further notice": no entry is dated after it,
		// and a cursor (a 4-digit year) cannot start past it.
		f.to = time.Time{}
	}
	return f, nil
}

// filtered reports whether q asks for any of the trail's filters.
func (f auditFilter) filtered() bool {
	return f.who != "" || f.action != "" || !f.from.IsZero() || !f.to.IsZero()
}

// auditScan hands each entry matching f to keep, newest first from cursor
// (or from f.to), reading at most examine entries; it returns the cursor
// after the last entry it read ("" : the trail, or the range, is done) and
// how many it read. keep returns false to stop.
func (h *Handler) auditScan(r *http.Request, f auditFilter, cursor string, examine int, keep func(audit.Entry) bool) (string, int, error) {
	if cursor == "" && !f.to.IsZero() {
		cursor = audit.Before(f.to)
	}
	n := 0
	for n < examine {
		es, next, err := h.Audit.List(r.Context(), cursor, min(audit.MaxLimit, examine-n))
		if err != nil {
			return "", n, err
		}
		for _, e := range es {
			if !f.from.IsZero() && e.At.Before(f.from) {
				return "", n, nil
			}
			n++
			cursor = e.Cursor
			if f.match(e) && !keep(e) {
				return cursor, n, nil
			}
		}
		if next == "" {
			return "", n, nil
		}
	}
	return cursor, n, nil
}

func (h *Handler) auditPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f, bad := h.auditQuery(q)
	if bad == nil {
		bad = auditForm(q)
	}
	v := auditView{Who: f.who, Action: f.action, From: q.Get("from"), To: q.Get("to"), Actions: auditActions, Zone: calendar.Abbreviations(h.loc(), h.wsNow())}
	cursor := q.Get("after")
	if bad == nil && cursor != "" && !audit.ValidCursor(cursor) {
		bad = &badParam{"after", "after must be the next of an earlier answer"}
	}
	if bad != nil { // the filters as given, and no entries
		v.Error, v.Field = bad.Msg, bad.Field
		h.render(w, r, http.StatusBadRequest, "audit", "Audit trail", "", "audit", v)
		return
	}
	next, n, err := h.auditScan(r, f, cursor, auditExamine, func(e audit.Entry) bool {
		v.Rows = append(v.Rows, e)
		return len(v.Rows) < auditPageRows
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v.Examined = n
	v.First, v.Next = pageLinks("audit", q, next)
	csv := url.Values{"format": {"csv"}}
	for _, k := range []string{"who", "action", "from", "to"} {
		if s := q.Get(k); s != "" {
			csv.Set(k, s)
		}
	}
	csv.Set("lang", h.lang(w, r))
	v.CSV = "audit?" + csv.Encode()
	h.render(w, r, http.StatusOK, "audit", "Audit trail", "", "audit", v)
}

// auditCSV writes the filtered trail for a spreadsheet: UTF-8 with a BOM
// (csvout), times in the configured zone, and with ?lang=ja the Japanese
// headers and words of the page.
func (h *Handler) auditCSV(w http.ResponseWriter, r *http.Request) {
	f, bad := h.auditQuery(r.URL.Query())
	if bad != nil {
		bad.refuse(w)
		return
	}
	p := page{L: "en", Loc: h.loc()}
	if csvLang(r) == "ja" {
		p.L = "ja"
	}
	zone := calendar.Abbreviations(p.Loc, h.wsNow())
	var rows [][]string
	_, _, err := h.auditScan(r, f, "", auditCSVRows*4, func(e audit.Entry) bool {
		who := p.Who(e.Who)
		if who == "" && e.Count > 0 {
			who = p.T("(no known token)")
		}
		last := ""
		if !e.Last.IsZero() {
			last = calendar.FormatMarked(e.Last.In(p.Loc), "2006-01-02 15:04:05")
		}
		rows = append(rows, []string{calendar.FormatMarked(e.At.In(p.Loc), "2006-01-02 15:04:05"), who, p.Via(e.Via), p.Action(e.Route), e.Route, e.ID,
			strconv.Itoa(e.Status), p.Reason(e.Reason), e.Addr, strconv.Itoa(max(e.Count, 1)), last, p.T(outcomeWords[outcomeOf(e)])})
		return len(rows) < auditCSVRows
	})
	if err != nil {
		h.fail(w, nil, err)
		return
	}
	// result last: the columns before it stay where a spreadsheet read them.
	header := []string{"at (" + zone + ")", "who", "via", "action", "route", "id", "status", "reason", "address", "count", "last at (" + zone + ")", "result"}
	if p.L == "ja" {
		header = []string{"日時（" + zone + "）", "操作者", "認証", "操作", "ルート", "ID", "ステータス", "理由", "接続元", "回数", "最終日時（" + zone + "）", "結果"}
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	attachment(w, periodName("audit", ".csv", f.from, f.to, h.loc(), h.wsNow()))
	cw := csvout.NewWriter(w, true)
	cw.Write(header)
	cw.WriteAll(rows) // the status is sent: a failed write leaves the client a short file
}

// auditRouteNames name the routes an operator looks for in the trail.
var auditRouteNames = map[string]string{
	"POST /admin/login": "Sign-in", "POST /admin/logout": "Sign-out",
	"DELETE /admin/people/{id}": "Erasure", "DELETE /admin/people": "Erasure",
	"GET /admin/backup": "Backup download", "GET /admin/people/{id}/disclosure": "Disclosure download", "GET /admin/disclosure": "Disclosure download",
	"GET /admin/people/{id}/disclosure/parts": "Disclosure's parts listed",
	"POST /admin/links":                       "Tracked links registered",
	"POST /admin/campaigns":                   "Campaign created", "POST /admin/recipients": "Recipient list uploaded", "POST /admin/campaigns/{id}/recipients": "Recipient list uploaded",
	"POST /admin/touches": "Offline touches imported", "POST /admin/rescore": "Rescore",
	"POST /admin/people/{id}/outcome": "Sales verdict", "POST /admin/people/{id}/consent": "Use of their data stopped or resumed", "POST /admin/deadletters/{id}/replay": "Dead letter replayed",
	"POST /admin/deadletters/purge":   "Dead letters purged",
	"POST /admin/accounts/{id}/merge": "Accounts merged", "POST /admin/accounts/{id}/split": "Account split",
	"POST /admin/rules/simulate": "Rules simulated",
}

// Action names an entry's route in the page's language ("" when it has no
// name: the route's pattern says it).
func (p page) Action(route string) string {
	if n, ok := auditRouteNames[route]; ok {
		return p.T(n)
	}
	return ""
}

// Reason says why a request was refused, in the page's language.
func (p page) Reason(r string) string {
	if r == "" {
		return ""
	}
	return p.T("reason:" + r)
}

// outcomeOf is what an entry's request did: what its handler said
// (Result: a form's refusal is a 303, as its success is), else refused
// when it has a reason or a 4xx or 5xx status, else done.
func outcomeOf(e audit.Entry) string {
	switch {
	case e.Result != "":
		return e.Result
	case e.Reason != "" || e.Status >= 400:
		return audit.ResultRefused
	}
	return "done"
}

// outcomeWords name the outcomes (the page's and the CSV's result).
var outcomeWords = map[string]string{"done": "Done", audit.ResultRefused: "Refused", audit.ResultNotApplied: "Not applied", audit.ResultFailed: "Failed"}

// Outcome says what an entry's request did, and why when it did not do
// what it asked, in the page's language.
func (p page) Outcome(e audit.Entry) string {
	w, ok := outcomeWords[outcomeOf(e)]
	if !ok {
		w = outcomeOf(e) // a result this version does not know: as stored
	}
	if e.Reason == "" {
		return p.T(w)
	}
	return p.F(w+": %s", p.Reason(e.Reason))
}

// OutcomeClass is the chip of an entry's outcome.
func (p page) OutcomeClass(e audit.Entry) string {
	switch outcomeOf(e) {
	case "done":
		return "delivered"
	case audit.ResultNotApplied:
		return "pending"
	}
	return "dead"
}

// Via says how a caller authenticated.
func (p page) Via(v string) string {
	if v == "" {
		return ""
	}
	return p.T("auth:" + v)
}

// Span is a refusal entry's first attempt and its last (zero: only one),
// to the second in the configured zone; the last as a time of day (the
// same minute).
func (p page) Span(first, last time.Time) string {
	s := p.Instant(first)
	if last.IsZero() || last.Truncate(time.Second).Equal(first.Truncate(time.Second)) {
		return s
	}
	sep := "–"
	if p.L == "ja" {
		sep = "〜"
	}
	return s + sep + calendar.FormatMarked(last.In(p.Loc), "15:04:05")
}

// Instant is a time to the second in the configured zone.
func (p page) Instant(t time.Time) string {
	t = t.In(p.Loc)
	if p.L == "ja" {
		return calendar.FormatMarked(t, "2006年1月2日 15:04:05") // When's, to the second
	}
	return calendar.FormatMarked(t, "2 Jan 2006 15:04:05")
}
