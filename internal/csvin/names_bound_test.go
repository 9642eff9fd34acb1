package csvin

import (
	"strings"
	"testing"
)

// TestNamesIsBounded: Names lists a header in a message (no email column,
// missing columns), and listed it whole: a 19 MB first row of 19,000 cells
// of 1,000 '<' was answered with 114 MB of JSON, and the touches page
// with 76 MB of HTML, each held in memory whole. A message lists a
// bounded part of the header, saying how many cells it left out.
func TestNamesIsBounded(t *testing.T) {
	header := make([]string, 19_000)
	for i := range header {
		header[i] = strings.Repeat("<", 1000)
	}
	got := Names(header)
	if len(got) > 8<<10 {
		t.Errorf("Names of a 19 MB header: %d bytes", len(got))
	}
	if !strings.Contains(got, "… (+18950)") {
		t.Errorf("Names does not say how many cells it left out: %.200s ... %s", got, got[max(0, len(got)-80):])
	}
	if want := `"氏名", "会社名"`; Names([]string{"氏名", "会社名"}) != want {
		t.Errorf("Names(氏名, 会社名) = %s, want %s", Names([]string{"氏名", "会社名"}), want)
	}
}
