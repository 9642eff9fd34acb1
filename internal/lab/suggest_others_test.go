package lab

import (
	"context"
	"strings"
	"testing"
)

// TestThresholdProposalCountsWhatItDrops: a higher min_behaviour drops
// an MQL only when no other condition qualifies them at the same moment.
// Grade A people at behaviour 40 are hot's MQLs and the matrix's warm x A
// as well: raising hot to 100 leaves them MQLs under the matrix. The
// proposal counted them as dropped (8 rejections spared) where a
// simulation of the file it proposes stops 4 people; it now says the 4,
// and the 4 kept by the other condition, as the simulation finds.
func TestThresholdProposalCountsWhatItDrops(t *testing.T) {
	const rules = `name: cur
behaviour:
  - {name: pv, type: page_view, points: 10}
  - {name: demo, type: form_submit, form: "re:demo", points: 100}
fit:
  rules:
    - {name: maker, attribute: industry, in: [製造業], points: 20}
grades: {A: 10}
bands: [{name: warm, min: 40}, {name: cold, min: 0}]
mql:
  - name: hot
    min_behaviour: 40
  - name: cross
    matrix: {warm: [A]}
`
	people := append(suggestPeople(8, suggestPerson{"newsletter", 4, "rejected"}), suggestPeople(5, suggestPerson{"demo", 0, "accepted"})...)
	l := suggestLabFields(t, rules, people, func(i int) map[string]string {
		if i < 4 {
			return map[string]string{"industry": "製造業"} // grade A
		}
		return nil
	})
	s, err := l.Suggest(context.Background(), 5)
	if err != nil {
		t.Fatal(err)
	}
	hot := conditionEvidence(s, "hot")
	p := hot.Proposal
	if p == nil || p.To != 100 {
		t.Fatalf("hot: %+v; verdict %q", p, hot.Verdict)
	}
	for _, want := range []string{"those below 100 when they qualified that no other condition qualifies were 4 rejected and 0 accepted", "or 4 below it that another condition qualifies as well and stay MQLs under it) 5 of 9 accepted"} {
		if !strings.Contains(p.Why, want) {
			t.Errorf("why: %s\nwant %q", p.Why, want)
		}
	}
	if want := "below behaviour 100 when they qualified and no other condition's: 4 rejected, 0 accepted; kept (at or above it, or 4 below it another condition qualifies as well): 5 of 9 accepted"; !strings.HasSuffix(hot.Verdict, want) {
		t.Errorf("verdict %q\nwant ...%s", hot.Verdict, want)
	}
	// What the proposed file does, replayed.
	if rep := simulateProposal(t, l, rules, p); rep.Stop.People != 4 || rep.Stop.Rejected != 4 || rep.Stop.Accepted != 0 {
		t.Errorf("the proposed file stops %+v; the proposal said 4 rejected, 0 accepted", rep.Stop)
	}
	appliedParses(t, rules, s)
}
