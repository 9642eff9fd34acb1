package awsshape

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	st "github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"gopkg.in/yaml.v3"

	"github.com/baton-hq/baton/internal/admin"
	"github.com/baton-hq/baton/internal/app"
	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/lambdafn"
	"github.com/baton-hq/baton/internal/lambdahttp"
	"github.com/baton-hq/baton/internal/push"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/sqsrelay"
	"github.com/baton-hq/baton/internal/stdwebhook"
	"github.com/baton-hq/baton/internal/table/dynamotable"
	"github.com/baton-hq/baton/internal/testutil/moto"
	"github.com/baton-hq/baton/internal/testutil/repo"
)

// t0 is when the visitor arrives; every part of the system reads clk.
var t0 = time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)

const (
	adminToken = "e2e-admin-token-0123456789"
	writeKey   = "e2e-write-key-0123456789ab"
	site       = "https://www.example.com"
	email      = "buyer@maker.example"
	userAgent  = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
	apiHost    = "abc123.execute-api.us-east-1.amazonaws.com"
)

var (
	webhookSecret  = "whsec_" + base64.StdEncoding.EncodeToString([]byte("e2e-mql-webhook-key-0123456789ab"))
	feedbackSecret = "whsec_" + base64.StdEncoding.EncodeToString([]byte("e2e-feedback-key-0123456789abcd"))
)

// TestAWSShape drives one visitor through the deployed shape: collect (API
// Gateway v2) -> DynamoDB stream (moto) -> template FilterCriteria -> score
// Lambda -> push SQS queue (moto) -> push Lambda -> signed MQL webhook; then
// replays, sales feedback, the sweep and the funnel report.
func TestAWSShape(t *testing.T) {
	ctx := context.Background()
	clk := clock.NewManual(t0)
	endpoint := moto.Shared(t)
	tbl := moto.NewTable(t, dynamotable.WithClock(clk.Now))
	sqsc := moto.SQS(endpoint)

	// The push queue with its dead-letter queue, as in template.yaml.
	q := createQueues(t, sqsc, tbl.Name())
	pushURL, pushARN, dlqURL, dlqARN := q.pushURL, q.pushARN, q.dlqURL, q.dlqARN

	hook := newReceiver(t, clk)

	cfgFile := filepath.Join(t.TempDir(), "baton.yaml")
	if err := os.WriteFile(cfgFile, []byte("sla:\n  accept_within: 24h\n  webhook_url: "+hook.URL+"/sla\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	a := deployedApp(t, ctx, tbl, clk, map[string]string{
		"BATON_WRITE_KEY":       writeKey,
		"BATON_SITE_ORIGINS":    site,
		"BATON_FEEDBACK_SECRET": feedbackSecret,
		"BATON_WEBHOOK_URL":     hook.URL + "/mql",
		"BATON_WEBHOOK_SECRET":  webhookSecret,
		"BATON_CONFIG":          cfgFile,
	})
	if a.Qualifier == nil {
		t.Fatal("no qualifier: BATON_RULES not loaded")
	}

	collectFn := lambdahttp.Adapter{Handler: a.CollectHandler()}
	adminFn := lambdahttp.Adapter{Handler: a.AdminHandler()}
	feedbackFn := lambdahttp.Adapter{Handler: a.FeedbackHandler()}
	relay := &sqsrelay.Relay{SQS: sqsc, QueueURL: pushURL}
	a.Accounts.Send = relay.SendAccount // as functions/score does
	score := lambdafn.Score(a.Core, relay.Send)
	pushFn := lambdafn.Push(a.Pusher, sqsc, lambdafn.PushQueues{URL: pushURL, DeadLetterURL: dlqURL})
	sweep := lambdafn.Sweep(a.Core)

	filters, batchSize := scoreFilter(t)
	stream := newStreamReader(t, ctx, tbl, endpoint)
	var scored []events.DynamoDBEventRecord // every record the filter passed, in order
	dropped := map[string]int{}             // kind -> records the filter dropped
	passedKinds := map[string]int{}
	// drain reads the stream until it holds nothing new, feeding the
	// filtered records to the score function in batches as Lambda would;
	// scoring writes items, whose records are read in the next round.
	drain := func() []events.DynamoDBEventRecord {
		t.Helper()
		var fed []events.DynamoDBEventRecord
		for round := 0; ; round++ {
			recs := stream.read(t, ctx)
			if len(recs) == 0 {
				return fed
			}
			if round == 20 {
				t.Fatalf("the stream is still growing after %d rounds", round)
			}
			var pass []events.DynamoDBEventRecord
			for _, r := range recs {
				if filters.match(t, r) {
					pass = append(pass, r)
					passedKinds[kindOf(r)]++
				} else {
					dropped[kindOf(r)]++
				}
			}
			scoreBatches(t, ctx, score, pass, batchSize)
			fed = append(fed, pass...)
			scored = append(scored, pass...)
		}
	}

	// 1. An anonymous visitor browses: page views and a download, each an
	// API Gateway v2 event to the collect function. The cookie the first
	// answer sets travels with the next requests, as a browser's would.
	var cookie string
	collect := func(body string) {
		t.Helper()
		clk.Advance(time.Minute)
		var cookies []string
		if cookie != "" {
			cookies = []string{cookie}
		}
		resp := invoke(t, collectFn, httpEvent(clk, "POST", "/e", "", map[string]string{
			"origin": site, "content-type": "text/plain;charset=UTF-8",
		}, cookies, body))
		if resp.StatusCode != http.StatusNoContent {
			t.Fatalf("POST /e %s: %d %s", body, resp.StatusCode, resp.Body)
		}
		for _, c := range resp.Cookies {
			if v, ok := strings.CutPrefix(strings.SplitN(c, ";", 2)[0], "bt_vid="); ok {
				cookie = "bt_vid=" + v
			}
		}
		if cookie == "" {
			t.Fatalf("POST /e set no bt_vid cookie: %v", resp.Cookies)
		}
	}
	page := func(id, path, title string) {
		collect(`{"type":"page_view","messageId":"` + id + `","properties":{"url":"` + site + path + `","title":"` + title + `"}}`)
	}
	page("m1", "/", "Home")
	page("m2", "/pricing", "Pricing")
	page("m3", "/whitepaper", "Whitepaper")
	collect(`{"type":"download","messageId":"m4","properties":{"url":"` + site + `/files/whitepaper.pdf"}}`)
	visitorID := strings.TrimPrefix(cookie, "bt_vid=")

	drain()
	if mqls := recentMQLs(t, ctx, a); len(mqls) != 0 {
		t.Fatalf("an anonymous visitor is an MQL: %+v", mqls)
	}
	if n := passedKinds["event"]; n != 4 {
		t.Fatalf("the filter passed %d event records of 4 page views and downloads (passed %v, dropped %v)", n, passedKinds, dropped)
	}

	// 2. The visitor fills in the contact form: identified, scored, MQL.
	collect(`{"type":"form_submit","messageId":"m5","properties":{"url":"` + site + `/contact","form":{"id":"contact","name":"contact","action":"` + site + `/thanks"},"fields":{"email":"` + email + `","company":"Maker","title":"購買部長","employees":"250-999"}}}`)
	qualifiedAt := clk.Now()
	drain()

	// 3. What the template's filter did with what the stream really holds.
	// (moto records a counter item that a transaction's UpdateItem creates
	// twice: an INSERT whose image holds only the key, then one with the
	// whole item; DynamoDB records one. The first has no kind, and the
	// filter drops it like any other counter record.)
	t.Logf("stream records: passed %v, dropped %v", passedKinds, dropped)
	for _, k := range []string{"event", "link", "mql", "stage"} {
		if passedKinds[k] == 0 {
			t.Errorf("the filter passed no %s record (passed %v, dropped %v)", k, passedKinds, dropped)
		}
	}
	for _, k := range []string{"person", "score"} {
		if dropped[k] == 0 {
			t.Errorf("the filter dropped no %s record (passed %v, dropped %v)", k, passedKinds, dropped)
		}
	}
	for k := range passedKinds {
		if k != "event" && k != "link" && k != "mql" && k != "stage" && k != "person" {
			t.Errorf("the filter passed %d %s records", passedKinds[k], k)
		}
	}

	mqls := recentMQLs(t, ctx, a)
	if len(mqls) != 1 {
		t.Fatalf("want one MQL, got %+v", mqls)
	}
	mql := mqls[0]
	if mql.Email != email || mql.Condition != "hot-and-fit" || mql.Cycle != 1 || !mql.At.Equal(qualifiedAt) {
		t.Fatalf("MQL %+v (qualified at %s)", mql, qualifiedAt)
	}
	pid := mql.Person
	if rec, err := a.Qualifier.Record(ctx, pid); err != nil || rec.Stage != qualify.StageMQL || rec.Verdict.Grade != "A" {
		t.Fatalf("record %+v %v", rec, err)
	}

	// 4. The score function relayed the MQL to SQS: the push function
	// delivers it to the signed webhook.
	msgs := receive(t, ctx, sqsc, pushURL, pushARN)
	if len(msgs) != 1 {
		t.Fatalf("push queue holds %d messages, want 1", len(msgs))
	}
	if a := msgs[0].MessageAttributes["mql_id"]; a.StringValue == nil || *a.StringValue != mql.ID || a.DataType != "String" {
		t.Fatalf("mql_id attribute %+v, want %s", a, mql.ID)
	}
	first := events.SQSEvent{Records: msgs}
	pushBatch(t, ctx, pushFn, sqsc, pushURL, first)
	dels := hook.deliveries("/mql")
	if len(dels) != 1 {
		t.Fatalf("webhook received %d MQL deliveries, want 1: %+v", len(dels), dels)
	}
	var created struct {
		Type string    `json:"type"`
		Data push.Lead `json:"data"`
	}
	if err := json.Unmarshal(dels[0].body, &created); err != nil {
		t.Fatal(err)
	}
	if dels[0].id != mql.ID || created.Type != "mql.created" || created.Data.MQLID != mql.ID || created.Data.PersonID != pid || created.Data.Email != email || created.Data.Grade != "A" {
		t.Fatalf("delivery %s %s", dels[0].id, dels[0].body)
	}
	if !hasActivity(created.Data.Activity, event.PageView, site+"/pricing") {
		t.Errorf("the lead's activity lacks the anonymous pricing page view: %+v", created.Data.Activity)
	}
	expectEmpty(t, ctx, sqsc, dlqURL, dlqARN, "dead-letter queue")

	// The person's timeline (admin function) holds the browsing done
	// before they were known: the history was stitched.
	code, body := invoke2(t, adminFn, httpEvent(clk, "GET", "/admin/people", "email="+email, bearer(), nil, ""))
	var view admin.PersonView
	if code != 200 || json.Unmarshal([]byte(body), &view) != nil {
		t.Fatalf("GET /admin/people: %d %s", code, body)
	}
	if view.Person.ID != pid || len(view.Visitors) != 1 || view.Visitors[0].ID != visitorID {
		t.Fatalf("person view: %s", body)
	}
	for _, want := range []struct{ typ, url string }{
		{event.PageView, site + "/"}, {event.PageView, site + "/pricing"}, {event.PageView, site + "/whitepaper"},
		{event.Download, site + "/files/whitepaper.pdf"}, {event.FormSubmit, site + "/contact"},
	} {
		found := false
		for _, ev := range view.Timeline {
			if ev.Type == want.typ && ev.URL == want.url && ev.Timestamp.Before(qualifiedAt.Add(time.Nanosecond)) {
				found = true
			}
		}
		if !found {
			t.Errorf("timeline lacks %s %s: %s", want.typ, want.url, body)
		}
	}

	// 5. Replay: Lambda delivers stream batches and SQS messages at least
	// once. The same stream records scored again, and the same message
	// pushed again (plus the copy the replayed MQL record relays), change
	// nothing.
	before, _ := a.Qualifier.Record(ctx, pid)
	ledger, _ := a.Qualifier.Ledger(ctx, pid)
	replay := append([]events.DynamoDBEventRecord(nil), scored...)
	scoreBatches(t, ctx, score, replay, batchSize)
	pushBatch(t, ctx, pushFn, sqsc, pushURL, first)
	again := receive(t, ctx, sqsc, pushURL, pushARN) // the replayed MQL INSERT relays again: at least once
	for _, m := range again {
		if a := m.MessageAttributes["mql_id"]; a.StringValue == nil || *a.StringValue != mql.ID {
			t.Fatalf("replay relayed an unexpected message %+v", m)
		}
	}
	pushBatch(t, ctx, pushFn, sqsc, pushURL, events.SQSEvent{Records: again})
	for _, r := range drain() {
		if kindOf(r) == qualify.KindMQL && r.EventName == "INSERT" {
			t.Errorf("replay wrote a new MQL item: %+v", r.Change.Keys)
		}
	}
	for _, m := range receive(t, ctx, sqsc, pushURL, pushARN) {
		t.Errorf("replay queued another message: %s", m.Body)
	}
	if n := len(recentMQLs(t, ctx, a)); n != 1 {
		t.Fatalf("after replay %d MQLs", n)
	}
	if n := len(hook.deliveries("/mql")); n != 1 {
		t.Fatalf("after replay the webhook received %d MQL deliveries", n)
	}
	after, _ := a.Qualifier.Record(ctx, pid)
	if b, a := mustJSON(before), mustJSON(after); b != a {
		t.Errorf("replay changed the score record:\n%s\n%s", b, a)
	}
	if l, _ := a.Qualifier.Ledger(ctx, pid); len(l) != len(ledger) {
		t.Errorf("replay changed the ledger: %d contributions, then %d", len(ledger), len(l))
	}
	expectEmpty(t, ctx, sqsc, dlqURL, dlqARN, "dead-letter queue")

	// 6. The sweep right away: the MQL is not overdue yet.
	if out, err := sweep(ctx, events.EventBridgeEvent{}); err != nil || out["breaches"] != 0 {
		t.Fatalf("sweep at once: %v %v", out, err)
	}

	// 7. Sales reject the lead two hours later through the generic signed
	// webhook; the lead is recycled. A forged and a repeated delivery
	// change nothing.
	clk.Advance(2 * time.Hour)
	fb := []byte(`{"personId":"` + pid + `","outcome":"rejected","owner":"rep@acme.example","at":"` + clk.Now().Format(time.RFC3339) + `"}`)
	forged := signedFeedback(clk, "fb-0001", fb, []byte("some-other-key-0123456789abcdef"))
	if code, body := invoke2(t, feedbackFn, forged); code != http.StatusUnauthorized {
		t.Fatalf("forged feedback: %d %s", code, body)
	}
	stale := signedFeedback(clock.NewManual(clk.Now().Add(-time.Hour)), "fb-0001", fb, mustKey(t, feedbackSecret))
	if code, body := invoke2(t, feedbackFn, stale); code != http.StatusUnauthorized {
		t.Fatalf("feedback signed an hour ago: %d %s", code, body)
	}
	if rec, _ := a.Qualifier.Record(ctx, pid); rec.Stage != qualify.StageMQL {
		t.Fatalf("refused feedback moved the stage to %s", rec.Stage)
	}
	good := signedFeedback(clk, "fb-0001", fb, mustKey(t, feedbackSecret))
	code, body = invoke2(t, feedbackFn, good)
	var res struct {
		Results []struct {
			qualify.OutcomeResult
			DeliveryID string `json:"deliveryId"`
		} `json:"results"`
	}
	if code != 200 || json.Unmarshal([]byte(body), &res) != nil || len(res.Results) != 1 || !res.Results[0].Applied || !res.Results[0].Recycled {
		t.Fatalf("feedback: %d %s", code, body)
	}
	if rec, err := a.Qualifier.Record(ctx, pid); err != nil || rec.Stage != qualify.StageRecycled {
		t.Fatalf("after rejection the stage is %q (%v), want %s", rec.Stage, err, qualify.StageRecycled)
	}
	code, body = invoke2(t, feedbackFn, signedFeedback(clk, "fb-0001", fb, mustKey(t, feedbackSecret)))
	if code != 200 || !strings.Contains(body, `"ignored":"duplicate delivery"`) {
		t.Fatalf("repeated feedback: %d %s", code, body)
	}
	// Whatever the rejection wrote raises nothing on the stream.
	for _, r := range drain() {
		if kindOf(r) == qualify.KindMQL {
			t.Errorf("the rejection led to an MQL record: %+v", r.Change.Keys)
		}
	}
	for _, m := range receive(t, ctx, sqsc, pushURL, pushARN) {
		t.Errorf("the rejection queued a message: %s", m.Body)
	}

	// 8. The sweep two days on: the MQL is past the 24h SLA, but sales
	// rejected it, so there is no breach and nothing is announced.
	clk.Advance(48 * time.Hour)
	if out, err := sweep(ctx, events.EventBridgeEvent{}); err != nil || out["breaches"] != 0 {
		t.Fatalf("sweep after rejection: %v %v", out, err)
	}
	if d := hook.deliveries("/sla"); len(d) != 0 {
		t.Fatalf("SLA webhook called for a rejected MQL: %s", d[0].body)
	}

	// 9. The funnel report (admin function): one lead, one MQL.
	code, body = invoke2(t, adminFn, httpEvent(clk, "GET", "/admin/reports/funnel", "", bearer(), nil, ""))
	var funnel struct {
		Stages []string `json:"stages"`
		Rows   []struct {
			Group  string         `json:"group"`
			Counts map[string]int `json:"counts"`
		} `json:"rows"`
		Counters map[string]map[string]int64 `json:"counters"`
	}
	if code != 200 || json.Unmarshal([]byte(body), &funnel) != nil {
		t.Fatalf("GET /admin/reports/funnel: %d %s", code, body)
	}
	var all map[string]int
	for _, r := range funnel.Rows {
		if r.Group == "(all)" {
			all = r.Counts
		}
	}
	if all["lead"] != 1 || all["mql"] != 1 || all["sal"] != 0 {
		t.Errorf("funnel rows: %s", body)
	}
	if c := funnel.Counters["(all)"]; c["lead"] != 1 || c["mql"] != 1 || c["rejected"] != 1 || c["recycled"] != 1 {
		t.Errorf("funnel counters: %s", body)
	}
	if code, _ := invoke2(t, adminFn, httpEvent(clk, "GET", "/admin/reports/funnel", "", nil, nil, "")); code != http.StatusUnauthorized {
		t.Errorf("funnel without a token: %d", code)
	}
}

// --- API Gateway HTTP API (payload 2.0) ---

func httpEvent(clk *clock.Manual, method, path, query string, headers map[string]string, cookies []string, body string) events.APIGatewayV2HTTPRequest {
	h := map[string]string{"host": apiHost, "user-agent": userAgent, "x-forwarded-proto": "https", "x-forwarded-for": "203.0.113.45"}
	for k, v := range headers {
		h[k] = v
	}
	now := clk.Now()
	return events.APIGatewayV2HTTPRequest{
		Version: "2.0", RouteKey: method + " " + path, RawPath: path, RawQueryString: query,
		Headers: h, Cookies: cookies, Body: body,
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			AccountID: "123456789012", APIID: "abc123", DomainName: apiHost, DomainPrefix: "abc123",
			Stage: "$default", RequestID: fmt.Sprintf("req-%d", now.UnixNano()), RouteKey: method + " " + path,
			Time: now.Format("02/Jan/2006:15:04:05 -0700"), TimeEpoch: now.UnixMilli(),
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: method, Path: path, Protocol: "HTTP/1.1", SourceIP: "203.0.113.45", UserAgent: userAgent},
		},
	}
}

func bearer() map[string]string { return map[string]string{"authorization": "Bearer " + adminToken} }

// invoke passes the event through JSON, as the Lambda runtime does.
func invoke(t *testing.T, fn lambdahttp.Adapter, ev events.APIGatewayV2HTTPRequest) events.APIGatewayV2HTTPResponse {
	t.Helper()
	b, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	var in events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(b, &in); err != nil {
		t.Fatal(err)
	}
	resp, err := fn.Handle(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func invoke2(t *testing.T, fn lambdahttp.Adapter, ev events.APIGatewayV2HTTPRequest) (int, string) {
	t.Helper()
	resp := invoke(t, fn, ev)
	body := resp.Body
	if resp.IsBase64Encoded {
		b, _ := base64.StdEncoding.DecodeString(body)
		body = string(b)
	}
	return resp.StatusCode, body
}

func mustKey(t *testing.T, secret string) []byte {
	t.Helper()
	k, err := stdwebhook.Key(secret)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// signedFeedback is a Standard Webhooks delivery to /feedback/webhook,
// timestamped by clk.
func signedFeedback(clk *clock.Manual, id string, body, key []byte) events.APIGatewayV2HTTPRequest {
	ts := clk.Now().Unix()
	return httpEvent(clk, "POST", "/feedback/webhook", "", map[string]string{
		"content-type":      "application/json",
		"webhook-id":        id,
		"webhook-timestamp": strconv.FormatInt(ts, 10),
		"webhook-signature": stdwebhook.Sign(key, id, ts, body),
	}, nil, string(body))
}

// --- the webhook receiver ---

type delivery struct {
	path, id string
	body     []byte
}

type receiver struct {
	*httptest.Server
	mu   sync.Mutex
	got  []delivery
	errs []string
}

// newReceiver records each verified delivery; a bad signature or a
// timestamp off clk is refused (and reported).
func newReceiver(t *testing.T, clk *clock.Manual) *receiver {
	rc := &receiver{}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		defer rc.mu.Unlock()
		if err := stdwebhook.Verify(webhookSecret, r.Header, body, clk.Now(), 5*time.Minute); err != nil {
			rc.errs = append(rc.errs, r.URL.Path+": "+err.Error())
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		rc.got = append(rc.got, delivery{path: r.URL.Path, id: r.Header.Get("webhook-id"), body: body})
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(func() {
		rc.Close()
		for _, e := range rc.errs {
			t.Errorf("webhook receiver refused a delivery: %s", e)
		}
	})
	return rc
}

func (rc *receiver) deliveries(path string) []delivery {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	var out []delivery
	for _, d := range rc.got {
		if d.path == path {
			out = append(out, d)
		}
	}
	return out
}

// --- the DynamoDB stream, as the Lambda event source mapping reads it ---

type streamReader struct {
	c     *dynamodbstreams.Client
	arn   string
	iters map[string]*string // shard -> next iterator
	order []string
}

func newStreamReader(t *testing.T, ctx context.Context, tbl *dynamotable.Table, endpoint string) *streamReader {
	t.Helper()
	out, err := moto.DynamoDB(endpoint).DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(tbl.Name())})
	if err != nil {
		t.Fatal(err)
	}
	if out.Table.LatestStreamArn == nil {
		t.Fatalf("table %s has no stream", tbl.Name())
	}
	if s := out.Table.StreamSpecification; s == nil || s.StreamViewType != "NEW_AND_OLD_IMAGES" {
		t.Fatalf("stream view %+v, the template asks for NEW_AND_OLD_IMAGES", s)
	}
	return &streamReader{c: moto.Streams(endpoint), arn: *out.Table.LatestStreamArn, iters: map[string]*string{}}
}

// read returns every record written since the last read, in order, as
// Lambda's stream records.
func (s *streamReader) read(t *testing.T, ctx context.Context) []events.DynamoDBEventRecord {
	t.Helper()
	desc, err := s.c.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: &s.arn})
	if err != nil {
		t.Fatal(err)
	}
	for _, sh := range desc.StreamDescription.Shards {
		id := aws.ToString(sh.ShardId)
		if _, ok := s.iters[id]; ok {
			continue
		}
		it, err := s.c.GetShardIterator(ctx, &dynamodbstreams.GetShardIteratorInput{StreamArn: &s.arn, ShardId: sh.ShardId, ShardIteratorType: st.ShardIteratorTypeTrimHorizon})
		if err != nil {
			t.Fatal(err)
		}
		s.iters[id] = it.ShardIterator
		s.order = append(s.order, id)
	}
	var out []events.DynamoDBEventRecord
	for _, id := range s.order {
		for s.iters[id] != nil {
			recs, err := s.c.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: s.iters[id], Limit: aws.Int32(1000)})
			if err != nil {
				t.Fatal(err)
			}
			s.iters[id] = recs.NextShardIterator // nil: a closed shard read to its end
			for _, r := range recs.Records {
				out = append(out, lambdaRecord(t, s.arn, r))
			}
			if len(recs.Records) == 0 {
				break
			}
		}
	}
	return out
}

// lambdaRecord is the record as Lambda hands it to the function.
func lambdaRecord(t *testing.T, arn string, r st.Record) events.DynamoDBEventRecord {
	t.Helper()
	d := r.Dynamodb
	rec := events.DynamoDBEventRecord{
		AWSRegion: aws.ToString(r.AwsRegion), EventID: aws.ToString(r.EventID), EventName: string(r.EventName),
		EventSource: aws.ToString(r.EventSource), EventVersion: aws.ToString(r.EventVersion), EventSourceArn: arn,
		Change: events.DynamoDBStreamRecord{
			Keys: lambdaImage(t, d.Keys), NewImage: lambdaImage(t, d.NewImage), OldImage: lambdaImage(t, d.OldImage),
			SequenceNumber: aws.ToString(d.SequenceNumber), SizeBytes: aws.ToInt64(d.SizeBytes), StreamViewType: string(d.StreamViewType),
		},
	}
	if d.ApproximateCreationDateTime != nil {
		rec.Change.ApproximateCreationDateTime = events.SecondsEpochTime{Time: *d.ApproximateCreationDateTime}
	}
	if rec.AWSRegion == "" {
		rec.AWSRegion = moto.Region
	}
	if rec.EventSource == "" {
		rec.EventSource = "aws:dynamodb"
	}
	return rec
}

func lambdaImage(t *testing.T, img map[string]st.AttributeValue) map[string]events.DynamoDBAttributeValue {
	t.Helper()
	if img == nil {
		return nil
	}
	out := make(map[string]events.DynamoDBAttributeValue, len(img))
	for name, v := range img {
		switch v := v.(type) {
		case *st.AttributeValueMemberS:
			out[name] = events.NewStringAttribute(v.Value)
		case *st.AttributeValueMemberN:
			out[name] = events.NewNumberAttribute(v.Value)
		case *st.AttributeValueMemberB:
			out[name] = events.NewBinaryAttribute(v.Value)
		default:
			t.Fatalf("stream image attribute %s is %T: the table writes only S, N and B", name, v)
		}
	}
	return out
}

func kindOf(r events.DynamoDBEventRecord) string {
	for _, img := range []map[string]events.DynamoDBAttributeValue{r.Change.NewImage, r.Change.OldImage} {
		if v, ok := img["kind"]; ok && v.DataType() == events.DataTypeString {
			return v.String()
		}
	}
	return "(none)"
}

func scoreBatches(t *testing.T, ctx context.Context, score func(context.Context, events.DynamoDBEvent) (events.DynamoDBEventResponse, error), recs []events.DynamoDBEventRecord, size int) {
	t.Helper()
	for len(recs) > 0 {
		n := min(size, len(recs))
		batch := events.DynamoDBEvent{Records: recs[:n]}
		recs = recs[n:]
		resp, err := score(ctx, roundTrip(t, batch))
		if err != nil || len(resp.BatchItemFailures) != 0 {
			t.Fatalf("score: %+v %v", resp, err)
		}
	}
}

// roundTrip passes an event through its JSON form, as Lambda delivers it.
func roundTrip[E any](t *testing.T, ev E) E {
	t.Helper()
	b, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	var out E
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// --- the score function's FilterCriteria, from template.yaml ---

type filterSet []map[string]any

// scoreFilter reads ScoreFunction's DynamoDB event source from
// template.yaml: its filter patterns and batch size.
func scoreFilter(t *testing.T) (filterSet, int) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repo.Root(t), "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	evs := get(t, doc.Content[0], "Resources", "ScoreFunction", "Properties", "Events")
	var fs filterSet
	size := 0
	for i := 1; i < len(evs.Content); i += 2 {
		src := evs.Content[i]
		if typ := get(t, src, "Type"); typ.Value != "DynamoDB" {
			continue
		}
		props := get(t, src, "Properties")
		if bs := lookup(props, "BatchSize"); bs != nil {
			if size, err = strconv.Atoi(bs.Value); err != nil {
				t.Fatalf("BatchSize %q", bs.Value)
			}
		}
		for _, f := range get(t, props, "FilterCriteria", "Filters").Content {
			var p map[string]any
			if err := json.Unmarshal([]byte(get(t, f, "Pattern").Value), &p); err != nil {
				t.Fatalf("filter pattern: %v", err)
			}
			fs = append(fs, p)
		}
	}
	if len(fs) == 0 || size == 0 {
		t.Fatalf("template.yaml: ScoreFunction has no DynamoDB event with FilterCriteria and BatchSize")
	}
	return fs, size
}

func lookup(n *yaml.Node, key string) *yaml.Node {
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

func get(t *testing.T, n *yaml.Node, path ...string) *yaml.Node {
	t.Helper()
	for i, k := range path {
		if n = lookup(n, k); n == nil {
			t.Fatalf("template.yaml: no %s", strings.Join(path[:i+1], "."))
		}
	}
	return n
}

// match applies the filters as Lambda does: a record passes when any
// pattern matches its JSON form.
func (fs filterSet) match(t *testing.T, r events.DynamoDBEventRecord) bool {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal([]byte(mustJSON(r)), &doc); err != nil {
		t.Fatal(err)
	}
	for _, p := range fs {
		ok, err := matchObject(p, doc)
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			return true
		}
	}
	return false
}

// matchObject: every key of the pattern must match. An object descends; an
// array lists the allowed values (exact match of strings, numbers, null,
// booleans). Content-filter operators ({"prefix": ...}) are not used by the
// template, so they are refused rather than half-implemented.
func matchObject(pattern, doc map[string]any) (bool, error) {
	for k, pv := range pattern {
		v, present := doc[k]
		switch p := pv.(type) {
		case map[string]any:
			sub, ok := v.(map[string]any)
			if !present || !ok {
				return false, nil
			}
			if ok, err := matchObject(p, sub); err != nil || !ok {
				return false, err
			}
		case []any:
			if !present {
				return false, nil
			}
			ok, err := matchValues(p, v)
			if err != nil || !ok {
				return false, err
			}
		default:
			return false, fmt.Errorf("filter pattern: %s is %T; want an object or an array of values", k, pv)
		}
	}
	return true, nil
}

func matchValues(allowed []any, v any) (bool, error) {
	vals := []any{v}
	if arr, ok := v.([]any); ok {
		vals = arr
	}
	for _, a := range allowed {
		switch a.(type) {
		case string, float64, bool, nil:
		default:
			return false, fmt.Errorf("filter pattern: content filter %v is not supported by this matcher", a)
		}
		for _, x := range vals {
			if _, isObj := x.(map[string]any); !isObj && x == a {
				return true, nil
			}
		}
	}
	return false, nil
}

// --- SQS, as the push function's event source reads it ---

func createQueue(t *testing.T, c *sqs.Client, name string, attrs map[string]string) (url, arn string) {
	t.Helper()
	ctx := context.Background()
	out, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(name), Attributes: attrs})
	if err != nil {
		t.Fatal(err)
	}
	a, err := c.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: out.QueueUrl, AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn}})
	if err != nil {
		t.Fatal(err)
	}
	return *out.QueueUrl, a.Attributes["QueueArn"]
}

// receive takes what the queue holds, as SQS event records.
func receive(t *testing.T, ctx context.Context, c *sqs.Client, url, arn string) []events.SQSMessage {
	t.Helper()
	var out []events.SQSMessage
	for {
		r, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{
			QueueUrl: aws.String(url), MaxNumberOfMessages: 10, WaitTimeSeconds: 0,
			MessageAttributeNames:       []string{"All"},
			MessageSystemAttributeNames: []sqstypes.MessageSystemAttributeName{sqstypes.MessageSystemAttributeNameAll},
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Messages) == 0 {
			return out
		}
		for _, m := range r.Messages {
			msg := events.SQSMessage{
				MessageId: aws.ToString(m.MessageId), ReceiptHandle: aws.ToString(m.ReceiptHandle), Body: aws.ToString(m.Body),
				Md5OfBody: aws.ToString(m.MD5OfBody), Md5OfMessageAttributes: aws.ToString(m.MD5OfMessageAttributes),
				Attributes: m.Attributes, MessageAttributes: map[string]events.SQSMessageAttribute{},
				EventSource: "aws:sqs", EventSourceARN: arn, AWSRegion: moto.Region,
			}
			for k, a := range m.MessageAttributes {
				msg.MessageAttributes[k] = events.SQSMessageAttribute{StringValue: a.StringValue, BinaryValue: a.BinaryValue, DataType: aws.ToString(a.DataType)}
			}
			out = append(out, msg)
		}
	}
}

// pushBatch runs the push function and, as the event source mapping does,
// deletes the messages it did not report as failed.
func pushBatch(t *testing.T, ctx context.Context, fn func(context.Context, events.SQSEvent) (events.SQSEventResponse, error), c *sqs.Client, url string, batch events.SQSEvent) {
	t.Helper()
	resp, err := fn(ctx, roundTrip(t, batch))
	if err != nil || len(resp.BatchItemFailures) != 0 {
		t.Fatalf("push: %+v %v", resp, err)
	}
	for _, m := range batch.Records {
		// A replayed message was deleted already; SQS accepts a stale
		// receipt handle or answers an error the mapping ignores.
		c.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: aws.String(m.ReceiptHandle)})
	}
}

func expectEmpty(t *testing.T, ctx context.Context, c *sqs.Client, url, arn, what string) {
	t.Helper()
	for _, m := range receive(t, ctx, c, url, arn) {
		t.Errorf("%s holds %s (%v)", what, m.Body, m.MessageAttributes)
	}
}

// --- helpers ---

func recentMQLs(t *testing.T, ctx context.Context, a *app.App) []qualify.MQL {
	t.Helper()
	m, err := a.Qualifier.RecentMQLs(ctx, 50)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func hasActivity(as []push.Activity, typ, url string) bool {
	for _, a := range as {
		if a.Type == typ && a.URL == url {
			return true
		}
	}
	return false
}

func mustJSON(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(err)
	}
	return b.String()
}
