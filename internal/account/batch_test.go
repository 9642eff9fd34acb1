package account_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/account"
	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/scorefeed"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/dynamotable"
	"github.com/baton-hq/baton/internal/testutil/moto"
)

// TestLanesOfOneCompanyAsOneByOne: a batch naming many people of one
// company (more than one transaction's worth), handed to accounts in eight
// lanes at once as the local feed does, leaves the account as refreshing
// each person alone in turn does (Refresh): the same members with the same
// standing, keys, name, attributes, roles, score and MQAs; and handled
// again it changes nothing.
func TestLanesOfOneCompanyAsOneByOne(t *testing.T) {
	lanesOfOneCompany(t, 90, newWorld(t), newWorld(t))
}

// TestLanesOfOneCompanyAsOneByOneDynamo is TestLanesOfOneCompanyAsOneByOne
// on DynamoDB (moto): its transactions' rules, not the embedded store's.
func TestLanesOfOneCompanyAsOneByOneDynamo(t *testing.T) {
	onMoto := func() *world {
		clk := clock.NewManual(t0)
		return newWorldOn(t, moto.NewTable(t, dynamotable.WithClock(clk.Now)), clk)
	}
	lanesOfOneCompany(t, 60, onMoto(), onMoto()) // two transactions' worth, fewer for time
}

func lanesOfOneCompany(t *testing.T, people int, lanesW, aloneW *world) {
	const lanes = 8
	titles := []string{"CTO", "Marketing Manager", "Engineer", "営業部長", "担当"}
	ctx := context.Background()
	var parts [lanes][]table.Change
	var all, aloneAll []table.Change
	var emails []string
	active := map[string]time.Time{}
	for i := range people {
		attrs := map[string]string{"company": "Maker KK", "title": titles[i%len(titles)], "name": fmt.Sprintf("P %d", i)}
		vid, email := fmt.Sprintf("v%d", i), fmt.Sprintf("p%d@maker.example", i)
		cs := lanesW.person(vid, email, attrs)
		parts[i%lanes] = append(parts[i%lanes], cs...)
		all = append(all, cs...)
		aloneAll = append(aloneAll, aloneW.person(vid, email, attrs)...)
		active[email] = aloneW.clk.Now()
		emails = append(emails, email)
		lanesW.clk.Advance(time.Minute)
		aloneW.clk.Advance(time.Minute)
	}
	for _, w := range []struct {
		w  *world
		cs []table.Change
	}{{lanesW, all}, {aloneW, aloneAll}} {
		if _, err := scorefeed.HandleChanges(ctx, w.w.q, w.cs, nil); err != nil {
			t.Fatal(err)
		}
	}
	for _, email := range emails {
		p, err := aloneW.dir.ByEmail(ctx, email)
		if err != nil {
			t.Fatal(err)
		}
		if err := aloneW.book.Refresh(ctx, p.ID, active[email]); err != nil {
			t.Fatal(err)
		}
	}
	inLanes := func() {
		var wg sync.WaitGroup
		for _, part := range parts {
			wg.Go(func() {
				if n, err := lanesW.book.HandleChanges(ctx, part); err != nil || n != len(part) {
					t.Errorf("a lane handled %d of %d: %v", n, len(part), err)
				}
			})
		}
		wg.Wait()
	}
	inLanes()
	want := aloneW.accounts()
	if len(want) != 1 || len(want[0].Members) != people {
		t.Fatalf("one by one: %d accounts", len(want))
	}
	check := func(when string) {
		got := lanesW.accounts()
		if len(got) != 1 {
			t.Fatalf("%s: %d accounts", when, len(got))
		}
		g, w := got[0], want[0]
		if g.ID != w.ID || g.Name != w.Name || !slices.Equal(sorted(g.Keys), sorted(w.Keys)) || !maps.Equal(g.Attributes, w.Attributes) ||
			!maps.Equal(g.Roles, w.Roles) || g.Score != w.Score || g.Fit != w.Fit || len(g.MQAs) != len(w.MQAs) || !g.LastActive.Equal(w.LastActive) {
			t.Fatalf("%s: the account\n%+v\nwant (one by one)\n%+v", when, summary(g), summary(w))
		}
		byEmail := map[string]account.Member{}
		for _, m := range w.Members {
			byEmail[m.Email] = m
		}
		for _, m := range g.Members {
			x, ok := byEmail[m.Email]
			if !ok || m.Name != x.Name || m.Title != x.Title || m.Role != x.Role || m.Behaviour != x.Behaviour || m.Fit != x.Fit ||
				m.Grade != x.Grade || m.Stage != x.Stage || !m.LastActive.Equal(x.LastActive) || !maps.Equal(m.Company, x.Company) {
				t.Fatalf("%s: member %+v, one by one %+v", when, m, x)
			}
			if !m.LastActive.Equal(active[m.Email]) {
				t.Fatalf("%s: %s last active %v, their page view was at %v", when, m.Email, m.LastActive, active[m.Email])
			}
			delete(byEmail, m.Email)
		}
		if len(byEmail) > 0 {
			t.Fatalf("%s: %d members missing", when, len(byEmail))
		}
	}
	check("in lanes")
	inLanes()
	check("handled again")
}

func sorted(s []string) []string { return slices.Sorted(slices.Values(s)) }

func summary(a account.Account) string {
	return fmt.Sprintf("id %s name %q keys %v attrs %v roles %v score %g fit %g mqas %d last %v members %d",
		a.ID, a.Name, a.Keys, a.Attributes, a.Roles, a.Score, a.Fit, len(a.MQAs), a.LastActive, len(a.Members))
}
