package deploy

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/baton-hq/baton/internal/push"
	localqueue "github.com/baton-hq/baton/internal/queue"
	"github.com/baton-hq/baton/internal/scorefeed"
	"github.com/baton-hq/baton/internal/secrets"
)

const root = "../.."

func load(t *testing.T) *Template {
	tpl, err := Load(filepath.Join(root, "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return tpl
}

// TestEveryFunctionIsDeployedAndBuilds: functions/* and the template's
// functions are the same set, and each builds for Lambda (arm64, lambda.norpc).
func TestEveryFunctionIsDeployedAndBuilds(t *testing.T) {
	tpl := load(t)
	dirs, _ := filepath.Glob(filepath.Join(root, "functions", "*", "main.go"))
	var code []string
	for _, d := range dirs {
		code = append(code, filepath.Base(filepath.Dir(d)))
	}
	sort.Strings(code)
	if strings.Join(code, ",") != strings.Join(tpl.Names(), ",") {
		t.Fatalf("functions/ has %v, template.yaml has %v", code, tpl.Names())
	}
	// make build builds the Makefile's FUNCTIONS: the same set (a file
	// beside the folders, such as deps_test.go, is no function).
	mk := exec.Command(tool(t, "make", "install make"), "--no-print-directory", "-s", "-f", "Makefile", "-f", "-", "print-functions")
	mk.Dir = root
	mk.Stdin = strings.NewReader("print-functions:\n\t@echo $(FUNCTIONS)\n")
	if b, err := mk.CombinedOutput(); err != nil {
		t.Fatalf("make print-functions: %v\n%s", err, b)
	} else if got := strings.Fields(string(b)); strings.Join(got, ",") != strings.Join(code, ",") {
		t.Fatalf("the Makefile builds %v, functions/ has %v", got, code)
	}
	out := t.TempDir()
	for _, name := range code {
		cmd := exec.Command("go", "build", "-tags", "lambda.norpc", "-o", filepath.Join(out, name, "bootstrap"), "./functions/"+name)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH=arm64", "CGO_ENABLED=0")
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("build %s: %v\n%s", name, err, b)
		}
	}
}

// TestEnvironment: every variable a deployed function must have is defined
// for it, and every BATON_* variable the template sets is one the code reads.
func TestEnvironment(t *testing.T) {
	tpl := load(t)
	for _, fn := range tpl.Names() {
		// BATON_ADMIN_TOKEN, which every function needs, is in the secret.
		for _, v := range []string{"BATON_STORE", "BATON_TABLE", secrets.Variable} {
			if !tpl.HasEnv(fn, v) {
				t.Errorf("%s: %s not set", fn, v)
			}
		}
		// No secret value in the environment: the functions read them from
		// the secret at start-up.
		for _, v := range secrets.Names {
			if tpl.HasEnv(fn, v) {
				t.Errorf("%s: %s is set in the template; it belongs in the secret (%s)", fn, v, secrets.Variable)
			}
		}
	}
	// One exception: CloudFront must hold the origin secret it sends
	// (TestClientIPAsDeployed checks where).
	if b, _ := os.ReadFile(filepath.Join(root, "template.yaml")); strings.Count(string(b), "{{resolve:") != strings.Count(string(b), originSecretRef) {
		t.Errorf("template.yaml resolves a dynamic reference at deploy time; secrets are read at run time (%s)", secrets.Variable)
	}
	read := map[string]bool{}
	re := regexp.MustCompile(`"(BATON_[A-Z_]+)"`)
	for _, dir := range []string{"internal", "functions"} {
		filepath.Walk(filepath.Join(root, dir), func(p string, info os.FileInfo, err error) error {
			if err == nil && strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, "_test.go") {
				b, _ := os.ReadFile(p)
				for _, m := range re.FindAllStringSubmatch(string(b), -1) {
					read[m[1]] = true
				}
			}
			return nil
		})
	}
	// Set for the deploy's sake, read by no code: a new value changes
	// every function's configuration, so no running instance keeps the
	// secret's old values (README, SecretsRevision).
	read["BATON_SECRETS_REVISION"] = true
	check := func(where string, env map[string]bool) {
		for v := range env {
			if strings.HasPrefix(v, "BATON_") && !read[v] {
				t.Errorf("%s sets %s, which no code reads", where, v)
			}
		}
	}
	check("Globals", tpl.GlobalEnv)
	for _, f := range tpl.Functions {
		check(f.Resource, f.Env)
	}
}

// TestStreamFilterMatchesTheCode: the score function's filter lets through
// exactly the item kinds its handler acts on.
func TestStreamFilterMatchesTheCode(t *testing.T) {
	b, _ := os.ReadFile(filepath.Join(root, "template.yaml"))
	both := slices.DeleteFunc(slices.Clone(scorefeed.Kinds), func(k string) bool { return slices.Contains(scorefeed.ModifiedOnly, k) })
	for _, want := range []string{
		`{"eventName": ["INSERT", "MODIFY"], "dynamodb": {"NewImage": {"kind": {"S": ["` + strings.Join(both, `", "`) + `"]}}}}`,
		`{"eventName": ["MODIFY"], "dynamodb": {"NewImage": {"kind": {"S": ["` + strings.Join(scorefeed.ModifiedOnly, `", "`) + `"]}}}}`,
	} {
		if !strings.Contains(string(b), want) {
			t.Fatalf("template.yaml's score filter lacks %s", want)
		}
	}
	if _, err := os.Stat(filepath.Join(root, "infra", "rules.yaml")); err != nil {
		t.Fatalf("BATON_RULES points at the packaged infra/rules.yaml: %v", err)
	}
}

// TestSamplesBelongToFunctions: every events/<dir> names a function.
func TestSamplesBelongToFunctions(t *testing.T) {
	tpl := load(t)
	dirs, _ := os.ReadDir(filepath.Join(root, "events"))
	for _, d := range dirs {
		if d.IsDir() && tpl.Functions[d.Name()] == nil {
			t.Errorf("events/%s has no function in template.yaml", d.Name())
		}
	}
}

// TestLeastPrivilege: only functions whose code scans the table may Scan,
// nobody gets wildcards, every function may read the secret and decrypt it
// with its customer-managed key, and no other KMS action.
// TestGrantsMatchCalls proves each function's grants are exactly its calls.
func TestLeastPrivilege(t *testing.T) {
	tpl := load(t)
	for _, f := range tpl.Functions {
		for a := range f.Actions {
			if strings.Contains(a, "*") {
				t.Errorf("%s: wildcard action %s", f.Resource, a)
			}
		}
		if f.Actions["dynamodb:Scan"] && f.Name != "admin" && f.Name != "sweep" {
			t.Errorf("%s may Scan the table but its code never does", f.Resource)
		}
		if !f.Actions["secretsmanager:GetSecretValue"] {
			t.Errorf("%s lacks secretsmanager:GetSecretValue: every function reads BATON_ADMIN_TOKEN from the secret at start-up", f.Resource)
		}
		// KMS: only Decrypt with the secret's key (SecretKmsKeyArn), for
		// the functions reading the secret (TestSecretKmsKey: only with
		// the parameter, on that key, through Secrets Manager).
		for a := range f.Actions {
			if strings.HasPrefix(strings.ToLower(a), "kms:") && a != "kms:Decrypt" {
				t.Errorf("%s: %s; the functions need kms:Decrypt only (the secret's key)", f.Resource, a)
			}
		}
		if f.Actions["kms:Decrypt"] != f.Actions["secretsmanager:GetSecretValue"] {
			t.Errorf("%s: kms:Decrypt %v, secretsmanager:GetSecretValue %v: a function reading the secret needs its customer-managed key (SecretKmsKeyArn), no other may decrypt", f.Resource, f.Actions["kms:Decrypt"], f.Actions["secretsmanager:GetSecretValue"])
		}
	}
}

// TestPushQueueSizing holds the push queue, its event source and its
// redrive policy to the push function's timeout and backoff schedule
// (push.Worker.BackoffBounds, the delays lambdafn.Push sets as visibility
// timeouts): SQS retries a failed invocation only after the function can
// no longer be running, at most five deliveries run at once without
// reserved concurrency, and neither a day-long SFA limit nor a multi-hour
// outage dead-letters an MQL, which still reaches the DLQ with days of
// retention left.
func TestPushQueueSizing(t *testing.T) {
	tpl := loadOps(t).doc
	num := func(n *yaml.Node, what string) int {
		t.Helper()
		v, err := strconv.Atoi(scalar(n))
		if err != nil {
			t.Fatalf("%s: %q is not a number", what, scalar(n))
		}
		return v
	}
	fn := get(tpl, "Resources", "PushFunction", "Properties")
	timeoutNode := get(fn, "Timeout")
	if timeoutNode == nil {
		timeoutNode = get(tpl, "Globals", "Function", "Timeout")
	}
	timeout := num(timeoutNode, "PushFunction Timeout")
	queue := get(tpl, "Resources", "PushQueue", "Properties")
	if v := num(get(queue, "VisibilityTimeout"), "PushQueue VisibilityTimeout"); v < 6*timeout {
		t.Errorf("PushQueue VisibilityTimeout %d s < 6 x the push function's timeout (%d s)", v, timeout)
	}

	// The event source caps concurrency; reserved concurrency is opt-in.
	var sqsEvents int
	ev := get(fn, "Events")
	for i := 1; ev != nil && i < len(ev.Content); i += 2 {
		if scalar(get(ev.Content[i], "Type")) != "SQS" {
			continue
		}
		sqsEvents++
		if c := get(ev.Content[i], "Properties", "ScalingConfig", "MaximumConcurrency"); c == nil {
			t.Errorf("PushFunction's SQS event %s has no ScalingConfig.MaximumConcurrency", ev.Content[i-1].Value)
		} else if n := num(c, "MaximumConcurrency"); n < 2 || n > 10 {
			t.Errorf("MaximumConcurrency %d: SQS allows 2..1000, the SFAs a few at a time", n)
		}
	}
	if sqsEvents != 1 {
		t.Errorf("PushFunction has %d SQS events, want 1", sqsEvents)
	}
	if rc := get(fn, "ReservedConcurrentExecutions"); rc != nil && (rc.Tag != "!If" || len(rc.Content) != 3 || rc.Content[0].Value != "HasReservedConcurrency") {
		t.Errorf("PushFunction reserves concurrency unconditionally; only the ReservedConcurrency parameter may")
	}
	if d := scalar(get(tpl, "Parameters", "ReservedConcurrency", "Default")); d != "0" {
		t.Errorf("ReservedConcurrency defaults to %q, want 0 (none)", d)
	}

	// Redrive and retention against the backoff schedule.
	maxReceives := num(get(queue, "RedrivePolicy", "maxReceiveCount"), "maxReceiveCount")
	retention := time.Duration(num(get(queue, "MessageRetentionPeriod"), "PushQueue MessageRetentionPeriod")) * time.Second
	dlqRetention := time.Duration(num(get(tpl, "Resources", "PushDeadLetterQueue", "Properties", "MessageRetentionPeriod"), "DLQ MessageRetentionPeriod")) * time.Second
	var w push.Worker // the defaults the deployed push function runs with
	var shortest, longest time.Duration
	for a := 0; a < maxReceives; a++ {
		lo, hi := w.BackoffBounds(a)
		shortest += lo
		longest += hi + time.Duration(timeout)*time.Second
	}
	if shortest < 48*time.Hour {
		t.Errorf("maxReceiveCount %d dead-letters after %v of failures at the shortest backoff; want 48 h (a daily limit, a long outage)", maxReceives, shortest)
	}
	if retention < 14*24*time.Hour || dlqRetention < retention {
		t.Errorf("retention: push queue %v, DLQ %v; want 14 days on both (expiry counts from the first enqueue)", retention, dlqRetention)
	}
	// The local stack's dead letters expire as the DLQ's messages do.
	if dlqRetention != localqueue.DeadRetention {
		t.Errorf("the push DLQ keeps messages %v, the local stack's dead letters %v (localqueue.DeadRetention): want the same", dlqRetention, localqueue.DeadRetention)
	}
	if left := dlqRetention - longest; left < 7*24*time.Hour {
		t.Errorf("a message reaches the DLQ after up to %v, leaving %v to replay it; want a week", longest, left)
	}
}

// TestScoreFailuresReplayable: the score function's event source mapping
// gives up on a batch while the stream still holds it, so that the
// failure's replay (/admin/deadletters) can read its records: DynamoDB
// Streams keeps records 24 hours, and at MaximumRecordAgeInSeconds 86400 a
// batch failed for its age was already gone.
func TestScoreFailuresReplayable(t *testing.T) {
	tpl := loadOps(t).doc
	stream := get(tpl, "Resources", "ScoreFunction", "Properties", "Events", "Stream", "Properties")
	if stream == nil {
		t.Fatal("ScoreFunction has no Stream event")
	}
	age, err := strconv.Atoi(scalar(get(stream, "MaximumRecordAgeInSeconds")))
	if err != nil || age < 60 {
		t.Fatalf("MaximumRecordAgeInSeconds %q: want a number of seconds (60 or more); -1 (forever) would never send a failure", scalar(get(stream, "MaximumRecordAgeInSeconds")))
	}
	if left := 24*time.Hour - time.Duration(age)*time.Second; left < 12*time.Hour {
		t.Errorf("a batch given up for its age has %v left to replay; want 12 h or more", left)
	}
	if d := scalar(get(stream, "DestinationConfig", "OnFailure", "Destination")); !strings.Contains(d, "ScoreFailureQueue") {
		t.Errorf("failures go to %q, want ScoreFailureQueue", d)
	}
}
