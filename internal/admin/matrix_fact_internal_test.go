package admin

import (
	"path/filepath"
	"testing"

	"github.com/baton-hq/baton/internal/rulebook"
	"github.com/baton-hq/baton/internal/testutil/repo"
)

// TestMatrixFactByBandLabel: a matrix cell's fact names its band by the
// rules' label in the page's language, by its name where the band has no
// label or there are no rules; other facts read as T has them.
func TestMatrixFactByBandLabel(t *testing.T) {
	rules, err := rulebook.Load(filepath.Join(repo.Root(t), "infra", "rules.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		p          page
		fact, want string
	}{
		{page{L: "ja", Rules: rules}, "matrix cell warm x A", "行動帯 中 × グレード A"},
		{page{L: "en", Rules: rules}, "matrix cell hot x C", "band high × grade C"},
		{page{L: "ja"}, "matrix cell warm x A", "行動帯 warm × グレード A"},
		{page{L: "ja", Rules: rules}, "matrix cell lukewarm x B", "行動帯 lukewarm × グレード B"}, // a band the rules no longer have
		{page{L: "ja", Rules: rules}, "behaviour 42.25 >= 40", "行動スコア 42.3 ≥ 40"},
		{page{L: "en", Rules: rules}, "grade A", "grade A"},
	} {
		if got := c.p.Fact(c.fact); got != c.want {
			t.Errorf("%s %q: %q, want %q", c.p.L, c.fact, got, c.want)
		}
	}
}

// TestDefinitionByBandLabel: the rules page's definition of a matrix
// condition named its bands by the rules file's names (マトリクス hot ×
// A/B/C、warm × A; matrix hot x A/B/C) while the person page names them by
// label; and English wrote >= and x where Japanese writes ≥ and ×.
func TestDefinitionByBandLabel(t *testing.T) {
	rules, err := rulebook.Load(filepath.Join(repo.Root(t), "infra", "rules.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		p         page
		def, want string
	}{
		{page{L: "ja", Rules: rules}, "matrix hot x A/B/C, warm x A", "マトリクス 高 × A/B/C、中 × A"},
		{page{L: "en", Rules: rules}, "matrix hot x A/B/C, warm x A", "matrix high × A/B/C, medium × A"},
		{page{L: "en", Rules: rules}, "behaviour >= 40, grade A or B", "behaviour score ≥ 40, grade A or B"},
		{page{L: "ja", Rules: rules}, "behaviour >= 12.5, matrix hot x A", "行動スコア ≥ 12.5、マトリクス 高 × A"},
		{page{L: "en", Rules: rules}, "matrix lukewarm x B", "matrix lukewarm × B"}, // a band the rules no longer have
	} {
		if got := c.p.Def(c.def); got != c.want {
			t.Errorf("%s: Def(%q) = %q, want %q", c.p.L, c.def, got, c.want)
		}
	}
}

// TestEnglishCountOfOne: English texts written for counts said "1 MQLs"
// (the rules lab, the suggestions: "sales answered 1 MQLs"); a count of
// one takes the singular, 11 and 2.1 stay plural, Japanese is untouched.
func TestEnglishCountOfOne(t *testing.T) {
	en, ja := page{L: "en"}, page{L: "ja"}
	for _, c := range []struct{ got, want string }{
		{en.F("%d MQLs", 1), "1 MQL"},
		{en.F("%d MQLs", 11), "11 MQLs"},
		{en.F("%d people replayed in memory, events in time order, under both files; MQLs actually raised for them: %d.", 1, 1), "1 person replayed in memory, events in time order, under both files; MQLs actually raised for them: 1."},
		{en.T("too few outcomes to suggest changes: sales answered 1 MQLs (accepted or rejected), at least 5 are needed (min_outcomes)"), "too few outcomes to suggest changes: sales answered 1 MQL (accepted or rejected), at least 5 are needed (min_outcomes)"},
		{en.T("2.1 MQLs a week"), "2.1 MQLs a week"},
		{ja.F("%d MQLs", 1), "MQL 1 件"},
	} {
		if c.got != c.want {
			t.Errorf("%q, want %q", c.got, c.want)
		}
	}
}

// TestHoursUnderAMinuteOrTwo: the dashboard's median hours to answer
// said 0.0 for an answer in two minutes (the SLA CSV: 0.033), read as
// none; it says <0.1, and one decimal from there.
func TestHoursUnderAMinuteOrTwo(t *testing.T) {
	for h, want := range map[float64]string{0.033: "<0.1", 0: "0.0", 0.05: "0.1", 3: "3.0", 26.44: "26.4"} {
		if got := hoursText(h); got != want {
			t.Errorf("hoursText(%v) = %q, want %q", h, got, want)
		}
	}
}
