package deploy

import (
	"fmt"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// testKmsKey is a customer-managed key's ARN, as SecretKmsKeyArn takes it.
const testKmsKey = "arn:aws:kms:ap-northeast-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"

// codePolicy names the inline policy of a function's role (template.yaml)
// holding what the function's code calls; the role's other policies are the
// Lambda service's (event-source, tracing, and the RolePolicy logs).
const codePolicy = "code"

// ownStatements are the statements of a Lambda function's role that its
// code uses (the role's codePolicy), with each Fn::If resolved on ev's
// parameters and an AWS::NoValue left out, as CloudFormation deploys them.
func ownStatements(t *testing.T, ev *cfnEval, res map[string]map[string]any, fn map[string]any) []map[string]any {
	t.Helper()
	att, _ := mapOf(mapOf(fn["Properties"])["Role"])["Fn::GetAtt"].([]any)
	if len(att) != 2 {
		t.Fatalf("role %v", mapOf(fn["Properties"])["Role"])
	}
	role := fmt.Sprint(att[0])
	var out []map[string]any
	found := false
	for _, p := range mapOf(res[role]["Properties"])["Policies"].([]any) {
		pol := mapOf(p)
		if pol["PolicyName"] != codePolicy {
			continue
		}
		found = true
		for _, s := range mapOf(pol["PolicyDocument"])["Statement"].([]any) {
			for {
				a, ok := mapOf(s)["Fn::If"].([]any)
				if !ok {
					break
				}
				if len(a) != 3 {
					t.Fatalf("%s: Fn::If %v", role, a)
				}
				if ev.cond(map[string]any{"Condition": a[0]}) {
					s = a[1]
				} else {
					s = a[2]
				}
			}
			if mapOf(s)["Ref"] == "AWS::NoValue" {
				continue
			}
			out = append(out, mapOf(s))
		}
	}
	if !found {
		t.Fatalf("role %s has no inline policy %q (what its function's code calls)", role, codePolicy)
	}
	return out
}

// resolveAll resolves the Ref, Fn::Sub and Fn::If in v (the values of a
// statement's Resource and Condition) to strings.
func resolveAll(ev *cfnEval, v any) any {
	switch v := v.(type) {
	case []any:
		var out []any
		for _, e := range v {
			out = append(out, resolveAll(ev, e))
		}
		return out
	case map[string]any:
		if len(v) == 1 {
			for k := range v {
				if k == "Ref" || strings.HasPrefix(k, "Fn::") {
					s, _ := ev.value(v)
					return s
				}
			}
		}
		out := map[string]any{}
		for k, e := range v {
			out[k] = resolveAll(ev, e)
		}
		return out
	}
	return v
}

// TestSecretKmsKey: with SecretKmsKeyArn (the secret encrypted with a
// customer-managed KMS key) every function that reads the secret may
// kms:Decrypt with exactly that key, and only through Secrets Manager in
// the stack's region; without it no function has any KMS grant, and the
// rest of each role is the same either way.
func TestSecretKmsKey(t *testing.T) {
	tpl := transformed(t)
	res := resources(t, tpl)
	params := mapOf(tpl["Parameters"])

	p := mapOf(params["SecretKmsKeyArn"])
	if p == nil || p["Default"] != "" {
		t.Fatalf("parameter SecretKmsKeyArn %v, want one defaulting to empty", p)
	}
	hasJapanese := regexp.MustCompile(`\p{Han}|\p{Hiragana}|\p{Katakana}`)
	hasEnglish := regexp.MustCompile(`[A-Za-z]+ [A-Za-z]+ [A-Za-z]+`)
	for _, k := range []string{"Description", "ConstraintDescription"} {
		if d, _ := p[k].(string); !hasJapanese.MatchString(d) || !hasEnglish.MatchString(d) {
			t.Errorf("SecretKmsKeyArn: %s %q, want it in Japanese and English", k, d)
		}
	}
	pattern, _ := p["AllowedPattern"].(string)
	re := regexp.MustCompile("^(?:" + pattern + ")$") // CloudFormation matches the whole value
	for v, want := range map[string]bool{
		"":         true,
		testKmsKey: true,
		"arn:aws:kms:us-east-1:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab":            true, // multi-Region key
		"arn:aws-cn:kms:cn-north-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab":        true,
		"arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab": true,
		"arn:aws:kms:ap-northeast-1:123456789012:alias/baton":                                    false, // IAM matches the key's ARN, not an alias's
		"1234abcd-12ab-34cd-56ef-1234567890ab":                                                   false,
		"alias/baton":                                                                            false,
		"arn:aws:kms:ap-northeast-1:123456789012:key/*":                                          false,
		"arn:aws:kms:*:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab":                    false,
		" " + testKmsKey: false,
		testKmsKey + ",arn:aws:kms:ap-northeast-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ac": false,
		"arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:baton/secrets-AbCdEf":                 false,
	} {
		if re.MatchString(v) != want {
			t.Errorf("SecretKmsKeyArn %q: AllowedPattern matches %v, want %v", v, !want, want)
		}
	}

	refs := map[string]string{
		"AWS::Region": "ap-northeast-1", "AWS::AccountId": "123456789012", "AWS::Partition": "aws", "AWS::StackName": "baton",
	}
	for name, p := range params {
		refs[name] = fmt.Sprint(mapOf(p)["Default"])
	}
	statements := func(t *testing.T, key string) map[string][]map[string]any { // function -> its own statements
		ev := &cfnEval{t: t, refs: maps.Clone(refs), conds: mapOf(tpl["Conditions"])}
		ev.refs["SecretKmsKeyArn"] = key
		out := map[string][]map[string]any{}
		for id, r := range res {
			if r["Type"] == "AWS::Lambda::Function" {
				out[id] = ownStatements(t, ev, res, r)
			}
		}
		return out
	}
	isKMS := func(st map[string]any) bool {
		return slices.ContainsFunc(strs(st["Action"]), func(a string) bool { return strings.HasPrefix(strings.ToLower(a), "kms:") || a == "*" })
	}
	without, with := statements(t, ""), statements(t, testKmsKey)
	readers := 0
	for _, id := range slices.Sorted(maps.Keys(without)) {
		for _, st := range without[id] {
			if isKMS(st) {
				t.Errorf("%s: without SecretKmsKeyArn, a KMS statement %v", id, st)
			}
		}
		var kms, rest []map[string]any
		for _, st := range with[id] {
			if isKMS(st) {
				kms = append(kms, st)
			} else {
				rest = append(rest, st)
			}
		}
		if !reflect.DeepEqual(rest, without[id]) {
			t.Errorf("%s: SecretKmsKeyArn changes its other statements:\n%v\nwithout it:\n%v", id, rest, without[id])
		}
		if !readsSecret(res, res[id]) {
			if len(kms) != 0 {
				t.Errorf("%s never reads the secret, yet may use its key: %v", id, kms)
			}
			continue
		}
		readers++
		if len(kms) != 1 {
			t.Errorf("%s reads the secret; with SecretKmsKeyArn it has %d KMS statements %v, want one", id, len(kms), kms)
			continue
		}
		ev := &cfnEval{t: t, refs: maps.Clone(refs), conds: mapOf(tpl["Conditions"])}
		ev.refs["SecretKmsKeyArn"] = testKmsKey
		got := resolveAll(ev, kms[0])
		want := map[string]any{
			"Effect":    "Allow",
			"Action":    []any{"kms:Decrypt"},
			"Resource":  testKmsKey,
			"Condition": map[string]any{"StringEquals": map[string]any{"kms:ViaService": "secretsmanager.ap-northeast-1.amazonaws.com"}},
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: with SecretKmsKeyArn %s the KMS statement is\n%v\nwant\n%v", id, testKmsKey, got, want)
		}
	}
	if readers == 0 {
		t.Fatal("no function reads the secret")
	}
}
