package admin

import (
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"mime"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/baton-hq/baton/internal/httpx"
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

// simulateLimit is the default and largest number of people one request
// replays (?limit=).
const (
	simulateLimit    = 20000
	simulateMaxLimit = 100000
	maxRulesBody     = 1 << 20
)

// Candidate rules may come as YAML or as JSON {"rules": "..."}; a browser
// posts the page's form (with the session's CSRF token).
var rulesBody = []string{"application/json", "application/yaml", "text/yaml", "application/x-yaml", "text/x-yaml"}

func (h *Handler) labRoutes(mux *http.ServeMux) {
	mux.Handle("GET /admin/rules", h.Require(ScopeRead, h.rulesPage))
	mux.Handle("POST /admin/rules/simulate", h.require(ScopeRead, rulesBody, h.simulate))
	mux.Handle("GET /admin/rules/suggestions", h.Require(ScopeRead, h.suggestions))
}

// noLabRoutes answer the lab's routes when no rules file is loaded.
func (h *Handler) noLabRoutes(mux *http.ServeMux) {
	off := func(w http.ResponseWriter, r *http.Request) {
		httpx.Error(w, http.StatusConflict, "the MQL definition lab is off: no rules file is loaded (set BATON_RULES to the rules file, e.g. infra/rules.yaml)")
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
		// a bearer client's form body was refused with 415.
		return []byte(r.PostForm.Get("rules")), true, nil
	case "application/json":
		var body struct {
			Rules *string `json:"rules"`
		}
		dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxRulesBody))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&body); err != nil || body.Rules == nil {
			return nil, false, errors.New(`body must be {"rules": "<the rules file as text>"}`)
		}
		return []byte(*body.Rules), false, nil
	default:
		b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxRulesBody))
		if err != nil {
			return nil, false, fmt.Errorf("rules file unreadable or larger than %d bytes", maxRulesBody)
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

func (h *Handler) simulate(w http.ResponseWriter, r *http.Request) {
	text, html, err := candidate(w, r)
	if err != nil {
		httpx.JSON(w, http.StatusBadRequest, httpx.ErrorBody{Error: err.Error(), Field: "rules"})
		return
	}
	q := r.URL.Query()
	opts := lab.Options{After: q.Get("after"), Limit: simulateLimit, Budget: SimulateBudget}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
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
	rep, err := h.Lab.Simulate(r.Context(), cand, opts)
	if err != nil {
		h.fail(w, err)
		return
	}
	if html {
		h.renderRules(w, r, http.StatusOK, rulesView{Candidate: string(text), Report: &rep}, true)
		return
	}
	httpx.JSON(w, http.StatusOK, rep)
}

func (h *Handler) suggestions(w http.ResponseWriter, r *http.Request) {
	min := lab.DefaultMinOutcomes
	if v := r.URL.Query().Get("min_outcomes"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000000 {
			httpx.JSON(w, http.StatusBadRequest, httpx.ErrorBody{Error: "min_outcomes must be a whole number from 1", Field: "min_outcomes"})
			return
		}
		min = n
	}
	s, err := h.Lab.Suggest(r.Context(), min)
	var few *lab.TooFewError
	if errors.As(err, &few) {
		httpx.JSON(w, http.StatusConflict, map[string]any{"error": few.Error(), "answered": few.Have, "minOutcomes": few.Need})
		return
	}
	if err != nil {
		h.fail(w, err)
		return
	}
	if r.URL.Query().Get("format") == "diff" {
		w.Header().Set("Content-Type", "text/x-diff; charset=utf-8")
		io.WriteString(w, s.Diff)
		return
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
	Report     *lab.Report
	Months     []monthRow
	ByCond     []monthRow
}

type monthRow struct {
	Key             string
	Current, Cand   int
	CurrentP, CandP int // bar widths (px)
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
	people, err := reports.Load(r.Context(), h.Lab.T)
	if err != nil {
		h.fail(w, err)
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
		v.Months = compare(rep.Current.ByMonth, rep.Candidate.ByMonth)
		v.ByCond = compare(rep.Current.ByCondition, rep.Candidate.ByCondition)
	}
	htmlHeaders(w)
	w.WriteHeader(status)
	_ = rulesTmpl.Execute(w, v)
}

func compare(cur, cand map[string]int) []monthRow {
	keys := map[string]bool{}
	max := 1
	for k, n := range cur {
		keys[k], max = true, maxInt(max, n)
	}
	for k, n := range cand {
		keys[k], max = true, maxInt(max, n)
	}
	var out []monthRow
	for k := range keys {
		out = append(out, monthRow{Key: k, Current: cur[k], Cand: cand[k], CurrentP: cur[k] * 200 / max, CandP: cand[k] * 200 / max})
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

var rulesTmpl = template.Must(template.New("rules").Funcs(template.FuncMap{
	"why": whyText, "pct": pctText, "signed": signedPct, "join": strings.Join,
	"day": func(t time.Time) string { return t.UTC().Format("2006-01-02") },
}).Parse(`{{define "nav"}}{{with .Nav}}<form class="signout" method="post" action="{{$.Up}}logout"><span>Signed in with {{.Name}}</span> <input type="hidden" name="csrf" value="{{.CSRF}}"><button type="submit">Sign out</button></form>{{end}}{{end}}<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Baton — MQL definition lab</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:68em;margin:2em auto;padding:0 1em;color:#1d2733}
h1{margin-bottom:0}table{border-collapse:collapse;width:100%;margin-bottom:1em}td,th{border-bottom:1px solid #dde;padding:.3em .5em;text-align:right;vertical-align:top}
td:first-child,th:first-child,td.l,th.l{text-align:left}.muted{color:#667}code{font-size:.92em}
textarea{box-sizing:border-box;width:100%;height:22em;font:13px/1.4 ui-monospace,monospace;padding:.5em;border:1px solid #99a;border-radius:4px}
button{font:inherit;font-weight:600;padding:.4em 1.2em;color:#fff;background:#0f3d5e;border:0;border-radius:4px;cursor:pointer}
.signout{float:right;color:#667;font-size:.9em}.signout button{font:inherit;font-weight:normal;color:#1d2733;background:#eee;border:1px solid #99a;padding:.1em .6em;margin-left:.4em}
.error{color:#8a1c1c;background:#fdecec;border:1px solid #e9b4b4;border-radius:4px;padding:.6em .8em}
.note{background:#fff7e0;border:1px solid #e6cf8a;border-radius:4px;padding:.6em .8em}
.summary{display:grid;grid-template-columns:repeat(4,1fr);gap:1em;margin:1em 0}.summary div{background:#f5f7fa;border:1px solid #dde;border-radius:6px;padding:.6em .8em}
.summary b{display:block;font-size:1.5em}.up{color:#1b6e1b}.down{color:#8a1c1c}
.bar{display:inline-block;height:.8em;background:#0f3d5e;vertical-align:middle}.bar.cand{background:#c77d1a}</style></head><body>
{{template "nav" .}}<p class="muted"><a href="{{.Up}}./">Reports</a> · MQL definition lab</p>
<h1>MQL definition lab</h1>
<p class="muted">The rules in force: <b>{{.Name}}</b> <code>{{.Version}}</code> ({{.File}}). Changes go through a pull request; here you can try one against stored history first. Nothing on this page writes anything.</p>
<h2>Conditions in force and what they produced</h2>
<table><tr><th>condition</th><th class="l">definition</th><th>MQLs</th><th>accepted</th><th>SQL</th><th>won</th><th>rejected</th><th>lost</th><th class="l">why, as sales said</th></tr>
{{range .Conditions}}<tr><td>{{.Name}}</td><td class="l">{{.Text}}</td><td>{{.Q.MQLs}}</td><td>{{.Q.SAL}}</td><td>{{.Q.SQL}}</td><td>{{.Q.Won}}</td><td>{{.Q.Rejected}}</td><td>{{.Q.Lost}}</td><td class="l">{{why .Q.Why}}</td></tr>
{{end}}{{range .Former}}<tr class="muted"><td>{{.Value}}</td><td class="l">(not in the rules in force)</td><td>{{.MQLs}}</td><td>{{.SAL}}</td><td>{{.SQL}}</td><td>{{.Won}}</td><td>{{.Rejected}}</td><td>{{.Lost}}</td><td class="l">{{why .Why}}</td></tr>
{{end}}</table>
<p class="muted">Suggestions from sales' outcomes (JSON, with a diff of the rules file): <a href="{{.Up}}rules/suggestions">rules/suggestions</a>.</p>
{{with .Report}}<h2 id="result">Simulation: {{.Candidate.Rules}}</h2>
{{if not .Complete}}<p class="note" role="status">Partial: {{.People}} of {{.Total}} people simulated within this request's time budget. Continue with <code>POST /admin/rules/simulate?after={{.Next}}</code>, or run the whole store with <code>go run ./infra/lab</code>.</p>{{end}}
<div class="summary">
<div>MQLs<b>{{.Current.MQLs}} → {{.Candidate.MQLs}}</b><span class="{{if lt .Change 0.0}}down{{else}}up{{end}}">{{signed .Change}}</span></div>
<div>Sales' weekly load<b>{{printf "%.1f" .Current.PerWeek}} → {{printf "%.1f" .Candidate.PerWeek}}</b>MQLs a week over {{printf "%.1f" .Weeks}} weeks</div>
<div>Would become MQLs<b>{{len .WouldBecome}}</b>accepted {{pct (index .Become.Share "accepted")}}, rejected {{pct (index .Become.Share "rejected")}}</div>
<div>Would stop being MQLs<b>{{len .WouldStop}}</b>accepted {{pct (index .Stop.Share "accepted")}}, rejected {{pct (index .Stop.Share "rejected")}}</div>
</div>
<p class="muted">{{.People}} people replayed in memory, events in time order, under both files; {{.StoredMQLs}} MQLs were actually raised for them.</p>
{{end}}{{if .Report}}<p class="muted"><span class="bar" style="width:1em"></span> rules in force · <span class="bar cand" style="width:1em"></span> candidate</p>
<h3>By condition</h3>
<table><tr><th>condition</th><th>in force</th><th>candidate</th><th class="l"></th></tr>
{{range .ByCond}}<tr><td>{{.Key}}</td><td>{{.Current}}</td><td>{{.Cand}}</td><td class="l"><span class="bar" style="width:{{.CurrentP}}px"></span><br><span class="bar cand" style="width:{{.CandP}}px"></span></td></tr>{{end}}</table>
<h3>By month of the would-be qualification</h3>
<table><tr><th>month</th><th>in force</th><th>candidate</th><th class="l"></th></tr>
{{range .Months}}<tr><td>{{.Key}}</td><td>{{.Current}}</td><td>{{.Cand}}</td><td class="l"><span class="bar" style="width:{{.CurrentP}}px"></span><br><span class="bar cand" style="width:{{.CandP}}px"></span></td></tr>{{end}}</table>
<h3>Would stop being MQLs</h3>
{{with .Report}}{{template "people" .WouldStop}}<p class="muted">Of them: accepted {{.Stop.Accepted}}, SQL {{.Stop.SQL}}, won {{.Stop.Won}}, rejected {{.Stop.Rejected}}, lost {{.Stop.Lost}}.</p>
<h3>Would become MQLs</h3>
{{template "people" .WouldBecome}}<p class="muted">Of them: accepted {{.Become.Accepted}}, SQL {{.Become.SQL}}, won {{.Become.Won}}, rejected {{.Become.Rejected}}, lost {{.Become.Lost}}.</p>{{end}}
{{end}}
<h2>Try a candidate rules file</h2>
{{if .Error}}<p class="error" role="alert">{{.Error}}</p>{{end}}
<form method="post" action="{{.Action}}">{{with .Nav}}<input type="hidden" name="csrf" value="{{.CSRF}}">{{end}}
<label for="rules"><b>Candidate rules file</b> (YAML, as in the pull request)</label>
<textarea id="rules" name="rules" spellcheck="false" required>{{.Candidate}}</textarea>
<p><button type="submit">Simulate</button> <span class="muted">Replays stored history under the candidate and the rules in force; writes nothing.</span></p>
</form>
</body></html>
{{define "people"}}{{if .}}<table><tr><th>when</th><th class="l">person</th><th class="l">condition</th><th class="l">stage now</th><th class="l">what sales did</th></tr>
{{range .}}<tr><td>{{day .At}}</td><td class="l">{{.Email}}</td><td class="l">{{.Condition}}</td><td class="l">{{.Stage}}</td><td class="l">{{join .History "; "}}</td></tr>{{end}}</table>{{else}}<p class="muted">Nobody.</p>{{end}}{{end}}`))
