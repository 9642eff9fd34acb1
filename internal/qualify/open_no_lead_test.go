package qualify_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/reports"
	"github.com/baton-hq/baton/internal/rulebook"
	"github.com/baton-hq/baton/internal/table/bolttable"
)

// openWorld is a list's recipient (a grade-A CEO by the list's columns)
// who opens the newsletter once, in an ordinary mail client, scored as the
// feed scores it: the open's event, then its pseudo-visitor's link.
type openWorld struct {
	q      *qualify.Qualifier
	tb     *bolttable.Table
	p      identity.Person
	listAt time.Time
}

func newOpenWorld(t *testing.T, rules *rulebook.Rules) *openWorld {
	t.Helper()
	ctx := context.Background()
	listAt := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	clk := clock.NewManual(listAt)
	tb, err := bolttable.Open(filepath.Join(t.TempDir(), "b.db"), bolttable.WithClock(clk.Now))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tb.Close() })
	log := &eventlog.Log{T: tb, Now: clk.Now}
	dir := &identity.Directory{T: tb, Now: clk.Now}
	q := &qualify.Qualifier{T: tb, Dir: dir, Log: log, Engine: &rulebook.Engine{R: rules}, Now: clk.Now}
	p, _, err := dir.EnsureWith(ctx, "saki@delta.example.jp", "list:nov-news", map[string]string{"title": "CEO", "industry": "software"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	clk.Advance(26 * time.Hour)
	open := event.Event{ID: "open-1", Type: event.EmailOpen, VisitorID: identity.PseudoVisitor(p.ID), UserID: p.ID,
		Timestamp: clk.Now(), ReceivedAt: clk.Now(), Properties: map[string]any{"campaign": "nov-news", "person": p.ID},
		Client: event.Client{UserAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36", Method: "GET"}}
	if open.Flagged() {
		t.Fatal("the open is flagged: it must be a reader's")
	}
	if _, err := log.Append(ctx, []event.Event{open}); err != nil {
		t.Fatal(err)
	}
	if err := q.Process(ctx, []event.Event{open}); err != nil {
		t.Fatal(err)
	}
	st := &identity.Stitcher{Dir: dir, Log: log}
	if _, err := st.LinkPerson(ctx, open.VisitorID, p.ID, time.Time{}, identity.Strong); err != nil {
		t.Fatal(err)
	}
	if err := q.ScorePerson(ctx, p.ID); err != nil { // the link's change
		t.Fatal(err)
	}
	return &openWorld{q: q, tb: tb, p: p, listAt: listAt}
}

func (w *openWorld) leads(t *testing.T) int64 {
	t.Helper()
	c, err := reports.FunnelCounters(context.Background(), w.tb, reports.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	return c["(all)"][qualify.StageLead]
}

func defaultRules(t *testing.T, extra string) *rulebook.Rules {
	t.Helper()
	b, err := os.ReadFile("../../infra/rules.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if extra != "" {
		b = []byte(strings.Replace(string(b), "\nbehaviour:\n", "\nbehaviour:\n"+extra, 1))
	}
	r, err := rulebook.Parse("rules.yaml", b)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestOpenNoRuleScoresMakesNoLead: under the default rules (no rule names
// email_open) a recipient's open earned nothing, yet it wrote her a score
// record: a lead in the funnel, her stage リード with "no score yet", an
// "identified" stage change dated at the list's upload and explain's
// scored true with an empty ledger. She stays a recipient: no record, no
// stage history, no lead counted, after a rescore too, and the lab's
// replay raises no would-be MQL from her list's attributes either.
func TestOpenNoRuleScoresMakesNoLead(t *testing.T) {
	ctx := context.Background()
	w := newOpenWorld(t, defaultRules(t, ""))
	rec, err := w.q.Record(ctx, w.p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !rec.Unscored {
		t.Errorf("her open made her scored: stage %q", rec.Stage)
	}
	if h, err := w.q.History(ctx, w.p.ID); err != nil || len(h) != 0 {
		t.Errorf("stage history %+v %v, want none", h, err)
	}
	if n := w.leads(t); n != 0 {
		t.Errorf("the funnel counts %d leads, want 0", n)
	}
	if err := w.q.RescorePerson(ctx, w.p.ID); err != nil {
		t.Fatal(err)
	}
	if rec, err := w.q.Record(ctx, w.p.ID); err != nil || !rec.Unscored {
		t.Errorf("after a rescore: %+v %v", rec, err)
	}
	fitOnly := `name: fit-only
fit:
  rules:
    - name: ceo
      attribute: title
      match: "CEO"
      points: 60
grades:
  A: 50
  B: 30
  C: 10
mql:
  - name: fit
    grades: [A]
`
	r, err := rulebook.Parse("rules.yaml", []byte(fitOnly))
	if err != nil {
		t.Fatal(err)
	}
	_, sims, err := w.q.Simulate(ctx, w.p.ID, &rulebook.Engine{R: r})
	if err != nil {
		t.Fatal(err)
	}
	if len(sims[0].MQLs) != 0 {
		t.Errorf("the replay qualifies her on an open that scored nothing: %+v", sims[0].MQLs)
	}
}

// TestOpenARuleScoresMakesALead: where a rule names email_open, her open
// scores and she becomes a lead, as before.
func TestOpenARuleScoresMakesALead(t *testing.T) {
	ctx := context.Background()
	w := newOpenWorld(t, defaultRules(t, "  - name: newsletter-open\n    type: email_open\n    points: 1\n"))
	rec, err := w.q.Record(ctx, w.p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Unscored || rec.Stage != qualify.StageLead {
		t.Errorf("her scored open: unscored %v stage %q, want a lead", rec.Unscored, rec.Stage)
	}
	if h, err := w.q.History(ctx, w.p.ID); err != nil || len(h) != 1 || h[0].To != qualify.StageLead {
		t.Errorf("stage history %+v %v, want her identification", h, err)
	}
	if n := w.leads(t); n != 1 {
		t.Errorf("the funnel counts %d leads, want 1", n)
	}
}
