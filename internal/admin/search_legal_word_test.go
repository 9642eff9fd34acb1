package admin_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/admin"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/identity"
)

// TestSearchForACompanyTypeWordAlone: the people search leaves the
// company-type word out of its comparison (株式会社アクメ is found by
// (株)アクメ), but a query that is that word alone then compared nothing
// and listed everyone. It is looked for in all its spellings: 株式会社,
// (株), （株） and ㈱ each find both 株式会社アクメ and ㈱ベータ (as typed,
// (株) missed the one written out); a name search still ignores the word.
func TestSearchForACompanyTypeWordAlone(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	q, _, log, st := scoring(t, f)
	at := f.clk.Now()
	ids := map[string]string{}
	for i, company := range []string{"株式会社アクメ", "㈱ベータ", "ガンマ商事"} {
		vis := fmt.Sprintf("legal-v%d", i)
		evs := []event.Event{{ID: vis + "-a", Type: event.Download, VisitorID: vis, URL: "https://www.example.com/a.pdf", Timestamp: at, ReceivedAt: at}}
		if _, err := log.Append(ctx, evs); err != nil {
			t.Fatal(err)
		}
		p, _, err := st.Identify(ctx, identity.Identification{Visitor: vis, Email: fmt.Sprintf("u%d@corp%d.example", i, i), At: at, Strength: identity.Strong, Fields: map[string]string{"company": company}})
		if err != nil {
			t.Fatal(err)
		}
		if err := q.Process(ctx, evs); err != nil {
			t.Fatal(err)
		}
		ids[company] = p.ID
	}
	f.h.Workspace = &admin.Workspace{T: f.tb, Now: f.clk.Now}
	serveScoring(t, f)
	for query, want := range map[string][]string{
		"株式会社": {"株式会社アクメ", "㈱ベータ"},
		"(株)":  {"株式会社アクメ", "㈱ベータ"},
		"（株）":  {"株式会社アクメ", "㈱ベータ"},
		"㈱":    {"株式会社アクメ", "㈱ベータ"},
		"アクメ㈱": {"株式会社アクメ"},
		"商事":   {"ガンマ商事"},
	} {
		a := f.req("GET", "/admin/people?lang=ja&q="+url.QueryEscape(query), "", "Authorization", "Bearer "+fullToken, "Accept", "text/html")
		if a.code != 200 {
			t.Fatalf("%s: %d %s", query, a.code, a.body)
		}
		if n := strings.Count(a.body, `href="people/p_`); n != len(want) {
			t.Errorf("q=%s lists %d people, want %v", query, n, want)
		}
		for _, c := range want {
			if !strings.Contains(a.body, `href="people/`+ids[c]+`"`) {
				t.Errorf("q=%s does not list the person at %s", query, c)
			}
		}
	}
}
