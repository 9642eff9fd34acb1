package repnames_test

import (
	"context"
	"fmt"
	"testing"

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
