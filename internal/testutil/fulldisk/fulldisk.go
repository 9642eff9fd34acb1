//go:build linux

// Package fulldisk makes the disk "full" for a test: it lowers the
// process's file-size limit (RLIMIT_FSIZE), so a write past it fails with
// EFBIG as one past a full disk fails with ENOSPC (Go ignores SIGXFSZ), and
// gives the room back when asked or when the test ends. The limit is the
// whole process's: tests using it must not run in parallel with others that
// write large files.
package fulldisk

import (
	"syscall"
	"testing"
)

// Limit lets the process's files grow to at most bytes until the returned
// function (or the test's end) restores the limit it had.
func Limit(t *testing.T, bytes uint64) (restore func()) {
	t.Helper()
	var old syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_FSIZE, &old); err != nil {
		t.Fatal(err)
	}
	limited := old
	limited.Cur = bytes
	// Lowering the soft limit is always allowed.
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &limited); err != nil {
		t.Fatalf("limiting the file size: %v", err)
	}
	restored := false
	restore = func() {
		if !restored {
			restored = true
			if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &old); err != nil {
				t.Fatal(err)
			}
		}
	}
	t.Cleanup(restore)
	return restore
}
