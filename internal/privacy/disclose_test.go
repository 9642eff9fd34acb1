package privacy_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/bolttable"
)

// person is a People directory of one person, whose erasure begins while
// their data is read (erasing: the tombstone is written by Disclose).
type person struct {
	t       table.Table
	erasing bool
}

func (p *person) Subject(context.Context, string) (privacy.Subject, error) {
	return privacy.Subject{Person: "p_1", Email: "taro@maker.example"}, nil
}

func (p *person) Forget(context.Context, privacy.Subject) (privacy.Removed, error) {
	return privacy.Removed{}, nil
}

func (p *person) Disclose(ctx context.Context, s privacy.Subject) (privacy.Disclosure, error) {
	if p.erasing {
		if err := privacy.Tombstone(ctx, p.t, s.Email, time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)); err != nil {
			return nil, err
		}
	}
	d := privacy.Disclosure{}
	return d, d.AddValue("person", map[string]string{"email": s.Email})
}

// TestDisclosureOfAPersonBeingErased: a disclosure read while an erasure
// ran answered 200 with whatever was left: a file that looked whole. It is
// an error the admin answers 409.
func TestDisclosureOfAPersonBeingErased(t *testing.T) {
	tb, err := bolttable.Open(filepath.Join(t.TempDir(), "b.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tb.Close() })
	ctx := context.Background()
	p := &person{t: tb}
	e := &privacy.Eraser{T: tb, People: p}
	if _, d, err := e.Disclose(ctx, "p_1"); err != nil || len(d["person"]) != 1 {
		t.Fatalf("disclose: %v %v", d, err)
	}
	p.erasing = true
	if _, d, err := e.Disclose(ctx, "p_1"); !errors.Is(err, privacy.ErrErasing) || d != nil {
		t.Fatalf("disclose while erased: %v %v", d, err)
	}
}
