package identity_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/testutil/backends"
)

// TestSharedBrowserHistoryStaysBounded: a browser's link (V#<visitor>/LINK)
// kept one span per person the browser switched to, with no bound. A
// browser shared by thousands (a booth's tablet taking lead forms, a
// Segment backend sending every identify under one anonymousId) grew it
// until it passed 400 KB (about 3,500 people): bbolt kept taking it, but on
// DynamoDB every later LinkVisitor failed (ValidationException) and no form
// on that browser identified anyone. Now the newest identity.MaxSpans spans
// are kept on both stores, a link written near the limit by the earlier
// code shrinks at its next switch, and erasing someone whose span was
// dropped still deletes the browser's events of that time.
func TestSharedBrowserHistoryStaysBounded(t *testing.T) {
	backends.Each(t, sharedBrowser)
}

func sharedBrowser(t *testing.T, tb table.Table) {
	ctx := context.Background()
	t0 := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	now := clock.Fixed(t0.Add(7 * 24 * time.Hour))
	log := &eventlog.Log{T: tb, Retention: 400 * 24 * time.Hour, Now: now}
	d := &identity.Directory{T: tb, Now: now}
	st := &identity.Stitcher{Dir: d, Log: log}
	const visitor = "kiosk-tablet-0001"
	person := func(i int) string { return fmt.Sprintf("p_%024x", i) }
	at := func(i int) time.Time { return t0.Add(time.Duration(i) * time.Minute) }
	// The link as the earlier code left it: just under DynamoDB's 400 KB.
	l := identity.Link{Visitor: visitor}
	for i := 0; ; i++ {
		l.History = append(l.History, identity.Span{Person: person(i), From: at(i), To: at(i + 1), Strength: identity.Strong})
		if i%100 != 0 {
			continue
		}
		if b, _ := json.Marshal(l); len(b) > 390_000 {
			break
		}
	}
	n := len(l.History)
	l.History[0].From = time.Time{} // the first person had its anonymous history
	l.History[n-1].To = time.Time{} // the last person holds it now
	data, _ := json.Marshal(l)
	if err := tb.Put(ctx, table.Item{PK: eventlog.VisitorPK(visitor), SK: "LINK", Kind: identity.KindLink, Data: data}, table.NotExists); err != nil {
		t.Fatal(err)
	}
	// The first person's form on the booth's tablet, long before.
	if _, err := log.Append(ctx, []event.Event{{ID: "e-first", Type: event.PageView, VisitorID: visitor, URL: "https://example.com/form", ReceivedAt: at(0), Timestamp: at(0)}}); err != nil {
		t.Fatal(err)
	}
	// The next people to fill in the booth's form.
	for i := n; i < n+3; i++ {
		res, err := d.LinkVisitor(ctx, visitor, person(i), at(i), identity.Strong)
		if err != nil || !res.Changed || res.Previous != person(i-1) {
			t.Fatalf("after %d people on one browser, the next form: %+v, %v", i, res, err)
		}
	}
	got, err := d.GetLink(ctx, visitor)
	if err != nil {
		t.Fatal(err)
	}
	size, _ := json.Marshal(got)
	t.Logf("%d people on one browser: %d bytes kept of %d", n+3, len(size), len(data))
	last := n + 2
	if cur, ok := got.Current(); len(got.History) != identity.MaxSpans || !ok || cur.Person != person(last) || len(size) > 200_000 {
		t.Fatalf("%d spans kept (want %d), current %+v, %d bytes", len(got.History), identity.MaxSpans, cur, len(size))
	}
	oldest := last - identity.MaxSpans + 1
	if !got.Dropped.Equal(at(oldest)) || got.PersonAt(at(oldest)) != person(oldest) || got.PersonAt(at(oldest).Add(-time.Second)) != "" || got.PersonAt(at(last-1)) != person(last-1) {
		t.Fatalf("dropped %v; at the oldest kept %q, before it %q", got.Dropped, got.PersonAt(at(oldest)), got.PersonAt(at(oldest).Add(-time.Second)))
	}
	// The first person asks to be forgotten: their span went, their event
	// must still go.
	if _, err := st.Forget(ctx, privacy.Subject{Person: person(0), Visitors: []string{visitor}}); err != nil {
		t.Fatal(err)
	}
	if evs, err := log.Visitor(ctx, visitor); err != nil || len(evs) != 0 {
		t.Fatalf("after erasing the first person, the browser keeps %d events (%v)", len(evs), err)
	}
}
