package bolttable_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/bolttable"
)

// TestOpenCutShortFile: a backup copy whose download was cut off, put in
// place of baton.db, is refused at Open with an error saying so; bbolt
// mapped the missing pages and the process died of SIGBUS (a fault no
// recover catches) with a goroutine dump. A whole copy opens.
func TestOpenCutShortFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "baton.db")
	tb, err := bolttable.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	pad := strings.Repeat("x", 2000)
	for i := 0; i < 200; i++ {
		if err := tb.Put(ctx, table.Item{PK: fmt.Sprintf("V#%d", i), SK: "E#1", Kind: "event", Data: []byte(pad)}, table.Always); err != nil {
			t.Fatal(err)
		}
	}
	var copyBytes strings.Builder
	var size int64
	if err := tb.Backup(&copyBytes, func(n int64) { size = n }); err != nil {
		t.Fatal(err)
	}
	if err := tb.Close(); err != nil {
		t.Fatal(err)
	}
	whole := copyBytes.String()
	if int64(len(whole)) != size {
		t.Fatalf("backup wrote %d bytes, said %d", len(whole), size)
	}
	for _, n := range []int{len(whole) / 2, len(whole) - 4096} {
		cut := filepath.Join(dir, fmt.Sprintf("cut%d.db", n))
		if err := os.WriteFile(cut, []byte(whole[:n]), 0o600); err != nil {
			t.Fatal(err)
		}
		got, err := bolttable.Open(cut)
		if err == nil {
			got.Close()
			t.Fatalf("a copy cut at %d of %d bytes opened", n, len(whole))
		}
		if !errors.Is(err, bolttable.ErrCutShort) || !strings.Contains(err.Error(), fmt.Sprintf("is %d bytes", n)) {
			t.Fatalf("cut at %d: %v", n, err)
		}
	}
	restored := filepath.Join(dir, "restored.db")
	if err := os.WriteFile(restored, []byte(whole), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := bolttable.Open(restored)
	if err != nil {
		t.Fatalf("the whole copy: %v", err)
	}
	defer got.Close()
	if _, err := got.Get(ctx, "V#199", "E#1"); err != nil {
		t.Fatalf("the whole copy lacks the last item: %v", err)
	}
}
