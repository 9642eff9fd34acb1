package admin_test

import (
	"strings"
	"testing"
)

// TestMatrixFactNamesBandByLabel: a matrix condition's fact named the
// band by its internal name (マトリクス：行動帯 warm × グレード A, matrix
// cell warm x A) where the score card names it by its label (行動帯 中,
// band medium), and the Japanese inbox card said マトリクス twice
// (行動帯×グレードのマトリクス：マトリクス：…). The inbox card and the
// person page's MQL card name the band by its label in the page's
// language, after the condition's label without "matrix" again.
func TestMatrixFactNamesBandByLabel(t *testing.T) {
	f := newFixture(t)
	_, _, id := matrixMQL(t, f)
	for _, c := range []struct{ path, lang, want string }{
		{"/admin/inbox", "ja", "行動帯×グレードのマトリクス：行動帯 中 × グレード A</div>"},
		{"/admin/inbox", "en", "Behaviour and fit matrix: band medium × grade A</div>"},
		{"/admin/people/" + id, "ja", "<div class=\"why\">行動帯×グレードのマトリクス</div>"},
		{"/admin/people/" + id, "ja", "<li>行動帯 中 × グレード A</li>"},
		{"/admin/people/" + id, "en", "<li>band medium × grade A</li>"},
	} {
		body := f.page(t, c.path, c.lang)
		if !strings.Contains(body, c.want) {
			t.Errorf("%s %s: no %q in\n%s", c.path, c.lang, c.want, body)
		}
		for _, bad := range []string{"マトリクス：マトリクス", "行動帯 warm", "matrix cell", "band warm"} {
			if strings.Contains(body, bad) {
				t.Errorf("%s %s: %q in\n%s", c.path, c.lang, bad, body)
			}
		}
	}
}
