package account_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/account"
	"github.com/baton-hq/baton/internal/table"
)

// TestCompanyNamesAtOneDomainBounded: each distinct company name the people
// of one domain gave was claimed as a grouping key of its account, without
// bound: a form spammer (or a messy import) writing 300 long names at one
// company's domain grew the account item past 300 KB with keys alone
// (members are cut to fit, keys were not), towards DynamoDB's 400 KB, where
// every feed batch touching the company would fail. Now the account claims
// at most account.MaxNameKeys names (and account.MaxDomainKeys domains): past
// that, its people still join it by their domain, their names are not
// claimed, and the account says since when (KeysFull).
func TestCompanyNamesAtOneDomainBounded(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	const people = 300
	// Told apart within the 200 bytes a member entry keeps: names alike
	// there are one company's votes, and the names after the first were
	// outvoted, never claimed (ownsName).
	name := func(i int) string { return fmt.Sprintf("Junk %d %s Ltd.", i, strings.Repeat("x", 1000)) }
	for i := range people {
		w.clk.Advance(time.Second)
		w.handle(w.person(fmt.Sprintf("v%d", i), fmt.Sprintf("p%d@victim.example", i), map[string]string{"company": name(i), "title": "担当"}))
	}
	as := w.accounts()
	if len(as) != 1 || len(as[0].Members) != people {
		t.Fatalf("%d accounts, the first of %d members", len(as), len(as[0].Members))
	}
	a := as[0]
	it, err := w.tb.Get(ctx, "ACCTS", a.ID)
	if err != nil {
		t.Fatal(err)
	}
	names := 0
	for _, k := range a.Keys {
		if strings.HasPrefix(k, "n:") {
			names++
		}
	}
	t.Logf("%d keys (%d names), item %d bytes", len(a.Keys), names, len(it.Data))
	if len(it.Data) > 300<<10 || names != account.MaxNameKeys || a.Keys[0] != "d:victim.example" || a.KeysFull.IsZero() {
		t.Fatalf("%d keys (%d names, at most %d), item %d bytes (at most 300 KB), keys full since %v", len(a.Keys), names, account.MaxNameKeys, len(it.Data), a.KeysFull)
	}
	// A name refused is claimed by no account: nothing to clean up, and a
	// person of another domain giving it founds their own.
	last := name(people - 1)
	if _, err := w.tb.Get(ctx, "ACCTKEY#n:"+account.CompanyKey(last), "KEY"); err != table.ErrNotFound {
		t.Fatalf("a refused name's key item: %v", err)
	}
	w.handle(w.person("v-other", "someone@elsewhere.example", map[string]string{"company": last}))
	if as := w.accounts(); len(as) != 2 {
		t.Fatalf("%d accounts", len(as))
	}
}
