package rulebook

import (
	"strings"
	"testing"
)

// TestGradeAtOrBelowTheLeastFitScore: a threshold at or below the least
// fit score anyone can have (the fit rules' negative points together, 0
// when none is negative) is everyone's: with C: 0 and only positive fit
// rules no one is D, with B at the least no one is C or D. A condition or
// a matrix row on those grades alone never held, and the file loaded
// without a word. Refused on its line with the fix; otherwise the file
// loads with a warning on the threshold. With negative points the least
// is below 0 (free mail -20, a small company -10: -30), and a threshold
// above it is no one's mistake.
func TestGradeAtOrBelowTheLeastFitScore(t *testing.T) {
	const pos = "fit:\n  rules:\n    - {name: exec, attribute: title, match: '*部長*', points: 30}\n    - {name: big, attribute: employees, min: 250, points: 20}\n"
	const neg = "    - {name: small, attribute: employees, max: 49, points: -10}\n  free_mail: {points: -20}\n"
	refused(t, pos+"grades: {A: 50, B: 30, C: 0}\nmql:\n  - name: nurture\n    grades: [D]\n", 8, "mql[0].grades",
		"no one is ever graded D: grades.C is 0 and the fit rules give at least 0 (their negative points together), so everyone is graded C or better and this never holds; raise grades.C above 0, or give fit rules negative points")
	refused(t, pos+neg+"grades: {A: 50, B: -30}\nmql:\n  - {name: low, grades: [D]}\n", 9, "mql[0].grades",
		"no one is ever graded D: grades.B is -30 and the fit rules give at least -30")
	refused(t, pos+"grades: {A: 50, B: 0, C: -5}\nbands: [{name: hot, min: 60}, {name: cold, min: 0}]\nmql:\n  - name: cross\n    matrix:\n      hot: [A, B]\n      cold: [C, D]\n", 11, "mql[0].matrix.cold",
		"no one is ever graded C, D: grades.B is 0")

	warned := func(src, want string) {
		t.Helper()
		r, err := Parse("rules.yaml", []byte(src))
		if err != nil {
			t.Fatalf("%q: %v", src, err)
		}
		var got []string
		for _, w := range r.Warnings {
			got = append(got, w.String())
		}
		if want == "" && len(got) > 0 || want != "" && (len(got) != 1 || !strings.HasPrefix(got[0], want)) {
			t.Errorf("%q: warnings %q; want %q", src, got, want)
		}
	}
	// Named beside a grade people have, or by no condition: taken, said.
	warned(pos+"grades: {A: 50, B: 30, C: 0}\nmql:\n  - {name: fit, grades: [C, D]}\n",
		"rules.yaml:5: grades.C: 0, but the fit rules give at least 0 (their negative points together): everyone is graded C or better, no one D; raise it above 0, or give fit rules negative points")
	warned(pos+"grades: {A: 50, B: -1, C: -5}\nmql:\n  - {name: fit, grades: [A]}\n",
		"rules.yaml:5: grades.B: -1, but the fit rules give at least 0 (their negative points together): everyone is graded B or better, no one C, D;")
	// Negative points: the least is -30, below C: 0 and C: -30 is reached
	// by a small company on free mail alone.
	warned(pos+neg+"grades: {A: 50, B: 30, C: 0}\nmql:\n  - {name: low, grades: [D]}\n", "")
	warned(pos+neg+"grades: {A: 50, B: 30, C: -29}\nmql:\n  - {name: low, grades: [D]}\n", "")
	refused(t, pos+neg+"grades: {A: 50, B: 30, C: -30}\nmql:\n  - {name: low, grades: [D]}\n", 9, "mql[0].grades", "grades.C is -30 and the fit rules give at least -30")
}
