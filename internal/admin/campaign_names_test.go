package admin_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/httpx"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/links"
)

// TestPersonPageNamesCampaigns: a person created by a recipient list
// showed the source "via:list:nov-news" (a translation key and the
// campaign's id), and newsletter events a chip with the campaign's id.
// The page says "list import (November newsletter)" / "リスト取込（November
// newsletter）" and the campaign's name on the chip; a campaign nobody
// named, or one deleted, keeps its id.
func TestPersonPageNamesCampaigns(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	dir := &identity.Directory{T: f.tb, Now: f.clk.Now}
	log := &eventlog.Log{T: f.tb}
	f.h.People, f.h.Timelines = dir, &identity.Stitcher{Dir: dir, Log: log}
	if _, _, err := f.h.Links.(*links.Registry).PutCampaign(ctx, links.Campaign{ID: "nov-news", Name: "November newsletter"}); err != nil {
		t.Fatal(err)
	}
	p, _, err := dir.EnsureWith(ctx, "list@maker.example", "list:nov-news", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	t0 := f.clk.Now()
	st := &identity.Stitcher{Dir: dir, Log: log}
	if _, _, err := st.Identify(ctx, identity.Identification{Visitor: "nl-1", Email: p.Email, At: t0, Strength: identity.Weak}); err != nil {
		t.Fatal(err)
	}
	evs := []event.Event{
		{ID: "nl-open", Type: event.EmailOpen, VisitorID: "nl-1", Timestamp: t0, ReceivedAt: t0, Properties: map[string]any{"campaign": "nov-news"}},
		{ID: "nl-click", Type: event.EmailClick, VisitorID: "nl-1", URL: "https://www.example.com/pricing", Timestamp: t0, ReceivedAt: t0, Properties: map[string]any{"campaign": "oct-news"}},
	}
	if _, err := log.Append(ctx, evs); err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	f.h.Routes(mux)
	srv := httptest.NewServer(httpx.SecurityHeaders(httpx.Routes(mux)))
	defer srv.Close()
	f.url = srv.URL
	for lang, want := range map[string]string{"en": "<td>list import (November newsletter)</td>", "ja": "<td>リスト取込（November newsletter）</td>"} {
		a := f.req("GET", "/admin/people/"+p.ID+"?lang="+lang, "", "Authorization", "Bearer "+fullToken, "Accept", "text/html")
		if a.code != 200 || !strings.Contains(a.body, want) || strings.Contains(a.body, "via:") ||
			!strings.Contains(a.body, `<span class="chip campaign"><bdi>November newsletter</bdi></span>`) || !strings.Contains(a.body, `<span class="chip campaign"><bdi>oct-news</bdi></span>`) {
			t.Errorf("%s: %d, want %q and the campaigns' chips:\n%s", lang, a.code, want, a.body)
		}
	}
}
