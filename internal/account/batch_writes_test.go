package account_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/account"
	"github.com/baton-hq/baton/internal/rulebook"
	"github.com/baton-hq/baton/internal/scorefeed"
	"github.com/baton-hq/baton/internal/testutil/repo"
)

// TestPlacedStaysPlaced: a person an operator split off stays in the split
// account through their activity on later days: each refresh writes their
// membership as placed, or the next one lets their keys take them back.
func TestPlacedStaysPlaced(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	for i := range 2 {
		w.handle(w.person(fmt.Sprintf("v%d", i), fmt.Sprintf("p%d@maker.example", i), map[string]string{"company": "Maker"}))
	}
	as := w.accounts()
	p0, err := w.dir.ByEmail(ctx, "p0@maker.example")
	if err != nil || len(as) != 1 {
		t.Fatalf("%v %+v", err, as)
	}
	split, err := w.book.Split(ctx, as[0].ID, []string{p0.ID}, "Ops")
	if err != nil {
		t.Fatal(err)
	}
	for d := range 2 {
		w.clk.Advance(26 * time.Hour)
		w.handle(w.person(fmt.Sprintf("v0d%d", d), "p0@maker.example", map[string]string{"company": "Maker"}))
	}
	got, err := w.book.Get(ctx, split.ID)
	if err != nil || len(got.Members) != 1 || got.Members[0].Person != p0.ID || !got.Members[0].Placed || !got.Members[0].LastActive.Equal(w.clk.Now()) {
		t.Fatalf("split account %+v (%v): want p0, placed, active now", got, err)
	}
	if id, placed, _, err := account.MembershipOf(ctx, w.book, p0.ID); err != nil || id != split.ID || !placed {
		t.Fatalf("membership %s placed %v (%v), want %s placed", id, placed, err, split.ID)
	}
}

// TestJoinRacingAnotherLaneKept: a new person of a batch is planned into
// Alpha; before it writes, their company becomes Beta and another lane's
// Refresh puts them there. Alpha did not change, but their membership did:
// the batch's write fails on it, and its retry leaves them in Beta alone
// (written over it, they were in both).
func TestJoinRacingAnotherLaneKept(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	w.handle(w.person("qv", "q@gmail.com", map[string]string{"company": "Alpha"}))
	cs := w.person("pv", "p@gmail.com", map[string]string{"company": "Alpha"})
	if _, err := scorefeed.HandleChanges(ctx, w.q, cs, nil); err != nil {
		t.Fatal(err)
	}
	p, err := w.dir.ByEmail(ctx, "p@gmail.com")
	if err != nil {
		t.Fatal(err)
	}
	h := movedMeanwhile(t, w, p.ID, "Beta")
	if n, err := bookOn(w, h).HandleChanges(ctx, cs); err != nil || n != len(cs) {
		t.Fatalf("handled %d of %d: %v", n, len(cs), err)
	}
	var in []string
	for _, a := range w.accounts() {
		for _, m := range a.Members {
			if m.Person == p.ID {
				in = append(in, a.Name)
			}
		}
	}
	if len(in) != 1 || in[0] != "Beta" {
		t.Fatalf("p in %v, want Beta alone", in)
	}
}

// TestNoKeyLeftNoMembership: a person whose last grouping key goes leaves
// their account, and their membership goes with it.
func TestNoKeyLeftNoMembership(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	w.handle(w.person("v1", "a@gmail.com", map[string]string{"company": "Alpha"}))
	w.handle(w.person("v2", "b@gmail.com", map[string]string{"company": "Alpha"}))
	w.clk.Advance(26 * time.Hour)
	w.handle(w.person("v1b", "a@gmail.com", map[string]string{"company": "---"}))
	a, err := w.dir.ByEmail(ctx, "a@gmail.com")
	if err != nil {
		t.Fatal(err)
	}
	as := w.accounts()
	if len(as) != 1 || len(as[0].Members) != 1 || as[0].Members[0].Email != "b@gmail.com" {
		t.Fatalf("accounts %+v, want Alpha with b alone", as)
	}
	if id, _, had, err := account.MembershipOf(ctx, w.book, a.ID); err != nil || had {
		t.Fatalf("membership of %q (%v), want none", id, err)
	}
}

// TestRescoreWrittenWithinTheDay: a rescore (rules whose points doubled)
// reaches the account the same day as the person's last activity: a page
// view's points within the day need not, a rescore's must.
func TestRescoreWrittenWithinTheDay(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	w.handle(w.person("v1", "a@maker.example", map[string]string{"company": "Maker"}))
	a, err := w.dir.ByEmail(ctx, "a@maker.example")
	if err != nil {
		t.Fatal(err)
	}
	before, err := w.q.Record(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	doubled, err := rulebook.Load(filepath.Join(repo.Root(t), "infra", "rules.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range doubled.Behaviour {
		r.Points *= 2
	}
	w.q.Engine = &rulebook.Engine{R: doubled}
	if err := w.q.RescorePerson(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if err := w.book.Rescored(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	after, err := w.q.Record(ctx, a.ID)
	if err != nil || after.Verdict.Behaviour == before.Verdict.Behaviour {
		t.Fatalf("behaviour %g, was %g (%v): the rescore changed nothing", after.Verdict.Behaviour, before.Verdict.Behaviour, err)
	}
	as := w.accounts()
	if len(as) != 1 || len(as[0].Members) != 1 || as[0].Members[0].Behaviour != after.Verdict.Behaviour {
		t.Fatalf("accounts %+v, want a's behaviour %g", as, after.Verdict.Behaviour)
	}
}

// TestMergedMembershipRewritten: after an operator's merge, a person of
// the account merged away has a page view the same day: their membership,
// naming that account, is rewritten to name the one they are in now (as
// Merge says their next refresh does), though their entry in it need not
// be.
func TestMergedMembershipRewritten(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	w.handle(w.person("av", "a@gmail.com", map[string]string{"company": "Alpha"}))
	w.handle(w.person("bv", "b@gmail.com", map[string]string{"company": "Beta"}))
	ids := map[string]string{}
	for _, a := range w.accounts() {
		ids[a.Name] = a.ID
	}
	if _, err := w.book.Merge(ctx, ids["Beta"], ids["Alpha"]); err != nil {
		t.Fatal(err)
	}
	w.clk.Advance(time.Minute)
	w.handle(w.person("av2", "a@gmail.com", map[string]string{"company": "Alpha"}))
	a, err := w.dir.ByEmail(ctx, "a@gmail.com")
	if err != nil {
		t.Fatal(err)
	}
	if id, _, _, err := account.MembershipOf(ctx, w.book, a.ID); err != nil || id != ids["Beta"] {
		t.Fatalf("a's membership names %s (%v), want Beta %s (merged into from Alpha %s)", id, err, ids["Beta"], ids["Alpha"])
	}
	if as := w.accounts(); len(as) != 1 || len(as[0].Members) != 2 {
		t.Fatalf("accounts %+v, want Beta with a and b", as)
	}
}
