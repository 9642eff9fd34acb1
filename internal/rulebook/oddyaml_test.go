package rulebook

import (
	"errors"
	"strings"
	"testing"
)

// A reviewed file's odd YAML is refused with the line to look at, never
// half read: a file saved as Shift_JIS (Windows tools), a tab or a bad
// escape on the first line, a control character, an anchor never defined,
// a band given twice in a matrix (the second silently replaced the
// first), a second document after --- (silently ignored), a fractional
// min_bant (silently truncated).
func TestOddYAMLNamesTheLine(t *testing.T) {
	const mql = "mql: [{name: x, grades: [D]}]\n"
	cases := []struct {
		src   string
		line  int
		field string
		says  string
	}{
		{"name: x\n" + mql + "fit:\n  rules:\n    - {name: t, attribute: title, match: \"re:\x95\x94\x92\xb7\", points: 10}\n", 5, "(file)", "UTF-8"},
		{"name: x\n# \x95\x94\x92\xb7\n" + mql, 2, "(file)", "Shift_JIS"},
		{"\tname: x\n" + mql, 1, "(file)", ""},
		{"name: \"\\xZZ\"\n" + mql, 1, "(file)", ""},
		{mql + "name: x\x01\n", 2, "(file)", "control"},
		{mql + "recycle:\n  multiply: *half\n", 3, "(file)", "half"},
		{"bands: [{name: hot, min: 50}]\nmql:\n  - name: x\n    matrix:\n      hot: [A]\n      hot: [C]\n", 6, "mql[0].matrix.hot", "twice"},
		{mql + "---\nname: second\n", 2, "(file)", "document"}, // the line of ---
		{mql + "---\n- [\n", 3, "(file)", "document"},
		{"mql:\n  - name: x\n    min_bant: 2.5\n", 3, "mql[0].min_bant", ""},
		{"null\n", 1, "(file)", "mapping"},
	}
	for _, c := range cases {
		_, err := Parse("rules.yaml", []byte(c.src))
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Errorf("%q: err %v", c.src, err)
			continue
		}
		if pe.Line != c.line || pe.Field != c.field || !strings.Contains(pe.Msg, c.says) {
			t.Errorf("%q: got %s (line %d field %s), want line %d field %s saying %q", c.src, pe, pe.Line, pe.Field, c.line, c.field, c.says)
		}
	}
	// A BOM and CRLF line ends (Windows editors) are fine.
	if _, err := Parse("rules.yaml", []byte("\xef\xbb\xbfname: x\r\n"+strings.ReplaceAll(mql, "\n", "\r\n"))); err != nil {
		t.Error(err)
	}
}

// Full-width digits (an IME left on) are named as such: "must be a
// number" for １０ reads as nonsense to who typed it.
func TestFullWidthDigitsNamed(t *testing.T) {
	_, err := Parse("rules.yaml", []byte("behaviour:\n  - {name: a, type: page_view, points: １０}\nmql: [{name: x, min_behaviour: 1}]\n"))
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Line != 2 || pe.Field != "behaviour[0].points" || !strings.Contains(pe.Msg, "half-width") {
		t.Fatalf("%v", err)
	}
}

// An empty list where a condition or rule needs values makes it match no
// one, silently: grades: [] (a condition that never fires: no MQLs), a
// matrix without a grade in any band, a fit rule's in: []. Their refusals
// are cases of TestParseErrorsNameLineAndField; an empty band beside filled
// ones is still a rules file.
func TestEmptyListsRefused(t *testing.T) {
	// A band without grades beside one with them is only a band that does
	// not qualify.
	if _, err := Parse("rules.yaml", []byte("behaviour: [{name: v, type: page_view, points: 1}]\nfit: {rules: [{name: t, attribute: title, match: '*', points: 50}]}\ngrades: {A: 50}\nbands: [{name: hot, min: 50}, {name: warm, min: 10}]\nmql:\n  - name: x\n    matrix: {hot: [A], warm: []}\n")); err != nil {
		t.Error(err)
	}
}

// A stray --- at the end (an empty document) is no second document.
func TestTrailingEmptyDocument(t *testing.T) {
	for _, src := range []string{"mql: [{name: x, grades: [D]}]\n---\n", "mql: [{name: x, grades: [D]}]\n---\n# notes\n", "---\nmql: [{name: x, grades: [D]}]\n...\n"} {
		if _, err := Parse("rules.yaml", []byte(src)); err != nil {
			t.Errorf("%q: %v", src, err)
		}
	}
	if _, err := Parse("rules.yaml", []byte("mql: [{name: x, grades: [D]}]\n---\n---\nname: late\n")); err == nil {
		t.Error("a third document taken")
	}
}

// TestTabIndentNamesItsLine: a tab in a line's indentation (an editor set
// to tabs) is named as such, on its own line: yaml.v3 names the line
// before it ("line 2: found a tab character that violates indentation"
// for a tab on line 3), and its "found character that cannot start any
// token" said nothing of a tab. A tab after a key's colon is a space to
// YAML, and fine.
func TestTabIndentNamesItsLine(t *testing.T) {
	const mql = "mql: [{name: x, min_behaviour: 1}]\n"
	for _, c := range []struct {
		src  string
		line int
	}{
		{"behaviour:\n\t- {name: a, type: page_view, points: 1}\n" + mql, 2},
		{"behaviour:\n  - name: a\n\t  type: page_view\n    points: 1\n" + mql, 3},
		{"behaviour:\n  - name: a\n  \ttype: page_view\n    points: 1\n" + mql, 3},
		{"behaviour:\n  - name: a\n    type: page_view\n\tpoints: 1\n" + mql, 4},
	} {
		_, err := Parse("rules.yaml", []byte(c.src))
		var pe *ParseError
		if !errors.As(err, &pe) || pe.Line != c.line || pe.Field != "(file)" || !strings.HasPrefix(pe.Msg, "a tab in this line's indentation: YAML indents with spaces alone; ") || strings.Contains(pe.Msg, "line ") {
			t.Errorf("%q: %v; want line %d naming the tab", c.src, err, c.line)
		}
	}
	if _, err := Parse("rules.yaml", []byte("behaviour:\n  - name:\ta\n    type:\tpage_view\n    points: 1\n"+mql)); err != nil {
		t.Error(err)
	}
}

// TestNumberWrittenAsTextSaysWhatToWrite: a weight quoted ("10", which
// YAML reads as text), with a unit (10点, 15pt) or with separators
// (1,000) was refused as "must be a number", which the reviewer had
// written; the refusal says what to write.
func TestNumberWrittenAsTextSaysWhatToWrite(t *testing.T) {
	for _, c := range []struct{ value, says string }{
		{`"10"`, "must be a number: write 10 (without quotes: a quoted number is text)"},
		{`'-20'`, "must be a number: write -20 (without quotes"},
		{`10点`, "must be a number: write 10"},
		{`15 pt`, "must be a number: write 15"},
		{`"1,000"`, "must be a number: write 1000"},
		{`ten`, "must be a number"},
	} {
		_, err := Parse("rules.yaml", []byte("behaviour:\n  - name: a\n    type: page_view\n    points: "+c.value+"\nmql: [{name: x, min_behaviour: 1}]\n"))
		var pe *ParseError
		if !errors.As(err, &pe) || pe.Line != 4 || pe.Field != "behaviour[0].points" || !strings.HasPrefix(pe.Msg, c.says) {
			t.Errorf("points: %s: %v; want line 4 saying %q", c.value, err, c.says)
		}
	}
}

// TestMisspeltKeyNamesTheKey: a key misspelt (behavior, as US English
// spells it; min_behavior; cap_per_days; Points) was refused listing every
// key allowed there; the refusal names the one it most likely meant. Two
// as near (mqb: mql or mqa?) name none.
func TestMisspeltKeyNamesTheKey(t *testing.T) {
	for _, c := range []struct {
		src, field, says string
		line             int
	}{
		{"behavior:\n  - {name: a, type: page_view, points: 1}\nmql: [{name: x, min_behaviour: 1}]\n", "behavior", "; did you mean behaviour?", 1},
		{"mql:\n  - name: hot\n    min_behavior: 40\n", "mql[0].min_behavior", "; did you mean min_behaviour?", 3},
		{"behaviour:\n  - {name: a, type: page_view, Points: 1, cap_per_days: 5}\nmql: [{name: x, min_behaviour: 1}]\n", "behaviour[0].Points", "; did you mean points?", 2},
		{"mqb: {}\nmql: [{name: x, min_behaviour: 1}]\n", "mqb", "unknown key (allowed: name, decay, behaviour, fit, grades, bant, bands, mql, recycle, mqa)", 1},
	} {
		_, err := Parse("rules.yaml", []byte(c.src))
		var pe *ParseError
		if !errors.As(err, &pe) || pe.Line != c.line || pe.Field != c.field || !strings.HasSuffix(pe.Msg, c.says) {
			t.Errorf("%q: %v; want line %d, %s, ending %q", c.src, err, c.line, c.field, c.says)
		}
	}
}
