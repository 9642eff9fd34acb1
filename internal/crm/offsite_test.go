package crm_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/crm/crmfake"
	"github.com/baton-hq/baton/internal/push"
)

// offsiteLead's activity names a look-alike sign-in page, as anyone can
// post to the collector, and a page of the team's site.
func offsiteLead() push.Lead {
	l := lead
	l.Sites = []string{"www.example.com"}
	l.Activity = []push.Activity{
		{Type: "page_view", Title: "Sign in", URL: "https://evil.example/login-to-baton", At: time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)},
		{Type: "download", URL: "https://www.example.com/a.pdf", At: time.Date(2026, 11, 24, 8, 0, 0, 0, time.UTC)},
	}
	return l
}

// TestSFATextLinksOnlyOwnSites: the Salesforce Task's description and the
// HubSpot note sales read carried an event's off-site URL as a URL, which
// the SFA shows as a link; it is written marked and no link there, the
// team's own page as a URL.
func TestSFATextLinksOnlyOwnSites(t *testing.T) {
	check := func(what, text string) {
		t.Helper()
		if strings.Contains(text, "evil.example") || strings.Contains(text, "://evil") {
			t.Errorf("%s carries the off-site URL: %q", what, text)
		}
		for _, want := range []string{"[other site, unverified] evil[.]example/login-to-baton", "https://www.example.com/a.pdf"} {
			if !strings.Contains(text, want) {
				t.Errorf("%s lacks %q: %q", what, want, text)
			}
		}
	}
	sfFake := crmfake.NewSalesforce()
	defer sfFake.Close()
	l := offsiteLead()
	if _, err := sf(sfFake).Push(context.Background(), l); err != nil {
		t.Fatal(err)
	}
	desc, _ := sfFake.Task(l.MQLID)["Description"].(string)
	check("the Salesforce Task", desc)

	hsFake := crmfake.NewHubSpot()
	defer hsFake.Close()
	if _, err := hs(hsFake).Push(push.WithProgress(context.Background(), push.MemProgress{}), l); err != nil {
		t.Fatal(err)
	}
	if len(hsFake.Notes) != 1 {
		t.Fatalf("%d notes", len(hsFake.Notes))
	}
	body, _ := hsFake.Notes[0]["properties"].(map[string]any)["hs_note_body"].(string)
	check("the HubSpot note", body)
}
