package privacy_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/baton-hq/baton/internal/privacy/privacytest"
	"github.com/baton-hq/baton/internal/table/bolttable"
)

// TestNoBytesLeftInTheFile reads the embedded store's file itself: bbolt
// keeps deleted data in freed pages, so erasure compacts the file.
func TestNoBytesLeftInTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "baton.db")
	tb, err := bolttable.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer tb.Close()
	e, seed := privacytest.Populate(t, tb)
	before, _ := os.ReadFile(path)
	if !bytes.Contains(before, []byte("zelda.victim@example.com")) {
		t.Fatal("seed not in the file: the check below would prove nothing")
	}
	if _, err := e.Erase(context.Background(), seed.Victim.ID); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range seed.Secrets {
		if bytes.Contains(raw, []byte(s)) {
			t.Errorf("file still contains %q", s)
		}
	}
	if !bytes.Contains(raw, []byte("oscar.other@example.com")) {
		t.Error("other person's data missing from the file")
	}
	// The table still works after the file swap.
	if _, err := e.Dir.Get(context.Background(), seed.Other.ID); err != nil {
		t.Fatal(err)
	}
}
