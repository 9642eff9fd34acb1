package lab

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/reports"
	"github.com/baton-hq/baton/internal/rulebook"
	"gopkg.in/yaml.v3"
)

// DefaultMinOutcomes is how many MQLs sales must have answered (accepted or
// rejected) before the lab suggests anything.
const DefaultMinOutcomes = 30

// MinPerRule is how many answered MQLs a single rule needs before a change
// to it is proposed; with fewer, its evidence is shown and nothing proposed.
const MinPerRule = 5

// TooFewError: not enough outcomes to suggest anything.
type TooFewError struct {
	Have, Need int
}

func (e *TooFewError) Error() string {
	return fmt.Sprintf("too few outcomes to suggest changes: sales answered %d MQLs (accepted or rejected), at least %d are needed (min_outcomes)", e.Have, e.Need)
}

// Suggestions is the evidence for each rule and the changes it supports.
type Suggestions struct {
	Rules       string     `json:"rules"`
	File        string     `json:"file"`
	MinOutcomes int        `json:"minOutcomes"`
	MQLs        int        `json:"mqls"`
	Baseline    Evidence   `json:"baseline"` // every MQL
	Items       []Evidence `json:"items"`    // behaviour rules, fit rules, MQL conditions, in file order
	// Diff is every proposal as a diff of the rules file, each hunk headed
	// by the evidence behind it. Nothing is ever applied: a person reviews
	// it, simulates it (POST /admin/rules/simulate) and opens a pull request.
	Diff string `json:"diff"`
	Note string `json:"note"`
}

// Evidence is how the MQLs a rule touched fared.
type Evidence struct {
	Kind string `json:"kind"` // behaviour, fit, condition, all
	Name string `json:"name"`
	// Label is a condition's name as sales read it (its label in the
	// rules file, in the request's language; the name without one), set
	// by who answers the request; empty for other kinds.
	Label    string  `json:"label,omitempty"`
	Points   float64 `json:"points,omitempty"` // behaviour and fit rules
	MQLs     int     `json:"mqls"`             // MQLs it touched
	Answered int     `json:"answered"`         // of them, accepted or rejected by sales
	Accepted int     `json:"accepted"`         // SAL or later
	SQL      int     `json:"sql"`
	Won      int     `json:"won"`
	Rejected int     `json:"rejected"`
	Lost     int     `json:"lost"`
	// AcceptRate is Accepted / Answered with its 95% Wilson interval; not
	// measured (null, the interval 0-1) while none was answered.
	AcceptRate reports.Figure `json:"acceptRate"`
	AcceptCI   [2]float64     `json:"acceptCI"`
	// WinRate is Won / (Won + Lost), with its interval, when deals closed.
	WinRate  *float64    `json:"winRate,omitempty"`
	WinCI    *[2]float64 `json:"winCI,omitempty"`
	Verdict  string      `json:"verdict"` // better than all MQLs, worse, no clear difference, too few outcomes
	Proposal *Proposal   `json:"proposal,omitempty"`
	// Withheld is the change the evidence supported but that is not
	// proposed: the rules file it makes (with the proposals before it in
	// Items) is refused by the parser, as make check and the server's
	// start would refuse it; its Refused says why.
	Withheld *Proposal `json:"withheld,omitempty"`
}

// Proposal is one changed line of the rules file.
type Proposal struct {
	Field string  `json:"field"` // behaviour[3].points
	Line  int     `json:"line"`
	From  float64 `json:"from"`
	To    float64 `json:"to"`
	Old   string  `json:"old"` // the line as it is
	New   string  `json:"new"` // the line proposed
	Why   string  `json:"why"`
	// Refused is, for a withheld proposal, the parser's refusal of the
	// rules file it makes (file:line: field: message).
	Refused string `json:"refused,omitempty"`
}

// fate is one MQL and what sales made of it within its cycle.
type fate struct {
	m        qualify.MQL
	o        Outcome
	answered bool
	rules    map[string]bool // behaviour rules whose points stood behind it (this cycle)
}

// Suggest reads every MQL's outcome and the rules that touched it. It
// refuses (TooFewError) with fewer than minOutcomes answered MQLs.
func (l *Lab) Suggest(ctx context.Context, minOutcomes int) (Suggestions, error) {
	if l.Rules == nil {
		return Suggestions{}, ErrNoRules
	}
	if minOutcomes <= 0 {
		minOutcomes = DefaultMinOutcomes
	}
	people, err := reports.Load(ctx, l.T)
	if err != nil {
		return Suggestions{}, err
	}
	ledger, err := l.ledgers(ctx)
	if err != nil {
		return Suggestions{}, err
	}
	var fates []fate
	for _, p := range people {
		for mi, m := range p.MQLs {
			var end, start time.Time
			if mi+1 < len(p.MQLs) {
				end = p.MQLs[mi+1].At
			}
			var cyc []qualify.StageChange
			for _, h := range p.History {
				if h.To == qualify.StageRecycled && h.At.Before(m.At) {
					start = h.At // behaviour before the last recycle did not count
				}
				if !h.At.Before(m.At) && (end.IsZero() || h.At.Before(end)) {
					cyc = append(cyc, h)
				}
			}
			o, _ := OutcomeOf(cyc, l.loc())
			f := fate{m: m, o: o, answered: good(o) || o.Rejected, rules: map[string]bool{}}
			for _, c := range ledger[p.ID] {
				if c.At.After(start) && !c.At.After(m.At) && c.Delta != 0 {
					f.rules[c.Rule] = true
				}
			}
			fates = append(fates, f)
		}
	}
	s := Suggestions{Rules: l.Rules.Version, File: l.File, MinOutcomes: minOutcomes, MQLs: len(fates),
		Note: "Suggestions are never applied: review the diff, simulate it with POST /admin/rules/simulate (or go run ./infra/lab), and change the rules file by pull request."}
	s.Baseline = evidence("all", "every MQL", 0, fates, func(fate) bool { return true })
	if s.Baseline.Answered < minOutcomes {
		return s, &TooFewError{Have: s.Baseline.Answered, Need: minOutcomes}
	}
	lines := locate(l.Text)
	base := s.Baseline.AcceptRate.Float() // measured: minOutcomes > 0 were answered
	for i, r := range l.Rules.Behaviour {
		e := evidence("behaviour", r.Name, r.Points, fates, func(f fate) bool { return f.rules[r.Name] })
		e.Proposal = pointsProposal(&e, base, fmt.Sprintf("behaviour[%d].points", i), lines)
		s.Items = append(s.Items, e)
	}
	fi := 0
	for _, r := range l.Rules.Fit {
		field := fmt.Sprintf("fit.rules[%d].points", fi)
		if r.Name == "free-mail" && r.Attribute == "email_domain" && fi == len(l.Rules.Fit)-1 && lines["fit.free_mail.points"].line > 0 {
			field = "fit.free_mail.points"
		} else {
			fi++
		}
		e := evidence("fit", r.Name, r.Points, fates, func(f fate) bool {
			for _, c := range f.m.Verdict.FitRules {
				if c.Rule == r.Name {
					return true
				}
			}
			return false
		})
		e.Proposal = pointsProposal(&e, base, field, lines)
		s.Items = append(s.Items, e)
	}
	for i, c := range l.Rules.MQL {
		e := evidence("condition", c.Name, 0, fates, func(f fate) bool { return f.m.Condition == c.Name })
		e.judge(base)
		if c.MinBehaviour != nil {
			var mine []fate
			for _, f := range fates {
				if f.m.Condition == c.Name && f.answered {
					mine = append(mine, f)
				}
			}
			var others []*rulebook.Condition
			for _, o := range l.Rules.MQL {
				if o != c {
					others = append(others, o)
				}
			}
			e.Proposal = thresholdProposal(&e, base, *c.MinBehaviour, mine, others, fmt.Sprintf("mql[%d].min_behaviour", i), lines)
		}
		s.Items = append(s.Items, e)
	}
	withhold(l.File, l.Text, s.Items)
	s.Diff = diff(l.File, l.Text, s.Items)
	return s, nil
}

// withhold parses the rules file each proposal makes, in Items' order with
// the proposals kept before it, with the parser make check and the
// server's start use: a proposal whose file is refused (fit points scaled
// down under a grade's threshold, a behaviour rule's points under a
// min_behaviour it bounded) is withheld with the refusal, and the diff
// left without it. No companion change is made for it (lowering the grade
// or min_behaviour too would qualify other people, which the evidence did
// not measure): the refusal says what a reviewer could change. A file in
// force that does not parse itself (a parser newer than it) is left as it
// was: its refusal is no proposal's.
func withhold(file string, text []byte, items []Evidence) {
	if _, err := rulebook.Parse(file, text); err != nil {
		return
	}
	var kept []*Proposal
	for i := range items {
		p := items[i].Proposal
		if p == nil {
			continue
		}
		if _, err := rulebook.Parse(file, patched(text, append(kept, p))); err != nil {
			p.Refused = err.Error()
			items[i].Proposal, items[i].Withheld = nil, p
			continue
		}
		kept = append(kept, p)
	}
}

// patched is text with each proposal's line replaced by its new line (its
// end kept), as applying the diff makes it; a second proposal on a line
// already changed is left out, as diff leaves it.
func patched(text []byte, ps []*Proposal) []byte {
	lines := strings.SplitAfter(string(text), "\n")
	done := map[int]bool{}
	for _, p := range ps {
		if p.Line < 1 || p.Line > len(lines) || done[p.Line] {
			continue
		}
		done[p.Line] = true
		s := lines[p.Line-1]
		end := s[len(strings.TrimRight(s, "\r\n")):]
		lines[p.Line-1] = p.New + end
	}
	return []byte(strings.Join(lines, ""))
}

type entry struct {
	Rule  string
	Delta float64
	At    time.Time
}

// ledgers reads every person's ledger (rule, points, time), in one pass.
func (l *Lab) ledgers(ctx context.Context) (map[string][]entry, error) {
	all, err := qualify.AllLedgers(ctx, l.T)
	if err != nil {
		return nil, err
	}
	out := make(map[string][]entry, len(all))
	for id, cs := range all {
		for _, c := range cs {
			out[id] = append(out[id], entry{Rule: c.Rule, Delta: c.Delta, At: c.At})
		}
	}
	return out, nil
}

func evidence(kind, name string, points float64, fates []fate, touched func(fate) bool) Evidence {
	e := Evidence{Kind: kind, Name: name, Points: points}
	for _, f := range fates {
		if !touched(f) {
			continue
		}
		e.MQLs++
		if f.answered {
			e.Answered++
		}
		for _, c := range []struct {
			ok bool
			n  *int
		}{{good(f.o), &e.Accepted}, {f.o.SQL, &e.SQL}, {f.o.Won, &e.Won}, {f.o.Rejected, &e.Rejected}, {f.o.Lost, &e.Lost}} {
			if c.ok {
				*c.n++
			}
		}
	}
	r, ci := rate(e.Accepted, e.Answered)
	if e.AcceptCI = ci; e.Answered > 0 {
		e.AcceptRate = reports.Measured(r)
	}
	if closed := e.Won + e.Lost; closed > 0 {
		r, ci := rate(e.Won, closed)
		e.WinRate, e.WinCI = &r, &ci
	}
	return e
}

// good: sales accepted the MQL and did not reject it afterwards.
func good(o Outcome) bool { return o.Accepted && !o.Rejected }

func rate(k, n int) (float64, [2]float64) {
	if n == 0 {
		return 0, [2]float64{0, 1}
	}
	lo, hi := Wilson(k, n)
	return round(float64(k) / float64(n)), [2]float64{round(lo), round(hi)}
}

// Wilson is the 95% Wilson score interval of k successes in n trials.
func Wilson(k, n int) (lo, hi float64) {
	if n == 0 {
		return 0, 1
	}
	const z = 1.959964
	p, nf := float64(k)/float64(n), float64(n)
	den := 1 + z*z/nf
	mid := (p + z*z/(2*nf)) / den
	half := z * math.Sqrt(p*(1-p)/nf+z*z/(4*nf*nf)) / den
	return math.Max(0, mid-half), math.Min(1, mid+half)
}

func pct(f float64) string { return fmt.Sprintf("%.0f%%", f*100) }

func (e *Evidence) summary() string {
	s := fmt.Sprintf("%d of %d answered MQLs accepted (%s, 95%% CI %s-%s)", e.Accepted, e.Answered, pct(e.AcceptRate.Float()), pct(e.AcceptCI[0]), pct(e.AcceptCI[1]))
	if e.WinRate != nil {
		s += fmt.Sprintf(", won %d of %d closed (%s)", e.Won, e.Won+e.Lost, pct(*e.WinRate))
	}
	return s
}

// judge sets the verdict against the baseline rate: a rule is better or
// worse only when its whole interval is on one side of it.
func (e *Evidence) judge(base float64) int {
	switch {
	case e.Answered < MinPerRule:
		e.Verdict = fmt.Sprintf("too few outcomes (%d answered, %d needed)", e.Answered, MinPerRule)
		return 0
	case e.AcceptCI[0] > base:
		e.Verdict = "better than all MQLs (" + pct(base) + " accepted)"
		return 1
	case e.AcceptCI[1] < base:
		e.Verdict = "worse than all MQLs (" + pct(base) + " accepted)"
		return -1
	}
	e.Verdict = "no clear difference from all MQLs (" + pct(base) + " accepted)"
	return 0
}

// pointsProposal scales a rule's points by how its MQLs fared against all
// MQLs (at most doubled, at least zero) when the difference is clear,
// within the rules file's bound (rulebook.MaxPoints): doubled past it, the
// proposal made a file the parser refuses.
func pointsProposal(e *Evidence, base float64, field string, lines map[string]spot) *Proposal {
	dir := e.judge(base)
	at, ok := lines[field]
	if dir == 0 || !ok || base == 0 {
		return nil
	}
	ratio := math.Min(e.AcceptRate.Float()/base, 2) // judged: MinPerRule answered
	to := math.Round(e.Points * ratio)
	if e.Points < 0 { // a penalty: people it hit did better than average, soften it; worse, harden it
		to = math.Round(e.Points / math.Max(ratio, 0.5))
	}
	to = math.Max(-rulebook.MaxPoints, math.Min(rulebook.MaxPoints, to))
	if to == e.Points {
		return nil
	}
	verb := "lower"
	if math.Abs(to) > math.Abs(e.Points) == (e.Points > 0) {
		verb = "raise"
	}
	why := fmt.Sprintf("%s %s %q %g -> %g: %s; all MQLs %s", verb, e.Kind, e.Name, e.Points, to, e.summary(), pct(base))
	return at.propose(field, e.Points, to, why)
}

// thresholdProposal raises a condition's min_behaviour to the behaviour
// score that separates the MQLs sales rejected from those they accepted,
// when raising it would have spared sales at least twice as many
// rejections as it would have cost acceptances, and the MQLs below it were
// clearly less often accepted than those it keeps: the whole 95% interval
// of their rate under the kept ones' rate, as judge holds a rule against
// all MQLs. Without that, a condition whose MQLs sales all rejected was
// proposed the highest score seen: every MQL below it was rejected, and so
// was every one above.
//
// An MQL below the threshold that another condition of the file holds for
// at the same moment (its verdict: a grade A person at 45 is also the
// matrix's warm x A) stays an MQL, under that condition: raising the
// threshold spares sales nothing there, so it is counted with the MQLs
// kept. It was counted as dropped, and the proposal claimed rejections
// spared that a simulation of it did not find.
func thresholdProposal(e *Evidence, base, current float64, mine []fate, others []*rulebook.Condition, field string, lines map[string]spot) *Proposal {
	if e.judge(base); e.Answered < MinPerRule {
		return nil
	}
	at, ok := lines[field]
	if !ok {
		return nil
	}
	var cands []float64
	for _, f := range mine {
		if b := math.Ceil(f.m.Verdict.Behaviour); b > current {
			cands = append(cands, b)
		}
	}
	sort.Float64s(cands)
	// taken: qualified by another condition at the same moment.
	taken := func(f fate) bool {
		for _, o := range others {
			if o.Holds(f.m.Verdict) {
				return true
			}
		}
		return false
	}
	best, bestScore, bestAcc, bestRej, bestKept, bestKeptAcc, bestTaken := 0.0, 0.0, 0, 0, 0, 0, 0
	spares := false // some threshold spared enough rejections, but kept MQLs no better
	for _, t := range cands {
		acc, rej := 0, 0      // below t: would no longer qualify
		kept, keptAcc := 0, 0 // at or above t, or another condition's
		byOthers := 0         // of kept, below t
		for _, f := range mine {
			switch {
			case f.m.Verdict.Behaviour >= t || taken(f):
				kept++
				if good(f.o) {
					keptAcc++
				}
				if f.m.Verdict.Behaviour < t {
					byOthers++
				}
			case good(f.o):
				acc++
			default:
				rej++
			}
		}
		if rej < 2 || rej < 2*acc {
			continue
		}
		spares = true
		if _, hi := Wilson(acc, acc+rej); kept == 0 || hi >= float64(keptAcc)/float64(kept) {
			continue // no clear difference between the MQLs it drops and those it keeps
		}
		if score := float64(rej - 2*acc); score > bestScore {
			best, bestScore, bestAcc, bestRej, bestKept, bestKeptAcc, bestTaken = t, score, acc, rej, kept, keptAcc, byOthers
		}
	}
	if best == 0 {
		if spares {
			e.Verdict += "; no higher min_behaviour drops MQLs clearly less often accepted than those it keeps"
		} else {
			e.Verdict += "; no higher min_behaviour spares sales clearly more rejections than acceptances"
		}
		return nil
	}
	// The counts are of the score each MQL qualified at, which is all
	// an MQL keeps: someone below the new threshold then who reached it
	// later in the same cycle still qualifies (later), and the proposal
	// does not foresee that. Said so, not "spared": a simulation of the
	// diff counts who would actually stop.
	later := fmt.Sprintf("counted at the moment each qualified: one who reached %g later in the same cycle would still qualify then, so fewer may stop; simulate the diff to count who would", best)
	if bestTaken == 0 {
		e.Verdict += fmt.Sprintf("; below behaviour %g when they qualified: %d rejected, %d accepted; at or above it: %d of %d accepted", best, bestRej, bestAcc, bestKeptAcc, bestKept)
		why := fmt.Sprintf("raise condition %q min_behaviour %g -> %g: of its %d answered MQLs, those below %g when they qualified were %d rejected and %d accepted, those at or above it %d of %d accepted (%s); %s", e.Name, current, best, len(mine), best, bestRej, bestAcc, bestKeptAcc, bestKept, later, e.summary())
		return at.propose(field, current, best, why)
	}
	e.Verdict += fmt.Sprintf("; below behaviour %g when they qualified and no other condition's: %d rejected, %d accepted; kept (at or above it, or %d below it another condition qualifies as well): %d of %d accepted", best, bestRej, bestAcc, bestTaken, bestKeptAcc, bestKept)
	why := fmt.Sprintf("raise condition %q min_behaviour %g -> %g: of its %d answered MQLs, those below %g when they qualified that no other condition qualifies were %d rejected and %d accepted, those kept (at or above it, or %d below it that another condition qualifies as well and stay MQLs under it) %d of %d accepted (%s); %s", e.Name, current, best, len(mine), best, bestRej, bestAcc, bestTaken, bestKeptAcc, bestKept, later, e.summary())
	return at.propose(field, current, best, why)
}

// spot is where a value sits in the rules file.
type spot struct {
	line, col int
	value     string
	text      string // the whole line
}

// col is yaml's column, in characters: on a line with Japanese before the
// value (in: [製造業], points: 30) the byte at col-1 is not where the value
// starts. A value not found where yaml says is proposed nothing: the line
// was proposed unchanged (- and + the same line) under "30 -> 0".
func (s spot) propose(field string, from, to float64, why string) *Proposal {
	nv := strconv.FormatFloat(to, 'f', -1, 64) // 1000000, not %g's 1e+06
	c, n := -1, 1
	for i := range s.text {
		if n == s.col {
			c = i
			break
		}
		n++
	}
	if c < 0 || s.value == "" || !strings.HasPrefix(s.text[c:], s.value) {
		return nil
	}
	newLine := s.text[:c] + nv + s.text[c+len(s.value):]
	return &Proposal{Field: field, Line: s.line, From: from, To: to, Old: s.text, New: newLine, Why: why}
}

// locate finds the lines of the values suggestions may change: each
// behaviour and fit rule's points, free_mail's points, each condition's
// min_behaviour.
func locate(text []byte) map[string]spot {
	out := map[string]spot{}
	var root yaml.Node
	if yaml.Unmarshal(text, &root) != nil || len(root.Content) == 0 {
		return out
	}
	lines := strings.Split(string(text), "\n")
	at := func(field string, n *yaml.Node) {
		if n != nil && n.Kind == yaml.ScalarNode && n.Line > 0 && n.Line <= len(lines) {
			out[field] = spot{line: n.Line, col: n.Column, value: n.Value, text: strings.TrimRight(lines[n.Line-1], "\r")}
		}
	}
	get := func(m *yaml.Node, key string) *yaml.Node {
		if m == nil || m.Kind != yaml.MappingNode {
			return nil
		}
		for i := 0; i+1 < len(m.Content); i += 2 {
			if m.Content[i].Value == key {
				return m.Content[i+1]
			}
		}
		return nil
	}
	seq := func(n *yaml.Node) []*yaml.Node {
		if n == nil || n.Kind != yaml.SequenceNode {
			return nil
		}
		return n.Content
	}
	top := root.Content[0]
	for i, r := range seq(get(top, "behaviour")) {
		at(fmt.Sprintf("behaviour[%d].points", i), get(r, "points"))
	}
	fit := get(top, "fit")
	for i, r := range seq(get(fit, "rules")) {
		at(fmt.Sprintf("fit.rules[%d].points", i), get(r, "points"))
	}
	at("fit.free_mail.points", get(get(fit, "free_mail"), "points"))
	for i, c := range seq(get(top, "mql")) {
		at(fmt.Sprintf("mql[%d].min_behaviour", i), get(c, "min_behaviour"))
	}
	return out
}

// diffContext is how many unchanged lines a hunk shows around a change:
// git apply refuses a hunk without context (unless --unidiff-zero).
const diffContext = 3

// diff writes the proposals as a unified diff of the rules file (text),
// which git apply and patch -p1 apply as they are: the evidence behind
// each changed line comes before the diff, as comments (a line inside a
// hunk that is not context, removed or added corrupts the patch), and
// each hunk keeps its lines' ends (CRLF) and a few lines of context.
func diff(file string, text []byte, items []Evidence) string {
	var ps []*Proposal
	for _, e := range items {
		if e.Proposal != nil {
			ps = append(ps, e.Proposal)
		}
	}
	if len(ps) == 0 {
		return ""
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i].Line < ps[j].Line })
	lines := strings.SplitAfter(string(text), "\n")
	if len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	changed := map[int]*Proposal{}
	var b strings.Builder
	for _, e := range items {
		if p := e.Withheld; p != nil {
			fmt.Fprintf(&b, "# not proposed, line %d, %s %g -> %g: the rules file it makes is refused: %s\n", p.Line, p.Field, p.From, p.To, strings.ReplaceAll(p.Refused, "\n", " "))
		}
	}
	for _, p := range ps {
		if p.Line < 1 || p.Line > len(lines) || changed[p.Line] != nil {
			continue
		}
		changed[p.Line] = p
		fmt.Fprintf(&b, "# evidence for line %d, %s: %s\n", p.Line, p.Field, p.Why)
	}
	fmt.Fprintf(&b, "--- a/%s\n+++ b/%s (suggested, not applied)\n", file, file)
	// writeLine writes a line of the file with its end, or says it has none.
	writeLine := func(mark, s, end string) {
		b.WriteString(mark + s)
		if end == "" {
			b.WriteString("\n\\ No newline at end of file\n")
		} else {
			b.WriteString(end)
		}
	}
	for i := 0; i < len(ps); {
		first := ps[i].Line
		if changed[first] != ps[i] {
			i++
			continue
		}
		from, to := max(1, first-diffContext), min(len(lines), first+diffContext)
		fields := []string{ps[i].Field}
		for i++; i < len(ps) && ps[i].Line-diffContext <= to+1; i++ {
			if changed[ps[i].Line] == ps[i] {
				to = min(len(lines), ps[i].Line+diffContext)
				fields = append(fields, ps[i].Field)
			}
		}
		n := to - from + 1
		fmt.Fprintf(&b, "@@ -%d,%d +%d,%d @@ %s\n", from, n, from, n, strings.Join(fields, ", "))
		for l := from; l <= to; l++ {
			s := lines[l-1]
			end := ""
			if strings.HasSuffix(s, "\n") {
				s, end = s[:len(s)-1], "\n"
				if strings.HasSuffix(s, "\r") {
					s, end = s[:len(s)-1], "\r\n"
				}
			}
			if p := changed[l]; p != nil {
				writeLine("-", s, end)
				writeLine("+", p.New, end)
				continue
			}
			writeLine(" ", s, end)
		}
	}
	return b.String()
}
