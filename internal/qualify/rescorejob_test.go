package qualify

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/table"
)

// noKeys is a table no read may reach: a key no table can hold (a NUL,
// longer than DynamoDB's 1024-byte sort key) fails the read, a 500.
type noKeys struct{ table.Table }

func (noKeys) Get(context.Context, string, string) (table.Item, error) {
	return table.Item{}, errors.New("read: the id was not checked")
}

// TestMalformedJobIDNamesNone: GET /admin/rescore/%00 answered 500.
func TestMalformedJobIDNamesNone(t *testing.T) {
	q := &Qualifier{T: noKeys{}}
	for _, id := range []string{"", "\x00", strings.Repeat("j", 3000), "20261201T171636-0a1b2c3d\x00", "../20261201T171636-0a1b2c3d"} {
		if _, err := q.RescoreJob(context.Background(), id); !errors.Is(err, table.ErrNotFound) {
			t.Errorf("job %.30q: %v, want table.ErrNotFound", id, err)
		}
	}
	id := "20261201T171636-" + shortID() // as StartRescore makes them
	if _, err := q.RescoreJob(context.Background(), id); err == nil || errors.Is(err, table.ErrNotFound) {
		t.Fatalf("a well-formed id %s must be read: %v", id, err)
	}
}
