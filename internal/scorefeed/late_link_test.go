package scorefeed_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/scorefeed"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/bolttable"
)

// pageCount is an engine giving a point per page view, once per event.
type pageCount struct{}

type pcState struct {
	Score float64         `json:"score"`
	Seen  map[string]bool `json:"seen"`
}

func (pageCount) Version() string { return "pages" }

func (pageCount) Apply(raw json.RawMessage, evs []event.Event, _ time.Time) (json.RawMessage, []qualify.Contribution, error) {
	st := pcState{Seen: map[string]bool{}}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &st); err != nil {
			return nil, nil, err
		}
	}
	var cs []qualify.Contribution
	for _, ev := range evs {
		if ev.Type != event.PageView || st.Seen[ev.ID] {
			continue
		}
		st.Seen[ev.ID], st.Score = true, st.Score+1
		cs = append(cs, qualify.Contribution{Rule: "page", Kind: "behaviour", EventID: ev.ID, EventType: ev.Type, Delta: 1, At: ev.Timestamp})
	}
	out, err := json.Marshal(st)
	return out, cs, err
}

func (pageCount) Evaluate(raw json.RawMessage, _ map[string]string, _ string, _ time.Time) (qualify.Verdict, error) {
	var st pcState
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &st); err != nil {
			return qualify.Verdict{}, err
		}
	}
	return qualify.Verdict{Behaviour: st.Score}, nil
}

func (pageCount) Recycle(raw json.RawMessage, _ time.Time) (json.RawMessage, qualify.Contribution, error) {
	return raw, qualify.Contribution{}, nil
}

// TestLateFormRescoresWhomItConcerns: a form placed before the browser's
// current one (it arrived late) moves a period from one person to
// another. Its link's change scored the current person alone: the late
// form's person never got the page views of their period, and the person
// they were scored to (the feed scored them before the late link was
// written) kept them.
func TestLateFormRescoresWhomItConcerns(t *testing.T) {
	ctx := context.Background()
	t0 := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	min := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Minute) }
	clk := clock.Fixed(min(60))
	tb, err := bolttable.Open(filepath.Join(t.TempDir(), "b.db"), bolttable.WithClock(clk)) // the events' expiry, on the test's clock
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tb.Close() })
	log := &eventlog.Log{T: tb, Retention: 400 * 24 * time.Hour, Now: clk}
	dir := &identity.Directory{T: tb, Now: clk}
	st := &identity.Stitcher{Dir: dir, Log: log}
	q := &qualify.Qualifier{T: tb, Dir: dir, Log: log, Engine: pageCount{}, Now: clk}
	linkChanged := func() {
		t.Helper()
		it, err := tb.Get(ctx, eventlog.VisitorPK("kiosk"), "LINK")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := scorefeed.HandleChanges(ctx, q, []table.Change{{Op: table.OpModify, Item: it}}, nil); err != nil {
			t.Fatal(err)
		}
	}
	identify := func(email string, at time.Time) identity.Person {
		t.Helper()
		p, _, err := st.Identify(ctx, identity.Identification{Visitor: "kiosk", Email: email, At: at, Strength: identity.Strong, Source: "form"})
		if err != nil {
			t.Fatal(err)
		}
		linkChanged()
		return p
	}
	page := func(id string, at time.Time) {
		t.Helper()
		ev := event.Event{ID: id, Type: event.PageView, VisitorID: "kiosk", URL: "https://www.example.com/" + id, ReceivedAt: at, Timestamp: at}
		if _, err := log.Append(ctx, []event.Event{ev}); err != nil {
			t.Fatal(err)
		}
		if err := q.Process(ctx, []event.Event{ev}); err != nil {
			t.Fatal(err)
		}
	}
	a := identify("a@example.com", min(10))
	page("a-1", min(11))
	b := identify("b@example.com", min(20))
	page("b-1", min(21))
	// C filled in the form at minute 15 and read a page at 16; the page
	// was scored before C's form reached Baton.
	page("c-1", min(16))
	c := identify("c@example.com", min(15))
	score := func(p identity.Person) float64 {
		rec, err := q.Record(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		return rec.Verdict.Behaviour
	}
	if sa, sb, sc := score(a), score(b), score(c); sa != 1 || sb != 1 || sc != 1 {
		t.Errorf("pages scored: A %v, B %v, C %v; want one each (A a-1, B b-1, C c-1)", sa, sb, sc)
	}
}
