package qualifytest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"

	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/table/bolttable"
)

// The crash test re-runs this test binary as a child that rescores a store
// file and kills itself (SIGKILL: no deferred code, no clean close) right
// after its n-th committed write.
const (
	envStore = "BATON_CRASH_STORE"
	envAfter = "BATON_CRASH_AFTER"
)

func TestMain(m *testing.M) {
	if path := os.Getenv(envStore); path != "" {
		n, _ := strconv.Atoi(os.Getenv(envAfter))
		if err := rescoreUntilKilled(path, n); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(3)
		}
		os.Exit(0) // the rescore finished before the n-th write
	}
	os.Exit(m.Run())
}

func crashClock() *clock.Manual { return clock.NewManual(t0.Add(24 * 60 * 60e9)) }

func qualifierOn(path string, clk *clock.Manual) (*qualify.Qualifier, *bolttable.Table, error) {
	tb, err := bolttable.Open(path, bolttable.WithClock(clk.Now))
	if err != nil {
		return nil, nil, err
	}
	return &qualify.Qualifier{T: tb, Dir: &identity.Directory{T: tb, Now: clk.Now}, Log: &eventlog.Log{T: tb}, Engine: points{mult: 2}, Now: clk.Now}, tb, nil
}

func rescoreUntilKilled(path string, n int) error {
	clk := crashClock()
	q, tb, err := qualifierOn(path, clk)
	if err != nil {
		return err
	}
	writes := 0
	w := &watched{Table: tb, after: func() {
		if writes++; writes == n {
			_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
			select {} // the signal is on its way
		}
	}}
	q.T, q.Dir.T, q.Log.T = w, w, w
	return q.RunRescores(context.Background())
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	src, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestRescoreSurvivesKill kills a rescoring process after each of its
// writes in turn (every write up to the end of the job): the store it
// leaves has every person whole under the old or the new rules, and the
// job, resumed by a new process, finishes with everyone under the new ones.
func TestRescoreSurvivesKill(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	seed := filepath.Join(dir, "seed.db")
	clk := crashClock()
	q, tb, err := qualifierOn(seed, clk)
	if err != nil {
		t.Fatal(err)
	}
	q.Engine = points{}
	const perPerson = 60
	x := fx{q: q, st: &identity.Stitcher{Dir: q.Dir, Log: q.Log}, log: q.Log, clk: clk}
	ids := longHistory(t, x, 2, perPerson)
	q.Engine = points{mult: 2}
	if _, err := q.StartRescore(ctx); err != nil {
		t.Fatal(err)
	}
	if err := tb.Close(); err != nil {
		t.Fatal(err)
	}
	killed := 0
	for n := 1; ; n++ {
		path := filepath.Join(dir, fmt.Sprintf("kill%d.db", n))
		copyFile(t, seed, path)
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), envStore+"="+path, envAfter+"="+strconv.Itoa(n))
		out, err := cmd.CombinedOutput()
		var exit *exec.ExitError
		if err == nil {
			break // the job finished in fewer than n writes
		}
		if !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
			t.Fatalf("child after %d writes: %v\n%s", n, err, out)
		}
		killed++
		q, tb, err := qualifierOn(path, clk)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range ids {
			if why := whole(ctx, q, id, perPerson); why != "" {
				t.Fatalf("killed after write %d: person %s is half-rebuilt: %s", n, id, why)
			}
		}
		// A new process resumes the job and finishes it.
		if err := q.RunRescores(ctx); err != nil {
			t.Fatal(err)
		}
		if active, err := q.ActiveRescores(ctx); err != nil || len(active) != 0 {
			t.Fatalf("killed after write %d: jobs left after the resume: %+v %v", n, active, err)
		}
		for _, id := range ids {
			rec, _ := q.Record(ctx, id)
			if why := whole(ctx, q, id, perPerson); why != "" || rec.Rules != "points-x2" {
				t.Fatalf("killed after write %d, resumed: person %s: %s (rules %s)", n, id, why, rec.Rules)
			}
		}
		tb.Close()
		os.Remove(path)
	}
	if killed < 2 {
		t.Fatalf("the rescore was killed %d times: the test saw nothing", killed)
	}
	t.Logf("killed the rescore after each of its %d writes", killed)
}
