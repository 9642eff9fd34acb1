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

// TestChartLabelsFitOnAPhone: at 320 px the 560-wide chart shrank to
// about 300 px and its text (18 units) to about 9 px, too small to read,
// and a label cut for it lost most of a condition's name. A phone's chart
// is its own, 300 wide (drawn about 1:1 at 320 px, its text about 15 px),
// each label whole on its own line above its bar, cut only past the
// width; rows far enough apart for a label and a bar.
func TestChartLabelsFitOnAPhone(t *testing.T) {
	long := "製造業DXオンラインセミナー告知_2026年12月号"
	c := newChart("t", []string{"行動帯×グレードのマトリクス", "nov-news", long}, []float64{0, 1, 2}, func(v float64) string { return "" })
	if b := c.Bars[0]; b.Short != "行動帯×グレードのマトリクス" || b.Narrow != "行動帯×グレードのマトリクス" {
		t.Errorf("wide %q, narrow %q", b.Short, b.Narrow)
	}
	if b := c.Bars[1]; b.Narrow != "nov-news" {
		t.Errorf("a short label cut on a phone: %q", b.Narrow)
	}
	if b := c.Bars[2]; b.Narrow != "製造業DXオンラインセミナー告知_2026…" {
		t.Errorf("a long label on a phone: %q", b.Narrow)
	}
	for i, b := range c.Bars {
		if b.NB-b.NY < 20 || i > 0 && b.NY-c.Bars[i-1].NB < 20 || b.W+60 > narrowBox {
			t.Errorf("bar %d: label at %d, bar at %d (width %d) in a box %d wide", i, b.NY, b.NB, b.W, narrowBox)
		}
	}
	if last := c.Bars[len(c.Bars)-1]; c.NarrowHeight < last.NB+18 {
		t.Errorf("narrow height %d cuts the last bar at %d", c.NarrowHeight, last.NB)
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
