package qualifytest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/table"
)

// watched calls after once each write to the table has committed: the
// moments at which a reader (or a crash) can observe the store.
type watched struct {
	table.Table
	mu    sync.Mutex
	after func()
}

func (w *watched) hook(err error) error {
	if err == nil && w.after != nil {
		w.mu.Lock()
		defer w.mu.Unlock()
		w.after()
	}
	return err
}

func (w *watched) Put(ctx context.Context, it table.Item, c table.Cond) error {
	return w.hook(w.Table.Put(ctx, it, c))
}

func (w *watched) Delete(ctx context.Context, pk, sk string, c table.Cond) error {
	return w.hook(w.Table.Delete(ctx, pk, sk, c))
}

func (w *watched) Transact(ctx context.Context, ws []table.Write) error {
	return w.hook(w.Table.Transact(ctx, ws))
}

func (w *watched) Add(ctx context.Context, pk, sk, kind string, d map[string]int64) (map[string]int64, error) {
	out, err := w.Table.Add(ctx, pk, sk, kind, d)
	return out, w.hook(err)
}

// PutMany is not atomic: each item is a moment of its own.
func (w *watched) PutMany(ctx context.Context, ws []table.Write) []error {
	errs := make([]error, len(ws))
	for i, x := range ws {
		errs[i] = w.hook(w.Table.PutMany(ctx, []table.Write{x})[0])
	}
	return errs
}

// longHistory stores and scores n page views for each of people persons
// (enough for several of the pipeline's transactions per person) under
// the engine in force, and returns their ids.
func longHistory(t *testing.T, x fx, people, n int) []string {
	t.Helper()
	var ids []string
	for i := 0; i < people; i++ {
		vis := fmt.Sprintf("lh%d", i)
		p := x.identify(t, vis, fmt.Sprintf("long%d@example.com", i), t0)
		var evs []event.Event
		for k := 0; k < n; k++ {
			evs = append(evs, ev(vis, fmt.Sprintf("%s-e%03d", vis, k), event.PageView, t0.Add(time.Duration(k+1)*time.Minute)))
		}
		x.store(t, evs...)
		x.process(t, evs...)
		ids = append(ids, p.ID)
	}
	return ids
}

// whole says why a person's stored score is not one engine's whole result
// ("" when it is): the record names the rules it was built under, and the
// ledger holds every scored event once, each with that engine's points,
// summing to the record's behaviour score.
func whole(ctx context.Context, q *qualify.Qualifier, person string, events int) string {
	rec, err := q.Record(ctx, person)
	if err != nil {
		return err.Error()
	}
	led, err := q.Ledger(ctx, person)
	if err != nil {
		return err.Error()
	}
	var mult float64
	switch rec.Rules {
	case points{}.Version():
		mult = 1
	case points{mult: 2}.Version():
		mult = 2
	default:
		return "record under rules " + rec.Rules
	}
	seen, sum := map[string]bool{}, 0.0
	for _, c := range led {
		if c.EventID == "" {
			continue
		}
		if seen[c.EventID] {
			return "event " + c.EventID + " twice in the ledger"
		}
		seen[c.EventID] = true
		if c.Delta != value[c.EventType]*mult {
			return fmt.Sprintf("ledger entry %s gives %g under %s", c.EventID, c.Delta, rec.Rules)
		}
		sum += c.Delta
	}
	if len(seen) != events {
		return fmt.Sprintf("ledger has %d of %d events (record under %s)", len(seen), events, rec.Rules)
	}
	if sum != rec.Verdict.Behaviour {
		return fmt.Sprintf("ledger sums to %g, record says %g", sum, rec.Verdict.Behaviour)
	}
	return ""
}

// rescoreAllOrNothing: a rescore rebuilds each person all or nothing. After
// every write the rescore commits, every person is whole under the old
// rules or whole under the new ones: never half-rebuilt.
func rescoreAllOrNothing(t *testing.T, f func(t *testing.T) fx) {
	ctx := context.Background()
	x := f(t)
	w := &watched{Table: x.q.T}
	ids := longHistory(t, x, 2, 60)
	q := *x.q
	q.T, q.Log, q.Dir = w, &eventlog.Log{T: w, Now: x.clk.Now}, &identity.Directory{T: w, Now: x.clk.Now}
	q.Engine = points{mult: 2}
	job, err := q.StartRescore(ctx)
	if err != nil {
		t.Fatal(err)
	}
	moments := 0
	w.after = func() {
		moments++
		for _, id := range ids {
			if why := whole(ctx, x.q, id, 60); why != "" {
				t.Fatalf("after write %d of the rescore, person %s is half-rebuilt: %s", moments, id, why)
			}
		}
	}
	if err := q.RunRescores(ctx); err != nil {
		t.Fatal(err)
	}
	w.after = nil
	if job, err = q.RescoreJob(ctx, job.ID); err != nil || job.Status != "done" {
		t.Fatalf("job %+v %v", job, err)
	}
	for _, id := range ids {
		if rec, _ := q.Record(ctx, id); rec.Rules != "points-x2" || rec.Verdict.Behaviour != 600 {
			t.Fatalf("after the rescore: %+v", rec)
		}
	}
	if moments < 2 {
		t.Fatalf("the rescore committed %d writes: nothing observed", moments)
	}
}
