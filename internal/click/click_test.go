package click_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/click"
	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/links"
	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/bolttable"
)

type env struct {
	mux  *http.ServeMux
	h    *click.Handler
	reg  *links.Registry
	log  *eventlog.Log
	dir  *identity.Directory
	st   *identity.Stitcher
	link links.Link
	ann  identity.Person
	clk  *clock.Manual // the fixture's one clock, down to the store
}

// tokens is a stand-in verifier: the token format itself is linktoken's and
// tested there; here a token is "ok-<person>-<campaign>".
func verify(tok string, _ time.Time) (click.Claims, error) {
	parts := strings.SplitN(tok, "-", 3)
	if len(parts) != 3 || parts[0] != "ok" {
		return click.Claims{}, errors.New("bad token")
	}
	return click.Claims{PersonID: parts[1], Campaign: parts[2]}, nil
}

func newEnv(t *testing.T) *env {
	clk := clock.NewManual(time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC))
	tb, err := bolttable.Open(filepath.Join(t.TempDir(), "b.db"), bolttable.WithClock(clk.Now))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tb.Close() })
	return newEnvOn(t, clk, tb)
}

// newEnvOn is the fixture on a store of the caller's (DynamoDB's, moto).
func newEnvOn(t *testing.T, clk *clock.Manual, tb table.Table) *env {
	var err error
	e := &env{reg: &links.Registry{T: tb, AllowedHosts: []string{"www.example.com", ".example.org"}, Now: clk.Now}, log: &eventlog.Log{T: tb, Now: clk.Now}, dir: &identity.Directory{T: tb, Now: clk.Now}, clk: clk}
	e.st = &identity.Stitcher{Dir: e.dir, Log: e.log}
	e.h = &click.Handler{Links: e.reg, Verify: verify, Events: e.log, People: e.st, T: tb, Now: clk.Now}
	e.mux = http.NewServeMux()
	e.h.Routes(e.mux)
	ctx := context.Background()
	if _, _, err := e.reg.PutCampaign(ctx, links.Campaign{ID: "nov-news", UTM: links.UTM{Source: "newsletter", Medium: "email", Campaign: "nov-news"}}); err != nil {
		t.Fatal(err)
	}
	ls, err := e.reg.Add(ctx, "nov-news", []string{"https://www.example.com/webinar?x=1"}, false)
	if err != nil {
		t.Fatal(err)
	}
	e.link = ls[0]
	if e.ann, _, err = e.dir.Ensure(ctx, "ann@example.com", "list"); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *env) get(method, path, cookie string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, path, nil)
	if cookie != "" {
		r.AddCookie(&http.Cookie{Name: "bt_vid", Value: cookie})
	}
	w := httptest.NewRecorder()
	e.mux.ServeHTTP(w, r)
	return w
}

// settle moves the clock past the click's visit and runs the sweep's
// judgement.
func (e *env) settle(t *testing.T) {
	t.Helper()
	e.clk.Set(e.clk.Now().Add(event.ClickSettle))
	if _, err := e.h.Settle(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func (e *env) events(t *testing.T, visitor string) []event.Event {
	evs, err := e.log.Visitor(context.Background(), visitor)
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

func TestClickRecordsIdentifiesAndRedirects(t *testing.T) {
	e := newEnv(t)
	w := e.get("GET", "/c/"+e.link.ID+"/ok-"+e.ann.ID+"-nov-news", "")
	if w.Code != 302 {
		t.Fatalf("status %d", w.Code)
	}
	loc, _ := url.Parse(w.Header().Get("Location"))
	if loc.Host != "www.example.com" || loc.Path != "/webinar" || loc.Query().Get("x") != "1" || loc.Query().Get("utm_source") != "newsletter" || loc.Query().Get("utm_campaign") != "nov-news" {
		t.Fatalf("redirect to %s", loc)
	}
	if w.Header().Get("Referrer-Policy") != "no-referrer" {
		t.Error("token could leak through Referer")
	}
	cookies := w.Result().Cookies()
	if len(cookies) != 1 || cookies[0].Name != "bt_vid" {
		t.Fatalf("cookies %v", cookies)
	}
	vid := cookies[0].Value
	evs := e.events(t, vid)
	if len(evs) != 1 || evs[0].Type != event.EmailClick || evs[0].Properties["person"] != e.ann.ID || evs[0].Properties["campaign"] != "nov-news" {
		t.Fatalf("stored %+v", evs)
	}
	// The click's visit is judged once it is over: until then it
	// identifies nobody.
	l, _ := e.dir.GetLink(context.Background(), vid)
	if len(l.History) != 0 {
		t.Fatalf("identified before the visit was judged: %+v", l)
	}
	e.settle(t)
	if evs := e.events(t, vid); evs[0].Enrichment.Visit != event.VisitHuman {
		t.Fatalf("not judged: %+v", evs[0].Enrichment)
	}
	l, _ = e.dir.GetLink(context.Background(), vid)
	if cur, ok := l.Current(); !ok || cur.Person != e.ann.ID || cur.Strength != identity.Weak {
		t.Fatalf("browser not identified: %+v", l)
	}
	tl, _ := e.st.Timeline(context.Background(), e.ann.ID, 0)
	if len(tl) != 1 || tl[0].Type != event.EmailClick {
		t.Fatalf("timeline %+v", tl)
	}
}

func TestForwardedEmailDoesNotTakeOverAFormIdentifiedBrowser(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if _, _, err := e.st.Identify(ctx, identity.Identification{Visitor: "bob-browser-1", Email: "bob@example.com", Strength: identity.Strong}); err != nil {
		t.Fatal(err)
	}
	w := e.get("GET", "/c/"+e.link.ID+"/ok-"+e.ann.ID+"-nov-news", "bob-browser-1")
	if w.Code != 302 {
		t.Fatalf("status %d", w.Code)
	}
	e.settle(t)
	bob, _ := e.dir.ByEmail(ctx, "bob@example.com")
	l, _ := e.dir.GetLink(ctx, "bob-browser-1")
	if cur, _ := l.Current(); cur.Person != bob.ID {
		t.Fatalf("forwarded click moved Bob's browser to %s", cur.Person)
	}
}

func TestBadTokensRedirectButRecordNothingPersonal(t *testing.T) {
	e := newEnv(t)
	for _, tok := range []string{"garbage", "ok-" + e.ann.ID + "-other-campaign", "ok--nov-news", strings.Repeat("x", 600)} {
		w := e.get("GET", "/c/"+e.link.ID+"/"+tok, "anon-browser-1")
		if w.Code != 302 || !strings.HasPrefix(w.Header().Get("Location"), "https://www.example.com/webinar") {
			t.Fatalf("token %q: %d %s", tok, w.Code, w.Header().Get("Location"))
		}
	}
	for _, ev := range e.events(t, "anon-browser-1") {
		if ev.Properties["person"] != nil || ev.UserID != "" {
			t.Fatalf("bad token recorded a person: %+v", ev)
		}
	}
	if l, _ := e.dir.GetLink(context.Background(), "anon-browser-1"); len(l.History) != 0 {
		t.Fatalf("bad token identified the browser: %+v", l)
	}
}

// TestEmptyOrSlashedTokenRedirects: a recipient added to the ESP's list
// after the tokenised CSV was made has no baton_token, so Mailchimp's
// *|BATON_TOKEN|* and SendGrid's {{baton_token}} render empty and the link
// is /c/<link id>/; some clients and ESPs add a slash after the token. The
// reader lands on the destination either way; an empty token records
// nothing personal, a valid one followed by a slash is still the
// recipient's click.
func TestEmptyOrSlashedTokenRedirects(t *testing.T) {
	e := newEnv(t)
	for _, path := range []string{
		"/c/" + e.link.ID + "/", // empty merge field
		"/c/" + e.link.ID,       // and its slash dropped
	} {
		w := e.get("GET", path, "empty-browser-1")
		if w.Code != http.StatusFound || !strings.HasPrefix(w.Header().Get("Location"), "https://www.example.com/webinar") {
			t.Errorf("GET %s: %d %q %s, want 302 to the link's destination", path, w.Code, w.Header().Get("Location"), w.Body.String())
		}
	}
	evs := e.events(t, "empty-browser-1")
	if len(evs) != 2 {
		t.Fatalf("stored %d clicks, want 2 anonymous ones", len(evs))
	}
	for _, ev := range evs {
		if ev.Properties["person"] != nil || ev.UserID != "" {
			t.Fatalf("an empty token recorded a person: %+v", ev)
		}
	}
	path := "/c/" + e.link.ID + "/ok-" + e.ann.ID + "-nov-news/" // a slash after the token
	w := e.get("GET", path, "slash-browser-1")
	if w.Code != http.StatusFound || !strings.HasPrefix(w.Header().Get("Location"), "https://www.example.com/webinar") {
		t.Errorf("GET %s: %d %q %s, want 302 to the link's destination", path, w.Code, w.Header().Get("Location"), w.Body.String())
	}
	if evs := e.events(t, "slash-browser-1"); len(evs) != 1 || evs[0].Properties["person"] != e.ann.ID {
		t.Fatalf("a valid token followed by a slash: stored %+v, want Ann's click", evs)
	}
	if w := e.get("GET", "/c/AAAAAAAAAAAA/", ""); w.Code != 404 || !strings.Contains(w.Body.String(), `"error"`) {
		t.Errorf("unknown link, empty token: %d %s, want a JSON 404", w.Code, w.Body)
	}
}

func TestHeadNeverCounts(t *testing.T) {
	e := newEnv(t)
	w := e.get("HEAD", "/c/"+e.link.ID+"/ok-"+e.ann.ID+"-nov-news", "head-browser-1")
	if w.Code != 302 {
		t.Fatalf("status %d", w.Code)
	}
	if evs := e.events(t, "head-browser-1"); len(evs) != 0 {
		t.Fatalf("HEAD recorded %+v", evs)
	}
	if w := e.get("HEAD", "/o/nov-news/ok-"+e.ann.ID+"-nov-news.gif", ""); w.Code != 200 {
		t.Fatalf("HEAD pixel %d", w.Code)
	}
	if evs := e.events(t, "o:"+e.ann.ID); len(evs) != 0 {
		t.Fatalf("HEAD open recorded %+v", evs)
	}
}

// TestNoOpenRedirect: nothing in the request changes where a click goes.
func TestNoOpenRedirect(t *testing.T) {
	e := newEnv(t)
	tok := "/ok-" + e.ann.ID + "-nov-news"
	attempts := []string{
		"/c/" + e.link.ID + tok + "?url=https://evil.example",
		"/c/" + e.link.ID + tok + "?redirect=//evil.example&next=https:%2F%2Fevil.example",
		"/c/" + e.link.ID + "/https:%2F%2Fevil.example",
		"/c/" + e.link.ID + "/%2F%2Fevil.example",
		"/c/https:%2F%2Fevil.example" + tok,
		"/c/%2F%2Fevil.example" + tok,
		"/c/" + e.link.ID + "/..%2F..%2Fevil.example",
		"/c/" + e.link.ID + "x" + tok,
		"/c/nonexistent1" + tok,
	}
	for _, p := range attempts {
		w := e.get("GET", p, "")
		loc := w.Header().Get("Location")
		switch {
		case w.Code == 302 && strings.HasPrefix(loc, "https://www.example.com/webinar?"):
		case w.Code == 404 || w.Code == 400 || w.Code == 301 && !strings.Contains(loc, "evil"):
		default:
			t.Errorf("%s: %d Location %q", p, w.Code, loc)
		}
		if strings.Contains(loc, "evil") {
			t.Errorf("%s redirected to %s", p, loc)
		}
	}
	// Registering an evil destination is refused.
	for _, d := range []string{"https://evil.example/", "javascript:alert(1)", "//www.example.com/x", "https://user:pw@www.example.com/", "ftp://www.example.com/", "data:text/html,x"} {
		if _, err := e.reg.Add(context.Background(), "nov-news", []string{d}, false); !errors.Is(err, links.ErrInvalid) {
			t.Errorf("destination %q accepted: %v", d, err)
		}
	}
	if _, err := e.reg.Add(context.Background(), "nov-news", []string{"https://docs.example.org/a"}, false); err != nil {
		t.Errorf("allowed subdomain refused: %v", err)
	}
}

func TestUnknownLink(t *testing.T) {
	e := newEnv(t)
	w := e.get("GET", "/c/AAAAAAAAAAAA/ok-x-nov-news", "")
	if w.Code != 404 || !strings.Contains(w.Body.String(), `"error"`) {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
}

// TestLinkLeadingNowhereToABrowser: a mistyped tracked link opened by a
// newsletter's reader showed {"error":"unknown link"}, JSON the reader
// cannot make sense of. A browser (Accept: text/html) gets a short page in
// its language saying the link is not valid, 404, and a link whose host
// left link_hosts one saying it leads nowhere now, 403; API clients keep
// the JSON.
func TestLinkLeadingNowhereToABrowser(t *testing.T) {
	e := newEnv(t)
	browse := func(path, lang string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("GET", path, nil)
		r.Header.Set("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
		if lang != "-" { // "-": no Accept-Language at all
			r.Header.Set("Accept-Language", lang)
		}
		w := httptest.NewRecorder()
		e.mux.ServeHTTP(w, r)
		return w
	}
	for _, c := range []struct {
		path, accept, lang string
		status             int
		want               string
	}{
		{"/c/nope/tok", "ja-JP,ja;q=0.9,en-US;q=0.8", "ja", 404, "このリンクは無効です"},
		{"/c/nope/tok", "en-GB,en;q=0.9", "en", 404, "This link is not valid"},
		// Without a preference for either language the page is Japanese,
		// Baton's readers' (it was English); one stated still wins, by q.
		{"/c/nope/tok", "-", "ja", 404, "このリンクは無効です"},
		{"/c/nope/tok", "", "ja", 404, "このリンクは無効です"},
		{"/c/nope/tok", "fr-FR,de;q=0.5", "ja", 404, "このリンクは無効です"},
		{"/c/nope/tok", "en", "en", 404, "This link is not valid"},
		{"/c/nope/tok", "en;q=0.9, ja;q=0.8", "en", 404, "This link is not valid"},
		{"/c/nope/tok", "fr, ja;q=0", "en", 404, "This link is not valid"},
		{"/c/nope", "ja", "ja", 404, "このリンクは無効です"},
		{"/c/AAAAAAAAAAAA/", "en;q=0.3,ja;q=0.8", "ja", 404, "このリンクは無効です"},
	} {
		w := browse(c.path, c.accept)
		b := w.Body.String()
		if w.Code != c.status || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") || w.Header().Get("Content-Language") != c.lang ||
			!strings.Contains(b, `<html lang="`+c.lang+`">`) || !strings.Contains(b, c.want) || strings.Contains(b, `"error"`) {
			t.Errorf("%s (Accept-Language %q): %d %v\n%s", c.path, c.accept, w.Code, w.Header(), b)
		}
		if w.Header().Get("Referrer-Policy") != "no-referrer" || !strings.Contains(w.Header().Get("Content-Security-Policy"), "default-src 'none'") {
			t.Errorf("%s: headers %v", c.path, w.Header())
		}
	}
	// API callers and link checkers keep the JSON answer.
	if w := e.get("GET", "/c/nope/tok", ""); w.Code != 404 || !strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") || !strings.Contains(w.Body.String(), `"error":"unknown link"`) {
		t.Errorf("API caller: %d %v %s", w.Code, w.Header(), w.Body)
	}
	e.reg.AllowedHosts = []string{".example.org"} // www.example.com given up
	path := "/c/" + e.link.ID + "/ok-" + e.ann.ID + "-nov-news"
	if w := browse(path, "ja"); w.Code != 403 || w.Header().Get("Location") != "" || !strings.Contains(w.Body.String(), "このリンクは現在ご利用いただけません") {
		t.Errorf("a host given up, in a browser: %d %v %s", w.Code, w.Header(), w.Body)
	}
	if w := browse(path, "en"); w.Code != 403 || !strings.Contains(w.Body.String(), "This link no longer leads anywhere") {
		t.Errorf("a host given up, in a browser: %d %s", w.Code, w.Body)
	}
	if w := browse(path, "-"); w.Code != 403 || w.Header().Get("Content-Language") != "ja" || !strings.Contains(w.Body.String(), "このリンクは現在ご利用いただけません") {
		t.Errorf("a host given up, a browser without Accept-Language: %d %v %s", w.Code, w.Header(), w.Body)
	}
	if w := e.get("GET", path, ""); w.Code != 403 || !strings.Contains(w.Body.String(), "link_hosts") {
		t.Errorf("a host given up, API caller: %d %s", w.Code, w.Body)
	}
}

func TestOpenPixel(t *testing.T) {
	e := newEnv(t)
	w := e.get("GET", "/o/nov-news/ok-"+e.ann.ID+"-nov-news.gif", "")
	if w.Code != 200 || w.Header().Get("Content-Type") != "image/gif" || !strings.HasPrefix(w.Body.String(), "GIF89a") {
		t.Fatalf("%d %v", w.Code, w.Header())
	}
	tl, _ := e.st.Timeline(context.Background(), e.ann.ID, 0)
	if len(tl) != 1 || tl[0].Type != event.EmailOpen {
		t.Fatalf("timeline %+v", tl)
	}
	// A bad token still gets the image, and records nothing.
	if w := e.get("GET", "/o/nov-news/forged.gif", ""); w.Code != 200 {
		t.Fatalf("bad token pixel %d", w.Code)
	}
	if w := e.get("GET", "/o/nov-news/ok-x-nov-news.png", ""); w.Code != 404 {
		t.Fatalf("non-gif %d", w.Code)
	}
	tl, _ = e.st.Timeline(context.Background(), e.ann.ID, 0)
	if len(tl) != 1 {
		t.Fatalf("timeline after bad pixels %+v", tl)
	}
}

// TestScannerClicksAreFlaggedAndIdentifyNobody: the honeypot link, a click
// seconds after the send and a burst of links are a scanner's: kept, flagged,
// and they never identify the browser.
func TestScannerClicksAreFlaggedAndIdentifyNobody(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	e.clk.Set(now)
	e.h.T = e.log.T
	if _, _, err := e.reg.PutCampaign(ctx, links.Campaign{ID: "dec-news", SentAt: now.Add(-3 * time.Second)}); err != nil {
		t.Fatal(err)
	}
	ls, _ := e.reg.Add(ctx, "dec-news", []string{"https://www.example.com/a", "https://www.example.com/b"}, false)
	hp, _ := e.reg.Add(ctx, "dec-news", []string{"https://www.example.com/a"}, true)
	tok := "/ok-" + e.ann.ID + "-dec-news"
	cases := []struct {
		path, browser, reason string
	}{
		{"/c/" + ls[0].ID + tok, "scan-browser-1", "clicked-seconds-after-send"},
		{"/c/" + hp[0].ID + tok, "scan-browser-2", "honeypot-link"},
	}
	for _, c := range cases {
		e.get("GET", c.path, c.browser)
		evs := e.events(t, c.browser)
		if len(evs) != 1 || !evs[0].Enrichment.Scanner || evs[0].Enrichment.FlagReason != c.reason {
			t.Fatalf("%s: %+v", c.reason, evs)
		}
		if l, _ := e.dir.GetLink(ctx, c.browser); len(l.History) != 0 {
			t.Fatalf("%s: a scanner click identified the browser", c.reason)
		}
	}
	// An hour later, two links of the email within a second: a burst;
	// both clicks are flagged, the first one after the fact.
	now = now.Add(time.Hour)
	e.clk.Set(now)
	e.get("GET", "/c/"+ls[0].ID+tok, "burst-browser")
	now = now.Add(800 * time.Millisecond)
	e.clk.Set(now)
	e.get("GET", "/c/"+ls[1].ID+tok, "burst-browser")
	evs := e.events(t, "burst-browser")
	flagged := 0
	for _, ev := range evs {
		if ev.Enrichment.FlagReason == "burst-of-links" {
			flagged++
		}
	}
	if len(evs) != 2 || flagged != 2 {
		t.Fatalf("burst: %+v", evs)
	}
	e.settle(t)
	if l, _ := e.dir.GetLink(ctx, "burst-browser"); len(l.History) != 0 {
		t.Fatalf("a burst identified the browser: %+v", l)
	}
}

// TestErasedPersonsTokenRecordsNothingPersonal: a valid token of a person
// who was erased (or is being erased: the tombstone is written first)
// still lands the reader, and records nobody: no click memory, no person
// on the event, no browser linked, no open.
func TestErasedPersonsTokenRecordsNothingPersonal(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	tb := e.reg.T
	e.h.T = tb
	if err := tb.Put(ctx, table.Item{PK: privacy.TombstonePK(e.ann.Email), SK: "TOMB", Kind: privacy.KindTombstone, Data: []byte(`{}`)}, table.Always); err != nil {
		t.Fatal(err)
	}
	for _, tok := range []string{"ok-" + e.ann.ID + "-nov-news", "ok-p_000000000000000000000000-nov-news"} {
		if w := e.get("GET", "/c/"+e.link.ID+"/"+tok, "erased-browser-1"); w.Code != 302 {
			t.Fatalf("%s: status %d", tok, w.Code)
		}
		if w := e.get("GET", "/o/nov-news/"+tok+".gif", ""); w.Code != 200 {
			t.Fatalf("%s: pixel %d", tok, w.Code)
		}
	}
	evs := e.events(t, "erased-browser-1")
	if len(evs) != 2 {
		t.Fatalf("clicks not kept anonymously: %+v", evs)
	}
	for _, ev := range evs {
		if ev.Properties["person"] != nil || ev.UserID != "" {
			t.Fatalf("recorded a person: %+v", ev)
		}
	}
	if l, _ := e.dir.GetLink(ctx, "erased-browser-1"); len(l.History) != 0 {
		t.Fatalf("identified the browser: %+v", l)
	}
	if evs := e.events(t, "o:"+e.ann.ID); len(evs) != 0 {
		t.Fatalf("open recorded: %+v", evs)
	}
	if items, _ := tb.Query(ctx, table.Query{PK: identity.PersonPK(e.ann.ID)}); len(items) != 1 || items[0].SK != "PERSON" {
		t.Fatalf("written under the person: %+v", items)
	}
}

// erasedAfterCheck is the people directory of a click that found its
// recipient active, after which (the visit being judged) the recipient was
// erased in full before the click was stored.
type erasedAfterCheck struct {
	click.PersonLinker
	erase func()
}

func (p erasedAfterCheck) Active(ctx context.Context, id string) (bool, error) {
	ok, err := p.PersonLinker.Active(ctx, id)
	if p.erase != nil {
		p.erase()
	}
	return ok, err
}

// TestClickRacingErasure: a recipient's click and open whose token was
// found active just before the recipient's erasure ran in full: what they
// store afterwards (the event naming the person, its record under the
// person, the campaign's activity) must not outlive the erasure.
func TestClickRacingErasure(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	tb := e.reg.T
	e.h.T = tb
	eraser := &privacy.Eraser{T: tb, People: e.st, Keepers: []privacy.Keeper{e.h}, Now: e.clk.Now}
	bob, _, err := e.dir.Ensure(ctx, "bob@example.com", "list")
	if err != nil {
		t.Fatal(err)
	}
	victim := ""
	e.h.People = erasedAfterCheck{PersonLinker: e.st, erase: func() {
		if victim == "" {
			return
		}
		id := victim
		victim = ""
		if _, err := eraser.Erase(ctx, id); err != nil {
			t.Fatal(err)
		}
	}}
	victim = e.ann.ID
	if w := e.get("GET", "/c/"+e.link.ID+"/ok-"+e.ann.ID+"-nov-news", "racing-browser-1"); w.Code != 302 {
		t.Fatalf("click: %d", w.Code)
	}
	victim = bob.ID
	if w := e.get("GET", "/o/nov-news/ok-"+bob.ID+"-nov-news.gif", ""); w.Code != 200 {
		t.Fatalf("open: %d", w.Code)
	}
	if victim != "" {
		t.Fatal("an erasure never ran: the test proves nothing")
	}
	err = tb.Scan(ctx, "", func(it table.Item) error {
		seen := it.PK + " " + it.SK + " " + string(it.Data)
		if eventlog.Tombstone(it) {
			// An erased event's tombstone keeps its key (the person's own
			// visitor id is opaque) while a client may send it again;
			// nothing of its content.
			seen = string(it.Data)
		}
		if strings.Contains(seen, e.ann.ID) || strings.Contains(seen, bob.ID) {
			t.Errorf("after the erasure the store holds %s %s (%s)", it.PK, it.SK, it.Kind)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestPrefetchIsNoReadersClick: a request that says it is a prefetch or a
// preview (Sec-Purpose: prefetch, Chrome's speculation rules and <link
// rel=prefetch>, also "prefetch;prerender"; Purpose: prefetch; X-Moz:
// prefetch; Safari's X-Purpose: preview) was made by no reader. It was
// judged a human click and identified the browser. It is declined with a
// 503 the browser does not keep (a redirect would be kept and shown when
// the reader clicks, and that click never seen), and records nothing.
func TestPrefetchIsNoReadersClick(t *testing.T) {
	for _, hdr := range [][2]string{{"Sec-Purpose", "prefetch"}, {"Sec-Purpose", "prefetch;prerender"}, {"Purpose", "prefetch"}, {"X-Moz", "prefetch"}, {"X-Purpose", "preview"}} {
		t.Run(hdr[0]+": "+hdr[1], func(t *testing.T) {
			e := newEnv(t)
			before := storeDump(t, e)
			r := httptest.NewRequest("GET", "/c/"+e.link.ID+"/ok-"+e.ann.ID+"-nov-news", nil)
			r.Header.Set(hdr[0], hdr[1])
			r.Header.Set("User-Agent", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36")
			w := httptest.NewRecorder()
			e.mux.ServeHTTP(w, r)
			if w.Code != 503 || w.Header().Get("Cache-Control") != "no-store" || w.Header().Get("Location") != "" || len(w.Result().Cookies()) != 0 {
				t.Fatalf("status %d, headers %v: want a 503 kept by no cache, no redirect, no cookie", w.Code, w.Header())
			}
			e.settle(t)
			if after := storeDump(t, e); after != before {
				t.Errorf("a prefetch recorded something:\n%s\nwas:\n%s", after, before)
			}
		})
	}
}

// TestReadersClickAfterAPrefetchCounts: the reader's browser prefetched
// the link, then the reader clicked it: the navigation asks again (the
// 503 was not kept), is redirected, judged human and identifies the
// browser, the one click of the campaign.
func TestReadersClickAfterAPrefetchCounts(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	const browser = "reader-browser"
	const ua = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
	do := func(prefetch bool) int {
		t.Helper()
		r := httptest.NewRequest("GET", "/c/"+e.link.ID+"/ok-"+e.ann.ID+"-nov-news", nil)
		r.AddCookie(&http.Cookie{Name: "bt_vid", Value: browser})
		r.Header.Set("User-Agent", ua)
		if prefetch {
			r.Header.Set("Sec-Purpose", "prefetch")
		}
		w := httptest.NewRecorder()
		e.mux.ServeHTTP(w, r)
		return w.Code
	}
	if code := do(true); code != 503 {
		t.Fatalf("the prefetch: %d", code)
	}
	e.clk.Set(e.clk.Now().Add(5 * time.Second))
	if code := do(false); code != 302 {
		t.Fatalf("the reader's click: %d", code)
	}
	e.settle(t)
	evs := e.events(t, browser)
	if len(evs) != 1 || evs[0].Enrichment.Visit != event.VisitHuman || evs[0].Flagged() {
		t.Fatalf("events %+v: want the reader's click alone, judged human", evs)
	}
	l, _ := e.dir.GetLink(ctx, browser)
	if cur, ok := l.Current(); !ok || cur.Person != e.ann.ID {
		t.Fatalf("the reader's click after a prefetch did not identify the browser: %+v", l)
	}
}

// storeDump is the click handler's whole store as text, to prove a
// request wrote nothing.
func storeDump(t *testing.T, e *env) string {
	t.Helper()
	var b strings.Builder
	if err := e.h.T.Scan(context.Background(), "", func(it table.Item) error {
		fmt.Fprintf(&b, "%s|%s|%d|%s\n", it.PK, it.SK, it.Version, it.Data)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestDestinationNoLongerAllowed: link_hosts was checked only when a link
// was made, so one already in sent newsletters kept redirecting to a host
// given up since (a domain let go, taken over by someone else). A click
// now finds it refused: nothing followed, nothing recorded.
func TestDestinationNoLongerAllowed(t *testing.T) {
	e := newEnv(t)
	e.reg.AllowedHosts = []string{".example.org"} // www.example.com given up
	w := e.get("GET", "/c/"+e.link.ID+"/ok-"+e.ann.ID+"-nov-news", "")
	if w.Code != http.StatusForbidden || w.Header().Get("Location") != "" || !strings.Contains(w.Body.String(), "link_hosts") {
		t.Fatalf("status %d, Location %q, body %s", w.Code, w.Header().Get("Location"), w.Body)
	}
	if len(w.Result().Cookies()) != 0 {
		t.Errorf("a refused click set cookies: %v", w.Result().Cookies())
	}
	e.reg.AllowedHosts = []string{"WWW.Example.com"}
	if w := e.get("GET", "/c/"+e.link.ID+"/ok-"+e.ann.ID+"-nov-news", ""); w.Code != 302 {
		t.Fatalf("allowed again: status %d", w.Code)
	}
}

// TestHoneypotOfAHostNoLongerAllowed: a campaign's honeypot leads where
// its first link does. Once that host left link_hosts, a scanner's hit on
// the honeypot was refused before anything was recorded: its signal lost,
// the scanner's click on another link of the email (a host still allowed)
// seconds later counted as the recipient's, and identified the scanner's
// browser as them. The honeypot is still not followed, but it is recorded.
func TestHoneypotOfAHostNoLongerAllowed(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	e.clk.Set(now)
	e.h.T = e.log.T
	if _, _, err := e.reg.PutCampaign(ctx, links.Campaign{ID: "dec-news", SentAt: now.Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}
	ls, _ := e.reg.Add(ctx, "dec-news", []string{"https://www.example.com/a", "https://www.example.org/b"}, false)
	hp, _ := e.reg.Add(ctx, "dec-news", []string{"https://www.example.com/a"}, true)
	e.reg.AllowedHosts = []string{".example.org"} // www.example.com given up
	tok := "/ok-" + e.ann.ID + "-dec-news"
	if w := e.get("GET", "/c/"+hp[0].ID+tok, "scan-browser"); w.Code != http.StatusForbidden || w.Header().Get("Location") != "" {
		t.Fatalf("honeypot: status %d, Location %q", w.Code, w.Header().Get("Location"))
	}
	e.clk.Set(now.Add(10 * time.Second))
	if w := e.get("GET", "/c/"+ls[1].ID+tok, "scan-browser"); w.Code != http.StatusFound {
		t.Fatalf("allowed link: status %d", w.Code)
	}
	e.settle(t)
	evs := e.events(t, "scan-browser")
	if len(evs) != 2 {
		t.Fatalf("%d events, want the honeypot's and the link's: %+v", len(evs), evs)
	}
	for _, ev := range evs {
		if !ev.Enrichment.Scanner {
			t.Errorf("%s: not flagged a scanner's (%q)", ev.URL, ev.Enrichment.FlagReason)
		}
	}
	if l, _ := e.dir.GetLink(ctx, "scan-browser"); len(l.History) != 0 {
		t.Fatalf("the scanner's browser was identified as the recipient: %+v", l)
	}
}
