// Package scorebench measures scoring: the rules engine alone, the whole
// score path on the embedded store (changes of the feed through
// scorefeed.HandleChanges), and a rescore. The Go benchmarks of rulebook and
// scorefeed and `make bench` (infra/bench) run the same code, so the figures
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
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/changefeed"
	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/rulebook"
	"github.com/baton-hq/baton/internal/scorefeed"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/bolttable"
)

// HistoryEvents is the length of the person's scored history.
const HistoryEvents = 1200

// Batch is the number of changes per HandleChanges call on the embedded
// store (the local stack's feed consumer); the score function on AWS gets
// AWSBatch (template.yaml).
const (
	Batch    = changefeed.EmbeddedBatch
	AWSBatch = 100
)

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
	ev := event.Event{ID: fmt.Sprintf("%s-%016x", visitor, spread(uint64(i))), VisitorID: visitor, Type: event.PageView, ReceivedAt: at, Timestamp: at}
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

// spread makes message ids as random as the tag's (UUIDs), deterministically.
func spread(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
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

// Fixture is a bbolt store holding identified people, each with a scored
// history, and the qualifier that scores them.
type Fixture struct {
	T        table.Table
	Q        *qualify.Qualifier
	Log      *eventlog.Log
	People   []string // person ids
	Visitors []string // each person's browser
	Clock    *clock.Manual
	next     []int // each person's next event
}

// NewFixture opens a store under dir with people people, each with a
// history of history events scored.
func NewFixture(ctx context.Context, dir string, people, history int) (*Fixture, error) {
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
	d := &identity.Directory{T: t, Now: clk.Now}
	q := &qualify.Qualifier{T: t, Dir: d, Log: log, Engine: &rulebook.Engine{R: r}, Now: clk.Now}
	f := &Fixture{T: t, Q: q, Log: log, Clock: clk, next: make([]int, people)}
	st := &identity.Stitcher{Dir: d, Log: log}
	for i := 0; i < people; i++ {
		vis := fmt.Sprintf("bench-visitor-%04d", i)
		p, _, err := st.Identify(ctx, identity.Identification{Visitor: vis, Email: vis + "@example.com", At: T0, Strength: identity.Strong,
			Fields: map[string]string{"title": "Engineer", "employees": "10"}}) // grade D: never qualifies, every batch is scored in full
		if err != nil {
			t.Close()
			return nil, err
		}
		f.People, f.Visitors = append(f.People, p.ID), append(f.Visitors, vis)
		for f.next[i] < history {
			cs, err := f.Changes(ctx, i, min(1000, history-f.next[i]))
			if err != nil {
				t.Close()
				return nil, err
			}
			if _, err := scorefeed.HandleChanges(ctx, q, cs, nil); err != nil {
				t.Close()
				return nil, err
			}
		}
	}
	return f, nil
}

// Changes stores person i's next n events and returns them as the feed
// announces them (inserts of the stored items), moving the clock on to
// them when they are later than it.
func (f *Fixture) Changes(ctx context.Context, i, n int) ([]table.Change, error) {
	evs := make([]event.Event, n)
	for k := range evs {
		evs[k] = Event(f.Visitors[i], f.next[i]+k, T0)
	}
	f.next[i] += n
	if _, err := f.Log.Append(ctx, evs); err != nil {
		return nil, err
	}
	if at := evs[n-1].Timestamp.Add(time.Second); at.After(f.Clock.Now()) {
		f.Clock.Set(at)
	}
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

// ScorePath measures the whole score path on the embedded store: feed
// batches of batch changes, each the events of one person with a long
// history, through scorefeed.HandleChanges. Every person starts with
// HistoryEvents scored and gets 1,000 more at most (people enough for b.N),
// so the history stays 1,200 to 2,200 events long. The events are stored
// before the clock starts. It reports events per processor second and per
// second.
func ScorePath(batch int) func(b *testing.B) {
	return func(b *testing.B) { scorePath(b, batch) }
}

func scorePath(b *testing.B, batch int) {
	ctx := context.Background()
	people := max(1, (b.N+999)/1000)
	f, err := NewFixture(ctx, b.TempDir(), people, HistoryEvents)
	if err != nil {
		b.Fatal(err)
	}
	defer f.T.Close()
	batches := make([][]table.Change, 0, b.N/batch+1)
	for done := 0; done < b.N; done += batch {
		cs, err := f.Changes(ctx, (done/batch)%people, min(batch, b.N-done))
		if err != nil {
			b.Fatal(err)
		}
		batches = append(batches, cs)
	}
	runtime.GC() // the garbage of storing them is not the score path's
	b.ReportAllocs()
	b.ResetTimer()
	cpu := CPU()
	for _, cs := range batches {
		if n, err := scorefeed.HandleChanges(ctx, f.Q, cs, nil); err != nil || n != len(cs) {
			b.Fatalf("handled %d of %d: %v", n, len(cs), err)
		}
	}
	b.ReportMetric(float64(b.N)/(CPU()-cpu).Seconds(), "events/cpu-s")
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// Timing is a run's wall and processor time.
type Timing struct{ Wall, CPU time.Duration }

// Rescore stores people×perPerson events on a bbolt store under dir and
// times two rescore jobs over everyone (as POST /admin/rescore starts them),
// in wall and processor time: the first finds nobody scored yet (each person
// is scored from scratch), the second rebuilds scored people (the rescore
// after a rules change: a new ledger generation written, the record
// flipped, the old generation deleted).
func Rescore(ctx context.Context, dir string, people, perPerson int) (first, again Timing, err error) {
	r, err := Rules()
	if err != nil {
		return first, again, err
	}
	clk := clock.NewManual(T0)
	t, err := bolttable.Open(filepath.Join(dir, "rescore.db"), bolttable.WithClock(clk.Now))
	if err != nil {
		return first, again, err
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
			return first, again, err
		}
		for i := 0; i < perPerson; i += 1000 {
			evs := make([]event.Event, 0, 1000)
			for k := i; k < min(i+1000, perPerson); k++ {
				evs = append(evs, Event(vis, k, T0))
			}
			if _, err := log.Append(ctx, evs); err != nil {
				return first, again, err
			}
		}
	}
	clk.Set(end)
	run := func() (Timing, error) {
		runtime.GC() // the garbage of what came before is not the job's
		job, err := q.StartRescore(ctx)
		if err != nil {
			return Timing{}, err
		}
		start, cpu0 := time.Now(), CPU()
		for job.Status != "done" {
			if job, err = q.AdvanceRescore(ctx, job.ID, 50); err != nil {
				return Timing{}, err
			}
		}
		if job.Done != people {
			return Timing{}, fmt.Errorf("scorebench: rescored %d of %d people", job.Done, people)
		}
		return Timing{time.Since(start), CPU() - cpu0}, nil
	}
	if first, err = run(); err != nil {
		return first, again, err
	}
	clk.Set(end.Add(time.Hour))
	again, err = run()
	return first, again, err
}
