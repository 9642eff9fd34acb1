package identity

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/bolttable"
)

// TestSecretsStoredBeforeAreNotRead: a person's attributes stored before
// the collector dropped secrets (pw and カード番号 from a Segment form, a
// card number in a CSV's memo column) are read by nobody (the person's
// page, rules, exports and SFA pushes all read through the Directory) and
// leave the item at the person's next update.
func TestSecretsStoredBeforeAreNotRead(t *testing.T) {
	tb, err := bolttable.Open(filepath.Join(t.TempDir(), "b.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tb.Close() })
	ctx := context.Background()
	d := &Directory{T: tb, Now: clock.Fixed(time.Date(2031, 5, 12, 9, 0, 0, 0, time.UTC))}
	p, _, err := d.Ensure(ctx, "old@example.co.jp", "form")
	if err != nil {
		t.Fatal(err)
	}
	// The item as the earlier code wrote it.
	p.Attributes = map[string]string{"company": "Acme", "message": "card 4111 1111 1111 1111 please"}
	p.Custom = map[string]string{"pw": "hunter2", "カード番号": "4111111111111111", "memo": "5500-0055-5555-5559", "会員種別": "gold"}
	data, _ := json.Marshal(p)
	if err := tb.Put(ctx, table.Item{PK: PersonPK(p.ID), SK: personSK, Kind: KindPerson, Data: data}, table.Always); err != nil {
		t.Fatal(err)
	}
	check := func(p Person) {
		t.Helper()
		b, _ := json.Marshal(p)
		for _, s := range []string{"hunter2", "4111", "5500", "カード番号"} {
			if strings.Contains(string(b), s) {
				t.Errorf("%s read: %s", s, b)
			}
		}
		if p.Attributes["company"] != "Acme" || p.Attributes["message"] != "card [card number] please" || p.Custom["会員種別"] != "gold" {
			t.Errorf("what is no secret must stay: %s", b)
		}
	}
	got, err := d.ByEmail(ctx, "old@example.co.jp")
	if err != nil {
		t.Fatal(err)
	}
	check(got)
	n := 0
	if err := ScanPersons(ctx, tb, func(p Person) error { n++; check(p); return nil }); err != nil || n != 1 {
		t.Fatalf("scan: %d %v", n, err)
	}
	// An update with nothing new still writes the item without them.
	if _, changed, err := d.Update(ctx, p.ID, map[string]string{"company": "Acme"}, nil); err != nil || !changed {
		t.Fatalf("update: %v %v", changed, err)
	}
	it, err := tb.Get(ctx, PersonPK(p.ID), personSK)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(it.Data), "hunter2") || strings.Contains(string(it.Data), "4111") {
		t.Fatalf("still stored: %s", it.Data)
	}
	if _, changed, _ := d.Update(ctx, p.ID, map[string]string{"company": "Acme"}, nil); changed {
		t.Fatal("a clean person rewritten")
	}
}
