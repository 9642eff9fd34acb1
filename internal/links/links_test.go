package links

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/bolttable"
	"github.com/baton-hq/baton/internal/testutil/backends"
)

// noKeys is a table no read may reach: a key no table can hold (a NUL,
// longer than DynamoDB's 2048-byte partition key) fails the read, a 500.
type noKeys struct{ table.Table }

func (noKeys) Get(_ context.Context, pk, sk string) (table.Item, error) {
	return table.Item{}, errors.New("read " + pk[:min(len(pk), 20)] + ": the id was not checked")
}

// TestMalformedCampaignNamesNone: GET /admin/campaigns/%00 answered 500.
func TestMalformedCampaignNamesNone(t *testing.T) {
	r := &Registry{T: noKeys{}}
	for _, id := range []string{"", "\x00", "a\x00b", strings.Repeat("c", 3000), "Camp", "../x"} {
		if _, err := r.Campaign(context.Background(), id); !errors.Is(err, ErrNotFound) {
			t.Errorf("campaign %.20q: %v, want ErrNotFound", id, err)
		}
	}
	if _, err := r.Campaign(context.Background(), "spring-launch"); errors.Is(err, ErrNotFound) || err == nil {
		t.Fatalf("a well-formed id must be read: %v", err)
	}
}

// TestDestinationKeepsTheURLsOwnQuery: a click re-encoded the stored URL's
// query (sorted, "flag" as "flag=", %20 as +) even when the campaign had no
// UTM parameters to add, which breaks a link signed over its query or a
// site reading a parameter's spelling. The query is kept as stored; the
// campaign's UTM parameters are appended, never replacing the URL's own.
func TestDestinationKeepsTheURLsOwnQuery(t *testing.T) {
	utm := Campaign{UTM: UTM{Source: "newsletter", Medium: "email", Campaign: "dec&x=<y>"}}
	for _, c := range []struct {
		url  string
		camp Campaign
		want string
	}{
		{"https://www.example.com/dl?sig=ab%2Fcd&b=2&a=1&flag&q=a%20b", Campaign{}, "https://www.example.com/dl?sig=ab%2Fcd&b=2&a=1&flag&q=a%20b"},
		{"https://www.example.com/dl?sig=ab%2Fcd&b=2&a=1&flag&q=a%20b", utm,
			"https://www.example.com/dl?sig=ab%2Fcd&b=2&a=1&flag&q=a%20b&utm_campaign=dec%26x%3D%3Cy%3E&utm_medium=email&utm_source=newsletter"},
		{"https://www.example.com/p?utm_source=own&z=1#top", utm, "https://www.example.com/p?utm_source=own&z=1&utm_campaign=dec%26x%3D%3Cy%3E&utm_medium=email#top"},
		{"https://www.example.com/p", utm, "https://www.example.com/p?utm_campaign=dec%26x%3D%3Cy%3E&utm_medium=email&utm_source=newsletter"},
		{"https://www.example.com/p?", utm, "https://www.example.com/p?utm_campaign=dec%26x%3D%3Cy%3E&utm_medium=email&utm_source=newsletter"},
		{"https://www.example.com/p?a=1&", utm, "https://www.example.com/p?a=1&utm_campaign=dec%26x%3D%3Cy%3E&utm_medium=email&utm_source=newsletter"},
		{"https://www.example.com/%E3%81%82?x=%E3%81%84", Campaign{UTM: UTM{Source: "nl"}}, "https://www.example.com/%E3%81%82?x=%E3%81%84&utm_source=nl"},
		// What no URL may hold, typed as such when the link was registered,
		// is escaped (it went out raw in the Location header); the rest kept.
		{"https://www.example.com/s?q=hello world&k=日本&p=a%20b", Campaign{}, "https://www.example.com/s?q=hello%20world&k=%E6%97%A5%E6%9C%AC&p=a%20b"},
		{"https://www.example.com/s?q=hello world", Campaign{UTM: UTM{Source: "nl"}}, "https://www.example.com/s?q=hello%20world&utm_source=nl"},
		{"https://www.example.com/s?q=<x>|{y}", Campaign{}, "https://www.example.com/s?q=%3Cx%3E%7C%7By%7D"},
	} {
		if got := Destination(Link{URL: c.url}, c.camp); got != c.want {
			t.Errorf("%s with %+v:\n got %s\nwant %s", c.url, c.camp.UTM, got, c.want)
		}
	}
}

// TestDestinationFillsAnEmptyUTM: a destination registered with an empty
// utm_source= (a URL builder's field left blank) went out with a second
// utm_source appended, and a landing reading the first found it empty:
// the click counted under no source. The empty one is filled in place;
// the rest of the query is kept as it was. An upper-case UTM_SOURCE is no
// utm_source to Baton's landing (event.ParseUTM) nor to GA4, so the
// campaign's is added beside it, as before.
func TestDestinationFillsAnEmptyUTM(t *testing.T) {
	utm := Campaign{UTM: UTM{Source: "newsletter", Medium: "email", Campaign: "dec news"}}
	for _, c := range []struct{ url, want string }{
		{"https://www.example.com/p?utm_source=&z=1", "https://www.example.com/p?utm_source=newsletter&z=1&utm_campaign=dec+news&utm_medium=email"},
		{"https://www.example.com/p?a=1&utm_source&utm_medium=&utm_campaign=own#top", "https://www.example.com/p?a=1&utm_source=newsletter&utm_medium=email&utm_campaign=own#top"},
		{"https://www.example.com/p?utm_campaign=&utm_campaign=later", "https://www.example.com/p?utm_campaign=dec+news&utm_campaign=later&utm_medium=email&utm_source=newsletter"},
		{"https://www.example.com/p?utm_content=", "https://www.example.com/p?utm_content=&utm_campaign=dec+news&utm_medium=email&utm_source=newsletter"}, // the campaign has no content to give
		{"https://www.example.com/p?UTM_SOURCE=x", "https://www.example.com/p?UTM_SOURCE=x&utm_campaign=dec+news&utm_medium=email&utm_source=newsletter"},
	} {
		got := Destination(Link{URL: c.url}, utm)
		if got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.url, got, c.want)
		}
		u, _ := url.Parse(got)
		if q := u.Query(); len(q["utm_source"]) != 1 || q.Get("utm_source") != "newsletter" {
			t.Errorf("%s: utm_source %q, want newsletter once", got, q["utm_source"])
		}
	}
}

// newRegistry is a registry on a fresh embedded store, its clock at
// 2026-11-24 09:00 UTC.
// addrs are n addresses of a list named prefix.
func addrs(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s-%d@example.com", prefix, i)
	}
	return out
}

func newRegistry(t *testing.T) (*Registry, *clock.Manual) {
	t.Helper()
	tb, err := bolttable.Open(filepath.Join(t.TempDir(), "l.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tb.Close() })
	clk := clock.NewManual(time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC))
	return &Registry{T: tb, Now: clk.Now}, clk
}

// TestCreateCampaignRefusesATakenID: CreateCampaign (the new-campaign
// form's) never changes a campaign: a taken id is ErrExists, the stored
// campaign as it was; PutCampaign (the API's) still updates.
func TestCreateCampaignRefusesATakenID(t *testing.T) {
	ctx := context.Background()
	r, clk := newRegistry(t)
	sent := clk.Now().Add(time.Hour)
	c, err := r.CreateCampaign(ctx, Campaign{ID: "camp-a", Name: "A", SentAt: sent})
	if err != nil || !c.CreatedAt.Equal(clk.Now()) {
		t.Fatalf("create: %+v %v", c, err)
	}
	clk.Advance(time.Minute)
	if _, err := r.CreateCampaign(ctx, Campaign{ID: "camp-a", Name: "B", SentAt: sent.Add(time.Hour)}); !errors.Is(err, ErrExists) {
		t.Errorf("a taken id: %v, want ErrExists", err)
	}
	if got, err := r.Campaign(ctx, "camp-a"); err != nil || got.Name != "A" || !got.SentAt.Equal(sent) || !got.CreatedAt.Equal(c.CreatedAt) {
		t.Errorf("stored: %+v %v", got, err)
	}
	for _, bad := range []Campaign{{ID: "Camp A"}, {ID: "camp-b", ScannerWindow: MaxScannerWindow + 1}} {
		if _, err := r.CreateCampaign(ctx, bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("%+v: %v, want ErrInvalid", bad, err)
		}
	}
	if got, created, err := r.PutCampaign(ctx, Campaign{ID: "camp-a", Name: "B"}); err != nil || created || got.Name != "B" || !got.SentAt.Equal(sent) {
		t.Errorf("PutCampaign: %+v %v", got, err)
	}
}

// TestListMintedMakesNoCampaign: a list's count for an id no campaign has
// made that campaign, of no links (a typo's tokens then recorded no
// click): it is ErrNotFound, nothing written; a campaign's count and time
// are recorded.
func TestListMintedMakesNoCampaign(t *testing.T) {
	ctx := context.Background()
	r, clk := newRegistry(t)
	if _, err := r.ListMinted(ctx, "nov-nws", "f1", addrs("f1", 3), false); !errors.Is(err, ErrNotFound) {
		t.Errorf("an unknown campaign: %v, want ErrNotFound", err)
	}
	if cs, err := r.Campaigns(ctx); err != nil || len(cs) != 0 {
		t.Errorf("campaigns after a list for none: %+v %v", cs, err)
	}
	if _, err := r.CreateCampaign(ctx, Campaign{ID: "nov-news"}); err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Hour)
	if _, err := r.ListMinted(ctx, "nov-news", "f1", addrs("f1", 3), false); err != nil {
		t.Fatal(err)
	}
	if c, err := r.Campaign(ctx, "nov-news"); err != nil || c.Recipients != 3 || !c.ListAt.Equal(clk.Now()) {
		t.Errorf("stored: %+v %v", c, err)
	}
}

// TestListPartsAddUp: lists are taken up to 5,000 rows, so a larger send
// is uploaded in parts, and the campaign counted only the last part. A
// part added counts with the others, the same file added again once; a
// list not added replaces them all (a corrected list).
func TestListPartsAddUp(t *testing.T) {
	ctx := context.Background()
	r, _ := newRegistry(t)
	if _, err := r.CreateCampaign(ctx, Campaign{ID: "nov-news"}); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		file string
		n    int
		add  bool
		want int
	}{
		{"a", 5000, false, 5000},
		{"b", 5000, true, 10000},
		{"c", 2000, true, 12000},
		{"b", 4990, true, 11990}, // part b again (a row's problem fixed): counted once
		{"d", 11000, false, 11000},
	}
	for i, s := range steps {
		if _, err := r.ListMinted(ctx, "nov-news", s.file, addrs(s.file, s.n), s.add); err != nil {
			t.Fatal(err)
		}
		if c, err := r.Campaign(ctx, "nov-news"); err != nil || c.Recipients != s.want {
			t.Fatalf("step %d: %+v %v, want %d", i, c, err, s.want)
		}
	}
	for i := range MaxParts - 1 {
		if _, err := r.ListMinted(ctx, "nov-news", fmt.Sprint("p", i), addrs(fmt.Sprint("p", i), 1), true); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := r.ListMinted(ctx, "nov-news", "one-too-many", addrs("x", 1), true); !errors.Is(err, ErrInvalid) {
		t.Fatalf("part %d: %v", MaxParts+1, err)
	}
	if c, _ := r.Campaign(ctx, "nov-news"); c.Recipients != 11000+MaxParts-1 {
		t.Fatalf("after refusing a part: %d", c.Recipients)
	}
}

// raced is a table on which another writer writes once, between a
// campaign's read and its write.
type raced struct {
	table.Table
	between func()
}

func (r *raced) Transact(ctx context.Context, ws []table.Write) error {
	if f := r.between; f != nil {
		r.between = nil
		f()
	}
	return r.Table.Transact(ctx, ws)
}

// TestCampaignWritersKeepEachOther: an edit of the campaign (POST
// /admin/links) read it, a recipient list's count was written, and the
// edit wrote what it had read: the list was lost (and the other way round,
// the edit). Each now writes on the version it read, and reads again.
func TestCampaignWritersKeepEachOther(t *testing.T) {
	ctx := context.Background()
	r, clk := newRegistry(t)
	if _, err := r.CreateCampaign(ctx, Campaign{ID: "nov-news", Name: "Nov"}); err != nil {
		t.Fatal(err)
	}
	rt := &raced{Table: r.T}
	other := &Registry{T: r.T, Now: r.Now}
	r.T = rt
	clk.Advance(time.Hour)
	rt.between = func() {
		if _, err := other.ListMinted(ctx, "nov-news", "f2", addrs("f2", 120), false); err != nil {
			t.Fatal(err)
		}
	}
	if _, created, err := r.PutCampaign(ctx, Campaign{ID: "nov-news", Name: "November news"}); err != nil || created {
		t.Fatalf("edit: %v, created %v", err, created)
	}
	if c, err := r.Campaign(ctx, "nov-news"); err != nil || c.Name != "November news" || c.Recipients != 120 || !c.ListAt.Equal(clk.Now()) {
		t.Errorf("after an edit raced by a list: %+v %v", c, err)
	}
	rt.between = func() {
		if _, _, err := other.PutCampaign(ctx, Campaign{ID: "nov-news", Name: "Nov. news"}); err != nil {
			t.Fatal(err)
		}
	}
	clk.Advance(time.Hour)
	if _, err := r.ListMinted(ctx, "nov-news", "f3", addrs("f3", 80), false); err != nil {
		t.Fatal(err)
	}
	if c, err := r.Campaign(ctx, "nov-news"); err != nil || c.Name != "Nov. news" || c.Recipients != 80 {
		t.Errorf("after a list raced by an edit: %+v %v", c, err)
	}
}

// yield is a Registry's Sleep for tests: it lets the other writers run
// and waits no wall-clock time.
func yield(ctx context.Context, _ time.Duration) error {
	runtime.Gosched()
	return ctx.Err()
}

// TestConcurrentCampaignEditsAllLand: sixteen edits of one campaign at
// once (a script registering one URL a request in parallel, two marketers
// saving the campaign) each retried on the version it read 8 times, and
// the ones that lost 8 races failed, which the admin API answered 500.
// Every edit lands now.
func TestConcurrentCampaignEditsAllLand(t *testing.T) {
	ctx := context.Background()
	r, _ := newRegistry(t)
	r.Sleep = yield
	if _, _, err := r.PutCampaign(ctx, Campaign{ID: "busy"}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, err := r.PutCampaign(ctx, Campaign{ID: "busy", UTM: UTM{Source: fmt.Sprint("s", i)}})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("an edit failed: %v", err)
		}
	}
	if c, err := r.Campaign(ctx, "busy"); err != nil || !strings.HasPrefix(c.UTM.Source, "s") {
		t.Errorf("after the edits: %+v %v", c, err)
	}
}

// conflicted is a table on which every versioned write loses its race.
type conflicted struct {
	table.Table
	tries int
}

func (c *conflicted) Transact(ctx context.Context, ws []table.Write) error {
	c.tries++
	return table.ErrConditionFailed
}

// TestCampaignEditLosingEveryRaceIsBusy: a write that keeps losing waits
// a jittered, growing while between tries, for a bounded time in all,
// then is Busy (the admin API's retryable 503), never a bare error; a
// request that ends stops it waiting.
func TestCampaignEditLosingEveryRaceIsBusy(t *testing.T) {
	ctx := context.Background()
	r, _ := newRegistry(t)
	if _, _, err := r.PutCampaign(ctx, Campaign{ID: "busy"}); err != nil {
		t.Fatal(err)
	}
	ct := &conflicted{Table: r.T}
	r.T = ct
	var waits []time.Duration
	r.Sleep = func(ctx context.Context, d time.Duration) error {
		waits = append(waits, d)
		return nil
	}
	_, _, err := r.PutCampaign(ctx, Campaign{ID: "busy", Name: "Busy"})
	var ra interface{ RetryAfter() time.Duration }
	if !errors.Is(err, ErrBusy) || !errors.As(err, &ra) || ra.RetryAfter() <= 0 || !strings.Contains(err.Error(), "being edited by others") {
		t.Fatalf("PutCampaign: %v, want Busy", err)
	}
	tries := ct.tries
	if len(waits) != tries-1 {
		t.Fatalf("%d tries, %d waits: want a wait between each two", tries, len(waits))
	}
	var total time.Duration
	distinct := map[time.Duration]bool{}
	for i, d := range waits {
		total += d
		distinct[d] = true
		if hi := min(editFirstWait<<min(i, 10), editMaxWait); d < hi/2 || d > hi {
			t.Errorf("wait %d: %v, want between %v and %v", i, d, hi/2, hi)
		}
	}
	if tries < 20 || total > editBudget || len(distinct) < 3 {
		t.Errorf("%d tries, waited %v (%d distinct waits): want 20 tries or more, at most %v, jittered", tries, total, len(distinct), editBudget)
	}
	if _, err := r.ListMinted(ctx, "busy", "f1", addrs("f1", 3), false); !errors.Is(err, ErrBusy) {
		t.Fatalf("ListMinted: %v, want Busy", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	r.Sleep = func(ctx context.Context, d time.Duration) error {
		cancel()
		return ctx.Err()
	}
	if _, _, err := r.PutCampaign(cctx, Campaign{ID: "busy"}); !errors.Is(err, context.Canceled) {
		t.Errorf("a request that ended: %v, want it to stop", err)
	}
}

// TestCampaignListReadsNoScan: the workspace's campaign list was a scan,
// which on DynamoDB reads every item of the table (events, people) to find
// the few campaigns. It is one query of the list's partition, kept with
// each campaign's write. Campaigns stored before the list was kept were
// copied into it by a scan inside the first list's request (the whole
// table, past API Gateway's 30 s on a large one): the sweep copies them
// (ListOld), a page a run, and until then the list says it is incomplete.
func TestCampaignListReadsNoScan(t *testing.T) {
	backends.EachClock(t, time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC), func(t *testing.T, tb table.Table, clk *clock.Manual) {
		ctx := context.Background()
		// Stored as before the list was kept: more than a page of
		// bbolt's scan (500 keys).
		const old = 520
		var ws []table.Write
		for i := range old {
			data, _ := json.Marshal(Campaign{ID: fmt.Sprintf("old-%03d", i), CreatedAt: clk.Now()})
			ws = append(ws, table.Put(table.Item{PK: fmt.Sprintf("CAMP#old-%03d", i), SK: "CAMP", Kind: "campaign", Data: data}, table.NotExists))
		}
		for i := 0; i < len(ws); i += 100 {
			if err := errors.Join(tb.PutMany(ctx, ws[i:min(i+100, len(ws))])...); err != nil {
				t.Fatal(err)
			}
		}
		r := &Registry{T: noScans{tb}, Now: clk.Now}
		for _, id := range []string{"nov-news", "dec-news"} {
			clk.Advance(time.Hour)
			if _, err := r.CreateCampaign(ctx, Campaign{ID: id}); err != nil {
				t.Fatal(err)
			}
		}
		if _, _, err := r.PutCampaign(ctx, Campaign{ID: "nov-news", Name: "November"}); err != nil {
			t.Fatal(err)
		}
		if _, err := r.ListMinted(ctx, "dec-news", "f1", addrs("f1", 7), false); err != nil {
			t.Fatal(err)
		}
		// The page's request: what is listed so far, no scan.
		cs, err := r.Campaigns(ctx)
		if err != nil || len(cs) != 2 || cs[0].ID != "dec-news" || cs[0].Recipients != 7 || cs[1].Name != "November" {
			t.Fatalf("list before the sweep: %+v %v", cs, err)
		}
		if done, err := r.ListComplete(ctx); done || err != nil {
			t.Fatalf("complete before the sweep: %v %v", done, err)
		}
		// The sweep: a run that ends after its first page, then the next.
		run, end := context.WithCancel(ctx)
		sweep := &Registry{T: &endsAfterPage{Table: tb, end: end}, Now: clk.Now}
		n1, err := sweep.ListOld(run)
		if err != nil || n1 == 0 {
			t.Fatalf("first run: %d %v", n1, err)
		}
		sweep.T = tb
		n2, err := sweep.ListOld(ctx)
		if err != nil || n1+n2 != old {
			t.Fatalf("runs copied %d and %d campaigns, want %d in all", n1, n2, old)
		}
		if done, err := r.ListComplete(ctx); !done || err != nil {
			t.Fatalf("complete after the sweep: %v %v", done, err)
		}
		cs, err = r.Campaigns(ctx)
		if err != nil || len(cs) != old+2 || cs[0].ID != "dec-news" || cs[1].Name != "November" || cs[2].ID != "old-000" {
			t.Fatalf("list after the sweep: %d campaigns %v", len(cs), err)
		}
		if n, err := sweep.ListOld(ctx); n != 0 || err != nil {
			t.Errorf("a run once complete: %d %v", n, err)
		}
	})
}

// noScans is the table a request reads: a scan there reads every item of
// a DynamoDB table.
type noScans struct{ table.Table }

func (noScans) Scan(context.Context, string, func(table.Item) error) error {
	return errors.New("a scan inside the request")
}

func (noScans) ScanPage(context.Context, string, string) ([]table.Item, string, error) {
	return nil, "", errors.New("a scan inside the request")
}

// endsAfterPage ends its run (the sweep's budget) once where the scan
// goes on is saved.
type endsAfterPage struct {
	table.Table
	end func()
}

func (e *endsAfterPage) Put(ctx context.Context, it table.Item, c table.Cond) error {
	err := e.Table.Put(ctx, it, c)
	if it.SK == listingSK {
		e.end()
	}
	return err
}

// endsInCopy ends its run while a page's copies are written: the store
// answers them with the ended context's error.
type endsInCopy struct {
	table.Table
	end func()
}

func (e *endsInCopy) PutMany(ctx context.Context, ws []table.Write) []error {
	e.end()
	errs := make([]error, len(ws))
	for i := range errs {
		errs[i] = ctx.Err()
	}
	return errs
}

// TestListOldOutOfTimeIsNoFailure: the sweep's budget ending while a
// page's copies were written was returned as an error, so the sweep
// failed (and AWS retried the scheduled run); a scan ending there was
// not. Either is the end of this run: the next one copies the page again.
func TestListOldOutOfTimeIsNoFailure(t *testing.T) {
	ctx := context.Background()
	clk := clock.NewManual(time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC))
	tb, err := bolttable.Open(filepath.Join(t.TempDir(), "l.db"), bolttable.WithClock(clk.Now))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tb.Close() })
	data, _ := json.Marshal(Campaign{ID: "old-1", CreatedAt: clk.Now()})
	if err := tb.Put(ctx, table.Item{PK: "CAMP#old-1", SK: "CAMP", Kind: "campaign", Data: data}, table.NotExists); err != nil {
		t.Fatal(err)
	}
	run, end := context.WithCancel(ctx)
	if n, err := (&Registry{T: &endsInCopy{Table: tb, end: end}, Now: clk.Now}).ListOld(run); n != 0 || err != nil {
		t.Fatalf("a run out of time: %d %v, want no failure", n, err)
	}
	if n, err := (&Registry{T: tb, Now: clk.Now}).ListOld(ctx); n != 1 || err != nil {
		t.Fatalf("the next run: %d %v, want the campaign copied", n, err)
	}
}

// TestDestinationHosts: an internationalised host is kept in A-labels (it
// was redirected to as https://%E4%BE%8B%E3%81%88.jp/), a port must be one,
// and the allowed hosts match in either spelling.
func TestDestinationHosts(t *testing.T) {
	r := &Registry{}
	for raw, want := range map[string]string{
		"https://例え.jp/パス?q=1":           "https://xn--r8jz45g.jp/%E3%83%91%E3%82%B9?q=1",
		"https://WWW.Example.COM:8443/a": "https://www.example.com:8443/a",
		"http://[2001:db8::1]:8080/x":    "http://[2001:db8::1]:8080/x",
		"https://192.0.2.1/landing":      "https://192.0.2.1/landing",
		"https://ｗｗｗ．ｅｘａｍｐｌｅ．ｊｐ/":        "https://www.example.jp/",
		// ASCII names DNS serves that IDNA's lookup rules would refuse.
		"https://r3---sn-abc.googlevideo.com/v": "https://r3---sn-abc.googlevideo.com/v",
		"https://my_host.example.com/":          "https://my_host.example.com/",
	} {
		u, err := r.CheckDestination(raw)
		if err != nil || u.String() != want {
			t.Errorf("%s: %v %v, want %s", raw, u, err, want)
		}
	}
	for _, raw := range []string{"https://www.example.com:99999/", "https://www.example.com:0/", "https://exa mple.com/", "https://-bad-.例え.jp/"} {
		if u, err := r.CheckDestination(raw); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v %v, want refused", raw, u, err)
		}
	}
	allowed := &Registry{AllowedHosts: []string{"例え.jp", ".xn--icko0bxn.jp"}} // .エクセル.jp
	for host, want := range map[string]bool{"xn--r8jz45g.jp": true, "例え.jp": true, "shop.エクセル.jp": true, "shop.xn--icko0bxn.jp": true, "evil.example": false} {
		if got := allowed.AllowsHost(host); got != want {
			t.Errorf("AllowsHost(%q) = %v, want %v", host, got, want)
		}
	}
}

// TestDestinationWithoutInvisibleCharacters: a URL copied from a web
// page, Word or a chat came with a zero-width space, a BOM or a soft
// hyphen, invisible on the campaign's page; stored percent-escaped
// (/lp%E2%80%8B), every click landed on the site's 404 page. They are no
// part of the URL the marketer sees and meant.
func TestDestinationWithoutInvisibleCharacters(t *testing.T) {
	ctx := context.Background()
	tb, err := bolttable.Open(filepath.Join(t.TempDir(), "b.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer tb.Close()
	r := &Registry{T: tb, Now: clock.NewManual(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)).Now}
	for raw, want := range map[string]string{
		"https://www.example.co.jp/lp\u200b":                               "https://www.example.co.jp/lp",
		"\ufeffhttps://www.example.co.jp/セミナー/申込":                          "https://www.example.co.jp/%E3%82%BB%E3%83%9F%E3%83%8A%E3%83%BC/%E7%94%B3%E8%BE%BC",
		"https://www.example.co.jp/seminar/\u00ad2026?id=\u200b12#a\u2060": "https://www.example.co.jp/seminar/2026?id=12#a",
		"https://www.example.co.jp/\u200e資料.pdf\u3000":                     "https://www.example.co.jp/%E8%B3%87%E6%96%99.pdf",
		"https://www.example.co.jp/lp%E2%80%8B":                            "https://www.example.co.jp/lp%E2%80%8B", // escaped: meant
	} {
		ls, err := r.Add(ctx, "dec-news", []string{raw}, false)
		if err != nil {
			t.Errorf("%q: %v", raw, err)
			continue
		}
		if ls[0].URL != want {
			t.Errorf("%q stored as %s, want %s", raw, ls[0].URL, want)
		}
	}
}

// FuzzDestination: where a click goes never panics, is a URL that parses
// again whenever the stored one did, and its query holds only what a URL
// may (printable ASCII, no space); escaping an escaped query changes
// nothing.
func FuzzDestination(f *testing.F) {
	for _, s := range []string{"https://www.example.com/s?q=hello world&k=日本", "https://www.example.com/p?a=%zz&b=\x7f", "https://x.example/?", "http://[::1]:80/a?b"} {
		f.Add(s, "nl")
	}
	f.Fuzz(func(t *testing.T, raw, source string) {
		if _, err := url.Parse(raw); err != nil {
			return
		}
		got := Destination(Link{URL: raw}, Campaign{UTM: UTM{Source: source}})
		u, err := url.Parse(got)
		if err != nil {
			t.Fatalf("Destination(%q) = %q: %v", raw, got, err)
		}
		for i := 0; i < len(u.RawQuery); i++ {
			if c := u.RawQuery[i]; c <= ' ' || c >= 0x7f {
				t.Fatalf("Destination(%q) = %q: byte %#x in the query", raw, got, c)
			}
		}
		if q := queryEscape(u.RawQuery); q != u.RawQuery {
			t.Fatalf("queryEscape(%q) = %q: not idempotent", u.RawQuery, q)
		}
	})
}
