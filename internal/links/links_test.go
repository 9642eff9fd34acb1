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
