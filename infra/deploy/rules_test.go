package deploy

import (
	"fmt"
	"maps"
	"slices"
	"testing"
)

// TestTemplateRules evaluates the template's Rules (what CloudFormation
// checks before it creates anything) for parameter sets, each refused by
// exactly the rules named: a rule that stopped refusing what it is for, or
// one refusing a working deployment, fails here rather than at deploy.
func TestTemplateRules(t *testing.T) {
	tpl := transformed(t)
	params := mapOf(tpl["Parameters"])
	rules := mapOf(tpl["Rules"])
	const cert = "arn:aws:acm:us-east-1:123456789012:certificate/1234abcd-12ab-34cd-56ef-1234567890ab"
	for _, c := range []struct {
		name    string
		region  string
		values  map[string]string
		refused []string
	}{
		{"defaults", "ap-northeast-1", nil, nil},
		{"domain", "ap-northeast-1", map[string]string{"DomainName": "t.example.co.jp", "CertificateArn": cert}, nil},
		{"domain without certificate", "ap-northeast-1", map[string]string{"DomainName": "t.example.co.jp"}, []string{"CertificateForDomain"}},
		{"WAF", "us-east-1", map[string]string{"DomainName": "t.example.co.jp", "CertificateArn": cert, "EnableWaf": "true"}, nil},
		{"WAF outside us-east-1", "ap-northeast-1", map[string]string{"DomainName": "t.example.co.jp", "CertificateArn": cert, "EnableWaf": "true"}, []string{"WafInFrontOfCloudFront"}},
		{"WAF without a distribution", "us-east-1", map[string]string{"EnableWaf": "true"}, []string{"WafInFrontOfCloudFront"}},
		{"base path", "ap-northeast-1", map[string]string{"BasePath": "/_bt", "PublicURL": "https://www.example.co.jp"}, nil},
		{"base path without public URL", "ap-northeast-1", map[string]string{"BasePath": "/_bt"}, []string{"PublicURLForBasePath"}},
		{"direct calls refused behind the site's distribution", "ap-northeast-1", map[string]string{"BasePath": "/_bt", "PublicURL": "https://www.example.co.jp", "RefuseDirectCalls": "true"}, nil},
		{"direct calls refused with no CloudFront", "ap-northeast-1", map[string]string{"RefuseDirectCalls": "true"}, []string{"DirectCallsNeedCloudFront"}},
		{"direct calls served with WAF", "us-east-1", map[string]string{"DomainName": "t.example.co.jp", "CertificateArn": cert, "EnableWaf": "true", "RefuseDirectCalls": "false"}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			ev := &cfnEval{t: t, refs: map[string]string{"AWS::Region": c.region}, conds: mapOf(tpl["Conditions"])}
			for name, p := range params {
				ev.refs[name] = fmt.Sprint(mapOf(p)["Default"])
			}
			maps.Copy(ev.refs, c.values)
			var refused []string
			for _, name := range slices.Sorted(maps.Keys(rules)) {
				r := mapOf(rules[name])
				if rc, ok := r["RuleCondition"]; ok && !ev.cond(rc) {
					continue
				}
				for _, a := range r["Assertions"].([]any) {
					if !ev.cond(mapOf(a)["Assert"]) {
						refused = append(refused, name)
						break
					}
				}
			}
			if !slices.Equal(refused, c.refused) {
				t.Errorf("refused by %v, want %v", refused, c.refused)
			}
		})
	}
}
