package qualify

import (
	"math"
	"regexp"
	"strconv"
)

// ScoreText is a score as Baton shows it to people, everywhere (the
// workspace's pages, an MQL's reasons, the summary sales reads in their
// SFA): to one decimal, a whole number without one (5.8, 6, 40). The
// workspace always showed scores so; decay and multipliers make the stored second decimal (a
// verdict's scores are rounded to 0.01) noise to a reader, and a person's
// header and the reasons of their MQL must not disagree (5.8 and 5.82).
// Only the text is rounded: thresholds compare the stored value.
func ScoreText(f float64) string { return strconv.FormatFloat(ScoreRound(f), 'f', -1, 64) }

// ScoreRound is a score rounded as ScoreText says it (for a %g).
func ScoreRound(f float64) float64 {
	r := math.Round(f*10) / 10
	if r == 0 {
		return 0 // not -0
	}
	return r
}

// ScoreAtLeast is ScoreText for a score said to reach min ("behaviour 5.04
// >= 5.04"): with every digit when one decimal would read below min.
func ScoreAtLeast(score, min float64) string {
	s := ScoreText(score)
	if v, err := strconv.ParseFloat(s, 64); err == nil && v < min && score >= min {
		return strconv.FormatFloat(score, 'f', -1, 64)
	}
	return s
}

// scoreFact is the fact a behaviour threshold writes (rulebook).
var scoreFact = regexp.MustCompile(`^behaviour (-?[0-9]+(?:\.[0-9]+)?) >= (-?[0-9]+(?:\.[0-9]+)?)$`)

// accountScoreFact is the score reason of an MQA (account.judge).
var accountScoreFact = regexp.MustCompile(`^account score (-?[0-9]+(?:\.[0-9]+)?)$`)

// FactText is a stored MQL fact or MQA reason as people read it: a score
// in it at ScoreText's precision (those written before it carry two
// decimals: "account score 52.25" under a header saying 52.3); any other
// fact as it is. The stored text stays: the history is what was written.
func FactText(fact string) string {
	if m := accountScoreFact.FindStringSubmatch(fact); m != nil {
		if score, err := strconv.ParseFloat(m[1], 64); err == nil {
			return "account score " + ScoreText(score)
		}
		return fact
	}
	m := scoreFact.FindStringSubmatch(fact)
	if m == nil {
		return fact
	}
	score, err1 := strconv.ParseFloat(m[1], 64)
	min, err2 := strconv.ParseFloat(m[2], 64)
	if err1 != nil || err2 != nil {
		return fact
	}
	return "behaviour " + ScoreAtLeast(score, min) + " >= " + m[2]
}
