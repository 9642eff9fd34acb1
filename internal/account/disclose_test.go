package account_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/account"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/rulebook"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/tablecount"
	"github.com/baton-hq/baton/internal/testutil/repo"
)

// disclosed is a person in an account with a colleague: the CEO gave a
// company name nobody else did (a grouping key of their own), the
// colleague's activity raised an MQA naming both, and the CEO's browser
// and a stranger's were counted among the account's anonymous visits.
func disclosed(t *testing.T) (w *world, ceo, dev privacy.Subject, acct string) {
	w = newWorld(t)
	ctx := context.Background()
	w.handle(w.person("v1", "ceo@maker.example", map[string]string{"company": "Maker Tokyo", "title": "代表取締役"}))
	w.clk.Advance(time.Hour)
	w.handle(w.person("v2", "dev@maker.example", map[string]string{"company": "Maker", "title": "エンジニア"}))
	as := w.accounts()
	if len(as) != 1 || len(as[0].Members) != 2 {
		t.Fatalf("accounts %+v", as)
	}
	acct = as[0].ID
	if ms, err := w.book.MQAs(ctx, acct); err != nil || len(ms) != 1 || len(ms[0].People) != 2 {
		t.Fatalf("MQAs %+v %v", ms, err)
	}
	anon := event.Event{ID: "v1-anon", Type: event.PageView, VisitorID: "v1", URL: "https://www.example.com/",
		Timestamp: w.clk.Now(), ReceivedAt: w.clk.Now(), Enrichment: event.Enrichment{Org: "Maker"}}
	if _, err := w.log.Append(ctx, []event.Event{anon}); err != nil {
		t.Fatal(err)
	}
	if err := w.book.AttributeVisits(ctx, "Maker", []account.VisitEvent{
		{ID: anon.ID, Browser: "v1", At: anon.Timestamp}, {ID: "v9-anon", Browser: "v9", At: anon.Timestamp},
	}); err != nil {
		t.Fatal(err)
	}
	if v := w.accounts()[0].Visits; v.Count != 2 {
		t.Fatalf("visits %+v", v)
	}
	people := &identity.Stitcher{Dir: w.dir, Log: w.log}
	for _, x := range []struct {
		email string
		s     *privacy.Subject
	}{{"ceo@maker.example", &ceo}, {"dev@maker.example", &dev}} {
		p, err := w.dir.ByEmail(ctx, x.email)
		if err != nil {
			t.Fatal(err)
		}
		if *x.s, err = people.Subject(ctx, p.ID); err != nil {
			t.Fatal(err)
		}
	}
	return w, ceo, dev, acct
}

// discloseThenForget discloses s, forgets s, and checks the disclosure
// counts what the erasure removed, kind for kind; it returns the
// disclosure as text and what was removed.
func discloseThenForget(t *testing.T, w *world, s privacy.Subject) (string, privacy.Removed) {
	t.Helper()
	ctx := context.Background()
	d, err := w.book.Disclose(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	removed, err := w.book.Forget(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if got := d.Counts(); !maps.Equal(got, removed) {
		t.Errorf("disclosed %v, Forget removed %v", got, removed)
	}
	text, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	return string(text), removed
}

// TestDiscloseIsWhatForgetRemoves: a person's disclosure shows, kind for
// kind and count for count, what Forget then removes or rewrites: their
// entry in the account, the key only they gave, their entry in the MQA,
// their browser's visit and event, their membership; never the
// colleague's or the stranger's.
func TestDiscloseIsWhatForgetRemoves(t *testing.T) {
	w, ceo, _, acct := disclosed(t)
	text, removed := discloseThenForget(t, w, ceo)
	want := privacy.Removed{"account": 1, "accountkey": 1, "mqa": 1, "accountmember": 1, "accountvisit": 2}
	if !maps.Equal(removed, want) {
		t.Fatalf("Forget removed %v, want %v: the scene is not what the test means", removed, want)
	}
	for _, s := range []string{`"key":"n:makertokyo"`, `"browser":"v1"`, `"event":"v1-anon"`, `"account":"` + acct + `"`, `"email":"ceo@maker.example"`, `"title":"代表取締役"`} {
		if !strings.Contains(text, s) {
			t.Errorf("the disclosure lacks %s: %s", s, text)
		}
	}
	var d privacy.Disclosure
	if err := json.Unmarshal([]byte(text), &d); err != nil {
		t.Fatal(err)
	}
	if len(d["mqa"]) != 1 || !strings.Contains(string(d["mqa"][0]), "ceo@maker.example") {
		t.Errorf("the MQA entry does not show the person in it: %s", d["mqa"])
	}
	for _, s := range []string{"dev@maker.example", "v9", "d:maker.example", `"key":"n:maker"`} {
		if strings.Contains(text, s) {
			t.Errorf("the disclosure shows %s, which is not the person's (nor erased with them): %s", s, text)
		}
	}
}

// TestDiscloseTheAccountThatGoes: a person left alone in their account
// (the colleague split out after the MQA named both) takes the account,
// all its keys and its MQA with them; the disclosure counts them all, and
// shows the MQA without the former colleague's entry.
func TestDiscloseTheAccountThatGoes(t *testing.T) {
	w, ceo, dev, acct := disclosed(t)
	if _, err := w.book.Split(context.Background(), acct, []string{dev.Person}, ""); err != nil {
		t.Fatal(err)
	}
	text, removed := discloseThenForget(t, w, ceo)
	want := privacy.Removed{"account": 1, "accountkey": 3, "mqa": 1, "accountmember": 1, "accountvisit": 2}
	if !maps.Equal(removed, want) {
		t.Fatalf("Forget removed %v, want %v: the scene is not what the test means", removed, want)
	}
	for _, s := range []string{`"deleted":true`, `"key":"d:maker.example"`, `"email":"ceo@maker.example"`} {
		if !strings.Contains(text, s) {
			t.Errorf("the disclosure lacks %s: %s", s, text)
		}
	}
	if strings.Contains(text, "dev@maker.example") {
		t.Errorf("the disclosure shows the former colleague: %s", text)
	}
	// The colleague, erased afterwards: the split put them in an account
	// of their own, which goes with them.
	if _, removed := discloseThenForget(t, w, dev); removed["account"] != 1 || removed["accountmember"] != 1 {
		t.Errorf("the colleague's erasure removed %v", removed)
	}
}

// TestDiscloseWritesNothing: a disclosure leaves the store as it was,
// item for item, version for version.
func TestDiscloseWritesNothing(t *testing.T) {
	w, ceo, dev, _ := disclosed(t)
	ctx := context.Background()
	dump := func() map[string]table.Item {
		out := map[string]table.Item{}
		if err := w.tb.Scan(ctx, "", func(it table.Item) error {
			out[it.PK+"\x00"+it.SK] = it
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return out
	}
	before := dump()
	for _, s := range []privacy.Subject{ceo, dev} {
		if d, err := w.book.Disclose(ctx, s); err != nil || len(d) == 0 {
			t.Fatalf("disclosed %v: %v", d, err)
		}
	}
	after := dump()
	if len(after) != len(before) {
		t.Fatalf("%d items before the disclosure, %d after", len(before), len(after))
	}
	for k, it := range before {
		got, ok := after[k]
		if !ok || got.Version != it.Version || string(got.Data) != string(it.Data) || !got.Expires.Equal(it.Expires) {
			t.Errorf("item %q changed: %+v, then %+v", k, it, got)
		}
	}
}

// TestDiscloseAfterAMerge: the person's membership still names the account
// merged away; the disclosure follows it as Forget does, to their entry in
// the account that took them and the MQA raised there.
func TestDiscloseAfterAMerge(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	w.handle(w.person("v0", "buyer@other.example", map[string]string{"company": "Other"}))
	w.handle(w.person("v1", "ceo@maker.example", map[string]string{"company": "株式会社メーカー", "title": "代表取締役"}))
	var into, from string
	for _, a := range w.accounts() {
		if a.Name == "Other" {
			into = a.ID
		} else {
			from = a.ID
		}
	}
	if _, err := w.book.Merge(ctx, into, from); err != nil {
		t.Fatal(err)
	}
	w.clk.Advance(time.Hour)
	w.handle(w.person("v2", "dev@maker.example", map[string]string{"company": "メーカー", "title": "エンジニア"}))
	p, err := w.dir.ByEmail(ctx, "ceo@maker.example")
	if err != nil {
		t.Fatal(err)
	}
	s, err := (&identity.Stitcher{Dir: w.dir, Log: w.log}).Subject(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	text, removed := discloseThenForget(t, w, s)
	if removed["mqa"] != 1 || removed["account"] != 1 || removed["accountmember"] != 1 {
		t.Fatalf("Forget removed %v: the scene is not what the test means", removed)
	}
	for _, x := range []string{`"account":"` + into + `"`, `"account":"` + from + `"`, `"email":"ceo@maker.example"`} {
		if !strings.Contains(text, x) {
			t.Errorf("the disclosure lacks %s: %s", x, text)
		}
	}
	if strings.Contains(text, "dev@maker.example") || strings.Contains(text, "buyer@other.example") {
		t.Errorf("the disclosure shows a colleague: %s", text)
	}
}

// TestErasureAsksOnlyAccountsWithMQAs: finding the MQAs that name a person
// asked every account for its MQAs, one query each: 15,000 accounts took
// an erasure (twice over) and a disclosure past the admin function's time
// on DynamoDB. Only accounts that raised one are asked: the reads do not
// grow with accounts that never did.
func TestErasureAsksOnlyAccountsWithMQAs(t *testing.T) {
	w, ceo, _, _ := disclosed(t)
	rules, err := rulebook.Load(filepath.Join(repo.Root(t), "infra", "rules.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	reads := func() int64 {
		t.Helper()
		ct := tablecount.New(w.tb)
		b := account.NewBook(ct, w.dir, w.log, w.q, rules, w.q.Engine, w.clk.Now)
		if d, err := b.Disclose(context.Background(), ceo); err != nil || len(d["mqa"]) != 1 {
			t.Fatalf("disclose: %v %v", d, err)
		}
		return ct.Counts().Calls
	}
	before := reads()
	for i := range 20 {
		w.handle(w.person(fmt.Sprintf("other-%d", i), fmt.Sprintf("someone@firm-%d.example", i), map[string]string{"company": fmt.Sprintf("Firm %d", i)}))
	}
	if n := len(w.accounts()); n < 21 {
		t.Fatalf("%d accounts", n)
	}
	if after := reads(); after != before {
		t.Errorf("%d reads with 20 more accounts without MQAs, %d before", after, before)
	}
}
