// Package functions holds the check that each Lambda function links only
// what it serves (the functions themselves are the folders below).
package functions

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/baton-hq/baton/"

// mustNot is what each function must not link. The admin function links
// everything but the embedded store: erasure reaches every part, and with
// sfa.erase it tells the SFAs through their connectors (internal/crm), so
// admin keeps crm; feedback names Salesforce owners (OwnerId) by reading
// the org through the Salesforce connector, so it links crm too, as sweep
// does to name an SLA breach's owner from the SFA's record. No
// function links bbolt: they all run on DynamoDB
// (core.FromEnv); the embedded store is the local stack's (internal/stores).
var mustNot = map[string][]string{
	"collect":  {"go.etcd.io/bbolt", module + "internal/crm", module + "internal/admin", module + "internal/session", module + "internal/app", module + "internal/stores"},
	"click":    {"go.etcd.io/bbolt", module + "internal/crm", module + "internal/admin", module + "internal/session", module + "internal/app", module + "internal/stores"},
	"score":    {"go.etcd.io/bbolt", module + "internal/crm", module + "internal/admin", module + "internal/session", module + "internal/app", module + "internal/stores"},
	"sweep":    {"go.etcd.io/bbolt", module + "internal/admin", module + "internal/session", module + "internal/app", module + "internal/stores"},
	"push":     {"go.etcd.io/bbolt", module + "internal/admin", module + "internal/session", module + "internal/app", module + "internal/stores"},
	"feedback": {"go.etcd.io/bbolt", module + "internal/admin", module + "internal/session", module + "internal/app", module + "internal/stores"},
	"admin":    {"go.etcd.io/bbolt", module + "internal/stores"},
}

// mustLink guards the check against a build that links nothing.
var mustLink = map[string][]string{
	"push":     {module + "internal/crm"},
	"feedback": {module + "internal/crm"},
	"sweep":    {module + "internal/crm"},
	"admin":    {module + "internal/admin", module + "internal/crm"},
}

func TestFunctionsLinkOnlyWhatTheyServe(t *testing.T) {
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if _, err := os.Stat(filepath.Join(e.Name(), "main.go")); e.IsDir() && err == nil {
			names = append(names, e.Name())
		}
	}
	if len(names) == 0 {
		t.Fatal("no functions found")
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			excluded, ok := mustNot[name]
			if !ok {
				t.Fatalf("functions/%s: say in mustNot what it must not link", name)
			}
			cmd := exec.Command("go", "list", "-tags", "lambda.norpc", "-deps", "./"+name)
			cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH=arm64", "CGO_ENABLED=0") // as the Makefile builds for Lambda
			out, err := cmd.Output()
			if err != nil {
				msg := ""
				if ee, ok := err.(*exec.ExitError); ok {
					msg = string(ee.Stderr)
				}
				t.Fatalf("go list -deps ./%s: %v\n%s", name, err, msg)
			}
			deps := strings.Fields(string(out))
			own := 0
			for _, d := range deps {
				if strings.HasPrefix(d, module) {
					own++
				}
			}
			t.Logf("functions/%s links %d packages, %d of them Baton's", name, len(deps), own)
			for _, x := range excluded {
				if slices.Contains(deps, x) {
					t.Errorf("functions/%s links %s", name, x)
				}
			}
			for _, x := range mustLink[name] {
				if !slices.Contains(deps, x) {
					t.Errorf("functions/%s does not link %s", name, x)
				}
			}
		})
	}
}
