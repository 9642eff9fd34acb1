package links

import (
	"context"
	"maps"
	"testing"
)

// TestNamesByIDAndUTM: Names gives a campaign's name for its id and for
// the utm_campaign its links add when that is not its id (the summary a
// rep reads names a landing's campaign so); a utm_campaign two campaigns
// share, or no campaign's, has none.
func TestNamesByIDAndUTM(t *testing.T) {
	ctx := context.Background()
	r, _ := newRegistry(t)
	for _, c := range []Campaign{
		{ID: "nov-news", Name: "11月ニュースレター", UTM: UTM{Campaign: "2026-11-nl"}},
		{ID: "a", Name: "A", UTM: UTM{Campaign: "shared"}},
		{ID: "b", Name: "B", UTM: UTM{Campaign: "shared"}},
		{ID: "unnamed"},
	} {
		if _, err := r.CreateCampaign(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	got, err := r.Names(ctx, []string{"nov-news", "2026-11-nl", "shared", "google-brand", "unnamed", "", "bad id"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"nov-news": "11月ニュースレター", "2026-11-nl": "11月ニュースレター"}
	if !maps.Equal(got, want) {
		t.Fatalf("names %v, want %v", got, want)
	}
}
