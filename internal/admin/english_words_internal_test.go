package admin

import (
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/qualify"
)

// TestEnglishSaysStoredTextsInWords: the English pages said what Baton
// stores as codes ("behaviour 42 >= 40", "sales: sql", "recycled after
// lost") where the Japanese say them as prose. Every verdict sales can
// give, and the recycle after one, is a sentence in English; a fact keeps
// its figures; a text nobody words (a condition's name) stays as it is.
func TestEnglishSaysStoredTextsInWords(t *testing.T) {
	en, jp := page{L: "en"}, page{L: "ja"}
	for _, c := range []struct{ got, want string }{
		{en.T(en.Fact("behaviour 64.04 >= 40")), "behaviour score 64 ≥ 40"},
		{en.T("matrix cell warm x A"), "behaviour band warm × grade A"},
		{en.T("BANT 3 of 4 (budget, authority, need) >= 3"), "BANT 3 of 4 (budget, authority, need) ≥ 3"},
		{en.T("grade B"), "grade B"}, {en.T("hot-and-fit"), "hot-and-fit"},
		{en.StageReason("sales: sql"), "Sales made it an SQL"}, {en.StageReason("recycled after lost"), "Recycled after sales lost the deal"},
		{en.StageReason("scoring"), "Scoring"},
		// The Japanese as they were.
		{jp.StageReason("sales: rejected"), "営業：差し戻し"}, {jp.StageReason("recycled after lost"), "失注のためナーチャリングに戻す"},
		{jp.T(jp.Fact("behaviour 64.04 >= 40")), "行動スコア 64 ≥ 40"},
		{en.Attr("employees"), "Employees"}, {en.Attr("first_name"), "First name"}, {en.Attr("shoe_size"), "shoe_size"}, {jp.Attr("employees"), "従業員数"},
	} {
		if c.got != c.want {
			t.Errorf("%q, want %q", c.got, c.want)
		}
	}
	for _, o := range []string{"accepted", "rejected", "sql", "opportunity", "won", "lost"} {
		if !qualify.IsOutcome(o) {
			t.Fatalf("%s is no outcome", o)
		}
		reasons := []string{"sales: " + o}
		if qualify.OutcomeStage(o) == qualify.StageRejected || qualify.OutcomeStage(o) == qualify.StageLost { // the verdicts that recycle
			reasons = append(reasons, "recycled after "+o)
		}
		for _, r := range reasons {
			if got := en.StageReason(r); got == r || strings.Contains(got, ": ") {
				t.Errorf("%q in English: %q", r, got)
			}
		}
	}
	// Every attribute the Japanese name has an English one.
	for k := range ja {
		if a, ok := strings.CutPrefix(k, "attr:"); ok && en.Attr(a) == a {
			t.Errorf("attribute %q has no English (add attr:%s to enNames)", a, a)
		}
	}
}
