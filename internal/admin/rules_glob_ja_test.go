package admin

import (
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/rulebook"
)

// TestRulesPatternErrorsInJapanese: a URL glob that can never match and a
// bad re: pattern, as rulebook.Parse words them, read in Japanese with the
// line, the field and the pattern as the file wrote it (not the "(?i)" the
// parser put before a regexp), and the glob to write instead.
func TestRulesPatternErrorsInJapanese(t *testing.T) {
	p := page{L: "ja"}
	for _, c := range []struct{ yaml, en, ja string }{
		{
			`url: "app/pricing*"`,
			`candidate.yaml:2: behaviour[0].url[0]: "app/pricing*" can never match: a URL glob is matched against the path, which starts with "/", or the whole URL, which starts with http:// or https://; write "/app/pricing*"`,
			`candidate.yaml の 2 行目（behaviour[0].url[0]）："app/pricing*" はどの URL にも一致しません。URL のパターン（グロブ）はパス（「/」で始まる部分）か URL 全体（http:// または https:// で始まる）と照合されます。"/app/pricing*" と書いてください。`,
		},
		{
			`form: "re:contact|(inquiry"`,
			"candidate.yaml:2: behaviour[0].form: bad pattern: error parsing regexp: missing closing ): `contact|(inquiry`",
			"candidate.yaml の 2 行目（behaviour[0].form）：パターンが正しくありません：正規表現を読み取れません（「)」が閉じられていません）：`contact|(inquiry`。",
		},
	} {
		_, err := rulebook.Parse("candidate.yaml", []byte("behaviour:\n  - {name: a, points: -100, "+c.yaml+"}\nmql: [{name: x, min_behaviour: 1}]\n"))
		if err == nil || err.Error() != c.en {
			t.Errorf("%s:\n\t%v\nwant\t%s", c.yaml, err, c.en)
			continue
		}
		if j := p.T(err.Error()); j != c.ja || strings.Contains(j, "(?i)") {
			t.Errorf("%s in Japanese:\n\t%s\nwant\t%s", c.yaml, j, c.ja)
		}
	}
}
