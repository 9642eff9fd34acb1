package lab

import (
	"strings"
	"testing"
	"time"
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

// TestTextPersonWithoutHistory: a person who would become an MQL, a lead
// sales never answered, was listed with a bare "[]" where sales' history
// goes; the line now ends at the stage, and a history is still bracketed.
func TestTextPersonWithoutHistory(t *testing.T) {
	at := time.Date(2026, 11, 6, 9, 0, 0, 0, time.UTC)
	rep := Report{Current: newSide("in force"), Candidate: newSide("candidate"), Stored: newSide("stored"),
		WouldBecome: []Person{{ID: "p_1", Condition: "hot-and-fit", Stage: "lead", At: at}},
		WouldStop:   []Person{{ID: "p_2", Condition: "hot-and-fit", Stage: "recycled", At: at, History: []string{"2026-11-10 rejected: 予算なし"}}}}
	text := rep.Text()
	for _, want := range []string{"  2026-11-06 p_1 hot-and-fit lead\n", "  2026-11-06 p_2 hot-and-fit recycled [2026-11-10 rejected: 予算なし]\n"} {
		if !strings.Contains(text, want) {
			t.Errorf("want %q in:\n%s", want, text)
		}
	}
}
