package stack_test

import (
	"os"
	"path/filepath"
	"testing"
)

// needChromium skips a browser test where Debian's chromium is missing,
// and fails it in CI, where every page must be tested in a browser.
func needChromium(t *testing.T, why string) {
	t.Helper()
	if _, err := os.Stat("/usr/bin/chromium"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("chromium missing: " + why)
		}
		t.Skip("chromium missing")
	}
}

// screenshotDir is where a browser test saves its screenshots:
// $BATON_SCREENSHOTS when set (to look at them), else under dir.
func screenshotDir(dir string) string {
	if d := os.Getenv("BATON_SCREENSHOTS"); d != "" {
		return d
	}
	shots := filepath.Join(dir, "shots")
	os.Mkdir(shots, 0o755)
	return shots
}
