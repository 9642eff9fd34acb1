package stack_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/infra/local/stack"
	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/identity"
)

// sdkRun is what tag/browser/segment.mjs prints.
type sdkRun struct {
	SDK   struct{ Version string }
	Calls map[string]struct {
		Method, MessageID, Type, Timestamp, Error string
		Library                                   struct{ Name, Version string }
	}
	Exchanges []struct {
		Phase, URL, SentAt, UserAgent, RetryAfter string
		RetryCount, Status, BatonStatus           int
		WriteKeyInBody                            bool
		MessageIDs                                []string
		Body                                      json.RawMessage
	}
	Errors []string
}

// TestSegmentNodeSDK: Segment's own Node SDK (@segment/analytics-node,
// pinned in tag/browser's lock file) sends what a B2B backend sends to the
// Segment-compatible API, and Baton stores it as the SDK meant it: page,
// identify (a full-width email and Japanese traits; another with traits
// shaped as Segment's spec shapes them), track (custom, and a download),
// screen (an app's: a custom event), group, alias (from an anonymousId and
// from an earlier userId). A batch with an invalid event is answered 200
// naming it, the rest stored and nothing sent again (one over 32 KB too,
// which the SDK's size guard lets through; alone, an invalid event is a
// 400 the SDK gives up on at once); a request Baton stored but whose answer
// was lost (503) is retried with the same messageIds and stored once; a
// burst past the rate limit is answered 429 and delivered by the SDK's
// retries. Every event is stored once, with its type and name and its time
// corrected for the SDK's clock by its sentAt; the person is made and
// their ids are joined.
func TestSegmentNodeSDK(t *testing.T) {
	if _, err := exec.LookPath("node"); err != nil {
		t.Fatal("node missing: Baton's Segment API must be tested with Segment's SDK (install Node.js 20+)")
	}
	if _, err := os.Stat("../../../tag/browser/node_modules/@segment/analytics-node/package.json"); err != nil {
		t.Fatal("@segment/analytics-node missing: run make deps (npm ci --prefix tag/browser)")
	}
	dir := t.TempDir()
	cfg := filepath.Join(dir, "baton.yaml")
	// 20 requests at once, then 10 a second: the calls before the burst
	// (15 requests, one after another) pass, a burst of 40 at once does not.
	os.WriteFile(cfg, []byte("rate_limit_per_ip: 10\nrate_limit_burst: 20\n"), 0o600)
	// Baton's clock is not the SDK's (the wall clock): stored times must
	// be the SDK's corrected by its sentAt, on Baton's clock.
	now := time.Date(2026, 11, 16, 10, 0, 0, 0, time.UTC)
	s := stack.ForTestClock(t, map[string]string{"BATON_CONFIG": cfg}, clock.Fixed(now))
	const writeKey, burst = "test-write-key-0123456789", 40

	cmd := exec.Command("node", "../../../tag/browser/segment.mjs")
	cmd.Env = append(os.Environ(), "URL="+s.URL, "WRITE_KEY="+writeKey, "BURST="+strconv.Itoa(burst))
	cmd.Stderr = os.Stderr
	raw, err := cmd.Output()
	if err != nil {
		t.Fatalf("segment.mjs: %v %s", err, raw)
	}
	var run sdkRun
	if err := json.Unmarshal(raw, &run); err != nil {
		t.Fatalf("%v %s", err, raw)
	}
	settle(t, s)
	ctx := context.Background()

	if run.SDK.Version != "3.1.0" {
		t.Errorf("SDK version %q: the lock file pins 3.1.0", run.SDK.Version)
	}
	// The one failed delivery: the invalid event sent alone, answered 400.
	if len(run.Errors) != 1 || !strings.Contains(run.Errors[0], "[400]") {
		t.Errorf("the SDK reported delivery errors: %v", run.Errors)
	}
	for name, c := range run.Calls {
		if name == "invalidAlone" {
			if !strings.Contains(c.Error, "[400]") {
				t.Errorf("the invalid event alone: the SDK says %q", c.Error)
			}
			continue
		}
		if c.Error != "" {
			t.Errorf("%s: the SDK gave up: %s", name, c.Error)
		}
		if c.Library.Name != "@segment/analytics-node" {
			t.Errorf("%s: sent without context.library: %+v", name, c.Library)
		}
	}
	for _, x := range run.Exchanges {
		if !strings.HasSuffix(x.URL, "/v1/batch") || !x.WriteKeyInBody || !strings.HasPrefix(x.UserAgent, "analytics-node") {
			t.Errorf("not what the SDK sends: %+v", x)
		}
	}

	// Where each call is stored (the visitor), what Baton makes of it.
	type want struct {
		visitor, typ, name, url string
	}
	const user, anon, app, oldUser = "u:user-1001", "anon-7f3a9c2e-web", "anon-ios-5b1d0e77", "u:20241107"
	wants := map[string]want{
		"page":         {anon, event.PageView, "Pricing", "https://www.example.com/pricing?utm_source=newsletter&utm_medium=email"},
		"identify":     {anon, event.Identify, "", ""},
		"identifySpec": {"u:user-1002", event.Identify, "", ""},
		"track":        {user, event.Custom, "Demo Requested", ""},
		"download":     {user, event.Download, "", "https://www.example.com/files/whitepaper.pdf"},
		"screen":       {user, event.Custom, "Viewed Dashboard Screen", ""},
		"group":        {user, event.Custom, "$group", ""},
		"appScreen":    {app, event.Custom, "Viewed Onboarding Screen", ""},
		"oldUserTrack": {oldUser, event.Custom, "Contract Renewed", ""},
		"aliasAnon":    {user, event.Custom, "$alias", ""},
		"aliasUser":    {user, event.Custom, "$alias", ""},
		"batchValid1":  {user, event.Custom, "Webinar Registered", ""},
		"batchValid2":  {user, event.PageView, "Case Studies", "https://www.example.com/cases"},
		"retried503":   {user, event.Custom, "Quote Requested", ""},
	}
	for i := range burst {
		wants["burst"+strconv.Itoa(i)] = want{"u:user-2002", event.Custom, "Report Exported", ""}
	}
	if len(run.Calls) != len(wants)+3 { // and the three invalid ones
		t.Fatalf("%d calls made, want %d", len(run.Calls), len(wants)+3)
	}

	// firstStored is the request that brought a message to Baton's
	// collector first: its sentAt is the one Baton corrected the time by.
	firstStored := func(id string) (sentAt string) {
		for _, x := range run.Exchanges {
			if x.BatonStatus == 200 && slices.Contains(x.MessageIDs, id) {
				return x.SentAt
			}
		}
		return ""
	}
	stored := map[string][]event.Event{} // by visitor
	for _, v := range []string{user, anon, app, oldUser, "u:user-1002", "u:user-2002"} {
		evs, err := s.App.Events.Visitor(ctx, v)
		if err != nil {
			t.Fatal(err)
		}
		stored[v] = evs
	}
	total := 0
	for _, evs := range stored {
		total += len(evs)
	}
	if total != len(wants) {
		t.Errorf("%d events stored, want %d (each call once, the invalid one not)", total, len(wants))
	}
	for name, w := range wants {
		c := run.Calls[name]
		var got []event.Event
		for _, ev := range stored[w.visitor] {
			if ev.ID == c.MessageID {
				got = append(got, ev)
			}
		}
		if len(got) != 1 {
			t.Errorf("%s (%s): stored %d times under %s", name, c.MessageID, len(got), w.visitor)
			continue
		}
		ev := got[0]
		if ev.Type != w.typ || ev.Name != w.name || ev.URL != w.url {
			t.Errorf("%s: stored as %s %q %q, want %s %q %q", name, ev.Type, ev.Name, ev.URL, w.typ, w.name, w.url)
		}
		ts, err1 := time.Parse(time.RFC3339Nano, c.Timestamp)
		sent, err2 := time.Parse(time.RFC3339Nano, firstStored(c.MessageID))
		if err1 != nil || err2 != nil {
			t.Errorf("%s: times as sent: %v %v", name, err1, err2)
			continue
		}
		if wantTS := now.Add(-sent.Sub(ts)); !ev.OriginalTS.Equal(ts) || !ev.SentAt.Equal(sent) || !ev.ReceivedAt.Equal(now) || !ev.Timestamp.Equal(wantTS) {
			t.Errorf("%s: times %v sent %v received %v -> %v; the SDK sent timestamp %v sentAt %v, Baton's clock %v: want %v",
				name, ev.OriginalTS, ev.SentAt, ev.ReceivedAt, ev.Timestamp, ts, sent, now, wantTS)
		}
		// A backend's call without context.userAgent is no bot: the
		// SDK's own user agent is not the visitor's.
		if ev.Client.API != "server" || ev.Flagged() {
			t.Errorf("%s: client %+v enrichment %+v", name, ev.Client, ev.Enrichment)
		}
	}

	// What the SDK's context and properties carried.
	get := func(name string) event.Event {
		for _, evs := range stored {
			for _, ev := range evs {
				if ev.ID == run.Calls[name].MessageID {
					return ev
				}
			}
		}
		return event.Event{}
	}
	if p := get("page"); p.Title != "料金" || p.Referrer != "https://www.google.com/" || p.UTM.Source != "newsletter" || p.Properties["category"] != "Product" ||
		!strings.HasPrefix(p.Client.UserAgent, "Mozilla/5.0 (Macintosh") || p.Client.Locale != "ja-JP" || p.Client.IP == "" || p.Client.IP == "203.0.113.45" {
		t.Errorf("page: %+v", p)
	}
	// The OriginalTS check above covers the calls given a time; the
	// page was given one 30 minutes before it was sent.
	if p := get("page"); p.SentAt.Sub(p.OriginalTS) < 29*time.Minute || !p.Timestamp.Before(now.Add(-29*time.Minute)) {
		t.Errorf("page's time given 30 minutes earlier: %v sent %v -> %v", p.OriginalTS, p.SentAt, p.Timestamp)
	}
	if e := get("screen"); e.Properties["name"] != "Dashboard" || e.Properties["tab"] != "reports" {
		t.Errorf("screen: %+v", e.Properties)
	}
	if e := get("group"); e.Properties["groupId"] != "acme-0001" || e.Traits != nil || fmt.Sprint(e.Properties["traits"]) != "map[email:info@kaisha-acme.example employees:300 industry:製造業 name:株式会社アクメ]" {
		t.Errorf("group: %+v", e.Properties)
	}
	if e := get("aliasAnon"); e.Properties["previousId"] != app {
		t.Errorf("alias: %+v", e.Properties)
	}

	// The person: created from the identify's full-width email, NFKC
	// folded, with its Japanese traits as attributes, and every id the
	// calls joined.
	p, err := s.App.People.ByEmail(ctx, "yamada@kaisha-acme.example")
	if err != nil {
		t.Fatalf("the identified person: %v", err)
	}
	for k, v := range map[string]string{"company": "株式会社アクメ", "title": "情報システム部長", "name": "山田 太郎"} {
		if p.Attributes[k] != v {
			t.Errorf("attribute %s = %q, want %q (all: %v, custom %v)", k, p.Attributes[k], v, p.Attributes, p.Custom)
		}
	}
	if p.Custom["plan"] != "trial" {
		t.Errorf("custom trait plan: %v", p.Custom)
	}
	// Traits shaped as Segment's spec shapes them: company and address
	// are objects, names camelCase.
	sato, err := s.App.People.ByEmail(ctx, "sato@kaisha-acme.example")
	if err != nil {
		t.Fatalf("the person identified with the spec's traits: %v", err)
	}
	for k, v := range map[string]string{"first_name": "花子", "last_name": "佐藤", "title": "開発課長", "phone": "03-1234-5678",
		"company": "株式会社アクメ", "industry": "製造業", "employees": "300", "city": "港区", "region": "東京都", "country": "JP"} {
		if sato.Attributes[k] != v {
			t.Errorf("spec traits: attribute %s = %q, want %q (all: %v, custom %v)", k, sato.Attributes[k], v, sato.Attributes, sato.Custom)
		}
	}
	for k, v := range map[string]string{"company_id": "acme-0001", "company_plan": "enterprise", "postal_code": "105-0011", "street": "芝公園4-2-8"} {
		if sato.Custom[k] != v {
			t.Errorf("spec traits: custom %s = %q, want %q (all: %v)", k, sato.Custom[k], v, sato.Custom)
		}
	}
	// A group's traits are the company's: its email names no person.
	if _, err := s.App.People.ByEmail(ctx, "info@kaisha-acme.example"); !errors.Is(err, identity.ErrNotFound) {
		t.Errorf("the group's email made a person: %v", err)
	}
	for _, v := range []string{anon, user, app, oldUser} {
		l, err := s.App.People.GetLink(ctx, v)
		if err != nil {
			t.Fatal(err)
		}
		if cur, ok := l.Current(); !ok || cur.Person != p.ID {
			t.Errorf("visitor %s is not the person's: %+v", v, l)
		}
	}
	if l, _ := s.App.People.GetLink(ctx, "u:user-2002"); len(l.History) > 0 {
		t.Errorf("user-2002 was never identified: %+v", l)
	}
	timeline, err := s.App.Stitcher.Timeline(ctx, p.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(wants) - burst - 1; len(timeline) != n { // not the burst's, nor 佐藤's
		t.Errorf("the person's timeline has %d events, want %d", len(timeline), n)
	}

	// The batch with an invalid event: one request, answered 200 naming
	// it, not sent again.
	var batch []int
	for i, x := range run.Exchanges {
		if x.Phase == "batch" {
			batch = append(batch, i)
		}
	}
	if len(batch) != 1 {
		t.Fatalf("the batch took %d requests, want 1 (200 is delivered: never retried)", len(batch))
	}
	b := run.Exchanges[batch[0]]
	var answer struct {
		Success bool
		Refused []struct {
			Error, Field string
			Index        int
		}
	}
	json.Unmarshal(b.Body, &answer)
	if b.Status != 200 || !answer.Success || len(answer.Refused) != 2 || answer.Refused[0].Index != 1 || answer.Refused[0].Field != "properties.url" ||
		answer.Refused[1].Index != 3 || !strings.Contains(answer.Refused[1].Error, "larger than 32768 bytes") ||
		!slices.Equal(b.MessageIDs, []string{run.Calls["batchValid1"].MessageID, run.Calls["batchInvalid"].MessageID, run.Calls["batchValid2"].MessageID, run.Calls["batchTooBig"].MessageID}) {
		t.Errorf("the batch's answer: %d %s", b.Status, b.Body)
	}

	// Alone, the invalid event is refused as a whole (400, saying why),
	// and the SDK does not send it again.
	var alone []int
	for i, x := range run.Exchanges {
		if x.Phase == "400" {
			alone = append(alone, i)
		}
	}
	if len(alone) != 1 {
		t.Fatalf("the invalid event alone took %d requests, want 1 (a 400 is not retried)", len(alone))
	}
	if x := run.Exchanges[alone[0]]; x.Status != 400 || !strings.Contains(string(x.Body), "absolute http or https URL") {
		t.Errorf("the invalid event alone: %d %s", x.Status, x.Body)
	}

	// Stored, answered 503: the SDK sent the same messages again, and
	// Baton kept them once (checked above).
	var lost []int
	for i, x := range run.Exchanges {
		if x.Phase == "503" {
			lost = append(lost, i)
		}
	}
	if len(lost) != 2 {
		t.Fatalf("after a 503: %d requests, want 2", len(lost))
	}
	l0, l1 := run.Exchanges[lost[0]], run.Exchanges[lost[1]]
	if l0.Status != 503 || l0.BatonStatus != 200 || l1.Status != 200 || l1.BatonStatus != 200 || l1.RetryCount != 1 || !slices.Equal(l0.MessageIDs, l1.MessageIDs) {
		t.Errorf("the retry after a 503: %+v then %+v", l0, l1)
	}

	// The burst: Baton's 429s carry Retry-After, and every message a 429
	// answered reached Baton again on a retry (stored once, above).
	limited := 0
	for i, x := range run.Exchanges {
		if x.Phase != "429" || x.Status == 200 {
			continue
		}
		if x.Status != 429 || x.RetryAfter == "" {
			t.Errorf("burst answered %d (Retry-After %q)", x.Status, x.RetryAfter)
			continue
		}
		limited++
		for _, id := range x.MessageIDs {
			again := false
			for _, y := range run.Exchanges[i+1:] {
				again = again || (y.Status == 200 && y.RetryCount > 0 && slices.Contains(y.MessageIDs, id))
			}
			if !again {
				t.Errorf("%s answered 429 was not delivered by a retry", id)
			}
		}
	}
	if limited == 0 {
		t.Errorf("no request of the burst was answered 429: the rate limit was not reached")
	}
	t.Logf("SDK %s: %d requests, %d answered 429", run.SDK.Version, len(run.Exchanges), limited)
}
