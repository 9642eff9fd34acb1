package qualify

import "testing"

// TestScoreText: one precision for every score shown to a person; a
// stored fact with two decimals reads as the header beside it does, and a
// score never reads below the threshold it reached.
func TestScoreText(t *testing.T) {
	for in, want := range map[float64]string{5.82: "5.8", 5.86: "5.9", 4.96: "5", 40: "40", -10: "-10", 0.04: "0", -0.04: "0", -2.26: "-2.3"} {
		if got := ScoreText(in); got != want {
			t.Errorf("ScoreText(%v) = %s, want %s", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"behaviour 5.82 >= 5":     "behaviour 5.8 >= 5",
		"behaviour 45 >= 40":      "behaviour 45 >= 40",
		"behaviour 5.04 >= 5.04":  "behaviour 5.04 >= 5.04", // 5.0 would read below the threshold
		"behaviour 40.96 >= 40.5": "behaviour 41 >= 40.5",
		"grade A":                 "grade A",
	} {
		if got := FactText(in); got != want {
			t.Errorf("FactText(%q) = %q, want %q", in, got, want)
		}
	}
}
