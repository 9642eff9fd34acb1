package bolttable_test

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/table/bolttable"
)

// TestSecondOpenSaysLocked: a second Baton started on the same data file
// (bbolt locks it) is refused with an error saying so, not bbolt's bare
// "timeout", and the first keeps the file.
func TestSecondOpenSaysLocked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "baton.db")
	first, err := bolttable.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	second, err := bolttable.Open(path)
	if err == nil {
		second.Close()
		t.Fatal("a second open of a file in use succeeded")
	}
	if !errors.Is(err, bolttable.ErrLocked) {
		t.Fatalf("err %v, want ErrLocked", err)
	}
	for _, want := range []string{path, "another process", "BATON_DATA"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("err %q does not say %q", err, want)
		}
	}
}
