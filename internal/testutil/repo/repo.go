// Package repo finds the repository root, for tests and test helpers that
// read files kept at the top (events/, infra/rules.yaml).
package repo

import (
	"os"
	"path/filepath"
	"testing"
)

// Root walks up from the working directory to the folder holding go.mod.
func Root(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the working directory")
		}
		dir = parent
	}
}
