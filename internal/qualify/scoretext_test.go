package qualify

import (
	"strings"
	"testing"
)

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
		"account score 52.25":     "account score 52.3", // an MQA's reason stored before one decimal
		"account score 52.3":      "account score 52.3",
		"account score -0.04":     "account score 0",
		"account score high":      "account score high",
	} {
		if got := FactText(in); got != want {
			t.Errorf("FactText(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzFactText: any stored fact reads back without a panic; a fact that
// is not a score stays as it is, and a behaviour threshold keeps its
// threshold.
func FuzzFactText(f *testing.F) {
	for _, s := range []string{"behaviour 5.82 >= 5", "behaviour -0.04 >= -1", "grade A", "behaviour 1e400 >= 5", "behaviour 5 >= 5.04", "account score 52.25", "account score 1e400"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, fact string) {
		got := FactText(fact)
		if accountScoreFact.MatchString(fact) {
			if !strings.HasPrefix(got, "account score ") {
				t.Fatalf("%q changed to %q", fact, got)
			}
		} else if m := scoreFact.FindStringSubmatch(fact); m == nil {
			if got != fact {
				t.Fatalf("%q changed to %q", fact, got)
			}
		} else if !strings.HasSuffix(got, " >= "+m[2]) {
			t.Fatalf("%q lost its threshold: %q", fact, got)
		}
	})
}
