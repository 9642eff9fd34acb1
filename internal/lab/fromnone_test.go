package lab

import (
	"strings"
	"testing"
)

// TestChangeFromNoneIsNoPercentage: where the rules in force replayed no
// MQL (a page of a paged run, a store scored without MQLs so far) and the
// candidate some, Change is 1 (JSON clients read it so), and the CLI said
// "MQLs: 0 -> 5 (+100.0%)": five MQLs from none is no doubling. It says
// "from none"; a change from some is still a percentage.
func TestChangeFromNoneIsNoPercentage(t *testing.T) {
	rep := Report{Current: newSide("in force"), Candidate: newSide("candidate"), Stored: newSide("stored")}
	rep.Candidate.MQLs, rep.Change = 5, change(0, 5)
	if text := rep.Text(); !strings.Contains(text, "MQLs: 0 -> 5 (from none);") || strings.Contains(text, "100.0%") {
		t.Errorf("text:\n%s", text)
	}
	rep.Current.MQLs, rep.Change = 4, change(4, 5)
	if text := rep.Text(); !strings.Contains(text, "MQLs: 4 -> 5 (+25.0%);") {
		t.Errorf("text:\n%s", text)
	}
	rep.Current.MQLs, rep.Candidate.MQLs, rep.Change = 0, 0, change(0, 0)
	if text := rep.Text(); !strings.Contains(text, "MQLs: 0 -> 0 (+0.0%);") {
		t.Errorf("text:\n%s", text)
	}
}
