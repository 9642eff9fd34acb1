package qualify

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/sortkey"
)

// A ledger entry comes back as it went in (its time in UTC), and so does
// one stored as JSON; the sort key is its time in UTC, sortkey's.
func TestContributionRoundTrip(t *testing.T) {
	at := time.Date(2026, 5, 6, 7, 8, 9, 123456789, time.UTC)
	for _, c := range []Contribution{
		{Rule: "pricing-page", Kind: "behaviour", EventID: "e-1", EventType: "page_view", URL: "https://example.com/価格?q=\"x\"", Delta: 10, At: at},
		{Rule: "decay", Kind: "reset", Delta: -41.25, At: at.In(time.FixedZone("JST", 9*3600))},
		{Rule: "r", Kind: "behaviour", Delta: 1, At: time.Date(1969, 12, 31, 23, 59, 59, 5, time.UTC)},
		{},
	} {
		got, err := decodeContribution(encodeContribution(c))
		if err != nil {
			t.Fatal(err)
		}
		want := c
		if !want.At.IsZero() {
			want.At = want.At.UTC()
		}
		if got != want {
			t.Fatalf("round trip:\n got %+v\nwant %+v", got, want)
		}
		js, _ := json.Marshal(c)
		old, err := decodeContribution(js)
		if err != nil || !old.At.Equal(c.At) || old.Rule != c.Rule || old.Delta != c.Delta || old.URL != c.URL {
			t.Fatalf("JSON entry: %+v %v", old, err)
		}
	}
	for _, n := range []int{0, 7, 12} {
		want := fmt.Sprintf(ledgerPrefix(3)+"%s#%s#%02d", sortkey.Time(at), "e-1", n)
		if got := ledgerSK(3, at.In(time.FixedZone("JST", 9*3600)), "e-1", n); got != want {
			t.Fatalf("sort key %q, want %q", got, want)
		}
	}
}

func TestContributionCorrupt(t *testing.T) {
	good := encodeContribution(Contribution{Rule: "r", Kind: "behaviour", EventID: "e", Delta: 1, At: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
	for name, data := range map[string][]byte{
		"empty":        {},
		"format only":  {ledgerBinary},
		"long string":  {ledgerBinary, 0xff, 0xff, 0x03, 'x'},
		"cut":          good[:len(good)-1],
		"trailing":     append(append([]byte{}, good...), 0),
		"bad presence": append(append([]byte{}, good[:len(good)-7]...), 2),
		"not json":     []byte("{"),
	} {
		if _, err := decodeContribution(data); err == nil {
			t.Errorf("%s: decoded", name)
		}
	}
}

func FuzzDecodeContribution(f *testing.F) {
	f.Add(encodeContribution(Contribution{Rule: "r", Kind: "behaviour", EventID: "e", URL: "u", Delta: 1.5, At: time.Date(2026, 1, 1, 0, 0, 0, 9, time.UTC)}))
	f.Add(encodeContribution(Contribution{}))
	f.Add([]byte(`{"rule":"r","delta":1,"at":"2026-01-01T00:00:00Z"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := decodeContribution(data)
		if err != nil {
			return
		}
		again, err := decodeContribution(encodeContribution(c))
		if err != nil {
			t.Fatalf("re-encoded entry does not decode: %v", err)
		}
		if again.Rule != c.Rule || again.Kind != c.Kind || again.EventID != c.EventID || again.EventType != c.EventType ||
			again.URL != c.URL || !again.At.Equal(c.At) || (again.Delta != c.Delta && c.Delta == c.Delta) {
			t.Fatalf("re-encoded entry differs:\n got %+v\nwant %+v", again, c)
		}
	})
}
