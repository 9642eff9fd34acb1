// Package qualifytest is the conformance suite of the scoring pipeline:
// exactly-once MQLs under duplicate and concurrent delivery, retroactive
// scoring, the ledger, recycling and sales outcomes, on every backend. It
// drives the pipeline with a small points engine of its own so the
// pipeline's guarantees are tested apart from the rules language (which has
// its own tests).
package qualifytest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/calendar"
	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/scorefeed"
	"github.com/baton-hq/baton/internal/sla"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/tabletest"
)

// Suite returns the suite.
func Suite() tabletest.Suite { return tabletest.Suite{Name: "qualify", Run: run} }

// points is a minimal engine: fixed points per event type (times mult,
// which stands for a changed rules file), MQL at 30.
type points struct{ mult float64 }

type pstate struct {
	Score float64         `json:"score"`
	Seen  map[string]bool `json:"seen"`
}

var value = map[string]float64{event.PageView: 5, event.Download: 20, event.FormSubmit: 10, event.EmailClick: 3}

func (p points) Version() string { return fmt.Sprintf("points-x%g", p.m()) }

func (p points) m() float64 {
	if p.mult == 0 {
		return 1
	}
	return p.mult
}

func (p points) Apply(raw json.RawMessage, evs []event.Event, now time.Time) (json.RawMessage, []qualify.Contribution, error) {
	var st pstate
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &st); err != nil {
			return nil, nil, err
		}
	}
	if st.Seen == nil {
		st.Seen = map[string]bool{}
	}
	var cs []qualify.Contribution
	for _, ev := range evs {
		if st.Seen[ev.ID] || ev.Flagged() || value[ev.Type] == 0 {
			continue
		}
		st.Seen[ev.ID] = true
		v := value[ev.Type] * p.m()
		st.Score += v
		cs = append(cs, qualify.Contribution{Rule: ev.Type, Kind: "behaviour", EventID: ev.ID, EventType: ev.Type, URL: ev.URL, Delta: v, At: ev.Timestamp})
	}
	out, _ := json.Marshal(st)
	return out, cs, nil
}

func (points) Evaluate(raw json.RawMessage, attrs map[string]string, email string, now time.Time) (qualify.Verdict, error) {
	var st pstate
	if len(raw) > 0 {
		json.Unmarshal(raw, &st)
	}
	v := qualify.Verdict{Behaviour: st.Score, Grade: "B"}
	if attrs["company"] == "Competitor" {
		v.Excluded = "competitor"
	}
	if st.Score >= 30 {
		v.Condition, v.Facts = "hot", []string{fmt.Sprintf("behaviour %.0f >= 30", st.Score)}
	}
	return v, nil
}

func (points) Recycle(raw json.RawMessage, now time.Time) (json.RawMessage, qualify.Contribution, error) {
	var st pstate
	json.Unmarshal(raw, &st)
	c := qualify.Contribution{Rule: "recycle", Kind: "reset", Delta: -st.Score, At: now}
	st.Score = 0
	out, _ := json.Marshal(st)
	return out, c, nil
}

var t0 = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

type fx struct {
	q   *qualify.Qualifier
	st  *identity.Stitcher
	log *eventlog.Log
	clk *clock.Manual // the one clock of the fixture, down to the store
}

func newFx(t *testing.T, f tabletest.Factory) fx {
	clk := clock.NewManual(t0.Add(time.Minute))
	tb := f(t, clk.Now)
	log := &eventlog.Log{T: tb, Now: clk.Now}
	dir := &identity.Directory{T: tb, Now: clk.Now}
	q := &qualify.Qualifier{T: tb, Dir: dir, Log: log, Engine: points{}, Now: clk.Now}
	return fx{q: q, st: &identity.Stitcher{Dir: dir, Log: log}, log: log, clk: clk}
}

func ev(vis, id, typ string, at time.Time) event.Event {
	return event.Event{ID: id, Type: typ, VisitorID: vis, URL: "https://www.example.com/" + id, ReceivedAt: at, Timestamp: at}
}

func (f fx) store(t *testing.T, evs ...event.Event) {
	t.Helper()
	if _, err := f.log.Append(context.Background(), evs); err != nil {
		t.Fatal(err)
	}
}

// step stores and processes evs with the clock at at (the change feed
// delivering them then).
func (f fx) step(t *testing.T, at time.Time, evs ...event.Event) {
	t.Helper()
	f.clk.Set(at)
	f.store(t, evs...)
	f.process(t, evs...)
}

// outcome applies sales' verdict what on person's MQL at at (id: the SFA's
// record); it must apply.
func (f fx) outcome(t *testing.T, person, what, id string, at time.Time) {
	t.Helper()
	f.clk.Set(at)
	if res, err := f.q.Outcome(context.Background(), person, what, id, "rep@acme", at); err != nil || !res.Applied {
		t.Fatalf("%s: %+v %v", what, res, err)
	}
}

func (f fx) identify(t *testing.T, vis, email string, at time.Time) identity.Person {
	t.Helper()
	p, _, err := f.st.Identify(context.Background(), identity.Identification{Visitor: vis, Email: email, At: at, Strength: identity.Strong})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func (f fx) process(t *testing.T, evs ...event.Event) {
	t.Helper()
	if err := f.q.Process(context.Background(), evs); err != nil {
		t.Fatal(err)
	}
}

func run(t *testing.T, f tabletest.Factory) {
	ctx := context.Background()
	attribution(t, f)
	t.Run("RetroactiveScoringOfAnonymousHistory", func(t *testing.T) {
		x := newFx(t, f)
		anon := []event.Event{ev("v1", "a1", event.PageView, t0), ev("v1", "a2", event.Download, t0.Add(time.Minute))}
		x.store(t, anon...)
		x.process(t, anon...) // anonymous: nobody to score yet
		form := ev("v1", "a3", event.FormSubmit, t0.Add(2*time.Minute))
		form.Properties = map[string]any{"fields": map[string]any{"email": "retro@example.com"}}
		x.store(t, form)
		p := x.identify(t, "v1", "retro@example.com", form.Timestamp)
		x.process(t, form)
		rec, _ := x.q.Record(ctx, p.ID)
		if rec.Verdict.Behaviour != 35 || rec.Stage != qualify.StageMQL || rec.Cycle != 1 {
			t.Fatalf("record %+v", rec)
		}
		led, _ := x.q.Ledger(ctx, p.ID)
		if len(led) != 3 {
			t.Fatalf("ledger %+v", led)
		}
		mqls, _ := x.q.MQLs(ctx, p.ID)
		if len(mqls) != 1 || mqls[0].Condition != "hot" || len(mqls[0].Events) != 3 || mqls[0].ID != p.ID+"-c1" {
			t.Fatalf("mqls %+v", mqls)
		}
		if len(rec.Touches) != 1 || rec.Touches[0].Channel != "direct" || rec.Touches[0].EventID != "a1" {
			t.Fatalf("first touch %+v", rec.Touches)
		}
		hist, _ := x.q.History(ctx, p.ID)
		if len(hist) != 2 || hist[0].To != qualify.StageLead || hist[1].To != qualify.StageMQL {
			t.Fatalf("history %+v", hist)
		}
	})
	t.Run("ExactlyOnceUnderDuplicateAndConcurrentDelivery", func(t *testing.T) {
		x := newFx(t, f)
		p := x.identify(t, "v2", "dup@example.com", t0)
		var evs []event.Event
		for i := 0; i < 8; i++ {
			evs = append(evs, ev("v2", fmt.Sprintf("d%d", i), event.PageView, t0.Add(time.Duration(i+1)*time.Minute)))
		}
		x.store(t, evs...)
		var wg sync.WaitGroup
		for w := 0; w < 6; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				// each worker gets the whole batch, in a different order
				batch := append([]event.Event(nil), evs[w%len(evs):]...)
				batch = append(batch, evs[:w%len(evs)]...)
				if err := x.q.Process(ctx, batch); err != nil {
					t.Error(err)
				}
			}(w)
		}
		wg.Wait()
		x.process(t, evs...) // and once more, late
		rec, _ := x.q.Record(ctx, p.ID)
		if rec.Verdict.Behaviour != 40 || rec.Cycle != 1 {
			t.Fatalf("record after duplicates: %+v", rec)
		}
		led, _ := x.q.Ledger(ctx, p.ID)
		if len(led) != 8 {
			t.Fatalf("ledger has %d entries, want 8", len(led))
		}
		if mqls, _ := x.q.MQLs(ctx, p.ID); len(mqls) != 1 {
			t.Fatalf("%d MQLs", len(mqls))
		}
		recent, _ := x.q.RecentMQLs(ctx, 10)
		if len(recent) != 1 {
			t.Fatalf("MQL index has %d", len(recent))
		}
	})
	t.Run("ExcludedNeverQualifies", func(t *testing.T) {
		x := newFx(t, f)
		p := x.identify(t, "v3", "rival@competitor.example", t0)
		if _, _, err := x.st.Dir.Update(ctx, p.ID, map[string]string{"company": "Competitor"}, nil); err != nil {
			t.Fatal(err)
		}
		e := []event.Event{ev("v3", "c1", event.Download, t0.Add(time.Minute)), ev("v3", "c2", event.Download, t0.Add(2*time.Minute))}
		x.store(t, e...)
		x.process(t, e...)
		rec, _ := x.q.Record(ctx, p.ID)
		if rec.Stage != qualify.StageLead || rec.Verdict.Excluded == "" {
			t.Fatalf("excluded person: %+v", rec)
		}
	})
	t.Run("RecycleAndRequalify", func(t *testing.T) {
		x := newFx(t, f)
		p := x.identify(t, "v4", "cycle@example.com", t0)
		first := []event.Event{ev("v4", "r1", event.Download, t0.Add(time.Minute)), ev("v4", "r2", event.FormSubmit, t0.Add(2*time.Minute))}
		x.store(t, first...)
		x.process(t, first...)
		x.clk.Set(t0.Add(time.Hour))
		res, err := x.q.Outcome(ctx, p.ID, "rejected", "sf-evt-1", "sales@acme", t0.Add(time.Hour))
		if err != nil || !res.Applied || !res.Recycled || res.Stage != qualify.StageRecycled {
			t.Fatalf("reject: %+v %v", res, err)
		}
		if res, _ := x.q.Outcome(ctx, p.ID, "rejected", "sf-evt-1", "", t0.Add(time.Hour)); res.Applied || res.Ignored == "" {
			t.Fatalf("duplicate delivery applied: %+v", res)
		}
		led, _ := x.q.Ledger(ctx, p.ID)
		if last := led[len(led)-1]; last.Kind != "reset" || last.Delta != -30 {
			t.Fatalf("no reset in the ledger: %+v", last)
		}
		second := []event.Event{ev("v4", "r3", event.PageView, t0.Add(2*time.Hour)), ev("v4", "r4", event.Download, t0.Add(3*time.Hour))}
		x.clk.Set(t0.Add(3 * time.Hour))
		x.store(t, second...)
		x.process(t, second...)
		rec, _ := x.q.Record(ctx, p.ID)
		if rec.Stage != qualify.StageRecycled || rec.Verdict.Behaviour != 25 {
			t.Fatalf("after reset, 25 points must not requalify: %+v", rec)
		}
		third := []event.Event{ev("v4", "r5", event.PageView, t0.Add(4*time.Hour))}
		x.clk.Set(t0.Add(4 * time.Hour))
		x.store(t, third...)
		x.process(t, third...)
		mqls, _ := x.q.MQLs(ctx, p.ID)
		if len(mqls) != 2 || mqls[1].Cycle != 2 || mqls[1].ID != p.ID+"-c2" {
			t.Fatalf("requalification: %+v", mqls)
		}
		// The write-time counters saw each stage change once, duplicates included.
		days, _ := qualify.FunnelDays(ctx, x.q.T)
		sum := map[string]int64{}
		for _, d := range days {
			for k, v := range d.Counters {
				sum[k] += v
			}
		}
		if sum["lead"] != 1 || sum["mql"] != 2 || sum["rejected"] != 1 || sum["recycled"] != 1 {
			t.Fatalf("funnel counters %v", sum)
		}
	})
	t.Run("LateVerdictRescoreAgrees", func(t *testing.T) {
		// Sales reject at 10:00; the verdict reaches Baton a day later
		// (feedback delayed), dated 10:00. The events scored in between
		// were wiped by the recycle when it was applied; a rescore must
		// replay the recycle then too, not count them as new evidence
		// and raise an MQL the live path never raised.
		x := newFx(t, f)
		p := x.identify(t, "v9", "late@example.com", t0)
		first := []event.Event{ev("v9", "l1", event.Download, t0.Add(time.Minute)), ev("v9", "l2", event.FormSubmit, t0.Add(2*time.Minute))}
		x.store(t, first...)
		x.process(t, first...)
		verdictAt := t0.Add(time.Hour)
		between := []event.Event{ev("v9", "l3", event.Download, t0.Add(5*time.Hour)), ev("v9", "l4", event.FormSubmit, t0.Add(6*time.Hour))}
		x.clk.Set(t0.Add(6 * time.Hour))
		x.store(t, between...)
		x.process(t, between...)
		x.clk.Set(t0.Add(25 * time.Hour))
		if res, err := x.q.Outcome(ctx, p.ID, "rejected", "sf-late-1", "sales@acme", verdictAt); err != nil || !res.Recycled {
			t.Fatalf("reject: %+v %v", res, err)
		}
		live, _ := x.q.Record(ctx, p.ID)
		liveMQLs, _ := x.q.MQLs(ctx, p.ID)
		if live.Stage != qualify.StageRecycled || live.Verdict.Behaviour != 0 || len(liveMQLs) != 1 {
			t.Fatalf("live: stage %s behaviour %v, %d MQLs", live.Stage, live.Verdict.Behaviour, len(liveMQLs))
		}
		if err := x.q.RescorePerson(ctx, p.ID); err != nil {
			t.Fatal(err)
		}
		re, _ := x.q.Record(ctx, p.ID)
		reMQLs, _ := x.q.MQLs(ctx, p.ID)
		if re.Stage != live.Stage || re.Verdict.Behaviour != live.Verdict.Behaviour || len(reMQLs) != len(liveMQLs) {
			t.Errorf("a rescore gives stage %s behaviour %v and %d MQLs, the live path %s %v %d",
				re.Stage, re.Verdict.Behaviour, len(reMQLs), live.Stage, live.Verdict.Behaviour, len(liveMQLs))
		}
		// The history keeps the verdict's time, and the recycle's.
		hist, _ := x.q.History(ctx, p.ID)
		var rejected, recycled time.Time
		for _, h := range hist {
			switch h.To {
			case qualify.StageRejected:
				rejected = h.At
			case qualify.StageRecycled:
				recycled = h.At
			}
		}
		if !rejected.Equal(verdictAt) || !recycled.Equal(t0.Add(25*time.Hour)) {
			t.Errorf("history: rejected at %v (want the verdict's %v), recycled at %v (want when it was applied)", rejected, verdictAt, recycled)
		}
	})
	t.Run("OutOfOrderOutcomes", func(t *testing.T) {
		x := newFx(t, f)
		p := x.identify(t, "v5", "won@example.com", t0)
		e := []event.Event{ev("v5", "w1", event.Download, t0.Add(time.Minute)), ev("v5", "w2", event.FormSubmit, t0.Add(2*time.Minute))}
		x.store(t, e...)
		x.process(t, e...)
		if res, err := x.q.Outcome(ctx, p.ID, "won", "d-won", "", t0.Add(48*time.Hour)); err != nil || res.Stage != qualify.StageCustomer {
			t.Fatalf("won: %+v %v", res, err)
		}
		res, err := x.q.Outcome(ctx, p.ID, "accepted", "d-acc", "", t0.Add(time.Hour))
		if err != nil || res.Applied || res.Stage != qualify.StageCustomer {
			t.Fatalf("late accepted moved a customer back: %+v %v", res, err)
		}
		if _, err := x.q.Outcome(ctx, p.ID, "teleported", "d-x", "", t0); err == nil {
			t.Fatal("unknown outcome accepted")
		}
	})
	t.Run("RescoreAfterRulesChange", func(t *testing.T) {
		x := newFx(t, f)
		p := x.identify(t, "v7", "rescore@example.com", t0)
		e := []event.Event{ev("v7", "x1", event.PageView, t0.Add(time.Minute)), ev("v7", "x2", event.PageView, t0.Add(2*time.Minute)), ev("v7", "x3", event.Download, t0.Add(3*time.Minute))}
		x.store(t, e...)
		x.process(t, e...)
		if rec, _ := x.q.Record(ctx, p.ID); rec.Verdict.Behaviour != 30 || rec.Stage != qualify.StageMQL {
			t.Fatalf("before: %+v", rec)
		}
		// a person below the threshold under the old rules
		other := x.identify(t, "v8", "later@example.com", t0)
		o := []event.Event{ev("v8", "y1", event.PageView, t0.Add(time.Minute)), ev("v8", "y2", event.Download, t0.Add(2*time.Minute))}
		x.store(t, o...)
		x.process(t, o...)
		if rec, _ := x.q.Record(ctx, other.ID); rec.Stage != qualify.StageLead || rec.Verdict.Behaviour != 25 {
			t.Fatalf("other before: %+v", rec)
		}
		// A dry run under the new rules says what the rescore will do, and
		// writes nothing.
		before := dump(t, x.q.T)
		dry, err := x.q.DryRun(ctx, points{mult: 2})
		if err != nil || dry.People != 2 || len(dry.WouldQualify) != 1 || dry.WouldQualify[0].Person != other.ID || dry.ByCondition["hot"] != 1 || len(dry.WouldDrop) != 0 {
			t.Fatalf("dry run: %+v %v", dry, err)
		}
		if same, _ := x.q.DryRun(ctx, nil); len(same.WouldQualify)+len(same.WouldDrop) != 0 {
			t.Fatalf("a dry run under the rules in force changes something: %+v", same)
		}
		if stricter, _ := x.q.DryRun(ctx, points{mult: 0.5}); len(stricter.WouldDrop) != 1 || stricter.WouldDrop[0].Person != p.ID {
			t.Fatalf("stricter rules: %+v", stricter)
		}
		if after := dump(t, x.q.T); after != before {
			t.Fatal("a dry run wrote to the store")
		}
		x.q.Engine = points{mult: 2} // the rules file changed
		job, err := x.q.StartRescore(ctx)
		if err != nil || job.Total != 0 || job.Done != 0 || job.Status != "listing" || job.Rules != "points-x2" {
			t.Fatalf("rescore job: %+v %v", job, err)
		}
		// The people listed, one person, then the process "dies": a new
		// Qualifier on the same store finds the job and finishes it.
		if job, err = x.q.AdvanceRescore(ctx, job.ID, 1); err != nil || job.Done != 1 || job.Total != 2 || job.Status != "running" {
			t.Fatalf("first slice: %+v %v", job, err)
		}
		// Asked again while it runs (a double click, a client's retry): the
		// same job, not a second full replay behind it.
		if again, err := x.q.StartRescore(ctx); err != nil || again.ID != job.ID || again.Done != 1 {
			t.Fatalf("a second start under the same rules: %+v %v, want job %s", again, err, job.ID)
		}
		if active, _ := x.q.ActiveRescores(ctx); len(active) != 1 {
			t.Fatalf("jobs running: %+v", active)
		}
		restarted := *x.q
		if err := restarted.RunRescores(ctx); err != nil {
			t.Fatal(err)
		}
		if job, err = restarted.RescoreJob(ctx, job.ID); err != nil || job.Status != "done" || job.Done != 2 || job.NewMQLs != 1 {
			t.Fatalf("rescore after the restart: %+v %v", job, err)
		}
		if active, _ := restarted.ActiveRescores(ctx); len(active) != 0 {
			t.Fatalf("jobs left running: %+v", active)
		}
		// Once done, a start is a new job.
		if next, err := restarted.StartRescore(ctx); err != nil || next.ID == job.ID || next.Status != "listing" {
			t.Fatalf("a start after the job finished: %+v %v", next, err)
		} else if err := restarted.RunRescores(ctx); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(dump(t, x.q.T), p.ID+`"`) && strings.Contains(dump(t, x.q.T), "JOB#rescore#") {
			t.Fatal("a finished job still lists the people it rescored")
		}
		rec, _ := x.q.Record(ctx, p.ID)
		led, _ := x.q.Ledger(ctx, p.ID)
		if rec.Verdict.Behaviour != 60 || rec.Rules != "points-x2" || len(led) != 3 || led[2].Delta != 40 {
			t.Fatalf("after: %+v ledger %+v", rec, led)
		}
		if mqls, _ := x.q.MQLs(ctx, p.ID); len(mqls) != 1 {
			t.Fatalf("rescore raised a second MQL in the same cycle: %d", len(mqls))
		}
		if rec, _ := x.q.Record(ctx, other.ID); rec.Stage != qualify.StageMQL || rec.Verdict.Behaviour != 50 {
			t.Fatalf("other after: %+v", rec)
		}
	})
	t.Run("RescoreRequestListsNobody", func(t *testing.T) {
		// POST /admin/rescore listed every person (a scan: on DynamoDB
		// every item of the table) inside the request, past API Gateway's
		// 30 s on a large table. It records the job; the runs after (the
		// sweep on AWS) list the people a scan page at a time, resumed
		// where a run ended, people never scored included.
		x := newFx(t, f)
		const people = 12
		var ids []string
		for i := range people {
			vis := fmt.Sprintf("rl%03d", i)
			e := ev(vis, vis+"-d", event.Download, t0.Add(time.Minute))
			x.store(t, e)
			ids = append(ids, x.identify(t, vis, vis+"@example.com", t0).ID)
			if i%2 == 0 {
				x.process(t, e) // the other half never scored
			}
		}
		// Items nobody reads in a person's partition, for more keys than a
		// page of bbolt's scan (500) holds: the listing takes pages.
		var filler []table.Write
		for i := range 600 {
			filler = append(filler, table.Put(table.Item{PK: identity.PersonPK(ids[0]), SK: fmt.Sprintf("~filler%03d", i), Kind: "filler"}, table.Always))
		}
		for i := 0; i < len(filler); i += 100 {
			if err := errors.Join(x.q.T.PutMany(ctx, filler[i:i+100])...); err != nil {
				t.Fatal(err)
			}
		}
		x.q.Engine = points{mult: 2}
		req := *x.q
		req.T = noScans{x.q.T}
		job, err := req.StartRescore(ctx)
		if err != nil || job.Status != "listing" || job.Total != 0 {
			t.Fatalf("the request: %+v %v", job, err)
		}
		if again, err := req.StartRescore(ctx); err != nil || again.ID != job.ID {
			t.Fatalf("asked again: %+v %v, want job %s", again, err, job.ID)
		}
		// A run that ends after listing its first page.
		run, end := context.WithCancel(ctx)
		first := *x.q
		first.T = &endsAfterCommit{Table: x.q.T, end: end}
		if err := first.RunRescores(run); err != nil {
			t.Fatal(err)
		}
		if job, err = x.q.RescoreJob(ctx, job.ID); err != nil || job.Total == 0 || job.Total > people || job.Done != 0 {
			t.Fatalf("after a run that ended: %+v %v", job, err)
		}
		if err := x.q.RunRescores(ctx); err != nil {
			t.Fatal(err)
		}
		if job, err = x.q.RescoreJob(ctx, job.ID); err != nil || job.Status != "done" || job.Total != people || job.Done != people {
			t.Fatalf("after the next run: %+v %v, want every person listed once and rescored", job, err)
		}
		for _, id := range ids {
			if rec, err := x.q.Record(ctx, id); err != nil || rec.Rules != "points-x2" || rec.Verdict.Behaviour != 40 {
				t.Fatalf("%s after the rescore: %+v %v", id, rec, err)
			}
		}
		if d := dump(t, x.q.T); strings.Contains(d, "JOB#rescore#") {
			t.Fatal("a finished job still lists people")
		}
	})
	t.Run("PersonChangeJudgesFitAgain", func(t *testing.T) {
		// An identification that changes a person's attributes and scores
		// no new event (their event was scored before the attributes were
		// written): the person's change on the feed judges them again.
		x := newFx(t, f)
		p := x.identify(t, "vf", "fit@example.com", t0)
		pv := ev("vf", "f1", event.PageView, t0.Add(time.Minute))
		x.store(t, pv)
		x.process(t, pv)
		if _, _, err := x.q.Dir.Update(ctx, p.ID, map[string]string{"company": "Competitor"}, nil); err != nil {
			t.Fatal(err)
		}
		change := func(op, person string) table.Change {
			return table.Change{Op: op, Item: table.Item{PK: identity.PersonPK(person), SK: "PERSON", Kind: identity.KindPerson}}
		}
		// Never scored: left to their link's change.
		q := x.identify(t, "vq", "never@example.com", t0)
		cs := []table.Change{change(table.OpModify, p.ID), change(table.OpModify, q.ID)}
		if n, err := scorefeed.HandleChanges(ctx, x.q, cs, nil); err != nil || n != len(cs) {
			t.Fatalf("handled %d of %d: %v", n, len(cs), err)
		}
		if rec, _ := x.q.Record(ctx, p.ID); rec.Verdict.Excluded != "competitor" || rec.Verdict.Behaviour != 5 {
			t.Fatalf("after the person's change: %+v, want excluded as a competitor", rec.Verdict)
		}
		if rec, _ := x.q.Record(ctx, q.ID); !rec.UpdatedAt.IsZero() {
			t.Errorf("a person never scored got a record from their change: %+v", rec)
		}
		// A person created is not judged by their insert (their link's
		// change scores them).
		if _, _, err := x.q.Dir.Update(ctx, p.ID, map[string]string{"company": "Maker"}, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := scorefeed.HandleChanges(ctx, x.q, []table.Change{change(table.OpInsert, p.ID)}, nil); err != nil {
			t.Fatal(err)
		}
		if rec, _ := x.q.Record(ctx, p.ID); rec.Verdict.Excluded != "competitor" {
			t.Errorf("an insert judged again: %+v", rec.Verdict)
		}

		// A person who withdrew consent is not judged again: the
		// withdrawal (a change of the person) must not qualify them and
		// hand their email to the SFA.
		w := x.identify(t, "vw", "withdrew@example.com", t0)
		if _, _, err := x.q.Dir.Update(ctx, w.ID, map[string]string{"company": "Competitor"}, nil); err != nil {
			t.Fatal(err)
		}
		hot := []event.Event{ev("vw", "w1", event.Download, t0.Add(time.Minute)), ev("vw", "w2", event.FormSubmit, t0.Add(2*time.Minute)), ev("vw", "w3", event.PageView, t0.Add(3*time.Minute))}
		x.store(t, hot...)
		x.process(t, hot...) // 35 points, excluded: no MQL
		if _, _, err := x.q.Dir.Update(ctx, w.ID, map[string]string{"company": "Maker"}, nil); err != nil {
			t.Fatal(err)
		}
		if err := x.st.WithdrawConsent(ctx, "vw", x.clk.Now()); err != nil {
			t.Fatal(err)
		}
		if _, err := scorefeed.HandleChanges(ctx, x.q, []table.Change{change(table.OpModify, w.ID)}, nil); err != nil {
			t.Fatal(err)
		}
		if mqls, _ := x.q.MQLs(ctx, w.ID); len(mqls) != 0 {
			t.Errorf("a person's consent withdrawal qualified them: %+v", mqls)
		}
	})
	t.Run("ScoringDuringAnErasureWritesNothingBack", func(t *testing.T) {
		// The Eraser writes the tombstone, then each package forgets its
		// items, the person's own record last. A delivery scored in
		// between (retried, or lagging on the stream) reads the person
		// still there and their score record already gone: it must not
		// write the record, the index of scored people or the counters
		// back.
		x := newFx(t, f)
		p := x.identify(t, "ve", "erased@example.com", t0)
		first := ev("ve", "e1", event.PageView, t0.Add(time.Minute))
		x.store(t, first)
		x.process(t, first)
		if rec, _ := x.q.Record(ctx, p.ID); rec.Verdict.Behaviour != 5 {
			t.Fatalf("scored before the erasure: %+v", rec.Verdict)
		}
		// Never scored before their erasure began.
		n := x.identify(t, "vn", "never-scored@example.com", t0)
		late := ev("vn", "n1", event.Download, t0.Add(time.Minute))
		x.store(t, late)

		for _, s := range []privacy.Subject{{Person: p.ID, Email: p.Email}, {Person: n.ID, Email: n.Email}} {
			if err := privacy.Tombstone(ctx, x.q.T, s.Email, x.clk.Now()); err != nil {
				t.Fatal(err)
			}
			if _, err := x.q.Forget(ctx, s); err != nil {
				t.Fatal(err)
			}
		}
		second := ev("ve", "e2", event.Download, t0.Add(2*time.Minute))
		x.store(t, second) // the events are the log's to forget
		before := dump(t, x.q.T)
		x.process(t, first, second, late)
		if after := dump(t, x.q.T); after != before {
			t.Errorf("scoring after the erasure began wrote:\n%s\nwas:\n%s", after, before)
		}
	})
	t.Run("FeedBatchScoresEachPersonOnce", func(t *testing.T) {
		x := newFx(t, f)
		w := &writes{Table: x.q.T}
		x.q.T = w
		a := x.identify(t, "va", "batch-a@example.com", t0)
		b := x.identify(t, "vb", "batch-b@example.com", t0)
		var evs []event.Event
		for i := 0; i < 6; i++ { // interleaved: a, b, a, b ...
			vis := []string{"va", "vb"}[i%2]
			evs = append(evs, ev(vis, fmt.Sprintf("%s-%d", vis, i), event.PageView, t0.Add(time.Duration(i+1)*time.Minute)))
		}
		evs = append(evs, ev("va", "va-dl", event.Download, t0.Add(10*time.Minute))) // a: 15 + 20 = 35, qualifies
		x.store(t, evs...)
		cs := x.changes(t, evs...)
		// A link and an MQL change in the middle keep their place.
		link, err := x.q.Dir.GetLink(ctx, "vb")
		if err != nil {
			t.Fatal(err)
		}
		ld, _ := json.Marshal(link)
		old, _ := json.Marshal(qualify.MQL{ID: "earlier-c1", Person: "earlier"})
		cs = append(cs[:3:3], append([]table.Change{{Op: table.OpInsert, Item: table.Item{Kind: identity.KindLink, Data: ld}},
			{Op: table.OpInsert, Item: table.Item{Kind: qualify.KindMQL, Data: old}}}, cs[3:]...)...)
		var relayed []string
		relay := func(_ context.Context, m qualify.MQL) error { relayed = append(relayed, m.ID); return nil }
		if n, err := scorefeed.HandleChanges(ctx, x.q, cs, relay); err != nil || n != len(cs) {
			t.Fatalf("handled %d of %d: %v", n, len(cs), err)
		}
		// Runs: [a0 b1 a2] link(b) mql [b3 a4 b5 a-dl]: each person's record
		// written once per run (b's link scores b's timeline, nothing new).
		if got := w.score[identity.PersonPK(a.ID)]; got != 2 {
			t.Errorf("a's score record written %d times, want 2 (once per run of events)", got)
		}
		if got := w.score[identity.PersonPK(b.ID)]; got != 2 {
			t.Errorf("b's score record written %d times, want 2", got)
		}
		ra, _ := x.q.Record(ctx, a.ID)
		rb, _ := x.q.Record(ctx, b.ID)
		if ra.Verdict.Behaviour != 35 || ra.Stage != qualify.StageMQL || rb.Verdict.Behaviour != 15 || rb.Stage != qualify.StageLead {
			t.Fatalf("a %+v\nb %+v", ra, rb)
		}
		mqls, _ := x.q.MQLs(ctx, a.ID)
		if len(mqls) != 1 || len(relayed) != 1 || relayed[0] != "earlier-c1" {
			t.Fatalf("MQLs %+v, relayed %v", mqls, relayed)
		}
		// The batch again (at-least-once delivery): nothing scored, nothing written.
		w.reset()
		if n, err := scorefeed.HandleChanges(ctx, x.q, cs, relay); err != nil || n != len(cs) {
			t.Fatalf("again: handled %d of %d: %v", n, len(cs), err)
		}
		if len(w.score) != 0 || w.ledger != 0 {
			t.Fatalf("a repeated batch wrote score records %v, ledger items %d", w.score, w.ledger)
		}
		if mqls, _ := x.q.MQLs(ctx, a.ID); len(mqls) != 1 {
			t.Fatalf("%d MQLs after a repeated batch", len(mqls))
		}
	})
	t.Run("LedgerExplainsEveryPoint", func(t *testing.T) {
		x := newFx(t, f)
		w := &writes{Table: x.q.T}
		x.q.T = w
		x.q.Engine = points{mult: 0.1} // 40 page views to qualify: a long ledger
		p := x.identify(t, "vl", "ledger@example.com", t0)
		for run := 0; run < 12; run++ {
			var evs []event.Event
			for i := 0; i < 3; i++ {
				evs = append(evs, ev("vl", fmt.Sprintf("l%02d-%d", run, i), event.PageView, t0.Add(time.Duration(run*3+i+1)*time.Minute)))
			}
			x.store(t, evs...)
			if n, err := scorefeed.HandleChanges(ctx, x.q, x.changes(t, evs...), nil); err != nil || n != len(evs) {
				t.Fatalf("run %d: %d %v", run, n, err)
			}
			rec, _ := x.q.Record(ctx, p.ID)
			led, _ := x.q.Ledger(ctx, p.ID)
			sum, ids := 0.0, map[string]bool{}
			for _, c := range led {
				sum += c.Delta
				if ids[c.EventID] {
					t.Fatalf("run %d: event %s twice in the ledger", run, c.EventID)
				}
				ids[c.EventID] = true
			}
			if len(led) != 3*(run+1) || math.Abs(sum-rec.Verdict.Behaviour) > 1e-9 {
				t.Fatalf("run %d: ledger of %d entries explains %v points, the score is %v", run, len(led), sum, rec.Verdict.Behaviour)
			}
		}
		// Most runs cost the record alone; the entries went out as items
		// when the record grew (and with no loss: counted above).
		if w.ledger == 0 || w.ledger >= 36 {
			t.Fatalf("%d ledger items written for 36 entries: want some, fewer than one per entry", w.ledger)
		}
		lab, err := qualify.AllLedgers(ctx, x.q.T)
		if err != nil || len(lab[p.ID]) != 36 {
			t.Fatalf("AllLedgers has %d of 36 entries: %v", len(lab[p.ID]), err)
		}
		// A rescore rebuilds the same ledger.
		if err := x.q.RescorePerson(ctx, p.ID); err != nil {
			t.Fatal(err)
		}
		if led, _ := x.q.Ledger(ctx, p.ID); len(led) != 36 {
			t.Fatalf("after a rescore the ledger has %d entries, want 36", len(led))
		}
	})
	t.Run("BatchLargerThanATransaction", func(t *testing.T) {
		x := newFx(t, f)
		x.q.Engine = points{mult: 0.01} // 0.05 a page view: 250 of them never qualify
		p := x.identify(t, "vt", "big-batch@example.com", t0)
		var evs []event.Event
		for i := 0; i < 250; i++ {
			evs = append(evs, ev("vt", fmt.Sprintf("t%03d", i), event.PageView, t0.Add(time.Duration(i+1)*time.Second)))
		}
		x.store(t, evs...)
		if n, err := scorefeed.HandleChanges(ctx, x.q, x.changes(t, evs...), nil); err != nil || n != len(evs) {
			t.Fatalf("handled %d of %d: %v", n, len(evs), err)
		}
		rec, _ := x.q.Record(ctx, p.ID)
		led, _ := x.q.Ledger(ctx, p.ID)
		if len(led) != 250 || math.Abs(rec.Verdict.Behaviour-12.5) > 1e-9 {
			t.Fatalf("%d ledger entries, behaviour %v; want 250, 12.5", len(led), rec.Verdict.Behaviour)
		}
	})
	t.Run("RescoreIsAllOrNothingPerPerson", func(t *testing.T) {
		rescoreAllOrNothing(t, func(t *testing.T) fx { return newFx(t, f) })
	})
	t.Run("ConcurrentRescoresKeepTheLedger", func(t *testing.T) {
		// Rescores of one person at once (a flagged event's, a job's): once
		// they are done the record's ledger is whole, whoever won (a loser
		// may delete keys the winner also wrote, but it then starts again
		// from the winner's record and flips a generation of its own).
		x := newFx(t, f)
		p := x.identify(t, "vcr", "concurrent-rescore@example.com", t0)
		var evs []event.Event
		for i := range 20 {
			evs = append(evs, ev("vcr", fmt.Sprintf("cr%02d", i), event.PageView, t0.Add(time.Duration(i+1)*time.Minute)))
		}
		x.store(t, evs...)
		x.process(t, evs...)
		check := func(when string) {
			t.Helper()
			rec, _ := x.q.Record(ctx, p.ID)
			led, err := x.q.Ledger(ctx, p.ID)
			sum := 0.0
			for _, c := range led {
				sum += c.Delta
			}
			if err != nil || len(led) != 20 || math.Abs(sum-rec.Verdict.Behaviour) > 1e-9 {
				t.Fatalf("%s: a ledger of %d entries (want 20) explains %v points, the score is %v (%v)", when, len(led), sum, rec.Verdict.Behaviour, err)
			}
		}
		check("scored")
		for round := range 3 {
			var wg sync.WaitGroup
			errs := make(chan error, 3)
			for range 3 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					errs <- x.q.RescorePerson(ctx, p.ID)
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatalf("round %d: %v", round, err)
				}
			}
			check(fmt.Sprintf("round %d", round))
		}
	})
	t.Run("AcceptRecordsTimeToAccept", func(t *testing.T) {
		x := newFx(t, f)
		p := x.identify(t, "v6", "sla@example.com", t0)
		e := []event.Event{ev("v6", "s1", event.Download, t0.Add(time.Minute)), ev("v6", "s2", event.FormSubmit, t0.Add(2*time.Minute))}
		x.store(t, e...)
		x.process(t, e...)
		rec, _ := x.q.Record(ctx, p.ID)
		acceptAt := rec.MQLAt.Add(90 * time.Minute)
		if _, err := x.q.Outcome(ctx, p.ID, "accepted", "a1", "rep@acme", acceptAt); err != nil {
			t.Fatal(err)
		}
		rec, _ = x.q.Record(ctx, p.ID)
		if rec.Stage != qualify.StageSAL || rec.AcceptedAt.Sub(rec.MQLAt) != 90*time.Minute {
			t.Fatalf("record %+v", rec)
		}
	})
	t.Run("ClickScoresOnlyForItsRecipient", func(t *testing.T) {
		// Ann's newsletter forwarded to Bob, clicked on his browser, which
		// his form identifies past event.ClickSettle but before the sweep
		// judged the click: the click is Ann's (the sweep moves it to
		// her), never points of Bob's, neither when his form scores his
		// history nor in a rescore. It gave Bob 3 until the sweep came.
		x := newFx(t, f)
		ann := x.identify(t, "v12a", "ann-click@example.com", t0)
		click := ev("v12", "k1", event.EmailClick, t0.Add(time.Minute))
		click.UserID = ann.ID
		x.store(t, click)
		x.process(t, click) // not judged yet: nobody's points
		x.clk.Set(t0.Add(time.Minute + event.ClickSettle + time.Second))
		form := ev("v12", "k2", event.FormSubmit, x.clk.Now())
		form.Properties = map[string]any{"fields": map[string]any{"email": "bob-click@example.com"}}
		x.store(t, form)
		bob := x.identify(t, "v12", "bob-click@example.com", form.Timestamp)
		x.process(t, form)
		if rec, _ := x.q.Record(ctx, bob.ID); rec.Verdict.Behaviour != 10 {
			t.Fatalf("Bob's behaviour %v after his form, want 10 (Ann's click not his): %+v", rec.Verdict.Behaviour, rec)
		} else if slices.ContainsFunc(rec.Touches, func(tc qualify.Touch) bool { return tc.EventID == "k1" }) {
			t.Fatalf("Bob's touches %+v name Ann's email click (not his channel)", rec.Touches)
		}
		if err := x.q.RescorePerson(ctx, bob.ID); err != nil {
			t.Fatal(err)
		}
		if rec, _ := x.q.Record(ctx, bob.ID); rec.Verdict.Behaviour != 10 {
			t.Fatalf("Bob's behaviour %v after a rescore, want 10", rec.Verdict.Behaviour)
		}
		// Bob's own click on his browser counts for him.
		own := ev("v12", "k3", event.EmailClick, x.clk.Now())
		own.UserID, own.Enrichment.Visit = bob.ID, event.VisitHuman
		x.store(t, own)
		x.process(t, own)
		if rec, _ := x.q.Record(ctx, bob.ID); rec.Verdict.Behaviour != 13 {
			t.Fatalf("Bob's behaviour %v after his own judged click, want 13", rec.Verdict.Behaviour)
		}
	})
	t.Run("SameSecondInOrder", func(t *testing.T) { sameSecond(t, f) })
	t.Run("LateEventsDateTheMQL", func(t *testing.T) { lateEvents(t, f) })
	t.Run("LateMQLJourneyEndsAtTheMQL", func(t *testing.T) { lateJourney(t, f) })
	t.Run("VeryLateEventsDateWithinMaxLate", func(t *testing.T) { veryLate(t, f) })
	t.Run("ReplayCreditsTheLiveCondition", func(t *testing.T) { replayCreditsTheLiveCondition(t, f) })
	t.Run("ReplayKnowsAReopenedRecycle", func(t *testing.T) { reopenedReplay(t, f) })
	t.Run("SalesReopenARecycledLead", func(t *testing.T) {
		// A rep accepts, then rejects the lead; the person writes again
		// (a re-inquiry reaches the rep) and the rep takes them back and
		// wins the deal. Refused as recycled -> sal, the acceptance and
		// the win were never recorded: the revenue report missed a deal
		// sales won.
		x := newFx(t, f)
		p := x.identify(t, "v11", "reopen@example.com", t0)
		e := []event.Event{ev("v11", "o1", event.Download, t0.Add(time.Minute)), ev("v11", "o2", event.FormSubmit, t0.Add(2*time.Minute))}
		x.store(t, e...)
		x.process(t, e...)
		x.outcome(t, p.ID, "accepted", "o-acc", t0.Add(time.Hour))
		x.clk.Set(t0.Add(2 * time.Hour))
		if res, err := x.q.OutcomeWhy(ctx, p.ID, "rejected", "o-rej", "rep@acme", "時期尚早", t0.Add(2*time.Hour)); err != nil || !res.Recycled {
			t.Fatalf("reject: %+v %v", res, err)
		}
		// A verdict given before the rejection, delivered after it, is
		// stale: it would undo what sales said last.
		x.clk.Set(t0.Add(3 * time.Hour))
		res, err := x.q.Outcome(ctx, p.ID, "sql", "o-late", "rep@acme", t0.Add(90*time.Minute))
		if err != nil || res.Applied || !strings.HasPrefix(res.Ignored, "stale: dated before sales closed") {
			t.Fatalf("a verdict dated before the recycle: %+v %v", res, err)
		}
		x.clk.Set(t0.Add(5 * time.Hour))
		res, err = x.q.Outcome(ctx, p.ID, "accepted", "o-again", "rep@acme", t0.Add(5*time.Hour))
		if err != nil || !res.Applied || res.Stage != qualify.StageSAL {
			t.Fatalf("sales take the recycled lead back: %+v %v", res, err)
		}
		x.clk.Set(t0.Add(30 * time.Hour))
		if res, err := x.q.Outcome(ctx, p.ID, "won", "o-won", "rep@acme", t0.Add(30*time.Hour)); err != nil || !res.Applied || res.Stage != qualify.StageCustomer {
			t.Fatalf("won after the reopen: %+v %v", res, err)
		}
		hist, _ := x.q.History(ctx, p.ID)
		if last := hist[len(hist)-1]; last.To != qualify.StageCustomer {
			t.Fatalf("history: %+v", hist)
		}
		if i := len(hist) - 2; !hist[i].Reopens() || qualify.EndsCycle(hist, i-1) {
			t.Fatalf("history: %+v", hist)
		}
		rec, _ := x.q.Record(ctx, p.ID)
		if rec.Cycle != 1 || !rec.CycleFrom.IsZero() || !rec.CustomerAt.Equal(t0.Add(30*time.Hour)) {
			t.Fatalf("the first cycle goes on: %+v", rec)
		}
		// One MQL, accepted once: the funnel counts SAL once, and the
		// win's SQL and opportunity.
		days, _ := qualify.FunnelDays(ctx, x.q.T)
		sum := map[string]int64{}
		for _, d := range days {
			for k, v := range d.Counters {
				sum[k] += v
			}
		}
		if sum["mql"] != 1 || sum["sal"] != 1 || sum["sql"] != 1 || sum["customer"] != 1 || sum["rejected"] != 1 {
			t.Fatalf("funnel counters %v", sum)
		}
		if err := x.q.RescorePerson(ctx, p.ID); err != nil {
			t.Fatal(err)
		}
		re, _ := x.q.Record(ctx, p.ID)
		ms, _ := x.q.MQLs(ctx, p.ID)
		if re.Stage != qualify.StageCustomer || !re.CycleFrom.IsZero() || len(ms) != 1 {
			t.Fatalf("a rescore: stage %s, cycle from %v, %d MQLs", re.Stage, re.CycleFrom, len(ms))
		}
		// Closed again, the lead is recycled as any other.
		if res, _ := x.q.Outcome(ctx, p.ID, "rejected", "o-rej2", "", t0.Add(31*time.Hour)); res.Applied {
			t.Fatalf("a customer rejected: %+v", res)
		}
	})
	t.Run("TakenBackBeforeTheRejectionReachedBaton", func(t *testing.T) {
		// kintone's minutes, an Outbound Message retried: the rejection
		// given at 10:01 reaches Baton half an hour later, the rep's
		// take-back at 10:11 after it. Later than the rejection, it is
		// applied; judged by when Baton recycled the lead, it was stale
		// and the lead stayed recycled for good (kintone never resends).
		x := newFx(t, f)
		p := x.identify(t, "v12", "kintone-reopen@example.com", t0)
		e := []event.Event{ev("v12", "k1", event.Download, t0.Add(time.Minute)), ev("v12", "k2", event.FormSubmit, t0.Add(2*time.Minute))}
		x.store(t, e...)
		x.process(t, e...)
		rejected := t0.Add(time.Hour)
		x.clk.Set(rejected.Add(30 * time.Minute))
		if res, err := x.q.Outcome(ctx, p.ID, "rejected", "k-rej", "", rejected); err != nil || !res.Recycled {
			t.Fatalf("reject: %+v %v", res, err)
		}
		for _, c := range []struct {
			at    time.Time
			apply bool
		}{{rejected.Add(-time.Minute), false}, {rejected, true}} {
			res, err := x.q.Outcome(ctx, p.ID, "accepted", "k-acc-"+c.at.Format("1504"), "", c.at)
			if err != nil || res.Applied != c.apply {
				t.Errorf("accepted dated %v, the rejection %v: %+v %v", c.at, rejected, res, err)
			}
		}
		if rec, _ := x.q.Record(ctx, p.ID); rec.Stage != qualify.StageSAL {
			t.Errorf("stage %s", rec.Stage)
		}
	})
	t.Run("VerdictTextKeepsNoDirectionCharacters", func(t *testing.T) {
		// Sales' reason and the owner, typed in the inbox or an SFA, are
		// kept without bidirectional overrides, isolates and marks: a
		// reason "\u202eしなr算予" showed as 予算なし reversed in the
		// rules page's and MQL report's cells, an owner as another rep.
		x := newFx(t, f)
		p := x.identify(t, "v11", "bidi@example.com", t0)
		e := []event.Event{ev("v11", "b1", event.Download, t0.Add(time.Minute)), ev("v11", "b2", event.FormSubmit, t0.Add(2*time.Minute))}
		x.store(t, e...)
		x.process(t, e...)
		x.clk.Set(t0.Add(2 * time.Hour))
		res, err := x.q.OutcomeWhy(ctx, p.ID, "rejected", "bidi-rej", "\u2067田中\u2069\u200f", "予算\u202eなし\u202c\u200e\n来期に再検討", t0.Add(time.Hour))
		if err != nil || !res.Applied {
			t.Fatalf("rejected: %+v %v", res, err)
		}
		hist, _ := x.q.History(ctx, p.ID)
		i := slices.IndexFunc(hist, func(c qualify.StageChange) bool { return c.To == qualify.StageRejected })
		if i < 0 || hist[i].Why != "予算なし\n来期に再検討" || hist[i].Owner != "田中" {
			t.Fatalf("history: %+v", hist)
		}
	})
	t.Run("DisqualifiedAfterSQLIsRecycled", func(t *testing.T) {
		// Salesforce's Lead goes Qualified (sql), then Closed - Not
		// Converted (rejected); kintone's 商談化, then 見送り. The lead closed
		// without a win and goes back to nurture with sales' reason: it
		// was answered "stale: sql -> rejected" and stayed an SQL (and in
		// the pipeline) for good, never recycled, the reason lost.
		x := newFx(t, f)
		p := x.identify(t, "v10", "disq@example.com", t0)
		e := []event.Event{ev("v10", "q1", event.Download, t0.Add(time.Minute)), ev("v10", "q2", event.FormSubmit, t0.Add(2*time.Minute))}
		x.store(t, e...)
		x.process(t, e...)
		x.clk.Set(t0.Add(2 * time.Hour))
		if res, err := x.q.Outcome(ctx, p.ID, "sql", "sf-q", "rep@acme", t0.Add(time.Hour)); err != nil || res.Stage != qualify.StageSQL {
			t.Fatalf("sql: %+v %v", res, err)
		}
		res, err := x.q.OutcomeWhy(ctx, p.ID, "rejected", "sf-nc", "rep@acme", "予算なし", t0.Add(2*time.Hour))
		if err != nil || !res.Applied || !res.Recycled || res.Stage != qualify.StageRecycled {
			t.Fatalf("rejected after sql: %+v %v", res, err)
		}
		hist, _ := x.q.History(ctx, p.ID)
		last := hist[len(hist)-2]
		if last.From != qualify.StageSQL || last.To != qualify.StageLost || last.Why != "予算なし" {
			t.Fatalf("history: %+v", hist)
		}
		// Once only: the same verdict again, or another, recycles no more.
		if res, _ := x.q.OutcomeWhy(ctx, p.ID, "rejected", "sf-nc2", "", "", t0.Add(2*time.Hour)); res.Applied {
			t.Fatalf("recycled twice: %+v", res)
		}
	})
}

// sameSecond: MQLs raised within one second list in the order they were
// raised (the index's keys once spelled RFC 3339 with trimmed fractions: a
// whole second sorted after its fractions, .52 before .5), and two stage
// changes of one lead at one instant (an SFA's whole seconds, or answers
// dated before the MQL, which count from it) read back in the order they
// were made: the last is the stage the lead is in.
func sameSecond(t *testing.T, f tabletest.Factory) {
	ctx := context.Background()
	x := newFx(t, f)
	s := t0.Add(time.Hour) // a whole second
	offs := []time.Duration{0, 500 * time.Millisecond, 520 * time.Millisecond}
	var people []string
	for i, off := range offs {
		vis := fmt.Sprintf("vs%d", i)
		p := x.identify(t, vis, fmt.Sprintf("second%d@example.com", i), t0)
		// Each qualified by its form, sent at s+off (an MQL is dated by
		// the event that qualified it), and scored then.
		e := []event.Event{ev(vis, vis+"-1", event.Download, t0.Add(time.Minute)), ev(vis, vis+"-2", event.FormSubmit, s.Add(off))}
		x.store(t, e...)
		x.clk.Set(s.Add(off))
		x.process(t, e...)
		people = append(people, p.ID)
	}
	ids := func(ms []qualify.MQL) []string {
		out := []string{}
		for _, m := range ms {
			out = append(out, m.Person)
		}
		return out
	}
	newest := []string{people[2], people[1], people[0]}
	recent, err := x.q.RecentMQLs(ctx, 10)
	if err != nil || fmt.Sprint(ids(recent)) != fmt.Sprint(newest) {
		t.Fatalf("RecentMQLs %v, want %v (%v)", ids(recent), newest, err)
	}
	since, err := x.q.MQLsSince(ctx, s.Add(100*time.Millisecond))
	if err != nil || fmt.Sprint(ids(since)) != fmt.Sprint(people[1:]) {
		t.Fatalf("MQLsSince(+100ms) %v, want %v (%v)", ids(since), people[1:], err)
	}
	var paged []string
	cursor := ""
	for page := 0; page < 5; page++ {
		ms, next, err := x.q.MQLPage(ctx, cursor, time.Time{}, time.Time{}, 1)
		if err != nil {
			t.Fatal(err)
		}
		paged = append(paged, ids(ms)...)
		if next == "" {
			break
		}
		if len(ms) != 1 || next != qualify.MQLCursor(ms[0]) || !qualify.ValidMQLCursor(next) {
			t.Fatalf("page %d: cursor %q", page, next)
		}
		cursor = next
	}
	if fmt.Sprint(paged) != fmt.Sprint(newest) {
		t.Fatalf("paged %v, want %v", paged, newest)
	}
	if ms, _, err := x.q.MQLPage(ctx, "", s.Add(100*time.Millisecond), s.Add(510*time.Millisecond), 10); err != nil || fmt.Sprint(ids(ms)) != fmt.Sprint(people[1:2]) {
		t.Fatalf("MQLPage(+100ms, +510ms) %v, want %v (%v)", ids(ms), people[1:2], err)
	}

	// Sales' answers in one whole second of their SFA's, after the MQL:
	// sql, then opportunity. And two dated before the MQL (kintone's
	// minutes): both count from the MQL, at its instant.
	check := func(person string, want ...string) {
		t.Helper()
		rec, _ := x.q.Record(ctx, person)
		hist, err := x.q.History(ctx, person)
		if err != nil || len(hist) < len(want) {
			t.Fatalf("history %+v %v", hist, err)
		}
		var got []string
		for _, c := range hist[len(hist)-len(want):] {
			got = append(got, c.To)
		}
		if fmt.Sprint(got) != fmt.Sprint(want) || hist[len(hist)-1].To != rec.Stage {
			t.Fatalf("history ends %v, want %v; stage %s", got, want, rec.Stage)
		}
		all, err := qualify.AllFacts(ctx, x.q.T)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range all {
			if p.ID == person && p.History[len(p.History)-1].To != rec.Stage {
				t.Fatalf("AllFacts: history ends at %s, stage %s", p.History[len(p.History)-1].To, rec.Stage)
			}
		}
	}
	x.clk.Set(s.Add(3 * time.Second))
	answer := s.Add(2 * time.Second)
	for _, o := range []string{"sql", "opportunity"} {
		if res, err := x.q.Outcome(ctx, people[0], o, "d-"+o, "rep@acme", answer); err != nil || !res.Applied {
			t.Fatalf("%s: %+v %v", o, res, err)
		}
	}
	check(people[0], qualify.StageMQL, qualify.StageSQL, qualify.StageOpportunity)
	early := t0.Add(30 * time.Minute)
	for _, o := range []string{"sql", "opportunity"} {
		if res, err := x.q.Outcome(ctx, people[1], o, "e-"+o, "rep@acme", early); err != nil || !res.Applied {
			t.Fatalf("%s: %+v %v", o, res, err)
		}
	}
	check(people[1], qualify.StageMQL, qualify.StageSQL, qualify.StageOpportunity)
	// A rejection at a whole second, and its recycle a nanosecond after.
	if res, err := x.q.Outcome(ctx, people[2], "rejected", "r-1", "rep@acme", answer); err != nil || !res.Recycled {
		t.Fatalf("rejected: %+v %v", res, err)
	}
	check(people[2], qualify.StageMQL, qualify.StageRejected, qualify.StageRecycled)
}

// changes are the stored events as the table's feed announces them.
func (f fx) changes(t *testing.T, evs ...event.Event) []table.Change {
	t.Helper()
	out := make([]table.Change, 0, len(evs))
	for _, e := range evs {
		it, err := f.q.T.Get(context.Background(), eventlog.VisitorPK(e.VisitorID), "E#"+e.ID)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, table.Change{Op: table.OpInsert, Item: it})
	}
	return out
}

// writes counts what scoring writes: score records by partition, ledger items.
type writes struct {
	table.Table
	mu     sync.Mutex
	score  map[string]int
	ledger int
}

func (w *writes) reset() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.score, w.ledger = nil, 0
}

func (w *writes) count(ws []table.Write) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.score == nil {
		w.score = map[string]int{}
	}
	for _, x := range ws {
		switch x.Item.Kind {
		case "score":
			w.score[x.Item.PK]++
		case "ledger":
			w.ledger++
		}
	}
}

func (w *writes) Put(ctx context.Context, it table.Item, c table.Cond) error {
	w.count([]table.Write{table.Put(it, c)})
	return w.Table.Put(ctx, it, c)
}

func (w *writes) Transact(ctx context.Context, ws []table.Write) error {
	w.count(ws)
	return w.Table.Transact(ctx, ws)
}

func (w *writes) PutMany(ctx context.Context, ws []table.Write) []error {
	w.count(ws)
	return w.Table.PutMany(ctx, ws)
}

// SLASuite checks breach detection and announce-once (internal/sla) on
// scoring's fixture.
func SLASuite() tabletest.Suite {
	return tabletest.Suite{Name: "sla", Run: func(t *testing.T, f tabletest.Factory) {
		ctx := context.Background()
		x := newFx(t, f)
		now := t0.Add(5 * time.Minute)
		x.clk.Set(now)
		var ids []string
		for i, email := range []string{"slow@example.com", "fast@example.com"} {
			vis := fmt.Sprintf("sla-%d", i)
			p := x.identify(t, vis, email, t0)
			ids = append(ids, p.ID)
			e := []event.Event{ev(vis, vis+"a", event.Download, t0.Add(time.Minute)), ev(vis, vis+"b", event.FormSubmit, t0.Add(2*time.Minute))}
			x.store(t, e...)
			x.process(t, e...)
		}
		now = now.Add(2 * time.Hour)
		x.clk.Set(now)
		if _, err := x.q.Outcome(ctx, ids[1], "accepted", "acc-1", "rep", now); err != nil {
			t.Fatal(err)
		}
		var announced []string
		announce := func(_ context.Context, b sla.Breach) error {
			announced = append(announced, b.MQL.Person)
			return nil
		}
		x.clk.Set(now.Add(23 * time.Hour)) // 25h after qualifying
		sweeper := &sla.Sweeper{Q: x.q, Now: x.clk.Now}
		bs, err := sweeper.Sweep(ctx, 24*time.Hour, 30*24*time.Hour, announce)
		if err != nil || len(bs) != 1 || bs[0].MQL.Person != ids[0] || len(announced) != 1 {
			t.Fatalf("breaches %+v %v announced %v", bs, err, announced)
		}
		if bs, _ := sweeper.Sweep(ctx, 24*time.Hour, 30*24*time.Hour, announce); len(bs) != 0 || len(announced) != 1 {
			t.Fatalf("announced twice: %v", announced)
		}
		rec, _ := x.q.Record(ctx, ids[1])
		// Sales' time to accept runs from when the MQL reached them (it
		// qualified on the form, three minutes before scoring raised it).
		if rec.AcceptedAt.Sub(rec.MQLRaised()) != 2*time.Hour || !rec.MQLAt.Equal(t0.Add(2*time.Minute)) {
			t.Fatalf("time to accept %v (MQL at %v, raised %v)", rec.AcceptedAt.Sub(rec.MQLRaised()), rec.MQLAt, rec.MQLRaised())
		}

		// A webhook that fails: a receiver down fails a few and the rest
		// wait for the next run; one refusing a breach's payload does not
		// keep the others from being announced; a breach not announced is
		// announced on a later run.
		waiting, refused := map[string]bool{}, map[string]bool{}
		for i := range 5 {
			vis := fmt.Sprintf("sla-r%d", i)
			p := x.identify(t, vis, vis+"@example.com", x.clk.Now())
			waiting[p.ID] = true
			if i != 1 && i != 3 {
				refused[p.ID] = true // as many as stop a receiver down
			}
			e := []event.Event{ev(vis, vis+"a", event.Download, x.clk.Now()), ev(vis, vis+"b", event.FormSubmit, x.clk.Now())}
			x.store(t, e...)
			x.process(t, e...)
		}
		x.clk.Set(x.clk.Now().Add(25 * time.Hour))
		calls := 0
		down := func(context.Context, sla.Breach) error { calls++; return errors.New("SLA webhook answered 503") }
		if bs, err := sweeper.Sweep(ctx, 24*time.Hour, 30*24*time.Hour, down); len(bs) != 0 || err == nil || calls != 3 {
			t.Fatalf("a receiver down: breaches %+v, %d calls, error %v; want 3 calls, an error, nothing recorded", bs, calls, err)
		}
		announced = nil
		refuse := func(_ context.Context, b sla.Breach) error {
			if refused[b.MQL.Person] {
				return fmt.Errorf("SLA webhook answered 422: %w", sla.ErrRefused)
			}
			announced = append(announced, b.MQL.Person)
			return nil
		}
		bs, err = sweeper.Sweep(ctx, 24*time.Hour, 30*24*time.Hour, refuse)
		if len(bs) != 2 || len(announced) != 2 || err == nil || strings.Count(err.Error(), "answered 422") != 3 { // not "422": a random person id may hold it
			t.Fatalf("three breaches refused: breaches %+v, announced %v, error %v; want the 2 others and an error naming the 3", bs, announced, err)
		}
		for _, p := range announced {
			if !waiting[p] || refused[p] {
				t.Errorf("announced %s", p)
			}
		}
		announced = nil
		if bs, err := sweeper.Sweep(ctx, 24*time.Hour, 30*24*time.Hour, announce); err != nil || len(bs) != 3 || len(announced) != 3 {
			t.Fatalf("the next run: breaches %+v %v, announced %v; want the 3 refused before", bs, err, announced)
		}

		// On a business calendar an MQL's waited time stops at the end of
		// the day: one qualified on a Friday evening (JST) with one business
		// day to accept has waited exactly the SLA from Monday 18:00 until
		// Tuesday 09:00, and an answer then is within it (the SLA report
		// counts it so): no breach is announced before Tuesday's work starts.
		t.Run("BusinessDayNotBreachedOvernight", func(t *testing.T) {
			x := newFx(t, f)
			jst := time.FixedZone("JST", 9*60*60)
			x.q.Calendar = calendar.Calendar{Loc: jst, Business: true, Days: [7]bool{false, true, true, true, true, true, false}, Start: 9 * time.Hour, End: 18 * time.Hour}
			fri := time.Date(2026, 11, 6, 19, 0, 0, 0, jst)
			x.clk.Set(fri)
			p := x.identify(t, "sla-fri", "friday@example.com", fri)
			e := []event.Event{ev("sla-fri", "sla-fri-a", event.Download, fri), ev("sla-fri", "sla-fri-b", event.FormSubmit, fri)}
			x.store(t, e...)
			x.process(t, e...)
			if rec, _ := x.q.Record(ctx, p.ID); rec.Stage != qualify.StageMQL {
				t.Fatalf("record %+v", rec)
			}
			sweeper := &sla.Sweeper{Q: x.q, Now: x.clk.Now}
			day := 9 * time.Hour                                 // one business day, 09:00-18:00
			x.clk.Set(time.Date(2026, 11, 9, 18, 30, 0, 0, jst)) // Monday evening: exactly one business day waited
			if bs, err := sweeper.Sweep(ctx, day, 30*24*time.Hour, nil); err != nil || len(bs) != 0 {
				t.Fatalf("Monday 18:30, %v waited of %v: breaches %+v %v; want none before Tuesday 09:00", x.q.Calendar.Between(fri, x.clk.Now()), day, bs, err)
			}
			x.clk.Set(time.Date(2026, 11, 10, 9, 1, 0, 0, jst))
			if bs, err := sweeper.Sweep(ctx, day, 30*24*time.Hour, nil); err != nil || len(bs) != 1 {
				t.Fatalf("Tuesday 09:01: breaches %+v %v; want the Friday MQL", bs, err)
			}
		})
	}}
}

// dump is the whole store as text (keys, versions, data), to prove a read
// wrote nothing.
func dump(t *testing.T, tb table.Table) string {
	t.Helper()
	var b strings.Builder
	if err := tb.Scan(context.Background(), "", func(it table.Item) error {
		fmt.Fprintf(&b, "%s|%s|%d|%s\n", it.PK, it.SK, it.Version, it.Data)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(b.String(), "\n")
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// noScans is the table an admin request reads: a scan there reads every
// item of a DynamoDB table, past API Gateway's 30 s on a large one.
type noScans struct{ table.Table }

func (noScans) Scan(context.Context, string, func(table.Item) error) error {
	return errors.New("a scan inside the request")
}

func (noScans) ScanPage(context.Context, string, string) ([]table.Item, string, error) {
	return nil, "", errors.New("a scan inside the request")
}

// endsAfterCommit ends its run (a sweep's deadline) once a transaction
// is committed.
type endsAfterCommit struct {
	table.Table
	end func()
}

func (e *endsAfterCommit) Transact(ctx context.Context, ws []table.Write) error {
	err := e.Table.Transact(ctx, ws)
	e.end()
	return err
}

// lateEvents: an MQL is dated by the event that qualified the person, not
// when scoring ran: a batch of events three days old qualifies someone
// three days ago (the MQL, its index, the record, the stage history); one
// old event completing a recent one that did not qualify alone dates the
// MQL by the recent one; a rescore under new rules dates it by the event
// that meets them; and an MQL never precedes the recycle that opened its
// cycle. Each keeps when it was raised (the SLA's start).
func lateEvents(t *testing.T, f tabletest.Factory) {
	ctx := context.Background()
	x := newFx(t, f)
	now := t0.Add(72 * time.Hour)
	mqlOf := func(t *testing.T, person string) (qualify.MQL, qualify.StageChange) {
		t.Helper()
		ms, err := x.q.MQLs(ctx, person)
		if err != nil || len(ms) == 0 {
			t.Fatalf("MQLs %+v %v", ms, err)
		}
		hist, err := x.q.History(ctx, person)
		if err != nil || len(hist) == 0 {
			t.Fatalf("history %+v %v", hist, err)
		}
		return ms[len(ms)-1], hist[len(hist)-1]
	}

	// Three days late: a backend's batch of Monday's download and form.
	late := x.identify(t, "late-1", "late@example.com", t0)
	e := []event.Event{ev("late-1", "late-1a", event.Download, t0.Add(time.Hour)), ev("late-1", "late-1b", event.FormSubmit, t0.Add(time.Hour+time.Minute))}
	x.store(t, e...)
	x.clk.Set(now)
	x.process(t, e...)
	form := t0.Add(time.Hour + time.Minute)
	m, h := mqlOf(t, late.ID)
	rec, _ := x.q.Record(ctx, late.ID)
	if !m.At.Equal(form) || !m.RaisedAt.Equal(now) || !m.Raised().Equal(now) || !rec.MQLAt.Equal(form) || !rec.MQLRaised().Equal(now) {
		t.Fatalf("MQL at %v raised %v, record's %v raised %v; want at the form's %v, raised %v", m.At, m.RaisedAt, rec.MQLAt, rec.MQLRaised(), form, now)
	}
	if h.To != qualify.StageMQL || !h.At.Equal(form) {
		t.Fatalf("stage change %+v, want to mql at %v", h, form)
	}
	if since, err := x.q.MQLsSince(ctx, t0); err != nil || len(since) != 1 || !since[0].At.Equal(form) {
		t.Fatalf("index from Monday: %+v %v", since, err)
	}
	if ms, _, err := x.q.MQLPage(ctx, "", t0, t0.Add(24*time.Hour), 10); err != nil || len(ms) != 1 || ms[0].Person != late.ID {
		t.Fatalf("MQL page of Monday: %+v %v", ms, err)
	}

	// A download an hour ago (20 points, short of 30), then Monday's form
	// sent late (10): the download qualified them, judged now.
	recent := x.identify(t, "late-2", "recent@example.com", t0)
	dl := ev("late-2", "late-2a", event.Download, now.Add(-time.Hour))
	x.store(t, dl)
	x.process(t, dl)
	if rec, _ := x.q.Record(ctx, recent.ID); rec.Stage != qualify.StageLead {
		t.Fatalf("qualified on 20 points: %+v", rec)
	}
	old := ev("late-2", "late-2b", event.FormSubmit, t0.Add(time.Hour))
	x.store(t, old)
	x.process(t, old)
	if m, _ := mqlOf(t, recent.ID); !m.At.Equal(dl.Timestamp) || !m.RaisedAt.Equal(now) {
		t.Fatalf("MQL at %v raised %v; want at the recent download's %v (the old form alone did not qualify them)", m.At, m.RaisedAt, dl.Timestamp)
	}

	// Under new rules (points doubled) a person below the old threshold
	// qualifies, on their Monday download: the rescore runs today.
	rs := x.identify(t, "late-3", "rescored@example.com", t0)
	r := []event.Event{ev("late-3", "late-3a", event.PageView, t0.Add(time.Hour)), ev("late-3", "late-3b", event.Download, t0.Add(2*time.Hour))}
	x.store(t, r...)
	x.process(t, r...)
	if rec, _ := x.q.Record(ctx, rs.ID); rec.Stage != qualify.StageLead {
		t.Fatalf("qualified on 25 points: %+v", rec)
	}
	x.q.Engine = points{mult: 2}
	x.clk.Set(now.Add(time.Hour))
	if err := x.q.RescorePerson(ctx, rs.ID); err != nil {
		t.Fatal(err)
	}
	if m, h := mqlOf(t, rs.ID); !m.At.Equal(t0.Add(2*time.Hour)) || !m.RaisedAt.Equal(now.Add(time.Hour)) || !h.At.Equal(m.At) {
		t.Fatalf("rescored MQL at %v raised %v, stage change %+v; want at the download's %v", m.At, m.RaisedAt, h, t0.Add(2*time.Hour))
	}
	x.q.Engine = points{}

	// Excluded (a competitor) with points enough since Monday, then no
	// competitor any more (their company corrected, judged again): they
	// qualified at that change, not on Monday's points.
	ex := x.identify(t, "late-4", "excluded@example.com", t0)
	if _, _, err := x.q.Dir.Update(ctx, ex.ID, map[string]string{"company": "Competitor"}, nil); err != nil {
		t.Fatal(err)
	}
	xe := []event.Event{ev("late-4", "late-4a", event.Download, t0.Add(time.Hour)), ev("late-4", "late-4b", event.FormSubmit, t0.Add(2*time.Hour))}
	x.store(t, xe...)
	x.process(t, xe...)
	if rec, _ := x.q.Record(ctx, ex.ID); rec.Stage != qualify.StageLead || rec.Verdict.Excluded == "" {
		t.Fatalf("a competitor qualified: %+v", rec)
	}
	if _, _, err := x.q.Dir.Update(ctx, ex.ID, map[string]string{"company": "Maker"}, nil); err != nil {
		t.Fatal(err)
	}
	if err := x.q.Refit(ctx, ex.ID); err != nil {
		t.Fatal(err)
	}
	if m, _ := mqlOf(t, ex.ID); !m.At.Equal(x.clk.Now()) {
		t.Fatalf("MQL at %v; want %v, when the change of company qualified them (not Monday's points)", m.At, x.clk.Now())
	}

	// Rejected and recycled; events dated before the recycle, sent late,
	// qualify them again: no earlier than the recycle that opened the cycle.
	rejected := now.Add(2 * time.Hour)
	x.clk.Set(rejected)
	if res, err := x.q.Outcome(ctx, late.ID, "rejected", "late-rej", "rep", rejected); err != nil || !res.Recycled {
		t.Fatalf("reject: %+v %v", res, err)
	}
	hist, _ := x.q.History(ctx, late.ID)
	recycled := hist[len(hist)-1]
	again := []event.Event{ev("late-1", "late-1c", event.Download, rejected.Add(-30*time.Minute)), ev("late-1", "late-1d", event.FormSubmit, rejected.Add(-20*time.Minute))}
	x.store(t, again...)
	x.clk.Set(rejected.Add(5 * time.Hour))
	x.process(t, again...)
	if m, h := mqlOf(t, late.ID); m.Cycle != 2 || recycled.To != qualify.StageRecycled || !m.At.Equal(recycled.At) || !h.At.Equal(recycled.At) || !m.RaisedAt.Equal(rejected.Add(5*time.Hour)) {
		t.Fatalf("second MQL %+v, last stage change %+v; want cycle 2 at the recycle's %+v", m, h, recycled)
	}
	// A verdict dated after it qualified but before it was raised is of
	// the first cycle's lead (sales could not have seen this one).
	if res, err := x.q.Outcome(ctx, late.ID, "accepted", "late-acc", "rep", rejected.Add(time.Hour)); err != nil || res.Applied {
		t.Fatalf("a verdict dated before the MQL reached sales applied to it: %+v %v", res, err)
	}
}

// lateJourney: a batch sent days late whose form qualified the person at
// 10:01 Monday, with an ad's visit of Monday afternoon after it: the MQL
// is dated 10:01, and its journey (what attribution credits it to) holds
// the touches up to then, not the visit that came after it; nor do the
// events behind it ("What led to it").
func lateJourney(t *testing.T, f tabletest.Factory) {
	ctx := context.Background()
	x := newFx(t, f)
	p := x.identify(t, "lj-1", "journey@example.com", t0)
	first := ev("lj-1", "lj-a", event.Download, t0.Add(time.Hour))
	first.UTM = event.UTM{Source: "newsletter", Medium: "email", Campaign: "before"}
	form := ev("lj-1", "lj-b", event.FormSubmit, t0.Add(time.Hour+time.Minute))
	after := ev("lj-1", "lj-c", event.PageView, t0.Add(5*time.Hour))
	after.UTM = event.UTM{Source: "google", Medium: "cpc", Campaign: "after"}
	e := []event.Event{first, form, after}
	x.store(t, e...)
	x.clk.Set(t0.Add(72 * time.Hour))
	x.process(t, e...)
	ms, err := x.q.MQLs(ctx, p.ID)
	if err != nil || len(ms) != 1 || !ms[0].At.Equal(form.Timestamp) || ms[0].Journey == nil {
		t.Fatalf("MQLs %+v %v; want one at the form's %v with its journey", ms, err, form.Timestamp)
	}
	j := ms[0].Journey
	if j.N != 1 || j.First == nil || j.First.EventID != first.ID || j.Last != nil {
		t.Fatalf("journey of %d touches, first %+v, last %+v; want the newsletter's alone (the ad's visit came after the MQL)", j.N, j.First, j.Last)
	}
	if fmt.Sprint(ms[0].Events) != "[lj-b lj-a]" {
		t.Fatalf("events behind the MQL %v, want [lj-b lj-a] (the visit came after it)", ms[0].Events)
	}
}

// veryLate: a form and download dated 100 days before they reached Baton
// (a client's clock, a batch held back, or anyone posting the public
// collector a backdated form): the lead and its MQL are dated no earlier
// than identity.MaxLate before, and the SLA sweep, which reads the MQL
// index by that date, finds the MQL raised within its window unanswered
// (it looked back 90 days of qualifying time, not of raising).
func veryLate(t *testing.T, f tabletest.Factory) {
	ctx := context.Background()
	x := newFx(t, f)
	raised := t0.Add(100 * 24 * time.Hour)
	x.clk.Set(raised)
	p := x.identify(t, "vl", "verylate@example.com", t0)
	if !p.CreatedAt.Equal(raised.Add(-identity.MaxLate)) {
		t.Fatalf("lead created %v, want %v (MaxLate before now)", p.CreatedAt, raised.Add(-identity.MaxLate))
	}
	e := []event.Event{ev("vl", "vl-a", event.Download, t0.Add(time.Minute)), ev("vl", "vl-b", event.FormSubmit, t0.Add(2*time.Minute))}
	x.store(t, e...)
	x.process(t, e...)
	ms, err := x.q.MQLs(ctx, p.ID)
	if err != nil || len(ms) != 1 || !ms[0].At.Equal(raised.Add(-identity.MaxLate)) || !ms[0].RaisedAt.Equal(raised) {
		t.Fatalf("MQLs %+v %v; want one at %v raised %v", ms, err, raised.Add(-identity.MaxLate), raised)
	}
	// The first sweep since (the SLA configured lately, or sweeps failing):
	// raised 70 days ago, within the 90 days looked back, dated 100 ago.
	x.clk.Set(raised.Add(70 * 24 * time.Hour))
	bs, err := (&sla.Sweeper{Q: x.q, Now: x.clk.Now}).Sweep(ctx, 24*time.Hour, 90*24*time.Hour, nil)
	if err != nil || len(bs) != 1 || bs[0].MQL.ID != ms[0].ID {
		t.Fatalf("breaches %+v %v; want the MQL raised 70 days ago, unanswered", bs, err)
	}
}
