package deploy

import (
	"cmp"
	"fmt"
	"maps"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/config"
)

// TestFunctionsShareConfig: every function of the transformed template
// derives the same configuration from its environment, for each set of
// parameters. The functions share one table and act on the same leads: a
// setting one function lacks makes it judge them otherwise (the company's
// other site a referral to score, its pages "外部サイト・未確認" in what
// push, admin and sweep write; sweep, without the MQL webhook, announcing
// SLA breaches for MQLs never handed over). Comparing the whole derived
// config covers any variable the template sets for some functions only.
func TestFunctionsShareConfig(t *testing.T) {
	tpl := transformed(t)
	res := resources(t, tpl)
	params := mapOf(tpl["Parameters"])

	// The task root make build lays out, the same files for every function.
	task := t.TempDir()
	if err := os.WriteFile(filepath.Join(task, "baton.yaml"), []byte("attribution:\n  unwanted_referrals: [login.idp.example]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	refs := map[string]string{
		"AWS::Region": "ap-northeast-1", "AWS::AccountId": "123456789012", "AWS::Partition": "aws", "AWS::StackName": "baton",
		"Table": "baton-table", "PushQueue": "https://sqs/push", "PushDeadLetterQueue": "https://sqs/push-dlq",
		"ScoreFailureQueue": "https://sqs/score-failures",
	}
	sets := []struct {
		name   string
		values map[string]string
	}{
		{"Defaults", nil},
		{"Custom", map[string]string{
			"SiteOrigins": "https://www.example.co.jp, https://shop.example.co.jp", "CookieDomain": "example.co.jp",
			"PublicURL": "https://track.example.co.jp", "EventRetentionDays": "90", "MQLWebhookURL": "https://hook.example.co.jp/mql",
			"DomainName": "track.example.co.jp", "CertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/1234abcd-12ab-34cd-56ef-1234567890ab",
			"SecretsName": "baton/prod", "SecretsRevision": "2", "EnableWaf": "true",
			"SecretKmsKeyArn": "arn:aws:kms:ap-northeast-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
		}},
		{"SiteDistribution", map[string]string{
			"SiteOrigins": "https://www.example.co.jp", "PublicURL": "https://www.example.co.jp", "BasePath": "/_bt",
			"RefuseDirectCalls": "true", // the site's own WAF in front of its distribution
		}},
		// The public URL written as where Baton is (with its path): config
		// refuses a path beside BATON_BASE_PATH, and every function stopped
		// at start-up; the template passes the origin.
		{"SiteDistributionURLWithPath", map[string]string{
			"SiteOrigins": "https://www.example.co.jp", "PublicURL": "https://www.example.co.jp:8443/_bt/", "BasePath": "/_bt",
		}},
		{"Longest", map[string]string{"EventRetentionDays": "36500", "ReservedConcurrency": "5"}}, // the most the template takes
		{"WafDirectCallsServed", map[string]string{
			"DomainName": "track.example.co.jp", "CertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/1234abcd-12ab-34cd-56ef-1234567890ab",
			"EnableWaf": "true", "RefuseDirectCalls": "false",
		}},
	}

	// Every parameter a function's environment reads takes a value of its
	// own in some set, so a parameter added for one function only is
	// compared too.
	var fns []string
	for _, id := range slices.Sorted(maps.Keys(res)) {
		if res[id]["Type"] == "AWS::Lambda::Function" {
			fns = append(fns, id)
		}
	}
	if len(fns) < 2 {
		t.Fatalf("functions %v", fns)
	}
	for _, id := range fns {
		for _, p := range paramRefs(functionEnv(res[id]), params) {
			varied := false
			for _, s := range sets {
				if v, ok := s.values[p]; ok && v != fmt.Sprint(mapOf(params[p])["Default"]) {
					varied = true
				}
			}
			if !varied {
				t.Errorf("%s's environment reads the parameter %s, which no set here gives a value other than its default: add one", id, p)
			}
		}
	}

	for _, set := range sets {
		t.Run(set.name, func(t *testing.T) {
			for name, v := range set.values { // values a deploy takes
				if pat, _ := mapOf(params[name])["AllowedPattern"].(string); pat != "" && !regexp.MustCompile("^(?:"+pat+")$").MatchString(v) {
					t.Errorf("%s %q does not pass its AllowedPattern", name, v)
				}
				if max, ok := mapOf(params[name])["MaxValue"]; ok && v != fmt.Sprint(max) && set.name == "Longest" {
					t.Errorf("%s: the Longest set gives %s, its MaxValue is %v", name, v, max)
				}
			}
			ev := &cfnEval{t: t, refs: maps.Clone(refs), conds: mapOf(tpl["Conditions"])}
			for name, p := range params {
				if v, ok := set.values[name]; ok {
					ev.refs[name] = v
				} else {
					ev.refs[name] = fmt.Sprint(mapOf(p)["Default"])
				}
			}
			var first *config.Config
			for _, id := range fns {
				// What Lambda adds, and the secret's values (the same secret for all).
				env := maps.Clone(testSecretValue)
				env["LAMBDA_TASK_ROOT"] = task
				for k, v := range functionEnv(res[id]) {
					if s, ok := ev.value(v); ok {
						env[k] = s
					}
				}
				c, err := config.FromEnv(func(k string) string { return env[k] }, config.Deployed)
				if err != nil {
					t.Errorf("%s: %v", id, err)
					continue
				}
				if first == nil {
					first = c
					// The parameters reached the config (not merely equal, all empty).
					if o := set.values["SiteOrigins"]; o != "" && !slices.Contains(c.SiteHosts(), "www.example.co.jp") {
						t.Errorf("%s: SiteHosts %v, SiteOrigins %q", id, c.SiteHosts(), o)
					}
					if u, _ := url.Parse(set.values["PublicURL"]); u.Host != "" && set.values["BasePath"] != "" && c.PublicURL != u.Scheme+"://"+u.Host {
						t.Errorf("%s: public URL %q from PublicURL %q and BasePath %s, want its origin", id, c.PublicURL, u, set.values["BasePath"])
					}
					if c.HandsOff() != (set.values["MQLWebhookURL"] != "") {
						t.Errorf("%s: HandsOff %v with MQLWebhookURL %q", id, c.HandsOff(), set.values["MQLWebhookURL"])
					}
					refuse := cmp.Or(set.values["RefuseDirectCalls"], "auto")
					if want := refuse == "true" || refuse == "auto" && set.values["EnableWaf"] == "true"; c.RequireOrigin.IsSet() != want {
						t.Errorf("%s: the origin secret required %v with EnableWaf %q, RefuseDirectCalls %s", id, c.RequireOrigin.IsSet(), set.values["EnableWaf"], refuse)
					}
					continue
				}
				if reflect.DeepEqual(c, first) {
					continue
				}
				t.Errorf("%s derives another config than %s: %s differ; SiteHosts %v, Referrals %v, HandsOff %v; %s's %v, %v, %v",
					id, fns[0], strings.Join(configDiff(c, first), ", "), c.SiteHosts(), c.Referrals(), c.HandsOff(),
					fns[0], first.SiteHosts(), first.Referrals(), first.HandsOff())
			}
		})
	}
}

// paramRefs lists the template parameters a value refers to (Ref, Fn::Sub).
func paramRefs(v any, params map[string]any) []string {
	var out []string
	add := func(n string) {
		if _, ok := params[n]; ok && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				switch s, _ := x.(string); {
				case k == "Ref":
					add(s)
				case k == "Fn::Sub" && s != "":
					for _, m := range subVar.FindAllStringSubmatch(s, -1) {
						add(m[1])
					}
				}
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(v)
	slices.Sort(out)
	return out
}

// configDiff names the fields of two configs that differ.
func configDiff(a, b *config.Config) []string {
	va, vb := reflect.ValueOf(*a), reflect.ValueOf(*b)
	var out []string
	for i := range va.NumField() {
		if !reflect.DeepEqual(va.Field(i).Interface(), vb.Field(i).Interface()) {
			out = append(out, fmt.Sprintf("%s (%v, %v)", va.Type().Field(i).Name, va.Field(i).Interface(), vb.Field(i).Interface()))
		}
	}
	return out
}

// TestNoFixedPhysicalNames: no resource of the transformed template is
// given a fixed name of its own. Such a name is the account's and region's
// (SAM names a ScheduleV2 schedule after its event unless OmitName): a
// second stack, a staging one beside production, fails creating it.
func TestNoFixedPhysicalNames(t *testing.T) {
	res := resources(t, transformed(t))
	// Whether a name differs from stack to stack: it names the stack or one
	// of its resources (whose names CloudFormation generates).
	ofStack := func(n string) bool { _, ok := res[n]; return ok || n == "AWS::StackName" }
	var perStack func(v any) bool
	perStack = func(v any) bool {
		switch v := v.(type) {
		case string:
			return false
		case map[string]any:
			if r, ok := v["Ref"].(string); ok {
				return ofStack(r)
			}
			if s, ok := v["Fn::Sub"].(string); ok {
				for _, m := range subVar.FindAllStringSubmatch(s, -1) {
					if ofStack(m[1]) {
						return true
					}
				}
				return false
			}
			if a, ok := v["Fn::Select"].([]any); ok && len(a) == 2 {
				return perStack(a[1])
			}
			if a, ok := v["Fn::Split"].([]any); ok && len(a) == 2 {
				return perStack(a[1])
			}
		}
		return true // Fn::GetAtt and the like: a resource's
	}
	schedules := 0
	for _, id := range slices.Sorted(maps.Keys(res)) {
		typ, _ := res[id]["Type"].(string)
		if typ == "AWS::Scheduler::Schedule" {
			schedules++
		}
		// A stage's name is one within its API, which is the stack's.
		if typ == "AWS::ApiGatewayV2::Stage" {
			continue
		}
		own := typ[strings.LastIndex(typ, ":")+1:] + "Name" // QueueName, LogGroupName, ...
		for k, v := range mapOf(res[id]["Properties"]) {
			if (k == "Name" || k == own) && !perStack(v) {
				t.Errorf("%s (%s): %s is %v, the same for every stack", id, typ, k, v)
			}
		}
	}
	if schedules == 0 {
		t.Error("no AWS::Scheduler::Schedule: the sweep function's schedule is gone")
	}
}

// TestStatefulResourcesRetained: what holds leads outlives the stack and a
// replacement: the table, the queues (MQLs waiting or dead-lettered), the
// log groups; cfn-lint's I3011 finds no stateful resource left to the
// default (deleted).
func TestStatefulResourcesRetained(t *testing.T) {
	res := resources(t, transformed(t))
	n := 0
	for _, id := range slices.Sorted(maps.Keys(res)) {
		switch res[id]["Type"] {
		case "AWS::DynamoDB::Table", "AWS::SQS::Queue", "AWS::Logs::LogGroup":
			n++
			// Retained, but not when the stack's first create rolls back:
			// Retain left a failed first deploy's table, queues and log
			// groups behind (empty), and the next deploy's beside them.
			if res[id]["DeletionPolicy"] != "RetainExceptOnCreate" || res[id]["UpdateReplacePolicy"] != "Retain" {
				t.Errorf("%s: DeletionPolicy %v, UpdateReplacePolicy %v; want RetainExceptOnCreate, Retain", id, res[id]["DeletionPolicy"], res[id]["UpdateReplacePolicy"])
			}
		}
	}
	if n < 5 {
		t.Errorf("%d tables, queues and log groups", n)
	}
	cmd := exec.Command(tool(t, "cfn-lint", "pip install cfn-lint"), "template.yaml", "--include-checks", "I")
	cmd.Dir = root
	out, _ := cmd.CombinedOutput() // informational findings exit non-zero
	if strings.Contains(string(out), "I3011") {
		t.Errorf("cfn-lint --include-checks I:\n%s", out)
	}
}

// TestParameterPatterns: the parameters internal/config checks are checked
// at deploy time by their AllowedPattern (a value config refuses would pass
// CloudFormation, then stop the functions at start-up: every tag request a
// 500). Each example goes through both: the pattern accepts nothing config
// refuses, and refuses what config accepts only where listed as stricter.
func TestParameterPatterns(t *testing.T) {
	tpl := transformed(t)
	params := mapOf(tpl["Parameters"])
	res := resources(t, tpl)
	// The variable each parameter sets (BATON_PUBLIC_URL: PublicURL, else
	// one made of DomainName).
	vars := map[string]string{}
	for _, r := range res {
		for k, v := range functionEnv(r) {
			for _, p := range paramRefs(v, params) {
				vars[p] = k
			}
		}
	}
	type example struct {
		value    string
		config   bool   // internal/config accepts it
		stricter string // why the pattern refuses it all the same
	}
	for _, c := range []struct {
		param    string
		examples []example
	}{
		{"SiteOrigins", []example{
			{"", true, ""},
			{"https://www.example.co.jp", true, ""},
			{"https://www.example.co.jp/", true, ""},
			{"https://www.example.co.jp,https://shop.example.co.jp", true, ""},
			{" https://www.example.co.jp , http://localhost:8080 ", true, ""},
			{"https://www.example.co.jp,", true, ""},
			{"HTTPS://WWW.Example.co.jp", true, ""},
			{"http://[::1]:8080", true, ""},
			{"https://my_site.example.jp:", true, ""},
			{"www.example.co.jp", false, ""},
			{"https://www.example.co.jp,www.example.co.jp", false, ""},
			{"https://www.example.co.jp/ja/", false, ""},
			{"https://www.example.co.jp/index.html", false, ""},
			{"https://www.example.co.jp?a=1", false, ""},
			{"ftp://www.example.co.jp", false, ""},
			{"https://", false, ""},
			{"https:www.example.co.jp", false, ""},
			{"//www.example.co.jp", false, ""},
			{"https://www.example.co.jp:80a", false, ""},
			{"https://www example.co.jp", false, ""},
			{"https://www.example.co.jp;https://shop.example.co.jp", false, ""},
			{"https://user@www.example.co.jp", true, "user info: no Origin a browser sends"},
			{"https://www.example.co.jp#top", true, "a fragment: no Origin a browser sends"},
			{"https://例え.jp", true, "a browser's Origin is in punycode (https://xn--r8jz45g.jp)"},
		}},
		{"CookieDomain", []example{
			{"", true, ""},
			{"example.co.jp", true, ""},
			{".example.co.jp", true, ""},
			{" example.com ", true, ""},
			{"localhost", true, ""},
			{"Example.COM", true, ""},
			{"https://example.co.jp", false, ""},
			{"example.co.jp/", false, ""},
			{"example.co.jp:443", false, ""},
			{"example", false, ""},
			{"example.co.jp,example.com", false, ""},
			{"example co.jp", false, ""},
			{"*.example.co.jp", true, "no cookie Domain a browser takes"},
			{"example.co.jp.", true, "a trailing dot: no cookie Domain a browser matches"},
			{"例え.jp", true, "write it in punycode (xn--r8jz45g.jp)"},
		}},
		{"PublicURL", []example{
			{"", true, ""},
			{"https://track.example.co.jp", true, ""},
			{"https://track.example.co.jp/", true, ""},
			{"http://localhost:8080", true, ""},
			{"https://www.example.co.jp/_bt", true, ""},
			{"https://www.example.co.jp/a%20b/", true, ""},
			{"HTTPS://track.example.com", true, ""},
			{"https://例え.jp", true, ""},
			{"https://トラッキング.例え.jp/baton", true, ""},
			{"https://例　え.jp", false, ""},
			{"https://例\u00a0え.jp", false, ""},
			{"track.example.co.jp", false, ""},
			{"https://track.example.co.jp?a=1", false, ""},
			{"https:///baton", false, ""},
			{"https://a^b.example.co.jp", false, ""},
			{"https://track.example.co.jp:x", false, ""},
			{"https://track.example.co.jp/%zz", false, ""},
			{"ftp://track.example.co.jp", false, ""},
			{" https://track.example.co.jp ", true, "spaces around it"},
			{"https://track.example.co.jp/#top", true, "a fragment in a base URL"},
			{"https://user@track.example.co.jp", true, "user info in tracked links"},
		}},
		{"MQLWebhookURL", []example{
			{"", true, ""},
			{"https://hooks.example.co.jp/baton", true, ""},
			{"https://hooks.example.co.jp:8443/baton?key=a%zz#x", true, ""},
			{"https://[2001:db8::1]/mql", true, ""},
			{"HTTPS://hooks.example.com/mql", true, ""},
			{"https://例え.jp/hook", true, ""},
			{"https://例　え.jp/hook", false, ""},
			{"hooks.example.co.jp/baton", false, ""},
			{"https:///baton", false, ""},
			{"https://?a", false, ""},
			{"https://a^b.example.co.jp/", false, ""},
			{"https://hooks.example.co.jp:x/", false, ""},
			{"https://hooks.example.co.jp/%zz", false, ""},
			{"https://hooks.example.co.jp/#%zz", false, ""},
			{"http://hooks.example.co.jp/baton", true, "https only: the MQL is personal data"},
			{"https://user:pass@hooks.example.co.jp/", true, "credentials in a parameter, shown in the console"},
		}},
	} {
		p := mapOf(params[c.param])
		pattern, _ := p["AllowedPattern"].(string)
		v := vars[c.param]
		if pattern == "" || v == "" {
			t.Errorf("%s: AllowedPattern %q, variable %q", c.param, pattern, v)
			continue
		}
		// CloudFormation matches the whole value.
		re, err := regexp.Compile("^(?:" + pattern + ")$")
		if err != nil {
			t.Errorf("%s: %v", c.param, err)
			continue
		}
		desc, _ := p["ConstraintDescription"].(string)
		if !regexp.MustCompile(`\p{Han}|\p{Hiragana}|\p{Katakana}`).MatchString(desc) || !regexp.MustCompile(`[A-Za-z]+ [A-Za-z]+ [A-Za-z]+`).MatchString(desc) {
			t.Errorf("%s: ConstraintDescription %q, want it in Japanese and English", c.param, desc)
		}
		for _, e := range c.examples {
			_, err := config.FromEnv(func(k string) string { return map[string]string{v: e.value}[k] }, config.Local)
			if (err == nil) != e.config {
				t.Errorf("%s=%q: config says %v; the table says accepted %v", v, e.value, err, e.config)
			}
			switch ok := re.MatchString(e.value); {
			case ok && err != nil:
				t.Errorf("%s %q passes AllowedPattern, and config refuses it: %v", c.param, e.value, err)
			case !ok && err == nil && e.stricter == "":
				t.Errorf("%s %q: config accepts it, AllowedPattern refuses it", c.param, e.value)
			case ok && e.stricter != "":
				t.Errorf("%s %q passes AllowedPattern; the table says it refuses it (%s)", c.param, e.value, e.stricter)
			}
		}
	}
}

// TestReservedConcurrencyCoversTheEventSource: the push function's SQS
// event source runs up to its MaximumConcurrency at once, and a reserve
// below that throttles its batches, which use up receives until they are
// dead-lettered: the parameter takes 0 (none) or that many and more, and
// the retention the most that functions still start with (config refuses
// a duration past about 292 years: every function failed to start).
func TestReservedConcurrencyCoversTheEventSource(t *testing.T) {
	tpl := transformed(t)
	params := mapOf(tpl["Parameters"])
	pat := regexp.MustCompile("^(?:" + fmt.Sprint(mapOf(params["ReservedConcurrency"])["AllowedPattern"]) + ")$")
	most := 0
	for _, r := range resources(t, tpl) {
		if r["Type"] == "AWS::Lambda::EventSourceMapping" {
			if sc := mapOf(mapOf(r["Properties"])["ScalingConfig"]); sc != nil {
				most = max(most, int(sc["MaximumConcurrency"].(float64)))
			}
		}
	}
	if most == 0 {
		t.Fatal("no event source with a MaximumConcurrency")
	}
	for n := range 200 {
		if ok := pat.MatchString(strconv.Itoa(n)); ok != (n == 0 || n >= most) {
			t.Errorf("ReservedConcurrency %d taken: %v (the event source runs %d at once)", n, ok, most)
		}
	}
	if pat.MatchString("05") || pat.MatchString("") {
		t.Error("ReservedConcurrency takes 05 or nothing")
	}
	maxDays := fmt.Sprint(mapOf(params["EventRetentionDays"])["MaxValue"])
	if _, err := config.FromEnv(func(k string) string {
		return map[string]string{"BATON_EVENT_RETENTION": maxDays + "d"}[k]
	}, config.Local); err != nil {
		t.Errorf("EventRetentionDays' MaxValue %s: %v", maxDays, err)
	}
}

// TestAWSParameterPatterns: DomainName, CertificateArn and AlarmTopicArn
// go to CloudFront and CloudWatch, which refused a bad value only when
// they came to create the distribution or an alarm: the deploy failed
// halfway and rolled everything back. Their AllowedPattern refuses such a
// value before anything is created (empty stays allowed: each is
// optional), and a DomainName it takes makes a BATON_PUBLIC_URL
// (https://<DomainName>) the functions accept.
func TestAWSParameterPatterns(t *testing.T) {
	params := mapOf(transformed(t)["Parameters"])
	for _, c := range []struct {
		param  string
		accept []string
		refuse []string
	}{
		{"DomainName",
			[]string{"", "track.example.co.jp", "t.example.com", "Track.Example.COM", "xn--r8jz45g.jp", "a-b.c1.example.jp"},
			[]string{"https://track.example.co.jp", "track.example.co.jp/", "track.example.co.jp:443", "track", "track.example.co.jp.", ".example.co.jp", "*.example.co.jp", "track..example.co.jp", "-track.example.co.jp", "track-.example.co.jp", "トラッキング.例え.jp", " track.example.co.jp", "track.example.co.jp,www.example.co.jp", "track_1.example.co.jp"}},
		{"CertificateArn",
			[]string{"", "arn:aws:acm:us-east-1:123456789012:certificate/1234abcd-12ab-34cd-56ef-1234567890ab"},
			[]string{"arn:aws:acm:ap-northeast-1:123456789012:certificate/1234abcd-12ab-34cd-56ef-1234567890ab", "1234abcd-12ab-34cd-56ef-1234567890ab", "arn:aws:acm:us-east-1:123456789012:certificate/", "arn:aws:acm:us-east-1:12345678901:certificate/1234abcd-12ab-34cd-56ef-1234567890ab", "arn:aws:iam::123456789012:server-certificate/baton", "arn:aws:acm:us-east-1:123456789012:certificate/1234abcd-12ab-34cd-56ef-1234567890ab "}},
		{"AlarmTopicArn",
			[]string{"", "arn:aws:sns:ap-northeast-1:123456789012:baton-alarms", "arn:aws:sns:us-east-1:123456789012:Ops_Pager", "arn:aws-us-gov:sns:us-gov-west-1:123456789012:alarms"},
			[]string{"baton-alarms", "arn:aws:sns:ap-northeast-1:123456789012:", "arn:aws:sns:ap-northeast-1:123456789012:baton-alarms.fifo", "arn:aws:sqs:ap-northeast-1:123456789012:baton-alarms", "arn:aws:sns:ap-northeast-1:baton-alarms", "https://sns.ap-northeast-1.amazonaws.com/123456789012/baton-alarms", "arn:aws:sns:ap-northeast-1:123456789012:baton alarms", "arn:aws:sns:ap-northeast-1:123456789012:baton-alarms:0b1c2d3e-subscription"}},
	} {
		p := mapOf(params[c.param])
		pattern, _ := p["AllowedPattern"].(string)
		if pattern == "" {
			t.Errorf("%s: no AllowedPattern", c.param)
			continue
		}
		re, err := regexp.Compile("^(?:" + pattern + ")$") // CloudFormation matches the whole value
		if err != nil {
			t.Errorf("%s: %v", c.param, err)
			continue
		}
		desc, _ := p["ConstraintDescription"].(string)
		if !regexp.MustCompile(`\p{Han}|\p{Hiragana}|\p{Katakana}`).MatchString(desc) || !regexp.MustCompile(`[A-Za-z]+ [A-Za-z]+ [A-Za-z]+`).MatchString(desc) {
			t.Errorf("%s: ConstraintDescription %q, want it in Japanese and English", c.param, desc)
		}
		for _, v := range c.accept {
			if !re.MatchString(v) {
				t.Errorf("%s %q: refused by AllowedPattern", c.param, v)
			}
			if c.param == "DomainName" && v != "" {
				if _, err := config.FromEnv(func(k string) string {
					return map[string]string{"BATON_PUBLIC_URL": "https://" + v}[k]
				}, config.Local); err != nil {
					t.Errorf("DomainName %q: BATON_PUBLIC_URL https://%s refused: %v", v, v, err)
				}
			}
		}
		for _, v := range c.refuse {
			if re.MatchString(v) {
				t.Errorf("%s %q: passes AllowedPattern", c.param, v)
			}
		}
	}
}
