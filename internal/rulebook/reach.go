package rulebook

import (
	"fmt"
	"math"
	"strings"
)

// What scores the rules can give at all: a threshold above the most they
// give (a grade, min_behaviour) is met by no one, and the file loaded, the
// grade or the condition silently never anyone's.

// fitRange is the least and the most fit score the fit rules give: their
// negative points together, their positive points together (a person
// matching every rule of one sign and none of the other; rules on one
// attribute may exclude each other, so the true bounds lie within).
func fitRange(fit []*FitRule) (lo, hi float64) {
	for _, r := range fit {
		if r.Points > 0 {
			hi += r.Points
		} else {
			lo += r.Points
		}
	}
	return lo, hi
}

// gradeOfZero is the grade of a fit score of 0, everyone's grade when
// there are no fit rules.
func gradeOfZero(given []GradeThreshold) string {
	for _, g := range given {
		if g.Min <= 0 {
			return g.Grade
		}
	}
	return BelowGrades
}

// unearned lists the grades of want no one is graded when there are no fit
// rules (every fit score is 0: graded gradeOfZero), "" when want names
// that grade.
func unearned(want map[string]bool, given []GradeThreshold) string {
	if want[gradeOfZero(given)] {
		return ""
	}
	var out []string
	for _, g := range []string{"A", "B", "C", BelowGrades} {
		if want[g] {
			out = append(out, g)
		}
	}
	return strings.Join(out, ", ")
}

// behaviourMost is the most behaviour score the behaviour rules give a
// person in one cycle: each rule with positive points gives at most its
// points when once: true, its cap_per_person when it has one, else
// without bound (+Inf). 0 when no rule gives positive points. Decay only
// lowers a score.
func behaviourMost(rules []*BehaviourRule) float64 {
	most := 0.0
	for _, r := range rules {
		if r.Points <= 0 {
			continue
		}
		switch {
		case r.Once && r.CapPerPerson > 0:
			most += math.Min(r.Points, r.CapPerPerson)
		case r.Once:
			most += r.Points
		case r.CapPerPerson > 0:
			most += r.CapPerPerson
		default:
			return math.Inf(1)
		}
	}
	return most
}

// gradeOf is the grade of a fit score under the thresholds given.
func gradeOf(score float64, given []GradeThreshold) string {
	for _, g := range given {
		if score >= g.Min {
			return g.Grade
		}
	}
	return BelowGrades
}

// reachedGrades are the grades a fit score from lo to hi can have: the
// grade of lo, of hi, and every grade between.
func reachedGrades(lo, hi float64, given []GradeThreshold) map[string]bool {
	out := map[string]bool{}
	in := false
	var names []string
	for _, g := range given {
		names = append(names, g.Grade)
	}
	for _, g := range append(names, BelowGrades) {
		if g == gradeOf(hi, given) {
			in = true
		}
		if in {
			out[g] = true
		}
		if g == gradeOf(lo, given) {
			break
		}
	}
	return out
}

// belowFloor lists the grades given below floor (the grade of the least
// fit score), and D: "C, D" below B.
func belowFloor(floor string, given []GradeThreshold) string {
	var out []string
	for _, g := range given {
		if g.Grade < floor || g.Grade == floor { // A < B < C: above or at it
			continue
		}
		out = append(out, g.Grade)
	}
	return strings.Join(append(out, BelowGrades), ", ")
}

// namesReached reports whether want names a grade of reached.
func namesReached(want, reached map[string]bool) bool {
	for g := range want {
		if reached[g] {
			return true
		}
	}
	return false
}

// holdsForAll reports whether every grade of reached is in want.
func holdsForAll(want, reached map[string]bool) bool {
	for g := range reached {
		if !want[g] {
			return false
		}
	}
	return true
}

// threshold is the minimum fit score of grade g, 0 when not given.
func (r *Rules) threshold(g string) float64 {
	for _, t := range r.Grades {
		if t.Grade == g {
			return t.Min
		}
	}
	return 0
}

// gradeList is the grades of want, best first: "C, D".
func gradeList(want map[string]bool) string {
	var out []string
	for _, g := range []string{"A", "B", "C", BelowGrades} {
		if want[g] {
			out = append(out, g)
		}
	}
	return strings.Join(out, ", ")
}

// trivialParts is "" when every part of c holds for anyone whose
// behaviour score is from 0 to most (the most the behaviour rules give),
// whatever grade of reached they have; else the first part that does not,
// as the file writes it (min_behaviour: 40).
func trivialParts(c *Condition, bands []Band, most float64, reached map[string]bool) string {
	if c.MinBehaviour != nil && *c.MinBehaviour > 0 {
		return fmt.Sprintf("min_behaviour: %g", *c.MinBehaviour)
	}
	if c.Grades != nil && !holdsForAll(c.Grades, reached) {
		return "grades: " + gradeList(c.Grades)
	}
	if c.MinBANT > 0 {
		return fmt.Sprintf("min_bant: %d", c.MinBANT)
	}
	if c.Matrix != nil {
		// Bands are highest first: those a score from 0 to most is in
		// must each take every grade, and 0 must be in one.
		covered := false
		for i, b := range bands {
			if b.Min > most || i > 0 && bands[i-1].Min <= 0 {
				continue
			}
			if !holdsForAll(c.Matrix[b.Name], reached) {
				return "matrix." + b.Name
			}
			if b.Min <= 0 {
				covered = true
			}
		}
		if !covered {
			return "matrix"
		}
	}
	return ""
}

// describeParts is a condition's parts as the file writes them.
func describeParts(c *Condition) string {
	var out []string
	if c.MinBehaviour != nil {
		out = append(out, fmt.Sprintf("min_behaviour: %g", *c.MinBehaviour))
	}
	if c.Grades != nil {
		out = append(out, "grades: "+gradeList(c.Grades))
	}
	if c.Matrix != nil {
		out = append(out, "matrix")
	}
	return strings.Join(out, ", ")
}
