package admin

import (
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/rulebook"
	"github.com/baton-hq/baton/internal/testutil/repo"
)

// TestOldCooldownWaitSaysThePoints: a wait stored before the rules engine
// said every part of it says the cooldown alone, and people read its end
// as the day the person qualifies again. The page adds the new behaviour
// points the rules in force need (how many were earned it does not know);
// without rules it says what was stored.
func TestOldCooldownWaitSaysThePoints(t *testing.T) {
	rules, err := rulebook.Load(filepath.Join(repo.Root(t), "infra", "rules.yaml")) // min_new_behaviour: 20
	if err != nil {
		t.Fatal(err)
	}
	tokyo := time.FixedZone("JST", 9*3600)
	old := "recycled 2026-12-05T17:22:00Z: no MQL before 2026-12-06T17:22:00Z (recycle.cooldown)"
	for _, c := range []struct {
		p    page
		want string
		keys []string
	}{
		{page{L: "ja", Loc: tokyo, Rules: rules}, "2026年12月6日 02:22 にナーチャリングに戻したため、2026年12月7日 02:22 まで、かつ戻した後の新たな行動スコアが 20 点に達するまで MQL になりません", []string{"recycle.cooldown", "recycle.min_new_behaviour"}},
		{page{L: "en", Loc: tokyo, Rules: rules}, "recycled 6 Dec 2026 02:22: cannot qualify again before 7 Dec 2026 02:22, and until 20 new behaviour points after the recycle", []string{"recycle.cooldown", "recycle.min_new_behaviour"}},
		{page{L: "ja", Loc: tokyo}, "2026年12月6日 02:22 にナーチャリングに戻したため、2026年12月7日 02:22 まで MQL になりません", []string{"recycle.cooldown"}},
	} {
		w := c.p.Waiting(old)
		if got := c.p.Times(c.p.T(w.Text)); got != c.want || !slices.Equal(w.Keys, c.keys) {
			t.Errorf("%s (rules %v): %q %q\nwant %q %q", c.p.L, c.p.Rules != nil, got, w.Keys, c.want, c.keys)
		}
	}
}
