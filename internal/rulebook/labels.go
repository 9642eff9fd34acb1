package rulebook

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// Label is a rule's name as sales read it (an SFA's Task subject, a
// summary), where the rule's name is a machine name for the rules file,
// the reports and condition= filters: an MQL condition's, a band's, the
// MQA's. The rules file gives it as one text for every language
// (label: 行動・適合ともに高い) or by language (label: {ja: ..., en: ...}).
type Label struct {
	En, Ja string
}

// maxLabel bounds a label in characters: it heads a Task's subject
// (Salesforce's is 255) after the person's name and "再度の MQL（2 回目）：".
const maxLabel = 60

// labelLangs are the languages a label may be given in: those the SFA's
// texts are written in (sfa.language).
var labelLangs = []string{"en", "ja"}

// In is the label in lang ("ja": Japanese; else English), the other
// language's when only that one is given (what the team wrote reads
// better than a machine name), name when there is none.
func (l Label) In(lang, name string) string {
	first, second := l.En, l.Ja
	if lang == "ja" {
		first, second = l.Ja, l.En
	}
	switch {
	case first != "":
		return first
	case second != "":
		return second
	}
	return name
}

// label reads an optional label: a text, or a mapping of en and ja texts.
// An empty, overlong or multi-line label is refused: it would head a
// rep's Task as nothing, be cut, or break the subject's line.
func (p *parser) label(n *yaml.Node, field string) Label {
	if n == nil {
		return Label{}
	}
	if n.Kind == yaml.MappingNode {
		m := p.fields(n, field, labelLangs...)
		if len(m) == 0 {
			p.fail(n, field, "an empty label: give its text, or en and ja texts")
		}
		return Label{En: p.labelText(m["en"], field+".en"), Ja: p.labelText(m["ja"], field+".ja")}
	}
	t := p.labelText(n, field)
	return Label{En: t, Ja: t}
}

func (p *parser) labelText(n *yaml.Node, field string) string {
	if n == nil {
		return ""
	}
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		p.fail(n, field, "must be a text, or a mapping of en and ja texts")
		return ""
	}
	t := strings.TrimSpace(n.Value)
	switch {
	case t == "":
		p.fail(n, field, "empty: give the text sales read, or remove the label to show the name")
	case utf8.RuneCountInString(t) > maxLabel:
		p.fail(n, field, "%d characters: at most %d (it heads a Task's subject)", utf8.RuneCountInString(t), maxLabel)
	case strings.ContainsFunc(t, unicode.IsControl):
		p.fail(n, field, "must be one line without control characters")
	}
	return t
}

// ConditionLabel is the MQL condition name as sales read it in lang
// (Label.In); name itself for a condition without a label, one no longer
// in the rules, or no rules.
func (r *Rules) ConditionLabel(name, lang string) string {
	if r != nil {
		for _, c := range r.MQL {
			if c.Name == name {
				return c.Label.In(lang, name)
			}
		}
	}
	return name
}

// BandLabels are the behaviour bands' labels in lang, by band name; nil
// when no band has one.
func (r *Rules) BandLabels(lang string) map[string]string {
	if r == nil {
		return nil
	}
	var out map[string]string
	for _, b := range r.Bands {
		if t := b.Label.In(lang, ""); t != "" {
			if out == nil {
				out = map[string]string{}
			}
			out[b.Name] = t
		}
	}
	return out
}

// MQALabel is the MQA's name (the rules file's mqa.name) as sales read it
// in lang; name itself without a label, another name, or no rules.
func (r *Rules) MQALabel(name, lang string) string {
	if r != nil && r.MQA != nil && r.MQA.Name == name {
		return r.MQA.Label.In(lang, name)
	}
	return name
}
