package functions

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// rulesOptional are the functions that start with a rules file that does
// not load (web.CoreOptions: core.RulesOptional): they neither score nor
// qualify, and a typo in the rules must not lose page views and newsletter
// clicks. The others score, qualify, deliver or serve the rules (admin's
// lab and scores) and refuse to start, their failure the alarm.
var rulesOptional = map[string]bool{"collect": true, "click": true}

func TestOnlyCollectAndClickStartWithBadRules(t *testing.T) {
	mains, err := filepath.Glob("*/main.go")
	if err != nil || len(mains) == 0 {
		t.Fatalf("no functions found: %v", err)
	}
	for _, m := range mains {
		b, err := os.ReadFile(m)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Dir(m)
		optional := strings.Contains(string(b), "web.CoreOptions...") || strings.Contains(string(b), "RulesOptional")
		if optional != rulesOptional[name] {
			t.Errorf("functions/%s starts with a bad rules file: %v, want %v", name, optional, rulesOptional[name])
		}
	}
}
