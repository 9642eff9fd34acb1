package admin

import "testing"

// TestChartLabelsFitBeforeTheirBars: a campaign's long name ran under its
// bar and over the bar's value; it is cut with an ellipsis (the whole name
// stays the bar's title), short ones are kept.
func TestChartLabelsFitBeforeTheirBars(t *testing.T) {
	for in, want := range map[string]string{
		"nov-news": "nov-news",
		"製造業DXオンラインセミナー告知_2026年12月号": "製造業DXオンラインセミナー…",
		"Japan IT Week 秋 2026":                "Japan IT Week 秋 2026",
		"Japan IT Week 秋 2026 東京ビッグサイト":       "Japan IT Week 秋 2026 …", // ran over its bar at 390 px
		"spring-launch-webinar-followup-2026": "spring-launch-webinar-f…",
		"Behaviour and fit matrix":            "Behaviour and fit matrix", // a condition's label, cut at 172
		"行動帯×グレードのマトリクス":                      "行動帯×グレードのマトリクス",
	} {
		if got := clipLabel(in, labelWidth); got != want {
			t.Errorf("clipLabel(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestChartLabelsFitOnAPhone: at a phone's width the chart's text is 18px
// (to stay legible as the chart shrinks), and a label cut for 15px ran
// into its value (行動帯×グレードのマトリクス0%); the bar carries a label cut
// for 18px too, which the narrow layout shows.
func TestChartLabelsFitOnAPhone(t *testing.T) {
	c := newChart("t", []string{"行動帯×グレードのマトリクス", "nov-news"}, []float64{0, 1}, func(v float64) string { return "" })
	if b := c.Bars[0]; b.Short != "行動帯×グレードのマトリクス" || b.Narrow != "行動帯×グレードのマト…" {
		t.Errorf("wide %q, narrow %q", b.Short, b.Narrow)
	}
	if b := c.Bars[1]; b.Narrow != "nov-news" {
		t.Errorf("a short label cut on a phone: %q", b.Narrow)
	}
}

// TestChartLabelsLoseOverrides: a bar's title says its label and its
// value in one text, and a label is what anyone sent as a utm_source: a
// right-to-left override in it turned the value around (evil: 12 read
// 21 :live). Labels are shown without overrides, embeddings or isolates.
func TestChartLabelsLoseOverrides(t *testing.T) {
	c := newChart("t", []string{"\u202eevil", "a\u2067b\u2069"}, []float64{12, 1}, func(v float64) string { return "" })
	for i, want := range []string{"evil", "ab"} {
		if b := c.Bars[i]; b.Label != want || b.Short != want || b.Narrow != want {
			t.Errorf("bar %d: label %q, short %q, narrow %q, want %q", i, b.Label, b.Short, b.Narrow, want)
		}
	}
}
