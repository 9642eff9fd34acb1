// Package deploy reads the SAM template, so tests can hold it to the code:
// every function built and routed, every variable the code needs defined,
// every sample event owned by a function, no permission the code never uses.
package deploy

import (
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// Function is one AWS::Serverless::Function of the template.
type Function struct {
	Resource string
	Name     string // functions/<Name>
	Env      map[string]bool
	Role     string          // the logical id of its execution role (Role: !GetAtt <id>.Arn)
	Actions  map[string]bool // IAM actions its role grants (its inline policies and the RolePolicy resources on it)
	Events   []string        // event source types (HttpApi, DynamoDB, SQS, Schedule)
	Routes   []Route         // its HttpApi events' routes, as the template writes them
}

// Route is an HttpApi event's route: Method (ANY: every method) and Path,
// with API Gateway's parameters ("/c/{link}/{token+}").
type Route struct{ Method, Path string }

// Template is the parsed template.
type Template struct {
	Functions map[string]*Function // by Name
	GlobalEnv map[string]bool
	Resources map[string]string // logical id -> type
}

// Load parses template.yaml.
func Load(path string) (*Template, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	doc := root.Content[0]
	t := &Template{Functions: map[string]*Function{}, GlobalEnv: map[string]bool{}, Resources: map[string]string{}}
	if g := get(doc, "Globals", "Function", "Environment", "Variables"); g != nil {
		for _, k := range keys(g) {
			t.GlobalEnv[k] = true
		}
	}
	res := get(doc, "Resources")
	if res == nil {
		return nil, fmt.Errorf("%s: no Resources", path)
	}
	byID := map[string]*yaml.Node{}
	for i := 0; i+1 < len(res.Content); i += 2 {
		byID[res.Content[i].Value] = res.Content[i+1]
	}
	for i := 0; i+1 < len(res.Content); i += 2 {
		id, r := res.Content[i].Value, res.Content[i+1]
		typ := scalar(get(r, "Type"))
		t.Resources[id] = typ
		if typ != "AWS::Serverless::Function" {
			continue
		}
		code := scalar(get(r, "Properties", "CodeUri"))
		name := strings.TrimSuffix(strings.TrimPrefix(code, "build/"), "/")
		if name == "" || strings.Contains(name, "/") {
			return nil, fmt.Errorf("%s: CodeUri %q is not build/<function>/", id, code)
		}
		f := &Function{Resource: id, Name: name, Env: map[string]bool{}, Actions: map[string]bool{}}
		if v := get(r, "Properties", "Environment", "Variables"); v != nil {
			for _, k := range keys(v) {
				f.Env[k] = true
			}
		}
		// SAM ignores a function's Policies when it names its Role: a grant
		// written there would silently be no grant.
		if get(r, "Properties", "Policies") != nil {
			return nil, fmt.Errorf("%s: Policies beside Role (SAM drops them); grant in its role's policies", id)
		}
		f.Role = roleOf(get(r, "Properties", "Role"))
		if scalar(get(byID[f.Role], "Type")) != "AWS::IAM::Role" {
			return nil, fmt.Errorf("%s: Role is not !GetAtt <an AWS::IAM::Role of the template>.Arn", id)
		}
		collectActions(get(byID[f.Role], "Properties", "Policies"), f.Actions)
		for j := 0; j+1 < len(res.Content); j += 2 {
			p := res.Content[j+1]
			if scalar(get(p, "Type")) == "AWS::IAM::RolePolicy" && refName(get(p, "Properties", "RoleName")) == f.Role {
				collectActions(get(p, "Properties", "PolicyDocument"), f.Actions)
			}
		}
		if ev := get(r, "Properties", "Events"); ev != nil {
			for j := 1; j < len(ev.Content); j += 2 {
				typ := scalar(get(ev.Content[j], "Type"))
				f.Events = append(f.Events, typ)
				if typ == "HttpApi" {
					p := get(ev.Content[j], "Properties")
					f.Routes = append(f.Routes, Route{scalar(get(p, "Method")), scalar(get(p, "Path"))})
				}
			}
		}
		t.Functions[name] = f
	}
	return t, nil
}

// Names lists the functions, sorted.
func (t *Template) Names() []string {
	var out []string
	for n := range t.Functions {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// HasEnv reports whether a function sees a variable (its own or global).
func (t *Template) HasEnv(fn, name string) bool {
	return t.GlobalEnv[name] || t.Functions[fn] != nil && t.Functions[fn].Env[name]
}

func get(n *yaml.Node, path ...string) *yaml.Node {
	for _, p := range path {
		if n == nil || n.Kind != yaml.MappingNode {
			return nil
		}
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == p {
				next = n.Content[i+1]
			}
		}
		n = next
	}
	return n
}

func keys(n *yaml.Node) []string {
	var out []string
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i < len(n.Content); i += 2 {
		out = append(out, n.Content[i].Value)
	}
	return out
}

func scalar(n *yaml.Node) string {
	if n == nil {
		return ""
	}
	return n.Value
}

// roleOf is the logical id in !GetAtt <id>.Arn (short or long form).
func roleOf(n *yaml.Node) string {
	if n == nil {
		return ""
	}
	if n.Tag != "!GetAtt" {
		n = get(n, "Fn::GetAtt")
	}
	switch {
	case n == nil:
		return ""
	case n.Kind == yaml.ScalarNode && strings.HasSuffix(n.Value, ".Arn"):
		return strings.TrimSuffix(n.Value, ".Arn")
	case n.Kind == yaml.SequenceNode && len(n.Content) == 2 && n.Content[1].Value == "Arn":
		return n.Content[0].Value
	}
	return ""
}

// refName is the name in !Ref <name> (or {Ref: name}).
func refName(n *yaml.Node) string {
	if n == nil {
		return ""
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!Ref" {
		return n.Value
	}
	return scalar(get(n, "Ref"))
}

// collectActions finds every Action under a Policies tree.
func collectActions(n *yaml.Node, into map[string]bool) {
	if n == nil {
		return
	}
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == "Action" {
				v := n.Content[i+1]
				if v.Kind == yaml.ScalarNode {
					into[v.Value] = true
				}
				for _, c := range v.Content {
					into[c.Value] = true
				}
				continue
			}
			collectActions(n.Content[i+1], into)
		}
		return
	}
	for _, c := range n.Content {
		collectActions(c, into)
	}
}

// Requests are requests API Gateway routes by r: its method (GET and POST
// for ANY) and its path with a value for each parameter.
func (r Route) Requests() []Route {
	path := paramRe.ReplaceAllStringFunc(r.Path, func(p string) string {
		switch p {
		case "{call}":
			return "track"
		case "{proxy+}":
			if strings.HasPrefix(r.Path, "/feedback/") {
				return "hubspot"
			}
			return "people"
		}
		return strings.Trim(p, "{+}") + "1"
	})
	if r.Method == "ANY" {
		return []Route{{"GET", path}, {"POST", path}}
	}
	return []Route{{r.Method, path}}
}

var paramRe = regexp.MustCompile(`\{[^}]+\}`)
