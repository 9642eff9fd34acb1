package admin_test

import (
	"context"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/identity"
)

// TestTimelineNamesADownloadByItsLinkText: the tag sends a download's
// link text (製品カタログ（PDF）) with its address, but the person page's
// timeline named it by the address alone, which marketers do not know
// their documents by. It says the text too, for an outbound link as well.
func TestTimelineNamesADownloadByItsLinkText(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	q, _, log, st := scoring(t, f)
	at := f.clk.Now()
	evs := []event.Event{
		{ID: "dl", Type: event.Download, VisitorID: "lt-v", URL: "https://www.example.com/files/catalog.pdf", Properties: map[string]any{"text": "製品カタログ（PDF）"}, Timestamp: at, ReceivedAt: at},
		{ID: "out", Type: event.Outbound, VisitorID: "lt-v", URL: "https://partner.example/", Properties: map[string]any{"text": "販売代理店"}, Timestamp: at, ReceivedAt: at},
	}
	if _, err := log.Append(ctx, evs); err != nil {
		t.Fatal(err)
	}
	p, _, err := st.Identify(ctx, identity.Identification{Visitor: "lt-v", Email: "lt@maker.example", At: at, Strength: identity.Strong})
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Process(ctx, evs); err != nil {
		t.Fatal(err)
	}
	serveScoring(t, f)
	a := f.req("GET", "/admin/people/"+p.ID+"?lang=ja", "", "Authorization", "Bearer "+fullToken, "Accept", "text/html")
	if a.code != 200 {
		t.Fatalf("person page: %d %s", a.code, a.body)
	}
	for _, want := range []string{`<bdi class="link-text">製品カタログ（PDF）</bdi>`, `<bdi class="link-text">販売代理店</bdi>`} {
		if !strings.Contains(a.body, want) {
			t.Errorf("the timeline does not say %s", want)
		}
	}
}
