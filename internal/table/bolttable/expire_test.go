package bolttable_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/bolttable"
)

// TestExpiredBytesLeaveTheFile: the local stack's hourly retention job
// deleted expired events (PurgeExpired), but bbolt keeps deleted bytes in
// freed pages: a form's name and email typed past event_retention were
// still in the file, and in every backup download (the file as it is),
// until an erasure happened to compact it. Expire compacts after purging,
// at most once a day, so they are gone within ExpiredGoneWithin.
func TestExpiredBytesLeaveTheFile(t *testing.T) {
	now := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	path := filepath.Join(t.TempDir(), "baton.db")
	tb, err := bolttable.Open(path, bolttable.WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	defer tb.Close()
	ctx := context.Background()
	put := func(sk, data string, exp time.Time) {
		t.Helper()
		if err := tb.Put(ctx, table.Item{PK: "V#1", SK: sk, Kind: "event", Data: []byte(data), Expires: exp}, table.Always); err != nil {
			t.Fatal(err)
		}
	}
	inFile := func(s string) bool {
		t.Helper()
		var b bytes.Buffer
		if err := tb.Backup(&b, func(int64) {}); err != nil {
			t.Fatal(err)
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return bytes.Contains(raw, []byte(s)) || bytes.Contains(b.Bytes(), []byte(s))
	}
	put("E#old", `{"email":"expired-hanako@example.jp","name":"山田花子"}`, now.Add(time.Hour))
	put("E#new", `{"email":"kept@example.jp"}`, now.Add(400*24*time.Hour))
	if !inFile("expired-hanako@example.jp") {
		t.Fatal("the fixture's event is not in the file to begin with")
	}

	now = now.Add(2 * time.Hour)
	if n, err := tb.Expire(ctx); err != nil || n != 1 {
		t.Fatalf("expired %d, %v; want 1", n, err)
	}
	if inFile("expired-hanako@example.jp") {
		t.Error("an event past its retention is still in the file (or the backup) after the retention job")
	}
	if !inFile("kept@example.jp") {
		t.Error("the live event is gone")
	}
	if _, err := tb.Get(ctx, "V#1", "E#new"); err != nil {
		t.Fatalf("after compaction: %v", err)
	}

	// Within a day of a compaction the next purge does not rewrite the
	// file again; past it, it does.
	put("E#soon", `{"email":"second-expired@example.jp"}`, now.Add(time.Hour))
	now = now.Add(2 * time.Hour)
	if n, err := tb.Expire(ctx); err != nil || n != 1 {
		t.Fatalf("expired %d, %v; want 1", n, err)
	}
	now = now.Add(bolttable.ExpiredGoneWithin)
	if n, err := tb.Expire(ctx); err != nil || n != 0 {
		t.Fatalf("expired %d, %v; want none (the file is compacted for the earlier purge)", n, err)
	}
	if inFile("second-expired@example.jp") {
		t.Errorf("an event past its retention is still in the file %v after it expired", bolttable.ExpiredGoneWithin)
	}
}

// TestPurgedMarkSurvivesARestart: Expire kept "purged since the last
// compaction" in the process only. A purge within a day of a compaction
// leaves the compaction for later; a restart before it forgot the purge,
// and the expired bytes stayed in the file (and every backup) until some
// later purge. The mark is the file's now: the first Expire after the
// restart, a day on, compacts though it purges nothing itself.
func TestPurgedMarkSurvivesARestart(t *testing.T) {
	now := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	clk := bolttable.WithClock(func() time.Time { return now })
	path := filepath.Join(t.TempDir(), "baton.db")
	tb, err := bolttable.Open(path, clk)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	put := func(sk, data string, exp time.Time) {
		t.Helper()
		if err := tb.Put(ctx, table.Item{PK: "V#1", SK: sk, Kind: "event", Data: []byte(data), Expires: exp}, table.Always); err != nil {
			t.Fatal(err)
		}
	}
	put("E#first", `{"email":"first@example.jp"}`, now.Add(time.Hour))
	put("E#kept", `{"email":"kept@example.jp"}`, now.Add(400*24*time.Hour))
	now = now.Add(2 * time.Hour)
	if n, err := tb.Expire(ctx); err != nil || n != 1 {
		t.Fatalf("expired %d, %v; want 1 (and a compaction)", n, err)
	}
	// Within the day: purged, not compacted.
	put("E#second", `{"email":"restart-hanako@example.jp"}`, now.Add(time.Hour))
	now = now.Add(2 * time.Hour)
	if n, err := tb.Expire(ctx); err != nil || n != 1 {
		t.Fatalf("expired %d, %v; want 1", n, err)
	}
	if err := tb.Close(); err != nil {
		t.Fatal(err)
	}

	now = now.Add(bolttable.ExpiredGoneWithin)
	if tb, err = bolttable.Open(path, clk); err != nil {
		t.Fatal(err)
	}
	defer tb.Close()
	if n, err := tb.Expire(ctx); err != nil || n != 0 {
		t.Fatalf("expired %d, %v; want none (the purge was before the restart)", n, err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte("restart-hanako@example.jp")) {
		t.Errorf("an event purged before a restart is still in the file %v later: the restart forgot the purge", bolttable.ExpiredGoneWithin)
	}
	if _, err := tb.Get(ctx, "V#1", "E#kept"); err != nil {
		t.Fatalf("the live event after compaction: %v", err)
	}
}
