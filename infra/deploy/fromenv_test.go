package deploy

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"gopkg.in/yaml.v3"

	"github.com/baton-hq/baton/internal/app"
	"github.com/baton-hq/baton/internal/app/core"
	"github.com/baton-hq/baton/internal/app/web"
	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/config"
	"github.com/baton-hq/baton/internal/crm/crmfake"
	"github.com/baton-hq/baton/internal/httpx"
	"github.com/baton-hq/baton/internal/lambdahttp"
	"github.com/baton-hq/baton/internal/push"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/secrets"
	"github.com/baton-hq/baton/internal/sqsrelay"
	"github.com/baton-hq/baton/internal/stdwebhook"
	"github.com/baton-hq/baton/internal/testutil/moto"
)

// The values of the test's Secrets Manager secret, one per key.
var (
	testPEM         = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----\n"
	testWebhookKey  = "whsec_" + base64.StdEncoding.EncodeToString([]byte("deploy-test-webhook-key-0123456"))
	testSecretValue = map[string]string{
		"BATON_ADMIN_TOKEN":               "admin-token-from-secrets-manager",
		"BATON_WRITE_KEY":                 "write-key-from-secrets-manager",
		"BATON_LINK_KEYS":                 "k1:" + base64.StdEncoding.EncodeToString([]byte("deploy-test-link-key-0123456789a")),
		"BATON_SALESFORCE_CLIENT_SECRET":  "salesforce-client-secret",
		"BATON_SALESFORCE_PRIVATE_KEY":    testPEM,
		"BATON_HUBSPOT_TOKEN":             "pat-na1-from-secrets-manager",
		"BATON_KINTONE_API_TOKEN":         "kintone-api-token",
		"BATON_FEEDBACK_SECRET":           "whsec_" + base64.StdEncoding.EncodeToString([]byte("deploy-test-feedback-key-012345")),
		"BATON_HUBSPOT_CLIENT_SECRET":     "hubspot-client-secret",
		"BATON_KINTONE_WEBHOOK_TOKEN":     "kintone-webhook-token",
		"BATON_SALESFORCE_OUTBOUND_TOKEN": "salesforce-outbound-token",
		"BATON_WEBHOOK_SECRET":            testWebhookKey,
		"BATON_ORIGIN_SECRET":             "deploy-test-origin-secret-0123456789",
	}
)

// TestFunctionsStartOnAWS starts every function of the transformed template
// as Lambda would: the function's environment exactly as the template sets
// it (references resolved to a moto table, queues and Secrets Manager
// secret), only what Lambda itself adds besides (AWS_* credentials and
// region, LAMBDA_TASK_ROOT: the directory `make build` lays out with
// rules.yaml and baton.yaml) and AWS_ENDPOINT_URL pointing the SDK at moto.
// app.FromEnv must succeed for each, with the settings of the parameters,
// the packaged files and the secret; then an MQL the score function relays
// to the push queue is delivered by the push function's App to a HubSpot
// (fake) configured in baton.yaml, with the token from the secret, and to
// the MQL webhook signed with the secret's key.
func TestFunctionsStartOnAWS(t *testing.T) {
	mk := tool(t, "make", "install GNU make")
	tpl := transformed(t)
	res := resources(t, tpl)
	ctx := context.Background()
	endpoint := moto.Shared(t)

	// What the stack's resources are on moto.
	tbl := moto.NewTable(t)
	sqsc := moto.SQS(endpoint)
	queue := func(name string) string {
		out, err := sqsc.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(name)})
		if err != nil {
			t.Fatal(err)
		}
		return aws.ToString(out.QueueUrl)
	}
	secretName := "baton/" + tbl.Name()
	value, _ := json.Marshal(testSecretValue)
	created, err := moto.SecretsManager(endpoint).CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String(secretName), SecretString: aws.String(string(value))})
	if err != nil {
		t.Fatal(err)
	}
	refs := map[string]string{
		"AWS::Region": moto.Region, "AWS::AccountId": "123456789012", "AWS::Partition": "aws", "AWS::StackName": "baton",
		"Table":               tbl.Name(),
		"PushQueue":           queue(tbl.Name() + "-push"),
		"PushDeadLetterQueue": queue(tbl.Name() + "-push-dlq"),
		"ScoreFailureQueue":   queue(tbl.Name() + "-score-failures"),
		"SecretsName":         secretName,
	}

	// The SFA and the MQL webhook the functions deliver to.
	hub := crmfake.NewHubSpot()
	t.Cleanup(hub.Server.Close)
	hub.Token = testSecretValue["BATON_HUBSPOT_TOKEN"]
	hook := &webhookReceiver{}
	hookSrv := httptest.NewServer(hook)
	t.Cleanup(hookSrv.Close)

	// The task root of each function, laid out by make build itself.
	cfgFile := filepath.Join(t.TempDir(), "baton.yaml")
	cfgYAML := "timeline_limit: 123\nsfa:\n  hubspot:\n    base_url: " + hub.Server.URL + "\n"
	if err := os.WriteFile(cfgFile, []byte(cfgYAML), 0o600); err != nil {
		t.Fatal(err)
	}
	build := t.TempDir()
	cmd := exec.Command(mk, "--no-print-directory", "build", "GO=true", "BUILD="+build, "CONFIG="+cfgFile)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("make build GO=true: %v\n%s", err, out)
	}

	// Only what Lambda's runtime adds besides the template's variables.
	isolate(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
	t.Setenv("AWS_REGION", moto.Region)
	t.Setenv("AWS_ENDPOINT_URL", endpoint) // the test's one addition: the SDK talks to moto
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(build, "no-aws-config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(build, "no-aws-credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")

	t.Run("PolicyCoversTheSecret", func(t *testing.T) {
		arn := regexp.QuoteMeta(cfnSub(t, secretARN, refs))
		arn = strings.ReplaceAll(strings.ReplaceAll(arn, `\?`, "."), `\*`, ".*")
		if got := aws.ToString(created.ARN); !regexp.MustCompile("^" + arn + "$").MatchString(got) {
			t.Errorf("the functions' policy resource %s does not match the secret's ARN %s", cfnSub(t, secretARN, refs), got)
		}
	})

	t.Run("MissingSecret", func(t *testing.T) {
		t.Setenv("BATON_STORE", "dynamodb")
		t.Setenv("BATON_TABLE", tbl.Name())
		t.Setenv(secrets.Variable, secretName+"-missing")
		_, err := app.FromEnv(ctx)
		var ce *config.Error
		if !errors.As(err, &ce) || ce.Setting != secrets.Variable || !strings.Contains(err.Error(), "ResourceNotFound") {
			t.Errorf("start-up with a missing secret: %v, want a config error naming %s", err, secrets.Variable)
		}
	})

	// CloudFormation cannot compare an ARN's region with the stack's: a
	// key of another region deployed, then every function failed reading
	// the secret, on an error naming neither. Start-up says so first.
	t.Run("SecretKeyInAnotherRegion", func(t *testing.T) {
		t.Setenv("BATON_STORE", "dynamodb")
		t.Setenv("BATON_TABLE", tbl.Name())
		t.Setenv(secrets.Variable, secretName)
		other := "eu-west-1"
		if moto.Region == other {
			other = "us-west-2"
		}
		t.Setenv(secrets.KeyVariable, "arn:aws:kms:"+other+":123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab")
		_, err := app.FromEnv(ctx)
		var ce *config.Error
		if !errors.As(err, &ce) || ce.Setting != secrets.KeyVariable || !strings.Contains(err.Error(), "SecretKmsKeyArn") || !strings.Contains(err.Error(), other) || !strings.Contains(err.Error(), moto.Region) {
			t.Errorf("start-up with the secret's key in %s, the stack in %s: %v, want a config error naming SecretKmsKeyArn and both regions", other, moto.Region, err)
		}
	})

	for _, params := range []struct {
		name   string
		values map[string]string
	}{
		{"Defaults", nil},
		{"Custom", map[string]string{
			"SiteOrigins": "https://www.example.com", "CookieDomain": "example.com", "PublicURL": "https://track.example.com",
			"EventRetentionDays": "90", "MQLWebhookURL": hookSrv.URL,
			"DomainName": "track.example.com", "CertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/1234abcd-12ab-34cd-56ef-1234567890ab",
			"EnableWaf": "true", "SecretKmsKeyArn": "arn:aws:kms:" + moto.Region + ":123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
		}},
		// Behind the site's own CloudFront distribution, under /_bt.
		{"SiteDistribution", map[string]string{
			"SiteOrigins": "https://www.example.com", "PublicURL": "https://www.example.com", "BasePath": "/_bt",
		}},
	} {
		t.Run(params.name, func(t *testing.T) {
			ev := &cfnEval{t: t, refs: maps.Clone(refs), conds: mapOf(tpl["Conditions"])}
			for name, p := range mapOf(tpl["Parameters"]) {
				if v, ok := params.values[name]; ok {
					ev.refs[name] = v
				} else if _, set := ev.refs[name]; !set {
					ev.refs[name] = fmt.Sprint(mapOf(p)["Default"])
				}
			}
			apps := map[string]*app.App{}
			envs := map[string]map[string]string{}
			for _, id := range slices.Sorted(maps.Keys(res)) {
				if res[id]["Type"] != "AWS::Lambda::Function" {
					continue
				}
				code, _ := mapOf(res[id]["Properties"])["Code"].(map[string]any)
				key, _ := code["S3Key"].(string)
				name := strings.TrimSuffix(strings.TrimPrefix(key, "build/"), ".zip")
				env := map[string]string{}
				for k, v := range functionEnv(res[id]) {
					if s, ok := ev.value(v); ok {
						env[k] = s
					}
				}
				envs[name] = env
				t.Run(name, func(t *testing.T) {
					for k, v := range env {
						t.Setenv(k, v)
					}
					t.Setenv("LAMBDA_TASK_ROOT", filepath.Join(build, name))
					for _, v := range mainVars(t, name) {
						if env[v] == "" {
							t.Errorf("%s is empty", v)
						}
					}
					a, err := app.FromEnv(ctx)
					if err != nil {
						t.Fatalf("app.FromEnv with the template's environment: %v", err)
					}
					t.Cleanup(func() { a.Close() })
					apps[name] = a
					checkConfig(t, name, a.Config, params.values)
					if a.Qualifier == nil || a.Feedback == nil {
						t.Error("no rules: the packaged rules.yaml was not read")
					}
				})
			}
			if len(apps) != len(envs) || len(apps) == 0 {
				t.Fatalf("%d of %d functions started", len(apps), len(envs))
			}
			if params.name == "Defaults" {
				badRulesOnAWS(t, envs, build)
			}

			// The HTTP functions answer as API Gateway hands them requests:
			// under BasePath its stage of that name stays in the path. With
			// EnableWaf only a request bringing the origin secret (what
			// CloudFront sends) is served, but GET /healthz
			// (TestOriginRequiredAsDeployed walks every route).
			base := params.values["BasePath"]
			waf := params.values["EnableWaf"] == "true"
			for fn, path := range map[string]string{"collect": "/healthz", "admin": "/admin/people"} {
				served := map[string]int{"collect": 200, "admin": 401}[fn]
				direct := served // without the secret, as API Gateway's own address is called
				if waf && fn == "admin" {
					direct = 403
				}
				for _, p := range []struct {
					path, origin string
					want         int
				}{
					{base + path, testSecretValue["BATON_ORIGIN_SECRET"], served},
					{base + path, "", direct},
					{"/elsewhere" + path, testSecretValue["BATON_ORIGIN_SECRET"], 404},
				} {
					h := map[string]func(*app.App) http.Handler{"collect": (*app.App).CollectHandler, "admin": (*app.App).AdminHandler}[fn](apps[fn])
					hdr := map[string]string{"host": "abc123.execute-api.us-east-1.amazonaws.com"}
					if p.origin != "" {
						hdr[strings.ToLower(httpx.OriginHeader)] = p.origin
					}
					resp, err := lambdahttp.Adapter{Handler: h}.Handle(ctx, events.APIGatewayV2HTTPRequest{
						RawPath: p.path, Headers: hdr,
						RequestContext: events.APIGatewayV2HTTPRequestContext{HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "GET", Path: p.path, SourceIP: "192.0.2.1"}},
					})
					if err != nil || resp.StatusCode != p.want {
						t.Errorf("%s: GET %s (origin secret %v): %d %s, %v; want %d", fn, p.path, p.origin != "", resp.StatusCode, resp.Body, err, p.want)
					}
				}
			}

			// score relays an MQL to the push queue; push delivers it.
			pushApp := apps["push"]
			p, _, err := pushApp.People.Ensure(ctx, strings.ToLower(params.name)+"@buyer.example", "test")
			if err != nil {
				t.Fatal(err)
			}
			mql := qualify.MQL{ID: p.ID + "-c1", Person: p.ID, Email: p.Email, Cycle: 1, At: clock.Now().UTC(), Condition: "demo_request", Facts: []string{"requested a demo"}}
			relay, err := sqsrelay.New(ctx, envs["score"]["BATON_PUSH_QUEUE_URL"])
			if err != nil {
				t.Fatal(err)
			}
			if err := relay.Send(ctx, mql); err != nil {
				t.Fatalf("score's relay to BATON_PUSH_QUEUE_URL: %v", err)
			}
			msg, err := sqsc.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(envs["score"]["BATON_PUSH_QUEUE_URL"]), MaxNumberOfMessages: 1, WaitTimeSeconds: 1})
			if err != nil || len(msg.Messages) != 1 {
				t.Fatalf("push queue: %v, %d messages", err, len(msg.Messages))
			}
			sqsc.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(envs["score"]["BATON_PUSH_QUEUE_URL"]), ReceiptHandle: msg.Messages[0].ReceiptHandle})
			var got qualify.MQL
			if err := json.Unmarshal([]byte(aws.ToString(msg.Messages[0].Body)), &got); err != nil {
				t.Fatal(err)
			}
			if r := pushApp.Pusher.Deliver(ctx, got); !r.Done {
				t.Fatalf("push function's delivery: %+v", r)
			}
			if c := hub.Contact(p.Email); c["lifecyclestage"] != "marketingqualifiedlead" {
				t.Errorf("HubSpot contact %v, want an MQL", c)
			}
			wantHook := params.values["MQLWebhookURL"] != ""
			if n := hook.received(p.ID); (n == 1) != wantHook {
				t.Errorf("MQL webhook got %d signed deliveries for the person (MQLWebhookURL %q)", n, params.values["MQLWebhookURL"])
			}
		})
	}
}

// badRulesOnAWS: a rules file with a typo, deployed anyway (make build
// refuses it): collect and click start as their main.go starts them
// (web.CoreOptions) with the template's environment and serve, /healthz
// saying scoring is off and why; score (as every function that scores,
// qualifies or delivers) still refuses to start, naming BATON_RULES. Before,
// collect and click refused too: every tag request and tracked link a 500.
func badRulesOnAWS(t *testing.T, envs map[string]map[string]string, build string) {
	t.Run("BadRulesFile", func(t *testing.T) {
		start := func(fn string, opts ...core.Option) (*core.Core, error) {
			root := filepath.Join(t.TempDir(), fn)
			if err := os.CopyFS(root, os.DirFS(filepath.Join(build, fn))); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(root, "rules.yaml"), []byte("name: typo\nbehaviour:\n  - name: x\n    type: page_view\n    pionts: 1\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			for k, v := range envs[fn] {
				t.Setenv(k, v)
			}
			t.Setenv("LAMBDA_TASK_ROOT", root)
			return core.FromEnv(context.Background(), opts...)
		}
		for fn, routes := range map[string]func(*core.Core) (http.Handler, error){"collect": web.CollectHandler, "click": web.ClickHandler} {
			c, err := start(fn, web.CoreOptions...)
			if err != nil {
				t.Errorf("%s with a bad rules file: %v", fn, err)
				continue
			}
			defer c.Close()
			h, err := routes(c)
			if err != nil {
				t.Fatal(err)
			}
			path := map[string]string{"collect": "/healthz", "click": "/c/no-such-link"}[fn]
			resp, err := lambdahttp.Adapter{Handler: h}.Handle(context.Background(), events.APIGatewayV2HTTPRequest{
				RawPath: path, Headers: map[string]string{"host": "abc123.execute-api.us-east-1.amazonaws.com"},
				RequestContext: events.APIGatewayV2HTTPRequestContext{HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "GET", Path: path, SourceIP: "192.0.2.1"}},
			})
			want := map[string]int{"collect": 200, "click": 404}[fn] // an unknown link: its page, not a 500
			if err != nil || resp.StatusCode != want || fn == "collect" && !strings.Contains(resp.Body, "rules.yaml:5: behaviour[0].pionts") {
				t.Errorf("%s: GET %s: %d %s, %v; want %d", fn, path, resp.StatusCode, resp.Body, err, want)
			}
		}
		if c, err := start("score"); err == nil || !strings.Contains(err.Error(), "BATON_RULES") {
			if c != nil {
				c.Close()
			}
			t.Errorf("score with a bad rules file: %v, want it to refuse to start", err)
		}
	})
}

// checkConfig: the settings a function started with are the template
// parameters', the packaged baton.yaml's and the secret's.
func checkConfig(t *testing.T, fn string, c *config.Config, params map[string]string) {
	t.Helper()
	if c.File.TimelineLimit != 123 || c.File.SFA.HubSpot == nil {
		t.Errorf("baton.yaml not read: timeline_limit %d, sfa.hubspot %v", c.File.TimelineLimit, c.File.SFA.HubSpot)
	}
	want := config.Secrets{
		SalesforceClientSecret: testSecretValue["BATON_SALESFORCE_CLIENT_SECRET"], SalesforcePrivateKey: testPEM,
		HubSpotToken: testSecretValue["BATON_HUBSPOT_TOKEN"], KintoneAPIToken: testSecretValue["BATON_KINTONE_API_TOKEN"],
		FeedbackSecret: testSecretValue["BATON_FEEDBACK_SECRET"], HubSpotClientSecret: testSecretValue["BATON_HUBSPOT_CLIENT_SECRET"],
		KintoneWebhookToken: testSecretValue["BATON_KINTONE_WEBHOOK_TOKEN"], SalesforceOutboundToken: testSecretValue["BATON_SALESFORCE_OUTBOUND_TOKEN"],
	}
	if c.Secrets != want || c.AdminToken != testSecretValue["BATON_ADMIN_TOKEN"] || c.WriteKey != testSecretValue["BATON_WRITE_KEY"] ||
		c.LinkKeys != testSecretValue["BATON_LINK_KEYS"] || c.WebhookSecret != testWebhookKey {
		t.Errorf("secrets not from Secrets Manager: %+v", c.Secrets)
	}
	retention := 400 * 24 * time.Hour
	if params["EventRetentionDays"] == "90" {
		retention = 90 * 24 * time.Hour
	}
	if time.Duration(c.File.EventRetention) != retention {
		t.Errorf("event retention %v, want %v", time.Duration(c.File.EventRetention), retention)
	}
	behindCloudFront := params["DomainName"] != "" || params["BasePath"] != "" // CloudFront, then API Gateway: TestClientIPAsDeployed
	if c.PublicURL != params["PublicURL"] || (c.TrustProxy.Hops == 2) != behindCloudFront || c.TrustProxy.Origin.IsSet() != behindCloudFront || c.BasePath != params["BasePath"] {
		t.Errorf("parameters not applied: public URL %q, trust proxy %v, base path %q", c.PublicURL, c.TrustProxy, c.BasePath)
	}
	if c.RequireOrigin.IsSet() != (params["EnableWaf"] == "true") {
		t.Errorf("EnableWaf %q: the origin secret required %v", params["EnableWaf"], c.RequireOrigin.IsSet())
	}
	// Every function, not only the one serving the browser or delivering:
	// the sites and the webhook change how every function reads a lead
	// (TestFunctionsShareConfig).
	for _, p := range []struct{ param, got string }{
		{"SiteOrigins", strings.Join(c.SiteOrigins, ",")},
		{"CookieDomain", c.CookieDomain},
		{"MQLWebhookURL", c.WebhookURL},
	} {
		if p.got != params[p.param] {
			t.Errorf("%s is %q, want %q", p.param, p.got, params[p.param])
		}
	}
}

// isolate clears every Baton, AWS and Lambda variable of the test's own
// environment for the test (restored after it).
func isolate(t *testing.T) {
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "BATON_") || strings.HasPrefix(k, "AWS_") || strings.HasPrefix(k, "LAMBDA_") {
			t.Setenv(k, "")
			os.Unsetenv(k)
		}
	}
}

// webhookReceiver counts MQL webhook deliveries signed with the secret's key.
type webhookReceiver struct {
	mu     sync.Mutex
	people map[string]int
}

func (h *webhookReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	if err := stdwebhook.Verify(testWebhookKey, r.Header, body, clock.Now(), 5*time.Minute); err != nil {
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	var m struct {
		Type string    `json:"type"`
		Data push.Lead `json:"data"`
	}
	json.Unmarshal(body, &m)
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.people == nil {
		h.people = map[string]int{}
	}
	if m.Type == "mql.created" {
		h.people[m.Data.PersonID]++
	}
}

func (h *webhookReceiver) received(person string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.people[person]
}

// cfnEval resolves the intrinsic functions of a function's environment with
// test values: Ref (parameters, pseudo parameters, resources in refs),
// Fn::Sub, Fn::If and the conditions. Anything else fails the test, so a new
// construct in the template gets a test value rather than slipping by.
type cfnEval struct {
	t     *testing.T
	refs  map[string]string
	conds map[string]any
}

// value resolves v to a string; ok is false for AWS::NoValue.
func (e *cfnEval) value(v any) (string, bool) {
	e.t.Helper()
	switch v := v.(type) {
	case string:
		return v, true
	case float64, bool:
		return fmt.Sprint(v), true
	case map[string]any:
		if len(v) == 1 {
			for fn, arg := range v {
				switch fn {
				case "Ref":
					if arg == "AWS::NoValue" {
						return "", false
					}
					s, ok := e.refs[fmt.Sprint(arg)]
					if !ok {
						e.t.Fatalf("no test value for Ref %v", arg)
					}
					return s, true
				case "Fn::Sub":
					s, ok := arg.(string)
					if !ok {
						e.t.Fatalf("Fn::Sub with variables: %v", arg)
					}
					return cfnSub(e.t, s, e.refs), true
				case "Fn::If":
					a, _ := arg.([]any)
					if len(a) != 3 {
						e.t.Fatalf("Fn::If %v", arg)
					}
					if e.cond(map[string]any{"Condition": a[0]}) {
						return e.value(a[1])
					}
					return e.value(a[2])
				case "Fn::Join":
					a, _ := arg.([]any)
					parts, _ := a[1].([]any)
					if len(a) != 2 || parts == nil {
						e.t.Fatalf("Fn::Join %v", arg)
					}
					var out []string
					for _, p := range parts {
						s, _ := e.value(p)
						out = append(out, s)
					}
					return strings.Join(out, fmt.Sprint(a[0])), true
				case "Fn::Select":
					a, _ := arg.([]any)
					if len(a) != 2 {
						e.t.Fatalf("Fn::Select %v", arg)
					}
					split := mapOf(a[1])["Fn::Split"].([]any)
					whole, _ := e.value(split[1])
					list := strings.Split(whole, fmt.Sprint(split[0]))
					i, err := strconv.Atoi(fmt.Sprint(a[0]))
					if err != nil || i >= len(list) {
						e.t.Fatalf("Fn::Select %v of %q: CloudFormation fails the deploy", a[0], list) // index out of range
					}
					return list[i], true
				}
			}
		}
	}
	e.t.Fatalf("cannot resolve %v in a function's environment", v)
	return "", false
}

func (e *cfnEval) cond(v any) bool {
	e.t.Helper()
	m := mapOf(v)
	if len(m) == 1 {
		for fn, arg := range m {
			a, _ := arg.([]any)
			switch fn {
			case "Condition":
				c, ok := e.conds[fmt.Sprint(arg)]
				if !ok {
					e.t.Fatalf("no condition %v", arg)
				}
				return e.cond(c)
			case "Fn::Not":
				return !e.cond(a[0])
			case "Fn::And", "Fn::Or":
				all, some := true, false
				for _, c := range a {
					b := e.cond(c)
					all, some = all && b, some || b
				}
				return fn == "Fn::And" && all || fn == "Fn::Or" && some
			case "Fn::Equals":
				x, _ := e.value(a[0])
				y, _ := e.value(a[1])
				return x == y
			}
		}
	}
	e.t.Fatalf("cannot evaluate condition %v", v)
	return false
}

// cfnSub substitutes ${Name} in a Fn::Sub string.
func cfnSub(t *testing.T, s string, refs map[string]string) string {
	t.Helper()
	return subVar.ReplaceAllStringFunc(s, func(m string) string {
		name := strings.TrimSuffix(strings.TrimPrefix(m, "${"), "}")
		v, ok := refs[name]
		if !ok {
			t.Fatalf("no test value for ${%s}", name)
		}
		return v
	})
}

func mapOf(v any) map[string]any { m, _ := v.(map[string]any); return m }

// TestBuildPackagesConfig: make build puts infra/baton.yaml (else the
// example) and infra/rules.yaml beside every function's bootstrap, under
// the names the template's BATON_CONFIG and BATON_RULES give.
func TestBuildPackagesConfig(t *testing.T) {
	mk := tool(t, "make", "install GNU make")
	tpl := load(t)
	build := t.TempDir()
	cmd := exec.Command(mk, "--no-print-directory", "build", "GO=true", "BUILD="+build)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("make build GO=true: %v\n%s", err, out)
	}
	config := filepath.Join(root, "infra", "baton.yaml")
	if _, err := os.Stat(config); err != nil {
		config = filepath.Join(root, "infra", "baton.example.yaml")
	}
	b, err := os.ReadFile(filepath.Join(root, "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for file, src := range map[string]string{"baton.yaml": config, "rules.yaml": filepath.Join(root, "infra", "rules.yaml")} {
		if !regexp.MustCompile(`(?m)^\s+BATON_(CONFIG|RULES): ` + regexp.QuoteMeta(file) + `\s*$`).Match(b) {
			t.Errorf("template.yaml does not point BATON_CONFIG or BATON_RULES at %s", file)
		}
		want, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		for _, fn := range tpl.Names() {
			got, err := os.ReadFile(filepath.Join(build, fn, file))
			if err != nil || string(got) != string(want) {
				t.Errorf("build/%s/%s is not %s (%v)", fn, file, src, err)
			}
		}
	}
}

// TestBuildRefusesBadFiles: make build checked only that CONFIG and RULES
// existed, so a typo in either reached AWS and stopped the functions at
// start-up. It runs infra/check first: a file a function would refuse
// stops the build with the file, line and field, and nothing is packaged.
func TestBuildRefusesBadFiles(t *testing.T) {
	mk := tool(t, "make", "install GNU make")
	rules, err := os.ReadFile(filepath.Join(root, "infra", "rules.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	badRules := filepath.Join(dir, "rules.yaml")
	text := strings.Replace(string(rules), "points:", "pionts:", 1)
	line := 1 + strings.Count(text[:strings.Index(text, "pionts:")], "\n")
	badConfig := filepath.Join(dir, "baton.yaml")
	for p, s := range map[string]string{badRules: text, badConfig: "timezone: Asia/Tokio\n"} {
		if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"RULES=" + badRules}, fmt.Sprintf("%s:%d: behaviour[", badRules, line)},
		{[]string{"CONFIG=" + badConfig}, badConfig + `:1: timezone: "Asia/Tokio" is not an IANA time zone`},
	} {
		build := filepath.Join(t.TempDir(), "build")
		cmd := exec.Command(mk, append([]string{"--no-print-directory", "build", "GO=true", "BUILD=" + build}, c.args...)...)
		cmd.Dir = root
		out, err := cmd.CombinedOutput()
		if err == nil || !strings.Contains(string(out), c.want) {
			t.Errorf("make build %v: %v\n%s\nwant a failure saying %q", c.args, err, out, c.want)
		}
		if _, err := os.Stat(build); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("make build %v packaged %s (%v)", c.args, build, err)
		}
	}
}

// TestExampleConfig: infra/baton.example.yaml sets nothing as it is (make
// build packages it when there is no infra/baton.yaml), and with its
// settings uncommented it is a valid configuration file that names every
// key the file has.
func TestExampleConfig(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(root, "infra", "baton.example.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var asIs config.File
	if err := config.ParseFile(b, &asIs); err != nil || !reflect.ValueOf(asIs).IsZero() {
		t.Errorf("the example as it is: %v, sets %+v; it must set nothing", err, asIs)
	}
	var lines []string
	for _, l := range strings.Split(string(b), "\n") {
		if s, ok := strings.CutPrefix(l, "# "); ok {
			lines = append(lines, s) // a setting; "##" lines are prose
		}
	}
	all := strings.Join(lines, "\n")
	var f config.File
	if err := config.ParseFile([]byte(all), &f); err != nil {
		t.Fatalf("the example with its settings uncommented: %v\n%s", err, all)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(all), &doc); err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	var walk func(n *yaml.Node, path string)
	walk = func(n *yaml.Node, path string) {
		switch n.Kind {
		case yaml.DocumentNode, yaml.SequenceNode:
			for _, c := range n.Content {
				walk(c, path)
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				p := path + n.Content[i].Value
				have[p] = true
				walk(n.Content[i+1], p+".")
			}
		}
	}
	walk(&doc, "")
	for _, k := range yamlKeys(reflect.TypeOf(config.File{}), "") {
		if !have[k] {
			t.Errorf("infra/baton.example.yaml does not document %s", k)
		}
	}
}

// yamlKeys lists the keys of a configuration struct, nested ones dotted
// (maps are free-form: their keys are values, not settings).
func yamlKeys(typ reflect.Type, prefix string) []string {
	for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice {
		typ = typ.Elem()
	}
	if typ.Kind() != reflect.Struct {
		return nil
	}
	var out []string
	for i := range typ.NumField() {
		tag, _, _ := strings.Cut(typ.Field(i).Tag.Get("yaml"), ",")
		if tag == "" || tag == "-" {
			continue
		}
		out = append(out, prefix+tag)
		if ft := typ.Field(i).Type; ft.Kind() != reflect.Map {
			out = append(out, yamlKeys(ft, prefix+tag+".")...)
		}
	}
	return out
}
