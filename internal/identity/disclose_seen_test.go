package identity

import (
	"context"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/eventlog"
)

// TestDiscloseAnEventOnceWhenItsBrowserBecameTheirs: a form naming the
// person's email from a browser not theirs identified nobody (remembered
// under the email); the browser became theirs later. The erasure removes
// that event once (with the browser; the email's memory then finds it
// gone), but the disclosure showed it twice: once as the browser's, once
// as the email's, an event more than the erasure removes.
func TestDiscloseAnEventOnceWhenItsBrowserBecameTheirs(t *testing.T) {
	ctx := context.Background()
	t0 := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	s, _ := newStitcher(t, t0)
	const email = "ann@acme.example"
	if _, _, err := s.Identify(ctx, Identification{Visitor: "home", Email: email, Strength: Strong, At: t0}); err != nil {
		t.Fatal(err)
	}
	form := event.Event{ID: "f-1", Type: event.FormSubmit, VisitorID: "laptop", URL: "https://www.example.com/contact", Timestamp: t0.Add(time.Minute), ReceivedAt: t0.Add(time.Minute),
		Properties: map[string]any{"fields": map[string]any{"email": email}}}
	if _, err := s.Log.Append(ctx, []event.Event{form}); err != nil {
		t.Fatal(err)
	}
	if err := s.NoteUnidentified(ctx, form, email); err != nil {
		t.Fatal(err)
	}
	p, _, err := s.Identify(ctx, Identification{Visitor: "laptop", Email: email, Strength: Strong, At: t0.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	sub, err := s.Subject(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	d, err := s.Disclose(ctx, sub)
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.Forget(ctx, sub)
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{eventlog.KindEvent, KindSeen} {
		if got, want := d.Counts()[kind], r[kind]; got != want {
			t.Errorf("%s: disclosed %d, erased %d", kind, got, want)
		}
	}
}
