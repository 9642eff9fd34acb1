package repnames_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/repnames"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/testutil/backends"
)

// TestNames: the names learned are read back in one query, the last
// learned of an id replacing the one before (a rep's new email), on both
// stores.
func TestNames(t *testing.T) {
	backends.Each(t, func(t *testing.T, tb table.Table) {
		ctx := context.Background()
		sf, hs := repnames.Salesforce("0055g00000AbCdEAAZ"), repnames.HubSpot("41629779")
		if err := repnames.Remember(ctx, tb, map[string]string{sf: "tanaka@acme.example", hs: "suzuki@maker.example"}); err != nil {
			t.Fatal(err)
		}
		if err := repnames.Remember(ctx, tb, map[string]string{hs: "suzuki.ichiro@maker.example"}); err != nil {
			t.Fatal(err)
		}
		n, err := repnames.Load(ctx, tb)
		if err != nil {
			t.Fatal(err)
		}
		if got := fmt.Sprint(n); got != "map[hs:41629779:suzuki.ichiro@maker.example sf:0055g00000AbCdE:tanaka@acme.example]" {
			t.Errorf("names %s", got)
		}
	})
}

// TestOf: an outcome is named by its id's key; one recorded before keys
// were kept, by its owner when that is an id (either form of a Salesforce
// id, HubSpot's digits); a name, an unknown id or no owner stay as they are.
func TestOf(t *testing.T) {
	n := repnames.Names{"sf:0055g00000AbCdE": "tanaka@acme.example", "hs:41629779": "suzuki@maker.example"}
	for _, c := range []struct{ key, owner, want string }{
		{"sf:0055g00000AbCdE", "0055g00000AbCdEAAZ", "tanaka@acme.example"},
		{"sf:0055g00000AbCdE", "tanaka.old@acme.example", "tanaka@acme.example"}, // named by an email since changed
		{"hs:41629779", "41629779", "suzuki@maker.example"},
		{"", "0055g00000AbCdEAAZ", "tanaka@acme.example"},
		{"", "0055g00000AbCdE", "tanaka@acme.example"},
		{"", "41629779", "suzuki@maker.example"},
		{"", "rep@acme.example", "rep@acme.example"},
		{"sf:0055g00000ZzZzZ", "0055g00000ZzZzZAAA", "0055g00000ZzZzZAAA"},
		{"", "", ""},
	} {
		if got := n.Of(c.key, c.owner); got != c.want {
			t.Errorf("Of(%q, %q) = %q, want %q", c.key, c.owner, got, c.want)
		}
	}
}

// TestKeeperErasesARepsEmail: a rep's email is kept as the name of their
// SFA id, and neither the erasure nor the disclosure by email looked at
// it: erasing the rep's email answered success while it stayed. Asked by
// email (ForgetEmail, ShowEmail) or as a person's email or former one
// (Forget, Disclose), the names that are that email (as Baton reads one:
// its case) are shown and deleted, the others kept; and once erased, the
// email is not learned again, on both stores.
func TestKeeperErasesARepsEmail(t *testing.T) {
	backends.Each(t, func(t *testing.T, tb table.Table) {
		ctx := context.Background()
		sf, hs, queue := repnames.Salesforce("0055g00000AbCdEAAZ"), repnames.HubSpot("41629779"), repnames.Salesforce("00G5g00000QuEuEAAA")
		if err := repnames.Remember(ctx, tb, map[string]string{sf: "Tanaka@Acme.example", hs: "suzuki@maker.example", queue: "Inside Sales"}); err != nil {
			t.Fatal(err)
		}
		k := repnames.Keeper{T: tb}
		d, err := k.ShowEmail(ctx, "tanaka@acme.example")
		if err != nil || len(d) != 1 || len(d[repnames.Kind]) != 1 || !strings.Contains(string(d[repnames.Kind][0]), "Tanaka@Acme.example") {
			t.Fatalf("disclosed %v, %v", d, err)
		}
		if r, err := k.ForgetEmail(ctx, "tanaka@acme.example"); err != nil || r[repnames.Kind] != 1 || r.Total() != 1 {
			t.Fatalf("erased %v, %v", r, err)
		}
		if got := names(t, tb); got != "map[hs:41629779:suzuki@maker.example sf:00G5g00000QuEuE:Inside Sales]" {
			t.Errorf("after the erasure: %s", got)
		}
		// A person erased whose former email a rep's name is.
		s := privacy.Subject{Person: "p_1", Email: "suzuki.new@maker.example", FormerEmails: []string{"suzuki@maker.example"}}
		if d, err := k.Disclose(ctx, s); err != nil || len(d[repnames.Kind]) != 1 {
			t.Fatalf("disclosed %v, %v", d, err)
		}
		if r, err := k.Forget(ctx, s); err != nil || r[repnames.Kind] != 1 {
			t.Fatalf("erased %v, %v", r, err)
		}
		// Erased stays erased: the SFA naming the id by the email again
		// does not keep it (the tombstone the erasure wrote).
		if err := privacy.Tombstone(ctx, tb, "tanaka@acme.example", time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)); err != nil {
			t.Fatal(err)
		}
		if err := repnames.Remember(ctx, tb, map[string]string{sf: "tanaka@acme.example", hs: "sato@maker.example"}); err != nil {
			t.Fatal(err)
		}
		if got := names(t, tb); got != "map[hs:41629779:sato@maker.example sf:00G5g00000QuEuE:Inside Sales]" {
			t.Errorf("an erased email learned again: %s", got)
		}
	})
}

func names(t *testing.T, tb table.Table) string {
	t.Helper()
	n, err := repnames.Load(context.Background(), tb)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprint(n)
}
