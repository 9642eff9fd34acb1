package admin

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/baton-hq/baton/internal/httpx"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/lab"
	"github.com/baton-hq/baton/internal/reports"
	"github.com/baton-hq/baton/internal/rulebook"
)

// The MQL definition lab: the rules in force with what each condition
// produced, a candidate rules file simulated against stored history
// (writing nothing), and suggestions from sales' outcomes. The computation
// is internal/lab's; these routes only parse and serve.

// SimulateBudget bounds one simulate request: people are replayed (in id
// order) until this much time has passed, under the admin function's
// timeout and API Gateway's 30 s; the answer then says complete: false and
// the person to continue after (?after=). infra/lab runs without a bound.
const SimulateBudget = 20 * time.Second

// maxSimulations is how many simulations one process runs at once (two
// people trying rules side by side); another is answered 429.
const maxSimulations = 2

// simulateLimit is the default and largest number of people one request
// replays (?limit=).
const (
	simulateLimit    = 20000
	simulateMaxLimit = 100000
	maxRulesBody     = 1 << 20
	// simulateList is how many people one answer lists as would become
	// and would stop being MQLs, the earliest (lab.Options.List).
	simulateList = 500
)

// Candidate rules may come as YAML or as JSON {"rules": "..."}; a browser
// posts the page's form (with the session's CSRF token).
var rulesBody = []string{"application/json", "application/yaml", "text/yaml", "application/x-yaml", "text/x-yaml"}

func (h *Handler) labRoutes(mux *http.ServeMux) {
	mux.Handle("GET /admin/rules", h.Require(ScopeRead, h.rulesPage))
	h.simulations = make(chan struct{}, maxSimulations)
	mux.Handle("POST /admin/rules/simulate", h.require(ScopeRead, rulesBody, h.simulate))
	mux.Handle("GET /admin/rules/suggestions", h.Require(ScopeRead, h.suggestions))
}

// noLabRoutes answer the lab's routes when no rules file is loaded.
func (h *Handler) noLabRoutes(mux *http.ServeMux) {
	off := func(w http.ResponseWriter, r *http.Request) {
		h.deny(w, r, http.StatusConflict, "the MQL definition lab is off: no rules file is loaded (set BATON_RULES to the rules file, e.g. infra/rules.yaml)")
	}
	mux.Handle("GET /admin/rules", h.Require(ScopeRead, off))
	mux.Handle("POST /admin/rules/simulate", h.require(ScopeRead, rulesBody, off))
	mux.Handle("GET /admin/rules/suggestions", h.Require(ScopeRead, off))
}

// candidate reads the candidate rules file from the request: the form's
// rules field, JSON {"rules": ...}, or the YAML body. html: the answer is a
// page (the form was posted).
func candidate(w http.ResponseWriter, r *http.Request) (text []byte, html bool, err error) {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mt {
	case "application/x-www-form-urlencoded":
		// Only a session can get here (the CSRF check parsed the form);
		// a bearer client's form body was refused with 415. A textarea is
		// sent with CRLF line ends: back to the file's LF, so the candidate
		// has the version the same file gets once deployed.
		text := strings.ReplaceAll(r.PostForm.Get("rules"), "\r\n", "\n")
		if len(text) > maxRulesBody {
			return []byte(text), true, fmt.Errorf("rules file larger than %d bytes", maxRulesBody)
		}
		return []byte(text), true, nil
	case "application/json":
		var body struct {
			Rules *string `json:"rules"`
		}
		dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxRulesBody))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&body); err != nil || body.Rules == nil {
			if mbe := (*http.MaxBytesError)(nil); errors.As(err, &mbe) {
				return nil, false, fmt.Errorf("rules file larger than %d bytes: %w", maxRulesBody, err)
			}
			const shape = `{"rules": "<the rules file as text>"}`
			if err == nil { // {} or null: decoded, no rules in it
				return nil, false, fieldError{httpx.ErrorBody{Error: "body must be " + shape + ": rules is missing", Field: "rules"}}
			}
			if e := httpx.BadJSON(shape, err); e.Field != "" {
				return nil, false, fieldError{e} // a misspelled key ("rule") named, as other bodies' are
			}
			return nil, false, errors.New("body must be " + shape)
		}
		return []byte(*body.Rules), false, nil
	default:
		b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxRulesBody))
		if err != nil {
			return nil, false, fmt.Errorf("rules file unreadable or larger than %d bytes: %w", maxRulesBody, err)
		}
		return b, false, nil
	}
}

// parseErrorBody is a 400 naming the line and field, as rulebook does.
type parseErrorBody struct {
	Error string `json:"error"`
	Field string `json:"field,omitempty"`
	Line  int    `json:"line,omitempty"`
}

// fieldError is a body's 400 that names its own field.
type fieldError struct{ body httpx.ErrorBody }

func (e fieldError) Error() string { return e.body.Error }

func (h *Handler) simulate(w http.ResponseWriter, r *http.Request) {
	text, html, err := candidate(w, r)
	if err != nil {
		if html {
			h.renderRules(w, r, http.StatusBadRequest, rulesView{Candidate: string(text), Error: err.Error()}, true)
			return
		}
		code := http.StatusBadRequest
		if mbe := (*http.MaxBytesError)(nil); errors.As(err, &mbe) {
			code = http.StatusRequestEntityTooLarge
		}
		body := httpx.ErrorBody{Error: err.Error(), Field: "rules"}
		if fe := (fieldError{}); errors.As(err, &fe) {
			body = fe.body
		}
		httpx.JSON(w, code, body)
		return
	}
	q := r.URL.Query()
	opts := lab.Options{After: q.Get("after"), Limit: simulateLimit, Budget: SimulateBudget, List: simulateList}
	if opts.After != "" && !identity.ValidPersonID(opts.After) {
		// Anything else started after every person: "complete", nobody.
		httpx.JSON(w, http.StatusBadRequest, httpx.ErrorBody{Error: "after must be the next of an earlier answer (a person id)", Field: "after"})
		return
	}
	if v := q.Get("limit"); v != "" {
		n, err := formInt(v)
		if err != nil || n < 1 || n > simulateMaxLimit {
			httpx.JSON(w, http.StatusBadRequest, httpx.ErrorBody{Error: fmt.Sprintf("limit must be 1-%d", simulateMaxLimit), Field: "limit"})
			return
		}
		opts.Limit = n
	}
	cand, err := lab.Parse("candidate.yaml", text)
	if err != nil {
		body := parseErrorBody{Error: err.Error(), Field: "rules"}
		var pe *rulebook.ParseError
		if errors.As(err, &pe) {
			body.Field, body.Line = pe.Field, pe.Line
		}
		if html {
			h.renderRules(w, r, http.StatusBadRequest, rulesView{Candidate: string(text), Error: err.Error()}, true)
			return
		}
		httpx.JSON(w, http.StatusBadRequest, body)
		return
	}
	select {
	case h.simulations <- struct{}{}:
		defer func() { <-h.simulations }()
	default:
		// Each replays people for up to SimulateBudget, reading the store
		// hard: a token with the read scope could start as many as it has
		// requests in flight.
		const msg = "other simulations are running; try again when they end"
		w.Header().Set("Retry-After", strconv.Itoa(int(SimulateBudget/time.Second)))
		if html {
			h.renderRules(w, r, http.StatusTooManyRequests, rulesView{Candidate: string(text), Error: msg}, true)
			return
		}
		httpx.JSON(w, http.StatusTooManyRequests, httpx.ErrorBody{Error: msg})
		return
	}
	rep, err := h.Lab.Simulate(r.Context(), cand, opts)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if html {
		h.renderRules(w, r, http.StatusOK, rulesView{Candidate: string(text), Report: &rep, CandidateWarnings: warningTexts(cand.Warnings)}, true)
		return
	}
	httpx.JSON(w, http.StatusOK, rep)
}

// suggestionsView is the suggestions page: the evidence per rule and the
// proposals, or why there are none yet.
type suggestionsView struct {
	S     *lab.Suggestions
	Min   int
	Error string
}

// suggestions answers JSON (or ?format=diff), and a page to a browser: the
// rules page links it.
func (h *Handler) suggestions(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	page := wantsHTML(r) && q.Get("format") != "json"
	v := suggestionsView{Min: lab.DefaultMinOutcomes}
	show := func(status int) {
		h.render(w, r, status, "suggestions", "Suggestions from sales' outcomes", "../", "rules", v)
	}
	if bad := oneOf(q, "format", []string{"json", "diff", "html"}); bad != nil { // else the JSON, as if not asked
		if page {
			v.Error = bad.Msg
			show(http.StatusBadRequest)
			return
		}
		bad.refuse(w)
		return
	}
	if s := q.Get("min_outcomes"); s != "" {
		n, err := formInt(s)
		if err != nil || n < 1 || n > 1000000 {
			const msg = "min_outcomes must be a whole number from 1"
			if page {
				v.Error = msg
				show(http.StatusBadRequest)
				return
			}
			httpx.JSON(w, http.StatusBadRequest, httpx.ErrorBody{Error: msg, Field: "min_outcomes"})
			return
		}
		v.Min = n
	}
	s, err := h.Lab.Suggest(r.Context(), v.Min)
	var few *lab.TooFewError
	if errors.As(err, &few) {
		if page {
			v.Error = few.Error()
			show(http.StatusConflict)
			return
		}
		httpx.JSON(w, http.StatusConflict, map[string]any{"error": few.Error(), "answered": few.Have, "minOutcomes": few.Need})
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if q.Get("format") == "diff" {
		w.Header().Set("Content-Type", "text/x-diff; charset=utf-8")
		io.WriteString(w, s.Diff)
		return
	}
	if page {
		v.S = &s
		show(http.StatusOK)
		return
	}
	for i, e := range s.Items {
		if e.Kind == "condition" {
			s.Items[i].Label = h.rules().ConditionLabel(e.Name, csvLang(r))
		}
	}
	httpx.JSON(w, http.StatusOK, s)
}

// conditionView is a condition of the rules in force with what it produced.
type conditionView struct {
	Name, Text string
	Q          reports.QualityRow
}

type rulesView struct {
	Nav        *navView
	Up         string // "" on /admin/rules, "../" on /admin/rules/simulate
	Action     string // where the form posts, relative to the page
	Name       string
	Version    string
	File       string
	Conditions []conditionView
	Former     []reports.QualityRow // conditions that raised MQLs but are not in the rules in force
	Candidate  string
	Error      string
	// Warnings of the rules in force and of the candidate simulated
	// (rulebook.Warning: a fit rule's attribute likely misspelt), each as
	// "file:line: field: message".
	Warnings, CandidateWarnings []string
	Report                      *lab.Report
	Months                      []monthRow
	ByCond                      []monthRow
}

// monthRow is a row of the lab's tables: the MQLs as stored (as the
// conditions table above counts them) beside the two replays.
type monthRow struct {
	Key                      string
	Stored, Current, Cand    int
	StoredP, CurrentP, CandP int // bar widths (px)
}

func (h *Handler) rulesPage(w http.ResponseWriter, r *http.Request) {
	h.renderRules(w, r, http.StatusOK, rulesView{Candidate: string(h.Lab.Text)}, false)
}

// renderRules renders the lab page: the rules in force with their
// conditions' outcomes, the candidate form, and a simulation's result.
func (h *Handler) renderRules(w http.ResponseWriter, r *http.Request, status int, v rulesView, result bool) {
	v.Nav, v.Action = nav(r), "rules/simulate"
	if result {
		v.Up, v.Action = "../", "simulate"
	}
	rules := h.Lab.Rules
	name, _, _ := strings.Cut(rules.Version, "@")
	v.Name, v.Version, v.File = name, rules.Version, h.Lab.File
	v.Warnings = warningTexts(rules.Warnings)
	people, err := reports.Load(r.Context(), h.Lab.T)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	rows := map[string]reports.QualityRow{}
	for _, q := range reports.Quality(people, reports.Filter{Loc: h.Lab.Loc}) {
		if q.Dimension == "condition" {
			rows[q.Value] = q
		}
	}
	for _, c := range rules.MQL {
		q := rows[c.Name]
		delete(rows, c.Name)
		v.Conditions = append(v.Conditions, conditionView{Name: c.Name, Text: lab.Describe(c), Q: q})
	}
	for _, k := range sortedKeys(rows) {
		v.Former = append(v.Former, rows[k])
	}
	if rep := v.Report; rep != nil {
		v.Months = compare(rep.Stored.ByMonth, rep.Current.ByMonth, rep.Candidate.ByMonth)
		v.ByCond = compare(rep.Stored.ByCondition, rep.Current.ByCondition, rep.Candidate.ByCondition)
	}
	h.render(w, r, status, "rules", "MQL definition and lab", v.Up, "rules", v)
}

// warningTexts are a rules file's warnings as the page shows them.
func warningTexts(ws []rulebook.Warning) []string {
	var out []string
	for _, w := range ws {
		out = append(out, w.String())
	}
	return out
}

func compare(stored, cur, cand map[string]int) []monthRow {
	keys := map[string]bool{}
	max := 1
	for _, m := range []map[string]int{stored, cur, cand} {
		for k, n := range m {
			keys[k], max = true, maxInt(max, n)
		}
	}
	var out []monthRow
	for k := range keys {
		out = append(out, monthRow{Key: k, Stored: stored[k], Current: cur[k], Cand: cand[k],
			StoredP: stored[k] * 200 / max, CurrentP: cur[k] * 200 / max, CandP: cand[k] * 200 / max})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

func maxInt(a, b int) int {
	if a > b {
		return a
	}
	return b
}

func pctText(f float64) string { return fmt.Sprintf("%.0f%%", f*100) }

func signedPct(f float64) string { return fmt.Sprintf("%+.1f%%", f*100) }
