package identity

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/bolttable"
)

func idnDirectory(t *testing.T) (*Directory, table.Table) {
	t.Helper()
	tb, err := bolttable.Open(filepath.Join(t.TempDir(), "b.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tb.Close() })
	return &Directory{T: tb, Now: clock.Fixed(time.Date(2031, 5, 12, 9, 0, 0, 0, time.UTC))}, tb
}

func normal(t *testing.T, s string) string {
	t.Helper()
	e, err := event.NormalizeEmail(s)
	if err != nil {
		t.Fatalf("%s: %v", s, err)
	}
	return e
}

// The domains of one address as a form, a CSV or the SFA types them.
var taroForms = []string{"taro@例え.jp", "taro@xn--r8jz45g.jp", "ｔａｒｏ＠例え．ｊｐ", "TARO@XN--R8JZ45G.JP", "Taro@例え.JP"}

// TestIDNAndPunycodeAreOnePerson: an address at an internationalised
// domain and at its punycode are one person, under the ASCII form.
func TestIDNAndPunycodeAreOnePerson(t *testing.T) {
	d, _ := idnDirectory(t)
	ctx := context.Background()
	id := ""
	for _, s := range taroForms {
		p, _, err := d.Ensure(ctx, normal(t, s), "form")
		if err != nil {
			t.Fatal(err)
		}
		if id == "" {
			id = p.ID
		}
		if p.ID != id || p.Email != "taro@xn--r8jz45g.jp" {
			t.Errorf("%s: person %s %s, want %s taro@xn--r8jz45g.jp", s, p.ID, p.Email, id)
		}
	}
}

// TestPersonStoredUnderUnicodeDomainStillFound: a person an earlier version
// created under the domain as typed (EMAIL#hanako@例え.jp) is found by
// every form of the address, and not created again; an email an earlier
// version erased stays erased.
func TestPersonStoredUnderUnicodeDomainStillFound(t *testing.T) {
	d, tb := idnDirectory(t)
	ctx := context.Background()
	old, _, err := d.Ensure(ctx, "hanako@例え.jp", "form") // the key an earlier version wrote
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"hanako@例え.jp", "hanako@xn--r8jz45g.jp", "ｈａｎａｋｏ＠例え．ｊｐ"} {
		if p, err := d.ByEmail(ctx, normal(t, s)); err != nil || p.ID != old.ID {
			t.Errorf("%s: ByEmail %v %v, want %s", s, p.ID, err, old.ID)
		}
		if p, created, err := d.Ensure(ctx, normal(t, s), "form"); err != nil || created || p.ID != old.ID {
			t.Errorf("%s: Ensure %s created %v %v, want %s", s, p.ID, created, err, old.ID)
		}
	}
	// Erased by an earlier version: its tombstone hashes the Unicode form.
	if err := tb.Put(ctx, table.Item{PK: privacy.TombstonePK("jiro@例え.jp"), SK: "TOMB", Kind: privacy.KindTombstone, Data: []byte(`{}`)}, table.Always); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"jiro@例え.jp", "jiro@xn--r8jz45g.jp"} {
		if _, _, err := d.Ensure(ctx, normal(t, s), "form"); !errors.Is(err, ErrErased) {
			t.Errorf("%s: %v, want ErrErased", s, err)
		}
	}
}
