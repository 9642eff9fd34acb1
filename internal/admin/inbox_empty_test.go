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
