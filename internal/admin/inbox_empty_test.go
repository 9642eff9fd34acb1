package admin_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/admin"
	"github.com/baton-hq/baton/internal/httpx"
	"github.com/baton-hq/baton/internal/push"
)

// TestEmptyInboxLinksTheDemoOnlyWhereThereIsOne: the empty inbox linked to
// ../demo/, which only the local stack serves: on AWS the link was a 404.
// Without a demo site it says where leads come from (the README's
// section on embedding the tag); with one, it links to it.
func TestEmptyInboxLinksTheDemoOnlyWhereThereIsOne(t *testing.T) {
	for _, demo := range []bool{false, true} {
		f := newFixture(t)
		f.h.Deliveries = &admin.DeliveryAdmin{Inbox: &push.Inbox{T: f.tb}}
		f.h.Demo = demo
		mux := http.NewServeMux()
		f.h.Routes(mux)
		srv := httptest.NewServer(httpx.SecurityHeaders(httpx.Routes(mux)))
		f.url = srv.URL
		for lang, says := range map[string]string{"en": "Embedding the tag", "ja": "「Embedding the tag」"} {
			a := f.req("GET", "/admin/inbox?lang="+lang, "", "Authorization", "Bearer "+fullToken, "Accept", "text/html")
			linked := strings.Contains(a.body, `href="../demo/"`)
			if a.code != 200 || linked != demo || strings.Contains(a.body, says) == demo {
				t.Errorf("demo %v, %s: %d, links the demo %v:\n%s", demo, lang, a.code, linked, a.body)
			}
		}
		srv.Close()
	}
}

// TestEmptyInboxSaysWhereMQLsWent: with an SFA configured the inbox holds
// no MQLs (it is a connector only when none is), and its page said "No
// MQLs yet. Browse the demo site…" while the MQL list had them, delivered
// to HubSpot. It names where they go and links the MQL list; with the
// inbox the connector, it says none yet as before.
func TestEmptyInboxSaysWhereMQLsWent(t *testing.T) {
	for _, c := range []struct {
		connectors []string
		want       map[string]string
	}{
		{[]string{"hubspot", "webhook"}, map[string]string{
			"en": "No MQLs in the inbox: MQLs go to HubSpot, Webhook receiver, and the inbox holds them only when no SFA is configured.",
			"ja": "受信箱に MQL はありません。MQL は HubSpot、Webhook に連携されます",
		}},
		{[]string{"inbox"}, map[string]string{"en": "No MQLs yet.", "ja": "MQL はまだありません。"}},
	} {
		f := newFixture(t)
		f.h.Deliveries = &admin.DeliveryAdmin{Inbox: &push.Inbox{T: f.tb}, Connectors: c.connectors}
		f.h.Demo = true
		mux := http.NewServeMux()
		f.h.Routes(mux)
		srv := httptest.NewServer(httpx.SecurityHeaders(httpx.Routes(mux)))
		f.url = srv.URL
		for lang, want := range c.want {
			a := f.req("GET", "/admin/inbox?lang="+lang, "", "Authorization", "Bearer "+fullToken, "Accept", "text/html")
			elsewhere := c.connectors[0] != "inbox"
			if a.code != 200 || !strings.Contains(a.body, want) || strings.Contains(a.body, `<a href="mqls">`+map[string]string{"en": "The MQL list shows", "ja": "すべての MQL と連携状況"}[lang]) != elsewhere || strings.Contains(a.body, `href="../demo/"`) == elsewhere {
				t.Errorf("%v, %s: %d, want %q:\n%s", c.connectors, lang, a.code, want, a.body)
			}
		}
		srv.Close()
	}
}
