package deploy

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	streamtypes "github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/baton-hq/baton/internal/app"
	"github.com/baton-hq/baton/internal/app/core"
	"github.com/baton-hq/baton/internal/app/delivery"
	"github.com/baton-hq/baton/internal/app/sales"
	"github.com/baton-hq/baton/internal/app/web"
	"github.com/baton-hq/baton/internal/click"
	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/config"
	"github.com/baton-hq/baton/internal/deadletter"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/lambdafn"
	"github.com/baton-hq/baton/internal/lambdahttp"
	"github.com/baton-hq/baton/internal/push"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/sqsrelay"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/dynamotable"
	"github.com/baton-hq/baton/internal/testutil/lambdatest"
	"github.com/baton-hq/baton/internal/testutil/moto"
	"github.com/baton-hq/baton/internal/token"
)

// TestGrantsMatchCalls runs each function with an IAM user whose only
// policy is what its code calls (the code policy of its role in
// template.yaml, references resolved to the moto resources), against a
// moto server that enforces IAM as AWS does for what Baton calls
// (infra/moto/iam.py): the action of each call (each item's for
// TransactWriteItems, the single operation's for an SQS batch) on the
// table, stream, queue or secret it names, '*' and '?' as IAM reads them.
// Each function is built as its functions/<name>/main.go builds it, from the
// environment the template gives it, and drives the scenario of its own
// tests (functions/<name>/main_test.go: the samples in events/). The test's
// own set-up and checks go through an administrator.
//
// It fails when a call is denied (a grant missing: it would fail the same
// way on AWS), and when a grant is never used by the function's scenario
// (excess). moto does not check a statement's Condition (it lets one it
// cannot evaluate pass) nor NotResource: the test refuses statements with
// either, which it could not prove. Out of its reach too: resource-based
// policies, and what the Lambda service does with the role (its other
// policies, which the users here do not get: the event source mappings
// reading the stream and the push queue and the failure destination,
// TestEventSourceGrants; CloudWatch Logs and X-Ray, TestLogAndTraceGrants).
func TestGrantsMatchCalls(t *testing.T) {
	mk := tool(t, "make", "install GNU make")
	tpl := transformed(t)
	res := resources(t, tpl)
	ctx := context.Background()
	srv := moto.StartIAM(t)
	admin := srv.Admin()

	// The stack's resources, on moto.
	tbl := dynamotable.New(dynamodb.NewFromConfig(admin), "baton-iam")
	if err := tbl.CreateTable(ctx); err != nil {
		t.Fatal(err)
	}
	desc, err := dynamodb.NewFromConfig(admin).DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(tbl.Name())})
	if err != nil {
		t.Fatal(err)
	}
	sqsc := sqs.NewFromConfig(admin)
	queues := map[string]string{}
	attrs := map[string]string{"Table.Arn": aws.ToString(desc.Table.TableArn), "Table.StreamArn": aws.ToString(desc.Table.LatestStreamArn)}
	for _, q := range []string{"PushQueue", "PushDeadLetterQueue", "ScoreFailureQueue"} {
		out, err := sqsc.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("baton-" + q), Attributes: map[string]string{"VisibilityTimeout": "360"}})
		if err != nil {
			t.Fatal(err)
		}
		a, err := sqsc.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: out.QueueUrl, AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn}})
		if err != nil {
			t.Fatal(err)
		}
		queues[q], attrs[q+".Arn"] = aws.ToString(out.QueueUrl), a.Attributes["QueueArn"]
	}
	secret := map[string]string{"BATON_WEBHOOK_SECRET": testWebhookKey, "BATON_LINK_KEYS": testSecretValue["BATON_LINK_KEYS"]}
	for k, v := range lambdatest.Env { // the values the samples in events/ are written for
		if onAWS.secret[k] != "" {
			secret[k] = v
		}
	}
	value, _ := json.Marshal(secret)
	if _, err := secretsmanager.NewFromConfig(admin).CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("baton/secrets"), SecretString: aws.String(string(value))}); err != nil {
		t.Fatal(err)
	}

	// The MQL webhook the push function delivers to; p2's meets an outage.
	var hookMu sync.Mutex
	hooked := map[string]int{}
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		hookMu.Lock()
		defer hookMu.Unlock()
		if strings.Contains(string(b), "p2@example.com") {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		hooked[r.Header.Get("webhook-id")]++
	}))
	t.Cleanup(hook.Close)

	refs := map[string]string{
		"AWS::Region": moto.Region, "AWS::AccountId": "123456789012", "AWS::Partition": "aws", "AWS::StackName": "baton",
		"Table": tbl.Name(), "SecretsName": "baton/secrets", "MQLWebhookURL": hook.URL,
		"SiteOrigins": "https://www.example.com", // the samples' origin
	}
	maps.Copy(refs, queues)
	maps.Copy(refs, attrs) // ${Table.Arn}
	ev := &cfnEval{t: t, refs: refs, conds: mapOf(tpl["Conditions"])}
	for name, p := range mapOf(tpl["Parameters"]) {
		if _, set := refs[name]; !set {
			refs[name] = fmt.Sprint(mapOf(p)["Default"])
		}
	}

	// Each function's environment, and a user with its policy.
	type function struct {
		env    map[string]string
		grants []grant
		creds  aws.Credentials
	}
	fns := map[string]*function{}
	for id, r := range res {
		if r["Type"] != "AWS::Lambda::Function" {
			continue
		}
		props := mapOf(r["Properties"])
		key, _ := mapOf(props["Code"])["S3Key"].(string)
		name := strings.TrimSuffix(strings.TrimPrefix(key, "build/"), ".zip")
		f := &function{env: map[string]string{}}
		for k, v := range functionEnv(r) {
			if s, ok := ev.value(v); ok {
				f.env[k] = s
			}
		}
		var stmts []any
		// The defaults: SecretKmsKeyArn empty (the secret under the AWS
		// managed key), so no KMS statement at all; with it, TestSecretKmsKey.
		for _, st := range ownStatements(t, ev, res, r) {
			if st["Effect"] != "Allow" || st["Condition"] != nil || st["NotResource"] != nil || st["NotAction"] != nil {
				t.Errorf("%s: statement %v: only a plain Allow can be proven here (moto ignores Condition and NotResource; grants are read from Action and Resource)", id, st)
			}
			out := map[string]any{"Effect": st["Effect"], "Action": strs(st["Action"]), "Resource": policyResources(t, st["Resource"], attrs, refs)}
			stmts = append(stmts, out)
			for _, a := range out["Action"].([]string) {
				if strings.HasPrefix(strings.ToLower(a), "kms:") {
					t.Errorf("%s: %s granted without SecretKmsKeyArn", id, a)
				}
				for _, rs := range out["Resource"].([]string) {
					f.grants = append(f.grants, grant{action: a, resource: rs})
				}
			}
		}
		doc, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": stmts})
		f.creds = srv.User(t, name, string(doc))
		fns[name] = f
	}

	// Each function's task root, laid out by make build.
	build := t.TempDir()
	cmd := exec.Command(mk, "--no-print-directory", "build", "GO=true", "BUILD="+build)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("make build GO=true: %v\n%s", err, out)
	}

	isolate(t)
	t.Setenv("AWS_REGION", moto.Region)
	t.Setenv("AWS_ENDPOINT_URL", srv.Endpoint)
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(build, "no-aws-config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(build, "no-aws-credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	srv.Enforce(t)

	clk := clock.NewManual(lambdatest.T0)
	// start is core.FromEnv on the test's clock: the function's environment
	// and credentials, its secret read, its table opened.
	start := func(t *testing.T, name string, creds aws.Credentials) *core.Core {
		t.Helper()
		for k, v := range fns[name].env {
			t.Setenv(k, v)
		}
		t.Setenv("LAMBDA_TASK_ROOT", filepath.Join(build, name))
		t.Setenv("AWS_ACCESS_KEY_ID", creds.AccessKeyID)
		t.Setenv("AWS_SECRET_ACCESS_KEY", creds.SecretAccessKey)
		getenv, err := core.Getenv(ctx)
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := config.FromEnv(getenv, config.Deployed)
		if err != nil {
			t.Fatal(err)
		}
		tb, err := core.OpenDynamo(ctx, cfg, clk.Now)
		if err != nil {
			t.Fatal(err)
		}
		c, err := core.New(cfg, tb, slog.New(slog.NewTextHandler(io.Discard, nil)), clk.Now)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	// harness is the whole App, as the administrator: a scenario's set-up
	// and checks.
	harness := func(t *testing.T) *app.App {
		t.Helper()
		a, err := app.Assemble(ctx, start(t, "admin", srv.Administrator()))
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	// mql makes an MQL of email on the harness: a download and the contact
	// form from visitor, scored.
	mql := func(t *testing.T, a *app.App, visitor, email string) identity.Person {
		t.Helper()
		evs := []event.Event{
			{ID: visitor + "-a", Type: event.Download, VisitorID: visitor, URL: "https://www.example.com/a.pdf", Timestamp: clk.Now()},
			{ID: visitor + "-b", Type: event.FormSubmit, VisitorID: visitor, Timestamp: clk.Now(), Properties: map[string]any{"form": map[string]any{"id": "contact"}}},
		}
		if _, err := a.Events.Append(ctx, evs); err != nil {
			t.Fatal(err)
		}
		p, _, err := a.Stitcher.Identify(ctx, identity.Identification{Visitor: visitor, Email: email, Strength: identity.Strong, Fields: map[string]string{"title": "部長", "employees": "500"}})
		if err != nil {
			t.Fatal(err)
		}
		if err := a.Qualifier.Process(ctx, evs); err != nil {
			t.Fatal(err)
		}
		return p
	}
	invoke := func(name string) func(t *testing.T, h http.Handler, sample string, want int, replace ...string) string {
		return func(t *testing.T, h http.Handler, sample string, want int, replace ...string) string {
			t.Helper()
			resp := lambdatest.Invoke(t, lambdahttp.Adapter{Handler: h}, filepath.Join(name, sample), replace...)
			if resp.StatusCode != want {
				t.Errorf("%s: %d %s, want %d", sample, resp.StatusCode, resp.Body, want)
			}
			return resp.Body
		}
	}

	// recipientClick sets up a campaign link and a recipient's token, and
	// the replacements of the click samples.
	recipientClick := func(t *testing.T) (*app.App, string, []string) {
		t.Helper()
		a := harness(t)
		ls, err := a.Links.Add(ctx, "nov-news", []string{"https://www.example.com/webinar"}, false)
		if err != nil {
			t.Fatal(err)
		}
		p, _, err := a.People.Ensure(ctx, "reader@example.com", "list")
		if err != nil {
			t.Fatal(err)
		}
		tok, err := a.Admin.Recipients.Keyring.Sign(token.Claims{PersonID: p.ID, Campaign: "nov-news", IssuedAt: clk.Now()})
		if err != nil {
			t.Fatal(err)
		}
		return a, p.ID, []string{"LINK_ID", ls[0].ID, "TOKEN", tok, "CAMPAIGN", "nov-news"}
	}
	// scannerAfterAll: the click's visit is judged human by the sweep (the
	// administrator's here) and its browser linked to the recipient; then
	// the same client sends a HEAD, a link checker's: its clicks are a
	// scanner's after all, and the link is undone.
	scannerAfterAll := func(t *testing.T, a *app.App, person string, h http.Handler, repl []string) {
		t.Helper()
		clk.Advance(event.ClickSettle)
		if _, err := a.Sweep(ctx); err != nil {
			t.Fatal(err)
		}
		linked, err := a.People.Visitors(ctx, person)
		if err != nil || len(linked) == 0 {
			t.Fatalf("the click's browser was not linked to the recipient: %v %v", linked, err)
		}
		invoke("click")(t, h, "click.json", 302, append(slices.Clone(repl), `"method": "GET"`, `"method": "HEAD"`)...)
		if left, err := a.People.Visitors(ctx, person); err != nil || len(left) != len(linked)-1 {
			t.Errorf("the recipient's browsers %v after the scanner's HEAD, %v before (%v): the click's link is not undone", left, linked, err)
		}
	}

	// tokenless: a click on the campaign's link whose token place holds
	// no token (a merge tag the email tool left, another send's list): it
	// lands, and is counted for the campaign's report (UpdateItem).
	tokenless := func(t *testing.T, a *app.App, h http.Handler, repl []string) {
		t.Helper()
		before, err := click.CampaignTokenless(ctx, a.Table, "nov-news")
		if err != nil {
			t.Fatal(err)
		}
		r := slices.Clone(repl)
		r[slices.Index(r, "TOKEN")+1] = "not-a-token"
		invoke("click")(t, h, "click.json", 302, r...)
		after, err := click.CampaignTokenless(ctx, a.Table, "nov-news")
		if n := after.Clicks + after.Scanners - before.Clicks - before.Scanners; err != nil || n != 1 {
			t.Errorf("a click without a token counted %d times (%v), want once", n, err)
		}
	}

	scenarios := map[string]func(t *testing.T){
		"collect": func(t *testing.T) {
			h, err := web.CollectHandler(start(t, "collect", fns["collect"].creds))
			if err != nil {
				t.Fatal(err)
			}
			do := invoke("collect")
			for _, s := range []struct {
				sample string
				want   int
			}{{"page_view.json", 204}, {"batch.json", 204}, {"form_submit_identify.json", 204}, {"function_url_page_view.json", 204}, {"bad_input.json", 400}, {"segment_identify.json", 200}, {"segment_mobile_batch.json", 200}} {
				do(t, h, s.sample, s.want)
			}
			// A crawler's identify names an email and identifies nobody: the
			// event is remembered under the email (for its erasure), on
			// condition that the email was not erased.
			cw := httptest.NewRecorder()
			cr := httptest.NewRequest("POST", "/v1/identify", strings.NewReader(`{"anonymousId":"crawler-anon-0001","traits":{"email":"crawled@example.com"},"context":{"userAgent":"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"}}`))
			cr.SetBasicAuth(lambdatest.Env["BATON_WRITE_KEY"], "")
			cr.Header.Set("Content-Type", "application/json")
			h.ServeHTTP(cw, cr)
			if cw.Code != 200 || !strings.Contains(cw.Body.String(), `"skipped"`) {
				t.Errorf("a crawler's identify: %d %s", cw.Code, cw.Body)
			}
			// The collector serves the tracked links too (all of a
			// Function URL's paths reach it).
			a, person, repl := recipientClick(t)
			repl = append(repl, "Version/18.1", "Version/18.2") // not the client the click scenario judged a scanner
			invoke("click")(t, h, "click.json", 302, repl...)
			scannerAfterAll(t, a, person, h, repl)
			tokenless(t, a, h, repl)
		},
		"click": func(t *testing.T) {
			a, person, repl := recipientClick(t)
			h, err := web.ClickHandler(start(t, "click", fns["click"].creds))
			if err != nil {
				t.Fatal(err)
			}
			do := invoke("click")
			do(t, h, "click.json", 302, repl...)
			do(t, h, "click_head.json", 302, repl...)
			do(t, h, "open_pixel.json", 200, repl...)
			do(t, h, "unknown_link.json", 404)
			scannerAfterAll(t, a, person, h, repl)
			tokenless(t, a, h, repl)
		},
		"admin": func(t *testing.T) {
			a := harness(t)
			p, _, err := a.Stitcher.Identify(ctx, identity.Identification{Visitor: "sample-visitor-1", Email: "hanako.yamada@example.co.jp", Strength: identity.Strong})
			if err != nil {
				t.Fatal(err)
			}
			q := mql(t, a, "sample-visitor-2", "jiro.sato@example.co.jp") // for sales' verdict below
			// A push dead letter of the person's, and a failed stream batch:
			// the stream's records so far, which a replay scores again.
			mql, _ := json.Marshal(qualify.MQL{ID: p.ID + "-c1", Person: p.ID, Email: p.Email, Cycle: 1, At: clk.Now()})
			shard, first, last := streamSpan(t, dynamodbstreams.NewFromConfig(admin), attrs["Table.StreamArn"])
			failure := func(stream, start, end string) string {
				return `{"requestContext":{"condition":"RetryAttemptsExhausted"},"DDBStreamBatchInfo":{"shardId":"` + shard + `","startSequenceNumber":"` + start + `","endSequenceNumber":"` + end + `","streamArn":"` + stream + `"}}`
			}
			// And one of the table's stream before it was replaced (a new
			// StreamViewType gives the table a new stream, the old one
			// readable 24 hours more; moto reads the table's whichever the
			// label): read as the other, not denied.
			before, _, _ := strings.Cut(attrs["Table.StreamArn"], "/stream/")
			for _, m := range []struct{ q, body string }{
				{"PushDeadLetterQueue", string(mql)},
				{"ScoreFailureQueue", failure(attrs["Table.StreamArn"], first, last)},
				{"ScoreFailureQueue", failure(before+"/stream/2026-01-01T00:00:00.000", first, first)},
			} {
				if _, err := sqsc.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(queues[m.q]), MessageBody: aws.String(m.body)}); err != nil {
					t.Fatal(err)
				}
			}
			c := start(t, "admin", fns["admin"].creds)
			fa, err := app.Assemble(ctx, c)
			if err != nil {
				t.Fatal(err)
			}
			env := fns["admin"].env // as functions/admin/main.go
			dead, err := deadletter.New(ctx, deadletter.Queues{Push: env["BATON_PUSH_QUEUE_URL"], PushDLQ: env["BATON_PUSH_DLQ_URL"], ScoreFailures: env["BATON_SCORE_FAILURE_QUEUE_URL"]}, fa.Table, fa.Now)
			if err != nil || dead == nil {
				t.Fatalf("dead letters: %v", err)
			}
			lambdafn.ReplayScoreFailures(fa.Core, dead)
			fa.Admin.Deliveries.Queue = dead
			fa.Admin.Deliveries.Enqueue = lambdafn.PushEnqueue(dead)
			fa.Eraser.Register(dead)
			h := fa.AdminHandler()
			do := invoke("admin")
			do(t, h, "get_person.json", 200)
			do(t, h, "unauthorized.json", 401)
			req := func(method, path string, want int) string {
				t.Helper()
				w := httptest.NewRecorder()
				r := httptest.NewRequest(method, path, nil)
				r.Header.Set("Authorization", "Bearer "+lambdatest.Env["BATON_ADMIN_TOKEN"])
				h.ServeHTTP(w, r)
				if w.Code != want {
					t.Errorf("%s %s: %d %s, want %d", method, path, w.Code, w.Body, want)
				}
				return w.Body.String()
			}
			var listed struct{ DeadLetters []struct{ ID, Queue string } }
			json.Unmarshal([]byte(req("GET", "/admin/deadletters", 200)), &listed)
			list := listed.DeadLetters
			if len(list) != 3 {
				t.Fatalf("dead letters %+v, want the push DLQ's and the score failures", list)
			}
			// The dashboard's alert counts them in both queues
			// (GetQueueAttributes), then lists them for the oldest.
			dw := httptest.NewRecorder()
			dr := httptest.NewRequest("GET", "/admin/", nil)
			dr.Header.Set("Authorization", "Bearer "+lambdatest.Env["BATON_ADMIN_TOKEN"])
			dr.Header.Set("Accept", "text/html")
			h.ServeHTTP(dw, dr)
			if dw.Code != 200 || !strings.Contains(dw.Body.String(), "Dead letters (failed hand-offs to sales): 3") {
				t.Errorf("the dashboard's dead-letter alert: %d %s", dw.Code, dw.Body)
			}
			for _, m := range list { // the score failures: their records read again (GetShardIterator, GetRecords), scored, deleted
				req("POST", "/admin/deadletters/"+m.ID+"/replay", 200)
			}
			if left := receiveAll(t, sqsc, queues["ScoreFailureQueue"]); len(left) != 0 {
				t.Errorf("score failures after the replay: %+v", left)
			}
			// The dead letter back, and the MQL of q's that the failed
			// batch held, relayed by its replay (SendMessage).
			got := receiveAll(t, sqsc, queues["PushQueue"])
			var bodies []string
			for _, m := range got {
				bodies = append(bodies, m.Body)
			}
			if len(got) != 2 || !slices.Contains(bodies, string(mql)) || !slices.ContainsFunc(bodies, func(b string) bool { return strings.Contains(b, `"id":"`+q.ID+`-c1"`) }) {
				t.Errorf("push queue after the replays: %q, want the dead letter and %s's MQL", bodies, q.Email)
			}
			// Dead again, with an MQA naming the person, then erased with
			// the person: the MQA's goes back redacted (SendMessage).
			mqa := `{"id":"a1-q1-20261124090000","mqa":{"id":"a1-q1-20261124090000","people":[{"person":"` + p.ID + `","email":"` + p.Email + `"}]}}`
			for _, body := range []string{string(mql), mqa} {
				if _, err := sqsc.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(queues["PushDeadLetterQueue"]), MessageBody: aws.String(body)}); err != nil {
					t.Fatal(err)
				}
			}
			req("DELETE", "/admin/people/"+p.ID, 200)
			if left := receiveAll(t, sqsc, queues["PushDeadLetterQueue"]); len(left) != 1 || left[0].Body != `{"id":"a1-q1-20261124090000","mqa":{"id":"a1-q1-20261124090000"}}` {
				t.Errorf("the push DLQ after the erasure: %+v, want the MQA's dead letter alone, redacted", left)
			}
			// The DLQ purged (PurgeQueue), confirmed by its count (GetQueueAttributes).
			if got := req("GET", "/admin/deadletters/purge", 200); !strings.Contains(got, `"count":1`) {
				t.Errorf("the purge's count: %s, want the MQA's dead letter", got)
			}
			pw := httptest.NewRecorder()
			pr := httptest.NewRequest("POST", "/admin/deadletters/purge", strings.NewReader(`{"confirm": 1}`))
			pr.Header.Set("Authorization", "Bearer "+lambdatest.Env["BATON_ADMIN_TOKEN"])
			pr.Header.Set("Content-Type", "application/json")
			h.ServeHTTP(pw, pr)
			if pw.Code != 200 {
				t.Errorf("the purge: %d %s", pw.Code, pw.Body)
			}
			if left := receiveAll(t, sqsc, queues["PushDeadLetterQueue"]); len(left) != 0 {
				t.Errorf("the push DLQ after the purge: %+v", left)
			}
			req("GET", "/admin/campaigns", 200) // the workspace's list: one query (the sweep copies older campaigns in)
			// A rescore is recorded (the sweep lists and rescores: no scan
			// here); its dry run reads every person now, by a scan (admin's
			// Scan grant, with the people search and reports before their
			// index).
			req("POST", "/admin/rescore", 202)
			req("POST", "/admin/rescore?dry_run=1", 200)
			// Sales' verdict given in the workspace (no SFA): the report counters move.
			ow := httptest.NewRecorder()
			or := httptest.NewRequest("POST", "/admin/people/"+q.ID+"/outcome", strings.NewReader(`{"outcome":"accepted","owner":"佐藤"}`))
			or.Header.Set("Authorization", "Bearer "+lambdatest.Env["BATON_ADMIN_TOKEN"])
			or.Header.Set("Content-Type", "application/json")
			h.ServeHTTP(ow, or)
			if ow.Code != 200 || !strings.Contains(ow.Body.String(), `"stage":"sal"`) {
				t.Errorf("the workspace's verdict: %d %s", ow.Code, ow.Body)
			}
		},
		"score": func(t *testing.T) {
			a := harness(t)
			p, _, err := a.Stitcher.Identify(ctx, identity.Identification{Visitor: "stream-visitor-1", Email: "stream@example.com", Strength: identity.Strong})
			if err != nil {
				t.Fatal(err)
			}
			c := start(t, "score", fns["score"].creds)
			relay, err := sqsrelay.New(ctx, fns["score"].env["BATON_PUSH_QUEUE_URL"]) // as functions/score/main.go
			if err != nil {
				t.Fatal(err)
			}
			c.Accounts.Send = relay.SendAccount
			resp, err := lambdafn.Score(c, relay.Send)(ctx, scoreSample(t, "stream_batch.json", "PERSON_ID", p.ID))
			if err != nil || len(resp.BatchItemFailures) != 0 {
				t.Fatalf("failures %+v %v", resp.BatchItemFailures, err)
			}
			if got := receiveAll(t, sqsc, queues["PushQueue"]); len(got) != 1 || !strings.Contains(got[0].Body, p.ID+"-c1") {
				t.Errorf("push queue %+v, want the person's MQL", got)
			}
			// An event of theirs judged a scanner's after the fact: its
			// MODIFY record rescores them from their stored timeline (a
			// download, and the flagged page view, which counts for
			// nothing), and the ledger of the events only the stream carried
			// goes. Judged again (the record redelivered), the rescore
			// replaces the ledger items the first one wrote.
			if _, err := a.Events.Append(ctx, []event.Event{
				{ID: "s8", Type: event.Download, VisitorID: "stream-visitor-1", URL: "https://www.example.com/a.pdf", Timestamp: clk.Now(), ReceivedAt: clk.Now()},
				{ID: "s9", Type: event.PageView, VisitorID: "stream-visitor-1", URL: "https://www.example.com/p", Timestamp: clk.Now(), ReceivedAt: clk.Now()},
			}); err != nil {
				t.Fatal(err)
			}
			if ok, err := a.Events.Flag(ctx, "stream-visitor-1", "s9", "scanner"); !ok || err != nil {
				t.Fatalf("flag: %v %v", ok, err)
			}
			raw, err := dynamodb.NewFromConfig(admin).GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(tbl.Name()),
				Key: map[string]ddbtypes.AttributeValue{"PK": &ddbtypes.AttributeValueMemberS{Value: "V#stream-visitor-1"}, "SK": &ddbtypes.AttributeValueMemberS{Value: "E#s9"}}})
			if err != nil || raw.Item == nil {
				t.Fatalf("the flagged event: %v", err)
			}
			img := map[string]events.DynamoDBAttributeValue{}
			for k, v := range raw.Item {
				switch v := v.(type) {
				case *ddbtypes.AttributeValueMemberS:
					img[k] = events.NewStringAttribute(v.Value)
				case *ddbtypes.AttributeValueMemberN:
					img[k] = events.NewNumberAttribute(v.Value)
				case *ddbtypes.AttributeValueMemberB:
					img[k] = events.NewBinaryAttribute(v.Value)
				}
			}
			judged := events.DynamoDBEvent{Records: []events.DynamoDBEventRecord{{EventID: "judged-1", EventName: "MODIFY",
				Change: events.DynamoDBStreamRecord{NewImage: img, SequenceNumber: "900"}}}}
			for range 2 {
				if resp, err := lambdafn.Score(c, relay.Send)(ctx, judged); err != nil || len(resp.BatchItemFailures) != 0 {
					t.Fatalf("the judged event: %+v %v", resp.BatchItemFailures, err)
				}
			}
			ledger, err := a.Qualifier.Ledger(ctx, p.ID)
			if err != nil {
				t.Fatal(err)
			}

			var s8 int
			for _, c := range ledger {
				switch c.EventID {
				case "s1", "s9":
					t.Errorf("after the rescore the ledger still has %+v", c)
				case "s8":
					s8++
				}
			}
			if s8 != 1 {
				t.Errorf("after two rescores the ledger has %d entries of the download, want 1: %+v", s8, ledger)
			}
		},
		"push": func(t *testing.T) {
			a := harness(t)
			for _, email := range []string{"p1@example.com", "p2@example.com"} {
				p, _, err := a.People.Ensure(ctx, email, "form")
				if err != nil {
					t.Fatal(err)
				}
				if err := (&sqsrelay.Relay{SQS: sqsc, QueueURL: queues["PushQueue"]}).Send(ctx, qualify.MQL{ID: p.ID + "-c1", Person: p.ID, Email: email, Cycle: 1, At: clk.Now(), Condition: "hot-and-fit"}); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := sqsc.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(queues["PushQueue"]), MessageBody: aws.String("{not json")}); err != nil {
				t.Fatal(err)
			}
			c := start(t, "push", fns["push"].creds)
			d, err := delivery.New(ctx, c) // as functions/push/main.go
			if err != nil {
				t.Fatal(err)
			}
			client, err := sqsrelay.NewClient(ctx)
			if err != nil {
				t.Fatal(err)
			}
			env := fns["push"].env
			h := lambdafn.Push(d.Pusher, client, lambdafn.PushQueues{URL: env["BATON_PUSH_QUEUE_URL"], DeadLetterURL: env["BATON_PUSH_DLQ_URL"]})
			batch := events.SQSEvent{Records: receiveAll(t, sqsc, queues["PushQueue"])}
			resp, err := h(ctx, batch)
			if err != nil || len(resp.BatchItemFailures) != 1 {
				t.Fatalf("failures %+v %v, want p2's (its webhook's outage)", resp.BatchItemFailures, err)
			}
			// p2's retry is back in the queue after a backoff of a second
			// or two of moto's real time; taken away, so that on a slow
			// machine the inbox part below does not receive it too.
			for _, r := range batch.Records {
				if r.MessageId == resp.BatchItemFailures[0].ItemIdentifier {
					if _, err := sqsc.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(queues["PushQueue"]), ReceiptHandle: aws.String(r.ReceiptHandle)}); err != nil {
						t.Fatal(err)
					}
				}
			}
			if dead := receiveAll(t, sqsc, queues["PushDeadLetterQueue"]); len(dead) != 1 || dead[0].Body != "{not json" {
				t.Errorf("dead letters %+v, want the undecodable message", dead)
			}
			// No SFA configured: the built-in inbox takes the MQL (as
			// delivery.New sets it), and the person's next form, a
			// re-inquiry, moves the lead up to the form's time (its old
			// key deleted in the same transaction).
			d.Pusher.Connectors = []push.Connector{d.Inbox}
			lead := mql(t, a, "inbox-visitor", "inbox-lead@example.com")
			ms, err := a.Qualifier.MQLs(ctx, lead.ID)
			if err != nil || len(ms) != 1 {
				t.Fatalf("the inbox lead's MQLs %+v %v", ms, err)
			}
			relay := &sqsrelay.Relay{SQS: sqsc, QueueURL: queues["PushQueue"]}
			deliver := func(send func() error) {
				t.Helper()
				if err := send(); err != nil {
					t.Fatal(err)
				}
				if resp, err := h(ctx, events.SQSEvent{Records: receiveAll(t, sqsc, queues["PushQueue"])}); err != nil || len(resp.BatchItemFailures) != 0 {
					t.Fatalf("the inbox's delivery: failures %+v %v", resp.BatchItemFailures, err)
				}
			}
			deliver(func() error { return relay.Send(ctx, ms[0]) })
			clk.Advance(time.Hour)
			form := event.Event{ID: "inbox-form", Type: event.FormSubmit, VisitorID: "inbox-visitor", URL: "https://www.example.com/contact", Timestamp: clk.Now(), ReceivedAt: clk.Now(),
				Properties: map[string]any{"form": map[string]any{"id": "contact"}, "message": "見積もりをお願いします"}}
			if _, err := a.Events.Append(ctx, []event.Event{form}); err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256([]byte(form.VisitorID + "\x00" + form.ID))
			re := qualify.Reinquiry{ID: ms[0].ID + "-f" + hex.EncodeToString(sum[:8]), MQL: ms[0].ID, Person: lead.ID, Email: lead.Email, Visitor: form.VisitorID, Event: form.ID, At: form.Timestamp}
			deliver(func() error { return relay.SendReinquiry(ctx, re) })
			if leads, err := d.Inbox.List(ctx, 10); err != nil || len(leads) != 1 || len(leads[0].Reinquiries) != 1 {
				t.Errorf("the inbox %+v %v, want the lead with its re-inquiry", leads, err)
			}
			hookMu.Lock()
			defer hookMu.Unlock()
			if len(hooked) != 1 {
				t.Errorf("webhook deliveries %v, want p1's", hooked)
			}
		},
		"feedback": func(t *testing.T) {
			a := harness(t)
			p := mql(t, a, "fv", "p1-feedback@example.com")
			p2 := mql(t, a, "fv2", "p2-feedback@example.com")
			h, err := sales.Handler(start(t, "feedback", fns["feedback"].creds))
			if err != nil {
				t.Fatal(err)
			}
			clk.Advance(3 * time.Hour) // the samples' changes are dated 11:00, after the MQL
			do := invoke("feedback")
			do(t, h, "salesforce_bad_secret.json", 401, "PERSON_ID", p.ID)
			do(t, h, "salesforce_flow.json", 200, "PERSON_ID", p.ID)
			// The converted Lead's Opportunity: a deal, written on condition
			// that the person was not erased meanwhile (the sample's body is
			// a JSON string: its quotes are escaped).
			if body := do(t, h, "salesforce_flow.json", 200, "flow-0001", "flow-0003", "PERSON_ID", p.ID, `\"status\": \"Working - Contacted\"`, `\"status\": \"Working - Contacted\", \"amount\": 1200000, \"currencyIsoCode\": \"JPY\"`); !strings.Contains(body, `"deal"`) {
				t.Errorf("a deal: %s", body)
			}
			do(t, h, "kintone_status.json", 200)
			// Sales reject the second MQL: recycled.
			if body := do(t, h, "salesforce_flow.json", 200, "flow-0001", "flow-0002", "PERSON_ID", p2.ID, "Working - Contacted", "Closed - Not Converted"); !strings.Contains(body, `"recycled":true`) {
				t.Errorf("rejection: %s, want it applied and the person recycled", body)
			}
		},
		"sweep": func(t *testing.T) {
			a := harness(t)
			old := clk.Now()
			evs := []event.Event{
				{ID: "sa", Type: event.Download, VisitorID: "sv", URL: "https://www.example.com/a.pdf", Timestamp: old},
				{ID: "sb", Type: event.FormSubmit, VisitorID: "sv", Timestamp: old, Properties: map[string]any{"form": map[string]any{"id": "contact"}}},
			}
			if _, err := a.Events.Append(ctx, evs); err != nil {
				t.Fatal(err)
			}
			waiting, _, err := a.Stitcher.Identify(ctx, identity.Identification{Visitor: "sv", Email: "waiting@example.com", Strength: identity.Strong, Fields: map[string]string{"title": "部長", "employees": "500"}})
			if err != nil {
				t.Fatal(err)
			}
			if err := a.Qualifier.Process(ctx, evs); err != nil {
				t.Fatal(err)
			}
			// Delivered to the webhook: sales' SLA runs from then.
			ms, err := a.Qualifier.MQLs(ctx, waiting.ID)
			if err != nil || len(ms) != 1 {
				t.Fatalf("waiting@'s MQLs %+v %v", ms, err)
			}
			if res := a.Pusher.Deliver(ctx, ms[0]); !res.Done {
				t.Fatalf("delivering waiting@'s MQL: %+v", res)
			}
			// Someone whose events were never scored, and a rescore job
			// (admin records it; the sweep lists the people, by a scan, and
			// rescores them): it raises an MQL.
			later := []event.Event{
				{ID: "ra", Type: event.Download, VisitorID: "rv", URL: "https://www.example.com/a.pdf", Timestamp: old},
				{ID: "rb", Type: event.FormSubmit, VisitorID: "rv", Timestamp: old, Properties: map[string]any{"form": map[string]any{"id": "contact"}}},
			}
			if _, err := a.Events.Append(ctx, later); err != nil {
				t.Fatal(err)
			}
			r, _, err := a.Stitcher.Identify(ctx, identity.Identification{Visitor: "rv", Email: "rescored@example.com", Strength: identity.Strong, Fields: map[string]string{"title": "部長", "employees": "500"}})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := a.Qualifier.StartRescore(ctx); err != nil {
				t.Fatal(err)
			}
			// A campaign stored before the campaigns' list: the sweep
			// copies it in.
			if err := a.Table.Put(ctx, table.Item{PK: "CAMP#old-news", SK: "CAMP", Kind: "campaign", Data: []byte(`{"id":"old-news"}`)}, table.NotExists); err != nil {
				t.Fatal(err)
			}
			// A store scored before the reports' index: the sweep indexes
			// its people once, by a scan (its Scan grant).
			if err := a.Table.Delete(ctx, "SCORED#meta", "INDEXED", table.Always); err != nil {
				t.Fatal(err)
			}
			// An MQL whose relay to the push queue was lost (a failed
			// stream batch never replayed): the sweep queues it again.
			lostEvs := []event.Event{
				{ID: "la", Type: event.Download, VisitorID: "lv", URL: "https://www.example.com/a.pdf", Timestamp: old},
				{ID: "lb", Type: event.FormSubmit, VisitorID: "lv", Timestamp: old, Properties: map[string]any{"form": map[string]any{"id": "contact"}}},
			}
			if _, err := a.Events.Append(ctx, lostEvs); err != nil {
				t.Fatal(err)
			}
			lost, _, err := a.Stitcher.Identify(ctx, identity.Identification{Visitor: "lv", Email: "lost@example.com", Strength: identity.Strong, Fields: map[string]string{"title": "部長", "employees": "500"}})
			if err != nil {
				t.Fatal(err)
			}
			if err := a.Qualifier.Process(ctx, lostEvs); err != nil {
				t.Fatal(err)
			}
			c := start(t, "sweep", fns["sweep"].creds)
			if _, err := web.New(c); err != nil { // as functions/sweep/main.go
				t.Fatal(err)
			}
			relay, err := sqsrelay.New(ctx, fns["sweep"].env["BATON_PUSH_QUEUE_URL"]) // as functions/sweep/main.go
			if err != nil {
				t.Fatal(err)
			}
			c.Requeue = relay.Send
			clk.Set(old.Add(48 * time.Hour))
			b, err := os.ReadFile(filepath.Join(root, "events", "sweep", "schedule.json"))
			if err != nil {
				t.Fatal(err)
			}
			var sched events.EventBridgeEvent
			if err := json.Unmarshal(b, &sched); err != nil {
				t.Fatal(err)
			}
			out, err := lambdafn.Sweep(c)(ctx, sched)
			if err != nil || out["breaches"] < 1 {
				t.Fatalf("sweep %+v %v, want the MQL's breach", out, err)
			}
			if jobs, err := a.Qualifier.ActiveRescores(ctx); err != nil || len(jobs) != 0 {
				t.Errorf("rescore jobs still active after the sweep: %+v %v", jobs, err)
			}
			if done, err := a.Web.Links.ListComplete(ctx); !done || err != nil {
				t.Errorf("the campaigns' list after the sweep: complete %v %v", done, err)
			}
			if rec, err := a.Qualifier.Record(ctx, r.ID); err != nil || rec.Stage == "" {
				t.Errorf("the rescore did not score %s: %+v %v", r.ID, rec, err)
			}
			got, err := sqsc.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(queues["PushQueue"]), MaxNumberOfMessages: 10})
			if err != nil {
				t.Fatal(err)
			}
			requeued := 0
			for _, m := range got.Messages {
				if strings.Contains(aws.ToString(m.Body), `"id":"`+lost.ID+`-c1"`) {
					requeued++
				}
			}
			if requeued != 1 {
				t.Errorf("the lost MQL on the push queue %d times, want once (%d messages)", requeued, len(got.Messages))
			}
		},
	}

	for _, name := range slices.Sorted(maps.Keys(fns)) {
		t.Run(name, func(t *testing.T) {
			run, ok := scenarios[name]
			if !ok {
				t.Fatalf("no scenario for functions/%s", name)
			}
			for _, url := range queues { // what an earlier scenario left
				if _, err := sqsc.PurgeQueue(ctx, &sqs.PurgeQueueInput{QueueUrl: aws.String(url)}); err != nil {
					t.Fatal(err)
				}
			}
			// Judged even when the scenario stops at a failure: a denial
			// says which grant is missing.
			defer func() {
				used := map[grant]bool{}
				for _, j := range srv.Judged(t) {
					if j.User != name {
						continue
					}
					if j.Denied {
						t.Errorf("%s on %s denied: template.yaml does not grant it", j.Action, j.Resource)
						continue
					}
					for _, g := range fns[name].grants {
						if g.action == j.Action && iamGlob(g.resource).MatchString(j.Resource) {
							used[g] = true
						}
					}
				}
				for _, g := range fns[name].grants {
					if !used[g] && !t.Failed() {
						t.Errorf("granted %s on %s, which its scenario never calls", g.action, g.resource)
					}
				}
			}()
			run(t)
		})
	}
}

// TestEventSourceGrants: what Lambda's event source mappings do with a
// function's role, which TestGrantsMatchCalls leaves out (its users hold the
// code policy only), is exactly the role's event-source policy: reading the
// mapping's source, that queue or that stream alone, and sending a failed
// batch to its on-failure destination. A grant missing fails here (on AWS
// the mapping would not be created, or would stop), so does one no mapping
// of the function needs; a function without a mapping has no such policy.
func TestEventSourceGrants(t *testing.T) {
	res := resources(t, transformed(t))
	// What Lambda's poller calls on a source, by the source's type (Lambda's
	// documentation of the execution role of each event source).
	reads := map[string][]string{
		"AWS::SQS::Queue":      {"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility"},
		"AWS::DynamoDB::Table": {"dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"},
	}
	key := func(action string, resource any) string {
		b, _ := json.Marshal(resource)
		return action + " on " + string(b)
	}
	roleOf := func(fn string) string {
		att, _ := mapOf(mapOf(res[fn]["Properties"])["Role"])["Fn::GetAtt"].([]any)
		if len(att) != 2 || res[fmt.Sprint(att[0])]["Type"] != "AWS::IAM::Role" {
			t.Fatalf("function %s has no role of the template's", fn)
		}
		return fmt.Sprint(att[0])
	}
	want := map[string]map[string]bool{} // role -> grants its mappings need
	mappings := 0
	for _, id := range slices.Sorted(maps.Keys(res)) {
		r := res[id]
		if r["Type"] != "AWS::Lambda::EventSourceMapping" {
			continue
		}
		mappings++
		props := mapOf(r["Properties"])
		fn, _ := mapOf(props["FunctionName"])["Ref"].(string)
		role := roleOf(fn)
		if want[role] == nil {
			want[role] = map[string]bool{}
		}
		src := props["EventSourceArn"]
		att, _ := mapOf(src)["Fn::GetAtt"].([]any)
		if len(att) != 2 {
			t.Fatalf("%s: source %v", id, src)
		}
		typ := fmt.Sprint(res[fmt.Sprint(att[0])]["Type"])
		if reads[typ] == nil {
			t.Fatalf("%s: a source of type %s; add what Lambda calls on it", id, typ)
		}
		for _, a := range reads[typ] {
			want[role][key(a, src)] = true
		}
		if typ == "AWS::DynamoDB::Table" {
			// DynamoDB defines no resource type for it (wildcardOnly).
			want[role][key("dynamodb:ListStreams", "*")] = true
		}
		if dest := mapOf(mapOf(props["DestinationConfig"])["OnFailure"])["Destination"]; dest != nil {
			datt, _ := mapOf(dest)["Fn::GetAtt"].([]any)
			if len(datt) != 2 || res[fmt.Sprint(datt[0])]["Type"] != "AWS::SQS::Queue" {
				t.Fatalf("%s: on-failure destination %v, want a queue of the template's", id, dest)
			}
			want[role][key("sqs:SendMessage", dest)] = true
		}
	}
	if mappings == 0 {
		t.Fatal("no event source mapping in the transformed template")
	}
	for _, fn := range slices.Sorted(maps.Keys(res)) {
		if res[fn]["Type"] != "AWS::Lambda::Function" {
			continue
		}
		role := roleOf(fn)
		got := map[string]bool{}
		policies, _ := mapOf(res[role]["Properties"])["Policies"].([]any)
		for _, p := range policies {
			if mapOf(p)["PolicyName"] != "event-source" {
				continue
			}
			for _, st := range mapOf(mapOf(p)["PolicyDocument"])["Statement"].([]any) {
				st := mapOf(st)
				if st["Effect"] != "Allow" || st["Condition"] != nil || st["NotAction"] != nil || st["NotResource"] != nil {
					t.Errorf("%s: event-source statement %v: want a plain Allow of Action on Resource", role, st)
					continue
				}
				rs, ok := st["Resource"].([]any)
				if !ok {
					rs = []any{st["Resource"]}
				}
				for _, a := range strs(st["Action"]) {
					for _, r := range rs {
						got[key(a, r)] = true
					}
				}
			}
		}
		for _, g := range slices.Sorted(maps.Keys(want[role])) {
			if !got[g] {
				t.Errorf("%s (%s): its event source mapping needs %s, which its event-source policy does not grant", role, fn, g)
			}
		}
		for _, g := range slices.Sorted(maps.Keys(got)) {
			if !want[role][g] {
				t.Errorf("%s (%s): its event-source policy grants %s, which none of its event source mappings needs", role, fn, g)
			}
		}
	}
}

// grant is one action a policy allows on one resource (pattern).
type grant struct{ action, resource string }

// iamGlob is an IAM resource pattern as a regexp: * any run, ? one character.
func iamGlob(pattern string) *regexp.Regexp {
	var b strings.Builder
	for _, c := range pattern {
		switch c {
		case '*':
			b.WriteString(".*")
		case '?':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	return regexp.MustCompile("^" + b.String() + "$")
}

func strs(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, e := range v {
			out = append(out, fmt.Sprint(e))
		}
		return out
	}
	return nil
}

// policyResources resolves a statement's Resource: Fn::GetAtt of the
// stack's resources (attrs), Fn::Sub (refs), literals, lists of those.
func policyResources(t *testing.T, v any, attrs, refs map[string]string) []string {
	t.Helper()
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, e := range v {
			out = append(out, policyResources(t, e, attrs, refs)...)
		}
		return out
	case map[string]any:
		if a, ok := v["Fn::GetAtt"].([]any); ok && len(a) == 2 {
			if s, ok := attrs[fmt.Sprint(a[0])+"."+fmt.Sprint(a[1])]; ok {
				return []string{s}
			}
		}
		if s, ok := v["Fn::Sub"].(string); ok {
			return []string{cfnSub(t, s, refs)}
		}
	}
	t.Fatalf("policy resource %v: no test value", v)
	return nil
}

// scoreSample is events/score/<name> as Lambda hands it to the score
// function (placeholders replaced, in binary documents too).
func scoreSample(t *testing.T, name string, replace ...string) events.DynamoDBEvent {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, "events", "score", name))
	if err != nil {
		t.Fatal(err)
	}
	r := strings.NewReplacer(replace...)
	var ev events.DynamoDBEvent
	if err := json.Unmarshal([]byte(r.Replace(string(b))), &ev); err != nil {
		t.Fatal(err)
	}
	for i := range ev.Records {
		img := ev.Records[i].Change.NewImage
		if d, ok := img["doc"]; ok && d.DataType() == events.DataTypeBinary {
			img["doc"] = events.NewBinaryAttribute([]byte(r.Replace(string(d.Binary()))))
		}
	}
	return ev
}

// receiveAll receives every visible message of a queue as the SQS event
// source hands them to a function.
func receiveAll(t *testing.T, c *sqs.Client, url string) []events.SQSMessage {
	t.Helper()
	var out []events.SQSMessage
	for {
		r, err := c.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{
			QueueUrl: aws.String(url), MaxNumberOfMessages: 10,
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
			msg := events.SQSMessage{MessageId: aws.ToString(m.MessageId), ReceiptHandle: aws.ToString(m.ReceiptHandle), Body: aws.ToString(m.Body), Attributes: m.Attributes, MessageAttributes: map[string]events.SQSMessageAttribute{}}
			for k, a := range m.MessageAttributes {
				msg.MessageAttributes[k] = events.SQSMessageAttribute{StringValue: a.StringValue, DataType: aws.ToString(a.DataType)}
			}
			out = append(out, msg)
		}
	}
}

// streamSpan names the shard of the stream's records so far and their
// first and last sequence numbers (one shard: moto's).
func streamSpan(t *testing.T, c *dynamodbstreams.Client, arn string) (shard, first, last string) {
	t.Helper()
	ctx := context.Background()
	desc, err := c.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: aws.String(arn)})
	if err != nil || len(desc.StreamDescription.Shards) != 1 {
		t.Fatalf("the stream's shards: %+v %v", desc, err)
	}
	shard = aws.ToString(desc.StreamDescription.Shards[0].ShardId)
	it, err := c.GetShardIterator(ctx, &dynamodbstreams.GetShardIteratorInput{StreamArn: aws.String(arn), ShardId: aws.String(shard), ShardIteratorType: streamtypes.ShardIteratorTypeTrimHorizon})
	if err != nil {
		t.Fatal(err)
	}
	for iter := it.ShardIterator; iter != nil; {
		recs, err := c.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: iter})
		if err != nil {
			t.Fatal(err)
		}
		if len(recs.Records) == 0 {
			break
		}
		for _, r := range recs.Records {
			if first == "" {
				first = aws.ToString(r.Dynamodb.SequenceNumber)
			}
			last = aws.ToString(r.Dynamodb.SequenceNumber)
		}
		iter = recs.NextShardIterator
	}
	if first == "" {
		t.Fatal("the stream holds no record")
	}
	return shard, first, last
}

// sdkOperations are the AWS SDK operations Baton's code builds a request
// for, with the IAM action AWS authorizes each by (infra/moto/iam.py judges
// the same), or why no function calls it on AWS. TestGrantsMatchCalls
// proves the grants only for operations its scenarios reach, and an
// operation whose IAM action is not its name needs iam.py to know it.
var sdkOperations = map[string]string{
	"dynamodb.GetItem":                 "dynamodb:GetItem",
	"dynamodb.PutItem":                 "dynamodb:PutItem",
	"dynamodb.DeleteItem":              "dynamodb:DeleteItem",
	"dynamodb.UpdateItem":              "dynamodb:UpdateItem (Table.Add; on AWS the counters go through TransactWriteItems)",
	"dynamodb.Query":                   "dynamodb:Query",
	"dynamodb.Scan":                    "dynamodb:Scan",
	"dynamodb.TransactWriteItems":      "each item's own: dynamodb:PutItem, UpdateItem, DeleteItem, ConditionCheckItem",
	"dynamodb.CreateTable":             "local only: core.OpenDynamo creates the table with BATON_DYNAMODB_ENDPOINT alone; on AWS the template owns it",
	"dynamodb.DescribeTable":           "local only: creating the table, and the local stack's stream reader",
	"dynamodb.DescribeTimeToLive":      "local only: creating the table",
	"dynamodb.UpdateTimeToLive":        "local only: creating the table",
	"dynamodbstreams.DescribeStream":   "local only: the local stack's change feed (dynamotable.Stream); on AWS Lambda's event source mapping reads the stream",
	"dynamodbstreams.GetShardIterator": "dynamodb:GetShardIterator (the admin function's replay of a score failure; the local stack's change feed)",
	"dynamodbstreams.GetRecords":       "dynamodb:GetRecords (as GetShardIterator)",
	"sqs.SendMessage":                  "sqs:SendMessage",
	"sqs.ReceiveMessage":               "sqs:ReceiveMessage",
	"sqs.DeleteMessage":                "sqs:DeleteMessage",
	"sqs.ChangeMessageVisibility":      "sqs:ChangeMessageVisibility",
	"sqs.ChangeMessageVisibilityBatch": "sqs:ChangeMessageVisibility",
	"sqs.GetQueueAttributes":           "sqs:GetQueueAttributes",
	"sqs.PurgeQueue":                   "sqs:PurgeQueue",
	"secretsmanager.GetSecretValue":    "secretsmanager:GetSecretValue",
}

// TestSDKOperationsKnown: the operations Baton's code calls (a request
// built outside tests, under internal/ and functions/) are sdkOperations.
func TestSDKOperationsKnown(t *testing.T) {
	re := regexp.MustCompile(`\b(dynamodb|dynamodbstreams|sqs|secretsmanager)\.([A-Z]\w*)Input\b`)
	called := map[string][]string{}
	for _, dir := range []string{"internal", "functions"} {
		filepath.Walk(filepath.Join(root, dir), func(p string, info os.FileInfo, err error) error {
			if err == nil && info.IsDir() && info.Name() == "testutil" {
				return filepath.SkipDir
			}
			if err == nil && strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, "_test.go") {
				b, _ := os.ReadFile(p)
				for _, m := range re.FindAllStringSubmatch(string(b), -1) {
					op := m[1] + "." + m[2]
					if !slices.Contains(called[op], p) {
						called[op] = append(called[op], p)
					}
				}
			}
			return nil
		})
	}
	if len(called) == 0 {
		t.Fatal("found no AWS SDK request in the code")
	}
	for op, files := range called {
		if sdkOperations[op] == "" {
			t.Errorf("%s calls %s: add it to sdkOperations with its IAM action (and to infra/moto/iam.py when that is not its name), and exercise it in a function's scenario of TestGrantsMatchCalls, or say why no function calls it on AWS", strings.Join(files, ", "), op)
		}
	}
	for op := range sdkOperations {
		if called[op] == nil {
			t.Errorf("sdkOperations lists %s, which the code no longer calls", op)
		}
	}
}
