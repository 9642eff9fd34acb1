package privacy_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/privacy/privacytest"
	"github.com/baton-hq/baton/internal/scorefeed"
	"github.com/baton-hq/baton/internal/table/bolttable"
)

// TestNoBytesLeftInTheFile reads the embedded store's file itself: bbolt
// keeps deleted data in freed pages, so erasure compacts the file. Item
// data is stored as is, but base64 inside the records of files written in
// the older JSON form, so the file is searched decoded too
// (privacytest.FileLeftovers).
func TestNoBytesLeftInTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "baton.db")
	clk := clock.NewManual(privacytest.T0)
	// As the local stack opens it: with the change feed scoring reads.
	tb, err := bolttable.Open(path, bolttable.WithFeed(scorefeed.Kinds...), bolttable.WithClock(clk.Now))
	if err != nil {
		t.Fatal(err)
	}
	defer tb.Close()
	f := privacytest.Populate(t, tb, clk)
	before, _ := os.ReadFile(path)
	if bytes.Contains(before, []byte(privacytest.VictimEmail)) {
		t.Log("the email is in the file in clear (keys)")
	}
	if missing := len(f.Secrets) - len(privacytest.FileLeftovers(before, f.Secrets)); missing != 0 {
		t.Fatalf("%d secrets not in the file before the erasure, even decoded: the check below would prove nothing", missing)
	}
	if _, err := f.App.Eraser.Erase(context.Background(), f.Victim.ID); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range privacytest.StoreFileLeftovers(t, tb, raw, f.Secrets) {
		t.Errorf("the file still contains %q", s)
	}
	if kept := privacytest.FileLeftovers(raw, f.Keep); len(kept) != len(f.Keep) {
		t.Errorf("of the other person's strings the file has only %q", kept)
	}
	// The table still works after the file swap.
	if _, err := f.App.People.Get(context.Background(), f.Other.ID); err != nil {
		t.Fatal(err)
	}
}
