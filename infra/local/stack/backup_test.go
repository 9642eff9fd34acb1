package stack_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/baton-hq/baton/infra/local/stack"
	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/bolttable"
)

// withToken writes a config file of extra (YAML) with one more admin
// token, name with scopes ("read, write"), and returns its path.
func withToken(t *testing.T, extra, name, tok, scopes string) string {
	t.Helper()
	sum := sha256.Sum256([]byte(tok))
	cfg := filepath.Join(t.TempDir(), "baton.yaml")
	if err := os.WriteFile(cfg, []byte(extra+"admin_tokens:\n  - {name: "+name+", sha256: "+hex.EncodeToString(sum[:])+", scopes: ["+scopes+"]}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// TestBackupWhileRunning: GET /admin/backup answers a copy of the embedded
// store taken while Baton runs, which opens as a store holding what was
// collected (the person, their events); it needs the backup scope (a
// token with read and write gets 403). (On DynamoDB: admin
// TestBackupOnDynamoDB.)
func TestBackupWhileRunning(t *testing.T) {
	ctx := context.Background()
	const writer = "backup-test-writer-token-0123"
	s := stack.ForTest(t, map[string]string{"BATON_CONFIG": withToken(t, "", "ops", writer, "read, write")})
	p := qualifyOne(t, s, "bk-1", "backup@maker.example")

	get := func(tok string) (*http.Response, []byte) {
		req, _ := http.NewRequest("GET", s.URL+"/admin/backup", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, b
	}
	if resp, b := get(writer); resp.StatusCode != 403 || !strings.Contains(string(b), "backup") {
		t.Fatalf("a token without the backup scope: %d %s", resp.StatusCode, b)
	}
	resp, b := get(token)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Length") != strconv.Itoa(len(b)) || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("backup: %d, %d bytes, headers %v", resp.StatusCode, len(b), resp.Header)
	}
	copyPath := filepath.Join(t.TempDir(), "restored.db")
	if err := os.WriteFile(copyPath, b, 0o600); err != nil {
		t.Fatal(err)
	}
	restored, err := bolttable.Open(copyPath)
	if err != nil {
		t.Fatalf("the backup does not open as a store: %v", err)
	}
	defer restored.Close()
	dir2 := &identity.Directory{T: restored}
	got, err := dir2.ByEmail(ctx, "backup@maker.example")
	if err != nil || got.ID != p {
		t.Fatalf("the person in the backup: %+v %v", got, err)
	}
	st := &identity.Stitcher{Dir: dir2, Log: &eventlog.Log{T: restored}}
	if evs, err := st.Timeline(ctx, p, 0); err != nil || len(evs) != 1 || evs[0].Email() != "backup@maker.example" {
		t.Fatalf("the person's form in the backup: %+v %v", evs, err)
	}
	var events int // the three posted (each request without a cookie is a browser of its own)
	restored.Scan(ctx, "", func(it table.Item) error {
		if it.Kind == eventlog.KindEvent {
			events++
		}
		return nil
	})
	if events != 3 {
		t.Fatalf("%d events in the backup, want 3", events)
	}
}
