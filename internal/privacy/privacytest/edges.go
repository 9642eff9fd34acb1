package privacytest

import (
	"context"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/account"
	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/tabletest"
)

// EdgesSuite returns erasures of people whose data sits where their
// browsers and membership no longer lead: an MQA of an account they have
// left, a form from a browser not linked to them because they had the
// most browsers a person may have, and a company's account that counted
// their browsers' anonymous visits (and a change of one the feed brings
// after the erasure).
func EdgesSuite() tabletest.Suite { return tabletest.Suite{Name: "erasure-edges", Run: runEdges} }

func runEdges(t *testing.T, newTable tabletest.Factory) {
	t.Run("mqa-of-an-account-left", func(t *testing.T) { accountLeft(t, newTable) })
	t.Run("form-past-max-browsers", func(t *testing.T) { pastMaxBrowsers(t, newTable) })
	t.Run("account-visits", func(t *testing.T) { accountVisits(t, newTable) })
}

// accountLeft: a person named in an MQA leaves the account (their backend
// moves them to a free-mail address and they gave no company: no grouping
// key, no membership). The MQA keeps who was active then; erasing them
// must still take them out of it.
func accountLeft(t *testing.T, newTable tabletest.Factory) {
	ctx := context.Background()
	clk := clock.NewManual(T0)
	tb := newTable(t, clk.Now)
	f := assemble(t, tb, clk)
	a := f.App
	seg := map[string]string{"Content-Type": "application/json", "Authorization": "Basic " + base64.StdEncoding.EncodeToString([]byte("privacytest-write-key-0123456789:"))}
	if w := f.Do(t, "POST", "/v1/identify", `{"userId":"vera-user-1","traits":{"email":"vera.victim@maker.example","name":"Vera Victimova","title":"購買部長"}}`, seg); w.Code != 200 {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	f.send(t, "colin-laptop-11", form("c1", "https://www.example.com/contact", map[string]string{"email": "colin@maker.example", "name": "Colin", "title": "営業部長"}))
	v, err := a.People.ByEmail(ctx, "vera.victim@maker.example")
	if err != nil {
		t.Fatal(err)
	}
	c, err := a.People.ByEmail(ctx, "colin@maker.example")
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{v.ID, c.ID} {
		f.score(t, id)
		if err := a.Accounts.Refresh(ctx, id, clk.Now()); err != nil {
			t.Fatal(err)
		}
	}
	if as, err := a.Accounts.List(ctx, "score", 0); err != nil || len(as) != 1 || len(as[0].MQAs) != 1 {
		t.Fatalf("want one account with one MQA: %+v %v", as, err)
	}
	if w := f.Do(t, "POST", "/v1/identify", `{"userId":"vera-user-1","traits":{"email":"vera.private@gmail.com"}}`, seg); w.Code != 200 {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	if err := a.Accounts.Refresh(ctx, v.ID, clk.Now()); err != nil {
		t.Fatal(err)
	}
	secrets := []string{"vera.victim@maker.example", "Vera Victimova", "vera.private@gmail.com"}
	if found := Leftovers(t, tb, secrets); len(found["vera.victim@maker.example"]) == 0 || !strings.Contains(fmt.Sprint(found["Vera Victimova"]), "MQA#") {
		t.Fatalf("before the erasure the MQA does not name them (%v): the test would prove nothing", found)
	}
	if as, _ := a.Accounts.List(ctx, "score", 0); len(as) != 1 || len(as[0].Members) != 1 {
		t.Fatalf("they did not leave the account: %+v", as)
	}
	if w := f.Admin(t, "DELETE", "/admin/people/"+v.ID, ""); w.Code != 200 {
		t.Fatalf("erase: %d %s", w.Code, w.Body)
	}
	for s, where := range AfterErasure(t, tb, secrets) {
		t.Errorf("after the erasure the store still holds %q in %v", s, where)
	}
	if as, _ := a.Accounts.List(ctx, "score", 0); len(as) != 1 || len(as[0].MQAs) != 1 {
		t.Errorf("the account or its MQA went with them: %+v", as)
	}
}

// pastMaxBrowsers: a person's form from a browser past identity.MaxBrowsers
// is stored unlinked (their attributes taken); their erasure must find it.
func pastMaxBrowsers(t *testing.T, newTable tabletest.Factory) {
	ctx := context.Background()
	clk := clock.NewManual(T0)
	tb := newTable(t, clk.Now)
	f := assemble(t, tb, clk)
	a := f.App
	for i := range identity.MaxBrowsers {
		f.send(t, fmt.Sprintf("fiona-browser-%03d", i), form(fmt.Sprintf("n%03d", i), "https://www.example.com/newsletter", map[string]string{"email": "fiona@maker.example"}))
	}
	f.send(t, "fiona-browser-extra", form("x1", "https://www.example.com/contact", map[string]string{
		"email": "fiona@maker.example", "name": "Fiona Victimova", "phone": "+81-3-5555-0177"}))
	p, err := a.People.ByEmail(ctx, "fiona@maker.example")
	if err != nil {
		t.Fatal(err)
	}
	if l, _ := a.People.GetLink(ctx, "fiona-browser-extra"); len(l.History) != 0 {
		t.Fatalf("the browser past the bound was linked (%+v): the test would prove nothing", l)
	}
	if p.Attributes["phone"] == "" {
		t.Fatalf("the form past the bound did not give its attributes (%+v): the test would prove nothing", p.Attributes)
	}
	if w := f.Admin(t, "DELETE", "/admin/people/"+p.ID, ""); w.Code != 200 {
		t.Fatalf("erase: %d %s", w.Code, w.Body)
	}
	for s, where := range AfterErasure(t, tb, []string{"fiona@maker.example", "Fiona Victimova", "5555-0177"}) {
		t.Errorf("after the erasure the store still holds %q in %v", s, where)
	}
}

// accountVisits: before a person was known, their laptop's page view from
// the network of a company with an account (Maker) counted as its
// anonymous visit, as did a stranger's; their phone's page view was
// written but its change not yet handed to the accounts (a late DynamoDB
// Streams record, a batch a lane holds). They identify on both browsers
// and are erased. The account keeps no trace of their browsers (an open
// visit, an event id) and its count stays; the late change of the phone's
// erased page view counts no visit and names the phone nowhere; the
// stranger's visit is untouched; the laptop's next page view, after the
// erasure, is an anonymous visit again.
func accountVisits(t *testing.T, newTable tabletest.Factory) {
	ctx := context.Background()
	clk := clock.NewManual(T0)
	tb := newTable(t, clk.Now)
	f := assemble(t, tb, clk)
	a := f.App
	feed := a.Changes(nil) // what the score function and the local feed run
	f.send(t, "colin-laptop-21", form("c21", "https://www.example.com/contact", map[string]string{"email": "colin@maker.example", "name": "Colin", "company": "Maker", "title": "営業部長"}))
	colin, err := a.People.ByEmail(ctx, "colin@maker.example")
	if err != nil {
		t.Fatal(err)
	}
	f.score(t, colin.ID)
	if err := a.Accounts.Refresh(ctx, colin.ID, clk.Now()); err != nil {
		t.Fatal(err)
	}
	// view stores a page view of browser from Maker's network (as GeoIP's
	// ASN organisation names it) and returns its change.
	view := func(browser, id string) table.Change {
		t.Helper()
		ev := event.Event{ID: id, Type: event.PageView, VisitorID: browser, URL: "https://www.example.com/pricing",
			Timestamp: clk.Now(), ReceivedAt: clk.Now(), Enrichment: event.Enrichment{Org: "Maker"}}
		if _, err := a.Events.Append(ctx, []event.Event{ev}); err != nil {
			t.Fatal(err)
		}
		it, err := tb.Get(ctx, eventlog.VisitorPK(browser), "E#"+id)
		if err != nil {
			t.Fatal(err)
		}
		clk.Advance(time.Minute)
		return table.Change{Op: table.OpInsert, Item: it}
	}
	handle := func(cs ...table.Change) {
		t.Helper()
		if n, err := feed(ctx, cs); err != nil || n != len(cs) {
			t.Fatalf("the feed handled %d of %d: %v", n, len(cs), err)
		}
	}
	maker := func() account.Account {
		t.Helper()
		as, err := a.Accounts.List(ctx, account.ByScore, 0)
		if err != nil || len(as) != 1 {
			t.Fatalf("accounts %+v %v", as, err)
		}
		return as[0]
	}
	strangerAt := clk.Now()
	handle(view("stranger-desk-41", "stranger-s41"))
	handle(view("vera-laptop-31", "vera-v31"))
	late := view("vera-phone-32", "vera-p32")
	before := maker()
	if before.Visits.Count != 2 || len(before.Visits.Open) != 2 || !slices.Contains(before.Visits.Recent, "vera-v31") {
		t.Fatalf("before the erasure the account's visits are %+v: the test would prove nothing", before.Visits)
	}
	f.send(t, "vera-laptop-31", form("vera-f1", "https://www.example.com/newsletter", map[string]string{"email": "vera.visitor@gmail.com", "name": "Vera Visitor"}))
	f.send(t, "vera-phone-32", form("vera-f2", "https://www.example.com/newsletter", map[string]string{"email": "vera.visitor@gmail.com"}))
	vera, err := a.People.ByEmail(ctx, "vera.visitor@gmail.com")
	if err != nil {
		t.Fatal(err)
	}
	if vs, err := a.People.Visitors(ctx, vera.ID); err != nil || len(vs) != 2 {
		t.Fatalf("Vera's browsers %v %v: the test would prove nothing", vs, err)
	}
	w := f.Admin(t, "DELETE", "/admin/people/"+vera.ID, "")
	if w.Code != 200 {
		t.Fatalf("erase: %d %s", w.Code, w.Body)
	}
	// strangerOnly: the account's open visits and recent events are the
	// stranger's alone, and its count is n.
	strangerOnly := func(when string, n int) {
		t.Helper()
		v := maker().Visits
		if v.Count != n || len(v.Open) != 1 || !v.Open[0].First.Equal(strangerAt) || !slices.Equal(v.Recent, []string{"stranger-s41"}) {
			t.Errorf("%s the account's visits are %+v, want %d visits, the stranger's open visit (from %v) and event alone", when, v, n, strangerAt)
		}
	}
	strangerOnly("after the erasure", 2) // the count is an aggregate: it stays
	clk.Advance(time.Minute)
	handle(late)
	strangerOnly("after the late change of an erased page view", 2)
	secrets := []string{"vera.visitor@gmail.com", "Vera Visitor", "vera-laptop-31", "vera-phone-32", "vera-v31", "vera-p32"}
	for s, where := range AfterErasure(t, tb, secrets) {
		t.Errorf("after the erasure the store still holds %q in %v", s, where)
	}
	// The laptop keeps its cookie: a page view after the erasure is an
	// anonymous visit like any other.
	handle(view("vera-laptop-31", "vera-v33"))
	if v := maker().Visits; v.Count != 3 || len(v.Open) != 2 {
		t.Errorf("a page view after the erasure: visits %+v, want a third", v)
	}
}
