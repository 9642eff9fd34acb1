package admin

import "testing"

// TestChartLabelsFitBeforeTheirBars: a campaign's long name ran under its
// bar and over the bar's value; it is cut with an ellipsis (the whole name
// stays the bar's title), short ones are kept.
func TestChartLabelsFitBeforeTheirBars(t *testing.T) {
	for in, want := range map[string]string{
		"nov-news": "nov-news",
		"製造業DXオンラインセミナー告知_2026年12月号": "製造業DXオンラインセ…",
		"Japan IT Week 秋 2026":                "Japan IT Week 秋 2…", // ran over its bar at 390 px
		"spring-launch-webinar-followup-2026": "spring-launch-webi…",
	} {
		if got := clipLabel(in, labelWidth); got != want {
			t.Errorf("clipLabel(%q) = %q, want %q", in, got, want)
		}
	}
}
