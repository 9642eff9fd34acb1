package admin

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/baton-hq/baton/internal/audit"
	"github.com/baton-hq/baton/internal/httpx"
)

// auditRoutes lists the trail (JSON, the workspace's page, its CSV). The
// read scope suffices: an entry names an operator, a route and at most a
// truncated client network, less than what the read scope already shows
// of people, and whoever can change things can see who did.
func (h *Handler) auditRoutes(mux *http.ServeMux) {
	mux.Handle("GET /admin/audit", h.Require(auditScope, h.listAudit))
}

// AuditPage is the answer of GET /admin/audit: entries newest first, and
// the cursor of the next page (absent on the last).
type AuditPage struct {
	Entries []audit.Entry `json:"entries"`
	Next    string        `json:"next,omitempty"`
}

func (h *Handler) listAudit(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	// format=xml or CSV answered JSON, lang=fr English, format given twice
	// the first: refused as the reports refuse them (the page says it).
	bad := auditForm(q)
	switch {
	case bad != nil && wantsHTML(r):
		h.auditPage(w, r)
		return
	case bad != nil:
		bad.refuse(w)
		return
	case q.Get("format") == "csv":
		h.auditCSV(w, r)
		return
	case wantsHTML(r):
		h.auditPage(w, r)
		return
	}
	limit := 50
	if s := q.Get("limit"); s != "" {
		n, err := formInt(s)
		if err != nil || n < 1 || n > audit.MaxLimit {
			httpx.JSON(w, http.StatusBadRequest, httpx.ErrorBody{Error: "limit must be a number from 1 to " + strconv.Itoa(audit.MaxLimit), Field: "limit"})
			return
		}
		limit = n
	}
	f, bad := h.auditQuery(q)
	if bad != nil {
		bad.refuse(w)
		return
	}
	if f.filtered() {
		h.filteredAudit(w, r, f, limit)
		return
	}
	es, next, err := h.Audit.List(r.Context(), q.Get("cursor"), limit)
	if errors.Is(err, audit.ErrCursor) {
		httpx.JSON(w, http.StatusBadRequest, httpx.ErrorBody{Error: "cursor must be the next of an earlier page", Field: "cursor"})
		return
	}
	if err != nil {
		h.fail(w, nil, err)
		return
	}
	httpx.JSON(w, http.StatusOK, AuditPage{Entries: es, Next: next})
}

// auditForm checks how the trail is asked for as the reports are asked
// (answerForm): the JSON, the page (format=html) or the CSV, in English or
// Japanese.
func auditForm(q url.Values) *badParam { return answerForm(q, "json", "csv", "html") }

// auditJSONExamine bounds the entries one filtered JSON answer reads
// (filters that match rarely answer short, with next to go on).
const auditJSONExamine = 5000

// filteredAudit answers GET /admin/audit with the page's filters (who,
// action, from, to: they were ignored here, and a client asking for the
// refusals got every entry): the entries kept, newest first, at most
// limit, and next, the cursor of the following answer.
func (h *Handler) filteredAudit(w http.ResponseWriter, r *http.Request, f auditFilter, limit int) {
	cursor := r.URL.Query().Get("cursor")
	if cursor != "" && !audit.ValidCursor(cursor) {
		httpx.JSON(w, http.StatusBadRequest, httpx.ErrorBody{Error: "cursor must be the next of an earlier page", Field: "cursor"})
		return
	}
	es := []audit.Entry{}
	next, _, err := h.auditScan(r, f, cursor, max(limit, auditJSONExamine), func(e audit.Entry) bool {
		es = append(es, e)
		return len(es) < limit
	})
	if err != nil {
		h.fail(w, nil, err)
		return
	}
	httpx.JSON(w, http.StatusOK, AuditPage{Entries: es, Next: next})
}

// canAudit reports whether the request's caller may read the trail (the
// workspace's navigation links it then).
func (h *Handler) canAudit(r *http.Request) bool {
	c, ok := callerOf(r)
	return ok && h.Audit != nil && c.Cred.Scopes[auditScope]
}

// auditScope is the scope the trail is read with.
const auditScope = ScopeRead

// record writes the audit entry of a request once it is answered. A store
// failing loses the entry, not the request: the answer is already given,
// and the log line says what was not recorded.
func (h *Handler) record(r *http.Request, c caller, sw *statusWriter, at time.Time) {
	status := sw.status
	if status == 0 {
		status = http.StatusOK // nothing written: net/http answers 200
	}
	if c.Session != nil {
		h.recordAs(r, c.Session.Name, "session", status, sw.reason, sw.id, at, sw.result)
		return
	}
	h.recordAs(r, c.Cred.Name, "token", status, sw.reason, sw.id, at, sw.result)
}

// recordAs records a request of a known caller; sign-in and sign-out call
// it themselves (they are not behind Require), a refused sign-in is
// refuse's.
func (h *Handler) recordAs(r *http.Request, who, via string, status int, reason, id string, at time.Time, result string) {
	if h.Audit == nil {
		return
	}
	e := audit.Entry{At: at, Who: who, Via: via, Route: r.Pattern, Method: r.Method, ID: id, Status: status, Reason: reason, Result: result} // at zero: now
	if strings.Contains(r.Pattern, "{id}") {
		e.ID = r.PathValue("id")
	}
	// Detached from the request: a client gone before the answer was
	// recorded still leaves its entry.
	if err := h.Audit.Record(context.WithoutCancel(r.Context()), e); err != nil {
		h.log().Error("audit entry not recorded", "err", err, "by", e.Who, "route", e.Route, "status", e.Status)
	}
}

// refuse records a request refused before it was served (a credential
// matching nothing, an ended session, a scope a read lacks, a cross-site
// sign-in, a rate limit): the client's network and the name the credential
// had, never the token; a flood is counted, not stored (audit.Log.Refuse).
func (h *Handler) refuse(r *http.Request, who, via string, status int, reason string) {
	if h.Audit == nil {
		return
	}
	f := audit.Refusal{Who: who, Via: via, Route: r.Pattern, Method: r.Method, Status: status, Reason: reason, Addr: httpx.ClientIP(r, h.Proxies)}
	if err := h.Audit.Refuse(context.WithoutCancel(r.Context()), f); err != nil {
		h.log().Error("audit refusal not recorded", "err", err, "reason", reason, "route", f.Route)
	}
}

// Refused records a request to an admin route that something in front of
// the handler refused (the local stack's rate limit). Its route is not
// matched yet, and its path may hold an email: it is recorded as the
// sign-in's route or as "/admin/*".
// Its method is any token the client sent (thousands of characters of
// its choosing: "ERASED-BY-ADMIN"): one HTTP defines is kept, else OTHER.
func (h *Handler) Refused(r *http.Request, status int, reason string) {
	r2 := *r
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
	default:
		r2.Method = "OTHER"
	}
	r2.Pattern = r2.Method + " /admin/*"
	if strings.HasSuffix(r.URL.Path, "/admin/login") {
		r2.Pattern = r2.Method + " /admin/login"
	}
	h.refuse(&r2, "", "", status, reason)
}

// statusWriter remembers the status a handler answered, and why it
// refused the request when it did before serving it.
type statusWriter struct {
	http.ResponseWriter
	status int
	reason string
	id     string // what a route without {id} acted on (auditID)
	result string // what the handler says it did when not what was asked (auditResult)
}

// auditID names what a request acted on when its route has no {id} (the
// campaign a form created, or a body or query names): without it the
// trail said "campaign created", never which. A request not recorded
// keeps nothing.
func auditID(w http.ResponseWriter, id string) {
	if sw := auditWriter(w); sw != nil {
		sw.id = id
	}
}

// auditResult says what a request did when it did not do what it asked
// (audit.ResultRefused, ResultNotApplied, ResultFailed) and why (one of
// the auditWhy words): a form's refusal answers 303 back to its page, as
// its success does, and the trail read the 303 as done ("営業の判定 …
// 完了 303" for a verdict the inbox said it had not recorded). A request
// not recorded keeps nothing.
func auditResult(w http.ResponseWriter, result, why string) {
	if sw := auditWriter(w); sw != nil {
		sw.result, sw.reason = result, why
	}
}

// auditWhy words, for the trail, why a form's handler refused a request,
// changed nothing or failed: the handler's code for its page ("verdict:"
// need-why, "send:" has, "replay:" gone ...) to the entry's reason, which
// the trail's page and CSV put in their language ("reason:" + the word).
var auditWhy = map[string]string{
	"verdict:need-why": "no reason given", "verdict:duplicate": "recorded already", "verdict:already": "at that stage already",
	"verdict:past": "past that stage", "verdict:earlier-cycle": "before the current MQL", "verdict:order": "cannot follow the stage",
	"send:connector": "no such connector", "send:missing": "no such MQL", "send:has": "connector has it",
	"send:gone": "erased or withdrew consent", "send:queued": "queued already",
	"replay:unconfigured": "connector not configured", "replay:missing": "no such dead letter", "replay:gone": "records expired",
	"replay:refused": "no hand-off", "replay:unreached": "not reached",
	"upload:none": "no file", "upload:large": "file too large", "upload:unreadable": "file unreadable",
}

// auditWriter is the statusWriter under w, nil when the request is not
// recorded.
func auditWriter(w http.ResponseWriter) *statusWriter {
	for {
		if sw, ok := w.(*statusWriter); ok {
			return sw
		}
		u, ok := w.(interface{ Unwrap() http.ResponseWriter })
		if !ok {
			return nil
		}
		w = u.Unwrap()
	}
}

func (s *statusWriter) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection (flushes, deadlines).
func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }
