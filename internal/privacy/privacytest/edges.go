package privacytest

import (
	"context"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/table/tabletest"
)

// EdgesSuite returns erasures of people whose data sits where their
// browsers and membership no longer lead: an MQA of an account they have
// left, and a form from a browser not linked to them because they had the
// most browsers a person may have.
func EdgesSuite() tabletest.Suite { return tabletest.Suite{Name: "erasure-edges", Run: runEdges} }

func runEdges(t *testing.T, newTable tabletest.Factory) {
	t.Run("mqa-of-an-account-left", func(t *testing.T) { accountLeft(t, newTable) })
	t.Run("form-past-max-browsers", func(t *testing.T) { pastMaxBrowsers(t, newTable) })
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
