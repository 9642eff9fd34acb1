package lab

import (
	"context"
	"strings"
	"testing"
)

// TestThresholdProposalSaysItsCountsAreAtQualification: a raised
// min_behaviour is proposed from the score each MQL qualified at, the only
// one an MQL keeps. Eight people qualified at 40 and went on browsing to
// 120 in the same cycle: under the proposed 100 they still qualify, later,
// and a simulation of the diff stops none of them. The proposal said
// "those below 100 were 8 rejected", read as 8 rejections spared; it now
// says the counts are at the moment each qualified, that one who reached
// the threshold later in the cycle still qualifies, and to simulate it.
func TestThresholdProposalSaysItsCountsAreAtQualification(t *testing.T) {
	rules := hotRules
	people := append(suggestPeople(8, suggestPerson{"newsletter", 12, "rejected"}), suggestPeople(5, suggestPerson{"demo", 0, "accepted"})...)
	l := suggestLab(t, rules, people)
	s, err := l.Suggest(context.Background(), 5)
	if err != nil {
		t.Fatal(err)
	}
	hot := conditionEvidence(s, "hot")
	p := hot.Proposal
	if p == nil || p.To != 100 {
		t.Fatalf("hot: %+v; verdict %q", p, hot.Verdict)
	}
	if rep := simulateProposal(t, l, rules, p); rep.Stop.People != 0 {
		t.Fatalf("the fixture: the proposed file stops %d people, want 0 (they reach 100 later in the cycle)", rep.Stop.People)
	}
	for _, want := range []string{
		"those below 100 when they qualified were 8 rejected and 0 accepted",
		"counted at the moment each qualified: one who reached 100 later in the same cycle would still qualify then, so fewer may stop; simulate the diff to count who would",
	} {
		if !strings.Contains(p.Why, want) {
			t.Errorf("why: %s\nwant %q", p.Why, want)
		}
	}
	if want := "; below behaviour 100 when they qualified: 8 rejected, 0 accepted; at or above it: 5 of 5 accepted"; !strings.HasSuffix(hot.Verdict, want) {
		t.Errorf("verdict %q\nwant ...%s", hot.Verdict, want)
	}
	if !strings.Contains(s.Diff, "later in the same cycle would still qualify then") {
		t.Errorf("the diff's evidence does not say it:\n%s", s.Diff)
	}
}
