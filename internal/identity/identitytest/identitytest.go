// Package identitytest is the conformance suite for events and identity
// stitching, run on every table backend by internal/conformance.
package identitytest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/table/tabletest"
)

// Suite returns the suite.
func Suite() tabletest.Suite {
	return tabletest.Suite{Name: "identity", Run: run}
}

var t0 = time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)

func ev(visitor, id string, at time.Time) event.Event {
	return event.Event{ID: id, Type: event.PageView, VisitorID: visitor, URL: "https://example.com/" + id, ReceivedAt: at, Timestamp: at}
}

type fixture struct {
	log *eventlog.Log
	dir *identity.Directory
	st  *identity.Stitcher
}

func newFixture(t *testing.T, f tabletest.Factory) fixture {
	now := clock.Fixed(t0.Add(time.Hour))
	tb := f(t, now)
	log := &eventlog.Log{T: tb, Retention: 400 * 24 * time.Hour, Now: now}
	dir := &identity.Directory{T: tb, Now: now}
	return fixture{log: log, dir: dir, st: &identity.Stitcher{Dir: dir, Log: log}}
}

func (fx fixture) append(t *testing.T, evs ...event.Event) []bool {
	t.Helper()
	fresh, err := fx.log.Append(context.Background(), evs)
	if err != nil {
		t.Fatal(err)
	}
	return fresh
}

func (fx fixture) identify(t *testing.T, visitor, email string, at time.Time, s identity.Strength) (identity.Person, identity.LinkResult) {
	t.Helper()
	p, res, err := fx.st.Identify(context.Background(), identity.Identification{Visitor: visitor, Email: email, At: at, Strength: s, Source: "form",
		Fields: map[string]string{"email": email, "company": "Acme", "会社名": "", "favourite_colour": "blue", "password": "hunter2"}})
	if err != nil {
		t.Fatal(err)
	}
	return p, res
}

func (fx fixture) timeline(t *testing.T, person string) string {
	t.Helper()
	evs, err := fx.st.Timeline(context.Background(), person, 0)
	if err != nil {
		t.Fatal(err)
	}
	s := ""
	for _, e := range evs {
		s += e.ID + " "
	}
	// History (what scoring replays) is the same events oldest first.
	hist, err := fx.st.History(context.Background(), person)
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != len(evs) {
		t.Fatalf("history has %d events, timeline %d", len(hist), len(evs))
	}
	for i := range hist {
		if hist[i].ID != evs[len(evs)-1-i].ID {
			t.Fatalf("history is not the timeline oldest first: event %d is %s", i, hist[i].ID)
		}
	}
	return s
}

func run(t *testing.T, f tabletest.Factory) {
	ctx := context.Background()
	t.Run("EventStoredOnce", func(t *testing.T) {
		fx := newFixture(t, f)
		e := ev("v1", "m1", t0)
		if fresh := fx.append(t, e); !fresh[0] {
			t.Fatal("first append not fresh")
		}
		e.Timestamp = t0.Add(time.Hour) // a retry with another clock reading
		if fresh := fx.append(t, e, ev("v1", "m2", t0)); fresh[0] || !fresh[1] {
			t.Fatalf("repeat: fresh = %v, want [false true]", fresh)
		}
		evs, err := fx.log.Visitor(ctx, "v1")
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) != 2 || !evs[0].Timestamp.Equal(t0) {
			t.Fatalf("stored %+v", evs)
		}
	})
	// Parallel requests naming one person (a server-side integration's
	// identify calls, forms from two tabs) each read, change and put the
	// person on its version; retried at once, eight attempts let the ninth
	// of nine writers fail with "too much contention" and its fields were
	// lost (the caller answered 500). Every one of them lands.
	t.Run("ParallelWritersOfOnePersonAllLand", func(t *testing.T) {
		fx := newFixture(t, f)
		p, _ := fx.identify(t, "first", "busy@example.com", t0, identity.Strong)
		const writers = 24
		var wg sync.WaitGroup
		errs := make([]error, writers)
		for i := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if i%4 == 0 { // a form from another browser: the link and the person
					_, _, errs[i] = fx.st.Identify(ctx, identity.Identification{Visitor: fmt.Sprint("tab", i), Email: "busy@example.com",
						At: t0.Add(time.Duration(i) * time.Second), Strength: identity.Strong, Source: "form", Fields: map[string]string{fmt.Sprint("field", i): "x"}})
					return
				}
				_, _, errs[i] = fx.dir.Update(ctx, p.ID, nil, map[string]string{fmt.Sprint("field", i): "x"})
			}()
		}
		wg.Wait()
		got, err := fx.dir.Get(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		for i, err := range errs {
			if err != nil {
				t.Errorf("writer %d: %v", i, err)
			} else if got.Custom[fmt.Sprint("field", i)] != "x" {
				t.Errorf("writer %d's field lost: %v", i, got.Custom)
			}
		}
	})
	t.Run("WithdrawnPersonIdentifiedOnlyByTheirBrowser", func(t *testing.T) {
		fx := newFixture(t, f)
		p, _ := fx.identify(t, "laptop", "w@example.com", t0, identity.Strong)
		fx.identify(t, "phone", "w@example.com", t0, identity.Strong)
		if err := fx.st.WithdrawConsent(ctx, "laptop", t0.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		stranger := identity.Identification{Visitor: "stranger", Email: "w@example.com", At: t0.Add(time.Hour), Strength: identity.Strong, Source: "form",
			Fields: map[string]string{"company": "Someone Else"}}
		if _, _, err := fx.st.Identify(ctx, stranger); !errors.Is(err, identity.ErrConsentWithdrawn) {
			t.Fatalf("a browser not theirs, no consent: %v", err)
		}
		got, err := fx.dir.Get(ctx, p.ID)
		if err != nil || got.Attributes["company"] != "Acme" || got.ConsentWithdrawn.IsZero() {
			t.Fatalf("refused identify changed them: %v %+v", err, got)
		}
		if l, err := fx.dir.GetLink(ctx, "stranger"); err != nil || len(l.History) != 0 {
			t.Fatalf("refused identify linked the browser: %v %+v", err, l)
		}
		// One of their browsers: identified (lifting the withdrawal is
		// the collector's, for a form). A stranger's event saying consent
		// is granted is not: what it says is the sender's (the collector
		// passed it on, and a form from any browser lifted the opt-out).
		mine := stranger
		mine.Visitor = "phone"
		if q, _, err := fx.st.Identify(ctx, mine); err != nil || q.ID != p.ID {
			t.Fatalf("their own browser: %v %v", err, q.ID)
		}
	})
	t.Run("ConcurrentFirstSubmitsMakeOnePerson", func(t *testing.T) {
		fx := newFixture(t, f)
		var wg sync.WaitGroup
		ids := make([]string, 12)
		for i := range ids {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				p, _, err := fx.st.Identify(ctx, identity.Identification{Visitor: fmt.Sprintf("v%d", i), Email: "same@example.com", At: t0, Strength: identity.Strong})
				if err != nil {
					t.Error(err)
					return
				}
				ids[i] = p.ID
			}(i)
		}
		wg.Wait()
		for _, id := range ids {
			if id != ids[0] || id == "" {
				t.Fatalf("concurrent identifies made different people: %v", ids)
			}
		}
		vs, err := fx.dir.Visitors(ctx, ids[0])
		if err != nil || len(vs) != len(ids) {
			t.Fatalf("person has %d visitors (%v), want %d", len(vs), err, len(ids))
		}
	})
	t.Run("CustomFieldsAreBounded", func(t *testing.T) {
		// Anyone can send forms with someone's email: each with new field
		// names grew the person without end, until the item passed
		// DynamoDB's 400 KB and every later form of theirs failed (503).
		fx := newFixture(t, f)
		for form := range 30 {
			fields := map[string]string{}
			for i := range 10 {
				v := strings.Repeat("x", 2000)
				if i%2 == 1 {
					v = strings.Repeat("<", 2000) // 6 bytes each in JSON
				}
				fields[fmt.Sprintf("field_%02d_%d", form, i)] = v
			}
			if _, _, err := fx.st.Identify(ctx, identity.Identification{Visitor: "flood-v1", Email: "target@example.com", At: t0, Strength: identity.Strong, Fields: fields}); err != nil {
				t.Fatalf("form %d: %v", form, err)
			}
		}
		// A field kept still changes, and known attributes still land.
		p, _, err := fx.st.Identify(ctx, identity.Identification{Visitor: "flood-v1", Email: "target@example.com", At: t0, Strength: identity.Strong,
			Fields: map[string]string{"field_00_0": "changed", "company": "Acme"}})
		if err != nil {
			t.Fatal(err)
		}
		data, _ := json.Marshal(p)
		if n := len(p.Custom); n == 0 || n > identity.MaxCustomFields || len(data) > 200<<10 || p.Custom["field_00_0"] != "changed" || p.Attributes["company"] != "Acme" {
			t.Fatalf("%d custom fields (at most %d), %d bytes stored, field_00_0 %.10q, company %q", n, identity.MaxCustomFields, len(data), p.Custom["field_00_0"], p.Attributes["company"])
		}
	})
	t.Run("AnonymousHistoryBecomesThePersons", func(t *testing.T) {
		fx := newFixture(t, f)
		fx.append(t, ev("v1", "a1", t0), ev("v1", "a2", t0.Add(time.Minute)), ev("other", "x1", t0))
		p, res := fx.identify(t, "v1", "ann@example.com", t0.Add(2*time.Minute), identity.Strong)
		if !res.Changed {
			t.Fatal("first identify did not link")
		}
		fx.append(t, ev("v1", "a3", t0.Add(3*time.Minute)))
		if got := fx.timeline(t, p.ID); got != "a3 a2 a1 " {
			t.Fatalf("timeline = %q, want newest first a3 a2 a1", got)
		}
		if p.Attributes["company"] != "Acme" || p.Custom["favourite_colour"] != "blue" {
			t.Errorf("attributes %v custom %v", p.Attributes, p.Custom)
		}
		if _, ok := p.Custom["password"]; ok {
			t.Error("a password field became an attribute")
		}
		if _, ok := p.Attributes["email"]; ok {
			t.Error("email stored as an attribute")
		}
		got, err := fx.dir.ByEmail(ctx, "ann@example.com")
		if err != nil || got.ID != p.ID {
			t.Fatalf("ByEmail = %v, %v", got.ID, err)
		}
	})
	t.Run("SecondEmailSwitchesTheBrowserWithoutMerging", func(t *testing.T) {
		fx := newFixture(t, f)
		fx.append(t, ev("shared", "s1", t0))
		a, _ := fx.identify(t, "shared", "a@example.com", t0.Add(time.Minute), identity.Strong)
		fx.append(t, ev("shared", "s2", t0.Add(2*time.Minute)))
		b, res := fx.identify(t, "shared", "b@example.com", t0.Add(3*time.Minute), identity.Strong)
		if !res.Changed || res.Previous != a.ID || a.ID == b.ID {
			t.Fatalf("switch result %+v", res)
		}
		fx.append(t, ev("shared", "s3", t0.Add(4*time.Minute)))
		if got := fx.timeline(t, a.ID); got != "s2 s1 " {
			t.Errorf("first person's timeline = %q, want s2 s1", got)
		}
		if got := fx.timeline(t, b.ID); got != "s3 " {
			t.Errorf("second person's timeline = %q, want s3", got)
		}
		if _, err := fx.dir.Get(ctx, a.ID); err != nil {
			t.Errorf("first person gone: %v", err)
		}
		// Identifying again as b changes nothing.
		if _, res := fx.identify(t, "shared", "b@example.com", t0.Add(5*time.Minute), identity.Strong); res.Changed {
			t.Error("repeat identify changed the link")
		}
	})
	t.Run("PersonWithManyDevices", func(t *testing.T) {
		fx := newFixture(t, f)
		fx.append(t, ev("laptop", "l1", t0), ev("phone", "p1", t0.Add(time.Minute)))
		p, _ := fx.identify(t, "laptop", "dev@example.com", t0.Add(2*time.Minute), identity.Strong)
		fx.identify(t, "phone", "dev@example.com", t0.Add(3*time.Minute), identity.Strong)
		if got := fx.timeline(t, p.ID); got != "p1 l1 " {
			t.Fatalf("timeline = %q", got)
		}
	})
	t.Run("BrowsersPerPersonBounded", func(t *testing.T) {
		fx := newFixture(t, f)
		var p identity.Person
		for i := range identity.MaxBrowsers {
			var res identity.LinkResult
			p, res = fx.identify(t, fmt.Sprint("many-", i), "victim@example.com", t0.Add(time.Duration(i)*time.Second), identity.Strong)
			if !res.Changed || res.Refused {
				t.Fatalf("browser %d: %+v", i, res)
			}
		}
		fx.append(t, ev("one-too-many", "x1", t0))
		_, res := fx.identify(t, "one-too-many", "victim@example.com", t0.Add(time.Hour), identity.Strong)
		if !res.Full || !res.Refused || res.Changed {
			t.Fatalf("browser past the bound: %+v", res)
		}
		if l, _ := fx.dir.GetLink(ctx, "one-too-many"); len(l.History) != 0 {
			t.Fatalf("linked all the same: %+v", l)
		}
		if vs, _ := fx.dir.Visitors(ctx, p.ID); len(vs) != identity.MaxBrowsers {
			t.Fatalf("%d browsers", len(vs))
		}
		// One of theirs identifying again, or moving away and back, is no new browser.
		if _, res := fx.identify(t, "many-7", "victim@example.com", t0.Add(2*time.Hour), identity.Strong); res.Refused {
			t.Fatalf("known browser refused: %+v", res)
		}
		fx.identify(t, "many-8", "other@example.com", t0.Add(3*time.Hour), identity.Strong)
		if _, res := fx.identify(t, "many-8", "victim@example.com", t0.Add(4*time.Hour), identity.Strong); !res.Changed || res.Refused {
			t.Fatalf("browser coming back: %+v", res)
		}
		// Their own opens and offline touches are no browser's: never kept out.
		if _, res := fx.identify(t, identity.PseudoVisitor(p.ID), "victim@example.com", t0.Add(6*time.Hour), identity.Strong); !res.Changed || res.Refused {
			t.Fatalf("the person's pseudo-visitor: %+v", res)
		}
		// Someone else's browsers are not bounded by theirs.
		if _, res := fx.identify(t, "one-too-many", "someone@example.com", t0.Add(5*time.Hour), identity.Strong); !res.Changed {
			t.Fatalf("another person: %+v", res)
		}
	})
	t.Run("EmailClickNeverTakesOverAFormIdentifiedBrowser", func(t *testing.T) {
		fx := newFixture(t, f)
		owner, _ := fx.identify(t, "b1", "owner@example.com", t0, identity.Strong)
		_, res := fx.identify(t, "b1", "forwarder@example.com", t0.Add(time.Minute), identity.Weak)
		if !res.Refused || res.Changed {
			t.Fatalf("weak over strong: %+v", res)
		}
		l, _ := fx.dir.GetLink(ctx, "b1")
		if cur, _ := l.Current(); cur.Person != owner.ID {
			t.Fatalf("browser now belongs to %s", cur.Person)
		}
		// A weak link does identify an anonymous browser, and a form confirms it.
		fx.append(t, ev("b2", "c1", t0))
		p, res := fx.identify(t, "b2", "reader@example.com", t0.Add(time.Minute), identity.Weak)
		if !res.Changed {
			t.Fatal("weak link on anonymous browser did nothing")
		}
		fx.identify(t, "b2", "reader@example.com", t0.Add(2*time.Minute), identity.Strong)
		l, _ = fx.dir.GetLink(ctx, "b2")
		if cur, _ := l.Current(); cur.Person != p.ID || cur.Strength != identity.Strong {
			t.Fatalf("link after confirming form: %+v", cur)
		}
	})
	t.Run("AliasesFollowTheBrowser", func(t *testing.T) {
		fx := newFixture(t, f)
		// Events under the tag's fallback id (collector not same-site), then
		// one request with both the cookie and the fallback id.
		fx.append(t, ev("fallback-1", "f1", t0))
		withBoth := ev("cookie-1", "c1", t0.Add(time.Minute))
		withBoth.AnonymousID = "fallback-1"
		fx.append(t, withBoth)
		p, _ := fx.identify(t, "cookie-1", "alias@example.com", t0.Add(2*time.Minute), identity.Strong)
		if got := fx.timeline(t, p.ID); got != "c1 f1 " {
			t.Fatalf("timeline = %q, want both ids' events", got)
		}
	})
	t.Run("ConcurrentLinksKeepOneHistory", func(t *testing.T) {
		fx := newFixture(t, f)
		var wg sync.WaitGroup
		for i := 0; i < 8; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				email := fmt.Sprintf("u%d@example.com", i%2)
				if _, _, err := fx.st.Identify(ctx, identity.Identification{Visitor: "race", Email: email, At: t0.Add(time.Duration(i) * time.Second), Strength: identity.Strong}); err != nil {
					t.Error(err)
				}
			}(i)
		}
		wg.Wait()
		l, err := fx.dir.GetLink(ctx, "race")
		if err != nil {
			t.Fatal(err)
		}
		open := 0
		for i, s := range l.History {
			if s.To.IsZero() {
				open++
			} else if !s.To.After(s.From) && !s.From.IsZero() {
				t.Errorf("span %d inverted: %+v", i, s)
			}
			if i > 0 && !s.From.Equal(l.History[i-1].To) {
				t.Errorf("span %d does not start where %d ended", i, i-1)
			}
		}
		if open != 1 {
			t.Fatalf("%d open spans in %+v", open, l.History)
		}
	})
	t.Run("UnknownPerson", func(t *testing.T) {
		fx := newFixture(t, f)
		if _, err := fx.dir.Get(ctx, "p_nobody"); err != identity.ErrNotFound {
			t.Fatalf("Get unknown: %v", err)
		}
		if _, err := fx.dir.ByEmail(ctx, "nobody@example.com"); err != identity.ErrNotFound {
			t.Fatalf("ByEmail unknown: %v", err)
		}
	})
}
