package push_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/baton-hq/baton/internal/crm"
	"github.com/baton-hq/baton/internal/crm/crmfake"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/push"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/queue"
	"github.com/baton-hq/baton/internal/stdwebhook"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/bolttable"
)

const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

type receiver struct {
	mu       sync.Mutex
	fail     int // answer 503 this many times first
	status   int // then this (0: 200)
	ids      map[string]int
	bodies   []map[string]any
	verified int
	now      func() time.Time // the fixture's clock
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	body, _ := io.ReadAll(r.Body)
	if err := stdwebhook.Verify(secret, r.Header, body, rc.now(), 5*time.Minute); err == nil {
		rc.verified++
	}
	if rc.fail > 0 {
		rc.fail--
		w.Header().Set("Retry-After", "7")
		w.WriteHeader(503)
		return
	}
	if rc.status != 0 {
		w.WriteHeader(rc.status)
		w.Write([]byte(`{"error":"bad payload"}`))
		return
	}
	rc.ids[r.Header.Get("webhook-id")]++
	var m map[string]any
	json.Unmarshal(body, &m)
	rc.bodies = append(rc.bodies, m)
	w.WriteHeader(200)
}

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

type fx struct {
	w     *push.Worker
	q     *queue.Queue
	inbox *push.Inbox
	clk   *clock
	mql   qualify.MQL
}

func setup(t *testing.T, rc *receiver) fx {
	clk := &clock{t: time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)}
	tb, err := bolttable.Open(filepath.Join(t.TempDir(), "b.db"), bolttable.WithClock(clk.now))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tb.Close() })
	return setupOn(t, rc, tb, clk)
}

// setupOn is setup on a table of the caller's, whose clock is clk's.
func setupOn(t *testing.T, rc *receiver, tb table.Table, clk *clock) fx {
	ctx := context.Background()
	log := &eventlog.Log{T: tb}
	dir := &identity.Directory{T: tb, Now: clk.now}
	st := &identity.Stitcher{Dir: dir, Log: log}
	evs := []event.Event{
		{ID: "e1", Type: event.PageView, VisitorID: "pv1", URL: "https://www.example.com/?utm_source=google&utm_medium=cpc&utm_campaign=brand", UTM: event.UTM{Source: "google", Medium: "cpc", Campaign: "brand"}, Timestamp: clk.t.Add(-3 * time.Hour)},
		{ID: "e2", Type: event.Download, VisitorID: "pv1", URL: "https://www.example.com/a.pdf", Timestamp: clk.t.Add(-2 * time.Hour)},
		{ID: "e3", Type: event.EmailClick, VisitorID: "pv1", URL: "https://www.example.com/webinar", Properties: map[string]any{"campaign": "nov-news"}, Timestamp: clk.t.Add(-time.Hour)},
	}
	if _, err := log.Append(ctx, evs); err != nil {
		t.Fatal(err)
	}
	p, _, err := st.Identify(ctx, identity.Identification{Visitor: "pv1", Email: "lead@example.com", Strength: identity.Strong, At: clk.t, Fields: map[string]string{"company": "Acme", "last_name": "Yamada"}})
	if err != nil {
		t.Fatal(err)
	}
	q := &queue.Queue{T: tb, Name: "push", Now: clk.now}
	mql := qualify.MQL{ID: p.ID + "-c1", Person: p.ID, Email: p.Email, Cycle: 1, At: clk.t, Condition: "hot-and-fit", Facts: []string{"behaviour 45 >= 40", "grade A"}, Verdict: qualify.Verdict{Behaviour: 45, Fit: 50, Grade: "A"}}
	if err := q.Enqueue(ctx, mql.ID, mql); err != nil {
		t.Fatal(err)
	}
	inbox := &push.Inbox{T: tb}
	rc.now = clk.now
	srv := httptest.NewServer(rc)
	t.Cleanup(srv.Close)
	w := &push.Worker{Queue: q, T: tb, Dir: dir, Stitcher: st, Now: clk.now, Sites: []string{"www.example.com"},
		Connectors: []push.Connector{inbox, &crm.Webhook{URL: srv.URL, Secret: secret, Now: clk.now}}}
	return fx{w: w, q: q, inbox: inbox, clk: clk, mql: mql}
}

func (f fx) drain(t *testing.T, rounds int, step time.Duration) {
	for i := 0; i < rounds; i++ {
		if _, err := f.w.RunOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
		f.clk.t = f.clk.t.Add(step)
	}
}

func TestDeliversWhatSalesNeeds(t *testing.T) {
	rc := &receiver{ids: map[string]int{}}
	f := setup(t, rc)
	f.drain(t, 1, time.Second)
	if rc.ids[f.mql.ID] != 1 || rc.verified != 1 {
		t.Fatalf("webhook deliveries %v, verified %d", rc.ids, rc.verified)
	}
	// Standard Webhooks' payload: type, timestamp (when it happened, the
	// same on every retry) and data.
	if ts, _ := rc.bodies[0]["timestamp"].(string); rc.bodies[0]["type"] != "mql.created" || ts != f.mql.At.UTC().Format(time.RFC3339Nano) {
		t.Fatalf("envelope type %v timestamp %v", rc.bodies[0]["type"], rc.bodies[0]["timestamp"])
	}
	data := rc.bodies[0]["data"].(map[string]any)
	if data["email"] != "lead@example.com" || data["condition"] != "hot-and-fit" || data["grade"] != "A" {
		t.Fatalf("payload %v", data)
	}
	first := data["firstTouch"].(map[string]any)
	last := data["lastTouch"].(map[string]any)
	if first["source"] != "google" || first["campaign"] != "brand" || last["medium"] != "email" || last["campaign"] != "nov-news" {
		t.Fatalf("touches first %v last %v", first, last)
	}
	if acts := data["activity"].([]any); len(acts) != 3 || acts[0].(map[string]any)["type"] != "email_click" {
		t.Fatalf("activity %v", acts)
	}
	if sum, _ := data["summary"].(string); !strings.Contains(sum, "hot-and-fit") || !strings.Contains(sum, "https://www.example.com/a.pdf") {
		t.Fatalf("summary %q", sum)
	}
	leads, _ := f.inbox.List(context.Background(), 10)
	if len(leads) != 1 || leads[0].Condition != "hot-and-fit" || len(leads[0].Activity) != 3 || leads[0].Activity[1].URL != "https://www.example.com/a.pdf" {
		t.Fatalf("inbox %+v", leads)
	}
	if n, _ := f.q.Pending(context.Background()); n != 0 {
		t.Fatalf("%d left in the queue", n)
	}
}

// TestOutageNoLossNoDuplicate: the SFA answers 503 for a while; the MQL
// arrives once, the inbox (which succeeded at once) is not pushed again, and
// Retry-After is honoured.
func TestOutageNoLossNoDuplicate(t *testing.T) {
	rc := &receiver{ids: map[string]int{}, fail: 4}
	f := setup(t, rc)
	ctx := context.Background()
	f.w.RunOnce(ctx)
	m, _ := f.q.Get(ctx, f.mql.ID)
	if m.Due.Sub(f.clk.t) < 7*time.Second || !strings.Contains(m.LastError, "503") {
		t.Fatalf("retry scheduled at %v (now %v), error %q: Retry-After not honoured", m.Due, f.clk.t, m.LastError)
	}
	f.drain(t, 40, 30*time.Second)
	if rc.ids[f.mql.ID] != 1 {
		t.Fatalf("webhook got the MQL %d times", rc.ids[f.mql.ID])
	}
	leads, _ := f.inbox.List(ctx, 10)
	if len(leads) != 1 {
		t.Fatalf("inbox has %d", len(leads))
	}
	ds, _ := push.Deliveries(ctx, f.w.T, f.mql.Person)
	if len(ds) != 2 {
		t.Fatalf("deliveries %+v", ds)
	}
}

func TestPermanentErrorDeadLettersAndReplays(t *testing.T) {
	rc := &receiver{ids: map[string]int{}, status: 400}
	f := setup(t, rc)
	ctx := context.Background()
	f.drain(t, 3, time.Minute)
	dead, _ := f.q.Dead(ctx)
	if len(dead) != 1 || !strings.Contains(dead[0].LastError, "400") {
		t.Fatalf("dead letters %+v", dead)
	}
	rc.mu.Lock()
	rc.status = 0 // fixed on the SFA side
	rc.mu.Unlock()
	if err := f.q.Replay(ctx, f.mql.ID); err != nil {
		t.Fatal(err)
	}
	f.drain(t, 2, time.Minute)
	if rc.ids[f.mql.ID] != 1 {
		t.Fatalf("after replay: %v", rc.ids)
	}
	if dead, _ := f.q.Dead(ctx); len(dead) != 0 {
		t.Fatalf("still dead %+v", dead)
	}
}

func TestGivesUpAfterMaxAttempts(t *testing.T) {
	rc := &receiver{ids: map[string]int{}, fail: 1000}
	f := setup(t, rc)
	f.w.MaxAttempts = 3
	f.drain(t, 20, time.Hour)
	dead, _ := f.q.Dead(context.Background())
	if len(dead) != 1 || !strings.Contains(dead[0].LastError, "gave up after 3 attempts") {
		t.Fatalf("dead %+v", dead)
	}
}

// TestSpentQuotaWaitsPastTheAttemptBound: an SFA refusing because its
// daily API allocation is spent is waited for, however many times it
// refuses, up to push.QuotaPatience from its first refusal in a row; the
// refusals count toward no attempt bound, and a fault after them is
// bounded as ever. Past the patience the delivery is dead, saying so.
func TestSpentQuotaWaitsPastTheAttemptBound(t *testing.T) {
	quota := func() error {
		return &push.Error{Connector: "salesforce", Status: 403, Code: "REQUEST_LIMIT_EXCEEDED", Message: "TotalRequests Limit exceeded.", RetryAfter: 30 * time.Minute, Quota: true}
	}
	rc := &receiver{ids: map[string]int{}}
	f := setup(t, rc)
	ctx := context.Background()
	sfa := &scripted{name: "salesforce"}
	for range 60 { // 30 hours of refusals, 30 minutes apart
		sfa.errs = append(sfa.errs, quota())
	}
	sfa.errs = append(sfa.errs, &push.Error{Connector: "salesforce", Status: 503})
	f.w.Connectors = []push.Connector{sfa}
	f.w.MaxAttempts = 3
	f.drain(t, 62*3, 10*time.Minute)
	st := statusOf(t, f)["salesforce"]
	if st.Status != "delivered" || sfa.calls != 62 || st.Attempts != 62 || st.Quota != 60 {
		t.Fatalf("after a day of a spent allocation and a blip: %+v, %d calls", st, sfa.calls)
	}
	if dead, _ := f.q.Dead(ctx); len(dead) != 0 {
		t.Fatalf("dead %+v", dead)
	}

	// Refused for longer than the patience: dead, and the reason says why.
	f = setup(t, &receiver{ids: map[string]int{}})
	sfa = &scripted{name: "salesforce"}
	for range 200 {
		sfa.errs = append(sfa.errs, quota())
	}
	f.w.Connectors = []push.Connector{sfa}
	f.w.MaxAttempts = 3
	f.drain(t, 60*6, 10*time.Minute)
	dead, _ := f.q.Dead(ctx)
	if len(dead) != 1 || !strings.Contains(dead[0].LastError, "salesforce: gave up after 48 hours of a spent API allocation: salesforce: 403 REQUEST_LIMIT_EXCEEDED") {
		t.Fatalf("dead %+v", dead)
	}
	if n := sfa.calls; n < 96 || n > 98 {
		t.Fatalf("%d calls in 48 hours at 30 minutes", n)
	}
}

// TestErasedPersonsMQLIsDropped: on AWS an erasure cannot delete the SQS
// messages about the person, so delivery checks the tombstone: the MQL is
// done, no connector hears of it, nothing is recorded.
func TestErasedPersonsMQLIsDropped(t *testing.T) {
	rc := &receiver{ids: map[string]int{}}
	f := setup(t, rc)
	ctx := context.Background()
	if err := f.w.T.Put(ctx, table.Item{PK: privacy.TombstonePK(f.mql.Email), SK: "TOMB", Kind: privacy.KindTombstone, Data: []byte(`{}`)}, table.Always); err != nil {
		t.Fatal(err)
	}
	if res := f.w.Deliver(ctx, f.mql); !res.Done {
		t.Fatalf("result %+v", res)
	}
	f.drain(t, 1, time.Second) // the local queue's message: dropped the same way
	if len(rc.ids) != 0 {
		t.Fatalf("the webhook got %v", rc.ids)
	}
	if leads, _ := f.inbox.List(ctx, 10); len(leads) != 0 {
		t.Fatalf("inbox %+v", leads)
	}
	if ds, _ := push.Deliveries(ctx, f.w.T, f.mql.Person); len(ds) != 0 {
		t.Fatalf("deliveries recorded %+v", ds)
	}
	if n, _ := f.q.Pending(ctx); n != 0 {
		t.Fatalf("%d still queued", n)
	}
}

// scripted is a connector answering the queued errors, then success.
type scripted struct {
	name  string
	mu    sync.Mutex
	errs  []error
	calls int
}

func (s *scripted) Name() string { return s.name }

func (s *scripted) Push(ctx context.Context, l push.Lead) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	if len(s.errs) > 0 {
		err := s.errs[0]
		s.errs = s.errs[1:]
		return "", err
	}
	return s.name + "-" + l.MQLID, nil
}

func statusOf(t *testing.T, f fx) map[string]push.Delivery {
	t.Helper()
	ds, err := f.w.Status(context.Background(), f.mql.ID)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]push.Delivery{}
	for _, d := range ds {
		out[d.Connector] = d
	}
	return out
}

// TestConnectorsDeliverIndependently: a connector failing permanently
// neither stops nor repeats the others; the MQL is dead-lettered for that
// connector only, and a replay pushes to it alone.
func TestConnectorsDeliverIndependently(t *testing.T) {
	rc := &receiver{ids: map[string]int{}}
	f := setup(t, rc)
	ctx := context.Background()
	bad := &scripted{name: "crm", errs: []error{&push.Error{Connector: "crm", Status: 400, Code: "INVALID_FIELD", Message: "no such field", Permanent: true}}}
	f.w.Connectors = []push.Connector{bad, f.w.Connectors[0], f.w.Connectors[1]}
	if st := statusOf(t, f); st["crm"].Status != "pending" || st["webhook"].Status != "pending" {
		t.Fatalf("before: %+v", st)
	}
	f.drain(t, 3, time.Minute)
	if rc.ids[f.mql.ID] != 1 {
		t.Fatalf("the webhook was held back by another connector's permanent failure: %v", rc.ids)
	}
	if leads, _ := f.inbox.List(ctx, 10); len(leads) != 1 {
		t.Fatalf("inbox has %d", len(leads))
	}
	dead, _ := f.q.Dead(ctx)
	if len(dead) != 1 || !strings.Contains(dead[0].LastError, "INVALID_FIELD") || strings.Contains(dead[0].LastError, "webhook") {
		t.Fatalf("dead letters %+v", dead)
	}
	st := statusOf(t, f)
	if st["crm"].Status != "dead" || !strings.Contains(st["crm"].LastError, "INVALID_FIELD") || st["webhook"].Status != "delivered" || st["webhook"].ExternalID != f.mql.ID || st["inbox"].Status != "delivered" {
		t.Fatalf("status %+v", st)
	}
	if err := f.q.Replay(ctx, f.mql.ID); err != nil {
		t.Fatal(err)
	}
	f.drain(t, 2, time.Minute)
	if bad.calls != 2 || rc.ids[f.mql.ID] != 1 {
		t.Fatalf("after replay: crm called %d times, webhook got it %d times", bad.calls, rc.ids[f.mql.ID])
	}
	if st := statusOf(t, f); st["crm"].Status != "delivered" || st["crm"].Attempts != 1 {
		t.Fatalf("after replay %+v", st["crm"])
	}
	if n, _ := f.q.Pending(ctx); n != 0 {
		t.Fatalf("%d pending", n)
	}
}

// TestConnectorsRetryOnTheirOwnSchedule: one SFA asks to come back in an
// hour; another's blip is retried within seconds, not after that hour, and
// the status shows each one's next attempt.
func TestConnectorsRetryOnTheirOwnSchedule(t *testing.T) {
	rc := &receiver{ids: map[string]int{}}
	f := setup(t, rc)
	ctx := context.Background()
	slow := &scripted{name: "slow", errs: []error{&push.Error{Connector: "slow", Status: 429, Code: "RATE_LIMIT:DAILY", RetryAfter: time.Hour}}}
	blip := &scripted{name: "blip", errs: []error{&push.Error{Connector: "blip", Status: 503}}}
	f.w.Connectors = []push.Connector{slow, blip}
	f.drain(t, 1, 0)
	st := statusOf(t, f)
	if st["slow"].Status != "retrying" || !st["slow"].NextAttempt.Equal(f.clk.t.Add(time.Hour)) || st["blip"].Status != "retrying" || st["blip"].NextAttempt.After(f.clk.t.Add(2*time.Second)) {
		t.Fatalf("status %+v", st)
	}
	f.drain(t, 10, time.Second)
	if blip.calls != 2 || slow.calls != 1 {
		t.Fatalf("after 10 s: blip called %d times (want 2), slow %d (want 1)", blip.calls, slow.calls)
	}
	if st := statusOf(t, f); st["blip"].Status != "delivered" || st["slow"].Status != "retrying" {
		t.Fatalf("status %+v", st)
	}
	f.clk.t = f.clk.t.Add(time.Hour)
	f.drain(t, 2, time.Second)
	if st := statusOf(t, f); st["slow"].Status != "delivered" || blip.calls != 2 {
		t.Fatalf("after the hour: %+v, blip calls %d", st, blip.calls)
	}
	if n, _ := f.q.Pending(ctx); n != 0 {
		t.Fatalf("%d pending", n)
	}
}

// TestRequalifiedLeadSaysWhy: a second MQL of a person sales lost (with
// their reason) carries its cycle and the verdict that recycled it, from
// the stage history, in the webhook's payload and in the summary sales
// read; a first MQL says nothing of the kind.
func TestRequalifiedLeadSaysWhy(t *testing.T) {
	rc := &receiver{ids: map[string]int{}}
	f := setup(t, rc)
	ctx := context.Background()
	lostAt := f.clk.t.Add(-48 * time.Hour).In(time.UTC)
	hist := []qualify.StageChange{
		{From: "lead", To: "mql", At: lostAt.Add(-72 * time.Hour)},
		{From: "mql", To: "lost", At: lostAt, Why: "chose a competitor"},
		{From: "lost", To: "recycled", At: lostAt.Add(time.Nanosecond)},
		{From: "recycled", To: "mql", At: f.clk.t},
	}
	f.w.History = func(context.Context, string) ([]qualify.StageChange, error) { return hist, nil }
	first, err := f.w.Build(ctx, f.mql)
	if err != nil || first.Recycled != nil || strings.Contains(first.Summary(), "again") {
		t.Fatalf("a first MQL: %+v %v\n%s", first.Recycled, err, first.Summary())
	}
	second := f.mql
	second.ID, second.Cycle = f.mql.Person+"-c2", 2
	if err := f.q.Enqueue(ctx, second.ID, second); err != nil {
		t.Fatal(err)
	}
	f.drain(t, 1, time.Second)
	if rc.ids[second.ID] != 1 {
		t.Fatalf("webhook deliveries %v", rc.ids)
	}
	var data map[string]any
	for _, b := range rc.bodies {
		if d := b["data"].(map[string]any); d["mqlId"] == second.ID {
			data = d
		}
	}
	rec, _ := data["recycled"].(map[string]any)
	if data["cycle"] != 2.0 || rec["outcome"] != "lost" || rec["why"] != "chose a competitor" || rec["at"] != lostAt.Format(time.RFC3339Nano) {
		t.Fatalf("payload cycle %v recycled %v", data["cycle"], data["recycled"])
	}
	l, err := f.w.Build(ctx, second)
	if err != nil {
		t.Fatal(err)
	}
	want := "Qualified again (MQL 2): sales marked the previous MQL lost on " + lostAt.Format("2006-01-02") + " (chose a competitor)"
	if !strings.Contains(l.Summary(), want) {
		t.Fatalf("summary without %q:\n%s", want, l.Summary())
	}
}

// TestErasedWhileRetrying: the MQL's first delivery to Salesforce failed
// (503) and waits for its retry when the person is erased. The retry
// delivers nothing (no Lead, no Task at the fake org) and the message
// leaves the queue, neither retried again nor dead-lettered.
func TestErasedWhileRetrying(t *testing.T) {
	f := setup(t, &receiver{ids: map[string]int{}})
	ctx := context.Background()
	org := crmfake.NewSalesforce()
	defer org.Close()
	org.Now = f.clk.now
	f.w.Connectors = []push.Connector{&crm.Salesforce{LoginURL: org.URL, ClientID: org.ClientID, ClientSecret: org.ClientSecret, LeadKey: "Baton_Person_Id__c", TaskKey: "Baton_MQL_Id__c", Now: f.clk.now}}
	org.FailWrites(1, crmfake.Fault{Status: 503, Body: crmfake.SFServiceUnavailable})
	f.drain(t, 1, time.Second)
	if st := statusOf(t, f)["salesforce"]; st.Status != push.StatusRetrying || len(org.Leads) != 0 {
		t.Fatalf("after the 503: %+v, %d leads", st, len(org.Leads))
	}
	if err := f.w.T.Put(ctx, table.Item{PK: privacy.TombstonePK(f.mql.Email), SK: "TOMB", Kind: privacy.KindTombstone, Data: []byte(`{}`)}, table.Always); err != nil {
		t.Fatal(err)
	}
	f.drain(t, 5, time.Hour)
	if len(org.Leads) != 0 || len(org.Tasks) != 0 || org.Calls["PATCH Lead"] != 1 {
		t.Fatalf("delivered after the erasure: %d leads, %d tasks, %d upserts", len(org.Leads), len(org.Tasks), org.Calls["PATCH Lead"])
	}
	if n, _ := f.q.Pending(ctx); n != 0 {
		t.Fatalf("%d still queued", n)
	}
	if dead, _ := f.q.Dead(ctx); len(dead) != 0 {
		t.Fatalf("dead-lettered %+v", dead)
	}
}

// TestSummaryScoresOnePrecision: the summary sales read says the scores
// as the reasons above them do (and as the workspace does): "behaviour
// 55.6 >= 40" and "Behaviour 55.6", not 55.64 above 56.
func TestSummaryScoresOnePrecision(t *testing.T) {
	l := push.Lead{Condition: "hot-and-fit", Reasons: []string{"behaviour 55.64 >= 40", "grade A"}, BehaviourScore: 55.64, FitScore: 50.25, Grade: "A"}
	s := l.Summary()
	if !strings.Contains(s, "MQL (hot-and-fit): behaviour 55.6 >= 40; grade A\n") || !strings.Contains(s, "Behaviour 55.6, fit 50.3 (grade A)\n") {
		t.Fatalf("%s", s)
	}
}

// TestOfflineTouchNamesItsEvent: the lead's activity said "offline" for an
// exhibition's business card, without the exhibition: sales could not tell
// where they had met the person.
func TestOfflineTouchNamesItsEvent(t *testing.T) {
	f := setup(t, &receiver{ids: map[string]int{}})
	ctx := context.Background()
	ev := event.Event{ID: "o1", Type: event.Offline, VisitorID: "pv1", Timestamp: f.clk.t.Add(-30 * time.Minute),
		Properties: map[string]any{"event": "Japan IT Week 秋", "channel": "exhibition"}}
	if _, err := f.w.Stitcher.Log.Append(ctx, []event.Event{ev}); err != nil {
		t.Fatal(err)
	}
	l, err := f.w.Build(ctx, f.mql)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range l.Activity {
		if a.Type == event.Offline {
			if a.Name != "Japan IT Week 秋" {
				t.Errorf("offline activity named %q", a.Name)
			}
			return
		}
	}
	t.Fatalf("no offline activity in %+v", l.Activity)
}

// TestFailureRecordedBounded: however long a connector's failure (an SFA's
// HTML error page quoted whole), the delivery records at most MaxErrorText
// bytes of it, cut at a character: a record past DynamoDB's 400 KB was
// never written, and the attempt went unrecorded.
func TestFailureRecordedBounded(t *testing.T) {
	rc := &receiver{ids: map[string]int{}}
	f := setup(t, rc)
	long := "x" + strings.Repeat("メンテナンス中です。", 20000)
	bad := &scripted{name: "crm", errs: []error{&push.Error{Connector: "crm", Status: 400, Message: long, Permanent: true}}}
	f.w.Connectors = []push.Connector{bad}
	f.drain(t, 1, time.Minute)
	d := statusOf(t, f)["crm"]
	if d.Status != "dead" || len(d.LastError) > push.MaxErrorText || !strings.HasPrefix(d.LastError, "crm: 400") || !utf8.ValidString(d.LastError) {
		t.Fatalf("recorded failure: %s, %d bytes, valid UTF-8 %v", d.Status, len(d.LastError), utf8.ValidString(d.LastError))
	}
}

// TestSummaryInJapanese: with sfa.language ja, what a Japanese sales team
// reads in their SFA (the Task, the note, the record's summary) is
// Japanese: the facts as the workspace's Japanese pages word them, the
// recycled lead's verdict, the event types; values stay as they are.
func TestSummaryInJapanese(t *testing.T) {
	at := time.Date(2026, 11, 24, 10, 30, 0, 0, time.FixedZone("JST", 9*3600))
	l := push.Lead{
		Lang: "ja", Condition: "hot-and-fit", Sites: []string{"www.example.com"}, Reasons: []string{"behaviour 42 >= 40", "grade A", "BANT 3 of 4 (budget, authority, need) >= 3"},
		BehaviourScore: 42, FitScore: 30, Grade: "A", Cycle: 2,
		Recycled:   &push.Recycled{Outcome: "rejected", At: at.AddDate(0, -2, 0), Why: "予算未確定"},
		FirstTouch: push.Touch{Channel: "search", Source: "google"},
		Activity:   []push.Activity{{Type: "form_submit", Name: "contact", URL: "https://www.example.com/contact", At: at}, {Type: "download", Title: "導入事例集", URL: "https://www.example.com/case.pdf", At: at.Add(-time.Hour)}},
	}
	got := l.Summary()
	for _, want := range []string{
		"MQL（hot-and-fit）：行動スコア 42 ≥ 40／グレード A／BANT 4 項目中 3（予算、決裁権、ニーズ）≥ 3\n",
		"再度の MQL（2 回目）：前回の MQL を営業が「差し戻し」とした（2026-09-24）。理由：予算未確定。ナーチャリングに戻した後の行動による MQL です\n",
		"行動スコア 42、適合度 30（グレード A）\n", "最初の接点：自然検索 / google\n", "最近の行動（時刻は JST）：\n",
		"- 2026-11-24 10:30 フォーム送信 contact https://www.example.com/contact\n", "- 2026-11-24 09:30 ダウンロード 導入事例集 https://www.example.com/case.pdf\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("summary lacks %q:\n%s", want, got)
		}
	}
	l.Lang = ""
	if en := l.Summary(); !strings.Contains(en, "MQL (hot-and-fit): behaviour 42 >= 40; grade A") || !strings.Contains(en, "sales marked the previous MQL rejected on 2026-09-24 (予算未確定)") {
		t.Errorf("the English summary changed:\n%s", en)
	}
}

// TestSummaryNamesEventTypes: the summary sales read in English said the
// event types as codes ("form_submit", "email_click") a salesperson had
// to decode; it names them as the workspace's English pages do, and the
// Japanese one as the Japanese pages do, its channels too ("search" is
// 自然検索). A type or channel with no name (a rules file's own) stays as
// it is.
func TestSummaryNamesEventTypes(t *testing.T) {
	at := time.Date(2026, 11, 24, 10, 30, 0, 0, time.UTC)
	l := push.Lead{
		Condition: "hot-and-fit", Reasons: []string{"grade A"}, Grade: "A", Sites: []string{"www.example.com"},
		FirstTouch: push.Touch{Channel: "search", Source: "google"},
		LastTouch:  push.Touch{Channel: "business-card", Medium: "offline", Campaign: "商談会"},
		Activity: []push.Activity{
			{Type: event.FormSubmit, Name: "contact", URL: "https://www.example.com/contact", At: at},
			{Type: event.PageView, Title: "Pricing", URL: "https://www.example.com/pricing", At: at},
			{Type: event.EmailClick, Name: "nov-news", At: at},
			{Type: event.EmailOpen, At: at},
			{Type: event.Outbound, URL: "https://partner.example/", At: at},
			{Type: event.Download, Title: "Case studies", At: at},
			{Type: event.Offline, Name: "Japan IT Week 秋", At: at},
			{Type: event.Identify, At: at},
			{Type: "webinar_signup", At: at},
		},
	}
	en := l.Summary()
	for _, want := range []string{
		"- 2026-11-24 10:30 form submit contact https://www.example.com/contact\n",
		"- 2026-11-24 10:30 page view Pricing https://www.example.com/pricing\n",
		"- 2026-11-24 10:30 newsletter click nov-news", "- 2026-11-24 10:30 newsletter open\n",
		"- 2026-11-24 10:30 outbound link [other site, unverified] partner[.]example/\n", // summary_offsite_test.go "- 2026-11-24 10:30 download Case studies\n",
		"- 2026-11-24 10:30 offline touch Japan IT Week 秋\n", "- 2026-11-24 10:30 identified\n",
		"- 2026-11-24 10:30 webinar_signup\n",
		"First touch: search / google\n", "Last touch: business-card / 商談会\n",
	} {
		if !strings.Contains(en, want) {
			t.Errorf("English summary lacks %q:\n%s", want, en)
		}
	}
	for _, code := range []string{"form_submit", "page_view", "email_click", "email_open"} {
		if strings.Contains(en, code) {
			t.Errorf("English summary says %s:\n%s", code, en)
		}
	}
	l.Lang = "ja"
	ja := l.Summary()
	for _, want := range []string{
		"- 2026-11-24 10:30 フォーム送信 contact", "- 2026-11-24 10:30 ページ閲覧 Pricing", "- 2026-11-24 10:30 メールのクリック nov-news",
		"- 2026-11-24 10:30 オフライン接点 Japan IT Week 秋\n", "- 2026-11-24 10:30 webinar_signup\n",
		"最初の接点：自然検索 / google\n", "直近の接点：名刺交換 / 商談会\n",
	} {
		if !strings.Contains(ja, want) {
			t.Errorf("Japanese summary lacks %q:\n%s", want, ja)
		}
	}
}

// TestSubjectOfARequalifiedLead: an SFA's Task list shows subjects only;
// a lead back after sales sent it back says so there, in the lead's
// language, a first MQL as before.
func TestSubjectOfARequalifiedLead(t *testing.T) {
	back := &push.Recycled{Outcome: "rejected", At: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)}
	for _, c := range []struct {
		l    push.Lead
		want string
	}{
		{push.Lead{Condition: "Hot lead", Cycle: 1}, "MQL: Hot lead"},
		{push.Lead{Condition: "Hot lead", Cycle: 2, Recycled: back}, "MQL again (MQL 2): Hot lead"},
		{push.Lead{Condition: "ホットリード", Cycle: 3, Recycled: back, Lang: "ja"}, "再度の MQL（3 回目）：ホットリード"},
	} {
		if got := c.l.Subject(); got != c.want {
			t.Errorf("%q, want %q", got, c.want)
		}
	}
}

// TestSummarySaysItsTimeZone: the activity's times are in the configured
// timezone, and the summary says which once: a Japanese rep reading
// "09:00" in their SFA could not tell JST from UTC (the default).
func TestSummarySaysItsTimeZone(t *testing.T) {
	jst := time.FixedZone("JST", 9*3600)
	at := time.Date(2026, 11, 24, 0, 30, 0, 0, time.UTC)
	l := push.Lead{Condition: "hot", Grade: "A", Activity: []push.Activity{{Type: event.Download, Title: "導入事例集", At: at.In(jst)}}}
	for lang, want := range map[string]string{"ja": "最近の行動（時刻は JST）：\n- 2026-11-24 09:30 ", "": "Recent activity (times in JST):\n- 2026-11-24 09:30 "} {
		l.Lang = lang
		if got := l.Summary(); !strings.Contains(got, want) {
			t.Errorf("%q summary lacks %q:\n%s", lang, want, got)
		}
	}
	l.Lang, l.Activity[0].At = "", at
	if got := l.Summary(); !strings.Contains(got, "Recent activity (times in UTC):\n- 2026-11-24 00:30 ") {
		t.Errorf("UTC summary:\n%s", got)
	}
	l.Activity = nil
	if got := l.Summary(); !strings.HasSuffix(got, "Recent activity:\n") {
		t.Errorf("no activity:\n%s", got)
	}
}

// TestSummaryTouchInJapanese: a touch's page and referrer are written as
// Japanese writes them in the Japanese summary (（）, 参照元), not in
// ASCII parentheses and English amid it; the English summary keeps its own.
func TestSummaryTouchInJapanese(t *testing.T) {
	l := push.Lead{Lang: "ja", Condition: "hot", Grade: "A", Sites: []string{"www.example.com"},
		FirstTouch: push.Touch{Channel: "search", Source: "google", URL: "https://www.example.com/"},
		LastTouch:  push.Touch{Referrer: "https://news.example.jp/", URL: "https://www.example.com/case"}}
	got := l.Summary()
	for _, want := range []string{"最初の接点：自然検索 / google（https://www.example.com/）\n", "直近の接点：参照元 ［外部サイト・未確認］news[.]example[.]jp/（https://www.example.com/case）\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("summary lacks %q:\n%s", want, got)
		}
	}
	l.Lang = ""
	if en := l.Summary(); !strings.Contains(en, "First touch: search / google (https://www.example.com/)\n") || !strings.Contains(en, "Last touch: referrer [other site, unverified] news[.]example[.]jp/ (https://www.example.com/case)\n") {
		t.Errorf("the English summary changed:\n%s", en)
	}
}

// An imported touch names a day, not a time: its line says the day alone
// (it read "2026-12-02 00:00", a midnight the person never came at), while
// a timed one, and a webinar's session at its start, keep their minute.
func TestSummaryOfADayTouchSaysNoTime(t *testing.T) {
	jst := time.FixedZone("JST", 9*3600)
	l := push.Lead{Condition: "c", Activity: []push.Activity{
		{Type: event.Offline, Name: "製造業DXウェビナー", At: time.Date(2026, 12, 2, 0, 0, 0, 0, jst)},
		{Type: event.Offline, Name: "夜間セミナー", At: time.Date(2026, 12, 1, 19, 0, 0, 0, jst)},
		{Type: event.PageView, Title: "Pricing", At: time.Date(2026, 12, 1, 0, 0, 0, 0, jst)},
	}}
	s := l.Summary()
	for _, want := range []string{"- 2026-12-02 offline touch 製造業DXウェビナー\n", "- 2026-12-01 19:00 offline touch 夜間セミナー\n", "- 2026-12-01 00:00 page view Pricing\n"} {
		if !strings.Contains(s, want) {
			t.Errorf("summary lacks %q:\n%s", want, s)
		}
	}
}
