package admin_test

import (
	"context"
	"html"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/admin"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/links"
	"github.com/baton-hq/baton/internal/push"
)

// newsletterURL is where a newsletter's tracked link lands: the page, and
// the UTM parameters the link added.
const newsletterURL = "https://www.example.com/lp/dx-seminar?utm_source=newsletter&utm_medium=email&utm_campaign=nov-news&utm_content=hero"

// newsletterClick is the click behind oneMQL's MQL (its event e1): a
// tracked link of the campaign nov-news, landing on a page with no title.
type newsletterClick struct{}

func (newsletterClick) Timeline(context.Context, string, int) ([]event.Event, error) {
	return []event.Event{{ID: "e1", Type: event.EmailClick, URL: newsletterURL, UTM: event.ParseUTM(newsletterURL),
		Properties: map[string]any{"campaign": "nov-news", "link": "l1"}, Timestamp: time.Date(2026, 11, 24, 7, 0, 0, 0, time.UTC)}}, nil
}

// readableClick checks a line that lists the newsletter click: the
// campaign by its name, the page by its host and path (the query on hover,
// in the link's title, and in its href), never the whole address as text.
func readableClick(t *testing.T, where, line string) {
	t.Helper()
	for _, want := range []string{
		`<span class="chip campaign"><bdi>11月ニュースレター（製造業向け）</bdi></span>`,
		`>www.example.com/lp/dx-seminar?…</a>`,
		`title="` + html.EscapeString(newsletterURL) + `"`,
		`href="` + html.EscapeString(newsletterURL) + `"`,
	} {
		if !strings.Contains(line, want) {
			t.Errorf("%s: no %s in\n%s", where, want, line)
		}
	}
	if strings.Contains(line, ">"+html.EscapeString(newsletterURL)+"<") {
		t.Errorf("%s: the whole address is the link's text:\n%s", where, line)
	}
}

func putNewsletter(t *testing.T, f *fixture) {
	t.Helper()
	if _, _, err := f.h.Links.(*links.Registry).PutCampaign(context.Background(), links.Campaign{ID: "nov-news", Name: "11月ニュースレター（製造業向け）"}); err != nil {
		t.Fatal(err)
	}
}

// TestWhatLedToItNamesTheNewsletter: an MQL's "What led to it" listed a
// newsletter click as its full URL, utm parameters and all; it names the
// campaign, as the timeline does, and the page by its host and path.
func TestWhatLedToItNamesTheNewsletter(t *testing.T) {
	f := newFixture(t)
	f.h.People, f.h.Timelines, f.h.Scores = rtlPerson{}, newsletterClick{}, oneMQL{}
	f.h.SiteHosts = []string{"www.example.com"}
	putNewsletter(t, f)
	cookie, _ := f.login(fullToken)
	for lang, heading := range map[string]string{"ja": "MQL に至った行動", "en": "What led to it"} {
		a := f.req("GET", "/admin/people/p_1?lang="+lang, "", "Cookie", cookie, "Accept", "text/html")
		led, timeline, _ := strings.Cut(a.body, `<table`) // the MQL cards come before the timeline's table
		_, led, ok := strings.Cut(led, heading)
		if a.code != 200 || !ok {
			t.Fatalf("person page %s: %d, no %q in\n%s", lang, a.code, heading, a.body)
		}
		led, _, _ = strings.Cut(led, "</ul>")
		readableClick(t, "What led to it ("+lang+")", led)
		readableClick(t, "timeline ("+lang+")", timeline)
	}
}

// TestInboxCardNamesTheNewsletter: the inbox card's activity names a
// click's campaign and its page's host and path; a lead stored before its
// activity kept the campaign is named by its URL's utm_campaign.
func TestInboxCardNamesTheNewsletter(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	inbox := &push.Inbox{T: f.tb}
	f.h.Deliveries = &admin.DeliveryAdmin{Queue: noDead{}, Inbox: inbox}
	f.h.SiteHosts = []string{"www.example.com"}
	putNewsletter(t, f)
	at := f.clk.Now()
	for i, campaign := range []string{"nov-news", ""} {
		id := []string{"p_news", "p_old"}[i]
		if _, err := inbox.Push(ctx, push.Lead{MQLID: id + "-c1", PersonID: id, Email: id + "@maker.example", Condition: "hot", QualifiedAt: at, Cycle: 1,
			Activity: []push.Activity{{Type: event.EmailClick, URL: newsletterURL, Campaign: campaign, At: at}}}); err != nil {
			t.Fatal(err)
		}
	}
	serveScoring(t, f) // the inbox's routes, with verdicts read from a store
	for _, lang := range []string{"ja", "en"} {
		a := f.req("GET", "/admin/inbox?lang="+lang, "", "Authorization", "Bearer "+fullToken, "Accept", "text/html")
		cards := strings.Split(a.body, `<div class="card lead`)
		if a.code != 200 || len(cards) != 3 {
			t.Fatalf("inbox %s: %d, %d cards in\n%s", lang, a.code, len(cards)-1, a.body)
		}
		for _, card := range cards[1:] {
			readableClick(t, "inbox ("+lang+")", card)
		}
	}
}
