package qualifytest

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/reports"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/tabletest"
)

// touchEv is a visit of type typ tagged with UTM source and medium: a
// touch of the channel they name.
func touchEv(vis, id, typ, source, medium string, at time.Time) event.Event {
	e := ev(vis, id, typ, at)
	e.UTM = event.UTM{Source: source, Medium: medium, Campaign: "c-" + id}
	return e
}

func attribution(t *testing.T, f tabletest.Factory) {
	t.Run("RecycledLeadsSecondMQLIsCredited", func(t *testing.T) { recycledMQLCredited(t, f) })
	t.Run("LongJourneyCreditsItsMiddle", func(t *testing.T) { longJourney(t, f) })
	t.Run("RecycledLeadsSQLAndWinAreCreditedToTheirCycle", func(t *testing.T) { recycledSQLCredited(t, f) })
}

// recycledSQLCredited: a lead sales made an SQL, then lost, is recycled,
// brought back by a newsletter and a social post, qualifies again and is
// won outright. Both SQLs and the win count, each credited to its cycle's
// touches up to it, kept on the stage change as they stood then: the
// first SQL to the search ad, the second and the win to the newsletter
// and the social post; a touch after the win changes no credit. The
// report counted the first SQL alone, and the win to every touch before
// it (the ad its first touch); no journey was kept on the change. The
// won deal's revenue is credited as the win.
func recycledSQLCredited(t *testing.T, f tabletest.Factory) {
	ctx := context.Background()
	x := newFx(t, f)
	p := x.identify(t, "vs", "sqlagain@example.com", t0)
	step := func(at time.Time, evs ...event.Event) { t.Helper(); x.step(t, at, evs...) }
	outcome := func(what, id string, at time.Time) { t.Helper(); x.outcome(t, p.ID, what, id, at) }
	step(t0.Add(3*time.Minute),
		touchEv("vs", "s1", event.PageView, "google", "cpc", t0.Add(time.Minute)),
		ev("vs", "s2", event.Download, t0.Add(2*time.Minute)),
		ev("vs", "s3", event.FormSubmit, t0.Add(3*time.Minute))) // 35: MQL 1
	outcome("sql", "sf-1", t0.Add(time.Hour))
	outcome("lost", "sf-2", t0.Add(2*time.Hour))
	step(t0.Add(4*time.Hour),
		touchEv("vs", "s4", event.PageView, "newsletter", "email", t0.Add(3*time.Hour)),
		ev("vs", "s5", event.Download, t0.Add(4*time.Hour))) // 25
	step(t0.Add(5*time.Hour), touchEv("vs", "s6", event.PageView, "linkedin", "social", t0.Add(5*time.Hour))) // 30: MQL 2
	outcome("won", "sf-3", t0.Add(6*time.Hour))
	step(t0.Add(7*time.Hour), touchEv("vs", "s7", event.PageView, "yahoo", "cpc", t0.Add(7*time.Hour))) // after the win

	hist, err := x.q.History(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	kept := map[string]*qualify.Journey{}
	for _, c := range hist {
		if c.Journey != nil {
			kept[c.To] = c.Journey
		}
	}
	if j := kept[qualify.StageSQL]; len(kept) != 2 || j == nil || j.N != 1 || j.First.Channel != "paid" {
		t.Errorf("journeys kept %+v, want the SQL's (the search ad alone) and the win's", kept)
	}
	if j := kept[qualify.StageCustomer]; j == nil || j.N != 2 || j.First.Channel != "email" || j.Last == nil || j.Last.Channel != "social" {
		t.Errorf("the win's journey %+v, want the newsletter, then the social post", j)
	}
	people, err := qualify.AllFacts(ctx, x.q.T)
	if err != nil {
		t.Fatal(err)
	}
	a := reports.Attribution(people, reports.Filter{})
	want := map[string]map[string]map[string]float64{
		qualify.StageSQL:      {"first": {"paid": 1, "email": 1}, "last": {"paid": 1, "social": 1}, "linear": {"paid": 1, "email": 0.5, "social": 0.5}},
		qualify.StageCustomer: {"first": {"email": 1}, "last": {"social": 1}, "linear": {"email": 0.5, "social": 0.5}},
	}
	for stage, ms := range want {
		for m, w := range ms {
			if fmt.Sprint(a[stage][m]) != fmt.Sprint(w) {
				t.Errorf("%s credit under %s: %v, want %v (each to its cycle's touches up to it)", stage, m, a[stage][m], w)
			}
		}
	}

	// The won deal's amount is credited to the win's journey, as the
	// win is: Revenue credited every touch up to the win, the search ad
	// of the first cycle its first touch.
	amount := 100.0
	if ok, err := x.q.RecordDeal(ctx, p.ID, qualify.DealReport{Amount: &amount, Currency: "JPY", Outcome: "won", At: t0.Add(6 * time.Hour)}); err != nil || !ok {
		t.Fatalf("deal: %v %v", ok, err)
	}
	if people, err = qualify.AllFacts(ctx, x.q.T); err != nil {
		t.Fatal(err)
	}
	rows, _ := reports.Revenue(people, reports.Filter{}, []string{"channel"})
	got := map[string]map[string]float64{}
	for _, r := range rows {
		if r.Kind == reports.Won && r.Currency == "JPY" {
			if got[r.Model] == nil {
				got[r.Model] = map[string]float64{}
			}
			got[r.Model][r.Group] = r.Amount
		}
	}
	for m, w := range map[string]map[string]float64{"first": {"email": 100}, "last": {"social": 100}, "linear": {"email": 50, "social": 50}} {
		if fmt.Sprint(got[m]) != fmt.Sprint(w) {
			t.Errorf("won revenue under %s: %v, want %v (the win's credit)", m, got[m], w)
		}
	}
}

// mqlCredit is the report's MQL attribution of everyone in the store.
func mqlCredit(t *testing.T, x fx) map[string]map[string]float64 {
	t.Helper()
	people, err := qualify.AllFacts(context.Background(), x.q.T)
	if err != nil {
		t.Fatal(err)
	}
	return reports.Attribution(people, reports.Filter{})[qualify.StageMQL]
}

// recycledMQLCredited: a lead sales rejected, recycled, and brought back
// by a newsletter and a social post qualifies again; that MQL is in the
// SLA and quality reports, and in attribution too, credited to the
// touches since the recycle (not the search ad of the first cycle). The
// attribution read the first MQL alone, from the first touches.
func recycledMQLCredited(t *testing.T, f tabletest.Factory) {
	ctx := context.Background()
	x := newFx(t, f)
	p := x.identify(t, "va", "again@example.com", t0)
	step := func(at time.Time, evs ...event.Event) { t.Helper(); x.step(t, at, evs...) }
	step(t0.Add(3*time.Minute),
		touchEv("va", "a1", event.PageView, "google", "cpc", t0.Add(time.Minute)),
		ev("va", "a2", event.Download, t0.Add(2*time.Minute)),
		ev("va", "a3", event.FormSubmit, t0.Add(3*time.Minute))) // 35: MQL 1
	x.clk.Set(t0.Add(time.Hour))
	if res, err := x.q.Outcome(ctx, p.ID, "rejected", "sf-a", "rep@acme", t0.Add(time.Hour)); err != nil || !res.Recycled {
		t.Fatalf("reject: %+v %v", res, err)
	}
	step(t0.Add(3*time.Hour),
		touchEv("va", "a4", event.PageView, "newsletter", "email", t0.Add(2*time.Hour)),
		ev("va", "a5", event.Download, t0.Add(3*time.Hour))) // 25
	step(t0.Add(4*time.Hour), touchEv("va", "a6", event.PageView, "linkedin", "social", t0.Add(4*time.Hour))) // 30: MQL 2

	mqls, err := x.q.MQLs(ctx, p.ID)
	if err != nil || len(mqls) != 2 {
		t.Fatalf("MQLs %+v %v, want two", mqls, err)
	}
	j1, j2 := mqls[0].Journey, mqls[1].Journey
	if j1 == nil || j1.N != 1 || j1.First.Channel != "paid" {
		t.Errorf("first MQL's journey %+v, want the search ad alone", j1)
	}
	if j2 == nil || j2.N != 2 || j2.First.Channel != "email" || j2.Last == nil || j2.Last.Channel != "social" {
		t.Errorf("second MQL's journey %+v, want the newsletter, then the social post (the touches since the recycle)", j2)
	}
	a := mqlCredit(t, x)
	want := map[string]map[string]float64{
		"first":    {"paid": 1, "email": 1},
		"last":     {"paid": 1, "social": 1},
		"linear":   {"paid": 1, "email": 0.5, "social": 0.5},
		"position": {"paid": 1, "email": 0.5, "social": 0.5},
	}
	for m, w := range want {
		if fmt.Sprint(a[m]) != fmt.Sprint(w) {
			t.Errorf("MQL credit under %s: %v, want %v (both MQLs, each to its cycle's touches)", m, a[m], w)
		}
	}

	// Scoring the whole history again (an identification does) changes
	// neither the record's touches nor the credit.
	if err := x.q.ScorePerson(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	if b := mqlCredit(t, x); fmt.Sprint(b) != fmt.Sprint(a) {
		t.Errorf("after scoring the history again: %v, was %v", b, a)
	}
}

// longJourney: a person touched 50 times (search, then social, referral,
// paid and email visits) qualifies. The record keeps 30 touches; the 20
// between the first and the latest 29 are kept in aggregate, so linear and
// position credit sum to 1 over all 50, the social visits of the middle
// included. Before, the middle was dropped: linear credited 30 touches,
// social nothing. Scoring the history again (as each identification
// does) counts no dropped touch twice, and the record stays small.
func longJourney(t *testing.T, f tabletest.Factory) {
	ctx := context.Background()
	x := newFx(t, f)
	p := x.identify(t, "vl", "long@example.com", t0)
	chans := func(i int) (string, string, string) {
		switch {
		case i == 0:
			return "google", "organic", "search"
		case i <= 15:
			return "linkedin", "social", "social"
		case i <= 25:
			return "partner.example", "referral", "referral"
		case i <= 40:
			return "google", "cpc", "paid"
		}
		return "newsletter", "email", "email"
	}
	want := map[string]float64{}
	var all []event.Event
	for i := range 50 {
		src, med, ch := chans(i)
		at := t0.Add(time.Duration(i+1) * time.Hour)
		// custom events: touches that score nothing, so no MQL comes before the 50th
		e := touchEv("vl", fmt.Sprintf("l%02d", i), event.Custom, src, med, at)
		all = append(all, e)
		want[ch] += 1.0 / 50
		if i%7 == 6 || i == 49 {
			x.clk.Set(at)
			x.store(t, all...)
			x.process(t, all...)
			all = nil
		}
	}
	end := t0.Add(51 * time.Hour)
	x.clk.Set(end.Add(time.Second))
	last := []event.Event{ev("vl", "l-dl", event.Download, end), ev("vl", "l-form", event.FormSubmit, end.Add(time.Second))}
	x.store(t, last...)
	x.process(t, last...)

	rec, err := x.q.Record(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Touches) != 30 || rec.Dropped == nil {
		t.Fatalf("%d touches kept, dropped %+v: want 30 and the rest in aggregate", len(rec.Touches), rec.Dropped)
	}
	mqls, _ := x.q.MQLs(ctx, p.ID)
	if len(mqls) != 1 || mqls[0].Journey == nil || mqls[0].Journey.N != 50 {
		t.Fatalf("MQLs %+v, want one with a journey of 50 touches", mqls)
	}
	check := func(when string) {
		t.Helper()
		a := mqlCredit(t, x)
		for _, m := range []string{"linear", "position"} {
			sum := 0.0
			for _, v := range a[m] {
				sum += v
			}
			if math.Abs(sum-1) > 0.002 {
				t.Errorf("%s: %s credit sums to %v: %v", when, m, sum, a[m])
			}
			if a[m]["social"] < 0.01 {
				t.Errorf("%s: %s credit %v: the middle's social visits are missing", when, m, a[m])
			}
		}
		for ch, w := range want {
			if math.Abs(a["linear"][ch]-w) > 0.002 {
				t.Errorf("%s: linear %s %v, want %v (of %v)", when, ch, a["linear"][ch], w, a["linear"])
			}
		}
		// 40/20/40: the search first, the email last, 0.2 over the 48 between (15 social).
		if math.Abs(a["position"]["social"]-0.2*15/48) > 0.002 || math.Abs(a["position"]["search"]-0.4) > 0.002 {
			t.Errorf("%s: position %v", when, a["position"])
		}
	}
	check("scored live")
	if err := x.q.ScorePerson(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	check("the history scored again")
	// The SQL's credit reads the record's touches (and their aggregate):
	// ten partner visits after the MQL, the SQL, then 30 search ads. The
	// SQL is credited to the 60 touches before it, the last partner visit
	// its last, however many come after it (the dropped touches' spans
	// part at the first SQL: Record.SQLAt). They parted at the MQL alone:
	// the partner visits went with the ads after the SQL, uncredited.
	visits := func(from time.Time, n int, id, src, med string) {
		t.Helper()
		var evs []event.Event
		for i := range n {
			evs = append(evs, touchEv("vl", fmt.Sprintf("%s%02d", id, i), event.Custom, src, med, from.Add(time.Duration(i)*time.Hour)))
		}
		x.clk.Set(evs[n-1].Timestamp)
		x.store(t, evs...)
		x.process(t, evs...)
	}
	visits(end.Add(time.Hour), 10, "m", "partner.example", "referral")
	sqlAt := end.Add(11 * time.Hour)
	x.clk.Set(sqlAt)
	if _, err := x.q.Outcome(ctx, p.ID, "sql", "sf-l", "rep@acme", sqlAt); err != nil {
		t.Fatal(err)
	}
	visits(sqlAt.Add(time.Hour), 30, "s", "yahoo", "cpc")
	if rec, err := x.q.Record(ctx, p.ID); err != nil || !rec.SQLAt.Equal(sqlAt) {
		t.Fatalf("the record's SQL at %v (%v), want %v", rec.SQLAt, err, sqlAt)
	}
	sqlWant := map[string]map[string]float64{
		"first":  {"search": 1},
		"last":   {"referral": 1},
		"linear": {"search": 1.0 / 60, "social": 15.0 / 60, "referral": 20.0 / 60, "paid": 15.0 / 60, "email": 9.0 / 60},
	}
	checkSQL := func(when string) {
		t.Helper()
		people, _ := qualify.AllFacts(ctx, x.q.T)
		a := reports.Attribution(people, reports.Filter{})[qualify.StageSQL]
		for m, w := range sqlWant {
			for ch, v := range w {
				if math.Abs(a[m][ch]-v) > 0.002 || len(a[m]) != len(w) {
					t.Errorf("%s: SQL %s credit %v, want %v", when, m, a[m], w)
					break
				}
			}
		}
	}
	checkSQL("scored live")
	if err := x.q.ScorePerson(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	checkSQL("the history scored again")

	// A record stored before it kept the SQL's time gets it from the
	// stage history on a rescore (which replays that history).
	it, err := x.q.T.Get(ctx, identity.PersonPK(p.ID), "SCORE")
	if err != nil {
		t.Fatal(err)
	}
	key := []byte(`,"sqlAt":"` + sqlAt.Format(time.RFC3339Nano) + `"`)
	if !bytes.Contains(it.Data, key) {
		t.Fatalf("no %s in the stored record", key)
	}
	it.Data = bytes.Replace(it.Data, key, nil, 1)
	if err := x.q.T.Put(ctx, it, table.Always); err != nil {
		t.Fatal(err)
	}
	if rec, err := x.q.Record(ctx, p.ID); err != nil || !rec.SQLAt.IsZero() {
		t.Fatalf("the record's SQL at %v (%v), want none", rec.SQLAt, err)
	}
	if err := x.q.RescorePerson(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	if rec, err := x.q.Record(ctx, p.ID); err != nil || !rec.SQLAt.Equal(sqlAt) {
		t.Errorf("the record's SQL at %v (%v) rescored, want %v from its history", rec.SQLAt, err, sqlAt)
	}
	checkSQL("a record without the SQL's time rescored")
}
