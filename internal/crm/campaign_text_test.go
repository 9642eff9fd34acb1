package crm_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/crm"
	"github.com/baton-hq/baton/internal/crm/crmfake"
	"github.com/baton-hq/baton/internal/push"
)

// TestSFATextNamesTheCampaign: a rep reading the lead in Salesforce,
// HubSpot, kintone or a webhook's receiver saw a newsletter click as
// https://www.example.co.jp/lp?utm_source=newsletter&utm_medium=email&utm_campaign=2026-11-nl,
// not the newsletter. Each connector's text names the campaign by its name
// and gives the team's page without its utm_* parameters; an off-site URL
// is still marked.
func TestSFATextNamesTheCampaign(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	l := lead
	l.Lang, l.Sites = "ja", []string{"www.example.co.jp"}
	l.Campaigns = map[string]string{"nov-news": "11月ニュースレター"}
	l.Activity = []push.Activity{
		{Type: "email_click", URL: "https://www.example.co.jp/lp?utm_source=newsletter&utm_medium=email&utm_campaign=2026-11-nl", Campaign: "nov-news", At: at},
		{Type: "page_view", URL: "https://evil.example/lp?utm_campaign=x", Campaign: "x", At: at.Add(-time.Minute)},
	}
	check := func(what, text string) {
		t.Helper()
		for _, want := range []string{
			" https://www.example.co.jp/lp （キャンペーン：11月ニュースレター）\n",
			" ［外部サイト・未確認］evil[.]example/lp?utm_campaign=x （キャンペーン：x）\n",
		} {
			if !strings.Contains(text, want) {
				t.Errorf("%s lacks %q:\n%s", what, want, text)
			}
		}
		if strings.Contains(text, "utm_source") {
			t.Errorf("%s writes the team's page with its utm parameters:\n%s", what, text)
		}
	}

	sfFake := crmfake.NewSalesforce()
	defer sfFake.Close()
	if _, err := sf(sfFake).Push(ctx, l); err != nil {
		t.Fatal(err)
	}
	desc, _ := sfFake.Task(l.MQLID)["Description"].(string)
	check("the Salesforce Task", desc)

	hsFake := crmfake.NewHubSpot()
	defer hsFake.Close()
	if _, err := hs(hsFake).Push(push.WithProgress(ctx, push.MemProgress{}), l); err != nil {
		t.Fatal(err)
	}
	if len(hsFake.Notes) != 1 {
		t.Fatalf("%d notes", len(hsFake.Notes))
	}
	body, _ := hsFake.Notes[0]["properties"].(map[string]any)["hs_note_body"].(string)
	check("the HubSpot note", body)

	ktFake := crmfake.NewKintone()
	defer ktFake.Close()
	k := kt(ktFake)
	k.Fields = map[string]string{"company": "company", "last_name": "name", "mql_summary": "mql_reason"}
	if _, err := k.Push(ctx, l); err != nil {
		t.Fatal(err)
	}
	check("the kintone record", ktFake.Record(l.Email)["mql_reason"])

	var got struct {
		Data struct {
			Summary string `json:"summary"`
		} `json:"data"`
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := json.NewDecoder(r.Body).Decode(&got); err != nil {
			t.Error(err)
		}
		w.WriteHeader(204)
	}))
	defer srv.Close()
	if _, err := (&crm.Webhook{URL: srv.URL, Secret: webhookSecret}).Push(ctx, l); err != nil {
		t.Fatal(err)
	}
	check("the webhook's summary", got.Data.Summary)
}
