package stack_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/infra/local/stack"
	"github.com/baton-hq/baton/internal/app"
	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/table/tablecount"
	"github.com/baton-hq/baton/internal/visitor"
)

// TestWorkspaceReadsBounded: the people search, the MQL list, a campaign's
// report and the accounts list read what they show through indexes and by key, never
// a scan, and read exactly as many items after every person's raw events
// (page views, another campaign's clicks and opens) have grown many times
// over. The pages are served by a second assembly of Baton on the same
// store behind a counting table.
func TestWorkspaceReadsBounded(t *testing.T) {
	clk := clock.NewManual(time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC))
	s := stack.ForTestClock(t, map[string]string{"BATON_TRUST_PROXY": "1"}, clk.Now)
	ctx := context.Background()
	const people = 8
	browser := func(i int) string { return fmt.Sprintf("reads-browser-%04d", i) }
	n := 0
	collect := func(i int, typ, props string) {
		t.Helper()
		n++
		body := fmt.Sprintf(`{"type":%q,"messageId":"reads-%d","properties":%s}`, typ, n, props)
		req, _ := http.NewRequest("POST", s.URL+"/e", strings.NewReader(body))
		req.Header.Set("Content-Type", "text/plain")
		req.Header.Set("User-Agent", chromeUA)
		req.Header.Set("X-Forwarded-For", fmt.Sprintf("198.51.100.%d", n%250+1)) // many addresses: under the rate limit
		req.AddCookie(&http.Cookie{Name: visitor.CookieName, Value: browser(i)})
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != 204 {
			t.Fatalf("POST /e: %v %v", err, resp)
		}
		resp.Body.Close()
	}
	// One lead becomes an MQL (grade A, contact form and white paper);
	// the others sign up for the newsletter (grade D: never an MQL).
	collect(0, "form_submit", `{"url":"https://www.example.com/contact","form":{"id":"contact"},"fields":{"email":"ceo@acme-software.example","name":"山田 太郎","company":"Acme Software","title":"CEO","industry":"software"}}`)
	collect(0, "download", `{"url":"https://www.example.com/files/whitepaper.pdf"}`)
	for i := 1; i < people; i++ {
		collect(i, "form_submit", fmt.Sprintf(`{"url":"https://www.example.com/newsletter","form":{"id":"newsletter"},"fields":{"email":"reader%d@maker.example","company":"Maker %d"}}`, i, i))
	}
	settle(t, s)

	// Two campaigns; every person is a recipient of both.
	tracked := map[string]string{}
	tokens := map[string][]string{}
	var list strings.Builder
	list.WriteString("email\r\nceo@acme-software.example\r\n")
	for i := 1; i < people; i++ {
		fmt.Fprintf(&list, "reader%d@maker.example\r\n", i)
	}
	for _, c := range []string{"nov-news", "dec-news"} {
		code, b := do(t, "POST", s.URL+"/admin/links", token, `{"campaign":"`+c+`","urls":["https://www.example.com/pricing"]}`)
		if code != 201 {
			t.Fatalf("links: %d %s", code, b)
		}
		tracked[c] = strings.SplitN(strings.SplitN(string(b), `"tracked":"`, 2)[1], `"`, 2)[0]
		_, _, out := postCSV(t, s, "/admin/recipients?campaign="+c, list.String())
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(out), "\ufeff"))).ReadAll()
		if err != nil || len(rows) != people+1 {
			t.Fatalf("recipients: %v %q", err, out)
		}
		for _, r := range rows[1:] {
			tokens[c] = append(tokens[c], r[1])
		}
	}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	hit := func(i int, url string) {
		t.Helper()
		req, _ := http.NewRequest("GET", url, nil)
		req.Header.Set("User-Agent", chromeUA)
		req.AddCookie(&http.Cookie{Name: visitor.CookieName, Value: browser(i)})
		resp, err := noFollow.Do(req)
		if err != nil || resp.StatusCode != 302 && resp.StatusCode != 200 {
			t.Fatalf("GET %s: %v %v", url, err, resp)
		}
		resp.Body.Close()
	}
	// Each recipient opens and clicks nov-news once.
	clk.Advance(time.Hour)
	for i, tok := range tokens["nov-news"] {
		hit(i, s.URL+"/o/nov-news/"+tok+".gif")
		hit(i, strings.Replace(tracked["nov-news"], "{{baton_token}}", tok, 1))
	}
	judgeClicks(t, s, clk)

	// The pages, served on the same store through a counting table.
	ct := tablecount.New(s.App.Table)
	counted, err := app.New(ctx, s.App.Config, ct, slog.New(slog.DiscardHandler), app.WithClock(clk.Now))
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	counted.Admin.Routes(mux)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	pages := []struct{ path, want string }{
		{"/admin/people", "山田 太郎"},
		{"/admin/people?q=maker", "reader3@maker.example"},
		{"/admin/people?q=ceo@acme-software.example", "Acme Software"},
		{"/admin/mqls", "山田 太郎"},
		{"/admin/campaigns/nov-news", "reader5@maker.example"},
		{"/admin/accounts", "Acme Software"}, // the account items and their first members' records (account.LiveMembers)
	}
	read := func() map[string]tablecount.Counts {
		t.Helper()
		out := map[string]tablecount.Counts{}
		for _, p := range pages {
			req, _ := http.NewRequest("GET", srv.URL+p.path, nil)
			req.Header.Set("Authorization", "Bearer "+token)
			req.Header.Set("Accept", "text/html")
			ct.Reset()
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || !strings.Contains(string(b), p.want) {
				t.Fatalf("%s: %d, lacks %q:\n%s", p.path, resp.StatusCode, p.want, b)
			}
			c := ct.Counts()
			if c.Scans != 0 {
				t.Errorf("%s scans the table: %+v", p.path, c)
			}
			out[p.path] = c
		}
		return out
	}
	before := read()

	// Raw events grow: every person browses 40 pages over two days and
	// opens and clicks the other campaign.
	for day := range 2 {
		clk.Advance(24 * time.Hour)
		for i := range people {
			for k := range 20 {
				collect(i, "page_view", fmt.Sprintf(`{"url":"https://www.example.com/blog/%d-%d"}`, day, k))
			}
		}
	}
	for i, tok := range tokens["dec-news"] {
		hit(i, s.URL+"/o/dec-news/"+tok+".gif")
		hit(i, strings.Replace(tracked["dec-news"], "{{baton_token}}", tok, 1))
	}
	judgeClicks(t, s, clk)
	if evs, err := s.App.Events.Visitor(ctx, browser(3)); err != nil || len(evs) < 41 {
		t.Fatalf("the raw events did not grow: %d %v", len(evs), err)
	}
	after := read()
	for _, p := range pages {
		b, a := before[p.path], after[p.path]
		t.Logf("%-45s items read %d (%d calls), after 40 more events a person: %d (%d calls)", p.path, b.Items, b.Calls, a.Items, a.Calls)
		if a.Items != b.Items || a.Calls != b.Calls {
			t.Errorf("%s reads more as raw events grow: %+v then %+v", p.path, b, a)
		}
	}
}

// TestWorkspacePaging: more MQLs and people than a page holds; following
// the pages' links lists every one once, MQLs newest first, and the last
// page offers no further link.
func TestWorkspacePaging(t *testing.T) {
	clk := clock.NewManual(time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC))
	s := stack.ForTestClock(t, map[string]string{"BATON_TRUST_PROXY": "1"}, clk.Now)
	const people = 57
	n := 0
	collect := func(i int, typ, props string) {
		t.Helper()
		n++
		body := fmt.Sprintf(`{"type":%q,"messageId":"paging-%d","properties":%s}`, typ, n, props)
		req, _ := http.NewRequest("POST", s.URL+"/e", strings.NewReader(body))
		req.Header.Set("Content-Type", "text/plain")
		req.Header.Set("X-Forwarded-For", fmt.Sprintf("198.51.100.%d", n%250+1))
		req.AddCookie(&http.Cookie{Name: visitor.CookieName, Value: fmt.Sprintf("paging-browser-%04d", i)})
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != 204 {
			t.Fatalf("POST /e: %v %v", err, resp)
		}
		resp.Body.Close()
	}
	for i := range people {
		clk.Advance(time.Minute)
		collect(i, "form_submit", fmt.Sprintf(`{"url":"https://www.example.com/contact","form":{"id":"contact"},"fields":{"email":"lead%02d@maker.example","name":"Lead %02d","title":"CEO","industry":"software"}}`, i, i))
		collect(i, "download", `{"url":"https://www.example.com/files/whitepaper.pdf"}`)
	}
	settle(t, s)
	lead := regexp.MustCompile(`>Lead (\d\d)</a>`)
	next := regexp.MustCompile(`<a href="((?:mqls|people)\?[^"]*after=[^"]*)">`)
	follow := func(path string) (pages int, names []string) {
		t.Helper()
		for path != "" && pages < 10 {
			pages++
			req, _ := http.NewRequest("GET", s.URL+"/admin/"+path, nil)
			req.Header.Set("Authorization", "Bearer "+token)
			req.Header.Set("Accept", "text/html")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Fatalf("%s: %d %s", path, resp.StatusCode, b)
			}
			for _, m := range lead.FindAllStringSubmatch(string(b), -1) {
				names = append(names, m[1])
			}
			path = ""
			if m := next.FindStringSubmatch(string(b)); m != nil {
				path = html.UnescapeString(m[1])
			}
		}
		return pages, names
	}
	pages, names := follow("mqls")
	recent, err := s.App.Qualifier.RecentMQLs(context.Background(), 100) // the index, newest first
	if err != nil || len(recent) != people {
		t.Fatalf("MQLs raised: %d %v", len(recent), err)
	}
	var want []string
	for _, m := range recent {
		want = append(want, strings.TrimSuffix(strings.TrimPrefix(m.Email, "lead"), "@maker.example"))
	}
	if pages != 2 || strings.Join(names, ",") != strings.Join(want, ",") {
		t.Fatalf("MQL pages: %d, listed %v, want %v", pages, names, want)
	}
	pages, names = follow("people?q=lead")
	seen := map[string]bool{}
	for _, n := range names {
		if seen[n] {
			t.Fatalf("Lead %s listed twice", n)
		}
		seen[n] = true
	}
	if pages != 2 || len(seen) != people {
		t.Fatalf("people pages: %d, %d people", pages, len(seen))
	}
}
