package stack_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/baton-hq/baton/infra/local/stack"
)

// TestPersonPageNamesTheBand: the person's grade card showed the behaviour
// band's name alone under the grade ("B / hot"), which read as the
// grade's and, on a Japanese page, said nothing of what "hot" was. The
// band is under the behaviour score it comes from, named as a band (行動帯
// hot), and the grade card is the grade alone.
func TestPersonPageNamesTheBand(t *testing.T) {
	s := stack.ForTest(t, nil)
	p := qualifyOne(t, s, "band-visitor", "band@maker.example")
	code, b := page(t, s, "/admin/people/"+p+"?lang=ja", token)
	cards := regexp.MustCompile(`(?s)<div>行動スコア<b>[^<]*</b><span class="small muted">([^<]*)</span></div>.*?<div>グレード<b>([^<]*)</b>(.*?)</div>`).FindStringSubmatch(string(b))
	if code != 200 || cards == nil || !strings.HasPrefix(cards[1], "行動帯 ") || !strings.Contains(cards[1], "ごとに半減") || cards[3] != "" {
		t.Fatalf("%d, cards %q:\n%s", code, cards, b)
	}
}
