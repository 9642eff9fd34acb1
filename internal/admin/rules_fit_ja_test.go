package admin

import (
	"testing"

	"github.com/baton-hq/baton/internal/rulebook"
)

// TestRulesFitErrorsInJapanese: the fit section's and an IME's mistakes,
// as rulebook.Parse words them, read in Japanese on the rules page with
// the line, the field and what the file wrote.
func TestRulesFitErrorsInJapanese(t *testing.T) {
	p := page{L: "ja"}
	const mql = "mql: [{name: x, min_behaviour: 1}]\n"
	for _, c := range []struct{ yaml, ja string }{
		{"behaviour:\n  - name: a\n    points:\u300015\n    type: page_view\n" + mql,
			"candidate.yaml の 3 行目：全角スペース（IME が入力する U+3000）があります。半角スペースにしてください。YAML の書式が正しくありません（3 行目）：「:」があるはずの位置にありません。"},
		{"fit:\n  rules:\n    - {name: size, attribute: 従業員数, min: 100, points: 10}\n" + mql,
			`candidate.yaml の 3 行目（fit.rules[0].attribute）：属性 "従業員数" に値が保存されることはありません。その名前のフォーム項目は "employees" として保存されます。attribute: employees と書いてください。`},
		{"fit:\n  rules:\n    - {name: size, attribute: employees, min: 1000, max: 100, points: 10}\n" + mql,
			"candidate.yaml の 3 行目（fit.rules[0].max）：min（1000）が max（100）より大きいため、どの値も範囲に入りません。"},
		{"fit:\n  rules:\n    - {name: free-mail, attribute: email_domain, in: [a.example], points: 1}\n  free_mail: {points: -10}\n" + mql,
			`candidate.yaml の 3 行目（fit.rules[0].name）："free-mail" は fit.free_mail が自動で加えるルールの名前です。このルールには別の名前を付けてください。`},
		{"grades: {A: 50, B: 50}\n" + mql,
			"candidate.yaml の 1 行目（grades.B）：A と同じしきい値（50）のため、誰もグレード B になりません。より低い値にしてください。"},
		{"bands: [{name: hot, min: 50}, {name: warm, min: 50}]\n" + mql,
			`candidate.yaml の 1 行目（bands[1].min）：bands[0]（"hot"）と同じ min（50）のため、どのスコアも行動帯 "warm" に入りません。`},
		{"decay: {half_life: ３０d}\n" + mql,
			`candidate.yaml の 1 行目（decay.half_life）：期間 "３０d" を読み取れません。半角で書いてください（３０d ではなく 30d）。`},
	} {
		_, err := rulebook.Parse("candidate.yaml", []byte(c.yaml))
		if err == nil {
			t.Errorf("%q: accepted", c.yaml)
			continue
		}
		if j := p.T(err.Error()); j != c.ja {
			t.Errorf("%s in Japanese:\n\t%s\nwant\t%s", err, j, c.ja)
		}
	}
}
