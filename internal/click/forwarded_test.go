package click_test

import (
	"context"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/identity"
)

// TestForwardedClickCountsForTheRecipient: the token names who was sent the
// email, so a click is always its recipient's (the campaign report lists
// them). Ann's newsletter clicked on a browser that is someone else's (a
// form identified it as Bob, or his own earlier click did) is Ann's: on her
// timeline, scorable for her, under her own visitor; the browser stays
// Bob's and Bob gains nothing. An anonymous browser, or Ann's own, keeps
// the click under the browser, which is (or becomes) hers.
func TestForwardedClickCountsForTheRecipient(t *testing.T) {
	hasClick := func(tl []event.Event) bool {
		for _, ev := range tl {
			if ev.Type == event.EmailClick {
				return true
			}
		}
		return false
	}
	for _, tc := range []struct {
		name      string
		owner     string // "bob", "ann" or "" (anonymous, with a cookie)
		strength  identity.Strength
		forwarded bool
	}{
		{"browser a form identified as Bob", "bob", identity.Strong, true},
		{"browser Bob's own click identified", "bob", identity.Weak, true},
		{"anonymous browser", "", "", false},
		{"Ann's own browser", "ann", identity.Strong, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			ctx := context.Background()
			const browser = "browser-1"
			bob, _, err := e.dir.Ensure(ctx, "bob@example.com", "list")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.log.Append(ctx, []event.Event{{ID: event.NewID(), Type: event.PageView, VisitorID: browser, URL: "https://www.example.com/", Timestamp: e.clk.Now().Add(-event.ClickSettle), ReceivedAt: e.clk.Now()}}); err != nil {
				t.Fatal(err)
			}
			switch tc.owner {
			case "bob":
				_, err = e.st.LinkPerson(ctx, browser, bob.ID, e.clk.Now().Add(-event.ClickSettle), tc.strength)
			case "ann":
				_, err = e.st.LinkPerson(ctx, browser, e.ann.ID, e.clk.Now().Add(-event.ClickSettle), tc.strength)
			}
			if err != nil {
				t.Fatal(err)
			}
			w := e.get("GET", "/c/"+e.link.ID+"/ok-"+e.ann.ID+"-nov-news", browser)
			if w.Code != 302 {
				t.Fatalf("status %d", w.Code)
			}
			if c := w.Result().Cookies(); len(c) != 1 || c[0].Value != browser {
				t.Fatalf("cookie %v: the browser keeps its id", c)
			}
			e.settle(t)

			hist, _ := e.st.History(ctx, e.ann.ID)
			var click *event.Event
			for i := range hist {
				if hist[i].Type == event.EmailClick {
					click = &hist[i]
				}
			}
			if click == nil || !click.Scorable(e.clk.Now()) || click.Enrichment.Visit != event.VisitHuman {
				t.Fatalf("Ann's click not on her timeline, judged and scorable: %+v", click)
			}
			wantVisitor := browser
			if tc.forwarded {
				wantVisitor = identity.PseudoVisitor(e.ann.ID)
			}
			if click.VisitorID != wantVisitor {
				t.Errorf("click stored under %s, want %s", click.VisitorID, wantVisitor)
			}
			bobTL, _ := e.st.Timeline(ctx, bob.ID, 0)
			if hasClick(bobTL) {
				t.Error("Ann's click is on Bob's timeline")
			}
			l, _ := e.dir.GetLink(ctx, browser)
			cur, _ := l.Current()
			switch {
			case tc.owner == "bob" && (cur.Person != bob.ID || len(l.History) != 1):
				t.Errorf("Bob's browser moved: %+v", l.History)
			case tc.owner != "bob" && cur.Person != e.ann.ID:
				t.Errorf("browser not Ann's: %+v", l.History)
			}
			if tc.owner == "bob" {
				annTL, _ := e.st.Timeline(ctx, e.ann.ID, 0)
				for _, ev := range annTL {
					if ev.Type == event.PageView {
						t.Error("Bob's page view is on Ann's timeline")
					}
				}
			} else if evs := e.events(t, identity.PseudoVisitor(e.ann.ID)); len(evs) != 0 {
				t.Errorf("stored under Ann's own visitor: %+v", evs)
			}
		})
	}
}

// TestForwardedClickWhoseBrowserBecameSomeoneElsesBeforeItWasJudged: a
// browser is "someone else's" by the time its click is judged, not only
// when it clicks. Bob's newsletter, forwarded, is clicked on a browser
// still anonymous; before the click's visit is over (ClickSettle), the
// browser becomes Ann's: she fills in the landing page's form (a strong
// link), or she clicks her own copy of the newsletter (judged first). The
// click is still Bob's (README: a click is always the token's person's,
// the browser stays its owner's, who gains nothing from it, and a click
// never moves a browser that is someone else's): on Bob's timeline, not
// on Ann's, and Ann's browser stays hers.
func TestForwardedClickWhoseBrowserBecameSomeoneElsesBeforeItWasJudged(t *testing.T) {
	for _, tc := range []struct {
		name string
		// ann makes the browser Ann's after Bob's click, before it is judged.
		ann func(t *testing.T, e *env, browser string)
		// annFirst: Ann's own click comes first (both await judgement).
		annFirst bool
	}{
		{"Ann's form after Bob's click", func(t *testing.T, e *env, browser string) {
			if _, err := e.st.LinkPerson(context.Background(), browser, e.ann.ID, e.clk.Now(), identity.Strong); err != nil {
				t.Fatal(err)
			}
		}, false},
		{"Ann's own click before Bob's", nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			ctx := context.Background()
			const browser = "browser-1"
			bob, _, err := e.dir.Ensure(ctx, "bob@example.com", "list")
			if err != nil {
				t.Fatal(err)
			}
			click := func(person string) {
				t.Helper()
				if w := e.get("GET", "/c/"+e.link.ID+"/ok-"+person+"-nov-news", browser); w.Code != 302 {
					t.Fatalf("status %d", w.Code)
				}
			}
			if tc.annFirst {
				click(e.ann.ID)
				e.clk.Set(e.clk.Now().Add(10 * time.Second))
			}
			click(bob.ID)
			e.clk.Set(e.clk.Now().Add(30 * time.Second))
			if tc.ann != nil {
				tc.ann(t, e, browser)
			}
			e.settle(t)

			clicksOf := func(person string) (n int) {
				tl, err := e.st.History(ctx, person)
				if err != nil {
					t.Fatal(err)
				}
				for _, ev := range tl {
					if ev.Type == event.EmailClick && ev.UserID == bob.ID {
						n++
						if person == bob.ID && (!ev.Scorable(e.clk.Now()) || ev.Enrichment.Visit != event.VisitHuman || ev.VisitorID != identity.PseudoVisitor(bob.ID)) {
							t.Errorf("Bob's click not judged, scorable, under his own visitor: %+v", ev)
						}
					}
				}
				return n
			}
			if n := clicksOf(e.ann.ID); n != 0 {
				t.Errorf("Bob's click is on Ann's timeline (%d), scored for her", n)
			}
			if n := clicksOf(bob.ID); n != 1 {
				t.Errorf("Bob's click on Bob's timeline %d times, want once", n)
			}
			if evs := e.events(t, browser); len(evs) != map[bool]int{true: 1, false: 0}[tc.annFirst] {
				t.Errorf("the browser keeps %d clicks: %+v", len(evs), evs)
			}
			l, _ := e.dir.GetLink(ctx, browser)
			for _, s := range l.History {
				if s.Person != e.ann.ID {
					t.Errorf("Ann's browser was moved: %+v", l.History)
				}
			}
		})
	}
}
