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
		"grades: {A: 50, B: 30}\nbands: [{name: hot, min: 60}]\nmql:\n  - {name: cross, matrix: {hot: [A, B, C]}}\n  - {name: fit, grades: [B, C]}\n",
		"mql:\n  - {name: unfit, min_behaviour: 80, grades: [A, D]}\n",
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
