package rulebook

import (
	"errors"
	"strings"
	"testing"
)

// TestMatrixGradesAndNamesChecked: a cross-scoring matrix's grade list is
// checked as mql[].grades is: a lowercase or unknown grade ("a", "Z") would
// never match, so the condition would never fire; it is refused with the
// matrix cell named. Two bands or two MQL conditions of one name are
// refused as two behaviour rules of one name are: the MQL-quality report,
// the rules page and condition= filters know a condition by its name and
// would add two different ones together.
func TestMatrixGradesAndNamesChecked(t *testing.T) {
	cases := []struct{ src, field, msg string }{
		{"bands: [{name: hot, min: 50}]\nmql:\n  - name: x\n    matrix:\n      hot: [a, b]\n", "mql[0].matrix.hot", "unknown grade"},
		{"bands: [{name: hot, min: 50}]\nmql:\n  - name: x\n    matrix:\n      hot: [Z]\n", "mql[0].matrix.hot", "unknown grade"},
		{"bands: [{name: hot, min: 50}, {name: hot, min: 0}]\nmql:\n  - name: x\n    matrix:\n      hot: [A]\n", "bands[1].name", `"hot" used twice`},
		{"mql:\n  - {name: x, min_behaviour: 40}\n  - {name: x, min_bant: 3}\n", "mql[1].name", `"x" used twice`},
	}
	for _, c := range cases {
		_, err := Parse("rules.yaml", []byte(c.src))
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Errorf("%q: accepted (err %v), want a ParseError on %s", c.src, err, c.field)
			continue
		}
		if pe.Field != c.field {
			t.Errorf("%q: field %s, want %s", c.src, pe.Field, c.field)
		}
		if !strings.Contains(pe.Msg, c.msg) {
			t.Errorf("%q: %q, want it to say %q", c.src, pe.Msg, c.msg)
		}
	}
}

// TestMatrixGradesAccepted: the grades a matrix cell may name, A to D as
// mql[].grades, are taken.
func TestMatrixGradesAccepted(t *testing.T) {
	r, err := Parse("rules.yaml", []byte("behaviour: [{name: v, type: page_view, points: 1}]\nfit: {rules: [{name: t, attribute: title, match: '*', points: 50}]}\ngrades: {A: 50}\nbands: [{name: hot, min: 50}, {name: warm, min: 20}]\nmql:\n  - name: x\n    matrix:\n      hot: [A, B, C, D]\n      warm: A\n  - {name: y, grades: [A]}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if m := r.MQL[0].Matrix; !m["hot"]["D"] || !m["warm"]["A"] || len(m["hot"]) != 4 {
		t.Fatalf("matrix %v", m)
	}
}
