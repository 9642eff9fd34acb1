package admin

import (
	"bytes"
	"html"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/lab"
)

// TestLabPageChangeFromNone: a simulation whose replay under the rules in
// force raised no MQL and the candidate's five showed "0 → 5 +100.0%" (the
// JSON's change of 1 for "from none"): the page says "from none" (0 件から)
// instead, and a change from some MQLs as before.
func TestLabPageChangeFromNone(t *testing.T) {
	for _, c := range []struct {
		cur, cand int
		change    float64
		lang      string
		want, not string
	}{
		{0, 5, 1, "en", "0 → 5</b><span class=\"up\">from none</span>", "+100.0%"},
		{0, 5, 1, "ja", "0 → 5</b><span class=\"up\">0 件から</span>", "+100.0%"},
		{4, 5, 0.25, "en", "4 → 5</b><span class=\"up\">+25.0%</span>", "from none"},
	} {
		rep := &lab.Report{Change: c.change, Complete: true}
		rep.Current.MQLs, rep.Candidate.MQLs = c.cur, c.cand
		var b bytes.Buffer
		if err := pages["rules"].ExecuteTemplate(&b, "layout", page{L: c.lang, Loc: time.UTC, Data: rulesView{Report: rep}}); err != nil {
			t.Fatal(err)
		}
		body := html.UnescapeString(b.String())
		if !strings.Contains(body, c.want) || strings.Contains(body, c.not) {
			i := strings.Index(body, "→")
			t.Errorf("%d -> %d, %s: want %q, not %q:\n%s", c.cur, c.cand, c.lang, c.want, c.not, body[max(0, i-200):min(len(body), i+300)])
		}
	}
}
