package lab

import (
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/qualify"
)

// TestReplaySoonerIsAttributes: a person on a list clicked a newsletter,
// then sent a form giving their company's size (grade A from then). Live
// scoring raised the MQL at the form; the replay, with today's grade A on
// every event, raised it at the click, under another condition. The lab
// said why as "other" (events judged together in one batch); it is the
// attributes: the grade by the MQL is the same, but the earlier events
// were judged before the form gave it.
func TestReplaySoonerIsAttributes(t *testing.T) {
	form := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	click := form.Add(-2 * time.Hour)
	v := qualify.Verdict{Grade: "A"}
	cur := qualify.Simulation{Rules: "r1", Verdict: qualify.Verdict{Grade: "A"}, First: click.Add(-time.Hour)}
	if got := differs("r1", v, form, cur, click, false); got != "attributes" {
		t.Errorf("the replay raised it sooner: %q, want attributes", got)
	}
	if got := differs("r1", v, form, cur, form, false); got != "other" {
		t.Errorf("the replay raised it then, under another condition: %q, want other", got)
	}
	if got := differs("r1", v, form, cur, time.Time{}, false); got != "other" {
		t.Errorf("the replay raised none: %q, want other", got)
	}
}
