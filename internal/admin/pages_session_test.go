package admin_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/admin"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/httpx"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/queue"
	"github.com/baton-hq/baton/internal/table"
)

// TestWorkspacePagesNegotiate: a browser gets the page, in its language,
// an API client the JSON as before, from the same route.
func TestWorkspacePagesNegotiate(t *testing.T) {
	f := newFixture(t)
	cookie, _ := f.login(fullToken)
	if a := f.req("POST", "/admin/links", linkJSON, "Authorization", "Bearer "+fullToken, "Content-Type", "application/json"); a.code != 201 {
		t.Fatalf("links: %d %s", a.code, a.body)
	}
	for _, path := range []string{"/admin/campaigns", "/admin/campaigns/nov-news", "/admin/people", "/admin/"} {
		a := f.req("GET", path, "", "Cookie", cookie, "Accept", "text/html,application/xhtml+xml")
		if a.code != 200 || !strings.HasPrefix(a.hdr.Get("Content-Type"), "text/html") || !strings.Contains(a.body, `<html lang="en">`) ||
			!strings.Contains(a.body, `aria-label="Main"`) || strings.Contains(a.body, "<script") || !strings.Contains(a.hdr.Get("Content-Security-Policy"), "default-src 'none'") {
			t.Errorf("%s page: %d %v %.300s", path, a.code, a.hdr, a.body)
		}
		ja := f.req("GET", path, "", "Cookie", cookie, "Accept", "text/html", "Accept-Language", "ja-JP,ja;q=0.9,en;q=0.5")
		if ja.code != 200 || !strings.Contains(ja.body, `<html lang="ja">`) || !strings.Contains(ja.body, "キャンペーン") || ja.hdr.Get("Content-Language") != "ja" {
			t.Errorf("%s in Japanese: %d %.300s", path, ja.code, ja.body)
		}
	}
	// Without a rules file the lab says so, on a page.
	if a := f.req("GET", "/admin/rules", "", "Cookie", cookie, "Accept", "text/html"); a.code != 409 || !strings.Contains(a.body, `role="alert"`) || !strings.Contains(a.body, "BATON_RULES") {
		t.Errorf("lab off: %d %s", a.code, a.body)
	}
	var body struct {
		Campaign struct{ ID string }
		Links    []struct{ Tracked string }
	}
	a := f.req("GET", "/admin/campaigns/nov-news", "", "Authorization", "Bearer "+fullToken)
	if a.code != 200 || json.Unmarshal([]byte(a.body), &body) != nil || body.Campaign.ID != "nov-news" || len(body.Links) != 1 {
		t.Fatalf("campaign JSON: %d %s", a.code, a.body)
	}
	if a := f.req("GET", "/admin/campaigns", "", "Authorization", "Bearer "+fullToken); a.code != 200 || !strings.Contains(a.body, `"campaigns":[{"id":"nov-news"`) {
		t.Fatalf("campaigns JSON: %d %s", a.code, a.body)
	}
	// The switch: ?lang= wins over the browser and is remembered.
	a = f.req("GET", "/admin/campaigns?lang=ja", "", "Cookie", cookie, "Accept", "text/html", "Accept-Language", "en")
	if !strings.Contains(a.body, `<html lang="ja">`) || !strings.Contains(a.hdr.Get("Set-Cookie"), "baton_lang=ja") {
		t.Fatalf("switch: %v %.200s", a.hdr, a.body)
	}
	a = f.req("GET", "/admin/campaigns", "", "Cookie", cookie+"; baton_lang=ja", "Accept", "text/html", "Accept-Language", "en")
	if !strings.Contains(a.body, `<html lang="ja">`) {
		t.Fatalf("remembered language: %.200s", a.body)
	}
	// A browser without a session is sent to sign in, in its language.
	a = f.req("GET", "/admin/campaigns", "", "Accept", "text/html")
	if a.code != 303 || a.hdr.Get("Location") != "login?next=campaigns" {
		t.Fatalf("no session: %d %v", a.code, a.hdr)
	}
	if a := f.req("GET", "/admin/login", "", "Accept-Language", "ja"); !strings.Contains(a.body, `<html lang="ja">`) || !strings.Contains(a.body, "管理トークン") {
		t.Fatalf("sign-in page in Japanese: %s", a.body)
	}
}

// TestCampaignFormNeedsCSRF: the new-campaign form and the recipient
// upload change state, so a session's request carries its CSRF token; a
// refusal is a page for a browser; a bad field says which.
func TestCampaignFormNeedsCSRF(t *testing.T) {
	f := newFixture(t)
	cookie, csrf := f.login(fullToken)
	form := url.Values{"id": {"dec-news"}, "name": {"December"}, "urls": {"https://www.example.com/a\r\nhttps://www.example.com/b"}, "honeypot": {"1"}, "sent_at": {"2026-12-01T10:00"}}
	post := func(v url.Values, hdr ...string) answer {
		return f.req("POST", "/admin/campaigns", v.Encode(), append([]string{"Cookie", cookie, "Content-Type", "application/x-www-form-urlencoded", "Accept", "text/html"}, hdr...)...)
	}
	if a := post(form); a.code != 403 || !strings.HasPrefix(a.hdr.Get("Content-Type"), "text/html") || !strings.Contains(a.body, "CSRF") {
		t.Fatalf("without CSRF: %d %v %s", a.code, a.hdr, a.body)
	}
	if a := post(form, "Origin", "https://evil.example"); a.code != 403 {
		t.Fatalf("cross-origin: %d", a.code)
	}
	bad := url.Values{"csrf": {csrf}, "id": {"Dec News"}, "urls": {"https://www.example.com/"}}
	if a := post(bad); a.code != 400 || !strings.Contains(a.body, `role="alert"`) || !strings.Contains(a.body, "Campaign id: 1-64") || !strings.Contains(a.body, `value="Dec News"`) {
		t.Fatalf("bad id: %d %s", a.code, a.body)
	}
	bad = url.Values{"csrf": {csrf}, "id": {"dec"}, "urls": {"javascript:alert(1)"}}
	if a := post(bad); a.code != 400 || !strings.Contains(a.body, `role="alert"`) {
		t.Fatalf("bad URL: %d %s", a.code, a.body)
	}
	if a := f.req("GET", "/admin/campaigns/dec", "", "Authorization", "Bearer "+fullToken); a.code != 404 {
		t.Fatalf("a form refused for its URL made its campaign: %d %s", a.code, a.body)
	}
	form.Set("csrf", csrf)
	if a := post(form); a.code != 303 || a.hdr.Get("Location") != "campaigns/dec-news?m=created" {
		t.Fatalf("create: %d %v %s", a.code, a.hdr, a.body)
	}
	a := f.req("GET", "/admin/campaigns/dec-news", "", "Authorization", "Bearer "+fullToken)
	if !strings.Contains(a.body, `"name":"December"`) || strings.Count(a.body, `"tracked"`) != 3 || !strings.Contains(a.body, `"honeypot":true`) || !strings.Contains(a.body, `"sentAt":"2026-12-01T10:00:00Z"`) {
		t.Fatalf("created campaign: %s", a.body)
	}
	// The recipient list: multipart with the form's CSRF token, or with
	// it in the X-CSRF-Token header (the form then unread by the check).
	upload := func(csrfField bool, hdr ...string) answer {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		if csrfField {
			mw.WriteField("csrf", csrf)
		}
		fw, _ := mw.CreateFormFile("list", "list.csv")
		fw.Write([]byte("email,name\r\na@maker.example,A\r\n"))
		mw.Close()
		return f.req("POST", "/admin/campaigns/dec-news/recipients", b.String(), append([]string{"Cookie", cookie, "Content-Type", mw.FormDataContentType(), "Accept", "text/html"}, hdr...)...)
	}
	if a := upload(false); a.code != 403 || !strings.Contains(a.body, "CSRF") {
		t.Fatalf("upload without CSRF: %d %s", a.code, a.body)
	}
	// Past the checks: this fixture has no link keys, and says so on the
	// page's path (not the CSV API's, which read the multipart body as CSV).
	for _, a := range []answer{upload(true), upload(false, "X-CSRF-Token", csrf)} {
		if a.code != 503 || !strings.Contains(a.body, "BATON_LINK_KEYS") || !strings.HasPrefix(a.hdr.Get("Content-Type"), "text/html") {
			t.Fatalf("upload: %d %v %s", a.code, a.hdr, a.body)
		}
	}
	// A read-only session may look, not create: a page says so.
	ro, roCSRF := f.login(readToken)
	form.Set("csrf", roCSRF)
	if a := f.req("POST", "/admin/campaigns", form.Encode(), "Cookie", ro, "Content-Type", "application/x-www-form-urlencoded", "Accept", "text/html"); a.code != 403 || !strings.Contains(a.body, "lacks the write scope") || !strings.Contains(a.body, `href="login"`) {
		t.Fatalf("read-only: %d %s", a.code, a.body)
	}
}

// deadQueue is a dead-letter queue of one message that records replays.
type deadQueue struct{ replayed []string }

func (q *deadQueue) Dead(context.Context) ([]queue.Message, error) {
	return []queue.Message{{ID: "p_1-c1", LastError: "salesforce: 400 REQUIRED_FIELD_MISSING", State: "dead"}}, nil
}

func (q *deadQueue) Replay(_ context.Context, id string) error {
	switch id {
	case "sf-gone": // a score failure whose stream records were trimmed
		return errors.Join(queue.ErrNotDead, queue.ErrExpired)
	case "sf-broken":
		return errors.New("score replay: record 7 of 9: the store is down")
	case "sf-far": // past what SQS let the replay receive in its time
		return notReached{}
	case "p_1-c1":
	default:
		return table.ErrNotFound
	}
	q.replayed = append(q.replayed, id)
	return nil
}

// notReached is a replay that ran out of time before it met its message
// (deadletter's: queue.ErrNotReached, with a Retry-After).
type notReached struct{}

func (notReached) Error() string             { return "deadletter: sf-far was not reached: try again" }
func (notReached) Is(target error) bool      { return target == queue.ErrNotReached }
func (notReached) RetryAfter() time.Duration { return 2 * time.Second }

// TestReplayButton: the MQL page's replay form (a session's, with its CSRF
// token) replays the dead letter and comes back to the list saying so; the
// API's answer is unchanged.
func TestReplayButton(t *testing.T) {
	f := newFixture(t)
	q := &deadQueue{}
	f.h.Deliveries = &admin.DeliveryAdmin{Queue: q}
	scores, dir, _ := salesHistory(t, f) // the MQL list the buttons come back to
	f.h.Scores, f.h.People = scores, dir
	mux := http.NewServeMux()
	f.h.Routes(mux)
	srv := httptest.NewServer(httpx.Routes(mux))
	defer srv.Close()
	f.url = srv.URL
	cookie, csrf := f.login(fullToken)
	form := url.Values{"csrf": {csrf}}.Encode()
	a := f.req("POST", "/admin/deadletters/p_1-c1/replay", form, "Cookie", cookie, "Content-Type", "application/x-www-form-urlencoded", "Accept", "text/html")
	if a.code != 303 || a.hdr.Get("Location") != "../../mqls?replayed=p_1-c1#replay-note" || len(q.replayed) != 1 {
		t.Fatalf("replay button: %d %v %v", a.code, a.hdr, q.replayed)
	}
	// The note is where the address's fragment lands, under the dead
	// letters' heading, and takes the focus (a screen reader says it); at
	// the page's top it was out of view and never announced.
	if page := f.req("GET", "/admin/mqls?replayed=p_1-c1", "", "Cookie", cookie, "Accept", "text/html"); page.code != 200 ||
		!regexp.MustCompile(`<h2 id="dead">[^\n]*</h2>\n(<p[^>]*>[^\n]*\n)?<p class="note" role="status" id="replay-note" tabindex="-1" autofocus>Dead letter p_1-c1 replayed.</p>`).MatchString(page.body) {
		t.Fatalf("the list after a replay: %d, want the focused note under the dead letters' heading:\n%s", page.code, page.body)
	}
	if a := f.req("POST", "/admin/deadletters/p_1-c1/replay", "", "Cookie", cookie, "Accept", "text/html"); a.code != 403 || len(q.replayed) != 1 {
		t.Fatalf("replay without CSRF: %d", a.code)
	}
	a = f.req("POST", "/admin/deadletters/p_1-c1/replay", "", "Authorization", "Bearer "+fullToken)
	if a.code != 200 || a.body != `{"replayed":"p_1-c1"}`+"\n" && a.body != `{"replayed":"p_1-c1"}` {
		t.Fatalf("API replay: %d %q", a.code, a.body)
	}
	// A replay that fails comes back to the list saying why (it was a
	// JSON error in the browser), in the page's language; the API's
	// answers stay.
	for _, c := range []struct{ id, why, ja string }{
		{"sf-gone", "gone", "ストリームに記録が残っていないため（保持は 24 時間）、この記録は削除しました"},
		{"p_9-c1", "missing", "もうありません"},
		{"sf-broken", "failed", "再送に失敗しました"},
		// Not reached in time is not "no longer there": it may be there.
		{"sf-far", "unreached", "届きませんでした"},
	} {
		a := f.req("POST", "/admin/deadletters/"+c.id+"/replay", form, "Cookie", cookie, "Content-Type", "application/x-www-form-urlencoded", "Accept", "text/html")
		want := "../../mqls?replay_failed=" + c.id + "&why=" + c.why + "#replay-note"
		if a.code != 303 || a.hdr.Get("Location") != want {
			t.Fatalf("failed replay of %s: %d %q, want 303 to %q", c.id, a.code, a.hdr.Get("Location"), want)
		}
		page := f.req("GET", "/admin/mqls?replay_failed="+c.id+"&why="+c.why+"&lang=ja", "", "Cookie", cookie, "Accept", "text/html")
		if page.code != 200 || !strings.Contains(page.body, c.ja) || !strings.Contains(page.body, c.id) {
			t.Fatalf("the list after %s's failed replay: %d, want %q:\n%s", c.id, page.code, c.ja, page.body)
		}
	}
	if a := f.req("POST", "/admin/deadletters/sf-gone/replay", "", "Authorization", "Bearer "+fullToken); a.code != 409 {
		t.Fatalf("API replay of a gone score failure: %d %s", a.code, a.body)
	}
	// The API: a 503 to ask again, saying why, never a 404.
	if a := f.req("POST", "/admin/deadletters/sf-far/replay", "", "Authorization", "Bearer "+fullToken); a.code != 503 || a.hdr.Get("Retry-After") != "2" || !strings.Contains(a.body, "not reached") {
		t.Fatalf("API replay of a dead letter not reached: %d %v %s", a.code, a.hdr, a.body)
	}
	page := f.req("GET", "/admin/mqls?replay_failed=sf-far&why=unreached", "", "Cookie", cookie, "Accept", "text/html")
	if !strings.Contains(page.body, "Dead letter sf-far was not reached") || strings.Contains(page.body, "no longer there") {
		t.Fatalf("the list after a replay not reached, in English:\n%s", page.body)
	}
}

type onePerson struct{ noPeople }

func (onePerson) Get(_ context.Context, id string) (identity.Person, error) {
	if id != "p_1" {
		return identity.Person{}, identity.ErrNotFound
	}
	return identity.Person{ID: "p_1", Email: "a@maker.example", Attributes: map[string]string{"name": "Sato Hanako", "company": "Maker"}}, nil
}

// events is a timeline of n page views, newest first.
type events int

func (n events) Timeline(_ context.Context, _ string, limit int) ([]event.Event, error) {
	var out []event.Event
	for i := int(n); i > 0 && len(out) < limit; i-- {
		out = append(out, event.Event{ID: fmt.Sprintf("e%02d", i), Type: event.PageView, URL: fmt.Sprintf("https://www.example.com/page-%02d", i), Timestamp: time.Date(2026, 11, 1, 0, i, 0, 0, time.UTC)})
	}
	return out, nil
}

// TestPersonTimelinePages: the person's page shows the timeline 25 events
// a page, newest first, with links to newer and older pages.
func TestPersonTimelinePages(t *testing.T) {
	f := newFixture(t)
	f.h.People, f.h.Timelines = onePerson{}, events(60)
	cookie, _ := f.login(fullToken)
	get := func(q string) string {
		a := f.req("GET", "/admin/people/p_1"+q, "", "Cookie", cookie, "Accept", "text/html")
		if a.code != 200 {
			t.Fatalf("person page%s: %d %s", q, a.code, a.body)
		}
		return a.body
	}
	first := get("")
	if !strings.Contains(first, "<h1>Sato Hanako</h1>") || !strings.Contains(first, "page-60") || !strings.Contains(first, "page-36") || strings.Contains(first, "page-35") ||
		!strings.Contains(first, `href="?page=1#timeline"`) || strings.Contains(first, "Newer") {
		t.Fatalf("first page: %s", first)
	}
	second := get("?page=1")
	if !strings.Contains(second, "page-35") || !strings.Contains(second, "page-11") || strings.Contains(second, "page-36") || strings.Contains(second, "page-10") ||
		!strings.Contains(second, `href="?page=0#timeline"`) || !strings.Contains(second, `href="?page=2#timeline"`) || !strings.Contains(second, "Page 2") {
		t.Fatalf("second page: %s", second)
	}
	last := get("?page=2")
	if !strings.Contains(last, "page-10") || !strings.Contains(last, "page-01") || strings.Contains(last, "?page=3") {
		t.Fatalf("last page: %s", last)
	}
	// Nonsense is said, never the first page instead.
	for _, q := range []string{"?page=-4", "?page=x", "?page=1001", "?page=1&page=2"} {
		if a := f.req("GET", "/admin/people/p_1"+q, "", "Cookie", cookie, "Accept", "text/html"); a.code != 400 || !strings.Contains(a.body, `role="alert">page `) || strings.Contains(a.body, "page-60") {
			t.Errorf("person page%s: %d %s", q, a.code, a.body)
		}
	}
	// An unknown person or campaign is a page for a browser, JSON for the API.
	for _, path := range []string{"/admin/people/p_2", "/admin/campaigns/nope"} {
		if a := f.req("GET", path, "", "Cookie", cookie, "Accept", "text/html", "Accept-Language", "ja"); a.code != 404 || !strings.Contains(a.body, `role="alert"`) || !strings.Contains(a.body, "該当する") {
			t.Errorf("%s in a browser: %d %s", path, a.code, a.body)
		}
		if a := f.req("GET", path, "", "Authorization", "Bearer "+fullToken); a.code != 404 || !strings.HasPrefix(a.hdr.Get("Content-Type"), "application/json") {
			t.Errorf("%s for the API: %d %s", path, a.code, a.body)
		}
	}
	// The API answer is the person as before.
	if a := f.req("GET", "/admin/people/p_1", "", "Authorization", "Bearer "+fullToken); a.code != 200 || !strings.Contains(a.body, `"email":"a@maker.example"`) {
		t.Fatalf("JSON: %d %s", a.code, a.body)
	}
}

// TestUnknownPageIsAPage: a signed-in browser at an admin address no route
// has got {"error":"no such route"}, raw JSON, where it expects the
// workspace; an API client still gets the JSON, and a route with another
// method still answers 405.
func TestUnknownPageIsAPage(t *testing.T) {
	f := newFixture(t)
	cookie, _ := f.login(fullToken)
	a := f.req("GET", "/admin/peple/x", "", "Cookie", cookie, "Accept", "text/html", "Accept-Language", "ja")
	if a.code != 404 || !strings.HasPrefix(a.hdr.Get("Content-Type"), "text/html") || !strings.Contains(a.body, "このページはありません。") || !strings.Contains(a.body, `href="../people"`) {
		t.Errorf("a browser: %d %s\n%s", a.code, a.hdr.Get("Content-Type"), a.body)
	}
	if a := f.req("GET", "/admin/peple", "", "Accept", "text/html"); a.code != 303 {
		t.Errorf("a browser signed out: %d, want the sign-in's 303", a.code)
	}
	if a := f.req("GET", "/admin/peple", "", "Authorization", "Bearer "+fullToken); a.code != 404 || a.body != `{"error":"no such route"}`+"\n" {
		t.Errorf("an API client: %d %s", a.code, a.body)
	}
	if a := f.req("PUT", "/admin/people", "", "Authorization", "Bearer "+fullToken); a.code != 405 {
		t.Errorf("a route's other method: %d, want 405", a.code)
	}
}

// TestStaleFormOffersNoSignIn: a form sent with a stale CSRF token (a tab
// left open over a restart) or from another site was refused with a page
// that also said "sign in again with an admin token that has the right
// scope", as a missing scope is: the token was fine, the form was not.
// Only the missing scope, and a credential refused, offer to sign in; an
// ended session without the scope's words.
func TestStaleFormOffersNoSignIn(t *testing.T) {
	f := newFixture(t)
	cookie, _ := f.login(fullToken)
	form := url.Values{"csrf": {"stale"}, "id": {"dec-news"}, "urls": {"https://www.example.com/a"}}
	for _, hdr := range [][]string{nil, {"Origin", "https://evil.example"}} {
		a := f.req("POST", "/admin/campaigns?lang=ja", form.Encode(), append([]string{"Cookie", cookie, "Content-Type", "application/x-www-form-urlencoded", "Accept", "text/html"}, hdr...)...)
		if a.code != 403 || !strings.Contains(a.body, `role="alert"`) || strings.Contains(a.body, "サインインし直してください") || strings.Contains(a.body, `href="login"`) {
			t.Errorf("%v: %d %s", hdr, a.code, a.body)
		}
	}
	ro, roCSRF := f.login(readToken)
	form.Set("csrf", roCSRF)
	if a := f.req("POST", "/admin/campaigns?lang=ja", form.Encode(), "Cookie", ro, "Content-Type", "application/x-www-form-urlencoded", "Accept", "text/html"); a.code != 403 || !strings.Contains(a.body, "必要な権限を持つ管理トークンでサインインし直してください") || !strings.Contains(a.body, `href="login"`) {
		t.Errorf("read-only: %d %s", a.code, a.body)
	}
	// A session that ended: any token of the scope signs in again; no
	// scope is missing.
	if a := f.req("POST", "/admin/campaigns?lang=ja", form.Encode(), "Cookie", "baton_admin=ended", "Content-Type", "application/x-www-form-urlencoded", "Accept", "text/html"); a.code != 401 ||
		!strings.Contains(a.body, "続けるには、もう一度サインインしてください") || strings.Contains(a.body, "必要な権限") || !strings.Contains(a.body, `href="login"`) {
		t.Errorf("ended session: %d %s", a.code, a.body)
	}
}
