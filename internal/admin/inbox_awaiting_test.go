package admin_test

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/admin"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/push"
)

// TestInboxFiltersLeadsAwaitingAVerdict: the MQL inbox marked each lead
// answered or awaiting a verdict, but listed them all, so sales could not
// ask for what was left. ?show=awaiting lists exactly the leads without
// sales' verdict (page after page), and the filter's link says how many,
// in English and Japanese; the JSON takes the filter too.
func TestInboxFiltersLeadsAwaitingAVerdict(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	q, _, log, st := scoring(t, f)
	inbox := &push.Inbox{T: f.tb}
	f.h.Deliveries = &admin.DeliveryAdmin{Queue: noDead{}, Inbox: inbox}
	t0 := f.clk.Now()
	var people []string
	for i := range 7 {
		vis, at := fmt.Sprintf("await-v%d", i), t0.Add(time.Duration(i)*time.Minute)
		evs := []event.Event{
			{ID: vis + "-a", Type: event.Download, VisitorID: vis, URL: "https://www.example.com/a.pdf", Timestamp: at, ReceivedAt: at},
			{ID: vis + "-b", Type: event.FormSubmit, VisitorID: vis, Timestamp: at, ReceivedAt: at, Properties: map[string]any{"form": map[string]any{"id": "contact"}}},
		}
		if _, err := log.Append(ctx, evs); err != nil {
			t.Fatal(err)
		}
		f.clk.Set(at)
		p, _, err := st.Identify(ctx, identity.Identification{Visitor: vis, Email: fmt.Sprintf("await%d@maker.example", i), At: at, Strength: identity.Strong, Fields: map[string]string{"title": "部長", "employees": "500"}})
		if err != nil {
			t.Fatal(err)
		}
		if err := q.Process(ctx, evs); err != nil {
			t.Fatal(err)
		}
		ms, err := q.MQLs(ctx, p.ID)
		if err != nil || len(ms) != 1 {
			t.Fatalf("%d: MQLs %v %v", i, ms, err)
		}
		m := ms[0]
		if _, err := inbox.Push(ctx, push.Lead{MQLID: m.ID, PersonID: p.ID, Email: m.Email, Condition: m.Condition, QualifiedAt: m.At, Cycle: m.Cycle}); err != nil {
			t.Fatal(err)
		}
		people = append(people, p.ID)
	}
	// Sales answers three: accepted, rejected (back to nurture), accepted then SQL.
	for i, outcomes := range map[int][]string{1: {"accepted"}, 3: {"rejected"}, 5: {"accepted", "sql"}} {
		for k, o := range outcomes {
			if res, err := q.OutcomeWhy(ctx, people[i], o, fmt.Sprintf("v%d-%d", i, k), "rep-a", "予算なし", t0.Add(time.Hour+time.Duration(k)*time.Minute)); err != nil || !res.Applied {
				t.Fatalf("%d %s: %+v %v", i, o, res, err)
			}
		}
	}
	f.clk.Set(t0.Add(2 * time.Hour))
	serveScoring(t, f)
	want := []string{people[6], people[4], people[2], people[0]} // newest first
	card := regexp.MustCompile(`<div class="card lead( answered)?" id="lead-[^"]+"><h2><a href="people/([^"]+)">`)
	link := regexp.MustCompile(`<a href="inbox\?show=awaiting" class="awaiting"( aria-current="true")?>([^<]*)</a>`)
	for lang, label := range map[string]string{"en": "Awaiting verdict (4)", "ja": "未回答（4）"} {
		var listed []string
		path := "/admin/inbox?show=awaiting&limit=3&lang=" + lang
		for pages := 0; path != ""; pages++ {
			if pages == 3 {
				t.Fatalf("%s: more than 2 pages", lang)
			}
			a := f.req("GET", path, "", "Authorization", "Bearer "+fullToken, "Accept", "text/html")
			if a.code != 200 {
				t.Fatalf("%s: %d %s", path, a.code, a.body)
			}
			for _, m := range card.FindAllStringSubmatch(a.body, -1) {
				if m[1] != "" {
					t.Errorf("%s: an answered lead listed: %s", lang, m[2])
				}
				listed = append(listed, m[2])
			}
			if l := link.FindStringSubmatch(a.body); l == nil || l[1] == "" || html.UnescapeString(l[2]) != label {
				t.Errorf("%s: the filter's link %q, want %q (current)", path, l, label)
			}
			path = ""
			if m := regexp.MustCompile(`<a href="(inbox\?[^"]*after=[^"]*)">`).FindStringSubmatch(a.body); m != nil {
				path = "/admin/" + html.UnescapeString(m[1]) + "&lang=" + lang // a browser's cookie says it
			}
		}
		if !slices.Equal(listed, want) {
			t.Errorf("%s: awaiting %v, want %v", lang, listed, want)
		}
		// The whole inbox says the count too, the filter not current.
		a := f.req("GET", "/admin/inbox?lang="+lang, "", "Authorization", "Bearer "+fullToken, "Accept", "text/html")
		if l := link.FindStringSubmatch(a.body); a.code != 200 || l == nil || l[1] != "" || html.UnescapeString(l[2]) != label || len(card.FindAllString(a.body, -1)) != 7 {
			t.Errorf("%s: the inbox: %d, link %q", lang, a.code, l)
		}
	}
	a := f.req("GET", "/admin/inbox?show=awaiting", "", "Authorization", "Bearer "+fullToken)
	var got struct {
		Leads []push.Lead
		Next  string
	}
	if err := json.Unmarshal([]byte(a.body), &got); a.code != 200 || err != nil {
		t.Fatalf("JSON: %d %v %s", a.code, err, a.body)
	}
	var ids []string
	for _, l := range got.Leads {
		ids = append(ids, l.PersonID)
	}
	if !slices.Equal(ids, want) || got.Next != "" {
		t.Errorf("JSON: %v next %q, want %v", ids, got.Next, want)
	}
	if a := f.req("GET", "/admin/inbox?show=answered", "", "Authorization", "Bearer "+fullToken); a.code != 400 || !strings.Contains(a.body, "show") {
		t.Errorf("show=answered: %d %s", a.code, a.body)
	}
}
