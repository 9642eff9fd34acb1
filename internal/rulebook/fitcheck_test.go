package rulebook

import (
	"errors"
	"strings"
	"testing"
)

// TestFitRulesThatCannotScoreRefused: fit rules that could never score or
// that clash, refused with the line and field as the behaviour rules'
// mistakes are: a fit rule name used twice or taking the name of the rule
// fit.free_mail adds, min above max, two bands at one min or two grades
// at one threshold (one of them never anyone's), an attribute no value is
// stored under (a form's label: 従業員数 is stored as employees), and a
// duration or a line typed with an IME left in full-width.
func TestFitRulesThatCannotScoreRefused(t *testing.T) {
	const mql = "mql: [{name: x, min_behaviour: 1}]\n"
	cases := []struct {
		src, field string
		line       int
		msg        string
	}{
		{"fit:\n  rules:\n    - {name: size, attribute: employees, min: 100, points: 10}\n    - {name: size, attribute: title, match: '*部長*', points: 5}\n" + mql,
			"fit.rules[1].name", 4, `"size" used twice`},
		{"fit:\n  rules:\n    - {name: free-mail, attribute: email_domain, in: [example.com], points: -5}\n  free_mail: {points: -10}\n" + mql,
			"fit.rules[0].name", 3, `"free-mail" is the name of the rule fit.free_mail adds`},
		{"fit:\n  rules:\n    - {name: size, attribute: employees, min: 1000, max: 100, points: 10}\n" + mql,
			"fit.rules[0].max", 3, "min 1000 is more than max 100"},
		{"bands:\n  - {name: hot, min: 50}\n  - {name: warm, min: 50}\n" + mql,
			"bands[1].min", 3, `same min as bands[0] ("hot"): 50; no score is ever in band "warm"`},
		{"grades:\n  A: 50\n  B: 50\n  C: 10\n" + mql,
			"grades.B", 3, "same threshold as A (50): no one is ever graded B"},
		{"fit:\n  rules:\n    - {name: size, attribute: 従業員数, min: 100, points: 10}\n" + mql,
			"fit.rules[0].attribute", 3, `no value is stored as "従業員数": a form field so named is stored as "employees"; write attribute: employees`},
		{"fit:\n  rules:\n    - {name: t, attribute: Job Title, match: '*CEO*', points: 10}\n" + mql,
			"fit.rules[0].attribute", 3, `stored as "title"`},
		{"decay:\n  half_life: ３０d\n" + mql, "decay.half_life", 2, "half-width characters"},
		{"recycle:\n  cooldown: ２４h\n" + mql, "recycle.cooldown", 2, "half-width characters"},
		{"behaviour:\n  - name: a\n    type: page_view\n    points:\u300015\n" + mql, "(file)", 4, "full-width space (U+3000"},
		{"behaviour:\n  - name: a\n    points:\u300015\n    type: page_view\n" + mql, "(file)", 3, "full-width space (U+3000"},
	}
	for _, c := range cases {
		_, err := Parse("rules.yaml", []byte(c.src))
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Errorf("%q: accepted (err %v), want a ParseError on %s", c.src, err, c.field)
			continue
		}
		if pe.Field != c.field || pe.Line != c.line || !strings.Contains(pe.Msg, c.msg) {
			t.Errorf("%q:\n\t%v\nwant line %d, field %s, saying %q", c.src, pe, c.line, c.field, c.msg)
		}
	}
}

// TestFitRulesStillTaken: what the checks above must not refuse: distinct
// names beside free_mail, min equal to max, falling grades and bands, a
// Baton attribute and a name Baton does not know (a custom field's).
func TestFitRulesStillTaken(t *testing.T) {
	src := "fit:\n  rules:\n    - {name: size, attribute: employees, min: 100, max: 100, points: 10}\n    - {name: kind, attribute: 会社規模, match: '*', points: 1}\n" +
		"    - {name: dom, attribute: email_domain, in: [example.com], points: 1}\n  free_mail: {points: -10}\n" +
		"grades: {A: 12, B: 11, C: 10}\nbands: [{name: hot, min: 50}, {name: warm, min: 49}]\ndecay: {half_life: 30d}\nrecycle: {cooldown: 24h}\n" +
		"mql: [{name: x, grades: [D]}]\n"
	if _, err := Parse("rules.yaml", []byte(src)); err != nil {
		t.Fatal(err)
	}
}

// TestFitRuleValuesFolded: a fit rule's in: and match: values written in
// full-width or half-width katakana match the attributes as they are
// stored (identity.WidthFold: ＪＰ as JP, ﾏﾈｰｼﾞｬｰ as マネージャー), and as
// they were written too.
func TestFitRuleValuesFolded(t *testing.T) {
	r, err := Parse("rules.yaml", []byte("fit:\n  rules:\n    - {name: jp, attribute: country, in: [ＪＰ], points: 10}\n    - {name: mgr, attribute: title, match: '*ﾏﾈｰｼﾞｬｰ*', points: 5}\n    - {name: ceo, attribute: title, match: 're:^ＣＥＯ$', points: 7}\nmql: [{name: x, grades: [D]}]\n"))
	if err != nil {
		t.Fatal(err)
	}
	e := &Engine{R: r}
	for _, c := range []struct {
		attrs map[string]string
		want  float64
	}{
		{map[string]string{"country": "JP", "title": "営業マネージャー"}, 15},
		{map[string]string{"country": "ＪＰ", "title": "ﾏﾈｰｼﾞｬｰ"}, 15},
		{map[string]string{"country": "jp", "title": "ceo"}, 17},
		{map[string]string{"country": "US", "title": "部長"}, 0},
	} {
		if got, _, _, _ := e.Fit(c.attrs, "a@example.com"); got != c.want {
			t.Errorf("%v: fit %g, want %g", c.attrs, got, c.want)
		}
	}
}

// TestFullWidthColonNamed: a key typed with an IME left on ends in a
// full-width colon (points：10), which YAML reads as one string: the error
// named the line after it ("mapping values are not allowed in this
// context", "could not find expected ':'") or said "recycle: must be a
// mapping", never the colon. Each names the line and writes it as it
// should be; a full-width colon inside a value (label: 行動：高) is the
// value's.
func TestFullWidthColonNamed(t *testing.T) {
	const mql = "mql: [{name: x, grades: [D]}]\n"
	for _, c := range []struct {
		src, field, says string
		line             int
	}{
		{"name：acme-2026-11\n" + mql, "(file)", `full-width colon (：, as an IME types it) after the key in this line: write "name: acme-2026-11"`, 1},
		{"behaviour:\n  - name: a\n    type: page_view\n    points：10\n" + mql, "(file)", `write "points: 10"`, 4},
		{"behaviour:\n  - name：a\n    type: page_view\n    points: 1\n" + mql, "(file)", `write "- name: a"`, 2},
		{mql + "recycle：\n  multiply: 0\n", "(file)", `write "recycle:"`, 2},
		{mql + "recycle:\n  multiply：0\n", "recycle", `must be a mapping: "multiply：0" has a full-width colon (：, as an IME types it); write "multiply: 0"`, 3},
		{"behaviour:\n  - {name：a, type: page_view, points: 1}\n" + mql, "behaviour[0].name：a", `unknown key: a full-width colon (：, as an IME types it); write "name: a"`, 2},
	} {
		_, err := Parse("rules.yaml", []byte(c.src))
		var pe *ParseError
		if !errors.As(err, &pe) || pe.Line != c.line || pe.Field != c.field || !strings.Contains(pe.Msg, c.says) {
			t.Errorf("%q: %v; want line %d, %s, saying %q", c.src, err, c.line, c.field, c.says)
		}
	}
	if _, err := Parse("rules.yaml", []byte("mql:\n  - name: x\n    label: 行動：高\n    grades: [D]\n")); err != nil {
		t.Error(err)
	}
}

// TestBANTFieldNamedAsTheFormsRefused: a BANT fact's field named as the
// form's field or column is (予算, 導入時期, Budget) is stored under
// another attribute (budget, timeframe), so the fact was never confirmed
// and a condition on min_bant never held; refused with the attribute to
// write, as a fit rule's attribute is. A custom field's name is taken.
func TestBANTFieldNamedAsTheFormsRefused(t *testing.T) {
	const mql = "mql: [{name: x, grades: [D]}]\n"
	for _, c := range []struct{ src, field, says string }{
		{"bant:\n  budget: {field: 予算, confirmed: \"re:あり|確保済\"}\n" + mql, "bant.budget.field", `no value is stored as "予算": a form field so named is stored as "budget"; write field: budget`},
		{"bant:\n  timeframe:\n    field: 導入時期\n" + mql, "bant.timeframe.field", `write field: timeframe`},
	} {
		_, err := Parse("rules.yaml", []byte(c.src))
		var pe *ParseError
		if !errors.As(err, &pe) || pe.Field != c.field || pe.Line != strings.Count(c.src[:strings.Index(c.src, "field:")], "\n")+1 || !strings.Contains(pe.Msg, c.says) {
			t.Errorf("%q: %v; want %s refused saying %q", c.src, err, c.field, c.says)
		}
	}
	if _, err := Parse("rules.yaml", []byte("bant:\n  budget: {field: budget}\n  need: {field: 検討中の課題メモ}\n"+mql)); err != nil {
		t.Error(err)
	}
}
