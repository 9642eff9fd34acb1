package rulebook

import (
	"errors"
	"strings"
	"testing"
	"unicode"
)

// TestLabelsParse: a condition, a band and the MQA take a label, one text
// for every language or by language, which sales read in their language
// (the machine name when there is none); the name stays the name.
func TestLabelsParse(t *testing.T) {
	r := mustParse(t, `
bands:
  - { name: hot, label: { en: high, ja: 高 }, min: 60 }
  - { name: warm, label: 中, min: 30 }
  - { name: cold, min: 0 }
behaviour: [{ name: page-view, type: page_view, points: 1 }]
mql:
  - { name: hot-and-fit, label: { en: Active and a good fit, ja: 行動・適合度ともに高い }, min_behaviour: 40 }
  - { name: ja-only, label: { ja: 日本語だけ }, min_behaviour: 50 }
  - { name: plain, min_behaviour: 60 }
mqa: { name: buying-group-active, label: "  購買グループが活動中 " }
`)
	for _, c := range []struct{ got, want string }{
		{r.ConditionLabel("hot-and-fit", "ja"), "行動・適合度ともに高い"},
		{r.ConditionLabel("hot-and-fit", "en"), "Active and a good fit"},
		{r.ConditionLabel("hot-and-fit", ""), "Active and a good fit"},
		{r.ConditionLabel("ja-only", ""), "日本語だけ"},
		{r.ConditionLabel("plain", "ja"), "plain"},
		{r.ConditionLabel("gone-since", "ja"), "gone-since"},
		{(*Rules)(nil).ConditionLabel("hot-and-fit", "ja"), "hot-and-fit"},
		{r.MQALabel("buying-group-active", "ja"), "購買グループが活動中"},
		{r.MQALabel("buying-group-active", "en"), "購買グループが活動中"},
		{r.MQALabel("other", "ja"), "other"},
		{r.MQL[0].Name, "hot-and-fit"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
	if b := r.BandLabels("ja"); len(b) != 2 || b["hot"] != "高" || b["warm"] != "中" {
		t.Errorf("Japanese band labels %v", b)
	}
	if b := r.BandLabels("en"); b["hot"] != "high" || b["warm"] != "中" {
		t.Errorf("English band labels %v", b)
	}
	if b := mustParse(t, "mql: [{name: x, grades: [D]}]").BandLabels("ja"); b != nil {
		t.Errorf("band labels without any: %v", b)
	}
}

// TestBadLabelsRefused: a label sales would read as nothing, cut, or
// broken over lines is refused with its line and field.
func TestBadLabelsRefused(t *testing.T) {
	long := strings.Repeat("長", 61)
	for _, c := range []struct{ yaml, field, msg string }{
		{`mql: [{name: x, label: "", min_behaviour: 1}]`, "mql[0].label", "empty"},
		{`mql: [{name: x, label: "  ", min_behaviour: 1}]`, "mql[0].label", "empty"},
		{`mql: [{name: x, label: ~, min_behaviour: 1}]`, "mql[0].label", "must be a text"},
		{`mql: [{name: x, label: {}, min_behaviour: 1}]`, "mql[0].label", "an empty label"},
		{`mql: [{name: x, label: {ja: ""}, min_behaviour: 1}]`, "mql[0].label.ja", "empty"},
		{`mql: [{name: x, label: {fr: haut}, min_behaviour: 1}]`, "mql[0].label.fr", "unknown key"},
		{`mql: [{name: x, label: [a, b], min_behaviour: 1}]`, "mql[0].label", "must be a text"},
		{"mql: [{name: x, label: " + long + ", min_behaviour: 1}]", "mql[0].label", "61 characters: at most 60"},
		{`mql: [{name: x, label: "a\nb", min_behaviour: 1}]`, "mql[0].label", "one line"},
		{"bands: [{name: hot, label: '', min: 1}]\nmql: [{name: x, grades: [D]}]", "bands[0].label", "empty"},
		{"mql: [{name: x, grades: [D]}]\nmqa: {name: m, label: {en: " + long + "}}", "mqa.label.en", "61 characters"},
	} {
		_, err := Parse("rules.yaml", []byte(c.yaml))
		var pe *ParseError
		if !errors.As(err, &pe) || pe.Field != c.field || !strings.Contains(pe.Msg, c.msg) || pe.Line == 0 {
			t.Errorf("%s: %v, want %s: ...%s...", c.yaml, err, c.field, c.msg)
		}
	}
	if _, err := Parse("rules.yaml", []byte("mql: [{name: x, label: "+strings.Repeat("長", 60)+", grades: [D]}]")); err != nil {
		t.Errorf("a label of 60 characters: %v", err)
	}
}

// TestExampleRulesHaveJapaneseLabels: the bundled rules give every
// condition, band and the MQA a Japanese label, so no rep's ToDo list
// shows an English rule id.
func TestExampleRulesHaveJapaneseLabels(t *testing.T) {
	r := load(t).R
	japanese := func(s string) bool {
		return strings.ContainsFunc(s, func(c rune) bool { return unicode.In(c, unicode.Han, unicode.Hiragana, unicode.Katakana) })
	}
	for _, c := range r.MQL {
		if l := r.ConditionLabel(c.Name, "ja"); !japanese(l) || c.Label.En == "" {
			t.Errorf("condition %s: ja %q, en %q", c.Name, l, c.Label.En)
		}
	}
	for _, b := range r.Bands {
		if l := r.BandLabels("ja")[b.Name]; !japanese(l) || b.Label.En == "" {
			t.Errorf("band %s: ja %q, en %q", b.Name, l, b.Label.En)
		}
	}
	if r.MQA == nil || !japanese(r.MQALabel(r.MQA.Name, "ja")) || r.MQA.Label.En == "" {
		t.Errorf("MQA %+v", r.MQA)
	}
}
