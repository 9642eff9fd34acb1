package main

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/baton-hq/baton/infra/local/stack"
	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/table/bolttable"
)

// syncBuffer is a log's output, written by shutdown's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// TestSecondInterruptStopsAtOnce: Ctrl-C waits for the requests in flight
// (up to 10 s) and the change feed; a second Ctrl-C meanwhile was ignored.
// It now stops at once, saying what it did not wait for, with the store
// closed (its file can be opened again) and the event answered as stored
// before still there.
func TestSecondInterruptStopsAtOnce(t *testing.T) {
	clk := clock.NewManual(time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC))
	s := stack.ForTestClock(t, nil, clk.Now)
	resp, err := http.Post(s.URL+"/e", "text/plain", strings.NewReader(`{"type":"page_view","messageId":"kept-1","anonymousId":"shutdown-browser","properties":{"url":"https://www.example.com/"}}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("POST /e: %d", resp.StatusCode)
	}

	// A request in flight: its body never comes.
	conn, err := net.Dial("tcp", strings.TrimPrefix(s.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /e HTTP/1.1\r\nHost: %s\r\nContent-Type: text/plain\r\nContent-Length: 500\r\n\r\n{\"type\":", strings.TrimPrefix(s.URL, "http://"))
	for i := 0; s.InFlight() != 1; i++ {
		if i == 500 {
			t.Fatalf("%d requests in flight, want the slow one", s.InFlight())
		}
		time.Sleep(10 * time.Millisecond)
	}

	var logs syncBuffer
	sigs := make(chan os.Signal, 1)
	done := make(chan error, 1)
	go func() { done <- shutdown(s, sigs, slog.New(slog.NewTextHandler(&logs, nil))) }()
	sigs <- os.Interrupt
	select {
	case err := <-done:
		if err != nil {
			t.Logf("shutdown: %v", err)
		}
	case <-time.After(5 * time.Second): // Close alone waits 10 s for the slow request
		t.Fatal("a second interrupt did not stop Baton at once")
	}
	if !strings.Contains(logs.String(), "second interrupt") || !strings.Contains(logs.String(), "without waiting for 1 request / the feed") {
		t.Errorf("log: %s", logs.String())
	}

	// The store was closed: its file opens (an open one is locked), with
	// the event answered as stored.
	tb, err := bolttable.Open(filepath.Join(s.App.Config.DataDir, "baton.db"), bolttable.WithClock(clk.Now)) // the stack's clock: the wall clock would find the event expired
	if err != nil {
		t.Fatalf("the store after a second interrupt: %v", err)
	}
	defer tb.Close()
	evs, err := (&eventlog.Log{T: tb}).Visitor(context.Background(), "shutdown-browser")
	if err != nil || len(evs) != 1 {
		t.Fatalf("events stored before the interrupt: %d %v", len(evs), err)
	}
}
