package privacytest

import (
	"context"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/table/tabletest"
)

// ConsentSuite returns the withdrawal suite: a person who opts out on one
// browser (POST /optout) is recorded no further on their others. The tag's
// POST /e reads nothing before it stores, so their phone's page views are
// stored; scoring, which knows whose they are, deletes them uncounted and
// raises no MQL, an MQL queued before the withdrawal is not handed to the
// SFA, and a form from a browser of theirs lifts the withdrawal, after
// which a rescore and the live score agree. Each step is measured against
// a control person with the same story and no opt-out.
func ConsentSuite() tabletest.Suite { return tabletest.Suite{Name: "consent", Run: runConsent} }

func runConsent(t *testing.T, newTable tabletest.Factory) {
	ctx := context.Background()
	clk := clock.NewManual(T0)
	tb := newTable(t, clk.Now)
	f := assemble(t, tb, clk)
	a := f.App

	// Each person: a contact form on their laptop (a buyer's manager at a
	// mid-sized company: fit), the newsletter on their phone, not yet an
	// MQL. Then the phone reads pricing and downloads: that qualifies.
	start := func(name string) string {
		f.send(t, name+"-laptop", form(name+"-l1", "https://www.example.com/contact", map[string]string{
			"email": name + "@maker.example", "name": name, "title": "購買課長", "employees": "250-999"}))
		f.send(t, name+"-phone", strings.Replace(form(name+"-p1", "https://www.example.com/newsletter", map[string]string{"email": name + "@maker.example"}), `"contact"`, `"newsletter"`, 1))
		p, err := a.People.ByEmail(ctx, name+"@maker.example")
		if err != nil {
			t.Fatal(err)
		}
		f.score(t, p.ID)
		if ms, _ := a.Qualifier.MQLs(ctx, p.ID); len(ms) != 0 {
			t.Fatalf("%s is an MQL before the phone's browsing: the test would prove nothing", name)
		}
		return p.ID
	}
	browse := func(name, person string) {
		f.send(t, name+"-phone", page(name+"-p2", "https://www.example.com/pricing?after-optout-"+name))
		f.send(t, name+"-phone", download(name+"-p3"))
		// A bot on the phone's cookie (a script replaying it, a headless
		// preview): stored flagged, never scored; after the withdrawal it
		// is recorded no more than the rest.
		if w := f.Do(t, "POST", "/e", page(name+"-p3b", "https://www.example.com/pricing?bot-after-optout-"+name), map[string]string{"Cookie": name + "-phone", "Content-Type": "text/plain",
			"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36"}); w.Code != 204 {
			t.Fatalf("POST /e from a bot on %s's phone: %d %s", name, w.Code, w.Body)
		}
		// What the change feed does with them: a run of events.
		evs, err := a.Events.Visitor(ctx, name+"-phone")
		if err != nil {
			t.Fatal(err)
		}
		if err := a.Qualifier.Process(ctx, evs); err != nil {
			t.Fatal(err)
		}
	}
	optout := func(name string) {
		if w := f.Do(t, "POST", "/optout", "", map[string]string{"Cookie": name + "-laptop"}); w.Code != 204 {
			t.Fatalf("opt-out of %s: %d %s", name, w.Code, w.Body)
		}
	}
	behaviour := func(person string) float64 {
		rec, err := a.Qualifier.Record(ctx, person)
		if err != nil {
			t.Fatal(err)
		}
		return rec.Verdict.Behaviour
	}

	cora, wanda := start("cora"), start("wanda")
	before := behaviour(wanda)
	optout("wanda")
	if p, _ := a.People.Get(ctx, wanda); p.ConsentWithdrawn.IsZero() {
		t.Fatal("the opt-out did not mark the person")
	}
	browse("cora", cora)
	browse("wanda", wanda)
	if ms, _ := a.Qualifier.MQLs(ctx, cora); len(ms) != 1 {
		t.Fatalf("the control is not an MQL (%d): the test would prove nothing", len(ms))
	}
	if ms, _ := a.Qualifier.MQLs(ctx, wanda); len(ms) != 0 {
		t.Errorf("a person who withdrew consent was raised an MQL from their other browser: %+v", ms[0])
	}
	if got := behaviour(wanda); got != before {
		t.Errorf("their behaviour score moved after the withdrawal: %v, was %v", got, before)
	}
	if where := Leftovers(t, tb, []string{"after-optout-wanda"})["after-optout-wanda"]; len(where) != 0 {
		t.Errorf("their phone's page view after the withdrawal is still stored: %v", where)
	}
	if where := Leftovers(t, tb, []string{"after-optout-cora"})["after-optout-cora"]; len(where) == 0 {
		t.Error("the control's page view is not stored: the check above proves nothing")
	}
	if where := Leftovers(t, tb, []string{"bot-after-optout-wanda"})["bot-after-optout-wanda"]; len(where) != 0 {
		t.Errorf("a bot's page view on their phone after the withdrawal is still stored: %v", where)
	}
	if where := Leftovers(t, tb, []string{"bot-after-optout-cora"})["bot-after-optout-cora"]; len(where) == 0 {
		t.Error("the control's bot page view is not stored: the check above proves nothing")
	}
	// A rescore (rules changed) replays the same: no MQL either.
	if err := a.Qualifier.RescorePerson(ctx, wanda); err != nil {
		t.Fatal(err)
	}
	if ms, _ := a.Qualifier.MQLs(ctx, wanda); len(ms) != 0 {
		t.Errorf("a rescore raised an MQL for a person who withdrew consent: %+v", ms[0])
	}

	// Uma qualifies and her MQL is queued; she opts out before delivery.
	uma := start("uma")
	browse("uma", uma)
	ms, err := a.Qualifier.MQLs(ctx, uma)
	if err != nil || len(ms) != 1 {
		t.Fatalf("uma's MQLs: %d %v", len(ms), err)
	}
	pushed := f.SFA.Pushed()
	for _, m := range []qualify.MQL{ms[0]} {
		if err := a.RelayToQueue(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	f.relayed[ms[0].ID] = true
	optout("uma")
	f.relayAndDeliver(t) // and cora's
	if got := f.SFA.Pushed() - pushed; got != 1 {
		t.Errorf("the SFA took %d leads, want the control's alone", got)
	}
	dead, err := a.Push.Dead(ctx)
	if err != nil || len(dead) != 1 || dead[0].ID != ms[0].ID || !strings.Contains(dead[0].LastError, "withdrew consent") {
		t.Errorf("dead letters %+v %v, want uma's MQL, saying she withdrew consent", dead, err)
	}

	// Wanda sends a form from her phone: her newer choice. What she does
	// next counts, and a rescore agrees with the live score.
	f.send(t, "wanda-phone", form("wanda-p4", "https://www.example.com/contact", map[string]string{"email": "wanda@maker.example"}))
	if p, _ := a.People.Get(ctx, wanda); !p.ConsentWithdrawn.IsZero() {
		t.Fatal("a form from their own browser did not lift the withdrawal")
	}
	f.send(t, "wanda-phone", page("wanda-p5", "https://www.example.com/pricing"))
	f.send(t, "wanda-phone", download("wanda-p6"))
	f.score(t, wanda)
	live := behaviour(wanda)
	if live <= before {
		t.Errorf("what they did after consenting again did not count: %v, was %v", live, before)
	}
	if err := a.Qualifier.RescorePerson(ctx, wanda); err != nil {
		t.Fatal(err)
	}
	if got := behaviour(wanda); got != live {
		t.Errorf("a rescore gives %v, the live score %v", got, live)
	}
}
