package admin_test

import (
	"context"
	"html"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/admin"
	"github.com/baton-hq/baton/internal/deadletter"
	"github.com/baton-hq/baton/internal/httpx"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/push"
	"github.com/baton-hq/baton/internal/queue"
	"github.com/baton-hq/baton/internal/table"
)

// Both dead-letter stores count cheaply: the navigation shows the count
// locally and on AWS alike.
var (
	_ admin.DeadLetterCounter = (*queue.Queue)(nil)
	_ admin.DeadLetterCounter = (*deadletter.Store)(nil)
)

// countingQueue is the table's queue, counting how the pages read it.
type countingQueue struct {
	*queue.Queue
	lists, counts int
}

func (q *countingQueue) Dead(ctx context.Context) ([]queue.Message, error) {
	q.lists++
	return q.Queue.Dead(ctx)
}

func (q *countingQueue) DeadCount(ctx context.Context) (int, error) {
	q.counts++
	return q.Queue.DeadCount(ctx)
}

// erasedOne is the directory with one person gone, as after their erasure.
type erasedOne struct {
	*identity.Directory
	gone string
}

func (e erasedOne) Get(ctx context.Context, id string) (identity.Person, error) {
	if id == e.gone {
		return identity.Person{}, identity.ErrNotFound
	}
	return e.Directory.Get(ctx, id)
}

// deadFixture is salesHistory's two MQLs dead-lettered in the table's
// queue three days ago (sales' answered@ by Salesforce refusing a field,
// waiting@'s person erased since), the handler served again with them.
func deadFixture(t *testing.T) (*fixture, *countingQueue, string, string) {
	t.Helper()
	return deadFixtureOn(t, nil)
}

// deadFixtureOn is deadFixture with its stores (people, scores, queue) on
// wrap of the table (nil: the table itself), for a test to count reads.
func deadFixtureOn(t *testing.T, wrap func(table.Table) table.Table) (*fixture, *countingQueue, string, string) {
	t.Helper()
	f := newFixture(t)
	if wrap != nil {
		f.tb = wrap(f.tb)
	}
	ctx := context.Background()
	scores, dir, _ := salesHistory(t, f)
	named, err := dir.ByEmail(ctx, "answered@maker.example")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := dir.Update(ctx, named.ID, map[string]string{"name": "佐藤 花子", "company": "ベータ工業株式会社"}, nil); err != nil {
		t.Fatal(err)
	}
	gone, err := dir.ByEmail(ctx, "waiting@maker.example")
	if err != nil {
		t.Fatal(err)
	}
	q := &countingQueue{Queue: &queue.Queue{T: f.tb, Name: "push", Now: f.clk.Now}}
	given := f.clk.Now()
	for _, p := range []string{named.ID, gone.ID} {
		ms, err := scores.MQLs(ctx, p)
		if err != nil || len(ms) == 0 {
			t.Fatalf("%s's MQLs: %v %v", p, ms, err)
		}
		if err := q.Enqueue(ctx, ms[0].ID, ms[0]); err != nil {
			t.Fatal(err)
		}
		got, err := q.Receive(ctx, 1, time.Minute)
		if err != nil || len(got) != 1 {
			t.Fatalf("receive: %v %v", got, err)
		}
		if err := q.DeadLetter(ctx, got[0], "salesforce: 400 REQUIRED_FIELD_MISSING: Required fields are missing: [LastName]"); err != nil {
			t.Fatal(err)
		}
		f.clk.Set(f.clk.Now().Add(time.Hour)) // named's is the older
	}
	f.clk.Set(given.Add(3*24*time.Hour + 2*time.Hour))
	f.h.Scores, f.h.People = scores, erasedOne{dir, gone.ID}
	f.h.Workspace = &admin.Workspace{T: f.tb, Now: f.clk.Now}
	f.h.Deliveries = &admin.DeliveryAdmin{Queue: q, Status: func(_ context.Context, id string) ([]push.Delivery, error) {
		return []push.Delivery{{MQLID: id, Connector: "salesforce", Status: push.StatusDead}, {MQLID: id, Connector: "inbox", Status: push.StatusDelivered}}, nil
	}}
	mux := http.NewServeMux()
	f.h.Routes(mux)
	srv := httptest.NewServer(httpx.SecurityHeaders(httpx.Routes(mux)))
	t.Cleanup(srv.Close)
	f.url = srv.URL
	return f, q, named.ID, gone.ID
}

// TestDeadLettersNameThePerson: each dead letter on the MQL page names its
// person as the MQL list does (name linking to their page, company,
// email), the connector it died at and the reason, in the page's
// language; an erased person's names nobody, though its message still
// holds their email. The rows gave the MQL id alone.
func TestDeadLettersNameThePerson(t *testing.T) {
	f, _, named, gone := deadFixture(t)
	cookie, _ := f.login(fullToken)
	for _, c := range []struct {
		lang                           string
		connector, reason, erased, age string
	}{
		{"en", `<span class="chip dead nw">Salesforce</span>`, "Salesforce: 400 REQUIRED_FIELD_MISSING: Required fields are missing: [LastName]", "Erased person", "3 days ago"},
		{"ja", `<span class="chip dead nw">Salesforce</span>`, "Salesforce が拒否しました（400 REQUIRED_FIELD_MISSING）：Required fields are missing: [LastName]", "消去済みの人物", "3 日前"},
	} {
		a := f.req("GET", "/admin/mqls?lang="+c.lang, "", "Cookie", cookie, "Accept", "text/html")
		if a.code != 200 {
			t.Fatalf("%s: %d %s", c.lang, a.code, a.body)
		}
		if !strings.Contains(a.body, `role="alert"><b>`+map[string]string{"en": "Dead letters (failed hand-offs to sales): 2", "ja": "営業への引き渡しに失敗した MQL（デッドレター）：2 件"}[c.lang]+`</b>`) || !strings.Contains(a.body, `<a href="#dead">`) {
			t.Errorf("%s: the MQL page does not say at its top that there are dead letters:\n%s", c.lang, a.body)
		}
		i := strings.Index(a.body, `id="dead"`)
		if i < 0 {
			t.Fatalf("%s: no dead letters section:\n%s", c.lang, a.body)
		}
		dead := html.UnescapeString(a.body[i:])
		for _, want := range []string{`<a href="people/` + named + `">佐藤 花子</a>`, "ベータ工業株式会社", "answered@maker.example", c.connector, c.reason, c.erased, c.age, gone + "-c1"} {
			if !strings.Contains(dead, want) {
				t.Errorf("%s: the dead letters lack %q:\n%s", c.lang, want, dead)
			}
		}
		if strings.Contains(dead, "waiting@maker.example") || strings.Contains(dead, `href="people/`+gone) {
			t.Errorf("%s: the erased person's dead letter shows them:\n%s", c.lang, dead)
		}
		if strings.Index(dead, gone+"-c1") > strings.Index(dead, named+"-c1") {
			t.Errorf("%s: not the newest given up first:\n%s", c.lang, dead)
		}
	}
}

// TestDashboardAndNavigationFlagDeadLetters: the dashboard warns of dead
// letters (how many, the oldest's age, a link to them) in the page's
// language, and the navigation's MQLs link carries their count on every
// page, read by a count, never the listing; with none, neither says a
// thing and the dashboard lists nothing. Nothing flagged them.
func TestDashboardAndNavigationFlagDeadLetters(t *testing.T) {
	f, q, _, _ := deadFixture(t)
	cookie, _ := f.login(fullToken)
	for _, c := range []struct{ lang, alert, oldest string }{
		{"en", "Dead letters (failed hand-offs to sales): 2", "The oldest was given up 3 days ago (26 Nov 2026 09:00)."},
		{"ja", "営業への引き渡しに失敗した MQL（デッドレター）：2 件", "最も古いものは 3 日前（2026年11月26日 09:00）に送信を断念しています。"},
	} {
		a := f.req("GET", "/admin/?lang="+c.lang, "", "Cookie", cookie, "Accept", "text/html")
		body := html.UnescapeString(a.body)
		if a.code != 200 || !strings.Contains(body, c.alert) || !strings.Contains(body, c.oldest) || !strings.Contains(body, `<a href="mqls#dead">`) || !strings.Contains(body, `role="alert"`) {
			t.Errorf("%s dashboard: %d, want %q and %q with a link to mqls#dead:\n%s", c.lang, a.code, c.alert, c.oldest, body)
		}
		if !strings.Contains(body, `<a href="mqls#dead">`+map[string]string{"en": "MQLs", "ja": "MQL"}[c.lang]+` <span class="badge"`) {
			t.Errorf("%s: the navigation does not mark the MQLs link:\n%s", c.lang, body)
		}
	}
	lists, counts := q.lists, q.counts
	a := f.req("GET", "/admin/campaigns", "", "Cookie", cookie, "Accept", "text/html")
	if a.code != 200 || !strings.Contains(a.body, `<span class="badge" title="Dead letters (failed hand-offs to sales): 2">2<span class="vh"> dead letters</span></span>`) {
		t.Errorf("campaigns page's navigation: %d\n%s", a.code, a.body)
	}
	if q.lists != lists || q.counts != counts+1 {
		t.Errorf("the navigation read the dead letters %d times and counted them %d times, want a count alone", q.lists-lists, q.counts-counts)
	}
	dead, _ := q.Queue.Dead(context.Background())
	for _, m := range dead {
		if err := q.Queue.Replay(context.Background(), m.ID); err != nil {
			t.Fatal(err)
		}
	}
	lists = q.lists
	a = f.req("GET", "/admin/?lang=ja", "", "Cookie", cookie, "Accept", "text/html")
	if a.code != 200 || strings.Contains(a.body, `class="error dead-alert"`) || strings.Contains(a.body, `class="badge"`) || q.lists != lists {
		t.Errorf("no dead letters: %d, listed %d times\n%s", a.code, q.lists-lists, a.body)
	}
}
