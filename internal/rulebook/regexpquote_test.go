package rulebook

import (
	"strings"
	"testing"
)

// TestRegexpErrorQuotesThePatternAsWritten: a bad re: pattern's error
// quotes the pattern the file has, not with the "(?i)" the parser puts
// before it (which the reader looked for in vain).
func TestRegexpErrorQuotesThePatternAsWritten(t *testing.T) {
	for _, c := range []struct{ yaml, quoted string }{
		{`form: "re:contact|(inquiry"`, "`contact|(inquiry`"},
		{`url: "re:)pricing"`, "`)pricing`"},
		{`url: "re:(?i)a("`, "`(?i)a(`"}, // its own (?i) is kept
	} {
		_, err := Parse("rules.yaml", []byte("behaviour:\n  - {name: a, points: 1, "+c.yaml+"}\nmql: [{name: x, min_behaviour: 1}]\n"))
		if err == nil || !strings.Contains(err.Error(), "bad pattern") || !strings.HasSuffix(err.Error(), c.quoted) {
			t.Errorf("%s: %v; want it to quote %s", c.yaml, err, c.quoted)
		}
	}
}
