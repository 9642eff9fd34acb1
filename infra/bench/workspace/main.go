// Command workspace measures the admin workspace's reads at a team's size
// after two years: people (most anonymous browsers who became known through
// a form), their events, MQLs and accounts, built on the embedded store
// through the packages' own write paths (identity, eventlog, qualify,
// account) on a fixed clock. For each page it prints the time one request
// takes (the best of -repeat) and the items and calls it reads through a
// counting table:
//
//	go run ./infra/bench/workspace -people 10000,100000
//
// The store of each size is kept under -data (when given) and reused by
// the next run, so that two builds of Baton are measured on the same data.
package main

import (
	"context"
	"flag"
	"fmt"
	"html"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/baton-hq/baton/internal/app"
	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/config"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/bolttable"
	"github.com/baton-hq/baton/internal/table/tablecount"
)

const token = "workspace-bench-admin-token-0123456789"

// The two years: everyone's events fall between start and end, and the
// clock reads end when the pages are read.
var (
	start = time.Date(2024, 12, 2, 0, 0, 0, 0, time.UTC)
	end   = time.Date(2026, 12, 1, 3, 0, 0, 0, time.UTC) // 12:00 JST
)

func main() {
	sizes := flag.String("people", "10000,100000", "comma-separated people counts")
	perPerson := flag.Int("events", 10, "events a person")
	mqlEvery := flag.Int("mql-every", 20, "one person in this many is a qualified buyer (an MQL)")
	perAccount := flag.Int("per-account", 5, "people a company")
	data := flag.String("data", "", "keep each size's store under this directory and reuse it (default: a temporary one)")
	repeat := flag.Int("repeat", 3, "requests a page (the best is shown)")
	workers := flag.Int("workers", 32, "people built at once (the store's group commit takes their writes together)")
	flag.Parse()
	dir := *data
	if dir == "" {
		d, err := os.MkdirTemp("", "workspace-bench-")
		if err != nil {
			fail(err)
		}
		defer os.RemoveAll(d)
		dir = d
	}
	for _, s := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			fail(fmt.Errorf("-people: %q", s))
		}
		if err := run(filepath.Join(dir, fmt.Sprintf("people-%d", n)), n, *perPerson, *mqlEvery, *perAccount, *repeat, *workers); err != nil {
			fail(err)
		}
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "workspace:", err)
	os.Exit(1)
}

func run(dir string, people, perPerson, mqlEvery, perAccount, repeat, workers int) error {
	ctx := context.Background()
	rules, err := filepath.Abs("infra/rules.yaml")
	if err != nil {
		return err
	}
	if _, err := os.Stat(rules); err != nil {
		return fmt.Errorf("run from the repository's root: %w", err)
	}
	env := map[string]string{
		"BATON_DATA": dir, "BATON_RULES": rules, "BATON_ADMIN_TOKEN": token, "BATON_WRITE_KEY": "workspace-bench-write-key-0123456789",
		"BATON_SITE_ORIGINS": "https://www.example.com", "BATON_FEEDBACK_SECRET": "workspace-bench-feedback-secret-0123",
	}
	cfg, err := config.FromEnv(func(k string) string { return env[k] }, config.Deployed)
	if err != nil {
		return err
	}
	clk := clock.NewManual(start)
	built := filepath.Join(dir, "built")
	_, statErr := os.Stat(built)
	bt, err := bolttable.Open(filepath.Join(dir, "baton.db"), bolttable.WithClock(clk.Now))
	if err != nil {
		return err
	}
	ct := tablecount.New(bt)
	a, err := app.New(ctx, cfg, ct, slog.New(slog.DiscardHandler), app.WithClock(clk.Now))
	if err != nil {
		bt.Close()
		return err
	}
	defer a.Close()
	if statErr != nil {
		t0 := time.Now()
		if err := build(ctx, a, clk, people, perPerson, mqlEvery, perAccount, workers); err != nil {
			return err
		}
		clk.Set(end)
		if err := os.WriteFile(built, nil, 0o600); err != nil {
			return err
		}
		fmt.Printf("built %d people, %d events in %v\n", people, people*perPerson, time.Since(t0).Round(time.Second))
	}
	clk.Set(end)
	// The sweep runs every minute deployed (and completes the reports'
	// index of scored people once): once here, timed as a page is.
	ct.Reset()
	t0 := time.Now()
	if _, err := a.Sweep(ctx); err != nil {
		return err
	}
	c := ct.Counts()
	fmt.Printf("workspace, %7d people: %-34s %9.1f ms %9d items read in %7d calls (%d scans)\n", people, "sweep", float64(time.Since(t0).Microseconds())/1000, c.Items, c.Calls, c.Scans)
	mqls, err := a.Qualifier.RecentMQLs(ctx, 1)
	if err != nil || len(mqls) == 0 {
		return fmt.Errorf("no MQL to open: %v", err)
	}
	mux := http.NewServeMux()
	a.Admin.Routes(mux)
	get := func(path string) (string, time.Duration, tablecount.Counts, error) {
		var body string
		best := time.Duration(-1)
		var c tablecount.Counts
		for range repeat {
			req := httptest.NewRequest("GET", path, nil)
			req.Header.Set("Authorization", "Bearer "+token)
			req.Header.Set("Accept", "text/html")
			rec := httptest.NewRecorder()
			ct.Reset()
			t := time.Now()
			mux.ServeHTTP(rec, req)
			d := time.Since(t)
			c = ct.Counts()
			if rec.Code != 200 {
				return "", 0, c, fmt.Errorf("%s: %d %.300s", path, rec.Code, rec.Body.String())
			}
			body = rec.Body.String()
			if best < 0 || d < best {
				best = d
			}
		}
		return body, best, c, nil
	}
	report := func(name, path string) (string, error) {
		body, d, c, err := get(path)
		if err != nil {
			return "", err
		}
		fmt.Printf("workspace, %7d people: %-34s %9.1f ms %9d items read in %7d calls (%d scans)\n", people, name, float64(d.Microseconds())/1000, c.Items, c.Calls, c.Scans)
		return body, nil
	}
	next := regexp.MustCompile(`<a href="(people\?[^"]*after=[^"]*)">`)
	body, err := report("people list, first page", "/admin/people")
	if err != nil {
		return err
	}
	for page := 2; page <= 10; page++ {
		m := next.FindStringSubmatch(body)
		if m == nil {
			return fmt.Errorf("people page %d has no link to the next", page-1)
		}
		path := "/admin/" + html.UnescapeString(m[1])
		if page == 2 || page == 10 {
			body, err = report(fmt.Sprintf("people list, page %d", page), path)
		} else {
			body, _, _, err = get(path)
		}
		if err != nil {
			return err
		}
	}
	for _, p := range []struct{ name, path string }{
		{"person's page (an MQL)", "/admin/people/" + mqls[0].Person},
		{"MQL list", "/admin/mqls"},
		{"accounts list", "/admin/accounts"},
		{"dashboard", "/admin/"},
	} {
		if _, err := report(p.name, p.path); err != nil {
			return err
		}
	}
	return nil
}

// build stores people people over the two years, workers at a time: each
// an anonymous browser with perPerson events over a day or so, the form
// that made them known among them, scored as the change feed scores; then
// the accounts step on each person's last event. One in mqlEvery is a
// decision maker at a target company who asks for contact and downloads a
// white paper (an MQL); the others read the blog and sign up for the
// newsletter (grade D).
func build(ctx context.Context, a *app.App, clk *clock.Manual, people, perPerson, mqlEvery, perAccount, workers int) error {
	last := make([]table.Change, people)
	var done atomic.Int64
	var mu sync.Mutex
	var firstErr error
	work := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				c, err := person(ctx, a, i, people, perPerson, mqlEvery, perAccount)
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = fmt.Errorf("person %d: %w", i, err)
					}
					mu.Unlock()
					continue
				}
				last[i] = c
				if n := done.Add(1); n%10000 == 0 {
					fmt.Fprintf(os.Stderr, "  %d people\n", n)
				}
			}
		}()
	}
	for i := range people {
		// The clock goes on with the people built, a little after the
		// events of those in hand: they are scored and qualified when
		// they happen, not two years on.
		if t := firstSeen(i, people).Add(24 * time.Hour); t.After(clk.Now()) {
			clk.Set(t)
		}
		work <- i
	}
	close(work)
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	for s := 0; s < people; s += 500 {
		if _, err := a.Accounts.HandleChanges(ctx, last[s:min(s+500, people)]); err != nil {
			return err
		}
	}
	return nil
}

// firstSeen is when person i of people first came: spread over the two
// years in order.
func firstSeen(i, people int) time.Time {
	return start.Add(time.Duration(int64(end.Sub(start)-48*time.Hour) * int64(i) / int64(people)))
}

func person(ctx context.Context, a *app.App, i, people, perPerson, mqlEvery, perAccount int) (table.Change, error) {
	vis := fmt.Sprintf("wsb-browser-%06d", i)
	// First seen spread over the two years in order, in JST office hours.
	day := firstSeen(i, people)
	at := func(k int) time.Time { return day.Add(time.Duration(k*37) * time.Minute) }
	buyer := i%mqlEvery == 0
	company := i / perAccount
	evs := make([]event.Event, perPerson)
	form := perPerson / 2 // the form that makes them known
	for k := range evs {
		ev := event.Event{ID: fmt.Sprintf("wsb-%06d-%03d", i, k), VisitorID: vis, Type: event.PageView, Timestamp: at(k), ReceivedAt: at(k)}
		switch {
		case k == form && buyer:
			ev.Type, ev.URL = event.FormSubmit, "https://www.example.com/contact"
			ev.Properties = map[string]any{"form": map[string]any{"id": "contact"}}
		case k == form:
			ev.Type, ev.URL = event.FormSubmit, "https://www.example.com/newsletter"
			ev.Properties = map[string]any{"form": map[string]any{"id": "newsletter"}}
		case k == form+1 && (buyer || i%3 == 0):
			ev.Type, ev.URL = event.Download, "https://www.example.com/files/whitepaper.pdf"
		case k%4 == 3 && i%2 == 0:
			ev.URL = "https://www.example.com/pricing"
		default:
			ev.URL = fmt.Sprintf("https://www.example.com/blog/post-%d", (i+k)%97)
		}
		evs[k] = ev
	}
	// Stored through the workspace's log (its retention: the oldest have
	// expired by the end), the last one's item kept for the accounts step.
	keep := &lastPut{Table: a.Events.T}
	if _, err := (&eventlog.Log{T: keep, Retention: a.Events.Retention, Now: a.Events.Now}).Append(ctx, evs); err != nil {
		return table.Change{}, err
	}
	fields := map[string]string{"company": fmt.Sprintf("株式会社サンプル%05d", company), "name": fmt.Sprintf("山田 %06d", i), "title": "エンジニア", "employees": "100"}
	if buyer {
		fields["title"], fields["industry"], fields["employees"] = "部長", "製造業", "300"
	}
	email := fmt.Sprintf("p%06d@co%05d.example.jp", i, company)
	if _, _, err := a.Stitcher.Identify(ctx, identity.Identification{Visitor: vis, Email: email, Fields: fields, At: at(0), Strength: identity.Strong}); err != nil {
		return table.Change{}, err
	}
	if err := a.Qualifier.Process(ctx, evs); err != nil {
		return table.Change{}, err
	}
	return table.Change{Op: table.OpInsert, Item: keep.last}, nil
}

// lastPut keeps the last item put through PutMany.
type lastPut struct {
	table.Table
	last table.Item
}

func (t *lastPut) PutMany(ctx context.Context, ws []table.Write) []error {
	for _, w := range ws {
		if w.Item.Kind == eventlog.KindEvent {
			t.last = w.Item
		}
	}
	return t.Table.PutMany(ctx, ws)
}
