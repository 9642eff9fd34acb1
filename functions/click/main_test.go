package main

import (
	"context"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/app/web"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/lambdahttp"
	"github.com/baton-hq/baton/internal/testutil/lambdatest"
	"github.com/baton-hq/baton/internal/token"
)

func TestSampleEvents(t *testing.T) {
	app, clk := lambdatest.NewAppClock(t)
	ctx := context.Background()
	ls, err := app.Links.Add(ctx, "nov-news", []string{"https://www.example.com/webinar"}, false)
	if err != nil {
		t.Fatal(err)
	}
	p, _, err := app.People.Ensure(ctx, "reader@example.com", "list")
	if err != nil {
		t.Fatal(err)
	}
	tok, err := app.Admin.Recipients.Keyring.Sign(token.Claims{PersonID: p.ID, Campaign: "nov-news", IssuedAt: clk.Now()})
	if err != nil {
		t.Fatal(err)
	}
	routes, err := web.ClickHandler(app.Core) // what main.go serves, on the test's core
	if err != nil {
		t.Fatal(err)
	}
	h := lambdahttp.Adapter{Handler: routes}
	repl := []string{"LINK_ID", ls[0].ID, "TOKEN", tok, "CAMPAIGN", "nov-news"}

	resp := lambdatest.Invoke(t, h, "click/click.json", repl...)
	if resp.StatusCode != 302 || resp.Headers["Location"] != "https://www.example.com/webinar" || len(resp.Cookies) != 1 {
		t.Fatalf("click: %d %v %v", resp.StatusCode, resp.Headers, resp.Cookies)
	}
	resp = lambdatest.Invoke(t, h, "click/click_head.json", repl...)
	if resp.StatusCode != 302 {
		t.Fatalf("head: %d", resp.StatusCode)
	}
	resp = lambdatest.Invoke(t, h, "click/open_pixel.json", repl...)
	if resp.StatusCode != 200 || resp.Headers["Content-Type"] != "image/gif" {
		t.Fatalf("pixel: %d %v", resp.StatusCode, resp.Headers)
	}
	resp = lambdatest.Invoke(t, h, "click/unknown_link.json")
	if resp.StatusCode != 404 || !strings.Contains(resp.Body, "unknown link") {
		t.Fatalf("unknown: %d %s", resp.StatusCode, resp.Body)
	}
	// The click's visit is judged by the sweep once it is over; then the
	// browser is the reader's. (The HEAD, a link checker's, is another client.)
	clk.Advance(event.ClickSettle)
	if _, err := app.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	tl, err := app.Stitcher.Timeline(ctx, p.ID, 0)
	if err != nil || len(tl) != 2 {
		t.Fatalf("timeline: one click (HEAD does not count) and one open, got %d %v", len(tl), err)
	}
	if n := len(lambdatest.Samples(t, "click")); n != 4 {
		t.Fatalf("%d click samples; each needs a case here", n)
	}
}
