package identity

import (
	"context"
	"slices"
	"testing"
	"time"
)

// TestLateFormOnASharedBrowser: forms on one browser (a booth's tablet, a
// family PC) reach Baton out of their order: a client's retry of an
// earlier form (collect identifies repeats again), a late Segment batch.
// Each was appended as a switch from the current span on, so a retry of
// A's form after B's gave the browser back to A: B's later visits, score
// and touches became A's, and "identifying twice changes nothing" did not
// hold. A late form is placed where its time falls: the browser is its
// person's from it to the next form after it, and a repeat changes nothing.
func TestLateFormOnASharedBrowser(t *testing.T) {
	ctx := context.Background()
	st, min, id := formsOn(t, "kiosk")
	who := func(at time.Time) string {
		l, err := st.Dir.GetLink(ctx, "kiosk")
		if err != nil {
			t.Fatal(err)
		}
		return l.PersonAt(at)
	}
	a, _ := id("a@example.com", min(10))
	b, _ := id("b@example.com", min(20))
	// A's form again (a retry): nothing changes.
	if _, res := id("a@example.com", min(10)); res.Changed {
		t.Errorf("a repeat of A's form changed the link: %+v", res)
	}
	if got := who(min(25)); got != b.ID {
		t.Fatalf("after a repeat of A's earlier form, minute 25 is %q's, want B %q", got, b.ID)
	}
	// C's form at minute 15 arrives after B's (minute 20).
	c, _ := id("c@example.com", min(15))
	for _, w := range []struct {
		at   int
		want string
	}{{5, a.ID}, {12, a.ID}, {16, c.ID}, {21, b.ID}, {50, b.ID}} {
		if got := who(min(w.at)); got != w.want {
			t.Errorf("minute %d is %q's, want %q (A %s, B %s, C %s)", w.at, got, w.want, a.ID, b.ID, c.ID)
		}
	}
	if l, _ := st.Dir.GetLink(ctx, "kiosk"); func() bool { cur, ok := l.Current(); return !ok || cur.Person != b.ID }() {
		t.Errorf("the browser is no longer B's: %+v", l.History)
	}
}

// TestEarlierFormArrivingSecond: the browser's first form arrives after a
// later one; its person is the one who had the browser first, its
// anonymous history included.
func TestEarlierFormArrivingSecond(t *testing.T) {
	ctx := context.Background()
	st, min, form := formsOn(t, "family-pc")
	id := func(email string, at time.Time) Person { p, _ := form(email, at); return p }
	b := id("b@example.com", min(20))
	a := id("a@example.com", min(10))
	l, err := st.Dir.GetLink(ctx, "family-pc")
	if err != nil {
		t.Fatal(err)
	}
	if got := l.PersonAt(min(5)); got != a.ID {
		t.Errorf("minute 5 (before any form) is %q's, want A %q, whose form came first", got, a.ID)
	}
	if got := l.PersonAt(min(30)); got != b.ID {
		t.Errorf("minute 30 is %q's, want B %q, whose form came last", got, b.ID)
	}
}

// TestLateFormOfTheFirstPerson: A's earlier form (minute 5) arrives after
// A's own later one (minute 10) and B's (minute 20): the browser was A's
// until B's form whichever of A's forms came first (the first span reaches
// back), so it is a repeat: nothing changes, and nobody is rescored.
// Before, it split A's period in two as if taken from A, reported a
// change from A to A and had A rescored.
func TestLateFormOfTheFirstPerson(t *testing.T) {
	ctx := context.Background()
	st, min, form := formsOn(t, "kiosk")
	id := func(email string, at time.Time) LinkResult { _, res := form(email, at); return res }
	id("a@example.com", min(10))
	id("b@example.com", min(20))
	before, err := st.Dir.GetLink(ctx, "kiosk")
	if err != nil {
		t.Fatal(err)
	}
	if res := id("a@example.com", min(5)); res.Changed {
		t.Errorf("A's earlier form changed the link: %+v", res)
	}
	l, err := st.Dir.GetLink(ctx, "kiosk")
	if err != nil {
		t.Fatal(err)
	}
	// (The link as B's switch left it: its Rescore names A, whom B's
	// first events may have been scored for; the repeat writes nothing.)
	if len(l.History) != len(before.History) || !slices.Equal(l.Rescore, before.Rescore) {
		t.Errorf("history %+v (rescore %v), want it as it was: %+v (rescore %v)", l.History, l.Rescore, before.History, before.Rescore)
	}
}

// TestLateFormOfTheCurrentPerson: B filled in the kiosk's form at minute
// 10, then P at 15 and again at 20; P's form of minute 15 (a late batch)
// arrives after P's of minute 20. The browser is P's from minute 15, not
// B's until 20: before, a form of the browser's current person was a
// repeat whatever its time, and P's visits of minutes 15 to 20 stayed B's.
func TestLateFormOfTheCurrentPerson(t *testing.T) {
	ctx := context.Background()
	st, min, id := formsOn(t, "kiosk")
	b, _ := id("b@example.com", min(10))
	p, _ := id("p@example.com", min(20))
	if _, res := id("p@example.com", min(15)); !res.Changed || res.Previous != b.ID {
		t.Errorf("P's form of minute 15 after P's of minute 20: %+v, want a change taking from B %s", res, b.ID)
	}
	l, err := st.Dir.GetLink(ctx, "kiosk")
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []struct {
		at   int
		want string
	}{{12, b.ID}, {17, p.ID}, {25, p.ID}} {
		if got := l.PersonAt(min(w.at)); got != w.want {
			t.Errorf("minute %d is %q's, want %q (B %s, P %s): %+v", w.at, got, w.want, b.ID, p.ID, l.History)
		}
	}
	if !slices.Equal(l.Rescore, []string{p.ID, b.ID}) {
		t.Errorf("rescore %v, want P and B", l.Rescore)
	}
	// P's form of minute 15 once more: a repeat.
	if _, res := id("p@example.com", min(15)); res.Changed {
		t.Errorf("a repeat changed the link: %+v", res)
	}
}

// formsOn is a stitcher whose clock stands at minute 60 of a morning,
// that morning's minutes, and a form sent from visitor naming an email at
// a minute: the person and what it did to the browser's link.
func formsOn(t *testing.T, visitor string) (*Stitcher, func(int) time.Time, func(email string, at time.Time) (Person, LinkResult)) {
	t0 := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	min := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Minute) }
	st, _ := newStitcher(t, min(60))
	return st, min, func(email string, at time.Time) (Person, LinkResult) {
		t.Helper()
		p, res, err := st.Identify(context.Background(), Identification{Visitor: visitor, Email: email, At: at, Strength: Strong, Source: "form"})
		if err != nil {
			t.Fatal(err)
		}
		return p, res
	}
}
