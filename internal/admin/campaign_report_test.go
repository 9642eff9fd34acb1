package admin

import (
	"context"
	"net/http/httptest"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/click"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/links"
	"github.com/baton-hq/baton/internal/qualify"
)

// TestCampaignSummaryAgreesWithItsTable: the campaign page's summary
// ("human clicks: 1 · awaiting judgement: 1") counted a click awaiting
// judgement as human while the clicks-per-link table beside it said human
// 0, awaiting 1. Each click is one of human, awaiting or scanner, in both.
func TestCampaignSummaryAgreesWithItsTable(t *testing.T) {
	at := time.Date(2026, 12, 3, 1, 0, 0, 0, time.UTC)
	evs := []click.Activity{
		{Type: event.EmailClick, Person: "p1", Link: "l1", At: at},                             // awaiting
		{Type: event.EmailClick, Person: "p2", Link: "l1", At: at, Judged: true},               // human
		{Type: event.EmailClick, Person: "p2", Link: "l2", At: at, Judged: true},               // human
		{Type: event.EmailClick, Person: "p3", Link: "l2", At: at, Scanner: true, Client: "c"}, // scanner
	}
	byID := map[string]*linkCount{"l1": {}, "l2": {}}
	var rep campaignReport
	h := &Handler{People: anyone{}}
	if err := h.campaignReport(httptest.NewRequest("GET", "/", nil), &rep, evs, byID, links.Campaign{ID: "dec-news"}); err != nil {
		t.Fatal(err)
	}
	human, pending := byID["l1"].Human+byID["l2"].Human, byID["l1"].Pending+byID["l2"].Pending
	if rep.HumanClicks != 2 || rep.Pending != 1 || rep.ScannerClicks != 1 || human != rep.HumanClicks || pending != rep.Pending {
		t.Errorf("summary human %d awaiting %d scanner %d; table human %d awaiting %d", rep.HumanClicks, rep.Pending, rep.ScannerClicks, human, pending)
	}
}

// anyone finds every person (campaignReport reads only Get).
type anyone struct{ People }

func (anyone) Get(_ context.Context, id string) (identity.Person, error) {
	return identity.Person{ID: id, Email: id + "@example.co.jp"}, nil
}

// mqlsAt scores each person MQLs at the times given (the campaign report
// reads only MQLs).
type mqlsAt struct {
	Scores
	at map[string][]time.Time
}

func (s mqlsAt) MQLs(_ context.Context, person string) ([]qualify.MQL, error) {
	var out []qualify.MQL
	for i, at := range s.at[person] {
		out = append(out, qualify.MQL{ID: person + "-c" + strconv.Itoa(i+1), Person: person, Cycle: i + 1, At: at, Condition: "hot"})
	}
	return out, nil
}

// TestCampaignCreditsMQLsAfterTheClick: a newsletter sent at 05:00 was
// credited with an MQL its reader reached from the website form at 05:48,
// before clicking the newsletter at 05:55 (the send's time was compared,
// not the click's). Only an MQL raised at or after the person's first
// click of the campaign is the campaign's.
func TestCampaignCreditsMQLsAfterTheClick(t *testing.T) {
	sent := time.Date(2026, 12, 3, 5, 0, 0, 0, time.UTC)
	at := func(h, m int) time.Time { return time.Date(2026, 12, 3, h, m, 0, 0, time.UTC) }
	evs := []click.Activity{
		{Type: event.EmailClick, Person: "form-first", Link: "l1", At: at(5, 55), Judged: true},
		{Type: event.EmailClick, Person: "after", Link: "l1", At: at(6, 10), Judged: true},
		{Type: event.EmailClick, Person: "same-time", Link: "l1", At: at(6, 30), Judged: true},
		// Two clicks: the MQL between them came after the first.
		{Type: event.EmailClick, Person: "twice", Link: "l1", At: at(7, 30), Judged: true},
		{Type: event.EmailClick, Person: "twice", Link: "l1", At: at(7, 0), Judged: true},
	}
	h := &Handler{People: anyone{}, Scores: mqlsAt{at: map[string][]time.Time{
		"form-first": {at(5, 48)},
		"after":      {at(6, 20)},
		"same-time":  {at(6, 30)},
		"twice":      {at(7, 15)},
	}}}
	var rep campaignReport
	if err := h.campaignReport(httptest.NewRequest("GET", "/", nil), &rep, evs, map[string]*linkCount{"l1": {}}, links.Campaign{ID: "dec-news", SentAt: sent}); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range rep.MQLs {
		got = append(got, m.Person)
	}
	if want := []string{"twice", "same-time", "after"}; !slices.Equal(got, want) {
		t.Errorf("MQLs credited to the campaign: %v, want %v (form-first qualified at 05:48, before their 05:55 click)", got, want)
	}
}

// TestCampaignOpensCountTheClickers: Outlook shows no images until its
// reader asks, so a send read in Outlook showed 2 people who opened beside
// 5 who clicked. A reader who clicked opened the email: they count among
// the people who opened, said apart ("2 of them by their click alone");
// a scanner's click opens nothing.
func TestCampaignOpensCountTheClickers(t *testing.T) {
	at := time.Date(2026, 12, 3, 1, 0, 0, 0, time.UTC)
	evs := []click.Activity{
		{Type: event.EmailOpen, Person: "gmail", At: at},
		{Type: event.EmailClick, Person: "gmail", Link: "l1", At: at, Judged: true},
		{Type: event.EmailClick, Person: "outlook", Link: "l1", At: at, Judged: true},
		{Type: event.EmailOpen, Person: "apple", At: at, Scanner: true, Reason: "apple-mpp"},
		{Type: event.EmailClick, Person: "apple", Link: "l1", At: at},
		{Type: event.EmailOpen, Person: "opened-only", At: at},
		{Type: event.EmailClick, Person: "scanned", Link: "l1", At: at, Scanner: true, Client: "c"},
	}
	var rep campaignReport
	h := &Handler{People: anyone{}}
	if err := h.campaignReport(httptest.NewRequest("GET", "/", nil), &rep, evs, map[string]*linkCount{"l1": {}}, links.Campaign{ID: "dec-news"}); err != nil {
		t.Fatal(err)
	}
	if rep.OpenPeople != 4 || rep.ClickOnlyOpens != 2 || rep.MPPOpens != 1 || rep.HumanClickers != 3 {
		t.Errorf("opened %d (by a click alone %d), MPP opens %d, clicked %d; want 4 (2), 1, 3", rep.OpenPeople, rep.ClickOnlyOpens, rep.MPPOpens, rep.HumanClickers)
	}
}
