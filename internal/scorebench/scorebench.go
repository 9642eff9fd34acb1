// Package scorebench measures scoring: the rules engine alone, the whole
// score path on the embedded store (changes of the feed through
// qualify.HandleChanges), and a rescore. The Go benchmarks of rulebook and
// qualify and `make bench` (infra/bench) run the same code, so the figures
// printed beside the targets are the ones the benchmarks measure.
//
// The person is the expensive case: a long history (HistoryEvents events a
// rule matched, infra/rules.yaml) scored before the clock starts.
package scorebench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/rulebook"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/bolttable"
)

// HistoryEvents is the length of the person's scored history.
const HistoryEvents = 1200

// Batch is the number of changes per HandleChanges call: the feed
// consumers' default batch (changefeed.Consumer, the score function's).
const Batch = 100

// T0 is the benchmark's fixed start of history (benchmarks never read the
// wall clock either).
var T0 = time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC)

// Rules loads infra/rules.yaml, found from the working directory upwards.
func Rules() (*rulebook.Rules, error) {
	dir, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	for {
		p := filepath.Join(dir, "infra", "rules.yaml")
		if _, err := os.Stat(p); err == nil {
			return rulebook.Load(p)
		}
		up := filepath.Dir(dir)
		if up == dir {
			return nil, fmt.Errorf("scorebench: infra/rules.yaml not found above the working directory")
		}
		dir = up
	}
}

// Event is the i-th event of a visitor's browsing, one every 7 minutes from
// start: mostly page views (blog, pricing), some downloads, forms and videos,
// so daily and per-person caps and once-rules all come into play.
func Event(visitor string, i int, start time.Time) event.Event {
	at := start.Add(time.Duration(i) * 7 * time.Minute)
	ev := event.Event{ID: fmt.Sprintf("%s-%07d", visitor, i), VisitorID: visitor, Type: event.PageView, ReceivedAt: at, Timestamp: at}
	switch i % 10 {
	case 6:
		ev.URL = "https://www.example.com/pricing"
	case 7:
		ev.Type, ev.URL = event.Download, fmt.Sprintf("https://www.example.com/files/wp-%d.pdf", i%13)
	case 8:
		ev.Type, ev.Name, ev.URL = event.Custom, "video_played", "https://www.example.com/product"
	case 9:
		if i%50 == 9 {
			ev.Type, ev.URL = event.FormSubmit, "https://www.example.com/contact"
			ev.Properties = map[string]any{"form": map[string]any{"id": "newsletter"}}
		} else {
			ev.URL = "https://www.example.com/docs/setup"
		}
	default:
		ev.URL = fmt.Sprintf("https://www.example.com/blog/post-%d", i%40)
	}
	return ev
}

// CPU is the processor time this process has used (user and system, every
// thread): events per CPU second is throughput per core, whatever else the
// machine is running.
func CPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// Engine measures the rules engine: a person with HistoryEvents matched
// events, then b.N new events applied Batch at a time (one call per person
// per stream batch, as the score path calls it). It reports events/s.
func Engine(b *testing.B) {
	r, err := Rules()
	if err != nil {
		b.Fatal(err)
	}
	e := &rulebook.Engine{R: r}
	const vis = "bench-visitor"
	hist := make([]event.Event, HistoryEvents)
	for i := range hist {
		hist[i] = Event(vis, i, T0)
	}
	state, _, err := e.Apply(nil, hist, hist[len(hist)-1].Timestamp)
	if err != nil {
		b.Fatal(err)
	}
	// Every 2,000 events start again from the same history, so the person
	// keeps the same length of history however long the benchmark runs.
	const cycle = 20 * Batch
	base := state
	evs := make([]event.Event, cycle)
	for k := range evs {
		evs[k] = Event(vis, HistoryEvents+k, T0)
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu := CPU()
	for done := 0; done < b.N; done += Batch {
		n := min(Batch, b.N-done)
		k := done % cycle
		if k == 0 {
			state = base
		}
		if state, _, err = e.Apply(state, evs[k:k+n], evs[k+n-1].Timestamp); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/(CPU()-cpu).Seconds(), "events/cpu-s")
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(len(state)), "state-bytes")
}

// Fixture is a bbolt store holding one identified person with a scored
// history, and the qualifier that scores them.
type Fixture struct {
	T       table.Table
	Q       *qualify.Qualifier
	Log     *eventlog.Log
	Person  string
	Visitor string
	Clock   *clock.Manual
	next    int
}

// NewFixture opens a store under dir and scores the person's history.
func NewFixture(ctx context.Context, dir string, history int) (*Fixture, error) {
	r, err := Rules()
	if err != nil {
		return nil, err
	}
	clk := clock.NewManual(T0)
	t, err := bolttable.Open(filepath.Join(dir, "bench.db"), bolttable.WithClock(clk.Now))
	if err != nil {
		return nil, err
	}
	log := &eventlog.Log{T: t}
	dir2 := &identity.Directory{T: t, Now: clk.Now}
	q := &qualify.Qualifier{T: t, Dir: dir2, Log: log, Engine: &rulebook.Engine{R: r}, Now: clk.Now}
	f := &Fixture{T: t, Q: q, Log: log, Visitor: "bench-visitor", Clock: clk}
	st := &identity.Stitcher{Dir: dir2, Log: log}
	p, _, err := st.Identify(ctx, identity.Identification{Visitor: f.Visitor, Email: "long.history@example.com", At: T0, Strength: identity.Strong,
		Fields: map[string]string{"title": "Engineer", "employees": "10"}}) // grade D: the person never qualifies, every batch is scored in full
	if err != nil {
		t.Close()
		return nil, err
	}
	f.Person = p.ID
	for f.next < history {
		cs, err := f.Changes(ctx, min(1000, history-f.next))
		if err != nil {
			t.Close()
			return nil, err
		}
		if _, err := q.HandleChanges(ctx, cs, nil); err != nil {
			t.Close()
			return nil, err
		}
	}
	return f, nil
}

// Changes stores the person's next n events and returns them as the feed
// announces them (inserts of the stored items), moving the clock along.
func (f *Fixture) Changes(ctx context.Context, n int) ([]table.Change, error) {
	evs := make([]event.Event, n)
	for k := range evs {
		evs[k] = Event(f.Visitor, f.next+k, T0)
	}
	f.next += n
	if _, err := f.Log.Append(ctx, evs); err != nil {
		return nil, err
	}
	f.Clock.Set(evs[n-1].Timestamp.Add(time.Second))
	cs := make([]table.Change, n)
	for k, ev := range evs {
		it, err := f.T.Get(ctx, eventlog.VisitorPK(ev.VisitorID), "E#"+ev.ID)
		if err != nil {
			return nil, err
		}
		cs[k] = table.Change{Op: table.OpInsert, Item: it}
	}
	return cs, nil
}

// ScorePath measures the whole score path on the embedded store: b.N
// events of the long-history person stored, then fed through
// qualify.HandleChanges Batch changes at a time (storing them is outside
// the timer). It reports events/s.
func ScorePath(b *testing.B) {
	ctx := context.Background()
	f, err := NewFixture(ctx, b.TempDir(), HistoryEvents)
	if err != nil {
		b.Fatal(err)
	}
	defer f.T.Close()
	b.ReportAllocs()
	b.ResetTimer()
	var cpu time.Duration
	for done := 0; done < b.N; done += Batch {
		b.StopTimer()
		cs, err := f.Changes(ctx, min(Batch, b.N-done))
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		c0 := CPU()
		if n, err := f.Q.HandleChanges(ctx, cs, nil); err != nil || n != len(cs) {
			b.Fatalf("handled %d of %d: %v", n, len(cs), err)
		}
		cpu += CPU() - c0
	}
	b.ReportMetric(float64(b.N)/cpu.Seconds(), "events/cpu-s")
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// Rescore stores people×perPerson events on a bbolt store under dir and
// times rescoring everyone (the rescore job, as POST /admin/rescore starts
// it), in wall and processor time.
func Rescore(ctx context.Context, dir string, people, perPerson int) (wall, cpu time.Duration, err error) {
	r, err := Rules()
	if err != nil {
		return 0, 0, err
	}
	clk := clock.NewManual(T0)
	t, err := bolttable.Open(filepath.Join(dir, "rescore.db"), bolttable.WithClock(clk.Now))
	if err != nil {
		return 0, 0, err
	}
	defer t.Close()
	log := &eventlog.Log{T: t}
	d := &identity.Directory{T: t, Now: clk.Now}
	q := &qualify.Qualifier{T: t, Dir: d, Log: log, Engine: &rulebook.Engine{R: r}, Now: clk.Now}
	st := &identity.Stitcher{Dir: d, Log: log}
	end := T0.Add(time.Duration(perPerson) * 7 * time.Minute)
	for p := 0; p < people; p++ {
		vis := fmt.Sprintf("rescore-%05d", p)
		if _, _, err := st.Identify(ctx, identity.Identification{Visitor: vis, Email: vis + "@example.com", At: T0, Strength: identity.Strong}); err != nil {
			return 0, 0, err
		}
		for i := 0; i < perPerson; i += 1000 {
			evs := make([]event.Event, 0, 1000)
			for k := i; k < min(i+1000, perPerson); k++ {
				evs = append(evs, Event(vis, k, T0))
			}
			if _, err := log.Append(ctx, evs); err != nil {
				return 0, 0, err
			}
		}
	}
	clk.Set(end)
	job, err := q.StartRescore(ctx)
	if err != nil {
		return 0, 0, err
	}
	start, cpu0 := time.Now(), CPU()
	for job.Status != "done" {
		if job, err = q.AdvanceRescore(ctx, job.ID, 50); err != nil {
			return 0, 0, err
		}
	}
	if job.Done != people {
		return 0, 0, fmt.Errorf("scorebench: rescored %d of %d people", job.Done, people)
	}
	return time.Since(start), CPU() - cpu0, nil
}
