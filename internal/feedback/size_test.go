package feedback_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/crm/crmfake"
	"github.com/baton-hq/baton/internal/feedback"
	"github.com/baton-hq/baton/internal/qualify"
)

// TestLargeKintoneRecordIsRead: a kintone webhook carries the whole record,
// and a multi-line text or rich text field holds up to 65,535 characters:
// two such fields in Japanese (3 bytes a character) are some 390 KB, and
// the 256 KB limit of every route answered 413, and the outcome was lost.
// kintone's route, authenticated by its token before the body is read,
// reads up to 4 MiB; beyond it is a JSON 413 saying the limit.
func TestLargeKintoneRecordIsRead(t *testing.T) {
	f := setup(t)
	notes := strings.Repeat("議", 65535)
	rec := map[string]any{
		"$id":   map[string]any{"type": "__ID__", "value": "7"},
		"ステータス": map[string]any{"type": "STATUS", "value": "受注"},
		"商談メモ":  map[string]any{"type": "MULTI_LINE_TEXT", "value": notes},
		"議事録":   map[string]any{"type": "RICH_TEXT", "value": "<div>" + notes + "</div>"},
	}
	body, _ := json.Marshal(map[string]any{"id": "kt-big-1", "type": "UPDATE_STATUS", "record": rec})
	if len(body) < 256<<10 {
		t.Fatalf("the record is only %d bytes", len(body))
	}
	if code, resp := f.post(t, "/feedback/kintone/"+ktToken, string(body), nil); code != 200 || f.stage(t) != qualify.StageCustomer {
		t.Fatalf("a %d-byte record: %d %.200s stage %s", len(body), code, resp, f.stage(t))
	}
	rec["添付"] = map[string]any{"type": "MULTI_LINE_TEXT", "value": strings.Repeat("x", 4<<20)}
	huge, _ := json.Marshal(map[string]any{"id": "kt-big-2", "type": "UPDATE_STATUS", "record": rec})
	code, resp := f.post(t, "/feedback/kintone/"+ktToken, string(huge), nil)
	var e struct{ Error string }
	if code != 413 || json.Unmarshal([]byte(resp), &e) != nil || !strings.Contains(e.Error, "larger than") {
		t.Fatalf("beyond the limit: %d %.200s, want a JSON 413", code, resp)
	}
}

// TestLargeHubSpotAnswer: HubSpotDeals read at most 1 MB of an answer, and
// a batch read of associations is larger for a batch of deals with many
// contacts (500 a deal on a page): cut, it failed as "unexpected end of
// JSON input", which named neither the read nor the limit. Up to 16 MB is
// read; beyond it the error says which read and the limit.
func TestLargeHubSpotAnswer(t *testing.T) {
	hs := crmfake.NewHubSpot()
	defer hs.Close()
	var contacts []string
	for i := range crmfake.HSAssociationsPage {
		contacts = append(contacts, fmt.Sprint(1_000_000_000+i))
	}
	deals := func(n int) []string {
		hs.Lock()
		defer hs.Unlock()
		hs.Deals = map[string]*crmfake.HubSpotDeal{}
		var ids []string
		for i := range n {
			id := fmt.Sprint(30000 + i)
			ids = append(ids, id)
			hs.Deals[id] = &crmfake.HubSpotDeal{Properties: map[string]string{"dealstage": "closedwon"}, Contacts: contacts}
		}
		return ids
	}
	api := &feedback.HubSpotDeals{BaseURL: hs.URL, Token: hs.Token}
	ctx := context.Background()
	// 30 deals: some 1.4 MB.
	got, err := api.DealContacts(ctx, deals(30))
	if err != nil || len(got) != 30 || len(got["30029"]) != len(contacts) {
		t.Fatalf("30 deals of %d contacts: %d deals read, %v", len(contacts), len(got), err)
	}
	// 400 deals: some 19 MB in one answer.
	_, err = api.DealContacts(ctx, deals(400))
	var syntax *json.SyntaxError
	if err == nil || errors.As(err, &syntax) || !strings.Contains(err.Error(), "16 MB") || !strings.Contains(err.Error(), "POST /crm/v4/associations/deals/contacts/batch/read") {
		t.Fatalf("an answer over the limit: %v", err)
	}
	t.Log(err)
}
