package links

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/table"
)

// noKeys is a table no read may reach: a key no table can hold (a NUL,
// longer than DynamoDB's 2048-byte partition key) fails the read, a 500.
type noKeys struct{ table.Table }

func (noKeys) Get(_ context.Context, pk, sk string) (table.Item, error) {
	return table.Item{}, errors.New("read " + pk[:min(len(pk), 20)] + ": the id was not checked")
}

// TestMalformedCampaignNamesNone: GET /admin/campaigns/%00 answered 500.
func TestMalformedCampaignNamesNone(t *testing.T) {
	r := &Registry{T: noKeys{}}
	for _, id := range []string{"", "\x00", "a\x00b", strings.Repeat("c", 3000), "Camp", "../x"} {
		if _, err := r.Campaign(context.Background(), id); !errors.Is(err, ErrNotFound) {
			t.Errorf("campaign %.20q: %v, want ErrNotFound", id, err)
		}
	}
	if _, err := r.Campaign(context.Background(), "spring-launch"); errors.Is(err, ErrNotFound) || err == nil {
		t.Fatalf("a well-formed id must be read: %v", err)
	}
}

// TestDestinationKeepsTheURLsOwnQuery: a click re-encoded the stored URL's
// query (sorted, "flag" as "flag=", %20 as +) even when the campaign had no
// UTM parameters to add, which breaks a link signed over its query or a
// site reading a parameter's spelling. The query is kept as stored; the
// campaign's UTM parameters are appended, never replacing the URL's own.
func TestDestinationKeepsTheURLsOwnQuery(t *testing.T) {
	utm := Campaign{UTM: UTM{Source: "newsletter", Medium: "email", Campaign: "dec&x=<y>"}}
	for _, c := range []struct {
		url  string
		camp Campaign
		want string
	}{
		{"https://www.example.com/dl?sig=ab%2Fcd&b=2&a=1&flag&q=a%20b", Campaign{}, "https://www.example.com/dl?sig=ab%2Fcd&b=2&a=1&flag&q=a%20b"},
		{"https://www.example.com/dl?sig=ab%2Fcd&b=2&a=1&flag&q=a%20b", utm,
			"https://www.example.com/dl?sig=ab%2Fcd&b=2&a=1&flag&q=a%20b&utm_campaign=dec%26x%3D%3Cy%3E&utm_medium=email&utm_source=newsletter"},
		{"https://www.example.com/p?utm_source=own&z=1#top", utm, "https://www.example.com/p?utm_source=own&z=1&utm_campaign=dec%26x%3D%3Cy%3E&utm_medium=email#top"},
		{"https://www.example.com/p", utm, "https://www.example.com/p?utm_campaign=dec%26x%3D%3Cy%3E&utm_medium=email&utm_source=newsletter"},
		{"https://www.example.com/p?", utm, "https://www.example.com/p?utm_campaign=dec%26x%3D%3Cy%3E&utm_medium=email&utm_source=newsletter"},
		{"https://www.example.com/p?a=1&", utm, "https://www.example.com/p?a=1&utm_campaign=dec%26x%3D%3Cy%3E&utm_medium=email&utm_source=newsletter"},
		{"https://www.example.com/%E3%81%82?x=%E3%81%84", Campaign{UTM: UTM{Source: "nl"}}, "https://www.example.com/%E3%81%82?x=%E3%81%84&utm_source=nl"},
	} {
		if got := Destination(Link{URL: c.url}, c.camp); got != c.want {
			t.Errorf("%s with %+v:\n got %s\nwant %s", c.url, c.camp.UTM, got, c.want)
		}
	}
}
