package admin_test

import (
	"context"
	"html"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/admin"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/links"
)

// TestBehindACountNamesTheCampaign: the people behind a dashboard count
// grouped by campaign were headed by the campaign's id (dec-news) where
// the dashboard's row says its name; the note names it, the id beside it.
// The group of no campaign is named as the dashboard names it.
func TestBehindACountNamesTheCampaign(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.h.Workspace = &admin.Workspace{T: f.tb, Now: f.clk.Now}
	if _, _, err := f.h.Links.(*links.Registry).PutCampaign(ctx, links.Campaign{ID: "dec-news", Name: "12月ニュースレター（製造業向け）"}); err != nil {
		t.Fatal(err)
	}
	q, _, log, st := scoring(t, f)
	at := f.clk.Now()
	for _, c := range []struct {
		vis string
		utm event.UTM
	}{
		{"dec-v1", event.UTM{Source: "newsletter", Medium: "email", Campaign: "dec-news"}},
		{"dec-v2", event.UTM{}}, // a direct visit: no campaign
	} {
		evs := []event.Event{{ID: c.vis + "-pv", Type: event.PageView, VisitorID: c.vis, URL: "https://www.example.com/pricing", UTM: c.utm, Timestamp: at, ReceivedAt: at}}
		if _, err := log.Append(ctx, evs); err != nil {
			t.Fatal(err)
		}
		if _, _, err := st.Identify(ctx, identity.Identification{Visitor: c.vis, Email: c.vis + "@maker.example", At: at, Strength: identity.Strong}); err != nil {
			t.Fatal(err)
		}
		if err := q.Process(ctx, evs); err != nil {
			t.Fatal(err)
		}
	}
	serveScoring(t, f)
	for _, c := range []struct{ group, lang, want string }{
		{"dec-news", "ja", "グループ 12月ニュースレター（製造業向け）"},
		{"dec-news", "en", "group 12月ニュースレター（製造業向け）"},
		{"(none)", "ja", "（キャンペーンなし）"},
		{"(none)", "en", "(no campaign)"},
	} {
		a := f.req("GET", "/admin/people?by=campaign&reached=lead&group="+c.group+"&lang="+c.lang, "", "Authorization", "Bearer "+fullToken, "Accept", "text/html")
		_, note, _ := strings.Cut(a.body, `<p class="note" role="status">`)
		note, _, _ = strings.Cut(note, "</p>")
		note = html.UnescapeString(note)
		if a.code != 200 || !strings.Contains(note, c.want) || strings.Count(a.body, `href="people/p_`) != 1 {
			t.Errorf("%s %s: %d, note %q lacks %q (or not the one person: %d)", c.group, c.lang, a.code, note, c.want, strings.Count(a.body, `href="people/p_`))
		}
		if c.group == "dec-news" && !strings.Contains(note, "<bdi>dec-news</bdi>") {
			t.Errorf("%s %s: the note %q does not keep the id beside the name", c.group, c.lang, note)
		}
	}
}
