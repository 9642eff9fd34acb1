package collect_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/collect"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/table"
)

const testKey = "write-key-0123456789" // newEnv's

// storedText is every stored item, as JSON: what a secret must not be in.
func storedText(t *testing.T, e *env) string {
	t.Helper()
	var b strings.Builder
	err := e.tb.Scan(context.Background(), "", func(it table.Item) error {
		j, err := json.Marshal(it)
		b.Write(j)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestWriteKeyInTheBody: Segment's HTTP API takes the write key in the
// body, without an Authorization header ("writeKey authentication", HTTP
// API Source), as analytics.js sends it (normalize.ts: json.writeKey =
// settings.apiKey; batched-dispatcher.ts: {writeKey, batch, sentAt}). A
// wrong one is refused as a wrong Basic user name is, and the key, a
// secret, is stored nowhere.
func TestWriteKeyInTheBody(t *testing.T) {
	e := newEnv(t)
	json := map[string]string{"Content-Type": "application/json"}
	track := `{"userId":"body-1","event":"Signed Up","writeKey":"` + testKey + `","properties":{"plan":"pro"},"context":{"library":{"name":"analytics-python","version":"2.3.2"}}}`
	if w := e.do("POST", "/v1/track", track, json); w.Code != 200 || !strings.Contains(w.Body.String(), `"success":true`) {
		t.Fatalf("track with the body's writeKey: %d %s", w.Code, w.Body)
	}
	batch := `{"writeKey":"` + testKey + `","sentAt":"2026-01-01T00:00:01Z","batch":[
	  {"type":"identify","userId":"body-2","writeKey":"` + testKey + `","traits":{"email":"body2@example.com"},"timestamp":"2026-01-01T00:00:00Z"},
	  {"type":"page","anonymousId":"body-anon-3","writeKey":"` + testKey + `","properties":{"url":"https://www.example.com/p"}}]}`
	if w := e.do("POST", "/v1/batch", batch, json); w.Code != 200 || strings.Contains(w.Body.String(), "refused") {
		t.Fatalf("batch with the body's writeKey: %d %s", w.Code, w.Body)
	}
	for _, v := range []string{"u:body-1", "u:body-2", "body-anon-3"} {
		if evs, _ := e.log.Visitor(context.Background(), v); len(evs) != 1 {
			t.Errorf("%s: %d events stored", v, len(evs))
		}
	}
	if p, err := e.dir.ByEmail(context.Background(), "body2@example.com"); err != nil || p.ID == "" {
		t.Errorf("identify in a batch with the body's key: %+v %v", p, err)
	}
	if s := storedText(t, e); strings.Contains(s, testKey) {
		t.Fatalf("the write key is stored: %s", s)
	}

	refused := []struct {
		name, body string
		hdr        map[string]string
		says       string
	}{
		{"wrong key", `{"userId":"r1","event":"x","writeKey":"wrong-key-0123456789"}`, json, "wrong write key"},
		{"key not a string", `{"userId":"r1","event":"x","writeKey":12}`, json, "wrong write key"},
		{"empty key", `{"userId":"r1","event":"x","writeKey":""}`, json, "wrong write key"},
		{"only an event's key", `{"batch":[{"type":"track","userId":"r1","event":"x","writeKey":"` + testKey + `"}]}`, json, "as \"writeKey\" in the body"},
		{"not JSON", `writeKey=` + testKey, json, "send the write key"},
		// An Authorization header decides: the body's key does not rescue a wrong one.
		{"wrong header, right body", `{"userId":"r1","event":"x","writeKey":"` + testKey + `"}`,
			map[string]string{"Content-Type": "application/json", "Authorization": "Basic d3Jvbmc6"}, "wrong write key"},
		{"bearer", `{"userId":"r1","event":"x","writeKey":"` + testKey + `"}`,
			map[string]string{"Content-Type": "application/json", "Authorization": "Bearer token"}, "send the write key"},
	}
	for _, c := range refused {
		w := e.do("POST", "/v1/track", c.body, c.hdr)
		if w.Code != 401 {
			t.Errorf("%s: %d %s", c.name, w.Code, w.Body)
			continue
		}
		if m := errBody(t, w); !strings.Contains(m["error"].(string), c.says) {
			t.Errorf("%s: %s, want it to say %q", c.name, w.Body, c.says)
		}
	}
	if evs, _ := e.log.Visitor(context.Background(), "u:r1"); len(evs) != 0 {
		t.Fatalf("refused calls stored %d events", len(evs))
	}
}

// TestAnalyticsJSRequests: analytics.js (@segment/analytics-next) from the
// site's page, pointed at Baton (apiHost "<baton>/v1"): each call is posted
// to its type's initial, /v1/t, /v1/p, /v1/i ... (segmentio/index.ts: path
// = ctx.event.type.charAt(0)), batches to /v1/b (batched-dispatcher.ts),
// as text/plain with the write key in the body and no Authorization
// (fetch-dispatcher.ts, shared-dispatcher.ts). The page reads the answer
// only with CORS headers; without them its fetch fails and the event is
// queued and sent again.
func TestAnalyticsJSRequests(t *testing.T) {
	e := newEnv(t)
	hdr := map[string]string{"Content-Type": "text/plain", "Origin": "https://www.example.com"}
	ctx := `"context":{"library":{"name":"analytics.js","version":"next-1.70.0"},"userAgent":"Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120.0","locale":"ja-JP","page":{"url":"https://www.example.com/pricing","title":"Pricing","referrer":"","path":"/pricing","search":""}}`
	common := `"anonymousId":"0a6cbf3e-5d0c-4c4a-9bd3-9d2bbf6f1c01","writeKey":"` + testKey + `","sentAt":"2026-01-01T00:00:01.000Z","timestamp":"2026-01-01T00:00:00.500Z","integrations":{},"_metadata":{"bundled":["Segment.io"],"unbundled":[],"bundledIds":[]},` + ctx
	calls := []struct{ path, body string }{
		{"/v1/p", `{"type":"page","messageId":"ajs-next-p1","properties":{"url":"https://www.example.com/pricing","title":"Pricing"},` + common + `}`},
		{"/v1/t", `{"type":"track","event":"Demo Requested","messageId":"ajs-next-t1","properties":{},` + common + `}`},
		{"/v1/i", `{"type":"identify","userId":4711,"messageId":"ajs-next-i1","traits":{"email":"ajs@example.com"},` + common + `}`},
		{"/v1/g", `{"type":"group","groupId":"acme","userId":4711,"messageId":"ajs-next-g1","traits":{"name":"Acme"},` + common + `}`},
		{"/v1/a", `{"type":"alias","userId":"4711","previousId":"0a6cbf3e-5d0c-4c4a-9bd3-9d2bbf6f1c01","messageId":"ajs-next-a1",` + common + `}`},
		// A screen from a page carries its URL (context.page): a page view.
		{"/v1/s", `{"type":"screen","name":"Home","userId":4711,"messageId":"ajs-next-s1",` + common + `}`},
		{"/v1/b", `{"writeKey":"` + testKey + `","sentAt":"2026-01-01T00:00:02.000Z","batch":[{"type":"track","event":"Batched","messageId":"ajs-next-b1",` + strings.Replace(common, `"sentAt":"2026-01-01T00:00:01.000Z",`, "", 1) + `}]}`},
	}
	for _, c := range calls {
		w := e.do("POST", c.path, c.body, hdr)
		if w.Code != 200 || !strings.Contains(w.Body.String(), `"success":true`) || strings.Contains(w.Body.String(), "refused") {
			t.Errorf("%s: %d %s", c.path, w.Code, w.Body)
			continue
		}
		if w.Header().Get("Access-Control-Allow-Origin") != "https://www.example.com" {
			t.Errorf("%s: no CORS headers for the site's page: %v", c.path, w.Header())
		}
	}
	bg := context.Background()
	anon, _ := e.log.Visitor(bg, "0a6cbf3e-5d0c-4c4a-9bd3-9d2bbf6f1c01")
	types := map[string]bool{}
	for _, ev := range anon {
		types[ev.Type+"/"+ev.Name] = true
		if ev.UserID != "" && ev.UserID != "4711" {
			t.Errorf("numeric userId stored as %q", ev.UserID)
		}
	}
	for _, want := range []string{"page_view/", "custom/Demo Requested", "identify/", "custom/$group", "custom/$alias", "page_view/Home", "custom/Batched"} {
		if !types[want] {
			t.Errorf("no %s stored: %v", want, types)
		}
	}
	// The numeric userId and the string one are the same user.
	p, err := e.dir.ByEmail(bg, "ajs@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if q, _ := e.h.People.PersonOf(bg, "u:4711"); q != p.ID {
		t.Errorf("userId 4711 belongs to %q, the identified person is %q", q, p.ID)
	}
	if s := storedText(t, e); strings.Contains(s, testKey) {
		t.Fatalf("the write key is stored: %s", s)
	}

	// analytics.js 1.84 also sends the key as Basic auth, and
	// X-Retry-Count on a retry (fetch-dispatcher.js): a preflight each.
	// Another site's page reads no answer (a preflight from it is refused).
	w := e.do("OPTIONS", "/v1/t", "", map[string]string{"Origin": "https://www.example.com", "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization,content-type,x-retry-count"})
	allowed := strings.ToLower(w.Header().Get("Access-Control-Allow-Headers"))
	if w.Code != 204 || w.Header().Get("Access-Control-Allow-Origin") != "https://www.example.com" || !strings.Contains(allowed, "authorization") || !strings.Contains(allowed, "x-retry-count") {
		t.Errorf("preflight: %d %v", w.Code, w.Header())
	}
	hdr["Authorization"] = "Basic d3JpdGUta2V5LTAxMjM0NTY3ODk6"
	if w := e.do("POST", "/v1/t", strings.Replace(calls[1].body, "ajs-next-t1", "ajs-next-t2", 1), hdr); w.Code != 200 || w.Header().Get("Access-Control-Allow-Origin") != "https://www.example.com" {
		t.Errorf("with Basic auth too: %d %v", w.Code, w.Header())
	}
	w = e.do("OPTIONS", "/v1/t", "", map[string]string{"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
	if w.Code != 403 || w.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("another site's preflight: %d %v", w.Code, w.Header())
	}
	// The write key admits a call, whatever its Origin (a first-party
	// proxy forwards its page's): only the answer's CORS headers are the
	// site's alone.
	w = e.do("POST", "/v1/t", strings.Replace(calls[1].body, "ajs-next-t1", "ajs-next-t3", 1), map[string]string{"Content-Type": "text/plain", "Origin": "https://evil.example"})
	if w.Code != 200 || w.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("another origin: %d %v", w.Code, w.Header())
	}
}

// TestServerContentTypes: Segment documents application/json, and
// analytics.js sends text/plain; a body without a type is read as JSON (curl
// -d sends a form type, refused: it is no JSON sender's).
func TestServerContentTypes(t *testing.T) {
	e := newEnv(t)
	basic := "Basic d3JpdGUta2V5LTAxMjM0NTY3ODk6"
	for i, ct := range []string{"application/json", "application/json; charset=utf-8", "text/plain;charset=UTF-8", ""} {
		hdr := map[string]string{"Authorization": basic}
		if ct != "" {
			hdr["Content-Type"] = ct
		}
		if w := e.do("POST", "/v1/track", `{"userId":"ct","event":"x","messageId":"m`+string(rune('0'+i))+`"}`, hdr); w.Code != 200 {
			t.Errorf("%q: %d %s", ct, w.Code, w.Body)
		}
	}
	for _, ct := range []string{"application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml", "text/html", "json"} {
		w := e.do("POST", "/v1/track", `{"userId":"ct","event":"x"}`, map[string]string{"Authorization": basic, "Content-Type": ct})
		if w.Code != 415 {
			t.Errorf("%q: %d %s", ct, w.Code, w.Body)
			continue
		}
		if m := errBody(t, w); !strings.Contains(m["error"].(string), "application/json") {
			t.Errorf("%q: %s", ct, w.Body)
		}
	}
}

// TestSegmentSizeLimits: Segment's limits (32 KB a call, 500 KB a batch,
// 32 KB an event of it) answered as JSON naming the limit.
func TestSegmentSizeLimits(t *testing.T) {
	e := newEnv(t)
	hdr := map[string]string{"Content-Type": "application/json", "Authorization": "Basic d3JpdGUta2V5LTAxMjM0NTY3ODk6"}
	pad := strings.Repeat("x", event.MaxEventBytes)
	w := e.do("POST", "/v1/track", `{"userId":"big","event":"x","properties":{"pad":"`+pad+`"}}`, hdr)
	if w.Code != 413 || !strings.Contains(errBody(t, w)["error"].(string), "32 KB an event") {
		t.Errorf("a 32 KB call: %d %s", w.Code, w.Body)
	}
	big := `{"batch":[` + strings.Repeat(`{"type":"track","userId":"big","event":"x","properties":{"pad":"`+pad[:20000]+`"}},`, 26) + `{"type":"track","userId":"big","event":"x"}]}`
	w = e.do("POST", "/v1/batch", big, hdr)
	if w.Code != 413 || !strings.Contains(errBody(t, w)["error"].(string), "500 KB a batch") {
		t.Errorf("a 500 KB batch: %d %s", w.Code, w.Body)
	}
	w = e.do("POST", "/v1/batch", `{"batch":[{"type":"track","userId":"big","event":"x","properties":{"pad":"`+pad+`"}},{"type":"track","userId":"big","event":"kept"}]}`, hdr)
	var ans struct {
		Refused []struct {
			Error string
			Index int
		}
	}
	if w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &ans) != nil || len(ans.Refused) != 1 || ans.Refused[0].Index != 0 || !strings.Contains(ans.Refused[0].Error, "32 KB an event") {
		t.Errorf("a 32 KB event of a batch: %d %s", w.Code, w.Body)
	}
}

// TestSegmentBatchOf2500: Segment takes up to 2,500 events a batch (HTTP
// API Source, Errors: "Each batch request can only have up to 2500
// events"); a sender batching small events to that count must not have
// the whole batch refused (SDKs drop a batch a 4xx answered).
func TestSegmentBatchOf2500(t *testing.T) {
	e := newEnv(t)
	hdr := map[string]string{"Content-Type": "application/json", "Authorization": "Basic d3JpdGUta2V5LTAxMjM0NTY3ODk6"}
	evs := make([]string, 2500)
	for i := range evs {
		evs[i] = fmt.Sprintf(`{"type":"track","userId":"many","event":"e","messageId":"m%d"}`, i)
	}
	w := e.do("POST", "/v1/batch", `{"batch":[`+strings.Join(evs, ",")+`]}`, hdr)
	if w.Code != 200 || strings.Contains(w.Body.String(), "refused") {
		t.Fatalf("2,500 events: %d %s", w.Code, w.Body)
	}
	if stored, _ := e.log.Visitor(context.Background(), "u:many"); len(stored) != 2500 {
		t.Fatalf("%d of 2,500 stored", len(stored))
	}
	w = e.do("POST", "/v1/batch", `{"batch":[`+strings.Join(append(evs, evs[0]), ",")+`]}`, hdr)
	if w.Code != 400 || !strings.Contains(errBody(t, w)["error"].(string), "more than 2500 events") {
		t.Fatalf("2,501 events: %d %s", w.Code, w.Body)
	}
}

func gzipped(s string) string {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte(s))
	zw.Close()
	return b.String()
}

// TestGzipBodies: Segment's mobile SDKs gzip their batches.
// analytics-kotlin (HTTPClient.kt) posts to <apiHost>/b with Content-Type
// text/plain and Content-Encoding gzip, no Authorization header, the body
// {"batch":[...],"sentAt":...,"writeKey":...} (EventsFileManager.kt).
// The size limits hold once decompressed.
func TestGzipBodies(t *testing.T) {
	e := newEnv(t)
	hdr := map[string]string{"Content-Type": "text/plain", "Content-Encoding": "gzip", "User-Agent": "analytics-kotlin/1.19.1"}
	batch := `{"batch":[{"type":"screen","name":"Home","anonymousId":"5c2f1a8e-android","messageId":"k1","timestamp":"2026-01-01T00:00:00.000Z","context":{"library":{"name":"com.segment.analytics.kotlin.android","version":"1.19.1"},"os":{"name":"Android","version":"14"}},"integrations":{},"properties":{}},` +
		`{"type":"track","event":"Signed Up","userId":"k-user-1","anonymousId":"5c2f1a8e-android","messageId":"k2","timestamp":"2026-01-01T00:00:01.000Z","properties":{"plan":"pro"}}],` +
		`"sentAt":"2026-01-01T00:00:02.000Z","writeKey":"` + testKey + `"}`
	if w := e.do("POST", "/v1/b", gzipped(batch), hdr); w.Code != 200 || strings.Contains(w.Body.String(), "refused") {
		t.Fatalf("analytics-kotlin's batch: %d %s", w.Code, w.Body)
	}
	if evs, _ := e.log.Visitor(context.Background(), "5c2f1a8e-android"); len(evs) != 2 || evs[0].Name == evs[1].Name {
		t.Fatalf("stored %+v", evs)
	}
	// With Basic auth and application/json, as analytics-ios's gzipped uploads.
	basic := map[string]string{"Content-Type": "application/json", "Content-Encoding": "gzip", "Authorization": "Basic d3JpdGUta2V5LTAxMjM0NTY3ODk6"}
	if w := e.do("POST", "/v1/batch", gzipped(`{"batch":[{"type":"track","event":"Opened","userId":"ios-1"}]}`), basic); w.Code != 200 {
		t.Fatalf("gzip with Basic auth: %d %s", w.Code, w.Body)
	}

	bomb := gzipped(`{"batch":[{"type":"track","event":"x","userId":"b","properties":{"pad":"` + strings.Repeat("x", event.MaxRequestBytes) + `"}}],"writeKey":"` + testKey + `"}`)
	for _, c := range []struct {
		name, body, enc string
		status          int
		says            string
	}{
		{"larger than 500 KB once decompressed", bomb, "gzip", 413, "once decompressed"},
		{"not gzip", batch, "gzip", 400, "not gzip"},
		{"truncated", gzipped(batch)[:40], "gzip", 400, "corrupt"},
		{"another encoding", batch, "br", 415, "gzip"},
	} {
		h := map[string]string{"Content-Type": "text/plain", "Content-Encoding": c.enc, "Authorization": "Basic d3JpdGUta2V5LTAxMjM0NTY3ODk6"}
		w := e.do("POST", "/v1/b", c.body, h)
		if w.Code != c.status || !strings.Contains(errBody(t, w)["error"].(string), c.says) {
			t.Errorf("%s: %d %s", c.name, w.Code, w.Body)
		}
	}
	if len(bomb) > 4096 {
		t.Fatalf("the bomb is %d bytes compressed: not a small one", len(bomb))
	}
}

// TestSegmentDocExamples: the calls of Segment's HTTP API documentation
// (HTTP API Source: Identify, Track, Page, Screen, Group, Alias, Batch), as
// written there, the write key in the body and no Authorization header.
// Its page and screen examples name no URL: a backend's view by name, kept
// as the custom events Segment's destinations name them.
func TestSegmentDocExamples(t *testing.T) {
	e := newEnv(t)
	wk := `"writeKey": "` + testKey + `"`
	hdr := map[string]string{"Content-Type": "application/json"}
	calls := []struct{ path, body string }{
		{"/v1/identify", `{"userId": "019mr8mf4r","traits": {"email": "pgibbons@example.com","name": "Peter Gibbons","industry": "Technology"},"context": {"ip": "24.5.68.47"},"timestamp": "2012-12-02T00:30:08.276Z",` + wk + `}`},
		{"/v1/track", `{"userId": "019mr8mf4r","event": "Item Purchased","properties": {"name": "Leap to Conclusions Mat","revenue": 14.99},"context": {"ip": "24.5.68.47"},"timestamp": "2012-12-02T00:30:12.984Z",` + wk + `}`},
		{"/v1/page", `{"userId": "019mr8mf4r","name": "Tracking HTTP API","timestamp": "2012-12-02T00:31:29.738Z",` + wk + `}`},
		{"/v1/screen", `{"userId": "019mr8mf4r","name": "Tracking HTTP API","timestamp": "2012-12-02T00:31:29.738Z",` + wk + `}`},
		{"/v1/group", `{"userId": "019mr8mf4r","groupId": "8e9df332ac","traits": {"name": "Initech","industry": "Technology","employees": 420},"timestamp": "2012-12-02T00:31:38.208Z",` + wk + `}`},
		{"/v1/alias", `{"previousId": "39239-239239-239239-23923","userId": "019mr8mf4r","timestamp": "2012-12-02T00:31:29.738Z",` + wk + `}`},
		{"/v1/identify", `{"userId": "019mr8mf4r","traits": {"email": "pgibbons@example.com"},"integrations": {"All": false,"Mixpanel": true,"Kissmetrics": true,"Google Analytics": false},` + wk + `}`},
	}
	for _, c := range calls {
		if w := e.do("POST", c.path, c.body, hdr); w.Code != 200 || strings.Contains(w.Body.String(), "refused") {
			t.Errorf("%s %s: %d %s", c.path, c.body, w.Code, w.Body)
		}
	}
	evs, _ := e.log.Visitor(context.Background(), "u:019mr8mf4r")
	names := map[string]int{}
	for _, ev := range evs {
		names[ev.Type+"/"+ev.Name]++
	}
	for _, want := range []string{"identify/", "custom/Item Purchased", "custom/Viewed Tracking HTTP API Page", "custom/Viewed Tracking HTTP API Screen", "custom/$group", "custom/$alias"} {
		if names[want] == 0 {
			t.Errorf("no %s stored: %v", want, names)
		}
	}
	// The doc's batch, its context and writeKey beside the batch. Two of
	// its timestamps ("2015-2-02T00:30:08.276Z") are no ISO-8601 date:
	// those two are refused by name, the rest stored.
	batch := `{"batch": [
	  {"type": "identify","userId": "019mr8mf4r","traits": {"email": "jake@yahoo.com","name": "Jake Peterson","age": 26},"timestamp": "2012-12-02T00:30:08.276Z"},
	  {"type": "track","userId": "019mr8mf4r","event": "Song Played","properties": {"name": "Fallin for You","artist": "Dierks Bentley"},"timestamp": "2012-12-02T00:30:12.984Z"},
	  {"type": "identify","userId": "971mj8mk7p","traits": {"email": "cindy@example.com","name": "Cindy Gonzalez","age": 23},"timestamp": "2015-2-02T00:30:08.276Z"},
	  {"type": "track","userId": "971mj8mk7p","event": "Song Played","properties": {"name": "Get Right","artist": "Jennifer Lopez"},"timestamp": "2015-2-02T00:30:12.984Z"}],
	  ` + wk + `,"context": {"device": {"type": "phone","name": "Apple iPhone 6"}}}`
	w := e.do("POST", "/v1/batch", batch, hdr)
	var ans struct {
		Success bool
		Refused []struct {
			Field string
			Index int
		}
	}
	if w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &ans) != nil || !ans.Success || len(ans.Refused) != 2 ||
		ans.Refused[0].Index != 2 || ans.Refused[1].Index != 3 || ans.Refused[0].Field != "timestamp" {
		t.Errorf("the doc's batch: %d %s", w.Code, w.Body)
	}
}

// TestPageCallsHonourBrowserChoices: analytics.js's calls come from the
// visitor's browser, which sends its Global Privacy Control (Sec-GPC) and,
// through a first-party proxy, Baton's opt-out cookie: they hold as on
// POST /e (nothing stored, a success so that nothing is sent again). A
// backend's call carries no Origin, and the visitor's choices reach it as
// context.consent.
func TestPageCallsHonourBrowserChoices(t *testing.T) {
	e := newEnv(t)
	track := func(id string) string {
		return `{"type":"track","event":"Demo Requested","anonymousId":"gpc-anon-1","messageId":"` + id + `","writeKey":"` + testKey + `"}`
	}
	page := map[string]string{"Content-Type": "text/plain", "Origin": "https://www.example.com", "Sec-GPC": "1"}
	w := e.do("POST", "/v1/t", track("g1"), page)
	if w.Code != 200 || !strings.Contains(w.Body.String(), `"success":true`) || !strings.Contains(w.Body.String(), "Global Privacy Control") {
		t.Fatalf("GPC: %d %s", w.Code, w.Body)
	}
	delete(page, "Sec-GPC")
	page["Cookie"] = collect.OptOutCookie + "=1"
	if w := e.do("POST", "/v1/t", track("g2"), page); w.Code != 200 || !strings.Contains(w.Body.String(), "opted out") {
		t.Fatalf("opted out: %d %s", w.Code, w.Body)
	}
	if evs, _ := e.log.Visitor(context.Background(), "gpc-anon-1"); len(evs) != 0 {
		t.Fatalf("stored %d events of a browser that refused", len(evs))
	}
	if w := e.do("POST", "/v1/track", track("g3"), map[string]string{"Content-Type": "application/json", "Sec-GPC": "1"}); w.Code != 200 {
		t.Fatalf("a backend's call: %d %s", w.Code, w.Body)
	}
	e.h.Consent.IgnoreGPC = true
	if w := e.do("POST", "/v1/t", track("g4"), map[string]string{"Content-Type": "text/plain", "Origin": "https://www.example.com", "Sec-GPC": "1"}); w.Code != 200 {
		t.Fatalf("GPC ignored by configuration: %d %s", w.Code, w.Body)
	}
	evs, _ := e.log.Visitor(context.Background(), "gpc-anon-1")
	if len(evs) != 2 {
		t.Fatalf("%d events stored, want the backend's and the one under ignore_gpc", len(evs))
	}
}

// TestSecretFormFieldsNeverStored: README ("Visitors, cookies and people")
// says "Password, token and card-like fields are never stored", but only
// the tag filtered them, in the browser: a form_submit's fields from the
// Segment API (a backend or analytics.js forwarding a form), or from any
// client of POST /e, kept a password, a card number and their Japanese-
// named kin in the event store, the timeline and, through identify, the
// person's attributes. Every path now drops them (event.SecretField, card
// numbers by value) before anything is stored.
func TestSecretFormFieldsNeverStored(t *testing.T) {
	e := newEnv(t)
	now := time.Date(2031, 5, 12, 9, 0, 0, 0, time.UTC)
	e.h.Now, e.dir.Now = clock.Fixed(now), clock.Fixed(now)
	secrets := `"password":"hunter2","pw":"hunter3","card_number":"4111111111111111","cvc":"123","パスワード":"himitsu1","カード番号":"4111111111111111",` +
		`"暗証番号":"1234","マイナンバー":"123456789012","口座番号":"7654321","cc-number":"378282246310005","text-4":"hunter4","ref":"5500 0055 5555 5559"`
	fields := func(email string) string {
		return `{"email":"` + email + `",` + secrets + `,"company":"Acme","message":"card 6011-1111-1111-1117 please"}`
	}
	labels := `{"text-4":"パスワード（確認）","company":"会社名"}`
	auth := "Basic " + base64.StdEncoding.EncodeToString([]byte(testKey+":"))
	segment := map[string]string{"Content-Type": "application/json", "Authorization": auth}
	browser := map[string]string{"Content-Type": "text/plain", "Origin": "https://www.example.com",
		"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"}
	ms := strconv.FormatInt(now.UnixMilli(), 10)
	sends := []struct{ path, body, visitor, email string }{
		{"/v1/track", `{"userId":"u1","event":"form_submit","properties":{"url":"https://www.example.com/contact","form":{"id":"contact"},"fields":` + fields("taro@example.co.jp") + `,"labels":` + labels + `}}`, "u:u1", "taro@example.co.jp"},
		{"/e", `{"type":"form_submit","messageId":"m-form-1","anonymousId":"anon-form-1","properties":{"url":"https://www.example.com/contact","form":{"id":"contact"},"fields":` + fields("hanako@example.co.jp") + `,"labels":` + labels + `}}`, "anon-form-1", "hanako@example.co.jp"},
		// The tag's array form: its email travels as n.
		{"/e", `[["anon-form-2",false,"m-form-2",1,"www","s","jiro@example.co.jp",["https://www.example.com/contact","Contact",{` + secrets + `,"company":"Acme","message":"card 6011-1111-1111-1117 please"},"contact","","",` + labels + `],` + ms + `],` + ms + `]`, "anon-form-2", "jiro@example.co.jp"},
		// Traits have no labels: text-4 says nothing there.
		{"/v1/identify", `{"userId":"u3","traits":` + strings.Replace(fields("saburo@example.co.jp"), `"text-4":"hunter4",`, "", 1) + `}`, "u:u3", "saburo@example.co.jp"},
	}
	leaks := []string{"hunter", "himitsu", "4111", "3782", "5500", "6011", "123456789012", "7654321", `"123"`, `"1234"`}
	for _, s := range sends {
		hdr := segment
		if s.path == "/e" {
			hdr = browser
		}
		if w := e.do("POST", s.path, s.body, hdr); w.Code/100 != 2 || strings.Contains(w.Body.String(), "refused") {
			t.Fatalf("%s: %d %s", s.path, w.Code, w.Body)
		}
		evs, err := e.log.Visitor(context.Background(), s.visitor)
		if err != nil || len(evs) != 1 {
			t.Fatalf("%s: %d events stored (%v)", s.visitor, len(evs), err)
		}
		b, _ := json.Marshal(evs[0])
		p, err := e.dir.ByEmail(context.Background(), s.email)
		if err != nil {
			t.Fatalf("%s not identified: %v", s.email, err)
		}
		// What the person holds from the form: their attributes (their
		// random id, p_…ee4111…, once held a leak's digits by chance).
		pj, _ := json.Marshal(p.Attributes)
		for _, l := range leaks {
			if strings.Contains(string(b), l) {
				t.Errorf("%s: the stored event holds %s: %s", s.visitor, l, b)
			}
			if strings.Contains(string(pj), l) {
				t.Errorf("%s: the person holds %s: %s", s.email, l, pj)
			}
		}
		if p.Attributes["company"] != "Acme" || p.Attributes["message"] != "card [card number] please" {
			t.Errorf("%s: what is no secret must stay: %s", s.email, pj)
		}
	}
}

// TestSingleCallsTakeOneEvent: /v1/track, /v1/page ... are one event's
// calls. An array or a batch sent there (an integrator's mistake) is a 400
// pointing to /v1/batch, not a 500 (the answer's indexes assumed one
// event), and stores nothing; a batch's object of one event still reads.
func TestSingleCallsTakeOneEvent(t *testing.T) {
	e := newEnv(t)
	hdr := map[string]string{"Content-Type": "application/json", "Authorization": "Basic d3JpdGUta2V5LTAxMjM0NTY3ODk6"}
	for _, c := range []struct{ path, body string }{
		{"/v1/track", `[{"userId":"two","event":"T","messageId":"two-1"},{"userId":"two","event":"U","messageId":"two-2"}]`},
		{"/v1/track", `{"batch":[{"type":"track","userId":"two","event":"T","messageId":"two-3"},{"type":"track","userId":"two","event":"U","messageId":"two-4"}]}`},
		{"/v1/identify", `[{"userId":"two","traits":{"title":"a"},"messageId":"two-5"},{"userId":"two","traits":{"title":"b"},"messageId":"two-6"}]`},
		{"/v1/page", `[{"userId":"two","name":"a","messageId":"two-7"},{"userId":"two","name":"b","messageId":"two-8"}]`},
	} {
		w := e.do("POST", c.path, c.body, hdr)
		if w.Code != 400 || !strings.Contains(errBody(t, w)["error"].(string), "/v1/batch") {
			t.Errorf("%s with two events: %d %s", c.path, w.Code, w.Body)
		}
	}
	if s := storedText(t, e); strings.Contains(s, "two-") {
		t.Errorf("a refused call stored events: %s", s)
	}
	if w := e.do("POST", "/v1/track", `[{"userId":"one","event":"T","messageId":"one-1"}]`, hdr); w.Code != 200 {
		t.Errorf("an array of one event: %d %s", w.Code, w.Body)
	}
	if !strings.Contains(storedText(t, e), "one-1") {
		t.Error("a stored event's message id is not in the stored text: the check above proves nothing")
	}
}

// TestUnknownCallIs404: a call Segment's API does not have is a 404 naming
// the calls, not a 405 (the preflight's route matches every /v1 path).
func TestUnknownCallIs404(t *testing.T) {
	e := newEnv(t)
	hdr := map[string]string{"Content-Type": "application/json", "Authorization": "Basic d3JpdGUta2V5LTAxMjM0NTY3ODk6"}
	w := e.do("POST", "/v1/nonsense", `{"userId":"x","event":"T"}`, hdr)
	if w.Code != 404 || !strings.Contains(errBody(t, w)["error"].(string), "track, identify") {
		t.Errorf("unknown call: %d %s", w.Code, w.Body)
	}
}
