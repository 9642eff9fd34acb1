package click_test

import (
	"context"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/click"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/privacy"
)

// TestCampaignActivity: each recipient's click and open is recorded in its
// campaign's partition with the verdict the report needs, kept up to date
// when the visit is judged (human) or a later click flags the client (a
// scanner); it expires with its event and goes with the person's erasure.
func TestCampaignActivity(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.log.Retention = 30 * 24 * time.Hour
	tok := "/ok-" + e.ann.ID + "-nov-news"
	sent := e.clk.Now()
	e.get("GET", "/c/"+e.link.ID+tok, "ann-laptop")         // a reader: judged human once the visit is over
	e.get("GET", "/o/nov-news"+tok+".gif", "")              // an open
	e.get("GET", "/c/"+e.link.ID+"/ok-nobody-nov-news", "") // nobody's token: an unknown person is recorded nowhere personal
	acts, err := click.CampaignActivity(ctx, e.log.T, "nov-news", e.clk.Now())
	if err != nil {
		t.Fatal(err)
	}
	byType := map[string]click.Activity{}
	for _, a := range acts {
		if a.Person != e.ann.ID {
			t.Fatalf("recorded for %q: %+v", a.Person, a)
		}
		byType[a.Type] = a
	}
	c, o := byType[event.EmailClick], byType[event.EmailOpen]
	if len(acts) != 2 || c.Link != e.link.ID || c.Client == "" || c.Judged || c.Scanner || !c.At.Equal(sent) || o.Event == "" || o.Scanner {
		t.Fatalf("recorded: %+v", acts)
	}
	e.settle(t)
	if acts, _ = click.CampaignActivity(ctx, e.log.T, "nov-news", e.clk.Now()); len(acts) != 2 {
		t.Fatalf("after the judgement: %+v", acts)
	}
	for _, a := range acts {
		if a.Type == event.EmailClick && (!a.Judged || a.Scanner) {
			t.Fatalf("the judged click: %+v", a)
		}
	}
	// A burst of two links from one client on another day: both clicks
	// flagged, the first after the fact.
	ls, err := e.reg.Add(ctx, "nov-news", []string{"https://www.example.com/b"}, false)
	if err != nil {
		t.Fatal(err)
	}
	e.clk.Set(sent.Add(48 * time.Hour))
	e.get("GET", "/c/"+e.link.ID+tok, "gateway")
	e.clk.Set(sent.Add(48*time.Hour + 500*time.Millisecond))
	e.get("GET", "/c/"+ls[0].ID+tok, "gateway")
	acts, _ = click.CampaignActivity(ctx, e.log.T, "nov-news", e.clk.Now())
	scanners := 0
	for _, a := range acts {
		if a.Scanner && a.Reason == "burst-of-links" {
			scanners++
		}
	}
	if len(acts) != 4 || scanners != 2 {
		t.Fatalf("after a burst: %+v", acts)
	}
	// Past the events' retention the records are gone for the report.
	if acts, _ = click.CampaignActivity(ctx, e.log.T, "nov-news", sent.Add(31*24*time.Hour)); len(acts) != 2 {
		t.Fatalf("after the first day's retention: %+v", acts)
	}
	// Erasure removes them all.
	r, err := e.h.Forget(ctx, privacy.Subject{Person: e.ann.ID})
	if err != nil {
		t.Fatal(err)
	}
	if acts, _ = click.CampaignActivity(ctx, e.log.T, "nov-news", e.clk.Now()); len(acts) != 0 || r[click.KindActivity] != 4 {
		t.Fatalf("after the erasure: %+v, removed %v", acts, r)
	}
}
