package deploy

import (
	"encoding/json"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/config"
	"github.com/baton-hq/baton/internal/secrets"
)

// tool returns the path of an external program the test needs, or skips the
// test without it (fails it on CI, where it must be installed).
func tool(t *testing.T, name, hint string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s not on PATH; %s", name, hint)
		}
		t.Skipf("%s not on PATH; %s", name, hint)
	}
	return p
}

// TestCfnLint: cfn-lint finds neither errors nor warnings in template.yaml.
func TestCfnLint(t *testing.T) {
	lint := tool(t, "cfn-lint", "pip install cfn-lint")
	cmd := exec.Command(lint, "template.yaml")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("cfn-lint template.yaml: %v\n%s", err, out)
	}
}

// transformed is template.yaml after the SAM transform (infra/deploy/transform.py).
func transformed(t *testing.T) map[string]any {
	t.Helper()
	py := tool(t, "python3", "install Python 3 and cfn-lint (which brings samtranslator)")
	if out, err := exec.Command(py, "-c", "import cfnlint, samtranslator").CombinedOutput(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("python3 cannot import cfnlint and samtranslator (pip install cfn-lint): %v\n%s", err, out)
		}
		t.Skipf("python3 cannot import cfnlint and samtranslator (pip install cfn-lint): %s", out)
	}
	cmd := exec.Command(py, filepath.Join("infra", "deploy", "transform.py"), "template.yaml")
	cmd.Dir = root
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("SAM transform: %v\n%s", err, stderr.String())
	}
	var tpl map[string]any
	if err := json.Unmarshal(out, &tpl); err != nil {
		t.Fatalf("SAM transform output: %v", err)
	}
	return tpl
}

// resources returns the Resources section of a CloudFormation template.
func resources(t *testing.T, tpl map[string]any) map[string]map[string]any {
	t.Helper()
	rs, ok := tpl["Resources"].(map[string]any)
	if !ok || len(rs) == 0 {
		t.Fatal("transformed template has no Resources")
	}
	out := map[string]map[string]any{}
	for id, r := range rs {
		m, ok := r.(map[string]any)
		if !ok {
			t.Fatalf("resource %s is not an object", id)
		}
		out[id] = m
	}
	return out
}

// subVar matches ${Name} and ${Name.Attr} in Fn::Sub strings (not ${!Literal}).
var subVar = regexp.MustCompile(`\$\{([A-Za-z0-9:]+)(\.[A-Za-z0-9.]+)?\}`)

// dependencies returns, for each resource, the resources it refers to
// (Ref, Fn::GetAtt, Fn::Sub, DependsOn), whatever condition guards them.
func dependencies(res map[string]map[string]any) map[string][]string {
	deps := map[string][]string{}
	for id, r := range res {
		set := map[string]bool{}
		add := func(name string) {
			if _, ok := res[name]; ok {
				set[name] = true
			}
		}
		var walk func(v any, shadow map[string]bool)
		walk = func(v any, shadow map[string]bool) {
			switch v := v.(type) {
			case []any:
				for _, e := range v {
					walk(e, shadow)
				}
			case map[string]any:
				for k, arg := range v {
					switch k {
					case "Ref":
						if s, ok := arg.(string); ok && !shadow[s] {
							add(s)
						}
					case "Fn::GetAtt":
						switch a := arg.(type) {
						case string:
							add(strings.SplitN(a, ".", 2)[0])
						case []any:
							if len(a) > 0 {
								if s, ok := a[0].(string); ok {
									add(s)
								}
							}
						}
					case "Fn::Sub":
						str, vars := arg, map[string]any(nil)
						if a, ok := arg.([]any); ok && len(a) > 0 {
							str = a[0]
							if len(a) > 1 {
								vars, _ = a[1].(map[string]any)
							}
						}
						if s, ok := str.(string); ok {
							for _, m := range subVar.FindAllStringSubmatch(s, -1) {
								if _, local := vars[m[1]]; !local {
									add(m[1])
								}
							}
						}
						walk(vars, shadow)
						continue
					}
					walk(arg, shadow)
				}
			}
		}
		walk(r["Properties"], nil)
		walk(r["Metadata"], nil)
		switch d := r["DependsOn"].(type) {
		case string:
			add(d)
		case []any:
			for _, e := range d {
				if s, ok := e.(string); ok {
					add(s)
				}
			}
		}
		for name := range set {
			deps[id] = append(deps[id], name)
		}
		sort.Strings(deps[id])
	}
	return deps
}

// findCycle returns one dependency cycle (first resource repeated at the
// end), or nil.
func findCycle(deps map[string][]string) []string {
	const (
		unseen = iota
		onPath
		done
	)
	state := map[string]int{}
	var path []string
	var visit func(n string) []string
	visit = func(n string) []string {
		state[n] = onPath
		path = append(path, n)
		for _, d := range deps[n] {
			switch state[d] {
			case onPath:
				for i, p := range path {
					if p == d {
						return append(append([]string{}, path[i:]...), d)
					}
				}
			case unseen:
				if c := visit(d); c != nil {
					return c
				}
			}
		}
		path = path[:len(path)-1]
		state[n] = done
		return nil
	}
	ids := make([]string, 0, len(deps))
	for id := range deps {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		if state[id] == unseen {
			if c := visit(id); c != nil {
				return c
			}
		}
	}
	return nil
}

// TestFindCycle: the cycle finder sees a cycle through Sub, GetAtt and Ref
// (the shape of a function whose environment names its own HTTP API), and
// none where a Sub variable is local or a reference is to a parameter.
func TestFindCycle(t *testing.T) {
	var cyclic map[string]map[string]any
	json.Unmarshal([]byte(`{
		"Api": {"Properties": {"Body": {"uri": {"Fn::Sub": "arn:${AWS::Partition}:lambda:${Fn.Arn}/invocations"}}}},
		"Fn": {"Properties": {"Role": {"Fn::GetAtt": ["Role", "Arn"]}, "Env": {"URL": {"Fn::Sub": "https://${Api}.execute-api"}}}},
		"Role": {"Properties": {}},
		"Stage": {"Properties": {"ApiId": {"Ref": "Api"}}, "DependsOn": "Fn"}
	}`), &cyclic)
	if c := findCycle(dependencies(cyclic)); strings.Join(c, " -> ") != "Api -> Fn -> Api" {
		t.Errorf("cycle %v, want Api -> Fn -> Api", c)
	}
	var acyclic map[string]map[string]any
	json.Unmarshal([]byte(`{
		"Api": {"Properties": {"Body": {"uri": {"Fn::Sub": "${Fn.Arn}"}}}},
		"Fn": {"Properties": {"Env": {"URL": {"Fn::Sub": ["https://${Api}/${Table}", {"Api": {"Ref": "PublicURL"}, "Table": "t"}]}}}}
	}`), &acyclic)
	if c := findCycle(dependencies(acyclic)); c != nil {
		t.Errorf("cycle %v in an acyclic template", c)
	}
}

// onAWS sorts every variable internal/config reads: required says why each
// function needs it in its environment on AWS (config.Deployed has no usable
// default), optional why unset is fine there, secret why it is a key of the
// Secrets Manager secret (BATON_SECRETS_ARN) and never in the environment.
var onAWS = struct{ required, optional, secret map[string]string }{
	required: map[string]string{
		"BATON_STORE":          "the default, bolt, is a local file: on Lambda it must be dynamodb",
		"BATON_TABLE":          "required when BATON_STORE=dynamodb",
		"BATON_RULES":          "no default when deployed; without it nothing scores and /feedback is off",
		"BATON_CONFIG":         "make build packages baton.yaml: without it the file's settings (sfa, feedback, sla, ...) would be ignored on AWS",
		"BATON_REQUIRE_ORIGIN": "true with EnableWaf (HasWaf): a request past CloudFront, at API Gateway's own address, would bypass the WAF's rate rule (TestOriginRequiredAsDeployed)",
		"BATON_BASE_PATH":      "the BasePath parameter (empty: the root): behind a site's CloudFront distribution the API's stage of that name keeps the prefix in every function's path, and every function must strip it",
	},
	optional: map[string]string{
		"BATON_ADDR":              "local stack's listen address",
		"BATON_DATA":              "bolt's directory, unused with dynamodb",
		"BATON_DYNAMODB_ENDPOINT": "local testing only",
		"BATON_PUBLIC_URL":        "deployed and unset: each request's own address (httpx.BaseURL)",
		"BATON_SITE_ORIGINS":      "unset: no browser origin may send events",
		"BATON_COOKIE_DOMAIN":     "unset: host-only visitor cookie",
		"BATON_TRUST_PROXY":       "default false",
		"BATON_EVENT_RETENTION":   "default 400d",
		"BATON_WEBHOOK_URL":       "unset: no MQL webhook",
		"BATON_GEOIP_CITY_DB":     "unset: no GeoIP enrichment",
		"BATON_GEOIP_ASN_DB":      "unset: no GeoIP enrichment",
	},
	secret: map[string]string{
		"BATON_ADMIN_TOKEN":               "config.Deployed refuses to start without it: the secret must hold it",
		"BATON_WRITE_KEY":                 "absent: the Segment-compatible API is off",
		"BATON_LINK_KEYS":                 "absent: recipient tokens off",
		"BATON_WEBHOOK_SECRET":            "absent: no signed webhooks",
		"BATON_SALESFORCE_CLIENT_SECRET":  "absent: that connector off",
		"BATON_SALESFORCE_PRIVATE_KEY":    "absent: that connector off",
		"BATON_HUBSPOT_TOKEN":             "absent: that connector off",
		"BATON_KINTONE_API_TOKEN":         "absent: that connector off",
		"BATON_FEEDBACK_SECRET":           "absent: that feedback source off",
		"BATON_HUBSPOT_CLIENT_SECRET":     "absent: that feedback source off",
		"BATON_KINTONE_WEBHOOK_TOKEN":     "absent: that feedback source off",
		"BATON_SALESFORCE_OUTBOUND_TOKEN": "absent: that feedback source off",
		"BATON_ORIGIN_SECRET":             "config.Deployed refuses to start without it behind CloudFront (BATON_TRUST_PROXY=2); the template's distribution sends it (TestClientIPAsDeployed)",
		"BATON_ORIGIN_SECRET_PREVIOUS":    "the value being replaced while BATON_ORIGIN_SECRET changes (README, \"Changing BATON_ORIGIN_SECRET\")",
	},
}

// secretARN is the one secret the functions may read: the SecretsName
// parameter's secret (Secrets Manager appends six random characters).
const secretARN = "arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:${SecretsName}-??????"

// TestTransformedTemplate checks the CloudFormation SAM generates from
// template.yaml: no dependency cycle among its resources, and every Lambda
// function has the environment the code needs on AWS.
func TestTransformedTemplate(t *testing.T) {
	tpl := transformed(t)
	res := resources(t, tpl)

	t.Run("NoDependencyCycle", func(t *testing.T) {
		if c := findCycle(dependencies(res)); c != nil {
			t.Fatalf("circular dependency: %s", strings.Join(c, " -> "))
		}
	})

	t.Run("FunctionEnvironment", func(t *testing.T) {
		read := configVars(t)
		for _, v := range read {
			if onAWS.required[v] == "" && onAWS.optional[v] == "" && onAWS.secret[v] == "" {
				t.Errorf("internal/config reads %s: add it to onAWS, required (and set it in template.yaml), optional or secret (and to secrets.Names)", v)
			}
		}
		listed := slices.Concat(slices.Sorted(maps.Keys(onAWS.required)), slices.Sorted(maps.Keys(onAWS.optional)), slices.Sorted(maps.Keys(onAWS.secret)))
		for _, v := range listed {
			if !slices.Contains(read, v) {
				t.Errorf("onAWS lists %s, which internal/config no longer reads", v)
			}
		}
		if got, want := slices.Sorted(maps.Keys(onAWS.secret)), slices.Sorted(slices.Values(secrets.Names)); !slices.Equal(got, want) {
			t.Errorf("onAWS.secret lists %v; the secret's keys (secrets.Names) are %v", got, want)
		}
		byCode := map[string]string{} // functions/<name> -> logical id
		for id, r := range res {
			if r["Type"] != "AWS::Lambda::Function" {
				continue
			}
			code, _ := r["Properties"].(map[string]any)["Code"].(map[string]any)
			key, _ := code["S3Key"].(string) // build/<name>.zip, see transform.py
			byCode[strings.TrimSuffix(strings.TrimPrefix(key, "build/"), ".zip")] = id
		}
		if len(byCode) == 0 {
			t.Fatal("no AWS::Lambda::Function in the transformed template")
		}
		for _, name := range slices.Sorted(maps.Keys(byCode)) {
			id := byCode[name]
			env := functionEnv(res[id])
			need := slices.Sorted(maps.Keys(onAWS.required))
			need = append(need, secrets.Variable)
			need = append(need, mainVars(t, name)...)
			for _, v := range need {
				if _, ok := env[v]; !ok {
					t.Errorf("%s (functions/%s): %s not set", id, name, v)
				}
			}
			for _, v := range slices.Sorted(maps.Keys(onAWS.secret)) {
				if _, ok := env[v]; ok {
					t.Errorf("%s: %s is in the environment; it belongs in the secret (%s)", id, v, secrets.Variable)
				}
			}
			if ref, _ := env[secrets.Variable].(map[string]any); ref["Ref"] != "SecretsName" {
				t.Errorf("%s: %s is %v, want a Ref to the SecretsName parameter", id, secrets.Variable, env[secrets.Variable])
			}
			if !readsSecret(res, res[id]) {
				t.Errorf("%s: its role does not allow secretsmanager:GetSecretValue on %s", id, secretARN)
			}
			if env["BATON_STORE"] != "dynamodb" {
				t.Errorf("%s: BATON_STORE is %v, want dynamodb", id, env["BATON_STORE"])
			}
			ref, _ := env["BATON_TABLE"].(map[string]any)
			if name, _ := ref["Ref"].(string); res[name]["Type"] != "AWS::DynamoDB::Table" {
				t.Errorf("%s: BATON_TABLE is %v, want a Ref to the table", id, env["BATON_TABLE"])
			}
		}
	})
}

// readsSecret reports whether a function's role allows GetSecretValue on
// exactly the SecretsName secret (no other resource, no wildcard action).
func readsSecret(res map[string]map[string]any, fn map[string]any) bool {
	props, _ := fn["Properties"].(map[string]any)
	role, _ := props["Role"].(map[string]any)
	att, _ := role["Fn::GetAtt"].([]any)
	if len(att) == 0 {
		return false
	}
	name, _ := att[0].(string)
	rp, _ := res[name]["Properties"].(map[string]any)
	policies, _ := rp["Policies"].([]any)
	found := false
	for _, p := range policies {
		doc, _ := p.(map[string]any)["PolicyDocument"].(map[string]any)
		stmts, _ := doc["Statement"].([]any)
		for _, s := range stmts {
			st, _ := s.(map[string]any)
			acts, _ := st["Action"].([]any)
			for _, a := range acts {
				if a, _ := a.(string); strings.HasPrefix(a, "secretsmanager:") {
					res, _ := st["Resource"].(map[string]any)
					if a != "secretsmanager:GetSecretValue" || res["Fn::Sub"] != secretARN {
						return false
					}
					found = true
				}
			}
		}
	}
	return found
}

// configVars are the variables internal/config reads through getenv.
func configVars(t *testing.T) []string {
	b, err := os.ReadFile(filepath.Join(root, "internal", "config", "config.go"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range regexp.MustCompile(`getenv\("(BATON_[A-Z0-9_]+)"\)`).FindAllStringSubmatch(string(b), -1) {
		if !slices.Contains(out, m[1]) {
			out = append(out, m[1])
		}
	}
	if len(out) == 0 {
		t.Fatal("found no getenv(\"BATON_...\") in internal/config/config.go")
	}
	return out
}

// mainVars are the variables functions/<name>/main.go reads itself (queue
// URLs): without a default, so the function must have them.
func mainVars(t *testing.T, name string) []string {
	b, err := os.ReadFile(filepath.Join(root, "functions", name, "main.go"))
	if err != nil {
		t.Fatalf("functions/%s: %v", name, err)
	}
	var out []string
	for _, m := range regexp.MustCompile(`os\.Getenv\("(BATON_[A-Z0-9_]+)"\)`).FindAllStringSubmatch(string(b), -1) {
		out = append(out, m[1])
	}
	return out
}

func functionEnv(r map[string]any) map[string]any {
	props, _ := r["Properties"].(map[string]any)
	env, _ := props["Environment"].(map[string]any)
	vars, _ := env["Variables"].(map[string]any)
	return vars
}

// TestBasePathStage: with BasePath the HTTP API gets a stage named after it,
// which is how Baton is served under a path of the site's own host behind
// the site's CloudFront distribution: API Gateway routes /_bt/e by the route
// for /e and leaves /_bt in the path each function gets (a named stage stays
// in rawPath), which BATON_BASE_PATH strips. Only with BasePath, on the API,
// deployed automatically, throttled as the $default stage; SAM's invoke
// permissions cover every stage; every value the parameter allows is a base
// path Baton accepts as is; the template's own distribution caches the tag
// under it.
func TestBasePathStage(t *testing.T) {
	tpl := transformed(t)
	res := resources(t, tpl)
	var named []string
	var def map[string]any
	for _, id := range slices.Sorted(maps.Keys(res)) {
		if res[id]["Type"] != "AWS::ApiGatewayV2::Stage" {
			continue
		}
		if p := mapOf(res[id]["Properties"]); p["StageName"] == "$default" {
			def = p
		} else {
			named = append(named, id)
		}
	}
	if len(named) != 1 || def == nil {
		t.Fatalf("stages: $default %v, named %v; want the $default stage and one named after BasePath", def != nil, named)
	}
	st := res[named[0]]
	p := mapOf(st["Properties"])
	name, _ := json.Marshal(p["StageName"])
	api, _ := mapOf(p["ApiId"])["Ref"].(string)
	if st["Condition"] != "HasBasePath" || string(name) != `{"Fn::Select":[1,{"Fn::Split":["/",{"Ref":"BasePath"}]}]}` ||
		res[api]["Type"] != "AWS::ApiGatewayV2::Api" || p["AutoDeploy"] != true {
		t.Errorf("%s: Condition %v, StageName %s, ApiId %v, AutoDeploy %v; want HasBasePath, !Select [1, !Split [/, !Ref BasePath]], the HTTP API, true",
			named[0], st["Condition"], name, p["ApiId"], p["AutoDeploy"])
	}
	if !reflect.DeepEqual(p["DefaultRouteSettings"], def["DefaultRouteSettings"]) {
		t.Errorf("%s is throttled %v, the $default stage %v", named[0], p["DefaultRouteSettings"], def["DefaultRouteSettings"])
	}
	// With BasePath every request comes through this stage: what API
	// Gateway answered itself (a throttle, a timeout's 503) must be in the
	// access log the runbook sends the operator to, as on $default.
	if def["AccessLogSettings"] == nil || !reflect.DeepEqual(p["AccessLogSettings"], def["AccessLogSettings"]) {
		t.Errorf("%s logs access %v, the $default stage %v", named[0], p["AccessLogSettings"], def["AccessLogSettings"])
	}
	perms := 0
	for id, r := range res {
		props := mapOf(r["Properties"])
		if r["Type"] != "AWS::Lambda::Permission" || props["Principal"] != "apigateway.amazonaws.com" {
			continue
		}
		perms++
		arn, _ := mapOf(props["SourceArn"])["Fn::Sub"].([]any)
		if len(arn) != 2 || mapOf(arn[1])["__Stage__"] != "*" {
			t.Errorf("%s: SourceArn %v does not let every stage invoke the function", id, props["SourceArn"])
		}
	}
	if perms == 0 {
		t.Error("no API Gateway invoke permission in the transformed template")
	}

	pattern, _ := mapOf(mapOf(tpl["Parameters"])["BasePath"])["AllowedPattern"].(string)
	re, err := regexp.Compile(pattern)
	if err != nil || !re.MatchString("") || !re.MatchString("/_bt") {
		t.Fatalf("BasePath's AllowedPattern %q (%v) must allow empty and /_bt", pattern, err)
	}
	for _, v := range []string{"", "/_bt", "/baton", "/a-b_C9", "/", "/_bt/", "/a/b", "/a.b", "/a~b", "/a b", "_bt", "/$default"} {
		if !re.MatchString(v) {
			continue
		}
		c, err := config.FromEnv(func(k string) string { return map[string]string{"BATON_BASE_PATH": v}[k] }, config.Local)
		if err != nil || c.BasePath != v {
			t.Errorf("BasePath allows %q, which Baton reads as %v, %v", v, c, err)
		}
	}

	for id, r := range res {
		if r["Type"] != "AWS::CloudFront::Distribution" {
			continue
		}
		for _, b := range mapOf(mapOf(r["Properties"])["DistributionConfig"])["CacheBehaviors"].([]any) {
			if pp := mapOf(b)["PathPattern"]; !reflect.DeepEqual(pp, map[string]any{"Fn::Sub": "${BasePath}/t.js"}) {
				t.Errorf("%s: cache behaviour %v, want the tag's, under BasePath", id, pp)
			}
		}
	}
}
