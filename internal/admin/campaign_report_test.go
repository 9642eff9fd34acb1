package admin

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/click"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/links"
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
