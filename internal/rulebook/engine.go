package rulebook

import (
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"path"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/textcut"
)

// Engine applies a rules file; it implements qualify.Engine.
type Engine struct {
	R *Rules
	// Loc is the time zone whose days daily caps count (the configured
	// timezone; nil: UTC), so 23:30 and 00:30 in Tokyo are two days, and
	// whose calendar days recycle.cooldown's days are.
	Loc *time.Location

	once   sync.Once
	byType map[string][]*BehaviourRule // the rules an event of a type may match, in file order
	urlBit map[*BehaviourRule]uint     // rules with URL patterns: their bit in a cached mask (64 at most)

	urlMu   sync.Mutex
	urlHits map[string]uint64 // URL -> which rules' URL patterns match it (urlBit)
}

// maxCachedURLs bounds the cache of URL matches; it starts again when
// full. A site's pages are far fewer: each is parsed and matched once.
const maxCachedURLs = 4096

// candidates are the behaviour rules an event of type t may match: a rule
// naming other types never does, and most rules name one.
func (e *Engine) candidates(t string) []*BehaviourRule {
	e.once.Do(func() {
		e.urlBit = map[*BehaviourRule]uint{}
		for _, r := range e.R.Behaviour {
			if len(r.URL) > 0 && len(e.urlBit) < 64 {
				e.urlBit[r] = uint(len(e.urlBit))
			}
		}
		e.byType = map[string][]*BehaviourRule{}
		for typ := range eventTypes {
			for _, r := range e.R.Behaviour {
				if len(r.Types) == 0 || r.Types[typ] {
					e.byType[typ] = append(e.byType[typ], r)
				}
			}
		}
	})
	if rs, ok := e.byType[t]; ok {
		return rs
	}
	return e.R.Behaviour // a type the rules language does not know: every rule judges it
}

func (e *Engine) loc() *time.Location {
	if e.Loc == nil {
		return time.UTC
	}
	return e.Loc
}

// Version names the rules in force.
func (e *Engine) Version() string { return e.R.Version }

// CooldownEnd is when recycle.cooldown ends for a person recycled at t
// (qualify.Cooler): its days are calendar days of the engine's zone. False
// when the rules have no cooldown.
func (e *Engine) CooldownEnd(t time.Time) (time.Time, bool) {
	c := e.R.Recycle.Cooldown
	if c.IsZero() {
		return time.Time{}, false
	}
	return c.After(t, e.loc()), true
}

// decay is the factor a score loses over d.
func (e *Engine) decay(d time.Duration) float64 {
	if e.R.HalfLife <= 0 || d <= 0 {
		return 1
	}
	return math.Pow(0.5, float64(d)/float64(e.R.HalfLife))
}

// ScoreAt is the behaviour score at t.
func (e *Engine) ScoreAt(st *State, t time.Time) float64 {
	if st.At.IsZero() {
		return st.Score
	}
	return st.Score * e.decay(t.Sub(st.At))
}

// Apply scores events into the state. An event already scored is skipped;
// events may come in any order (retroactive scoring of older history): each
// contribution is decayed from its own event time. The state is decoded
// once and encoded once per call: callers hand it every event they have for
// the person (the score path: a feed batch).
func (e *Engine) Apply(raw json.RawMessage, evs []event.Event, now time.Time) (json.RawMessage, []qualify.Contribution, error) {
	st, err := e.decodeFor(raw, len(evs))
	if err != nil {
		return nil, nil, err
	}
	out := e.ApplyState(st, evs, nil)
	prune(st, now, e.loc())
	return encodeState(st), out, nil
}

// ApplyEvaluate is Apply then Evaluate at now on one decoded state
// (qualify.ApplyEvaluator): the score path decodes a person's state once a
// batch. It stops before an event whose rules could take the contributions
// past max, and says how many events it applied.
func (e *Engine) ApplyEvaluate(raw json.RawMessage, evs []event.Event, max int, attrs map[string]string, email string, now time.Time) (json.RawMessage, []qualify.Contribution, qualify.Verdict, int, error) {
	st, err := e.decodeFor(raw, len(evs))
	if err != nil {
		return nil, nil, qualify.Verdict{}, 0, err
	}
	var out []qualify.Contribution
	n := 0
	for ; n < len(evs); n++ {
		if n > 0 && len(out)+len(e.candidates(evs[n].Type)) > max {
			break
		}
		out = e.ApplyState(st, evs[n:n+1], out)
	}
	prune(st, now, e.loc())
	return encodeState(st), out, e.EvaluateState(st, attrs, email, now), n, nil
}

// Open decodes a state for a replay event by event (qualify.Replayer).
func (e *Engine) Open(raw json.RawMessage) (qualify.Replay, error) {
	st, err := e.decode(raw)
	if err != nil {
		return nil, err
	}
	return &replay{e: e, st: st}, nil
}

// replay is an open state: Apply, Evaluate and Recycle as the Engine's,
// without encoding between them.
type replay struct {
	e       *Engine
	st      *State
	matched []int // events each behaviour rule matched, by its place in the file (qualify.Matcher)
}

func (r *replay) Apply(evs []event.Event, now time.Time) ([]qualify.Contribution, error) {
	if r.matched == nil {
		r.matched = make([]int, len(r.e.R.Behaviour))
	}
	out := r.e.applyState(r.st, evs, nil, r.matched)
	prune(r.st, now, r.e.loc())
	return out, nil
}

// Matched counts, for each behaviour rule, the events it matched in the
// replay so far, points or none (a cap reached, a once-rule fired): a rule
// that matched none, such as a URL glob naming no page there is, shows 0.
func (r *replay) Matched() map[string]int {
	out := make(map[string]int, len(r.e.R.Behaviour))
	for i, b := range r.e.R.Behaviour {
		if i < len(r.matched) {
			out[b.Name] = r.matched[i]
		} else {
			out[b.Name] = 0
		}
	}
	return out
}

func (r *replay) Evaluate(attrs map[string]string, email string, now time.Time) (qualify.Verdict, error) {
	return r.e.EvaluateState(r.st, attrs, email, now), nil
}

func (r *replay) Recycle(now time.Time) (qualify.Contribution, error) {
	return r.e.RecycleState(r.st, now), nil
}

// ApplyState scores events into a decoded state, appending the
// contributions to out.
func (e *Engine) ApplyState(st *State, evs []event.Event, out []qualify.Contribution) []qualify.Contribution {
	return e.applyState(st, evs, out, nil)
}

// applyState is ApplyState counting in matched (when not nil) the events
// each rule matched, by the rule's place in the file (a slice: a replay
// counts every event of a rescore).
func (e *Engine) applyState(st *State, evs []event.Event, out []qualify.Contribution, matched []int) []qualify.Contribution {
	loc := e.loc()
	for i := range evs {
		ev := &evs[i]
		if ev.ID == "" || ev.Flagged() {
			continue // bots and scanners are kept, never scored
		}
		w := seenWord(ev.ID, ev.Timestamp)
		if uint32(w>>32) < st.Floor || st.has(w) {
			continue
		}
		// A form's submission in its window; a bare one (the Segment API)
		// says nothing to compare.
		var again uint64
		if ev.Type == event.FormSubmit && len(ev.Properties) > 0 {
			if again = resubmitWord(ev); st.has(again) {
				continue // the same form sent again: one submission
			}
		}
		day, dayKnown := uint32(0), false
		m := matchee{ev: ev, e: e}
		for _, r := range e.candidates(ev.Type) {
			if !r.matches(&m) {
				continue
			}
			if r.index < len(matched) { // nil: not counting; a rule not made by Parse may have no place
				matched[r.index]++
			}
			// Only events a rule matched are remembered: one that matched
			// none would match none again, and the state stays small.
			st.remember(w)
			if again != 0 {
				st.remember(again)
			}
			pts := r.Points
			// An event of a cycle sales closed (dated at or before the
			// recycle, reaching scoring after it: the tag's offline
			// queue, a late batch, an exhibition's list imported a week
			// on) counts as a rescore's replay counts it: its points
			// times recycle.multiply, using none of the new cycle's
			// once-rules or per-person caps (exact for multiply 0 and
			// one recycle since; the state keeps the last recycle only).
			closed := !st.RecycledAt.IsZero() && !ev.Timestamp.After(st.RecycledAt)
			if r.Once && !closed {
				if st.Fired[r.Name] {
					continue
				}
				st.Fired[r.Name] = true
			}
			if r.CapPerDay > 0 && !dayKnown {
				day, dayKnown = localDay(ev.Timestamp, loc), true
			}
			// A cap bounds a rule's points either way: a negative rule's
			// what it takes away.
			if r.CapPerDay > 0 {
				pts = capped(pts, r.CapPerDay, st.dayPoints(r.Name, day))
			}
			if r.CapPerPerson > 0 && !closed {
				pts = capped(pts, r.CapPerPerson, st.PerRule[r.Name])
			}
			if pts == 0 || (r.Points > 0) != (pts > 0) {
				continue // capped
			}
			if r.CapPerDay > 0 {
				st.addDayPoints(r.Name, day, pts)
			}
			if closed {
				if pts *= e.R.Recycle.Multiply; pts == 0 {
					continue
				}
				e.add(st, pts, ev.Timestamp)
				out = append(out, qualify.Contribution{Rule: r.Name, Kind: "behaviour", EventID: ev.ID, EventType: ev.Type, URL: ev.URL, Delta: pts, At: ev.Timestamp})
				continue
			}
			st.PerRule[r.Name] += pts
			if !st.RecycledAt.IsZero() && ev.Timestamp.After(st.RecycledAt) && pts > 0 {
				st.NewPoints += pts
			}
			e.add(st, pts, ev.Timestamp)
			out = append(out, qualify.Contribution{Rule: r.Name, Kind: "behaviour", EventID: ev.ID, EventType: ev.Type, URL: ev.URL, Delta: pts, At: ev.Timestamp})
		}
	}
	return out
}

// capped is pts within a cap of so far's magnitude: at most cap-so far
// of points given, at least -cap-so far of points taken.
func capped(pts, limit, soFar float64) float64 {
	if pts < 0 {
		return math.Max(pts, -limit-soFar)
	}
	return math.Min(pts, limit-soFar)
}

// add puts points earned at t into the score kept as of st.At.
func (e *Engine) add(st *State, pts float64, t time.Time) {
	switch {
	case st.At.IsZero():
		st.Score, st.At = pts, t
	case t.After(st.At):
		st.Score = st.Score*e.decay(t.Sub(st.At)) + pts
		st.At = t
	default:
		st.Score += pts * e.decay(st.At.Sub(t))
	}
}

// matchee is an event being matched, its URL parsed once for every rule.
type matchee struct {
	ev     *event.Event
	e      *Engine
	parsed bool
	u      *url.URL
	full   string // u.String(), once asked for
	routed string // the path, "#" and the hash route (event.HashRoute), once asked for
	noHash bool   // the URL has no hash route: routed is never made
	masked bool
	mask   uint64 // the URL's cached matches (Engine.urlMask), once asked for
}

// urlMatches is whether one of r's URL patterns matches the event's URL,
// from the engine's cache where r has a bit in it.
func (m *matchee) urlMatches(r *BehaviourRule) bool {
	bit, ok := m.e.urlBit[r]
	if !ok {
		return m.anyMatch(r.URL)
	}
	if !m.masked {
		m.mask, m.masked = m.e.urlMask(m), true
	}
	return m.mask&(1<<bit) != 0
}

// urlMask is which rules' URL patterns match the event's URL: the cached
// answer, or every such rule's matched now and remembered.
func (e *Engine) urlMask(m *matchee) uint64 {
	u := m.ev.URL
	e.urlMu.Lock()
	mask, ok := e.urlHits[u]
	e.urlMu.Unlock()
	if ok {
		return mask
	}
	for r, bit := range e.urlBit {
		if m.anyMatch(r.URL) {
			mask |= 1 << bit
		}
	}
	e.urlMu.Lock()
	if e.urlHits == nil || len(e.urlHits) >= maxCachedURLs {
		e.urlHits = make(map[string]uint64, 64)
	}
	e.urlHits[strings.Clone(u)] = mask // not a view into the event's item
	e.urlMu.Unlock()
	return mask
}

func (m *matchee) url() *url.URL {
	if !m.parsed {
		m.parsed = true
		if u, err := url.Parse(m.ev.URL); err == nil {
			m.u = u
		}
	}
	return m.u
}

func (r *BehaviourRule) matches(m *matchee) bool {
	ev := m.ev
	if len(r.Types) > 0 && !r.Types[ev.Type] {
		return false
	}
	if ev.Type == event.EmailOpen && !r.Types[event.EmailOpen] {
		return false // opens score only where a rule names them
	}
	if ev.Type == event.Offline && !r.Types[event.Offline] {
		return false // so do offline touches: a page-view or campaign rule never counts a booth visit
	}
	if len(r.URL) > 0 && !m.urlMatches(r) {
		return false
	}
	if r.Form != nil {
		if ev.Type != event.FormSubmit {
			return false
		}
		f, _ := ev.Properties["form"].(map[string]any)
		if !matchAny(r.Form, str(f["id"]), str(f["name"]), str(f["action"])) {
			return false
		}
	}
	if r.File != nil {
		u := m.url()
		if ev.Type != event.Download || u == nil || !r.File.MatchString(path.Base(u.Path)) {
			return false
		}
	}
	if r.Campaign != nil && !matchAny(r.Campaign, ev.UTM.Campaign, str(ev.Properties["campaign"])) {
		return false
	}
	if r.Event != nil {
		switch ev.Type {
		case event.Custom:
			if !r.Event.MatchString(textcut.FoldWaveDash(ev.Name)) {
				return false
			}
		case event.Offline:
			if !r.Event.MatchString(textcut.FoldWaveDash(str(ev.Properties["event"]))) {
				return false
			}
		default:
			return false
		}
	}
	if r.Channel != nil && (ev.Type != event.Offline || !r.Channel.MatchString(str(ev.Properties["channel"]))) {
		return false
	}
	if r.MinMinutes != nil {
		if n, ok := ev.Minutes(); !ok || float64(n) < *r.MinMinutes {
			return false
		}
	}
	return true
}

func (m *matchee) anyMatch(res []*regexp.Regexp) bool {
	s := m.ev.URL
	if u := m.url(); u != nil && u.Host != "" {
		s = u.Path // URL patterns match the path ("/pricing*"); "re:" patterns may use the whole URL
		for _, re := range res {
			if re.MatchString(s) {
				return true
			}
		}
		// A single-page app's pages are its hash routes (the collector
		// stores each as a view): "/app#/features" is matched too, or no
		// glob could name one. Made once per event, for a URL with a route.
		if !m.noHash && m.routed == "" {
			if route, ok := event.HashRoute(u.Fragment); ok {
				m.routed = u.Path + "#" + route
			} else {
				m.noHash = true
			}
		}
		if !m.noHash {
			for _, re := range res {
				if re.MatchString(m.routed) {
					return true
				}
			}
		}
		if m.full == "" {
			m.full = u.String()
		}
		s = m.full
	}
	for _, re := range res {
		if re.MatchString(s) {
			return true
		}
	}
	return false
}

func matchAny(re *regexp.Regexp, vals ...string) bool {
	for _, v := range vals {
		if v != "" && re.MatchString(v) {
			return true
		}
	}
	return false
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// Fit scores a person's attributes.
func (e *Engine) Fit(attrs map[string]string, email string) (score float64, grade string, contribs []qualify.Contribution, excluded string) {
	// The domain is in its ASCII form, as NormalizeEmail keeps it (a
	// person stored before with the domain as typed too); an email_domain
	// rule written with the Unicode form (例え.jp) matches it as well.
	domain, uDomain := "", ""
	if at := strings.LastIndexByte(email, '@'); at >= 0 {
		domain = event.ASCIIDomain(strings.ToLower(email[at+1:]))
		forms := event.EmailForms("x@" + domain)
		uDomain = forms[len(forms)-1][2:]
	}
	if domain != "" && FreeMailDomain(domain, e.R.Competitors) { // the domain or a subdomain of it (jp.rival.com)
		excluded = "competitor domain " + domain
	}
	for _, r := range e.R.Fit {
		v := attrs[r.Attribute]
		if r.Attribute == "email_domain" {
			v = domain
		}
		if v == "" || !r.matches(v) && !(r.Attribute == "email_domain" && uDomain != domain && r.matches(uDomain)) {
			continue
		}
		score += r.Points
		contribs = append(contribs, qualify.Contribution{Rule: r.Name, Kind: "fit", Delta: r.Points})
	}
	grade = BelowGrades
	for _, g := range e.R.Grades {
		if score >= g.Min {
			grade = g.Grade
			break
		}
	}
	return score, grade, contribs, excluded
}

func (r *FitRule) matches(v string) bool {
	// Full-width input (３００名, ＣＥＯ, ＪＰ) is the same value to a reader:
	// FoldValue makes it the same to the rules, whose values it folded too.
	v = FoldValue(v)
	if r.Pattern != nil && !r.Pattern.MatchString(v) {
		return false
	}
	if k := inKey(v); r.In != nil && !r.In[k] && !(r.Subdomains && FreeMailDomain(k, r.In)) {
		return false
	}
	if r.Min != nil || r.Max != nil {
		// A form's choice is often a span (10〜49名, 50名未満): the rule
		// holds when all of it lies within min and max (Range.Within); a
		// value with no number (非公開) holds no numeric rule.
		q, ok := ParseRange(v)
		if !ok || !q.Within(r.Min, r.Max) {
			return false
		}
	}
	return true
}

// BANT counts the confirmed facts.
func (e *Engine) BANT(attrs map[string]string) (int, []string) {
	var got []string
	for _, k := range []string{"budget", "authority", "need", "timeframe"} {
		f, ok := e.R.BANT.Fields[k]
		if !ok {
			continue
		}
		v := strings.TrimSpace(attrs[f.Attribute])
		if v != "" && (f.Confirmed == nil || f.Confirmed.MatchString(v)) {
			got = append(got, k)
		}
	}
	return len(got), got
}

// Band names the behaviour band of a score ("" below every band).
func (e *Engine) Band(score float64) string {
	for _, b := range e.R.Bands {
		if score >= b.Min {
			return b.Name
		}
	}
	return ""
}

// Evaluate judges the person now: scores, grade, band, BANT, and the first
// MQL condition that holds, with the facts that satisfied it.
func (e *Engine) Evaluate(raw json.RawMessage, attrs map[string]string, email string, now time.Time) (qualify.Verdict, error) {
	st, err := e.decode(raw)
	if err != nil {
		return qualify.Verdict{}, err
	}
	return e.EvaluateState(st, attrs, email, now), nil
}

// EvaluateState is Evaluate on a decoded state.
func (e *Engine) EvaluateState(st *State, attrs map[string]string, email string, now time.Time) qualify.Verdict {
	v := qualify.Verdict{Behaviour: round(e.ScoreAt(st, now))}
	v.Fit, v.Grade, v.FitRules, v.Excluded = e.Fit(attrs, email)
	v.Band = e.Band(v.Behaviour)
	var bant []string
	v.BANT, bant = e.BANT(attrs)
	if v.Excluded != "" {
		return v
	}
	if !st.RecycledAt.IsZero() {
		if v.Waiting = e.waiting(st, now); v.Waiting != "" {
			return v
		}
	}
	for _, c := range e.R.MQL {
		if facts, ok := c.holds(v, bant); ok {
			v.Condition, v.Facts = c.Name, facts
			break
		}
	}
	return v
}

// waiting says why a recycled person cannot qualify yet ("" when they
// can): every part of recycle: still unmet. It said the cooldown alone
// while it ran, and people read its end as the day the person comes back,
// when the new behaviour points are needed too. The points earned so far
// are said with what is needed; past the cooldown, only the points remain;
// with the points earned, only the cooldown, and the points it has. The
// text is in English with RFC 3339 times and the rules file's keys at its
// end; the workspace words it in the page's language (jatext).
func (e *Engine) waiting(st *State, now time.Time) string {
	rc := e.R.Recycle
	at := st.RecycledAt.UTC().Format(time.RFC3339)
	until, cools := e.CooldownEnd(st.RecycledAt)
	cooling, short := cools && now.Before(until), st.NewPoints < rc.MinNewBehaviour
	got := qualify.ScoreText(round(st.NewPoints))
	switch {
	case cooling && short:
		return fmt.Sprintf("recycled %s: no MQL before %s and until %g new behaviour points since (%s so far) (recycle.cooldown, recycle.min_new_behaviour)", at, until.UTC().Format(time.RFC3339), rc.MinNewBehaviour, got)
	case cooling:
		return fmt.Sprintf("recycled %s: no MQL before %s (%s of %g new behaviour points since) (recycle.cooldown)", at, until.UTC().Format(time.RFC3339), got, rc.MinNewBehaviour)
	case short:
		return fmt.Sprintf("recycled %s: no MQL until %g new behaviour points since (%s so far) (recycle.min_new_behaviour)", at, rc.MinNewBehaviour, got)
	}
	return ""
}

// Holds reports whether the condition holds for a verdict's behaviour
// score, grade, band and BANT count, as EvaluateState judges it (an
// exclusion and a recycle's wait aside).
func (c *Condition) Holds(v qualify.Verdict) bool {
	_, ok := c.holds(v, nil)
	return ok
}

func (c *Condition) holds(v qualify.Verdict, bant []string) ([]string, bool) {
	var facts []string
	if c.MinBehaviour != nil {
		if v.Behaviour < *c.MinBehaviour {
			return nil, false
		}
		facts = append(facts, fmt.Sprintf("behaviour %s >= %g", qualify.ScoreAtLeast(v.Behaviour, *c.MinBehaviour), *c.MinBehaviour))
	}
	if c.Grades != nil {
		if !c.Grades[v.Grade] {
			return nil, false
		}
		facts = append(facts, "grade "+v.Grade)
	}
	if c.MinBANT > 0 {
		if v.BANT < c.MinBANT {
			return nil, false
		}
		facts = append(facts, fmt.Sprintf("BANT %d of 4 (%s) >= %d", v.BANT, strings.Join(bant, ", "), c.MinBANT))
	}
	if c.Matrix != nil {
		if !c.Matrix[v.Band][v.Grade] {
			return nil, false
		}
		facts = append(facts, fmt.Sprintf("matrix cell %s x %s", v.Band, v.Grade))
	}
	return facts, true
}

// Recycle starts a new cycle: the behaviour score is multiplied by the
// configured factor (0 resets it), once-rules and per-person caps start over.
// Events already scored never score again.
func (e *Engine) Recycle(raw json.RawMessage, now time.Time) (json.RawMessage, qualify.Contribution, error) {
	st, err := e.decode(raw)
	if err != nil {
		return nil, qualify.Contribution{}, err
	}
	c := e.RecycleState(st, now)
	return encodeState(st), c, nil
}

// RecycleState is Recycle on a decoded state.
func (e *Engine) RecycleState(st *State, now time.Time) qualify.Contribution {
	before := e.ScoreAt(st, now)
	st.Score, st.At = before*e.R.Recycle.Multiply, now
	st.PerRule, st.Fired = map[string]float64{}, map[string]bool{}
	st.RecycledAt, st.NewPoints = now, 0
	return qualify.Contribution{Rule: "recycle", Kind: "reset", Delta: round(st.Score - before), At: now}
}

func round(f float64) float64 { return math.Round(f*100) / 100 }

// Unfed lists the fit rules whose attribute none of the given people has
// (email_domain always exists): a rule on an attribute no form fills scores
// nobody, and without this it does so silently. "" values count as absent.
func (e *Engine) Unfed(people []map[string]string) []string {
	var out []string
	for _, r := range e.R.Fit {
		if r.Attribute == "email_domain" {
			continue
		}
		fed := false
		for _, attrs := range people {
			if attrs[r.Attribute] != "" {
				fed = true
				break
			}
		}
		if !fed {
			out = append(out, fmt.Sprintf("fit rule %s: attribute %q is set on none of %d people (a form field that maps to it? see form_fields)", r.Name, r.Attribute, len(people)))
		}
	}
	return out
}

// Unstored says why the rule's attribute may never hold a value ("" when
// it is one Baton names, or email_domain): a name Baton does not know is
// a custom form field's, kept under the field's name, or a label's
// (会社規模) whose field is stored as another attribute. Parse refuses
// a name that is surely a field's of another attribute (従業員数); this
// one cannot be known from the file, so the lab says it beside a rule
// that matched nobody.
func (r *FitRule) Unstored() string {
	if r.Attribute == "email_domain" || identity.KnownAttribute(r.Attribute) {
		return ""
	}
	if to := identity.LabelAttribute(r.Attribute, nil); to != "" && to != r.Attribute && identity.KnownAttribute(to) {
		return fmt.Sprintf("attribute %q is none Baton names: a custom form field's name, or %q?", r.Attribute, to)
	}
	return fmt.Sprintf("attribute %q is none Baton names: a custom form field's name?", r.Attribute)
}
