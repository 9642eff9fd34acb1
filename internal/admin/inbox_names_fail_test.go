package admin_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/admin"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/links"
	"github.com/baton-hq/baton/internal/push"
)

// campaignReadFails is a link registry whose campaign reads fail (the
// store throttled).
type campaignReadFails struct{ admin.LinkRegistry }

func (campaignReadFails) Campaign(context.Context, string) (links.Campaign, error) {
	return links.Campaign{}, errors.New("throttled")
}

// TestInboxShowsLeadsWhenCampaignNamesFail: e8f4227 made the inbox read
// its leads' campaign names for the chips, and a failed read answered
// sales' inbox with a 500; the leads are shown, the chip giving the
// campaign's id, as the SFA's text does when its names read fails.
func TestInboxShowsLeadsWhenCampaignNamesFail(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	inbox := &push.Inbox{T: f.tb}
	f.h.Deliveries = &admin.DeliveryAdmin{Queue: noDead{}, Inbox: inbox}
	f.h.SiteHosts = []string{"www.example.com"}
	f.h.Links = campaignReadFails{f.h.Links}
	at := f.clk.Now()
	if _, err := inbox.Push(ctx, push.Lead{MQLID: "p_news-c1", PersonID: "p_news", Email: "p_news@maker.example", Condition: "hot", QualifiedAt: at, Cycle: 1,
		Activity: []push.Activity{{Type: event.EmailClick, URL: newsletterURL, Campaign: "nov-news", At: at}}}); err != nil {
		t.Fatal(err)
	}
	serveScoring(t, f)
	a := f.req("GET", "/admin/inbox?lang=ja", "", "Authorization", "Bearer "+fullToken, "Accept", "text/html")
	if a.code != 200 || !strings.Contains(a.body, "p_news@maker.example") || !strings.Contains(a.body, `<span class="chip campaign"><bdi>nov-news</bdi></span>`) {
		t.Errorf("inbox with its campaign names unread: %d\n%s", a.code, a.body)
	}
}

// TestPersonPageShownWhenCampaignNamesFail: the person's page, like the
// inbox, reads campaign names for its chips; a failed read answered it
// with a 500. The page is shown, the chip giving the campaign's id.
func TestPersonPageShownWhenCampaignNamesFail(t *testing.T) {
	f := newFixture(t)
	f.h.People, f.h.Timelines, f.h.Scores = rtlPerson{}, newsletterClick{}, oneMQL{}
	f.h.SiteHosts = []string{"www.example.com"}
	putNewsletter(t, f)
	f.h.Links = campaignReadFails{f.h.Links}
	cookie, _ := f.login(fullToken)
	a := f.req("GET", "/admin/people/p_1?lang=ja", "", "Cookie", cookie, "Accept", "text/html")
	if a.code != 200 || !strings.Contains(a.body, `<bdi>nov-news</bdi>`) {
		t.Errorf("person page with its campaign names unread: %d\n%s", a.code, a.body)
	}
}
