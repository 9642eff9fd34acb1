package rulebook

import "testing"

// Japanese forms write company sizes and budgets with 万 / 千 / 億: "1万人
// 以上" is ten thousand people, not one; a fit rule's min and max read it
// so (it was 1, and a 10,000-person company scored as a tiny one).
func TestFitNumbersWithJapaneseUnits(t *testing.T) {
	min := 1000.0
	r := &FitRule{Attribute: "employees", Min: &min}
	for v, want := range map[string]bool{
		"1万人以上": true, "1.5万名": true, "約3千人": true, "1万2千人": true, "５千名": true, "1,000～4,999名": true,
		"300名": false, "50-99人": false, "0.05万人": false,
	} {
		if got := r.matches(v); got != want {
			t.Errorf("employees %q at least 1000: %v, want %v", v, got, want)
		}
	}
	max := 2e8
	b := &FitRule{Attribute: "budget", Max: &max}
	if !b.matches("1億2000万円") || b.matches("3億円") {
		t.Error("budget at most 2億: 1億2000万円 in, 3億円 out")
	}
}
