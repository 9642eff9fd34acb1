package loadtest

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/push"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/queue"
	"github.com/baton-hq/baton/internal/scorefeed"
	"github.com/baton-hq/baton/internal/table/bolttable"
)

// TestCrashLosesNothingAcknowledged kills the local stack with SIGKILL in
// the middle of a load, restarts it on the same data, and checks that every
// event it had acknowledged is there: a 204 means the event was fsynced
// (group commit), not merely buffered.
func TestCrashLosesNothingAcknowledged(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "baton-local")
	build := exec.Command("go", "build", "-o", bin, "../local")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		t.Fatal(err)
	}
	data := t.TempDir()
	addr := freeAddr(t)
	start := func() *exec.Cmd {
		cmd := exec.Command(bin)
		cmd.Env = append(os.Environ(), "BATON_ADDR="+addr, "BATON_DATA="+data, "BATON_ADMIN_TOKEN=crash-admin-token-0123456789", "BATON_CONFIG="+writeConfig(t), "BATON_RULES=../rules.yaml")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		waitUp(t, "http://"+addr)
		return cmd
	}
	cmd := start()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan *Result, 1)
	go func() {
		res, _ := Run(ctx, Config{BaseURL: "http://" + addr, Visitors: 64, PerVisitor: 120, Known: 0.6, Timeout: time.Minute})
		done <- res
	}()
	// Mid-load, once scoring has raised an MQL (so that the MQL check below
	// has something to check, however slow this machine is today).
	waitForMQL(t, "http://"+addr, done)
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	cancel()
	res := <-done
	if res.Acked < 100 {
		t.Fatalf("only %d events acknowledged before the kill: the test proves too little", res.Acked)
	}
	// Read the file the killed process left, as the restarted stack would.
	// The killed process ran on the real clock: judge expiry by it too.
	tb, err := bolttable.Open(filepath.Join(data, "baton.db"), bolttable.WithFeed(scorefeed.Kinds...), bolttable.WithClock(time.Now))
	if err != nil {
		t.Fatalf("reopen after SIGKILL: %v", err)
	}
	log := &eventlog.Log{T: tb}
	missing := 0
	byVisitor := map[string][]string{}
	for _, a := range res.Acks {
		byVisitor[a.Visitor] = append(byVisitor[a.Visitor], a.ID)
	}
	for v, ids := range byVisitor {
		evs, err := log.Visitor(context.Background(), v)
		if err != nil {
			t.Fatal(err)
		}
		have := map[string]bool{}
		for _, ev := range evs {
			have[ev.ID] = true
		}
		for _, id := range ids {
			if !have[id] {
				missing++
			}
		}
	}
	// Every MQL raised before the kill is either still on the change feed
	// (the restarted stack relays it), queued for delivery, or delivered:
	// none was lost between scoring and hand-off.
	mqlItems, err := (&qualify.Qualifier{T: tb}).RecentMQLs(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	pending, err := tb.Next(context.Background(), 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	onFeed := map[string]bool{}
	for _, c := range pending {
		if c.Item.Kind == qualify.KindMQL {
			var m struct{ ID string }
			json.Unmarshal(c.Item.Data, &m)
			onFeed[m.ID] = true
		}
	}
	q := &queue.Queue{T: tb, Name: "push"}
	lostMQLs := 0
	for _, m := range mqlItems {
		if _, err := q.Get(context.Background(), m.ID); err == nil || onFeed[m.ID] {
			continue
		}
		inbox, _ := (&push.Inbox{T: tb}).List(context.Background(), 0)
		found := false
		for _, in := range inbox {
			found = found || in.MQLID == m.ID
		}
		if !found {
			lostMQLs++
		}
	}
	tb.Close()
	if missing > 0 {
		t.Fatalf("%d of %d acknowledged events lost in the crash", missing, len(res.Acks))
	}
	if len(mqlItems) == 0 {
		t.Fatal("no MQL was raised before the kill: the MQL check proves nothing")
	}
	if lostMQLs > 0 {
		t.Fatalf("%d of %d MQLs neither queued nor delivered after the crash", lostMQLs, len(mqlItems))
	}
	t.Logf("%d MQLs raised before the kill: all queued or delivered", len(mqlItems))
	// And the stack starts again on that file and serves.
	cmd = start()
	defer func() { cmd.Process.Signal(syscall.SIGTERM); cmd.Wait() }()
	t.Logf("killed mid-load after %d acknowledged events; all present after restart", len(res.Acks))
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// waitForMQL returns once the stack lists an MQL, or the load has ended
// (its result is put back for the caller).
func waitForMQL(t *testing.T, base string, done chan *Result) {
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		select {
		case res := <-done:
			done <- res
			return
		default:
		}
		req, _ := http.NewRequest("GET", base+"/admin/mqls?limit=1", nil)
		req.Header.Set("Authorization", "Bearer crash-admin-token-0123456789")
		if resp, err := http.DefaultClient.Do(req); err == nil {
			var body struct{ MQLs []json.RawMessage }
			json.NewDecoder(resp.Body).Decode(&body)
			resp.Body.Close()
			if len(body.MQLs) > 0 {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("no MQL within a minute of load")
}

func waitUp(t *testing.T, base string) {
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			var body map[string]string
			json.NewDecoder(resp.Body).Decode(&body)
			resp.Body.Close()
			if body["status"] == "ok" {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s did not come up", base)
}
