package rulebook

import "testing"

// TestExampleRulesDecisionMakerTitles: the example rules give a decision
// maker's points to one, and not to an executive's secretary or assistant,
// whose title names the executive (社長秘書), nor to a deputy (部長代理: a
// manager's). 代理店 (an agency) in a department's name is no deputy.
func TestExampleRulesDecisionMakerTitles(t *testing.T) {
	e := load(t)
	want := map[string]float64{
		"社長": 30, "代表取締役": 30, "代表取締役社長": 30, "CEO": 30, "部長": 30, "営業部長": 30, "代理店営業部長": 30,
		"取締役": 30, "VP of Sales": 30, "Director of IT": 30, "ＣＥＯ": 30,
		"社長秘書": 0, "役員秘書": 0, "取締役秘書": 0, "社長付秘書": 0, "Executive Assistant to the CEO": 0,
		"Assistant to the CEO": 0, "Secretary to the CEO": 0,
		"部長代理": 15, "本部長補佐": 15, "課長": 15,
		"秘書": 0, "Executive Assistant": 0, "代理店営業担当": 0,
	}
	for title, pts := range want {
		s, _, contribs, _ := e.Fit(map[string]string{"title": title}, "x@corp.example")
		if s != pts {
			t.Errorf("%s: fit %v %v, want %v", title, s, contribs, pts)
		}
	}
}
