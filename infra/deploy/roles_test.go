package deploy

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
)

// wildcardOnly are the actions a policy may grant on Resource "*": their
// service defines no resource type for them (AWS's Service Authorization
// Reference leaves the action's resource types empty, and says a policy
// must then name "*"), so an ARN in Resource would grant nothing.
var wildcardOnly = map[string]string{
	"xray:PutTraceSegments":    "AWS X-Ray: Lambda sends a function's traces (Tracing: Active) with its role",
	"xray:PutTelemetryRecords": "AWS X-Ray: as xray:PutTraceSegments",
	"dynamodb:ListStreams":     "Amazon DynamoDB: Lambda's documentation lists it for a DynamoDB stream event source (the score function's); it lists stream ARNs, no record",
}

// TestExecutionRoles: after the SAM transform no role of the stack carries
// a managed policy, and no Allow statement of any policy on a role has
// Resource "*" but for wildcardOnly's actions (nor NotResource, NotAction
// or a wildcard action, broader still). A role SAM generates for a function
// gets AWS managed policies whose Resource is "*": AWSLambdaBasicExecutionRole
// (logs in every log group), AWSXrayWriteOnlyAccess, and for event sources
// AWSLambdaSQSQueueExecutionRole (every queue of the account) and
// AWSLambdaDynamoDBExecutionRole (every stream); so every function names
// a role of the template's own, one role per function (TestGrantsMatchCalls
// proves each role's code policy against that function's calls alone).
func TestExecutionRoles(t *testing.T) {
	res := resources(t, transformed(t))
	roles := 0
	for _, id := range slices.Sorted(maps.Keys(res)) {
		r := res[id]
		props := mapOf(r["Properties"])
		var docs []any
		switch r["Type"] {
		case "AWS::IAM::Role":
			roles++
			if arns, _ := props["ManagedPolicyArns"].([]any); len(arns) > 0 {
				t.Errorf("%s carries managed policies %v", id, arns)
			} else if props["ManagedPolicyArns"] != nil {
				t.Errorf("%s: ManagedPolicyArns %v", id, props["ManagedPolicyArns"])
			}
			policies, _ := props["Policies"].([]any)
			for _, p := range policies {
				docs = append(docs, mapOf(p)["PolicyDocument"])
			}
		case "AWS::IAM::ManagedPolicy":
			if props["Roles"] != nil {
				t.Errorf("%s: a managed policy on roles %v", id, props["Roles"])
			}
			docs = append(docs, props["PolicyDocument"])
		case "AWS::IAM::Policy", "AWS::IAM::RolePolicy":
			docs = append(docs, props["PolicyDocument"])
		default:
			continue
		}
		for _, d := range docs {
			for _, st := range allStatements(t, id, mapOf(d)["Statement"]) {
				if st["Effect"] != "Allow" {
					continue
				}
				if st["NotResource"] != nil || st["NotAction"] != nil {
					t.Errorf("%s: %v allows all but what it names", id, st)
				}
				actions := strs(st["Action"])
				for _, a := range actions {
					if strings.Contains(a, "*") {
						t.Errorf("%s: wildcard action %s", id, a)
					}
				}
				rs, ok := st["Resource"].([]any)
				if !ok {
					rs = []any{st["Resource"]}
				}
				if !slices.Contains(rs, any("*")) {
					continue
				}
				for _, a := range actions {
					if wildcardOnly[a] == "" {
						t.Errorf("%s: %s on Resource \"*\"; name the resource (only actions whose service defines no resource type may have \"*\": wildcardOnly)", id, a)
					}
				}
			}
		}
	}
	if roles == 0 {
		t.Fatal("no AWS::IAM::Role in the transformed template")
	}

	owner := map[string]string{} // role -> the function it serves
	for _, fn := range slices.Sorted(maps.Keys(res)) {
		if res[fn]["Type"] != "AWS::Lambda::Function" {
			continue
		}
		att, _ := mapOf(mapOf(res[fn]["Properties"])["Role"])["Fn::GetAtt"].([]any)
		if len(att) != 2 || att[1] != "Arn" || res[fmt.Sprint(att[0])]["Type"] != "AWS::IAM::Role" {
			t.Errorf("%s: Role %v, want !GetAtt <a role of the template's>.Arn", fn, mapOf(res[fn]["Properties"])["Role"])
			continue
		}
		role := fmt.Sprint(att[0])
		if other, ok := owner[role]; ok {
			t.Errorf("%s and %s share the role %s: each function's role grants what its own code calls", other, fn, role)
		}
		owner[role] = fn
	}
}

// TestLogAndTraceGrants: Lambda writes a function's logs and sends its
// traces with the function's role, which the managed policies SAM would
// attach no longer grant (TestExecutionRoles): each function's role may
// create streams and put events in its own log group, the one named
// /aws/lambda/<function> (a RolePolicy on the role: the group's name needs
// the function, which needs the role), no other and no logs:CreateLogGroup
// (the groups are the template's); and with Tracing: Active its tracing
// policy grants X-Ray's two actions. A missing grant loses the logs or the
// traces silently on AWS; it fails here.
func TestLogAndTraceGrants(t *testing.T) {
	res := resources(t, transformed(t))
	logWrites := []string{"logs:CreateLogStream", "logs:PutLogEvents"}
	traceWrites := []string{"xray:PutTraceSegments", "xray:PutTelemetryRecords"}
	functions := 0
	for _, fn := range slices.Sorted(maps.Keys(res)) {
		if res[fn]["Type"] != "AWS::Lambda::Function" {
			continue
		}
		functions++
		props := mapOf(res[fn]["Properties"])
		att, _ := mapOf(props["Role"])["Fn::GetAtt"].([]any)
		if len(att) != 2 {
			t.Errorf("%s: no role of the template's", fn)
			continue
		}
		role := fmt.Sprint(att[0])
		group := ""
		for _, id := range slices.Sorted(maps.Keys(res)) {
			if res[id]["Type"] == "AWS::Logs::LogGroup" && mapOf(mapOf(res[id]["Properties"])["LogGroupName"])["Fn::Sub"] == "/aws/lambda/${"+fn+"}" {
				group = id
			}
		}
		if group == "" {
			t.Errorf("%s has no log group /aws/lambda/${%s}", fn, fn)
			continue
		}
		// Every statement on the role, by where it is.
		type stmt struct {
			where string
			st    map[string]any
		}
		var all []stmt
		policies, _ := mapOf(res[role]["Properties"])["Policies"].([]any)
		for _, p := range policies {
			name := fmt.Sprint(mapOf(p)["PolicyName"])
			for _, st := range allStatements(t, role, mapOf(mapOf(p)["PolicyDocument"])["Statement"]) {
				all = append(all, stmt{name, st})
			}
		}
		for _, id := range slices.Sorted(maps.Keys(res)) {
			p := mapOf(res[id]["Properties"])
			if res[id]["Type"] == "AWS::IAM::RolePolicy" && mapOf(p["RoleName"])["Ref"] == role {
				for _, st := range allStatements(t, id, mapOf(p["PolicyDocument"])["Statement"]) {
					all = append(all, stmt{"RolePolicy " + id, st})
				}
			}
		}
		wantGroup, _ := json.Marshal(map[string]any{"Fn::GetAtt": []any{group, "Arn"}})
		logged := map[string]bool{}
		traced := map[string]bool{}
		for _, s := range all {
			res, _ := json.Marshal(s.st["Resource"])
			for _, a := range strs(s.st["Action"]) {
				switch {
				case strings.HasPrefix(a, "logs:"):
					if !slices.Contains(logWrites, a) || string(res) != string(wantGroup) || !strings.HasPrefix(s.where, "RolePolicy ") {
						t.Errorf("%s (%s), %s: %s on %s; want only %v on its log group %s, in a RolePolicy", role, fn, s.where, a, res, logWrites, wantGroup)
						continue
					}
					logged[a] = true
				case strings.HasPrefix(a, "xray:"):
					if !slices.Contains(traceWrites, a) || string(res) != `"*"` || s.where != "tracing" {
						t.Errorf("%s (%s), %s: %s on %s; want only %v, in its tracing policy", role, fn, s.where, a, res, traceWrites)
						continue
					}
					traced[a] = true
				}
			}
		}
		for _, a := range logWrites {
			if !logged[a] {
				t.Errorf("%s (%s) may not %s in its log group %s: Lambda could not write its logs", role, fn, a, group)
			}
		}
		active := mapOf(props["TracingConfig"])["Mode"] == "Active"
		for _, a := range traceWrites {
			if active && !traced[a] {
				t.Errorf("%s (%s): Tracing Active, and its role may not %s", role, fn, a)
			}
			if !active && traced[a] {
				t.Errorf("%s (%s): no active tracing, yet its role may %s", role, fn, a)
			}
		}
	}
	if functions == 0 {
		t.Fatal("no AWS::Lambda::Function in the transformed template")
	}
}

// allStatements are the statements of a policy document, each Fn::If's
// both branches (whatever the parameters), an AWS::NoValue left out.
func allStatements(t *testing.T, where string, v any) []map[string]any {
	t.Helper()
	var out []map[string]any
	var walk func(s any)
	walk = func(s any) {
		m := mapOf(s)
		if a, ok := m["Fn::If"].([]any); ok {
			if len(a) != 3 {
				t.Fatalf("%s: Fn::If %v", where, a)
			}
			walk(a[1])
			walk(a[2])
			return
		}
		if m["Ref"] == "AWS::NoValue" {
			return
		}
		if m == nil {
			t.Fatalf("%s: statement %v", where, s)
		}
		out = append(out, m)
	}
	switch v := v.(type) {
	case []any:
		for _, s := range v {
			walk(s)
		}
	default:
		walk(v)
	}
	return out
}
