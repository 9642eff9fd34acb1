package admin_test

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/push"
	"github.com/baton-hq/baton/internal/queue"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/tablecount"
)

// moreDead dead-letters n more MQL hand-offs naming person, one a minute
// after the clock's now, and leaves the clock a day later; their ids.
// (Sessions end meanwhile: sign in again after.)
func moreDead(t *testing.T, f *fixture, q *queue.Queue, person string, n int) []string {
	t.Helper()
	ctx := context.Background()
	var ids []string
	for i := range n {
		id := fmt.Sprintf("%s-d%03d", person, i)
		if err := q.Enqueue(ctx, id, map[string]string{"id": id, "person": person}); err != nil {
			t.Fatal(err)
		}
		got, err := q.Receive(ctx, 1, time.Minute)
		if err != nil || len(got) != 1 {
			t.Fatalf("receive: %v %v", got, err)
		}
		if err := q.DeadLetter(ctx, got[0], "salesforce: 503 Service Unavailable"); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, got[0].ID)
		f.clk.Set(f.clk.Now().Add(time.Minute))
	}
	f.clk.Set(f.clk.Now().Add(24 * time.Hour))
	return ids
}

var (
	replayForm = regexp.MustCompile(`<form method="post" action="deadletters/([^"/]+)/replay">`)
	olderLink  = map[string]*regexp.Regexp{
		"en": regexp.MustCompile(`<a href="([^"]+)">Older dead letters</a>`),
		"ja": regexp.MustCompile(`<a href="([^"]+)">さらに古いデッドレター</a>`),
	}
)

// TestDeadLettersPaged: with 200 dead letters (an SFA down for days) the
// MQL page names the newest 50, says how many there are and how many
// more, and links to the older ones, in English and Japanese; its store
// reads grow by the page, not by the dead letters (the page read every
// dead letter, its person and its deliveries: some 600 requests, 2,000
// and more on AWS's 1,000). Following the links reaches every one, the
// oldest last, and its replay button replays it and comes back to its
// page.
func TestDeadLettersPaged(t *testing.T) {
	var tc *tablecount.Table
	f, q, named, gone := deadFixtureOn(t, func(tb table.Table) table.Table { tc = tablecount.New(tb); return tc })
	statuses := 0
	status := f.h.Deliveries.Status
	f.h.Deliveries.Status = func(ctx context.Context, id string) ([]push.Delivery, error) {
		statuses++
		return status(ctx, id)
	}
	cookie, _ := f.login(fullToken)
	load := func(path string, hdr ...string) (answer, int64, int) {
		t.Helper()
		tc.Reset()
		statuses = 0
		a := f.req("GET", path, "", append([]string{"Cookie", cookie, "Accept", "text/html"}, hdr...)...)
		if a.code != 200 {
			t.Fatalf("%s: %d %s", path, a.code, a.body)
		}
		return a, tc.Counts().Calls, statuses
	}
	// The page naming the fixture's two: what a page costs besides the
	// dead letters it names (the MQL list's rows read deliveries too).
	_, base, baseSt := load("/admin/mqls?lang=en")
	ids := moreDead(t, f, q.Queue, named, 198)
	cookie, csrf := f.login(fullToken) // the session ended meanwhile
	a, reads, st := load("/admin/mqls?lang=en")
	if reads-base > 2*50 || st-baseSt > 50 {
		t.Errorf("the MQL page with 200 dead letters made %d store requests (%d with 2) and %d delivery reads: not bounded by its 50 rows", reads, base, st)
	}
	body := html.UnescapeString(a.body)
	for _, want := range []string{"Dead letters (failed hand-offs to sales): 200", "Dead letters 1–50 of 200, the newest given up first.", "150 older are on the next pages."} {
		if !strings.Contains(body, want) {
			t.Errorf("the first page lacks %q:\n%s", want, body)
		}
	}
	// Every one, newest first, page by page, in either language.
	oldest := named + "-c1" // the fixture's, given up first
	for _, lang := range []string{"en", "ja"} {
		var seen []string
		path, pages := "/admin/mqls", 0
		var last answer
		for path != "" {
			a, reads, st := load(path, "Accept-Language", lang)
			if reads-base > 2*50 || st-baseSt > 50 {
				t.Errorf("%s page %d: %d store requests, %d delivery reads", lang, pages+1, reads, st)
			}
			pages++
			for _, m := range replayForm.FindAllStringSubmatch(a.body, -1) {
				seen = append(seen, m[1])
			}
			path, last = "", a
			if m := olderLink[lang].FindStringSubmatch(a.body); m != nil {
				path = "/admin/" + strings.TrimSuffix(html.UnescapeString(m[1]), "#dead")
			}
		}
		if pages != 4 || len(seen) != 200 || seen[0] != ids[len(ids)-1] || seen[len(seen)-1] != oldest || seen[len(seen)-2] != gone+"-c1" {
			t.Fatalf("%s: %d pages, %d dead letters, first %q last %q", lang, pages, len(seen), seen[0], seen[len(seen)-1])
		}
		dup := map[string]bool{}
		for _, id := range seen {
			if dup[id] {
				t.Fatalf("%s: %s listed twice", lang, id)
			}
			dup[id] = true
		}
		want := map[string]string{"en": "Dead letters 151–200 of 200, the newest given up first.", "ja": "デッドレター全 200 件のうち 151〜200 件目（送信を断念した日時の新しい順）。"}[lang]
		if b := html.UnescapeString(last.body); !strings.Contains(b, want) || !strings.Contains(b, map[string]string{"en": ">Newest dead letters</a>", "ja": ">最新のデッドレター</a>"}[lang]) {
			t.Errorf("%s: the last page lacks %q or a link back to the newest:\n%s", lang, want, b)
		}
	}
	// The 200th replayed from its page comes back to that page.
	a, _, _ = load("/admin/mqls", "Accept-Language", "en")
	for range 3 {
		m := olderLink["en"].FindStringSubmatch(a.body)
		a, _, _ = load("/admin/"+strings.TrimSuffix(html.UnescapeString(m[1]), "#dead"), "Accept-Language", "en")
	}
	cursor := regexp.MustCompile(`<input type="hidden" name="dead" value="([^"]+)">`).FindStringSubmatch(a.body)
	if cursor == nil || !strings.Contains(a.body, `action="deadletters/`+oldest+`/replay"`) {
		t.Fatalf("the last page has no replay form for %s that keeps its page:\n%s", oldest, a.body)
	}
	form := url.Values{"csrf": {csrf}, "dead": {html.UnescapeString(cursor[1])}}.Encode()
	r := f.req("POST", "/admin/deadletters/"+oldest+"/replay", form, "Cookie", cookie, "Content-Type", "application/x-www-form-urlencoded", "Accept", "text/html")
	if r.code != 303 || !strings.Contains(r.hdr.Get("Location"), "replayed="+url.QueryEscape(oldest)) || !strings.Contains(r.hdr.Get("Location"), "dead="+url.QueryEscape(html.UnescapeString(cursor[1]))) {
		t.Fatalf("replay of the 200th: %d %v", r.code, r.hdr)
	}
	if m, err := q.Queue.Get(context.Background(), oldest); err != nil || m.State != "ready" {
		t.Fatalf("the 200th after its replay: %+v %v", m, err)
	}
	if n, _ := q.Queue.DeadCount(context.Background()); n != 199 {
		t.Fatalf("%d dead letters after one replay, want 199", n)
	}
	// A cursor no page gave is refused, saying so, in the page's language,
	// with the newest dead letters.
	if a := f.req("GET", "/admin/mqls?lang=ja&dead=nonsense", "", "Cookie", cookie, "Accept", "text/html"); a.code != 400 || !strings.Contains(a.body, "デッドレターの続きのページへのリンク（dead）が正しくありません") || !strings.Contains(html.UnescapeString(a.body), "デッドレター全 199 件のうち 1〜50 件目") {
		t.Errorf("bad dead cursor: %d\n%s", a.code, a.body)
	}
}

// TestDeadLettersAPIPages: GET /admin/deadletters answers a page at a time
// (limit, after: the next of the page before), the oldest given up
// first, with the total: every one of 200 is reached and replayable;
// queue picks push-dlq's (locally every one) or score-failures' (locally
// none); bad parameters are 400s naming them. It answered every dead
// letter at once with no total, and on AWS none past 1,000.
func TestDeadLettersAPIPages(t *testing.T) {
	f, q, named, _ := deadFixture(t)
	moreDead(t, f, q.Queue, named, 198)
	bearer := []string{"Authorization", "Bearer " + fullToken}
	type page struct {
		DeadLetters []queue.Message `json:"deadLetters"`
		Total       int             `json:"total"`
		Next        string          `json:"next"`
	}
	get := func(path string) page {
		t.Helper()
		a := f.req("GET", path, "", bearer...)
		var p page
		if a.code != 200 || json.Unmarshal([]byte(a.body), &p) != nil {
			t.Fatalf("%s: %d %s", path, a.code, a.body)
		}
		return p
	}
	var all []queue.Message
	path, pages := "/admin/deadletters?limit=64", 0
	for path != "" {
		p := get(path)
		pages++
		if p.Total != 200 || len(p.DeadLetters) > 64 {
			t.Fatalf("page %d: total %d, %d dead letters", pages, p.Total, len(p.DeadLetters))
		}
		all = append(all, p.DeadLetters...)
		path = ""
		if p.Next != "" {
			path = "/admin/deadletters?limit=64&after=" + url.QueryEscape(p.Next)
		}
	}
	if pages != 4 || len(all) != 200 || all[0].ID != named+"-c1" {
		t.Fatalf("%d pages, %d dead letters, the first %+v", pages, len(all), all[0])
	}
	for i := 1; i < len(all); i++ {
		if all[i].DeadAt.Before(all[i-1].DeadAt) || all[i].ID == all[i-1].ID {
			t.Fatalf("not the oldest given up first at %d: %v after %v", i, all[i].DeadAt, all[i-1].DeadAt)
		}
	}
	last := all[len(all)-1].ID
	if a := f.req("POST", "/admin/deadletters/"+last+"/replay", "", bearer...); a.code != 200 {
		t.Fatalf("replay of the 200th: %d %s", a.code, a.body)
	}
	if p := get("/admin/deadletters?queue=push-dlq"); p.Total != 199 || len(p.DeadLetters) != 199 || p.Next != "" {
		t.Errorf("push-dlq after a replay: total %d, %d listed, next %q", p.Total, len(p.DeadLetters), p.Next)
	}
	if p := get("/admin/deadletters?queue=score-failures"); p.Total != 0 || len(p.DeadLetters) != 0 {
		t.Errorf("score-failures locally: %+v", p)
	}
	for _, c := range []struct{ query, field string }{{"limit=0", "limit"}, {"limit=1001", "limit"}, {"after=nonsense", "after"}, {"queue=push", "queue"}} {
		a := f.req("GET", "/admin/deadletters?"+c.query, "", bearer...)
		if a.code != 400 || !strings.Contains(a.body, `"field":"`+c.field+`"`) {
			t.Errorf("%s: %d %s", c.query, a.code, a.body)
		}
	}
}
