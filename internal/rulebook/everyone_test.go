package rulebook

import (
	"strings"
	"testing"
)

// TestConditionEveryoneMeetsWarned: min_behaviour: 0 (or grades listing
// every grade anyone has, a matrix taking every grade in every band from
// 0 up) holds the moment a person is identified, so every identified
// person became an MQL and sales got every form fill, and the file loaded
// without a word. It may be meant: the file loads with a warning on the
// condition's line saying what will happen, unless the condition says so
// itself (on_identification: true), which a condition that does not hold
// for everyone may not say.
func TestConditionEveryoneMeetsWarned(t *testing.T) {
	const beh = "behaviour:\n  - {name: pv, type: page_view, points: 1}\n  - {name: careers, url: '/careers*', points: -10}\n"
	const fit = "fit:\n  rules:\n    - {name: exec, attribute: title, match: '*部長*', points: 30}\n  free_mail: {points: -20}\ngrades: {A: 30, B: 0}\n"
	const bands = "bands: [{name: hot, min: 60}, {name: warm, min: 30}, {name: cold, min: 0}]\n"
	warnings := func(src string) []string {
		t.Helper()
		r, err := Parse("rules.yaml", []byte(src))
		if err != nil {
			t.Fatalf("%q: %v", src, err)
		}
		var out []string
		for _, w := range r.Warnings {
			out = append(out, w.String())
		}
		return out
	}
	for src, want := range map[string]string{
		beh + "mql:\n  - name: everyone\n    min_behaviour: 0\n":                                                       "rules.yaml:5: mql[0]: every part holds for anyone whose behaviour score is not below 0 (min_behaviour: 0): every identified person becomes an MQL on identification, whatever they did; raise min_behaviour or narrow the condition, or add on_identification: true to it if that is meant",
		beh + fit + "mql:\n  - {name: hot, min_behaviour: 40}\n  - {name: any-grade, grades: [A, B, D]}\n":             "rules.yaml:11: mql[1]: every part holds for anyone whose behaviour score is not below 0 (grades: A, B, D)",
		beh + fit + bands + "mql:\n  - {name: cross, matrix: {hot: [A, B, C, D], warm: [A, B, D], cold: [A, B, D]}}\n": "rules.yaml:11: mql[0]: every part holds for anyone whose behaviour score is not below 0 (matrix)",
		beh + "mql:\n  - {name: hot, min_behaviour: -5}\n":                                                             "rules.yaml:5: mql[0]: every part holds",
	} {
		if got := warnings(src); len(got) != 1 || !strings.HasPrefix(got[0], want) {
			t.Errorf("%q: warnings %q; want %q", src, got, want)
		}
	}
	// Narrowed by a part, or said on purpose: no warning.
	for _, src := range []string{
		beh + "mql:\n  - {name: hot, min_behaviour: 1}\n",
		beh + fit + "mql:\n  - {name: fit, min_behaviour: 0, grades: [A]}\n",
		beh + fit + bands + "mql:\n  - {name: cross, matrix: {hot: [A, B, D], warm: [A]}}\n",
		beh + fit + bands + "mql:\n  - {name: cross, matrix: {warm: [A, B, D], cold: [A, B]}}\n",
		beh + "bant: {budget: {field: budget}}\nmql:\n  - {name: bant, min_behaviour: 0, min_bant: 1}\n",
		beh + "mql:\n  - name: every-lead\n    min_behaviour: 0\n    on_identification: true\n",
	} {
		if got := warnings(src); len(got) != 0 {
			t.Errorf("%q: warnings %q; want none", src, got)
		}
	}
	refused(t, beh+"mql:\n  - name: hot\n    min_behaviour: 40\n    on_identification: true\n", 7, "mql[0].on_identification", "true, but min_behaviour: 40 holds only for some people, so not every identified person becomes an MQL on identification: remove on_identification, or that part")
	refused(t, beh+fit+"mql:\n  - {name: fit, min_behaviour: 0, grades: [A], on_identification: true}\n", 10, "mql[0].on_identification", "true, but grades: A holds only for some people")
	refused(t, beh+"mql:\n  - {name: x, min_behaviour: 0, on_identification: yes please}\n", 5, "mql[0].on_identification", "must be true or false")
}
