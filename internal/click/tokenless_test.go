package click_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/click"
	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/dynamotable"
	"github.com/baton-hq/baton/internal/testutil/moto"
)

// TestClicksWithoutATokenAreCounted: an email tool that does not know
// {{baton_token}} (Mailchimp's merge syntax is *|BATON_TOKEN|*) sends
// every link with the tag left in it. Each reader still lands on the
// page, and the campaign's report counts those clicks, with the tag as it
// arrived, so the user learns why no click names a recipient; a
// recipient's own click is no such click, and a click the request flags
// (the honeypot) is counted apart. On both stores: the AWS click function
// shares this path.
func TestClicksWithoutATokenAreCounted(t *testing.T) {
	for _, store := range []struct {
		name string
		open func(t *testing.T, clk *clock.Manual) *env
	}{
		{"bolt", func(t *testing.T, _ *clock.Manual) *env { return newEnv(t) }},
		{"dynamodb", func(t *testing.T, clk *clock.Manual) *env {
			return newEnvOn(t, clk, moto.NewTable(t, dynamotable.WithClock(clk.Now)))
		}},
	} {
		t.Run(store.name, func(t *testing.T) {
			e := store.open(t, clock.NewManual(time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)))
			ctx := context.Background()
			hp, err := e.reg.Add(ctx, "nov-news", []string{"https://www.example.com/webinar?x=1"}, true)
			if err != nil {
				t.Fatal(err)
			}
			for _, path := range []string{
				"/c/" + e.link.ID + "/{{baton_token}}",
				"/c/" + e.link.ID + "/%7B%7Bbaton_token%7D%7D", // as a browser sends it
				"/c/" + e.link.ID + "/*|BATON_TOKEN|*",
				"/c/" + e.link.ID + "/*%7CBATON_TOKEN%7C*",
				"/c/" + e.link.ID + "/%25%25baton_token%25%25",
				"/c/" + e.link.ID + "/",                                                      // rendered empty
				"/c/" + e.link.ID + "/" + strings.Repeat("x", 9),                             // something else
				"/c/" + e.link.ID + "/bad-" + strings.Repeat("a", 30),                        // a token's shape that does not verify (cut short, altered)
				"/c/" + e.link.ID + "/%5B%5Bre-login%20at%20baton-support.example.net%5D%5D", // a merge tag's shape, anyone's text: counted, never shown
				"/c/" + e.link.ID + "/ok-" + e.ann.ID + "-nov-news",                          // a recipient's own
				"/c/" + e.link.ID + "/ok-" + e.ann.ID + "-other-news",                        // a token, of another campaign
				"/c/" + hp[0].ID + "/{{baton_token}}",                                        // the honeypot: a scanner's
			} {
				w := e.get("GET", path, "")
				if w.Code != http.StatusFound || !strings.HasPrefix(w.Header().Get("Location"), "https://www.example.com/webinar") {
					t.Fatalf("GET %s: %d %q, want 302 to the link's destination", path, w.Code, w.Header().Get("Location"))
				}
			}
			if w := e.get("HEAD", "/c/"+e.link.ID+"/{{baton_token}}", ""); w.Code != http.StatusFound {
				t.Fatalf("HEAD: %d", w.Code)
			}
			got, err := click.CampaignTokenless(ctx, e.h.T, "nov-news")
			if err != nil {
				t.Fatal(err)
			}
			// Another campaign's token names no one here (a token is good
			// for its own send's links): a tokenised list reused for this
			// send. It is counted apart, so that the report says why.
			if got.Clicks != 10 || got.Tags != 6 || got.Empty != 1 || got.Malformed != 2 || got.OtherSends != 1 || got.Scanners != 1 {
				t.Errorf("counted %+v, want 10 clicks (6 merge tags, 1 empty, 2 malformed, 1 another send's token), 1 scanner's; a recipient's click and a HEAD not at all", got)
			}
			if got.PerLink[e.link.ID] != 10 || len(got.PerLink) != 1 {
				t.Errorf("per link %v, want %s: 10", got.PerLink, e.link.ID)
			}
			want := []string{"{{baton_token}}", "*|BATON_TOKEN|*", "%%baton_token%%"} // the most clicked first
			if !slices.Equal(got.Arrived, want) {
				t.Errorf("merge tags kept %q, want %q", got.Arrived, want)
			}
			// Nothing of the reader: the counter items hold counts and
			// template text only.
			items, err := e.h.T.Query(ctx, table.Query{PK: "NOTOKEN#nov-news"})
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range items {
				if strings.Contains(string(it.Data), "192.0.2") || len(it.Data) > 80 {
					t.Errorf("item %s keeps %s", it.SK, it.Data)
				}
			}
			if other, _ := click.CampaignTokenless(ctx, e.h.T, "dec-news"); other.Clicks != 0 {
				t.Errorf("another campaign counted %+v", other)
			}
		})
	}
}
