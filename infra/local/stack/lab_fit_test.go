package stack_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/infra/local/stack"
	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/testutil/repo"
)

// TestRulesLabFitRuleMatchedNobody, through POST /admin/rules/simulate: a
// candidate's fit rule that matched nobody replayed (on 会社規模, no
// attribute Baton stores) stands out on the page, English and Japanese,
// with the attribute it probably means; a fit rule on 従業員数 (the
// form's label, stored as employees) is refused with the line and field.
func TestRulesLabFitRuleMatchedNobody(t *testing.T) {
	clk := clock.NewManual(time.Date(2026, 11, 20, 1, 0, 0, 0, time.UTC))
	s := stack.ForTestClock(t, nil, clk.Now)
	qualifyOne(t, s, "lab-fit-browser", "fit@maker.example") // employees 250-999
	clk.Advance(time.Hour)
	b, err := os.ReadFile(filepath.Join(repo.Root(t), "infra", "rules.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	const from = "    - name: mid-size-company\n      attribute: employees\n"
	if !strings.Contains(string(b), from) {
		t.Fatal("rules.yaml has no mid-size-company rule on employees")
	}
	custom := strings.Replace(string(b), from, "    - name: mid-size-company\n      attribute: 会社規模\n", 1)
	for lang, want := range map[string][]string{
		"en": {"Fit rules: people matched", `<tr class="refused"><td data-l="Fit rule">mid-size-company</td>`, "<b>matched nobody</b> attribute &#34;会社規模&#34; is none Baton names: a custom form field&#39;s name, or &#34;employees&#34;?"},
		"ja": {"属性ルールごとの一致した人数", `<tr class="refused"><td data-l="属性ルール">mid-size-company</td>`, "<b>一致した人なし</b> 属性 &#34;会社規模&#34; は Baton の属性名ではありません。独自のフォーム項目の名前ですか。それとも &#34;employees&#34; ですか。"},
	} {
		code, page := labFormIn(t, s, lang, custom)
		for _, w := range want {
			if code != 200 || !strings.Contains(page, w) {
				t.Errorf("%s page: %d, lacks %q", lang, code, w)
			}
		}
		if strings.Contains(page, `<tr class="refused"><td data-l="Fit rule">decision-maker-title</td>`) {
			t.Errorf("%s page: decision-maker-title matched the MQL's 購買部長", lang)
		}
	}
	label := strings.Replace(string(b), from, "    - name: mid-size-company\n      attribute: 従業員数\n", 1)
	code, page := labFormIn(t, s, "ja", label)
	if want := `（fit.rules[5].attribute）：属性 &#34;従業員数&#34; に値が保存されることはありません。その名前のフォーム項目は &#34;employees&#34; として保存されます。attribute: employees と書いてください。`; code != 400 || !strings.Contains(page, want) {
		t.Errorf("a fit rule on a label: %d, lacks %q", code, want)
	}
}
