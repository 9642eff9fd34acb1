package admin_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/admin"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/qualify"
)

// rtlPerson typed a right-to-left override into the contact form's
// company field, as anyone can.
type rtlPerson struct{ noPeople }

func (rtlPerson) Get(_ context.Context, id string) (identity.Person, error) {
	if id != "p_1" {
		return identity.Person{}, identity.ErrNotFound
	}
	return identity.Person{ID: "p_1", Email: "a@maker.example", Attributes: map[string]string{"company": "\u202eAcme", "title": "Manager"}}, nil
}

// TestFormTextIsIsolated: the values a form sent that the person's page
// shows on one line (email · company · title) are each isolated (bdi), so
// a bidirectional override in one (U+202E) turns its own text around and
// not the rest of the line: the title read "reganaM · " after it.
func TestFormTextIsIsolated(t *testing.T) {
	f := newFixture(t)
	f.h.People, f.h.Timelines = rtlPerson{}, events(1)
	cookie, _ := f.login(fullToken)
	a := f.req("GET", "/admin/people/p_1", "", "Cookie", cookie, "Accept", "text/html")
	if want := "<p><bdi>a@maker.example</bdi> · <bdi>\u202eAcme</bdi> · <bdi>Manager</bdi></p>"; a.code != 200 || !strings.Contains(a.body, want) {
		t.Fatalf("person page: %d, want %q in:\n%s", a.code, want, a.body)
	}
}

// oneMQL scored p_1 an MQL for the event e1 (rtlEvent); its other
// methods are not called by the person's page.
type oneMQL struct{ admin.Scores }

func (oneMQL) Record(context.Context, string) (qualify.Record, error) { return qualify.Record{}, nil }
func (oneMQL) VerdictAt(rec qualify.Record, _ identity.Person, _ time.Time) (qualify.Verdict, error) {
	return rec.Verdict, nil
}
func (oneMQL) Ledger(context.Context, string) ([]qualify.Contribution, error) {
	return nil, nil
}
func (oneMQL) History(context.Context, string) ([]qualify.StageChange, error) { return nil, nil }
func (oneMQL) MQLs(context.Context, string) ([]qualify.MQL, error) {
	return []qualify.MQL{{ID: "p_1-c1", Person: "p_1", Cycle: 1, At: time.Date(2026, 11, 24, 8, 0, 0, 0, time.UTC), Condition: "hot", Events: []string{"e1"}}}, nil
}

// rtlEvent is a custom event the tag sent, named by the page (or by
// anyone posting to /e) with a right-to-left override.
type rtlEvent struct{}

func (rtlEvent) Timeline(context.Context, string, int) ([]event.Event, error) {
	return []event.Event{{ID: "e1", Type: event.Custom, Name: "\u202eevil", URL: "https://www.example.com/pricing", Title: "Pricing",
		Timestamp: time.Date(2026, 11, 24, 7, 0, 0, 0, time.UTC)}}, nil
}

// TestEventNameIsIsolated: the events behind an MQL are listed a line
// each, the event's name before its page's link: the name is isolated
// (bdi), so an override in it turns only the name around, not the link.
func TestEventNameIsIsolated(t *testing.T) {
	f := newFixture(t)
	f.h.People, f.h.Timelines, f.h.Scores = rtlPerson{}, rtlEvent{}, oneMQL{}
	f.h.SiteHosts = []string{"www.example.com"} // the page's link is on the team's site
	cookie, _ := f.login(fullToken)
	a := f.req("GET", "/admin/people/p_1", "", "Cookie", cookie, "Accept", "text/html")
	if want := " <bdi>\u202eevil</bdi> <a href=\"https://www.example.com/pricing\""; a.code != 200 || !strings.Contains(a.body, want) {
		t.Fatalf("person page: %d, want %q in:\n%s", a.code, want, a.body)
	}
}

// TestTemplatesIsolateEventNames: every page that lists an event's name
// before its link (the person's MQLs, the inbox's activity, which has no
// fixture here) isolates the name, as TestEventNameIsIsolated sees on the
// person's page.
func TestTemplatesIsolateEventNames(t *testing.T) {
	files, _ := filepath.Glob("templates/*.html")
	n := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		n += strings.Count(string(b), "{{with .Name}} <bdi>{{.}}</bdi>{{end}} {{if .URL}}")
		if strings.Contains(string(b), "{{with .Name}} {{.}}{{end}} {{if .URL}}") {
			t.Errorf("%s: an event's name before its link is not isolated (bdi)", f)
		}
	}
	if n < 2 {
		t.Errorf("%d isolated event names before a link in templates/, want the person's page's and the inbox's", n)
	}
}

// TestLinksIsolate: every page's links isolate their text (CSS
// unicode-bidi: isolate), so a name a form sent with a right-to-left
// override, shown as a link (an account's people, a campaign's MQLs, the
// MQL list), turns only itself around, not the title or date after it.
func TestLinksIsolate(t *testing.T) {
	f := newFixture(t)
	f.h.People, f.h.Timelines = rtlPerson{}, events(1)
	cookie, _ := f.login(fullToken)
	a := f.req("GET", "/admin/people/p_1", "", "Cookie", cookie, "Accept", "text/html")
	if a.code != 200 || !strings.Contains(a.body, "\na{unicode-bidi:isolate}\n") {
		t.Fatalf("person page: %d, want the layout's a{unicode-bidi:isolate}", a.code)
	}
	b, err := os.ReadFile("templates/account.html")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `<bdi>{{.Name}}</bdi>{{$.T " ("}}<bdi>{{.Email}}</bdi>`) {
		t.Error("account.html: a member's name and email (a label, not a link) are not isolated")
	}
}

// rtlTimeline holds a custom event and an offline touch whose names carry
// a right-to-left override (a page's script, an imported list's event).
type rtlTimeline struct{}

func (rtlTimeline) Timeline(context.Context, string, int) ([]event.Event, error) {
	at := time.Date(2026, 11, 24, 7, 0, 0, 0, time.UTC)
	return []event.Event{
		{ID: "e1", Type: event.Custom, Name: "\u202eevil", Timestamp: at, Properties: map[string]any{"campaign": "nov-news"}},
		{ID: "e2", Type: event.Offline, Timestamp: at.Add(-time.Hour), Properties: map[string]any{"event": "\u202efair", "channel": "exhibition"}},
	}, nil
}

// TestTimelineIsolatesNames: the person's timeline names each event
// before its chips (campaign, channel, scanner): the names are isolated
// (bdi), so an override in one turns only itself around, not the chips.
func TestTimelineIsolatesNames(t *testing.T) {
	f := newFixture(t)
	f.h.People, f.h.Timelines = rtlPerson{}, rtlTimeline{}
	cookie, _ := f.login(fullToken)
	a := f.req("GET", "/admin/people/p_1", "", "Cookie", cookie, "Accept", "text/html")
	if a.code != 200 {
		t.Fatalf("person page: %d", a.code)
	}
	for _, name := range []string{"\u202eevil", "\u202efair"} {
		if n, iso := strings.Count(a.body, name), strings.Count(a.body, "<bdi>"+name+"</bdi>"); n == 0 || n != iso {
			t.Errorf("%q shown %d times, %d of them isolated:\n%s", name, n, iso, a.body)
		}
	}
}

// TestSentenceValuesLoseOverrides: a value set into one of the pages'
// sentences (F) cannot be isolated there, and a report's group is what
// anyone sent as a utm_source: the sentence saying which count's people
// are listed read "group ‮evil. Period: 1 Nov 2026 to …", the rest of it
// turned around by the override. The value is shown without it.
func TestSentenceValuesLoseOverrides(t *testing.T) {
	f := newFixture(t)
	cookie, _ := f.login(fullToken)
	a := f.req("GET", "/admin/people?reached=mql&group=%E2%80%AEevil%E2%81%A6&by=source&from=2026-11-01", "", "Cookie", cookie, "Accept", "text/html")
	_, note, _ := strings.Cut(a.body, `<p class="note" role="status">`)
	note, _, _ = strings.Cut(note, "</p>")
	if want := "The people behind a report count: reached MQL, group evil. Period: 1 Nov 2026 to …. <a"; a.code != 200 || !strings.HasPrefix(note, want) {
		t.Fatalf("%d, want the note to start %q:\n%s", a.code, want, a.body)
	}
	// The filter the page keeps is the group as given.
	if !strings.Contains(a.body, `name="group" value="`+"\u202eevil\u2066"+`"`) {
		t.Errorf("the group's hidden field changed:\n%s", a.body)
	}
}
