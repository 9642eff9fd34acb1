package admin_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/admin"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/httpx"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/offline"
)

// TestOfflineTouchIsADay: a fair's visit imported with its date (the
// offline touch import knows the day, stored as its midnight in the
// configured zone) was on the person's timeline as "2026年11月6日 00:00",
// a time nobody was there at; the page gives its date alone. A page view
// keeps its time.
func TestOfflineTouchIsADay(t *testing.T) {
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t)
	ctx := context.Background()
	dir := &identity.Directory{T: f.tb, Now: f.clk.Now}
	log := &eventlog.Log{T: f.tb}
	f.h.People, f.h.Timelines = dir, &identity.Stitcher{Dir: dir, Log: log}
	f.h.Workspace = &admin.Workspace{T: f.tb, Loc: tokyo, Now: f.clk.Now}
	p, _, err := dir.EnsureWith(ctx, "yamada@maker.example", "offline", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	fair := time.Date(2026, 11, 6, 0, 0, 0, 0, tokyo)
	view := time.Date(2026, 11, 20, 14, 5, 0, 0, tokyo)
	st := &identity.Stitcher{Dir: dir, Log: log}
	if _, err := st.LinkPerson(ctx, offline.Visitor(p.ID), p.ID, time.Time{}, identity.Strong); err != nil { // as the import links it
		t.Fatal(err)
	}
	if _, _, err := st.Identify(ctx, identity.Identification{Visitor: "web-1", Email: p.Email, At: view, Strength: identity.Weak}); err != nil {
		t.Fatal(err)
	}
	evs := []event.Event{
		{ID: "fair", Type: event.Offline, VisitorID: offline.Visitor(p.ID), UserID: p.ID, Timestamp: fair.UTC(), ReceivedAt: f.clk.Now(), Properties: map[string]any{"event": "Japan IT Week 秋", "channel": "exhibition"}},
		{ID: "view", Type: event.PageView, VisitorID: "web-1", URL: "https://www.example.com/pricing", Timestamp: view.UTC(), ReceivedAt: f.clk.Now()},
	}
	if _, err := log.Append(ctx, evs); err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	f.h.Routes(mux)
	srv := httptest.NewServer(httpx.SecurityHeaders(httpx.Routes(mux)))
	defer srv.Close()
	f.url = srv.URL
	a := f.req("GET", "/admin/people/"+p.ID+"?lang=ja", "", "Authorization", "Bearer "+fullToken, "Accept", "text/html")
	if a.code != 200 || !strings.Contains(a.body, "Japan IT Week 秋") || !strings.Contains(a.body, ">2026年11月6日</td>") ||
		strings.Contains(a.body, "2026年11月6日 00:00") || !strings.Contains(a.body, ">2026年11月20日 14:05</td>") {
		t.Errorf("%d:\n%s", a.code, a.body)
	}
}
