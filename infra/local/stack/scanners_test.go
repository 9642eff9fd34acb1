package stack_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/infra/local/stack"
	"github.com/baton-hq/baton/internal/admin"
	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/qualify"
	linktoken "github.com/baton-hq/baton/internal/token"
	"github.com/baton-hq/baton/internal/visitor"
)

// The newsletter's scanners, end to end on the local stack with one manual
// clock: clicks over HTTP (the client's address from X-Forwarded-For),
// scoring from the change feed, the sweep judging visits. The lead is grade
// A (CEO, software) with 21 behaviour points: one counted click (10 points
// under infra/rules.yaml: newsletter-click 5, november-campaign 5) makes
// them warm, and warm + A is an MQL.

const (
	chromeUA  = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
	iphoneUA  = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
	leadEmail = "ceo@acme-software.example"
)

// client is where clicks come from.
type client struct {
	ip, ua string
	cookie string // the browser's bt_vid; "" sends none (a new one is set)
}

var clients = map[string]client{
	"reader":    {ip: "203.0.113.10", ua: chromeUA, cookie: "lead-laptop-0001"}, // the lead's own laptop (a form identified it)
	"phone":     {ip: "198.51.100.77", ua: iphoneUA},                            // the lead's phone, new to Baton
	"sandbox":   {ip: "35.180.1.2", ua: chromeUA},                               // a cloud sandbox (no listed network, a browser's user agent)
	"sandbox2":  {ip: "52.14.8.9", ua: chromeUA},                                // another cloud address
	"eop":       {ip: "40.94.3.4", ua: chromeUA},                                // Microsoft Defender / Safe Links (40.94.0.0/16)
	"proofpt":   {ip: "148.163.130.5", ua: chromeUA},                            // Proofpoint URL Defense
	"mimecast":  {ip: "192.0.2.40", ua: "Mozilla/5.0 Mimecast URL Protect"},     // Mimecast, by user agent
	"symantec":  {ip: "216.82.241.3", ua: chromeUA},                             // Symantec Email Security.cloud
	"curl":      {ip: "192.0.2.50", ua: "python-requests/2.32.3"},               // a script
	"office":    {ip: "192.0.2.60", ua: chromeUA},                               // someone at an address no list knows
	"bingprev":  {ip: "192.0.2.70", ua: "Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 BingPreview/1.0b"},
	"gsafety":   {ip: "192.0.2.80", ua: "Mozilla/5.0 (compatible; Google-Safety; +http://www.google.com/bot.html)"},
	"checker":   {ip: "192.0.2.90", ua: chromeUA}, // sends HEAD first
	"honeypot1": {ip: "192.0.2.100", ua: chromeUA},
}

// click is one request of a scenario: when (after the first click), from
// whom, which link (-1: the honeypot), and the method.
type click struct {
	at     time.Duration
	client string
	link   int
	method string
}

func get(at time.Duration, c string, link int) click { return click{at, c, link, "GET"} }

type scenario struct {
	name   string
	window int           // the campaign's scannerWindow (0: default 10 s)
	start  time.Duration // first click after the send
	clicks []click
	scored bool     // the lead's score got newsletter points
	linked []string // clients whose browser becomes the lead's (besides the reader's laptop, a form's)
}

// world is one stack with the lead and the campaign.
type world struct {
	t      *testing.T
	s      *stack.Stack
	clk    *clock.Manual
	lead   identity.Person
	tok    string
	links  []admin.LinkView // links, then the honeypot
	sentAt time.Time
	vids   map[string][]string // client -> the browser ids it used
}

func newWorld(t *testing.T, window int, fit bool) *world {
	t.Helper()
	w := &world{t: t, sentAt: time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC), vids: map[string][]string{}}
	w.clk = clock.NewManual(w.sentAt.Add(-2 * time.Hour))
	w.s = stack.ForTestClock(t, map[string]string{"BATON_TRUST_PROXY": "1"}, w.clk.Now)
	ctx := context.Background()
	// The lead signs up on the site (a form: 5 points, their laptop is
	// theirs), downloads the white paper (15 points) and reads a page (1):
	// 21, decaying a little by the time of the clicks.
	fields := map[string]string{"email": leadEmail, "company": "Acme Software"}
	if fit {
		fields["title"], fields["industry"] = "CEO", "software"
	}
	fb, _ := json.Marshal(fields)
	w.collect(`{"type":"form_submit","messageId":"signup-1","properties":{"url":"https://www.example.com/signup","form":{"id":"newsletter-signup"},"fields":` + string(fb) + `}}`)
	w.clk.Advance(time.Minute)
	w.collect(`{"type":"download","messageId":"wp-1","properties":{"url":"https://www.example.com/files/whitepaper.pdf"}}`)
	w.collect(`{"type":"page_view","messageId":"pv-1","properties":{"url":"https://www.example.com/blog/1"}}`)
	var err error
	if w.lead, err = w.s.App.People.ByEmail(ctx, leadEmail); err != nil {
		t.Fatal(err)
	}
	w.clk.Set(w.sentAt.Add(-time.Hour))
	body := fmt.Sprintf(`{"campaign":"nov-news","urls":["https://www.example.com/a","https://www.example.com/b","https://www.example.com/c","https://www.example.com/d","https://www.example.com/e"],"sentAt":%q,"honeypot":true,"scannerWindow":%d}`, w.sentAt.Format(time.RFC3339), window)
	code, b := do(t, "POST", w.s.URL+"/admin/links", token, body)
	var lr struct{ Links []admin.LinkView }
	if code != 201 || json.Unmarshal(b, &lr) != nil || len(lr.Links) != 6 || !lr.Links[5].Honeypot {
		t.Fatalf("links: %d %s", code, b)
	}
	w.links = lr.Links
	if w.tok, err = w.s.App.Admin.Recipients.Keyring.Sign(linktoken.Claims{PersonID: w.lead.ID, Campaign: "nov-news", IssuedAt: w.clk.Now()}); err != nil {
		t.Fatal(err)
	}
	settle(t, w.s)
	if b := w.behaviour(); !near(b, 21) {
		t.Fatalf("the lead starts with %v behaviour points, want 21", b)
	}
	return w
}

func (w *world) collect(body string) {
	w.t.Helper()
	req, _ := http.NewRequest("POST", w.s.URL+"/e", strings.NewReader(body))
	req.Header.Set("Content-Type", "text/plain")
	req.Header.Set("User-Agent", chromeUA)
	req.Header.Set("X-Forwarded-For", clients["reader"].ip)
	req.AddCookie(&http.Cookie{Name: visitor.CookieName, Value: clients["reader"].cookie})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 204 {
		w.t.Fatalf("POST /e: %d", resp.StatusCode)
	}
}

// do sends one click at its time.
func (w *world) do(base time.Time, c click) {
	w.t.Helper()
	w.clk.Set(base.Add(c.at))
	cl := clients[c.client]
	l := w.links[len(w.links)-1] // the honeypot
	if c.link >= 0 {
		l = w.links[c.link]
	}
	req, _ := http.NewRequest(c.method, strings.Replace(l.Tracked, "{{baton_token}}", w.tok, 1), nil)
	req.Header.Set("User-Agent", cl.ua)
	req.Header.Set("X-Forwarded-For", cl.ip)
	if cl.cookie != "" {
		req.AddCookie(&http.Cookie{Name: visitor.CookieName, Value: cl.cookie})
		w.vids[c.client] = append(w.vids[c.client], cl.cookie)
	}
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := hc.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 302 {
		w.t.Fatalf("%s %s from %s: %d", c.method, l.ID, c.client, resp.StatusCode)
	}
	for _, ck := range resp.Cookies() {
		if ck.Name == visitor.CookieName && cl.cookie == "" {
			w.vids[c.client] = append(w.vids[c.client], ck.Value)
		}
	}
}

// judge lets scoring see everything, moves past the visits and runs the
// sweep, as the schedule would.
func (w *world) judge() {
	w.t.Helper()
	judgeClicks(w.t, w.s, w.clk)
}

func (w *world) record() qualify.Record {
	w.t.Helper()
	r, err := w.s.App.Qualifier.Record(context.Background(), w.lead.ID)
	if err != nil {
		w.t.Fatal(err)
	}
	return r
}

func (w *world) behaviour() float64 { return w.record().Verdict.Behaviour }

// clickPoints sums the ledger's newsletter points.
func (w *world) clickPoints() float64 {
	w.t.Helper()
	led, err := w.s.App.Qualifier.Ledger(context.Background(), w.lead.ID)
	if err != nil {
		w.t.Fatal(err)
	}
	sum := 0.0
	for _, c := range led {
		if c.EventType == event.EmailClick {
			sum += c.Delta
		}
	}
	return sum
}

func (w *world) mqls() int {
	w.t.Helper()
	ms, err := w.s.App.Qualifier.MQLs(context.Background(), w.lead.ID)
	if err != nil {
		w.t.Fatal(err)
	}
	return len(ms)
}

// linkedTo returns the clients whose browser (any of them) belongs to the
// lead now.
func (w *world) linkedClients() map[string]bool {
	w.t.Helper()
	out := map[string]bool{}
	for c, vids := range w.vids {
		for _, v := range vids {
			l, err := w.s.App.Stitcher.Dir.GetLink(context.Background(), v)
			if err != nil {
				w.t.Fatal(err)
			}
			if cur, ok := l.Current(); ok && cur.Person == w.lead.ID {
				out[c] = true
			}
		}
	}
	return out
}

// TestScannerScenarios: sequences of clicks on one recipient's email, each
// judged per visit. A scanner's clicks never score and its browser never
// becomes the lead's; the reader's do, and theirs does.
func TestScannerScenarios(t *testing.T) {
	hour := time.Hour
	s3 := 3 * time.Second
	for _, sc := range []scenario{
		{name: "reader clicks one link", start: hour, clicks: []click{get(0, "reader", 0)}, scored: true},
		{name: "reader's new phone clicks one link", start: hour, clicks: []click{get(0, "phone", 1)}, scored: true, linked: []string{"phone"}},
		{name: "reader double-clicks a link", start: hour, clicks: []click{get(0, "reader", 0), get(400*time.Millisecond, "reader", 0)}, scored: true},
		{name: "reader opens three links at a reader's pace", start: hour, clicks: []click{get(0, "phone", 0), get(7*time.Second, "phone", 1), get(41*time.Second, "phone", 2)}, scored: true, linked: []string{"phone"}},
		{name: "reader reads quickly: 30 s after the send", start: 30 * time.Second, clicks: []click{get(0, "phone", 0)}, scored: true, linked: []string{"phone"}},
		{name: "sandbox from a cloud address, a link every 3 s", start: hour, clicks: []click{get(0, "sandbox", 0), get(s3, "sandbox", 1), get(2*s3, "sandbox", 2), get(3*s3, "sandbox", 3), get(4*s3, "sandbox", 4)}},
		{name: "sandbox, a link every 20 s", start: hour, clicks: []click{get(0, "sandbox", 0), get(20*time.Second, "sandbox", 1), get(40*time.Second, "sandbox", 2)}},
		{name: "sandbox, five links at an irregular pace", start: hour, clicks: []click{get(0, "sandbox", 0), get(2500*time.Millisecond, "sandbox", 1), get(9*time.Second, "sandbox", 2), get(13*time.Second, "sandbox", 3), get(25*time.Second, "sandbox", 4)}},
		{name: "sandbox, every link within a second", start: hour, clicks: []click{get(0, "sandbox2", 0), get(300*time.Millisecond, "sandbox2", 1), get(600*time.Millisecond, "sandbox2", 2)}},
		{name: "Microsoft EOP / Defender network (40.94/16)", start: hour, clicks: []click{get(0, "eop", 0)}},
		{name: "Safe Links fetch, then the reader 1.2 s later", start: hour, clicks: []click{get(0, "eop", 2), get(1200*time.Millisecond, "reader", 2)}, scored: true},
		{name: "Safe Links fetch, then the reader's phone 1.2 s later", start: hour, clicks: []click{get(0, "eop", 2), get(1200*time.Millisecond, "phone", 2)}, scored: true, linked: []string{"phone"}},
		{name: "Proofpoint network", start: hour, clicks: []click{get(0, "proofpt", 0), get(5*time.Second, "proofpt", 1)}},
		{name: "Mimecast by user agent", start: hour, clicks: []click{get(0, "mimecast", 0)}},
		{name: "Symantec network", start: hour, clicks: []click{get(0, "symantec", 3)}},
		{name: "BingPreview and Google-Safety", start: hour, clicks: []click{get(0, "bingprev", 0), get(10*time.Second, "gsafety", 1)}},
		{name: "a script's user agent", start: hour, clicks: []click{get(0, "curl", 0)}},
		{name: "seconds after the send (default 10 s window)", start: 4 * time.Second, clicks: []click{get(0, "office", 0)}},
		{name: "campaign window 120 s: a click 90 s after the send", window: 120, start: 90 * time.Second, clicks: []click{get(0, "office", 0)}},
		{name: "HEAD first, then GET from the same client", start: hour, clicks: []click{{0, "checker", 0, "HEAD"}, get(2*time.Second, "checker", 0)}},
		{name: "a normal-looking click, then the honeypot 30 s later", start: hour, clicks: []click{get(0, "honeypot1", 1), get(30*time.Second, "honeypot1", -1)}},
		{name: "scanner then reader on other links, each its own visit", start: hour, clicks: []click{get(0, "sandbox", 0), get(s3, "sandbox", 1), get(2*s3, "sandbox", 2), get(10*time.Second, "reader", 3)}, scored: true},
	} {
		t.Run(sc.name, func(t *testing.T) {
			w := newWorld(t, sc.window, true)
			base := w.sentAt.Add(sc.start)
			for _, c := range sc.clicks {
				w.do(base, c)
				settle(t, w.s)
				// Before the visit is judged nothing is scored and no
				// browser is linked by a click, human or not.
				if p := w.clickPoints(); p != 0 {
					t.Fatalf("after %s's click: %v newsletter points before the visit was judged", c.client, p)
				}
				if m := w.mqls(); m != 0 {
					t.Fatalf("after %s's click: an MQL before the visit was judged", c.client)
				}
			}
			w.judge()
			scored := w.clickPoints() > 0
			mql := w.mqls() > 0
			linked := w.linkedClients()
			delete(linked, "reader") // the form's link
			want := map[string]bool{}
			for _, c := range sc.linked {
				want[c] = true
			}
			t.Logf("scored=%v mql=%v linked=%v behaviour=%v", scored, mql, clientNames(linked), w.behaviour())
			if scored != sc.scored {
				t.Errorf("scored %v, want %v (newsletter points %v)", scored, sc.scored, w.clickPoints())
			}
			if mql != sc.scored { // grade A at 21 points: a counted click qualifies, nothing else does
				t.Errorf("MQL %v, want %v", mql, sc.scored)
			}
			if fmt.Sprint(clientNames(linked)) != fmt.Sprint(clientNames(want)) {
				t.Errorf("linked clients %v, want %v", clientNames(linked), clientNames(want))
			}
		})
	}
}

// near compares behaviour points, which decay (a 30-day half-life) by
// the hours between the events and now.
func near(a, b float64) bool { return a > b-0.5 && a < b+0.5 }

func clientNames(m map[string]bool) []string {
	var out []string
	for k, v := range m {
		if v {
			out = append(out, k)
		}
	}
	for i := range out { // sorted, for comparing
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// TestPacedSandboxCrawlNeverQualifies: a sandbox clicking one link every
// 3 s from a cloud address, for a grade-A lead 9 points from an MQL. At no
// moment is anything scored or the sandbox's browser the lead's; after the
// sweep every click is flagged, the first included.
func TestPacedSandboxCrawlNeverQualifies(t *testing.T) {
	w := newWorld(t, 0, true)
	base := w.sentAt.Add(2 * time.Hour)
	for i := 0; i < 5; i++ {
		w.do(base, get(time.Duration(i)*3*time.Second, "sandbox", i))
		settle(t, w.s)
		if w.linkedClients()["sandbox"] || w.clickPoints() != 0 || w.mqls() != 0 || !near(w.behaviour(), 21) {
			t.Fatalf("after click %d: linked %v, points %v, MQLs %d, behaviour %v", i+1, w.linkedClients(), w.clickPoints(), w.mqls(), w.behaviour())
		}
	}
	// The sweep runs often, also in the middle of the crawl.
	w.judge()
	w.clk.Advance(time.Hour)
	w.judge()
	if w.linkedClients()["sandbox"] || w.clickPoints() != 0 || w.mqls() != 0 || !near(w.behaviour(), 21) {
		t.Fatalf("after the sweep: linked %v, points %v, MQLs %d, behaviour %v", w.linkedClients(), w.clickPoints(), w.mqls(), w.behaviour())
	}
	for _, v := range w.vids["sandbox"] {
		evs, err := w.s.App.Events.Visitor(context.Background(), v)
		if err != nil || len(evs) != 1 || !evs[0].Enrichment.Scanner {
			t.Fatalf("sandbox click under %s: %+v %v", v, evs, err)
		}
		if r := evs[0].Enrichment.FlagReason; r != "steady-pace" && !strings.HasPrefix(r, "scanner-client:") {
			t.Errorf("sandbox click flagged %q", r)
		}
	}
	// The lead reads the email later, on their laptop: that click counts.
	w.do(w.clk.Now(), get(0, "reader", 0))
	w.judge()
	if w.clickPoints() != 10 || w.mqls() != 1 {
		t.Fatalf("the reader's own click: %v points, %d MQLs", w.clickPoints(), w.mqls())
	}
}

// TestLateVerdictWithdrawsThroughTheLedger: a client whose first click looked
// like a reader's (judged, scored, its browser linked) clicks the honeypot
// ten minutes later. Every click of the client is flagged after the fact,
// its browser's link is undone, and the person is rescored: the ledger no
// longer credits the click and the score falls back.
func TestLateVerdictWithdrawsThroughTheLedger(t *testing.T) {
	w := newWorld(t, 0, false) // grade C: no MQL in the way
	base := w.sentAt.Add(time.Hour)
	w.do(base, get(0, "sandbox", 0))
	w.judge()
	if w.clickPoints() != 10 || !near(w.behaviour(), 31) || !w.linkedClients()["sandbox"] {
		t.Fatalf("the first click was not counted: points %v, behaviour %v, linked %v", w.clickPoints(), w.behaviour(), w.linkedClients())
	}
	w.do(base, get(10*time.Minute, "sandbox", -1))
	settle(t, w.s)
	if p := w.clickPoints(); p != 0 {
		t.Errorf("the ledger still credits the scanner's click: %v", p)
	}
	if b := w.behaviour(); !near(b, 21) {
		t.Errorf("behaviour %v after the withdrawal, want 21", b)
	}
	if w.linkedClients()["sandbox"] {
		t.Error("the scanner's browser is still the lead's")
	}
	w.judge()
	if w.clickPoints() != 0 || !near(w.behaviour(), 21) || w.linkedClients()["sandbox"] {
		t.Errorf("after the sweep: points %v, behaviour %v, linked %v", w.clickPoints(), w.behaviour(), w.linkedClients())
	}
	evs, _ := w.s.App.Events.Visitor(context.Background(), w.vids["sandbox"][0])
	if len(evs) != 1 || !evs[0].Enrichment.Scanner || evs[0].Enrichment.FlagReason != "honeypot-link" || evs[0].Enrichment.Visit != event.VisitScanner {
		t.Errorf("the first click after the verdict: %+v", evs)
	}
}

// TestScannerWindowIsTheCampaigns: POST /admin/links takes the campaign's
// scanner window (0-3600 s) and the campaign keeps it.
func TestScannerWindowIsTheCampaigns(t *testing.T) {
	w := newWorld(t, 120, false)
	code, b := do(t, "GET", w.s.URL+"/admin/campaigns/nov-news", token, "")
	if code != 200 || !strings.Contains(string(b), `"scannerWindow":120`) {
		t.Fatalf("campaign: %d %s", code, b)
	}
	for _, bad := range []string{"-1", "3601"} {
		code, b := do(t, "POST", w.s.URL+"/admin/links", token, `{"campaign":"nov-news","urls":["https://www.example.com/a"],"scannerWindow":`+bad+`}`)
		if code != 400 || !strings.Contains(string(b), "scannerWindow") {
			t.Errorf("scannerWindow %s: %d %s", bad, code, b)
		}
	}
	// Registering more links without a window keeps the campaign's (200:
	// the campaign was there).
	if code, b := do(t, "POST", w.s.URL+"/admin/links", token, `{"campaign":"nov-news","urls":["https://www.example.com/f"]}`); code != 200 || !strings.Contains(string(b), `"scannerWindow":120`) {
		t.Errorf("more links: %d %s", code, b)
	}
}

// TestOpensThroughImageProxies: Gmail's and Yahoo's image proxies fetch the
// pixel when the reader opens the email, so their opens are the reader's;
// Apple Mail Privacy Protection prefetches every image and the gateways'
// image scanning is no reader: those stay flagged.
func TestOpensThroughImageProxies(t *testing.T) {
	w := newWorld(t, 0, true)
	w.clk.Set(w.sentAt.Add(time.Hour))
	cases := []struct {
		name, ua, ip string
		human        bool
	}{
		{"Gmail image proxy", "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)", "66.249.84.3", true},
		{"Gmail image proxy, another address", "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)", "74.125.210.9", true},
		{"Yahoo Mail proxy", "YahooMailProxy; https://help.yahoo.com/kb/yahoo-mail-proxy-SLN28749.html", "98.137.11.1", true},
		{"a mail client on a laptop", chromeUA, "203.0.113.10", true},
		{"Apple Mail Privacy Protection", "Mozilla/5.0", "17.58.1.2", false},
		{"Apple's network", iphoneUA, "17.120.3.4", false},
		{"Barracuda image scanning", "Mozilla/5.0 (Windows NT 10.0) Barracuda Sentinel", "198.51.100.1", false},
		{"Mimecast's network", chromeUA, "205.139.110.60", false},
		{"Microsoft EOP", chromeUA, "40.107.22.5", false},
	}
	for i, c := range cases {
		w.clk.Advance(time.Minute)
		req, _ := http.NewRequest("GET", w.s.URL+"/o/nov-news/"+w.tok+".gif", nil)
		req.Header.Set("User-Agent", c.ua)
		req.Header.Set("X-Forwarded-For", c.ip)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		evs, err := w.s.App.Events.Visitor(context.Background(), "o:"+w.lead.ID)
		if err != nil || len(evs) != i+1 {
			t.Fatalf("%s: %d opens %v", c.name, len(evs), err)
		}
		ev := evs[len(evs)-1]
		if ev.Flagged() == c.human {
			t.Errorf("%s: flagged=%v (%q), want a human open: %v", c.name, ev.Flagged(), ev.Enrichment.FlagReason, c.human)
		}
	}
}
