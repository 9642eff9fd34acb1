// Package privacytest is the erasure conformance suite: after erasing a
// person, a scan of the whole store finds nothing of them, on every backend.
package privacytest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/queue"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/tabletest"
)

// Suite returns the suite.
func Suite() tabletest.Suite { return tabletest.Suite{Name: "erasure", Run: run} }

// Seed is a person with history, sharing a browser with someone else.
type Seed struct {
	Victim, Other identity.Person
	Secrets       []string // strings that must not survive the erasure
	Keep          []string // strings that must survive (the other person)
}

var t0 = time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)

// Populate writes the seed; exported so backend-specific tests (raw file
// scans) reuse it.
func Populate(t *testing.T, tb table.Table) (*privacy.Eraser, Seed) {
	ctx := context.Background()
	log := &eventlog.Log{T: tb}
	dir := &identity.Directory{T: tb}
	st := &identity.Stitcher{Dir: dir, Log: log}
	pv := func(vis, id string, at time.Time, url string) event.Event {
		return event.Event{ID: id, Type: event.PageView, VisitorID: vis, URL: url, ReceivedAt: at, Timestamp: at}
	}
	form := pv("victim-laptop-77", "vform", t0.Add(2*time.Minute), "https://www.example.com/contact-victim")
	form.Type = event.FormSubmit
	form.Properties = map[string]any{"fields": map[string]any{"email": "zelda.victim@example.com", "name": "Zelda Victimova"}}
	evs := []event.Event{
		pv("victim-laptop-77", "v1", t0, "https://www.example.com/secret-victim-page"),
		form,
		pv("victim-phone-88", "v2", t0.Add(time.Minute), "https://www.example.com/victim-phone-page"),
		pv("shared-kiosk-99", "k1", t0, "https://www.example.com/kiosk-victim-page"),
		pv("shared-kiosk-99", "k2", t0.Add(10*time.Minute), "https://www.example.com/kiosk-other-page"),
	}
	evs[0].AnonymousID = "victim-fallback-66"
	if _, err := log.Append(ctx, evs); err != nil {
		t.Fatal(err)
	}
	id := func(vis, email string, at time.Time, fields map[string]string) identity.Person {
		p, _, err := st.Identify(ctx, identity.Identification{Visitor: vis, Email: email, At: at, Strength: identity.Strong, Fields: fields})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	victim := id("victim-laptop-77", "zelda.victim@example.com", t0.Add(2*time.Minute), map[string]string{"name": "Zelda Victimova", "company": "Victim Industries"})
	id("victim-phone-88", "zelda.victim@example.com", t0.Add(3*time.Minute), nil)
	id("shared-kiosk-99", "zelda.victim@example.com", t0.Add(4*time.Minute), nil)
	other := id("shared-kiosk-99", "oscar.other@example.com", t0.Add(5*time.Minute), map[string]string{"name": "Oscar Other"})
	q := &queue.Queue{T: tb, Name: "push"}
	if err := q.Enqueue(ctx, victim.ID+"-c1", map[string]string{"email": "zelda.victim@example.com"}); err != nil {
		t.Fatal(err)
	}
	if err := tb.Put(ctx, table.Item{PK: identity.PersonPK(victim.ID), SK: "L#0001", Kind: "ledger", Data: []byte(`{"rule":"pricing","person":"` + victim.ID + `"}`)}, table.Always); err != nil {
		t.Fatal(err)
	}
	e := &privacy.Eraser{T: tb, Dir: dir, Log: log, Queues: []string{"push"}}
	return e, Seed{
		Victim: victim, Other: other,
		Secrets: []string{"zelda.victim@example.com", "Zelda Victimova", "Victim Industries", victim.ID, "victim-laptop-77", "victim-phone-88",
			"victim-fallback-66", "secret-victim-page", "victim-phone-page", "kiosk-victim-page", "contact-victim"},
		Keep: []string{"oscar.other@example.com", "Oscar Other", "kiosk-other-page", other.ID},
	}
}

func run(t *testing.T, f tabletest.Factory) {
	ctx := context.Background()
	tb := f(t, clock.Fixed(t0.Add(time.Hour)))
	e, seed := Populate(t, tb)
	rep, err := e.Erase(ctx, seed.Victim.ID)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Visitors != 4 || rep.Events < 4 { // laptop, its fallback id, phone, kiosk
		t.Errorf("report %+v", rep)
	}
	var all strings.Builder
	if err := tb.Scan(ctx, "", func(it table.Item) error {
		all.WriteString(it.PK + "\n" + it.SK + "\n" + string(it.Data) + "\n")
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	dump := all.String()
	for _, s := range seed.Secrets {
		if strings.Contains(dump, s) {
			t.Errorf("after erasure the store still holds %q", s)
		}
	}
	for _, s := range seed.Keep {
		if !strings.Contains(dump, s) {
			t.Errorf("erasure removed the other person's %q", s)
		}
	}
	dir := e.Dir
	if _, err := dir.Get(ctx, seed.Victim.ID); err != identity.ErrNotFound {
		t.Errorf("person still readable: %v", err)
	}
	if _, err := dir.ByEmail(ctx, "zelda.victim@example.com"); err != identity.ErrNotFound {
		t.Errorf("email still resolves: %v", err)
	}
	if gone, err := privacy.Erased(ctx, tb, "zelda.victim@example.com"); !gone || err != nil {
		t.Errorf("no tombstone: %v %v", gone, err)
	}
	st := &identity.Stitcher{Dir: dir, Log: e.Log}
	tl, err := st.Timeline(ctx, seed.Other.ID, 0)
	if err != nil || len(tl) != 1 || tl[0].ID != "k2" {
		t.Errorf("other person's timeline %+v %v", tl, err)
	}
	// The shared browser can be identified again afterwards.
	if _, _, err := st.Identify(ctx, identity.Identification{Visitor: "shared-kiosk-99", Email: "new@example.com", At: t0.Add(time.Hour), Strength: identity.Strong}); err != nil {
		t.Fatal(err)
	}
	l, _ := dir.GetLink(ctx, "shared-kiosk-99")
	open := 0
	for _, s := range l.History {
		if s.To.IsZero() {
			open++
		}
	}
	if open != 1 {
		t.Errorf("history after re-identify %+v", l.History)
	}
}
