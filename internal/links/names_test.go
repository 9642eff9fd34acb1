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

// TestTypedNamesKeepNoDirectionCharacters: a campaign's name and UTM as a
// write-scope user typed them (the workspace's form, POST /admin/links) are
// kept without bidirectional overrides, isolates and marks or control
// characters, on one line: "\u202e" in a name showed the campaign's cells
// reversed, another name to the eye. Created or updated alike.
func TestTypedNamesKeepNoDirectionCharacters(t *testing.T) {
	ctx := context.Background()
	r, _ := newRegistry(t)
	c, err := r.CreateCampaign(ctx, Campaign{ID: "nov", Name: "11月\u202eスーレタ\u2066\u200f ニュース\x00\n", UTM: UTM{Campaign: "\u2067nov\u2069", Source: "news\u200eletter"}})
	if err != nil {
		t.Fatal(err)
	}
	stored, _ := r.Campaign(ctx, "nov")
	for _, got := range []Campaign{c, stored} {
		if got.Name != "11月スーレタ ニュース" || got.UTM.Campaign != "nov" || got.UTM.Source != "newsletter" {
			t.Fatalf("created: %q %+v", got.Name, got.UTM)
		}
	}
	if _, _, err := r.PutCampaign(ctx, Campaign{ID: "nov", Name: "\u202b12月号\u202c", UTM: UTM{Medium: "\u061cemail"}}); err != nil {
		t.Fatal(err)
	}
	stored, _ = r.Campaign(ctx, "nov")
	if stored.Name != "12月号" || stored.UTM.Medium != "email" {
		t.Fatalf("updated: %q %+v", stored.Name, stored.UTM)
	}
}
