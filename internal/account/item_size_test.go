package account

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/testutil/backends"
)

// TestAccountOfMaxMembersFitsAnItem: MaxMembers bounded the count, not the
// size. A member kept the person's name, title and company attributes as
// given (up to 2,000 bytes each), so anyone posting forms with 500
// addresses at one company's domain and long values (99 bytes a field: 538
// KB) made an account item bbolt took and DynamoDB refused
// (ValidationException): every feed batch touching that company failed,
// was retried and dropped to the failure queue. Now the item stays within
// maxAccountBytes on both stores: every member is listed, their texts cut
// (whole characters); only addresses JSON escapes 6 bytes a character
// (&&&...@) make the least recently active leave the list, as past
// MaxMembers. A member refreshed unchanged still leaves the item unwritten.
func TestAccountOfMaxMembersFitsAnItem(t *testing.T) {
	t0 := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	long := strings.Repeat("部", 33) // 99 bytes a field
	person := func(i int, email string) identity.Person {
		attrs := map[string]string{"name": long, "title": "部長" + long}
		for _, k := range companyAttributes {
			attrs[k] = long
		}
		return identity.Person{ID: fmt.Sprintf("p_%024d", i), Email: email, Attributes: attrs}
	}
	build := func(email func(i int) string) *Account {
		a := &Account{ID: "a0123456789abcdef", Keys: []string{"d:victim.example"}}
		for i := range MaxMembers {
			a.upsert(member(person(i, email(i)), qualify.Record{}, t0.Add(time.Duration(i)*time.Minute), false))
		}
		(&Book{}).recompute(a, t0)
		return a
	}
	written := func(t *testing.T, a *Account) {
		backends.Each(t, func(t *testing.T, tb table.Table) {
			b := &Book{T: tb}
			if err := b.T.Transact(context.Background(), []table.Write{a.put()}); err != nil {
				t.Fatalf("an account of %d members (%d bytes) cannot be written: %v", len(a.Members), len(mustJSON(a)), err)
			}
			if got, err := b.Get(context.Background(), a.ID); err != nil || len(got.Members) != len(a.Members) || got.Cut != a.Cut {
				t.Fatalf("read back %d members, cut %d: %v", len(got.Members), got.Cut, err)
			}
		})
	}

	t.Run("LongValues", func(t *testing.T) {
		a := build(func(i int) string { return fmt.Sprintf("x%d@victim.example", i) })
		size := len(mustJSON(a))
		t.Logf("%d members, texts cut to %d bytes: %d bytes", len(a.Members), a.Cut, size)
		if len(a.Members) != MaxMembers || size > maxAccountBytes || a.Cut == 0 {
			t.Fatalf("%d members (want all %d), %d bytes (at most %d), cut %d", len(a.Members), MaxMembers, size, maxAccountBytes, a.Cut)
		}
		for _, m := range a.Members {
			if m.Name == "" || m.Role != Role("部長"+long) || !utf8.ValidString(m.Name+m.Title+m.Company["company"]) || len(m.Title) > a.Cut {
				t.Fatalf("member %+v", m)
			}
		}
		if a.Name == "" || a.Name != a.Members[0].Company["company"] {
			t.Fatalf("account name %q", a.Name)
		}
		// The next refresh of an unchanged member leaves the item alone.
		prev, _ := a.member(person(7, "").ID)
		m := member(person(7, "x7@victim.example"), qualify.Record{}, prev.LastActive, false).cut(a.textBudget())
		if !sameStanding(prev, m, nil) {
			t.Fatalf("an unchanged member would rewrite the account:\n%+v\n%+v", prev, m)
		}
		written(t, a)
	})
	t.Run("EscapedAddresses", func(t *testing.T) {
		a := build(func(i int) string { return fmt.Sprintf("%s%d@victim.example", strings.Repeat("&", 200), i) })
		size := len(mustJSON(a))
		t.Logf("%d members, texts cut to %d bytes: %d bytes", len(a.Members), a.Cut, size)
		if size > maxAccountBytes || len(a.Members) < MaxMembers/3 || a.Members[0].Person != person(MaxMembers-1, "").ID {
			t.Fatalf("%d members, %d bytes (at most %d), most recent %s", len(a.Members), size, maxAccountBytes, a.Members[0].Person)
		}
		written(t, a)
	})
}
