package deploy

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/qualify"
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
	if b, _ := os.ReadFile(filepath.Join(root, "template.yaml")); strings.Contains(string(b), "{{resolve:") {
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
	want := `"kind": {"S": ["` + strings.Join(qualify.StreamKinds, `", "`) + `"]}`
	if !strings.Contains(string(b), want) {
		t.Fatalf("template.yaml's score filter does not list %s", want)
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
// nobody gets wildcards, and each function's grants cover its calls.
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
		for _, a := range []string{"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"} {
			if !f.Actions[a] {
				t.Errorf("%s lacks %s, which every function's store calls", f.Resource, a)
			}
		}
		if !f.Actions["secretsmanager:GetSecretValue"] {
			t.Errorf("%s lacks secretsmanager:GetSecretValue: every function reads BATON_ADMIN_TOKEN from the secret at start-up", f.Resource)
		}
	}
}
