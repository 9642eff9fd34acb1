package admin

import (
	"path/filepath"
	"testing"

	"github.com/baton-hq/baton/internal/rulebook"
	"github.com/baton-hq/baton/internal/testutil/repo"
)

// TestMatrixFactByBandLabel: a matrix cell's fact names its band by the
// rules' label in the page's language, by its name where the band has no
// label or there are no rules; other facts read as T has them.
func TestMatrixFactByBandLabel(t *testing.T) {
	rules, err := rulebook.Load(filepath.Join(repo.Root(t), "infra", "rules.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		p          page
		fact, want string
	}{
		{page{L: "ja", Rules: rules}, "matrix cell warm x A", "行動帯 中 × グレード A"},
		{page{L: "en", Rules: rules}, "matrix cell hot x C", "band high × grade C"},
		{page{L: "ja"}, "matrix cell warm x A", "行動帯 warm × グレード A"},
		{page{L: "ja", Rules: rules}, "matrix cell lukewarm x B", "行動帯 lukewarm × グレード B"}, // a band the rules no longer have
		{page{L: "ja", Rules: rules}, "behaviour 42.25 >= 40", "行動スコア 42.3 ≥ 40"},
		{page{L: "en", Rules: rules}, "grade A", "grade A"},
	} {
		if got := c.p.Fact(c.fact); got != c.want {
			t.Errorf("%s %q: %q, want %q", c.p.L, c.fact, got, c.want)
		}
	}
}
