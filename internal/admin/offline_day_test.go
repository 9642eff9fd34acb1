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
	"github.com/baton-hq/baton/internal/push"
	"github.com/baton-hq/baton/internal/qualify"
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

// TestOfflineMQLIsADay: an MQL raised by a fair's visit (imported with
// its day) is dated by that touch, its midnight; the MQL list, the
// person page and the campaign page said "2026年11月6日 00:00", and sales
// read it as a lead that came in at midnight. They give the day alone; an
// MQL a form raised keeps its minute.
func TestOfflineMQLIsADay(t *testing.T) {
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t)
	ctx := context.Background()
	q, log, st := serveScoring(t, f)
	f.h.Workspace = &admin.Workspace{T: f.tb, Loc: tokyo, Now: f.clk.Now}
	fair := time.Date(2026, 11, 6, 0, 0, 0, 0, tokyo)
	view := fair.Add(-72 * time.Hour).Add(14*time.Hour + 5*time.Minute)
	f.clk.Set(fair.Add(30 * time.Hour)) // the import, the day after
	fields := map[string]string{"title": "製造部 部長", "industry": "製造業", "employees": "500"}
	p, _, err := st.Identify(ctx, identity.Identification{Visitor: "web-9", Email: "sato@maker.example", At: view, Strength: identity.Strong, Fields: fields})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.LinkPerson(ctx, offline.Visitor(p.ID), p.ID, time.Time{}, identity.Strong); err != nil {
		t.Fatal(err)
	}
	evs := []event.Event{
		{ID: "pricing", Type: event.PageView, VisitorID: "web-9", URL: "https://www.example.com/pricing", Timestamp: view.UTC(), ReceivedAt: view.UTC()},
		{ID: "paper", Type: event.Download, VisitorID: "web-9", URL: "https://www.example.com/guide.pdf", Timestamp: view.Add(time.Minute).UTC(), ReceivedAt: view.UTC()},
		{ID: "fair", Type: event.Offline, VisitorID: offline.Visitor(p.ID), UserID: p.ID, Timestamp: fair.UTC(), ReceivedAt: f.clk.Now(), Properties: map[string]any{"event": "Japan IT Week 秋", "channel": "exhibition"}},
	}
	if _, err := log.Append(ctx, evs); err != nil {
		t.Fatal(err)
	}
	if err := q.Process(ctx, evs); err != nil {
		t.Fatal(err)
	}
	rec, err := q.Record(ctx, p.ID)
	if err != nil || rec.Stage != qualify.StageMQL || !rec.MQLAt.Equal(fair) {
		t.Fatalf("not an MQL at the fair: %v %+v", err, rec)
	}
	for _, c := range []struct{ path, day, midnight string }{
		{"/admin/mqls?lang=ja", "2026年11月6日", "2026年11月6日 00:00"},
		{"/admin/mqls?lang=en", "6 Nov 2026", "6 Nov 2026 00:00"},
		{"/admin/people/" + p.ID + "?lang=ja", "2026年11月6日", "2026年11月6日 00:00"},
	} {
		a := f.req("GET", c.path, "", "Authorization", "Bearer "+fullToken, "Accept", "text/html")
		if a.code != 200 || !strings.Contains(a.body, c.day) || strings.Contains(a.body, c.midnight) {
			t.Errorf("%s: want %q, never %q: %d\n%s", c.path, c.day, c.midnight, a.code, a.body)
		}
	}
}

// TestOfflineLeadIsADay: a person an offline import created (a fair's
// visitor, nobody before) became a lead on the fair's day; the person
// page said "作成日時 2026年11月6日 00:00" and a stage change
// 匿名→リード at 00:00. Both are the day alone.
func TestOfflineLeadIsADay(t *testing.T) {
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t)
	ctx := context.Background()
	q, log, st := serveScoring(t, f)
	f.h.Workspace = &admin.Workspace{T: f.tb, Loc: tokyo, Now: f.clk.Now}
	fair := time.Date(2026, 11, 6, 0, 0, 0, 0, tokyo)
	f.clk.Set(fair.Add(30 * time.Hour))
	p, _, err := st.Dir.EnsureSince(ctx, "ito@maker.example", "offline:exhibition", nil, nil, fair)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.LinkPerson(ctx, offline.Visitor(p.ID), p.ID, time.Time{}, identity.Strong); err != nil {
		t.Fatal(err)
	}
	evs := []event.Event{{ID: "fair", Type: event.Offline, VisitorID: offline.Visitor(p.ID), UserID: p.ID, Timestamp: fair.UTC(), ReceivedAt: f.clk.Now(), Properties: map[string]any{"event": "Japan IT Week 秋", "channel": "exhibition"}}}
	if _, err := log.Append(ctx, evs); err != nil {
		t.Fatal(err)
	}
	if err := q.Process(ctx, evs); err != nil {
		t.Fatal(err)
	}
	a := f.req("GET", "/admin/people/"+p.ID+"?lang=ja", "", "Authorization", "Bearer "+fullToken, "Accept", "text/html")
	if a.code != 200 || !strings.Contains(a.body, `<td data-l="日時" class="small t">2026年11月6日</td><td data-l="開始" class="nw">匿名</td>`) ||
		!strings.Contains(a.body, "<td>2026年11月6日</td>") || strings.Contains(a.body, "2026年11月6日 00:00") {
		t.Errorf("%d:\n%s", a.code, a.body)
	}
}

// TestOfflineLeadInTheInboxIsADay: the inbox's card of a lead a fair's
// visit qualified said "MQL 化 2026年11月6日 00:00" while its own activity
// line said the day; the card says the day alone. A lead a form
// qualified keeps its minute.
func TestOfflineLeadInTheInboxIsADay(t *testing.T) {
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t)
	ctx := context.Background()
	inbox := &push.Inbox{T: f.tb}
	f.h.Deliveries = &admin.DeliveryAdmin{Queue: noDead{}, Inbox: inbox}
	f.h.Workspace = &admin.Workspace{T: f.tb, Loc: tokyo, Now: f.clk.Now}
	mux := http.NewServeMux()
	f.h.Routes(mux)
	srv := httptest.NewServer(httpx.SecurityHeaders(httpx.Routes(mux)))
	defer srv.Close()
	f.url = srv.URL
	fair := time.Date(2026, 11, 6, 0, 0, 0, 0, tokyo)
	form := time.Date(2026, 11, 5, 14, 5, 30, 0, tokyo)
	for _, l := range []push.Lead{
		{MQLID: "p_fair-c1", PersonID: "p_fair", Email: "fair@maker.example", QualifiedAt: fair, Cycle: 1,
			FirstTouch: push.Touch{Channel: "direct", At: form.Add(-time.Hour)}, LastTouch: push.Touch{Channel: event.ChannelExhibition, At: fair}},
		{MQLID: "p_form-c1", PersonID: "p_form", Email: "form@maker.example", QualifiedAt: form, Cycle: 1,
			FirstTouch: push.Touch{Channel: "direct", At: form.Add(-time.Hour)}},
	} {
		if _, err := inbox.Push(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	a := f.req("GET", "/admin/inbox?lang=ja", "", "Authorization", "Bearer "+fullToken, "Accept", "text/html")
	if a.code != 200 || !strings.Contains(a.body, "MQL 化 2026年11月6日</p>") || strings.Contains(a.body, "2026年11月6日 00:00") ||
		!strings.Contains(a.body, "2026年11月5日 14:05") {
		t.Errorf("%d:\n%s", a.code, a.body)
	}
}
