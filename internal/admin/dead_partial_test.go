package admin_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/admin"
	"github.com/baton-hq/baton/internal/httpx"
	"github.com/baton-hq/baton/internal/queue"
)

// partialDead is the SQS store as a listing past its bound sees it: 60
// dead letters received of SQS's approximate 1,500.
type partialDead struct{ seen []queue.Message }

func (p *partialDead) Dead(context.Context) ([]queue.Message, error) { return p.seen, nil }
func (p *partialDead) Replay(context.Context, string) error          { return nil }
func (p *partialDead) DeadPage(_ context.Context, q queue.DeadQuery) (queue.DeadPage, error) {
	pg, err := queue.PageDead(p.seen, q)
	pg.Partial, pg.Total = true, 1500
	return pg, err
}

// TestPartialDeadListPromisesOnlyItsPages: on a partial listing the MQL
// page counts the older ones on its next pages among those listed (60
// seen: 10 after the first page, none after the second, which is the
// last), and words the ones SQS holds past the listing apart, in English
// and Japanese. It said "1,450 older are on the next pages" (Total, SQS's
// approximate count, minus the page) of a second page that was the last.
func TestPartialDeadListPromisesOnlyItsPages(t *testing.T) {
	f := newFixture(t)
	st := &partialDead{}
	t0 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for i := range 60 {
		st.seen = append(st.seen, queue.Message{ID: fmt.Sprintf("m%03d", i), Queue: "score-failures", State: "dead", Enqueued: t0.Add(time.Duration(i) * time.Minute)})
	}
	f.h.Deliveries = &admin.DeliveryAdmin{Queue: st}
	f.h.Scores, f.h.People, _ = salesHistory(t, f)
	mux := http.NewServeMux()
	f.h.Routes(mux)
	srv := httptest.NewServer(httpx.Routes(mux))
	defer srv.Close()
	f.url = srv.URL
	cookie, _ := f.login(fullToken)
	for _, c := range []struct{ lang, more, unseen, notMore string }{
		{"en", "10 older are on the next pages.", "About 1,440 more in the queue are not listed", "1,450 older"},
		{"ja", "さらに古いものが 10 件、次のページにあります。", "キューにはほかに約 1,440 件あり、一覧に表示されていません。", "1,450"},
	} {
		a := f.req("GET", "/admin/mqls", "", "Cookie", cookie, "Accept", "text/html", "Accept-Language", c.lang)
		body := html.UnescapeString(a.body)
		if a.code != 200 || !strings.Contains(body, c.more) || !strings.Contains(body, c.unseen) || strings.Contains(body, c.notMore) {
			t.Fatalf("%s first page: %d, want %q and %q, not %q:\n%s", c.lang, a.code, c.more, c.unseen, c.notMore, body)
		}
		m := olderLink[c.lang].FindStringSubmatch(a.body)
		if m == nil {
			t.Fatalf("%s: no link to the older 10", c.lang)
		}
		a = f.req("GET", "/admin/"+strings.TrimSuffix(html.UnescapeString(m[1]), "#dead"), "", "Cookie", cookie, "Accept", "text/html", "Accept-Language", c.lang)
		body = html.UnescapeString(a.body)
		// The last page listed: no older pages promised, the unseen still said.
		if a.code != 200 || olderLink[c.lang].MatchString(a.body) || strings.Contains(body, "older are on the next pages") || strings.Contains(body, "次のページにあります") || !strings.Contains(body, c.unseen) {
			t.Fatalf("%s second (last) page: %d:\n%s", c.lang, a.code, body)
		}
	}
}
