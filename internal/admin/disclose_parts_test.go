package admin_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	lambdaevents "github.com/aws/aws-lambda-go/events"

	"github.com/baton-hq/baton/internal/admin"
	"github.com/baton-hq/baton/internal/audit"
	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/lambdahttp"
	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/testutil/backends"
)

// TestLongHistoryDisclosedInParts: a person's disclosure was one answer;
// with years of events it passed the 6 MB a Lambda function can return,
// and on AWS they got a failed answer (500) instead of their data. Now it
// comes in parts, each well under the limit as the function returns it,
// each naming the next; the parts hold every event exactly once, in order,
// as the first part counts them, though events arrive (and one is flagged)
// between the reads, and one already shown goes; each part's read is in the audit trail as a
// disclosure. The same through the workspace's list of parts.
func TestLongHistoryDisclosedInParts(t *testing.T) {
	backends.Each(t, longHistory)
}

type longFixture struct {
	t      *testing.T
	clk    *clock.Manual
	log    *eventlog.Log
	fn     lambdahttp.Adapter
	tb     table.Table
	person string
	seq    int
}

const longVisitor = "browser-of-years"

func newLongFixture(t *testing.T, tb table.Table) *longFixture {
	ctx := context.Background()
	t0 := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	clk := clock.NewManual(t0)
	log := &eventlog.Log{T: tb, Now: clk.Now}
	dir := &identity.Directory{T: tb, Now: clk.Now}
	st := &identity.Stitcher{Dir: dir, Log: log}
	p, _, err := st.Identify(ctx, identity.Identification{Visitor: longVisitor, Email: "long.history@example.com", At: t0, Strength: identity.Strong, Source: "form"})
	if err != nil {
		t.Fatal(err)
	}
	h := &admin.Handler{
		Credentials: []admin.Credential{admin.FullAccess(fullToken)},
		People:      dir,
		Eraser:      &privacy.Eraser{T: tb, People: st, Now: clk.Now},
		Audit:       &audit.Log{T: tb, Now: clk.Now, TTL: 100 * 365 * 24 * time.Hour}, // the stores expire by their own clock, skewed in CI
		Workspace:   &admin.Workspace{T: tb, Now: clk.Now},
	}
	mux := http.NewServeMux()
	h.Routes(mux)
	return &longFixture{t: t, clk: clk, log: log, fn: lambdahttp.Adapter{Handler: mux}, tb: tb, person: p.ID}
}

// add stores n events of about 9 KB (a page's long properties: quotes
// too, which the Lambda payload escapes), timed from at, a day apart but
// every third at its predecessor's time (ties go by id), received now.
func (f *longFixture) add(n int, at time.Time) []string {
	var ids []string
	var evs []event.Event
	for i := range n {
		f.seq++
		id := fmt.Sprintf("msg-%06d", f.seq)
		ts := at.Add(time.Duration(i-i%3/2) * 24 * time.Hour)
		evs = append(evs, event.Event{ID: id, Type: "page", VisitorID: longVisitor, URL: "https://example.com/docs/" + id,
			Timestamp: ts, ReceivedAt: f.clk.Now(), Properties: map[string]any{"note": strings.Repeat(`a "quoted" word `, 560)}})
		ids = append(ids, id)
		if len(evs) == 25 || i == n-1 {
			if _, err := f.log.Append(context.Background(), evs); err != nil {
				f.t.Fatal(err)
			}
			evs = nil
		}
	}
	return ids
}

// get asks the function as API Gateway would, and checks the answer is one
// Lambda can return.
func (f *longFixture) get(target string) (int, string) {
	f.t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		f.t.Fatal(err)
	}
	ev := lambdaevents.APIGatewayV2HTTPRequest{RawPath: u.Path, RawQueryString: u.RawQuery, Headers: map[string]string{"authorization": "Bearer " + fullToken, "host": "api.example.com"}}
	ev.RequestContext.HTTP.Method, ev.RequestContext.HTTP.SourceIP = "GET", "192.0.2.1"
	ev.RequestContext.DomainName = "abc.execute-api.ap-northeast-1.amazonaws.com"
	resp, err := f.fn.Handle(context.Background(), ev)
	if err != nil {
		f.t.Fatal(err)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(resp)
	if b.Len() > lambdahttp.MaxPayload*3/4 {
		f.t.Errorf("%s: %d bytes as the function returns it, not well under %d", target, b.Len(), lambdahttp.MaxPayload)
	}
	return resp.StatusCode, resp.Body
}

type partAnswer struct {
	Counts map[string]int               `json:"counts"`
	Items  map[string][]json.RawMessage `json:"items"`
	Part   int                          `json:"part"`
	Next   string                       `json:"next"`
}

// eventsOf are a part's events' ids, checked in order.
func (f *longFixture) eventsOf(p partAnswer, last *time.Time) []string {
	var ids []string
	for _, doc := range p.Items["event"] {
		var ev event.Event
		if err := json.Unmarshal(doc, &ev); err != nil {
			f.t.Fatal(err)
		}
		if ev.Timestamp.Before(*last) {
			f.t.Errorf("part %d: %s at %s, after one at %s", p.Part, ev.ID, ev.Timestamp, *last)
		}
		*last = ev.Timestamp
		ids = append(ids, ev.ID)
	}
	return ids
}

func exactlyOnce(t *testing.T, got, want []string) {
	t.Helper()
	seen := map[string]int{}
	for _, id := range got {
		seen[id]++
	}
	for _, id := range want {
		if seen[id] != 1 {
			t.Errorf("event %s disclosed %d times", id, seen[id])
		}
		delete(seen, id)
	}
	for id, n := range seen {
		t.Errorf("event %s disclosed %d times, not among the person's events then", id, n)
	}
}

func longHistory(t *testing.T, tb table.Table) {
	f := newLongFixture(t, tb)
	ctx := context.Background()
	since := time.Date(2023, 4, 1, 10, 0, 0, 0, time.UTC) // over years before now
	want := f.add(600, since)                             // 7 MB as one answer from the function (over its 6), over years
	f.clk.Advance(time.Hour)

	path := "/admin/people/" + f.person + "/disclosure"
	var got []string
	var last time.Time
	parts := 0
	var counted int
	var between []string
	var gone string
	for next := path; next != ""; {
		code, body := f.get(next)
		if code != 200 {
			t.Fatalf("%s: %d %.300s", next, code, body)
		}
		var p partAnswer
		if err := json.Unmarshal([]byte(body), &p); err != nil {
			t.Fatal(err)
		}
		parts++
		if p.Part != parts {
			t.Errorf("part %d says part %d", parts, p.Part)
		}
		if parts == 1 {
			counted = p.Counts["event"]
			// Between the reads: an event dated in the first part's
			// period, another of now, and a flag on an event to come.
			f.clk.Advance(time.Minute)
			between = append(f.add(1, since.Add(time.Minute)), f.add(1, f.clk.Now())...)
			if _, err := f.log.Flag(ctx, longVisitor, want[len(want)-2], "test"); err != nil {
				t.Fatal(err)
			}
		}
		ids := f.eventsOf(p, &last)
		if parts == 1 {
			// And one it showed goes (its retention passed): an
			// offset would now skip the first of the next part.
			gone = ids[0]
			if _, err := f.log.DeleteEvents(ctx, longVisitor, gone); err != nil {
				t.Fatal(err)
			}
		}
		got = append(got, ids...)
		if p.Next != "" && !strings.HasPrefix(p.Next, path+"?cursor=") {
			t.Fatalf("next %q", p.Next)
		}
		next = p.Next
	}
	if parts < 3 {
		t.Errorf("%d parts", parts)
	}
	if counted != len(want) {
		t.Errorf("the first part counts %d events, of %d", counted, len(want))
	}
	exactlyOnce(t, got, want)

	// Each part's read is a disclosure in the trail.
	entries, _, err := (&audit.Log{T: tb, Now: f.clk.Now}).List(ctx, "", 500)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		if e.Route == "GET /admin/people/{id}/disclosure" && e.ID == f.person && e.Status == 200 {
			n++
		}
	}
	if n != parts {
		t.Errorf("%d disclosures in the trail, of %d parts", n, parts)
	}

	// The workspace lists the parts; downloaded after more events came,
	// they hold the events as of the list, each once.
	f.clk.Advance(time.Minute)
	code, page := f.get(path + "/parts")
	if code != 200 {
		t.Fatalf("parts page: %d %.300s", code, page)
	}
	f.clk.Advance(time.Minute)
	f.add(2, since.Add(2*time.Minute)) // after the page: the next disclosure's
	links := regexp.MustCompile(`href="(\.\./disclosure[^"]*)"`).FindAllStringSubmatch(page, -1)
	if len(links) < 3 {
		t.Fatalf("%d parts listed: %.2000s", len(links), page)
	}
	base, _ := url.Parse(path + "/parts")
	got, last = nil, time.Time{}
	for i, l := range links {
		u, _ := url.Parse(strings.ReplaceAll(l[1], "&amp;", "&"))
		code, body := f.get(base.ResolveReference(u).String())
		if code != 200 {
			t.Fatalf("part %d: %d %.300s", i+1, code, body)
		}
		var p partAnswer
		if err := json.Unmarshal([]byte(body), &p); err != nil {
			t.Fatal(err)
		}
		if (p.Next == "") != (i == len(links)-1) {
			t.Errorf("part %d of %d: next %q", i+1, len(links), p.Next)
		}
		got = append(got, f.eventsOf(p, &last)...)
	}
	// As of the page: those that came between the first reads too, not
	// the one gone.
	want = append(slices.DeleteFunc(want, func(id string) bool { return id == gone }), between...)
	exactlyOnce(t, got, want)
}

// TestDisclosureRefusesABadCursor: a part's cursor Baton did not write is
// a JSON 400 naming it, by id and by email, never a part of something else.
func TestDisclosureRefusesABadCursor(t *testing.T) {
	backends.Each(t, func(t *testing.T, tb table.Table) {
		f := newLongFixture(t, tb)
		f.add(3, time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC))
		path := "/admin/people/" + f.person + "/disclosure"
		for _, c := range []string{
			"not-a-cursor!",
			"e30", // {}
			"eyJhIjoiMjAyNi0wMS0wNVQwOTowMDowMFoiLCJwIjoyfQ",         // part 2 with no item before it
			"eyJhIjoiMjAyNi0wMS0wNVQwOTowMDowMFoiLCJwIjoxLCJ4IjoxfQ", // a field Baton never writes
			strings.Repeat("A", 4000),
		} {
			for _, target := range []string{path + "?cursor=" + c, "/admin/disclosure?email=long.history%40example.com&cursor=" + c} {
				code, body := f.get(target)
				if code != 400 || !strings.Contains(body, `"field":"cursor"`) {
					t.Errorf("%.80s: %d %.200s", target, code, body)
				}
			}
		}
		if code, body := f.get(path + "?cursor=eyJhIjoiMjAyNi0wMS0wNVQwOTowMDowMFoiLCJwIjoxfQ"); code != 200 || !strings.Contains(body, `"part": 1`) {
			t.Errorf("a first part's cursor: %d %.200s", code, body)
		}
	})
}

// TestShortHistoryPartsLinkIsTheFile: the person's page links the list of
// parts; a file of one part (most people's) is downloaded at once, with no
// list to go through.
func TestShortHistoryPartsLinkIsTheFile(t *testing.T) {
	backends.Each(t, func(t *testing.T, tb table.Table) {
		f := newLongFixture(t, tb)
		f.add(3, time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC))
		u, _ := url.Parse("/admin/people/" + f.person + "/disclosure/parts")
		ev := lambdaevents.APIGatewayV2HTTPRequest{RawPath: u.Path, Headers: map[string]string{"authorization": "Bearer " + fullToken}}
		ev.RequestContext.HTTP.Method = "GET"
		resp, err := f.fn.Handle(context.Background(), ev)
		if err != nil || resp.StatusCode != http.StatusSeeOther || resp.Headers["Location"] != "/admin/people/"+f.person+"/disclosure" {
			t.Fatalf("%v %d %v", err, resp.StatusCode, resp.Headers)
		}
	})
}
