package rulebook

import (
	"errors"
	"strings"
	"testing"
)

// refused parses src and wants a ParseError on line with field, saying say.
func refused(t *testing.T, src string, line int, field, say string) {
	t.Helper()
	_, err := Parse("rules.yaml", []byte(src))
	var pe *ParseError
	if !errors.As(err, &pe) {
		t.Errorf("%q: taken (%v); want it refused at line %d, %s", src, err, line, field)
		return
	}
	if pe.Line != line || pe.Field != field || !strings.Contains(pe.Msg, say) {
		t.Errorf("%q: %s; want line %d, field %s, saying %q", src, pe, line, field, say)
	}
}

// TestConditionOnGradesNoThresholdGivesRefused: without a grades section
// everyone is graded D, so a condition asking for grade A or B (or a
// matrix whose cells name only them) qualified no one, and the file
// loaded: a server scoring everyone and raising no MQL, without a word.
// A condition some of whose grades are given (A and B given, the matrix
// also naming C; D, below them all) still qualifies people, and is taken.
func TestConditionOnGradesNoThresholdGivesRefused(t *testing.T) {
	const fix = "add a minimum fit score under grades (grades: {A: 50, B: 30, C: 10})"
	refused(t, "name: x\nmql:\n  - name: hot-and-fit\n    min_behaviour: 40\n    grades: [A, B]\n", 5, "mql[0].grades", "no one is ever graded A, B: grades gives no threshold for it, so the condition qualifies no one; "+fix)
	refused(t, "grades: {A: 50}\nmql:\n  - {name: fit, grades: [B]}\n", 3, "mql[0].grades", "no one is ever graded B")
	refused(t, "bands: [{name: hot, min: 60}, {name: warm, min: 30}]\nmql:\n  - name: cross\n    matrix:\n      hot: [A, B]\n      warm: [A]\n", 5, "mql[0].matrix", "no one is ever graded A, B: grades gives no threshold")
	for _, src := range []string{
		"behaviour: [{name: v, type: page_view, points: 1}]\nfit: {rules: [{name: t, attribute: title, match: '*', points: 50}]}\ngrades: {A: 50, B: 30}\nbands: [{name: hot, min: 60}]\nmql:\n  - {name: cross, matrix: {hot: [A, B, C]}}\n  - {name: fit, grades: [B, C]}\n",
		"behaviour: [{name: v, type: page_view, points: 1}]\nmql:\n  - {name: unfit, min_behaviour: 80, grades: [A, D]}\n",
	} {
		if _, err := Parse("rules.yaml", []byte(src)); err != nil {
			t.Errorf("%q: %v", src, err)
		}
	}
}

// TestMinBANTAboveTheFactsDefinedRefused: BANT counts the facts bant
// defines, so min_bant: 3 with two defined (or with no bant section)
// never held, and the condition qualified no one, silently.
func TestMinBANTAboveTheFactsDefinedRefused(t *testing.T) {
	refused(t, "bant:\n  budget: {field: budget}\n  need: {field: need}\nmql:\n  - name: bant-confirmed\n    min_bant: 3\n", 6, "mql[0].min_bant", "3, but bant defines 2 of the 4 facts (budget, need): no one ever has 3 confirmed; define the others under bant, or lower min_bant")
	refused(t, "mql:\n  - {name: bant-confirmed, min_bant: 1}\n", 2, "mql[0].min_bant", "1, but bant defines none of the 4 facts")
	if _, err := Parse("rules.yaml", []byte("bant:\n  budget: {field: budget}\n  need: {field: need}\nmql:\n  - {name: bant-confirmed, min_bant: 2}\n")); err != nil {
		t.Error(err)
	}
}

// TestFormFileEventNeedTheirTypes: the engine tries a rule's form on form
// submissions alone, its file on downloads, its event name on custom
// events and offline touches. A rule giving one with types that have none
// (type: page_view, form: contact) never matched, and the file loaded.
// With one of its types among others, it is taken: it narrows the rule.
func TestFormFileEventNeedTheirTypes(t *testing.T) {
	const mql = "mql: [{name: x, min_behaviour: 1}]\n"
	refused(t, "behaviour:\n  - name: contact\n    type: page_view\n    form: \"re:contact|お問い合わせ\"\n    points: 30\n"+mql, 4, "behaviour[0].form", "only form submissions have a form: add type form_submit")
	refused(t, "behaviour:\n  - {name: wp, type: [page_view, outbound], file: \"*.pdf\", points: 15}\n"+mql, 2, "behaviour[0].file", "only downloads have a file: add type download")
	refused(t, "behaviour:\n  - {name: video, type: page_view, event: video_played, points: 8}\n"+mql, 2, "behaviour[0].event", "only custom events and offline touches have an event name: add type custom (or offline)")
	for _, src := range []string{
		"behaviour:\n  - {name: contact, type: [form_submit, page_view], form: contact, points: 30}\n" + mql,
		"behaviour:\n  - {name: contact, form: contact, points: 30}\n" + mql,
		"behaviour:\n  - {name: wp, type: download, file: \"*.pdf\", points: 15}\n" + mql,
		"behaviour:\n  - {name: expo, type: offline, event: \"Japan IT Week*\", points: 20}\n" + mql,
		"behaviour:\n  - {name: video, type: custom, event: video_played, points: 8}\n" + mql,
	} {
		if _, err := Parse("rules.yaml", []byte(src)); err != nil {
			t.Errorf("%q: %v", src, err)
		}
	}
}

// TestEmptyTypeOrURLListRefused: url: [] (a list emptied in review) took
// every page, as a rule without url does: pricing-page's 10 points went to
// every page view, and the file loaded. type: [] beside a url took every
// type. Each is refused, as an empty list of grades or values is.
func TestEmptyTypeOrURLListRefused(t *testing.T) {
	const mql = "mql: [{name: x, min_behaviour: 1}]\n"
	refused(t, "behaviour:\n  - name: pricing-page\n    type: page_view\n    url: []\n    points: 10\n"+mql, 4, "behaviour[0].url", "an empty list takes every page: list URL globs, or remove url to take any")
	refused(t, "behaviour:\n  - {name: pricing-page, type: [], url: \"/pricing*\", points: 10}\n"+mql, 2, "behaviour[0].type", "an empty list takes events of every type")
	r, err := Parse("rules.yaml", []byte("behaviour:\n  - {name: pages, type: page_view, points: 1}\n  - {name: pricing, url: \"/pricing*\", points: 10}\n"+mql))
	if err != nil || len(r.Behaviour[0].URL) != 0 || len(r.Behaviour[1].Types) != 0 {
		t.Fatalf("%v %+v", err, r)
	}
}

// TestGradeAboveTheMostFitScoreRefused: a grade's threshold above the fit
// rules' positive points together (A: 80 where they give at most 65) is
// met by no one, and the file loaded: nobody was ever graded A, and a
// condition on A qualified no one. Refused on the grade's line with its
// threshold, the most the rules give and what to do. A threshold the
// rules can reach, even only with every positive rule at once, is taken.
func TestGradeAboveTheMostFitScoreRefused(t *testing.T) {
	const fit = "fit:\n  rules:\n    - {name: exec, attribute: title, match: '*部長*', points: 30}\n    - {name: big, attribute: employees, min: 250, points: 20}\n    - {name: small, attribute: employees, max: 49, points: -10}\n  free_mail: {points: 15}\n"
	const mql = "mql: [{name: fit, grades: [A, B]}]\n"
	refused(t, fit+"grades:\n  A: 80\n  B: 30\n  C: 10\n"+mql, 8, "grades.A", "80, but the fit rules give at most 65 (their positive points together): no one is ever graded A; lower it to 65 or less, or give fit rules more points")
	refused(t, fit+"grades: {A: 70, B: 66}\n"+mql, 7, "grades.A", "70, but the fit rules give at most 65")
	for _, src := range []string{
		fit + "grades: {A: 65, B: 30, C: 10}\n" + mql,
		// No fit rules: grades name no one but D, which is no condition's here.
		"grades: {A: 50, B: 30}\nmql: [{name: x, grades: [D]}]\n",
	} {
		if _, err := Parse("rules.yaml", []byte(src)); err != nil {
			t.Errorf("%q: %v", src, err)
		}
	}
}

// TestConditionOnGradesWithoutFitRulesRefused: without fit rules every fit
// score is 0, so everyone has the grade of 0 (D, below every threshold),
// and a condition asking for grade A or B (a matrix's cells too)
// qualified no one, silently. A condition naming the grade of 0 is taken.
func TestConditionOnGradesWithoutFitRulesRefused(t *testing.T) {
	refused(t, "grades: {A: 50, B: 30, C: 10}\nmql:\n  - name: hot-and-fit\n    min_behaviour: 40\n    grades: [A, B]\n", 5, "mql[0].grades", "no one is ever graded A, B: there are no fit rules, so every fit score is 0 (grade D) and the condition qualifies no one; add fit rules under fit.rules")
	refused(t, "grades: {A: 50, B: 0}\nbands: [{name: hot, min: 60}]\nmql:\n  - name: cross\n    matrix: {hot: [A]}\n", 5, "mql[0].matrix", "no one is ever graded A: there are no fit rules, so every fit score is 0 (grade B)")
	for _, src := range []string{
		"grades: {A: 50, B: 0}\nmql: [{name: x, grades: [A, B]}]\n",
		"grades: {A: 50}\nmql: [{name: x, grades: [A, D]}]\n",
	} {
		if _, err := Parse("rules.yaml", []byte(src)); err != nil {
			t.Errorf("%q: %v", src, err)
		}
	}
}

// TestMinBehaviourNoOneReachesRefused: a condition's min_behaviour above
// the most behaviour score the rules give is met by no one, and the file
// loaded: no behaviour rule with positive points (the score never rises
// above 0), or each such rule bounded (once: true, cap_per_person) below
// it. Refused on its line with what to do; so is a recycle's
// min_new_behaviour no cycle can earn. A share of the score kept over a
// recycle (recycle.multiply) lets later cycles pass the bound: taken.
func TestMinBehaviourNoOneReachesRefused(t *testing.T) {
	refused(t, "behaviour:\n  - {name: careers, type: page_view, url: \"/careers*\", points: -10}\nmql:\n  - name: hot\n    min_behaviour: 40\n", 5, "mql[0].min_behaviour", "40, but no behaviour rule gives points: every behaviour score is 0 or less, so the condition qualifies no one; add behaviour rules with positive points, or remove min_behaviour")
	refused(t, "grades: {A: 10}\nfit: {rules: [{name: t, attribute: title, match: '*', points: 10}]}\nmql:\n  - {name: fit, grades: [A]}\n  - {name: hot, min_behaviour: 1}\n", 5, "mql[1].min_behaviour", "1, but no behaviour rule gives points")
	const bounded = "behaviour:\n  - {name: contact, type: form_submit, points: 30, once: true}\n  - {name: whitepaper, type: download, points: 15, cap_per_person: 45}\n  - {name: careers, type: page_view, points: -10}\n"
	refused(t, bounded+"mql:\n  - {name: hot, min_behaviour: 80}\n", 6, "mql[0].min_behaviour", "80, but the behaviour rules give a person at most 75 (each with points is once: true or has a cap_per_person): the condition qualifies no one; lower it to 75 or less, or raise those rules' points or caps")
	refused(t, bounded+"mql:\n  - {name: hot, min_behaviour: 75}\nrecycle:\n  min_new_behaviour: 100\n", 8, "recycle.min_new_behaviour", "100, but the behaviour rules give a person at most 75 in a cycle")
	for _, src := range []string{
		bounded + "mql:\n  - {name: hot, min_behaviour: 75}\n",
		bounded + "mql:\n  - {name: hot, min_behaviour: 80}\nrecycle: {multiply: 0.5}\n",
		bounded + "  - {name: page-view, type: page_view, points: 1}\nmql:\n  - {name: hot, min_behaviour: 1000}\n",
		"behaviour:\n  - {name: careers, type: page_view, points: -10}\nmql:\n  - {name: x, min_behaviour: 0}\n",
	} {
		if _, err := Parse("rules.yaml", []byte(src)); err != nil {
			t.Errorf("%q: %v", src, err)
		}
	}
}

// TestFreeMailWithoutPointsRefused: fit.free_mail without points scored
// free mail 0, so the section a reviewer added to mark down gmail.com
// addresses changed no one's fit, and the file loaded. Refused on its
// line saying what to write; points: 0 beside domains (those domains for
// account grouping alone) is taken.
func TestFreeMailWithoutPointsRefused(t *testing.T) {
	const mql = "mql: [{name: x, grades: [D]}]\n"
	refused(t, "fit:\n  free_mail:\n    domains: [isp.example]\n"+mql, 2, "fit.free_mail.points", "required: without it free mail changes no fit score; write the points for a free-mail address (points: -20), or points: 0 to give the domains to account grouping alone")
	refused(t, "fit:\n  competitors: [rival.example]\n  free_mail: {}\n"+mql, 3, "fit.free_mail.points", "required: without it free_mail does nothing; write the points for a free-mail address (points: -20), or remove free_mail")
	r, err := Parse("rules.yaml", []byte("fit:\n  free_mail: {points: 0, domains: [isp.example]}\n"+mql))
	if err != nil || !r.FreeMail["isp.example"] {
		t.Errorf("%v", err)
	}
}

// TestMatrixOnBandsNoOneReachesRefused: a matrix whose every band with
// grades starts above the most behaviour score the rules give (none with
// positive points, or each bounded below it) puts no one in a cell, so
// the condition qualified no one, silently, as a min_behaviour no one
// reaches. A band in reach among them, or a share kept over a recycle, is
// taken.
func TestMatrixOnBandsNoOneReachesRefused(t *testing.T) {
	refused(t, "bands: [{name: hot, min: 60}, {name: cold, min: 0}]\nmql:\n  - name: cross\n    matrix: {hot: [D]}\n", 4, "mql[0].matrix", "no score is ever in band hot: no behaviour rule gives points, so every behaviour score is 0 or less and the condition qualifies no one; add behaviour rules with positive points")
	const bounded = "behaviour:\n  - {name: contact, type: form_submit, points: 30, once: true}\n  - {name: whitepaper, type: download, points: 15, cap_per_person: 45}\nbands: [{name: hot, min: 80}, {name: warm, min: 76}, {name: cold, min: 0}]\n"
	refused(t, bounded+"mql:\n  - name: cross\n    matrix: {hot: [D], warm: [D]}\n", 7, "mql[0].matrix", "no score is ever in band hot, warm: the behaviour rules give a person at most 75 (each with points is once: true or has a cap_per_person), so the condition qualifies no one; give a band with grades a min of 75 or less, or raise those rules' points or caps")
	for _, src := range []string{
		bounded + "mql:\n  - {name: cross, matrix: {hot: [D], cold: [D]}}\n",
		bounded + "mql:\n  - {name: cross, matrix: {hot: [D]}}\nrecycle: {multiply: 0.5}\n",
		"bands: [{name: hot, min: 60}, {name: cold, min: 0}]\nmql:\n  - {name: cross, matrix: {hot: [], cold: [D]}}\n",
	} {
		if _, err := Parse("rules.yaml", []byte(src)); err != nil {
			t.Errorf("%q: %v", src, err)
		}
	}
}
