package admin

import "testing"

// TestSuggestionVerdictsInJapanese: a condition's verdict on raising its
// min_behaviour (lab.thresholdProposal) reads in Japanese on the
// suggestions page: with the MQLs kept at or above the threshold beside
// those below it (and, when another condition qualifies some below it as
// well, those kept under it), and when the MQLs it would drop fared no
// clearly worse.
func TestSuggestionVerdictsInJapanese(t *testing.T) {
	p := page{L: "ja"}
	for en, want := range map[string]string{
		"no clear difference from all MQLs (50% accepted); below behaviour 61 when they qualified: 4 rejected, 1 accepted; at or above it: 4 of 5 accepted":                                                                                     "全 MQL（受け入れ 50%）と明確な差はない。MQL になった時点で行動スコア 61 未満では差し戻し 4 件、受け入れ 1 件、61 以上では 5 件中 4 件を受け入れ。",
		"no clear difference from all MQLs (50% accepted); below behaviour 100 when they qualified and no other condition's: 4 rejected, 0 accepted; kept (at or above it, or 4 below it another condition qualifies as well): 5 of 9 accepted": "全 MQL（受け入れ 50%）と明確な差はない。MQL になった時点で行動スコア 100 未満で他の条件にも当てはまらない MQL では差し戻し 4 件、受け入れ 0 件、残る MQL（100 以上か、100 未満でも他の条件に当てはまる 4 件）では 9 件中 5 件を受け入れ。",
		"no clear difference from all MQLs (0% accepted); no higher min_behaviour drops MQLs clearly less often accepted than those it keeps":                                                                                                   "全 MQL（受け入れ 0%）と明確な差はない。min_behaviour を上げても、外れる MQL の受け入れ率が残る MQL より明確に低くはなりません。",
	} {
		if got := p.T(en); got != want {
			t.Errorf("%s\n\tgot  %s\n\twant %s", en, got, want)
		}
	}
}
