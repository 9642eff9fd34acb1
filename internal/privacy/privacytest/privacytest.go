// Package privacytest is the erasure conformance suite: Baton assembled as
// the composition root assembles it (app.New) on the backend under test,
// a person taken through the whole flow (browsing on several browsers, one
// shared, a form, a real MQL delivered to the inbox and an SFA that records
// its own id, a recycled second MQL dead-lettered and a third one waiting in
// the queue and past its SLA, a newsletter click and open), then erased over
// the admin API.
// Afterwards the whole store is decoded (every item's keys, and its data as
// JSON, recursively, base64 and nested JSON included) and none of the
// person's strings may be left, but for the audit trail's entry of the
// erasure, which names their opaque id (internal/audit says why); the
// admin lists no longer show them; and a replayed form, an old recipient
// token and an old queued MQL do not bring them back. Another person sharing a browser keeps everything of theirs.
package privacytest

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/app"
	"github.com/baton-hq/baton/internal/audit"
	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/config"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/push"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/sla"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/tabletest"
	"github.com/baton-hq/baton/internal/testutil/repo"
	"github.com/baton-hq/baton/internal/token"
)

// Suite returns the suite.
func Suite() tabletest.Suite { return tabletest.Suite{Name: "erasure", Run: run} }

// T0 is when the fixture's story starts.
var T0 = time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)

const (
	adminToken = "privacytest-admin-token-0123456789"
	browserUA  = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"

	VictimEmail = "zelda.victim@example.com"
	OtherEmail  = "oscar.other@example.com"
)

// Fixture is Baton with the victim's and the other person's history.
type Fixture struct {
	App   *app.App
	HTTP  http.Handler
	Clock *clock.Manual
	SFA   *SFA

	Victim, Other identity.Person
	VictimMQLs    []qualify.MQL
	Secrets       []string // strings that must not survive the erasure
	Keep          []string // strings that must survive (the other person)

	Form  string // the victim's contact form as their laptop sent it (to replay)
	Click string // the path of the victim's tracked link, with their token
	Open  string // the path of the victim's open pixel

	relayed map[string]bool
}

// SFA is a connector that keeps its own record id for each lead, as
// Salesforce or HubSpot do, and fails on demand.
type SFA struct {
	mu   sync.Mutex
	n    int
	Fail string // "": accept; "transient" or "permanent": fail so
}

// Name implements push.Connector.
func (s *SFA) Name() string { return "sfa" }

// Pushed is how many leads the SFA took.
func (s *SFA) Pushed() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n
}

// Push implements push.Connector.
func (s *SFA) Push(ctx context.Context, l push.Lead) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch s.Fail {
	case "transient":
		return "", &push.Error{Connector: "sfa", Status: 503, Message: "maintenance"}
	case "permanent":
		return "", &push.Error{Connector: "sfa", Status: 400, Message: "validation rule", Permanent: true}
	}
	s.n++
	return fmt.Sprintf("00Q%012d", s.n), nil
}

// Do serves one request through the fixture's HTTP handler.
func (f *Fixture) Do(t testing.TB, method, path, body string, hdr map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	r.Header.Set("User-Agent", browserUA)
	for k, v := range hdr {
		if k == "Cookie" {
			r.AddCookie(&http.Cookie{Name: "bt_vid", Value: v})
			continue
		}
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	f.HTTP.ServeHTTP(w, r)
	return w
}

// Admin calls the admin API with the full-access token, a body as JSON
// (CSV for the recipients and touches routes), as an API client must.
func (f *Fixture) Admin(t testing.TB, method, path, body string) *httptest.ResponseRecorder {
	t.Helper()
	hdr := map[string]string{"Authorization": "Bearer " + adminToken}
	if body != "" {
		hdr["Content-Type"] = "application/json"
		if strings.HasPrefix(path, "/admin/recipients") || strings.HasPrefix(path, "/admin/touches") {
			hdr["Content-Type"] = "text/csv"
		}
	}
	return f.Do(t, method, path, body, hdr)
}

// send posts one event from a browser (its cookie) and advances the clock.
func (f *Fixture) send(t testing.TB, browser, body string) {
	t.Helper()
	if w := f.Do(t, "POST", "/e", body, map[string]string{"Cookie": browser, "Content-Type": "text/plain"}); w.Code != 204 {
		t.Fatalf("POST /e from %s: %d %s", browser, w.Code, w.Body)
	}
	f.Clock.Advance(time.Minute)
}

func page(id, url string) string {
	return `{"type":"page_view","messageId":"` + id + `","properties":{"url":"` + url + `"}}`
}

func download(id string) string {
	return `{"type":"download","messageId":"` + id + `","properties":{"url":"https://www.example.com/files/whitepaper.pdf"}}`
}

func form(id, url string, fields map[string]string) string {
	b, _ := json.Marshal(fields)
	return `{"type":"form_submit","messageId":"` + id + `","properties":{"url":"` + url + `","form":{"id":"contact"},"fields":` + string(b) + `}}`
}

// assemble is Baton as app.New builds it on tb, with the fixture's SFA
// beside the inbox, and nothing stored yet.
func assemble(t testing.TB, tb table.Table, clk *clock.Manual) *Fixture {
	t.Helper()
	vars := map[string]string{
		"BATON_DATA":        t.TempDir(),
		"BATON_ADMIN_TOKEN": adminToken,
		"BATON_WRITE_KEY":   "privacytest-write-key-0123456789",
		"BATON_RULES":       filepath.Join(repo.Root(t), "infra", "rules.yaml"),
		"BATON_LINK_KEYS":   "k1:" + token.NewSecret(),
	}
	cfg, err := config.FromEnv(func(k string) string { return vars[k] }, config.Local)
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.New(context.Background(), cfg, tb, slog.New(slog.NewTextHandler(io.Discard, nil)), app.WithClock(clk.Now))
	if err != nil {
		t.Fatal(err)
	}
	f := &Fixture{App: a, HTTP: a.Handler(), Clock: clk, SFA: &SFA{}, relayed: map[string]bool{}}
	a.Pusher.Connectors = append(a.Pusher.Connectors, f.SFA) // the inbox, and an SFA with ids of its own
	return f
}

// Populate assembles Baton on tb (its clock: clk) and writes the story.
// Exported so backend-specific tests (the raw bbolt file) reuse it.
func Populate(t testing.TB, tb table.Table, clk *clock.Manual) *Fixture {
	t.Helper()
	ctx := context.Background()
	f := assemble(t, tb, clk)
	a := f.App
	var err error

	// The victim browses on a laptop (whose tag also sent a fallback id),
	// downloads, sends the contact form; later a phone and a shared kiosk.
	laptop := func(body string) string {
		return strings.Replace(body, `"messageId"`, `"anonymousId":"victim-fallback-66","messageId"`, 1)
	}
	f.send(t, "victim-laptop-77", laptop(page("v1", "https://www.example.com/secret-victim-page")))
	f.send(t, "shared-kiosk-99", page("k1", "https://www.example.com/kiosk-victim-page"))
	f.send(t, "victim-laptop-77", laptop(page("v2", "https://www.example.com/pricing")))
	f.send(t, "victim-laptop-77", laptop(download("v3")))
	f.Form = form("v4", "https://www.example.com/contact-victim", map[string]string{
		"email": "Zelda.Victim@example.com", "name": "Zelda Victimova", "company": "Victim Industries",
		"phone": "+81-3-5555-0199", "title": "購買部長", "employees": "250-999",
		// The name's reading and a mobile: attributes of their own.
		"お名前（フリガナ）": "ゼルダ ヴィクティモワ", "携帯電話": "090-5555-0188",
	})
	f.send(t, "victim-laptop-77", f.Form)
	f.send(t, "victim-phone-88", page("v5", "https://www.example.com/victim-phone-page"))
	f.send(t, "victim-phone-88", form("v6", "https://www.example.com/newsletter", map[string]string{"email": VictimEmail}))
	f.send(t, "shared-kiosk-99", form("k2", "https://www.example.com/newsletter", map[string]string{"email": VictimEmail}))
	// The other person: their own laptop, and the kiosk after the victim.
	f.send(t, "shared-kiosk-99", form("k3", "https://www.example.com/newsletter", map[string]string{"email": OtherEmail, "name": "Oscar Other"}))
	f.send(t, "shared-kiosk-99", page("k4", "https://www.example.com/kiosk-other-page"))
	f.send(t, "oscar-laptop-11", page("o1", "https://www.example.com/pricing"))
	f.send(t, "oscar-laptop-11", download("o2"))
	f.send(t, "oscar-laptop-11", form("o3", "https://www.example.com/contact", map[string]string{
		"email": OtherEmail, "name": "Oscar Other", "company": "Other Corp", "title": "購買部長", "employees": "500",
	}))
	if f.Victim, err = a.People.ByEmail(ctx, VictimEmail); err != nil {
		t.Fatal(err)
	}
	if f.Other, err = a.People.ByEmail(ctx, OtherEmail); err != nil {
		t.Fatal(err)
	}

	// Scoring (the change feed's work), relay and delivery: both are MQLs,
	// delivered to the inbox and the SFA.
	f.score(t, f.Victim.ID, f.Other.ID)
	f.relayAndDeliver(t)
	// Both work at example.com: one account (the feed's work after
	// scoring), which becomes an MQA (two active decision makers) and keeps
	// the victim's company name among its keys.
	for _, p := range []string{f.Victim.ID, f.Other.ID} {
		if err := a.Accounts.Refresh(ctx, p, clk.Now()); err != nil {
			t.Fatal(err)
		}
	}
	if as, err := a.Accounts.List(ctx, "score", 0); err != nil || len(as) != 1 || len(as[0].Members) != 2 || len(as[0].MQAs) != 1 {
		t.Fatalf("accounts %+v %v", as, err)
	}

	// A newsletter: the victim clicks on a tablet and opens the email; the
	// other person clicks too.
	w := f.Admin(t, "POST", "/admin/links", `{"campaign":"nov-news","urls":["https://www.example.com/webinar"]}`)
	var lr struct{ Links []struct{ ID string } }
	if w.Code != 201 || json.Unmarshal(w.Body.Bytes(), &lr) != nil || len(lr.Links) != 1 {
		t.Fatalf("links: %d %s", w.Code, w.Body)
	}
	w = f.Admin(t, "POST", "/admin/recipients?campaign=nov-news", "email,name\r\n"+VictimEmail+",Zelda Victimova\r\n"+OtherEmail+",Oscar Other\r\n")
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(w.Body.String(), "\ufeff"))).ReadAll()
	if w.Code != 200 || err != nil || len(rows) != 3 || rows[1][2] == "" || rows[2][2] == "" {
		t.Fatalf("recipients: %d %q %v", w.Code, rows, err)
	}
	// Both met sales at exhibitions (imported offline touches).
	if w := f.Admin(t, "POST", "/admin/touches", touchList); w.Code != 200 || !strings.Contains(w.Body.String(), `"imported":2`) {
		t.Fatalf("offline touches: %d %s", w.Code, w.Body)
	}
	f.Click = "/c/" + lr.Links[0].ID + "/" + rows[1][2]
	f.Open = "/o/nov-news/" + rows[1][2] + ".gif"
	if w := f.Do(t, "GET", f.Click, "", map[string]string{"Cookie": "victim-tablet-55"}); w.Code != 302 {
		t.Fatalf("click: %d", w.Code)
	}
	f.Clock.Advance(time.Minute)
	if w := f.Do(t, "GET", f.Open, "", nil); w.Code != 200 {
		t.Fatalf("open: %d", w.Code)
	}
	if w := f.Do(t, "GET", "/c/"+lr.Links[0].ID+"/"+rows[2][2], "", map[string]string{"Cookie": "oscar-laptop-11"}); w.Code != 302 {
		t.Fatalf("other's click: %d", w.Code)
	}
	f.Clock.Advance(time.Minute)
	// The victim forwarded the email: the other person clicks the victim's
	// link on their own browser (the click is recorded for the victim, and
	// links nothing: a form identified that browser).
	if w := f.Do(t, "GET", f.Click, "", map[string]string{"Cookie": "oscar-laptop-11"}); w.Code != 302 {
		t.Fatalf("forwarded click: %d", w.Code)
	}
	f.Clock.Advance(time.Minute)
	// The sweep judges the clicks once their visits are over: the victim's
	// tablet becomes theirs.
	f.Clock.Advance(event.ClickSettle)
	if _, err := a.Click.Settle(ctx); err != nil {
		t.Fatal(err)
	}

	// Sales reject the victim; they qualify again (a second MQL), which the
	// SFA refuses for good (a dead letter); rejected again, they qualify a
	// third time, and that delivery waits in the queue.
	// Sales first report the deal they opened (the revenue report's amount).
	amount := 4200000.0
	if _, err := a.Qualifier.RecordDeal(ctx, f.Victim.ID, qualify.DealReport{Amount: &amount, Currency: "JPY", CloseDate: "2026-11-30", Outcome: "opportunity", Source: "salesforce"}); err != nil {
		t.Fatal(err)
	}
	for i, fail := range []string{"permanent", "transient"} {
		if _, err := a.Qualifier.Outcome(ctx, f.Victim.ID, "rejected", fmt.Sprintf("crm-feedback-%d", i), "rep@seller.example", clk.Now()); err != nil {
			t.Fatal(err)
		}
		f.Clock.Advance(25 * time.Hour) // past the shipped rules' recycle.cooldown: new evidence counts
		f.send(t, "victim-laptop-77", download(fmt.Sprintf("v%d", 10+2*i)))
		f.send(t, "victim-laptop-77", form(fmt.Sprintf("v%d", 11+2*i), "https://www.example.com/contact-victim", map[string]string{"email": VictimEmail}))
		f.score(t, f.Victim.ID)
		f.SFA.Fail = fail
		f.relayAndDeliver(t)
		f.SFA.Fail = ""
	}
	// The victim clicks the newsletter again: the click memory (kept a day)
	// is fresh when the erasure comes.
	if w := f.Do(t, "GET", f.Click, "", map[string]string{"Cookie": "victim-tablet-55"}); w.Code != 302 {
		t.Fatalf("second click: %d", w.Code)
	}
	if f.VictimMQLs, err = a.Qualifier.MQLs(ctx, f.Victim.ID); err != nil || len(f.VictimMQLs) != 3 {
		t.Fatalf("the victim's MQLs: %d %v", len(f.VictimMQLs), err)
	}
	// Sales have not answered the third MQL a minute on: the SLA sweep
	// (any wait past none a breach) marks it announced in the victim's
	// partition.
	f.Clock.Advance(time.Minute)
	sweeper := &sla.Sweeper{Q: a.Qualifier, Now: clk.Now}
	if bs, err := sweeper.Sweep(ctx, 0, 90*24*time.Hour, nil); err != nil || !slices.ContainsFunc(bs, func(b sla.Breach) bool { return b.MQL.ID == f.VictimMQLs[2].ID }) {
		t.Fatalf("SLA breaches %+v %v, want the victim's third MQL", bs, err)
	}
	if dead, err := a.Push.Dead(ctx); err != nil || len(dead) != 1 || dead[0].ID != f.VictimMQLs[1].ID {
		t.Fatalf("dead letters %+v %v", dead, err)
	}
	if n, err := a.Push.Pending(ctx); err != nil || n != 1 {
		t.Fatalf("%d deliveries waiting (%v), want the third MQL's", n, err)
	}

	f.Secrets = []string{
		VictimEmail, "Zelda", "Victimova", "Victim Industries", "5555-0199", f.Victim.ID,
		"victim-laptop-77", "victim-fallback-66", "victim-phone-88", "victim-tablet-55",
		"secret-victim-page", "victim-phone-page", "kiosk-victim-page", "contact-victim", "victim-expo-booth",
		"victimindustries",     // the account's key of the victim's company
		"ヴィクティモワ", "5555-0188", // name_kana, mobile
	}
	f.Keep = []string{OtherEmail, "Oscar Other", "Other Corp", "kiosk-other-page", f.Other.ID, "shared-kiosk-99", "oscar-laptop-11"}
	// The send counts each address once by a keyed hash of it: the
	// victim's is theirs to see and goes with them, the other's stays.
	for _, p := range []struct {
		email string
		to    *[]string
	}{{VictimEmail, &f.Secrets}, {OtherEmail, &f.Keep}} {
		h, ok, err := a.Links.AddressHash(ctx, "nov-news", p.email)
		if err != nil || !ok {
			t.Fatalf("the send keeps no hash of %s: %v", p.email, err)
		}
		*p.to = append(*p.to, h)
	}
	return f
}

// touchList is an offline touch list with both people (the victim's event
// name is one of the secrets).
var touchList = "email,name,event,date,channel\r\n" + VictimEmail + ",Zelda Victimova,victim-expo-booth,2026-10-20,exhibition\r\n" + OtherEmail + ",Oscar Other,Tokyo Expo,2026-10-20,展示会\r\n"

// score runs what the change feed runs for a newly known browser.
func (f *Fixture) score(t testing.TB, people ...string) {
	t.Helper()
	for _, p := range people {
		if err := f.App.Qualifier.ScorePerson(context.Background(), p); err != nil {
			t.Fatal(err)
		}
	}
}

// relayAndDeliver relays every MQL not yet relayed (the change feed's MQL
// relay) and runs the push worker once.
func (f *Fixture) relayAndDeliver(t testing.TB) {
	t.Helper()
	ctx := context.Background()
	ms, err := f.App.Qualifier.RecentMQLs(ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if f.relayed[m.ID] {
			continue
		}
		if err := f.App.RelayToQueue(ctx, m); err != nil {
			t.Fatal(err)
		}
		f.relayed[m.ID] = true
	}
	if _, err := f.App.Pusher.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
}

// Leftovers decodes every item of the store and returns, per secret found,
// where: keys, kind, counter names and the data's strings (JSON decoded
// recursively, base64 and nested JSON included; see privacy.Strings). An
// erased event's tombstone is no event: its key (the visitor's and the
// event's ids, kept until a retry can no longer come: eventlog) is not
// searched, its kind and data are. AllLeftovers searches its key too.
func Leftovers(t testing.TB, tb table.Table, secrets []string) map[string][]string {
	t.Helper()
	return leftovers(t, tb, secrets, false)
}

// AllLeftovers is Leftovers searching the keys of erased events'
// tombstones too: once the retry horizon is past, nothing is left.
func AllLeftovers(t testing.TB, tb table.Table, secrets []string) map[string][]string {
	t.Helper()
	return leftovers(t, tb, secrets, true)
}

func leftovers(t testing.TB, tb table.Table, secrets []string, tombKeys bool) map[string][]string {
	t.Helper()
	found := map[string][]string{}
	err := tb.Scan(context.Background(), "", func(it table.Item) error {
		strs := append([]string{it.PK, it.SK, it.Kind, string(it.Data)}, privacy.Strings(it.Data)...)
		if !tombKeys && eventlog.Tombstone(it) {
			strs = strs[2:]
		}
		for k := range it.Counters {
			strs = append(strs, k)
		}
		for _, s := range secrets {
			for _, str := range strs {
				if strings.Contains(event.EmailFold(str), event.EmailFold(s)) { // an email as typed too
					found[s] = append(found[s], it.PK+" "+it.SK)
					break
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
}

// AfterErasure is Leftovers of an erasure: the audit trail's entries of
// the erasure (and of verdicts, deliveries replayed...) name the person by
// their opaque id and nothing else, by design (internal/audit says why), so
// a person id found only there is no leftover. Any other secret in an audit
// entry still is.
func AfterErasure(t testing.TB, tb table.Table, secrets []string) map[string][]string {
	t.Helper()
	found := Leftovers(t, tb, secrets)
	for s, where := range found {
		if !identity.ValidPersonID(s) {
			continue
		}
		if rest, _ := outsideAudit(where); len(rest) > 0 {
			found[s] = rest
		} else {
			delete(found, s)
		}
	}
	return found
}

// outsideAudit splits the places Leftovers names ("PK SK") into those
// outside the audit trail and a count of audit entries.
func outsideAudit(where []string) (rest []string, audited int) {
	for _, w := range where {
		pk, _, _ := strings.Cut(w, " ")
		if audit.Holds(table.Item{PK: pk}) {
			audited++
			continue
		}
		rest = append(rest, w)
	}
	return rest, audited
}

// AssertForgotten fails for every secret still in the store and every
// string to keep that is not.
func AssertForgotten(t testing.TB, tb table.Table, secrets, keep []string) {
	t.Helper()
	for s, where := range Leftovers(t, tb, secrets) {
		t.Errorf("after erasure the store still holds %q in %v", s, where)
	}
	found := Leftovers(t, tb, keep)
	for _, s := range keep {
		if len(found[s]) == 0 {
			t.Errorf("erasure removed the other person's %q", s)
		}
	}
}

var base64Run = regexp.MustCompile(`[A-Za-z0-9+/]{8,}={0,2}`)

// FileLeftovers returns the secrets found in a store's raw file (bbolt):
// in the bytes as they are, and in what every base64 run in them decodes
// to (item data is base64 in each record's JSON), at each of the four
// alignments since a freed page may hold a fragment, two levels deep.
func FileLeftovers(raw []byte, secrets []string) []string {
	views := [][]byte{bytes.ToLower(raw)}
	level := [][]byte{raw}
	for depth := 0; depth < 2; depth++ {
		var next [][]byte
		for _, v := range level {
			for _, run := range base64Run.FindAll(v, -1) {
				run = bytes.TrimRight(run, "=")
				for off := 0; off < 4 && off < len(run); off++ {
					s := run[off:]
					if d, err := base64.StdEncoding.DecodeString(string(s[:len(s)/4*4])); err == nil && len(d) > 0 {
						next = append(next, d)
						views = append(views, bytes.ToLower(d))
					}
				}
			}
		}
		level = next
	}
	var found []string
	for _, s := range secrets {
		for _, v := range views {
			if bytes.Contains(v, []byte(strings.ToLower(s))) {
				found = append(found, s)
				break
			}
		}
	}
	return found
}

// StoreFileLeftovers is FileLeftovers of the embedded store's file raw
// beside its table tb, the keys of erased events' tombstones left out
// (bbolt keeps a key as the bytes PK, NUL, SK): they are no events (see
// Leftovers); everything else in the file is searched.
func StoreFileLeftovers(t testing.TB, tb table.Table, raw []byte, secrets []string) []string {
	t.Helper()
	raw = bytes.Clone(raw)
	err := tb.Scan(context.Background(), "", func(it table.Item) error {
		if eventlog.Tombstone(it) {
			k := []byte(it.PK + "\x00" + it.SK)
			raw = bytes.ReplaceAll(raw, k, make([]byte, len(k)))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return FileLeftovers(raw, secrets)
}

func run(t *testing.T, newTable tabletest.Factory) {
	ctx := context.Background()
	clk := clock.NewManual(T0)
	tb := newTable(t, clk.Now)
	f := Populate(t, tb, clk)
	a := f.App

	// Before: everything to erase is there, so the checks below prove something.
	found := Leftovers(t, tb, f.Secrets)
	for _, s := range f.Secrets {
		if len(found[s]) == 0 {
			t.Fatalf("%q is not in the store before the erasure: the test would prove nothing", s)
		}
	}
	for _, path := range []string{"/admin/mqls", "/admin/inbox", "/admin/deadletters", "/admin/accounts"} {
		if w := f.Admin(t, "GET", path, ""); w.Code != 200 || !strings.Contains(w.Body.String(), VictimEmail) {
			t.Fatalf("%s before the erasure: %d %s", path, w.Code, w.Body)
		}
	}

	// The company's backend knows the victim by its own user id (the
	// Segment API), and keeps calling after the erasure.
	seg := map[string]string{"Content-Type": "application/json", "Authorization": "Basic " + base64.StdEncoding.EncodeToString([]byte("privacytest-write-key-0123456789:"))}
	if w := f.Do(t, "POST", "/v1/identify", `{"userId":"victim-crm-44","traits":{"email":"`+VictimEmail+`"}}`, seg); w.Code != 200 {
		t.Fatalf("identify from the backend: %d %s", w.Code, w.Body)
	}
	if l, err := a.People.GetLink(ctx, "u:victim-crm-44"); err != nil || l.PersonAt(f.Clock.Now()) != f.Victim.ID {
		t.Fatalf("the backend's user id is not the victim's: %+v %v", l, err)
	}
	f.Secrets = append(f.Secrets, "victim-crm-44")

	// A headless browser sent a form with the victim's email and name: stored,
	// flagged, it identifies nobody (the victim's partition knows nothing of it).
	bot := map[string]string{"Cookie": "headless-bot-33", "Content-Type": "text/plain", "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36"}
	if w := f.Do(t, "POST", "/e", form("b1", "https://www.example.com/contact-victim", map[string]string{"email": VictimEmail, "name": "Zelda Victimova"}), bot); w.Code/100 != 2 {
		t.Fatalf("the headless browser's form: %d %s", w.Code, w.Body)
	}
	if l, _ := a.People.GetLink(ctx, "headless-bot-33"); len(l.History) != 0 {
		t.Fatalf("a flagged form linked its browser: %+v", l)
	}

	// A rescore is under way when the erasure comes: its list of people
	// names the victim.
	job, err := a.Qualifier.StartRescore(ctx)
	if err == nil {
		job, err = a.Qualifier.AdvanceRescore(ctx, job.ID, 0) // listed, nobody rescored yet
	}
	if err != nil || job.Total != 2 || job.Status != "running" {
		t.Fatalf("rescore job %+v %v", job, err)
	}

	// They ask to see their data first (開示請求): everything of theirs,
	// nothing of the other person's.
	disc := disclose(t, f)

	w := f.Admin(t, "DELETE", "/admin/people/"+f.Victim.ID, "")
	var rep struct {
		Erased   bool
		Visitors int
		Events   int
		Items    int
		Removed  map[string]int
	}
	if w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &rep) != nil || !rep.Erased {
		t.Fatalf("erase: %d %s", w.Code, w.Body)
	}
	// laptop, its fallback id, phone, kiosk, tablet (the click), the open pixel's pseudo-visitor, the backend's user id
	if rep.Visitors != 7 || rep.Events < 10 || rep.Items < rep.Events {
		t.Errorf("report %s", w.Body)
	}
	for _, kind := range []string{"person", "email", "member", "link", "alias", "event", "score", "ledger", "stage", "mql", "mqlindex",
		"feedback", "deal", "sla", "scored", "delivery", "external", "inbox", "qmsg", "qready", "qdead", "click", "clickref", "account", "accountkey", "accountmember", "mqa", "recipient"} {
		if rep.Removed[kind] == 0 {
			t.Errorf("nothing of kind %q removed: %s", kind, w.Body)
		}
	}
	// The disclosure showed what the erasure removed, kind for kind. The
	// erasure's own deletions add changes naming the person to the
	// embedded store's feed, which it drops too: more of those.
	for kind := range mergedKinds(disc.Counts, rep.Removed) {
		if got, want := disc.Counts[kind], rep.Removed[kind]; got != want && (kind != "change" || got > want) {
			t.Errorf("kind %q: the disclosure showed %d, the erasure removed %d", kind, got, want)
		}
	}
	// The audit trail keeps the erasure's own entry and the disclosure's,
	// naming the person by their opaque id and nothing else of theirs
	// (internal/audit says why that is acceptable): the id may stay there,
	// and only there.
	others := slices.DeleteFunc(slices.Clone(f.Secrets), func(s string) bool { return s == f.Victim.ID })
	AssertForgotten(t, tb, others, f.Keep)
	idOnlyInTheAuditEntry := func(when string) {
		t.Helper()
		if rest, n := outsideAudit(Leftovers(t, tb, []string{f.Victim.ID})[f.Victim.ID]); len(rest) != 0 || n != 2 {
			t.Errorf("%s the person's id is in %v and in %d audit entries, want only the disclosure's and the erasure's", when, rest, n)
		}
	}
	idOnlyInTheAuditEntry("after erasure")
	es, _, err := a.Admin.Audit.List(ctx, "", 100)
	if err != nil || len(es) == 0 || es[0].Route != "DELETE /admin/people/{id}" || es[0].ID != f.Victim.ID || es[0].Status != 200 || es[0].Who != "BATON_ADMIN_TOKEN" {
		t.Errorf("the erasure's audit entry: %+v %v", es, err)
	}

	// The admin API no longer shows them; the other person is still there.
	for _, path := range []string{"/admin/mqls", "/admin/inbox", "/admin/deadletters", "/admin/accounts", "/admin/people/" + f.Victim.ID, "/admin/people?email=" + VictimEmail} {
		w := f.Admin(t, "GET", path, "")
		for _, s := range f.Secrets {
			if strings.Contains(strings.ToLower(w.Body.String()), strings.ToLower(s)) {
				t.Errorf("%s still shows %q: %s", path, s, w.Body)
			}
		}
	}
	for _, path := range []string{"/admin/mqls", "/admin/inbox", "/admin/accounts"} {
		if w := f.Admin(t, "GET", path, ""); !strings.Contains(w.Body.String(), OtherEmail) {
			t.Errorf("%s lost the other person: %s", path, w.Body)
		}
	}
	if w := f.Admin(t, "GET", "/admin/people/"+f.Victim.ID, ""); w.Code != 404 {
		t.Errorf("the person is still readable: %d", w.Code)
	}
	if gone, err := privacy.Erased(ctx, tb, VictimEmail); !gone || err != nil {
		t.Errorf("no tombstone: %v %v", gone, err)
	}

	// The job goes on to its end without the victim.
	if job, err = a.Qualifier.AdvanceRescore(ctx, job.ID, 10); err != nil || job.Status != "done" || job.Done != 2 {
		t.Errorf("the rescore after the erasure: %+v %v", job, err)
	}

	// The shared kiosk's events of the other person's period stay theirs.
	tl, err := a.Stitcher.Timeline(ctx, f.Other.ID, 0)
	var ids []string
	for _, ev := range tl {
		if ev.Type != "email_click" && ev.Type != "offline" {
			ids = append(ids, ev.ID)
		}
	}
	slices.Sort(ids)
	if err != nil || strings.Join(ids, ",") != "k3,k4,o1,o2,o3" || len(tl) != 7 { // and their click and offline touch
		t.Errorf("other person's timeline %v (%d events) %v", ids, len(tl), err)
	}

	pushed := f.SFA.Pushed()
	// Nothing brings them back: their form replayed from their laptop, their
	// old token clicked and opened, their queued MQL delivered (an SQS
	// message cannot be deleted: the push function drops it).
	w = f.Do(t, "POST", "/e", f.Form, map[string]string{"Cookie": "victim-laptop-77"})
	if w.Code != 204 { // a stored form's answer: the sender cannot tell they were erased
		t.Errorf("replayed form: %d %s", w.Code, w.Body)
	}
	if w := f.Do(t, "GET", f.Click, "", nil); w.Code != 302 {
		t.Errorf("old token's click: %d", w.Code)
	}
	if w := f.Do(t, "GET", f.Open, "", nil); w.Code != 200 {
		t.Errorf("old token's open: %d", w.Code)
	}
	if w := f.Do(t, "POST", "/v1/track", `{"userId":"victim-crm-44","event":"Viewed Pricing"}`, seg); w.Code != 200 {
		t.Errorf("the backend's call after the erasure: %d %s", w.Code, w.Body)
	}
	if w := f.Admin(t, "POST", "/admin/touches", touchList); w.Code != 200 || !strings.Contains(w.Body.String(), "forgotten") {
		t.Errorf("offline touches imported again: %d %s", w.Code, w.Body)
	}
	for _, m := range f.VictimMQLs {
		if res := a.Pusher.Deliver(ctx, m); !res.Done {
			t.Errorf("an erased person's MQL was not dropped: %+v", res)
		}
	}
	if err := a.Qualifier.ScorePerson(ctx, f.Victim.ID); err != nil && err != identity.ErrNotFound {
		t.Errorf("rescoring the erased person: %v", err)
	}
	if _, err := a.People.ByEmail(ctx, VictimEmail); err != identity.ErrNotFound {
		t.Errorf("the person came back: %v", err)
	}
	// Their page views sent again by the tag (an answer lost before the
	// erasure): from the browser only they had, and from their period of
	// the shared kiosk. Each is refused by its tombstone as a repeat.
	laptop := func(body string) string {
		return strings.Replace(body, `"messageId"`, `"anonymousId":"victim-fallback-66","messageId"`, 1)
	}
	f.send(t, "victim-laptop-77", laptop(page("v1", "https://www.example.com/secret-victim-page")))
	f.send(t, "shared-kiosk-99", page("k1", "https://www.example.com/kiosk-victim-page"))
	for s, where := range Leftovers(t, tb, others) {
		t.Errorf("after the replays the store holds %q again in %v", s, where)
	}
	idOnlyInTheAuditEntry("after the replays")
	// The tombstones hold nothing but their keys, and only while a retry
	// may come.
	tombs := 0
	err = tb.Scan(ctx, "", func(it table.Item) error {
		if eventlog.Tombstone(it) {
			tombs++
			if it.Expires.IsZero() || it.Expires.After(clk.Now().Add(event.RetryHorizon+24*time.Hour)) || string(it.Data) != "{}" {
				t.Errorf("tombstone %s %s: expires %v, data %q", it.PK, it.SK, it.Expires, it.Data)
			}
		}
		return nil
	})
	if err != nil || tombs == 0 {
		t.Errorf("%d tombstones of erased events (%v): the replays above proved nothing", tombs, err)
	}
	if n := f.SFA.Pushed(); n != pushed {
		t.Errorf("%d leads pushed to the SFA after the erasure", n-pushed)
	}

	// The shared browser can be identified again afterwards, by someone else.
	f.send(t, "shared-kiosk-99", form("k9", "https://www.example.com/newsletter", map[string]string{"email": "new@example.com"}))
	l, _ := a.People.GetLink(ctx, "shared-kiosk-99")
	open := 0
	for _, s := range l.History {
		if s.To.IsZero() {
			open++
		}
	}
	if open != 1 {
		t.Errorf("history after re-identify %+v", l.History)
	}

	// Past the retry horizon the tombstones are gone too: nothing of the
	// victim, keys included.
	clk.Advance(event.RetryHorizon + 24*time.Hour + time.Minute)
	for s, where := range AllLeftovers(t, tb, others) {
		t.Errorf("past the retry horizon the store holds %q in %v", s, where)
	}
}

// disclosure is the file a person's request to see their data gets.
type disclosure struct {
	Person   string
	Visitors []string
	Counts   map[string]int
	About    map[string]string
	Items    map[string][]json.RawMessage
}

// disclose downloads the victim's disclosure and checks it holds every
// string of theirs the erasure must remove, none of the other person's,
// and says what each kind of item is.
func disclose(t *testing.T, f *Fixture) disclosure {
	t.Helper()
	w := f.Admin(t, "GET", "/admin/people/"+f.Victim.ID+"/disclosure", "")
	var d disclosure
	if w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &d) != nil || d.Person != f.Victim.ID {
		t.Fatalf("disclosure: %d %s", w.Code, w.Body)
	}
	if cd := w.Header().Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment") {
		t.Errorf("the disclosure is no download: %q", cd)
	}
	body := strings.ToLower(w.Body.String())
	for _, s := range f.Secrets {
		if !strings.Contains(body, strings.ToLower(s)) {
			t.Errorf("the disclosure does not show %q, which the erasure removes", s)
		}
	}
	for _, s := range f.Keep {
		// The browser they shared: its id is theirs too. The company the
		// other person named can be the name of the account both are
		// grouped in (by their email domain), where Baton placed them.
		if s == "shared-kiosk-99" || s == "Other Corp" {
			continue
		}
		if strings.Contains(body, strings.ToLower(s)) {
			t.Errorf("the disclosure shows %q, the other person's", s)
		}
	}
	for kind, items := range d.Items {
		if d.Counts[kind] != len(items) || d.About[kind] == "" || strings.HasSuffix(d.About[kind], "("+kind+")") {
			t.Errorf("kind %q: %d items, counted %d, described %q", kind, len(items), d.Counts[kind], d.About[kind])
		}
	}
	return d
}

func mergedKinds(a, b map[string]int) map[string]bool {
	out := map[string]bool{}
	for k := range a {
		out[k] = true
	}
	for k := range b {
		out[k] = true
	}
	return out
}
